/* Experiment files: schema-driven YAML reading through libfyaml, --set overrides,
 * validation and the resolved configuration as YAML (see config.h).
 *
 * libfyaml 0.7.12 has no public start mark for mapping and sequence nodes, only
 * for scalar tokens: an error about a collection value points at its key. */
#include "core/config.h"

#include <errno.h>
#include <inttypes.h>
#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_LEN 256    /* longest dotted key path */
#define MSG_LEN 1024    /* one message before its location prefix */
#define SHOWN_LEN 40    /* bytes of a bad value quoted in a message */
#define SUGGEST_LEN 128 /* longer words get no suggestion */

/* ------------------------------------------------------------------ small helpers */

static void *field_ptr(void *cfg, const cr_field *f)
{
    return (char *)cfg + f->offset;
}

static const void *field_cptr(const void *cfg, const cr_field *f)
{
    return (const char *)cfg + f->offset;
}

/* Storage size and "expected ..." phrase of each field type. */
static const size_t type_size[] = {
    [CR_FT_BOOL] = sizeof(bool),         [CR_FT_INT] = sizeof(int64_t),
    [CR_FT_UINT64] = sizeof(uint64_t),   [CR_FT_DOUBLE] = sizeof(double),
    [CR_FT_STRING] = CR_CONFIG_STR_MAX,  [CR_FT_ENUM] = sizeof(int),
    [CR_FT_STRLIST] = sizeof(cr_strlist)};
static const char *const type_expect[] = {[CR_FT_BOOL] = "true or false",
                                          [CR_FT_INT] = "an integer",
                                          [CR_FT_UINT64] = "a non-negative integer",
                                          [CR_FT_DOUBLE] = "a number",
                                          [CR_FT_STRING] = "a string",
                                          [CR_FT_ENUM] = "one of the choices",
                                          [CR_FT_STRLIST] = "a list of strings"};

static bool is_numeric(cr_ftype t)
{
    return t == CR_FT_INT || t == CR_FT_UINT64 || t == CR_FT_DOUBLE;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* "prefix.name" into out[PATH_LEN], truncated when it does not fit (then false). */
static bool join_path(char *out, const char *prefix, const char *name, size_t len)
{
    int n = snprintf(out, PATH_LEN, "%s%s%.*s", prefix, prefix[0] ? "." : "", (int)len, name);
    return n >= 0 && n < PATH_LEN;
}

/* The component of `path` right below `prefix` ("" is the top level). */
static bool child_of(const char *path, const char *prefix, size_t plen, const char **name,
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
static bool first_child(const cr_schema *s, size_t i, const char *prefix, size_t plen,
                        const char *name, size_t len)
{
    for (size_t j = 0; j < i; j++) {
        const char *n2;
        size_t l2;
        if (child_of(s->fields[j].path, prefix, plen, &n2, &l2) && l2 == len &&
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

/* ------------------------------------------------------------------ suggestions */

/* Optimal-string-alignment distance (edits and adjacent swaps), ignoring ASCII
 * case; -1 for words longer than SUGGEST_LEN. O(m n). */
static int edit_distance(const char *a, size_t m, const char *b, size_t n)
{
    int rows[3][SUGGEST_LEN + 1];
    if (m > SUGGEST_LEN || n > SUGGEST_LEN)
        return -1;
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= n; j++)
        p[j] = (int)j;
    for (size_t i = 1; i <= m; i++) {
        c[0] = (int)i;
        for (size_t j = 1; j <= n; j++) {
            int ai = ascii_lower((unsigned char)a[i - 1]),
                bj = ascii_lower((unsigned char)b[j - 1]);
            int v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (p[j - 1] + (ai != bj) < v)
                v = p[j - 1] + (ai != bj);
            if (i > 1 && j > 1 && ai == ascii_lower((unsigned char)b[j - 2]) &&
                ascii_lower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
        }
        int *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[n];
}

typedef struct {
    const char *word;
    size_t len;
    int limit;
    const char *best; /* NULL until a candidate is close enough */
    size_t best_len;
    int best_dist;
} suggester;

static void suggest_init(suggester *s, const char *word, size_t len)
{
    s->word = word;
    s->len = len;
    s->limit = (int)(len / 3 > 2 ? len / 3 : 2);
    s->best = NULL;
    s->best_len = 0;
    s->best_dist = INT_MAX;
}

/* Strictly closer candidates win, so ties go to the first one offered; a
 * candidate that shares nothing with the word ("x" for "l") is no suggestion. */
static void suggest_try(suggester *s, const char *cand, size_t len)
{
    int dist = edit_distance(s->word, s->len, cand, len);
    int longer = (int)(len > s->len ? len : s->len);
    if (dist >= 0 && dist <= s->limit && dist < longer && dist < s->best_dist) {
        s->best = cand;
        s->best_len = len;
        s->best_dist = dist;
    }
}

const char *cr_suggest(const char *word, const char *const *candidates, size_t n)
{
    suggester s;
    suggest_init(&s, word, strlen(word));
    for (size_t i = 0; i < n; i++)
        if (candidates[i])
            suggest_try(&s, candidates[i], strlen(candidates[i]));
    return s.best;
}

/* ------------------------------------------------------------------ numbers */

/* The shortest of %.15g, %.16g, %.17g that reads back to x; YAML spellings for
 * infinities and NaN. */
static void fmt_double(char *buf, size_t size, double x)
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

typedef enum {
    NUM_OK,
    NUM_NOT_NUMBER,  /* not a YAML number at all */
    NUM_NOT_INTEGER, /* a number with a fraction, or not finite, where an integer is due */
    NUM_TOO_LARGE,   /* outside the 64-bit range */
    NUM_NEGATIVE,    /* negative where an unsigned integer is due */
    NUM_NOT_FINITE,  /* .inf, .nan or an overflowing float */
} num_result;

static bool is_digit_in(int c, int base)
{
    if (base == 16)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return c >= '0' && c < '0' + base;
}

/* YAML 1.2 core integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. */
static bool scan_int(const char *s, bool *neg, uint64_t *mag, bool *overflow)
{
    int base = 10;
    *neg = false;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && s[1] == 'o') {
        base = 8;
        s += 2;
    } else if (s[0] == '-' || s[0] == '+') {
        *neg = s[0] == '-';
        s++;
    }
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!is_digit_in((unsigned char)*p, base))
            return false;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, base);
    *overflow = errno == ERANGE;
    *mag = (uint64_t)v;
    return true;
}

/* YAML 1.2 core floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
 * [-+]?.inf and .nan in three spellings each. */
static bool scan_float(const char *s, double *x)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
        *x = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
        *x = NAN;
        return true;
    }
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    *x = strtod(s, NULL); /* overflow gives HUGE_VAL, caught as not finite */
    return true;
}

typedef union {
    bool b;
    int64_t i;
    uint64_t u;
    double x;
    int e;
} scalar_value;

/* A YAML number for a field of type t (CR_FT_INT, CR_FT_UINT64 or CR_FT_DOUBLE).
 * Integer fields also take floats with an integral value (1e6, 10000.0). */
static num_result parse_number(const char *s, cr_ftype t, scalar_value *out)
{
    bool neg = false, overflow = false;
    uint64_t mag = 0;
    double x;
    bool is_int = scan_int(s, &neg, &mag, &overflow);
    if (is_int)
        x = overflow ? HUGE_VAL : (neg ? -(double)mag : (double)mag);
    else if (!scan_float(s, &x))
        return NUM_NOT_NUMBER;
    if (t == CR_FT_DOUBLE) {
        out->x = x;
        return isfinite(x) ? NUM_OK : NUM_NOT_FINITE;
    }
    if (is_int && overflow)
        return NUM_TOO_LARGE;
    if (is_int && t == CR_FT_UINT64) { /* exact, beyond 2^53 too */
        out->u = mag;
        return neg && mag ? NUM_NEGATIVE : NUM_OK;
    }
    if (is_int) {
        if (mag > (uint64_t)INT64_MAX + neg)
            return NUM_TOO_LARGE;
        out->i = !neg ? (int64_t)mag : mag > INT64_MAX ? INT64_MIN : -(int64_t)mag;
        return NUM_OK;
    }
    if (!isfinite(x) || x != trunc(x))
        return NUM_NOT_INTEGER;
    if (t == CR_FT_UINT64 && x < 0)
        return NUM_NEGATIVE;
    if (t == CR_FT_UINT64 ? x >= 18446744073709551616.0
                          : (x < -9223372036854775808.0 || x >= 9223372036854775808.0))
        return NUM_TOO_LARGE;
    if (t == CR_FT_UINT64)
        out->u = (uint64_t)x;
    else
        out->i = (int64_t)x;
    return NUM_OK;
}

static bool in_range(const cr_field *f, double x)
{
    if (isnan(x))
        return false;
    if (f->range & CR_RANGE_MIN) {
        if ((f->range & CR_RANGE_MIN_OPEN) ? !(x > f->min) : !(x >= f->min))
            return false;
    }
    if (f->range & CR_RANGE_MAX) {
        if ((f->range & CR_RANGE_MAX_OPEN) ? !(x < f->max) : !(x <= f->max))
            return false;
    }
    return true;
}

/* "a number in [0, 1]", "an integer >= 1", "a number > 0", ... */
static void range_phrase(const cr_field *f, char *buf, size_t size)
{
    const char *noun = f->type == CR_FT_DOUBLE ? "a number" : "an integer";
    char lo[32], hi[32];
    fmt_double(lo, sizeof lo, f->min);
    fmt_double(hi, sizeof hi, f->max);
    bool lo_open = f->range & CR_RANGE_MIN_OPEN, hi_open = f->range & CR_RANGE_MAX_OPEN;
    if ((f->range & CR_RANGE_MIN) && (f->range & CR_RANGE_MAX))
        snprintf(buf, size, "%s in %c%s, %s%c", noun, lo_open ? '(' : '[', lo, hi,
                 hi_open ? ')' : ']');
    else if (f->range & CR_RANGE_MIN)
        snprintf(buf, size, "%s %s %s", noun, lo_open ? ">" : ">=", lo);
    else
        snprintf(buf, size, "%s %s %s", noun, hi_open ? "<" : "<=", hi);
}

/* The value of a numeric field as a double (for range checks) and as text. */
static double numeric_value(const cr_field *f, const void *p, char *text, size_t size)
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
    fmt_double(text, size, v);
    return v;
}

/* "beta, fixed" */
static void choices_list(const cr_field *f, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; f->choices && f->choices[i] && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->choices[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static int choices_count(const cr_field *f)
{
    int n = 0;
    while (f->choices && f->choices[n])
        n++;
    return n;
}

/* ------------------------------------------------------------------ parsing YAML */

typedef struct {
    struct fy_diag *diag;
    struct fy_parser *fyp;
    struct fy_document *fyd;
} ydoc;

typedef enum { Y_OK, Y_EMPTY, Y_BAD, Y_NOMEM } yresult;

/* A parse failure: position (1-based), key path when known, message. */
typedef struct {
    int line, column;
    char path[PATH_LEN];
    char msg[MSG_LEN];
} yerr;

static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static bool node_is_scalar(struct fy_node *n)
{
    return n && fy_node_get_type(n) == FYNT_SCALAR;
}

/* A scalar's 1-based position, or `fallback` (collections carry no mark). */
static void node_pos(struct fy_node *n, int fb_line, int fb_col, int *line, int *col)
{
    *line = fb_line;
    *col = fb_col;
    if (!node_is_scalar(n))
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

static yresult diag_failure(ydoc *y, yerr *e)
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
    return Y_BAD;
}

/* Finds a key given twice in one mapping (before aliases are resolved, since
 * libfyaml's resolver would report it without a key path). */
static bool find_duplicate(struct fy_node *n, const char *path, yerr *e)
{
    if (!n)
        return false;
    if (fy_node_get_type(n) == FYNT_SEQUENCE) {
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)))
            if (find_duplicate(item, path, e))
                return true;
        return false;
    }
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return false;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len = 0;
        const char *kt = node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        char sub[PATH_LEN];
        join_path(sub, path, kt ? kt : "?", kt ? len : 1);
        void *it2 = NULL;
        struct fy_node_pair *q;
        while (kt && (q = fy_node_mapping_iterate(n, &it2)) != p) {
            struct fy_node *k2 = fy_node_pair_key(q);
            size_t len2 = 0;
            const char *kt2 = node_is_scalar(k2) ? fy_node_get_scalar(k2, &len2) : NULL;
            if (kt2 && len2 == len && memcmp(kt, kt2, len) == 0) {
                int l2, c2;
                node_pos(k, 1, 1, &e->line, &e->column);
                node_pos(k2, 0, 0, &l2, &c2);
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

static void ydoc_close(ydoc *y)
{
    if (y->fyd)
        fy_parse_document_destroy(y->fyp, y->fyd);
    if (y->fyp)
        fy_parser_destroy(y->fyp);
    if (y->diag)
        fy_diag_destroy(y->diag);
}

/* Parses one YAML 1.2 document from text, silently (libfyaml's messages are
 * collected, never printed), checks duplicate keys (paths start at `base`) and
 * resolves aliases and merge keys. The caller calls ydoc_close in every case. */
static yresult ydoc_parse(ydoc *y, const char *text, size_t len, const char *base, yerr *e)
{
    memset(y, 0, sizeof *y);
    memset(e, 0, sizeof *e);
    e->line = e->column = 1;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = quiet_output;
    dc.colorize = false;
    y->diag = fy_diag_create(&dc);
    if (!y->diag)
        return Y_NOMEM;
    fy_diag_set_collect_errors(y->diag, true);

    struct fy_parse_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_ALLOW_DUPLICATE_KEYS;
    pc.diag = y->diag;
    y->fyp = fy_parser_create(&pc);
    if (!y->fyp || fy_parser_set_string(y->fyp, text, len) != 0)
        return Y_NOMEM;

    y->fyd = fy_parse_load_document(y->fyp);
    if (fy_parser_get_stream_error(y->fyp) || fy_diag_got_error(y->diag))
        return diag_failure(y, e);
    if (!y->fyd || !fy_document_root(y->fyd))
        return Y_EMPTY;

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
        return Y_BAD;
    }
    if (fy_parser_get_stream_error(y->fyp) || fy_diag_got_error(y->diag))
        return diag_failure(y, e);

    if (find_duplicate(fy_document_root(y->fyd), base, e))
        return Y_BAD;
    if (fy_document_resolve(y->fyd) != 0)
        return diag_failure(y, e);
    return Y_OK;
}

/* ------------------------------------------------------------------ walking */

typedef enum { MODE_FILE, MODE_SET, MODE_DEFAULT } walk_mode;

typedef struct {
    const cr_schema *schema;
    void *cfg;
    cr_origin *origins; /* may be NULL */
    walk_mode mode;
    const char *file;    /* MODE_FILE: name used in messages */
    const char *text;    /* MODE_SET: the assignment; MODE_DEFAULT: the default */
    const char *set_key; /* MODE_SET: the key of the assignment */
    int set_index;       /* MODE_SET: 1-based position of the --set */
    cr_diag *d;
} walker;

/* Reports an error at a position in the form of the walker's mode. */
static cr_status walk_error(const walker *w, int line, int col, const char *path, const char *fmt,
                            ...) __attribute__((format(printf, 5, 6)));

static cr_status walk_error(const walker *w, int line, int col, const char *path, const char *fmt,
                            ...)
{
    char msg[MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *sep = path[0] ? ": " : "";
    switch (w->mode) {
    case MODE_FILE:
        return cr_diag_set(w->d, CR_ECONFIG, "%s:%d:%d: %s%s%s", w->file, line, col, path, sep,
                           msg);
    case MODE_SET:
        if (strcmp(path, w->set_key) == 0)
            path = sep = "";
        return cr_diag_set(w->d, CR_ECONFIG, "--set %s: %s%s%s", w->text, path, sep, msg);
    case MODE_DEFAULT:
        break;
    }
    return cr_diag_set(w->d, CR_EINVAL, "%s: bad default '%s': %s", path, w->text, msg);
}

static void set_origin(const walker *w, int idx, int line, int col)
{
    if (!w->origins)
        return;
    cr_origin o = {CR_ORIGIN_DEFAULT, 0, 0};
    if (w->mode == MODE_FILE)
        o = (cr_origin){CR_ORIGIN_FILE, line, col};
    else if (w->mode == MODE_SET)
        o = (cr_origin){CR_ORIGIN_SET, w->set_index, 0};
    w->origins[idx] = o;
}

/* s (len bytes) is a core-schema word: "true", "True" or "TRUE" for word "true". */
static bool is_word(const char *s, size_t len, const char *word)
{
    if (len != strlen(word))
        return false;
    bool lower = true, upper = true, title = true;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i], up = word[i] - 'a' + 'A';
        lower = lower && c == word[i];
        upper = upper && c == up;
        title = title && c == (i ? word[i] : up);
    }
    return lower || upper || title;
}

static bool is_null_scalar(struct fy_node *n)
{
    if (!n)
        return true;
    if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
        return false;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    return len == 0 || (len == 1 && s[0] == '~') || is_word(s, len, "null");
}

/* Copies a scalar into buf as a C string; false when it is longer than size-1
 * or holds a NUL byte. */
static bool scalar_text(struct fy_node *n, char *buf, size_t size, size_t *lenp)
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

static cr_status copy_text(const walker *w, struct fy_node *n, char *buf, size_t size, int line,
                           int col, const char *path, const char *what)
{
    size_t len;
    if (scalar_text(n, buf, size, &len))
        return CR_OK;
    if (len >= size)
        return walk_error(w, line, col, path, "%s too long (%zu bytes; at most %zu)", what, len,
                          size - 1);
    return walk_error(w, line, col, path, "%s contains a NUL character", what);
}

static bool is_quoted(struct fy_node *n)
{
    enum fy_node_style st = fy_node_get_style(n);
    return st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED;
}

/* How a value is shown after "got": nothing, null, a mapping, a list, 2.5 (a
 * plain number), 'abc', a quoted string '0.3'. */
static void describe(struct fy_node *n, char *buf, size_t size)
{
    if (!n || is_null_scalar(n)) {
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
    char shown[SHOWN_LEN * 2 + 4];
    size_t k = 0, cut = len > SHOWN_LEN ? SHOWN_LEN : len;
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
    scalar_value x;
    bool numeric = parse_number(shown, CR_FT_DOUBLE, &x) != NUM_NOT_NUMBER;
    bool word = !strcmp(shown, "true") || !strcmp(shown, "false") || !strcmp(shown, "null");
    if (is_quoted(n))
        snprintf(buf, size, "%s'%s'", numeric || word ? "a quoted string " : "", shown);
    else if (numeric)
        snprintf(buf, size, "%s", shown);
    else
        snprintf(buf, size, "'%s'", shown);
}

/* "expected <what>, got <value>", with the choices and a suggestion for enums. */
static cr_status type_error(const walker *w, const cr_field *f, struct fy_node *v, int line,
                            int col, const char *path)
{
    char got[SHOWN_LEN * 2 + 32];
    describe(v, got, sizeof got);
    if (f->type != CR_FT_ENUM)
        return walk_error(w, line, col, path, "expected %s, got %s", type_expect[f->type], got);
    char list[512];
    choices_list(f, list, sizeof list);
    const char *best = NULL;
    if (node_is_scalar(v)) {
        size_t len;
        const char *s = fy_node_get_scalar(v, &len);
        suggester sg;
        suggest_init(&sg, s, len);
        for (int i = 0; i < choices_count(f); i++)
            suggest_try(&sg, f->choices[i], strlen(f->choices[i]));
        best = sg.best;
    }
    if (best)
        return walk_error(w, line, col, path, "expected one of: %s; got %s; did you mean '%s'?",
                          list, got, best);
    return walk_error(w, line, col, path, "expected one of: %s; got %s", list, got);
}

/* Decodes a scalar for a bool, integer, number or enum field into *out. */
static cr_status read_scalar(const walker *w, const cr_field *f, struct fy_node *v, int line,
                             int col, const char *path, scalar_value *out)
{
    char text[128];
    size_t len;
    if (!node_is_scalar(v) || is_null_scalar(v) || !scalar_text(v, text, sizeof text, &len))
        return type_error(w, f, v, line, col, path);
    if (f->type == CR_FT_ENUM) {
        for (int i = 0; i < choices_count(f); i++)
            if (strcmp(text, f->choices[i]) == 0) {
                out->e = i;
                return CR_OK;
            }
        return type_error(w, f, v, line, col, path);
    }
    if (is_quoted(v)) /* core schema: a quoted scalar is a string */
        return type_error(w, f, v, line, col, path);
    if (f->type == CR_FT_BOOL) {
        out->b = is_word(text, len, "true");
        if (!out->b && !is_word(text, len, "false"))
            return type_error(w, f, v, line, col, path);
        return CR_OK;
    }
    switch (parse_number(text, f->type, out)) {
    case NUM_OK:
        return CR_OK;
    case NUM_NOT_FINITE:
        return walk_error(w, line, col, path, "expected a finite number, got %s", text);
    case NUM_TOO_LARGE:
        return walk_error(w, line, col, path, "expected %s, got %s (outside the 64-bit range)",
                          type_expect[f->type], text);
    case NUM_NEGATIVE:
    case NUM_NOT_INTEGER:
    case NUM_NOT_NUMBER:
        break;
    }
    return type_error(w, f, v, line, col, path);
}

static cr_status read_string(const walker *w, const cr_field *f, struct fy_node *v, int line,
                             int col, const char *path, char *out)
{
    memset(out, 0, CR_CONFIG_STR_MAX);
    if (is_null_scalar(v))
        return CR_OK; /* an empty value is the empty string */
    if (!node_is_scalar(v))
        return type_error(w, f, v, line, col, path);
    return copy_text(w, v, out, CR_CONFIG_STR_MAX, line, col, path, "string");
}

static cr_status read_item(const walker *w, struct fy_node *item, int line, int col,
                           const char *path, int k, cr_strlist *out)
{
    char what[32];
    node_pos(item, line, col, &line, &col);
    if (!node_is_scalar(item) || is_null_scalar(item)) {
        char got[SHOWN_LEN * 2 + 32];
        describe(item, got, sizeof got);
        return walk_error(w, line, col, path, "expected a list of strings, got %s as item %d", got,
                          k + 1);
    }
    if (out->n >= CR_STRLIST_MAX)
        return walk_error(w, line, col, path, "too many items (at most %d)", CR_STRLIST_MAX);
    snprintf(what, sizeof what, "item %d", k + 1);
    cr_status st =
        copy_text(w, item, out->item[out->n], CR_STRLIST_ITEM_MAX, line, col, path, what);
    out->n += st == CR_OK;
    return st;
}

/* A sequence of scalars, or one scalar (a list of one); null is the empty list. */
static cr_status read_strlist(const walker *w, const cr_field *f, struct fy_node *v, int line,
                              int col, const char *path, cr_strlist *out)
{
    memset(out, 0, sizeof *out);
    if (is_null_scalar(v))
        return CR_OK;
    if (node_is_scalar(v))
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

/* Reads the value node of field idx (its key at key_line:key_col), checks its
 * range (except for defaults) and stores it with its origin. */
static cr_status set_leaf(const walker *w, int idx, struct fy_node *v, int key_line, int key_col,
                          const char *path)
{
    const cr_field *f = &w->schema->fields[idx];
    int line, col;
    node_pos(v, key_line, key_col, &line, &col);
    cr_status st;
    if (f->type == CR_FT_STRING) {
        char s[CR_CONFIG_STR_MAX];
        if ((st = read_string(w, f, v, line, col, path, s)) != CR_OK)
            return st;
        memcpy(field_ptr(w->cfg, f), s, sizeof s);
    } else if (f->type == CR_FT_STRLIST) {
        cr_strlist list;
        if ((st = read_strlist(w, f, v, line, col, path, &list)) != CR_OK)
            return st;
        memcpy(field_ptr(w->cfg, f), &list, sizeof list);
    } else {
        scalar_value val;
        if ((st = read_scalar(w, f, v, line, col, path, &val)) != CR_OK)
            return st;
        if (is_numeric(f->type) && f->range && w->mode != MODE_DEFAULT) {
            char text[64], phrase[128];
            if (!in_range(f, numeric_value(f, &val, text, sizeof text))) {
                range_phrase(f, phrase, sizeof phrase);
                return walk_error(w, line, col, path, "expected %s, got %s", phrase, text);
            }
        }
        memcpy(field_ptr(w->cfg, f), &val, type_size[f->type]);
    }
    set_origin(w, idx, line, col);
    return CR_OK;
}

/* "unknown key; did you mean 'x'?" among the children of prefix, or the list
 * of those children. */
static cr_status unknown_key(const walker *w, const char *prefix, const char *key, size_t klen,
                             const char *path, int line, int col)
{
    const cr_schema *s = w->schema;
    size_t plen = strlen(prefix);
    suggester sg;
    suggest_init(&sg, key, klen);
    char list[512];
    size_t used = 0;
    bool full = false;
    list[0] = '\0';
    for (size_t i = 0; i < s->nfields; i++) {
        const char *name;
        size_t len;
        if (!child_of(s->fields[i].path, prefix, plen, &name, &len) ||
            !first_child(s, i, prefix, plen, name, len))
            continue;
        suggest_try(&sg, name, len);
        if (!full && used + len + 8 < sizeof list) {
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%.*s", used ? ", " : "",
                                     (int)len, name);
        } else if (!full) {
            full = true;
            snprintf(list + used, sizeof list - used, ", ...");
        }
    }
    if (sg.best)
        return walk_error(w, line, col, path, "unknown key; did you mean '%.*s'?", (int)sg.best_len,
                          sg.best);
    return walk_error(w, line, col, path, "unknown key; expected one of: %s", list);
}

/* "expected a mapping, got ..." for a section given something else. */
static cr_status section_error(const walker *w, struct fy_node *v, int line, int col,
                               const char *path)
{
    char got[SHOWN_LEN * 2 + 32];
    describe(v, got, sizeof got);
    node_pos(v, line, col, &line, &col);
    return walk_error(w, line, col, path, "expected a mapping, got %s", got);
}

/* Reads a mapping whose keys are the children of `prefix`. */
static cr_status walk_map(const walker *w, struct fy_node *map, const char *prefix, int at_line,
                          int at_col)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it))) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        int line, col;
        node_pos(k, at_line, at_col, &line, &col);
        size_t len = 0;
        const char *key = node_is_scalar(k) ? fy_node_get_scalar(k, &len) : NULL;
        char path[PATH_LEN];
        if (!key || is_null_scalar(k)) {
            char got[SHOWN_LEN * 2 + 32];
            describe(k, got, sizeof got);
            return walk_error(w, line, col, prefix, "expected a key name, got %s", got);
        }
        bool fits = join_path(path, prefix, key, len);
        if (fits && memchr(key, '.', len))
            return walk_error(w, line, col, path,
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
            } else if (!is_null_scalar(v)) { /* "section:" with nothing is empty */
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
        if (origins)
            origins[i] = (cr_origin){CR_ORIGIN_DEFAULT, 0, 0};
        memset(field_ptr(cfg, f), 0, type_size[f->type]);
        if (!f->def)
            continue; /* no default text: zero, empty, false, the first choice */
        walker w = {schema, cfg, origins, MODE_DEFAULT, NULL, f->def, f->path, 0, d};
        ydoc y;
        yerr e;
        yresult r = ydoc_parse(&y, f->def, strlen(f->def), f->path, &e);
        cr_status st;
        if (r == Y_NOMEM)
            st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory parsing the default", f->path);
        else if (r == Y_BAD)
            st = walk_error(&w, 0, 0, f->path, "%s", e.msg);
        else
            st = set_leaf(&w, (int)i, r == Y_OK ? fy_document_root(y.fyd) : NULL, 0, 0, f->path);
        ydoc_close(&y);
        if (st != CR_OK)
            return st;
    }
    return CR_OK;
}

cr_status cr_config_load_string(const cr_schema *schema, void *cfg, cr_origin *origins,
                                const char *name, const char *text, size_t len, cr_diag *d)
{
    walker w = {schema, cfg, origins, MODE_FILE, name, NULL, NULL, 0, d};
    ydoc y;
    yerr e;
    yresult r = ydoc_parse(&y, text, len, "", &e);
    struct fy_node *root = r == Y_OK ? fy_document_root(y.fyd) : NULL;
    cr_status st;
    if (r == Y_NOMEM) {
        st = cr_diag_set(d, CR_ENOMEM, "%s: out of memory reading YAML", name);
    } else if (r == Y_BAD) {
        st = walk_error(&w, e.line, e.column, e.path, "%s", e.msg);
    } else if (is_null_scalar(root)) {
        st = walk_error(&w, 1, 1, "", "empty experiment file");
    } else if (fy_node_get_type(root) != FYNT_MAPPING) {
        char got[SHOWN_LEN * 2 + 32];
        int line, col;
        describe(root, got, sizeof got);
        node_pos(root, 1, 1, &line, &col);
        st = walk_error(&w, line, col, "",
                        "expected a mapping of sections at the top level, got %s", got);
    } else {
        st = walk_map(&w, root, "", 1, 1);
    }
    ydoc_close(&y);
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
    char key[PATH_LEN];
    bool fits = join_path(key, "", k0, (size_t)(k1 - k0));
    int idx = fits ? cr_config_find(schema, key) : -1;
    if (idx < 0 && (!fits || !is_section(schema, key))) {
        suggester sg;
        suggest_init(&sg, k0, (size_t)(k1 - k0));
        for (size_t i = 0; i < schema->nfields; i++)
            suggest_try(&sg, schema->fields[i].path, strlen(schema->fields[i].path));
        if (sg.best)
            return cr_diag_set(d, CR_ECONFIG, "--set %s: unknown key; did you mean '%s'?",
                               assignment, sg.best);
        return cr_diag_set(d, CR_ECONFIG, "--set %s: unknown key", assignment);
    }

    walker w = {schema, cfg, origins, MODE_SET, NULL, assignment, key, index, d};
    ydoc y;
    yerr e;
    yresult r = ydoc_parse(&y, eq + 1, strlen(eq + 1), key, &e);
    struct fy_node *root = r == Y_OK ? fy_document_root(y.fyd) : NULL;
    cr_status st;
    if (r == Y_NOMEM)
        st = cr_diag_set(d, CR_ENOMEM, "--set %s: out of memory", assignment);
    else if (r == Y_BAD)
        st = walk_error(&w, 0, 0, e.path, "%s", e.msg);
    else if (idx >= 0)
        st = set_leaf(&w, idx, root, 0, 0, key);
    else if (root && fy_node_get_type(root) == FYNT_MAPPING)
        st = walk_map(&w, root, key, 0, 0); /* --set section={a: 1, b: 2} */
    else if (is_null_scalar(root))
        st = CR_OK;
    else
        st = section_error(&w, root, 0, 0, key);
    ydoc_close(&y);
    return st;
}

/* "file:line:column: path: msg", "--set path: msg" or "path (default): msg". */
static cr_status origin_error(const cr_origin *o, const char *file, const char *path, cr_diag *d,
                              const char *msg)
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
    char msg[MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int idx = cr_config_find(schema, field_path);
    return origin_error(idx >= 0 && origins ? &origins[idx] : NULL, file, field_path, d, msg);
}

/* The per-field check of cr_config_validate; msg gets the problem, if any. */
static bool field_ok(const cr_field *f, const void *p, char *msg, size_t size)
{
    char text[64], phrase[128];
    if (f->type == CR_FT_DOUBLE) {
        double x;
        memcpy(&x, p, sizeof x);
        if (!isfinite(x)) {
            fmt_double(text, sizeof text, x);
            snprintf(msg, size, "expected a finite number, got %s", text);
            return false;
        }
    }
    if (is_numeric(f->type) && f->range && !in_range(f, numeric_value(f, p, text, sizeof text))) {
        range_phrase(f, phrase, sizeof phrase);
        snprintf(msg, size, "expected %s, got %s", phrase, text);
        return false;
    }
    if (f->type == CR_FT_ENUM) {
        int e;
        memcpy(&e, p, sizeof e);
        if (e < 0 || e >= choices_count(f)) {
            char list[512];
            choices_list(f, list, sizeof list);
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
        char msg[MSG_LEN];
        if (!field_ok(f, field_cptr(cfg, f), msg, sizeof msg))
            return origin_error(origins ? &origins[i] : NULL, file, f->path, d, msg);
    }
    if (schema->validate)
        return schema->validate(schema, cfg, origins, file, d);
    return CR_OK;
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
        while (j < n && ascii_lower((unsigned char)s[j]) == words[i][j])
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
        numeric_value(f, p, text, sizeof text);
        fprintf(b, "%s", text);
        break;
    case CR_FT_STRING:
        sb_string(b, p);
        break;
    case CR_FT_ENUM: {
        int e;
        memcpy(&e, p, sizeof e);
        if (e >= 0 && e < choices_count(f))
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
        if (!child_of(f->path, prefix, plen, &name, &len) ||
            !first_child(s, i, prefix, plen, name, len))
            continue;
        fprintf(b, "%*s%.*s:", 2 * depth, "", (int)len, name);
        if (name[len] == '\0') {
            fprintf(b, " ");
            sb_value(b, f, field_cptr(cfg, f));
            fprintf(b, "\n");
        } else {
            char sub[PATH_LEN];
            fprintf(b, "\n");
            if (join_path(sub, prefix, name, len))
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
