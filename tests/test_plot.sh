#!/usr/bin/env bash
# `credere plot`: every figure of the catalog drawn from small runs (four modes with
# events, a Saltelli, a Morris and a two-parameter grid design) as PDF and PNG, with
# its gnuplot script and data, the PNGs not blank, the scripts redrawing on their
# own; .svg and .tex outputs; the default output name; and the errors (exit 2 for a
# figure the design cannot give, an existing output, an unknown figure or metric, a
# file without /analysis; exit 1 without gnuplot). Needs gnuplot (gnuplot-nox).
# usage: test_plot.sh CREDERE SOURCE_DIR WORK_DIR
set -u
CREDERE=$1; SRC=$2; WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
# shared: fail, expect, the fails and checks counters
. "$(dirname "$(readlink -f "$0")")/lib/cli.bash"

command -v gnuplot > /dev/null || { echo "FAIL: gnuplot is not installed (Debian: gnuplot-nox)"; exit 1; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

Q=$SRC/experiments/quickstart.yaml
SENS=$SRC/experiments/contagion_sensitivity.yaml
small=(--set population.smes=400 --set experiment.burn_in=2)
sens=("${small[@]}" --set design.samples=4 --set experiment.replications=3
      --set experiment.periods=8)

# --- four small results files, analysed
run() { # run NAME EXP ARGS...: credere run + analyze, quietly
  local name=$1 exp=$2; shift 2
  checks=$((checks + 1))
  "$CREDERE" run "$exp" -o "$name.h5" -q "$@" > "$name.run.txt" 2>&1 \
    || { fail "run $name exited $?"; cat "$name.run.txt"; return; }
  "$CREDERE" analyze "$name.h5" -q > "$name.analyze.txt" 2>&1 \
    || { fail "analyze $name exited $?"; cat "$name.analyze.txt"; }
}
run modes "$Q" "${small[@]}" --set experiment.replications=4 --set experiment.periods=10 \
  --set output.events=true --set network.generator=groups
run sobol "$SENS" "${sens[@]}"
run morris "$SENS" "${sens[@]}" --set design.method=morris
run grid "$SENS" "${sens[@]}" --set design.method=grid \
  --set 'design.parameters={network.coverage: {min: 0.2, max: 1.0, levels: 3}, network.group_size: [3, 5]}'
run grid1 "$SENS" "${sens[@]}" --set design.method=grid \
  --set 'design.parameters={network.coverage: [0.5, 1.0]}'

# distinct colours of a PNG (matplotlib's reader, else a small decoder of 8-bit PNGs)
colours() {
  "$PY" - "$1" <<'EOF'
import sys, struct, zlib
path = sys.argv[1]
try:
    import matplotlib.image as mpimg
    import numpy as np
    a = mpimg.imread(path)
    px = a.reshape(-1, a.shape[2] if a.ndim == 3 else 1)
    print(len(np.unique(np.round(px * 255).astype(int), axis=0)), a.shape[1], a.shape[0])
except ImportError:
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h, ch = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8, "only 8-bit PNGs"
            ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, seen, i = zlib.decompress(idat), w * ch, bytearray(w * ch), set(), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - ch] if x >= ch else 0
            b = prev[x]
            c = prev[x - ch] if x >= ch else 0
            p = a + b - c
            pr = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)
            line[x] = (line[x] + (0, a, b, (a + b) // 2, pr)[f]) & 255
        seen.update(bytes(line[k:k + ch]) for k in range(0, stride, ch))
        prev = line
    print(len(seen), w, h)
EOF
}

# --- every figure as PDF and PNG
mkdir -p pdf png
draw() { # draw FILE FIGURE [ARGS...]
  local file=$1 fig=$2; shift 2
  for ext in pdf png; do
    checks=$((checks + 1))
    local out=$ext/${file}_$fig
    "$CREDERE" plot "$file.h5" --figure "$fig" -o "$out.$ext" "$@" > out.txt 2> err.txt \
      || { fail "plot $file.h5 --figure $fig -o $out.$ext exited $?"; cat err.txt; continue; }
    [ -s err.txt ] && { fail "plot $file --figure $fig wrote to stderr"; cat err.txt; }
    grep -qF "figure: $out.$ext" out.txt || fail "plot $fig: no 'figure:' line: $(cat out.txt)"
    for f in "$out.$ext" "$out.gp" "$out.dat"; do
      [ -s "$f" ] || fail "plot $file --figure $fig: $f is missing or empty"
    done
    head -1 "$out.dat" | grep -q '^# credere plot' || fail "$out.dat has no commented header"
    grep -q "^set output '${file}_$fig.$ext'" "$out.gp" || fail "$out.gp does not set its output"
    if [ "$ext" = png ]; then
      read -r n w h < <(colours "$out.png") || true
      [ "${n:-0}" -gt 2 ] || fail "$out.png looks blank (${n:-?} colours)"
      [ "${w:-0}x${h:-0}" = 1600x1000 ] || fail "$out.png is ${w:-?}x${h:-?}, not 1600x1000"
    else
      [ "$(head -c 5 "$out.pdf")" = "%PDF-" ] || fail "$out.pdf is not a PDF"
    fi
  done
}
draw modes modes
draw modes paths
draw modes paired --metric bank_loss_rate
draw modes cascades
draw sobol sobol
draw sobol paths         # 28 cells: pooled per mode
draw sobol modes         # one bar per design cell
draw morris morris
draw grid heatmap
draw grid modes

# the scripts are self-contained: gnuplot redraws them in their directory
checks=$((checks + 1))
rm -f pdf/modes_paths.pdf
(cd pdf && gnuplot modes_paths.gp) || fail "gnuplot modes_paths.gp exited $?"
[ -s pdf/modes_paths.pdf ] || fail "gnuplot modes_paths.gp did not redraw the figure"
# the key lists the modes; --metric reached the labels; the burn-in is shaded
grep -q "title 'joint_liability'" pdf/modes_paths.gp || fail "paths: no key entry per mode"
grep -q "ylabel 'bank_loss_rate minus direct (1 per period)'" pdf/modes_paired.gp \
  || fail "--metric bank_loss_rate is not in the paired figure's label"
grep -q "ylabel 'default_rate (1 per period)'" pdf/modes_paths.gp || fail "no units on the y axis"
grep -q "set object 1 rect" pdf/modes_paths.gp || fail "paths: burn-in not shaded"
grep -q "(all design points)" pdf/sobol_paths.gp || fail "paths of 28 cells are not pooled per mode"
grep -q "ylabel 'network.group_size (SMEs)'" pdf/grid_heatmap.gp || fail "heatmap: parameter units"
[ "$(grep -v '^#' pdf/grid_heatmap.dat | grep -c .)" = 6 ] || fail "heatmap: not 3 x 2 grid rows"
grep -q "^set cbrange \[" pdf/grid_heatmap.gp || fail "heatmap: no colour range from the data"

# --- .svg, .tex (cairolatex: a .tex and its .pdf, text escaped for LaTeX)
checks=$((checks + 1))
"$CREDERE" plot modes.h5 --figure paths -o fig.svg -q || fail "plot -o fig.svg exited $?"
grep -q '<svg' fig.svg || fail "fig.svg is not an SVG"
"$CREDERE" plot modes.h5 --figure modes -o figtex.tex -q || fail "plot -o figtex.tex exited $?"
[ -s figtex.tex ] && [ -s figtex.pdf ] || fail "-o figtex.tex: no figtex.tex and figtex.pdf"
grep -qF 'joint\_liability' figtex.tex || fail "figtex.tex: mode names not escaped for LaTeX"
grep -qF 'default\_rate' figtex.tex || fail "figtex.tex: axis label not escaped for LaTeX"

# --- the default output: RESULTS_FIGURE.pdf in the current directory
checks=$((checks + 1))
mkdir -p here
(cd here && "$CREDERE" plot ../modes.h5 --figure modes -q) || fail "plot without -o exited $?"
[ -s here/modes_modes.pdf ] && [ -s here/modes_modes.gp ] && [ -s here/modes_modes.dat ] \
  || fail "plot without -o did not write here/modes_modes.{pdf,gp,dat}"
"$CREDERE" plot --list > list.txt || fail "plot --list exited $?"
for f in modes paths paired cascades sobol morris heatmap; do
  grep -q "^  $f " list.txt || fail "plot --list lacks $f"
done

# --- errors: exit 2 with a message, nothing written
expect 2 "figure sobol needs a Saltelli design (this file's design is grid)" -- \
  plot grid.h5 --figure sobol -o e1.pdf
expect 2 "figure morris needs a Morris design (this file's design is saltelli)" -- \
  plot sobol.h5 --figure morris -o e2.pdf
expect 2 "figure heatmap needs a grid design (this file's design is morris)" -- \
  plot morris.h5 --figure heatmap -o e3.pdf
expect 2 "figure heatmap needs a grid over exactly two parameters besides mode (this file's grid varies 1: network.coverage)" -- \
  plot grid1.h5 --figure heatmap -o e3.pdf
expect 2 "no /analysis/paired: figure paired needs two or more modes" -- \
  plot sobol.h5 --figure paired -o e4.pdf
expect 2 "pdf/modes_paths.pdf: exists; use --force" -- plot modes.h5 --figure paths -o pdf/modes_paths.pdf
expect 0 "" -- plot modes.h5 --figure paths -o pdf/modes_paths.pdf --force
expect 2 "unknown figure 'mdoes'; did you mean 'modes'?" -- plot modes.h5 --figure mdoes
expect 2 "unknown metric 'defualt_rate'; did you mean 'default_rate'?" -- \
  plot modes.h5 --figure modes --metric defualt_rate
expect 2 "figure cascades takes no --metric" -- plot modes.h5 --figure cascades --metric default_rate
expect 2 "the extension chooses the format" -- plot modes.h5 --figure modes -o x.jpg
expect 2 "missing --figure" -- plot modes.h5
expect 2 "missing the results file" -- plot --figure modes
expect 2 "unknown option '--bogus'" -- plot modes.h5 --figure modes --bogus
expect 2 "nonexistent.h5: cannot open" -- plot nonexistent.h5 --figure modes
expect 2 "not a credere results file" -- plot "$Q" --figure modes -o e5.pdf
"$CREDERE" run "$Q" -o raw.h5 -q "${small[@]}" --set experiment.replications=2 \
  --set experiment.periods=4 --set experiment.burn_in=1 > /dev/null 2>&1 || fail "run raw exited $?"
expect 2 "raw.h5: no /analysis: run credere analyze raw.h5 first" -- plot raw.h5 --figure modes
"$CREDERE" run "$Q" -o nonet.h5 -q "${small[@]}" --set network.generator=none > /dev/null 2>&1 \
  || fail "run nonet exited $?"
"$CREDERE" analyze nonet.h5 -q > /dev/null 2>&1 || fail "analyze nonet exited $?"
expect 2 "no /analysis/cascades: this file has no cascade" -- plot nonet.h5 --figure cascades -o e6.pdf
ls e[1-6].* > /dev/null 2>&1 && fail "a failed plot wrote files: $(ls e[1-6].*)"
expect 0 "" -- plot raw.h5 --figure paths -o raw_paths.pdf   # paths needs no analysis

# gnuplot missing: exit 1, the script and data still written
checks=$((checks + 1))
env PATH=/nonexistent "$CREDERE" plot modes.h5 --figure modes -o nognu.pdf > out.txt 2> err.txt
rc=$?
[ "$rc" = 1 ] || fail "plot without gnuplot exited $rc, expected 1"
grep -qF "gnuplot not found: install gnuplot-nox" err.txt || { fail "no 'gnuplot not found'"; cat err.txt; }
[ -s nognu.gp ] && [ -s nognu.dat ] || fail "without gnuplot, nognu.gp and nognu.dat are not written"

# gnuplot failing: exit 1 with its message
checks=$((checks + 1))
mkdir -p fakebin
printf '#!/bin/sh\necho "$1, line 3: undefined variable: foo" >&2\nexit 1\n' > fakebin/gnuplot
chmod +x fakebin/gnuplot
PATH=$PWD/fakebin:$PATH "$CREDERE" plot modes.h5 --figure modes -o badgnu.pdf > out.txt 2> err.txt
rc=$?
[ "$rc" = 1 ] || fail "plot with a failing gnuplot exited $rc, expected 1"
grep -qF "gnuplot failed on badgnu.gp" err.txt && grep -qF "badgnu.gp, line 3: undefined variable" err.txt \
  || { fail "a failing gnuplot's message is not shown"; cat err.txt; }

# --- help
checks=$((checks + 1))
"$CREDERE" plot --help | grep -q "usage: credere plot" || fail "plot --help"
"$CREDERE" help | grep -q "^  plot " || fail "credere help does not list plot"

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
