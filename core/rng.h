/* Random streams: the PCG family, stream derivation by key, and a GSL adapter.
 *
 * Every random draw of a simulation comes from a PCG64-DXSM stream derived from a
 * key (seed, replication, period, purpose, entity) by a hash, never from a
 * thread-local generator: so the draw an SME gets is the same whatever thread runs
 * it, and the key holds no financing mode (common random numbers across modes).
 *
 * Members implemented and checked against published test vectors:
 *   pcg32           64-bit state, XSH-RR output from the old state (O'Neill's reference)
 *   pcg64           128-bit state, XSL-RR output from the new state (reference pcg64)
 *   pcg64_dxsm      128-bit state, cheap multiplier 0xda942042e4dd58b5, DXSM output
 *                   from the old state (numpy's PCG64DXSM); the simulation's streams
 * plus numpy's SeedSequence (so that numpy's PCG64DXSM(seed) can be reproduced
 * exactly, a known-answer test of the whole chain).
 */
#ifndef CR_RNG_H
#define CR_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

__extension__ typedef unsigned __int128 cr_u128;

/* Builds a 128-bit integer from two 64-bit halves. */
static inline cr_u128 cr_u128_make(uint64_t hi, uint64_t lo)
{
    return ((cr_u128)hi << 64) | (cr_u128)lo;
}

/* ---------------------------------------------------------------- pcg32 */
typedef struct {
    uint64_t state;
    uint64_t inc; /* always odd */
} cr_pcg32;

/* Seeds as pcg32_srandom_r(initstate, initseq) of the reference implementation. */
void cr_pcg32_seed(cr_pcg32 *g, uint64_t initstate, uint64_t initseq);
/* The next 32-bit output (XSH-RR of the state before the step). */
uint32_t cr_pcg32_next(cr_pcg32 *g);
/* Moves the stream delta steps ahead (or behind, modulo 2^64) in O(log delta). */
void cr_pcg32_advance(cr_pcg32 *g, uint64_t delta);

/* ---------------------------------------------------------------- 128-bit state */
typedef struct {
    cr_u128 state;
    cr_u128 inc; /* always odd */
} cr_pcg128;

/* Reference pcg64 (XSL-RR, 128-bit LCG multiplier), seeded as pcg64_srandom_r. */
void cr_pcg64_seed(cr_pcg128 *g, cr_u128 initstate, cr_u128 initseq);
/* The next 64-bit output (XSL-RR of the state after the step). */
uint64_t cr_pcg64_next(cr_pcg128 *g);
/* Moves the stream delta steps ahead (behind: -n modulo 2^128) in O(log delta). */
void cr_pcg64_advance(cr_pcg128 *g, cr_u128 delta);

/* PCG64-DXSM as in numpy: seeded like numpy's pcg64_set_seed(state, inc), which is
 * pcg64_srandom_r with the full 128-bit multiplier (not the cheap one). */
void cr_pcg64_dxsm_seed(cr_pcg128 *g, cr_u128 initstate, cr_u128 initseq);
/* The next 64-bit output (DXSM of the state before a cheap-multiplier step).
 * Inline: the hot loops draw through it. 0xda942042e4dd58b5 is numpy's
 * PCG_CHEAP_MULTIPLIER_128, also the DXSM output multiplier. */
static inline uint64_t cr_pcg64_dxsm_next(cr_pcg128 *g)
{
    const uint64_t mult = UINT64_C(0xda942042e4dd58b5);
    cr_u128 old = g->state;
    g->state = old * mult + g->inc;
    uint64_t hi = (uint64_t)(old >> 64);
    uint64_t lo = (uint64_t)old | 1u;
    hi ^= hi >> 32;
    hi *= mult;
    hi ^= hi >> 48;
    hi *= lo;
    return hi;
}
/* As cr_pcg64_advance, with the cheap multiplier of the DXSM steps. */
void cr_pcg64_dxsm_advance(cr_pcg128 *g, cr_u128 delta);

/* Uniform double in [0, 1) with 53 random bits: (next >> 11) * 2^-53. */
static inline double cr_pcg64_dxsm_uniform(cr_pcg128 *g)
{
    return (double)(cr_pcg64_dxsm_next(g) >> 11) * 0x1.0p-53;
}

/* ---------------------------------------------------------------- SeedSequence */
/* numpy.random.SeedSequence(entropy).generate_state(n_words, uint32), for entropy
 * given as 32-bit words (numpy splits a Python int into 32-bit words, least
 * significant first). Writes n_words words to out. Cost: O(n_entropy + n_words). */
void cr_seedseq_generate(const uint32_t *entropy, int n_entropy, uint32_t *out, int n_words);

/* numpy.random.PCG64DXSM(seed) for a non-negative integer seed < 2^64:
 * SeedSequence(seed) -> 4 uint64 words -> state and increment. */
void cr_pcg64_dxsm_numpy(cr_pcg128 *g, uint64_t seed);

/* ---------------------------------------------------------------- stream derivation */
/* The identity of a stream. `purpose` is an enum of the model (what the draws are
 * for); `entity` is an agent id or a factor index. No field may hold a mode. */
typedef struct {
    uint64_t replication;
    uint64_t period;
    uint32_t purpose;
    uint64_t entity;
} cr_rng_key;

/* The root of all streams of one experiment, derived from its seed once with
 * SeedSequence (256 bits of key material). */
typedef struct {
    uint64_t k[4];
} cr_rng_root;

/* SeedSequence(seed).generate_state(4, uint64) as the root's four key words. */
void cr_rng_root_init(cr_rng_root *root, uint64_t seed);

/* Derives the PCG64-DXSM stream of `key` under `root`: state and increment come
 * from a strong 64-bit mixing hash of (root, key) (never seed + id). Cheap: twelve
 * splitmix64-finalizer rounds, about 12 ns, no allocation, no warm-up steps.
 * Neighbouring keys give uncorrelated streams (tested). */
void cr_rng_stream(cr_pcg128 *out, const cr_rng_root *root, const cr_rng_key *key);

/* The part of a stream key shared by every entity of one (replication, period,
 * purpose): computed once, it makes per-agent derivation cheap. */
typedef struct {
    uint64_t a, b, k1, k3;
} cr_rng_prefix;

void cr_rng_prefix_init(cr_rng_prefix *pre, const cr_rng_root *root, uint64_t replication,
                        uint64_t period, uint32_t purpose);

/* The splitmix64 finalizer (Stafford's Mix13): a bijection of 64-bit words with
 * full avalanche, two multiplies. */
static inline uint64_t cr_rng_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

#define CR_RNG_LANE_A3 UINT64_C(0x082efa98ec4e6c89)
#define CR_RNG_LANE_B3 UINT64_C(0xbb67ae8584caa73b)

/* The stream of `entity` under a prefix: identical to cr_rng_stream with the full
 * key (tested). Inline: it runs once per agent and draw purpose, in the hot loops. */
static inline void cr_rng_stream_at(cr_pcg128 *out, const cr_rng_prefix *pre, uint64_t entity)
{
    uint64_t a = cr_rng_mix64(pre->a ^ (entity + CR_RNG_LANE_A3));
    uint64_t b = cr_rng_mix64(pre->b ^ (entity + CR_RNG_LANE_B3));
    uint64_t s_hi = cr_rng_mix64(a ^ pre->k1);
    uint64_t s_lo = cr_rng_mix64(b ^ pre->k3);
    uint64_t i_hi = cr_rng_mix64(a + pre->k3);
    uint64_t i_lo = cr_rng_mix64(b + pre->k1);
    out->state = cr_u128_make(s_hi, s_lo);
    out->inc = cr_u128_make(i_hi, i_lo) | 1u;
}

/* Convenience for the typical one draw per agent and period: the first uniform in
 * [0, 1) (53 bits) / the first standard normal (GSL ziggurat through the adapter
 * below) of the stream of `key`. No allocation; same values as deriving the stream
 * with cr_rng_stream and drawing from it. */
double cr_rng_draw_uniform(const cr_rng_root *root, const cr_rng_key *key);
double cr_rng_draw_gaussian(const cr_rng_root *root, const cr_rng_key *key);

/* ---------------------------------------------------------------- GSL adapter */
/* A gsl_rng_type whose state is a cr_pcg128 PCG64-DXSM stream, so every gsl_ran_*
 * distribution draws from PCG. get() returns the full 64-bit output (min 0,
 * max 2^64-1 on LP64 platforms); get_double() returns 53-bit uniforms in [0,1).
 * gsl_rng_set(r, s) seeds like cr_pcg64_dxsm_numpy(r, s). */
extern const gsl_rng_type *cr_gsl_rng_pcg64_dxsm;

/* Allocates a gsl_rng of type cr_gsl_rng_pcg64_dxsm, seeded as gsl_rng_set(r, 0).
 * NULL when out of memory, once gsl_set_error_handler_off() is in force (GSL's
 * default handler aborts instead). Free with gsl_rng_free. */
gsl_rng *cr_rng_gsl_alloc(void);

/* The state of a gsl_rng of our type: the stream, and per-generator counts of raw
 * draws (calls of get/get_double) and of streams derived into it with
 * cr_rng_gsl_stream_at. Each generator belongs to one thread, so counting costs an
 * increment; the benchmarks read the counts (cr_rng_gsl_counts) to give the
 * roofline reference the same work. */
typedef struct {
    cr_pcg128 g;
    uint64_t draws;
    uint64_t streams;
} cr_gsl_pcg_state;

/* The PCG state inside a gsl_rng of our type: write a derived stream into it with
 * `*cr_rng_gsl_state(r) = stream;` and then call any gsl_ran_* function. */
static inline cr_pcg128 *cr_rng_gsl_state(gsl_rng *r)
{
    return &((cr_gsl_pcg_state *)r->state)->g;
}

/* Derives the stream of `entity` under `pre` into r (counted). */
static inline void cr_rng_gsl_stream_at(gsl_rng *r, const cr_rng_prefix *pre, uint64_t entity)
{
    cr_gsl_pcg_state *st = (cr_gsl_pcg_state *)r->state;
    st->streams++;
    cr_rng_stream_at(&st->g, pre, entity);
}

/* gsl_rng_uniform(r) for a generator of our type, inline (no call through the
 * type's function pointer): the same value and the same count (tested). */
static inline double cr_rng_gsl_uniform(gsl_rng *r)
{
    cr_gsl_pcg_state *st = (cr_gsl_pcg_state *)r->state;
    st->draws++;
    return cr_pcg64_dxsm_uniform(&st->g);
}

/* The counts of r since it was allocated, seeded or reset. */
void cr_rng_gsl_counts(const gsl_rng *r, uint64_t *streams, uint64_t *draws);
void cr_rng_gsl_counts_reset(gsl_rng *r);

#endif
