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
      "loans whose borrower defaulted although its project succeeded (0 unless "                   \
      "behaviour.repayment.rule is on)")                                                           \
    X(CR_M_CONTAGION_DEFAULTS, "contagion_defaults", "loans per period",                           \
      "loans defaulting because their SME could not pay guarantee calls or lost its receivables "  \
      "(0 without a guarantee network or supply-chain links)")                                     \
    X(CR_M_CASCADE_MAX, "cascade_max", "SMEs",                                                     \
      "failures in the period's largest cascade, its root included (1 without contagion, 0 "       \
      "without failures; 0 without a guarantee network or supply-chain links)")                    \
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
      "guarantee fees earned by guarantee companies (0 in modes without them)")                    \
    X(CR_M_GUARANTOR_PAYOUTS, "guarantor_payouts", "million yuan per period",                      \
      "guarantee calls paid by guarantee companies, net of counter-guarantees (0 in "              \
      "modes without them)")                                                                       \
    X(CR_M_GUARANTOR_NET_ASSETS, "guarantor_net_assets", "million yuan",                           \
      "guarantee companies' net assets at period end (0 in modes without them)")                   \
    X(CR_M_GUARANTOR_LEVERAGE, "guarantor_leverage", "1",                                          \
      "guarantees outstanding / guarantee companies' net assets (0 in modes without them)")        \
    X(CR_M_GUARANTORS_FAILED, "guarantors_failed", "guarantors",                                   \
      "guarantee companies that failed: a call they could not pay, or negative net assets "        \
      "(0 in modes without them)")                                                                 \
    X(CR_M_GOVERNMENT_COST, "government_cost", "million yuan per period",                          \
      "risk compensation + interest subsidies + re-guarantor's and public guarantors' losses net " \
      "of their fees")                                                                             \
    X(CR_M_PARTICIPATION, "participation", "1",                                                    \
      "share of SMEs in an alliance or group (0 in modes without groups)")                         \
    X(CR_M_RISKY_SHARE, "risky_share", "1",                                                        \
      "share of borrowers running the risky project (0 unless behaviour.risk.rule is on)")         \
    X(CR_M_BORROWER_MEAN_PD, "borrower_mean_pd", "1/year",                                         \
      "mean true annual PD of the SMEs with loans at risk (selection quality; 0 when none)")       \
    X(CR_M_SME_SURPLUS, "sme_surplus", "million yuan per period",                                  \
      "borrowers' project returns minus interest, fees and deposits lost, minus collateral "       \
      "seized in default and members' joint-liability payments")                                   \
    X(CR_M_BANK_PROFIT, "bank_profit", "million yuan per period",                                  \
      "banks' interest income minus funding cost minus credit losses")                             \
    X(CR_M_BANK_LOSSES, "bank_losses", "million yuan per period",                                  \
      "credit losses borne by banks after every other holder's share")                             \
    X(CR_M_REGUARANTOR_FEE_INCOME, "reguarantor_fee_income", "million yuan per period",            \
      "re-guarantee fees paid by guarantee companies (0 in modes without a re-guarantor)")         \
    X(CR_M_REGUARANTOR_PAYOUTS, "reguarantor_payouts", "million yuan per period",                  \
      "losses borne by the re-guarantor (0 in modes without one)")                                 \
    X(CR_M_REGUARANTOR_NET_ASSETS, "reguarantor_net_assets", "million yuan",                       \
      "the re-guarantor's net assets at period end (0 in modes without one)")                      \
    X(CR_M_GOVERNMENT_PAYOUTS, "government_payouts", "million yuan per period",                    \
      "risk compensation paid by the government fund out of its yearly budget")                    \
    X(CR_M_INTEREST_SUBSIDIES, "interest_subsidies", "million yuan per period",                    \
      "interest the government pays for borrowers (government.interest_subsidy)")                  \
    X(CR_M_MUTUAL_FUND_PAYOUTS, "mutual_fund_payouts", "million yuan per period",                  \
      "first losses absorbed by the alliances' mutual funds (0 in modes without them)")            \
    X(CR_M_MUTUAL_FUND_BALANCE, "mutual_fund_balance", "million yuan",                             \
      "cash of the alliances' mutual funds at period end (0 in modes without them)")               \
    X(CR_M_CASCADE_DEPTH, "cascade_depth", "rounds",                                               \
      "rounds of guarantee calls or lost receivables in which someone failed (0 without a "        \
      "guarantee network or supply-chain links)")                                                  \
    X(CR_M_NETWORK_PAYOUTS, "network_payouts", "million yuan per period",                          \
      "guarantee calls paid by SMEs to their borrowers' banks (0 without a guarantee network)")    \
    X(CR_M_DEBTRANK, "debtrank", "1",                                                              \
      "DebtRank of the period's fundamental failures on the guarantee network, weighted by "       \
      "loan demand (0 unless network.debtrank)")                                                   \
    X(CR_M_CLEARING_DEFAULTS, "clearing_defaults", "SMEs",                                         \
      "SMEs that cannot pay all their obligations at the Eisenberg-Noe clearing vector (0 "        \
      "unless network.clearing)")                                                                  \
    X(CR_M_CLEARING_SHORTFALL, "clearing_shortfall", "million yuan per period",                    \
      "obligations unpaid at the clearing vector (0 unless network.clearing)")                     \
    X(CR_M_RECEIVABLES_LOST, "receivables_lost", "million yuan per period",                        \
      "receivables suppliers lost on failed buyers (0 without supply-chain links)")                \
    X(CR_M_ASSOCIATION_FEE_INCOME, "association_fee_income", "million yuan per period",            \
      "certification fees paid to the industry association (0 in modes without one)")              \
    X(CR_M_MEMBERS_PAYOUTS, "members_payouts", "million yuan per period",                          \
      "losses paid by fellow members under joint liability (0 in modes without groups)")           \
    X(CR_M_STRATEGIC_SHARE, "strategic_share", "1",                                                \
      "share of active SMEs whose repayment strategy is strategic (0 unless "                      \
      "behaviour.repayment.rule is on)")                                                           \
    X(CR_M_MONITORING_SHARE, "monitoring_share", "1",                                              \
      "share of borrowing group members who monitor their peers (0 unless "                        \
      "behaviour.monitoring.rule is on in a mode with groups)")                                    \
    X(CR_M_MEMBERS_COVERED, "members_covered", "million yuan per period",                          \
      "dues fellow members paid for members who did not pay theirs in the group repayment game "   \
      "(0 unless behaviour.repayment.rule is on in a mode with groups)")                           \
    X(CR_M_ESTIMATED_PD, "estimated_pd", "1/year",                                                 \
      "mean of the lenders' estimated annual PD of the loans granted in the period (signals and, " \
      "with behaviour.records, repayment records; 0 when none)")                                   \
    X(CR_M_DIRECT_SHARE, "direct_share", "1",                                                      \
      "share of borrowers that chose to borrow directly from their bank instead of through the "   \
      "mode's intermediaries or group (0 unless behaviour.channel.rule is on)")                    \
    X(CR_M_STAYED_OUT, "stayed_out", "1",                                                          \
      "share of SMEs choosing a channel that chose to stay out (0 unless "                         \
      "behaviour.channel.rule is on)")                                                             \
    X(CR_M_SAME_TYPE_GROUPS, "same_type_groups", "1",                                              \
      "share of groups whose active members all have the same project type (0 unless a "           \
      "behaviour rule is on in a mode with groups)")

typedef enum {
#define CR_X_ENUM(e, name, units, long_name) e,
    CR_METRIC_LIST(CR_X_ENUM)
#undef CR_X_ENUM
        CR_METRIC_COUNT
} cr_metric;

/* The table of all metrics, CR_METRIC_COUNT rows, in enum order. */
const cr_var_desc *cr_metric_table(void);

#endif
