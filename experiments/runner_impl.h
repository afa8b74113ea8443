/* Internals of the batch runner, shared by runner.c (running units, the journal,
 * assembling the results file), merge.c (credere merge) and summary.c (the summary
 * table) and by nothing else; the public interface is runner.h. */
#ifndef CR_RUNNER_IMPL_H
#define CR_RUNNER_IMPL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/results.h"
#include "core/results_read.h"
#include "core/status.h"
#include "experiments/design.h"
#include "experiments/runner.h"
#include "experiments/unitrec.h"
#include "models/params.h"

/* ------------------------------------------------------------------ the run's state */

typedef struct {
    const cr_params *p;
    cr_design g;
    size_t ncells, nrep, periods, total; /* total: every unit of the design */
    size_t shard_index, shard_count;     /* 0-based index; count 1 without shards */
    const char **names;                  /* [ncells] mode of each cell */
    int net_out;
    char jpath[4096], tmppath[4096];
    char *identity;
    uint64_t *offset; /* [total] record offset in the journal; CR_I_NO_RECORD: not done */
    size_t ndone;     /* units of this shard in the journal */
    char *history;    /* the journal's notes, one per line */
    size_t hlen, hcap;
} cr_i_run_state;

#define CR_I_NO_RECORD UINT64_MAX

/* The design, the cells' modes and the journal's identity (out_path NULL: no
 * journal or temporary path). shard_count 0: every unit. */
cr_status cr_i_run_state_init(cr_i_run_state *R, const cr_params *p, const char *config_yaml,
                              const char *out_path, int shard_index, int shard_count, cr_diag *d);
void cr_i_run_state_free(cr_i_run_state *R);

/* Units of this process's shard. */
size_t cr_i_run_shard_units(const cr_i_run_state *R);

/* Appends one line to the provenance history (best effort: dropped when out of memory). */
void cr_i_run_history_add(cr_i_run_state *R, const char *line);

/* The time now as "YYYY-MM-DDTHH:MM:SSZ". */
void cr_i_run_utc_now(char *buf, size_t len);

/* Ignores SIGXFSZ, so that a write crossing `ulimit -f` fails with EFBIG instead of
 * killing the process; 1 when old holds the action to restore. */
int cr_i_run_xfsz_ignore(struct sigaction *old);

/* ------------------------------------------------------------------ assembling the file */

/* Where assembly gets a unit's record: 1 and *rec filled when the unit is done. */
typedef int (*cr_i_unit_source)(void *ctx, size_t unit, cr_unitrec *rec, cr_status *st, cr_diag *d);

enum {
    CR_I_ASM_ABORTABLE =
        1,                /* a stop request (SIGINT, SIGTERM) abandons the file: CR_EINTERRUPTED */
    CR_I_ASM_SUMMARY = 2, /* no file: only the summary */
};

/* Writes the results file from the done units, in canonical order, into
 * R->tmppath, and renames it to out_path. Fills the summary (also when the file is
 * abandoned: flags CR_I_ASM_*). */
cr_status cr_i_run_assemble(cr_i_run_state *R, const char *out_path, const char *command_line,
                            const char *config_yaml, int threads, const char *status,
                            const char *shard, cr_i_unit_source src, void *src_ctx,
                            cr_run_summary *sum, cr_diag *d, int flags);

/* The columns of /network/edges_replication_0 and /network/degrees_replication_0. */
extern const cr_var_desc cr_i_run_edge_cols[3];
extern const cr_var_desc cr_i_run_degree_cols[3];

/* A unit source reading the units of a results file (a finished run resumed, a part
 * of a merge): ctx is a cr_i_run_file_src. Metrics only. */
typedef struct {
    cr_i_run_state *R;
    cr_results_reader *rd;
} cr_i_run_file_src;
int cr_i_run_file_source(void *ctx, size_t u, cr_unitrec *rec, cr_status *st, cr_diag *d);

/* Checks that a results file holds this experiment's design. */
cr_status cr_i_run_same_experiment(const cr_i_run_state *R, cr_results_reader *rd, const char *path,
                                   const char *config_yaml, cr_diag *d);

/* ------------------------------------------------------------------ the summary */

/* Allocates the summary of R's cells and the Welford sums *m2. */
cr_status cr_i_run_summary_init(cr_run_summary *sum, const cr_i_run_state *R, double **m2,
                                cr_diag *d);
/* Adds one unit's post-burn-in averages to its cell. */
void cr_i_run_summary_add(cr_run_summary *s, double *m2, size_t cell, const double *values,
                          size_t periods, size_t burn_in);
/* Standard deviations and the smallest replication count; frees m2. */
void cr_i_run_summary_finish(cr_run_summary *sum, const cr_i_run_state *R, double *m2);

#endif
