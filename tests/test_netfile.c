/* The `file` network generator (models/netfile.h): CSV edge lists from
 * tests/data/network (exact edges, duplicates summed, every bad file with its
 * message), the same from HDF5 datasets written here into a temporary directory,
 * the generator through the registry and cr_netgen_graph. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/graph.h"
#include "core/rng.h"
#include "models/netfile.h"
#include "models/netgen.h"
#include "tests/harness.h"

static char datadir[4096];
static char tmpdir[1024];

/* tests/data/network/NAME */
static const char *data(const char *name)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s", datadir, name);
    return buf;
}

/* Whether the edges equal want (from, to, weight; exact weights). */
static int same_edges(const cr_edge *e, size_t ne, const cr_edge *want, size_t nwant)
{
    if (ne != nwant)
        return 0;
    for (size_t k = 0; k < ne; k++)
        if (e[k].from != want[k].from || e[k].to != want[k].to || e[k].weight != want[k].weight)
            return 0;
    return 1;
}

static void test_read_csv(void)
{
    cr_edge *e = NULL;
    size_t ne = 0;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_netfile_read(data("guarantees.csv"), 5, &e, &ne, &d);
    CR_REQUIRE(st == CR_OK);
    const cr_edge want[] = {{0, 1, 5.0}, {1, 0, 2.5}, {3, 2, 0.0}, {4, 2, 10.0}};
    CR_CHECK(same_edges(e, ne, want, 4));
    free(e);

    /* a file with only its header is an empty network */
    e = (cr_edge *)&d;
    ne = 99;
    CR_CHECK(cr_netfile_read(data("header_only.csv"), 5, &e, &ne, &d) == CR_OK);
    CR_CHECK(e == NULL && ne == 0);
}

/* Columns in another order, a byte-order mark, CRLF, quotes and spaces; repeated
 * (guarantor, borrower) rows summed into one edge. */
static void test_duplicates(void)
{
    cr_edge *e = NULL;
    size_t ne = 0;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_netfile_read(data("duplicates.csv"), 5, &e, &ne, &d);
    CR_REQUIRE(st == CR_OK);
    const cr_edge want[] = {{0, 1, 2.0 + 3.0 + 4.5}, {0, 2, 15.0}, {3, 1, 1.0}};
    CR_CHECK_MSG(same_edges(e, ne, want, 3), "%zu edges", ne);
    free(e);
}

/* Reads path for n SMEs, expecting CR_EINPUT with a message that is exactly
 * PREFIX + text, where PREFIX is the path; outputs must stay untouched. */
static void expect_bad(const char *path, size_t n, const char *text)
{
    cr_diag d;
    cr_diag_clear(&d);
    cr_edge sentinel, *e = &sentinel;
    size_t ne = 12345;
    cr_status st = cr_netfile_read(path, n, &e, &ne, &d);
    char want[8192];
    snprintf(want, sizeof want, "%s%s", path, text);
    CR_CHECK_MSG(st == CR_EINPUT, "%s: status %d", path, (int)st);
    CR_CHECK_MSG(strcmp(d.msg, want) == 0, "got  '%s'\n  want '%s'", d.msg, want);
    CR_CHECK(e == &sentinel && ne == 12345);
}

static void test_bad_csv(void)
{
    const char *H = "'guarantor,borrower,amount'";
    char buf[512];
    expect_bad(data("missing.csv"), 5, ": cannot open: No such file or directory");
    expect_bad(datadir, 5, ": cannot open: Is a directory");
    snprintf(buf, sizeof buf, ":1: empty file (expected the header %s)", H);
    expect_bad(data("empty.csv"), 5, buf);
    expect_bad(data("blank.csv"), 5, buf);
    snprintf(buf, sizeof buf, ":1: no header: the first line must be %s, got '0,1,5'", H);
    expect_bad(data("no_header.csv"), 5, buf);
    snprintf(buf, sizeof buf, ":1: missing column 'amount' (expected the header %s)", H);
    expect_bad(data("missing_column.csv"), 5, buf);
    snprintf(buf, sizeof buf, ":1: unknown column 'lender' (expected the header %s)", H);
    expect_bad(data("unknown_column.csv"), 5, buf);
    snprintf(buf, sizeof buf,
             ":1: unknown column 'borower'; did you mean 'borrower'? (expected the header %s)", H);
    expect_bad(data("typo_column.csv"), 5, buf);
    expect_bad(data("twice_column.csv"), 5, ":1: column 'borrower' appears twice");
    expect_bad(data("short_row.csv"), 5,
               ":3: expected 3 fields (guarantor,borrower,amount), got 2");
    expect_bad(data("outside.csv"), 10000,
               ":4: column 'borrower': SME 12000 is outside 0..9999 (population.smes)");
    expect_bad(data("outside.csv"), 0,
               ":2: column 'guarantor': SME 0 does not exist "
               "(population.smes is 0)");
    expect_bad(data("guarantees.csv"), 4,
               ":6: column 'guarantor': SME 4 is outside 0..3 (population.smes)");
    expect_bad(data("negative_index.csv"), 5,
               ":2: column 'guarantor': SME -1 is outside 0..4 (population.smes)");
    expect_bad(data("bad_index.csv"), 5,
               ":3: column 'guarantor': expected an SME index (an integer), got 'x7'");
    expect_bad(data("fractional_index.csv"), 5,
               ":2: column 'guarantor': expected an SME index (an integer), got '2.5'");
    expect_bad(data("self_loop.csv"), 5, ":4: self-loop: SME 3 guarantees itself (not allowed)");
    expect_bad(data("bad_amount.csv"), 5, ":2: column 'amount': expected a number, got 'abc'");
    expect_bad(data("empty_amount.csv"), 5, ":2: column 'amount': expected a number, got ''");
    expect_bad(data("negative_amount.csv"), 5, ":3: column 'amount': must not be negative, got -5");
    expect_bad(data("infinite_amount.csv"), 5,
               ":2: column 'amount': expected a finite number, got 'inf'");

    cr_edge *e = NULL;
    size_t ne = 0;
    CR_CHECK(cr_netfile_read(NULL, 5, &e, &ne, NULL) == CR_EINVAL);
    CR_CHECK(cr_netfile_read(data("guarantees.csv"), 5, NULL, &ne, NULL) == CR_EINVAL);
}

/* ------------------------------------------------------------------ HDF5 */

/* Writes a dataset of `rank` dims of type t (memory and file) into file (created
 * or opened), creating intermediate groups. */
static int h5_put(const char *file, const char *name, hid_t t, int rank, const hsize_t *dims,
                  const void *buf)
{
    hid_t f = access(file, F_OK) == 0 ? H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT)
                                      : H5Fcreate(file, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(f, name, t, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    int ok = f >= 0 && ds >= 0 && H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    H5Dclose(ds);
    H5Sclose(sp);
    H5Pclose(lcpl);
    H5Fclose(f);
    return ok;
}

static void test_hdf5(void)
{
    char file[1100], path[1200];
    snprintf(file, sizeof file, "%s/net.h5", tmpdir);
    /* guarantees.csv plus a duplicate of 0 -> 1 */
    const double rows[5][3] = {{0, 1, 5}, {1, 0, 2.5}, {3, 2, 0}, {4, 2, 10}, {0, 1, 1.25}};
    hsize_t dims[2] = {5, 3};
    CR_REQUIRE(h5_put(file, "/network/edges", H5T_NATIVE_DOUBLE, 2, dims, rows));
    const int32_t irows[2][3] = {{2, 0, 7}, {0, 2, 0}}; /* integers are read too */
    hsize_t idims[2] = {2, 3};
    CR_REQUIRE(h5_put(file, "/ints", H5T_NATIVE_INT32, 2, idims, irows));
    struct crow {
        int32_t borrower;
        float share;
        double amount;
        int64_t guarantor;
    } crows[3] = {{1, 0.5f, 4.0, 0}, {2, 0.25f, 3.0, 0}, {1, 0.0f, 1.0, 0}};
    hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(struct crow));
    H5Tinsert(ct, "borrower", offsetof(struct crow, borrower), H5T_NATIVE_INT32);
    H5Tinsert(ct, "share", offsetof(struct crow, share), H5T_NATIVE_FLOAT);
    H5Tinsert(ct, "amount", offsetof(struct crow, amount), H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "guarantor", offsetof(struct crow, guarantor), H5T_NATIVE_INT64);
    hsize_t cdim = 3;
    CR_REQUIRE(h5_put(file, "/compound", ct, 1, &cdim, crows));
    H5Tclose(ct);
    const double bad[3][3] = {{0, 1, 5}, {2, 3, 1}, {3, 12000, 1}};
    hsize_t bdims[2] = {3, 3};
    CR_REQUIRE(h5_put(file, "/bad/outside", H5T_NATIVE_DOUBLE, 2, bdims, bad));
    const double neg[1][3] = {{0, 1, -2}};
    hsize_t ndims[2] = {1, 3};
    CR_REQUIRE(h5_put(file, "/bad/negative", H5T_NATIVE_DOUBLE, 2, ndims, neg));
    const double loop[1][3] = {{2, 2, 1}};
    CR_REQUIRE(h5_put(file, "/bad/loop", H5T_NATIVE_DOUBLE, 2, ndims, loop));
    const double frac[1][3] = {{0.5, 1, 1}};
    CR_REQUIRE(h5_put(file, "/bad/fraction", H5T_NATIVE_DOUBLE, 2, ndims, frac));
    const double wide[2][4] = {{0, 1, 1, 1}, {1, 0, 1, 1}};
    hsize_t wdims[2] = {2, 4};
    CR_REQUIRE(h5_put(file, "/bad/wide", H5T_NATIVE_DOUBLE, 2, wdims, wide));
    hsize_t zdims[2] = {0, 3};
    CR_REQUIRE(h5_put(file, "/empty", H5T_NATIVE_DOUBLE, 2, zdims, rows));

    cr_edge *e = NULL;
    size_t ne = 0;
    cr_diag d;
    cr_diag_clear(&d);
    snprintf(path, sizeof path, "%s:/network/edges", file);
    CR_CHECK(cr_netfile_is_h5(path));
    CR_CHECK_MSG(cr_netfile_read(path, 5, &e, &ne, &d) == CR_OK, "%s", d.msg);
    const cr_edge want[] = {{0, 1, 6.25}, {1, 0, 2.5}, {3, 2, 0.0}, {4, 2, 10.0}};
    CR_CHECK(same_edges(e, ne, want, 4));
    free(e);

    snprintf(path, sizeof path, "%s:/ints", file);
    CR_CHECK_MSG(cr_netfile_read(path, 3, &e, &ne, &d) == CR_OK, "%s", d.msg);
    const cr_edge iwant[] = {{0, 2, 0.0}, {2, 0, 7.0}};
    CR_CHECK(same_edges(e, ne, iwant, 2));
    free(e);

    snprintf(path, sizeof path, "%s:/compound", file);
    CR_CHECK_MSG(cr_netfile_read(path, 3, &e, &ne, &d) == CR_OK, "%s", d.msg);
    const cr_edge cwant[] = {{0, 1, 5.0}, {0, 2, 3.0}};
    CR_CHECK(same_edges(e, ne, cwant, 2));
    free(e);

    snprintf(path, sizeof path, "%s:/empty", file);
    e = (cr_edge *)&d;
    CR_CHECK(cr_netfile_read(path, 3, &e, &ne, &d) == CR_OK && e == NULL && ne == 0);

    /* errors: the file, the dataset, the row (from 0) */
    char missing[1100];
    snprintf(missing, sizeof missing, "%s/none.h5", tmpdir);
    snprintf(path, sizeof path, "%s:/edges", missing);
    cr_diag_clear(&d);
    CR_CHECK(cr_netfile_read(path, 5, &e, &ne, &d) == CR_EINPUT);
    char want_msg[8192];
    snprintf(want_msg, sizeof want_msg, "%s: cannot open: No such file or directory", missing);
    CR_CHECK_MSG(strcmp(d.msg, want_msg) == 0, "%s", d.msg);

    char csv_as_h5[1100];
    snprintf(csv_as_h5, sizeof csv_as_h5, "%s/text.h5", tmpdir);
    FILE *f = fopen(csv_as_h5, "w");
    CR_REQUIRE(f);
    fputs("guarantor,borrower,amount\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s:/edges", csv_as_h5);
    CR_CHECK(cr_netfile_read(path, 5, &e, &ne, &d) == CR_EINPUT);
    snprintf(want_msg, sizeof want_msg, "%s: not an HDF5 file", csv_as_h5);
    CR_CHECK_MSG(strcmp(d.msg, want_msg) == 0, "%s", d.msg);

    snprintf(want_msg, sizeof want_msg,
             ": an HDF5 edge list needs a dataset: write %s:/DATASET (a [m, 3] dataset of "
             "guarantor, borrower, amount)",
             file);
    expect_bad(file, 5, want_msg);
    snprintf(path, sizeof path, "%s:/nothing/here", file);
    expect_bad(path, 5, ": no such dataset");
    snprintf(path, sizeof path, "%s:/bad", file);
    expect_bad(path, 5, ": not a dataset");
    snprintf(path, sizeof path, "%s:/bad/outside", file);
    expect_bad(path, 10000,
               "[2]: column 'borrower': SME 12000 is outside 0..9999 (population.smes)");
    snprintf(path, sizeof path, "%s:/bad/negative", file);
    expect_bad(path, 5, "[0]: column 'amount': must not be negative, got -2");
    snprintf(path, sizeof path, "%s:/bad/loop", file);
    expect_bad(path, 5, "[0]: self-loop: SME 2 guarantees itself (not allowed)");
    snprintf(path, sizeof path, "%s:/bad/fraction", file);
    expect_bad(path, 5, "[0]: column 'guarantor': expected an SME index (an integer), got 0.5");
    snprintf(path, sizeof path, "%s:/bad/wide", file);
    expect_bad(path, 5,
               ": expected a 2-D numeric dataset of shape [m, 3] (guarantor, borrower, amount) "
               "or a 1-D compound dataset with numeric members guarantor, borrower and amount, "
               "got a float dataset of shape [2, 4]");
    unlink(file);
    unlink(csv_as_h5);
}

/* ------------------------------------------------------------------ the generator */

static void test_generator(void)
{
    CR_CHECK(cr_netgen_find("file") == &cr_netgen_file);
    cr_netgen_params p;
    cr_netgen_params_init(&p);
    CR_CHECK(p.path == NULL);
    cr_diag d;
    cr_diag_clear(&d);
    CR_CHECK(cr_netgen_validate(&cr_netgen_file, &p, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "network.edges: the file generator needs the path");
    p.path = "";
    CR_CHECK(cr_netgen_validate(&cr_netgen_file, &p, NULL) == CR_ECONFIG);
    p.path = data("duplicates.csv");
    CR_CHECK(cr_netgen_validate(&cr_netgen_file, &p, NULL) == CR_OK);

    cr_rng_root root;
    cr_rng_root_init(&root, 42);
    /* the graph from the generator equals the graph of the expected edges, and
     * does not depend on the replication */
    const cr_edge want[] = {{0, 1, 9.5}, {0, 2, 15.0}, {3, 1, 1.0}};
    cr_graph *g = NULL, *h = NULL;
    CR_REQUIRE(cr_netgen_graph(&cr_netgen_file, &p, 6, &root, 3, &g, &d) == CR_OK);
    CR_REQUIRE(cr_graph_create_from_edges(6, want, 3, &h, &d) == CR_OK);
    CR_CHECK(g->n == h->n && g->m == h->m);
    CR_CHECK(memcmp(g->row_ptr, h->row_ptr, (g->n + 1) * sizeof *g->row_ptr) == 0);
    CR_CHECK(memcmp(g->col, h->col, g->m * sizeof *g->col) == 0);
    CR_CHECK(memcmp(g->weight, h->weight, g->m * sizeof *g->weight) == 0);
    cr_edge *e = NULL;
    size_t ne = 0;
    CR_CHECK(cr_netgen_edges(&cr_netgen_file, &p, 6, &root, 7, &e, &ne, &d) == CR_OK);
    CR_CHECK(same_edges(e, ne, want, 3));
    free(e);
    cr_graph_free(&g);
    cr_graph_free(&h);

    /* a bad file through the generator: CR_EINPUT, outputs untouched */
    p.path = data("self_loop.csv");
    g = (cr_graph *)&root;
    CR_CHECK(cr_netgen_graph(&cr_netgen_file, &p, 6, &root, 0, &g, &d) == CR_EINPUT);
    CR_CHECK(g == (cr_graph *)&root);
    CR_CHECK_STR_CONTAINS(d.msg, "self_loop.csv:4: self-loop");
}

int main(void)
{
    const char *src = getenv("CREDERE_SOURCE_DIR");
    snprintf(datadir, sizeof datadir, "%s/tests/data/network", src && src[0] ? src : ".");
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/cr_test_netfile_XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    CR_RUN(test_read_csv);
    CR_RUN(test_duplicates);
    CR_RUN(test_bad_csv);
    CR_RUN(test_hdf5);
    CR_RUN(test_generator);
    rmdir(tmpdir);
    return cr_test_report();
}
