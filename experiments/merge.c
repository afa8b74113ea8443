/* credere merge: shard files of one experiment stitched into one results file,
 * through the runner's assembly (runner_impl.h), so that the merged datasets are the
 * same bits as those of a single run. */
#include "experiments/runner.h"
#include "experiments/runner_impl.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/progress.h"
#include "core/results.h"
#include "core/results_read.h"
#include "experiments/setup.h"
#include "experiments/unitrec.h"
#include "models/metrics.h"
#include "models/model.h"
#include "models/panel.h"

typedef struct {
    cr_i_run_state *R;
    cr_results_reader **rd;
    const char *const *paths;
    size_t nparts;
    uint16_t *owner; /* [total] part holding the unit (UINT16_MAX: none) */
    cr_event **events;
    size_t *nevents;
    size_t **ev_start; /* per part: [total + 1] first event row of each unit */
} merge_src;

static int merge_source(void *ctx, size_t u, cr_unitrec *rec, cr_status *st, cr_diag *d)
{
    merge_src *M = ctx;
    cr_i_run_state *R = M->R;
    if (M->owner[u] == UINT16_MAX)
        return 0;
    size_t k = M->owner[u];
    cr_i_run_file_src F = {R, M->rd[k]};
    if (!cr_i_run_file_source(&F, u, rec, st, d))
        return 0;
    size_t a = M->ev_start[k][u], b = M->ev_start[k][u + 1];
    if (b > a) {
        rec->events = malloc((b - a) * sizeof *rec->events);
        if (!rec->events) {
            *st = cr_diag_set(d, CR_ENOMEM, "out of memory");
            cr_unitrec_free(rec);
            return 0;
        }
        memcpy(rec->events, M->events[k] + a, (b - a) * sizeof *rec->events);
        rec->nevents = b - a;
    }
    if (R->net_out && rec->cell == 0) {
        rec->net = malloc(CR_NET_INFO_COUNT * sizeof *rec->net);
        double *col = malloc(R->nrep * sizeof *col);
        const cr_var_desc *vars = cr_model_net_info_vars();
        int ok = rec->net && col;
        *st = ok ? CR_OK : cr_diag_set(d, CR_ENOMEM, "out of memory");
        for (size_t j = 0; ok && j < CR_NET_INFO_COUNT; j++) {
            *st = cr_results_read_vector(M->rd[k], "network", vars[j].name, col, d);
            if ((ok = *st == CR_OK))
                rec->net[j] = col[rec->replication];
        }
        free(col);
        rec->nnet = CR_NET_INFO_COUNT;
        if (*st == CR_OK && rec->replication == 0 &&
            cr_results_read_has(M->rd[k], "/network/edges_replication_0")) {
            *st = cr_results_read_table(M->rd[k], "network", "edges_replication_0", 3,
                                        cr_i_run_edge_cols, &rec->edges, &rec->edge_rows, d);
            if (*st == CR_OK)
                *st = cr_results_read_table(M->rd[k], "network", "degrees_replication_0", 3,
                                            cr_i_run_degree_cols, &rec->degrees, &rec->degree_rows,
                                            d);
        }
        if (*st != CR_OK) {
            cr_unitrec_free(rec);
            return 0;
        }
    }
    const cr_params *p = R->p;
    if (p->output.panel.smes > 0) {
        size_t pn = (size_t)p->output.panel.smes, pvar = (size_t)p->output.panel.variables.n;
        size_t pt =
            (R->periods + (size_t)p->output.panel.every - 1) / (size_t)p->output.panel.every;
        cr_var_desc vars[CR_STRLIST_MAX];
        for (size_t v = 0; v < pvar; v++)
            vars[v] = cr_panel_vars()[cr_panel_var_find(p->output.panel.variables.item[v])];
        double *raw = malloc((pvar * pt * pn + 1) * sizeof *raw);
        *st = raw ? cr_results_read_panel_unit(M->paths[k], rec->cell, rec->replication, pvar, vars,
                                               pt, pn, raw, d)
                  : cr_diag_set(d, CR_ENOMEM, "out of memory");
        if (*st == CR_OK) {
            *st = cr_zchunks_make(&rec->panel, raw, pvar, pt, pn, (int)p->output.compression, NAN,
                                  omp_get_max_threads());
            if (*st != CR_OK)
                cr_diag_set(d, *st, "out of memory for the panel");
            rec->has_panel = *st == CR_OK;
        }
        free(raw);
        if (*st != CR_OK) {
            cr_unitrec_free(rec);
            return 0;
        }
    }
    return 1;
}

static cr_status merge_files(const char *const *parts, size_t nparts, const char *out_path,
                             bool force, const char *command_line, cr_run_summary *sum, cr_diag *d);

cr_status cr_merge_files(const char *const *parts, size_t nparts, const char *out_path, bool force,
                         const char *command_line, cr_run_summary *sum, cr_diag *d)
{
    cr_results_setup();
    struct sigaction old;
    int restore = cr_i_run_xfsz_ignore(&old);
    cr_status st = merge_files(parts, nparts, out_path, force, command_line, sum, d);
    if (restore)
        sigaction(SIGXFSZ, &old, NULL);
    return st;
}

static cr_status merge_files(const char *const *parts, size_t nparts, const char *out_path,
                             bool force, const char *command_line, cr_run_summary *sum, cr_diag *d)
{
    memset(sum, 0, sizeof *sum);
    double t0 = cr_now();
    if (nparts == 0)
        return cr_diag_set(d, CR_EUSAGE, "merge: name the part files");
    if (nparts >= UINT16_MAX)
        return cr_diag_set(d, CR_EUSAGE, "merge: at most %d part files", UINT16_MAX - 1);
    struct stat sb;
    if (!force && stat(out_path, &sb) == 0)
        return cr_diag_set(d, CR_EEXIST, "%s: output exists; use --force to replace it", out_path);
    merge_src M;
    memset(&M, 0, sizeof M);
    M.nparts = nparts;
    M.paths = parts;
    M.rd = calloc(nparts, sizeof *M.rd);
    M.events = calloc(nparts, sizeof *M.events);
    M.nevents = calloc(nparts, sizeof *M.nevents);
    M.ev_start = calloc(nparts, sizeof *M.ev_start);
    cr_params *p = malloc(sizeof *p);
    cr_i_run_state R;
    memset(&R, 0, sizeof R);
    cr_status st = M.rd && M.events && M.nevents && M.ev_start && p
                       ? CR_OK
                       : cr_diag_set(d, CR_ENOMEM, "out of memory");
    for (size_t k = 0; st == CR_OK && k < nparts; k++) {
        st = cr_results_read_open(parts[k], &M.rd[k], d);
        if (st == CR_OK && k > 0 &&
            strcmp(cr_results_read_attr(M.rd[k], "config"),
                   cr_results_read_attr(M.rd[0], "config")))
            st = cr_diag_set(d, CR_EINPUT,
                             "merge: %s and %s are from different experiments (their resolved "
                             "configurations differ)",
                             parts[0], parts[k]);
        if (st == CR_OK && k > 0 && cr_results_read_seed(M.rd[k]) != cr_results_read_seed(M.rd[0]))
            st = cr_diag_set(d, CR_EINPUT, "merge: %s and %s have different seeds", parts[0],
                             parts[k]);
    }
    /* the experiment, rebuilt from the stored configuration */
    if (st == CR_OK) {
        const char *config = cr_results_read_attr(M.rd[0], "config");
        cr_diag ld;
        st = cr_experiment_load_text(parts[0], config, p, &ld);
        if (st != CR_OK)
            st = cr_diag_set(d, CR_EINPUT, "merge: %s: its stored configuration does not load: %s",
                             parts[0], ld.msg);
        if (st == CR_OK)
            st = cr_i_run_state_init(&R, p, config, out_path, 0, 0, d);
    }
    if (st == CR_OK) {
        snprintf(R.tmppath, sizeof R.tmppath, "%s.tmp", out_path);
        M.R = &R;
        M.owner = malloc((R.total + 1) * sizeof *M.owner);
        if (!M.owner)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        for (size_t u = 0; M.owner && u < R.total; u++)
            M.owner[u] = UINT16_MAX;
    }
    char line[512], now[32];
    cr_i_run_utc_now(now, sizeof now);
    for (size_t k = 0; st == CR_OK && k < nparts; k++) {
        st = cr_i_run_same_experiment(&R, M.rd[k], parts[k],
                                      cr_results_read_attr(M.rd[0], "config"), d);
        const uint8_t *dn = st == CR_OK ? cr_results_read_done(M.rd[k]) : NULL;
        size_t units = 0;
        for (size_t u = 0; dn && st == CR_OK && u < R.total; u++) {
            if (!dn[u])
                continue;
            if (M.owner[u] != UINT16_MAX)
                st = cr_diag_set(d, CR_EINPUT,
                                 "merge: unit (cell %zu, replication %zu) is in both %s and %s",
                                 u / R.nrep, u % R.nrep, parts[M.owner[u]], parts[k]);
            M.owner[u] = (uint16_t)k;
            units++;
        }
        if (st == CR_OK)
            st = cr_results_read_events(M.rd[k], &M.events[k], &M.nevents[k], d);
        if (st == CR_OK && !(M.ev_start[k] = calloc(R.total + 2, sizeof *M.ev_start[k])))
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        /* events of a unit are contiguous and in unit order (the file was assembled) */
        for (size_t i = 0; st == CR_OK && i < M.nevents[k]; i++) {
            const cr_event *e = &M.events[k][i];
            size_t u = (size_t)e->cell * R.nrep + e->replication;
            if (e->cell >= R.ncells || e->replication >= R.nrep ||
                (i &&
                 u < (size_t)M.events[k][i - 1].cell * R.nrep + M.events[k][i - 1].replication))
                st = cr_diag_set(d, CR_EINPUT, "merge: %s: its events are out of order", parts[k]);
            else
                M.ev_start[k][u + 1]++;
        }
        for (size_t u = 0; st == CR_OK && u < R.total; u++)
            M.ev_start[k][u + 1] += M.ev_start[k][u];
        const char *sh = cr_results_read_attr(M.rd[k], "shard");
        snprintf(line, sizeof line, "%s merged from %s (%s%s%s%zu units, status %s)", now, parts[k],
                 sh[0] ? "shard " : "", sh, sh[0] ? ", " : "", units,
                 cr_results_read_attr(M.rd[k], "status"));
        if (st == CR_OK) {
            const char *h = cr_results_read_attr(M.rd[k], "history");
            if (h[0]) {
                char sub[1024];
                for (const char *q = h; *q;) {
                    size_t n = strcspn(q, "\n");
                    snprintf(sub, sizeof sub, "  %s: %.*s", parts[k], (int)(n < 900 ? n : 900), q);
                    cr_i_run_history_add(&R, sub);
                    q += n + (q[n] == '\n');
                }
            }
            cr_i_run_history_add(&R, line);
        }
    }
    size_t missing = 0, first_missing = 0;
    for (size_t u = 0; st == CR_OK && u < R.total; u++)
        if (M.owner[u] == UINT16_MAX && missing++ == 0)
            first_missing = u;
    if (st == CR_OK && missing)
        st = cr_diag_set(d, CR_EINPUT,
                         "merge: %zu of %zu units are in none of the files (the first: cell %zu, "
                         "replication %zu); a shard is missing or unfinished",
                         missing, R.total, first_missing / R.nrep, first_missing % R.nrep);
    if (st == CR_OK)
        st = cr_i_run_assemble(&R, out_path, command_line, cr_results_read_attr(M.rd[0], "config"),
                               0, "complete", "", merge_source, &M, sum, d, 0);
    sum->seconds = cr_now() - t0;
    for (size_t k = 0; k < nparts; k++) {
        if (M.rd)
            cr_results_read_close(&M.rd[k]);
        if (M.events)
            free(M.events[k]);
        if (M.ev_start)
            free(M.ev_start[k]);
    }
    free(M.rd);
    free(M.events);
    free(M.nevents);
    free(M.ev_start);
    free(M.owner);
    free(p);
    cr_i_run_state_free(&R);
    return st;
}
