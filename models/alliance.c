/* Mode `alliance`: the credit alliance of the thesis (MODEL.md sections 1, 6).
 *
 * Members (consecutive SME slots, members.size per alliance) pool their credit: a
 * mutual guarantee fund fed by deposits withheld from their loans absorbs first
 * losses; members are jointly liable next; a guarantee company guarantees a share of
 * the rest, counter-guaranteed by a re-guarantor; a government fund compensates a
 * share. Information is pooled too: an industry association certifies members, a
 * supply-chain core firm knows its partners, members know each other; the bank and
 * the guarantor see all of it. The bank grants the alliance a credit line of
 * mutual_fund.leverage x the fund and prices a member's loan on its own senior
 * exposure after the first-loss layers (models/tranche.h). Configuration only. */
#include "models/lending.h"
#include "models/mode.h"

static const cr_mode_params defaults = {
    .min_collateral = 0.0,
    .guaranteed_risk_weight = 0.2,
    .guarantor = {CR_GUARANTOR_DEFAULTS(0.05, 10.0, 0.015, CR_FEE_FIXED, 0.01, 0.005, 0.03, 0.8,
                                        0.2)},
    .reguarantor = {.capital_ratio = 0.05, .fee = 0.005},
    .government = {.budget_ratio = 0.002},
    .association = {.screening_noise = 1.0, .fee = 0.002},
    .core_firm = {.screening_noise = 0.5},
    .mutual_fund = {.deposit = 0.1, .leverage = 8.0, .seed = 0.05},
    .members = {.size = 20, .screening_noise = 1.5},
    .waterfall = {.n = 5,
                  .item = {{.holder = CR_H_MUTUAL_FUND,
                            .type = CR_LAYER_FIRST_LOSS,
                            .cap = 1.0,
                            .of = CR_H_GUARANTOR},
                           {.holder = CR_H_MEMBERS,
                            .type = CR_LAYER_FIRST_LOSS,
                            .cap = 0.2,
                            .of = CR_H_GUARANTOR},
                           {.holder = CR_H_GUARANTOR,
                            .type = CR_LAYER_PRO_RATA,
                            .share = 0.7,
                            .of = CR_H_GUARANTOR},
                           {.holder = CR_H_GOVERNMENT,
                            .type = CR_LAYER_PRO_RATA,
                            .share = 0.1,
                            .of = CR_H_GUARANTOR},
                           {.holder = CR_H_REGUARANTOR,
                            .type = CR_LAYER_COUNTER,
                            .share = 0.4,
                            .of = CR_H_GUARANTOR}}},
};

const cr_mode_type cr_mode_alliance = {
    .name = "alliance",
    .summary = "credit alliance: mutual fund, joint liability, guarantor, re-guarantor, "
               "government, association and core firm combined",
    .channels = "the home bank lends within the alliance's credit line (leverage x mutual fund); "
                "the bank and guarantor see their own signals plus the association's, the core "
                "firm's (partners) and the members'",
    .loss_sharing = "mutual fund first, members up to 20 %, then guarantor 70 % and government "
                    "10 % of the rest, re-guarantor reimburses 40 % of the guarantor's calls, "
                    "bank the remainder",
    .components = CR_C_GUARANTOR | CR_C_REGUARANTOR | CR_C_GOVERNMENT | CR_C_ASSOCIATION |
                  CR_C_CORE_FIRM | CR_C_MUTUAL_FUND | CR_C_GROUPS | CR_C_MEMBER_INFO,
    .slot = 3,
    .defaults = &defaults,
    .phases = CR_LENDING_PHASES,
};
