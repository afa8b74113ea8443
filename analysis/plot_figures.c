/* credere plot: the figures' draw functions (the registry and the common code are
 * in plot.c; shared internals in plot_impl.h). Each reads its data and writes
 * FILE.dat and the plot commands of FILE.gp. */
#include "analysis/plot_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "core/config.h"
#include "core/results_read.h"
#include "experiments/setup.h"
#include "models/metrics.h"

/* ------------------------------------------------------------------ modes */

cr_status pl_draw_modes(pctx *x, cr_diag *d)
{
    size_t m = 0, nm = 0;
    double *mean = NULL, *lo = NULL, *hi = NULL, level = 0.95;
    cr_status st = pl_need_analysis(x, "summary", NULL, d);
    if (st == CR_OK)
        st = pl_metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/summary/mean", 2, dims, &mean, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/summary/lo", 2, dims, &lo, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/summary/hi", 2, dims, &hi, d);
    cr_results_read_number_attr(x->r, "/analysis", "level", &level);
    if (st == CR_OK) {
        fprintf(x->dat,
                "# %s per design cell: mean over replications of the post-burn-in average,\n"
                "# and its %g %% t interval (lo, hi); colour: the mode's line type\n"
                "# cell label mean lo hi colour\n",
                x->metric, 100 * level);
        char lab[256], buf[512];
        size_t step = (x->ncells + 23) / 24;
        for (size_t c = 0; c < x->ncells; c++) {
            fprintf(x->dat, "%zu", c);
            if (x->npoints <= 1)
                pl_dat_str(x, pl_cell_label(x, c, lab, sizeof lab));
            else /* the cell's number, every step-th only when there are many */
                fprintf(x->dat, c % step ? " \"\"" : " \"%zu\"", c);
            pl_dat_num(x, mean[c * nm + m]);
            pl_dat_num(x, lo[c * nm + m]);
            pl_dat_num(x, hi[c * nm + m]);
            fprintf(x->dat, " %zu\n", x->mode_of[c] % NCOLOURS + 1);
        }
        fprintf(x->gp, "# bars: mean over replications; error bars: its %g %% t interval\n",
                100 * level);
        pl_gp_set(x, "ylabel", pl_with_units(x->metric, pl_metric_units(x), buf, sizeof buf));
        pl_gp_set(x, "xlabel", x->npoints <= 1 ? "financing mode" : "design cell");
        fprintf(x->gp,
                "set xrange [-0.6:%zu.4]\nset yrange [*<0:0<*]\nset boxwidth 0.7\n"
                "set style fill solid 0.85 noborder\n"
                "set xtics scale 0%s\nset key outside top center horizontal\n",
                x->ncells - 1, x->ncells > 6 ? " rotate by 45 right" : "");
        fprintf(x->gp,
                "plot '%s.dat' using 1:3:(0.7):6:xtic(2) with boxes lc variable notitle, "
                "\\\n     '' using 1:3:4:5 with yerrorbars lc rgb '#000000' pt 7 ps 0.6 lw 1.5 "
                "notitle",
                x->base);
        if (x->npoints > 1)
            pl_mode_key(x, "boxes");
        fputc('\n', x->gp);
    }
    free(mean);
    free(lo);
    free(hi);
    return st;
}

/* ------------------------------------------------------------------ paths */

/* The burn-in of the stored configuration (0 when it does not load). */
static size_t burn_in(pctx *x)
{
    cr_params *p = malloc(sizeof *p);
    cr_diag ld;
    size_t b = 0;
    if (p &&
        cr_experiment_load_text(x->o->path, cr_results_read_attr(x->r, "config"), p, &ld) == CR_OK)
        b = p->experiment.burn_in > 0 ? (size_t)p->experiment.burn_in : 0;
    free(p);
    return b;
}

/* A series of paths: a cell, or a mode's cells pooled. */
static const char *series_label(const pctx *x, bool pooled, size_t g, char *buf, size_t len)
{
    if (!pooled)
        return pl_cell_label(x, g, buf, len);
    snprintf(buf, len, "%s (all design points)", x->mode[g]);
    return buf;
}

cr_status pl_draw_paths(pctx *x, cr_diag *d)
{
    char path[512];
    snprintf(path, sizeof path, "/metrics/%s", x->metric);
    if (!cr_results_read_has(x->r, path))
        return cr_diag_set(d, CR_EINPUT, "%s: no %s (a file from an older credere?)", x->o->path,
                           path);
    size_t T = cr_results_read_nperiods(x->r), R = cr_results_read_nreplications(x->r);
    bool pooled = x->ncells > MAX_SERIES;
    size_t G = pooled ? x->nmodes : x->ncells;
    double *acc = calloc(3 * G * T + 1, sizeof *acc), *v = malloc((T + 1) * sizeof *v);
    if (!acc || !v) {
        free(acc);
        free(v);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    const uint8_t *done = cr_results_read_done(x->r);
    cr_var_desc one = {x->metric, "", ""};
    cr_status st = CR_OK;
    for (size_t c = 0; st == CR_OK && c < x->ncells; c++) {
        size_t g = pooled ? x->mode_of[c] : c;
        for (size_t r = 0; st == CR_OK && r < R; r++) {
            if (!done[c * R + r])
                continue;
            st = cr_results_read_unit(x->r, c, r, 1, &one, v, d);
            for (size_t t = 0; st == CR_OK && t < T; t++) {
                if (!isfinite(v[t]))
                    continue;
                double *a = acc + 3 * (g * T + t); /* n, sum, sum of squares */
                a[0] += 1;
                a[1] += v[t];
                a[2] += v[t] * v[t];
            }
        }
    }
    if (st == CR_OK) {
        fprintf(x->dat,
                "# %s per period: mean over the done replications%s and its 95 %% t band\n"
                "# (mean -+ t(0.975, n-1) sd / sqrt(n); no band when n = 1)\n"
                "# one block per series (gnuplot: index 0, 1, ...)\n",
                x->metric, pooled ? " and design points of a mode" : "");
        char lab[256], buf[512];
        for (size_t g = 0; g < G; g++) {
            fprintf(x->dat, "%s# series %zu:", g ? "\n\n" : "", g);
            pl_dat_str(x, series_label(x, pooled, g, lab, sizeof lab));
            fprintf(x->dat, "\n# period mean lo hi n\n");
            for (size_t t = 0; t < T; t++) {
                const double *a = acc + 3 * (g * T + t);
                double n = a[0], mean = n > 0 ? a[1] / n : NAN, h = 0;
                if (n > 1) {
                    double var = (a[2] - a[1] * a[1] / n) / (n - 1);
                    h = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var : 0) / sqrt(n);
                }
                fprintf(x->dat, "%zu", t);
                pl_dat_num(x, mean);
                pl_dat_num(x, mean - h);
                pl_dat_num(x, mean + h);
                fprintf(x->dat, " %g\n", n);
            }
        }
        size_t b = burn_in(x);
        if (b > 0 && b < T)
            fprintf(x->gp,
                    "# the burn-in (periods before %zu, left out of the analysis) is shaded\n"
                    "set object 1 rect from graph 0, graph 0 to first %zu, graph 1 behind "
                    "fc rgb '#EBEBEB' fs solid 1.0 noborder\n",
                    b, b);
        fprintf(x->gp, "# lines: mean over replications; bands: its 95 %% t interval\n");
        pl_gp_set(x, "ylabel", pl_with_units(x->metric, pl_metric_units(x), buf, sizeof buf));
        pl_gp_set(x, "xlabel", "period");
        fprintf(x->gp, "set xrange [0:%zu]\nset key outside top center horizontal\n", T - 1);
        fprintf(x->gp, "plot"); /* the bands first, so that no band hides a line */
        for (size_t g = 0; g < G; g++)
            fprintf(x->gp,
                    "%s '%s.dat' index %zu using 1:3:4 with filledcurves lc %zu "
                    "fs transparent solid 0.18 noborder notitle",
                    g ? ", \\\n    " : "", x->base, g, g % NCOLOURS + 1);
        for (size_t g = 0; g < G; g++) {
            fprintf(x->gp, ", \\\n     '' index %zu using 1:2 with lines lc %zu title ", g,
                    g % NCOLOURS + 1);
            pl_gp_str(x, series_label(x, pooled, g, lab, sizeof lab));
        }
        fputc('\n', x->gp);
    }
    free(acc);
    free(v);
    return st;
}

/* ------------------------------------------------------------------ paired */

cr_status pl_draw_paired(pctx *x, cr_diag *d)
{
    size_t m = 0, nm = 0;
    double *diff = NULL, *lo = NULL, *hi = NULL, level = 0.95;
    cr_status st =
        pl_need_analysis(x, "paired",
                         "figure paired needs two or more modes at the same design "
                         "points (this file has one mode, or mode is a design parameter)",
                         d);
    if (st == CR_OK)
        st = pl_metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/paired/diff", 2, dims, &diff, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/paired/lo", 2, dims, &lo, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/paired/hi", 2, dims, &hi, d);
    cr_results_read_number_attr(x->r, "/analysis", "level", &level);
    const char *ref = cr_results_read_object_attr(x->r, "/analysis/paired", "reference");
    if (st == CR_OK) {
        fprintf(x->dat,
                "# %s: mean difference from the reference mode %s at the same design point,\n"
                "# replication by replication, and its %g %% t interval\n"
                "# row label diff lo hi colour cell\n",
                x->metric, ref, 100 * level);
        char lab[256], buf[512];
        size_t rows = 0;
        for (size_t c = 0; c < x->ncells; c++) {
            if (x->cell_mode && strcmp(x->cell_mode[c], ref) == 0)
                continue;
            fprintf(x->dat, "%zu", rows++);
            if (x->npoints <= 1)
                pl_dat_str(x, pl_cell_label(x, c, lab, sizeof lab));
            else /* the cell's number; the colour is its mode */
                fprintf(x->dat, " \"%zu\"", c);
            pl_dat_num(x, diff[c * nm + m]);
            pl_dat_num(x, lo[c * nm + m]);
            pl_dat_num(x, hi[c * nm + m]);
            fprintf(x->dat, " %zu %zu\n", x->mode_of[c] % NCOLOURS + 1, c);
        }
        fprintf(x->gp, "# points: mean paired difference; error bars: its %g %% t interval\n",
                100 * level);
        snprintf(lab, sizeof lab, "%s minus %s", x->metric, ref);
        pl_gp_set(x, "ylabel", pl_with_units(lab, pl_metric_units(x), buf, sizeof buf));
        pl_gp_set(x, "xlabel", x->npoints <= 1 ? "financing mode" : "design cell");
        fprintf(x->gp,
                "set xrange [-0.6:%zu.6]\nset yrange [*<0:0<*]\nset xtics scale 0%s\n"
                "set key outside top center horizontal\n"
                "set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead dt 2 "
                "lc rgb '#808080'\n",
                rows ? rows - 1 : 0, rows > 6 ? " rotate by 45 right" : "");
        fprintf(x->gp,
                "plot '%s.dat' using 1:3:4:5:6:xtic(2) with yerrorbars lc variable pt 7 ps 1.2 "
                "lw 2 notitle",
                x->base);
        if (x->npoints > 1)
            pl_mode_key(x, "points pt 7");
        fputc('\n', x->gp);
    }
    free(diff);
    free(lo);
    free(hi);
    return st;
}

/* ------------------------------------------------------------------ cascades */

cr_status pl_draw_cascades(pctx *x, cr_diag *d)
{
    cr_status st = CR_OK;
    if (cr_results_read_has(x->r, "/analysis") &&
        !cr_results_read_has(x->r, "/analysis/cascades")) {
        return cr_diag_set(d, CR_EINPUT,
                           "%s: no /analysis/cascades: this file has no cascade (no guarantee "
                           "network, or no SME failed), or rerun credere analyze",
                           x->o->path);
    }
    st = pl_need_analysis(x, "cascades", NULL, d);
    double *cell = NULL, *size = NULL, *ccdf = NULL;
    size_t n = 0, dims[3];
    int rank;
    if (st == CR_OK)
        st = cr_results_read_dataset(x->r, "/analysis/cascades/cell", dims, &rank, &cell, d);
    if (st == CR_OK && rank != 1)
        st = cr_diag_set(d, CR_EINPUT, "%s: /analysis/cascades/cell is not a vector", x->o->path);
    if (st == CR_OK)
        n = dims[0];
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/cascades/size", 1, &n, &size, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/cascades/ccdf", 1, &n, &ccdf, d);
    if (st == CR_OK) {
        fprintf(x->dat, "# complementary CDF of cascade sizes (failures with the same cascade "
                        "root in one unit)\n"
                        "# one block per cell (gnuplot: index 0, 1, ...)\n");
        char lab[256], buf[512];
        size_t blocks = 0;
        fprintf(x->gp, "set logscale xy\n");
        pl_gp_set(x, "xlabel", pl_with_units("cascade size", "SMEs", buf, sizeof buf));
        pl_gp_set(x, "ylabel", "share of cascades at least this large");
        fprintf(x->gp, "set key outside top center horizontal\nset mxtics 10\nplot");
        for (size_t i = 0; i < n;) {
            if (!(cell[i] >= 0 && cell[i] < (double)x->ncells)) {
                st = cr_diag_set(d, CR_EINPUT, "%s: /analysis/cascades/cell holds %g", x->o->path,
                                 cell[i]);
                break;
            }
            size_t c = (size_t)cell[i];
            fprintf(x->dat, "%s# cell %zu:", blocks ? "\n\n" : "", c);
            pl_dat_str(x, pl_cell_label(x, c, lab, sizeof lab));
            fprintf(x->dat, "\n# size ccdf\n");
            for (; i < n && cell[i] == (double)c; i++)
                fprintf(x->dat, "%.10g %.10g\n", size[i], ccdf[i]);
            fprintf(x->gp,
                    "%s '%s.dat' index %zu using 1:2 with linespoints lc %zu pt %zu ps 0.8 "
                    "title ",
                    blocks ? ", \\\n    " : "", x->base, blocks, c % NCOLOURS + 1, 5 + 2 * (c % 4));
            pl_gp_str(x, pl_cell_label(x, c, lab, sizeof lab));
            blocks++;
        }
        fputc('\n', x->gp);
        if (st == CR_OK && blocks == 0)
            st = cr_diag_set(d, CR_EINPUT, "%s: no cascades to plot (no SME failed)", x->o->path);
    }
    free(cell);
    free(size);
    free(ccdf);
    return st;
}

/* ------------------------------------------------------------------ sobol, morris */

/* The [mode, parameter] names of /analysis/<group>, checked against the index
 * datasets' shape [G, k, nm]. */
static cr_status index_names(pctx *x, const char *group, size_t nm, char ***modes, size_t *G,
                             char ***params, size_t *k, cr_diag *d)
{
    char path[256];
    snprintf(path, sizeof path, "/analysis/%s/mode", group);
    cr_status st = cr_results_read_strings(x->r, path, G, modes, d);
    snprintf(path, sizeof path, "/analysis/%s/parameter", group);
    if (st == CR_OK)
        st = cr_results_read_strings(x->r, path, k, params, d);
    if (st == CR_OK && (*G == 0 || *k == 0 || nm == 0))
        st = cr_diag_set(d, CR_EINPUT, "%s: /analysis/%s is empty", x->o->path, group);
    return st;
}

static cr_status need_method(pctx *x, const char *method, const char *what, cr_diag *d)
{
    if (strcmp(x->method, method) == 0)
        return CR_OK;
    return cr_diag_set(d, CR_EINPUT, "%s: figure %s needs %s design (this file's design is %s)",
                       x->o->path, x->o->figure, what, x->method);
}

cr_status pl_draw_sobol(pctx *x, cr_diag *d)
{
    static const char *const names[6] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
    double *v[6] = {NULL};
    char **modes = NULL, **params = NULL;
    size_t m = 0, nm = 0, G = 0, k = 0;
    cr_status st = need_method(x, "saltelli", "a Saltelli", d);
    if (st == CR_OK)
        st = pl_need_analysis(x, "sobol", NULL, d);
    if (st == CR_OK)
        st = pl_metric_index(x, &m, &nm, d);
    if (st == CR_OK)
        st = index_names(x, "sobol", nm, &modes, &G, &params, &k, d);
    size_t dims[3] = {G, k, nm};
    for (int q = 0; st == CR_OK && q < 6; q++) {
        char path[256];
        snprintf(path, sizeof path, "/analysis/sobol/%s", names[q]);
        st = pl_read_shaped(x, path, 3, dims, &v[q], d);
    }
    if (st == CR_OK) {
        double level = 0.95, *ns = NULL;
        size_t d2[2] = {G, nm};
        cr_results_read_number_attr(x->r, "/analysis/sobol", "level", &level);
        fprintf(x->dat,
                "# Sobol indices of %s (first order S1: Saltelli 2010; total ST: Jansen 1999)\n"
                "# with %g %% bootstrap intervals, per design parameter%s\n"
                "# row label S1 S1_lo S1_hi ST ST_lo ST_hi\n",
                x->metric, 100 * level, G > 1 ? " and mode" : "");
        char lab[512];
        cr_diag ignore; /* an analysis without noise_share: no note */
        if (pl_read_shaped(x, "/analysis/sobol/noise_share", 2, d2, &ns, &ignore) != CR_OK)
            ns = NULL;
        for (size_t g = 0; g < G; g++) {
            double share = ns ? ns[g * nm + m] : NAN;
            fprintf(x->gp,
                    "# mode %s: replication noise is %.0f %% of the variance of the "
                    "design points' means%s\n",
                    modes[g], 100 * share,
                    share > 0.5 ? " (the indices mostly measure noise: more replications)" : "");
            for (size_t i = 0; i < k; i++) {
                fprintf(x->dat, "%zu", g * k + i);
                if (G > 1)
                    snprintf(lab, sizeof lab, "%s (%s)", params[i], modes[g]);
                pl_dat_str(x, G > 1 ? lab : params[i]);
                for (int q = 0; q < 6; q++)
                    pl_dat_num(x, v[q][(g * k + i) * nm + m]);
                fputc('\n', x->dat);
            }
        }
        free(ns);
        fprintf(x->gp, "# error bars: %g %% bootstrap intervals\n", 100 * level);
        snprintf(lab, sizeof lab, "Sobol index of %s", x->metric);
        pl_gp_set(x, "xlabel", lab);
        fprintf(x->gp,
                "# one row per parameter (the first on top): bars S1 and ST, lines the intervals\n"
                "set yrange [%zu.6:-0.6]\nset ytics scale 0\nset style fill solid 0.85 noborder\n"
                "set key outside top center horizontal\n"
                "set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead lc rgb '#808080'\n"
                "plot '%s.dat' using ($3/2):($1-0.2):(abs($3/2)):(0.18):ytic(2) with boxxyerror "
                "lc 1 title 'first order S1', \\\n"
                "     '' using ($6/2):($1+0.2):(abs($6/2)):(0.18) with boxxyerror lc 2 "
                "title 'total ST', \\\n"
                "     '' using 3:($1-0.2):4:5 with xerrorbars lc rgb '#000000' pt 7 ps 0.4 "
                "notitle, \\\n"
                "     '' using 6:($1+0.2):7:8 with xerrorbars lc rgb '#000000' pt 7 ps 0.4 "
                "notitle\n",
                G * k - 1, x->base);
    }
    for (int q = 0; q < 6; q++)
        free(v[q]);
    free(modes);
    free(params);
    return st;
}

cr_status pl_draw_morris(pctx *x, cr_diag *d)
{
    double *mu_star = NULL, *sigma = NULL;
    char **modes = NULL, **params = NULL;
    size_t m = 0, nm = 0, G = 0, k = 0;
    cr_status st = need_method(x, "morris", "a Morris", d);
    if (st == CR_OK)
        st = pl_need_analysis(x, "morris", NULL, d);
    if (st == CR_OK)
        st = pl_metric_index(x, &m, &nm, d);
    if (st == CR_OK)
        st = index_names(x, "morris", nm, &modes, &G, &params, &k, d);
    size_t dims[3] = {G, k, nm};
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/morris/mu_star", 3, dims, &mu_star, d);
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/morris/sigma", 3, dims, &sigma, d);
    if (st == CR_OK) {
        fprintf(x->dat,
                "# Morris elementary effects of %s per unit of each parameter's range:\n"
                "# mu* (mean absolute effect) and sigma (sd of the effects: interactions and\n"
                "# nonlinearity); one block per mode (gnuplot: index 0, 1, ...)\n",
                x->metric);
        char lab[256], buf[512];
        const char *units = pl_metric_units(x);
        snprintf(lab, sizeof lab, "mu* of %s", x->metric);
        pl_gp_set(x, "xlabel", pl_with_units(lab, units, buf, sizeof buf));
        snprintf(lab, sizeof lab, "sigma of %s", x->metric);
        pl_gp_set(x, "ylabel", pl_with_units(lab, units, buf, sizeof buf));
        double half = 0; /* labels of points right of it go to their left */
        for (size_t i = 0; i < G * k; i++)
            if (isfinite(mu_star[i * nm + m]) && mu_star[i * nm + m] > half)
                half = mu_star[i * nm + m];
        half *= 0.55;
        fprintf(x->gp, "# effects per unit of each parameter's range (docs/format.md)\n"
                       "set xrange [0:*]\nset yrange [0:*]\nset offsets 0, graph 0.05, "
                       "graph 0.1, 0\nset key outside top center horizontal\nplot");
        for (size_t g = 0; g < G; g++) {
            fprintf(x->dat, "%s# mode", g ? "\n\n" : "");
            pl_dat_str(x, modes[g]);
            fprintf(x->dat, "\n# parameter mu_star sigma\n");
            for (size_t i = 0; i < k; i++) {
                pl_dat_str(x, params[i]);
                pl_dat_num(x, mu_star[(g * k + i) * nm + m]);
                pl_dat_num(x, sigma[(g * k + i) * nm + m]);
                fputc('\n', x->dat);
            }
            fprintf(x->gp, "%s '%s.dat' index %zu using 2:3 with points lc %zu pt 7 ps 1.5 title ",
                    g ? ", \\\n    " : "", x->base, g, g % NCOLOURS + 1);
            pl_gp_str(x, modes[g]);
            fprintf(
                x->gp,
                ", \\\n     '' index %zu using ($2 <= %.10g ? $2 : NaN):3:1 with labels left "
                "offset 0.8, 0.5 notitle, \\\n     '' index %zu using ($2 > %.10g ? $2 : NaN):3:1 "
                "with labels right offset -0.8, 0.5 notitle",
                g, half, g, half);
        }
        fprintf(x->gp, ", \\\n     x with lines dt 2 lc rgb '#808080' title 'sigma = mu*'\n");
    }
    free(mu_star);
    free(sigma);
    free(modes);
    free(params);
    return st;
}

/* ------------------------------------------------------------------ heatmap */

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* The distinct values of v over the cells of mode 0, sorted, into lv; their count. */
static size_t levels(const pctx *x, const double *v, double *lv)
{
    size_t n = 0;
    for (size_t c = 0; c < x->ncells; c++)
        if (x->mode_of[c] == 0)
            lv[n++] = v[c];
    qsort(lv, n, sizeof *lv, cmp_double);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || lv[i] != lv[u - 1])
            lv[u++] = lv[i];
    return u;
}

static size_t level_of(const double *lv, size_t n, double v)
{
    size_t i = 0;
    while (i < n && lv[i] != v)
        i++;
    return i;
}

/* "set Xtics ('0.2' 0, '0.6' 1, ...)" with a names parameter's names when it has them. */
static void grid_tics(pctx *x, const char *axis, const char *param, const double *lv, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "/design/%s", param);
    const char *names = cr_results_read_object_attr(x->r, path, "names");
    fprintf(x->gp, "set %stics scale 0 (", axis);
    for (size_t i = 0; i < n; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%g", lv[i]);
        if (names[0] && lv[i] >= 0 && lv[i] == floor(lv[i])) { /* line lv[i] of names */
            const char *p = names;
            for (size_t l = 0; p && l < (size_t)lv[i]; l++)
                p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
            if (p)
                snprintf(buf, sizeof buf, "%.*s", (int)strcspn(p, "\n"), p);
        }
        fprintf(x->gp, "%s", i ? ", " : "");
        pl_gp_str(x, buf);
        fprintf(x->gp, " %zu", i);
    }
    fprintf(x->gp, ")\n");
}

cr_status pl_draw_heatmap(pctx *x, cr_diag *d)
{
    cr_status st = need_method(x, "grid", "a grid", d);
    const char *list = cr_results_read_object_attr(x->r, "/design", "parameters");
    char par[2][256], all[1024] = "";
    size_t np = 0;
    for (const char *p = list; st == CR_OK && *p;) { /* the numeric parameters */
        size_t len = strcspn(p, "\n");
        char path[512];
        snprintf(path, sizeof path, "/design/%.*s", (int)len, p);
        if (len > 0 && len < sizeof par[0] &&
            strcmp(cr_results_read_object_attr(x->r, path, "role"), "parameter") == 0) {
            if (np < 2)
                snprintf(par[np], sizeof par[np], "%.*s", (int)len, p);
            snprintf(all + strlen(all), sizeof all - strlen(all), "%s%.*s", np ? ", " : "",
                     (int)len, p);
            np++;
        }
        p += len + (p[len] == '\n');
    }
    if (st == CR_OK && np != 2)
        st = cr_diag_set(d, CR_EINPUT,
                         "%s: figure heatmap needs a grid over exactly two parameters besides "
                         "mode (this file's grid varies %zu%s%s)",
                         x->o->path, np, np ? ": " : "", all);
    size_t m = 0, nm = 0;
    double *pv[2] = {NULL, NULL}, *mean = NULL, *lv[2] = {NULL, NULL}, *z = NULL;
    if (st == CR_OK)
        st = pl_need_analysis(x, "summary", NULL, d);
    if (st == CR_OK)
        st = pl_metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    for (int a = 0; st == CR_OK && a < 2; a++) {
        char path[sizeof par + 16];
        snprintf(path, sizeof path, "/design/%s", par[a]);
        st = pl_read_shaped(x, path, 1, &x->ncells, &pv[a], d);
    }
    if (st == CR_OK)
        st = pl_read_shaped(x, "/analysis/summary/mean", 2, dims, &mean, d);
    size_t n[2] = {0, 0};
    if (st == CR_OK) {
        lv[0] = malloc(x->ncells * sizeof *lv[0]);
        lv[1] = malloc(x->ncells * sizeof *lv[1]);
        if (lv[0] && lv[1]) {
            n[0] = levels(x, pv[0], lv[0]);
            n[1] = levels(x, pv[1], lv[1]);
            z = malloc((n[0] * n[1] + 1) * sizeof *z);
        }
        if (!z)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    if (st == CR_OK) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n[0] * n[1]; i++)
            z[i] = NAN;
        for (size_t c = 0; c < x->ncells; c++) {
            if (x->mode_of[c] != 0)
                continue;
            double v = mean[c * nm + m];
            z[level_of(lv[0], n[0], pv[0][c]) * n[1] + level_of(lv[1], n[1], pv[1][c])] = v;
            lo = isfinite(v) && v < lo ? v : lo;
            hi = isfinite(v) && v > hi ? v : hi;
        }
        fprintf(x->dat,
                "# mean of %s over replications (post-burn-in averages) on the grid of\n"
                "# %s (x) and %s (y), mode %s; ix, iy: the levels' indices\n"
                "# ix iy x y mean\n",
                x->metric, par[0], par[1], x->mode[0]);
        for (size_t i = 0; i < n[0]; i++) {
            for (size_t j = 0; j < n[1]; j++) {
                fprintf(x->dat, "%zu %zu", i, j);
                pl_dat_num(x, lv[0][i]);
                pl_dat_num(x, lv[1][j]);
                pl_dat_num(x, z[i * n[1] + j]);
                fputc('\n', x->dat);
            }
            fputc('\n', x->dat);
        }
        char lab[512], buf[512], path[512];
        for (int a = 0; a < 2; a++) {
            snprintf(path, sizeof path, "/design/%s", par[a]);
            pl_with_units(par[a], cr_results_read_object_attr(x->r, path, "units"), buf,
                          sizeof buf);
            pl_gp_set(x, a ? "ylabel" : "xlabel", buf);
            grid_tics(x, a ? "y" : "x", par[a], lv[a], n[a]);
        }
        if (x->nmodes > 1)
            fprintf(x->gp, "# mode %s only (the first of the file's %zu modes)\n", x->mode[0],
                    x->nmodes);
        snprintf(lab, sizeof lab, "%s%s%s", x->metric, x->nmodes > 1 ? ", " : "",
                 x->nmodes > 1 ? x->mode[0] : "");
        pl_gp_set(x, "cblabel", pl_with_units(lab, pl_metric_units(x), buf, sizeof buf));
        double mid = isfinite(lo) ? 0.5 * (lo + hi) : 0;
        if (isfinite(lo) && hi > lo) /* cells touch the x and y ranges' ends: no autoscale */
            fprintf(x->gp, "set cbrange [%.10g:%.10g]\n", lo, hi);
        fprintf(x->gp,
                "# viridis: perceptually uniform, readable with colour-blindness and in grey\n"
                "set palette defined (0 '#440154', 1 '#3B528B', 2 '#21908C', 3 '#5DC863', "
                "4 '#FDE725')\n"
                "set xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nset border 15\n"
                "set tics nomirror\nunset key\nset rmargin 16\n"
                "plot '%s.dat' using 1:2:(0.5):(0.5):5 with boxxyerror fs solid 1.0 noborder "
                "lc palette, \\\n"
                "     '' using 1:2:(sprintf('%%.3g', $5)):($5 < %.10g ? 0xFFFFFF : 0x000000) "
                "with labels tc rgb variable\n",
                n[0] - 1, n[1] - 1, x->base, mid);
    }
    free(pv[0]);
    free(pv[1]);
    free(mean);
    free(lv[0]);
    free(lv[1]);
    free(z);
    return st;
}
