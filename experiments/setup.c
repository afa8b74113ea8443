#include "experiments/setup.h"

#include <stdlib.h>
#include <string.h>

#include "experiments/design.h"
#include "models/mode.h"

static cr_status load_impl(const char *path, const char *text, const char *const *sets, int nsets,
                           cr_params *p, char **yaml, cr_diag *d);

cr_status cr_experiment_load(const char *path, const char *const *sets, int nsets, cr_params *p,
                             char **yaml, cr_diag *d)
{
    return load_impl(path, NULL, sets, nsets, p, yaml, d);
}

cr_status cr_experiment_load_text(const char *name, const char *text, cr_params *p, cr_diag *d)
{
    return load_impl(name, text, NULL, 0, p, NULL, d);
}

static cr_status load_impl(const char *path, const char *text, const char *const *sets, int nsets,
                           cr_params *p, char **yaml, cr_diag *d)
{
    const cr_schema *schema = cr_params_schema();
    cr_origin *origins = calloc(schema->nfields, sizeof *origins);
    if (!origins)
        return cr_diag_set(d, CR_ENOMEM, "out of memory");
    /* fields that are not keys of a mode (e.g. direct has no guarantor) keep the
     * mode's compiled defaults, so no byte of the struct is left undefined */
    memset(p, 0, sizeof *p);
    for (size_t k = 0; k < CR_MODE_SLOTS; k++)
        p->mode[k] = *cr_mode_at(k)->defaults;
    cr_status st = cr_config_defaults(schema, p, origins, d);
    if (st == CR_OK && text)
        st = cr_config_load_string(schema, p, origins, path, text, strlen(text), d);
    else if (st == CR_OK && path)
        st = cr_config_load_file(schema, p, origins, path, d);
    for (int i = 0; st == CR_OK && i < nsets; i++)
        st = cr_config_apply_set(schema, p, origins, sets[i], i + 1, d);
    if (st == CR_OK)
        st = cr_config_validate(schema, p, origins, path ? path : "(defaults)", d);
    if (st == CR_OK) { /* the design's keys, values and cells, with their positions */
        cr_design g;
        st = cr_design_build(p, origins, path ? path : "(defaults)", &g, d);
        if (st == CR_OK)
            cr_design_free(&g);
    }
    if (st == CR_OK && yaml) {
        st = cr_config_to_yaml(schema, p, yaml);
        if (st != CR_OK)
            cr_diag_set(d, st, "cannot format the resolved configuration");
    }
    cr_config_origins_clear(schema, origins);
    free(origins);
    return st;
}

static void format_range(const cr_field *f, char *buf, size_t len)
{
    if (f->type == CR_FT_ENUM) {
        size_t o = 0;
        buf[0] = '\0';
        for (const char *const *c = f->choices; *c && o < len; c++)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", c == f->choices ? "" : ", ", *c);
        return;
    }
    if (f->type == CR_FT_TABLE) {
        snprintf(buf, len, "see below");
        return;
    }
    if (f->type == CR_FT_BOOL) {
        snprintf(buf, len, "true, false");
        return;
    }
    int lo = f->range & CR_RANGE_MIN, hi = f->range & CR_RANGE_MAX;
    if (lo && hi)
        snprintf(buf, len, "%s%g, %g%s", f->range & CR_RANGE_MIN_OPEN ? "(" : "[", f->min, f->max,
                 f->range & CR_RANGE_MAX_OPEN ? ")" : "]");
    else if (lo)
        snprintf(buf, len, "%s %g", f->range & CR_RANGE_MIN_OPEN ? ">" : ">=", f->min);
    else if (hi)
        snprintf(buf, len, "%s %g", f->range & CR_RANGE_MAX_OPEN ? "<" : "<=", f->max);
    else
        snprintf(buf, len, "any");
}

void cr_experiment_keys_markdown(FILE *out)
{
    static const char *type_names[] = {
        [CR_FT_BOOL] = "bool",
        [CR_FT_INT] = "integer",
        [CR_FT_UINT64] = "unsigned integer",
        [CR_FT_DOUBLE] = "number",
        [CR_FT_STRING] = "text",
        [CR_FT_ENUM] = "choice",
        [CR_FT_STRLIST] = "list of names",
        [CR_FT_TABLE] = "list of layers",
    };
    const cr_schema *schema = cr_params_schema();
    /* the item keys of each kind of table (a waterfall's layers, a design's
     * parameters), once per kind, after the first key that holds it */
    enum { MAX_TABLES = 8 };
    const cr_table_desc *tables[MAX_TABLES];
    const char *holder[MAX_TABLES];
    size_t ntables = 0;
    fprintf(out, "| key | type | default | allowed | units | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < schema->nfields; i++) {
        const cr_field *f = &schema->fields[i];
        char range[256];
        format_range(f, range, sizeof range);
        fprintf(out, "| `%s` | %s | `%s` | %s | %s | %s |\n", f->path, type_names[f->type], f->def,
                range, f->units && f->units[0] ? f->units : "", f->doc);
        if (f->type != CR_FT_TABLE)
            continue;
        size_t k = 0;
        while (k < ntables && tables[k] != f->table)
            k++;
        if (k == ntables && ntables < MAX_TABLES) {
            tables[ntables] = f->table;
            holder[ntables++] = f->path;
        }
    }
    for (size_t k = 0; k < ntables; k++) {
        const char *last = strrchr(holder[k], '.');
        fprintf(out, "\nKeys of one item of a `%s` list (e.g. `%s`):\n\n",
                last ? last + 1 : holder[k], holder[k]);
        fprintf(out, "| key | type | default | allowed | units | meaning |\n");
        fprintf(out, "|---|---|---|---|---|---|\n");
        const cr_table_desc *table = tables[k];
        for (size_t i = 0; i < table->nfields; i++) {
            const cr_field *f = &table->fields[i];
            char range[256];
            format_range(f, range, sizeof range);
            fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n", f->path, type_names[f->type],
                    f->def ? f->def : "required", range, f->units && f->units[0] ? f->units : "",
                    f->doc);
        }
    }
}
