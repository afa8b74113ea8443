/* Guarantee cascades: calls propagate in synchronous rounds to a fixed point
 * (MODEL.md section 7).
 *
 * The network is a CSR graph whose row b lists the guarantors of borrower b, each
 * edge weighted by the share of b's loan that guarantor guarantees. A borrower that
 * defaults calls each of its guarantors for weight x its loan. In a round every
 * called guarantor sums the calls it receives (borrowers in ascending id order,
 * guarantors in row order); it pays them from its liquid equity in full, or, when
 * its equity falls short, pays all it has pro rata to the calls and defaults. A
 * guarantor that defaults calls its own guarantors in the next round (its own loan
 * is now in default). Nodes already down (defaulted, excluded) pay nothing.
 *
 * Supply-chain receivables are a second channel: rec (may be NULL) has a row per
 * buyer listing its suppliers with the receivable each holds on it (absolute
 * amounts). When a buyer fails its suppliers lose those receivables, which their
 * equity absorbs together with their calls in the same round; a supplier whose
 * equity falls short fails too (contagion).
 *
 * The result depends only on the inputs: rounds are synchronous and every sum runs
 * in a fixed order, so it is the same at any thread count. Cost: O(edges of the
 * nodes that default), plus sorting each round's called guarantors. core knows
 * nothing of financing modes: the caller maps its agents' state to these arrays.
 */
#ifndef CR_CONTAGION_H
#define CR_CONTAGION_H

#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/status.h"

/* Node states. */
enum {
    CR_NODE_ALIVE = 0,       /* can pay calls */
    CR_NODE_DOWN = 1,        /* out of the game before the cascade (pays nothing, calls nothing) */
    CR_NODE_FUNDAMENTAL = 2, /* defaulted on its own this period: calls its guarantors */
    CR_NODE_CONTAGION = 3,   /* defaulted because it could not pay calls */
};

typedef struct {
    int rounds;       /* rounds in which some guarantor defaulted (cascade depth) */
    size_t contagion; /* nodes that defaulted by contagion */
    size_t largest;   /* defaults in the largest cascade (root included) */
    double paid;      /* total paid by guarantors */
    double lost;      /* receivables lost by suppliers (absorbed by their equity) */
} cr_contagion_stats;

/* Scratch space, reused across calls (grows as needed). */
typedef struct {
    size_t cap;
    double *calls;      /* [n] calls received this round */
    uint32_t *touched;  /* guarantors called this round */
    uint32_t *frontier; /* nodes that defaulted in the last round */
    uint32_t *next;
    uint32_t *size; /* [n] defaults per cascade root */
    double *ratio;  /* [n] share of its calls a guarantor paid this round */
    double *lost;   /* [n] receivables lost this round */
    uint8_t *mark;  /* [n] 1: hit this round */
} cr_contagion_work;

void cr_contagion_work_init(cr_contagion_work *w);
void cr_contagion_work_destroy(cr_contagion_work *w);

/* Runs the cascade on graph g (n nodes; rec, if not NULL, has the same n) given each node's loan
 * principal and liquid equity (reduced by what it pays). state[] is read and updated (ALIVE ->
 * CONTAGION); paid_for[b] receives what b's guarantors paid on b's loan; cascade[v]
 * the root (the lowest-id fundamental default whose calls reached v; v itself for a
 * fundamental default); round[v] (may be NULL) the round in which v failed (0 for
 * a fundamental default, -1 if it did not fail). CR_ENOMEM when scratch cannot grow. */
cr_status cr_contagion_run(const cr_graph *g, const cr_graph *rec, const double *loan,
                           double *equity, uint8_t *state, double *paid_for, uint32_t *cascade,
                           int32_t *round, cr_contagion_stats *stats, cr_contagion_work *w);

#endif
