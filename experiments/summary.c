/* The run's summary: per cell and metric, the mean and standard deviation over
 * replications of the post-burn-in averages (Welford), and the table printed after a
 * run, a resume or a merge. */
#include "experiments/runner.h"
#include "experiments/runner_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/metrics.h"

void cr_run_summary_free(cr_run_summary *s)
{
    free(s->cell_mode);
    free(s->mode_text);
    free(s->mean);
    free(s->sd);
    free(s->n);
    memset(s, 0, sizeof *s);
}

/* Welford update of cell's statistics with one unit's post-burn-in averages. */
void cr_i_run_summary_add(cr_run_summary *s, double *m2, size_t cell, const double *values,
                          size_t periods, size_t burn_in)
{
    size_t n = ++s->n[cell];
    for (size_t k = 0; k < s->nmetrics; k++) {
        double avg = 0.0;
        for (size_t t = burn_in; t < periods; t++)
            avg += values[k * periods + t];
        avg /= (double)(periods - burn_in);
        size_t idx = cell * s->nmetrics + k;
        double delta = avg - s->mean[idx];
        s->mean[idx] += delta / (double)n;
        m2[idx] += delta * (avg - s->mean[idx]);
    }
}

cr_status cr_i_run_summary_init(cr_run_summary *sum, const cr_i_run_state *R, double **m2,
                                cr_diag *d)
{
    memset(sum, 0, sizeof *sum);
    sum->ncells = R->ncells;
    sum->nmetrics = CR_METRIC_COUNT;
    sum->cell_mode = calloc(R->ncells + 1, sizeof *sum->cell_mode);
    sum->mode_text = calloc(R->ncells + 1, CR_STRLIST_ITEM_MAX);
    sum->mean = calloc(R->ncells * CR_METRIC_COUNT + 1, sizeof *sum->mean);
    sum->sd = calloc(R->ncells * CR_METRIC_COUNT + 1, sizeof *sum->sd);
    sum->n = calloc(R->ncells + 1, sizeof *sum->n);
    *m2 = calloc(R->ncells * CR_METRIC_COUNT + 1, sizeof **m2);
    if (!sum->cell_mode || !sum->mode_text || !sum->mean || !sum->sd || !sum->n || !*m2) {
        free(*m2);
        *m2 = NULL;
        cr_run_summary_free(sum);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < R->ncells; c++) { /* copies: the summary outlives the design */
        char *t = sum->mode_text + c * CR_STRLIST_ITEM_MAX;
        snprintf(t, CR_STRLIST_ITEM_MAX, "%s", R->names[c]);
        sum->cell_mode[c] = t;
    }
    sum->units_total = cr_i_run_shard_units(R);
    return CR_OK;
}

void cr_i_run_summary_finish(cr_run_summary *sum, const cr_i_run_state *R, double *m2)
{
    size_t minrep = R->nrep, maxrep = 0;
    for (size_t c = 0; c < R->ncells; c++) {
        if (sum->n[c] < minrep)
            minrep = sum->n[c];
        if (sum->n[c] > maxrep)
            maxrep = sum->n[c];
        for (size_t k = 0; k < CR_METRIC_COUNT; k++) {
            size_t idx = c * CR_METRIC_COUNT + k;
            sum->sd[idx] = sum->n[c] > 1 ? sqrt(m2[idx] / (double)(sum->n[c] - 1)) : 0.0;
        }
    }
    sum->nreplications = R->ncells ? minrep : 0;
    sum->nreplications_max = maxrep;
    free(m2);
}

/* Displayed columns of UTF-8 text: every byte but continuation bytes. */
static int display_columns(const char *t)
{
    int cols = 0;
    for (; *t; t++)
        cols += ((unsigned char)*t & 0xC0) != 0x80;
    return cols;
}

/* A cell "0.3232 ± 0.0055" (4 significant decimals, or %.4g for large values),
 * left-aligned in `width` displayed columns; "0.3232 ± —" from one replication (no
 * interval) and "—" from none (a shard or an unfinished run may leave a cell empty). */
static void print_cell(FILE *out, size_t n, double mean, double half, int width)
{
    char cell[64];
    int large = fabs(mean) >= 1000.0 || fabs(half) >= 1000.0;
    if (n == 0)
        snprintf(cell, sizeof cell, "—");
    else if (n == 1)
        snprintf(cell, sizeof cell, large ? "%.4g ± —" : "%.4f ± —", mean);
    else if (large)
        snprintf(cell, sizeof cell, "%.4g ± %.3g", mean, half);
    else
        snprintf(cell, sizeof cell, "%.4f ± %.4f", mean, half);
    int cols = display_columns(cell);
    fprintf(out, "  %s%*s", cell, cols < width ? width - cols : 0, "");
}

/* The level of the printed intervals. */
static double level_of(const cr_run_summary *s)
{
    return s->level > 0.0 && s->level < 1.0 ? s->level : 0.95;
}

/* Half-width of the confidence interval (Student t) of a cell's metric. */
static double half_width(const cr_run_summary *s, size_t c, size_t idx)
{
    if (s->n[c] < 2)
        return 0.0;
    return gsl_cdf_tdist_Pinv(0.5 + 0.5 * level_of(s), (double)(s->n[c] - 1)) * s->sd[idx] /
           sqrt((double)s->n[c]);
}

#define SUMMARY_MAX_COLUMNS 8 /* more cells: one row per cell */
#define SUMMARY_MAX_ROWS 20   /* cells shown as rows; the file has every one */

/* Cells as columns (metrics as rows) when there are few and each is named by its
 * mode alone; a design (cells that share a mode) gets one row per cell, numbered
 * as in the file, with a few metrics. */
static int cells_as_columns(const cr_run_summary *s)
{
    if (s->ncells > SUMMARY_MAX_COLUMNS)
        return 0;
    for (size_t a = 0; a < s->ncells; a++)
        for (size_t b = a + 1; b < s->ncells; b++)
            if (strcmp(s->cell_mode[a], s->cell_mode[b]) == 0)
                return 0;
    return 1;
}

void cr_run_summary_print(const cr_run_summary *s, FILE *out)
{
    static const cr_metric rows[] = {
        CR_M_ACCESS_RATE,    CR_M_MEAN_LOAN_RATE,   CR_M_MEAN_FEE_RATE,   CR_M_DEFAULT_RATE,
        CR_M_BANK_LOSS_RATE, CR_M_BORROWER_MEAN_PD, CR_M_GOVERNMENT_COST, CR_M_SME_SURPLUS,
    };
    const size_t nrows = sizeof rows / sizeof rows[0];
    const cr_var_desc *tab = cr_metric_table();
    if (!cells_as_columns(s)) { /* a design: cells as rows, a few metrics */
        static const cr_metric cols[] = {CR_M_ACCESS_RATE, CR_M_DEFAULT_RATE, CR_M_BANK_LOSS_RATE,
                                         CR_M_CONTAGION_DEFAULTS};
        const size_t ncols = sizeof cols / sizeof cols[0];
        size_t shown = s->ncells < SUMMARY_MAX_ROWS ? s->ncells : SUMMARY_MAX_ROWS;
        int mw = 16;
        for (size_t c = 0; c < shown; c++)
            if ((int)strlen(s->cell_mode[c]) > mw)
                mw = (int)strlen(s->cell_mode[c]);
        fprintf(out, "%6s  %-*s", "cell", mw, "mode");
        for (size_t j = 0; j < ncols; j++)
            fprintf(out, "  %-20s", tab[cols[j]].name);
        fputc('\n', out);
        for (size_t c = 0; c < shown; c++) {
            fprintf(out, "%6zu  %-*s", c, mw, s->cell_mode[c]);
            for (size_t j = 0; j < ncols; j++) {
                size_t idx = c * s->nmetrics + (size_t)cols[j];
                print_cell(out, s->n[c], s->mean[idx], half_width(s, c, idx), 20);
            }
            fputc('\n', out);
        }
        if (shown < s->ncells)
            fprintf(out,
                    "... %zu more cells (credere info shows the design; every cell is in the "
                    "file)\n",
                    s->ncells - shown);
    } else {
        int width = 18;
        for (size_t c = 0; c < s->ncells; c++)
            if ((int)strlen(s->cell_mode[c]) + 1 > width)
                width = (int)strlen(s->cell_mode[c]) + 1;
        /* metrics as rows, modes as columns: modes compare side by side */
        fprintf(out, "%-20s", "metric");
        for (size_t c = 0; c < s->ncells; c++)
            fprintf(out, "  %-*s", width, s->cell_mode[c]);
        fputc('\n', out);
        for (size_t j = 0; j < nrows; j++) {
            fprintf(out, "%-20s", tab[rows[j]].name);
            for (size_t c = 0; c < s->ncells; c++) {
                size_t idx = c * s->nmetrics + (size_t)rows[j];
                print_cell(out, s->n[c], s->mean[idx], half_width(s, c, idx), width);
            }
            fputc('\n', out);
        }
    }
    if (s->nreplications >= s->nreplications_max)
        fprintf(out,
                "(mean over %zu replications of the post-burn-in average ± half-width of the "
                "%g %% confidence interval; units: credere check --metrics)\n",
                s->nreplications, 100.0 * level_of(s));
    else
        fprintf(out,
                "(mean over the %zu to %zu replications done in each cell of the post-burn-in "
                "average ± half-width of the %g %% confidence interval, — where a cell has no "
                "replication or one; units: credere check --metrics)\n",
                s->nreplications, s->nreplications_max, 100.0 * level_of(s));
}
