/* credere-roofline: the roofline reference of the benchmarks on its own
 * (experiments/roofline.h; `credere bench` runs the same function beside each
 * scenario). Usage:
 *   credere-roofline [--smes N] [--periods T] [--replications R] [--threads T1,T2,...]
 *                    [--parallel agents|units] [--streams S] [--draws D] [--bytes B]
 *                    [--block K]
 * S and D are per SME-period (may be fractional), B bytes of state per SME. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/blocks.h"
#include "experiments/roofline.h"

static int usage(const char *why, const char *arg)
{
    fprintf(stderr, "credere-roofline: %s%s%s\n", why, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: credere-roofline [--smes N] [--periods T] [--replications R]\n"
                    "                        [--threads T1,T2,...] [--parallel agents|units]\n"
                    "                        [--streams S] [--draws D] [--bytes B] [--block K]\n");
    return 2;
}

static int parse_long(const char *s, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_real(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0))
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    /* defaults: about the direct mode's counts at the time of writing */
    long smes = 1000000, periods = 20, reps = 1, block = CR_BLOCK, bytes = 131;
    long threads[16] = {1, omp_get_max_threads()};
    int nthreads = threads[1] > 1 ? 2 : 1, units = 0;
    double streams = 3.0, draws = 4.0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            printf("usage: credere-roofline [--smes N] [--periods T] [--replications R]\n"
                   "                        [--threads T1,T2,...] [--parallel agents|units]\n"
                   "                        [--streams S] [--draws D] [--bytes B] [--block K]\n\n"
                   "The least work of S random streams, D raw draws and B bytes of state read\n"
                   "and written per SME-period (bench/README.md). Defaults: 10^6 SMEs, 20\n"
                   "periods, 1 replication, 1 and all threads, agents, S 3, D 4, B 131,\n"
                   "block %d.\n",
                   CR_BLOCK);
            return 0;
        }
        if (!v)
            return usage("missing the value of", s);
        i++;
        int bad = 0;
        if (strcmp(s, "--smes") == 0)
            bad = parse_long(v, 2000000000L, &smes);
        else if (strcmp(s, "--periods") == 0)
            bad = parse_long(v, 1000000L, &periods);
        else if (strcmp(s, "--replications") == 0)
            bad = parse_long(v, 1000000L, &reps);
        else if (strcmp(s, "--block") == 0)
            bad = parse_long(v, 1L << 30, &block);
        else if (strcmp(s, "--bytes") == 0)
            bad = strcmp(v, "0") == 0 ? (bytes = 0, 0) : parse_long(v, 65536, &bytes);
        else if (strcmp(s, "--streams") == 0)
            bad = parse_real(v, &streams);
        else if (strcmp(s, "--draws") == 0)
            bad = parse_real(v, &draws);
        else if (strcmp(s, "--parallel") == 0) {
            units = strcmp(v, "units") == 0;
            bad = !units && strcmp(v, "agents") != 0;
        } else if (strcmp(s, "--threads") == 0) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", v);
            nthreads = 0;
            for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && !bad;
                 tok = strtok_r(NULL, ",", &save))
                bad = nthreads == 16 || parse_long(tok, 4096, &threads[nthreads++]);
            bad |= nthreads == 0;
        } else
            return usage("unknown option", s);
        if (bad)
            return usage("bad value of", s);
    }
    printf("%9s %7s %7s %5s %-6s %10s %8s %9s %9s %13s %13s %20s\n", "smes", "periods", "threads",
           "reps", "par", "streams/SP", "draws/SP", "bytes/SME", "seconds", "SME-periods/s",
           "ns/SME-period", "checksum");
    for (int k = 0; k < nthreads; k++) {
        cr_roofline_opts o = {
            .smes = (size_t)smes,
            .periods = (int)periods,
            .replications = (int)reps,
            .threads = (int)threads[k],
            .units = units,
            .block = (size_t)block,
            .streams_per_sme_period = streams,
            .draws_per_sme_period = draws,
            .bytes_per_sme = (size_t)bytes,
        };
        cr_roofline_result r;
        cr_diag d;
        cr_diag_clear(&d);
        cr_status st = cr_roofline_run(&o, &r, &d);
        if (st != CR_OK) {
            fprintf(stderr, "credere-roofline: %s\n", d.msg);
            return cr_status_exit_code(st);
        }
        double work = (double)smes * periods * reps;
        printf("%9ld %7ld %7ld %5ld %-6s %10.3f %8.3f %9ld %9.3f %13.4g %13.1f %20llu\n", smes,
               periods, threads[k], reps, units ? "units" : "agents", (double)r.streams / work,
               (double)r.draws / work, bytes, r.seconds, r.sme_periods_per_sec, r.ns_per_sme_period,
               (unsigned long long)r.checksum);
        fflush(stdout);
    }
    return 0;
}
