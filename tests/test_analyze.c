/* credere analyze on a small synthetic results file: two modes, three replications,
 * four periods (burn-in 1), metric values chosen so that the post-burn-in averages
 * of access_rate are direct {0.1, 0.2, 0.6} and single {0.3, 0.3, 0.9}. Checked
 * against hand-computed values:
 *   direct: mean 0.3, sd sqrt(0.07), CI 0.3 -+ t(0.975, 2) sqrt(0.07 / 3),
 *           t(0.975, 2) = 4.302652729749464
 *   single - direct (paired): {0.2, 0.1, 0.3}: mean 0.2, sd 0.1,
 *           CI 0.2 -+ t sqrt(0.01 / 3); var_reduction = (0.07 + 0.12) / 0.01 = 19
 * and the incomplete file (one unit missing): n = 2 for that cell, a warning. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include <gsl/gsl_errno.h>

#include "analysis/analyze.h"
#include "core/results.h"
#include "experiments/setup.h"
#include "models/metrics.h"

#define T975_2 4.302652729749464
#define TOL 1e-12

static char dir[] = "/tmp/credere-analyze-XXXXXX";

/* Writes the file; skip_unit >= 0 leaves that unit out. */
static int make_file(const char *path, int skip_unit)
{
    const char *sets[] = {"modes=[direct, single]", "experiment.replications=3",
                          "experiment.periods=4", "experiment.burn_in=1", "population.smes=100"};
    cr_params *p = malloc(sizeof *p);
    char *yaml = NULL;
    cr_diag d;
    if (!p || cr_experiment_load(NULL, sets, 5, p, &yaml, &d) != CR_OK) {
        free(p);
        return -1;
    }
    const char *modes[2] = {"direct", "single"};
    cr_results_spec spec = {
        .path = path,
        .force = true,
        .command_line = "test",
        .config_yaml = yaml,
        .experiment = p->experiment.name,
        .seed = p->experiment.seed,
        .threads = 1,
        .ncells = 2,
        .nreplications = 3,
        .nperiods = 4,
        .cell_mode = modes,
        .nmetrics = CR_METRIC_COUNT,
        .metrics = cr_metric_table(),
        .compression = 4,
    };
    cr_results *r = NULL;
    int ok = cr_results_create(&spec, &r, &d) == CR_OK;
    static const double acc[2][3] = {{0.1, 0.2, 0.6}, {0.3, 0.3, 0.9}};
    double v[CR_METRIC_COUNT * 4];
    for (int c = 0; ok && c < 2; c++)
        for (int rep = 0; ok && rep < 3; rep++) {
            if (c * 3 + rep == skip_unit)
                continue;
            for (int m = 0; m < CR_METRIC_COUNT; m++)
                for (int t = 0; t < 4; t++) /* period 0 (burn-in) is far off: must be ignored */
                    v[m * 4 + t] = t == 0 ? 100.0 : 0.01 * m + c;
            for (int t = 1; t < 4; t++) /* average over periods 1..3 = acc; period 2 +-0.05 */
                v[CR_M_ACCESS_RATE * 4 + t] = acc[c][rep] + (t == 2 ? 0.05 : t == 3 ? -0.05 : 0);
            ok = cr_results_write_unit(r, (size_t)c, (size_t)rep, v, &d) == CR_OK;
        }
    ok = ok && cr_results_set_status(r, skip_unit >= 0 ? "interrupted" : "complete", &d) == CR_OK;
    ok = cr_results_close(&r, &d) == CR_OK && ok;
    free(yaml);
    free(p);
    return ok ? 0 : -1;
}

/* /analysis/<name> [2, metrics] at (cell, access_rate). */
static double at(const char *path, const char *name, int cell)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *buf = malloc(2 * CR_METRIC_COUNT * sizeof *buf), v = NAN;
    if (f >= 0 && buf && H5LTread_dataset_double(f, name, buf) >= 0)
        v = buf[cell * CR_METRIC_COUNT + CR_M_ACCESS_RATE];
    free(buf);
    if (f >= 0)
        H5Fclose(f);
    return v;
}

static void test_complete(void)
{
    char path[256], csv[256];
    snprintf(path, sizeof path, "%s/a.h5", dir);
    snprintf(csv, sizeof csv, "%s/csv", dir);
    CR_REQUIRE(make_file(path, -1) == 0);
    cr_analyze_opts o = {.path = path, .csv_dir = csv, .level = 0.95, .bootstrap = 10};
    cr_diag d;
    cr_status st = cr_analyze(&o, &d);
    if (st != CR_OK)
        fprintf(stderr, "%s\n", d.msg);
    CR_REQUIRE(st == CR_OK);
    double half = T975_2 * sqrt(0.07 / 3);
    CR_CHECK_NEAR(at(path, "/analysis/summary/mean", 0), 0.3, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/summary/sd", 0), sqrt(0.07), TOL);
    CR_CHECK_NEAR(at(path, "/analysis/summary/lo", 0), 0.3 - half, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/summary/hi", 0), 0.3 + half, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/summary/n", 0), 3, 0);
    CR_CHECK_NEAR(at(path, "/analysis/summary/q50", 0), 0.2, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/summary/mean", 1), 0.5, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/paired/diff", 1), 0.2, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/paired/sd", 1), 0.1, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/paired/lo", 1), 0.2 - T975_2 * sqrt(0.01 / 3), TOL);
    CR_CHECK_NEAR(at(path, "/analysis/paired/var_reduction", 1), 19.0, 1e-9);
    CR_CHECK(isnan(at(path, "/analysis/paired/diff", 0))); /* the reference itself */
    /* the tidy CSV has the same numbers */
    char line[4096], file[512];
    snprintf(file, sizeof file, "%s/summary.csv", csv);
    FILE *f = fopen(file, "r");
    CR_REQUIRE(f);
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "0,direct,access_rate,3,", 23) == 0) {
            found = 1;
            CR_CHECK_NEAR(strtod(line + 23, NULL), 0.3, TOL);
        }
    fclose(f);
    CR_CHECK(found);
    /* a second analysis replaces the first; existing CSV files need force */
    st = cr_analyze(&o, &d);
    CR_CHECK(st == CR_EEXIST);
    o.force = true;
    o.reference = "single";
    CR_CHECK(cr_analyze(&o, &d) == CR_OK);
    CR_CHECK_NEAR(at(path, "/analysis/paired/diff", 0), -0.2, TOL);
    o.reference = "alliance";
    CR_CHECK(cr_analyze(&o, &d) == CR_EUSAGE);
}

static void test_incomplete_and_bad(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/b.h5", dir);
    CR_REQUIRE(make_file(path, 2) == 0); /* direct, replication 2 missing */
    char wbuf[4096] = "";
    FILE *w = fmemopen(wbuf, sizeof wbuf, "w");
    cr_analyze_opts o = {.path = path, .level = 0.95, .bootstrap = 10, .warn = w};
    cr_diag d;
    CR_REQUIRE(cr_analyze(&o, &d) == CR_OK);
    fclose(w);
    CR_CHECK_STR_CONTAINS(wbuf, "5 of 6 units are done");
    CR_CHECK_NEAR(at(path, "/analysis/summary/n", 0), 2, 0);
    CR_CHECK_NEAR(at(path, "/analysis/summary/mean", 0), 0.15, TOL);
    CR_CHECK_NEAR(at(path, "/analysis/paired/diff", 1), 0.15, TOL); /* pairs 0 and 1 only */
    /* not a results file */
    char bad[256];
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    FILE *f = fopen(bad, "w");
    CR_REQUIRE(f);
    fputs("hello", f);
    fclose(f);
    o.path = bad;
    o.warn = NULL;
    CR_CHECK(cr_analyze(&o, &d) == CR_EINPUT);
    CR_CHECK_STR_CONTAINS(d.msg, "bad.h5");
}

int main(void)
{
    gsl_set_error_handler_off();
    if (!mkdtemp(dir))
        return 1;
    CR_RUN(test_complete);
    CR_RUN(test_incomplete_and_bad);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return cr_test_report();
}
