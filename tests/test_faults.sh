#!/usr/bin/env bash
# Faults while a run writes (docs/reliability.md, issue 9 item 4). Each must end
# with a message naming the file and the system's error, exit status 1 (3 for a
# signal), no OUT.h5.tmp left behind, a journal that `--resume` finishes into a
# file whose /design, /metrics, /progress, /events and /panel are the same bits as
# an uninterrupted run's, and nothing finished before lost:
#   - the output's directory missing, a regular file, or read-only (chattr +i, and
#     as an unprivileged user with setpriv); the directory made read-only mid-run;
#   - a file-size limit (ulimit -f) reached at the start, in the journal, and in
#     the final write; a merge under the same limit;
#   - a full disk (a small tmpfs in a private mount namespace, unshare -m) reached
#     in the journal and in the final write (skipped with a message where
#     unshare/mount are not permitted);
#   - write failures injected with the testing hook CREDERE_FAULT (core/journal.h):
#     a journal append (ENOSPC, EIO), a unit of the final write;
#   - SIGTERM while the file is written at the end and at the start of a resume,
#     SIGINT mid-run, SIGKILL during the final write;
#   - --force over a complete file: the earlier file is kept, byte for byte, while
#     the new run fails or is interrupted, and replaced once it completes.
# usage: test_faults.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$(readlink -f "$1"); SRC=$(readlink -f "$2"); WORK=$3
LIB=$(dirname "$(readlink -f "$0")")/lib
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
WORK=$(pwd)
. "$LIB/cli.bash"
command -v h5diff > /dev/null || { echo "FAIL: h5diff not found (Debian package hdf5-tools)"; exit 1; }
unset CREDERE_FAULT
Q=$SRC/experiments/quickstart.yaml
# S: four modes, small files; the final file is much larger than the journal
S=(--quiet --threads 2 --set population.smes=300 --set experiment.replications=3
   --set experiment.periods=6 --set experiment.burn_in=1 --set output.events=true
   --set output.panel.smes=10 --set output.panel.every=2)
# L: one mode, long units; the journal grows larger than the final file
L=(--quiet --threads 2 --set 'modes=[direct]' --set population.smes=200
   --set experiment.replications=16 --set experiment.periods=60 --set experiment.burn_in=1
   --set output.events=true)

status_of() { "$CREDERE" info "$1" 2> /dev/null | awk '/^status:/ {print $2}'; }
size_of() { stat -c %s "$1"; }
sum_of() { md5sum "$1" | cut -d' ' -f1; }
# same A B WHAT: the layout-independent groups hold the same values
same() {
  checks=$((checks + 1))
  local g
  for g in /design /metrics /progress /events /panel; do
    h5ls "$1$g" > /dev/null 2>&1 || h5ls "$2$g" > /dev/null 2>&1 || continue
    h5diff "$1" "$2" "$g" > diff.txt 2>&1 || { fail "$3: $g differs ($1 vs $2)"; head -5 diff.txt; return; }
  done
}
# no_tmp OUT WHAT: a failed or interrupted run leaves no OUT.tmp
no_tmp() {
  checks=$((checks + 1))
  [ -e "$1.tmp" ] && fail "$2: $1.tmp was left behind"
}
# finish OUT REF WHAT ARGS...: --resume without faults completes OUT, identical to REF
finish() {
  local out=$1 ref=$2 what=$3; shift 3
  checks=$((checks + 1))
  "$CREDERE" run "$Q" -o "$out" --resume "$@" > /dev/null 2> err.txt ||
    { fail "$what: --resume exited $?"; cat err.txt; return; }
  [ "$(status_of "$out")" = complete ] || fail "$what: status after --resume is not complete"
  [ -e "$out.journal" ] && fail "$what: the journal is left after the resume completed"
  no_tmp "$out" "$what, resumed"
  same "$ref" "$out" "$what, resumed"
}
# units_done OUT: "k" of the file's "units done: k of n"
units_done() { "$CREDERE" info "$1" 2> /dev/null | awk '/^units done:/ {print $3}'; }
# resumed_from OUT: the units the last resume started from (its history)
resumed_from() { "$CREDERE" info "$1" | sed -n 's/.* resumed: \([0-9]*\) of .*/\1/p' | tail -1; }
# wait_for FILE [TRIES]: until FILE exists (0.02 s steps)
wait_for() {
  local i
  for i in $(seq 1 "${2:-500}"); do [ -e "$1" ] && return 0; sleep 0.02; done
  return 1
}

"$CREDERE" run "$Q" -o refS.h5 "${S[@]}" > /dev/null || fail "reference run S"
"$CREDERE" run "$Q" -o refL.h5 "${L[@]}" > /dev/null || fail "reference run L"

# --- the output's directory: missing, a regular file, read-only
# expect_12 WHAT FRAGMENT... -- ARGS: exit status 1 (the runner) or 2 (the command
# line checks the directory before any work), every fragment in the message (a
# fragment "A|B": A or B)
expect_12() {
  local what=$1; shift
  local frags=()
  while [ "$1" != -- ]; do frags+=("$1"); shift; done; shift
  checks=$((checks + 1))
  "$CREDERE" "$@" > /dev/null 2> err.txt; local rc=$?
  [ $rc = 1 ] || [ $rc = 2 ] || fail "$what: exit status $rc, expected 1 or 2"
  local f alt ok
  for f in "${frags[@]}"; do
    ok=0
    IFS='|' read -ra alt <<< "$f"
    for a in "${alt[@]}"; do grep -qF -- "$a" err.txt && ok=1; done
    [ $ok = 1 ] || { fail "$what: the message lacks '$f'"; cat err.txt; }
  done
}
expect_12 "missing directory" "nodir/o.h5" "No such file or directory|does not exist" -- run "$Q" -o nodir/o.h5 "${S[@]}"
grep -qF "does not exist" err.txt && echo "note: the command line refuses the missing directory (exit 2)"
checks=$((checks + 1)); [ -e nodir ] && fail "a run into a missing directory created it"
: > afile
expect_12 "directory is a file" "afile/o.h5" "ot a directory" -- run "$Q" -o afile/o.h5 "${S[@]}"
checks=$((checks + 1)); [ -s afile ] && fail "a run into afile/ changed afile"
mkdir ro
if chattr +i ro 2> /dev/null; then
  expect 1 "ro/o.h5.journal: cannot create the run's journal: Operation not permitted" \
    -- run "$Q" -o ro/o.h5 "${S[@]}"
  chattr -i ro
  checks=$((checks + 1)); [ -z "$(ls -A ro)" ] || fail "a run into an immutable directory wrote in it"
  # read-only in the middle of the run: the journal (an existing file) takes the
  # units, the final file cannot be created
  CREDERE_FAULT=slow_unit:150 "$CREDERE" run "$Q" -o ro/o.h5 "${S[@]}" > /dev/null 2> err.txt &
  pid=$!
  wait_for ro/o.h5 && chattr +i ro
  wait $pid; rc=$?
  chattr -i ro
  checks=$((checks + 1))
  if [ $rc = 1 ]; then
    grep -qF "ro/o.h5.tmp: cannot create: Operation not permitted" err.txt || { fail "read-only mid-run: message"; cat err.txt; }
    grep -qF "once the cause is fixed, \`credere run ... --resume\` continues" err.txt || fail "read-only mid-run: no resume hint"
    [ "$(status_of ro/o.h5)" = running ] || fail "read-only mid-run: the file at the start is not intact"
    finish ro/o.h5 refS.h5 "directory read-only mid-run" "${S[@]}"
  else
    fail "read-only mid-run: exit status $rc, expected 1"; cat err.txt
  fi
else
  echo "skipped: chattr +i (not supported on this file system)"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$CREDERE" -a -r "$Q" 2> /dev/null; then
  mkdir -p rootdir && chmod 0755 rootdir
  checks=$((checks + 1))
  setpriv --reuid=65534 --regid=65534 --clear-groups "$CREDERE" run "$Q" -o rootdir/o.h5 \
    "${S[@]}" > /dev/null 2> err.txt; rc=$?
  [ $rc = 1 ] || fail "unprivileged run into a read-only directory: exit status $rc, expected 1"
  grep -qF "rootdir/o.h5.journal: cannot create the run's journal: Permission denied" err.txt ||
    { fail "unprivileged run into a read-only directory: message"; cat err.txt; }
  [ -z "$(ls -A rootdir)" ] || fail "an unprivileged run wrote into a read-only directory"
elif [ "$(id -u)" != 0 ]; then
  mkdir -p rodir && chmod 0555 rodir
  expect 1 "rodir/o.h5.journal: cannot create the run's journal: Permission denied" \
    -- run "$Q" -o rodir/o.h5 "${S[@]}"
  chmod 0755 rodir
else
  echo "skipped: read-only directory as another user (no setpriv, or user 65534 cannot run $CREDERE)"
fi

# --- injected write failures (CREDERE_FAULT), and the sizes of the files
# a unit of the final write fails: the file of the start (0 units) stays, the journal
# has every unit; their sizes drive the file-size and disk-space cases below
for cfg in S L; do
  if [ $cfg = S ]; then A=("${S[@]}"); else A=("${L[@]}"); fi
  CREDERE_FAULT=assembly_write:1:EIO "$CREDERE" run "$Q" -o "probe$cfg.h5" "${A[@]}" > /dev/null 2> err.txt
  rc=$?; checks=$((checks + 1))
  [ $rc = 1 ] || fail "assembly_write:1 ($cfg): exit status $rc, expected 1"
  grep -qF "probe$cfg.h5.tmp: cannot write unit (0, 0): Input/output error" err.txt ||
    { fail "assembly_write:1 ($cfg): message"; cat err.txt; }
  [ "$(status_of "probe$cfg.h5")" = running ] || fail "assembly_write:1 ($cfg): the file of the start was not kept"
  no_tmp "probe$cfg.h5" "assembly_write:1 ($cfg)"
  eval "I$cfg=$(size_of "probe$cfg.h5") J$cfg=$(size_of "probe$cfg.h5.journal")"
  eval "F$cfg=$(size_of "ref$cfg.h5")"
  cp "probe$cfg.h5" "start$cfg.h5"; cp "probe$cfg.h5.journal" "start$cfg.h5.journal"
done
finish probeS.h5 refS.h5 "assembly_write:1" "${S[@]}"
finish probeL.h5 refL.h5 "assembly_write:1 (L)" "${L[@]}"
echo "sizes (bytes): S start $IS, journal $JS, final $FS; L start $IL, journal $JL, final $FL"

# a unit in the middle of the final write
CREDERE_FAULT=assembly_write:7 "$CREDERE" run "$Q" -o aw.h5 "${S[@]}" > /dev/null 2> err.txt
rc=$?; checks=$((checks + 1))
[ $rc = 1 ] || fail "assembly_write:7: exit status $rc"
grep -qF "aw.h5.tmp: cannot write unit" err.txt && grep -qF "No space left on device" err.txt ||
  { fail "assembly_write:7: message"; cat err.txt; }
no_tmp aw.h5 "assembly_write:7"
finish aw.h5 refS.h5 "assembly_write:7" "${S[@]}"

# journal appends: the 1st is the run's note (nothing saved yet), later ones units
for f in journal_write:1 journal_write:4 journal_write:6:EIO; do
  out=${f//[:]/_}.h5
  case $f in *EIO) err="Input/output error" ;; *) err="No space left on device" ;; esac
  CREDERE_FAULT=$f "$CREDERE" run "$Q" -o "$out" "${S[@]}" > /dev/null 2> err.txt
  rc=$?; checks=$((checks + 1))
  [ $rc = 1 ] || fail "$f: exit status $rc, expected 1"
  grep -qF "$out.journal: cannot append to the journal: $err" err.txt || { fail "$f: message"; cat err.txt; }
  no_tmp "$out" "$f"
  [ -e "$out.journal" ] || { fail "$f: no journal"; continue; }
  expect 2 "journal exists: --resume continues it" -- run "$Q" -o "$out" "${S[@]}"
  if [ "$f" != journal_write:1 ]; then
    [ "$(status_of "$out")" = failed ] || fail "$f: status '$(status_of "$out")', expected failed"
    "$CREDERE" info "$out" | grep -q " failed: " || fail "$f: the history lacks the failure"
    k=$(units_done "$out")
    finish "$out" refS.h5 "$f" "${S[@]}"
    checks=$((checks + 1))
    [ "$(resumed_from "$out")" = "$k" ] || fail "$f: $k units were done, the resume started from $(resumed_from "$out")"
  else
    finish "$out" refS.h5 "$f" "${S[@]}"
  fi
done

# --- file-size limit (ulimit -f, in 1024-byte blocks): the write fails with EFBIG
# (credere ignores SIGXFSZ), never a process killed by the signal
limited() { local blocks=$1; shift; (ulimit -f "$blocks"; exec "$CREDERE" "$@"); }
# at the start: the first file cannot be written
limited $((IS / 2048)) run "$Q" -o ul1.h5 "${S[@]}" > /dev/null 2> err.txt; rc=$?
checks=$((checks + 1))
[ $rc = 1 ] || fail "ulimit -f at the start: exit status $rc, expected 1"
grep -qF "ul1.h5.tmp: cannot write: file write failed: File too large" err.txt || { fail "ulimit at the start: message"; cat err.txt; }
[ -e ul1.h5 ] && fail "ulimit at the start: ul1.h5 exists"
no_tmp ul1.h5 "ulimit at the start"
finish ul1.h5 refS.h5 "ulimit -f at the start" "${S[@]}"
# in the journal, mid-run (L: the journal outgrows the start's file)
if [ $JL -gt $((IL + 65536)) ]; then
  limited $(((IL + JL) / 2048)) run "$Q" -o ul2.h5 "${L[@]}" > /dev/null 2> err.txt; rc=$?
  checks=$((checks + 1))
  [ $rc = 1 ] || fail "ulimit -f in the journal: exit status $rc, expected 1"
  grep -qF "ul2.h5.journal: cannot append to the journal: File too large" err.txt || { fail "ulimit in the journal: message"; cat err.txt; }
  no_tmp ul2.h5 "ulimit in the journal"
  finish ul2.h5 refL.h5 "ulimit -f in the journal" "${L[@]}"
else
  fail "L: the journal ($JL bytes) is not larger than the file of the start ($IL): make L longer"
fi
# in the final write (S: the final file outgrows the journal and the start's file)
big=$((JS > IS ? JS : IS))
if [ $FS -gt $((big + 65536)) ]; then
  limited $(((big + FS) / 2048)) run "$Q" -o ul3.h5 "${S[@]}" > /dev/null 2> err.txt; rc=$?
  checks=$((checks + 1))
  [ $rc = 1 ] || fail "ulimit -f in the final write: exit status $rc, expected 1"
  grep -qF "ul3.h5.tmp: cannot write" err.txt && grep -qF "File too large" err.txt || { fail "ulimit in the final write: message"; cat err.txt; }
  [ "$(status_of ul3.h5)" = running ] || fail "ulimit in the final write: the file of the start was not kept"
  no_tmp ul3.h5 "ulimit in the final write"
  finish ul3.h5 refS.h5 "ulimit -f in the final write" "${S[@]}"
  # credere merge under the same limit: nothing written
  for i in 1 2; do "$CREDERE" run "$Q" -o "part$i.h5" --shard "$i/2" "${S[@]}" > /dev/null || fail "shard $i/2"; done
  limited $(((big + FS) / 2048)) merge part1.h5 part2.h5 -o merged.h5 > /dev/null 2> err.txt; rc=$?
  checks=$((checks + 1))
  [ $rc = 1 ] || fail "merge under ulimit -f: exit status $rc, expected 1"
  grep -qF "merged.h5.tmp" err.txt && grep -qF "File too large" err.txt || { fail "merge under ulimit: message"; cat err.txt; }
  [ -e merged.h5 ] || [ -e merged.h5.tmp ] && fail "merge under ulimit -f left a file"
  "$CREDERE" merge part1.h5 part2.h5 -o merged.h5 > /dev/null || fail "merge without the limit"
  same refS.h5 merged.h5 "merge after a failed merge"
else
  fail "S: the final file ($FS bytes) is not larger than the journal and start ($big): make S wider"
fi

# --- a full disk: a tmpfs of a given size in a private mount namespace
# full_disk KB OUT ARGS...: runs credere in a tmpfs of KB kB, then copies what is
# left there to ./OUT.d (the tmpfs goes with its namespace)
full_disk() {
  local kb=$1 out=$2; shift 2
  rm -rf "$WORK/$out.d"; mkdir -p "$WORK/$out.d"
  unshare -m bash -s -- "$kb" "$WORK" "$out" "$CREDERE" "$Q" "$@" <<'EOF2'
kb=$1 work=$2 out=$3 credere=$4 q=$5; shift 5
mount -t tmpfs -o size="${kb}k" tmpfs "$work/mnt" && cd "$work/mnt" || exit 99
"$credere" run "$q" -o "$out" "$@" > /dev/null 2> "$work/err.txt"; rc=$?
cp -a . "$work/$out.d/"
exit $rc
EOF2
}
mkdir -p "$WORK/mnt"
if unshare -m mount -t tmpfs -o size=64k tmpfs "$WORK/mnt" 2> /dev/null; then
  # in the journal: room for the start's file and half the journal
  full_disk $(((IL + JL / 2) / 1024)) df1.h5 "${L[@]}"; rc=$?
  checks=$((checks + 1))
  [ $rc = 1 ] || fail "full disk in the journal: exit status $rc, expected 1"
  grep -qF "df1.h5.journal: cannot append to the journal: No space left on device" err.txt || { fail "full disk in the journal: message"; cat err.txt; }
  no_tmp df1.h5.d/df1.h5 "full disk in the journal"
  (cd df1.h5.d && finish df1.h5 ../refL.h5 "full disk in the journal" "${L[@]}")
  # in the final write: room for the start's file, the journal and half the final file
  full_disk $(((IL + JL + FL / 2) / 1024)) df2.h5 "${L[@]}"; rc=$?
  checks=$((checks + 1))
  [ $rc = 1 ] || fail "full disk in the final write: exit status $rc, expected 1"
  grep -qF "df2.h5.tmp: cannot write" err.txt && grep -qF "No space left on device" err.txt || { fail "full disk in the final write: message"; cat err.txt; }
  no_tmp df2.h5.d/df2.h5 "full disk in the final write"
  [ "$(status_of df2.h5.d/df2.h5)" = running ] || fail "full disk in the final write: the file of the start was not kept"
  (cd df2.h5.d && finish df2.h5 ../refL.h5 "full disk in the final write" "${L[@]}")
else
  echo "skipped: full disk (unshare -m and mount of a tmpfs are not permitted here)"
fi

# --- signals
# SIGTERM while the finished file is written: abandoned, exit 3, the journal has it all
CREDERE_FAULT=slow_assembly:150 "$CREDERE" run "$Q" -o st1.h5 "${S[@]}" > /dev/null 2> err.txt &
pid=$!
wait_for st1.h5 && wait_for st1.h5.tmp && kill -TERM $pid
wait $pid; rc=$?
checks=$((checks + 1))
[ $rc = 3 ] || fail "SIGTERM in the final write: exit status $rc, expected 3"
grep -qF "st1.h5: interrupted while writing it: all 12 units are saved in st1.h5.journal" err.txt || { fail "SIGTERM in the final write: message"; cat err.txt; }
no_tmp st1.h5 "SIGTERM in the final write"
[ "$(status_of st1.h5)" = running ] || fail "SIGTERM in the final write: the file of the start was not kept"
finish st1.h5 refS.h5 "SIGTERM in the final write" "${S[@]}"
# SIGINT mid-run (Ctrl-C)
CREDERE_FAULT=slow_unit:150 "$CREDERE" run "$Q" -o si.h5 "${S[@]}" > /dev/null 2> err.txt &
pid=$!
wait_for si.h5 && sleep 0.4 && kill -INT $pid
wait $pid; rc=$?
checks=$((checks + 1))
[ $rc = 3 ] || fail "SIGINT mid-run: exit status $rc, expected 3"
[ "$(status_of si.h5)" = interrupted ] || fail "SIGINT mid-run: status not interrupted"
k=$(units_done si.h5)
# SIGTERM while the resume writes the file of what is done, at its start
CREDERE_FAULT=slow_assembly:150 "$CREDERE" run "$Q" -o si.h5 --resume "${S[@]}" > /dev/null 2> err.txt &
pid=$!
wait_for si.h5.tmp && kill -TERM $pid
wait $pid; rc=$?
checks=$((checks + 1))
[ $rc = 3 ] || fail "SIGTERM in the resume's first write: exit status $rc, expected 3"
grep -qF "si.h5: interrupted while writing it at the start: $k of 12 units are saved in si.h5.journal" err.txt ||
  { fail "SIGTERM in the resume's first write: message"; cat err.txt; }
no_tmp si.h5 "SIGTERM in the resume's first write"
[ "$(status_of si.h5)" = interrupted ] || fail "SIGTERM in the resume's first write: the file before it was not kept"
finish si.h5 refS.h5 "SIGINT mid-run, SIGTERM at the resume's start" "${S[@]}"
checks=$((checks + 1))
[ "$(resumed_from si.h5)" = "$k" ] || fail "SIGINT: $k units were done, the resume started from $(resumed_from si.h5)"
# SIGKILL during the final write: the file of the start is intact, the resume finishes
CREDERE_FAULT=slow_assembly:150 "$CREDERE" run "$Q" -o sk.h5 "${S[@]}" > /dev/null 2>&1 &
pid=$!
wait_for sk.h5 && wait_for sk.h5.tmp && kill -KILL $pid
wait $pid 2> /dev/null
[ "$(status_of sk.h5)" = running ] || fail "SIGKILL in the final write: the file of the start is not readable"
finish sk.h5 refS.h5 "SIGKILL in the final write" "${S[@]}"

# --- --force over a complete file: kept until the new run completes
cp refS.h5 old.h5; old=$(sum_of old.h5)
"$CREDERE" run "$Q" -o ref7.h5 "${S[@]}" --set experiment.seed=7 > /dev/null || fail "reference run, seed 7"
CREDERE_FAULT=journal_write:4 "$CREDERE" run "$Q" -o old.h5 --force "${S[@]}" --set experiment.seed=7 > /dev/null 2> err.txt
rc=$?; checks=$((checks + 1))
[ $rc = 1 ] || fail "--force, failing: exit status $rc, expected 1"
grep -qF "the file still holds an earlier complete run" err.txt || { fail "--force, failing: message"; cat err.txt; }
[ "$(sum_of old.h5)" = "$old" ] || fail "a failed run with --force changed the complete file"
CREDERE_FAULT=slow_unit:150 "$CREDERE" run "$Q" -o old.h5 --force "${S[@]}" --set experiment.seed=7 > /dev/null 2> err.txt &
pid=$!
wait_for old.h5.journal && sleep 0.5 && kill -TERM $pid
wait $pid; rc=$?; checks=$((checks + 1))
[ $rc = 3 ] || fail "--force, SIGTERM: exit status $rc, expected 3"
grep -qF "kept until this one completes" err.txt || { fail "--force, SIGTERM: message"; cat err.txt; }
[ "$(sum_of old.h5)" = "$old" ] || fail "an interrupted run with --force changed the complete file"
CREDERE_FAULT=slow_assembly:150 "$CREDERE" run "$Q" -o old.h5 --resume "${S[@]}" --set experiment.seed=7 > /dev/null 2> err.txt &
pid=$!
wait_for old.h5.tmp && kill -TERM $pid
wait $pid; rc=$?; checks=$((checks + 1))
[ $rc = 3 ] || fail "--force, SIGTERM in the final write: exit status $rc, expected 3"
[ "$(sum_of old.h5)" = "$old" ] || fail "SIGTERM in the final write of a --force run changed the complete file"
expect 2 "journal exists: --resume continues it" -- run "$Q" -o old.h5 "${S[@]}" --set experiment.seed=7
finish old.h5 ref7.h5 "--force over a complete file" "${S[@]}" --set experiment.seed=7

echo "$checks checks, $fails failures"
[ $fails = 0 ]
