/* credere plot (interface in plot.h). A figure is an entry of a registry (name,
 * description, what it needs, a draw function); the draw function reads its data
 * and writes FILE.dat and the plot commands of FILE.gp. The common code checks the
 * options, writes the script's preamble (terminal, palette, style) and runs
 * gnuplot. The script and the data are built in memory (open_memstream) and written
 * to disk only once the figure's data have been read without error. */
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

/* Okabe and Ito's colour-blind-safe palette, yellow last (faint as a line on white) */
const char *const pl_colour[NCOLOURS] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                         "#56B4E9", "#CC79A7", "#000000", "#F0E442"};

/* ------------------------------------------------------------------ text */

/* s with LaTeX's special characters escaped when the output is LaTeX. */
const char *pl_text(const pctx *x, const char *s, char *buf, size_t len)
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
void pl_gp_str(pctx *x, const char *s)
{
    char buf[1024];
    fputc('\'', x->gp);
    for (const char *p = pl_text(x, s, buf, sizeof buf); *p; p++) {
        if (*p == '\'')
            fputc('\'', x->gp);
        fputc(*p, x->gp);
    }
    fputc('\'', x->gp);
}

/* "set NAME 'TEXT'\n" */
void pl_gp_set(pctx *x, const char *name, const char *s)
{
    fprintf(x->gp, "set %s ", name);
    pl_gp_str(x, s);
    fputc('\n', x->gp);
}

/* A double-quoted column of the data file: gnuplot reads backslash escapes there, so
 * a backslash (LaTeX's) is doubled; a double quote becomes a single one. */
void pl_dat_str(pctx *x, const char *s)
{
    char buf[1024];
    fputs(" \"", x->dat);
    for (const char *p = pl_text(x, s, buf, sizeof buf); *p; p++) {
        if (*p == '\\')
            fputc('\\', x->dat);
        fputc(*p == '"' ? '\'' : *p == '\n' ? ' ' : *p, x->dat);
    }
    fputc('"', x->dat);
}

void pl_dat_num(pctx *x, double v)
{
    if (isfinite(v))
        fprintf(x->dat, " %.10g", v);
    else
        fputs(" NaN", x->dat);
}

/* "WHAT (UNITS)", or WHAT alone when the units are empty or "1". */
const char *pl_with_units(const char *what, const char *units, char *buf, size_t len)
{
    if (!units || !units[0] || strcmp(units, "1") == 0)
        snprintf(buf, len, "%s", what);
    else
        snprintf(buf, len, "%s (%s)", what, units);
    return buf;
}

const char *pl_metric_units(pctx *x)
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
const char *pl_cell_label(const pctx *x, size_t c, char *buf, size_t len)
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
void pl_mode_key(pctx *x, const char *style)
{
    for (size_t k = 0; k < x->nmodes; k++) {
        fprintf(x->gp, ", \\\n     keyentry with %s lc %zu title ", style, k % NCOLOURS + 1);
        pl_gp_str(x, x->mode[k]);
    }
}

/* ------------------------------------------------------------------ reading */

/* /analysis/<group>, or CR_EINPUT "no /analysis/<group>: WHY" (why NULL: rerun
 * credere analyze). */
cr_status pl_need_analysis(pctx *x, const char *group, const char *why, cr_diag *d)
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
cr_status pl_read_shaped(pctx *x, const char *path, int rank, const size_t *want, double **v,
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
cr_status pl_metric_index(pctx *x, size_t *m, size_t *nm, cr_diag *d)
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
cr_status pl_read_design(pctx *x, cr_diag *d)
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

/* ------------------------------------------------------------------ registry */

static const figure_type figures[] = {
    {"modes", "mode comparison: a metric's mean and CI per cell (bars with error bars)",
     "credere analyze", true, pl_draw_modes},
    {"paths", "a metric per period: mean and 95 % t band per cell (per mode beyond 8 cells)",
     "any results file", true, pl_draw_paths},
    {"paired", "paired differences from the reference mode with CIs", "credere analyze, 2+ modes",
     true, pl_draw_paired},
    {"cascades", "complementary CDF of cascade sizes per cell, log-log",
     "output.events: true, credere analyze", false, pl_draw_cascades},
    {"sobol", "first-order and total Sobol indices per parameter with bootstrap CIs",
     "a Saltelli design, credere analyze", true, pl_draw_sobol},
    {"morris", "Morris screening: mu* against sigma, labelled by parameter",
     "a Morris design, credere analyze", true, pl_draw_morris},
    {"heatmap", "a metric's mean over a grid of two parameters (first mode)",
     "a two-parameter grid design, credere analyze", true, pl_draw_heatmap},
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
        fprintf(x->gp, "set linetype %zu lc rgb '%s' lw 2 pt 7 ps 1\n", i + 1, pl_colour[i]);
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
    struct stat sb;
    int missing = stat(x->dir, &sb) != 0;
    if (missing || !S_ISDIR(sb.st_mode))
        return cr_diag_set(d, CR_EUSAGE, "-o %s: cannot write: the directory %s %s", x->out, x->dir,
                           missing ? "does not exist" : "is not a directory");
    const char *sfx[4] = {x->ext, "gp", "dat", x->tex ? "pdf" : NULL};
    for (int i = 0; i < 4; i++) {
        char p[PATHLEN + 16];
        if (!sfx[i])
            continue;
        sibling(x, sfx[i], p, sizeof p);
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            return cr_diag_set(d, CR_EUSAGE,
                               "%s: is a directory (credere plot writes %s and "
                               "its .gp and .dat)",
                               p, x->out);
        if (!x->o->force && exists(p))
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
        st = pl_read_design(&x, d);
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
