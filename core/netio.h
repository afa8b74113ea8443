/* Network files: the node and edge tables users give to `credere network`
 * (docs/network.md), and the output of the network measures.
 *
 * NODES.csv   header  id,external_assets,external_liabilities[,equity][,shock]
 *             (columns in any order; equity and shock are required by DebtRank)
 * EDGES.csv   header  debtor,creditor,amount      (the debtor owes the creditor)
 *
 * Node ids are arbitrary non-empty strings, numbered 0..n-1 in their order in
 * NODES.csv; every edge endpoint must be one of them. Fields may be quoted
 * ("a, b"; "" is a quote); spaces around unquoted fields are ignored, as are
 * blank lines, a UTF-8 byte-order mark and Windows line ends. Duplicate edges are
 * kept in the list and summed when the graph is built (core/graph.h); self-loops
 * are rejected.
 *
 * Every problem in a file is CR_EINPUT with "file:line: column: message", e.g.
 *     edges.csv:7: creditor: unknown node id 'bnak3'; did you mean 'bank3'?
 *
 * The checks on one edge are separate from the CSV parsing, so that another
 * reader (an edge list in an HDF5 dataset, named "file:/dataset[row]" in
 * messages) can share them.
 */
#ifndef CR_NETIO_H
#define CR_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clearing.h"
#include "core/debtrank.h"
#include "core/graph.h"
#include "core/status.h"

#define CR_NETIO_FORMAT_NAME "credere-network"
#define CR_NETIO_FORMAT_VERSION 1

/* The value cr_netio_nodes_find returns for an unknown id. */
#define CR_NETIO_NONE ((size_t)-1)

/* The node table. Arrays have n entries; equity and shock are NULL when the file
 * has no such column. */
typedef struct {
    size_t n;
    char **id;
    double *external_assets;      /* >= 0 */
    double *external_liabilities; /* >= 0 */
    double *equity;               /* > 0 when checked for DebtRank */
    double *shock;                /* in [0, 1] */
    size_t *line;                 /* the line of each node in its file */
    uint32_t *index;              /* private: id hash table, node + 1 per slot (0: empty) */
    size_t index_cap;             /* private: its size, a power of two */
} cr_netio_nodes;

/* Flags of cr_netio_read_nodes. */
enum {
    CR_NETIO_NEED_DEBTRANK = 1u << 0, /* equity (> 0) and shock columns required */
};

/* Reads NODES.csv. Errors (CR_EINPUT, "file:line: ..."): missing or unreadable
 * file, empty file, a header with a missing, unknown or repeated column, a line
 * with the wrong number of fields, an empty or duplicate id, a field that is not a
 * finite number, a negative asset or liability, a shock outside [0, 1], with
 * CR_NETIO_NEED_DEBTRANK an equity <= 0 or no equity or shock column; a file
 * without nodes. O(file size). */
cr_status cr_netio_read_nodes(const char *path, unsigned flags, cr_netio_nodes **out, cr_diag *d);

/* Frees *nodes and sets it to NULL; safe on NULL. */
void cr_netio_nodes_free(cr_netio_nodes **nodes);

/* The index of node `id`, or CR_NETIO_NONE. O(1) expected. */
size_t cr_netio_nodes_find(const cr_netio_nodes *nodes, const char *id);

/* Reads EDGES.csv against the node table: *edges (free with free()) receives one
 * edge per line in file order, from = debtor, to = creditor, weight = amount;
 * a file with only its header gives no edges. Errors (CR_EINPUT): as for the
 * nodes, plus an unknown node id (with a did-you-mean), a self-loop, a negative
 * amount. O(file size). */
cr_status cr_netio_read_edges(const char *path, const cr_netio_nodes *nodes, cr_edge **edges,
                              size_t *nedges, cr_diag *d);

/* Checks one edge and appends it to a growing list (*edges, *nedges, *cap): both
 * ids known, not a self-loop, amount finite and >= 0; `where` prefixes messages
 * ("edges.csv:7"). The shared part of every edge reader. */
cr_status cr_netio_add_edge(const cr_netio_nodes *nodes, const char *where, const char *debtor,
                            const char *creditor, double amount, cr_edge **edges, size_t *nedges,
                            size_t *cap, cr_diag *d);

/* ------------------------------------------------------------------ the command */

typedef enum { CR_NETIO_CLEARING = 0, CR_NETIO_DEBTRANK = 1 } cr_netio_measure;

/* What `credere network` does: read, compute, write. */
typedef struct {
    const char *edges_path;
    const char *nodes_path;
    cr_netio_measure measure;
    const char *out_path;     /* NULL: CSV to `stream`; "*.h5": HDF5; else CSV */
    FILE *stream;             /* used when out_path is NULL */
    bool force;               /* replace an existing out_path (else CR_EEXIST) */
    const char *command_line; /* stored in HDF5 output; may be NULL */
} cr_netio_job;

typedef struct {
    size_t nodes, edges, input_edges; /* edges after and before duplicates were summed */
    cr_clearing_info clearing;        /* --clearing: rounds and defaults */
    cr_debtrank_info debtrank;        /* --debtrank: R, steps and distressed nodes */
} cr_netio_summary;

/* Runs the job: refuses an existing output without force (CR_EEXIST, before
 * reading anything), reads both files, builds the graph, computes the measure and
 * writes the output. Nothing is created when an input is bad.
 *
 * CSV output (docs/network.md): "id,payment,defaulted" (defaulted 0 or 1), or
 * "id,distress" followed by the line "# debtrank = R"; numbers are printed with
 * the fewest digits that read back to the same double. HDF5 output: root
 * attributes format = "credere-network", format_version, software_version,
 * git_revision, created, command_line; group /network/clearing (datasets id,
 * payment, defaulted; attributes rounds, defaults) or /network/debtrank (datasets
 * id, distress; attributes debtrank, steps). */
cr_status cr_netio_run(const cr_netio_job *job, cr_netio_summary *sum, cr_diag *d);

#endif
