#include "experiments/bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <omp.h>

#include "core/loop.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/world.h"
#include "experiments/roofline.h"
#include "experiments/runner.h"
#include "models/mode.h"
#include "models/model.h"
#include "models/strategy.h"

/* ------------------------------------------------------------------ scenarios */

static const char *const no_sets[] = {NULL};

/* Guarantee circles of five covering whole losses (experiments/contagion.yaml) and
 * the behaviour section of experiments/strategic.yaml: keep the three in step. */
static const char *const stress_sets[] = {
    "network.generator=groups",
    "network.group_size=5",
    "network.coverage=1",
    "behaviour.risk.rule=imitation",
    "behaviour.risk.risky_success=0.85",
    "behaviour.risk.risky_return=1.22",
    "behaviour.risk.initial_share=0.3",
    "behaviour.repayment.rule=best_response",
    "behaviour.repayment.penalty=0.95",
    "behaviour.repayment.discount=0.9",
    "behaviour.repayment.return_spread=0.1",
    "behaviour.repayment.sanction=0.3",
    "behaviour.monitoring.rule=best_response",
    "behaviour.monitoring.cost=0.005",
    "behaviour.monitoring.effect=0.8",
    "behaviour.channel.rule=logit",
    "behaviour.channel.intensity=50",
    "behaviour.channel.memory=0.3",
    "behaviour.channel.initial=0.02",
    "behaviour.records.sharing=shared",
    "behaviour.records.prior_strength=20",
    "behaviour.records.switch_probability=0.2",
    "behaviour.learning.revision_rate=0.1",
    "behaviour.learning.payoff_range=0.05",
    NULL,
};

static const cr_bench_scenario sc_direct = {"direct", "direct", no_sets, "direct bank lending"};
static const cr_bench_scenario sc_alliance = {"alliance", "alliance", no_sets,
                                              "the credit alliance"};
static const cr_bench_scenario sc_stress = {
    "stress", "alliance", stress_sets,
    "the alliance with guarantee circles of five (contagion) and every strategic behaviour "
    "of experiments/strategic.yaml"};

static const cr_bench_scenario *const scenarios[] = {&sc_direct, &sc_alliance, &sc_stress, NULL};

const cr_bench_scenario *const *cr_bench_scenarios(void)
{
    return scenarios;
}

int cr_bench_scenario_get(const char *name, cr_bench_scenario *out)
{
    for (int k = 0; scenarios[k]; k++)
        if (strcmp(scenarios[k]->name, name) == 0) {
            *out = *scenarios[k];
            return 0;
        }
    const cr_mode_type *m = cr_mode_find(name);
    if (!m)
        return -1;
    *out = (cr_bench_scenario){m->name, m->name, no_sets, "a financing mode"};
    return 0;
}

/* ------------------------------------------------------------------ in memory */

typedef struct {
    double setup, seconds;
    uint64_t streams, draws;
    size_t block;
} mem_run;

static void add_counts(const cr_engine *e, mem_run *mr)
{
    for (int k = 0; k < e->threads; k++) {
        uint64_t s, dr;
        cr_rng_gsl_counts(e->rng[k], &s, &dr);
        mr->streams += s;
        mr->draws += dr;
    }
}

static void reset_counts(cr_engine *e)
{
    for (int k = 0; k < e->threads; k++)
        cr_rng_gsl_counts_reset(e->rng[k]);
}

/* One model, the units one after another, each with its agents over the threads. */
static cr_status memory_agents(const cr_params *p, const cr_mode_type *mode, int threads,
                               mem_run *mr, cr_diag *d)
{
    cr_model *m = NULL;
    cr_engine e = {0};
    double ts = cr_now();
    cr_status st = cr_model_create(p, &m, d);
    if (st == CR_OK && (st = cr_engine_init(&e, threads)) != CR_OK)
        cr_diag_set(d, st, "cannot start %d threads", threads);
    if (st == CR_OK)
        reset_counts(&e);
    double t0 = cr_now();
    for (int64_t rep = 0; st == CR_OK && rep < p->experiment.replications; rep++)
        st = cr_model_run_unit(m, &e, mode, (uint64_t)rep, d);
    mr->setup = t0 - ts;
    mr->seconds = cr_now() - t0;
    if (st == CR_OK) {
        add_counts(&e, mr);
        mr->block = e.block;
    }
    if (e.rng)
        cr_engine_destroy(&e);
    cr_model_free(&m);
    return st;
}

/* Several units at once: each thread its own model and an engine of one thread (as
 * the batch runner's --parallel units), the units dealt out one at a time. */
static cr_status memory_units(const cr_params *p, const cr_mode_type *mode, int threads,
                              mem_run *mr, cr_diag *d)
{
    const int64_t reps = p->experiment.replications;
    cr_model **models = calloc((size_t)threads, sizeof *models);
    cr_engine *engines = calloc((size_t)threads, sizeof *engines);
    cr_diag *diags = calloc((size_t)threads, sizeof *diags);
    cr_status *sts = calloc((size_t)threads, sizeof *sts);
    if (!models || !engines || !diags || !sts) {
        free(models);
        free(engines);
        free(diags);
        free(sts);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    double ts = cr_now(), t0 = ts;
#pragma omp parallel num_threads(threads) default(none)                                            \
    shared(p, mode, models, engines, diags, sts, t0, reps)
    {
        const int tid = omp_get_thread_num();
        cr_status s = cr_model_create(p, &models[tid], &diags[tid]);
        if (s == CR_OK && (s = cr_engine_init(&engines[tid], 1)) != CR_OK)
            cr_diag_set(&diags[tid], s, "cannot start a thread");
        if (s == CR_OK)
            reset_counts(&engines[tid]);
        sts[tid] = s;
#pragma omp barrier
#pragma omp master
        t0 = cr_now();
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
        for (int64_t rep = 0; rep < reps; rep++)
            if (sts[tid] == CR_OK)
                sts[tid] =
                    cr_model_run_unit(models[tid], &engines[tid], mode, (uint64_t)rep, &diags[tid]);
    }
    double t1 = cr_now();
    cr_status st = CR_OK;
    for (int k = 0; k < threads; k++) {
        if (st == CR_OK && sts[k] != CR_OK) {
            st = sts[k];
            if (d)
                *d = diags[k];
        }
        if (engines[k].rng) {
            add_counts(&engines[k], mr);
            mr->block = engines[k].block;
            cr_engine_destroy(&engines[k]);
        }
        cr_model_free(&models[k]);
    }
    mr->setup = t0 - ts;
    mr->seconds = t1 - t0;
    free(models);
    free(engines);
    free(diags);
    free(sts);
    return st;
}

/* ------------------------------------------------------------------ with output */

/* The whole batch run into a temporary results file; its wall time in *secs. */
static cr_status output_run(const cr_bench_opts *o, int parallel, double *secs, cr_diag *d)
{
    if (!o->config_yaml)
        return cr_diag_set(d, CR_EINVAL, "bench: an output run needs the resolved experiment");
    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200], journal[4300];
    snprintf(dir, sizeof dir, "%s/credere-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return cr_diag_set(d, CR_EIO, "%s: cannot create a temporary directory", dir);
    snprintf(path, sizeof path, "%s/bench.h5", dir);
    cr_run_journal_path(path, journal, sizeof journal);
    cr_run_opts ro = {
        .params = o->params,
        .config_yaml = o->config_yaml,
        .command_line = "credere bench",
        .out_path = path,
        .force = true,
        .threads = o->threads,
        .parallel = parallel,
        .progress = NULL,
    };
    cr_run_summary sum;
    double t0 = cr_now();
    cr_status st = cr_run_experiment(&ro, &sum, d);
    *secs = cr_now() - t0;
    cr_run_summary_free(&sum);
    remove(path);
    remove(journal);
    rmdir(dir);
    return st;
}

/* ------------------------------------------------------------------ the benchmark */

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

cr_status cr_bench_run(const cr_bench_opts *o, cr_bench_result *r, cr_diag *d)
{
    const cr_params *p = o->params;
    const cr_mode_type *mode = cr_mode_find(o->mode);
    if (!mode)
        return cr_diag_set(d, CR_EUSAGE, "unknown mode '%s'", o->mode);
    if (o->threads < 1)
        return cr_diag_set(d, CR_EINVAL, "bench: threads must be positive");
    const int64_t reps = p->experiment.replications;
    int parallel = o->parallel;
    if (parallel == CR_PARALLEL_AUTO) /* the runner's choice (experiments/runner.c) */
        parallel = o->threads > 1 && p->population.smes <= CR_PARALLEL_UNITS_MAX_SMES &&
                           reps >= 2 * (int64_t)o->threads
                       ? CR_PARALLEL_UNITS
                       : CR_PARALLEL_AGENTS;

    /* in memory; with output, the same experiment without a panel */
    cr_params *ref = malloc(sizeof *ref);
    if (!ref)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    *ref = *p;
    if (o->output != CR_BENCH_OUTPUT_NONE)
        ref->output.panel.smes = 0;
    mem_run mr = {0};
    cr_status st = parallel == CR_PARALLEL_UNITS ? memory_units(ref, mode, o->threads, &mr, d)
                                                 : memory_agents(ref, mode, o->threads, &mr, d);
    free(ref);
    if (st != CR_OK)
        return st;

    memset(r, 0, sizeof *r);
    r->scenario = o->scenario ? o->scenario : mode->name;
    r->mode = mode->name;
    r->smes = (size_t)p->population.smes;
    r->periods = (int)p->experiment.periods;
    r->threads = o->threads;
    r->replications = (int)reps;
    r->parallel = parallel;
    r->output = o->output;
    r->block = mr.block;
    r->setup_seconds = mr.setup;
    r->memory_seconds = mr.setup + mr.seconds;
    const double work = (double)r->smes * r->periods * r->replications;
    r->streams_per_sme_period = (double)mr.streams / work;
    r->draws_per_sme_period = (double)mr.draws / work;
    /* the world's arrays, and the behaviour state when some rule is on */
    r->bytes_per_sme = cr_world_bytes_per_sme() +
                       (cr_behaviour_any(&p->behaviour) ? cr_strategy_bytes_per_sme() : 0);
    r->seconds = mr.seconds;
    r->output_share = NAN;
    if (o->output != CR_BENCH_OUTPUT_NONE) {
        double secs = 0.0;
        if ((st = output_run(o, parallel, &secs, d)) != CR_OK)
            return st;
        r->seconds = secs;
        r->output_share = 1.0 - r->memory_seconds / secs;
    }
    r->sme_periods_per_sec = work / r->seconds;
    r->ns_per_sme_period = r->seconds * r->threads / work * 1e9;
    r->peak_rss_mb = peak_rss_mb();

    r->roofline_rate = NAN;
    r->roofline_fraction = NAN;
    if (o->roofline) {
        cr_roofline_opts ro = {
            .smes = r->smes,
            .periods = r->periods,
            .replications = r->replications,
            .threads = r->threads,
            .units = parallel == CR_PARALLEL_UNITS,
            .block = r->block,
            .streams_per_sme_period = r->streams_per_sme_period,
            .draws_per_sme_period = r->draws_per_sme_period,
            .bytes_per_sme = r->bytes_per_sme,
        };
        cr_roofline_result rr;
        if ((st = cr_roofline_run(&ro, &rr, d)) != CR_OK)
            return st;
        r->roofline_rate = rr.sme_periods_per_sec;
        r->roofline_fraction = r->sme_periods_per_sec / rr.sme_periods_per_sec;
    }
    return CR_OK;
}

static const char *output_name(int output)
{
    return output == CR_BENCH_OUTPUT_PANEL     ? "panel"
           : output == CR_BENCH_OUTPUT_METRICS ? "metrics"
                                               : "none";
}

void cr_bench_print_header(FILE *out)
{
    fprintf(out, "%-15s %9s %7s %7s %5s %-6s %9s %13s %13s %9s %8s %10s %8s %-7s %9s %11s %8s\n",
            "scenario", "smes", "periods", "threads", "reps", "par", "seconds", "SME-periods/s",
            "ns/SME-period", "bytes/SME", "RSS-MB", "streams/SP", "draws/SP", "output", "out-share",
            "roofline/s", "roofline");
}

void cr_bench_print_row(const cr_bench_result *r, FILE *out)
{
    char share[32] = "-", roof[32] = "-", frac[32] = "-";
    if (!isnan(r->output_share))
        snprintf(share, sizeof share, "%.3f", r->output_share);
    if (!isnan(r->roofline_rate)) {
        snprintf(roof, sizeof roof, "%.4g", r->roofline_rate);
        snprintf(frac, sizeof frac, "%.3f", r->roofline_fraction);
    }
    fprintf(out,
            "%-15s %9zu %7d %7d %5d %-6s %9.3f %13.4g %13.1f %9zu %8.1f %10.3f %8.3f %-7s %9s "
            "%11s %8s\n",
            r->scenario, r->smes, r->periods, r->threads, r->replications,
            r->parallel == CR_PARALLEL_UNITS ? "units" : "agents", r->seconds,
            r->sme_periods_per_sec, r->ns_per_sme_period, r->bytes_per_sme, r->peak_rss_mb,
            r->streams_per_sme_period, r->draws_per_sme_period, output_name(r->output), share, roof,
            frac);
}
