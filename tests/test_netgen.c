/* Guarantee-network generators: the registry, exact edge sets of the regular
 * generators (against brute-force definitions), pairs' keyed draws, scale_free's
 * mean out-degree, reciprocity and heavy tail within sampling bounds, determinism
 * in (seed, replication), no self-loops or duplicates, and parameter validation.
 *
 * Statistical checks are at 5 standard errors, two-sided: for a normal statistic
 * the chance that a correct generator fails one of them is 5.7e-7 per check and
 * seed. The seeds are fixed, so a given build passes or fails every time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph.h"
#include "core/rng.h"
#include "models/netgen.h"
#include "tests/harness.h"

#define SEED 20240611ULL

/* Generates t's edges and graph under SEED; requires success. */
static int make(const cr_netgen_type *t, const cr_netgen_params *p, size_t n, uint64_t seed,
                uint64_t rep, cr_edge **e, size_t *ne, cr_graph **g)
{
    cr_rng_root root;
    cr_rng_root_init(&root, seed);
    cr_diag d;
    cr_diag_clear(&d);
    if (cr_netgen_edges(t, p, n, &root, rep, e, ne, &d) != CR_OK) {
        fprintf(stderr, "generation failed: %s\n", d.msg);
        return 0;
    }
    if (g && cr_graph_create_from_edges(n, *e, *ne, g, &d) != CR_OK) {
        free(*e);
        return 0;
    }
    return 1;
}

/* No self-loops, weights 1, no duplicates (the graph merged nothing). */
static void check_simple(const cr_edge *e, size_t ne, const cr_graph *g)
{
    size_t loops = 0, bad_w = 0;
    for (size_t k = 0; k < ne; k++) {
        loops += e[k].from == e[k].to;
        bad_w += e[k].weight != 1.0;
    }
    CR_CHECK_MSG(loops == 0, "%zu self-loops", loops);
    CR_CHECK(bad_w == 0);
    CR_CHECK_MSG(g->m == ne, "%zu duplicates", ne - g->m);
}

static void test_registry(void)
{
    const char *names[16];
    size_t n = cr_netgen_names(names, 16);
    CR_CHECK(n >= 5);
    const char *want[] = {"groups", "pairs", "chains", "stars", "scale_free"};
    for (int i = 0; i < 5; i++) {
        CR_CHECK(strcmp(names[i], want[i]) == 0);
        const cr_netgen_type *t = cr_netgen_find(want[i]);
        CR_CHECK(t && t == cr_netgen_at((size_t)i) && t->generate && t->summary);
    }
    CR_CHECK(cr_netgen_find("ring") == NULL);
    CR_CHECK(cr_netgen_find(NULL) == NULL);
    CR_CHECK(cr_netgen_register(&cr_netgen_groups) == CR_EINVAL); /* name taken */
    static const cr_netgen_type ring = {"test_ring", "i -> i+1 mod n", NULL, NULL};
    CR_CHECK(cr_netgen_register(&ring) == CR_EINVAL); /* no generate slot */
    CR_CHECK(cr_netgen_register(NULL) == CR_EINVAL);
}

/* A user generator through the registry: validate is optional. */
static cr_status ring_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                               cr_edge **edges, size_t *nedges, cr_diag *d)
{
    (void)p, (void)pre, (void)d;
    cr_edge *e = malloc(n * sizeof *e);
    if (!e)
        return CR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        e[i] = (cr_edge){(uint32_t)i, (uint32_t)((i + 1) % n), 1.0};
    *edges = e;
    *nedges = n;
    return CR_OK;
}

static void test_user_generator(void)
{
    static const cr_netgen_type ring = {"test_ring", "i -> i+1 mod n", NULL, ring_generate};
    CR_REQUIRE(cr_netgen_register(&ring) == CR_OK);
    CR_CHECK(cr_netgen_find("test_ring") == &ring);
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    p.group_size = 0; /* not read by test_ring: accepted */
    cr_rng_root root;
    cr_rng_root_init(&root, SEED);
    cr_graph *g = NULL;
    CR_REQUIRE(cr_netgen_graph(&ring, &p, 7, &root, 0, &g, NULL) == CR_OK);
    CR_CHECK(g->m == 7 && cr_graph_reciprocity(g) == 0.0);
    cr_graph_free(&g);
}

static void test_groups(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    const size_t cases[][3] = {/* n, k, edges */
                               {10, 4, 12 + 12 + 2}, {12, 3, 4 * 6}, {7, 2, 3 * 2},
                               {5, 9, 20},           {1, 3, 0},      {0, 3, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c][0], k = cases[c][1];
        p.group_size = k;
        cr_edge *e = NULL;
        size_t ne = 99;
        cr_graph *g = NULL;
        CR_REQUIRE(make(&cr_netgen_groups, &p, n, SEED, 0, &e, &ne, &g));
        CR_CHECK_MSG(ne == cases[c][2], "n %zu k %zu: %zu edges", n, k, ne);
        CR_CHECK(ne > 0 || e == NULL);
        check_simple(e, ne, g);
        /* brute force: i -> j iff same group and i != j */
        size_t wrong = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                wrong += cr_graph_find_edge(g, i, j, NULL) != (i != j && i / k == j / k);
        CR_CHECK(wrong == 0);
        if (ne)
            CR_CHECK(cr_graph_reciprocity(g) == 1.0);
        free(e);
        cr_graph_free(&g);
    }
    /* groups have no randomness: another seed or replication changes nothing */
    p.group_size = 5;
    cr_edge *a, *b;
    size_t na, nb;
    CR_REQUIRE(make(&cr_netgen_groups, &p, 23, SEED, 0, &a, &na, NULL));
    CR_REQUIRE(make(&cr_netgen_groups, &p, 23, SEED + 1, 3, &b, &nb, NULL));
    CR_CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);
    free(a);
    free(b);
}

static void test_chains(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    const size_t cases[][3] = {{10, 3, 6}, {9, 3, 6}, {10, 2, 5}, {4, 10, 3}, {1, 2, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c][0], L = cases[c][1];
        p.chain_length = L;
        cr_edge *e = NULL;
        size_t ne = 0;
        cr_graph *g = NULL;
        CR_REQUIRE(make(&cr_netgen_chains, &p, n, SEED, 0, &e, &ne, &g));
        CR_CHECK_MSG(ne == cases[c][2], "n %zu L %zu: %zu edges", n, L, ne);
        check_simple(e, ne, g);
        size_t wrong = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                wrong += cr_graph_find_edge(g, i, j, NULL) != (j == i + 1 && i / L == j / L);
        CR_CHECK(wrong == 0);
        CR_CHECK(cr_graph_reciprocity(g) == 0.0);
        free(e);
        cr_graph_free(&g);
    }
}

static void test_stars(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    const size_t cases[][3] = {{11, 4, 8}, {10, 4, 8}, {7, 1, 3}, {3, 5, 2}, {1, 3, 0}};
    for (int mutual = 0; mutual <= 1; mutual++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            size_t n = cases[c][0], s = cases[c][1], b = s + 1;
            p.star_size = s;
            p.star_mutual = mutual;
            cr_edge *e = NULL;
            size_t ne = 0;
            cr_graph *g = NULL;
            CR_REQUIRE(make(&cr_netgen_stars, &p, n, SEED, 0, &e, &ne, &g));
            CR_CHECK_MSG(ne == cases[c][2] * (size_t)(1 + mutual), "n %zu s %zu: %zu edges", n, s,
                         ne);
            check_simple(e, ne, g);
            size_t wrong = 0;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++) {
                    int hub_spoke = i % b == 0 && j / b == i / b && j != i;
                    int spoke_hub = mutual && j % b == 0 && i / b == j / b && j != i;
                    wrong += cr_graph_find_edge(g, i, j, NULL) != (hub_spoke || spoke_hub);
                }
            CR_CHECK(wrong == 0);
            if (ne)
                CR_CHECK(cr_graph_reciprocity(g) == (mutual ? 1.0 : 0.0));
            free(e);
            cr_graph_free(&g);
        }
}

static void test_pairs(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    cr_edge *e = NULL;
    size_t ne = 0;
    cr_graph *g = NULL;
    /* p = 1: every candidate pair; an odd n leaves the last node alone */
    p.pair_share = 1.0;
    CR_REQUIRE(make(&cr_netgen_pairs, &p, 11, SEED, 0, &e, &ne, &g));
    CR_CHECK(ne == 10 && cr_graph_reciprocity(g) == 1.0);
    for (size_t i = 0; i + 1 < 11; i += 2)
        CR_CHECK(cr_graph_find_edge(g, i, i + 1, NULL) && cr_graph_find_edge(g, i + 1, i, NULL));
    CR_CHECK(cr_graph_out_degree(g, 10) == 0);
    free(e);
    cr_graph_free(&g);
    /* p = 0: none */
    p.pair_share = 0.0;
    CR_REQUIRE(make(&cr_netgen_pairs, &p, 11, SEED, 0, &e, &ne, NULL));
    CR_CHECK(ne == 0 && e == NULL);

    /* p = 0.4 over 5000 candidate pairs: exactly the pairs whose keyed uniform is
     * below p (recomputed from the full key), a binomial count within 5 se */
    const size_t n = 10000;
    const uint64_t rep = 7;
    p.pair_share = 0.4;
    CR_REQUIRE(make(&cr_netgen_pairs, &p, n, SEED, rep, &e, &ne, &g));
    check_simple(e, ne, g);
    cr_rng_root root;
    cr_rng_root_init(&root, SEED);
    size_t expect = 0, wrong = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        cr_rng_key key = {rep, CR_NETGEN_PERIOD, CR_P_NETWORK, i};
        int in = cr_rng_draw_uniform(&root, &key) < 0.4;
        expect += 2 * (size_t)in;
        wrong += cr_graph_find_edge(g, i, i + 1, NULL) != in;
        wrong += cr_graph_find_edge(g, i + 1, i, NULL) != in;
    }
    CR_CHECK(ne == expect && wrong == 0);
    double pairs = (double)ne / 2, npairs = (double)(n / 2);
    CR_CHECK_NEAR(pairs / npairs, 0.4, 5 * sqrt(0.4 * 0.6 / npairs));
    /* nested in p: the pairs at p = 0.2 are a subset of those at 0.4 */
    p.pair_share = 0.2;
    cr_edge *e2 = NULL;
    size_t ne2 = 0;
    CR_REQUIRE(make(&cr_netgen_pairs, &p, n, SEED, rep, &e2, &ne2, NULL));
    size_t outside = 0;
    for (size_t k = 0; k < ne2; k++)
        outside += !cr_graph_find_edge(g, e2[k].from, e2[k].to, NULL);
    CR_CHECK(ne2 < ne && outside == 0);
    free(e2);
    free(e);
    cr_graph_free(&g);
}

/* scale_free at n = 10^4: mean out-degree and reciprocity within 5 se of their
 * targets, a heavy-tailed in-degree, no self-loops or duplicates. */
static void check_scale_free(double m, double r)
{
    const size_t n = 10000;
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    p.mean_degree = m;
    p.reciprocity = r;
    cr_edge *e = NULL;
    size_t ne = 0;
    cr_graph *g = NULL;
    CR_REQUIRE(make(&cr_netgen_scale_free, &p, n, SEED, 1, &e, &ne, &g));
    check_simple(e, ne, g);

    /* B links, R ~ Binomial(B, q) of them reciprocated, E = B + R edges, each node
     * brings floor(mu) + Bernoulli(frac(mu)) links: Var(E) = n f (1 - f) (1 + q)^2 +
     * B q (1 - q); the first nodes' missing links bias E by at most (mu + 1)^2 (1+q). */
    double q = r / (2 - r), mu = m / (1 + q), f = mu - floor(mu);
    double rho = cr_graph_reciprocity(g), E = (double)g->m;
    double R = rho * E / 2, B = E - R;
    double var_E = (double)n * f * (1 - f) * (1 + q) * (1 + q) + B * q * (1 - q);
    double bias = (mu + 1) * (mu + 1) * (1 + q) / (double)n;
    CR_CHECK_NEAR(E / (double)n, m, 5 * sqrt(var_E) / (double)n + bias);
    /* rho = 2R / (B + R): delta method in R given B */
    double se_rho = 2 * B / (E * E) * sqrt(B * q * (1 - q));
    CR_CHECK_NEAR(rho, r, 5 * se_rho + 1e-12);

    /* heavy tail: the largest in-degree far above the mean (a Poisson in-degree of
     * mean m would stay below m + 6 sqrt(m) + 6 at this n) */
    size_t *in = malloc(n * sizeof *in);
    CR_REQUIRE(in);
    cr_graph_in_degrees(g, in);
    size_t max_in = 0, max_out = 0;
    for (size_t i = 0; i < n; i++) {
        max_in = in[i] > max_in ? in[i] : max_in;
        size_t o = cr_graph_out_degree(g, i);
        max_out = o > max_out ? o : max_out;
    }
    double mean = E / (double)n;
    CR_CHECK_MSG((double)max_in > 10 * mean, "max in-degree %zu, mean %.3f", max_in, mean);
    CR_CHECK_MSG((double)max_out > 10 * mean, "max out-degree %zu, mean %.3f", max_out, mean);
    fprintf(stderr,
            "  scale_free m %.2f r %.2f: mean out-degree %.4f, reciprocity %.4f (se %.4f),"
            " max in %zu, max out %zu\n",
            m, r, mean, rho, se_rho, max_in, max_out);
    free(in);
    free(e);
    cr_graph_free(&g);
}

static void test_scale_free(void)
{
    check_scale_free(2.0, 0.3);
    check_scale_free(3.5, 0.6);
    check_scale_free(1.0, 0.0);
    check_scale_free(4.0, 1.0);
    /* tiny networks: no edges for n = 0, 1; nodes with fewer predecessors than mu
     * link to all of them */
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    p.mean_degree = 50;
    for (size_t n = 0; n < 6; n++) {
        cr_edge *e = NULL;
        size_t ne = 0;
        cr_graph *g = NULL;
        CR_REQUIRE(make(&cr_netgen_scale_free, &p, n, SEED, 0, &e, &ne, &g));
        check_simple(e, ne, g);
        CR_CHECK(n >= 2 || (ne == 0 && e == NULL));
        cr_graph_wcc w;
        CR_REQUIRE(cr_graph_weak_components(g, NULL, &w, NULL) == CR_OK);
        CR_CHECK(n == 0 || w.ncomponents == 1);
        free(e);
        cr_graph_free(&g);
    }
}

/* The same (seed, replication, parameters) give the same list, whatever else was
 * generated in between; another replication or seed gives another. */
static void test_determinism(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    p.pair_share = 0.5;
    const cr_netgen_type *types[] = {&cr_netgen_pairs, &cr_netgen_scale_free};
    for (int t = 0; t < 2; t++) {
        cr_edge *a, *b, *c, *x;
        size_t na, nb, nc, nx;
        CR_REQUIRE(make(types[t], &p, 3000, SEED, 4, &a, &na, NULL));
        CR_REQUIRE(make(types[t], &p, 3000, SEED, 5, &c, &nc, NULL));
        CR_REQUIRE(make(types[t], &p, 3000, SEED + 1, 4, &x, &nx, NULL));
        CR_REQUIRE(make(types[t], &p, 3000, SEED, 4, &b, &nb, NULL));
        CR_CHECK(na == nb && memcmp(a, b, na * sizeof *a) == 0);
        CR_CHECK(na != nc || memcmp(a, c, na * sizeof *a) != 0);
        CR_CHECK(na != nx || memcmp(a, x, na * sizeof *a) != 0);
        free(a);
        free(b);
        free(c);
        free(x);
    }
    /* pinned: the first scale_free edges of (SEED, replication 0) never change
     * silently (they are part of the results' reproducibility) */
    cr_edge *e;
    size_t ne;
    CR_REQUIRE(make(&cr_netgen_scale_free, &p, 100, SEED, 0, &e, &ne, NULL));
    uint64_t h = 1469598103934665603ULL; /* FNV-1a of (from, to) */
    for (size_t k = 0; k < ne; k++) {
        h = (h ^ e[k].from) * 1099511628211ULL;
        h = (h ^ e[k].to) * 1099511628211ULL;
    }
    fprintf(stderr, "  scale_free n 100: %zu edges, hash %016llx\n", ne, (unsigned long long)h);
    CR_CHECK(ne == 193 && h == 0xc876a5d950cf6b4eULL);
    free(e);
}

static void test_validation(void)
{
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    for (size_t i = 0; i < 5; i++)
        CR_CHECK(cr_netgen_validate(cr_netgen_at(i), &p, NULL) == CR_OK);
    cr_diag d;
    cr_rng_root root;
    cr_rng_root_init(&root, SEED);
    cr_edge *e = (cr_edge *)&root; /* must stay untouched on failure */
    size_t ne = 12345;
    cr_graph *g = NULL;

#define BAD(type, field, value, text)                                                              \
    do {                                                                                           \
        cr_netgen_params_init(&p);                                                                 \
        p.field = value;                                                                           \
        cr_diag_clear(&d);                                                                         \
        CR_CHECK(cr_netgen_validate(&type, &p, &d) == CR_ECONFIG);                                 \
        CR_CHECK_STR_CONTAINS(d.msg, text);                                                        \
        CR_CHECK(cr_netgen_edges(&type, &p, 10, &root, 0, &e, &ne, &d) == CR_ECONFIG);             \
        CR_CHECK(e == (cr_edge *)&root && ne == 12345);                                            \
        CR_CHECK(cr_netgen_graph(&type, &p, 10, &root, 0, &g, &d) == CR_ECONFIG && g == NULL);     \
    } while (0)

    BAD(cr_netgen_groups, group_size, 1, "network.group_size: must be at least 2, got 1");
    BAD(cr_netgen_groups, group_size, 0, "network.group_size: must be at least 2, got 0");
    BAD(cr_netgen_pairs, pair_share, 1.5, "network.pair_share: must be in [0, 1], got 1.5");
    BAD(cr_netgen_pairs, pair_share, -0.1, "network.pair_share: must be in [0, 1], got -0.1");
    BAD(cr_netgen_pairs, pair_share, NAN, "network.pair_share: must be in [0, 1], got nan");
    BAD(cr_netgen_chains, chain_length, 1, "network.chain_length: must be at least 2, got 1");
    BAD(cr_netgen_stars, star_size, 0, "network.star_size: must be at least 1, got 0");
    BAD(cr_netgen_scale_free, mean_degree, 0.0, "network.mean_degree: must be in (0, 1000], got 0");
    BAD(cr_netgen_scale_free, mean_degree, INFINITY, "network.mean_degree: must be in (0, 1000]");
    BAD(cr_netgen_scale_free, reciprocity, 1.2, "network.reciprocity: must be in [0, 1], got 1.2");
    BAD(cr_netgen_scale_free, reciprocity, -1, "network.reciprocity: must be in [0, 1], got -1");
#undef BAD
    /* a generator checks only its own fields */
    cr_netgen_params_init(&p);
    p.group_size = 1;
    CR_CHECK(cr_netgen_validate(&cr_netgen_pairs, &p, NULL) == CR_OK);
}

int main(void)
{
    CR_RUN(test_registry);
    CR_RUN(test_user_generator);
    CR_RUN(test_groups);
    CR_RUN(test_chains);
    CR_RUN(test_stars);
    CR_RUN(test_pairs);
    CR_RUN(test_scale_free);
    CR_RUN(test_determinism);
    CR_RUN(test_validation);
    return cr_test_report();
}
