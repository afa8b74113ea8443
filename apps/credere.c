/* credere: the command-line program. Argument parsing only; the work is in the
 * library (experiments/, models/, core/). Exit status: 0 success, 1 runtime
 * failure, 2 bad usage or bad input, 3 interrupted (ARCHITECTURE.md). */
#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "apps/cli.h"
#include "core/netio.h"
#include "core/results.h"
#include "core/status.h"
#include "core/world.h"
#include "cr_buildinfo.h"
#include "analysis/analyze.h"
#include "analysis/plot.h"
#include "experiments/cluster.h"
#include "experiments/design.h"
#include "experiments/runner.h"
#include "experiments/setup.h"
#include "models/metrics.h"
#include "models/mode.h"

typedef struct {
    const char *name;
    const char *summary;
    const char *help;
    int (*fn)(int argc, char **argv);
} command;

static const command *find_command(const char *name);

int cli_print_help(const char *cmd)
{
    const command *c = find_command(cmd);
    fputs(c->help, stdout);
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    cr_runner_request_stop();
}

/* "I/N" with 1 <= I <= N: 0, else 2 (a usage error). */
static int parse_shard(const char *s, int *index, int *count)
{
    char *end;
    long i = strtol(s, &end, 10);
    if (end == s || *end != '/')
        return cli_usage_error("run", "--shard needs I/N (e.g. 2/8), got '%s'", s);
    const char *q = end + 1;
    long n = strtol(q, &end, 10);
    if (end == q || *end != '\0' || n < 1 || n > 1000000)
        return cli_usage_error("run", "--shard needs I/N with N in 1..1000000, got '%s'", s);
    if (i < 1 || i > n)
        return cli_usage_error("run", "--shard %s: I must be in 1..N", s);
    *index = (int)i;
    *count = (int)n;
    return 0;
}

static void print_summary(const char *what, const cr_params *p, const cr_run_summary *sum,
                          int threads, const char *out)
{
    static const char *const par[] = {"", "units in parallel", "agents in parallel"};
    char reps[48]; /* a shard or an unfinished run: the fewest to the most per cell */
    if (sum->nreplications == sum->nreplications_max)
        snprintf(reps, sizeof reps, "%zu", sum->nreplications);
    else
        snprintf(reps, sizeof reps, "%zu-%zu", sum->nreplications, sum->nreplications_max);
    printf("%s %s: %lld SMEs, %lld periods, %s replications x %zu cells, %zu of %zu units, "
           "%d threads%s%s%s, %.1f s (%.3g SME-periods/s)\n",
           what, p->experiment.name, (long long)p->population.smes,
           (long long)p->experiment.periods, reps, sum->ncells, sum->units_done, sum->units_total,
           threads, sum->parallel ? " (" : "", par[sum->parallel], sum->parallel ? ")" : "",
           sum->seconds, sum->seconds > 0 ? sum->sme_periods / sum->seconds : 0.0);
    cr_run_summary_print(sum, stdout);
    printf("results: %s\n", out);
}

static int cmd_run(int argc, char **argv)
{
    cli_exp_args a = {0};
    const char *out = NULL;
    bool force = false, quiet = false, resume = false;
    int threads = omp_get_max_threads(), shard_index = 0, shard_count = 0;
    int parallel = CR_PARALLEL_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("run");
        if (strcmp(s, "--set") == 0 || strncmp(s, "--set=", 6) == 0) {
            int rc = cli_take_set("run", argc, argv, &i, &a);
            if (rc)
                return rc;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (++i >= argc)
                return cli_usage_error("run", "%s needs a file name", s);
            out = argv[i];
        } else if (strcmp(s, "--threads") == 0) {
            if (++i >= argc)
                return cli_usage_error("run", "%s",
                                       "--threads needs a value: an integer in 1..4096");
            if ((threads = (int)cli_parse_count(argv[i], 4096)) < 0)
                return cli_usage_error("run", "--threads needs an integer in 1..4096, got '%s'",
                                       argv[i]);
        } else if (strcmp(s, "--shard") == 0) {
            if (++i >= argc)
                return cli_usage_error("run", "%s", "--shard needs I/N (e.g. 2/8)");
            int rc = parse_shard(argv[i], &shard_index, &shard_count);
            if (rc)
                return rc;
        } else if (strcmp(s, "--parallel") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("run", "%s",
                                       "--parallel needs a value: auto, units or agents");
            const char *v = argv[++i];
            if (strcmp(v, "auto") == 0)
                parallel = CR_PARALLEL_AUTO;
            else if (strcmp(v, "units") == 0)
                parallel = CR_PARALLEL_UNITS;
            else if (strcmp(v, "agents") == 0)
                parallel = CR_PARALLEL_AGENTS;
            else
                return cli_usage_error("run", "--parallel takes auto, units or agents, got '%s'",
                                       v);
        } else if (strcmp(s, "--force") == 0) {
            force = true;
        } else if (strcmp(s, "--resume") == 0) {
            resume = true;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            quiet = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("run", "unknown option '%s'", s);
        } else if (!a.exp) {
            a.exp = s;
        } else {
            return cli_usage_error("run", "unexpected argument '%s' (one experiment file only)", s);
        }
    }
    if (!a.exp)
        return cli_usage_error("run", "%s", "missing the experiment file: credere run EXP.yaml");
    if (force && resume)
        return cli_usage_error("run", "%s", "--force starts over and --resume continues: give one");

    cr_cluster_init(&argc, &argv);
    const int rank = cr_cluster_rank();
    cr_params p;
    char *yaml = NULL;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_experiment_load(a.exp, a.sets, a.nsets, &p, &yaml, &d);
    if (st != CR_OK) {
        cr_cluster_finalize();
        return rank == 0 ? cli_fail(st, &d) : cr_status_exit_code(st);
    }
    char default_out[CR_CONFIG_STR_MAX + 8];
    if (!out) {
        snprintf(default_out, sizeof default_out, "%s.h5", p.experiment.name);
        out = default_out;
    }
    if (cli_check_output(out, rank != 0)) {
        free(yaml);
        cr_cluster_finalize();
        return 2;
    }
    char *cmdline = cli_join_command_line(argc + 1, argv - 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    cr_run_opts o = {
        .params = &p,
        .config_yaml = yaml,
        .command_line = cmdline ? cmdline : "credere run",
        .out_path = out,
        .force = force,
        .resume = resume,
        .threads = threads,
        .parallel = parallel,
        .shard_index = shard_index,
        .shard_count = shard_count,
        .progress = quiet || rank != 0 ? NULL : stderr,
    };
    cr_run_summary sum;
    st = cr_run_experiment(&o, &sum, &d);
    free(yaml);
    free(cmdline);
    cr_cluster_finalize();
    if (rank != 0) {
        cr_run_summary_free(&sum);
        return cr_status_exit_code(st);
    }
    if (st != CR_OK && st != CR_EINTERRUPTED) {
        cr_run_summary_free(&sum);
        return cli_fail(st, &d);
    }
    print_summary("experiment", &p, &sum, threads, out);
    cr_run_summary_free(&sum);
    if (st == CR_EINTERRUPTED)
        return cli_fail(st, &d);
    return 0;
}

static int cmd_analyze(int argc, char **argv)
{
    cr_analyze_opts o = {.level = 0.95, .bootstrap = 1000, .out = stdout, .warn = stderr};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("analyze");
        if (strcmp(s, "--reference") == 0 || strcmp(s, "--csv") == 0 || strcmp(s, "--level") == 0 ||
            strcmp(s, "--bootstrap") == 0) {
            if (++i >= argc)
                return cli_usage_error("analyze", "%s needs a value", s);
            if (strcmp(s, "--reference") == 0) {
                o.reference = argv[i];
            } else if (strcmp(s, "--csv") == 0) {
                o.csv_dir = argv[i];
            } else if (strcmp(s, "--level") == 0) {
                char *end;
                o.level = strtod(argv[i], &end);
                if (*end || !(o.level > 0 && o.level < 1))
                    return cli_usage_error("analyze", "--level needs a number in (0, 1), got '%s'",
                                           argv[i]);
            } else {
                long b = cli_parse_count(argv[i], 1000000);
                if (b < 0)
                    return cli_usage_error(
                        "analyze", "--bootstrap needs an integer in 1..1000000, got '%s'", argv[i]);
                o.bootstrap = (size_t)b;
            }
        } else if (strcmp(s, "--force") == 0) {
            o.force = true;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            o.out = NULL;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("analyze", "unknown option '%s'", s);
        } else if (!o.path) {
            o.path = s;
        } else {
            return cli_usage_error("analyze", "unexpected argument '%s' (one results file)", s);
        }
    }
    if (!o.path)
        return cli_usage_error("analyze", "%s", "missing the results file: credere analyze OUT.h5");
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_analyze(&o, &d);
    if (st != CR_OK)
        return cli_fail(st, &d);
    if (o.out)
        printf("analysis: %s:/analysis%s%s\n", o.path, o.csv_dir ? ", CSV in " : "",
               o.csv_dir ? o.csv_dir : "");
    return 0;
}

static int cmd_plot(int argc, char **argv)
{
    cr_plot_opts o = {.out = stdout};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("plot");
        if (strcmp(s, "--list") == 0) {
            cr_plot_list(stdout);
            return 0;
        }
        if (strcmp(s, "--figure") == 0 || strcmp(s, "--metric") == 0 || strcmp(s, "-o") == 0 ||
            strcmp(s, "--output") == 0) {
            if (++i >= argc)
                return cli_usage_error("plot", "%s needs a value", s);
            if (strcmp(s, "--figure") == 0)
                o.figure = argv[i];
            else if (strcmp(s, "--metric") == 0)
                o.metric = argv[i];
            else
                o.output = argv[i];
        } else if (strcmp(s, "--force") == 0) {
            o.force = true;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            o.out = NULL;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("plot", "unknown option '%s'", s);
        } else if (!o.path) {
            o.path = s;
        } else {
            return cli_usage_error("plot", "unexpected argument '%s' (one results file)", s);
        }
    }
    if (!o.path)
        return cli_usage_error("plot", "%s",
                               "missing the results file: credere plot OUT.h5 --figure NAME");
    if (!o.figure)
        return cli_usage_error("plot", "%s",
                               "missing --figure NAME (credere plot --list shows the figures)");
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_plot(&o, &d);
    return st == CR_OK ? 0 : cli_fail(st, &d);
}

static int cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    bool force = false;
    const char **parts = calloc((size_t)argc + 1, sizeof *parts);
    size_t nparts = 0;
    if (!parts)
        return cli_fail(CR_ENOMEM, NULL);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s)) {
            free(parts);
            return cli_print_help("merge");
        }
        if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (++i >= argc) {
                free(parts);
                return cli_usage_error("merge", "%s needs a file name", s);
            }
            out = argv[i];
        } else if (strcmp(s, "--force") == 0) {
            force = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            free(parts);
            return cli_usage_error("merge", "unknown option '%s'", s);
        } else {
            parts[nparts++] = s;
        }
    }
    if (!out || nparts == 0) {
        free(parts);
        return cli_usage_error("merge", "%s", "usage: credere merge PART.h5... -o OUT.h5");
    }
    for (size_t k = 0; k < nparts; k++) {
        const char *dup = cli_same_file(parts[k], out) ? out : NULL;
        for (size_t j = 0; !dup && j < k; j++)
            if (cli_same_file(parts[j], parts[k]))
                dup = parts[k];
        if (dup) {
            free(parts);
            return cli_usage_error(
                "merge", dup == out ? "the output %s is also a part" : "the part %s is given twice",
                dup);
        }
    }
    if (cli_check_output(out, false)) {
        free(parts);
        return 2;
    }
    char *cmdline = cli_join_command_line(argc + 1, argv - 1);
    cr_run_summary sum;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st =
        cr_merge_files(parts, nparts, out, force, cmdline ? cmdline : "credere merge", &sum, &d);
    free(cmdline);
    free(parts);
    if (st != CR_OK) {
        cr_run_summary_free(&sum);
        return cli_fail(st, &d);
    }
    printf("merged %zu units of %zu cells x %zu replications\n", sum.units_done, sum.ncells,
           sum.units_done / (sum.ncells ? sum.ncells : 1));
    cr_run_summary_print(&sum, stdout);
    printf("results: %s\n", out);
    cr_run_summary_free(&sum);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    cli_exp_args a = {0};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("check");
        if (strcmp(s, "--keys") == 0) {
            cr_experiment_keys_markdown(stdout);
            return 0;
        }
        if (strcmp(s, "--metrics") == 0) {
            const cr_var_desc *tab = cr_metric_table();
            printf("| metric | units | long_name |\n|---|---|---|\n");
            for (int k = 0; k < CR_METRIC_COUNT; k++)
                printf("| `%s` | %s | %s |\n", tab[k].name, tab[k].units, tab[k].long_name);
            return 0;
        }
        if (strcmp(s, "--set") == 0 || strncmp(s, "--set=", 6) == 0) {
            int rc = cli_take_set("check", argc, argv, &i, &a);
            if (rc)
                return rc;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("check", "unknown option '%s'", s);
        } else if (!a.exp) {
            a.exp = s;
        } else {
            return cli_usage_error("check", "unexpected argument '%s' (one experiment file only)",
                                   s);
        }
    }
    if (!a.exp)
        return cli_usage_error("check", "%s",
                               "missing the experiment file: credere check EXP.yaml");
    cr_params p;
    char *yaml = NULL;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_experiment_load(a.exp, a.sets, a.nsets, &p, &yaml, &d);
    if (st != CR_OK)
        return cli_fail(st, &d);
    fputs(yaml, stdout);
    free(yaml);
    cr_design g; /* the cells the run would have, as a YAML comment */
    if (cr_design_build(&p, NULL, a.exp, &g, &d) == CR_OK) {
        char line[512];
        cr_design_describe(&g, line, sizeof line);
        printf("# design: %s; %lld replications: %zu units\n", line,
               (long long)p.experiment.replications, g.ncells * (size_t)p.experiment.replications);
        cr_design_free(&g);
    }
    return 0;
}

static int cmd_modes(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return cli_print_help("modes");
        if (argv[i][0] == '-')
            return cli_usage_error("modes", "unknown option '%s'", argv[i]);
        if (name)
            return cli_usage_error("modes", "unexpected argument '%s'", argv[i]);
        name = argv[i];
    }
    if (name) {
        const cr_mode_type *m = cr_mode_find(name);
        if (!m) {
            const char *names[64];
            size_t n = cr_mode_names(names, 64);
            const char *best = cr_suggest(name, names, n);
            fprintf(stderr, "credere modes: unknown mode '%s'%s%s%s\n", name,
                    best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
            return 2;
        }
        cr_mode_print(m, NULL, 1, stdout);
        return 0;
    }
    printf("modes and presets (default parameters; each can be changed in its section of the "
           "experiment file):\n");
    for (size_t i = 0; cr_mode_at(i); i++)
        cr_mode_print(cr_mode_at(i), NULL, 0, stdout);
    printf("(credere modes NAME prints one in full)\n");
    return 0;
}

static int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return cli_print_help("info");
        if (argv[i][0] == '-')
            return cli_usage_error("info", "unknown option '%s'", argv[i]);
        if (path)
            return cli_usage_error("info", "unexpected argument '%s'", argv[i]);
        path = argv[i];
    }
    if (!path)
        return cli_usage_error("info", "%s", "missing the results file: credere info OUT.h5");
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_results_info(path, stdout, &d);
    return st == CR_OK ? 0 : cli_fail(st, &d);
}

static int cmd_network(int argc, char **argv)
{
    cr_netio_job job = {.stream = stdout};
    int measure = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("network");
        const char **target = NULL;
        if (strcmp(s, "--edges") == 0)
            target = &job.edges_path;
        else if (strcmp(s, "--nodes") == 0)
            target = &job.nodes_path;
        else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0)
            target = &job.out_path;
        if (target) {
            if (++i >= argc)
                return cli_usage_error("network", "%s needs a file name", s);
            *target = argv[i];
        } else if (strcmp(s, "--clearing") == 0 || strcmp(s, "--debtrank") == 0) {
            int m = s[2] == 'c' ? CR_NETIO_CLEARING : CR_NETIO_DEBTRANK;
            if (measure >= 0 && measure != m)
                return cli_usage_error("network", "%s",
                                       "--clearing and --debtrank exclude each other: choose one");
            measure = m;
        } else if (strcmp(s, "--force") == 0) {
            job.force = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("network", "unknown option '%s'", s);
        } else {
            return cli_usage_error("network",
                                   "unexpected argument '%s' (the files go with --edges "
                                   "and --nodes)",
                                   s);
        }
    }
    if (!job.edges_path)
        return cli_usage_error("network", "%s", "missing --edges EDGES.csv");
    if (!job.nodes_path)
        return cli_usage_error("network", "%s", "missing --nodes NODES.csv");
    if (measure < 0)
        return cli_usage_error("network", "%s", "choose a measure: --clearing or --debtrank");
    job.measure = (cr_netio_measure)measure;
    if (job.out_path && strcmp(job.out_path, "-") == 0)
        job.out_path = NULL; /* standard output */
    if (job.out_path && cli_check_output(job.out_path, false))
        return 2;
    char *cmdline = cli_join_command_line(argc + 1, argv - 1);
    job.command_line = cmdline ? cmdline : "credere network";
    cr_netio_summary sum;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_netio_run(&job, &sum, &d);
    free(cmdline);
    if (st != CR_OK)
        return cli_fail(st, &d);
    if (!job.out_path)
        return 0; /* the table went to standard output: nothing else there */
    if (job.measure == CR_NETIO_CLEARING)
        printf("clearing: %zu nodes, %zu edges; %zu defaults after %d rounds\n", sum.nodes,
               sum.edges, sum.clearing.defaults, sum.clearing.rounds);
    else
        printf("debtrank: %zu nodes, %zu edges; DebtRank %.6g after %d steps, %zu nodes "
               "distressed\n",
               sum.nodes, sum.edges, sum.debtrank.total, sum.debtrank.steps,
               sum.debtrank.distressed);
    printf("results: %s\n", job.out_path);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "credere: %s takes no arguments, got '%s'\n(see 'credere --help')\n",
                argv[0], argv[1]);
        return 2;
    }
    char libs[256];
    cr_library_versions(libs, sizeof libs);
    printf("credere %s (git %s)\n%s, %s build\n%s, MPI: %s\n", CR_VERSION_STRING, CR_GIT_REVISION,
           CR_COMPILER, CR_BUILD_TYPE, libs, cr_cluster_library());
    return 0;
}

static int cmd_help(int argc, char **argv);

static const command commands[] = {
    {"run", "run an experiment and write its results file",
     "usage: credere run EXP.yaml [-o OUT.h5] [--set dotted.key=VALUE]... [--threads N]\n"
     "                  [--parallel auto|units|agents] [--shard I/N] [--resume | --force]\n"
     "                  [--quiet]\n"
     "       mpirun -n R credere run EXP.yaml ...\n"
     "\n"
     "Runs every (cell, replication) unit of the experiment's design and writes the\n"
     "results to OUT.h5 (default: EXPERIMENT_NAME.h5), then prints a summary table and\n"
     "the path. Finished units go to OUT.h5.journal at once; the file is assembled from\n"
     "it, so a kill at any instant loses only the units in flight.\n"
     "\n"
     "  -o, --output FILE     results file (HDF5, docs/format.md)\n"
     "  --set KEY=VALUE       override one key of the experiment file (repeatable),\n"
     "                        e.g. --set economy.systemic_loading=0.4\n"
     "  --threads N           OpenMP threads (default: OMP_NUM_THREADS or all cores);\n"
     "                        results are identical for every N\n"
     "  --parallel HOW        units: several units at once, one per thread; agents: one\n"
     "                        unit at a time, its SMEs over the threads; auto (default):\n"
     "                        units when worlds have at most 50000 SMEs and there are\n"
     "                        two units per thread, else agents\n"
     "  --shard I/N           run only units u with u mod N = I - 1 (Slurm arrays);\n"
     "                        join the parts with credere merge\n"
     "  --resume              continue an interrupted or killed run of the same\n"
     "                        experiment (any thread or rank count); the finished file\n"
     "                        is identical to an uninterrupted run's\n"
     "  --force               replace an existing output file (and its journal)\n"
     "  -q, --quiet           no progress report on stderr\n"
     "\n"
     "Under mpirun (built with MPI) the units are spread over the ranks and rank 0\n"
     "writes the file; the file is the same as a one-process run's.\n"
     "\n"
     "Exit status: 0 done, 1 runtime failure, 2 bad usage or experiment file (nothing is\n"
     "written), 3 interrupted by SIGINT/SIGTERM (units in flight are dropped, completed\n"
     "units are saved, status 'interrupted'; --resume continues).\n",
     cmd_run},
    {"analyze", "confidence intervals, paired mode comparisons, Sobol and Morris indices",
     "usage: credere analyze OUT.h5 [--reference MODE] [--csv DIR] [--level 0.95]\n"
     "                       [--bootstrap 1000] [--force] [--quiet]\n"
     "\n"
     "Summarises a results file and writes the numbers to /analysis in it (replacing an\n"
     "earlier analysis) and, with --csv, to tidy CSV files in DIR (summary.csv,\n"
     "paired.csv, sobol.csv, morris.csv, cascades.csv) for R, Stata or pandas. The\n"
     "observation is each replication's post-burn-in average of a metric.\n"
     "\n"
     "  --reference MODE   paired differences against this mode (default: the first)\n"
     "  --csv DIR          also write CSV tables (DIR is created; --force replaces files)\n"
     "  --level L          confidence level of the intervals (default 0.95)\n"
     "  --bootstrap B      resamples of the Sobol indices' intervals (default 1000)\n"
     "  --force            replace existing CSV files in DIR\n"
     "  -q, --quiet        print nothing but errors and warnings\n"
     "\n"
     "Per cell and metric: mean, sd, t interval, quantiles. Paired differences of each\n"
     "mode from the reference at the same design point, replication by replication\n"
     "(common random numbers), with the variance reduction of pairing. Saltelli\n"
     "designs: first-order and total Sobol indices with bootstrap intervals and the\n"
     "share of variance that is replication noise (a warning when it dominates).\n"
     "Morris designs: mu, mu* and sigma. With /events: cascade-size distributions.\n"
     "An incomplete run is analysed on its completed units, with a warning. Exit\n"
     "status 2 for a file that is not a credere results file or of another version.\n",
     cmd_analyze},
    {"plot", "draw a figure of a results file with gnuplot (script and data kept)",
     "usage: credere plot OUT.h5 --figure NAME [-o FILE.pdf|.png|.svg|.tex]\n"
     "                    [--metric NAME] [--force] [--quiet]\n"
     "       credere plot --list\n"
     "\n"
     "Draws one figure of a results file with gnuplot. Its gnuplot script FILE.gp and\n"
     "data FILE.dat are written next to the figure, so that it can be edited and\n"
     "redrawn with `gnuplot FILE.gp` in that directory. No title (add a caption, or\n"
     "see the comment in FILE.gp); colours are safe for colour-blind readers.\n"
     "\n"
     "  --figure NAME       modes, paths, paired, cascades, sobol, morris or heatmap\n"
     "                      (--list says what each shows and what it needs)\n"
     "  -o, --output FILE   the figure; the extension chooses the format: .pdf, .png,\n"
     "                      .svg or .tex (cairolatex: FILE.tex and FILE.pdf for\n"
     "                      \\input in LaTeX); default OUT_NAME.pdf in the current\n"
     "                      directory (OUT: the results file's name without .h5)\n"
     "  --metric NAME       the metric to plot (default default_rate; credere check\n"
     "                      --metrics lists them)\n"
     "  --force             replace an existing figure, script and data\n"
     "  -q, --quiet         print nothing but errors\n"
     "  --list              list the figures\n"
     "\n"
     "Every figure but paths needs `credere analyze OUT.h5` first; cascades needs a run\n"
     "with output.events: true; sobol, morris and heatmap need a Saltelli, a Morris\n"
     "or a two-parameter grid design. Needs gnuplot (Debian: gnuplot-nox).\n"
     "\n"
     "Exit status: 0 done, 1 gnuplot missing or failed, 2 bad usage, a file that lacks\n"
     "what the figure needs, or an existing output without --force.\n",
     cmd_plot},
    {"merge", "stitch shard files into one results file",
     "usage: credere merge PART.h5... -o OUT.h5 [--force]\n"
     "\n"
     "Joins the files of `credere run --shard I/N` (or any parts of one experiment)\n"
     "into one results file. Checks that every part holds the same experiment (resolved\n"
     "configuration and seed) and that every unit is in exactly one part; the merged\n"
     "file's datasets are the same bits as one run's. Its `history` attribute records\n"
     "the parts.\n"
     "\n"
     "  -o, --output FILE   the merged results file\n"
     "  --force             replace an existing output file\n"
     "\n"
     "Exit status: 0 done, 1 runtime failure, 2 bad usage, or (writing nothing) a part\n"
     "that is missing, repeated, from another experiment or not a results file.\n",
     cmd_merge},
    {"check", "validate an experiment file and print the resolved configuration",
     "usage: credere check EXP.yaml [--set dotted.key=VALUE]...\n"
     "       credere check --keys | --metrics\n"
     "\n"
     "Reads and validates the experiment file with its overrides and prints the fully\n"
     "resolved configuration (every key, defaults included) as YAML. Exit status 2 with\n"
     "a 'file:line:column: key: problem' message when something is wrong.\n"
     "--keys prints every key with its type, default, allowed values, units and\n"
     "meaning as a Markdown table (the table of docs/experiment-file.md); --metrics\n"
     "prints every metric with its units and long_name (the table of docs/format.md).\n",
     cmd_check},
    {"modes", "list the financing modes",
     "usage: credere modes [NAME]\n"
     "\n"
     "Lists every financing mode and preset with the shares of a loss among holders,\n"
     "or prints one in full: channels, loss sharing, its intermediaries, the waterfall\n"
     "layer by layer, its main parameters and the sources of a preset's numbers.\n"
     "Exit status 2 for an unknown name (with a suggestion when one is close).\n",
     cmd_modes},
    {"info", "print a results file's provenance and completion",
     "usage: credere info OUT.h5\n"
     "\n"
     "Prints how the file was made (version, git revision, compiler and flags, library\n"
     "versions, host, seed, threads, command line), its design and its completion.\n"
     "Exit status 2 when the file is not a credere results file.\n",
     cmd_info},
    {"network", "clearing vector or DebtRank of a liability network",
     "usage: credere network --edges EDGES.csv --nodes NODES.csv (--clearing | --debtrank)\n"
     "                       [-o OUT] [--force]\n"
     "\n"
     "Computes a measure of a liability network given as two CSV files\n"
     "(docs/network.md):\n"
     "  EDGES.csv   header debtor,creditor,amount: the debtor owes the creditor the\n"
     "              amount; repeated pairs are summed, self-loops are rejected\n"
     "  NODES.csv   header id,external_assets,external_liabilities, plus equity and\n"
     "              shock (in [0, 1]) for --debtrank; ids are any text\n"
     "\n"
     "  --clearing            Eisenberg-Noe clearing vector (fictitious-default\n"
     "                        algorithm); CSV columns id,payment,defaulted\n"
     "  --debtrank            DebtRank (Battiston et al. 2012) of the shocks; CSV\n"
     "                        columns id,distress, then the line '# debtrank = R'\n"
     "  -o, --output FILE     write to FILE instead of standard output; HDF5 when it\n"
     "                        ends in .h5 (group /network/clearing or /network/debtrank)\n"
     "  --force               replace an existing output file\n"
     "\n"
     "Exit status: 0 done, 1 runtime failure, 2 bad usage or input file (the message\n"
     "names the file and line; nothing is written).\n",
     cmd_network},
    {"meanfield", "integrate the mean-field (replicator) dynamics of project choice",
     "usage: credere meanfield EXP.yaml [--set dotted.key=VALUE]... [-o OUT.csv] [--force]\n"
     "                        [--discrete]\n"
     "\n"
     "Integrates the mean-field dynamics of learned project choice (behaviour.risk.rule\n"
     "imitation): the share of SMEs running the risky project as the number of SMEs\n"
     "grows, in each mode of the experiment, from behaviour.risk.initial_share over\n"
     "experiment.periods periods. The representative SME has the population's mean PD,\n"
     "collateral, loan and equity, and the bank's rate is the model's own price at its\n"
     "exact PD. Without groups the ODE is\n"
     "  dx/dt = x (1 - x) / (1 - qbar) [lambda s_s s_r (U_r - U_s) / Delta - (q_r - q_s)];\n"
     "with joint liability it follows the groups' compositions (models/meanfield.h).\n"
     "Prints a CSV (period, then one column per mode) after a '#' comment header with\n"
     "each mode's rate and payoffs; notes on stderr say where the experiment departs\n"
     "from the mean field's assumptions (every SME borrows every period, one-period\n"
     "loans, failed SMEs replaced at once). docs/validation.md compares it with runs.\n"
     "\n"
     "  --set KEY=VALUE       override one key of the experiment file (repeatable)\n"
     "  -o, --output FILE     write the CSV to FILE instead of standard output\n"
     "  --force               replace an existing output file\n"
     "  --discrete            iterate the expected one-period map instead of the ODE\n"
     "\n"
     "Exit status: 0 done, 1 runtime failure, 2 bad usage or experiment file (for one\n"
     "whose project choice is not learned by imitation, too).\n",
     cli_cmd_meanfield},
    {"bench", "measure simulation speed against the roofline reference",
     "usage: credere bench [--scenario S1,S2,...] [--smes N1,N2,...] [--periods T]\n"
     "                     [--threads T1,T2,...] [--replications R]\n"
     "                     [--parallel auto|units|agents] [--output none|metrics|panel]\n"
     "                     [--roofline | --no-roofline] [--set dotted.key=VALUE]...\n"
     "\n"
     "Times each scenario x size x thread count and prints one row per run: seconds,\n"
     "SME-periods per second, nanoseconds per SME-period and thread, bytes of state per\n"
     "SME, peak resident memory, random streams and raw draws per SME-period, the\n"
     "output's share of the run and the speed as a fraction of the roofline reference\n"
     "(the same streams, draws and bytes of state per SME-period with nothing else,\n"
     "measured in the same run). Without options: the standard subset, scenarios\n"
     "direct, alliance and stress at 10^5 and 10^6 SMEs, 20 periods, on 1 thread and\n"
     "on all threads.\n"
     "\n"
     "  --scenario LIST       direct, alliance, stress (the alliance with guarantee\n"
     "                        circles carrying contagion and every strategic behaviour)\n"
     "                        or any financing mode (credere modes); --modes is the same\n"
     "  --smes LIST           SMEs (default 100000,1000000)\n"
     "  --periods T           periods per replication (default 20; no burn-in)\n"
     "  --threads LIST        thread counts (default 1 and all threads)\n"
     "  --replications R      replications (default 1)\n"
     "  --parallel MODE       units: replications in parallel, one thread each; agents:\n"
     "                        one at a time, its SMEs over the threads; auto (default):\n"
     "                        as credere run\n"
     "  --output KIND         none (default): in memory; metrics: also the whole run of\n"
     "                        credere run with its results file in $TMPDIR (removed), the\n"
     "                        row's time being that run's; panel: the same with a panel\n"
     "                        of every SME, 3 variables, every period. out-share: the run's\n"
     "                        time beyond the in-memory set-up and units (without panel)\n"
     "  --no-roofline         skip the roofline reference (on by default)\n"
     "  --set KEY=VALUE       change any key of the experiment file (after the scenario's)\n"
     "\n"
     "bench/suite.sh runs the full suite; see bench/README.md and bench/RESULTS.md.\n",
     cli_cmd_bench},
    {"help", "show help for a command",
     "usage: credere help [COMMAND]\n"
     "\n"
     "Lists the commands, or prints COMMAND's help (the same as\n"
     "credere COMMAND --help). Exit status 2 for an unknown command.\n",
     cmd_help},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void main_help(FILE *out)
{
    fprintf(out,
            "credere %s: agent-based Monte Carlo experiments on SME credit alliances\n\n"
            "usage: credere COMMAND [ARGS]\n\ncommands:\n",
            CR_VERSION_STRING);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  credere --version      version, git revision and library versions\n"
                 "  credere COMMAND --help  help for one command\n\n"
                 "Exit status: 0 success, 1 runtime failure, 2 bad usage or input, 3 "
                 "interrupted.\nDocs: README.md, docs/user-guide.md, docs/experiment-file.md.\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 1) {
        if (cli_is_help(argv[1]))
            return cli_print_help("help");
        if (argc > 2)
            return cli_usage_error("help", "unexpected argument '%s' (one command)", argv[2]);
        const command *c = find_command(argv[1]);
        if (!c)
            return cli_usage_error("help", "unknown command '%s'", argv[1]);
        fputs(c->help, stdout);
        return 0;
    }
    main_help(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    cr_results_setup(); /* before any HDF5 call: no second close of a failed file at exit */
    if (argc < 2) {
        main_help(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        return cmd_version(argc - 1, argv + 1);
    if (cli_is_help(name)) {
        main_help(stdout);
        return 0;
    }
    const command *c = find_command(name);
    if (!c) {
        const char *names[NCOMMANDS];
        for (size_t i = 0; i < NCOMMANDS; i++)
            names[i] = commands[i].name;
        const char *best = cr_suggest(name, names, NCOMMANDS);
        fprintf(stderr, "credere: unknown command '%s'%s%s%s\n(see 'credere --help')\n", name,
                best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
        return 2;
    }
    return c->fn(argc - 1, argv + 1);
}
