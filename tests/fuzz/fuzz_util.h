/* Helpers shared by the libFuzzer targets of tests/fuzz (one translation unit each):
 * a private scratch directory for the readers that take a path, and the checks
 * every target makes of a reader's answer.
 *
 * The readers of credere take file names, so a target writes its input to a file
 * in a directory made once per process (mkdtemp under $TMPDIR or /tmp) and removed
 * at exit. A harness failure (no directory, disk full) aborts with a message that
 * says so, which libFuzzer reports like a crash: it is not a finding.
 */
#ifndef CR_FUZZ_UTIL_H
#define CR_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <gsl/gsl_errno.h>

#include "core/status.h"

/* libFuzzer's entry points (prototypes for -Wmissing-prototypes). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PATH_MAX 4096
#define FUZZ_MAX_FILES 8

static char fuzz_dir[FUZZ_PATH_MAX];
static char fuzz_file[FUZZ_MAX_FILES][FUZZ_PATH_MAX];
static int fuzz_nfiles;

static void fuzz_cleanup(void)
{
    for (int i = 0; i < fuzz_nfiles; i++)
        remove(fuzz_file[i]);
    if (fuzz_dir[0])
        rmdir(fuzz_dir);
}

/* A harness failure: not a finding. */
static void fuzz_harness_fail(const char *what)
{
    fprintf(stderr, "fuzz harness failure (not a finding): %s\n", what);
    abort();
}

/* Makes the scratch directory (once). */
static inline void fuzz_init_dir(void)
{
    if (fuzz_dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/credere-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir))
        fuzz_harness_fail("cannot make the scratch directory");
    atexit(fuzz_cleanup);
}

/* What `credere` does at start-up (apps/credere.c), then the scratch directory:
 * GSL's default error handler aborts, the library expects it off. */
static inline void fuzz_init_process(void)
{
    gsl_set_error_handler_off();
    fuzz_init_dir();
}

/* The path of `name` in the scratch directory (removed at exit). */
static inline const char *fuzz_path(const char *name)
{
    fuzz_init_dir();
    char p[FUZZ_PATH_MAX];
    int len = snprintf(p, sizeof p, "%s/%s", fuzz_dir, name);
    if (len < 0 || (size_t)len >= sizeof p)
        fuzz_harness_fail("scratch path too long");
    for (int i = 0; i < fuzz_nfiles; i++)
        if (strcmp(fuzz_file[i], p) == 0)
            return fuzz_file[i];
    if (fuzz_nfiles == FUZZ_MAX_FILES)
        fuzz_harness_fail("too many scratch files");
    memcpy(fuzz_file[fuzz_nfiles], p, sizeof p);
    return fuzz_file[fuzz_nfiles++];
}

/* Replaces the file at path with the n bytes at data. */
static inline void fuzz_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n > 0 && fwrite(data, 1, n, f) != n) || fclose(f) != 0)
        fuzz_harness_fail("cannot write a scratch file");
}

/* Removes the files in directory path (not the directory). */
static inline void fuzz_empty_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char p[FUZZ_PATH_MAX + 256];
            int len = snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            if (len > 0 && (size_t)len < sizeof p)
                remove(p);
        }
    if (dir)
        closedir(dir);
}

/* A NUL-terminated copy of n bytes. */
static inline char *fuzz_text(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        fuzz_harness_fail("out of memory");
    if (n > 0)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/* A reader's answer: CR_OK, or one of the statuses `allowed` (a bit per cr_status)
 * with a non-empty message. Anything else is a finding: print and abort. */
static inline void fuzz_check_status(const char *who, cr_status st, const cr_diag *d,
                                     unsigned allowed)
{
    if (st == CR_OK)
        return;
    if ((unsigned)st < 32 && (allowed & (1u << st)) && d->msg[0] &&
        memchr(d->msg, '\0', sizeof d->msg))
        return;
    fprintf(stderr, "%s: unexpected answer: status %d (%s), message '%.*s'\n", who, (int)st,
            cr_status_message(st), (int)sizeof d->msg, d->msg);
    abort();
}

#define FUZZ_ALLOW(s) (1u << (s))

/* A failed property of a reader's answer: print and abort. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s: ", #cond);                                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
