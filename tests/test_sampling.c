/* Unit-cube points of the designs of experiments (experiments/sampling.h). Checked:
 * the grid against nested loops and the floor(u * L) round trip; the Latin hypercube's
 * one point per stratum (also with generators returning the extreme uniforms 0 and
 * 1 - 2^-53), reproducibility, and its documented draw order replayed by hand; the
 * Saltelli blocks' structure, row kinds and names, and its base points against
 * gsl_qrng_sobol called here; the Morris trajectories' one-coordinate +-delta steps,
 * the grid, and the documented draw order replayed by hand; every error a user can
 * cause, with outputs left untouched. */
#include "harness.h"
#include "core/rng.h"
#include "experiments/sampling.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static gsl_rng *make_rng(const gsl_rng_type *type, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(type);
    if (r) {
        gsl_rng_set(r, seed);
    }
    return r;
}

static gsl_rng *mt(unsigned long seed)
{
    return make_rng(gsl_rng_mt19937, seed);
}

/* ---------------------------------------------------------------- grid */

static void test_grid_order(void)
{
    const size_t levels[] = {3, 1, 4, 2};
    size_t n = 0;
    double *u = NULL;
    cr_diag d;
    CR_REQUIRE(cr_sample_grid(4, levels, SIZE_MAX, &n, &u, &d) == CR_OK);
    CR_REQUIRE(n == 3 * 1 * 4 * 2);
    /* nested loops in listed order: the first parameter slowest */
    size_t i = 0;
    for (size_t a = 0; a < 3; a++) {
        for (size_t b = 0; b < 1; b++) {
            for (size_t c = 0; c < 4; c++) {
                for (size_t e = 0; e < 2; e++, i++) {
                    CR_CHECK(u[i * 4 + 0] == (a + 0.5) / 3.0);
                    CR_CHECK(u[i * 4 + 1] == 0.5);
                    CR_CHECK(u[i * 4 + 2] == (c + 0.5) / 4.0);
                    CR_CHECK(u[i * 4 + 3] == (e + 0.5) / 2.0);
                    (void)b;
                }
            }
        }
    }
    free(u);
}

/* floor(u * L) gives back the index, and every combination appears exactly once */
static void test_grid_roundtrip(void)
{
    const size_t shapes[][3] = {{7, 5, 6}, {1000, 3, 1}, {1, 1, 1}, {2, 999, 11}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t *levels = shapes[s];
        size_t n = 0, want = levels[0] * levels[1] * levels[2];
        double *u = NULL;
        CR_REQUIRE(cr_sample_grid(3, levels, want, &n, &u, NULL) == CR_OK);
        CR_REQUIRE(n == want);
        int *seen = calloc(n, sizeof *seen);
        CR_REQUIRE(seen);
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
            size_t idx = 0;
            for (size_t j = 0; j < 3; j++) {
                double v = u[i * 3 + j];
                size_t ij = (size_t)floor(v * (double)levels[j]);
                bad += !(v > 0.0 && v < 1.0 && ij < levels[j]);
                idx = idx * levels[j] + (ij < levels[j] ? ij : 0);
            }
            bad += idx != i; /* first parameter most significant */
            seen[idx]++;
        }
        CR_CHECK_MSG(bad == 0, "shape %zu: %d bad points", s, bad);
        for (size_t i = 0; i < n; i++) {
            bad += seen[i] != 1;
        }
        CR_CHECK_MSG(bad == 0, "shape %zu: combinations not seen exactly once", s);
        free(seen);
        free(u);
    }
}

static void test_grid_errors(void)
{
    size_t n = 17;
    double *u = (double *)&n; /* a sentinel: outputs must stay untouched */
    cr_diag d;
    const size_t big[] = {10, 10, 10};
    CR_CHECK(cr_sample_grid(3, big, 999, &n, &u, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "1000 points");
    CR_CHECK_STR_CONTAINS(d.msg, "999");
    CR_CHECK(n == 17 && u == (double *)&n);
    const size_t huge[] = {SIZE_MAX / 2 + 1, 1, 2};
    CR_CHECK(cr_sample_grid(3, huge, SIZE_MAX, &n, &u, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "overflows");
    const size_t zero[] = {3, 0, 2};
    CR_CHECK(cr_sample_grid(3, zero, SIZE_MAX, &n, &u, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.parameters[1].levels");
    CR_CHECK(cr_sample_grid(0, zero, SIZE_MAX, &n, &u, &d) == CR_ECONFIG);
    CR_CHECK(n == 17 && u == (double *)&n);
    /* the limit itself is allowed */
    CR_REQUIRE(cr_sample_grid(3, big, 1000, &n, &u, &d) == CR_OK);
    CR_CHECK(n == 1000);
    free(u);
}

/* ---------------------------------------------------------------- Latin hypercube */

/* every column has exactly one point per stratum, floor(u * n) in floating point */
static int lhs_bad_columns(const double *u, size_t n, size_t k)
{
    int bad = 0;
    int *count = malloc(n * sizeof *count);
    if (!count) {
        return -1;
    }
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++) {
            count[i] = 0;
        }
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            double v = u[i * k + j];
            if (!(v >= 0.0 && v < 1.0)) {
                ok = 0;
                continue;
            }
            size_t s = (size_t)floor(v * (double)n);
            if (s >= n) {
                ok = 0;
                continue;
            }
            count[s]++;
        }
        for (size_t i = 0; i < n; i++) {
            ok &= count[i] == 1;
        }
        bad += !ok;
    }
    free(count);
    return bad;
}

static void test_lhs_strata(void)
{
    const size_t sizes[][2] = {{1, 1}, {2, 3}, {10, 5}, {97, 4}, {1000, 2}, {4096, 1}};
    const unsigned long seeds[] = {1, 42, 12345, 4000000000UL};
    for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
        for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
            size_t n = sizes[c][0], k = sizes[c][1];
            gsl_rng *r = mt(seeds[s]);
            double *u = NULL;
            CR_REQUIRE(cr_sample_lhs(n, k, r, &u, NULL) == CR_OK);
            CR_CHECK_MSG(lhs_bad_columns(u, n, k) == 0, "n %zu, k %zu, seed %lu", n, k, seeds[s]);
            free(u);
            gsl_rng_free(r);
        }
    }
}

static void test_lhs_reproducible(void)
{
    const size_t n = 50, k = 3;
    gsl_rng *r1 = mt(7), *r2 = mt(7), *r3 = mt(8);
    double *u1 = NULL, *u2 = NULL, *u3 = NULL;
    CR_REQUIRE(cr_sample_lhs(n, k, r1, &u1, NULL) == CR_OK);
    CR_REQUIRE(cr_sample_lhs(n, k, r2, &u2, NULL) == CR_OK);
    CR_REQUIRE(cr_sample_lhs(n, k, r3, &u3, NULL) == CR_OK);
    CR_CHECK(memcmp(u1, u2, n * k * sizeof *u1) == 0);
    size_t same = 0;
    for (size_t i = 0; i < n * k; i++) {
        same += u1[i] == u3[i];
    }
    CR_CHECK_MSG(same == 0, "%zu of %zu values equal across seeds", same, n * k);
    /* the generators were left in the same state: the draws were the same */
    CR_CHECK(gsl_rng_get(r1) == gsl_rng_get(r2));
    free(u1);
    free(u2);
    free(u3);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    gsl_rng_free(r3);
}

/* the documented draw order, replayed by hand: per column a shuffle, then n uniforms */
static void test_lhs_draw_order(void)
{
    const size_t n = 23, k = 4;
    gsl_rng *r = mt(2024), *ref = mt(2024);
    double *u = NULL;
    CR_REQUIRE(cr_sample_lhs(n, k, r, &u, NULL) == CR_OK);
    size_t perm[23];
    int bad = 0;
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++) {
            perm[i] = i;
        }
        gsl_ran_shuffle(ref, perm, n, sizeof perm[0]);
        for (size_t i = 0; i < n; i++) {
            double want = ((double)perm[i] + gsl_rng_uniform(ref)) / (double)n;
            bad += fabs(u[i * k + j] - want) > 4 * DBL_EPSILON;
        }
    }
    CR_CHECK_MSG(bad == 0, "%d values differ from the documented draw order", bad);
    CR_CHECK(gsl_rng_get(r) == gsl_rng_get(ref));
    free(u);
    gsl_rng_free(r);
    gsl_rng_free(ref);
}

/* Generators whose uniforms are the extremes 0 and 1 - 2^-53 (integers are always 0,
 * so shuffles terminate): a value rounded into the next stratum, or to 1.0, shows. */
static double extreme_value;
static void extreme_set(void *state, unsigned long seed)
{
    (void)state;
    (void)seed;
}
static unsigned long extreme_get(void *state)
{
    (void)state;
    return 0;
}
static double extreme_get_double(void *state)
{
    (void)state;
    return extreme_value;
}
static const gsl_rng_type extreme_type = {
    "extreme", 0xffffffffUL, 0, sizeof(int), extreme_set, extreme_get, extreme_get_double};

static void test_lhs_extremes(void)
{
    const double values[] = {0.0, 1.0 - DBL_EPSILON / 2};
    const size_t sizes[] = {3, 7, 10, 49, 1000, 3001, ((size_t)1 << 21) + 5};
    gsl_rng *r = gsl_rng_alloc(&extreme_type);
    CR_REQUIRE(r);
    for (size_t v = 0; v < 2; v++) {
        extreme_value = values[v];
        CR_CHECK(gsl_rng_uniform(r) == values[v]);
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            double *u = NULL;
            CR_REQUIRE(cr_sample_lhs(sizes[s], 1, r, &u, NULL) == CR_OK);
            CR_CHECK_MSG(lhs_bad_columns(u, sizes[s], 1) == 0, "uniform %.17g, n %zu", values[v],
                         sizes[s]);
            free(u);
        }
    }
    gsl_rng_free(r);
}

static void test_lhs_errors(void)
{
    gsl_rng *r = mt(1);
    double *u = (double *)r;
    cr_diag d;
    CR_CHECK(cr_sample_lhs(0, 3, r, &u, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.samples");
    CR_CHECK(cr_sample_lhs(5, 0, r, &u, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.parameters");
    CR_CHECK(u == (double *)r);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- Saltelli */

static void check_saltelli(size_t N, size_t k, int second_order)
{
    size_t n = 0;
    double *u = NULL;
    int *matrix = NULL;
    size_t *sample = NULL;
    cr_diag d;
    CR_REQUIRE(cr_sample_saltelli(N, k, second_order, &n, &u, &matrix, &sample, &d) == CR_OK);
    size_t rows = second_order ? 2 * k + 2 : k + 2;
    CR_REQUIRE(n == N * rows);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    CR_REQUIRE(q);
    double *x = malloc(N * 2 * k * sizeof *x); /* the base points, from GSL directly */
    CR_REQUIRE(x);
    int bad_base = 0, bad_rows = 0, bad_meta = 0;
    for (size_t s = 0; s < N; s++) {
        CR_REQUIRE(gsl_qrng_get(q, x + s * 2 * k) == 0);
        const double *xa = x + s * 2 * k, *xb = xa + k;
        const double *blk = u + s * rows * k;
        /* row order A, AB_1..AB_k, [BA_1..BA_k], B */
        for (size_t m = 0; m < rows; m++) {
            int want = m == 0          ? CR_SALTELLI_A
                       : m == rows - 1 ? CR_SALTELLI_B
                                       : CR_SALTELLI_AB + (int)(m - 1); /* AB_i, then BA_i */
            bad_meta += matrix[s * rows + m] != want || sample[s * rows + m] != s;
        }
        for (size_t j = 0; j < k; j++) {
            bad_base += blk[j] != xa[j];                  /* A = first k coordinates */
            bad_base += blk[(rows - 1) * k + j] != xb[j]; /* B = last k */
        }
        for (size_t i = 0; i < k; i++) {
            const double *ab = blk + (1 + i) * k;
            for (size_t j = 0; j < k; j++) {
                bad_rows += ab[j] != (j == i ? xb[j] : xa[j]);
            }
            if (second_order) {
                const double *ba = blk + (1 + k + i) * k;
                for (size_t j = 0; j < k; j++) {
                    bad_rows += ba[j] != (j == i ? xa[j] : xb[j]);
                }
            }
        }
    }
    CR_CHECK_MSG(bad_base == 0, "N %zu k %zu: %d A/B values differ from GSL's Sobol points", N, k,
                 bad_base);
    CR_CHECK_MSG(bad_rows == 0, "N %zu k %zu: %d AB/BA values wrong", N, k, bad_rows);
    CR_CHECK_MSG(bad_meta == 0, "N %zu k %zu: %d matrix/sample entries wrong", N, k, bad_meta);
    /* base points: distinct, none all zeros, all in (0, 1) */
    int zeros = 0, outside = 0, dup = 0;
    for (size_t s = 0; s < N; s++) {
        int allzero = 1;
        for (size_t j = 0; j < 2 * k; j++) {
            double v = x[s * 2 * k + j];
            allzero &= v == 0.0;
            outside += !(v > 0.0 && v < 1.0);
        }
        zeros += allzero;
        for (size_t t = 0; t < s; t++) {
            dup += memcmp(x + s * 2 * k, x + t * 2 * k, 2 * k * sizeof *x) == 0;
        }
    }
    CR_CHECK(zeros == 0 && outside == 0 && dup == 0);
    /* matrix and sample are optional */
    size_t n2 = 0;
    double *u2 = NULL;
    CR_REQUIRE(cr_sample_saltelli(N, k, second_order, &n2, &u2, NULL, NULL, &d) == CR_OK);
    CR_CHECK(n2 == n && memcmp(u, u2, n * k * sizeof *u) == 0);
    free(u2);
    free(x);
    gsl_qrng_free(q);
    free(u);
    free(matrix);
    free(sample);
}

static void test_saltelli(void)
{
    check_saltelli(1, 1, 0);
    check_saltelli(1, 1, 1);
    check_saltelli(8, 3, 0);
    check_saltelli(8, 3, 1);
    check_saltelli(64, 5, 1);
    check_saltelli(256, 2, 0);
    check_saltelli(16, 20, 1); /* 2k = 40, GSL's maximum */
}

/* what the header says about GSL's sequence: its first point is (0.5, ..., 0.5), not
 * the all-zeros point, and its maximum dimension is 40 */
static void test_saltelli_gsl_facts(void)
{
    CR_CHECK(cr_sobol_max_dimension() == gsl_qrng_sobol->max_dimension);
    CR_CHECK(cr_sobol_max_dimension() == 40);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 40);
    CR_REQUIRE(q);
    double x[40];
    CR_REQUIRE(gsl_qrng_get(q, x) == 0);
    for (size_t j = 0; j < 40; j++) {
        CR_CHECK(x[j] == 0.5);
    }
    gsl_qrng_free(q);
    size_t n = 0;
    double *u = NULL;
    CR_REQUIRE(cr_sample_saltelli(1, 3, 0, &n, &u, NULL, NULL, NULL) == CR_OK);
    for (size_t j = 0; j < 3 * 5; j++) {
        CR_CHECK(u[j] == 0.5); /* the first block is all GSL's first point */
    }
    free(u);
}

static void test_saltelli_names(void)
{
    char buf[16];
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_A, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "A") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_B, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "B") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 2, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "AB_3") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 3, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "AB_4") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 4, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "BA_1") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 7, 4, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "BA_4") == 0);
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 13, 12, buf, sizeof buf) == CR_OK);
    CR_CHECK(strcmp(buf, "BA_2") == 0);
    /* not a kind of a 4-parameter design */
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB + 8, 4, buf, sizeof buf) == CR_EINVAL);
    CR_CHECK(strcmp(buf, "?") == 0);
    CR_CHECK(cr_saltelli_matrix_name(-1, 4, buf, sizeof buf) == CR_EINVAL);
    /* too small a buffer: truncated, and said so */
    CR_CHECK(cr_saltelli_matrix_name(CR_SALTELLI_AB, 4, buf, 3) == CR_EINVAL);
    CR_CHECK(strcmp(buf, "AB") == 0);
}

static void test_saltelli_errors(void)
{
    size_t n = 5;
    double *u = (double *)&n;
    int *matrix = (int *)&n;
    size_t *sample = &n;
    cr_diag d;
    CR_CHECK(cr_sample_saltelli(48, 3, 0, &n, &u, &matrix, &sample, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.samples: 48 is not a power of two");
    CR_CHECK(cr_sample_saltelli(0, 3, 0, &n, &u, &matrix, &sample, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.samples: 0 ");
    CR_CHECK(cr_sample_saltelli(3, 3, 1, &n, &u, &matrix, &sample, &d) == CR_ECONFIG);
    CR_CHECK(cr_sample_saltelli(8, 0, 0, &n, &u, &matrix, &sample, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.parameters");
    size_t over = cr_sobol_max_dimension() / 2 + 1; /* 21 with GSL 2.7: 2k = 42 > 40 */
    CR_CHECK(cr_sample_saltelli(8, over, 0, &n, &u, &matrix, &sample, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "21 parameters");
    CR_CHECK_STR_CONTAINS(d.msg, "at most 20");
    CR_CHECK(n == 5 && u == (double *)&n && matrix == (int *)&n && sample == &n);
}

/* ---------------------------------------------------------------- Morris */

static void check_morris(const gsl_rng_type *type, size_t r, size_t k, size_t p, unsigned long seed)
{
    gsl_rng *rng = make_rng(type, seed);
    CR_REQUIRE(rng);
    size_t n = 0;
    double *u = NULL;
    int *traj = NULL, *step = NULL, *factor = NULL;
    CR_REQUIRE(cr_sample_morris(r, k, p, rng, &n, &u, &traj, &step, &factor, NULL) == CR_OK);
    CR_REQUIRE(n == r * (k + 1));
    const double delta = (double)p / (2.0 * (double)(p - 1));
    int *changed = malloc(k * sizeof *changed);
    CR_REQUIRE(changed);
    int bad_meta = 0, bad_step = 0, bad_grid = 0, bad_once = 0;
    size_t ups = 0, downs = 0;
    for (size_t t = 0; t < r; t++) {
        for (size_t j = 0; j < k; j++) {
            changed[j] = 0;
        }
        for (size_t m = 0; m <= k; m++) {
            size_t row = t * (k + 1) + m;
            bad_meta += traj[row] != (int)t || step[row] != (int)m;
            for (size_t j = 0; j < k; j++) {
                double v = u[row * k + j];
                bad_grid += !(v >= 0.0 && v <= 1.0);
                /* even p: on the grid; odd p: on the grid, or delta above a grid value */
                double g = v * (double)(p - 1), lo = (v - delta) * (double)(p - 1);
                int on = fabs(g - rint(g)) <= 1e-12 * (double)p;
                int lo_on = fabs(lo - rint(lo)) <= 1e-12 * (double)p && v - delta >= -1e-12;
                bad_grid += p % 2 == 0 ? !on : !(on || lo_on);
            }
            if (m == 0) {
                bad_meta += factor[row] != -1;
                continue;
            }
            const double *prev = u + (row - 1) * k, *cur = u + row * k;
            size_t ndiff = 0, which = k;
            for (size_t j = 0; j < k; j++) {
                if (cur[j] != prev[j]) {
                    ndiff++;
                    which = j;
                }
            }
            if (ndiff != 1) {
                bad_step++;
                continue;
            }
            double diff = cur[which] - prev[which];
            bad_step += fabs(fabs(diff) - delta) > 1e-12;
            ups += diff > 0;
            downs += diff < 0;
            bad_meta += factor[row] != (int)which;
            changed[which]++;
        }
        for (size_t j = 0; j < k; j++) {
            bad_once += changed[j] != 1;
        }
    }
    CR_CHECK_MSG(bad_meta == 0 && bad_step == 0 && bad_grid == 0 && bad_once == 0,
                 "r %zu k %zu p %zu: meta %d, steps %d, grid %d, once %d", r, k, p, bad_meta,
                 bad_step, bad_grid, bad_once);
    if (r * k >= 60) { /* both signs occur (all one sign has probability 2^-59) */
        CR_CHECK(ups > 0 && downs > 0);
    }
    /* the metadata is optional and does not change the draws */
    gsl_rng *rng2 = make_rng(type, seed);
    size_t n2 = 0;
    double *u2 = NULL;
    CR_REQUIRE(cr_sample_morris(r, k, p, rng2, &n2, &u2, NULL, NULL, NULL, NULL) == CR_OK);
    CR_CHECK(n2 == n && memcmp(u, u2, n * k * sizeof *u) == 0);
    CR_CHECK(gsl_rng_get(rng) == gsl_rng_get(rng2));
    free(u2);
    gsl_rng_free(rng2);
    free(changed);
    free(u);
    free(traj);
    free(step);
    free(factor);
    gsl_rng_free(rng);
}

static void test_morris(void)
{
    check_morris(gsl_rng_mt19937, 1, 1, 2, 1);
    check_morris(gsl_rng_mt19937, 5, 3, 4, 2);
    check_morris(gsl_rng_mt19937, 10, 6, 4, 3);
    check_morris(gsl_rng_mt19937, 20, 4, 6, 4);
    check_morris(gsl_rng_mt19937, 3, 10, 8, 5);
    check_morris(gsl_rng_mt19937, 50, 2, 10, 6);
    check_morris(gsl_rng_mt19937, 7, 5, 3, 7); /* odd p */
    check_morris(gsl_rng_mt19937, 7, 5, 5, 8);
}

/* the documented draw order replayed by hand: per trajectory k base levels, k signs,
 * one shuffle; row 0 holds x* for factors moving up and x* + delta for factors moving
 * down, and the rows move the factors in the shuffled order */
/* the production generator (PCG64-DXSM behind gsl_rng, 64-bit integers and 53-bit
 * uniforms) gives designs with the same structure */
static void test_pcg_generator(void)
{
    gsl_rng *r = make_rng(cr_gsl_rng_pcg64_dxsm, 2718);
    CR_REQUIRE(r);
    const size_t sizes[][2] = {{1, 1}, {10, 5}, {997, 3}};
    for (size_t c = 0; c < 3; c++) {
        double *u = NULL;
        CR_REQUIRE(cr_sample_lhs(sizes[c][0], sizes[c][1], r, &u, NULL) == CR_OK);
        CR_CHECK(lhs_bad_columns(u, sizes[c][0], sizes[c][1]) == 0);
        free(u);
    }
    gsl_rng_free(r);
    check_morris(cr_gsl_rng_pcg64_dxsm, 25, 4, 4, 31);
    check_morris(cr_gsl_rng_pcg64_dxsm, 9, 7, 1000, 32);
}

static void test_morris_draw_order(void)
{
    const size_t r = 30, k = 5, p = 6;
    gsl_rng *rng = mt(99), *ref = mt(99);
    size_t n = 0;
    double *u = NULL;
    int *factor = NULL;
    CR_REQUIRE(cr_sample_morris(r, k, p, rng, &n, &u, NULL, NULL, &factor, NULL) == CR_OK);
    int bad = 0;
    size_t level_seen[3] = {0, 0, 0};
    for (size_t t = 0; t < r; t++) {
        unsigned long level[5], up[5];
        int order[5];
        for (size_t j = 0; j < k; j++) {
            level[j] = gsl_rng_uniform_int(ref, p / 2);
            level_seen[level[j]]++;
        }
        for (size_t j = 0; j < k; j++) {
            up[j] = gsl_rng_uniform_int(ref, 2);
        }
        for (size_t j = 0; j < k; j++) {
            order[j] = (int)j;
        }
        gsl_ran_shuffle(ref, order, k, sizeof order[0]);
        const double *row0 = u + t * (k + 1) * k;
        for (size_t j = 0; j < k; j++) {
            double want = (double)level[j] / (double)(p - 1) + (up[j] ? 0.0 : 0.6);
            bad += fabs(row0[j] - want) > 1e-12;
        }
        for (size_t m = 1; m <= k; m++) {
            bad += factor[t * (k + 1) + m] != order[m - 1];
        }
    }
    CR_CHECK_MSG(bad == 0, "%d values differ from the documented draw order", bad);
    CR_CHECK(gsl_rng_get(rng) == gsl_rng_get(ref));
    /* base levels 0, 1, 2 (x* <= 1 - delta = 0.4) all occur among 150 draws */
    CR_CHECK(level_seen[0] > 0 && level_seen[1] > 0 && level_seen[2] > 0);
    free(u);
    free(factor);
    gsl_rng_free(rng);
    gsl_rng_free(ref);
}

static void test_morris_errors(void)
{
    gsl_rng *rng = mt(1);
    size_t n = 3;
    double *u = (double *)&n;
    int *traj = (int *)&n, *step = (int *)&n, *factor = (int *)&n;
    cr_diag d;
    CR_CHECK(cr_sample_morris(4, 3, 1, rng, &n, &u, &traj, &step, &factor, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.levels: 1 levels");
    CR_CHECK(cr_sample_morris(4, 3, 0, rng, &n, &u, &traj, &step, &factor, &d) == CR_ECONFIG);
    CR_CHECK(cr_sample_morris(0, 3, 4, rng, &n, &u, &traj, &step, &factor, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.samples: 0 trajectories");
    CR_CHECK(cr_sample_morris(4, 0, 4, rng, &n, &u, &traj, &step, &factor, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "design.parameters");
    CR_CHECK(n == 3 && u == (double *)&n && traj == (int *)&n && step == (int *)&n &&
             factor == (int *)&n);
    gsl_rng_free(rng);
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_grid_order);
    CR_RUN(test_grid_roundtrip);
    CR_RUN(test_grid_errors);
    CR_RUN(test_lhs_strata);
    CR_RUN(test_lhs_reproducible);
    CR_RUN(test_lhs_draw_order);
    CR_RUN(test_lhs_extremes);
    CR_RUN(test_lhs_errors);
    CR_RUN(test_saltelli);
    CR_RUN(test_saltelli_gsl_facts);
    CR_RUN(test_saltelli_names);
    CR_RUN(test_saltelli_errors);
    CR_RUN(test_morris);
    CR_RUN(test_morris_draw_order);
    CR_RUN(test_pcg_generator);
    CR_RUN(test_morris_errors);
    return cr_test_report();
}
