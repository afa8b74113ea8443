#!/usr/bin/env python3
"""Behaviours switched off reproduce the results of the model without them (issue
5): the SHA-256 of every metric of experiments/mode_comparison.yaml and
experiments/contagion.yaml (3000 SMEs, 12 periods, 2 replications, 2 threads) equals
tests/data/issue3_reference.json, which the program of commit 67f24bc (before
behaviour existed) wrote. The same holds with behaviour on but neutral (NEUTRAL:
every SME a safe, honest, non-monitoring type), so the hooks themselves change
nothing; and a rule that matters changes the metrics (so the
comparison is not vacuous).

usage: test_behaviour_off.py CREDERE SOURCE_DIR WORK_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

SETTINGS = ["--set", "experiment.replications=2", "--set", "population.smes=3000",
            "--set", "experiment.periods=12", "--set", "experiment.burn_in=2",
            "--threads", "2", "--quiet", "--force"]
# behaviour on, but no decision differs from the model without it: every SME is a
# safe type, honest, not monitoring
NEUTRAL = ["--set", "behaviour.risk.rule=fixed", "--set", "behaviour.risk.initial_share=0",
           "--set", "behaviour.repayment.rule=fixed", "--set",
           "behaviour.repayment.initial_share=0", "--set", "behaviour.monitoring.rule=fixed",
           "--set", "behaviour.monitoring.initial_share=0"]


def run(credere, exp, out, extra=()):
    cmd = [credere, "run", exp, "-o", out, *SETTINGS, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s" % (" ".join(cmd), proc.returncode, proc.stderr))


def hashes(path, tag):
    out = {}
    with h5py.File(path, "r") as f:
        for name, ds in f["metrics"].items():
            data = np.ascontiguousarray(ds[...]).astype("<f8")
            out[tag + "/" + name] = hashlib.sha256(data.tobytes()).hexdigest()
    return out


def main():
    credere, src, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(src, "tests", "data", "issue3_reference.json")) as f:
        ref = json.load(f)
    failures = 0
    for label, extra in (("off", ()), ("neutral", NEUTRAL)):
        got = {}
        for exp in ("mode_comparison", "contagion"):
            out = os.path.join(work, "%s_%s.h5" % (exp, label))
            run(credere, os.path.join(src, "experiments", exp + ".yaml"), out, extra)
            got.update(hashes(out, exp))
        for key, want in sorted(ref.items()):
            if got.get(key) != want:
                print("FAIL: behaviour %s: %s differs from the issue-3 reference" % (label, key))
                failures += 1
    # not vacuous: project choice by best response changes the results
    out = os.path.join(work, "moral_hazard.h5")
    run(credere, os.path.join(src, "experiments", "mode_comparison.yaml"), out,
        ["--set", "behaviour.risk.rule=best_response"])
    got = hashes(out, "mode_comparison")
    if got["mode_comparison/default_rate"] == ref["mode_comparison/default_rate"]:
        print("FAIL: behaviour.risk.rule best_response left default_rate unchanged")
        failures += 1
    print("%d reference metrics compared, %d failures" % (len(ref), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
