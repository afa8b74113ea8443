/* The `file` guarantee-network generator: edge lists from CSV files and HDF5
 * datasets (models/netfile.h).
 *
 * Both readers check each row with the same functions (check_index, check_amount,
 * add_edge) and collect the rows in input order; finish() then merges duplicates
 * through the CSR builder of core/graph.h (which sums them in input order and
 * sorts the edges) and reads the merged edges back. CSV lines come from the
 * shared reader of core/csv.h (plain commas, one pair of surrounding quotes
 * removed, extra fields counted); core/netio's edge check works on string node
 * ids ("debtor", "creditor"), so the checks for integer SME indices are here.
 */
#include "models/netfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "core/config.h"
#include "core/csv.h"

#define MAX_FIELDS 64 /* fields stored; more are only counted */
#define WHERE_MAX 2400

enum { COL_GUARANTOR, COL_BORROWER, COL_AMOUNT, NCOLS };
static const char *const col_name[NCOLS] = {"guarantor", "borrower", "amount"};

/* ------------------------------------------------------------------ rows */

/* The rows read so far, in input order. */
typedef struct {
    cr_edge *e;
    size_t n, cap;
} edge_list;

/* Checks the value of an index column: an integer in 0..n-1. text (may be NULL)
 * is the field as written, for messages. */
static cr_status check_index(const char *where, int col, double v, const char *text, size_t n,
                             uint32_t *out, cr_diag *d)
{
    if (!isfinite(v) || v != floor(v)) {
        if (text)
            return cr_diag_set(d, CR_EINPUT,
                               "%s: column '%s': expected an SME index (an integer), got '%s'",
                               where, col_name[col], text);
        return cr_diag_set(d, CR_EINPUT,
                           "%s: column '%s': expected an SME index (an integer), got %.17g", where,
                           col_name[col], v);
    }
    if (n == 0)
        return cr_diag_set(d, CR_EINPUT,
                           "%s: column '%s': SME %.17g does not exist (population.smes is 0)",
                           where, col_name[col], v);
    if (v < 0.0 || v >= (double)n)
        return cr_diag_set(d, CR_EINPUT, "%s: column '%s': SME %.17g is outside 0..%zu (%s)", where,
                           col_name[col], v, n - 1, "population.smes");
    *out = (uint32_t)v;
    return CR_OK;
}

static cr_status check_amount(const char *where, double v, const char *text, cr_diag *d)
{
    char buf[40];
    if (!text) {
        snprintf(buf, sizeof buf, "%.17g", v);
        text = buf;
    }
    if (!isfinite(v))
        return cr_diag_set(d, CR_EINPUT, "%s: column 'amount': expected a finite number, got '%s'",
                           where, text);
    if (v < 0.0)
        return cr_diag_set(d, CR_EINPUT, "%s: column 'amount': must not be negative, got %s", where,
                           text);
    return CR_OK;
}

/* Checks one row (the values of its three columns; text[k] may be NULL) and
 * appends it to the list. */
static cr_status add_edge(edge_list *l, const char *where, const double *v, const char *const *text,
                          size_t n, cr_diag *d)
{
    uint32_t idx[2];
    for (int k = COL_GUARANTOR; k <= COL_BORROWER; k++) {
        cr_status st = check_index(where, k, v[k], text[k], n, &idx[k], d);
        if (st != CR_OK)
            return st;
    }
    cr_status st = check_amount(where, v[COL_AMOUNT], text[COL_AMOUNT], d);
    if (st != CR_OK)
        return st;
    if (idx[0] == idx[1])
        return cr_diag_set(d, CR_EINPUT, "%s: self-loop: SME %u guarantees itself (not allowed)",
                           where, (unsigned)idx[0]);
    if (l->n == l->cap) {
        size_t c = l->cap ? 2 * l->cap : 64;
        cr_edge *e = c <= SIZE_MAX / sizeof *e ? realloc(l->e, c * sizeof *e) : NULL;
        if (!e)
            return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", where);
        l->e = e;
        l->cap = c;
    }
    l->e[l->n++] = (cr_edge){idx[0], idx[1], v[COL_AMOUNT]};
    return CR_OK;
}

/* Merges duplicate rows (amounts summed in input order) into edges sorted by
 * (guarantor, borrower). Frees the list. */
static cr_status finish(edge_list *l, const char *source, size_t n, cr_edge **edges, size_t *nedges,
                        cr_diag *d)
{
    if (l->n == 0) {
        free(l->e);
        *edges = NULL;
        *nedges = 0;
        return CR_OK;
    }
    cr_graph *g = NULL;
    cr_status st = cr_graph_create_from_edges(n, l->e, l->n, &g, d);
    free(l->e);
    l->e = NULL;
    if (st != CR_OK)
        return st;
    cr_edge *out = malloc(g->m * sizeof *out);
    if (!out) {
        cr_graph_free(&g);
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory for %zu edges", source, g->m);
    }
    size_t m = g->m;
    for (size_t i = 0; i < g->n && st == CR_OK; i++)
        for (size_t k = g->row_ptr[i]; k < g->row_ptr[i + 1]; k++) {
            out[k] = (cr_edge){(uint32_t)i, g->col[k], g->weight[k]};
            if (!isfinite(g->weight[k])) {
                st = cr_diag_set(d, CR_EINPUT,
                                 "%s: the amounts SME %zu guarantees to SME %u sum to more than "
                                 "the largest number",
                                 source, i, (unsigned)g->col[k]);
                break;
            }
        }
    cr_graph_free(&g);
    if (st != CR_OK) {
        free(out);
        return st;
    }
    *edges = out;
    *nedges = m;
    return CR_OK;
}

/* ------------------------------------------------------------------ CSV */

/* A number written as text: the whole field, finite or not. */
static int parse_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0';
}

/* An index field: digits with an optional sign (and an integral decimal form). */
static double parse_index(const char *s)
{
    double v;
    if (!s[0] || strspn(s, "+-0123456789.eE") != strlen(s) || !parse_number(s, &v))
        return NAN;
    return v;
}

/* Reads the header into col[] (the field of each column). */
static cr_status read_header(cr_csv *r, int *col, cr_diag *d)
{
    cr_status st = CR_OK;
    int got = cr_csv_next(r, &st, d);
    if (got < 0)
        return st;
    if (got == 0)
        return cr_diag_set(d, CR_EINPUT, "%s:1: empty file (expected the header '%s')", r->path,
                           CR_NETFILE_HEADER);
    int numeric = r->nf <= MAX_FIELDS;
    for (int f = 0; f < r->nf && f < MAX_FIELDS && numeric; f++) {
        double v;
        numeric = parse_number(r->field[f], &v);
    }
    if (numeric) { /* data where the header should be: rebuild the line for the message */
        char line[256] = "";
        for (int f = 0; f < r->nf; f++) {
            size_t len = strlen(line);
            snprintf(line + len, sizeof line - len, "%s%s", f ? "," : "", r->field[f]);
        }
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: no header: the first line must be '%s', got '%s'",
                           r->path, cr_csv_line(r), CR_NETFILE_HEADER, line);
    }
    for (int k = 0; k < NCOLS; k++)
        col[k] = -1;
    for (int f = 0; f < r->nf; f++) {
        if (f >= MAX_FIELDS)
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: %d columns (expected the header '%s')",
                               r->path, cr_csv_line(r), r->nf, CR_NETFILE_HEADER);
        const char *h = r->field[f];
        int k = 0;
        while (k < NCOLS && strcmp(h, col_name[k]) != 0)
            k++;
        if (k == NCOLS) {
            const char *best = h[0] ? cr_suggest(h, col_name, NCOLS) : NULL;
            return cr_diag_set(d, CR_EINPUT,
                               "%s:%zu: unknown column '%s'%s%s%s (expected the header '%s')",
                               r->path, cr_csv_line(r), h, best ? "; did you mean '" : "",
                               best ? best : "", best ? "'?" : "", CR_NETFILE_HEADER);
        }
        if (col[k] >= 0)
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: column '%s' appears twice", r->path,
                               cr_csv_line(r), h);
        col[k] = f;
    }
    for (int k = 0; k < NCOLS; k++)
        if (col[k] < 0)
            return cr_diag_set(d, CR_EINPUT,
                               "%s:%zu: missing column '%s' (expected the header '%s')", r->path,
                               cr_csv_line(r), col_name[k], CR_NETFILE_HEADER);
    return CR_OK;
}

static cr_status read_csv(const char *path, size_t n, cr_edge **edges, size_t *nedges, cr_diag *d)
{
    cr_csv r;
    cr_status st = cr_csv_open(&r, path, MAX_FIELDS, 0, d);
    if (st != CR_OK)
        return st;
    int col[NCOLS];
    edge_list l = {0};
    st = read_header(&r, col, d);
    while (st == CR_OK && cr_csv_next(&r, &st, d) > 0) {
        char where[WHERE_MAX];
        snprintf(where, sizeof where, "%s:%zu", path, cr_csv_line(&r));
        if (r.nf != NCOLS) {
            st = cr_diag_set(d, CR_EINPUT, "%s: expected %d fields (%s), got %d", where, NCOLS,
                             CR_NETFILE_HEADER, r.nf);
            break;
        }
        double v[NCOLS];
        const char *text[NCOLS];
        for (int k = 0; k < NCOLS; k++)
            text[k] = r.field[col[k]];
        v[COL_GUARANTOR] = parse_index(text[COL_GUARANTOR]);
        v[COL_BORROWER] = parse_index(text[COL_BORROWER]);
        if (!parse_number(text[COL_AMOUNT], &v[COL_AMOUNT])) {
            st = cr_diag_set(d, CR_EINPUT, "%s: column 'amount': expected a number, got '%s'",
                             where, text[COL_AMOUNT]);
            break;
        }
        st = add_edge(&l, where, v, text, n, d);
    }
    cr_csv_close(&r);
    if (st != CR_OK) {
        free(l.e);
        return st;
    }
    return finish(&l, path, n, edges, nedges, d);
}

/* ------------------------------------------------------------------ HDF5 */

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t k = strlen(suffix);
    return len >= k && strncmp(s + len - k, suffix, k) == 0;
}

/* The length of the file part of "FILE.h5:/dataset", or 0 when path has none. */
static size_t h5_split(const char *path)
{
    for (const char *c = strstr(path, ":/"); c; c = strstr(c + 1, ":/")) {
        size_t len = (size_t)(c - path);
        if (ends_with(path, len, ".h5") || ends_with(path, len, ".hdf5"))
            return len;
    }
    return 0;
}

int cr_netfile_is_h5(const char *path)
{
    if (!path)
        return 0;
    size_t len = strlen(path);
    return h5_split(path) > 0 || ends_with(path, len, ".h5") || ends_with(path, len, ".hdf5");
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER:
        return "integer";
    case H5T_FLOAT:
        return "float";
    case H5T_COMPOUND:
        return "compound";
    case H5T_STRING:
        return "string";
    default:
        return "non-numeric";
    }
}

static int numeric(H5T_class_t c)
{
    return c == H5T_INTEGER || c == H5T_FLOAT;
}

/* Reads the m rows of dataset ds (named `name` in messages) into *rows: m x 3
 * doubles, malloc'd. CR_EINPUT for a dataset of the wrong shape or type. */
static cr_status h5_rows(hid_t ds, const char *name, double **rows, size_t *m, cr_diag *d)
{
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds), mem = -1;
    H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[H5S_MAX_RANK] = {0};
    if (rank > 0)
        H5Sget_simple_extent_dims(space, dims, NULL);
    cr_status st = CR_OK;
    int ok = 0;
    if (numeric(cls) && rank == 2 && dims[1] == NCOLS) {
        ok = 1;
        mem = H5Tcopy(H5T_NATIVE_DOUBLE);
    } else if (cls == H5T_COMPOUND && rank == 1) {
        ok = 1;
        for (int k = 0; k < NCOLS && ok; k++) {
            int i = H5Tget_member_index(type, col_name[k]);
            ok = i >= 0 && numeric(H5Tget_member_class(type, (unsigned)i));
        }
        if (ok && (mem = H5Tcreate(H5T_COMPOUND, NCOLS * sizeof(double))) >= 0)
            for (int k = 0; k < NCOLS; k++)
                H5Tinsert(mem, col_name[k], (size_t)k * sizeof(double), H5T_NATIVE_DOUBLE);
    }
    if (!ok) {
        char shape[160] = "";
        for (int k = 0; k < rank; k++) {
            size_t len = strlen(shape);
            snprintf(shape + len, sizeof shape - len, "%s%llu", k ? ", " : "",
                     (unsigned long long)dims[k]);
        }
        st = cr_diag_set(d, CR_EINPUT,
                         "%s: expected a 2-D numeric dataset of shape [m, 3] (guarantor, "
                         "borrower, amount) or a 1-D compound dataset with numeric members "
                         "guarantor, borrower and amount, got a %s dataset of shape [%s]",
                         name, class_name(cls), shape);
    } else {
        size_t count = (size_t)dims[0];
        double *buf = NULL;
        if ((hsize_t)count != dims[0] || count > SIZE_MAX / (NCOLS * sizeof(double)) ||
            !(buf = malloc(count * NCOLS * sizeof(double) + 1)))
            st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory for %llu rows", name,
                             (unsigned long long)dims[0]);
        else if (mem < 0 || (count && H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)) {
            free(buf);
            st = cr_diag_set(d, CR_EINPUT, "%s: cannot read the dataset", name);
        } else {
            *rows = buf;
            *m = count;
        }
    }
    if (mem >= 0)
        H5Tclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return st;
}

/* Reads dataset dset of the HDF5 file `file`; name ("FILE.h5:/dataset") prefixes
 * messages. HDF5's error printing is off. */
static cr_status h5_read_open(const char *file, const char *dset, const char *name, size_t n,
                              cr_edge **edges, size_t *nedges, cr_diag *d)
{
    struct stat sb;
    if (stat(file, &sb) != 0)
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", file, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", file, strerror(EISDIR));
    if (H5Fis_hdf5(file) <= 0)
        return cr_diag_set(d, CR_EINPUT, "%s: not an HDF5 file", file);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open the HDF5 file", file);
    cr_status st = CR_OK;
    double *rows = NULL;
    size_t m = 0;
    hid_t ds = H5Dopen2(f, dset, H5P_DEFAULT);
    if (ds < 0) {
        hid_t o = H5Oopen(f, dset, H5P_DEFAULT);
        st =
            cr_diag_set(d, CR_EINPUT, "%s: %s", name, o >= 0 ? "not a dataset" : "no such dataset");
        if (o >= 0)
            H5Oclose(o);
    } else {
        st = h5_rows(ds, name, &rows, &m, d);
        H5Dclose(ds);
    }
    H5Fclose(f);
    if (st != CR_OK)
        return st;
    edge_list l = {0};
    const char *const text[NCOLS] = {NULL, NULL, NULL};
    for (size_t i = 0; i < m && st == CR_OK; i++) {
        char where[WHERE_MAX];
        snprintf(where, sizeof where, "%s[%zu]", name, i);
        st = add_edge(&l, where, rows + i * NCOLS, text, n, d);
    }
    free(rows);
    if (st != CR_OK) {
        free(l.e);
        return st;
    }
    return finish(&l, name, n, edges, nedges, d);
}

static cr_status read_h5(const char *path, size_t n, cr_edge **edges, size_t *nedges, cr_diag *d)
{
    size_t len = h5_split(path);
    if (len == 0)
        return cr_diag_set(d, CR_EINPUT,
                           "%s: an HDF5 edge list needs a dataset: write %s:/DATASET (a [m, 3] "
                           "dataset of guarantor, borrower, amount)",
                           path, path);
    char *file = malloc(len + 1);
    if (!file)
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", path);
    memcpy(file, path, len);
    file[len] = '\0';
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through d */
    cr_status st = h5_read_open(file, path + len + 1, path, n, edges, nedges, d);
    H5Eset_auto2(H5E_DEFAULT, func, data);
    free(file);
    return st;
}

/* ------------------------------------------------------------------ API */

cr_status cr_netfile_read(const char *path, size_t n, cr_edge **edges, size_t *nedges, cr_diag *d)
{
    if (!path || !edges || !nedges)
        return cr_diag_set(d, CR_EINVAL, "network.edges: no path or no output");
    if (n > CR_GRAPH_MAX_NODES)
        return cr_diag_set(d, CR_EINVAL, "network: %zu nodes, more than the %zu allowed", n,
                           CR_GRAPH_MAX_NODES);
    return (cr_netfile_is_h5(path) ? read_h5 : read_csv)(path, n, edges, nedges, d);
}

static cr_status file_validate(const cr_netgen_params *p, cr_diag *d)
{
    if (!p->path || !p->path[0])
        return cr_diag_set(d, CR_ECONFIG,
                           "network.edges: the file generator needs the path of an edge list (a "
                           "CSV file with the header '%s', or FILE.h5:/DATASET)",
                           CR_NETFILE_HEADER);
    return CR_OK;
}

static cr_status file_generate(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                               cr_edge **edges, size_t *nedges, cr_diag *d)
{
    (void)pre; /* the network is given: no random draws */
    return cr_netfile_read(p->path, n, edges, nedges, d);
}

const cr_netgen_type cr_netgen_file = {
    "file", "an empirical edge list guarantor,borrower,amount (CSV or FILE.h5:/dataset)",
    file_validate, file_generate};
