/* Experiment files: a generic, schema-driven YAML reader (libfyaml).
 *
 * core knows nothing of the model's keys: models/ declares its keys as a table of
 * cr_field (dotted path, type, offset into its typed struct, default, range,
 * units, documentation) and this module reads a YAML file into that struct,
 * applies `--set dotted.key=value` overrides, validates, and prints the resolved
 * configuration. Every error names file, line, column and key path:
 *
 *     exp.yaml:12:5: economy.systemic_loading: expected a number in [0, 1], got 1.4
 *
 * and returns CR_ECONFIG (exit status 2).
 */
#ifndef CR_CONFIG_H
#define CR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef enum {
    CR_FT_BOOL,    /* bool */
    CR_FT_INT,     /* int64_t; YAML integers, or floats with an integral value (1e6) */
    CR_FT_UINT64,  /* uint64_t (seeds) */
    CR_FT_DOUBLE,  /* double */
    CR_FT_STRING,  /* char[CR_CONFIG_STR_MAX] */
    CR_FT_ENUM,    /* int: index into `choices` */
    CR_FT_STRLIST, /* cr_strlist: a YAML sequence of strings (or one string) */
    CR_FT_TABLE,   /* a YAML sequence of mappings read into an array of records (cr_table_desc) */
} cr_ftype;

#define CR_CONFIG_STR_MAX 256
#define CR_STRLIST_MAX 32
#define CR_STRLIST_ITEM_MAX 64

typedef struct {
    int n;
    char item[CR_STRLIST_MAX][CR_STRLIST_ITEM_MAX];
} cr_strlist;

/* Range flags for numeric fields. */
enum {
    CR_RANGE_NONE = 0,
    CR_RANGE_MIN = 1,      /* value >= min */
    CR_RANGE_MAX = 2,      /* value <= max */
    CR_RANGE_MIN_OPEN = 4, /* value >  min (with CR_RANGE_MIN) */
    CR_RANGE_MAX_OPEN = 8, /* value <  max (with CR_RANGE_MAX) */
};

typedef struct cr_table_desc cr_table_desc;

typedef struct {
    const char *path; /* dotted key path, e.g. "economy.systemic_loading" */
    cr_ftype type;
    size_t offset;              /* offsetof(the config struct, member) */
    const char *def;            /* default, as YAML scalar text ("0.3", "[direct]") */
    int range;                  /* CR_RANGE_* flags (numbers only) */
    double min, max;            /* bounds for CR_RANGE_MIN / CR_RANGE_MAX */
    const char *const *choices; /* CR_FT_ENUM: NULL-terminated list of names */
    const char *units;          /* "1", "per year", "million yuan", ... */
    const char *doc;            /* one-line documentation */
    const cr_table_desc *table; /* CR_FT_TABLE: its records; NULL for other types */
} cr_field;

/* CR_FT_TABLE: a YAML sequence of mappings, each read with a sub-schema into an
 * array of records inside the config struct:  struct { int n; REC item[MAX]; }
 *
 *     alliance:
 *       waterfall:
 *         - {holder: mutual_fund, type: first_loss, cap: 0.1}
 *         - {holder: guarantor, type: pro_rata, share: 0.7}
 *
 * The record fields are plain keys (no dots) of any type but CR_FT_TABLE; `offset`
 * is relative to the record. A record field's `def` is each item's default for a
 * key the item leaves out; `def == NULL` makes the key required ("missing required
 * key"). The table field's own `def` is YAML flow text read the same way ("[]", or
 * "[{holder: guarantor, type: pro_rata, share: 0.8}]"; NULL is "[]"). A sequence
 * (or, with map_key, a mapping; see below)
 * in the file or a --set REPLACES the whole table (no merging with the default);
 * an empty value is an error, `[]` is the empty table. Items are named by 0-based
 * index in messages: "alliance.waterfall[2].share". The count is stored in the
 * int at count_offset; items past it are zero. */
struct cr_table_desc {
    const cr_field *fields; /* record fields; offsets relative to the record */
    size_t nfields;
    size_t record_size;  /* sizeof(REC) */
    size_t count_offset; /* offsetof(container, n) relative to the field's offset (normally 0) */
    size_t items_offset; /* offsetof(container, item) relative to the field's offset */
    int max_items;
    /* Optional mapping form (both NULL: a sequence only). A YAML mapping in place of
     * the sequence is read one item per pair, in order: the pair's key goes to the
     * text field named map_key, and its value is either a mapping of record keys or
     * any other value, read into the field named map_value:
     *     parameters: {economy.cycle_ar1: [0.5, 0.9], mode: {values: [direct]}}
     * is the same as
     *     parameters: [{path: economy.cycle_ar1, values: [0.5, 0.9]},
     *                  {path: mode, values: [direct]}]                            */
    const char *map_key;
    const char *map_value;
};

/* Where a field's value came from (for error messages of cross-field checks). */
typedef enum { CR_ORIGIN_DEFAULT = 0, CR_ORIGIN_FILE, CR_ORIGIN_SET } cr_origin_kind;

typedef struct cr_origin cr_origin;
struct cr_origin {
    cr_origin_kind kind;
    int line, column; /* 1-based; for CR_ORIGIN_SET: the index of the --set (1-based), 0 */
    /* CR_FT_TABLE only (NULL otherwise): the origins of the table's items, owned by
     * the origins array (see cr_config_defaults). Per item, max_items times: the
     * item's own position, then one origin per record field. A key an item of the
     * file leaves out takes the item's position. Read through cr_config_error_item. */
    cr_origin *items;
};

typedef struct cr_schema cr_schema;

/* A schema: the fields, plus an optional cross-field check called by
 * cr_config_validate after every per-field check passed (it reports through
 * cr_config_error so that its messages have the same form). */
struct cr_schema {
    const cr_field *fields;
    size_t nfields;
    cr_status (*validate)(const cr_schema *schema, const void *cfg, const cr_origin *origins,
                          const char *file, cr_diag *d);
};

/* Fills cfg with every field's default and origins (array of nfields) with
 * CR_ORIGIN_DEFAULT. A default that does not parse, or a bad table description, is a
 * programming error (CR_EINVAL).
 *
 * With CR_FT_TABLE fields, origins also hold per-item storage: the array must be
 * zero-filled before its first use (calloc, a static array, `= {0}`); calling
 * cr_config_defaults again on it reuses that storage, and cr_config_origins_clear
 * frees it. Without table fields nothing is allocated and the array may start
 * uninitialised, as before. */
cr_status cr_config_defaults(const cr_schema *schema, void *cfg, cr_origin *origins, cr_diag *d);

/* Frees the per-item storage of the table fields' origins (sets their `items` to
 * NULL; the kinds and positions stay). Call it before freeing an origins array
 * that went through cr_config_defaults; origins may be NULL. */
void cr_config_origins_clear(const cr_schema *schema, cr_origin *origins);

/* Reads the YAML file at `path` over cfg (which holds defaults). Errors, each
 * CR_ECONFIG with "file:line:column: key.path: message": missing or unreadable
 * file, empty file, malformed YAML, a top level that is not a mapping, unknown
 * key (with "did you mean ..." when a known key is close), wrong type (a mapping
 * where a value is expected, text where a number is expected, a fraction for an
 * integer), out-of-range value, duplicate key. On error cfg may be partly updated. */
cr_status cr_config_load_file(const cr_schema *schema, void *cfg, cr_origin *origins,
                              const char *path, cr_diag *d);

/* Same as cr_config_load_file for YAML text in memory; `name` is used as the file
 * name in messages. */
cr_status cr_config_load_string(const cr_schema *schema, void *cfg, cr_origin *origins,
                                const char *name, const char *text, size_t len, cr_diag *d);

/* Applies one override "dotted.key=value" (value is YAML scalar or flow text,
 * e.g. "0.3", "[direct, single]"). `index` is the 1-based position of this --set
 * on the command line. Errors are CR_ECONFIG with
 * "--set dotted.key=value: message" (unknown key with a suggestion, no '=', bad value).
 * A table takes a whole flow sequence ("alliance.waterfall=[{holder: guarantor,
 * type: pro_rata}]", replacing it), or one key of an existing item by 0-based index
 * ("alliance.waterfall[1].share=0.5"; an index past the end is an error). */
cr_status cr_config_apply_set(const cr_schema *schema, void *cfg, cr_origin *origins,
                              const char *assignment, int index, cr_diag *d);

/* Checks every numeric field's range (each table item's too, named by its item
 * path) and then calls schema->validate. `file` names the experiment file in messages. */
cr_status cr_config_validate(const cr_schema *schema, const void *cfg, const cr_origin *origins,
                             const char *file, cr_diag *d);

/* Formats a cross-field error in the standard form using the origin of `field_path`:
 * "file:line:column: path: message" when it came from the file,
 * "--set path: message" when from --set, "path (default): message" otherwise.
 * Returns CR_ECONFIG. */
cr_status cr_config_error(const cr_schema *schema, const cr_origin *origins, const char *file,
                          const char *field_path, cr_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* cr_config_error for one key of a table item: the path is "table_path[item].field"
 * (0-based item) and the position that of that key in that item:
 *     exp.yaml:7:9: alliance.waterfall[1].share: message
 * field NULL names the item itself ("table_path[item]", at the item's position).
 * An unknown table, field or item falls back to the table's origin, then to
 * "(default)". Returns CR_ECONFIG. */
cr_status cr_config_error_item(const cr_schema *schema, const cr_origin *origins, const char *file,
                               const char *table_path, int item, const char *field, cr_diag *d,
                               const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* The resolved configuration as a YAML document (nested mappings in schema order,
 * every key, numbers printed so that they read back to the same double, "%.17g"
 * shortened where exact; a table as a block sequence of flow mappings, one item per
 * line with every key, or `[]`). The text reads back through cr_config_load_string
 * to an identical struct. Caller frees *out with free(). */
cr_status cr_config_to_yaml(const cr_schema *schema, const void *cfg, char **out);

/* Index of the field with this dotted path, or -1 (fields only: not "table[1].key"). */
int cr_config_find(const cr_schema *schema, const char *path);

/* The closest of `n` candidate words to `word` by edit distance (at most
 * max(2, strlen(word)/3) edits), or NULL: for "did you mean" suggestions. */
const char *cr_suggest(const char *word, const char *const *candidates, size_t n);

#endif
