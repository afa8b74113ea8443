/* Internals of the config module, shared by its files and by nothing else (the
 * public interface is config.h):
 *
 *   config.c         schema paths, reading values into fields, the public API
 *                    (defaults, load, --set, error, validate)
 *   config_yaml.c    YAML documents through libfyaml: parsing, duplicate keys,
 *                    node positions, a value described for messages
 *   config_scalar.c  core-schema words and numbers, ranges, enum choices, suggestions
 *   config_write.c   numbers as text, the resolved configuration as YAML
 *   config_table.c   CR_FT_TABLE: reading sequences of records, item --set,
 *                    item validation and origins
 */
#ifndef CR_CONFIG_IMPL_H
#define CR_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define CR_I_CONFIG_PATH_LEN 256 /* longest dotted key path */
#define CR_I_CONFIG_MSG_LEN 1024 /* one message before its location prefix */
#define CR_I_CONFIG_SHOWN_LEN 40 /* bytes of a bad value quoted in a message */

struct fy_diag;
struct fy_parser;
struct fy_document;
struct fy_node;

/* ------------------------------------------------------------------ fields and schema paths */

/* Where field f is stored in the config struct cfg. */
static inline void *cr_i_config_field_ptr(void *cfg, const cr_field *f)
{
    return (char *)cfg + f->offset;
}

static inline const void *cr_i_config_field_cptr(const void *cfg, const cr_field *f)
{
    return (const char *)cfg + f->offset;
}

/* c in lower case, for ASCII letters only (locale-independent). */
static inline int cr_i_config_ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* The int holding the item count of table field f, and item k's record. */
static inline void *cr_i_config_table_count(void *cfg, const cr_field *f)
{
    return (char *)cfg + f->offset + f->table->count_offset;
}

static inline void *cr_i_config_table_item(void *cfg, const cr_field *f, int k)
{
    return (char *)cfg + f->offset + f->table->items_offset + (size_t)k * f->table->record_size;
}

/* Defined in config.c: */

/* Bytes of storage of a field (a table: its count and items). */
size_t cr_i_config_field_size(const cr_field *f);

/* "prefix.name" into out[CR_I_CONFIG_PATH_LEN], truncated when it does not fit
 * (then false). */
bool cr_i_config_join_path(char *out, const char *prefix, const char *name, size_t len);

/* The component of `path` right below `prefix` ("" is the top level): *name and
 * its length *len; false when path is not below prefix. */
bool cr_i_config_child_of(const char *path, const char *prefix, size_t plen, const char **name,
                          size_t *len);

/* True when field i is the first field below prefix with child `name`. */
bool cr_i_config_first_child(const cr_schema *s, size_t i, const char *prefix, size_t plen,
                             const char *name, size_t len);

/* ------------------------------------------------------------------ reading (config.c) */

typedef enum {
    CR_I_CONFIG_MODE_FILE,
    CR_I_CONFIG_MODE_SET,
    CR_I_CONFIG_MODE_DEFAULT
} cr_i_config_mode;

/* What is being read, for values, origins and the form of messages. */
typedef struct {
    const cr_schema *schema;
    void *cfg;
    cr_origin *origins; /* may be NULL */
    cr_i_config_mode mode;
    const char *file;    /* MODE_FILE: name used in messages */
    const char *text;    /* MODE_SET: the assignment; MODE_DEFAULT: the default */
    const char *set_key; /* MODE_SET: the key of the assignment */
    int set_index;       /* MODE_SET: 1-based position of the --set */
    cr_diag *d;
} cr_i_config_walker;

/* Reports an error at a position in the form of the walker's mode:
 * "file:line:col: path: msg", "--set assignment: path: msg" (no path when it is the
 * assignment's key), "path: bad default 'text': msg" (CR_EINVAL). */
cr_status cr_i_config_walk_error(const cr_i_config_walker *w, int line, int col, const char *path,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The origin of a value read at line:col by w (its `items` NULL). */
cr_origin cr_i_config_origin_at(const cr_i_config_walker *w, int line, int col);

/* Reads value node v (at line:col) for field f of any type but CR_FT_TABLE, checks
 * its range (except for defaults) and stores it at out only when it is good. */
cr_status cr_i_config_read_value(const cr_i_config_walker *w, const cr_field *f, struct fy_node *v,
                                 int line, int col, const char *path, void *out);

/* "file:line:column: path: msg", "--set path: msg" or "path (default): msg". */
cr_status cr_i_config_origin_error(const cr_origin *o, const char *file, const char *path,
                                   cr_diag *d, const char *msg);

/* The per-field check of cr_config_validate; msg gets the problem, if any. */
bool cr_i_config_field_ok(const cr_field *f, const void *p, char *msg, size_t size);

/* ------------------------------------------------------------------ tables (config_table.c) */

/* For cr_config_defaults: checks table field f's description (CR_EINVAL naming the
 * field) and, when o is not NULL, resets *o to the default origin with zeroed
 * per-item storage (kept from an earlier call, or allocated). */
cr_status cr_i_config_table_prepare(const cr_field *f, cr_origin *o, cr_diag *d);

/* Reads a sequence node v (the table key at key_line:key_col) into table field idx,
 * replacing it, with its items' origins; the table is left alone on error. */
cr_status cr_i_config_read_table(const cr_i_config_walker *w, int idx, struct fy_node *v,
                                 int key_line, int key_col, const char *path);

/* The table field named by the part of `key` before its '[', or -1. */
int cr_i_config_table_of(const cr_schema *schema, const char *key);

/* --set "table[k].key=value" (key is the trimmed key, table field tidx, value the
 * text after '='). */
cr_status cr_i_config_set_item(const cr_schema *schema, void *cfg, cr_origin *origins,
                               const char *assignment, const char *key, int tidx, const char *value,
                               int index, cr_diag *d);

/* cr_config_validate of table field idx: its count and every item's fields. */
cr_status cr_i_config_validate_table(const cr_schema *schema, size_t idx, const void *cfg,
                                     const cr_origin *origins, const char *file, cr_diag *d);

/* ------------------------------------------------------------------ YAML (config_yaml.c) */

typedef struct {
    struct fy_diag *diag;
    struct fy_parser *fyp;
    struct fy_document *fyd;
} cr_i_config_ydoc;

typedef enum {
    CR_I_CONFIG_Y_OK,
    CR_I_CONFIG_Y_EMPTY,
    CR_I_CONFIG_Y_BAD,
    CR_I_CONFIG_Y_NOMEM
} cr_i_config_yresult;

/* A parse failure: position (1-based), key path when known, message. */
typedef struct {
    int line, column;
    char path[CR_I_CONFIG_PATH_LEN];
    char msg[CR_I_CONFIG_MSG_LEN];
} cr_i_config_yerr;

/* Parses one YAML 1.2 document from text, silently, checks duplicate keys (paths
 * start at `base`) and resolves aliases and merge keys. The caller calls
 * cr_i_config_ydoc_close in every case. */
cr_i_config_yresult cr_i_config_ydoc_parse(cr_i_config_ydoc *y, const char *text, size_t len,
                                           const char *base, cr_i_config_yerr *e);
void cr_i_config_ydoc_close(cr_i_config_ydoc *y);

bool cr_i_config_node_is_scalar(struct fy_node *n);

/* A scalar's 1-based position, or the fallback (collections carry no mark). */
void cr_i_config_node_pos(struct fy_node *n, int fb_line, int fb_col, int *line, int *col);

/* The position of the first scalar in n (n itself, a mapping's first key, a
 * sequence's first item, recursively), or the fallback: where a collection starts. */
void cr_i_config_node_first_pos(struct fy_node *n, int fb_line, int fb_col, int *line, int *col);

/* No node, or a plain empty, ~ or null scalar. */
bool cr_i_config_is_null_scalar(struct fy_node *n);

/* Copies a scalar into buf as a C string (*lenp gets its length); false when it
 * is longer than size-1 or holds a NUL byte. */
bool cr_i_config_scalar_text(struct fy_node *n, char *buf, size_t size, size_t *lenp);

bool cr_i_config_is_quoted(struct fy_node *n);

/* How a value is shown after "got" in messages; buf of at least
 * CR_I_CONFIG_SHOWN_LEN * 2 + 32 bytes. */
void cr_i_config_describe(struct fy_node *n, char *buf, size_t size);

/* ------------------------------------------------------------------ scalars (config_scalar.c) */

/* "Did you mean" search: offer candidates with cr_i_config_suggest_try; `best`
 * is the closest one (ties to the first), or NULL. */
typedef struct {
    const char *word;
    size_t len;
    int limit;
    const char *best; /* NULL until a candidate is close enough */
    size_t best_len;
    int best_dist;
} cr_i_config_suggester;

void cr_i_config_suggest_init(cr_i_config_suggester *s, const char *word, size_t len);
void cr_i_config_suggest_try(cr_i_config_suggester *s, const char *cand, size_t len);

typedef enum {
    CR_I_CONFIG_NUM_OK,
    CR_I_CONFIG_NUM_NOT_NUMBER,  /* not a YAML number at all */
    CR_I_CONFIG_NUM_NOT_INTEGER, /* a number with a fraction, or not finite, where an integer
                                    is due */
    CR_I_CONFIG_NUM_TOO_LARGE,   /* outside the 64-bit range */
    CR_I_CONFIG_NUM_NEGATIVE,    /* negative where an unsigned integer is due */
    CR_I_CONFIG_NUM_NOT_FINITE,  /* .inf, .nan or an overflowing float */
} cr_i_config_num_result;

/* A decoded bool, integer, number or enum value. */
typedef union {
    bool b;
    int64_t i;
    uint64_t u;
    double x;
    int e;
} cr_i_config_scalar_value;

/* s (len bytes) is a core-schema word: "true", "True" or "TRUE" for word "true". */
bool cr_i_config_is_word(const char *s, size_t len, const char *word);

/* A YAML number for a field of type t (CR_FT_INT, CR_FT_UINT64 or CR_FT_DOUBLE). */
cr_i_config_num_result cr_i_config_parse_number(const char *s, cr_ftype t,
                                                cr_i_config_scalar_value *out);

/* x satisfies the range flags of f (NaN never does). */
bool cr_i_config_in_range(const cr_field *f, double x);

/* "a number in [0, 1]", "an integer >= 1", "a number > 0", ... */
void cr_i_config_range_phrase(const cr_field *f, char *buf, size_t size);

/* The choices of an enum field as "beta, fixed", and their number. */
void cr_i_config_choices_list(const cr_field *f, char *buf, size_t size);
int cr_i_config_choices_count(const cr_field *f);

/* ------------------------------------------------------------------ numbers (config_write.c) */

/* The shortest of %.15g, %.16g, %.17g that reads back to x; .inf, -.inf, .nan. */
void cr_i_config_fmt_double(char *buf, size_t size, double x);

/* The value of a numeric field at p as a double (for range checks) and as text. */
double cr_i_config_numeric_value(const cr_field *f, const void *p, char *text, size_t size);

#endif
