/* Designs of experiments (experiments/design.h): the design section read from the
 * experiment file (the mapping and list forms), the cells (points x modes), the
 * mapping of unit coordinates to values (ranges, integer keys, value lists, names),
 * the cells' parameters, common versus independent random numbers, the per-point
 * structure a method records, and the errors with their positions. The unit-cube
 * samplers themselves are checked in test_sampling.c. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/design.h"
#include "experiments/setup.h"

static cr_params P;

/* CR_REQUIRE with the message of d shown when it fails. */
#define REQUIRE_LOADED(call, d)                                                                    \
    do {                                                                                           \
        cr_status st_ = (call);                                                                    \
        if (st_ != CR_OK)                                                                          \
            fprintf(stderr, "load: %s\n", (d).msg);                                                \
        CR_REQUIRE(st_ == CR_OK);                                                                  \
    } while (0)

/* Loads the defaults with these --set overrides; returns the status, message in d. */
static cr_status load(const char *const *sets, int n, cr_diag *d)
{
    return cr_experiment_load(NULL, sets, n, &P, NULL, d);
}

static void test_none(void)
{
    const char *sets[] = {"modes=[direct, single, alliance]"};
    cr_diag d;
    CR_REQUIRE(load(sets, 1, &d) == CR_OK);
    cr_design g;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g, &d) == CR_OK);
    CR_CHECK(g.ncells == 3 && g.npoints == 1 && g.nmodes == 3 && g.k == 0);
    CR_CHECK(strcmp(cr_design_cell_mode(&g, 0), "direct") == 0);
    CR_CHECK(strcmp(cr_design_cell_mode(&g, 2), "alliance") == 0);
    cr_params *c = malloc(sizeof *c);
    CR_REQUIRE(c);
    CR_CHECK(cr_design_cell_params(&g, &P, 1, c, &d) == CR_OK);
    CR_CHECK(memcmp(c, &P, sizeof P) == 0); /* no design: the cell is the experiment */
    free(c);
    cr_design_free(&g);
}

static void test_grid(void)
{
    const char *sets[] = {
        "modes=[direct, single]",
        "design.method=grid",
        "design.parameters={economy.cycle_ar1: {min: 0.2, max: 0.8, levels: 3}, "
        "network.group_size: [3, 5], population.pd.distribution: [beta, fixed]}",
    };
    cr_diag d;
    REQUIRE_LOADED(load(sets, 3, &d), d);
    cr_design g;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g, &d) == CR_OK);
    CR_CHECK(g.k == 3 && g.npoints == 12 && g.nmodes == 2 && g.ncells == 24);
    /* cell = point x 2 + mode; the first parameter varies slowest */
    const double ar[3] = {0.2, 0.5, 0.8};
    cr_params *c = malloc(sizeof *c);
    CR_REQUIRE(c);
    for (size_t cell = 0; cell < g.ncells; cell++) {
        size_t point = cell / 2, i0 = point / 4, i1 = (point / 2) % 2, i2 = point % 2;
        CR_CHECK(strcmp(cr_design_cell_mode(&g, cell), cell % 2 ? "single" : "direct") == 0);
        CR_CHECK_NEAR(cr_design_cell_value(&g, cell, 0), ar[i0], 1e-15);
        CR_CHECK(cr_design_cell_value(&g, cell, 1) == (i1 ? 5.0 : 3.0));
        CR_CHECK(cr_design_cell_value(&g, cell, 2) == (double)i2); /* names: the index */
        CR_REQUIRE(cr_design_cell_params(&g, &P, cell, c, &d) == CR_OK);
        CR_CHECK_NEAR(c->economy.cycle_ar1, ar[i0], 1e-15);
        CR_CHECK(c->network.group_size == (i1 ? 5 : 3));
        CR_CHECK(c->population.pd.distribution == (int)i2);
        CR_CHECK(c->experiment.seed == P.experiment.seed); /* common random numbers */
    }
    free(c);
    cr_design_output o;
    CR_REQUIRE(cr_design_output_make(&g, &o, &d) == CR_OK);
    CR_CHECK(o.nvars == 3);
    CR_CHECK(strcmp(o.vars[2].name, "population.pd.distribution") == 0);
    CR_CHECK(strcmp(o.var_attrs[2 * o.nvar_attrs + 3].text, "beta\nfixed") == 0);
    CR_CHECK(o.values[5 * o.nvars + 1] == cr_design_cell_value(&g, 5, 1));
    cr_design_output_free(&o);
    cr_design_free(&g);
}

/* Latin hypercube: a two-number list is a range; an integer key takes integers. */
static void test_lhs_ranges(void)
{
    const char *sets[] = {
        "design.method=lhs",
        "design.samples=50",
        "design.parameters=[{path: economy.cycle_ar1, values: [0.1, 0.9]}, "
        "{path: network.group_size, min: 3, max: 8}]",
    };
    cr_diag d;
    REQUIRE_LOADED(load(sets, 3, &d), d);
    cr_design g;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g, &d) == CR_OK);
    CR_CHECK(g.ncells == 50 && g.var[0].kind == CR_DV_RANGE && g.var[1].kind == CR_DV_NUMBERS);
    int seen[9] = {0};
    int strata[5] = {0}; /* 50 points: 10 in each fifth of [0.1, 0.9] */
    for (size_t c = 0; c < g.ncells; c++) {
        double x = cr_design_cell_value(&g, c, 0), n = cr_design_cell_value(&g, c, 1);
        CR_CHECK(x >= 0.1 && x <= 0.9);
        CR_CHECK(n >= 3 && n <= 8 && n == floor(n));
        seen[(int)n]++;
        strata[(int)((x - 0.1) / 0.8 * 5)]++;
    }
    for (int n = 3; n <= 8; n++)
        CR_CHECK(seen[n] >= 7 && seen[n] <= 10); /* 50/6 strata per integer, +-1 per edge */
    for (int s = 0; s < 5; s++)
        CR_CHECK(strata[s] == 10);
    /* the same file gives the same design; another seed another one */
    cr_design g2;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g2, &d) == CR_OK);
    CR_CHECK(memcmp(g.u, g2.u, g.npoints * g.k * sizeof *g.u) == 0);
    cr_design_free(&g2);
    P.experiment.seed++;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g2, &d) == CR_OK);
    CR_CHECK(memcmp(g.u, g2.u, g.npoints * g.k * sizeof *g.u) != 0);
    cr_design_free(&g2);
    cr_design_free(&g);
}

static void test_saltelli_structure_and_streams(void)
{
    const char *sets[] = {
        "modes=[direct, alliance]",
        "design.method=saltelli",
        "design.samples=8",
        "design.streams=independent",
        "design.parameters={economy.cycle_ar1: [0.1, 0.9], loans.recovery: [0.2, 0.6], "
        "economy.sector_loading: [0.0, 0.3]}",
    };
    cr_diag d;
    REQUIRE_LOADED(load(sets, 5, &d), d);
    cr_design g;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g, &d) == CR_OK);
    CR_CHECK(g.npoints == 8 * 5 && g.ncells == 80 && g.nstruct == 2);
    /* AB_i (code 1 + i) equals A (code 0) of its sample except parameter i */
    for (size_t s = 0; s < 8; s++) {
        size_t a = s * 5, b = s * 5 + 4;
        CR_CHECK(g.struct_values[a * 2] == (double)s && g.struct_values[a * 2 + 1] == 0.0);
        CR_CHECK(g.struct_values[b * 2 + 1] == 1.0);
        for (size_t i = 0; i < 3; i++) {
            size_t ab = a + 1 + i;
            CR_CHECK(g.struct_values[ab * 2 + 1] == (double)(2 + i));
            for (size_t j = 0; j < 3; j++) {
                double want = j == i ? cr_design_cell_value(&g, b * 2, j)
                                     : cr_design_cell_value(&g, a * 2, j);
                CR_CHECK(cr_design_cell_value(&g, ab * 2, j) == want);
            }
        }
    }
    /* independent streams: every cell its own seed, the same on every call */
    cr_params *c1 = malloc(sizeof *c1), *c2 = malloc(sizeof *c2);
    CR_REQUIRE(c1 && c2);
    CR_CHECK(cr_design_cell_params(&g, &P, 0, c1, &d) == CR_OK);
    CR_CHECK(cr_design_cell_params(&g, &P, 1, c2, &d) == CR_OK);
    CR_CHECK(c1->experiment.seed != c2->experiment.seed);
    CR_CHECK(c1->experiment.seed != P.experiment.seed);
    uint64_t s0 = c1->experiment.seed;
    CR_CHECK(cr_design_cell_params(&g, &P, 0, c1, &d) == CR_OK && c1->experiment.seed == s0);
    CR_CHECK_NEAR(c1->loans.recovery, cr_design_cell_value(&g, 0, 1), 0.0);
    free(c1);
    free(c2);
    cr_design_free(&g);
}

static void test_mode_parameter_and_morris(void)
{
    const char *sets[] = {
        "modes=[direct]",
        "design.method=morris",
        "design.samples=3",
        "design.levels=4",
        "design.parameters={mode: [direct, single, alliance], economy.cycle_ar1: [0, 0.9]}",
    };
    cr_diag d;
    REQUIRE_LOADED(load(sets, 5, &d), d);
    cr_design g;
    CR_REQUIRE(cr_design_build(&P, NULL, NULL, &g, &d) == CR_OK);
    CR_CHECK(g.nmodes == 1 && g.ncells == 3 * 3 && g.mode_var == 0 && g.nstruct == 3);
    int modes_seen = 0;
    for (size_t c = 0; c < g.ncells; c++) {
        const char *m = cr_design_cell_mode(&g, c);
        CR_CHECK(strcmp(m, "direct") == 0 || strcmp(m, "single") == 0 ||
                 strcmp(m, "alliance") == 0);
        modes_seen |= 1 << (m[0] == 'd' ? 0 : m[0] == 's' ? 1 : 2);
        double x = cr_design_cell_value(&g, c, 1); /* on the 4-level grid of [0, 0.9] */
        CR_CHECK_NEAR(x / 0.3, round(x / 0.3), 1e-9);
    }
    CR_CHECK(modes_seen != 0);
    cr_design_output o; /* `mode` is /design/mode, not a numeric column */
    CR_REQUIRE(cr_design_output_make(&g, &o, &d) == CR_OK);
    CR_CHECK(o.nvars == 1 + 3 && strcmp(o.vars[0].name, "economy.cycle_ar1") == 0);
    cr_design_output_free(&o);
    cr_design_free(&g);
}

/* Each bad design is an error naming the key, with its message. */
static void test_errors(void)
{
    static const struct {
        const char *sets[4];
        const char *want;
    } cases[] = {
        {{"design.method=lhs", "design.samples=4", "design.parameters={economy.cycle_ar2: [0, 1]}"},
         "design.parameters[0].path: unknown key"},
        {{"design.method=lhs", "design.samples=4",
          "design.parameters={economy.cycle_ar1: "
          "{min: 0.9, max: 0.1}}"},
         "design.parameters[0].min: the range [0.9, 0.1] has min > max"},
        {{"design.method=saltelli", "design.samples=48",
          "design.parameters={loans.recovery: "
          "[0, 1]}"},
         "design.samples: 48 is not a power of two"},
        {{"design.method=lhs", "design.samples=4", "design.parameters={loans.recovery: [0, 1.5]}"},
         "design.parameters[0].values: expected a number in [0, 1], got 1.5"},
        {{"design.method=lhs", "design.samples=4",
          "design.parameters={experiment.periods: [4, 8]}"},
         "experiment.periods cannot be varied by a design"},
        {{"design.method=grid", "design.parameters={mode: [direct, direkt]}", NULL},
         "unknown mode 'direkt'"},
        {{"design.method=lhs", "design.parameters={loans.recovery: [0, 1]}", NULL},
         "design.method: lhs needs design.samples > 0"},
        {{"design.method=morris", "design.samples=2", "design.levels=5"},
         "design.levels: Morris needs an even number of levels"},
        {{"design.parameters={loans.recovery: [0, 1]}", NULL, NULL},
         "design.parameters: parameters are given but design.method is none"},
        {{"design.method=grid",
          "design.parameters={loans.recovery: [0.1, 0.2], bank.pricing: "
          "{min: 0, max: 1}}",
          NULL},
         "design.parameters[1].min: bank.pricing takes names"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = 0;
        while (n < 4 && cases[i].sets[n])
            n++;
        cr_diag d;
        cr_status st = load(cases[i].sets, n, &d);
        CR_CHECK_MSG(st == CR_ECONFIG, "case %zu: status %d", i, (int)st);
        CR_CHECK_MSG(strstr(d.msg, cases[i].want) != NULL, "case %zu: '%s' lacks '%s'", i, d.msg,
                     cases[i].want);
    }
    /* more parameters than the Sobol generator has dimensions (2k > 40) */
    char big[2048] = "design.parameters={";
    const char *keys[] = {"economy.cycle_ar1",
                          "loans.recovery",
                          "economy.sector_loading",
                          "economy.region_loading",
                          "population.demand_probability",
                          "population.partner_share",
                          "population.equity.payout",
                          "population.loan_size.cv",
                          "population.collateral.mean",
                          "population.collateral.sd",
                          "population.equity.ratio",
                          "population.equity.cv",
                          "bank.margin",
                          "bank.funding_rate",
                          "bank.cost_of_equity",
                          "bank.screening_noise",
                          "bank.dividend_payout",
                          "network.coverage",
                          "network.pair_share",
                          "network.reciprocity",
                          "supply.receivable"};
    for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "%s%s: [0.01, 0.02]", j ? ", " : "",
                 keys[j]);
    strcat(big, "}");
    const char *sets[] = {"design.method=saltelli", "design.samples=4", big};
    cr_diag d;
    CR_CHECK(load(sets, 3, &d) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(d.msg, "Sobol");
}

int main(void)
{
    CR_RUN(test_none);
    CR_RUN(test_grid);
    CR_RUN(test_lhs_ranges);
    CR_RUN(test_saltelli_structure_and_streams);
    CR_RUN(test_mode_parameter_and_morris);
    CR_RUN(test_errors);
    return cr_test_report();
}
