#!/usr/bin/env bash
# Runs the standard benchmark and prints a Markdown section for bench/RESULTS.md:
# machine, compiler, flags, commit, then `credere bench`'s table.
#   bench/run.sh [BUILD_DIR] [--append]     (default build dir: build)
# --append adds the section at the end of bench/RESULTS.md (earlier numbers stay).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build; APPEND=0
for a in "$@"; do
  case "$a" in
    --append) APPEND=1 ;;
    *) BUILD=$a ;;
  esac
done
CREDERE=$BUILD/credere
[ -x "$CREDERE" ] || { echo "no $CREDERE: run 'make build' first" >&2; exit 2; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
section=$(mktemp)
{
  echo "## $(date -u +%Y-%m-%d) $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  echo
  echo "- machine: $cpu, $cores cores, $mem ($(uname -sr))"
  echo "- build: $("$CREDERE" --version | sed -n 2p); $("$CREDERE" --version | sed -n 3p)"
  echo "- flags: $(grep -m1 CR_COMPILE_FLAGS "$BUILD/generated/cr_buildinfo.h" | sed 's/.*FLAGS "//; s/"$//')"
  echo "- command: \`$CREDERE bench --modes direct,single,joint_liability,alliance\`"
  echo
  echo '```'
  "$CREDERE" bench --modes direct,single,joint_liability,alliance
  echo '```'
  echo
  echo "Contagion (a cascade-heavy economy, 10^6 SMEs, 40 periods, all threads; the"
  echo "same economy without and with guarantee circles of five):"
  echo
  echo '```'
  HEAVY=(--modes direct --smes 1000000 --periods 40 --set population.pd.mean=0.15
         --set population.pd.sd=0.1 --set bank.max_pd=1 --set bank.max_rate=10
         --set direct.min_collateral=0)
  "$CREDERE" bench "${HEAVY[@]}" --threads "$(nproc)" --set network.generator=none | tail -1
  "$CREDERE" bench "${HEAVY[@]}" --threads "$(nproc)" --set network.generator=groups | tail -1
  echo '```'
  echo
  echo "Strategic behaviour (the four modes, 10^6 SMEs, 20 periods, all threads; without"
  echo "behaviour, then with the behaviour section of experiments/strategic.yaml; ratio:"
  echo "seconds with / seconds without):"
  echo
  echo '```'
  # the behaviour section of experiments/strategic.yaml (keep the two in step)
  BEHAVE=(--set behaviour.risk.rule=imitation --set behaviour.risk.risky_success=0.85
          --set behaviour.risk.risky_return=1.22 --set behaviour.risk.initial_share=0.3
          --set behaviour.repayment.rule=best_response --set behaviour.repayment.penalty=0.95
          --set behaviour.repayment.discount=0.9 --set behaviour.repayment.return_spread=0.1
          --set behaviour.repayment.sanction=0.3 --set behaviour.monitoring.rule=best_response
          --set behaviour.monitoring.cost=0.005 --set behaviour.monitoring.effect=0.8
          --set behaviour.channel.rule=logit --set behaviour.channel.intensity=50
          --set behaviour.channel.memory=0.3 --set behaviour.channel.initial=0.02
          --set behaviour.records.sharing=shared --set behaviour.records.prior_strength=20
          --set behaviour.records.switch_probability=0.2
          --set behaviour.learning.revision_rate=0.1 --set behaviour.learning.payoff_range=0.05)
  STRAT=(--modes direct,single,joint_liability,alliance --smes 1000000 --threads "$(nproc)")
  off=$(mktemp); on=$(mktemp)
  "$CREDERE" bench "${STRAT[@]}" | tail -4 > "$off"
  "$CREDERE" bench "${STRAT[@]}" "${BEHAVE[@]}" | tail -4 > "$on"
  cat "$off" "$on"
  paste "$off" "$on" | awk '{ printf "ratio %-16s %5.2f\n", $1, $(NF/2 + 6) / $6 }'
  rm -f "$off" "$on"
  echo '```'
  echo
} > "$section"
cat "$section"
if [ "$APPEND" = 1 ]; then
  cat "$section" >> bench/RESULTS.md
  echo "appended to bench/RESULTS.md" >&2
fi
rm -f "$section"
