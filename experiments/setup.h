/* Reading an experiment: defaults, the YAML file, --set overrides, validation, and
 * the resolved configuration text; the one path every command takes. */
#ifndef CR_SETUP_H
#define CR_SETUP_H

#include <stdio.h>

#include "core/config.h"
#include "core/status.h"
#include "models/params.h"

/* Loads `path` (NULL: defaults only) into p, applies the nsets overrides
 * "dotted.key=value" in order, validates, and returns the resolved YAML in
 * *yaml (caller frees; may be NULL when not wanted). CR_ECONFIG with a
 * file:line:column message on any problem. */
cr_status cr_experiment_load(const char *path, const char *const *sets, int nsets, cr_params *p,
                             char **yaml, cr_diag *d);

/* The same for an experiment given as text (a results file's `config`); `name`
 * names it in messages. */
cr_status cr_experiment_load_text(const char *name, const char *text, cr_params *p, cr_diag *d);

/* Prints every key of the experiment file as a Markdown table (key, type, default,
 * allowed values, units, meaning): the table of docs/experiment-file.md, which a
 * test keeps identical to this output. */
void cr_experiment_keys_markdown(FILE *out);

#endif
