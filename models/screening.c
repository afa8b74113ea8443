/* Screening and pricing, the capacity constraints, and origination (MODEL.md
 * sections 4-6). What a lender knows is the sum of the precisions of the signals it
 * sees; which signals exist, who shares them, and how losses are shared are the
 * mode's data (cr_mode_params), not branches on the mode's name. */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/basel.h"
#include "models/lending.h"
#include "models/purpose.h"
#include "models/strategy.h"

/* pi / 8, for the probit approximation of the logistic-normal mean */
#define PI_OVER_8 0.39269908169872414

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* A normal posterior on logit PD from the prior and signals (value, precision);
 * returns E[logistic(x)] by the probit approximation. A signal of infinite precision
 * reveals logit PD; an infinite prior precision (every SME has the same PD) makes
 * the prior exact. */
static double estimate(const cr_model *m, double truth, const double *sig, const double *tau, int n)
{
    double prec = m->prior_prec, num = 0.0;
    for (int k = 0; k < n; k++)
        if (isinf(tau[k]))
            return logistic(truth);
    if (isinf(prec))
        return logistic(m->prior_mean);
    num = prec * m->prior_mean;
    for (int k = 0; k < n; k++) {
        num += tau[k] * sig[k];
        prec += tau[k];
    }
    return logistic((num / prec) / sqrt(1.0 + PI_OVER_8 / prec));
}

/* A noisy signal of logit PD: truth + noise from the screener's own stream. */
static double signal(const cr_model *m, gsl_rng *r, unsigned purpose, size_t i, double truth,
                     double tau)
{
    if (isinf(tau) || tau <= 0.0)
        return truth;
    cr_model_stream_now(m, r, purpose, i);
    return truth + gsl_ran_gaussian_ziggurat(r, 1.0) / sqrt(tau);
}

/* Per group in the block: members' liquid equity (for pricing joint liability);
 * members staying out or borrowing directly (behaviour.channel) do not count. */
static void group_equity(const cr_model *m, const cr_sweep *sw, double *eq)
{
    const cr_smes *s = &m->world->sme;
    for (size_t g = sw->lo / m->group; g * m->group < sw->hi; g++) {
        double e = 0.0;
        for (size_t j = g * m->group; j < (g + 1) * m->group && j < sw->hi; j++)
            if (s->status[j] == CR_SME_ACTIVE && s->equity[j] > 0.0 && cr_strategy_member(m, j))
                e += s->equity[j];
        eq[g - sw->lo / m->group] = e;
    }
}

/* The break-even offer for loss shares through waterfall w, `covered` the share a
 * qualified guarantor covers (cr_lend_price). */
static double price(const cr_model *m, const cr_waterfall *w, double covered, double q, double lgd,
                    double fund_x, double *sh, double *weight)
{
    const cr_params *p = m->p;
    cr_waterfall_shares(w, lgd, sh);
    double bank_share = sh[CR_H_BANK];
    if (fund_x >= 0.0)
        bank_share *= cr_tranche_senior_share(&m->tranche, q, fund_x);
    /* capital: standardised weights (guaranteed part at the qualified guarantor's
     * weight) or the IRB formula on the bank's loss share */
    double wgt = p->bank.risk_weight * (1.0 - covered) + m->mp->guaranteed_risk_weight * covered;
    if (p->bank.capital_rule == CR_RULE_IRB)
        wgt = cr_basel_irb_corporate(cr_lend_annual_pd(m, q), bank_share,
                                     (double)p->loans.maturity / m->ppy, p->bank.irb_sales,
                                     p->bank.irb_scaling);
    *weight = wgt;
    /* break-even on the bank's own expected loss, funding and capital, plus margin */
    return (m->funding + p->bank.capital_ratio_min * wgt * m->equity_premium + q * bank_share) /
               (1.0 - q) +
           m->margin;
}

double cr_lend_price(const cr_model *m, double q, double lgd, double loan, double peers,
                     double fund_x, double *sh, double *weight)
{
    /* the loss shares of this loan: the mode's waterfall (the small-loan one up to
     * guarantor.small_limit), with joint liability priced at what the other members
     * can pay and the mutual fund as a first-loss tranche of the alliance's pool */
    const int small = loan <= m->mp->guarantor.small_limit;
    cr_waterfall w = small ? m->wf_pricing_small : m->wf_pricing;
    if (peers >= 0.0 && m->members_layer >= 0) {
        double cap = peers / loan * (1.0 - q);
        if (cap < w.layer[m->members_layer].cap)
            w.layer[m->members_layer].cap = cap > 0.0 ? cap : 0.0;
    }
    return price(m, &w, small ? m->cover_small : m->cover, q, lgd, fund_x, sh, weight);
}

void cr_lend_screen(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    const cr_mode_params *mp = m->mp;
    cr_smes *s = &m->world->sme;
    const unsigned c = m->components;
    const int has_gc = (c & CR_C_GUARANTOR) != 0, has_fund = (c & CR_C_MUTUAL_FUND) != 0;
    const cr_holder_books *gcb = &m->im.h[CR_H_GUARANTOR];
    const cr_holder_books *fund = &m->im.h[CR_H_MUTUAL_FUND];
    double geq[CR_BLOCK + 1];
    const int priced_members = m->members_layer >= 0 && m->group > 1;
    if (priced_members)
        group_equity(m, sw, geq);

    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPLIED))
            continue;
        const double truth = s->logit_pd[i], loan = s->demand[i];
        /* an SME that chose to borrow directly from its bank (behaviour.channel) gets
         * neither the mode's intermediaries nor its information */
        const int via = !cr_strategy_direct(m, i);
        /* signals: the bank's own, the guarantee company's, and the alliance's
         * information (association, core firm on its partners, fellow members), which
         * the bank and the guarantee company both see */
        double info[3], info_tau[3];
        int ni = 0;
        if (!via) {
            /* no intermediaries' signals */
        } else if (m->tau_assoc > 0.0)
            info[ni] = signal(m, sw->rng, CR_P_SCREEN_ASSOC, i, truth, m->tau_assoc),
            info_tau[ni++] = m->tau_assoc;
        if (via && m->tau_core > 0.0 && s->partner[i])
            info[ni] = signal(m, sw->rng, CR_P_SCREEN_CORE, i, truth, m->tau_core),
            info_tau[ni++] = m->tau_core;
        if (via && m->tau_members > 0.0)
            info[ni] = signal(m, sw->rng, CR_P_SCREEN_MEMBERS, i, truth, m->tau_members),
            info_tau[ni++] = m->tau_members;
        double sig[5], tau[5], gsig[4], gtau[4];
        int n = 0, ng = 0;
        sig[n] = signal(m, sw->rng, CR_P_SCREEN_BANK, i, truth, m->tau_bank);
        tau[n++] = m->tau_bank;
        if (has_gc && via) {
            gsig[ng] = signal(m, sw->rng, CR_P_SCREEN_GC, i, truth, m->tau_gc);
            gtau[ng++] = m->tau_gc;
            if (mp->guarantor.shares_signal)
                sig[n] = gsig[0], tau[n++] = m->tau_gc;
        }
        for (int k = 0; k < ni; k++) {
            sig[n] = info[k], tau[n++] = info_tau[k];
            gsig[ng] = info[k], gtau[ng++] = info_tau[k];
        }
        double q = cr_strategy_estimate(m, i, estimate(m, truth, sig, tau, n));
        s->est_pd[i] = q;
        const double min_coll = via ? mp->min_collateral : m->direct_min_collateral;
        if (!(q <= m->max_pd) || !(s->collateral[i] >= min_coll)) {
            /* refused whatever the price (estimated PD above the bank's limit, too
             * little collateral): not priced; nothing reads a refused applicant's
             * offer, weight or guarantee */
            s->offer[i] = 0.0;
            s->weight[i] = 0.0;
            s->guaranteed[i] = 0.0;
            s->fee[i] = 0.0;
            continue;
        }

        const int small = loan <= mp->guarantor.small_limit;
        double peers = -1.0, fund_x = -1.0;
        if (priced_members && via)
            peers =
                geq[i / m->group - sw->lo / m->group] - (s->equity[i] > 0.0 ? s->equity[i] : 0.0);
        const double lgd = cr_lend_lgd(m, i);
        if (has_fund && via && lgd > 0.0) {
            size_t g = i / m->group;
            fund_x = fund->net_assets[g] / (lgd * (m->grp_out[g] + loan));
        }
        double sh[CR_HOLDER_COUNT], weight;
        double rate;
        if (via) {
            rate = cr_lend_price(m, q, lgd, loan, peers, fund_x, sh, &weight);
        } else {
            const cr_waterfall none = {0};
            rate = price(m, &none, 0.0, q, lgd, -1.0, sh, &weight);
        }
        s->offer[i] = rate;
        s->weight[i] = weight;
        int ok = rate <= m->max_rate;

        s->guaranteed[i] = 0.0;
        s->fee[i] = 0.0;
        if (has_gc && via) {
            /* the guarantee company admits on its own estimate */
            double qg = estimate(m, truth, gsig, gtau, ng);
            size_t e = cr_lend_guarantor_of(m, i);
            double cover_gc = small ? m->cover_gc_small : m->cover_gc;
            int admit = !gcb->failed[e] && cr_lend_annual_pd(m, qg) <= mp->guarantor.max_pd &&
                        (mp->guarantor.max_amount <= 0.0 || loan <= mp->guarantor.max_amount);
            ok = ok && admit;
            double fee = m->gc_fee;
            if (mp->guarantor.fee_policy == CR_FEE_RISK_BASED && cover_gc > 0.0) {
                double annual = cr_lend_annual_pd(m, qg) * sh[CR_H_GUARANTOR] / cover_gc +
                                mp->guarantor.fee_margin;
                if (annual < mp->guarantor.fee_min)
                    annual = mp->guarantor.fee_min;
                if (annual > mp->guarantor.fee_max)
                    annual = mp->guarantor.fee_max;
                fee = expm1(log1p(annual) / m->ppy);
            }
            s->guaranteed[i] = cover_gc * loan;
            s->fee[i] = fee;
        }
        /* Stiglitz-Weiss banks refuse rather than price above the switch rate (with
         * the fees just set) */
        ok = ok && !cr_strategy_above_switch(m, i, rate);
        if (ok)
            s->flags[i] |= CR_F_APPROVED;
    }

    /* joint terms of a group: every approved member pays the group's rate;
     * an alliance's credit line is leverage x its mutual fund (new deposits included) */
    if (m->group > 1) {
        for (size_t g = sw->lo / m->group; g * m->group < sw->hi; g++) {
            size_t lo = g * m->group, hi = lo + m->group < sw->hi ? lo + m->group : sw->hi;
            double sum_rate = 0.0, demand = 0.0;
            int napp = 0;
            for (size_t j = lo; j < hi; j++)
                if ((s->flags[j] & CR_F_APPROVED) && cr_strategy_member(m, j)) {
                    sum_rate += s->offer[j] * s->demand[j];
                    demand += s->demand[j];
                    napp++;
                }
            /* joint terms: the group's rate is the amount-weighted mean of the members'
             * break-even offers, so the bank breaks even on the group's book */
            if (m->joint_terms && napp > 0 && demand > 0.0)
                for (size_t j = lo; j < hi; j++)
                    if ((s->flags[j] & CR_F_APPROVED) && cr_strategy_member(m, j)) {
                        s->offer[j] = sum_rate / demand;
                        /* a Stiglitz-Weiss bank refuses a member the group's rate
                         * would turn risky (one pass: the rate is not recomputed) */
                        if (cr_strategy_above_switch(m, j, s->offer[j]))
                            s->flags[j] &= (uint8_t)~CR_F_APPROVED;
                    }
            if (has_fund) {
                double line = mp->mutual_fund.leverage *
                              (fund->net_assets[g] + mp->mutual_fund.deposit * demand);
                double room = line - m->grp_out[g];
                m->grp_accept[g] = demand <= 0.0    ? 1.0
                                   : room <= 0.0    ? 0.0
                                   : room >= demand ? 1.0
                                                    : room / demand;
            }
        }
    }

    /* the demand each bank and guarantee company must fund or guarantee */
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    double *gacc = cr_blocksum_row(&m->gacc, sw->block);
    double approved = 0.0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPROVED))
            continue;
        approved += 1.0;
        cr_lend_bank_row(m, sw->block, s->bank[i])[CR_B_DEMAND_RW] += s->weight[i] * s->demand[i];
        if (s->guaranteed[i] > 0.0)
            gacc[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_DEMAND] += s->guaranteed[i];
    }
    acc[CR_A_APPROVED] += approved;
}

cr_status cr_lend_capacity(void *model, int period)
{
    (void)period;
    cr_model *m = model;
    cr_banks *b = &m->world->bank;
    const double car = m->p->bank.capital_ratio_min;
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    int constrained = 0;
    for (size_t k = 0; k < b->n; k++) {
        double demand = m->bank_sum[k * CR_B_COUNT + CR_B_DEMAND_RW];
        double headroom = b->capital[k] / car - b->rwa[k];
        double accept = 1.0;
        if (b->capital[k] <= 0.0 || headroom <= 0.0)
            accept = 0.0;
        else if (demand > headroom)
            accept = headroom / demand;
        b->accept[k] = accept;
        constrained += demand > 0.0 && accept < 1.0;
    }
    m->banks_constrained = constrained;
    /* guarantee companies: guarantees outstanding <= leverage cap x net assets */
    cr_holder_books *gc = &m->im.h[CR_H_GUARANTOR];
    if (gc->n) {
        cr_blocksum_reduce(&m->gacc, m->gc_sum);
        for (size_t e = 0; e < gc->n; e++) {
            double demand = m->gc_sum[e * CR_G_COUNT + CR_G_DEMAND];
            double room = m->mp->guarantor.leverage_cap * gc->net_assets[e] - gc->exposure[e];
            gc->accept[e] = gc->failed[e] || room <= 0.0 ? 0.0
                            : demand > room              ? room / demand
                                                         : 1.0;
        }
    }
    return CR_OK;
}

void cr_lend_originate(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double *accept = m->world->bank.accept;
    const cr_holder_books *gcb = &m->im.h[CR_H_GUARANTOR];
    cr_holder_books *fund = &m->im.h[CR_H_MUTUAL_FUND];
    const int has_fund = (m->components & CR_C_MUTUAL_FUND) != 0;
    const double deposit = m->mp->mutual_fund.deposit;
    int maturity = (int)m->p->loans.maturity;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    double *gacc = cr_blocksum_row(&m->gacc, sw->block);
    /* block sums in registers, added to the row once (same order) */
    double granted = 0.0, granted_rate = 0.0, est_pd = 0.0, guaranteed = 0.0, fee_rate = 0.0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_APPROVED)) {
            if (s->flags[i] & CR_F_APPLIED)
                cr_strategy_refused(m, sw->rng, i);
            continue;
        }
        double a = accept[s->bank[i]];
        if (s->guaranteed[i] > 0.0)
            a *= gcb->accept[cr_lend_guarantor_of(m, i)];
        const int via = !cr_strategy_direct(m, i);
        if (has_fund && via)
            a *= m->grp_accept[i / m->group];
        if (a < 1.0) {
            if (a <= 0.0)
                goto refused;
            cr_model_stream_now(m, sw->rng, CR_P_RATION, i);
            if (cr_rng_gsl_uniform(sw->rng) >= a)
                goto refused;
        }
        double loan = s->demand[i];
        s->loan[i] = loan;
        s->rate[i] = s->offer[i];
        s->maturity[i] = cr_strategy_maturity(m, i, sw->period, maturity);
        s->flags[i] |= CR_F_GRANTED;
        granted += 1.0;
        granted_rate += cr_lend_annualise(m, s->offer[i]);
        est_pd += cr_lend_annual_pd(m, s->est_pd[i]);
        double *row = cr_lend_bank_row(m, sw->block, s->bank[i]);
        row[CR_B_NEW] += loan;
        row[CR_B_NEW_RWA] += s->weight[i] * loan;
        if (s->guaranteed[i] > 0.0) {
            guaranteed += 1.0;
            fee_rate += cr_lend_annualise(m, s->fee[i]);
            gacc[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_NEW] += s->guaranteed[i];
        }
        if (m->group > 1 && via)
            m->grp_out[i / m->group] += loan;
        if (has_fund && via && deposit > 0.0) {
            /* the deposit is withheld from the loan into the alliance's fund */
            size_t g = i / m->group;
            double d = deposit * loan;
            s->deposit[i] = d;
            s->equity[i] -= d;
            fund->net_assets[g] += d;
            fund->exposure[g] += d;
        }
        continue;
    refused:
        cr_strategy_refused(m, sw->rng, i);
        s->guaranteed[i] = 0.0;
        s->fee[i] = 0.0;
        s->weight[i] = 0.0;
    }
    acc[CR_A_GRANTED] += granted;
    acc[CR_A_GRANTED_RATE] += granted_rate;
    acc[CR_A_EST_PD] += est_pd;
    acc[CR_A_GUARANTEED] += guaranteed;
    acc[CR_A_FEE_RATE] += fee_rate;
}
