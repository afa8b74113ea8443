#include "core/zchunk.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

void cr_zchunk_shape(size_t nt, size_t nu, size_t *ct, size_t *cu)
{
    *ct = nt < CR_ZCHUNK_MAX_PERIODS ? nt : CR_ZCHUNK_MAX_PERIODS;
    *cu = nu < CR_ZCHUNK_UNITS ? nu : CR_ZCHUNK_UNITS;
    if (*ct == 0)
        *ct = 1;
    if (*cu == 0)
        *cu = 1;
}

size_t cr_zchunks_count(const cr_zchunks *z)
{
    return z->nvar * z->nct * z->ncu;
}

void cr_zchunks_free(cr_zchunks *z)
{
    free(z->off);
    free(z->mask);
    free(z->buf);
    memset(z, 0, sizeof *z);
}

static void set_shape(cr_zchunks *z, size_t nvar, size_t nt, size_t nu, int level)
{
    z->nvar = nvar;
    z->nt = nt;
    z->nu = nu;
    z->level = level;
    cr_zchunk_shape(nt, nu, &z->ct, &z->cu);
    z->nct = (nt + z->ct - 1) / z->ct;
    z->ncu = (nu + z->cu - 1) / z->cu;
}

/* Copies chunk k of values into tile [ct][cu], padding outside the block. */
static void gather(const cr_zchunks *z, const double *values, size_t k, double fill, double *tile)
{
    size_t v = k / (z->nct * z->ncu), rest = k % (z->nct * z->ncu);
    size_t t0 = (rest / z->ncu) * z->ct, u0 = (rest % z->ncu) * z->cu;
    for (size_t t = 0; t < z->ct; t++) {
        double *row = tile + t * z->cu;
        if (t0 + t >= z->nt) {
            for (size_t u = 0; u < z->cu; u++)
                row[u] = fill;
            continue;
        }
        const double *src = values + (v * z->nt + t0 + t) * z->nu + u0;
        size_t n = u0 + z->cu <= z->nu ? z->cu : z->nu - u0;
        memcpy(row, src, n * sizeof *row);
        for (size_t u = n; u < z->cu; u++)
            row[u] = fill;
    }
}

cr_status cr_zchunks_make(cr_zchunks *z, const double *values, size_t nvar, size_t nt, size_t nu,
                          int level, double fill, int threads)
{
    memset(z, 0, sizeof *z);
    set_shape(z, nvar, nt, nu, level);
    const size_t nk = cr_zchunks_count(z), raw = z->ct * z->cu * sizeof(double);
    unsigned char **part = calloc(nk ? nk : 1, sizeof *part);
    uint64_t *len = calloc(nk ? nk : 1, sizeof *len);
    z->off = malloc((nk + 1) * sizeof *z->off);
    z->mask = calloc(nk ? nk : 1, sizeof *z->mask);
    int failed = !part || !len || !z->off || !z->mask;
    if (!failed) {
#pragma omp parallel for num_threads(threads > 0 ? threads : 1) schedule(dynamic)                  \
    reduction(|                                                                                    \
              : failed) default(none) shared(z, values, part, len, nk, raw, fill, level)
        for (size_t k = 0; k < nk; k++) {
            double *tile = malloc(raw);
            uLongf cap = compressBound((uLong)raw);
            unsigned char *out = level > 0 ? malloc(cap) : NULL;
            if (!tile || (level > 0 && !out)) {
                free(tile);
                free(out);
                failed = 1;
                continue;
            }
            gather(z, values, k, fill, tile);
            /* as HDF5's deflate filter (1.10): compress2 into a compressBound buffer,
             * kept even when it does not shrink */
            if (level > 0) {
                if (compress2(out, &cap, (const Bytef *)tile, (uLong)raw, level) != Z_OK)
                    failed = 1;
                len[k] = cap;
                free(tile);
            } else {
                out = (unsigned char *)tile;
                len[k] = raw;
            }
            part[k] = out;
        }
    }
    uint64_t total = 0;
    if (!failed) {
        for (size_t k = 0; k < nk; k++) {
            z->off[k] = total;
            total += len[k];
        }
        z->off[nk] = total;
        z->buf = malloc(total ? total : 1);
        failed = !z->buf;
    }
    if (!failed)
        for (size_t k = 0; k < nk; k++)
            memcpy(z->buf + z->off[k], part[k], len[k]);
    for (size_t k = 0; part && k < nk; k++)
        free(part[k]);
    free(part);
    free(len);
    if (failed) {
        cr_zchunks_free(z);
        return CR_ENOMEM;
    }
    return CR_OK;
}

cr_status cr_zchunks_expand(const cr_zchunks *z, double *values)
{
    const size_t nk = cr_zchunks_count(z), raw = z->ct * z->cu * sizeof(double);
    double *tile = malloc(raw);
    if (!tile)
        return CR_ENOMEM;
    cr_status st = CR_OK;
    for (size_t k = 0; k < nk && st == CR_OK; k++) {
        uLongf n = (uLongf)raw;
        const unsigned char *src = z->buf + z->off[k];
        uint64_t len = z->off[k + 1] - z->off[k];
        if (z->level > 0 && !(z->mask[k] & 1u)) {
            if (uncompress((Bytef *)tile, &n, src, (uLong)len) != Z_OK || n != raw)
                st = CR_EINPUT;
        } else if (len == raw) {
            memcpy(tile, src, raw);
        } else {
            st = CR_EINPUT;
        }
        if (st != CR_OK)
            break;
        size_t v = k / (z->nct * z->ncu), rest = k % (z->nct * z->ncu);
        size_t t0 = (rest / z->ncu) * z->ct, u0 = (rest % z->ncu) * z->cu;
        for (size_t t = 0; t < z->ct && t0 + t < z->nt; t++) {
            size_t m = u0 + z->cu <= z->nu ? z->cu : z->nu - u0;
            memcpy(values + (v * z->nt + t0 + t) * z->nu + u0, tile + t * z->cu, m * sizeof *tile);
        }
    }
    free(tile);
    return st;
}

/* header: nvar, nt, nu, level; then off[nk + 1], mask[nk], buf */
size_t cr_zchunks_packed_size(const cr_zchunks *z)
{
    size_t nk = cr_zchunks_count(z);
    return 4 * 8 + (nk + 1) * 8 + nk * 4 + (size_t)(z->off ? z->off[nk] : 0);
}

unsigned char *cr_zchunks_pack(const cr_zchunks *z, unsigned char *p)
{
    uint64_t h[4] = {z->nvar, z->nt, z->nu, (uint64_t)z->level};
    size_t nk = cr_zchunks_count(z);
    memcpy(p, h, sizeof h);
    p += sizeof h;
    memcpy(p, z->off, (nk + 1) * 8);
    p += (nk + 1) * 8;
    memcpy(p, z->mask, nk * 4);
    p += nk * 4;
    memcpy(p, z->buf, z->off[nk]);
    return p + z->off[nk];
}

cr_status cr_zchunks_unpack(cr_zchunks *z, const unsigned char *p, size_t len)
{
    memset(z, 0, sizeof *z);
    uint64_t h[4];
    if (len < sizeof h)
        return CR_EINPUT;
    memcpy(h, p, sizeof h);
    if (h[3] > 9 || h[0] > 1000 || h[1] > ((uint64_t)1 << 32) || h[2] > ((uint64_t)1 << 40))
        return CR_EINPUT;
    set_shape(z, (size_t)h[0], (size_t)h[1], (size_t)h[2], (int)h[3]);
    size_t nk = cr_zchunks_count(z);
    size_t need = sizeof h + (nk + 1) * 8 + nk * 4;
    if (nk > len || need > len)
        return CR_EINPUT;
    z->off = malloc((nk + 1) * 8);
    z->mask = malloc(nk ? nk * 4 : 1);
    if (!z->off || !z->mask) {
        cr_zchunks_free(z);
        return CR_ENOMEM;
    }
    memcpy(z->off, p + sizeof h, (nk + 1) * 8);
    memcpy(z->mask, p + sizeof h + (nk + 1) * 8, nk * 4);
    int ok = z->off[0] == 0 && z->off[nk] == len - need;
    for (size_t k = 0; ok && k < nk; k++)
        ok = z->off[k] <= z->off[k + 1];
    z->buf = ok ? malloc(z->off[nk] ? z->off[nk] : 1) : NULL;
    if (!z->buf) {
        cr_zchunks_free(z);
        return ok ? CR_ENOMEM : CR_EINPUT;
    }
    memcpy(z->buf, p + need, z->off[nk]);
    return CR_OK;
}
