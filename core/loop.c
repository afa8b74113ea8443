#include "core/loop.h"

#include <stdlib.h>

#include <omp.h>

#include "core/blocks.h"
#include "core/rng.h"

const char *cr_phase_name(cr_phase p)
{
    switch (p) {
#define CR_X_NAME(name, text)                                                                      \
    case name:                                                                                     \
        return text;
        CR_PHASE_LIST(CR_X_NAME)
#undef CR_X_NAME
    default:
        return "unknown phase";
    }
}

cr_status cr_engine_init(cr_engine *e, int threads)
{
    if (threads < 1)
        return CR_EINVAL;
    e->threads = threads;
    e->block = CR_BLOCK;
    e->rng = calloc((size_t)threads, sizeof(gsl_rng *));
    if (!e->rng)
        return CR_ENOMEM;
    for (int i = 0; i < threads; i++) {
        e->rng[i] = cr_rng_gsl_alloc();
        if (!e->rng[i]) {
            cr_engine_destroy(e);
            return CR_ENOMEM;
        }
    }
    return CR_OK;
}

void cr_engine_destroy(cr_engine *e)
{
    if (e->rng) {
        for (int i = 0; i < e->threads; i++)
            gsl_rng_free(e->rng[i]);
        free(e->rng);
    }
    e->rng = NULL;
    e->threads = 0;
}

void cr_engine_set_block(cr_engine *e, size_t block)
{
    e->block = block > 0 ? block : CR_BLOCK;
}

/* Runs the agents parts of phases [first, last) block by block. */
static void sweep(const cr_engine *e, const cr_phase_table *t, void *model, size_t nagents,
                  int period, int first, int last)
{
    size_t nb = cr_nblocks(nagents, e->block);
#pragma omp parallel for num_threads(e->threads) schedule(static) default(none)                    \
    shared(e, t, model, nagents, period, first, last, nb)
    for (size_t b = 0; b < nb; b++) {
        cr_sweep s;
        s.period = period;
        s.block = b;
        s.lo = b * e->block;
        s.hi = s.lo + e->block < nagents ? s.lo + e->block : nagents;
        s.rng = e->rng[omp_get_thread_num()];
        for (int p = first; p < last; p++)
            if (t->phase[p].agents)
                t->phase[p].agents(model, &s);
    }
}

void cr_engine_sweep(const cr_engine *e, cr_agents_fn fn, void *model, size_t nagents, int period)
{
    cr_phase_table t = {0};
    t.phase[0].agents = fn;
    sweep(e, &t, model, nagents, period, 0, 1);
}

cr_status cr_engine_period(const cr_engine *e, const cr_phase_table *t, void *model, size_t nagents,
                           int period)
{
    int pending = -1; /* first phase of the sweep not yet run */
    for (int p = 0; p < CR_PHASE_COUNT; p++) {
        if (t->phase[p].agents && pending < 0)
            pending = p;
        if (t->phase[p].global) {
            if (pending >= 0) {
                sweep(e, t, model, nagents, period, pending, p + 1);
                pending = -1;
            }
            cr_status st = t->phase[p].global(model, period);
            if (st != CR_OK)
                return st;
        }
    }
    if (pending >= 0)
        sweep(e, t, model, nagents, period, pending, CR_PHASE_COUNT);
    return CR_OK;
}
