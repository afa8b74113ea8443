/* Tests of core/rng: published known answers for every PCG member and for numpy's
 * SeedSequence, jump-ahead against brute force, the GSL adapter, and statistical
 * tests of the streams (uniformity, normality, independence of neighbouring keys).
 *
 * Statistical tests use fixed seeds, so they are deterministic; each one checks a
 * statistic at 5 standard deviations (two-sided normal tail 5.7e-7) or, for
 * Kolmogorov-Smirnov, at the 1e-6 level. There are about 80 of them (64 bit
 * counts); the chi-square threshold, mean + 5 sd with 63 degrees of freedom, has a
 * right tail of about 3e-5 because the chi-square is skewed (Wilson-Hilferty).
 * So a correct generator would fail for a newly chosen seed with probability about
 * 1e-4; these seeds pass.
 */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/rng.h"
#include "tests/harness.h"

/* ---------------------------------------------------------------- helpers */
static cr_u128 u128_neg(cr_u128 x)
{
    return (cr_u128)0 - x;
}

static int u128_eq(cr_u128 a, cr_u128 b)
{
    return a == b;
}

static int pcg128_eq(const cr_pcg128 *a, const cr_pcg128 *b)
{
    return a->state == b->state && a->inc == b->inc;
}

/* ---------------------------------------------------------------- PCG reference demo */
/* O'Neill's pcg-c test-high/check-base.c, emulated for one generator: per round, 6
 * values, the same 6 again after advance(-6), 65 coins, 33 dice, a 52-card
 * Fisher-Yates shuffle, all with pcg*_boundedrand_r (rejection below -bound % bound). */
typedef struct {
    uint64_t (*next)(void *g);
    void (*back6)(void *g);
    uint64_t (*bounded)(void *g, uint64_t bound);
} demo_gen;

typedef struct {
    uint64_t values[6];
    uint64_t again[6];
    char coins[66];
    char rolls[34];
    char cards[52 * 3 + 1];
} demo_round;

static void demo_play(const demo_gen *d, void *g, demo_round *out)
{
    for (int i = 0; i < 6; i++)
        out->values[i] = d->next(g);
    d->back6(g);
    for (int i = 0; i < 6; i++)
        out->again[i] = d->next(g);
    for (int i = 0; i < 65; i++)
        out->coins[i] = d->bounded(g, 2) ? 'H' : 'T';
    out->coins[65] = '\0';
    for (int i = 0; i < 33; i++)
        out->rolls[i] = (char)('1' + d->bounded(g, 6));
    out->rolls[33] = '\0';
    int cards[52];
    for (int i = 0; i < 52; i++)
        cards[i] = i;
    for (int i = 52; i > 1; --i) {
        int chosen = (int)d->bounded(g, (uint64_t)i);
        int card = cards[chosen];
        cards[chosen] = cards[i - 1];
        cards[i - 1] = card;
    }
    static const char number[] = "A23456789TJQK", suit[] = "hcds";
    for (int i = 0; i < 52; i++) {
        out->cards[3 * i] = number[cards[i] / 4];
        out->cards[3 * i + 1] = suit[cards[i] % 4];
        out->cards[3 * i + 2] = i < 51 ? ' ' : '\0';
    }
}

static uint64_t demo32_next(void *g)
{
    return cr_pcg32_next((cr_pcg32 *)g);
}

static void demo32_back6(void *g)
{
    cr_pcg32_advance((cr_pcg32 *)g, (uint64_t)0 - 6u);
}

static uint64_t demo32_bounded(void *g, uint64_t bound)
{
    uint32_t b = (uint32_t)bound, threshold = (uint32_t)(0u - b) % b;
    for (;;) {
        uint32_t r = cr_pcg32_next((cr_pcg32 *)g);
        if (r >= threshold)
            return r % b;
    }
}

static uint64_t demo64_next(void *g)
{
    return cr_pcg64_next((cr_pcg128 *)g);
}

static void demo64_back6(void *g)
{
    cr_pcg64_advance((cr_pcg128 *)g, u128_neg(6));
}

static uint64_t demo64_bounded(void *g, uint64_t bound)
{
    uint64_t threshold = (0u - bound) % bound;
    for (;;) {
        uint64_t r = cr_pcg64_next((cr_pcg128 *)g);
        if (r >= threshold)
            return r % bound;
    }
}

/* pcg-c test-high/expected/check-pcg32.out (seed 42, 54): the 6 values of rounds
 * 1-5 and the coins, dice and cards of round 1. */
static void test_pcg32_reference(void)
{
    static const uint32_t expect[5][6] = {
        {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e},
        {0x74ab93ad, 0x1c1da000, 0x494ff896, 0x34462f2f, 0xd308a3e5, 0x0fa83bab},
        {0x39af5f9f, 0x04196b18, 0xc3c3eb28, 0xc076c60c, 0xc693e135, 0xf8f63932},
        {0x55ce6851, 0x97a7726d, 0x17e10815, 0x58007d43, 0x962fb148, 0xb9bb55bd},
        {0xfcef7cd6, 0x1b488b5a, 0xd0daf7ea, 0x1d9a70f7, 0x241a37cf, 0x9a3857b7},
    };
    const demo_gen d = {demo32_next, demo32_back6, demo32_bounded};
    cr_pcg32 g;
    cr_pcg32_seed(&g, 42u, 54u);
    for (int round = 0; round < 5; round++) {
        demo_round r;
        demo_play(&d, &g, &r);
        for (int i = 0; i < 6; i++) {
            CR_CHECK_MSG(r.values[i] == expect[round][i], "round %d value %d", round + 1, i);
            CR_CHECK(r.again[i] == expect[round][i]);
        }
        if (round == 0) {
            CR_CHECK(!strcmp(r.coins,
                             "HHTTTHTHHHTHTTTHHHHHTTTHHHTHTHTHTTHTTTHHHHHHTTTTHHTTTTTHTTTTTTTHT"));
            CR_CHECK(!strcmp(r.rolls, "341122324324335231315141564662633"));
            CR_CHECK(!strcmp(r.cards, "Qd Ks 6d 3s 3d 4c 3h Td Kc 5c Jh Kd Jd As 4s 4h Ad Th Ac "
                                      "Jc 7s Qs 2s 7h Kh 2d 6c Ah 4d Qh 9h 6s 5s 2c 9c Ts 8d 9s "
                                      "3c 8c Js 5d 2h 6h 7d 8s 9d 5h 8h Qc 7c Tc"));
        }
    }
}

/* pcg-c test-high/expected/check-pcg64.out (seed 42, 54). */
static void test_pcg64_reference(void)
{
    static const uint64_t expect[5][6] = {
        {0x86b1da1d72062b68, 0x1304aa46c9853d39, 0xa3670e9e0dd50358, 0xf9090e529a7dae00,
         0xc85b9fd837996f2c, 0x606121f8e3919196},
        {0x1773ba241e7a792a, 0xe41aed7117b0bc10, 0x36bac8d9432af525, 0xe0c78e2f3c850a38,
         0xe3ad939c1c7ce70d, 0xa302fdced8c79e93},
        {0xc96006593aed3b62, 0xf04d5afa3f197bf1, 0xce6f729cc913a50f, 0x98b5fc4fbb1e4aea,
         0x802dce1b410fc8c3, 0xe3bac0a14f6e5033},
        {0x68da679de81de48a, 0x7ee3c031fa0aa440, 0x6eb1663983530403, 0xfec4d7a9a7aec823,
         0xbce221c255ee9467, 0x460a42a962b8a2f9},
        {0x9e0d084cff42fe2f, 0x63cd8347aae338ea, 0x112aae00540d3fa1, 0x53968bc829afd6ec,
         0x1b9900eb6c5b6d90, 0xe89ed17ea33cb420},
    };
    const demo_gen d = {demo64_next, demo64_back6, demo64_bounded};
    cr_pcg128 g;
    cr_pcg64_seed(&g, 42u, 54u);
    for (int round = 0; round < 5; round++) {
        demo_round r;
        demo_play(&d, &g, &r);
        for (int i = 0; i < 6; i++) {
            CR_CHECK_MSG(r.values[i] == expect[round][i], "round %d value %d", round + 1, i);
            CR_CHECK(r.again[i] == expect[round][i]);
        }
        if (round == 0) {
            CR_CHECK(!strcmp(r.coins,
                             "TTTHHHTTTHHHTTTTHHTTHHTHTHTTHHTHTTTTHHTTTHTHHTHTTTTHHTTTHHHTTTHTT"));
            CR_CHECK(!strcmp(r.rolls, "641515536346236555153626144352632"));
            CR_CHECK(!strcmp(r.cards, "3d 7d 3h Qd 9d 8c Ts Ad 9s 6c Jh Ac 5s 4c 2c 7s Kh Kd 7h "
                                      "Qh 6d Qc 8d Qs 6s Js 4d Kc 9h 3c 2h Td 5d 5h 9c 4s 5c 7c "
                                      "3s 4h As Th 6h Jc 2s Jd Tc Ah 2d Ks 8h 8s"));
        }
    }

    /* numpy's first PCG64 test data (numpy/random/src/pcg64/pcg64-test-data-gen.c,
     * before numpy seeded through SeedSequence): pcg64_srandom_r(0xdeadbeaf, 0),
     * values 0, 1 and 999 of tests/data/pcg64-testset-1.csv. */
    cr_pcg64_seed(&g, 0xdeadbeafu, 0u);
    CR_CHECK(cr_pcg64_next(&g) == 0xb174ddf3fe597da6);
    CR_CHECK(cr_pcg64_next(&g) == 0xfc217240c1e61e6f);
    uint64_t x = 0;
    for (int i = 2; i < 1000; i++)
        x = cr_pcg64_next(&g);
    CR_CHECK(x == 0x4c44d61328ac5e4a);
}

/* numpy/random/tests/test_seed_sequence.py::test_reference_data (which checks
 * numpy against O'Neill's C++ reference): 4 uint32 words, and the same as 2 uint64. */
static void test_seedseq_reference(void)
{
    static const uint32_t in[10][4] = {
        {3735928559, 195939070, 229505742, 305419896},
        {3668361503, 4165561550, 1661411377, 3634257570},
        {164546577, 4166754639, 1765190214, 1303880213},
        {446610472, 3941463886, 522937693, 1882353782},
        {1864922766, 1719732118, 3882010307, 1776744564},
        {4141682960, 3310988675, 553637289, 902896340},
        {1134851934, 2352871630, 3699409824, 2648159817},
        {1240956131, 3107113773, 1283198141, 1924506131},
        {2669565031, 579818610, 3042504477, 2774880435},
        {2766103236, 2883057919, 4029656435, 862374500},
    };
    static const uint32_t out[10][4] = {
        {3914649087, 576849849, 3593928901, 2229911004},
        {2240804226, 3691353228, 1365957195, 2654016646},
        {3562296087, 3191708229, 1147942216, 3726991905},
        {1403443605, 3591372999, 1291086759, 441919183},
        {1086200464, 2191331643, 560336446, 3658716651},
        {3249937430, 2346751812, 847844327, 2996632307},
        {2584285912, 4034195531, 3523502488, 169742686},
        {959045797, 3875435559, 1886309314, 359682705},
        {3978441347, 432478529, 3223635119, 138903045},
        {296367413, 4262059219, 13109864, 3283683422},
    };
    static const uint64_t out64[10][2] = {
        {2477551240072187391u, 9577394838764454085u},
        {15854241394484835714u, 11398914698975566411u},
        {13708282465491374871u, 16007308345579681096u},
        {15424829579845884309u, 1898028439751125927u},
        {9411697742461147792u, 15714068361935982142u},
        {10079222287618677782u, 12870437757549876199u},
        {17326737873898640088u, 729039288628699544u},
        {16644868984619524261u, 1544825456798124994u},
        {1857481142255628931u, 596584038813451439u},
        {18305404959516669237u, 14103312907920476776u},
    };
    for (int k = 0; k < 10; k++) {
        uint32_t w[4];
        cr_seedseq_generate(in[k], 4, w, 4);
        for (int i = 0; i < 4; i++)
            CR_CHECK_MSG(w[i] == out[k][i], "input %d word %d", k, i);
        for (int i = 0; i < 2; i++)
            CR_CHECK(((uint64_t)w[2 * i] | (uint64_t)w[2 * i + 1] << 32) == out64[k][i]);
    }
    /* Asking for more words cycles the pool and does not change the first ones. */
    uint32_t w4[4], w9[9];
    cr_seedseq_generate(in[0], 4, w4, 4);
    cr_seedseq_generate(in[0], 4, w9, 9);
    CR_CHECK(!memcmp(w4, w9, sizeof w4));
    /* Entropy longer than the pool is mixed in: the last word matters. */
    uint32_t e5[5] = {1, 2, 3, 4, 5}, a[4], b[4];
    cr_seedseq_generate(e5, 5, a, 4);
    e5[4] = 6;
    cr_seedseq_generate(e5, 5, b, 4);
    CR_CHECK(memcmp(a, b, sizeof a) != 0);
}

/* numpy's PCG64DXSM through SeedSequence. */
static void test_dxsm_numpy(void)
{
    /* numpy.random.PCG64DXSM(0xdeadbeaf).random_raw(2), as in ARCHITECTURE.md. */
    cr_pcg128 g;
    cr_pcg64_dxsm_numpy(&g, 0xdeadbeaf);
    CR_CHECK(cr_pcg64_dxsm_next(&g) == 0xdf1ddcf1e22521fe);
    CR_CHECK(cr_pcg64_dxsm_next(&g) == 0xc71b2f9c706cf151);

    /* numpy/random/tests/test_direct.py, TestPCG64DXSM.test_advange_large and
     * TestPCG64.test_advange_large: PCG64DXSM(38219308213743) and PCG64 of the same
     * seed start from the same state (numpy seeds both with the 128-bit
     * multiplier), then advance by 2^96+2^64+2^32+2^16+2^8+2^4+2^2+2^1 with their
     * own multipliers. */
    cr_pcg64_dxsm_numpy(&g, 38219308213743u);
    /* 287608843259529770491897792873167516365 */
    const cr_u128 initial = cr_u128_make(0xd85f72c717ad8f6c, 0x6962e34f5a12f2cd);
    CR_CHECK(u128_eq(g.state, initial));
    cr_u128 delta = 0;
    static const int powers[8] = {96, 64, 32, 16, 8, 4, 2, 1};
    for (int i = 0; i < 8; i++)
        delta += (cr_u128)1 << powers[i];
    cr_pcg128 p = g;
    cr_pcg64_dxsm_advance(&g, delta);
    /* 277778083536782149546677086420637664879 */
    CR_CHECK(u128_eq(g.state, cr_u128_make(0xd0fa1ce6dec18cf6, 0xd3aab6e704c1466f)));
    cr_pcg64_advance(&p, delta);
    /* 135275564607035429730177404003164635391 */
    CR_CHECK(u128_eq(p.state, cr_u128_make(0x65c520459a603cbb, 0x330f5f0bbea440ff)));

    /* cr_pcg64_dxsm_seed is numpy's pcg64_set_seed: same state as cr_pcg64_seed. */
    cr_pcg128 a, b;
    cr_pcg64_dxsm_seed(&a, cr_u128_make(1, 2), cr_u128_make(3, 4));
    cr_pcg64_seed(&b, cr_u128_make(1, 2), cr_u128_make(3, 4));
    CR_CHECK(pcg128_eq(&a, &b));
    CR_CHECK((a.inc & 1u) == 1u);
}

/* ---------------------------------------------------------------- advance */
static void test_advance(void)
{
    static const uint64_t ns[4] = {0, 1, 1000, 12345};
    for (int k = 0; k < 4; k++) {
        uint64_t n = ns[k];
        cr_pcg32 a, b;
        cr_pcg32_seed(&a, 7u, 11u);
        b = a;
        for (uint64_t i = 0; i < n; i++)
            (void)cr_pcg32_next(&a);
        cr_pcg32_advance(&b, n);
        CR_CHECK_MSG(a.state == b.state && cr_pcg32_next(&a) == cr_pcg32_next(&b), "pcg32 n=%lu",
                     (unsigned long)n);

        cr_pcg128 c, d, e, f;
        cr_pcg64_seed(&c, 7u, 11u);
        d = c;
        for (uint64_t i = 0; i < n; i++)
            (void)cr_pcg64_next(&c);
        cr_pcg64_advance(&d, n);
        CR_CHECK_MSG(pcg128_eq(&c, &d) && cr_pcg64_next(&c) == cr_pcg64_next(&d), "pcg64 n=%lu",
                     (unsigned long)n);

        cr_pcg64_dxsm_numpy(&e, 7u);
        f = e;
        for (uint64_t i = 0; i < n; i++)
            (void)cr_pcg64_dxsm_next(&e);
        cr_pcg64_dxsm_advance(&f, n);
        CR_CHECK_MSG(pcg128_eq(&e, &f) && cr_pcg64_dxsm_next(&e) == cr_pcg64_dxsm_next(&f),
                     "dxsm n=%lu", (unsigned long)n);

        /* Backwards: n steps, then -n modulo the period, is the identity. */
        cr_pcg32_advance(&a, (uint64_t)0 - (n + 1));
        cr_pcg32 a0;
        cr_pcg32_seed(&a0, 7u, 11u);
        CR_CHECK(a.state == a0.state);
        cr_pcg128 f0;
        cr_pcg64_dxsm_numpy(&f0, 7u);
        cr_pcg64_dxsm_advance(&f, u128_neg((cr_u128)n + 1));
        CR_CHECK(pcg128_eq(&f, &f0));
    }
    /* A jump of about 2^64 (and 2^100) and back returns to the same state. */
    static const cr_u128 jumps[3] = {((cr_u128)1 << 64) + 12345, (cr_u128)0x9e3779b97f4a7c15 << 36,
                                     ~(cr_u128)0};
    for (int k = 0; k < 3; k++) {
        cr_pcg128 g, g0, h, h0;
        cr_pcg64_dxsm_numpy(&g, 99u);
        g0 = g;
        cr_pcg64_dxsm_advance(&g, jumps[k]);
        CR_CHECK(!u128_eq(g.state, g0.state));
        cr_pcg64_dxsm_advance(&g, u128_neg(jumps[k]));
        CR_CHECK(pcg128_eq(&g, &g0));
        cr_pcg64_seed(&h, 99u, 5u);
        h0 = h;
        cr_pcg64_advance(&h, jumps[k]);
        cr_pcg64_advance(&h, u128_neg(jumps[k]));
        CR_CHECK(pcg128_eq(&h, &h0));
    }
    /* Advancing by 2^128 - 1 is one step back: stepping once then returns. */
    cr_pcg128 g, g0;
    cr_pcg64_dxsm_numpy(&g, 5u);
    g0 = g;
    cr_pcg64_dxsm_advance(&g, ~(cr_u128)0);
    (void)cr_pcg64_dxsm_next(&g);
    CR_CHECK(pcg128_eq(&g, &g0));
}

/* ---------------------------------------------------------------- stream derivation */
static void test_stream_derivation(void)
{
    cr_rng_root root, root2;
    cr_rng_root_init(&root, 20240601u);
    cr_rng_root_init(&root2, 20240601u);
    CR_CHECK(!memcmp(&root, &root2, sizeof root));
    /* The root is SeedSequence(seed).generate_state(4, uint64). */
    uint32_t e[2] = {20240601u, 0u}, w[8];
    cr_seedseq_generate(e, 1, w, 8);
    for (int i = 0; i < 4; i++)
        CR_CHECK(root.k[i] == ((uint64_t)w[2 * i] | (uint64_t)w[2 * i + 1] << 32));
    cr_rng_root_init(&root2, 20240602u);
    CR_CHECK(memcmp(&root, &root2, sizeof root) != 0);

    const cr_rng_key base = {3, 17, 2, 1000};
    cr_pcg128 s0, s1;
    cr_rng_stream(&s0, &root, &base);
    cr_rng_stream(&s1, &root, &base);
    CR_CHECK(pcg128_eq(&s0, &s1));
    CR_CHECK((s0.inc & 1u) == 1u);

    /* Each field changes both the state and the increment. */
    for (int f = 0; f < 4; f++) {
        cr_rng_key k = base;
        if (f == 0)
            k.replication++;
        else if (f == 1)
            k.period++;
        else if (f == 2)
            k.purpose++;
        else
            k.entity++;
        cr_rng_stream(&s1, &root, &k);
        CR_CHECK_MSG(s1.state != s0.state && s1.inc != s0.inc, "field %d", f);
    }
    /* Same key under another root: another stream. */
    cr_rng_stream(&s1, &root2, &base);
    CR_CHECK(s1.state != s0.state && s1.inc != s0.inc);

    /* Fields are not interchangeable: (rep 1, period 0) != (rep 0, period 1), etc. */
    const cr_rng_key ka = {1, 0, 0, 0}, kb = {0, 1, 0, 0}, kc = {0, 0, 1, 0}, kd = {0, 0, 0, 1};
    cr_pcg128 sa, sb, sc, sd;
    cr_rng_stream(&sa, &root, &ka);
    cr_rng_stream(&sb, &root, &kb);
    cr_rng_stream(&sc, &root, &kc);
    cr_rng_stream(&sd, &root, &kd);
    CR_CHECK(sa.state != sb.state && sa.state != sc.state && sa.state != sd.state);
    CR_CHECK(sb.state != sc.state && sb.state != sd.state && sc.state != sd.state);

    /* The convenience draws are the first draws of the derived stream. */
    cr_pcg128 g = s0;
    CR_CHECK(cr_rng_draw_uniform(&root, &base) == cr_pcg64_dxsm_uniform(&g));
    gsl_rng *r = cr_rng_gsl_alloc();
    CR_REQUIRE(r != NULL);
    *cr_rng_gsl_state(r) = s0;
    CR_CHECK(cr_rng_draw_gaussian(&root, &base) == gsl_ran_gaussian_ziggurat(r, 1.0));
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- GSL adapter */
/* The prefix path (shared (replication, period, purpose), per-entity finish) gives
 * exactly the streams of the full derivation. */
static void test_prefix_matches_stream(void)
{
    cr_rng_root root;
    cr_rng_root_init(&root, 987654321);
    for (uint64_t rep = 0; rep < 3; rep++)
        for (uint64_t t = 0; t < 3; t++)
            for (uint32_t purpose = 0; purpose < 4; purpose++) {
                cr_rng_prefix pre;
                cr_rng_prefix_init(&pre, &root, rep, t, purpose);
                for (uint64_t e = 0; e < 200; e += 7) {
                    cr_rng_key key = {rep, t, purpose, e};
                    cr_pcg128 full, fast;
                    cr_rng_stream(&full, &root, &key);
                    cr_rng_stream_at(&fast, &pre, e);
                    CR_CHECK(full.state == fast.state && full.inc == fast.inc);
                }
            }
}

static void test_gsl_adapter(void)
{
    gsl_rng *r = cr_rng_gsl_alloc();
    CR_REQUIRE(r != NULL);
    CR_CHECK(!strcmp(gsl_rng_name(r), "pcg64_dxsm"));
    CR_CHECK(gsl_rng_min(r) == 0 && gsl_rng_max(r) == UINT64_MAX);
    CR_CHECK(gsl_rng_size(r) == sizeof(cr_gsl_pcg_state));
    CR_CHECK((void *)cr_rng_gsl_state(r) == r->state);

    /* gsl_rng_set seeds as numpy: the known answer through gsl_rng_get. */
    gsl_rng_set(r, 0xdeadbeaf);
    CR_CHECK(gsl_rng_get(r) == 0xdf1ddcf1e22521fe);
    CR_CHECK(gsl_rng_get(r) == 0xc71b2f9c706cf151);

    /* gsl_rng_uniform is cr_pcg64_dxsm_uniform of the same state, in [0, 1). */
    cr_rng_root root;
    cr_rng_root_init(&root, 1u);
    const cr_rng_key key = {0, 0, 0, 42};
    cr_pcg128 s;
    cr_rng_stream(&s, &root, &key);
    *cr_rng_gsl_state(r) = s;
    int same = 1, in_range = 1;
    for (int i = 0; i < 1000; i++) {
        double u = gsl_rng_uniform(r);
        same &= u == cr_pcg64_dxsm_uniform(&s);
        in_range &= u >= 0.0 && u < 1.0;
    }
    CR_CHECK(same);
    CR_CHECK(in_range);
    /* the counts: 1000 uniforms, and one stream derived through the counting call */
    uint64_t ns = 0, nd = 0;
    cr_rng_gsl_counts(r, &ns, &nd);
    CR_CHECK(ns == 0 && nd == 1002); /* the two gets above, then 1000 uniforms */
    cr_rng_prefix pre;
    cr_rng_prefix_init(&pre, &root, 0, 0, 0);
    cr_rng_gsl_stream_at(r, &pre, 42);
    cr_pcg128 again;
    cr_rng_stream(&again, &root, &key);
    CR_CHECK(cr_rng_gsl_state(r)->state == again.state && cr_rng_gsl_state(r)->inc == again.inc);
    cr_rng_gsl_counts(r, &ns, &nd);
    CR_CHECK(ns == 1 && nd == 1002);
    cr_rng_gsl_counts_reset(r);
    cr_rng_gsl_counts(r, &ns, &nd);
    CR_CHECK(ns == 0 && nd == 0);
    /* the inline uniform is gsl_rng_uniform: same values from the same state, and
     * counted the same */
    gsl_rng *r3 = cr_rng_gsl_alloc();
    CR_REQUIRE(r3 != NULL);
    *cr_rng_gsl_state(r3) = *cr_rng_gsl_state(r);
    int inline_same = 1;
    for (int i = 0; i < 1000; i++)
        inline_same &= cr_rng_gsl_uniform(r) == gsl_rng_uniform(r3);
    CR_CHECK(inline_same);
    uint64_t ns3 = 0, nd3 = 0;
    cr_rng_gsl_counts(r, &ns, &nd);
    cr_rng_gsl_counts(r3, &ns3, &nd3);
    CR_CHECK(nd == 1000 && nd3 == 1000);
    gsl_rng_free(r3);
    /* The largest output maps below 1. */
    CR_CHECK((double)(UINT64_MAX >> 11) * 0x1.0p-53 < 1.0);

    /* The ziggurat draws from a derived stream are reproducible, whatever the
     * gsl_rng held before and whichever gsl_rng draws them. */
    enum { N = 1000 };
    gsl_rng *r2 = cr_rng_gsl_alloc();
    CR_REQUIRE(r2 != NULL);
    gsl_rng_set(r2, 12345u);
    (void)gsl_rng_get(r2);
    cr_rng_stream(&s, &root, &key);
    *cr_rng_gsl_state(r) = s;
    *cr_rng_gsl_state(r2) = s;
    int equal = 1;
    for (int i = 0; i < N; i++) {
        double z1 = gsl_ran_gaussian_ziggurat(r, 1.0);
        double z2 = gsl_ran_gaussian_ziggurat(r2, 1.0);
        equal &= z1 == z2;
    }
    CR_CHECK(equal);
    /* And they use one 64-bit draw per normal in the common case: the stream
     * has advanced by at least N and at most a few more steps. */
    cr_pcg128 t;
    cr_rng_stream(&t, &root, &key);
    int steps = 0;
    while (!pcg128_eq(&t, cr_rng_gsl_state(r)) && steps < 2 * N) {
        (void)cr_pcg64_dxsm_next(&t);
        steps++;
    }
    CR_CHECK(steps >= N && steps < N + N / 10);
    gsl_rng_free(r2);
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- statistics */
/* Uniforms of one derived stream: mean, variance and a chi-square on 64 bins. */
static void test_uniformity(void)
{
    enum { N = 1000000, BINS = 64 };
    cr_rng_root root;
    cr_rng_root_init(&root, 777u);
    const cr_rng_key key = {1, 2, 3, 4};
    cr_pcg128 g;
    cr_rng_stream(&g, &root, &key);
    static long counts[BINS];
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < N; i++) {
        double u = cr_pcg64_dxsm_uniform(&g);
        sum += u;
        sum2 += u * u;
        counts[(int)(u * BINS)]++;
    }
    double mean = sum / N, var = sum2 / N - mean * mean;
    /* Var(U) = 1/12; the sample variance has sd sqrt((mu4 - sigma^4) / n), mu4 = 1/80. */
    CR_CHECK_NEAR(mean, 0.5, 5.0 * sqrt(1.0 / 12.0 / N));
    CR_CHECK_NEAR(var, 1.0 / 12.0, 5.0 * sqrt((1.0 / 80.0 - 1.0 / 144.0) / N));
    double chi2 = 0.0, expect = (double)N / BINS;
    for (int b = 0; b < BINS; b++)
        chi2 += (counts[b] - expect) * (counts[b] - expect) / expect;
    /* chi-square with 63 degrees of freedom: mean 63, sd sqrt(126). */
    CR_CHECK_MSG(chi2 < 63.0 + 5.0 * sqrt(126.0), "chi2 = %g", chi2);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Normals by GSL's ziggurat through the adapter: moments and Kolmogorov-Smirnov. */
static void test_normality(void)
{
    enum { N = 1000000 };
    double *z = malloc(N * sizeof *z);
    CR_REQUIRE(z != NULL);
    gsl_rng *r = cr_rng_gsl_alloc();
    if (!r) {
        free(z);
        CR_REQUIRE(r != NULL);
    }
    cr_rng_root root;
    cr_rng_root_init(&root, 4242u);
    const cr_rng_key key = {0, 5, 1, 99};
    cr_rng_stream(cr_rng_gsl_state(r), &root, &key);
    double s1 = 0.0;
    for (int i = 0; i < N; i++) {
        z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        s1 += z[i];
    }
    double mean = s1 / N, m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (int i = 0; i < N; i++) {
        double d = z[i] - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= N;
    m3 /= N;
    m4 /= N;
    double skew = m3 / pow(m2, 1.5), kurt = m4 / (m2 * m2) - 3.0;
    /* Sampling sds for a normal sample: mean 1/sqrt(n), variance sqrt(2/n),
     * skewness sqrt(6/n), excess kurtosis sqrt(24/n). */
    CR_CHECK_NEAR(mean, 0.0, 5.0 * sqrt(1.0 / N));
    CR_CHECK_NEAR(m2, 1.0, 5.0 * sqrt(2.0 / N));
    CR_CHECK_NEAR(skew, 0.0, 5.0 * sqrt(6.0 / N));
    CR_CHECK_NEAR(kurt, 0.0, 5.0 * sqrt(24.0 / N));

    /* KS: P(sqrt(n) D > x) ~ 2 exp(-2 x^2), so the 1e-6 level is
     * x = sqrt(ln(2e6) / 2) = 2.693. */
    qsort(z, N, sizeof *z, cmp_double);
    double dmax = 0.0;
    for (int i = 0; i < N; i++) {
        double f = gsl_cdf_ugaussian_P(z[i]);
        double lo = f - (double)i / N, hi = (double)(i + 1) / N - f;
        dmax = fmax(dmax, fmax(lo, hi));
    }
    double ks = sqrt((double)N) * dmax;
    CR_CHECK_MSG(ks < sqrt(log(2e6) / 2.0), "sqrt(n) D = %g", ks);
    gsl_rng_free(r);
    free(z);
}

static double correlation(const double *x, const double *y, int n)
{
    double mx = 0.0, my = 0.0;
    for (int i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

static void key_bump(cr_rng_key *k, int field)
{
    if (field == 0)
        k->replication++;
    else if (field == 1)
        k->period++;
    else if (field == 2)
        k->purpose++;
    else
        k->entity++;
}

/* Streams of neighbouring keys are uncorrelated; the sample correlation of n
 * independent pairs has sd 1/sqrt(n). */
static void test_independence(void)
{
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        CR_REQUIRE(x && y);
    }
    cr_rng_root root;
    cr_rng_root_init(&root, 31337u);
    const double tol = 5.0 / sqrt((double)N);

    /* Along the streams: the first N uniforms of key and of key + 1 in one field. */
    for (int f = 0; f < 4; f++) {
        cr_rng_key ka = {10, 20, 3, 12345}, kb = ka;
        key_bump(&kb, f);
        cr_pcg128 a, b;
        cr_rng_stream(&a, &root, &ka);
        cr_rng_stream(&b, &root, &kb);
        for (int i = 0; i < N; i++) {
            x[i] = cr_pcg64_dxsm_uniform(&a);
            y[i] = cr_pcg64_dxsm_uniform(&b);
        }
        double rho = correlation(x, y, N);
        CR_CHECK_MSG(fabs(rho) < tol, "field %d: along-stream correlation %g", f, rho);
    }

    /* Across entities (the per-agent use): the first draw of entity i against the
     * first draw of the key one step away in each field, over N entities. */
    for (int f = 0; f < 4; f++) {
        for (int i = 0; i < N; i++) {
            cr_rng_key ka = {0, 7, 1, (uint64_t)i}, kb = ka;
            key_bump(&kb, f);
            x[i] = cr_rng_draw_uniform(&root, &ka);
            y[i] = cr_rng_draw_uniform(&root, &kb);
        }
        double rho = correlation(x, y, N);
        CR_CHECK_MSG(fabs(rho) < tol, "field %d: first-draw correlation %g", f, rho);
    }
    /* Entity i against entity i + 1 as one series (lag-1 autocorrelation). */
    for (int i = 0; i < N; i++) {
        cr_rng_key k = {0, 0, 0, (uint64_t)i};
        x[i] = cr_rng_draw_uniform(&root, &k);
    }
    double rho = correlation(x, x + 1, N - 1);
    CR_CHECK_MSG(fabs(rho) < 5.0 / sqrt(N - 1.0), "entity lag-1 correlation %g", rho);

    /* Bit balance of the first 64-bit output across consecutive entities: each bit
     * is set with frequency 1/2, sd sqrt(n/4) for the count. */
    static long ones[64];
    for (int i = 0; i < N; i++) {
        cr_rng_key k = {2, 3, 4, (uint64_t)i};
        cr_pcg128 g;
        cr_rng_stream(&g, &root, &k);
        uint64_t v = cr_pcg64_dxsm_next(&g);
        for (int b = 0; b < 64; b++)
            ones[b] += (long)((v >> b) & 1u);
    }
    int balanced = 1;
    for (int b = 0; b < 64; b++) {
        double dev = fabs(ones[b] - N / 2.0) / sqrt(N / 4.0);
        CR_CHECK_MSG(dev < 5.0, "bit %d set %ld times in %d", b, ones[b], N);
        balanced &= dev < 5.0;
    }
    CR_CHECK(balanced);
    free(x);
    free(y);
}

int main(void)
{
    gsl_set_error_handler_off();
    CR_RUN(test_pcg32_reference);
    CR_RUN(test_pcg64_reference);
    CR_RUN(test_seedseq_reference);
    CR_RUN(test_dxsm_numpy);
    CR_RUN(test_advance);
    CR_RUN(test_stream_derivation);
    CR_RUN(test_prefix_matches_stream);
    CR_RUN(test_gsl_adapter);
    CR_RUN(test_uniformity);
    CR_RUN(test_normality);
    CR_RUN(test_independence);
    return cr_test_report();
}
