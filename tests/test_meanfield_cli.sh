#!/usr/bin/env bash
# `credere meanfield`: the CSV's shape (comment header, period column, one column
# per mode, shares in [0, 1]), -o/--force/--discrete/--set, notes on stderr, and
# exit status 2 on bad input (nothing written).
# usage: test_meanfield_cli.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
# shared: fail, expect, the fails and checks counters
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"

R=$SRC/experiments/validation/replicator.yaml
Q=$SRC/experiments/quickstart.yaml

# --- the CSV on standard output
checks=$((checks + 1))
"$CREDERE" meanfield "$R" > mf.csv 2> mf.err || fail "meanfield replicator.yaml exited $?"
[ -s mf.err ] && { fail "meanfield replicator.yaml wrote to stderr"; cat mf.err; }
grep -q '^# credere meanfield' mf.csv || fail "no comment header"
grep -q '^# direct: group size 1; rate 0.0612244898 per period' mf.csv \
  || fail "header lacks direct's rate"
grep -q '^# joint_liability: group size 5; rate 0.04489795918 per period' mf.csv \
  || fail "header lacks joint_liability's rate"
grep -q 'U_s 0.038, U_r 0.0473122449' mf.csv || fail "header lacks the payoffs at x0"
grep -v '^#' mf.csv > body.csv
[ "$(head -1 body.csv)" = "period,direct,joint_liability" ] || fail "column names: $(head -1 body.csv)"
[ "$(sed -n 2p body.csv)" = "0,0.1,0.1" ] || fail "period 0 is not x0: $(sed -n 2p body.csv)"
[ "$(wc -l < body.csv)" = 152 ] || fail "expected 151 periods (0..150), got $(($(wc -l < body.csv) - 1))"
awk -F, 'NR > 1 && (NF != 3 || $1 != NR - 2 || $2 < 0 || $2 > 1 || $3 < 0 || $3 > 1) { bad++ }
         END { exit bad > 0 }' body.csv || fail "rows are not 'period,share,share' in [0, 1]"
# the share rises from 0.1 to about 0.95 in both modes
awk -F, 'NR == 152 { exit !($2 > 0.9 && $3 > 0.9) }' body.csv || fail "the risky share does not rise"

# --- --set, --discrete, -o and --force
checks=$((checks + 1))
"$CREDERE" meanfield "$R" --set experiment.periods=10 --set 'modes=[direct]' > short.csv \
  || fail "meanfield --set exited $?"
[ "$(grep -v '^#' short.csv | head -1)" = "period,direct" ] || fail "--set modes=[direct]"
[ "$(grep -vc '^#' short.csv)" = 12 ] || fail "--set experiment.periods=10: expected 11 rows"
"$CREDERE" meanfield "$R" --discrete > map.csv || fail "--discrete exited $?"
grep -q 'expected one-period map' map.csv || fail "--discrete: header does not say so"
[ "$(grep -v '^#' map.csv | sed -n 52p)" != "$(sed -n 52p body.csv)" ] \
  || fail "--discrete gives the ODE's values"
"$CREDERE" meanfield "$R" -o out.csv > stdout.txt || fail "-o exited $?"
grep -q '^results: out.csv' stdout.txt || fail "-o: no 'results:' line"
cmp -s <(grep -v '^# command' out.csv) <(grep -v '^# command' mf.csv) || fail "-o differs from stdout"
printf 'not touched\n' > old.csv
expect 2 "old.csv: output exists; use --force" -- meanfield "$R" -o old.csv
[ "$(cat old.csv)" = "not touched" ] || fail "meanfield without --force changed old.csv"
"$CREDERE" meanfield "$R" -o old.csv --force > /dev/null || fail "--force exited $?"
grep -q '^period,direct,joint_liability' old.csv || fail "--force did not replace old.csv"
expect 2 "nodir/out.csv: cannot write: the directory nodir does not exist" -- meanfield "$R" -o nodir/out.csv

# --- notes where the experiment departs from the mean field's assumptions
expect 0 "note: population.exclusion_periods is 3: the mean field replaces failed SMEs at once" -- meanfield "$R" \
  --set population.exclusion_periods=3

# --- bad input: exit 2, a message, nothing written
expect 2 "set behaviour.risk.rule: imitation" -- meanfield "$Q" -o q.csv
[ -e q.csv ] && fail "meanfield of a game without imitation created q.csv"
expect 2 "behaviour.repayment.rule must be off" -- meanfield "$R" \
  --set behaviour.repayment.rule=imitation
expect 2 "nonexistent.yaml: cannot open" -- meanfield nonexistent.yaml
expect 2 "unknown key" -- meanfield "$R" --set behaviour.risk.rul=imitation
expect 2 "behaviour.risk.risky_success" -- meanfield "$R" --set behaviour.risk.risky_success=0.99
expect 2 "missing the experiment file" -- meanfield
expect 2 "unknown option '--bogus'" -- meanfield "$R" --bogus
expect 2 "-o needs a file name" -- meanfield "$R" -o
expect 2 "unexpected argument" -- meanfield "$R" "$R"

# --- help
checks=$((checks + 1))
"$CREDERE" meanfield --help | grep -q "usage: credere meanfield" || fail "meanfield --help"
"$CREDERE" help meanfield | grep -q "usage: credere meanfield" || fail "help meanfield"
"$CREDERE" help | grep -q "^  meanfield " || fail "credere help does not list meanfield"

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
