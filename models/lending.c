/* The generic lending phases (MODEL.md sections 2-4, 6): population and entry,
 * factor shocks, applications, outcomes, repayment, exit, measurement. Screening
 * and origination are in models/screening.c, losses and the books in
 * models/losses.c. Every mode uses these; what differs between modes is data (its
 * cr_mode_params: components, waterfall, information), not branches on its name. */
#include "models/lending.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "models/purpose.h"
#include "models/strategy.h"

double cr_lend_annualise(const cr_model *m, double per_period)
{
    return expm1(m->ppy * log1p(per_period));
}

double cr_lend_annual_pd(const cr_model *m, double per_period)
{
    return -expm1(m->ppy * log1p(-per_period));
}

double cr_lend_lgd(const cr_model *m, size_t i)
{
    double lgd = 1.0 - m->p->loans.recovery - m->world->sme.collateral[i];
    return lgd > 0.0 ? lgd : 0.0;
}

void cr_lend_new_sme(cr_model *m, gsl_rng *r, size_t i, int entrant)
{
    const cr_params *p = m->p;
    cr_smes *s = &m->world->sme;
    cr_rng_gsl_stream_at(r, &m->pre_entry, i);
    /* fixed draw order: sector, region, bank, pd, demand, collateral, equity, partner */
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
    /* drawn in every mode (common random numbers); only modes with a core firm use it */
    s->partner[i] = (uint8_t)(cr_rng_gsl_uniform(r) < m->partner_share);
    s->loan[i] = 0.0;
    s->rate[i] = 0.0;
    s->maturity[i] = 0;
    s->weight[i] = 0.0;
    s->guaranteed[i] = 0.0;
    s->fee[i] = 0.0;
    s->deposit[i] = 0.0;
    s->status[i] = CR_SME_ACTIVE;
    s->reentry[i] = 0;
    cr_strategy_new_sme(m, r, i, entrant);
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
    cr_blocksum_zero(&m->gacc);
    for (size_t b = 0; b < m->acc.nblocks; b++)
        m->def_n[b] = 0;
    m->banks_constrained = 0;
    for (int h = 0; h < CR_HOLDER_COUNT; h++)
        m->holder_paid[h] = 0.0;
    m->gc_fees = m->gc_refees = 0.0;
    /* the government's risk-compensation budget is renewed at the start of a year */
    if (t % (int)p->experiment.periods_per_year == 0) {
        m->im.h[CR_H_GOVERNMENT].net_assets[0] = m->gov_budget;
        m->im.h[CR_H_GOVERNMENT].failed[0] = 0;
    }
    return CR_OK;
}

void cr_lend_applications(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    double dp = m->p->population.demand_probability;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    const int t = sw->period;
    const int grouped = m->group > 1;
    cr_behav *bh = &m->bh;
    /* block sums in registers (a sum in memory is a dependency chain through a
     * store per agent); added to the block's row once, in the same order */
    double n_active = 0.0, n_applied = 0.0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        s->flags[i] = 0;
        if (bh->on)
            bh->pflags[i] = 0;
        /* an excluded slot whose time has come gets its entrant (drawn with the
         * entry stream of this period) */
        if (s->status[i] == CR_SME_EXCLUDED && s->reentry[i] == t)
            cr_lend_new_sme(m, sw->rng, i, 1);
        if (s->status[i] != CR_SME_ACTIVE)
            continue;
        n_active += 1.0;
        /* participation and bans (behaviour) come before the count of members */
        int may = s->loan[i] > 0.0 || cr_strategy_applies(m, sw->rng, i, t, acc);
        if (bh->on && (bh->strat[i] & CR_S_STRATEGIC))
            acc[CR_A_STRATEGISTS] += 1.0;
        if (grouped && cr_strategy_member(m, i))
            acc[CR_A_MEMBERS] += 1.0;
        if (s->loan[i] > 0.0 || !may)
            continue;
        int apply = dp >= 1.0;
        if (!apply && dp > 0.0) {
            cr_model_stream_now(m, sw->rng, CR_P_DEMAND, i);
            apply = cr_rng_gsl_uniform(sw->rng) < dp;
        }
        if (apply) {
            s->flags[i] |= CR_F_APPLIED;
            n_applied += 1.0;
        }
    }
    acc[CR_A_ACTIVE] += n_active;
    acc[CR_A_APPLICATIONS] += n_applied;
}

void cr_lend_outcomes(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double common = m->w_z * m->z;
    const double *sf = m->sector_factor, *rf = m->region_factor;
    const double ws = m->w_s, wg = m->w_g, we = m->w_e;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    uint8_t *net_state = m->net ? m->net_state : NULL;
    cr_strategy_projects(m, sw);
    double at_risk = 0.0, at_risk_amt = 0.0, at_risk_pd = 0.0, defaults = 0.0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (s->status[i] != CR_SME_ACTIVE) {
            if (net_state) {
                net_state[i] = CR_NODE_DOWN;
                m->net_loss[i] = 0.0;
            }
            continue;
        }
        cr_model_stream_now(m, sw->rng, CR_P_OUTCOME, i);
        double e = gsl_ran_gaussian_ziggurat(sw->rng, 1.0);
        double x = common + ws * sf[s->sector[i]] + wg * rf[s->region[i]] + we * e;
        int failed = x < cr_strategy_threshold(m, i);
        if (failed)
            s->flags[i] |= CR_F_FAILED;
        if (s->loan[i] > 0.0) {
            s->flags[i] |= CR_F_AT_RISK;
            at_risk += 1.0;
            at_risk_amt += s->loan[i];
            /* the true annual PD of the project it runs */
            at_risk_pd += m->bh.on && (m->bh.pflags[i] & CR_B_RAN_RISKY)
                              ? 1.0 - (1.0 - s->pd[i]) * m->bh.ratio_annual
                              : s->pd[i];
            if (failed) {
                s->flags[i] |= CR_F_DEFAULTED;
                defaults += 1.0;
            }
        }
        if (net_state) {
            /* the cascade's inputs (cr_lend_cascade), prepared here in parallel: a
             * guarantor is called for its share of the loss after recovery and
             * collateral, never more than the bank loses */
            net_state[i] = failed ? CR_NODE_FUNDAMENTAL : CR_NODE_ALIVE;
            m->net_loss[i] = s->loan[i] > 0.0 ? s->loan[i] * cr_lend_lgd(m, i) : 0.0;
        }
    }
    acc[CR_A_AT_RISK] += at_risk;
    acc[CR_A_AT_RISK_AMT] += at_risk_amt;
    acc[CR_A_AT_RISK_PD] += at_risk_pd;
    acc[CR_A_DEFAULTS] += defaults;
}

void cr_lend_repay(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double ret = m->project_return, subsidy = m->mp->government.interest_subsidy;
    const double assoc_fee = m->assoc_fee, refee = m->refee, refee_small = m->refee_small;
    const double small_limit = m->mp->reguarantor.small_limit;
    const double payout = m->p->population.equity.payout;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    double *g = cr_blocksum_row(&m->gacc, sw->block);
    cr_holder_books *fund = &m->im.h[CR_H_MUTUAL_FUND];
    const int behave = m->bh.on;
    cr_strategy_repay(m, sw);
    double subsidies = 0.0, assoc_fees = 0.0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if ((s->flags[i] & (CR_F_AT_RISK | CR_F_DEFAULTED)) != CR_F_AT_RISK)
            continue;
        double *row = cr_lend_bank_row(m, sw->block, s->bank[i]);
        double loan = s->loan[i];
        double interest = s->rate[i] * loan;
        double paid_by_gov = subsidy * interest;
        double fees = s->fee[i] * s->guaranteed[i];
        const int direct = cr_strategy_direct(m, i);
        double afee = direct ? 0.0 : assoc_fee * loan;
        row[CR_B_INTEREST] += interest;
        subsidies += paid_by_gov;
        assoc_fees += afee;
        if (s->guaranteed[i] > 0.0 && m->im.h[CR_H_GUARANTOR].failed[cr_lend_guarantor_of(m, i)])
            fees = 0.0; /* a failed guarantor's guarantee is worthless: no fee is paid */
        /* with behaviour: the return of the project it ran (realised when the loan
         * falls due), less monitoring costs, expected sanctions and dues paid for (or
         * by) fellow members */
        const double ret_i = behave ? cr_strategy_return(m, i) : ret;
        double surplus =
            ret_i * loan - (interest - paid_by_gov) - fees - afee - (behave ? m->bh.xfer[i] : 0.0);
        if (fees > 0.0) {
            size_t gc = cr_lend_guarantor_of(m, i);
            g[gc * CR_G_COUNT + CR_G_FEES] += fees;
            /* the guarantor pays the re-guarantor its fee on the risk it bears */
            double rg = (loan <= small_limit ? refee_small : refee) * m->cover_rg * loan;
            g[gc * CR_G_COUNT + CR_G_REFEES] += rg;
        }
        /* owners take a share of a positive surplus; the rest is retained */
        s->equity[i] += surplus > 0.0 ? (1.0 - payout) * surplus : surplus;
        if (--s->maturity[i] <= 0) {
            row[CR_B_REPAID] += loan;
            row[CR_B_RWA_OFF] += s->weight[i] * loan;
            if (s->guaranteed[i] > 0.0)
                g[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_RELEASED] += s->guaranteed[i];
            if (s->deposit[i] > 0.0) {
                /* the fund returns the deposit, pro rata when it has lost money */
                size_t a = i / m->group;
                double owed = fund->exposure[a], cash = fund->net_assets[a];
                double back =
                    owed > cash ? s->deposit[i] * (cash > 0.0 ? cash / owed : 0.0) : s->deposit[i];
                fund->net_assets[a] -= back;
                fund->exposure[a] -= s->deposit[i];
                s->equity[i] += back;
                surplus -= s->deposit[i] - back;
                acc[CR_A_DEPOSIT_SHORT] += s->deposit[i] - back;
            }
            if (m->group > 1 && !direct)
                m->grp_out[i / m->group] -= loan;
            s->loan[i] = 0.0;
            s->guaranteed[i] = 0.0;
            s->deposit[i] = 0.0;
            s->flags[i] |= CR_F_MATURED;
        }
        acc[CR_A_SURPLUS] += surplus;
    }
    acc[CR_A_SUBSIDY] += subsidies;
    acc[CR_A_ASSOC_FEES] += assoc_fees;
}

void cr_lend_entry_exit(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const int t = sw->period;
    const int excl = (int)m->p->population.exclusion_periods;
    cr_strategy_after(m, sw);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (s->flags[i] & CR_F_FAILED) {
            /* the slot stays empty for exclusion_periods; its entrant arrives at the
             * start of period t + 1 + excl (cr_lend_applications). A defaulted loan
             * stays on the books until the period's losses are allocated. */
            s->status[i] = CR_SME_EXCLUDED;
            s->reentry[i] = t + 1 + excl;
        }
        if (s->loan[i] > 0.0 && !(s->flags[i] & CR_F_DEFAULTED)) {
            double *row = cr_lend_bank_row(m, sw->block, s->bank[i]);
            row[CR_B_LOANS_SME] += s->loan[i];
            row[CR_B_RWA_SME] += s->weight[i] * s->loan[i];
            if (s->guaranteed[i] > 0.0)
                cr_blocksum_row(
                    &m->gacc, sw->block)[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_OUT_SME] +=
                    s->guaranteed[i];
        }
    }
}

cr_status cr_lend_measure(void *model, int t)
{
    cr_model *m = model;
    const cr_banks *b = &m->world->bank;
    const cr_intermediaries *im = &m->im;
    double a[CR_A_COUNT];
    cr_blocksum_reduce(&m->acc, a);
    /* every loss is booked on exactly one holder */
    double booked = 0.0;
    for (int h = 0; h < CR_HOLDER_COUNT; h++)
        booked += m->holder_paid[h];
    if (fabs(booked - a[CR_A_LOSS]) > 1e-9 * (fabs(a[CR_A_LOSS]) + 1.0))
        return cr_diag_set(&m->diag, CR_EACCOUNTING,
                           "period %d: losses of defaulted loans %.17g != losses booked by "
                           "holders %.17g",
                           t, a[CR_A_LOSS], booked);
    double cap_ratio = 0.0;
    int with_loans = 0;
    for (size_t k = 0; k < b->n; k++) {
        if (b->rwa[k] > 0.0) {
            cap_ratio += b->capital[k] / b->rwa[k];
            with_loans++;
        }
    }
    const cr_holder_books *gc = &im->h[CR_H_GUARANTOR];
    double gc_na = 0.0, gc_exp = 0.0;
    int gc_failed = 0;
    for (size_t e = 0; e < gc->n; e++) {
        gc_na += gc->net_assets[e];
        gc_exp += gc->exposure[e];
        gc_failed += gc->failed[e];
    }
    const cr_holder_books *fund = &im->h[CR_H_MUTUAL_FUND];
    double fund_cash = 0.0;
    for (size_t e = 0; e < fund->n; e++)
        fund_cash += fund->net_assets[e];
    double rg_na = im->h[CR_H_REGUARANTOR].n ? im->h[CR_H_REGUARANTOR].net_assets[0] : 0.0;
    double rg_net = m->holder_paid[CR_H_REGUARANTOR] - m->gc_refees;

    double v[CR_METRIC_COUNT] = {0};
    v[CR_M_APPLICATIONS] = a[CR_A_APPLICATIONS];
    v[CR_M_LOANS_GRANTED] = a[CR_A_GRANTED];
    v[CR_M_ACCESS_RATE] = a[CR_A_APPLICATIONS] > 0 ? a[CR_A_GRANTED] / a[CR_A_APPLICATIONS] : 0.0;
    v[CR_M_LOANS_OUTSTANDING] = a[CR_A_AT_RISK_AMT];
    v[CR_M_MEAN_LOAN_RATE] = a[CR_A_GRANTED] > 0 ? a[CR_A_GRANTED_RATE] / a[CR_A_GRANTED] : 0.0;
    v[CR_M_MEAN_FEE_RATE] = a[CR_A_GUARANTEED] > 0 ? a[CR_A_FEE_RATE] / a[CR_A_GUARANTEED] : 0.0;
    const double contagion = m->net ? m->net_contagion_loans : 0.0;
    v[CR_M_DEFAULT_RATE] =
        a[CR_A_AT_RISK] > 0 ? (a[CR_A_DEFAULTS] + contagion + a[CR_A_STRATEGIC]) / a[CR_A_AT_RISK]
                            : 0.0;
    v[CR_M_STRATEGIC_DEFAULTS] = a[CR_A_STRATEGIC];
    v[CR_M_RISKY_SHARE] = a[CR_A_AT_RISK] > 0 ? a[CR_A_RISKY] / a[CR_A_AT_RISK] : 0.0;
    v[CR_M_STRATEGIC_SHARE] = a[CR_A_ACTIVE] > 0 ? a[CR_A_STRATEGISTS] / a[CR_A_ACTIVE] : 0.0;
    v[CR_M_MONITORING_SHARE] =
        a[CR_A_GROUP_BORROWERS] > 0 ? a[CR_A_MONITORS] / a[CR_A_GROUP_BORROWERS] : 0.0;
    v[CR_M_MEMBERS_COVERED] = a[CR_A_COVERED];
    v[CR_M_ESTIMATED_PD] = a[CR_A_GRANTED] > 0 ? a[CR_A_EST_PD] / a[CR_A_GRANTED] : 0.0;
    v[CR_M_DIRECT_SHARE] = a[CR_A_AT_RISK] > 0 ? a[CR_A_DIRECT] / a[CR_A_AT_RISK] : 0.0;
    v[CR_M_STAYED_OUT] = a[CR_A_CHOICES] > 0 ? a[CR_A_OUT] / a[CR_A_CHOICES] : 0.0;
    v[CR_M_SAME_TYPE_GROUPS] = a[CR_A_GROUPS] > 0 ? a[CR_A_GROUPS_SAME] / a[CR_A_GROUPS] : 0.0;
    v[CR_M_FUNDAMENTAL_DEFAULTS] = a[CR_A_DEFAULTS];
    v[CR_M_CONTAGION_DEFAULTS] = contagion;
    v[CR_M_AMPLIFICATION] =
        a[CR_A_DEFAULTS] > 0 ? (a[CR_A_DEFAULTS] + contagion) / a[CR_A_DEFAULTS] : 1.0;
    if (m->net) {
        v[CR_M_CASCADE_MAX] = (double)m->net_stats.largest;
        v[CR_M_CASCADE_DEPTH] = m->net_stats.rounds;
        v[CR_M_NETWORK_PAYOUTS] = m->net_stats.paid;
        v[CR_M_RECEIVABLES_LOST] = m->net_stats.lost;
        v[CR_M_DEBTRANK] = m->p->network.debtrank ? m->debtrank : 0.0;
        v[CR_M_CLEARING_DEFAULTS] = m->p->network.clearing ? m->clearing_defaults : 0.0;
        v[CR_M_CLEARING_SHORTFALL] = m->p->network.clearing ? m->clearing_shortfall : 0.0;
    }
    v[CR_M_BANK_LOSS_RATE] =
        a[CR_A_AT_RISK_AMT] > 0 ? m->holder_paid[CR_H_BANK] / a[CR_A_AT_RISK_AMT] : 0.0;
    v[CR_M_BANK_CAPITAL_RATIO] = with_loans ? cap_ratio / with_loans : 0.0;
    v[CR_M_BANKS_CONSTRAINED] = m->banks_constrained;
    v[CR_M_GUARANTOR_FEE_INCOME] = m->gc_fees;
    v[CR_M_GUARANTOR_PAYOUTS] = m->holder_paid[CR_H_GUARANTOR];
    v[CR_M_GUARANTOR_NET_ASSETS] = gc_na;
    v[CR_M_GUARANTOR_LEVERAGE] = gc_na > 0 ? gc_exp / gc_na : 0.0;
    v[CR_M_GUARANTORS_FAILED] = gc_failed;
    /* a public guarantor's calls net of its fees (and of the re-guarantee fees it
     * pays) are a cost to the government too */
    double public_gc = m->mp->guarantor.public_agency && (m->components & CR_C_GUARANTOR)
                           ? m->holder_paid[CR_H_GUARANTOR] - m->gc_fees + m->gc_refees
                           : 0.0;
    v[CR_M_GOVERNMENT_COST] =
        m->holder_paid[CR_H_GOVERNMENT] + a[CR_A_SUBSIDY] + rg_net + public_gc;
    v[CR_M_PARTICIPATION] = a[CR_A_ACTIVE] > 0 ? a[CR_A_MEMBERS] / a[CR_A_ACTIVE] : 0.0;
    v[CR_M_BORROWER_MEAN_PD] = a[CR_A_AT_RISK] > 0 ? a[CR_A_AT_RISK_PD] / a[CR_A_AT_RISK] : 0.0;
    /* fellow members' payments under joint liability are SMEs' costs too */
    v[CR_M_SME_SURPLUS] = a[CR_A_SURPLUS] - m->holder_paid[CR_H_MEMBERS] -
                          (m->net ? m->net_stats.paid + m->net_stats.lost : 0.0);
    v[CR_M_BANK_PROFIT] = m->bank_profit;
    v[CR_M_REGUARANTOR_FEE_INCOME] = m->gc_refees;
    v[CR_M_REGUARANTOR_PAYOUTS] = m->holder_paid[CR_H_REGUARANTOR];
    v[CR_M_REGUARANTOR_NET_ASSETS] = rg_na;
    v[CR_M_GOVERNMENT_PAYOUTS] = m->holder_paid[CR_H_GOVERNMENT];
    v[CR_M_INTEREST_SUBSIDIES] = a[CR_A_SUBSIDY];
    v[CR_M_MUTUAL_FUND_PAYOUTS] = m->holder_paid[CR_H_MUTUAL_FUND];
    v[CR_M_MUTUAL_FUND_BALANCE] = fund_cash;
    v[CR_M_MEMBERS_PAYOUTS] = m->holder_paid[CR_H_MEMBERS];
    v[CR_M_ASSOCIATION_FEE_INCOME] = a[CR_A_ASSOC_FEES];
    v[CR_M_BANK_LOSSES] = m->holder_paid[CR_H_BANK];
    for (int k = 0; k < CR_METRIC_COUNT; k++)
        m->values[(size_t)k * (size_t)m->periods + (size_t)t] = v[k];
    return CR_OK;
}
