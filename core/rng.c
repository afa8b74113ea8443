/* Random streams: PCG members, numpy's SeedSequence, stream derivation, GSL adapter.
 *
 * Sources followed (algorithms, not code): O'Neill's PCG reference (pcg-c: pcg32,
 * pcg64, pcg_advance_lcg_*), numpy's PCG64DXSM (numpy/random/src/pcg64/pcg64.h:
 * pcg_cm_random_r, pcg_output_cm_128_64; pcg64.c: pcg64_set_seed) and numpy's
 * SeedSequence (numpy/random/bit_generator.pyx). See tests/test_rng.c for the
 * published vectors each member is checked against.
 */
#include "core/rng.h"

#include <limits.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>

/* ---------------------------------------------------------------- constants */
#define PCG32_MULT UINT64_C(6364136223846793005)
/* PCG_DEFAULT_MULTIPLIER_128 = 2549297995355413924 * 2^64 + 4865540595714422341 */
#define PCG128_MULT_HI UINT64_C(2549297995355413924)
#define PCG128_MULT_LO UINT64_C(4865540595714422341)
/* numpy's PCG_CHEAP_MULTIPLIER_128, also the DXSM output multiplier */
#define PCG_CHEAP_MULT UINT64_C(0xda942042e4dd58b5)

static inline uint32_t rotr32(uint32_t v, unsigned r)
{
    return (v >> r) | (v << ((-r) & 31u));
}

static inline uint64_t rotr64(uint64_t v, unsigned r)
{
    return (v >> r) | (v << ((-r) & 63u));
}

/* Brown's "Random Number Generation with Arbitrary Stride" (1994): the affine map
 * x -> mult*x + plus applied delta times, by squaring, in O(log delta). Moving
 * backwards is delta = -n modulo the state size. */
static uint64_t advance_lcg_64(uint64_t state, uint64_t delta, uint64_t mult, uint64_t plus)
{
    uint64_t acc_mult = 1u, acc_plus = 0u;
    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= mult;
            acc_plus = acc_plus * mult + plus;
        }
        plus = (mult + 1u) * plus;
        mult *= mult;
        delta >>= 1;
    }
    return acc_mult * state + acc_plus;
}

static cr_u128 advance_lcg_128(cr_u128 state, cr_u128 delta, cr_u128 mult, cr_u128 plus)
{
    cr_u128 acc_mult = 1u, acc_plus = 0u;
    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= mult;
            acc_plus = acc_plus * mult + plus;
        }
        plus = (mult + 1u) * plus;
        mult *= mult;
        delta >>= 1;
    }
    return acc_mult * state + acc_plus;
}

/* ---------------------------------------------------------------- pcg32 */
void cr_pcg32_seed(cr_pcg32 *g, uint64_t initstate, uint64_t initseq)
{
    g->state = 0u;
    g->inc = (initseq << 1) | 1u;
    (void)cr_pcg32_next(g);
    g->state += initstate;
    (void)cr_pcg32_next(g);
}

uint32_t cr_pcg32_next(cr_pcg32 *g)
{
    uint64_t old = g->state;
    g->state = old * PCG32_MULT + g->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    return rotr32(xorshifted, (unsigned)(old >> 59));
}

void cr_pcg32_advance(cr_pcg32 *g, uint64_t delta)
{
    g->state = advance_lcg_64(g->state, delta, PCG32_MULT, g->inc);
}

/* ---------------------------------------------------------------- pcg64 (XSL-RR) */
static inline cr_u128 mult128(void)
{
    return cr_u128_make(PCG128_MULT_HI, PCG128_MULT_LO);
}

static inline void step128(cr_pcg128 *g)
{
    g->state = g->state * mult128() + g->inc;
}

/* pcg_setseq_128_srandom_r: shared by pcg64 and (as in numpy's pcg64_set_seed) by
 * PCG64-DXSM, which is seeded with the full 128-bit multiplier too. */
static void seed128(cr_pcg128 *g, cr_u128 initstate, cr_u128 initseq)
{
    g->state = 0u;
    g->inc = (initseq << 1) | 1u;
    step128(g);
    g->state += initstate;
    step128(g);
}

void cr_pcg64_seed(cr_pcg128 *g, cr_u128 initstate, cr_u128 initseq)
{
    seed128(g, initstate, initseq);
}

uint64_t cr_pcg64_next(cr_pcg128 *g)
{
    step128(g);
    uint64_t hi = (uint64_t)(g->state >> 64), lo = (uint64_t)g->state;
    return rotr64(hi ^ lo, (unsigned)(hi >> 58));
}

void cr_pcg64_advance(cr_pcg128 *g, cr_u128 delta)
{
    g->state = advance_lcg_128(g->state, delta, mult128(), g->inc);
}

/* ---------------------------------------------------------------- PCG64-DXSM */
void cr_pcg64_dxsm_seed(cr_pcg128 *g, cr_u128 initstate, cr_u128 initseq)
{
    /* numpy: PCG64DXSM.__init__ -> pcg64_set_seed -> pcg64_srandom_r, i.e. the
     * 128-bit-multiplier seeding of PCG64, not the cheap-multiplier
     * pcg_cm_srandom_r (test: PCG64 and PCG64DXSM of one seed share a state). */
    seed128(g, initstate, initseq);
}

void cr_pcg64_dxsm_advance(cr_pcg128 *g, cr_u128 delta)
{
    g->state = advance_lcg_128(g->state, delta, (cr_u128)PCG_CHEAP_MULT, g->inc);
}

/* ---------------------------------------------------------------- SeedSequence */
/* numpy's constants (bit_generator.pyx), from O'Neill's seed_seq alternative. */
#define SS_POOL 4
#define SS_INIT_A UINT32_C(0x43b0d7e5)
#define SS_MULT_A UINT32_C(0x931e8875)
#define SS_INIT_B UINT32_C(0x8b51f9dd)
#define SS_MULT_B UINT32_C(0x58f38ded)
#define SS_MIX_MULT_L UINT32_C(0xca01f9dd)
#define SS_MIX_MULT_R UINT32_C(0x4973f715)
#define SS_XSHIFT 16

static uint32_t ss_hashmix(uint32_t value, uint32_t *hash_const)
{
    value ^= *hash_const;
    *hash_const *= SS_MULT_A;
    value *= *hash_const;
    value ^= value >> SS_XSHIFT;
    return value;
}

static uint32_t ss_mix(uint32_t x, uint32_t y)
{
    uint32_t r = SS_MIX_MULT_L * x - SS_MIX_MULT_R * y;
    r ^= r >> SS_XSHIFT;
    return r;
}

void cr_seedseq_generate(const uint32_t *entropy, int n_entropy, uint32_t *out, int n_words)
{
    uint32_t pool[SS_POOL];
    uint32_t hc = SS_INIT_A;
    for (int i = 0; i < SS_POOL; i++)
        pool[i] = ss_hashmix(i < n_entropy ? entropy[i] : 0u, &hc);
    for (int src = 0; src < SS_POOL; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            if (src != dst)
                pool[dst] = ss_mix(pool[dst], ss_hashmix(pool[src], &hc));
    for (int src = SS_POOL; src < n_entropy; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            pool[dst] = ss_mix(pool[dst], ss_hashmix(entropy[src], &hc));

    uint32_t hb = SS_INIT_B;
    for (int i = 0; i < n_words; i++) {
        uint32_t v = pool[i % SS_POOL];
        v ^= hb;
        hb *= SS_MULT_B;
        v *= hb;
        v ^= v >> SS_XSHIFT;
        out[i] = v;
    }
}

/* SeedSequence(seed).generate_state(4, uint64): a Python int is split into 32-bit
 * words, least significant first (0 is one word), and the uint64 words are pairs of
 * uint32 words read little-endian. */
static void seedseq_u64x4(uint64_t seed, uint64_t out[4])
{
    uint32_t ent[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t w[8];
    cr_seedseq_generate(ent, (seed >> 32) ? 2 : 1, w, 8);
    for (int i = 0; i < 4; i++)
        out[i] = (uint64_t)w[2 * i] | ((uint64_t)w[2 * i + 1] << 32);
}

void cr_pcg64_dxsm_numpy(cr_pcg128 *g, uint64_t seed)
{
    uint64_t v[4];
    seedseq_u64x4(seed, v);
    /* numpy's pcg64_set_seed(state, &v[0], &v[2]): v[0] is the high word. */
    cr_pcg64_dxsm_seed(g, cr_u128_make(v[0], v[1]), cr_u128_make(v[2], v[3]));
}

/* ---------------------------------------------------------------- stream derivation */
void cr_rng_root_init(cr_rng_root *root, uint64_t seed)
{
    seedseq_u64x4(seed, root->k);
}

#define mix64 cr_rng_mix64

/* Distinct odd constants per (lane, field): hex digits of pi, e, sqrt 2, sqrt 3. */
#define LANE_A0 UINT64_C(0x243f6a8885a308d3)
#define LANE_A1 UINT64_C(0x13198a2e03707345)
#define LANE_A2 UINT64_C(0xa4093822299f31d1)
#define LANE_B0 UINT64_C(0xb7e151628aed2a6b)
#define LANE_B1 UINT64_C(0xbf7158809cf4f3c7)
#define LANE_B2 UINT64_C(0x6a09e667f3bcc909)

/* Two 64-bit lanes, one from root words k0/k1 and one from k2/k3, each absorbs
 * every key field in turn: h = mix64(h ^ (field + c_field)). For fixed other fields
 * each lane is a bijection of each single field, so keys that differ in one field
 * never collide; keys that differ in several collide with probability about 2^-128
 * (both lanes at once).
 * Each output word is one more mix64 of a lane with a root word, so the entity, the
 * last field absorbed, still goes through two full mixing rounds.
 *
 * No warm-up step: state and increment are already hash outputs, uniformly
 * distributed, and DXSM outputs from the state as is; a step would cost a 128-bit
 * multiply and buy nothing.
 *
 * Cost, measured with gcc 12 -O2 on a ~4 GHz AMD EPYC (KVM), looping over
 * consecutive entities: 12.5 ns per call (14.5 ns with the first uniform). That is
 * the latency of five dependent mix64 rounds; a one-multiply absorb round would
 * halve it (6.7 ns) at the price of weaker mixing between fields. Independence of
 * neighbouring keys is tested in tests/test_rng.c.
 *
 * Agents' streams of one (replication, period, purpose) share the first three
 * absorptions: cr_rng_prefix_init does them once, and cr_rng_stream_at only the
 * entity's (two dependent mix64 rounds instead of five); same streams. */
void cr_rng_prefix_init(cr_rng_prefix *pre, const cr_rng_root *root, uint64_t replication,
                        uint64_t period, uint32_t purpose)
{
    uint64_t a = root->k[0], b = root->k[2];
    a = mix64(a ^ (replication + LANE_A0));
    b = mix64(b ^ (replication + LANE_B0));
    a = mix64(a ^ (period + LANE_A1));
    b = mix64(b ^ (period + LANE_B1));
    a = mix64(a ^ ((uint64_t)purpose + LANE_A2));
    b = mix64(b ^ ((uint64_t)purpose + LANE_B2));
    pre->a = a;
    pre->b = b;
    pre->k1 = root->k[1];
    pre->k3 = root->k[3];
}

void cr_rng_stream(cr_pcg128 *out, const cr_rng_root *root, const cr_rng_key *key)
{
    cr_rng_prefix pre;
    cr_rng_prefix_init(&pre, root, key->replication, key->period, key->purpose);
    cr_rng_stream_at(out, &pre, key->entity);
}

double cr_rng_draw_uniform(const cr_rng_root *root, const cr_rng_key *key)
{
    cr_pcg128 g;
    cr_rng_stream(&g, root, key);
    return cr_pcg64_dxsm_uniform(&g);
}

double cr_rng_draw_gaussian(const cr_rng_root *root, const cr_rng_key *key)
{
    cr_gsl_pcg_state g = {0};
    cr_rng_stream(&g.g, root, key);
    gsl_rng r = {cr_gsl_rng_pcg64_dxsm, &g};
    return gsl_ran_gaussian_ziggurat(&r, 1.0);
}

/* ---------------------------------------------------------------- GSL adapter */
/* get() returns the whole 64-bit output through an unsigned long, so max must be
 * 2^64 - 1: GSL distributions then take one raw draw where a 32-bit generator
 * would need two (the ziggurat, gsl_rng_uniform_int). */
_Static_assert(ULONG_MAX == UINT64_MAX, "the pcg64_dxsm gsl_rng_type needs a 64-bit unsigned long");

static void gsl_pcg_set(void *state, unsigned long seed)
{
    cr_gsl_pcg_state *st = state;
    cr_pcg64_dxsm_numpy(&st->g, (uint64_t)seed);
    st->draws = st->streams = 0;
}

static unsigned long gsl_pcg_get(void *state)
{
    cr_gsl_pcg_state *st = state;
    st->draws++;
    return (unsigned long)cr_pcg64_dxsm_next(&st->g);
}

static double gsl_pcg_get_double(void *state)
{
    cr_gsl_pcg_state *st = state;
    st->draws++;
    return cr_pcg64_dxsm_uniform(&st->g);
}

/* gsl_rng_alloc mallocs the state: malloc's alignment (16 bytes on LP64 glibc)
 * suits the 128-bit words of cr_pcg128. */
static const gsl_rng_type pcg64_dxsm_type = {
    "pcg64_dxsm", ULONG_MAX,          0, sizeof(cr_gsl_pcg_state), gsl_pcg_set,
    gsl_pcg_get,  gsl_pcg_get_double,
};

void cr_rng_gsl_counts(const gsl_rng *r, uint64_t *streams, uint64_t *draws)
{
    const cr_gsl_pcg_state *st = r->state;
    *streams = st->streams;
    *draws = st->draws;
}

void cr_rng_gsl_counts_reset(gsl_rng *r)
{
    cr_gsl_pcg_state *st = r->state;
    st->streams = st->draws = 0;
}

const gsl_rng_type *cr_gsl_rng_pcg64_dxsm = &pcg64_dxsm_type;

gsl_rng *cr_rng_gsl_alloc(void)
{
    return gsl_rng_alloc(cr_gsl_rng_pcg64_dxsm);
}
