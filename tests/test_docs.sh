#!/usr/bin/env bash
# The docs agree with the program: the key table of docs/experiment-file.md is the
# output of `credere check --keys`; every metric is in docs/format.md and
# docs/odd.md; every command's usage is in docs/user-guide.md.
# usage: test_docs.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

doc=$SRC/docs/experiment-file.md
sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$doc" | sed '1d;$d' > "$WORK/doc_keys.md"
"$CREDERE" check --keys > "$WORK/keys.md"
if ! cmp -s "$WORK/doc_keys.md" "$WORK/keys.md"; then
  fail "docs/experiment-file.md key table differs from 'credere check --keys' (run scripts/update-docs.sh):"
  diff "$WORK/doc_keys.md" "$WORK/keys.md" | head -20
fi

fmt=$SRC/docs/format.md
sed -n '/<!-- metrics:begin/,/<!-- metrics:end/p' "$fmt" | sed '1d;$d' > "$WORK/doc_metrics.md"
"$CREDERE" check --metrics > "$WORK/metrics.md"
if ! cmp -s "$WORK/doc_metrics.md" "$WORK/metrics.md"; then
  fail "docs/format.md metric table differs from 'credere check --metrics' (run scripts/update-docs.sh)"
  diff "$WORK/doc_metrics.md" "$WORK/metrics.md" | head -20
fi

# metric names, from a results file
"$CREDERE" run "$SRC/experiments/quickstart.yaml" -o "$WORK/m.h5" --quiet --force \
  --set population.smes=100 --set experiment.periods=2 --set experiment.burn_in=0 \
  --set experiment.replications=1 > /dev/null || fail "run for metric names"
metrics=$(/usr/bin/env h5ls "$WORK/m.h5/metrics" 2>/dev/null | awk '{print $1}')
[ -n "$metrics" ] || fail "no metrics listed by h5ls"
for m in $metrics; do
  grep -q "\`$m\`" "$SRC/docs/format.md" || fail "metric $m not documented in docs/format.md"
  grep -q "$m" "$SRC/docs/odd.md" || fail "metric $m not described in docs/odd.md"
done

for c in run check modes info bench network meanfield merge analyze plot; do
  grep -q "credere $c" "$SRC/docs/user-guide.md" || fail "command '$c' missing from docs/user-guide.md"
done
echo "$fails failures"
[ "$fails" = 0 ]
