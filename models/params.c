#include "models/params.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "models/mode.h"
#include "models/model.h"

#define OFF(member) offsetof(cr_params, member)
#define NO_RANGE CR_RANGE_NONE, 0, 0
#define GE(lo) CR_RANGE_MIN, (lo), 0
#define GT(lo) (CR_RANGE_MIN | CR_RANGE_MIN_OPEN), (lo), 0
#define IN(lo, hi) (CR_RANGE_MIN | CR_RANGE_MAX), (lo), (hi)
#define IN_OPEN(lo, hi)                                                                            \
    (CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MIN_OPEN | CR_RANGE_MAX_OPEN), (lo), (hi)
#define IN_LO_OPEN(lo, hi) (CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MIN_OPEN), (lo), (hi)

static const char *const pd_distributions[] = {"beta", "fixed", NULL};

/* clang-format off */
static const cr_field fields[] = {
    /* experiment */
    {"experiment.name", CR_FT_STRING, OFF(experiment.name), "experiment", NO_RANGE, NULL, "",
     "name of the experiment, stored in the results file"},
    {"experiment.description", CR_FT_STRING, OFF(experiment.description), "\"\"", NO_RANGE, NULL, "",
     "free text stored in the results file"},
    {"experiment.seed", CR_FT_UINT64, OFF(experiment.seed), "20261127", NO_RANGE, NULL, "",
     "root seed of every random stream"},
    {"experiment.replications", CR_FT_INT, OFF(experiment.replications), "10", IN(1, 1e9), NULL,
     "", "Monte Carlo replications per cell"},
    {"experiment.periods", CR_FT_INT, OFF(experiment.periods), "40", IN(1, 1e6), NULL, "periods",
     "simulated periods per replication"},
    {"experiment.burn_in", CR_FT_INT, OFF(experiment.burn_in), "8", GE(0), NULL, "periods",
     "leading periods the analysis discards (all periods are still written)"},
    {"experiment.periods_per_year", CR_FT_INT, OFF(experiment.periods_per_year), "4", IN(1, 365),
     NULL, "1/year", "periods in a year (4: quarters); annual rates and PDs are converted"},
    /* population */
    {"population.smes", CR_FT_INT, OFF(population.smes), "10000", IN(1, 2e9), NULL, "SMEs",
     "number of SMEs (kept stable by entry)"},
    {"population.banks", CR_FT_INT, OFF(population.banks), "10", IN(1, 1e5), NULL, "banks",
     "number of banks; each SME applies to its home bank"},
    {"population.sectors", CR_FT_INT, OFF(population.sectors), "8", IN(1, 65535), NULL, "",
     "number of sectors (each with its own factor)"},
    {"population.regions", CR_FT_INT, OFF(population.regions), "4", IN(1, 65535), NULL, "",
     "number of regions (each with its own factor)"},
    {"population.pd.distribution", CR_FT_ENUM, OFF(population.pd.distribution), "beta", NO_RANGE,
     pd_distributions, "", "distribution of the hidden baseline PD: beta (mean, sd) or fixed (mean)"},
    {"population.pd.mean", CR_FT_DOUBLE, OFF(population.pd.mean), "0.04", IN_OPEN(0, 1), NULL,
     "1/year", "mean annual probability of default"},
    {"population.pd.sd", CR_FT_DOUBLE, OFF(population.pd.sd), "0.03", GE(0), NULL, "1/year",
     "standard deviation of the annual PD across SMEs (beta only)"},
    {"population.loan_size.mean", CR_FT_DOUBLE, OFF(population.loan_size.mean), "1.0", GT(0), NULL,
     "million yuan", "mean loan demand (lognormal)"},
    {"population.loan_size.cv", CR_FT_DOUBLE, OFF(population.loan_size.cv), "0.8", GE(0), NULL, "1",
     "coefficient of variation of loan demand"},
    {"population.collateral.mean", CR_FT_DOUBLE, OFF(population.collateral.mean), "0.3",
     IN(0, 1), NULL, "1", "mean collateral value as a share of the loan (beta on [0, 1])"},
    {"population.collateral.sd", CR_FT_DOUBLE, OFF(population.collateral.sd), "0.2", GE(0), NULL,
     "1", "standard deviation of the collateral share"},
    {"population.equity.ratio", CR_FT_DOUBLE, OFF(population.equity.ratio), "0.2", GE(0), NULL,
     "1", "mean liquid equity as a share of loan demand"},
    {"population.equity.cv", CR_FT_DOUBLE, OFF(population.equity.cv), "0.5", GE(0), NULL, "1",
     "coefficient of variation of liquid equity (lognormal)"},
    {"population.demand_probability", CR_FT_DOUBLE, OFF(population.demand_probability), "0.8",
     IN(0, 1), NULL, "1", "probability that an SME without a loan applies in a period"},
    {"population.exclusion_periods", CR_FT_INT, OFF(population.exclusion_periods), "4", IN(0, 1e6),
     NULL, "periods", "periods a failed SME's slot stays empty before an entrant replaces it"},
    /* economy */
    {"economy.systemic_loading", CR_FT_DOUBLE, OFF(economy.systemic_loading), "0.3", IN(0, 1), NULL,
     "1", "loading w_z on the systemic AR(1) factor (sqrt of the asset correlation)"},
    {"economy.sector_loading", CR_FT_DOUBLE, OFF(economy.sector_loading), "0.2", IN(0, 1), NULL,
     "1", "loading w_s on the SME's sector factor"},
    {"economy.region_loading", CR_FT_DOUBLE, OFF(economy.region_loading), "0.15", IN(0, 1), NULL,
     "1", "loading w_g on the SME's region factor"},
    {"economy.cycle_ar1", CR_FT_DOUBLE, OFF(economy.cycle_ar1), "0.8", IN_OPEN(-1, 1), NULL, "1",
     "AR(1) coefficient phi of the systemic factor (stationary, unit variance)"},
    /* loans */
    {"loans.maturity", CR_FT_INT, OFF(loans.maturity), "4", IN(1, 1000), NULL, "periods",
     "maturity of a loan (bullet repayment; interest paid each period)"},
    {"loans.recovery", CR_FT_DOUBLE, OFF(loans.recovery), "0.2", IN(0, 1), NULL, "1",
     "share of the loan recovered from a failed project, before collateral"},
    {"loans.project_return", CR_FT_DOUBLE, OFF(loans.project_return), "0.15", GE(0), NULL,
     "1/year", "annual return of a project that does not fail, per unit of loan"},
    /* bank */
    {"bank.funding_rate", CR_FT_DOUBLE, OFF(bank.funding_rate), "0.03", IN(0, 1), NULL, "1/year",
     "banks' funding (deposit) rate r_f"},
    {"bank.cost_of_equity", CR_FT_DOUBLE, OFF(bank.cost_of_equity), "0.10", IN(0, 1), NULL,
     "1/year", "required return on bank capital (capital cost = min ratio x weight x (coe - r_f))"},
    {"bank.margin", CR_FT_DOUBLE, OFF(bank.margin), "0.01", IN(0, 1), NULL, "1/year",
     "pricing margin over the break-even rate"},
    {"bank.capital_ratio_min", CR_FT_DOUBLE, OFF(bank.capital_ratio_min), "0.08", IN_LO_OPEN(0, 1),
     NULL, "1", "minimum capital ratio: risk-weighted assets <= capital / this"},
    {"bank.initial_capital_ratio", CR_FT_DOUBLE, OFF(bank.initial_capital_ratio), "0.04", GT(0),
     NULL, "1",
     "initial capital as a share of the risk-weighted loan demand of all the bank's SMEs"},
    {"bank.risk_weight", CR_FT_DOUBLE, OFF(bank.risk_weight), "0.75", IN(0, 10), NULL, "1",
     "risk weight of an SME loan (Basel standardised: 75 %)"},
    {"bank.screening_noise", CR_FT_DOUBLE, OFF(bank.screening_noise), "1.0", GE(0), NULL,
     "logit", "sd of the bank's signal of an SME's logit PD (0: perfect information)"},
    {"bank.max_pd", CR_FT_DOUBLE, OFF(bank.max_pd), "0.15", IN(0, 1), NULL, "1/year",
     "highest estimated annual PD a bank accepts"},
    {"bank.max_rate", CR_FT_DOUBLE, OFF(bank.max_rate), "0.24", GE(0), NULL, "1/year",
     "highest annual loan rate (applicants priced above it are refused)"},
    {"bank.dividend_payout", CR_FT_DOUBLE, OFF(bank.dividend_payout), "0.9", IN(0, 1), NULL, "1",
     "share of a period's positive profit paid out as dividends"},
    {"bank.target_capital_ratio", CR_FT_DOUBLE, OFF(bank.target_capital_ratio), "0.10", IN(0, 1),
     NULL, "1", "no dividend takes capital below this ratio of risk-weighted loans"},
    /* modes */
    {"modes", CR_FT_STRLIST, OFF(modes), "[direct]", NO_RANGE, NULL, "",
     "financing modes to run (credere modes lists them); each is one cell"},
    {"direct.min_collateral", CR_FT_DOUBLE, OFF(direct.min_collateral), "0.2", IN(0, 10), NULL, "1",
     "direct mode: collateral share a bank requires of an unguaranteed loan"},
    /* output */
    {"output.compression", CR_FT_INT, OFF(output.compression), "4", IN(0, 9), NULL, "",
     "deflate level of the results file (0: none)"},
};
/* clang-format on */

static cr_status validate(const cr_schema *schema, const void *cfg, const cr_origin *origins,
                          const char *file, cr_diag *d)
{
    const cr_params *p = cfg;
    double wz = p->economy.systemic_loading, ws = p->economy.sector_loading,
           wg = p->economy.region_loading;
    double sq = wz * wz + ws * ws + wg * wg;
    if (sq > 1.0 + 1e-12)
        return cr_config_error(schema, origins, file, "economy.systemic_loading", d,
                               "the squared loadings sum to %.6g (systemic %.6g, sector %.6g, "
                               "region %.6g); they must sum to at most 1",
                               sq, wz, ws, wg);
    if (p->experiment.burn_in >= p->experiment.periods)
        return cr_config_error(schema, origins, file, "experiment.burn_in", d,
                               "burn_in (%lld) must be smaller than periods (%lld)",
                               (long long)p->experiment.burn_in, (long long)p->experiment.periods);
    double m = p->population.pd.mean, s = p->population.pd.sd;
    if (p->population.pd.distribution == CR_PD_BETA && s > 0 && s * s >= m * (1 - m))
        return cr_config_error(schema, origins, file, "population.pd.sd", d,
                               "a beta distribution with mean %g needs sd < sqrt(mean (1 - mean)) "
                               "= %.6g, got %g",
                               m, sqrt(m * (1 - m)), s);
    double prior_mean, prior_prec;
    char why[512];
    if (cr_lender_prior(p, &prior_mean, &prior_prec, why, sizeof why) == CR_ECONFIG)
        return cr_config_error(schema, origins, file, "population.pd.sd", d, "%s", why);
    m = p->population.collateral.mean;
    s = p->population.collateral.sd;
    if (s > 0 && (m <= 0 || m >= 1 || s * s >= m * (1 - m)))
        return cr_config_error(schema, origins, file, "population.collateral.sd", d,
                               "a beta distribution with mean %g needs 0 < mean < 1 and sd < "
                               "sqrt(mean (1 - mean)) = %.6g, got %g",
                               m, sqrt(m * (1 - m)), s);
    if (p->modes.n < 1)
        return cr_config_error(schema, origins, file, "modes", d, "name at least one mode");
    for (int i = 0; i < p->modes.n; i++) {
        const char *name = p->modes.item[i];
        if (!cr_mode_find(name)) {
            const char *names[64];
            size_t n = cr_mode_names(names, 64);
            const char *best = cr_suggest(name, names, n);
            char known[512] = "";
            for (size_t k = 0; k < n; k++) {
                strncat(known, k ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, names[k], sizeof known - strlen(known) - 1);
            }
            if (best)
                return cr_config_error(schema, origins, file, "modes", d,
                                       "unknown mode '%s'; did you mean '%s'? (known: %s)", name,
                                       best, known);
            return cr_config_error(schema, origins, file, "modes", d,
                                   "unknown mode '%s' (known: %s)", name, known);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(p->modes.item[j], name) == 0)
                return cr_config_error(schema, origins, file, "modes", d,
                                       "mode '%s' is listed twice", name);
    }
    return CR_OK;
}

static const cr_schema schema = {fields, sizeof fields / sizeof fields[0], validate};

const cr_schema *cr_params_schema(void)
{
    return &schema;
}
