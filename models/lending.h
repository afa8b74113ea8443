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

/* screening (agents): each screener's noisy signal of logit PD (the bank's, and the
 * guarantee company's, association's, core firm's and members' where the mode has
 * them), the lenders' normal posteriors, the estimated PD, the bank's loss share
 * through the waterfall, the risk weight, the break-even price plus margin, the
 * guarantee company's admission and fee, joint terms and credit lines of groups;
 * APPROVED when every rule passes. Tallies each bank's and guarantor's demand. */
void cr_lend_screen(void *model, const cr_sweep *s);

/* The bank's break-even offer per period (plus margin) to an applicant with
 * estimated per-period PD q, loss given default lgd and loan `loan`, in the current
 * mode: peers is the liquid equity of the other members of its group (< 0: none),
 * fund_x the alliance fund's cover of its pool's loss at a total default (< 0:
 * none). Sets the holders' loss shares sh[CR_HOLDER_COUNT] (before the fund) and the
 * loan's risk weight. */
double cr_lend_price(const cr_model *m, double q, double lgd, double loan, double peers,
                     double fund_x, double *sh, double *weight);

/* screening (global): each bank's capital headroom and its acceptance probability
 * for approved applicants (random rationing when demand exceeds headroom). */
cr_status cr_lend_capacity(void *model, int period);

/* origination (agents): approved applicants get their loan unless rationed. */
void cr_lend_originate(void *model, const cr_sweep *s);

/* outcomes (agents): X = w_z Z + w_s S + w_g G + w_e e; an active SME fails when
 * X < Phi^-1(pi); a borrower that fails defaults. */
void cr_lend_outcomes(void *model, const cr_sweep *s);

/* outcomes (global, only with a guarantee network): fundamental failures call their
 * SME guarantors in synchronous rounds (core/contagion.h); a guarantor that cannot
 * pay fails, and its own loan defaults (contagion). */
cr_status cr_lend_cascade(void *model, int period);

/* repayment (agents): performing loans pay interest; at maturity the principal. */
void cr_lend_repay(void *model, const cr_sweep *s);

/* entry and exit (agents): a failed SME's slot stays empty for
 * population.exclusion_periods, then an entrant drawn from the population takes it;
 * counts outstanding principal per bank for the books' cross-check. */
void cr_lend_entry_exit(void *model, const cr_sweep *s);

/* balance sheets (global): shares the period's losses through the mode's waterfall
 * (models/waterfall.h), posts every holder's books (banks: interest, funding,
 * losses, dividends; guarantee companies: fees, calls, re-guarantee fees), and
 * checks assets = liabilities + equity and that each bank's loan and risk-weighted
 * ledgers equal its borrowers' (CR_EACCOUNTING otherwise). */
cr_status cr_lend_books(void *model, int period);

/* measurement (global): turns the reduced sums into the period's metrics. */
cr_status cr_lend_measure(void *model, int period);

/* losses (agents): the loss given default of each defaulted loan (before the
 * waterfall), the defaulted principal and recoveries per bank, released guarantees,
 * forfeited deposits; lists the period's defaults per block for cr_lend_books. */
void cr_lend_losses(void *model, const cr_sweep *sw);

/* Annual rate from one per period: (1 + r)^ppy - 1. */
double cr_lend_annualise(const cr_model *m, double per_period);

/* Annual default probability from one per period: 1 - (1 - q)^ppy. */
double cr_lend_annual_pd(const cr_model *m, double per_period);

/* The per-bank accumulators of bank `bank` in a block. */
static inline double *cr_lend_bank_row(const cr_model *m, size_t block, uint32_t bank)
{
    return cr_blocksum_row(&m->bacc, block) + (size_t)bank * CR_B_COUNT;
}

/* The guarantee company serving SME i: by region, among guarantor.count. */
static inline size_t cr_lend_guarantor_of(const cr_model *m, size_t i)
{
    size_t n = m->im.h[CR_H_GUARANTOR].n;
    return n > 1 ? m->world->sme.region[i] % n : 0;
}

/* Loss given default of a loan to SME i before guarantees: the share of the
 * principal not covered by the project's recovery and the collateral. */
double cr_lend_lgd(const cr_model *m, size_t i);

/* Draws a new SME into slot i from the population (stream: ENTRY under
 * m->pre_entry: keyed with the period in which the entrant starts); entrant: 0 for
 * the initial population. */
void cr_lend_new_sme(cr_model *m, gsl_rng *r, size_t i, int entrant);

/* The phase table every mode uses (a mode's own functions may replace entries). */
#define CR_LENDING_PHASES                                                                          \
    {                                                                                              \
        .phase = {                                                                                 \
            [CR_PHASE_SHOCKS] = {.global = cr_lend_shocks},                                        \
            [CR_PHASE_APPLICATIONS] = {.agents = cr_lend_applications},                            \
            [CR_PHASE_SCREENING] = {.agents = cr_lend_screen, .global = cr_lend_capacity},         \
            [CR_PHASE_ORIGINATION] = {.agents = cr_lend_originate},                                \
            [CR_PHASE_OUTCOMES] = {.agents = cr_lend_outcomes},                                    \
            [CR_PHASE_REPAYMENT] = {.agents = cr_lend_repay},                                      \
            [CR_PHASE_LOSSES] = {.agents = cr_lend_losses},                                        \
            [CR_PHASE_ENTRY_EXIT] = {.agents = cr_lend_entry_exit},                                \
            [CR_PHASE_BALANCE_SHEETS] = {.global = cr_lend_books},                                 \
            [CR_PHASE_LEARNING] = {0},                                                             \
            [CR_PHASE_MEASUREMENT] = {.global = cr_lend_measure},                                  \
        }                                                                                          \
    }

#endif
