/* Statistics of replications and designs (analysis/stats.h). */
#include "analysis/stats.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* The probabilities of cr_stats_summary.q */
static const double SUMMARY_PROBS[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

static int level_ok(double level)
{
    return level > 0.0 && level < 1.0; /* false for NaN */
}

/* ---------------------------------------------------------------- summaries */

/* The summary of the m finite values in v[0..m), which it sorts in place. */
static void summarise_finite(double *v, size_t m, double level, cr_stats_summary *out)
{
    out->n = m;
    if (m == 0) {
        out->mean = out->sd = out->se = out->lo = out->hi = NAN;
        for (size_t j = 0; j < 5; j++) {
            out->q[j] = NAN;
        }
        return;
    }
    double mean = gsl_stats_mean(v, 1, m);
    double sd = m >= 2 ? gsl_stats_sd_m(v, 1, m, mean) : 0.0;
    double se = sd / sqrt((double)m);
    out->mean = mean;
    out->sd = sd;
    out->se = se;
    if (!level_ok(level)) {
        out->lo = out->hi = NAN;
    } else if (m == 1) {
        out->lo = out->hi = mean; /* no spread to estimate: the interval is the point */
    } else {
        double t = gsl_cdf_tdist_Pinv(0.5 * (1.0 + level), (double)(m - 1));
        out->lo = mean - t * se;
        out->hi = mean + t * se;
    }
    gsl_sort(v, 1, m);
    for (size_t j = 0; j < 5; j++) {
        out->q[j] = gsl_stats_quantile_from_sorted_data(v, 1, m, SUMMARY_PROBS[j]);
    }
}

void cr_stats_summarise(const double *x, size_t n, double level, double *work,
                        cr_stats_summary *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i])) {
            work[m++] = x[i];
        }
    }
    summarise_finite(work, m, level, out);
}

/* ---------------------------------------------------------------- paired differences */

static int pair_used(const double *x, const double *y, size_t i)
{
    return isfinite(x[i]) && isfinite(y[i]);
}

/* The sample variance of v over the pairs used, gathered into work (m >= 2 of them). */
static double used_variance(const double *v, const double *x, const double *y, size_t n,
                            double *work)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (pair_used(x, y, i)) {
            work[m++] = v[i];
        }
    }
    return gsl_stats_variance(work, 1, m);
}

void cr_stats_pair(const double *x, const double *y, size_t n, double level, double *work,
                   cr_stats_paired *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        m += (size_t)pair_used(x, y, i);
    }
    /* the variances of x and y first: work is then reused for the differences */
    double var_sum = NAN;
    if (m >= 2) {
        var_sum = used_variance(x, x, y, n, work) + used_variance(y, x, y, n, work);
    }
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (pair_used(x, y, i)) {
            work[m++] = x[i] - y[i];
        }
    }
    summarise_finite(work, m, level, &out->diff);
    /* var_unpaired / var_paired: the 1 / m factors cancel. Fewer than 2 pairs carry no
     * information about either variance: NaN. */
    if (m < 2) {
        out->var_reduction = NAN;
    } else {
        double var_diff = out->diff.sd * out->diff.sd;
        if (var_diff > 0.0) {
            out->var_reduction = var_sum / var_diff;
        } else {
            out->var_reduction = var_sum > 0.0 ? INFINITY : 1.0;
        }
    }
}

/* ---------------------------------------------------------------- Sobol indices */

/* Scratch of the Sobol estimators: one (re)sample's rows. */
typedef struct {
    double *pooled; /* 2N: yA then yB, for the variance */
    double *term;   /* N: the summands of one estimator */
} sobol_scratch;

/* V, S1_i and ST_i (i < k) from the rows row[0..N) of the design (row == NULL: the
 * rows in order). Indices are NaN when V is not positive (constant output). */
static void sobol_estimate(size_t N, size_t k, const double *yA, const double *yB,
                           const double *yAB, const size_t *row, sobol_scratch *w, double *V,
                           double *S1, double *ST)
{
    for (size_t s = 0; s < N; s++) {
        size_t r = row ? row[s] : s;
        w->pooled[s] = yA[r];
        w->pooled[N + s] = yB[r];
    }
    double var = gsl_stats_variance(w->pooled, 1, 2 * N);
    *V = var;
    for (size_t i = 0; i < k; i++) {
        if (!(var > 0.0)) {
            S1[i] = ST[i] = NAN; /* no variance to apportion: no division by zero */
            continue;
        }
        const double *yABi = yAB + i * N;
        for (size_t s = 0; s < N; s++) {
            size_t r = row ? row[s] : s;
            w->term[s] = yB[r] * (yABi[r] - yA[r]);
        }
        S1[i] = gsl_stats_mean(w->term, 1, N) / var;
        for (size_t s = 0; s < N; s++) {
            size_t r = row ? row[s] : s;
            double e = yA[r] - yABi[r];
            w->term[s] = e * e;
        }
        ST[i] = gsl_stats_mean(w->term, 1, N) / (2.0 * var);
    }
}

/* The percentile interval of the nb replicates v[0..nb) (sorted in place after the
 * non-finite ones, from resamples with no variance, are dropped). */
static void percentile_interval(double *v, size_t nb, double level, double *lo, double *hi)
{
    size_t m = 0;
    for (size_t b = 0; b < nb; b++) {
        if (isfinite(v[b])) {
            v[m++] = v[b];
        }
    }
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, m);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5 * (1.0 - level));
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5 * (1.0 + level));
}

/* Names the first non-finite value of y[0..n) in d. */
static cr_status check_finite(const double *y, size_t n, const char *name, size_t N, cr_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) {
            if (N) {
                return cr_diag_set(d, CR_EINPUT,
                                   "sobol: output %s of parameter %zu, base sample %zu is %g "
                                   "(Sobol indices need finite outputs at every design point)",
                                   name, i / N + 1, i % N, y[i]);
            }
            return cr_diag_set(d, CR_EINPUT,
                               "sobol: output %s of base sample %zu is %g (Sobol indices need "
                               "finite outputs at every design point)",
                               name, i, y[i]);
        }
    }
    return CR_OK;
}

cr_status cr_sobol_indices(size_t N, size_t k, const double *yA, const double *yB,
                           const double *yAB, size_t nboot, double level, gsl_rng *r, cr_sobol *out,
                           cr_diag *d)
{
    if (N == 0) {
        out->variance = NAN;
        for (size_t i = 0; i < k; i++) {
            out->S1[i] = out->S1_lo[i] = out->S1_hi[i] = NAN;
            out->ST[i] = out->ST_lo[i] = out->ST_hi[i] = NAN;
        }
        return CR_OK;
    }
    if (nboot > 0 && !level_ok(level)) {
        return cr_diag_set(d, CR_EINVAL, "sobol: confidence level %g is not in (0, 1)", level);
    }
    if (nboot > 0 && !r) {
        return cr_diag_set(d, CR_EINVAL, "sobol: %zu bootstrap resamples but no generator", nboot);
    }
    if (nboot > 0 && N - 1 > gsl_rng_max(r) - gsl_rng_min(r)) {
        return cr_diag_set(d, CR_EINVAL,
                           "sobol: %zu base samples are more than generator %s can index", N,
                           gsl_rng_name(r));
    }
    cr_status st = check_finite(yA, N, "A", 0, d);
    if (st == CR_OK) {
        st = check_finite(yB, N, "B", 0, d);
    }
    if (st == CR_OK && k > 0) {
        st = check_finite(yAB, k * N, "AB", N, d);
    }
    if (st != CR_OK) {
        return st;
    }
    /* scratch: pooled 2N, term N, rows N, and nboot replicates of S1 and ST per parameter
     * (replicate b of parameter i at [i * nboot + b]) */
    if (N > SIZE_MAX / sizeof(double) / 4 || (k > 0 && nboot > SIZE_MAX / sizeof(double) / 2 / k)) {
        return cr_diag_set(d, CR_ENOMEM,
                           "sobol: %zu base samples, %zu parameters and %zu "
                           "resamples do not fit in memory",
                           N, k, nboot);
    }
    sobol_scratch w = {malloc(2 * N * sizeof(double)), malloc(N * sizeof(double))};
    size_t *row = malloc(N * sizeof *row);
    size_t nrep = nboot * k;
    double *rep = malloc((2 * nrep + 2 * k + 1) * sizeof *rep); /* + S1, ST of one resample */
    if (!w.pooled || !w.term || !row || !rep) {
        free(w.pooled);
        free(w.term);
        free(row);
        free(rep);
        return cr_diag_set(d, CR_ENOMEM,
                           "sobol: out of memory for %zu base samples and %zu "
                           "resamples",
                           N, nboot);
    }
    double *rep_S1 = rep, *rep_ST = rep + nrep, *S1b = rep + 2 * nrep, *STb = S1b + k;

    sobol_estimate(N, k, yA, yB, yAB, NULL, &w, &out->variance, out->S1, out->ST);
    for (size_t b = 0; b < nboot; b++) {
        for (size_t s = 0; s < N; s++) {
            row[s] = (size_t)gsl_rng_uniform_int(r, (unsigned long)N);
        }
        double Vb;
        sobol_estimate(N, k, yA, yB, yAB, row, &w, &Vb, S1b, STb);
        for (size_t i = 0; i < k; i++) {
            rep_S1[i * nboot + b] = S1b[i];
            rep_ST[i * nboot + b] = STb[i];
        }
    }
    for (size_t i = 0; i < k; i++) {
        if (nboot == 0) {
            out->S1_lo[i] = out->S1_hi[i] = out->ST_lo[i] = out->ST_hi[i] = NAN;
            continue;
        }
        percentile_interval(rep_S1 + i * nboot, nboot, level, &out->S1_lo[i], &out->S1_hi[i]);
        percentile_interval(rep_ST + i * nboot, nboot, level, &out->ST_lo[i], &out->ST_hi[i]);
    }
    free(w.pooled);
    free(w.term);
    free(row);
    free(rep);
    return CR_OK;
}

/* ---------------------------------------------------------------- Morris elementary effects */

/* The coordinate in which rows a and b of u (k columns) differ: its index, -1 when
 * none differs, -2 when several do. */
static long changed_coordinate(const double *u, size_t k, size_t a, size_t b)
{
    long f = -1;
    for (size_t i = 0; i < k; i++) {
        if (u[a * k + i] != u[b * k + i]) {
            if (f >= 0) {
                return -2;
            }
            f = (long)i;
        }
    }
    return f;
}

/* Checks that u and factor form r trajectories of k + 1 rows, each step changing
 * exactly the coordinate factor[row] names, and counts the steps of each factor. */
static cr_status check_morris(size_t r, size_t k, const double *u, const int *factor, size_t *count,
                              cr_diag *d)
{
    size_t rows = r * (k + 1);
    for (size_t row = 0; row < rows; row++) {
        for (size_t i = 0; i < k; i++) {
            if (!isfinite(u[row * k + i])) {
                return cr_diag_set(d, CR_EINPUT,
                                   "morris: trajectory %zu, step %zu: coordinate %zu is %g",
                                   row / (k + 1), row % (k + 1), i, u[row * k + i]);
            }
        }
    }
    for (size_t i = 0; i < k; i++) {
        count[i] = 0;
    }
    for (size_t row = 0; row < rows; row++) {
        size_t t = row / (k + 1), m = row % (k + 1);
        if (m == 0) {
            if (factor[row] != -1) {
                return cr_diag_set(d, CR_EINPUT,
                                   "morris: trajectory %zu starts with factor %d (expected -1)", t,
                                   factor[row]);
            }
            continue;
        }
        long f = changed_coordinate(u, k, row - 1, row);
        if (f < 0) {
            return cr_diag_set(d, CR_EINPUT,
                               "morris: trajectory %zu, step %zu changes %s coordinates (a Morris "
                               "step changes exactly one)",
                               t, m, f == -1 ? "no" : "several");
        }
        if (factor[row] != f) {
            return cr_diag_set(d, CR_EINPUT,
                               "morris: trajectory %zu, step %zu changes coordinate %ld but its "
                               "factor is %d",
                               t, m, f, factor[row]);
        }
        count[f]++;
    }
    for (size_t i = 0; i < k; i++) {
        if (count[i] == 0) {
            return cr_diag_set(d, CR_EINPUT, "morris: factor %zu never changes", i);
        }
    }
    return CR_OK;
}

cr_status cr_morris_indices(size_t r, size_t k, const double *u, const int *factor, const double *y,
                            cr_morris *out, cr_diag *d)
{
    if (r == 0 || k == 0) {
        return cr_diag_set(d, CR_EINPUT, "morris: %zu trajectories of %zu factors (need >= 1 each)",
                           r, k);
    }
    if (k >= INT_MAX || r > SIZE_MAX / sizeof(double) / (k + 1) / k) {
        return cr_diag_set(d, CR_EINPUT, "morris: %zu trajectories of %zu factors are too many", r,
                           k);
    }
    size_t steps = r * k;
    size_t *count = malloc(2 * k * sizeof *count); /* steps per factor, then offsets */
    double *ee = malloc(steps * sizeof *ee);
    if (!count || !ee) {
        free(count);
        free(ee);
        return cr_diag_set(d, CR_ENOMEM, "morris: out of memory for %zu elementary effects", steps);
    }
    cr_status st = check_morris(r, k, u, factor, count, d);
    if (st != CR_OK) {
        free(count);
        free(ee);
        return st;
    }
    /* the effects grouped by factor: factor i's at ee[off[i] .. off[i] + count[i]) */
    size_t *off = count + k;
    for (size_t i = 0, o = 0; i < k; i++) {
        off[i] = o;
        o += count[i];
    }
    size_t rows = r * (k + 1);
    for (size_t row = 0; row < rows; row++) {
        if (row % (k + 1) == 0) {
            continue;
        }
        size_t f = (size_t)factor[row];
        double du = u[row * k + f] - u[(row - 1) * k + f];
        ee[off[f]++] = (y[row] - y[row - 1]) / du;
    }
    for (size_t i = 0; i < k; i++) {
        const double *e = ee + off[i] - count[i];
        size_t m = count[i];
        double mu = gsl_stats_mean(e, 1, m);
        out->mu[i] = mu;
        out->mu_star[i] = gsl_stats_absdev_m(e, 1, m, 0.0); /* mean |EE| */
        out->sigma[i] = m >= 2 ? gsl_stats_sd_m(e, 1, m, mu) : 0.0;
    }
    free(count);
    free(ee);
    return CR_OK;
}

/* ---------------------------------------------------------------- CCDF */

size_t cr_ccdf(const double *sizes, size_t n, double *x, double *p)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(sizes[i])) {
            x[m++] = sizes[i];
        }
    }
    if (m == 0) {
        return 0;
    }
    gsl_sort(x, 1, m);
    /* at the first j of each run of equal values, P(size >= x[j]) = (m - j) / m; the
     * distinct values are compacted in place (the write index never passes the read one) */
    size_t out = 0;
    for (size_t j = 0; j < m; j++) {
        double v = x[j];
        if (out == 0 || v != x[out - 1]) {
            p[out] = (double)(m - j) / (double)m;
            x[out++] = v;
        }
    }
    return out;
}
