#!/usr/bin/env bash
# `credere network`: good runs (CSV to standard output and to a file, HDF5 read back
# with h5py or h5dump), refusing to overwrite, and --help. Usage errors and the bad
# inputs of tests/bad-inputs/network/cases.txt are checked by
# tests/test_bad_inputs.sh (tests/bad-inputs/cli/cases.txt for the command line).
# usage: test_network_cli.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
# shared: fail, expect, the fails and checks counters
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"

# same_file A B: A and B are identical
same_file() { checks=$((checks + 1)); cmp -s "$1" "$2" || { fail "$1 differs from $2"; diff "$1" "$2" | head; }; }

# --- the chain of tests/test_clearing.c: A -> B -> C -> D, three rounds of defaults
printf 'id,external_assets,external_liabilities\nA,5,0\nB,2,0\nC,0.5,0\nD,0,4\n' > chain_nodes.csv
printf 'debtor,creditor,amount\nA,B,10\nB,C,8\nC,D,8\n' > chain_edges.csv
printf 'id,payment,defaulted\nA,5,1\nB,7,1\nC,7.5,1\nD,4,0\n' > chain_want.csv
CH=(network --edges chain_edges.csv --nodes chain_nodes.csv --clearing)
"$CREDERE" "${CH[@]}" > chain_stdout.csv 2> err.txt || fail "clearing to stdout exited $?"
same_file chain_stdout.csv chain_want.csv
"$CREDERE" "${CH[@]}" -o - > chain_dash.csv || fail "clearing with -o -"
same_file chain_dash.csv chain_want.csv
"$CREDERE" "${CH[@]}" -o chain.csv > summary.txt || fail "clearing -o chain.csv exited $?"
same_file chain.csv chain_want.csv
grep -q "^clearing: 4 nodes, 3 edges; 3 defaults after 3 rounds" summary.txt || fail "clearing summary"
grep -q "^results: chain.csv" summary.txt || fail "clearing does not print the output path"

# refuse to overwrite without --force; --force replaces
printf 'old\n' > chain.csv
expect 2 "chain.csv: output exists; use --force to replace it (nothing was written)" -- "${CH[@]}" -o chain.csv
[ "$(cat chain.csv)" = old ] || fail "refused run changed chain.csv"
"$CREDERE" "${CH[@]}" -o chain.csv --force > /dev/null || fail "--force exited $?"
same_file chain.csv chain_want.csv

# duplicate edges are summed: A owes B 4 + 6 = 10; columns in any order, spaces, CRLF,
# a byte-order mark and quoted ids (one with a comma) are read
printf '\xef\xbb\xbfdebtor , amount,creditor\r\nA,4,B\r\n"B",8,C\r\nA, 6 ,B\r\n\r\nC,8,"D, Ltd"\r\n' > dup_edges.csv
printf 'external_liabilities,id,external_assets\n0,A,5\n0,B,2\n0,C,0.5\n4,"D, Ltd",0\n' > dup_nodes.csv
"$CREDERE" network --clearing --nodes dup_nodes.csv --edges dup_edges.csv > dup.csv || fail "duplicates exited $?"
sed 's/^D,/"D, Ltd",/' chain_want.csv > dup_want.csv
same_file dup.csv dup_want.csv

# an edge list with only its header: each node pays min(what it owes, its assets)
printf 'debtor,creditor,amount\n' > no_edges.csv
"$CREDERE" network --edges no_edges.csv --nodes chain_nodes.csv --clearing > none.csv || fail "no edges exited $?"
printf 'id,payment,defaulted\nA,0,0\nB,0,0\nC,0,0\nD,0,1\n' > none_want.csv
same_file none.csv none_want.csv

# --- HDF5 output
"$CREDERE" "${CH[@]}" -o chain.h5 > summary.txt || fail "clearing -o chain.h5 exited $?"
grep -q "^results: chain.h5" summary.txt || fail "HDF5 run does not print the output path"
expect 2 "chain.h5: output exists" -- "${CH[@]}" -o chain.h5

# --- DebtRank: the three-node case of tests/test_debtrank.c (R = 0.275)
printf 'id,external_assets,external_liabilities,equity,shock\nn1,14,0,10,0\nn2,4,0,5,0\nn3,10,0,8,0.5\n' > dr_nodes.csv
printf 'debtor,creditor,amount\nn2,n1,4\nn3,n2,6\nn3,n1,2\n' > dr_edges.csv
DR=(network --edges dr_edges.csv --nodes dr_nodes.csv --debtrank)
"$CREDERE" "${DR[@]}" > dr.csv || fail "debtrank exited $?"
checks=$((checks + 1))
head -1 dr.csv | grep -qx "id,distress" || fail "debtrank header"
awk -F, 'NR > 1 && NR < 5 { w[2] = 0.3; w[3] = 0.5; w[4] = 0.5; d = $2 - w[NR]; if (d < -1e-12 || d > 1e-12) bad = 1 }
         END { exit bad }' dr.csv || fail "debtrank distress: $(cat dr.csv)"
tail -1 dr.csv | awk '$1 == "#" && $2 == "debtrank" && $3 == "=" { d = $4 - 0.275; ok = d > -1e-12 && d < 1e-12 } END { exit !ok }' \
  || fail "debtrank total line: $(tail -1 dr.csv)"
[ "$(wc -l < dr.csv)" = 5 ] || fail "debtrank CSV has $(wc -l < dr.csv) lines, expected 5"
"$CREDERE" "${DR[@]}" -o dr.h5 > summary.txt || fail "debtrank -o dr.h5 exited $?"
grep -q "^debtrank: 3 nodes, 3 edges; DebtRank 0.275 after 2 steps, 3 nodes distressed" summary.txt \
  || fail "debtrank summary: $(cat summary.txt)"

checks=$((checks + 1))
if /usr/bin/python3 -c "import h5py" 2> /dev/null; then
  /usr/bin/python3 - <<'EOF' || fail "HDF5 contents (h5py)"
import h5py, sys
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("HDF5:", what); ok = False
with h5py.File("chain.h5", "r") as f:
    check(f.attrs["format"] == "credere-network", "format")
    check(int(f.attrs["format_version"]) == 1, "format_version")
    check("command_line" in f.attrs and "software_version" in f.attrs, "provenance")
    g = f["network/clearing"]
    check([s.decode() for s in g["id"][()]] == ["A", "B", "C", "D"], "ids")
    check(list(g["payment"][()]) == [5.0, 7.0, 7.5, 4.0], "payment")
    check(list(g["defaulted"][()]) == [1, 1, 1, 0], "defaulted")
    check(int(g.attrs["rounds"]) == 3 and int(g.attrs["defaults"]) == 3, "rounds, defaults")
    check(g["payment"].attrs["long_name"] == "Eisenberg-Noe clearing payment", "long_name")
    check("debtrank" not in f["network"], "only the measure asked for")
with h5py.File("dr.h5", "r") as f:
    check(f.attrs["format"] == "credere-network", "debtrank format")
    g = f["network/debtrank"]
    check([s.decode() for s in g["id"][()]] == ["n1", "n2", "n3"], "debtrank ids")
    check(max(abs(a - b) for a, b in zip(g["distress"][()], [0.3, 0.5, 0.5])) < 1e-12, "distress")
    check(abs(float(g.attrs["debtrank"]) - 0.275) < 1e-12, "debtrank attribute")
    check(int(g.attrs["steps"]) == 2, "steps")
sys.exit(0 if ok else 1)
EOF
else
  h5dump -a /format chain.h5 | grep -q '"credere-network"' || fail "HDF5 format attribute (h5dump)"
  h5dump -d /network/clearing/payment chain.h5 | grep -q "5, 7, 7.5, 4" || fail "HDF5 payment (h5dump)"
  h5dump -a /network/clearing/rounds chain.h5 | grep -q "(0): 3" || fail "HDF5 rounds (h5dump)"
  h5dump -a /network/debtrank/debtrank dr.h5 | grep -q "0.275" || fail "HDF5 debtrank (h5dump)"
fi

# --- help
for h in "network --help" "help network"; do
  checks=$((checks + 1))
  # shellcheck disable=SC2086
  "$CREDERE" $h > help.txt 2>&1 || fail "$h exited $?"
  grep -q "usage: credere network --edges EDGES.csv --nodes NODES.csv (--clearing | --debtrank)" help.txt \
    || fail "$h lacks the usage line"
done
"$CREDERE" --help | grep -q "^  network " || fail "credere --help does not list network"

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
