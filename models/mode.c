#include "models/mode.h"

#include <string.h>

#define CR_MODES_MAX 64

static const cr_mode_type *builtin[] = {&cr_mode_direct};
static const cr_mode_type *user[CR_MODES_MAX];
static size_t nuser = 0;

#define NBUILTIN (sizeof builtin / sizeof builtin[0])

const cr_mode_type *cr_mode_at(size_t i)
{
    if (i < NBUILTIN)
        return builtin[i];
    i -= NBUILTIN;
    return i < nuser ? user[i] : NULL;
}

const cr_mode_type *cr_mode_find(const char *name)
{
    for (size_t i = 0;; i++) {
        const cr_mode_type *m = cr_mode_at(i);
        if (!m)
            return NULL;
        if (strcmp(m->name, name) == 0)
            return m;
    }
}

size_t cr_mode_names(const char **names, size_t max)
{
    size_t n = 0;
    for (const cr_mode_type *m; (m = cr_mode_at(n)) != NULL; n++)
        if (n < max)
            names[n] = m->name;
    return n;
}

cr_status cr_mode_register(const cr_mode_type *mode)
{
    if (!mode || !mode->name || cr_mode_find(mode->name) || nuser >= CR_MODES_MAX)
        return CR_EINVAL;
    user[nuser++] = mode;
    return CR_OK;
}
