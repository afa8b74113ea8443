/* Network files: CSV readers for the node and edge tables, the output writers
 * (CSV and HDF5) and the `credere network` job (see netio.h). */
#include "core/netio.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/config.h"
#include "core/csv.h"
#include "cr_buildinfo.h"

#define CSV_MAX_FIELDS 32

/* The node index: open addressing with linear probing, kept under half full. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

size_t cr_netio_nodes_find(const cr_netio_nodes *nd, const char *id)
{
    if (!nd || !nd->index || !id)
        return CR_NETIO_NONE;
    for (size_t s = hash_str(id) & (nd->index_cap - 1);; s = (s + 1) & (nd->index_cap - 1)) {
        uint32_t v = nd->index[s];
        if (v == 0)
            return CR_NETIO_NONE;
        if (strcmp(nd->id[v - 1], id) == 0)
            return v - 1;
    }
}

/* Adds node i (not yet present); when the table would be half full, doubles it and
 * adds every node again. */
static int index_add(cr_netio_nodes *nd, size_t i)
{
    size_t from = i;
    if (2 * (i + 1) >= nd->index_cap) {
        size_t cap = nd->index_cap ? 2 * nd->index_cap : 64;
        uint32_t *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return -1;
        free(nd->index);
        nd->index = slot;
        nd->index_cap = cap;
        from = 0;
    }
    for (size_t k = from; k <= i; k++) {
        size_t s = hash_str(nd->id[k]) & (nd->index_cap - 1);
        while (nd->index[s])
            s = (s + 1) & (nd->index_cap - 1);
        nd->index[s] = (uint32_t)(k + 1);
    }
    return 0;
}

/* ------------------------------------------------------------------ CSV reading */

/* The shared reader (core/csv.h) with RFC 4180 quotes and at most
 * CSV_MAX_FIELDS fields, plus the width the header sets. */
typedef struct {
    cr_csv c;
    int ncols;            /* fields every record must have (0: the header is not read yet) */
    const char *expected; /* the header, for messages */
} csv_reader;

/* Reads the next record and checks its width. Returns 1 with a record, 0 at the
 * end of the file, -1 on error (*st and d set). */
static int csv_next(csv_reader *r, cr_status *st, cr_diag *d)
{
    int got = cr_csv_next(&r->c, st, d);
    if (got > 0 && r->ncols && r->c.nf != r->ncols) {
        *st = cr_diag_set(d, CR_EINPUT, "%s:%zu: expected %d fields (%s), got %d", r->c.path,
                          cr_csv_line(&r->c), r->ncols, r->expected, r->c.nf);
        return -1;
    }
    return got;
}

static cr_status csv_open(csv_reader *r, const char *path, cr_diag *d)
{
    *r = (csv_reader){.ncols = 0};
    return cr_csv_open(&r->c, path, CSV_MAX_FIELDS, CR_CSV_QUOTED | CR_CSV_FIELD_LIMIT, d);
}

/* Reads the header and maps each of the ncols known columns to its field index
 * (col[k], -1 when absent); later records must have as many fields. `expected`
 * is the header shown in messages. */
static cr_status csv_header(csv_reader *r, const char *const *names, const int *required, int ncols,
                            int *col, const char *expected, cr_diag *d)
{
    r->expected = expected;
    cr_status st = CR_OK;
    int got = csv_next(r, &st, d);
    if (got < 0)
        return st;
    if (got == 0)
        return cr_diag_set(d, CR_EINPUT, "%s:1: empty file (expected the header '%s')", r->c.path,
                           expected);
    for (int k = 0; k < ncols; k++)
        col[k] = -1;
    for (int f = 0; f < r->c.nf; f++) {
        const char *h = r->c.field[f];
        int k = 0;
        while (k < ncols && strcmp(h, names[k]) != 0)
            k++;
        if (k == ncols) {
            const char *best = h[0] ? cr_suggest(h, names, (size_t)ncols) : NULL;
            return cr_diag_set(d, CR_EINPUT,
                               "%s:%zu: unknown column '%s'%s%s%s (expected the header '%s')",
                               r->c.path, cr_csv_line(&r->c), h, best ? "; did you mean '" : "",
                               best ? best : "", best ? "'?" : "", expected);
        }
        if (col[k] >= 0)
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: column '%s' appears twice", r->c.path,
                               cr_csv_line(&r->c), h);
        col[k] = f;
    }
    for (int k = 0; k < ncols; k++)
        if (required[k] && col[k] < 0)
            return cr_diag_set(d, CR_EINPUT,
                               "%s:%zu: missing column '%s' (expected the header '%s')", r->c.path,
                               cr_csv_line(&r->c), names[k], expected);
    r->ncols = r->c.nf;
    return CR_OK;
}

/* Parses a finite number from the field `name` of the current record. */
static cr_status csv_number(const csv_reader *r, const char *name, const char *s, double *v,
                            cr_diag *d)
{
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end)
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: %s: expected a number, got '%s'", r->c.path,
                           cr_csv_line(&r->c), name, s);
    if (!isfinite(x))
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: %s: expected a finite number, got '%s'",
                           r->c.path, cr_csv_line(&r->c), name, s);
    *v = x;
    return CR_OK;
}

/* Reallocates *p to n items of `size` bytes; *p is kept on failure. */
static int resize(void **p, size_t n, size_t size)
{
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

/* ------------------------------------------------------------------ nodes */

void cr_netio_nodes_free(cr_netio_nodes **nodes)
{
    if (!nodes || !*nodes)
        return;
    cr_netio_nodes *nd = *nodes;
    for (size_t i = 0; i < nd->n; i++)
        free(nd->id[i]);
    free(nd->id);
    free(nd->external_assets);
    free(nd->external_liabilities);
    free(nd->equity);
    free(nd->shock);
    free(nd->line);
    free(nd->index);
    free(nd);
    *nodes = NULL;
}

enum { NC_ID, NC_EA, NC_EL, NC_EQ, NC_SH, NC_COUNT };
static const char *const node_cols[NC_COUNT] = {"id", "external_assets", "external_liabilities",
                                                "equity", "shock"};

/* Appends the current record of the node file to nd (capacity *cap). */
static cr_status add_node(cr_netio_nodes *nd, size_t *cap, const csv_reader *r, const int *col,
                          unsigned flags, cr_diag *d)
{
    const char *id = r->c.field[col[NC_ID]];
    if (!id[0])
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: id: empty node id", r->c.path,
                           cr_csv_line(&r->c));
    size_t prev = cr_netio_nodes_find(nd, id);
    if (prev != CR_NETIO_NONE)
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: id: duplicate node id '%s' (first on line %zu)",
                           r->c.path, cr_csv_line(&r->c), id, nd->line[prev]);
    if (nd->n >= CR_GRAPH_MAX_NODES - 1)
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: too many nodes", r->c.path, cr_csv_line(&r->c));
    double v[NC_COUNT] = {0};
    for (int k = NC_EA; k < NC_COUNT; k++) {
        if (col[k] < 0)
            continue;
        cr_status st = csv_number(r, node_cols[k], r->c.field[col[k]], &v[k], d);
        if (st != CR_OK)
            return st;
    }
    for (int k = NC_EA; k <= NC_EL; k++)
        if (v[k] < 0.0)
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: %s: must not be negative, got %s", r->c.path,
                               cr_csv_line(&r->c), node_cols[k], r->c.field[col[k]]);
    if (col[NC_SH] >= 0 && !(v[NC_SH] >= 0.0 && v[NC_SH] <= 1.0))
        return cr_diag_set(d, CR_EINPUT, "%s:%zu: shock: expected a number in [0, 1], got %s",
                           r->c.path, cr_csv_line(&r->c), r->c.field[col[NC_SH]]);
    if ((flags & CR_NETIO_NEED_DEBTRANK) && !(v[NC_EQ] > 0.0))
        return cr_diag_set(d, CR_EINPUT,
                           "%s:%zu: equity: must be positive (DebtRank divides by it), got %s",
                           r->c.path, cr_csv_line(&r->c), r->c.field[col[NC_EQ]]);
    size_t i = nd->n;
    if (i == *cap) { /* the arrays share one capacity */
        size_t c = *cap ? 2 * *cap : 64;
        if (resize((void **)&nd->id, c, sizeof *nd->id) < 0 ||
            resize((void **)&nd->external_assets, c, sizeof(double)) < 0 ||
            resize((void **)&nd->external_liabilities, c, sizeof(double)) < 0 ||
            resize((void **)&nd->equity, c, sizeof(double)) < 0 ||
            resize((void **)&nd->shock, c, sizeof(double)) < 0 ||
            resize((void **)&nd->line, c, sizeof(size_t)) < 0)
            return cr_diag_set(d, CR_ENOMEM, "%s:%zu: out of memory", r->c.path,
                               cr_csv_line(&r->c));
        *cap = c;
    }
    if (!(nd->id[i] = strdup(id)))
        return cr_diag_set(d, CR_ENOMEM, "%s:%zu: out of memory", r->c.path, cr_csv_line(&r->c));
    nd->external_assets[i] = v[NC_EA];
    nd->external_liabilities[i] = v[NC_EL];
    nd->equity[i] = v[NC_EQ];
    nd->shock[i] = v[NC_SH];
    nd->line[i] = cr_csv_line(&r->c);
    nd->n++;
    if (index_add(nd, i) < 0)
        return cr_diag_set(d, CR_ENOMEM, "%s:%zu: out of memory", r->c.path, cr_csv_line(&r->c));
    return CR_OK;
}

cr_status cr_netio_read_nodes(const char *path, unsigned flags, cr_netio_nodes **out, cr_diag *d)
{
    if (!path || !out)
        return cr_diag_set(d, CR_EINVAL, "nodes: no file name or no output handle");
    int dr = (flags & CR_NETIO_NEED_DEBTRANK) != 0;
    const int required[NC_COUNT] = {1, 1, 1, dr, dr};
    const char *expected = dr ? "id,external_assets,external_liabilities,equity,shock"
                              : "id,external_assets,external_liabilities[,equity][,shock]";
    csv_reader r;
    cr_status st = csv_open(&r, path, d);
    if (st != CR_OK)
        return st;
    int col[NC_COUNT] = {-1, -1, -1, -1, -1};
    size_t cap = 0;
    cr_netio_nodes *nd = calloc(1, sizeof *nd);
    if (!nd) {
        cr_csv_close(&r.c);
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", path);
    }
    st = csv_header(&r, node_cols, required, NC_COUNT, col, expected, d);
    while (st == CR_OK && csv_next(&r, &st, d) > 0)
        st = add_node(nd, &cap, &r, col, flags, d);
    if (st == CR_OK && nd->n == 0)
        st = cr_diag_set(d, CR_EINPUT, "%s:%zu: no nodes: the file has only its header", path,
                         cr_csv_line(&r.c) + 1);
    cr_csv_close(&r.c);
    if (st != CR_OK) {
        cr_netio_nodes_free(&nd);
        return st;
    }
    for (int k = NC_EQ; k <= NC_SH; k++) { /* optional columns the file lacks */
        double **a = k == NC_EQ ? &nd->equity : &nd->shock;
        if (col[k] < 0)
            free(*a), *a = NULL;
    }
    *out = nd;
    return CR_OK;
}

/* ------------------------------------------------------------------ edges */

cr_status cr_netio_add_edge(const cr_netio_nodes *nodes, const char *where, const char *debtor,
                            const char *creditor, double amount, cr_edge **edges, size_t *nedges,
                            size_t *cap, cr_diag *d)
{
    const char *ids[2] = {debtor, creditor}, *role[2] = {"debtor", "creditor"};
    size_t idx[2];
    for (int k = 0; k < 2; k++) {
        idx[k] = cr_netio_nodes_find(nodes, ids[k]);
        if (idx[k] == CR_NETIO_NONE) {
            const char *best = cr_suggest(ids[k], (const char *const *)nodes->id, nodes->n);
            if (!ids[k][0])
                return cr_diag_set(d, CR_EINPUT, "%s: %s: empty node id", where, role[k]);
            return cr_diag_set(d, CR_EINPUT, "%s: %s: unknown node id '%s'%s%s%s", where, role[k],
                               ids[k], best ? "; did you mean '" : " (not in the node file)",
                               best ? best : "", best ? "'?" : "");
        }
    }
    if (idx[0] == idx[1])
        return cr_diag_set(d, CR_EINPUT,
                           "%s: self-loop: '%s' is both debtor and creditor (not allowed)", where,
                           debtor);
    if (!isfinite(amount))
        return cr_diag_set(d, CR_EINPUT, "%s: amount: expected a finite number, got %g", where,
                           amount);
    if (amount < 0.0)
        return cr_diag_set(d, CR_EINPUT, "%s: amount: must not be negative, got %.17g", where,
                           amount);
    if (*nedges == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        if (resize((void **)edges, c, sizeof **edges) < 0)
            return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", where);
        *cap = c;
    }
    (*edges)[(*nedges)++] = (cr_edge){(uint32_t)idx[0], (uint32_t)idx[1], amount};
    return CR_OK;
}

cr_status cr_netio_read_edges(const char *path, const cr_netio_nodes *nodes, cr_edge **edges,
                              size_t *nedges, cr_diag *d)
{
    if (!path || !nodes || !edges || !nedges)
        return cr_diag_set(d, CR_EINVAL, "edges: no file name, nodes or output");
    static const char *const names[3] = {"debtor", "creditor", "amount"};
    static const int required[3] = {1, 1, 1};
    const char *expected = "debtor,creditor,amount";
    csv_reader r;
    cr_status st = csv_open(&r, path, d);
    if (st != CR_OK)
        return st;
    int col[3] = {-1, -1, -1};
    cr_edge *list = NULL;
    size_t n = 0, cap = 0;
    st = csv_header(&r, names, required, 3, col, expected, d);
    while (st == CR_OK && csv_next(&r, &st, d) > 0) {
        char where[4200];
        snprintf(where, sizeof where, "%s:%zu", path, cr_csv_line(&r.c));
        double amount = 0.0;
        st = csv_number(&r, "amount", r.c.field[col[2]], &amount, d);
        if (st == CR_OK)
            st = cr_netio_add_edge(nodes, where, r.c.field[col[0]], r.c.field[col[1]], amount,
                                   &list, &n, &cap, d);
    }
    cr_csv_close(&r.c);
    if (st != CR_OK) {
        free(list);
        return st;
    }
    *edges = list;
    *nedges = n;
    return CR_OK;
}

/* ------------------------------------------------------------------ CSV output */

/* The shortest "%.Ng" that reads back to x. */
static void fmt_double(char *buf, size_t len, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* Writes an id, quoted when a reader would otherwise misread it ("" for a quote). */
static void put_id(FILE *f, const char *id)
{
    size_t len = strlen(id);
    int quote =
        len == 0 || strpbrk(id, ",\"\r\n") || strchr("# \t", id[0]) || strchr(" \t", id[len - 1]);
    if (quote)
        fputc('"', f);
    for (; *id; id++)
        fputs(quote && *id == '"' ? "\"\"" : (char[2]){*id, '\0'}, f);
    if (quote)
        fputc('"', f);
}

/* The results of one measure, for the writers. */
typedef struct {
    const cr_netio_job *job;
    const cr_netio_nodes *nodes;
    const double *value; /* payment or distress */
    const uint8_t *flag; /* defaulted (clearing) */
    cr_netio_summary *sum;
} results;

static void write_csv(FILE *f, const results *r)
{
    char num[40];
    int clearing = r->job->measure == CR_NETIO_CLEARING;
    fputs(clearing ? "id,payment,defaulted\n" : "id,distress\n", f);
    for (size_t i = 0; i < r->nodes->n; i++) {
        put_id(f, r->nodes->id[i]);
        fmt_double(num, sizeof num, r->value[i]);
        if (clearing)
            fprintf(f, ",%s,%d\n", num, r->flag[i] ? 1 : 0);
        else
            fprintf(f, ",%s\n", num);
    }
    if (!clearing) {
        fmt_double(num, sizeof num, r->sum->debtrank.total);
        fprintf(f, "# debtrank = %s\n", num);
    }
}

static cr_status output_exists(const char *path, cr_diag *d)
{
    return cr_diag_set(d, CR_EEXIST,
                       "%s: output exists; use --force to replace it (nothing was written)", path);
}

static cr_status save_csv(const char *path, bool force, const results *r, cr_diag *d)
{
    FILE *f = fopen(path, force ? "w" : "wx");
    if (!f) {
        if (errno == EEXIST)
            return output_exists(path, d);
        return cr_diag_set(d, CR_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    write_csv(f, r);
    int bad = ferror(f), e = errno;
    if (fclose(f) != 0 || bad) {
        unlink(path);
        return cr_diag_set(d, CR_EIO, "%s: cannot write: %s", path, strerror(bad ? e : errno));
    }
    return CR_OK;
}

/* ------------------------------------------------------------------ HDF5 output */

/* Writes a scalar attribute of type t (file and memory type). */
static int h5_attr(hid_t obj, const char *name, hid_t t, const void *value)
{
    hid_t sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = sp >= 0 && (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, t, value) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : -1;
}

/* group/name: n values of type t, with the units and long_name attributes (str:
 * the variable-length UTF-8 string type). */
static int h5_dataset(hid_t group, const char *name, hid_t t, size_t n, const void *data, hid_t str,
                      const char *units, const char *long_name)
{
    hsize_t dim = n;
    hid_t sp = H5Screate_simple(1, &dim, NULL), ds = -1;
    int ok = sp >= 0 &&
             (ds = H5Dcreate2(group, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0 &&
             h5_attr(ds, "units", str, &units) == 0 &&
             h5_attr(ds, "long_name", str, &long_name) == 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : -1;
}

/* Root attributes, then /network/clearing or /network/debtrank. */
static int h5_write(hid_t file, hid_t str, const results *r)
{
    char created[32] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *attrs[][2] = {{"format", CR_NETIO_FORMAT_NAME},
                              {"software_version", CR_VERSION_STRING},
                              {"git_revision", CR_GIT_REVISION},
                              {"created", created},
                              {"command_line", r->job->command_line ? r->job->command_line : ""}};
    int32_t version = CR_NETIO_FORMAT_VERSION;
    int ok = h5_attr(file, "format_version", H5T_NATIVE_INT32, &version) == 0;
    for (size_t k = 0; ok && k < sizeof attrs / sizeof attrs[0]; k++)
        ok = h5_attr(file, attrs[k][0], str, &attrs[k][1]) == 0;
    int clearing = r->job->measure == CR_NETIO_CLEARING;
    hid_t net = H5Gcreate2(file, "network", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = net < 0 ? -1
                      : H5Gcreate2(net, clearing ? "clearing" : "debtrank", H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT);
    size_t n = r->nodes->n;
    ok = ok && g >= 0 && h5_dataset(g, "id", str, n, r->nodes->id, str, "", "node id") == 0;
    if (ok && clearing) {
        int32_t rounds = r->sum->clearing.rounds;
        int64_t defaults = (int64_t)r->sum->clearing.defaults;
        ok = h5_dataset(g, "payment", H5T_NATIVE_DOUBLE, n, r->value, str,
                        "units of the input amounts", "Eisenberg-Noe clearing payment") == 0 &&
             h5_dataset(g, "defaulted", H5T_NATIVE_UINT8, n, r->flag, str, "1",
                        "1 when the node pays less than it owes") == 0 &&
             h5_attr(g, "rounds", H5T_NATIVE_INT32, &rounds) == 0 &&
             h5_attr(g, "defaults", H5T_NATIVE_INT64, &defaults) == 0;
    } else if (ok) {
        int32_t steps = r->sum->debtrank.steps;
        ok = h5_dataset(g, "distress", H5T_NATIVE_DOUBLE, n, r->value, str, "1",
                        "DebtRank final distress h_i(T)") == 0 &&
             h5_attr(g, "debtrank", H5T_NATIVE_DOUBLE, &r->sum->debtrank.total) == 0 &&
             h5_attr(g, "steps", H5T_NATIVE_INT32, &steps) == 0;
    }
    if (g >= 0)
        H5Gclose(g);
    if (net >= 0)
        H5Gclose(net);
    return ok ? 0 : -1;
}

static cr_status save_h5(const char *path, bool force, const results *r, cr_diag *d)
{
    H5E_auto2_t func;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through d */
    cr_status st = CR_OK;
    struct stat sb;
    hid_t f = H5Fcreate(path, force ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) {
        if (!force && lstat(path, &sb) == 0)
            st = output_exists(path, d);
        else
            st = cr_diag_set(d, CR_EIO, "%s: cannot create the HDF5 file", path);
    } else {
        hid_t str = H5Tcopy(H5T_C_S1); /* variable-length UTF-8: h5py reads str */
        int ok = str >= 0 && H5Tset_size(str, H5T_VARIABLE) >= 0 &&
                 H5Tset_cset(str, H5T_CSET_UTF8) >= 0 && h5_write(f, str, r) == 0;
        if (str >= 0)
            H5Tclose(str);
        if (H5Fclose(f) < 0)
            ok = 0;
        if (!ok) {
            unlink(path); /* ours: created or truncated above */
            st = cr_diag_set(d, CR_EHDF5, "%s: cannot write the network results", path);
        }
    }
    H5Eset_auto2(H5E_DEFAULT, func, data);
    return st;
}

/* ------------------------------------------------------------------ the job */

/* Output in HDF5: a name ending in .h5 or .hdf5. */
static bool is_h5(const char *p)
{
    size_t n = strlen(p);
    return (n >= 3 && !strcmp(p + n - 3, ".h5")) || (n >= 5 && !strcmp(p + n - 5, ".hdf5"));
}

cr_status cr_netio_run(const cr_netio_job *job, cr_netio_summary *sum, cr_diag *d)
{
    if (!job || !job->edges_path || !job->nodes_path || (!job->out_path && !job->stream))
        return cr_diag_set(d, CR_EINVAL, "network: incomplete job");
    struct stat sb;
    if (job->out_path && !job->force && lstat(job->out_path, &sb) == 0)
        return output_exists(job->out_path, d);
    int dr = job->measure == CR_NETIO_DEBTRANK;
    cr_netio_summary s = {0};
    cr_netio_nodes *nodes = NULL;
    cr_edge *edges = NULL;
    cr_graph *g = NULL;
    double *value = NULL;
    uint8_t *flag = NULL;
    cr_status st = cr_netio_read_nodes(job->nodes_path, dr ? CR_NETIO_NEED_DEBTRANK : 0, &nodes, d);
    if (st == CR_OK)
        st = cr_netio_read_edges(job->edges_path, nodes, &edges, &s.input_edges, d);
    if (st == CR_OK && nodes)
        st = cr_graph_create_from_edges(nodes->n, edges, s.input_edges, &g, d);
    if (st != CR_OK || !nodes || !g) /* (both are set when st is CR_OK) */
        goto done;
    s.nodes = g->n;
    s.edges = g->m;
    value = malloc(2 * g->n * sizeof *value + 1); /* payment or distress; economic values */
    flag = malloc(g->n + 1);
    if (!value || !flag) {
        st = cr_diag_set(d, CR_ENOMEM, "network: out of memory for %zu nodes", g->n);
        goto done;
    }
    if (!dr) {
        st = cr_clearing_solve(g, nodes->external_assets, nodes->external_liabilities, value, flag,
                               &s.clearing, d);
    } else {
        double *econ = value + g->n;
        st = cr_debtrank_values(g, nodes->external_assets, econ, d);
        if (st == CR_EINVAL)
            st = cr_diag_set(d, CR_EINPUT,
                             "%s: every node has zero assets (external_assets plus what it is "
                             "owed): DebtRank's relative economic values need a positive total",
                             job->nodes_path);
        if (st == CR_OK)
            st = cr_debtrank_compute(g, nodes->equity, nodes->shock, econ, value, &s.debtrank, d);
    }
    if (st == CR_OK) {
        results r = {job, nodes, value, flag, &s};
        if (!job->out_path) {
            write_csv(job->stream, &r);
            if (fflush(job->stream) != 0 || ferror(job->stream))
                st =
                    cr_diag_set(d, CR_EIO, "network: cannot write the output: %s", strerror(errno));
        } else {
            st = (is_h5(job->out_path) ? save_h5 : save_csv)(job->out_path, job->force, &r, d);
        }
    }
    if (st == CR_OK && sum)
        *sum = s;
done:
    free(value);
    free(flag);
    cr_graph_free(&g);
    free(edges);
    cr_netio_nodes_free(&nodes);
    return st;
}
