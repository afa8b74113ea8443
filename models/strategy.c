/* The behaviours inside a run (models/strategy.h): each SME's project, monitoring,
 * repayment and participation, lenders' records, and learning by imitation. The
 * formulas are models/behaviour.c's; this file gathers each SME's terms. */
#include "models/strategy.h"

#include <math.h>
#include <stdio.h>
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

static double members_share(const cr_model *m, size_t j);

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
    b->learned_direct = calloc(n, sizeof *b->learned_direct);
    b->thr_risky = calloc(n, sizeof *b->thr_risky);
    b->s_safe = calloc(n, sizeof *b->s_safe);
    b->ret_now = calloc(n, sizeof *b->ret_now);
    b->ms = calloc(n, sizeof *b->ms);
    b->rec_good = calloc(n, sizeof *b->rec_good);
    b->rec_bad = calloc(n, sizeof *b->rec_bad);
    b->rec_bank = calloc(n, sizeof *b->rec_bank);
    b->banned = calloc(n, sizeof *b->banned);
    b->xfer = calloc(n, sizeof *b->xfer);
    if (!b->strat || !b->strat_next || !b->snap || !b->pflags || !b->u || !b->learned ||
        !b->learned_direct || !b->thr_risky || !b->s_safe || !b->ret_now || !b->ms ||
        !b->rec_good || !b->rec_bad || !b->rec_bank || !b->banned || !b->xfer) {
        cr_strategy_free(m);
        return CR_ENOMEM;
    }
    b->on = 1;
    const double ppy = m->ppy;
    const double p_s = 1.0 - m->p->population.pd.mean;
    b->ratio = pow(bp->risk.risky_success / p_s, 1.0 / ppy);
    b->ratio_annual = bp->risk.risky_success / p_s;
    b->strategic =
        bp->repayment.rule == CR_RULE_BEST ||
        ((bp->repayment.rule == CR_RULE_FIXED || bp->repayment.rule == CR_RULE_IMITATE) &&
         bp->repayment.initial_share > 0.0);
    b->ret_risky = pow(bp->risk.risky_return, 1.0 / ppy) - 1.0;
    b->monitor_cost = expm1(log1p(bp->monitoring.cost) / ppy);
    b->beta_pp = pow(bp->repayment.discount, 1.0 / ppy);
    return CR_OK;
}

size_t cr_strategy_bytes_per_sme(void)
{
    const cr_behav *b = NULL;
    return sizeof *b->strat + sizeof *b->strat_next + sizeof *b->snap + sizeof *b->pflags +
           CR_D_COUNT * sizeof *b->u + sizeof *b->learned + sizeof *b->learned_direct +
           sizeof *b->thr_risky + sizeof *b->s_safe + sizeof *b->ret_now + sizeof *b->ms +
           sizeof *b->rec_good + sizeof *b->rec_bad + sizeof *b->rec_bank + sizeof *b->banned +
           sizeof *b->xfer;
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
    free(b->learned_direct);
    free(b->thr_risky);
    free(b->s_safe);
    free(b->ret_now);
    free(b->ms);
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
    return m->bh.s_safe[i];
}

void cr_strategy_new_sme(cr_model *m, gsl_rng *r, size_t i, int entrant)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    b->s_safe[i] = 1.0 / (1.0 + exp(m->world->sme.logit_pd[i])); /* 1 - logistic(logit) */
    b->ms[i] = (float)members_share(m, i);
    double s_r = b->s_safe[i] * b->ratio;
    b->thr_risky[i] = gsl_cdf_ugaussian_Pinv(1.0 - s_r);
    /* fixed draw order: risk, repayment, monitoring, and (entrants) a model */
    double u_risk = cr_rng_gsl_uniform(r), u_repay = cr_rng_gsl_uniform(r),
           u_mon = cr_rng_gsl_uniform(r);
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
        /* an entrant learns its strategies from an SME drawn uniformly among those
         * active at the end of the previous period (rejection sampling; after 64
         * misses, the first active slot from the last draw) */
        size_t n = m->world->sme.n;
        size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
        for (int k = 1; k < 64 && !(b->snap[j] & SNAP_ACTIVE); k++)
            j = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
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
    if (entrant && bp->matching == CR_MATCH_FREE && m->group > 1 &&
        bp->risk.rule == CR_RULE_FIXED) {
        /* free matching: a group admits an entrant of its own type (its first active
         * member's), so groups stay sorted as members are replaced */
        const cr_smes *s = &m->world->sme;
        size_t lo = i - i % m->group, hi = lo + m->group < s->n ? lo + m->group : s->n;
        for (size_t j = lo; j < hi; j++)
            if (j != i && s->status[j] == CR_SME_ACTIVE) {
                st = (uint8_t)((st & ~CR_S_RISKY) | (b->strat[j] & CR_S_RISKY));
                break;
            }
    }
    b->strat[i] = st;
    b->strat_next[i] = st;
    b->pflags[i] = 0;
    for (int d = 0; d < CR_D_COUNT; d++)
        b->u[i * CR_D_COUNT + (size_t)d] = 0.0f;
    b->learned[i] = b->learned_direct[i] = (float)bp->channel.initial;
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
        type *tmp_ = (type *)scratch; /* NOLINT(bugprone-macro-parentheses): a type */             \
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
    PERMUTE(b->s_safe, double);
    PERMUTE(b->ms, float);
    PERMUTE(b->learned, float);
    PERMUTE(b->learned_direct, float);
    PERMUTE(b->rec_bank, uint32_t);
    snapshot(m);
    free(perm);
    free(scratch);
    return CR_OK;
}

/* ------------------------------------------------------------- applications */
int cr_strategy_applies(cr_model *m, gsl_rng *r, size_t i, int period, double *acc)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return 1;
    if (b->banned[i] > period) {
        /* excluded from credit after a strategic default: out of the group too */
        b->strat[i] = (uint8_t)((b->strat[i] & ~CR_S_DIRECT) | CR_S_OUT);
        return 0;
    }
    const cr_behaviour_params *bp = bp_of(m);
    if (bp->channel.rule == CR_RULE_OFF) {
        b->strat[i] = (uint8_t)(b->strat[i] & ~CR_S_OUT); /* back after a ban */
        return 1;
    }
    /* logit choice among the mode's channel, borrowing directly from the bank (when
     * the mode has intermediaries or groups: otherwise the two are the same; the
     * government's interest subsidy applies to both) and staying out (payoff 0), on
     * learned payoffs */
    const double beta = bp->channel.intensity;
    const double l_mode = beta * (double)b->learned[i];
    const double l_direct = (m->components & ~(unsigned)CR_C_GOVERNMENT)
                                ? beta * (double)b->learned_direct[i]
                                : -INFINITY;
    /* weights relative to the mode's channel (the one usually chosen): one or two
     * exponentials */
    const double e_mode = 1.0, e_direct = exp(l_direct - l_mode), e_out = exp(-l_mode);
    cr_model_stream_now(m, r, CR_P_CHANNEL, i);
    const double u = cr_rng_gsl_uniform(r) * (e_mode + e_direct + e_out);
    uint8_t st = (uint8_t)(b->strat[i] & ~(CR_S_OUT | CR_S_DIRECT));
    if (u >= e_mode + e_direct)
        st |= CR_S_OUT;
    else if (u >= e_mode)
        st |= CR_S_DIRECT;
    b->strat[i] = st;
    acc[CR_A_CHOICES] += 1.0;
    acc[CR_A_OUT] += (st & CR_S_OUT) != 0;
    return !(st & CR_S_OUT);
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
    double assoc = cr_strategy_direct(m, i) ? 0.0 : m->assoc_fee;
    return rate * (1.0 - m->mp->government.interest_subsidy) + fees + assoc;
}

static double fail_cost(const cr_model *m, size_t i, double loan)
{
    const cr_smes *s = &m->world->sme;
    double dep = loan > 0.0 ? s->deposit[i] / loan : m->mp->mutual_fund.deposit;
    if (!(m->components & CR_C_MUTUAL_FUND) || cr_strategy_direct(m, i))
        dep = 0.0;
    return s->collateral[i] + dep;
}

int cr_strategy_above_switch(const cr_model *m, size_t i, double rate)
{
    if (m->p->bank.pricing != CR_PRICE_STIGLITZ_WEISS || !m->bh.on)
        return 0;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    double p_s = safe_success(m, i), p_r = p_s * m->bh.ratio;
    double loan = s->demand[i];
    double cost = sme_cost(m, i, rate, loan);
    /* the borrower's cost at which the two projects pay the same
     * (cr_strategy_projects' payoffs): the switch rate with its collateral and
     * deposit, less its expected liability for its group's borrowers, plus the
     * expected sanction of going risky under monitoring; the rate is the part of the
     * cost the bank sets */
    double star =
        cr_behav_switch_rate(p_s, m->project_return, p_r, m->bh.ret_risky, fail_cost(m, i, 0.0));
    if (m->group > 1 && cr_strategy_member(m, i)) {
        size_t lo = i - i % m->group, hi = lo + m->group < s->n ? lo + m->group : s->n;
        double liab = 0.0, n = 0.0, monitors = 0.0;
        for (size_t j = lo; j < hi; j++) {
            if (j == i || s->status[j] != CR_SME_ACTIVE || s->loan[j] <= 0.0 ||
                !cr_strategy_member(m, j))
                continue;
            double sj = safe_success(m, j) * ((m->bh.strat[j] & CR_S_RISKY) ? m->bh.ratio : 1.0);
            liab += (1.0 - sj) * (double)m->bh.ms[j] * s->loan[j];
            monitors += (m->bh.strat[j] & CR_S_MONITOR) != 0;
            n += 1.0;
        }
        if (n > 0.0) {
            star -= liab / (n * loan);
            if (bp->monitoring.rule != CR_RULE_OFF)
                star +=
                    bp->monitoring.effect * (monitors / n) * bp->repayment.sanction / (p_s - p_r);
        }
    }
    /* star < 0: the applicant would run the risky project at any rate */
    return cost > star;
}

void cr_strategy_refused(cr_model *m, gsl_rng *r, size_t i)
{
    const cr_behaviour_params *bp = bp_of(m);
    size_t nb = m->world->bank.n;
    if (!m->bh.on || bp->records.switch_probability <= 0.0 || nb < 2)
        return;
    cr_model_stream_now(m, r, CR_P_SWITCH, i);
    if (cr_rng_gsl_uniform(r) >= bp->records.switch_probability)
        return;
    uint32_t *bank = &m->world->sme.bank[i];
    uint32_t k = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)(nb - 1));
    *bank = k >= *bank ? k + 1 : k;
}

/* ----------------------------------------------------------------- projects */
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

static int borrows(const cr_smes *s, size_t j)
{
    return s->status[j] == CR_SME_ACTIVE && s->loan[j] > 0.0;
}

/* Per member of a group (k = slot - first slot): its members' share and, for a
 * borrowing member, its failure probability at its current strategy. */
typedef struct {
    double *ms;   /* members' share of a loss of its loan, per unit of loan */
    double *fail; /* 1 - success at its current strategy */
    double *gain; /* (safe - risky success) x ms x loan when risky, else 0 */
    uint8_t *in;  /* a borrowing member */
} group_scratch;

#define GROUP_STACK 256

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
    const int mon_best = bp->monitoring.rule == CR_RULE_BEST;
    const double sanction = bp->repayment.sanction, effect = bp->monitoring.effect;
    const double ratio = b->ratio;
    /* per-member terms of one group: on the stack for groups up to GROUP_STACK */
    double st_ms[GROUP_STACK] = {0}, st_fail[GROUP_STACK] = {0}, st_gain[GROUP_STACK] = {0};
    uint8_t st_in[GROUP_STACK] = {0};
    group_scratch gs = {st_ms, st_fail, st_gain, st_in};
    void *heap = NULL;
    if (gsize > GROUP_STACK) {
        heap = malloc(gsize * (3 * sizeof(double) + 1));
        if (!heap) {
            /* an agents sweep has no error path */
            fputs("credere: out of memory for a group's terms\n", stderr);
            abort();
        }
        gs.ms = heap;
        gs.fail = gs.ms + gsize;
        gs.gain = gs.fail + gsize;
        gs.in = (uint8_t *)(gs.gain + gsize);
    }
    for (size_t lo = sw->lo; lo < sw->hi; lo += gsize) {
        size_t hi = lo + gsize < sw->hi ? lo + gsize : sw->hi;
        /* the group's borrowing members: expected liability, monitors, and what a
         * monitor would gain by keeping its risky peers safe */
        double fail_liab = 0.0, nb = 0.0, monitors = 0.0, gain_total = 0.0;
        if (gsize > 1) {
            int types = 0, active = 0;
            for (size_t j = lo; j < hi; j++) {
                size_t k = j - lo;
                const int member = cr_strategy_member(m, j);
                if (s->status[j] == CR_SME_ACTIVE && member) {
                    active++;
                    types |= (b->strat[j] & CR_S_RISKY) ? 2 : 1;
                }
                gs.in[k] = borrows(s, j) && member;
                gs.ms[k] = gs.fail[k] = gs.gain[k] = 0.0;
                if (!gs.in[k])
                    continue;
                const int risky = (b->strat[j] & CR_S_RISKY) != 0;
                const double ss = safe_success(m, j), ms = (double)b->ms[j];
                gs.ms[k] = ms;
                gs.fail[k] = 1.0 - (risky ? ss * ratio : ss);
                gs.gain[k] = risky ? (ss - ss * ratio) * ms * s->loan[j] : 0.0;
                fail_liab += gs.fail[k] * ms * s->loan[j];
                gain_total += gs.gain[k];
                nb += 1.0;
                monitors += (b->strat[j] & CR_S_MONITOR) != 0;
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
            const size_t k = i - lo;
            const double loan = s->loan[i];
            const int was_risky = (b->strat[i] & CR_S_RISKY) != 0;
            const int monitor = (b->strat[i] & CR_S_MONITOR) != 0;
            const int member = gsize > 1 && gs.in[k];
            double peers = member ? nb - 1.0 : 0.0, liab = 0.0, mu = 0.0;
            if (peers > 0.0) {
                liab = (fail_liab - gs.fail[k] * gs.ms[k] * loan) / (peers * loan);
                mu = (monitors - monitor) / peers;
            }
            cr_terms t = {
                .cost = sme_cost(m, i, s->rate[i], loan),
                .fail_cost = fail_cost(m, i, loan),
                .liability = liab,
            };
            const double ss = safe_success(m, i);
            /* the payoff of each project the rule needs: both for a best response,
             * else only the one the SME runs */
            const double sanc_risky = mon_on && member ? effect * mu * sanction : 0.0;
            int risky;
            switch (bp->risk.rule) {
            case CR_RULE_FIXED:
            case CR_RULE_IMITATE:
                risky = was_risky;
                break;
            default:
                risky = 0;
            }
            double u = 0.0;
            if (bp->risk.rule == CR_RULE_BEST || !risky) {
                t.success = ss;
                t.ret = m->project_return;
                u = cr_behav_payoff(&t);
            }
            if (bp->risk.rule == CR_RULE_BEST || risky) {
                t.success = ss * ratio;
                t.ret = b->ret_risky;
                t.sanction = sanc_risky;
                double u_risky = cr_behav_payoff(&t);
                if (bp->risk.rule == CR_RULE_BEST)
                    risky = u_risky > u;
                if (risky)
                    u = u_risky;
            }
            if (!member && cr_strategy_direct(m, i))
                acc[CR_A_DIRECT] += 1.0;
            b->pflags[i] |= CR_B_PAYOFF_R;
            if (risky) {
                b->pflags[i] |= CR_B_RAN_RISKY;
                acc[CR_A_RISKY] += 1.0;
                b->xfer[i] += sanc_risky * loan; /* expected sanction, booked as a cost */
            }
            b->u[i * CR_D_COUNT + CR_D_RISK] = (float)u;
            if (mon_on && member) {
                /* a monitor expects its watch to keep its risky peers on the safe
                 * project: its share of their lower failure probability */
                int mon = monitor;
                if (mon_best) {
                    double gain = peers > 0.0 ? effect * (risky ? ss * ratio : ss) *
                                                    (gain_total - gs.gain[k]) / (peers * loan)
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
    free(heap);
}

/* Draws this period's realised return of SME i (return_spread > 0). */
static void draw_return(cr_model *m, gsl_rng *r, size_t i)
{
    cr_behav *b = &m->bh;
    double ret = (b->pflags[i] & CR_B_RAN_RISKY) ? b->ret_risky : m->project_return;
    cr_model_stream_now(m, r, CR_P_RETURN, i);
    double u = cr_rng_gsl_uniform(r);
    b->ret_now[i] =
        (float)((1.0 + ret) * (1.0 + m->p->behaviour.repayment.return_spread * (2.0 * u - 1.0)) -
                1.0);
}

/* ---------------------------------------------------------------- repayment */
/* One repayment game's members (a group's, or one SME's). */
typedef struct {
    size_t n;
    double *pen, *due, *loan, *sanc, *proceeds;
    uint8_t *payer;
    size_t *idx;
} game;

/* Adds SME j, whose principal is due and whose project did not fail, to game g;
 * mu is the chance that a refusal of its own share is sanctioned. */
static void join(cr_model *m, game *g, size_t j, double access, double mu)
{
    const cr_behav *b = &m->bh;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    size_t n = g->n;
    double l = s->loan[j];
    g->proceeds[n] = 1.0 + cr_strategy_return(m, j);
    g->due[n] = 1.0 + sme_cost(m, j, s->rate[j], l);
    g->loan[n] = l;
    double future = b->u[j * CR_D_COUNT + CR_D_RISK];
    g->pen[n] = (b->strat[j] & CR_S_STRATEGIC)
                    ? bp->repayment.penalty * g->proceeds[n] + fail_cost(m, j, l) +
                          (future > 0.0 ? future * access : 0.0)
                    : INFINITY;
    g->sanc[n] = bp->repayment.sanction * mu;
    g->idx[n] = j;
    g->n = n + 1;
}

/* Plays game g and books its outcome. */
static void settle(cr_model *m, const cr_sweep *sw, game *g)
{
    cr_behav *b = &m->bh;
    const cr_behaviour_params *bp = bp_of(m);
    cr_smes *s = &m->world->sme;
    double *acc = cr_blocksum_row(&m->acc, sw->block);
    const double payout = m->p->population.equity.payout;
    const int excl = (int)m->p->population.exclusion_periods;
    double extra = 0.0;
    size_t np = cr_behav_group_repay(g->n, g->pen, g->due, g->loan, g->sanc, g->payer, &extra);
    for (size_t k = 0; k < g->n; k++) {
        size_t j = g->idx[k];
        float *u = &b->u[j * CR_D_COUNT + CR_D_REPAY];
        b->pflags[j] |= CR_B_PAYOFF_D;
        if (np == 0) {
            /* the group (or the SME) defaults: each keeps its proceeds and principal,
             * loses the penalty, and is excluded from credit */
            s->flags[j] |= CR_F_DEFAULTED;
            b->pflags[j] |= CR_B_STRATEGIC;
            b->banned[j] = sw->period + 1 + excl;
            acc[CR_A_STRATEGIC] += 1.0;
            double kept = (g->proceeds[k] - bp->repayment.penalty * g->proceeds[k]) * g->loan[k];
            s->equity[j] += kept > 0.0 ? (1.0 - payout) * kept : kept;
            acc[CR_A_SURPLUS] += kept;
            *u = (float)(g->proceeds[k] - g->pen[k]);
        } else if (!g->payer[k]) {
            /* covered by its group: keeps its due, bears the sanction */
            b->pflags[j] |= CR_B_COVERED;
            b->xfer[j] += (g->sanc[k] - g->due[k]) * g->loan[k];
            acc[CR_A_COVERED] += g->due[k] * g->loan[k];
            *u = (float)(g->proceeds[k] - g->sanc[k]);
        } else {
            b->xfer[j] += extra * g->loan[k];
            *u = (float)(g->proceeds[k] - g->due[k] - extra);
        }
    }
    g->n = 0;
}

void cr_strategy_repay(cr_model *m, const cr_sweep *sw)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    /* the realised returns of the loans that fall due (earlier periods earn the
     * expected return): drawn here, or as they join their game below */
    const int spread = bp->repayment.return_spread > 0.0;
    if (spread && bp->repayment.rule == CR_RULE_OFF)
        for (size_t j = sw->lo; j < sw->hi; j++)
            if ((s->flags[j] & (CR_F_AT_RISK | CR_F_DEFAULTED)) == CR_F_AT_RISK &&
                s->maturity[j] == 1)
                draw_return(m, sw->rng, j);
    if (bp->repayment.rule == CR_RULE_OFF)
        return;
    const size_t gsize = m->group;
    const int mon_on = bp->monitoring.rule != CR_RULE_OFF && gsize > 1;
    const int excl = (int)m->p->population.exclusion_periods;
    /* the value of access lost while excluded, per unit of the per-period payoff */
    double access = 0.0;
    for (int k = 1; k <= excl; k++)
        access += pow(b->beta_pp, k);
    /* game storage: on the stack for groups up to GROUP_STACK members */
    double st[5][GROUP_STACK];
    uint8_t st_payer[GROUP_STACK];
    size_t st_idx[GROUP_STACK];
    double one[5][1];
    uint8_t one_payer[1];
    size_t one_idx[1];
    game grp = {0, st[0], st[1], st[2], st[3], st[4], st_payer, st_idx};
    game own = {0, one[0], one[1], one[2], one[3], one[4], one_payer, one_idx};
    char *heap = NULL;
    if (gsize > GROUP_STACK) {
        heap = malloc(gsize * (5 * sizeof(double) + sizeof(size_t) + 1));
        if (!heap) {
            /* an agents sweep has no error path */
            fputs("credere: out of memory in the repayment game\n", stderr);
            abort();
        }
        grp.pen = (double *)(void *)heap;
        grp.due = grp.pen + gsize;
        grp.loan = grp.due + gsize;
        grp.sanc = grp.loan + gsize;
        grp.proceeds = grp.sanc + gsize;
        grp.idx = (size_t *)(void *)(grp.proceeds + gsize);
        grp.payer = (uint8_t *)(grp.idx + gsize);
    }
    for (size_t lo = sw->lo; lo < sw->hi; lo += gsize) {
        size_t hi = lo + gsize < sw->hi ? lo + gsize : sw->hi;
        size_t monitors = 0, borrowers = 0;
        if (mon_on)
            for (size_t j = lo; j < hi; j++)
                if (borrows(s, j) && cr_strategy_member(m, j)) {
                    borrowers++;
                    monitors += (b->strat[j] & CR_S_MONITOR) != 0;
                }
        /* the game is played by the members whose principal is due and whose project
         * did not fail (failed loans go through the loss waterfall); an SME that
         * borrowed directly from its bank, or in a mode without groups, plays alone */
        for (size_t j = lo; j < hi; j++) {
            if ((s->flags[j] & (CR_F_AT_RISK | CR_F_DEFAULTED)) != CR_F_AT_RISK ||
                s->maturity[j] != 1)
                continue;
            if (spread)
                draw_return(m, sw->rng, j);
            if (gsize == 1 || !cr_strategy_member(m, j)) {
                join(m, &own, j, access, 0.0);
                settle(m, sw, &own);
                continue;
            }
            /* the social sanction of refusing one's share: certain without a model
             * of monitoring (peers see it: Besley-Coate), else as likely as being
             * watched */
            double mu = 1.0;
            if (mon_on) {
                double peers = (double)borrowers - 1.0;
                mu = peers > 0.0
                         ? bp->monitoring.effect *
                               ((double)monitors - ((b->strat[j] & CR_S_MONITOR) != 0)) / peers
                         : 0.0;
            }
            join(m, &grp, j, access, mu);
        }
        if (grp.n > 0)
            settle(m, sw, &grp);
    }
    free(heap);
}

/* ------------------------------------------------------------ entry and exit */
void cr_strategy_after(cr_model *m, const cr_sweep *sw)
{
    cr_behav *b = &m->bh;
    if (!b->on)
        return;
    const cr_behaviour_params *bp = bp_of(m);
    const cr_smes *s = &m->world->sme;
    const int records = bp->records.sharing != CR_REC_NONE;
    const int private_records = bp->records.sharing == CR_REC_PRIVATE;
    const int channel = bp->channel.rule != CR_RULE_OFF;
    const double w = bp->channel.memory;
    if (!records && !channel)
        return;
    for (size_t i = sw->lo; i < sw->hi; i++) {
        const uint8_t f = s->flags[i];
        if (records && (f & CR_F_AT_RISK)) {
            if (b->rec_bank[i] != s->bank[i]) {
                if (private_records)
                    b->rec_good[i] = b->rec_bad[i] = 0;
                b->rec_bank[i] = s->bank[i];
            }
            if (f & CR_F_DEFAULTED) {
                if (b->rec_bad[i] < UINT16_MAX)
                    b->rec_bad[i]++;
            } else if (b->rec_good[i] < UINT16_MAX) {
                b->rec_good[i]++;
            }
        }
        if (!channel)
            continue;
        /* the channel's learned payoff: the loan's expected payoff, 0 after a refusal */
        double x;
        if (b->pflags[i] & CR_B_PAYOFF_R)
            x = b->u[i * CR_D_COUNT + CR_D_RISK];
        else if ((f & (CR_F_APPLIED | CR_F_GRANTED)) == CR_F_APPLIED)
            x = 0.0;
        else
            continue;
        float *l = (b->strat[i] & CR_S_DIRECT) ? &b->learned_direct[i] : &b->learned[i];
        *l = (float)((1.0 - w) * *l + w * x);
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
    /* one stream per block (keyed by its first SME), drawn in SME order: the
     * blocks do not depend on the threads, so neither do the draws */
    cr_model_stream_now(m, sw->rng, CR_P_LEARN, sw->lo);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        uint8_t next = b->strat[i];
        if (s->status[i] == CR_SME_ACTIVE &&
            (b->pflags[i] & (CR_B_PAYOFF_R | CR_B_PAYOFF_D | CR_B_PAYOFF_M))) {
            for (int d = 0; d < CR_D_COUNT; d++) {
                if (rule[d] != CR_RULE_IMITATE || !(b->pflags[i] & valid[d]))
                    continue;
                /* draw order per decision: revise?; if so, the peer and switch? */
                if (cr_rng_gsl_uniform(sw->rng) >= lambda)
                    continue;
                size_t j = (size_t)gsl_rng_uniform_int(sw->rng, (unsigned long)n);
                double u_sw = cr_rng_gsl_uniform(sw->rng);
                if (s->status[j] != CR_SME_ACTIVE || !(b->pflags[j] & valid[d]) ||
                    ((b->strat[i] ^ b->strat[j]) & bit[d]) == 0)
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
