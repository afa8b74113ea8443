/* Designs of experiments: which cells an experiment runs.
 *
 * The `design` section of the experiment file names a method and the varied
 * parameters (dotted key paths, or `mode`); this module turns it into cells. A
 * design point is a point of the unit cube [0,1]^k from experiments/sampling.h
 * (grid, Latin hypercube, Saltelli, Morris), mapped to parameter values:
 *
 *   - a range [min, max] of a number key: min + u (max - min);
 *   - a list of L values (numbers or names), or an integer key's range (every
 *     integer in it): value number min(floor(u L), L - 1).
 *
 * Every design point runs in every mode of `modes` (cell = point x nmodes + mode),
 * unless `mode` is itself a design parameter; without a design (method none) there
 * is one point and one cell per mode, as before designs existed.
 *
 * Random parts (Latin hypercube, Morris) draw from the experiment's keyed streams
 * (purpose CR_P_DESIGN), so a design is a function of the experiment file alone.
 * With design.streams = independent each cell gets its own seed, derived from
 * (seed, cell) by the stream hash (purpose CR_P_CELL_SEED); by default a
 * replication's streams are the same in every cell (common random numbers).
 */
#ifndef CR_DESIGN_H
#define CR_DESIGN_H

#include <stddef.h>

#include "core/config.h"
#include "core/results.h"
#include "core/status.h"
#include "models/params.h"

enum { CR_DV_RANGE = 0, CR_DV_NUMBERS = 1, CR_DV_NAMES = 2 };

/* One varied parameter. */
typedef struct {
    char path[CR_CONFIG_STR_MAX];
    int kind;       /* CR_DV_* */
    int field;      /* schema index of the key; -1 for `mode` or a table item path */
    double lo, hi;  /* CR_DV_RANGE */
    size_t nlevels; /* CR_DV_NUMBERS, CR_DV_NAMES */
    double *num;    /* [nlevels] CR_DV_NUMBERS */
    char (*name)[CR_STRLIST_ITEM_MAX]; /* [nlevels] CR_DV_NAMES */
    char units[64];
    char long_name[192];
} cr_design_var;

/* Per-point structure a method records for its estimators (/design/<name>). */
#define CR_DESIGN_STRUCT_MAX 3

typedef struct {
    int method; /* CR_DESIGN_* */
    const char *method_name;
    size_t samples, levels;
    int second_order, streams;
    size_t k; /* varied parameters, `mode` included */
    cr_design_var var[CR_DESIGN_PARAMS_MAX];
    int mode_var; /* index of `mode` in var, or -1 */
    size_t npoints, nmodes, ncells;
    char mode[CR_STRLIST_MAX][CR_STRLIST_ITEM_MAX]; /* the modes list (mode_var < 0) */
    double *u;                                      /* [npoints * k] unit-cube points */
    size_t nstruct;
    cr_var_desc structure[CR_DESIGN_STRUCT_MAX];
    double *struct_values; /* [npoints * nstruct] */
    uint64_t seed;         /* experiment.seed */
} cr_design;

/* Builds the design of p (which passed cr_config_validate). Errors are CR_ECONFIG,
 * "file:line:column: design.parameters[j].key: what is wrong" when origins (of the
 * load, may be NULL) locate the key: an unknown or fixed key path, a range with
 * min > max, a value outside the key's range, a method without samples, a Saltelli
 * N that is not a power of two, more Saltelli parameters than the Sobol generator
 * has dimensions, too many cells, or a cell whose parameters fail the experiment's
 * cross-field checks. Free with cr_design_free. */
cr_status cr_design_build(const cr_params *p, const cr_origin *origins, const char *file,
                          cr_design *out, cr_diag *d);
void cr_design_free(cr_design *g);

/* The mode of a cell. */
const char *cr_design_cell_mode(const cr_design *g, size_t cell);

/* The value of varied parameter j in a cell as stored in /design/<path>: the number,
 * or for a list of names its 0-based index. */
double cr_design_cell_value(const cr_design *g, size_t cell, size_t j);

/* The parameters of a cell: base with the cell's values set (and, with independent
 * streams, its own seed). out may not alias base. */
cr_status cr_design_cell_params(const cr_design *g, const cr_params *base, size_t cell,
                                cr_params *out, cr_diag *d);

/* The design's datasets and attributes for the results file: vars and values
 * [ncells * nvars] (the numeric parameters, then the per-point structure), the
 * /design attributes; everything owned by the returned block (free with
 * cr_design_output_free). */
typedef struct {
    size_t nvars;
    cr_var_desc *vars;
    double *values;
    cr_attr *var_attrs; /* [nvars * CR_DESIGN_VAR_ATTRS] */
    size_t nvar_attrs;  /* per var */
    cr_attr attrs[12];  /* on /design */
    size_t nattrs;
    char text[4096]; /* storage for the attributes' text */
} cr_design_output;

#define CR_DESIGN_VAR_ATTRS 4

cr_status cr_design_output_make(const cr_design *g, cr_design_output *out, cr_diag *d);
void cr_design_output_free(cr_design_output *out);

/* One line describing the design: "saltelli: N = 64, 5 parameters, 448 points x 2
 * modes = 896 cells". */
void cr_design_describe(const cr_design *g, char *buf, size_t len);

#endif
