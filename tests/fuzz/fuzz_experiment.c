/* libFuzzer target: the experiment-file reader (experiments/setup.h, core/config*.c)
 * and the design built from it (experiments/design.h).
 *
 * One input is an experiment file. It is read twice:
 *   1. as text, the way analyze and merge read the configuration stored in a
 *      results file (cr_experiment_load_text);
 *   2. as a file with --set overrides, the way `credere run` and `check` read it
 *      (cr_experiment_load): each leading line "#--set KEY=VALUE" (a YAML comment,
 *      so the rest of the file is unchanged) is one --set, at most FUZZ_MAX_SETS.
 * Errors are expected; what must hold:
 *   - no crash, leak, undefined behaviour or hang;
 *   - a failure is CR_ECONFIG (CR_ENOMEM) with a message naming the file or the --set;
 *   - a success resolves to YAML text that loads back (cr_experiment_load_text)
 *     to the same resolved text (the round trip of `credere check` and of the
 *     `config` attribute), and whose design builds and describes its cells.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "experiments/design.h"
#include "experiments/setup.h"
#include "fuzz_util.h"

#define FUZZ_MAX_SETS 4
#define FUZZ_MAX_INPUT (256 * 1024)
#define SET_PREFIX "#--set "

static const unsigned config_errors = FUZZ_ALLOW(CR_ECONFIG) | FUZZ_ALLOW(CR_ENOMEM);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)cr_params_schema(); /* generated on first use */
    fuzz_init_process();
    return 0;
}

/* A message of a failed load names where the problem is. */
static void check_message(const char *who, const cr_diag *d, const char *file, int nsets)
{
    size_t n = strlen(file);
    int ok = strncmp(d->msg, file, n) == 0 && d->msg[n] == ':';
    ok = ok || (nsets > 0 && strncmp(d->msg, "--set ", 6) == 0);
    ok = ok || strstr(d->msg, "(default): ") != NULL || strstr(d->msg, "out of memory") != NULL;
    FUZZ_ASSERT(ok, "%s: the message does not name the file or the --set: '%s'", who, d->msg);
}

/* What a successful load must give: text that reads back the same, a design. */
static void check_resolved(const char *yaml, const cr_params *p)
{
    cr_params *q = malloc(sizeof *q);
    if (!q)
        fuzz_harness_fail("out of memory");
    cr_diag d = {{0}};
    cr_status st = cr_experiment_load_text("(resolved)", yaml, q, &d);
    FUZZ_ASSERT(st == CR_OK, "the resolved configuration does not load back: %s\n---\n%s", d.msg,
                yaml);
    char *again = NULL;
    st = cr_config_to_yaml(cr_params_schema(), q, &again);
    FUZZ_ASSERT(st == CR_OK && again, "cannot format the reloaded configuration");
    FUZZ_ASSERT(strcmp(again, yaml) == 0,
                "the resolved configuration changes when read back:\n---\n%s\n---\n%s", yaml,
                again);
    free(again);
    free(q);

    cr_design g;
    st = cr_design_build(p, NULL, "(resolved)", &g, &d);
    FUZZ_ASSERT(st == CR_OK, "the design of a valid experiment does not build: %s", d.msg);
    char line[512];
    cr_design_describe(&g, line, sizeof line);
    FUZZ_ASSERT(g.ncells >= 1, "a design without cells: %s", line);
    for (size_t c = 0; c < g.ncells && c < 64; c++)
        FUZZ_ASSERT(cr_design_cell_mode(&g, c)[0] != '\0', "cell %zu has no mode", c);
    cr_params *cell = malloc(sizeof *cell);
    if (!cell)
        fuzz_harness_fail("out of memory");
    st = cr_design_cell_params(&g, p, g.ncells - 1, cell, &d);
    FUZZ_ASSERT(st == CR_OK, "the last cell's parameters: %s", d.msg);
    free(cell);
    cr_design_output out;
    st = cr_design_output_make(&g, &out, &d);
    FUZZ_ASSERT(st == CR_OK, "the design's output: %s", d.msg);
    cr_design_output_free(&out);
    cr_design_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return -1; /* not added to the corpus */
    char *text = fuzz_text(data, size);
    cr_params *p = malloc(sizeof *p);
    if (!p)
        fuzz_harness_fail("out of memory");

    /* 1. the stored configuration of a results file */
    cr_diag d = {{0}};
    cr_status st = cr_experiment_load_text("fuzz.yaml", text, p, &d);
    fuzz_check_status("load_text", st, &d, config_errors);
    if (st != CR_OK)
        check_message("load_text", &d, "fuzz.yaml", 0);

    /* 2. a file with --set overrides from its leading "#--set " lines */
    char *sets[FUZZ_MAX_SETS];
    int nsets = 0;
    for (const char *s = text; nsets < FUZZ_MAX_SETS && strncmp(s, SET_PREFIX, 7) == 0;) {
        s += strlen(SET_PREFIX);
        size_t n = strcspn(s, "\n");
        sets[nsets++] = fuzz_text((const uint8_t *)s, n);
        s += n + (s[n] == '\n');
    }
    const char *path = fuzz_path("experiment.yaml");
    fuzz_write(path, data, size);
    char *yaml = NULL;
    memset(&d, 0, sizeof d);
    st = cr_experiment_load(path, (const char *const *)sets, nsets, p, &yaml, &d);
    fuzz_check_status("load", st, &d, config_errors);
    if (st != CR_OK) {
        FUZZ_ASSERT(yaml == NULL, "a failed load returned the resolved text");
        check_message("load", &d, path, nsets);
    } else {
        FUZZ_ASSERT(yaml != NULL, "a load returned no resolved text");
        check_resolved(yaml, p);
    }
    free(yaml);
    for (int i = 0; i < nsets; i++)
        free(sets[i]);
    free(p);
    free(text);
    return 0;
}
