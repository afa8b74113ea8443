#!/usr/bin/env bash
# Joins the parts of an array run (experiments/slurm/array.sh) into one file.
#
#   sbatch --dependency=afterok:ARRAY_JOB_ID experiments/slurm/merge.sh PREFIX [N]
#   experiments/slurm/merge.sh PREFIX [N]          (or by hand, after the array)
#
# Runs `credere merge PREFIX_part_1.h5 ... PREFIX_part_N.h5 -o PREFIX.h5 --force`.
# N is the second argument, else SHARDS, else the shard count recorded in
# PREFIX_part_1.h5 (credere info). Before merging it checks that every part
# exists and none is unfinished (a journal PREFIX_part_I.h5.journal left over),
# and names the tasks to rerun; credere merge then checks that every unit is
# present exactly once and that all parts hold the same experiment (exit 2 if not).
# --force: the merged file is derived from the parts, which are kept, so a rerun
# of this job (requeue, or after fixing a part) rebuilds it.
#
# Environment: CREDERE (default: credere on PATH), CREDERE_PREFIX instead of the
# first argument, SHARDS instead of the second.
# Exit status: 0 merged; 2 a part missing or unfinished, or credere merge refused;
# otherwise credere's.
#
#SBATCH --job-name=credere-merge
#SBATCH --cpus-per-task=1
#SBATCH --time=01:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=%x_%j.out
set -euo pipefail

CREDERE=${CREDERE:-credere}
me=merge.sh
die() { echo "$me: $*" >&2; exit 2; }

[ $# -le 2 ] || die "usage: merge.sh PREFIX [N]"
prefix=${1:-${CREDERE_PREFIX:-}}
[ -n "$prefix" ] || die "usage: merge.sh PREFIX [N] (or set CREDERE_PREFIX)"
shards=${2:-${SHARDS:-}}
if [ -z "$shards" ]; then
    [ -e "${prefix}_part_1.h5" ] || die "${prefix}_part_1.h5 does not exist: no parts to merge (is PREFIX right?)"
    info=$("$CREDERE" info "${prefix}_part_1.h5") || die "credere info ${prefix}_part_1.h5 failed"
    shards=$(sed -n 's|^shard: *[0-9][0-9]*/\([0-9][0-9]*\).*|\1|p' <<< "$info" | head -n 1)
    [ -n "$shards" ] || die "${prefix}_part_1.h5 records no shard: give N (merge.sh PREFIX N)"
fi
if ! [[ $shards =~ ^[0-9]+$ ]] || [ "$((10#$shards))" -lt 1 ]; then
    die "N must be a positive integer, got '$shards'"
fi
shards=$((10#$shards))

parts=()
missing=()
unfinished=()
for ((i = 1; i <= shards; i++)); do
    p=${prefix}_part_${i}.h5
    if [ -e "$p.journal" ]; then
        unfinished+=("$i")
    elif [ ! -e "$p" ]; then
        missing+=("$i")
    fi
    parts+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ ${#unfinished[@]} -gt 0 ]; then
    [ ${#missing[@]} -eq 0 ] || echo "$me: missing part(s) of ${prefix}: task(s) ${missing[*]} of $shards (${prefix}_part_I.h5 does not exist)" >&2
    [ ${#unfinished[@]} -eq 0 ] || echo "$me: unfinished part(s) of ${prefix}: task(s) ${unfinished[*]} of $shards (a journal ${prefix}_part_I.h5.journal is left: interrupted or killed)" >&2
    list="${missing[*]} ${unfinished[*]}"
    list=$(tr ' ' '\n' <<< "$list" | sed '/^$/d' | sort -n | paste -sd, -)
    echo "$me: rerun them (they resume), then merge again:" >&2
    echo "  sbatch --array=$list --export=ALL,SHARDS=$shards experiments/slurm/array.sh EXP.yaml $prefix [same options]" >&2
    exit 2
fi
extra=()
for p in "${prefix}"_part_*.h5; do
    k=${p#"${prefix}_part_"}; k=${k%.h5}
    if [ -e "$p" ] && [[ $k =~ ^[0-9]+$ ]] && [ "$k" -gt "$shards" ]; then extra+=("$k"); fi
done
[ ${#extra[@]} -eq 0 ] || echo "$me: note: ignoring part(s) ${extra[*]}, beyond N = $shards" >&2

echo "$me: merging $shards part(s) of ${prefix} -> ${prefix}.h5" >&2
rc=0
"$CREDERE" merge "${parts[@]}" -o "${prefix}.h5" --force || rc=$?
[ "$rc" = 0 ] || echo "$me: credere merge exited $rc" >&2
exit "$rc"
