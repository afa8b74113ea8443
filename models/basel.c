#include "models/basel.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#define PD_FLOOR 0.0003

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* 12.5 x scaling x K with K from the asymptotic single-risk-factor formula. */
static double asrf_weight(double pd, double lgd, double r, double maturity_adj, double scaling)
{
    double g =
        (gsl_cdf_ugaussian_Pinv(pd) + sqrt(r) * gsl_cdf_ugaussian_Pinv(0.999)) / sqrt(1.0 - r);
    double k = (lgd * gsl_cdf_ugaussian_P(g) - pd * lgd) * maturity_adj;
    return k > 0.0 ? 12.5 * scaling * k : 0.0;
}

double cr_basel_irb_corporate(double pd, double lgd, double maturity_years, double sales_meur,
                              double scaling)
{
    if (pd >= 1.0)
        return 0.0;
    pd = pd < PD_FLOOR ? PD_FLOOR : pd;
    double w = -expm1(-50.0 * pd) / -expm1(-50.0);
    double r = 0.12 * w + 0.24 * (1.0 - w);
    if (sales_meur > 0.0 && sales_meur < 50.0)
        r -= 0.04 * (1.0 - (clamp(sales_meur, 5.0, 50.0) - 5.0) / 45.0);
    double b = 0.11852 - 0.05478 * log(pd);
    b *= b;
    double m = clamp(maturity_years, 1.0, 5.0);
    return asrf_weight(pd, lgd, r, (1.0 + (m - 2.5) * b) / (1.0 - 1.5 * b), scaling);
}

double cr_basel_irb_retail(double pd, double lgd, double scaling)
{
    if (pd >= 1.0)
        return 0.0;
    pd = pd < PD_FLOOR ? PD_FLOOR : pd;
    double w = -expm1(-35.0 * pd) / -expm1(-35.0);
    double r = 0.03 * w + 0.16 * (1.0 - w);
    return asrf_weight(pd, lgd, r, 1.0, scaling);
}
