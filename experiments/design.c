#include "experiments/design.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/rng.h"
#include "experiments/sampling.h"
#include "models/mode.h"
#include "models/purpose.h"

#define MAX_CELLS 100000000u
#define MAX_INT_LEVELS 1000000u
#define TABLE "design.parameters"

static const char *const method_names[] = {"none", "grid", "lhs", "saltelli", "morris"};

void cr_design_free(cr_design *g)
{
    for (size_t j = 0; j < g->k; j++) {
        free(g->var[j].num);
        free(g->var[j].name);
    }
    free(g->u);
    free(g->struct_values);
    memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------------------ values into keys */

/* Keys a design may not vary: they define the experiment's shape or its output. */
static int fixed_key(const char *path)
{
    static const char *const prefixes[] = {"experiment.", "design.", "output.", "population.smes"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return strcmp(path, "modes") == 0;
}

/* Writes one value into field f of cfg: a number (DOUBLE, INT, UINT64) or a name
 * (ENUM choice, BOOL true/false, STRING). The value was checked at build time. */
static void put_value(const cr_field *f, cr_params *cfg, double x, const char *name)
{
    char *base = (char *)cfg + f->offset;
    switch (f->type) {
    case CR_FT_DOUBLE:
        memcpy(base, &x, sizeof x);
        break;
    case CR_FT_INT: {
        int64_t v = (int64_t)llround(x);
        memcpy(base, &v, sizeof v);
        break;
    }
    case CR_FT_UINT64: {
        uint64_t v = (uint64_t)llround(x);
        memcpy(base, &v, sizeof v);
        break;
    }
    case CR_FT_BOOL: {
        int v = strcmp(name, "true") == 0;
        memcpy(base, &v, sizeof v);
        break;
    }
    case CR_FT_ENUM: {
        int v = 0;
        for (int c = 0; f->choices[c]; c++)
            if (strcmp(f->choices[c], name) == 0)
                v = c;
        memcpy(base, &v, sizeof v);
        break;
    }
    case CR_FT_STRING:
        snprintf(base, CR_CONFIG_STR_MAX, "%s", name);
        break;
    default:
        break;
    }
}

/* Checks that text is a valid value of the key by applying it to a scratch copy
 * (the reader's own checks: type, range, choices); the message names the key. */
static cr_status try_value(const cr_schema *schema, const cr_params *p, const char *path,
                           const char *text, cr_params *scratch, char *why, size_t len)
{
    char set[CR_CONFIG_STR_MAX + CR_STRLIST_ITEM_MAX + 2];
    snprintf(set, sizeof set, "%s=%s", path, text);
    *scratch = *p;
    cr_diag d;
    cr_status st = cr_config_apply_set(schema, scratch, NULL, set, 0, &d);
    if (st != CR_OK) {
        const char *m = strstr(d.msg, ": ");
        /* "--set path=value: message" -> "message" */
        snprintf(why, len, "%s", m && strncmp(d.msg, "--set ", 6) == 0 ? m + 2 : d.msg);
    }
    return st;
}

static int parse_number(const char *s, double *x)
{
    if (!s[0])
        return 0;
    char *end;
    errno = 0;
    *x = strtod(s, &end);
    return *end == '\0' && errno == 0 && isfinite(*x);
}

static int name_key(const cr_field *f)
{
    return f->type == CR_FT_ENUM || f->type == CR_FT_BOOL || f->type == CR_FT_STRING;
}

typedef struct {
    const cr_schema *schema;
    const cr_origin *origins;
    const char *file;
    cr_diag *d;
} errctx;

#define ERR(e, item, key, ...)                                                                     \
    cr_config_error_item((e)->schema, (e)->origins, (e)->file, TABLE, (int)(item), key, (e)->d,    \
                         __VA_ARGS__)

/* Reads item j of design.parameters into var. */
static cr_status read_var(const errctx *e, const cr_params *p, int method, int j, cr_design_var *v,
                          cr_params *scratch)
{
    const cr_design_param *dp = &p->design.parameters.item[j];
    snprintf(v->path, sizeof v->path, "%s", dp->path);
    v->field = -1;
    char why[CR_DIAG_MAX];
    const int is_mode = strcmp(dp->path, "mode") == 0;
    const cr_field *f = NULL;
    if (!is_mode) {
        if (fixed_key(dp->path))
            return ERR(e, j, "path",
                       "%s cannot be varied by a design (it fixes the experiment's "
                       "shape or output)",
                       dp->path);
        int idx = cr_config_find(e->schema, dp->path);
        if (idx < 0)
            return ERR(e, j, "path", "%s",
                       try_value(e->schema, p, dp->path, "0", scratch, why, sizeof why) == CR_OK
                           ? "a table item cannot be varied; vary a key"
                           : why);
        f = &e->schema->fields[idx];
        if (f->type == CR_FT_TABLE || f->type == CR_FT_STRLIST)
            return ERR(e, j, "path", "%s is a list; a design varies one value", dp->path);
        v->field = idx;
        snprintf(v->units, sizeof v->units, "%s", f->units ? f->units : "");
        snprintf(v->long_name, sizeof v->long_name, "%s", f->doc ? f->doc : "");
    } else {
        snprintf(v->long_name, sizeof v->long_name, "financing mode");
    }
    const int names = is_mode || name_key(f);
    const int has_min = dp->min[0] != '\0', has_max = dp->max[0] != '\0';
    if (has_min != has_max)
        return ERR(e, j, has_min ? "min" : "max", "give both min and max");
    if (has_min && dp->values.n > 0)
        return ERR(e, j, "values", "give either values or min and max, not both");
    if (!has_min && dp->values.n == 0)
        return ERR(e, j, "values", "give the values or the range [min, max] to vary %s", dp->path);
    if (dp->levels > 0 && (!has_min || method != CR_DESIGN_GRID))
        return ERR(e, j, "levels", "levels goes with min and max in a grid design");

    /* a two-number list is a range in the sampling designs */
    double lo = 0, hi = 0;
    int range = has_min;
    if (has_min) {
        if (names)
            return ERR(e, j, "min", "%s takes names: list them in values", dp->path);
        if (!parse_number(dp->min, &lo))
            return ERR(e, j, "min", "expected a number, got '%s'", dp->min);
        if (!parse_number(dp->max, &hi))
            return ERR(e, j, "max", "expected a number, got '%s'", dp->max);
    } else if (!names && dp->values.n == 2 && method != CR_DESIGN_GRID) {
        if (parse_number(dp->values.item[0], &lo) && parse_number(dp->values.item[1], &hi))
            range = 1;
    }
    if (range) {
        const char *key = has_min ? "min" : "values";
        if (lo > hi)
            return ERR(e, j, key, "the range [%g, %g] has min > max", lo, hi);
        char t[64];
        for (int end = 0; end < 2; end++) {
            snprintf(t, sizeof t, "%.17g", end ? hi : lo);
            if (try_value(e->schema, p, dp->path, t, scratch, why, sizeof why) != CR_OK)
                return ERR(e, j, has_min ? (end ? "max" : "min") : key, "%s", why);
        }
        const int integer = f->type == CR_FT_INT || f->type == CR_FT_UINT64;
        if (method == CR_DESIGN_GRID) {
            size_t L = (size_t)dp->levels;
            if (L == 0 && integer)
                L = (size_t)(floor(hi) - ceil(lo)) + 1;
            if (L == 0)
                return ERR(e, j, "levels", "a grid needs the number of levels of a range");
            if (L > MAX_INT_LEVELS)
                return ERR(e, j, "levels", "at most %u levels", MAX_INT_LEVELS);
            v->kind = CR_DV_NUMBERS;
            v->nlevels = L;
            if (!(v->num = malloc(L * sizeof *v->num)))
                return cr_diag_set(e->d, CR_ENOMEM, "out of memory");
            for (size_t i = 0; i < L; i++) {
                double x = L == 1 ? lo : lo + (hi - lo) * (double)i / (double)(L - 1);
                v->num[i] = integer ? (dp->levels ? round(x) : ceil(lo) + (double)i) : x;
            }
            return CR_OK;
        }
        if (integer) { /* every integer in the range, equally likely */
            double a = ceil(lo), b = floor(hi);
            if (b < a)
                return ERR(e, j, key, "no integer in [%g, %g]", lo, hi);
            if (b - a + 1 > MAX_INT_LEVELS)
                return ERR(e, j, key, "more than %u integers in the range", MAX_INT_LEVELS);
            v->kind = CR_DV_NUMBERS;
            v->nlevels = (size_t)(b - a) + 1;
            if (!(v->num = malloc(v->nlevels * sizeof *v->num)))
                return cr_diag_set(e->d, CR_ENOMEM, "out of memory");
            for (size_t i = 0; i < v->nlevels; i++)
                v->num[i] = a + (double)i;
            return CR_OK;
        }
        v->kind = CR_DV_RANGE;
        v->lo = lo;
        v->hi = hi;
        return CR_OK;
    }
    /* a list of values */
    size_t L = (size_t)dp->values.n;
    v->nlevels = L;
    v->kind = names ? CR_DV_NAMES : CR_DV_NUMBERS;
    if (names ? !(v->name = calloc(L, sizeof *v->name)) : !(v->num = calloc(L, sizeof *v->num)))
        return cr_diag_set(e->d, CR_ENOMEM, "out of memory");
    for (size_t i = 0; i < L; i++) {
        const char *t = dp->values.item[i];
        if (is_mode) {
            if (!cr_mode_find(t))
                return ERR(e, j, "values", "unknown mode '%s' (credere modes lists them)", t);
        } else if (try_value(e->schema, p, dp->path, t, scratch, why, sizeof why) != CR_OK) {
            return ERR(e, j, "values", "item %zu: %s", i + 1, why);
        } else if (!names && !parse_number(t, &v->num[i])) {
            return ERR(e, j, "values", "item %zu: expected a number, got '%s'", i + 1, t);
        }
        if (names)
            snprintf(v->name[i], sizeof v->name[i], "%s", t);
        for (size_t i2 = 0; i2 < i; i2++)
            if (strcmp(dp->values.item[i2], t) == 0)
                return ERR(e, j, "values", "'%s' is listed twice", t);
    }
    return CR_OK;
}

/* The level index a unit coordinate selects among L. */
static size_t level_of(double u, size_t L)
{
    double x = floor(u * (double)L);
    size_t i = x <= 0 ? 0 : (size_t)x;
    return i >= L ? L - 1 : i;
}

const char *cr_design_cell_mode(const cr_design *g, size_t cell)
{
    if (g->mode_var >= 0) {
        const cr_design_var *v = &g->var[g->mode_var];
        return v->name[level_of(g->u[cell * g->k + (size_t)g->mode_var], v->nlevels)];
    }
    return g->mode[cell % g->nmodes];
}

double cr_design_cell_value(const cr_design *g, size_t cell, size_t j)
{
    size_t point = cell / g->nmodes;
    double u = g->u[point * g->k + j];
    const cr_design_var *v = &g->var[j];
    if (v->kind == CR_DV_RANGE)
        return v->lo + u * (v->hi - v->lo);
    size_t i = level_of(u, v->nlevels);
    return v->kind == CR_DV_NUMBERS ? v->num[i] : (double)i;
}

cr_status cr_design_cell_params(const cr_design *g, const cr_params *base, size_t cell,
                                cr_params *out, cr_diag *d)
{
    (void)d;
    const cr_schema *schema = cr_params_schema();
    *out = *base;
    size_t point = cell / g->nmodes;
    for (size_t j = 0; j < g->k; j++) {
        const cr_design_var *v = &g->var[j];
        if (v->field < 0)
            continue;
        double x = cr_design_cell_value(g, cell, j);
        const char *name =
            v->kind == CR_DV_NAMES ? v->name[level_of(g->u[point * g->k + j], v->nlevels)] : "";
        put_value(&schema->fields[v->field], out, x, name);
    }
    if (g->streams == CR_STREAMS_INDEPENDENT) {
        cr_rng_root root;
        cr_rng_root_init(&root, g->seed);
        cr_rng_key key = {UINT64_MAX, 0, CR_P_CELL_SEED, cell};
        cr_pcg128 s;
        cr_rng_stream(&s, &root, &key);
        out->experiment.seed = cr_pcg64_dxsm_next(&s);
    }
    return CR_OK;
}

/* ------------------------------------------------------------------ building */

static void design_rng(const cr_design *g, gsl_rng *r, uint64_t which)
{
    cr_rng_root root;
    cr_rng_root_init(&root, g->seed);
    cr_rng_key key = {UINT64_MAX, 0, CR_P_DESIGN, which};
    cr_rng_stream(cr_rng_gsl_state(r), &root, &key);
}

static cr_status sample_points(cr_design *g, const errctx *e)
{
    cr_status st = CR_OK;
    size_t k = g->k;
    if (g->method == CR_DESIGN_NONE) {
        g->npoints = 1;
        g->u = calloc(1, sizeof *g->u);
        return g->u ? CR_OK : cr_diag_set(e->d, CR_ENOMEM, "out of memory");
    }
    if (k == 0)
        return cr_config_error(e->schema, e->origins, e->file, TABLE, e->d,
                               "design.method %s needs parameters to vary", g->method_name);
    if (g->method != CR_DESIGN_GRID && g->samples == 0)
        return cr_config_error(e->schema, e->origins, e->file, "design.method", e->d,
                               "%s needs design.samples > 0", g->method_name);
    if (g->method == CR_DESIGN_GRID) {
        size_t levels[CR_DESIGN_PARAMS_MAX];
        for (size_t j = 0; j < k; j++)
            levels[j] = g->var[j].nlevels;
        st = cr_sample_grid(k, levels, MAX_CELLS, &g->npoints, &g->u, e->d);
    } else if (g->method == CR_DESIGN_LHS) {
        gsl_rng *r = cr_rng_gsl_alloc();
        if (!r)
            return cr_diag_set(e->d, CR_ENOMEM, "out of memory");
        design_rng(g, r, 0);
        st = cr_sample_lhs(g->samples, k, r, &g->u, e->d);
        g->npoints = st == CR_OK ? g->samples : 0;
        gsl_rng_free(r);
    } else if (g->method == CR_DESIGN_SALTELLI) {
        int *matrix = NULL;
        size_t *sample = NULL;
        st = cr_sample_saltelli(g->samples, k, g->second_order, &g->npoints, &g->u, &matrix,
                                &sample, e->d);
        if (st == CR_OK) {
            g->nstruct = 2;
            g->structure[0] =
                (cr_var_desc){"saltelli_sample", "1", "Saltelli base sample s (row of A and B)"};
            g->structure[1] =
                (cr_var_desc){"saltelli_matrix", "1",
                              "Saltelli matrix: 0 A, 1 B, 1 + i AB_i, 1 + k + i BA_i (i = 1..k)"};
            g->struct_values = malloc(g->npoints * 2 * sizeof *g->struct_values);
            if (!g->struct_values)
                st = cr_diag_set(e->d, CR_ENOMEM, "out of memory");
            for (size_t i = 0; st == CR_OK && i < g->npoints; i++) {
                g->struct_values[i * 2] = (double)sample[i];
                g->struct_values[i * 2 + 1] = (double)matrix[i];
            }
        }
        free(matrix);
        free(sample);
    } else if (g->method == CR_DESIGN_MORRIS) {
        gsl_rng *r = cr_rng_gsl_alloc();
        if (!r)
            return cr_diag_set(e->d, CR_ENOMEM, "out of memory");
        design_rng(g, r, 1);
        int *traj = NULL, *step = NULL, *factor = NULL;
        st = cr_sample_morris(g->samples, k, g->levels, r, &g->npoints, &g->u, &traj, &step,
                              &factor, e->d);
        gsl_rng_free(r);
        if (st == CR_OK) {
            g->nstruct = 3;
            g->structure[0] = (cr_var_desc){"morris_trajectory", "1", "Morris trajectory"};
            g->structure[1] = (cr_var_desc){"morris_step", "1", "step along the trajectory (0..k)"};
            g->structure[2] = (cr_var_desc){
                "morris_factor", "1",
                "parameter (0-based, in /design order) changed to reach this point; -1 at step 0"};
            g->struct_values = malloc(g->npoints * 3 * sizeof *g->struct_values);
            if (!g->struct_values)
                st = cr_diag_set(e->d, CR_ENOMEM, "out of memory");
            for (size_t i = 0; st == CR_OK && i < g->npoints; i++) {
                g->struct_values[i * 3] = traj[i];
                g->struct_values[i * 3 + 1] = step[i];
                g->struct_values[i * 3 + 2] = factor[i];
            }
        }
        free(traj);
        free(step);
        free(factor);
    }
    if (st == CR_ECONFIG) { /* the sampler's message names the key; add the position */
        char msg[CR_DIAG_MAX];
        snprintf(msg, sizeof msg, "%s", e->d->msg);
        const char *key = strncmp(msg, "design.", 7) == 0 ? msg : NULL;
        char path[64] = "design.samples";
        if (key) {
            size_t n = strcspn(key, ":");
            snprintf(path, sizeof path, "%.*s", (int)(n < 63 ? n : 63), key);
        }
        const char *text = key && strchr(key, ':') ? strchr(key, ':') + 2 : msg;
        if (cr_config_find(e->schema, path) < 0)
            snprintf(path, sizeof path, "design.method");
        return cr_config_error(e->schema, e->origins, e->file, path, e->d, "%s", text);
    }
    return st;
}

cr_status cr_design_build(const cr_params *p, const cr_origin *origins, const char *file,
                          cr_design *g, cr_diag *d)
{
    memset(g, 0, sizeof *g);
    errctx e = {cr_params_schema(), origins, file ? file : "(defaults)", d};
    g->method = p->design.method;
    g->method_name = method_names[g->method];
    g->samples = (size_t)p->design.samples;
    g->levels = (size_t)p->design.levels;
    g->second_order = p->design.second_order;
    g->streams = p->design.streams;
    g->seed = p->experiment.seed;
    g->mode_var = -1;
    cr_status st = CR_OK;
    cr_params *scratch = malloc(sizeof *scratch);
    if (!scratch)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    if (g->method == CR_DESIGN_MORRIS && g->levels % 2 != 0)
        st = cr_config_error(e.schema, origins, e.file, "design.levels", d,
                             "Morris needs an even number of levels (got %zu): with odd p the "
                             "step p / (2 (p - 1)) leaves the grid",
                             g->levels);
    if (st == CR_OK && g->method == CR_DESIGN_NONE && p->design.parameters.n > 0)
        st = cr_config_error(e.schema, origins, e.file, TABLE, d,
                             "parameters are given but design.method is none: choose grid, lhs, "
                             "saltelli or morris");
    for (int j = 0; st == CR_OK && j < p->design.parameters.n; j++) {
        for (int j2 = 0; j2 < j; j2++)
            if (strcmp(p->design.parameters.item[j2].path, p->design.parameters.item[j].path) == 0)
                st = ERR(&e, j, "path", "%s is varied twice", p->design.parameters.item[j].path);
        if (st == CR_OK)
            st = read_var(&e, p, g->method, j, &g->var[j], scratch);
        g->k = (size_t)j + 1;
        if (st == CR_OK && strcmp(g->var[j].path, "mode") == 0)
            g->mode_var = j;
    }
    if (st == CR_OK) {
        g->nmodes = g->mode_var >= 0 ? 1 : (size_t)p->modes.n;
        for (size_t m = 0; g->mode_var < 0 && m < g->nmodes; m++)
            snprintf(g->mode[m], sizeof g->mode[m], "%s", p->modes.item[m]);
        st = sample_points(g, &e);
    }
    if (st == CR_OK && (double)g->npoints * (double)g->nmodes > MAX_CELLS)
        st = cr_config_error(e.schema, origins, e.file, "design.samples", d,
                             "%zu points x %zu modes is more than %u cells", g->npoints, g->nmodes,
                             MAX_CELLS);
    g->ncells = g->npoints * g->nmodes;
    /* every cell's parameters pass the experiment's cross-field checks */
    for (size_t c = 0; st == CR_OK && g->k > 0 && c < g->ncells; c += g->nmodes) {
        cr_diag cd;
        cr_design_cell_params(g, p, c, scratch, &cd);
        if (cr_config_validate(e.schema, scratch, NULL, e.file, &cd) != CR_OK) {
            char vals[512];
            size_t o = 0;
            vals[0] = '\0';
            for (size_t j = 0; j < g->k && o < sizeof vals; j++)
                o += (size_t)snprintf(vals + o, sizeof vals - o, "%s%s = %g", j ? ", " : "",
                                      g->var[j].path, cr_design_cell_value(g, c, j));
            st = cr_config_error(e.schema, origins, e.file, TABLE, d,
                                 "design point %zu (%s) fails a check: %s", c / g->nmodes, vals,
                                 cd.msg);
        }
    }
    free(scratch);
    if (st != CR_OK)
        cr_design_free(g);
    return st;
}

/* ------------------------------------------------------------------ results file */

void cr_design_output_free(cr_design_output *o)
{
    free(o->vars);
    free(o->values);
    free(o->var_attrs);
    memset(o, 0, sizeof *o);
}

/* Appends text to o->text; returns where it starts. */
static const char *keep(cr_design_output *o, size_t *used, const char *fmt, double x, const char *s)
{
    char *at = o->text + *used;
    size_t room = sizeof o->text - *used;
    int n = s ? snprintf(at, room, fmt, s) : snprintf(at, room, fmt, x);
    if (n < 0 || (size_t)n >= room) {
        at[0] = '\0';
        return at;
    }
    *used += (size_t)n + 1;
    return at;
}

cr_status cr_design_output_make(const cr_design *g, cr_design_output *o, cr_diag *d)
{
    memset(o, 0, sizeof *o);
    size_t nnum = 0;
    for (size_t j = 0; j < g->k; j++)
        nnum += (int)j != g->mode_var;
    o->nvars = nnum + g->nstruct;
    o->nvar_attrs = CR_DESIGN_VAR_ATTRS;
    o->vars = calloc(o->nvars + 1, sizeof *o->vars);
    o->values = calloc(o->nvars * g->ncells + 1, sizeof *o->values);
    o->var_attrs = calloc(o->nvars * CR_DESIGN_VAR_ATTRS + 1, sizeof *o->var_attrs);
    if (!o->vars || !o->values || !o->var_attrs) {
        cr_design_output_free(o);
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    }
    size_t used = 0, col = 0;
    for (size_t j = 0; j < g->k; j++) {
        if ((int)j == g->mode_var)
            continue;
        const cr_design_var *v = &g->var[j];
        o->vars[col] = (cr_var_desc){v->path, v->units, v->long_name};
        for (size_t c = 0; c < g->ncells; c++)
            o->values[c * o->nvars + col] = cr_design_cell_value(g, c, j);
        cr_attr *a = &o->var_attrs[col * CR_DESIGN_VAR_ATTRS];
        static const char *const kinds[] = {"range", "values", "names"};
        a[0] = (cr_attr){"role", "parameter", 0};
        a[1] = (cr_attr){"kind", kinds[v->kind], 0};
        if (v->kind == CR_DV_RANGE) {
            a[2] = (cr_attr){"min", NULL, v->lo};
            a[3] = (cr_attr){"max", NULL, v->hi};
        } else {
            a[2] = (cr_attr){"levels", NULL, (double)v->nlevels};
            if (v->kind == CR_DV_NAMES) { /* the names, in index order, one per line */
                char list[2048];
                size_t lo = 0;
                list[0] = '\0';
                for (size_t i = 0; i < v->nlevels && lo < sizeof list; i++)
                    lo += (size_t)snprintf(list + lo, sizeof list - lo, "%s%s", i ? "\n" : "",
                                           v->name[i]);
                a[3] = (cr_attr){"names", keep(o, &used, "%s", 0, list), 0};
            }
        }
        col++;
    }
    for (size_t s = 0; s < g->nstruct; s++, col++) {
        o->vars[col] = g->structure[s];
        for (size_t c = 0; c < g->ncells; c++)
            o->values[c * o->nvars + col] = g->struct_values[(c / g->nmodes) * g->nstruct + s];
        o->var_attrs[col * CR_DESIGN_VAR_ATTRS] = (cr_attr){"role", "structure", 0};
    }
    size_t n = 0;
    o->attrs[n++] = (cr_attr){"method", g->method_name, 0};
    o->attrs[n++] = (cr_attr){"points", NULL, (double)g->npoints};
    o->attrs[n++] = (cr_attr){"modes_per_point", NULL, (double)g->nmodes};
    o->attrs[n++] = (cr_attr){"streams", g->streams ? "independent" : "common", 0};
    char params[2048];
    size_t po = 0;
    params[0] = '\0';
    for (size_t j = 0; j < g->k && po < sizeof params; j++)
        po += (size_t)snprintf(params + po, sizeof params - po, "%s%s", j ? "\n" : "",
                               g->var[j].path);
    o->attrs[n++] = (cr_attr){"parameters", keep(o, &used, "%s", 0, params), 0};
    if (g->method == CR_DESIGN_SALTELLI) {
        o->attrs[n++] = (cr_attr){"samples", NULL, (double)g->samples};
        o->attrs[n++] = (cr_attr){"second_order", NULL, (double)g->second_order};
    }
    if (g->method == CR_DESIGN_LHS)
        o->attrs[n++] = (cr_attr){"samples", NULL, (double)g->samples};
    if (g->method == CR_DESIGN_MORRIS) {
        o->attrs[n++] = (cr_attr){"trajectories", NULL, (double)g->samples};
        o->attrs[n++] = (cr_attr){"levels", NULL, (double)g->levels};
        o->attrs[n++] =
            (cr_attr){"delta", NULL, (double)g->levels / (2.0 * ((double)g->levels - 1.0))};
    }
    o->nattrs = n;
    return CR_OK;
}

void cr_design_describe(const cr_design *g, char *buf, size_t len)
{
    if (g->method == CR_DESIGN_NONE) {
        snprintf(buf, len, "no design: %zu cell%s, one per mode", g->ncells,
                 g->ncells == 1 ? "" : "s");
        return;
    }
    size_t o = (size_t)snprintf(buf, len, "%s", g->method_name);
    if (g->method == CR_DESIGN_SALTELLI)
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, " (N = %zu%s)", g->samples,
                              g->second_order ? ", second order" : "");
    else if (g->method == CR_DESIGN_MORRIS)
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, " (%zu trajectories, %zu levels)",
                              g->samples, g->levels);
    snprintf(buf + (o < len ? o : len), o < len ? len - o : 0,
             ": %zu parameter%s, %zu points x %zu mode%s = %zu cells (%s random numbers)", g->k,
             g->k == 1 ? "" : "s", g->npoints, g->nmodes, g->nmodes == 1 ? "" : "s", g->ncells,
             g->streams ? "independent" : "common");
}
