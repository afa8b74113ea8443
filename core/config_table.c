/* Experiment files: CR_FT_TABLE fields (see config.h and config_impl.h). A table is
 * a YAML sequence of mappings, each read with the table's record fields into one
 * record of an array in the config struct; a sequence replaces the whole table.
 * Items are named by 0-based index: "alliance.waterfall[2].share".
 *
 * Origins: a table field's cr_origin owns `items`, max_items blocks of
 * (1 + nfields) origins: the item's own position (that of its first scalar), then
 * each record field's (the value's, or the item's for a key left out). */
#include <libfyaml.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_impl.h"

/* ------------------------------------------------------------------ descriptions and origins */

static cr_status bad_desc(const cr_field *f, cr_diag *d, const char *what, const char *key)
{
    return cr_diag_set(d, CR_EINVAL, "%s: bad table description: %s%s%s%s", f->path, what,
                       key ? " '" : "", key ? key : "", key ? "'" : "");
}

/* Index of the record field named key (len bytes), or -1. */
static int record_key(const cr_table_desc *t, const char *key, size_t len)
{
    for (size_t j = 0; j < t->nfields; j++)
        if (strlen(t->fields[j].path) == len && memcmp(t->fields[j].path, key, len) == 0)
            return (int)j;
    return -1;
}

static bool overlap(size_t a, size_t alen, size_t b, size_t blen)
{
    return a < b + blen && b < a + alen;
}

static cr_status check_desc(const cr_field *f, cr_diag *d)
{
    const cr_table_desc *t = f->table;
    if (!t)
        return bad_desc(f, d, "no cr_table_desc", NULL);
    if (t->max_items < 0 || (t->nfields && (!t->fields || !t->record_size)))
        return bad_desc(f, d, "negative max_items, or fields without records", NULL);
    if (t->max_items > 0 && overlap(t->count_offset, sizeof(int), t->items_offset,
                                    (size_t)t->max_items * t->record_size))
        return bad_desc(f, d, "the count overlaps the items", NULL);
    for (size_t j = 0; j < t->nfields; j++) {
        const cr_field *rf = &t->fields[j];
        if (!rf->path || !rf->path[0] || strpbrk(rf->path, ".[]"))
            return bad_desc(f, d, "a record key must be a plain name:", rf->path ? rf->path : "");
        if (rf->type == CR_FT_TABLE)
            return bad_desc(f, d, "tables do not nest; record key", rf->path);
        if (rf->offset + cr_i_config_field_size(rf) > t->record_size)
            return bad_desc(f, d, "record_size too small for record key", rf->path);
        if (record_key(t, rf->path, strlen(rf->path)) != (int)j)
            return bad_desc(f, d, "record key given twice:", rf->path);
    }
    if (!t->map_key != !t->map_value)
        return bad_desc(f, d, "map_key and map_value go together", NULL);
    if (t->map_key) {
        int jk = record_key(t, t->map_key, strlen(t->map_key));
        if (jk < 0 || t->fields[jk].type != CR_FT_STRING)
            return bad_desc(f, d, "map_key is not a text record key:", t->map_key);
        if (record_key(t, t->map_value, strlen(t->map_value)) < 0)
            return bad_desc(f, d, "map_value is not a record key:", t->map_value);
    }
    return CR_OK;
}

static size_t origins_per_item(const cr_table_desc *t)
{
    return t->nfields + 1;
}

cr_status cr_i_config_table_prepare(const cr_field *f, cr_origin *o, cr_diag *d)
{
    cr_status st = check_desc(f, d);
    if (st != CR_OK || !o)
        return st;
    size_t n = (size_t)f->table->max_items * origins_per_item(f->table);
    cr_origin *items = o->items;
    if (items)
        memset(items, 0, n * sizeof *items);
    else if (n && !(items = calloc(n, sizeof *items)))
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory", f->path);
    *o = (cr_origin){.kind = CR_ORIGIN_DEFAULT, .items = items};
    return CR_OK;
}

void cr_config_origins_clear(const cr_schema *schema, cr_origin *origins)
{
    for (size_t i = 0; origins && i < schema->nfields; i++) {
        if (schema->fields[i].type == CR_FT_TABLE) {
            free(origins[i].items);
            origins[i].items = NULL;
        }
    }
}

/* The origin of record field j of item k (j = -1: the item) under the table's
 * origin o, or o itself when there is none. */
static const cr_origin *item_origin(const cr_origin *o, const cr_table_desc *t, int k, int j)
{
    if (!o || !o->items || k < 0 || k >= t->max_items || j < -1 || j >= (int)t->nfields)
        return o;
    return &o->items[(size_t)k * origins_per_item(t) + (size_t)(j + 1)];
}

/* ------------------------------------------------------------------ reading */

/* "unknown key; did you mean 'x'?" among the record keys, or their list. */
static cr_status unknown_key(const cr_i_config_walker *w, const cr_table_desc *t, const char *key,
                             size_t klen, const char *path, int line, int col)
{
    cr_i_config_suggester sg;
    cr_i_config_suggest_init(&sg, key, klen);
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (size_t j = 0; j < t->nfields; j++) {
        const char *name = t->fields[j].path;
        cr_i_config_suggest_try(&sg, name, strlen(name));
        if (used < sizeof list) {
            int n = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", name);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    if (sg.best)
        return cr_i_config_walk_error(w, line, col, path, "unknown key; did you mean '%.*s'?",
                                      (int)sg.best_len, sg.best);
    return cr_i_config_walk_error(w, line, col, path, "unknown key; expected one of: %s", list);
}

/* The record with every key's default (keys without one are zero): rec. */
static cr_status read_template(const cr_i_config_walker *w, const cr_table_desc *t,
                               const char *path, char *rec)
{
    for (size_t j = 0; j < t->nfields; j++) {
        const cr_field *rf = &t->fields[j];
        if (!rf->def)
            continue;
        char rpath[CR_I_CONFIG_PATH_LEN];
        snprintf(rpath, sizeof rpath, "%s[].%s", path, rf->path);
        cr_i_config_walker dw = {w->schema, w->cfg, NULL, CR_I_CONFIG_MODE_DEFAULT, NULL, rf->def,
                                 rpath,     0,      w->d};
        cr_i_config_ydoc y;
        cr_i_config_yerr e;
        cr_i_config_yresult r = cr_i_config_ydoc_parse(&y, rf->def, strlen(rf->def), rpath, &e);
        cr_status st;
        if (r == CR_I_CONFIG_Y_NOMEM)
            st = cr_diag_set(w->d, CR_ENOMEM, "%s: out of memory parsing the default", rpath);
        else if (r == CR_I_CONFIG_Y_BAD)
            st = cr_i_config_walk_error(&dw, 0, 0, rpath, "%s", e.msg);
        else
            st = cr_i_config_read_value(&dw, rf,
                                        r == CR_I_CONFIG_Y_OK ? fy_document_root(y.fyd) : NULL, 0,
                                        0, rpath, rec + rf->offset);
        cr_i_config_ydoc_close(&y);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

/* Scratch space of one table read. */
typedef struct {
    const cr_table_desc *t;
    const char *path;    /* the table's */
    int line, col;       /* the table's position: the fallback for items */
    const char *tmpl;    /* the record of defaults */
    unsigned char *seen; /* nfields flags */
    cr_origin *origins;  /* max_items * origins_per_item, or NULL */
} table_read;

/* Reads node v into record field j of rec at (vl, vc), recording its origin. */
static cr_status read_field(const cr_i_config_walker *w, const table_read *tr, cr_origin *io, int j,
                            struct fy_node *v, int vl, int vc, const char *path, char *rec)
{
    const cr_field *rf = &tr->t->fields[j];
    cr_status st = cr_i_config_read_value(w, rf, v, vl, vc, path, rec + rf->offset);
    if (st != CR_OK)
        return st;
    tr->seen[j] = 1;
    if (io)
        io[1 + j] = cr_i_config_origin_at(w, vl, vc);
    return CR_OK;
}

/* Item k into rec: the defaults, then the keys it gives. In a sequence the item is
 * the mapping `item` (keyn NULL); in the mapping form (map_key) it is the pair
 * (keyn, item): the key names the item and a value that is not a mapping goes to
 * the map_value field. */
static cr_status read_record(const cr_i_config_walker *w, const table_read *tr,
                             struct fy_node *keyn, struct fy_node *item, int k, char *rec)
{
    const cr_table_desc *t = tr->t;
    char ipath[CR_I_CONFIG_PATH_LEN], path[CR_I_CONFIG_PATH_LEN];
    snprintf(ipath, sizeof ipath, "%s[%d]", tr->path, k);
    int il, ic;
    cr_i_config_node_first_pos(keyn ? keyn : item, tr->line, tr->col, &il, &ic);
    cr_origin *io = tr->origins ? tr->origins + (size_t)k * origins_per_item(t) : NULL;
    if (keyn) {
        memcpy(rec, tr->tmpl, t->record_size);
        memset(tr->seen, 0, t->nfields);
        int jk = record_key(t, t->map_key, strlen(t->map_key));
        cr_i_config_join_path(path, ipath, t->map_key, strlen(t->map_key));
        cr_status st = read_field(w, tr, io, jk, keyn, il, ic, path, rec);
        if (st != CR_OK)
            return st;
        if (!item || fy_node_get_type(item) != FYNT_MAPPING) {
            int jv = record_key(t, t->map_value, strlen(t->map_value)), vl, vc;
            cr_i_config_join_path(path, ipath, t->map_value, strlen(t->map_value));
            cr_i_config_node_first_pos(item, il, ic, &vl, &vc);
            if ((st = read_field(w, tr, io, jv, item, vl, vc, path, rec)) != CR_OK)
                return st;
            item = NULL;
        }
    }
    if (!keyn && (!item || fy_node_get_type(item) != FYNT_MAPPING)) {
        char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
        cr_i_config_describe(item, got, sizeof got);
        return cr_i_config_walk_error(w, il, ic, ipath, "expected a mapping (one item), got %s",
                                      got);
    }
    if (!keyn) {
        memcpy(rec, tr->tmpl, t->record_size);
        memset(tr->seen, 0, t->nfields);
    }
    void *it = NULL;
    struct fy_node_pair *p;
    while (item && (p = fy_node_mapping_iterate(item, &it))) {
        struct fy_node *kn = fy_node_pair_key(p), *vn = fy_node_pair_value(p);
        int kl, kc, vl, vc;
        cr_i_config_node_pos(kn, il, ic, &kl, &kc);
        size_t len = 0;
        const char *key = cr_i_config_node_is_scalar(kn) ? fy_node_get_scalar(kn, &len) : NULL;
        if (!key || cr_i_config_is_null_scalar(kn)) {
            char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
            cr_i_config_describe(kn, got, sizeof got);
            return cr_i_config_walk_error(w, kl, kc, ipath, "expected a key name, got %s", got);
        }
        cr_i_config_join_path(path, ipath, key, len);
        int j = record_key(t, key, len);
        if (j < 0)
            return unknown_key(w, t, key, len, path, kl, kc);
        if (keyn && tr->seen[j])
            return cr_i_config_walk_error(w, kl, kc, path,
                                          "given twice (the key of the item sets it)");
        cr_i_config_node_pos(vn, kl, kc, &vl, &vc);
        cr_status st = read_field(w, tr, io, j, vn, vl, vc, path, rec);
        if (st != CR_OK)
            return st;
    }
    for (size_t j = 0; j < t->nfields; j++) {
        if (tr->seen[j])
            continue;
        if (!t->fields[j].def) {
            cr_i_config_join_path(path, ipath, t->fields[j].path, strlen(t->fields[j].path));
            return cr_i_config_walk_error(w, il, ic, path, "missing required key");
        }
        if (io)
            io[1 + j] = cr_i_config_origin_at(w, il, ic);
    }
    if (io)
        io[0] = cr_i_config_origin_at(w, il, ic);
    return CR_OK;
}

static cr_status read_items(const cr_i_config_walker *w, const table_read *tr, struct fy_node *v,
                            char *items)
{
    void *it = NULL;
    if (fy_node_get_type(v) == FYNT_MAPPING) {
        struct fy_node_pair *p;
        for (int k = 0; (p = fy_node_mapping_iterate(v, &it)); k++) {
            cr_status st = read_record(w, tr, fy_node_pair_key(p), fy_node_pair_value(p), k,
                                       items + (size_t)k * tr->t->record_size);
            if (st != CR_OK)
                return st;
        }
        return CR_OK;
    }
    struct fy_node *item;
    for (int k = 0; (item = fy_node_sequence_iterate(v, &it)); k++) {
        cr_status st = read_record(w, tr, NULL, item, k, items + (size_t)k * tr->t->record_size);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

cr_status cr_i_config_read_table(const cr_i_config_walker *w, int idx, struct fy_node *v,
                                 int key_line, int key_col, const char *path)
{
    const cr_field *f = &w->schema->fields[idx];
    const cr_table_desc *t = f->table;
    int line, col;
    cr_i_config_node_pos(v, key_line, key_col, &line, &col);
    bool map = v && t->map_key && fy_node_get_type(v) == FYNT_MAPPING;
    if (!v || (!map && fy_node_get_type(v) != FYNT_SEQUENCE)) {
        char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
        cr_i_config_describe(v, got, sizeof got);
        return cr_i_config_walk_error(w, line, col, path, "expected a list of mappings%s, got %s",
                                      t->map_key ? " or a mapping" : "", got);
    }
    int count = map ? fy_node_mapping_item_count(v) : fy_node_sequence_item_count(v);
    if (count > t->max_items) {
        struct fy_node *extra =
            map ? fy_node_pair_key(fy_node_mapping_get_by_index(v, t->max_items))
                : fy_node_sequence_get_by_index(v, t->max_items);
        cr_i_config_node_first_pos(extra, line, col, &line, &col);
        return cr_i_config_walk_error(w, line, col, path, "at most %d items, got %d", t->max_items,
                                      count);
    }
    cr_origin *keep = w->origins ? w->origins[idx].items : NULL;
    size_t items_size = (size_t)t->max_items * t->record_size;
    size_t norigins = (size_t)t->max_items * origins_per_item(t);
    char *items = calloc(1, items_size + 1), *tmpl = calloc(1, t->record_size + 1);
    unsigned char *seen = calloc(1, t->nfields + 1);
    cr_origin *origins = keep ? calloc(norigins + 1, sizeof *origins) : NULL;
    cr_status st;
    if (!items || !tmpl || !seen || (keep && !origins)) {
        cr_diag_set(w->d, CR_ENOMEM, "%s: out of memory", path);
        st = CR_ENOMEM;
    } else if ((st = read_template(w, t, path, tmpl)) == CR_OK) {
        table_read tr = {t, path, line, col, tmpl, seen, origins};
        st = read_items(w, &tr, v, items);
    }
    if (st == CR_OK) { /* replace the table */
        memcpy((char *)w->cfg + f->offset + t->items_offset, items, items_size);
        memcpy(cr_i_config_table_count(w->cfg, f), &count, sizeof count);
        if (keep)
            memcpy(keep, origins, norigins * sizeof *origins);
    }
    free(items);
    free(tmpl);
    free(seen);
    free(origins);
    return st;
}

/* ------------------------------------------------------------------ --set table[k].key=value */

int cr_i_config_table_of(const cr_schema *schema, const char *key)
{
    const char *bracket = strchr(key, '[');
    if (!bracket)
        return -1;
    size_t len = (size_t)(bracket - key);
    for (size_t i = 0; i < schema->nfields; i++) {
        const cr_field *f = &schema->fields[i];
        if (f->type == CR_FT_TABLE && f->table && strlen(f->path) == len &&
            memcmp(f->path, key, len) == 0)
            return (int)i;
    }
    return -1;
}

/* Reads the value text of an item --set into item field rf at out. */
static cr_status set_value(const cr_i_config_walker *w, const cr_field *rf, const char *value,
                           void *out)
{
    cr_i_config_ydoc y;
    cr_i_config_yerr e;
    cr_i_config_yresult r = cr_i_config_ydoc_parse(&y, value, strlen(value), w->set_key, &e);
    cr_status st;
    if (r == CR_I_CONFIG_Y_NOMEM)
        st = cr_diag_set(w->d, CR_ENOMEM, "--set %s: out of memory", w->text);
    else if (r == CR_I_CONFIG_Y_BAD)
        st = cr_i_config_walk_error(w, 0, 0, e.path, "%s", e.msg);
    else
        st = cr_i_config_read_value(w, rf, r == CR_I_CONFIG_Y_OK ? fy_document_root(y.fyd) : NULL,
                                    0, 0, w->set_key, out);
    cr_i_config_ydoc_close(&y);
    return st;
}

cr_status cr_i_config_set_item(const cr_schema *schema, void *cfg, cr_origin *origins,
                               const char *assignment, const char *key, int tidx, const char *value,
                               int index, cr_diag *d)
{
    const cr_field *f = &schema->fields[tidx];
    const cr_table_desc *t = f->table;
    const char *p = key + strlen(f->path) + 1, *digits = p;
    long long k = 0; /* stops growing past INT_MAX: out of range anyway */
    for (; *p >= '0' && *p <= '9'; p++)
        k = k > INT_MAX ? k : k * 10 + (*p - '0');
    int ndigits = (int)(p - digits);
    if (!ndigits || p[0] != ']' || p[1] != '.' || !p[2])
        return cr_diag_set(d, CR_ECONFIG,
                           "--set %s: bad item reference; expected %s[N].key (N from 0)",
                           assignment, f->path);
    const char *name = p + 2;
    int j = record_key(t, name, strlen(name));
    if (j < 0) { /* suggest the whole key, as for fields */
        cr_i_config_suggester sg;
        cr_i_config_suggest_init(&sg, name, strlen(name));
        for (size_t i = 0; i < t->nfields; i++)
            cr_i_config_suggest_try(&sg, t->fields[i].path, strlen(t->fields[i].path));
        if (sg.best)
            return cr_diag_set(d, CR_ECONFIG, "--set %s: unknown key; did you mean '%.*s%s'?",
                               assignment, (int)(name - key), key, sg.best);
        cr_i_config_walker w = {schema, cfg,   origins, CR_I_CONFIG_MODE_SET, NULL, assignment,
                                key,    index, d};
        return unknown_key(&w, t, name, strlen(name), key, 0, 0);
    }
    int n;
    memcpy(&n, cr_i_config_table_count(cfg, f), sizeof n);
    if (k >= n)
        return cr_diag_set(d, CR_ECONFIG, "--set %s: index %.*s out of range; %s has %d item%s",
                           assignment, ndigits, digits, f->path, n, n == 1 ? "" : "s");
    const cr_field *rf = &t->fields[j];
    cr_i_config_walker w = {schema, cfg,   origins, CR_I_CONFIG_MODE_SET, NULL, assignment,
                            key,    index, d};
    cr_status st =
        set_value(&w, rf, value, (char *)cr_i_config_table_item(cfg, f, (int)k) + rf->offset);
    if (st == CR_OK && origins && origins[tidx].items)
        origins[tidx].items[(size_t)k * origins_per_item(t) + 1 + (size_t)j] =
            cr_i_config_origin_at(&w, 0, 0);
    return st;
}

/* ------------------------------------------------------------------ validation and errors */

cr_status cr_i_config_validate_table(const cr_schema *schema, size_t idx, const void *cfg,
                                     const cr_origin *origins, const char *file, cr_diag *d)
{
    const cr_field *f = &schema->fields[idx];
    const cr_table_desc *t = f->table;
    const cr_origin *to = origins ? &origins[idx] : NULL;
    char msg[CR_I_CONFIG_MSG_LEN], path[CR_I_CONFIG_PATH_LEN];
    int n;
    memcpy(&n, cr_i_config_table_count((void *)cfg, f), sizeof n);
    if (n < 0 || n > t->max_items) {
        snprintf(msg, sizeof msg, "%s %d items, got %d", n < 0 ? "expected 0 to" : "at most",
                 t->max_items, n);
        return cr_i_config_origin_error(to, file, f->path, d, msg);
    }
    for (int k = 0; k < n; k++) {
        const char *rec = cr_i_config_table_item((void *)cfg, f, k);
        for (size_t j = 0; j < t->nfields; j++) {
            const cr_field *rf = &t->fields[j];
            if (cr_i_config_field_ok(rf, rec + rf->offset, msg, sizeof msg))
                continue;
            snprintf(path, sizeof path, "%s[%d].%s", f->path, k, rf->path);
            return cr_i_config_origin_error(item_origin(to, t, k, (int)j), file, path, d, msg);
        }
    }
    return CR_OK;
}

cr_status cr_config_error_item(const cr_schema *schema, const cr_origin *origins, const char *file,
                               const char *table_path, int item, const char *field, cr_diag *d,
                               const char *fmt, ...)
{
    char msg[CR_I_CONFIG_MSG_LEN], path[CR_I_CONFIG_PATH_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(path, sizeof path, "%s[%d].%s", table_path, item, field);
    else
        snprintf(path, sizeof path, "%s[%d]", table_path, item);
    int idx = cr_config_find(schema, table_path);
    const cr_origin *o = idx >= 0 && origins ? &origins[idx] : NULL;
    const cr_field *f = idx >= 0 ? &schema->fields[idx] : NULL;
    if (o && f->type == CR_FT_TABLE && f->table) {
        int j = field ? record_key(f->table, field, strlen(field)) : -1;
        if (!field || j >= 0)
            o = item_origin(o, f->table, item, j);
    }
    return cr_i_config_origin_error(o, file, path, d, msg);
}
