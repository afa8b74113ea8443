#include "analysis/analyze.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "analysis/stats.h"
#include "core/config.h"
#include "core/results.h"
#include "core/results_analysis.h"
#include "core/results_read.h"
#include "experiments/design.h"
#include "experiments/runner.h"
#include "experiments/setup.h"
#include "models/metrics.h"
#include "models/panel.h"

#define M CR_METRIC_COUNT
#define NSUM 10 /* n, mean, sd, lo, hi, q05, q25, q50, q75, q95 */

static const char *const sum_names[NSUM] = {"n",   "mean", "sd",  "lo",  "hi",
                                            "q05", "q25",  "q50", "q75", "q95"};
static const char *const sum_long[NSUM] = {
    "replications used",
    "mean over replications of the post-burn-in average",
    "standard deviation over replications",
    "lower end of the confidence interval of the mean",
    "upper end of the confidence interval of the mean",
    "5 % quantile over replications",
    "25 % quantile over replications",
    "median over replications",
    "75 % quantile over replications",
    "95 % quantile over replications",
};

/* Metrics the printed tables show (the file and CSV have every metric). */
static const cr_metric shown[] = {CR_M_ACCESS_RATE, CR_M_DEFAULT_RATE, CR_M_BANK_LOSS_RATE,
                                  CR_M_CONTAGION_DEFAULTS, CR_M_SME_SURPLUS};
#define NSHOWN (sizeof shown / sizeof shown[0])

typedef struct {
    const cr_analyze_opts *o;
    cr_params *p;
    cr_design g;
    cr_design_output dout;
    size_t ncells, nrep, periods, burn_in;
    double *avg;         /* [(cell * nrep + rep) * M + metric], NaN when not done */
    uint8_t *done_flags; /* [cell * nrep + rep] */
    double *cmax;        /* [(cell * nrep + rep) * (periods - burn_in) + t] cascade_max */
    size_t done, total;
    cr_event *ev;
    size_t nev;
    cr_analysis_file *af;
    FILE *csv;
    double *work;
} actx;

static double *A(const actx *x, size_t c, size_t r)
{
    return x->avg + (c * x->nrep + r) * M;
}

/* ------------------------------------------------------------------ reading */

static cr_status read_file(actx *x, cr_diag *d)
{
    cr_results_reader *rd = NULL;
    cr_status st = cr_results_read_open(x->o->path, &rd, d);
    if (st != CR_OK)
        return st;
    cr_diag ld;
    st = cr_experiment_load_text(x->o->path, cr_results_read_attr(rd, "config"), x->p, &ld);
    if (st != CR_OK)
        st = cr_diag_set(d, CR_EINPUT, "%s: its stored configuration does not load: %s", x->o->path,
                         ld.msg);
    if (st == CR_OK && (st = cr_design_build(x->p, NULL, x->o->path, &x->g, &ld)) != CR_OK)
        st = cr_diag_set(d, CR_EINPUT, "%s: its design does not build: %s", x->o->path, ld.msg);
    if (st == CR_OK) {
        x->ncells = cr_results_read_ncells(rd);
        x->nrep = cr_results_read_nreplications(rd);
        x->periods = cr_results_read_nperiods(rd);
        x->burn_in = (size_t)x->p->experiment.burn_in;
        if (x->ncells != x->g.ncells || x->nrep != (size_t)x->p->experiment.replications ||
            x->periods != (size_t)x->p->experiment.periods)
            st = cr_diag_set(d, CR_EINPUT, "%s: its datasets do not have its design's shape",
                             x->o->path);
    }
    if (st == CR_OK)
        st = cr_design_output_make(&x->g, &x->dout, d);
    x->total = x->ncells * x->nrep;
    double *vals = NULL;
    if (st == CR_OK) {
        x->avg = malloc((x->total * M + 1) * sizeof *x->avg);
        vals = malloc((M * x->periods + 1) * sizeof *vals);
        x->work = malloc((x->nrep * 2 + x->g.npoints * 2 + 16) * sizeof *x->work);
        x->done_flags = malloc(x->total + 1);
        x->cmax = malloc((x->total * (x->periods - x->burn_in) + 1) * sizeof *x->cmax);
        if (!x->avg || !vals || !x->work || !x->done_flags || !x->cmax)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    const uint8_t *done = st == CR_OK ? cr_results_read_done(rd) : NULL;
    for (size_t u = 0; st == CR_OK && u < x->total; u++) {
        double *a = x->avg + u * M, *cm = x->cmax + u * (x->periods - x->burn_in);
        x->done_flags[u] = done[u];
        if (!done[u]) {
            for (size_t m = 0; m < M; m++)
                a[m] = NAN;
            for (size_t t = x->burn_in; t < x->periods; t++)
                cm[t - x->burn_in] = NAN;
            continue;
        }
        st = cr_results_read_unit(rd, u / x->nrep, u % x->nrep, M, cr_metric_table(), vals, d);
        for (size_t m = 0; st == CR_OK && m < M; m++) {
            double s = 0.0;
            for (size_t t = x->burn_in; t < x->periods; t++)
                s += vals[m * x->periods + t];
            a[m] = s / (double)(x->periods - x->burn_in);
        }
        for (size_t t = x->burn_in; st == CR_OK && t < x->periods; t++)
            cm[t - x->burn_in] = vals[CR_M_CASCADE_MAX * x->periods + t];
        x->done++;
    }
    free(vals);
    if (st == CR_OK && x->done < x->total && x->o->warn)
        fprintf(x->o->warn,
                "credere: warning: %s: %zu of %zu units are done (status %s); analysing the "
                "completed units only\n",
                x->o->path, x->done, x->total, cr_results_read_attr(rd, "status"));
    if (st == CR_OK)
        st = cr_results_read_events(rd, &x->ev, &x->nev, d);
    cr_results_read_close(&rd);
    return st;
}

/* ------------------------------------------------------------------ CSV */

static cr_status csv_open(actx *x, const char *name, const char *header, cr_diag *d)
{
    x->csv = NULL;
    if (!x->o->csv_dir)
        return CR_OK;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", x->o->csv_dir, name);
    struct stat sb;
    if (!x->o->force && stat(path, &sb) == 0)
        return cr_diag_set(d, CR_EEXIST, "%s: exists; use --force to replace the CSV files", path);
    if (!(x->csv = fopen(path, "w")))
        return cr_diag_set(d, CR_EIO, "%s: cannot write: %s", path, strerror(errno));
    fprintf(x->csv, "%s\n", header);
    return CR_OK;
}

static cr_status csv_close(actx *x, cr_diag *d)
{
    if (!x->csv)
        return CR_OK;
    int bad = ferror(x->csv) | (fclose(x->csv) != 0);
    x->csv = NULL;
    return bad ? cr_diag_set(d, CR_EIO, "%s: a CSV write failed", x->o->csv_dir) : CR_OK;
}

/* A value in CSV: empty for NaN (R, Stata and pandas read it as missing). */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.17g", v);
    else if (isinf(v))
        fprintf(f, ",%s", v > 0 ? "Inf" : "-Inf");
    else
        fputc(',', f);
}

/* The design columns' header: ",param1,param2" (names quoted when they hold commas). */
static void csv_param_header(const actx *x, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < x->g.k && o < len; j++)
        if ((int)j != x->g.mode_var)
            o += (size_t)snprintf(buf + o, len - o, ",%s", x->g.var[j].path);
}

static void csv_params(const actx *x, size_t cell)
{
    for (size_t j = 0; j < x->g.k; j++) {
        if ((int)j == x->g.mode_var)
            continue;
        const cr_design_var *v = &x->g.var[j];
        double val = cr_design_cell_value(&x->g, cell, j);
        if (v->kind == CR_DV_NAMES)
            fprintf(x->csv, ",%s", v->name[(size_t)val]);
        else
            csv_num(x->csv, val);
    }
}

/* ------------------------------------------------------------------ summary */

static cr_status do_summary(actx *x, cr_diag *d)
{
    size_t n = x->ncells * M;
    double *s = malloc((NSUM * n + 1) * sizeof *s), *col = x->work + x->nrep;
    if (!s)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    char ph[2048], header[4096];
    csv_param_header(x, ph, sizeof ph);
    snprintf(header, sizeof header, "cell,mode%s,metric,n,mean,sd,lo,hi,q05,q25,q50,q75,q95", ph);
    cr_status st = csv_open(x, "summary.csv", header, d);
    const cr_var_desc *tab = cr_metric_table();
    for (size_t c = 0; st == CR_OK && c < x->ncells; c++) {
        for (size_t m = 0; m < M; m++) {
            for (size_t r = 0; r < x->nrep; r++)
                col[r] = A(x, c, r)[m];
            cr_stats_summary sm;
            cr_stats_summarise(col, x->nrep, x->o->level, x->work, &sm);
            double v[NSUM] = {(double)sm.n, sm.mean, sm.sd,   sm.lo,   sm.hi,
                              sm.q[0],      sm.q[1], sm.q[2], sm.q[3], sm.q[4]};
            for (size_t k = 0; k < NSUM; k++)
                s[k * n + c * M + m] = v[k];
            if (x->csv) {
                fprintf(x->csv, "%zu,%s", c, cr_design_cell_mode(&x->g, c));
                csv_params(x, c);
                fprintf(x->csv, ",%s,%zu", tab[m].name, sm.n);
                for (size_t k = 1; k < NSUM; k++)
                    csv_num(x->csv, v[k]);
                fputc('\n', x->csv);
            }
        }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    size_t dims[2] = {x->ncells, M};
    for (size_t k = 0; st == CR_OK && k < NSUM; k++)
        st = cr_analysis_put(x->af, "summary", sum_names[k], 2, dims, "cell,metric", s + k * n,
                             k == 0 ? "1" : "metric's units", sum_long[k], d);
    if (st == CR_OK && x->o->out) { /* the run's table, from the file */
        cr_run_summary rs;
        memset(&rs, 0, sizeof rs);
        rs.ncells = x->ncells;
        rs.nmetrics = M;
        rs.cell_mode = calloc(x->ncells + 1, sizeof *rs.cell_mode);
        rs.n = calloc(x->ncells + 1, sizeof *rs.n);
        if (rs.cell_mode && rs.n) {
            rs.mean = s + 1 * n;
            rs.sd = s + 2 * n;
            rs.nreplications = x->nrep;
            rs.level = x->o->level;
            for (size_t c = 0; c < x->ncells; c++) {
                rs.cell_mode[c] = cr_design_cell_mode(&x->g, c);
                rs.n[c] = (size_t)s[c * M + CR_M_ACCESS_RATE];
                if (rs.n[c] < rs.nreplications)
                    rs.nreplications = rs.n[c];
                if (rs.n[c] > rs.nreplications_max)
                    rs.nreplications_max = rs.n[c];
            }
            fprintf(x->o->out, "summary (%g %% intervals):\n", 100.0 * x->o->level);
            cr_run_summary_print(&rs, x->o->out);
        }
        free(rs.cell_mode);
        free(rs.n);
    }
    free(s);
    return st;
}

/* ------------------------------------------------------------------ paired */

static cr_status do_paired(actx *x, cr_diag *d)
{
    if (x->g.mode_var >= 0 || x->g.nmodes < 2)
        return CR_OK;
    size_t ref = 0;
    if (x->o->reference) {
        size_t m = 0;
        while (m < x->g.nmodes && strcmp(x->g.mode[m], x->o->reference) != 0)
            m++;
        if (m == x->g.nmodes)
            return cr_diag_set(d, CR_EUSAGE, "--reference %s: not a mode of %s", x->o->reference,
                               x->o->path);
        ref = m;
    }
    enum { P_N, P_DIFF, P_SD, P_LO, P_HI, P_VR, NP };
    static const char *const names[NP] = {"n", "diff", "sd", "lo", "hi", "var_reduction"};
    static const char *const longs[NP] = {
        "replications paired",
        "mean difference from the reference mode at the same design point",
        "standard deviation of the paired differences",
        "lower end of the confidence interval of the difference",
        "upper end of the confidence interval of the difference",
        "variance of an unpaired comparison / variance of the paired one",
    };
    size_t n = x->ncells * M;
    double *v = malloc((NP * n + 1) * sizeof *v), *xs = x->work + x->nrep,
           *ys = malloc((x->nrep + 1) * sizeof *ys), *wk = malloc((x->nrep + 1) * sizeof *wk);
    if (!v || !ys || !wk) {
        free(v);
        free(ys);
        free(wk);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    char ph[2048], header[4096];
    csv_param_header(x, ph, sizeof ph);
    snprintf(header, sizeof header, "cell,mode,reference%s,metric,n,diff,sd,lo,hi,var_reduction",
             ph);
    cr_status st = csv_open(x, "paired.csv", header, d);
    const cr_var_desc *tab = cr_metric_table();
    for (size_t c = 0; st == CR_OK && c < x->ncells; c++) {
        size_t cref = (c / x->g.nmodes) * x->g.nmodes + ref;
        for (size_t m = 0; m < M; m++) {
            cr_stats_paired ps;
            if (c == cref) {
                for (size_t k = 0; k < NP; k++)
                    v[k * n + c * M + m] = NAN;
                continue;
            }
            for (size_t r = 0; r < x->nrep; r++) {
                xs[r] = A(x, c, r)[m];
                ys[r] = A(x, cref, r)[m];
            }
            cr_stats_pair(xs, ys, x->nrep, x->o->level, wk, &ps);
            double row[NP] = {(double)ps.diff.n, ps.diff.mean, ps.diff.sd,
                              ps.diff.lo,        ps.diff.hi,   ps.var_reduction};
            for (size_t k = 0; k < NP; k++)
                v[k * n + c * M + m] = row[k];
            if (x->csv) {
                fprintf(x->csv, "%zu,%s,%s", c, cr_design_cell_mode(&x->g, c), x->g.mode[ref]);
                csv_params(x, c);
                fprintf(x->csv, ",%s,%zu", tab[m].name, ps.diff.n);
                for (size_t k = 1; k < NP; k++)
                    csv_num(x->csv, row[k]);
                fputc('\n', x->csv);
            }
        }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    size_t dims[2] = {x->ncells, M};
    for (size_t k = 0; st == CR_OK && k < NP; k++)
        st = cr_analysis_put(x->af, "paired", names[k], 2, dims, "cell,metric", v + k * n,
                             k == 0 || k == P_VR ? "1" : "metric's units", longs[k], d);
    cr_attr at[1] = {{"reference", x->g.mode[ref], 0}};
    if (st == CR_OK)
        st = cr_analysis_attrs(x->af, "paired", at, 1, d);
    if (st == CR_OK && x->o->out) {
        fprintf(x->o->out,
                "\npaired differences from %s (same replications; %g %% intervals; "
                "variance reduction of pairing):\n",
                x->g.mode[ref], 100.0 * x->o->level);
        size_t rows = x->ncells < 20 ? x->ncells : 20;
        int mw = 16, cw = rows > 10 ? 2 : 1; /* the longest mode name, cell number */
        for (size_t c = 0; c < rows; c++)
            if ((int)strlen(cr_design_cell_mode(&x->g, c)) > mw)
                mw = (int)strlen(cr_design_cell_mode(&x->g, c));
        for (size_t c = 0; c < rows; c++) {
            if (c % x->g.nmodes == ref)
                continue;
            fprintf(x->o->out, "  cell %-*zu %-*s", cw, c, mw, cr_design_cell_mode(&x->g, c));
            for (size_t j = 0; j < NSHOWN; j++) {
                size_t i = c * M + (size_t)shown[j];
                fprintf(x->o->out, "  %s %+.4g [%+.4g, %+.4g] x%.3g", tab[shown[j]].name,
                        v[P_DIFF * n + i], v[P_LO * n + i], v[P_HI * n + i], v[P_VR * n + i]);
            }
            fputc('\n', x->o->out);
        }
    }
    free(v);
    free(ys);
    free(wk);
    return st;
}

/* ------------------------------------------------------------------ design indices */

/* Replication means of one metric over the points of group gi (a mode, or every
 * point when `mode` is a parameter): y[p], and the mean over points of the
 * within-point variance of a mean, *noise. NaN where a point has no unit. */
static void point_means(const actx *x, size_t gi, size_t m, double *y, double *noise)
{
    double acc = 0.0;
    size_t nacc = 0;
    for (size_t pt = 0; pt < x->g.npoints; pt++) {
        size_t c = x->g.mode_var >= 0 ? pt : pt * x->g.nmodes + gi;
        double s = 0.0, s2 = 0.0;
        size_t k = 0;
        for (size_t r = 0; r < x->nrep; r++) {
            double a = A(x, c, r)[m];
            if (isfinite(a)) {
                s += a;
                s2 += a * a;
                k++;
            }
        }
        y[pt] = k ? s / (double)k : NAN;
        if (k > 1) {
            double var = (s2 - s * s / (double)k) / (double)(k - 1);
            acc += (var > 0 ? var : 0) / (double)k;
            nacc++;
        }
    }
    *noise = nacc ? acc / (double)nacc : NAN;
}

static size_t ngroups(const actx *x)
{
    return x->g.mode_var >= 0 ? 1 : x->g.nmodes;
}

static const char *group_name(const actx *x, size_t gi)
{
    return x->g.mode_var >= 0 ? "(all modes)" : x->g.mode[gi];
}

static cr_status put_group_names(actx *x, const char *group, cr_diag *d)
{
    const char *names[CR_STRLIST_MAX + 1];
    const char *params[CR_DESIGN_PARAMS_MAX + 1];
    for (size_t gi = 0; gi < ngroups(x); gi++)
        names[gi] = group_name(x, gi);
    for (size_t j = 0; j < x->g.k; j++)
        params[j] = x->g.var[j].path;
    cr_status st = cr_analysis_put_strings(x->af, group, "mode", ngroups(x), names,
                                           "mode of the index (dimension mode)", d);
    if (st == CR_OK)
        st = cr_analysis_put_strings(x->af, group, "parameter", x->g.k, params,
                                     "design parameter (dimension parameter)", d);
    return st;
}

static cr_status do_sobol(actx *x, cr_diag *d)
{
    if (x->g.method != CR_DESIGN_SALTELLI)
        return CR_OK;
    size_t G = ngroups(x), k = x->g.k, N = x->g.samples, np = x->g.npoints;
    size_t n3 = G * k * M;
    enum { S1, S1_LO, S1_HI, ST, ST_LO, ST_HI, NS };
    static const char *const names[NS] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
    static const char *const longs[NS] = {"first-order Sobol index (Saltelli et al. 2010)",
                                          "lower end of its bootstrap interval",
                                          "upper end of its bootstrap interval",
                                          "total Sobol index (Jansen 1999)",
                                          "lower end of its bootstrap interval",
                                          "upper end of its bootstrap interval"};
    double *v = malloc((NS * n3 + 1) * sizeof *v), *var = malloc((2 * G * M + 1) * sizeof *var);
    double *y = malloc((np + 1) * sizeof *y), *yA = malloc((N + 1) * sizeof *yA),
           *yB = malloc((N + 1) * sizeof *yB), *yAB = malloc((k * N + 1) * sizeof *yAB);
    double *res = malloc((6 * k + 1) * sizeof *res);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    cr_status st = v && var && y && yA && yB && yAB && res && r
                       ? CR_OK
                       : cr_diag_set(d, CR_ENOMEM, "out of memory");
    char header[256];
    snprintf(header, sizeof header,
             "mode,parameter,metric,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,variance,noise_share");
    if (st == CR_OK)
        st = csv_open(x, "sobol.csv", header, d);
    const cr_var_desc *tab = cr_metric_table();
    int warned_noise = 0, warned_missing = 0;
    for (size_t gi = 0; st == CR_OK && gi < G; gi++) {
        for (size_t m = 0; m < M; m++) {
            double noise;
            point_means(x, gi, m, y, &noise);
            int missing = 0;
            for (size_t pt = 0; pt < np; pt++) {
                size_t s = (size_t)x->g.struct_values[pt * 2];
                int code = (int)x->g.struct_values[pt * 2 + 1];
                missing |= !isfinite(y[pt]);
                if (code == 0)
                    yA[s] = y[pt];
                else if (code == 1)
                    yB[s] = y[pt];
                else if ((size_t)code < 2 + k)
                    yAB[(size_t)(code - 2) * N + s] = y[pt];
            }
            cr_sobol so = {0, res, res + k, res + 2 * k, res + 3 * k, res + 4 * k, res + 5 * k};
            gsl_rng_set(r, x->p->experiment.seed + 0x5eed); /* the same intervals every time */
            if (!missing)
                st = cr_sobol_indices(N, k, yA, yB, yAB, x->o->bootstrap, x->o->level, r, &so, d);
            else
                for (size_t i = 0; i < 6 * k; i++)
                    res[i] = NAN;
            if (missing && !warned_missing && x->o->warn) {
                fprintf(x->o->warn, "credere: warning: some design points have no completed "
                                    "unit: Sobol indices are not computed for them\n");
                warned_missing = 1;
            }
            double total = missing ? NAN : so.variance;
            double share = total > 0 ? noise / total : NAN;
            var[(gi * M + m) * 2] = total;
            var[(gi * M + m) * 2 + 1] = share;
            if (share > 0.5 && !warned_noise && x->o->warn) {
                fprintf(x->o->warn,
                        "credere: warning: replication noise is %.0f %% of the variance of the "
                        "design points' means of %s (mode %s): the Sobol indices mostly measure "
                        "noise; raise experiment.replications\n",
                        100.0 * share, tab[m].name, group_name(x, gi));
                warned_noise = 1;
            }
            for (size_t i = 0; i < k; i++) {
                for (size_t q = 0; q < NS; q++)
                    v[q * n3 + (gi * k + i) * M + m] = res[q * k + i];
                if (x->csv) {
                    fprintf(x->csv, "%s,%s,%s", group_name(x, gi), x->g.var[i].path, tab[m].name);
                    for (size_t q = 0; q < NS; q++)
                        csv_num(x->csv, res[q * k + i]);
                    csv_num(x->csv, total);
                    csv_num(x->csv, share);
                    fputc('\n', x->csv);
                }
            }
        }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    size_t dims[3] = {G, k, M};
    for (size_t q = 0; st == CR_OK && q < NS; q++)
        st = cr_analysis_put(x->af, "sobol", names[q], 3, dims, "mode,parameter,metric", v + q * n3,
                             "1", longs[q], d);
    double *tv = malloc((G * M + 1) * sizeof *tv), *sh = malloc((G * M + 1) * sizeof *sh);
    for (size_t i = 0; tv && sh && i < G * M; i++) {
        tv[i] = var[2 * i];
        sh[i] = var[2 * i + 1];
    }
    size_t d2[2] = {G, M};
    if (st == CR_OK && (!tv || !sh))
        st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (st == CR_OK)
        st = cr_analysis_put(x->af, "sobol", "variance", 2, d2, "mode,metric", tv,
                             "metric's units squared",
                             "variance of the design points' replication means", d);
    if (st == CR_OK)
        st = cr_analysis_put(x->af, "sobol", "noise_share", 2, d2, "mode,metric", sh, "1",
                             "share of that variance that is replication noise "
                             "(mean within-point variance of a mean / variance)",
                             d);
    if (st == CR_OK)
        st = put_group_names(x, "sobol", d);
    cr_attr at[2] = {{"level", NULL, x->o->level}, {"bootstrap", NULL, (double)x->o->bootstrap}};
    if (st == CR_OK)
        st = cr_analysis_attrs(x->af, "sobol", at, 2, d);
    if (st == CR_OK && x->o->out) {
        for (size_t gi = 0; gi < G; gi++) {
            fprintf(x->o->out,
                    "\nSobol indices, mode %s (%g %% bootstrap intervals, %zu "
                    "resamples):\n",
                    group_name(x, gi), 100.0 * x->o->level, x->o->bootstrap);
            for (size_t j = 0; j < NSHOWN; j++) {
                size_t m = (size_t)shown[j];
                fprintf(x->o->out, "  %s (replication noise %.0f %% of the variance)\n",
                        tab[m].name, 100.0 * var[(gi * M + m) * 2 + 1]);
                for (size_t i = 0; i < k; i++) {
                    size_t b = (gi * k + i) * M + m;
                    fprintf(x->o->out,
                            "    %-32s S1 %6.3f [%6.3f, %6.3f]  ST %6.3f [%6.3f, %6.3f]\n",
                            x->g.var[i].path, v[S1 * n3 + b], v[S1_LO * n3 + b], v[S1_HI * n3 + b],
                            v[ST * n3 + b], v[ST_LO * n3 + b], v[ST_HI * n3 + b]);
                }
            }
        }
    }
    free(tv);
    free(sh);
    free(v);
    free(var);
    free(y);
    free(yA);
    free(yB);
    free(yAB);
    free(res);
    if (r)
        gsl_rng_free(r);
    return st;
}

static cr_status do_morris(actx *x, cr_diag *d)
{
    if (x->g.method != CR_DESIGN_MORRIS)
        return CR_OK;
    size_t G = ngroups(x), k = x->g.k, np = x->g.npoints, n3 = G * k * M;
    double *v = malloc((3 * n3 + 1) * sizeof *v), *y = malloc((np + 1) * sizeof *y);
    double *res = malloc((3 * k + 1) * sizeof *res);
    int *factor = malloc((np + 1) * sizeof *factor);
    cr_status st = v && y && res && factor ? CR_OK : cr_diag_set(d, CR_ENOMEM, "out of memory");
    for (size_t pt = 0; factor && pt < np; pt++)
        factor[pt] = (int)x->g.struct_values[pt * 3 + 2];
    if (st == CR_OK)
        st = csv_open(x, "morris.csv", "mode,parameter,metric,mu,mu_star,sigma", d);
    const cr_var_desc *tab = cr_metric_table();
    for (size_t gi = 0; st == CR_OK && gi < G; gi++) {
        for (size_t m = 0; st == CR_OK && m < M; m++) {
            double noise;
            point_means(x, gi, m, y, &noise);
            cr_morris mo = {res, res + k, res + 2 * k};
            st = cr_morris_indices(x->g.samples, k, x->g.u, factor, y, &mo, d);
            for (size_t i = 0; st == CR_OK && i < k; i++) {
                for (size_t q = 0; q < 3; q++)
                    v[q * n3 + (gi * k + i) * M + m] = res[q * k + i];
                if (x->csv) {
                    fprintf(x->csv, "%s,%s,%s", group_name(x, gi), x->g.var[i].path, tab[m].name);
                    for (size_t q = 0; q < 3; q++)
                        csv_num(x->csv, res[q * k + i]);
                    fputc('\n', x->csv);
                }
            }
        }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    static const char *const names[3] = {"mu", "mu_star", "sigma"};
    static const char *const longs[3] = {
        "mean elementary effect (per unit of the parameter's range)",
        "mean absolute elementary effect (Campolongo et al. 2007)",
        "standard deviation of the elementary effects"};
    size_t dims[3] = {G, k, M};
    for (size_t q = 0; st == CR_OK && q < 3; q++)
        st = cr_analysis_put(x->af, "morris", names[q], 3, dims, "mode,parameter,metric",
                             v + q * n3, "metric's units", longs[q], d);
    if (st == CR_OK)
        st = put_group_names(x, "morris", d);
    if (st == CR_OK && x->o->out) {
        for (size_t gi = 0; gi < G; gi++) {
            fprintf(x->o->out, "\nMorris elementary effects, mode %s (per unit of range):\n",
                    group_name(x, gi));
            for (size_t j = 0; j < NSHOWN; j++) {
                size_t m = (size_t)shown[j];
                fprintf(x->o->out, "  %s\n", tab[m].name);
                for (size_t i = 0; i < k; i++) {
                    size_t b = (gi * k + i) * M + m;
                    fprintf(x->o->out, "    %-32s mu* %10.4g  mu %10.4g  sigma %10.4g\n",
                            x->g.var[i].path, v[n3 + b], v[b], v[2 * n3 + b]);
                }
            }
        }
    }
    free(v);
    free(y);
    free(res);
    free(factor);
    return st;
}

/* ------------------------------------------------------------------ cascades */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The cascade sizes of one cell into sizes (returns how many): from /events, the
 * failures sharing a cascade root in one unit (ev from *i on, advanced past the
 * cell); without events, the periods' largest cascades (metric cascade_max > 0). */
static size_t cell_sizes(const actx *x, size_t cell, size_t *i, uint32_t *roots, double *sizes)
{
    size_t nsz = 0;
    if (x->nev == 0) {
        size_t np = x->periods - x->burn_in;
        for (size_t r = 0; r < x->nrep; r++)
            for (size_t t = 0; t < np; t++) {
                double v = x->cmax[(cell * x->nrep + r) * np + t];
                if (isfinite(v) && v > 0)
                    sizes[nsz++] = v;
            }
        return nsz;
    }
    while (*i < x->nev && x->ev[*i].cell < cell)
        (*i)++;
    while (*i < x->nev && x->ev[*i].cell == cell) { /* one cell: its units in turn */
        size_t j = *i, nr = 0;
        while (j < x->nev && x->ev[j].cell == cell && x->ev[j].replication == x->ev[*i].replication)
            roots[nr++] = x->ev[j++].cascade;
        qsort(roots, nr, sizeof *roots, cmp_u32);
        for (size_t a = 0; a < nr;) {
            size_t b = a;
            while (b < nr && roots[b] == roots[a])
                b++;
            sizes[nsz++] = (double)(b - a);
            a = b;
        }
        *i = j;
    }
    return nsz;
}

/* Whether the file has a cascade: events, or a unit with cascade_max > 0. */
static int has_cascades(const actx *x)
{
    size_t cap = x->nev ? x->nev : x->nrep * (x->periods - x->burn_in) * x->ncells;
    int any = x->nev > 0;
    for (size_t k = 0; !any && k < cap; k++)
        any = isfinite(x->cmax[k]) && x->cmax[k] > 0;
    return any;
}

static cr_status do_cascades(actx *x, cr_diag *d)
{
    size_t cap = x->nev ? x->nev : x->nrep * (x->periods - x->burn_in) * x->ncells;
    if (!has_cascades(x))
        return CR_OK;
    uint32_t *roots = malloc((cap + 1) * sizeof *roots);
    double *sizes = malloc((cap + 1) * sizeof *sizes);
    double *cx = malloc((cap + 1) * sizeof *cx), *cp = malloc((cap + 1) * sizeof *cp);
    double *tab = malloc((3 * cap + 1) * sizeof *tab);
    cr_status st =
        roots && sizes && cx && cp && tab ? CR_OK : cr_diag_set(d, CR_ENOMEM, "out of memory");
    size_t rows = 0, i = 0;
    if (st == CR_OK)
        st = csv_open(x, "cascades.csv", "cell,mode,size,ccdf", d);
    for (size_t cell = 0; st == CR_OK && cell < x->ncells; cell++) {
        size_t nsz = cell_sizes(x, cell, &i, roots, sizes);
        size_t mrows = cr_ccdf(sizes, nsz, cx, cp);
        for (size_t r = 0; r < mrows; r++, rows++) {
            tab[rows] = (double)cell;
            tab[cap + rows] = cx[r];
            tab[2 * cap + rows] = cp[r];
            if (x->csv)
                fprintf(x->csv, "%zu,%s,%.17g,%.17g\n", cell, cr_design_cell_mode(&x->g, cell),
                        cx[r], cp[r]);
        }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    static const char *const names[3] = {"cell", "size", "ccdf"};
    static const char *const units[3] = {"1", "SMEs", "1"};
    static const char *const longs[3] = {"design cell",
                                         "cascade size (see the group's attribute source)",
                                         "share of the cell's cascades at least this large"};
    for (size_t q = 0; st == CR_OK && q < 3; q++)
        st = cr_analysis_put(x->af, "cascades", names[q], 1, &rows, "row", tab + q * cap, units[q],
                             longs[q], d);
    cr_attr at[1] = {{"source",
                      x->nev ? "events: failures sharing a cascade root in one unit"
                             : "per-period maxima: metric cascade_max > 0 after burn-in "
                               "(run with output.events: true for every cascade)",
                      0}};
    if (st == CR_OK)
        st = cr_analysis_attrs(x->af, "cascades", at, 1, d);
    free(roots);
    free(sizes);
    free(cx);
    free(cp);
    free(tab);
    return st;
}

/* ------------------------------------------------------------------ panel */

/* With --csv and a /panel: panel.csv in long form, one row per (unit, sampled
 * period, SME), streamed one unit at a time. */
static cr_status do_panel(actx *x, const uint8_t *done, cr_diag *d)
{
    const cr_params *p = x->p;
    if (!x->o->csv_dir || p->output.panel.smes <= 0)
        return CR_OK;
    size_t pn = (size_t)p->output.panel.smes, pvar = (size_t)p->output.panel.variables.n;
    size_t every = (size_t)p->output.panel.every, pt = (x->periods + every - 1) / every;
    cr_var_desc vars[CR_STRLIST_MAX];
    char header[2048] = "cell,mode,replication,period,sme";
    for (size_t v = 0; v < pvar; v++) {
        vars[v] = cr_panel_vars()[cr_panel_var_find(p->output.panel.variables.item[v])];
        snprintf(header + strlen(header), sizeof header - strlen(header), ",%s", vars[v].name);
    }
    double *buf = malloc((pvar * pt * pn + 1) * sizeof *buf);
    if (!buf)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    cr_status st = csv_open(x, "panel.csv", header, d);
    for (size_t u = 0; st == CR_OK && u < x->total; u++) {
        if (!done[u])
            continue;
        size_t c = u / x->nrep, r = u % x->nrep;
        st = cr_results_read_panel_unit(x->o->path, c, r, pvar, vars, pt, pn, buf, d);
        for (size_t tp = 0; st == CR_OK && tp < pt; tp++)
            for (size_t j = 0; j < pn; j++) {
                size_t slot = (size_t)((double)j * (double)p->population.smes / (double)pn);
                fprintf(x->csv, "%zu,%s,%zu,%zu,%zu", c, cr_design_cell_mode(&x->g, c), r,
                        tp * every, slot);
                for (size_t v = 0; v < pvar; v++)
                    csv_num(x->csv, buf[(v * pt + tp) * pn + j]);
                fputc('\n', x->csv);
            }
    }
    if (st == CR_OK)
        st = csv_close(x, d);
    free(buf);
    return st;
}

/* ------------------------------------------------------------------ entry */

/* What can go wrong with the options once the file is read, checked before anything
 * is written or printed, so that a refused analysis leaves the file and the CSV
 * directory as they were: the reference mode, the CSV directory (created here when
 * missing) and, without --force, CSV files that would be replaced. */
static cr_status preflight(actx *x, cr_diag *d)
{
    const cr_analyze_opts *o = x->o;
    if (o->reference && x->g.mode_var < 0) {
        const char *names[CR_STRLIST_MAX];
        char list[1024] = "";
        size_t m = 0;
        for (size_t k = 0; k < x->g.nmodes; k++) {
            names[k] = x->g.mode[k];
            if (strcmp(x->g.mode[k], o->reference) == 0)
                m = k + 1;
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                     x->g.mode[k]);
        }
        if (!m) {
            const char *best = cr_suggest(o->reference, names, x->g.nmodes);
            return cr_diag_set(d, CR_EUSAGE,
                               "--reference %s: not a mode of %s%s%s%s (its modes: %s)",
                               o->reference, o->path, best ? "; did you mean '" : "",
                               best ? best : "", best ? "'?" : "", list);
        }
    }
    if (!o->csv_dir)
        return CR_OK;
    struct stat sb;
    if (stat(o->csv_dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return cr_diag_set(d, CR_EUSAGE, "--csv %s: not a directory (nothing was written)",
                               o->csv_dir);
        const char *planned[6];
        size_t n = 0;
        planned[n++] = "summary.csv";
        if (x->g.mode_var < 0 && x->g.nmodes >= 2)
            planned[n++] = "paired.csv";
        if (x->g.method == CR_DESIGN_SALTELLI)
            planned[n++] = "sobol.csv";
        if (x->g.method == CR_DESIGN_MORRIS)
            planned[n++] = "morris.csv";
        if (has_cascades(x))
            planned[n++] = "cascades.csv";
        if (x->p->output.panel.smes > 0)
            planned[n++] = "panel.csv";
        for (size_t k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", o->csv_dir, planned[k]);
            struct stat fb;
            if (stat(path, &fb) == 0 && S_ISDIR(fb.st_mode))
                return cr_diag_set(d, CR_EUSAGE, "%s: is a directory (nothing was written)", path);
            if (!o->force && stat(path, &fb) == 0)
                return cr_diag_set(d, CR_EEXIST,
                                   "%s: exists; use --force to replace the CSV files (nothing "
                                   "was written)",
                                   path);
        }
    } else if (mkdir(o->csv_dir, 0777) != 0) {
        return cr_diag_set(d, errno == ENOENT || errno == ENOTDIR ? CR_EUSAGE : CR_EIO,
                           "--csv %s: cannot create the directory: %s (nothing was written)",
                           o->csv_dir, strerror(errno));
    }
    return CR_OK;
}

cr_status cr_analyze(const cr_analyze_opts *o, cr_diag *d)
{
    actx x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.p = malloc(sizeof *x.p);
    if (!x.p)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    cr_status st = CR_OK;
    if (!(o->level > 0 && o->level < 1))
        st = cr_diag_set(d, CR_EUSAGE, "--level must be in (0, 1), got %g", o->level);
    if (st == CR_OK)
        st = read_file(&x, d);
    if (st == CR_OK && x.done == 0)
        st = cr_diag_set(d, CR_EINPUT, "%s: no unit is done: nothing to analyse", o->path);
    if (st == CR_OK)
        st = preflight(&x, d);
    if (st == CR_OK)
        st = do_panel(&x, x.done_flags, d);
    if (st == CR_OK)
        st = cr_analysis_open(o->path, &x.af, d);
    if (st == CR_OK) {
        const char *mnames[M + 1];
        for (size_t m = 0; m < M; m++)
            mnames[m] = cr_metric_table()[m].name;
        st = cr_analysis_put_strings(x.af, "", "metric", M, mnames, "metric (dimension metric)", d);
    }
    if (st == CR_OK) {
        cr_attr at[5] = {{"level", NULL, o->level},
                         {"burn_in", NULL, (double)x.burn_in},
                         {"units_used", NULL, (double)x.done},
                         {"units_total", NULL, (double)x.total},
                         {"observation", "post-burn-in average of each replication", 0}};
        st = cr_analysis_attrs(x.af, "", at, 5, d);
    }
    if (st == CR_OK)
        st = do_summary(&x, d);
    if (st == CR_OK)
        st = do_paired(&x, d);
    if (st == CR_OK)
        st = do_sobol(&x, d);
    if (st == CR_OK)
        st = do_morris(&x, d);
    if (st == CR_OK)
        st = do_cascades(&x, d);
    cr_diag tmp;
    cr_status st2 = cr_analysis_close(&x.af, st == CR_OK ? d : &tmp);
    if (st == CR_OK)
        st = st2;
    if (x.csv)
        fclose(x.csv);
    cr_design_output_free(&x.dout);
    cr_design_free(&x.g);
    free(x.avg);
    free(x.done_flags);
    free(x.cmax);
    free(x.work);
    free(x.ev);
    free(x.p);
    return st;
}
