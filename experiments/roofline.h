/* The roofline reference of the benchmarks (bench/README.md): only the unavoidable
 * work of an SME-period, with the same threads as the model.
 *
 * Per SME and period it derives the same number of random streams from per-period
 * key prefixes (cr_rng_stream_at, as every agent stream of the model), takes the
 * same number of raw 64-bit PCG64-DXSM outputs (inline: the least a draw can cost),
 * and reads and writes the same number of bytes of state held as structure of
 * arrays (each byte read and written once per period), block by block with an
 * OpenMP static schedule over blocks of the model's size. Fractional counts
 * (3.4 streams per SME-period) are spread deterministically over the SMEs: SME i
 * does floor((i + 1) s) - floor(i s). A scenario's speed divided by the
 * roofline's, measured in the same run, is the same kind of number on any
 * machine. */
#ifndef CR_ROOFLINE_H
#define CR_ROOFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct {
    size_t smes;
    int periods;      /* per replication */
    int replications; /* worlds: one after another (agents), or several at once (units) */
    int threads;
    int units;    /* 1: replications in parallel, one thread and one world each; 0: every
                     world's blocks spread over the threads */
    size_t block; /* SMEs per block; 0: CR_BLOCK */
    double streams_per_sme_period;
    double draws_per_sme_period;
    size_t bytes_per_sme; /* state read and written per SME and period */
} cr_roofline_opts;

typedef struct {
    double seconds;             /* the periods only (allocation and first touch excluded) */
    double sme_periods_per_sec; /* smes x periods x replications / seconds */
    double ns_per_sme_period;   /* per thread: threads x seconds / SME-periods x 1e9 */
    uint64_t streams, draws;    /* what was done */
    uint64_t checksum;          /* of the partial sums and the final state: print it */
} cr_roofline_result;

/* Runs the reference and measures it. CR_EINVAL (with a message) on bad options,
 * CR_ENOMEM when the state cannot be allocated (smes x bytes_per_sme bytes, per
 * thread with units). Cost: the work it stands for, by construction. */
cr_status cr_roofline_run(const cr_roofline_opts *o, cr_roofline_result *r, cr_diag *d);

#endif
