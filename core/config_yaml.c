/* Experiment files: YAML documents through libfyaml (see config_impl.h). Parses one
 * document silently, finds duplicate keys, gives node positions and describes a
 * value for "got ..." in messages.
 *
 * libfyaml 0.7.12 has no public start mark for mapping and sequence nodes, only
 * for scalar tokens: a collection takes the position of its key. */
#include <libfyaml.h>
#include <stdio.h>
#include <string.h>

#include "core/config_impl.h"

/* ------------------------------------------------------------------ parsing YAML */

static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

bool cr_i_config_node_is_scalar(struct fy_node *n)
{
    return n && fy_node_get_type(n) == FYNT_SCALAR;
}

/* A scalar's 1-based position, or `fallback` (collections carry no mark). */
void cr_i_config_node_pos(struct fy_node *n, int fb_line, int fb_col, int *line, int *col)
{
    *line = fb_line;
    *col = fb_col;
    if (!cr_i_config_node_is_scalar(n))
        return;
    struct fy_token *t = fy_node_get_scalar_token(n);
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m && m->line >= 0 && m->column >= 0) {
        enum fy_node_style st = fy_node_get_style(n); /* the mark is past the quote */
        bool quoted = st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED;
        *line = m->line + 1;
        *col = m->column + (quoted && m->column > 0 ? 0 : 1);
    }
}

/* The first scalar of n in document order, or the fallback. */
void cr_i_config_node_first_pos(struct fy_node *n, int fb_line, int fb_col, int *line, int *col)
{
    void *it = NULL;
    if (n && fy_node_get_type(n) == FYNT_MAPPING) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        struct fy_node *k = p ? fy_node_pair_key(p) : NULL;
        n = k && !cr_i_config_is_null_scalar(k) ? k : p ? fy_node_pair_value(p) : NULL;
        cr_i_config_node_first_pos(n, fb_line, fb_col, line, col);
    } else if (n && fy_node_get_type(n) == FYNT_SEQUENCE) {
        cr_i_config_node_first_pos(fy_node_sequence_iterate(n, &it), fb_line, fb_col, line, col);
    } else {
        cr_i_config_node_pos(n, fb_line, fb_col, line, col);
    }
}

static cr_i_config_yresult diag_failure(cr_i_config_ydoc *y, cr_i_config_yerr *e)
{
    void *it = NULL;
    struct fy_diag_error *de = fy_diag_errors_iterate(y->diag, &it);
    if (de) {
        e->line = de->line > 0 ? de->line : 1;
        e->column = de->column > 0 ? de->column : 1;
        snprintf(e->msg, sizeof e->msg, "malformed YAML: %s", de->msg ? de->msg : "parse error");
    } else {
        snprintf(e->msg, sizeof e->msg, "malformed YAML");
    }
    return CR_I_CONFIG_Y_BAD;
}

/* Finds a key given twice in one mapping (before aliases are resolved, since
 * libfyaml's resolver would report it without a key path). */
static bool find_duplicate(struct fy_node *n, const char *path, cr_i_config_yerr *e)
{
    if (!n)
        return false;
    if (fy_node_get_type(n) == FYNT_SEQUENCE) { /* items are path[0], path[1], ... */
        void *it = NULL;
        struct fy_node *item;
        char sub[CR_I_CONFIG_PATH_LEN];
        for (int k = 0; (item = fy_node_sequence_iterate(n, &it)); k++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, k);
            if (find_duplicate(item, sub, e))
                return true;
        }
        return false;
    }
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return false;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len = 0;
        const char *kt = cr_i_config_node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        char sub[CR_I_CONFIG_PATH_LEN];
        cr_i_config_join_path(sub, path, kt ? kt : "?", kt ? len : 1);
        void *it2 = NULL;
        struct fy_node_pair *q;
        while (kt && (q = fy_node_mapping_iterate(n, &it2)) != p) {
            struct fy_node *k2 = fy_node_pair_key(q);
            size_t len2 = 0;
            const char *kt2 = cr_i_config_node_is_scalar(k2) ? fy_node_get_scalar(k2, &len2) : NULL;
            if (kt2 && len2 == len && memcmp(kt, kt2, len) == 0) {
                int l2, c2;
                cr_i_config_node_pos(k, 1, 1, &e->line, &e->column);
                cr_i_config_node_pos(k2, 0, 0, &l2, &c2);
                snprintf(e->path, sizeof e->path, "%s", sub);
                snprintf(e->msg, sizeof e->msg, "duplicate key (first given at line %d)", l2);
                return true;
            }
        }
        if (find_duplicate(fy_node_pair_value(p), sub, e))
            return true;
    }
    return false;
}

void cr_i_config_ydoc_close(cr_i_config_ydoc *y)
{
    if (y->fyd)
        fy_parse_document_destroy(y->fyp, y->fyd);
    if (y->fyp)
        fy_parser_destroy(y->fyp);
    if (y->diag)
        fy_diag_destroy(y->diag);
}

/* Checks that text is UTF-8, as a YAML 1.2 stream must be: libfyaml 0.7.12 loops
 * forever on some invalid bytes (a directive line "%\xF0"). On failure e gets the
 * 1-based line and column (in characters) of the first bad byte. */
static bool check_utf8(const char *text, size_t len, cr_i_config_yerr *e)
{
    static const unsigned least[5] = {0, 0, 0x80, 0x800, 0x10000}; /* no overlong forms */
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        size_t n = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        unsigned cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        bool ok = n > 0 && n <= len - i;
        for (size_t k = 1; ok && k < n; k++) {
            ok = (s[i + k] & 0xC0) == 0x80;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (!ok || cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            e->line = line;
            e->column = col;
            bool utf16 =
                i == 0 && len >= 2 && ((c == 0xFF && s[1] == 0xFE) || (c == 0xFE && s[1] == 0xFF));
            if (utf16)
                snprintf(e->msg, sizeof e->msg,
                         "malformed YAML: the file is UTF-16; save it as UTF-8");
            else
                snprintf(e->msg, sizeof e->msg,
                         "malformed YAML: not UTF-8 (byte 0x%02X); save the file as UTF-8", c);
            return false;
        }
        if (c == '\n')
            line++, col = 1;
        else
            col++;
        i += n;
    }
    return true;
}

/* Parses one YAML 1.2 document from text, silently (libfyaml's messages are
 * collected, never printed), checks duplicate keys (paths start at `base`) and
 * resolves aliases and merge keys. The caller calls cr_i_config_ydoc_close in every case. */
cr_i_config_yresult cr_i_config_ydoc_parse(cr_i_config_ydoc *y, const char *text, size_t len,
                                           const char *base, cr_i_config_yerr *e)
{
    memset(y, 0, sizeof *y);
    memset(e, 0, sizeof *e);
    e->line = e->column = 1;
    if (!check_utf8(text, len, e))
        return CR_I_CONFIG_Y_BAD;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = quiet_output;
    dc.colorize = false;
    y->diag = fy_diag_create(&dc);
    if (!y->diag)
        return CR_I_CONFIG_Y_NOMEM;
    fy_diag_set_collect_errors(y->diag, true);

    struct fy_parse_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_ALLOW_DUPLICATE_KEYS;
    pc.diag = y->diag;
    y->fyp = fy_parser_create(&pc);
    if (!y->fyp || fy_parser_set_string(y->fyp, text, len) != 0)
        return CR_I_CONFIG_Y_NOMEM;

    y->fyd = fy_parse_load_document(y->fyp);
    if (fy_parser_get_stream_error(y->fyp) || fy_diag_got_error(y->diag))
        return diag_failure(y, e);
    if (!y->fyd || !fy_document_root(y->fyd))
        return CR_I_CONFIG_Y_EMPTY;

    struct fy_document *next = fy_parse_load_document(y->fyp);
    if (next) {
        const struct fy_mark *m =
            fy_document_state_start_mark(fy_document_get_document_state(next));
        if (m) {
            e->line = m->line + 1;
            e->column = m->column + 1;
        }
        fy_parse_document_destroy(y->fyp, next);
        snprintf(e->msg, sizeof e->msg, "more than one YAML document (expected one)");
        return CR_I_CONFIG_Y_BAD;
    }
    if (fy_parser_get_stream_error(y->fyp) || fy_diag_got_error(y->diag))
        return diag_failure(y, e);

    if (find_duplicate(fy_document_root(y->fyd), base, e))
        return CR_I_CONFIG_Y_BAD;
    if (fy_document_resolve(y->fyd) != 0)
        return diag_failure(y, e);
    return CR_I_CONFIG_Y_OK;
}

/* ------------------------------------------------------------------ scalars */

bool cr_i_config_is_null_scalar(struct fy_node *n)
{
    if (!n)
        return true;
    if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
        return false;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    return len == 0 || (len == 1 && s[0] == '~') || cr_i_config_is_word(s, len, "null");
}

/* Copies a scalar into buf as a C string; false when it is longer than size-1
 * or holds a NUL byte. */
bool cr_i_config_scalar_text(struct fy_node *n, char *buf, size_t size, size_t *lenp)
{
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    *lenp = len;
    buf[0] = '\0';
    if (!s || len >= size || memchr(s, '\0', len))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

bool cr_i_config_is_quoted(struct fy_node *n)
{
    enum fy_node_style st = fy_node_get_style(n);
    return st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED;
}

/* How a value is shown after "got": nothing, null, a mapping, a list, 2.5 (a
 * plain number), 'abc', a quoted string '0.3'. */
void cr_i_config_describe(struct fy_node *n, char *buf, size_t size)
{
    if (!n || cr_i_config_is_null_scalar(n)) {
        size_t len = 0;
        if (n)
            fy_node_get_scalar(n, &len);
        snprintf(buf, size, "%s", len ? "null" : "nothing");
        return;
    }
    if (fy_node_get_type(n) == FYNT_MAPPING) {
        snprintf(buf, size, "a mapping");
        return;
    }
    if (fy_node_get_type(n) == FYNT_SEQUENCE) {
        snprintf(buf, size, "a list");
        return;
    }
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    char shown[CR_I_CONFIG_SHOWN_LEN * 2 + 4];
    size_t k = 0, cut = len > CR_I_CONFIG_SHOWN_LEN ? CR_I_CONFIG_SHOWN_LEN : len;
    while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* do not split a UTF-8 sequence */
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            shown[k++] = '\\';
            shown[k++] = 'n';
        } else {
            shown[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
        }
    }
    if (cut < len) {
        memcpy(shown + k, "...", 3);
        k += 3;
    }
    shown[k] = '\0';
    cr_i_config_scalar_value x;
    bool numeric = cr_i_config_parse_number(shown, CR_FT_DOUBLE, &x) != CR_I_CONFIG_NUM_NOT_NUMBER;
    bool word = !strcmp(shown, "true") || !strcmp(shown, "false") || !strcmp(shown, "null");
    if (cr_i_config_is_quoted(n))
        snprintf(buf, size, "%s'%s'", numeric || word ? "a quoted string " : "", shown);
    else if (numeric)
        snprintf(buf, size, "%s", shown);
    else
        snprintf(buf, size, "'%s'", shown);
}
