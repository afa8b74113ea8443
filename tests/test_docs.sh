#!/usr/bin/env bash
# The docs agree with the program:
#   - the key table of docs/experiment-file.md is the output of `credere check --keys`
#     (tests/test_keys_documented.c checks every key and table item key from the
#     reader's own schema, and that the docs name no key the reader refuses);
#   - the metric table of docs/format.md is `credere check --metrics`, and every
#     metric of a results file is in docs/format.md and docs/odd.md;
#   - every command of `credere --help` is in docs/user-guide.md and README.md, and
#     every option of its help text is in a section of docs/user-guide.md that shows
#     `credere COMMAND`;
#   - every exit status (core/status.h) is in `credere --help`, in the exit-status
#     table of docs/user-guide.md and in the manual page;
#   - docs/credere.1 is what scripts/make-man.sh makes from the help texts, and
#     renders without warnings.
# usage: test_docs.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
guide=$SRC/docs/user-guide.md

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
# every metric of the program's table is in a results file (none left unwritten)
for m in $(awk -F'`' '/^\| `/ {print $2}' "$WORK/metrics.md"); do
  printf '%s\n' $metrics | grep -qx "$m" || fail "metric $m of 'credere check --metrics' is not in a results file"
done

# panel variables: every one of output.panel.variables' default (all of them) is in
# the /panel section of docs/format.md
vars=$(awk -F'|' '$2 ~ /`output.panel.variables`/ {print $4}' "$WORK/keys.md" | tr -d '`[] ' | tr ',' ' ')
[ -n "$vars" ] || fail "no default of output.panel.variables in 'credere check --keys'"
for v in $vars; do
  sed -n '/^## \/panel/,/^## /p' "$fmt" | grep -q "\`$v\`" ||
    fail "panel variable $v not described in the /panel section of docs/format.md"
done

# commands: from `credere --help`, not a list kept here
commands=$("$CREDERE" --help | awk '/^commands:/ {on = 1; next} on && /^$/ {exit} on {print $1}')
[ "$(printf '%s\n' $commands | wc -l)" -ge 10 ] || fail "fewer than 10 commands in 'credere --help'"
for c in $commands; do
  grep -q "credere $c" "$guide" || fail "command '$c' missing from docs/user-guide.md"
  [ "$c" = help ] || grep -q "credere $c" "$SRC/README.md" || fail "command '$c' missing from README.md"
done

# options: each option of a command's help text (its usage lines and its option
# list, whose entries are indented by 2 to 5 blanks) is in a level-2 section of the user guide that shows `credere COMMAND`
options_of() { # the options a command's help defines
  "$CREDERE" help "$1" | awk '
    /^usage: / {u = 1} u && /^$/ {u = 0}
    u { print; next }
    /^  ( |  |   )?-/ { sub(/^ +/, ""); split($0, a, "  "); print a[1] }' |
    grep -oE '(^|[][ (|,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ (|,]//' | sort -u
}
section_of() { # the level-2 sections of the guide that show `credere CMD`
  awk -v cmd="credere $1" '
    /^## / { if (hit) printf "%s", text; text = ""; hit = 0 }
    { text = text $0 "\n"; if (index($0, cmd)) hit = 1 }
    END { if (hit) printf "%s", text }' "$guide"
}
for c in $commands; do
  section_of "$c" > "$WORK/section_$c.md"
  [ -s "$WORK/section_$c.md" ] || { fail "no section of docs/user-guide.md shows 'credere $c'"; continue; }
  for o in $(options_of "$c"); do
    grep -qE -- "(^|[^a-zA-Z-])$o([^a-zA-Z-]|$)" "$WORK/section_$c.md" ||
      fail "option $o of 'credere $c' (credere help $c) is not in the section of docs/user-guide.md on 'credere $c'"
  done
done
for o in --version -V --help -h; do # the program's own options
  grep -qE -- "(^|[^a-zA-Z-])$o([^a-zA-Z-]|$)" "$guide" || fail "option $o not in docs/user-guide.md"
done

# exit statuses: every code of core/status.h is in --help, the user guide's table
# and the manual page
codes=$(sed -n 's/^ *X(CR_[A-Z]*, *\([0-9]*\),.*/\1/p' "$SRC/core/status.h" | sort -un)
[ -n "$codes" ] || fail "no exit statuses found in core/status.h"
help_exit=$("$CREDERE" --help | sed -n 's/^Exit status: //p')
for code in $codes; do
  printf '%s\n' "$help_exit" | grep -qE "(^|, )$code " || fail "exit status $code not in 'credere --help'"
  grep -qE "^\| $code \|" "$guide" || fail "exit status $code not in the exit-status table of docs/user-guide.md"
  sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$SRC/docs/credere.1" | grep -qx "\.B $code" ||
    fail "exit status $code not in the EXIT STATUS section of docs/credere.1"
done

# the manual page: regenerated from the help texts, identical to the committed one
if bash "$SRC/scripts/make-man.sh" "$CREDERE" "$WORK/credere.1" > /dev/null; then
  if ! cmp -s "$WORK/credere.1" "$SRC/docs/credere.1"; then
    fail "docs/credere.1 is stale: run scripts/make-man.sh build (BUILD_DIR) and commit it:"
    diff "$SRC/docs/credere.1" "$WORK/credere.1" | head -20
  fi
  if command -v groff > /dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$WORK/credere.1" 2>&1)
    [ -z "$warnings" ] || fail "groff warns about the manual page: $warnings"
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" FILES "SEE ALSO"; do
      groff -man -Tutf8 "$WORK/credere.1" 2>/dev/null | sed 's/.\x08//g' | grep -qx "$s" ||
        fail "the manual page has no section $s"
    done
  else
    echo "note: groff not found: the manual page's rendering is not checked"
  fi
else
  fail "scripts/make-man.sh failed"
fi
echo "$fails failures"
[ "$fails" = 0 ]
