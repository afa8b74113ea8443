#!/usr/bin/env bash
# Memory check: short runs of credere under valgrind's memcheck must report no error
# (invalid reads or writes, uninitialised values, bad frees) and no definitely or
# indirectly lost block. Blocks still reachable at exit (OpenMP's thread pool,
# HDF5's and libfyaml's globals) are allowed. tests/valgrind.supp holds suppressions
# for third-party noise only (none needed with Debian 12's libraries).
# The commands: check; run (1 thread, events, panel, a guarantee network and
# output.network); run with 2 threads; a run whose journal append fails
# (CREDERE_FAULT) and its --resume; a run stopped by a file-size limit in its first
# write (HDF5's failed close); shards and merge; info; analyze --csv.
# An ASan build (CREDERE_SANITIZE) cannot run under valgrind: the script says
# "SKIPPED: ASan build" and exits 77, which ctest reports as skipped.
# usage: test_valgrind.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$(readlink -f "$1"); SRC=$(readlink -f "$2"); WORK=$3
LIB=$(dirname "$(readlink -f "$0")")
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
unset CREDERE_FAULT
if ldd "$CREDERE" 2> /dev/null | grep -q 'libasan' ||
   nm "$CREDERE" 2> /dev/null | grep -q ' __asan_init'; then
  echo "SKIPPED: ASan build ($CREDERE is built with AddressSanitizer; valgrind cannot run it)"
  exit 77
fi
command -v valgrind > /dev/null || { echo "FAIL: valgrind not found (Debian package valgrind; scripts/setup.sh installs it)"; exit 1; }
fails=0; checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# possibly lost blocks (libgomp's thread stacks' TLS) are neither errors nor shown
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect    --suppressions="$LIB/valgrind.supp" --track-fds=no --num-callers=30 -q)
# vg WANT NAME ARGS...: credere ARGS under memcheck; exit status WANT, no report
vg() {
  local want=$1 name=$2; shift 2
  checks=$((checks + 1))
  "${VG[@]}" --log-file="vg_$name.log" "$CREDERE" "$@" > "out_$name.txt" 2> "err_$name.txt"
  local rc=$?
  if [ $rc = 99 ] || [ -s "vg_$name.log" ]; then
    fail "$name: valgrind reports errors or leaks (credere $*)"; head -60 "vg_$name.log"
  elif [ $rc != "$want" ]; then
    fail "$name: exit status $rc, expected $want (credere $*)"; tail -5 "err_$name.txt"
  fi
}
Q=$SRC/experiments/quickstart.yaml
C=$SRC/experiments/contagion.yaml
T=(--quiet --set population.smes=150 --set experiment.replications=2 --set experiment.periods=4
   --set experiment.burn_in=1)

vg 0 check check "$Q" "${T[@]:1}"
vg 0 run1 run "$C" -o c.h5 --threads 1 "${T[@]}" --set output.events=true --set output.network=true \
  --set output.panel.smes=10 --set network.debtrank=true --set network.clearing=true
vg 0 run2 run "$Q" -o q.h5 --threads 2 "${T[@]}" --set output.events=true
CREDERE_FAULT=journal_write:3 vg 1 fault run "$Q" -o f.h5 --threads 1 "${T[@]}"
vg 0 resume run "$Q" -o f.h5 --resume --threads 1 "${T[@]}"
# (a subshell for the limit: it reports through its exit status)
(ulimit -f 16; fails=0; vg 1 ulimit run "$Q" -o u.h5 --threads 1 "${T[@]}"; exit $fails) || fails=$((fails + 1))
checks=$((checks + 1))
grep -q "File too large" err_ulimit.txt || fail "ulimit: no 'File too large' in the message"
for i in 1 2; do vg 0 "shard$i" run "$Q" -o "p$i.h5" --shard "$i/2" --threads 1 "${T[@]}"; done
vg 0 merge merge p1.h5 p2.h5 -o m.h5
vg 0 info info c.h5
vg 0 analyze analyze q.h5 --csv tables

echo "$checks checks under valgrind, $fails failures"
[ $fails = 0 ]
