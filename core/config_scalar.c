/* Experiment files: scalar values (see config_impl.h). YAML 1.2 core-schema words and
 * numbers, range checks and their phrases, enum choices, and the "did you mean"
 * suggestions of cr_suggest. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_impl.h"

#define SUGGEST_LEN 128 /* longer words get no suggestion */

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
            int ai = cr_i_config_ascii_lower((unsigned char)a[i - 1]),
                bj = cr_i_config_ascii_lower((unsigned char)b[j - 1]);
            int v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (p[j - 1] + (ai != bj) < v)
                v = p[j - 1] + (ai != bj);
            if (i > 1 && j > 1 && ai == cr_i_config_ascii_lower((unsigned char)b[j - 2]) &&
                cr_i_config_ascii_lower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < v)
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

void cr_i_config_suggest_init(cr_i_config_suggester *s, const char *word, size_t len)
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
void cr_i_config_suggest_try(cr_i_config_suggester *s, const char *cand, size_t len)
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
    cr_i_config_suggester s;
    cr_i_config_suggest_init(&s, word, strlen(word));
    for (size_t i = 0; i < n; i++)
        if (candidates[i])
            cr_i_config_suggest_try(&s, candidates[i], strlen(candidates[i]));
    return s.best;
}

/* ------------------------------------------------------------------ words and numbers */

/* s (len bytes) is a core-schema word: "true", "True" or "TRUE" for word "true". */
bool cr_i_config_is_word(const char *s, size_t len, const char *word)
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

/* A YAML number for a field of type t (CR_FT_INT, CR_FT_UINT64 or CR_FT_DOUBLE).
 * Integer fields also take floats with an integral value (1e6, 10000.0). */
cr_i_config_num_result cr_i_config_parse_number(const char *s, cr_ftype t,
                                                cr_i_config_scalar_value *out)
{
    bool neg = false, overflow = false;
    uint64_t mag = 0;
    double x;
    bool is_int = scan_int(s, &neg, &mag, &overflow);
    if (is_int)
        x = overflow ? HUGE_VAL : (neg ? -(double)mag : (double)mag);
    else if (!scan_float(s, &x))
        return CR_I_CONFIG_NUM_NOT_NUMBER;
    if (t == CR_FT_DOUBLE) {
        out->x = x;
        return isfinite(x) ? CR_I_CONFIG_NUM_OK : CR_I_CONFIG_NUM_NOT_FINITE;
    }
    if (is_int && overflow)
        return CR_I_CONFIG_NUM_TOO_LARGE;
    if (is_int && t == CR_FT_UINT64) { /* exact, beyond 2^53 too */
        out->u = mag;
        return neg && mag ? CR_I_CONFIG_NUM_NEGATIVE : CR_I_CONFIG_NUM_OK;
    }
    if (is_int) {
        if (mag > (uint64_t)INT64_MAX + neg)
            return CR_I_CONFIG_NUM_TOO_LARGE;
        out->i = !neg ? (int64_t)mag : mag > INT64_MAX ? INT64_MIN : -(int64_t)mag;
        return CR_I_CONFIG_NUM_OK;
    }
    if (!isfinite(x) || x != trunc(x))
        return CR_I_CONFIG_NUM_NOT_INTEGER;
    if (t == CR_FT_UINT64 && x < 0)
        return CR_I_CONFIG_NUM_NEGATIVE;
    if (t == CR_FT_UINT64 ? x >= 18446744073709551616.0
                          : (x < -9223372036854775808.0 || x >= 9223372036854775808.0))
        return CR_I_CONFIG_NUM_TOO_LARGE;
    if (t == CR_FT_UINT64)
        out->u = (uint64_t)x;
    else
        out->i = (int64_t)x;
    return CR_I_CONFIG_NUM_OK;
}

bool cr_i_config_in_range(const cr_field *f, double x)
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
void cr_i_config_range_phrase(const cr_field *f, char *buf, size_t size)
{
    const char *noun = f->type == CR_FT_DOUBLE ? "a number" : "an integer";
    char lo[32], hi[32];
    cr_i_config_fmt_double(lo, sizeof lo, f->min);
    cr_i_config_fmt_double(hi, sizeof hi, f->max);
    bool lo_open = f->range & CR_RANGE_MIN_OPEN, hi_open = f->range & CR_RANGE_MAX_OPEN;
    if ((f->range & CR_RANGE_MIN) && (f->range & CR_RANGE_MAX))
        snprintf(buf, size, "%s in %c%s, %s%c", noun, lo_open ? '(' : '[', lo, hi,
                 hi_open ? ')' : ']');
    else if (f->range & CR_RANGE_MIN)
        snprintf(buf, size, "%s %s %s", noun, lo_open ? ">" : ">=", lo);
    else
        snprintf(buf, size, "%s %s %s", noun, hi_open ? "<" : "<=", hi);
}

/* "beta, fixed" */
void cr_i_config_choices_list(const cr_field *f, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; f->choices && f->choices[i] && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->choices[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

int cr_i_config_choices_count(const cr_field *f)
{
    int n = 0;
    while (f->choices && f->choices[n])
        n++;
    return n;
}
