/* Statistics of replications and designs (analysis/stats.h). Checked: summaries and
 * t intervals against hand-computed values, quantiles against GSL's definition worked
 * by hand, skipping of non-finite values, n = 0 and n = 1; paired differences and the
 * variance reduction of pairing by hand, and the degenerate var_paired = 0 cases; the
 * Sobol estimators on a hand example, the bootstrap replayed draw by draw, and the
 * Ishigami function's analytic indices on a Saltelli design; Morris elementary effects
 * of a linear function (exact), of u1 u2 (sigma > 0, an unused factor at 0), and the
 * errors for designs that are not Morris trajectories; the CCDF of a small sample. */
#include "harness.h"
#include "analysis/stats.h"
#include "experiments/sampling.h"

#include <fenv.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Hand-computed values are given to 10 or more digits; the arithmetic adds rounding
 * errors of a few ulps, so 1e-9 checks the hand values and 1e-12 the exact ones. */
#define HAND_TOL 1e-9
#define EXACT_TOL 1e-12

static gsl_rng *mt(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) {
        gsl_rng_set(r, seed);
    }
    return r;
}

/* ---------------------------------------------------------------- summaries */

/* x = {1, 2, 3, 4, 10}: mean 20 / 5 = 4; deviations -3, -2, -1, 0, 6, squares sum to
 * 9 + 4 + 1 + 0 + 36 = 50, so var = 50 / 4 = 12.5, sd = sqrt(12.5) = 3.5355339059,
 * se = sd / sqrt(5) = sqrt(2.5) = 1.5811388301. t_{0.975, 4} = 2.7764451052, so the
 * half-width is 4.3899451654 and the 95% interval [-0.3899451654, 8.3899451654].
 * Quantiles (GSL: position (n - 1) f = 4 f, linear between neighbours of the sorted
 * data): f = 0.05 -> 0.2, 1 + 0.2 (2 - 1) = 1.2; 0.25 -> 1, 2; 0.5 -> 2, 3;
 * 0.75 -> 3, 4; 0.95 -> 3.8, 4 + 0.8 (10 - 4) = 8.8. */
static void check_five(const cr_stats_summary *s)
{
    CR_CHECK(s->n == 5);
    CR_CHECK_NEAR(s->mean, 4.0, EXACT_TOL);
    CR_CHECK_NEAR(s->sd, 3.5355339059, HAND_TOL);
    CR_CHECK_NEAR(s->sd, sqrt(12.5), EXACT_TOL);
    CR_CHECK_NEAR(s->se, 1.5811388301, HAND_TOL);
    CR_CHECK_NEAR(s->lo, -0.3899451654, HAND_TOL);
    CR_CHECK_NEAR(s->hi, 8.3899451654, HAND_TOL);
    const double q[5] = {1.2, 2.0, 3.0, 4.0, 8.8};
    for (size_t j = 0; j < 5; j++) {
        CR_CHECK_NEAR(s->q[j], q[j], EXACT_TOL);
    }
}

static void test_summary_hand(void)
{
    const double x[] = {10, 2, 4, 1, 3}; /* unsorted: the quantiles sort a copy */
    double work[5];
    cr_stats_summary s;
    cr_stats_summarise(x, 5, 0.95, work, &s);
    check_five(&s);
    CR_CHECK(x[0] == 10 && x[3] == 1); /* input untouched */
    /* a 90% interval: t_{0.95, 4} = 2.1318467863, half-width 3.3707457337 */
    cr_stats_summarise(x, 5, 0.90, work, &s);
    CR_CHECK_NEAR(s.hi - s.mean, 3.3707457337, HAND_TOL);
    CR_CHECK_NEAR(s.mean - s.lo, 3.3707457337, HAND_TOL);
}

static void test_summary_nonfinite(void)
{
    const double x[] = {NAN, 1, 2, INFINITY, 3, -INFINITY, 4, 10, NAN};
    double work[9];
    cr_stats_summary s;
    cr_stats_summarise(x, 9, 0.95, work, &s);
    check_five(&s);
}

static void test_summary_small(void)
{
    double work[3];
    cr_stats_summary s;
    /* n = 0, and only non-finite values: everything NaN */
    const double none[] = {NAN, INFINITY, NAN};
    for (size_t n = 0; n <= 3; n += 3) {
        cr_stats_summarise(none, n, 0.95, work, &s);
        CR_CHECK(s.n == 0);
        CR_CHECK(isnan(s.mean) && isnan(s.sd) && isnan(s.se) && isnan(s.lo) && isnan(s.hi));
        for (size_t j = 0; j < 5; j++) {
            CR_CHECK(isnan(s.q[j]));
        }
    }
    /* n = 1: no spread, the interval is the point */
    const double one[] = {NAN, 7.25};
    cr_stats_summarise(one, 2, 0.95, work, &s);
    CR_CHECK(s.n == 1);
    CR_CHECK(s.mean == 7.25 && s.sd == 0.0 && s.se == 0.0 && s.lo == 7.25 && s.hi == 7.25);
    for (size_t j = 0; j < 5; j++) {
        CR_CHECK(s.q[j] == 7.25);
    }
    /* n = 2 equal values: sd 0, a zero-width interval */
    const double two[] = {3.0, 3.0};
    cr_stats_summarise(two, 2, 0.95, work, &s);
    CR_CHECK(s.n == 2 && s.sd == 0.0 && s.lo == 3.0 && s.hi == 3.0);
    /* a level outside (0, 1) has no interval */
    const double five[] = {1, 2, 3, 4, 10};
    double work5[5];
    cr_stats_summarise(five, 5, 1.0, work5, &s);
    CR_CHECK(s.mean == 4.0 && isnan(s.lo) && isnan(s.hi));
}

/* ---------------------------------------------------------------- paired */

/* x = {1.0, 2.0, 3.5, 4.0}, y = {0.8, 2.1, 3.0, 3.6}: d = x - y = {0.2, -0.1, 0.5, 0.4},
 * mean 1.0 / 4 = 0.25; deviations -0.05, -0.35, 0.25, 0.15, squares sum to
 * 0.0025 + 0.1225 + 0.0625 + 0.0225 = 0.21, var(d) = 0.21 / 3 = 0.07,
 * sd = sqrt(0.07) = 0.2645751311, se = sqrt(0.07 / 4) = 0.1322875656;
 * t_{0.975, 3} = 3.1824463053, half-width 0.4209980742, interval
 * [-0.1709980742, 0.6709980742].
 * var(x): mean 2.625, squared deviations 2.640625 + 0.390625 + 0.765625 + 1.890625 =
 * 5.6875, / 3 = 1.8958333333; var(y): mean 2.375, 2.480625 + 0.075625 + 0.390625 +
 * 1.500625 = 4.4475, / 3 = 1.4825. var_reduction = (var(x) + var(y)) / var(d) =
 * (5.6875 + 4.4475) / 3 / 0.07 = 10.135 / 0.21 = 48.2619047619. */
static void test_paired_hand(void)
{
    const double x[] = {1.0, 2.0, 3.5, 4.0};
    const double y[] = {0.8, 2.1, 3.0, 3.6};
    double work[6];
    cr_stats_paired p;
    cr_stats_pair(x, y, 4, 0.95, work, &p);
    CR_CHECK(p.diff.n == 4);
    CR_CHECK_NEAR(p.diff.mean, 0.25, EXACT_TOL);
    CR_CHECK_NEAR(p.diff.sd, 0.2645751311, HAND_TOL);
    CR_CHECK_NEAR(p.diff.se, 0.1322875656, HAND_TOL);
    CR_CHECK_NEAR(p.diff.lo, -0.1709980742, HAND_TOL);
    CR_CHECK_NEAR(p.diff.hi, 0.6709980742, HAND_TOL);
    CR_CHECK_NEAR(p.var_reduction, 48.2619047619, HAND_TOL);
    /* quantiles of d sorted {-0.1, 0.2, 0.4, 0.5}: position 3 f; median 0.3 */
    CR_CHECK_NEAR(p.diff.q[2], 0.3, EXACT_TOL);
    CR_CHECK_NEAR(p.diff.q[0], -0.1 + 0.15 * 0.3, EXACT_TOL);

    /* pairs with a non-finite member are skipped: the same answer */
    const double x2[] = {1.0, NAN, 2.0, 5.0, 3.5, 4.0};
    const double y2[] = {0.8, 1.0, 2.1, INFINITY, 3.0, 3.6};
    cr_stats_paired p2;
    cr_stats_pair(x2, y2, 6, 0.95, work, &p2);
    CR_CHECK(p2.diff.n == 4);
    CR_CHECK_NEAR(p2.diff.mean, p.diff.mean, EXACT_TOL);
    CR_CHECK_NEAR(p2.diff.hi, p.diff.hi, EXACT_TOL);
    CR_CHECK_NEAR(p2.var_reduction, p.var_reduction, 1e-10);
}

static void test_paired_degenerate(void)
{
    /* y = x + 0.5 exactly (binary fractions): var_paired = 0 < var_unpaired */
    const double x[] = {1.0, 2.5, 4.0, 8.25, 3.0};
    double y[5], work[5];
    for (size_t i = 0; i < 5; i++) {
        y[i] = x[i] + 0.5;
    }
    cr_stats_paired p;
    cr_stats_pair(x, y, 5, 0.95, work, &p);
    CR_CHECK(p.diff.n == 5);
    CR_CHECK(p.diff.mean == -0.5 && p.diff.sd == 0.0);
    CR_CHECK(p.diff.lo == -0.5 && p.diff.hi == -0.5);
    CR_CHECK(isinf(p.var_reduction) && p.var_reduction > 0);
    /* both variances 0: pairing changes nothing */
    const double c[] = {2.0, 2.0, 2.0}, e[] = {1.0, 1.0, 1.0};
    cr_stats_pair(c, e, 3, 0.95, work, &p);
    CR_CHECK(p.diff.mean == 1.0 && p.var_reduction == 1.0);
    /* fewer than two pairs: no variances, NaN */
    cr_stats_pair(c, e, 1, 0.95, work, &p);
    CR_CHECK(p.diff.n == 1 && p.diff.mean == 1.0 && isnan(p.var_reduction));
    cr_stats_pair(c, e, 0, 0.95, work, &p);
    CR_CHECK(p.diff.n == 0 && isnan(p.diff.mean) && isnan(p.var_reduction));
}

/* ---------------------------------------------------------------- Sobol */

/* N = 2, k = 1, yA = {1, 3}, yB = {2, 4}, yAB = {2, 3}: V = var{1, 3, 2, 4} = 5 / 3;
 * S1 = mean(2 (2 - 1), 4 (3 - 3)) / V = 1 / (5 / 3) = 0.6;
 * ST = mean((1 - 2)^2, (3 - 3)^2) / 2 / V = 0.5 / 2 * 3 / 5 = 0.15. */
static void test_sobol_hand(void)
{
    const double yA[] = {1, 3}, yB[] = {2, 4}, yAB[] = {2, 3};
    double S1, S1_lo, S1_hi, ST, ST_lo, ST_hi;
    cr_sobol o = {0, &S1, &S1_lo, &S1_hi, &ST, &ST_lo, &ST_hi};
    cr_diag d;
    CR_REQUIRE(cr_sobol_indices(2, 1, yA, yB, yAB, 0, 0.95, NULL, &o, &d) == CR_OK);
    CR_CHECK_NEAR(o.variance, 5.0 / 3.0, EXACT_TOL);
    CR_CHECK_NEAR(S1, 0.6, EXACT_TOL);
    CR_CHECK_NEAR(ST, 0.15, EXACT_TOL);
    CR_CHECK(isnan(S1_lo) && isnan(S1_hi) && isnan(ST_lo) && isnan(ST_hi)); /* nboot = 0 */
}

/* The estimators written out plainly for the rows row[0..N) */
static void sobol_brute(size_t N, const double *yA, const double *yB, const double *yAB,
                        const size_t *row, double *S1, double *ST)
{
    double sum = 0, sum2 = 0, s1 = 0, st = 0;
    for (size_t s = 0; s < N; s++) {
        size_t r = row[s];
        sum += yA[r] + yB[r];
        s1 += yB[r] * (yAB[r] - yA[r]);
        st += (yA[r] - yAB[r]) * (yA[r] - yAB[r]);
    }
    double mean = sum / (double)(2 * N);
    for (size_t s = 0; s < N; s++) {
        size_t r = row[s];
        sum2 += (yA[r] - mean) * (yA[r] - mean) + (yB[r] - mean) * (yB[r] - mean);
    }
    double V = sum2 / (double)(2 * N - 1);
    *S1 = s1 / (double)N / V;
    *ST = st / (double)N / 2.0 / V;
}

/* The percentile bootstrap replayed: the documented draws, the estimators by hand */
static void test_sobol_bootstrap_replay(void)
{
    enum { N = 6, NB = 9 };
    const double yA[N] = {0.3, 1.7, -0.4, 2.2, 0.9, 1.1};
    const double yB[N] = {1.0, -0.6, 0.8, 1.9, 0.2, 2.4};
    const double yAB[N] = {0.7, 1.2, 0.1, 2.0, 0.3, 1.6};
    double S1, S1_lo, S1_hi, ST, ST_lo, ST_hi;
    cr_sobol o = {0, &S1, &S1_lo, &S1_hi, &ST, &ST_lo, &ST_hi};
    gsl_rng *r = mt(42), *r2 = mt(42);
    CR_REQUIRE(r && r2);
    CR_REQUIRE(cr_sobol_indices(N, 1, yA, yB, yAB, NB, 0.8, r, &o, NULL) == CR_OK);
    double b1[NB], bt[NB];
    size_t row[N], m = 0;
    for (size_t b = 0; b < NB; b++) {
        for (size_t s = 0; s < N; s++) {
            row[s] = gsl_rng_uniform_int(r2, N);
        }
        double x1, xt;
        sobol_brute(N, yA, yB, yAB, row, &x1, &xt);
        if (isfinite(x1)) { /* a resample of one repeated row has no variance */
            b1[m] = x1;
            bt[m++] = xt;
        }
    }
    CR_CHECK(gsl_rng_get(r) == gsl_rng_get(r2)); /* exactly N * NB draws */
    CR_REQUIRE(m > 0);
    gsl_sort(b1, 1, m);
    gsl_sort(bt, 1, m);
    CR_CHECK_NEAR(S1_lo, gsl_stats_quantile_from_sorted_data(b1, 1, m, 0.1), 1e-12);
    CR_CHECK_NEAR(S1_hi, gsl_stats_quantile_from_sorted_data(b1, 1, m, 0.9), 1e-12);
    CR_CHECK_NEAR(ST_lo, gsl_stats_quantile_from_sorted_data(bt, 1, m, 0.1), 1e-12);
    CR_CHECK_NEAR(ST_hi, gsl_stats_quantile_from_sorted_data(bt, 1, m, 0.9), 1e-12);
    for (size_t s = 0; s < N; s++) {
        row[s] = s;
    }
    double x1, xt;
    sobol_brute(N, yA, yB, yAB, row, &x1, &xt);
    CR_CHECK_NEAR(S1, x1, 1e-12);
    CR_CHECK_NEAR(ST, xt, 1e-12);
    gsl_rng_free(r);
    gsl_rng_free(r2);
}

static void test_sobol_degenerate(void)
{
    const double c[4] = {2.5, 2.5, 2.5, 2.5}, cab[8] = {2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5};
    double S1[2], S1_lo[2], S1_hi[2], ST[2], ST_lo[2], ST_hi[2];
    cr_sobol o = {0, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi};
    gsl_rng *r = mt(7);
    CR_REQUIRE(r);
    cr_diag d;
    /* constant output: V = 0, NaN indices and bounds, and no 0 / 0 computed (that would
     * raise FE_INVALID, and trap under feenableexcept) */
    feclearexcept(FE_ALL_EXCEPT);
    CR_REQUIRE(cr_sobol_indices(4, 2, c, c, cab, 20, 0.95, r, &o, &d) == CR_OK);
    CR_CHECK(!fetestexcept(FE_INVALID | FE_DIVBYZERO));
    CR_CHECK(o.variance == 0.0);
    for (size_t i = 0; i < 2; i++) {
        CR_CHECK(isnan(S1[i]) && isnan(ST[i]) && isnan(S1_lo[i]) && isnan(S1_hi[i]));
        CR_CHECK(isnan(ST_lo[i]) && isnan(ST_hi[i]));
    }
    /* a non-finite output is named, outputs untouched */
    const double yA[4] = {1, 2, 3, 4}, yB[4] = {2, 3, 4, 5};
    double yAB[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    yAB[6] = NAN;
    S1[0] = ST_hi[1] = 123.0;
    o.variance = 123.0;
    CR_CHECK(cr_sobol_indices(4, 2, yA, yB, yAB, 20, 0.95, r, &o, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "AB of parameter 2, base sample 2");
    CR_CHECK(S1[0] == 123.0 && ST_hi[1] == 123.0 && o.variance == 123.0);
    /* a bad level, a missing generator */
    yAB[6] = 7;
    CR_CHECK(cr_sobol_indices(4, 2, yA, yB, yAB, 20, 1.5, r, &o, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "1.5");
    CR_CHECK(cr_sobol_indices(4, 2, yA, yB, yAB, 20, 0.95, NULL, &o, &d) == CR_EINVAL);
    CR_CHECK(S1[0] == 123.0 && o.variance == 123.0);
    /* N = 0: nothing to estimate */
    CR_CHECK(cr_sobol_indices(0, 2, yA, yB, yAB, 20, 0.95, r, &o, &d) == CR_OK);
    CR_CHECK(isnan(o.variance) && isnan(S1[0]) && isnan(ST_hi[1]));
    gsl_rng_free(r);
}

/* Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3,
 * a = 7, b = 0.1. V = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1 / 2 = 13.8445879407,
 * V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50);
 * S1 = (0.3139051911, 0.4424111448, 0), ST = (0.5575888552, 0.4424111448,
 * 0.2436836641) with ST3 = V13 / V = 8 b^2 pi^8 / 225 / V. */
#define ISHI_A 7.0
#define ISHI_B 0.1
static double ishigami(const double *u)
{
    double x1 = -M_PI + 2.0 * M_PI * u[0], x2 = -M_PI + 2.0 * M_PI * u[1];
    double x3 = -M_PI + 2.0 * M_PI * u[2];
    double s2 = sin(x2), x3sq = x3 * x3;
    return sin(x1) + ISHI_A * s2 * s2 + ISHI_B * x3sq * x3sq * sin(x1);
}

static void test_sobol_ishigami(void)
{
    const double pi4 = pow(M_PI, 4), pi8 = pow(M_PI, 8);
    const double V = ISHI_A * ISHI_A / 8 + ISHI_B * pi4 / 5 + ISHI_B * ISHI_B * pi8 / 18 + 0.5;
    const double V1 = 0.5 * (1 + ISHI_B * pi4 / 5) * (1 + ISHI_B * pi4 / 5);
    const double V2 = ISHI_A * ISHI_A / 8, VT3 = 8 * ISHI_B * ISHI_B * pi8 / 225;
    const double s1_true[3] = {V1 / V, V2 / V, 0.0};
    const double st_true[3] = {(V - V2) / V, V2 / V, VT3 / V};
    CR_CHECK_NEAR(s1_true[0], 0.3139051911, HAND_TOL);
    CR_CHECK_NEAR(st_true[2], 0.2436836641, HAND_TOL);

    enum { K = 3 };
    const size_t N = (size_t)1 << 13;
    size_t n = 0, *sample = NULL;
    double *u = NULL;
    int *matrix = NULL;
    cr_diag d;
    CR_REQUIRE(cr_sample_saltelli(N, K, 0, &n, &u, &matrix, &sample, &d) == CR_OK);
    CR_REQUIRE(n == N * (K + 2));
    double *yA = malloc(N * sizeof *yA), *yB = malloc(N * sizeof *yB);
    double *yAB = malloc(K * N * sizeof *yAB);
    CR_REQUIRE(yA && yB && yAB);
    /* every output slot filled exactly once: NaN marks the empty ones (which
     * cr_sobol_indices would refuse) */
    for (size_t s = 0; s < N; s++) {
        yA[s] = yB[s] = NAN;
        for (size_t i = 0; i < K; i++) {
            yAB[i * N + s] = NAN;
        }
    }
    size_t bad = 0;
    for (size_t row = 0; row < n; row++) {
        double y = ishigami(u + row * K), *slot = NULL;
        size_t s = sample[row];
        int code = matrix[row];
        if (code == CR_SALTELLI_A) {
            slot = &yA[s];
        } else if (code == CR_SALTELLI_B) {
            slot = &yB[s];
        } else if (code >= CR_SALTELLI_AB && code < CR_SALTELLI_AB + K) {
            slot = &yAB[(size_t)(code - CR_SALTELLI_AB) * N + s];
        }
        if (s >= N || !slot || !isnan(*slot)) {
            bad++;
            continue;
        }
        *slot = y;
    }
    CR_CHECK(bad == 0);

    double S1[K], S1_lo[K], S1_hi[K], ST[K], ST_lo[K], ST_hi[K];
    cr_sobol o = {0, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi};
    gsl_rng *r = mt(20240601);
    CR_REQUIRE(r);
    CR_REQUIRE(cr_sobol_indices(N, K, yA, yB, yAB, 500, 0.95, r, &o, &d) == CR_OK);
    /* Tolerances. The base points are a deterministic Sobol sequence, so the estimates'
     * errors are quasi-Monte Carlo errors (about 1e-3 here), smaller than the Monte Carlo
     * errors the bootstrap measures: its resamples treat the rows as independent draws,
     * and its 95% half-widths at N = 2^13 are about 0.025 to 0.035 for S1 and 0.01 to
     * 0.03 for ST (standard errors 0.005 to 0.017). The interval is thus approximate for
     * QMC points, and an analytic value must lie within its interval widened by MARGIN =
     * 0.02 (a little over one bootstrap standard error, so a bound that misses the
     * analytic value for a real reason, such as a wrong estimator, still fails), and each
     * point estimate within POINT_TOL = 0.03 of the analytic value (about 2 bootstrap
     * standard errors of the noisiest index, 30 times the observed QMC error). */
    const double MARGIN = 0.02, POINT_TOL = 0.03;
    fprintf(stderr, "  Ishigami N = %zu: V = %.4f (analytic %.4f)\n", N, o.variance, V);
    for (size_t i = 0; i < K; i++) {
        fprintf(stderr,
                "  x%zu: S1 = %.4f [%.4f, %.4f] (analytic %.4f), ST = %.4f [%.4f, %.4f] "
                "(analytic %.4f)\n",
                i + 1, S1[i], S1_lo[i], S1_hi[i], s1_true[i], ST[i], ST_lo[i], ST_hi[i],
                st_true[i]);
        CR_CHECK(S1_lo[i] <= S1[i] + 0.01 && S1[i] - 0.01 <= S1_hi[i]);
        CR_CHECK(ST_lo[i] <= ST[i] + 0.01 && ST[i] - 0.01 <= ST_hi[i]);
        CR_CHECK(S1_lo[i] < S1_hi[i] && ST_lo[i] < ST_hi[i]);
        CR_CHECK_MSG(S1_lo[i] - MARGIN <= s1_true[i] && s1_true[i] <= S1_hi[i] + MARGIN,
                     "x%zu: S1 %.4f outside [%.4f, %.4f] +- %.2f", i + 1, s1_true[i], S1_lo[i],
                     S1_hi[i], MARGIN);
        CR_CHECK_MSG(ST_lo[i] - MARGIN <= st_true[i] && st_true[i] <= ST_hi[i] + MARGIN,
                     "x%zu: ST %.4f outside [%.4f, %.4f] +- %.2f", i + 1, st_true[i], ST_lo[i],
                     ST_hi[i], MARGIN);
        CR_CHECK_NEAR(S1[i], s1_true[i], POINT_TOL);
        CR_CHECK_NEAR(ST[i], st_true[i], POINT_TOL);
        CR_CHECK(S1[i] <= ST[i] + POINT_TOL); /* first order <= total, up to the errors */
    }
    CR_CHECK_NEAR(o.variance, V, 0.05 * V);
    /* x3 acts only through its interaction with x1 */
    CR_CHECK(fabs(S1[2]) < POINT_TOL && ST[2] > 0.2);
    /* the same generator state gives the same intervals */
    double S1b[K], S1b_lo[K], S1b_hi[K], STb[K], STb_lo[K], STb_hi[K];
    cr_sobol o2 = {0, S1b, S1b_lo, S1b_hi, STb, STb_lo, STb_hi};
    gsl_rng_set(r, 20240601);
    CR_REQUIRE(cr_sobol_indices(N, K, yA, yB, yAB, 500, 0.95, r, &o2, &d) == CR_OK);
    for (size_t i = 0; i < K; i++) {
        CR_CHECK(S1b[i] == S1[i] && S1b_lo[i] == S1_lo[i] && STb_hi[i] == ST_hi[i]);
    }
    gsl_rng_free(r);
    free(yA);
    free(yB);
    free(yAB);
    free(u);
    free(matrix);
    free(sample);
}

/* ---------------------------------------------------------------- Morris */

typedef double (*model_fn)(const double *u);

static double linear(const double *u)
{
    return 1.0 * u[0] - 2.0 * u[1] + 0.5 * u[2] + 0.0 * u[3];
}

static double product(const double *u)
{
    return u[0] * u[1];
}

/* Runs r trajectories of k factors on p = 4 levels through f. */
static cr_status morris_of(size_t r, size_t k, model_fn f, unsigned long seed, double *mu,
                           double *mu_star, double *sigma)
{
    gsl_rng *rng = mt(seed);
    size_t n = 0;
    double *u = NULL;
    int *factor = NULL;
    if (!rng || cr_sample_morris(r, k, 4, rng, &n, &u, NULL, NULL, &factor, NULL) != CR_OK) {
        gsl_rng_free(rng);
        return CR_ENOMEM;
    }
    double *y = malloc(n * sizeof *y);
    cr_status st = CR_ENOMEM;
    if (y) {
        for (size_t row = 0; row < n; row++) {
            y[row] = f(u + row * k);
        }
        cr_morris m = {mu, mu_star, sigma};
        st = cr_morris_indices(r, k, u, factor, y, &m, NULL);
    }
    free(y);
    free(u);
    free(factor);
    gsl_rng_free(rng);
    return st;
}

static void test_morris_linear(void)
{
    const double b[4] = {1.0, -2.0, 0.5, 0.0};
    double mu[4], mu_star[4], sigma[4];
    CR_REQUIRE(morris_of(10, 4, linear, 11, mu, mu_star, sigma) == CR_OK);
    for (size_t i = 0; i < 4; i++) {
        CR_CHECK_NEAR(mu[i], b[i], EXACT_TOL);
        CR_CHECK_NEAR(mu_star[i], fabs(b[i]), EXACT_TOL);
        CR_CHECK_NEAR(sigma[i], 0.0, EXACT_TOL);
    }
    /* r = 1: one effect per factor, sigma 0 */
    CR_REQUIRE(morris_of(1, 4, linear, 12, mu, mu_star, sigma) == CR_OK);
    for (size_t i = 0; i < 4; i++) {
        CR_CHECK_NEAR(mu[i], b[i], EXACT_TOL);
        CR_CHECK(sigma[i] == 0.0);
    }
}

static void test_morris_product(void)
{
    /* y = u1 u2 with a third, unused factor: EE_1 = u2 and EE_2 = u1 vary with the
     * base point, EE_3 = 0 */
    double mu[3], mu_star[3], sigma[3];
    CR_REQUIRE(morris_of(10, 3, product, 13, mu, mu_star, sigma) == CR_OK);
    CR_CHECK(sigma[0] > 0.01 && sigma[1] > 0.01);
    CR_CHECK(mu_star[0] > 0.0 && mu_star[1] > 0.0);
    CR_CHECK(mu_star[2] == 0.0 && mu[2] == 0.0 && sigma[2] == 0.0);
    /* u in [0, 1]: EE_1 = u2 in [0, 1], so 0 <= mu = mu* <= 1 */
    CR_CHECK(mu[0] >= 0.0 && mu[0] <= 1.0);
    CR_CHECK_NEAR(mu_star[0], mu[0], EXACT_TOL);
}

static void test_morris_errors(void)
{
    enum { R = 2, K = 3 };
    gsl_rng *rng = mt(5);
    CR_REQUIRE(rng);
    size_t n = 0;
    double *u = NULL;
    int *factor = NULL;
    CR_REQUIRE(cr_sample_morris(R, K, 4, rng, &n, &u, NULL, NULL, &factor, NULL) == CR_OK);
    double y[R * (K + 1)] = {0};
    double mu[K] = {9, 9, 9}, mu_star[K] = {9, 9, 9}, sigma[K] = {9, 9, 9};
    cr_morris m = {mu, mu_star, sigma};
    cr_diag d;
    CR_REQUIRE(cr_morris_indices(R, K, u, factor, y, &m, &d) == CR_OK);
    CR_CHECK(mu[0] == 0.0 && sigma[2] == 0.0);
    mu[0] = sigma[2] = 9;

    /* trajectory 1, step 2 also changes a second coordinate */
    size_t row = 1 * (K + 1) + 2;
    size_t other = (size_t)(factor[row] + 1) % K;
    double saved = u[row * K + other];
    u[row * K + other] = saved + 0.125;
    CR_CHECK(cr_morris_indices(R, K, u, factor, y, &m, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "trajectory 1, step 2 changes several coordinates");
    CR_CHECK(mu[0] == 9 && sigma[2] == 9); /* outputs untouched */
    u[row * K + other] = saved;

    /* a step that changes nothing */
    double *moved = &u[row * K + (size_t)factor[row]];
    saved = *moved;
    *moved = u[(row - 1) * K + (size_t)factor[row]];
    CR_CHECK(cr_morris_indices(R, K, u, factor, y, &m, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "changes no coordinates");
    *moved = saved;

    /* a factor label that disagrees with the coordinates */
    int f = factor[row];
    factor[row] = (f + 1) % K;
    CR_CHECK(cr_morris_indices(R, K, u, factor, y, &m, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "but its factor is");
    factor[row] = f;
    CR_CHECK(mu[0] == 9 && sigma[2] == 9);

    CR_CHECK(cr_morris_indices(0, K, u, factor, y, &m, &d) == CR_EINPUT);
    CR_CHECK(cr_morris_indices(R, K, u, factor, y, &m, &d) == CR_OK);
    free(u);
    free(factor);
    gsl_rng_free(rng);
}

/* ---------------------------------------------------------------- CCDF */

static void test_ccdf(void)
{
    /* {1, 1, 2, 5}: P(>= 1) = 4/4, P(>= 2) = 2/4, P(>= 5) = 1/4 */
    const double sizes[] = {5, 1, 2, 1};
    double x[4], p[4];
    CR_REQUIRE(cr_ccdf(sizes, 4, x, p) == 3);
    CR_CHECK(x[0] == 1 && x[1] == 2 && x[2] == 5);
    CR_CHECK(p[0] == 1.0 && p[1] == 0.5 && p[2] == 0.25);
    /* non-finite sizes are skipped; all equal gives one point at 1 */
    const double same[] = {3, NAN, 3, 3};
    CR_REQUIRE(cr_ccdf(same, 4, x, p) == 1);
    CR_CHECK(x[0] == 3 && p[0] == 1.0);
    CR_CHECK(cr_ccdf(sizes, 0, x, p) == 0);
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_summary_hand);
    CR_RUN(test_summary_nonfinite);
    CR_RUN(test_summary_small);
    CR_RUN(test_paired_hand);
    CR_RUN(test_paired_degenerate);
    CR_RUN(test_sobol_hand);
    CR_RUN(test_sobol_bootstrap_replay);
    CR_RUN(test_sobol_degenerate);
    CR_RUN(test_sobol_ishigami);
    CR_RUN(test_morris_linear);
    CR_RUN(test_morris_product);
    CR_RUN(test_morris_errors);
    CR_RUN(test_ccdf);
    return cr_test_report();
}
