#!/usr/bin/env bash
# One experiment over the MPI ranks of a Slurm job; requeue-safe.
#
#   sbatch experiments/slurm/mpi.sh EXP.yaml OUT.h5 [credere run options...]
#
# Runs `srun credere run EXP.yaml -o OUT.h5 --threads $SLURM_CPUS_PER_TASK`: the
# (cell, replication) units are spread over the ranks and rank 0 writes OUT.h5
# (credere built with MPI: `credere --version` names the MPI library). Options
# after OUT.h5 go to `credere run`; a requeued job runs with the same ones.
#
# Environment:
#   CREDERE         the credere binary (default: credere on PATH)
#   CREDERE_EXP, CREDERE_OUT   instead of the first two arguments
#   MPIRUN          the launcher, split on blanks (default: srun). srun needs an
#                   MPI built with Slurm's PMI/PMIx; otherwise MPIRUN=mpirun (Open
#                   MPI's mpirun reads the allocation from Slurm).
#   CREDERE_THREADS threads per rank (default: SLURM_CPUS_PER_TASK, else credere's)
#   CREDERE_REQUEUE 0: do not requeue the job when its time runs out (default 1)
#
# Restarts and signals work as in array.sh: when OUT.h5 or OUT.h5.journal exists
# the run gets --resume (a complete file: nothing to do, exit 0); SIGUSR1 from
# `--signal=B:USR1@120` (time nearly up), SIGTERM and SIGINT are passed on to the
# launcher as SIGTERM, which forwards it to the ranks (srun does; Open MPI's mpirun
# sends SIGTERM and, a few seconds later, SIGKILL: the journal keeps every finished
# unit either way; mpirun then exits 1, which the script reports as 3 when OUT.h5
# says "interrupted"); after SIGUSR1 an interrupted run (exit 3) is requeued with
# `scontrol requeue $SLURM_JOB_ID` and resumes. Any rank count may resume a run.
# Exit status: the launcher's (credere's: 0 done, 1 failure, 2 bad usage, 3 interrupted).
#
#SBATCH --job-name=credere-mpi
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --signal=B:USR1@120
#SBATCH --open-mode=append
#SBATCH --output=%x_%j.out
set -euo pipefail

CREDERE=${CREDERE:-credere}
me=mpi.sh
die() { echo "$me: $*" >&2; exit 2; }

if [ $# -ge 2 ]; then
    exp=$1; out=$2; shift 2
else
    [ $# -eq 0 ] || die "usage: mpi.sh EXP.yaml OUT.h5 [credere run options...]"
    exp=${CREDERE_EXP:-}; out=${CREDERE_OUT:-}
    if [ -z "$exp" ] || [ -z "$out" ]; then
        die "usage: mpi.sh EXP.yaml OUT.h5 [credere run options...] (or set CREDERE_EXP and CREDERE_OUT)"
    fi
fi
read -r -a launcher <<< "${MPIRUN:-srun}"
[ ${#launcher[@]} -gt 0 ] || die "MPIRUN is empty"
# since Slurm 22.05 srun does not inherit --cpus-per-task from sbatch
if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export SRUN_CPUS_PER_TASK=$SLURM_CPUS_PER_TASK; fi

args=(run "$exp" -o "$out")
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
echo "$me: job ${SLURM_JOB_ID:-?}, restart ${SLURM_RESTART_COUNT:-0}, ${SLURM_NTASKS:-?} task(s)" \
     "on ${SLURM_JOB_NODELIST:-$(hostname)}: ${launcher[*]} $CREDERE ${args[*]} ($how)" >&2

# --- run the launcher in the background and forward signals to it
child=""
got=""
interrupted=0
# shellcheck disable=SC2317  # called by the traps
on_signal() { # SIGNAL: remember it and pass SIGTERM on to the launcher
    got=$1; interrupted=1
    [ -z "$child" ] || kill -TERM "$child" 2>/dev/null || true
}
trap 'on_signal USR1' USR1
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT
"${launcher[@]}" "$CREDERE" "${args[@]}" &
child=$!
[ -z "$got" ] || kill -TERM "$child" 2>/dev/null || true
while :; do
    # a trapped signal ends `wait` early (status > 128): wait again for the launcher's own
    interrupted=0
    wait "$child" && rc=0 || rc=$?
    [ "$interrupted" = 1 ] || break
done
trap - USR1 TERM INT
# a launcher that was signalled may report its own status (Open MPI's mpirun exits 1
# after passing SIGTERM on): the file says whether credere saved an interrupted run
if [ -n "$got" ] && [ "$rc" != 0 ] && [ "$rc" != 3 ] &&
   "$CREDERE" info "$out" 2> /dev/null | grep -q '^status: *interrupted'; then
    echo "$me: ${launcher[0]} exited $rc after SIG$got; $out is saved as interrupted" >&2
    rc=3
fi

if [ "$rc" = 3 ] && [ "$got" = USR1 ] && [ "${CREDERE_REQUEUE:-1}" != 0 ] && [ -n "${SLURM_JOB_ID:-}" ]; then
    echo "$me: time limit near: $out saved as interrupted; requeueing job $SLURM_JOB_ID to resume" >&2
    scontrol requeue "$SLURM_JOB_ID" || echo "$me: scontrol requeue failed: resubmit the job (it resumes)" >&2
elif [ "$rc" = 3 ]; then
    echo "$me: interrupted ($got): $out saved; rerunning this job resumes it" >&2
elif [ "$rc" != 0 ]; then
    echo "$me: ${launcher[0]} exited $rc" >&2
fi
exit "$rc"
