/* Unit-cube points of the designs of experiments: full factorial grid, Latin
 * hypercube, Saltelli's scheme for Sobol indices and Morris trajectories.
 *
 * These are pure functions: they produce points in [0, 1]^k and the metadata that
 * gives each point its role in the design; another module maps unit values to
 * parameter values. Point i, parameter j is u[i * k + j] (row-major). Every array a
 * function returns is malloc'd by it and freed by the caller with free(). A function
 * that fails returns CR_ECONFIG (a design the user asked for that cannot be built,
 * with a message naming the experiment-file key) or CR_ENOMEM, fills d (d may be
 * NULL) and leaves its outputs untouched.
 *
 * Random parts draw only through gsl_rng_* and gsl_ran_* calls on the generator the
 * caller passes, in the order documented at each function, so the same generator
 * state gives the same design.
 */
#ifndef CR_SAMPLING_H
#define CR_SAMPLING_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "core/status.h"

/* Full factorial grid: every combination of levels[j] values per parameter j, in the
 * order of nested loops over the parameters as listed (the first parameter varies
 * slowest, the last fastest). Coordinates are cell centres, u = (i_j + 0.5) /
 * levels[j], so that i_j = floor(u * levels[j]) recovers the index exactly.
 *
 * k parameters (k >= 1), levels[j] >= 1. *n = the product of the levels; CR_ECONFIG
 * if a level is 0, or if the product overflows or exceeds max_points (pass SIZE_MAX
 * for no limit). On success *u holds *n * k values. Cost O(n k). */
cr_status cr_sample_grid(size_t k, const size_t *levels, size_t max_points, size_t *n, double **u,
                         cr_diag *d);

/* Latin hypercube of n points in k dimensions (McKay, Beckman and Conover 1979, "A
 * comparison of three methods for selecting values of input variables in the analysis
 * of output from a computer code", Technometrics 21:239-245): each column has exactly
 * one point in each stratum [i / n, (i + 1) / n),
 *   u[i][j] = (perm_j(i) + U_ij) / n,
 * with perm_j an independent random permutation of 0..n-1 per column and U_ij uniform
 * on [0, 1). In floating point the result satisfies floor(u[i][j] * n) == perm_j(i)
 * and u < 1 (a value that rounding pushes across a stratum edge is moved back by one
 * ulp).
 *
 * Draw order, column by column (j = 0..k-1): gsl_ran_shuffle of the size_t array
 * {0, ..., n-1} (giving perm_j), then n calls gsl_rng_uniform(r) for U_0j .. U_(n-1)j.
 * CR_ECONFIG when n == 0 or k == 0. On success *u holds n * k values. Cost O(n k). */
cr_status cr_sample_lhs(size_t n, size_t k, gsl_rng *r, double **u, cr_diag *d);

/* Row kinds of a Saltelli design: A, B, then AB_i = CR_SALTELLI_AB + i and
 * BA_i = CR_SALTELLI_AB + k + i for i = 0..k-1. */
enum { CR_SALTELLI_A = 0, CR_SALTELLI_B = 1, CR_SALTELLI_AB = 2 };

/* The largest dimension of GSL's Sobol generator (gsl_qrng_sobol->max_dimension, 40
 * in GSL 2.7). A Saltelli design of k parameters needs 2k <= this. */
size_t cr_sobol_max_dimension(void);

/* Saltelli's radial scheme for first-order, total and (optionally) second-order Sobol
 * indices (Saltelli et al. 2010, "Variance based sensitivity analysis of model output.
 * Design and estimator for the total sensitivity index", Computer Physics
 * Communications 181:259-270), on GSL's Sobol sequence of dimension 2k.
 *
 * The base points are the first N points GSL returns (gsl_qrng_sobol, dimension 2k,
 * freshly allocated). GSL never returns the all-zeros point that starts the Sobol
 * sequence: its first point is (0.5, ..., 0.5), so nothing is skipped and every base
 * point lies in (0, 1)^2k. A = the first k coordinates, B = the last k. For each base
 * row s = 0..N-1 the block of rows is, in this order (SALib's order):
 *   A_s, AB_s^(1), ..., AB_s^(k), [BA_s^(1), ..., BA_s^(k) when second_order], B_s
 * where AB^(i) is A with column i taken from B and BA^(i) is B with column i from A.
 * Rows per block: k + 2, or 2k + 2 with second order; *n = N * rows per block.
 *
 * On success *u holds *n * k values, (*matrix)[row] the row's kind (CR_SALTELLI_*
 * codes above) and (*sample)[row] = s. matrix and sample may be NULL when not wanted.
 * CR_ECONFIG when N is 0 or not a power of two, when k == 0, when 2k exceeds
 * cr_sobol_max_dimension(), or when GSL's sequence runs out (N >= 2^30). Cost
 * O(N k^2). */
cr_status cr_sample_saltelli(size_t N, size_t k, int second_order, size_t *n, double **u,
                             int **matrix, size_t **sample, cr_diag *d);

/* Writes the name of Saltelli row kind `code` for k parameters into buf (at most len
 * bytes with the terminating 0): "A", "B", "AB_3", "BA_1" (1-based parameter number in
 * the name). Returns CR_OK, or CR_EINVAL when code is not a kind of a k-parameter
 * design or the name does not fit (buf then holds "?" or the truncated name). */
cr_status cr_saltelli_matrix_name(int code, size_t k, char *buf, size_t len);

/* Morris elementary-effects trajectories (Morris 1991, "Factorial sampling plans for
 * preliminary computational experiments", Technometrics 33:161-174): r trajectories of
 * k + 1 points each on the p-level grid {0, 1/(p-1), ..., 1}, with step
 * delta = p / (2 (p - 1)). Each trajectory is Morris's matrix
 *   B* = (J x* + (delta/2) ((2B - J) D* + J)) P*
 * with B the strictly lower triangular (k + 1) x k matrix of ones, J matrices of ones,
 * x* a random base point with coordinates on the grid in [0, 1 - delta], D* a diagonal
 * of random signs and P* a random permutation (the order in which factors move).
 * Consecutive points of a trajectory differ in exactly one coordinate, by +delta or
 * -delta, and every factor changes exactly once per trajectory.
 *
 * Use an even p (Morris's delta assumes one): then x* + delta is on the grid too. With
 * an odd p the construction is unchanged, x* is still on the grid, but the coordinates
 * x* + delta lie off it (p = 3: delta = 3/4, x* = 0, values {0, 3/4}).
 *
 * Draw order, trajectory by trajectory: k calls gsl_rng_uniform_int(rng, p / 2) for
 * the base levels of factors 0..k-1 (x*_j = level / (p - 1)), k calls
 * gsl_rng_uniform_int(rng, 2) for the signs of factors 0..k-1 (1: the factor moves
 * by +delta, 0: by -delta), then gsl_ran_shuffle of the int array {0, ..., k-1}
 * (the order in which factors move).
 *
 * *n = r (k + 1); row t (k + 1) + m is step m of trajectory t. On success *u holds
 * *n * k values, (*trajectory)[row] = t, (*step)[row] = m and (*factor)[row] = the
 * parameter that changed to reach this row from the previous one (-1 at step 0);
 * trajectory, step and factor may be NULL when not wanted. CR_ECONFIG when r == 0,
 * k == 0 or p < 2 (or when the sizes do not fit an int, or p / 2 exceeds the range of
 * rng). Cost O(r k^2). */
cr_status cr_sample_morris(size_t r, size_t k, size_t p, gsl_rng *rng, size_t *n, double **u,
                           int **trajectory, int **step, int **factor, cr_diag *d);

#endif
