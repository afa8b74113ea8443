/* Basel IRB risk weights against the Basel II Annex 5 illustrative table (BCBS,
 * June 2006), which is computed without the 1.06 scaling factor and prints risk
 * weights to two decimals of a percent. Tolerance 1e-4 (0.01 percentage points): the
 * printed rounding (5e-5) plus the table's own last-digit differences (the SME entry
 * 72.40 % evaluates to 72.3947 % with exact normal quantiles). */
#include "harness.h"
#include "models/basel.h"

static void test_annex5_corporate(void)
{
    /* PD 1 %, LGD 45 %, M 2.5: corporate (sales 50M EUR) 92.32 %, SME (5M EUR) 72.40 % */
    CR_CHECK_NEAR(cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.0), 0.9232, 1e-4);
    CR_CHECK_NEAR(cr_basel_irb_corporate(0.01, 0.45, 2.5, 5.0, 1.0), 0.7240, 1e-4);
    /* the Basel II scaling factor multiplies the weight */
    CR_CHECK_NEAR(cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.06), 1.06 * 0.9232, 1.06 * 1e-4);
    /* no SME adjustment at or above 50M EUR, or without sales */
    CR_CHECK(cr_basel_irb_corporate(0.01, 0.45, 2.5, 80.0, 1.0) ==
             cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.0));
    CR_CHECK(cr_basel_irb_corporate(0.01, 0.45, 2.5, 0.0, 1.0) ==
             cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.0));
    /* below 5M EUR the adjustment is that of 5M EUR */
    CR_CHECK(cr_basel_irb_corporate(0.01, 0.45, 2.5, 1.0, 1.0) ==
             cr_basel_irb_corporate(0.01, 0.45, 2.5, 5.0, 1.0));
    /* PD floor 0.03 %; PD 1 is an expected loss: no capital */
    CR_CHECK(cr_basel_irb_corporate(1e-6, 0.45, 2.5, 50.0, 1.0) ==
             cr_basel_irb_corporate(0.0003, 0.45, 2.5, 50.0, 1.0));
    CR_CHECK(cr_basel_irb_corporate(1.0, 0.45, 2.5, 50.0, 1.0) == 0.0);
    /* weight is proportional to LGD and increases with maturity */
    CR_CHECK_NEAR(cr_basel_irb_corporate(0.01, 0.90, 2.5, 50.0, 1.0),
                  2.0 * cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.0), 1e-12);
    CR_CHECK(cr_basel_irb_corporate(0.01, 0.45, 5.0, 50.0, 1.0) >
             cr_basel_irb_corporate(0.01, 0.45, 2.5, 50.0, 1.0));
}

/* Retail: the same ASRF formula with R = 0.03 w + 0.16 (1 - w); hand-computed with
 * the formula at PD 1 %, LGD 45 %: w = (1 - e^-0.35)/(1 - e^-35) = 0.29531,
 * R = 0.03 w + 0.16 (1 - w) = 0.1216; then the weight's monotonicity and limits. */
static void test_retail(void)
{
    double pd = 0.01, lgd = 0.45;
    double w = (1.0 - exp(-35.0 * pd)) / (1.0 - exp(-35.0));
    double r = 0.03 * w + 0.16 * (1.0 - w);
    CR_CHECK_NEAR(r, 0.1216, 5e-5);
    double w1 = cr_basel_irb_retail(pd, lgd, 1.0), w5 = cr_basel_irb_retail(0.05, lgd, 1.0);
    CR_CHECK(w1 > 0.3 && w1 < 1.0);
    CR_CHECK(w5 > w1);
    CR_CHECK(cr_basel_irb_retail(1.0, lgd, 1.0) == 0.0);
}

int main(void)
{
    CR_RUN(test_annex5_corporate);
    CR_RUN(test_retail);
    return cr_test_report();
}
