#!/usr/bin/env bash
# The Slurm scripts of experiments/slurm/ without Slurm: each script is run with the
# environment Slurm would give it. An array of 3 shards merged equals one run; a
# requeued finished task changes nothing; a task interrupted by SIGTERM (to the
# script alone, or to all its processes as at the time limit) or by the time-limit
# warning SIGUSR1 (then `scontrol requeue`) resumes when rerun and gives the same
# part; merge.sh names missing or unfinished parts; submit.sh chains the two
# sbatch calls; mpi.sh under `mpirun -n 2` equals one run, also when interrupted and
# requeued (skipped when credere is built without MPI, unless CREDERE_EXPECT_MPI=1).
# usage: test_slurm.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
# shared: fail, expect, the fails and checks counters
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"
export CREDERE
# the test may itself run inside a Slurm job: only the variables set below count
unset "${!SLURM_@}" SHARDS CREDERE_EXP CREDERE_PREFIX CREDERE_OUT CREDERE_THREADS CREDERE_REQUEUE MPIRUN
SL=$SRC/experiments/slurm
Q=$SRC/experiments/quickstart.yaml
SMALL=(--set population.smes=300 --set experiment.replications=3 --set experiment.periods=6
       --set experiment.burn_in=1)
# big enough that a shard (67 units) runs for seconds (2.5 s on 2 cores): it is
# interrupted once its journal holds a unit or two
BIG=(--set population.smes=20000 --set experiment.replications=50 --set experiment.periods=40
     --set experiment.burn_in=1)
command -v h5diff > /dev/null || { echo "FAIL: h5diff not found (Debian package hdf5-tools)"; exit 1; }

# same A B WHAT: /design, /metrics and /progress hold the same values (h5diff is exact)
same() {
  checks=$((checks + 1))
  local g
  for g in /design /metrics /progress; do
    h5diff -q "$1" "$2" "$g" > /dev/null 2>&1 ||
      { fail "$3: $1 and $2 differ in $g"; h5diff -r "$1" "$2" "$g" 2>&1 | head -n 20; return; }
  done
}
status_of() { "$CREDERE" info "$1" 2> /dev/null | sed -n 's/^status: *//p'; }
# slurm_env I N: SENV, the environment of task I of an array 1-N (job id 1000 + I)
slurm_env() {
  SENV=(SLURM_JOB_ID=$((1000 + $1)) SLURM_ARRAY_JOB_ID=1000 SLURM_ARRAY_TASK_ID="$1"
        SLURM_ARRAY_TASK_COUNT="$2" SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX="$2"
        SLURM_CPUS_PER_TASK=2)
}
# task I N SCRIPT-ARGS...: array.sh as Slurm runs task I of an array 1-N
task() {
  local SENV; slurm_env "$1" "$2"; shift 2
  env "${SENV[@]}" bash "$SL/array.sh" "$@"
}
# grown FILE SECONDS [FIRST]: until FILE (a journal) has grown once since first seen
# after FIRST exists: at least one more unit finished. FIRST is the part credere
# writes (status running) before it runs any unit: the journal grows before that
# too (its opening note), and a signal then stops credere while it writes that
# first file, which leaves none (the run resumes from the journal all the same).
grown() {
  local k first=""
  for ((k = 0; k < $2 * 50; k++)); do
    if [ -e "$1" ] && { [ -z "${3:-}" ] || [ -e "$3" ]; }; then
      if [ -z "$first" ]; then first=$(stat -c %s "$1"); elif [ "$(stat -c %s "$1")" -gt "$first" ]; then return 0; fi
    fi
    sleep 0.02
  done
  return 1
}

# --- the reference: one run of the whole experiment
"$CREDERE" run "$Q" -o one.h5 --quiet "${SMALL[@]}" > /dev/null 2> one.err ||
  { fail "credere run (reference) exited $?"; cat one.err; }

# --- array of 3, then merge
for i in 1 2 3; do
  checks=$((checks + 1))
  task "$i" 3 "$Q" small --quiet "${SMALL[@]}" > "task$i.out" 2> "task$i.err" ||
    { fail "array.sh task $i/3 exited $?"; cat "task$i.err"; }
  [ -e "small_part_$i.h5" ] || fail "array.sh task $i/3 wrote no small_part_$i.h5"
  [ -e "small_part_$i.h5.journal" ] && fail "array.sh task $i/3 left a journal"
  grep -q "shard $i/3 .*(new)" "task$i.err" || fail "array.sh task $i/3 does not log the shard: $(cat "task$i.err")"
done
checks=$((checks + 1))
"$CREDERE" info small_part_2.h5 2>&1 | grep -q "^shard: *2/3" || fail "small_part_2.h5: info does not show shard 2/3"
bash "$SL/merge.sh" small > merge.out 2> merge.err || { fail "merge.sh small exited $?"; cat merge.err; }
[ "$(status_of small.h5)" = complete ] || fail "merged small.h5 is not complete"
same small.h5 one.h5 "array of 3 merged vs one run"
# N given explicitly, and through SHARDS
bash "$SL/merge.sh" small 3 > /dev/null 2>&1 || fail "merge.sh small 3 exited $?"
same small.h5 one.h5 "merge.sh small 3"
SHARDS=3 bash "$SL/merge.sh" small > /dev/null 2>&1 || fail "SHARDS=3 merge.sh small exited $?"
same small.h5 one.h5 "SHARDS=3 merge.sh small"

# --- requeue of a finished task: exit 0, the part unchanged
cp small_part_2.h5 part2.copy
checks=$((checks + 1))
task 2 3 "$Q" small --quiet "${SMALL[@]}" > /dev/null 2> requeue.err ||
  { fail "requeued finished task 2 exited $?"; cat requeue.err; }
grep -q "(resume)" requeue.err || fail "requeued task 2 did not resume: $(cat requeue.err)"
cmp -s small_part_2.h5 part2.copy || fail "requeued finished task 2 changed small_part_2.h5"
same small_part_2.h5 part2.copy "requeued finished task 2"

# --- bad arrays are refused before running anything
checks=$((checks + 1))
env SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_MAX=5 \
    bash "$SL/array.sh" "$Q" lone "${SMALL[@]}" > /dev/null 2> lone.err
rc=$?
[ "$rc" = 2 ] || fail "array.sh with --array=5 and no SHARDS exited $rc, expected 2"
grep -q "SHARDS" lone.err || fail "array.sh --array=5: message does not mention SHARDS: $(cat lone.err)"
compgen -G 'lone_part*' > /dev/null && fail "array.sh --array=5 wrote a file"
checks=$((checks + 1))
env -u SLURM_ARRAY_TASK_ID bash "$SL/array.sh" "$Q" lone > /dev/null 2> lone.err
rc=$?
[ "$rc" = 2 ] || fail "array.sh outside an array exited $rc, expected 2"
# rerunning one task alone: --array=2 with SHARDS=3
checks=$((checks + 1))
mkdir -p alone
env SHARDS=3 SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=2 \
    SLURM_ARRAY_TASK_MAX=2 bash "$SL/array.sh" "$Q" alone/small --quiet "${SMALL[@]}" > /dev/null 2> alone.err ||
  { fail "array.sh --array=2 with SHARDS=3 exited $?"; cat alone.err; }
same alone/small_part_2.h5 small_part_2.h5 "task 2 run alone with SHARDS=3"

# --- merge.sh names a missing part and an unfinished one, and writes nothing
mkdir -p gap
cp small_part_1.h5 gap/small_part_1.h5
cp small_part_3.h5 gap/small_part_3.h5
checks=$((checks + 1))
bash "$SL/merge.sh" gap/small 3 > /dev/null 2> gap.err
rc=$?
[ "$rc" = 2 ] || fail "merge.sh with part 2 missing exited $rc, expected 2"
grep -q "missing part.*task(s) 2 of 3" gap.err || fail "merge.sh does not name the missing part: $(cat gap.err)"
[ -e gap/small.h5 ] && fail "merge.sh with a missing part wrote gap/small.h5"
cp small_part_2.h5 gap/small_part_2.h5
: > gap/small_part_3.h5.journal
checks=$((checks + 1))
bash "$SL/merge.sh" gap/small 3 > /dev/null 2> gap.err
rc=$?
[ "$rc" = 2 ] || fail "merge.sh with a journal left exited $rc, expected 2"
grep -q "unfinished part.*task(s) 3 of 3" gap.err || fail "merge.sh does not name the unfinished part: $(cat gap.err)"
rm gap/small_part_3.h5.journal
# a missing last part is caught too when N comes from the parts themselves
rm gap/small_part_3.h5
checks=$((checks + 1))
bash "$SL/merge.sh" gap/small > /dev/null 2> gap.err
rc=$?
[ "$rc" = 2 ] || fail "merge.sh (N from the parts) with part 3 missing exited $rc, expected 2"
grep -q "task(s) 3 of 3" gap.err || fail "merge.sh (N from the parts) does not name part 3: $(cat gap.err)"

# --- interrupted tasks: the uninterrupted parts to compare with
for i in 1 2; do
  "$CREDERE" run "$Q" --shard "$i/3" -o "ref_part_$i.h5" --quiet "${BIG[@]}" > /dev/null 2> ref.err ||
    { fail "credere run --shard $i/3 (reference) exited $?"; cat ref.err; }
done
# interrupt HOW PART: start task PART of 3 of the big experiment, and once its
# journal grows send the signal: HOW is "TERM" (to the script alone, like
# scancel --batch), "TERM-all" (to the script and credere, like the time limit or
# scancel) or "USR1" (the time-limit warning of --signal=B:USR1@120)
interrupt() {
  local how=$1 part=$2 pid rc SENV
  slurm_env "$part" 3
  # started directly (not through a function) so that $! is the script itself
  case $how in
    TERM-all) setsid env "${SENV[@]}" PATH="$WORK/fakebin:$PATH" bash "$SL/array.sh" "$Q" big --quiet "${BIG[@]}" \
                > "int_$how.out" 2> "int_$how.err" & ;;
    *) env "${SENV[@]}" PATH="$WORK/fakebin:$PATH" bash "$SL/array.sh" "$Q" big --quiet "${BIG[@]}" \
                > "int_$how.out" 2> "int_$how.err" & ;;
  esac
  pid=$!
  checks=$((checks + 1))
  if ! grown "big_part_$part.h5.journal" 20 "big_part_$part.h5"; then
    wait "$pid"; fail "$how: task $part: no journal growing within 20 s (exit $?)"; cat "int_$how.err"; return
  fi
  case $how in
    TERM) kill -TERM "$pid" ;;
    TERM-all) kill -TERM -- "-$pid" ;;
    USR1) kill -USR1 "$pid" ;;
  esac
  wait "$pid"; rc=$?
  if [ "$rc" = 0 ]; then
    fail "$how: task $part finished before the signal: make BIG bigger"; return
  fi
  [ "$rc" = 3 ] || { fail "$how: task $part exited $rc, expected 3"; cat "int_$how.err"; }
  [ "$(status_of "big_part_$part.h5")" = interrupted ] ||
    fail "$how: big_part_$part.h5 status is '$(status_of "big_part_$part.h5")', expected interrupted"
}
mkdir -p fakebin
printf '#!/bin/sh\necho "scontrol $*" >> "%s/scontrol.log"\n' "$WORK" > fakebin/scontrol
chmod +x fakebin/scontrol

interrupt TERM 1
checks=$((checks + 1))
[ -e scontrol.log ] && fail "TERM: array.sh called scontrol: $(cat scontrol.log)"
task 1 3 "$Q" big --quiet "${BIG[@]}" > /dev/null 2> resume.err ||
  { fail "requeued task 1 after TERM exited $?"; cat resume.err; }
grep -q "(resume)" resume.err || fail "requeued task 1 did not resume: $(cat resume.err)"
[ "$(status_of big_part_1.h5)" = complete ] || fail "resumed big_part_1.h5 is not complete"
[ -e big_part_1.h5.journal ] && fail "resumed task 1 left its journal"
same big_part_1.h5 ref_part_1.h5 "task 1 interrupted by SIGTERM and resumed vs uninterrupted"

rm -f big_part_1.h5 big_part_1.h5.journal
interrupt TERM-all 1
task 1 3 "$Q" big --quiet "${BIG[@]}" > /dev/null 2> resume.err ||
  { fail "requeued task 1 after SIGTERM to all exited $?"; cat resume.err; }
same big_part_1.h5 ref_part_1.h5 "task 1 interrupted by SIGTERM to all its processes and resumed"
[ -e scontrol.log ] && fail "TERM-all: array.sh called scontrol: $(cat scontrol.log)"

interrupt USR1 2
checks=$((checks + 1))
grep -qx "scontrol requeue 1002" scontrol.log 2> /dev/null ||
  fail "USR1: array.sh did not call 'scontrol requeue 1002': $(cat scontrol.log 2> /dev/null)"
task 2 3 "$Q" big --quiet "${BIG[@]}" > /dev/null 2> resume.err ||
  { fail "requeued task 2 after USR1 exited $?"; cat resume.err; }
same big_part_2.h5 ref_part_2.h5 "task 2 interrupted by SIGUSR1 (time limit) and resumed"

# --- submit.sh: the array, then the merge after it (a fake sbatch records the calls)
cat > fakebin/sbatch <<EOF
#!/bin/sh
echo "sbatch \$*" >> "$WORK/sbatch.log"
n=\$(wc -l < "$WORK/sbatch.log")
echo "\$((4200 + n));cluster"
EOF
chmod +x fakebin/sbatch
checks=$((checks + 1))
PATH="$WORK/fakebin:$PATH" SHARDS=3 bash "$SL/submit.sh" "$Q" sub/x "${SMALL[@]}" > submit.out 2> submit.err ||
  { fail "submit.sh exited $?"; cat submit.err; }
[ "$(wc -l < sbatch.log 2> /dev/null)" = 2 ] || fail "submit.sh: expected 2 sbatch calls: $(cat sbatch.log)"
sed -n 1p sbatch.log | grep -qF -- "--parsable --array=1-3 $SL/array.sh $Q sub/x ${SMALL[*]}" ||
  fail "submit.sh: array submission: $(sed -n 1p sbatch.log)"
sed -n 2p sbatch.log | grep -qF -- "--dependency=afterok:4201 " ||
  fail "submit.sh: merge does not depend on the array job 4201: $(sed -n 2p sbatch.log)"
sed -n 2p sbatch.log | grep -qF -- "$SL/merge.sh sub/x 3" || fail "submit.sh: merge submission: $(sed -n 2p sbatch.log)"
if ! grep -q "4201" submit.out || ! grep -q "4202" submit.out; then
  fail "submit.sh does not print the job ids: $(cat submit.out)"
fi
checks=$((checks + 1))
rm -f sbatch.log
PATH="$WORK/fakebin:$PATH" bash "$SL/submit.sh" "$Q" sub/y --set population.smes=-3 > /dev/null 2> submit.err
rc=$?
[ "$rc" = 2 ] || fail "submit.sh with a bad --set exited $rc, expected 2"
[ -e sbatch.log ] && fail "submit.sh with a bad --set called sbatch"

# --- mpi.sh under mpirun -n 2
has_mpi=0
# linked with an MPI library, or --version names one as "... (MPI 3.1)"
if ldd "$CREDERE" 2> /dev/null | grep -q "libmpi" || "$CREDERE" --version 2>&1 | grep -Eq "\(MPI [0-9]"; then
  has_mpi=1
fi
why=""
command -v mpirun > /dev/null || why="no mpirun on PATH"
[ "$has_mpi" = 1 ] || why="${why:+$why; }built without MPI"
if [ -n "$why" ]; then
  if [ "${CREDERE_EXPECT_MPI:-0}" = 1 ]; then
    checks=$((checks + 1)); fail "mpi.sh: CREDERE_EXPECT_MPI=1 but $why"
  else
    echo "skipped: mpi.sh ($why; CREDERE_EXPECT_MPI=1 makes this a failure)"
  fi
else
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  # OpenMPI's own start-up allocations are never freed: no leak report under ASan
  MPI=(env SLURM_JOB_ID=2000 SLURM_CPUS_PER_TASK=1 MPIRUN="mpirun --oversubscribe -n 2"
       ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0")
  checks=$((checks + 1))
  "${MPI[@]}" bash "$SL/mpi.sh" "$Q" mpi.h5 --quiet "${SMALL[@]}" > mpi.out 2> mpi.err ||
    { fail "mpi.sh (mpirun -n 2) exited $?"; cat mpi.err; }
  [ "$(status_of mpi.h5)" = complete ] || fail "mpi.sh: mpi.h5 is not complete"
  same mpi.h5 one.h5 "mpi.sh with 2 ranks vs one run"
  cp mpi.h5 mpi.copy
  checks=$((checks + 1))
  "${MPI[@]}" bash "$SL/mpi.sh" "$Q" mpi.h5 --quiet "${SMALL[@]}" > /dev/null 2> mpi.err ||
    { fail "requeued finished mpi.sh exited $?"; cat mpi.err; }
  grep -q "(resume)" mpi.err || fail "requeued mpi.sh did not resume: $(cat mpi.err)"
  cmp -s mpi.h5 mpi.copy || fail "requeued finished mpi.sh changed mpi.h5"
  # interrupted by SIGTERM to the script (forwarded to mpirun), then requeued
  MID=(--set population.smes=20000 --set experiment.replications=20 --set experiment.periods=40
       --set experiment.burn_in=1)
  "$CREDERE" run "$Q" -o mid.h5 --quiet "${MID[@]}" > /dev/null 2> mid.err ||
    { fail "credere run (reference for MPI) exited $?"; cat mid.err; }
  "${MPI[@]}" bash "$SL/mpi.sh" "$Q" mpi_int.h5 --quiet "${MID[@]}" > /dev/null 2> mpi_int.err &
  pid=$!
  checks=$((checks + 1))
  if grown mpi_int.h5.journal 20 mpi_int.h5; then
    kill -TERM "$pid"; wait "$pid"; rc=$?
    [ "$rc" = 3 ] || { fail "mpi.sh interrupted by SIGTERM exited $rc, expected 3"; cat mpi_int.err; }
    [ "$(status_of mpi_int.h5)" = interrupted ] ||
      fail "mpi.sh: mpi_int.h5 status is '$(status_of mpi_int.h5)', expected interrupted"
  else
    wait "$pid"; fail "mpi.sh: no journal growing within 20 s (exit $?)"; cat mpi_int.err
  fi
  "${MPI[@]}" bash "$SL/mpi.sh" "$Q" mpi_int.h5 --quiet "${MID[@]}" > /dev/null 2> mpi_int.err ||
    { fail "requeued interrupted mpi.sh exited $?"; cat mpi_int.err; }
  same mpi_int.h5 mid.h5 "mpi.sh interrupted and resumed vs one run"
fi

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
