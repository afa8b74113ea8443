/* DebtRank (Battiston et al. 2012), see debtrank.h. */
#include "core/debtrank.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ST_U = 0, ST_D = 1, ST_I = 2 };

cr_status cr_debtrank_values(const cr_graph *g, const double *external_assets, double *value,
                             cr_diag *d)
{
    if (!g || !external_assets || !value)
        return cr_diag_set(d, CR_EINVAL, "debtrank: missing input or output");
    double *v = malloc((g->n ? g->n : 1) * sizeof *v);
    if (!v)
        return cr_diag_set(d, CR_ENOMEM, "debtrank: out of memory for %zu nodes", g->n);
    cr_graph_in_strengths(g, v); /* interbank assets: what each node is owed */
    double total = 0.0;
    for (size_t i = 0; i < g->n; i++) {
        v[i] += external_assets[i];
        if (!(v[i] >= 0.0)) {
            double bad = v[i];
            free(v);
            return cr_diag_set(d, CR_EINVAL, "debtrank: node %zu has total assets %g", i, bad);
        }
        total += v[i];
    }
    if (!(total > 0.0) || !isfinite(total)) {
        free(v);
        return cr_diag_set(d, CR_EINVAL,
                           "debtrank: the nodes' total assets are %g; relative economic values "
                           "need a positive total",
                           total);
    }
    for (size_t i = 0; i < g->n; i++)
        value[i] = v[i] / total;
    free(v);
    return CR_OK;
}

static cr_status check_inputs(const cr_graph *g, const double *equity, const double *shock,
                              const double *value, cr_diag *d)
{
    for (size_t i = 0; i < g->n; i++) {
        if (!isfinite(equity[i]) || !(equity[i] > 0.0))
            return cr_diag_set(d, CR_EINVAL, "debtrank: node %zu: equity %g is not positive", i,
                               equity[i]);
        if (!(shock[i] >= 0.0 && shock[i] <= 1.0))
            return cr_diag_set(d, CR_EINVAL, "debtrank: node %zu: shock %g is not in [0, 1]", i,
                               shock[i]);
        if (!isfinite(value[i]) || value[i] < 0.0)
            return cr_diag_set(d, CR_EINVAL, "debtrank: node %zu: economic value %g", i, value[i]);
    }
    for (size_t q = 0; q < g->m; q++)
        if (!isfinite(g->weight[q]) || g->weight[q] < 0.0)
            return cr_diag_set(d, CR_EINVAL, "debtrank: a liability of %g", g->weight[q]);
    return CR_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

cr_status cr_debtrank_compute(const cr_graph *g, const double *equity, const double *shock,
                              const double *value, double *distress, cr_debtrank_info *info,
                              cr_diag *d)
{
    if (!g || !equity || !shock || !value || !distress)
        return cr_diag_set(d, CR_EINVAL, "debtrank: missing input or output");
    cr_status st = check_inputs(g, equity, shock, value, d);
    if (st != CR_OK)
        return st;
    size_t n = g->n, nn = n ? n : 1;
    double *h = malloc(nn * sizeof *h), *inc = calloc(nn, sizeof *inc);
    uint8_t *state = malloc(nn), *touched = calloc(nn, 1);
    uint32_t *front = malloc(nn * sizeof *front), *hit = malloc(nn * sizeof *hit);
    if (!h || !inc || !state || !touched || !front || !hit) {
        st = cr_diag_set(d, CR_ENOMEM, "debtrank: out of memory for %zu nodes", n);
        goto done;
    }
    size_t nfront = 0;
    for (size_t i = 0; i < n; i++) {
        h[i] = shock[i];
        state[i] = shock[i] > 0.0 ? ST_D : ST_U;
        if (state[i] == ST_D)
            front[nfront++] = (uint32_t)i; /* ascending */
    }
    int steps = 0;
    while (nfront > 0) {
        /* Increments from the distressed nodes at t-1, in ascending id order. */
        size_t nhit = 0;
        for (size_t f = 0; f < nfront; f++) {
            uint32_t j = front[f];
            for (size_t q = g->row_ptr[j]; q < g->row_ptr[j + 1]; q++) {
                uint32_t i = g->col[q];
                double w = g->weight[q] / equity[i];
                inc[i] += (w < 1.0 ? w : 1.0) * h[j];
                if (!touched[i]) {
                    touched[i] = 1;
                    hit[nhit++] = i;
                }
            }
        }
        for (size_t f = 0; f < nfront; f++)
            state[front[f]] = ST_I;
        /* Apply them all at once (synchronous update), then the new distressed set. */
        size_t nnew = 0;
        for (size_t a = 0; a < nhit; a++) {
            uint32_t i = hit[a];
            double x = h[i] + inc[i];
            h[i] = x < 1.0 ? x : 1.0;
            inc[i] = 0.0;
            touched[i] = 0;
            if (state[i] == ST_U && h[i] > 0.0) {
                state[i] = ST_D;
                front[nnew++] = i; /* the old frontier is no longer needed */
            }
        }
        qsort(front, nnew, sizeof *front, cmp_u32);
        nfront = nnew;
        steps++;
    }
    double total = 0.0; /* sum_i (h_i(T) - h_i(1)) v_i: no cancellation between two sums */
    size_t distressed = 0;
    for (size_t i = 0; i < n; i++) {
        total += (h[i] - shock[i]) * value[i];
        distressed += h[i] > 0.0;
    }
    memcpy(distress, h, n * sizeof *h);
    if (info) {
        info->total = total;
        info->steps = steps;
        info->distressed = distressed;
    }
done:
    free(h);
    free(inc);
    free(state);
    free(touched);
    free(front);
    free(hit);
    return st;
}
