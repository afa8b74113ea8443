/* The generic lending phases every mode builds on (MODEL.md sections 2-4):
 * factor shocks, applications, a bank's screening and pricing, the capital
 * constraint and rationing, origination, project outcomes, repayment, the
 * exposure of defaulted loans, entry and exit, the banks' books, and measurement.
 * A mode's phase table points at these and adds its own functions where it
 * differs (models/direct.c is the smallest example). */
#ifndef CR_LENDING_H
#define CR_LENDING_H

#include "core/loop.h"
#include "models/model.h"

/* shocks (global): starts the period (stream prefixes, cleared accumulators) and
 * draws the systemic AR(1) factor and the sector and region factors. */
cr_status cr_lend_shocks(void *model, int period);

/* applications (agents): clears each SME's period flags; an active SME without a
 * loan applies with probability population.demand_probability. */
void cr_lend_applications(void *model, const cr_sweep *s);

/* screening (agents): the bank's noisy signal of logit PD, its normal posterior,
 * the estimated PD, the break-even price plus margin; APPROVED when the estimated
 * PD and the rate are within the bank's limits. Sets est_pd and offer. */
void cr_lend_screen(void *model, const cr_sweep *s);

/* screening (agents): adds the risk-weighted amount of approved applications to
 * their bank's demand. Call after every admission rule of the mode. */
void cr_lend_tally_demand(void *model, const cr_sweep *s);

/* screening (global): each bank's capital headroom and its acceptance probability
 * for approved applicants (random rationing when demand exceeds headroom). */
cr_status cr_lend_capacity(void *model, int period);

/* origination (agents): approved applicants get their loan unless rationed. */
void cr_lend_originate(void *model, const cr_sweep *s);

/* outcomes (agents): X = w_z Z + w_s S + w_g G + w_e e; an active SME fails when
 * X < Phi^-1(pi); a borrower that fails defaults. */
void cr_lend_outcomes(void *model, const cr_sweep *s);

/* repayment (agents): performing loans pay interest; at maturity the principal. */
void cr_lend_repay(void *model, const cr_sweep *s);

/* entry and exit (agents): a failed SME's slot stays empty for
 * population.exclusion_periods, then an entrant drawn from the population takes it;
 * counts outstanding principal per bank for the books' cross-check. */
void cr_lend_entry_exit(void *model, const cr_sweep *s);

/* balance sheets (global): posts the period's flows to every bank, pays dividends,
 * and checks assets = liabilities + equity and that each bank's loan ledger equals
 * its borrowers' principal (CR_EACCOUNTING otherwise). */
cr_status cr_lend_books(void *model, int period);

/* measurement (global): turns the reduced sums into the period's metrics. */
cr_status cr_lend_measure(void *model, int period);

/* Loss given default of a loan to SME i before guarantees: the share of the
 * principal not covered by the project's recovery and the collateral. */
double cr_lend_lgd(const cr_model *m, size_t i);

/* Draws a new SME into slot i from the population (stream: ENTRY under
 * m->pre_entry, i.e. the period in which the entrant starts). */
void cr_lend_new_sme(cr_model *m, gsl_rng *r, size_t i);

#endif
