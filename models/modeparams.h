/* Parameters of a financing mode: which intermediaries it has and their settings,
 * its information structure, and its loss waterfall. Every built-in mode and preset
 * has one cr_mode_params in the experiment (cr_params.mode[slot]), read from the
 * experiment file's section named after the mode (`single: {guarantor: {fee: 0.02}}`)
 * over the mode's own defaults; only the components a mode has appear as keys. */
#ifndef CR_MODEPARAMS_H
#define CR_MODEPARAMS_H

#include <stdint.h>

#include "models/waterfall.h"

/* Components a mode may have (cr_mode_type.components). */
enum {
    CR_C_GUARANTOR = 1u << 0,   /* guarantee companies */
    CR_C_REGUARANTOR = 1u << 1, /* re-guarantee / national or central fund */
    CR_C_GOVERNMENT = 1u << 2,  /* risk compensation fund and interest subsidy */
    CR_C_ASSOCIATION = 1u << 3, /* industry association or platform: information */
    CR_C_CORE_FIRM = 1u << 4,   /* supply-chain core firm: information on partners */
    CR_C_MUTUAL_FUND = 1u << 5, /* the alliance's mutual guarantee fund and credit line */
    CR_C_GROUPS = 1u << 6,      /* groups of consecutive SMEs with joint liability */
    CR_C_JOINT_TERMS = 1u << 7, /* a group's approved members borrow at one (mean) rate */
    CR_C_MEMBER_INFO = 1u << 8, /* members' information on each other reaches lenders */
};

enum { CR_FEE_FIXED = 0, CR_FEE_RISK_BASED = 1 };

/* One layer as read from the experiment file (enums as int indices). */
typedef struct {
    int holder; /* cr_holder */
    int type;   /* cr_layer_kind */
    double share;
    double cap;
    int of; /* cr_holder */
} cr_layer_cfg;

typedef struct {
    int n;
    cr_layer_cfg item[CR_LAYERS_MAX];
} cr_layer_table;

/* Designated initialisers of one guarantee company (inside `.guarantor = {...}`):
 * initial capital / demand, leverage cap, fee and fee policy with its margin and
 * bounds, screening noise (shared with the bank), highest PD it guarantees. */
#define CR_GUARANTOR_DEFAULTS(capital, leverage, fee_, policy, margin, lo, hi, noise, pd)          \
    .count = 1, .capital_ratio = (capital), .leverage_cap = (leverage), .fee = (fee_),             \
    .fee_policy = (policy), .fee_margin = (margin), .fee_min = (lo), .fee_max = (hi),              \
    .screening_noise = (noise), .shares_signal = 1, .max_pd = (pd)

typedef struct {
    double min_collateral;         /* collateral share the bank requires */
    double guaranteed_risk_weight; /* risk weight of the part a guarantor covers */
    struct {
        double capital_ratio; /* initial net assets / demand of the SMEs it serves */
        double fee;           /* annual fee on the guaranteed amount (fixed policy) */
        int fee_policy;       /* CR_FEE_* */
        double fee_margin;    /* risk-based: fee = expected loss rate + margin */
        double fee_min, fee_max;
        double screening_noise; /* sd of its signal of logit PD */
        int shares_signal;      /* the bank sees the guarantor's signal */
        double leverage_cap;    /* guarantees outstanding <= cap x net assets */
        double max_pd;          /* highest estimated annual PD it guarantees */
        double max_amount;      /* largest loan it guarantees (0: no limit) */
        double coverage_small;  /* pro_rata share for loans <= small_limit (0: same) */
        double small_limit;
        int64_t count;     /* guarantee companies (SMEs assigned by region) */
        int public_agency; /* a public agency: its net losses are government cost */
    } guarantor;
    struct {
        double capital_ratio;
        double fee;       /* annual fee on the risk it bears, paid by the guarantor */
        double fee_small; /* for loans <= small_limit */
        double small_limit;
    } reguarantor;
    struct {
        double budget_ratio;     /* yearly risk-compensation budget / total demand */
        double interest_subsidy; /* share of the loan rate the government pays */
    } government;
    struct {
        double screening_noise;
        double fee; /* annual fee on the loan, paid by the member */
    } association;
    struct {
        double screening_noise; /* its signal on its partners (population.partner_share) */
    } core_firm;
    struct {
        double deposit;  /* share of the loan withheld into the fund */
        double leverage; /* bank's credit line = leverage x fund */
        double seed;     /* initial fund per member (million yuan) */
    } mutual_fund;
    struct {
        int64_t size;           /* SMEs per group or alliance */
        double screening_noise; /* members' information on each other (0: none) */
    } members;
    cr_layer_table waterfall;
} cr_mode_params;

#endif
