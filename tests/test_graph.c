/* CSR graphs: construction order, duplicates summed, degrees, strengths, transpose,
 * reciprocity, weakly connected components, errors; a random graph against a
 * brute-force dense matrix. */
#include <stdint.h>
#include <stdlib.h>

#include "core/graph.h"
#include "tests/harness.h"

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Edges in no particular order, with two duplicate pairs (0->1 twice, 2->1 twice). */
static const cr_edge small[] = {
    {2, 1, 1.0}, {0, 3, 2.0}, {0, 1, 0.5}, {2, 1, 2.5}, {0, 1, 0.25}, {3, 0, 1.0},
};

static void test_order_and_duplicates(void)
{
    cr_graph *g = NULL;
    cr_diag d;
    CR_REQUIRE(cr_graph_create_from_edges(4, small, 6, &g, &d) == CR_OK);
    CR_CHECK(g->n == 4 && g->m == 4);
    const size_t row[] = {0, 2, 2, 3, 4};
    const uint32_t col[] = {1, 3, 1, 0};
    const double w[] = {0.75, 2.0, 3.5, 1.0};
    for (int i = 0; i < 5; i++)
        CR_CHECK(g->row_ptr[i] == row[i]);
    for (int k = 0; k < 4; k++) {
        CR_CHECK(g->col[k] == col[k]);
        CR_CHECK(g->weight[k] == w[k]);
    }
    /* degrees and strengths */
    CR_CHECK(cr_graph_out_degree(g, 0) == 2 && cr_graph_out_degree(g, 1) == 0);
    CR_CHECK(cr_graph_out_degree(g, 2) == 1 && cr_graph_out_degree(g, 3) == 1);
    CR_CHECK(cr_graph_out_strength(g, 0) == 2.75 && cr_graph_out_strength(g, 1) == 0.0);
    size_t in[4];
    double s[4];
    cr_graph_in_degrees(g, in);
    cr_graph_in_strengths(g, s);
    CR_CHECK(in[0] == 1 && in[1] == 2 && in[2] == 0 && in[3] == 1);
    CR_CHECK(s[0] == 1.0 && s[1] == 4.25 && s[2] == 0.0 && s[3] == 2.0);
    double x = 0;
    CR_CHECK(cr_graph_find_edge(g, 2, 1, &x) && x == 3.5);
    CR_CHECK(!cr_graph_find_edge(g, 1, 2, &x));
    CR_CHECK(!cr_graph_find_edge(g, 0, 9, NULL));
    /* 0->1, 0->3, 2->1, 3->0: only 0->3 and 3->0 are mutual */
    CR_CHECK(cr_graph_reciprocity(g) == 0.5);
    cr_graph_free(&g);
    CR_CHECK(g == NULL);
    cr_graph_free(&g); /* safe twice */
}

static void test_transpose(void)
{
    cr_graph *g = NULL, *t = NULL, *tt = NULL;
    CR_REQUIRE(cr_graph_create_from_edges(4, small, 6, &g, NULL) == CR_OK);
    CR_REQUIRE(cr_graph_transpose(g, &t, NULL) == CR_OK);
    /* rows of t are in-edges: 0 <- 3 (1); 1 <- 0 (0.75), 2 (3.5); 3 <- 0 (2) */
    const size_t row[] = {0, 1, 3, 3, 4};
    const uint32_t col[] = {3, 0, 2, 0};
    const double w[] = {1.0, 0.75, 3.5, 2.0};
    for (int i = 0; i < 5; i++)
        CR_CHECK(t->row_ptr[i] == row[i]);
    for (int k = 0; k < 4; k++)
        CR_CHECK(t->col[k] == col[k] && t->weight[k] == w[k]);
    CR_REQUIRE(cr_graph_transpose(t, &tt, NULL) == CR_OK); /* round trip */
    for (size_t i = 0; i <= g->n; i++)
        CR_CHECK(tt->row_ptr[i] == g->row_ptr[i]);
    for (size_t k = 0; k < g->m; k++)
        CR_CHECK(tt->col[k] == g->col[k] && tt->weight[k] == g->weight[k]);
    cr_graph_free(&g);
    cr_graph_free(&t);
    cr_graph_free(&tt);
}

static void test_reciprocity(void)
{
    cr_graph *g = NULL;
    /* a mutual pair, a self-loop (ignored) and one one-way edge: 2 of 3 edges mutual */
    const cr_edge e[] = {{0, 1, 1}, {1, 0, 1}, {2, 2, 5}, {1, 2, 1}};
    CR_REQUIRE(cr_graph_create_from_edges(3, e, 4, &g, NULL) == CR_OK);
    CR_CHECK_NEAR(cr_graph_reciprocity(g), 2.0 / 3.0, 1e-15);
    cr_graph_free(&g);
    /* only a self-loop, and no edges at all: 0 */
    CR_REQUIRE(cr_graph_create_from_edges(3, e + 2, 1, &g, NULL) == CR_OK);
    CR_CHECK(g->m == 1 && cr_graph_reciprocity(g) == 0.0);
    cr_graph_free(&g);
    CR_REQUIRE(cr_graph_create_from_edges(3, NULL, 0, &g, NULL) == CR_OK);
    CR_CHECK(g->m == 0 && cr_graph_reciprocity(g) == 0.0);
    cr_graph_free(&g);
}

static void test_components(void)
{
    cr_graph *g = NULL;
    cr_graph_wcc w;
    uint32_t mem[7];
    /* {0,1,2} (edges point both ways into 1), {3}, {4,5}, {6} */
    const cr_edge a[] = {{0, 1, 1}, {2, 1, 1}, {4, 5, 1}};
    CR_REQUIRE(cr_graph_create_from_edges(7, a, 3, &g, NULL) == CR_OK);
    CR_REQUIRE(cr_graph_weak_components(g, mem, &w, NULL) == CR_OK);
    const uint32_t want[] = {0, 0, 0, 1, 2, 2, 3};
    for (int i = 0; i < 7; i++)
        CR_CHECK(mem[i] == want[i]);
    CR_CHECK(w.ncomponents == 4 && w.largest_size == 3 && w.largest == 0);
    cr_graph_free(&g);
    /* the largest is last: {0,1}, {2}, {3,4,5} (a directed cycle) */
    const cr_edge b[] = {{3, 4, 1}, {4, 5, 1}, {5, 3, 1}, {1, 0, 1}};
    CR_REQUIRE(cr_graph_create_from_edges(6, b, 4, &g, NULL) == CR_OK);
    CR_REQUIRE(cr_graph_weak_components(g, NULL, &w, NULL) == CR_OK);
    CR_CHECK(w.ncomponents == 3 && w.largest_size == 3 && w.largest == 2);
    cr_graph_free(&g);
    /* ties: two components of 2, the first label wins; the empty graph */
    const cr_edge c[] = {{3, 2, 1}, {1, 0, 1}};
    CR_REQUIRE(cr_graph_create_from_edges(4, c, 2, &g, NULL) == CR_OK);
    CR_REQUIRE(cr_graph_weak_components(g, mem, &w, NULL) == CR_OK);
    CR_CHECK(w.ncomponents == 2 && w.largest_size == 2 && w.largest == 0);
    CR_CHECK(mem[2] == 1 && mem[3] == 1);
    cr_graph_free(&g);
    CR_REQUIRE(cr_graph_create_from_edges(0, NULL, 0, &g, NULL) == CR_OK);
    CR_REQUIRE(cr_graph_weak_components(g, NULL, &w, NULL) == CR_OK);
    CR_CHECK(w.ncomponents == 0 && w.largest_size == 0);
    cr_graph_free(&g);
}

static void test_errors(void)
{
    cr_graph *g = NULL;
    cr_diag d;
    const cr_edge out_of_range[] = {{0, 1, 1}, {1, 3, 1}};
    CR_CHECK(cr_graph_create_from_edges(3, out_of_range, 2, &g, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "edge 1 (1 -> 3)");
    CR_CHECK(g == NULL);
    const cr_edge nan_weight[] = {{0, 1, NAN}};
    CR_CHECK(cr_graph_create_from_edges(3, nan_weight, 1, &g, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "weight");
    CR_CHECK(cr_graph_create_from_edges(3, NULL, 2, &g, &d) == CR_EINVAL);
    CR_CHECK(g == NULL);
}

/* A random multigraph against a dense matrix: same sums, rows sorted, degrees, and
 * the same CSR whatever the order of the input (integer weights: exact sums). */
static void test_random_against_dense(void)
{
    enum { N = 60, M = 900 };
    uint64_t seed = 20261127;
    cr_edge *e = malloc(M * sizeof *e);
    double *dense = calloc(N * N, sizeof *dense);
    int *count = calloc(N * N, sizeof *count);
    CR_REQUIRE(e && dense && count);
    for (int k = 0; k < M; k++) {
        e[k].from = (uint32_t)(splitmix(&seed) % N);
        e[k].to = (uint32_t)(splitmix(&seed) % N);
        e[k].weight = (double)(splitmix(&seed) % 100);
        dense[e[k].from * N + e[k].to] += e[k].weight;
        count[e[k].from * N + e[k].to]++;
    }
    cr_graph *g = NULL, *h = NULL;
    CR_REQUIRE(cr_graph_create_from_edges(N, e, M, &g, NULL) == CR_OK);
    size_t m = 0, in[N];
    cr_graph_in_degrees(g, in);
    for (int i = 0; i < N; i++) {
        size_t deg = 0, indeg = 0;
        for (int j = 0; j < N; j++) {
            double w = -1;
            int has = cr_graph_find_edge(g, (size_t)i, (size_t)j, &w);
            CR_CHECK(has == (count[i * N + j] > 0));
            if (has)
                CR_CHECK(w == dense[i * N + j]);
            deg += count[i * N + j] > 0;
            indeg += count[j * N + i] > 0;
        }
        CR_CHECK(cr_graph_out_degree(g, (size_t)i) == deg);
        CR_CHECK(in[i] == indeg);
        for (size_t k = g->row_ptr[i] + 1; k < g->row_ptr[i + 1]; k++)
            CR_CHECK(g->col[k - 1] < g->col[k]);
        m += deg;
    }
    CR_CHECK(g->m == m);
    for (int k = M - 1; k > 0; k--) { /* Fisher-Yates shuffle of the input */
        int j = (int)(splitmix(&seed) % (uint64_t)(k + 1));
        cr_edge t = e[k];
        e[k] = e[j];
        e[j] = t;
    }
    CR_REQUIRE(cr_graph_create_from_edges(N, e, M, &h, NULL) == CR_OK);
    CR_CHECK(h->m == g->m);
    for (size_t i = 0; i <= g->n; i++)
        CR_CHECK(h->row_ptr[i] == g->row_ptr[i]);
    for (size_t k = 0; k < g->m; k++)
        CR_CHECK(h->col[k] == g->col[k] && h->weight[k] == g->weight[k]);
    cr_graph_free(&g);
    cr_graph_free(&h);
    free(e);
    free(dense);
    free(count);
}

int main(void)
{
    CR_RUN(test_order_and_duplicates);
    CR_RUN(test_transpose);
    CR_RUN(test_reciprocity);
    CR_RUN(test_components);
    CR_RUN(test_errors);
    CR_RUN(test_random_against_dense);
    return cr_test_report();
}
