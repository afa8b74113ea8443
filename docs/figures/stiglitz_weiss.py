#!/usr/bin/env python3
"""Figure for docs/validation.md, section "Stiglitz-Weiss": docs/figures/stiglitz_weiss.png.

Runs experiments/validation/stiglitz_weiss.yaml at a grid of loan rates (with
--set bank.margin) and of margins with heterogeneous PDs, and plots the simulated
metrics against the closed forms:
  left:   risky_share against the rate; the switch rate r* = 0.10;
  middle: the bank's gross return per unit lent, bank_profit / loans_outstanding + 1,
          against p(r) (1 + r) (p = p_s below r*, p_r above);
  right:  beta PDs (mean 0.05, sd 0.04), one period: access_rate under Stiglitz-Weiss
          pricing and risky_share under break-even pricing against the beta CDF at
          q* = (r* - m) / (1 + r* - m).

usage: /usr/bin/python3 docs/figures/stiglitz_weiss.py [CREDERE]   (default build/credere)
"""
import math
import tempfile

import numpy as np

from figlib import credere_path, experiment, output, plt, run as run_exp, save

EXP = experiment("stiglitz_weiss")
OUT = output("stiglitz_weiss")

PD, R_S, P_R, R_R = 0.05, 1.25, 0.75, 1.29
P_S = 1.0 - PD
RSTAR = (P_S * R_S - P_R * R_R) / (P_S - P_R) - 1.0


def run(credere, work, name, sets):
    _, m = run_exp(credere, EXP, work, name, sets)
    return {k: v[0] for k, v in m.items()}  # [replication, period]


def beta_cdf(x, mean, sd):
    """The beta CDF (moment parameters) by the trapezoid rule on a fine grid."""
    k = mean * (1 - mean) / sd**2 - 1
    a, b = mean * k, (1 - mean) * k
    t = np.linspace(0.0, x, 20001)[1:]
    logc = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    dens = np.exp(logc + (a - 1) * np.log(t) + (b - 1) * np.log1p(-t))
    # the density has an integrable singularity at 0 when a < 1: integrate t^(a-1)
    # exactly on the first cell
    h = t[0]
    first = math.exp(logc) * h**a / a
    return first + np.trapz(dens, t)


def main():
    credere = credere_path()
    rates = np.round(np.arange(0.055, 0.1801, 0.005), 4)
    rates = rates[np.abs(rates - RSTAR) > 1e-9]
    risky, ret = [], []
    with tempfile.TemporaryDirectory() as work:
        for r in rates:
            m = run(credere, work, "r%.4f" % r,
                    ["bank.margin=%.17g" % (r - PD / (1 - PD)), "bank.pricing=break_even"])
            risky.append(m["risky_share"].mean())
            ret.append((m["bank_profit"] / m["loans_outstanding"] + 1.0).mean())
        margins = np.round(np.arange(0.0, 0.1001, 0.01), 4)
        acc_sw, risky_be = [], []
        het = ["population.pd.distribution=beta", "population.pd.sd=0.04",
               "experiment.periods=1", "experiment.replications=10"]
        for mg in margins:
            sw = run(credere, work, "sw%.3f" % mg,
                     het + ["bank.margin=%g" % mg, "bank.pricing=stiglitz_weiss"])
            be = run(credere, work, "be%.3f" % mg,
                     het + ["bank.margin=%g" % mg, "bank.pricing=break_even"])
            acc_sw.append(sw["access_rate"].mean())
            risky_be.append(be["risky_share"].mean())

    fig, ax = plt.subplots(1, 3, figsize=(13.5, 4.0))
    grid = np.linspace(rates[0], rates[-1], 801)
    ax[0].step(grid, (grid > RSTAR).astype(float), where="post", color="0.3", lw=1.2,
               label="closed form: 1{r > r*}")
    ax[0].plot(rates, risky, "o", ms=4, color="C3", label="simulated risky_share")
    ax[0].axvline(RSTAR, color="0.6", ls=":", lw=1)
    ax[0].set_xlabel("loan rate r")
    ax[0].set_ylabel("share of borrowers on the risky project")
    ax[0].set_title("(a) moral hazard: the switch at r* = %.2f" % RSTAR)
    ax[0].legend(loc="center left", fontsize=8)

    p = np.where(grid > RSTAR, P_R, P_S)
    ax[1].plot(grid[grid <= RSTAR], (p * (1 + grid))[grid <= RSTAR], color="0.3", lw=1.2,
               label="closed form p(r) (1 + r)")
    ax[1].plot(grid[grid > RSTAR], (p * (1 + grid))[grid > RSTAR], color="0.3", lw=1.2)
    ax[1].plot(rates, ret, "o", ms=4, color="C0", label="simulated (bank_profit / loans) + 1")
    ax[1].axvline(RSTAR, color="0.6", ls=":", lw=1)
    ax[1].set_xlabel("loan rate r")
    ax[1].set_ylabel("bank's gross return per unit lent")
    ax[1].set_title("(b) the bank's return peaks at r*")
    ax[1].legend(loc="center", fontsize=8)

    mg = np.linspace(0.0, 0.1, 201)
    qstar = (RSTAR - mg) / (1 + RSTAR - mg)
    F = np.array([beta_cdf(q, PD, 0.04) for q in qstar])
    ax[2].plot(mg, F, color="C2", lw=1.2, label="F(q*)")
    ax[2].plot(margins, acc_sw, "o", ms=4, color="C2",
               label="access_rate (SW)")
    ax[2].plot(mg, 1 - F, color="C3", lw=1.2, label="1 - F(q*)")
    ax[2].plot(margins, risky_be, "s", ms=4, color="C3",
               label="risky_share (break-even)")
    ax[2].set_xlabel("bank.margin m")
    ax[2].set_ylabel("share of applicants")
    ax[2].set_title("(c) beta PDs: SW pricing refuses, break-even\nlends and the borrower goes risky above q*", fontsize=10)
    ax[2].set_ylim(-0.03, 1.28)
    ax[2].set_yticks(np.linspace(0, 1, 6))
    ax[2].legend(loc="upper center", fontsize=8, ncol=2)
    save(fig, ax, OUT)


if __name__ == "__main__":
    main()
