/* DebtRank: a hand-computed three-node case, a cycle (each node passes distress
 * on once), the economic values, edge cases and errors. */
#include <stdint.h>
#include <stdlib.h>

#include "core/debtrank.h"
#include "tests/harness.h"

#define TOL 1e-15

/* Three nodes 1, 2, 3 (indices 0, 1, 2). Liabilities (debtor -> creditor):
 *   2 owes 1: 4      so A_12 = 4 (1's exposure to 2)
 *   3 owes 2: 6      so A_23 = 6
 *   3 owes 1: 2      so A_13 = 2
 * Equity E = (10, 5, 8). Impacts W_ij = min(1, A_ij / E_i):
 *   W_12 = 0.4, W_23 = min(1, 1.2) = 1, W_13 = 0.2.
 * Shock: node 3 loses half its equity, h(1) = (0, 0, 0.5); 3 is D.
 * t = 2: h_1 = 0 + W_13 * 0.5 = 0.1, h_2 = 0 + W_23 * 0.5 = 0.5; 3 becomes I,
 *        1 and 2 become D.
 * t = 3: from the D nodes 1 (no debts: passes nothing) and 2 (owes 1):
 *        h_1 = 0.1 + W_12 * 0.5 = 0.3; 1 and 2 become I. No node is D: T = 3.
 *        (1 receives again although it is no longer U; it does not pass it on.)
 * h(T) = (0.3, 0.5, 0.5), two steps, three distressed nodes.
 * Values: external assets (14, 4, 10) plus interbank assets (what each is owed):
 *   (4 + 2, 6, 0) give totals (20, 10, 10) out of 40: v = (0.5, 0.25, 0.25).
 * R = sum h(T) v - sum h(1) v = (0.15 + 0.125 + 0.125) - 0.125 = 0.275. */
static void test_three_nodes(void)
{
    const cr_edge e[] = {{1, 0, 4}, {2, 1, 6}, {2, 0, 2}};
    const double equity[] = {10, 5, 8}, shock[] = {0, 0, 0.5}, ext[] = {14, 4, 10};
    cr_graph *g = NULL;
    cr_diag d;
    CR_REQUIRE(cr_graph_create_from_edges(3, e, 3, &g, &d) == CR_OK);
    double v[3], h[3];
    CR_REQUIRE(cr_debtrank_values(g, ext, v, &d) == CR_OK);
    CR_CHECK(v[0] == 0.5 && v[1] == 0.25 && v[2] == 0.25);
    cr_debtrank_info info;
    CR_REQUIRE(cr_debtrank_compute(g, equity, shock, v, h, &info, &d) == CR_OK);
    CR_CHECK_NEAR(h[0], 0.3, TOL);
    CR_CHECK_NEAR(h[1], 0.5, TOL);
    CR_CHECK_NEAR(h[2], 0.5, TOL);
    CR_CHECK_NEAR(info.total, 0.275, TOL);
    CR_CHECK(info.steps == 2 && info.distressed == 3);
    /* the shock on node 1 (no debts) goes nowhere: R = 0 after one step */
    const double shock1[] = {0.7, 0, 0};
    CR_REQUIRE(cr_debtrank_compute(g, equity, shock1, v, h, &info, &d) == CR_OK);
    CR_CHECK(h[0] == 0.7 && h[1] == 0.0 && h[2] == 0.0);
    CR_CHECK(info.total == 0.0 && info.steps == 1 && info.distressed == 1);
    /* no shock: nothing happens */
    const double none[] = {0, 0, 0};
    CR_REQUIRE(cr_debtrank_compute(g, equity, none, v, h, &info, &d) == CR_OK);
    CR_CHECK(info.total == 0.0 && info.steps == 0 && info.distressed == 0);
    cr_graph_free(&g);
}

/* A cycle 1 -> 2 -> 3 -> 1 (each owes the next 10), equity 5: every W = 1.
 * h(1) = (0.2, 0, 0). t = 2: 2 (creditor of 1) gets 0.2. t = 3: 3 gets 0.2.
 * t = 4: 1 (creditor of 3) gets 0.2 more, h_1 = 0.4, but 1 is inactive: it does
 * not pass it on again, and no node is D. h(T) = (0.4, 0.2, 0.2), 3 steps; with
 * equal values v = 1/3, R = (0.8 - 0.2) / 3 = 0.2. Distress is capped at 1:
 * with h(1) = (0.9, 0, 0), h_1 ends at min(1, 1.8) = 1. */
static void test_cycle(void)
{
    const cr_edge e[] = {{0, 1, 10}, {1, 2, 10}, {2, 0, 10}};
    const double equity[] = {5, 5, 5}, shock[] = {0.2, 0, 0}, v[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    cr_graph *g = NULL;
    CR_REQUIRE(cr_graph_create_from_edges(3, e, 3, &g, NULL) == CR_OK);
    double h[3];
    cr_debtrank_info info;
    CR_REQUIRE(cr_debtrank_compute(g, equity, shock, v, h, &info, NULL) == CR_OK);
    CR_CHECK_NEAR(h[0], 0.4, TOL);
    CR_CHECK_NEAR(h[1], 0.2, TOL);
    CR_CHECK_NEAR(h[2], 0.2, TOL);
    CR_CHECK_NEAR(info.total, 0.2, 4 * TOL);
    CR_CHECK(info.steps == 3);
    const double big[] = {0.9, 0, 0};
    CR_REQUIRE(cr_debtrank_compute(g, equity, big, v, h, &info, NULL) == CR_OK);
    CR_CHECK(h[0] == 1.0);
    CR_CHECK_NEAR(h[1], 0.9, TOL);
    CR_CHECK_NEAR(h[2], 0.9, TOL);
    cr_graph_free(&g);
}

/* Two shocked debtors hit one creditor in the same step: the increments add up
 * (synchronous update). 0 and 1 each owe 2 the amount 3; E_2 = 10, so W = 0.3
 * each; h(1) = (0.5, 1, 0): h_2 = 0.3 * 0.5 + 0.3 * 1 = 0.45. */
static void test_simultaneous(void)
{
    const cr_edge e[] = {{0, 2, 3}, {1, 2, 3}};
    const double equity[] = {1, 1, 10}, shock[] = {0.5, 1, 0}, v[] = {0.25, 0.25, 0.5};
    cr_graph *g = NULL;
    CR_REQUIRE(cr_graph_create_from_edges(3, e, 2, &g, NULL) == CR_OK);
    double h[3];
    cr_debtrank_info info;
    CR_REQUIRE(cr_debtrank_compute(g, equity, shock, v, h, &info, NULL) == CR_OK);
    CR_CHECK_NEAR(h[2], 0.45, TOL);
    CR_CHECK_NEAR(info.total, 0.225, TOL);
    CR_CHECK(info.steps == 2 && info.distressed == 3);
    cr_graph_free(&g);
}

static void test_errors(void)
{
    const cr_edge e[] = {{0, 1, 1}};
    cr_graph *g = NULL;
    cr_diag d;
    CR_REQUIRE(cr_graph_create_from_edges(2, e, 1, &g, NULL) == CR_OK);
    const double eq[] = {1, 1}, zero_eq[] = {1, 0}, sh[] = {0.5, 0}, bad_sh[] = {0, 1.5};
    const double v[] = {0.5, 0.5};
    double h[2] = {-1, -1};
    CR_CHECK(cr_debtrank_compute(g, zero_eq, sh, v, h, NULL, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "equity");
    CR_CHECK(cr_debtrank_compute(g, eq, bad_sh, v, h, NULL, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "shock");
    CR_CHECK(h[0] == -1); /* untouched */
    const double no_assets[] = {0, 0};
    double w[2];
    /* node 1 is owed 1: it has assets, so the values are (0, 1) */
    CR_CHECK(cr_debtrank_values(g, no_assets, w, &d) == CR_OK);
    CR_CHECK(w[0] == 0.0 && w[1] == 1.0);
    cr_graph_free(&g);
    CR_REQUIRE(cr_graph_create_from_edges(2, NULL, 0, &g, NULL) == CR_OK);
    CR_CHECK(cr_debtrank_values(g, no_assets, w, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "positive total");
    cr_graph_free(&g);
}

int main(void)
{
    CR_RUN(test_three_nodes);
    CR_RUN(test_cycle);
    CR_RUN(test_simultaneous);
    CR_RUN(test_errors);
    return cr_test_report();
}
