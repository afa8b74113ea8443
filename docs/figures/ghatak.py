#!/usr/bin/env python3
"""Figure for docs/validation.md, section "Ghatak": docs/figures/ghatak.png.

Runs experiments/validation/ghatak.yaml (joint liability in pairs, fixed types, one
period per replication) under random and free matching for a grid of risky-type
shares theta (--set behaviour.risk.initial_share), and plots against the closed
forms (per pair, unconditional on the realised composition):
  left:   same_type_groups: 1 - 2 theta (1 - theta) (random), 1 (free);
  right:  members_payouts and bank_losses per loan: with q_ij the probability that
          exactly one member of a pair fails, payments per pair c E[q_ij] where the
          pair is mixed with probability 2 theta (1 - theta) (random) or never (free);
          bank losses per pair = expected defaults - payments.

usage: /usr/bin/python3 docs/figures/ghatak.py [CREDERE]   (default build/credere)
"""
import tempfile

import numpy as np

from figlib import credere_path, experiment, output, plt, run as run_exp, save

EXP = experiment("ghatak")
OUT = output("ghatak")

P_S, P_R, C = 0.9, 0.5, 0.5


def q(a, b):
    """Probability that exactly one member of a pair fails."""
    return a * (1 - b) + b * (1 - a)


def closed(theta, free):
    """Per loan: same-type share, members' payments, bank losses."""
    mixed = 0.0 if free else 2 * theta * (1 - theta)
    if free:
        ss, rr = 1 - theta, theta  # shares of pairs
    else:
        ss, rr = (1 - theta) ** 2, theta**2
    pay_pair = C * (ss * q(P_S, P_S) + rr * q(P_R, P_R) + mixed * q(P_S, P_R))
    defaults_pair = 2 * ((1 - theta) * (1 - P_S) + theta * (1 - P_R))
    return 1 - mixed, pay_pair / 2, (defaults_pair - pay_pair) / 2


def run(credere, work, name, sets):
    _, m = run_exp(credere, EXP, work, name, sets)
    loans = m["loans_outstanding"][0].sum()
    return (m["same_type_groups"][0].mean(), m["members_payouts"][0].sum() / loans,
            m["bank_losses"][0].sum() / loans)


def main():
    credere = credere_path()
    thetas = np.round(np.arange(0.0, 1.0001, 0.1), 2)
    sim = {"random": [], "free": []}
    with tempfile.TemporaryDirectory() as work:
        for match in sim:
            for th in thetas:
                sim[match].append(run(credere, work, "%s_%.2f" % (match, th),
                                      ["behaviour.matching=" + match,
                                       "behaviour.risk.initial_share=%g" % th]))
    grid = np.linspace(0, 1, 201)
    fig, ax = plt.subplots(1, 2, figsize=(11.5, 4.2))
    colours = {"random": "C0", "free": "C3"}
    for match in sim:
        free = match == "free"
        cf = np.array([closed(t, free) for t in grid])
        s = np.array(sim[match])
        ax[0].plot(grid, cf[:, 0], color=colours[match], lw=1.3, label="%s, closed form" % match)
        ax[0].plot(thetas, s[:, 0], "o", ms=4, color=colours[match], label="%s, simulated" % match)
        ax[1].plot(grid, cf[:, 1], color=colours[match], lw=1.3,
                   label="members_payouts, %s" % match)
        ax[1].plot(thetas, s[:, 1], "o", ms=4, color=colours[match])
        ax[1].plot(grid, cf[:, 2], color=colours[match], lw=1.3, ls="--",
                   label="bank_losses, %s" % match)
        ax[1].plot(thetas, s[:, 2], "s", ms=4, color=colours[match])
    ax[0].set_xlabel("share of risky types theta")
    ax[0].set_ylabel("same_type_groups")
    ax[0].set_title("free matching sorts the types", fontsize=10)
    ax[0].set_ylim(0.2, 1.04)
    ax[0].legend(fontsize=8, loc="lower center", ncol=2)
    ax[1].set_xlabel("share of risky types theta")
    ax[1].set_ylabel("per unit lent (lines: closed form, marks: simulated)")
    ax[1].set_title("sorting lowers members' payments by c (p_s - p_r)^2 per mixed pair;\n"
                    "the bank loses as much more", fontsize=10)
    ax[1].legend(fontsize=8, loc="upper left")
    save(fig, ax, OUT)


if __name__ == "__main__":
    main()
