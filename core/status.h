/* Status codes and user-facing diagnostics.
 *
 * Every library function that can fail returns a cr_status. The codes come from
 * one X-macro list that also yields their messages. Functions that fail with a
 * message meant for users (a bad experiment file, an unreadable results file)
 * also fill a cr_diag; only apps/ decides to print it and exit.
 */
#ifndef CR_STATUS_H
#define CR_STATUS_H

#include <stddef.h>

/* X(name, exit status the command line maps it to, message) */
#define CR_STATUS_LIST(X)                                                                          \
    X(CR_OK, 0, "success")                                                                         \
    X(CR_ENOMEM, 1, "out of memory")                                                               \
    X(CR_EINVAL, 1, "invalid argument")                                                            \
    X(CR_EUSAGE, 2, "bad usage")                                                                   \
    X(CR_ECONFIG, 2, "bad experiment file")                                                        \
    X(CR_EINPUT, 2, "bad input file")                                                              \
    X(CR_EEXIST, 2, "output file exists")                                                          \
    X(CR_EIO, 1, "input/output error")                                                             \
    X(CR_EHDF5, 1, "HDF5 library error")                                                           \
    X(CR_ENUMERIC, 1, "numerical failure")                                                         \
    X(CR_EACCOUNTING, 1, "accounting identity violated")                                           \
    X(CR_EINTERRUPTED, 3, "interrupted")

typedef enum {
#define CR_X_ENUM(name, exit_code, msg) name,
    CR_STATUS_LIST(CR_X_ENUM)
#undef CR_X_ENUM
        CR_STATUS_COUNT
} cr_status;

/* The message of a status code ("success", "out of memory", ...). */
const char *cr_status_message(cr_status s);

/* The exit status the command line uses for s (0, 1, 2 or 3; ARCHITECTURE.md). */
int cr_status_exit_code(cr_status s);

/* A user-facing diagnostic: one message, formatted by the function that failed,
 * e.g. "exp.yaml:12:5: economy.systemic_loading: expected a number in [0, 1], got 1.4". */
#define CR_DIAG_MAX 2048
typedef struct {
    char msg[CR_DIAG_MAX];
} cr_diag;

/* Clears d (d may be NULL). */
void cr_diag_clear(cr_diag *d);

/* Formats a message into d (d may be NULL) and returns status s, so that
 * `return cr_diag_set(d, CR_ECONFIG, "...", ...);` reads naturally. */
cr_status cr_diag_set(cr_diag *d, cr_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
