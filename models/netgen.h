/* Guarantee-network generators as type objects, registered in a run-time table.
 *
 * A generator makes a directed edge list guarantor -> borrower over n SMEs (node
 * ids 0..n-1), every edge of weight 1 (the caller scales weights by loan amounts),
 * except `file` (models/netfile.h), whose weights are the amounts of the file.
 * Its random draws come from keyed streams (core/rng.h) with the key
 * (replication, period CR_NETGEN_PERIOD, purpose CR_P_NETWORK, entity = node), so
 * the network is a pure function of (seed, replication, n, parameters): never of
 * threads or of the financing mode. No generator makes self-loops or duplicate
 * edges.
 *
 * Built-in generators (the parameters each reads):
 *   groups      complete directed graph within consecutive groups of group_size
 *               (the last group may be smaller): joint liability, alliances
 *   pairs       mutual pairs i <-> i+1 for even i, each formed when the uniform of
 *               stream i is below pair_share (so raising pair_share only adds pairs)
 *   chains      i -> i+1 within consecutive blocks of chain_length
 *   stars       a hub every star_size+1 nodes guarantees the star_size nodes after
 *               it (fewer at the end); with star_mutual they guarantee it back
 *   scale_free  preferential attachment with mean out-degree mean_degree and
 *               reciprocity reciprocity (models/netgen.c explains the process)
 */
#ifndef CR_NETGEN_H
#define CR_NETGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/rng.h"
#include "core/status.h"
#include "models/purpose.h"

/* The purpose of network draws is CR_P_NETWORK (models/purpose.h). */
/* Networks are built once per replication: their keys use this period. */
#define CR_NETGEN_PERIOD 0

/* Parameters of every generator; each generator reads only its own fields. */
typedef struct {
    size_t group_size;   /* groups: k >= 2 */
    double pair_share;   /* pairs: p in [0, 1], share of candidate pairs formed */
    size_t chain_length; /* chains: L >= 2 */
    size_t star_size;    /* stars: s >= 1 spokes per hub */
    bool star_mutual;    /* stars: spokes also guarantee their hub */
    double mean_degree;  /* scale_free: m in (0, 1000], mean out-degree */
    double reciprocity;  /* scale_free: r in [0, 1], share of edges whose reverse exists */
    const char *path;    /* file: edge list, CSV or FILE.h5:/dataset (models/netfile.h) */
} cr_netgen_params;

/* Defaults: group_size 5, pair_share 1, chain_length 3, star_size 4, star_mutual
 * false, mean_degree 2, reciprocity 0.3, path NULL. */
void cr_netgen_params_init(cr_netgen_params *p);

typedef struct {
    const char *name;    /* "groups" */
    const char *summary; /* one line */
    /* optional: CR_ECONFIG with a message naming the key for a parameter out of
     * range ("network.group_size: must be at least 2, got 1"); NULL: accepts all */
    cr_status (*validate)(const cr_netgen_params *p, cr_diag *d);
    /* required: a malloc'd edge array (NULL when empty) and its length. Called
     * with validated parameters and n <= CR_GRAPH_MAX_NODES; pre is the stream
     * prefix of (replication, CR_NETGEN_PERIOD, CR_P_NETWORK). On failure it frees
     * what it allocated and leaves the outputs untouched. */
    cr_status (*generate)(const cr_netgen_params *p, size_t n, const cr_rng_prefix *pre,
                          cr_edge **edges, size_t *nedges, cr_diag *d);
} cr_netgen_type;

/* The generator called name, or NULL. */
const cr_netgen_type *cr_netgen_find(const char *name);

/* The i-th registered generator (built-ins first), NULL past the end. */
const cr_netgen_type *cr_netgen_at(size_t i);

/* Writes up to max generator names to names and returns how many there are. */
size_t cr_netgen_names(const char **names, size_t max);

/* Registers a user-defined generator (its storage must outlive every use).
 * CR_EINVAL when the name is taken, a required slot is NULL or the table is full. */
cr_status cr_netgen_register(const cr_netgen_type *t);

/* Checks the parameters t reads: CR_OK or CR_ECONFIG with a message in d. */
cr_status cr_netgen_validate(const cr_netgen_type *t, const cr_netgen_params *p, cr_diag *d);

/* Validates p, then generates t's edge list for replication `replication` under
 * root: *edges (malloc'd, free() it; NULL when there are none) and *nedges.
 * Errors: CR_ECONFIG (parameters), CR_EINVAL (n > CR_GRAPH_MAX_NODES), CR_ENOMEM;
 * on failure the outputs are untouched. Cost: O(n + edges) for the regular
 * generators, expected O(n m) for scale_free. */
cr_status cr_netgen_edges(const cr_netgen_type *t, const cr_netgen_params *p, size_t n,
                          const cr_rng_root *root, uint64_t replication, cr_edge **edges,
                          size_t *nedges, cr_diag *d);

/* As cr_netgen_edges, then the CSR graph (cr_graph_create_from_edges) in *out. */
cr_status cr_netgen_graph(const cr_netgen_type *t, const cr_netgen_params *p, size_t n,
                          const cr_rng_root *root, uint64_t replication, cr_graph **out,
                          cr_diag *d);

extern const cr_netgen_type cr_netgen_groups, cr_netgen_pairs, cr_netgen_chains, cr_netgen_stars,
    cr_netgen_scale_free;
extern const cr_netgen_type cr_netgen_file; /* models/netfile.h */

#endif
