/* Eisenberg-Noe clearing vectors: hand-solved networks (a chain, rings, a case that
 * needs several rounds of the fictitious-default algorithm), the clearing property
 * by substitution on random networks, and the greatest clearing vector against a
 * brute-force Picard iteration from p_bar.
 *
 * Notation: L_ij is what i owes j (edge i -> j), e_i external assets, b_i external
 * liabilities, p_bar_i = sum_j L_ij + b_i, Pi_ij = L_ij / p_bar_i, and node i's
 * assets are e_i + sum_k Pi_ki p_k. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "core/clearing.h"
#include "tests/harness.h"

#define TOL 1e-12

typedef struct {
    double p[8];
    uint8_t def[8];
    cr_clearing_info info;
} solved;

static cr_status solve(size_t n, const cr_edge *e, size_t m, const double *ext_a,
                       const double *ext_l, solved *out)
{
    cr_graph *g = NULL;
    cr_diag d;
    cr_status st = cr_graph_create_from_edges(n, e, m, &g, &d);
    if (st == CR_OK)
        st = cr_clearing_solve(g, ext_a, ext_l, out->p, out->def, &out->info, &d);
    if (st == CR_OK)
        CR_CHECK(cr_clearing_residual(g, ext_a, ext_l, out->p) <= TOL);
    else
        fprintf(stderr, "solve: %s\n", d.msg);
    cr_graph_free(&g);
    return st;
}

/* A chain A -> B -> C -> D (A owes B 10, B owes C 8, C owes D 8), D owes 4 outside.
 *   e = (5, 2, 0.5, 0), b = (0, 0, 0, 4), p_bar = (10, 8, 8, 4).
 * Round 1 (all pay in full): A has 5 < 10: A defaults. B has 2 + 10 = 12, C has
 *   0.5 + 8 = 8.5, D has 8: all solvent.
 * Round 2 (A pays what it has, 5): B has 2 + 5 = 7 < 8: B defaults.
 * Round 3 (B pays 7): C has 0.5 + 7 = 7.5 < 8: C defaults; D has 7.5 >= 4.
 * Then D still pays in full: the set stops growing after 3 rounds.
 *   p = (5, 7, 7.5, 4), defaulted = (1, 1, 1, 0). */
static void test_chain(void)
{
    const cr_edge e[] = {{0, 1, 10}, {1, 2, 8}, {2, 3, 8}};
    const double a[] = {5, 2, 0.5, 0}, b[] = {0, 0, 0, 4};
    solved s;
    CR_REQUIRE(solve(4, e, 3, a, b, &s) == CR_OK);
    const double want[] = {5, 7, 7.5, 4};
    for (int i = 0; i < 4; i++)
        CR_CHECK_NEAR(s.p[i], want[i], TOL * 10);
    CR_CHECK(s.def[0] && s.def[1] && s.def[2] && !s.def[3]);
    CR_CHECK(s.info.rounds == 3 && s.info.defaults == 3);
}

/* A ring A -> B -> C -> A, 10 each; A also owes 10 outside.
 *   e = (4, 1, 1.5), b = (10, 0, 0), p_bar = (20, 10, 10),
 *   Pi_AB = 1/2 (A's other half goes outside), Pi_BC = 1, Pi_CA = 1.
 * Round 1: A has 4 + 10 = 14 < 20: defaults. B has 1 + 10 = 11, C has 1.5 + 10 = 11.5.
 * Round 2, D = {A}: p_A = 4 + p_C = 14; B has 1 + 14/2 = 8 < 10: defaults.
 * Round 3, D = {A, B}: p_A = 14, p_B = 1 + 7 = 8; C has 1.5 + 8 = 9.5 < 10: defaults.
 * Round 4, D = {A, B, C}: p_A = 4 + p_C, p_B = 1 + p_A/2, p_C = 1.5 + p_B, so
 *   p_A = 6.5 + p_A/2: p_A = 13, p_B = 7.5, p_C = 9 (each below its p_bar).
 * Three rounds added defaulters; the outside creditor of A receives 6.5. */
static void test_ring_several_rounds(void)
{
    const cr_edge e[] = {{0, 1, 10}, {1, 2, 10}, {2, 0, 10}};
    const double a[] = {4, 1, 1.5}, b[] = {10, 0, 0};
    solved s;
    CR_REQUIRE(solve(3, e, 3, a, b, &s) == CR_OK);
    CR_CHECK_NEAR(s.p[0], 13.0, TOL * 20);
    CR_CHECK_NEAR(s.p[1], 7.5, TOL * 10);
    CR_CHECK_NEAR(s.p[2], 9.0, TOL * 10);
    CR_CHECK(s.def[0] && s.def[1] && s.def[2]);
    CR_CHECK(s.info.rounds == 3 && s.info.defaults == 3);
}

/* A symmetric ring where every node defaults in the first round: each owes 10 to
 * the next and 5 outside (p_bar = 15, Pi to the next = 2/3) and has e = 3.
 * Round 1: each has 3 + 10 = 13 < 15. Round 2 solves p = 3 + (2/3) p: p = 9 for
 * all (check: 3 + 2/3 * 9 = 9 < 15). One round. */
static void test_ring_simultaneous(void)
{
    const cr_edge e[] = {{0, 1, 10}, {1, 2, 10}, {2, 0, 10}};
    const double a[] = {3, 3, 3}, b[] = {5, 5, 5};
    solved s;
    CR_REQUIRE(solve(3, e, 3, a, b, &s) == CR_OK);
    for (int i = 0; i < 3; i++) {
        CR_CHECK_NEAR(s.p[i], 9.0, TOL * 10);
        CR_CHECK(s.def[i]);
    }
    CR_CHECK(s.info.rounds == 1 && s.info.defaults == 3);
}

/* A balanced ring without outside assets or debts: everyone pays in full (the
 * greatest clearing vector; p = 0 would be a fixed point too). No round. */
static void test_ring_solvent(void)
{
    const cr_edge e[] = {{0, 1, 10}, {1, 2, 10}, {2, 0, 10}};
    const double a[] = {0, 0, 0}, b[] = {0, 0, 0};
    solved s;
    CR_REQUIRE(solve(3, e, 3, a, b, &s) == CR_OK);
    for (int i = 0; i < 3; i++)
        CR_CHECK(s.p[i] == 10.0 && !s.def[i]);
    CR_CHECK(s.info.rounds == 0 && s.info.defaults == 0);
}

/* Small cases: a node with no liabilities pays 0 and never defaults; a lone node
 * owing 5 outside with 3 of assets pays 3; zero assets and a ring without inflow
 * pay 0. The mutual pair A <-> B (A owes B 6, B owes A 4), A owes 2 outside:
 *   e = (1, 0), p_bar = (8, 4), Pi_AB = 3/4, Pi_BA = 1.
 * Round 1: A has 1 + 4 = 5 < 8: defaults; B has 6 >= 4.
 * Round 2: p_A = 1 + 4 = 5; B has 3/4 * 5 = 3.75 < 4: defaults.
 * Round 3: p_A = 1 + p_B, p_B = 3/4 p_A: p_A = 4, p_B = 3. */
static void test_small_cases(void)
{
    solved s;
    const double z[] = {0, 0, 0}, a1[] = {7, 3, 0}, b1[] = {0, 5, 0};
    CR_REQUIRE(solve(3, NULL, 0, a1, b1, &s) == CR_OK);
    CR_CHECK(s.p[0] == 0.0 && !s.def[0]);
    CR_CHECK(s.p[1] == 3.0 && s.def[1]);
    CR_CHECK(s.p[2] == 0.0 && !s.def[2]);
    CR_CHECK(s.info.rounds == 1 && s.info.defaults == 1);
    const cr_edge ring[] = {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}};
    const double b2[] = {1, 0, 0};
    CR_REQUIRE(solve(3, ring, 3, z, b2, &s) == CR_OK);
    for (int i = 0; i < 3; i++)
        CR_CHECK(s.p[i] == 0.0 && s.def[i]);
    const cr_edge pair[] = {{0, 1, 6}, {1, 0, 4}};
    const double a3[] = {1, 0}, b3[] = {2, 0};
    CR_REQUIRE(solve(2, pair, 2, a3, b3, &s) == CR_OK);
    CR_CHECK_NEAR(s.p[0], 4.0, TOL * 10);
    CR_CHECK_NEAR(s.p[1], 3.0, TOL * 10);
    CR_CHECK(s.def[0] && s.def[1] && s.info.rounds == 2);
}

static void test_errors(void)
{
    cr_graph *g = NULL;
    cr_diag d;
    double p[2] = {-1, -1};
    uint8_t def[2] = {7, 7};
    const cr_edge e[] = {{0, 1, 1}};
    const double ok[] = {1, 1}, neg[] = {1, -2};
    CR_REQUIRE(cr_graph_create_from_edges(2, e, 1, &g, NULL) == CR_OK);
    CR_CHECK(cr_clearing_solve(g, neg, ok, p, def, NULL, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "external assets");
    CR_CHECK(cr_clearing_solve(g, ok, neg, p, def, NULL, &d) == CR_EINVAL);
    CR_CHECK(p[0] == -1 && def[0] == 7); /* outputs untouched */
    cr_graph_free(&g);
    const cr_edge negw[] = {{0, 1, -1}};
    CR_REQUIRE(cr_graph_create_from_edges(2, negw, 1, &g, NULL) == CR_OK);
    CR_CHECK(cr_clearing_solve(g, ok, ok, p, def, NULL, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "liability");
    cr_graph_free(&g);
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

/* Checks one solved network: a clearing vector by substitution, defaults exactly
 * the nodes paying less than p_bar, and equal to the limit of the Picard iteration
 * p <- min(p_bar, max(0, e + Pi^T p)) from p_bar, which decreases to the greatest
 * clearing vector (the brute-force version of the same computation). */
static void check_network(const char *name, const cr_graph *g, const double *a, const double *b,
                          const double *p, const uint8_t *def, const cr_clearing_info *info)
{
    size_t n = g->n;
    double *pb = malloc(n * sizeof *pb), *q = malloc(n * sizeof *q);
    double *val = malloc(n * sizeof *val);
    CR_REQUIRE(pb && q && val);
    double res = cr_clearing_residual(g, a, b, p);
    CR_CHECK_MSG(res <= TOL, "%s: residual %.3g", name, res);
    cr_clearing_obligations(g, b, pb);
    size_t ndef = 0;
    for (size_t i = 0; i < n; i++) {
        CR_CHECK(p[i] >= 0.0 && p[i] <= pb[i]);
        CR_CHECK(def[i] == (p[i] < pb[i]));
        ndef += def[i];
    }
    CR_CHECK(ndef == info->defaults);
    for (size_t i = 0; i < n; i++)
        q[i] = pb[i];
    for (int it = 0; it < 100000; it++) {
        for (size_t i = 0; i < n; i++)
            val[i] = a[i];
        for (size_t k = 0; k < n; k++)
            for (size_t t = g->row_ptr[k]; t < g->row_ptr[k + 1]; t++)
                val[g->col[t]] += g->weight[t] / pb[k] * q[k];
        double change = 0.0;
        for (size_t i = 0; i < n; i++) {
            double x = fmin(pb[i], fmax(0.0, val[i]));
            change = fmax(change, fabs(x - q[i]));
            q[i] = x;
        }
        if (change <= 1e-14)
            break;
    }
    for (size_t i = 0; i < n; i++)
        CR_CHECK_MSG(fabs(p[i] - q[i]) <= 1e-9 * pb[i], "%s node %zu: %.17g vs %.17g", name, i,
                     p[i], q[i]);
    free(pb);
    free(q);
    free(val);
}

/* A random network of n nodes and about deg * n edges (fixed seed), solved and
 * checked; `stress` scales the external assets. Returns the solver's info. */
static cr_clearing_info random_network(uint64_t *seed, size_t n, size_t deg, double stress,
                                       const char *name)
{
    cr_clearing_info info = {-1, 0};
    size_t m = n * deg;
    cr_edge *e = malloc(m * sizeof *e);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *p = malloc(n * sizeof *p);
    uint8_t *def = malloc(n);
    cr_graph *g = NULL;
    if (e && a && b && p && def) {
        for (size_t k = 0; k < m; k++) {
            uint32_t i = (uint32_t)(splitmix(seed) % n), j = (uint32_t)(splitmix(seed) % n);
            e[k] = (cr_edge){i, i == j ? (j + 1) % (uint32_t)n : j, 10 * uniform(seed)};
        }
        for (size_t i = 0; i < n; i++) {
            a[i] = stress * 20 * uniform(seed);
            b[i] = splitmix(seed) % 4 == 0 ? 0.0 : 5 * uniform(seed);
        }
    }
    cr_diag d;
    if (e && a && b && p && def && cr_graph_create_from_edges(n, e, m, &g, NULL) == CR_OK) {
        cr_status st = cr_clearing_solve(g, a, b, p, def, &info, &d);
        CR_CHECK_MSG(st == CR_OK, "%s: %s", name, d.msg);
        if (st == CR_OK)
            check_network(name, g, a, b, p, def, &info);
    } else {
        CR_CHECK_MSG(0, "%s: cannot set up", name);
    }
    cr_graph_free(&g);
    free(e);
    free(a);
    free(b);
    free(p);
    free(def);
    return info;
}

/* Forty small random networks, solved by dense LU: the sample has cascades of
 * several rounds and many defaults. */
static void test_random_networks(void)
{
    uint64_t seed = 20261127;
    int max_rounds = 0;
    size_t total_defaults = 0;
    for (int net = 0; net < 40; net++) {
        char name[32];
        snprintf(name, sizeof name, "network %d", net);
        size_t n = 20 + (size_t)(splitmix(&seed) % 120), deg = 2 + splitmix(&seed) % 6;
        cr_clearing_info info = random_network(&seed, n, deg, 0.2 + 1.5 * uniform(&seed), name);
        max_rounds = info.rounds > max_rounds ? info.rounds : max_rounds;
        total_defaults += info.defaults;
    }
    CR_CHECK_MSG(max_rounds >= 3 && total_defaults > 100, "max rounds %d, defaults %zu", max_rounds,
                 total_defaults);
}

/* Networks whose default sets exceed CR_CLEARING_DENSE_MAX: the Gauss-Seidel path. */
static void test_large_networks(void)
{
    uint64_t seed = 77;
    const double stress[] = {0.1, 0.3};
    for (int k = 0; k < 2; k++) {
        char name[32];
        snprintf(name, sizeof name, "large network %d", k);
        cr_clearing_info info = random_network(&seed, 4000, 4, stress[k], name);
        CR_CHECK_MSG(info.defaults > CR_CLEARING_DENSE_MAX, "%s: only %zu defaults", name,
                     info.defaults);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_chain);
    CR_RUN(test_ring_several_rounds);
    CR_RUN(test_ring_simultaneous);
    CR_RUN(test_ring_solvent);
    CR_RUN(test_small_cases);
    CR_RUN(test_errors);
    CR_RUN(test_random_networks);
    CR_RUN(test_large_networks);
    return cr_test_report();
}
