/* A CSV line reader shared by the network-file readers (core/netio.c and
 * models/netfile.c): one record at a time, split into fields in place.
 *
 * Conventions: a UTF-8 byte-order mark on line 1 is skipped; line ends may be
 * "\n" or "\r\n"; blank lines (only spaces and tabs) are skipped; spaces and
 * tabs around a field are removed. Quotes depend on the flags given to
 * cr_csv_open():
 *   CR_CSV_QUOTED   a field starting with '"' runs to the closing quote: it may
 *                   hold commas and "" stands for one quote; an unterminated
 *                   quote or text after the closing quote is an error.
 *   (without)       records split at every comma and one pair of surrounding
 *                   double quotes is removed from a field.
 * and so does a record with more than max_fields fields:
 *   CR_CSV_FIELD_LIMIT  an error ("file:line: more than N fields");
 *   (without)           the extra fields are counted in nf but not stored.
 *
 * Every message starts with "file:line:" (or "file:" when the file cannot be
 * opened); errors are CR_EINPUT, except read errors (CR_EIO, CR_ENOMEM).
 *
 *     cr_csv r;
 *     cr_status st = cr_csv_open(&r, path, 32, CR_CSV_QUOTED, d);
 *     while (st == CR_OK && cr_csv_next(&r, &st, d) > 0)
 *         use(r.field, r.nf, cr_csv_line(&r));
 *     cr_csv_close(&r);
 */
#ifndef CR_CSV_H
#define CR_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

#define CR_CSV_MAX_FIELDS 64 /* the most fields a reader stores */

enum {
    CR_CSV_QUOTED = 1u << 0,      /* RFC 4180 quoted fields (see above) */
    CR_CSV_FIELD_LIMIT = 1u << 1, /* more than max_fields fields is an error */
};

typedef struct {
    FILE *f;
    const char *path; /* for messages; not copied */
    size_t line;      /* of the current record, 1-based (0 before the first) */
    char *buf;
    size_t cap;
    int max_fields; /* fields stored, at most CR_CSV_MAX_FIELDS */
    unsigned flags;
    char *field[CR_CSV_MAX_FIELDS]; /* of the current record, in buf */
    int nf;                         /* fields of the current record (without CR_CSV_FIELD_LIMIT, may
                                     * exceed max_fields: the extra ones are only counted) */
} cr_csv;

/* Opens `path` (a directory is refused as EISDIR): "path: cannot open: reason".
 * max_fields is clamped to 1..CR_CSV_MAX_FIELDS. r can be closed even when this
 * fails. */
cr_status cr_csv_open(cr_csv *r, const char *path, int max_fields, unsigned flags, cr_diag *d);

/* Reads the next non-blank line and splits it into r->field[0..nf-1]. Returns 1
 * with a record, 0 at the end of the file, -1 on error (*st and d set). The
 * fields stay valid until the next call. */
int cr_csv_next(cr_csv *r, cr_status *st, cr_diag *d);

/* The line number of the current record (1-based; 0 before the first). */
size_t cr_csv_line(const cr_csv *r);

/* Closes the file and frees the line buffer; r may be zeroed or closed already. */
void cr_csv_close(cr_csv *r);

#endif
