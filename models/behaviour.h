/* Strategic behaviour (MODEL.md section 5): the game behind the alliance.
 *
 * Each SME decision is a registered behaviour with its own parameters in the
 * experiment file's `behaviour` section and a rule: off (the issue-3 model: every
 * SME runs its baseline project, repays when able, does not monitor, always
 * participates), fixed (types drawn at entry: adverse selection), best_response
 * (each period the SME maximises its expected private payoff given its contract)
 * or imitation (pairwise proportional imitation of a random peer, Schlag 1998).
 *
 *   project risk   safe: the SME's own PD and loans.project_return; risky: success
 *                  probability x p_r / p_s and gross return R_r (Stiglitz-Weiss);
 *   repayment      a borrower whose project succeeded defaults strategically when
 *                  its due beats the cost of default (Besley-Coate): penalty share
 *                  of its proceeds, collateral, deposit, the value of future access
 *                  during exclusion, and in groups a social sanction;
 *   monitoring     members pay a cost to watch their peers: a watched member that
 *                  goes risky or defaults strategically is sanctioned (Stiglitz 1990);
 *   matching       groups form randomly or by free matching (types sort, Ghatak 1999);
 *   channel        logit choice among the channels the mode offers (its own: a
 *                  guarantee, the group or alliance; borrowing directly from the
 *                  bank; staying out) on learned (exponentially smoothed) payoffs;
 *   records        lenders' Beta-Bernoulli update of an SME's per-period PD from its
 *                  repayment history, private, shared in alliances or public.
 *
 * Every formula the agents use to compare strategies is a pure function here, so
 * the mean-field reference (models/meanfield.c) plays the same game. When every
 * rule is off no function below draws a random number or changes any state, and
 * the model reproduces its results without behaviour bit for bit.
 */
#ifndef CR_BEHAVIOUR_H
#define CR_BEHAVIOUR_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "core/loop.h"
#include "core/status.h"

enum { CR_RULE_OFF = 0, CR_RULE_FIXED = 1, CR_RULE_BEST = 2, CR_RULE_IMITATE = 3 };
enum { CR_MATCH_RANDOM = 0, CR_MATCH_FREE = 1 };
enum { CR_REC_NONE = 0, CR_REC_PRIVATE = 1, CR_REC_SHARED = 2, CR_REC_PUBLIC = 3 };
enum { CR_PRICE_BREAK_EVEN = 0, CR_PRICE_STIGLITZ_WEISS = 1 };

/* The experiment's `behaviour` section (annual rates and probabilities). */
typedef struct {
    struct {
        int rule;             /* CR_RULE_*: off, fixed (types), best_response, imitation */
        double risky_success; /* p_r: annual success probability of the risky project */
        double risky_return;  /* R_r: gross annual return of the risky project */
        double initial_share; /* fixed: share of risky types; imitation: initial share */
    } risk;
    struct {
        int rule;        /* off, best_response (all strategic), imitation (honest vs strategic) */
        double penalty;  /* share of its proceeds a defaulter loses (enforcement) */
        double discount; /* annual discount factor of future access */
        double return_spread; /* realised gross return uniform on R (1 +- spread) */
        double sanction;      /* social sanction per unit of loan (groups) */
        double initial_share; /* imitation: initial share of strategic SMEs */
    } repayment;
    struct {
        int rule;             /* off, best_response, imitation */
        double cost;          /* annual cost per unit of the monitor's loan */
        double effect;        /* probability a watched deviation is caught */
        double initial_share; /* imitation: initial share of monitors */
    } monitoring;
    struct {
        int rule;         /* off or logit (CR_RULE_BEST stands for logit) */
        double intensity; /* logit intensity beta, per unit of loan and period */
        double memory;    /* weight of the latest payoff in the learned payoff */
        double initial;   /* learned payoff of each channel before any experience */
    } channel;
    int matching; /* CR_MATCH_* */
    struct {
        int sharing;               /* CR_REC_* */
        double prior_strength;     /* periods of evidence the screening estimate is worth */
        double switch_probability; /* a refused applicant moves to another bank */
    } records;
    struct {
        double revision_rate; /* share of SMEs revising each strategy per period */
        double payoff_range;  /* payoff difference (per unit of loan and period) that
                                 makes a switch certain */
    } learning;
} cr_behaviour_params;

/* Strategy bits (cr_behav.strat). */
enum {
    CR_S_RISKY = 1u << 0,     /* runs (or is of the type of) the risky project */
    CR_S_STRATEGIC = 1u << 1, /* defaults strategically when it pays */
    CR_S_MONITOR = 1u << 2,   /* monitors its group's members */
    CR_S_OUT = 1u << 3,       /* stays out this period (channel choice) */
    CR_S_DIRECT = 1u << 4,    /* borrows directly from its bank, outside the mode's
                                 intermediaries (channel choice; kept for the loan's life) */
};

/* Period flags (cr_behav.pflags), cleared at applications. */
enum {
    CR_B_RAN_RISKY = 1u << 0, /* borrowed and ran the risky project this period */
    CR_B_STRATEGIC = 1u << 1, /* defaulted strategically this period */
    CR_B_COVERED = 1u << 2,   /* its due was paid by fellow members */
    CR_B_PAYOFF_R = 1u << 3,  /* u[CR_D_RISK] is this period's */
    CR_B_PAYOFF_D = 1u << 4,  /* u[CR_D_REPAY] is this period's */
    CR_B_PAYOFF_M = 1u << 5,  /* u[CR_D_MONITOR] is this period's */
};

/* The decisions learned by imitation. */
enum { CR_D_RISK = 0, CR_D_REPAY = 1, CR_D_MONITOR = 2, CR_D_COUNT = 3 };

/* Per-SME behaviour state of a model (allocated only when some rule is on). */
typedef struct {
    int on;                /* some rule is on */
    uint8_t *strat;        /* CR_S_* */
    uint8_t *strat_next;   /* learning: the strategies after this period's revisions */
    uint8_t *snap;         /* strategies at the end of the previous period (entrants) */
    uint8_t *pflags;       /* CR_B_* */
    float *u;              /* [i * CR_D_COUNT + d]: payoff of i's strategy for d */
    float *learned;        /* channel: learned payoff of the mode's channel */
    float *learned_direct; /* channel: learned payoff of borrowing directly */
    double *thr_risky;     /* Phi^-1 of the risky project's per-period failure prob. */
    double *s_safe;        /* per-period success probability of the safe project */
    float *ret_now;        /* realised net return of a loan falling due (return_spread > 0) */
    float *ms;             /* members' share of a loss of its loan, per unit (pricing waterfall) */
    uint16_t *rec_good;    /* periods with a loan and no default */
    uint16_t *rec_bad;     /* defaults */
    uint32_t *rec_bank;    /* the bank that holds the record (private records) */
    int32_t *banned;       /* period until which a strategic defaulter cannot borrow */
    double *xfer;          /* repayment game: paid for peers (> 0) or by peers (< 0) */
    /* per-period constants */
    double ratio;        /* risky / safe per-period success probability */
    double ratio_annual; /* risky / safe annual success probability, p_r / p_s */
    int strategic;       /* some SME may default strategically (the repayment game matters) */
    double ret_risky;    /* per-period net return of the risky project */
    double monitor_cost; /* per period per unit of loan */
    double beta_pp;      /* per-period discount factor */
} cr_behav;

/* Whether any rule of p is on. */
int cr_behaviour_any(const cr_behaviour_params *p);

/* ------------------------------------------------------------------ payoffs */
/* The terms an SME sees for one period, per unit of its loan. */
typedef struct {
    double success;   /* per-period success probability of the project */
    double ret;       /* per-period net return on success */
    double cost;      /* rate + guarantee and association fees (net of subsidy) */
    double fail_cost; /* lost on failure: collateral and deposit */
    double liability; /* expected payment for failed peers, given success */
    double sanction;  /* expected social sanction of the choice */
} cr_terms;

/* Expected private payoff of a period: success (ret - cost - liability)
 * - (1 - success) fail_cost - sanction (limited liability: nothing else is lost). */
static inline double cr_behav_payoff(const cr_terms *t)
{
    return t->success * (t->ret - t->cost - t->liability) - (1.0 - t->success) * t->fail_cost -
           t->sanction;
}

/* Stiglitz-Weiss: the per-period rate r* at which the safe project (success p_s,
 * net return ret_s) and the risky one (p_r, ret_r) give the borrower the same
 * expected payoff when it loses fail_cost on failure:
 * r* = (p_s ret_s - p_r ret_r) / (p_s - p_r) + fail_cost, i.e. in gross returns
 * (R = 1 + ret) 1 + r* = (p_s R_s - p_r R_r) / (p_s - p_r) + fail_cost. Above r* the
 * risky project pays more. -1 when p_s <= p_r (no switch). */
double cr_behav_switch_rate(double p_s, double ret_s, double p_r, double ret_r, double fail_cost);

/* Besley-Coate repayment of a group (n >= 1 members, n == 1: individual):
 * pen[k] is member k's cost of default per unit of its loan (penalty x proceeds
 * + collateral + future access; INFINITY for an honest member), due[k] its due
 * per unit of loan, loan[k] its loan, sanction[k] the social sanction it bears for
 * refusing its own share while its group repays (ignored when n == 1). Members
 * with pen + sanction >= due are willing to pay their own share; payers also carry
 * the non-payers' dues pro rata to their loans (*extra per unit of loan), and one
 * whose cost of default is below due + extra refuses, until stable. Returns how
 * many members pay (payer[k] = 1); 0: the group defaults. */
size_t cr_behav_group_repay(size_t n, const double *pen, const double *due, const double *loan,
                            const double *sanction, uint8_t *payer, double *extra);

/* Proportional imitation: probability that an SME with payoff own switches to the
 * strategy of a peer with payoff peer: max(0, peer - own) / range, at most 1. */
double cr_behav_switch_probability(double own, double peer, double range);

/* Records: the lender's posterior mean of the per-period PD, from the screening
 * estimate q worth n0 periods of evidence, and good and bad periods seen. */
double cr_behav_record_pd(double q, double n0, double good, double bad);

#endif
