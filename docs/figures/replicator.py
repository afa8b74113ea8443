#!/usr/bin/env python3
"""Figure for docs/validation.md, section "Replicator dynamics": docs/figures/replicator.png.

Runs experiments/validation/replicator.yaml (direct and joint_liability, learned
project choice by imitation) with N = 1e3, 1e4 and 1e5 SMEs (the file's 20
replications each) and `credere meanfield` on the same file (the ODE, and the
discrete one-period map with --discrete), and plots:
  top:    the mean risky_share over replications for each N with the band where 95 %
          of single replications lie (mean +- 1.96 sd across replications), and the
          mean-field ODE;
  bottom: the mean path's error against the ODE for each N, and the discrete map's
          difference from the ODE (the floor the error tends to as N grows).

usage: /usr/bin/python3 docs/figures/replicator.py [CREDERE]   (default build/credere)
"""
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXP = os.path.join(ROOT, "experiments", "validation", "replicator.yaml")
OUT = os.path.join(ROOT, "docs", "figures", "replicator.png")
SIZES = (1000, 10000, 100000)
COLORS = ("tab:orange", "tab:green", "tab:blue")
MODES = ("direct", "joint_liability")
TITLES = {"direct": "direct lending", "joint_liability": "joint liability, groups of 5"}


def read_csv(path):
    """The meanfield CSV: '#' comment lines, a header, then numbers."""
    with open(path) as f:
        lines = [line for line in f if not line.startswith("#")]
    names = lines[0].strip().split(",")
    data = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    return {name: data[:, i] for i, name in enumerate(names)}


def main():
    credere = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "credere")
    with tempfile.TemporaryDirectory() as tmp:
        ode_csv, map_csv = os.path.join(tmp, "ode.csv"), os.path.join(tmp, "map.csv")
        subprocess.run([credere, "meanfield", EXP, "-o", ode_csv], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([credere, "meanfield", EXP, "--discrete", "-o", map_csv], check=True,
                       stdout=subprocess.DEVNULL)
        ode, mp = read_csv(ode_csv), read_csv(map_csv)
        runs = {}
        for n in SIZES:
            h5 = os.path.join(tmp, "n%d.h5" % n)
            subprocess.run([credere, "run", EXP, "-o", h5, "--force", "--quiet",
                            "--set", "population.smes=%d" % n], check=True,
                           stdout=subprocess.DEVNULL)
            with h5py.File(h5, "r") as f:
                cells = [c.decode() if isinstance(c, bytes) else str(c)
                         for c in f["design/mode"][...]]
                x = f["metrics/risky_share"][...]  # (cell, replication, period)
            runs[n] = {m: x[cells.index(m)] for m in MODES}

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True,
                             gridspec_kw={"height_ratios": [2, 1]})
    for j, mode in enumerate(MODES):
        top, bot = axes[0, j], axes[1, j]
        T = runs[SIZES[0]][mode].shape[1]
        t = np.arange(T)
        for n, color in zip(SIZES, COLORS):
            x = runs[n][mode]
            mean, sd = x.mean(axis=0), x.std(axis=0, ddof=1)
            top.fill_between(t, mean - 1.96 * sd, mean + 1.96 * sd, color=color, alpha=0.18,
                             linewidth=0)
            top.plot(t, mean, color=color, lw=1.2,
                     label="N = %s, mean of %d runs" % (f"{n:,}", x.shape[0]))
            err = mean - ode[mode][:T]
            bot.plot(t, err, color=color, lw=1.0,
                     label="N = %s: RMS %.4f" % (f"{n:,}", np.sqrt(np.mean(err ** 2))))
        top.plot(t, ode[mode][:T], color="black", lw=1.2, ls="--", label="mean-field ODE")
        floor = mp[mode][:T] - ode[mode][:T]
        bot.plot(t, floor, color="black", lw=1.2, ls="--",
                 label="discrete map - ODE: RMS %.4f" % np.sqrt(np.mean(floor ** 2)))
        bot.axhline(0.0, color="grey", lw=0.6)
        top.set_title(TITLES[mode])
        top.set_ylim(0, 1)
        top.set_ylabel("risky share of borrowers")
        bot.set_ylabel("mean path - ODE")
        bot.set_xlabel("period")
        top.legend(loc="lower right", fontsize=8)
        bot.legend(loc="lower left", fontsize=7)
        bot.set_ylim(-0.03, 0.03)
    fig.suptitle("Learned project choice: agents against the replicator dynamics "
                 "(experiments/validation/replicator.yaml)", fontsize=11)
    fig.tight_layout()
    fig.savefig(OUT, dpi=120)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
