#include "experiments/roofline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/blocks.h"
#include "core/progress.h"
#include "core/rng.h"

/* Fractional counts in fixed point: SME i does ((i + 1) S >> FRAC) - (i S >> FRAC),
 * S = round(s 2^FRAC), exact integer arithmetic (no drift, same on any machine). */
#define FRAC 20
#define MAX_PER_SME 4096.0 /* streams or draws per SME-period */

/* One world's state: bytes_per_sme bytes per SME as 8-byte arrays, plus one 4-, 2-
 * and 1-byte array for the remainder (structure of arrays). */
typedef struct {
    size_t n8;
    uint64_t **a8;
    uint32_t *a4;
    uint16_t *a2;
    uint8_t *a1;
} world;

/* What every block needs. */
typedef struct {
    size_t smes, block;
    uint64_t S, D; /* streams and draws per SME-period, fixed point */
    int npre;      /* purposes (prefixes) per period: ceil(streams per SME-period) */
} plan;

static inline unsigned share(uint64_t i, uint64_t s)
{
    return (unsigned)((((i + 1) * s) >> FRAC) - ((i * s) >> FRAC));
}

/* One block of one period: every SME's streams and draws into tmp, then each state
 * array read and written once. Returns the block's partial sum. */
static uint64_t block_work(const plan *P, world *w, uint64_t *restrict tmp,
                           const cr_rng_prefix *pre, size_t lo, size_t hi, uint64_t *nstreams,
                           uint64_t *ndraws)
{
    cr_pcg128 g = {0, 1};
    uint64_t ns_all = 0, nd_all = 0;
    for (size_t i = lo; i < hi; i++) {
        unsigned ns = share(i, P->S), nd = share(i, P->D), d = 0;
        uint64_t v = 0;
        for (unsigned k = 0; k < ns; k++) {
            cr_rng_stream_at(&g, &pre[k % (unsigned)P->npre], i);
            v += (uint64_t)g.inc;
            for (unsigned upto = (unsigned)((uint64_t)nd * (k + 1) / ns); d < upto; d++)
                v += cr_pcg64_dxsm_next(&g);
        }
        for (; d < nd; d++) /* no stream of its own this period: the block's last one */
            v += cr_pcg64_dxsm_next(&g);
        tmp[i - lo] = v;
        ns_all += ns;
        nd_all += nd;
    }
    const size_t n = hi - lo;
    for (size_t a = 0; a < w->n8; a++) {
        uint64_t *restrict x = w->a8[a] + lo;
        for (size_t j = 0; j < n; j++)
            x[j] += tmp[j];
    }
    if (w->a4) {
        uint32_t *restrict x = w->a4 + lo;
        for (size_t j = 0; j < n; j++)
            x[j] += (uint32_t)tmp[j];
    }
    if (w->a2) {
        uint16_t *restrict x = w->a2 + lo;
        for (size_t j = 0; j < n; j++)
            x[j] = (uint16_t)(x[j] + tmp[j]);
    }
    if (w->a1) {
        uint8_t *restrict x = w->a1 + lo;
        for (size_t j = 0; j < n; j++)
            x[j] = (uint8_t)(x[j] + tmp[j]);
    }
    uint64_t sum = 0;
    for (size_t j = 0; j < n; j++)
        sum += tmp[j];
    *nstreams += ns_all;
    *ndraws += nd_all;
    return sum;
}

static void world_free(world *w)
{
    for (size_t a = 0; w->a8 && a < w->n8; a++)
        free(w->a8[a]);
    free(w->a8);
    free(w->a4);
    free(w->a2);
    free(w->a1);
    memset(w, 0, sizeof *w);
}

static int world_alloc(world *w, size_t smes, size_t bytes)
{
    memset(w, 0, sizeof *w);
    w->n8 = bytes / 8;
    size_t n = smes + 1;
    if (w->n8 && !(w->a8 = calloc(w->n8, sizeof *w->a8)))
        return -1;
    for (size_t a = 0; a < w->n8; a++)
        if (!(w->a8[a] = malloc(n * sizeof(uint64_t))))
            return -1;
    if ((bytes & 4) && !(w->a4 = malloc(n * sizeof(uint32_t))))
        return -1;
    if ((bytes & 2) && !(w->a2 = malloc(n * sizeof(uint16_t))))
        return -1;
    if ((bytes & 1) && !(w->a1 = malloc(n)))
        return -1;
    return 0;
}

/* First touch of [lo, hi) by the thread that will work on it. */
static void world_touch(world *w, size_t lo, size_t hi)
{
    for (size_t a = 0; a < w->n8; a++)
        for (size_t i = lo; i < hi; i++)
            w->a8[a][i] = i + a;
    for (size_t i = lo; i < hi; i++) {
        if (w->a4)
            w->a4[i] = (uint32_t)i;
        if (w->a2)
            w->a2[i] = (uint16_t)i;
        if (w->a1)
            w->a1[i] = (uint8_t)i;
    }
}

static uint64_t world_checksum(const world *w, size_t smes)
{
    uint64_t c = 0;
    for (size_t a = 0; a < w->n8; a++)
        for (size_t i = 0; i < smes; i++)
            c += w->a8[a][i];
    for (size_t i = 0; i < smes; i++)
        c += (w->a4 ? w->a4[i] : 0u) + (w->a2 ? w->a2[i] : 0u) + (w->a1 ? w->a1[i] : 0u);
    return c;
}

static void prefixes(cr_rng_prefix *pre, int npre, const cr_rng_root *root, int rep, int t)
{
    for (int k = 0; k < npre; k++)
        cr_rng_prefix_init(&pre[k], root, (uint64_t)rep, (uint64_t)t, (uint32_t)k);
}

/* Agents: one world, each period's blocks over the threads (as cr_engine_period). */
static void run_agents(const cr_roofline_opts *o, const plan *P, world *w, uint64_t **scratch,
                       const cr_rng_root *root, cr_rng_prefix *pre, uint64_t *part,
                       uint64_t *bstreams, uint64_t *bdraws, double *secs)
{
    const size_t nb = cr_nblocks(P->smes, P->block), block = P->block, smes = P->smes;
    const int threads = o->threads;
#pragma omp parallel for num_threads(threads) schedule(static) default(none)                       \
    shared(w, nb, block, smes)
    for (size_t b = 0; b < nb; b++)
        world_touch(w, b * block, b * block + block < smes ? b * block + block : smes);
    double t0 = cr_now();
    for (int rep = 0; rep < o->replications; rep++) {
        for (int t = 0; t < o->periods; t++) {
            prefixes(pre, P->npre, root, rep, t);
#pragma omp parallel for num_threads(threads) schedule(static) default(none)                       \
    shared(P, w, scratch, pre, part, bstreams, bdraws, nb, block, smes)
            for (size_t b = 0; b < nb; b++) {
                size_t lo = b * block, hi = lo + block < smes ? lo + block : smes;
                part[b] += block_work(P, w, scratch[omp_get_thread_num()], pre, lo, hi,
                                      &bstreams[b], &bdraws[b]);
            }
        }
    }
    *secs = cr_now() - t0;
}

/* Units: several worlds at once, each run by one thread from start to end. */
static void run_units(const cr_roofline_opts *o, const plan *P, world *ws, uint64_t **scratch,
                      const cr_rng_root *root, cr_rng_prefix *pre, uint64_t *part,
                      uint64_t *bstreams, uint64_t *bdraws, double *secs)
{
    const int threads = o->threads, reps = o->replications, periods = o->periods;
    const size_t nb = cr_nblocks(P->smes, P->block), block = P->block, smes = P->smes;
    double t0 = 0.0;
#pragma omp parallel num_threads(threads) default(none)                                            \
    shared(P, ws, scratch, root, pre, part, bstreams, bdraws, t0, threads, reps, periods, nb,      \
           block, smes)
    {
        const int tid = omp_get_thread_num();
        world *w = &ws[tid];
        cr_rng_prefix *mine = pre + (size_t)tid * (size_t)P->npre;
        world_touch(w, 0, smes);
#pragma omp barrier
#pragma omp master
        t0 = cr_now();
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
        for (int rep = 0; rep < reps; rep++) {
            for (int t = 0; t < periods; t++) {
                prefixes(mine, P->npre, root, rep, t);
                for (size_t b = 0; b < nb; b++) {
                    size_t lo = b * block, hi = lo + block < smes ? lo + block : smes;
                    part[tid] +=
                        block_work(P, w, scratch[tid], mine, lo, hi, &bstreams[tid], &bdraws[tid]);
                }
            }
        }
    }
    *secs = cr_now() - t0;
}

cr_status cr_roofline_run(const cr_roofline_opts *o, cr_roofline_result *r, cr_diag *d)
{
    if (o->smes < 1 || o->periods < 1 || o->replications < 1 || o->threads < 1)
        return cr_diag_set(d, CR_EINVAL,
                           "roofline: smes, periods, replications and threads must be positive");
    if (!(o->streams_per_sme_period >= 0 && o->streams_per_sme_period <= MAX_PER_SME) ||
        !(o->draws_per_sme_period >= 0 && o->draws_per_sme_period <= MAX_PER_SME))
        return cr_diag_set(d, CR_EINVAL,
                           "roofline: streams and draws per SME-period must be in [0, %g], got "
                           "%g and %g",
                           MAX_PER_SME, o->streams_per_sme_period, o->draws_per_sme_period);
    if (o->bytes_per_sme > 1u << 16)
        return cr_diag_set(d, CR_EINVAL, "roofline: at most 65536 bytes per SME, got %zu",
                           o->bytes_per_sme);
    plan P;
    P.smes = o->smes;
    P.block = o->block ? o->block : CR_BLOCK;
    P.S = (uint64_t)llround(o->streams_per_sme_period * (double)(1u << FRAC));
    P.D = (uint64_t)llround(o->draws_per_sme_period * (double)(1u << FRAC));
    P.npre = (int)ceil(o->streams_per_sme_period);
    if (P.npre < 1)
        P.npre = 1;
    const int threads = o->threads, nworlds = o->units ? threads : 1;
    const size_t nb = cr_nblocks(o->smes, P.block);
    const size_t nacc = o->units ? (size_t)threads : nb;
    world *ws = calloc((size_t)nworlds, sizeof *ws);
    uint64_t **scratch = calloc((size_t)threads, sizeof *scratch);
    cr_rng_prefix *pre = malloc((size_t)threads * (size_t)P.npre * sizeof *pre);
    uint64_t *part = calloc(nacc, sizeof *part), *bs = calloc(nacc, sizeof *bs),
             *bd = calloc(nacc, sizeof *bd);
    int ok = ws && scratch && pre && part && bs && bd;
    for (int k = 0; ok && k < nworlds; k++)
        ok = world_alloc(&ws[k], o->smes, o->bytes_per_sme) == 0;
    for (int k = 0; ok && k < threads; k++)
        ok = (scratch[k] = malloc(P.block * sizeof **scratch)) != NULL;
    cr_status st = CR_OK;
    if (ok) {
        cr_rng_root root;
        cr_rng_root_init(&root, 1);
        double secs = 0.0;
        if (o->units)
            run_units(o, &P, ws, scratch, &root, pre, part, bs, bd, &secs);
        else
            run_agents(o, &P, ws, scratch, &root, pre, part, bs, bd, &secs);
        memset(r, 0, sizeof *r);
        for (size_t k = 0; k < nacc; k++) {
            r->checksum += part[k];
            r->streams += bs[k];
            r->draws += bd[k];
        }
        for (int k = 0; k < nworlds; k++)
            r->checksum += world_checksum(&ws[k], o->smes);
        double work = (double)o->smes * o->periods * o->replications;
        r->seconds = secs;
        r->sme_periods_per_sec = secs > 0 ? work / secs : INFINITY;
        r->ns_per_sme_period = secs * threads / work * 1e9;
    } else {
        st = cr_diag_set(d, CR_ENOMEM, "roofline: out of memory (%zu SMEs x %zu bytes x %d)",
                         o->smes, o->bytes_per_sme, nworlds);
    }
    for (int k = 0; ws && k < nworlds; k++)
        world_free(&ws[k]);
    for (int k = 0; scratch && k < threads; k++)
        free(scratch[k]);
    free(ws);
    free(scratch);
    free(pre);
    free(part);
    free(bs);
    free(bd);
    return st;
}
