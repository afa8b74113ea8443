#!/usr/bin/env bash
# Regression guard: the results of a small fixed experiment (tests/data/regression.yaml:
# the four main modes and two presets, a guarantee network with contagion, supply-chain
# receivables, DebtRank and clearing, strategic behaviour; 600 SMEs, 12 periods, 2
# replications) must hash to the values recorded in tests/data/regression.sha256.
# The hash is of the values, not of the file: every /metrics dataset as little-endian
# float64 in C order and every field of /events/defaults in its own little-endian
# type, read with h5py, so chunking, compression, timestamps and provenance do not
# enter. The experiment is run at 1 thread and at 2 threads (units and agents in
# parallel), which must agree bit for bit.
#
# A change of model results must update the record on purpose:
#     tests/test_regression.sh --update [BUILD_DIR]      (default BUILD_DIR: build)
# and add a line under "Model results" in CHANGELOG.md saying why (CHANGELOG.md).
#
# usage: test_regression.sh CREDERE SOURCE_DIR WORK_DIR      (what ctest runs)
#        test_regression.sh --update [BUILD_DIR]            (rewrites the record)
set -u
update=0
if [ "${1:-}" = "--update" ]; then
  update=1
  SRC=$(cd "$(dirname "$0")/.." && pwd)
  build=${2:-$SRC/build}
  CREDERE=$(cd "$build" 2>/dev/null && pwd)/credere
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
else
  if [ $# -ne 3 ]; then
    echo "usage: $0 CREDERE SOURCE_DIR WORK_DIR  |  $0 --update [BUILD_DIR]" >&2
    exit 2
  fi
  CREDERE=$1; SRC=$2; WORK=$3
  rm -rf "$WORK"; mkdir -p "$WORK"
fi
EXP=$SRC/tests/data/regression.yaml
RECORD=$SRC/tests/data/regression.sha256
[ -x "$CREDERE" ] || { echo "FAIL: no credere program at $CREDERE (build it first)"; exit 1; }

# Debian's python3 has h5py and numpy (scripts/setup.sh); the first python3 on PATH
# may be another one.
PY=
for cand in /usr/bin/python3 python3; do
  if "$cand" -c "import h5py, numpy" 2>/dev/null; then PY=$cand; break; fi
done
if [ -z "$PY" ]; then
  echo "FAIL: no Python 3 with h5py and numpy found: run scripts/setup.sh"
  exit 1
fi

# The hash lines of one results file: "SHA256  DATASET" per dataset (sorted), then
# "SHA256  total" over those lines. Each dataset's hash covers its path and shape.
hash_file() {
  "$PY" - "$1" <<'EOF'
import hashlib
import sys

import h5py
import numpy as np

lines = []
with h5py.File(sys.argv[1], "r") as f:
    for name in sorted(f["metrics"]):
        ds = f["metrics"][name]
        h = hashlib.sha256(("metrics/%s %s\n" % (name, list(ds.shape))).encode())
        h.update(np.ascontiguousarray(ds[...], dtype="<f8").tobytes())
        lines.append("%s  metrics/%s" % (h.hexdigest(), name))
    if "events" in f and "defaults" in f["events"]:
        ds = f["events"]["defaults"]
        rows = ds[...]
        h = hashlib.sha256(("events/defaults %s\n" % (list(ds.shape),)).encode())
        for field in ds.dtype.names:
            t = ds.dtype.fields[field][0]
            h.update(("%s %s\n" % (field, t.kind + str(t.itemsize))).encode())
            h.update(np.ascontiguousarray(rows[field], dtype=t.newbyteorder("<")).tobytes())
        lines.append("%s  events/defaults" % h.hexdigest())
text = "".join(l + "\n" for l in lines)
print(text + "%s  total" % hashlib.sha256(text.encode()).hexdigest())
EOF
}

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1 thread, then 2 threads with units and with agents in parallel
runs="1:units 2:units 2:agents"
for r in $runs; do
  t=${r%%:*}; p=${r##*:}
  out=$WORK/regression_${t}_$p.h5
  if ! "$CREDERE" run "$EXP" -o "$out" --threads "$t" --parallel "$p" --quiet --force \
       > "$WORK/run_${t}_$p.log" 2>&1; then
    fail "credere run $EXP --threads $t --parallel $p failed:"
    cat "$WORK/run_${t}_$p.log"
    continue
  fi
  hash_file "$out" > "$WORK/hash_${t}_$p.txt" || fail "cannot hash $out"
done
[ "$fails" = 0 ] || { echo "$fails failures"; exit 1; }
for r in $runs; do
  if ! cmp -s "$WORK/hash_1_units.txt" "$WORK/hash_${r%%:*}_${r##*:}.txt"; then
    fail "results at --threads ${r%%:*} --parallel ${r##*:} differ from 1 thread's (determinism):"
    diff "$WORK/hash_1_units.txt" "$WORK/hash_${r%%:*}_${r##*:}.txt" | head -20
  fi
done
[ "$fails" = 0 ] || { echo "$fails failures"; exit 1; }
got=$WORK/hash_1_units.txt
total=$(awk '$2 == "total" {print $1}' "$got")

if [ "$update" = 1 ]; then
  {
    echo "# SHA-256 of the results of tests/data/regression.yaml (tests/test_regression.sh)."
    echo "# Written by: tests/test_regression.sh --update; a change needs a line under"
    echo "# \"Model results\" in CHANGELOG.md saying why."
    cat "$got"
  } > "$RECORD"
  echo "recorded $total in tests/data/regression.sha256 ($(grep -vc ' total$' "$got") datasets)"
  echo "now add a line under \"Model results\" in CHANGELOG.md (Unreleased) saying why the results changed"
  exit 0
fi

grep -v '^#' "$RECORD" > "$WORK/recorded.txt" 2>/dev/null || true
if ! cmp -s "$WORK/recorded.txt" "$got"; then
  want=$(awk '$2 == "total" {print $1}' "$WORK/recorded.txt")
  changed=$(join -j 2 -o 0,1.1,2.1 <(sort -k2 "$WORK/recorded.txt") <(sort -k2 "$got") \
            | awk '$2 != $3 && $1 != "total" {print $1}' | tr '\n' ' ')
  added=$(join -j 2 -v 2 <(sort -k2 "$WORK/recorded.txt") <(sort -k2 "$got") | awk '{print $1}' | tr '\n' ' ')
  removed=$(join -j 2 -v 1 <(sort -k2 "$WORK/recorded.txt") <(sort -k2 "$got") | awk '{print $1}' | tr '\n' ' ')
  cat <<EOF
FAIL: the model's results changed: tests/data/regression.yaml now hashes to
  $total
but tests/data/regression.sha256 records
  ${want:-(nothing)}
changed:  ${changed:-none}
new:      ${added:-none}
gone:     ${removed:-none}

If this change of results is a bug, fix it. If it is intended (a model change,
a fix, a new metric), record it deliberately:
  1. tests/test_regression.sh --update BUILD_DIR     (e.g. build)
  2. add a line under "### Model results" in the Unreleased section of CHANGELOG.md
     saying what changed and why (for example "bank pricing: margin is now annual;
     every metric of a mode with loans changes")
  3. commit tests/data/regression.sha256 and CHANGELOG.md together with the change.
EOF
  exit 1
fi
echo "regression experiment: $total (1 and 2 threads, units and agents) matches the record"
exit 0
