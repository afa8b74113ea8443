/* Unit-cube points of the designs of experiments (experiments/sampling.h). */
#include "experiments/sampling.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

/* Allocates n * k doubles; an n * k that does not fit a size_t is out of memory too. */
static cr_status alloc_points(size_t n, size_t k, double **out, cr_diag *d)
{
    if (n > SIZE_MAX / sizeof(double) / k) {
        return cr_diag_set(d, CR_ENOMEM,
                           "design: %zu points of %zu parameters do not fit in memory", n, k);
    }
    *out = malloc(n * k * sizeof **out);
    if (!*out) {
        return cr_diag_set(d, CR_ENOMEM, "design: out of memory for %zu points of %zu parameters",
                           n, k);
    }
    return CR_OK;
}

/* ---------------------------------------------------------------- grid */

cr_status cr_sample_grid(size_t k, const size_t *levels, size_t max_points, size_t *n, double **u,
                         cr_diag *d)
{
    if (k == 0) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.parameters: no parameters to vary (a grid needs at least one)");
    }
    size_t count = 1;
    for (size_t j = 0; j < k; j++) {
        if (levels[j] == 0) {
            return cr_diag_set(d, CR_ECONFIG,
                               "design.parameters[%zu].levels: 0 levels (a grid needs at least 1 "
                               "value per parameter)",
                               j);
        }
        if (count > SIZE_MAX / levels[j]) {
            return cr_diag_set(d, CR_ECONFIG,
                               "design.parameters: the grid has too many points (the product of "
                               "the levels overflows at parameter %zu)",
                               j);
        }
        count *= levels[j];
    }
    if (count > max_points) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.parameters: the grid has %zu points, more than the limit of %zu",
                           count, max_points);
    }
    double *out;
    cr_status st = alloc_points(count, k, &out, d);
    if (st != CR_OK) {
        return st;
    }
    for (size_t i = 0; i < count; i++) {
        size_t rest = i; /* mixed-radix digits of i, the last parameter fastest */
        for (size_t j = k; j-- > 0;) {
            size_t idx = rest % levels[j];
            rest /= levels[j];
            out[i * k + j] = ((double)idx + 0.5) / (double)levels[j];
        }
    }
    *n = count;
    *u = out;
    return CR_OK;
}

/* ---------------------------------------------------------------- Latin hypercube */

/* (s + w) / n for w in [0, 1), nudged by ulps so that floor(v * n) == s in floating
 * point (rounding can otherwise carry a w close to 1 into the next stratum, or 1.0). */
static double stratum_value(size_t s, double w, size_t n)
{
    double dn = (double)n, ds = (double)s;
    double v = (ds + w) / dn;
    while (floor(v * dn) > ds) {
        v = nextafter(v, 0.0);
    }
    while (floor(v * dn) < ds) {
        v = nextafter(v, 1.0);
    }
    return v;
}

cr_status cr_sample_lhs(size_t n, size_t k, gsl_rng *r, double **u, cr_diag *d)
{
    if (n == 0) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.samples: 0 points (a Latin hypercube needs at least 1)");
    }
    if (k == 0) {
        return cr_diag_set(
            d, CR_ECONFIG,
            "design.parameters: no parameters to vary (a Latin hypercube needs at least one)");
    }
    double *out;
    cr_status st = alloc_points(n, k, &out, d);
    if (st != CR_OK) {
        return st;
    }
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm) {
        free(out);
        return cr_diag_set(d, CR_ENOMEM, "design: out of memory for a permutation of %zu points",
                           n);
    }
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++) {
            perm[i] = i;
        }
        gsl_ran_shuffle(r, perm, n, sizeof *perm);
        for (size_t i = 0; i < n; i++) {
            out[i * k + j] = stratum_value(perm[i], gsl_rng_uniform(r), n);
        }
    }
    free(perm);
    *u = out;
    return CR_OK;
}

/* ---------------------------------------------------------------- Saltelli */

size_t cr_sobol_max_dimension(void)
{
    return gsl_qrng_sobol->max_dimension;
}

cr_status cr_saltelli_matrix_name(int code, size_t k, char *buf, size_t len)
{
    int w;
    if (code == CR_SALTELLI_A) {
        w = snprintf(buf, len, "A");
    } else if (code == CR_SALTELLI_B) {
        w = snprintf(buf, len, "B");
    } else if (code >= CR_SALTELLI_AB && (size_t)(code - CR_SALTELLI_AB) < k) {
        w = snprintf(buf, len, "AB_%zu", (size_t)(code - CR_SALTELLI_AB) + 1);
    } else if (code >= CR_SALTELLI_AB && (size_t)(code - CR_SALTELLI_AB) - k < k) {
        w = snprintf(buf, len, "BA_%zu", (size_t)(code - CR_SALTELLI_AB) - k + 1);
    } else {
        if (len > 0) {
            snprintf(buf, len, "?");
        }
        return CR_EINVAL;
    }
    return (w < 0 || (size_t)w >= len) ? CR_EINVAL : CR_OK;
}

cr_status cr_sample_saltelli(size_t N, size_t k, int second_order, size_t *n, double **u,
                             int **matrix, size_t **sample, cr_diag *d)
{
    if (N == 0 || (N & (N - 1)) != 0) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.samples: %zu is not a power of two (Saltelli needs N = 2^m)", N);
    }
    if (k == 0) {
        return cr_diag_set(
            d, CR_ECONFIG,
            "design.parameters: no parameters to vary (Saltelli needs at least one)");
    }
    size_t maxdim = cr_sobol_max_dimension();
    if (k > maxdim / 2) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.parameters: %zu parameters need a Sobol sequence of dimension "
                           "2k = %zu, but GSL's goes up to %zu (Saltelli handles at most %zu "
                           "parameters)",
                           k, k > SIZE_MAX / 2 ? SIZE_MAX : 2 * k, maxdim, maxdim / 2);
    }
    size_t rows = second_order ? 2 * k + 2 : k + 2; /* rows per base point */
    if (N > SIZE_MAX / rows) {
        return cr_diag_set(d, CR_ENOMEM, "design: %zu x %zu points do not fit in memory", N, rows);
    }
    size_t count = N * rows;
    double *out;
    cr_status st = alloc_points(count, k, &out, d);
    if (st != CR_OK) {
        return st;
    }
    int *kind = matrix ? malloc(count * sizeof *kind) : NULL;
    size_t *base = sample ? malloc(count * sizeof *base) : NULL;
    double *x = malloc(2 * k * sizeof *x);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if ((matrix && !kind) || (sample && !base) || !x || !q) {
        free(out);
        free(kind);
        free(base);
        free(x);
        if (q) {
            gsl_qrng_free(q);
        }
        return cr_diag_set(d, CR_ENOMEM,
                           "design: out of memory for a Saltelli design of %zu points", count);
    }
    for (size_t s = 0; s < N; s++) {
        if (gsl_qrng_get(q, x) != 0) {
            free(out);
            free(kind);
            free(base);
            free(x);
            gsl_qrng_free(q);
            return cr_diag_set(d, CR_ECONFIG,
                               "design.samples: %zu base points exceed GSL's Sobol sequence (it "
                               "ran out at point %zu)",
                               N, s + 1);
        }
        const double *a = x, *b = x + k;
        double *blk = out + s * rows * k; /* the block's rows, k values each */
        for (size_t m = 0; m < rows; m++) {
            const double *from = b, *other = NULL; /* other: where column col comes from */
            size_t col = 0;
            int code = CR_SALTELLI_B;
            if (m == 0) {
                from = a;
                code = CR_SALTELLI_A;
            } else if (m <= k) {
                col = m - 1;
                from = a;
                other = b;
                code = CR_SALTELLI_AB + (int)col;
            } else if (m < rows - 1) {
                col = m - k - 1;
                from = b;
                other = a;
                code = CR_SALTELLI_AB + (int)(k + col);
            }
            for (size_t j = 0; j < k; j++) {
                blk[m * k + j] = from[j];
            }
            if (other) {
                blk[m * k + col] = other[col];
            }
            if (kind) {
                kind[s * rows + m] = code;
            }
            if (base) {
                base[s * rows + m] = s;
            }
        }
    }
    free(x);
    gsl_qrng_free(q);
    *n = count;
    *u = out;
    if (matrix) {
        *matrix = kind;
    }
    if (sample) {
        *sample = base;
    }
    return CR_OK;
}

/* ---------------------------------------------------------------- Morris */

cr_status cr_sample_morris(size_t r, size_t k, size_t p, gsl_rng *rng, size_t *n, double **u,
                           int **trajectory, int **step, int **factor, cr_diag *d)
{
    if (r == 0) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.samples: 0 trajectories (Morris needs at least 1)");
    }
    if (k == 0) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.parameters: no parameters to vary (Morris needs at least one)");
    }
    if (p < 2) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.levels: %zu levels (Morris needs p >= 2, best an even number "
                           "such as 4)",
                           p);
    }
    if (r > INT_MAX) {
        return cr_diag_set(d, CR_ECONFIG, "design.samples: %zu trajectories, more than %d", r,
                           INT_MAX);
    }
    if (k >= INT_MAX) {
        return cr_diag_set(d, CR_ECONFIG, "design.parameters: %zu parameters, more than %d", k,
                           INT_MAX - 1);
    }
    /* levels are drawn by gsl_rng_uniform_int and coordinates computed exactly in doubles */
    if (p / 2 > gsl_rng_max(rng) - gsl_rng_min(rng) || (double)p > 0x1p52) {
        return cr_diag_set(d, CR_ECONFIG,
                           "design.levels: %zu levels are more than the Morris sampler can draw",
                           p);
    }
    if (r > SIZE_MAX / (k + 1)) {
        return cr_diag_set(d, CR_ENOMEM,
                           "design: %zu trajectories of %zu points do not fit in memory", r, k + 1);
    }
    size_t count = r * (k + 1);
    double *out;
    cr_status st = alloc_points(count, k, &out, d);
    if (st != CR_OK) {
        return st;
    }
    int *traj = trajectory ? malloc(count * sizeof *traj) : NULL;
    int *stp = step ? malloc(count * sizeof *stp) : NULL;
    int *fac = factor ? malloc(count * sizeof *fac) : NULL;
    unsigned long *level = malloc(k * sizeof *level);
    unsigned char *up = malloc(k), *high = malloc(k);
    int *order = malloc(k * sizeof *order);
    if ((trajectory && !traj) || (step && !stp) || (factor && !fac) || !level || !up || !high ||
        !order) {
        free(out);
        free(traj);
        free(stp);
        free(fac);
        free(level);
        free(up);
        free(high);
        free(order);
        return cr_diag_set(d, CR_ENOMEM, "design: out of memory for a Morris design of %zu points",
                           count);
    }
    /* a coordinate at base level l is l / (p - 1), or (l + p / 2) / (p - 1) once moved up
     * by delta: (2l + p h) / (2 (p - 1)) with h in {0, 1}, one correctly rounded division */
    const double denom = 2.0 * (double)(p - 1);
    for (size_t t = 0; t < r; t++) {
        for (size_t j = 0; j < k; j++) {
            level[j] = gsl_rng_uniform_int(rng, p / 2);
        }
        for (size_t j = 0; j < k; j++) {
            up[j] = (unsigned char)gsl_rng_uniform_int(rng, 2);
        }
        for (size_t j = 0; j < k; j++) {
            order[j] = (int)j;
        }
        gsl_ran_shuffle(rng, order, k, sizeof *order);
        for (size_t j = 0; j < k; j++) {
            high[j] = (unsigned char)!up[j]; /* a factor moving down starts at x* + delta */
        }
        for (size_t m = 0; m <= k; m++) {
            size_t row = t * (k + 1) + m;
            int f = m == 0 ? -1 : order[m - 1];
            if (f >= 0) {
                high[f] = (unsigned char)!high[f];
            }
            for (size_t j = 0; j < k; j++) {
                out[row * k + j] = (2.0 * (double)level[j] + (high[j] ? (double)p : 0.0)) / denom;
            }
            if (traj) {
                traj[row] = (int)t;
            }
            if (stp) {
                stp[row] = (int)m;
            }
            if (fac) {
                fac[row] = f;
            }
        }
    }
    free(level);
    free(up);
    free(high);
    free(order);
    *n = count;
    *u = out;
    if (trajectory) {
        *trajectory = traj;
    }
    if (step) {
        *step = stp;
    }
    if (factor) {
        *factor = fac;
    }
    return CR_OK;
}
