/* credere analyze: a results file turned into the numbers of a thesis table.
 *
 * For every cell and metric the post-burn-in average of each replication is the
 * observation (as in the run's summary). analyze writes to /analysis in the file
 * (replacing an earlier analysis; docs/format.md) and, with a CSV directory, tidy
 * long tables for R, Stata or pandas:
 *
 *   summary    per cell and metric: n, mean, sd, 95 % CI of the mean (t), quantiles
 *   paired     per cell and metric: the difference from the same design point in
 *              the reference mode, replication by replication (common random
 *              numbers), its CI, and the variance reduction of pairing
 *   sobol      Saltelli designs: first-order (Saltelli 2010) and total (Jansen)
 *              indices per mode, parameter and metric on the points' replication
 *              means, percentile bootstrap intervals, and the share of the
 *              variance of point means that is replication noise
 *   morris     Morris designs: mu, mu* and sigma of the elementary effects
 *   cascades   with /events: the distribution of cascade sizes per cell (CCDF)
 *
 * Only completed units are used; an incomplete file is analysed with a warning.
 * Memory: the replication averages (cells x replications x metrics doubles) and
 * one cell's raw values at a time. */
#ifndef CR_ANALYZE_H
#define CR_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

typedef struct {
    const char *path;      /* results file (opened read-write for /analysis) */
    const char *reference; /* reference mode of paired differences (NULL: the first) */
    const char *csv_dir;   /* NULL: no CSV */
    bool force;            /* replace existing CSV files */
    double level;          /* confidence level, e.g. 0.95 */
    size_t bootstrap;      /* bootstrap resamples of the Sobol intervals */
    FILE *out;             /* the printed tables (NULL: none) */
    FILE *warn;            /* warnings (NULL: none) */
} cr_analyze_opts;

cr_status cr_analyze(const cr_analyze_opts *o, cr_diag *d);

#endif
