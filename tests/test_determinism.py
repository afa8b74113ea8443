#!/usr/bin/env python3
"""Determinism: the same experiment with 1, 2 and 3 threads gives /design and
/metrics identical bit for bit (ARCHITECTURE.md, "Determinism"); a different seed
gives different metrics (so the comparison is not vacuous). Checked for the
quick-start experiment and for the mode comparison with every behaviour on
(learning by imitation, the group repayment game, monitoring, free matching,
channel choice, shared records and bank switching: BEHAVIOUR).

usage: test_determinism.py CREDERE SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def run(credere, exp, out, threads, extra=()):
    cmd = [credere, "run", exp, "-o", out, "--force", "--quiet", "--threads", str(threads),
           "--set", "population.smes=9001", "--set", "population.banks=7",
           "--set", "experiment.periods=8", "--set", "experiment.burn_in=2",
           "--set", "experiment.replications=3", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s" % (" ".join(cmd), proc.returncode, proc.stderr))


def datasets(path):
    """{name: raw bytes} of every dataset under /design and /metrics."""
    out = {}
    with h5py.File(path, "r") as f:
        for group in ("design", "metrics"):
            for name, ds in f[group].items():
                data = ds[...]
                if data.dtype.kind == "O":  # variable-length strings
                    out[group + "/" + name] = "\x00".join(
                        x.decode() if isinstance(x, bytes) else str(x) for x in data.ravel()
                    ).encode()
                else:
                    out[group + "/" + name] = np.ascontiguousarray(data).tobytes()
    return out


BEHAVIOUR = ("--set", "behaviour.risk.rule=imitation", "--set", "behaviour.repayment.rule=imitation",
             "--set", "behaviour.repayment.return_spread=0.4",
             "--set", "behaviour.repayment.sanction=0.1",
             "--set", "behaviour.monitoring.rule=imitation",
             "--set", "behaviour.channel.rule=logit", "--set", "behaviour.matching=free",
             "--set", "behaviour.records.sharing=shared",
             "--set", "behaviour.records.switch_probability=0.5",
             "--set", "behaviour.learning.revision_rate=0.3")


def compare(credere, exp, work, tag, extra=()):
    """Runs exp with 1, 2 and 3 threads; returns (datasets at 1 thread, failures)."""
    files = {}
    for threads in (1, 2, 3):
        path = os.path.join(work, "%s_t%d.h5" % (tag, threads))
        run(credere, exp, path, threads, extra)
        files[threads] = datasets(path)
    failures = 0
    ref = files[1]
    for threads in (2, 3):
        if set(files[threads]) != set(ref):
            print("FAIL: %s: dataset names differ with %d threads" % (tag, threads))
            failures += 1
            continue
        for name in sorted(ref):
            if files[threads][name] != ref[name]:
                print("FAIL: %s: %s differs between 1 and %d threads" % (tag, name, threads))
                failures += 1
    return ref, failures


def main():
    credere, src, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    exp = os.path.join(src, "experiments", "quickstart.yaml")
    ref, failures = compare(credere, exp, work, "quickstart")
    strategic, f2 = compare(credere, os.path.join(src, "experiments", "mode_comparison.yaml"),
                            work, "behaviour", BEHAVIOUR)
    failures += f2
    if not strategic["metrics/risky_share"].strip(b"\x00") or \
            strategic["metrics/strategic_share"] == ref["metrics/strategic_share"]:
        print("FAIL: the behaviour run did not switch behaviour on")
        failures += 1
    if len([k for k in ref if k.startswith("metrics/")]) < 20:
        print("FAIL: too few metrics: %s" % sorted(ref))
        failures += 1
    other = os.path.join(work, "seed.h5")
    run(credere, exp, other, 2, ("--set", "experiment.seed=12345"))
    if datasets(other)["metrics/default_rate"] == ref["metrics/default_rate"]:
        print("FAIL: another seed gives the same default_rate (comparison is vacuous)")
        failures += 1
    print("%d + %d datasets compared across 1, 2, 3 threads; %d failures"
          % (len(ref), len(strategic), failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
