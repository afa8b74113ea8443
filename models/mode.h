/* Financing modes as type objects, registered in a run-time table.
 *
 * A mode is configuration plus a few functions: its phase table (core/loop.h),
 * with generic phases from models/lending.c wherever it has nothing of its own,
 * and descriptive text for `credere modes`. The engine never tests which mode
 * runs; a sweep runs many modes in one process by looking them up by name.
 */
#ifndef CR_MODE_H
#define CR_MODE_H

struct cr_model;

#include <stddef.h>
#include <stdio.h>

#include "core/loop.h"
#include "core/status.h"
#include "models/modeparams.h"
#include "models/params.h"

typedef struct {
    const char *name;               /* "direct" */
    const char *summary;            /* one line */
    const char *channels;           /* who lends and who screens */
    const char *loss_sharing;       /* how a loss is shared (the waterfall, in words) */
    const char *sources;            /* institutional sources of a preset's numbers (or NULL) */
    unsigned components;            /* CR_C_* bits: the intermediaries it has */
    int slot;                       /* its parameters: cr_params.mode[slot] */
    const cr_mode_params *defaults; /* default parameters (the experiment file overrides) */
    cr_phase_table phases;
    /* optional: the size of the mode's groups of consecutive SMEs (groups never
     * straddle a block); NULL or 1: no groups */
    size_t (*group_size)(const struct cr_model *m);
} cr_mode_type;

/* The waterfall of a mode's parameters (layers as read from the experiment file). */
void cr_mode_params_waterfall(const cr_mode_params *mp, cr_waterfall *w);

/* Prints a mode for `credere modes`: one line (name, summary, and the shares of a
 * loss among holders) or, with full, every detail: channels, loss sharing, its
 * intermediaries, the waterfall layer by layer, the main parameters, the sources
 * of a preset's numbers, and the phases it implements. mp: its parameters (NULL:
 * its defaults). */
void cr_mode_print(const cr_mode_type *m, const cr_mode_params *mp, int full, FILE *out);

/* The mode called name, or NULL. */
const cr_mode_type *cr_mode_find(const char *name);

/* Writes up to max registered mode names to names (in registration order) and
 * returns how many modes there are. */
size_t cr_mode_names(const char **names, size_t max);

/* The i-th registered mode (NULL past the end). */
const cr_mode_type *cr_mode_at(size_t i);

/* Registers a user-defined mode (its storage must outlive every use).
 * CR_EINVAL when the name is taken or the table is full. */
cr_status cr_mode_register(const cr_mode_type *mode);

/* The built-in modes and presets, in slot order. */
extern const cr_mode_type cr_mode_direct, cr_mode_single, cr_mode_joint_liability, cr_mode_alliance,
    cr_preset_china_4321, cr_preset_china_national_fund, cr_preset_italy_confidi,
    cr_preset_japan_cgc, cr_preset_germany_bb, cr_preset_us_sba7a, cr_preset_korea_kodit;

#endif
