/* credere plot: the figures of a thesis drawn from a results file with gnuplot.
 *
 * Each figure is written as a gnuplot script FILE.gp and its data FILE.dat (columns
 * separated by blanks, with a commented header) next to the output FILE.pdf, .png,
 * .svg or .tex (cairolatex: FILE.tex and FILE.pdf), so that it can be edited and
 * redrawn with `gnuplot FILE.gp` in that directory; then gnuplot is run on it. The
 * figures (cr_plot_list prints the catalog):
 *
 *   modes     a metric's mean and confidence interval per cell (/analysis/summary)
 *   paths     a metric's mean per period with a t band per cell or mode (/metrics)
 *   paired    differences from the reference mode with intervals (/analysis/paired)
 *   cascades  complementary CDF of cascade sizes, log-log (/analysis/cascades)
 *   sobol     first-order and total Sobol indices per parameter (/analysis/sobol)
 *   morris    mu* against sigma with parameter labels (/analysis/morris)
 *   heatmap   a metric's mean over a grid of two parameters (/analysis/summary)
 *
 * Labels carry the units stored in the file; colours are the Okabe-Ito palette
 * (distinguishable with colour-blindness); there is no title (a comment in the
 * script says how to add one). Memory: the datasets of one figure (for paths one
 * unit at a time); time: dominated by gnuplot. */
#ifndef CR_PLOT_H
#define CR_PLOT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/status.h"

typedef struct {
    const char *path;   /* results file */
    const char *figure; /* a name of the catalog */
    const char *output; /* FILE.pdf|.png|.svg|.tex; NULL: RESULTS_FIGURE.pdf in the current
                           directory (RESULTS: the results file's name without .h5) */
    const char *metric; /* NULL: default_rate (figures that plot a metric) */
    bool force;         /* replace existing outputs (else CR_EEXIST) */
    FILE *out;          /* "figure: ..." line (NULL: none) */
} cr_plot_opts;

/* Draws one figure: checks the options (an unknown figure, metric or output type is
 * CR_EUSAGE with a suggestion; an existing output, .gp or .dat without force is
 * CR_EEXIST), reads what the figure needs (CR_EINPUT naming what is missing: the
 * analysis, a design of the right kind, the events), writes FILE.gp and FILE.dat
 * and runs gnuplot on them (CR_EIO when gnuplot is not installed, after writing the
 * script and data, or when it fails, with its message). Nothing is written when
 * the checks or the reading fail. */
cr_status cr_plot(const cr_plot_opts *o, cr_diag *d);

/* Prints the catalog: each figure's name, what it shows and what it needs. */
void cr_plot_list(FILE *out);

#endif
