/* The senior share of a pool's expected loss (models/tranche.h):
 *   senior_share(q, x) = E[max(p(Z) - x, 0)] / q,  p(z) = Phi((Phi^-1(q) - sqrt(rho) z) / sqrt(1 -
 * rho)). Checked: the closed form at rho = 0 and the limits; monotonicity in x and in rho; the
 * quadrature against an independent Monte Carlo estimate (5 standard errors); the expected-loss
 * identity q senior_share + E[min(p, x)] = q with E[min(p, x)] by GSL's adaptive quadrature on
 * infinite intervals (another code path); the table's interpolation against the quadrature on
 * random points. */
#include "harness.h"
#include "models/tranche.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define INTERP_TOL 2e-3

static const double RHOS[] = {1e-6, 0.01, 0.03, 0.12, 0.24, 0.5, 0.9};
#define N_RHOS (sizeof RHOS / sizeof RHOS[0])

/* p(z) of the model, written out here independently of the module */
static double pool_rate(double rho, double q, double z)
{
    return gsl_cdf_ugaussian_P((gsl_cdf_ugaussian_Pinv(q) - sqrt(rho) * z) / sqrt(1.0 - rho));
}

static void test_rho_zero(void)
{
    cr_tranche t;
    CR_REQUIRE(cr_tranche_init(&t, 0.0) == CR_OK);
    CR_CHECK(t.nq == 0 && t.f == NULL);
    const double qs[] = {1e-7, 1e-4, 0.01, 0.2, 0.5, 0.8};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        for (int k = 0; k <= 40; k++) {
            double q = qs[i], x = 2.0 * q * k / 40.0, want = fmax(q - x, 0.0) / q;
            CR_CHECK(fabs(cr_tranche_senior_share(&t, q, x) - want) <= 4 * DBL_EPSILON);
            CR_CHECK(fabs(cr_tranche_senior_share_exact(0.0, q, x) - want) <= 4 * DBL_EPSILON);
        }
    }
    /* continuity at rho -> 0 */
    CR_CHECK_NEAR(cr_tranche_senior_share_exact(1e-12, 0.02, 0.01), 0.5, 1e-4);
    CR_CHECK_NEAR(cr_tranche_senior_share_exact(1e-12, 0.02, 0.03), 0.0, 1e-4);
    cr_tranche_destroy(&t);
}

static void test_limits(void)
{
    const double rhos[] = {0.05, 0.3, 0.9};
    const double qs[] = {1e-8, 1e-5, 0.003, 0.2, 0.5, 0.7};
    for (size_t r = 0; r < 3; r++) {
        cr_tranche t;
        CR_REQUIRE(cr_tranche_init(&t, rhos[r]) == CR_OK);
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            double q = qs[i];
            CR_CHECK(cr_tranche_senior_share(&t, q, 0.0) == 1.0);
            CR_CHECK(cr_tranche_senior_share(&t, q, -0.5) == 1.0);
            CR_CHECK(cr_tranche_senior_share(&t, q, 1.0) == 0.0);
            CR_CHECK(cr_tranche_senior_share(&t, q, 3.0) == 0.0);
            CR_CHECK(cr_tranche_senior_share_exact(rhos[r], q, 0.0) == 1.0);
            CR_CHECK(cr_tranche_senior_share_exact(rhos[r], q, 1.0) == 0.0);
            /* x -> 0: 1 - x / q to first order; x -> 1: E[max(p - x, 0)] <= 1 - x */
            CR_CHECK_NEAR(cr_tranche_senior_share(&t, q, 1e-9 * q), 1.0, 1e-6);
            CR_CHECK(cr_tranche_senior_share(&t, q, 1.0 - 1e-9) <= 1e-9 / q);
        }
        /* outside the table's q range the fallback is the quadrature itself */
        CR_CHECK(cr_tranche_senior_share(&t, 1e-7, 3e-7) ==
                 cr_tranche_senior_share_exact(rhos[r], 1e-7, 3e-7));
        CR_CHECK(cr_tranche_senior_share(&t, 0.7, 0.75) ==
                 cr_tranche_senior_share_exact(rhos[r], 0.7, 0.75));
        /* degenerate q: no loss (0), sure loss (1 - x) */
        CR_CHECK(cr_tranche_senior_share(&t, 0.0, 0.1) == 0.0);
        CR_CHECK(cr_tranche_senior_share(&t, 1.0, 0.25) == 0.75);
        CR_CHECK(isnan(cr_tranche_senior_share(&t, NAN, 0.1)));
        cr_tranche_destroy(&t);
    }
    /* rho -> 1: p(Z) is 0 or 1, so senior_share -> 1 - x */
    CR_CHECK_NEAR(cr_tranche_senior_share_exact(1.0 - 1e-8, 0.05, 0.3), 0.7, 2e-3);
    CR_CHECK(isnan(cr_tranche_senior_share_exact(1.0, 0.05, 0.3)));
    CR_CHECK(isnan(cr_tranche_senior_share_exact(-0.1, 0.05, 0.3)));
}

static void test_init_errors(void)
{
    cr_tranche t;
    CR_CHECK(cr_tranche_init(&t, -0.01) == CR_EINVAL && t.f == NULL);
    CR_CHECK(cr_tranche_init(&t, 1.0) == CR_EINVAL && t.f == NULL);
    CR_CHECK(cr_tranche_init(&t, NAN) == CR_EINVAL && t.f == NULL);
    cr_tranche_destroy(&t);
    cr_tranche_destroy(&t);
    /* a table near rho = 1, where p(z) is a cliff, still builds */
    CR_CHECK(cr_tranche_init(&t, 0.9999) == CR_OK);
    CR_CHECK_NEAR(cr_tranche_senior_share(&t, 0.05, 0.3), 0.7, 0.02);
    cr_tranche_destroy(&t);
}

/* Interpolated values never increase with x and stay in [0, 1]; quadrature values
 * decrease up to their tolerance (1e-10). */
static void test_monotone_in_x(void)
{
    const double qs[] = {1e-5, 2e-4, 0.004, 0.03, 0.15, 0.4, 0.5};
    for (size_t r = 0; r < N_RHOS; r++) {
        cr_tranche t;
        CR_REQUIRE(cr_tranche_init(&t, RHOS[r]) == CR_OK);
        for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
            double q = qs[i], prev = 1.0, prev_exact = 1.0;
            int bad = 0, bad_exact = 0, out = 0;
            for (int k = 0; k <= 3000; k++) {
                /* x = q u with log u from -12 to log(1 / q), then x up to 1 */
                double x = fmin(q * exp(-12.0 + (12.0 - log(q)) * k / 3000.0), 1.0);
                double v = cr_tranche_senior_share(&t, q, x);
                bad += v > prev;
                out += !(v >= 0.0 && v <= 1.0);
                prev = v;
                if (k % 10 == 0) {
                    double e = cr_tranche_senior_share_exact(RHOS[r], q, x);
                    bad_exact += e > prev_exact + 1e-10;
                    prev_exact = e;
                }
            }
            CR_CHECK_MSG(bad == 0 && out == 0 && bad_exact == 0,
                         "rho %g q %g: %d increases, %d outside [0, 1], %d exact increases",
                         RHOS[r], q, bad, out, bad_exact);
        }
        cr_tranche_destroy(&t);
    }
}

/* Bounds from 0 <= p <= 1: p - x <= max(p - x, 0) <= p (1 - x), so
 * max(1 - x / q, 0) <= senior_share <= 1 - x; the upper bound is nearly reached as
 * rho -> 1, where p(z) is a cliff the quadrature must not step over. */
static void test_bounds(void)
{
    const double rhos[] = {1e-6, 0.12, 0.5, 0.9, 0.9999, 0.999999};
    const double qs[] = {1e-7, 1e-4, 0.003, 0.05, 0.3, 0.7};
    for (int r = 0; r < 6; r++) {
        cr_tranche t;
        CR_REQUIRE(cr_tranche_init(&t, rhos[r]) == CR_OK);
        int bad = 0, bad_interp = 0;
        for (int i = 0; i < 6; i++) {
            for (int k = 1; k < 200; k++) {
                double q = qs[i], x = k / 200.0 * fmin(20.0 * q, 1.0);
                double lo = fmax(1.0 - x / q, 0.0), hi = 1.0 - x;
                double e = cr_tranche_senior_share_exact(rhos[r], q, x);
                double v = cr_tranche_senior_share(&t, q, x);
                bad += !(e >= lo - 1e-10 && e <= hi + 1e-10);
                bad_interp += !(v >= lo - INTERP_TOL && v <= hi + INTERP_TOL);
            }
        }
        CR_CHECK_MSG(bad == 0 && bad_interp == 0, "rho %g: %d exact, %d interpolated out of bounds",
                     rhos[r], bad, bad_interp);
        cr_tranche_destroy(&t);
    }
}

/* More correlation spreads p(Z) (the Vasicek laws increase in convex order with rho),
 * so a layer of the same thickness x > q leaves more to the senior tranche (strictly,
 * unless both values underflow to 0). */
static void test_monotone_in_rho(void)
{
    const double rhos[] = {0.0, 0.01, 0.05, 0.12, 0.24, 0.5, 0.8};
    cr_tranche t[7];
    for (int r = 0; r < 7; r++)
        CR_REQUIRE(cr_tranche_init(&t[r], rhos[r]) == CR_OK);
    const double qs[] = {0.001, 0.01, 0.05, 0.2};
    const double us[] = {1.2, 1.5, 2.0, 3.0, 4.5}; /* x < 1 */
    int bad = 0, bad_interp = 0;
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 5; k++) {
            double q = qs[i], x = us[k] * q, prev = -1.0, prev_interp = -1.0;
            for (int r = 0; r < 7; r++) {
                double e = cr_tranche_senior_share_exact(rhos[r], q, x);
                double v = cr_tranche_senior_share(&t[r], q, x);
                bad += !(e > prev || (e == 0.0 && prev == 0.0)); /* 0: below underflow */
                bad_interp += !(v > prev_interp - 2.0 * INTERP_TOL);
                prev = e;
                prev_interp = v;
            }
        }
    }
    CR_CHECK_MSG(bad == 0 && bad_interp == 0, "%d exact, %d interpolated not increasing in rho",
                 bad, bad_interp);
    /* a concrete case: 5 % thick layer over a 2 % PD pool */
    CR_CHECK(cr_tranche_senior_share_exact(0.24, 0.02, 0.05) >
             2.0 * cr_tranche_senior_share_exact(0.05, 0.02, 0.05));
    for (int r = 0; r < 7; r++)
        cr_tranche_destroy(&t[r]);
}

/* The quadrature against a Monte Carlo mean of max(p(Z) - x, 0) / q over draws of Z
 * (MT19937, fixed seed), at 5 standard errors; the sample grows 4-fold before a
 * failure is reported. */
static void test_monte_carlo(void)
{
    const double pts[][3] = {
        {0.12, 0.02, 0.05}, {0.24, 0.005, 0.02}, {0.5, 0.1, 0.3}, {0.9999, 0.05, 0.1}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CR_REQUIRE(rng != NULL);
    gsl_rng_set(rng, 20240611);
    for (int i = 0; i < 4; i++) {
        double rho = pts[i][0], q = pts[i][1], x = pts[i][2];
        double exact = cr_tranche_senior_share_exact(rho, q, x), mean = 0.0, se = 0.0;
        for (long n = 1000000; n <= 4000000; n *= 4) {
            double sum = 0.0, sum2 = 0.0;
            for (long k = 0; k < n; k++) {
                double g = fmax(pool_rate(rho, q, gsl_ran_ugaussian(rng)) - x, 0.0) / q;
                sum += g;
                sum2 += g * g;
            }
            mean = sum / n;
            se = sqrt((sum2 / n - mean * mean) / (n - 1));
            if (fabs(mean - exact) <= 5.0 * se)
                break;
        }
        CR_CHECK_MSG(fabs(mean - exact) <= 5.0 * se && se < 0.01 * exact,
                     "rho %g q %g x %g: quadrature %.6f, Monte Carlo %.6f +- %.2g", rho, q, x,
                     exact, mean, se);
    }
    gsl_rng_free(rng);
}

/* E[min(p(Z), x)] by gsl_integration_qagil / qagiu split at z* (p(z*) = x). */
typedef struct {
    double rho, q, x;
} min_params;

static double min_integrand(double z, void *params)
{
    const min_params *m = params;
    return fmin(pool_rate(m->rho, m->q, z), m->x) * gsl_ran_ugaussian_pdf(z);
}

static double expected_min(double rho, double q, double x, int *status)
{
    min_params m = {rho, q, x};
    gsl_function f = {min_integrand, &m};
    double zs =
        (gsl_cdf_ugaussian_Pinv(q) - sqrt(1.0 - rho) * gsl_cdf_ugaussian_Pinv(x)) / sqrt(rho);
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double lower = 0.0, upper = 0.0, err;
    *status = w ? GSL_SUCCESS : GSL_ENOMEM;
    if (w) {
        *status |= gsl_integration_qagil(&f, zs, 1e-15, 1e-11, 1000, w, &lower, &err);
        *status |= gsl_integration_qagiu(&f, zs, 1e-15, 1e-11, 1000, w, &upper, &err);
        gsl_integration_workspace_free(w);
    }
    return lower + upper;
}

static void test_loss_identity(void)
{
    const double rhos[] = {0.03, 0.12, 0.3, 0.7};
    const double qs[] = {2e-4, 0.01, 0.08, 0.3};
    const double us[] = {0.3, 1.0, 2.5, 10.0};
    for (int r = 0; r < 4; r++) {
        cr_tranche t;
        CR_REQUIRE(cr_tranche_init(&t, rhos[r]) == CR_OK);
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 4; k++) {
                double q = qs[i], x = fmin(us[k] * q, 0.9);
                int st;
                double emin = expected_min(rhos[r], q, x, &st);
                CR_CHECK(st == GSL_SUCCESS);
                CR_CHECK_NEAR(q * cr_tranche_senior_share_exact(rhos[r], q, x) + emin, q, 1e-9 * q);
                CR_CHECK_NEAR(q * cr_tranche_senior_share(&t, q, x) + emin, q, INTERP_TOL * q);
            }
        }
        cr_tranche_destroy(&t);
    }
}

/* Interpolation against quadrature at 200 random points per rho: q log-uniform on
 * [1e-4, 0.3]; x uniform on [0, 1] for a quarter of them, otherwise x = q u with u
 * log-uniform on [1e-3, 1 / q] (where the function varies). */
static void test_interpolation(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    CR_REQUIRE(rng != NULL);
    gsl_rng_set(rng, 7);
    for (size_t r = 0; r < N_RHOS; r++) {
        cr_tranche t;
        CR_REQUIRE(cr_tranche_init(&t, RHOS[r]) == CR_OK);
        double max_err = 0.0, at_q = 0.0, at_x = 0.0;
        for (int k = 0; k < 200; k++) {
            double q = exp(log(1e-4) + gsl_rng_uniform(rng) * (log(0.3) - log(1e-4)));
            double x = k % 4 == 0 ? gsl_rng_uniform(rng)
                                  : q * exp(log(1e-3) + gsl_rng_uniform(rng) * -log(1e-3 * q));
            double err = fabs(cr_tranche_senior_share(&t, q, x) -
                              cr_tranche_senior_share_exact(RHOS[r], q, x));
            if (!(err <= max_err)) {
                max_err = err;
                at_q = q;
                at_x = x;
            }
        }
        CR_CHECK_MSG(max_err <= INTERP_TOL, "rho %g: max error %.3g at q %g x %g", RHOS[r], max_err,
                     at_q, at_x);
        cr_tranche_destroy(&t);
    }
    gsl_rng_free(rng);
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_rho_zero);
    CR_RUN(test_limits);
    CR_RUN(test_init_errors);
    CR_RUN(test_monotone_in_x);
    CR_RUN(test_monotone_in_rho);
    CR_RUN(test_bounds);
    CR_RUN(test_monte_carlo);
    CR_RUN(test_loss_identity);
    CR_RUN(test_interpolation);
    return cr_test_report();
}
