/* Shared by the command-line program's files (apps/): option parsing, messages and
 * exit statuses (0 success, 1 runtime failure, 2 bad usage or bad input, 3
 * interrupted; ARCHITECTURE.md), and the commands that live in their own file. */
#ifndef CR_CLI_H
#define CR_CLI_H

#include <stdbool.h>

#include "core/status.h"

#define CLI_MAX_SETS 256

/* Options shared by run, check and bench: the experiment file and its --set. */
typedef struct {
    const char *exp;
    const char *sets[CLI_MAX_SETS];
    int nsets;
} cli_exp_args;

/* "credere CMD: " fmt (with arg) and a pointer to the command's help on stderr; 2. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);

/* d's message (or the status's) on stderr; the exit status of st. */
int cli_fail(cr_status st, const cr_diag *d);

/* Whether a is --help or -h. */
bool cli_is_help(const char *a);

/* The help text of cmd on stdout; 0. */
int cli_print_help(const char *cmd);

/* Parses a positive integer option value up to max; -1 when it is not one. */
long cli_parse_count(const char *s, long max);

/* The command line, shell-quoted where needed, for provenance (malloc'd; NULL when
 * out of memory). */
char *cli_join_command_line(int argc, char **argv);

/* Consumes --set at argv[*i]; returns 0, or 2 on a usage error. */
int cli_take_set(const char *cmd, int argc, char **argv, int *i, cli_exp_args *a);

/* Whether path exists. */
int cli_file_exists(const char *path);

/* Whether a and b name the same file (the same name, or the same inode). */
bool cli_same_file(const char *a, const char *b);

/* Checks that the output file path can be written before any work: it is not a
 * directory and its directory exists. 0, else 2 with a message on stderr (unless
 * quiet: the other MPI ranks). */
int cli_check_output(const char *path, bool quiet);

/* Commands in their own file: argv[0] is the command's name; the exit status. */
int cli_cmd_bench(int argc, char **argv);     /* apps/cmd_bench.c */
int cli_cmd_meanfield(int argc, char **argv); /* apps/cmd_meanfield.c */

#endif
