/* credere plot (interface in plot.h). A figure is an entry of a registry (name,
 * description, what it needs, a draw function); the draw function reads its data
 * and writes FILE.dat and the plot commands of FILE.gp. The common code checks the
 * options, writes the script's preamble (terminal, palette, style) and runs
 * gnuplot. The script and the data are built in memory (open_memstream) and written
 * to disk only once the figure's data have been read without error. */
#include "analysis/plot.h"

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

/* Okabe and Ito's colour-blind-safe palette, yellow last (faint as a line on white) */
#define NCOLOURS 8
static const char *const colour[NCOLOURS] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                             "#56B4E9", "#CC79A7", "#000000", "#F0E442"};

/* paths: up to this many cells are drawn one by one, more are pooled per mode */
#define MAX_SERIES NCOLOURS
#define PATHLEN 4096

typedef struct {
    const cr_plot_opts *o;
    const char *metric;
    char out[PATHLEN];  /* the output as given or defaulted */
    char dir[PATHLEN];  /* its directory ("." when none), where gnuplot runs */
    char base[PATHLEN]; /* its last component without the extension */
    const char *ext;    /* "pdf", "png", "svg" or "tex" */
    bool tex;           /* cairolatex: text is LaTeX */
    bool here;          /* the output is in the current directory (no '/' in its name) */
    cr_results_reader *r;
    size_t ncells, npoints;
    char **cell_mode; /* /design/mode [ncells], NULL when absent */
    size_t *mode_of;  /* mode index of each cell */
    const char **mode;
    size_t nmodes;
    const char *method; /* /design attribute method ("none" when absent) */
    FILE *gp, *dat;     /* memory streams */
} pctx;

typedef struct {
    const char *name, *shows, *needs;
    bool uses_metric;
    cr_status (*draw)(pctx *x, cr_diag *d);
} figure_type;

/* ------------------------------------------------------------------ text */

/* s with LaTeX's special characters escaped when the output is LaTeX. */
static const char *text(const pctx *x, const char *s, char *buf, size_t len)
{
    if (!x->tex)
        return s;
    size_t o = 0;
    for (; *s && o + 16 < len; s++) {
        if (strchr("_%&#${}", *s)) {
            buf[o++] = '\\';
            buf[o++] = *s;
        } else if (*s == '\\' || *s == '^' || *s == '~') {
            o += (size_t)snprintf(buf + o, len - o, "%s",
                                  *s == '\\' ? "\\textbackslash{}"
                                             : (*s == '^' ? "\\^{}" : "\\~{}"));
        } else {
            buf[o++] = *s;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* A gnuplot single-quoted string (a quote is doubled) of s. */
static void gp_str(pctx *x, const char *s)
{
    char buf[1024];
    fputc('\'', x->gp);
    for (const char *p = text(x, s, buf, sizeof buf); *p; p++) {
        if (*p == '\'')
            fputc('\'', x->gp);
        fputc(*p, x->gp);
    }
    fputc('\'', x->gp);
}

/* "set NAME 'TEXT'\n" */
static void gp_set(pctx *x, const char *name, const char *s)
{
    fprintf(x->gp, "set %s ", name);
    gp_str(x, s);
    fputc('\n', x->gp);
}

/* A double-quoted column of the data file: gnuplot reads backslash escapes there, so
 * a backslash (LaTeX's) is doubled; a double quote becomes a single one. */
static void dat_str(pctx *x, const char *s)
{
    char buf[1024];
    fputs(" \"", x->dat);
    for (const char *p = text(x, s, buf, sizeof buf); *p; p++) {
        if (*p == '\\')
            fputc('\\', x->dat);
        fputc(*p == '"' ? '\'' : *p == '\n' ? ' ' : *p, x->dat);
    }
    fputc('"', x->dat);
}

static void dat_num(pctx *x, double v)
{
    if (isfinite(v))
        fprintf(x->dat, " %.10g", v);
    else
        fputs(" NaN", x->dat);
}

/* "WHAT (UNITS)", or WHAT alone when the units are empty or "1". */
static const char *with_units(const char *what, const char *units, char *buf, size_t len)
{
    if (!units || !units[0] || strcmp(units, "1") == 0)
        snprintf(buf, len, "%s", what);
    else
        snprintf(buf, len, "%s (%s)", what, units);
    return buf;
}

static const char *metric_units(pctx *x)
{
    char path[512];
    snprintf(path, sizeof path, "/metrics/%s", x->metric);
    const char *u = cr_results_read_object_attr(x->r, path, "units");
    for (size_t m = 0; !u[0] && m < CR_METRIC_COUNT; m++)
        if (strcmp(cr_metric_table()[m].name, x->metric) == 0)
            u = cr_metric_table()[m].units;
    return u;
}

/* The label of a cell on an axis or in a key: its mode when the design has one
 * point, else "cell N (MODE)". */
static const char *cell_label(const pctx *x, size_t c, char *buf, size_t len)
{
    if (x->npoints <= 1 && x->cell_mode)
        snprintf(buf, len, "%s", x->cell_mode[c]);
    else if (x->cell_mode)
        snprintf(buf, len, "cell %zu (%s)", c, x->cell_mode[c]);
    else
        snprintf(buf, len, "cell %zu", c);
    return buf;
}

/* A key entry (no data) per mode in the colours of the cells, for figures whose
 * x axis is the design cell. */
static void mode_key(pctx *x, const char *style)
{
    for (size_t k = 0; k < x->nmodes; k++) {
        fprintf(x->gp, ", \\\n     keyentry with %s lc %zu title ", style, k % NCOLOURS + 1);
        gp_str(x, x->mode[k]);
    }
}

/* ------------------------------------------------------------------ reading */

/* /analysis/<group>, or CR_EINPUT "no /analysis/<group>: WHY" (why NULL: rerun
 * credere analyze). */
static cr_status need_analysis(pctx *x, const char *group, const char *why, cr_diag *d)
{
    char path[256];
    if (!cr_results_read_has(x->r, "/analysis"))
        return cr_diag_set(d, CR_EINPUT, "%s: no /analysis: run credere analyze %s first",
                           x->o->path, x->o->path);
    snprintf(path, sizeof path, "/analysis/%s", group);
    if (!cr_results_read_has(x->r, path))
        return cr_diag_set(d, CR_EINPUT, "%s: no %s: %s", x->o->path, path,
                           why ? why : "rerun credere analyze");
    return CR_OK;
}

/* Reads the dataset at path, which must have the given rank and extents. */
static cr_status read_shaped(pctx *x, const char *path, int rank, const size_t *want, double **v,
                             cr_diag *d)
{
    size_t dims[3];
    int got;
    double *p = NULL;
    cr_status st = cr_results_read_dataset(x->r, path, dims, &got, &p, d);
    int same = st == CR_OK && got == rank;
    for (int i = 0; same && i < rank; i++)
        same = dims[i] == want[i];
    if (st == CR_OK && !same) {
        free(p);
        return cr_diag_set(d, CR_EINPUT, "%s: %s does not have the shape the figure expects",
                           x->o->path, path);
    }
    if (st == CR_OK)
        *v = p;
    return st;
}

/* The metric's index in /analysis/metric and the number of metrics there. */
static cr_status metric_index(pctx *x, size_t *m, size_t *nm, cr_diag *d)
{
    char **names = NULL;
    size_t n = 0;
    cr_status st = cr_results_read_strings(x->r, "/analysis/metric", &n, &names, d);
    if (st != CR_OK)
        return st;
    size_t k = 0;
    while (k < n && strcmp(names[k], x->metric) != 0)
        k++;
    free(names);
    if (k == n)
        return cr_diag_set(d, CR_EINPUT, "%s: /analysis has no metric '%s': rerun credere analyze",
                           x->o->path, x->metric);
    *m = k;
    *nm = n;
    return CR_OK;
}

/* /design: the cells' modes (distinct, in order of appearance), method and points. */
static cr_status read_design(pctx *x, cr_diag *d)
{
    x->ncells = cr_results_read_ncells(x->r);
    x->method = cr_results_read_object_attr(x->r, "/design", "method");
    if (!x->method[0])
        x->method = "none";
    double pts = 1;
    cr_results_read_number_attr(x->r, "/design", "points", &pts);
    x->npoints = pts >= 1 ? (size_t)pts : 1;
    x->mode_of = calloc(x->ncells, sizeof *x->mode_of);
    x->mode = calloc(x->ncells, sizeof *x->mode);
    if (!x->mode_of || !x->mode)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    x->nmodes = 1;
    x->mode[0] = "(one mode)";
    if (!cr_results_read_has(x->r, "/design/mode"))
        return CR_OK;
    size_t n = 0;
    cr_status st = cr_results_read_strings(x->r, "/design/mode", &n, &x->cell_mode, d);
    if (st == CR_OK && n != x->ncells)
        return cr_diag_set(d, CR_EINPUT, "%s: /design/mode has %zu cells, not %zu", x->o->path, n,
                           x->ncells);
    x->nmodes = 0;
    for (size_t c = 0; st == CR_OK && c < x->ncells; c++) {
        size_t k = 0;
        while (k < x->nmodes && strcmp(x->mode[k], x->cell_mode[c]) != 0)
            k++;
        if (k == x->nmodes)
            x->mode[x->nmodes++] = x->cell_mode[c];
        x->mode_of[c] = k;
    }
    return st;
}

/* ------------------------------------------------------------------ modes */

static cr_status draw_modes(pctx *x, cr_diag *d)
{
    size_t m = 0, nm = 0;
    double *mean = NULL, *lo = NULL, *hi = NULL, level = 0.95;
    cr_status st = need_analysis(x, "summary", NULL, d);
    if (st == CR_OK)
        st = metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/summary/mean", 2, dims, &mean, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/summary/lo", 2, dims, &lo, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/summary/hi", 2, dims, &hi, d);
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
                dat_str(x, cell_label(x, c, lab, sizeof lab));
            else /* the cell's number, every step-th only when there are many */
                fprintf(x->dat, c % step ? " \"\"" : " \"%zu\"", c);
            dat_num(x, mean[c * nm + m]);
            dat_num(x, lo[c * nm + m]);
            dat_num(x, hi[c * nm + m]);
            fprintf(x->dat, " %zu\n", x->mode_of[c] % NCOLOURS + 1);
        }
        fprintf(x->gp, "# bars: mean over replications; error bars: its %g %% t interval\n",
                100 * level);
        gp_set(x, "ylabel", with_units(x->metric, metric_units(x), buf, sizeof buf));
        gp_set(x, "xlabel", x->npoints <= 1 ? "financing mode" : "design cell");
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
            mode_key(x, "boxes");
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
        return cell_label(x, g, buf, len);
    snprintf(buf, len, "%s (all design points)", x->mode[g]);
    return buf;
}

static cr_status draw_paths(pctx *x, cr_diag *d)
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
            dat_str(x, series_label(x, pooled, g, lab, sizeof lab));
            fprintf(x->dat, "\n# period mean lo hi n\n");
            for (size_t t = 0; t < T; t++) {
                const double *a = acc + 3 * (g * T + t);
                double n = a[0], mean = n > 0 ? a[1] / n : NAN, h = 0;
                if (n > 1) {
                    double var = (a[2] - a[1] * a[1] / n) / (n - 1);
                    h = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var > 0 ? var : 0) / sqrt(n);
                }
                fprintf(x->dat, "%zu", t);
                dat_num(x, mean);
                dat_num(x, mean - h);
                dat_num(x, mean + h);
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
        gp_set(x, "ylabel", with_units(x->metric, metric_units(x), buf, sizeof buf));
        gp_set(x, "xlabel", "period");
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
            gp_str(x, series_label(x, pooled, g, lab, sizeof lab));
        }
        fputc('\n', x->gp);
    }
    free(acc);
    free(v);
    return st;
}

/* ------------------------------------------------------------------ paired */

static cr_status draw_paired(pctx *x, cr_diag *d)
{
    size_t m = 0, nm = 0;
    double *diff = NULL, *lo = NULL, *hi = NULL, level = 0.95;
    cr_status st = need_analysis(x, "paired",
                                 "figure paired needs two or more modes at the same design "
                                 "points (this file has one mode, or mode is a design parameter)",
                                 d);
    if (st == CR_OK)
        st = metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/paired/diff", 2, dims, &diff, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/paired/lo", 2, dims, &lo, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/paired/hi", 2, dims, &hi, d);
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
                dat_str(x, cell_label(x, c, lab, sizeof lab));
            else /* the cell's number; the colour is its mode */
                fprintf(x->dat, " \"%zu\"", c);
            dat_num(x, diff[c * nm + m]);
            dat_num(x, lo[c * nm + m]);
            dat_num(x, hi[c * nm + m]);
            fprintf(x->dat, " %zu %zu\n", x->mode_of[c] % NCOLOURS + 1, c);
        }
        fprintf(x->gp, "# points: mean paired difference; error bars: its %g %% t interval\n",
                100 * level);
        snprintf(lab, sizeof lab, "%s minus %s", x->metric, ref);
        gp_set(x, "ylabel", with_units(lab, metric_units(x), buf, sizeof buf));
        gp_set(x, "xlabel", x->npoints <= 1 ? "financing mode" : "design cell");
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
            mode_key(x, "points pt 7");
        fputc('\n', x->gp);
    }
    free(diff);
    free(lo);
    free(hi);
    return st;
}

/* ------------------------------------------------------------------ cascades */

static cr_status draw_cascades(pctx *x, cr_diag *d)
{
    cr_status st = CR_OK;
    if (cr_results_read_has(x->r, "/analysis") &&
        !cr_results_read_has(x->r, "/analysis/cascades")) {
        return cr_diag_set(d, CR_EINPUT,
                           "%s: no /analysis/cascades: this file has no cascade (no guarantee "
                           "network, or no SME failed), or rerun credere analyze",
                           x->o->path);
    }
    st = need_analysis(x, "cascades", NULL, d);
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
        st = read_shaped(x, "/analysis/cascades/size", 1, &n, &size, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/cascades/ccdf", 1, &n, &ccdf, d);
    if (st == CR_OK) {
        fprintf(x->dat, "# complementary CDF of cascade sizes (failures with the same cascade "
                        "root in one unit)\n"
                        "# one block per cell (gnuplot: index 0, 1, ...)\n");
        char lab[256], buf[512];
        size_t blocks = 0;
        fprintf(x->gp, "set logscale xy\n");
        gp_set(x, "xlabel", with_units("cascade size", "SMEs", buf, sizeof buf));
        gp_set(x, "ylabel", "share of cascades at least this large");
        fprintf(x->gp, "set key outside top center horizontal\nset mxtics 10\nplot");
        for (size_t i = 0; i < n;) {
            if (!(cell[i] >= 0 && cell[i] < (double)x->ncells)) {
                st = cr_diag_set(d, CR_EINPUT, "%s: /analysis/cascades/cell holds %g", x->o->path,
                                 cell[i]);
                break;
            }
            size_t c = (size_t)cell[i];
            fprintf(x->dat, "%s# cell %zu:", blocks ? "\n\n" : "", c);
            dat_str(x, cell_label(x, c, lab, sizeof lab));
            fprintf(x->dat, "\n# size ccdf\n");
            for (; i < n && cell[i] == (double)c; i++)
                fprintf(x->dat, "%.10g %.10g\n", size[i], ccdf[i]);
            fprintf(x->gp,
                    "%s '%s.dat' index %zu using 1:2 with linespoints lc %zu pt %zu ps 0.8 "
                    "title ",
                    blocks ? ", \\\n    " : "", x->base, blocks, c % NCOLOURS + 1, 5 + 2 * (c % 4));
            gp_str(x, cell_label(x, c, lab, sizeof lab));
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

static cr_status draw_sobol(pctx *x, cr_diag *d)
{
    static const char *const names[6] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
    double *v[6] = {NULL};
    char **modes = NULL, **params = NULL;
    size_t m = 0, nm = 0, G = 0, k = 0;
    cr_status st = need_method(x, "saltelli", "a Saltelli", d);
    if (st == CR_OK)
        st = need_analysis(x, "sobol", NULL, d);
    if (st == CR_OK)
        st = metric_index(x, &m, &nm, d);
    if (st == CR_OK)
        st = index_names(x, "sobol", nm, &modes, &G, &params, &k, d);
    size_t dims[3] = {G, k, nm};
    for (int q = 0; st == CR_OK && q < 6; q++) {
        char path[256];
        snprintf(path, sizeof path, "/analysis/sobol/%s", names[q]);
        st = read_shaped(x, path, 3, dims, &v[q], d);
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
        if (read_shaped(x, "/analysis/sobol/noise_share", 2, d2, &ns, &ignore) != CR_OK)
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
                dat_str(x, G > 1 ? lab : params[i]);
                for (int q = 0; q < 6; q++)
                    dat_num(x, v[q][(g * k + i) * nm + m]);
                fputc('\n', x->dat);
            }
        }
        free(ns);
        fprintf(x->gp, "# error bars: %g %% bootstrap intervals\n", 100 * level);
        snprintf(lab, sizeof lab, "Sobol index of %s", x->metric);
        gp_set(x, "xlabel", lab);
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

static cr_status draw_morris(pctx *x, cr_diag *d)
{
    double *mu_star = NULL, *sigma = NULL;
    char **modes = NULL, **params = NULL;
    size_t m = 0, nm = 0, G = 0, k = 0;
    cr_status st = need_method(x, "morris", "a Morris", d);
    if (st == CR_OK)
        st = need_analysis(x, "morris", NULL, d);
    if (st == CR_OK)
        st = metric_index(x, &m, &nm, d);
    if (st == CR_OK)
        st = index_names(x, "morris", nm, &modes, &G, &params, &k, d);
    size_t dims[3] = {G, k, nm};
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/morris/mu_star", 3, dims, &mu_star, d);
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/morris/sigma", 3, dims, &sigma, d);
    if (st == CR_OK) {
        fprintf(x->dat,
                "# Morris elementary effects of %s per unit of each parameter's range:\n"
                "# mu* (mean absolute effect) and sigma (sd of the effects: interactions and\n"
                "# nonlinearity); one block per mode (gnuplot: index 0, 1, ...)\n",
                x->metric);
        char lab[256], buf[512];
        const char *units = metric_units(x);
        snprintf(lab, sizeof lab, "mu* of %s", x->metric);
        gp_set(x, "xlabel", with_units(lab, units, buf, sizeof buf));
        snprintf(lab, sizeof lab, "sigma of %s", x->metric);
        gp_set(x, "ylabel", with_units(lab, units, buf, sizeof buf));
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
            dat_str(x, modes[g]);
            fprintf(x->dat, "\n# parameter mu_star sigma\n");
            for (size_t i = 0; i < k; i++) {
                dat_str(x, params[i]);
                dat_num(x, mu_star[(g * k + i) * nm + m]);
                dat_num(x, sigma[(g * k + i) * nm + m]);
                fputc('\n', x->dat);
            }
            fprintf(x->gp, "%s '%s.dat' index %zu using 2:3 with points lc %zu pt 7 ps 1.5 title ",
                    g ? ", \\\n    " : "", x->base, g, g % NCOLOURS + 1);
            gp_str(x, modes[g]);
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
        gp_str(x, buf);
        fprintf(x->gp, " %zu", i);
    }
    fprintf(x->gp, ")\n");
}

static cr_status draw_heatmap(pctx *x, cr_diag *d)
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
        st = need_analysis(x, "summary", NULL, d);
    if (st == CR_OK)
        st = metric_index(x, &m, &nm, d);
    size_t dims[2] = {x->ncells, nm};
    for (int a = 0; st == CR_OK && a < 2; a++) {
        char path[sizeof par + 16];
        snprintf(path, sizeof path, "/design/%s", par[a]);
        st = read_shaped(x, path, 1, &x->ncells, &pv[a], d);
    }
    if (st == CR_OK)
        st = read_shaped(x, "/analysis/summary/mean", 2, dims, &mean, d);
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
                dat_num(x, lv[0][i]);
                dat_num(x, lv[1][j]);
                dat_num(x, z[i * n[1] + j]);
                fputc('\n', x->dat);
            }
            fputc('\n', x->dat);
        }
        char lab[512], buf[512], path[512];
        for (int a = 0; a < 2; a++) {
            snprintf(path, sizeof path, "/design/%s", par[a]);
            with_units(par[a], cr_results_read_object_attr(x->r, path, "units"), buf, sizeof buf);
            gp_set(x, a ? "ylabel" : "xlabel", buf);
            grid_tics(x, a ? "y" : "x", par[a], lv[a], n[a]);
        }
        if (x->nmodes > 1)
            fprintf(x->gp, "# mode %s only (the first of the file's %zu modes)\n", x->mode[0],
                    x->nmodes);
        snprintf(lab, sizeof lab, "%s%s%s", x->metric, x->nmodes > 1 ? ", " : "",
                 x->nmodes > 1 ? x->mode[0] : "");
        gp_set(x, "cblabel", with_units(lab, metric_units(x), buf, sizeof buf));
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

/* ------------------------------------------------------------------ registry */

static const figure_type figures[] = {
    {"modes", "mode comparison: a metric's mean and CI per cell (bars with error bars)",
     "credere analyze", true, draw_modes},
    {"paths", "a metric per period: mean and 95 % t band per cell (per mode beyond 8 cells)",
     "any results file", true, draw_paths},
    {"paired", "paired differences from the reference mode with CIs", "credere analyze, 2+ modes",
     true, draw_paired},
    {"cascades", "complementary CDF of cascade sizes per cell, log-log",
     "output.events: true, credere analyze", false, draw_cascades},
    {"sobol", "first-order and total Sobol indices per parameter with bootstrap CIs",
     "a Saltelli design, credere analyze", true, draw_sobol},
    {"morris", "Morris screening: mu* against sigma, labelled by parameter",
     "a Morris design, credere analyze", true, draw_morris},
    {"heatmap", "a metric's mean over a grid of two parameters (first mode)",
     "a two-parameter grid design, credere analyze", true, draw_heatmap},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

void cr_plot_list(FILE *out)
{
    fprintf(out, "figures (credere plot OUT.h5 --figure NAME [--metric METRIC]):\n");
    for (size_t i = 0; i < NFIGURES; i++)
        fprintf(out, "  %-9s %s\n  %-9s needs: %s%s\n", figures[i].name, figures[i].shows, "",
                figures[i].needs,
                figures[i].uses_metric ? "; --metric (default default_rate)" : "");
}

/* ------------------------------------------------------------------ files, gnuplot */

static const char *terminal(const char *ext)
{
    if (strcmp(ext, "png") == 0)
        return "pngcairo size 1600,1000 font ',24' linewidth 2 pointscale 2";
    if (strcmp(ext, "svg") == 0)
        return "svg size 960,600 dynamic font 'Helvetica,16' linewidth 1.5 background '#FFFFFF'";
    if (strcmp(ext, "tex") == 0)
        return "cairolatex pdf size 5in,3.125in";
    return "pdfcairo size 6in,3.75in font ',9' fontscale 1.0 linewidth 1.5";
}

static void preamble(pctx *x)
{
    fprintf(x->gp, "# credere plot: figure %s of %s", x->o->figure, x->o->path);
    if (x->metric)
        fprintf(x->gp, " (metric %s)", x->metric);
    fprintf(x->gp,
            "\n# Edit and redraw in this directory: gnuplot %s.gp (the data: %s.dat)\n"
            "set terminal %s\nset output '%s.%s'\n",
            x->base, x->base, terminal(x->ext), x->base, x->ext);
    if (x->tex)
        fprintf(x->gp, "# LaTeX: \\input{%s.tex} (it includes %s.pdf; text is set by LaTeX)\n",
                x->base, x->base);
    else
        fprintf(x->gp, "set termoption noenhanced\nset encoding utf8\n");
    fprintf(x->gp, "# colours: Okabe and Ito's palette, safe for colour-blind readers\n");
    for (size_t i = 0; i < NCOLOURS; i++)
        fprintf(x->gp, "set linetype %zu lc rgb '%s' lw 2 pt 7 ps 1\n", i + 1, colour[i]);
    fprintf(x->gp,
            "set linetype cycle %d\nset border 3\nset tics nomirror out\n"
            "# no title: a thesis puts a caption under the figure; to add one:\n"
            "# set title 'My title'\n",
            NCOLOURS);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Splits the output into directory, base name and extension; CR_EUSAGE for a type
 * gnuplot is not asked to write. */
static cr_status output_names(pctx *x, cr_diag *d)
{
    if (x->o->output) {
        snprintf(x->out, sizeof x->out, "%s", x->o->output);
    } else {
        const char *b = strrchr(x->o->path, '/') ? strrchr(x->o->path, '/') + 1 : x->o->path;
        size_t len = strlen(b);
        if (len > 3 && strcmp(b + len - 3, ".h5") == 0)
            len -= 3;
        snprintf(x->out, sizeof x->out, "%.*s_%s.pdf", (int)len, b, x->o->figure);
    }
    const char *slash = strrchr(x->out, '/'), *name = slash ? slash + 1 : x->out;
    const char *dot = strrchr(name, '.');
    static const char *const exts[] = {"pdf", "png", "svg", "tex"};
    x->ext = NULL;
    for (size_t i = 0; dot && i < 4; i++)
        if (strcmp(dot + 1, exts[i]) == 0)
            x->ext = exts[i];
    if (!x->ext || dot == name)
        return cr_diag_set(d, CR_EUSAGE,
                           "-o %s: the extension chooses the format: .pdf, .png, .svg or .tex "
                           "(LaTeX with a PDF)",
                           x->out);
    x->tex = strcmp(x->ext, "tex") == 0;
    if (slash)
        snprintf(x->dir, sizeof x->dir, "%.*s", (int)(slash == x->out ? 1 : slash - x->out),
                 x->out);
    else
        snprintf(x->dir, sizeof x->dir, ".");
    x->here = !slash;
    snprintf(x->base, sizeof x->base, "%.*s", (int)(dot - name), name);
    return CR_OK;
}

/* dir/base.suffix */
static void sibling(const pctx *x, const char *suffix, char *buf, size_t len)
{
    if (snprintf(buf, len, "%s%s%s.%s", x->here ? "" : x->dir, x->here ? "" : "/", x->base,
                 suffix) >= (int)len)
        buf[0] = '\0'; /* not reached: the names come from a PATHLEN output */
}

static cr_status refuse_overwrite(const pctx *x, cr_diag *d)
{
    const char *sfx[4] = {x->ext, "gp", "dat", x->tex ? "pdf" : NULL};
    for (int i = 0; i < 4 && !x->o->force; i++) {
        char p[PATHLEN + 16];
        if (!sfx[i])
            continue;
        sibling(x, sfx[i], p, sizeof p);
        if (exists(p))
            return cr_diag_set(d, CR_EEXIST,
                               "%s: exists; use --force to replace it (credere plot writes %s "
                               "and its .gp and .dat)",
                               p, x->out);
    }
    return CR_OK;
}

static cr_status write_file(const pctx *x, const char *suffix, const char *buf, size_t len,
                            cr_diag *d)
{
    char p[PATHLEN + 16];
    sibling(x, suffix, p, sizeof p);
    FILE *f = fopen(p, "w");
    if (!f)
        return cr_diag_set(d, CR_EIO, "%s: cannot write: %s", p, strerror(errno));
    int bad = fwrite(buf, 1, len, f) != len;
    bad |= fclose(f) != 0;
    return bad ? cr_diag_set(d, CR_EIO, "%s: cannot write: %s", p, strerror(errno)) : CR_OK;
}

/* 1 when an executable gnuplot is on the PATH. */
static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    for (const char *p = path ? path : ""; *p;) {
        size_t len = strcspn(p, ":");
        char exe[PATHLEN];
        snprintf(exe, sizeof exe, "%.*s/gnuplot", (int)(len ? len : 1), len ? p : ".");
        if (access(exe, X_OK) == 0)
            return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

/* Runs `gnuplot BASE.gp` in the output's directory, its messages collected. */
static cr_status run_gnuplot(const pctx *x, cr_diag *d)
{
    char gp[PATHLEN + 16], msg[1200] = "";
    sibling(x, "gp", gp, sizeof gp);
    if (!have_gnuplot())
        return cr_diag_set(d, CR_EIO,
                           "gnuplot not found: install gnuplot-nox (Debian), then run gnuplot "
                           "%s.gp%s%s (the script and data are written)",
                           x->base, x->here ? "" : " in ", x->here ? "" : x->dir);
    char script[PATHLEN + 8];
    snprintf(script, sizeof script, "%s.gp", x->base);
    int fd[2];
    if (pipe(fd) != 0)
        return cr_diag_set(d, CR_EIO, "cannot run gnuplot: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return cr_diag_set(d, CR_EIO, "cannot run gnuplot: %s", strerror(errno));
    }
    if (pid == 0) { /* the child: gnuplot in the output's directory, stderr to the pipe */
        int null = open("/dev/null", O_RDWR);
        close(fd[0]);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
        }
        dup2(fd[1], 2);
        close(fd[1]);
        if (chdir(x->dir) == 0)
            execlp("gnuplot", "gnuplot", script, (char *)NULL);
        static const char failed[] = "cannot start gnuplot in the output's directory\n";
        ssize_t ignored = write(2, failed, sizeof failed - 1);
        (void)ignored;
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    char buf[512];
    ssize_t got;
    while ((got = read(fd[0], buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        size_t keep = (size_t)got < sizeof msg - 1 - used ? (size_t)got : sizeof msg - 1 - used;
        memcpy(msg + used, buf, keep); /* the first message is the one that matters */
        used += keep;
    }
    msg[used] = '\0';
    close(fd[0]);
    int status = 0, w;
    while ((w = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (w < 0)
        return cr_diag_set(d, CR_EIO, "cannot wait for gnuplot: %s", strerror(errno));
    while (used > 0 && (msg[used - 1] == '\n' || msg[used - 1] == ' '))
        msg[--used] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return cr_diag_set(d, CR_EIO, "gnuplot failed on %s%s%s", gp, used ? ":\n" : "", msg);
    char outp[PATHLEN + 16];
    sibling(x, x->ext, outp, sizeof outp);
    struct stat sb;
    if (stat(outp, &sb) != 0 || sb.st_size == 0)
        return cr_diag_set(d, CR_EIO, "gnuplot wrote no %s%s%s", outp, used ? ":\n" : "", msg);
    return CR_OK;
}

/* ------------------------------------------------------------------ entry */

cr_status cr_plot(const cr_plot_opts *o, cr_diag *d)
{
    if (!o || !o->path || !o->figure)
        return cr_diag_set(d, CR_EUSAGE, "credere plot needs a results file and --figure NAME");
    const figure_type *f = NULL;
    const char *names[NFIGURES];
    for (size_t i = 0; i < NFIGURES; i++) {
        names[i] = figures[i].name;
        if (strcmp(figures[i].name, o->figure) == 0)
            f = &figures[i];
    }
    if (!f) {
        const char *best = cr_suggest(o->figure, names, NFIGURES);
        return cr_diag_set(d, CR_EUSAGE,
                           "unknown figure '%s'%s%s%s (figures: modes, paths, paired, cascades, "
                           "sobol, morris, heatmap; credere plot --list)",
                           o->figure, best ? "; did you mean '" : "", best ? best : "",
                           best ? "'?" : "");
    }
    pctx x;
    memset(&x, 0, sizeof x);
    x.o = o;
    if (f->uses_metric) {
        const char *mnames[CR_METRIC_COUNT];
        x.metric = o->metric ? o->metric : "default_rate";
        size_t m = 0;
        for (; m < CR_METRIC_COUNT; m++)
            if (strcmp((mnames[m] = cr_metric_table()[m].name), x.metric) == 0)
                break;
        if (m == CR_METRIC_COUNT) {
            const char *best = cr_suggest(x.metric, mnames, CR_METRIC_COUNT);
            return cr_diag_set(
                d, CR_EUSAGE, "unknown metric '%s'%s%s%s (credere check --metrics lists them)",
                x.metric, best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
        }
    } else if (o->metric) {
        return cr_diag_set(d, CR_EUSAGE, "figure %s takes no --metric", o->figure);
    }
    cr_status st = output_names(&x, d);
    if (st == CR_OK)
        st = refuse_overwrite(&x, d);
    if (st == CR_OK)
        st = cr_results_read_open(o->path, &x.r, d);
    if (st == CR_OK)
        st = read_design(&x, d);
    char *gbuf = NULL, *dbuf = NULL;
    size_t glen = 0, dlen = 0;
    if (st == CR_OK) {
        x.gp = open_memstream(&gbuf, &glen);
        x.dat = open_memstream(&dbuf, &dlen);
        if (!x.gp || !x.dat)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    if (st == CR_OK) {
        preamble(&x);
        fprintf(x.dat, "# credere plot: figure %s of %s\n", o->figure, o->path);
        st = f->draw(&x, d);
    }
    if (x.gp && fclose(x.gp) != 0 && st == CR_OK)
        st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (x.dat && fclose(x.dat) != 0 && st == CR_OK)
        st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (st == CR_OK)
        st = write_file(&x, "dat", dbuf, dlen, d);
    if (st == CR_OK)
        st = write_file(&x, "gp", gbuf, glen, d);
    if (st == CR_OK)
        st = run_gnuplot(&x, d);
    if (st == CR_OK && o->out) {
        char p[PATHLEN + 16], g[PATHLEN + 16];
        sibling(&x, x.ext, p, sizeof p);
        sibling(&x, "gp", g, sizeof g);
        fprintf(o->out, "figure: %s%s (script %s, data %.*s.dat)\n", p,
                x.tex ? " with its .pdf" : "", g, (int)(strlen(g) - 3), g);
    }
    free(gbuf);
    free(dbuf);
    free(x.cell_mode);
    free(x.mode_of);
    free(x.mode);
    cr_results_read_close(&x.r);
    return st;
}
