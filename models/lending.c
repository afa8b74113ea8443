#include "models/lending.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "models/purpose.h"

/* pi / 8, for the probit approximation of the logistic-normal mean */
#define PI_OVER_8 0.39269908169872414

/* Annual rate or probability from one per period. */
static double annualise(const cr_model *m, double per_period)
{
    return expm1(m->ppy * log1p(per_period));
}

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double *bank_row(const cr_model *m, size_t block, uint32_t bank)
{
    return cr_blocksum_row(&m->bacc, block) + (size_t)bank * CR_B_COUNT;
}

double cr_lend_lgd(const cr_model *m, size_t i)
{
    double lgd = 1.0 - m->p->loans.recovery - m->world->sme.collateral[i];
    return lgd > 0.0 ? lgd : 0.0;
}

void cr_lend_new_sme(cr_model *m, gsl_rng *r, size_t i)
{
    const cr_params *p = m->p;
    cr_smes *s = &m->world->sme;
    cr_rng_stream_at(cr_rng_gsl_state(r), &m->pre_entry, i);
    /* fixed draw order: sector, region, bank, pd, demand, collateral, equity */
    s->sector[i] = (uint16_t)gsl_rng_uniform_int(r, (unsigned long)p->population.sectors);
    s->region[i] = (uint16_t)gsl_rng_uniform_int(r, (unsigned long)p->population.regions);
    s->bank[i] = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)p->population.banks);
    double pd = p->population.pd.mean;
    if (p->population.pd.distribution == CR_PD_BETA && p->population.pd.sd > 0) {
        pd = gsl_ran_beta(r, m->beta_a, m->beta_b);
        /* keep the PD strictly inside (0, 1) so that its logit and quantile exist */
        if (pd < 1e-12)
            pd = 1e-12;
        if (pd > 1.0 - 1e-12)
            pd = 1.0 - 1e-12;
    }
    double pd_period = -expm1(log1p(-pd) / m->ppy);
    s->pd[i] = pd;
    s->threshold[i] = gsl_cdf_ugaussian_Pinv(pd_period);
    s->logit_pd[i] = log(pd_period) - log1p(-pd_period);
    s->demand[i] = p->population.loan_size.cv > 0 ? gsl_ran_lognormal(r, m->loan_mu, m->loan_sigma)
                                                  : p->population.loan_size.mean;
    s->collateral[i] = p->population.collateral.sd > 0 ? gsl_ran_beta(r, m->coll_a, m->coll_b)
                                                       : p->population.collateral.mean;
    double eq = p->population.equity.ratio * s->demand[i];
    if (p->population.equity.cv > 0)
        eq *= gsl_ran_lognormal(r, m->eq_mu, m->eq_sigma);
    s->equity[i] = eq;
    s->loan[i] = 0.0;
    s->rate[i] = 0.0;
    s->maturity[i] = 0;
    s->status[i] = CR_SME_ACTIVE;
    s->reentry[i] = 0;
}

cr_status cr_lend_shocks(void *model, int t)
{
    cr_model *m = model;
    const cr_params *p = m->p;
    double phi = p->economy.cycle_ar1;
    cr_model_set_period(m, t);
    cr_model_stream(m, m->grng, t, CR_P_SYSTEMIC, 0);
    double eta = gsl_ran_gaussian_ziggurat(m->grng, 1.0);
    /* stationary start: Z_0 ~ N(0, 1); then Z_t = phi Z_{t-1} + sqrt(1 - phi^2) eta_t */
    m->z = t == 0 ? eta : phi * m->z + sqrt(1.0 - phi * phi) * eta;
    for (int64_t k = 0; k < p->population.sectors; k++) {
        cr_model_stream(m, m->grng, t, CR_P_SECTOR, (uint64_t)k);
        m->sector_factor[k] = gsl_ran_gaussian_ziggurat(m->grng, 1.0);
    }
    for (int64_t k = 0; k < p->population.regions; k++) {
        cr_model_stream(m, m->grng, t, CR_P_REGION, (uint64_t)k);
        m->region_factor[k] = gsl_ran_gaussian_ziggurat(m->grng, 1.0);
    }
    cr_blocksum_zero(&m->acc);
    cr_blocksum_zero(&m->bacc);
    m->banks_constrained = 0;
    return CR_OK;
}

void cr_lend_applications(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    double dp = m->p->population.demand_probability;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        s->flags[i] = 0;
        if (s->status[i] != CR_SME_ACTIVE || s->loan[i] > 0.0)
            continue;
        int apply = dp >= 1.0;
        if (!apply && dp > 0.0) {
            cr_model_stream_now(m, sw->rng, CR_P_DEMAND, i);
            apply = gsl_rng_uniform(sw->rng) < dp;
        }
        if (apply) {
            s->flags[i] |= CR_F_APPLIED;
            acc[CR_A_APPLICATIONS] += 1.0;
        }
    }
}

void cr_lend_screen(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double prior_prec = m->prior_prec, tau = m->tau_bank;
    const double sigma = m->p->bank.screening_noise;
    const double base = m->funding + m->capital_cost;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPLIED))
            continue;
        /* posterior on logit PD: prior N(mu0, 1/tau0), signal logit(pi) + sigma xi */
        double mean, var;
        if (isinf(tau)) {
            mean = s->logit_pd[i];
            var = 0.0;
        } else if (isinf(prior_prec)) {
            mean = m->prior_mean;
            var = 0.0;
        } else {
            cr_model_stream_now(m, sw->rng, CR_P_SCREEN_BANK, i);
            double signal = s->logit_pd[i] + sigma * gsl_ran_gaussian_ziggurat(sw->rng, 1.0);
            double prec = prior_prec + tau;
            mean = (prior_prec * m->prior_mean + tau * signal) / prec;
            var = 1.0 / prec;
        }
        /* E[logistic(x)], x ~ N(mean, var): the probit approximation */
        double q = logistic(mean / sqrt(1.0 + PI_OVER_8 * var));
        double lgd = cr_lend_lgd(m, i);
        /* break-even: (1 - q)(1 + r) + q (1 - lgd) = 1 + funding + capital cost */
        double rate = (base + q * lgd) / (1.0 - q) + m->margin;
        s->est_pd[i] = q;
        s->offer[i] = rate;
        if (q <= m->max_pd && rate <= m->max_rate)
            s->flags[i] |= CR_F_APPROVED;
    }
}

void cr_lend_tally_demand(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    double rw = m->p->bank.risk_weight;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPROVED))
            continue;
        acc[CR_A_APPROVED] += 1.0;
        bank_row(m, sw->block, s->bank[i])[CR_B_DEMAND_RW] += rw * s->demand[i];
    }
}

cr_status cr_lend_capacity(void *model, int period)
{
    (void)period;
    cr_model *m = model;
    cr_banks *b = &m->world->bank;
    double rw = m->p->bank.risk_weight, car = m->p->bank.capital_ratio_min;
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    int constrained = 0;
    for (size_t k = 0; k < b->n; k++) {
        double demand = m->bank_sum[k * CR_B_COUNT + CR_B_DEMAND_RW];
        double headroom = b->capital[k] / car - rw * b->loans[k];
        double accept = 1.0;
        if (b->capital[k] <= 0.0 || headroom <= 0.0)
            accept = 0.0;
        else if (demand > headroom)
            accept = headroom / demand;
        b->accept[k] = accept;
        constrained += demand > 0.0 && accept < 1.0;
    }
    m->banks_constrained = constrained;
    return CR_OK;
}

void cr_lend_originate(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double *accept = m->world->bank.accept;
    int maturity = (int)m->p->loans.maturity;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPROVED))
            continue;
        double a = accept[s->bank[i]];
        if (a < 1.0) {
            if (a <= 0.0)
                continue;
            cr_model_stream_now(m, sw->rng, CR_P_RATION, i);
            if (gsl_rng_uniform(sw->rng) >= a)
                continue;
        }
        s->loan[i] = s->demand[i];
        s->rate[i] = s->offer[i];
        s->maturity[i] = maturity;
        s->flags[i] |= CR_F_GRANTED;
        acc[CR_A_GRANTED] += 1.0;
        acc[CR_A_GRANTED_RATE] += annualise(m, s->offer[i]);
        bank_row(m, sw->block, s->bank[i])[CR_B_NEW] += s->loan[i];
    }
}

void cr_lend_outcomes(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double common = m->w_z * m->z;
    const double *sf = m->sector_factor, *rf = m->region_factor;
    const double ws = m->w_s, wg = m->w_g, we = m->w_e;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (s->status[i] != CR_SME_ACTIVE)
            continue;
        cr_model_stream_now(m, sw->rng, CR_P_OUTCOME, i);
        double e = gsl_ran_gaussian_ziggurat(sw->rng, 1.0);
        double x = common + ws * sf[s->sector[i]] + wg * rf[s->region[i]] + we * e;
        int failed = x < s->threshold[i];
        if (failed)
            s->flags[i] |= CR_F_FAILED;
        if (s->loan[i] > 0.0) {
            s->flags[i] |= CR_F_AT_RISK;
            acc[CR_A_AT_RISK] += 1.0;
            acc[CR_A_AT_RISK_AMT] += s->loan[i];
            acc[CR_A_AT_RISK_PD] += s->pd[i];
            if (failed) {
                s->flags[i] |= CR_F_DEFAULTED;
                acc[CR_A_DEFAULTS] += 1.0;
            }
        }
    }
}

void cr_lend_repay(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double ret = m->project_return;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if ((s->flags[i] & (CR_F_AT_RISK | CR_F_DEFAULTED)) != CR_F_AT_RISK)
            continue;
        double *row = bank_row(m, sw->block, s->bank[i]);
        double interest = s->rate[i] * s->loan[i];
        double surplus = ret * s->loan[i] - interest;
        row[CR_B_INTEREST] += interest;
        s->equity[i] += surplus;
        acc[CR_A_SURPLUS] += surplus;
        if (--s->maturity[i] <= 0) {
            row[CR_B_REPAID] += s->loan[i];
            s->loan[i] = 0.0;
            s->flags[i] |= CR_F_MATURED;
        }
    }
}

void cr_lend_entry_exit(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const int t = sw->period;
    const int excl = (int)m->p->population.exclusion_periods;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (s->flags[i] & CR_F_FAILED) {
            s->status[i] = CR_SME_EXCLUDED;
            s->reentry[i] = t + 1 + excl;
            s->loan[i] = 0.0;
            s->maturity[i] = 0;
        }
        if (s->status[i] == CR_SME_EXCLUDED && s->reentry[i] == t + 1)
            cr_lend_new_sme(m, sw->rng, i);
        if (s->loan[i] > 0.0)
            bank_row(m, sw->block, s->bank[i])[CR_B_LOANS_SME] += s->loan[i];
    }
}

cr_status cr_lend_books(void *model, int t)
{
    cr_model *m = model;
    cr_banks *b = &m->world->bank;
    const double payout = m->p->bank.dividend_payout;
    const double target = m->p->bank.target_capital_ratio, rw = m->p->bank.risk_weight;
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    double profit_all = 0.0;
    for (size_t k = 0; k < b->n; k++) {
        const double *f = m->bank_sum + k * CR_B_COUNT;
        double assets0 = b->loans[k] + b->cash[k];
        double claims0 = b->deposits[k] + b->capital[k];
        /* capital funds loans first; deposits fund the rest at the funding rate,
         * over the period's book (after origination) */
        double need = b->loans[k] + f[CR_B_NEW] - b->capital[k];
        double funding_cost = m->funding * (need > 0.0 ? need : 0.0);
        double profit = f[CR_B_INTEREST] - funding_cost - f[CR_B_LOSS];
        double loans = b->loans[k] + f[CR_B_NEW] - f[CR_B_REPAID] - f[CR_B_DEFAULTED];
        /* dividends: a share of a positive profit, never taking capital below the
         * target ratio of the remaining book */
        double dividend = profit > 0.0 ? payout * profit : 0.0;
        double room = b->capital[k] + profit - target * rw * loans;
        if (dividend > room)
            dividend = room > 0.0 ? room : 0.0;
        double capital = b->capital[k] + profit - dividend;
        double deposits = loans - capital > 0.0 ? loans - capital : 0.0;
        b->cash[k] += f[CR_B_INTEREST] - funding_cost - dividend + f[CR_B_REPAID] +
                      f[CR_B_RECOVERED] - f[CR_B_NEW] + (deposits - b->deposits[k]);
        b->loans[k] = loans;
        b->deposits[k] = deposits;
        b->capital[k] = capital;
        profit_all += profit;
        /* the identities, checked on each bank (cheap: a few flops a bank): every
         * flow was posted on both sides, so assets = liabilities + equity */
        double assets = b->loans[k] + b->cash[k];
        double claims = b->deposits[k] + b->capital[k];
        double scale = fabs(assets) + fabs(claims) + fabs(assets0) + fabs(claims0) + 1.0;
        if (fabs(assets - claims) > 1e-9 * scale) {
            cr_diag_set(&m->diag, CR_EACCOUNTING,
                        "period %d, bank %zu: assets %.17g != liabilities + equity %.17g "
                        "(a flow was booked on one side only)",
                        t, k, assets, claims);
            return CR_EACCOUNTING;
        }
        double ledger = b->loans[k], smes = f[CR_B_LOANS_SME];
        if (fabs(ledger - smes) > 1e-9 * (fabs(ledger) + fabs(smes) + 1.0)) {
            cr_diag_set(
                &m->diag, CR_EACCOUNTING,
                "period %d, bank %zu: loan ledger %.17g != principal owed by its SMEs %.17g", t, k,
                ledger, smes);
            return CR_EACCOUNTING;
        }
        double lost = f[CR_B_DEFAULTED] - f[CR_B_RECOVERED];
        if (fabs(lost - f[CR_B_LOSS]) > 1e-9 * (fabs(f[CR_B_DEFAULTED]) + 1.0)) {
            cr_diag_set(&m->diag, CR_EACCOUNTING,
                        "period %d, bank %zu: defaulted principal %.17g - recovered %.17g != "
                        "loss booked %.17g",
                        t, k, f[CR_B_DEFAULTED], f[CR_B_RECOVERED], f[CR_B_LOSS]);
            return CR_EACCOUNTING;
        }
        /* the ledger agrees with the borrowers' principal: reconcile it to that
         * exact sum, so rounding drift never accumulates (a book that repaid in full
         * is exactly 0, not 1e-13) */
        b->loans[k] = smes;
        b->deposits[k] = smes - b->capital[k] > 0.0 ? smes - b->capital[k] : 0.0;
        b->cash[k] = b->deposits[k] + b->capital[k] - smes;
    }
    m->bank_profit = profit_all;
    return CR_OK;
}

cr_status cr_lend_measure(void *model, int t)
{
    cr_model *m = model;
    const cr_banks *b = &m->world->bank;
    double a[CR_A_COUNT];
    cr_blocksum_reduce(&m->acc, a);
    /* every loss is booked on exactly one holder: here, the banks' losses must add
     * up to the losses of the defaulted loans */
    double bank_loss = 0.0;
    for (size_t k = 0; k < b->n; k++)
        bank_loss += m->bank_sum[k * CR_B_COUNT + CR_B_LOSS];
    if (fabs(bank_loss - a[CR_A_LOSS]) > 1e-9 * (fabs(a[CR_A_LOSS]) + 1.0)) {
        cr_diag_set(&m->diag, CR_EACCOUNTING,
                    "period %d: losses of defaulted loans %.17g != losses booked by holders %.17g",
                    t, a[CR_A_LOSS], bank_loss);
        return CR_EACCOUNTING;
    }
    double cap_ratio = 0.0;
    int with_loans = 0;
    for (size_t k = 0; k < b->n; k++) {
        double rwa = m->p->bank.risk_weight * b->loans[k];
        if (rwa > 0.0) {
            cap_ratio += b->capital[k] / rwa;
            with_loans++;
        }
    }
    double v[CR_METRIC_COUNT] = {0};
    v[CR_M_APPLICATIONS] = a[CR_A_APPLICATIONS];
    v[CR_M_LOANS_GRANTED] = a[CR_A_GRANTED];
    v[CR_M_ACCESS_RATE] = a[CR_A_APPLICATIONS] > 0 ? a[CR_A_GRANTED] / a[CR_A_APPLICATIONS] : 0.0;
    v[CR_M_LOANS_OUTSTANDING] = a[CR_A_AT_RISK_AMT];
    v[CR_M_MEAN_LOAN_RATE] = a[CR_A_GRANTED] > 0 ? a[CR_A_GRANTED_RATE] / a[CR_A_GRANTED] : 0.0;
    v[CR_M_DEFAULT_RATE] = a[CR_A_AT_RISK] > 0 ? a[CR_A_DEFAULTS] / a[CR_A_AT_RISK] : 0.0;
    v[CR_M_FUNDAMENTAL_DEFAULTS] = a[CR_A_DEFAULTS];
    v[CR_M_AMPLIFICATION] = 1.0;
    v[CR_M_BANK_LOSS_RATE] = a[CR_A_AT_RISK_AMT] > 0 ? bank_loss / a[CR_A_AT_RISK_AMT] : 0.0;
    v[CR_M_BANK_CAPITAL_RATIO] = with_loans ? cap_ratio / with_loans : 0.0;
    v[CR_M_BANKS_CONSTRAINED] = m->banks_constrained;
    v[CR_M_BORROWER_MEAN_PD] = a[CR_A_AT_RISK] > 0 ? a[CR_A_AT_RISK_PD] / a[CR_A_AT_RISK] : 0.0;
    v[CR_M_SME_SURPLUS] = a[CR_A_SURPLUS];
    v[CR_M_BANK_PROFIT] = m->bank_profit;
    for (int k = 0; k < CR_METRIC_COUNT; k++)
        m->values[(size_t)k * (size_t)m->periods + (size_t)t] = v[k];
    return CR_OK;
}
