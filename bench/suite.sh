#!/usr/bin/env bash
# The benchmark suite (bench/README.md): prints one Markdown section for
# bench/RESULTS.md: machine, compiler, flags and commit; the table of scenarios x
# sizes x threads (each row with its roofline fraction, measured in the same run);
# parallel efficiency; replications in parallel for small worlds; the largest world;
# the output's share of a run; and the issue-8 targets, met or missed.
#   bench/suite.sh [BUILD_DIR] [--append] [--quick]     (default build dir: build)
# --append adds the section at the end of bench/RESULTS.md (earlier numbers stay);
# --quick runs a smaller version (about a minute on 2 cores; targets not comparable).
# Every row is its own process, so its peak RSS is its own.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build; APPEND=0; QUICK=0
for a in "$@"; do
  case "$a" in
    --append) APPEND=1 ;;
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "bench/suite.sh: unknown option $a" >&2; exit 2 ;;
    *) BUILD=$a ;;
  esac
done
CREDERE=$BUILD/credere
[ -x "$CREDERE" ] || { echo "no $CREDERE: run 'make build' first" >&2; exit 2; }

NP=$(nproc)
THREADS=(1); [ "$NP" -gt 1 ] && THREADS+=("$NP")
SCENARIOS=(direct alliance stress)
if [ "$QUICK" = 1 ]; then
  SIZES=(10000 100000 1000000); PERIODS=10; WORK=100000   # reps = max(1, WORK / smes)
  UNITS_REPS=100; UNITS_SCEN=(direct)
  BIG_SMES=1000000; BIG_PERIODS=40
  OUT_SMES=100000; OUT_PERIODS=10
else
  SIZES=(10000 100000 1000000 10000000); PERIODS=20; WORK=1000000
  UNITS_REPS=1000; UNITS_SCEN=(direct alliance stress)
  BIG_SMES=10000000; BIG_PERIODS=40
  OUT_SMES=1000000; OUT_PERIODS=20
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
header=""
# bench ARGS...: runs `credere bench ARGS`, keeps the header once, prints the rows
bench() {
  "$CREDERE" bench "$@" > "$tmp/out"
  [ -n "$header" ] || header=$(sed -n 2p "$tmp/out")
  tail -n +3 "$tmp/out"
}
# awk over rows: $1 scenario $2 smes $3 periods $4 threads $5 reps $6 par $7 seconds
# $8 SME-periods/s $9 ns/SME-period $10 bytes/SME $11 RSS-MB $12 streams/SP
# $13 draws/SP $14 output $15 out-share $16 roofline/s $17 roofline fraction
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
  if (v == "" || v == "-") { print "n/a"; exit }
  ok = op == ">=" ? v + 0 >= t + 0 : op == "<=" ? v + 0 <= t + 0 : v + 0 < t + 0
  print ok ? "met" : "missed" }'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
flags=$(grep -m1 CR_COMPILE_FLAGS "$BUILD/generated/cr_buildinfo.h" | sed 's/.*FLAGS "//; s/"$//')
section=$tmp/section
{
  echo "## $(date -u +%Y-%m-%d) $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (dirty tree)') (bench/suite.sh$([ "$QUICK" = 1 ] && echo ' --quick'))"
  echo
  echo "- machine: $cpu, $NP cores, $mem ($(uname -sr)); load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- build: $("$CREDERE" --version | sed -n 2p); $("$CREDERE" --version | sed -n 3p)"
  echo "- flags: $flags"
  echo "- command: \`bench/suite.sh $*\`"
  echo

  # ------------------------------------------------------------ the table
  rows=$tmp/rows; : > "$rows"
  for s in "${SCENARIOS[@]}"; do
    for n in "${SIZES[@]}"; do
      reps=$(( WORK / n )); [ "$reps" -ge 1 ] || reps=1
      for t in "${THREADS[@]}"; do
        bench --scenario "$s" --smes "$n" --periods "$PERIODS" --replications "$reps" \
          --threads "$t" --parallel agents >> "$rows"
      done
    done
  done
  echo "Scenarios x sizes x threads ($PERIODS periods; small worlds repeated to at least"
  echo "$WORK SME-periods per period count; agents over the threads; \`roofline\`: the"
  echo "row's SME-periods/s over the roofline reference's with the same streams, draws"
  echo "and bytes per SME-period, same SMEs and threads, measured right after it):"
  echo
  echo '```'
  echo "$header"
  cat "$rows"
  echo '```'
  echo
  echo "Parallel efficiency (SME-periods/s on $NP threads / ($NP x on 1 thread)):"
  echo
  echo '```'
  awk -v np="$NP" '{ k = $1 " " $2; if ($4 == 1) one[k] = $8; if ($4 == np) many[k] = $8;
      if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    END { printf "%-10s %9s %11s\n", "scenario", "smes", "efficiency";
      for (i = 1; i <= n; i++) { split(order[i], f, " ");
        if (one[order[i]] > 0 && many[order[i]] > 0)
          printf "%-10s %9s %11.2f\n", f[1], f[2], many[order[i]] / (np * one[order[i]]) } }' "$rows"
  echo '```'
  echo

  # ------------------------------------------------------------ replications in parallel
  urows=$tmp/urows; : > "$urows"
  for s in "${UNITS_SCEN[@]}"; do
    for t in "${THREADS[@]}"; do
      bench --scenario "$s" --smes 10000 --periods "$PERIODS" --replications "$UNITS_REPS" \
        --threads "$t" --parallel units >> "$urows"
    done
  done
  echo "Replications in parallel (10^4 SMEs x $UNITS_REPS replications, $PERIODS periods,"
  echo "one thread and one world per replication at a time):"
  echo
  echo '```'
  echo "$header"
  cat "$urows"
  awk -v np="$NP" '{ if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }; if ($4 == 1) one[$1] = $8
      if ($4 == np) many[$1] = $8 }
    END { for (i = 1; i <= n; i++) { s = order[i]; if (one[s] > 0 && many[s] > 0)
      printf "efficiency %-10s %.2f\n", s, many[s] / (np * one[s]) } }' "$urows"
  echo '```'
  echo

  # ------------------------------------------------------------ the largest world
  t0=$(date +%s.%N)
  bench --scenario direct --smes "$BIG_SMES" --periods "$BIG_PERIODS" --threads "$NP" \
    --no-roofline > "$tmp/big"
  t1=$(date +%s.%N)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  echo "The largest world ($BIG_SMES SMEs x $BIG_PERIODS periods, one replication, direct,"
  echo "$NP threads; wall: the whole process, set-up included):"
  echo
  echo '```'
  echo "$header"
  cat "$tmp/big"
  echo "wall seconds $wall"
  echo '```'
  echo

  # ------------------------------------------------------------ output
  orows=$tmp/orows; : > "$orows"
  for o in none metrics panel; do
    bench --scenario direct --smes "$OUT_SMES" --periods "$OUT_PERIODS" --threads "$NP" \
      --output "$o" --no-roofline >> "$orows"
  done
  echo "Output ($OUT_SMES SMEs x $OUT_PERIODS periods, direct, $NP threads): in memory;"
  echo "the whole \`credere run\` with its results file (metrics); the same with a panel"
  echo "of every SME, 3 variables, every period (compressed). out-share: 1 - (in-memory"
  echo "set-up and units) / (whole run); panel/metrics: ratio of the two runs' seconds:"
  echo
  echo '```'
  echo "$header"
  cat "$orows"
  awk '$14 == "metrics" { m = $7 } $14 == "panel" { p = $7 }
    END { if (m > 0) printf "panel/metrics %.2f\n", p / m }' "$orows"
  echo '```'
  echo

  # ------------------------------------------------------------ targets
  at() { awk -v s="$1" -v n="$2" -v t="$3" -v c="$4" '$1 == s && $2 == n && $4 == t { print $c }' "$5"; }
  M=1000000
  d_frac=$(at direct $M "$NP" 17 "$rows"); d_rate=$(at direct $M "$NP" 8 "$rows")
  s_rate=$(at stress $M "$NP" 8 "$rows")
  big_rss=$(awk '{ print $11 }' "$tmp/big")
  m_share=$(awk '$14 == "metrics" { print $15 }' "$orows")
  p_ratio=$(awk '$14 == "metrics" { m = $7 } $14 == "panel" { p = $7 }
    END { if (m > 0) printf "%.2f", p / m }' "$orows")
  eff() { awk -v np="$NP" -v s="$1" -v n="$2" '$1 == s && $2 == n { if ($4 == 1) o = $8; if ($4 == np) m = $8 }
    END { if (o > 0 && m > 0) printf "%.2f", m / (np * o) }' "$3"; }
  echo "Targets (issue 8; measured at $NP threads$([ "$QUICK" = 1 ] && echo '; --quick: smaller sizes, not comparable')):"
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  echo "| direct >= 0.5 of the roofline, 10^6 SMEs | ${d_frac:-n/a} | $(verdict "$d_frac" 0.5 '>=') |"
  echo "| direct >= 4e7 SME-periods/s, 10^6 SMEs | ${d_rate:-n/a} | $(verdict "$d_rate" 4e7 '>=') |"
  echo "| stress >= 1e7 SME-periods/s, 10^6 SMEs | ${s_rate:-n/a} | $(verdict "$s_rate" 1e7 '>=') |"
  echo "| $BIG_SMES SMEs x $BIG_PERIODS periods < 60 s (whole process) | $wall s | $(verdict "$wall" 60 '<') |"
  echo "| $BIG_SMES SMEs x $BIG_PERIODS periods < 3 GiB peak RSS | ${big_rss} MiB | $(verdict "$big_rss" 3072 '<') |"
  for s in "${SCENARIOS[@]}"; do
    e=$(eff "$s" $M "$rows")
    echo "| $s: efficiency >= 0.9, 10^6 SMEs | ${e:-n/a} | $(verdict "$e" 0.9 '>=') |"
  done
  for s in "${UNITS_SCEN[@]}"; do
    e=$(eff "$s" 10000 "$urows")
    echo "| $s: efficiency >= 0.9, 10^4 SMEs x $UNITS_REPS replications | ${e:-n/a} | $(verdict "$e" 0.9 '>=') |"
  done
  echo "| metrics output < 5 % of the run ($OUT_SMES SMEs) | ${m_share:-n/a} | $(verdict "$m_share" 0.05 '<') |"
  echo "| panel run <= 1.5 x the metrics run ($OUT_SMES SMEs) | ${p_ratio:-n/a} | $(verdict "$p_ratio" 1.5 '<=') |"
  echo
} > "$section"
cat "$section"
if [ "$APPEND" = 1 ]; then
  { echo; cat "$section"; } >> bench/RESULTS.md
  echo "appended to bench/RESULTS.md" >&2
fi
