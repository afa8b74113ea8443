/* The behaviours inside a run (models/strategy.h): each SME's project, monitoring,
 * repayment and participation, lenders' records, and learning by imitation. The
 * formulas are models/behaviour.c's; this file gathers each SME's terms. */
#include "models/strategy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "models/lending.h"
#include "models/purpose.h"

/* In snap only: the SME was active at the end of the period. */
#define SNAP_ACTIVE 0x80u

static const cr_behaviour_params *bp_of(const cr_model *m)
{
    return &m->p->behaviour;
}

static int any_imitation(const cr_behaviour_params *bp)
{
    return bp->risk.rule == CR_RULE_IMITATE || bp->repayment.rule == CR_RULE_IMITATE ||
           bp->monitoring.rule == CR_RULE_IMITATE;
}

cr_status cr_strategy_create(cr_model *m)
{
    cr_behav *b = &m->bh;
    const cr_behaviour_params *bp = bp_of(m);
    memset(b, 0, sizeof *b);
    if (!cr_behaviour_any(bp))
        return CR_OK;
    size_t n = m->world->sme.n + 1;
    b->strat = calloc(n, 1);
    b->strat_next = calloc(n, 1);
    b->snap = calloc(n, 1);
    b->pflags = calloc(n, 1);
    b->u = calloc(n * CR_D_COUNT, sizeof *b->u);
    b->learned = calloc(n, sizeof *b->learned);
    b->thr_risky = calloc(n, sizeof *b->thr_risky);
    b->rec_good = calloc(n, sizeof *b->rec_good);
    b->rec_bad = calloc(n, sizeof *b->rec_bad);
    b->rec_bank = calloc(n, sizeof *b->rec_bank);
    b->banned = calloc(n, sizeof *b->banned);
    b->xfer = calloc(n, sizeof *b->xfer);
    if (!b->strat || !b->strat_next || !b->snap || !b->pflags || !b->u || !b->learned ||
        !b->thr_risky || !b->rec_good || !b->rec_bad || !b->rec_bank || !b->banned || !b->xfer) {
        cr_strategy_free(m);
        return CR_ENOMEM;
    }
    b->on = 1;
    const double ppy = m->ppy;
    const double p_s = 1.0 - m->p->population.pd.mean;
    b->ratio = pow(bp->risk.risky_success / p_s, 1.0 / ppy);
    b->ret_risky = pow(bp->risk.risky_return, 1.0 / ppy) - 1.0;
    b->monitor_cost = expm1(log1p(bp->monitoring.cost) / ppy);
    b->beta_pp = pow(bp->repayment.discount, 1.0 / ppy);
    return CR_OK;
}

void cr_strategy_free(cr_model *m)
{
    cr_behav *b = &m->bh;
    free(b->strat);
    free(b->strat_next);
    free(b->snap);
    free(b->pflags);
    free(b->u);
    free(b->learned);
    free(b->thr_risky);
    free(b->rec_good);
    free(b->rec_bad);
    free(b->rec_bank);
    free(b->banned);
    free(b->xfer);
    memset(b, 0, sizeof *b);
}

/* Per-period success probability of SME i's safe project. */
static double safe_success(const cr_model *m, size_t i)
{
    double q = 1.0 / (1.0 + exp(-m->world->sme.logit_pd[i]));
    return 1.0 - q;
}

void cr_strategy_new_sme(cr_model *m, gsl_rng *r, size_t i, int entrant)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    double s_r = safe_success(m, i) * b->ratio;
    b->thr_risky[i] = gsl_cdf_ugaussian_Pinv(1.0 - s_r);
    /* fixed draw order: risk, repayment, monitoring, and (entrants) a model */
    double u_risk = gsl_rng_uniform(r), u_repay = gsl_rng_uniform(r), u_mon = gsl_rng_uniform(r);
    uint8_t st = 0;
    if (bp->risk.rule == CR_RULE_FIXED || bp->risk.rule == CR_RULE_IMITATE)
        st |= u_risk < bp->risk.initial_share ? CR_S_RISKY : 0;
    if (bp->repayment.rule == CR_RULE_BEST)
        st |= CR_S_STRATEGIC;
    else if (bp->repayment.rule == CR_RULE_FIXED || bp->repayment.rule == CR_RULE_IMITATE)
        st |= u_repay < bp->repayment.initial_share ? CR_S_STRATEGIC : 0;
    if (bp->monitoring.rule == CR_RULE_FIXED || bp->monitoring.rule == CR_RULE_IMITATE)
        st |= u_mon < bp->monitoring.initial_share ? CR_S_MONITOR : 0;
    if (entrant && any_imitation(bp)) {
        /* an entrant learns its strategies from a random SME active at the end of the
         * previous period (the first such slot from a random start) */
        size_t n = m->world->sme.n;
        size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
        for (size_t k = 0; k < n && !(b->snap[j] & SNAP_ACTIVE); k++)
            j = j + 1 < n ? j + 1 : 0;
        uint8_t model = b->snap[j];
        if (bp->risk.rule == CR_RULE_IMITATE)
            st = (uint8_t)((st & ~CR_S_RISKY) | (model & CR_S_RISKY));
        if (bp->repayment.rule == CR_RULE_IMITATE)
            st = (uint8_t)((st & ~CR_S_STRATEGIC) | (model & CR_S_STRATEGIC));
        if (bp->monitoring.rule == CR_RULE_IMITATE)
            st = (uint8_t)((st & ~CR_S_MONITOR) | (model & CR_S_MONITOR));
    }
    b->strat[i] = st;
    b->strat_next[i] = st;
    b->pflags[i] = 0;
    for (int d = 0; d < CR_D_COUNT; d++)
        b->u[i * CR_D_COUNT + (size_t)d] = 0.0f;
    b->learned[i] = (float)bp->participation.initial;
    b->rec_good[i] = b->rec_bad[i] = 0;
    b->rec_bank[i] = m->world->sme.bank[i];
    b->banned[i] = 0;
    b->xfer[i] = 0.0;
}

/* ------------------------------------------------------------ free matching */
typedef struct {
    double key;
    uint32_t slot;
} sort_item;

static int by_key(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

#define PERMUTE(arr, type)                                                                         \
    do {                                                                                           \
        type *tmp_ = (type *)scratch;                                                              \
        for (size_t k_ = 0; k_ < n; k_++)                                                          \
            tmp_[k_] = (arr)[perm[k_]];                                                            \
        memcpy((arr), tmp_, n * sizeof(type));                                                     \
    } while (0)

/* The strategies entrants learn from: every SME's, marked when it is active. */
static void snapshot(cr_model *m)
{
    const cr_smes *s = &m->world->sme;
    cr_behav *b = &m->bh;
    for (size_t i = 0; i < s->n; i++)
        b->snap[i] = (uint8_t)(b->strat[i] | (s->status[i] == CR_SME_ACTIVE ? SNAP_ACTIVE : 0u));
}

cr_status cr_strategy_unit_start(cr_model *m, cr_diag *d)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return CR_OK;
    snapshot(m);
    if (bp_of(m)->matching != CR_MATCH_FREE || m->group <= 1)
        return CR_OK;
    /* free matching: members know each other's type, so groups form among equals
     * (Ghatak 1999); sorting by the success probability of the SME's project puts
     * each type's SMEs in consecutive slots, hence in the same groups */
    size_t n = m->world->sme.n;
    sort_item *items = malloc(n * sizeof *items);
    uint32_t *perm = malloc(n * sizeof *perm);
    void *scratch = malloc(n * sizeof(double));
    if (!items || !perm || !scratch) {
        free(items);
        free(perm);
        free(scratch);
        return cr_diag_set(d, CR_ENOMEM, "out of memory matching SMEs into groups");
    }
    for (size_t i = 0; i < n; i++) {
        double s = safe_success(m, i);
        if (b->strat[i] & CR_S_RISKY)
            s *= b->ratio;
        items[i] = (sort_item){s, (uint32_t)i};
    }
    qsort(items, n, sizeof *items, by_key);
    for (size_t k = 0; k < n; k++)
        perm[k] = items[k].slot;
    free(items);
    cr_world_permute_smes(m->world, perm, scratch);
    PERMUTE(b->strat, uint8_t);
    PERMUTE(b->strat_next, uint8_t);
    PERMUTE(b->thr_risky, double);
    PERMUTE(b->learned, float);
    PERMUTE(b->rec_bank, uint32_t);
    snapshot(m);
    free(perm);
    free(scratch);
    return CR_OK;
}

/* ------------------------------------------------------------- applications */
int cr_strategy_applies(cr_model *m, gsl_rng *r, size_t i, int period)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return 1;
    if (b->banned[i] > period)
        return 0;
    const cr_behaviour_params *bp = bp_of(m);
    if (bp->participation.rule == CR_RULE_OFF)
        return 1;
    /* logit choice between the mode's channel (learned payoff) and staying out (0) */
    double p_in = 1.0 / (1.0 + exp(-bp->participation.intensity * (double)b->learned[i]));
    cr_model_stream_now(m, r, CR_P_CHANNEL, i);
    int in = gsl_rng_uniform(r) < p_in;
    b->strat[i] = (uint8_t)(in ? b->strat[i] & ~CR_S_OUT : b->strat[i] | CR_S_OUT);
    return in;
}

/* ---------------------------------------------------------------- screening */
double cr_strategy_estimate(const cr_model *m, size_t i, double q)
{
    const cr_behav *b = &m->bh;
    if (!b->on)
        return q;
    const cr_behaviour_params *bp = bp_of(m);
    int visible = 0;
    switch (bp->records.sharing) {
    case CR_REC_PUBLIC:
        visible = 1;
        break;
    case CR_REC_SHARED:
        /* shared inside an alliance, a group or a platform (association) */
        visible = (m->components & (CR_C_GROUPS | CR_C_MUTUAL_FUND | CR_C_ASSOCIATION)) != 0 ||
                  b->rec_bank[i] == m->world->sme.bank[i];
        break;
    case CR_REC_PRIVATE:
        visible = b->rec_bank[i] == m->world->sme.bank[i];
        break;
    default:
        return q;
    }
    if (!visible)
        return q;
    return cr_behav_record_pd(q, bp->records.prior_strength, b->rec_good[i], b->rec_bad[i]);
}

/* Per unit of loan and period: what SME i pays (rate net of subsidy, fees), and
 * what it loses if its project fails (collateral, deposit), at rate `rate`. */
static double sme_cost(const cr_model *m, size_t i, double rate, double loan)
{
    const cr_smes *s = &m->world->sme;
    double fees = loan > 0.0 ? s->fee[i] * s->guaranteed[i] / loan : 0.0;
    return rate * (1.0 - m->mp->government.interest_subsidy) + fees + m->assoc_fee;
}

static double fail_cost(const cr_model *m, size_t i, double loan)
{
    const cr_smes *s = &m->world->sme;
    double dep = loan > 0.0 ? s->deposit[i] / loan : m->mp->mutual_fund.deposit;
    if (!(m->components & CR_C_MUTUAL_FUND))
        dep = 0.0;
    return s->collateral[i] + dep;
}

int cr_strategy_above_switch(const cr_model *m, size_t i, double rate)
{
    if (m->p->bank.pricing != CR_PRICE_STIGLITZ_WEISS || !m->bh.on)
        return 0;
    const cr_smes *s = &m->world->sme;
    double p_s = safe_success(m, i), p_r = p_s * m->bh.ratio;
    double loan = s->demand[i];
    double cost = sme_cost(m, i, rate, loan);
    /* the borrower's cost at which it switches; the rate is the part of it the bank
     * sets (fees and subsidies unchanged) */
    double star =
        cr_behav_switch_rate(p_s, m->project_return, p_r, m->bh.ret_risky, s->collateral[i]);
    return star >= 0.0 && cost > star;
}

void cr_strategy_refused(cr_model *m, gsl_rng *r, size_t i)
{
    const cr_behaviour_params *bp = bp_of(m);
    size_t nb = m->world->bank.n;
    if (!m->bh.on || bp->records.switch_probability <= 0.0 || nb < 2)
        return;
    cr_model_stream_now(m, r, CR_P_SWITCH, i);
    if (gsl_rng_uniform(r) >= bp->records.switch_probability)
        return;
    uint32_t *bank = &m->world->sme.bank[i];
    uint32_t k = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)(nb - 1));
    *bank = k >= *bank ? k + 1 : k;
}

/* ----------------------------------------------------------------- projects */
/* Per group: what its borrowing members contribute to each other's terms. */
typedef struct {
    double fail_liab; /* sum over borrowers of (1 - success) x members' share x loan */
    double n;         /* borrowing members */
    double monitors;  /* borrowing members who monitor */
} group_terms;

/* The members' share of a loss of SME j's loan (the waterfall's members layer),
 * per unit of loan. */
static double members_share(const cr_model *m, size_t j)
{
    if (m->members_layer < 0)
        return 0.0;
    double sh[CR_HOLDER_COUNT];
    cr_waterfall_shares(&m->wf_pricing, cr_lend_lgd(m, j), sh);
    return sh[CR_H_MEMBERS];
}

static double success_of(const cr_model *m, size_t j, int risky)
{
    double s = safe_success(m, j);
    return risky ? s * m->bh.ratio : s;
}

static int borrows(const cr_smes *s, size_t j)
{
    return s->status[j] == CR_SME_ACTIVE && s->loan[j] > 0.0;
}

void cr_strategy_projects(cr_model *m, const cr_sweep *sw)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    cr_smes *s = &m->world->sme;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    const size_t gsize = m->group;
    const int mon_on = bp->monitoring.rule != CR_RULE_OFF && gsize > 1;
    const double sanction = bp->repayment.sanction, effect = bp->monitoring.effect;
    for (size_t lo = sw->lo; lo < sw->hi; lo += gsize) {
        size_t hi = lo + gsize < sw->hi ? lo + gsize : sw->hi;
        group_terms g = {0};
        int types = 0, active = 0;
        if (gsize > 1) {
            for (size_t j = lo; j < hi; j++) {
                if (s->status[j] == CR_SME_ACTIVE && !(b->strat[j] & CR_S_OUT)) {
                    active++;
                    types |= (b->strat[j] & CR_S_RISKY) ? 2 : 1;
                }
                if (!borrows(s, j))
                    continue;
                int risky = (b->strat[j] & CR_S_RISKY) != 0;
                g.fail_liab += (1.0 - success_of(m, j, risky)) * members_share(m, j) * s->loan[j];
                g.n += 1.0;
                g.monitors += (b->strat[j] & CR_S_MONITOR) != 0;
            }
            if (active > 0) {
                acc[CR_A_GROUPS] += 1.0;
                acc[CR_A_GROUPS_SAME] += types != 3;
            }
        }
        for (size_t i = lo; i < hi; i++) {
            b->xfer[i] = 0.0;
            if (!borrows(s, i))
                continue;
            const double loan = s->loan[i];
            const int was_risky = (b->strat[i] & CR_S_RISKY) != 0;
            const int monitor = (b->strat[i] & CR_S_MONITOR) != 0;
            double peers = g.n - 1.0, liab = 0.0, mu = 0.0;
            if (peers > 0.0) {
                double own = (1.0 - success_of(m, i, was_risky)) * members_share(m, i) * loan;
                liab = (g.fail_liab - own) / (peers * loan);
                mu = (g.monitors - monitor) / peers;
            }
            cr_terms t = {
                .cost = sme_cost(m, i, s->rate[i], loan),
                .fail_cost = fail_cost(m, i, loan),
                .liability = liab,
            };
            t.success = success_of(m, i, 0);
            t.ret = m->project_return;
            double u_safe = cr_behav_payoff(&t);
            t.success = success_of(m, i, 1);
            t.ret = b->ret_risky;
            t.sanction = mon_on ? effect * mu * sanction : 0.0;
            double u_risky = cr_behav_payoff(&t);
            int risky;
            switch (bp->risk.rule) {
            case CR_RULE_FIXED:
            case CR_RULE_IMITATE:
                risky = was_risky;
                break;
            case CR_RULE_BEST:
                risky = u_risky > u_safe;
                break;
            default:
                risky = 0;
            }
            double u = risky ? u_risky : u_safe;
            b->pflags[i] |= CR_B_PAYOFF_R;
            if (risky) {
                b->pflags[i] |= CR_B_RAN_RISKY;
                acc[CR_A_RISKY] += 1.0;
                b->xfer[i] += t.sanction * loan; /* expected sanction, booked as a cost */
            }
            b->u[i * CR_D_COUNT + CR_D_RISK] = (float)u;
            if (mon_on) {
                /* a monitor expects its watch to keep its risky peers on the safe
                 * project: its share of their lower failure probability */
                int mon = monitor;
                if (bp->monitoring.rule == CR_RULE_BEST) {
                    double gain = 0.0;
                    for (size_t j = lo; j < hi && peers > 0.0; j++)
                        if (j != i && borrows(s, j) && (b->strat[j] & CR_S_RISKY))
                            gain += (success_of(m, j, 0) - success_of(m, j, 1)) *
                                    members_share(m, j) * s->loan[j];
                    gain = peers > 0.0 ? effect * success_of(m, i, risky) * gain / (peers * loan)
                                       : 0.0;
                    mon = gain > b->monitor_cost;
                    b->strat[i] =
                        (uint8_t)(mon ? b->strat[i] | CR_S_MONITOR : b->strat[i] & ~CR_S_MONITOR);
                }
                acc[CR_A_GROUP_BORROWERS] += 1.0;
                if (mon) {
                    acc[CR_A_MONITORS] += 1.0;
                    b->xfer[i] += b->monitor_cost * loan;
                }
                b->u[i * CR_D_COUNT + CR_D_MONITOR] = (float)(u - (mon ? b->monitor_cost : 0.0));
                b->pflags[i] |= CR_B_PAYOFF_M;
            }
        }
        /* best responses become the strategies peers see next period */
        if (bp->risk.rule == CR_RULE_BEST)
            for (size_t i = lo; i < hi; i++)
                if (borrows(s, i))
                    b->strat[i] =
                        (uint8_t)((b->pflags[i] & CR_B_RAN_RISKY) ? b->strat[i] | CR_S_RISKY
                                                                  : b->strat[i] & ~CR_S_RISKY);
    }
}

double cr_strategy_return(const cr_model *m, gsl_rng *r, size_t i)
{
    const cr_behav *b = &m->bh;
    double ret = b->on && (b->pflags[i] & CR_B_RAN_RISKY) ? b->ret_risky : m->project_return;
    double spread = m->p->behaviour.repayment.return_spread;
    if (!b->on || spread <= 0.0)
        return ret;
    cr_model_stream_now(m, r, CR_P_RETURN, i);
    double u = gsl_rng_uniform(r);
    return (1.0 + ret) * (1.0 + spread * (2.0 * u - 1.0)) - 1.0;
}

/* ---------------------------------------------------------------- repayment */
void cr_strategy_repay(cr_model *m, const cr_sweep *sw)
{
    cr_behav *b = &m->bh;
    const cr_behaviour_params *bp = bp_of(m);
    if (!b->on || bp->repayment.rule == CR_RULE_OFF)
        return;
    cr_smes *s = &m->world->sme;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    const size_t gsize = m->group;
    const int mon_on = bp->monitoring.rule != CR_RULE_OFF && gsize > 1;
    const double payout = m->p->population.equity.payout;
    const int excl = (int)m->p->population.exclusion_periods;
    /* the value of access lost while excluded, per unit of the per-period payoff */
    double access = 0.0;
    for (int k = 1; k <= excl; k++)
        access += pow(b->beta_pp, k);
    double pen[CR_BLOCK], due[CR_BLOCK], loan[CR_BLOCK], sanc[CR_BLOCK], proceeds[CR_BLOCK];
    uint8_t payer[CR_BLOCK];
    size_t idx[CR_BLOCK];
    for (size_t lo = sw->lo; lo < sw->hi; lo += gsize) {
        size_t hi = lo + gsize < sw->hi ? lo + gsize : sw->hi;
        size_t n = 0, monitors = 0;
        for (size_t j = lo; j < hi; j++)
            if (borrows(s, j) && (b->strat[j] & CR_S_MONITOR))
                monitors++;
        size_t borrowers = 0;
        for (size_t j = lo; j < hi; j++)
            borrowers += borrows(s, j);
        /* the game is played by the members whose principal is due and whose project
         * did not fail (failed loans go through the loss waterfall) */
        for (size_t j = lo; j < hi; j++) {
            if ((s->flags[j] & (CR_F_AT_RISK | CR_F_DEFAULTED)) != CR_F_AT_RISK ||
                s->maturity[j] != 1 || n >= CR_BLOCK)
                continue;
            double l = s->loan[j];
            double ret = cr_strategy_return(m, sw->rng, j);
            proceeds[n] = 1.0 + ret;
            due[n] = 1.0 + sme_cost(m, j, s->rate[j], l);
            loan[n] = l;
            double future = b->u[j * CR_D_COUNT + CR_D_RISK];
            pen[n] = (b->strat[j] & CR_S_STRATEGIC)
                         ? bp->repayment.penalty * proceeds[n] + fail_cost(m, j, l) +
                               (future > 0.0 ? future * access : 0.0)
                         : INFINITY;
            double mu = 1.0;
            if (mon_on) {
                double peers = (double)borrowers - 1.0;
                mu = peers > 0.0
                         ? bp->monitoring.effect *
                               ((double)monitors - ((b->strat[j] & CR_S_MONITOR) != 0)) / peers
                         : 0.0;
            }
            sanc[n] = bp->repayment.sanction * mu;
            idx[n++] = j;
        }
        if (n == 0)
            continue;
        double extra = 0.0;
        size_t np = cr_behav_group_repay(n, pen, due, loan, sanc, payer, &extra);
        for (size_t k = 0; k < n; k++) {
            size_t j = idx[k];
            float *u = &b->u[j * CR_D_COUNT + CR_D_REPAY];
            b->pflags[j] |= CR_B_PAYOFF_D;
            if (np == 0) {
                /* the group defaults: each keeps its proceeds and principal, loses the
                 * penalty, and is excluded from credit */
                s->flags[j] |= CR_F_DEFAULTED;
                b->pflags[j] |= CR_B_STRATEGIC;
                b->banned[j] = sw->period + 1 + excl;
                acc[CR_A_STRATEGIC] += 1.0;
                double kept = (proceeds[k] - bp->repayment.penalty * proceeds[k]) * loan[k];
                s->equity[j] += kept > 0.0 ? (1.0 - payout) * kept : kept;
                acc[CR_A_SURPLUS] += kept;
                *u = (float)(proceeds[k] - pen[k]);
            } else if (!payer[k]) {
                /* covered by its group: keeps its due, bears the sanction */
                b->pflags[j] |= CR_B_COVERED;
                b->xfer[j] += (sanc[k] - due[k]) * loan[k];
                acc[CR_A_COVERED] += due[k] * loan[k];
                *u = (float)(proceeds[k] - sanc[k]);
            } else {
                b->xfer[j] += extra * loan[k];
                *u = (float)(proceeds[k] - due[k] - extra);
            }
        }
    }
}

/* ------------------------------------------------------------ entry and exit */
void cr_strategy_after(cr_model *m, size_t i, int period)
{
    (void)period;
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    if (!(s->flags[i] & CR_F_AT_RISK))
        return;
    if (bp->records.sharing != CR_REC_NONE) {
        if (b->rec_bank[i] != s->bank[i]) {
            if (bp->records.sharing == CR_REC_PRIVATE)
                b->rec_good[i] = b->rec_bad[i] = 0;
            b->rec_bank[i] = s->bank[i];
        }
        if (s->flags[i] & CR_F_DEFAULTED) {
            if (b->rec_bad[i] < UINT16_MAX)
                b->rec_bad[i]++;
        } else if (b->rec_good[i] < UINT16_MAX) {
            b->rec_good[i]++;
        }
    }
    if (bp->participation.rule != CR_RULE_OFF && (b->pflags[i] & CR_B_PAYOFF_R)) {
        double w = bp->participation.memory;
        b->learned[i] = (float)((1.0 - w) * b->learned[i] + w * b->u[i * CR_D_COUNT + CR_D_RISK]);
    }
}

/* ----------------------------------------------------------------- learning */
void cr_strategy_learn(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_behav *b = &m->bh;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    const size_t n = s->n;
    static const uint8_t bit[CR_D_COUNT] = {CR_S_RISKY, CR_S_STRATEGIC, CR_S_MONITOR};
    static const uint8_t valid[CR_D_COUNT] = {CR_B_PAYOFF_R, CR_B_PAYOFF_D, CR_B_PAYOFF_M};
    const int rule[CR_D_COUNT] = {bp->risk.rule, bp->repayment.rule, bp->monitoring.rule};
    const double lambda = bp->learning.revision_rate, range = bp->learning.payoff_range;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        uint8_t next = b->strat[i];
        if (s->status[i] == CR_SME_ACTIVE) {
            cr_model_stream_now(m, sw->rng, CR_P_LEARN, i);
            for (int d = 0; d < CR_D_COUNT; d++) {
                if (rule[d] != CR_RULE_IMITATE || !(b->pflags[i] & valid[d]))
                    continue;
                /* fixed draw order per decision: revise?, peer, switch? */
                double u_rev = gsl_rng_uniform(sw->rng);
                size_t j = (size_t)gsl_rng_uniform_int(sw->rng, (unsigned long)n);
                double u_sw = gsl_rng_uniform(sw->rng);
                if (u_rev >= lambda || s->status[j] != CR_SME_ACTIVE ||
                    !(b->pflags[j] & valid[d]) || ((b->strat[i] ^ b->strat[j]) & bit[d]) == 0)
                    continue;
                double p = cr_behav_switch_probability(b->u[i * CR_D_COUNT + (size_t)d],
                                                       b->u[j * CR_D_COUNT + (size_t)d], range);
                if (u_sw < p)
                    next = (uint8_t)((next & ~bit[d]) | (b->strat[j] & bit[d]));
            }
        }
        b->strat_next[i] = next;
    }
}

cr_status cr_strategy_commit(void *model, int period)
{
    (void)period;
    cr_model *m = model;
    cr_behav *b = &m->bh;
    uint8_t *t = b->strat;
    b->strat = b->strat_next;
    b->strat_next = t;
    snapshot(m);
    return CR_OK;
}
