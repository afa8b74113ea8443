#include "experiments/runner.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "core/loop.h"
#include "core/progress.h"
#include "core/results.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"

static volatile sig_atomic_t stop_requested = 0;

void cr_runner_request_stop(void)
{
    stop_requested = 1;
}

void cr_run_summary_free(cr_run_summary *s)
{
    free(s->cell_mode);
    free(s->mean);
    free(s->sd);
    free(s->n);
    memset(s, 0, sizeof *s);
}

/* Welford update of cell's statistics with one unit's post-burn-in averages. */
static void summary_add(cr_run_summary *s, double *m2, size_t cell, const double *values,
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

/* Progress inside a unit: the units done plus the share of the current unit's periods. */
typedef struct {
    cr_progress *prog;
    size_t done;
    int periods;
} unit_progress;

static void on_period(void *ctx, int t)
{
    unit_progress *u = ctx;
    cr_progress_update(u->prog, (double)u->done + (double)(t + 1) / (double)u->periods);
}

cr_status cr_run_experiment(const cr_run_opts *o, cr_run_summary *sum, cr_diag *d)
{
    const cr_params *p = o->params;
    size_t ncells = (size_t)p->modes.n, nrep = (size_t)p->experiment.replications;
    size_t periods = (size_t)p->experiment.periods;
    memset(sum, 0, sizeof *sum);
    stop_requested = 0;

    const cr_mode_type *modes[CR_STRLIST_MAX];
    const char *names[CR_STRLIST_MAX];
    for (size_t c = 0; c < ncells; c++) {
        modes[c] = cr_mode_find(p->modes.item[c]);
        names[c] = p->modes.item[c];
        if (!modes[c])
            return cr_diag_set(d, CR_ECONFIG, "modes: unknown mode '%s'", names[c]);
    }

    sum->ncells = ncells;
    sum->nmetrics = CR_METRIC_COUNT;
    sum->cell_mode = calloc(ncells, sizeof *sum->cell_mode);
    sum->mean = calloc(ncells * CR_METRIC_COUNT, sizeof *sum->mean);
    sum->sd = calloc(ncells * CR_METRIC_COUNT, sizeof *sum->sd);
    sum->n = calloc(ncells, sizeof *sum->n);
    double *m2 = calloc(ncells * CR_METRIC_COUNT, sizeof *m2);
    if (!sum->cell_mode || !sum->mean || !sum->sd || !sum->n || !m2) {
        free(m2);
        cr_run_summary_free(sum);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < ncells; c++)
        sum->cell_mode[c] = names[c];

    cr_model *model = NULL;
    cr_results *res = NULL;
    cr_engine engine = {0};
    cr_status st = cr_model_create(p, &model, d);
    if (st == CR_OK && (st = cr_engine_init(&engine, o->threads)) != CR_OK)
        cr_diag_set(d, st, "cannot start %d threads", o->threads);
    if (st == CR_OK) {
        cr_results_spec spec = {
            .path = o->out_path,
            .force = o->force,
            .command_line = o->command_line,
            .config_yaml = o->config_yaml,
            .experiment = p->experiment.name,
            .seed = p->experiment.seed,
            .threads = o->threads,
            .ncells = ncells,
            .nreplications = nrep,
            .nperiods = periods,
            .cell_mode = names,
            .nparams = 0,
            .params = NULL,
            .param_values = NULL,
            .nmetrics = CR_METRIC_COUNT,
            .metrics = cr_metric_table(),
            .compression = (int)p->output.compression,
        };
        st = cr_results_create(&spec, &res, d);
    }

    /* the guarantee network's statistics per replication (it is the same in every
     * mode: taken from the first cell) and its edge list for replication 0 */
    const int net_out = p->output.network && p->network.generator > 0;
    double *net_info = NULL;
    if (st == CR_OK && net_out) {
        net_info = malloc(CR_NET_INFO_COUNT * nrep * sizeof *net_info);
        if (!net_info)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        for (size_t k = 0; net_info && k < CR_NET_INFO_COUNT * nrep; k++)
            net_info[k] = NAN;
    }
    cr_progress prog;
    size_t total = ncells * nrep, done = 0;
    double t0 = cr_now();
    if (st == CR_OK)
        cr_progress_start(&prog, o->progress, total, o->progress == NULL);
    for (size_t c = 0; st == CR_OK && c < ncells; c++) {
        for (size_t r = 0; st == CR_OK && r < nrep; r++) {
            if (stop_requested) {
                st = CR_EINTERRUPTED;
                break;
            }
            unit_progress up = {&prog, done, (int)periods};
            model->on_period = on_period;
            model->on_period_ctx = &up;
            st = cr_model_run_unit(model, &engine, modes[c], r, d);
            model->on_period = NULL;
            if (st == CR_OK)
                st = cr_results_write_unit(res, c, r, model->values, d);
            if (st == CR_OK && p->output.events)
                st = cr_results_append_events(res, c, r, model->events, model->nevents, d);
            if (st == CR_OK && net_out && c == 0) {
                for (size_t k = 0; k < CR_NET_INFO_COUNT; k++)
                    net_info[k * nrep + r] = model->net_info[k];
                if (r == 0) {
                    static const cr_var_desc cols[3] = {
                        {"guarantor", "SME", "slot of the guarantor"},
                        {"borrower", "SME", "slot of the borrower"},
                        {"share", "1", "share of the borrower's loss it covers"},
                    };
                    double *edges = NULL;
                    size_t rows = 0;
                    st = cr_model_network_edges(model, &edges, &rows);
                    if (st == CR_OK)
                        st = cr_results_write_table(res, "network", "edges_replication_0", rows, 3,
                                                    cols, edges, d);
                    else
                        cr_diag_set(d, st, "out of memory");
                    free(edges);
                    static const cr_var_desc dcols[3] = {
                        {"degree", "SMEs", "degree k"},
                        {"borrowers", "SMEs", "SMEs with k guarantors (in-degree)"},
                        {"guarantors", "SMEs", "SMEs that guarantee k borrowers (out-degree)"},
                    };
                    double *deg = NULL;
                    if (st == CR_OK && (st = cr_model_network_degrees(model, &deg, &rows)) == CR_OK)
                        st = cr_results_write_table(res, "network", "degrees_replication_0", rows,
                                                    3, dcols, deg, d);
                    else if (st == CR_ENOMEM)
                        cr_diag_set(d, st, "out of memory");
                    free(deg);
                }
            }
            if (st == CR_OK) {
                summary_add(sum, m2, c, model->values, periods, (size_t)p->experiment.burn_in);
                done++;
                cr_progress_update(&prog, (double)done);
            }
        }
    }
    if (res && net_info && st == CR_OK)
        st = cr_results_write_vectors(res, "network", CR_NET_INFO_COUNT, cr_model_net_info_vars(),
                                      net_info, d);
    free(net_info);
    if (res) {
        cr_progress_finish(&prog, done);
        cr_diag tmp;
        const char *status = st == CR_OK             ? "complete"
                             : st == CR_EINTERRUPTED ? "interrupted"
                                                     : "failed";
        cr_status st2 = cr_results_set_status(res, status, st == CR_OK ? d : &tmp);
        cr_status st3 = cr_results_close(&res, st == CR_OK && st2 == CR_OK ? d : &tmp);
        if (st == CR_OK)
            st = st2 != CR_OK ? st2 : st3;
        if (st == CR_EINTERRUPTED)
            cr_diag_set(d, st, "%s: interrupted after %zu of %zu units; completed units are saved",
                        o->out_path, done, total);
    }
    sum->seconds = cr_now() - t0;
    sum->sme_periods = (double)done * (double)periods * (double)p->population.smes;
    size_t minrep = nrep;
    for (size_t c = 0; c < ncells; c++) {
        if (sum->n[c] < minrep)
            minrep = sum->n[c];
        for (size_t k = 0; k < CR_METRIC_COUNT; k++) {
            size_t idx = c * CR_METRIC_COUNT + k;
            sum->sd[idx] = sum->n[c] > 1 ? sqrt(m2[idx] / (double)(sum->n[c] - 1)) : 0.0;
        }
    }
    sum->nreplications = minrep;
    free(m2);
    cr_engine_destroy(&engine);
    cr_model_free(&model);
    return st;
}

/* A cell "0.3232 ± 0.0055" (4 significant decimals, or %.4g for large values),
 * left-aligned in `width` displayed columns ('±' is two bytes, one column). */
static void print_cell(FILE *out, double mean, double half, int width)
{
    char cell[64];
    int len = fabs(mean) >= 1000.0 || fabs(half) >= 1000.0
                  ? snprintf(cell, sizeof cell, "%.4g ± %.3g", mean, half)
                  : snprintf(cell, sizeof cell, "%.4f ± %.4f", mean, half);
    fprintf(out, "  %s%*s", cell, len - 1 < width ? width - (len - 1) : 0, "");
}

void cr_run_summary_print(const cr_run_summary *s, FILE *out)
{
    static const cr_metric rows[] = {
        CR_M_ACCESS_RATE,    CR_M_MEAN_LOAN_RATE,   CR_M_MEAN_FEE_RATE,   CR_M_DEFAULT_RATE,
        CR_M_BANK_LOSS_RATE, CR_M_BORROWER_MEAN_PD, CR_M_GOVERNMENT_COST, CR_M_SME_SURPLUS,
    };
    const size_t nrows = sizeof rows / sizeof rows[0];
    int width = 18;
    for (size_t c = 0; c < s->ncells; c++)
        if ((int)strlen(s->cell_mode[c]) + 1 > width)
            width = (int)strlen(s->cell_mode[c]) + 1;
    const cr_var_desc *tab = cr_metric_table();
    /* metrics as rows, modes as columns: modes compare side by side */
    fprintf(out, "%-20s", "metric");
    for (size_t c = 0; c < s->ncells; c++)
        fprintf(out, "  %-*s", width, s->cell_mode[c]);
    fputc('\n', out);
    for (size_t j = 0; j < nrows; j++) {
        fprintf(out, "%-20s", tab[rows[j]].name);
        for (size_t c = 0; c < s->ncells; c++) {
            size_t idx = c * s->nmetrics + (size_t)rows[j];
            double half = 0.0;
            if (s->n[c] > 1)
                half = gsl_cdf_tdist_Pinv(0.975, (double)(s->n[c] - 1)) * s->sd[idx] /
                       sqrt((double)s->n[c]);
            print_cell(out, s->mean[idx], half, width);
        }
        fputc('\n', out);
    }
    fprintf(out,
            "(mean over %zu replications of the post-burn-in average ± half-width of the "
            "95 %% confidence interval; units: credere check --metrics)\n",
            s->nreplications);
}
