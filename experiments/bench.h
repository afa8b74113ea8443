/* Benchmarks of the simulation (`credere bench`, bench/README.md): a scenario timed
 * in memory, optionally also through the batch runner with its results file (the
 * output's share of the run), with the random streams and draws it used counted,
 * and its speed as a fraction of the roofline reference (experiments/roofline.h)
 * measured in the same run. */
#ifndef CR_BENCH_H
#define CR_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/status.h"
#include "models/params.h"

/* A named scenario: a financing mode plus experiment-file overrides. */
typedef struct {
    const char *name;
    const char *mode;
    const char *const *sets; /* "dotted.key=value", NULL-terminated */
    const char *description;
} cr_bench_scenario;

/* The scenario `name`: direct, alliance or stress (the alliance with guarantee
 * circles carrying contagion and every strategic behaviour), or any financing mode
 * by its name (no overrides). 0 when found, -1 otherwise. */
int cr_bench_scenario_get(const char *name, cr_bench_scenario *out);

/* The named scenarios, NULL-terminated. */
const cr_bench_scenario *const *cr_bench_scenarios(void);

enum {
    CR_BENCH_OUTPUT_NONE = 0, /* in memory only */
    CR_BENCH_OUTPUT_METRICS,  /* also `credere run` with its results file (metrics) */
    CR_BENCH_OUTPUT_PANEL,    /* the same, the parameters asking for a panel */
};

typedef struct {
    const cr_params *params; /* smes, periods, replications; modes must hold mode */
    const char *scenario;    /* its name in the table */
    const char *mode;
    int threads;
    int parallel;            /* CR_PARALLEL_AGENTS, _UNITS or _AUTO (experiments/runner.h) */
    int output;              /* CR_BENCH_OUTPUT_* */
    const char *config_yaml; /* the resolved experiment file (output runs) */
    bool roofline;           /* measure the roofline reference too */
} cr_bench_opts;

typedef struct {
    const char *scenario, *mode;
    size_t smes;
    int periods, threads, replications;
    int parallel;               /* the choice made: CR_PARALLEL_AGENTS or _UNITS */
    int output;                 /* CR_BENCH_OUTPUT_* */
    double seconds;             /* in memory: the units (set-up excluded); with output: the
                                   whole run of the batch runner */
    double sme_periods_per_sec; /* smes x periods x replications / seconds */
    double ns_per_sme_period;   /* per thread: threads x seconds / SME-periods x 1e9 */
    size_t bytes_per_sme;       /* bytes of SME state (world and behaviour) */
    double peak_rss_mb;         /* peak resident memory of the process so far */
    size_t block;               /* SMEs per block of the sweeps */
    double streams_per_sme_period, draws_per_sme_period; /* counted in memory */
    double setup_seconds;     /* in memory: creating the model(s), before the units */
    double memory_seconds;    /* in memory: set-up and units */
    double output_share;      /* 1 - memory_seconds / seconds with output; NAN without */
    double roofline_rate;     /* roofline SME-periods/s; NAN when not measured */
    double roofline_fraction; /* sme_periods_per_sec / roofline_rate; NAN when not measured */
} cr_bench_result;

/* Runs the scenario and measures it: the units in memory (counting streams and
 * draws), then, with output, the same experiment through cr_run_experiment into a
 * temporary directory ($TMPDIR or /tmp; removed afterwards; the in-memory
 * reference then runs without a panel), then the roofline with the counts
 * measured. */
cr_status cr_bench_run(const cr_bench_opts *o, cr_bench_result *r, cr_diag *d);

void cr_bench_print_header(FILE *out);
void cr_bench_print_row(const cr_bench_result *r, FILE *out);

#endif
