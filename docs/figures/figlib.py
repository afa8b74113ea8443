"""What the figure scripts of docs/validation.md share: where things are, running an
experiment with --set overrides, reading its metrics, saving the figure.

Import it from a script in docs/figures/ (run with /usr/bin/python3, which has h5py
and matplotlib)."""
import os
import subprocess
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401  (re-exported for the scripts)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def experiment(name):
    """The path of experiments/validation/NAME.yaml."""
    return os.path.join(ROOT, "experiments", "validation", name + ".yaml")


def output(name):
    """The path of docs/figures/NAME.png."""
    return os.path.join(ROOT, "docs", "figures", name + ".png")


def credere_path():
    """The binary: the script's first argument, else build/credere."""
    return sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "credere")


def run(credere, exp, work, name, sets):
    """Runs exp with the --set overrides into WORK/NAME.h5; returns
    (mode names, {metric: array [cell, replication, period]})."""
    out = os.path.join(work, name + ".h5")
    cmd = [credere, "run", exp, "-o", out, "--force", "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        modes = [x.decode() if isinstance(x, bytes) else str(x) for x in f["design/mode"][...]]
        return modes, {k: f["metrics"][k][...] for k in f["metrics"]}


def save(fig, axes, path):
    """Grids, tight layout, PNG at 110 dpi."""
    for a in axes:
        a.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print("wrote", path)
