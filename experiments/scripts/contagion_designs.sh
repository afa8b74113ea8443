#!/usr/bin/env bash
# The alliance design against contagion: access and cascades of guarantee circles
# under variations of experiments/contagion.yaml (40 replications each; table for
# docs/contagion.md).
# usage: experiments/scripts/contagion_designs.sh [CREDERE]   (from the repository root)
B=${1:-build/credere}
OUT=$(mktemp -d)
run() { # label sets...
  local label=$1; shift
  $B run experiments/contagion.yaml -o $OUT/d.h5 --force --quiet --set 'modes=[alliance]' --set experiment.replications=40 "$@" > /dev/null || exit 1
  /usr/bin/python3 - "$label" "$OUT/d.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[2], "r"); m = f["metrics"]
def ci(k):
    a = m[k][0, :, 8:].mean(axis=1); return "%.3f ± %.3f" % (a.mean(), 2.02 * a.std(ddof=1) / np.sqrt(len(a)))
print("| %s | %s | %s | %s | %s |" % (sys.argv[1], ci("access_rate"), ci("contagion_defaults"), ci("cascade_max"), ci("amplification")))
PY
}
echo "| alliance design | access_rate | contagion_defaults | cascade_max | amplification |"
echo "|---|---|---|---|---|"
run "baseline (circles of 5, coverage 1)"
run "circles of 3" --set network.group_size=3
run "circles of 10" --set network.group_size=10
run "coverage 0.5" --set network.coverage=0.5
run "mutual fund deposit 0.05" --set alliance.mutual_fund.deposit=0.05
run "mutual fund deposit 0.2" --set alliance.mutual_fund.deposit=0.2
run "guarantor leverage cap 5" --set alliance.guarantor.leverage_cap=5
run "no network" --set network.generator=none
