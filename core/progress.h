/* A progress report on stderr: percent, units, rate and ETA.
 * On a terminal one line is redrawn at most five times a second; otherwise (cluster
 * logs) a plain line is printed every `interval` seconds (default 5). */
#ifndef CR_PROGRESS_H
#define CR_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    bool tty, quiet;
    size_t total;
    double t0, last;
    double interval;
    double last_done;
} cr_progress;

/* Starts a report for `total` units on `out` (NULL: nothing is printed). */
void cr_progress_start(cr_progress *p, FILE *out, size_t total, bool quiet);

/* Reports that `done` units of the total are finished; a fraction counts the part
 * of a unit in flight (a long unit then moves the report along). */
void cr_progress_update(cr_progress *p, double done);

/* Prints the final line (elapsed time) and ends the report. */
void cr_progress_finish(cr_progress *p, size_t done);

/* Seconds since an arbitrary fixed point (monotonic clock). */
double cr_now(void);

#endif
