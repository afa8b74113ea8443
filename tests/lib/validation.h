/* Loading a validation experiment in the tests: experiments/validation/NAME.yaml
 * under $CREDERE_SOURCE_DIR (ctest sets it; else the working directory), with the
 * test's size and its own --set overrides. */
#ifndef CR_TEST_VALIDATION_H
#define CR_TEST_VALIDATION_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments/setup.h"
#include "../harness.h"

#define CR_TEST_MAX_SETS 32

/* Loads NAME with population.smes, experiment.periods and experiment.replications
 * set (a value <= 0 keeps the file's) followed by nextra more overrides; on failure
 * records a failed check with the message and returns the status. */
static inline cr_status cr_test_load_validation(const char *name, int64_t smes, int64_t periods,
                                                int64_t reps, const char *const *extra, int nextra,
                                                cr_params *p)
{
    const char *root = getenv("CREDERE_SOURCE_DIR");
    char path[4096], s_smes[64], s_per[64], s_rep[64];
    snprintf(path, sizeof path, "%s/experiments/validation/%s.yaml", root ? root : ".", name);
    const char *sets[CR_TEST_MAX_SETS];
    int n = 0;
    if (smes > 0) {
        snprintf(s_smes, sizeof s_smes, "population.smes=%lld", (long long)smes);
        sets[n++] = s_smes;
    }
    if (periods > 0) {
        snprintf(s_per, sizeof s_per, "experiment.periods=%lld", (long long)periods);
        sets[n++] = s_per;
    }
    if (reps > 0) {
        snprintf(s_rep, sizeof s_rep, "experiment.replications=%lld", (long long)reps);
        sets[n++] = s_rep;
    }
    for (int k = 0; k < nextra && n < CR_TEST_MAX_SETS; k++)
        sets[n++] = extra[k];
    cr_diag d = {{0}};
    cr_status st = cr_experiment_load(path, sets, n, p, NULL, &d);
    CR_CHECK_MSG(st == CR_OK, "%s: %s", path, d.msg);
    return st;
}

#endif
