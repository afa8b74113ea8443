/* Validation anchor: the one-factor (Vasicek) default-rate distribution
 * (MODEL.md section 3; docs/validation.md, section "Vasicek").
 *
 * Set-up. experiments/validation/vasicek.yaml runs direct lending as the
 * one-factor case: fixed PD p, only the systemic loading w_z = sqrt(rho), cycle
 * coefficient phi = 0, one-period loans, every SME borrows every period, no
 * rationing. Each period, N loans are at risk; given the systemic shock z each
 * fails independently with p(z) = Phi((Phi^-1(p) - sqrt(rho) z) / sqrt(1 - rho)).
 * With phi = 0 the periods are independent, so every period of every
 * replication is one i.i.d. draw of default_rate = D / N, whose exact law is the
 * binomial mixture
 *   F_N(k/N) = P(D <= k) = int BinomCDF(k; N, p(z)) phi(z) dz,
 * and whose N -> infinity limit is the Vasicek law
 *   F(x) = Phi((sqrt(1 - rho) Phi^-1(x) - Phi^-1(p)) / sqrt(rho)).
 * F_N is computed with GSL (gsl_cdf_binomial_P under gsl_integration_qagp over
 * z in [-9, 9], with break points around the step of the integrand; the mass
 * outside is 2e-19).
 *
 * Statistic and tolerance. For n samples, the Kolmogorov-Smirnov distance
 * D_N = sup_x |F_n(x) - F_N(x)| to the exact law of the simulated rate (both are
 * step functions on the lattice k/N, so the sup is taken exactly). By the
 * Dvoretzky-Kiefer-Wolfowitz inequality with Massart's constant,
 * P(D_N > eps) <= 2 exp(-2 n eps^2) for every n (for a discrete F the statistic
 * is stochastically smaller than for a continuous one, so the bound still holds),
 * hence
 *   eps = sqrt(ln(2 / alpha) / (2 n))
 * (the tail 2 exp(-2 x^2) of the asymptotic Kolmogorov distribution, here a
 * finite-n guarantee) fails a correct model with probability <= alpha.
 * ALPHA = 1e-6 per pair. No fudge term: F_N is the simulated law.
 *
 * Against the N = infinity law (a looser check), D_inf = sup_x |F_n(x) - F(x)|
 * <= D_N + g with g = sup_x |F_N(x) - F(x)| (granularity), so the bound is
 * eps + g_up, where g_up >= g comes from F_N on the lattice points at 500
 * quantiles of F and the monotonicity of both laws between them (a rigorous upper
 * bound, slack about 2/500). It fails a correct model only when D_N > eps does.
 *
 * Power. The same sample against the exact law with a wrong parameter (rho x 2,
 * and p x 2) must give a distance > eps. Since D_wrong >= gap - D_N, where gap
 * is a lower bound on sup |F_N - G_N| (the two laws on the quantile grid), the
 * test also checks gap >= 2 eps: then a wrong law of that size is rejected with
 * probability >= 1 - alpha, and the power check fails a correct model only when
 * D_N > eps does.
 *
 * Mean. The sample mean of default_rate is within 5 standard errors of p, with
 * the exact variance Var(D / N) = (E[p(Z)^2] - p^2) + (p - E[p(Z)^2]) / N
 * (E[p(Z)^2] is the bivariate normal CDF at (Phi^-1 p, Phi^-1 p; rho); by GSL
 * integration). False-failure rate 5.7e-7 per pair (normal approximation).
 *
 * In all, a correct model fails this test in fewer than 3 x (1e-6 + 5.7e-7) =
 * 5e-6 of runs. The three pairs use the file's seed, so they share the systemic
 * draws z (the stream key holds no parameter): their results are correlated
 * (the union bound above does not need independence).
 *
 * Sizes: N = 5000 SMEs, 80 replications x 20 periods = 1600 samples per pair
 * (eps = 0.067; about 1.5 s in Release, 5 s in a Debug ASan build; the exact law
 * makes a small N cost no validity). CREDERE_FULL_VALIDATION=1: N = 100000 and
 * 500 x 20 = 10000 samples per pair (eps = 0.027; about 3 minutes on 2 cores), for
 * docs/validation.md. Seeds are fixed (the experiment file's); never tune them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "lib/validation.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

#define ALPHA 1e-6     /* false-failure rate of each distance check */
#define MEAN_SE 5.0    /* mean check: |mean - p| <= 5 standard errors */
#define THREADS 2      /* CI has two cores */
#define Z_MAX 9.0      /* integration range of the systemic factor */
#define GRID_QUANT 500 /* quantile grid of the granularity bound */
#define QAG_LIMIT 1000 /* GSL integration workspace size */
#define EPS_ABS 1e-11  /* absolute accuracy of each integral */
#define WRONG_RHO 2.0  /* power check: rho x 2 */
#define WRONG_PD 2.0   /* power check: p x 2 */

typedef struct {
    double pd, rho;
} vas_pair;

typedef struct {
    int64_t smes, periods, reps;
} vas_size;

/* The one-factor law of the default rate of n loans. */
typedef struct {
    double pd, rho;
    double a;    /* Phi^-1(pd) */
    double s, c; /* sqrt(rho), sqrt(1 - rho) */
    int64_t n;
} vas_law;

static vas_law law_make(double pd, double rho, int64_t n)
{
    vas_law L = {pd, rho, gsl_cdf_ugaussian_Pinv(pd), sqrt(rho), sqrt(1.0 - rho), n};
    return L;
}

/* p(z): the conditional PD given the systemic factor z */
static double cond_pd(const vas_law *L, double z)
{
    return gsl_cdf_ugaussian_P((L->a - L->s * z) / L->c);
}

/* the N = infinity (Vasicek) CDF */
static double vasicek_cdf(const vas_law *L, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    return gsl_cdf_ugaussian_P((L->c * gsl_cdf_ugaussian_Pinv(x) - L->a) / L->s);
}

/* its quantile function */
static double vasicek_quantile(const vas_law *L, double u)
{
    return gsl_cdf_ugaussian_P((L->a + L->s * gsl_cdf_ugaussian_Pinv(u)) / L->c);
}

typedef struct {
    const vas_law *L;
    unsigned k;
} binom_arg;

static double binom_integrand(double z, void *arg)
{
    const binom_arg *b = arg;
    return gsl_cdf_binomial_P(b->k, cond_pd(b->L, z), (unsigned)b->L->n) * gsl_ran_ugaussian_pdf(z);
}

/* The exact finite-N CDF P(D <= k). As a function of z the integrand steps from 0
 * to 1 where p(z) = (k + 1/2) / N, over a width of a few binomial standard
 * deviations: break points there keep the adaptive rule on the step. */
static int finite_cdf(const vas_law *L, int64_t k, gsl_integration_workspace *w, double *out)
{
    if (k < 0) {
        *out = 0.0;
        return GSL_SUCCESS;
    }
    if (k >= L->n) {
        *out = 1.0;
        return GSL_SUCCESS;
    }
    double n = (double)L->n;
    double q = ((double)k + 0.5) / n;
    double qz = gsl_cdf_ugaussian_Pinv(q);
    double zs = (L->a - L->c * qz) / L->s;
    double width = L->c * sqrt(q * (1.0 - q) / n) / (L->s * gsl_ran_ugaussian_pdf(qz));
    double cand[3] = {zs - 8.0 * width, zs, zs + 8.0 * width};
    double pts[5];
    size_t np = 0;
    pts[np++] = -Z_MAX;
    for (int i = 0; i < 3; i++)
        if (cand[i] > pts[np - 1] + 1e-9 && cand[i] < Z_MAX - 1e-9)
            pts[np++] = cand[i];
    pts[np++] = Z_MAX;
    binom_arg arg = {L, (unsigned)k};
    gsl_function f = {binom_integrand, &arg};
    double res, err;
    int st = gsl_integration_qagp(&f, pts, np, EPS_ABS, 0.0, QAG_LIMIT, w, &res, &err);
    *out = res < 0.0 ? 0.0 : res > 1.0 ? 1.0 : res;
    return st;
}

static double p2_integrand(double z, void *arg)
{
    double q = cond_pd(arg, z);
    return q * q * gsl_ran_ugaussian_pdf(z);
}

/* Var(D / N) = Var(p(Z)) + E[p(Z)(1 - p(Z))] / N */
static int rate_variance(const vas_law *L, gsl_integration_workspace *w, double *out)
{
    gsl_function f = {p2_integrand, (void *)L}; /* read only */
    double e2, err;
    int st = gsl_integration_qags(&f, -Z_MAX, Z_MAX, 1e-14, 1e-10, QAG_LIMIT, w, &e2, &err);
    *out = (e2 - L->pd * L->pd) + (L->pd - e2) / (double)L->n;
    return st;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* sup_x |F_n(x) - F_N(x)| for sorted default counts k[0..n): both are step
 * functions on the lattice, so the sup is at a sample value (F_n there, F_N
 * there) or just below one (the previous F_n, F_N one lattice point lower). */
static int ks_finite(const int64_t *k, size_t n, const vas_law *L, gsl_integration_workspace *w,
                     double *d)
{
    double dmax = 0.0, below = 0.0; /* F_n just below the current value */
    int64_t prev = -1;              /* previous distinct value */
    double f_prev = 0.0;            /* F_N(prev) */
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && k[j] == k[i])
            j++;
        double fn = (double)j / (double)n;
        double f_at, f_below;
        int st = finite_cdf(L, k[i], w, &f_at);
        if (st == GSL_SUCCESS && k[i] - 1 != prev)
            st = finite_cdf(L, k[i] - 1, w, &f_below);
        else
            f_below = f_prev;
        if (st != GSL_SUCCESS)
            return st;
        dmax = fmax(dmax, fabs(fn - f_at));
        dmax = fmax(dmax, fabs(below - f_below));
        below = fn;
        prev = k[i];
        f_prev = f_at;
        i = j;
    }
    *d = dmax;
    return GSL_SUCCESS;
}

/* sup_x |F_n(x) - F(x)| for the continuous Vasicek F and sorted rates x[0..n) */
static double ks_vasicek(const double *x, size_t n, const vas_law *L)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = vasicek_cdf(L, x[i]);
        d = fmax(d, (double)(i + 1) / (double)n - f);
        d = fmax(d, f - (double)i / (double)n);
    }
    return d;
}

/* Lattice points at GRID_QUANT quantiles of the Vasicek law, with 0 and N, sorted
 * and distinct; returns how many (at most GRID_QUANT + 1). */
static size_t quantile_grid(const vas_law *L, int64_t *grid)
{
    size_t ng = 0;
    grid[ng++] = 0;
    for (int j = 1; j < GRID_QUANT; j++)
        grid[ng++] = (int64_t)floor((double)L->n * vasicek_quantile(L, (double)j / GRID_QUANT));
    grid[ng++] = L->n;
    qsort(grid, ng, sizeof grid[0], cmp_i64);
    size_t u = 0;
    for (size_t i = 0; i < ng; i++)
        if (u == 0 || grid[i] != grid[u - 1])
            grid[u++] = grid[i];
    return u;
}

/* An upper bound on g = sup_x |F_N(x) - F(x)|. On the cell [k/N, (k+1)/N),
 * F_N = F_N(k) and F runs from F(k/N) to F((k+1)/N). For grid points ga < gb,
 * every cell between them has F_N in [F_N(ga), F_N(gb)] and F in
 * [F(ga/N), F(gb/N)]; adjacent grid points give the exact value of the cell.
 * Beyond N both laws are 1. */
static int granularity_bound(const vas_law *L, gsl_integration_workspace *w, double *g_up)
{
    int64_t grid[GRID_QUANT + 1];
    size_t ng = quantile_grid(L, grid);
    double n = (double)L->n, g = 0.0, fa = 0.0;
    int st = finite_cdf(L, grid[0], w, &fa);
    for (size_t i = 0; st == GSL_SUCCESS && i + 1 < ng; i++) {
        int64_t ga = grid[i], gb = grid[i + 1];
        double fb;
        st = finite_cdf(L, gb, w, &fb);
        double va = vasicek_cdf(L, (double)ga / n), vb = vasicek_cdf(L, (double)gb / n);
        if (gb == ga + 1)
            g = fmax(g, fmax(fabs(fa - va), fabs(fa - vb)));
        else
            g = fmax(g, fmax(fb - va, vb - fa));
        fa = fb;
    }
    *g_up = g;
    return st;
}

/* A lower bound on sup_x |F_N(x) - G_N(x)| for two finite-N laws: the largest
 * difference on the quantile grid of F. */
static int finite_gap(const vas_law *F, const vas_law *G, gsl_integration_workspace *w, double *gap)
{
    int64_t grid[GRID_QUANT + 1];
    size_t ng = quantile_grid(F, grid);
    double d = 0.0;
    int st = GSL_SUCCESS;
    for (size_t i = 0; st == GSL_SUCCESS && i < ng; i++) {
        double f, g;
        st = finite_cdf(F, grid[i], w, &f);
        if (st == GSL_SUCCESS)
            st = finite_cdf(G, grid[i], w, &g);
        d = st == GSL_SUCCESS ? fmax(d, fabs(f - g)) : d;
    }
    *gap = d;
    return st;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static vas_size test_size(void)
{
    const char *full = getenv("CREDERE_FULL_VALIDATION");
    if (full && strcmp(full, "1") == 0)
        return (vas_size){100000, 20, 500};
    return (vas_size){5000, 20, 80};
}

/* Runs the experiment for one pair; returns the default counts of all periods of
 * all replications (n = reps x periods; caller frees), or NULL. */
static int64_t *simulate(const vas_pair *pr, vas_size sz, size_t *n_out)
{
    char s_rho[64], s_pd[64];
    snprintf(s_rho, sizeof s_rho, "economy.systemic_loading=%.17g", sqrt(pr->rho));
    snprintf(s_pd, sizeof s_pd, "population.pd.mean=%.17g", pr->pd);
    const char *sets[] = {s_rho, s_pd};
    cr_params p;
    cr_diag d = {{0}};
    cr_status st = cr_test_load_validation("vasicek", sz.smes, sz.periods, sz.reps, sets, 2, &p);
    if (st != CR_OK)
        return NULL;
    /* the file really is the one-factor case */
    CR_CHECK(p.economy.cycle_ar1 == 0.0);
    CR_CHECK(p.economy.sector_loading == 0.0 && p.economy.region_loading == 0.0);
    CR_CHECK(p.economy.systemic_loading == sqrt(pr->rho));
    CR_CHECK(p.population.pd.distribution == CR_PD_FIXED && p.population.pd.mean == pr->pd);
    CR_CHECK(p.loans.maturity == 1 && p.experiment.periods_per_year == 1);
    CR_CHECK(p.population.demand_probability == 1.0 && p.population.exclusion_periods == 0);
    CR_CHECK(p.experiment.burn_in == 0 && p.population.smes == sz.smes);
    CR_CHECK(p.experiment.periods == sz.periods && p.experiment.replications == sz.reps);

    size_t per = (size_t)sz.periods, n = (size_t)(sz.reps * sz.periods);
    int64_t *k = malloc(n * sizeof *k);
    cr_model *m = NULL;
    cr_engine e = {0};
    st = k ? cr_model_create(&p, &m, &d) : CR_ENOMEM;
    if (st == CR_OK)
        st = cr_engine_init(&e, THREADS);
    const cr_mode_type *direct = cr_mode_find("direct");
    if (st == CR_OK && !direct)
        st = CR_EINVAL;
    size_t bad_count = 0, bad_rate = 0;
    for (int64_t r = 0; st == CR_OK && r < sz.reps; r++) {
        st = cr_model_run_unit(m, &e, direct, (uint64_t)r, &d);
        for (size_t t = 0; st == CR_OK && t < per; t++) {
            const double *v = m->values;
            double rate = v[CR_M_DEFAULT_RATE * per + t];
            double dflt = v[CR_M_FUNDAMENTAL_DEFAULTS * per + t];
            /* every SME applies and gets a loan: N loans at risk, no rationing */
            bad_count += v[CR_M_APPLICATIONS * per + t] != (double)sz.smes ||
                         v[CR_M_LOANS_GRANTED * per + t] != (double)sz.smes ||
                         v[CR_M_BANKS_CONSTRAINED * per + t] != 0.0;
            /* default_rate = defaults / N exactly */
            bad_rate += rate != dflt / (double)sz.smes || dflt != floor(dflt);
            k[(size_t)r * per + t] = (int64_t)dflt;
        }
    }
    cr_engine_destroy(&e);
    cr_model_free(&m);
    CR_CHECK_MSG(st == CR_OK, "pd %g, rho %g: %s", pr->pd, pr->rho, d.msg);
    CR_CHECK_MSG(bad_count == 0, "pd %g, rho %g: %zu periods without N loans at risk", pr->pd,
                 pr->rho, bad_count);
    CR_CHECK_MSG(bad_rate == 0, "pd %g, rho %g: %zu periods with default_rate != defaults / N",
                 pr->pd, pr->rho, bad_rate);
    if (st != CR_OK) {
        free(k);
        return NULL;
    }
    *n_out = n;
    return k;
}

static void check_pair(const vas_pair *pr, vas_size sz)
{
    double t0 = now();
    size_t n = 0;
    int64_t *k = simulate(pr, sz, &n);
    CR_REQUIRE(k != NULL);
    double t_sim = now() - t0;
    qsort(k, n, sizeof *k, cmp_i64);
    double *x = malloc(n * sizeof *x);
    CR_REQUIRE(x != NULL);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)k[i] / (double)sz.smes;
        sum += x[i];
    }
    double mean = sum / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double sd = sqrt(ss / (double)(n - 1));

    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QAG_LIMIT);
    CR_REQUIRE(w != NULL);
    vas_law L = law_make(pr->pd, pr->rho, sz.smes);
    vas_law wrong[2] = {law_make(pr->pd, fmin(WRONG_RHO * pr->rho, 0.99), sz.smes),
                        law_make(fmin(WRONG_PD * pr->pd, 0.99), pr->rho, sz.smes)};
    double d_n = NAN, g_up = NAN, var = NAN, d_wrong[2] = {NAN, NAN}, gap[2] = {NAN, NAN};
    int st = ks_finite(k, n, &L, w, &d_n);
    if (st == GSL_SUCCESS)
        st = granularity_bound(&L, w, &g_up);
    if (st == GSL_SUCCESS)
        st = rate_variance(&L, w, &var);
    for (int j = 0; j < 2 && st == GSL_SUCCESS; j++) {
        st = ks_finite(k, n, &wrong[j], w, &d_wrong[j]);
        if (st == GSL_SUCCESS)
            st = finite_gap(&L, &wrong[j], w, &gap[j]);
    }
    gsl_integration_workspace_free(w);
    CR_CHECK_MSG(st == GSL_SUCCESS, "pd %g, rho %g: GSL integration failed: %s", pr->pd, pr->rho,
                 gsl_strerror(st));

    double eps = sqrt(log(2.0 / ALPHA) / (2.0 * (double)n));
    double d_inf = ks_vasicek(x, n, &L);
    double se = sqrt(var / (double)n);
    fprintf(stderr,
            "vasicek pd=%g rho=%g: N=%lld n=%zu (%lld reps x %lld periods), %.2f s + %.2f s\n"
            "  exact finite-N law: D_N = %.4f, bound eps = %.4f (alpha %g)\n"
            "  N = inf Vasicek:    D_inf = %.4f, bound eps + g_up = %.4f (g_up = %.4f)\n"
            "  power: rho x %g: D = %.4f (gap %.4f); pd x %g: D = %.4f (gap %.4f)\n"
            "  mean %.6f vs pd %g: %+.2f se (se %.2e); sd %.5f vs exact %.5f\n",
            pr->pd, pr->rho, (long long)sz.smes, n, (long long)sz.reps, (long long)sz.periods,
            t_sim, now() - t0 - t_sim, d_n, eps, ALPHA, d_inf, eps + g_up, g_up, WRONG_RHO,
            d_wrong[0], gap[0], WRONG_PD, d_wrong[1], gap[1], mean, pr->pd, (mean - pr->pd) / se,
            se, sd, sqrt(var));

    CR_CHECK_MSG(d_n <= eps, "pd %g, rho %g: KS distance to the exact law %.4f > %.4f", pr->pd,
                 pr->rho, d_n, eps);
    CR_CHECK_MSG(d_inf <= eps + g_up, "pd %g, rho %g: KS distance to Vasicek %.4f > %.4f", pr->pd,
                 pr->rho, d_inf, eps + g_up);
    CR_CHECK_MSG(fabs(mean - pr->pd) <= MEAN_SE * se,
                 "pd %g, rho %g: mean default rate %.6f, %+.2f standard errors from pd", pr->pd,
                 pr->rho, mean, (mean - pr->pd) / se);
    static const char *what[2] = {"rho", "pd"};
    for (int j = 0; j < 2; j++) {
        /* the sample rejects the wrong law... */
        CR_CHECK_MSG(d_wrong[j] > eps, "pd %g, rho %g: %s x %g not rejected (D %.4f <= %.4f)",
                     pr->pd, pr->rho, what[j], j ? WRONG_PD : WRONG_RHO, d_wrong[j], eps);
        /* ...and is sure to but with probability alpha: D_wrong >= gap - D_N */
        CR_CHECK_MSG(gap[j] >= 2.0 * eps,
                     "pd %g, rho %g: %s x %g: sample too small for a sure power check "
                     "(gap %.4f < 2 eps = %.4f)",
                     pr->pd, pr->rho, what[j], j ? WRONG_PD : WRONG_RHO, gap[j], 2.0 * eps);
    }
    free(x);
    free(k);
}

static void test_vasicek_pd05_rho10(void)
{
    vas_pair pr = {0.05, 0.10};
    check_pair(&pr, test_size());
}

static void test_vasicek_pd01_rho25(void)
{
    vas_pair pr = {0.01, 0.25};
    check_pair(&pr, test_size());
}

static void test_vasicek_pd005_rho30(void)
{
    vas_pair pr = {0.005, 0.30};
    check_pair(&pr, test_size());
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_vasicek_pd05_rho10);
    CR_RUN(test_vasicek_pd01_rho25);
    CR_RUN(test_vasicek_pd005_rho30);
    return cr_test_report();
}
