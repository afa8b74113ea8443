#include "core/contagion.h"

#include <stdlib.h>
#include <string.h>

void cr_contagion_work_init(cr_contagion_work *w)
{
    memset(w, 0, sizeof *w);
}

void cr_contagion_work_destroy(cr_contagion_work *w)
{
    free(w->calls);
    free(w->touched);
    free(w->frontier);
    free(w->next);
    free(w->size);
    free(w->ratio);
    memset(w, 0, sizeof *w);
}

static cr_status grow(cr_contagion_work *w, size_t n)
{
    if (n <= w->cap)
        return CR_OK;
    double *calls = calloc(n, sizeof *calls);
    uint32_t *touched = malloc(n * sizeof *touched), *frontier = malloc(n * sizeof *frontier);
    uint32_t *next = malloc(n * sizeof *next), *size = calloc(n, sizeof *size);
    double *ratio = calloc(n, sizeof *ratio);
    if (!calls || !touched || !frontier || !next || !size || !ratio) {
        free(ratio);
        free(calls);
        free(touched);
        free(frontier);
        free(next);
        free(size);
        return CR_ENOMEM;
    }
    cr_contagion_work_destroy(w);
    w->calls = calls;
    w->touched = touched;
    w->frontier = frontier;
    w->next = next;
    w->size = size;
    w->ratio = ratio;
    w->cap = n;
    return CR_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

cr_status cr_contagion_run(const cr_graph *g, const double *loan, double *equity, uint8_t *state,
                           double *paid_for, uint32_t *cascade, cr_contagion_stats *stats,
                           cr_contagion_work *w)
{
    const size_t n = g->n;
    memset(stats, 0, sizeof *stats);
    if (grow(w, n + 1) != CR_OK)
        return CR_ENOMEM;
    size_t nf = 0;
    for (size_t v = 0; v < n; v++) {
        paid_for[v] = 0.0;
        cascade[v] = (uint32_t)v;
        if (state[v] == CR_NODE_FUNDAMENTAL) {
            w->frontier[nf++] = (uint32_t)v;
            w->size[v] = 1;
        }
    }
    /* roots in ascending order; every later frontier is sorted too */
    while (nf > 0) {
        /* calls of this round's defaulters on their live guarantors */
        size_t nt = 0;
        for (size_t k = 0; k < nf; k++) {
            uint32_t b = w->frontier[k];
            if (!(loan[b] > 0.0))
                continue;
            for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++) {
                uint32_t gu = g->col[e];
                double amount = g->weight[e] * loan[b];
                if (state[gu] != CR_NODE_ALIVE || !(amount > 0.0))
                    continue;
                if (w->calls[gu] == 0.0) {
                    w->touched[nt++] = gu;
                    cascade[gu] = cascade[b]; /* first caller in order: lowest root */
                } else if (cascade[b] < cascade[gu]) {
                    cascade[gu] = cascade[b];
                }
                w->calls[gu] += amount;
            }
        }
        qsort(w->touched, nt, sizeof *w->touched, cmp_u32);
        /* each called guarantor pays in full or defaults; calls[] becomes -1 to mark
         * the guarantors that paid this round, ratio[] what share of their calls */
        size_t nn = 0;
        for (size_t k = 0; k < nt; k++) {
            uint32_t gu = w->touched[k];
            double due = w->calls[gu], have = equity[gu] > 0.0 ? equity[gu] : 0.0;
            double ratio = due <= have ? 1.0 : (due > 0.0 ? have / due : 0.0);
            double pays = due <= have ? due : have;
            equity[gu] -= pays;
            stats->paid += pays;
            if (due > have) {
                state[gu] = CR_NODE_CONTAGION;
                w->next[nn++] = gu;
                stats->contagion++;
                w->size[cascade[gu]]++;
            }
            w->calls[gu] = -1.0;
            w->ratio[gu] = ratio;
        }
        /* what each borrower of the round received, in the same order as the calls */
        for (size_t k = 0; k < nf; k++) {
            uint32_t b = w->frontier[k];
            if (!(loan[b] > 0.0))
                continue;
            for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++) {
                uint32_t gu = g->col[e];
                if (w->calls[gu] < 0.0)
                    paid_for[b] += w->ratio[gu] * g->weight[e] * loan[b];
            }
        }
        for (size_t k = 0; k < nt; k++)
            w->calls[w->touched[k]] = 0.0;
        if (nn > 0)
            stats->rounds++;
        memcpy(w->frontier, w->next, nn * sizeof *w->next);
        nf = nn;
    }
    for (size_t v = 0; v < n; v++) {
        if (w->size[v] > stats->largest)
            stats->largest = w->size[v];
        w->size[v] = 0;
    }
    return CR_OK;
}
