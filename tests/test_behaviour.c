/* The game's pure functions (models/behaviour.c) against hand-computed cases. */
#include <math.h>

#include "harness.h"
#include "models/behaviour.h"

/* U = s (ret - cost - liability) - (1 - s) fail_cost - sanction */
static void test_payoff(void)
{
    cr_terms t = {.success = 0.9,
                  .ret = 0.2,
                  .cost = 0.05,
                  .fail_cost = 0.3,
                  .liability = 0.02,
                  .sanction = 0.01};
    /* 0.9 x 0.13 - 0.1 x 0.3 - 0.01 = 0.117 - 0.03 - 0.01 = 0.077 */
    CR_CHECK_NEAR(cr_behav_payoff(&t), 0.077, 1e-15);
}

/* Stiglitz-Weiss: the switch rate r* = (p_s ret_s - p_r ret_r) / (p_s - p_r) + C
 * (net returns; in gross terms 1 + r* = (p_s R_s - p_r R_r) / (p_s - p_r) + C), where
 * the two projects' payoffs are equal; above it the risky one pays more. */
static void test_switch_rate(void)
{
    double p_s = 0.95, ret_s = 0.20, p_r = 0.5, ret_r = 1.0;
    double r = cr_behav_switch_rate(p_s, ret_s, p_r, ret_r, 0.0);
    CR_CHECK_NEAR(r, (0.95 * 0.2 - 0.5 * 1.0) / 0.45, 1e-15);
    CR_CHECK_NEAR(cr_behav_switch_rate(p_s, ret_s, p_r, ret_r, 0.7), r + 0.7, 1e-15);
    /* a case with a positive switch rate: p_s = 0.95, R_s = 1.30, p_r = 0.80, R_r = 1.50:
     * 1 + r* = (1.235 - 1.2) / 0.15 = 0.2333; with C = 0.9: r* = 0.1333 */
    double rs = cr_behav_switch_rate(0.95, 0.30, 0.80, 0.50, 0.9);
    CR_CHECK_NEAR(rs, (0.95 * 0.3 - 0.8 * 0.5) / 0.15 + 0.9, 1e-14);
    cr_terms safe = {.success = 0.95, .ret = 0.30, .cost = rs, .fail_cost = 0.9};
    cr_terms risky = {.success = 0.80, .ret = 0.50, .cost = rs, .fail_cost = 0.9};
    CR_CHECK_NEAR(cr_behav_payoff(&safe), cr_behav_payoff(&risky), 1e-14);
    safe.cost = risky.cost = rs + 0.01; /* above r*: risky is better */
    CR_CHECK(cr_behav_payoff(&risky) > cr_behav_payoff(&safe));
    safe.cost = risky.cost = rs - 0.01;
    CR_CHECK(cr_behav_payoff(&risky) < cr_behav_payoff(&safe));
    CR_CHECK(cr_behav_switch_rate(0.5, 0.1, 0.5, 0.2, 0.0) < 0.0); /* p_s == p_r: none */
}

/* Besley-Coate with two members, due D = 1.1 each, equal loans. */
static void test_group_repay(void)
{
    double due[2] = {1.1, 1.1}, loan[2] = {1.0, 1.0}, sanc[2] = {0.0, 0.0}, extra = -1.0;
    uint8_t payer[2];
    /* both willing */
    double pen_both[2] = {1.5, 1.2};
    CR_CHECK(cr_behav_group_repay(2, pen_both, due, loan, sanc, payer, &extra) == 2);
    CR_CHECK(payer[0] && payer[1]);
    CR_CHECK_NEAR(extra, 0.0, 0.0);
    /* one unwilling, the other can carry 2D = 2.2 */
    double pen_carry[2] = {2.3, 0.5};
    CR_CHECK(cr_behav_group_repay(2, pen_carry, due, loan, sanc, payer, &extra) == 1);
    CR_CHECK(payer[0] && !payer[1]);
    CR_CHECK_NEAR(extra, 1.1, 1e-15);
    /* one unwilling, the other willing alone but not for both: the group defaults
     * although member 0 would have repaid alone (where group lending loses) */
    double pen_lose[2] = {1.5, 0.5};
    CR_CHECK(cr_behav_group_repay(2, pen_lose, due, loan, sanc, payer, &extra) == 0);
    CR_CHECK(!payer[0] && !payer[1]);
    /* a social sanction of 0.7 makes member 1 pay its own share: 0.5 + 0.7 >= 1.1 */
    double s7[2] = {0.7, 0.7};
    CR_CHECK(cr_behav_group_repay(2, pen_lose, due, loan, s7, payer, &extra) == 2);
    /* an individual never bears a sanction */
    double pen1[1] = {0.5}, due1[1] = {1.1}, loan1[1] = {1.0};
    CR_CHECK(cr_behav_group_repay(1, pen1, due1, loan1, s7, payer, &extra) == 0);
    /* honest members (infinite cost of default) always pay */
    double pen_h[2] = {INFINITY, 0.0};
    CR_CHECK(cr_behav_group_repay(2, pen_h, due, loan, sanc, payer, &extra) == 1);
    CR_CHECK(payer[0] && !payer[1]);
}

/* Three members with different dues and loans: the burden is shared pro rata to
 * loans and a payer whose cost is below due + extra drops out, raising the rest. */
static void test_group_cascade(void)
{
    double due[3] = {1.1, 1.2, 1.1}, loan[3] = {1.0, 2.0, 1.0}, sanc[3] = {0};
    double extra = 0.0;
    uint8_t payer[3];
    /* member 2 unwilling (0.3 < 1.1): unpaid 1.1; payers' loans 3: extra = 0.3667.
     * member 0: 1.4 < 1.1 + 0.3667 = 1.4667 -> drops; then unpaid 2.2 over loan 2:
     * extra 1.1; member 1: 2.5 >= 1.2 + 1.1 = 2.3 -> pays alone */
    double pen[3] = {1.4, 2.5, 0.3};
    CR_CHECK(cr_behav_group_repay(3, pen, due, loan, sanc, payer, &extra) == 1);
    CR_CHECK(!payer[0] && payer[1] && !payer[2]);
    CR_CHECK_NEAR(extra, 1.1, 1e-15);
    /* if member 1 could carry only 2.2, everyone defaults */
    pen[1] = 2.2;
    CR_CHECK(cr_behav_group_repay(3, pen, due, loan, sanc, payer, &extra) == 0);
}

static void test_imitation_and_records(void)
{
    CR_CHECK_NEAR(cr_behav_switch_probability(0.1, 0.15, 0.1), 0.5, 1e-15);
    CR_CHECK_NEAR(cr_behav_switch_probability(0.1, 0.05, 0.1), 0.0, 0.0);
    CR_CHECK_NEAR(cr_behav_switch_probability(0.0, 0.5, 0.1), 1.0, 0.0);
    /* Beta-Bernoulli: prior mean q worth n0 periods; 10 good, 0 bad */
    CR_CHECK_NEAR(cr_behav_record_pd(0.02, 20.0, 10.0, 0.0), 0.4 / 30.0, 1e-15);
    CR_CHECK_NEAR(cr_behav_record_pd(0.02, 20.0, 9.0, 1.0), 1.4 / 30.0, 1e-15);
    CR_CHECK_NEAR(cr_behav_record_pd(0.02, 20.0, 0.0, 0.0), 0.02, 1e-17);
}

static void test_any(void)
{
    cr_behaviour_params p = {0};
    CR_CHECK(!cr_behaviour_any(&p));
    p.records.sharing = CR_REC_PUBLIC;
    CR_CHECK(cr_behaviour_any(&p));
    p.records.sharing = CR_REC_NONE;
    p.matching = CR_MATCH_FREE;
    CR_CHECK(cr_behaviour_any(&p));
}

int main(void)
{
    CR_RUN(test_payoff);
    CR_RUN(test_switch_rate);
    CR_RUN(test_group_repay);
    CR_RUN(test_group_cascade);
    CR_RUN(test_imitation_and_records);
    CR_RUN(test_any);
    return cr_test_report();
}
