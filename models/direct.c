/* Mode `direct`: bank lending with no intermediary (MODEL.md section 6).
 *
 * Channels: the SME's home bank only; it screens on its own noisy signal and
 * requires collateral of at least direct.min_collateral of the loan.
 * Loss sharing: the bank bears the whole loss given default.
 * Everything else is the generic lending of models/lending.c. */
#include <math.h>

#include "models/lending.h"
#include "models/mode.h"
#include "models/model.h"

/* screening: the generic screen, then the bank's collateral requirement. */
static void direct_screen(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double min_collateral = m->p->direct.min_collateral;
    cr_lend_screen(model, sw);
    for (size_t i = sw->lo; i < sw->hi; i++)
        if ((s->flags[i] & CR_F_APPROVED) && s->collateral[i] < min_collateral)
            s->flags[i] &= (uint8_t)~CR_F_APPROVED;
    cr_lend_tally_demand(model, sw);
}

/* loss allocation: the lender bears all of the loss given default. */
static void direct_losses(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double recovery = m->p->loans.recovery;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_DEFAULTED))
            continue;
        double ead = s->loan[i];
        double loss = ead * cr_lend_lgd(m, i);
        double recovered = ead - loss;
        double seized = recovered - recovery * ead; /* collateral taken */
        double *row = cr_blocksum_row(&m->bacc, sw->block) + (size_t)s->bank[i] * CR_B_COUNT;
        row[CR_B_DEFAULTED] += ead;
        row[CR_B_RECOVERED] += recovered;
        row[CR_B_LOSS] += loss;
        acc[CR_A_LOSS] += loss;
        acc[CR_A_SURPLUS] -= seized > 0.0 ? seized : 0.0;
        s->loan[i] = 0.0;
    }
}

const cr_mode_type cr_mode_direct = {
    .name = "direct",
    .summary = "bank lending only, collateral required",
    .channels = "the SME's home bank, screening on its own signal; collateral >= "
                "direct.min_collateral",
    .loss_sharing = "bank 100 % of the loss given default",
    .phases = {.phase =
                   {
                       [CR_PHASE_SHOCKS] = {.global = cr_lend_shocks},
                       [CR_PHASE_APPLICATIONS] = {.agents = cr_lend_applications},
                       [CR_PHASE_SCREENING] = {.agents = direct_screen, .global = cr_lend_capacity},
                       [CR_PHASE_ORIGINATION] = {.agents = cr_lend_originate},
                       [CR_PHASE_OUTCOMES] = {.agents = cr_lend_outcomes},
                       [CR_PHASE_REPAYMENT] = {.agents = cr_lend_repay},
                       [CR_PHASE_LOSSES] = {.agents = direct_losses},
                       [CR_PHASE_ENTRY_EXIT] = {.agents = cr_lend_entry_exit},
                       [CR_PHASE_BALANCE_SHEETS] = {.global = cr_lend_books},
                       [CR_PHASE_MEASUREMENT] = {.global = cr_lend_measure},
                   }},
};
