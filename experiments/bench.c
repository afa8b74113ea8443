#include "experiments/bench.h"

#include <sys/resource.h>

#include "core/loop.h"
#include "core/progress.h"
#include "core/world.h"
#include "models/mode.h"
#include "models/model.h"
#include "models/strategy.h"

cr_status cr_bench_run(const cr_params *p, const char *mode_name, int threads, cr_bench_result *r,
                       cr_diag *d)
{
    const cr_mode_type *mode = cr_mode_find(mode_name);
    if (!mode)
        return cr_diag_set(d, CR_EUSAGE, "unknown mode '%s'", mode_name);
    cr_model *m = NULL;
    cr_engine e = {0};
    cr_status st = cr_model_create(p, &m, d);
    if (st == CR_OK && (st = cr_engine_init(&e, threads)) != CR_OK)
        cr_diag_set(d, st, "cannot start %d threads", threads);
    double t0 = cr_now();
    for (int64_t rep = 0; st == CR_OK && rep < p->experiment.replications; rep++)
        st = cr_model_run_unit(m, &e, mode, (uint64_t)rep, d);
    double secs = cr_now() - t0;
    cr_engine_destroy(&e);
    cr_model_free(&m);
    if (st != CR_OK)
        return st;
    r->mode = mode->name;
    r->smes = (size_t)p->population.smes;
    r->periods = (int)p->experiment.periods;
    r->threads = threads;
    r->replications = (int)p->experiment.replications;
    r->seconds = secs;
    double work = (double)r->smes * r->periods * r->replications;
    r->sme_periods_per_sec = work / secs;
    r->ns_per_sme_period = secs * threads / work * 1e9;
    /* the world's arrays, and the behaviour state when some rule is on */
    r->bytes_per_sme = cr_world_bytes_per_sme() +
                       (cr_behaviour_any(&p->behaviour) ? cr_strategy_bytes_per_sme() : 0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->peak_rss_mb = (double)ru.ru_maxrss / 1024.0;
    return CR_OK;
}

void cr_bench_print_header(FILE *out)
{
    fprintf(out, "%-20s %10s %7s %7s %4s %10s %14s %14s %10s %12s\n", "mode", "smes", "periods",
            "threads", "reps", "seconds", "SME-periods/s", "ns/SME-period", "bytes/SME",
            "peak RSS MB");
}

void cr_bench_print_row(const cr_bench_result *r, FILE *out)
{
    fprintf(out, "%-20s %10zu %7d %7d %4d %10.3f %14.4g %14.1f %10zu %12.1f\n", r->mode, r->smes,
            r->periods, r->threads, r->replications, r->seconds, r->sme_periods_per_sec,
            r->ns_per_sme_period, r->bytes_per_sme, r->peak_rss_mb);
}
