#include "models/panel.h"

#include <string.h>

#include "models/model.h"

static const cr_var_desc vars[CR_PV_COUNT] = {
    [CR_PV_PD] = {"pd", "1 per year", "true probability of default of the SME (hidden)"},
    [CR_PV_PD_ESTIMATE] = {"pd_estimate", "1 per period",
                           "its lender's estimated PD of its loan (0 without a loan)"},
    [CR_PV_DEBT] = {"debt", "million yuan", "outstanding principal"},
    [CR_PV_RATE] = {"rate", "1 per period", "contract rate of its loan (0 without a loan)"},
    [CR_PV_EQUITY] = {"equity", "million yuan", "liquid equity"},
    [CR_PV_STATUS] = {"status", "1", "0 active, 1 failed (the slot waits for an entrant)"},
    [CR_PV_CHANNEL] = {"channel", "1",
                       "0 no loan, 1 a loan without a guarantee, 2 a guaranteed loan"},
    [CR_PV_GROUP] = {"group", "1", "group or alliance of the slot (-1: the mode has none)"},
};

const cr_var_desc *cr_panel_vars(void)
{
    return vars;
}

int cr_panel_var_find(const char *name)
{
    for (int v = 0; v < CR_PV_COUNT; v++)
        if (strcmp(vars[v].name, name) == 0)
            return v;
    return -1;
}

static double value(const cr_model *m, int var, size_t i)
{
    const cr_smes *w = &m->world->sme;
    int has_loan = w->loan[i] > 0.0;
    switch (var) {
    case CR_PV_PD:
        return w->pd[i];
    case CR_PV_PD_ESTIMATE:
        return has_loan ? w->est_pd[i] : 0.0;
    case CR_PV_DEBT:
        return w->loan[i];
    case CR_PV_RATE:
        return has_loan ? w->rate[i] : 0.0;
    case CR_PV_EQUITY:
        return w->equity[i];
    case CR_PV_STATUS:
        return (double)w->status[i];
    case CR_PV_CHANNEL:
        return !has_loan ? 0.0 : w->guaranteed[i] > 0.0 ? 2.0 : 1.0;
    case CR_PV_GROUP:
        return m->group > 1 ? (double)(i / m->group) : -1.0;
    default:
        return 0.0;
    }
}

void cr_panel_record(cr_model *m, int t, int threads)
{
    if (!m->panel || t % m->panel_every != 0)
        return;
    size_t tp = (size_t)(t / m->panel_every), n = m->panel_n;
    /* in parallel when the panel is large (each thread writes its own slots) */
    const int nth = n >= 65536 && threads > 1 ? threads : 1;
    for (size_t v = 0; v < m->panel_nvar; v++) {
        double *row = m->panel + (v * m->panel_periods + tp) * n;
        const int var = m->panel_var[v];
#pragma omp parallel for num_threads(nth) schedule(static) default(none) shared(m, row, n, var)
        for (size_t j = 0; j < n; j++)
            row[j] = value(m, var, m->panel_slot[j]);
    }
}
