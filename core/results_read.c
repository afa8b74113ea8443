/* Reading a results file, format_version 1: the reader behind `credere merge` and
 * `run --resume` (interface and guarantees in results_read.h; the layout in
 * results.h).
 *
 * The file is checked once when it is opened; the metric datasets stay open and a
 * unit is read as one hyperslab per metric through dataspaces made once, so reading
 * a whole file unit by unit costs one chunk read per metric and unit. Every HDF5
 * failure is reported as a damaged file (CR_EINPUT) with the innermost message of
 * the HDF5 error stack; HDF5's automatic error printing is off inside every public
 * function (results_impl.h).
 */
#include "core/results_read.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/results_impl.h"

typedef struct {
    char *name, *value;
} attr_entry;

struct cr_results_reader {
    char *path;
    hid_t file;
    uint64_t seed;
    size_t ncells, nreplications, nperiods;
    uint8_t *done; /* [ncells * nreplications] */
    size_t nmetrics;
    char **metric_name; /* [nmetrics] the datasets of /metrics, in name order */
    hid_t *metric;      /* [nmetrics] open */
    hid_t unit_file;    /* dataspace [ncells, nreplications, nperiods] of the metrics */
    hid_t unit_mem;     /* dataspace [nperiods] of one unit's values */
    double *scratch;    /* one unit, so that a failed read leaves values untouched */
    size_t nscratch;
    attr_entry *attrs; /* root string attributes read so far */
    size_t nattrs, capattrs;
};

/* ------------------------------------------------------------------ open */

static void release(cr_results_reader *r)
{
    for (size_t m = 0; m < r->nmetrics; m++)
        if (r->metric && r->metric[m] >= 0)
            H5Dclose(r->metric[m]);
    for (size_t m = 0; r->metric_name && m < r->nmetrics; m++)
        free(r->metric_name[m]);
    if (r->unit_file >= 0)
        H5Sclose(r->unit_file);
    if (r->unit_mem >= 0)
        H5Sclose(r->unit_mem);
    if (r->file >= 0)
        H5Fclose(r->file);
    for (size_t i = 0; i < r->nattrs; i++) {
        free(r->attrs[i].name);
        free(r->attrs[i].value);
    }
    free(r->attrs);
    free(r->metric);
    free(r->metric_name);
    free(r->done);
    free(r->scratch);
    free(r->path);
    free(r);
}

/* The root attributes that make it a credere results file of this version, and the
 * seed. */
static int check_format(cr_i_results_ctx *c, cr_results_reader *r)
{
    char *format = cr_i_results_str_attr(r->file, "format");
    long long version = 0;
    unsigned long long seed = 0;
    const char *p = c->path;
    if (!format)
        c->status = cr_diag_set(c->d, CR_EINPUT,
                                "%s: not a credere results file (no 'format' attribute)", p);
    else if (strcmp(format, CR_FORMAT_NAME) != 0)
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: not a credere results file (format is '%s')",
                                p, format);
    else if (cr_i_results_int_attr(r->file, "format_version", H5T_NATIVE_LLONG, &version) < 0)
        c->status = cr_diag_set(c->d, CR_EINPUT,
                                "%s: not a credere results file (no integer format_version)", p);
    else if (version != CR_FORMAT_VERSION)
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: format_version %lld; this credere reads %d",
                                p, version, CR_FORMAT_VERSION);
    else if (cr_i_results_int_attr(r->file, "seed", H5T_NATIVE_ULLONG, &seed) < 0)
        c->status = cr_diag_set(c->d, CR_EINPUT,
                                "%s: damaged results file: no integer 'seed' attribute", p);
    free(format);
    r->seed = (uint64_t)seed;
    return c->status == CR_OK ? 0 : -1;
}

/* /progress/done (which sets cells and replications), the scales (/period sets the
 * periods) and /design/mode when present. */
static int read_shape(cr_i_results_ctx *c, cr_results_reader *r)
{
    hsize_t dims[2], n;
    hid_t ds = cr_i_results_open_required(c, r->file, "/progress/done", H5T_INTEGER, 2, NULL, dims);
    if (ds < 0)
        return -1;
    int overflow = 0;
    size_t total = cr_i_results_mul_size((size_t)dims[0], (size_t)dims[1], &overflow);
    if (dims[0] == 0 || dims[1] == 0 || overflow) {
        char g[128];
        cr_i_results_dims_text(g, sizeof g, 2, dims);
        c->status = cr_diag_set(
            c->d, CR_EINPUT, "%s: damaged results file: /progress/done has shape %s", c->path, g);
    } else if (!(r->done = malloc(total))) {
        c->status = cr_i_results_out_of_memory(c->path, c->d);
    } else if (H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->done) < 0) {
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read /progress/done");
    }
    H5Dclose(ds);
    if (c->status != CR_OK)
        return -1;
    r->ncells = (size_t)dims[0];
    r->nreplications = (size_t)dims[1];

    const char *scale[3] = {"/cell", "/replication", "/period"};
    for (int i = 0; i < 3; i++) {
        ds = cr_i_results_open_required(c, r->file, scale[i], H5T_NO_CLASS, 1,
                                        i < 2 ? &dims[i] : NULL, &n);
        if (ds < 0)
            return -1;
        H5Dclose(ds);
    }
    if (n == 0) {
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: no periods", c->path);
        return -1;
    }
    r->nperiods = (size_t)n;
    if (cr_i_results_path_exists(r->file, "/design/mode")) {
        if ((ds = cr_i_results_open_checked(c, r->file, "/design/mode", H5T_NO_CLASS, 1, dims,
                                            &n)) < 0)
            return -1;
        H5Dclose(ds);
    }
    overflow = 0;
    cr_i_results_mul_size(cr_i_results_mul_size(total, r->nperiods, &overflow), sizeof(double),
                          &overflow);
    if (overflow) {
        c->status =
            cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: implausible shape", c->path);
        return -1;
    }
    return 0;
}

/* Opens every dataset of /metrics, checking its shape, and the unit dataspaces. */
static int open_metrics(cr_i_results_ctx *c, cr_results_reader *r)
{
    if (!cr_i_results_path_exists(r->file, "/metrics")) {
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: no /metrics", c->path);
        return -1;
    }
    cr_i_results_names l = {NULL, 0, 0, NULL};
    hid_t g = H5Gopen2(r->file, "/metrics", H5P_DEFAULT);
    hsize_t idx = 0;
    if (g < 0 || H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, cr_i_results_collect_name, &l) < 0)
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot list /metrics");
    if (g >= 0)
        H5Gclose(g);
    r->metric_name = l.names;
    r->metric = malloc((l.n ? l.n : 1) * sizeof *r->metric);
    if (!r->metric) {
        for (size_t m = 0; m < l.n; m++)
            free(l.names[m]);
        if (c->status == CR_OK)
            c->status = cr_i_results_out_of_memory(c->path, c->d);
        return -1;
    }
    for (size_t m = 0; m < l.n; m++)
        r->metric[m] = -1;
    r->nmetrics = l.n;
    if (c->status != CR_OK)
        return -1;
    hsize_t want[3] = {r->ncells, r->nreplications, r->nperiods}, dims[3];
    for (size_t m = 0; m < r->nmetrics; m++) {
        char *p = cr_i_results_join3("metrics", NULL, r->metric_name[m]);
        if (!p) {
            c->status = cr_i_results_out_of_memory(c->path, c->d);
            return -1;
        }
        r->metric[m] = cr_i_results_open_checked(c, r->file, p, H5T_FLOAT, 3, want, dims);
        free(p);
        if (r->metric[m] < 0)
            return -1;
    }
    hsize_t np = r->nperiods;
    r->unit_file = H5Screate_simple(3, want, NULL);
    r->unit_mem = H5Screate_simple(1, &np, NULL);
    if (r->unit_file < 0 || r->unit_mem < 0) {
        cr_i_results_note_h5(c, CR_EHDF5, "cannot make the dataspace of a unit");
        return -1;
    }
    return 0;
}

static cr_status open_impl(const char *path, cr_results_reader **out, cr_diag *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || access(path, R_OK) != 0)
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
    if (H5Fis_hdf5(path) <= 0)
        return cr_diag_set(d, CR_EINPUT, "%s: not a credere results file (not an HDF5 file)", path);

    cr_results_reader *r = calloc(1, sizeof *r);
    if (!r)
        return cr_i_results_out_of_memory(path, d);
    r->file = r->unit_file = r->unit_mem = -1;
    if (!(r->path = strdup(path))) {
        release(r);
        return cr_i_results_out_of_memory(path, d);
    }
    cr_i_results_ctx c = {r->path, d, CR_OK};
    r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r->file < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "cannot open (damaged, truncated or in use)");
    else if (check_format(&c, r) == 0 && read_shape(&c, r) == 0)
        open_metrics(&c, r);
    if (c.status != CR_OK) {
        cr_status s = c.status;
        release(r); /* c.path points into r */
        return s;
    }
    *out = r;
    return CR_OK;
}

cr_status cr_results_read_open(const char *path, cr_results_reader **out, cr_diag *d)
{
    if (!path || !path[0] || !out)
        return cr_diag_set(d, CR_EINVAL, "results reader: no file name or no handle");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = open_impl(path, out, d);
    cr_i_results_quiet_end(q);
    return s;
}

void cr_results_read_close(cr_results_reader **r)
{
    if (!r || !*r)
        return;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    release(*r);
    cr_i_results_quiet_end(q);
    *r = NULL;
}

/* ------------------------------------------------------------------ attributes, shape */

const char *cr_results_read_attr(cr_results_reader *r, const char *name)
{
    if (!r || !name)
        return "";
    for (size_t i = 0; i < r->nattrs; i++)
        if (strcmp(r->attrs[i].name, name) == 0)
            return r->attrs[i].value;
    if (r->nattrs == r->capattrs) {
        size_t cap = r->capattrs ? 2 * r->capattrs : 8;
        attr_entry *p = realloc(r->attrs, cap * sizeof *p);
        if (!p)
            return "";
        r->attrs = p;
        r->capattrs = cap;
    }
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    char *value = cr_i_results_str_attr(r->file, name);
    cr_i_results_quiet_end(q);
    char *key = value ? strdup(name) : NULL;
    if (!key) {
        free(value);
        return "";
    }
    r->attrs[r->nattrs].name = key;
    r->attrs[r->nattrs].value = value;
    r->nattrs++;
    return value;
}

uint64_t cr_results_read_seed(const cr_results_reader *r)
{
    return r ? r->seed : 0;
}

size_t cr_results_read_ncells(const cr_results_reader *r)
{
    return r ? r->ncells : 0;
}

size_t cr_results_read_nreplications(const cr_results_reader *r)
{
    return r ? r->nreplications : 0;
}

size_t cr_results_read_nperiods(const cr_results_reader *r)
{
    return r ? r->nperiods : 0;
}

const uint8_t *cr_results_read_done(const cr_results_reader *r)
{
    return r ? r->done : NULL;
}

int cr_results_read_has(cr_results_reader *r, const char *path)
{
    if (!r || !path || !path[0])
        return 0;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    int ok = cr_i_results_path_exists(r->file, path);
    cr_i_results_quiet_end(q);
    return ok;
}

/* ------------------------------------------------------------------ units */

static cr_status read_unit_impl(cr_results_reader *r, size_t cell, size_t rep, size_t nmetrics,
                                const cr_var_desc *metrics, double *values, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    int overflow = 0;
    size_t n = cr_i_results_mul_size(nmetrics, r->nperiods, &overflow);
    cr_i_results_mul_size(n, sizeof(double), &overflow);
    if (overflow)
        return cr_i_results_out_of_memory(r->path, d);
    if (n == 0)
        return CR_OK;
    if (n > r->nscratch) {
        double *p = realloc(r->scratch, n * sizeof *p);
        if (!p)
            return cr_i_results_out_of_memory(r->path, d);
        r->scratch = p;
        r->nscratch = n;
    }
    hsize_t start[3] = {cell, rep, 0}, count[3] = {1, 1, r->nperiods};
    if (H5Sselect_hyperslab(r->unit_file, H5S_SELECT_SET, start, NULL, count, NULL) < 0) {
        cr_i_results_note_h5(&c, CR_EHDF5, "cannot select unit (%zu, %zu)", cell, rep);
        return c.status;
    }
    for (size_t m = 0; m < nmetrics; m++) {
        size_t k = 0;
        while (k < r->nmetrics && strcmp(r->metric_name[k], metrics[m].name) != 0)
            k++;
        if (k == r->nmetrics)
            return cr_diag_set(d, CR_EINPUT, "%s: no metric '%s' (/metrics/%s)", r->path,
                               metrics[m].name, metrics[m].name);
        if (H5Dread(r->metric[k], H5T_NATIVE_DOUBLE, r->unit_mem, r->unit_file, H5P_DEFAULT,
                    r->scratch + m * r->nperiods) < 0) {
            cr_i_results_note_h5(&c, CR_EINPUT,
                                 "damaged results file: cannot read unit (%zu, %zu) of /metrics/%s",
                                 cell, rep, metrics[m].name);
            return c.status;
        }
    }
    memcpy(values, r->scratch, n * sizeof *values);
    return CR_OK;
}

cr_status cr_results_read_unit(cr_results_reader *r, size_t cell, size_t replication,
                               size_t nmetrics, const cr_var_desc *metrics, double *values,
                               cr_diag *d)
{
    if (!r || (nmetrics > 0 && (!metrics || !values)))
        return cr_diag_set(d, CR_EINVAL, "results reader: no file, metric table or values");
    for (size_t m = 0; m < nmetrics; m++)
        if (!metrics[m].name)
            return cr_diag_set(d, CR_EINVAL, "%s: metric %zu has no name", r->path, m);
    if (cell >= r->ncells || replication >= r->nreplications)
        return cr_diag_set(d, CR_EINVAL, "%s: unit (%zu, %zu) outside %zu cells x %zu replications",
                           r->path, cell, replication, r->ncells, r->nreplications);
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_unit_impl(r, cell, replication, nmetrics, metrics, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ events */

/* The C type of a field of cr_event (H5T_NATIVE_* are not constant expressions). */
enum { EV_U8, EV_U32, EV_I32, EV_F64 };

/* The fields of cr_event by name, as the writer names them (results.c, event_type);
 * the file's fields are matched by name and converted to these types. */
static const struct {
    const char *name;
    size_t offset;
    int type;
} event_fields[] = {
    {"cell", offsetof(cr_event, cell), EV_U32},
    {"replication", offsetof(cr_event, replication), EV_U32},
    {"period", offsetof(cr_event, period), EV_I32},
    {"sme", offsetof(cr_event, sme), EV_U32},
    {"cause", offsetof(cr_event, cause), EV_U8},
    {"cascade", offsetof(cr_event, cascade), EV_U32},
    {"round", offsetof(cr_event, round), EV_I32},
    {"loan", offsetof(cr_event, loan), EV_F64},
};
#define NEVENT_FIELDS (sizeof event_fields / sizeof event_fields[0])

/* The memory type of cr_event, built from the table above. */
static hid_t event_mem_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cr_event));
    for (size_t i = 0; t >= 0 && i < NEVENT_FIELDS; i++) {
        hid_t ft = H5T_NATIVE_DOUBLE;
        switch (event_fields[i].type) {
        case EV_U8:
            ft = H5T_NATIVE_UINT8;
            break;
        case EV_U32:
            ft = H5T_NATIVE_UINT32;
            break;
        case EV_I32:
            ft = H5T_NATIVE_INT32;
            break;
        default:
            break;
        }
        if (H5Tinsert(t, event_fields[i].name, event_fields[i].offset, ft) < 0) {
            H5Tclose(t);
            t = -1;
        }
    }
    return t;
}

static cr_status read_events_impl(cr_results_reader *r, cr_event **events, size_t *n, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    const char *path = "/events/defaults";
    if (!cr_i_results_path_exists(r->file, path)) {
        *events = NULL;
        *n = 0;
        return CR_OK;
    }
    hsize_t rows = 0;
    hid_t ds = cr_i_results_open_checked(&c, r->file, path, H5T_COMPOUND, 1, NULL, &rows);
    if (ds < 0)
        return c.status;
    hid_t ft = H5Dget_type(ds), mt = -1;
    if (ft < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    for (size_t i = 0; c.status == CR_OK && i < NEVENT_FIELDS; i++) {
        int k = H5Tget_member_index(ft, event_fields[i].name);
        H5T_class_t cls = k >= 0 ? H5Tget_member_class(ft, (unsigned)k) : H5T_NO_CLASS;
        if (cls != H5T_INTEGER && cls != H5T_FLOAT)
            c.status =
                cr_diag_set(d, CR_EINPUT, "%s: damaged results file: %s has no numeric field '%s'",
                            r->path, path, event_fields[i].name);
    }
    int overflow = 0;
    size_t bytes = cr_i_results_mul_size((size_t)rows, sizeof(cr_event), &overflow);
    cr_event *buf = NULL;
    if (c.status == CR_OK && overflow)
        c.status =
            cr_diag_set(d, CR_EINPUT, "%s: damaged results file: %s is too large", r->path, path);
    if (c.status == CR_OK && (mt = event_mem_type()) < 0)
        cr_i_results_note_h5(&c, CR_EHDF5, "cannot make the event type");
    if (c.status == CR_OK && rows > 0) {
        if (!(buf = calloc(1, bytes)))
            c.status = cr_i_results_out_of_memory(r->path, d);
        else if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (ft >= 0)
        H5Tclose(ft);
    H5Dclose(ds);
    if (c.status != CR_OK) {
        free(buf);
        return c.status;
    }
    *events = buf;
    *n = (size_t)rows;
    return CR_OK;
}

cr_status cr_results_read_events(cr_results_reader *r, cr_event **events, size_t *n, cr_diag *d)
{
    if (!r || !events || !n)
        return cr_diag_set(d, CR_EINVAL, "results reader: no file or no output for the events");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_events_impl(r, events, n, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ vectors and tables */

static cr_status read_vector_impl(cr_results_reader *r, const char *group, const char *name,
                                  double *values, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    char *path = cr_i_results_join3(group, NULL, name);
    double *buf = malloc(r->nreplications * sizeof *buf);
    if (!path || !buf) {
        free(path);
        free(buf);
        return cr_i_results_out_of_memory(r->path, d);
    }
    hsize_t want = r->nreplications, dim;
    hid_t ds = -1;
    if (!cr_i_results_path_exists(r->file, path))
        c.status = cr_diag_set(d, CR_EINPUT, "%s: no %s", r->path, path);
    else
        ds = cr_i_results_open_checked(&c, r->file, path, H5T_FLOAT, 1, &want, &dim);
    if (ds >= 0 && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    if (ds >= 0)
        H5Dclose(ds);
    if (c.status == CR_OK)
        memcpy(values, buf, r->nreplications * sizeof *values);
    free(buf);
    free(path);
    return c.status;
}

cr_status cr_results_read_vector(cr_results_reader *r, const char *group, const char *name,
                                 double *values, cr_diag *d)
{
    if (!r || !values || !cr_i_results_good_component(group) || !cr_i_results_good_component(name))
        return cr_diag_set(d, CR_EINVAL, "results reader: bad arguments to read_vector (%s/%s)",
                           group ? group : "(null)", name ? name : "(null)");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_vector_impl(r, group, name, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* Opens the columns of table tpath (nrows set from the row scale or the first
 * column), reads them into a malloc'd column-major array *out. */
static int read_columns(cr_i_results_ctx *c, cr_results_reader *r, const char *group,
                        const char *sub, size_t ncols, const cr_var_desc *cols, double **out,
                        size_t *nrows)
{
    char *rowp = cr_i_results_join3(group, sub, "row");
    if (!rowp) {
        c->status = cr_i_results_out_of_memory(r->path, c->d);
        return -1;
    }
    hsize_t n = 0;
    int known = 0;
    if (cr_i_results_path_exists(r->file, rowp)) {
        hid_t rs = cr_i_results_open_checked(c, r->file, rowp, H5T_NO_CLASS, 1, NULL, &n);
        if (rs >= 0)
            H5Dclose(rs);
        known = rs >= 0;
    }
    free(rowp);
    if (c->status != CR_OK)
        return -1;
    hid_t *ds = malloc((ncols ? ncols : 1) * sizeof *ds);
    if (!ds) {
        c->status = cr_i_results_out_of_memory(r->path, c->d);
        return -1;
    }
    size_t opened = 0;
    for (; opened < ncols && c->status == CR_OK; opened++) {
        char *p = cr_i_results_join3(group, sub, cols[opened].name);
        if (!p) {
            c->status = cr_i_results_out_of_memory(r->path, c->d);
            break;
        }
        hsize_t dim = 0;
        ds[opened] = -1;
        if (!cr_i_results_path_exists(r->file, p))
            c->status = cr_diag_set(c->d, CR_EINPUT, "%s: table /%s/%s has no column '%s'", r->path,
                                    group, sub, cols[opened].name);
        else
            ds[opened] =
                cr_i_results_open_checked(c, r->file, p, H5T_FLOAT, 1, known ? &n : NULL, &dim);
        free(p);
        if (ds[opened] < 0)
            break;
        if (!known)
            n = dim;
        known = 1;
    }
    int overflow = 0;
    size_t total = cr_i_results_mul_size(ncols, (size_t)n, &overflow);
    cr_i_results_mul_size(total, sizeof(double), &overflow);
    double *v = NULL;
    if (c->status == CR_OK && overflow)
        c->status = cr_diag_set(c->d, CR_EINPUT, "%s: damaged results file: /%s/%s is too large",
                                r->path, group, sub);
    if (c->status == CR_OK && total > 0 && !(v = malloc(total * sizeof *v)))
        c->status = cr_i_results_out_of_memory(r->path, c->d);
    for (size_t k = 0; c->status == CR_OK && total > 0 && k < ncols; k++)
        if (H5Dread(ds[k], H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v + k * n) < 0)
            cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read /%s/%s/%s", group,
                                 sub, cols[k].name);
    for (size_t k = 0; k < opened; k++)
        if (ds[k] >= 0)
            H5Dclose(ds[k]);
    free(ds);
    if (c->status != CR_OK) {
        free(v);
        return -1;
    }
    *out = v;
    *nrows = (size_t)n;
    return 0;
}

static cr_status read_table_impl(cr_results_reader *r, const char *group, const char *sub,
                                 size_t ncols, const cr_var_desc *cols, double **values,
                                 size_t *nrows, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    char *tpath = cr_i_results_join3(group, NULL, sub);
    if (!tpath)
        return cr_i_results_out_of_memory(r->path, d);
    if (!cr_i_results_path_exists(r->file, tpath))
        c.status = cr_diag_set(d, CR_EINPUT, "%s: no table %s", r->path, tpath);
    free(tpath);
    if (c.status == CR_OK)
        read_columns(&c, r, group, sub, ncols, cols, values, nrows);
    return c.status;
}

cr_status cr_results_read_table(cr_results_reader *r, const char *group, const char *sub,
                                size_t ncols, const cr_var_desc *cols, double **values,
                                size_t *nrows, cr_diag *d)
{
    if (!r || !values || !nrows || (ncols && !cols) || !cr_i_results_good_component(group) ||
        !cr_i_results_good_component(sub))
        return cr_diag_set(d, CR_EINVAL, "results reader: bad arguments to read_table (%s/%s)",
                           group ? group : "(null)", sub ? sub : "(null)");
    for (size_t k = 0; k < ncols; k++)
        if (!cr_i_results_good_component(cols[k].name))
            return cr_diag_set(d, CR_EINVAL, "%s: bad column name '%s'", r->path,
                               cols[k].name ? cols[k].name : "(null)");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_table_impl(r, group, sub, ncols, cols, values, nrows, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* ------------------------------------------------------------------ any dataset */

static cr_status read_dataset_impl(cr_results_reader *r, const char *path, size_t dims[3],
                                   int *rank, double **values, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    if (!cr_i_results_path_exists(r->file, path))
        return cr_diag_set(d, CR_EINPUT, "%s: no %s", r->path, path);
    hid_t ds = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (ds < 0) {
        cr_i_results_note_h5(&c, CR_EINPUT, "cannot open %s as a dataset", path);
        return c.status;
    }
    hid_t sp = H5Dget_space(ds), t = H5Dget_type(ds);
    hsize_t got[H5S_MAX_RANK];
    int nd = sp >= 0 ? H5Sget_simple_extent_dims(sp, got, NULL) : -1;
    H5T_class_t tc = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    size_t n = 1, ext[3] = {1, 1, 1};
    int overflow = 0;
    if (nd < 0 || t < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    else if (tc != H5T_INTEGER && tc != H5T_FLOAT)
        c.status = cr_diag_set(d, CR_EINPUT, "%s: %s holds %s, not numbers", r->path, path,
                               cr_i_results_class_text(tc));
    else if (nd > 3)
        c.status = cr_diag_set(d, CR_EINPUT, "%s: %s has %d dimensions, at most 3 expected",
                               r->path, path, nd);
    for (int i = 0; c.status == CR_OK && i < nd; i++) {
        overflow |= got[i] > SIZE_MAX / 16;
        ext[i] = (size_t)got[i];
        n = cr_i_results_mul_size(n, ext[i], &overflow);
    }
    cr_i_results_mul_size(n, sizeof(double), &overflow);
    if (c.status == CR_OK && overflow)
        c.status = cr_diag_set(d, CR_EINPUT, "%s: %s is too large", r->path, path);
    double *buf = NULL;
    if (c.status == CR_OK && !(buf = malloc((n ? n : 1) * sizeof *buf)))
        c.status = cr_i_results_out_of_memory(r->path, d);
    if (c.status == CR_OK && n > 0 &&
        H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(ds);
    if (c.status != CR_OK) {
        free(buf);
        return c.status;
    }
    memcpy(dims, ext, sizeof ext);
    *rank = nd;
    *values = buf;
    return CR_OK;
}

cr_status cr_results_read_dataset(cr_results_reader *r, const char *path, size_t dims[3], int *rank,
                                  double **values, cr_diag *d)
{
    if (!r || !path || !path[0] || !dims || !rank || !values)
        return cr_diag_set(d, CR_EINVAL, "results reader: bad arguments to read_dataset");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_dataset_impl(r, path, dims, rank, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* The n strings of raw (variable length: raw holds char *; fixed: n * size bytes) as
 * one block of n pointers followed by the texts; NULL when memory runs out. */
static char **string_block(const void *raw, size_t n, int variable, size_t size)
{
    size_t total = n * sizeof(char *);
    for (size_t i = 0; i < n; i++) {
        const char *s = variable ? ((char *const *)raw)[i] : (const char *)raw + i * size;
        total += (variable ? (s ? strlen(s) : 0) : strnlen(s, size)) + 1;
    }
    char **block = malloc(total ? total : 1);
    if (!block)
        return NULL;
    char *text = (char *)(block + n);
    for (size_t i = 0; i < n; i++) {
        const char *s = variable ? ((char *const *)raw)[i] : (const char *)raw + i * size;
        size_t len = variable ? (s ? strlen(s) : 0) : strnlen(s, size);
        memcpy(text, s ? s : "", len);
        text[len] = '\0';
        block[i] = text;
        text += len + 1;
    }
    return block;
}

static cr_status read_strings_impl(cr_results_reader *r, const char *path, size_t *n,
                                   char ***values, cr_diag *d)
{
    cr_i_results_ctx c = {r->path, d, CR_OK};
    if (!cr_i_results_path_exists(r->file, path))
        return cr_diag_set(d, CR_EINPUT, "%s: no %s", r->path, path);
    hsize_t len = 0;
    hid_t ds = cr_i_results_open_checked(&c, r->file, path, H5T_STRING, 1, NULL, &len);
    if (ds < 0)
        return c.status;
    hid_t t = H5Dget_type(ds), sp = H5Dget_space(ds); /* read as stored (no cset conversion) */
    int variable = t >= 0 ? H5Tis_variable_str(t) > 0 : 0;
    size_t size = t >= 0 ? H5Tget_size(t) : 0, count = (size_t)len;
    int overflow = 0;
    size_t bytes =
        cr_i_results_mul_size(count ? count : 1, variable ? sizeof(char *) : size + 1, &overflow);
    void *raw = NULL;
    char **block = NULL;
    int reclaim = 0; /* variable-length strings HDF5 allocated */
    if (t < 0 || sp < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    else if (overflow)
        c.status = cr_diag_set(d, CR_EINPUT, "%s: %s is too large", r->path, path);
    else if (!(raw = calloc(1, bytes)))
        c.status = cr_i_results_out_of_memory(r->path, d);
    else if (count > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0)
        cr_i_results_note_h5(&c, CR_EINPUT, "damaged results file: cannot read %s", path);
    else {
        reclaim = variable && count > 0;
        if (!(block = string_block(raw, count, variable, size)))
            c.status = cr_i_results_out_of_memory(r->path, d);
    }
    if (reclaim)
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(t, sp, H5P_DEFAULT, raw);
#else
        H5Dvlen_reclaim(t, sp, H5P_DEFAULT, raw);
#endif
    free(raw);
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(ds);
    if (c.status != CR_OK) {
        free(block);
        return c.status;
    }
    *n = count;
    *values = block;
    return CR_OK;
}

cr_status cr_results_read_strings(cr_results_reader *r, const char *path, size_t *n, char ***values,
                                  cr_diag *d)
{
    if (!r || !path || !path[0] || !n || !values)
        return cr_diag_set(d, CR_EINVAL, "results reader: bad arguments to read_strings");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = read_strings_impl(r, path, n, values, d);
    cr_i_results_quiet_end(q);
    return s;
}

/* The object at path opened (H5Oopen), or -1 when it does not exist. */
static hid_t open_object(cr_results_reader *r, const char *path)
{
    if (strcmp(path, "/") != 0 && !cr_i_results_path_exists(r->file, path))
        return -1;
    return H5Oopen(r->file, path, H5P_DEFAULT);
}

const char *cr_results_read_object_attr(cr_results_reader *r, const char *path, const char *name)
{
    if (!r || !path || !path[0] || !name)
        return "";
    /* cached with the root attributes under "PATH\nNAME" (no attribute name has '\n') */
    size_t klen = strlen(path) + strlen(name) + 2;
    char *key = malloc(klen);
    if (!key)
        return "";
    snprintf(key, klen, "%s\n%s", path, name);
    for (size_t i = 0; i < r->nattrs; i++)
        if (strcmp(r->attrs[i].name, key) == 0) {
            free(key);
            return r->attrs[i].value;
        }
    if (r->nattrs == r->capattrs) {
        size_t cap = r->capattrs ? 2 * r->capattrs : 8;
        attr_entry *p = realloc(r->attrs, cap * sizeof *p);
        if (!p) {
            free(key);
            return "";
        }
        r->attrs = p;
        r->capattrs = cap;
    }
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hid_t obj = open_object(r, path);
    char *value = obj >= 0 ? cr_i_results_str_attr(obj, name) : NULL;
    if (obj >= 0)
        H5Oclose(obj);
    cr_i_results_quiet_end(q);
    if (!value) {
        free(key);
        return "";
    }
    r->attrs[r->nattrs].name = key;
    r->attrs[r->nattrs].value = value;
    r->nattrs++;
    return value;
}

int cr_results_read_number_attr(cr_results_reader *r, const char *path, const char *name,
                                double *value)
{
    if (!r || !path || !path[0] || !name || !value)
        return 0;
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    hid_t obj = open_object(r, path);
    int ok = 0;
    if (obj >= 0 && H5Aexists(obj, name) > 0) {
        hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
        hid_t t = a >= 0 ? H5Aget_type(a) : -1, sp = a >= 0 ? H5Aget_space(a) : -1;
        H5T_class_t tc = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
        double v;
        ok = (tc == H5T_INTEGER || tc == H5T_FLOAT) && sp >= 0 &&
             H5Sget_simple_extent_npoints(sp) == 1 && H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0;
        if (ok)
            *value = v;
        if (sp >= 0)
            H5Sclose(sp);
        if (t >= 0)
            H5Tclose(t);
        if (a >= 0)
            H5Aclose(a);
    }
    if (obj >= 0)
        H5Oclose(obj);
    cr_i_results_quiet_end(q);
    return ok;
}
