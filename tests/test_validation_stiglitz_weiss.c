/* Validation anchor: Stiglitz and Weiss (1981), moral hazard and credit rationing
 * (MODEL.md section 5; docs/validation.md, section "Stiglitz-Weiss").
 *
 * Set-up. experiments/validation/stiglitz_weiss.yaml: direct lending, one-period
 * loans of 1, every SME applies every period, one fixed PD known exactly to the
 * bank, no collateral and no recovery (LGD 1), independent outcomes, no funding or
 * capital cost, ample capital, so the loan rate is r = q lgd / (1 - q) + margin
 * with q = pd. Each period every borrower runs the project with the higher
 * expected payoff at its rate (behaviour.risk.rule best_response): safe p_s = 0.95,
 * R_s = 1.25; risky p_r = 0.75, R_r = 1.29.
 *
 * Closed forms.
 * (a) The borrower goes risky iff r > r*, where
 *       1 + r* = (p_s R_s - p_r R_r) / (p_s - p_r) + C   (C: collateral share),
 *     r* = 0.10 (C = 0) and 0.20 (C = 0.1). risky_share is 1 above r* and 0 below,
 *     exactly (no randomness: the comparison is deterministic).
 * (b) The bank's gross return per unit lent, p (1 + r) + (1 - p) C with p = p_s
 *     below r* and p_r above, peaks at r*. Measured: (bank_profit + funding cost) /
 *     loans_outstanding + 1 (funding cost 0 here), which the test first checks
 *     equals (1 - default_rate)(1 + r) + default_rate C (relative 1e-9). Each
 *     loan succeeds independently, so the pooled number of defaults over N loans x
 *     n periods is Binomial(N n, 1 - p): the standard error of the mean return is
 *     (1 + r - C) sqrt(p (1 - p) / (N n)). Check |z| <= 5 at every rate (false
 *     failure 5.7e-7 per rate, normal approximation; the rates share their outcome
 *     draws, the union bound does not need independence). The rate of the largest
 *     realised return on the grid must be the grid's last rate below r*.
 * (c) Rationing. Stiglitz-Weiss pricing (bank.pricing stiglitz_weiss) refuses an
 *     applicant whose rate would be above its switch rate: every applicant at
 *     r > r*, none below (then the run is bit for bit the break-even one). With
 *     scarce capital (one bank, initial_capital_ratio k below the minimum ratio
 *     car, dividends paying out every profit so capital stays put) the bank grants
 *     each approved applicant with probability k / car = 0.5 and never raises its
 *     rate: access_rate < 1, banks_constrained = 1, mean_loan_rate = r <= r*,
 *     nobody goes risky. Granted loans are Binomial(N n, 0.5): |z| <= 5. With
 *     heterogeneous PDs (beta, mean 0.05, sd 0.04; one period per replication so
 *     the population is the initial i.i.d. draw), every SME has the same switch
 *     rate (p_r / p_s is common), so Stiglitz-Weiss pricing lends exactly to
 *     q <= q* = (r* - m) / (1 + r* - m): access_rate = I_{q*}(a, b) (the beta
 *     CDF, Binomial over N x reps SMEs, |z| <= 5), while break-even pricing lends
 *     to all and the SMEs above q* go risky: risky_share = 1 - access_rate of the
 *     Stiglitz-Weiss run, exactly (same SMEs).
 *
 * In all, the z-checks are 12 + 1 + 2 = 15 at |z| <= 5 (the last two are one
 * event): a correct model fails in fewer than 15 x 5.7e-7 = 9e-6 of runs; the exact
 * checks cannot fail it.
 *
 * Sizes: N = 20000 SMEs, 4 replications x 10 periods per rate, heterogeneous PDs
 * 20 x 1 period (about 1 s on 2 cores in Release, 11 s in a Debug ASan build).
 * CREDERE_FULL_VALIDATION=1: N = 100000, 10 x 10 and 40 x 1 (about 20 s). Seeds are
 * the file's (fixed; never tune them).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "lib/validation.h"
#include "models/behaviour.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

#define THREADS 2
#define Z_BOUND 5.0  /* |z| <= 5: two-sided false failure 5.7e-7 */
#define PD 0.05      /* the file's fixed PD: p_s = 0.95 */
#define R_SAFE 1.25  /* 1 + loans.project_return */
#define P_RISKY 0.75 /* behaviour.risk.risky_success */
#define R_RISKY 1.29 /* behaviour.risk.risky_return */

typedef struct {
    int64_t smes, periods, reps; /* rate sweep */
    int64_t het_reps;            /* heterogeneous PDs: replications of one period */
} sw_size;

static sw_size test_size(void)
{
    const char *full = getenv("CREDERE_FULL_VALIDATION");
    if (full && strcmp(full, "1") == 0)
        return (sw_size){100000, 10, 10, 40};
    return (sw_size){20000, 10, 4, 20};
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* r*: the switch rate of the closed form (gross returns, collateral share c) */
static double switch_rate(double c)
{
    double ps = 1.0 - PD;
    return (ps * R_SAFE - P_RISKY * R_RISKY) / (ps - P_RISKY) + c - 1.0;
}

/* The mode simulate() runs (direct unless a test says otherwise). */
static const char *run_mode = "direct";

/* One run's per-period metrics, all replications: values[(rep * periods + t) * K + k] */
typedef struct {
    int64_t smes, periods, reps;
    double *v; /* [reps][periods][CR_METRIC_COUNT] */
} run_out;

static double val(const run_out *o, int64_t rep, int64_t t, int k)
{
    return o->v[((size_t)rep * (size_t)o->periods + (size_t)t) * CR_METRIC_COUNT + (size_t)k];
}

/* Loads the experiment file with the overrides (and the size), checks the set-up
 * is the closed-form case, runs every replication of mode direct and keeps every
 * metric. Returns 0 on success. */
static int simulate(const char *const *extra, int nextra, int64_t smes, int64_t periods,
                    int64_t reps, run_out *o)
{
    cr_params p;
    cr_diag d = {{0}};
    cr_status st =
        cr_test_load_validation("stiglitz_weiss", smes, periods, reps, extra, nextra, &p);
    if (st != CR_OK)
        return 1;
    /* the file really is the closed-form case */
    CR_CHECK(p.experiment.periods_per_year == 1 && p.loans.maturity == 1);
    CR_CHECK(p.population.demand_probability == 1.0 && p.population.loan_size.cv == 0.0);
    CR_CHECK(p.population.loan_size.mean == 1.0 && p.loans.recovery == 0.0);
    CR_CHECK(p.population.collateral.sd == 0.0);
    CR_CHECK(p.economy.systemic_loading == 0.0 && p.economy.sector_loading == 0.0 &&
             p.economy.region_loading == 0.0);
    CR_CHECK(p.bank.funding_rate == 0.0 && p.bank.cost_of_equity == 0.0);
    CR_CHECK(p.bank.screening_noise == 0.0 && p.bank.max_pd == 1.0);
    CR_CHECK(p.population.pd.mean == PD && p.loans.project_return == R_SAFE - 1.0);
    CR_CHECK(p.behaviour.risk.rule == CR_RULE_BEST && p.behaviour.risk.risky_success == P_RISKY &&
             p.behaviour.risk.risky_return == R_RISKY);
    CR_CHECK(p.behaviour.repayment.rule == CR_RULE_OFF && p.behaviour.matching == CR_MATCH_RANDOM);

    o->smes = smes;
    o->periods = periods;
    o->reps = reps;
    size_t per = (size_t)periods;
    o->v = malloc((size_t)reps * per * CR_METRIC_COUNT * sizeof *o->v);
    cr_model *m = NULL;
    cr_engine e = {0};
    st = o->v ? cr_model_create(&p, &m, &d) : CR_ENOMEM;
    if (st == CR_OK)
        st = cr_engine_init(&e, THREADS);
    const cr_mode_type *direct = cr_mode_find(run_mode);
    if (st == CR_OK && !direct)
        st = CR_EINVAL;
    for (int64_t r = 0; st == CR_OK && r < reps; r++) {
        st = cr_model_run_unit(m, &e, direct, (uint64_t)r, &d);
        for (size_t t = 0; st == CR_OK && t < per; t++)
            for (size_t k = 0; k < CR_METRIC_COUNT; k++)
                o->v[((size_t)r * per + t) * CR_METRIC_COUNT + k] = m->values[k * per + t];
    }
    cr_engine_destroy(&e);
    cr_model_free(&m);
    CR_CHECK_MSG(st == CR_OK, "run: %s", d.msg);
    if (st != CR_OK) {
        free(o->v);
        o->v = NULL;
        return 1;
    }
    return 0;
}

/* The overrides for loan rate r (per period = annual here) with collateral c:
 * margin = r - q lgd / (1 - q). */
static int rate_sets(double r, double c, const char *pricing, char buf[4][96], const char **sets)
{
    double lgd = 1.0 - c;
    snprintf(buf[0], 96, "bank.margin=%.17g", r - PD * lgd / (1.0 - PD));
    snprintf(buf[1], 96, "population.collateral.mean=%.17g", c);
    snprintf(buf[2], 96, "bank.pricing=%s", pricing);
    for (int k = 0; k < 3; k++)
        sets[k] = buf[k];
    return 3;
}

/* ----------------------------------------------------------- (a) and (b) */
typedef struct {
    double r, c;
} sw_point;

static void sweep(const sw_point *pts, size_t npts, sw_size sz, double *ret_out)
{
    for (size_t i = 0; i < npts; i++) {
        double r = pts[i].r, c = pts[i].c, rstar = switch_rate(c);
        int risky = r > rstar;
        double p = risky ? P_RISKY : 1.0 - PD;
        char buf[4][96];
        const char *sets[4];
        int ns = rate_sets(r, c, "break_even", buf, sets);
        run_out o = {0};
        double t0 = now();
        if (simulate(sets, ns, sz.smes, sz.periods, sz.reps, &o) != 0)
            return;
        double n_loans = 0.0, n_def = 0.0, sum_ret = 0.0;
        size_t bad_rate = 0, bad_risky = 0, bad_count = 0, bad_ident = 0;
        for (int64_t rep = 0; rep < o.reps; rep++)
            for (int64_t t = 0; t < o.periods; t++) {
                double loans = val(&o, rep, t, CR_M_LOANS_OUTSTANDING);
                double dr = val(&o, rep, t, CR_M_DEFAULT_RATE);
                double rate = val(&o, rep, t, CR_M_MEAN_LOAN_RATE);
                bad_count += val(&o, rep, t, CR_M_APPLICATIONS) != (double)o.smes ||
                             val(&o, rep, t, CR_M_LOANS_GRANTED) != (double)o.smes ||
                             loans != (double)o.smes;
                bad_rate += fabs(rate - r) > 1e-9;
                bad_risky += val(&o, rep, t, CR_M_RISKY_SHARE) != (risky ? 1.0 : 0.0);
                /* realised gross return per unit lent, from the bank's books */
                double ret = val(&o, rep, t, CR_M_BANK_PROFIT) / loans + 1.0;
                double ident = (1.0 - dr) * (1.0 + r) + dr * c;
                bad_ident += fabs(ret - ident) > 1e-9 * fabs(ident);
                n_loans += loans;
                n_def += val(&o, rep, t, CR_M_FUNDAMENTAL_DEFAULTS);
                sum_ret += ret;
            }
        free(o.v);
        double n = (double)(o.reps * o.periods);
        double mean = sum_ret / n;
        double expect = p * (1.0 + r) + (1.0 - p) * c;
        double se = (1.0 + r - c) * sqrt(p * (1.0 - p) / n_loans);
        double z = (mean - expect) / se;
        ret_out[i] = mean;
        fprintf(stderr,
                "sw r=%.4f C=%.2f (r* %.4f): risky %d, defaults %.0f / %.0f loans, return "
                "%.6f vs %.6f: z %+.2f (se %.2e), %.2f s\n",
                r, c, rstar, risky, n_def, n_loans, mean, expect, z, se, now() - t0);
        CR_CHECK_MSG(bad_count == 0, "r %g: %zu periods where not every SME borrowed", r,
                     bad_count);
        CR_CHECK_MSG(bad_rate == 0, "r %g: %zu periods with another mean_loan_rate", r, bad_rate);
        CR_CHECK_MSG(bad_risky == 0, "r %g (r* %g): %zu periods with risky_share != %d", r, rstar,
                     bad_risky, risky);
        CR_CHECK_MSG(bad_ident == 0,
                     "r %g: %zu periods where bank_profit / loans + 1 != (1 - dr)(1 + r) + dr C", r,
                     bad_ident);
        CR_CHECK_MSG(fabs(z) <= Z_BOUND, "r %g: bank return %.6f vs closed form %.6f: z %+.2f", r,
                     mean, expect, z);
    }
}

static void test_switch_and_return(void)
{
    sw_size sz = test_size();
    /* r* = 0.10 without collateral: the grid brackets it closely */
    static const sw_point grid[] = {{0.06, 0},  {0.08, 0},  {0.09, 0}, {0.095, 0}, {0.099, 0},
                                    {0.101, 0}, {0.105, 0}, {0.11, 0}, {0.12, 0},  {0.14, 0}};
    const size_t ng = sizeof grid / sizeof grid[0];
    CR_CHECK(fabs(switch_rate(0.0) - 0.10) < 1e-12);
    double ret[sizeof grid / sizeof grid[0]];
    for (size_t i = 0; i < ng; i++)
        ret[i] = NAN;
    sweep(grid, ng, sz, ret);
    /* the realised return peaks at the last rate below r* */
    size_t best = 0, last_below = 0;
    for (size_t i = 0; i < ng; i++) {
        if (ret[i] > ret[best])
            best = i;
        if (grid[i].r < switch_rate(0.0))
            last_below = i;
    }
    CR_CHECK_MSG(best == last_below, "the bank's realised return peaks at r = %g, not at %g",
                 grid[best].r, grid[last_below].r);
    /* collateral 0.1 raises the switch rate by 0.1: r* = 0.20 */
    static const sw_point coll[] = {{0.199, 0.1}, {0.201, 0.1}};
    CR_CHECK(fabs(switch_rate(0.1) - 0.20) < 1e-12);
    double rc[2];
    sweep(coll, 2, sz, rc);
}

/* -------------------------------------------------------------------- (c) */
/* Stiglitz-Weiss pricing refuses above r*; below, the run is the break-even one. */
static void test_refusal(void)
{
    sw_size sz = test_size();
    static const double rates[] = {0.09, 0.101, 0.12};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        double r = rates[i];
        char b1[4][96], b2[4][96];
        const char *s1[4], *s2[4];
        int n1 = rate_sets(r, 0.0, "stiglitz_weiss", b1, s1);
        int n2 = rate_sets(r, 0.0, "break_even", b2, s2);
        run_out sw = {0}, be = {0};
        if (simulate(s1, n1, sz.smes, 3, 1, &sw) != 0 ||
            simulate(s2, n2, sz.smes, 3, 1, &be) != 0) {
            free(sw.v);
            free(be.v);
            return;
        }
        size_t bad = 0, same = 0;
        for (int64_t t = 0; t < sw.periods; t++) {
            if (r > switch_rate(0.0))
                bad += val(&sw, 0, t, CR_M_APPLICATIONS) != (double)sz.smes ||
                       val(&sw, 0, t, CR_M_LOANS_GRANTED) != 0.0 ||
                       val(&sw, 0, t, CR_M_ACCESS_RATE) != 0.0 ||
                       val(&be, 0, t, CR_M_RISKY_SHARE) != 1.0;
            else
                for (int k = 0; k < CR_METRIC_COUNT; k++) {
                    double a = val(&sw, 0, t, k), b = val(&be, 0, t, k);
                    same += !(a == b || (isnan(a) && isnan(b)));
                }
        }
        fprintf(stderr, "sw refusal r=%.3f: stiglitz_weiss access %.3f, break_even risky %.3f\n", r,
                val(&sw, 0, 0, CR_M_ACCESS_RATE), val(&be, 0, 0, CR_M_RISKY_SHARE));
        CR_CHECK_MSG(bad == 0, "r %g > r*: %zu periods where the bank lent or nobody went risky", r,
                     bad);
        CR_CHECK_MSG(same == 0, "r %g < r*: stiglitz_weiss differs from break_even in %zu values",
                     r, same);
        free(sw.v);
        free(be.v);
    }
}

/* Scarce capital: rationing at a rate at or below r*, and nobody goes risky. */
static void test_capital_rationing(void)
{
    sw_size sz = test_size();
    const double r = 0.09, icr = 0.04;
    char buf[4][96];
    const char *sets[8];
    int ns = rate_sets(r, 0.0, "stiglitz_weiss", buf, sets);
    char s_icr[64];
    snprintf(s_icr, sizeof s_icr, "bank.initial_capital_ratio=%g", icr);
    sets[ns++] = s_icr;
    sets[ns++] = "bank.dividend_payout=1";
    sets[ns++] = "population.banks=1";
    sets[ns++] = "bank.capital_ratio_min=0.08";
    run_out o = {0};
    if (simulate(sets, ns, sz.smes, sz.periods, sz.reps, &o) != 0)
        return;
    const double a = icr / 0.08; /* headroom / demand, each period */
    double granted = 0.0, applied = 0.0;
    size_t bad = 0;
    for (int64_t rep = 0; rep < o.reps; rep++)
        for (int64_t t = 0; t < o.periods; t++) {
            granted += val(&o, rep, t, CR_M_LOANS_GRANTED);
            applied += val(&o, rep, t, CR_M_APPLICATIONS);
            bad += val(&o, rep, t, CR_M_BANKS_CONSTRAINED) != 1.0 ||
                   !(val(&o, rep, t, CR_M_ACCESS_RATE) < 1.0) ||
                   fabs(val(&o, rep, t, CR_M_MEAN_LOAN_RATE) - r) > 1e-9 ||
                   val(&o, rep, t, CR_M_RISKY_SHARE) != 0.0 ||
                   val(&o, rep, t, CR_M_APPLICATIONS) != (double)o.smes;
        }
    free(o.v);
    double acc = granted / applied, se = sqrt(a * (1.0 - a) / applied);
    double z = (acc - a) / se;
    fprintf(stderr, "sw rationing: r = %.3f <= r* = %.3f, access %.5f vs k / car = %.3f: z %+.2f\n",
            r, switch_rate(0.0), acc, a, z);
    CR_CHECK_MSG(bad == 0,
                 "%zu periods not rationed at rate r with one constrained bank and no risk", bad);
    CR_CHECK_MSG(fabs(z) <= Z_BOUND, "access %.5f vs %.3f: z %+.2f", acc, a, z);
}

/* Heterogeneous PDs: Stiglitz-Weiss pricing lends to q <= q*; break-even lends to
 * all and those above q* go risky. */
static void test_heterogeneous(void)
{
    sw_size sz = test_size();
    const double mean = PD, sd = 0.04, margin = 0.03;
    const double rstar = switch_rate(0.0);
    const double qstar = (rstar - margin) / (1.0 + rstar - margin);
    double k = mean * (1.0 - mean) / (sd * sd) - 1.0;
    double F = gsl_cdf_beta_P(qstar, mean * k, (1.0 - mean) * k);
    char s_m[64], s_sd[64];
    snprintf(s_m, sizeof s_m, "bank.margin=%.17g", margin);
    snprintf(s_sd, sizeof s_sd, "population.pd.sd=%.17g", sd);
    const char *s1[] = {"population.pd.distribution=beta", s_sd, s_m,
                        "bank.pricing=stiglitz_weiss"};
    const char *s2[] = {"population.pd.distribution=beta", s_sd, s_m, "bank.pricing=break_even"};
    run_out sw = {0}, be = {0};
    if (simulate(s1, 4, sz.smes, 1, sz.het_reps, &sw) != 0 ||
        simulate(s2, 4, sz.smes, 1, sz.het_reps, &be) != 0) {
        free(sw.v);
        free(be.v);
        return;
    }
    double granted = 0.0, applied = 0.0, risky = 0.0, at_risk = 0.0;
    size_t bad = 0;
    for (int64_t rep = 0; rep < sw.reps; rep++) {
        granted += val(&sw, rep, 0, CR_M_LOANS_GRANTED);
        applied += val(&sw, rep, 0, CR_M_APPLICATIONS);
        double nb = val(&be, rep, 0, CR_M_LOANS_GRANTED);
        risky += val(&be, rep, 0, CR_M_RISKY_SHARE) * nb;
        at_risk += nb;
        bad += val(&sw, rep, 0, CR_M_RISKY_SHARE) != 0.0 ||
               val(&sw, rep, 0, CR_M_MEAN_LOAN_RATE) > rstar ||
               val(&be, rep, 0, CR_M_ACCESS_RATE) != 1.0 ||
               fabs(val(&be, rep, 0, CR_M_RISKY_SHARE) + val(&sw, rep, 0, CR_M_ACCESS_RATE) - 1.0) >
                   1e-12;
    }
    free(sw.v);
    free(be.v);
    double acc = granted / applied, se = sqrt(F * (1.0 - F) / applied);
    double z_acc = (acc - F) / se;
    double rs = risky / at_risk, z_risky = (rs - (1.0 - F)) / sqrt(F * (1.0 - F) / at_risk);
    fprintf(stderr,
            "sw beta PDs (sd %.2f), margin %.2f: q* = %.5f, F(q*) = %.5f; stiglitz_weiss access "
            "%.5f (z %+.2f), break_even risky_share %.5f (z %+.2f)\n",
            sd, margin, qstar, F, acc, z_acc, rs, z_risky);
    CR_CHECK_MSG(bad == 0, "%zu replications break the rationing identities", bad);
    CR_CHECK_MSG(fabs(z_acc) <= Z_BOUND, "access %.5f vs F(q*) %.5f: z %+.2f", acc, F, z_acc);
    CR_CHECK_MSG(fabs(z_risky) <= Z_BOUND, "risky share %.5f vs %.5f: z %+.2f", rs, 1.0 - F,
                 z_risky);
}

/* Stiglitz-Weiss pricing sees what the borrower sees: with a guarantee fee of 2 %
 * (mode single, the guarantor taking the whole loss so the bank's break-even rate
 * is its funding cost plus margin) a rate r with r + fee above r* makes the
 * borrower go risky, so the bank must refuse: risky_share is 0 in every period
 * (exact: the check and the borrower's choice use the same terms), while break-even
 * pricing lends and every borrower goes risky. */
static void test_refusal_with_fee(void)
{
    sw_size sz = test_size();
    /* the same settings, with stiglitz_weiss and then break_even pricing */
    const char *sets[] = {"bank.pricing=stiglitz_weiss",
                          "modes=[single]",
                          "single.guarantor.fee=0.02",
                          "single.guarantor.fee_policy=fixed",
                          "single.guarantor.capital_ratio=1000",
                          "single.guarantor.leverage_cap=1000",
                          "single.guarantor.max_pd=1",
                          "single.guarantor.screening_noise=0",
                          "single.min_collateral=0",
                          "bank.margin=0.09"};
    const int nsets = (int)(sizeof sets / sizeof sets[0]);
    run_mode = "single";
    run_out sw = {0}, be = {0};
    int bad = simulate(sets, nsets, sz.smes, 3, 1, &sw) != 0;
    sets[0] = "bank.pricing=break_even";
    bad = bad || simulate(sets, nsets, sz.smes, 3, 1, &be) != 0;
    run_mode = "direct";
    if (bad) {
        free(sw.v);
        free(be.v);
        return;
    }
    size_t risky = 0, lent = 0, be_safe = 0;
    for (int64_t t = 0; t < sw.periods; t++) {
        risky += val(&sw, 0, t, CR_M_RISKY_SHARE) != 0.0;
        lent += val(&sw, 0, t, CR_M_LOANS_GRANTED) != 0.0;
        be_safe += val(&be, 0, t, CR_M_RISKY_SHARE) != 1.0;
    }
    fprintf(stderr,
            "sw with a 2 %% fee at margin 0.09: stiglitz_weiss lent in %zu periods, "
            "break_even risky share %.3f\n",
            lent, val(&be, 0, 0, CR_M_RISKY_SHARE));
    CR_CHECK_MSG(risky == 0, "stiglitz_weiss lent to borrowers who went risky in %zu periods",
                 risky);
    CR_CHECK_MSG(lent == 0, "r + fee > r*: the bank lent in %zu periods", lent);
    CR_CHECK_MSG(be_safe == 0, "break_even: some borrowers stayed safe in %zu periods", be_safe);
    free(sw.v);
    free(be.v);
}

int main(void)
{
    double t0 = now();
    CR_RUN(test_switch_and_return);
    CR_RUN(test_refusal);
    CR_RUN(test_capital_rationing);
    CR_RUN(test_heterogeneous);
    CR_RUN(test_refusal_with_fee);
    fprintf(stderr, "stiglitz_weiss: %.1f s\n", now() - t0);
    return cr_test_report();
}
