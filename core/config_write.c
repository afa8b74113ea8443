/* Experiment files: numbers as text and the resolved configuration as YAML
 * (cr_config_to_yaml; see config_impl.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_impl.h"

/* ------------------------------------------------------------------ numbers */

/* The shortest of %.15g, %.16g, %.17g that reads back to x; YAML spellings for
 * infinities and NaN. */
void cr_i_config_fmt_double(char *buf, size_t size, double x)
{
    if (isnan(x)) {
        snprintf(buf, size, ".nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, size, "%s", x > 0 ? ".inf" : "-.inf");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* The value of a numeric field as a double (for range checks) and as text. */
double cr_i_config_numeric_value(const cr_field *f, const void *p, char *text, size_t size)
{
    if (f->type == CR_FT_INT) {
        int64_t v;
        memcpy(&v, p, sizeof v);
        snprintf(text, size, "%" PRId64, v);
        return (double)v;
    }
    if (f->type == CR_FT_UINT64) {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        snprintf(text, size, "%" PRIu64, v);
        return (double)v;
    }
    double v;
    memcpy(&v, p, sizeof v);
    cr_i_config_fmt_double(text, size, v);
    return v;
}

/* ------------------------------------------------------------------ writing YAML */

/* Safe as a plain scalar, in block and flow context, for YAML 1.1 readers too:
 * a name-like word that no reader takes for a number, boolean or null. */
static bool plain_safe(const char *s)
{
    static const char *const words[] = {"y",     "n",  "yes", "no",  "true",
                                        "false", "on", "off", "null"};
    unsigned char c0 = (unsigned char)s[0];
    if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_' || c0 == '/'))
        return false;
    size_t n = strlen(s);
    if (s[n - 1] == ' ')
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("_./+- ", c)))
            return false;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i]) != n)
            continue;
        size_t j = 0;
        while (j < n && cr_i_config_ascii_lower((unsigned char)s[j]) == words[i][j])
            j++;
        if (j == n)
            return false;
    }
    return true;
}

/* A string as a plain scalar when safe, else double-quoted with escapes. */
static void sb_string(FILE *b, const char *s)
{
    if (plain_safe(s)) {
        fprintf(b, "%s", s);
        return;
    }
    fprintf(b, "\"");
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            fprintf(b, "\\%c", c);
        else if (c == '\n')
            fprintf(b, "\\n");
        else if (c == '\t')
            fprintf(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            fprintf(b, "\\x%02X", c);
        else
            fprintf(b, "%c", c);
    }
    fprintf(b, "\"");
}

static void sb_value(FILE *b, const cr_field *f, const void *p)
{
    char text[64];
    switch (f->type) {
    case CR_FT_BOOL: {
        bool v;
        memcpy(&v, p, sizeof v);
        fprintf(b, "%s", v ? "true" : "false");
        break;
    }
    case CR_FT_INT:
    case CR_FT_UINT64:
    case CR_FT_DOUBLE:
        cr_i_config_numeric_value(f, p, text, sizeof text);
        fprintf(b, "%s", text);
        break;
    case CR_FT_STRING:
        sb_string(b, p);
        break;
    case CR_FT_ENUM: {
        int e;
        memcpy(&e, p, sizeof e);
        if (e >= 0 && e < cr_i_config_choices_count(f))
            sb_string(b, f->choices[e]);
        else
            fprintf(b, "%d", e);
        break;
    }
    case CR_FT_STRLIST: {
        const cr_strlist *l = p;
        fprintf(b, "[");
        for (int i = 0; i < l->n && i < CR_STRLIST_MAX; i++) {
            fprintf(b, "%s", i ? ", " : "");
            sb_string(b, l->item[i]);
        }
        fprintf(b, "]");
        break;
    }
    case CR_FT_TABLE: /* sb_table */
        break;
    }
}

/* After "key:", a table: " []", or one flow mapping per item with every key. */
static void sb_table(FILE *b, const cr_field *f, const void *cfg, int depth)
{
    const cr_table_desc *t = f->table;
    int n;
    memcpy(&n, cr_i_config_table_count((void *)cfg, f), sizeof n);
    n = n < 0 ? 0 : n > t->max_items ? t->max_items : n;
    fprintf(b, "%s\n", n ? "" : " []");
    for (int k = 0; k < n; k++) {
        const char *rec = cr_i_config_table_item((void *)cfg, f, k);
        fprintf(b, "%*s- {", 2 * (depth + 1), "");
        for (size_t j = 0; j < t->nfields; j++) {
            fprintf(b, "%s%s: ", j ? ", " : "", t->fields[j].path);
            sb_value(b, &t->fields[j], rec + t->fields[j].offset);
        }
        fprintf(b, "}\n");
    }
}

/* The children of prefix in schema order (each section where it first appears). */
static void sb_level(FILE *b, const cr_schema *s, const void *cfg, const char *prefix, int depth)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < s->nfields; i++) {
        const cr_field *f = &s->fields[i];
        const char *name;
        size_t len;
        if (!cr_i_config_child_of(f->path, prefix, plen, &name, &len) ||
            !cr_i_config_first_child(s, i, prefix, plen, name, len))
            continue;
        fprintf(b, "%*s%.*s:", 2 * depth, "", (int)len, name);
        if (name[len] == '\0' && f->type == CR_FT_TABLE) {
            sb_table(b, f, cfg, depth);
        } else if (name[len] == '\0') {
            fprintf(b, " ");
            sb_value(b, f, cr_i_config_field_cptr(cfg, f));
            fprintf(b, "\n");
        } else {
            char sub[CR_I_CONFIG_PATH_LEN];
            fprintf(b, "\n");
            if (cr_i_config_join_path(sub, prefix, name, len))
                sb_level(b, s, cfg, sub, depth + 1);
        }
    }
}

cr_status cr_config_to_yaml(const cr_schema *schema, const void *cfg, char **out)
{
    size_t size;
    *out = NULL;
    FILE *b = open_memstream(out, &size);
    if (!b)
        return CR_ENOMEM;
    fprintf(b, "# resolved configuration (credere)\n");
    sb_level(b, schema, cfg, "", 0);
    bool failed = ferror(b) != 0;
    if (fclose(b) != 0 || failed) {
        free(*out);
        *out = NULL;
        return CR_ENOMEM;
    }
    return CR_OK;
}
