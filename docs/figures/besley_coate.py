#!/usr/bin/env python3
"""Figure for docs/validation.md, section "Besley-Coate": docs/figures/besley_coate.png.

Runs experiments/validation/besley_coate.yaml (direct and joint_liability in groups
of 2) at a grid of loan rates (--set bank.margin) and two social sanctions, and plots
the simulated repayment rates 1 - strategic_defaults / loans against the closed
forms, with X = b theta uniform on [0.4, 3.6] and F its CDF:
  individual: 1 - F(D);   group of 2: (1 - F(D - s))^2 + 2 (1 - F(2 D)) F(D - s).
Right: the share of group members whose due a fellow member paid
(members_covered / D / loans) against 2 (1 - F(2 D)) F(D - s) / 2.

usage: /usr/bin/python3 docs/figures/besley_coate.py [CREDERE]   (default build/credere)
"""
import tempfile

import numpy as np

from figlib import credere_path, experiment, output, plt, run as run_exp, save

EXP = experiment("besley_coate")
OUT = output("besley_coate")

B, R, W = 1.0, 2.0, 0.8
LO, HI = B * R * (1 - W), B * R * (1 + W)
SANCTIONS = (0.0, 0.3)


def F(x):
    return np.clip((np.asarray(x) - LO) / (HI - LO), 0.0, 1.0)


def individual(D):
    return 1.0 - F(D)


def covered(D, s):
    return 2.0 * (1.0 - F(2 * D)) * F(D - s)


def group(D, s):
    return (1.0 - F(D - s)) ** 2 + covered(D, s)


def run(credere, work, name, sets):
    modes, m = run_exp(credere, EXP, work, name, sets)
    res = {}
    for c, mode in enumerate(modes):
        loans = m["loans_outstanding"][c].sum()
        rate = m["mean_loan_rate"][c].mean()
        res[mode] = (1.0 - m["strategic_defaults"][c].sum() / loans,
                     m["members_covered"][c].sum() / (1.0 + rate) / loans)
    return res


def main():
    credere = credere_path()
    rates = np.round(np.arange(0.0, 1.0001, 0.05), 3)
    sim = {s: [] for s in SANCTIONS}
    with tempfile.TemporaryDirectory() as work:
        for s in SANCTIONS:
            for r in rates:
                sim[s].append(run(credere, work, "s%.2f_r%.3f" % (s, r),
                                  ["bank.margin=%g" % r, "behaviour.repayment.sanction=%g" % s]))

    fig, ax = plt.subplots(1, 2, figsize=(11.5, 4.2))
    grid = np.linspace(0.0, 1.0, 1001)
    D = 1.0 + grid
    ax[0].plot(grid, individual(D), color="0.2", lw=1.3, label="individual, closed form")
    ax[0].plot(rates, [x["direct"][0] for x in sim[0.0]], "o", ms=4, color="0.2",
               label="individual (direct), simulated")
    colours = {0.0: "C0", 0.3: "C3"}
    for s in SANCTIONS:
        ax[0].plot(grid, group(D, s), color=colours[s], lw=1.3,
                   label="group of 2, s = %.1f, closed form" % s)
        ax[0].plot(rates, [x["joint_liability"][0] for x in sim[s]], "s", ms=4,
                   color=colours[s], label="group (joint_liability), s = %.1f, simulated" % s)
        ax[1].plot(grid, covered(D, s) / 2.0, color=colours[s], lw=1.3,
                   label="s = %.1f, closed form" % s)
        ax[1].plot(rates, [x["joint_liability"][1] for x in sim[s]], "s", ms=4,
                   color=colours[s], label="s = %.1f, simulated" % s)
    for r_c in (B * R * (1 + W) / 3 - 1, 0.5):
        ax[0].axvline(r_c, color="0.6", ls=":", lw=1)
    ax[0].set_xlabel("loan rate r (due D = 1 + r)")
    ax[0].set_ylabel("repayment rate")
    ax[0].set_title("repayment: groups win at low rates (crossover 0.2; 0.5 with s = 0.3)",
                    fontsize=10)
    ax[0].legend(fontsize=7.5, loc="lower left")
    ax[1].set_xlabel("loan rate r")
    ax[1].set_ylabel("share of members covered by their partner")
    ax[1].set_title("members_covered: one pays both dues (X >= 2D)", fontsize=10)
    ax[1].legend(fontsize=8)
    save(fig, ax, OUT)


if __name__ == "__main__":
    main()
