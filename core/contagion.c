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
    free(w->lost);
    free(w->mark);
    memset(w, 0, sizeof *w);
}

static cr_status grow(cr_contagion_work *w, size_t n)
{
    if (n <= w->cap)
        return CR_OK;
    double *calls = calloc(n, sizeof *calls);
    uint32_t *touched = malloc(n * sizeof *touched), *frontier = malloc(n * sizeof *frontier);
    uint32_t *next = malloc(n * sizeof *next), *size = calloc(n, sizeof *size);
    double *ratio = calloc(n, sizeof *ratio), *lost = calloc(n, sizeof *lost);
    uint8_t *mark = calloc(n, 1);
    if (!calls || !touched || !frontier || !next || !size || !ratio || !lost || !mark) {
        free(ratio);
        free(lost);
        free(mark);
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
    w->lost = lost;
    w->mark = mark;
    w->cap = n;
    return CR_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

cr_status cr_contagion_run(const cr_graph *g, const cr_graph *rec, const double *loan,
                           double *equity, uint8_t *state, double *paid_for, uint32_t *cascade,
                           int32_t *round, cr_contagion_stats *stats, cr_contagion_work *w)
{
    const size_t n = g->n;
    memset(stats, 0, sizeof *stats);
    if (grow(w, n + 1) != CR_OK)
        return CR_ENOMEM;
    size_t nf = 0;
    for (size_t v = 0; v < n; v++) {
        paid_for[v] = 0.0;
        cascade[v] = (uint32_t)v;
        if (round)
            round[v] = state[v] == CR_NODE_FUNDAMENTAL ? 0 : -1;
        if (state[v] == CR_NODE_FUNDAMENTAL) {
            w->frontier[nf++] = (uint32_t)v;
            w->size[v] = 1;
        }
    }
    /* roots in ascending order; every later frontier is sorted too */
    while (nf > 0) {
        /* calls of this round's defaulters on their live guarantors, and the
         * receivables their live suppliers lose */
        size_t nt = 0;
        for (size_t k = 0; k < nf; k++) {
            uint32_t b = w->frontier[k];
            for (int channel = 0; channel < 2; channel++) {
                const cr_graph *h = channel == 0 ? g : rec;
                if (!h || (channel == 0 && !(loan[b] > 0.0)))
                    continue;
                for (size_t e = h->row_ptr[b]; e < h->row_ptr[b + 1]; e++) {
                    uint32_t v = h->col[e];
                    double amount = channel == 0 ? h->weight[e] * loan[b] : h->weight[e];
                    if (state[v] != CR_NODE_ALIVE || !(amount > 0.0))
                        continue;
                    if (!w->mark[v]) {
                        w->mark[v] = 1;
                        w->touched[nt++] = v;
                        cascade[v] = cascade[b]; /* first in order: lowest root */
                    } else if (cascade[b] < cascade[v]) {
                        cascade[v] = cascade[b];
                    }
                    if (channel == 0)
                        w->calls[v] += amount;
                    else
                        w->lost[v] += amount;
                }
            }
        }
        qsort(w->touched, nt, sizeof *w->touched, cmp_u32);
        /* each hit SME pays its calls and absorbs its lost receivables from its
         * equity, or, when that falls short, pays all it has (calls and losses in
         * proportion) and fails; ratio[] is the share of its calls it paid */
        size_t nn = 0;
        for (size_t k = 0; k < nt; k++) {
            uint32_t v = w->touched[k];
            double due = w->calls[v] + w->lost[v], have = equity[v] > 0.0 ? equity[v] : 0.0;
            double ratio = due <= have ? 1.0 : (due > 0.0 ? have / due : 0.0);
            equity[v] -= due <= have ? due : have;
            stats->paid += ratio * w->calls[v];
            stats->lost += ratio * w->lost[v];
            if (due > have) {
                state[v] = CR_NODE_CONTAGION;
                if (round)
                    round[v] = stats->rounds + 1;
                w->next[nn++] = v;
                stats->contagion++;
                w->size[cascade[v]]++;
            }
            w->ratio[v] = ratio;
        }
        /* what each borrower of the round received, in the same order as the calls */
        for (size_t k = 0; k < nf; k++) {
            uint32_t b = w->frontier[k];
            if (!(loan[b] > 0.0))
                continue;
            for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++) {
                uint32_t v = g->col[e];
                if (w->mark[v])
                    paid_for[b] += w->ratio[v] * g->weight[e] * loan[b];
            }
        }
        for (size_t k = 0; k < nt; k++) {
            uint32_t v = w->touched[k];
            w->calls[v] = w->lost[v] = 0.0;
            w->mark[v] = 0;
        }
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
