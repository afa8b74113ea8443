/* Internals of the results module, shared by results.c (the writer),
 * results_extra.c (the writer's optional parts), results_check.c (the readers'
 * checks), results_info.c (the `info` reader) and results_read.c (the reader of
 * merge and resume) and by nothing else; the public interfaces are results.h and
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

#include "core/results.h"
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

/* An open results file being written (results.c creates it; results_extra.c writes
 * its optional parts). */
struct cr_results {
    char *path;
    hid_t file;
    hid_t events; /* /events/defaults, created on the first append (-1 before) */
    hsize_t nevents;
    hid_t done;    /* /progress/done */
    hid_t *metric; /* [nmetrics] /metrics/<name> */
    size_t ncells, nreplications, nperiods, nmetrics;
    int compression;
};

/* Defined in results.c, shared with results_extra.c: whether a dataset name is
 * unusable (empty, with '/', or "."); a group /name; a dimension scale /name of n
 * int64 values 0..n-1; group/name of the given shape, type and creation properties
 * with the scales attached (scales NULL: none) and its units and long_name; a
 * string attribute. On failure they record it in c and return -1. */
int cr_i_results_bad_name(const char *name);
hid_t cr_i_results_make_group(cr_i_results_ctx *c, hid_t file, const char *name);
hid_t cr_i_results_make_scale(cr_i_results_ctx *c, hid_t file, const char *name, size_t n,
                              const char *long_name);
hid_t cr_i_results_make_dataset(cr_i_results_ctx *c, hid_t group, const char *gname,
                                const char *name, hid_t ftype, int rank, const hsize_t *dims,
                                hid_t dcpl, const hid_t *scales, const char *units,
                                const char *long_name);
int cr_i_results_put_str_attr(cr_i_results_ctx *c, hid_t obj, const char *name, const char *value);

/* Defined in results_check.c, used by the readers (results_read.c): whether s is one
 * component of an HDF5 path (non-empty, no '/', not "." or ".."); "/a/b/c" as a
 * malloc'd string (a, b NULL: left out); whether the object at path exists, each
 * link on the way checked (H5Lexists fails, rather than answering 0, when a group
 * before the last component is missing); a type class in words; "[2, 3, 4]". */
int cr_i_results_good_component(const char *s);
char *cr_i_results_join3(const char *a, const char *b, const char *c);
int cr_i_results_path_exists(hid_t file, const char *path);
const char *cr_i_results_class_text(H5T_class_t cls);
void cr_i_results_dims_text(char *buf, size_t len, int rank, const hsize_t *dims);

/* Opens the dataset at path (from the root; the caller has checked that it exists):
 * it must hold values of class cls (H5T_NO_CLASS: any) in `rank` dimensions, of
 * extents exactly want[] unless want is NULL; its extents go to dims. Failures are
 * noted in c as a damaged file. open_required also notes "no PATH" when it is
 * missing. */
hid_t cr_i_results_open_checked(cr_i_results_ctx *c, hid_t file, const char *path, H5T_class_t cls,
                                int rank, const hsize_t *want, hsize_t *dims);
hid_t cr_i_results_open_required(cr_i_results_ctx *c, hid_t file, const char *path, H5T_class_t cls,
                                 int rank, const hsize_t *want, hsize_t *dims);

/* a * b, or 0 with *overflow set when it does not fit in a size_t. */
size_t cr_i_results_mul_size(size_t a, size_t b, int *overflow);

/* "PATH: out of memory", CR_ENOMEM. */
cr_status cr_i_results_out_of_memory(const char *path, cr_diag *d);

#endif
