/* The behaviours of models/behaviour.h inside a run: the hooks the lending phases
 * call, and the learning phase. Each hook returns at once (and draws nothing)
 * when its rule is off, so a model without behaviour runs exactly as before. */
#ifndef CR_STRATEGY_H
#define CR_STRATEGY_H

#include "models/model.h"

/* Allocates m->bh when some rule of the experiment is on (CR_ENOMEM otherwise). */
cr_status cr_strategy_create(cr_model *m);
void cr_strategy_free(cr_model *m);

/* Bytes of behaviour state per SME when some rule is on (cr_behav's arrays). */
size_t cr_strategy_bytes_per_sme(void);

/* A new SME in slot i (initial population when entrant == 0): its risky project's
 * threshold, its strategies (initial shares; an entrant copies a random SME's
 * strategies of the previous period), a clean record. Continues the entry stream
 * r after the SME's characteristics. */
void cr_strategy_new_sme(cr_model *m, gsl_rng *r, size_t i, int entrant);

/* After the initial population is drawn: free matching sorts SMEs into groups of
 * their own type (by the success probability of their project). */
cr_status cr_strategy_unit_start(cr_model *m, cr_diag *d);

/* applications: whether SME i (active, without a loan) may and wants to apply:
 * not banned after a strategic default, and not staying out (logit channel
 * choice, counted in the block accumulators acc). */
int cr_strategy_applies(cr_model *m, gsl_rng *r, size_t i, int period, double *acc);

/* screening: the bank's estimate of SME i's per-period PD, q from the signals,
 * updated with the SME's record when the bank sees it. */
double cr_strategy_estimate(const cr_model *m, size_t i, double q);

/* screening, Stiglitz-Weiss pricing (bank.pricing stiglitz_weiss): whether the rate
 * is above the rate at which the applicant would switch to the risky project. */
int cr_strategy_above_switch(const cr_model *m, size_t i, double rate);

/* origination: a refused applicant may move to another bank (records). */
void cr_strategy_refused(cr_model *m, gsl_rng *r, size_t i);

/* outcomes (start of the sweep): each borrower's project and monitoring for the
 * period, and the payoffs of its strategies. */
void cr_strategy_projects(cr_model *m, const cr_sweep *sw);

/* Whether SME i borrows (or applies) directly from its bank, outside the mode's
 * intermediaries and groups (behaviour.channel). */
static inline int cr_strategy_direct(const cr_model *m, size_t i)
{
    return m->bh.on && (m->bh.strat[i] & CR_S_DIRECT);
}

/* Whether SME i takes part in its group or alliance this period: not staying out,
 * not borrowing directly. */
static inline int cr_strategy_member(const cr_model *m, size_t i)
{
    return !(m->bh.on && (m->bh.strat[i] & (CR_S_OUT | CR_S_DIRECT)));
}

/* origination: the maturity of SME i's new loan in period t (loans.maturity
 * periods): when some SME may default strategically (bh.strategic), a group
 * member's loan falls due with its group's, at the end of the current cycle of `maturity` periods
 * (periods t with (t + 1) % maturity == 0), so that the members whose principal is due play
 * together. */
static inline int cr_strategy_maturity(const cr_model *m, size_t i, int t, int maturity)
{
    if (!m->bh.on || !m->bh.strategic || m->group <= 1 || !cr_strategy_member(m, i))
        return maturity;
    return maturity - t % maturity;
}

/* The failure threshold of SME i this period (its project's). */
static inline double cr_strategy_threshold(const cr_model *m, size_t i)
{
    return m->bh.on && (m->bh.pflags[i] & CR_B_RAN_RISKY) ? m->bh.thr_risky[i]
                                                          : m->world->sme.threshold[i];
}

/* The period's per-period net return of SME i's project: the realised one for a
 * loan falling due (drawn by cr_strategy_repay when
 * behaviour.repayment.return_spread > 0), else the expected one. */
static inline double cr_strategy_return(const cr_model *m, size_t i)
{
    const cr_behav *b = &m->bh;
    if (b->on && m->p->behaviour.repayment.return_spread > 0.0 && m->world->sme.maturity[i] == 1)
        return b->ret_now[i];
    return b->on && (b->pflags[i] & CR_B_RAN_RISKY) ? b->ret_risky : m->project_return;
}

/* repayment (start of the sweep): draws the period's realised returns, then plays
 * strategic defaults and the groups' repayment game; sets CR_F_DEFAULTED for
 * strategic defaulters and each member's transfer (paid for peers > 0, paid by
 * peers < 0) in bh.xfer. */
void cr_strategy_repay(cr_model *m, const cr_sweep *sw);

/* entry and exit (start of the sweep): the period's records, and the learned
 * payoffs of the channels. */
void cr_strategy_after(cr_model *m, const cr_sweep *sw);

/* learning (agents): revisions by proportional imitation; (global): commits them. */
void cr_strategy_learn(void *model, const cr_sweep *sw);
cr_status cr_strategy_commit(void *model, int period);

#endif
