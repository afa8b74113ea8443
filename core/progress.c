#include "core/progress.h"

#include <time.h>
#include <unistd.h>

double cr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void format_duration(char *buf, size_t len, double s)
{
    if (!(s >= 0) || s > 1e8)
        snprintf(buf, len, "--");
    else if (s < 60)
        snprintf(buf, len, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, len, "%dh%02dm", (int)(s / 3600), ((int)s % 3600) / 60);
}

static void print_line(cr_progress *p, double done_units, double now, int final)
{
    double elapsed = now - p->t0;
    size_t done = (size_t)done_units;
    double rate = elapsed > 0 ? done_units / elapsed : 0.0;
    double pct = p->total ? 100.0 * done_units / (double)p->total : 100.0;
    char eta[32], el[32];
    format_duration(eta, sizeof eta, rate > 0 ? ((double)p->total - done_units) / rate : -1);
    format_duration(el, sizeof el, elapsed);
    if (p->tty) {
        int width = 30, fill = (int)(pct / 100.0 * width + 0.5);
        fputc('\r', p->out);
        fputc('[', p->out);
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : '.', p->out);
        fprintf(p->out, "] %5.1f%%  %zu/%zu units  %.2f units/s  %s %s\033[K", pct, done, p->total,
                rate, final ? "elapsed" : "ETA", final ? el : eta);
        if (final)
            fputc('\n', p->out);
    } else {
        fprintf(p->out, "progress: %5.1f%%  %zu/%zu units  %.2f units/s  %s %s\n", pct, done,
                p->total, rate, final ? "elapsed" : "ETA", final ? el : eta);
    }
    fflush(p->out);
}

void cr_progress_start(cr_progress *p, FILE *out, size_t total, bool quiet)
{
    p->out = out;
    p->quiet = quiet || !out;
    p->tty = out && isatty(fileno(out));
    p->total = total;
    p->t0 = p->last = cr_now();
    p->interval = p->tty ? 0.2 : 5.0;
    p->last_done = 0;
    if (!p->quiet && p->tty)
        print_line(p, 0.0, p->t0, 0);
}

void cr_progress_update(cr_progress *p, double done)
{
    if (p->quiet)
        return;
    double now = cr_now();
    if (now - p->last >= p->interval) {
        print_line(p, done, now, 0);
        p->last = now;
        p->last_done = done;
    }
}

void cr_progress_finish(cr_progress *p, size_t done)
{
    if (!p->quiet)
        print_line(p, (double)done, cr_now(), 1);
}
