/* The HDF5 results file, format_version 1 (ARCHITECTURE.md, docs/format.md).
 *
 *   /                 attributes: format = "credere-results", format_version = 1,
 *                     software_version, git_revision, compiler, compile_flags,
 *                     library_versions, created (UTC ISO 8601), host, command_line,
 *                     seed, threads, experiment, config (resolved YAML), status
 *   /cell, /replication, /period        dimension scales (0..n-1, int64)
 *   /design/mode      string [cell]
 *   /design/<param>   float64 [cell], one per varied parameter
 *   /metrics/<name>   float64 [cell, replication, period], shuffle+deflate,
 *                     chunked one unit (1, 1, periods) per chunk row
 *   /progress/done    uint8 [cell, replication]
 *
 * Every dataset has `units` and `long_name` attributes and its dimensions attached
 * to the scales, so xarray.open_dataset(path, group="metrics", engine="h5netcdf")
 * gives named dimensions. Only one thread writes (the writer is not thread-safe).
 * core does not know what the metrics mean: the caller passes their table.
 */
#ifndef CR_RESULTS_H
#define CR_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/status.h"
#include "core/zchunk.h"

#define CR_FORMAT_NAME "credere-results"
#define CR_FORMAT_VERSION 1

/* One output variable: dataset name, units and long_name attributes. */
typedef struct {
    const char *name;
    const char *units;
    const char *long_name;
} cr_var_desc;

/* An attribute: a string (text != NULL) or a float64 number. */
typedef struct {
    const char *name;
    const char *text;
    double number;
} cr_attr;

typedef struct {
    const char *path; /* output file */
    bool force;       /* replace an existing file (else CR_EEXIST) */
    /* provenance */
    const char *command_line; /* the full command line, shell-quoted */
    const char *config_yaml;  /* resolved experiment file */
    const char *experiment;   /* experiment.name */
    uint64_t seed;
    int threads;
    /* shape */
    size_t ncells, nreplications, nperiods;
    const char *const *cell_mode; /* [ncells] mode name of each cell */
    size_t nparams;               /* varied design parameters (0 for a plain mode list) */
    const cr_var_desc *params;    /* [nparams] names are dotted config paths */
    const double *param_values;   /* [ncells * nparams], row-major by cell */
    const cr_attr *param_attrs;   /* [nparams * nparam_attrs] on /design/<param> (name NULL:
                                     none), may be NULL */
    size_t nparam_attrs;
    const cr_attr *design_attrs; /* [ndesign_attrs] on /design, may be NULL */
    size_t ndesign_attrs;
    const char *history; /* root attribute `history`: how the file was assembled (may be NULL) */
    const char *shard;   /* root attribute `shard`: "I/N" for one shard's file ("" or NULL: all) */
    size_t nmetrics;
    const cr_var_desc *metrics; /* [nmetrics] */
    int compression;            /* deflate level 0-9 (0: no filters) */
} cr_results_spec;

typedef struct cr_results cr_results;

/* Creates the file (refusing to replace an existing one unless spec->force), writes
 * provenance, design, dimension scales, empty metric datasets (fill value NaN),
 * progress (all 0) and status = "running", and flushes. */
cr_status cr_results_create(const cr_results_spec *spec, cr_results **out, cr_diag *d);

/* Writes one completed unit: values[m * nperiods + t] for metric m and period t;
 * then marks /progress/done[cell, replication] = 1 (not flushed: close the file).
 * Testing hook: CREDERE_FAULT=assembly_write:N makes the N-th call of the process
 * fail (core/journal.h). */
cr_status cr_results_write_unit(cr_results *r, size_t cell, size_t replication,
                                const double *values, cr_diag *d);

/* Writes nvec float64 datasets /group/<vars[k].name> of shape [replication]
 * (attached to the replication scale, with units and long_name): values[k * R + r].
 * The group is created if needed. For per-replication outputs such as the
 * statistics of a replication's network (mode-independent). */
cr_status cr_results_write_vectors(cr_results *r, const char *group, size_t nvec,
                                   const cr_var_desc *vars, const double *values, cr_diag *d);

/* Writes a table /group/sub/ of nrows rows: one float64 column dataset per cols[k]
 * (values[k * nrows + row]) on the table's own dimension scale /group/sub/row. */
cr_status cr_results_write_table(cr_results *r, const char *group, const char *sub, size_t nrows,
                                 size_t ncols, const cr_var_desc *cols, const double *values,
                                 cr_diag *d);

/* One failure of an SME (the optional /events/defaults table). */
typedef struct {
    uint32_t cell, replication;
    int32_t period;
    uint32_t sme;
    uint8_t cause;    /* CR_CAUSE_* */
    uint32_t cascade; /* the root SME of its cascade (itself for a fundamental failure) */
    int32_t round;    /* round of calls in which it failed (0: fundamental) */
    double loan;      /* principal of its loan in default (0: it had none) */
} cr_event;

enum { CR_CAUSE_FUNDAMENTAL = 0, CR_CAUSE_STRATEGIC = 1, CR_CAUSE_CONTAGION = 2 };

/* Appends n events to /events/defaults (a chunked, compressed compound table
 * created on first use), setting their cell and replication. */
cr_status cr_results_append_events(cr_results *r, size_t cell, size_t replication, cr_event *events,
                                   size_t n, cr_diag *d);

/* Writes one unit's panel (output.panel): nvar variables vars, each [nt sampled
 * periods x nsme SMEs] in values[(v * nt + tp) * nsme + j]. The first call creates
 * /panel: /panel/period_sampled [nt], /panel/sme [nsme] (slots), and
 * /panel/<var> float64 [cell, replication, period_sampled, sme] (fill NaN, chunked
 * [1, 1, up to 64 sampled periods, up to 2048 SMEs] (core/zchunk.h), deflate at
 * output.compression without shuffle). Compresses with one thread. */
cr_status cr_results_write_panel(cr_results *r, size_t cell, size_t replication, size_t nvar,
                                 const cr_var_desc *vars, size_t nt, size_t nsme,
                                 const double *periods, const double *slots, const double *values,
                                 cr_diag *d);

/* The same, from chunks compressed by cr_zchunks_make (at the file's compression
 * level, of nvar x nt x nsme values): copied into the file as they are (H5Dwrite_chunk),
 * so compression happens where the unit ran, in parallel. */
cr_status cr_results_write_panel_chunks(cr_results *r, size_t cell, size_t replication, size_t nvar,
                                        const cr_var_desc *vars, size_t nt, size_t nsme,
                                        const double *periods, const double *slots,
                                        const cr_zchunks *z, cr_diag *d);

/* Reads one unit's panel back (credere merge), in the layout of
 * cr_results_write_panel; CR_EINPUT when /panel or a variable is missing or of
 * another shape. Opens the file for the call. */
cr_status cr_results_read_panel_unit(const char *path, size_t cell, size_t replication, size_t nvar,
                                     const cr_var_desc *vars, size_t nt, size_t nsme,
                                     double *values, cr_diag *d);

/* Sets the root `status` attribute ("running", "interrupted", "failed", "complete"). */
cr_status cr_results_set_status(cr_results *r, const char *status, cr_diag *d);

/* Closes the file and frees r; *r becomes NULL. Safe on NULL. Closing writes what
 * HDF5 still holds in its caches: a full disk shows here as CR_EIO, with the
 * system's error in the message. */
cr_status cr_results_close(cr_results **r, cr_diag *d);

/* Call before any other HDF5 call of the process (a later call does nothing): HDF5
 * then does not close its files again at exit. HDF5 1.10 crashes at exit when the
 * close of a file failed, as it does on a full disk, at a file-size limit or on a
 * damaged file whose metadata cannot be flushed, and this library closes every file
 * it opens. credere's main() calls it first, for every command. */
void cr_results_setup(void);

/* 1 when path is a credere results file with status "complete", else 0 (also when
 * it is missing or unreadable). The runner never replaces such a file with an
 * unfinished one. */
int cr_results_is_complete(const char *path);

/* Prints a human-readable summary of a results file: provenance attributes,
 * design (cells and their modes/parameters), metrics, and completion
 * (units done / total, status). A file that is not a credere results file, or
 * of another format_version, is CR_EINPUT with a message naming the file. */
cr_status cr_results_info(const char *path, FILE *out, cr_diag *d);

/* Library versions as one string, e.g. "HDF5 1.10.8, GSL 2.7.1, libfyaml 0.7.12, OpenMP 201511". */
void cr_library_versions(char *buf, size_t len);

#endif
