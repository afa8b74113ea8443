/* In-memory benchmark of the simulation loop (no output file): `credere bench`. */
#ifndef CR_BENCH_H
#define CR_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"
#include "models/params.h"

typedef struct {
    const char *mode;
    size_t smes;
    int periods, threads, replications;
    double seconds;             /* wall time of the units (world set-up excluded) */
    double sme_periods_per_sec; /* smes x periods x replications / seconds */
    double ns_per_sme_period;   /* per thread: threads x seconds / SME-periods x 1e9 */
    size_t bytes_per_sme;       /* bytes of SME state (world and behaviour) */
    double peak_rss_mb;         /* peak resident memory of the process so far */
} cr_bench_result;

/* Runs `replications` units of `mode` with parameters p (smes and periods taken
 * from p) on `threads` threads and measures them. */
cr_status cr_bench_run(const cr_params *p, const char *mode, int threads, cr_bench_result *r,
                       cr_diag *d);

void cr_bench_print_header(FILE *out);
void cr_bench_print_row(const cr_bench_result *r, FILE *out);

#endif
