/* DebtRank.
 *
 * Battiston, S., Puliga, M., Kaushik, R., Tasca, P. and Caldarelli, G. (2012),
 * "DebtRank: too central to fail? Financial networks, the FED and systemic
 * risk", Scientific Reports 2, 541.
 *
 * The liabilities are a graph (core/graph.h) with an edge j -> i of weight L_ji
 * when j owes i: then A_ij = L_ji is creditor i's exposure to debtor j, and the
 * impact of j on i is W_ij = min(1, A_ij / E_i) with E_i > 0 the equity of i.
 *
 * Each node has a distress h_i in [0, 1] and a state U (undistressed),
 * D (distressed) or I (inactive). At t = 1, h_i(1) = shock_i and the shocked nodes
 * (shock_i > 0) are D, the others U. At each step t = 2, 3, ...
 *     h_i(t) = min(1, h_i(t-1) + sum over j in D at t-1 of W_ij h_j(t-1))   (every i)
 *     a node D at t-1 becomes I; a node U at t-1 with h_i(t) > 0 becomes D;
 * until no node is D (time T). Each node thus passes its distress on once. Then
 *     R = sum_i h_i(T) v_i - sum_i h_i(1) v_i
 * with v_i the relative economic value of node i (sum_i v_i = 1): the distress the
 * shocks caused beyond themselves.
 */
#ifndef CR_DEBTRANK_H
#define CR_DEBTRANK_H

#include <stddef.h>

#include "core/graph.h"
#include "core/status.h"

typedef struct {
    double total;      /* R */
    int steps;         /* steps t = 2..T taken (0 when no node is shocked) */
    size_t distressed; /* nodes with h_i(T) > 0 */
} cr_debtrank_info;

/* The relative economic values the command uses: v_i proportional to node i's total
 * assets, external ones plus interbank ones (what it is owed, sum_j L_ji),
 * normalised to sum 1. Errors: CR_EINVAL when the total is not positive and
 * finite or an asset is negative. O(n + m). */
cr_status cr_debtrank_values(const cr_graph *liabilities, const double *external_assets,
                             double *value, cr_diag *d);

/* Runs DebtRank: distress[i] = h_i(T) (n entries); info receives R, the steps and
 * the distressed count (info may be NULL). The value vector is used as given
 * (cr_debtrank_values makes the usual one). Increments are added in the order of
 * the distressed nodes' ids, so the result does not depend on anything else.
 * Errors: CR_EINVAL for an equity that is not positive and finite, a shock
 * outside [0, 1], a negative or non-finite edge weight or value. On error
 * distress is untouched. O((n + m) log n). */
cr_status cr_debtrank_compute(const cr_graph *liabilities, const double *equity,
                              const double *shock, const double *value, double *distress,
                              cr_debtrank_info *info, cr_diag *d);

#endif
