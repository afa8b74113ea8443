/* Senior share of a pool's expected loss in the one-factor model (models/tranche.h).
 *
 * Notation: a = Phi^-1(q), s = sqrt(rho), c = sqrt(1 - rho), phi the standard normal
 * density, p(z) = Phi((a - s z) / c), decreasing in z. For x in (0, 1) the layer is
 * exhausted (p(z) > x) exactly when z < z*, where p(z*) = x:
 *   z* = (a - c Phi^-1(x)) / s.
 * So
 *   q senior_share = E[max(p(Z) - x, 0)] = int_{-inf}^{z*} (p(z) - x) phi(z) dz     (1)
 *                  = G(z*) - x Phi(z*),   G(z) = int_{-inf}^{z} p(t) phi(t) dt.    (2)
 * (G(z) = P(X <= a, Z <= z) for X = s Z + c e, a bivariate normal CDF with correlation
 * s; it is integrated here, not written by hand.)
 *
 * Window. p(z) phi(z) / q is the density of Z given X <= a: phi times a log-concave
 * function, hence strongly log-concave with a variance <= 1 and sub-Gaussian tails
 * (P(|Z - m| > t) <= 2 exp(-t^2 / 2)), centred at m = E[Z | X <= a] = -s phi(a) / q.
 * Integrating over [m - 12, m + 12] instead of the real line changes (1) and (2) by
 * less than 1e-31 q (the x terms outside the window are bounded by the same mass,
 * since p >= x below z*).
 *
 * Quadrature. GSL's 21-point Gauss-Kronrod rule (gsl_integration_qk21) applied
 * recursively: an interval whose error estimate is too large is bisected. This is
 * adaptive yet allocates nothing and never calls GSL's error handler, so the exact
 * value is thread-safe and can serve as the table's fallback. The integrands are
 * analytic; the hard case is rho near 1, where p is a cliff of width c / s around
 * z = a / s, which the bisection isolates. Tolerance 1e-13 q absolute or 1e-10
 * relative per interval.
 *
 * Table. For one rho, rows are logit q on [logit 1e-5, logit 0.5] (48 rows, step
 * 0.245), columns the log-odds ratio y = logit x - logit q on [log 1e-4, 32] through
 * a warp v(y) = y (1 + sum_k 1 / (w_k + |y|)), w_k = w 6^k up to 1, w = sqrt(rho /
 * (1 - rho)) floored at 6^-7 (below it the kink's smoothing is finer than the error
 * of interest), uniform in v with step 0.3 (140 to 200 columns). Why these coordinates:
 * - p(Z) / q has a relative spread of about s phi(a) / (c q) >= 0.8 w, and as rho -> 0
 *   the function tends to max(1 - x / q, 0), whose kink at x = q (y = 0) is smoothed
 *   on that scale: the warp makes the columns about 0.3 w apart there, widening
 *   geometrically through the scales w_k (where the function is 1 - x / q plus a small
 *   smooth term) to 0.3 for |y| >> 1;
 * - x near 1 is y -> +inf, where f <= (1 - x) / q vanishes smoothly (in log(x / q)
 *   the zero at x = 1 is a kink that moves with q);
 * - in logit q at fixed y the function is smooth (the shape of p(Z) / q changes slowly).
 * A row is filled by (2) in one sweep: the z* of its columns increase as x decreases,
 * so G is accumulated piece by piece (one short quadrature per table entry, ~7000 in
 * all). Values are clamped to [0, 1] and made non-increasing along the row (a
 * correction of the order of the quadrature error). Interpolation: cubic Hermite along
 * v with Steffen's monotone slopes, linear in logit q; both preserve monotonicity in x
 * and the range [0, 1]. Beyond the columns, chords in x: below y = log 1e-4 between
 * (0, 1) and the first column; the function is convex with slope in [-1/q, 0] and
 * x / q <= 2e-4 there, so the chord is off by at most 5e-5. Above y = 32, between the
 * last column and (1, 0); there f <= (1 - x) / q <= e^-32 / q^2 < 1.3e-4.
 *
 * Measured (throwaway scan against cr_tranche_senior_share_exact, 10^5 points per rho,
 * half of the x uniform on [0, 1], half x = q u with u log-uniform on [1e-4, 1 / q]),
 * max |interp - exact| for each rho in {1e-10, 1e-6, 1e-3, 0.01, 0.05, 0.12, 0.24,
 * 0.5, 0.9, 0.99, 0.9999, 0.999999}:
 *   q log-uniform on [1e-4, 0.3]: <= 5.9e-4 for rho <= 0.5, <= 8.7e-4 for all;
 *   q log-uniform on [1e-5, 0.5]: <= 5.9e-4 for rho <= 0.5, <= 9.0e-4 for all;
 * largest at q ~ 0.47, x / q ~ 0.35 (the linear step in logit q) or at x / q ~ 1.
 * Table build 0.8 to 4 ms (rho 0.12: 2.2 ms). A call: 25 ns (throughput of
 * independent calls; 42 ns latency of a dependent chain), development machine, gcc 12
 * -O2, glibc's log. The quadrature: 2 to 4 microseconds per value.
 */
#include "models/tranche.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

/* The table (see the comment at the top) */
#define Q_LO 1e-5 /* rows: logit q from logit(Q_LO) to logit(Q_HI) */
#define Q_HI 0.5
#define DL_MAX 0.25  /* row step in logit q */
#define U_LO 1e-4    /* first column: odds(x) / odds(q) = U_LO */
#define Y_HI 32.0    /* last column: log(odds(x) / odds(q)) = Y_HI */
#define DV_MAX 0.3   /* column step in v */
#define WARP_K 1.0   /* column warp: weight of each scale */
#define WARP_R 6.0   /* ratio of successive scales */
#define WARP_TOP 1.0 /* largest scale */
/* The quadrature */
#define HALF_WINDOW 12.0
#define CLIFF_HALF_WIDTH 8.0
#define EPS_ABS 1e-13  /* absolute tolerance, times q */
#define EPS_REL 1e-10  /* relative tolerance of each piece (keeps clear of round-off) */
#define MAX_DEPTH 40   /* bisection depth */
#define MAX_RULES 4000 /* 21-point rules per integral */

/* One pool: a = Phi^-1(q), s, c, and the layer x for integrand (1). */
typedef struct {
    double q, a, s, c, x;
    double cliff[3]; /* z where (a - s z) / c = 8, 0, -8: breakpoints */
} pool;

static void pool_set(pool *m, double s, double c, double q, double x)
{
    m->q = q;
    m->a = gsl_cdf_ugaussian_Pinv(q);
    m->s = s;
    m->c = c;
    m->x = x;
    for (int k = 0; k < 3; k++)
        m->cliff[k] = (m->a + (k - 1) * CLIFF_HALF_WIDTH * c) / s;
}

/* p(z) = Phi((a - s z) / c) */
static double pool_p(const pool *m, double z)
{
    return gsl_cdf_ugaussian_P((m->a - m->s * z) / m->c);
}

/* z* with p(z*) = x, for x in (0, 1) */
static double pool_zstar(const pool *m, double x)
{
    return (m->a - m->c * gsl_cdf_ugaussian_Pinv(x)) / m->s;
}

/* The window [m - 12, m + 12], m = -s phi(a) / q; phi(a) / q > -a for all a (the
 * inverse Mills ratio), which also guards against underflow for tiny q. */
static void pool_window(const pool *m, double *lo, double *hi)
{
    double mills = gsl_ran_ugaussian_pdf(m->a) / m->q;
    if (!(mills > -m->a))
        mills = -m->a;
    double centre = -m->s * mills;
    *lo = centre - HALF_WINDOW;
    *hi = centre + HALF_WINDOW;
}

/* Integrand of (1): (p(z) - x) phi(z) */
static double excess_integrand(double z, void *params)
{
    const pool *m = params;
    return (pool_p(m, z) - m->x) * gsl_ran_ugaussian_pdf(z);
}

/* Integrand of G in (2): p(z) phi(z) */
static double loss_integrand(double z, void *params)
{
    const pool *m = params;
    return pool_p(m, z) * gsl_ran_ugaussian_pdf(z);
}

/* int_lo^hi f by GSL's 21-point Gauss-Kronrod rule, bisecting each interval whose
 * error estimate exceeds max(epsabs, EPS_REL |result|) (the halves share epsabs).
 * The rule is called directly (not gsl_integration_qng/qag) so that no GSL error
 * handler is ever invoked and nothing is allocated. *budget caps the number of rule
 * applications. Returns 0 on success, -1 when the depth or the budget runs out or a
 * value is not finite. */
static int integrate_rec(const gsl_function *f, double lo, double hi, double epsabs, int depth,
                         int *budget, double *result)
{
    double r, err, resabs, resasc;
    if (--*budget < 0)
        return -1;
    gsl_integration_qk21(f, lo, hi, &r, &err, &resabs, &resasc);
    if (!isfinite(r) || !isfinite(err))
        return -1;
    if (err <= epsabs || err <= EPS_REL * fabs(r)) {
        *result = r;
        return 0;
    }
    if (depth == 0)
        return -1;
    double mid = 0.5 * (lo + hi), r1, r2;
    if (integrate_rec(f, lo, mid, 0.5 * epsabs, depth - 1, budget, &r1) != 0 ||
        integrate_rec(f, mid, hi, 0.5 * epsabs, depth - 1, budget, &r2) != 0)
        return -1;
    *result = r1 + r2;
    return 0;
}

/* int_lo^hi f, split at the pool's cliff breakpoints inside (lo, hi): near rho = 1,
 * p(z) falls from 1 to 0 over a width 16 c / s that the 21 nodes of a wide interval
 * could step over unseen. */
static int integrate(const pool *m, const gsl_function *f, double lo, double hi, double epsabs,
                     double *result)
{
    int budget = MAX_RULES;
    double sum = 0.0, a = lo;
    for (int k = 0; k <= 3; k++) {
        double b = k < 3 && m->cliff[k] < hi ? m->cliff[k] : hi;
        if (b <= a)
            continue;
        double r;
        if (integrate_rec(f, a, b, epsabs, MAX_DEPTH, &budget, &r) != 0)
            return -1;
        sum += r;
        a = b;
    }
    *result = sum;
    return 0;
}

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

/* The limits shared by both evaluations; returns 1 and sets *out when one applies. */
static int trivial_case(double s, double q, double x, double *out)
{
    if (q <= 0.0) { /* no expected loss: E[max(p - x, 0)] / q -> 0 for x > 0 */
        *out = x <= 0.0 ? 1.0 : 0.0;
        return 1;
    }
    if (x <= 0.0) {
        *out = 1.0;
        return 1;
    }
    if (x >= 1.0) {
        *out = 0.0;
        return 1;
    }
    if (q >= 1.0) { /* p = 1 */
        *out = 1.0 - x;
        return 1;
    }
    if (s == 0.0) { /* p = q */
        *out = q > x ? (q - x) / q : 0.0;
        return 1;
    }
    return 0;
}

double cr_tranche_senior_share_exact(double rho, double q, double x)
{
    if (!(rho >= 0.0 && rho < 1.0) || isnan(q) || isnan(x))
        return NAN;
    double out;
    if (trivial_case(sqrt(rho), q, x, &out))
        return out;
    pool m;
    pool_set(&m, sqrt(rho), sqrt(1.0 - rho), q, x);
    double lo, hi;
    pool_window(&m, &lo, &hi);
    double zs = pool_zstar(&m, x);
    if (zs <= lo)
        return 0.0;
    if (zs < hi)
        hi = zs;
    gsl_function f = {excess_integrand, &m};
    double r;
    if (integrate(&m, &f, lo, hi, EPS_ABS * q, &r) != 0)
        return NAN;
    return clamp01(r / q);
}

/* ---------------------------------------------------------------- the table */

/* The column coordinate v(y) = y (1 + K sum_k 1 / (w_k + |y|)), w_k = w R^k: about
 * dv w / (K + w) apart in y around y = 0, geometrically wider through the scales w_k,
 * and dv apart for |y| >> w_{L-1}. */
static double warp(const cr_tranche *t, double y)
{
    double ay = fabs(y), sum = 0.0;
    for (int k = 0; k < t->nw; k++)
        sum += 1.0 / (t->ws[k] + ay);
    return y * (1.0 + WARP_K * sum);
}

/* Its inverse by bisection (v is odd and increasing; |v(y)| >= |y|). */
static double unwarp(const cr_tranche *t, double v)
{
    double lo = 0.0, hi = fabs(v);
    for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (warp(t, mid) < fabs(v))
            lo = mid;
        else
            hi = mid;
    }
    double y = 0.5 * (lo + hi);
    return v < 0.0 ? -y : y;
}

/* Fills row f[0..nv) for pool q by (2), sweeping z* upwards. Column j has
 * x = o / (1 + o), 1 - x = 1 / (1 + o), o = odds(q) e^y; Phi^-1(x) is taken as
 * -Phi^-1(1 - x) above 1/2 so that x near 1 keeps its precision. */
static cr_status fill_row(const cr_tranche *t, double q, const double *ys, double *f)
{
    pool m;
    pool_set(&m, t->s, t->c, q, 0.0);
    double lo, hi;
    pool_window(&m, &lo, &hi);
    gsl_function g = {loss_integrand, &m};
    double odds_q = q / (1.0 - q);
    double acc = 0.0, zprev = lo; /* acc = G(zprev) */
    for (int j = t->nv - 1; j >= 0; j--) {
        double o = odds_q * exp(ys[j]);
        double x = o / (1.0 + o), xc = 1.0 / (1.0 + o);
        if (xc <= 0.0 || x <= 0.0) {
            f[j] = xc <= 0.0 ? 0.0 : 1.0;
            continue;
        }
        double zs =
            (m.a - m.c * (x < 0.5 ? gsl_cdf_ugaussian_Pinv(x) : gsl_cdf_ugaussian_Qinv(xc))) / m.s;
        if (zs <= lo) {
            f[j] = 0.0;
            continue;
        }
        double zt = zs < hi ? zs : hi;
        if (zt > zprev) {
            double r;
            if (integrate(&m, &g, zprev, zt, EPS_ABS * q, &r) != 0)
                return CR_ENUMERIC;
            acc += r;
            zprev = zt;
        }
        f[j] = clamp01((acc - x * gsl_cdf_ugaussian_P(zs)) / q);
    }
    for (int j = 1; j < t->nv; j++)
        if (f[j] > f[j - 1])
            f[j] = f[j - 1];
    return CR_OK;
}

static double sign(double v)
{
    return (v > 0.0) - (v < 0.0);
}

static double min3(double a, double b, double c)
{
    double m = a < b ? a : b;
    return m < c ? m : c;
}

/* Steffen's (1990) monotone slopes for uniformly spaced f[0..n), n >= 3, in units of
 * one step: interior d_k = (sgn D_{k-1} + sgn D_k) min(|D_{k-1}|, |D_k|, |D_{k-1} + D_k| / 4)
 * with D_k = f_{k+1} - f_k; ends from the one-sided parabola, limited to 2 D. */
static void steffen_slopes(const double *f, int n, double *d)
{
    for (int k = 1; k < n - 1; k++) {
        double d0 = f[k] - f[k - 1], d1 = f[k + 1] - f[k];
        d[k] = (sign(d0) + sign(d1)) * min3(fabs(d0), fabs(d1), 0.25 * fabs(d0 + d1));
    }
    double e[2][2] = {{f[1] - f[0], f[2] - f[1]}, {f[n - 1] - f[n - 2], f[n - 2] - f[n - 3]}};
    for (int side = 0; side < 2; side++) {
        double dd = e[side][0], p = 1.5 * dd - 0.5 * e[side][1];
        if (p * dd <= 0.0)
            p = 0.0;
        else if (fabs(p) > 2.0 * fabs(dd))
            p = 2.0 * dd;
        d[side == 0 ? 0 : n - 1] = p;
    }
}

cr_status cr_tranche_init(cr_tranche *t, double rho)
{
    *t = (cr_tranche){0};
    if (!(rho >= 0.0 && rho < 1.0))
        return CR_EINVAL;
    cr_tranche tt = {0};
    tt.rho = rho;
    tt.s = sqrt(rho);
    tt.c = sqrt(1.0 - rho);
    if (rho == 0.0) {
        *t = tt;
        return CR_OK;
    }
    /* scales w, w R, w R^2, ... up to WARP_TOP; w is floored so that they fit */
    double w = fmax(fmin(tt.s / tt.c, WARP_TOP), WARP_TOP * pow(WARP_R, -(CR_TRANCHE_NW_MAX - 1)));
    for (tt.nw = 0; tt.nw < CR_TRANCHE_NW_MAX; w *= WARP_R) {
        tt.ws[tt.nw++] = w;
        if (w >= WARP_TOP * (1.0 - 1e-12))
            break;
    }
    tt.y_lo = log(U_LO);
    tt.y_hi = Y_HI;
    tt.u_lo = U_LO;
    tt.e_hi = exp(Y_HI);
    double l1 = log(Q_HI / (1.0 - Q_HI));
    tt.l0 = log(Q_LO / (1.0 - Q_LO));
    tt.nq = (int)ceil((l1 - tt.l0) / DL_MAX) + 1;
    tt.dl = (l1 - tt.l0) / (tt.nq - 1);
    tt.inv_dl = 1.0 / tt.dl;
    double v1 = warp(&tt, Y_HI);
    tt.v0 = warp(&tt, tt.y_lo);
    tt.nv = (int)ceil((v1 - tt.v0) / DV_MAX) + 1;
    tt.dv = (v1 - tt.v0) / (tt.nv - 1);
    tt.inv_dv = 1.0 / tt.dv;
    size_t n = (size_t)tt.nq * (size_t)tt.nv;
    tt.f = malloc(n * sizeof *tt.f);
    tt.d = malloc(n * sizeof *tt.d);
    double *ys = malloc((size_t)tt.nv * sizeof *ys);
    if (!tt.f || !tt.d || !ys) {
        free(ys);
        cr_tranche_destroy(&tt);
        return CR_ENOMEM;
    }
    for (int j = 0; j < tt.nv; j++)
        ys[j] = unwarp(&tt, tt.v0 + j * tt.dv);
    for (int i = 0; i < tt.nq; i++) {
        double l = tt.l0 + i * tt.dl;
        double *row = tt.f + (size_t)i * tt.nv;
        cr_status st = fill_row(&tt, 1.0 / (1.0 + exp(-l)), ys, row);
        if (st != CR_OK) {
            free(ys);
            cr_tranche_destroy(&tt);
            return st;
        }
        steffen_slopes(row, tt.nv, tt.d + (size_t)i * tt.nv);
    }
    free(ys);
    *t = tt;
    return CR_OK;
}

void cr_tranche_destroy(cr_tranche *t)
{
    free(t->f);
    free(t->d);
    *t = (cr_tranche){0};
}

/* Cubic Hermite on column cell j of row r at fraction t in [0, 1]. */
static double row_hermite(const cr_tranche *tb, int r, int j, double t)
{
    const double *f = tb->f + (size_t)r * tb->nv + j, *d = tb->d + (size_t)r * tb->nv + j;
    double t1 = 1.0 - t;
    return t1 * t1 * ((1.0 + 2.0 * t) * f[0] + t * d[0]) +
           t * t * ((3.0 - 2.0 * t) * f[1] - t1 * d[1]);
}

double cr_tranche_senior_share(const cr_tranche *t, double q, double x)
{
    double out;
    if (isnan(q) || isnan(x))
        return NAN;
    if (trivial_case(t->s, q, x, &out))
        return out;
    if (!(q >= Q_LO && q <= Q_HI))
        return cr_tranche_senior_share_exact(t->rho, q, x);
    double odds_q = q / (1.0 - q);
    double fi = (log(odds_q) - t->l0) * t->inv_dl;
    int i = (int)fi;
    if (i < 0)
        i = 0;
    if (i > t->nq - 2)
        i = t->nq - 2;
    double ti = fi - i;
    ti = ti < 0.0 ? 0.0 : (ti > 1.0 ? 1.0 : ti);
    const double *f0 = t->f + (size_t)i * t->nv, *f1 = f0 + t->nv;
    double y = log(x / ((1.0 - x) * odds_q));
    if (y < t->y_lo) {
        /* chord in x from (0, 1) to (x_lo, f(x_lo)), odds(x_lo) = odds(q) u_lo */
        double o = odds_q * t->u_lo, flo = (1.0 - ti) * f0[0] + ti * f1[0];
        return 1.0 - (1.0 - flo) * x * (1.0 + o) / o;
    }
    if (y > t->y_hi) {
        /* chord in x from (x_hi, f(x_hi)) to (1, 0), odds(x_hi) = odds(q) e^y_hi */
        int k = t->nv - 1;
        double o = odds_q * t->e_hi, fhi = (1.0 - ti) * f0[k] + ti * f1[k];
        return fhi * (1.0 - x) * (1.0 + o);
    }
    double fj = (warp(t, y) - t->v0) * t->inv_dv;
    int j = (int)fj;
    if (j < 0)
        j = 0;
    if (j > t->nv - 2)
        j = t->nv - 2;
    double tj = fj - j;
    tj = tj < 0.0 ? 0.0 : (tj > 1.0 ? 1.0 : tj);
    return (1.0 - ti) * row_hermite(t, i, j, tj) + ti * row_hermite(t, i + 1, j, tj);
}
