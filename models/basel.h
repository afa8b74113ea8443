/* Bank capital rules: Basel II/III internal-ratings-based (IRB) risk weights.
 *
 * Corporate exposures (BCBS, International Convergence of Capital Measurement,
 * June 2006, paragraphs 272-273), with the firm-size adjustment for SME borrowers
 * with annual sales S between 5 and 50 million EUR (S < 5 is treated as 5):
 *   R   = 0.12 w + 0.24 (1 - w) - 0.04 (1 - (S - 5) / 45),  w = (1 - e^{-50 PD}) / (1 - e^{-50})
 *   b   = (0.11852 - 0.05478 ln PD)^2
 *   K   = [LGD Phi((1-R)^{-1/2} Phi^{-1}(PD) + (R/(1-R))^{1/2} Phi^{-1}(0.999)) - PD LGD]
 *         (1 + (M - 2.5) b) / (1 - 1.5 b)
 *   RW  = 12.5 x scaling x K
 * where scaling is 1.06 under Basel II (paragraph 44) and 1 under the final Basel III
 * framework (2017), which dropped it; the illustrative table of Basel II Annex 5 is
 * computed without it.
 * Other retail exposures (paragraph 330): R = 0.03 w' + 0.16 (1 - w'),
 * w' = (1 - e^{-35 PD}) / (1 - e^{-35}), no maturity adjustment.
 * PD is floored at 0.03 % (paragraph 285). Phi and its inverse come from GSL.
 */
#ifndef CR_BASEL_H
#define CR_BASEL_H

/* IRB risk weight (1 = 100 %) of a corporate exposure: annual pd in (0, 1], lgd in
 * [0, 1], effective maturity in years (clamped to [1, 5]), annual sales in million
 * EUR (>= 50 or <= 0: no SME adjustment). Returns 0 when pd >= 1 (the loss is
 * expected, not unexpected; paragraph 273 footnote: K = max(0, LGD - EL)). */
double cr_basel_irb_corporate(double pd, double lgd, double maturity_years, double sales_meur,
                              double scaling);

/* IRB risk weight of an "other retail" exposure (SME exposures below 1 million EUR
 * managed as retail). */
double cr_basel_irb_retail(double pd, double lgd, double scaling);

#endif
