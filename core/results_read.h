/* Reading a results file, format_version 1 (the layout is in core/results.h), for
 * `credere merge` and `run --resume`.
 *
 * cr_results_read_open checks the file once (credere format, format_version, the
 * shape of /progress/done, the dimension scales and every /metrics dataset) and
 * keeps it open read-only; the other functions then read one piece each. Metrics
 * are read one unit (cell, replication) at a time, so memory is bounded by one
 * unit however large the file. A damaged, truncated or foreign file is CR_EINPUT
 * with a message naming the file and what is wrong; nothing is printed (HDF5's
 * automatic error printing is off inside every function and restored on return).
 *
 * Not thread-safe: one thread uses a reader at a time (serial HDF5 is not
 * thread-safe either). Every function that fails leaves its outputs untouched.
 */
#ifndef CR_RESULTS_READ_H
#define CR_RESULTS_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/results.h"
#include "core/status.h"

typedef struct cr_results_reader cr_results_reader;

/* Opens the results file at path read-only and checks it: it must be an HDF5 file
 * whose root attribute format is "credere-results" and format_version is 1 (another
 * version: "format_version 2; this credere reads 1"), with an integer seed
 * attribute, a non-empty /progress/done [cell, replication], the scales /cell,
 * /replication and /period of matching lengths, and a /metrics group whose datasets
 * are all floating-point [cell, replication, period]. Any failure is CR_EINPUT
 * (CR_ENOMEM when memory runs out) with a message naming the file; *out is set only
 * on success. Reads /progress/done whole: O(cells x replications) bytes. */
cr_status cr_results_read_open(const char *path, cr_results_reader **out, cr_diag *d);

/* Closes the file and frees the reader; *r becomes NULL. Safe on NULL and *r NULL. */
void cr_results_read_close(cr_results_reader **r);

/* The root string attribute `name` (e.g. "config", "experiment", "status",
 * "history", "shard", "command_line"); "" when it is absent or not a string. The
 * text is owned by the reader and stays valid until cr_results_read_close. */
const char *cr_results_read_attr(cr_results_reader *r, const char *name);

/* The root `seed` attribute (checked by cr_results_read_open). */
uint64_t cr_results_read_seed(const cr_results_reader *r);

/* The shape of the file: cells, replications and periods (all >= 1). */
size_t cr_results_read_ncells(const cr_results_reader *r);
size_t cr_results_read_nreplications(const cr_results_reader *r);
size_t cr_results_read_nperiods(const cr_results_reader *r);

/* /progress/done as ncells * nreplications bytes, done[cell * nreplications +
 * replication] nonzero once that unit was written. Owned by the reader (valid until
 * close). */
const uint8_t *cr_results_read_done(const cr_results_reader *r);

/* Reads one unit: for each of the nmetrics names in the caller's table metrics (in
 * its order), the nperiods values of (cell, replication) into
 * values[m * nperiods + t]. A unit never written reads as NaN (the fill value).
 * A metric name missing from /metrics is CR_EINPUT naming it; cell or replication
 * out of range is CR_EINVAL. Reads one hyperslab (one chunk) per metric:
 * O(nmetrics x nperiods) time and memory. */
cr_status cr_results_read_unit(cr_results_reader *r, size_t cell, size_t replication,
                               size_t nmetrics, const cr_var_desc *metrics, double *values,
                               cr_diag *d);

/* Reads every row of /events/defaults in file order into *events (malloc'd, caller
 * frees; NULL when there are no rows) and their number into *n. A
 * file without the table has 0 rows. Fields as in cr_event (core/results.h); a
 * table without one of those fields is CR_EINPUT. O(rows) memory. */
cr_status cr_results_read_events(cr_results_reader *r, cr_event **events, size_t *n, cr_diag *d);

/* 1 when the object at path (absolute or from the root, e.g.
 * "/network/edges_replication_0" or "events/defaults"; "/" is the root group) exists,
 * else 0 (also for a NULL reader, a NULL or empty path, or a dangling link). */
int cr_results_read_has(cr_results_reader *r, const char *path);

/* Reads the float64 vector /group/name of shape [replication] (written by
 * cr_results_write_vectors) into values, the caller's array of nreplications.
 * Absent, or of another shape or type: CR_EINPUT naming it. group and name are
 * single path components (no '/'); else CR_EINVAL. */
cr_status cr_results_read_vector(cr_results_reader *r, const char *group, const char *name,
                                 double *values, cr_diag *d);

/* Reads the table /group/sub written by cr_results_write_table: the columns
 * cols[k].name (k < ncols, the caller's order) into *values, malloc'd and column-major
 * (values[k * nrows + row]; NULL when there are no values, caller frees), and the
 * number of rows into *nrows. Every column must be a 1-D floating-point dataset, all
 * of one length (that of the table's /group/sub/row scale when it has one; a table
 * without columns or scale has 0 rows); a missing table or column is CR_EINPUT
 * naming it. group and sub are single path components; else CR_EINVAL.
 * O(ncols x nrows) memory. */
cr_status cr_results_read_table(cr_results_reader *r, const char *group, const char *sub,
                                size_t ncols, const cr_var_desc *cols, double **values,
                                size_t *nrows, cr_diag *d);

/* ------------------------------------------------------------------ any dataset
 * For `credere plot` and other readers of /analysis and /design. A path is absolute
 * or from the root ("/analysis/summary/mean", "design/mode"). */

/* Reads the numeric (integer or floating-point) dataset at path, of rank 0 to 3, as
 * doubles: its extents into dims (dims[i] = 1 for i >= rank), its rank into *rank and
 * its values, row-major, into *values (malloc'd, at least one element, caller frees).
 * Missing: CR_EINPUT "no PATH"; strings, compounds or rank above 3: CR_EINPUT naming
 * it. O(elements) memory. */
cr_status cr_results_read_dataset(cr_results_reader *r, const char *path, size_t dims[3], int *rank,
                                  double **values, cr_diag *d);

/* Reads the 1-D string dataset at path (variable or fixed length) into *values: one
 * malloc'd block holding *n pointers followed by the strings, so that free(*values)
 * frees everything. Missing or not strings: CR_EINPUT naming it. */
cr_status cr_results_read_strings(cr_results_reader *r, const char *path, size_t *n, char ***values,
                                  cr_diag *d);

/* The string attribute `name` of the dataset or group at path ("/" for the root);
 * "" when the object or attribute is absent or not a string. Owned by the reader
 * (valid until cr_results_read_close). */
const char *cr_results_read_object_attr(cr_results_reader *r, const char *path, const char *name);

/* The numeric scalar attribute `name` of the object at path into *value: 1, or 0
 * (and *value untouched) when absent or not a number. */
int cr_results_read_number_attr(cr_results_reader *r, const char *path, const char *name,
                                double *value);

#endif
