/* Pre-compressed chunks of a [variable][period][unit] block of doubles, for HDF5
 * datasets written with H5Dwrite_chunk (the panel, models/panel.h).
 *
 * A unit's panel is hundreds of megabytes at 10^6 SMEs: compressing it inside
 * H5Dwrite (one thread, in the writer) dominated the run. Here the chunks are
 * compressed in parallel (OpenMP over chunks) by the thread that finished the
 * unit, stored compressed in the run journal, and copied into the file as they are.
 * The bytes are exactly what HDF5's deflate filter writes (zlib compress2 at the
 * same level into a compressBound buffer; checked against H5Dread_chunk in
 * tests/test_zchunk.c), so any HDF5 reader decompresses them. A chunk spans up
 * to CR_ZCHUNK_MAX_PERIODS sampled periods of CR_ZCHUNK_UNITS consecutive units: a
 * value unchanged since the previous period is CR_ZCHUNK_UNITS * 8 bytes back,
 * inside deflate's 32 KiB window, and compresses to almost nothing (a panel
 * variable that rarely changes shrinks about tenfold, at 3-5 times the speed of
 * one-period chunks). The output is the same at any thread count. */
#ifndef CR_ZCHUNK_H
#define CR_ZCHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CR_ZCHUNK_UNITS 2048
#define CR_ZCHUNK_MAX_PERIODS 64

typedef struct {
    size_t nvar, nt, nu; /* variables, periods, units of the block */
    size_t ct, cu;       /* chunk extent: periods, units */
    size_t nct, ncu;     /* chunks along periods and units, per variable */
    int level;           /* deflate level, 0 = stored raw (no filter) */
    uint64_t *off;       /* [nchunks + 1] byte offsets into buf */
    uint32_t *mask;      /* [nchunks] HDF5 filter mask of each chunk */
    unsigned char *buf;  /* the chunks, in order (variable, period block, unit block) */
} cr_zchunks;

/* The chunk extent used for nt periods of nu units (also the dataset's chunk). */
void cr_zchunk_shape(size_t nt, size_t nu, size_t *ct, size_t *cu);

/* Compresses values [nvar][nt][nu] (row-major) at deflate `level` (0-9) with up to
 * `threads` threads. Edge chunks are padded with `fill`. */
cr_status cr_zchunks_make(cr_zchunks *z, const double *values, size_t nvar, size_t nt, size_t nu,
                          int level, double fill, int threads);

/* Number of chunks, and chunk k's bytes. */
size_t cr_zchunks_count(const cr_zchunks *z);

/* The inverse (for checks and readers of the journal): decompresses every chunk into
 * values [nvar][nt][nu]. */
cr_status cr_zchunks_expand(const cr_zchunks *z, double *values);

/* Serialised size, and (de)serialisation into a byte buffer (little-endian hosts:
 * the journal's own convention). cr_zchunks_unpack copies. */
size_t cr_zchunks_packed_size(const cr_zchunks *z);
unsigned char *cr_zchunks_pack(const cr_zchunks *z, unsigned char *p);
cr_status cr_zchunks_unpack(cr_zchunks *z, const unsigned char *p, size_t len);

void cr_zchunks_free(cr_zchunks *z);

#endif
