#include "models/model.h"
#include "models/panel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "models/lending.h"
#include "models/netgen.h"
#include "models/strategy.h"

void cr_model_stream(const cr_model *m, gsl_rng *r, int period, unsigned purpose, uint64_t entity)
{
    cr_rng_key key = {m->replication, (uint64_t)period, purpose, entity};
    cr_rng_stream(cr_rng_gsl_state(r), &m->root, &key);
}

void cr_model_set_period(cr_model *m, int t)
{
    for (unsigned k = 0; k < CR_PURPOSE_MAX; k++)
        cr_rng_prefix_init(&m->pre[k], &m->root, m->replication, (uint64_t)t, k);
    cr_rng_prefix_init(&m->pre_entry, &m->root, m->replication, (uint64_t)t, CR_P_ENTRY);
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
    int k;         /* 1: l, 2: l^2, 3: (l - c)^2 */
    double centre; /* c */
} moment_args;

static double logit_moment(double x, void *params)
{
    const moment_args *ma = params;
    double q = pd_per_period(x, ma->ppy);
    double l = log(q) - log1p(-q);
    double dens = gsl_ran_beta_pdf(x, ma->a, ma->b);
    double d = l - ma->centre;
    return (ma->k == 1 ? l : ma->k == 2 ? l * l : d * d) * dens;
}

/* The moments over the beta's effective support (its 1e-14 and 1 - 1e-14
 * quantiles, or mean +- 50 sd when GSL's quantiles fail for huge shapes), the
 * variance as a central moment: for narrow betas, where integrating over [0, 1]
 * misses the spike and m2 - m1^2 cancels. */
static int narrow_moments(moment_args *ma, double mean, double sd, gsl_integration_workspace *w,
                          double *m1, double *var)
{
    double lo = gsl_cdf_beta_Pinv(1e-14, ma->a, ma->b), hi = gsl_cdf_beta_Qinv(1e-14, ma->a, ma->b);
    if (!(lo >= 0.0) || !(hi <= 1.0) || !(hi > lo) || (lo == 0.0 && hi == 1.0)) {
        lo = fmax(0.0, mean - 50.0 * sd);
        hi = fmin(1.0, mean + 50.0 * sd);
    }
    gsl_function f = {logit_moment, ma};
    double err = 0.0;
    ma->k = 1;
    ma->centre = 0.0;
    int rc = gsl_integration_qags(&f, lo, hi, 0.0, 1e-10, 1000, w, m1, &err);
    if (rc == GSL_SUCCESS) {
        ma->k = 3;
        ma->centre = *m1;
        rc = gsl_integration_qags(&f, lo, hi, 0.0, 1e-10, 1000, w, var, &err);
    }
    return rc;
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
    moment_args ma = {a, b, ppy, 1, 0.0};
    gsl_function f = {logit_moment, &ma};
    double m1 = 0.0, m2 = 0.0, err = 0.0;
    int rc = gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-10, 1000, w, &m1, &err);
    ma.k = 2;
    if (rc == GSL_SUCCESS)
        rc = gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-10, 1000, w, &m2, &err);
    double var = m2 - m1 * m1;
    /* a narrow beta: [0, 1] misses its spike, or the variance is lost in m2 - m1^2
     * (the common case above is kept as it was: its results do not change) */
    if (rc != GSL_SUCCESS || !(var > 1e-6 * m1 * m1) || !isfinite(m1))
        rc = narrow_moments(&ma, p->population.pd.mean, p->population.pd.sd, w, &m1, &var);
    gsl_integration_workspace_free(w);
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
    m->equity_premium = coe > m->funding ? coe - m->funding : 0.0;
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
        st = cr_blocksum_init(&m->acc, cr_nblocks(nsme, CR_BLOCK / 2), CR_A_COUNT);
    if (st == CR_OK)
        st = cr_blocksum_init(&m->bacc, cr_nblocks(nsme, CR_BLOCK / 2), nbank * CR_B_COUNT);
    /* intermediaries: as many entities as the largest mode of the experiment needs */
    size_t max[CR_HOLDER_COUNT] = {0}, min_group = nsme;
    int need_tranche = 0;
    for (int k = 0; k < p->modes.n; k++) {
        const cr_mode_type *mt = cr_mode_find(p->modes.item[k]);
        if (!mt)
            continue;
        need_tranche |= (mt->components & CR_C_MUTUAL_FUND) != 0;
        const cr_mode_params *mp = &p->mode[mt->slot];
        if ((mt->components & CR_C_GUARANTOR) && (size_t)mp->guarantor.count > max[CR_H_GUARANTOR])
            max[CR_H_GUARANTOR] = (size_t)mp->guarantor.count;
        if ((mt->components & CR_C_GROUPS) && (size_t)mp->members.size < min_group)
            min_group = (size_t)mp->members.size;
    }
    size_t ngroups_max = min_group >= 1 ? nsme / min_group + 1 : nsme + 1;
    max[CR_H_REGUARANTOR] = max[CR_H_GOVERNMENT] = max[CR_H_CORE_FIRM] = 1;
    max[CR_H_MUTUAL_FUND] = max[CR_H_MEMBERS] = ngroups_max;
    if (st == CR_OK)
        st = cr_intermediaries_init(&m->im, max);
    if (st == CR_OK)
        st = cr_blocksum_init(&m->gacc, cr_nblocks(nsme, CR_BLOCK / 2),
                              (max[CR_H_GUARANTOR] + 1) * CR_G_COUNT);
    if (st == CR_OK) {
        m->grp_out = calloc(ngroups_max, sizeof *m->grp_out);
        m->grp_accept = calloc(ngroups_max, sizeof *m->grp_accept);
        m->def_list = calloc(cr_nblocks(nsme, CR_BLOCK / 2) * CR_BLOCK + 1, sizeof *m->def_list);
        m->def_n = calloc(cr_nblocks(nsme, CR_BLOCK / 2) + 1, sizeof *m->def_n);
        m->claims_cap = nsme + 1;
        m->claims = calloc(2 * m->claims_cap, sizeof *m->claims);
        m->claim_sme = calloc(2 * m->claims_cap, sizeof *m->claim_sme);
        m->paid = calloc(m->claims_cap * CR_HOLDER_COUNT, sizeof *m->paid);
        m->bank_loss = calloc(nbank + 1, sizeof *m->bank_loss);
        m->gc_sum = calloc((max[CR_H_GUARANTOR] + 1) * CR_G_COUNT, sizeof *m->gc_sum);
        cr_waterfall_work_init(&m->work);
        if (!m->grp_out || !m->grp_accept || !m->def_list || !m->def_n || !m->claims ||
            !m->claim_sme || !m->paid || !m->bank_loss || !m->gc_sum)
            st = CR_ENOMEM;
    }
    if (st == CR_OK && (p->network.generator > 0 || p->supply.generator > 0)) {
        m->net_state = calloc(nsme + 1, sizeof *m->net_state);
        m->net_paid = calloc(nsme + 1, sizeof *m->net_paid);
        m->net_loss = calloc(nsme + 1, sizeof *m->net_loss);
        m->net_cascade = calloc(nsme + 1, sizeof *m->net_cascade);
        m->net_round = calloc(nsme + 1, sizeof *m->net_round);
        if (p->network.clearing) {
            m->cl_assets = calloc(nsme + 1, sizeof *m->cl_assets);
            m->cl_ext = calloc(nsme + 1, sizeof *m->cl_ext);
            m->cl_pay = calloc(nsme + 1, sizeof *m->cl_pay);
            m->cl_pbar = calloc(nsme + 1, sizeof *m->cl_pbar);
            m->cl_def = calloc(nsme + 1, sizeof *m->cl_def);
            if (!m->cl_assets || !m->cl_ext || !m->cl_pay || !m->cl_pbar || !m->cl_def)
                st = CR_ENOMEM;
        }
        if (p->network.debtrank) {
            m->dr_equity = calloc(nsme + 1, sizeof *m->dr_equity);
            m->dr_shock = calloc(nsme + 1, sizeof *m->dr_shock);
            m->dr_value = calloc(nsme + 1, sizeof *m->dr_value);
            m->dr_distress = calloc(nsme + 1, sizeof *m->dr_distress);
            if (!m->dr_equity || !m->dr_shock || !m->dr_value || !m->dr_distress)
                st = CR_ENOMEM;
        }
        cr_contagion_work_init(&m->net_work);
        if (!m->net_state || !m->net_paid || !m->net_loss || !m->net_cascade || !m->net_round)
            st = CR_ENOMEM;
    }
    if (st == CR_OK && need_tranche) {
        double wz = p->economy.systemic_loading;
        st = cr_tranche_init(&m->tranche, wz * wz);
        m->tranche_ok = st == CR_OK;
        if (st != CR_OK) {
            cr_diag_set(d, st,
                        "cannot tabulate the alliance's tranche pricing for asset "
                        "correlation %g (%s)",
                        wz * wz, cr_status_message(st));
            cr_model_free(&m);
            return st;
        }
    }
    if (st == CR_OK) {
        m->sector_factor = calloc((size_t)p->population.sectors, sizeof *m->sector_factor);
        m->region_factor = calloc((size_t)p->population.regions, sizeof *m->region_factor);
        m->bank_sum = calloc(nbank * CR_B_COUNT, sizeof *m->bank_sum);
        m->values = calloc((size_t)CR_METRIC_COUNT * (size_t)m->periods, sizeof *m->values);
        m->grng = cr_rng_gsl_alloc();
        if (!m->sector_factor || !m->region_factor || !m->bank_sum || !m->values || !m->grng)
            st = CR_ENOMEM;
    }
    if (st == CR_OK)
        st = cr_strategy_create(m);
    if (st == CR_OK && p->output.panel.smes > 0) { /* the panel's sample and buffer */
        m->panel_n = (size_t)p->output.panel.smes;
        m->panel_every = (int)p->output.panel.every;
        m->panel_periods =
            ((size_t)m->periods + (size_t)m->panel_every - 1) / (size_t)m->panel_every;
        for (int v = 0; v < p->output.panel.variables.n; v++)
            m->panel_var[m->panel_nvar++] = cr_panel_var_find(p->output.panel.variables.item[v]);
        m->panel_slot = malloc(m->panel_n * sizeof *m->panel_slot);
        m->panel = calloc(m->panel_nvar * m->panel_periods * m->panel_n + 1, sizeof *m->panel);
        if (!m->panel_slot || !m->panel)
            st = CR_ENOMEM;
        for (size_t j = 0; m->panel_slot && j < m->panel_n; j++)
            m->panel_slot[j] = (size_t)((double)j * (double)nsme / (double)m->panel_n);
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
    if (m->world)
        cr_strategy_free(m);
    cr_world_free(&m->world);
    if (m->acc.v)
        cr_blocksum_destroy(&m->acc);
    if (m->bacc.v)
        cr_blocksum_destroy(&m->bacc);
    free(m->sector_factor);
    free(m->region_factor);
    free(m->bank_sum);
    free(m->values);
    free(m->panel);
    free(m->panel_slot);
    if (m->gacc.v)
        cr_blocksum_destroy(&m->gacc);
    cr_intermediaries_destroy(&m->im);
    free(m->grp_out);
    free(m->grp_accept);
    free(m->def_list);
    free(m->def_n);
    free(m->claims);
    free(m->claim_sme);
    free(m->paid);
    free(m->bank_loss);
    free(m->gc_sum);
    cr_waterfall_work_destroy(&m->work);
    cr_graph_free(&m->net);
    cr_graph_free(&m->supply);
    free(m->net_state);
    free(m->net_paid);
    free(m->net_loss);
    free(m->net_cascade);
    free(m->net_round);
    free(m->cl_assets);
    free(m->cl_ext);
    free(m->cl_pay);
    free(m->cl_pbar);
    free(m->cl_def);
    free(m->dr_weight);
    free(m->dr_equity);
    free(m->dr_shock);
    free(m->dr_value);
    free(m->dr_distress);
    free(m->events);
    cr_contagion_work_destroy(&m->net_work);
    if (m->tranche_ok)
        cr_tranche_destroy(&m->tranche);
    if (m->grng)
        gsl_rng_free(m->grng);
    free(m);
    *mp = NULL;
}

/* set-up sweep: the initial population (entrants of period 0) and the demand of
 * each bank's and guarantee company's SMEs, which sizes their initial capital */
static void init_agents(void *model, const cr_sweep *sw)
{
    cr_model *m = model;
    cr_smes *s = &m->world->sme;
    double *row = cr_blocksum_row(&m->bacc, sw->block);
    double *g = cr_blocksum_row(&m->gacc, sw->block);
    for (size_t i = sw->lo; i < sw->hi; i++) {
        cr_lend_new_sme(m, sw->rng, i, 0);
        s->flags[i] = 0;
        row[(size_t)s->bank[i] * CR_B_COUNT + CR_B_INIT_DEMAND] += s->demand[i];
        if (m->im.h[CR_H_GUARANTOR].n)
            g[cr_lend_guarantor_of(m, i) * CR_G_COUNT + CR_G_DEMAND] += s->demand[i];
    }
}

static cr_status build_supply(cr_model *m, uint64_t rep, cr_diag *d);

const cr_var_desc *cr_model_net_info_vars(void)
{
    static const cr_var_desc vars[CR_NET_INFO_COUNT] = {
        [CR_NET_EDGES] = {"edges", "guarantees", "guarantees (guarantor -> borrower edges)"},
        [CR_NET_MEAN_DEGREE] = {"mean_degree", "1", "guarantees per SME"},
        [CR_NET_MAX_GUARANTORS] = {"max_guarantors", "SMEs", "most guarantors of one borrower"},
        [CR_NET_MAX_GUARANTEES] = {"max_guarantees", "SMEs",
                                   "most borrowers one guarantor guarantees"},
        [CR_NET_RECIPROCITY] = {"reciprocity", "1", "share of guarantees that are mutual"},
        [CR_NET_LARGEST_COMPONENT] = {"largest_component", "1",
                                      "share of SMEs in the largest weakly connected component"},
    };
    return vars;
}

/* The statistics of the replication's guarantee network (rows: borrowers). */
static cr_status network_info(cr_model *m, cr_diag *d)
{
    const cr_graph *g = m->net;
    size_t n = g->n, max_row = 0, max_in = 0;
    size_t *in = calloc(n + 1, sizeof *in);
    uint32_t *membership = calloc(n + 1, sizeof *membership);
    cr_graph_wcc wcc = {0};
    cr_status st = in && membership ? CR_OK : CR_ENOMEM;
    if (st == CR_OK)
        st = cr_graph_weak_components(g, membership, &wcc, d);
    if (st == CR_OK) {
        cr_graph_in_degrees(g, in);
        for (size_t v = 0; v < n; v++) {
            size_t row = g->row_ptr[v + 1] - g->row_ptr[v];
            max_row = row > max_row ? row : max_row;
            max_in = in[v] > max_in ? in[v] : max_in;
        }
        m->net_info[CR_NET_EDGES] = (double)g->m;
        m->net_info[CR_NET_MEAN_DEGREE] = n ? (double)g->m / (double)n : 0.0;
        m->net_info[CR_NET_MAX_GUARANTORS] = (double)max_row;
        m->net_info[CR_NET_MAX_GUARANTEES] = (double)max_in;
        m->net_info[CR_NET_RECIPROCITY] = cr_graph_reciprocity(g);
        m->net_info[CR_NET_LARGEST_COMPONENT] = n ? (double)wcc.largest_size / (double)n : 0.0;
    }
    free(in);
    free(membership);
    return st == CR_ENOMEM ? cr_diag_set(d, st, "out of memory measuring the network") : st;
}

cr_status cr_model_network_degrees(const cr_model *m, double **out, size_t *nrows)
{
    const cr_graph *g = m->net;
    *out = NULL;
    *nrows = 0;
    if (!g)
        return CR_OK;
    size_t *in = calloc(g->n + 1, sizeof *in), maxdeg = 0;
    if (!in)
        return CR_ENOMEM;
    cr_graph_in_degrees(g, in);
    for (size_t v = 0; v < g->n; v++) {
        size_t row = g->row_ptr[v + 1] - g->row_ptr[v];
        maxdeg = row > maxdeg ? row : maxdeg;
        maxdeg = in[v] > maxdeg ? in[v] : maxdeg;
    }
    size_t rows = maxdeg + 1;
    double *v = calloc(3 * rows, sizeof *v);
    if (!v) {
        free(in);
        return CR_ENOMEM;
    }
    for (size_t k = 0; k < rows; k++)
        v[k] = (double)k;
    for (size_t u = 0; u < g->n; u++) {
        v[rows + (g->row_ptr[u + 1] - g->row_ptr[u])] += 1.0; /* guarantors of borrower u */
        v[2 * rows + in[u]] += 1.0;                           /* guarantees of guarantor u */
    }
    free(in);
    *out = v;
    *nrows = rows;
    return CR_OK;
}

cr_status cr_model_network_edges(const cr_model *m, double **out, size_t *nrows)
{
    const cr_graph *g = m->net;
    *out = NULL;
    *nrows = 0;
    if (!g)
        return CR_OK;
    double *v = malloc(3 * (g->m + 1) * sizeof *v);
    if (!v)
        return CR_ENOMEM;
    size_t k = 0;
    for (size_t b = 0; b < g->n; b++)
        for (size_t e = g->row_ptr[b]; e < g->row_ptr[b + 1]; e++, k++) {
            v[k] = (double)g->col[e];       /* guarantor */
            v[g->m + k] = (double)b;        /* borrower */
            v[2 * g->m + k] = g->weight[e]; /* share of the borrower's loss it covers */
        }
    *out = v;
    *nrows = g->m;
    return CR_OK;
}

/* Builds the replication's guarantee network: the generator's guarantor -> borrower
 * edges, reversed to borrower -> guarantors, each covering an equal part of
 * network.coverage of the borrower's loss. */
static cr_status build_network(cr_model *m, uint64_t rep, cr_diag *d)
{
    const cr_params *p = m->p;
    size_t n = m->world->sme.n, ne = 0;
    cr_graph_free(&m->net);
    if (p->network.generator == 0) /* receivables only: an empty guarantee network */
        return cr_graph_create_from_edges(n, NULL, 0, &m->net, d);
    const cr_netgen_type *t = cr_netgen_at((size_t)p->network.generator - 1);
    cr_netgen_params np;
    cr_netgen_params_init(&np);
    np.group_size = (size_t)p->network.group_size;
    np.pair_share = p->network.pair_share;
    np.chain_length = (size_t)p->network.chain_length;
    np.star_size = (size_t)p->network.star_size;
    np.star_mutual = p->network.star_mutual != 0;
    np.mean_degree = p->network.mean_degree;
    np.reciprocity = p->network.reciprocity;
    np.path = p->network.edges[0] ? p->network.edges : NULL;
    cr_edge *e = NULL;
    cr_status st = cr_netgen_edges(t, &np, n, &m->root, rep, &e, &ne, d);
    if (st != CR_OK)
        return st;
    /* each guarantor covers its amount's share of the borrower's total (equal
     * shares when the amounts are all zero, as in the generated networks' 1s) */
    uint32_t *guarantors = calloc(n + 1, sizeof *guarantors);
    double *total = calloc(n + 1, sizeof *total);
    if (!guarantors || !total) {
        free(guarantors);
        free(total);
        free(e);
        return cr_diag_set(d, CR_ENOMEM, "out of memory building the guarantee network");
    }
    for (size_t k = 0; k < ne; k++) {
        guarantors[e[k].to]++;
        total[e[k].to] += e[k].weight;
    }
    for (size_t k = 0; k < ne; k++) {
        uint32_t g = e[k].from, b = e[k].to;
        double share = total[b] > 0.0 ? e[k].weight / total[b] : 1.0 / guarantors[b];
        e[k] = (cr_edge){b, g, p->network.coverage * share};
    }
    free(guarantors);
    free(total);
    st = cr_graph_create_from_edges(n, e, ne, &m->net, d);
    free(e);
    return st;
}

/* Builds the replication's supply chains: the generator's edges read as buyer ->
 * supplier, each weighted by the receivable the supplier holds on that buyer
 * (supply.receivable x the supplier's loan demand at the start of the
 * replication). Streams: purpose SUPPLY, so they differ from the guarantee
 * network's. */
static cr_status build_supply(cr_model *m, uint64_t rep, cr_diag *d)
{
    const cr_params *p = m->p;
    cr_graph_free(&m->supply);
    if (p->supply.generator == 0)
        return CR_OK;
    const cr_netgen_type *t = cr_netgen_at((size_t)p->supply.generator - 1);
    cr_netgen_params np;
    cr_netgen_params_init(&np);
    np.star_size = (size_t)p->supply.star_size;
    np.mean_degree = p->supply.mean_degree;
    cr_status st = cr_netgen_validate(t, &np, d);
    if (st != CR_OK)
        return st;
    cr_rng_prefix pre;
    cr_rng_prefix_init(&pre, &m->root, rep, 0, CR_P_SUPPLY);
    size_t n = m->world->sme.n, ne = 0;
    cr_edge *e = NULL;
    st = t->generate(&np, n, &pre, &e, &ne, d);
    if (st != CR_OK)
        return st;
    for (size_t k = 0; k < ne; k++)
        e[k].weight = p->supply.receivable * m->world->sme.demand[e[k].to];
    st = cr_graph_create_from_edges(n, e, ne, &m->supply, d);
    free(e);
    return st;
}

static double per_period_rate(double annual, double ppy)
{
    return expm1(log1p(annual) / ppy);
}

static double precision(double sd)
{
    return sd > 0.0 ? 1.0 / (sd * sd) : INFINITY;
}

/* Sets the unit's mode: its parameters, waterfalls, information and constants. */
static void set_mode(cr_model *m, const cr_mode_type *mode)
{
    const cr_mode_params *mp = &m->p->mode[mode->slot];
    unsigned c = mode->components;
    m->mp = mp;
    m->components = c;
    m->group = (c & CR_C_GROUPS) ? (size_t)mp->members.size : 1;
    m->joint_terms = (c & CR_C_JOINT_TERMS) != 0;
    cr_mode_params_waterfall(mp, &m->wf);
    m->wf_small = m->wf;
    if (mp->guarantor.coverage_small > 0.0)
        for (int k = 0; k < m->wf_small.n; k++)
            if (m->wf_small.layer[k].holder == CR_H_GUARANTOR &&
                m->wf_small.layer[k].kind == CR_LAYER_PRO_RATA)
                m->wf_small.layer[k].share = mp->guarantor.coverage_small;
    /* for pricing, the mutual fund is a first-loss tranche of the pool (tranche.h),
     * not a per-loan layer */
    const cr_waterfall *src[2] = {&m->wf, &m->wf_small};
    cr_waterfall *dst[2] = {&m->wf_pricing, &m->wf_pricing_small};
    m->members_layer = -1;
    for (int v = 0; v < 2; v++) {
        dst[v]->n = 0;
        for (int k = 0; k < src[v]->n; k++) {
            if (src[v]->layer[k].holder == CR_H_MUTUAL_FUND)
                continue;
            if (src[v]->layer[k].holder == CR_H_MEMBERS && v == 0)
                m->members_layer = dst[v]->n;
            dst[v]->layer[dst[v]->n++] = src[v]->layer[k];
        }
    }
    double sh[CR_HOLDER_COUNT], shs[CR_HOLDER_COUNT];
    cr_waterfall_shares(&m->wf_pricing, 1.0, sh);
    cr_waterfall_shares(&m->wf_pricing_small, 1.0, shs);
    m->cover = sh[CR_H_GUARANTOR] + sh[CR_H_REGUARANTOR] + sh[CR_H_GOVERNMENT];
    m->cover_small = shs[CR_H_GUARANTOR] + shs[CR_H_REGUARANTOR] + shs[CR_H_GOVERNMENT];
    /* the guarantee company's gross exposure: its own share plus what counter-guarantors
     * reimburse it */
    m->cover_gc = sh[CR_H_GUARANTOR];
    m->cover_gc_small = shs[CR_H_GUARANTOR];
    for (int k = 0; k < m->wf.n; k++)
        if (m->wf.layer[k].kind == CR_LAYER_COUNTER && m->wf.layer[k].of == CR_H_GUARANTOR) {
            m->cover_gc += sh[m->wf.layer[k].holder];
            m->cover_gc_small += shs[m->wf.layer[k].holder];
        }
    m->cover_rg = sh[CR_H_REGUARANTOR];
    if (!(c & CR_C_GUARANTOR))
        m->cover_gc = m->cover_gc_small = 0.0;
    m->tau_gc = (c & CR_C_GUARANTOR) ? precision(mp->guarantor.screening_noise) : 0.0;
    m->tau_assoc = (c & CR_C_ASSOCIATION) ? precision(mp->association.screening_noise) : 0.0;
    m->tau_core = (c & CR_C_CORE_FIRM) ? precision(mp->core_firm.screening_noise) : 0.0;
    m->tau_members = (c & CR_C_MEMBER_INFO) ? precision(mp->members.screening_noise) : 0.0;
    m->gc_fee = per_period_rate(mp->guarantor.fee, m->ppy);
    m->assoc_fee = (c & CR_C_ASSOCIATION) ? per_period_rate(mp->association.fee, m->ppy) : 0.0;
    m->refee = per_period_rate(mp->reguarantor.fee, m->ppy);
    m->refee_small = per_period_rate(
        mp->reguarantor.fee_small > 0.0 ? mp->reguarantor.fee_small : mp->reguarantor.fee, m->ppy);
    m->partner_share = m->p->population.partner_share;
    const cr_mode_type *direct = cr_mode_find("direct");
    m->direct_min_collateral = direct ? m->p->mode[direct->slot].min_collateral : 0.0;
}

void cr_model_set_mode(cr_model *m, const cr_mode_type *mode)
{
    set_mode(m, mode);
}

cr_status cr_model_run_unit(cr_model *m, cr_engine *e, const cr_mode_type *mode, uint64_t rep,
                            cr_diag *d)
{
    const cr_params *p = m->p;
    size_t nsme = m->world->sme.n;
    cr_banks *b = &m->world->bank;
    int listed = 0;
    for (int k = 0; k < p->modes.n; k++)
        listed |= strcmp(p->modes.item[k], mode->name) == 0;
    if (!listed)
        return cr_diag_set(d, CR_EINVAL,
                           "mode %s is not among the experiment's modes (the model's storage "
                           "is sized for those)",
                           mode->name);
    m->mode = mode;
    m->replication = rep;
    m->nevents = 0;
    set_mode(m, mode);
    m->z = 0.0;
    for (size_t k = 0; k < (size_t)CR_METRIC_COUNT * (size_t)m->periods; k++)
        m->values[k] = NAN;
    cr_diag_clear(&m->diag);

    /* blocks keep the mode's groups whole (CR_BLOCK when it has none) */
    size_t block = cr_block_for_groups(m->group);
    cr_engine_set_block(e, block);
    cr_blocksum_set_blocks(&m->acc, cr_nblocks(nsme, block));
    cr_blocksum_set_blocks(&m->bacc, cr_nblocks(nsme, block));
    cr_blocksum_set_blocks(&m->gacc, cr_nblocks(nsme, block));
    m->block = block;
    m->ngroups = m->group > 1 ? (nsme + m->group - 1) / m->group : 0;
    /* the intermediaries the mode has */
    const cr_mode_params *mp = m->mp;
    unsigned c = m->components;
    size_t n[CR_HOLDER_COUNT] = {0};
    n[CR_H_GUARANTOR] = (c & CR_C_GUARANTOR) ? (size_t)mp->guarantor.count : 0;
    n[CR_H_REGUARANTOR] = (c & CR_C_REGUARANTOR) ? 1 : 0;
    n[CR_H_GOVERNMENT] = 1;
    n[CR_H_CORE_FIRM] = (c & CR_C_CORE_FIRM) ? 1 : 0;
    n[CR_H_MUTUAL_FUND] = (c & CR_C_MUTUAL_FUND) ? m->ngroups : 0;
    n[CR_H_MEMBERS] = (c & CR_C_GROUPS) ? m->ngroups : 0;
    cr_intermediaries_reset(&m->im, n);
    for (size_t g = 0; g < m->ngroups; g++) {
        m->grp_out[g] = 0.0;
        m->grp_accept[g] = 1.0;
        if (c & CR_C_MUTUAL_FUND)
            m->im.h[CR_H_MUTUAL_FUND].net_assets[g] = mp->mutual_fund.seed * (double)m->group;
    }
    cr_blocksum_zero(&m->bacc);
    cr_blocksum_zero(&m->gacc);
    cr_rng_prefix_init(&m->pre_entry, &m->root, rep, 0, CR_P_ENTRY);
    cr_engine_sweep(e, init_agents, m, nsme, 0);
    {
        cr_status st = cr_strategy_unit_start(m, d);
        if (st != CR_OK)
            return st;
    }
    cr_blocksum_reduce(&m->bacc, m->bank_sum);
    double total = 0.0;
    for (size_t k = 0; k < b->n; k++) {
        double demand = m->bank_sum[k * CR_B_COUNT + CR_B_INIT_DEMAND];
        total += demand;
        b->capital[k] = p->bank.initial_capital_ratio * p->bank.risk_weight * demand;
        b->cash[k] = b->capital[k];
        b->loans[k] = 0.0;
        b->deposits[k] = 0.0;
        b->rwa[k] = 0.0;
        b->accept[k] = 1.0;
    }
    /* the guarantee network of this replication (the same in every mode) */
    m->phases = mode->phases;
    {
        /* learning by imitation, when some decision is learned */
        const cr_behaviour_params *bp = &p->behaviour;
        if (m->bh.on &&
            (bp->risk.rule == CR_RULE_IMITATE || bp->repayment.rule == CR_RULE_IMITATE ||
             bp->monitoring.rule == CR_RULE_IMITATE))
            m->phases.phase[CR_PHASE_LEARNING] =
                (cr_phase_impl){.agents = cr_strategy_learn, .global = cr_strategy_commit};
    }
    if (p->network.generator > 0 || p->supply.generator > 0) {
        cr_status st = build_network(m, rep, d);
        if (st == CR_OK)
            st = build_supply(m, rep, d);
        if (st == CR_OK && p->output.network)
            st = network_info(m, d);
        if (st == CR_OK && p->network.debtrank) {
            free(m->dr_weight);
            m->dr_weight = malloc((m->net->m + 1) * sizeof *m->dr_weight);
            if (!m->dr_weight)
                st = cr_diag_set(d, CR_ENOMEM, "out of memory for DebtRank");
        }
        if (st != CR_OK)
            return st;
        m->phases.phase[CR_PHASE_OUTCOMES].global = cr_lend_cascade;
    }
    cr_holder_books *gc = &m->im.h[CR_H_GUARANTOR];
    if (gc->n) {
        cr_blocksum_reduce(&m->gacc, m->gc_sum);
        for (size_t k = 0; k < gc->n; k++)
            gc->net_assets[k] =
                mp->guarantor.capital_ratio * m->gc_sum[k * CR_G_COUNT + CR_G_DEMAND];
    }
    if (m->im.h[CR_H_REGUARANTOR].n)
        m->im.h[CR_H_REGUARANTOR].net_assets[0] = mp->reguarantor.capital_ratio * total;
    m->gov_budget = (c & CR_C_GOVERNMENT) ? mp->government.budget_ratio * total : 0.0;
    m->im.h[CR_H_GOVERNMENT].net_assets[0] = m->gov_budget;
    for (int t = 0; t < m->periods; t++) {
        cr_status st = cr_engine_period(e, &m->phases, m, nsme, t);
        if (st != CR_OK) {
            if (m->diag.msg[0])
                cr_diag_set(d, st, "mode %s, replication %llu: %s", mode->name,
                            (unsigned long long)rep, m->diag.msg);
            else
                cr_diag_set(d, st, "mode %s, replication %llu, period %d: %s", mode->name,
                            (unsigned long long)rep, t, cr_status_message(st));
            return st;
        }
        cr_panel_record(m, t, e->threads);
        if (m->on_period && m->on_period(m->on_period_ctx, t))
            return cr_diag_set(d, CR_EINTERRUPTED,
                               "mode %s, replication %llu: abandoned in "
                               "period %d",
                               mode->name, (unsigned long long)rep, t);
    }
    return CR_OK;
}
