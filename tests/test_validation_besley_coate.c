/* Validation anchor: strategic default under individual and group lending
 * (Besley and Coate 1995; MODEL.md section 5; docs/validation.md, section
 * "Besley-Coate").
 *
 * Set-up. experiments/validation/besley_coate.yaml: one-period loans of 1, every
 * SME borrows every period, no fundamental failures (pd 1e-12), every SME is
 * strategic (behaviour.repayment.rule best_response). A borrower's realised gross
 * return theta is uniform on R (1 - w, 1 + w), R = 2, w = 0.8, independent across
 * borrowers and periods; defaulting costs it b theta (penalty b = 1), nothing else
 * (no collateral, no deposit, exclusion_periods 0: no future access lost). The due
 * is D = 1 + r, r = the loan rate (= bank.margin: no funding or capital cost, PD
 * 1e-12). With X = b theta uniform on [0.4, 3.6] and F its CDF:
 *   individual (direct):          repay = P(X >= D) = 1 - F(D)
 *   group of 2 (joint_liability): repay = (1 - F(D - s))^2 + 2 (1 - F(2D)) F(D - s)
 * both members willing (X + s >= D, s the social sanction), or one willing to pay
 * both dues (X >= 2D) while the other is not; a group repays or defaults as a
 * whole. members_covered / D counts the covered members: one per group with
 * probability 2 (1 - F(2D)) F(D - s). With s = 0 group lending repays more iff
 * b R (1 + w) > 3 D (r < 0.2); the sanction raises the group rate and moves the
 * crossover up.
 *
 * Statistic and tolerance. Each borrower-period (direct) and each group-period
 * (joint_liability) is an independent Bernoulli trial with the closed-form
 * probability, so the pooled repayment rate over N n borrowers (N n / 2 groups)
 * has the binomial standard error; check |z| <= 5 for the individual rate, the
 * group rate and the covered count at every (r, s): 5 x 2 x 3 = 30 checks, false
 * failure 5.7e-7 each (normal approximation), < 2e-5 in all (the points share
 * draws; the union bound needs no independence). Exact checks: no fundamental
 * default, N loans at risk each period, the loan rate r, covered counts integral,
 * the sanction leaves individual lending unchanged bit for bit.
 *
 * Sizes: N = 20000 SMEs, 4 replications x 10 periods (about 2 s on 2 cores in
 * Release, 16 s in a Debug ASan build). CREDERE_FULL_VALIDATION=1: N = 100000,
 * 10 x 10 (about 22 s). Seeds are the file's (fixed; never tune them).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "lib/validation.h"
#include "models/behaviour.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

#define THREADS 2
#define Z_BOUND 5.0 /* |z| <= 5: two-sided false failure 5.7e-7 */
#define PENALTY 1.0 /* b */
#define R_GROSS 2.0 /* 1 + loans.project_return */
#define SPREAD 0.8  /* w */

typedef struct {
    int64_t smes, periods, reps;
} bc_size;

static bc_size test_size(void)
{
    const char *full = getenv("CREDERE_FULL_VALIDATION");
    if (full && strcmp(full, "1") == 0)
        return (bc_size){100000, 10, 10};
    return (bc_size){20000, 10, 4};
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* F(x) = P(b theta < x), b theta uniform on [b R (1 - w), b R (1 + w)] */
static double cdf(double x)
{
    double lo = PENALTY * R_GROSS * (1.0 - SPREAD), hi = PENALTY * R_GROSS * (1.0 + SPREAD);
    return x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo);
}

static double repay_individual(double D)
{
    return 1.0 - cdf(D);
}

static double covered_prob(double D, double s)
{
    return 2.0 * (1.0 - cdf(2.0 * D)) * cdf(D - s);
}

static double repay_group(double D, double s)
{
    double willing = 1.0 - cdf(D - s);
    return willing * willing + covered_prob(D, s);
}

/* The rate where group and individual repayment are equal (bisection on [lo, hi],
 * where the difference changes sign once); NAN if it does not. */
static double crossover(double s, double lo, double hi)
{
    double f_lo = repay_group(1.0 + lo, s) - repay_individual(1.0 + lo);
    double f_hi = repay_group(1.0 + hi, s) - repay_individual(1.0 + hi);
    if (!(f_lo > 0.0 && f_hi < 0.0))
        return NAN;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        double f = repay_group(1.0 + mid, s) - repay_individual(1.0 + mid);
        if (f > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

typedef struct {
    double loans, strategic, covered; /* pooled over replications and periods */
    size_t bad;                       /* periods breaking the exact set-up checks */
    double *defaults;                 /* strategic defaults per (rep, period): identity checks */
} bc_tally;

/* Runs mode `mode_name` at rate r and sanction s; tallies the repayment game. */
static int simulate(const char *mode_name, double r, double s, bc_size sz, bc_tally *out)
{
    char s_margin[64], s_sanc[64];
    snprintf(s_margin, sizeof s_margin, "bank.margin=%.17g", r);
    snprintf(s_sanc, sizeof s_sanc, "behaviour.repayment.sanction=%.17g", s);
    const char *sets[] = {s_margin, s_sanc};
    cr_params p;
    cr_diag d = {{0}};
    cr_status st =
        cr_test_load_validation("besley_coate", sz.smes, sz.periods, sz.reps, sets, 2, &p);
    if (st != CR_OK)
        return 1;
    /* the file really is the closed-form case */
    CR_CHECK(p.experiment.periods_per_year == 1 && p.loans.maturity == 1);
    CR_CHECK(p.population.demand_probability == 1.0 && p.population.exclusion_periods == 0);
    CR_CHECK(p.population.loan_size.mean == 1.0 && p.population.loan_size.cv == 0.0);
    CR_CHECK(p.population.collateral.mean == 0.0 && p.population.collateral.sd == 0.0);
    CR_CHECK(p.population.pd.distribution == CR_PD_FIXED && p.population.pd.mean <= 1e-12);
    CR_CHECK(p.bank.funding_rate == 0.0 && p.bank.cost_of_equity == 0.0);
    CR_CHECK(p.loans.project_return == R_GROSS - 1.0);
    CR_CHECK(p.behaviour.repayment.rule == CR_RULE_BEST &&
             p.behaviour.repayment.penalty == PENALTY &&
             p.behaviour.repayment.return_spread == SPREAD && p.behaviour.repayment.sanction == s);
    CR_CHECK(p.behaviour.risk.rule == CR_RULE_OFF && p.behaviour.monitoring.rule == CR_RULE_OFF &&
             p.behaviour.records.sharing == CR_REC_NONE);
    const cr_mode_type *jl = cr_mode_find("joint_liability");
    CR_CHECK(jl != NULL);
    if (!jl)
        return 1;
    const cr_mode_params *jp = &p.mode[jl->slot];
    CR_CHECK(jp->members.size == 2 && jp->government.interest_subsidy == 0.0);

    size_t per = (size_t)sz.periods;
    memset(out, 0, sizeof *out);
    out->defaults = malloc((size_t)sz.reps * per * sizeof *out->defaults);
    cr_model *m = NULL;
    cr_engine e = {0};
    st = out->defaults ? cr_model_create(&p, &m, &d) : CR_ENOMEM;
    if (st == CR_OK)
        st = cr_engine_init(&e, THREADS);
    const cr_mode_type *mode = cr_mode_find(mode_name);
    if (st == CR_OK && !mode)
        st = CR_EINVAL;
    const double D = 1.0 + r;
    for (int64_t rep = 0; st == CR_OK && rep < sz.reps; rep++) {
        st = cr_model_run_unit(m, &e, mode, (uint64_t)rep, &d);
        for (size_t t = 0; st == CR_OK && t < per; t++) {
            const double *v = m->values;
            double loans = v[CR_M_LOANS_OUTSTANDING * per + t];
            double strat = v[CR_M_STRATEGIC_DEFAULTS * per + t];
            double cov = v[CR_M_MEMBERS_COVERED * per + t] / D;
            out->bad += loans != (double)sz.smes || v[CR_M_FUNDAMENTAL_DEFAULTS * per + t] != 0.0 ||
                        fabs(v[CR_M_MEAN_LOAN_RATE * per + t] - r) > 1e-9 ||
                        fabs(cov - round(cov)) > 1e-6 ||
                        fabs(v[CR_M_DEFAULT_RATE * per + t] - strat / loans) > 1e-12;
            out->loans += loans;
            out->strategic += strat;
            out->covered += round(cov);
            out->defaults[(size_t)rep * per + t] = strat;
        }
    }
    cr_engine_destroy(&e);
    cr_model_free(&m);
    CR_CHECK_MSG(st == CR_OK, "%s r %g s %g: %s", mode_name, r, s, d.msg);
    return st == CR_OK ? 0 : 1;
}

static double zstat(double observed, double p, double trials)
{
    return (observed - p) / sqrt(p * (1.0 - p) / trials);
}

static void check_point(double r, double s, bc_size sz, const double *ref_direct)
{
    double t0 = now();
    const double D = 1.0 + r;
    bc_tally ind, grp;
    if (simulate("direct", r, s, sz, &ind) != 0) {
        free(ind.defaults);
        return;
    }
    if (simulate("joint_liability", r, s, sz, &grp) != 0) {
        free(ind.defaults);
        free(grp.defaults);
        return;
    }
    double p_ind = repay_individual(D), p_grp = repay_group(D, s), p_cov = covered_prob(D, s);
    double r_ind = 1.0 - ind.strategic / ind.loans, r_grp = 1.0 - grp.strategic / grp.loans;
    double groups = grp.loans / 2.0;
    /* a degenerate probability (0 or 1) must be met exactly */
    double z_ind = p_ind > 0.0 && p_ind < 1.0 ? zstat(r_ind, p_ind, ind.loans)
                                              : (r_ind == p_ind ? 0.0 : INFINITY);
    double z_grp = p_grp > 0.0 && p_grp < 1.0 ? zstat(r_grp, p_grp, groups)
                                              : (r_grp == p_grp ? 0.0 : INFINITY);
    double z_cov = p_cov > 0.0 && p_cov < 1.0 ? zstat(grp.covered / groups, p_cov, groups)
                                              : (grp.covered / groups == p_cov ? 0.0 : INFINITY);
    fprintf(stderr,
            "bc r=%.2f s=%.2f: individual %.5f vs %.5f (z %+.2f); group %.5f vs %.5f (z %+.2f); "
            "covered/group %.5f vs %.5f (z %+.2f); %.2f s\n",
            r, s, r_ind, p_ind, z_ind, r_grp, p_grp, z_grp, grp.covered / groups, p_cov, z_cov,
            now() - t0);
    CR_CHECK_MSG(ind.bad == 0 && grp.bad == 0,
                 "r %g s %g: %zu + %zu periods break the set-up (loans, rate, no failure)", r, s,
                 ind.bad, grp.bad);
    CR_CHECK_MSG(fabs(z_ind) <= Z_BOUND, "r %g: individual repayment %.5f vs %.5f: z %+.2f", r,
                 r_ind, p_ind, z_ind);
    CR_CHECK_MSG(fabs(z_grp) <= Z_BOUND, "r %g s %g: group repayment %.5f vs %.5f: z %+.2f", r, s,
                 r_grp, p_grp, z_grp);
    CR_CHECK_MSG(fabs(z_cov) <= Z_BOUND, "r %g s %g: covered per group %.5f vs %.5f: z %+.2f", r, s,
                 grp.covered / groups, p_cov, z_cov);
    /* the sanction does not touch individual borrowers */
    if (ref_direct) {
        size_t n = (size_t)(sz.reps * sz.periods), diff = 0;
        for (size_t k = 0; k < n; k++)
            diff += ind.defaults[k] != ref_direct[k];
        CR_CHECK_MSG(diff == 0, "r %g: sanction %g changed individual lending in %zu periods", r, s,
                     diff);
    }
    free(ind.defaults);
    free(grp.defaults);
}

static void test_besley_coate(void)
{
    bc_size sz = test_size();
    static const double rates[] = {0.0, 0.1, 0.3, 0.5, 0.8};
    static const double sanctions[] = {0.0, 0.3};
    double c0 = crossover(0.0, 0.0, 1.0), c3 = crossover(0.3, 0.0, 1.0);
    fprintf(stderr, "bc closed-form crossover: r = %.4f (s = 0), %.4f (s = 0.3)\n", c0, c3);
    /* b R (1 + w) = 3 D at s = 0 */
    CR_CHECK(fabs(c0 - (PENALTY * R_GROSS * (1.0 + SPREAD) / 3.0 - 1.0)) < 1e-9);
    CR_CHECK(c3 > c0);
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        /* the reference individual run: sanction 0 */
        bc_tally ref;
        if (simulate("direct", rates[i], 0.0, sz, &ref) != 0) {
            free(ref.defaults);
            continue;
        }
        for (size_t j = 0; j < sizeof sanctions / sizeof sanctions[0]; j++)
            check_point(rates[i], sanctions[j], sz, ref.defaults);
        free(ref.defaults);
    }
}

int main(void)
{
    double t0 = now();
    CR_RUN(test_besley_coate);
    fprintf(stderr, "besley_coate: %.1f s\n", now() - t0);
    return cr_test_report();
}
