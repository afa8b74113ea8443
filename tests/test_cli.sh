#!/usr/bin/env bash
# Command-line behaviour: refusing to overwrite, --help for every command,
# --version, modes, check, info, interruption. Bad experiment files, options and
# results files are the catalog of tests/test_bad_inputs.sh (tests/bad-inputs/).
# usage: test_cli.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
# shared: fail, expect, the fails and checks counters
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"

Q=$SRC/experiments/quickstart.yaml

# --- help and version for every command
for c in run check modes info bench help; do
  checks=$((checks + 1))
  "$CREDERE" "$c" --help > help.txt 2>&1 || fail "$c --help exited $?"
  grep -q "usage: credere $c" help.txt || fail "$c --help lacks its usage line"
done
checks=$((checks + 1))
"$CREDERE" --help | grep -q "usage: credere COMMAND" || fail "--help"
"$CREDERE" --version | grep -q "^credere [0-9]" || fail "--version"
"$CREDERE" --version | grep -q "HDF5 1\." || fail "--version lacks library versions"

# --- check prints a resolved configuration that reads back identically
"$CREDERE" check "$Q" --set economy.systemic_loading=0.35 > resolved.yaml || fail "check quickstart"
grep -q "systemic_loading: 0.35" resolved.yaml || fail "check does not show the --set value"
"$CREDERE" check resolved.yaml > resolved2.yaml || fail "check of resolved config"
cmp -s resolved.yaml resolved2.yaml || fail "resolved configuration does not round-trip"

# --- modes
for m in direct single joint_liability alliance china_4321 china_national_fund italy_confidi \
         japan_cgc germany_bb us_sba7a korea_kodit; do
  "$CREDERE" modes | grep -q "^  $m " || fail "modes lacks $m"
  "$CREDERE" modes "$m" | grep -q "^loss sharing:" || fail "modes $m lacks its loss sharing"
  "$CREDERE" modes "$m" | grep -q "^waterfall" || fail "modes $m lacks its waterfall"
done
"$CREDERE" modes china_4321 | grep -q "guarantor 40 %, reguarantor 30 %, government 10 %, bank 20 %" \
  || fail "modes china_4321: shares of a loss"
"$CREDERE" modes italy_confidi | grep -q "^sources:" || fail "modes italy_confidi: sources"

# --- run, refuse to overwrite, info
SMALL=(--set population.smes=500 --set experiment.periods=4 --set experiment.burn_in=1 --set experiment.replications=2)
"$CREDERE" run "$Q" -o r.h5 --quiet "${SMALL[@]}" > run.txt 2> run.err || fail "run exited $?"
grep -q "results: r.h5" run.txt || fail "run does not print the output path"
grep -q "^access_rate " run.txt || fail "run does not print the summary table"
cp r.h5 r.copy
expect 2 "r.h5: output exists" -- run "$Q" -o r.h5 --quiet "${SMALL[@]}"
cmp -s r.h5 r.copy || fail "refused run changed r.h5"
"$CREDERE" run "$Q" -o r.h5 --quiet --force "${SMALL[@]}" > /dev/null 2>&1 || fail "--force run"
"$CREDERE" info r.h5 > info.txt || fail "info exited $?"
grep -q "status: *complete" info.txt || fail "info: status"
grep -q "units done: *8 of 8" info.txt || fail "info: completion"
grep -q "seed: *20261127" info.txt || fail "info: seed"
# a shard that leaves cells empty: the header gives the fewest to the most
# replications per cell, a cell with one replication has no interval, an empty one
# shows only "—" (4 cells x 1 replication: shard 1/5 holds unit 0, cell 0's)
checks=$((checks + 1))
"$CREDERE" run "$Q" -o s.h5 --quiet --shard 1/5 "${SMALL[@]}" --set experiment.replications=1 \
    > shard.txt 2> shard.err || fail "run --shard 1/5 exited $?"
grep -q " 0-1 replications x 4 cells, 1 of 1 units" shard.txt || fail "shard header: $(head -n 1 shard.txt)"
grep -Eq '^access_rate +[0-9.]+ ± — +— +— +— *$' shard.txt || fail "shard row: $(grep '^access_rate' shard.txt)"
grep -q "mean over the 0 to 1 replications done in each cell" shard.txt || fail "shard footer: $(tail -n 2 shard.txt)"
grep -q " 2 replications x 4 cells, 8 of 8 units" run.txt || fail "run header: $(head -n 1 run.txt)"
grep -q "(mean over 2 replications of" run.txt || fail "run footer: $(tail -n 2 run.txt)"
# a design whose cells share a mode: one row per cell (numbered as in the file), not
# columns that all read "direct"; 8 distinct modes: one column each
cat > grid.yaml <<'YAML'
experiment: {name: grid, replications: 2, periods: 4, burn_in: 1}
population: {smes: 300}
modes: [direct]
design:
  method: grid
  parameters:
    economy.systemic_loading: [0.1, 0.3, 0.5]
YAML
checks=$((checks + 1))
"$CREDERE" run grid.yaml -o grid.h5 --quiet > grid.txt 2> grid.err || fail "run grid.yaml exited $?: $(cat grid.err)"
grep -Eq '^ +cell +mode +access_rate' grid.txt || fail "design table header: $(sed -n 2p grid.txt)"
grep -Eq '^ +2 +direct +[0-9.]+ ± ' grid.txt || fail "design table: no row for cell 2: $(cat grid.txt)"
"$CREDERE" run "$SRC/experiments/foreign_presets.yaml" -o fp.h5 --quiet "${SMALL[@]}" > fp.txt 2> fp.err ||
  fail "run foreign_presets exited $?: $(cat fp.err)"
[ "$(grep -c '^metric .*china_national_fund .*korea_kodit' fp.txt)" = 1 ] || fail "8 modes: not one column each: $(sed -n 2p fp.txt)"
# analyze's table: intervals at --level (2 replications: t(0.95, 1) / t(0.975, 1) =
# 6.3138 / 12.7062 = 0.4969 between the half-widths at 0.90 and 0.95; 2 % for the
# table's 4 decimals)
checks=$((checks + 1))
"$CREDERE" analyze r.h5 --level 0.9 --force > a90.txt 2>&1 || fail "analyze --level 0.9 exited $?"
"$CREDERE" analyze r.h5 --force > a95.txt 2>&1 || fail "analyze exited $?"
grep -q "half-width of the 90 % confidence interval" a90.txt || fail "analyze --level 0.9 footer: $(grep 'mean over' a90.txt)"
h90=$(awk '/^access_rate/ {print $4; exit}' a90.txt); h95=$(awk '/^access_rate/ {print $4; exit}' a95.txt)
awk -v a="$h90" -v b="$h95" 'BEGIN { r = a / b; exit !(b > 0 && r > 0.4969 * 0.98 && r < 0.4969 * 1.02) }' ||
  fail "analyze: half-widths $h90 at 0.90 and $h95 at 0.95, ratio not t(0.95,1)/t(0.975,1)"
# non-tty progress: plain lines
"$CREDERE" run "$Q" -o p.h5 "${SMALL[@]}" > /dev/null 2> prog.txt || fail "run with progress"
grep -q "^progress: 100.0%" prog.txt || fail "plain progress line missing"

# --- SIGTERM: completed units saved, status interrupted, exit 3
"$CREDERE" run "$Q" -o int.h5 --quiet --set population.smes=20000 --set experiment.replications=2000 > /dev/null 2>&1 &
pid=$!
# once the file of the start exists (a signal before stops the run while it writes
# that file, which leaves none), and a little more for a few units
for ((k = 0; k < 1000; k++)); do [ -e int.h5 ] && break; sleep 0.02; done
sleep 0.5
kill -TERM $pid; wait $pid; rc=$?
checks=$((checks + 1))
[ "$rc" = 3 ] || fail "SIGTERM: exit $rc, expected 3"
"$CREDERE" info int.h5 > iinfo.txt 2>&1 || fail "info on interrupted file"
grep -q "status: *interrupted" iinfo.txt || fail "interrupted status not recorded"

# --- a damaged file HDF5 reads but cannot close after analyze wrote to it (found by
# fuzz_results): exit status 1 with the message, not a crash at exit (HDF5 1.10
# closes its files again at exit unless told not to, and crashes on this one)
cp "$SRC/tests/data/damaged_close.h5" dc.h5
checks=$((checks + 1))
"$CREDERE" analyze dc.h5 --force > /dev/null 2> dc.err; rc=$?
[ "$rc" = 1 ] || fail "analyze of a file HDF5 cannot close: exit $rc, expected 1"
grep -q "^credere: dc.h5: cannot close" dc.err || fail "analyze of a file HDF5 cannot close: $(tail -n 2 dc.err)"

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
