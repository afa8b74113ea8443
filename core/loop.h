/* The period loop: named phases that models plug into.
 *
 * A period runs the phases in this order. Each phase may have an `agents` part,
 * run for every block of agents (in parallel over blocks, OpenMP
 * schedule(static)), and a `global` part, run once by one thread after the agents
 * part. Consecutive agents parts with no global part between them are fused into
 * one sweep over the agents, so a block's data stays in cache while it passes
 * through them: with the direct-lending model a period is two sweeps.
 *
 * The engine knows nothing of financing modes: a mode is a cr_phase_table (its
 * functions for some phases; NULL slots are skipped) plus its data, owned by models/.
 */
#ifndef CR_LOOP_H
#define CR_LOOP_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/status.h"

#define CR_PHASE_LIST(X)                                                                           \
    X(CR_PHASE_SHOCKS, "shocks")                                                                   \
    X(CR_PHASE_APPLICATIONS, "applications")                                                       \
    X(CR_PHASE_SCREENING, "screening and pricing")                                                 \
    X(CR_PHASE_ORIGINATION, "origination")                                                         \
    X(CR_PHASE_OUTCOMES, "outcomes")                                                               \
    X(CR_PHASE_REPAYMENT, "repayment")                                                             \
    X(CR_PHASE_LOSSES, "loss allocation")                                                          \
    X(CR_PHASE_ENTRY_EXIT, "entry and exit")                                                       \
    X(CR_PHASE_BALANCE_SHEETS, "balance sheets")                                                   \
    X(CR_PHASE_LEARNING, "learning")                                                               \
    X(CR_PHASE_MEASUREMENT, "measurement")

typedef enum {
#define CR_X_ENUM(name, text) name,
    CR_PHASE_LIST(CR_X_ENUM)
#undef CR_X_ENUM
        CR_PHASE_COUNT
} cr_phase;

/* The name of a phase ("screening and pricing"). */
const char *cr_phase_name(cr_phase p);

/* What an agents part sees: the period, its block [lo, hi), and a gsl_rng of the
 * calling thread (type cr_gsl_rng_pcg64_dxsm) whose state it sets from a derived
 * stream before drawing: never draw from it without setting the state first. */
typedef struct {
    int period;
    size_t block;
    size_t lo, hi;
    gsl_rng *rng;
} cr_sweep;

typedef void (*cr_agents_fn)(void *model, const cr_sweep *s);
typedef cr_status (*cr_global_fn)(void *model, int period);

typedef struct {
    cr_agents_fn agents; /* may be NULL */
    cr_global_fn global; /* may be NULL */
} cr_phase_impl;

typedef struct {
    cr_phase_impl phase[CR_PHASE_COUNT];
} cr_phase_table;

/* Per-run engine state: one gsl_rng per thread, and the block size of the sweeps
 * (CR_BLOCK unless set with cr_engine_set_block; never dependent on threads). */
typedef struct {
    int threads;
    size_t block;
    gsl_rng **rng; /* [threads] */
} cr_engine;

/* Sets the block size of the following sweeps (e.g. cr_block_for_groups). */
void cr_engine_set_block(cr_engine *e, size_t block);

/* Prepares an engine for `threads` OpenMP threads (>= 1). */
cr_status cr_engine_init(cr_engine *e, int threads);
void cr_engine_destroy(cr_engine *e);

/* Runs fn once over all blocks of nagents agents, in parallel (like one sweep of
 * a period): for set-up work such as drawing the initial population. */
void cr_engine_sweep(const cr_engine *e, cr_agents_fn fn, void *model, size_t nagents, int period);

/* Runs one period of the phase table over nagents agents. Stops at the first
 * global part that fails and returns its status. */
cr_status cr_engine_period(const cr_engine *e, const cr_phase_table *t, void *model, size_t nagents,
                           int period);

#endif
