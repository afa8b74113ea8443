/* Statistics of replications and designs: the numbers `credere analyze` reports.
 * Pure functions on arrays (no HDF5): GSL for quantiles, the t distribution and
 * the bootstrap's random draws. */
#ifndef CR_STATS_H
#define CR_STATS_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/status.h"

/* Summary of n values (non-finite values are skipped; the field n counts the rest). */
typedef struct {
    size_t n;        /* values used */
    double mean, sd; /* sd with n - 1 (0 when n < 2) */
    double se;       /* sd / sqrt(n) */
    double lo, hi;   /* confidence interval of the mean: mean -+ t_{(1+level)/2, n-1} se */
    double q[5];     /* quantiles 0.05, 0.25, 0.5, 0.75, 0.95 of the values (NaN when n = 0) */
} cr_stats_summary;

/* level: e.g. 0.95. work: scratch of n doubles (the values are sorted there). */
void cr_stats_summarise(const double *x, size_t n, double level, double *work,
                        cr_stats_summary *out);

/* Paired difference x - y over n matched pairs (a pair with a non-finite member is
 * skipped): the difference's summary (mean, sd, CI), and the variance reduction of
 * pairing: var_unpaired / var_paired, with var_unpaired = (var(x) + var(y)) / n and
 * var_paired = var(x - y) / n (sample variances over the pairs used; infinite when
 * var(x - y) = 0 < var_unpaired, 1 when both are 0). */
typedef struct {
    cr_stats_summary diff;
    double var_reduction;
} cr_stats_paired;

void cr_stats_pair(const double *x, const double *y, size_t n, double level, double *work,
                   cr_stats_paired *out);

/* Sobol indices from a Saltelli (2010) radial sample: outputs yA[N], yB[N] and
 * yAB[i * N + s] for parameter i = 0..k-1 (AB_i = A with column i from B).
 *   V     = variance of the 2N values yA, yB (denominator 2N - 1);
 *   S1_i  = mean_s( yB[s] (yAB_i[s] - yA[s]) ) / V          (Saltelli et al. 2010)
 *   ST_i  = mean_s( (yA[s] - yAB_i[s])^2 ) / 2 / V           (Jansen 1999)
 * Percentile bootstrap: nboot resamples of the N rows with replacement (rows drawn
 * with gsl_rng_uniform_int from r, in order), each recomputing V, S1 and ST; the
 * interval is the ((1-level)/2, (1+level)/2) quantiles. Arrays of k, caller-owned. */
typedef struct {
    double variance;
    double *S1, *S1_lo, *S1_hi;
    double *ST, *ST_lo, *ST_hi;
} cr_sobol;

cr_status cr_sobol_indices(size_t N, size_t k, const double *yA, const double *yB,
                           const double *yAB, size_t nboot, double level, gsl_rng *r, cr_sobol *out,
                           cr_diag *d);

/* Morris (1991) elementary effects, Campolongo et al. (2007) mu*: r trajectories of
 * k + 1 points, point j of trajectory t at row t (k + 1) + j, unit coordinates
 * u[row * k + i], output y[row], factor[row] = the coordinate changed from the
 * previous row (-1 at step 0). EE = (y[row] - y[row-1]) / (u[row][f] - u[row-1][f]).
 * Per factor: mu = mean EE, mu_star = mean |EE|, sigma = sd of EE (n - 1; 0 when
 * r < 2). Arrays of k, caller-owned. CR_EINPUT when the structure is not a Morris
 * design (a step changes no or several coordinates, a factor never changes). */
typedef struct {
    double *mu, *mu_star, *sigma;
} cr_morris;

cr_status cr_morris_indices(size_t r, size_t k, const double *u, const int *factor, const double *y,
                            cr_morris *out, cr_diag *d);

/* Complementary CDF of n sizes: the distinct values in increasing order x[0..m)
 * and P(size >= x[j]) in p[j]; returns m. x and p hold n doubles each. */
size_t cr_ccdf(const double *sizes, size_t n, double *x, double *p);

#endif
