/* Tests of core/results_read.c: a file written by core/results.c is read back bit
 * for bit (metrics, progress, attributes, events, a vector, a table), and damaged,
 * truncated, foreign and newer files are refused with CR_EINPUT, quietly.
 */
#include "tests/harness.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/results.h"
#include "core/results_read.h"

#define NCELLS 2
#define NREPS 3
#define NPERIODS 4
#define NMETRICS 2
#define NROWS 5
#define NEVENTS 5

static char tmpdir[256];

static const char *const modes[NCELLS] = {"direct", "single"};
static const cr_var_desc metrics[NMETRICS] = {
    {"default_rate", "1", "share of SMEs in default"},
    {"losses", "EUR", "credit losses"},
};
static const cr_var_desc vectors[2] = {{"edges", "1", "edges of the network"},
                                       {"density", "1", "density of the network"}};
static const cr_var_desc columns[2] = {{"degree", "1", "degree"}, {"count", "1", "SMEs"}};
static const char *const config_yaml = "experiment:\n  name: read_test\n  seed: 7\n";
static const uint64_t seed = UINT64_C(18446744073709551557); /* > 2^63 */

/* Units written, in scrambled order; (0,2), (1,0) and (1,1) stay empty. */
static const size_t written[3][2] = {{1, 2}, {0, 0}, {0, 1}};

static int is_written(size_t c, size_t r)
{
    for (int k = 0; k < 3; k++)
        if (written[k][0] == c && written[k][1] == r)
            return 1;
    return 0;
}

/* The value of (cell, replication, metric, period): some of them awkward doubles
 * (negative zero, subnormal, infinity, 1/3) that must survive bit for bit. */
static double value(size_t c, size_t r, size_t m, size_t t)
{
    if (t == 0 && m == 0)
        return -0.0;
    if (t == 1 && m == 1)
        return DBL_MIN / 3.0;
    if (t == 2 && m == 1 && c == 1)
        return -INFINITY;
    return (1000.0 * (double)c + 100.0 * (double)r + 10.0 * (double)m + (double)t) / 3.0;
}

static double vector_value(size_t k, size_t r)
{
    return 0.1 * (double)(k + 1) + (double)r / 7.0;
}

static double column_value(size_t k, size_t row)
{
    return k == 0 ? (double)row : 1.0 / (double)(row + 3);
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void check_no_open_objects(void)
{
    CR_CHECK_MSG(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "%ld HDF5 objects still open",
                 (long)H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
}

/* The events of the file: 2 for unit (0, 0), 3 for unit (1, 2). */
static cr_event event_at(size_t k)
{
    cr_event e;
    memset(&e, 0, sizeof e);
    e.cell = k < 2 ? 0 : 1;
    e.replication = k < 2 ? 0 : 2;
    e.period = (int32_t)k - 1; /* -1: signedness survives */
    e.sme = (uint32_t)(10 * k + 3);
    e.cause = (uint8_t)(k % 3);
    e.cascade = (uint32_t)(10 * k);
    e.round = (int32_t)k;
    e.loan = k == 4 ? -0.0 : 1000.0 / (double)(k + 3);
    return e;
}

/* Writes the test file; with_extras adds events, vectors and a table. */
static cr_status write_file(const char *path, int with_extras, cr_diag *d)
{
    cr_results_spec s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.force = true;
    s.command_line = "credere run exp.yaml -o out.h5";
    s.config_yaml = config_yaml;
    s.experiment = "read_test";
    s.seed = seed;
    s.threads = 2;
    s.ncells = NCELLS;
    s.nreplications = NREPS;
    s.nperiods = NPERIODS;
    s.cell_mode = modes;
    s.nmetrics = NMETRICS;
    s.metrics = metrics;
    s.compression = 4;
    s.history = "merged from a.h5 and b.h5";
    cr_results *r = NULL;
    cr_status st = cr_results_create(&s, &r, d);
    if (st != CR_OK)
        return st;
    for (int k = 0; k < 3 && st == CR_OK; k++) {
        double v[NMETRICS * NPERIODS];
        size_t c = written[k][0], rep = written[k][1];
        for (size_t m = 0; m < NMETRICS; m++)
            for (size_t t = 0; t < NPERIODS; t++)
                v[m * NPERIODS + t] = value(c, rep, m, t);
        st = cr_results_write_unit(r, c, rep, v, d);
    }
    if (with_extras && st == CR_OK) {
        cr_event ev[NEVENTS];
        for (size_t k = 0; k < NEVENTS; k++)
            ev[k] = event_at(k);
        st = cr_results_append_events(r, 0, 0, ev, 2, d);
        if (st == CR_OK)
            st = cr_results_append_events(r, 1, 2, ev + 2, 3, d);
        double vv[2 * NREPS], tv[2 * NROWS];
        for (size_t k = 0; k < 2; k++)
            for (size_t i = 0; i < NREPS; i++)
                vv[k * NREPS + i] = vector_value(k, i);
        for (size_t k = 0; k < 2; k++)
            for (size_t i = 0; i < NROWS; i++)
                tv[k * NROWS + i] = column_value(k, i);
        if (st == CR_OK)
            st = cr_results_write_vectors(r, "network", 2, vectors, vv, d);
        if (st == CR_OK)
            st = cr_results_write_table(r, "network", "degrees_replication_0", NROWS, 2, columns,
                                        tv, d);
    }
    cr_status st2 = cr_results_close(&r, d);
    return st != CR_OK ? st : st2;
}

static void test_round_trip(void)
{
    char path[512];
    tmp_path(path, sizeof path, "round_trip.h5");
    cr_diag d;
    cr_diag_clear(&d);
    CR_REQUIRE(write_file(path, 1, &d) == CR_OK);
    check_no_open_objects();

    cr_results_reader *r = NULL;
    cr_status st = cr_results_read_open(path, &r, &d);
    CR_CHECK_MSG(st == CR_OK, "%s", d.msg);
    CR_REQUIRE(st == CR_OK);
    CR_CHECK(cr_results_read_ncells(r) == NCELLS);
    CR_CHECK(cr_results_read_nreplications(r) == NREPS);
    CR_CHECK(cr_results_read_nperiods(r) == NPERIODS);
    CR_CHECK(cr_results_read_seed(r) == seed);

    /* Attributes: present, absent, not a string; pointers stay valid. */
    const char *config = cr_results_read_attr(r, "config");
    CR_CHECK(strcmp(config, config_yaml) == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "experiment"), "read_test") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "format"), "credere-results") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "status"), "running") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "history"), "merged from a.h5 and b.h5") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "shard"), "") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "command_line"), "credere run exp.yaml -o out.h5") ==
             0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "no_such_attribute"), "") == 0);
    CR_CHECK(strcmp(cr_results_read_attr(r, "format_version"), "") == 0);
    CR_CHECK(cr_results_read_attr(r, "config") == config);
    CR_CHECK(strcmp(config, config_yaml) == 0);

    /* Progress. */
    const uint8_t *done = cr_results_read_done(r);
    CR_REQUIRE(done);
    for (size_t c = 0; c < NCELLS; c++)
        for (size_t rep = 0; rep < NREPS; rep++)
            CR_CHECK_MSG(done[c * NREPS + rep] == is_written(c, rep), "done[%zu][%zu] = %d", c, rep,
                         done[c * NREPS + rep]);

    /* Metrics, unit by unit: written units bit for bit, the others NaN. */
    for (size_t c = 0; c < NCELLS; c++)
        for (size_t rep = 0; rep < NREPS; rep++) {
            double got[NMETRICS * NPERIODS], want[NMETRICS * NPERIODS];
            CR_CHECK(cr_results_read_unit(r, c, rep, NMETRICS, metrics, got, &d) == CR_OK);
            for (size_t m = 0; m < NMETRICS; m++)
                for (size_t t = 0; t < NPERIODS; t++)
                    want[m * NPERIODS + t] = value(c, rep, m, t);
            if (is_written(c, rep)) {
                CR_CHECK_MSG(memcmp(got, want, sizeof got) == 0, "unit (%zu, %zu)", c, rep);
            } else {
                int nan = 1;
                for (size_t i = 0; i < NMETRICS * NPERIODS; i++)
                    nan = nan && isnan(got[i]);
                CR_CHECK_MSG(nan, "unwritten unit (%zu, %zu) is not NaN", c, rep);
            }
        }

    /* The caller's order, a subset, repeated names. */
    const cr_var_desc swapped[3] = {metrics[1], metrics[0], metrics[1]};
    double got3[3 * NPERIODS];
    CR_CHECK(cr_results_read_unit(r, 1, 2, 3, swapped, got3, &d) == CR_OK);
    for (size_t t = 0; t < NPERIODS; t++) {
        double w1 = value(1, 2, 1, t), w0 = value(1, 2, 0, t);
        CR_CHECK(memcmp(&got3[t], &w1, sizeof w1) == 0);
        CR_CHECK(memcmp(&got3[NPERIODS + t], &w0, sizeof w0) == 0);
        CR_CHECK(memcmp(&got3[2 * NPERIODS + t], &w1, sizeof w1) == 0);
    }

    /* A missing metric: CR_EINPUT naming it; values untouched. */
    const cr_var_desc missing[2] = {metrics[0], {"no_such_metric", "1", "?"}};
    double sentinel[2 * NPERIODS];
    for (size_t i = 0; i < 2 * NPERIODS; i++)
        sentinel[i] = 42.0;
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_unit(r, 0, 0, 2, missing, sentinel, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "no metric 'no_such_metric'");
    for (size_t i = 0; i < 2 * NPERIODS; i++)
        CR_CHECK(sentinel[i] == 42.0);
    CR_CHECK(cr_results_read_unit(r, NCELLS, 0, NMETRICS, metrics, sentinel, &d) == CR_EINVAL);
    CR_CHECK(cr_results_read_unit(r, 0, NREPS, NMETRICS, metrics, sentinel, &d) == CR_EINVAL);
    CR_CHECK(cr_results_read_unit(r, 0, 0, 0, NULL, NULL, &d) == CR_OK);

    /* Events, in file order. */
    cr_event *ev = NULL;
    size_t nev = 0;
    CR_CHECK(cr_results_read_events(r, &ev, &nev, &d) == CR_OK);
    CR_CHECK(nev == NEVENTS);
    for (size_t k = 0; ev && k < nev && k < NEVENTS; k++) {
        cr_event w = event_at(k);
        CR_CHECK_MSG(ev[k].cell == w.cell && ev[k].replication == w.replication &&
                         ev[k].period == w.period && ev[k].sme == w.sme && ev[k].cause == w.cause &&
                         ev[k].cascade == w.cascade && ev[k].round == w.round &&
                         memcmp(&ev[k].loan, &w.loan, sizeof w.loan) == 0,
                     "event %zu", k);
    }
    free(ev);

    /* Existence. */
    CR_CHECK(cr_results_read_has(r, "/network/edges") == 1);
    CR_CHECK(cr_results_read_has(r, "network/degrees_replication_0/row") == 1);
    CR_CHECK(cr_results_read_has(r, "/network") == 1);
    CR_CHECK(cr_results_read_has(r, "/") == 1);
    CR_CHECK(cr_results_read_has(r, "/network/nothing") == 0);
    CR_CHECK(cr_results_read_has(r, "/nothing/deeper/still") == 0);
    CR_CHECK(cr_results_read_has(r, "/network/edges/below_a_dataset") == 0);
    CR_CHECK(cr_results_read_has(NULL, "/network") == 0);
    CR_CHECK(cr_results_read_has(r, "") == 0);
    CR_CHECK(cr_results_read_has(r, "//network//edges/") == 1);

    /* Vectors. */
    for (size_t k = 0; k < 2; k++) {
        double got[NREPS], want[NREPS];
        for (size_t i = 0; i < NREPS; i++)
            want[i] = vector_value(k, i);
        CR_CHECK(cr_results_read_vector(r, "network", vectors[k].name, got, &d) == CR_OK);
        CR_CHECK_MSG(memcmp(got, want, sizeof got) == 0, "vector %s", vectors[k].name);
    }
    double vsent[NREPS] = {7, 7, 7};
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_vector(r, "network", "absent", vsent, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "/network/absent");
    CR_CHECK(vsent[0] == 7 && vsent[1] == 7 && vsent[2] == 7);
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_vector(r, "progress", "done", vsent, &d) == CR_EINPUT); /* 2-D */
    CR_CHECK_STR_CONTAINS(d.msg, "/progress/done");
    CR_CHECK(cr_results_read_vector(r, "a/b", "edges", vsent, &d) == CR_EINVAL);

    /* Tables: all columns, a reordered subset, a missing column or table. */
    double *tv = NULL;
    size_t nrows = 0;
    CR_CHECK(cr_results_read_table(r, "network", "degrees_replication_0", 2, columns, &tv, &nrows,
                                   &d) == CR_OK);
    CR_CHECK(nrows == NROWS);
    for (size_t k = 0; tv && nrows == NROWS && k < 2; k++)
        for (size_t i = 0; i < NROWS; i++) {
            double w = column_value(k, i);
            CR_CHECK_MSG(memcmp(&tv[k * NROWS + i], &w, sizeof w) == 0, "column %zu row %zu", k, i);
        }
    free(tv);
    tv = NULL;
    CR_CHECK(cr_results_read_table(r, "network", "degrees_replication_0", 1, &columns[1], &tv,
                                   &nrows, &d) == CR_OK);
    CR_CHECK(nrows == NROWS && tv && tv[4] == column_value(1, 4));
    free(tv);
    tv = NULL;
    const cr_var_desc badcol[2] = {columns[0], {"nope", "1", "?"}};
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_table(r, "network", "degrees_replication_0", 2, badcol, &tv, &nrows,
                                   &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "has no column 'nope'");
    CR_CHECK(tv == NULL);
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_table(r, "network", "degrees_replication_9", 2, columns, &tv, &nrows,
                                   &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "no table /network/degrees_replication_9");
    CR_CHECK(tv == NULL);

    cr_results_read_close(&r);
    CR_CHECK(r == NULL);
    cr_results_read_close(&r);
    cr_results_read_close(NULL);
    check_no_open_objects();

    /* A file without events, vectors or tables. */
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    CR_REQUIRE(cr_results_read_open(path, &r, &d) == CR_OK);
    ev = (cr_event *)&nev; /* must be replaced */
    nev = 99;
    CR_CHECK(cr_results_read_events(r, &ev, &nev, &d) == CR_OK);
    CR_CHECK(ev == NULL && nev == 0);
    CR_CHECK(cr_results_read_has(r, "/events/defaults") == 0);
    CR_CHECK(cr_results_read_vector(r, "network", "edges", vsent, &d) == CR_EINPUT);
    cr_results_read_close(&r);
    check_no_open_objects();
    unlink(path);
}

/* Opening path fails with CR_EINPUT, the message naming the file and containing
 * `what`; nothing is left open. */
static void expect_refused(const char *path, const char *what, int line)
{
    cr_diag d;
    cr_diag_clear(&d);
    cr_results_reader *r = NULL;
    cr_status st = cr_results_read_open(path, &r, &d);
    CR_CHECK_MSG(st == CR_EINPUT && r == NULL, "line %d: status %d", line, (int)st);
    CR_CHECK_MSG(strstr(d.msg, path) != NULL, "line %d: message \"%s\"", line, d.msg);
    CR_CHECK_MSG(strstr(d.msg, what) != NULL, "line %d: \"%s\" does not contain \"%s\"", line,
                 d.msg, what);
    if (r)
        cr_results_read_close(&r);
    check_no_open_objects();
}

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Copies the first n bytes of src to dst. */
static int copy_prefix(const char *src, const char *dst, long n)
{
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    int ok = in && out;
    for (long i = 0; ok && i < n; i++) {
        int ch = fgetc(in);
        ok = ch != EOF && fputc(ch, out) != EOF;
    }
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* Overwrites len bytes of path at offset with a pattern. */
static int scribble(const char *path, long offset, long len)
{
    FILE *f = fopen(path, "r+b");
    int ok = f && fseek(f, offset, SEEK_SET) == 0;
    for (long i = 0; ok && i < len; i++)
        ok = fputc((int)((i * 37 + 0xA5) & 0xFF), f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* Overwrites a root string attribute with a variable-length UTF-8 string. */
static void set_str_attr(const char *path, const char *name, const char *text)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    CR_CHECK(H5Awrite(a, t, &text) >= 0);
    H5Aclose(a);
    H5Tclose(t);
    H5Fclose(f);
}

/* Replaces the dataset at dspath by a new one of the given shape and type. */
static void replace_dataset(const char *path, const char *dspath, int rank, const hsize_t *dims,
                            hid_t type)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (H5Lexists(f, dspath, H5P_DEFAULT) > 0)
        CR_CHECK(H5Ldelete(f, dspath, H5P_DEFAULT) >= 0);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(f, dspath, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    CR_CHECK(ds >= 0);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Fclose(f);
}

static void delete_object(const char *path, const char *name)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CR_CHECK(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
    H5Fclose(f);
}

static void test_refuses(void)
{
    char path[512], good[512];
    cr_diag d;
    cr_diag_clear(&d);
    tmp_path(good, sizeof good, "good.h5");
    CR_REQUIRE(write_file(good, 1, &d) == CR_OK);

    /* Missing, a directory, not HDF5 at all. */
    tmp_path(path, sizeof path, "missing.h5");
    expect_refused(path, "No such file or directory", __LINE__);
    expect_refused(tmpdir, "cannot open", __LINE__);
    tmp_path(path, sizeof path, "hello.h5");
    FILE *f = fopen(path, "w");
    CR_REQUIRE(f);
    fputs("hello\n", f);
    fclose(f);
    expect_refused(path, "not a credere results file (not an HDF5 file)", __LINE__);
    unlink(path);

    /* Truncated copies: the first half, and other cuts. */
    long size = file_size(good);
    CR_REQUIRE(size > 1000);
    tmp_path(path, sizeof path, "truncated.h5");
    const long cuts[] = {size / 2, 8, 100, 600, size / 4, 3 * size / 4, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        CR_REQUIRE(copy_prefix(good, path, cuts[i]) == 0);
        CR_CHECK(file_size(path) == cuts[i]);
        expect_refused(path, "", __LINE__);
    }
    CR_REQUIRE(copy_prefix(good, path, size / 2) == 0);
    expect_refused(path, "cannot open (damaged, truncated or in use): truncated file", __LINE__);
    unlink(path);

    /* A plain HDF5 file; another format. */
    tmp_path(path, sizeof path, "foreign.h5");
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(h);
    expect_refused(path, "not a credere results file (no 'format' attribute)", __LINE__);
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    set_str_attr(path, "format", "netcdf-something");
    expect_refused(path, "not a credere results file (format is 'netcdf-something')", __LINE__);

    /* A newer format_version. */
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    int two = 2;
    hid_t a = H5Aopen(h, "format_version", H5P_DEFAULT);
    CR_CHECK(H5Awrite(a, H5T_NATIVE_INT, &two) >= 0);
    H5Aclose(a);
    H5Fclose(h);
    expect_refused(path, "format_version 2; this credere reads 1", __LINE__);

    /* Missing parts. */
    const char *parts[] = {"/progress/done", "/metrics", "/period", "/replication"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char want[64];
        CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
        delete_object(path, parts[i]);
        snprintf(want, sizeof want, "damaged results file: no %s", parts[i]);
        expect_refused(path, want, __LINE__);
    }

    /* Metrics of the wrong rank, shape or type; progress of the wrong rank. */
    hsize_t dims2[2] = {NCELLS, NREPS}, dims3[3] = {NCELLS, NREPS, NPERIODS + 1};
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    replace_dataset(path, "/metrics/losses", 2, dims2, H5T_IEEE_F64LE);
    expect_refused(path, "/metrics/losses has 2 dimensions, not 3", __LINE__);
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    replace_dataset(path, "/metrics/losses", 3, dims3, H5T_IEEE_F64LE);
    expect_refused(path, "/metrics/losses has shape [2, 3, 5], expected [2, 3, 4]", __LINE__);
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    dims3[2] = NPERIODS;
    replace_dataset(path, "/metrics/losses", 3, dims3, H5T_STD_I32LE);
    expect_refused(path, "/metrics/losses holds integers, not floating-point numbers", __LINE__);
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    replace_dataset(path, "/progress/done", 3, dims3, H5T_STD_U8LE);
    expect_refused(path, "/progress/done has 3 dimensions, not 2", __LINE__);
    CR_REQUIRE(write_file(path, 0, &d) == CR_OK);
    hsize_t four = 4;
    replace_dataset(path, "/cell", 1, &four, H5T_STD_I64LE);
    expect_refused(path, "/cell has shape [4], expected [2]", __LINE__);
    unlink(path);
    unlink(good);
}

/* Damage found only when the data are read: an events table without a field, a
 * ragged table, damaged chunks. (Arbitrary damage to HDF5 metadata is beyond what
 * a caller can guard against: HDF5 1.10 itself may crash on some of it, e.g. a
 * damaged global heap under a string attribute.) */
/* The file address and size of the chunk of dataset dspath at element coord. */
static int chunk_extent(const char *path, const char *dspath, const hsize_t *coord, haddr_t *addr,
                        hsize_t *size)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = f >= 0 ? H5Dopen2(f, dspath, H5P_DEFAULT) : -1;
    unsigned mask = 0;
    int ok = ds >= 0 && H5Dget_chunk_info_by_coord(ds, coord, &mask, addr, size) >= 0 &&
             *addr != HADDR_UNDEF && *size > 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (f >= 0)
        H5Fclose(f);
    return ok ? 0 : -1;
}

static void test_damaged_contents(void)
{
    char path[512];
    cr_diag d;
    cr_diag_clear(&d);
    tmp_path(path, sizeof path, "damaged.h5");

    CR_REQUIRE(write_file(path, 1, &d) == CR_OK);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CR_REQUIRE(f >= 0);
    CR_CHECK(H5Ldelete(f, "/events/defaults", H5P_DEFAULT) >= 0);
    hid_t t = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(t, "cell", 0, H5T_STD_U32LE);
    H5Tinsert(t, "replication", 4, H5T_STD_U32LE);
    hsize_t n = 3;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(f, "/events/defaults", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Tclose(t);
    /* a ragged table: a third column one row longer */
    n = NROWS + 1;
    sp = H5Screate_simple(1, &n, NULL);
    ds = H5Dcreate2(f, "/network/degrees_replication_0/ragged", H5T_IEEE_F64LE, sp, H5P_DEFAULT,
                    H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Fclose(f);

    cr_results_reader *r = NULL;
    CR_REQUIRE(cr_results_read_open(path, &r, &d) == CR_OK);
    cr_event *ev = NULL;
    size_t nev = 77;
    CR_CHECK(cr_results_read_events(r, &ev, &nev, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "/events/defaults has no numeric field 'period'");
    CR_CHECK(ev == NULL && nev == 77);
    const cr_var_desc cols[3] = {columns[0], columns[1], {"ragged", "1", "?"}};
    double *tv = NULL;
    size_t nrows = 0;
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_table(r, "network", "degrees_replication_0", 3, cols, &tv, &nrows,
                                   &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "ragged has shape [6], expected [5]");
    CR_CHECK(tv == NULL);
    cr_results_read_close(&r);
    check_no_open_objects();

    /* Bit rot in the data: a compressed chunk of one metric and the events chunk are
     * overwritten (found with H5Dget_chunk_info_by_coord). The file still opens; the
     * damaged unit and the events are CR_EINPUT, the other units read as written. */
    CR_REQUIRE(write_file(path, 1, &d) == CR_OK);
    const hsize_t unit[3] = {1, 2, 0}, first = 0;
    haddr_t addr = HADDR_UNDEF, eaddr = HADDR_UNDEF;
    hsize_t size = 0, esize = 0;
    CR_REQUIRE(chunk_extent(path, "/metrics/losses", unit, &addr, &size) == 0);
    CR_REQUIRE(chunk_extent(path, "/events/defaults", &first, &eaddr, &esize) == 0);
    CR_REQUIRE(scribble(path, (long)addr, (long)size) == 0);
    CR_REQUIRE(scribble(path, (long)eaddr, (long)esize) == 0);
    cr_diag_clear(&d);
    cr_status st = cr_results_read_open(path, &r, &d);
    CR_CHECK_MSG(st == CR_OK, "%s", d.msg);
    CR_REQUIRE(st == CR_OK);
    for (size_t c = 0; c < NCELLS; c++)
        for (size_t rep = 0; rep < NREPS; rep++) {
            double v[NMETRICS * NPERIODS], want[NMETRICS * NPERIODS];
            cr_diag_clear(&d);
            st = cr_results_read_unit(r, c, rep, NMETRICS, metrics, v, &d);
            if (c == 1 && rep == 2) {
                CR_CHECK(st == CR_EINPUT);
                CR_CHECK_STR_CONTAINS(d.msg, path);
                CR_CHECK_STR_CONTAINS(d.msg, "cannot read unit (1, 2) of /metrics/losses");
                continue;
            }
            CR_CHECK_MSG(st == CR_OK, "unit (%zu, %zu): %s", c, rep, d.msg);
            for (size_t m = 0; m < NMETRICS; m++)
                for (size_t p = 0; p < NPERIODS; p++)
                    want[m * NPERIODS + p] = value(c, rep, m, p);
            if (is_written(c, rep))
                CR_CHECK_MSG(memcmp(v, want, sizeof v) == 0, "unit (%zu, %zu)", c, rep);
        }
    ev = NULL;
    cr_diag_clear(&d);
    CR_CHECK(cr_results_read_events(r, &ev, &nev, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "damaged results file: cannot read /events/defaults");
    CR_CHECK(ev == NULL);
    cr_results_read_close(&r);
    check_no_open_objects();
    unlink(path);
}

/* Failing calls fill cr_diag and print nothing; HDF5's error printing is restored. */
static void test_quiet(void)
{
    char path[512], log[512], good[512];
    tmp_path(log, sizeof log, "stderr.log");
    tmp_path(path, sizeof path, "quiet.h5");
    tmp_path(good, sizeof good, "quiet_good.h5");
    cr_diag d;
    cr_diag_clear(&d);
    CR_REQUIRE(write_file(good, 1, &d) == CR_OK);
    CR_REQUIRE(copy_prefix(good, path, file_size(good) / 2) == 0);
    H5E_auto2_t func0 = NULL, func1 = NULL;
    void *data0 = NULL, *data1 = NULL;
    H5Eget_auto2(H5E_DEFAULT, &func0, &data0);

    fflush(stderr);
    int saved = dup(2);
    FILE *cap = fopen(log, "w");
    CR_REQUIRE(saved >= 0 && cap);
    dup2(fileno(cap), 2);
    cr_results_reader *r = NULL;
    cr_status st1 = cr_results_read_open(path, &r, &d); /* truncated */
    cr_status st2 = cr_results_read_open(good, &r, &d);
    cr_status st3 = CR_OK, st4 = CR_OK;
    int has = -1;
    if (st2 == CR_OK) {
        const cr_var_desc nope = {"nope", "1", "?"};
        double v[NPERIODS], *tv = NULL;
        size_t nrows;
        st3 = cr_results_read_unit(r, 0, 0, 1, &nope, v, &d);
        st4 = cr_results_read_table(r, "network", "nothing", 0, NULL, &tv, &nrows, &d);
        has = cr_results_read_has(r, "/a/b/c");
        cr_results_read_close(&r);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(cap);
    CR_CHECK(st1 == CR_EINPUT && st2 == CR_OK && st3 == CR_EINPUT && st4 == CR_EINPUT && has == 0);
    CR_CHECK_MSG(file_size(log) == 0, "%ld bytes printed on stderr", file_size(log));
    H5Eget_auto2(H5E_DEFAULT, &func1, &data1);
    CR_CHECK(func0 == func1 && data0 == data1);
    check_no_open_objects();
    unlink(log);
    unlink(path);
    unlink(good);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/cr_test_results_read_XXXXXX",
             base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    CR_RUN(test_round_trip);
    CR_RUN(test_refuses);
    CR_RUN(test_damaged_contents);
    CR_RUN(test_quiet);
    rmdir(tmpdir);
    return cr_test_report();
}
