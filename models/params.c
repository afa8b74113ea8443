#include "models/params.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/mode.h"
#include "models/panel.h"
#include "models/model.h"
#include "models/netfile.h"
#include "models/waterfall.h"

#define OFF(member) offsetof(cr_params, member)
#define NO_RANGE CR_RANGE_NONE, 0, 0
#define GE(lo) CR_RANGE_MIN, (lo), 0
#define GT(lo) (CR_RANGE_MIN | CR_RANGE_MIN_OPEN), (lo), 0
#define IN(lo, hi) (CR_RANGE_MIN | CR_RANGE_MAX), (lo), (hi)
#define IN_OPEN(lo, hi)                                                                            \
    (CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MIN_OPEN | CR_RANGE_MAX_OPEN), (lo), (hi)
#define IN_LO_OPEN(lo, hi) (CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MIN_OPEN), (lo), (hi)

static const char *const pd_distributions[] = {"beta", "fixed", NULL};
static const char *const capital_rules[] = {"standardised", "irb", NULL};
static const char *const pricings[] = {"break_even", "stiglitz_weiss", NULL};
/* behaviour rules, in the order of CR_RULE_* */
static const char *const rules[] = {"off", "fixed", "best_response", "imitation", NULL};
static const char *const logit_rules[] = {"off", "logit", NULL};
static const char *const matchings[] = {"random", "free", NULL};
static const char *const sharings[] = {"none", "private", "shared", "public", NULL};
/* "none" and the built-in generators of models/netgen.h, in that order */
static const char *const network_generators[] = {"none",  "groups",     "pairs", "chains",
                                                 "stars", "scale_free", "file",  NULL};

static const char *const design_methods[] = {"none", "grid", "lhs", "saltelli", "morris", NULL};
static const char *const stream_kinds[] = {"common", "independent", NULL};

/* clang-format off */
static const cr_field design_param_fields[] = {
    {"path", CR_FT_STRING, offsetof(cr_design_param, path), NULL, NO_RANGE, NULL, "",
     "dotted key path of the parameter (as in --set), or `mode`", NULL},
    {"values", CR_FT_STRLIST, offsetof(cr_design_param, values), "[]", NO_RANGE, NULL, "",
     "values it takes (numbers, or names for a key with named choices or `mode`); with "
     "lhs, saltelli or morris two numbers are the range [min, max]", NULL},
    {"min", CR_FT_STRING, offsetof(cr_design_param, min), "\"\"", NO_RANGE, NULL, "",
     "lower end of its range (instead of values)", NULL},
    {"max", CR_FT_STRING, offsetof(cr_design_param, max), "\"\"", NO_RANGE, NULL, "",
     "upper end of its range (instead of values)", NULL},
    {"levels", CR_FT_INT, offsetof(cr_design_param, levels), "0", IN(0, 1e6), NULL, "",
     "grid: number of values spread evenly over [min, max] (an integer key: every "
     "integer when 0)", NULL},
};
/* clang-format on */

static const cr_table_desc design_param_table = {
    design_param_fields,
    sizeof design_param_fields / sizeof design_param_fields[0],
    sizeof(cr_design_param),
    offsetof(cr_design_table, n),
    offsetof(cr_design_table, item),
    CR_DESIGN_PARAMS_MAX,
    "path",
    "values",
};

/* clang-format off */
static const cr_field fields[] = {
    /* experiment */
    {"experiment.name", CR_FT_STRING, OFF(experiment.name), "experiment", NO_RANGE, NULL, "",
     "name of the experiment, stored in the results file", NULL},
    {"experiment.description", CR_FT_STRING, OFF(experiment.description), "\"\"", NO_RANGE, NULL, "",
     "free text stored in the results file", NULL},
    {"experiment.seed", CR_FT_UINT64, OFF(experiment.seed), "20261127", NO_RANGE, NULL, "",
     "root seed of every random stream", NULL},
    {"experiment.replications", CR_FT_INT, OFF(experiment.replications), "10", IN(1, 1e9), NULL,
     "", "Monte Carlo replications per cell", NULL},
    {"experiment.periods", CR_FT_INT, OFF(experiment.periods), "40", IN(1, 1e6), NULL, "periods",
     "simulated periods per replication", NULL},
    {"experiment.burn_in", CR_FT_INT, OFF(experiment.burn_in), "8", GE(0), NULL, "periods",
     "leading periods the analysis discards (all periods are still written)", NULL},
    {"experiment.periods_per_year", CR_FT_INT, OFF(experiment.periods_per_year), "4", IN(1, 365),
     NULL, "1/year", "periods in a year (4: quarters); annual rates and PDs are converted", NULL},
    /* population */
    {"population.smes", CR_FT_INT, OFF(population.smes), "10000", IN(1, 2e9), NULL, "SMEs",
     "number of SMEs (kept stable by entry)", NULL},
    {"population.banks", CR_FT_INT, OFF(population.banks), "10", IN(1, 1e5), NULL, "banks",
     "number of banks; each SME applies to its home bank", NULL},
    {"population.sectors", CR_FT_INT, OFF(population.sectors), "8", IN(1, 65535), NULL, "",
     "number of sectors (each with its own factor)", NULL},
    {"population.regions", CR_FT_INT, OFF(population.regions), "4", IN(1, 65535), NULL, "",
     "number of regions (each with its own factor)", NULL},
    {"population.pd.distribution", CR_FT_ENUM, OFF(population.pd.distribution), "beta", NO_RANGE,
     pd_distributions, "", "distribution of the hidden baseline PD: beta (mean, sd) or fixed (mean)", NULL},
    {"population.pd.mean", CR_FT_DOUBLE, OFF(population.pd.mean), "0.04", IN_OPEN(0, 1), NULL,
     "1/year", "mean annual probability of default", NULL},
    {"population.pd.sd", CR_FT_DOUBLE, OFF(population.pd.sd), "0.03", GE(0), NULL, "1/year",
     "standard deviation of the annual PD across SMEs (beta only)", NULL},
    {"population.loan_size.mean", CR_FT_DOUBLE, OFF(population.loan_size.mean), "1.0", GT(0), NULL,
     "million yuan", "mean loan demand (lognormal)", NULL},
    {"population.loan_size.cv", CR_FT_DOUBLE, OFF(population.loan_size.cv), "0.8", GE(0), NULL, "1",
     "coefficient of variation of loan demand", NULL},
    {"population.collateral.mean", CR_FT_DOUBLE, OFF(population.collateral.mean), "0.3",
     IN(0, 1), NULL, "1", "mean collateral value as a share of the loan (beta on [0, 1])", NULL},
    {"population.collateral.sd", CR_FT_DOUBLE, OFF(population.collateral.sd), "0.2", GE(0), NULL,
     "1", "standard deviation of the collateral share", NULL},
    {"population.equity.ratio", CR_FT_DOUBLE, OFF(population.equity.ratio), "0.2", GE(0), NULL,
     "1", "mean liquid equity as a share of loan demand", NULL},
    {"population.equity.cv", CR_FT_DOUBLE, OFF(population.equity.cv), "0.5", GE(0), NULL, "1",
     "coefficient of variation of liquid equity (lognormal)", NULL},
    {"population.equity.payout", CR_FT_DOUBLE, OFF(population.equity.payout), "0.9", IN(0, 1),
     NULL, "1", "share of a period's positive surplus an SME pays out to its owners (the rest "
     "is retained as liquid equity)", NULL},
    {"population.demand_probability", CR_FT_DOUBLE, OFF(population.demand_probability), "0.8",
     IN(0, 1), NULL, "1", "probability that an SME without a loan applies in a period", NULL},
    {"population.partner_share", CR_FT_DOUBLE, OFF(population.partner_share), "0.3", IN(0, 1),
     NULL, "1", "share of SMEs that are supply-chain partners of a core firm (drawn at entry)", NULL},
    {"population.exclusion_periods", CR_FT_INT, OFF(population.exclusion_periods), "4", IN(0, 1e6),
     NULL, "periods", "periods a failed SME's slot stays empty before an entrant replaces it", NULL},
    /* economy */
    {"economy.systemic_loading", CR_FT_DOUBLE, OFF(economy.systemic_loading), "0.3", IN(0, 1), NULL,
     "1", "loading w_z on the systemic AR(1) factor (sqrt of the asset correlation)", NULL},
    {"economy.sector_loading", CR_FT_DOUBLE, OFF(economy.sector_loading), "0.2", IN(0, 1), NULL,
     "1", "loading w_s on the SME's sector factor", NULL},
    {"economy.region_loading", CR_FT_DOUBLE, OFF(economy.region_loading), "0.15", IN(0, 1), NULL,
     "1", "loading w_g on the SME's region factor", NULL},
    {"economy.cycle_ar1", CR_FT_DOUBLE, OFF(economy.cycle_ar1), "0.8", IN_OPEN(-1, 1), NULL, "1",
     "AR(1) coefficient phi of the systemic factor (stationary, unit variance)", NULL},
    /* loans */
    {"loans.maturity", CR_FT_INT, OFF(loans.maturity), "4", IN(1, 1000), NULL, "periods",
     "maturity of a loan (bullet repayment; interest paid each period)", NULL},
    {"loans.recovery", CR_FT_DOUBLE, OFF(loans.recovery), "0.2", IN(0, 1), NULL, "1",
     "share of the loan recovered from a failed project, before collateral", NULL},
    {"loans.project_return", CR_FT_DOUBLE, OFF(loans.project_return), "0.15", GE(0), NULL,
     "1/year", "annual return of a project that does not fail, per unit of loan", NULL},
    /* bank */
    {"bank.funding_rate", CR_FT_DOUBLE, OFF(bank.funding_rate), "0.03", IN(0, 1), NULL, "1/year",
     "banks' funding (deposit) rate r_f", NULL},
    {"bank.cost_of_equity", CR_FT_DOUBLE, OFF(bank.cost_of_equity), "0.10", IN(0, 1), NULL,
     "1/year", "required return on bank capital (capital cost = min ratio x weight x (coe - r_f))", NULL},
    {"bank.margin", CR_FT_DOUBLE, OFF(bank.margin), "0.01", IN(0, 1), NULL, "1/year",
     "pricing margin over the break-even rate", NULL},
    {"bank.capital_ratio_min", CR_FT_DOUBLE, OFF(bank.capital_ratio_min), "0.08", IN_LO_OPEN(0, 1),
     NULL, "1", "minimum capital ratio: risk-weighted assets <= capital / this", NULL},
    {"bank.initial_capital_ratio", CR_FT_DOUBLE, OFF(bank.initial_capital_ratio), "0.04", GT(0),
     NULL, "1",
     "initial capital as a share of the risk-weighted loan demand of all the bank's SMEs", NULL},
    {"bank.risk_weight", CR_FT_DOUBLE, OFF(bank.risk_weight), "0.75", IN(0, 10), NULL, "1",
     "risk weight of an SME loan (Basel standardised: 75 %)", NULL},
    {"bank.screening_noise", CR_FT_DOUBLE, OFF(bank.screening_noise), "1.0", GE(0), NULL,
     "logit", "sd of the bank's signal of an SME's logit PD (0: perfect information)", NULL},
    {"bank.max_pd", CR_FT_DOUBLE, OFF(bank.max_pd), "0.15", IN(0, 1), NULL, "1/year",
     "highest estimated annual PD a bank accepts", NULL},
    {"bank.max_rate", CR_FT_DOUBLE, OFF(bank.max_rate), "0.24", GE(0), NULL, "1/year",
     "highest annual loan rate (applicants priced above it are refused)", NULL},
    {"bank.dividend_payout", CR_FT_DOUBLE, OFF(bank.dividend_payout), "0.9", IN(0, 1), NULL, "1",
     "share of a period's positive profit paid out as dividends", NULL},
    {"bank.target_capital_ratio", CR_FT_DOUBLE, OFF(bank.target_capital_ratio), "0.10", IN(0, 1),
     NULL, "1", "no dividend takes capital below this ratio of risk-weighted loans", NULL},
    {"bank.capital_rule", CR_FT_ENUM, OFF(bank.capital_rule), "standardised", NO_RANGE,
     capital_rules, "", "risk weights: standardised (risk_weight; guaranteed part at the mode's "
     "guaranteed_risk_weight) or irb (Basel IRB corporate formula with SME size adjustment)", NULL},
    {"bank.irb_sales", CR_FT_DOUBLE, OFF(bank.irb_sales), "5", GE(0), NULL, "million EUR",
     "IRB: borrowers' annual sales for the SME size adjustment (<= 5: the full adjustment)", NULL},
    {"bank.irb_scaling", CR_FT_DOUBLE, OFF(bank.irb_scaling), "1", IN(0, 2), NULL, "1",
     "IRB: scaling factor of the capital requirement (1.06 in Basel II, 1 in Basel III)", NULL},
    {"bank.pricing", CR_FT_ENUM, OFF(bank.pricing), "break_even", NO_RANGE, pricings, "",
     "break_even (the break-even rate on the estimated PD plus margin), or stiglitz_weiss: "
     "banks anticipate borrowers' project choice and refuse rather than charge above the rate "
     "at which the applicant would switch to the risky project (needs "
     "behaviour.risk.rule best_response)", NULL},
    /* behaviour (models/behaviour.h) */
    {"behaviour.risk.rule", CR_FT_ENUM, OFF(behaviour.risk.rule), "off", NO_RANGE, rules, "",
     "project choice: off (every SME runs its own safe project), fixed (a share initial_share "
     "of SMEs are risky types), best_response (each period the project with the higher "
     "expected payoff given the contract: moral hazard) or imitation", NULL},
    {"behaviour.risk.risky_success", CR_FT_DOUBLE, OFF(behaviour.risk.risky_success), "0.8",
     IN_OPEN(0, 1), NULL, "1/year",
     "p_r: annual success probability of the risky project of an SME with the mean PD "
     "(p_s = 1 - population.pd.mean); an SME's risky success is its safe one x p_r / p_s", NULL},
    {"behaviour.risk.risky_return", CR_FT_DOUBLE, OFF(behaviour.risk.risky_return), "1.3", GT(0),
     NULL, "1/year", "R_r: gross annual return of the risky project per unit of loan (the safe "
     "project's is R_s = 1 + loans.project_return); needs p_s R_s >= p_r R_r", NULL},
    {"behaviour.risk.initial_share", CR_FT_DOUBLE, OFF(behaviour.risk.initial_share), "0.5",
     IN(0, 1), NULL, "1", "fixed: share of risky types (entrants too); imitation: share of "
     "SMEs starting risky", NULL},
    {"behaviour.repayment.rule", CR_FT_ENUM, OFF(behaviour.repayment.rule), "off", NO_RANGE,
     rules, "", "strategic default: off (repay when the project succeeds), fixed (a share "
     "initial_share of SMEs are strategic), best_response (all are) or imitation; a strategic "
     "SME defaults on its due when it beats the cost of default (Besley-Coate)", NULL},
    {"behaviour.repayment.penalty", CR_FT_DOUBLE, OFF(behaviour.repayment.penalty), "0.9",
     IN(0, 1), NULL, "1", "share of its proceeds (gross return) a defaulter loses to "
     "enforcement: the slope of the penalty function", NULL},
    {"behaviour.repayment.discount", CR_FT_DOUBLE, OFF(behaviour.repayment.discount), "0.9",
     IN(0, 1), NULL, "1/year", "annual discount factor of the access to credit a defaulter "
     "loses for population.exclusion_periods", NULL},
    {"behaviour.repayment.return_spread", CR_FT_DOUBLE, OFF(behaviour.repayment.return_spread),
     "0", IN(0, 1), NULL, "1", "realised gross return of a successful project uniform on "
     "R (1 - spread, 1 + spread) (0: always R)", NULL},
    {"behaviour.repayment.sanction", CR_FT_DOUBLE, OFF(behaviour.repayment.sanction), "0",
     GE(0), NULL, "1", "social sanction per unit of loan: on a member who does not pay its "
     "share while its group repays, and on a deviation caught by monitors", NULL},
    {"behaviour.repayment.initial_share", CR_FT_DOUBLE, OFF(behaviour.repayment.initial_share),
     "0.5", IN(0, 1), NULL, "1", "fixed: share of strategic SMEs; imitation: initial share",
     NULL},
    {"behaviour.monitoring.rule", CR_FT_ENUM, OFF(behaviour.monitoring.rule), "off", NO_RANGE,
     rules, "", "peer monitoring in groups: off, fixed (a share initial_share monitors), "
     "best_response or imitation", NULL},
    {"behaviour.monitoring.cost", CR_FT_DOUBLE, OFF(behaviour.monitoring.cost), "0.005", IN(0, 1),
     NULL, "1/year", "cost of monitoring per unit of the monitor's loan", NULL},
    {"behaviour.monitoring.effect", CR_FT_DOUBLE, OFF(behaviour.monitoring.effect), "0.5",
     IN(0, 1), NULL, "1", "probability that a member's deviation (risky project, strategic "
     "default) is caught when all its peers monitor (scaled by the monitoring share)", NULL},
    {"behaviour.monitoring.initial_share", CR_FT_DOUBLE,
     OFF(behaviour.monitoring.initial_share), "0.5", IN(0, 1), NULL, "1",
     "fixed: share of monitors; imitation: initial share", NULL},
    {"behaviour.channel.rule", CR_FT_ENUM, OFF(behaviour.channel.rule), "off", NO_RANGE,
     logit_rules, "", "off (every SME without a loan applies through the mode's channel with "
     "population.demand_probability) or logit: it first chooses among the mode's channel, "
     "borrowing directly from its bank (in modes with intermediaries or groups) and staying "
     "out, on its learned payoff of each", NULL},
    {"behaviour.channel.intensity", CR_FT_DOUBLE, OFF(behaviour.channel.intensity), "50", GE(0),
     NULL, "1", "logit intensity beta (per unit of payoff per unit of loan and period)", NULL},
    {"behaviour.channel.memory", CR_FT_DOUBLE, OFF(behaviour.channel.memory), "0.3", IN(0, 1),
     NULL, "1", "weight of the latest period's experience in a channel's learned payoff (the "
     "expected payoff of the loan, 0 after a refusal)", NULL},
    {"behaviour.channel.initial", CR_FT_DOUBLE, OFF(behaviour.channel.initial), "0", IN(-1, 1),
     NULL, "1", "learned payoff of each channel before any experience", NULL},
    {"behaviour.matching", CR_FT_ENUM, OFF(behaviour.matching), "random", NO_RANGE, matchings,
     "", "group formation: random (consecutive slots) or free (members know each other's type "
     "and sort: Ghatak 1999)", NULL},
    {"behaviour.records.sharing", CR_FT_ENUM, OFF(behaviour.records.sharing), "none", NO_RANGE,
     sharings, "", "credit records: none, private (the lending bank only), shared (every "
     "lender in modes with groups, an alliance or an association; else private) or public",
     NULL},
    {"behaviour.records.prior_strength", CR_FT_DOUBLE, OFF(behaviour.records.prior_strength),
     "20", GT(0), NULL, "periods", "periods of repayment history the screening estimate is "
     "worth in the lender's Beta-Bernoulli update", NULL},
    {"behaviour.records.switch_probability", CR_FT_DOUBLE,
     OFF(behaviour.records.switch_probability), "0", IN(0, 1), NULL, "1",
     "probability that a refused applicant moves to another bank", NULL},
    {"behaviour.learning.revision_rate", CR_FT_DOUBLE, OFF(behaviour.learning.revision_rate),
     "0.1", IN(0, 1), NULL, "1 per period", "imitation: share of SMEs revising each strategy "
     "in a period", NULL},
    {"behaviour.learning.payoff_range", CR_FT_DOUBLE, OFF(behaviour.learning.payoff_range),
     "0.1", GT(0), NULL, "1", "imitation: payoff difference (per unit of loan and period) at "
     "which a revising SME surely switches to its peer's strategy", NULL},
    /* modes */
    {"modes", CR_FT_STRLIST, OFF(modes), "[direct]", NO_RANGE, NULL, "",
     "financing modes to run (credere modes lists them); each is one cell", NULL},
    /* design of experiments (experiments/design.h) */
    {"design.method", CR_FT_ENUM, OFF(design.method), "none", NO_RANGE, design_methods, "",
     "none (one cell per mode), grid (every combination), lhs (Latin hypercube), saltelli "
     "(Sobol indices: Saltelli 2010 radial scheme on a Sobol sequence) or morris "
     "(elementary-effects trajectories); each design point is run in every listed mode", NULL},
    {"design.samples", CR_FT_INT, OFF(design.samples), "0", IN(0, 1e9), NULL, "",
     "lhs: points; saltelli: base sample N, a power of two (N (k + 2) points, N (2k + 2) "
     "with second_order); morris: trajectories (k + 1 points each)", NULL},
    {"design.second_order", CR_FT_BOOL, OFF(design.second_order), "false", NO_RANGE, NULL, "",
     "saltelli: add the BA_i points second-order indices need", NULL},
    {"design.levels", CR_FT_INT, OFF(design.levels), "4", IN(2, 1000), NULL, "",
     "morris: levels p of the grid each factor moves on (step p / (2 (p - 1)))", NULL},
    {"design.streams", CR_FT_ENUM, OFF(design.streams), "common", NO_RANGE, stream_kinds, "",
     "common: a replication's random streams are the same in every cell (common random "
     "numbers: paired comparisons, Sobol estimators); independent: each cell its own", NULL},
    {"design.parameters", CR_FT_TABLE, OFF(design.parameters), "[]", NO_RANGE, NULL, "",
     "varied parameters: a mapping from key path to a range [min, max], a list of values "
     "or {min, max, levels, values}", &design_param_table},
    /* output */
    {"output.events", CR_FT_BOOL, OFF(output.events), "false", NO_RANGE, NULL, "",
     "write /events/defaults: every SME failure with its period, cause (fundamental, "
     "contagion), cascade root and round (docs/format.md)", NULL},
    {"output.network", CR_FT_BOOL, OFF(output.network), "false", NO_RANGE, NULL, "",
     "write /network: the guarantee network's statistics per replication and its edge list "
     "for replication 0 (needs network.generator)", NULL},
    {"network.generator", CR_FT_ENUM, OFF(network.generator), "none", NO_RANGE, network_generators,
     "", "guarantee network among SMEs (guarantor -> borrower), rebuilt each replication: none, "
     "groups, pairs, chains, stars, scale_free (docs/odd.md, contagion)", NULL},
    {"network.edges", CR_FT_STRING, OFF(network.edges), "\"\"", NO_RANGE, NULL, "",
     "file: an empirical edge list, CSV 'guarantor,borrower,amount' (SME slots 0..smes-1) "
     "or FILE.h5:/DATASET ([m, 3]); relative paths from the working directory", NULL},
    {"network.debtrank", CR_FT_BOOL, OFF(network.debtrank), "false", NO_RANGE, NULL, "",
     "compute DebtRank each period: the distress the period's fundamental failures cause "
     "through the guarantee network (metric debtrank; costs O(edges log n) a period)", NULL},
    {"network.clearing", CR_FT_BOOL, OFF(network.clearing), "false", NO_RANGE, NULL, "",
     "compute the Eisenberg-Noe clearing vector of each period's obligations (receivables "
     "between SMEs, guarantee calls owed to banks) on liquid equity (metrics clearing_*)", NULL},
    {"network.coverage", CR_FT_DOUBLE, OFF(network.coverage), "1", IN(0, 1), NULL, "1",
     "share of a borrower's loan its SME guarantors guarantee together (split equally)", NULL},
    {"network.group_size", CR_FT_INT, OFF(network.group_size), "5", IN(2, 1e9), NULL, "SMEs",
     "groups: SMEs per guarantee circle (complete within the group)", NULL},
    {"network.pair_share", CR_FT_DOUBLE, OFF(network.pair_share), "1", IN(0, 1), NULL, "1",
     "pairs: share of candidate mutual pairs formed", NULL},
    {"network.chain_length", CR_FT_INT, OFF(network.chain_length), "3", IN(2, 1e9), NULL, "SMEs",
     "chains: SMEs per guarantee chain", NULL},
    {"network.star_size", CR_FT_INT, OFF(network.star_size), "4", IN(1, 1e9), NULL, "SMEs",
     "stars: SMEs a hub guarantees", NULL},
    {"network.star_mutual", CR_FT_BOOL, OFF(network.star_mutual), "false", NO_RANGE, NULL, "",
     "stars: the spokes also guarantee their hub", NULL},
    {"network.mean_degree", CR_FT_DOUBLE, OFF(network.mean_degree), "2", IN_LO_OPEN(0, 1000), NULL,
     "1", "scale_free: mean number of SMEs a guarantor guarantees", NULL},
    {"network.reciprocity", CR_FT_DOUBLE, OFF(network.reciprocity), "0.3", IN(0, 1), NULL, "1",
     "scale_free: share of guarantees that are mutual", NULL},
    {"supply.generator", CR_FT_ENUM, OFF(supply.generator), "none", NO_RANGE, network_generators,
     "", "supply-chain links buyer -> supplier, rebuilt each replication (stars: core firms "
     "buying from star_size suppliers; scale_free; ...); none: no receivables channel", NULL},
    {"supply.receivable", CR_FT_DOUBLE, OFF(supply.receivable), "0.2", IN(0, 10), NULL, "1",
     "receivable a supplier holds on each buyer, as a share of the supplier's loan demand", NULL},
    {"supply.star_size", CR_FT_INT, OFF(supply.star_size), "20", IN(1, 1e9), NULL, "SMEs",
     "stars: suppliers per core firm (buyer)", NULL},
    {"supply.mean_degree", CR_FT_DOUBLE, OFF(supply.mean_degree), "2", IN_LO_OPEN(0, 1000), NULL,
     "1", "scale_free: mean number of suppliers per buyer", NULL},
    {"output.panel.smes", CR_FT_INT, OFF(output.panel.smes), "0", IN(0, 1e9), NULL, "SMEs",
     "write /panel: the state of this many SMEs (slots evenly spread, the same in every "
     "mode) every output.panel.every periods; 0: no panel", NULL},
    {"output.panel.every", CR_FT_INT, OFF(output.panel.every), "1", IN(1, 1e6), NULL,
     "periods", "panel: record periods 0, every, 2 every, ...", NULL},
    {"output.panel.variables", CR_FT_STRLIST, OFF(output.panel.variables),
     "[pd, pd_estimate, debt, rate, equity, status, channel, group]", NO_RANGE, NULL, "",
     "panel: the variables recorded (docs/format.md, /panel)", NULL},
    {"output.compression", CR_FT_INT, OFF(output.compression), "4", IN(0, 9), NULL, "",
     "deflate level of the results file (0: none)", NULL},
};
/* clang-format on */

/* A mode's own checks: its waterfall names only intermediaries it has and is a
 * valid waterfall; if the experiment runs it, its groups have at most all SMEs. */
static cr_status validate_mode(const cr_schema *schema, const cr_params *p, const cr_mode_type *mt,
                               int listed, const cr_origin *origins, const char *file, cr_diag *d)
{
    static const unsigned holder_component[CR_HOLDER_COUNT] = {
        [CR_H_BANK] = 0,
        [CR_H_MUTUAL_FUND] = CR_C_MUTUAL_FUND,
        [CR_H_MEMBERS] = CR_C_GROUPS,
        [CR_H_GUARANTOR] = CR_C_GUARANTOR,
        [CR_H_REGUARANTOR] = CR_C_REGUARANTOR,
        [CR_H_GOVERNMENT] = CR_C_GOVERNMENT,
        [CR_H_CORE_FIRM] = CR_C_CORE_FIRM,
    };
    const cr_mode_params *mp = &p->mode[mt->slot];
    char path[128];
    snprintf(path, sizeof path, "%s.waterfall", mt->name);
    cr_waterfall w;
    for (int k = 0; k < mp->waterfall.n; k++) {
        const cr_layer_cfg *l = &mp->waterfall.item[k];
        if (l->holder == CR_H_CORE_FIRM)
            return cr_config_error_item(schema, origins, file, path, k, "holder", d,
                                        "a core firm provides information on its partners; "
                                        "its guarantees are not modelled in this version");
        if (l->holder == CR_H_BANK)
            return cr_config_error_item(schema, origins, file, path, k, "holder", d,
                                        "the bank bears what is left after the last layer; it "
                                        "cannot be a layer");
        if (!(mt->components & holder_component[l->holder])) {
            char have[256] = "";
            for (int h = 1; h < CR_HOLDER_COUNT; h++)
                if (mt->components & holder_component[h]) {
                    strncat(have, have[0] ? ", " : "", sizeof have - strlen(have) - 1);
                    strncat(have, cr_holder_name((cr_holder)h), sizeof have - strlen(have) - 1);
                }
            return cr_config_error_item(schema, origins, file, path, k, "holder", d,
                                        "'%s' is not an intermediary of mode %s (it has: %s)",
                                        cr_holder_name((cr_holder)l->holder), mt->name,
                                        have[0] ? have : "none");
        }
    }
    cr_mode_params_waterfall(mp, &w);
    cr_diag wd;
    if (cr_waterfall_check(&w, &wd) != CR_OK)
        return cr_config_error(schema, origins, file, path, d, "%s", wd.msg);
    if (listed && (mt->components & CR_C_GROUPS)) {
        snprintf(path, sizeof path, "%s.members.size", mt->name);
        if (mp->members.size > p->population.smes)
            return cr_config_error(schema, origins, file, path, d,
                                   "a group of %lld SMEs is larger than the population (%lld)",
                                   (long long)mp->members.size, (long long)p->population.smes);
    }
    return CR_OK;
}

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
    if (p->output.panel.smes > p->population.smes)
        return cr_config_error(schema, origins, file, "output.panel.smes", d,
                               "a panel of %lld SMEs is larger than the population (%lld)",
                               (long long)p->output.panel.smes, (long long)p->population.smes);
    for (int i = 0; i < p->output.panel.variables.n; i++)
        if (cr_panel_var_find(p->output.panel.variables.item[i]) < 0)
            return cr_config_error(schema, origins, file, "output.panel.variables", d,
                                   "unknown panel variable '%s' (known: pd, pd_estimate, debt, "
                                   "rate, equity, status, channel, group)",
                                   p->output.panel.variables.item[i]);
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
    /* an empirical network is read once here, so that `credere check` reports a bad
     * file and `run` fails before it creates its output */
    if (network_generators[p->network.generator] &&
        strcmp(network_generators[p->network.generator], "file") == 0) {
        if (!p->network.edges[0])
            return cr_config_error(schema, origins, file, "network.edges", d,
                                   "network.generator file needs network.edges: a CSV file "
                                   "'guarantor,borrower,amount' or FILE.h5:/DATASET");
        cr_edge *edges = NULL;
        size_t ne = 0;
        cr_diag fd;
        if (cr_netfile_read(p->network.edges, (size_t)p->population.smes, &edges, &ne, &fd) !=
            CR_OK)
            return cr_config_error(schema, origins, file, "network.edges", d, "%s", fd.msg);
        free(edges);
    }
    {
        /* the game's assumptions (MODEL.md section 5) */
        const cr_behaviour_params *bp = &p->behaviour;
        double p_s = 1.0 - p->population.pd.mean, R_s = 1.0 + p->loans.project_return;
        double p_r = bp->risk.risky_success, R_r = bp->risk.risky_return;
        if (bp->risk.rule != CR_RULE_OFF && !(p_r < p_s))
            return cr_config_error(schema, origins, file, "behaviour.risk.risky_success", d,
                                   "the risky project must succeed less often than the safe "
                                   "one: p_r = %g is not below p_s = 1 - population.pd.mean "
                                   "= %g",
                                   p_r, p_s);
        if (bp->risk.rule != CR_RULE_OFF && p_s * R_s < p_r * R_r)
            return cr_config_error(schema, origins, file, "behaviour.risk.risky_return", d,
                                   "the model requires p_s R_s >= p_r R_r (the safe project has "
                                   "the higher expected return: Stiglitz-Weiss), but p_s R_s = "
                                   "%g x %g = %g < p_r R_r = %g x %g = %g (p_s = 1 - "
                                   "population.pd.mean, R_s = 1 + loans.project_return)",
                                   p_s, R_s, p_s * R_s, p_r, R_r, p_r * R_r);
        if (p->bank.pricing == CR_PRICE_STIGLITZ_WEISS && bp->risk.rule != CR_RULE_BEST)
            return cr_config_error(schema, origins, file, "bank.pricing", d,
                                   "stiglitz_weiss pricing anticipates borrowers' choice of "
                                   "project: it needs behaviour.risk.rule best_response (it is "
                                   "%s)",
                                   rules[bp->risk.rule]);
    }
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
    /* every mode's section, listed or not: a mistake in a section not run yet is
     * still a mistake */
    for (size_t k = 0; k < CR_MODE_SLOTS; k++) {
        const cr_mode_type *mt = cr_mode_at(k);
        int listed = 0;
        for (int i = 0; i < p->modes.n; i++)
            listed |= strcmp(p->modes.item[i], mt->name) == 0;
        cr_status st = validate_mode(schema, p, mt, listed, origins, file, d);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

/* ---------------------------------------------------------------- mode sections */
/* The keys of a mode's section, each present in the modes that have the component
 * (0: every mode). The table of every built-in mode and preset is generated from
 * this list, with the mode's own defaults: `single.guarantor.fee`, ... */
#define MOFF(member) offsetof(cr_mode_params, member)

static const char *const holder_names[] = {
#define CR_X_NAME(e, name, doc) name,
    CR_HOLDER_LIST(CR_X_NAME)
#undef CR_X_NAME
        NULL};
static const char *const layer_kinds[] = {"first_loss", "pro_rata", "counter", NULL};
static const char *const fee_policies[] = {"fixed", "risk_based", NULL};

/* clang-format off */
static const cr_field layer_fields[] = {
    {"holder", CR_FT_ENUM, offsetof(cr_layer_cfg, holder), NULL, NO_RANGE, holder_names, "",
     "who bears the layer: mutual_fund, members, guarantor, reguarantor, government, core_firm", NULL},
    {"type", CR_FT_ENUM, offsetof(cr_layer_cfg, type), NULL, NO_RANGE, layer_kinds, "",
     "first_loss (up to cap x exposure), pro_rata (share of the tier's loss), counter (share of of's payments)", NULL},
    {"share", CR_FT_DOUBLE, offsetof(cr_layer_cfg, share), "0", IN(0, 1), NULL, "1",
     "pro_rata and counter: the share", NULL},
    {"cap", CR_FT_DOUBLE, offsetof(cr_layer_cfg, cap), "0", GE(0), NULL, "1",
     "first_loss: the cap as a share of the exposure", NULL},
    {"of", CR_FT_ENUM, offsetof(cr_layer_cfg, of), "guarantor", NO_RANGE, holder_names, "",
     "counter: the holder whose payments it reimburses", NULL},
};
/* clang-format on */

static const cr_table_desc layer_table = {
    layer_fields,
    sizeof layer_fields / sizeof layer_fields[0],
    sizeof(cr_layer_cfg),
    offsetof(cr_layer_table, n),
    offsetof(cr_layer_table, item),
    CR_LAYERS_MAX,
    NULL,
    NULL,
};

typedef struct {
    cr_field f;         /* path is the suffix after "MODE." */
    unsigned component; /* CR_C_* the mode must have (0: every mode) */
} mode_field;

/* clang-format off */
static const mode_field mode_fields[] = {
    {{"min_collateral", CR_FT_DOUBLE, MOFF(min_collateral), NULL, IN(0, 10), NULL, "1",
      "collateral share the bank requires of a loan in this mode", NULL}, 0},
    {{"guaranteed_risk_weight", CR_FT_DOUBLE, MOFF(guaranteed_risk_weight), NULL, IN(0, 10), NULL, "1",
      "risk weight of the part of a loan covered by guarantors (qualified guarantor: 20 %)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.count", CR_FT_INT, MOFF(guarantor.count), NULL, IN(1, 1024), NULL, "",
      "guarantee companies (an SME is served by the one of its region)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.public", CR_FT_BOOL, MOFF(guarantor.public_agency), NULL, NO_RANGE, NULL, "",
      "a public agency (SBA, KODIT, CGC, state-owned policy guarantors): its payouts net of "
      "its fees count in government_cost", NULL}, CR_C_GUARANTOR},
    {{"guarantor.capital_ratio", CR_FT_DOUBLE, MOFF(guarantor.capital_ratio), NULL, GE(0), NULL, "1",
      "initial net assets / loan demand of the SMEs it serves", NULL}, CR_C_GUARANTOR},
    {{"guarantor.leverage_cap", CR_FT_DOUBLE, MOFF(guarantor.leverage_cap), NULL, GT(0), NULL, "1",
      "guarantees outstanding <= leverage_cap x net assets (China: 10, 15 for small and micro)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.fee", CR_FT_DOUBLE, MOFF(guarantor.fee), NULL, IN(0, 1), NULL, "1/year",
      "annual fee on the guaranteed amount (fee_policy fixed)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.fee_policy", CR_FT_ENUM, MOFF(guarantor.fee_policy), NULL, NO_RANGE, fee_policies, "",
      "fixed, or risk_based: its expected loss rate + fee_margin within [fee_min, fee_max]", NULL}, CR_C_GUARANTOR},
    {{"guarantor.fee_margin", CR_FT_DOUBLE, MOFF(guarantor.fee_margin), NULL, IN(0, 1), NULL, "1/year",
      "risk-based fee: margin over the expected loss rate", NULL}, CR_C_GUARANTOR},
    {{"guarantor.fee_min", CR_FT_DOUBLE, MOFF(guarantor.fee_min), NULL, IN(0, 1), NULL, "1/year",
      "risk-based fee: floor", NULL}, CR_C_GUARANTOR},
    {{"guarantor.fee_max", CR_FT_DOUBLE, MOFF(guarantor.fee_max), NULL, IN(0, 1), NULL, "1/year",
      "risk-based fee: ceiling", NULL}, CR_C_GUARANTOR},
    {{"guarantor.screening_noise", CR_FT_DOUBLE, MOFF(guarantor.screening_noise), NULL, GE(0), NULL, "logit",
      "sd of its signal of an SME's logit PD", NULL}, CR_C_GUARANTOR},
    {{"guarantor.shares_signal", CR_FT_BOOL, MOFF(guarantor.shares_signal), NULL, NO_RANGE, NULL, "",
      "the bank also sees the guarantor's signal", NULL}, CR_C_GUARANTOR},
    {{"guarantor.max_pd", CR_FT_DOUBLE, MOFF(guarantor.max_pd), NULL, IN(0, 1), NULL, "1/year",
      "highest estimated annual PD it guarantees", NULL}, CR_C_GUARANTOR},
    {{"guarantor.max_amount", CR_FT_DOUBLE, MOFF(guarantor.max_amount), NULL, GE(0), NULL, "million yuan",
      "largest loan it guarantees (0: no limit)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.coverage_small", CR_FT_DOUBLE, MOFF(guarantor.coverage_small), NULL, IN(0, 1), NULL, "1",
      "its pro_rata share for loans up to small_limit (0: the waterfall's)", NULL}, CR_C_GUARANTOR},
    {{"guarantor.small_limit", CR_FT_DOUBLE, MOFF(guarantor.small_limit), NULL, GE(0), NULL, "million yuan",
      "loans up to this amount use coverage_small", NULL}, CR_C_GUARANTOR},
    {{"reguarantor.capital_ratio", CR_FT_DOUBLE, MOFF(reguarantor.capital_ratio), NULL, GE(0), NULL, "1",
      "initial net assets / total loan demand", NULL}, CR_C_REGUARANTOR},
    {{"reguarantor.fee", CR_FT_DOUBLE, MOFF(reguarantor.fee), NULL, IN(0, 1), NULL, "1/year",
      "annual fee on the exposure it bears, paid by the guarantee company", NULL}, CR_C_REGUARANTOR},
    {{"reguarantor.fee_small", CR_FT_DOUBLE, MOFF(reguarantor.fee_small), NULL, IN(0, 1), NULL, "1/year",
      "the fee for loans up to small_limit (0: fee)", NULL}, CR_C_REGUARANTOR},
    {{"reguarantor.small_limit", CR_FT_DOUBLE, MOFF(reguarantor.small_limit), NULL, GE(0), NULL, "million yuan",
      "loans up to this amount pay fee_small", NULL}, CR_C_REGUARANTOR},
    {{"government.budget_ratio", CR_FT_DOUBLE, MOFF(government.budget_ratio), NULL, GE(0), NULL, "1/year",
      "yearly risk-compensation budget / total loan demand (renewed each year)", NULL}, CR_C_GOVERNMENT},
    {{"government.interest_subsidy", CR_FT_DOUBLE, MOFF(government.interest_subsidy), NULL, IN(0, 1), NULL, "1",
      "share of the loan rate the government pays for the borrower", NULL}, CR_C_GOVERNMENT},
    {{"association.screening_noise", CR_FT_DOUBLE, MOFF(association.screening_noise), NULL, GE(0), NULL, "logit",
      "sd of the industry association's signal, shared with lenders", NULL}, CR_C_ASSOCIATION},
    {{"association.fee", CR_FT_DOUBLE, MOFF(association.fee), NULL, IN(0, 1), NULL, "1/year",
      "annual certification fee on the loan", NULL}, CR_C_ASSOCIATION},
    {{"core_firm.screening_noise", CR_FT_DOUBLE, MOFF(core_firm.screening_noise), NULL, GE(0), NULL, "logit",
      "sd of the core firm's signal on its partners (population.partner_share)", NULL}, CR_C_CORE_FIRM},
    {{"mutual_fund.deposit", CR_FT_DOUBLE, MOFF(mutual_fund.deposit), NULL, IN(0, 1), NULL, "1",
      "share of a member's loan withheld into the mutual fund (returned at repayment)", NULL}, CR_C_MUTUAL_FUND},
    {{"mutual_fund.leverage", CR_FT_DOUBLE, MOFF(mutual_fund.leverage), NULL, GT(0), NULL, "1",
      "the bank's credit line to the alliance = leverage x fund (commonly 5-10)", NULL}, CR_C_MUTUAL_FUND},
    {{"mutual_fund.seed", CR_FT_DOUBLE, MOFF(mutual_fund.seed), NULL, GE(0), NULL, "million yuan",
      "initial fund per member (non-refundable contribution)", NULL}, CR_C_MUTUAL_FUND},
    {{"members.size", CR_FT_INT, MOFF(members.size), NULL, IN(2, 1e9), NULL, "SMEs",
      "SMEs per group or alliance (consecutive slots)", NULL}, CR_C_GROUPS},
    {{"members.screening_noise", CR_FT_DOUBLE, MOFF(members.screening_noise), NULL, GE(0), NULL, "logit",
      "sd of fellow members' information, shared with lenders", NULL}, CR_C_MEMBER_INFO},
    {{"waterfall", CR_FT_TABLE, MOFF(waterfall), NULL, NO_RANGE, NULL, "",
      "loss waterfall: ordered layers {holder, type, share, cap, of}; the bank bears the rest", &layer_table}, 0},
};
/* clang-format on */

#define NBASE (sizeof fields / sizeof fields[0])
#define NMODEF (sizeof mode_fields / sizeof mode_fields[0])
#define NALL (NBASE + CR_MODE_SLOTS * NMODEF)
#define DEF_MAX 1024

static cr_field all_fields[NALL];
static char paths[CR_MODE_SLOTS * NMODEF][96];
static char defaults[CR_MODE_SLOTS * NMODEF][DEF_MAX];
static cr_schema schema = {all_fields, 0, validate};

/* A double as the shortest text that reads back exactly. */
static void format_double(char *buf, size_t len, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* The default text of a mode field, from the mode's default parameters. */
static void format_default(const cr_field *f, const cr_mode_params *mp, char *buf, size_t len)
{
    const char *base = (const char *)mp + f->offset;
    switch (f->type) {
    case CR_FT_DOUBLE:
        format_double(buf, len, *(const double *)(const void *)base);
        break;
    case CR_FT_INT:
        snprintf(buf, len, "%lld", (long long)*(const int64_t *)(const void *)base);
        break;
    case CR_FT_BOOL:
        snprintf(buf, len, "%s", *(const int *)(const void *)base ? "true" : "false");
        break;
    case CR_FT_ENUM:
        snprintf(buf, len, "%s", f->choices[*(const int *)(const void *)base]);
        break;
    case CR_FT_TABLE: {
        const cr_layer_table *t = (const cr_layer_table *)(const void *)base;
        size_t o = (size_t)snprintf(buf, len, "[");
        for (int k = 0; k < t->n && o < len; k++) {
            char sh[32], cap[32];
            format_double(sh, sizeof sh, t->item[k].share);
            format_double(cap, sizeof cap, t->item[k].cap);
            o += (size_t)snprintf(
                buf + o, len - o, "%s{holder: %s, type: %s, share: %s, cap: %s, of: %s}",
                k ? ", " : "", holder_names[t->item[k].holder], layer_kinds[t->item[k].type], sh,
                cap, holder_names[t->item[k].of]);
        }
        if (o < len)
            snprintf(buf + o, len - o, "]");
        break;
    }
    default:
        buf[0] = '\0';
    }
}

/* Builds the key table once: the experiment's own keys, then each built-in mode's
 * and preset's section with its defaults. */
static void build_schema(void)
{
    size_t n = 0;
    for (size_t k = 0; k < NBASE; k++)
        all_fields[n++] = fields[k];
    size_t slot_fields = 0;
    for (int slot = 0; slot < CR_MODE_SLOTS; slot++) {
        const cr_mode_type *mt = cr_mode_at((size_t)slot);
        for (size_t k = 0; k < NMODEF; k++) {
            const mode_field *mf = &mode_fields[k];
            if (mf->component && !(mt->components & mf->component))
                continue;
            cr_field f = mf->f;
            snprintf(paths[slot_fields], sizeof paths[0], "%s.%s", mt->name, f.path);
            format_default(&f, mt->defaults, defaults[slot_fields], DEF_MAX);
            f.path = paths[slot_fields];
            f.def = defaults[slot_fields];
            f.offset += offsetof(cr_params, mode) + (size_t)slot * sizeof(cr_mode_params);
            all_fields[n++] = f;
            slot_fields++;
        }
    }
    schema.nfields = n;
}

const cr_schema *cr_params_schema(void)
{
    if (schema.nfields == 0)
        build_schema();
    return &schema;
}
