/* The metrics of MODEL.md section 8: one table (name, units, long_name) that the
 * measurement phase fills and the results writer walks. Adding a metric is one
 * line here plus the line that computes it in cr_lend_measure (models/lending.c).
 * Flows are per period; rates and shares "per period" are not annualised unless the
 * units say 1/year. */
#ifndef CR_METRICS_H
#define CR_METRICS_H

#include <stddef.h>

#include "core/results.h"

/* X(enum, dataset name, units, long_name) */
#define CR_METRIC_LIST(X)                                                                          \
    X(CR_M_APPLICATIONS, "applications", "loans per period", "loan applications in the period")    \
    X(CR_M_LOANS_GRANTED, "loans_granted", "loans per period",                                     \
      "new loans originated in the period")                                                        \
    X(CR_M_ACCESS_RATE, "access_rate", "1",                                                        \
      "loans granted / applications (0 when there are no applications)")                           \
    X(CR_M_LOANS_OUTSTANDING, "loans_outstanding", "million yuan",                                 \
      "principal of the loans at risk in the period (after origination)")                          \
    X(CR_M_MEAN_LOAN_RATE, "mean_loan_rate", "1/year",                                             \
      "mean annual contract rate of the loans granted in the period (0 when none)")                \
    X(CR_M_MEAN_FEE_RATE, "mean_fee_rate", "1/year",                                               \
      "mean annual guarantee fee rate of new guaranteed loans (0 in modes without guarantee "      \
      "fees, e.g. direct)")                                                                        \
    X(CR_M_DEFAULT_RATE, "default_rate", "1 per period",                                           \
      "defaulted loans / loans at risk in the period (0 when no loans)")                           \
    X(CR_M_FUNDAMENTAL_DEFAULTS, "fundamental_defaults", "loans per period",                       \
      "loans defaulting because the project failed")                                               \
    X(CR_M_STRATEGIC_DEFAULTS, "strategic_defaults", "loans per period",                           \
      "strategic defaults (0 unless strategic behaviour is switched on)")                          \
    X(CR_M_CONTAGION_DEFAULTS, "contagion_defaults", "loans per period",                           \
      "defaults caused by guarantee calls or lost receivables (0 unless a contagion channel is "   \
      "switched on)")                                                                              \
    X(CR_M_CASCADE_MAX, "cascade_max", "SMEs",                                                     \
      "largest contagion cascade in the period (0 unless a contagion channel is on)")              \
    X(CR_M_AMPLIFICATION, "amplification", "1",                                                    \
      "all defaults / fundamental defaults (1 when there are no fundamental defaults)")            \
    X(CR_M_BANK_LOSS_RATE, "bank_loss_rate", "1 per period",                                       \
      "banks' credit losses / loans outstanding in the period (0 when no loans)")                  \
    X(CR_M_BANK_CAPITAL_RATIO, "bank_capital_ratio", "1",                                          \
      "mean over banks with loans of capital / risk-weighted assets at period end (0 when no "     \
      "bank has loans)")                                                                           \
    X(CR_M_BANKS_CONSTRAINED, "banks_constrained", "banks",                                        \
      "banks that rationed approved applicants for lack of capital")                               \
    X(CR_M_GUARANTOR_FEE_INCOME, "guarantor_fee_income", "million yuan per period",                \
      "guarantee fees earned by intermediaries (0 in modes without guarantors)")                   \
    X(CR_M_GUARANTOR_PAYOUTS, "guarantor_payouts", "million yuan per period",                      \
      "guarantee calls paid by intermediaries (0 in modes without guarantors)")                    \
    X(CR_M_GUARANTOR_NET_ASSETS, "guarantor_net_assets", "million yuan",                           \
      "intermediaries' net assets (0 in modes without guarantors)")                                \
    X(CR_M_GUARANTOR_LEVERAGE, "guarantor_leverage", "1",                                          \
      "guarantees outstanding / guarantors' net assets (0 in modes without guarantors)")           \
    X(CR_M_GUARANTORS_FAILED, "guarantors_failed", "guarantors",                                   \
      "intermediaries with negative net assets (0 in modes without guarantors)")                   \
    X(CR_M_GOVERNMENT_COST, "government_cost", "million yuan per period",                          \
      "government risk compensation, re-guarantee and subsidies paid (0 in modes without "         \
      "government programmes)")                                                                    \
    X(CR_M_PARTICIPATION, "participation", "1",                                                    \
      "share of SMEs in an alliance or group (0 in modes without groups)")                         \
    X(CR_M_RISKY_SHARE, "risky_share", "1",                                                        \
      "share of borrowers choosing the risky project (0 unless project choice is on)")             \
    X(CR_M_BORROWER_MEAN_PD, "borrower_mean_pd", "1/year",                                         \
      "mean true annual PD of the SMEs with loans at risk (selection quality; 0 when none)")       \
    X(CR_M_SME_SURPLUS, "sme_surplus", "million yuan per period",                                  \
      "borrowers' project returns minus interest, minus collateral lost in default")               \
    X(CR_M_BANK_PROFIT, "bank_profit", "million yuan per period",                                  \
      "banks' interest income minus funding cost minus credit losses")

typedef enum {
#define CR_X_ENUM(e, name, units, long_name) e,
    CR_METRIC_LIST(CR_X_ENUM)
#undef CR_X_ENUM
        CR_METRIC_COUNT
} cr_metric;

/* The table of all metrics, CR_METRIC_COUNT rows, in enum order. */
const cr_var_desc *cr_metric_table(void);

#endif
