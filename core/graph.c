/* Directed weighted graphs in CSR storage: construction, transpose, degrees,
 * reciprocity and weakly connected components (see graph.h). */
#include "core/graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static cr_graph *graph_alloc(size_t n, size_t m)
{
    cr_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->n = n;
    g->m = m;
    g->row_ptr = calloc(n + 1, sizeof *g->row_ptr);
    g->col = malloc((m ? m : 1) * sizeof *g->col);
    g->weight = malloc((m ? m : 1) * sizeof *g->weight);
    if (!g->row_ptr || !g->col || !g->weight)
        cr_graph_free(&g);
    return g;
}

void cr_graph_free(cr_graph **g)
{
    if (!g || !*g)
        return;
    free((*g)->row_ptr);
    free((*g)->col);
    free((*g)->weight);
    free(*g);
    *g = NULL;
}

/* Stable counting sort of the edge indices `in` (count k) by key(edge): writes
 * `out`; cnt has n + 1 entries (scratch). */
static void counting_sort(const cr_edge *e, const size_t *in, size_t k, size_t n, int by_from,
                          size_t *cnt, size_t *out)
{
    memset(cnt, 0, (n + 1) * sizeof *cnt);
    for (size_t q = 0; q < k; q++) {
        const cr_edge *x = &e[in ? in[q] : q];
        cnt[(by_from ? x->from : x->to) + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        cnt[i + 1] += cnt[i];
    for (size_t q = 0; q < k; q++) {
        size_t idx = in ? in[q] : q;
        out[cnt[by_from ? e[idx].from : e[idx].to]++] = idx;
    }
}

cr_status cr_graph_create_from_edges(size_t n, const cr_edge *edges, size_t nedges, cr_graph **out,
                                     cr_diag *d)
{
    if (!out || (nedges > 0 && !edges))
        return cr_diag_set(d, CR_EINVAL, "graph: no edge list or no output handle");
    if (n > CR_GRAPH_MAX_NODES)
        return cr_diag_set(d, CR_EINVAL, "graph: %zu nodes exceed the limit of %zu", n,
                           CR_GRAPH_MAX_NODES);
    for (size_t k = 0; k < nedges; k++) {
        if (edges[k].from >= n || edges[k].to >= n)
            return cr_diag_set(d, CR_EINVAL, "graph: edge %zu (%lu -> %lu) has an endpoint >= %zu",
                               k, (unsigned long)edges[k].from, (unsigned long)edges[k].to, n);
        if (!isfinite(edges[k].weight))
            return cr_diag_set(d, CR_EINVAL, "graph: edge %zu (%lu -> %lu) has weight %g", k,
                               (unsigned long)edges[k].from, (unsigned long)edges[k].to,
                               edges[k].weight);
    }
    size_t *cnt = malloc((n + 1) * sizeof *cnt);
    size_t *by_to = malloc((nedges ? nedges : 1) * sizeof *by_to);
    size_t *order = malloc((nedges ? nedges : 1) * sizeof *order);
    cr_graph *g = graph_alloc(n, nedges);
    if (!cnt || !by_to || !order || !g) {
        free(cnt);
        free(by_to);
        free(order);
        cr_graph_free(&g);
        return cr_diag_set(d, CR_ENOMEM, "graph: out of memory for %zu nodes and %zu edges", n,
                           nedges);
    }
    /* Radix sort on (from, to): by the minor key first, then stably by the major. */
    counting_sort(edges, NULL, nedges, n, 0, cnt, by_to);
    counting_sort(edges, by_to, nedges, n, 1, cnt, order);
    /* Merge runs of equal (from, to), summing weights in input order. */
    size_t m = 0, q = 0;
    for (size_t i = 0; i < n; i++) {
        g->row_ptr[i] = m;
        while (q < nedges && edges[order[q]].from == i) {
            const cr_edge *x = &edges[order[q]];
            if (m > g->row_ptr[i] && g->col[m - 1] == x->to) {
                g->weight[m - 1] += x->weight;
            } else {
                g->col[m] = x->to;
                g->weight[m] = x->weight;
                m++;
            }
            q++;
        }
    }
    g->row_ptr[n] = m;
    g->m = m;
    free(cnt);
    free(by_to);
    free(order);
    if (m < nedges && m > 0) { /* give back what merging saved; keeping it is harmless */
        uint32_t *c = realloc(g->col, m * sizeof *c);
        if (c)
            g->col = c;
        double *w = realloc(g->weight, m * sizeof *w);
        if (w)
            g->weight = w;
    }
    *out = g;
    return CR_OK;
}

cr_status cr_graph_transpose(const cr_graph *g, cr_graph **out, cr_diag *d)
{
    if (!g || !out)
        return cr_diag_set(d, CR_EINVAL, "graph: no graph or no output handle");
    cr_graph *t = graph_alloc(g->n, g->m);
    size_t *pos = malloc((g->n + 1) * sizeof *pos);
    if (!t || !pos) {
        cr_graph_free(&t);
        free(pos);
        return cr_diag_set(d, CR_ENOMEM, "graph: out of memory for the transpose");
    }
    for (size_t k = 0; k < g->m; k++)
        t->row_ptr[g->col[k] + 1]++;
    for (size_t i = 0; i < g->n; i++)
        t->row_ptr[i + 1] += t->row_ptr[i];
    memcpy(pos, t->row_ptr, (g->n + 1) * sizeof *pos);
    /* Rows of g in order: the sources of each row of t come out ascending. */
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++) {
            size_t p = pos[g->col[k]]++;
            t->col[p] = (uint32_t)i;
            t->weight[p] = g->weight[k];
        }
    }
    free(pos);
    *out = t;
    return CR_OK;
}

size_t cr_graph_out_degree(const cr_graph *g, size_t i)
{
    return g->row_ptr[i + 1] - g->row_ptr[i];
}

double cr_graph_out_strength(const cr_graph *g, size_t i)
{
    double s = 0.0;
    for (size_t k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++)
        s += g->weight[k];
    return s;
}

void cr_graph_in_degrees(const cr_graph *g, size_t *deg)
{
    memset(deg, 0, g->n * sizeof *deg);
    for (size_t k = 0; k < g->m; k++)
        deg[g->col[k]]++;
}

void cr_graph_in_strengths(const cr_graph *g, double *s)
{
    for (size_t i = 0; i < g->n; i++)
        s[i] = 0.0;
    for (size_t k = 0; k < g->m; k++)
        s[g->col[k]] += g->weight[k];
}

bool cr_graph_find_edge(const cr_graph *g, size_t from, size_t to, double *w)
{
    if (from >= g->n || to >= g->n)
        return false;
    size_t lo = g->row_ptr[from], hi = g->row_ptr[from + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->col[mid] < to) {
            lo = mid + 1;
        } else if (g->col[mid] > to) {
            hi = mid;
        } else {
            if (w)
                *w = g->weight[mid];
            return true;
        }
    }
    return false;
}

double cr_graph_reciprocity(const cr_graph *g)
{
    size_t edges = 0, mutual = 0;
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++) {
            if (g->col[k] == i)
                continue;
            edges++;
            if (cr_graph_find_edge(g, g->col[k], i, NULL))
                mutual++;
        }
    }
    return edges ? (double)mutual / (double)edges : 0.0;
}

/* Union-find root with path halving. */
static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

cr_status cr_graph_weak_components(const cr_graph *g, uint32_t *membership, cr_graph_wcc *out,
                                   cr_diag *d)
{
    if (!g || !out)
        return cr_diag_set(d, CR_EINVAL, "graph: no graph or no output");
    size_t n = g->n;
    uint32_t *parent = malloc((n ? n : 1) * sizeof *parent);
    uint32_t *size = malloc((n ? n : 1) * sizeof *size); /* by root; later by label */
    uint32_t *label = malloc((n ? n : 1) * sizeof *label);
    if (!parent || !size || !label) {
        free(parent);
        free(size);
        free(label);
        return cr_diag_set(d, CR_ENOMEM, "graph: out of memory for the components");
    }
    for (size_t i = 0; i < n; i++) {
        parent[i] = (uint32_t)i;
        size[i] = 1;
        label[i] = UINT32_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++) {
            uint32_t a = uf_find(parent, (uint32_t)i), b = uf_find(parent, g->col[k]);
            if (a == b)
                continue;
            if (size[a] < size[b]) { /* union by size */
                uint32_t t = a;
                a = b;
                b = t;
            }
            parent[b] = a;
            size[a] += size[b];
        }
    }
    /* Label the roots in the order of their components' smallest node. */
    cr_graph_wcc r = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        uint32_t root = uf_find(parent, (uint32_t)i);
        if (label[root] == UINT32_MAX) {
            label[root] = (uint32_t)r.ncomponents++;
            if (size[root] > r.largest_size) {
                r.largest_size = size[root];
                r.largest = label[root];
            }
        }
        if (membership)
            membership[i] = label[root];
    }
    free(parent);
    free(size);
    free(label);
    *out = r;
    return CR_OK;
}
