/* Experiment-file reader (core/config.c) on a small test schema: every field
 * type, nested sections, ranges, an enum, a list and a cross-field check. */
#include "core/config.h"
#include "tests/harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    struct {
        char name[CR_CONFIG_STR_MAX];
        int64_t replications;
        uint64_t seed;
        bool verbose;
        int64_t periods;
    } experiment;
    struct {
        double systemic_loading, cycle_ar1, max_loss;
        int distribution;
        struct {
            double rate;
        } shock;
    } economy;
    struct {
        double x, y;
    } a;
    struct {
        cr_strlist variables;
    } output;
} tcfg;

static const char *const distributions[] = {"beta", "fixed", NULL};

/* Deliberately not grouped: experiment.verbose and .periods come after other sections. */
static const cr_field fields[] = {
    {"experiment.name", CR_FT_STRING, offsetof(tcfg, experiment.name), "demo", 0, 0, 0, NULL, "",
     "name", NULL},
    {"experiment.replications", CR_FT_INT, offsetof(tcfg, experiment.replications), "200",
     CR_RANGE_MIN, 1, 0, NULL, "1", "replications", NULL},
    {"experiment.seed", CR_FT_UINT64, offsetof(tcfg, experiment.seed), "20261127", 0, 0, 0, NULL,
     "1", "seed", NULL},
    {"economy.systemic_loading", CR_FT_DOUBLE, offsetof(tcfg, economy.systemic_loading), "0.3",
     CR_RANGE_MIN | CR_RANGE_MAX, 0, 1, NULL, "1", "loading", NULL},
    {"economy.cycle_ar1", CR_FT_DOUBLE, offsetof(tcfg, economy.cycle_ar1), "0.8",
     CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MAX_OPEN, 0, 1, NULL, "1", "AR(1)", NULL},
    {"economy.distribution", CR_FT_ENUM, offsetof(tcfg, economy.distribution), "beta", 0, 0, 0,
     distributions, "", "distribution", NULL},
    {"economy.shock.rate", CR_FT_DOUBLE, offsetof(tcfg, economy.shock.rate), "0.05",
     CR_RANGE_MIN | CR_RANGE_MIN_OPEN, 0, 0, NULL, "per year", "rate", NULL},
    {"a.x", CR_FT_DOUBLE, offsetof(tcfg, a.x), "0", CR_RANGE_MIN | CR_RANGE_MAX, -1, 1, NULL, "1",
     "x", NULL},
    {"a.y", CR_FT_DOUBLE, offsetof(tcfg, a.y), "0", CR_RANGE_MIN | CR_RANGE_MAX, -1, 1, NULL, "1",
     "y", NULL},
    {"output.variables", CR_FT_STRLIST, offsetof(tcfg, output.variables), "[pd, debt]", 0, 0, 0,
     NULL, "", "variables", NULL},
    {"experiment.verbose", CR_FT_BOOL, offsetof(tcfg, experiment.verbose), "false", 0, 0, 0, NULL,
     "", "verbose", NULL},
    {"economy.max_loss", CR_FT_DOUBLE, offsetof(tcfg, economy.max_loss), "1e6", CR_RANGE_MAX, 0,
     1e9, NULL, "million yuan", "max loss", NULL},
    {"experiment.periods", CR_FT_INT, offsetof(tcfg, experiment.periods), "40",
     CR_RANGE_MIN | CR_RANGE_MAX, 1, 1000, NULL, "1", "periods", NULL},
};
#define NF (sizeof fields / sizeof fields[0])

static cr_status check_unit_disc(const cr_schema *schema, const void *cfg, const cr_origin *origins,
                                 const char *file, cr_diag *d)
{
    const tcfg *c = cfg;
    double s = c->a.x * c->a.x + c->a.y * c->a.y;
    if (s > 1)
        return cr_config_error(schema, origins, file, "a.y", d,
                               "a.x^2 + a.y^2 must be at most 1, got %g", s);
    return CR_OK;
}

static const cr_schema schema = {fields, NF, check_unit_disc};

static tcfg cfg;
static cr_origin origins[NF];
static cr_diag diag;

static cr_status load(const char *text)
{
    cr_status st = cr_config_defaults(&schema, &cfg, origins, &diag);
    if (st != CR_OK)
        return st;
    return cr_config_load_string(&schema, &cfg, origins, "exp.yaml", text, strlen(text), &diag);
}

/* Loading `text` fails with CR_ECONFIG and exactly `msg`. */
#define CHECK_ERROR(text, want)                                                                    \
    do {                                                                                           \
        cr_status st_ = load(text);                                                                \
        CR_CHECK(st_ == CR_ECONFIG);                                                               \
        CR_CHECK_MSG(strcmp(diag.msg, want) == 0, "got \"%s\"", diag.msg);                         \
    } while (0)

/* cr_config_apply_set(assignment) fails with CR_ECONFIG and exactly `msg`. */
#define CHECK_SET_ERROR(assignment, want)                                                          \
    do {                                                                                           \
        cr_status st_ = cr_config_apply_set(&schema, &cfg, origins, assignment, 1, &diag);         \
        CR_CHECK(st_ == CR_ECONFIG);                                                               \
        CR_CHECK_MSG(strcmp(diag.msg, want) == 0, "got \"%s\"", diag.msg);                         \
    } while (0)

static void test_suggest(void)
{
    const char *words[] = {"systemic_loading", "sector_loading", "cycle_ar1"};
    CR_CHECK(cr_suggest("sytemic_loading", words, 3) == words[0]);
    CR_CHECK(cr_suggest("sector_laoding", words, 3) == words[1]); /* swap = one edit */
    CR_CHECK(cr_suggest("Cycle_AR1", words, 3) == words[2]);      /* case is free */
    CR_CHECK(cr_suggest("xyz", words, 3) == NULL);
    const char *ties[] = {"ax", "ay"};
    CR_CHECK(cr_suggest("ab", ties, 2) == ties[0]); /* ties: the first */
    const char *far[] = {"abcdefgh"};
    CR_CHECK(cr_suggest("abcdxxxx", far, 1) == NULL); /* 4 edits > max(2, 8/3) */
    CR_CHECK(cr_suggest("abcdexxx", far, 1) == NULL); /* 3 edits > 2 */
    CR_CHECK(cr_suggest("abcdefxx", far, 1) == far[0]);
    CR_CHECK(cr_suggest("anything", NULL, 0) == NULL);
    const char *short_words[] = {"l", "n"};
    CR_CHECK(cr_suggest("x", short_words, 2) == NULL); /* all characters differ */
    CR_CHECK(cr_suggest("L", short_words, 2) == short_words[0]);
}

static void test_defaults(void)
{
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    CR_CHECK(strcmp(cfg.experiment.name, "demo") == 0);
    CR_CHECK(cfg.experiment.replications == 200);
    CR_CHECK(cfg.experiment.seed == 20261127u);
    CR_CHECK(cfg.experiment.verbose == false);
    CR_CHECK(cfg.economy.systemic_loading == 0.3);
    CR_CHECK(cfg.economy.distribution == 0);
    CR_CHECK(cfg.economy.max_loss == 1e6);
    CR_CHECK(cfg.output.variables.n == 2);
    CR_CHECK(strcmp(cfg.output.variables.item[1], "debt") == 0);
    for (size_t i = 0; i < NF; i++)
        CR_CHECK(origins[i].kind == CR_ORIGIN_DEFAULT);
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_OK);
    CR_CHECK(cr_config_find(&schema, "economy.shock.rate") == 6);
    CR_CHECK(cr_config_find(&schema, "economy.shock") == -1);
}

static void test_bad_default(void)
{
    static const cr_field bad[] = {
        {"x", CR_FT_DOUBLE, 0, "abc", 0, 0, 0, NULL, "1", "x", NULL},
    };
    static const cr_field out_of_range[] = {
        {"x", CR_FT_DOUBLE, 0, "5", CR_RANGE_MIN | CR_RANGE_MAX, 0, 1, NULL, "1", "x", NULL},
    };
    cr_schema s1 = {bad, 1, NULL}, s2 = {out_of_range, 1, NULL};
    double x;
    cr_origin o;
    CR_CHECK(cr_config_defaults(&s1, &x, &o, &diag) == CR_EINVAL);
    CR_CHECK_MSG(strcmp(diag.msg, "x: bad default 'abc': expected a number, got 'abc'") == 0, "%s",
                 diag.msg);
    /* a default out of its range is caught by validate, naming the default */
    CR_REQUIRE(cr_config_defaults(&s2, &x, &o, &diag) == CR_OK);
    CR_CHECK(cr_config_validate(&s2, &x, &o, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "x (default): expected a number in [0, 1], got 5") == 0, "%s",
                 diag.msg);
}

static char *data_path(const char *name)
{
    const char *root = getenv("CREDERE_SOURCE_DIR");
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/data/config/%s", root ? root : ".", name);
    return buf;
}

static void test_load_file(void)
{
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    cr_status st = cr_config_load_file(&schema, &cfg, origins, data_path("valid.yaml"), &diag);
    CR_CHECK_MSG(st == CR_OK, "%s", diag.msg);
    CR_REQUIRE(st == CR_OK);
    CR_CHECK(strcmp(cfg.experiment.name, "mode comparison") == 0);
    CR_CHECK(cfg.experiment.replications == 1000);
    CR_CHECK(cfg.experiment.seed == 0xDEADBEEFu);
    CR_CHECK(cfg.experiment.verbose == true);
    CR_CHECK(cfg.economy.systemic_loading == 0.25);
    CR_CHECK(cfg.economy.cycle_ar1 == 0.5);
    CR_CHECK(cfg.economy.distribution == 1);
    CR_CHECK(cfg.economy.shock.rate == 1e-2);
    CR_CHECK(cfg.a.x == 0.6 && cfg.a.y == -0.8);
    CR_CHECK(cfg.output.variables.n == 3);
    CR_CHECK(strcmp(cfg.output.variables.item[2], "equity ratio") == 0);
    /* origins: the value's position; a list's is its key's */
    CR_CHECK(origins[0].kind == CR_ORIGIN_FILE && origins[0].line == 3 && origins[0].column == 9);
    CR_CHECK(origins[6].kind == CR_ORIGIN_FILE && origins[6].line == 12 && origins[6].column == 17);
    CR_CHECK(origins[9].line == 16 && origins[9].column == 3);
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "valid.yaml", &diag) == CR_OK);
}

static void test_file_errors(void)
{
    char tmpl[] = "/tmp/cr_test_config_XXXXXX";
    char *dir = mkdtemp(tmpl);
    CR_REQUIRE(dir != NULL);
    char path[4096], expect[4200];

    snprintf(path, sizeof path, "%s/missing.yaml", dir);
    CR_CHECK(cr_config_load_file(&schema, &cfg, origins, path, &diag) == CR_ECONFIG);
    snprintf(expect, sizeof expect, "%s: cannot open: No such file or directory", path);
    CR_CHECK_MSG(strcmp(diag.msg, expect) == 0, "%s", diag.msg);
    CR_CHECK(cr_status_exit_code(CR_ECONFIG) == 2);

    CR_CHECK(cr_config_load_file(&schema, &cfg, origins, dir, &diag) == CR_ECONFIG);
    snprintf(expect, sizeof expect, "%s: cannot open: Is a directory", dir);
    CR_CHECK_MSG(strcmp(diag.msg, expect) == 0, "%s", diag.msg);

    snprintf(path, sizeof path, "%s/empty.yaml", dir);
    FILE *fp = fopen(path, "w");
    CR_REQUIRE(fp != NULL);
    fclose(fp);
    CR_CHECK(cr_config_load_file(&schema, &cfg, origins, path, &diag) == CR_ECONFIG);
    snprintf(expect, sizeof expect, "%s:1:1: empty experiment file", path);
    CR_CHECK_MSG(strcmp(diag.msg, expect) == 0, "%s", diag.msg);

    fp = fopen(path, "w");
    CR_REQUIRE(fp != NULL);
    fputs("economy:\n  cycle_ar1: 1.5\n", fp);
    fclose(fp);
    CR_CHECK(cr_config_load_file(&schema, &cfg, origins, path, &diag) == CR_ECONFIG);
    snprintf(expect, sizeof expect,
             "%s:2:14: economy.cycle_ar1: expected a number in [0, 1), got 1.5", path);
    CR_CHECK_MSG(strcmp(diag.msg, expect) == 0, "%s", diag.msg);
    remove(path);
    rmdir(dir);
}

static void test_document_errors(void)
{
    CHECK_ERROR("", "exp.yaml:1:1: empty experiment file");
    CHECK_ERROR("# only\n# comments\n", "exp.yaml:1:1: empty experiment file");
    CHECK_ERROR("- a\n- b\n",
                "exp.yaml:1:1: expected a mapping of sections at the top level, got a list");
    CHECK_ERROR("hello\n",
                "exp.yaml:1:1: expected a mapping of sections at the top level, got 'hello'");
    CHECK_ERROR("a: {x: 0.1}\n---\na: {x: 0.2}\n",
                "exp.yaml:2:1: more than one YAML document (expected one)");
    CHECK_ERROR("economy:\n  cycle_ar1: 0.5\n  cycle_ar1: 0.6\n",
                "exp.yaml:3:3: economy.cycle_ar1: duplicate key (first given at line 2)");
    CHECK_ERROR("a:\n  x: *nowhere\n", "exp.yaml:2:7: malformed YAML: invalid alias");

    /* malformed YAML: libfyaml's reason and position, nothing printed */
    fflush(stderr);
    FILE *tmp = tmpfile();
    CR_REQUIRE(tmp != NULL);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    cr_status st1 = load("economy:\n\tcycle_ar1: 0.5\n");
    char msg1[CR_DIAG_MAX];
    memcpy(msg1, diag.msg, sizeof msg1);
    cr_status st2 = load("a: {x: [1, 2}\n");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fseek(tmp, 0, SEEK_END);
    long printed = ftell(tmp);
    fclose(tmp);
    CR_CHECK(printed == 0);
    CR_CHECK(st1 == CR_ECONFIG && st2 == CR_ECONFIG);
    CR_CHECK_MSG(strncmp(msg1, "exp.yaml:2:1: malformed YAML: ", 30) == 0, "%s", msg1);
    CR_CHECK_STR_CONTAINS(msg1, "tab");
    CR_CHECK_MSG(strncmp(diag.msg, "exp.yaml:1:", 11) == 0, "%s", diag.msg);
    CR_CHECK_STR_CONTAINS(diag.msg, ": malformed YAML: ");
}

static void test_unknown_keys(void)
{
    CHECK_ERROR("experiment:\n  name: x\neconomy:\n  sytemic_loading: 0.4\n",
                "exp.yaml:4:3: economy.sytemic_loading: unknown key; did you mean "
                "'systemic_loading'?");
    CHECK_ERROR("econmy:\n  systemic_loading: 0.4\n",
                "exp.yaml:1:1: econmy: unknown key; did you mean 'economy'?");
    CHECK_ERROR(
        "zzzzzz: 1\n",
        "exp.yaml:1:1: zzzzzz: unknown key; expected one of: experiment, economy, a, output");
    CHECK_ERROR("economy:\n  shock: {rat: 1}\n",
                "exp.yaml:2:11: economy.shock.rat: unknown key; did you mean 'rate'?");
    CHECK_ERROR("economy.systemic_loading: 0.4\n",
                "exp.yaml:1:1: economy.systemic_loading: unknown key; dotted paths are for --set, "
                "nest the keys in a file");
}

static void test_wrong_types(void)
{
    CHECK_ERROR("economy: 3\n", "exp.yaml:1:10: economy: expected a mapping, got 3");
    CHECK_ERROR("economy: [1]\n", "exp.yaml:1:1: economy: expected a mapping, got a list");
    CHECK_ERROR("a:\n  x: {b: 1}\n", "exp.yaml:2:3: a.x: expected a number, got a mapping");
    CHECK_ERROR("a:\n  x: [1]\n", "exp.yaml:2:3: a.x: expected a number, got a list");
    CHECK_ERROR("a:\n  x: abc\n", "exp.yaml:2:6: a.x: expected a number, got 'abc'");
    CHECK_ERROR("a:\n  x: \"0.3\"\n",
                "exp.yaml:2:6: a.x: expected a number, got a quoted string '0.3'");
    CHECK_ERROR("a:\n  x:\n", "exp.yaml:2:3: a.x: expected a number, got nothing");
    CHECK_ERROR("a:\n  x: ~\n", "exp.yaml:2:6: a.x: expected a number, got null");
    CHECK_ERROR("experiment: {replications: 2.5}\n",
                "exp.yaml:1:28: experiment.replications: expected an integer, got 2.5");
    CHECK_ERROR("experiment:\n  verbose: yes\n",
                "exp.yaml:2:12: experiment.verbose: expected true or false, got 'yes'");
    CHECK_ERROR("experiment:\n  verbose: 'true'\n",
                "exp.yaml:2:12: experiment.verbose: expected true or false, got a quoted string "
                "'true'");
    CHECK_ERROR("economy:\n  distribution: betta\n",
                "exp.yaml:2:17: economy.distribution: expected one of: beta, fixed; got 'betta'; "
                "did you mean 'beta'?");
    CHECK_ERROR("economy:\n  distribution: normal\n",
                "exp.yaml:2:17: economy.distribution: expected one of: beta, fixed; got 'normal'");
    CHECK_ERROR("experiment: {name: [a]}\n",
                "exp.yaml:1:14: experiment.name: expected a string, got a list");
    CHECK_ERROR("output: {variables: {a: 1}}\n",
                "exp.yaml:1:10: output.variables: expected a list of strings, got a mapping");
    CHECK_ERROR(
        "output: {variables: [a, [b]]}\n",
        "exp.yaml:1:10: output.variables: expected a list of strings, got a list as item 2");
    /* booleans: YAML 1.2 core spellings only */
    CR_CHECK(load("experiment: {verbose: TRUE}\n") == CR_OK && cfg.experiment.verbose);
    CR_CHECK(load("experiment: {verbose: False}\n") == CR_OK && !cfg.experiment.verbose);
    CHECK_ERROR("experiment: {verbose: on}\n",
                "exp.yaml:1:23: experiment.verbose: expected true or false, got 'on'");
}

static void test_numbers(void)
{
    CR_CHECK(load("experiment: {replications: 1e6}\n") == CR_OK &&
             cfg.experiment.replications == 1000000);
    CR_CHECK(load("experiment: {replications: 10000.0}\n") == CR_OK &&
             cfg.experiment.replications == 10000);
    CR_CHECK(load("experiment: {replications: 0x10}\n") == CR_OK &&
             cfg.experiment.replications == 16);
    CR_CHECK(load("experiment: {replications: 0o17}\n") == CR_OK &&
             cfg.experiment.replications == 15);
    CR_CHECK(load("experiment: {replications: 9223372036854775807}\n") == CR_OK &&
             cfg.experiment.replications == INT64_MAX);
    CR_CHECK(load("experiment: {seed: 18446744073709551615}\n") == CR_OK &&
             cfg.experiment.seed == UINT64_MAX);
    CR_CHECK(load("experiment: {seed: 1.8e19}\n") == CR_OK &&
             cfg.experiment.seed == 18000000000000000000u);
    CR_CHECK(load("a: {x: -.5e-1, y: +1}\n") == CR_OK && cfg.a.x == -0.05 && cfg.a.y == 1);
    CR_CHECK(load("a: {x: 1., y: -0}\n") == CR_OK && cfg.a.x == 1 && signbit(cfg.a.y));
    CHECK_ERROR("experiment: {replications: 1e30}\n",
                "exp.yaml:1:28: experiment.replications: expected an integer, got 1e30 (outside "
                "the 64-bit range)");
    CHECK_ERROR("experiment: {replications: 9223372036854775808}\n",
                "exp.yaml:1:28: experiment.replications: expected an integer, got "
                "9223372036854775808 (outside the 64-bit range)");
    CHECK_ERROR("experiment: {seed: -1}\n",
                "exp.yaml:1:20: experiment.seed: expected a non-negative integer, got -1");
    CHECK_ERROR("experiment: {seed: 18446744073709551616}\n",
                "exp.yaml:1:20: experiment.seed: expected a non-negative integer, got "
                "18446744073709551616 (outside the 64-bit range)");
    CHECK_ERROR("experiment: {replications: .inf}\n",
                "exp.yaml:1:28: experiment.replications: expected an integer, got .inf");
    CHECK_ERROR("a: {x: .nan}\n", "exp.yaml:1:8: a.x: expected a finite number, got .nan");
    CHECK_ERROR("a: {x: -.inf}\n", "exp.yaml:1:8: a.x: expected a finite number, got -.inf");
    CHECK_ERROR("a: {x: 1e999}\n", "exp.yaml:1:8: a.x: expected a finite number, got 1e999");
    CHECK_ERROR("a: {x: inf}\n", "exp.yaml:1:8: a.x: expected a number, got 'inf'");
    CHECK_ERROR("a: {x: 1_000}\n", "exp.yaml:1:8: a.x: expected a number, got '1_000'");
}

static void test_ranges(void)
{
    CHECK_ERROR("economy:\n  systemic_loading: 1.4\n",
                "exp.yaml:2:21: economy.systemic_loading: expected a number in [0, 1], got 1.4");
    CR_CHECK(load("economy:\n  systemic_loading: 1\n") == CR_OK);
    CHECK_ERROR("economy: {cycle_ar1: 1}\n",
                "exp.yaml:1:22: economy.cycle_ar1: expected a number in [0, 1), got 1");
    CHECK_ERROR("economy: {shock: {rate: 0}}\n",
                "exp.yaml:1:25: economy.shock.rate: expected a number > 0, got 0");
    CHECK_ERROR("experiment: {replications: 0}\n",
                "exp.yaml:1:28: experiment.replications: expected an integer >= 1, got 0");
    CHECK_ERROR("economy: {max_loss: 2e9}\n",
                "exp.yaml:1:21: economy.max_loss: expected a number <= 1000000000, got 2000000000");
    CHECK_ERROR("experiment: {periods: 1001}\n",
                "exp.yaml:1:23: experiment.periods: expected an integer in [1, 1000], got 1001");
}

static void test_sizes(void)
{
    char text[1024], long_str[301], expect[256];
    memset(long_str, 'a', 300);
    long_str[300] = '\0';
    snprintf(text, sizeof text, "experiment:\n  name: %s\n", long_str);
    CHECK_ERROR(text, "exp.yaml:2:9: experiment.name: string too long (300 bytes; at most 255)");
    long_str[255] = '\0';
    snprintf(text, sizeof text, "experiment:\n  name: %s\n", long_str);
    CR_CHECK(load(text) == CR_OK && strlen(cfg.experiment.name) == 255);

    /* lists: 32 items fit, 33 do not */
    size_t used = (size_t)snprintf(text, sizeof text, "output: {variables: [");
    for (int i = 0; i < 33; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%sv%d", i ? ", " : "", i);
    snprintf(text + used, sizeof text - used, "]}\n");
    snprintf(expect, sizeof expect, "exp.yaml:1:%d: output.variables: too many items (at most 32)",
             (int)(strstr(text, "v32") - text) + 1);
    CHECK_ERROR(text, expect);
    snprintf(strstr(text, ", v32"), 8, "]}\n");
    CR_CHECK(load(text) == CR_OK && cfg.output.variables.n == 32 &&
             strcmp(cfg.output.variables.item[31], "v31") == 0);

    memset(long_str, 'b', 64);
    long_str[64] = '\0';
    snprintf(text, sizeof text, "output:\n  variables:\n    - pd\n    - %s\n", long_str);
    CHECK_ERROR(text, "exp.yaml:4:7: output.variables: item 2 too long (64 bytes; at most 63)");
    long_str[63] = '\0';
    snprintf(text, sizeof text, "output:\n  variables:\n    - pd\n    - %s\n", long_str);
    CR_CHECK(load(text) == CR_OK && strlen(cfg.output.variables.item[1]) == 63);
}

static void test_lists_and_aliases(void)
{
    CR_CHECK(load("output: {variables: pd}\n") == CR_OK && cfg.output.variables.n == 1 &&
             strcmp(cfg.output.variables.item[0], "pd") == 0);
    CR_CHECK(load("output: {variables: []}\n") == CR_OK && cfg.output.variables.n == 0);
    CR_CHECK(load("output: {variables: ['a, b', \"c\"]}\n") == CR_OK &&
             cfg.output.variables.n == 2 && strcmp(cfg.output.variables.item[0], "a, b") == 0);
    CR_CHECK(load("a:\n  x: &h 0.5\n  y: *h\n") == CR_OK && cfg.a.x == 0.5 && cfg.a.y == 0.5);
    CR_CHECK(load("economy:\n") == CR_OK); /* an empty section */
    CR_CHECK(load("experiment: {name: }\n") == CR_OK && cfg.experiment.name[0] == '\0');
}

static void test_apply_set(void)
{
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "economy.systemic_loading=0.4", 3,
                                 &diag) == CR_OK);
    CR_CHECK(cfg.economy.systemic_loading == 0.4);
    CR_CHECK(origins[3].kind == CR_ORIGIN_SET && origins[3].line == 3);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "output.variables=[a, 'b c']", 1, &diag) ==
             CR_OK);
    CR_CHECK(cfg.output.variables.n == 2 && strcmp(cfg.output.variables.item[1], "b c") == 0);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "experiment.name=\"x: y\"", 1, &diag) ==
             CR_OK);
    CR_CHECK(strcmp(cfg.experiment.name, "x: y") == 0);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "a={x: 0.1, y: 0.2}", 2, &diag) == CR_OK);
    CR_CHECK(cfg.a.x == 0.1 && cfg.a.y == 0.2 && origins[8].kind == CR_ORIGIN_SET);

    CHECK_SET_ERROR("economy.systemic_loading=abc",
                    "--set economy.systemic_loading=abc: expected a number, got 'abc'");
    CHECK_SET_ERROR("economy.sytemic_loading=0.4",
                    "--set economy.sytemic_loading=0.4: unknown key; did you mean "
                    "'economy.systemic_loading'?");
    CHECK_SET_ERROR("nothing.like.this=1", "--set nothing.like.this=1: unknown key");
    CHECK_SET_ERROR("economy.systemic_loading",
                    "--set economy.systemic_loading: missing '=' (expected --set key=value)");
    CHECK_SET_ERROR("=3", "--set =3: missing key before '='");
    CHECK_SET_ERROR("economy.systemic_loading=1.4",
                    "--set economy.systemic_loading=1.4: expected a number in [0, 1], got 1.4");
    CHECK_SET_ERROR("economy.systemic_loading=",
                    "--set economy.systemic_loading=: expected a number, got nothing");
    CHECK_SET_ERROR("a={x: 0.1, z: 1}",
                    "--set a={x: 0.1, z: 1}: a.z: unknown key; expected one of: x, y");
    CHECK_SET_ERROR("a={x: 0.1, xx: 1}",
                    "--set a={x: 0.1, xx: 1}: a.xx: unknown key; did you mean 'x'?");
    CHECK_SET_ERROR("a={x: 0.1, x: 0.2}",
                    "--set a={x: 0.1, x: 0.2}: a.x: duplicate key (first given at line 1)");
    CHECK_SET_ERROR("a=3", "--set a=3: expected a mapping, got 3");
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "a.x=[1", 1, &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strncmp(diag.msg, "--set a.x=[1: malformed YAML: ", 30) == 0, "%s", diag.msg);
    /* a failed --set leaves the value alone */
    CR_CHECK(cfg.economy.systemic_loading == 0.4 && cfg.a.x == 0.1);
}

static void test_validate(void)
{
    /* cross-field check, reported at the origin of a.y */
    CR_CHECK(load("a:\n  x: 0.9\n  y: 0.9\n") == CR_OK);
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "exp.yaml:3:6: a.y: a.x^2 + a.y^2 must be at most 1, got 1.62") ==
                     0,
                 "%s", diag.msg);
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "a.x=0.8", 1, &diag) == CR_OK);
    CR_CHECK(cr_config_apply_set(&schema, &cfg, origins, "a.y=0.8", 2, &diag) == CR_OK);
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "--set a.y: a.x^2 + a.y^2 must be at most 1, got 1.28") == 0,
                 "%s", diag.msg);
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    cfg.a.x = cfg.a.y = 0.75;
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "a.y (default): a.x^2 + a.y^2 must be at most 1, got 1.125") == 0,
                 "%s", diag.msg);

    /* per-field checks come first, whatever set the value */
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    cfg.economy.systemic_loading = 2;
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "economy.systemic_loading (default): expected a number in [0, "
                                  "1], got 2") == 0,
                 "%s", diag.msg);
    CR_CHECK(load("economy: {systemic_loading: 0.5}\n") == CR_OK);
    cfg.economy.systemic_loading = NAN;
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "exp.yaml:1:29: economy.systemic_loading: expected a finite "
                                  "number, got .nan") == 0,
                 "%s", diag.msg);
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    cfg.economy.distribution = 7;
    CR_CHECK(cr_config_validate(&schema, &cfg, origins, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_STR_CONTAINS(diag.msg, "economy.distribution (default): expected one of: beta, fixed");

    /* cr_config_error on its own */
    cr_origin o[NF] = {{CR_ORIGIN_DEFAULT, 0, 0, NULL}};
    o[3] = (cr_origin){CR_ORIGIN_FILE, 7, 5, NULL};
    CR_CHECK(cr_config_error(&schema, o, "e.yaml", "economy.systemic_loading", &diag, "bad %d",
                             1) == CR_ECONFIG);
    CR_CHECK(strcmp(diag.msg, "e.yaml:7:5: economy.systemic_loading: bad 1") == 0);
    o[3] = (cr_origin){CR_ORIGIN_SET, 2, 0, NULL};
    cr_config_error(&schema, o, "e.yaml", "economy.systemic_loading", &diag, "bad");
    CR_CHECK(strcmp(diag.msg, "--set economy.systemic_loading: bad") == 0);
    cr_config_error(&schema, o, "e.yaml", "a.x", &diag, "bad");
    CR_CHECK(strcmp(diag.msg, "a.x (default): bad") == 0);
}

static const char *default_yaml = "# resolved configuration (credere)\n"
                                  "experiment:\n"
                                  "  name: demo\n"
                                  "  replications: 200\n"
                                  "  seed: 20261127\n"
                                  "  verbose: false\n"
                                  "  periods: 40\n"
                                  "economy:\n"
                                  "  systemic_loading: 0.3\n"
                                  "  cycle_ar1: 0.8\n"
                                  "  distribution: beta\n"
                                  "  shock:\n"
                                  "    rate: 0.05\n"
                                  "  max_loss: 1000000\n"
                                  "a:\n"
                                  "  x: 0\n"
                                  "  y: 0\n"
                                  "output:\n"
                                  "  variables: [pd, debt]\n";

/* Field i of two configurations holds the same value (bytes past a string's
 * end or a list's last item do not count). */
static bool same_field(size_t i, const tcfg *c1, const tcfg *c2)
{
    const char *a = (const char *)c1 + fields[i].offset;
    const char *b = (const char *)c2 + fields[i].offset;
    const cr_strlist *la = (const cr_strlist *)a, *lb = (const cr_strlist *)b;
    switch (fields[i].type) {
    case CR_FT_BOOL:
        return memcmp(a, b, sizeof(bool)) == 0;
    case CR_FT_INT:
    case CR_FT_UINT64:
    case CR_FT_DOUBLE:
        return memcmp(a, b, 8) == 0;
    case CR_FT_ENUM:
        return memcmp(a, b, sizeof(int)) == 0;
    case CR_FT_STRING:
        return strcmp(a, b) == 0;
    case CR_FT_STRLIST:
        if (la->n != lb->n)
            return false;
        for (int k = 0; k < la->n; k++)
            if (strcmp(la->item[k], lb->item[k]) != 0)
                return false;
        return true;
    case CR_FT_TABLE: /* none in this schema: see test_table_to_yaml */
        break;
    }
    return false;
}

/* to_yaml, then read back into fresh defaults: every field identical. */
static void round_trip(const tcfg *c)
{
    char *text = NULL;
    CR_REQUIRE(cr_config_to_yaml(&schema, c, &text) == CR_OK && text);
    static tcfg back;
    memset(&back, 0x5a, sizeof back);
    cr_status st = load(text); /* into the global cfg */
    CR_CHECK_MSG(st == CR_OK, "%s\n%s", diag.msg, text);
    memcpy(&back, &cfg, sizeof back);
    for (size_t i = 0; i < NF; i++)
        CR_CHECK_MSG(same_field(i, c, &back), "%s differs:\n%s", fields[i].path, text);
    free(text);
}

static void test_to_yaml(void)
{
    CR_REQUIRE(cr_config_defaults(&schema, &cfg, origins, &diag) == CR_OK);
    char *text = NULL;
    CR_REQUIRE(cr_config_to_yaml(&schema, &cfg, &text) == CR_OK);
    CR_CHECK_MSG(strcmp(text, default_yaml) == 0, "%s", text);
    free(text);

    static tcfg c;
    CR_REQUIRE(cr_config_defaults(&schema, &c, origins, &diag) == CR_OK);
    round_trip(&c);

    const char *names[] = {"yes",       "0.3",        "",       "a: b # c",  "say \"hi\"\\",
                           "tab\there", "line\nnext", "- dash", " lead",     "trail ",
                           "ünïcode",   "Null",       "[x, y]", "/abs/path", "x,y"};
    double xs[] = {0.1, 1.0 / 3, -0.0, 1e-300, 5e-324, 0.30000000000000004, -1, 0.7071067811865476};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        CR_REQUIRE(cr_config_defaults(&schema, &c, origins, &diag) == CR_OK);
        snprintf(c.experiment.name, sizeof c.experiment.name, "%s", names[k]);
        c.experiment.replications = INT64_MAX - (int64_t)k;
        c.experiment.seed = UINT64_MAX - k;
        c.experiment.verbose = k % 2;
        c.economy.distribution = (int)(k % 2);
        c.a.x = xs[k % 8];
        c.a.y = -xs[(k + 3) % 8] / 2;
        c.economy.systemic_loading = xs[(k + 1) % 8] > 0 ? xs[(k + 1) % 8] : 0;
        c.economy.max_loss = -1e300 / (double)(k + 1);
        c.output.variables.n = 3;
        snprintf(c.output.variables.item[0], CR_STRLIST_ITEM_MAX, "%s", names[k]);
        snprintf(c.output.variables.item[1], CR_STRLIST_ITEM_MAX, "%s",
                 names[(k + 1) % (sizeof names / sizeof names[0])]);
        snprintf(c.output.variables.item[2], CR_STRLIST_ITEM_MAX, "plain");
        round_trip(&c);
    }
    CR_REQUIRE(cr_config_defaults(&schema, &c, origins, &diag) == CR_OK);
    c.output.variables.n = 0;
    round_trip(&c);
}

/* ------------------------------------------------------------------ tables (CR_FT_TABLE) */

static const char *const holders[] = {"bank", "mutual_fund", "guarantor", "reguarantor", NULL};
static const char *const kinds[] = {"first_loss", "pro_rata", "counter", NULL};

typedef struct {
    int holder, type;
    double cap, share;
    int of;
    char note[CR_CONFIG_STR_MAX];
    int64_t rank;
    uint64_t id;
    bool active;
} layer;

#define WF_MAX 3

typedef struct {
    struct {
        double rate;
        struct {
            int n;
            layer item[WF_MAX];
        } waterfall;
        int64_t rounds;
    } alliance;
    struct { /* the count after the items */
        layer item[2];
        int n;
    } pairs;
    struct {
        int n;
        layer item[2];
    } fixed;
} acfg;

/* holder and type are required; every type of record key */
static const cr_field layer_fields[] = {
    {"holder", CR_FT_ENUM, offsetof(layer, holder), NULL, 0, 0, 0, holders, "", "holder", NULL},
    {"type", CR_FT_ENUM, offsetof(layer, type), NULL, 0, 0, 0, kinds, "", "kind", NULL},
    {"cap", CR_FT_DOUBLE, offsetof(layer, cap), "0", CR_RANGE_MIN, 0, 0, NULL, "1", "cap", NULL},
    {"share", CR_FT_DOUBLE, offsetof(layer, share), "0", CR_RANGE_MIN | CR_RANGE_MAX, 0, 1, NULL,
     "1", "share", NULL},
    {"of", CR_FT_ENUM, offsetof(layer, of), "bank", 0, 0, 0, holders, "", "of", NULL},
    {"note", CR_FT_STRING, offsetof(layer, note), "\"\"", 0, 0, 0, NULL, "", "note", NULL},
    {"rank", CR_FT_INT, offsetof(layer, rank), "1", CR_RANGE_MIN, 1, 0, NULL, "", "rank", NULL},
    {"id", CR_FT_UINT64, offsetof(layer, id), "7", 0, 0, 0, NULL, "", "id", NULL},
    {"active", CR_FT_BOOL, offsetof(layer, active), "true", 0, 0, 0, NULL, "", "active", NULL},
};
#define NL (sizeof layer_fields / sizeof layer_fields[0])

typedef struct {
    int n;
    layer item[WF_MAX];
} wf_table;
typedef struct {
    layer item[2];
    int n;
} pairs_table;

static const cr_table_desc wf_desc = {
    layer_fields, NL,   sizeof(layer), offsetof(wf_table, n), offsetof(wf_table, item),
    WF_MAX,       NULL, NULL};
static const cr_table_desc pairs_desc = {
    layer_fields, NL,  sizeof(layer), offsetof(pairs_table, n), offsetof(pairs_table, item), 2,
    NULL,         NULL};
static const cr_table_desc fixed_desc = {
    layer_fields, NL,  sizeof(layer), offsetof(wf_table, n), offsetof(wf_table, item), 2,
    NULL,         NULL};

static const cr_field afields[] = {
    {"alliance.rate", CR_FT_DOUBLE, offsetof(acfg, alliance.rate), "0.1", CR_RANGE_MIN, 0, 0, NULL,
     "1", "rate", NULL},
    {"alliance.waterfall", CR_FT_TABLE, offsetof(acfg, alliance.waterfall), "[]", 0, 0, 0, NULL, "",
     "loss waterfall", &wf_desc},
    {"alliance.rounds", CR_FT_INT, offsetof(acfg, alliance.rounds), "2", 0, 0, 0, NULL, "",
     "rounds", NULL},
    {"pairs", CR_FT_TABLE, offsetof(acfg, pairs), NULL, 0, 0, 0, NULL, "", "pairs", &pairs_desc},
    {"fixed", CR_FT_TABLE, offsetof(acfg, fixed),
     "[{holder: guarantor, type: pro_rata, share: 0.8}]", 0, 0, 0, NULL, "", "fixed", &fixed_desc},
};
#define NAF (sizeof afields / sizeof afields[0])

/* A cross-item check: a counter layer reimburses the holder of an earlier layer. */
static cr_status check_counters(const cr_schema *s, const void *vc, const cr_origin *o,
                                const char *file, cr_diag *d)
{
    const acfg *c = vc;
    for (int k = 0; k < c->alliance.waterfall.n; k++) {
        const layer *l = &c->alliance.waterfall.item[k];
        bool found = false;
        for (int m = 0; m < k; m++)
            found = found || c->alliance.waterfall.item[m].holder == l->of;
        if (l->type == 2 && !found)
            return cr_config_error_item(s, o, file, "alliance.waterfall", k, "of", d,
                                        "'%s' is not the holder of an earlier layer",
                                        holders[l->of]);
    }
    return CR_OK;
}

static const cr_schema aschema = {afields, NAF, check_counters};

static acfg ac;
static cr_origin aorig[NAF]; /* zero-filled: table origins get storage in cr_config_defaults */

static cr_status aload(const char *text)
{
    cr_status st = cr_config_defaults(&aschema, &ac, aorig, &diag);
    if (st != CR_OK)
        return st;
    return cr_config_load_string(&aschema, &ac, aorig, "exp.yaml", text, strlen(text), &diag);
}

#define CHECK_AERROR(text, want)                                                                   \
    do {                                                                                           \
        cr_status st_ = aload(text);                                                               \
        CR_CHECK(st_ == CR_ECONFIG);                                                               \
        CR_CHECK_MSG(strcmp(diag.msg, want) == 0, "got \"%s\"", diag.msg);                         \
    } while (0)

#define CHECK_ASET_ERROR(assignment, want)                                                         \
    do {                                                                                           \
        cr_status st_ = cr_config_apply_set(&aschema, &ac, aorig, assignment, 1, &diag);           \
        CR_CHECK(st_ == CR_ECONFIG);                                                               \
        CR_CHECK_MSG(strcmp(diag.msg, want) == 0, "got \"%s\"", diag.msg);                         \
    } while (0)

/* validate fails with exactly `want`. */
#define CHECK_AVALIDATE(want)                                                                      \
    do {                                                                                           \
        cr_status st_ = cr_config_validate(&aschema, &ac, aorig, "exp.yaml", &diag);               \
        CR_CHECK(st_ == CR_ECONFIG);                                                               \
        CR_CHECK_MSG(strcmp(diag.msg, want) == 0, "got \"%s\"", diag.msg);                         \
    } while (0)

/* cr_config_error_item's message for item k, key `field` of the waterfall. */
static const char *item_msg(int k, const char *field)
{
    cr_config_error_item(&aschema, aorig, "exp.yaml", "alliance.waterfall", k, field, &diag, "x");
    return diag.msg;
}

static void test_table_defaults(void)
{
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    CR_CHECK(ac.alliance.rate == 0.1 && ac.alliance.rounds == 2);
    CR_CHECK(ac.alliance.waterfall.n == 0 && ac.pairs.n == 0);
    CR_REQUIRE(ac.fixed.n == 1);
    const layer *l = &ac.fixed.item[0];
    CR_CHECK(l->holder == 2 && l->type == 1 && l->share == 0.8 && l->cap == 0 && l->of == 0);
    CR_CHECK(l->note[0] == '\0' && l->rank == 1 && l->id == 7 && l->active);
    for (size_t i = 0; i < NAF; i++) {
        CR_CHECK(aorig[i].kind == CR_ORIGIN_DEFAULT);
        CR_CHECK((aorig[i].items != NULL) == (afields[i].type == CR_FT_TABLE));
    }
    CR_CHECK(cr_config_validate(&aschema, &ac, aorig, "exp.yaml", &diag) == CR_OK);
    CR_CHECK(cr_config_find(&aschema, "alliance.waterfall") == 1);
    CR_CHECK(cr_config_find(&aschema, "alliance.waterfall[0].share") == -1);
    /* the per-item storage is reused by the next cr_config_defaults, freed by clear */
    cr_origin *items = aorig[1].items;
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    CR_CHECK(aorig[1].items == items);
    cr_config_origins_clear(&aschema, aorig);
    CR_CHECK(aorig[1].items == NULL && aorig[3].items == NULL && aorig[4].items == NULL);
    cr_config_origins_clear(&aschema, NULL);
    /* no origins at all */
    CR_CHECK(cr_config_defaults(&aschema, &ac, NULL, &diag) == CR_OK && ac.fixed.n == 1);
    CR_CHECK(cr_config_load_string(&aschema, &ac, NULL, "exp.yaml", "fixed: []\n", 10, &diag) ==
                 CR_OK &&
             ac.fixed.n == 0);
    CR_CHECK(cr_config_validate(&aschema, &ac, NULL, "exp.yaml", &diag) == CR_OK);
}

static void test_table_bad_schema(void)
{
    static const cr_field bad_rec[] = {
        {"x", CR_FT_DOUBLE, 0, "abc", 0, 0, 0, NULL, "1", "x", NULL},
    };
    static const cr_field nested_rec[] = {
        {"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "t", &wf_desc},
    };
    static const cr_field dotted_rec[] = {
        {"a.b", CR_FT_DOUBLE, 0, "0", 0, 0, 0, NULL, "", "a.b", NULL},
    };
    static const cr_table_desc bad_d = {bad_rec,        1, sizeof(layer), 0,
                                        sizeof(double), 2, NULL,          NULL};
    static const cr_table_desc nested_d = {nested_rec,     1, sizeof(layer), 0,
                                           sizeof(double), 2, NULL,          NULL};
    static const cr_table_desc dotted_d = {dotted_rec,     1, sizeof(layer), 0,
                                           sizeof(double), 2, NULL,          NULL};
    static const cr_table_desc small_d = {layer_fields,   NL, sizeof(double), 0,
                                          sizeof(double), 2,  NULL,           NULL};
    static const cr_table_desc overlap_d = {layer_fields, NL, sizeof(layer), 8, 0, 2, NULL, NULL};
    static const cr_field f_bad[] = {
        {"t", CR_FT_TABLE, 0, "[{x: 1}]", 0, 0, 0, NULL, "", "", &bad_d}};
    static const cr_field f_nested[] = {
        {"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "", &nested_d}};
    static const cr_field f_dotted[] = {
        {"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "", &dotted_d}};
    static const cr_field f_small[] = {
        {"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "", &small_d}};
    static const cr_field f_overlap[] = {
        {"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "", &overlap_d}};
    static const cr_field f_none[] = {{"t", CR_FT_TABLE, 0, "[]", 0, 0, 0, NULL, "", "", NULL}};
    static const cr_field f_value[] = {{"t", CR_FT_TABLE, 0,
                                        "[{holder: bank, type: pro_rata, share: 2}, {type: x}]", 0,
                                        0, 0, NULL, "", "", &wf_desc}};
    static const cr_field f_missing[] = {
        {"t", CR_FT_TABLE, 0, "[{type: counter}]", 0, 0, 0, NULL, "", "", &wf_desc}};
    static const cr_field f_scalar[] = {
        {"t", CR_FT_TABLE, 0, "holder", 0, 0, 0, NULL, "", "", &wf_desc}};
    static const struct {
        const cr_field *f;
        const char *want;
    } cases[] = {
        {f_bad, "t[].x: bad default 'abc': expected a number, got 'abc'"},
        {f_nested, "t: bad table description: tables do not nest; record key 't'"},
        {f_dotted, "t: bad table description: a record key must be a plain name: 'a.b'"},
        {f_small, "t: bad table description: record_size too small for record key 'cap'"},
        {f_overlap, "t: bad table description: the count overlaps the items"},
        {f_none, "t: bad table description: no cr_table_desc"},
        {f_value, "t[1].type: bad default '[{holder: bank, type: pro_rata, share: 2}, {type: x}]': "
                  "expected one of: first_loss, pro_rata, counter; got 'x'"},
        {f_missing, "t[0].holder: bad default '[{type: counter}]': missing required key"},
        {f_scalar, "t: bad default 'holder': expected a list of mappings, got 'holder'"},
    };
    static wf_table t;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_schema s = {cases[i].f, 1, NULL};
        cr_origin o[1] = {{CR_ORIGIN_DEFAULT, 0, 0, NULL}};
        CR_CHECK(cr_config_defaults(&s, &t, o, &diag) == CR_EINVAL);
        CR_CHECK_MSG(strcmp(diag.msg, cases[i].want) == 0, "got \"%s\"", diag.msg);
        cr_config_origins_clear(&s, o);
    }
    /* a default out of its range (share: 2 above, alone) is caught by validate */
    static const cr_field f_range[] = {{"t", CR_FT_TABLE, 0,
                                        "[{holder: bank, type: pro_rata, share: 2}]", 0, 0, 0, NULL,
                                        "", "", &wf_desc}};
    cr_schema s = {f_range, 1, NULL};
    cr_origin o[1] = {{CR_ORIGIN_DEFAULT, 0, 0, NULL}};
    CR_REQUIRE(cr_config_defaults(&s, &t, o, &diag) == CR_OK);
    CR_CHECK(cr_config_validate(&s, &t, o, "exp.yaml", &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strcmp(diag.msg, "t[0].share (default): expected a number in [0, 1], got 2") == 0,
                 "%s", diag.msg);
    cr_config_origins_clear(&s, o);
}

static void test_table_load(void)
{
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    cr_status st = cr_config_load_file(&aschema, &ac, aorig, data_path("table.yaml"), &diag);
    CR_CHECK_MSG(st == CR_OK, "%s", diag.msg);
    CR_REQUIRE(st == CR_OK);
    CR_CHECK(ac.alliance.rate == 0.2 && ac.alliance.rounds == 2);
    CR_REQUIRE(ac.alliance.waterfall.n == 3);
    const layer *w = ac.alliance.waterfall.item;
    /* given keys, and each item's defaults for the others */
    CR_CHECK(w[0].holder == 1 && w[0].type == 0 && w[0].cap == 0.1 && w[0].share == 0);
    CR_CHECK(w[0].of == 0 && w[0].note[0] == '\0' && w[0].rank == 1 && w[0].id == 7 && w[0].active);
    CR_CHECK(w[1].holder == 2 && w[1].type == 1 && w[1].share == 0.7 && w[1].cap == 0);
    CR_CHECK(strcmp(w[1].note, "70% of the rest") == 0);
    CR_CHECK(w[2].holder == 3 && w[2].type == 2 && w[2].of == 2 && w[2].share == 0.5);
    CR_REQUIRE(ac.pairs.n == 1);
    CR_CHECK(ac.pairs.item[0].holder == 0 && !ac.pairs.item[0].active &&
             ac.pairs.item[0].rank == 3 && ac.pairs.item[0].id == 16);
    CR_CHECK(ac.fixed.n == 0); /* replaced by [] */
    CR_CHECK(cr_config_validate(&aschema, &ac, aorig, "table.yaml", &diag) == CR_OK);
    /* origins: each key's value; a key left out: its item's (first key) */
    CR_CHECK(aorig[1].kind == CR_ORIGIN_FILE && aorig[1].line == 4 && aorig[1].column == 3);
    CR_CHECK(strcmp(item_msg(0, "cap"), "exp.yaml:5:52: alliance.waterfall[0].cap: x") == 0);
    CR_CHECK(strcmp(item_msg(0, "share"), "exp.yaml:5:8: alliance.waterfall[0].share: x") == 0);
    CR_CHECK(strcmp(item_msg(1, "share"), "exp.yaml:6:50: alliance.waterfall[1].share: x") == 0);
    CR_CHECK(strcmp(item_msg(1, "note"), "exp.yaml:6:61: alliance.waterfall[1].note: x") == 0);
    CR_CHECK(strcmp(item_msg(2, "of"), "exp.yaml:9:11: alliance.waterfall[2].of: x") == 0);
    CR_CHECK(strcmp(item_msg(2, "share"), "exp.yaml:10:14: alliance.waterfall[2].share: x") == 0);
    CR_CHECK(strcmp(item_msg(2, NULL), "exp.yaml:7:7: alliance.waterfall[2]: x") == 0);
    /* no such key, item or table: the table's origin, then "(default)" */
    CR_CHECK(strcmp(item_msg(2, "nope"), "exp.yaml:4:3: alliance.waterfall[2].nope: x") == 0);
    CR_CHECK(strcmp(item_msg(7, "share"), "exp.yaml:4:3: alliance.waterfall[7].share: x") == 0);
    cr_config_error_item(&aschema, aorig, "exp.yaml", "nothing", 0, "share", &diag, "y %d", 2);
    CR_CHECK(strcmp(diag.msg, "nothing[0].share (default): y 2") == 0);
    cr_config_error_item(&aschema, NULL, "exp.yaml", "alliance.waterfall", 0, "share", &diag, "y");
    CR_CHECK(strcmp(diag.msg, "alliance.waterfall[0].share (default): y") == 0);

    /* a sequence replaces the default table; block mappings, aliases and merge keys */
    CR_CHECK(aload("fixed:\n  - {holder: bank, type: first_loss, cap: 0.2}\n") == CR_OK &&
             ac.fixed.n == 1 && ac.fixed.item[0].holder == 0 && ac.fixed.item[0].share == 0 &&
             ac.fixed.item[0].cap == 0.2);
    CR_CHECK(aload("fixed: []\n") == CR_OK && ac.fixed.n == 0);
    CR_CHECK(aload("alliance: {waterfall: []}\n") == CR_OK && ac.alliance.waterfall.n == 0);
    CR_CHECK(aload("base: &b {holder: guarantor, type: pro_rata}\n") == CR_ECONFIG); /* unknown */
    CR_CHECK(aload("alliance:\n  waterfall:\n  - &g {holder: guarantor, type: pro_rata, share: "
                   "0.5}\n  - {<<: *g, cap: 0.25}\n  - *g\n") == CR_OK);
    CR_CHECK(ac.alliance.waterfall.n == 3 && ac.alliance.waterfall.item[1].holder == 2 &&
             ac.alliance.waterfall.item[1].cap == 0.25 &&
             ac.alliance.waterfall.item[2].share == 0.5);
    CR_CHECK(aload("alliance:\n  waterfall:\n    - holder: bank\n      type: first_loss\n") ==
                 CR_OK &&
             ac.alliance.waterfall.n == 1);
    CR_CHECK(strcmp(item_msg(0, "cap"), "exp.yaml:3:7: alliance.waterfall[0].cap: x") == 0);
}

static void test_table_errors(void)
{
    CHECK_AERROR("alliance: {waterfall: 3}\n",
                 "exp.yaml:1:23: alliance.waterfall: expected a list of mappings, got 3");
    CHECK_AERROR("alliance:\n  waterfall: {holder: bank}\n",
                 "exp.yaml:2:3: alliance.waterfall: expected a list of mappings, got a mapping");
    CHECK_AERROR("alliance:\n  waterfall:\n",
                 "exp.yaml:2:3: alliance.waterfall: expected a list of mappings, got nothing");
    CHECK_AERROR("pairs: bank\n", "exp.yaml:1:8: pairs: expected a list of mappings, got 'bank'");
    CHECK_AERROR("alliance:\n  waterfall:\n"
                 "    - {holder: bank, type: first_loss}\n"
                 "    - {holder: bank, type: first_loss}\n"
                 "    - {holder: bank, type: first_loss}\n"
                 "    - {holder: guarantor, type: first_loss}\n",
                 "exp.yaml:6:8: alliance.waterfall: at most 3 items, got 4");
    CHECK_AERROR(
        "alliance:\n  waterfall:\n    - {holder: bank, type: first_loss}\n    - guarantor\n",
        "exp.yaml:4:7: alliance.waterfall[1]: expected a mapping (one item), got "
        "'guarantor'");
    CHECK_AERROR("alliance:\n  waterfall:\n    - [holder, bank]\n",
                 "exp.yaml:3:8: alliance.waterfall[0]: expected a mapping (one item), got a list");
    CHECK_AERROR("alliance:\n  waterfall:\n    -\n",
                 "exp.yaml:2:3: alliance.waterfall[0]: expected a mapping (one item), got nothing");
    CHECK_AERROR("alliance:\n  waterfall:\n    - {holder: bank, type: first_loss, shar: 0.5}\n",
                 "exp.yaml:3:40: alliance.waterfall[0].shar: unknown key; did you mean 'share'?");
    CHECK_AERROR("pairs: [{holder: bank, zzzzz: 1}]\n",
                 "exp.yaml:1:24: pairs[0].zzzzz: unknown key; expected one of: holder, type, cap, "
                 "share, of, note, rank, id, active");
    CHECK_AERROR("pairs: [{holder: bank, share.x: 1}]\n",
                 "exp.yaml:1:24: pairs[0].share.x: unknown key; did you mean 'share'?");
    CHECK_AERROR("pairs: [{[a]: 1}]\n", "exp.yaml:1:11: pairs[0]: expected a key name, got a list");
    CHECK_AERROR("alliance:\n  waterfall:\n"
                 "    - {holder: mutual_fund, type: first_loss, cap: 0.1}\n"
                 "    - {holder: guarantor, type: pro_rata, share: 0.7}\n"
                 "    - {type: counter, of: guarantor, share: 0.5}\n",
                 "exp.yaml:5:8: alliance.waterfall[2].holder: missing required key");
    CHECK_AERROR("pairs: [{}]\n", "exp.yaml:1:1: pairs[0].holder: missing required key");
    CHECK_AERROR(
        "alliance:\n  waterfall:\n"
        "    - {holder: mutual_fund, type: first_loss, cap: 0.1}\n"
        "    - {holder: guarantor, type: pro_rata, share: 0.7}\n"
        "    - holder: reguarantor\n"
        "      type: counter\n"
        "      share: 1.4\n",
        "exp.yaml:7:14: alliance.waterfall[2].share: expected a number in [0, 1], got 1.4");
    CHECK_AERROR("pairs: [{holder: bank, type: prorata}]\n",
                 "exp.yaml:1:30: pairs[0].type: expected one of: first_loss, pro_rata, counter; "
                 "got 'prorata'; did you mean 'pro_rata'?");
    CHECK_AERROR("pairs: [{holder: bank, type: counter, active: yes}]\n",
                 "exp.yaml:1:47: pairs[0].active: expected true or false, got 'yes'");
    CHECK_AERROR("pairs: [{holder: bank, type: counter, rank: 0}]\n",
                 "exp.yaml:1:45: pairs[0].rank: expected an integer >= 1, got 0");
    CHECK_AERROR("pairs: [{holder: bank, type: counter, id: -1}]\n",
                 "exp.yaml:1:43: pairs[0].id: expected a non-negative integer, got -1");
    CHECK_AERROR("pairs: [{holder: bank, type: counter, note: [a]}]\n",
                 "exp.yaml:1:39: pairs[0].note: expected a string, got a list");
    CHECK_AERROR("pairs: [{holder: bank, type: counter, cap: }]\n",
                 "exp.yaml:1:39: pairs[0].cap: expected a number, got nothing");
    CHECK_AERROR("pairs:\n  - {holder: bank, type: counter}\n  - {holder: bank, share: 0.1, "
                 "share: 0.2}\n",
                 "exp.yaml:3:32: pairs[1].share: duplicate key (first given at line 3)");
    /* the unknown key of an item lists the record's keys, a misspelt table the section's */
    CHECK_AERROR("alliance: {waterfal: []}\n",
                 "exp.yaml:1:12: alliance.waterfal: unknown key; did you mean 'waterfall'?");
}

static void test_table_set(void)
{
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    /* the whole table: replaced */
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig,
                                 "alliance.waterfall=[{holder: guarantor, type: pro_rata, share: "
                                 "0.8}, {holder: reguarantor, type: counter, of: guarantor}]",
                                 4, &diag) == CR_OK);
    CR_REQUIRE(ac.alliance.waterfall.n == 2);
    CR_CHECK(ac.alliance.waterfall.item[0].share == 0.8 && ac.alliance.waterfall.item[1].of == 2);
    CR_CHECK(aorig[1].kind == CR_ORIGIN_SET && aorig[1].line == 4);
    CR_CHECK(strcmp(item_msg(1, "share"), "--set alliance.waterfall[1].share: x") == 0);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "fixed=[]", 1, &diag) == CR_OK &&
             ac.fixed.n == 0);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig,
                                 "alliance={rate: 0.3, waterfall: [{holder: bank, type: "
                                 "first_loss}]}",
                                 1, &diag) == CR_OK &&
             ac.alliance.waterfall.n == 1 && ac.alliance.rate == 0.3);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig,
                                 "pairs=[{holder: bank, type: counter}, {holder: guarantor, type: "
                                 "counter, id: 9}]",
                                 1, &diag) == CR_OK &&
             ac.pairs.n == 2 && ac.pairs.item[1].id == 9);

    /* one key of one item */
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "alliance.waterfall[0].share=0.5", 6,
                                 &diag) == CR_OK);
    CR_CHECK(ac.alliance.waterfall.item[0].share == 0.5 && ac.alliance.waterfall.item[0].type == 0);
    CR_CHECK(strcmp(item_msg(0, "share"), "--set alliance.waterfall[0].share: x") == 0);
    CR_CHECK(aorig[1].items[1 + 3].kind == CR_ORIGIN_SET && aorig[1].items[1 + 3].line == 6);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "pairs[1].note=\"a, b\"", 1, &diag) ==
                 CR_OK &&
             strcmp(ac.pairs.item[1].note, "a, b") == 0);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, " pairs[1].holder = reguarantor", 1,
                                 &diag) == CR_OK &&
             ac.pairs.item[1].holder == 3);

    /* errors leave the table alone */
    CHECK_ASET_ERROR("alliance.waterfall=[{holder: guarantor, type: pro_rata, share: 1.8}]",
                     "--set alliance.waterfall=[{holder: guarantor, type: pro_rata, share: 1.8}]: "
                     "alliance.waterfall[0].share: expected a number in [0, 1], got 1.8");
    CHECK_ASET_ERROR("alliance.waterfall=[{holder: bank, type: counter}, {type: counter}]",
                     "--set alliance.waterfall=[{holder: bank, type: counter}, {type: counter}]: "
                     "alliance.waterfall[1].holder: missing required key");
    CHECK_ASET_ERROR("alliance.waterfall=[{holder: bank, holder: bank}]",
                     "--set alliance.waterfall=[{holder: bank, holder: bank}]: "
                     "alliance.waterfall[0].holder: duplicate key (first given at line 1)");
    CHECK_ASET_ERROR("pairs=[{holder: bank, type: counter}, {holder: bank, type: counter}, "
                     "{holder: bank, type: counter}]",
                     "--set pairs=[{holder: bank, type: counter}, {holder: bank, type: counter}, "
                     "{holder: bank, type: counter}]: at most 2 items, got 3");
    CHECK_ASET_ERROR("alliance.waterfall=3",
                     "--set alliance.waterfall=3: expected a list of mappings, got 3");
    CHECK_ASET_ERROR("alliance.waterfall=",
                     "--set alliance.waterfall=: expected a list of mappings, got nothing");
    CHECK_ASET_ERROR("alliance.waterfall=[1]",
                     "--set alliance.waterfall=[1]: alliance.waterfall[0]: expected a mapping (one "
                     "item), got 1");
    CHECK_ASET_ERROR("alliance.waterfall[0].share=1.5",
                     "--set alliance.waterfall[0].share=1.5: expected a number in [0, 1], got 1.5");
    CHECK_ASET_ERROR("alliance.waterfall[0].share=",
                     "--set alliance.waterfall[0].share=: expected a number, got nothing");
    CHECK_ASET_ERROR("alliance.waterfall[1].share=0.5",
                     "--set alliance.waterfall[1].share=0.5: index 1 out of range; "
                     "alliance.waterfall has 1 item");
    CHECK_ASET_ERROR("pairs[99999999999999999999].share=0.5",
                     "--set pairs[99999999999999999999].share=0.5: index 99999999999999999999 out "
                     "of range; pairs has 2 items");
    CHECK_ASET_ERROR("alliance.waterfall[0].shar=0.5",
                     "--set alliance.waterfall[0].shar=0.5: unknown key; did you mean "
                     "'alliance.waterfall[0].share'?");
    CHECK_ASET_ERROR("alliance.waterfall[0].zzzzz=1",
                     "--set alliance.waterfall[0].zzzzz=1: unknown key; expected one of: holder, "
                     "type, cap, share, of, note, rank, id, active");
    CHECK_ASET_ERROR("alliance.waterfall[x].share=1",
                     "--set alliance.waterfall[x].share=1: bad item reference; expected "
                     "alliance.waterfall[N].key (N from 0)");
    CHECK_ASET_ERROR("alliance.waterfall[-1].share=1",
                     "--set alliance.waterfall[-1].share=1: bad item reference; expected "
                     "alliance.waterfall[N].key (N from 0)");
    CHECK_ASET_ERROR("alliance.waterfall[0]={share: 1}",
                     "--set alliance.waterfall[0]={share: 1}: bad item reference; expected "
                     "alliance.waterfall[N].key (N from 0)");
    CHECK_ASET_ERROR("alliance.waterfall[0].=1",
                     "--set alliance.waterfall[0].=1: bad item reference; expected "
                     "alliance.waterfall[N].key (N from 0)");
    CHECK_ASET_ERROR("alliance.waterfal[0].share=0.5",
                     "--set alliance.waterfal[0].share=0.5: unknown key; did you mean "
                     "'alliance.waterfall'?");
    CHECK_ASET_ERROR("alliance.rate[0].share=0.5", "--set alliance.rate[0].share=0.5: unknown key");
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "alliance.waterfall[0].share=[1", 1,
                                 &diag) == CR_ECONFIG);
    CR_CHECK_MSG(strncmp(diag.msg, "--set alliance.waterfall[0].share=[1: malformed YAML: ", 53) ==
                     0,
                 "%s", diag.msg);
    CR_CHECK(ac.alliance.waterfall.n == 1 && ac.alliance.waterfall.item[0].share == 0.5);
    CR_CHECK(ac.pairs.n == 2 && ac.pairs.item[1].holder == 3);
}

static void test_table_validate(void)
{
    /* per-item checks at each key's origin */
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    CR_REQUIRE(cr_config_load_file(&aschema, &ac, aorig, data_path("table.yaml"), &diag) == CR_OK);
    ac.alliance.waterfall.item[1].share = 2;
    CHECK_AVALIDATE(
        "exp.yaml:6:50: alliance.waterfall[1].share: expected a number in [0, 1], got 2");
    ac.alliance.waterfall.item[1].share = 0.5;
    ac.alliance.waterfall.item[0].share = NAN; /* not in the file: the item's position */
    CHECK_AVALIDATE(
        "exp.yaml:5:8: alliance.waterfall[0].share: expected a finite number, got .nan");
    ac.alliance.waterfall.item[0].share = 0;
    ac.pairs.item[0].type = 5;
    CHECK_AVALIDATE("exp.yaml:12:26: pairs[0].type: expected one of: first_loss, pro_rata, "
                    "counter; got choice number 5");
    ac.pairs.item[0].type = 0;
    ac.alliance.waterfall.n = 4;
    CHECK_AVALIDATE("exp.yaml:4:3: alliance.waterfall: at most 3 items, got 4");
    ac.alliance.waterfall.n = -1;
    CHECK_AVALIDATE("exp.yaml:4:3: alliance.waterfall: expected 0 to 3 items, got -1");
    ac.alliance.waterfall.n = 3;
    CR_CHECK(cr_config_validate(&aschema, &ac, aorig, "exp.yaml", &diag) == CR_OK);

    /* the schema's cross-item check through cr_config_error_item */
    CR_CHECK(aload("alliance:\n  waterfall:\n"
                   "    - {holder: mutual_fund, type: first_loss, cap: 0.1}\n"
                   "    - {holder: guarantor, type: counter, of: reguarantor}\n") == CR_OK);
    CHECK_AVALIDATE("exp.yaml:4:46: alliance.waterfall[1].of: 'reguarantor' is not the holder of "
                    "an earlier layer");
    CR_CHECK(aload("alliance:\n  waterfall:\n"
                   "    - {holder: mutual_fund, type: first_loss, cap: 0.1}\n"
                   "    - {holder: guarantor, type: counter}\n") == CR_OK);
    CHECK_AVALIDATE("exp.yaml:4:8: alliance.waterfall[1].of: 'bank' is not the holder of an "
                    "earlier layer");
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "alliance.waterfall[1].of=mutual_fund", 2,
                                 &diag) == CR_OK);
    CR_CHECK(cr_config_validate(&aschema, &ac, aorig, "exp.yaml", &diag) == CR_OK);
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig, "alliance.waterfall[1].of=reguarantor", 2,
                                 &diag) == CR_OK);
    CHECK_AVALIDATE("--set alliance.waterfall[1].of: 'reguarantor' is not the holder of an earlier "
                    "layer");
    CR_REQUIRE(cr_config_defaults(&aschema, &ac, aorig, &diag) == CR_OK);
    cr_config_error_item(&aschema, aorig, "exp.yaml", "fixed", 0, "share", &diag, "x");
    CR_CHECK_MSG(strcmp(diag.msg, "fixed[0].share (default): x") == 0, "%s", diag.msg);
    ac.fixed.item[0].share = -1;
    CHECK_AVALIDATE("fixed[0].share (default): expected a number in [0, 1], got -1");
    ac.fixed.item[0].share = 0.8;
    CR_CHECK(cr_config_apply_set(&aschema, &ac, aorig,
                                 "alliance.waterfall=[{holder: bank, type: "
                                 "counter}]",
                                 1, &diag) == CR_OK);
    CHECK_AVALIDATE("--set alliance.waterfall[0].of: 'bank' is not the holder of an earlier layer");
    cr_config_origins_clear(&aschema, aorig);
}

static const char *table_default_yaml =
    "# resolved configuration (credere)\n"
    "alliance:\n"
    "  rate: 0.1\n"
    "  waterfall: []\n"
    "  rounds: 2\n"
    "pairs: []\n"
    "fixed:\n"
    "  - {holder: guarantor, type: pro_rata, cap: 0, share: 0.8, of: bank, note: \"\", rank: 1, "
    "id: 7, active: true}\n";

/* x and y are the same double, bit for bit (-0 is not 0). */
static bool same_bits(double x, double y)
{
    uint64_t a, b;
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &y, sizeof b);
    return a == b;
}

static bool same_layer(const layer *a, const layer *b)
{
    return a->holder == b->holder && a->type == b->type && same_bits(a->cap, b->cap) &&
           same_bits(a->share, b->share) && a->of == b->of && strcmp(a->note, b->note) == 0 &&
           a->rank == b->rank && a->id == b->id && a->active == b->active;
}

static bool same_tables(const acfg *a, const acfg *b)
{
    bool same = same_bits(a->alliance.rate, b->alliance.rate) &&
                a->alliance.rounds == b->alliance.rounds &&
                a->alliance.waterfall.n == b->alliance.waterfall.n && a->pairs.n == b->pairs.n &&
                a->fixed.n == b->fixed.n;
    for (int k = 0; same && k < a->alliance.waterfall.n; k++)
        same = same_layer(&a->alliance.waterfall.item[k], &b->alliance.waterfall.item[k]);
    for (int k = 0; same && k < a->pairs.n; k++)
        same = same_layer(&a->pairs.item[k], &b->pairs.item[k]);
    for (int k = 0; same && k < a->fixed.n; k++)
        same = same_layer(&a->fixed.item[k], &b->fixed.item[k]);
    return same;
}

static void table_round_trip(const acfg *c)
{
    char *text = NULL;
    CR_REQUIRE(cr_config_to_yaml(&aschema, c, &text) == CR_OK && text);
    cr_status st = aload(text); /* into the global ac */
    CR_CHECK_MSG(st == CR_OK, "%s\n%s", diag.msg, text);
    CR_CHECK_MSG(same_tables(c, &ac), "differs:\n%s", text);
    free(text);
}

static void test_table_to_yaml(void)
{
    static acfg c;
    CR_REQUIRE(cr_config_defaults(&aschema, &c, aorig, &diag) == CR_OK);
    char *text = NULL;
    CR_REQUIRE(cr_config_to_yaml(&aschema, &c, &text) == CR_OK);
    CR_CHECK_MSG(strcmp(text, table_default_yaml) == 0, "%s", text);
    free(text);
    table_round_trip(&c);

    CR_REQUIRE(cr_config_load_file(&aschema, &c, aorig, data_path("table.yaml"), &diag) == CR_OK);
    CR_REQUIRE(cr_config_to_yaml(&aschema, &c, &text) == CR_OK);
    CR_CHECK_STR_CONTAINS(text, "  waterfall:\n"
                                "    - {holder: mutual_fund, type: first_loss, cap: 0.1, share: 0, "
                                "of: bank, note: \"\", rank: 1, id: 7, active: true}\n"
                                "    - {holder: guarantor, type: pro_rata, cap: 0, share: 0.7, of: "
                                "bank, note: \"70% of the rest\", rank: 1, id: 7, active: true}\n");
    CR_CHECK_STR_CONTAINS(text, "  rounds: 2\npairs:\n  - {holder: bank, type: first_loss, cap: "
                                "0, share: 0, of: bank, note: \"\", rank: 3, id: 16, active: "
                                "false}\nfixed: []\n");
    free(text);
    table_round_trip(&c);

    const char *notes[] = {"yes",       "0.3",        "",       "a: b # c", "say \"hi\"\\",
                           "tab\there", "line\nnext", "- dash", "{x, y}",   "trail ",
                           "ünïcode",   "Null",       "[x, y]", "a,b",      "}"};
    double xs[] = {0.1, 1.0 / 3, -0.0, 1e-300, 5e-324, 0.30000000000000004, 1, 0.7071067811865476};
    for (int k = 0; k < 15; k++) {
        CR_REQUIRE(cr_config_defaults(&aschema, &c, aorig, &diag) == CR_OK);
        c.alliance.waterfall.n = k % 4;
        c.pairs.n = k % 3;
        c.fixed.n = 2;
        for (int i = 0; i < WF_MAX; i++) {
            layer *l = i < 2 ? &c.fixed.item[i] : &c.alliance.waterfall.item[i];
            layer *ls[] = {&c.alliance.waterfall.item[i], l, i < 2 ? &c.pairs.item[i] : l};
            for (int m = 0; m < 3; m++) {
                layer *x = ls[m];
                x->holder = (k + i + m) % 4;
                x->type = (k + m) % 3;
                x->of = (k + 2 * i) % 4;
                x->cap = 1e300 / (double)(k + 1);
                x->share = xs[(k + i + m) % 8];
                snprintf(x->note, sizeof x->note, "%s", notes[(k + i + m) % 15]);
                x->rank = INT64_MAX - k;
                x->id = UINT64_MAX - (uint64_t)(i + m);
                x->active = (k + i) % 2;
            }
        }
        table_round_trip(&c);
    }
    cr_config_origins_clear(&aschema, aorig);
}

int main(void)
{
    CR_RUN(test_suggest);
    CR_RUN(test_defaults);
    CR_RUN(test_bad_default);
    CR_RUN(test_load_file);
    CR_RUN(test_file_errors);
    CR_RUN(test_document_errors);
    CR_RUN(test_unknown_keys);
    CR_RUN(test_wrong_types);
    CR_RUN(test_numbers);
    CR_RUN(test_ranges);
    CR_RUN(test_sizes);
    CR_RUN(test_lists_and_aliases);
    CR_RUN(test_apply_set);
    CR_RUN(test_validate);
    CR_RUN(test_to_yaml);
    CR_RUN(test_table_defaults);
    CR_RUN(test_table_bad_schema);
    CR_RUN(test_table_load);
    CR_RUN(test_table_errors);
    CR_RUN(test_table_set);
    CR_RUN(test_table_validate);
    CR_RUN(test_table_to_yaml);
    return cr_test_report();
}
