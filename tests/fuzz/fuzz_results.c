/* libFuzzer target: the readers of HDF5 results files (core/results_read.c,
 * core/results_info.c) and the commands built on them.
 *
 * An input is used in one of two ways:
 *   - raw: an input that starts with the HDF5 signature is the results file itself
 *     (the seeds in corpus/results are small valid files made by `credere run` and
 *     `analyze`, repacked, and a few made with h5py). Mutating its bytes mostly
 *     exercises the HDF5 library's own parser, which does not validate damaged
 *     files (its crashes are reported as third-party by run.sh);
 *   - recipe: any other input is a list of choices (one byte each; a used-up input
 *     chooses 0) from which build_file() writes a results file through the HDF5
 *     API: root attributes of the right or a wrong type, the shape of
 *     /progress/done and the scales, the design, every metric, events, network
 *     tables, a panel and an earlier /analysis, each present, absent or
 *     inconsistent. The empty recipe is a small valid, complete file. This reaches
 *     the checks and arithmetic of credere's own code rather than HDF5's parser.
 * The file is written to a scratch file and read, in this order, by
 *   1. `credere info` (cr_results_info, output to /dev/null);
 *   2. the reader of merge, resume and plot (cr_results_read_*): open, the root
 *      attributes, the shape, the first FUZZ_MAX_UNITS units, the events, design
 *      and analysis datasets, vectors, tables, object attributes;
 *   3. `credere merge` of the file as the only part (cr_merge_files, output to a
 *      scratch file);
 *   4. `credere analyze` (cr_analyze, tables to /dev/null and, when the recipe asks,
 *      CSV files to a scratch directory; few bootstrap samples);
 *   5. the HDF5 edge list of the `file` network generator (cr_netfile_read of
 *      FILE.h5:/edges).
 * What must hold: no crash, leak, undefined behaviour or hang; a failure is a
 * status a damaged input may give (never CR_EINVAL, a programming error) with a
 * message, the readers' messages naming the file; the reader's answers are
 * consistent (shape at least 1 x 1 x 1); and no HDF5 object is left open (left_open()).
 * HDF5's automatic error printing is switched off.
 */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyze.h"
#include "core/results.h"
#include "core/results_read.h"
#include "experiments/runner.h"
#include "fuzz_util.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/netfile.h"

#define FUZZ_MAX_INPUT (1024 * 1024)
#define FUZZ_MAX_UNITS 16

static FILE *devnull;

/* What a damaged file may give; CR_EINVAL and CR_EUSAGE are programming errors. */
static const unsigned damaged = FUZZ_ALLOW(CR_EINPUT) | FUZZ_ALLOW(CR_ENOMEM) |
                                FUZZ_ALLOW(CR_EHDF5) | FUZZ_ALLOW(CR_EIO) | FUZZ_ALLOW(CR_ECONFIG) |
                                FUZZ_ALLOW(CR_ENUMERIC) | FUZZ_ALLOW(CR_EEXIST);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fuzz_init_process();
    if (!(devnull = fopen("/dev/null", "w")))
        fuzz_harness_fail("cannot open /dev/null");
    return 0;
}

/* ------------------------------------------------------------------ recipe */

typedef struct {
    const uint8_t *p;
    size_t n;
} recipe;

/* The next choice in [0, n): 0 once the recipe is used up. */
static unsigned pick(recipe *r, unsigned n)
{
    if (r->n == 0 || n <= 1)
        return 0;
    unsigned v = *r->p++;
    r->n--;
    return v % n;
}

/* A link creation list that makes missing groups on the way. */
static hid_t lcpl(void)
{
    static hid_t p = -1;
    if (p < 0) {
        p = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(p, 1);
    }
    return p;
}

/* A dataset of `type` with the given extents, filled from data (may be NULL). */
static void put_data(hid_t f, const char *path, hid_t type, int rank, const hsize_t *dims,
                     const void *data)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = sp >= 0 ? H5Dcreate2(f, path, type, sp, lcpl(), H5P_DEFAULT, H5P_DEFAULT) : -1;
    hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : 0;
    if (ds >= 0 && data && n > 0)
        H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    if (ds >= 0)
        H5Dclose(ds);
    if (sp >= 0)
        H5Sclose(sp);
}

/* A variable-length (how 0) or fixed-length (how 1) string type. */
static hid_t string_type(int fixed, size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, fixed ? (size ? size : 1) : H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* A dataset of variable-length strings, left empty. */
static void put_vlen(hid_t f, const char *path, int rank, const hsize_t *dims)
{
    hid_t t = string_type(0, 0);
    put_data(f, path, t, rank, dims, NULL);
    H5Tclose(t);
}

static void put_doubles(hid_t f, const char *path, int rank, const hsize_t *dims, const double *v)
{
    put_data(f, path, H5T_NATIVE_DOUBLE, rank, dims, v);
}

/* n strings as a 1-D dataset, variable or fixed length. */
static void put_strings(hid_t f, const char *path, const char *const *s, size_t n, int fixed)
{
    size_t w = 1;
    for (size_t i = 0; i < n; i++)
        w = strlen(s[i]) + 1 > w ? strlen(s[i]) + 1 : w;
    hid_t t = string_type(fixed, w);
    hsize_t dim = n;
    if (fixed) {
        char *buf = calloc(n ? n : 1, w);
        for (size_t i = 0; buf && i < n; i++)
            memcpy(buf + i * w, s[i], strlen(s[i]));
        put_data(f, path, t, 1, &dim, buf);
        free(buf);
    } else {
        put_data(f, path, t, 1, &dim, s);
    }
    H5Tclose(t);
}

/* A string attribute: how 0 variable length, 1 fixed length, 2 an integer, 3 two
 * strings, 4 absent. */
static void put_text_attr(hid_t obj, const char *name, const char *value, unsigned how)
{
    if (how >= 4)
        return;
    hsize_t two = 2;
    hid_t sp = how == 3 ? H5Screate_simple(1, &two, NULL) : H5Screate(H5S_SCALAR);
    hid_t t = how == 2 ? H5Tcopy(H5T_NATIVE_INT) : string_type(how == 1, strlen(value));
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int seven = 7;
    const char *two_values[2] = {value, value};
    if (a >= 0) {
        if (how == 2)
            H5Awrite(a, t, &seven);
        else if (how == 1)
            H5Awrite(a, t, value);
        else if (how == 3)
            H5Awrite(a, t, two_values);
        else
            H5Awrite(a, t, &value);
        H5Aclose(a);
    }
    H5Tclose(t);
    H5Sclose(sp);
}

/* An integer attribute: how 0 int64, 1 absent, 2 a string, 3 a double, 4 two
 * integers, 5 uint64. */
static void put_int_attr(hid_t obj, const char *name, long long v, unsigned how)
{
    if (how == 1 || how > 5)
        return;
    if (how == 2) {
        char s[32];
        snprintf(s, sizeof s, "%lld", v);
        put_text_attr(obj, name, s, 0);
        return;
    }
    hsize_t two = 2;
    hid_t sp = how == 4 ? H5Screate_simple(1, &two, NULL) : H5Screate(H5S_SCALAR);
    hid_t ft = how == 3 ? H5T_IEEE_F64LE : how == 5 ? H5T_STD_U64LE : H5T_STD_I64LE;
    hid_t a = H5Acreate2(obj, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
    double x = (double)v;
    long long vv[2] = {v, v};
    if (a >= 0) {
        H5Awrite(a, how == 3 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_LLONG, how == 3 ? (void *)&x : vv);
        H5Aclose(a);
    }
    H5Sclose(sp);
}

static const char *const mode_names[] = {
    "direct",     "single",        "joint_liability", "alliance",
    "china_4321", "italy_confidi", "no_such",         "a much longer mode name than any"};

/* The configuration text: a valid experiment of the given shape, or (choice) one
 * that does not match the file, none, or text from the recipe. */
static void put_config(hid_t f, recipe *r, size_t nc, size_t nr, size_t nt, unsigned flags)
{
    char text[2048];
    unsigned how = pick(r, 6);
    size_t burn = nt > 1 ? 1 : 0;
    unsigned b = pick(r, 4);
    burn = b == 1 ? 0 : b == 2 ? nt - 1 : b == 3 ? nt : burn;
    int o = snprintf(text, sizeof text,
                     "experiment: {name: fuzz, seed: 17, replications: %zu, periods: %zu, "
                     "burn_in: %zu}\npopulation: {smes: 20, banks: 2}\nmodes: [",
                     how == 1 ? nr + 1 : nr, nt, burn);
    for (size_t c = 0; c < nc && c < 6; c++)
        o += snprintf(text + o, sizeof text - (size_t)o, "%s%s", c ? ", " : "", mode_names[c]);
    o += snprintf(text + o, sizeof text - (size_t)o, "]\noutput: {events: %s, network: %s",
                  flags & 1 ? "true" : "false", flags & 2 ? "true" : "false");
    if (flags & 4)
        o += snprintf(text + o, sizeof text - (size_t)o,
                      ", panel: {smes: 2, every: 1, variables: [pd, debt]}");
    snprintf(text + o, sizeof text - (size_t)o, "}\n");
    if (how == 2)
        return;
    if (how == 3) { /* text from the recipe */
        size_t n = pick(r, 200), k = 0;
        for (; k < n && k < sizeof text - 1 && r->n > 0; k++)
            text[k] = (char)pick(r, 256);
        text[k] = '\0';
    }
    put_text_attr(f, "config", text, how == 4 ? 1 : how == 5 ? 2 : 0);
}

/* Writes the file the recipe describes to path. */
static void build_file(const char *path, recipe *r)
{
    static const size_t cells_of[] = {2, 1, 3, 6, 0, 24};
    static const size_t reps_of[] = {2, 1, 3, 0, 12};
    static const size_t periods_of[] = {3, 1, 2, 8, 0, 16};
    size_t nc = cells_of[pick(r, 6)], nr = reps_of[pick(r, 5)], nt = periods_of[pick(r, 6)];
    unsigned flags = pick(r, 8); /* events, network, panel in the configuration */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, pick(r, 2) ? H5F_LIBVER_LATEST : H5F_LIBVER_EARLIEST,
                         H5F_LIBVER_LATEST);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0)
        fuzz_harness_fail("cannot create the recipe's HDF5 file");

    /* root attributes */
    unsigned fh = pick(r, 6);
    put_text_attr(f, "format", fh == 5 ? "credere-network" : "credere-results", fh);
    unsigned vh = pick(r, 7);
    put_int_attr(f, "format_version", vh == 6 ? 2 : 1, vh);
    unsigned sh = pick(r, 7);
    put_int_attr(f, "seed", sh == 6 ? -1 : 17, sh);
    static const char *const status[] = {"complete", "running", "interrupted", ""};
    put_text_attr(f, "status", status[pick(r, 4)], pick(r, 5));
    put_int_attr(f, "threads", 2, pick(r, 6));
    put_text_attr(f, "history", "2026-01-01T00:00:00Z started\nsecond line\n", pick(r, 5));
    put_text_attr(f, "shard", "1/2", pick(r, 5) + 1);
    put_config(f, r, nc, nr, nt, flags);

    /* /progress/done and the scales */
    size_t units = nc * nr;
    uint8_t *done = malloc(units + 64); /* also for a [cell] vector */
    for (size_t u = 0; u < units + 64; u++)
        done[u] = pick(r, 8) == 7 ? 0 : 1;
    hsize_t d2[2] = {nc, nr}, d3[3] = {nc, nr, nt};
    switch (pick(r, 7)) {
    case 0:
        put_data(f, "progress/done", H5T_NATIVE_UINT8, 2, d2, done);
        break;
    case 1: /* another rank */
        put_data(f, "progress/done", H5T_NATIVE_UINT8, 1, d2, done);
        break;
    case 2: /* another shape */
        d2[1]++;
        put_data(f, "progress/done", H5T_NATIVE_UINT8, 2, d2, NULL);
        d2[1]--;
        break;
    case 3: /* floating point */
        put_data(f, "progress/done", H5T_NATIVE_DOUBLE, 2, d2, NULL);
        break;
    case 4: /* a group */
        H5Gclose(H5Gcreate2(f, "progress/done", lcpl(), H5P_DEFAULT, H5P_DEFAULT));
        break;
    case 5: /* values other than 0 and 1 */
        for (size_t u = 0; u < units; u++)
            done[u] = (uint8_t)pick(r, 256);
        put_data(f, "progress/done", H5T_NATIVE_UINT8, 2, d2, done);
        break;
    default: /* absent */
        break;
    }
    free(done);
    const char *scale[3] = {"cell", "replication", "period"};
    hsize_t len[3] = {nc, nr, nt};
    for (int i = 0; i < 3; i++) {
        unsigned how = pick(r, 6);
        hsize_t n = how == 1 ? len[i] + 1 : len[i], sq[2] = {len[i], len[i]};
        if (how == 2)
            put_data(f, scale[i], H5T_NATIVE_INT, 2, sq, NULL);
        else if (how == 3)
            H5Gclose(H5Gcreate2(f, scale[i], lcpl(), H5P_DEFAULT, H5P_DEFAULT));
        else if (how == 5)
            put_vlen(f, scale[i], 1, &n);
        else if (how != 4)
            put_data(f, scale[i], H5T_NATIVE_INT, 1, &n, NULL);
    }

    /* /design */
    const char *modes[64];
    size_t nm = nc;
    unsigned mh = pick(r, 6);
    if (mh == 3)
        nm = nc + 1;
    for (size_t c = 0; c < nm && c < 64; c++)
        modes[c] = mode_names[mh == 4 ? pick(r, 8) : c % 6];
    if (mh <= 1 || mh >= 3)
        put_strings(f, "design/mode", modes, nm < 64 ? nm : 64, mh == 1);
    else
        put_data(f, "design/mode", H5T_NATIVE_INT, 1, &len[0], NULL);
    hid_t g = H5Gopen2(f, "design", H5P_DEFAULT);
    if (g < 0)
        g = H5Gcreate2(f, "design", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    put_text_attr(g, "method", pick(r, 2) ? "saltelli" : "none", pick(r, 5));
    put_text_attr(g, "parameters", "economy.cycle_ar1\nbank.margin", pick(r, 5) + 1);
    put_int_attr(g, "points", (long long)nc, pick(r, 6) + 1);
    H5Gclose(g);
    for (unsigned k = pick(r, 3), j = 0; j < k; j++) {
        double v[64];
        for (size_t c = 0; c < 64; c++)
            v[c] = 0.5 + 0.1 * (double)c;
        hsize_t n = pick(r, 4) == 3 ? nc + 1 : nc;
        put_doubles(f, j ? "design/bank.margin" : "design/economy.cycle_ar1", 1, &n, v);
    }

    /* /metrics: every metric [cell, replication, period], one of them perhaps odd */
    size_t nv = nc * nr * nt;
    double *v = malloc((nv + 512) * sizeof *v); /* also for the datasets of other shapes */
    unsigned special = pick(r, 6);
    for (size_t k = 0; k < nv + 512; k++)
        v[k] = 0.01 * (double)(k % 7) + 0.001 * (double)k;
    if (nv > 0 && special == 1)
        v[pick(r, 256) % nv] = NAN;
    if (nv > 0 && special == 2)
        v[pick(r, 256) % nv] = INFINITY;
    if (nv > 0 && special == 3)
        v[pick(r, 256) % nv] = -1e308;
    if (special == 4)
        for (size_t k = 0; k < nv; k++)
            v[k] = 1.0;
    unsigned odd = pick(r, 8), which = pick(r, CR_METRIC_COUNT);
    const cr_var_desc *metrics = cr_metric_table();
    for (unsigned m = 0; m < CR_METRIC_COUNT; m++) {
        char p[128];
        snprintf(p, sizeof p, "metrics/%s", metrics[m].name);
        hsize_t dd[3] = {nc, nr, nt};
        if (m == CR_M_CASCADE_MAX && special == 5) { /* cascades without events */
            for (size_t k = 0; k < nv; k++)
                v[k] = (double)(k % 4);
        }
        if (m != which || odd == 0)
            put_doubles(f, p, 3, dd, v);
        else if (odd == 1) /* absent */
            continue;
        else if (odd == 2)
            put_data(f, p, H5T_NATIVE_INT, 3, dd, NULL);
        else if (odd == 3)
            put_doubles(f, p, 2, dd, v);
        else if (odd == 4)
            dd[2]++, put_doubles(f, p, 3, dd, NULL);
        else if (odd == 5)
            H5Gclose(H5Gcreate2(f, p, lcpl(), H5P_DEFAULT, H5P_DEFAULT));
        else if (odd == 6) /* an extra dataset of another shape */
            put_doubles(f, p, 3, dd, v), put_doubles(f, "metrics/zzz_extra", 1, dd, v);
        else
            put_vlen(f, p, 3, dd);
    }
    if (pick(r, 16) == 15) /* a metric the credere of this file did not know */
        put_doubles(f, "metrics/aaa_unknown", 3, d3, v);

    /* /events/defaults */
    unsigned eh = pick(r, 6);
    if (eh > 0) {
        size_t rows = pick(r, 12);
        hid_t t = H5Tcreate(H5T_COMPOUND, 8 * 8);
        static const char *const fields[8] = {"cell",    "replication", "period", "sme",
                                              "cascade", "round",       "loan",   "cause"};
        for (int k = 0; k < 8; k++) {
            if (eh == 2 && k == 4)
                continue; /* no cascade */
            H5Tinsert(t, fields[k], (size_t)k * 8,
                      eh == 3 && k == 0 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_LLONG);
        }
        long long *ev = calloc(rows * 8 + 1, sizeof *ev);
        for (size_t i = 0; i < rows; i++) {
            long long *e = ev + i * 8;
            e[0] = (long long)pick(r, (unsigned)nc + 2); /* may name a cell not in the file */
            e[1] = (long long)pick(r, (unsigned)nr + 2);
            e[2] = (long long)pick(r, (unsigned)nt + 1) - 1;
            e[3] = pick(r, 40);
            e[4] = pick(r, 4);
            e[5] = pick(r, 3);
            e[7] = pick(r, 4);
            if (eh == 3)
                memcpy(&e[0], &(double){(double)e[0] + 0.5}, sizeof(double));
        }
        hsize_t n = rows, sq[2] = {rows, 2};
        if (eh == 4)
            put_data(f, "events/defaults", t, 2, sq, NULL);
        else if (eh == 5)
            put_doubles(f, "events/defaults", 1, &n, NULL);
        else
            put_data(f, "events/defaults", t, 1, &n, ev);
        free(ev);
        H5Tclose(t);
    }

    /* /network: vectors [replication] and the tables of replication 0 */
    if (pick(r, 3)) {
        const cr_var_desc *nvars = cr_model_net_info_vars();
        hsize_t n = pick(r, 4) == 3 ? nr + 1 : nr;
        for (int k = 0; k < CR_NET_INFO_COUNT; k++) {
            char p[128];
            snprintf(p, sizeof p, "network/%s", nvars[k].name);
            if (pick(r, 8) != 7)
                put_doubles(f, p, 1, &n, v);
        }
        static const char *const cols[2][4] = {{"guarantor", "borrower", "share", "row"},
                                               {"degree", "borrowers", "guarantors", "row"}};
        for (int tb = 0; tb < 2; tb++) {
            hsize_t rows = pick(r, 6);
            for (int k = 0; k < 4; k++) {
                char p[128];
                snprintf(p, sizeof p, "network/%s_replication_0/%s", tb ? "degrees" : "edges",
                         cols[tb][k]);
                hsize_t m = pick(r, 6) == 5 ? rows + 1 : rows;
                double w[8] = {0, 1, 2, 3, 4, 5, 6, 7};
                if (pick(r, 8) != 7)
                    put_doubles(f, p, 1, &m, w);
            }
        }
    }

    /* /panel: the configuration's panel {smes: 2, every: 1, variables: [pd, debt]} */
    if (pick(r, 3)) {
        hsize_t dp[4] = {nc, nr, nt, pick(r, 4) == 3 ? 3 : 2};
        size_t np = nc * nr * nt * (size_t)dp[3];
        double *pv = calloc(np + 1, sizeof *pv);
        put_doubles(f, "panel/pd", 4, dp, pv);
        if (pick(r, 4) != 3)
            put_doubles(f, "panel/debt", 4, dp, pv);
        free(pv);
    }

    /* an earlier /analysis (analyze replaces it) and the /edges of the network file */
    if (pick(r, 3) == 2) {
        hsize_t da[2] = {nc, CR_METRIC_COUNT};
        double *a = calloc(nc * CR_METRIC_COUNT + 1, sizeof *a);
        put_doubles(f, "analysis/summary/mean", 2, da, a);
        free(a);
    }
    unsigned eg = pick(r, 4);
    if (eg) {
        double e[12] = {0, 1, 2.5, 1, 2, 1, 0, 1, 0.5, 63, (eg == 3 ? 63 : 0), 0};
        hsize_t de[2] = {4, 3};
        put_doubles(f, "edges", eg == 2 ? 1 : 2, de, e);
    }
    free(v);
    H5Fclose(f);
}

/* ------------------------------------------------------------------ the readers */

static void check_named(const char *who, cr_status st, const cr_diag *d, const char *path)
{
    fuzz_check_status(who, st, d, damaged);
    if (st == CR_OK || st == CR_ENOMEM)
        return;
    size_t n = strlen(path);
    FUZZ_ASSERT(strncmp(d->msg, path, n) == 0 && d->msg[n] == ':',
                "%s: the message does not start with the file name: '%s'", who, d->msg);
}

/* 2. the reader, as merge, resume, analyze and plot use it */
static void fuzz_reader(const char *path)
{
    cr_results_reader *r = NULL;
    cr_diag d = {{0}};
    cr_status st = cr_results_read_open(path, &r, &d);
    check_named("read_open", st, &d, path);
    if (st != CR_OK) {
        FUZZ_ASSERT(r == NULL, "a failed open set its handle");
        return;
    }
    static const char *const attrs[] = {"config", "status",  "experiment", "history",
                                        "shard",  "created", "format"};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        FUZZ_ASSERT(cr_results_read_attr(r, attrs[i]) != NULL, "attribute %s", attrs[i]);
    size_t nc = cr_results_read_ncells(r), nr = cr_results_read_nreplications(r),
           np = cr_results_read_nperiods(r);
    FUZZ_ASSERT(nc >= 1 && nr >= 1 && np >= 1, "shape %zu x %zu x %zu", nc, nr, np);
    const uint8_t *done = cr_results_read_done(r);
    FUZZ_ASSERT(done != NULL, "no /progress/done");
    (void)cr_results_read_seed(r);

    const cr_var_desc *metrics = cr_metric_table();
    double *values = malloc(CR_METRIC_COUNT * np * sizeof *values);
    if (!values)
        fuzz_harness_fail("out of memory");
    size_t units = nc * nr < FUZZ_MAX_UNITS ? nc * nr : FUZZ_MAX_UNITS;
    for (size_t u = 0; u < units; u++) {
        memset(&d, 0, sizeof d);
        st = cr_results_read_unit(r, u / nr, u % nr, CR_METRIC_COUNT, metrics, values, &d);
        check_named("read_unit", st, &d, path);
    }
    free(values);
    cr_event *ev = NULL;
    size_t nev = 0;
    memset(&d, 0, sizeof d);
    st = cr_results_read_events(r, &ev, &nev, &d);
    check_named("read_events", st, &d, path);
    free(ev);

    static const char *const strings[] = {"/design/mode", "/analysis/metric", "/period"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        size_t n = 0;
        char **s = NULL;
        memset(&d, 0, sizeof d);
        if (!cr_results_read_has(r, strings[i]))
            continue;
        st = cr_results_read_strings(r, strings[i], &n, &s, &d);
        check_named("read_strings", st, &d, path);
        for (size_t k = 0; st == CR_OK && k < n; k++)
            FUZZ_ASSERT(s[k] != NULL, "string %zu of %s", k, strings[i]);
        free(s);
    }
    static const char *const datasets[] = {"/period",
                                           "cell",
                                           "/progress/done",
                                           "/analysis/summary/mean",
                                           "/design/mode",
                                           "/events/defaults",
                                           "/design/economy.cycle_ar1",
                                           "//metrics/./default_rate",
                                           "/panel/pd"};
    for (size_t i = 0; i < sizeof datasets / sizeof datasets[0]; i++) {
        size_t dims[3];
        int rank = -1;
        double *dv = NULL;
        memset(&d, 0, sizeof d);
        st = cr_results_read_dataset(r, datasets[i], dims, &rank, &dv, &d);
        check_named("read_dataset", st, &d, path);
        FUZZ_ASSERT(st != CR_OK || (rank >= 0 && rank <= 3 && dv), "%s: rank %d", datasets[i],
                    rank);
        free(dv);
    }
    double *vec = malloc(nr * sizeof *vec);
    if (!vec)
        fuzz_harness_fail("out of memory");
    memset(&d, 0, sizeof d);
    st = cr_results_read_vector(r, "network", "mean_degree", vec, &d);
    check_named("read_vector", st, &d, path);
    free(vec);
    static const cr_var_desc cols[3] = {
        {.name = "guarantor"}, {.name = "borrower"}, {.name = "share"}};
    double *tab = NULL;
    size_t rows = 0;
    memset(&d, 0, sizeof d);
    st = cr_results_read_table(r, "network", "edges_replication_0", 3, cols, &tab, &rows, &d);
    check_named("read_table", st, &d, path);
    free(tab);
    double x;
    (void)cr_results_read_number_attr(r, "/design", "points", &x);
    (void)cr_results_read_number_attr(r, "/", "threads", &x);
    FUZZ_ASSERT(cr_results_read_object_attr(r, "/design", "method") != NULL, "method");
    FUZZ_ASSERT(cr_results_read_object_attr(r, "/", "status") != NULL, "status");
    FUZZ_ASSERT(cr_results_read_object_attr(r, "/metrics/default_rate", "units") != NULL, "units");
    cr_results_read_close(&r);
    FUZZ_ASSERT(r == NULL, "close left the handle");
}

/* Set when a step reported that HDF5 could not close the file ("cannot close"). */
static int close_failed;

static void note_close(cr_status st, const cr_diag *d)
{
    if (st != CR_OK && strstr(d->msg, "cannot close"))
        close_failed = 1;
}

/* No HDF5 object may be left open. One exception is not credere's: when the close of
 * a damaged file fails (HDF5 cannot flush its metadata), credere reports it (the
 * command's "cannot close", exit status 1) but HDF5 keeps the file's identifier and
 * crashes on any later close of it. Then only files may be open, and the fuzzer
 * stops all the same (the next input would reuse the path HDF5 holds) with a
 * message that run.sh files under the HDF5 library. */
static void left_open(void)
{
    ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open == 0)
        return;
    ssize_t files = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE);
    FUZZ_ASSERT(close_failed && files == open, "%zd HDF5 objects left open", open);
    fprintf(stderr, "fuzz check failed: HDF5 refused to close a damaged file (libhdf5 keeps it "
                    "open)\n");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return -1; /* not added to the corpus */
    const char *path = fuzz_path("results.h5"), *merged = fuzz_path("merged.h5");
    const char *csv = fuzz_path("csv");
    static const uint8_t signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    int raw = size >= 8 && memcmp(data, signature, 8) == 0;
    recipe rc = {data, size};
    if (raw)
        fuzz_write(path, data, size);
    else
        build_file(path, &rc);
    int with_csv = !raw && pick(&rc, 2);

    /* 1. info */
    cr_diag d = {{0}};
    cr_status st = cr_results_info(path, devnull, &d);
    check_named("info", st, &d, path);

    /* 2. the reader */
    fuzz_reader(path);

    /* 3. merge */
    const char *parts[1] = {path};
    cr_run_summary sum;
    memset(&sum, 0, sizeof sum);
    memset(&d, 0, sizeof d);
    st = cr_merge_files(parts, 1, merged, true, "fuzz merge", &sum, &d);
    fuzz_check_status("merge", st, &d, damaged);
    note_close(st, &d);
    cr_run_summary_free(&sum);
    remove(merged);

    /* 4. analyze (writes /analysis into the file) */
    cr_analyze_opts o = {.path = path,
                         .level = 0.95,
                         .bootstrap = 16,
                         .csv_dir = with_csv ? csv : NULL,
                         .force = true,
                         .out = devnull};
    memset(&d, 0, sizeof d);
    st = cr_analyze(&o, &d);
    fuzz_check_status("analyze", st, &d, damaged);
    note_close(st, &d);
    if (with_csv)
        fuzz_empty_dir(csv);

    /* 5. the HDF5 edge list of the network generator */
    char spec[FUZZ_PATH_MAX + 16];
    int len = snprintf(spec, sizeof spec, "%s:/edges", path);
    if (len < 0 || (size_t)len >= sizeof spec)
        fuzz_harness_fail("scratch path too long");
    cr_edge *e = NULL;
    size_t m = 0;
    memset(&d, 0, sizeof d);
    st = cr_netfile_read(spec, 64, &e, &m, &d);
    fuzz_check_status("netfile", st, &d, damaged);
    note_close(st, &d);
    for (size_t k = 0; st == CR_OK && k < m; k++)
        FUZZ_ASSERT(e[k].from < 64 && e[k].to < 64 && e[k].from != e[k].to &&
                        isfinite(e[k].weight) && e[k].weight >= 0,
                    "edge %zu: %u -> %u, %g", k, (unsigned)e[k].from, (unsigned)e[k].to,
                    e[k].weight);
    free(e);

    left_open();
    return 0;
}
