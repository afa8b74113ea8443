/* Mode `joint_liability`: groups of k members borrow together (MODEL.md section 6;
 * Stiglitz 1990, Besley-Coate 1995, Ghatak 1999).
 *
 * Members of a group (k consecutive SME slots) are jointly liable: when one
 * defaults, the others pay its loss out of their liquid equity, in proportion to it;
 * the bank bears what they cannot pay. The bank prices the members' layer at what
 * the other members can pay, discounted by the chance they fail too, and every
 * approved member of a group borrows at the group's mean rate (joint terms).
 * Configuration only: the phases are the generic ones. */
#include "models/lending.h"
#include "models/mode.h"

static const cr_mode_params defaults = {
    .min_collateral = 0.0,
    .guaranteed_risk_weight = 0.2,
    .members = {.size = 5, .screening_noise = 1.0},
    .waterfall = {.n = 1,
                  .item = {{.holder = CR_H_MEMBERS,
                            .type = CR_LAYER_FIRST_LOSS,
                            .cap = 1.0,
                            .of = CR_H_GUARANTOR}}},
};

const cr_mode_type cr_mode_joint_liability = {
    .name = "joint_liability",
    .summary = "groups of k members, jointly liable up to their liquid equity",
    .channels = "the home bank lends to each member of a group on joint terms (the group's mean "
                "rate); no collateral required",
    .loss_sharing = "fellow members first (up to cap x exposure, from their liquid equity), "
                    "bank the rest",
    .components = CR_C_GROUPS | CR_C_JOINT_TERMS | CR_C_GOVERNMENT,
    .slot = 2,
    .defaults = &defaults,
    .phases = CR_LENDING_PHASES,
};
