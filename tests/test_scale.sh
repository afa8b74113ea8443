#!/usr/bin/env bash
# Experiments at scale (docs/cluster.md): the same file whatever the layout.
# A small Saltelli design with events, the network and a panel is run once with one
# thread; these must give identical /design, /metrics, /progress, /events, /network
# and /panel datasets (h5diff compares values exactly):
#   - 2 and 3 threads, units in parallel and agents in parallel;
#   - 1, 2 and 3 MPI ranks (mpirun --oversubscribe; skipped with a message when the
#     binary is built without MPI, a failure when CREDERE_EXPECT_MPI=1);
#   - 3 shards joined by credere merge;
#   - a run killed with SIGKILL at 6 random instants, resumed each time (with 1, 2
#     and 3 threads in turn), then finished with --resume;
#   - a run stopped by SIGTERM (exit 3, status interrupted) and resumed.
# And the bad inputs: --shard outside 1..N, merging parts of different experiments
# or seeds, a missing or doubled part, resuming with a changed experiment, resuming
# nothing: exit 2 and no file changed.
# usage: test_scale.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"
command -v h5diff > /dev/null || { echo "FAIL: h5diff not found (Debian package hdf5-tools)"; exit 1; }
EXP=$SRC/experiments/contagion_sensitivity.yaml
SMALL=(--quiet --set design.samples=4 --set population.smes=400 --set experiment.replications=3
       --set experiment.periods=8 --set experiment.burn_in=2 --set output.events=true
       --set output.network=true --set output.panel.smes=20 --set output.panel.every=3)
# the kill and SIGTERM runs: long enough (a few seconds) to be caught mid-way
BIG=(--quiet --set design.samples=4 --set population.smes=8000 --set experiment.replications=16
     --set experiment.periods=24 --set experiment.burn_in=2 --set output.events=true
     --set output.network=true --set output.panel.smes=50)

# same A B WHAT: every dataset of the layout-independent groups is equal
same() {
  checks=$((checks + 1))
  local g
  for g in /design /metrics /progress /events /network /panel; do
    h5diff "$1" "$2" "$g" > diff.txt 2>&1 || { fail "$3: $g differs ($1 vs $2)"; head -5 diff.txt; return; }
  done
}
status_of() { "$CREDERE" info "$1" 2>/dev/null | awk '/^status:/ {print $2}'; }
sum_of() { md5sum "$1" | cut -d' ' -f1; }

"$CREDERE" run "$EXP" -o ref.h5 --threads 1 "${SMALL[@]}" > /dev/null || fail "reference run"
[ "$(status_of ref.h5)" = complete ] || fail "reference: status not complete"
[ -e ref.h5.journal ] && fail "reference: the journal was not removed"

# --- threads and their use
for t in 2 3; do
  for par in units agents; do
    "$CREDERE" run "$EXP" -o "t${t}_$par.h5" --threads "$t" --parallel "$par" "${SMALL[@]}" \
      > out.txt || fail "run with $t threads ($par)"
    grep -q "$par in parallel" out.txt || fail "$t threads: the summary does not say '$par in parallel'"
    same ref.h5 "t${t}_$par.h5" "$t threads, $par in parallel"
  done
done

# --- MPI ranks
if ldd "$CREDERE" | grep -q libmpi && command -v mpirun > /dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  for r in 1 2 3; do
    # OpenMPI's own start-up allocations are never freed: no leak report under ASan
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --oversubscribe -n "$r" "$CREDERE" run "$EXP" -o "mpi$r.h5" --threads 1 "${SMALL[@]}" \
      > out.txt 2> err.txt || { fail "mpirun -n $r"; cat err.txt; }
    same ref.h5 "mpi$r.h5" "$r MPI ranks"
  done
  "$CREDERE" info mpi3.h5 | grep -q "3 rank(s)" || fail "info does not record the 3 ranks"
elif [ "${CREDERE_EXPECT_MPI:-0}" = 1 ]; then
  fail "CREDERE_EXPECT_MPI=1 but $CREDERE is not built with MPI (or mpirun is missing)"
else
  echo "skipped: MPI ranks (credere built without MPI or no mpirun)"
fi

# --- shards and merge
for i in 1 2 3; do
  "$CREDERE" run "$EXP" -o "part$i.h5" --shard "$i/3" "${SMALL[@]}" > /dev/null || fail "shard $i/3"
done
"$CREDERE" info part2.h5 | grep -q "^shard: *2/3" || fail "info does not show the shard"
"$CREDERE" merge part1.h5 part2.h5 part3.h5 -o merged.h5 > /dev/null || fail "merge"
same ref.h5 merged.h5 "3 shards merged"
"$CREDERE" info merged.h5 | grep -q "merged from part3.h5 (shard 3/3" || fail "merged history"

# --- SIGKILL at random instants, resumed each time
"$CREDERE" run "$EXP" -o big_ref.h5 --threads 2 "${BIG[@]}" > /dev/null || fail "big reference run"
kills=0; first=1
for k in 1 2 3 4 5 6; do
  if [ $first = 1 ]; then mode=(); first=0; else mode=(--resume); fi
  [ -e big.h5 ] && [ "$(status_of big.h5)" = complete ] && break
  "$CREDERE" run "$EXP" -o big.h5 --threads $(( (k % 3) + 1 )) "${mode[@]}" "${BIG[@]}" \
    > /dev/null 2>&1 &
  pid=$!
  sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
  if kill -KILL $pid 2> /dev/null; then kills=$((kills + 1)); fi
  wait $pid 2> /dev/null
done
checks=$((checks + 1))
[ $kills -ge 5 ] || fail "only $kills of 6 runs were still going when killed (make BIG bigger)"
"$CREDERE" run "$EXP" -o big.h5 --resume --threads 2 "${BIG[@]}" > /dev/null || fail "final resume"
same big_ref.h5 big.h5 "killed $kills times with SIGKILL and resumed"
[ "$(status_of big.h5)" = complete ] || fail "after the kills: status not complete"
"$CREDERE" info big.h5 | grep -q "resumed:" || fail "info history lacks the resumes"

# --- SIGTERM, then resume
"$CREDERE" run "$EXP" -o term.h5 --threads 2 "${BIG[@]}" > /dev/null 2> err.txt &
pid=$!
# once the file of the start exists (a signal before stops the run while it writes
# that file, which leaves none), and a little more for a few units
for _ in $(seq 1 400); do [ -e term.h5 ] && break; sleep 0.05; done
sleep 0.3
kill -TERM $pid; wait $pid; rc=$?
checks=$((checks + 1))
if [ $rc = 3 ]; then
  [ "$(status_of term.h5)" = interrupted ] || fail "SIGTERM: status not interrupted"
  grep -q "completed units are saved" err.txt || fail "SIGTERM: no message about the saved units"
  [ -e term.h5.journal ] || fail "SIGTERM: the journal was removed"
  expect 2 "journal exists: --resume continues it" -- run "$EXP" -o term.h5 "${BIG[@]}"
else
  fail "SIGTERM: exit status $rc, expected 3"
fi
"$CREDERE" run "$EXP" -o term.h5 --resume --threads 1 "${BIG[@]}" > /dev/null || fail "resume after SIGTERM"
same big_ref.h5 term.h5 "SIGTERM then resume"
before=$(sum_of term.h5)
"$CREDERE" run "$EXP" -o term.h5 --resume "${BIG[@]}" > out.txt || fail "resume of a complete file"
checks=$((checks + 1))
[ "$(sum_of term.h5)" = "$before" ] || fail "resuming a complete file changed it"

# --- bad inputs: exit 2, nothing changed
ref_sum=$(sum_of ref.h5)
expect 2 "--shard 0/3: I must be in 1..N" -- run "$EXP" -o x.h5 --shard 0/3 "${SMALL[@]}"
expect 2 "--shard 4/3: I must be in 1..N" -- run "$EXP" -o x.h5 --shard 4/3 "${SMALL[@]}"
expect 2 "--shard needs I/N" -- run "$EXP" -o x.h5 --shard 3 "${SMALL[@]}"
expect 2 "output exists" -- run "$EXP" -o ref.h5 "${SMALL[@]}"
expect 2 "give one" -- run "$EXP" -o ref.h5 --resume --force "${SMALL[@]}"
"$CREDERE" run "$EXP" -o other.h5 "${SMALL[@]}" --set experiment.seed=7 > /dev/null
expect 2 "different experiments" -- merge part1.h5 other.h5 -o x.h5
expect 2 "units are in none of the files" -- merge part1.h5 part2.h5 -o x.h5
expect 2 "the part part1.h5 is given twice" -- merge part1.h5 part1.h5 part2.h5 part3.h5 -o x.h5
cp part1.h5 dup1.h5
expect 2 "is in both part1.h5 and dup1.h5" -- merge part1.h5 dup1.h5 part2.h5 part3.h5 -o x.h5
rm -f dup1.h5
expect 2 "output exists" -- merge part1.h5 part2.h5 part3.h5 -o ref.h5
expect 2 "README.md" -- merge part1.h5 "$SRC/README.md" -o x.h5
checks=$((checks + 1))
[ -e x.h5 ] && fail "a failed merge wrote x.h5"
# resuming with a changed experiment
"$CREDERE" run "$EXP" -o chg.h5 "${BIG[@]}" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s chg.h5.journal ] && break; sleep 0.05; done
kill -KILL $pid; wait $pid 2> /dev/null
if [ -e chg.h5.journal ]; then
  jsum=$(sum_of chg.h5.journal)
  expect 2 "the experiment differs from the one this run started with && maturity: 8" \
    -- run "$EXP" -o chg.h5 --resume "${BIG[@]}" --set loans.maturity=8
  checks=$((checks + 1))
  [ "$(sum_of chg.h5.journal)" = "$jsum" ] || fail "a refused resume changed the journal"
fi
expect 2 "nothing to resume" -- run "$EXP" -o none.h5 --resume "${SMALL[@]}"
checks=$((checks + 1))
[ "$(sum_of ref.h5)" = "$ref_sum" ] || fail "a refused command changed ref.h5"

echo "$checks checks, $fails failures"
[ $fails = 0 ]
