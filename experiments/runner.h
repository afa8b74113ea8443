/* The batch runner: every (cell, replication) unit of an experiment, one after the
 * other (OpenMP inside each unit over agents), each written to the results file as
 * soon as it is done, with a progress report and a summary. */
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
    int threads;
    FILE *progress; /* NULL: no progress report */
} cr_run_opts;

/* Per cell and metric: mean and standard deviation over replications of the
 * post-burn-in average of the metric. */
typedef struct {
    size_t ncells, nmetrics, nreplications; /* replications completed in every cell */
    const char **cell_mode;                 /* [ncells] */
    double *mean;                           /* [cell * nmetrics + metric] */
    double *sd;
    size_t *n; /* replications seen per cell */
    double seconds;
    double sme_periods;
} cr_run_summary;

/* Runs the experiment. CR_EINTERRUPTED when cr_runner_request_stop was called
 * (completed units are saved; the file's status is "interrupted"). */
cr_status cr_run_experiment(const cr_run_opts *opts, cr_run_summary *summary, cr_diag *d);

void cr_run_summary_free(cr_run_summary *s);

/* Prints the summary table: one row per cell, selected metrics as
 * mean ± half-width of the 95 % confidence interval over replications. */
void cr_run_summary_print(const cr_run_summary *s, FILE *out);

/* Asks a running experiment to stop after the units in flight (async-signal-safe). */
void cr_runner_request_stop(void);

#endif
