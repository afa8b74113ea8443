/* Financing modes as type objects, registered in a run-time table.
 *
 * A mode is configuration plus a few functions: its phase table (core/loop.h),
 * with generic phases from models/lending.c wherever it has nothing of its own,
 * and descriptive text for `credere modes`. The engine never tests which mode
 * runs; a sweep runs many modes in one process by looking them up by name.
 */
#ifndef CR_MODE_H
#define CR_MODE_H

#include <stddef.h>

#include "core/loop.h"
#include "core/status.h"

typedef struct {
    const char *name;         /* "direct" */
    const char *summary;      /* one line */
    const char *channels;     /* who lends and who screens */
    const char *loss_sharing; /* how a loss is shared (the waterfall, in words) */
    cr_phase_table phases;
} cr_mode_type;

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

/* The built-in modes. */
extern const cr_mode_type cr_mode_direct;

#endif
