/* Validation anchor: free matching into joint-liability groups (Ghatak 1999;
 * MODEL.md section 5; docs/validation.md, section "Ghatak").
 *
 * Set-up. experiments/validation/ghatak.yaml: joint liability in groups of 2, one
 * period per replication (types sort once, at the start of a replication; the
 * entrants of later periods are of random types), loans of 1 to every SME, LGD 1,
 * independent outcomes. Types are fixed at entry (behaviour.risk.rule fixed): a
 * share theta = 0.3 of risky types, which succeed with p_r = 0.5; safe types
 * succeed with p_s = 1 - pd = 0.9. A member whose partner fails and who does not
 * fail itself pays c = 0.5 of the partner's loan (members layer, first_loss cap
 * 0.5), from ample equity (population.equity.ratio 10).
 *
 * Closed forms, given the realised composition of a replication: N_s safe and
 * N_r risky SMEs (risky_share x N), M mixed pairs among G = N / 2
 * ((1 - same_type_groups) x G), A = (N_s - M) / 2 safe and B = (N_r - M) / 2 risky
 * pairs. A pair (i, j) has payments c 1{exactly one fails}, with
 * q_ij = p_i (1 - p_j) + p_j (1 - p_i), so
 *   E[members_payouts] = c (A q_ss + B q_rr + M q_sr),
 *   Var[members_payouts] = c^2 (A q_ss (1 - q_ss) + B q_rr (1 - q_rr) + M q_sr (1 - q_sr)),
 * and E[bank_losses] = E[defaults] - E[members_payouts] with per-pair bank losses 2
 * (both fail), 1 - c (one fails) or 0 (exact mean and variance per pair type).
 * Sorting a mixed pair (two mixed pairs into one safe and one risky pair) lowers
 * the expected payments by c (p_s - p_r)^2 per mixed pair and raises the bank's
 * losses by as much; the expected number of defaults does not change.
 * (a) Random matching (consecutive slots of i.i.d. types): each group is of one
 *     type with probability 1 - 2 theta (1 - theta); pooled over G x reps groups,
 *     |z| <= 5 (binomial). Free matching: same_type_groups = 1 - [N_r odd] / G
 *     exactly (only the boundary group is mixed).
 * (b) Per arm, pooled over replications: members_payouts, bank_losses and default
 *     counts within 5 standard errors of their conditional expectations (exact
 *     variances; replications independent). The difference random - free of
 *     members_payouts against c (p_s - p_r)^2 (M_random - M_free), and of
 *     bank_losses against minus that: the two arms share the SMEs and the slots'
 *     outcome draws, so their covariance is unknown; the bound
 *     Var(X - Y) <= (sd X + sd Y)^2 makes the check conservative.
 * Identity (exact up to rounding): bank_losses + members_payouts = defaults (x 1).
 * In all 1 + 3 x 2 + 2 = 9 z-checks at |z| <= 5 (two of them conservative): a
 * correct model fails in fewer than 9 x 5.7e-7 = 5e-6 of runs.
 *
 * Sizes: N = 20000 SMEs, 50 replications per arm (0.3 s on 2 cores in Release,
 * 2 s in a Debug ASan build). CREDERE_FULL_VALIDATION=1: N = 100000, 200
 * replications (about 6 s). Seeds are the file's (fixed; never tune them).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/loop.h"
#include "experiments/setup.h"
#include "harness.h"
#include "lib/validation.h"
#include "models/behaviour.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

#define THREADS 2
#define Z_BOUND 5.0 /* |z| <= 5: two-sided false failure 5.7e-7 */
#define THETA 0.3   /* behaviour.risk.initial_share */
#define PD 0.1      /* population.pd.mean */
#define P_SAFE (1.0 - PD)
#define P_RISKY 0.5 /* behaviour.risk.risky_success */
#define LIAB 0.5    /* c: the members layer's cap */

typedef struct {
    int64_t smes, reps;
} gh_size;

static gh_size test_size(void)
{
    const char *full = getenv("CREDERE_FULL_VALIDATION");
    if (full && strcmp(full, "1") == 0)
        return (gh_size){100000, 200};
    return (gh_size){20000, 50};
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One replication's period 0. */
typedef struct {
    double n_r, mixed, same; /* risky SMEs, mixed pairs, same_type_groups */
    double payouts, bank_losses, defaults;
} gh_rep;

/* Runs every replication with matching `matching`; out[rep]. */
static int simulate(const char *matching, gh_size sz, gh_rep *out)
{
    char s_match[64];
    snprintf(s_match, sizeof s_match, "behaviour.matching=%s", matching);
    const char *sets[] = {s_match};
    cr_params p;
    cr_diag d = {{0}};
    cr_status st = cr_test_load_validation("ghatak", sz.smes, 0, sz.reps, sets, 1, &p);
    if (st != CR_OK)
        return 1;
    /* the file really is the closed-form case */
    CR_CHECK(p.experiment.periods == 1 && p.experiment.periods_per_year == 1);
    CR_CHECK(p.loans.maturity == 1 && p.loans.recovery == 0.0);
    CR_CHECK(p.population.demand_probability == 1.0 && p.population.smes % 2 == 0);
    CR_CHECK(p.population.loan_size.mean == 1.0 && p.population.loan_size.cv == 0.0);
    CR_CHECK(p.population.collateral.mean == 0.0 && p.population.collateral.sd == 0.0);
    CR_CHECK(p.population.pd.distribution == CR_PD_FIXED && p.population.pd.mean == PD);
    CR_CHECK(p.economy.systemic_loading == 0.0 && p.economy.sector_loading == 0.0 &&
             p.economy.region_loading == 0.0);
    CR_CHECK(p.behaviour.risk.rule == CR_RULE_FIXED && p.behaviour.risk.initial_share == THETA &&
             p.behaviour.risk.risky_success == P_RISKY);
    CR_CHECK(p.behaviour.repayment.rule == CR_RULE_OFF &&
             p.behaviour.monitoring.rule == CR_RULE_OFF);
    CR_CHECK(p.population.equity.ratio >= 10.0 * LIAB && p.population.equity.cv == 0.0);
    const cr_mode_type *jl = cr_mode_find("joint_liability");
    CR_CHECK(jl != NULL);
    if (!jl)
        return 1;
    const cr_mode_params *jp = &p.mode[jl->slot];
    cr_waterfall w;
    cr_mode_params_waterfall(jp, &w);
    CR_CHECK(jp->members.size == 2);
    CR_CHECK(w.n == 1 && w.layer[0].holder == CR_H_MEMBERS &&
             w.layer[0].kind == CR_LAYER_FIRST_LOSS && w.layer[0].cap == LIAB);

    cr_model *m = NULL;
    cr_engine e = {0};
    st = cr_model_create(&p, &m, &d);
    if (st == CR_OK)
        st = cr_engine_init(&e, THREADS);
    const double n = (double)sz.smes, groups = n / 2.0;
    size_t bad = 0;
    for (int64_t rep = 0; st == CR_OK && rep < sz.reps; rep++) {
        st = cr_model_run_unit(m, &e, jl, (uint64_t)rep, &d);
        if (st != CR_OK)
            break;
        const double *v = m->values; /* one period: values[k] */
        gh_rep *o = &out[rep];
        o->n_r = round(v[CR_M_RISKY_SHARE] * n);
        o->same = v[CR_M_SAME_TYPE_GROUPS];
        o->mixed = round((1.0 - o->same) * groups);
        o->payouts = v[CR_M_MEMBERS_PAYOUTS];
        o->bank_losses = v[CR_M_BANK_LOSSES];
        o->defaults = v[CR_M_FUNDAMENTAL_DEFAULTS];
        /* every SME borrows; the counts are integers; every loss is booked once */
        bad += v[CR_M_LOANS_GRANTED] != n || v[CR_M_LOANS_OUTSTANDING] != n ||
               fabs(v[CR_M_RISKY_SHARE] * n - o->n_r) > 1e-6 ||
               fabs((1.0 - o->same) * groups - o->mixed) > 1e-6 ||
               fabs(o->payouts / LIAB - round(o->payouts / LIAB)) > 1e-6 ||
               fabs(o->bank_losses + o->payouts - o->defaults) > 1e-9 * (o->defaults + 1.0);
    }
    cr_engine_destroy(&e);
    cr_model_free(&m);
    CR_CHECK_MSG(st == CR_OK, "%s: %s", matching, d.msg);
    CR_CHECK_MSG(bad == 0, "%s: %zu replications break the set-up or the loss identity", matching,
                 bad);
    return st == CR_OK ? 0 : 1;
}

/* The conditional moments of one replication given its composition. */
typedef struct {
    double pay, pay_var;   /* members_payouts */
    double bank, bank_var; /* bank_losses */
    double def, def_var;   /* defaults */
} gh_moments;

/* Per pair of success probabilities (a, b): payments c 1{exactly one fails};
 * bank loss 2 (both fail), 1 - c (exactly one), 0. */
static void pair_moments(double a, double b, double count, gh_moments *g)
{
    double one = a * (1.0 - b) + b * (1.0 - a), both = (1.0 - a) * (1.0 - b);
    g->pay += count * LIAB * one;
    g->pay_var += count * LIAB * LIAB * one * (1.0 - one);
    double mb = 2.0 * both + (1.0 - LIAB) * one;
    double m2 = 4.0 * both + (1.0 - LIAB) * (1.0 - LIAB) * one;
    g->bank += count * mb;
    g->bank_var += count * (m2 - mb * mb);
    g->def += count * ((1.0 - a) + (1.0 - b));
    g->def_var += count * ((1.0 - a) * a + (1.0 - b) * b);
}

static gh_moments moments(double n, double n_r, double mixed)
{
    gh_moments g = {0};
    double n_s = n - n_r;
    pair_moments(P_SAFE, P_SAFE, (n_s - mixed) / 2.0, &g);
    pair_moments(P_RISKY, P_RISKY, (n_r - mixed) / 2.0, &g);
    pair_moments(P_SAFE, P_RISKY, mixed, &g);
    return g;
}

static void test_ghatak(void)
{
    gh_size sz = test_size();
    double t0 = now();
    gh_rep *rnd = calloc((size_t)sz.reps, sizeof *rnd), *fre = calloc((size_t)sz.reps, sizeof *fre);
    CR_CHECK(rnd && fre);
    if (!rnd || !fre || simulate("random", sz, rnd) != 0 || simulate("free", sz, fre) != 0) {
        free(rnd);
        free(fre);
        return;
    }
    const double n = (double)sz.smes, groups = n / 2.0,
                 gap = (P_SAFE - P_RISKY) * (P_SAFE - P_RISKY);
    /* (a) same-type groups */
    double same_r = 0.0, mixed_r = 0.0, mixed_f = 0.0;
    size_t bad_free = 0, bad_types = 0;
    gh_moments er = {0}, ef = {0};
    double obs_r[3] = {0}, obs_f[3] = {0}; /* payouts, bank losses, defaults */
    double d_pay = 0.0, d_bank = 0.0, d_exp = 0.0, d_var_pay = 0.0, d_var_bank = 0.0;
    for (int64_t k = 0; k < sz.reps; k++) {
        const gh_rep *a = &rnd[k], *b = &fre[k];
        same_r += groups - a->mixed;
        mixed_r += a->mixed;
        mixed_f += b->mixed;
        /* the same SMEs in both arms; free: only the boundary group is mixed */
        bad_types += a->n_r != b->n_r;
        bad_free += b->mixed != fmod(b->n_r, 2.0) ||
                    fabs(b->same - (1.0 - fmod(b->n_r, 2.0) / groups)) > 1e-12;
        gh_moments ga = moments(n, a->n_r, a->mixed), gb = moments(n, b->n_r, b->mixed);
        er.pay += ga.pay, er.pay_var += ga.pay_var, er.bank += ga.bank, er.bank_var += ga.bank_var;
        er.def += ga.def, er.def_var += ga.def_var;
        ef.pay += gb.pay, ef.pay_var += gb.pay_var, ef.bank += gb.bank, ef.bank_var += gb.bank_var;
        ef.def += gb.def, ef.def_var += gb.def_var;
        obs_r[0] += a->payouts, obs_r[1] += a->bank_losses, obs_r[2] += a->defaults;
        obs_f[0] += b->payouts, obs_f[1] += b->bank_losses, obs_f[2] += b->defaults;
        /* (b) the difference: sorting removes c (p_s - p_r)^2 per mixed pair */
        d_pay += a->payouts - b->payouts;
        d_bank += a->bank_losses - b->bank_losses;
        d_exp += LIAB * gap * (a->mixed - b->mixed);
        double sp = sqrt(ga.pay_var) + sqrt(gb.pay_var), sb = sqrt(ga.bank_var) + sqrt(gb.bank_var);
        d_var_pay += sp * sp;
        d_var_bank += sb * sb;
    }
    double tot = groups * (double)sz.reps;
    double pi_same = 1.0 - 2.0 * THETA * (1.0 - THETA);
    double share_r = same_r / tot;
    double z_same = (share_r - pi_same) / sqrt(pi_same * (1.0 - pi_same) / tot);
    fprintf(stderr,
            "ghatak N=%lld, %lld replications per arm, %.2f s\n"
            "  same-type groups: random %.5f vs 1 - 2 theta (1 - theta) = %.5f (z %+.2f); free "
            "%.6f (mixed pairs per replication %.2f, boundary only)\n",
            (long long)sz.smes, (long long)sz.reps, now() - t0, share_r, pi_same, z_same,
            1.0 - mixed_f / tot, mixed_f / (double)sz.reps);
    CR_CHECK_MSG(bad_types == 0, "%zu replications with other types in the two arms", bad_types);
    CR_CHECK_MSG(bad_free == 0,
                 "free matching: %zu replications with more than the boundary group "
                 "mixed",
                 bad_free);
    CR_CHECK_MSG(fabs(z_same) <= Z_BOUND, "random matching: same-type share %.5f vs %.5f: z %+.2f",
                 share_r, pi_same, z_same);
    /* (b) each arm against its conditional expectation */
    static const char *what[3] = {"members_payouts", "bank_losses", "defaults"};
    const char *arm[2] = {"random", "free"};
    for (int j = 0; j < 2; j++) {
        const gh_moments *g = j ? &ef : &er;
        const double *obs = j ? obs_f : obs_r;
        double ex[3] = {g->pay, g->bank, g->def}, var[3] = {g->pay_var, g->bank_var, g->def_var};
        for (int q = 0; q < 3; q++) {
            double z = (obs[q] - ex[q]) / sqrt(var[q]);
            fprintf(stderr, "  %-6s %-15s per replication %10.3f vs %10.3f (z %+.2f)\n", arm[j],
                    what[q], obs[q] / (double)sz.reps, ex[q] / (double)sz.reps, z);
            CR_CHECK_MSG(fabs(z) <= Z_BOUND, "%s matching: %s %.3f vs %.3f: z %+.2f", arm[j],
                         what[q], obs[q], ex[q], z);
        }
    }
    double z_dp = (d_pay - d_exp) / sqrt(d_var_pay), z_db = (d_bank + d_exp) / sqrt(d_var_bank);
    fprintf(stderr,
            "  random - free per replication: mixed pairs %.2f; members_payouts %.3f vs c (p_s - "
            "p_r)^2 x mixed = %.3f (z <= %+.2f); bank_losses %.3f vs %.3f (z <= %+.2f)\n",
            (mixed_r - mixed_f) / (double)sz.reps, d_pay / (double)sz.reps, d_exp / (double)sz.reps,
            z_dp, d_bank / (double)sz.reps, -d_exp / (double)sz.reps, z_db);
    CR_CHECK_MSG(fabs(z_dp) <= Z_BOUND, "payouts difference %.3f vs %.3f: z %+.2f", d_pay, d_exp,
                 z_dp);
    CR_CHECK_MSG(fabs(z_db) <= Z_BOUND, "bank losses difference %.3f vs %.3f: z %+.2f", d_bank,
                 -d_exp, z_db);
    free(rnd);
    free(fre);
}

int main(void)
{
    CR_RUN(test_ghatak);
    return cr_test_report();
}
