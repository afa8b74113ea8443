/* Helpers of the command-line program (apps/cli.h). */
#include "apps/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "credere %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'credere %s --help')\n", cmd);
    return 2;
}

int cli_fail(cr_status st, const cr_diag *d)
{
    fprintf(stderr, "credere: %s\n", d->msg[0] ? d->msg : cr_status_message(st));
    return cr_status_exit_code(st);
}

bool cli_is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Parses a positive integer option value; -1 when it is not one. */
long cli_parse_count(const char *s, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max)
        return -1;
    return v;
}

/* The command line, shell-quoted where needed, for provenance. */
char *cli_join_command_line(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 3;
    char *s = malloc(len), *o = s;
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool plain = *a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789-_./=:,+@%") == strlen(a);
        if (i)
            *o++ = ' ';
        if (plain) {
            o += sprintf(o, "%s", a);
        } else {
            *o++ = '\'';
            for (; *a; a++) {
                if (*a == '\'')
                    o += sprintf(o, "'\\''");
                else
                    *o++ = *a;
            }
            *o++ = '\'';
        }
    }
    *o = '\0';
    return s;
}

/* Consumes --set at argv[*i]; returns 0, or 2 on a usage error. */
int cli_take_set(const char *cmd, int argc, char **argv, int *i, cli_exp_args *a)
{
    const char *v = NULL;
    if (strncmp(argv[*i], "--set=", 6) == 0)
        v = argv[*i] + 6;
    else if (*i + 1 < argc)
        v = argv[++*i];
    else
        return cli_usage_error(cmd, "%s needs a value: --set dotted.key=value", argv[*i]);
    if (a->nsets >= CLI_MAX_SETS)
        return cli_usage_error(cmd, "too many --set options (at most %s)", "256");
    a->sets[a->nsets++] = v;
    return 0;
}

int cli_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Whether a and b name the same file (the same name, or the same inode). */
bool cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return strcmp(a, b) == 0 || (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
                                 sa.st_ino == sb.st_ino);
}

/* Checks that the output file path can be written before any work: it is not a
 * directory and its directory exists. 0, else 2 with a message on stderr (unless
 * quiet: the other MPI ranks). */
int cli_check_output(const char *path, bool quiet)
{
    struct stat st;
    const char *slash = strrchr(path, '/');
    char why[4200] = "";
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(why, sizeof why, "is a directory; -o needs a file name");
    } else if (slash) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
        if (stat(dir, &st) != 0)
            snprintf(why, sizeof why, "cannot write: the directory %s %s", dir,
                     errno == ENOENT ? "does not exist" : strerror(errno));
        else if (!S_ISDIR(st.st_mode))
            snprintf(why, sizeof why, "cannot write: %s is not a directory", dir);
    }
    if (!why[0])
        return 0;
    if (!quiet)
        fprintf(stderr, "credere: %s: %s (nothing was written)\n", path, why);
    return 2;
}
