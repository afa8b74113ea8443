#!/usr/bin/env bash
# Regenerates the tables of the docs that come from the program:
#   docs/experiment-file.md  between <!-- keys:begin --> and <!-- keys:end -->
#   docs/format.md           between <!-- metrics:begin ... --> and <!-- metrics:end -->
#   docs/credere.1           the manual page, from the help texts (scripts/make-man.sh)
# usage: scripts/update-docs.sh [BUILD_DIR]   (tests/test_docs.sh checks they agree)
set -euo pipefail
cd "$(dirname "$0")/.."
CREDERE=${1:-build}/credere
replace() { # FILE BEGIN-REGEX END-REGEX COMMAND...
  local file=$1 begin=$2 end=$3; shift 3
  local table; table=$(mktemp)
  "$@" > "$table"
  awk -v b="$begin" -v e="$end" -v t="$table" '
    $0 ~ b { print; while ((getline line < t) > 0) print line; skip = 1; next }
    $0 ~ e { skip = 0 }
    !skip { print }' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
  rm -f "$table"
}
replace docs/experiment-file.md '<!-- keys:begin' '<!-- keys:end' "$CREDERE" check --keys
replace docs/format.md '<!-- metrics:begin' '<!-- metrics:end' "$CREDERE" check --metrics
bash scripts/make-man.sh "$CREDERE" docs/credere.1
echo "docs tables regenerated from $CREDERE"
