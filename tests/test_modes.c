/* Financing modes (MODEL.md sections 4, 6, 8, 9): for every registered mode and
 * preset, the accounting identities at ordinary and stressed settings, every loss
 * booked exactly once (against the loss computed independently from the count of
 * defaults), the 4321 split, common random numbers (single without guarantees is
 * direct, bit for bit), the value of information, determinism across thread
 * counts, a failing guarantee company, a government budget that runs out, and
 * joint liability's payments by fellow members.
 *
 * Small worlds (2000-10007 SMEs, 3-24 periods, 1-16 replications), one thread
 * except in the determinism test: about 2 s in a Release build, 7 s with ASan. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

#define NM CR_METRIC_COUNT
#define MAX_SETS 96
#define MAX_REPS 16

/* Threads of every run except the determinism test's: one, because OpenMP's
 * per-phase barriers make small multi-threaded runs many times slower on a busy
 * machine, and results do not depend on the thread count (test_threads_every_mode). */
#define THREADS 1

/* ---------------------------------------------------------------- helpers */

/* "modes=[direct, single, ...]": every registered mode, so that the model sizes
 * its intermediaries for all of them (cr_model_create sizes them from p->modes). */
static char all_modes_set[1024];

static void build_all_modes_set(void)
{
    size_t o = (size_t)snprintf(all_modes_set, sizeof all_modes_set, "modes=[");
    for (size_t i = 0; cr_mode_at(i) && o < sizeof all_modes_set; i++)
        o += (size_t)snprintf(all_modes_set + o, sizeof all_modes_set - o, "%s%s", i ? ", " : "",
                              cr_mode_at(i)->name);
    if (o < sizeof all_modes_set)
        snprintf(all_modes_set + o, sizeof all_modes_set - o, "]");
}

/* A list of --set overrides built at run time. */
typedef struct {
    int n;
    const char *item[MAX_SETS];
    char own[MAX_SETS][128]; /* storage of formatted items */
} sets;

static void sets_add(sets *s, const char *kv)
{
    if (s->n < MAX_SETS)
        s->item[s->n++] = kv;
}

static void sets_addf(sets *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sets_addf(sets *s, const char *fmt, ...)
{
    if (s->n >= MAX_SETS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->own[s->n], sizeof s->own[0], fmt, ap);
    va_end(ap);
    s->item[s->n] = s->own[s->n];
    s->n++;
}

static void sets_addv(sets *s, const char *const *kv)
{
    for (; *kv; kv++)
        sets_add(s, *kv);
}

/* Defaults, every mode listed, burn_in 2, then the overrides. */
static cr_status load(cr_params *p, const sets *s)
{
    const char *all[MAX_SETS + 2] = {all_modes_set, "experiment.burn_in=2"};
    int n = 2;
    for (int i = 0; i < s->n; i++)
        all[n++] = s->item[i];
    cr_diag d = {{0}};
    cr_status st = cr_experiment_load(NULL, all, n, p, NULL, &d);
    if (st != CR_OK)
        fprintf(stderr, "load: %s\n", d.msg);
    return st;
}

/* The metrics of every replication of one mode: v[(rep * NM + metric) * periods + t]. */
typedef struct {
    int reps, periods;
    double *v;
    double gov_budget[MAX_REPS]; /* each replication's yearly risk-compensation budget */
} runs;

static double at(const runs *r, int rep, int k, int t)
{
    return r->v[((size_t)rep * NM + (size_t)k) * (size_t)r->periods + (size_t)t];
}

static void runs_free(runs *r)
{
    free(r->v);
    r->v = NULL;
}

/* One model and engine, reused for every unit run on the same parameters. */
typedef struct {
    const cr_params *p;
    cr_model *m;
    cr_engine e;
} session;

static cr_status session_open(session *s, const cr_params *p, int threads, cr_diag *d)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    cr_status st = cr_model_create(p, &s->m, d);
    if (st == CR_OK)
        st = cr_engine_init(&s->e, threads);
    return st;
}

static void session_close(session *s)
{
    cr_engine_destroy(&s->e);
    cr_model_free(&s->m);
}

/* Runs every replication of mode mt; on failure the unit's message is in d. */
static cr_status session_run(session *s, const cr_mode_type *mt, runs *out, cr_diag *d)
{
    const cr_params *p = s->p;
    out->reps = (int)p->experiment.replications;
    out->periods = (int)p->experiment.periods;
    size_t per = (size_t)NM * (size_t)out->periods;
    if (out->reps > MAX_REPS)
        return CR_EINVAL;
    out->v = calloc(per * (size_t)out->reps, sizeof *out->v);
    if (!out->v)
        return CR_ENOMEM;
    for (int r = 0; r < out->reps; r++) {
        cr_status st = cr_model_run_unit(s->m, &s->e, mt, (uint64_t)r, d);
        if (st != CR_OK) {
            runs_free(out);
            return st;
        }
        memcpy(out->v + (size_t)r * per, s->m->values, per * sizeof *out->v);
        out->gov_budget[r] = s->m->gov_budget;
    }
    return CR_OK;
}

/* One-shot: a fresh model and engine for one mode. */
static cr_status run_mode(const cr_params *p, const char *mode, int threads, runs *out)
{
    session s;
    cr_diag d = {{0}};
    const cr_mode_type *mt = cr_mode_find(mode);
    if (!mt)
        return CR_EINVAL;
    cr_status st = session_open(&s, p, threads, &d);
    if (st == CR_OK)
        st = session_run(&s, mt, out, &d);
    if (st != CR_OK)
        fprintf(stderr, "run %s: %s\n", mode, d.msg);
    session_close(&s);
    return st;
}

static double rel_tol(double a, double b, double rel)
{
    return rel * (fabs(a) + fabs(b)) + 1e-300;
}

/* Does the mode's waterfall (its parameters in p) have a layer of holder h? */
static int has_layer(const cr_params *p, const cr_mode_type *mt, int h)
{
    const cr_layer_table *w = &p->mode[mt->slot].waterfall;
    for (int k = 0; k < w->n; k++)
        if (w->item[k].holder == h)
            return 1;
    return 0;
}

/* Relations between metrics that hold in every mode, period and replication. */
static void check_invariants(const cr_params *p, const cr_mode_type *mt, const runs *r,
                             const char *what)
{
    static const int payout_metric[CR_HOLDER_COUNT] = {
        [CR_H_BANK] = CR_M_BANK_LOSSES,
        [CR_H_MUTUAL_FUND] = CR_M_MUTUAL_FUND_PAYOUTS,
        [CR_H_MEMBERS] = CR_M_MEMBERS_PAYOUTS,
        [CR_H_GUARANTOR] = CR_M_GUARANTOR_PAYOUTS,
        [CR_H_REGUARANTOR] = CR_M_REGUARANTOR_PAYOUTS,
        [CR_H_GOVERNMENT] = CR_M_GOVERNMENT_PAYOUTS,
        [CR_H_CORE_FIRM] = -1, /* no metric */
    };
    const unsigned c = mt->components;
    const int grouped = (c & CR_C_GROUPS) != 0;
    size_t nonfinite = 0, bad = 0;
    char first[256] = "";
#define BAD(...)                                                                                   \
    do {                                                                                           \
        if (!bad++)                                                                                \
            snprintf(first, sizeof first, __VA_ARGS__);                                            \
    } while (0)
    for (int rep = 0; rep < r->reps; rep++) {
        double failed_before = 0.0;
        for (int t = 0; t < r->periods; t++) {
            for (int k = 0; k < NM; k++)
                nonfinite += !isfinite(at(r, rep, k, t));
#define V(k) at(r, rep, (k), t)
            /* every holder pays >= 0, and a holder the waterfall lacks pays nothing */
            for (int h = 0; h < CR_HOLDER_COUNT; h++) {
                int k = payout_metric[h];
                if (k < 0)
                    continue;
                if (V(k) < 0.0)
                    BAD("rep %d period %d: metric %d (holder %s) is negative: %g", rep, t, k,
                        cr_holder_name((cr_holder)h), V(k));
                if (h != CR_H_BANK && !has_layer(p, mt, h) && V(k) != 0.0)
                    BAD("rep %d period %d: holder %s has no layer but paid %g", rep, t,
                        cr_holder_name((cr_holder)h), V(k));
            }
            /* rates are their quotients */
            double out = V(CR_M_LOANS_OUTSTANDING);
            if (fabs(V(CR_M_BANK_LOSS_RATE) * out - V(CR_M_BANK_LOSSES)) >
                rel_tol(V(CR_M_BANK_LOSSES), 0.0, 1e-9) + 1e-12)
                BAD("rep %d period %d: bank_loss_rate %.17g x loans_outstanding %.17g != "
                    "bank_losses %.17g",
                    rep, t, V(CR_M_BANK_LOSS_RATE), out, V(CR_M_BANK_LOSSES));
            if (fabs(V(CR_M_ACCESS_RATE) * V(CR_M_APPLICATIONS) - V(CR_M_LOANS_GRANTED)) >
                1e-9 * (V(CR_M_LOANS_GRANTED) + 1.0))
                BAD("rep %d period %d: access_rate x applications != loans_granted", rep, t);
            if (V(CR_M_ACCESS_RATE) < 0.0 || V(CR_M_ACCESS_RATE) > 1.0 ||
                V(CR_M_DEFAULT_RATE) < 0.0 || V(CR_M_DEFAULT_RATE) > 1.0)
                BAD("rep %d period %d: access_rate %g or default_rate %g outside [0, 1]", rep, t,
                    V(CR_M_ACCESS_RATE), V(CR_M_DEFAULT_RATE));
            /* no strategic or contagion channel is switched on */
            if (V(CR_M_STRATEGIC_DEFAULTS) != 0.0 || V(CR_M_CONTAGION_DEFAULTS) != 0.0 ||
                V(CR_M_CASCADE_MAX) != 0.0 || V(CR_M_AMPLIFICATION) != 1.0)
                BAD("rep %d period %d: contagion metrics without a contagion channel", rep, t);
            /* government cost = compensation + subsidies + re-guarantor's net loss + a
             * public guarantor's calls net of its fees and of the re-guarantee fees */
            const int public_gc = (c & CR_C_GUARANTOR) && p->mode[mt->slot].guarantor.public_agency;
            double gc = V(CR_M_GOVERNMENT_PAYOUTS) + V(CR_M_INTEREST_SUBSIDIES) +
                        V(CR_M_REGUARANTOR_PAYOUTS) - V(CR_M_REGUARANTOR_FEE_INCOME);
            double gscale = V(CR_M_GOVERNMENT_PAYOUTS) + V(CR_M_INTEREST_SUBSIDIES) +
                            V(CR_M_REGUARANTOR_PAYOUTS) + V(CR_M_REGUARANTOR_FEE_INCOME);
            if (public_gc) {
                gc += V(CR_M_GUARANTOR_PAYOUTS) - V(CR_M_GUARANTOR_FEE_INCOME) +
                      V(CR_M_REGUARANTOR_FEE_INCOME);
                gscale += V(CR_M_GUARANTOR_PAYOUTS) + V(CR_M_GUARANTOR_FEE_INCOME);
            }
            if (fabs(V(CR_M_GOVERNMENT_COST) - gc) > 1e-9 * gscale + 1e-12)
                BAD("rep %d period %d: government_cost %.17g != its parts %.17g", rep, t,
                    V(CR_M_GOVERNMENT_COST), gc);
            /* participation: every active SME is in a group, or none is */
            if (V(CR_M_PARTICIPATION) != (grouped ? 1.0 : 0.0))
                BAD("rep %d period %d: participation %g in a mode %s groups", rep, t,
                    V(CR_M_PARTICIPATION), grouped ? "with" : "without");
            /* guarantee companies: a failed one stays failed; at most all of them */
            double f = V(CR_M_GUARANTORS_FAILED);
            double count = (c & CR_C_GUARANTOR) ? (double)p->mode[mt->slot].guarantor.count : 0.0;
            if (f < failed_before || f > count)
                BAD("rep %d period %d: guarantors_failed %g (before %g, count %g)", rep, t, f,
                    failed_before, count);
            failed_before = f;
            if (!(c & CR_C_GUARANTOR) &&
                (V(CR_M_GUARANTOR_FEE_INCOME) != 0.0 || V(CR_M_GUARANTOR_NET_ASSETS) != 0.0 ||
                 V(CR_M_MEAN_FEE_RATE) != 0.0))
                BAD("rep %d period %d: guarantor metrics in a mode without guarantors", rep, t);
            if (V(CR_M_MUTUAL_FUND_BALANCE) < -1e-9)
                BAD("rep %d period %d: mutual_fund_balance %g < 0", rep, t,
                    V(CR_M_MUTUAL_FUND_BALANCE));
#undef V
        }
    }
#undef BAD
    CR_CHECK_MSG(nonfinite == 0, "%s, mode %s: %zu non-finite metric values", what, mt->name,
                 nonfinite);
    CR_CHECK_MSG(bad == 0, "%s, mode %s: %zu violations; first: %s", what, mt->name, bad, first);
}

/* Adds, for every mode, the override `MODE.KEY=VALUE` where the mode has the component. */
static void sets_for_modes(sets *s, unsigned component, const char *key, const char *value)
{
    for (size_t i = 0; i < CR_MODE_SLOTS; i++) {
        const cr_mode_type *mt = cr_mode_at(i);
        if (mt->components & component)
            sets_addf(s, "%s.%s=%s", mt->name, key, value);
    }
}

/* Runs every registered mode on p and checks the invariants. */
static void run_every_mode(const cr_params *p, const char *what,
                           void (*extra)(const cr_params *, const cr_mode_type *, const runs *,
                                         const char *))
{
    session s;
    cr_diag d = {{0}};
    cr_status st = session_open(&s, p, THREADS, &d);
    CR_CHECK_MSG(st == CR_OK, "%s: %s", what, d.msg);
    for (size_t i = 0; st == CR_OK && cr_mode_at(i); i++) {
        const cr_mode_type *mt = cr_mode_at(i);
        runs r = {0};
        cr_diag_clear(&d);
        cr_status su = session_run(&s, mt, &r, &d);
        CR_CHECK_MSG(su == CR_OK, "%s, mode %s: %s", what, mt->name, d.msg);
        if (su != CR_OK)
            continue;
        check_invariants(p, mt, &r, what);
        if (extra)
            extra(p, mt, &r, what);
        runs_free(&r);
    }
    session_close(&s);
}

/* ---------------------------------------------------------------- 1. identities */

/* Under the heaviest stress every guarantee company fails in some replication, so
 * the runs do exercise losses passed down from failed holders. */
static void check_guarantors_fail(const cr_params *p, const cr_mode_type *mt, const runs *r,
                                  const char *what)
{
    (void)p;
    if (!(mt->components & CR_C_GUARANTOR))
        return;
    double failed = 0.0;
    for (int rep = 0; rep < r->reps; rep++)
        failed += at(r, rep, CR_M_GUARANTORS_FAILED, r->periods - 1);
    CR_CHECK_MSG(failed > 0.0, "%s, mode %s: no guarantee company failed", what, mt->name);
}

/* Every mode with its defaults and under stress returns CR_OK from every unit (the
 * model checks its accounting identities every period and fails the unit
 * otherwise), every metric is finite, and the relations between metrics hold. */
static void test_identities_every_mode(void)
{
    static const char *const base[] = {"population.smes=3000", "experiment.periods=10",
                                       "experiment.replications=2", NULL};
    for (int variant = 0; variant < 3; variant++) {
        sets s = {0};
        sets_addv(&s, base);
        const char *what = "defaults";
        if (variant >= 1) {
            /* high PD and tiny intermediaries: holders fail and pass losses down */
            what = "stress: high PD, tiny guarantor capital";
            sets_add(&s, "population.pd.mean=0.3");
            sets_add(&s, "population.pd.sd=0.1");
            sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.capital_ratio", "0.001");
        }
        if (variant == 2) {
            /* ... and lenders that accept anyone: every holder is hit hard */
            what = "stress: high PD, tiny intermediaries, lenders accept every PD";
            sets_add(&s, "bank.max_pd=1");
            sets_add(&s, "bank.max_rate=100");
            sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.max_pd", "1");
            sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.leverage_cap", "1e6");
            sets_for_modes(&s, CR_C_REGUARANTOR, "reguarantor.capital_ratio", "0.0005");
            sets_for_modes(&s, CR_C_GOVERNMENT, "government.budget_ratio", "1e-5");
            sets_for_modes(&s, CR_C_MUTUAL_FUND, "mutual_fund.seed", "0.001");
        }
        cr_params p;
        CR_REQUIRE(load(&p, &s) == CR_OK);
        run_every_mode(&p, what, variant == 2 ? check_guarantors_fail : NULL);
    }
}

/* ---------------------------------------------------------------- 3. losses once */

/* With every loan the same size L and every SME the same collateral share c, the
 * loss given default of every defaulted loan is L (1 - recovery - c): the total loss
 * of a period is known from fundamental_defaults alone (no strategic or contagion
 * defaults). The holders' payouts must add up to it: every loss booked exactly
 * once, checked from outside the model's own per-period check. Also, with loans of
 * one size, default_rate x loans at risk (= loans_outstanding / L) is the count of
 * defaults. */
static double loss_per_default;
static double loan_size;

static void check_losses_booked_once(const cr_params *p, const cr_mode_type *mt, const runs *r,
                                     const char *what)
{
    (void)p;
    size_t bad = 0;
    double total_loss = 0.0;
    char first[256] = "";
    for (int rep = 0; rep < r->reps; rep++)
        for (int t = 0; t < r->periods; t++) {
            double booked =
                at(r, rep, CR_M_GUARANTOR_PAYOUTS, t) + at(r, rep, CR_M_REGUARANTOR_PAYOUTS, t) +
                at(r, rep, CR_M_GOVERNMENT_PAYOUTS, t) + at(r, rep, CR_M_MUTUAL_FUND_PAYOUTS, t) +
                at(r, rep, CR_M_MEMBERS_PAYOUTS, t) + at(r, rep, CR_M_BANK_LOSSES, t);
            double defaults = at(r, rep, CR_M_FUNDAMENTAL_DEFAULTS, t);
            double loss = defaults * loss_per_default;
            total_loss += loss;
            if (fabs(booked - loss) > rel_tol(booked, loss, 1e-9) && !bad++)
                snprintf(first, sizeof first,
                         "rep %d period %d: holders booked %.17g, defaults %g x LGD %.17g = %.17g",
                         rep, t, booked, defaults, loss_per_default, loss);
            double at_risk = at(r, rep, CR_M_LOANS_OUTSTANDING, t) / loan_size;
            double dr = at(r, rep, CR_M_DEFAULT_RATE, t);
            if (fabs(dr * at_risk - defaults) > 1e-9 * (defaults + 1.0) && !bad++)
                snprintf(first, sizeof first,
                         "rep %d period %d: default_rate %.17g x loans at risk %.17g != %g "
                         "defaults",
                         rep, t, dr, at_risk, defaults);
        }
    CR_CHECK_MSG(bad == 0, "%s, mode %s: %zu periods where the losses do not add up; first: %s",
                 what, mt->name, bad, first);
    /* the check is not vacuous: there were losses to share */
    CR_CHECK_MSG(total_loss > 0.0, "%s, mode %s: no loss in any period", what, mt->name);
}

static void test_losses_booked_once(void)
{
    /* loans of 1 (below us_sba7a's small-loan limit of 1.07) and of 2 (above it) */
    static const char *const sizes[] = {"1", "2"};
    for (int stress = 0; stress < 2; stress++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            sets s = {0};
            sets_add(&s, "population.smes=3000");
            sets_add(&s, "experiment.periods=10");
            sets_add(&s, "experiment.replications=2");
            sets_add(&s, "population.loan_size.cv=0");
            sets_addf(&s, "population.loan_size.mean=%s", sizes[k]);
            sets_add(&s, "population.collateral.sd=0");
            sets_add(&s, "population.collateral.mean=0.3");
            sets_add(&s, "loans.recovery=0.2");
            if (stress) {
                sets_add(&s, "population.pd.mean=0.3");
                sets_add(&s, "population.pd.sd=0.1");
                sets_add(&s, "bank.max_pd=1");
                sets_add(&s, "bank.max_rate=100");
                sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.max_pd", "1");
                sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.capital_ratio", "0.001");
                sets_for_modes(&s, CR_C_GUARANTOR, "guarantor.leverage_cap", "1e6");
                sets_for_modes(&s, CR_C_REGUARANTOR, "reguarantor.capital_ratio", "0.0005");
                sets_for_modes(&s, CR_C_GOVERNMENT, "government.budget_ratio", "1e-5");
                sets_for_modes(&s, CR_C_MUTUAL_FUND, "mutual_fund.seed", "0.001");
            }
            cr_params p;
            CR_REQUIRE(load(&p, &s) == CR_OK);
            loan_size = p.population.loan_size.mean;
            /* the model's own LGD formula, evaluated in the same order */
            double lgd = 1.0 - p.loans.recovery - p.population.collateral.mean;
            loss_per_default = loan_size * lgd;
            char what[96];
            snprintf(what, sizeof what, "losses booked once, loan size %s%s", sizes[k],
                     stress ? ", stress" : "");
            run_every_mode(&p, what, check_losses_booked_once);
        }
}

/* ---------------------------------------------------------------- 2. the 4321 split */

/* With every holder solvent (ample capital, budget and leverage room, no loan-size
 * cap), china_4321 splits every loss 40/30/20/10 among guarantor, re-guarantor,
 * bank and government: in every period and in total. */
static void test_4321_split(void)
{
    static const char *const kv[] = {"population.smes=4000",
                                     "experiment.periods=12",
                                     "experiment.replications=3",
                                     "china_4321.guarantor.capital_ratio=10",
                                     "china_4321.reguarantor.capital_ratio=10",
                                     "china_4321.government.budget_ratio=10",
                                     "china_4321.guarantor.leverage_cap=1000",
                                     "china_4321.guarantor.max_amount=1e9",
                                     NULL};
    sets s = {0};
    sets_addv(&s, kv);
    cr_params p;
    CR_REQUIRE(load(&p, &s) == CR_OK);
    runs r = {0};
    CR_REQUIRE(run_mode(&p, "china_4321", THREADS, &r) == CR_OK);
    static const int holders[4] = {CR_M_GUARANTOR_PAYOUTS, CR_M_REGUARANTOR_PAYOUTS,
                                   CR_M_BANK_LOSSES, CR_M_GOVERNMENT_PAYOUTS};
    static const double share[4] = {0.4, 0.3, 0.2, 0.1};
    double sum[4] = {0}, total = 0.0, failed = 0.0;
    size_t bad_periods = 0;
    for (int rep = 0; rep < r.reps; rep++)
        for (int t = 0; t < r.periods; t++) {
            double tot = 0.0;
            for (int k = 0; k < 4; k++)
                tot += at(&r, rep, holders[k], t);
            for (int k = 0; k < 4; k++) {
                double x = at(&r, rep, holders[k], t);
                sum[k] += x;
                bad_periods += fabs(x - share[k] * tot) > 1e-9 * tot;
            }
            total += tot;
            failed += at(&r, rep, CR_M_GUARANTORS_FAILED, t);
        }
    CR_REQUIRE(total > 0.0);
    for (int k = 0; k < 4; k++)
        CR_CHECK_MSG(fabs(sum[k] / total - share[k]) <= 1e-9,
                     "holder %d bears %.12f of the losses, expected %.1f", k, sum[k] / total,
                     share[k]);
    CR_CHECK_MSG(bad_periods == 0, "%zu period shares differ from 40/30/20/10", bad_periods);
    CR_CHECK(failed == 0.0);
    check_invariants(&p, cr_mode_find("china_4321"), &r, "4321 ample resources");
    runs_free(&r);
}

/* ---------------------------------------------------------------- 4. common random numbers */

/* With its guarantees switched off (an empty waterfall, no fee, no PD limit of its
 * own, the guarantor's signal not shared with the bank) and direct's collateral
 * rule, `single` is `direct`: the same SMEs, shocks, signals and rationing draws, so
 * bit-identical metrics. The guarantee company still exists with its capital, so
 * guarantor_net_assets differs unless its capital is 0 too: first every other
 * metric is compared, then, with capital 0, every metric. */
static void test_single_without_guarantees_is_direct(void)
{
    for (int zero_capital = 0; zero_capital < 2; zero_capital++) {
        sets s = {0};
        static const char *const kv[] = {"population.smes=4000",
                                         "experiment.periods=12",
                                         "experiment.replications=3",
                                         "single.waterfall=[]",
                                         "single.guarantor.shares_signal=false",
                                         "single.guarantor.max_pd=1",
                                         "single.guarantor.fee=0",
                                         NULL};
        sets_addv(&s, kv);
        if (zero_capital)
            sets_add(&s, "single.guarantor.capital_ratio=0");
        cr_params p0;
        CR_REQUIRE(load(&p0, &s) == CR_OK);
        sets_addf(&s, "single.min_collateral=%.17g",
                  p0.mode[cr_mode_find("direct")->slot].min_collateral);
        cr_params p;
        CR_REQUIRE(load(&p, &s) == CR_OK);
        session ss;
        cr_diag d = {{0}};
        CR_REQUIRE(session_open(&ss, &p, THREADS, &d) == CR_OK);
        runs a = {0}, b = {0};
        cr_status sa = session_run(&ss, cr_mode_find("direct"), &a, &d);
        CR_CHECK_MSG(sa == CR_OK, "direct: %s", d.msg);
        cr_status sb = session_run(&ss, cr_mode_find("single"), &b, &d);
        CR_CHECK_MSG(sb == CR_OK, "single: %s", d.msg);
        session_close(&ss);
        if (sa == CR_OK && sb == CR_OK) {
            size_t ndiff = 0;
            for (int rep = 0; rep < a.reps; rep++)
                for (int k = 0; k < NM; k++) {
                    if (k == CR_M_GUARANTOR_NET_ASSETS && !zero_capital)
                        continue;
                    for (int t = 0; t < a.periods; t++) {
                        double x = at(&a, rep, k, t), y = at(&b, rep, k, t);
                        if (memcmp(&x, &y, sizeof x) != 0 && ndiff++ < 5)
                            fprintf(stderr,
                                    "  single != direct: metric %s, replication %d, period %d: "
                                    "%.17g vs %.17g\n",
                                    cr_metric_table()[k].name, rep, t, y, x);
                    }
                }
            CR_CHECK_MSG(ndiff == 0, "capital %s: %zu metric values of single differ from direct",
                         zero_capital ? "0" : "default", ndiff);
            if (zero_capital)
                CR_CHECK(memcmp(a.v, b.v,
                                (size_t)NM * (size_t)a.periods * (size_t)a.reps * sizeof *a.v) ==
                         0);
            /* not vacuous: loans were made and lost */
            double granted = 0.0, losses = 0.0;
            for (int rep = 0; rep < a.reps; rep++)
                for (int t = 0; t < a.periods; t++) {
                    granted += at(&a, rep, CR_M_LOANS_GRANTED, t);
                    losses += at(&a, rep, CR_M_BANK_LOSSES, t);
                }
            CR_CHECK(granted > 0.0 && losses > 0.0);
        }
        runs_free(&a);
        runs_free(&b);
    }
}

/* ---------------------------------------------------------------- 5. information */

/* Post-burn-in average of metric k in each replication. */
static void post_burn_in_means(const runs *r, int burn_in, int k, double *out)
{
    for (int rep = 0; rep < r->reps; rep++) {
        double s = 0.0;
        for (int t = burn_in; t < r->periods; t++)
            s += at(r, rep, k, t);
        out[rep] = s / (double)(r->periods - burn_in);
    }
}

/* t statistic of the mean of the paired differences a - b. */
static double paired_t(const double *a, const double *b, int n, double *mean_out)
{
    double mean = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++)
        mean += (a[i] - b[i]) / n;
    for (int i = 0; i < n; i++)
        ss += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
    double se = sqrt(ss / (n - 1) / n);
    *mean_out = mean;
    return se > 0.0 ? mean / se : (mean < 0.0 ? -INFINITY : mean > 0.0 ? INFINITY : 0.0);
}

/* Paired comparison of two parameter sets of one mode: low minus high noise. The
 * two arms share every SME, shock and signal draw (the streams are keyed by purpose
 * and SME, a signal is truth + sigma x the same standard normal, and an SME's
 * failure does not depend on whether it borrowed, so both arms have the same
 * population in every period): the paired difference isolates the noise.
 *
 * Why mean/se < -3 does not fail by chance: the seed is fixed, so the test is
 * deterministic, and the question is whether a correct model could land above -3
 * for this seed. With 16 replications (15 degrees of freedom) P(t < -3) under no
 * effect is 0.5 %, and the effect is far stronger than the threshold: over the
 * default seed and seeds 1-6 the statistics were -32 to -57 for borrower_mean_pd
 * and -6.5 to -12 for default_rate (default rates are noisier: few defaults per
 * period and the systemic factor moves them together, hence 24 periods). A correct
 * model fails only if the effect of information shrinks to about half. */
static void compare_information(const char *mode, const sets *common, const sets *low,
                                const sets *high, const char *what)
{
    sets s1 = *common, s2 = *common;
    for (int i = 0; i < low->n; i++)
        sets_add(&s1, low->item[i]);
    for (int i = 0; i < high->n; i++)
        sets_add(&s2, high->item[i]);
    /* the items of common/low/high point into their own storage or static strings */
    cr_params p1, p2;
    CR_REQUIRE(load(&p1, &s1) == CR_OK);
    CR_REQUIRE(load(&p2, &s2) == CR_OK);
    runs a = {0}, b = {0};
    cr_status sa = run_mode(&p1, mode, THREADS, &a), sb = run_mode(&p2, mode, THREADS, &b);
    CR_CHECK(sa == CR_OK && sb == CR_OK);
    if (sa == CR_OK && sb == CR_OK) {
        int n = a.reps, burn = (int)p1.experiment.burn_in;
        double *x = calloc((size_t)n * 2, sizeof *x);
        CR_REQUIRE(x);
        static const int metrics[2] = {CR_M_BORROWER_MEAN_PD, CR_M_DEFAULT_RATE};
        for (int j = 0; j < 2; j++) {
            post_burn_in_means(&a, burn, metrics[j], x);
            post_burn_in_means(&b, burn, metrics[j], x + n);
            double mean, t = paired_t(x, x + n, n, &mean);
            fprintf(stderr, "  %s: %s low - high noise = %.6g, mean/se = %.3g\n", what,
                    cr_metric_table()[metrics[j]].name, mean, t);
            CR_CHECK_MSG(t < -3.0, "%s: %s: paired difference %.6g, mean/se %.3g (want < -3)", what,
                         cr_metric_table()[metrics[j]].name, mean, t);
        }
        free(x);
    }
    runs_free(&a);
    runs_free(&b);
}

static void test_information_improves_selection(void)
{
    static const char *const kv[] = {"population.smes=5000", "experiment.periods=24",
                                     "experiment.burn_in=4", "experiment.replications=16",
                                     "bank.max_pd=0.06",     NULL};
    sets common = {0}, low = {0}, high = {0};
    sets_addv(&common, kv);
    sets_add(&low, "bank.screening_noise=0.25");
    sets_add(&high, "bank.screening_noise=2.0");
    compare_information("direct", &common, &low, &high, "direct, bank noise 0.25 vs 2");

    /* the alliance with and without the association's, core firm's and members'
     * information (the bank's and guarantor's own signals unchanged) */
    /* the bank's and guarantor's own signals are made poor in both arms, so that what
     * the alliance adds is most of what lenders know */
    sets_add(&common, "bank.screening_noise=2");
    sets_add(&common, "alliance.guarantor.screening_noise=2");
    sets hi2 = {0}, lo2 = {0};
    sets_add(&hi2, "alliance.association.screening_noise=100");
    sets_add(&hi2, "alliance.core_firm.screening_noise=100");
    sets_add(&hi2, "alliance.members.screening_noise=100");
    compare_information("alliance", &common, &lo2, &hi2,
                        "alliance, with vs without association/core/members information");
}

/* ---------------------------------------------------------------- 6. threads */

/* Every mode gives bit-identical metrics on 1, 2 and 3 threads. 10007 SMEs is not a
 * multiple of any block size (4096 without groups, 4095 for groups of 5, 4080 for
 * groups of 20) and makes 3 blocks, so 3 threads all have work. */
static void test_threads_every_mode(void)
{
    static const char *const kv[] = {"population.smes=10007", "experiment.periods=8",
                                     "experiment.replications=2", "population.banks=7", NULL};
    sets s = {0};
    sets_addv(&s, kv);
    cr_params p;
    CR_REQUIRE(load(&p, &s) == CR_OK);
    CR_CHECK(p.mode[cr_mode_find("joint_liability")->slot].members.size == 5);
    CR_CHECK(p.mode[cr_mode_find("alliance")->slot].members.size == 20);
    session ss[3];
    cr_diag d = {{0}};
    for (int k = 0; k < 3; k++)
        CR_REQUIRE(session_open(&ss[k], &p, k + 1, &d) == CR_OK);
    for (size_t i = 0; cr_mode_at(i); i++) {
        const cr_mode_type *mt = cr_mode_at(i);
        runs r[3] = {{0}};
        int ok = 1;
        for (int k = 0; k < 3; k++) {
            cr_status st = session_run(&ss[k], mt, &r[k], &d);
            CR_CHECK_MSG(st == CR_OK, "mode %s, %d threads: %s", mt->name, k + 1, d.msg);
            ok &= st == CR_OK;
        }
        if (ok) {
            size_t n = (size_t)NM * (size_t)r[0].periods * (size_t)r[0].reps;
            CR_CHECK_MSG(memcmp(r[0].v, r[1].v, n * sizeof *r[0].v) == 0,
                         "mode %s: 1 and 2 threads differ", mt->name);
            CR_CHECK_MSG(memcmp(r[0].v, r[2].v, n * sizeof *r[0].v) == 0,
                         "mode %s: 1 and 3 threads differ", mt->name);
            /* not vacuous: the replications differ */
            CR_CHECK_MSG(memcmp(r[0].v, r[0].v + n / 2, n / 2 * sizeof *r[0].v) != 0,
                         "mode %s: replications identical", mt->name);
        }
        for (int k = 0; k < 3; k++)
            runs_free(&r[k]);
    }
    for (int k = 0; k < 3; k++)
        session_close(&ss[k]);
}

/* ---------------------------------------------------------------- 7. failed guarantor */

/* A guarantee company with almost no capital facing high PDs fails; from the next
 * period on its guarantees pay nothing: guarantor_payouts is 0, and the losses on
 * the loans it had guaranteed fall on the bank. */
static void test_failed_guarantor_voids_guarantees(void)
{
    /* the lenders must accept PDs around 0.2 (the default limits, 0.15, refuse nearly
     * every applicant), and the leverage cap must let the guarantor take on risk */
    static const char *const kv[] = {"population.smes=4000",
                                     "experiment.periods=12",
                                     "experiment.replications=3",
                                     "population.pd.mean=0.2",
                                     "single.guarantor.capital_ratio=0.0005",
                                     "single.guarantor.leverage_cap=1000",
                                     "single.guarantor.max_pd=0.6",
                                     "bank.max_pd=0.6",
                                     NULL};
    sets s = {0};
    sets_addv(&s, kv);
    cr_params p;
    CR_REQUIRE(load(&p, &s) == CR_OK);
    runs r = {0};
    CR_REQUIRE(run_mode(&p, "single", THREADS, &r) == CR_OK);
    int failures = 0;
    for (int rep = 0; rep < r.reps; rep++) {
        int tf = -1;
        for (int t = 0; t < r.periods && tf < 0; t++)
            if (at(&r, rep, CR_M_GUARANTORS_FAILED, t) == 1.0)
                tf = t;
        if (tf < 0)
            continue;
        failures++;
        /* it paid something in the period it failed (it failed paying calls) */
        CR_CHECK_MSG(at(&r, rep, CR_M_GUARANTOR_PAYOUTS, tf) > 0.0,
                     "rep %d: no payout in the failure period %d", rep, tf);
        double bank_after = 0.0, defaults_after = 0.0;
        for (int t = tf + 1; t < r.periods; t++) {
            CR_CHECK_MSG(at(&r, rep, CR_M_GUARANTORS_FAILED, t) == 1.0,
                         "rep %d period %d: failed guarantor recovered", rep, t);
            CR_CHECK_MSG(at(&r, rep, CR_M_GUARANTOR_PAYOUTS, t) == 0.0,
                         "rep %d period %d: failed guarantor paid %g", rep, t,
                         at(&r, rep, CR_M_GUARANTOR_PAYOUTS, t));
            bank_after += at(&r, rep, CR_M_BANK_LOSSES, t);
            defaults_after += at(&r, rep, CR_M_FUNDAMENTAL_DEFAULTS, t);
        }
        if (defaults_after > 0.0)
            CR_CHECK_MSG(bank_after > 0.0, "rep %d: %g defaults after the failure, bank lost 0",
                         rep, defaults_after);
        /* with 100 % coverage the bank lost nothing before the failure */
        for (int t = 0; t < tf; t++)
            CR_CHECK_MSG(at(&r, rep, CR_M_BANK_LOSSES, t) == 0.0,
                         "rep %d period %d: bank lost %g under a solvent 100 %% guarantor", rep, t,
                         at(&r, rep, CR_M_BANK_LOSSES, t));
        /* and it bore something in the failure period or after */
        double bank_from = 0.0;
        for (int t = tf; t < r.periods; t++)
            bank_from += at(&r, rep, CR_M_BANK_LOSSES, t);
        CR_CHECK_MSG(bank_from > 0.0, "rep %d: the bank bore no loss after the failure", rep);
    }
    CR_CHECK_MSG(failures == r.reps, "the guarantor failed in %d of %d replications", failures,
                 r.reps);
    check_invariants(&p, cr_mode_find("single"), &r, "failed guarantor");
    runs_free(&r);
}

/* guarantor.max_pd is an annual PD (params: "highest estimated annual PD it
 * guarantees"), like bank.max_pd. With one PD for every SME the lenders' estimate
 * is exact (the prior has infinite precision), so an SME of annual PD 0.14 is within
 * a limit of 0.15 and outside one of 0.13, for the bank and the guarantor alike. */
static void test_guarantor_max_pd_is_annual(void)
{
    static const double limits[2] = {0.15, 0.13};
    for (int k = 0; k < 2; k++) {
        sets s = {0};
        sets_add(&s, "population.smes=2000");
        sets_add(&s, "experiment.periods=3");
        sets_add(&s, "experiment.replications=1");
        sets_add(&s, "population.pd.distribution=fixed");
        sets_add(&s, "population.pd.mean=0.14");
        sets_add(&s, "bank.max_pd=0.15");
        sets_addf(&s, "single.guarantor.max_pd=%g", limits[k]);
        cr_params p;
        CR_REQUIRE(load(&p, &s) == CR_OK);
        runs d = {0}, g = {0};
        CR_REQUIRE(run_mode(&p, "direct", THREADS, &d) == CR_OK);
        CR_REQUIRE(run_mode(&p, "single", THREADS, &g) == CR_OK);
        CR_CHECK(at(&d, 0, CR_M_LOANS_GRANTED, 0) > 0.0); /* the bank accepts PD 0.14 */
        if (k == 0)
            CR_CHECK_MSG(at(&g, 0, CR_M_LOANS_GRANTED, 0) > 0.0,
                         "a guarantor with max_pd 0.15 refused every SME of annual PD 0.14 "
                         "(%g applications)",
                         at(&g, 0, CR_M_APPLICATIONS, 0));
        else
            CR_CHECK_MSG(at(&g, 0, CR_M_LOANS_GRANTED, 0) == 0.0,
                         "a guarantor with max_pd 0.13 guaranteed SMEs of annual PD 0.14");
        runs_free(&d);
        runs_free(&g);
    }
}

/* ---------------------------------------------------------------- 8. government budget */

/* china_4321's government fund pays out of a yearly budget (budget_ratio x the
 * initial loan demand, renewed at the start of every year): the payouts of a year
 * never exceed it; a tiny budget pays less than a large one, strictly less in some
 * year; and a budget used up in one year is available again the next year. */
static void test_government_budget(void)
{
    const int ppy = 4, years = 3;
    runs r[2] = {{0}};
    cr_params p[2];
    static const char *const ratios[2] = {"1e-5", "10"};
    for (int k = 0; k < 2; k++) {
        sets s = {0};
        sets_add(&s, "population.smes=4000");
        sets_addf(&s, "experiment.periods=%d", ppy * years);
        sets_addf(&s, "experiment.periods_per_year=%d", ppy);
        sets_add(&s, "experiment.replications=2");
        sets_addf(&s, "china_4321.government.budget_ratio=%s", ratios[k]);
        CR_REQUIRE(load(&p[k], &s) == CR_OK);
        CR_REQUIRE(run_mode(&p[k], "china_4321", THREADS, &r[k]) == CR_OK);
        CR_CHECK(r[k].gov_budget[0] > 0.0);
    }
    int strictly_less = 0, exhausted_years = 0, paid_after_exhausted = 0, exhausted_before = 0;
    for (int rep = 0; rep < r[0].reps; rep++) {
        /* the large budget pays its share from the first period with losses */
        for (int t = 0; t < r[1].periods; t++)
            if (at(&r[1], rep, CR_M_BANK_LOSSES, t) > 0.0) {
                CR_CHECK_MSG(at(&r[1], rep, CR_M_GOVERNMENT_PAYOUTS, t) > 0.0,
                             "rep %d period %d: losses but no government payout", rep, t);
                break;
            }
        exhausted_before = 0;
        for (int y = 0; y < years; y++) {
            double paid[2] = {0, 0}, losses = 0.0;
            for (int k = 0; k < 2; k++)
                for (int t = y * ppy; t < (y + 1) * ppy; t++)
                    paid[k] += at(&r[k], rep, CR_M_GOVERNMENT_PAYOUTS, t);
            for (int t = y * ppy; t < (y + 1) * ppy; t++)
                losses += at(&r[0], rep, CR_M_BANK_LOSSES, t);
            for (int k = 0; k < 2; k++)
                CR_CHECK_MSG(paid[k] <= r[k].gov_budget[rep] * (1.0 + 1e-12),
                             "budget %s, rep %d, year %d: paid %.17g > budget %.17g", ratios[k],
                             rep, y, paid[k], r[k].gov_budget[rep]);
            CR_CHECK_MSG(paid[0] <= paid[1] * (1.0 + 1e-12),
                         "rep %d, year %d: tiny budget paid %.17g > large budget %.17g", rep, y,
                         paid[0], paid[1]);
            strictly_less += paid[0] < paid[1];
            if (exhausted_before && losses > 0.0)
                paid_after_exhausted += paid[0] > 0.0;
            /* used up: it paid (almost) the whole budget */
            exhausted_before = paid[0] >= r[0].gov_budget[rep] * (1.0 - 1e-9);
            exhausted_years += exhausted_before;
        }
    }
    CR_CHECK(strictly_less > 0);
    CR_CHECK_MSG(exhausted_years > 0, "the tiny budget was never used up");
    /* the budget is renewed every year: a fund that ran dry pays again the next year */
    CR_CHECK_MSG(paid_after_exhausted > 0,
                 "a government budget used up in one year paid nothing in any later year with "
                 "losses (%d exhausted years)",
                 exhausted_years);
    for (int k = 0; k < 2; k++)
        runs_free(&r[k]);
}

/* ---------------------------------------------------------------- 9. joint liability */

/* Joint liability with everything else made deterministic per loan: one PD (the
 * lenders' estimate is exact), one loan size L, one collateral share c, one-period
 * loans, everyone applies, banks with ample capital, members with ample equity (so
 * the members' layer is priced at its full cap and every member pays the same
 * rate). Then
 *   sme_surplus = (at risk - defaults) L (ret - rate) - defaults c L - members_payouts
 * exactly, in joint_liability (where fellow members pay) and in the same mode with
 * an empty waterfall (where they don't); the two runs have the same borrowers and
 * defaults, members pay > 0, and what they pay is exactly what the bank loses more
 * without them. */
static void test_joint_liability(void)
{
    static const char *const kv[] = {"population.smes=4000",
                                     "experiment.periods=10",
                                     "experiment.replications=2",
                                     "population.pd.distribution=fixed",
                                     "population.pd.mean=0.08",
                                     "population.loan_size.cv=0",
                                     "population.collateral.sd=0",
                                     "population.collateral.mean=0.3",
                                     "population.equity.ratio=3",
                                     "population.equity.cv=0",
                                     "population.demand_probability=1",
                                     "loans.maturity=1",
                                     "bank.initial_capital_ratio=10",
                                     NULL};
    runs r[2] = {{0}};
    cr_params p[2];
    for (int k = 0; k < 2; k++) {
        sets s = {0};
        sets_addv(&s, kv);
        if (k == 1)
            sets_add(&s, "joint_liability.waterfall=[]");
        CR_REQUIRE(load(&p[k], &s) == CR_OK);
        CR_REQUIRE(run_mode(&p[k], "joint_liability", THREADS, &r[k]) == CR_OK);
        check_invariants(&p[k], cr_mode_find("joint_liability"), &r[k],
                         k ? "joint liability, empty waterfall" : "joint liability");
    }
    const double L = p[0].population.loan_size.mean, c = p[0].population.collateral.mean;
    const double ppy = (double)p[0].experiment.periods_per_year;
    const double ret = expm1(log1p(p[0].loans.project_return) / ppy);
    double members_total = 0.0, defaults_total = 0.0;
    for (int k = 0; k < 2; k++)
        for (int rep = 0; rep < r[k].reps; rep++)
            for (int t = 0; t < r[k].periods; t++) {
                double at_risk = at(&r[k], rep, CR_M_LOANS_OUTSTANDING, t) / L;
                double defaults = at(&r[k], rep, CR_M_FUNDAMENTAL_DEFAULTS, t);
                double rate = expm1(log1p(at(&r[k], rep, CR_M_MEAN_LOAN_RATE, t)) / ppy);
                double members = at(&r[k], rep, CR_M_MEMBERS_PAYOUTS, t);
                double expect =
                    (at_risk - defaults) * L * (ret - rate) - defaults * c * L - members;
                double got = at(&r[k], rep, CR_M_SME_SURPLUS, t);
                CR_CHECK_MSG(fabs(got - expect) <= 1e-9 * (fabs(got) + fabs(expect) + members),
                             "%s, rep %d, period %d: sme_surplus %.17g, expected %.17g (members "
                             "paid %.17g)",
                             k ? "empty waterfall" : "joint_liability", rep, t, got, expect,
                             members);
                if (k == 1)
                    CR_CHECK(members == 0.0);
                else {
                    members_total += members;
                    defaults_total += defaults;
                }
            }
    CR_CHECK_MSG(defaults_total > 0.0 && members_total > 0.0,
                 "joint liability: %g defaults, members paid %g", defaults_total, members_total);
    /* same borrowers and defaults in both runs; members' payments replace bank losses */
    for (int rep = 0; rep < r[0].reps; rep++)
        for (int t = 0; t < r[0].periods; t++) {
            CR_CHECK(at(&r[0], rep, CR_M_LOANS_GRANTED, t) ==
                     at(&r[1], rep, CR_M_LOANS_GRANTED, t));
            CR_CHECK(at(&r[0], rep, CR_M_FUNDAMENTAL_DEFAULTS, t) ==
                     at(&r[1], rep, CR_M_FUNDAMENTAL_DEFAULTS, t));
            double with =
                at(&r[0], rep, CR_M_MEMBERS_PAYOUTS, t) + at(&r[0], rep, CR_M_BANK_LOSSES, t);
            double without = at(&r[1], rep, CR_M_BANK_LOSSES, t);
            CR_CHECK_NEAR(with, without, 1e-9 * (with + without));
            if (at(&r[0], rep, CR_M_MEMBERS_PAYOUTS, t) > 0.0)
                CR_CHECK(at(&r[1], rep, CR_M_BANK_LOSSES, t) > at(&r[0], rep, CR_M_BANK_LOSSES, t));
        }
    for (int k = 0; k < 2; k++)
        runs_free(&r[k]);
}

/* Joint liability at the defaults (random PDs, loan sizes, collateral): fellow
 * members pay when members default, and less than the whole loss is the bank's. */
static void test_joint_liability_defaults(void)
{
    static const char *const kv[] = {"population.smes=3000", "experiment.periods=10",
                                     "experiment.replications=2", NULL};
    sets s = {0};
    sets_addv(&s, kv);
    cr_params p;
    CR_REQUIRE(load(&p, &s) == CR_OK);
    runs r = {0};
    CR_REQUIRE(run_mode(&p, "joint_liability", THREADS, &r) == CR_OK);
    double members = 0.0, defaults = 0.0;
    for (int rep = 0; rep < r.reps; rep++)
        for (int t = 0; t < r.periods; t++) {
            members += at(&r, rep, CR_M_MEMBERS_PAYOUTS, t);
            defaults += at(&r, rep, CR_M_FUNDAMENTAL_DEFAULTS, t);
        }
    CR_CHECK(defaults > 0.0);
    CR_CHECK_MSG(members > 0.0, "%g defaults, members paid nothing", defaults);
    runs_free(&r);
}

/* CR_RUN with the test's wall time (to keep the file within its time budget) */
#define RUN_TIMED(fn)                                                                              \
    do {                                                                                           \
        struct timespec t0_, t1_;                                                                  \
        clock_gettime(CLOCK_MONOTONIC, &t0_);                                                      \
        CR_RUN(fn);                                                                                \
        clock_gettime(CLOCK_MONOTONIC, &t1_);                                                      \
        fprintf(stderr, "     %.2f s\n",                                                           \
                (double)(t1_.tv_sec - t0_.tv_sec) + 1e-9 * (double)(t1_.tv_nsec - t0_.tv_nsec));   \
    } while (0)

int main(void)
{
    build_all_modes_set();
    RUN_TIMED(test_identities_every_mode);
    RUN_TIMED(test_losses_booked_once);
    RUN_TIMED(test_4321_split);
    RUN_TIMED(test_single_without_guarantees_is_direct);
    RUN_TIMED(test_information_improves_selection);
    RUN_TIMED(test_threads_every_mode);
    RUN_TIMED(test_failed_guarantor_voids_guarantees);
    RUN_TIMED(test_guarantor_max_pd_is_annual);
    RUN_TIMED(test_government_budget);
    RUN_TIMED(test_joint_liability);
    RUN_TIMED(test_joint_liability_defaults);
    return cr_test_report();
}
