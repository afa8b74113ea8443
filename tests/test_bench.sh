#!/usr/bin/env bash
# credere bench and credere-roofline: the table's shape, positive finite numbers,
# and random streams and draws per SME-period independent of the thread count and
# of how the threads are used (they are deterministic). No timing assertions.
# usage: test_bench.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
ROOF=$(dirname "$CREDERE")/bench/credere-roofline
rm -rf "$WORK"; mkdir -p "$WORK"
export TMPDIR=$WORK
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
NCOL=17

# check_rows FILE N: N rows of NCOL columns after the banner and the header, numbers
# positive and finite ("-" allowed in out-share and roofline)
check_rows() {
  local f=$1 n=$2
  sed -n 2p "$f" | grep -q '^scenario .*roofline$' || fail "$f: header: $(sed -n 2p "$f")"
  local got
  got=$(tail -n +3 "$f" | wc -l)
  [ "$got" = "$n" ] || fail "$f: $got rows, expected $n"
  tail -n +3 "$f" | awk -v nc=$NCOL -v f="$f" '
    function num(x) { return x ~ /^[0-9.]+(e[+-]?[0-9]+)?$/ }
    NF != nc { print "FAIL: " f ": row with " NF " columns: " $0; bad++; next }
    { for (c = 2; c <= 13; c++) if (c != 6 && !(num($c) && $c + 0 > 0)) {
        print "FAIL: " f ": column " c " not a positive number: " $0; bad++ }
      if ($15 != "-" && $15 !~ /^-?[0-9.]+$/) { print "FAIL: " f ": out-share " $15; bad++ }
      for (c = 16; c <= 17; c++) if ($c != "-" && !(num($c) && $c + 0 > 0)) {
        print "FAIL: " f ": column " c ": " $0; bad++ } }
    END { exit bad > 0 }' || fails=$((fails + 1))
}

# one tiny run of each scenario, 1 and 2 threads, agents
"$CREDERE" bench --scenario direct,alliance,stress --smes 2000 --periods 3 --threads 1,2 \
  > "$WORK/agents.txt" 2> "$WORK/agents.err" || fail "bench agents: $(cat "$WORK/agents.err")"
check_rows "$WORK/agents.txt" 6
# streams and draws per SME-period: the same at 1 and 2 threads
awk 'NR > 2 { k = $1; v = $12 " " $13; if (k in s && s[k] != v) { print "FAIL: " k ": " s[k] " vs " v; bad++ } s[k] = v }
     END { exit bad > 0 }' "$WORK/agents.txt" || fail "counts differ between 1 and 2 threads"
# and roofline fractions present
awk 'NR > 2 && ($16 == "-" || $17 == "-") { bad++ } END { exit bad > 0 }' "$WORK/agents.txt" \
  || fail "roofline missing by default"

# units in parallel: same counts as agents for the same replications
"$CREDERE" bench --scenario stress --smes 2000 --periods 3 --replications 4 --threads 1,2 \
  --parallel units > "$WORK/units.txt" 2> "$WORK/units.err" || fail "bench units: $(cat "$WORK/units.err")"
check_rows "$WORK/units.txt" 2
awk 'NR > 2 && $6 != "units" { bad++ } END { exit bad > 0 }' "$WORK/units.txt" || fail "not units"
"$CREDERE" bench --scenario stress --smes 2000 --periods 3 --replications 4 --threads 2 \
  --parallel agents --no-roofline > "$WORK/units_agents.txt" || fail "bench agents x4"
check_rows "$WORK/units_agents.txt" 1
a=$(awk 'NR == 3 { print $12, $13 }' "$WORK/units_agents.txt")
u=$(awk 'NR == 3 { print $12, $13 }' "$WORK/units.txt")
[ "$a" = "$u" ] || fail "streams/draws: agents $a, units $u"
awk 'NR > 2 && ($16 != "-" || $17 != "-") { bad++ } END { exit bad > 0 }' \
  "$WORK/units_agents.txt" || fail "--no-roofline still measured the roofline"

# with output: the batch runner's file in TMPDIR, removed afterwards
for o in metrics panel; do
  "$CREDERE" bench --scenario direct --smes 2000 --periods 3 --threads 2 --output $o \
    > "$WORK/out_$o.txt" 2> "$WORK/out_$o.err" || fail "bench --output $o: $(cat "$WORK/out_$o.err")"
  check_rows "$WORK/out_$o.txt" 1
  awk -v o=$o 'NR == 3 && ($14 != o || $15 == "-") { bad++ } END { exit bad > 0 }' \
    "$WORK/out_$o.txt" || fail "--output $o: no output share"
done
left=$(find "$WORK" -name 'credere-bench-*' | wc -l)
[ "$left" = 0 ] || fail "temporary output left in $WORK"

# usage errors
for bad in "--scenario nosuch" "--threads 0" "--threads 1,x" "--parallel both" "--output hdf5" \
  "--smes" "--bogus"; do
  # shellcheck disable=SC2086
  "$CREDERE" bench $bad > /dev/null 2>&1
  [ $? = 2 ] || fail "credere bench $bad: exit status not 2"
done
"$CREDERE" bench --help | grep -q -- "--roofline" || fail "bench --help does not mention --roofline"

# credere-roofline on its own: deterministic checksum, counts as asked
if [ -x "$ROOF" ]; then
  "$ROOF" --smes 10000 --periods 3 --threads 1,2 --streams 2.5 --draws 7.25 --bytes 203 \
    > "$WORK/roof.txt" 2> "$WORK/roof.err" || fail "credere-roofline: $(cat "$WORK/roof.err")"
  [ "$(tail -n +2 "$WORK/roof.txt" | wc -l)" = 2 ] || fail "credere-roofline: not 2 rows"
  awk 'NR > 1 { if (NF != 12 || $6 + 0 != 2.5 || $7 + 0 != 7.25 || $8 != 203 || !($10 > 0)) bad++
       c[NR] = $12 } END { exit bad > 0 || c[2] != c[3] }' "$WORK/roof.txt" \
    || fail "credere-roofline rows: $(cat "$WORK/roof.txt")"
  "$ROOF" --smes 10000 --periods 2 --replications 3 --threads 2 --parallel units \
    > "$WORK/roof_units.txt" || fail "credere-roofline units"
  "$ROOF" --streams -1 > /dev/null 2>&1; [ $? = 2 ] || fail "credere-roofline --streams -1"
else
  fail "no $ROOF"
fi
echo "$fails failures"
[ "$fails" = 0 ]
