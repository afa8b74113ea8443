#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "models/lending.h"

void cr_model_stream(const cr_model *m, gsl_rng *r, int period, unsigned purpose, uint64_t entity)
{
    cr_rng_key key = {m->replication, (uint64_t)period, purpose, entity};
    cr_rng_stream(cr_rng_gsl_state(r), &m->root, &key);
}

void cr_model_set_period(cr_model *m, int t)
{
    for (unsigned k = 0; k < CR_PURPOSE_MAX; k++)
        cr_rng_prefix_init(&m->pre[k], &m->root, m->replication, (uint64_t)t, k);
    cr_rng_prefix_init(&m->pre_entry, &m->root, m->replication, (uint64_t)t + 1, CR_P_ENTRY);
}

static double per_period(double annual, double ppy)
{
    return expm1(log1p(annual) / ppy);
}

static double pd_per_period(double annual, double ppy)
{
    return -expm1(log1p(-annual) / ppy);
}

/* The integrand of the k-th moment of logit(per-period PD) under the annual Beta. */
typedef struct {
    double a, b, ppy;
    int k;
} moment_args;

static double logit_moment(double x, void *params)
{
    const moment_args *ma = params;
    double q = pd_per_period(x, ma->ppy);
    double l = log(q) - log1p(-q);
    double dens = gsl_ran_beta_pdf(x, ma->a, ma->b);
    return (ma->k == 1 ? l : l * l) * dens;
}

static void beta_params(double mean, double sd, double *a, double *b);

cr_status cr_lender_prior(const cr_params *p, double *mean, double *prec, char *why, size_t len)
{
    double ppy = (double)p->experiment.periods_per_year;
    if (p->population.pd.distribution == CR_PD_FIXED || p->population.pd.sd <= 0) {
        double q = pd_per_period(p->population.pd.mean, ppy);
        *mean = log(q) - log1p(-q);
        *prec = INFINITY;
        return CR_OK;
    }
    double a, b;
    beta_params(p->population.pd.mean, p->population.pd.sd, &a, &b);
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    if (!w)
        return CR_ENOMEM;
    moment_args ma = {a, b, ppy, 1};
    gsl_function f = {logit_moment, &ma};
    double m1 = 0.0, m2 = 0.0, err = 0.0;
    int rc = gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-10, 1000, w, &m1, &err);
    ma.k = 2;
    if (rc == GSL_SUCCESS)
        rc = gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-10, 1000, w, &m2, &err);
    gsl_integration_workspace_free(w);
    double var = m2 - m1 * m1;
    if (rc != GSL_SUCCESS || !(var > 0) || !isfinite(m1)) {
        snprintf(why, len,
                 "a beta PD with mean %g and sd %g (shape parameters %.3g and %.3g) is too "
                 "dispersed to compute the lenders' prior on logit PD (%s); use a smaller sd",
                 p->population.pd.mean, p->population.pd.sd, a, b,
                 rc != GSL_SUCCESS ? gsl_strerror(rc) : "zero variance");
        return CR_ECONFIG;
    }
    *mean = m1;
    *prec = 1.0 / var;
    return CR_OK;
}

static void beta_params(double mean, double sd, double *a, double *b)
{
    double k = mean * (1.0 - mean) / (sd * sd) - 1.0;
    *a = mean * k;
    *b = (1.0 - mean) * k;
}

static void lognormal_params(double mean, double cv, double *mu, double *sigma)
{
    double s2 = log1p(cv * cv);
    *sigma = sqrt(s2);
    *mu = log(mean) - 0.5 * s2;
}

cr_status cr_model_create(const cr_params *p, cr_model **out, cr_diag *d)
{
    cr_model *m = calloc(1, sizeof *m);
    if (!m)
        return CR_ENOMEM;
    m->p = p;
    m->periods = (int)p->experiment.periods;
    m->ppy = (double)p->experiment.periods_per_year;
    m->funding = per_period(p->bank.funding_rate, m->ppy);
    double coe = per_period(p->bank.cost_of_equity, m->ppy);
    double excess = coe > m->funding ? coe - m->funding : 0.0;
    m->capital_cost = p->bank.capital_ratio_min * p->bank.risk_weight * excess;
    m->margin = per_period(p->bank.margin, m->ppy);
    m->project_return = per_period(p->loans.project_return, m->ppy);
    m->max_rate = per_period(p->bank.max_rate, m->ppy);
    m->max_pd = pd_per_period(p->bank.max_pd, m->ppy);
    m->w_z = p->economy.systemic_loading;
    m->w_s = p->economy.sector_loading;
    m->w_g = p->economy.region_loading;
    double rest = 1.0 - m->w_z * m->w_z - m->w_s * m->w_s - m->w_g * m->w_g;
    m->w_e = rest > 0.0 ? sqrt(rest) : 0.0;
    m->tau_bank = p->bank.screening_noise > 0
                      ? 1.0 / (p->bank.screening_noise * p->bank.screening_noise)
                      : INFINITY;
    if (p->population.pd.distribution == CR_PD_BETA && p->population.pd.sd > 0)
        beta_params(p->population.pd.mean, p->population.pd.sd, &m->beta_a, &m->beta_b);
    if (p->population.collateral.sd > 0)
        beta_params(p->population.collateral.mean, p->population.collateral.sd, &m->coll_a,
                    &m->coll_b);
    lognormal_params(p->population.loan_size.mean, p->population.loan_size.cv, &m->loan_mu,
                     &m->loan_sigma);
    lognormal_params(1.0, p->population.equity.cv, &m->eq_mu, &m->eq_sigma);
    cr_rng_root_init(&m->root, p->experiment.seed);

    char why[512];
    cr_status st = cr_lender_prior(p, &m->prior_mean, &m->prior_prec, why, sizeof why);
    if (st == CR_ECONFIG)
        cr_diag_set(d, st, "population.pd.sd: %s", why);
    size_t nsme = (size_t)p->population.smes, nbank = (size_t)p->population.banks;
    if (st == CR_OK)
        st = cr_world_create(nsme, nbank, &m->world);
    if (st == CR_OK)
        st = cr_blocksum_init(&m->acc, nsme, CR_A_COUNT);
    if (st == CR_OK)
        st = cr_blocksum_init(&m->bacc, nsme, nbank * CR_B_COUNT);
    if (st == CR_OK) {
        m->sector_factor = calloc((size_t)p->population.sectors, sizeof *m->sector_factor);
        m->region_factor = calloc((size_t)p->population.regions, sizeof *m->region_factor);
        m->bank_sum = calloc(nbank * CR_B_COUNT, sizeof *m->bank_sum);
        m->values = calloc((size_t)CR_METRIC_COUNT * (size_t)m->periods, sizeof *m->values);
        m->grng = cr_rng_gsl_alloc();
        if (!m->sector_factor || !m->region_factor || !m->bank_sum || !m->values || !m->grng)
            st = CR_ENOMEM;
    }
    if (st != CR_OK) {
        cr_model_free(&m);
        if (st == CR_ENOMEM)
            cr_diag_set(d, st, "out of memory creating a world of %zu SMEs and %zu banks", nsme,
                        nbank);
        return st;
    }
    *out = m;
    return CR_OK;
}

void cr_model_free(cr_model **mp)
{
    if (!mp || !*mp)
        return;
    cr_model *m = *mp;
    cr_world_free(&m->world);
    if (m->acc.v)
        cr_blocksum_destroy(&m->acc);
    if (m->bacc.v)
        cr_blocksum_destroy(&m->bacc);
    free(m->sector_factor);
    free(m->region_factor);
    free(m->bank_sum);
    free(m->values);
    if (m->grng)
        gsl_rng_free(m->grng);
    free(m);
    *mp = NULL;
}

/* set-up sweep: the initial population (entrants of period 0) and each bank's
 * demand, which sizes its initial capital */
static void init_agents(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    double *row = cr_blocksum_row(&m->bacc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        cr_lend_new_sme(m, sw->rng, i);
        s->flags[i] = 0;
        row[(size_t)s->bank[i] * CR_B_COUNT + CR_B_INIT_DEMAND] += s->demand[i];
    }
}

cr_status cr_model_run_unit(cr_model *m, const cr_engine *e, const cr_mode_type *mode, uint64_t rep,
                            cr_diag *d)
{
    const cr_params *p = m->p;
    size_t nsme = m->world->sme.n;
    cr_banks *b = &m->world->bank;
    m->mode = mode;
    m->replication = rep;
    m->z = 0.0;
    for (size_t k = 0; k < (size_t)CR_METRIC_COUNT * (size_t)m->periods; k++)
        m->values[k] = NAN;
    cr_diag_clear(&m->diag);

    cr_blocksum_zero(&m->bacc);
    cr_rng_prefix_init(&m->pre_entry, &m->root, rep, 0, CR_P_ENTRY);
    cr_engine_sweep(e, init_agents, m, nsme, 0);
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    for (size_t k = 0; k < b->n; k++) {
        double demand = m->bank_sum[k * CR_B_COUNT + CR_B_INIT_DEMAND];
        b->capital[k] = p->bank.initial_capital_ratio * p->bank.risk_weight * demand;
        b->cash[k] = b->capital[k];
        b->loans[k] = 0.0;
        b->deposits[k] = 0.0;
        b->accept[k] = 1.0;
    }
    for (int t = 0; t < m->periods; t++) {
        cr_status st = cr_engine_period(e, &mode->phases, m, nsme, t);
        if (st != CR_OK) {
            if (m->diag.msg[0])
                cr_diag_set(d, st, "mode %s, replication %llu: %s", mode->name,
                            (unsigned long long)rep, m->diag.msg);
            else
                cr_diag_set(d, st, "mode %s, replication %llu, period %d: %s", mode->name,
                            (unsigned long long)rep, t, cr_status_message(st));
            return st;
        }
    }
    return CR_OK;
}
