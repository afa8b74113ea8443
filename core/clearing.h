/* The Eisenberg-Noe clearing vector.
 *
 * Eisenberg, L. and Noe, T. H. (2001), "Systemic risk in financial systems",
 * Management Science 47(2), 236-249.
 *
 * The liabilities are a graph (core/graph.h) with an edge i -> j of weight L_ij
 * when i owes j the amount L_ij >= 0. Node i also has external assets e_i >= 0 and
 * external liabilities b_i >= 0. Its total obligation is
 *     p_bar_i = sum_j L_ij + b_i,
 * and it pays its creditors pro rata, external ones included: creditor j gets the
 * share Pi_ij = L_ij / p_bar_i of what i pays (0 when p_bar_i = 0). A clearing
 * vector is a fixed point of
 *     p = min(p_bar, max(0, e + Pi^T p)),
 * each node paying what it owes or, when it cannot, everything it has.
 *
 * cr_clearing_solve finds the greatest clearing vector exactly (up to rounding)
 * with Eisenberg and Noe's fictitious-default algorithm: start with every node
 * paying in full; nodes whose assets then fall short of p_bar default; solve the
 * linear system in which defaulting nodes pay what they have and the others pay in
 * full; repeat with the new defaulters until the default set no longer grows. The
 * set grows at every round, so there are at most n rounds.
 */
#ifndef CR_CLEARING_H
#define CR_CLEARING_H

#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "core/status.h"

/* Default sets up to this size are solved by dense LU, larger ones by sparse
 * Gauss-Seidel iteration (see cr_clearing_solve). */
#define CR_CLEARING_DENSE_MAX 1024

typedef struct {
    int rounds;      /* rounds in which the default set grew (0: every node pays in full) */
    size_t defaults; /* nodes that pay less than they owe */
} cr_clearing_info;

/* p_bar[i] = sum_j L_ij + external_liabilities[i], for every node. O(n + m). */
void cr_clearing_obligations(const cr_graph *liabilities, const double *external_liabilities,
                             double *p_bar);

/* Solves for the greatest clearing vector: payment[i] (n entries) and defaulted[i]
 * (1 when node i pays less than p_bar_i, else 0); info may be NULL.
 *
 * Each round solves, for the k defaulting nodes D, the k x k system
 *     (I - Pi_DD^T) p_D = e_D + Pi_(not D),D^T p_bar_(not D)
 * and then takes O(n + m) to find the next defaulters; at most n rounds. The
 * matrix is never singular: a set of nodes that owes only itself cannot default
 * all at once. Up to CR_CLEARING_DENSE_MAX defaulters the system is solved by
 * dense LU decomposition (GSL), O(k^3) time and 8 k^2 bytes per round; above, by
 * Gauss-Seidel sweeps over the sparse in-edges until no payment moves by more
 * than 4 machine epsilons of its obligation, O(edges into D) per sweep (the number
 * of sweeps grows as the defaulters keep more of their payments among themselves).
 *
 * Errors: CR_EINVAL for a negative or non-finite input (edge weights included);
 * CR_ENUMERIC when the sweeps do not converge or the result fails its own
 * substitution check; CR_ENOMEM. On error the outputs are untouched. */
cr_status cr_clearing_solve(const cr_graph *liabilities, const double *external_assets,
                            const double *external_liabilities, double *payment, uint8_t *defaulted,
                            cr_clearing_info *info, cr_diag *d);

/* How far p is from being a clearing vector: the largest over nodes of
 *     |p_i - min(p_bar_i, max(0, e_i + (Pi^T p)_i))| / p_bar_i
 * (the absolute difference for a node with p_bar_i = 0), or +inf when memory runs
 * out. A clearing vector gives a few multiples of machine epsilon. O(n + m). */
double cr_clearing_residual(const cr_graph *liabilities, const double *external_assets,
                            const double *external_liabilities, const double *p);

#endif
