/* Mode `direct`: bank lending with no intermediary (MODEL.md section 6).
 *
 * Channels: the SME's home bank only; it screens on its own noisy signal and
 * requires collateral of at least direct.min_collateral of the loan.
 * Loss sharing: an empty waterfall, so the bank bears the whole loss given default.
 * Everything is the generic lending of models/lending.c, screening.c and losses.c;
 * this file is configuration. */
#include "models/lending.h"
#include "models/mode.h"

static const cr_mode_params defaults = {
    .min_collateral = 0.2,
    .guaranteed_risk_weight = 0.2,
    .waterfall = {.n = 0},
};

const cr_mode_type cr_mode_direct = {
    .name = "direct",
    .summary = "bank lending only, collateral required",
    .channels = "the SME's home bank, screening on its own signal; collateral >= "
                "direct.min_collateral",
    .loss_sharing = "bank 100 % of the loss given default",
    .components = CR_C_GOVERNMENT,
    .slot = 0,
    .defaults = &defaults,
    .phases = CR_LENDING_PHASES,
};
