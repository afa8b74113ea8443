/* Tests of models/waterfall.c: hand-computed allocations (expected numbers in the
 * comments), a randomised comparison with a brute-force allocation and the
 * accounting identities, the checks' messages and the description. */
#include "models/waterfall.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/rng.h"
#include "tests/harness.h"

#define NH CR_HOLDER_COUNT
#define MAXE 4  /* entities per holder type in these tests */
#define MAXN 16 /* claims per batch */
#define TOL 1e-12

static cr_layer first(cr_holder h, double cap)
{
    return (cr_layer){h, CR_LAYER_FIRST_LOSS, 0.0, cap, CR_H_BANK};
}

static cr_layer pro(cr_holder h, double share)
{
    return (cr_layer){h, CR_LAYER_PRO_RATA, share, 0.0, CR_H_BANK};
}

static cr_layer counter(cr_holder h, double share, cr_holder of)
{
    return (cr_layer){h, CR_LAYER_COUNTER, share, 0.0, of};
}

/* Holders with ne entities of every type, each with `avail` available. */
typedef struct {
    double avail[NH][MAXE];
    uint8_t failed[NH][MAXE];
    cr_holders h;
} fixture;

static void fixture_init(fixture *f, size_t ne, double avail)
{
    memset(f, 0, sizeof *f);
    for (int t = 0; t < NH; t++) {
        f->h.n[t] = ne;
        f->h.available[t] = f->avail[t];
        f->h.failed[t] = f->failed[t];
        for (int e = 0; e < MAXE; e++)
            f->avail[t][e] = avail;
    }
}

static cr_claim claim(double exposure, double loss, uint32_t entity)
{
    cr_claim c;
    c.exposure = exposure;
    c.loss = loss;
    for (int t = 0; t < NH; t++)
        c.entity[t] = entity;
    return c;
}

#define PAID(p, i, h) ((p)[(size_t)(i)*NH + (h)])

/* One scratch space for every allocation of the tests: reuse and growth across calls
 * of all sizes are part of what is tested. */
static cr_waterfall_work work;

static cr_status run(const cr_waterfall *w, const cr_claim *c, size_t n, fixture *f, double *p)
{
    return cr_waterfall_allocate(w, c, n, &f->h, &work, p);
}

/* 1. The Anhui 4321 scheme: guarantor 40 %, reguarantor 30 %, government 10 % as
 * one pro_rata tier; the bank keeps the 20 % left. */
static void test_4321(void)
{
    cr_waterfall w = {
        3, {pro(CR_H_GUARANTOR, 0.4), pro(CR_H_REGUARANTOR, 0.3), pro(CR_H_GOVERNMENT, 0.1)}};
    CR_REQUIRE(cr_waterfall_check(&w, NULL) == CR_OK);
    fixture f;
    fixture_init(&f, 1, 1e9);
    cr_claim c = claim(100.0, 100.0, 0);
    double p[NH];
    CR_REQUIRE(run(&w, &c, 1, &f, p) == CR_OK);
    CR_CHECK_NEAR(p[CR_H_GUARANTOR], 40.0, TOL);   /* 0.4 x 100 */
    CR_CHECK_NEAR(p[CR_H_REGUARANTOR], 30.0, TOL); /* 0.3 x 100 */
    CR_CHECK_NEAR(p[CR_H_BANK], 20.0, TOL);        /* 100 - 40 - 30 - 10 */
    CR_CHECK_NEAR(p[CR_H_GOVERNMENT], 10.0, TOL);  /* 0.1 x 100 */
    CR_CHECK(p[CR_H_MUTUAL_FUND] == 0.0 && p[CR_H_MEMBERS] == 0.0 && p[CR_H_CORE_FIRM] == 0.0);
    CR_CHECK_NEAR(f.avail[CR_H_GUARANTOR][0], 1e9 - 40.0, 1e-6);
    CR_CHECK(!f.failed[CR_H_GUARANTOR][0]);

    const double lgd[] = {0.0, 0.45, 1.0};
    for (int k = 0; k < 3; k++) {
        double s[NH];
        cr_waterfall_shares(&w, lgd[k], s);
        CR_CHECK_NEAR(s[CR_H_GUARANTOR], 0.4 * lgd[k], TOL);
        CR_CHECK_NEAR(s[CR_H_REGUARANTOR], 0.3 * lgd[k], TOL);
        CR_CHECK_NEAR(s[CR_H_BANK], 0.2 * lgd[k], TOL);
        CR_CHECK_NEAR(s[CR_H_GOVERNMENT], 0.1 * lgd[k], TOL);
        double sum = 0.0;
        for (int t = 0; t < NH; t++)
            sum += s[t];
        CR_CHECK_NEAR(sum, lgd[k], 4e-16);
    }
}

/* 2. Mutual fund first loss up to 10 % of the exposure, then a guarantor covering
 * 80 % of what is left: exposure 100, loss 50 -> fund min(50, 10) = 10, guarantor
 * 0.8 x 40 = 32, bank 40 - 32 = 8. */
static void test_first_loss_then_pro_rata(void)
{
    cr_waterfall w = {2, {first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 0.8)}};
    CR_REQUIRE(cr_waterfall_check(&w, NULL) == CR_OK);
    fixture f;
    fixture_init(&f, 1, 1e6);
    cr_claim c = claim(100.0, 50.0, 0);
    double p[NH];
    CR_REQUIRE(run(&w, &c, 1, &f, p) == CR_OK);
    CR_CHECK_NEAR(p[CR_H_MUTUAL_FUND], 10.0, TOL);
    CR_CHECK_NEAR(p[CR_H_GUARANTOR], 32.0, TOL);
    CR_CHECK_NEAR(p[CR_H_BANK], 8.0, TOL);
    CR_CHECK_NEAR(f.avail[CR_H_MUTUAL_FUND][0], 1e6 - 10.0, 1e-9);

    double s[NH];
    cr_waterfall_shares(&w, 0.5, s); /* the same per unit of exposure */
    CR_CHECK_NEAR(s[CR_H_MUTUAL_FUND], 0.1, TOL);
    CR_CHECK_NEAR(s[CR_H_GUARANTOR], 0.32, TOL);
    CR_CHECK_NEAR(s[CR_H_BANK], 0.08, TOL);
    cr_waterfall_shares(&w, 0.05, s); /* below the cap: the fund takes it all */
    CR_CHECK_NEAR(s[CR_H_MUTUAL_FUND], 0.05, TOL);
    CR_CHECK(s[CR_H_GUARANTOR] == 0.0 && s[CR_H_BANK] == 0.0);
}

/* 3. A guarantor covering 80 % with 60 available faces two losses of 100: requests
 * 80 + 80 = 160, ratio 60 / 160 = 0.375, each claim gets 30 and the bank 70; the
 * guarantor fails with nothing left. In the next batch it pays nothing (bank 100),
 * while another guarantor (entity 1, 1000 available) still pays its 80. */
static void test_insolvent_guarantor(void)
{
    cr_waterfall w = {1, {pro(CR_H_GUARANTOR, 0.8)}};
    fixture f;
    fixture_init(&f, 2, 60.0);
    f.avail[CR_H_GUARANTOR][1] = 1000.0;
    cr_claim c[2] = {claim(100.0, 100.0, 0), claim(100.0, 100.0, 0)};
    double p[2 * NH];
    CR_REQUIRE(run(&w, c, 2, &f, p) == CR_OK);
    for (int i = 0; i < 2; i++) {
        CR_CHECK_NEAR(PAID(p, i, CR_H_GUARANTOR), 30.0, TOL);
        CR_CHECK_NEAR(PAID(p, i, CR_H_BANK), 70.0, TOL);
    }
    CR_CHECK(f.failed[CR_H_GUARANTOR][0] == 1);
    CR_CHECK(f.avail[CR_H_GUARANTOR][0] == 0.0);
    CR_CHECK(f.failed[CR_H_GUARANTOR][1] == 0 && f.avail[CR_H_GUARANTOR][1] == 1000.0);

    cr_claim later[2] = {claim(100.0, 100.0, 0), claim(100.0, 100.0, 1)};
    CR_REQUIRE(run(&w, later, 2, &f, p) == CR_OK);
    CR_CHECK(PAID(p, 0, CR_H_GUARANTOR) == 0.0);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_BANK), 100.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_GUARANTOR), 80.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_BANK), 20.0, TOL);
    CR_CHECK_NEAR(f.avail[CR_H_GUARANTOR][1], 920.0, TOL);
    CR_CHECK(f.failed[CR_H_GUARANTOR][0] == 1 && f.avail[CR_H_GUARANTOR][0] == 0.0);
}

/* 4. A government fund paying 50 % of each loss from a budget of 25: losses 20 and
 * 40 ask 10 and 20 (30 > 25), ratio 25 / 30 = 5 / 6: it pays 50 / 6 = 8.333... and
 * 100 / 6 = 16.666..., the banks 20 - 8.333 = 11.666... and 40 - 16.666 = 23.333...;
 * the budget is spent (0) and the fund is marked failed. */
static void test_government_budget(void)
{
    cr_waterfall w = {1, {pro(CR_H_GOVERNMENT, 0.5)}};
    fixture f;
    fixture_init(&f, 1, 25.0);
    cr_claim c[2] = {claim(100.0, 20.0, 0), claim(100.0, 40.0, 0)};
    double p[2 * NH];
    CR_REQUIRE(run(&w, c, 2, &f, p) == CR_OK);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_GOVERNMENT), 50.0 / 6.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_GOVERNMENT), 100.0 / 6.0, TOL);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_BANK), 70.0 / 6.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_BANK), 140.0 / 6.0, TOL);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_GOVERNMENT) + PAID(p, 1, CR_H_GOVERNMENT), 25.0, TOL);
    CR_CHECK(f.avail[CR_H_GOVERNMENT][0] == 0.0 && f.failed[CR_H_GOVERNMENT][0] == 1);
}

/* 5. Italy-style counter-guarantee: the confidi (guarantor) covers 80 %, the central
 * fund (reguarantor) reimburses 90 % of what it paid. Loss 100: guarantor pays 80 and
 * gets back 72 (net 8), reguarantor 72, bank 20. With the reguarantor holding only 36:
 * ratio 36 / 72 = 0.5, it pays 36 and fails, the guarantor's net is 80 - 36 = 44. */
static void test_counter_guarantee(void)
{
    cr_waterfall w = {2,
                      {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_REGUARANTOR, 0.9, CR_H_GUARANTOR)}};
    CR_REQUIRE(cr_waterfall_check(&w, NULL) == CR_OK);
    fixture f;
    fixture_init(&f, 1, 1000.0);
    cr_claim c = claim(100.0, 100.0, 0);
    double p[NH];
    CR_REQUIRE(run(&w, &c, 1, &f, p) == CR_OK);
    CR_CHECK_NEAR(p[CR_H_GUARANTOR], 8.0, TOL);
    CR_CHECK_NEAR(p[CR_H_REGUARANTOR], 72.0, TOL);
    CR_CHECK_NEAR(p[CR_H_BANK], 20.0, TOL);
    /* the guarantor's resources pay the gross 80, the reguarantor's 72 */
    CR_CHECK_NEAR(f.avail[CR_H_GUARANTOR][0], 920.0, TOL);
    CR_CHECK_NEAR(f.avail[CR_H_REGUARANTOR][0], 928.0, TOL);

    double s[NH];
    cr_waterfall_shares(&w, 1.0, s);
    CR_CHECK_NEAR(s[CR_H_GUARANTOR], 0.08, TOL);
    CR_CHECK_NEAR(s[CR_H_REGUARANTOR], 0.72, TOL);
    CR_CHECK_NEAR(s[CR_H_BANK], 0.2, TOL);

    fixture_init(&f, 1, 1000.0);
    f.avail[CR_H_REGUARANTOR][0] = 36.0;
    CR_REQUIRE(run(&w, &c, 1, &f, p) == CR_OK);
    CR_CHECK_NEAR(p[CR_H_REGUARANTOR], 36.0, TOL);
    CR_CHECK_NEAR(p[CR_H_GUARANTOR], 44.0, TOL);
    CR_CHECK_NEAR(p[CR_H_BANK], 20.0, TOL);
    CR_CHECK(f.failed[CR_H_REGUARANTOR][0] == 1 && f.avail[CR_H_REGUARANTOR][0] == 0.0);
    CR_CHECK(f.failed[CR_H_GUARANTOR][0] == 0);
}

/* 6. Joint liability by group: members pay up to 20 % of the exposure from their
 * group's liquid equity. Group 0 has 100, group 1 has 15. Claims (exposure, loss,
 * group): A (100, 60, 0) asks 20, B (100, 60, 1) asks 20, C (50, 50, 1) asks 10.
 * Group 0 pays A's 20 (80 left). Group 1 is asked 30 > 15: ratio 0.5, B gets 10 and
 * C 5, group 1 fails. Banks: A 60 - 20 = 40, B 60 - 10 = 50, C 50 - 5 = 45. */
static void test_members_by_group(void)
{
    cr_waterfall w = {1, {first(CR_H_MEMBERS, 0.2)}};
    fixture f;
    fixture_init(&f, 2, 0.0);
    f.avail[CR_H_MEMBERS][0] = 100.0;
    f.avail[CR_H_MEMBERS][1] = 15.0;
    cr_claim c[3] = {claim(100.0, 60.0, 0), claim(100.0, 60.0, 1), claim(50.0, 50.0, 1)};
    double p[3 * NH];
    CR_REQUIRE(run(&w, c, 3, &f, p) == CR_OK);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_MEMBERS), 20.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_MEMBERS), 10.0, TOL);
    CR_CHECK_NEAR(PAID(p, 2, CR_H_MEMBERS), 5.0, TOL);
    CR_CHECK_NEAR(PAID(p, 0, CR_H_BANK), 40.0, TOL);
    CR_CHECK_NEAR(PAID(p, 1, CR_H_BANK), 50.0, TOL);
    CR_CHECK_NEAR(PAID(p, 2, CR_H_BANK), 45.0, TOL);
    CR_CHECK(f.failed[CR_H_MEMBERS][0] == 0 && f.avail[CR_H_MEMBERS][0] == 80.0);
    CR_CHECK(f.failed[CR_H_MEMBERS][1] == 1 && f.avail[CR_H_MEMBERS][1] == 0.0);

    /* An entity index out of range is rejected and nothing is written. */
    c[2].entity[CR_H_MEMBERS] = 2;
    p[0] = -7.0;
    f.avail[CR_H_MEMBERS][0] = 100.0;
    CR_CHECK(run(&w, c, 3, &f, p) == CR_EINVAL);
    CR_CHECK(p[0] == -7.0 && f.avail[CR_H_MEMBERS][0] == 100.0);
}

/* ---------------------------------------------------------------- 7. random */

static double unif(cr_pcg128 *g)
{
    return cr_pcg64_dxsm_uniform(g);
}

static int rint_below(cr_pcg128 *g, int n)
{
    return (int)(unif(g) * n);
}

/* A random waterfall that passes the check: up to 6 layers of any non-bank holder
 * and kind, tiers scaled to sum to at most 1. */
static void random_waterfall(cr_pcg128 *g, cr_waterfall *w)
{
    do {
        w->n = rint_below(g, 7);
        for (int i = 0; i < w->n; i++) {
            cr_layer *l = &w->layer[i];
            l->holder = (cr_holder)(1 + rint_below(g, NH - 1));
            l->kind = (cr_layer_kind)rint_below(g, 3);
            l->share = unif(g) < 0.1 ? 1.0 : unif(g);
            l->cap = unif(g) < 0.1 ? 1.5 : 0.5 * unif(g);
            l->of = i > 0 ? w->layer[rint_below(g, i)].holder : CR_H_BANK;
        }
        for (int i = 0; i < w->n;) { /* scale tiers that sum over 1 */
            int j = i;
            double sum = 0.0;
            for (; j < w->n && w->layer[j].kind == CR_LAYER_PRO_RATA; j++)
                sum += w->layer[j].share;
            for (int k = i; sum > 1.0 && k < j; k++)
                w->layer[k].share /= sum;
            i = j > i ? j : i + 1;
        }
    } while (cr_waterfall_check(w, NULL) != CR_OK);
}

/* The allocation written the slow way: for each layer, each entity in turn sums
 * its claims' requests (in claim order, as the library does) and pays them. */
static void brute_force(const cr_waterfall *w, const cr_claim *c, size_t n, fixture *f,
                        double *paid)
{
    double rem[MAXN], base[MAXN], req[MAXN];
    for (size_t i = 0; i < n; i++) {
        rem[i] = base[i] = c[i].loss;
        for (int t = 0; t < NH; t++)
            PAID(paid, i, t) = 0.0;
    }
    for (int li = 0; li < w->n; li++) {
        const cr_layer *l = &w->layer[li];
        int hh = l->holder;
        if (l->kind == CR_LAYER_PRO_RATA && (li == 0 || w->layer[li - 1].kind != l->kind))
            memcpy(base, rem, sizeof rem);
        for (size_t i = 0; i < n; i++)
            req[i] = l->kind == CR_LAYER_FIRST_LOSS ? fmin(rem[i], l->cap * c[i].exposure)
                     : l->kind == CR_LAYER_PRO_RATA ? fmin(rem[i], l->share * base[i])
                                                    : l->share * PAID(paid, i, l->of);
        for (uint32_t e = 0; e < f->h.n[hh]; e++) {
            double t = 0.0;
            for (size_t i = 0; i < n; i++)
                if (c[i].entity[hh] == e)
                    t += req[i];
            double a = f->failed[hh][e] ? 0.0 : f->avail[hh][e];
            double ratio = t > a ? a / t : 1.0;
            for (size_t i = 0; i < n; i++) {
                if (c[i].entity[hh] != e)
                    continue;
                double pay = req[i] * ratio;
                PAID(paid, i, hh) += pay;
                if (l->kind == CR_LAYER_COUNTER)
                    PAID(paid, i, l->of) -= pay;
                else
                    rem[i] -= pay;
            }
            if (t > a) {
                f->avail[hh][e] = 0.0;
                f->failed[hh][e] = 1;
            } else if (t > 0.0) {
                f->avail[hh][e] = a - t;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        PAID(paid, i, CR_H_BANK) = rem[i]; /* the exact residual */
}

/* Checks one batch against the identities and the brute force; f holds the state
 * before the batch and is advanced by the library, ref by the brute force. */
static void check_batch(const cr_waterfall *w, const cr_claim *c, size_t n, fixture *f,
                        fixture *ref)
{
    double p[MAXN * NH], q[MAXN * NH];
    fixture before = *f;
    CR_REQUIRE(run(w, c, n, f, p) == CR_OK);
    brute_force(w, c, n, ref, q);
    int is_of[NH] = {0};
    for (int li = 0; li < w->n; li++)
        if (w->layer[li].kind == CR_LAYER_COUNTER)
            is_of[w->layer[li].of] = 1;
    double net[NH][MAXE] = {{0.0}};
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (int t = 0; t < NH; t++) {
            CR_CHECK(PAID(p, i, t) >= 0.0);
            CR_CHECK_NEAR(PAID(p, i, t), PAID(q, i, t), TOL * c[i].loss);
            sum += PAID(p, i, t);
            if (t != CR_H_BANK)
                net[t][c[i].entity[t]] += PAID(p, i, t);
        }
        CR_CHECK_NEAR(sum, c[i].loss, TOL * c[i].loss); /* booked exactly once */
    }
    for (int t = 1; t < NH; t++)
        for (int e = 0; e < MAXE; e++) {
            double a0 = before.failed[t][e] ? 0.0 : before.avail[t][e];
            CR_CHECK(net[t][e] <= a0 * (1.0 + TOL));
            CR_CHECK(f->avail[t][e] >= 0.0);
            CR_CHECK(f->failed[t][e] == ref->failed[t][e]);
            CR_CHECK(!f->failed[t][e] || f->avail[t][e] == 0.0);
            if (isfinite(a0)) {
                CR_CHECK_NEAR(f->avail[t][e], ref->avail[t][e], TOL * a0);
                if (!is_of[t]) /* no counter reimburses it: net = gross = what it spent */
                    CR_CHECK_NEAR(net[t][e], a0 - f->avail[t][e], TOL * a0);
            }
        }
}

/* 7. Random waterfalls, holders and batches (PCG64-DXSM, seed 20240611): every
 * loss booked once, no negative payment, no holder paying more than it had, failure
 * exactly when claims exceeded resources (the brute force's definition), and the
 * solvent shares equal to an allocation with unlimited resources. */
static void test_random_batches(void)
{
    cr_pcg128 g;
    cr_pcg64_dxsm_numpy(&g, 20240611u);
    int failures_seen = 0;
    for (int rep = 0; rep < 3000; rep++) {
        cr_waterfall w;
        random_waterfall(&g, &w);
        fixture f;
        fixture_init(&f, MAXE, 0.0);
        for (int t = 0; t < NH; t++) {
            f.h.n[t] = 1 + (size_t)rint_below(&g, MAXE);
            for (int e = 0; e < MAXE; e++) {
                double u = unif(&g);
                f.avail[t][e] = u < 0.1 ? 0.0 : (u < 0.2 ? INFINITY : 150.0 * unif(&g));
                f.failed[t][e] = unif(&g) < 0.05;
                if (f.failed[t][e])
                    f.avail[t][e] = 0.0;
            }
        }
        fixture ref = f;
        for (int batch = 0; batch < 3; batch++) {
            cr_claim c[MAXN];
            size_t n = (size_t)rint_below(&g, MAXN + 1);
            for (size_t i = 0; i < n; i++) {
                double u = unif(&g);
                c[i].exposure = 100.0 * unif(&g);
                c[i].loss = u < 0.1 ? 0.0 : (u < 0.3 ? c[i].exposure : c[i].exposure * unif(&g));
                for (int t = 0; t < NH; t++)
                    c[i].entity[t] = (uint32_t)rint_below(&g, (int)f.h.n[t]);
            }
            check_batch(&w, c, n, &f, &ref);
        }
        for (int t = 0; t < NH; t++)
            for (int e = 0; e < MAXE; e++)
                failures_seen += f.failed[t][e];

        /* solvent shares = allocation of one loan of exposure 1 without limits */
        double lgd = unif(&g), s[NH], p[NH];
        cr_waterfall_shares(&w, lgd, s);
        fixture_init(&f, 1, INFINITY);
        cr_claim one = claim(1.0, lgd, 0);
        CR_REQUIRE(run(&w, &one, 1, &f, p) == CR_OK);
        for (int t = 0; t < NH; t++)
            CR_CHECK(s[t] == p[t]);
    }
    CR_CHECK(failures_seen > 100); /* the limits were really exercised */
}

/* ---------------------------------------------------------------- 8. check */

static void expect_rejected(const cr_waterfall *w, const char *msg)
{
    cr_diag d;
    cr_diag_clear(&d);
    CR_CHECK(cr_waterfall_check(w, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, msg);
    /* allocate refuses what check refuses */
    fixture f;
    fixture_init(&f, 1, 1.0);
    cr_claim c = claim(1.0, 1.0, 0);
    double p[NH];
    CR_CHECK(run(w, &c, 1, &f, p) == CR_EINVAL);
}

static void test_check(void)
{
    cr_waterfall w = {2, {first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 1.2)}};
    expect_rejected(&w, "layer 2 (guarantor pro_rata): share 1.2 is outside [0, 1]");
    w.layer[1] = counter(CR_H_GUARANTOR, -0.5, CR_H_MUTUAL_FUND);
    expect_rejected(&w, "layer 2 (guarantor counter): share -0.5 is outside [0, 1]");
    w.layer[1] = pro(CR_H_GUARANTOR, NAN);
    expect_rejected(&w, "layer 2 (guarantor pro_rata): share nan is outside [0, 1]");
    w.layer[0].cap = -0.1;
    expect_rejected(&w, "layer 1 (mutual_fund first_loss): cap -0.1 must be a finite number >= 0");
    w.layer[0].cap = INFINITY;
    expect_rejected(&w, "layer 1 (mutual_fund first_loss): cap inf must be");

    cr_waterfall tier = {4,
                         {first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 0.5),
                          pro(CR_H_REGUARANTOR, 0.4), pro(CR_H_GOVERNMENT, 0.2)}};
    expect_rejected(&tier, "layers 2-4 (pro_rata tier): shares sum to 1.1 > 1");

    cr_waterfall cg = {3,
                       {first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_REGUARANTOR, 0.3),
                        counter(CR_H_GOVERNMENT, 0.5, CR_H_GUARANTOR)}};
    expect_rejected(&cg, "layer 3 (government counter): 'of: guarantor' must pay in an earlier "
                         "layer");
    cr_waterfall late = {
        2, {counter(CR_H_REGUARANTOR, 0.9, CR_H_GUARANTOR), pro(CR_H_GUARANTOR, 0.8)}};
    expect_rejected(&late, "layer 1 (reguarantor counter): 'of: guarantor' must pay in an earlier");
    cr_waterfall self = {2,
                         {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_GUARANTOR, 0.5, CR_H_GUARANTOR)}};
    expect_rejected(&self, "cannot counter-guarantee itself");
    cr_waterfall ofbank = {2,
                           {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_REGUARANTOR, 0.5, CR_H_BANK)}};
    expect_rejected(&ofbank, "layer 2 (reguarantor counter): 'of: bank' must pay in an earlier");

    cr_waterfall bank = {1, {pro(CR_H_BANK, 0.2)}};
    expect_rejected(&bank, "layer 1: the bank is the residual holder and cannot be a layer");

    cr_waterfall many = {9, {pro(CR_H_GUARANTOR, 0.1)}};
    expect_rejected(&many, "more than 8 layers");
    many.n = -1;
    expect_rejected(&many, "negative number of layers");

    cr_waterfall dup = {
        3, {pro(CR_H_GUARANTOR, 0.4), first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 0.3)}};
    expect_rejected(&dup, "layer 3 (guarantor pro_rata): duplicate of layer 1");

    cr_waterfall unknown = {1, {pro((cr_holder)42, 0.4)}};
    expect_rejected(&unknown, "layer 1: unknown holder type 42");
    unknown.layer[0] = pro(CR_H_GUARANTOR, 0.4);
    unknown.layer[0].kind = (cr_layer_kind)7;
    expect_rejected(&unknown, "layer 1 (guarantor): unknown layer kind 7");

    /* the presets' shapes (MODEL.md section 6) and the bank alone */
    const cr_waterfall presets[] = {
        {0, {first(CR_H_MUTUAL_FUND, 0.0)}}, /* direct */
        {1, {pro(CR_H_GUARANTOR, 1.0)}},     /* single */
        {1, {first(CR_H_MEMBERS, 1.0)}},     /* joint liability */
        {3, {pro(CR_H_GUARANTOR, 0.4), pro(CR_H_REGUARANTOR, 0.3), pro(CR_H_GOVERNMENT, 0.1)}},
        {2, {pro(CR_H_REGUARANTOR, 0.2), pro(CR_H_GUARANTOR, 0.6)}}, /* national fund */
        {2, {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_REGUARANTOR, 0.9, CR_H_GUARANTOR)}}, /* Italy */
        {2, {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_GOVERNMENT, 0.7, CR_H_GUARANTOR)}},  /* Japan */
        {2,
         {pro(CR_H_GUARANTOR, 0.8), counter(CR_H_GOVERNMENT, 0.65, CR_H_GUARANTOR)}}, /* Germany */
        {1, {pro(CR_H_GOVERNMENT, 0.85)}},                                            /* SBA 7(a) */
        {1, {pro(CR_H_GUARANTOR, 0.85)}},                                             /* KODIT */
        {6,
         {first(CR_H_MEMBERS, 0.05), first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 0.5),
          pro(CR_H_CORE_FIRM, 0.1), counter(CR_H_REGUARANTOR, 0.5, CR_H_GUARANTOR),
          pro(CR_H_GOVERNMENT, 0.1)}}, /* alliance */
    };
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        cr_diag d;
        cr_diag_clear(&d);
        CR_CHECK_MSG(cr_waterfall_check(&presets[i], &d) == CR_OK, "preset %zu: %s", i, d.msg);
    }
    cr_waterfall exact = {4,
                          {pro(CR_H_GUARANTOR, 0.4), pro(CR_H_REGUARANTOR, 0.3),
                           pro(CR_H_GOVERNMENT, 0.2), pro(CR_H_CORE_FIRM, 0.1)}};
    CR_CHECK(cr_waterfall_check(&exact, NULL) == CR_OK); /* sums to 1 up to rounding */
    CR_CHECK(cr_waterfall_check(NULL, NULL) == CR_EINVAL);
}

/* ---------------------------------------------------------------- 9. describe */

static void test_describe(void)
{
    cr_waterfall w = {
        3, {pro(CR_H_GUARANTOR, 0.4), pro(CR_H_REGUARANTOR, 0.3), pro(CR_H_GOVERNMENT, 0.1)}};
    char buf[1024];
    int len = cr_waterfall_describe(&w, buf, sizeof buf);
    CR_CHECK(len > 0 && (size_t)len == strlen(buf));
    const char *want = "  1. guarantor     pro_rata    40 % of the loss reaching the tier\n"
                       "  2. reguarantor   pro_rata    30 % of the loss reaching the tier\n"
                       "  3. government    pro_rata    10 % of the loss reaching the tier\n"
                       "     bank          residual\n"
                       "  shares of a loss: guarantor 40 %, reguarantor 30 %, bank 20 %, "
                       "government 10 %\n";
    CR_CHECK_MSG(strcmp(buf, want) == 0, "got\n%s", buf);
    /* snprintf-like: the length without a buffer, truncation NUL-terminated */
    CR_CHECK(cr_waterfall_describe(&w, NULL, 0) == len);
    char small[16];
    CR_CHECK(cr_waterfall_describe(&w, small, sizeof small) == len);
    CR_CHECK(strlen(small) == sizeof small - 1 && strncmp(small, buf, sizeof small - 1) == 0);

    cr_waterfall it = {3,
                       {first(CR_H_MUTUAL_FUND, 0.1), pro(CR_H_GUARANTOR, 0.8),
                        counter(CR_H_REGUARANTOR, 0.5, CR_H_GUARANTOR)}};
    CR_CHECK(cr_waterfall_describe(&it, buf, sizeof buf) > 0);
    CR_CHECK_STR_CONTAINS(buf, "  1. mutual_fund   first_loss  up to 10 % of the exposure\n");
    CR_CHECK_STR_CONTAINS(buf, "  3. reguarantor   counter     50 % of guarantor's payments\n");
    /* LGD 1: fund 10, guarantor 0.8 x 90 = 72 of which the reguarantor pays 36, bank 18 */
    CR_CHECK_STR_CONTAINS(
        buf, "  shares of a loss: guarantor 36 %, reguarantor 36 %, bank 18 %, mutual_fund 10 %\n");

    cr_waterfall direct = {0, {pro(CR_H_GUARANTOR, 0.0)}};
    CR_CHECK(cr_waterfall_describe(&direct, buf, sizeof buf) > 0);
    CR_CHECK(strcmp(buf, "     bank          residual\n  shares of a loss: bank 100 %\n") == 0);
    cr_waterfall bad = {1, {pro(CR_H_BANK, 0.5)}};
    CR_CHECK(cr_waterfall_describe(&bad, buf, sizeof buf) == -1 && buf[0] == '\0');
}

static void test_names(void)
{
    for (int h = 0; h < NH; h++)
        CR_CHECK(cr_holder_from_name(cr_holder_name((cr_holder)h)) == (cr_holder)h);
    CR_CHECK(strcmp(cr_holder_name(CR_H_MUTUAL_FUND), "mutual_fund") == 0);
    CR_CHECK(cr_holder_name(CR_HOLDER_COUNT) == NULL);
    CR_CHECK(cr_holder_from_name("x") == CR_HOLDER_COUNT && cr_holder_from_name(NULL) == NH);
    CR_CHECK(strcmp(cr_layer_kind_name(CR_LAYER_COUNTER), "counter") == 0);
    CR_CHECK(cr_layer_kind_name((cr_layer_kind)3) == NULL);
    CR_CHECK(cr_layer_kind_from_name("pro_rata") == CR_LAYER_PRO_RATA);
    CR_CHECK(cr_layer_kind_from_name("senior") == -1);
}

int main(void)
{
    cr_waterfall_work_init(&work);
    CR_RUN(test_4321);
    CR_RUN(test_first_loss_then_pro_rata);
    CR_RUN(test_insolvent_guarantor);
    CR_RUN(test_government_budget);
    CR_RUN(test_counter_guarantee);
    CR_RUN(test_members_by_group);
    CR_RUN(test_random_batches);
    CR_RUN(test_check);
    CR_RUN(test_describe);
    CR_RUN(test_names);
    cr_waterfall_work_destroy(&work);
    return cr_test_report();
}
