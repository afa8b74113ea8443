/* Experiment files: the schema-driven reader. Walks a parsed YAML document along
 * the schema (cr_field table) and stores each value in the caller's struct; the
 * public API: defaults, loading a file or a string, --set overrides and validation.
 *
 * The other parts of the module (config_impl.h): config_yaml.c parses documents
 * through libfyaml, config_scalar.c reads scalar words and numbers, config_write.c
 * prints the resolved configuration as YAML.
 *
 * libfyaml 0.7.12 has no public start mark for mapping and sequence nodes, only
 * for scalar tokens: an error about a collection value points at its key. */
#include "core/config.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config_impl.h"

/* ------------------------------------------------------------------ fields and schema paths */

/* Storage size and "expected ..." phrase of each field type. */
static const size_t type_size[] = {
    [CR_FT_BOOL] = sizeof(bool),          [CR_FT_INT] = sizeof(int64_t),
    [CR_FT_UINT64] = sizeof(uint64_t),    [CR_FT_DOUBLE] = sizeof(double),
    [CR_FT_STRING] = CR_CONFIG_STR_MAX,   [CR_FT_ENUM] = sizeof(int),
    [CR_FT_STRLIST] = sizeof(cr_strlist), [CR_FT_TABLE] = 0};
static const char *const type_expect[] = {[CR_FT_BOOL] = "true or false",
                                          [CR_FT_INT] = "an integer",
                                          [CR_FT_UINT64] = "a non-negative integer",
                                          [CR_FT_DOUBLE] = "a number",
                                          [CR_FT_STRING] = "a string",
                                          [CR_FT_ENUM] = "one of the choices",
                                          [CR_FT_STRLIST] = "a list of strings",
                                          [CR_FT_TABLE] = "a list of mappings"};

static bool is_numeric(cr_ftype t)
{
    return t == CR_FT_INT || t == CR_FT_UINT64 || t == CR_FT_DOUBLE;
}

size_t cr_i_config_field_size(const cr_field *f)
{
    if (f->type != CR_FT_TABLE)
        return type_size[f->type];
    const cr_table_desc *t = f->table;
    size_t count_end = t->count_offset + sizeof(int);
    size_t items_end = t->items_offset + (size_t)t->max_items * t->record_size;
    return count_end > items_end ? count_end : items_end;
}

/* "prefix.name" into out[CR_I_CONFIG_PATH_LEN], truncated when it does not fit (then false). */
bool cr_i_config_join_path(char *out, const char *prefix, const char *name, size_t len)
{
    int n = snprintf(out, CR_I_CONFIG_PATH_LEN, "%s%s%.*s", prefix, prefix[0] ? "." : "", (int)len,
                     name);
    return n >= 0 && n < CR_I_CONFIG_PATH_LEN;
}

/* The component of `path` right below `prefix` ("" is the top level). */
bool cr_i_config_child_of(const char *path, const char *prefix, size_t plen, const char **name,
                          size_t *len)
{
    if (plen) {
        if (strncmp(path, prefix, plen) != 0 || path[plen] != '.')
            return false;
        path += plen + 1;
    }
    *name = path;
    *len = strcspn(path, ".");
    return true;
}

/* True when field i is the first field below prefix with child `name`, so that
 * walking the fields in order visits each child once, in schema order. */
bool cr_i_config_first_child(const cr_schema *s, size_t i, const char *prefix, size_t plen,
                             const char *name, size_t len)
{
    for (size_t j = 0; j < i; j++) {
        const char *n2;
        size_t l2;
        if (cr_i_config_child_of(s->fields[j].path, prefix, plen, &n2, &l2) && l2 == len &&
            memcmp(n2, name, len) == 0)
            return false;
    }
    return true;
}

static bool is_section(const cr_schema *s, const char *path)
{
    size_t plen = strlen(path);
    for (size_t i = 0; i < s->nfields; i++)
        if (strncmp(s->fields[i].path, path, plen) == 0 && s->fields[i].path[plen] == '.')
            return true;
    return false;
}

int cr_config_find(const cr_schema *schema, const char *path)
{
    for (size_t i = 0; i < schema->nfields; i++)
        if (strcmp(schema->fields[i].path, path) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ walking */

/* Reports an error at a position in the form of the walker's mode. */
cr_status cr_i_config_walk_error(const cr_i_config_walker *w, int line, int col, const char *path,
                                 const char *fmt, ...)
{
    char msg[CR_I_CONFIG_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *sep = path[0] ? ": " : "";
    switch (w->mode) {
    case CR_I_CONFIG_MODE_FILE:
        return cr_diag_set(w->d, CR_ECONFIG, "%s:%d:%d: %s%s%s", w->file, line, col, path, sep,
                           msg);
    case CR_I_CONFIG_MODE_SET:
        if (strcmp(path, w->set_key) == 0)
            path = sep = "";
        return cr_diag_set(w->d, CR_ECONFIG, "--set %s: %s%s%s", w->text, path, sep, msg);
    case CR_I_CONFIG_MODE_DEFAULT:
        break;
    }
    return cr_diag_set(w->d, CR_EINVAL, "%s: bad default '%s': %s", path, w->text, msg);
}

cr_origin cr_i_config_origin_at(const cr_i_config_walker *w, int line, int col)
{
    if (w->mode == CR_I_CONFIG_MODE_FILE)
        return (cr_origin){.kind = CR_ORIGIN_FILE, .line = line, .column = col};
    if (w->mode == CR_I_CONFIG_MODE_SET)
        return (cr_origin){.kind = CR_ORIGIN_SET, .line = w->set_index};
    return (cr_origin){.kind = CR_ORIGIN_DEFAULT};
}

/* The origin of field idx (a table keeps its per-item storage). */
static void set_origin(const cr_i_config_walker *w, int idx, int line, int col)
{
    if (!w->origins)
        return;
    cr_origin o = cr_i_config_origin_at(w, line, col);
    if (w->schema->fields[idx].type == CR_FT_TABLE)
        o.items = w->origins[idx].items;
    w->origins[idx] = o;
}

static cr_status copy_text(const cr_i_config_walker *w, struct fy_node *n, char *buf, size_t size,
                           int line, int col, const char *path, const char *what)
{
    size_t len;
    if (cr_i_config_scalar_text(n, buf, size, &len))
        return CR_OK;
    if (len >= size)
        return cr_i_config_walk_error(w, line, col, path, "%s too long (%zu bytes; at most %zu)",
                                      what, len, size - 1);
    return cr_i_config_walk_error(w, line, col, path, "%s contains a NUL character", what);
}

/* "expected <what>, got <value>", with the choices and a suggestion for enums. */
static cr_status type_error(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                            int line, int col, const char *path)
{
    char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
    cr_i_config_describe(v, got, sizeof got);
    if (f->type != CR_FT_ENUM)
        return cr_i_config_walk_error(w, line, col, path, "expected %s, got %s",
                                      type_expect[f->type], got);
    char list[512];
    cr_i_config_choices_list(f, list, sizeof list);
    const char *best = NULL;
    if (cr_i_config_node_is_scalar(v)) {
        size_t len;
        const char *s = fy_node_get_scalar(v, &len);
        cr_i_config_suggester sg;
        cr_i_config_suggest_init(&sg, s, len);
        for (int i = 0; i < cr_i_config_choices_count(f); i++)
            cr_i_config_suggest_try(&sg, f->choices[i], strlen(f->choices[i]));
        best = sg.best;
    }
    if (best)
        return cr_i_config_walk_error(
            w, line, col, path, "expected one of: %s; got %s; did you mean '%s'?", list, got, best);
    return cr_i_config_walk_error(w, line, col, path, "expected one of: %s; got %s", list, got);
}

/* Decodes a scalar for a bool, integer, number or enum field into *out. */
static cr_status read_scalar(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                             int line, int col, const char *path, cr_i_config_scalar_value *out)
{
    char text[128];
    size_t len;
    if (!cr_i_config_node_is_scalar(v) || cr_i_config_is_null_scalar(v) ||
        !cr_i_config_scalar_text(v, text, sizeof text, &len))
        return type_error(w, f, v, line, col, path);
    if (f->type == CR_FT_ENUM) {
        for (int i = 0; i < cr_i_config_choices_count(f); i++)
            if (strcmp(text, f->choices[i]) == 0) {
                out->e = i;
                return CR_OK;
            }
        return type_error(w, f, v, line, col, path);
    }
    if (cr_i_config_is_quoted(v)) /* core schema: a quoted scalar is a string */
        return type_error(w, f, v, line, col, path);
    if (f->type == CR_FT_BOOL) {
        out->b = cr_i_config_is_word(text, len, "true");
        if (!out->b && !cr_i_config_is_word(text, len, "false"))
            return type_error(w, f, v, line, col, path);
        return CR_OK;
    }
    switch (cr_i_config_parse_number(text, f->type, out)) {
    case CR_I_CONFIG_NUM_OK:
        return CR_OK;
    case CR_I_CONFIG_NUM_NOT_FINITE:
        return cr_i_config_walk_error(w, line, col, path, "expected a finite number, got %s", text);
    case CR_I_CONFIG_NUM_TOO_LARGE:
        return cr_i_config_walk_error(w, line, col, path,
                                      "expected %s, got %s (outside the 64-bit range)",
                                      type_expect[f->type], text);
    case CR_I_CONFIG_NUM_NEGATIVE:
    case CR_I_CONFIG_NUM_NOT_INTEGER:
    case CR_I_CONFIG_NUM_NOT_NUMBER:
        break;
    }
    return type_error(w, f, v, line, col, path);
}

static cr_status read_string(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                             int line, int col, const char *path, char *out)
{
    memset(out, 0, CR_CONFIG_STR_MAX);
    if (cr_i_config_is_null_scalar(v))
        return CR_OK; /* an empty value is the empty string */
    if (!cr_i_config_node_is_scalar(v))
        return type_error(w, f, v, line, col, path);
    return copy_text(w, v, out, CR_CONFIG_STR_MAX, line, col, path, "string");
}

static cr_status read_item(const cr_i_config_walker *w, struct fy_node *item, int line, int col,
                           const char *path, int k, cr_strlist *out)
{
    char what[32];
    cr_i_config_node_pos(item, line, col, &line, &col);
    if (!cr_i_config_node_is_scalar(item) || cr_i_config_is_null_scalar(item)) {
        char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
        cr_i_config_describe(item, got, sizeof got);
        return cr_i_config_walk_error(w, line, col, path,
                                      "expected a list of strings, got %s as item %d", got, k + 1);
    }
    if (out->n >= CR_STRLIST_MAX)
        return cr_i_config_walk_error(w, line, col, path, "too many items (at most %d)",
                                      CR_STRLIST_MAX);
    snprintf(what, sizeof what, "item %d", k + 1);
    cr_status st =
        copy_text(w, item, out->item[out->n], CR_STRLIST_ITEM_MAX, line, col, path, what);
    out->n += st == CR_OK;
    return st;
}

/* A sequence of scalars, or one scalar (a list of one); null is the empty list. */
static cr_status read_strlist(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                              int line, int col, const char *path, cr_strlist *out)
{
    memset(out, 0, sizeof *out);
    if (cr_i_config_is_null_scalar(v))
        return CR_OK;
    if (cr_i_config_node_is_scalar(v))
        return read_item(w, v, line, col, path, 0, out);
    if (fy_node_get_type(v) != FYNT_SEQUENCE)
        return type_error(w, f, v, line, col, path);
    void *it = NULL;
    struct fy_node *item;
    for (int k = 0; (item = fy_node_sequence_iterate(v, &it)); k++) {
        cr_status st = read_item(w, item, line, col, path, k, out);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

cr_status cr_i_config_read_value(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                                 int line, int col, const char *path, void *out)
{
    cr_status st;
    if (f->type == CR_FT_STRING) {
        char s[CR_CONFIG_STR_MAX];
        if ((st = read_string(w, f, v, line, col, path, s)) != CR_OK)
            return st;
        memcpy(out, s, sizeof s);
    } else if (f->type == CR_FT_STRLIST) {
        cr_strlist list;
        if ((st = read_strlist(w, f, v, line, col, path, &list)) != CR_OK)
            return st;
        memcpy(out, &list, sizeof list);
    } else {
        cr_i_config_scalar_value val;
        if ((st = read_scalar(w, f, v, line, col, path, &val)) != CR_OK)
            return st;
        if (is_numeric(f->type) && f->range && w->mode != CR_I_CONFIG_MODE_DEFAULT) {
            char text[64], phrase[128];
            if (!cr_i_config_in_range(f, cr_i_config_numeric_value(f, &val, text, sizeof text))) {
                cr_i_config_range_phrase(f, phrase, sizeof phrase);
                return cr_i_config_walk_error(w, line, col, path, "expected %s, got %s", phrase,
                                              text);
            }
        }
        memcpy(out, &val, type_size[f->type]);
    }
    return CR_OK;
}

/* Reads the value node of field idx (its key at key_line:key_col), checks its
 * range (except for defaults) and stores it with its origin. */
static cr_status set_leaf(const cr_i_config_walker *w, int idx, struct fy_node *v, int key_line,
                          int key_col, const char *path)
{
    const cr_field *f = &w->schema->fields[idx];
    int line, col;
    cr_i_config_node_pos(v, key_line, key_col, &line, &col);
    cr_status st =
        f->type == CR_FT_TABLE
            ? cr_i_config_read_table(w, idx, v, key_line, key_col, path)
            : cr_i_config_read_value(w, f, v, line, col, path, cr_i_config_field_ptr(w->cfg, f));
    if (st != CR_OK)
        return st;
    set_origin(w, idx, line, col);
    return CR_OK;
}

/* "unknown key; did you mean 'x'?" among the children of prefix, or the list
 * of those children. */
static cr_status unknown_key(const cr_i_config_walker *w, const char *prefix, const char *key,
                             size_t klen, const char *path, int line, int col)
{
    const cr_schema *s = w->schema;
    size_t plen = strlen(prefix);
    cr_i_config_suggester sg;
    cr_i_config_suggest_init(&sg, key, klen);
    char list[512];
    size_t used = 0;
    bool full = false;
    list[0] = '\0';
    for (size_t i = 0; i < s->nfields; i++) {
        const char *name;
        size_t len;
        if (!cr_i_config_child_of(s->fields[i].path, prefix, plen, &name, &len) ||
            !cr_i_config_first_child(s, i, prefix, plen, name, len))
            continue;
        cr_i_config_suggest_try(&sg, name, len);
        if (!full && used + len + 8 < sizeof list) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%.*s", used ? ", " : "",
                                     (int)len, name);
        } else if (!full) {
            full = true;
            snprintf(list + used, sizeof list - used, ", ...");
        }
    }
    if (sg.best)
        return cr_i_config_walk_error(w, line, col, path, "unknown key; did you mean '%.*s'?",
                                      (int)sg.best_len, sg.best);
    return cr_i_config_walk_error(w, line, col, path, "unknown key; expected one of: %s", list);
}

/* "expected a mapping, got ..." for a section given something else. */
static cr_status section_error(const cr_i_config_walker *w, struct fy_node *v, int line, int col,
                               const char *path)
{
    char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
    cr_i_config_describe(v, got, sizeof got);
    cr_i_config_node_pos(v, line, col, &line, &col);
    return cr_i_config_walk_error(w, line, col, path, "expected a mapping, got %s", got);
}

/* Reads a mapping whose keys are the children of `prefix`. */
static cr_status walk_map(const cr_i_config_walker *w, struct fy_node *map, const char *prefix,
                          int at_line, int at_col)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        int line, col;
        cr_i_config_node_pos(k, at_line, at_col, &line, &col);
        size_t len = 0;
        const char *key = cr_i_config_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        char path[CR_I_CONFIG_PATH_LEN];
        if (!key || cr_i_config_is_null_scalar(k)) {
            char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
            cr_i_config_describe(k, got, sizeof got);
            return cr_i_config_walk_error(w, line, col, prefix, "expected a key name, got %s", got);
        }
        bool fits = cr_i_config_join_path(path, prefix, key, len);
        if (fits && memchr(key, '.', len))
            return cr_i_config_walk_error(
                w, line, col, path,
                "unknown key; dotted paths are for --set, nest the keys in a file");
        if (!fits || memchr(key, '\0', len))
            return unknown_key(w, prefix, key, len, path, line, col);
        int idx = cr_config_find(w->schema, path);
        cr_status st = CR_OK;
        if (idx >= 0) {
            st = set_leaf(w, idx, v, line, col, path);
        } else if (is_section(w->schema, path)) {
            if (v && fy_node_get_type(v) == FYNT_MAPPING) {
                st = walk_map(w, v, path, line, col);
            } else if (!cr_i_config_is_null_scalar(v)) { /* "section:" with nothing is empty */
                st = section_error(w, v, line, col, path);
            }
        } else {
            st = unknown_key(w, prefix, key, len, path, line, col);
        }
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

/* ------------------------------------------------------------------ public API */

cr_status cr_config_defaults(const cr_schema *schema, void *cfg, cr_origin *origins, cr_diag *d)
{
    for (size_t i = 0; i < schema->nfields; i++) {
        const cr_field *f = &schema->fields[i];
        const char *def = f->def;
        cr_status st;
        if (f->type == CR_FT_TABLE) { /* checks the description, keeps the items' origins */
            if ((st = cr_i_config_table_prepare(f, origins ? &origins[i] : NULL, d)) != CR_OK)
                return st;
            def = def ? def : "[]";
        } else if (origins) {
            origins[i] = (cr_origin){.kind = CR_ORIGIN_DEFAULT};
        }
        memset(cr_i_config_field_ptr(cfg, f), 0, cr_i_config_field_size(f));
        if (!def)
            continue; /* no default text: zero, empty, false, the first choice */
        cr_i_config_walker w = {schema,  cfg, origins, CR_I_CONFIG_MODE_DEFAULT, NULL, def,
                                f->path, 0,   d};
        cr_i_config_ydoc y;
        cr_i_config_yerr e;
        cr_i_config_yresult r = cr_i_config_ydoc_parse(&y, def, strlen(def), f->path, &e);
        if (r == CR_I_CONFIG_Y_NOMEM)
            st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory parsing the default", f->path);
        else if (r == CR_I_CONFIG_Y_BAD)
            st = cr_i_config_walk_error(&w, 0, 0, f->path, "%s", e.msg);
        else
            st = set_leaf(&w, (int)i, r == CR_I_CONFIG_Y_OK ? fy_document_root(y.fyd) : NULL, 0, 0,
                          f->path);
        cr_i_config_ydoc_close(&y);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

cr_status cr_config_load_string(const cr_schema *schema, void *cfg, cr_origin *origins,
                                const char *name, const char *text, size_t len, cr_diag *d)
{
    cr_i_config_walker w = {schema, cfg, origins, CR_I_CONFIG_MODE_FILE, name, NULL, NULL, 0, d};
    cr_i_config_ydoc y;
    cr_i_config_yerr e;
    cr_i_config_yresult r = cr_i_config_ydoc_parse(&y, text, len, "", &e);
    struct fy_node *root = r == CR_I_CONFIG_Y_OK ? fy_document_root(y.fyd) : NULL;
    cr_status st;
    if (r == CR_I_CONFIG_Y_NOMEM) {
        st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory reading YAML", name);
    } else if (r == CR_I_CONFIG_Y_BAD) {
        st = cr_i_config_walk_error(&w, e.line, e.column, e.path, "%s", e.msg);
    } else if (cr_i_config_is_null_scalar(root)) {
        st = cr_i_config_walk_error(&w, 1, 1, "", "empty experiment file");
    } else if (fy_node_get_type(root) != FYNT_MAPPING) {
        char got[CR_I_CONFIG_SHOWN_LEN * 2 + 32];
        int line, col;
        cr_i_config_describe(root, got, sizeof got);
        cr_i_config_node_pos(root, 1, 1, &line, &col);
        st = cr_i_config_walk_error(&w, line, col, "",
                                    "expected a mapping of sections at the top level, got %s", got);
    } else {
        st = walk_map(&w, root, "", 1, 1);
    }
    cr_i_config_ydoc_close(&y);
    return st;
}

cr_status cr_config_load_file(const cr_schema *schema, void *cfg, cr_origin *origins,
                              const char *path, cr_diag *d)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return cr_diag_set(d, CR_ECONFIG, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(fp);
        return cr_diag_set(d, CR_ECONFIG, "%s: cannot open: %s", path, strerror(EISDIR));
    }
    char *buf = NULL, chunk[8192];
    size_t len = 0, got;
    FILE *mem = open_memstream(&buf, &len);
    while (mem && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        fwrite(chunk, 1, got, mem);
    int err = ferror(fp) ? (errno ? errno : EIO) : 0;
    fclose(fp);
    if (!mem || fclose(mem) != 0 || err) {
        free(buf);
        if (err)
            return cr_diag_set(d, CR_ECONFIG, "%s: cannot read: %s", path, strerror(err));
        return cr_diag_set(d, CR_ENOMEM, "%s: out of memory reading the file", path);
    }
    cr_status st = cr_config_load_string(schema, cfg, origins, path, buf, len, d);
    free(buf);
    return st;
}

cr_status cr_config_apply_set(const cr_schema *schema, void *cfg, cr_origin *origins,
                              const char *assignment, int index, cr_diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return cr_diag_set(d, CR_ECONFIG, "--set %s: missing '=' (expected --set key=value)",
                           assignment);
    const char *k0 = assignment, *k1 = eq;
    while (k0 < k1 && (*k0 == ' ' || *k0 == '\t'))
        k0++;
    while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t'))
        k1--;
    if (k0 == k1)
        return cr_diag_set(d, CR_ECONFIG, "--set %s: missing key before '='", assignment);
    char key[CR_I_CONFIG_PATH_LEN];
    bool fits = cr_i_config_join_path(key, "", k0, (size_t)(k1 - k0));
    int idx = fits ? cr_config_find(schema, key) : -1;
    int tidx = idx < 0 && fits ? cr_i_config_table_of(schema, key) : -1;
    if (tidx >= 0) /* table[k].key=value */
        return cr_i_config_set_item(schema, cfg, origins, assignment, key, tidx, eq + 1, index, d);
    if (idx < 0 && (!fits || !is_section(schema, key))) {
        const char *bracket = memchr(k0, '[', (size_t)(k1 - k0));
        cr_i_config_suggester sg;
        cr_i_config_suggest_init(&sg, k0, (size_t)((bracket ? bracket : k1) - k0));
        for (size_t i = 0; i < schema->nfields; i++)
            if (!bracket || schema->fields[i].type == CR_FT_TABLE) /* a table's name for "t[1]" */
                cr_i_config_suggest_try(&sg, schema->fields[i].path,
                                        strlen(schema->fields[i].path));
        if (bracket && !sg.best) { /* as before tables: the whole key among all fields */
            cr_i_config_suggest_init(&sg, k0, (size_t)(k1 - k0));
            for (size_t i = 0; i < schema->nfields; i++)
                cr_i_config_suggest_try(&sg, schema->fields[i].path,
                                        strlen(schema->fields[i].path));
        }
        if (sg.best)
            return cr_diag_set(d, CR_ECONFIG, "--set %s: unknown key; did you mean '%s'?",
                               assignment, sg.best);
        return cr_diag_set(d, CR_ECONFIG, "--set %s: unknown key", assignment);
    }

    cr_i_config_walker w = {schema, cfg,   origins, CR_I_CONFIG_MODE_SET, NULL, assignment,
                            key,    index, d};
    cr_i_config_ydoc y;
    cr_i_config_yerr e;
    cr_i_config_yresult r = cr_i_config_ydoc_parse(&y, eq + 1, strlen(eq + 1), key, &e);
    struct fy_node *root = r == CR_I_CONFIG_Y_OK ? fy_document_root(y.fyd) : NULL;
    cr_status st;
    if (r == CR_I_CONFIG_Y_NOMEM)
        st = cr_diag_set(d, CR_ENOMEM, "--set %s: out of memory", assignment);
    else if (r == CR_I_CONFIG_Y_BAD)
        st = cr_i_config_walk_error(&w, 0, 0, e.path, "%s", e.msg);
    else if (idx >= 0)
        st = set_leaf(&w, idx, root, 0, 0, key);
    else if (root && fy_node_get_type(root) == FYNT_MAPPING)
        st = walk_map(&w, root, key, 0, 0); /* --set section={a: 1, b: 2} */
    else if (cr_i_config_is_null_scalar(root))
        st = CR_OK;
    else
        st = section_error(&w, root, 0, 0, key);
    cr_i_config_ydoc_close(&y);
    return st;
}

/* "file:line:column: path: msg", "--set path: msg" or "path (default): msg". */
cr_status cr_i_config_origin_error(const cr_origin *o, const char *file, const char *path,
                                   cr_diag *d, const char *msg)
{
    if (o && o->kind == CR_ORIGIN_FILE)
        return cr_diag_set(d, CR_ECONFIG, "%s:%d:%d: %s: %s", file ? file : "(experiment file)",
                           o->line, o->column, path, msg);
    if (o && o->kind == CR_ORIGIN_SET)
        return cr_diag_set(d, CR_ECONFIG, "--set %s: %s", path, msg);
    return cr_diag_set(d, CR_ECONFIG, "%s (default): %s", path, msg);
}

cr_status cr_config_error(const cr_schema *schema, const cr_origin *origins, const char *file,
                          const char *field_path, cr_diag *d, const char *fmt, ...)
{
    char msg[CR_I_CONFIG_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int idx = cr_config_find(schema, field_path);
    return cr_i_config_origin_error(idx >= 0 && origins ? &origins[idx] : NULL, file, field_path, d,
                                    msg);
}

/* The per-field check of cr_config_validate; msg gets the problem, if any. */
bool cr_i_config_field_ok(const cr_field *f, const void *p, char *msg, size_t size)
{
    char text[64], phrase[128];
    if (f->type == CR_FT_DOUBLE) {
        double x;
        memcpy(&x, p, sizeof x);
        if (!isfinite(x)) {
            cr_i_config_fmt_double(text, sizeof text, x);
            snprintf(msg, size, "expected a finite number, got %s", text);
            return false;
        }
    }
    if (is_numeric(f->type) && f->range &&
        !cr_i_config_in_range(f, cr_i_config_numeric_value(f, p, text, sizeof text))) {
        cr_i_config_range_phrase(f, phrase, sizeof phrase);
        snprintf(msg, size, "expected %s, got %s", phrase, text);
        return false;
    }
    if (f->type == CR_FT_ENUM) {
        int e;
        memcpy(&e, p, sizeof e);
        if (e < 0 || e >= cr_i_config_choices_count(f)) {
            char list[512];
            cr_i_config_choices_list(f, list, sizeof list);
            snprintf(msg, size, "expected one of: %s; got choice number %d", list, e);
            return false;
        }
    }
    return true;
}

cr_status cr_config_validate(const cr_schema *schema, const void *cfg, const cr_origin *origins,
                             const char *file, cr_diag *d)
{
    for (size_t i = 0; i < schema->nfields; i++) {
        const cr_field *f = &schema->fields[i];
        char msg[CR_I_CONFIG_MSG_LEN];
        if (f->type == CR_FT_TABLE) {
            cr_status st = cr_i_config_validate_table(schema, i, cfg, origins, file, d);
            if (st != CR_OK)
                return st;
        } else if (!cr_i_config_field_ok(f, cr_i_config_field_cptr(cfg, f), msg, sizeof msg)) {
            return cr_i_config_origin_error(origins ? &origins[i] : NULL, file, f->path, d, msg);
        }
    }
    if (schema->validate)
        return schema->validate(schema, cfg, origins, file, d);
    return CR_OK;
}
