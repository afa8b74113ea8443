/* The CSV line reader shared by the network-file readers (see csv.h). */
#include "core/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Adds a field; fields beyond max_fields are only counted. */
static void add_field(cr_csv *r, char *s)
{
    if (r->nf < r->max_fields)
        r->field[r->nf] = s;
    r->nf++;
}

/* Splits r->buf at commas, in place: spaces around a field and one pair of
 * surrounding double quotes are removed. */
static cr_status split_plain(cr_csv *r, cr_diag *d)
{
    char *p = r->buf;
    r->nf = 0;
    for (;;) {
        if (r->nf == r->max_fields && (r->flags & CR_CSV_FIELD_LIMIT))
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: more than %d fields", r->path, r->line,
                               r->max_fields);
        char *c = p + strcspn(p, ","), *e = c;
        int more = *c == ',';
        p += strspn(p, " \t");
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e - p >= 2 && *p == '"' && e[-1] == '"')
            p++, e--;
        *e = '\0';
        add_field(r, p);
        if (!more)
            return CR_OK;
        p = c + 1;
    }
}

/* Splits r->buf into fields, in place, with RFC 4180 quoted fields. */
static cr_status split_quoted(cr_csv *r, cr_diag *d)
{
    char *p = r->buf;
    r->nf = 0;
    for (;;) {
        if (r->nf == r->max_fields && (r->flags & CR_CSV_FIELD_LIMIT))
            return cr_diag_set(d, CR_EINPUT, "%s:%zu: more than %d fields", r->path, r->line,
                               r->max_fields);
        p += strspn(p, " \t");
        char *start = p;
        int more;
        if (*p == '"') { /* quoted: "" is a quote; unquoted in place */
            char *out = p++;
            for (;;) {
                if (*p == '\0')
                    return cr_diag_set(d, CR_EINPUT, "%s:%zu: unterminated quoted field", r->path,
                                       r->line);
                if (*p == '"' && p[1] != '"') {
                    p++;
                    break;
                }
                p += *p == '"' ? 2 : 1;
                *out++ = p[-1];
            }
            *out = '\0';
            p += strspn(p, " \t");
            if (*p != ',' && *p != '\0')
                return cr_diag_set(d, CR_EINPUT, "%s:%zu: text after the quoted field \"%s\"",
                                   r->path, r->line, start);
            more = *p == ',';
            p += more;
        } else {
            char *c = p + strcspn(p, ","), *e = c;
            more = *c == ',';
            while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *e = '\0';
            p = more ? c + 1 : c;
        }
        add_field(r, start);
        if (!more)
            return CR_OK;
    }
}

cr_status cr_csv_open(cr_csv *r, const char *path, int max_fields, unsigned flags, cr_diag *d)
{
    if (max_fields < 1)
        max_fields = 1;
    if (max_fields > CR_CSV_MAX_FIELDS)
        max_fields = CR_CSV_MAX_FIELDS;
    *r = (cr_csv){.path = path, .max_fields = max_fields, .flags = flags};
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
    r->f = fopen(path, "r");
    if (!r->f)
        return cr_diag_set(d, CR_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    return CR_OK;
}

int cr_csv_next(cr_csv *r, cr_status *st, cr_diag *d)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&r->buf, &r->cap, r->f);
        if (len < 0) {
            if (ferror(r->f)) {
                int e = errno ? errno : EIO;
                *st = cr_diag_set(d, e == ENOMEM ? CR_ENOMEM : CR_EIO, "%s:%zu: read error: %s",
                                  r->path, r->line + 1, strerror(e));
                return -1;
            }
            return 0;
        }
        r->line++;
        char *s = r->buf;
        if (r->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte-order mark */
            memmove(s, s + 3, strlen(s + 3) + 1);
        s[strcspn(s, "\r\n")] = '\0';
        if (s[strspn(s, " \t")] == '\0')
            continue; /* blank line */
        *st = (r->flags & CR_CSV_QUOTED) ? split_quoted(r, d) : split_plain(r, d);
        return *st == CR_OK ? 1 : -1;
    }
}

size_t cr_csv_line(const cr_csv *r)
{
    return r->line;
}

void cr_csv_close(cr_csv *r)
{
    if (r->f)
        fclose(r->f);
    free(r->buf);
    r->f = NULL;
    r->buf = NULL;
    r->cap = 0;
}
