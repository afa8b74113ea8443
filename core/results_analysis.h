/* Writing /analysis into an existing results file (credere analyze): the group is
 * replaced as a whole; nothing else in the file is touched. Datasets are float64
 * (or strings) with `units`, `long_name` and `dims` (the names of their dimensions,
 * comma-separated, e.g. "cell,metric") attributes. */
#ifndef CR_RESULTS_ANALYSIS_H
#define CR_RESULTS_ANALYSIS_H

#include <stddef.h>

#include "core/results.h"
#include "core/status.h"

typedef struct cr_analysis_file cr_analysis_file;

/* Opens path read-write, deletes /analysis if present and creates it empty. */
cr_status cr_analysis_open(const char *path, cr_analysis_file **out, cr_diag *d);

/* /analysis/<group>/<name>: float64 of rank 1-3 (dims[rank]), compressed when
 * large. The group (one level, may be "" for /analysis itself) is created on use. */
cr_status cr_analysis_put(cr_analysis_file *a, const char *group, const char *name, int rank,
                          const size_t *dims, const char *dimnames, const double *values,
                          const char *units, const char *long_name, cr_diag *d);

/* /analysis/<group>/<name>: n variable-length strings. */
cr_status cr_analysis_put_strings(cr_analysis_file *a, const char *group, const char *name,
                                  size_t n, const char *const *values, const char *long_name,
                                  cr_diag *d);

/* Attributes on /analysis/<group> ("" for /analysis). */
cr_status cr_analysis_attrs(cr_analysis_file *a, const char *group, const cr_attr *attrs, size_t n,
                            cr_diag *d);

/* Flushes and closes; *a becomes NULL. Safe on NULL. */
cr_status cr_analysis_close(cr_analysis_file **a, cr_diag *d);

#endif
