/* The mean-field reference of learned project choice (models/meanfield.h): the
 * representative SME's game from the model's own pricing, the scalar and
 * group-level maps, their ODE (GSL odeiv2) and the linear noise approximation of
 * the agent model's fluctuations around them. */
#include "models/meanfield.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>

#include "models/behaviour.h"
#include "models/lending.h"
#include "models/model.h"

static const char *const rule_names[] = {"off", "fixed", "best_response", "imitation"};

static const char *rule_name(int r)
{
    return r >= 0 && r < 4 ? rule_names[r] : "?";
}

/* Appends one line to the game's caveats (silently truncated). */
static void caveat(cr_mf_game *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void caveat(cr_mf_game *g, const char *fmt, ...)
{
    size_t used = strlen(g->caveats);
    if (used + 2 >= sizeof g->caveats)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->caveats + used, sizeof g->caveats - used - 1, fmt, ap);
    va_end(ap);
    used = strlen(g->caveats);
    g->caveats[used] = '\n';
    g->caveats[used + 1] = '\0';
}

/* The behaviours other than project choice must be off: the mean field follows the
 * risky share alone. */
static cr_status check_game(const cr_params *p, cr_diag *d)
{
    const cr_behaviour_params *bp = &p->behaviour;
    if (bp->risk.rule != CR_RULE_IMITATE)
        return cr_diag_set(d, CR_ECONFIG,
                           "meanfield integrates the replicator dynamics of learned project "
                           "choice: set behaviour.risk.rule: imitation (it is %s)",
                           rule_name(bp->risk.rule));
    const char *key = NULL, *is = NULL;
    if (bp->repayment.rule != CR_RULE_OFF)
        key = "behaviour.repayment.rule", is = rule_name(bp->repayment.rule);
    else if (bp->monitoring.rule != CR_RULE_OFF)
        key = "behaviour.monitoring.rule", is = rule_name(bp->monitoring.rule);
    else if (bp->channel.rule != CR_RULE_OFF)
        key = "behaviour.channel.rule", is = "logit";
    else if (bp->matching != CR_MATCH_RANDOM)
        key = "behaviour.matching", is = "free";
    else if (bp->records.sharing != CR_REC_NONE)
        key = "behaviour.records.sharing", is = "on";
    if (key)
        return cr_diag_set(d, CR_ECONFIG,
                           "meanfield covers learned project choice alone: %s must be off "
                           "(random matching, no records; it is %s)",
                           key, is);
    return CR_OK;
}

cr_status cr_meanfield_game(const cr_params *p, const cr_mode_type *mode, cr_mf_game *g, cr_diag *d)
{
    memset(g, 0, sizeof *g);
    cr_status st = check_game(p, d);
    if (st != CR_OK)
        return st;
    const cr_mode_params *mp = &p->mode[mode->slot];
    const unsigned c = mode->components;
    int n = (c & CR_C_GROUPS) ? (int)mp->members.size : 1;
    if (n > CR_MF_MAX_GROUP)
        return cr_diag_set(d, CR_ECONFIG,
                           "%s.members.size: meanfield follows groups of at most %d members "
                           "(it is %d)",
                           mode->name, CR_MF_MAX_GROUP, n);
    /* a model of one group prices the representative SME */
    cr_params *pc = malloc(sizeof *pc);
    if (!pc)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    *pc = *p;
    pc->population.smes = n;
    pc->network.generator = 0;
    pc->supply.generator = 0;
    pc->network.debtrank = 0;
    pc->network.clearing = 0;
    cr_model *m = NULL;
    st = cr_model_create(pc, &m, d);
    if (st != CR_OK) {
        free(pc);
        return st;
    }
    cr_model_set_mode(m, mode);

    const double ppy = m->ppy;
    const double pd = p->population.pd.mean;
    const double q = -expm1(log1p(-pd) / ppy); /* as an SME's per-period PD at entry */
    const double coll = p->population.collateral.mean;
    const double loan = p->population.loan_size.mean;
    const double equity = p->population.equity.ratio * loan;
    double lgd = 1.0 - p->loans.recovery - coll;
    lgd = lgd > 0.0 ? lgd : 0.0;
    /* the bank's price with exact information; joint liability is priced at what the
     * other members' equity can pay (as screening does) */
    double peers = m->group > 1 && m->members_layer >= 0 ? (double)(n - 1) * equity : -1.0;
    double sh[CR_HOLDER_COUNT], weight;
    double rate = cr_lend_price(m, q, lgd, loan, peers, -1.0, sh, &weight);
    /* the SME's cost per unit of loan (strategy.c, sme_cost) */
    double fees = 0.0;
    if (c & CR_C_GUARANTOR) {
        const int small = loan <= mp->guarantor.small_limit;
        double cover_gc = small ? m->cover_gc_small : m->cover_gc;
        double fee = m->gc_fee;
        if (mp->guarantor.fee_policy == CR_FEE_RISK_BASED && cover_gc > 0.0) {
            double annual =
                cr_lend_annual_pd(m, q) * sh[CR_H_GUARANTOR] / cover_gc + mp->guarantor.fee_margin;
            annual = annual < mp->guarantor.fee_min ? mp->guarantor.fee_min : annual;
            annual = annual > mp->guarantor.fee_max ? mp->guarantor.fee_max : annual;
            fee = expm1(log1p(annual) / ppy);
        }
        fees = fee * cover_gc;
        if (cr_lend_annual_pd(m, q) > mp->guarantor.max_pd)
            caveat(g,
                   "the guarantee company refuses the representative SME (annual PD %g > "
                   "%s.guarantor.max_pd %g): it would not borrow",
                   cr_lend_annual_pd(m, q), mode->name, mp->guarantor.max_pd);
        caveat(g, "the guarantee companies' capacity (leverage cap) is not modelled");
    }
    double members = 0.0;
    if (m->members_layer >= 0 && n > 1) {
        double shm[CR_HOLDER_COUNT];
        cr_waterfall_shares(&m->wf_pricing, lgd, shm);
        members = shm[CR_H_MEMBERS];
    }
    g->n = n;
    g->q = q;
    g->rate = rate;
    g->s_safe = 1.0 - q;
    g->s_risky = (1.0 - q) * m->bh.ratio;
    g->ret_safe = m->project_return;
    g->ret_risky = m->bh.ret_risky;
    g->cost = rate * (1.0 - mp->government.interest_subsidy) + fees + m->assoc_fee;
    g->fail_cost = coll + ((c & CR_C_MUTUAL_FUND) ? mp->mutual_fund.deposit : 0.0);
    g->members_share = members;
    g->lambda = p->behaviour.learning.revision_rate;
    g->range = p->behaviour.learning.payoff_range;

    /* where the experiment departs from the mean field's assumptions */
    if (q > m->max_pd)
        caveat(g, "the bank refuses the representative SME (PD above bank.max_pd)");
    if (rate > m->max_rate)
        caveat(g, "the bank refuses the representative SME (its rate is above bank.max_rate)");
    if (coll < mp->min_collateral)
        caveat(g,
               "the bank refuses the representative SME (collateral %g < %s.min_collateral "
               "%g)",
               coll, mode->name, mp->min_collateral);
    if (c & CR_C_MUTUAL_FUND)
        caveat(g, "the mutual fund's tranche pricing and credit line are not modelled (the "
                  "rate is priced without the fund)");
    if (p->population.demand_probability < 1.0)
        caveat(g,
               "population.demand_probability is %g: the mean field has every SME borrow "
               "every period",
               p->population.demand_probability);
    if (p->population.exclusion_periods > 0)
        caveat(g,
               "population.exclusion_periods is %lld: the mean field replaces failed SMEs "
               "at once",
               (long long)p->population.exclusion_periods);
    if (p->loans.maturity > 1)
        caveat(g, "loans.maturity is %lld: the mean field has one-period loans",
               (long long)p->loans.maturity);
    if (p->population.pd.distribution == CR_PD_BETA && p->population.pd.sd > 0.0)
        caveat(g, "population.pd varies across SMEs (sd %g): the mean field uses the mean PD",
               p->population.pd.sd);
    if (p->population.collateral.sd > 0.0)
        caveat(g, "population.collateral varies (sd %g): the mean field uses the mean",
               p->population.collateral.sd);
    if (n > 1 && (p->population.loan_size.cv > 0.0 || p->population.equity.cv > 0.0))
        caveat(g, "loan sizes or equity vary across members: the mean field has equal loans");
    if (p->bank.screening_noise > 0.0)
        caveat(g, "bank.screening_noise is %g: the mean field prices at the true PD",
               p->bank.screening_noise);
    if (p->economy.systemic_loading > 0.0 || p->economy.sector_loading > 0.0 ||
        p->economy.region_loading > 0.0)
        caveat(g, "common factors load (economy.*_loading): the mean field is the path of "
                  "independent failures");
    cr_model_free(&m);
    free(pc);
    return CR_OK;
}

double cr_meanfield_payoff(const cr_mf_game *g, int risky, double liability)
{
    cr_terms t = {
        .success = risky ? g->s_risky : g->s_safe,
        .ret = risky ? g->ret_risky : g->ret_safe,
        .cost = g->cost,
        .fail_cost = g->fail_cost,
        .liability = liability,
        .sanction = 0.0,
    };
    return cr_behav_payoff(&t);
}

double cr_meanfield_liability(const cr_mf_game *g, int risky, int k)
{
    const int n = g->n;
    if (n <= 1)
        return 0.0;
    const double qs = 1.0 - g->s_safe, qr = 1.0 - g->s_risky;
    /* the peers: the group's risky members but itself, and its safe ones */
    double kr = risky ? (double)(k - 1) : (double)k;
    double ks = (double)(n - 1) - kr;
    return (kr * qr + ks * qs) * g->members_share / (double)(n - 1);
}

double cr_meanfield_rhs(const cr_mf_game *g, double x)
{
    const double qs = 1.0 - g->s_safe, qr = 1.0 - g->s_risky;
    const double qbar = x * qr + (1.0 - x) * qs;
    const double liab = g->n > 1 ? qbar * g->members_share : 0.0;
    const double us = cr_meanfield_payoff(g, 0, liab), ur = cr_meanfield_payoff(g, 1, liab);
    const double net = cr_behav_switch_probability(us, ur, g->range) -
                       cr_behav_switch_probability(ur, us, g->range);
    return x * (1.0 - x) * (g->lambda * g->s_safe * g->s_risky * net - (qr - qs)) / (1.0 - qbar);
}

/* ---------------------------------------------------------------- group map */
/* Binomial pmf out[0..m] of m trials with success probability p. */
static void binom(int m, double p, double *out)
{
    for (int j = 0; j <= m; j++)
        out[j] = gsl_ran_binomial_pdf((unsigned)j, p, (unsigned)m);
}

/* Per-composition payoffs and the revision probabilities given the aggregates
 * A[k] (share of slots holding a risky survivor of a group with k risky members)
 * and B[k] (safe survivors): sig_s[k], for a safe member of a k-group, and sig_r[k]. */
typedef struct {
    double ur[CR_MF_MAX_GROUP + 1], us[CR_MF_MAX_GROUP + 1];
    /* clip(U_r(k') - U_s(k)) / range: up[k * (n + 1) + k'], and the other way */
    double up[(CR_MF_MAX_GROUP + 1) * (CR_MF_MAX_GROUP + 1)];
    double down[(CR_MF_MAX_GROUP + 1) * (CR_MF_MAX_GROUP + 1)];
} mf_tables;

static void tables(const cr_mf_game *g, mf_tables *tb)
{
    const int n = g->n;
    for (int k = 0; k <= n; k++) {
        tb->ur[k] = k >= 1 ? cr_meanfield_payoff(g, 1, cr_meanfield_liability(g, 1, k)) : NAN;
        tb->us[k] = k <= n - 1 ? cr_meanfield_payoff(g, 0, cr_meanfield_liability(g, 0, k)) : NAN;
    }
    for (int k = 0; k <= n; k++)
        for (int kp = 0; kp <= n; kp++) {
            size_t i = (size_t)k * (size_t)(n + 1) + (size_t)kp;
            tb->up[i] = k <= n - 1 && kp >= 1
                            ? cr_behav_switch_probability(tb->us[k], tb->ur[kp], g->range)
                            : 0.0;
            tb->down[i] = k >= 1 && kp <= n - 1
                              ? cr_behav_switch_probability(tb->ur[k], tb->us[kp], g->range)
                              : 0.0;
        }
}

static void revisions(const cr_mf_game *g, const mf_tables *tb, const double *A, const double *B,
                      double *sig_s, double *sig_r)
{
    const int n = g->n;
    for (int k = 0; k <= n; k++) {
        double ss = 0.0, sr = 0.0;
        for (int kp = 0; kp <= n; kp++) {
            size_t i = (size_t)k * (size_t)(n + 1) + (size_t)kp;
            ss += A[kp] * tb->up[i];
            sr += B[kp] * tb->down[i];
        }
        sig_s[k] = g->lambda * ss;
        sig_r[k] = g->lambda * sr;
    }
}

/* The map with the tables already computed. */
static void step_tb(const cr_mf_game *g, const mf_tables *tb, const double *pi, double *next)
{
    const int n = g->n;
    const double sr = g->s_risky, ss = g->s_safe, qr = 1.0 - sr, qs = 1.0 - ss;
    double A[CR_MF_MAX_GROUP + 1] = {0}, B[CR_MF_MAX_GROUP + 1] = {0};
    double sig_s[CR_MF_MAX_GROUP + 1], sig_r[CR_MF_MAX_GROUP + 1];
    double surv = 0.0, risky_after = 0.0;
    for (int k = 0; k <= n; k++) {
        A[k] = pi[k] * (double)k / (double)n * sr;
        B[k] = pi[k] * (double)(n - k) / (double)n * ss;
        surv += A[k] + B[k];
    }
    revisions(g, tb, A, B, sig_s, sig_r);
    for (int k = 0; k <= n; k++)
        risky_after += A[k] * (1.0 - sig_r[k]) + B[k] * sig_s[k];
    /* entrants copy a survivor: the survivors' risky share after revisions */
    const double y = surv > 0.0 ? risky_after / surv : 0.0;
    double br[CR_MF_MAX_GROUP + 1], bs[CR_MF_MAX_GROUP + 1];
    for (int j = 0; j <= n; j++)
        next[j] = 0.0;
    for (int k = 0; k <= n; k++) {
        if (pi[k] == 0.0)
            continue;
        /* each member's type next period: independent given the aggregates */
        double p_rr = sr * (1.0 - sig_r[k]) + qr * y;
        double p_sr = ss * sig_s[k] + qs * y;
        binom(k, p_rr, br);
        binom(n - k, p_sr, bs);
        for (int a = 0; a <= k; a++)
            for (int b = 0; b <= n - k; b++)
                next[a + b] += pi[k] * br[a] * bs[b];
    }
}

void cr_meanfield_step(const cr_mf_game *g, const double *pi, double *next)
{
    mf_tables *tb = malloc(sizeof *tb);
    if (!tb) {
        for (int j = 0; j <= g->n; j++)
            next[j] = NAN;
        return;
    }
    tables(g, tb);
    step_tb(g, tb, pi, next);
    free(tb);
}

static double share_of(const double *pi, int n)
{
    double x = 0.0;
    for (int k = 0; k <= n; k++)
        x += pi[k] * (double)k;
    return x / (double)n;
}

typedef struct {
    const cr_mf_game *g;
    const mf_tables *tb;
} ode_ctx;

static int ode_rhs(double t, const double y[], double dydt[], void *params)
{
    (void)t;
    const ode_ctx *c = params;
    step_tb(c->g, c->tb, y, dydt);
    for (int k = 0; k <= c->g->n; k++)
        dydt[k] -= y[k];
    return GSL_SUCCESS;
}

cr_status cr_meanfield_path(const cr_mf_game *g, double x0, int periods, int discrete, double *x,
                            cr_diag *d)
{
    const int n = g->n;
    const size_t dim = (size_t)n + 1;
    mf_tables *tb = malloc(sizeof *tb);
    double *pi = malloc(2 * dim * sizeof *pi);
    if (!tb || !pi) {
        free(tb);
        free(pi);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    tables(g, tb);
    binom(n, x0, pi);
    x[0] = x0;
    cr_status st = CR_OK;
    if (discrete) {
        double *nx = pi + dim;
        for (int t = 1; t <= periods; t++) {
            step_tb(g, tb, pi, nx);
            memcpy(pi, nx, dim * sizeof *pi);
            x[t] = share_of(pi, n);
        }
    } else {
        ode_ctx ctx = {g, tb};
        gsl_odeiv2_system sys = {ode_rhs, NULL, dim, &ctx};
        gsl_odeiv2_driver *drv =
            gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-10, 1e-10);
        if (!drv)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        double t = 0.0;
        for (int k = 1; st == CR_OK && k <= periods; k++) {
            int rc = gsl_odeiv2_driver_apply(drv, &t, (double)k, pi);
            if (rc != GSL_SUCCESS)
                st = cr_diag_set(d, CR_ENUMERIC,
                                 "meanfield: the ODE integrator failed at period %d (%s)", k,
                                 gsl_strerror(rc));
            else
                x[k] = share_of(pi, n);
        }
        if (drv)
            gsl_odeiv2_driver_free(drv);
    }
    free(tb);
    free(pi);
    return st;
}

/* ----------------------------------------------------------- fluctuations */
/* Index of a group's stage-1 outcome (k risky members, r risky and s safe survivors). */
typedef struct {
    int k, r, s;
} cat1;

/* d/dp of the binomial pmf out[0..m] of m trials: m (b(j-1; m-1) - b(j; m-1)). */
static void dbinom(int m, double p, double *out)
{
    if (m == 0) {
        out[0] = 0.0;
        return;
    }
    for (int j = 0; j <= m; j++) {
        double lo = j >= 1 ? gsl_ran_binomial_pdf((unsigned)(j - 1), p, (unsigned)(m - 1)) : 0.0;
        double hi = j <= m - 1 ? gsl_ran_binomial_pdf((unsigned)j, p, (unsigned)(m - 1)) : 0.0;
        out[j] = (double)m * (lo - hi);
    }
}

/* c[0..ma+mb] = a[0..ma] * b[0..mb] (convolution) */
static void conv(const double *a, int ma, const double *b, int mb, double *c)
{
    for (int j = 0; j <= ma + mb; j++)
        c[j] = 0.0;
    for (int i = 0; i <= ma; i++)
        for (int j = 0; j <= mb; j++)
            c[i + j] += a[i] * b[j];
}

/* One period's noise covariance Q (dim x dim, for one SME) at composition pi, and
 * the stages' mean next[] (a cross-check of the map). Stage 1: each member survives
 * or fails; stage 2: survivors revise, with the rates set by the realised survivors
 * (the aggregates A and B); stage 3: entrants copy the realised survivors' share. */
static cr_status period_noise(const cr_mf_game *g, const mf_tables *tb, const double *pi, double *Q,
                              double *next)
{
    const int n = g->n < 1 ? 1 : g->n;
    const int dim = n + 1, dim2 = dim * dim; /* stage-2 outcome (a, f): a + f * dim */
    const double sr = g->s_risky, ss = g->s_safe;
    const double lam = g->lambda;
    int n1 = 0;
    for (int k = 0; k <= n; k++)
        n1 += (k + 1) * (n - k + 1);
    cat1 *c1 = malloc((size_t)n1 * sizeof *c1);
    double *p1 = malloc((size_t)n1 * sizeof *p1);                /* P(stage-1 outcome | k) */
    double *rho1 = malloc((size_t)n1 * sizeof *rho1);            /* mean share of groups */
    double *H2 = calloc((size_t)n1 * (size_t)dim, sizeof *H2);   /* P(a | outcome) */
    double *dHr = calloc((size_t)n1 * (size_t)dim, sizeof *dHr); /* dH2 / d sig_r(k) */
    double *dHs = calloc((size_t)n1 * (size_t)dim, sizeof *dHs); /* dH2 / d sig_s(k) */
    double *M2 = calloc((size_t)dim2 * (size_t)n1, sizeof *M2);
    double *C2 = calloc((size_t)dim2 * (size_t)dim2, sizeof *C2);
    double *M3 = calloc((size_t)dim * (size_t)dim2, sizeof *M3);
    double *tmp = calloc((size_t)dim * (size_t)dim2, sizeof *tmp);
    double *Dr = calloc((size_t)dim2 * (size_t)dim, sizeof *Dr); /* [(a,f)][k] */
    double *Ds = calloc((size_t)dim2 * (size_t)dim, sizeof *Ds);
    double *rho2 = calloc((size_t)dim2, sizeof *rho2);
    double *v = calloc((size_t)dim2, sizeof *v);
    if (!c1 || !p1 || !rho1 || !H2 || !dHr || !dHs || !M2 || !C2 || !M3 || !tmp || !Dr || !Ds ||
        !rho2 || !v) {
        free(c1), free(p1), free(rho1), free(H2), free(dHr), free(dHs), free(M2), free(C2);
        free(M3), free(tmp), free(Dr), free(Ds), free(rho2), free(v);
        return CR_ENOMEM;
    }
    double A[CR_MF_MAX_GROUP_NOISE + 1] = {0}, B[CR_MF_MAX_GROUP_NOISE + 1] = {0};
    double sig_s[CR_MF_MAX_GROUP_NOISE + 1], sig_r[CR_MF_MAX_GROUP_NOISE + 1];
    double br[CR_MF_MAX_GROUP_NOISE + 1], bs[CR_MF_MAX_GROUP_NOISE + 1];
    double ar[CR_MF_MAX_GROUP_NOISE + 1], as[CR_MF_MAX_GROUP_NOISE + 1];
    double da[CR_MF_MAX_GROUP_NOISE + 1], ha[CR_MF_MAX_GROUP_NOISE + 1];
    /* stage 1 */
    int i = 0;
    for (int k = 0; k <= n; k++) {
        binom(k, sr, br);
        binom(n - k, ss, bs);
        for (int r = 0; r <= k; r++)
            for (int s = 0; s <= n - k; s++, i++) {
                c1[i] = (cat1){k, r, s};
                p1[i] = br[r] * bs[s];
                rho1[i] = pi[k] * p1[i];
                A[k] += rho1[i] * (double)r / (double)n;
                B[k] += rho1[i] * (double)s / (double)n;
            }
    }
    revisions(g, tb, A, B, sig_s, sig_r);
    /* stage 2: a = Bin(r, 1 - sig_r(k)) + Bin(s, sig_s(k)), f = n - r - s */
    for (i = 0; i < n1; i++) {
        const cat1 c = c1[i];
        const int f = n - c.r - c.s;
        binom(c.r, 1.0 - sig_r[c.k], ar);
        binom(c.s, sig_s[c.k], as);
        conv(ar, c.r, as, c.s, ha);
        for (int a = 0; a <= c.r + c.s; a++)
            H2[(size_t)i * (size_t)dim + (size_t)a] = ha[a];
        /* d/d sig_r: the stay probability is 1 - sig_r */
        dbinom(c.r, 1.0 - sig_r[c.k], da);
        for (int a = 0; a <= c.r; a++)
            da[a] = -da[a];
        conv(da, c.r, as, c.s, ha);
        for (int a = 0; a <= c.r + c.s; a++)
            dHr[(size_t)i * (size_t)dim + (size_t)a] = ha[a];
        dbinom(c.s, sig_s[c.k], da);
        conv(ar, c.r, da, c.s, ha);
        for (int a = 0; a <= c.r + c.s; a++)
            dHs[(size_t)i * (size_t)dim + (size_t)a] = ha[a];
        for (int a = 0; a <= c.r + c.s; a++) {
            size_t o = ((size_t)a + (size_t)f * (size_t)dim);
            rho2[o] += rho1[i] * H2[(size_t)i * (size_t)dim + (size_t)a];
            Dr[o * (size_t)dim + (size_t)c.k] += rho1[i] * dHr[(size_t)i * (size_t)dim + (size_t)a];
            Ds[o * (size_t)dim + (size_t)c.k] += rho1[i] * dHs[(size_t)i * (size_t)dim + (size_t)a];
        }
    }
    /* M2 = d E[rho2] / d rho1: directly, and through the aggregates in the rates */
    for (int j = 0; j < n1; j++) {
        const cat1 c = c1[j];
        const int f = n - c.r - c.s;
        for (int a = 0; a <= c.r + c.s; a++)
            M2[((size_t)a + (size_t)f * (size_t)dim) * (size_t)n1 + (size_t)j] +=
                H2[(size_t)j * (size_t)dim + (size_t)a];
        for (int o = 0; o < dim2; o++) {
            double s = 0.0;
            for (int k = 0; k <= n; k++) {
                size_t ik = (size_t)k * (size_t)dim + (size_t)c.k;
                /* d sig_s(k) / d rho1_j = lam (r / n) up[k][c.k]; d sig_r(k) = lam (s / n) down */
                s += Ds[(size_t)o * (size_t)dim + (size_t)k] * lam * (double)c.r / (double)n *
                     tb->up[ik];
                s += Dr[(size_t)o * (size_t)dim + (size_t)k] * lam * (double)c.s / (double)n *
                     tb->down[ik];
            }
            M2[(size_t)o * (size_t)n1 + (size_t)j] += s;
        }
    }
    /* Cov(rho2) = M2 Cov(rho1) M2' + stage-2 noise, per SME (x n: groups are N / n).
     * Cov(rho1) = sum_k pi_k (diag(p1_k) - p1_k p1_k'). */
    for (int k = 0, i0 = 0; k <= n; k++) {
        int nk = (k + 1) * (n - k + 1);
        if (pi[k] > 0.0) {
            for (int o = 0; o < dim2; o++) {
                double s = 0.0;
                for (int j = i0; j < i0 + nk; j++)
                    s += M2[(size_t)o * (size_t)n1 + (size_t)j] * p1[j];
                v[o] = s;
            }
            for (int j = i0; j < i0 + nk; j++) {
                const double w = pi[k] * p1[j];
                if (w == 0.0)
                    continue;
                for (int o = 0; o < dim2; o++) {
                    double mo = M2[(size_t)o * (size_t)n1 + (size_t)j];
                    if (mo == 0.0)
                        continue;
                    for (int o2 = 0; o2 < dim2; o2++)
                        C2[(size_t)o * (size_t)dim2 + (size_t)o2] +=
                            w * mo * M2[(size_t)o2 * (size_t)n1 + (size_t)j];
                }
            }
            for (int o = 0; o < dim2; o++)
                for (int o2 = 0; o2 < dim2; o2++)
                    C2[(size_t)o * (size_t)dim2 + (size_t)o2] -= pi[k] * v[o] * v[o2];
        }
        i0 += nk;
    }
    for (i = 0; i < n1; i++) {
        const cat1 c = c1[i];
        const int f = n - c.r - c.s;
        const double *h = H2 + (size_t)i * (size_t)dim;
        for (int a = 0; a <= c.r + c.s; a++) {
            size_t oa = ((size_t)a + (size_t)f * (size_t)dim);
            C2[oa * (size_t)dim2 + oa] += rho1[i] * h[a];
            for (int b = 0; b <= c.r + c.s; b++)
                C2[oa * (size_t)dim2 + ((size_t)b + (size_t)f * (size_t)dim)] -=
                    rho1[i] * h[a] * h[b];
        }
    }
    /* stage 3: pi'_j = sum rho2(a, f) b(j - a; f, y), y = survivors' risky share */
    double num = 0.0, den = 0.0;
    for (int f = 0; f <= n; f++)
        for (int a = 0; a + f <= n; a++) {
            num += rho2[a + f * dim] * (double)a;
            den += rho2[a + f * dim] * (double)(n - f);
        }
    const double y = den > 0.0 ? num / den : 0.0;
    double D3[CR_MF_MAX_GROUP_NOISE + 1] = {0};
    for (int j = 0; j <= n; j++)
        next[j] = 0.0;
    for (int f = 0; f <= n; f++) {
        binom(f, y, br);
        dbinom(f, y, da);
        for (int a = 0; a + f <= n; a++) {
            const double r2 = rho2[a + f * dim];
            for (int e = 0; e <= f; e++) {
                next[a + e] += r2 * br[e];
                D3[a + e] += r2 * da[e];
                M3[((size_t)a + (size_t)e) * (size_t)dim2 +
                   ((size_t)a + (size_t)f * (size_t)dim)] += br[e];
            }
        }
    }
    for (int j = 0; j <= n; j++)
        for (int f = 0; f <= n; f++)
            for (int a = 0; a + f <= n; a++)
                M3[(size_t)j * (size_t)dim2 + ((size_t)a + (size_t)f * (size_t)dim)] +=
                    D3[j] * ((double)a - y * (double)(n - f)) / den;
    /* Q = M3 C2 M3' + stage-3 noise */
    for (int j = 0; j < dim; j++)
        for (int o = 0; o < dim2; o++) {
            double s = 0.0;
            for (int o2 = 0; o2 < dim2; o2++)
                s += M3[(size_t)j * (size_t)dim2 + (size_t)o2] *
                     C2[(size_t)o2 * (size_t)dim2 + (size_t)o];
            tmp[(size_t)j * (size_t)dim2 + (size_t)o] = s;
        }
    for (int j = 0; j < dim; j++)
        for (int l = 0; l < dim; l++) {
            double s = 0.0;
            for (int o = 0; o < dim2; o++)
                s += tmp[(size_t)j * (size_t)dim2 + (size_t)o] *
                     M3[(size_t)l * (size_t)dim2 + (size_t)o];
            Q[j * dim + l] = s;
        }
    for (int f = 0; f <= n; f++) {
        binom(f, y, br);
        for (int a = 0; a + f <= n; a++) {
            const double r2 = rho2[a + f * dim];
            for (int e = 0; e <= f; e++) {
                Q[(a + e) * dim + (a + e)] += r2 * br[e];
                for (int e2 = 0; e2 <= f; e2++)
                    Q[(a + e) * dim + (a + e2)] -= r2 * br[e] * br[e2];
            }
        }
    }
    for (int j = 0; j < dim * dim; j++)
        Q[j] *= (double)n; /* N / n groups: per SME */
    free(c1), free(p1), free(rho1), free(H2), free(dHr), free(dHs), free(M2), free(C2);
    free(M3), free(tmp), free(Dr), free(Ds), free(rho2), free(v);
    return CR_OK;
}

cr_status cr_meanfield_covariance(const cr_mf_game *g, double x0, int periods, double *cov,
                                  cr_diag *d)
{
    const int n = g->n, dim = n + 1;
    if (n > CR_MF_MAX_GROUP_NOISE)
        return cr_diag_set(d, CR_EINVAL,
                           "meanfield: fluctuations are computed for groups of at most %d "
                           "members (it is %d)",
                           CR_MF_MAX_GROUP_NOISE, n);
    const size_t T = (size_t)periods + 1, dd = (size_t)dim * (size_t)dim;
    mf_tables *tb = malloc(sizeof *tb);
    double *pi = calloc(T * (size_t)dim, sizeof *pi); /* the map's path */
    double *C = calloc(T * dd, sizeof *C);            /* Cov(pi_t) */
    double *J = calloc(T * dd, sizeof *J);            /* d pi_{t+1} / d pi_t */
    double *Q = calloc(dd, sizeof *Q), *tmp = calloc(dd, sizeof *tmp);
    double *next = calloc(2 * (size_t)dim, sizeof *next);
    double *pp = calloc(3 * (size_t)dim, sizeof *pp);
    if (!tb || !pi || !C || !J || !Q || !tmp || !next || !pp) {
        free(tb), free(pi), free(C), free(J), free(Q), free(tmp), free(next), free(pp);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    tables(g, tb);
    cr_status st = CR_OK;
    /* the initial compositions: N / n independent binomial(n, x0) groups */
    double *b0 = pi;
    binom(n, x0, b0);
    for (int j = 0; j < dim; j++)
        for (int l = 0; l < dim; l++)
            C[j * dim + l] = (double)n * ((j == l ? b0[j] : 0.0) - b0[j] * b0[l]);
    for (size_t t = 0; st == CR_OK && t + 1 < T; t++) {
        const double *p = pi + t * (size_t)dim;
        double *pn = pi + (t + 1) * (size_t)dim;
        step_tb(g, tb, p, pn);
        st = period_noise(g, tb, p, Q, next);
        if (st != CR_OK) {
            cr_diag_set(d, st, "out of memory");
            break;
        }
        for (int j = 0; j < dim; j++)
            if (fabs(next[j] - pn[j]) > 1e-12) {
                st = cr_diag_set(d, CR_ENUMERIC,
                                 "meanfield: the noise stages' mean differs from the map at "
                                 "period %zu (composition %d: %.17g vs %.17g)",
                                 t, j, next[j], pn[j]);
                break;
            }
        /* the map's Jacobian by central differences (the map is a polynomial in pi
         * over the survivors' share: smooth) */
        double *Jt = J + t * dd;
        const double h = 1e-6;
        for (int l = 0; st == CR_OK && l < dim; l++) {
            memcpy(pp, p, (size_t)dim * sizeof *pp);
            pp[l] = p[l] + h;
            step_tb(g, tb, pp, next);
            pp[l] = p[l] - h;
            step_tb(g, tb, pp, next + dim);
            for (int j = 0; j < dim; j++)
                Jt[j * dim + l] = (next[j] - next[dim + j]) / (2.0 * h);
        }
        /* C_{t+1} = J C_t J' + Q */
        const double *Ct = C + t * dd;
        double *Cn = C + (t + 1) * dd;
        for (int j = 0; j < dim; j++)
            for (int l = 0; l < dim; l++) {
                double s = 0.0;
                for (int m = 0; m < dim; m++)
                    s += Jt[j * dim + m] * Ct[m * dim + l];
                tmp[j * dim + l] = s;
            }
        for (int j = 0; j < dim; j++)
            for (int l = 0; l < dim; l++) {
                double s = 0.0;
                for (int m = 0; m < dim; m++)
                    s += tmp[j * dim + m] * Jt[l * dim + m];
                Cn[j * dim + l] = s + Q[j * dim + l];
            }
    }
    /* Cov(x_t, x_s) = w' J_{t-1} ... J_s C_s w, w_k = k / n */
    for (size_t s = 0; st == CR_OK && s < T; s++) {
        double *vv = next, *vn = next + dim;
        const double *Cs = C + s * dd;
        for (int j = 0; j < dim; j++) {
            double a = 0.0;
            for (int l = 0; l < dim; l++)
                a += Cs[j * dim + l] * (double)l / (double)n;
            vv[j] = a;
        }
        for (size_t t = s; t < T; t++) {
            double c = 0.0;
            for (int j = 0; j < dim; j++)
                c += (double)j / (double)n * vv[j];
            cov[t * T + s] = cov[s * T + t] = c;
            if (t + 1 < T) {
                const double *Jt = J + t * dd;
                for (int j = 0; j < dim; j++) {
                    double a = 0.0;
                    for (int l = 0; l < dim; l++)
                        a += Jt[j * dim + l] * vv[l];
                    vn[j] = a;
                }
                memcpy(vv, vn, (size_t)dim * sizeof *vv);
            }
        }
    }
    free(tb), free(pi), free(C), free(J), free(Q), free(tmp), free(next), free(pp);
    return st;
}
