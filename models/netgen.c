/* Guarantee-network generators (models/netgen.h).
 *
 * scale_free is a sequential growth process in the spirit of Barabasi-Albert with
 * initial attractiveness 1, chosen so that both targets of the user hold in
 * expectation:
 *   - reciprocity r (igraph's definition: the share of edges whose reverse exists).
 *     Every new link a -> b is reciprocated b -> a with probability q = r / (2 - r):
 *     with B links of which R ~ Binomial(B, q) are reciprocated, the share of
 *     mutual edges is 2R / (B + R), whose expectation is 2q / (1 + q) = r (up to
 *     O(1/B)). (Reciprocating with probability r itself would give 2r / (1 + r).)
 *   - mean out-degree m: each node brings mu = m / (1 + q) links on average,
 *     floor(mu) plus one more with probability frac(mu), so edges / n = mu (1 + q)
 *     = m, less an O(m^2 / n) shortfall from the first nodes, which have fewer
 *     than mu predecessors to link to.
 * Node t (t = 0 .. n-1, in order) draws from its own stream (entity t): its number
 * of links d_t, then d_t distinct partners among nodes 0..t-1 with probability
 * proportional to (in-degree + out-degree + 1), by rejection from an urn holding
 * every node once plus both endpoints of every edge (all of them when d_t >= t);
 * then, per link, who guarantees whom (each way with probability 1/2, so in- and
 * out-degrees are both heavy-tailed) and whether it is reciprocated. A new node
 * has no edges yet, so links are never duplicates or self-loops. Cost: expected
 * O(n m) time, O(n + n m) memory; the pass is sequential by design (a node's
 * partners depend on every earlier node), so the result cannot depend on threads.
 */
#include "models/netgen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#define CR_NETGEN_MAX 32
#define MEAN_DEGREE_MAX 1000.0

void cr_netgen_params_init(cr_netgen_params *p)
{
    p->group_size = 5;
    p->pair_share = 1.0;
    p->chain_length = 3;
    p->star_size = 4;
    p->star_mutual = false;
    p->mean_degree = 2.0;
    p->reciprocity = 0.3;
    p->path = NULL;
}

/* ---------------------------------------------------------------- helpers */

/* Allocates exactly count edges (NULL for none); CR_ENOMEM on overflow. */
static cr_status alloc_edges(size_t count, cr_edge **out, cr_diag *d)
{
    *out = NULL;
    if (count == 0)
        return CR_OK;
    if (count > SIZE_MAX / sizeof(cr_edge) || !(*out = malloc(count * sizeof(cr_edge))))
        return cr_diag_set(d, CR_ENOMEM, "network: cannot allocate %zu edges", count);
    return CR_OK;
}

static void put(cr_edge *e, size_t *k, size_t from, size_t to)
{
    e[*k].from = (uint32_t)from;
    e[*k].to = (uint32_t)to;
    e[*k].weight = 1.0;
    (*k)++;
}

/* ---------------------------------------------------------------- groups */

static cr_status groups_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (p->group_size < 2)
        return cr_diag_set(d, CR_ECONFIG, "network.group_size: must be at least 2, got %zu",
                           p->group_size);
    return CR_OK;
}

static cr_status groups_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                                 cr_edge **edges, size_t *nedges, cr_diag *d)
{
    (void)pre;
    size_t k = p->group_size < n ? p->group_size : n;
    size_t full = k ? n / k : 0, rest = k ? n % k : 0;
    /* full k(k-1) + rest(rest-1) <= n (k-1): overflow only when n (k-1) does */
    if (k > 1 && n > SIZE_MAX / (k - 1))
        return cr_diag_set(d, CR_ENOMEM, "network: groups of %zu over %zu nodes: too many edges", k,
                           n);
    size_t count = full * k * (k - 1) + (rest ? rest * (rest - 1) : 0);
    cr_edge *e;
    cr_status s = alloc_edges(count, &e, d);
    if (s != CR_OK)
        return s;
    size_t c = 0;
    for (size_t start = 0; start < n; start += k) {
        size_t end = start + k < n ? start + k : n;
        for (size_t i = start; i < end; i++)
            for (size_t j = start; j < end; j++)
                if (i != j)
                    put(e, &c, i, j);
    }
    *edges = e;
    *nedges = c;
    return CR_OK;
}

/* ---------------------------------------------------------------- pairs */

static cr_status pairs_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (!(p->pair_share >= 0.0 && p->pair_share <= 1.0))
        return cr_diag_set(d, CR_ECONFIG, "network.pair_share: must be in [0, 1], got %g",
                           p->pair_share);
    return CR_OK;
}

static cr_status pairs_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                                cr_edge **edges, size_t *nedges, cr_diag *d)
{
    cr_edge *e;
    cr_status s = alloc_edges(n / 2 * 2, &e, d); /* at most 2 edges per pair */
    if (s != CR_OK)
        return s;
    size_t c = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        cr_pcg128 g;
        cr_rng_stream_at(&g, pre, i);
        if (cr_pcg64_dxsm_uniform(&g) < p->pair_share) {
            put(e, &c, i, i + 1);
            put(e, &c, i + 1, i);
        }
    }
    if (c == 0) {
        free(e);
        e = NULL;
    }
    *edges = e;
    *nedges = c;
    return CR_OK;
}

/* ---------------------------------------------------------------- chains */

static cr_status chains_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (p->chain_length < 2)
        return cr_diag_set(d, CR_ECONFIG, "network.chain_length: must be at least 2, got %zu",
                           p->chain_length);
    return CR_OK;
}

static cr_status chains_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                                 cr_edge **edges, size_t *nedges, cr_diag *d)
{
    (void)pre;
    size_t L = p->chain_length;
    size_t blocks = n / L + (n % L != 0);
    cr_edge *e;
    cr_status s = alloc_edges(n - blocks, &e, d);
    if (s != CR_OK)
        return s;
    size_t c = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if ((i + 1) % L != 0)
            put(e, &c, i, i + 1);
    *edges = e;
    *nedges = c;
    return CR_OK;
}

/* ---------------------------------------------------------------- stars */

static cr_status stars_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (p->star_size < 1)
        return cr_diag_set(d, CR_ECONFIG, "network.star_size: must be at least 1, got %zu",
                           p->star_size);
    if (p->star_size >= CR_GRAPH_MAX_NODES)
        return cr_diag_set(d, CR_ECONFIG, "network.star_size: must be below %zu, got %zu",
                           CR_GRAPH_MAX_NODES, p->star_size);
    return CR_OK;
}

static cr_status stars_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                                cr_edge **edges, size_t *nedges, cr_diag *d)
{
    (void)pre;
    size_t b = p->star_size + 1, per = p->star_mutual ? 2 : 1;
    size_t hubs = n / b + (n % b != 0);
    cr_edge *e;
    cr_status s = alloc_edges((n - hubs) * per, &e, d);
    if (s != CR_OK)
        return s;
    size_t c = 0;
    for (size_t h = 0; h < n; h += b)
        for (size_t j = h + 1; j < h + b && j < n; j++) {
            put(e, &c, h, j);
            if (p->star_mutual)
                put(e, &c, j, h);
        }
    *edges = e;
    *nedges = c;
    return CR_OK;
}

/* ---------------------------------------------------------------- scale_free */

static cr_status scale_free_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (!(p->mean_degree > 0.0 && p->mean_degree <= MEAN_DEGREE_MAX))
        return cr_diag_set(d, CR_ECONFIG, "network.mean_degree: must be in (0, %g], got %g",
                           MEAN_DEGREE_MAX, p->mean_degree);
    if (!(p->reciprocity >= 0.0 && p->reciprocity <= 1.0))
        return cr_diag_set(d, CR_ECONFIG, "network.reciprocity: must be in [0, 1], got %g",
                           p->reciprocity);
    return CR_OK;
}

/* Growable arrays of the growth process. */
typedef struct {
    cr_edge *e;
    size_t ne, cape;
    uint32_t *urn; /* every node once, plus both endpoints of every edge */
    size_t nu, capu;
} sf_state;

static int grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return -1;
        c *= 2;
    }
    void *b = realloc(*buf, c * size);
    if (!b)
        return -1;
    *buf = b;
    *cap = c;
    return 0;
}

static int sf_edge(sf_state *st, size_t a, size_t b)
{
    if (grow((void **)&st->e, &st->cape, st->ne + 1, sizeof(cr_edge)) ||
        grow((void **)&st->urn, &st->capu, st->nu + 2, sizeof(uint32_t)))
        return -1;
    put(st->e, &st->ne, a, b);
    st->urn[st->nu++] = (uint32_t)a;
    st->urn[st->nu++] = (uint32_t)b;
    return 0;
}

static cr_status scale_free_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                                     cr_edge **edges, size_t *nedges, cr_diag *d)
{
    double r = p->reciprocity, q = r / (2.0 - r);
    double mu = p->mean_degree / (1.0 + q), mu_floor = floor(mu), mu_frac = mu - mu_floor;
    sf_state st = {0};
    uint32_t *mark = calloc(n ? n : 1, sizeof *mark); /* mark[b] == t + 1: b chosen by t */
    uint32_t *chosen = malloc(((size_t)mu + 2) * sizeof *chosen); /* d_t <= floor(mu) + 1 */
    gsl_rng *rng = cr_rng_gsl_alloc();
    int fail = !mark || !chosen || !rng;
    if (!fail) {
        double guess = (double)n * (p->mean_degree * 1.05) + 64.0; /* a first capacity */
        size_t cap = guess < 1e8 ? (size_t)guess : (size_t)1e8;
        fail = grow((void **)&st.e, &st.cape, cap, sizeof(cr_edge)) ||
               grow((void **)&st.urn, &st.capu, n + 2 * cap, sizeof(uint32_t));
    }
    for (size_t t = 0; t < n && !fail; t++) {
        cr_rng_stream_at(cr_rng_gsl_state(rng), pre, t);
        size_t dt = (size_t)mu_floor + (gsl_rng_uniform(rng) < mu_frac);
        if (dt >= t) { /* link to every earlier node */
            dt = t;
            for (size_t b = 0; b < t; b++)
                chosen[b] = (uint32_t)b;
        } else {
            for (size_t k = 0; k < dt;) { /* distinct partners, by rejection from the urn */
                uint32_t b = st.urn[gsl_rng_uniform_int(rng, st.nu)];
                if (mark[b] == t + 1)
                    continue;
                mark[b] = (uint32_t)(t + 1);
                chosen[k++] = b;
            }
        }
        for (size_t k = 0; k < dt && !fail; k++) {
            size_t b = chosen[k];
            int t_guarantees = gsl_rng_uniform(rng) < 0.5;
            int mutual = gsl_rng_uniform(rng) < q;
            size_t from = t_guarantees ? t : b, to = t_guarantees ? b : t;
            fail = sf_edge(&st, from, to) || (mutual && sf_edge(&st, to, from));
        }
        if (!fail) { /* t joins the urn after its own draws: no self-loops */
            fail = grow((void **)&st.urn, &st.capu, st.nu + 1, sizeof(uint32_t));
            if (!fail)
                st.urn[st.nu++] = (uint32_t)t;
        }
    }
    if (rng)
        gsl_rng_free(rng);
    free(mark);
    free(chosen);
    free(st.urn);
    if (fail) {
        free(st.e);
        return cr_diag_set(d, CR_ENOMEM, "network: scale_free over %zu nodes: out of memory", n);
    }
    if (st.ne == 0) {
        free(st.e);
        st.e = NULL;
    }
    *edges = st.e;
    *nedges = st.ne;
    return CR_OK;
}

/* ---------------------------------------------------------------- registry */

const cr_netgen_type cr_netgen_groups = {
    "groups", "complete directed graph within consecutive groups of group_size", groups_validate,
    groups_generate};
const cr_netgen_type cr_netgen_pairs = {
    "pairs", "mutual guarantee pairs (i <-> i+1, even i), a share pair_share of them formed",
    pairs_validate, pairs_generate};
const cr_netgen_type cr_netgen_chains = {
    "chains", "guarantee chains i -> i+1 within consecutive blocks of chain_length",
    chains_validate, chains_generate};
const cr_netgen_type cr_netgen_stars = {
    "stars", "a hub guarantees the star_size nodes after it (mutual with star_mutual)",
    stars_validate, stars_generate};
const cr_netgen_type cr_netgen_scale_free = {
    "scale_free", "preferential attachment with mean out-degree mean_degree and reciprocity",
    scale_free_validate, scale_free_generate};

static const cr_netgen_type *builtin[] = {&cr_netgen_groups,     &cr_netgen_pairs,
                                          &cr_netgen_chains,     &cr_netgen_stars,
                                          &cr_netgen_scale_free, &cr_netgen_file};
static const cr_netgen_type *user[CR_NETGEN_MAX];
static size_t nuser = 0;

#define NBUILTIN (sizeof builtin / sizeof builtin[0])

const cr_netgen_type *cr_netgen_at(size_t i)
{
    if (i < NBUILTIN)
        return builtin[i];
    i -= NBUILTIN;
    return i < nuser ? user[i] : NULL;
}

const cr_netgen_type *cr_netgen_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0;; i++) {
        const cr_netgen_type *t = cr_netgen_at(i);
        if (!t)
            return NULL;
        if (strcmp(t->name, name) == 0)
            return t;
    }
}

size_t cr_netgen_names(const char **names, size_t max)
{
    size_t n = 0;
    for (const cr_netgen_type *t; (t = cr_netgen_at(n)) != NULL; n++)
        if (n < max)
            names[n] = t->name;
    return n;
}

cr_status cr_netgen_register(const cr_netgen_type *t)
{
    if (!t || !t->name || !t->generate || cr_netgen_find(t->name) || nuser >= CR_NETGEN_MAX)
        return CR_EINVAL;
    user[nuser++] = t;
    return CR_OK;
}

cr_status cr_netgen_validate(const cr_netgen_type *t, const cr_netgen_params *p, cr_diag *d)
{
    return t->validate ? t->validate(p, d) : CR_OK;
}

cr_status cr_netgen_edges(const cr_netgen_type *t, const cr_netgen_params *p, size_t n,
                          const cr_rng_root *root, uint64_t replication, cr_edge **edges,
                          size_t *nedges, cr_diag *d)
{
    cr_status s = cr_netgen_validate(t, p, d);
    if (s != CR_OK)
        return s;
    if (n > CR_GRAPH_MAX_NODES)
        return cr_diag_set(d, CR_EINVAL, "network: %zu nodes, more than the %zu allowed", n,
                           CR_GRAPH_MAX_NODES);
    cr_rng_prefix pre;
    cr_rng_prefix_init(&pre, root, replication, CR_NETGEN_PERIOD, CR_P_NETWORK);
    cr_edge *e = NULL;
    size_t ne = 0;
    s = t->generate(p, n, &pre, &e, &ne, d);
    if (s != CR_OK)
        return s;
    *edges = e;
    *nedges = ne;
    return CR_OK;
}

cr_status cr_netgen_graph(const cr_netgen_type *t, const cr_netgen_params *p, size_t n,
                          const cr_rng_root *root, uint64_t replication, cr_graph **out, cr_diag *d)
{
    cr_edge *e = NULL;
    size_t ne = 0;
    cr_status s = cr_netgen_edges(t, p, n, root, replication, &e, &ne, d);
    if (s != CR_OK)
        return s;
    s = cr_graph_create_from_edges(n, e, ne, out, d);
    free(e);
    return s;
}
