#!/usr/bin/env bash
# Submits an experiment as a Slurm job array of N shards and the merge job that
# waits for it.
#
#   experiments/slurm/submit.sh EXP.yaml PREFIX [credere run options...]
#   SHARDS=16 experiments/slurm/submit.sh experiments/mode_comparison.yaml out/mc --set experiment.replications=400
#
# 1. sbatch --parsable --array=1-N array.sh EXP.yaml PREFIX [options]  -> the parts
#    PREFIX_part_1.h5 ... PREFIX_part_N.h5
# 2. sbatch --parsable --dependency=afterok:ARRAY_JOB --kill-on-invalid-dep=yes
#    merge.sh PREFIX N                                                -> PREFIX.h5
# afterok waits until every task has ended with exit 0 (a requeued task counts when
# it finally finishes). If a task fails, the merge job is cancelled: rerun that task
# (sbatch --array=K --export=ALL,SHARDS=N array.sh EXP.yaml PREFIX [options]; it
# resumes) and then merge.sh PREFIX N.
#
# Environment:
#   SHARDS          N, the number of array tasks (default 8)
#   SBATCH          the sbatch command (default: sbatch)
#   ARRAY_SBATCH_ARGS, MERGE_SBATCH_ARGS   more sbatch options for each job, split on
#                   blanks (e.g. "--partition=long --cpus-per-task=16"); sbatch also
#                   reads SBATCH_ACCOUNT, SBATCH_PARTITION, SBATCH_TIMELIMIT, ...
#   CREDERE         exported to the jobs (default there: credere on PATH)
# Prints the two job ids.
set -euo pipefail

me=submit.sh
die() { echo "$me: $*" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[ $# -ge 2 ] || die "usage: submit.sh EXP.yaml PREFIX [credere run options...]   (SHARDS=N, default 8)"
exp=$1; prefix=$2; shift 2
[ -r "$exp" ] || die "$exp: cannot read the experiment file"
shards=${SHARDS:-8}
if ! [[ $shards =~ ^[0-9]+$ ]] || [ "$((10#$shards))" -lt 1 ]; then
    die "SHARDS must be a positive integer, got '$shards'"
fi
shards=$((10#$shards))
dir=$(dirname "$prefix")
[ -d "$dir" ] || mkdir -p "$dir"
read -r -a sbatch <<< "${SBATCH:-sbatch}"
read -r -a array_extra <<< "${ARRAY_SBATCH_ARGS:-}"
read -r -a merge_extra <<< "${MERGE_SBATCH_ARGS:-}"

# check the experiment before queueing anything, when credere is at hand here
if command -v "${CREDERE:-credere}" > /dev/null 2>&1; then
    sets=()
    for ((i = 1; i <= $#; i++)); do
        if [ "${!i}" = --set ] && [ "$i" -lt $# ]; then
            j=$((i + 1)); sets+=(--set "${!j}")
        elif [[ ${!i} == --set=* ]]; then
            sets+=("${!i}")
        fi
    done
    "${CREDERE:-credere}" check "$exp" "${sets[@]}" > /dev/null ||
        die "credere check $exp failed: nothing submitted"
fi

# sbatch --parsable prints "JOBID" or "JOBID;CLUSTER"
array_out=$("${sbatch[@]}" --parsable --array="1-$shards" "${array_extra[@]}" \
            "$here/array.sh" "$exp" "$prefix" "$@") || die "sbatch of the array failed"
array_job=${array_out%%;*}
[[ $array_job =~ ^[0-9]+$ ]] || die "cannot read a job id from sbatch's output '$array_out'"
merge_out=$("${sbatch[@]}" --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
            "${merge_extra[@]}" "$here/merge.sh" "$prefix" "$shards") ||
    die "sbatch of the merge job failed (the array $array_job is queued: merge by hand with merge.sh $prefix $shards)"
merge_job=${merge_out%%;*}
echo "array job $array_job: $shards tasks -> ${prefix}_part_1..${shards}.h5"
echo "merge job $merge_job (after the array) -> ${prefix}.h5"
