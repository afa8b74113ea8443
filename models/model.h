/* The state of one simulation: parameters turned into per-period constants, the
 * world, the factor shocks, the block accumulators, and the metrics of the unit
 * being run. One cr_model is created per run and reused for every
 * (mode, replication) unit; cr_model_run_unit resets it. */
#ifndef CR_MODEL_H
#define CR_MODEL_H

#include <stdint.h>

#include "core/blocks.h"
#include "core/contagion.h"
#include "core/graph.h"
#include "core/loop.h"
#include "core/rng.h"
#include "core/world.h"
#include "models/behaviour.h"
#include "models/intermediaries.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/modeparams.h"
#include "models/tranche.h"
#include "models/waterfall.h"
#include "models/params.h"
#include "models/purpose.h"

/* Block accumulators (one row per block of SMEs). */
enum {
    CR_A_APPLICATIONS,
    CR_A_APPROVED,
    CR_A_GRANTED,
    CR_A_GRANTED_RATE,    /* sum of annual contract rates of new loans */
    CR_A_AT_RISK,         /* loans at risk (count) */
    CR_A_AT_RISK_AMT,     /* principal at risk */
    CR_A_AT_RISK_PD,      /* sum of true annual PDs of borrowers */
    CR_A_DEFAULTS,        /* fundamental defaults */
    CR_A_LOSS,            /* credit losses (all holders) */
    CR_A_SURPLUS,         /* SMEs' surplus */
    CR_A_GUARANTEED,      /* new guaranteed loans (count) */
    CR_A_FEE_RATE,        /* sum of annual guarantee fee rates of new guaranteed loans */
    CR_A_SUBSIDY,         /* interest subsidies paid by the government */
    CR_A_ASSOC_FEES,      /* association fees */
    CR_A_MEMBERS,         /* active SMEs in a group or alliance */
    CR_A_ACTIVE,          /* active SMEs */
    CR_A_DEPOSIT_SHORT,   /* deposits members did not get back from a depleted fund */
    CR_A_RISKY,           /* borrowers running the risky project */
    CR_A_STRATEGIC,       /* strategic defaults */
    CR_A_STRATEGISTS,     /* active SMEs whose repayment strategy is strategic */
    CR_A_MONITORS,        /* borrowing group members who monitor */
    CR_A_GROUP_BORROWERS, /* borrowing group members */
    CR_A_COVERED,         /* dues fellow members paid for members who did not pay */
    CR_A_GROUPS,          /* groups with active members */
    CR_A_GROUPS_SAME,     /* groups whose active members all have the same project type */
    CR_A_DIRECT,          /* borrowers that borrow directly from the bank (channel choice) */
    CR_A_CHOICES,         /* SMEs that chose a channel */
    CR_A_OUT,             /* SMEs that chose to stay out */
    CR_A_EST_PD,          /* sum of lenders' estimated annual PDs of new loans */
    CR_A_COUNT
};

/* Per-bank block accumulators (row = nbanks x CR_B_COUNT). */
enum {
    CR_B_DEMAND_RW,   /* risk-weighted amount of approved applications */
    CR_B_NEW_RWA,     /* risk-weighted amount of new loans */
    CR_B_RWA_OFF,     /* risk-weighted amount of loans repaid or defaulted */
    CR_B_RWA_SME,     /* risk-weighted principal at period end, on the SME side */
    CR_B_NEW,         /* new loans */
    CR_B_INTEREST,    /* interest received */
    CR_B_REPAID,      /* principal repaid at maturity */
    CR_B_DEFAULTED,   /* principal of defaulted loans */
    CR_B_RECOVERED,   /* recovered from defaulted loans (project and collateral) */
    CR_B_LOSS,        /* credit loss borne by the bank */
    CR_B_LOANS_SME,   /* principal outstanding at period end, counted on the SME side */
    CR_B_INIT_DEMAND, /* loan demand of the bank's SMEs (set-up only: initial capital) */
    CR_B_COUNT
};

/* Statistics of a replication's guarantee network (output.network). */
enum {
    CR_NET_EDGES,             /* guarantees (guarantor -> borrower edges) */
    CR_NET_MEAN_DEGREE,       /* guarantees per SME */
    CR_NET_MAX_GUARANTORS,    /* most guarantors of one borrower */
    CR_NET_MAX_GUARANTEES,    /* most borrowers one guarantor guarantees */
    CR_NET_RECIPROCITY,       /* share of guarantees that are mutual */
    CR_NET_LARGEST_COMPONENT, /* share of SMEs in the largest weakly connected component */
    CR_NET_INFO_COUNT
};

/* Their names, units and long names for the results file. */
const cr_var_desc *cr_model_net_info_vars(void);

typedef struct cr_model {
    const cr_params *p;
    cr_rng_root root;
    cr_world *world;
    const cr_mode_type *mode;
    uint64_t replication;
    int periods;
    size_t block; /* SMEs per block in the current unit */
    /* per-period constants */
    double ppy;                    /* periods per year */
    double funding;                /* funding rate per period */
    double equity_premium;         /* cost of equity over funding, per period (>= 0) */
    double margin;                 /* margin per period */
    double project_return;         /* project return per period */
    double max_rate;               /* highest rate per period */
    double max_pd;                 /* highest PD per period */
    double w_z, w_s, w_g, w_e;     /* factor loadings; w_e = sqrt(1 - others^2) */
    double prior_mean, prior_prec; /* lenders' prior on logit PD per period */
    double tau_bank;               /* precision of the bank's signal (inf: exact) */
    double beta_a, beta_b;         /* PD distribution (annual), when beta */
    double coll_a, coll_b;         /* collateral distribution, when sd > 0 */
    double loan_mu, loan_sigma, eq_mu, eq_sigma; /* lognormal parameters */
    /* factor shocks of the current period */
    double z;
    double *sector_factor;
    double *region_factor;
    /* accumulators and their reductions */
    cr_blocksum acc, bacc;
    double sum[CR_A_COUNT];
    double *bank_sum; /* [nbanks * CR_B_COUNT] */
    int banks_constrained;
    double bank_profit;
    /* output of the unit: values[m * periods + t] */
    double *values;
    /* the unit's panel (output.panel; NULL: none): panel[(v * panel_periods + tp) *
     * panel_n + j] for variable panel_var[v] of slot panel_slot[j] in period
     * tp * panel_every (models/panel.h) */
    double *panel;
    size_t panel_n, panel_nvar, panel_periods;
    int panel_every;
    int panel_var[CR_STRLIST_MAX];
    size_t *panel_slot;
    /* optional: called after every period of a unit (progress reports); a nonzero
     * return abandons the unit (cr_model_run_unit returns CR_EINTERRUPTED) */
    int (*on_period)(void *ctx, int period);
    void *on_period_ctx;
    /* the mode of the current unit: its parameters, waterfalls (the second for loans
     * up to guarantor.small_limit), and the screeners the bank and the guarantor use */
    const cr_mode_params *mp;
    cr_waterfall wf, wf_small;
    double tau_gc, tau_assoc, tau_core, tau_members;
    unsigned components;
    size_t group;      /* SMEs per group (1: none) */
    size_t ngroups;    /* groups in use */
    double gov_budget; /* yearly risk-compensation budget */
    /* intermediaries' books, per-block guarantor flows, per-group state */
    cr_intermediaries im;
    cr_blocksum gacc;   /* [block][guarantor * CR_G_COUNT + k] */
    double *grp_out;    /* per group: principal outstanding (alliance credit line) */
    double *grp_accept; /* per group: this period's acceptance ratio */
    cr_tranche tranche; /* senior share of a pool's expected loss (alliance pricing) */
    /* defaults of the period, per block: def_list[block * block_size + k], k < def_n[block] */
    uint32_t *def_list;
    size_t *def_n;
    cr_claim *claims;
    uint32_t *claim_sme;
    double *paid;
    size_t claims_cap;
    cr_waterfall_work work;
    double holder_paid[CR_HOLDER_COUNT]; /* the period's payouts by holder type */
    double gc_fees, gc_refees;           /* the period's guarantee and re-guarantee fees */
    double *bank_loss;                   /* [bank] the period's losses after the waterfall */
    double *gc_sum;                      /* [guarantor * CR_G_COUNT] reduced flows */
    /* per-mode constants: pricing waterfalls (mutual fund left to the tranche view),
     * the index of the members' layer in them (-1: none), covered exposure shares at
     * a total loss (qualified guarantors; the guarantee company gross; re-guarantor),
     * per-period fees, and whether a group borrows on joint terms */
    cr_waterfall wf_pricing, wf_pricing_small;
    int members_layer;
    double cover, cover_small, cover_gc, cover_gc_small, cover_rg;
    double gc_fee, assoc_fee, refee, refee_small;
    double partner_share;
    int joint_terms;
    int tranche_ok;
    /* the guarantee network among SMEs (network.generator; NULL: none): row b lists
     * b's guarantors, weights the share of b's loan each covers; the phase table
     * of the unit (the mode's, plus the cascade when there is a network) */
    cr_graph *net;
    cr_graph *supply;                   /* buyer -> suppliers with their receivables (NULL: none) */
    double net_info[CR_NET_INFO_COUNT]; /* statistics of this replication's network */
    int32_t *net_round;                 /* round in which an SME failed in the cascade */
    /* DebtRank buffers (network.debtrank): exposures on the network's edges, and
     * per SME equity, shock, value and distress */
    double *dr_weight, *dr_equity, *dr_shock, *dr_value, *dr_distress;
    double debtrank;
    /* Eisenberg-Noe buffers (network.clearing) */
    double *cl_assets, *cl_ext, *cl_pay, *cl_pbar;
    uint8_t *cl_def;
    double clearing_shortfall, clearing_defaults;
    /* the unit's failures (output.events), recorded each period */
    cr_event *events;
    size_t nevents, events_cap;
    uint8_t *net_state;
    double *net_paid;
    double *net_loss; /* what a default would cost: loan x LGD (the calls' base) */
    uint32_t *net_cascade;
    cr_contagion_work net_work;
    cr_contagion_stats net_stats;
    double net_contagion_loans;
    cr_phase_table phases;
    /* stream prefixes of the current period, by purpose (models/purpose.h); entrants
     * are keyed with the period they start in (0: the initial population) */
    cr_rng_prefix pre[CR_PURPOSE_MAX];
    cr_rng_prefix pre_entry;
    /* strategic behaviour (models/strategy.h; bh.on == 0: none) */
    cr_behav bh;
    double direct_min_collateral; /* the direct mode's min_collateral (channel choice) */
    /* a generator for the global phases (one thread) and their error message */
    gsl_rng *grng;
    cr_diag diag;
} cr_model;

/* The lenders' prior on logit(per-period PD): the mean and precision of the
 * population's distribution (infinite precision when every SME has the same PD),
 * by numerical integration over the beta PD (GSL QAGS). CR_ECONFIG with a reason in
 * why when the beta is too dispersed for the moments to be computed. */
cr_status cr_lender_prior(const cr_params *p, double *mean, double *prec, char *why, size_t len);

/* The current unit's guarantee network as three columns of nrows rows (guarantor,
 * borrower, share of the borrower's loss the guarantor covers): *out holds
 * 3 x nrows values, column-major (free() it); NULL and 0 without a network. */
cr_status cr_model_network_edges(const cr_model *m, double **out, size_t *nrows);

/* The degree distributions of the current unit's guarantee network as a table of
 * nrows rows, column-major (free() it): degree k, borrowers with k guarantors,
 * guarantors with k guarantees. NULL and 0 without a network. */
cr_status cr_model_network_degrees(const cr_model *m, double **out, size_t *nrows);

/* Creates a model for the parameters p (which must outlive it): allocates the world
 * and every buffer once. Errors: CR_ENOMEM; CR_ENUMERIC when a derived constant
 * (the lenders' prior) cannot be computed. */
cr_status cr_model_create(const cr_params *p, cr_model **out, cr_diag *d);
void cr_model_free(cr_model **m);

/* Runs one unit: mode `mode`, replication `rep`, all periods, with the engine's
 * threads; fills m->values (CR_METRIC_COUNT x periods). CR_EACCOUNTING (with a
 * message in d) when an accounting identity fails. */
cr_status cr_model_run_unit(cr_model *m, cr_engine *e, const cr_mode_type *mode, uint64_t rep,
                            cr_diag *d);

/* Sets the mode's parameters, waterfalls and per-period constants without running
 * a unit (cr_model_run_unit does it itself): for callers that only price, such as
 * the mean-field reference (models/meanfield.h). */
void cr_model_set_mode(cr_model *m, const cr_mode_type *mode);

/* Derives the stream for (replication, period, purpose, entity) into the thread's
 * gsl_rng, ready for gsl_ran_* draws. */
void cr_model_stream(const cr_model *m, gsl_rng *r, int period, unsigned purpose, uint64_t entity);

/* The same for the current period, from the prefix computed at its start: the
 * cheap path for agents' draws. */
static inline void cr_model_stream_now(const cr_model *m, gsl_rng *r, unsigned purpose,
                                       uint64_t entity)
{
    cr_rng_gsl_stream_at(r, &m->pre[purpose], entity);
}

/* Computes the prefixes of period t (entrants: period t + 1). */
void cr_model_set_period(cr_model *m, int t);

#endif
