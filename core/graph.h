/* Directed weighted graphs in compressed sparse row (CSR) storage.
 *
 * The out-edges of node i are col[row_ptr[i] .. row_ptr[i+1]-1] with weights
 * weight[...], sorted by target. A graph is built once from an edge list, in
 * O(n + m) time and memory, and never changes; the transpose (in-edges as rows)
 * is another graph, made on demand by cr_graph_transpose.
 *
 * Conventions (the same for every caller):
 * - the edge order is deterministic: rows in node order, targets ascending,
 *   whatever the order of the input list;
 * - duplicate edges (the same from and to) are merged into one edge whose weight
 *   is the sum of theirs, added in input order;
 * - self-loops are stored like any edge; reciprocity ignores them. (Readers of
 *   user files reject them: core/netio.h.)
 * - node ids are 0..n-1 with n < 2^32 (targets are stored as uint32_t, so an edge
 *   costs 12 bytes), and weights must be finite (negative ones are allowed here;
 *   the network measures check their own requirements).
 *
 * core knows nothing of what the edges mean: guarantees, receivables or
 * interbank liabilities are for the callers.
 */
#ifndef CR_GRAPH_H
#define CR_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* The largest number of nodes a graph may have. */
#define CR_GRAPH_MAX_NODES ((size_t)UINT32_MAX)

/* One directed edge of an edge list. */
typedef struct {
    uint32_t from, to;
    double weight;
} cr_edge;

typedef struct {
    size_t n;        /* nodes */
    size_t m;        /* edges, after duplicates were merged */
    size_t *row_ptr; /* [n + 1]: out-edges of i are row_ptr[i] .. row_ptr[i+1]-1 */
    uint32_t *col;   /* [m] targets, ascending within a row */
    double *weight;  /* [m] */
} cr_graph;

/* Builds the CSR graph of n nodes from nedges edges (edges may be NULL when nedges
 * is 0): sorted by (from, to) with a two-pass counting sort, duplicates summed.
 * Errors: CR_EINVAL for an endpoint >= n, a non-finite weight or n too large;
 * CR_ENOMEM. O(n + nedges) time and memory. */
cr_status cr_graph_create_from_edges(size_t n, const cr_edge *edges, size_t nedges, cr_graph **out,
                                     cr_diag *d);

/* Frees *g and sets it to NULL; safe on NULL and on *g == NULL. */
void cr_graph_free(cr_graph **g);

/* The transpose: edge j -> i of weight w for every edge i -> j of g (so its rows
 * are g's in-edges, sources ascending). O(n + m). */
cr_status cr_graph_transpose(const cr_graph *g, cr_graph **out, cr_diag *d);

/* Out-degree of node i (edges leaving i, after merging). O(1). */
size_t cr_graph_out_degree(const cr_graph *g, size_t i);

/* Sum of the weights of the edges leaving i, in row order. O(out-degree). */
double cr_graph_out_strength(const cr_graph *g, size_t i);

/* deg[i] = in-degree of node i, for every i (deg has n entries). O(n + m). */
void cr_graph_in_degrees(const cr_graph *g, size_t *deg);

/* s[i] = sum of the weights of the edges entering i, added in row order of their
 * sources (deterministic), for every i (s has n entries). O(n + m). */
void cr_graph_in_strengths(const cr_graph *g, double *s);

/* Whether the edge from -> to exists; if so and w is not NULL, *w = its weight.
 * O(log out-degree). */
bool cr_graph_find_edge(const cr_graph *g, size_t from, size_t to, double *w);

/* Reciprocity: the share of edges i -> j (i != j) whose reverse j -> i exists
 * too (igraph's default definition, self-loops ignored); 0 for a graph without
 * such edges. O(m log d) with d the largest out-degree. */
double cr_graph_reciprocity(const cr_graph *g);

/* Weakly connected components (edge directions ignored), by union-find. */
typedef struct {
    size_t ncomponents;  /* number of components (isolated nodes count) */
    size_t largest_size; /* nodes in the largest component (0 for an empty graph) */
    uint32_t largest;    /* its label; the smallest label among equally large ones */
} cr_graph_wcc;

/* Labels the weakly connected components 0, 1, ... in the order of their smallest
 * node; membership (n entries, may be NULL) receives each node's label.
 * O((n + m) alpha(n)). Errors: CR_ENOMEM. */
cr_status cr_graph_weak_components(const cr_graph *g, uint32_t *membership, cr_graph_wcc *out,
                                   cr_diag *d);

#endif
