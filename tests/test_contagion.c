/* Guarantee cascades on small hand-built networks with known default sets, and the
 * bookkeeping: what guarantors pay is what borrowers receive. */
#include <stdlib.h>
#include <string.h>

#include "core/contagion.h"
#include "harness.h"

/* Builds borrower -> guarantor edges with weight 1 (the guarantor covers the whole
 * loan) from pairs {borrower, guarantor}. */
static cr_graph *net(size_t n, const uint32_t (*pairs)[2], size_t m)
{
    cr_edge *e = calloc(m + 1, sizeof *e);
    for (size_t k = 0; k < m; k++)
        e[k] = (cr_edge){pairs[k][0], pairs[k][1], 1.0};
    cr_graph *g = NULL;
    cr_diag d;
    cr_graph_create_from_edges(n, e, m, &g, &d);
    free(e);
    return g;
}

static void run(const cr_graph *g, const double *loan, double *equity, uint8_t *state, double *paid,
                uint32_t *cascade, cr_contagion_stats *st)
{
    cr_contagion_work w;
    cr_contagion_work_init(&w);
    CR_CHECK(cr_contagion_run(g, NULL, loan, equity, state, paid, cascade, NULL, st, &w) == CR_OK);
    cr_contagion_work_destroy(&w);
}

/* Mutual pair 0 <-> 1: 0 defaults with loan 10; 1 guarantees it with equity 4 < 10,
 * so 1 pays 4 and defaults; 1's loan (10) calls 0, which is down: nothing more. */
static void test_mutual_pair(void)
{
    const uint32_t pairs[][2] = {{0, 1}, {1, 0}};
    cr_graph *g = net(2, pairs, 2);
    double loan[] = {10, 10}, equity[] = {0, 4}, paid[2];
    uint8_t state[] = {CR_NODE_FUNDAMENTAL, CR_NODE_ALIVE};
    uint32_t cascade[2];
    cr_contagion_stats st;
    run(g, loan, equity, state, paid, cascade, &st);
    CR_CHECK(state[1] == CR_NODE_CONTAGION);
    CR_CHECK(paid[0] == 4.0 && paid[1] == 0.0 && equity[1] == 0.0);
    CR_CHECK(st.contagion == 1 && st.rounds == 1 && st.largest == 2 && cascade[1] == 0);
    CR_CHECK(st.paid == 4.0);
    cr_graph_free(&g);
}

/* Chain 0 <- 1 <- 2 <- 3 (1 guarantees 0, 2 guarantees 1, ...), loans 5 each:
 * equities 1, 1, 10: 1 fails (pays 1), 2 fails (pays 1 on 1's loan), 3 pays 5 in
 * full and survives with 5. Three defaults in the cascade of root 0, two rounds. */
static void test_chain(void)
{
    const uint32_t pairs[][2] = {{0, 1}, {1, 2}, {2, 3}};
    cr_graph *g = net(4, pairs, 3);
    double loan[] = {5, 5, 5, 5}, equity[] = {0, 1, 1, 10}, paid[4];
    uint8_t state[] = {CR_NODE_FUNDAMENTAL, CR_NODE_ALIVE, CR_NODE_ALIVE, CR_NODE_ALIVE};
    uint32_t cascade[4];
    cr_contagion_stats st;
    run(g, loan, equity, state, paid, cascade, &st);
    CR_CHECK(state[1] == CR_NODE_CONTAGION && state[2] == CR_NODE_CONTAGION);
    CR_CHECK(state[3] == CR_NODE_ALIVE && equity[3] == 5.0);
    CR_CHECK(paid[0] == 1.0 && paid[1] == 1.0 && paid[2] == 5.0);
    CR_CHECK(st.rounds == 2 && st.contagion == 2 && st.largest == 3);
    CR_CHECK(st.paid == 7.0);
    cr_graph_free(&g);
}

/* Star: hub 0 guarantees 1..4 (loans 3 each); 1, 2, 3 default: calls 9 on the hub
 * with equity 6 -> the hub pays 6 pro rata (2 on each) and defaults; 4 survives. A
 * second star with enough equity pays in full. */
static void test_star(void)
{
    const uint32_t pairs[][2] = {{1, 0}, {2, 0}, {3, 0}, {4, 0}};
    cr_graph *g = net(5, pairs, 4);
    double loan[] = {0, 3, 3, 3, 3}, equity[] = {6, 0, 0, 0, 0}, paid[5];
    uint8_t state[] = {CR_NODE_ALIVE, CR_NODE_FUNDAMENTAL, CR_NODE_FUNDAMENTAL, CR_NODE_FUNDAMENTAL,
                       CR_NODE_ALIVE};
    uint32_t cascade[5];
    cr_contagion_stats st;
    run(g, loan, equity, state, paid, cascade, &st);
    CR_CHECK(state[0] == CR_NODE_CONTAGION && state[4] == CR_NODE_ALIVE);
    CR_CHECK_NEAR(paid[1], 2.0, 1e-15);
    CR_CHECK_NEAR(paid[2], 2.0, 1e-15);
    CR_CHECK_NEAR(paid[3], 2.0, 1e-15);
    CR_CHECK(cascade[0] == 1 && st.largest == 2 && st.contagion == 1);
    double loan2[] = {0, 3, 3, 3, 3}, equity2[] = {20, 0, 0, 0, 0};
    uint8_t state2[] = {CR_NODE_ALIVE, CR_NODE_FUNDAMENTAL, CR_NODE_FUNDAMENTAL,
                        CR_NODE_FUNDAMENTAL, CR_NODE_ALIVE};
    run(g, loan2, equity2, state2, paid, cascade, &st);
    CR_CHECK(state2[0] == CR_NODE_ALIVE && equity2[0] == 11.0 && st.contagion == 0);
    CR_CHECK(st.largest == 1 && st.rounds == 0);
    cr_graph_free(&g);
}

/* Receivables: buyer 0 fails; supplier 1 holds a receivable of 5 on it with equity
 * 3 and fails; supplier 2 holds 2 with equity 10 and survives with 8; 1's failure
 * makes its guarantor 3 pay its loan's call (loan 4, equity 10 -> pays 4). */
static void test_receivables(void)
{
    const uint32_t gpairs[][2] = {{1, 3}};
    cr_graph *g = net(4, gpairs, 1);
    cr_edge re[] = {{0, 1, 5.0}, {0, 2, 2.0}};
    cr_graph *rec = NULL;
    cr_diag d;
    CR_REQUIRE(cr_graph_create_from_edges(4, re, 2, &rec, &d) == CR_OK);
    double loan[] = {0, 4, 0, 0}, equity[] = {0, 3, 10, 10}, paid[4];
    uint8_t state[] = {CR_NODE_FUNDAMENTAL, CR_NODE_ALIVE, CR_NODE_ALIVE, CR_NODE_ALIVE};
    uint32_t cascade[4];
    cr_contagion_stats st;
    cr_contagion_work w;
    cr_contagion_work_init(&w);
    CR_CHECK(cr_contagion_run(g, rec, loan, equity, state, paid, cascade, NULL, &st, &w) == CR_OK);
    cr_contagion_work_destroy(&w);
    CR_CHECK(state[1] == CR_NODE_CONTAGION && state[2] == CR_NODE_ALIVE);
    CR_CHECK(equity[1] == 0.0 && equity[2] == 8.0 && equity[3] == 6.0);
    CR_CHECK(paid[1] == 4.0);
    CR_CHECK_NEAR(st.lost, 3.0 + 2.0, 1e-15); /* 1 absorbs all it had (3), 2 absorbs 2 */
    CR_CHECK(st.contagion == 1 && st.largest == 2 && cascade[1] == 0);
    cr_graph_free(&g);
    cr_graph_free(&rec);
}

/* Random networks: payments received equal payments made; a node that kept
 * positive equity never defaulted; down nodes pay nothing. */
static void test_conservation(void)
{
    const size_t n = 2000, m = 6000;
    cr_edge *e = calloc(m, sizeof *e);
    unsigned long x = 12345;
    for (size_t k = 0; k < m; k++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        uint32_t a = (uint32_t)((x >> 33) % n), b = (uint32_t)((x >> 13) % n);
        e[k] = (cr_edge){a, b == a ? (b + 1) % (uint32_t)n : b, 0.5};
    }
    cr_graph *g = NULL;
    cr_diag d;
    CR_REQUIRE(cr_graph_create_from_edges(n, e, m, &g, &d) == CR_OK);
    double *loan = calloc(n, sizeof *loan), *equity = calloc(n, sizeof *equity);
    double *eq0 = calloc(n, sizeof *eq0), *paid = calloc(n, sizeof *paid);
    uint8_t *state = calloc(n, 1);
    uint32_t *cascade = calloc(n, sizeof *cascade);
    for (size_t v = 0; v < n; v++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        loan[v] = 1.0 + (double)((x >> 40) % 100) / 10.0;
        equity[v] = eq0[v] = (double)((x >> 20) % 100) / 20.0;
        state[v] = (x >> 50) % 20 == 0 ? CR_NODE_FUNDAMENTAL : CR_NODE_ALIVE;
    }
    cr_contagion_stats st;
    run(g, loan, equity, state, paid, cascade, &st);
    double received = 0.0, given = 0.0;
    for (size_t v = 0; v < n; v++) {
        received += paid[v];
        given += eq0[v] - equity[v];
        if (state[v] == CR_NODE_CONTAGION)
            CR_CHECK(equity[v] == 0.0);
    }
    CR_CHECK_NEAR(received, given, 1e-9 * (given + 1.0));
    CR_CHECK_NEAR(st.paid, given, 1e-9 * (given + 1.0));
    CR_CHECK(st.contagion > 0);
    free(e);
    free(loan);
    free(equity);
    free(eq0);
    free(paid);
    free(state);
    free(cascade);
    cr_graph_free(&g);
}

int main(void)
{
    CR_RUN(test_mutual_pair);
    CR_RUN(test_chain);
    CR_RUN(test_star);
    CR_RUN(test_receivables);
    CR_RUN(test_conservation);
    return cr_test_report();
}
