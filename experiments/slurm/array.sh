#!/usr/bin/env bash
# One shard of an experiment per task of a Slurm job array; requeue-safe.
#
#   sbatch experiments/slurm/array.sh EXP.yaml PREFIX [credere run options...]
#
# Task I of an array 1-N runs `credere run EXP.yaml --shard I/N -o PREFIX_part_I.h5`
# (the units u with u mod N = I - 1); experiments/slurm/merge.sh joins the N parts
# into PREFIX.h5, and experiments/slurm/submit.sh submits both. Options after
# PREFIX (e.g. --set population.smes=50000) go to `credere run`; a requeued task
# runs with the same ones, as `--resume` needs.
#
# Environment:
#   CREDERE         the credere binary (default: credere on PATH)
#   CREDERE_EXP, CREDERE_PREFIX   instead of the first two arguments
#   SHARDS          N, when the array does not span 1-N: to rerun task 5 of 8 alone,
#                   sbatch --array=5 --export=ALL,SHARDS=8 array.sh EXP.yaml PREFIX
#   CREDERE_THREADS threads per task (default: SLURM_CPUS_PER_TASK, else credere's)
#   CREDERE_REQUEUE 0: do not requeue the task when its time runs out (default 1)
#
# Restarts. When PREFIX_part_I.h5 or its journal PREFIX_part_I.h5.journal exists,
# the task adds --resume: a requeued task (Slurm starts the script again from the
# top) continues where the last attempt stopped, and on a complete part it does
# nothing and exits 0. The finished part is the same bits as an uninterrupted one.
#
# Signals. `--signal=B:USR1@120` below asks Slurm to send SIGUSR1 to this script
# 120 s before the time limit. The script runs credere in the background and
# forwards SIGTERM to it on SIGUSR1, SIGTERM or SIGINT: credere drops the units in
# flight, writes the part with status "interrupted" and exits 3. After SIGUSR1
# (time running out) the script then calls `scontrol requeue $SLURM_JOB_ID`, so the
# task comes back and resumes; after SIGTERM (scancel, preemption) it does not:
# preemption requeues the job itself when it was submitted with --requeue.
# Why not `exec credere`: the signal would reach credere just as well (SIGTERM from
# scancel or the time limit goes to every process of the job anyway), but nothing
# would be left to requeue the task after credere has saved its work. Slurm sends
# SIGKILL KillWait (often 30 s) after SIGTERM; the journal keeps every finished
# unit even then, so a kill at any instant loses only the units in flight.
# Exit status: credere's (0 done, 1 failure, 2 bad usage or experiment, 3 interrupted).
#
#SBATCH --job-name=credere
#SBATCH --array=1-8
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --signal=B:USR1@120
#SBATCH --open-mode=append
#SBATCH --output=%x_%A_%a.out
set -euo pipefail

CREDERE=${CREDERE:-credere}
me=array.sh
die() { echo "$me: $*" >&2; exit 2; }
is_count() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ]; }

if [ $# -ge 2 ]; then
    exp=$1; prefix=$2; shift 2
else
    [ $# -eq 0 ] || die "usage: array.sh EXP.yaml PREFIX [credere run options...]"
    exp=${CREDERE_EXP:-}; prefix=${CREDERE_PREFIX:-}
    if [ -z "$exp" ] || [ -z "$prefix" ]; then
        die "usage: array.sh EXP.yaml PREFIX [credere run options...] (or set CREDERE_EXP and CREDERE_PREFIX)"
    fi
fi

# --- shard I of N
task=${SLURM_ARRAY_TASK_ID:-}
is_count "$task" || die "SLURM_ARRAY_TASK_ID is '${task}': submit with sbatch --array=1-N"
count=${SLURM_ARRAY_TASK_COUNT:-}
max=${SLURM_ARRAY_TASK_MAX:-}
min=${SLURM_ARRAY_TASK_MIN:-1}
if [ -n "${SHARDS:-}" ]; then
    is_count "$SHARDS" || die "SHARDS must be a positive integer, got '$SHARDS'"
    shards=$SHARDS
elif [ -n "$count" ]; then
    # an array 1-N, possibly throttled (1-N%K); anything else needs SHARDS
    if [ "$min" != 1 ] || { [ -n "$max" ] && [ "$max" != "$count" ]; }; then
        die "the array spans ${min}-${max:-?} with ${count} tasks, not 1-N: set SHARDS=N (e.g. sbatch --array=${task} --export=ALL,SHARDS=N ...)"
    fi
    shards=$count
elif [ -n "$max" ]; then
    shards=$max
else
    die "neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set: submit with sbatch --array=1-N or set SHARDS"
fi
is_count "$shards" || die "bad number of shards '$shards'"
task=$((10#$task)); shards=$((10#$shards))
[ "$task" -le "$shards" ] || die "task $task is outside 1-$shards: set SHARDS=N"

out=${prefix}_part_${task}.h5
args=(run "$exp" --shard "$task/$shards" -o "$out")
threads=${CREDERE_THREADS:-${SLURM_CPUS_PER_TASK:-}}
[ -z "$threads" ] || args+=(--threads "$threads")
explicit=0
for a in "$@"; do
    case $a in --resume | --force) explicit=1 ;; esac
done
how=new
if [ "$explicit" = 0 ] && { [ -e "$out" ] || [ -e "$out.journal" ]; }; then
    args+=(--resume); how=resume
fi
args+=("$@")
echo "$me: job ${SLURM_JOB_ID:-?} (array ${SLURM_ARRAY_JOB_ID:-?} task $task)," \
     "restart ${SLURM_RESTART_COUNT:-0}, on $(hostname): shard $task/$shards of $exp -> $out ($how)" >&2

# --- run credere in the background and forward signals to it
child=""
got=""
interrupted=0
# shellcheck disable=SC2317  # called by the traps
on_signal() { # SIGNAL: remember it and pass SIGTERM on to credere
    got=$1; interrupted=1
    [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true
}
trap 'on_signal USR1' USR1
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT
"$CREDERE" "${args[@]}" &
child=$!
[ -z "$got" ] || kill -TERM "$child" 2>/dev/null || true
while :; do
    # a trapped signal ends `wait` early (status > 128): wait again for credere's own
    interrupted=0
    wait "$child" && rc=0 || rc=$?
    [ "$interrupted" = 1 ] || break
done
trap - USR1 TERM INT

if [ "$rc" = 3 ] && [ "$got" = USR1 ] && [ "${CREDERE_REQUEUE:-1}" != 0 ] && [ -n "${SLURM_JOB_ID:-}" ]; then
    echo "$me: time limit near: $out saved as interrupted; requeueing job $SLURM_JOB_ID to resume" >&2
    scontrol requeue "$SLURM_JOB_ID" ||
        echo "$me: scontrol requeue failed: resubmit task $task (it resumes)" >&2
elif [ "$rc" = 3 ]; then
    echo "$me: interrupted ($got): $out saved; rerunning this task resumes it" >&2
elif [ "$rc" != 0 ]; then
    echo "$me: credere exited $rc" >&2
fi
exit "$rc"
