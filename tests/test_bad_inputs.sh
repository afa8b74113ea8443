#!/usr/bin/env bash
# The bad-input catalog (tests/bad-inputs/): every case of every catalog file is run
# and must give exactly its exit status and every fragment of its message on
# stderr, without a crash (a signal, a sanitizer report), a hang (a timeout), output
# on stdout, or any change to its scratch directory: no file created, none changed.
#
# Catalogs (each documents its cases at its top):
#   cases.txt           experiment files       network/cases.txt   edge and node lists
#   cli/cases.txt       command lines          results/cases.txt   results files
#
# Every line of a catalog is one case:
#   ID | COMMAND | EXIT | FRAGMENT && FRAGMENT ...
# ID is unique over all catalogs. COMMAND is the argv after `credere`, split like a
# shell would (quotes work; no '$' or '`': nothing is expanded); several commands
# joined by ' ;; '
# must each meet the case's expectations. In COMMAND:
#   {NAME}      the file NAME, copied into the scratch directory first (looked up in
#               the catalog's directory, tests/bad-inputs/, tests/bad-inputs/network/,
#               the fixtures made below, experiments/, experiments/validation/);
#               the command sees its base name
#   {old:NAME}  an output that exists before the command: NAME is created holding a
#               copy of fixtures/valid.h5 (NAME ends in .h5) or the line "not touched"
#   {dir:NAME}  an empty directory NAME
#   {also:...}  as {NAME}, {old:NAME} or {dir:NAME}, but not on the command line
#   @MACRO ARGS a macro defined in the catalog by a line
#               '%define @MACRO COMMANDS' where {1}, {2}, ... stand for the ARGS
#               (split at spaces) and {*} for all of them
# A word without braces names a file that is not provided (e.g. missing.yaml).
# Each command runs in a fresh scratch directory (its working directory); the
# directory's listing and checksums must be the same afterwards.
#
# Fixtures (fixtures/ in WORK_DIR), made at test time from tiny runs of
# experiments/quickstart.yaml (200 SMEs, 4 periods, 2 replications): valid.h5
# (analysed), part1.h5 and part2.h5 (shards 1/2 and 2/2), other_part2.h5 (shard 2/2
# with another seed), network.h5 (a `credere network` file, another format), and the
# damaged copies and journals of results/make_fixtures.py (needs
# Debian's python3-h5py; without it those cases fail, they are never skipped).
#
# usage: test_bad_inputs.sh CREDERE SOURCE_DIR WORK_DIR
#   CREDERE_CASES=REGEX   run only the cases whose id matches (for debugging)
#   CREDERE_CASE_TIMEOUT  seconds per command (default 60; a slower one is a hang)
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
BAD=$SRC/tests/bad-inputs
CATALOGS=(cases.txt network/cases.txt cli/cases.txt results/cases.txt)
TIMEOUT=${CREDERE_CASE_TIMEOUT:-60}
FILTER=${CREDERE_CASES:-}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

# --- fixtures
FIX=$WORK/fixtures
mkdir -p "$FIX"
SMALL=(--set population.smes=200 --set experiment.periods=4 --set experiment.burn_in=1
       --set experiment.replications=2)
Q=$SRC/experiments/quickstart.yaml
fixtures_ok=1
(
  cd "$FIX" || exit 1
  set -e
  C=(timeout -k 5 "$TIMEOUT" "$CREDERE")
  "${C[@]}" run "$Q" -o valid.h5 -q "${SMALL[@]}"
  "${C[@]}" analyze valid.h5 -q
  "${C[@]}" run "$Q" -o part1.h5 -q "${SMALL[@]}" --shard 1/2
  "${C[@]}" run "$Q" -o part2.h5 -q "${SMALL[@]}" --shard 2/2
  "${C[@]}" run "$Q" -o other_part2.h5 -q "${SMALL[@]}" --shard 2/2 --set experiment.seed=7
  "${C[@]}" network --edges "$BAD/network/edges.csv" --nodes "$BAD/network/nodes.csv" \
    --clearing -o network.h5
  timeout -k 5 "$TIMEOUT" "$PY" "$BAD/results/make_fixtures.py" valid.h5 part2.h5 .
) > fixtures.log 2>&1 || { fixtures_ok=0; echo "FAIL: making the fixtures:"; cat fixtures.log; }

# --- one command of a case
ncases=0; npassed=0; ncommands=0; failed_ids=()
case_fail() { echo "FAIL: [$id] $*"; case_ok=0; }

# find_input NAME CATALOG_DIR: the path of an input file, or nothing
find_input() {
  local d
  for d in "$2" "$BAD" "$BAD/network" "$FIX" "$SRC/experiments" "$SRC/experiments/validation"; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return; }
  done
}

snapshot() {
  (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | LC_ALL=C sort &&
   find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}

# run_command K COMMAND CATALOG_DIR: runs one command of case $id, checks it
run_command() {
  local k=$1 cmd=$2 cdir=$3
  local dir=$WORK/cases/$id.$k out=$WORK/cases/$id.$k.out err=$WORK/cases/$id.$k.err
  rm -rf "$dir"; mkdir -p "$dir"
  # placeholders
  local rest=$cmd line="" m also kind name src word
  while [[ $rest =~ \{(also:)?(old:|dir:)?([A-Za-z0-9_.][A-Za-z0-9_./-]*)\} ]]; do
    m=${BASH_REMATCH[0]}; also=${BASH_REMATCH[1]}; kind=${BASH_REMATCH[2]}; name=${BASH_REMATCH[3]}
    line+=${rest%%"$m"*}; rest=${rest#*"$m"}
    word=$name
    case $kind in
      old:)
        mkdir -p "$dir/$(dirname "$name")"
        if [[ $name == *.h5 ]]; then
          cp "$FIX/valid.h5" "$dir/$name" 2> /dev/null || case_fail "no fixtures/valid.h5 for {old:$name}"
        else
          printf 'not touched\n' > "$dir/$name"
        fi
        ;;
      dir:) mkdir -p "$dir/$name" ;;
      *) # an input file
        src=$(find_input "$name" "$cdir")
        if [ -z "$src" ]; then
          case_fail "input {$name} not found$( [ "$fixtures_ok" = 1 ] || echo ' (the fixtures failed)')"
          return
        fi
        cp -r "$src" "$dir/"
        word=$(basename "$name") ;;
    esac
    [ -n "$also" ] || line+=$word
  done
  line+=$rest
  local args
  case $line in *'$'*|*'`'*) case_fail "no \$ or \` in a command: $line"; return ;; esac
  set -f
  if ! eval "args=($line)" 2> /dev/null; then set +f; case_fail "cannot split the command: $line"; return; fi
  set +f
  local before after rc
  before=$(snapshot "$dir")
  ncommands=$((ncommands + 1))
  (cd "$dir" && exec timeout -k 5 "$TIMEOUT" "$CREDERE" "${args[@]}") > "$out" 2> "$err"
  rc=$?
  local what="credere $line"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    case_fail "$what: no answer within ${TIMEOUT}s (a hang?)"
  elif [ "$rc" -ge 128 ]; then
    case_fail "$what: crashed (exit $rc, signal $((rc - 128)))"
  elif [ "$rc" != "$want" ]; then
    case_fail "$what: exit $rc, expected $want"
  fi
  if grep -qE 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|UndefinedBehaviorSanitizer' "$err"; then
    case_fail "$what: sanitizer report"
  fi
  local rest_f=$frags f
  while [ -n "$rest_f" ]; do
    f=${rest_f%% && *}
    if [ "$f" = "$rest_f" ]; then rest_f=""; else rest_f=${rest_f#* && }; fi
    grep -qF -- "$f" "$err" || case_fail "$what: stderr lacks '$f'"
  done
  [ "$want" != 0 ] && [ -s "$out" ] && case_fail "$what: wrote to stdout despite the error"
  after=$(snapshot "$dir")
  if [ "$before" != "$after" ]; then
    case_fail "$what: changed its directory:"
    diff <(echo "$before") <(echo "$after") | grep '^[<>]' | sed 's/^/    /' | head -20
  fi
  if [ "$case_ok" = 0 ]; then
    echo "    stderr:"; head -c 2000 "$err" | sed 's/^/    /'
  else
    rm -rf "$dir" "$out" "$err"
  fi
}

# --- every catalog
declare -A seen macros
for cat in "${CATALOGS[@]}"; do
  file=$BAD/$cat; cdir=$(dirname "$file")
  [ -f "$file" ] || { echo "FAIL: no catalog $file"; failed_ids+=("$cat"); continue; }
  ncat=0; ncmd0=$ncommands
  while IFS= read -r raw || [ -n "$raw" ]; do
    case "$raw" in
      '%define @'*)
        def=${raw#%define @}; macros[${def%% *}]=${def#* }; continue ;;
      ''|'#'*) continue ;;
    esac
    IFS='|' read -r id cmd want frags <<< "$raw"
    id=$(echo "$id" | xargs); want=$(echo "$want" | xargs)
    cmd=$(echo "$cmd" | sed 's/^ *//; s/ *$//'); frags=$(echo "$frags" | sed 's/^ *//; s/ *$//')
    if [ -n "${seen[$id]:-}" ]; then
      echo "FAIL: [$id] in $cat: the id is also used in ${seen[$id]}"; failed_ids+=("$id"); continue
    fi
    seen[$id]=$cat
    [ -n "$FILTER" ] && ! [[ $id =~ $FILTER ]] && continue
    ncases=$((ncases + 1)); ncat=$((ncat + 1)); case_ok=1
    if ! [[ $want =~ ^[0-9]+$ ]]; then
      case_fail "in $cat: bad exit status '$want'"
    else
      # expand the macros: each command of the list that starts with @
      expanded=""; rest_c=$cmd
      while :; do
        c=${rest_c%% ;; *}
        if [ "$c" = "$rest_c" ]; then rest_c=""; else rest_c=${rest_c#* ;; }; fi
        if [[ $c == @* ]]; then
          mname=${c%% *}; mname=${mname#@}; margs=${c#@"$mname"}
          if [ -z "${macros[$mname]:-}" ]; then
            case_fail "in $cat: unknown macro @$mname"
          else
            read -ra marg <<< "$margs"
            star=$(echo "$margs" | sed 's/^ *//')
            c=${macros[$mname]//"{*}"/"$star"}
            for n in "${!marg[@]}"; do c=${c//"{$((n + 1))}"/"${marg[$n]}"}; done
          fi
        fi
        expanded+=${expanded:+ ;; }$c
        [ -z "$rest_c" ] && break
      done
      cmd=$expanded
      k=0
      rest_c=$cmd
      while [ "$case_ok" = 1 ]; do
        c=${rest_c%% ;; *}
        if [ "$c" = "$rest_c" ]; then rest_c=""; else rest_c=${rest_c#* ;; }; fi
        k=$((k + 1))
        run_command "$k" "$c" "$cdir"
        [ -z "$rest_c" ] && break
      done
    fi
    if [ "$case_ok" = 1 ]; then npassed=$((npassed + 1)); else failed_ids+=("$id"); fi
  done < "$file"
  echo "$cat: $ncat cases ($((ncommands - ncmd0)) commands)"
done

if [ ${#failed_ids[@]} = 0 ] && [ "$npassed" = "$ncases" ]; then
  echo "$ncases cases: $npassed passed ($ncommands commands)"
else
  echo "$ncases cases: $npassed passed, ${#failed_ids[@]} failed: ${failed_ids[*]}"
fi
[ -n "$FILTER" ] || [ "$ncases" -ge 80 ] || { echo "FAIL: only $ncases cases read"; exit 1; }
[ ${#failed_ids[@]} = 0 ] && [ "$npassed" = "$ncases" ]
