/* Tranche view of a pool in the one-factor (Vasicek) model: the share of the pool's
 * expected loss that falls on a senior tranche above a first-loss tranche.
 *
 * Pool of loans with per-period PD q, asset correlation rho, Z ~ N(0, 1) the
 * systemic factor (MODEL.md section 3). The pool's default rate given Z = z is
 *   p(z) = Phi((Phi^-1(q) - sqrt(rho) z) / sqrt(1 - rho)),   E[p(Z)] = q.
 * A first-loss layer of thickness x (first-loss resources / (LGD x exposure), as a
 * share of the pool) absorbs min(p, x); the senior tranche takes max(p - x, 0), so
 *   senior_share(q, x) = E[max(p(Z) - x, 0)] / q,
 * which is 1 at x = 0, decreasing and convex in x, 0 for x >= 1, and increasing in
 * rho (the Vasicek laws increase in convex order with rho). The bank's expected loss
 * on an alliance loan is then q x LGD x senior_share (MODEL.md section 6).
 *
 * The integral is evaluated by GSL quadrature (models/tranche.c gives the formula);
 * cr_tranche_init tabulates it once per run for one rho and
 * cr_tranche_senior_share interpolates the table in O(1).
 */
#ifndef CR_TRANCHE_H
#define CR_TRANCHE_H

#include "core/status.h"

/* A table of senior_share for one rho, read-only after cr_tranche_init (tranche.c
 * explains the grid). Rows: logit q on a uniform grid. Columns: uniform in
 * v = warp(y), y = logit x - logit q, a warp fine around x = q (where the layer cuts
 * the bulk of p(Z)) and coarser far from it. f holds the values, d the monotone
 * (Steffen) slopes along v in units of one column step, both row-major (nq rows of
 * nv). nq = 0 when rho = 0 (closed form, no table). */
#define CR_TRANCHE_NW_MAX 8

typedef struct {
    double rho;
    double s, c; /* sqrt(rho), sqrt(1 - rho) */
    int nw;      /* scales w_k of the column warp v(y) = y (1 + sum_k 1 / (w_k + |y|)) */
    double ws[CR_TRANCHE_NW_MAX];
    double l0, dl, inv_dl; /* row i is logit q = l0 + i dl */
    double v0, dv, inv_dv; /* column j is v = v0 + j dv */
    double y_lo, y_hi;     /* y of the first and last columns */
    double u_lo, e_hi;     /* exp(y_lo), exp(y_hi) */
    int nq, nv;
    double *f, *d;
} cr_tranche;

/* Builds the table for asset correlation rho in [0, 1): 48 rows of 140 to 200
 * columns, one short quadrature per entry (1 to 4 ms; rho = 0.12: 2 ms). On failure t is left empty
 * (safe to destroy). Returns CR_OK, CR_EINVAL (rho outside [0, 1)), CR_ENOMEM or CR_ENUMERIC (a
 * quadrature did not converge). */
cr_status cr_tranche_init(cr_tranche *t, double rho);

/* Frees the table and empties t (idempotent). */
void cr_tranche_destroy(cr_tranche *t);

/* senior_share(q, x) for the rho of t. x <= 0 gives 1, x >= 1 gives 0; q <= 0
 * gives 0 and q >= 1 gives 1 - x (the limits). For q in [1e-5, 0.5] an interpolation
 * of the table: O(1), no allocation, thread-safe (t is only read), monotone
 * non-increasing in x and within [0, 1]; error <= 2e-3 absolute (measured: see
 * tranche.c). Outside that range of q it returns cr_tranche_senior_share_exact
 * (a few microseconds; still no allocation). rho = 0: the closed form
 * max(q - x, 0) / q. */
double cr_tranche_senior_share(const cr_tranche *t, double q, double x);

/* The same by direct adaptive quadrature (2 to 5 microseconds; for tests and
 * for q outside the table). No allocation, thread-safe. rho in [0, 1); returns NaN
 * if rho is outside it or the quadrature fails. */
double cr_tranche_senior_share_exact(double rho, double q, double x);

#endif
