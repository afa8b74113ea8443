/* The experiment's parameters: one typed struct and its key table.
 *
 * Every key of the experiment file is one row of the table in params.c (dotted
 * path, type, default, range, units, documentation); core/config reads YAML into
 * this struct through it, `credere check` prints it, and docs/experiment-file.md
 * lists the same keys (a test keeps them in step). Rates are annual and
 * probabilities of default are annual; the model converts them to periods.
 */
#ifndef CR_PARAMS_H
#define CR_PARAMS_H

#include <stdint.h>

#include "core/config.h"
#include "models/behaviour.h"
#include "models/modeparams.h"

#define CR_MODE_SLOTS 11

enum { CR_PD_BETA = 0, CR_PD_FIXED = 1 };

/* design.method and design.streams (experiments/design.h gives them meaning). */
enum { CR_DESIGN_NONE = 0, CR_DESIGN_GRID, CR_DESIGN_LHS, CR_DESIGN_SALTELLI, CR_DESIGN_MORRIS };
enum { CR_STREAMS_COMMON = 0, CR_STREAMS_INDEPENDENT = 1 };
#define CR_DESIGN_PARAMS_MAX 32

/* One varied parameter of a design: a dotted key path (or `mode`), and either a
 * range [min, max] or a list of values (numbers, or names for a categorical key). */
typedef struct {
    char path[CR_CONFIG_STR_MAX];
    cr_strlist values;
    char min[CR_CONFIG_STR_MAX], max[CR_CONFIG_STR_MAX]; /* "": not given */
    int64_t levels; /* grid: values spread evenly over [min, max] (0: not given) */
} cr_design_param;

typedef struct {
    int n;
    cr_design_param item[CR_DESIGN_PARAMS_MAX];
} cr_design_table;
enum { CR_RULE_STANDARDISED = 0, CR_RULE_IRB = 1 };

typedef struct {
    struct {
        char name[CR_CONFIG_STR_MAX];
        char description[CR_CONFIG_STR_MAX];
        uint64_t seed;
        int64_t replications;
        int64_t periods;
        int64_t burn_in;
        int64_t periods_per_year;
    } experiment;
    struct {
        int64_t smes;
        int64_t banks;
        int64_t sectors;
        int64_t regions;
        struct {
            int distribution; /* CR_PD_* */
            double mean;      /* annual */
            double sd;
        } pd;
        struct {
            double mean;
            double cv;
        } loan_size;
        struct {
            double mean;
            double sd;
        } collateral;
        struct {
            double ratio;
            double cv;
            double payout;
        } equity;
        double demand_probability;
        double partner_share;
        int64_t exclusion_periods;
    } population;
    struct {
        double systemic_loading;
        double sector_loading;
        double region_loading;
        double cycle_ar1;
    } economy;
    struct {
        int64_t maturity;
        double recovery;
        double project_return;
    } loans;
    struct {
        double funding_rate;
        double cost_of_equity;
        double margin;
        double capital_ratio_min;
        double initial_capital_ratio;
        double risk_weight;
        double screening_noise;
        double max_pd;
        double max_rate;
        double dividend_payout;
        int capital_rule; /* CR_RULE_* */
        double irb_sales;
        double irb_scaling;
        double target_capital_ratio;
        int pricing; /* CR_PRICE_* */
    } bank;
    cr_behaviour_params behaviour;
    cr_strlist modes;
    struct {
        int method;      /* CR_DESIGN_* */
        int64_t samples; /* lhs: points; saltelli: base sample N; morris: trajectories */
        int second_order;
        int64_t levels; /* morris: grid levels p */
        int streams;    /* CR_STREAMS_* */
        cr_design_table parameters;
    } design;
    cr_mode_params mode[CR_MODE_SLOTS]; /* every built-in mode's and preset's section */
    struct {
        int64_t compression;
        int network;
        int events;
        struct {
            int64_t smes;         /* SMEs sampled (0: no panel) */
            int64_t every;        /* record every k-th period */
            cr_strlist variables; /* models/panel.h names */
        } panel;
    } output;
    struct {
        int generator; /* index into cr_params_network_generators(); 0: none */
        double coverage;
        int64_t group_size, chain_length, star_size;
        double pair_share, mean_degree, reciprocity;
        int star_mutual;
        char edges[CR_CONFIG_STR_MAX];
        int debtrank;
        int clearing;
    } network;
    struct {
        int generator; /* as network.generator */
        double receivable;
        int64_t star_size;
        double mean_degree;
    } supply;
} cr_params;

/* The key table of cr_params (with its cross-field checks): the experiment's keys
 * and one section per built-in mode and preset, generated on first use (call it once
 * before starting threads). */
const cr_schema *cr_params_schema(void);

#endif
