/* Mode `single`: bank + one guarantee company (MODEL.md section 6).
 *
 * The guarantee company screens on its own signal (which it shares with the bank),
 * admits up to its maximum PD, charges a fee a year on the guaranteed amount, stays
 * within its leverage cap, and covers its share of every loss while solvent; the
 * bank bears the rest. In China the coverage is commonly 100 %, which makes the
 * single guarantor's income/risk asymmetry plain: a 1-3 % fee against most of the
 * loss. Configuration only: the phases are the generic ones. */
#include "models/lending.h"
#include "models/mode.h"

#define L_PRO(h, s)                                                                                \
    {                                                                                              \
        .holder = (h), .type = CR_LAYER_PRO_RATA, .share = (s), .of = CR_H_GUARANTOR               \
    }

static const cr_mode_params defaults = {
    .min_collateral = 0.0,
    .guaranteed_risk_weight = 0.2,
    .guarantor = {CR_GUARANTOR_DEFAULTS(0.05, 10.0, 0.02, CR_FEE_FIXED, 0.01, 0.005, 0.03, 0.8,
                                        0.15)},
    .waterfall = {.n = 1, .item = {L_PRO(CR_H_GUARANTOR, 1.0)}},
};

const cr_mode_type cr_mode_single = {
    .name = "single",
    .summary = "bank + one guarantee company covering its share of every loss",
    .channels = "the home bank and one guarantee company; both screen, the guarantor's signal "
                "reaches the bank; no collateral required",
    .loss_sharing = "guarantor 100 % (single.waterfall), bank the rest; a failed guarantor "
                    "pays nothing",
    .components = CR_C_GUARANTOR | CR_C_GOVERNMENT,
    .slot = 1,
    .defaults = &defaults,
    .phases = CR_LENDING_PHASES,
};
