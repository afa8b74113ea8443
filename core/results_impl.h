/* Internals of the results module, shared by results.c (the writer),
 * results_info.c (the `info` reader) and results_read.c (the reader of merge and
 * resume) and by nothing else; the public interfaces are results.h and
 * results_read.h.
 *
 * Every public function switches HDF5's automatic error printing off on entry
 * (cr_i_results_quiet_begin) and restores it on return (cr_i_results_quiet_end);
 * failures are recorded in a cr_i_results_ctx with the innermost message of the
 * HDF5 error stack.
 */
#ifndef CR_RESULTS_IMPL_H
#define CR_RESULTS_IMPL_H

#include <hdf5.h>

#include "core/status.h"

/* Saved automatic error printing of the default stack. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} cr_i_results_quiet;

/* Switches automatic error printing of the default stack off; returns what it was. */
cr_i_results_quiet cr_i_results_quiet_begin(void);

/* Restores the error printing saved by cr_i_results_quiet_begin. */
void cr_i_results_quiet_end(cr_i_results_quiet q);

/* Failure context of one public call: the first failure is recorded, later ones
 * (often consequences of the first) are ignored. */
typedef struct {
    const char *path;
    cr_diag *d;
    cr_status status;
} cr_i_results_ctx;

/* Records an HDF5 failure "PATH: WHAT: innermost HDF5 message" with status s,
 * unless c already holds a failure. Call it right after the failing HDF5 call:
 * every HDF5 API call clears the error stack. */
void cr_i_results_note_h5(cr_i_results_ctx *c, cr_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Defined in results_info.c, used by the readers: a string attribute (variable or
 * fixed length, one element) as a malloc'd string, NULL when missing or not a
 * string; a scalar integer attribute read as mtype (H5T_NATIVE_LLONG or _ULLONG),
 * 0 if ok. */
char *cr_i_results_str_attr(hid_t obj, const char *name);
int cr_i_results_int_attr(hid_t obj, const char *name, hid_t mtype, void *out);

/* Defined in results.c: a scalar string attribute written (created or overwritten)
 * and a scalar numeric attribute created; 0 if ok (no message: callers report). */
int cr_i_results_write_str_attr(hid_t obj, const char *name, const char *value);
int cr_i_results_write_num_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                                const void *value);

/* Names of the links of a group, in name order (results_info.c): an H5Literate
 * callback appending each name (strdup) to a cr_i_results_names, leaving out `skip`. */
typedef struct {
    char **names;
    size_t n, cap;
    const char *skip; /* a name to leave out, or NULL */
} cr_i_results_names;

herr_t cr_i_results_collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data);

#endif
