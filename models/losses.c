/* Defaults, the loss waterfall and the books of every holder (MODEL.md sections 6
 * and 9). A defaulted loan's loss given default is shared through the mode's
 * waterfall (models/waterfall.c) among holders with limited resources; the bank
 * bears the rest. Then each bank's, guarantee company's, re-guarantor's, fund's and
 * the government's books are posted and the identities checked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clearing.h"
#include "core/debtrank.h"
#include "models/lending.h"
#include "models/strategy.h"

void cr_lend_losses(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const double recovery = m->p->loans.recovery;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    double *gacc = cr_blocksum_row(&m->gacc, sw->block);
    cr_holder_books *fund = &m->im.h[CR_H_MUTUAL_FUND];
    uint32_t *list = m->def_list + sw->block * m->block;
    size_t n = 0;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        if (!(s->flags[i] & CR_F_DEFAULTED))
            continue;
        double ead = s->loan[i];
        double loss = ead * cr_lend_lgd(m, i);
        if (m->net) {
            /* what the SME guarantors paid reduces the loss before the waterfall */
            loss -= m->net_paid[i];
            if (loss < 0.0)
                loss = 0.0;
        }
        double recovered = ead - loss;
        double seized = recovered - recovery * ead; /* collateral taken */
        if (m->net)
            seized -= m->net_paid[i];
        double *row = cr_lend_bank_row(m, sw->block, s->bank[i]);
        row[CR_B_DEFAULTED] += ead;
        row[CR_B_RECOVERED] += recovered;
        row[CR_B_RWA_OFF] += s->weight[i] * ead;
        if (s->guaranteed[i] > 0.0)
            gacc[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_RELEASED] += s->guaranteed[i];
        if (s->deposit[i] > 0.0) {
            /* a defaulting member forfeits its deposit: it stays in the fund */
            fund->exposure[i / m->group] -= s->deposit[i];
            acc[CR_A_DEPOSIT_SHORT] += s->deposit[i];
            acc[CR_A_SURPLUS] -= s->deposit[i];
        }
        if (m->group > 1 && !cr_strategy_direct(m, i))
            m->grp_out[i / m->group] -= ead;
        acc[CR_A_LOSS] += loss;
        acc[CR_A_SURPLUS] -= seized > 0.0 ? seized : 0.0;
        s->offer[i] = loss; /* kept for the allocation in cr_lend_books */
        list[n++] = (uint32_t)i;
    }
    m->def_n[sw->block] = n;
}

/* Whether member j of a group can pay for a defaulting peer this period, and its
 * liquid equity that counts: members that did not fail or default, with positive
 * equity, and (behaviour.channel) that take part in the group. */
static int can_pay(const cr_model *m, size_t j)
{
    const cr_smes *s = &m->world->sme;
    return !(s->flags[j] & (CR_F_FAILED | CR_F_DEFAULTED)) && s->status[j] == CR_SME_ACTIVE &&
           s->equity[j] > 0.0 && cr_strategy_member(m, j);
}

/* The liquid equity of group g's members that can pay. */
static double group_pool(const cr_model *m, size_t g)
{
    const cr_smes *s = &m->world->sme;
    double pool = 0.0;
    for (size_t j = g * m->group; j < (g + 1) * m->group && j < s->n; j++)
        if (can_pay(m, j))
            pool += s->equity[j];
    return pool;
}

/* Shares the period's losses through the waterfall, in block order, and books what
 * each holder pays; returns the bank's share per bank in bank_loss. */
static cr_status allocate_losses(cr_model *m, double *bank_loss)
{
    cr_smes *s = &m->world->sme;
    cr_intermediaries *im = &m->im;
    size_t total = 0;
    for (size_t b = 0; b < m->acc.nblocks; b++)
        total += m->def_n[b];
    for (size_t k = 0; k < m->world->bank.n; k++)
        bank_loss[k] = 0.0;
    if (total == 0)
        return CR_OK;
    if (total > m->claims_cap)
        return CR_ENOMEM; /* cannot happen: sized for every SME */
    /* what each holder can pay: guarantors and the re-guarantor their net assets,
     * the government what is left of its budget, a fund its cash, and a group the
     * liquid equity of its members that did not default */
    cr_holders h = {0};
    for (int k = 0; k < CR_HOLDER_COUNT; k++) {
        cr_holder_books *hb = &im->h[k];
        h.n[k] = hb->n;
        h.available[k] = hb->available;
        h.failed[k] = hb->failed;
        /* a guarantee company or re-guarantor that failed stays failed; a fund, a
         * group or the government's budget only runs dry for the period (or year) */
        int sticky = k == CR_H_GUARANTOR || k == CR_H_REGUARANTOR;
        for (size_t e = 0; e < hb->n; e++) {
            if (!sticky && k != CR_H_GOVERNMENT)
                hb->failed[e] = 0;
            hb->available[e] = hb->failed[e] || hb->net_assets[e] < 0.0 ? 0.0 : hb->net_assets[e];
        }
    }
    size_t n = 0, nsmall = 0;
    for (size_t b = 0; b < m->acc.nblocks; b++) {
        const uint32_t *list = m->def_list + b * m->block;
        for (size_t k = 0; k < m->def_n[b]; k++) {
            uint32_t i = list[k];
            if (cr_strategy_direct(m, i)) {
                /* a loan taken directly from the bank: the bank bears the whole loss */
                bank_loss[s->bank[i]] += s->offer[i];
                m->holder_paid[CR_H_BANK] += s->offer[i];
                s->loan[i] = 0.0;
                s->guaranteed[i] = 0.0;
                s->deposit[i] = 0.0;
                s->maturity[i] = 0;
                continue;
            }
            cr_claim *c = &m->claims[n];
            c->exposure = s->loan[i];
            c->loss = s->offer[i];
            for (int hh = 0; hh < CR_HOLDER_COUNT; hh++)
                c->entity[hh] = 0;
            c->entity[CR_H_BANK] = s->bank[i];
            c->entity[CR_H_GUARANTOR] = (uint32_t)cr_lend_guarantor_of(m, i);
            if (m->group > 1)
                c->entity[CR_H_MEMBERS] = c->entity[CR_H_MUTUAL_FUND] = (uint32_t)(i / m->group);
            m->claim_sme[n] = i;
            nsmall += s->loan[i] <= m->mp->guarantor.small_limit;
            n++;
        }
    }
    if (m->members_layer >= 0) {
        cr_holder_books *mb = &im->h[CR_H_MEMBERS];
        for (size_t k = 0; k < n; k++) {
            size_t g = m->claims[k].entity[CR_H_MEMBERS];
            mb->available[g] = group_pool(m, g);
            mb->failed[g] = 0;
        }
    }
    /* loans up to guarantor.small_limit go through their own waterfall first */
    cr_status st = CR_OK;
    if (nsmall > 0 && nsmall < n) {
        /* stable partition: small-loan claims first, in block order */
        size_t w = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < n; k++) {
                int small = m->claims[k].exposure <= m->mp->guarantor.small_limit;
                if (small == (pass == 0)) {
                    m->claims[n + w] = m->claims[k];
                    m->claim_sme[n + w] = m->claim_sme[k];
                    w++;
                }
            }
        for (size_t k = 0; k < n; k++) {
            m->claims[k] = m->claims[n + k];
            m->claim_sme[k] = m->claim_sme[n + k];
        }
    }
    if (nsmall > 0)
        st = cr_waterfall_allocate(&m->wf_small, m->claims, nsmall, &h, &m->work, m->paid);
    if (st == CR_OK && nsmall < n)
        st = cr_waterfall_allocate(&m->wf, m->claims + nsmall, n - nsmall, &h, &m->work,
                                   m->paid + nsmall * CR_HOLDER_COUNT);
    if (st != CR_OK)
        return cr_diag_set(&m->diag, st, "loss allocation failed (%s)", cr_status_message(st));
    /* post the payments */
    for (size_t k = 0; k < n; k++) {
        const double *pd = m->paid + k * CR_HOLDER_COUNT;
        const cr_claim *c = &m->claims[k];
        for (int hh = 0; hh < CR_HOLDER_COUNT; hh++)
            m->holder_paid[hh] += pd[hh];
        bank_loss[c->entity[CR_H_BANK]] += pd[CR_H_BANK];
        im->h[CR_H_GUARANTOR].net_assets[c->entity[CR_H_GUARANTOR]] -= pd[CR_H_GUARANTOR];
        im->h[CR_H_REGUARANTOR].net_assets[0] -= pd[CR_H_REGUARANTOR];
        im->h[CR_H_GOVERNMENT].net_assets[0] -= pd[CR_H_GOVERNMENT];
        im->h[CR_H_CORE_FIRM].net_assets[0] -= pd[CR_H_CORE_FIRM];
        if (m->group > 1) {
            size_t g = c->entity[CR_H_MEMBERS];
            im->h[CR_H_MUTUAL_FUND].net_assets[g] -= pd[CR_H_MUTUAL_FUND];
            if (pd[CR_H_MEMBERS] > 0.0) {
                /* fellow members pay in proportion to their liquid equity */
                double pool = group_pool(m, g);
                double frac = pool > 0.0 ? pd[CR_H_MEMBERS] / pool : 0.0;
                for (size_t j = g * m->group; j < (g + 1) * m->group && j < s->n; j++)
                    if (can_pay(m, j))
                        s->equity[j] -= frac * s->equity[j];
            }
        }
    }
    /* the defaulted loans leave the books */
    for (size_t k = 0; k < n; k++) {
        uint32_t i = m->claim_sme[k];
        s->loan[i] = 0.0;
        s->guaranteed[i] = 0.0;
        s->deposit[i] = 0.0;
        s->maturity[i] = 0;
    }
    return CR_OK;
}

/* Records the period's failures (output.events) while their loans are still on the
 * books: cause, cascade root and round from the cascade when there is a network. */
static cr_status record_events(cr_model *m, int t)
{
    const cr_smes *s = &m->world->sme;
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->flags[i] & CR_F_FAILED))
            continue;
        if (m->nevents == m->events_cap) {
            size_t cap = m->events_cap ? 2 * m->events_cap : 4096;
            cr_event *e = realloc(m->events, cap * sizeof *e);
            if (!e)
                return cr_diag_set(&m->diag, CR_ENOMEM, "out of memory recording events");
            m->events = e;
            m->events_cap = cap;
        }
        cr_event *e = &m->events[m->nevents++];
        memset(e, 0, sizeof *e);
        e->period = t;
        e->sme = (uint32_t)i;
        e->cause = (s->flags[i] & CR_F_CONTAGION) ? CR_CAUSE_CONTAGION : CR_CAUSE_FUNDAMENTAL;
        e->cascade = m->net ? m->net_cascade[i] : (uint32_t)i;
        e->round = m->net ? m->net_round[i] : 0;
        e->loan = (s->flags[i] & CR_F_DEFAULTED) ? s->loan[i] : 0.0;
    }
    return CR_OK;
}

/* Whether a ledger carried forward with the period's flows and the exact sum on the
 * SME side differ by more than rounding. Both are sums, in different orders, of
 * terms whose magnitudes add up to `flows` (the ledger at the start and the period's
 * flows): rounding scales with that, not with the result, which is near 0 when a
 * book is wound down (10^7 SMEs: a residual of 1e-8 on a book of 1e6 released at once). */
static int ledgers_differ(double ledger, double smes, double flows)
{
    return fabs(ledger - smes) > 1e-9 * (fabs(ledger) + fabs(smes) + fabs(flows) + 1.0);
}

cr_status cr_lend_books(void *model, int t)
{
    cr_model *m = model;
    if (m->p->output.events) {
        cr_status est = record_events(m, t);
        if (est != CR_OK)
            return est;
    }
    cr_banks *b = &m->world->bank;
    const double payout = m->p->bank.dividend_payout;
    const double target = m->p->bank.target_capital_ratio;
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    cr_status st = allocate_losses(m, m->bank_loss);
    if (st != CR_OK)
        return st;
    double profit_all = 0.0;
    for (size_t k = 0; k < b->n; k++) {
        const double *f = m->bank_sum + k * CR_B_COUNT;
        const double loss = m->bank_loss[k];
        double assets0 = b->loans[k] + b->cash[k];
        double claims0 = b->deposits[k] + b->capital[k];
        /* capital funds loans first; deposits fund the rest at the funding rate,
         * over the period's book (after origination) */
        double need = b->loans[k] + f[CR_B_NEW] - b->capital[k];
        double funding_cost = m->funding * (need > 0.0 ? need : 0.0);
        double profit = f[CR_B_INTEREST] - funding_cost - loss;
        double loans = b->loans[k] + f[CR_B_NEW] - f[CR_B_REPAID] - f[CR_B_DEFAULTED];
        double rwa = b->rwa[k] + f[CR_B_NEW_RWA] - f[CR_B_RWA_OFF];
        /* dividends: a share of a positive profit, never taking capital below the
         * target ratio of the remaining risk-weighted book */
        double dividend = profit > 0.0 ? payout * profit : 0.0;
        double room = b->capital[k] + profit - target * rwa;
        if (dividend > room)
            dividend = room > 0.0 ? room : 0.0;
        double capital = b->capital[k] + profit - dividend;
        double deposits = loans - capital > 0.0 ? loans - capital : 0.0;
        /* the part of a defaulted loan others paid (guarantors, funds, members,
         * government) reaches the bank as cash like a recovery */
        double others = f[CR_B_DEFAULTED] - f[CR_B_RECOVERED] - loss;
        b->cash[k] += f[CR_B_INTEREST] - funding_cost - dividend + f[CR_B_REPAID] +
                      f[CR_B_RECOVERED] + others - f[CR_B_NEW] + (deposits - b->deposits[k]);
        b->loans[k] = loans;
        b->deposits[k] = deposits;
        b->capital[k] = capital;
        profit_all += profit;
        double assets = b->loans[k] + b->cash[k];
        double claims = b->deposits[k] + b->capital[k];
        double scale = fabs(assets) + fabs(claims) + fabs(assets0) + fabs(claims0) + 1.0;
        if (fabs(assets - claims) > 1e-9 * scale)
            return cr_diag_set(&m->diag, CR_EACCOUNTING,
                               "period %d, bank %zu: assets %.17g != liabilities + equity %.17g "
                               "(a flow was booked on one side only)",
                               t, k, assets, claims);
        double smes = f[CR_B_LOANS_SME];
        if (ledgers_differ(loans, smes,
                           fabs(b->loans[k]) + fabs(f[CR_B_NEW]) + fabs(f[CR_B_REPAID]) +
                               fabs(f[CR_B_DEFAULTED])))
            return cr_diag_set(&m->diag, CR_EACCOUNTING,
                               "period %d, bank %zu: loan ledger %.17g != principal owed by its "
                               "SMEs %.17g",
                               t, k, loans, smes);
        double rwa_smes = f[CR_B_RWA_SME];
        if (ledgers_differ(rwa, rwa_smes,
                           fabs(b->rwa[k]) + fabs(f[CR_B_NEW_RWA]) + fabs(f[CR_B_RWA_OFF])))
            return cr_diag_set(&m->diag, CR_EACCOUNTING,
                               "period %d, bank %zu: risk-weighted ledger %.17g != its loans' "
                               "risk-weighted principal %.17g",
                               t, k, rwa, rwa_smes);
        /* reconcile the ledgers to the exact sums on the SME side (no drift) */
        b->loans[k] = smes;
        b->rwa[k] = rwa_smes;
        b->deposits[k] = smes - b->capital[k] > 0.0 ? smes - b->capital[k] : 0.0;
        b->cash[k] = b->deposits[k] + b->capital[k] - smes;
    }
    m->bank_profit = profit_all;

    /* guarantee companies: fees in, re-guarantee fees out (calls were paid above);
     * guarantees outstanding move with new and released guarantees */
    cr_holder_books *gc = &m->im.h[CR_H_GUARANTOR];
    if (gc->n) {
        cr_blocksum_reduce(&m->gacc, m->gc_sum);
        for (size_t e = 0; e < gc->n; e++) {
            const double *g = m->gc_sum + e * CR_G_COUNT;
            gc->net_assets[e] += g[CR_G_FEES] - g[CR_G_REFEES];
            double exposure = gc->exposure[e] + g[CR_G_NEW] - g[CR_G_RELEASED];
            if (ledgers_differ(exposure, g[CR_G_OUT_SME],
                               fabs(gc->exposure[e]) + fabs(g[CR_G_NEW]) + fabs(g[CR_G_RELEASED])))
                return cr_diag_set(&m->diag, CR_EACCOUNTING,
                                   "period %d, guarantor %zu: guarantees ledger %.17g != "
                                   "guaranteed amounts of its SMEs' loans %.17g",
                                   t, e, exposure, g[CR_G_OUT_SME]);
            gc->exposure[e] = g[CR_G_OUT_SME]; /* reconciled: no rounding drift */
            if (gc->net_assets[e] < 0.0)
                gc->failed[e] = 1; /* net assets turned negative */
            m->gc_fees += g[CR_G_FEES];
            m->gc_refees += g[CR_G_REFEES];
        }
        m->im.h[CR_H_REGUARANTOR].net_assets[0] += m->gc_refees;
    }
    return CR_OK;
}

/* The Eisenberg-Noe clearing vector (core/clearing.h) of the period's obligations
 * before the cascade: receivables between SMEs (buyer owes supplier) and the
 * guarantee calls the fundamental failures trigger (owed to banks, external), paid
 * from liquid equity. */
static cr_status clearing(cr_model *m)
{
    const cr_smes *s = &m->world->sme;
    const cr_graph *g = m->net;
    const size_t n = s->n;
    for (size_t v = 0; v < n; v++) {
        m->cl_ext[v] = 0.0;
        m->cl_assets[v] = s->equity[v] > 0.0 ? s->equity[v] : 0.0;
    }
    for (size_t b = 0; b < n; b++)
        if (m->net_state[b] == CR_NODE_FUNDAMENTAL)
            for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++)
                m->cl_ext[g->col[e]] += g->weight[e] * m->net_loss[b];
    cr_graph none = {n, 0, NULL, NULL, NULL};
    size_t *zero = NULL;
    const cr_graph *liab = m->supply;
    if (!liab) { /* no receivables: an empty liabilities graph */
        zero = calloc(n + 1, sizeof *zero);
        if (!zero)
            return cr_diag_set(&m->diag, CR_ENOMEM, "out of memory for the clearing");
        none.row_ptr = zero;
        liab = &none;
    }
    cr_clearing_info info;
    cr_status st =
        cr_clearing_solve(liab, m->cl_assets, m->cl_ext, m->cl_pay, m->cl_def, &info, &m->diag);
    if (st == CR_OK) {
        cr_clearing_obligations(liab, m->cl_ext, m->cl_pbar);
        double shortfall = 0.0;
        for (size_t v = 0; v < n; v++)
            shortfall += m->cl_pbar[v] - m->cl_pay[v];
        m->clearing_shortfall = shortfall;
        m->clearing_defaults = (double)info.defaults;
    }
    free(zero);
    return st;
}

/* DebtRank of the period's fundamental failures (Battiston et al. 2012, core/
 * debtrank.h) on the guarantee network before the calls: a guarantor's exposure to a
 * borrower is the call it would pay (its share of the borrower's loss), its equity
 * its liquid equity (floored at a tiny positive amount), the values SMEs' loan
 * demand. */
static cr_status debtrank(cr_model *m)
{
    const cr_smes *s = &m->world->sme;
    const cr_graph *g = m->net;
    const size_t n = s->n;
    double total = 0.0;
    for (size_t b = 0; b < n; b++) {
        for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++)
            m->dr_weight[e] = g->weight[e] * m->net_loss[b];
        m->dr_equity[b] = s->equity[b] > 1e-9 ? s->equity[b] : 1e-9;
        m->dr_shock[b] = m->net_state[b] == CR_NODE_FUNDAMENTAL ? 1.0 : 0.0;
        m->dr_value[b] = s->demand[b];
        total += s->demand[b];
    }
    for (size_t b = 0; b < n; b++)
        m->dr_value[b] /= total;
    cr_graph exposures = *g; /* same edges, exposures as weights */
    exposures.weight = m->dr_weight;
    cr_debtrank_info info;
    cr_status st = cr_debtrank_compute(&exposures, m->dr_equity, m->dr_shock, m->dr_value,
                                       m->dr_distress, &info, &m->diag);
    m->debtrank = st == CR_OK ? info.total : 0.0;
    return st;
}

cr_status cr_lend_cascade(void *model, int t)
{
    (void)t;
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    const size_t n = s->n;
    /* net_state and net_loss were set by cr_lend_outcomes */
    if (m->p->network.clearing) {
        cr_status cst = clearing(m);
        if (cst != CR_OK)
            return cst;
    }
    if (m->p->network.debtrank) {
        cr_status dst = debtrank(m);
        if (dst != CR_OK)
            return dst;
    }
    cr_status st =
        cr_contagion_run(m->net, m->supply, m->net_loss, s->equity, m->net_state, m->net_paid,
                         m->net_cascade, m->net_round, &m->net_stats, &m->net_work);
    if (st != CR_OK)
        return cr_diag_set(&m->diag, st, "guarantee cascade: %s", cr_status_message(st));
    double loans = 0.0;
    for (size_t v = 0; v < n; v++) {
        if (m->net_state[v] != CR_NODE_CONTAGION)
            continue;
        s->flags[v] |= CR_F_FAILED | CR_F_CONTAGION;
        if (s->loan[v] > 0.0) {
            s->flags[v] |= CR_F_DEFAULTED;
            loans += 1.0;
        }
    }
    m->net_contagion_loans = loans;
    return CR_OK;
}
