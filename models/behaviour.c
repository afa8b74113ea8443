/* The game's payoffs and decision rules as pure functions (models/behaviour.h):
 * the agents (models/strategy.c) and the mean-field reference (models/meanfield.c)
 * call the same ones. */
#include "models/behaviour.h"

#include <math.h>

int cr_behaviour_any(const cr_behaviour_params *p)
{
    return p->risk.rule != CR_RULE_OFF || p->repayment.rule != CR_RULE_OFF ||
           p->monitoring.rule != CR_RULE_OFF || p->channel.rule != CR_RULE_OFF ||
           p->matching != CR_MATCH_RANDOM || p->records.sharing != CR_REC_NONE;
}

double cr_behav_switch_rate(double p_s, double ret_s, double p_r, double ret_r, double fail_cost)
{
    if (!(p_s > p_r))
        return -1.0;
    return (p_s * ret_s - p_r * ret_r) / (p_s - p_r) + fail_cost;
}

size_t cr_behav_group_repay(size_t n, const double *pen, const double *due, const double *loan,
                            const double *sanction, uint8_t *payer, double *extra)
{
    double unpaid = 0.0, paying = 0.0;
    size_t np = 0;
    for (size_t k = 0; k < n; k++) {
        /* willing to pay its own share: the cost of refusing it is the penalty plus,
         * in a group whose other members would pay, the social sanction */
        payer[k] = pen[k] + (n > 1 ? sanction[k] : 0.0) >= due[k];
        if (payer[k]) {
            paying += loan[k];
            np++;
        } else {
            unpaid += due[k] * loan[k];
        }
    }
    /* payers carry the non-payers' dues pro rata to their loans; one whose burden
     * beats its cost of default refuses, which raises the others' burden */
    for (;;) {
        if (np == 0 || np == n)
            break;
        double share = unpaid / paying;
        size_t drop = 0;
        for (size_t k = 0; k < n; k++)
            if (payer[k] && pen[k] < due[k] + share) {
                payer[k] = 0;
                unpaid += due[k] * loan[k];
                drop++;
            }
        paying = 0.0;
        np = 0;
        for (size_t k = 0; k < n; k++)
            if (payer[k]) {
                paying += loan[k];
                np++;
            }
        if (drop == 0)
            break;
    }
    *extra = np > 0 && np < n && paying > 0.0 ? unpaid / paying : 0.0;
    return np;
}

double cr_behav_switch_probability(double own, double peer, double range)
{
    double d = (peer - own) / range;
    return d <= 0.0 ? 0.0 : d >= 1.0 ? 1.0 : d;
}

double cr_behav_record_pd(double q, double n0, double good, double bad)
{
    return (n0 * q + bad) / (n0 + good + bad);
}
