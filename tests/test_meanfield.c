/* The mean-field reference (models/meanfield.h): the logistic closed form when the
 * payoff difference is constant and nothing fails, the pure right-hand side against
 * its formula, the group-level map against the scalar one, the representative
 * SME's rate against the break-even formula, the linear noise against the scalar
 * delta method, and the errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>

#include "experiments/setup.h"
#include "harness.h"
#include "models/meanfield.h"
#include "models/mode.h"

#define T 200

/* A game by hand: n = 1, success probabilities s_s, s_r. */
static cr_mf_game hand_game(double s_s, double s_r)
{
    cr_mf_game g;
    memset(&g, 0, sizeof g);
    g.n = 1;
    g.s_safe = s_s;
    g.s_risky = s_r;
    g.ret_safe = 0.10;
    g.ret_risky = 0.14;
    g.cost = 0.06;
    g.fail_cost = 0.2;
    g.lambda = 0.1;
    g.range = 0.1;
    return g;
}

static double logistic(double x0, double k, double t)
{
    return 1.0 / (1.0 + (1.0 / x0 - 1.0) * exp(-k * t));
}

/* No failures: dx/dt = k x (1 - x), k = lambda (U_r - U_s) / Delta. */
static void test_logistic_by_hand(void)
{
    cr_mf_game g = hand_game(1.0, 1.0);
    const double du = cr_meanfield_payoff(&g, 1, 0.0) - cr_meanfield_payoff(&g, 0, 0.0);
    CR_CHECK_NEAR(du, 0.04, 1e-15);
    const double k = g.lambda * du / g.range;
    double x[T + 1], xm[T + 1];
    for (int j = 0; j < 3; j++) {
        const double x0 = (double[]){0.01, 0.1, 0.7}[j];
        CR_REQUIRE(cr_meanfield_path(&g, x0, T, 0, x, NULL) == CR_OK);
        double err = 0.0;
        for (int t = 0; t <= T; t++)
            err = fmax(err, fabs(x[t] - logistic(x0, k, t)));
        fprintf(stderr, "logistic x0 = %g, k = %g: max |ODE - closed form| = %.2e\n", x0, k, err);
        CR_CHECK(err <= 1e-8);
        /* the discrete map is the logistic map x + k x (1 - x) */
        CR_REQUIRE(cr_meanfield_path(&g, x0, T, 1, xm, NULL) == CR_OK);
        double y = x0, em = 0.0;
        for (int t = 0; t <= T; t++) {
            em = fmax(em, fabs(xm[t] - y));
            y += k * y * (1.0 - y);
        }
        CR_CHECK(em <= 1e-14);
    }
    /* a payoff difference beyond the range is clipped: every revision meeting a peer
     * of the other type switches, k = lambda */
    g.range = 0.01;
    CR_REQUIRE(cr_meanfield_path(&g, 0.1, T, 0, x, NULL) == CR_OK);
    double err = 0.0;
    for (int t = 0; t <= T; t++)
        err = fmax(err, fabs(x[t] - logistic(0.1, g.lambda, t)));
    CR_CHECK(err <= 1e-8);
}

/* The same from an experiment: direct lending, a PD of 1e-9 a year (no failures to
 * 1e-9), one period a year; the risky project pays less (p_s R_s >= p_r R_r), so the
 * share decays logistically. */
static void test_logistic_from_experiment(void)
{
    const char *sets[] = {
        "experiment.periods_per_year=1",       "experiment.periods=200",
        "population.pd.distribution=fixed",    "population.pd.mean=1e-9",
        "population.collateral.sd=0",          "bank.screening_noise=0",
        "behaviour.risk.rule=imitation",       "behaviour.risk.risky_success=0.999999998",
        "behaviour.risk.risky_return=1.12",    "behaviour.risk.initial_share=0.9",
        "behaviour.learning.payoff_range=0.1", "modes=[direct]"};
    cr_params p;
    cr_diag d = {{0}};
    cr_status st =
        cr_experiment_load(NULL, sets, (int)(sizeof sets / sizeof sets[0]), &p, NULL, &d);
    CR_REQUIRE(st == CR_OK);
    cr_mf_game g;
    CR_REQUIRE(cr_meanfield_game(&p, cr_mode_find("direct"), &g, &d) == CR_OK);
    CR_CHECK(g.n == 1);
    CR_CHECK_NEAR(g.q, 1e-9, 1e-18);
    CR_CHECK_NEAR(g.ret_safe, p.loans.project_return, 1e-15);
    CR_CHECK_NEAR(g.ret_risky, 0.12, 1e-15);
    const double qs = 1.0 - g.s_safe, qr = 1.0 - g.s_risky, x0 = 0.9;
    const double qbar = x0 * qr + (1.0 - x0) * qs;
    const double du = cr_meanfield_payoff(&g, 1, 0.0) - cr_meanfield_payoff(&g, 0, 0.0);
    CR_CHECK(du < 0.0 && du > -g.range);
    const double k = (g.lambda * g.s_safe * g.s_risky * du / g.range - (qr - qs)) / (1.0 - qbar);
    double x[T + 1];
    CR_REQUIRE(cr_meanfield_path(&g, x0, T, 0, x, &d) == CR_OK);
    double err = 0.0;
    for (int t = 0; t <= T; t++)
        err = fmax(err, fabs(x[t] - logistic(x0, k, t)));
    fprintf(stderr, "experiment: k = %.6g, x(%d) = %.6f, max |ODE - closed form| = %.2e\n", k, T,
            x[T], err);
    CR_CHECK(err <= 1e-8);
    CR_CHECK(x[T] < 0.05);
}

/* The right-hand side against its formula, with failures. */
static void test_rhs_formula(void)
{
    cr_mf_game g = hand_game(0.95, 0.85);
    const double qs = 0.05, qr = 0.15;
    const double us = 0.95 * (0.10 - 0.06) - 0.05 * 0.2, ur = 0.85 * (0.14 - 0.06) - 0.15 * 0.2;
    CR_CHECK_NEAR(cr_meanfield_payoff(&g, 0, 0.0), us, 1e-15);
    CR_CHECK_NEAR(cr_meanfield_payoff(&g, 1, 0.0), ur, 1e-15);
    for (int i = 0; i <= 10; i++) {
        double x = i / 10.0, qbar = x * qr + (1.0 - x) * qs;
        double want = x * (1.0 - x) / (1.0 - qbar) *
                      (g.lambda * 0.95 * 0.85 * (ur - us) / g.range - (qr - qs));
        CR_CHECK_NEAR(cr_meanfield_rhs(&g, x), want, 1e-15);
        /* the group-level map with one member is the scalar map */
        double pi[2] = {1.0 - x, x}, next[2];
        cr_meanfield_step(&g, pi, next);
        CR_CHECK_NEAR(next[1], x + want, 1e-14);
        CR_CHECK_NEAR(next[0] + next[1], 1.0, 1e-14);
    }
    /* the path with one member is the ODE dx/dt = f(x) */
    double x[T + 1];
    CR_REQUIRE(cr_meanfield_path(&g, 0.3, T, 0, x, NULL) == CR_OK);
    CR_CHECK(x[T] < 0.3); /* here failures outweigh the payoff difference */
}

/* Groups: the liability of a member, and the first step of the group-level map from
 * independent types equals the independent-groups scalar map (no clipping). */
static void test_groups(void)
{
    cr_mf_game g = hand_game(0.97, 0.9);
    g.n = 5;
    g.members_share = 0.6;
    g.range = 0.5; /* no clipping */
    const double qs = 0.03, qr = 0.1;
    CR_CHECK_NEAR(cr_meanfield_liability(&g, 1, 2), (qr + 3 * qs) * 0.6 / 4, 1e-15);
    CR_CHECK_NEAR(cr_meanfield_liability(&g, 0, 2), (2 * qr + 2 * qs) * 0.6 / 4, 1e-15);
    CR_CHECK_NEAR(cr_meanfield_liability(&g, 1, 5), qr * 0.6, 1e-15);
    CR_CHECK_NEAR(cr_meanfield_liability(&g, 0, 0), qs * 0.6, 1e-15);
    for (int i = 1; i < 10; i++) {
        double x = i / 10.0, pi[6], next[6], sum = 0.0, xn = 0.0;
        for (int k = 0; k <= 5; k++)
            pi[k] = gsl_ran_binomial_pdf((unsigned)k, x, 5);
        cr_meanfield_step(&g, pi, next);
        for (int k = 0; k <= 5; k++) {
            sum += next[k];
            xn += next[k] * k / 5.0;
            CR_CHECK(next[k] >= 0.0);
        }
        CR_CHECK_NEAR(sum, 1.0, 1e-14);
        CR_CHECK_NEAR(xn, x + cr_meanfield_rhs(&g, x), 1e-14);
    }
    /* over time the groups' members become alike (a safe member among risky peers
     * pays more liability and switches sooner): with a liability that varies much
     * across groups, the group-level path falls behind the independent-groups one */
    g = hand_game(0.95, 0.75);
    g.n = 5;
    g.fail_cost = 0.0;
    g.ret_risky = 0.6;
    g.members_share = 1.0;
    g.lambda = 1.0;
    g.range = 1.0;
    double xg[T + 1];
    CR_REQUIRE(cr_meanfield_path(&g, 0.5, 20, 1, xg, NULL) == CR_OK);
    double y = 0.5;
    for (int t = 0; t < 20; t++)
        y += cr_meanfield_rhs(&g, y);
    fprintf(stderr, "groups of 5: x(20) = %.6f (group level), %.6f (independent groups)\n", xg[20],
            y);
    CR_CHECK(xg[20] < y - 1e-3);
}

/* The rates of the validation experiment against the break-even formula:
 * (funding + capital ratio x risk weight x (cost of equity - funding) + q x bank's
 * loss share) / (1 - q) + margin. */
static void test_game_rates(void)
{
    const char *root = getenv("CREDERE_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/experiments/validation/replicator.yaml", root ? root : ".");
    cr_params p;
    cr_diag d = {{0}};
    CR_REQUIRE(cr_experiment_load(path, NULL, 0, &p, NULL, &d) == CR_OK);
    cr_mf_game g;
    CR_REQUIRE(cr_meanfield_game(&p, cr_mode_find("direct"), &g, &d) == CR_OK);
    const double q = 0.02, lgd = 1.0 - p.loans.recovery;
    const double capital = p.bank.capital_ratio_min * p.bank.risk_weight *
                           (p.bank.cost_of_equity - p.bank.funding_rate);
    CR_CHECK_NEAR(g.rate, (p.bank.funding_rate + capital + q * lgd) / (1.0 - q) + p.bank.margin,
                  1e-14);
    CR_CHECK_NEAR(g.cost, g.rate, 0.0);
    CR_CHECK_NEAR(g.members_share, 0.0, 0.0);
    CR_CHECK_NEAR(g.s_risky, p.behaviour.risk.risky_success, 1e-15);
    CR_CHECK(g.caveats[0] == '\0');
    /* joint liability: the members bear the whole loss (ample equity) */
    CR_REQUIRE(cr_meanfield_game(&p, cr_mode_find("joint_liability"), &g, &d) == CR_OK);
    CR_CHECK(g.n == 5);
    CR_CHECK_NEAR(g.rate, (p.bank.funding_rate + capital) / (1.0 - q) + p.bank.margin, 1e-14);
    CR_CHECK_NEAR(g.members_share, lgd, 1e-15);
    /* without the equity the members' layer is capped at what peers can pay */
    p.population.equity.ratio = 0.05;
    CR_REQUIRE(cr_meanfield_game(&p, cr_mode_find("joint_liability"), &g, &d) == CR_OK);
    CR_CHECK(g.rate > (p.bank.funding_rate + capital) / (1.0 - q) + p.bank.margin + 1e-3);
    /* caveats */
    p.population.demand_probability = 0.5;
    p.population.exclusion_periods = 2;
    CR_REQUIRE(cr_meanfield_game(&p, cr_mode_find("direct"), &g, &d) == CR_OK);
    CR_CHECK_STR_CONTAINS(g.caveats, "population.demand_probability is 0.5");
    CR_CHECK_STR_CONTAINS(g.caveats, "population.exclusion_periods is 2");
}

/* The linear noise with one member against the scalar delta method: survivors
 * A ~ Bin(x, s_r), B ~ Bin(1 - x, s_s), switches K ~ Bin(B, lambda d A) (d > 0), then
 * x' = (A + K) / (A + B) plus the entrants' binomial noise qbar y (1 - y). */
static void test_noise_scalar(void)
{
    cr_mf_game g = hand_game(0.97, 0.9);
    g.ret_risky = 0.2;
    const double sr = 0.9, ss = 0.97, qr = 0.1, qs = 0.03, x0 = 0.2;
    const double d = (cr_meanfield_payoff(&g, 1, 0.0) - cr_meanfield_payoff(&g, 0, 0.0)) / g.range;
    CR_REQUIRE(d > 0.0 && d < 1.0);
    double cov[4];
    CR_REQUIRE(cr_meanfield_covariance(&g, x0, 1, cov, NULL) == CR_OK);
    CR_CHECK_NEAR(cov[0], x0 * (1.0 - x0), 1e-15);
    const double A = x0 * sr, B = (1.0 - x0) * ss, p = g.lambda * d * A, K = p * B;
    const double y = (A + K) / (A + B), qb = 1.0 - (A + B);
    const double gA = ((1.0 + g.lambda * d * B) * (A + B) - (A + K)) / ((A + B) * (A + B));
    const double gB = (g.lambda * d * A * (A + B) - (A + K)) / ((A + B) * (A + B));
    const double v = gA * gA * x0 * sr * qr + gB * gB * (1.0 - x0) * ss * qs +
                     B * p * (1.0 - p) / ((A + B) * (A + B)) + qb * y * (1.0 - y);
    const double J =
        1.0 + (cr_meanfield_rhs(&g, x0 + 1e-6) - cr_meanfield_rhs(&g, x0 - 1e-6)) / 2e-6;
    const double want = J * J * x0 * (1.0 - x0) + v;
    fprintf(stderr, "noise: Var(x_1) x N = %.10f, delta method %.10f\n", cov[3], want);
    CR_CHECK_NEAR(cov[3], want, 1e-8);
    CR_CHECK_NEAR(cov[1], cov[2], 0.0);
    CR_CHECK_NEAR(cov[1], J * x0 * (1.0 - x0), 1e-8);
    /* groups larger than the noise's limit are refused */
    g.n = CR_MF_MAX_GROUP_NOISE + 1;
    cr_diag dd = {{0}};
    CR_CHECK(cr_meanfield_covariance(&g, x0, 1, cov, &dd) == CR_EINVAL);
}

static void test_errors(void)
{
    const char *root = getenv("CREDERE_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/experiments/validation/replicator.yaml", root ? root : ".");
    cr_params p;
    cr_diag d = {{0}};
    const char *off[] = {"behaviour.risk.rule=best_response"};
    CR_REQUIRE(cr_experiment_load(path, off, 1, &p, NULL, &d) == CR_OK);
    cr_mf_game g;
    CR_CHECK(cr_meanfield_game(&p, cr_mode_find("direct"), &g, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "set behaviour.risk.rule: imitation");
    const char *rep[] = {"behaviour.repayment.rule=imitation"};
    CR_REQUIRE(cr_experiment_load(path, rep, 1, &p, NULL, &d) == CR_OK);
    CR_CHECK(cr_meanfield_game(&p, cr_mode_find("direct"), &g, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "behaviour.repayment.rule");
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_logistic_by_hand);
    CR_RUN(test_logistic_from_experiment);
    CR_RUN(test_rhs_formula);
    CR_RUN(test_groups);
    CR_RUN(test_game_rates);
    CR_RUN(test_noise_scalar);
    CR_RUN(test_errors);
    return cr_test_report();
}
