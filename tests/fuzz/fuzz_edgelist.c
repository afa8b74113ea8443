/* libFuzzer target: the CSV readers of network files (core/csv.c, core/netio.c,
 * models/netfile.c).
 *
 * One input is read as
 *   1. an edge list of the `file` network generator (experiment key network.edges,
 *      header guarantor,borrower,amount) for FUZZ_SMES SMEs: cr_netfile_read;
 *   2. a NODES.csv of `credere network`, for clearing and for DebtRank:
 *      cr_netio_read_nodes;
 *   3. an EDGES.csv against a fixed, valid node table (ids bank1..bank4):
 *      cr_netio_read_edges;
 *   4. when it has a line "%%": NODES.csv before it and EDGES.csv after it, the
 *      whole `credere network` job (read, build the graph, clearing and DebtRank,
 *      CSV output to /dev/null): cr_netio_run.
 * What must hold: no crash, leak, undefined behaviour or hang; a failure is
 * CR_EINPUT with a message that starts with the file's name; a success is a
 * consistent table (ids found at their index, edges between known nodes, no
 * self-loops, finite non-negative amounts; netfile's edges sorted and merged).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/netio.h"
#include "fuzz_util.h"
#include "models/netfile.h"

#define FUZZ_SMES 64
#define FUZZ_MAX_INPUT (256 * 1024)
#define SEPARATOR "\n%%\n"

static const char fixed_nodes[] = "id,external_assets,external_liabilities,equity,shock\n"
                                  "bank1,10,2,5,0.5\n"
                                  "bank2,4,1,3,0\n"
                                  "bank3,6,0,2,0\n"
                                  "\"bank 4, \"\"quoted\"\"\",1,1,1,1\n";

static cr_netio_nodes *fixed; /* read once */
static FILE *devnull;

static const unsigned input_errors = FUZZ_ALLOW(CR_EINPUT) | FUZZ_ALLOW(CR_ENOMEM);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_process();
    const char *path = fuzz_path("fixed_nodes.csv");
    fuzz_write(path, fixed_nodes, sizeof fixed_nodes - 1);
    cr_diag d;
    if (cr_netio_read_nodes(path, CR_NETIO_NEED_DEBTRANK, &fixed, &d) != CR_OK || fixed->n != 4)
        fuzz_harness_fail("the fixed node table does not read");
    if (!(devnull = fopen("/dev/null", "w")))
        fuzz_harness_fail("cannot open /dev/null");
    return 0;
}

/* A failure names the file first ("file:line: ..." or "file: ..."). */
static void check_failure(const char *who, cr_status st, const cr_diag *d, const char *path)
{
    fuzz_check_status(who, st, d, input_errors);
    if (st == CR_OK || st == CR_ENOMEM)
        return;
    size_t n = strlen(path);
    FUZZ_ASSERT(strncmp(d->msg, path, n) == 0 && d->msg[n] == ':',
                "%s: the message does not start with the file name: '%s'", who, d->msg);
}

static void check_nodes(const cr_netio_nodes *nd, unsigned flags)
{
    FUZZ_ASSERT(nd && nd->n > 0, "a node table without nodes");
    FUZZ_ASSERT(!(flags & CR_NETIO_NEED_DEBTRANK) || (nd->equity && nd->shock),
                "DebtRank nodes without equity or shock");
    for (size_t i = 0; i < nd->n; i++) {
        FUZZ_ASSERT(nd->id[i] && nd->id[i][0], "node %zu has an empty id", i);
        FUZZ_ASSERT(cr_netio_nodes_find(nd, nd->id[i]) == i, "node %zu ('%s') is not found", i,
                    nd->id[i]);
        FUZZ_ASSERT(nd->external_assets[i] >= 0 && isfinite(nd->external_assets[i]),
                    "node %zu: external assets %g", i, nd->external_assets[i]);
        FUZZ_ASSERT(nd->external_liabilities[i] >= 0 && isfinite(nd->external_liabilities[i]),
                    "node %zu: external liabilities %g", i, nd->external_liabilities[i]);
        FUZZ_ASSERT(!nd->shock || (nd->shock[i] >= 0 && nd->shock[i] <= 1), "node %zu: shock %g", i,
                    nd->shock[i]);
        FUZZ_ASSERT(!(flags & CR_NETIO_NEED_DEBTRANK) || nd->equity[i] > 0, "node %zu: equity %g",
                    i, nd->equity[i]);
    }
}

static void check_edges(const cr_edge *e, size_t m, size_t n, int sorted)
{
    for (size_t k = 0; k < m; k++) {
        FUZZ_ASSERT(e[k].from < n && e[k].to < n, "edge %zu: %u -> %u of %zu nodes", k,
                    (unsigned)e[k].from, (unsigned)e[k].to, n);
        FUZZ_ASSERT(e[k].from != e[k].to, "edge %zu is a self-loop", k);
        FUZZ_ASSERT(isfinite(e[k].weight) && e[k].weight >= 0, "edge %zu: amount %g", k,
                    e[k].weight);
        FUZZ_ASSERT(!sorted || k == 0 || e[k - 1].from < e[k].from ||
                        (e[k - 1].from == e[k].from && e[k - 1].to < e[k].to),
                    "edges %zu and %zu are not sorted and merged", k - 1, k);
    }
}

/* 1. the `file` network generator's CSV edge list */
static void fuzz_netfile(const char *path)
{
    cr_edge *e = NULL;
    size_t m = 0;
    cr_diag d = {{0}};
    cr_status st = cr_netfile_read(path, FUZZ_SMES, &e, &m, &d);
    check_failure("netfile", st, &d, path);
    if (st == CR_OK)
        check_edges(e, m, FUZZ_SMES, 1);
    else
        FUZZ_ASSERT(e == NULL && m == 0, "a failed read set its outputs");
    free(e);
}

/* 2. NODES.csv, 3. EDGES.csv against the fixed nodes */
static void fuzz_netio(const char *path)
{
    static const unsigned flags[2] = {0, CR_NETIO_NEED_DEBTRANK};
    for (int k = 0; k < 2; k++) {
        cr_netio_nodes *nd = NULL;
        cr_diag d = {{0}};
        cr_status st = cr_netio_read_nodes(path, flags[k], &nd, &d);
        check_failure("nodes", st, &d, path);
        if (st == CR_OK)
            check_nodes(nd, flags[k]);
        else
            FUZZ_ASSERT(nd == NULL, "a failed read set its output");
        cr_netio_nodes_free(&nd);
    }
    cr_edge *e = NULL;
    size_t m = 0;
    cr_diag d = {{0}};
    cr_status st = cr_netio_read_edges(path, fixed, &e, &m, &d);
    check_failure("edges", st, &d, path);
    if (st == CR_OK)
        check_edges(e, m, fixed->n, 0);
    free(e);
}

/* 4. the `credere network` job on NODES %% EDGES */
static void fuzz_job(const uint8_t *data, size_t size)
{
    const uint8_t *sep = NULL;
    for (size_t i = 0; !sep && i + sizeof SEPARATOR - 1 <= size; i++)
        if (memcmp(data + i, SEPARATOR, sizeof SEPARATOR - 1) == 0)
            sep = data + i;
    if (!sep)
        return;
    const char *nodes = fuzz_path("nodes.csv"), *edges = fuzz_path("edges.csv");
    size_t nn = (size_t)(sep - data) + 1, skip = nn + sizeof SEPARATOR - 2;
    fuzz_write(nodes, data, nn);
    fuzz_write(edges, data + skip, size - skip);
    for (int measure = CR_NETIO_CLEARING; measure <= CR_NETIO_DEBTRANK; measure++) {
        cr_netio_job job = {.edges_path = edges,
                            .nodes_path = nodes,
                            .measure = (cr_netio_measure)measure,
                            .stream = devnull};
        cr_netio_summary sum;
        cr_diag d = {{0}};
        cr_status st = cr_netio_run(&job, &sum, &d);
        fuzz_check_status("network", st, &d, input_errors);
        if (st == CR_OK)
            FUZZ_ASSERT(sum.nodes > 0 && sum.edges <= sum.input_edges,
                        "summary: %zu nodes, %zu edges of %zu", sum.nodes, sum.edges,
                        sum.input_edges);
        else if (st == CR_EINPUT)
            FUZZ_ASSERT(strncmp(d.msg, nodes, strlen(nodes)) == 0 ||
                            strncmp(d.msg, edges, strlen(edges)) == 0,
                        "network: the message does not start with a file name: '%s'", d.msg);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return -1; /* not added to the corpus */
    const char *path = fuzz_path("input.csv");
    fuzz_write(path, data, size);
    fuzz_netfile(path);
    fuzz_netio(path);
    fuzz_job(data, size);
    return 0;
}
