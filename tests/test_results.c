/* Tests of core/results.c: the HDF5 results file, read back with the HDF5 API.
 *
 * Set CR_KEEP_RESULTS=/some/path.h5 to keep the round-trip file (4 of 6 units
 * written) for inspection, e.g. with tests/test_results_xarray.py's CR_CHECK_FILE.
 */
#include "tests/harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "core/results.h"

#define NCELLS 2
#define NREPS 3
#define NPERIODS 5
#define NMETRICS 3

static char tmpdir[256];

static const char *const modes[NCELLS] = {"direct", "single"};
static const cr_var_desc params[1] = {{"guarantor.coverage", "1", "guarantee coverage ratio"}};
static const double param_values[NCELLS] = {0.5, 0.9};
static const cr_var_desc metrics[NMETRICS] = {
    {"applications", "count", "loan applications"},
    {"default_rate", "1", "share of SMEs in default"},
    {"losses", "EUR", "credit losses"},
};
static const char *const metric_paths[NMETRICS] = {"/metrics/applications", "/metrics/default_rate",
                                                   "/metrics/losses"};

/* The value written for (cell, replication, metric, period). */
static double value(size_t c, size_t r, size_t m, size_t t)
{
    return 1000.0 * (double)c + 100.0 * (double)r + 10.0 * (double)m + (double)t + 0.25;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static cr_results_spec make_spec(const char *path, bool force)
{
    cr_results_spec s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.force = force;
    s.command_line = "credere run 'exp.yaml' -o out.h5";
    s.config_yaml = "experiment:\n  name: unit_test\n  seed: 42\n";
    s.experiment = "unit_test";
    s.seed = UINT64_C(18446744073709551557); /* > 2^63: checks the uint64 round trip */
    s.threads = 4;
    s.ncells = NCELLS;
    s.nreplications = NREPS;
    s.nperiods = NPERIODS;
    s.cell_mode = modes;
    s.nparams = 1;
    s.params = params;
    s.param_values = param_values;
    s.nmetrics = NMETRICS;
    s.metrics = metrics;
    s.compression = 4;
    return s;
}

/* Units written by write_partial, in scrambled order; (0,1) and (1,1) stay empty. */
static const size_t written[4][2] = {{1, 2}, {0, 0}, {1, 0}, {0, 2}};

static int is_written(size_t c, size_t r)
{
    for (int k = 0; k < 4; k++)
        if (written[k][0] == c && written[k][1] == r)
            return 1;
    return 0;
}

/* Creates path and writes the 4 units of `written`; returns the status. */
static cr_status write_partial(const char *path, bool force, cr_diag *d)
{
    cr_results_spec s = make_spec(path, force);
    cr_results *r = NULL;
    cr_status st = cr_results_create(&s, &r, d);
    if (st != CR_OK)
        return st;
    for (int k = 0; k < 4 && st == CR_OK; k++) {
        double v[NMETRICS * NPERIODS];
        size_t c = written[k][0], rep = written[k][1];
        for (size_t m = 0; m < NMETRICS; m++)
            for (size_t t = 0; t < NPERIODS; t++)
                v[m * NPERIODS + t] = value(c, rep, m, t);
        st = cr_results_write_unit(r, c, rep, v, d);
    }
    cr_status st2 = cr_results_close(&r, d);
    return st != CR_OK ? st : st2;
}

/* A string attribute of obj (variable-length, as the writer makes them). */
static int str_attr_is(hid_t obj, const char *name, const char *want)
{
    if (H5Aexists(obj, name) <= 0)
        return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1); /* the writer stores UTF-8; HDF5 does not convert csets */
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *v = NULL;
    int ok = H5Aread(a, t, &v) >= 0 && v && (!want || strcmp(v, want) == 0);
    if (v)
        H5free_memory(v);
    H5Tclose(t);
    H5Aclose(a);
    return ok;
}

static long long int_attr(hid_t obj, const char *name)
{
    long long v = -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_LLONG, &v);
    H5Aclose(a);
    return v;
}

static int file_bytes(const char *path, char *buf, size_t len, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    *n = fread(buf, 1, len, f);
    fclose(f);
    return 0;
}

static void check_no_open_objects(void)
{
    CR_CHECK_MSG(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "%ld HDF5 objects still open",
                 (long)H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
}

static void test_round_trip(void)
{
    char path[512];
    const char *keep = getenv("CR_KEEP_RESULTS");
    if (keep && keep[0])
        snprintf(path, sizeof path, "%s", keep);
    else
        tmp_path(path, sizeof path, "round_trip.h5");
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = write_partial(path, keep && keep[0], &d);
    CR_REQUIRE(st == CR_OK);
    check_no_open_objects();

    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CR_REQUIRE(f >= 0);

    /* Root attributes. */
    CR_CHECK(str_attr_is(f, "format", "credere-results"));
    CR_CHECK(int_attr(f, "format_version") == 1);
    CR_CHECK(str_attr_is(f, "status", "running"));
    CR_CHECK(str_attr_is(f, "experiment", "unit_test"));
    CR_CHECK(str_attr_is(f, "command_line", "credere run 'exp.yaml' -o out.h5"));
    CR_CHECK(str_attr_is(f, "config", "experiment:\n  name: unit_test\n  seed: 42\n"));
    const char *present[] = {"software_version", "git_revision", "compiler", "compile_flags",
                             "library_versions", "created",      "host"};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        CR_CHECK_MSG(str_attr_is(f, present[i], NULL), "attribute %s", present[i]);
    CR_CHECK(int_attr(f, "threads") == 4);
    unsigned long long seed = 0;
    hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_ULLONG, &seed);
    hid_t at = H5Aget_type(a);
    CR_CHECK(H5Tget_sign(at) == H5T_SGN_NONE && H5Tget_size(at) == 8);
    H5Tclose(at);
    H5Aclose(a);
    CR_CHECK(seed == 18446744073709551557ULL);

    /* Every dataset: units and long_name, dimensions attached to the root scales. */
    hid_t scale[3] = {H5Dopen2(f, "/cell", H5P_DEFAULT), H5Dopen2(f, "/replication", H5P_DEFAULT),
                      H5Dopen2(f, "/period", H5P_DEFAULT)};
    const char *scale_names[3] = {"cell", "replication", "period"};
    for (int i = 0; i < 3; i++) {
        CR_REQUIRE(scale[i] >= 0);
        CR_CHECK(H5DSis_scale(scale[i]) > 0);
        char name[32] = "";
        H5DSget_scale_name(scale[i], name, sizeof name);
        CR_CHECK(strcmp(name, scale_names[i]) == 0);
        CR_CHECK(str_attr_is(scale[i], "units", NULL) && str_attr_is(scale[i], "long_name", NULL));
    }
    int64_t cells[NCELLS] = {-1, -1};
    H5Dread(scale[0], H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, cells);
    CR_CHECK(cells[0] == 0 && cells[1] == 1);
    int64_t periods[NPERIODS];
    H5Dread(scale[2], H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, periods);
    CR_CHECK(periods[0] == 0 && periods[NPERIODS - 1] == NPERIODS - 1);

    struct {
        const char *path;
        int rank;
    } all[] = {{"/design/mode", 1},  {"/design/guarantor.coverage", 1},
               {metric_paths[0], 3}, {metric_paths[1], 3},
               {metric_paths[2], 3}, {"/progress/done", 2}};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        hid_t ds = H5Dopen2(f, all[k].path, H5P_DEFAULT);
        CR_CHECK_MSG(ds >= 0, "%s", all[k].path);
        if (ds < 0)
            continue;
        CR_CHECK_MSG(str_attr_is(ds, "units", NULL) && str_attr_is(ds, "long_name", NULL), "%s",
                     all[k].path);
        for (int i = 0; i < all[k].rank; i++)
            CR_CHECK_MSG(H5DSis_attached(ds, scale[i], (unsigned)i) > 0, "%s dim %d", all[k].path,
                         i);
        H5Dclose(ds);
    }
    for (int i = 0; i < 3; i++)
        H5Dclose(scale[i]);

    /* Design. */
    hid_t ds = H5Dopen2(f, "/design/mode", H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *mode[NCELLS] = {NULL, NULL};
    CR_CHECK(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, mode) >= 0);
    CR_CHECK(mode[0] && strcmp(mode[0], "direct") == 0);
    CR_CHECK(mode[1] && strcmp(mode[1], "single") == 0);
    for (int i = 0; i < NCELLS; i++)
        H5free_memory(mode[i]);
    H5Tclose(t);
    H5Dclose(ds);
    double cov[NCELLS] = {0, 0};
    ds = H5Dopen2(f, "/design/guarantor.coverage", H5P_DEFAULT);
    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cov);
    CR_CHECK(str_attr_is(ds, "long_name", "guarantee coverage ratio"));
    H5Dclose(ds);
    CR_CHECK(cov[0] == 0.5 && cov[1] == 0.9);

    /* Metrics: written values exact, unwritten units NaN (fill value). */
    for (size_t m = 0; m < NMETRICS; m++) {
        double v[NCELLS][NREPS][NPERIODS];
        ds = H5Dopen2(f, metric_paths[m], H5P_DEFAULT);
        CR_CHECK(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        CR_CHECK(str_attr_is(ds, "units", metrics[m].units));
        CR_CHECK(str_attr_is(ds, "long_name", metrics[m].long_name));
        int bad = 0;
        for (size_t c = 0; c < NCELLS; c++)
            for (size_t r = 0; r < NREPS; r++)
                for (size_t p = 0; p < NPERIODS; p++)
                    bad += is_written(c, r) ? v[c][r][p] != value(c, r, m, p) : !isnan(v[c][r][p]);
        CR_CHECK_MSG(bad == 0, "%s: %d wrong values", metric_paths[m], bad);
        hid_t dcpl = H5Dget_create_plist(ds);
        hsize_t chunk[3] = {0, 0, 0};
        CR_CHECK(H5Pget_chunk(dcpl, 3, chunk) == 3);
        CR_CHECK(chunk[0] == 1 && chunk[1] == 1 && chunk[2] == NPERIODS);
        CR_CHECK(H5Pget_nfilters(dcpl) == 2);
        unsigned flags, cd[4];
        size_t ncd = 4;
        CR_CHECK(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL) == H5Z_FILTER_SHUFFLE);
        ncd = 4;
        CR_CHECK(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL) == H5Z_FILTER_DEFLATE);
        double fill = 0;
        CR_CHECK(H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0 && isnan(fill));
        H5Pclose(dcpl);
        H5Dclose(ds);
    }

    /* Progress. */
    uint8_t done[NCELLS][NREPS];
    ds = H5Dopen2(f, "/progress/done", H5P_DEFAULT);
    CR_CHECK(H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done) >= 0);
    H5Dclose(ds);
    for (size_t c = 0; c < NCELLS; c++)
        for (size_t r = 0; r < NREPS; r++)
            CR_CHECK_MSG(done[c][r] == is_written(c, r), "done[%zu][%zu] = %d", c, r, done[c][r]);
    H5Fclose(f);
    check_no_open_objects();
    if (!(keep && keep[0]))
        unlink(path);
}

/* Runs cr_results_info into a string (malloc'd). */
static char *info_text(const char *path, cr_status *st, cr_diag *d)
{
    FILE *f = tmpfile();
    *st = CR_EIO;
    if (!f)
        return NULL;
    *st = cr_results_info(path, f, d);
    long n = ftell(f);
    char *buf = calloc((size_t)n + 1, 1);
    rewind(f);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

static void test_info(void)
{
    char path[512];
    tmp_path(path, sizeof path, "info.h5");
    cr_diag d;
    cr_diag_clear(&d);
    CR_REQUIRE(write_partial(path, false, &d) == CR_OK);
    cr_status st = CR_EIO;
    char *text = info_text(path, &st, &d);
    CR_REQUIRE(text);
    CR_CHECK(st == CR_OK);
    CR_CHECK_STR_CONTAINS(text, "file:            ");
    CR_CHECK_STR_CONTAINS(text, path);
    CR_CHECK_STR_CONTAINS(text, "format:          credere-results 1\n");
    CR_CHECK_STR_CONTAINS(text, "status:          running\n");
    CR_CHECK_STR_CONTAINS(text, "units done:      4 of 6 (66.7%)\n");
    CR_CHECK_STR_CONTAINS(text, "cells:           2 (modes: direct, single)\n");
    CR_CHECK_STR_CONTAINS(text, "replications:    3\n");
    CR_CHECK_STR_CONTAINS(text, "periods:         5\n");
    CR_CHECK_STR_CONTAINS(text, "metrics:         3 (applications, default_rate, losses)\n");
    CR_CHECK_STR_CONTAINS(text, "software:        credere ");
    CR_CHECK_STR_CONTAINS(text, "libraries:       HDF5 1.");
    CR_CHECK_STR_CONTAINS(text, "seed:            18446744073709551557\n");
    CR_CHECK_STR_CONTAINS(text, "threads:         4\n");
    CR_CHECK_STR_CONTAINS(text, "command line:    credere run 'exp.yaml' -o out.h5\n");
    CR_CHECK_STR_CONTAINS(text, "guarantor.coverage");
    CR_CHECK_STR_CONTAINS(text, "direct");
    CR_CHECK_STR_CONTAINS(text, "0.9\n");
    if (getenv("CR_SHOW_INFO"))
        fputs(text, stderr);
    free(text);

    /* A complete file. */
    cr_results_spec s = make_spec(path, true);
    cr_results *r = NULL;
    CR_REQUIRE(cr_results_create(&s, &r, &d) == CR_OK);
    double v[NMETRICS * NPERIODS] = {0};
    for (size_t c = 0; c < NCELLS; c++)
        for (size_t rep = 0; rep < NREPS; rep++)
            CR_CHECK(cr_results_write_unit(r, c, rep, v, &d) == CR_OK);
    CR_CHECK(cr_results_set_status(r, "complete", &d) == CR_OK);
    CR_CHECK(cr_results_close(&r, &d) == CR_OK);
    CR_CHECK(r == NULL);
    text = info_text(path, &st, &d);
    CR_REQUIRE(text);
    CR_CHECK(st == CR_OK);
    CR_CHECK_STR_CONTAINS(text, "status:          complete\n");
    CR_CHECK_STR_CONTAINS(text, "units done:      6 of 6 (100.0%)\n");
    free(text);
    check_no_open_objects();
    unlink(path);
}

static void test_refuses_overwrite(void)
{
    char path[512];
    tmp_path(path, sizeof path, "existing.h5");
    const char old[] = "precious results, not HDF5\n";
    FILE *f = fopen(path, "wb");
    CR_REQUIRE(f);
    fputs(old, f);
    fclose(f);

    cr_diag d;
    cr_diag_clear(&d);
    cr_results_spec s = make_spec(path, false);
    cr_results *r = NULL;
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_EEXIST);
    CR_CHECK(r == NULL);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "output exists; use --force to replace it (nothing was written)");
    char buf[256];
    size_t n = 0;
    CR_CHECK(file_bytes(path, buf, sizeof buf, &n) == 0);
    CR_CHECK(n == strlen(old) && memcmp(buf, old, n) == 0);

    /* --force replaces it. */
    s.force = true;
    cr_diag_clear(&d);
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_OK);
    CR_CHECK(cr_results_close(&r, &d) == CR_OK);
    CR_CHECK(H5Fis_hdf5(path) > 0);
    cr_status st;
    char *text = info_text(path, &st, &d);
    CR_CHECK(st == CR_OK);
    CR_CHECK_STR_CONTAINS(text, "units done:      0 of 6 (0.0%)");
    free(text);
    unlink(path);
    check_no_open_objects();
}

static void test_missing_directory(void)
{
    char path[512];
    tmp_path(path, sizeof path, "no_such_dir/out.h5");
    cr_diag d;
    cr_diag_clear(&d);
    cr_results_spec s = make_spec(path, false);
    cr_results *r = NULL;
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_EIO);
    CR_CHECK(r == NULL);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "cannot create: No such file or directory");
    s.force = true;
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_EIO);
    CR_CHECK_STR_CONTAINS(d.msg, "No such file or directory");
    check_no_open_objects();
}

static void test_info_rejects(void)
{
    char path[512];
    cr_diag d;
    cr_status st;
    H5E_auto2_t func0 = NULL, func1 = NULL;
    void *data0 = NULL, *data1 = NULL;
    H5Eget_auto2(H5E_DEFAULT, &func0, &data0);

    /* Not HDF5 at all. */
    tmp_path(path, sizeof path, "text.h5");
    FILE *f = fopen(path, "w");
    CR_REQUIRE(f);
    fputs("hello\n", f);
    fclose(f);
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "not a credere results file");
    unlink(path);

    /* Missing. */
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);

    /* Foreign HDF5: no format attribute, then another format. */
    tmp_path(path, sizeof path, "foreign.h5");
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(h);
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "not a credere results file");
    h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    H5LTset_attribute_string(h, "/", "format", "netcdf-something");
    H5Fclose(h);
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "not a credere results file (format is 'netcdf-something')");
    unlink(path);

    /* Ours, but another format_version. */
    tmp_path(path, sizeof path, "version7.h5");
    CR_REQUIRE(write_partial(path, false, &d) == CR_OK);
    h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    int seven = 7;
    hid_t a = H5Aopen(h, "format_version", H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT, &seven);
    H5Aclose(a);
    H5Fclose(h);
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "format_version 7 is not supported (this credere reads 1)");
    unlink(path);

    /* Ours, but damaged: /progress/done is gone. */
    tmp_path(path, sizeof path, "damaged.h5");
    CR_REQUIRE(write_partial(path, false, &d) == CR_OK);
    h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(h, "/progress/done", H5P_DEFAULT);
    H5Fclose(h);
    cr_diag_clear(&d);
    free(info_text(path, &st, &d));
    CR_CHECK(st == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, path);
    CR_CHECK_STR_CONTAINS(d.msg, "damaged results file: cannot read /progress/done");
    unlink(path);

    /* The library restores HDF5's error printing as it found it. */
    H5Eget_auto2(H5E_DEFAULT, &func1, &data1);
    CR_CHECK(func0 == func1 && data0 == data1);
    check_no_open_objects();
}

static void test_bad_arguments(void)
{
    char path[512];
    tmp_path(path, sizeof path, "args.h5");
    cr_diag d;
    cr_diag_clear(&d);
    cr_results_spec s = make_spec(path, false);
    s.compression = 0;
    cr_results *r = NULL;
    CR_REQUIRE(cr_results_create(&s, &r, &d) == CR_OK);
    double v[NMETRICS * NPERIODS] = {0};
    CR_CHECK(cr_results_write_unit(r, NCELLS, 0, v, &d) == CR_EINVAL);
    CR_CHECK(cr_results_write_unit(r, 0, NREPS, v, &d) == CR_EINVAL);
    CR_CHECK(cr_results_set_status(r, "finished", &d) == CR_EINVAL);
    CR_CHECK(cr_results_set_status(r, "interrupted", &d) == CR_OK);
    CR_CHECK(cr_results_close(&r, &d) == CR_OK);
    CR_CHECK(cr_results_close(&r, &d) == CR_OK); /* NULL is fine */
    CR_CHECK(cr_results_close(NULL, &d) == CR_OK);

    /* Without compression: chunked, no filters. */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(f, metric_paths[0], H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    CR_CHECK(H5Pget_nfilters(dcpl) == 0);
    CR_CHECK(str_attr_is(f, "status", "interrupted"));
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(f);
    unlink(path);

    /* A bad spec creates nothing. */
    s.compression = 12;
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_EINVAL);
    CR_CHECK(access(path, F_OK) != 0);
    s.compression = 1;
    cr_var_desc bad = {"a/b", "1", "slash"};
    s.metrics = &bad;
    s.nmetrics = 1;
    CR_CHECK(cr_results_create(&s, &r, &d) == CR_EINVAL);
    CR_CHECK_STR_CONTAINS(d.msg, "a/b");
    check_no_open_objects();
}

/* Failing calls fill cr_diag and print nothing (HDF5's error stack printing is off). */
static void test_silent_failures(void)
{
    char path[512], text[512], log[512];
    tmp_path(text, sizeof text, "silent.txt");
    tmp_path(log, sizeof log, "stderr.log");
    FILE *f = fopen(text, "w");
    CR_REQUIRE(f);
    fputs("not hdf5\n", f);
    fclose(f);
    fflush(stderr);
    int saved = dup(2);
    FILE *cap = fopen(log, "w");
    CR_REQUIRE(saved >= 0 && cap);
    dup2(fileno(cap), 2);

    cr_diag d;
    cr_status st;
    free(info_text(text, &st, &d));
    cr_results_spec s = make_spec(text, false);
    cr_results *r = NULL;
    cr_status st_exists = cr_results_create(&s, &r, &d);
    tmp_path(path, sizeof path, "missing/dir/out.h5");
    s = make_spec(path, true);
    cr_status st_dir = cr_results_create(&s, &r, &d);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(cap);
    CR_CHECK(st == CR_EINPUT && st_exists == CR_EEXIST && st_dir == CR_EIO);
    struct stat sb;
    CR_CHECK(stat(log, &sb) == 0 && sb.st_size == 0);
    unlink(log);
    unlink(text);
}

static void test_library_versions(void)
{
    char buf[256];
    cr_library_versions(buf, sizeof buf);
    CR_CHECK_STR_CONTAINS(buf, "HDF5 1.");
    CR_CHECK_STR_CONTAINS(buf, "GSL ");
    CR_CHECK_STR_CONTAINS(buf, "libfyaml ");
    CR_CHECK_STR_CONTAINS(buf, "OpenMP ");
    char tiny[8];
    cr_library_versions(tiny, sizeof tiny);
    CR_CHECK(strlen(tiny) == 7);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/cr_test_results_XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    CR_RUN(test_round_trip);
    CR_RUN(test_info);
    CR_RUN(test_refuses_overwrite);
    CR_RUN(test_missing_directory);
    CR_RUN(test_info_rejects);
    CR_RUN(test_bad_arguments);
    CR_RUN(test_silent_failures);
    CR_RUN(test_library_versions);
    rmdir(tmpdir);
    return cr_test_report();
}
