#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *cr_status_message(cr_status s)
{
    switch (s) {
#define CR_X_MSG(name, exit_code, msg)                                                             \
    case name:                                                                                     \
        return msg;
        CR_STATUS_LIST(CR_X_MSG)
#undef CR_X_MSG
    default:
        return "unknown status";
    }
}

int cr_status_exit_code(cr_status s)
{
    switch (s) {
#define CR_X_EXIT(name, exit_code, msg)                                                            \
    case name:                                                                                     \
        return exit_code;
        CR_STATUS_LIST(CR_X_EXIT)
#undef CR_X_EXIT
    default:
        return 1;
    }
}

void cr_diag_clear(cr_diag *d)
{
    if (d)
        d->msg[0] = '\0';
}

cr_status cr_diag_set(cr_diag *d, cr_status s, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof d->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}
