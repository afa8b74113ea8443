#include "experiments/unitrec.h"

#include <stdlib.h>
#include <string.h>

/* bytes of one event: cell, replication, period, sme, cause, cascade, round, loan */
#define EVENT_BYTES (4 + 4 + 4 + 4 + 1 + 4 + 4 + 8)

static size_t packed_size(const cr_unitrec *u)
{
    return 16 + (size_t)u->nmetrics * u->nperiods * 8 + 8 + u->nevents * EVENT_BYTES + 8 +
           u->nnet * 8 + 16 + (u->edge_rows + u->degree_rows) * 3 * 8 + 8 +
           (u->has_panel ? cr_zchunks_packed_size(&u->panel) : 0);
}

#define PUT(p, x)                                                                                  \
    do {                                                                                           \
        memcpy(p, &(x), sizeof(x));                                                                \
        p += sizeof(x);                                                                            \
    } while (0)

cr_status cr_unitrec_pack(const cr_unitrec *u, unsigned char **buf, size_t *cap, size_t *len,
                          cr_diag *d)
{
    size_t n = packed_size(u);
    if (n > *cap) {
        unsigned char *b = realloc(*buf, n);
        if (!b)
            return cr_diag_set(d, CR_ENOMEM, "out of memory");
        *buf = b;
        *cap = n;
    }
    unsigned char *p = *buf;
    PUT(p, u->cell);
    PUT(p, u->replication);
    PUT(p, u->nmetrics);
    PUT(p, u->nperiods);
    size_t nv = (size_t)u->nmetrics * u->nperiods * 8;
    memcpy(p, u->values, nv);
    p += nv;
    uint64_t ne = u->nevents, nn = u->nnet, er = u->edge_rows, dr = u->degree_rows;
    PUT(p, ne);
    for (size_t i = 0; i < u->nevents; i++) {
        const cr_event *e = &u->events[i];
        PUT(p, e->cell);
        PUT(p, e->replication);
        PUT(p, e->period);
        PUT(p, e->sme);
        PUT(p, e->cause);
        PUT(p, e->cascade);
        PUT(p, e->round);
        PUT(p, e->loan);
    }
    PUT(p, nn);
    if (nn)
        memcpy(p, u->net, nn * 8);
    p += nn * 8;
    PUT(p, er);
    PUT(p, dr);
    if (er)
        memcpy(p, u->edges, er * 3 * 8);
    p += er * 3 * 8;
    if (dr)
        memcpy(p, u->degrees, dr * 3 * 8);
    p += dr * 3 * 8;
    uint64_t np = u->has_panel ? cr_zchunks_packed_size(&u->panel) : 0;
    PUT(p, np);
    if (np)
        p = cr_zchunks_pack(&u->panel, p);
    *len = (size_t)(p - *buf);
    return CR_OK;
}

#define GET(x)                                                                                     \
    do {                                                                                           \
        if ((size_t)(end - p) < sizeof(x))                                                         \
            goto bad;                                                                              \
        memcpy(&(x), p, sizeof(x));                                                                \
        p += sizeof(x);                                                                            \
    } while (0)

static int get_doubles(const unsigned char **pp, const unsigned char *end, uint64_t n, double **out)
{
    if (n > (uint64_t)(end - *pp) / 8)
        return -1;
    *out = malloc(n * 8 + 8);
    if (!*out)
        return -1;
    memcpy(*out, *pp, n * 8);
    *pp += n * 8;
    return 0;
}

void cr_unitrec_free(cr_unitrec *u)
{
    free(u->values);
    free(u->events);
    free(u->net);
    free(u->edges);
    free(u->degrees);
    cr_zchunks_free(&u->panel);
    memset(u, 0, sizeof *u);
}

cr_status cr_unitrec_unpack(const void *buf, size_t len, cr_unitrec *u, cr_diag *d)
{
    memset(u, 0, sizeof *u);
    const unsigned char *p = buf, *end = p + len;
    uint64_t ne, nn, er, dr;
    GET(u->cell);
    GET(u->replication);
    GET(u->nmetrics);
    GET(u->nperiods);
    if (get_doubles(&p, end, (uint64_t)u->nmetrics * u->nperiods, &u->values) != 0)
        goto bad;
    GET(ne);
    if (ne > (uint64_t)(end - p) / EVENT_BYTES || !(u->events = calloc(ne + 1, sizeof *u->events)))
        goto bad;
    u->nevents = ne;
    for (size_t i = 0; i < ne; i++) {
        cr_event *e = &u->events[i];
        GET(e->cell);
        GET(e->replication);
        GET(e->period);
        GET(e->sme);
        GET(e->cause);
        GET(e->cascade);
        GET(e->round);
        GET(e->loan);
    }
    GET(nn);
    if (get_doubles(&p, end, nn, &u->net) != 0)
        goto bad;
    u->nnet = nn;
    GET(er);
    GET(dr);
    if (er > len || dr > len || get_doubles(&p, end, er * 3, &u->edges) != 0 ||
        get_doubles(&p, end, dr * 3, &u->degrees) != 0)
        goto bad;
    uint64_t np;
    GET(np);
    if (np != (uint64_t)(end - p) || (np && cr_zchunks_unpack(&u->panel, p, (size_t)np) != CR_OK))
        goto bad;
    u->has_panel = np > 0;
    u->edge_rows = er;
    u->degree_rows = dr;
    return CR_OK;
bad:
    cr_unitrec_free(u);
    return cr_diag_set(d, CR_EINPUT, "a unit record is damaged");
}
