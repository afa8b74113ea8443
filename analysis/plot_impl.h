/* Internals of credere plot, shared by plot.c (options, helpers, the script's
 * preamble, running gnuplot) and plot_figures.c (the figures' draw functions) and
 * by nothing else; the public interface is plot.h. */
#ifndef CR_PLOT_IMPL_H
#define CR_PLOT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/plot.h"
#include "core/results_read.h"

/* Okabe and Ito's colour-blind-safe palette, yellow last (faint as a line on white) */
#define NCOLOURS 8
extern const char *const pl_colour[NCOLOURS];

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

/* plot.c: text for the script and data, reading */
const char *pl_text(const pctx *x, const char *s, char *buf, size_t len);

void pl_gp_str(pctx *x, const char *s);

void pl_gp_set(pctx *x, const char *name, const char *s);

void pl_dat_str(pctx *x, const char *s);

void pl_dat_num(pctx *x, double v);

const char *pl_with_units(const char *what, const char *units, char *buf, size_t len);

const char *pl_metric_units(pctx *x);

const char *pl_cell_label(const pctx *x, size_t c, char *buf, size_t len);

void pl_mode_key(pctx *x, const char *style);

cr_status pl_need_analysis(pctx *x, const char *group, const char *why, cr_diag *d);

cr_status pl_read_shaped(pctx *x, const char *path, int rank, const size_t *want, double **v,
                         cr_diag *d);

cr_status pl_metric_index(pctx *x, size_t *m, size_t *nm, cr_diag *d);

cr_status pl_read_design(pctx *x, cr_diag *d);

/* plot_figures.c: one draw function per figure */
cr_status pl_draw_modes(pctx *x, cr_diag *d);

cr_status pl_draw_paths(pctx *x, cr_diag *d);

cr_status pl_draw_paired(pctx *x, cr_diag *d);

cr_status pl_draw_cascades(pctx *x, cr_diag *d);

cr_status pl_draw_sobol(pctx *x, cr_diag *d);

cr_status pl_draw_morris(pctx *x, cr_diag *d);

cr_status pl_draw_heatmap(pctx *x, cr_diag *d);

#endif
