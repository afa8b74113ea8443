/* The mean-field reference of learned project choice (MODEL.md section 5; issue 5):
 * the replicator dynamics that the agents' pairwise proportional imitation
 * (behaviour.risk.rule imitation, models/strategy.c) follows as the number of SMEs
 * grows, with failed SMEs replaced by entrants who copy a random survivor.
 *
 * The representative SME has the population's mean PD, collateral, loan and
 * equity; the bank knows its PD exactly (in the pure game it does: the validation
 * experiment has no screening noise), and its rate is the model's own price
 * (cr_lend_price). The payoffs per unit of loan and period are cr_behav_payoff's,
 * so agents and mean field share the formulas.
 *
 * One period of the agent model, as the number of SMEs grows (every SME borrows
 * every period, one-period loans, failed SMEs replaced at once): x is the share of
 * risky SMEs, s_s and s_r = 1 - q_s and 1 - q_r the per-period success
 * probabilities, sbar = 1 - qbar = x s_r + (1 - x) s_s, U_s and U_r the payoffs,
 * lambda the revision rate and Delta the payoff range.
 *   1. Each SME fails with its project's probability.
 *   2. Each survivor revises with probability lambda: it picks a slot at random and,
 *      if that slot holds a survivor with the other strategy, switches with
 *      probability clip((U_other - U_own) / Delta) (clipped to [0, 1]). A reviser
 *      or a peer that failed has no payoff this period: it neither learns nor is
 *      copied.
 *   3. Entrants take the failed SMEs' slots and copy a random survivor's strategy.
 * Without groups this gives x' = x + f(x) with
 *   f(x) = x (1 - x) / (1 - qbar) [lambda s_s s_r (clip(U_r - U_s) - clip(U_s - U_r)) / Delta
 *                                  - (q_r - q_s)],
 * and the mean field is the ODE dx/dt = f(x) (cr_meanfield_rhs). The factor
 * s_s s_r / (1 - qbar) on the learning term comes from step 2 (only survivors learn
 * and are copied, and shares are renormalised by the survivors).
 *
 * With joint liability in groups of n, an SME's liability depends on its own
 * group's members, and learning makes a group's members alike (a safe SME among
 * risky peers pays more liability, so it switches sooner): the types within a group
 * become correlated and the share x alone is not a closed state. The exact mean
 * field follows the distribution pi[k], k = 0..n, of groups by their number of
 * risky members (cr_meanfield_step: the expected one-period map, exact as the
 * number of groups grows); x = sum_k pi[k] k / n. For n = 1 it is the scalar map
 * above. cr_meanfield_rhs with liability qbar(x) x members' share is the
 * independent-groups approximation, exact only at the first period.
 */
#ifndef CR_MEANFIELD_H
#define CR_MEANFIELD_H

#include "core/status.h"
#include "models/mode.h"
#include "models/params.h"

/* Largest group the group-level mean field handles (its map costs O(n^3)). */
#define CR_MF_MAX_GROUP 64
/* Largest group for the fluctuations (cr_meanfield_covariance: O(n^4) a period). */
#define CR_MF_MAX_GROUP_NOISE 16

/* The representative SME's game in one mode, per unit of loan and period. */
typedef struct {
    int n;                /* SMEs per group (1: no groups) */
    double q;             /* per-period PD of the safe project (the bank's estimate) */
    double rate;          /* the bank's per-period contract rate (cr_lend_price) */
    double s_safe;        /* per-period success probability of the safe project */
    double s_risky;       /* of the risky project: s_safe x (p_r / p_s)^(1 / ppy) */
    double ret_safe;      /* per-period net return of the safe project */
    double ret_risky;     /* of the risky one: R_r^(1 / ppy) - 1 */
    double cost;          /* rate x (1 - interest subsidy) + guarantee and association fees */
    double fail_cost;     /* lost on failure: collateral and deposit */
    double members_share; /* the members' layer's share of a loss of a member's loan */
    double lambda;        /* behaviour.learning.revision_rate */
    double range;         /* behaviour.learning.payoff_range */
    char caveats[1024];   /* where the experiment departs from the mean field's
                             assumptions, one per line ("" when none) */
} cr_mf_game;

/* The game of the experiment p in mode `mode`: the representative SME priced by a
 * small model of the experiment (population.smes = the group size). CR_ECONFIG with
 * a message when the experiment does not learn its project choice by imitation
 * (behaviour.risk.rule) or has another behaviour on (the mean field covers project
 * choice alone), or the mode's groups exceed CR_MF_MAX_GROUP; CR_ENOMEM. */
cr_status cr_meanfield_game(const cr_params *p, const cr_mode_type *mode, cr_mf_game *g,
                            cr_diag *d);

/* Payoff of the safe (risky == 0) or risky project with expected liability L per
 * unit of loan: cr_behav_payoff of the game's terms. */
double cr_meanfield_payoff(const cr_mf_game *g, int risky, double liability);

/* The expected liability of a member of a group with k risky members (itself
 * included) that runs the risky (risky != 0) or safe project: its peers' failure
 * probabilities x the members' share, averaged over the n - 1 peers (0 without
 * groups). */
double cr_meanfield_liability(const cr_mf_game *g, int risky, int k);

/* The scalar mean field: f(x) above, with liability qbar(x) x members' share in
 * groups (independent groups). dx/dt = f(x); x + f(x) is the expected next share. */
double cr_meanfield_rhs(const cr_mf_game *g, double x);

/* The group-level expected one-period map: next[0..n] from pi[0..n] (shares of
 * groups by their number of risky members; n = g->n). */
void cr_meanfield_step(const cr_mf_game *g, const double *pi, double *next);

/* The risky share x[0..periods] at the integer periods, from x0 with every group's
 * composition binomial(n, x0) (the initial draws are independent):
 * discrete == 0: the ODE d pi / dt = step(pi) - pi (for n = 1: dx/dt = f(x)),
 * integrated with GSL's rk8pd driver at relative and absolute tolerance 1e-10;
 * discrete != 0: the map itself, pi_{t+1} = step(pi_t). CR_ENUMERIC with a message
 * when the integrator fails; CR_ENOMEM. */
cr_status cr_meanfield_path(const cr_mf_game *g, double x0, int periods, int discrete, double *x,
                            cr_diag *d);

/* The covariance of the agent model's risky shares over periods 0..periods for ONE
 * SME (divide by the number of SMEs), around the discrete map's path: the linear
 * noise approximation (van Kampen), exact to order 1/N as the number of SMEs grows.
 * Each period's noise has two stages: the members' failures and revisions (each
 * group's outcome multinomial), then the entrants' copies of the survivors' realised
 * share; the noise of which peers revisers meet is left out (a relative error of
 * order lambda x |U_r - U_s| / Delta x qbar, about 1e-3 in the validation set-up).
 * cov[t * (periods + 1) + s]. CR_EINVAL when n > CR_MF_MAX_GROUP_NOISE; CR_ENOMEM. */
cr_status cr_meanfield_covariance(const cr_mf_game *g, double x0, int periods, double *cov,
                                  cr_diag *d);

#endif
