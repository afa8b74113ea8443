/* The batch runner: the (cell, replication) units of an experiment's design, spread
 * over OpenMP threads (several units at once when worlds are small, or one unit at a
 * time with its agents spread over the threads), MPI ranks and shards.
 *
 * Never losing work: every finished unit is appended to the run's journal
 * (OUT.h5.journal, core/journal.h) the moment it is done; the results file is
 * assembled from the journal in the canonical unit order (cell-major) when the run
 * ends or is interrupted, written to OUT.h5.tmp and renamed over OUT.h5. A kill at
 * any instant loses at most the units in flight; --resume continues from the
 * journal, with any thread or rank count, and the finished file's datasets are the
 * same bits as an uninterrupted run's. */
#ifndef CR_RUNNER_H
#define CR_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/status.h"
#include "models/params.h"

typedef struct {
    const cr_params *params;
    const char *config_yaml;  /* resolved experiment file (stored in the output) */
    const char *command_line; /* stored in the output */
    const char *out_path;
    bool force;
    bool resume;                  /* continue an interrupted or killed run of the same experiment */
    int threads;                  /* OpenMP threads of this process */
    int parallel;                 /* CR_PARALLEL_*: how the threads are used */
    int shard_index, shard_count; /* this process runs units u with u mod count = index - 1;
                                     0 and 0: every unit */
    FILE *progress;               /* NULL: no progress report */
} cr_run_opts;

enum {
    CR_PARALLEL_AUTO = 0, /* units when worlds are small and units many, else agents */
    CR_PARALLEL_UNITS,    /* one unit per thread, several at once */
    CR_PARALLEL_AGENTS,   /* one unit at a time, its agents over the threads */
};

/* The automatic choice: units in parallel when a world has at most this many SMEs
 * and there are at least two units per thread. */
#define CR_PARALLEL_UNITS_MAX_SMES 50000

/* Per cell and metric: mean and standard deviation over replications of the
 * post-burn-in average of the metric. */
typedef struct {
    size_t ncells, nmetrics;
    size_t nreplications;     /* replications completed in every cell (the fewest) */
    size_t nreplications_max; /* in the cell with the most (a shard, an unfinished run) */
    const char **cell_mode;   /* [ncells], into mode_text */
    char *mode_text;
    double *mean; /* [cell * nmetrics + metric] */
    double *sd;
    size_t *n;    /* replications seen per cell */
    double level; /* of the printed intervals; 0: 0.95 */
    double seconds;
    double sme_periods;
    size_t units_done, units_total; /* of this shard */
    int rank;                       /* MPI rank (only rank 0 has the summary) */
    int parallel;                   /* the choice made: CR_PARALLEL_UNITS or _AGENTS */
} cr_run_summary;

/* Runs the experiment. CR_EINTERRUPTED when cr_runner_request_stop was called
 * (units in flight are dropped, completed units are saved; the file's status is
 * "interrupted" and --resume continues). With opts->resume, a run whose file is
 * complete is not run again (its summary is read back). */
cr_status cr_run_experiment(const cr_run_opts *opts, cr_run_summary *summary, cr_diag *d);

void cr_run_summary_free(cr_run_summary *s);

/* Stitches shard files of one experiment into one results file (credere merge):
 * checks that they share the experiment (resolved configuration and seed) and that
 * every unit is present in exactly one of them; the datasets of the merged file are
 * the same bits as those of a single run. Nothing is written on a bad input
 * (CR_EINPUT / CR_ECONFIG, exit status 2). */
cr_status cr_merge_files(const char *const *parts, size_t nparts, const char *out_path, bool force,
                         const char *command_line, cr_run_summary *summary, cr_diag *d);

/* The journal path of an output file (OUT.h5.journal) into buf. */
void cr_run_journal_path(const char *out_path, char *buf, size_t len);

/* Prints the summary table: one row per cell, selected metrics as
 * mean ± half-width of the 95 % confidence interval over replications. */
void cr_run_summary_print(const cr_run_summary *s, FILE *out);

/* Asks a running experiment to stop after the units in flight (async-signal-safe). */
void cr_runner_request_stop(void);

#endif
