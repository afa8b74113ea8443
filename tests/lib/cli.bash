# Shared by the command-line test scripts (sourced, not run): failure counting and
# `expect`. The sourcing script sets CREDERE and works in its own directory.
fails=0; checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect EXIT FRAGMENTS -- ARGS...: runs credere, checks the exit status and that
# stderr contains every fragment (separated by ' && ').
expect() {
  local want=$1 frags=$2; shift 3
  checks=$((checks + 1))
  "$CREDERE" "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" != "$want" ]; then fail "credere $* exited $got, expected $want"; cat err.txt; return; fi
  local rest=$frags
  while [ -n "$rest" ]; do
    local f=${rest%% && *}
    if [ "$f" = "$rest" ]; then rest=""; else rest=${rest#* && }; fi
    grep -qF -- "$f" err.txt || { fail "credere $*: stderr lacks '$f'"; cat err.txt; }
  done
}
