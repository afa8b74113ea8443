/* The direct-lending model: accounting identities every period (and a broken mode
 * that the check must catch), a hand-computed price, determinism across thread
 * counts, and finite metrics at extreme but valid parameters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "models/lending.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

/* Defaults with burn_in 0 (short runs), then the overrides. */
static cr_status load(cr_params *p, const char *const *sets, int nsets)
{
    const char *all[32] = {"experiment.burn_in=0"};
    for (int i = 0; i < nsets && i < 31; i++)
        all[i + 1] = sets[i];
    cr_diag d;
    cr_status st = cr_experiment_load(NULL, all, nsets + 1, p, NULL, &d);
    if (st != CR_OK)
        fprintf(stderr, "load: %s\n", d.msg);
    return st;
}

/* Runs every replication of mode `mode` on `threads` threads; returns the values of
 * all units concatenated (caller frees), or NULL on failure (status in *st). */
static double *run_all(const cr_params *p, const char *mode, int threads, cr_status *st, cr_diag *d)
{
    cr_model *m = NULL;
    cr_engine e = {0};
    size_t per = (size_t)CR_METRIC_COUNT * (size_t)p->experiment.periods;
    double *all = calloc(per * (size_t)p->experiment.replications, sizeof *all);
    *st = cr_model_create(p, &m, d);
    if (*st == CR_OK)
        *st = cr_engine_init(&e, threads);
    for (int64_t r = 0; *st == CR_OK && r < p->experiment.replications; r++) {
        *st = cr_model_run_unit(m, &e, cr_mode_find(mode), (uint64_t)r, d);
        if (*st == CR_OK)
            memcpy(all + (size_t)r * per, m->values, per * sizeof *all);
    }
    cr_engine_destroy(&e);
    cr_model_free(&m);
    if (*st != CR_OK) {
        free(all);
        return NULL;
    }
    return all;
}

static void check_finite(const cr_params *p, const double *v, const char *what)
{
    size_t n = (size_t)CR_METRIC_COUNT * (size_t)p->experiment.periods *
               (size_t)p->experiment.replications;
    size_t bad = 0;
    for (size_t k = 0; k < n; k++)
        bad += !isfinite(v[k]);
    CR_CHECK_MSG(bad == 0, "%s: %zu non-finite metric values", what, bad);
}

/* Accounting identities hold every period (cr_lend_books and cr_lend_measure
 * check them and fail the unit otherwise) across ordinary and extreme settings. */
static void test_accounting_and_extremes(void)
{
    const char *cases[][8] = {
        {"population.smes=3000", "experiment.periods=12", "experiment.replications=3", NULL},
        /* capital-constrained banks: rationing every period */
        {"population.smes=3000", "experiment.periods=12", "experiment.replications=2",
         "bank.initial_capital_ratio=0.001", NULL},
        /* PD near 1: nearly every SME fails every period */
        {"population.smes=2000", "experiment.periods=6", "experiment.replications=2",
         "population.pd.distribution=fixed", "population.pd.mean=0.999999", "bank.max_pd=1",
         "bank.max_rate=1e6", NULL},
        /* PD near 0 */
        {"population.smes=2000", "experiment.periods=6", "experiment.replications=2",
         "population.pd.distribution=fixed", "population.pd.mean=1e-9", NULL},
        /* one SME, one bank, one period */
        {"population.smes=1", "population.banks=1", "experiment.periods=1", "experiment.burn_in=0",
         "experiment.replications=2", NULL},
        /* long maturities, no exclusion, everyone applies, perfect information */
        {"population.smes=3000", "experiment.periods=10", "loans.maturity=7",
         "population.exclusion_periods=0", "population.demand_probability=1",
         "bank.screening_noise=0", "experiment.replications=2", NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int n = 0;
        while (cases[c][n])
            n++;
        cr_params p;
        CR_REQUIRE(load(&p, cases[c], n) == CR_OK);
        cr_status st;
        cr_diag d = {{0}};
        double *v = run_all(&p, "direct", 2, &st, &d);
        CR_CHECK_MSG(st == CR_OK, "case %zu: %s", c, d.msg);
        if (v)
            check_finite(&p, v, cases[c][n - 1]);
        free(v);
    }
}

/* A mode whose loss phase books a default's loss twice: the check that every loss
 * is booked on exactly one holder must catch it in the first period with a default. */
static void broken_losses(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_lend_losses(model, sw);
    cr_smes *s = &m->world->sme;
    for (size_t i = sw->lo; i < sw->hi; i++)
        if (s->flags[i] & CR_F_DEFAULTED)
            cr_blocksum_row(&m->acc, sw->block)[CR_A_LOSS] += s->offer[i];
}

static void test_broken_mode_is_caught(void)
{
    static cr_mode_type broken;
    broken = *cr_mode_find("direct");
    broken.name = "broken_for_test";
    broken.phases.phase[CR_PHASE_LOSSES].agents = broken_losses;
    CR_REQUIRE(cr_mode_register(&broken) == CR_OK);
    CR_CHECK(cr_mode_register(&broken) == CR_EINVAL); /* names are unique */
    const char *sets[] = {"population.smes=2000", "experiment.periods=8",
                          "experiment.replications=1", "modes=[broken_for_test]"};
    cr_params p;
    CR_REQUIRE(load(&p, sets, 4) == CR_OK);
    cr_status st;
    cr_diag d = {{0}};
    double *v = run_all(&p, "broken_for_test", 1, &st, &d);
    CR_CHECK(v == NULL);
    CR_CHECK(st == CR_EACCOUNTING);
    CR_CHECK_STR_CONTAINS(d.msg, "broken_for_test");
    free(v);
}

/* One SME with known PD and collateral, perfect information, annual periods:
 * the contract rate is the break-even rate plus margin, by hand:
 *   lgd = 1 - recovery - collateral = 1 - 0.2 - 0.3 = 0.5
 *   capital cost = 0.08 * 0.75 * (0.10 - 0.03) = 0.0042
 *   r = (0.03 + 0.0042 + 0.05 * 0.5) / (1 - 0.05) + 0.01 = 0.07231578947368421 */
static void test_price_by_hand(void)
{
    const char *sets[] = {
        "population.smes=1",
        "population.banks=1",
        "experiment.periods=1",
        "experiment.burn_in=0",
        "experiment.replications=1",
        "experiment.periods_per_year=1",
        "population.pd.distribution=fixed",
        "population.pd.mean=0.05",
        "population.collateral.mean=0.3",
        "population.collateral.sd=0",
        "loans.recovery=0.2",
        "bank.funding_rate=0.03",
        "bank.cost_of_equity=0.10",
        "bank.capital_ratio_min=0.08",
        "bank.risk_weight=0.75",
        "bank.margin=0.01",
        "bank.screening_noise=0",
        "population.demand_probability=1",
        "direct.min_collateral=0",
    };
    cr_params p;
    CR_REQUIRE(load(&p, sets, (int)(sizeof sets / sizeof sets[0])) == CR_OK);
    cr_status st;
    cr_diag d = {{0}};
    double *v = run_all(&p, "direct", 1, &st, &d);
    CR_REQUIRE(v != NULL);
    double expect = (0.03 + 0.0042 + 0.05 * 0.5) / (1 - 0.05) + 0.01;
    CR_CHECK_NEAR(v[CR_M_MEAN_LOAN_RATE], expect, 8 * 2.2e-16);
    CR_CHECK(v[CR_M_APPLICATIONS] == 1.0);
    CR_CHECK(v[CR_M_LOANS_GRANTED] == 1.0);
    CR_CHECK(v[CR_M_BORROWER_MEAN_PD] == 0.05);
    free(v);
}

/* The same experiment on 1, 2 and 3 threads gives identical metrics, bit for bit;
 * the SME count is not a multiple of the block size, so blocks are uneven. */
static void test_threads_bit_identical(void)
{
    const char *sets[] = {"population.smes=10001", "experiment.periods=10",
                          "experiment.replications=2", "population.banks=7"};
    cr_params p;
    CR_REQUIRE(load(&p, sets, 4) == CR_OK);
    size_t n = (size_t)CR_METRIC_COUNT * 10 * 2;
    cr_status st;
    cr_diag d = {{0}};
    double *v1 = run_all(&p, "direct", 1, &st, &d);
    double *v2 = run_all(&p, "direct", 2, &st, &d);
    double *v3 = run_all(&p, "direct", 3, &st, &d);
    CR_REQUIRE(v1 && v2 && v3);
    CR_CHECK(memcmp(v1, v2, n * sizeof *v1) == 0);
    CR_CHECK(memcmp(v1, v3, n * sizeof *v1) == 0);
    /* and the replications differ from each other (the check above is not vacuous) */
    CR_CHECK(memcmp(v1, v1 + n / 2, n / 2 * sizeof *v1) != 0);
    free(v1);
    free(v2);
    free(v3);
}

/* With a guarantee network the cascades (sequential rounds in a fixed order) give
 * identical metrics at 1, 2 and 3 threads, and contagion actually happens. */
static void test_cascades_threads(void)
{
    const char *sets[] = {"population.smes=6007",           "experiment.periods=10",
                          "experiment.replications=2",      "network.generator=scale_free",
                          "network.mean_degree=3",          "population.pd.mean=0.1",
                          "modes=[direct, joint_liability]"};
    cr_params p;
    CR_REQUIRE(load(&p, sets, 7) == CR_OK);
    size_t n = (size_t)CR_METRIC_COUNT * 10 * 2;
    const char *modes[] = {"direct", "joint_liability"};
    for (int k = 0; k < 2; k++) {
        cr_status st;
        cr_diag d = {{0}};
        double *v1 = run_all(&p, modes[k], 1, &st, &d);
        double *v2 = run_all(&p, modes[k], 2, &st, &d);
        double *v3 = run_all(&p, modes[k], 3, &st, &d);
        CR_REQUIRE(v1 && v2 && v3);
        CR_CHECK(memcmp(v1, v2, n * sizeof *v1) == 0);
        CR_CHECK(memcmp(v1, v3, n * sizeof *v1) == 0);
        double contagion = 0.0;
        for (size_t t = 0; t < 10; t++)
            contagion += v1[(size_t)CR_M_CONTAGION_DEFAULTS * 10 + t];
        CR_CHECK_MSG(contagion > 0.0, "%s: no contagion default in 10 periods", modes[k]);
        free(v1);
        free(v2);
        free(v3);
    }
}

/* Reusing one model for a second run of the same unit gives the same numbers
 * (the world is fully reset between units). */
static void test_unit_reset(void)
{
    const char *sets[] = {"population.smes=5000", "experiment.periods=6"};
    cr_params p;
    CR_REQUIRE(load(&p, sets, 2) == CR_OK);
    cr_model *m = NULL;
    cr_engine e = {0};
    cr_diag d;
    CR_REQUIRE(cr_model_create(&p, &m, &d) == CR_OK);
    CR_REQUIRE(cr_engine_init(&e, 2) == CR_OK);
    size_t per = (size_t)CR_METRIC_COUNT * 6;
    double *a = malloc(per * sizeof *a);
    CR_CHECK(cr_model_run_unit(m, &e, &cr_mode_direct, 3, &d) == CR_OK);
    memcpy(a, m->values, per * sizeof *a);
    CR_CHECK(cr_model_run_unit(m, &e, &cr_mode_direct, 4, &d) == CR_OK);
    CR_CHECK(cr_model_run_unit(m, &e, &cr_mode_direct, 3, &d) == CR_OK);
    CR_CHECK(memcmp(a, m->values, per * sizeof *a) == 0);
    free(a);
    cr_engine_destroy(&e);
    cr_model_free(&m);
}

/* The lenders' prior on logit PD (cr_lender_prior) at one period per year: the
 * logit of a Beta(a, b) variable has mean psi(a) - psi(b) and variance
 * psi1(a) + psi1(b) (closed form). Wide betas take the integral over [0, 1], narrow
 * ones (a spike [0, 1] quadrature misses) the integral over their support. */
static void test_lender_prior(void)
{
    gsl_set_error_handler_off();
    const double cases[][2] = {{0.04, 0.03}, {0.07, 0.0002}, {1.32e-4, 2.81e-5}, {0.3, 0.01}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char mean[64], sd[64];
        snprintf(mean, sizeof mean, "population.pd.mean=%.17g", cases[k][0]);
        snprintf(sd, sizeof sd, "population.pd.sd=%.17g", cases[k][1]);
        const char *sets[] = {"experiment.periods_per_year=1", mean, sd};
        cr_params p;
        CR_REQUIRE(load(&p, sets, 3) == CR_OK);
        double m = 0.0, prec = 0.0;
        char why[512] = "";
        CR_CHECK_MSG(cr_lender_prior(&p, &m, &prec, why, sizeof why) == CR_OK, "%s", why);
        double mu = cases[k][0], v = cases[k][1] * cases[k][1];
        double c = mu * (1.0 - mu) / v - 1.0, a = mu * c, b = (1.0 - mu) * c;
        double want_m = gsl_sf_psi(a) - gsl_sf_psi(b), want_v = gsl_sf_psi_1(a) + gsl_sf_psi_1(b);
        /* the quadrature's tolerance is 1e-10 relative; 1e-7 leaves room */
        CR_CHECK_MSG(fabs(m - want_m) <= 1e-7 * fabs(want_m), "case %zu: mean %.12g, want %.12g", k,
                     m, want_m);
        CR_CHECK_MSG(fabs(1.0 / prec - want_v) <= 1e-7 * want_v,
                     "case %zu: variance %.12g, want %.12g", k, 1.0 / prec, want_v);
    }
}

int main(void)
{
    CR_RUN(test_lender_prior);
    CR_RUN(test_accounting_and_extremes);
    CR_RUN(test_broken_mode_is_caught);
    CR_RUN(test_price_by_hand);
    CR_RUN(test_threads_bit_identical);
    CR_RUN(test_unit_reset);
    CR_RUN(test_cascades_threads);
    return cr_test_report();
}
