#include "experiments/runner.h"
#include "experiments/runner_impl.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/loop.h"
#include "core/progress.h"
#include "core/results.h"
#include "core/results_read.h"
#include "experiments/cluster.h"
#include "experiments/design.h"
#include "experiments/setup.h"
#include "experiments/unitrec.h"
#include "models/metrics.h"
#include "models/mode.h"
#include "models/model.h"
#include "models/panel.h"

static volatile sig_atomic_t stop_requested = 0;

void cr_runner_request_stop(void)
{
    stop_requested = 1;
}

/* Testing hooks slow_assembly and slow_unit (core/journal.h): sleeps their ms. */
static void fault_sleep(const char *name)
{
    long ms = 0;
    if (cr_journal_fault(name, &ms, NULL) && ms > 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL); /* a signal ends it early: fine */
    }
}

/* A file-size limit (ulimit -f) must fail the write that crosses it with EFBIG, so
 * the run ends with a message and keeps its journal, instead of the default action
 * of SIGXFSZ (the process killed). Ignored during a run or a merge, then restored. */
int cr_i_run_xfsz_ignore(struct sigaction *old)
{
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    return sigaction(SIGXFSZ, &ign, old) == 0;
}

/* Appends text to d's message (as much as fits). */
static void diag_append(cr_diag *d, const char *text)
{
    size_t n = strlen(d->msg);
    snprintf(d->msg + n, sizeof d->msg - n, "%s", text);
}

/* ------------------------------------------------------------------ the run's state */

static int in_shard(const cr_i_run_state *R, size_t u)
{
    return u % R->shard_count == R->shard_index;
}

size_t cr_i_run_shard_units(const cr_i_run_state *R)
{
    return R->total / R->shard_count + (R->shard_index < R->total % R->shard_count);
}

void cr_i_run_history_add(cr_i_run_state *R, const char *line)
{
    size_t n = strlen(line);
    if (R->hlen + n + 2 > R->hcap) {
        size_t cap = (R->hcap + n + 2) * 2;
        char *h = realloc(R->history, cap);
        if (!h)
            return; /* provenance is best effort; the results are not affected */
        R->history = h;
        R->hcap = cap;
    }
    memcpy(R->history + R->hlen, line, n);
    R->hlen += n;
    R->history[R->hlen++] = '\n';
    R->history[R->hlen] = '\0';
}

void cr_i_run_utc_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "unknown time");
}

void cr_run_journal_path(const char *out_path, char *buf, size_t len)
{
    snprintf(buf, len, "%s.journal", out_path);
}

void cr_i_run_state_free(cr_i_run_state *R)
{
    cr_design_free(&R->g);
    free(R->names);
    free(R->identity);
    free(R->offset);
    free(R->history);
    memset(R, 0, sizeof *R);
}

/* The design, the cells' modes and the journal's identity. */
cr_status cr_i_run_state_init(cr_i_run_state *R, const cr_params *p, const char *config_yaml,
                              const char *out_path, int shard_index, int shard_count, cr_diag *d)
{
    memset(R, 0, sizeof *R);
    R->p = p;
    cr_status st = cr_design_build(p, NULL, NULL, &R->g, d);
    if (st != CR_OK)
        return st;
    R->ncells = R->g.ncells;
    R->nrep = (size_t)p->experiment.replications;
    R->periods = (size_t)p->experiment.periods;
    R->total = R->ncells * R->nrep;
    R->shard_count = shard_count > 0 ? (size_t)shard_count : 1;
    R->shard_index = shard_count > 0 ? (size_t)shard_index - 1 : 0;
    R->net_out = p->output.network && p->network.generator > 0;
    if (out_path) {
        cr_run_journal_path(out_path, R->jpath, sizeof R->jpath);
        snprintf(R->tmppath, sizeof R->tmppath, "%s.tmp", out_path);
    }
    R->names = calloc(R->ncells + 1, sizeof *R->names);
    R->offset = malloc((R->total + 1) * sizeof *R->offset);
    char head[128];
    int hn =
        snprintf(head, sizeof head, "credere run journal\nformat_version: %d\nshard: %zu/%zu\n",
                 CR_FORMAT_VERSION, R->shard_index + 1, R->shard_count);
    R->identity = malloc((size_t)hn + strlen(config_yaml) + 1);
    if (!R->names || !R->offset || !R->identity) {
        cr_i_run_state_free(R);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    memcpy(R->identity, head, (size_t)hn);
    strcpy(R->identity + hn, config_yaml);
    for (size_t c = 0; c < R->ncells; c++) {
        R->names[c] = cr_design_cell_mode(&R->g, c);
        if (!cr_mode_find(R->names[c])) {
            cr_i_run_state_free(R);
            return cr_diag_set(d, CR_ECONFIG, "modes: unknown mode '%s'", R->names[c]);
        }
    }
    for (size_t u = 0; u < R->total; u++)
        R->offset[u] = CR_I_NO_RECORD;
    return CR_OK;
}

/* Journal scan: where each unit's record is, and the notes. */
static int visit_record(void *ctx, uint64_t off, uint32_t type, const void *payload, size_t len)
{
    cr_i_run_state *R = ctx;
    if (type == CR_REC_NOTE) {
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < 1023 ? len : 1023), (const char *)payload);
        cr_i_run_history_add(R, line);
        return 0;
    }
    uint32_t cell, rep;
    if (type != CR_REC_UNIT || len < 8)
        return 0;
    memcpy(&cell, payload, 4);
    memcpy(&rep, (const char *)payload + 4, 4);
    size_t u = (size_t)cell * R->nrep + rep;
    if (cell < R->ncells && rep < R->nrep && R->offset[u] == CR_I_NO_RECORD && in_shard(R, u)) {
        R->offset[u] = off;
        R->ndone++;
    }
    return 0;
}

/* ------------------------------------------------------------------ assembling the file */

/* Where assembly gets a unit's record: 1 and *rec filled when the unit is done. */
typedef int (*cr_i_unit_source)(void *ctx, size_t unit, cr_unitrec *rec, cr_status *st, cr_diag *d);

static int journal_source(void *ctx, size_t u, cr_unitrec *rec, cr_status *st, cr_diag *d)
{
    cr_i_run_state *R = ctx;
    if (R->offset[u] == CR_I_NO_RECORD)
        return 0;
    void *buf = NULL;
    size_t len = 0;
    uint32_t type = 0;
    *st = cr_journal_read_at(R->jpath, R->offset[u], &buf, &len, &type, d);
    if (*st == CR_OK)
        *st = cr_unitrec_unpack(buf, len, rec, d);
    free(buf);
    if (*st == CR_OK && (rec->nmetrics != CR_METRIC_COUNT || rec->nperiods != R->periods))
        *st = cr_diag_set(d, CR_EINPUT, "%s: a unit record has the wrong shape", R->jpath);
    return *st == CR_OK;
}

const cr_var_desc cr_i_run_edge_cols[3] = {
    {"guarantor", "SME", "slot of the guarantor"},
    {"borrower", "SME", "slot of the borrower"},
    {"share", "1", "share of the borrower's loss it covers"},
};
const cr_var_desc cr_i_run_degree_cols[3] = {
    {"degree", "SMEs", "degree k"},
    {"borrowers", "SMEs", "SMEs with k guarantors (in-degree)"},
    {"guarantors", "SMEs", "SMEs that guarantee k borrowers (out-degree)"},
};

/* Writes the results file from the done units, in canonical order, into
 * R->tmppath, and renames it to out_path. Fills the summary (also when the file is
 * abandoned: flags CR_I_ASM_*). */
cr_status cr_i_run_assemble(cr_i_run_state *R, const char *out_path, const char *command_line,
                            const char *config_yaml, int threads, const char *status,
                            const char *shard, cr_i_unit_source src, void *src_ctx,
                            cr_run_summary *sum, cr_diag *d, int flags)
{
    int writing = !(flags & CR_I_ASM_SUMMARY), aborted = 0;
    const cr_params *p = R->p;
    cr_design_output dout;
    cr_status st = cr_design_output_make(&R->g, &dout, d);
    if (st != CR_OK)
        return st;
    double *m2 = NULL;
    double *net_info = NULL;
    if ((st = cr_i_run_summary_init(sum, R, &m2, d)) != CR_OK) {
        cr_design_output_free(&dout);
        return st;
    }
    if (R->net_out) {
        net_info = malloc(CR_NET_INFO_COUNT * R->nrep * sizeof *net_info);
        if (!net_info)
            st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        for (size_t k = 0; net_info && k < CR_NET_INFO_COUNT * R->nrep; k++)
            net_info[k] = NAN;
    }
    cr_results_spec spec = {
        .path = R->tmppath,
        .force = true,
        .command_line = command_line,
        .config_yaml = config_yaml,
        .experiment = p->experiment.name,
        .seed = p->experiment.seed,
        .threads = threads,
        .ncells = R->ncells,
        .nreplications = R->nrep,
        .nperiods = R->periods,
        .cell_mode = R->names,
        .nparams = dout.nvars,
        .params = dout.vars,
        .param_values = dout.values,
        .param_attrs = dout.var_attrs,
        .nparam_attrs = dout.nvar_attrs,
        .design_attrs = dout.attrs,
        .ndesign_attrs = dout.nattrs,
        .history = R->history,
        .shard = shard,
        .nmetrics = CR_METRIC_COUNT,
        .metrics = cr_metric_table(),
        .compression = (int)p->output.compression,
    };
    cr_results *res = NULL;
    if (st == CR_OK && writing)
        st = cr_results_create(&spec, &res, d);
    /* the panel's layout (models/panel.h), the same for every unit */
    size_t pn = (size_t)p->output.panel.smes, pvar = (size_t)p->output.panel.variables.n;
    size_t pevery = (size_t)p->output.panel.every, pt = (R->periods + pevery - 1) / pevery;
    double *pper = pn ? malloc(pt * sizeof *pper) : NULL,
           *pslot = pn ? malloc(pn * sizeof *pslot) : NULL;
    cr_var_desc pvars[CR_STRLIST_MAX];
    if (pn && (!pper || !pslot) && st == CR_OK)
        st = cr_diag_set(d, CR_ENOMEM, "out of memory");
    for (size_t k = 0; pper && k < pt; k++)
        pper[k] = (double)(k * pevery);
    for (size_t j = 0; pslot && j < pn; j++)
        pslot[j] = (double)(size_t)((double)j * (double)p->population.smes / (double)pn);
    for (size_t v = 0; pn && v < pvar; v++)
        pvars[v] = cr_panel_vars()[cr_panel_var_find(p->output.panel.variables.item[v])];
    size_t done = 0;
    for (size_t u = 0; st == CR_OK && u <= R->total; u++) {
        if (writing && (flags & CR_I_ASM_ABORTABLE) && stop_requested) {
            cr_results_close(&res, NULL); /* abandoned: the journal has every unit */
            remove(R->tmppath);
            writing = 0;
            aborted = 1;
        }
        cr_unitrec rec;
        if (u == R->total || !src(src_ctx, u, &rec, &st, d))
            continue;
        size_t c = rec.cell, r = rec.replication;
        if (!writing) {
            cr_i_run_summary_add(sum, m2, c, rec.values, R->periods, (size_t)p->experiment.burn_in);
            done++;
            cr_unitrec_free(&rec);
            continue;
        }
        st = cr_results_write_unit(res, c, r, rec.values, d);
        if (st == CR_OK && rec.nevents)
            st = cr_results_append_events(res, c, r, rec.events, rec.nevents, d);
        if (st == CR_OK && net_info && rec.nnet == CR_NET_INFO_COUNT)
            for (size_t k = 0; k < CR_NET_INFO_COUNT; k++)
                net_info[k * R->nrep + r] = rec.net[k];
        if (st == CR_OK && rec.edge_rows)
            st = cr_results_write_table(res, "network", "edges_replication_0", rec.edge_rows, 3,
                                        cr_i_run_edge_cols, rec.edges, d);
        if (st == CR_OK && rec.degree_rows)
            st = cr_results_write_table(res, "network", "degrees_replication_0", rec.degree_rows, 3,
                                        cr_i_run_degree_cols, rec.degrees, d);
        if (st == CR_OK && pn &&
            (!rec.has_panel || rec.panel.nvar != pvar || rec.panel.nt != pt || rec.panel.nu != pn ||
             rec.panel.level != (int)p->output.compression))
            st = cr_diag_set(d, CR_EINPUT,
                             "unit (%zu, %zu): its panel is not %zu variables x %zu periods x "
                             "%zu SMEs at compression %d",
                             c, r, pvar, pt, pn, (int)p->output.compression);
        if (st == CR_OK && pn)
            st = cr_results_write_panel_chunks(res, c, r, pvar, pvars, pt, pn, pper, pslot,
                                               &rec.panel, d);
        if (st == CR_OK) {
            cr_i_run_summary_add(sum, m2, c, rec.values, R->periods, (size_t)p->experiment.burn_in);
            done++;
        }
        cr_unitrec_free(&rec);
        fault_sleep("slow_assembly");
    }
    if (writing) {
        if (st == CR_OK && net_info)
            st = cr_results_write_vectors(res, "network", CR_NET_INFO_COUNT,
                                          cr_model_net_info_vars(), net_info, d);
        if (st == CR_OK)
            st = cr_results_set_status(res, status, d);
        cr_diag tmp;
        cr_status st2 = cr_results_close(&res, st == CR_OK ? d : &tmp);
        if (st == CR_OK)
            st = st2;
        if (st == CR_OK && rename(R->tmppath, out_path) != 0)
            st = cr_diag_set(d, CR_EIO, "%s: cannot rename %s to it: %s", out_path, R->tmppath,
                             strerror(errno));
        if (st != CR_OK)
            remove(R->tmppath);
    }
    if (st == CR_OK && aborted)
        st = cr_diag_set(d, CR_EINTERRUPTED, "%s: interrupted while writing it", out_path);
    sum->units_done = done;
    sum->sme_periods = (double)done * (double)R->periods * (double)p->population.smes;
    cr_i_run_summary_finish(sum, R, m2);
    free(net_info);
    free(pper);
    free(pslot);
    cr_design_output_free(&dout);
    return st;
}

/* ------------------------------------------------------------------ running units */

typedef struct {
    cr_params *cellp, *modelp; /* the next cell's parameters; the model's */
    cr_model *model;
    cr_engine engine;
    int engine_ok;
    unsigned char *buf;
    size_t cap, len;
    cr_diag diag;
} worker;

typedef struct {
    cr_i_run_state *R;
    const cr_run_opts *o;
    int threads_inner;
    int rank, nranks;
    cr_journal *jn; /* rank 0 */
    cr_progress prog;
    size_t done;  /* units finished by this process (rank 0: received too) */
    cr_status st; /* the first error */
    cr_diag diag;
    volatile int failed;
    unsigned char *rbuf; /* rank 0: receive buffer */
    size_t rcap;
    int ends; /* rank 0: workers that ended */
    int interrupted;
} runner;

static int stop_or_progress(void *ctx, int t)
{
    (void)t;
    (void)ctx;
    return stop_requested != 0;
}

static void worker_free(worker *w)
{
    cr_model_free(&w->model);
    if (w->engine_ok)
        cr_engine_destroy(&w->engine);
    free(w->cellp);
    free(w->modelp);
    free(w->buf);
    memset(w, 0, sizeof *w);
}

/* Runs unit u and packs its record into w->buf. */
static cr_status run_unit(runner *X, worker *w, size_t u)
{
    cr_i_run_state *R = X->R;
    size_t c = u / R->nrep, r = u % R->nrep;
    cr_diag *d = &w->diag;
    cr_status st = CR_OK;
    if (!w->cellp &&
        (!(w->cellp = malloc(sizeof *w->cellp)) || !(w->modelp = malloc(sizeof *w->modelp))))
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (!w->engine_ok) {
        if ((st = cr_engine_init(&w->engine, X->threads_inner)) != CR_OK)
            return cr_diag_set(d, st, "cannot start %d threads", X->threads_inner);
        w->engine_ok = 1;
    }
    if ((st = cr_design_cell_params(&R->g, R->p, c, w->cellp, d)) != CR_OK)
        return st;
    if (!w->model || memcmp(w->cellp, w->modelp, sizeof *w->cellp) != 0) {
        cr_model_free(&w->model);
        cr_params *t = w->modelp;
        w->modelp = w->cellp;
        w->cellp = t;
        if ((st = cr_model_create(w->modelp, &w->model, d)) != CR_OK)
            return st;
    }
    cr_model *m = w->model;
    m->on_period = stop_or_progress;
    m->on_period_ctx = X;
    st = cr_model_run_unit(m, &w->engine, cr_mode_find(R->names[c]), r, d);
    m->on_period = NULL;
    if (st != CR_OK)
        return st;
    cr_unitrec rec = {
        .cell = (uint32_t)c,
        .replication = (uint32_t)r,
        .nmetrics = CR_METRIC_COUNT,
        .nperiods = (uint32_t)R->periods,
        .values = m->values,
    };
    if (R->p->output.events) {
        for (size_t i = 0; i < m->nevents; i++) {
            m->events[i].cell = (uint32_t)c;
            m->events[i].replication = (uint32_t)r;
        }
        rec.nevents = m->nevents;
        rec.events = m->events;
    }
    double *edges = NULL, *deg = NULL;
    if (R->net_out && c == 0) {
        rec.nnet = CR_NET_INFO_COUNT;
        rec.net = m->net_info;
        if (r == 0) {
            if ((st = cr_model_network_edges(m, &edges, &rec.edge_rows)) != CR_OK ||
                (st = cr_model_network_degrees(m, &deg, &rec.degree_rows)) != CR_OK) {
                free(edges);
                return cr_diag_set(d, st, "out of memory");
            }
            rec.edges = edges;
            rec.degrees = deg;
        }
    }
    if (m->panel) {
        /* compressed here, by the threads that ran the unit (core/zchunk.h) */
        st = cr_zchunks_make(&rec.panel, m->panel, m->panel_nvar, m->panel_periods, m->panel_n,
                             (int)R->p->output.compression, NAN, X->threads_inner);
        if (st != CR_OK) {
            free(edges);
            free(deg);
            return cr_diag_set(d, st, "out of memory for the panel");
        }
        rec.has_panel = 1;
    }
    st = cr_unitrec_pack(&rec, &w->buf, &w->cap, &w->len, d);
    cr_zchunks_free(&rec.panel);
    free(edges);
    free(deg);
    return st;
}

static void fail(runner *X, cr_status st, const cr_diag *d)
{
    if (X->st == CR_OK || X->st == CR_EINTERRUPTED) {
        if (st != CR_EINTERRUPTED || X->st == CR_OK) {
            X->st = st;
            X->diag = *d;
        }
    }
    if (st != CR_EINTERRUPTED)
        X->failed = 1;
}

/* Rank 0: journals one record. */
static void journal_record(runner *X, const unsigned char *buf, size_t len)
{
    cr_diag d;
    cr_status st = cr_journal_append(X->jn, CR_REC_UNIT, buf, len, &d);
    if (st != CR_OK) {
        fail(X, st, &d);
        return;
    }
    X->done++;
    cr_progress_update(&X->prog, (double)(X->R->ndone + X->done));
    fault_sleep("slow_unit");
}

/* Rank 0: takes the messages workers sent (blocking: until one arrives). */
static void drain(runner *X, int block)
{
    for (;;) {
        size_t len = 0;
        cr_status st = CR_OK;
        cr_diag d;
        int what = cr_cluster_receive(block, &X->rbuf, &X->rcap, &len, &st, &d);
        if (what == 0)
            return;
        if (what == 1) {
            journal_record(X, X->rbuf, len);
        } else {
            X->ends++;
            if (st == CR_EINTERRUPTED)
                X->interrupted = 1;
            else if (st != CR_OK)
                fail(X, st, &d);
        }
        if (block)
            return;
    }
}

/* A finished unit: journalled (rank 0) or sent to rank 0. */
static void deliver(runner *X, worker *w)
{
    if (X->rank == 0) {
        journal_record(X, w->buf, w->len);
        drain(X, 0);
        return;
    }
    cr_diag d;
    cr_status st = cr_cluster_send_record(w->buf, w->len, &d);
    if (st != CR_OK)
        fail(X, st, &d);
    else
        X->done++;
}

/* Runs this process's share of the pending units. */
static void run_units(runner *X, const size_t *mine, size_t n, int units_threads)
{
#pragma omp parallel num_threads(units_threads) default(none) shared(X, mine, n, stop_requested)
    {
        worker w;
        memset(&w, 0, sizeof w);
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            if (stop_requested || X->failed)
                continue;
            cr_status st = run_unit(X, &w, mine[i]);
#pragma omp critical(cr_runner_deliver)
            {
                if (st == CR_OK)
                    deliver(X, &w);
                else
                    fail(X, st, &w.diag);
            }
        }
        worker_free(&w);
    }
}

/* ------------------------------------------------------------------ the run */

static cr_status complete_summary(cr_i_run_state *R, const cr_run_opts *o, cr_run_summary *sum,
                                  cr_diag *d);

/* After a failed write: where the finished units are and how to continue. */
static void resume_hint(cr_diag *d, const cr_i_run_state *R)
{
    char hint[5120];
    snprintf(hint, sizeof hint,
             "; the %zu finished unit(s) are saved in %s: once the cause is fixed, "
             "`credere run ... --resume` continues",
             R->ndone, R->jpath);
    diag_append(d, hint);
}

static cr_status run_experiment(const cr_run_opts *o, cr_run_summary *sum, cr_diag *d);

cr_status cr_run_experiment(const cr_run_opts *o, cr_run_summary *sum, cr_diag *d)
{
    cr_results_setup();
    struct sigaction old;
    int restore = cr_i_run_xfsz_ignore(&old);
    cr_status st = run_experiment(o, sum, d);
    if (restore)
        sigaction(SIGXFSZ, &old, NULL);
    return st;
}

static cr_status run_experiment(const cr_run_opts *o, cr_run_summary *sum, cr_diag *d)
{
    const cr_params *p = o->params;
    memset(sum, 0, sizeof *sum);
    stop_requested = 0;
    double t0 = cr_now();
    const int rank = cr_cluster_rank(), nranks = cr_cluster_size();
    sum->rank = rank;
    (void)cr_params_schema(); /* built once, before any thread */

    cr_i_run_state R;
    cr_status st =
        cr_i_run_state_init(&R, p, o->config_yaml, o->out_path, o->shard_index, o->shard_count, d);
    if (st != CR_OK) {
        cr_cluster_bcast_status(&st, d);
        return st;
    }
    char shard[64] = "";
    if (o->shard_count > 0)
        snprintf(shard, sizeof shard, "%d/%d", o->shard_index, o->shard_count);

    /* rank 0: the journal (new or continued) and the file of what is done so far */
    runner X;
    memset(&X, 0, sizeof X);
    X.R = &R;
    X.o = o;
    X.rank = rank;
    X.nranks = nranks;
    int already_complete = 0;
    if (rank == 0) {
        struct stat sb;
        int have_out = stat(o->out_path, &sb) == 0, have_journal = stat(R.jpath, &sb) == 0;
        if (o->resume && !have_journal && have_out) {
            st = complete_summary(&R, o, sum, d); /* a finished run: nothing to do */
            already_complete = st == CR_OK;
        } else if (o->resume && !have_journal) {
            st = cr_diag_set(d, CR_EINPUT,
                             "%s: nothing to resume: neither it nor %s exists (run without "
                             "--resume to start)",
                             o->out_path, R.jpath);
        } else if (o->resume) {
            int torn = 0;
            st = cr_journal_scan(R.jpath, R.identity, visit_record, &R, NULL, &torn, d);
            if (st == CR_OK)
                st = cr_journal_open(R.jpath, R.identity, &X.jn, d);
            char line[256], now[32];
            cr_i_run_utc_now(now, sizeof now);
            snprintf(line, sizeof line,
                     "%s resumed: %zu of %zu units done, %d thread(s), %d rank(s)%s", now, R.ndone,
                     cr_i_run_shard_units(&R), o->threads, nranks,
                     torn ? "; a torn record of a killed write was cut off" : "");
            if (st == CR_OK)
                st = cr_journal_append(X.jn, CR_REC_NOTE, line, strlen(line), d);
            if (st == CR_OK)
                cr_i_run_history_add(&R, line);
        } else if (!o->force && (have_out || have_journal)) {
            st = have_journal
                     ? cr_diag_set(d, CR_EEXIST,
                                   "%s: an unfinished run's journal exists: --resume continues "
                                   "it, --force starts over",
                                   R.jpath)
                     : cr_diag_set(d, CR_EEXIST,
                                   "%s: output exists; use --force to replace it or --resume "
                                   "to continue it (nothing was written)",
                                   o->out_path);
        } else {
            st = cr_journal_create(R.jpath, R.identity, &X.jn, d);
            char line[256], now[32];
            cr_i_run_utc_now(now, sizeof now);
            snprintf(line, sizeof line, "%s started: %zu units%s%s, %d thread(s), %d rank(s)", now,
                     cr_i_run_shard_units(&R), shard[0] ? " of shard " : "", shard, o->threads,
                     nranks);
            if (st == CR_OK)
                st = cr_journal_append(X.jn, CR_REC_NOTE, line, strlen(line), d);
            if (st == CR_OK)
                cr_i_run_history_add(&R, line);
        }
        /* the file as it stands, status running; not when every unit is done (the
         * final file follows at once) nor over a complete file (kept until this run
         * completes) */
        if (st == CR_OK && !already_complete && R.ndone < cr_i_run_shard_units(&R) &&
            !cr_results_is_complete(o->out_path)) {
            st =
                cr_i_run_assemble(&R, o->out_path, o->command_line, o->config_yaml, o->threads,
                                  "running", shard, journal_source, &R, sum, d, CR_I_ASM_ABORTABLE);
            if (st == CR_EINTERRUPTED)
                cr_diag_set(d, st,
                            "%s: interrupted while writing it at the start: %zu of %zu units are "
                            "saved in %s and `credere run ... --resume` continues",
                            o->out_path, R.ndone, cr_i_run_shard_units(&R), R.jpath);
            else
                cr_run_summary_free(sum);
        }
        if (st != CR_OK && st != CR_EINTERRUPTED && X.jn)
            resume_hint(d, &R);
    }
    int flags[2] = {st, already_complete};
    cr_cluster_bcast_bytes(flags, sizeof flags);
    if (flags[0] != CR_OK || flags[1]) {
        cr_status bst = (cr_status)flags[0];
        cr_cluster_bcast_status(&bst, d);
        if (rank == 0)
            cr_journal_close(&X.jn, NULL);
        cr_i_run_state_free(&R);
        return rank == 0 ? st : bst;
    }

    /* every rank: the pending units of this shard, dealt round-robin over ranks */
    uint8_t *done = calloc(R.total + 1, 1);
    size_t *mine = malloc((R.total + 1) * sizeof *mine), nmine = 0, npending = 0;
    if (!done || !mine) {
        free(done);
        free(mine);
        cr_i_run_state_free(&R);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    for (size_t u = 0; rank == 0 && u < R.total; u++)
        done[u] = R.offset[u] != CR_I_NO_RECORD;
    cr_cluster_bcast_bytes(done, R.total);
    for (size_t u = 0; u < R.total; u++) {
        if (!in_shard(&R, u) || done[u])
            continue;
        if (npending++ % (size_t)nranks == (size_t)rank)
            mine[nmine++] = u;
    }
    free(done);

    /* threads: several units at once, or one unit's agents */
    int parallel = o->parallel;
    if (parallel == CR_PARALLEL_AUTO)
        parallel = o->threads > 1 && p->population.smes <= CR_PARALLEL_UNITS_MAX_SMES &&
                           nmine >= 2 * (size_t)o->threads
                       ? CR_PARALLEL_UNITS
                       : CR_PARALLEL_AGENTS;
    sum->parallel = parallel;
    X.threads_inner = parallel == CR_PARALLEL_UNITS ? 1 : o->threads;
    if (rank == 0)
        cr_progress_start(&X.prog, o->progress, cr_i_run_shard_units(&R), o->progress == NULL);
    if (rank == 0)
        cr_progress_update(&X.prog, (double)R.ndone);
    run_units(&X, mine, nmine, parallel == CR_PARALLEL_UNITS ? o->threads : 1);
    free(mine);
    if (stop_requested && X.st == CR_OK)
        X.interrupted = 1;

    if (rank != 0) { /* a worker: report the end to rank 0 */
        cr_status wst = X.st != CR_OK ? X.st : X.interrupted ? CR_EINTERRUPTED : CR_OK;
        cr_cluster_send_end(wst, &X.diag);
        cr_status fst = CR_OK;
        cr_cluster_bcast_status(&fst, d);
        cr_i_run_state_free(&R);
        sum->units_done = X.done;
        return fst;
    }
    while (X.ends < nranks - 1)
        drain(&X, 1);
    cr_progress_finish(&X.prog, R.ndone + X.done);

    /* rank 0: the final file from the whole journal */
    size_t before = R.ndone;
    for (size_t u = 0; u < R.total; u++)
        R.offset[u] = CR_I_NO_RECORD;
    R.ndone = 0;
    R.hlen = 0;
    if (R.history)
        R.history[0] = '\0';
    if (X.st == CR_EINTERRUPTED)
        X.interrupted = 1;
    int complete = 0;
    if (X.st == CR_OK || X.st == CR_EINTERRUPTED) {
        st = cr_journal_scan(R.jpath, R.identity, visit_record, &R, NULL, NULL, d);
        complete = st == CR_OK && R.ndone == cr_i_run_shard_units(&R);
        if (st == CR_OK && !complete) {
            char line[256], now[32];
            cr_i_run_utc_now(now, sizeof now);
            snprintf(line, sizeof line, "%s interrupted: %zu of %zu units done", now, R.ndone,
                     cr_i_run_shard_units(&R));
            cr_i_run_history_add(&R, line);
            cr_journal_append(X.jn, CR_REC_NOTE, line, strlen(line), d);
        }
    } else {
        *d = X.diag;
        st = X.st;
        cr_diag tmp;
        if (cr_journal_scan(R.jpath, R.identity, visit_record, &R, NULL, NULL, &tmp) != CR_OK)
            R.ndone = 0;
        char line[256], now[32];
        cr_i_run_utc_now(now, sizeof now);
        snprintf(line, sizeof line, "%s failed: %zu of %zu units done (%s)", now, R.ndone,
                 cr_i_run_shard_units(&R), cr_status_message(st));
        cr_i_run_history_add(&R, line);
        cr_journal_append(X.jn, CR_REC_NOTE, line, strlen(line), &tmp); /* best effort */
    }
    cr_journal_close(&X.jn, NULL);
    /* The finished file, or the file of what is done (never over a complete file: a run
     * with --force keeps the earlier file until it completes). A stop request while the
     * finished file is written abandons it: the journal has every unit, and --resume
     * writes it. */
    cr_diag ad;
    int kept = !complete && cr_results_is_complete(o->out_path);
    cr_status ast = cr_i_run_assemble(&R, o->out_path, o->command_line, o->config_yaml, o->threads,
                                      complete      ? "complete"
                                      : st == CR_OK ? "interrupted"
                                                    : "failed",
                                      shard, journal_source, &R, sum, &ad,
                                      complete ? CR_I_ASM_ABORTABLE
                                      : kept   ? CR_I_ASM_SUMMARY
                                               : 0);
    if (ast == CR_OK && complete)
        remove(R.jpath);
    if (st == CR_OK && ast == CR_EINTERRUPTED) {
        st = ast;
        cr_diag_set(d, st,
                    "%s: interrupted while writing it: all %zu units are saved in %s and "
                    "`credere run ... --resume` writes the file",
                    o->out_path, R.ndone, R.jpath);
    } else if (st == CR_OK && ast != CR_OK) {
        st = ast;
        *d = ad;
    }
    if (st == CR_OK && !complete) {
        st = CR_EINTERRUPTED;
        cr_diag_set(d, st,
                    "%s: interrupted after %zu of %zu units (%zu this time); completed units are "
                    "saved%s and `credere run ... --resume` continues",
                    o->out_path, R.ndone, cr_i_run_shard_units(&R), R.ndone - before,
                    kept ? " in its journal (the file still holds an earlier complete run, kept "
                           "until this one completes)"
                         : "");
    }
    if (st != CR_OK && st != CR_EINTERRUPTED) {
        if (kept)
            diag_append(d, " (the file still holds an earlier complete run)");
        resume_hint(d, &R);
    }
    sum->parallel = parallel;
    sum->rank = 0;
    sum->seconds = cr_now() - t0;
    sum->sme_periods = (double)X.done * (double)R.periods * (double)p->population.smes;
    cr_status fst = st;
    cr_cluster_bcast_status(&fst, d);
    free(X.rbuf);
    cr_i_run_state_free(&R);
    return st;
}

int cr_i_run_file_source(void *ctx, size_t u, cr_unitrec *rec, cr_status *st, cr_diag *d)
{
    cr_i_run_file_src *F = ctx;
    cr_i_run_state *R = F->R;
    if (!cr_results_read_done(F->rd)[u])
        return 0;
    memset(rec, 0, sizeof *rec);
    rec->cell = (uint32_t)(u / R->nrep);
    rec->replication = (uint32_t)(u % R->nrep);
    rec->nmetrics = CR_METRIC_COUNT;
    rec->nperiods = (uint32_t)R->periods;
    rec->values = malloc(CR_METRIC_COUNT * R->periods * sizeof *rec->values);
    if (!rec->values) {
        *st = cr_diag_set(d, CR_ENOMEM, "out of memory");
        return 0;
    }
    *st = cr_results_read_unit(F->rd, rec->cell, rec->replication, CR_METRIC_COUNT,
                               cr_metric_table(), rec->values, d);
    if (*st != CR_OK)
        cr_unitrec_free(rec);
    return *st == CR_OK;
}

/* Checks that a results file holds this experiment's design. */
cr_status cr_i_run_same_experiment(const cr_i_run_state *R, cr_results_reader *rd, const char *path,
                                   const char *config_yaml, cr_diag *d)
{
    if (strcmp(cr_results_read_attr(rd, "config"), config_yaml) != 0)
        return cr_diag_set(d, CR_ECONFIG,
                           "%s: holds another experiment (its resolved configuration differs)",
                           path);
    if (cr_results_read_ncells(rd) != R->ncells || cr_results_read_nreplications(rd) != R->nrep ||
        cr_results_read_nperiods(rd) != R->periods)
        return cr_diag_set(d, CR_EINPUT, "%s: its shape differs from the experiment's", path);
    return CR_OK;
}

static cr_status complete_summary(cr_i_run_state *R, const cr_run_opts *o, cr_run_summary *sum,
                                  cr_diag *d)
{
    cr_results_reader *rd = NULL;
    cr_status st = cr_results_read_open(o->out_path, &rd, d);
    if (st == CR_OK)
        st = cr_i_run_same_experiment(R, rd, o->out_path, o->config_yaml, d);
    if (st == CR_OK && strcmp(cr_results_read_attr(rd, "status"), "complete") != 0)
        st = cr_diag_set(d, CR_EINPUT,
                         "%s: status '%s' and no journal %s to continue from: run it again with "
                         "--force",
                         o->out_path, cr_results_read_attr(rd, "status"), R->jpath);
    double *m2 = NULL;
    if (st == CR_OK)
        st = cr_i_run_summary_init(sum, R, &m2, d);
    cr_i_run_file_src F = {R, rd};
    for (size_t u = 0; st == CR_OK && u < R->total; u++) {
        cr_unitrec rec;
        if (!cr_i_run_file_source(&F, u, &rec, &st, d))
            continue;
        cr_i_run_summary_add(sum, m2, rec.cell, rec.values, R->periods,
                             (size_t)R->p->experiment.burn_in);
        sum->units_done++;
        cr_unitrec_free(&rec);
    }
    if (m2)
        cr_i_run_summary_finish(sum, R, m2);
    cr_results_read_close(&rd);
    return st;
}
