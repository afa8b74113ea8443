/* The HDF5 results file, format_version 1: the `info` reader (cr_results_info).
 *
 * Checks that a file is a credere results file of this format_version, reads
 * everything it shows (root attributes, shape, design, metric names, progress)
 * and only then prints, so that a damaged file prints nothing but the error.
 * HDF5's automatic error printing is off while it runs (results_impl.h).
 */
#include "core/results.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/results_impl.h"

/* Rows of the design table that `info` prints before summarising the rest. */
#define INFO_MAX_DESIGN_ROWS 100

/* ------------------------------------------------------------------ reading helpers */

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* A string attribute (variable or fixed length, one element) as a malloc'd
 * string; NULL when missing or not a string. */
char *cr_i_results_str_attr(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1; /* read as stored: cset conversions do not exist */
    hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
    char *res = NULL;
    if (t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_STRING &&
        H5Sget_simple_extent_npoints(sp) == 1) {
        if (H5Tis_variable_str(t) > 0) {
            char *v = NULL;
            if (H5Aread(a, t, &v) >= 0 && v) {
                res = strdup(v);
                H5free_memory(v);
            }
        } else {
            res = calloc(H5Tget_size(t) + 1, 1);
            if (res && H5Aread(a, t, res) < 0) {
                free(res);
                res = NULL;
            }
        }
    }
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return res;
}

/* A scalar integer attribute read as mtype (H5T_NATIVE_LLONG or _ULLONG); 0 if ok. */
int cr_i_results_int_attr(hid_t obj, const char *name, hid_t mtype, void *out)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1, sp = a >= 0 ? H5Aget_space(a) : -1;
    int ok = t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_INTEGER &&
             H5Sget_simple_extent_npoints(sp) == 1 && H5Aread(a, mtype, out) >= 0;
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return ok ? 0 : -1;
}

/* Opens loc/name, which must have rank `rank` and, where want[i] > 0, extent
 * want[i]; its extent goes to dims. Failures are noted as a damaged file. */
static hid_t open_dataset(cr_i_results_ctx *c, hid_t loc, const char *name, int rank,
                          const hsize_t *want, hsize_t *dims)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT), sp = ds >= 0 ? H5Dget_space(ds) : -1;
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == rank &&
             H5Sget_simple_extent_dims(sp, dims, NULL) == rank;
    for (int i = 0; ok && i < rank; i++)
        ok = !want || want[i] == 0 || dims[i] == want[i];
    if (!ok)
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read %s", name);
    if (sp >= 0)
        H5Sclose(sp);
    if (!ok && ds >= 0)
        H5Dclose(ds);
    return ok ? ds : -1;
}

/* n strings of a 1-D string dataset as malloc'd copies; NULL on failure. The writer
 * stores /design/mode as variable-length strings; fixed-length ones (h5py, other
 * writers) are read too, as cr_results_read_strings does. */
static char **get_strings(hid_t ds, size_t n)
{
    char **res = calloc(n ? n : 1, sizeof *res);
    hid_t t = H5Dget_type(ds); /* read as stored, like get_str_attr */
    int variable = t >= 0 && H5Tget_class(t) == H5T_STRING ? H5Tis_variable_str(t) : -1;
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    int ok = res && variable >= 0 && (variable > 0 || size > 0);
    if (ok && variable > 0) {
        char **v = calloc(n ? n : 1, sizeof *v);
        ok = v && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
        for (size_t i = 0; ok && i < n; i++)
            ok = (res[i] = strdup(v[i] ? v[i] : "")) != NULL;
        for (size_t i = 0; v && i < n; i++)
            H5free_memory(v[i]);
        free(v);
    } else if (ok) {
        char *buf = n <= (SIZE_MAX - 1) / size ? malloc(n * size + 1) : NULL;
        ok = buf && (n == 0 || H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
        for (size_t i = 0; ok && i < n; i++)
            ok = (res[i] = strndup(buf + i * size, size)) != NULL;
        free(buf);
    }
    if (t >= 0)
        H5Tclose(t);
    if (!ok) {
        free_names(res, res ? n : 0);
        res = NULL;
    }
    return res;
}

herr_t cr_i_results_collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    cr_i_results_names *l = data;
    if (l->skip && strcmp(name, l->skip) == 0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p)
            return -1;
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

/* ------------------------------------------------------------------ info */

/* Root string attributes that info shows. */
static const char *const info_attrs[] = {
    "status",        "experiment", "software_version", "git_revision", "compiler",
    "compile_flags", "build_type", "library_versions", "created",      "host",
    "command_line",  "shard",      "history"};
#define NINFO_ATTRS (sizeof info_attrs / sizeof info_attrs[0])

/* Everything `info` shows, read before anything is printed. */
typedef struct {
    char *attr[NINFO_ATTRS]; /* as info_attrs; NULL when not recorded */
    char seed[32], threads[32];
    char *method, *streams, *dparams; /* /design attributes (NULL: not recorded) */
    hsize_t ncells, nreps, nperiods;
    size_t ndone;
    char **mode;                /* [ncells] (NULL until read) */
    cr_i_results_names metrics; /* names under /metrics */
    cr_i_results_names params;  /* names under /design except mode */
    double *values;             /* [params.n * ncells], by parameter */
} info_data;

/* A root string attribute read by info, or "(not recorded)". */
static const char *attr_text(const info_data *x, const char *name)
{
    for (size_t i = 0; i < NINFO_ATTRS; i++)
        if (strcmp(info_attrs[i], name) == 0 && x->attr[i])
            return x->attr[i];
    return "(not recorded)";
}

static void info_free(info_data *x)
{
    for (size_t i = 0; i < NINFO_ATTRS; i++)
        free(x->attr[i]);
    free_names(x->mode, x->mode ? (size_t)x->ncells : 0);
    free_names(x->metrics.names, x->metrics.n);
    free_names(x->params.names, x->params.n);
    free(x->values);
}

/* Reads the data sets of an already validated file into x. */
static int info_read(cr_i_results_ctx *c, hid_t f, info_data *x)
{
    hsize_t dims[2], n;
    hid_t ds = open_dataset(c, f, "/progress/done", 2, NULL, dims);
    if (ds < 0)
        return -1;
    if (dims[0] == 0 || dims[1] == 0 || dims[0] > SIZE_MAX / dims[1]) { /* as the reader */
        c->status = cr_diag_set(c->d, CR_EINPUT,
                                "%s: damaged results file: /progress/done has shape [%llu, %llu]",
                                c->path, (unsigned long long)dims[0], (unsigned long long)dims[1]);
        H5Dclose(ds);
        return -1;
    }
    x->ncells = dims[0]; /* > 0: the datasets of one value per cell must have this length */
    x->nreps = dims[1];
    size_t total = (size_t)dims[0] * (size_t)dims[1];
    uint8_t *done = malloc(total);
    int ok = done && H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) >= 0;
    if (!done)
        c->status = cr_diag_set(c->d, CR_ENOMEM, "%s: out of memory", c->path);
    else if (!ok)
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read /progress/done");
    for (size_t i = 0; ok && i < total; i++)
        x->ndone += done[i] != 0;
    free(done);
    H5Dclose(ds);
    if (!ok || (ds = open_dataset(c, f, "/period", 1, NULL, &x->nperiods)) < 0)
        return -1;
    H5Dclose(ds);
    if ((ds = open_dataset(c, f, "/design/mode", 1, &x->ncells, &n)) < 0)
        return -1;
    if (!(x->mode = get_strings(ds, (size_t)n)))
        cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read /design/mode");
    H5Dclose(ds);
    if (!x->mode)
        return -1;

    cr_i_results_names *lists[2] = {&x->metrics, &x->params};
    x->params.skip = "mode"; /* design parameters: every /design dataset but mode */
    const char *groups[2] = {"/metrics", "/design"};
    for (int k = 0; k < 2; k++) {
        hid_t g = H5Gopen2(f, groups[k], H5P_DEFAULT);
        hsize_t idx = 0;
        if (g < 0 || H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, cr_i_results_collect_name,
                                lists[k]) < 0)
            cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot list %s", groups[k]);
        if (g >= 0)
            H5Gclose(g);
        if (c->status != CR_OK)
            return -1;
    }
    /* every metric [cell, replication, period] of floating-point numbers, checked as
     * the reader of analyze, plot and merge checks it */
    hsize_t mwant[3] = {x->ncells, x->nreps, x->nperiods}, mdims[3];
    for (size_t j = 0; j < x->metrics.n; j++) {
        char name[1024];
        snprintf(name, sizeof name, "/metrics/%s", x->metrics.names[j]);
        if ((ds = cr_i_results_open_checked(c, f, name, H5T_FLOAT, 3, mwant, mdims)) < 0)
            return -1;
        H5Dclose(ds);
    }
    size_t np = x->params.n, nvalues = np * (size_t)x->ncells;
    x->values = malloc((nvalues ? nvalues : 1) * sizeof *x->values);
    if (!x->values) {
        c->status = cr_diag_set(c->d, CR_ENOMEM, "%s: out of memory", c->path);
        return -1;
    }
    for (size_t j = 0; j < np; j++) {
        char name[1024];
        snprintf(name, sizeof name, "/design/%s", x->params.names[j]);
        if ((ds = open_dataset(c, f, name, 1, &x->ncells, &n)) < 0)
            return -1;
        if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    x->values + j * x->ncells) < 0)
            cr_i_results_note_h5(c, CR_EINPUT, "damaged results file: cannot read %s", name);
        H5Dclose(ds);
        if (c->status != CR_OK)
            return -1;
    }
    return 0;
}

static void info_print(FILE *out, const char *path, const info_data *x)
{
    size_t total = (size_t)(x->ncells * x->nreps);
    fprintf(out, "file:            %s\n", path);
    fprintf(out, "format:          %s %d\n", CR_FORMAT_NAME, CR_FORMAT_VERSION);
    fprintf(out, "experiment:      %s\n", attr_text(x, "experiment"));
    fprintf(out, "status:          %s\n", attr_text(x, "status"));
    fprintf(out, "units done:      %zu of %zu (%.1f%%)\n", x->ndone, total,
            total ? 100.0 * (double)x->ndone / (double)total : 0.0);
    fprintf(out, "cells:           %zu (modes:", (size_t)x->ncells);
    for (size_t i = 0; i < x->ncells; i++) { /* distinct modes, first-seen order */
        size_t k = 0;
        while (k < i && strcmp(x->mode[k], x->mode[i]) != 0)
            k++;
        if (k == i)
            fprintf(out, "%s %s", i ? "," : "", x->mode[i]);
    }
    fprintf(out, ")\n");
    fprintf(out, "replications:    %zu\n", (size_t)x->nreps);
    fprintf(out, "periods:         %zu\n", (size_t)x->nperiods);
    fprintf(out, "metrics:         %zu (", x->metrics.n);
    for (size_t m = 0; m < x->metrics.n; m++)
        fprintf(out, "%s%s", m ? ", " : "", x->metrics.names[m]);
    fprintf(out, ")\n");
    fprintf(out, "software:        credere %s (git %s)\n", attr_text(x, "software_version"),
            attr_text(x, "git_revision"));
    fprintf(out, "compiler:        %s (%s)\n", attr_text(x, "compiler"),
            attr_text(x, "build_type"));
    fprintf(out, "flags:           %s\n", attr_text(x, "compile_flags"));
    fprintf(out, "libraries:       %s\n", attr_text(x, "library_versions"));
    fprintf(out, "created:         %s\n", attr_text(x, "created"));
    fprintf(out, "host:            %s\n", attr_text(x, "host"));
    fprintf(out, "seed:            %s\n", x->seed);
    fprintf(out, "threads:         %s\n", x->threads);
    fprintf(out, "command line:    %s\n", attr_text(x, "command_line"));
    if (x->attr[NINFO_ATTRS - 2] && x->attr[NINFO_ATTRS - 2][0])
        fprintf(out, "shard:           %s (units u with u mod N = I - 1)\n",
                x->attr[NINFO_ATTRS - 2]);
    const char *h = x->attr[NINFO_ATTRS - 1];
    if (h && h[0]) {
        fprintf(out, "history:\n");
        while (*h) {
            size_t n = strcspn(h, "\n");
            fprintf(out, "  %.*s\n", (int)n, h);
            h += n + (h[n] == '\n');
        }
    }
    if (strcmp(attr_text(x, "status"), "complete") != 0) {
        char jp[4096];
        struct stat sb;
        snprintf(jp, sizeof jp, "%s.journal", path);
        if (stat(jp, &sb) == 0)
            fprintf(out,
                    "journal:         %s (%lld bytes): finished units of an unfinished run; "
                    "`credere run ... --resume` continues it\n",
                    jp, (long long)sb.st_size);
    }
    if (x->method) {
        fprintf(out, "design method:   %s, %s random numbers", x->method,
                x->streams ? x->streams : "common");
        if (x->dparams && x->dparams[0]) {
            fprintf(out, "; parameters:");
            for (const char *q = x->dparams; *q;) {
                size_t n = strcspn(q, "\n");
                fprintf(out, " %.*s", (int)n, q);
                q += n + (q[n] == '\n');
            }
        }
        fputc('\n', out);
    }

    /* Design table: cell, mode, one column per parameter. */
    int mw = 4;
    for (size_t i = 0; i < x->ncells; i++)
        if ((int)strlen(x->mode[i]) > mw)
            mw = (int)strlen(x->mode[i]);
    fprintf(out, "design:\n  %6s  %-*s", "cell", mw, "mode");
    for (size_t j = 0; j < x->params.n; j++)
        fprintf(out, "  %12s", x->params.names[j]); /* a longer name sets its own width */
    fputc('\n', out);
    size_t rows = x->ncells < INFO_MAX_DESIGN_ROWS ? (size_t)x->ncells : INFO_MAX_DESIGN_ROWS;
    for (size_t i = 0; i < rows; i++) {
        fprintf(out, "  %6zu  %-*s", i, mw, x->mode[i]);
        for (size_t j = 0; j < x->params.n; j++) {
            int w = (int)strlen(x->params.names[j]);
            fprintf(out, "  %*.6g", w > 12 ? w : 12, x->values[j * x->ncells + i]);
        }
        fputc('\n', out);
    }
    if (rows < x->ncells)
        fprintf(out, "  ... %zu more cells\n", (size_t)x->ncells - rows);
}

static cr_status info_impl(const char *path, FILE *out, cr_diag *d)
{
    cr_i_results_ctx c = {path, d, CR_OK};
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (H5Fis_hdf5(path) <= 0)
        return cr_diag_set(d, CR_EINPUT, "%s: not a credere results file (not an HDF5 file)", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        cr_i_results_note_h5(&c, CR_EINPUT, "cannot open");
        return c.status;
    }
    char *format = cr_i_results_str_attr(f, "format");
    long long version = 0;
    if (!format)
        c.status = cr_diag_set(d, CR_EINPUT,
                               "%s: not a credere results file (no 'format' attribute)", path);
    else if (strcmp(format, CR_FORMAT_NAME) != 0)
        c.status = cr_diag_set(d, CR_EINPUT, "%s: not a credere results file (format is '%s')",
                               path, format);
    else if (cr_i_results_int_attr(f, "format_version", H5T_NATIVE_LLONG, &version) < 0)
        c.status = cr_diag_set(d, CR_EINPUT,
                               "%s: not a credere results file (no integer format_version)", path);
    else if (version != CR_FORMAT_VERSION)
        c.status = cr_diag_set(d, CR_EINPUT,
                               "%s: format_version %lld is not supported (this credere reads %d)",
                               path, version, CR_FORMAT_VERSION);
    free(format);
    if (c.status != CR_OK) {
        H5Fclose(f);
        return c.status;
    }
    info_data x;
    memset(&x, 0, sizeof x);
    for (size_t i = 0; i < NINFO_ATTRS; i++)
        x.attr[i] = cr_i_results_str_attr(f, info_attrs[i]);
    unsigned long long seed;
    long long threads;
    snprintf(x.seed, sizeof x.seed, "(not recorded)");
    snprintf(x.threads, sizeof x.threads, "(not recorded)");
    if (cr_i_results_int_attr(f, "seed", H5T_NATIVE_ULLONG, &seed) == 0)
        snprintf(x.seed, sizeof x.seed, "%llu", seed);
    else /* as the reader: a file without its seed cannot be reproduced */
        c.status = cr_diag_set(d, CR_EINPUT,
                               "%s: damaged results file: no integer 'seed' attribute", path);
    if (cr_i_results_int_attr(f, "threads", H5T_NATIVE_LLONG, &threads) == 0)
        snprintf(x.threads, sizeof x.threads, "%lld", threads);
    hid_t dg = H5Lexists(f, "design", H5P_DEFAULT) > 0 ? H5Gopen2(f, "design", H5P_DEFAULT) : -1;
    if (dg >= 0) {
        x.method = cr_i_results_str_attr(dg, "method");
        x.streams = cr_i_results_str_attr(dg, "streams");
        x.dparams = cr_i_results_str_attr(dg, "parameters");
        H5Gclose(dg);
    }
    if (c.status == CR_OK && info_read(&c, f, &x) == 0)
        info_print(out, path, &x);
    free(x.method);
    free(x.streams);
    free(x.dparams);
    info_free(&x);
    if (H5Fclose(f) < 0 && c.status == CR_OK)
        cr_i_results_note_h5(&c, CR_EHDF5, "cannot close");
    return c.status;
}

cr_status cr_results_info(const char *path, FILE *out, cr_diag *d)
{
    if (!path || !out)
        return cr_diag_set(d, CR_EINVAL, "results info: no file or no output stream");
    cr_i_results_quiet q = cr_i_results_quiet_begin();
    cr_status s = info_impl(path, out, d);
    cr_i_results_quiet_end(q);
    return s;
}
