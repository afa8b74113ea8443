/* The HDF5 results file, format_version 1: the writer (the `info` reader is in
 * results_info.c; shared internals in results_impl.h).
 *
 * Layout (see results.h): the dimension scales /cell, /replication and /period live
 * in the root group, once. Datasets in /design, /metrics and /progress attach to
 * them; netCDF-4 lets a group use the dimensions of its ancestors, and h5netcdf
 * names a dimension after the scale its DIMENSION_LIST points to, so every group
 * opened with xarray gets the named dimensions (tests/test_results_xarray.py).
 *
 * Robustness: the file uses the default (1.8-compatible) format, which a killed
 * process does not leave locked. Each unit is one chunk row per metric, written at
 * once, then marked in /progress/done. The batch runner writes a whole file at once
 * from its journal into a temporary name and renames it (experiments/runner.h), so
 * a kill never leaves a half-written file under the output's name.
 *
 * HDF5's automatic error printing is switched off inside every public function and
 * restored on return; errors are reported through cr_diag with the innermost
 * message of the HDF5 error stack.
 */
#include "core/results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libfyaml.h>

#include "cr_buildinfo.h"
#include "core/journal.h"
#include "core/results_impl.h"

#define CR_STR2(x) #x
#define CR_STR(x) CR_STR2(x)

/* ------------------------------------------------------------------ HDF5 errors */

/* Switches automatic error printing of the default stack off; returns what it was. */
cr_i_results_quiet cr_i_results_quiet_begin(void)
{
    cr_i_results_quiet q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

/* Restores the error printing saved by cr_i_results_quiet_begin. */
void cr_i_results_quiet_end(cr_i_results_quiet q)
{
    H5Eset_auto2(H5E_DEFAULT, q.func, q.data);
}

typedef struct {
    char *buf;
    size_t len;
} walk_buf;

static herr_t innermost_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    walk_buf *w = data;
    if (n == 0 && e->desc)
        snprintf(w->buf, w->len, "%s", e->desc);
    return 0;
}

/* The innermost message of the default error stack ("" if none). Must be called
 * right after the failing call: every HDF5 API call clears the stack. A failed
 * system call's message ("file write failed: time = ..., errno = 28, error message =
 * 'No space left on device', buf = ...") is shortened to its first words and the
 * system's error ("file write failed: No space left on device"). */
static void h5_innermost(char *buf, size_t len)
{
    walk_buf w = {buf, len};
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_cb, &w);
    const char *key = "error message = '", *m = strstr(buf, key), *colon = strchr(buf, ':');
    if (m && colon && colon < m) {
        m += strlen(key);
        size_t n = strcspn(m, "'"), head = (size_t)(colon - buf);
        memmove(buf + head + 2, m, n); /* m lies after buf + head + 2 */
        buf[head + 1] = ' ';
        buf[head + 2 + n] = '\0';
    }
}

/* Records an HDF5 failure "PATH: WHAT: innermost HDF5 message" with status s. */
void cr_i_results_note_h5(cr_i_results_ctx *c, cr_status s, const char *fmt, ...)
{
    if (c->status != CR_OK)
        return;
    char detail[512], what[512];
    h5_innermost(detail, sizeof detail);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    c->status = cr_diag_set(c->d, s, "%s: %s%s%s", c->path, what, detail[0] ? ": " : "", detail);
}

/* ------------------------------------------------------------------ writing helpers */

/* A variable-length UTF-8 string type (h5py and xarray read it as str). */
static hid_t vlen_utf8(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        t = -1;
    }
    return t;
}

/* Writes a scalar string attribute, creating it or overwriting it in place; 0 if ok. */
int cr_i_results_write_str_attr(hid_t obj, const char *name, const char *value)
{
    const char *v = value ? value : "";
    hid_t t = vlen_utf8(), sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = t >= 0 && sp >= 0;
    if (ok) {
        htri_t ex = H5Aexists(obj, name);
        a = ex > 0    ? H5Aopen(obj, name, H5P_DEFAULT)
            : ex == 0 ? H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)
                      : -1;
        ok = a >= 0 && H5Awrite(a, t, &v) >= 0;
    }
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    return ok ? 0 : -1;
}

/* Creates a scalar numeric attribute: file type ftype, memory type mtype; 0 if ok. */
int cr_i_results_write_num_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                                const void *value)
{
    hid_t sp = H5Screate(H5S_SCALAR), a = -1;
    if (sp >= 0)
        a = H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, mtype, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : -1;
}

int cr_i_results_put_str_attr(cr_i_results_ctx *c, hid_t obj, const char *name, const char *value)
{
    if (cr_i_results_write_str_attr(obj, name, value) == 0)
        return 0;
    cr_i_results_note_h5(c, CR_EHDF5, "cannot write attribute '%s'", name);
    return -1;
}

static int put_num_attr(cr_i_results_ctx *c, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                        const void *value)
{
    if (cr_i_results_write_num_attr(obj, name, ftype, mtype, value) == 0)
        return 0;
    cr_i_results_note_h5(c, CR_EHDF5, "cannot write attribute '%s'", name);
    return -1;
}

/* The `units` and `long_name` attributes every dataset carries. */
static int put_var_attrs(cr_i_results_ctx *c, hid_t ds, const char *units, const char *long_name)
{
    if (cr_i_results_put_str_attr(c, ds, "units", units) < 0)
        return -1;
    return cr_i_results_put_str_attr(c, ds, "long_name", long_name);
}

/* Creates /<name> as a dimension scale of n int64 values 0..n-1. */
hid_t cr_i_results_make_scale(cr_i_results_ctx *c, hid_t file, const char *name, size_t n,
                              const char *long_name)
{
    hsize_t dim = n;
    int64_t *v = malloc(n * sizeof *v);
    if (!v) {
        c->status = cr_diag_set(c->d, CR_ENOMEM, "%s: out of memory", c->path);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (int64_t)i;
    hid_t sp = H5Screate_simple(1, &dim, NULL), ds = -1;
    if (sp >= 0)
        ds = H5Dcreate2(file, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
             H5DSset_scale(ds, name) >= 0;
    if (!ok)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot create dimension scale /%s", name);
    free(v);
    if (sp >= 0)
        H5Sclose(sp);
    if (ok && put_var_attrs(c, ds, "1", long_name) < 0)
        ok = 0;
    if (!ok && ds >= 0) {
        H5Dclose(ds);
        ds = -1;
    }
    return ds;
}

/* Creates group/name with the given shape, type and creation properties, attaches
 * the scales and writes units and long_name; returns the open dataset. */
hid_t cr_i_results_make_dataset(cr_i_results_ctx *c, hid_t group, const char *gname,
                                const char *name, hid_t ftype, int rank, const hsize_t *dims,
                                hid_t dcpl, const hid_t *scales, const char *units,
                                const char *long_name)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), ds = -1;
    if (sp >= 0)
        ds = H5Dcreate2(group, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot create /%s/%s", gname, name);
    if (sp >= 0)
        H5Sclose(sp);
    if (ds < 0)
        return -1;
    for (int i = 0; scales && i < rank; i++) { /* scales NULL: none attached */
        if (H5DSattach_scale(ds, scales[i], (unsigned)i) < 0) {
            cr_i_results_note_h5(c, CR_EHDF5, "cannot attach dimension %d of /%s/%s", i, gname,
                                 name);
            H5Dclose(ds);
            return -1;
        }
    }
    if (put_var_attrs(c, ds, units, long_name ? long_name : name) < 0) {
        H5Dclose(ds);
        return -1;
    }
    return ds;
}

hid_t cr_i_results_make_group(cr_i_results_ctx *c, hid_t file, const char *name)
{
    hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot create group /%s", name);
    return g;
}

/* ------------------------------------------------------------------ create */

/* A dataset name must be non-empty, have no '/' and not be "." (HDF5 paths). */
int cr_i_results_bad_name(const char *name)
{
    return !name || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0;
}

static cr_status check_spec(const cr_results_spec *s, cr_diag *d)
{
    if (!s || !s->path || !s->path[0])
        return cr_diag_set(d, CR_EINVAL, "results: no output path");
    const char *p = s->path;
    if (s->ncells == 0 || s->nreplications == 0 || s->nperiods == 0)
        return cr_diag_set(d, CR_EINVAL,
                           "%s: empty shape (%zu cells, %zu replications, %zu periods)", p,
                           s->ncells, s->nreplications, s->nperiods);
    if (!s->cell_mode)
        return cr_diag_set(d, CR_EINVAL, "%s: no cell modes", p);
    for (size_t i = 0; i < s->ncells; i++)
        if (!s->cell_mode[i])
            return cr_diag_set(d, CR_EINVAL, "%s: cell %zu has no mode", p, i);
    if (s->nparams > 0 && (!s->params || !s->param_values))
        return cr_diag_set(d, CR_EINVAL, "%s: design parameters without values", p);
    for (size_t j = 0; j < s->nparams; j++)
        if (cr_i_results_bad_name(s->params[j].name) || strcmp(s->params[j].name, "mode") == 0)
            return cr_diag_set(d, CR_EINVAL, "%s: bad design parameter name '%s'", p,
                               s->params[j].name ? s->params[j].name : "(null)");
    if (s->nmetrics > 0 && !s->metrics)
        return cr_diag_set(d, CR_EINVAL, "%s: no metric table", p);
    for (size_t m = 0; m < s->nmetrics; m++)
        if (cr_i_results_bad_name(s->metrics[m].name))
            return cr_diag_set(d, CR_EINVAL, "%s: bad metric name '%s'", p,
                               s->metrics[m].name ? s->metrics[m].name : "(null)");
    if (s->compression < 0 || s->compression > 9)
        return cr_diag_set(d, CR_EINVAL, "%s: compression level %d is not in 0..9", p,
                           s->compression);
    return CR_OK;
}

/* Explains why path cannot be created when its directory is the reason. */
static int directory_problem(const char *path, cr_diag *d, cr_status *s)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir) {
        *s = cr_diag_set(d, CR_ENOMEM, "%s: out of memory", path);
        return 1;
    }
    struct stat st;
    int err = 0;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        err = ENOTDIR;
    else if (access(dir, W_OK | X_OK) != 0) /* also ENOENT when dir is missing */
        err = errno;
    free(dir);
    if (err)
        *s = cr_diag_set(d, CR_EIO, "%s: cannot create: %s", path, strerror(err));
    return err != 0;
}

static cr_status output_exists(const char *path, cr_diag *d)
{
    return cr_diag_set(d, CR_EEXIST,
                       "%s: output exists; use --force to replace it (nothing was written)", path);
}

/* Root attributes: format, provenance and status = "running". */
static int write_root_attrs(cr_i_results_ctx *c, hid_t file, const cr_results_spec *s)
{
    char libs[256], host[256] = "unknown", created[32] = "unknown";
    cr_library_versions(libs, sizeof libs);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int32_t version = CR_FORMAT_VERSION, threads = (int32_t)s->threads;
    uint64_t seed = s->seed;
    const char *strs[][2] = {
        {"format", CR_FORMAT_NAME},
        {"software_version", CR_VERSION_STRING},
        {"git_revision", CR_GIT_REVISION},
        {"compiler", CR_COMPILER},
        {"compile_flags", CR_COMPILE_FLAGS},
        {"build_type", CR_BUILD_TYPE},
        {"library_versions", libs},
        {"created", created},
        {"host", host},
        {"command_line", s->command_line},
        {"experiment", s->experiment},
        {"config", s->config_yaml},
        {"history", s->history ? s->history : ""},
        {"shard", s->shard ? s->shard : ""},
        {"status", "running"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (cr_i_results_put_str_attr(c, file, strs[i][0], strs[i][1]) < 0)
            return -1;
    if (put_num_attr(c, file, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &version) < 0 ||
        put_num_attr(c, file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed) < 0 ||
        put_num_attr(c, file, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &threads) < 0)
        return -1;
    return 0;
}

/* Attributes a[0..n) on obj (entries without a name are skipped). */
static int put_attrs(cr_i_results_ctx *c, hid_t obj, const cr_attr *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        if (!a[i].name)
            continue;
        int r = a[i].text ? cr_i_results_put_str_attr(c, obj, a[i].name, a[i].text)
                          : put_num_attr(c, obj, a[i].name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                         &a[i].number);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* /design/mode and /design/<param>. */
static int write_design(cr_i_results_ctx *c, hid_t file, const cr_results_spec *s, hid_t cell_scale)
{
    hid_t g = cr_i_results_make_group(c, file, "design");
    if (g < 0)
        return -1;
    hsize_t n = s->ncells;
    int ok = 0;
    double *col = malloc(s->ncells * sizeof *col);
    hid_t t = vlen_utf8();
    hid_t ds = t < 0 ? -1
                     : cr_i_results_make_dataset(c, g, "design", "mode", t, 1, &n, H5P_DEFAULT,
                                                 &cell_scale, "", "financing mode of the cell");
    if (!col) {
        c->status = cr_diag_set(c->d, CR_ENOMEM, "%s: out of memory", c->path);
        goto done;
    }
    if (ds < 0 || H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->cell_mode) < 0) {
        cr_i_results_note_h5(c, CR_EHDF5, "cannot write /design/mode");
        goto done;
    }
    if (put_attrs(c, g, s->design_attrs, s->ndesign_attrs) < 0)
        goto done;
    for (size_t j = 0; j < s->nparams; j++) {
        const cr_var_desc *p = &s->params[j];
        for (size_t i = 0; i < s->ncells; i++)
            col[i] = s->param_values[i * s->nparams + j];
        hid_t pd = cr_i_results_make_dataset(c, g, "design", p->name, H5T_IEEE_F64LE, 1, &n,
                                             H5P_DEFAULT, &cell_scale, p->units, p->long_name);
        int w = pd >= 0 &&
                H5Dwrite(pd, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, col) >= 0 &&
                (!s->param_attrs ||
                 put_attrs(c, pd, s->param_attrs + j * s->nparam_attrs, s->nparam_attrs) == 0);
        if (!w)
            cr_i_results_note_h5(c, CR_EHDF5, "cannot write /design/%s", p->name);
        if (pd >= 0)
            H5Dclose(pd);
        if (!w)
            goto done;
    }
    ok = 1;
done:
    free(col);
    if (ds >= 0)
        H5Dclose(ds);
    if (t >= 0)
        H5Tclose(t);
    H5Gclose(g);
    return ok ? 0 : -1;
}

/* Empty /metrics/<name> datasets (fill NaN), kept open in r->metric. */
static int create_metrics(cr_i_results_ctx *c, cr_results *r, const cr_results_spec *s,
                          const hid_t *scales)
{
    hid_t g = cr_i_results_make_group(c, r->file, "metrics");
    if (g < 0)
        return -1;
    hsize_t dims[3] = {s->ncells, s->nreplications, s->nperiods};
    hsize_t chunk[3] = {1, 1, s->nperiods};
    double nan = NAN;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int ok = dcpl >= 0 && H5Pset_chunk(dcpl, 3, chunk) >= 0 &&
             H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) >= 0 &&
             H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_INCR) >= 0;
    if (ok && s->compression > 0)
        ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)s->compression) >= 0;
    if (!ok)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot set up the metric datasets");
    for (size_t m = 0; ok && m < s->nmetrics; m++) {
        const cr_var_desc *v = &s->metrics[m];
        r->metric[m] = cr_i_results_make_dataset(c, g, "metrics", v->name, H5T_IEEE_F64LE, 3, dims,
                                                 dcpl, scales, v->units, v->long_name);
        ok = r->metric[m] >= 0;
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    H5Gclose(g);
    return ok ? 0 : -1;
}

/* /progress/done, all 0, kept open in r->done. */
static int create_progress(cr_i_results_ctx *c, cr_results *r, const cr_results_spec *s,
                           const hid_t *scales)
{
    hid_t g = cr_i_results_make_group(c, r->file, "progress");
    if (g < 0)
        return -1;
    hsize_t dims[2] = {s->ncells, s->nreplications};
    uint8_t zero = 0;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || H5Pset_fill_value(dcpl, H5T_NATIVE_UINT8, &zero) < 0)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot set up /progress/done");
    else
        r->done =
            cr_i_results_make_dataset(c, g, "progress", "done", H5T_STD_U8LE, 2, dims, dcpl, scales,
                                      "1", "1 once the unit (cell, replication) is written");
    if (dcpl >= 0)
        H5Pclose(dcpl);
    H5Gclose(g);
    return r->done >= 0 ? 0 : -1;
}

/* Closes every id of r and frees it (no status: used on failure paths too). Closing
 * writes what HDF5 still caches, so it can fail as any write: why (the innermost HDF5
 * message of the first failure, with the system's error) goes to why[len] when why is
 * not NULL. */
static herr_t release(cr_results *r, char *why, size_t len)
{
    herr_t rc = 0;
    for (size_t m = 0; m <= r->nmetrics + 2; m++) {
        hid_t *id = m < r->nmetrics        ? &r->metric[m]
                    : m == r->nmetrics     ? &r->done
                    : m == r->nmetrics + 1 ? &r->events
                                           : &r->file;
        if (*id < 0)
            continue;
        if ((id == &r->file ? H5Fclose(*id) : H5Dclose(*id)) < 0 && rc == 0) {
            rc = -1;
            if (why)
                h5_innermost(why, len);
        }
    }
    free(r->metric);
    free(r->path);
    free(r);
    return rc;
}

static cr_status create_impl(const cr_results_spec *s, cr_results **out, cr_diag *d)
{
    cr_status st = check_spec(s, d);
    if (st != CR_OK)
        return st;
    cr_i_results_ctx c = {s->path, d, CR_OK};
    struct stat sb;
    if (!s->force && lstat(s->path, &sb) == 0)
        return output_exists(s->path, d);

    cr_results *r = calloc(1, sizeof *r);
    if (!r)
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", s->path);
    r->file = r->done = r->events = -1;
    r->ncells = s->ncells;
    r->nreplications = s->nreplications;
    r->nperiods = s->nperiods;
    r->path = strdup(s->path);
    r->metric = malloc((s->nmetrics ? s->nmetrics : 1) * sizeof *r->metric);
    if (!r->path || !r->metric) {
        release(r, NULL, 0);
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", s->path);
    }
    for (size_t m = 0; m < s->nmetrics; m++)
        r->metric[m] = -1;
    r->nmetrics = s->nmetrics;
    r->compression = s->compression;

    r->file = H5Fcreate(s->path, s->force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (r->file < 0) {
        cr_i_results_note_h5(&c, CR_EIO, "cannot create");
        release(r, NULL, 0);
        if (!s->force && lstat(s->path, &sb) == 0)
            return output_exists(s->path, d);
        directory_problem(s->path, d, &c.status);
        return c.status;
    }

    hid_t scales[3] = {-1, -1, -1};
    scales[0] = cr_i_results_make_scale(&c, r->file, "cell", s->ncells, "design cell");
    if (scales[0] >= 0)
        scales[1] =
            cr_i_results_make_scale(&c, r->file, "replication", s->nreplications, "replication");
    if (scales[1] >= 0)
        scales[2] =
            cr_i_results_make_scale(&c, r->file, "period", s->nperiods, "simulation period");
    int ok = scales[2] >= 0 && write_root_attrs(&c, r->file, s) == 0 &&
             write_design(&c, r->file, s, scales[0]) == 0 &&
             create_metrics(&c, r, s, scales) == 0 && create_progress(&c, r, s, scales) == 0;
    if (ok && H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0) {
        cr_i_results_note_h5(&c, CR_EIO, "cannot write");
        ok = 0;
    }
    for (int i = 0; i < 3; i++)
        if (scales[i] >= 0)
            H5Dclose(scales[i]);
    if (!ok) {
        release(r, NULL, 0);
        unlink(s->path); /* ours: created or truncated above */
        return c.status != CR_OK ? c.status
                                 : cr_diag_set(d, CR_EHDF5, "%s: cannot create", s->path);
    }
    *out = r;
    return CR_OK;
}

cr_status cr_results_create(const cr_results_spec *spec, cr_results **out, cr_diag *d)
{
    if (!out)
        return cr_diag_set(d, CR_EINVAL, "results: no output handle");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = create_impl(spec, out, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ write, status, close */

/* Writes n elements of buf to the hyperslab (start, count) of ds, whose extent is
 * dims; on failure records "WHAT" in c. */
static int write_slab(cr_i_results_ctx *c, hid_t ds, int rank, const hsize_t *dims,
                      const hsize_t *start, const hsize_t *count, hsize_t n, hid_t mtype,
                      const void *buf, const char *what)
{
    hid_t mem = H5Screate_simple(1, &n, NULL), fsp = H5Screate_simple(rank, dims, NULL);
    int ok = mem >= 0 && fsp >= 0 &&
             H5Sselect_hyperslab(fsp, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dwrite(ds, mtype, mem, fsp, H5P_DEFAULT, buf) >= 0;
    if (!ok)
        cr_i_results_note_h5(c, CR_EHDF5, "cannot write %s", what);
    if (fsp >= 0)
        H5Sclose(fsp);
    if (mem >= 0)
        H5Sclose(mem);
    return ok ? 0 : -1;
}

static cr_status write_unit_impl(cr_results *r, size_t cell, size_t rep, const double *values,
                                 cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    char what[128];
    hsize_t dims[3] = {r->ncells, r->nreplications, r->nperiods};
    hsize_t start[3] = {cell, rep, 0}, count[3] = {1, 1, r->nperiods};
    for (size_t m = 0; m < r->nmetrics; m++) {
        snprintf(what, sizeof what, "unit (%zu, %zu) of metric %zu", cell, rep, m);
        if (write_slab(&c, r->metric[m], 3, dims, start, count, r->nperiods, H5T_NATIVE_DOUBLE,
                       values + m * r->nperiods, what) < 0)
            return c.status;
    }
    /* Mark the unit done only after its values. No flush: the file is assembled from
     * the run's journal (core/journal.h), which is what survives a kill. */
    const uint8_t flag = 1;
    snprintf(what, sizeof what, "/progress/done of unit (%zu, %zu)", cell, rep);
    if (write_slab(&c, r->done, 2, dims, start, count, 1, H5T_NATIVE_UINT8, &flag, what) < 0)
        return c.status;
    return c.status;
}

cr_status cr_results_write_unit(cr_results *r, size_t cell, size_t replication,
                                const double *values, cr_diag *d)
{
    if (!r || (!values && r->nmetrics > 0))
        return cr_diag_set(d, CR_EINVAL, "results: no file or no values");
    if (cell >= r->ncells || replication >= r->nreplications)
        return cr_diag_set(d, CR_EINVAL, "%s: unit (%zu, %zu) outside %zu cells x %zu replications",
                           r->path, cell, replication, r->ncells, r->nreplications);
    static unsigned long writes; /* for the testing hook (core/journal.h): one writer */
    long nth = 0;
    int err = 0;
    if (cr_journal_fault("assembly_write", &nth, &err) && (long)++writes == nth)
        return cr_diag_set(d, CR_EIO, "%s: cannot write unit (%zu, %zu): %s (CREDERE_FAULT)",
                           r->path, cell, replication, strerror(err));
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = write_unit_impl(r, cell, replication, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

cr_status cr_results_set_status(cr_results *r, const char *status, cr_diag *d)
{
    if (!r || !status)
        return cr_diag_set(d, CR_EINVAL, "results: no file or no status");
    if (strcmp(status, "running") != 0 && strcmp(status, "interrupted") != 0 &&
        strcmp(status, "failed") != 0 && strcmp(status, "complete") != 0)
        return cr_diag_set(d, CR_EINVAL, "%s: unknown status '%s'", r->path, status);
    cr_i_results_ctx c = {r->path, d, CR_OK};
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    if (cr_i_results_put_str_attr(&c, r->file, "status", status) == 0 &&
        H5Fflush(r->file, H5F_SCOPE_GLOBAL) < 0)
        cr_i_results_note_h5(&c, CR_EIO, "cannot write");
    cr_i_results_quiet_end(q);
    return c.status;
}

cr_status cr_results_close(cr_results **r, cr_diag *d)
{
    if (!r || !*r)
        return CR_OK;
    char *path = strdup((*r)->path);
    char why[512] = "";
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    herr_t rc = release(*r, why, sizeof why);
    cr_i_results_quiet_end(q);
    *r = NULL;
    cr_status s = CR_OK;
    if (rc < 0)
        s = cr_diag_set(d, CR_EIO, "%s: cannot write the results file%s%s", path ? path : "results",
                        why[0] ? ": " : "", why);
    free(path);
    return s;
}

void cr_results_setup(void)
{
    H5dont_atexit();
}

int cr_results_is_complete(const char *path)
{
    struct stat sb;
    if (!path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char *format = f >= 0 ? cr_i_results_str_attr(f, "format") : NULL;
    char *status = format ? cr_i_results_str_attr(f, "status") : NULL;
    int complete =
        format && status && strcmp(format, CR_FORMAT_NAME) == 0 && strcmp(status, "complete") == 0;
    free(format);
    free(status);
    if (f >= 0)
        H5Fclose(f);
    cr_i_results_quiet_end(q);
    return complete;
}

/* ------------------------------------------------------------------ provenance */

void cr_library_versions(char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
#ifdef _OPENMP
    const char *omp = CR_STR(_OPENMP);
#else
    const char *omp = "none";
#endif
    snprintf(buf, len, "HDF5 %u.%u.%u, GSL %s, libfyaml %s, OpenMP %s", maj, min, rel, gsl_version,
             fy_library_version(), omp);
}
