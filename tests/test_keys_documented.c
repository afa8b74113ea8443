/* Every key the experiment-file reader accepts is documented, and the docs name no
 * key it refuses. The keys come from the program itself (cr_params_schema: the
 * experiment's sections, every mode's and preset's section, and the record keys of
 * every table such as design.parameters and MODE.waterfall), not from a list kept
 * by hand:
 *   - every key path has a row in the key table of docs/experiment-file.md;
 *   - every record key of a table (an item of design.parameters, a waterfall layer)
 *     appears in code (backticks) in the notes of docs/experiment-file.md, after
 *     the generated key table;
 *   - every dotted key path in code in the docs (README.md, docs/\*.md), and every
 *     `--set PATH=...` in the docs and the shipped experiments' files and scripts, is
 *     a key, a section, or an item key of a table ("china_4321.waterfall[0].share"),
 *     except the few the docs show on purpose as mistakes.
 * Needs CREDERE_SOURCE_DIR (set by ctest). */
#include <ctype.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "models/params.h"
#include "tests/harness.h"

/* Keys the docs show as mistakes (unknown-key examples). */
static const char *const deliberate_mistakes[] = {
    "direct.guarantor.fee",    /* experiment-file.md: a key direct does not have */
    "economy.sytemic_loading", /* the "did you mean" examples */
    "economy.systemic_loadng",
};

/* Whether tok is one of the docs' deliberate mistakes. */
static bool deliberate(const char *tok)
{
    for (size_t k = 0; k < sizeof deliberate_mistakes / sizeof deliberate_mistakes[0]; k++)
        if (strcmp(tok, deliberate_mistakes[k]) == 0)
            return true;
    return false;
}

/* The docs whose inline code is checked for key paths. */
static const char *const doc_files[] = {
    "README.md",         "docs/experiment-file.md", "docs/user-guide.md", "docs/modes.md",
    "docs/contagion.md", "docs/cluster.md",         "docs/format.md",     "docs/network.md",
    "docs/gallery.md",   "docs/validation.md",      "docs/odd.md",
};

static char *read_file(const char *rel)
{
    const char *root = getenv("CREDERE_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (set CREDERE_SOURCE_DIR)\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Whether `word` appears as a whole identifier inside some inline code span of
 * `text` (between a pair of backticks on one line): `{path, values, min}` counts for
 * path, values and min. */
static bool in_some_code_span(const char *text, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = strchr(text, '`'); p; p = strchr(p, '`')) {
        const char *q = p + 1;
        while (*q && *q != '`' && *q != '\n')
            q++;
        if (*q != '`') { /* unpaired on this line */
            p = *q ? q : NULL;
            continue;
        }
        for (const char *s = p + 1; s + wl <= q; s++)
            if (strncmp(s, word, wl) == 0 && (s == p + 1 || !ident_char(s[-1])) &&
                !ident_char(s[wl]))
                return true;
        p = q + 1;
    }
    return false;
}

/* Every key path has a row in the key table of docs/experiment-file.md. */
static void test_every_key_in_doc(void)
{
    char *doc = read_file("docs/experiment-file.md");
    CR_REQUIRE(doc != NULL);
    char *begin = strstr(doc, "<!-- keys:begin"), *end = strstr(doc, "<!-- keys:end");
    CR_REQUIRE(begin && end && begin < end);
    *end = '\0'; /* the table only */
    const cr_schema *s = cr_params_schema();
    CR_REQUIRE(s->nfields > 100);
    size_t missing = 0;
    for (size_t i = 0; i < s->nfields; i++) {
        char row[512];
        snprintf(row, sizeof row, "\n| `%s` |", s->fields[i].path);
        bool ok = strstr(begin, row) != NULL;
        CR_CHECK_MSG(ok,
                     "key %s has no row in the key table of docs/experiment-file.md (run "
                     "scripts/update-docs.sh BUILD_DIR)",
                     s->fields[i].path);
        missing += !ok;
    }
    fprintf(stderr, "%zu keys, %zu missing from docs/experiment-file.md\n", s->nfields, missing);
    free(doc);
}

/* Every record key of every table is in the notes (after the generated table). */
static void test_table_keys_in_notes(void)
{
    char *doc = read_file("docs/experiment-file.md");
    CR_REQUIRE(doc != NULL);
    const char *notes = strstr(doc, "<!-- keys:end -->");
    CR_REQUIRE(notes != NULL);
    const cr_schema *s = cr_params_schema();
    const cr_table_desc *seen[16];
    size_t nseen = 0, nkeys = 0;
    for (size_t i = 0; i < s->nfields; i++) {
        const cr_field *f = &s->fields[i];
        if (f->type != CR_FT_TABLE)
            continue;
        CR_REQUIRE(f->table != NULL);
        bool dup = false;
        for (size_t k = 0; k < nseen; k++)
            dup |= seen[k] == f->table;
        if (dup)
            continue;
        CR_REQUIRE(nseen < sizeof seen / sizeof seen[0]);
        seen[nseen++] = f->table;
        for (size_t k = 0; k < f->table->nfields; k++) {
            const char *key = f->table->fields[k].path;
            CR_CHECK_MSG(in_some_code_span(notes, key),
                         "key '%s' of an item of %s is not described (in backticks) in the "
                         "notes of docs/experiment-file.md",
                         key, f->path);
            nkeys++;
        }
    }
    CR_CHECK(nseen >= 2); /* design.parameters and the waterfall layers */
    fprintf(stderr, "%zu tables, %zu item keys\n", nseen, nkeys);
    free(doc);
}

/* Whether `path` is a key, a section (a proper prefix of a key at a dot), or
 * TABLE[N].KEY of a table with that record key. */
static bool known_path(const cr_schema *s, const char *path)
{
    const char *br = strchr(path, '[');
    if (br) {
        char table[256];
        size_t n = (size_t)(br - path);
        if (n >= sizeof table)
            return false;
        memcpy(table, path, n);
        table[n] = '\0';
        int i = cr_config_find(s, table);
        if (i < 0 || s->fields[i].type != CR_FT_TABLE)
            return false;
        const char *key = strchr(br, ']');
        if (!key || key[1] == '\0')
            return true; /* the item itself */
        if (key[1] != '.')
            return false;
        key += 2;
        for (size_t k = 0; k < s->fields[i].table->nfields; k++)
            if (strcmp(s->fields[i].table->fields[k].path, key) == 0)
                return true;
        return false;
    }
    if (cr_config_find(s, path) >= 0)
        return true;
    size_t n = strlen(path);
    for (size_t i = 0; i < s->nfields; i++)
        if (strncmp(s->fields[i].path, path, n) == 0 && s->fields[i].path[n] == '.')
            return true;
    return false;
}

/* Whether `name` is the first component of some dotted key (a top-level section). */
static bool is_section(const cr_schema *s, const char *name, size_t n)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (strncmp(s->fields[i].path, name, n) == 0 && s->fields[i].path[n] == '.')
            return true;
    return false;
}

static bool path_char(char c)
{
    return ident_char(c) || c == '.' || c == '[' || c == ']';
}

/* Checks the dotted paths in the inline code spans of one doc. */
static size_t check_doc_paths(const cr_schema *s, const char *rel)
{
    char *doc = read_file(rel);
    CR_CHECK_MSG(doc != NULL, "cannot read %s", rel);
    if (!doc)
        return 0;
    size_t checked = 0, line = 1;
    bool fenced = false;
    for (char *ln = doc; ln && *ln;) {
        char *end = strchr(ln, '\n');
        if (end)
            *end = '\0';
        if (strncmp(ln, "```", 3) == 0)
            fenced = !fenced;
        /* inline code spans outside fenced blocks */
        for (char *p = fenced ? NULL : strchr(ln, '`'); p; p = strchr(p, '`')) {
            char *q = strchr(p + 1, '`');
            if (!q)
                break;
            for (char *t = p + 1; t < q;) {
                if (!path_char(*t)) {
                    t++;
                    continue;
                }
                char *e = t;
                while (e < q && path_char(*e))
                    e++;
                char tok[256];
                size_t n = (size_t)(e - t);
                /* a file name (docs/network.md, out/x.h5) is not a key */
                bool file_like = (t > p + 1 && t[-1] == '/') || (e < q && *e == '/');
                if (n < sizeof tok && !file_like) {
                    memcpy(tok, t, n);
                    tok[n] = '\0';
                    while (n && tok[n - 1] == '.') /* `guarantor.*`, end of a sentence */
                        tok[--n] = '\0';
                    const char *dot = strchr(tok, '.');
                    if (dot && is_section(s, tok, (size_t)(dot - tok))) {
                        CR_CHECK_MSG(deliberate(tok) || known_path(s, tok),
                                     "%s:%zu: `%s` is not a key of the experiment file", rel, line,
                                     tok);
                        checked++;
                    }
                }
                t = e;
            }
            p = q + 1;
        }
        ln = end ? end + 1 : NULL;
        line++;
    }
    free(doc);
    return checked;
}

/* Checks the key of every `--set PATH=VALUE` (or --set=PATH=VALUE) in one file;
 * placeholders (KEY, dotted.key) are not sections and are skipped. */
static size_t check_set_paths(const cr_schema *s, const char *rel)
{
    char *text = read_file(rel);
    CR_CHECK_MSG(text != NULL, "cannot read %s", rel);
    if (!text)
        return 0;
    size_t checked = 0;
    for (const char *p = strstr(text, "--set"); p; p = strstr(p + 5, "--set")) {
        const char *t = p + 5;
        if (*t != ' ' && *t != '=')
            continue;
        t++;
        if (*t == '\'' || *t == '"')
            t++;
        const char *e = t;
        while (path_char(*e))
            e++;
        char tok[256];
        size_t n = (size_t)(e - t);
        const char *dot = memchr(t, '.', n);
        if (*e != '=' || n >= sizeof tok || !dot || !is_section(s, t, (size_t)(dot - t)))
            continue;
        memcpy(tok, t, n);
        tok[n] = '\0';
        size_t line = 1;
        for (const char *c = text; c < p; c++)
            line += *c == '\n';
        CR_CHECK_MSG(deliberate(tok) || known_path(s, tok),
                     "%s:%zu: --set %s: not a key of the experiment file", rel, line, tok);
        checked++;
    }
    free(text);
    return checked;
}

/* The docs name no key the reader refuses. */
static void test_docs_name_only_keys(void)
{
    const cr_schema *s = cr_params_schema();
    size_t checked = 0;
    for (size_t k = 0; k < sizeof doc_files / sizeof doc_files[0]; k++)
        checked += check_doc_paths(s, doc_files[k]);
    CR_CHECK(checked > 100);
    fprintf(stderr, "%zu key paths in the docs' inline code checked\n", checked);

    /* --set in the docs and in the shipped experiments' files and scripts */
    size_t nset = 0;
    for (size_t k = 0; k < sizeof doc_files / sizeof doc_files[0]; k++)
        nset += check_set_paths(s, doc_files[k]);
    const char *root = getenv("CREDERE_SOURCE_DIR");
    static const char *const patterns[] = {"experiments/*.yaml", "experiments/*/*.yaml",
                                           "experiments/*/*.sh", "bench/*.sh", "bench/*.md"};
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        char pat[4096];
        snprintf(pat, sizeof pat, "%s/%s", root ? root : ".", patterns[k]);
        glob_t g;
        if (glob(pat, 0, NULL, &g) != 0)
            continue;
        size_t skip = strlen(root ? root : ".") + 1;
        for (size_t i = 0; i < g.gl_pathc; i++)
            nset += check_set_paths(s, g.gl_pathv[i] + skip);
        globfree(&g);
    }
    CR_CHECK(nset > 20);
    fprintf(stderr, "%zu --set key paths in the docs and experiments checked\n", nset);
}

int main(void)
{
    CR_RUN(test_every_key_in_doc);
    CR_RUN(test_table_keys_in_notes);
    CR_RUN(test_docs_name_only_keys);
    return cr_test_report();
}
