/* credere bench: the benchmark scenarios (experiments/bench.h) over sizes and
 * thread counts, one table row each. */
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "core/status.h"
#include "cr_buildinfo.h"
#include "experiments/bench.h"
#include "experiments/runner.h"
#include "experiments/setup.h"

int cli_cmd_bench(int argc, char **argv)
{
    enum { MAXLIST = 16 };
    long periods = 20, reps = 1;
    long size_list[MAXLIST] = {100000, 1000000}, thread_list[MAXLIST] = {1, 0};
    int nsizes = 2, nthreads = 0;
    int parallel = CR_PARALLEL_AUTO, output = CR_BENCH_OUTPUT_NONE;
    bool roofline = true;
    char names_arg[1024] = "direct,alliance,stress";
    cli_exp_args extra = {0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(s))
            return cli_print_help("bench");
        if (strcmp(s, "--set") == 0 || strncmp(s, "--set=", 6) == 0) {
            int rc = cli_take_set("bench", argc, argv, &i, &extra);
            if (rc)
                return rc;
        } else if (strcmp(s, "--roofline") == 0 || strcmp(s, "--no-roofline") == 0) {
            roofline = s[2] == 'r';
        } else if (strcmp(s, "--scenario") == 0 || strcmp(s, "--modes") == 0) {
            if (!v)
                return cli_usage_error("bench", "%s needs a comma-separated list of scenarios", s);
            snprintf(names_arg, sizeof names_arg, "%s", argv[++i]);
        } else if (strcmp(s, "--smes") == 0 || strcmp(s, "--threads") == 0) {
            int sm = s[2] == 's', n = 0;
            long *list = sm ? size_list : thread_list;
            char buf[256];
            snprintf(buf, sizeof buf, "%s", v ? v : "");
            for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n <= MAXLIST;
                 tok = strtok_r(NULL, ",", &save), n++)
                if (n == MAXLIST || (list[n] = cli_parse_count(tok, sm ? 2000000000L : 4096)) < 0)
                    n = MAXLIST + 1;
            if (n < 1 || n > MAXLIST)
                return cli_usage_error("bench", "%s needs positive integers separated by commas",
                                       s);
            *(sm ? &nsizes : &nthreads) = n;
            i++;
        } else if (strcmp(s, "--periods") == 0 || strcmp(s, "--replications") == 0) {
            long *target = s[2] == 'p' ? &periods : &reps;
            if (!v || (*target = cli_parse_count(v, 1000000L)) < 0)
                return cli_usage_error("bench", "%s needs a positive integer", s);
            i++;
        } else if (strcmp(s, "--parallel") == 0) {
            if (v && strcmp(v, "auto") == 0)
                parallel = CR_PARALLEL_AUTO;
            else if (v && strcmp(v, "units") == 0)
                parallel = CR_PARALLEL_UNITS;
            else if (v && strcmp(v, "agents") == 0)
                parallel = CR_PARALLEL_AGENTS;
            else
                return cli_usage_error("bench", "%s needs auto, units or agents", s);
            i++;
        } else if (strcmp(s, "--output") == 0) {
            if (v && strcmp(v, "none") == 0)
                output = CR_BENCH_OUTPUT_NONE;
            else if (v && strcmp(v, "metrics") == 0)
                output = CR_BENCH_OUTPUT_METRICS;
            else if (v && strcmp(v, "panel") == 0)
                output = CR_BENCH_OUTPUT_PANEL;
            else
                return cli_usage_error("bench", "%s needs none, metrics or panel", s);
            i++;
        } else {
            return cli_usage_error("bench", "unknown argument '%s'", s);
        }
    }
    cr_bench_scenario scen[CR_STRLIST_MAX];
    int nscen = 0;
    for (char *save = NULL, *tok = strtok_r(names_arg, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (nscen >= CR_STRLIST_MAX)
            return cli_usage_error("bench", "%s", "too many scenarios");
        if (cr_bench_scenario_get(tok, &scen[nscen++]) != 0)
            return cli_usage_error(
                "bench",
                "unknown scenario '%s' (direct, alliance, stress, or a financing "
                "mode: see credere modes)",
                tok);
    }
    if (nscen == 0)
        return cli_usage_error("bench", "%s", "--scenario needs at least one name");
    if (nthreads == 0) { /* 1 and all threads */
        int maxthreads = omp_get_max_threads();
        thread_list[1] = maxthreads;
        nthreads = maxthreads > 1 ? 2 : 1;
    }
    printf("credere %s (%s), %s, %s build; %d threads available\n", CR_VERSION_STRING,
           CR_GIT_REVISION, CR_COMPILER, CR_BUILD_TYPE, omp_get_max_threads());
    cr_bench_print_header(stdout);
    fflush(stdout);
    for (int ci = 0; ci < nscen; ci++) {
        for (int si = 0; si < nsizes; si++) {
            for (int ti = 0; ti < nthreads; ti++) {
                enum { FIXED = 8, SCEN_MAX = 64 };
                const char *sets[FIXED + SCEN_MAX + CLI_MAX_SETS];
                int n = 0;
                char set_smes[64], set_periods[64], set_reps[64], set_modes[128], set_panel[64];
                snprintf(set_smes, sizeof set_smes, "population.smes=%ld", size_list[si]);
                snprintf(set_periods, sizeof set_periods, "experiment.periods=%ld", periods);
                snprintf(set_reps, sizeof set_reps, "experiment.replications=%ld", reps);
                snprintf(set_modes, sizeof set_modes, "modes=[%s]", scen[ci].mode);
                snprintf(set_panel, sizeof set_panel, "output.panel.smes=%ld", size_list[si]);
                sets[n++] = set_smes;
                sets[n++] = set_periods;
                sets[n++] = set_reps;
                sets[n++] = "experiment.burn_in=0";
                sets[n++] = set_modes;
                for (int k = 0; scen[ci].sets[k] && k < SCEN_MAX; k++)
                    sets[n++] = scen[ci].sets[k];
                if (output == CR_BENCH_OUTPUT_PANEL) { /* 3 variables, every period */
                    sets[n++] = set_panel;
                    sets[n++] = "output.panel.every=1";
                    sets[n++] = "output.panel.variables=[pd,debt,status]";
                }
                for (int k = 0; k < extra.nsets; k++)
                    sets[n++] = extra.sets[k];
                cr_params p;
                char *yaml = NULL;
                cr_diag d;
                cr_diag_clear(&d);
                cr_status st = cr_experiment_load(NULL, sets, n, &p, &yaml, &d);
                cr_bench_opts o = {
                    .params = &p,
                    .scenario = scen[ci].name,
                    .mode = scen[ci].mode,
                    .threads = (int)thread_list[ti],
                    .parallel = parallel,
                    .output = output,
                    .config_yaml = yaml,
                    .roofline = roofline,
                };
                cr_bench_result r;
                if (st == CR_OK)
                    st = cr_bench_run(&o, &r, &d);
                free(yaml);
                if (st != CR_OK)
                    return cli_fail(st, &d);
                cr_bench_print_row(&r, stdout);
                fflush(stdout);
            }
        }
    }
    return 0;
}
