/* The Eisenberg-Noe clearing vector by the fictitious-default algorithm (see
 * clearing.h). */
#include "core/clearing.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

/* A node defaults when its assets fall short of its obligation by more than this
 * share of the obligation: smaller shortfalls are rounding in the two sums. */
#define DEFAULT_TOL 1e-12
/* The solver checks its own answer by substitution against this tolerance. */
#define CHECK_TOL 1e-9
/* Gauss-Seidel stops when no payment moves by more than this share of its
 * obligation, or fails after this many sweeps. */
#define SWEEP_TOL (4 * DBL_EPSILON)
#define MAX_SWEEPS 1000000

void cr_clearing_obligations(const cr_graph *g, const double *external_liabilities, double *p_bar)
{
    for (size_t i = 0; i < g->n; i++)
        p_bar[i] = cr_graph_out_strength(g, i) + external_liabilities[i];
}

/* value[i] = e_i + sum_k Pi_ki p_k: each source pays its creditors pro rata. A node
 * paying in full passes on exactly L_ki. O(n + m). */
static void assets(const cr_graph *g, const double *e, const double *p_bar, const double *p,
                   double *value)
{
    memcpy(value, e, g->n * sizeof *value);
    for (size_t k = 0; k < g->n; k++) {
        if (p_bar[k] <= 0.0)
            continue;
        double r = p[k] == p_bar[k] ? 1.0 : p[k] / p_bar[k];
        for (size_t q = g->row_ptr[k]; q < g->row_ptr[k + 1]; q++)
            value[g->col[q]] += r == 1.0 ? g->weight[q] : g->weight[q] * r;
    }
}

static cr_status check_inputs(const cr_graph *g, const double *e, const double *b, cr_diag *d)
{
    for (size_t i = 0; i < g->n; i++) {
        if (!isfinite(e[i]) || e[i] < 0.0)
            return cr_diag_set(d, CR_EINVAL, "clearing: node %zu: external assets %g", i, e[i]);
        if (!isfinite(b[i]) || b[i] < 0.0)
            return cr_diag_set(d, CR_EINVAL, "clearing: node %zu: external liabilities %g", i,
                               b[i]);
    }
    for (size_t q = 0; q < g->m; q++)
        if (!isfinite(g->weight[q]) || g->weight[q] < 0.0)
            return cr_diag_set(d, CR_EINVAL, "clearing: a liability of %g", g->weight[q]);
    return CR_OK;
}

/* Solves (I - Pi_DD^T) p_D = e_D + sum over non-defaulting k of L_ki for the k
 * nodes dlist[0..k-1] (pos[i] = index of i in dlist, or SIZE_MAX) and stores the
 * solution, clamped to [0, p_bar], in p. Dense LU. */
static cr_status solve_dense(const cr_graph *g, const double *e, const double *p_bar,
                             const uint32_t *dlist, const size_t *pos, size_t k, double *p,
                             cr_diag *d)
{
    gsl_matrix *m = gsl_matrix_alloc(k, k);
    gsl_vector *rhs = gsl_vector_alloc(k), *x = gsl_vector_alloc(k);
    gsl_permutation *perm = gsl_permutation_alloc(k);
    cr_status st = CR_OK;
    if (!m || !rhs || !x || !perm) {
        st = cr_diag_set(d, CR_ENOMEM, "clearing: out of memory for %zu defaulting nodes", k);
        goto done;
    }
    gsl_matrix_set_identity(m);
    for (size_t a = 0; a < k; a++)
        gsl_vector_set(rhs, a, e[dlist[a]]);
    for (size_t src = 0; src < g->n; src++) {
        if (p_bar[src] <= 0.0)
            continue;
        size_t c = pos[src];
        for (size_t q = g->row_ptr[src]; q < g->row_ptr[src + 1]; q++) {
            size_t a = pos[g->col[q]];
            if (a == SIZE_MAX)
                continue; /* the creditor pays in full: its row is not in the system */
            if (c == SIZE_MAX)
                *gsl_vector_ptr(rhs, a) += g->weight[q]; /* paid in full */
            else
                *gsl_matrix_ptr(m, a, c) -= g->weight[q] / p_bar[src];
        }
    }
    int signum;
    if (gsl_linalg_LU_decomp(m, perm, &signum) != GSL_SUCCESS) {
        st = cr_diag_set(d, CR_ENUMERIC, "clearing: LU decomposition failed (%zu defaulters)", k);
        goto done;
    }
    for (size_t a = 0; a < k; a++) {
        if (!(fabs(gsl_matrix_get(m, a, a)) > 1e-300)) {
            st = cr_diag_set(d, CR_ENUMERIC,
                             "clearing: singular system for %zu defaulting nodes (a group that "
                             "owes only itself)",
                             k);
            goto done;
        }
    }
    if (gsl_linalg_LU_solve(m, perm, rhs, x) != GSL_SUCCESS) {
        st = cr_diag_set(d, CR_ENUMERIC, "clearing: LU solve failed (%zu defaulters)", k);
        goto done;
    }
    for (size_t a = 0; a < k; a++) {
        double v = gsl_vector_get(x, a);
        uint32_t i = dlist[a];
        p[i] = v < 0.0 ? 0.0 : (v > p_bar[i] ? p_bar[i] : v);
    }
done:
    gsl_permutation_free(perm);
    gsl_vector_free(x);
    gsl_vector_free(rhs);
    gsl_matrix_free(m);
    return st;
}

/* The same system for a large default set, by Gauss-Seidel sweeps over the
 * in-edges (t is the transpose of the liabilities): p_i = rhs_i + sum over
 * defaulting k of Pi_ki p_k, nodes in id order. Starting from the previous round's
 * payments, which are above the solution, the sweeps decrease to it (I - Pi_DD^T
 * is a nonsingular M-matrix). O(edges into D) per sweep. */
static cr_status solve_sparse(const cr_graph *t, const double *e, const double *p_bar,
                              const uint32_t *dlist, const size_t *pos, size_t k, double *p,
                              cr_diag *d)
{
    double *rhs = malloc(k * sizeof *rhs);
    if (!rhs)
        return cr_diag_set(d, CR_ENOMEM, "clearing: out of memory for %zu defaulting nodes", k);
    for (size_t a = 0; a < k; a++) {
        uint32_t i = dlist[a];
        rhs[a] = e[i];
        for (size_t q = t->row_ptr[i]; q < t->row_ptr[i + 1]; q++)
            if (pos[t->col[q]] == SIZE_MAX)
                rhs[a] += t->weight[q]; /* paid in full */
    }
    for (long sweep = 0; sweep < MAX_SWEEPS; sweep++) {
        int moved = 0;
        for (size_t a = 0; a < k; a++) {
            uint32_t i = dlist[a];
            double x = rhs[a];
            for (size_t q = t->row_ptr[i]; q < t->row_ptr[i + 1]; q++) {
                uint32_t src = t->col[q];
                if (pos[src] != SIZE_MAX)
                    x += t->weight[q] / p_bar[src] * p[src];
            }
            x = x < 0.0 ? 0.0 : (x > p_bar[i] ? p_bar[i] : x);
            moved |= fabs(x - p[i]) > SWEEP_TOL * p_bar[i];
            p[i] = x;
        }
        if (!moved) {
            free(rhs);
            return CR_OK;
        }
    }
    free(rhs);
    return cr_diag_set(d, CR_ENUMERIC,
                       "clearing: Gauss-Seidel did not converge in %d sweeps for %zu defaulting "
                       "nodes",
                       MAX_SWEEPS, k);
}

cr_status cr_clearing_solve(const cr_graph *g, const double *external_assets,
                            const double *external_liabilities, double *payment, uint8_t *defaulted,
                            cr_clearing_info *info, cr_diag *d)
{
    if (!g || !external_assets || !external_liabilities || !payment || !defaulted)
        return cr_diag_set(d, CR_EINVAL, "clearing: missing input or output");
    cr_status st = check_inputs(g, external_assets, external_liabilities, d);
    if (st != CR_OK)
        return st;
    size_t n = g->n, nn = n ? n : 1;
    double *p_bar = malloc(nn * sizeof *p_bar), *p = malloc(nn * sizeof *p);
    double *value = malloc(nn * sizeof *value);
    size_t *pos = malloc(nn * sizeof *pos);
    uint32_t *dlist = malloc(nn * sizeof *dlist);
    uint8_t *in_d = calloc(nn, 1);
    cr_graph *t = NULL; /* the transpose, made when a default set is too large for LU */
    if (!p_bar || !p || !value || !pos || !dlist || !in_d) {
        st = cr_diag_set(d, CR_ENOMEM, "clearing: out of memory for %zu nodes", n);
        goto done;
    }
    cr_clearing_obligations(g, external_liabilities, p_bar);
    memcpy(p, p_bar, n * sizeof *p); /* round 0: every node pays in full */
    size_t k = 0;
    int rounds = 0;
    for (;;) {
        assets(g, external_assets, p_bar, p, value);
        size_t added = 0;
        for (size_t i = 0; i < n; i++) {
            if (!in_d[i] && value[i] < p_bar[i] - DEFAULT_TOL * p_bar[i]) {
                in_d[i] = 1;
                added++;
            }
        }
        if (added == 0)
            break;
        k += added;
        rounds++;
        size_t a = 0; /* the default set in node order */
        for (size_t i = 0; i < n; i++) {
            pos[i] = in_d[i] ? a : SIZE_MAX;
            if (in_d[i])
                dlist[a++] = (uint32_t)i;
        }
        if (k > CR_CLEARING_DENSE_MAX && !t)
            st = cr_graph_transpose(g, &t, d);
        if (st == CR_OK && k <= CR_CLEARING_DENSE_MAX)
            st = solve_dense(g, external_assets, p_bar, dlist, pos, k, p, d);
        else if (st == CR_OK)
            st = solve_sparse(t, external_assets, p_bar, dlist, pos, k, p, d);
        if (st != CR_OK)
            goto done;
    }
    double res = cr_clearing_residual(g, external_assets, external_liabilities, p);
    if (!(res <= CHECK_TOL)) {
        st = cr_diag_set(d, CR_ENUMERIC,
                         "clearing: the solution misses the fixed point by %.3g (relative); "
                         "the network is too ill-conditioned",
                         res);
        goto done;
    }
    memcpy(payment, p, n * sizeof *p);
    memcpy(defaulted, in_d, n);
    if (info) {
        info->rounds = rounds;
        info->defaults = k;
    }
done:
    cr_graph_free(&t);
    free(p_bar);
    free(p);
    free(value);
    free(pos);
    free(dlist);
    free(in_d);
    return st;
}

double cr_clearing_residual(const cr_graph *g, const double *external_assets,
                            const double *external_liabilities, const double *p)
{
    size_t nn = g->n ? g->n : 1;
    double *p_bar = calloc(nn, sizeof *p_bar), *value = calloc(nn, sizeof *value);
    double worst = 0.0;
    if (!p_bar || !value) {
        worst = INFINITY;
    } else {
        cr_clearing_obligations(g, external_liabilities, p_bar);
        assets(g, external_assets, p_bar, p, value);
        for (size_t i = 0; i < g->n; i++) {
            double phi = fmin(p_bar[i], fmax(0.0, value[i]));
            double r = fabs(p[i] - phi);
            if (p_bar[i] > 0.0)
                r /= p_bar[i];
            if (!(r <= worst)) /* NaN propagates */
                worst = r;
        }
    }
    free(p_bar);
    free(value);
    return worst;
}
