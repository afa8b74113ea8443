/* credere meanfield: the replicator dynamics of learned project choice
 * (models/meanfield.h) for each mode of an experiment, as a CSV file. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "core/status.h"
#include "cr_buildinfo.h"
#include "experiments/setup.h"
#include "models/meanfield.h"
#include "models/mode.h"

/* The mean-field CSV: a comment header with the game of each mode, then one row per
 * period. */
static void meanfield_write(FILE *f, const cr_params *p, const char *exp, const char *cmdline,
                            const cr_mf_game *g, const double *x, int discrete)
{
    const int T = (int)p->experiment.periods, nm = p->modes.n;
    const double x0 = p->behaviour.risk.initial_share;
    fprintf(f, "# credere meanfield: replicator dynamics of learned project choice "
               "(models/meanfield.h)\n");
    fprintf(f, "# experiment %s (%s); credere %s (git %s)\n", p->experiment.name, exp,
            CR_VERSION_STRING, CR_GIT_REVISION);
    fprintf(f, "# command: %s\n", cmdline);
    fprintf(f,
            "# x0 = behaviour.risk.initial_share = %.10g; revision_rate %.10g; payoff_range "
            "%.10g; %d periods; %s\n",
            x0, p->behaviour.learning.revision_rate, p->behaviour.learning.payoff_range, T,
            discrete ? "the expected one-period map (--discrete)"
                     : "ODE, GSL rk8pd at tolerance 1e-10");
    fprintf(f,
            "# per period: safe project success %.10g and return %.10g; risky project success "
            "%.10g and return %.10g\n",
            g[0].s_safe, g[0].ret_safe, g[0].s_risky, g[0].ret_risky);
    for (int k = 0; k < nm; k++) {
        const cr_mf_game *gk = &g[k];
        double qbar = x0 * (1.0 - gk->s_risky) + (1.0 - x0) * (1.0 - gk->s_safe);
        double liab = gk->n > 1 ? qbar * gk->members_share : 0.0;
        fprintf(f,
                "# %s: group size %d; rate %.10g per period (exact PD %.10g); cost %.10g; "
                "fail_cost %.10g; members_share %.10g; at x0: liability %.10g, U_s %.10g, "
                "U_r %.10g\n",
                p->modes.item[k], gk->n, gk->rate, gk->q, gk->cost, gk->fail_cost,
                gk->members_share, liab, cr_meanfield_payoff(gk, 0, liab),
                cr_meanfield_payoff(gk, 1, liab));
    }
    fprintf(f, "# columns: period, then each mode's share of risky borrowers (the metric "
               "risky_share)\nperiod");
    for (int k = 0; k < nm; k++)
        fprintf(f, ",%s", p->modes.item[k]);
    fputc('\n', f);
    for (int t = 0; t <= T; t++) {
        fprintf(f, "%d", t);
        for (int k = 0; k < nm; k++)
            fprintf(f, ",%.12g", x[(size_t)k * (size_t)(T + 1) + (size_t)t]);
        fputc('\n', f);
    }
}

/* Whether the caveats c hold the line l (len characters, without its newline). */
static bool has_line(const char *c, const char *l, size_t len)
{
    for (const char *p = c; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == len && strncmp(p, l, len) == 0)
            return true;
        p += n + (e != NULL);
    }
    return false;
}

/* Where the experiment departs from the mean field's assumptions, once per line:
 * with the modes it concerns unless it concerns all. */
static void meanfield_notes(const cr_params *p, const cr_mf_game *g)
{
    const int nm = p->modes.n;
    for (int k = 0; k < nm; k++) {
        for (const char *c = g[k].caveats; *c;) {
            const char *e = strchr(c, '\n');
            size_t len = e ? (size_t)(e - c) : strlen(c);
            bool seen = false, all = true;
            for (int j = 0; j < nm; j++) {
                bool has = has_line(g[j].caveats, c, len);
                seen |= j < k && has;
                all &= has;
            }
            if (!seen) {
                fprintf(stderr, "credere meanfield: note: %.*s", (int)len, c);
                for (int j = 0, first = 1; !all && j < nm; j++)
                    if (has_line(g[j].caveats, c, len)) {
                        fprintf(stderr, "%s%s", first ? " (" : ", ", p->modes.item[j]);
                        first = 0;
                    }
                fputs(all ? "\n" : ")\n", stderr);
            }
            c += len + (e != NULL);
        }
    }
}

int cli_cmd_meanfield(int argc, char **argv)
{
    cli_exp_args a = {0};
    const char *out = NULL;
    bool force = false, discrete = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_is_help(s))
            return cli_print_help("meanfield");
        if (strcmp(s, "--set") == 0 || strncmp(s, "--set=", 6) == 0) {
            int rc = cli_take_set("meanfield", argc, argv, &i, &a);
            if (rc)
                return rc;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (++i >= argc)
                return cli_usage_error("meanfield", "%s needs a file name", s);
            out = argv[i];
        } else if (strcmp(s, "--force") == 0) {
            force = true;
        } else if (strcmp(s, "--discrete") == 0) {
            discrete = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("meanfield", "unknown option '%s'", s);
        } else if (!a.exp) {
            a.exp = s;
        } else {
            return cli_usage_error("meanfield",
                                   "unexpected argument '%s' (one experiment file only)", s);
        }
    }
    if (!a.exp)
        return cli_usage_error("meanfield", "%s",
                               "missing the experiment file: credere meanfield EXP.yaml");
    cr_params p;
    cr_diag d;
    cr_diag_clear(&d);
    cr_status st = cr_experiment_load(a.exp, a.sets, a.nsets, &p, NULL, &d);
    if (st != CR_OK)
        return cli_fail(st, &d);
    if (out && strcmp(out, "-") == 0)
        out = NULL; /* standard output */
    if (out && cli_check_output(out, false))
        return 2;
    if (out && !force && cli_file_exists(out)) {
        fprintf(stderr,
                "credere: %s: output exists; use --force to replace it (nothing was written)\n",
                out);
        return 2;
    }
    const int nm = p.modes.n, T = (int)p.experiment.periods;
    cr_mf_game *g = calloc((size_t)nm, sizeof *g);
    double *x = malloc((size_t)nm * (size_t)(T + 1) * sizeof *x);
    if (!g || !x) {
        free(g);
        free(x);
        return cli_fail(CR_ENOMEM, &d);
    }
    for (int k = 0; st == CR_OK && k < nm; k++) {
        const cr_mode_type *mode = cr_mode_find(p.modes.item[k]);
        st = mode ? cr_meanfield_game(&p, mode, &g[k], &d)
                  : cr_diag_set(&d, CR_ECONFIG, "modes: unknown mode '%s'", p.modes.item[k]);
        if (st == CR_OK)
            st = cr_meanfield_path(&g[k], p.behaviour.risk.initial_share, T, discrete,
                                   x + (size_t)k * (size_t)(T + 1), &d);
    }
    if (st != CR_OK) {
        free(g);
        free(x);
        return cli_fail(st, &d);
    }
    meanfield_notes(&p, g);
    char *cmdline = cli_join_command_line(argc + 1, argv - 1);
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        cr_diag_set(&d, CR_EIO, "%s: cannot write: %s", out, strerror(errno));
        st = CR_EIO;
    } else {
        meanfield_write(f, &p, a.exp, cmdline ? cmdline : "credere meanfield", g, x, discrete);
        if (out && fclose(f) != 0) {
            cr_diag_set(&d, CR_EIO, "%s: cannot write: %s", out, strerror(errno));
            st = CR_EIO;
        }
    }
    free(cmdline);
    free(g);
    free(x);
    if (st != CR_OK)
        return cli_fail(st, &d);
    if (out)
        printf("meanfield: %d modes, %d periods\nresults: %s\n", nm, T, out);
    return 0;
}
