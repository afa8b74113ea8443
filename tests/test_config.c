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
     "name"},
    {"experiment.replications", CR_FT_INT, offsetof(tcfg, experiment.replications), "200",
     CR_RANGE_MIN, 1, 0, NULL, "1", "replications"},
    {"experiment.seed", CR_FT_UINT64, offsetof(tcfg, experiment.seed), "20261127", 0, 0, 0, NULL,
     "1", "seed"},
    {"economy.systemic_loading", CR_FT_DOUBLE, offsetof(tcfg, economy.systemic_loading), "0.3",
     CR_RANGE_MIN | CR_RANGE_MAX, 0, 1, NULL, "1", "loading"},
    {"economy.cycle_ar1", CR_FT_DOUBLE, offsetof(tcfg, economy.cycle_ar1), "0.8",
     CR_RANGE_MIN | CR_RANGE_MAX | CR_RANGE_MAX_OPEN, 0, 1, NULL, "1", "AR(1)"},
    {"economy.distribution", CR_FT_ENUM, offsetof(tcfg, economy.distribution), "beta", 0, 0, 0,
     distributions, "", "distribution"},
    {"economy.shock.rate", CR_FT_DOUBLE, offsetof(tcfg, economy.shock.rate), "0.05",
     CR_RANGE_MIN | CR_RANGE_MIN_OPEN, 0, 0, NULL, "per year", "rate"},
    {"a.x", CR_FT_DOUBLE, offsetof(tcfg, a.x), "0", CR_RANGE_MIN | CR_RANGE_MAX, -1, 1, NULL, "1",
     "x"},
    {"a.y", CR_FT_DOUBLE, offsetof(tcfg, a.y), "0", CR_RANGE_MIN | CR_RANGE_MAX, -1, 1, NULL, "1",
     "y"},
    {"output.variables", CR_FT_STRLIST, offsetof(tcfg, output.variables), "[pd, debt]", 0, 0, 0,
     NULL, "", "variables"},
    {"experiment.verbose", CR_FT_BOOL, offsetof(tcfg, experiment.verbose), "false", 0, 0, 0, NULL,
     "", "verbose"},
    {"economy.max_loss", CR_FT_DOUBLE, offsetof(tcfg, economy.max_loss), "1e6", CR_RANGE_MAX, 0,
     1e9, NULL, "million yuan", "max loss"},
    {"experiment.periods", CR_FT_INT, offsetof(tcfg, experiment.periods), "40",
     CR_RANGE_MIN | CR_RANGE_MAX, 1, 1000, NULL, "1", "periods"},
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
        {"x", CR_FT_DOUBLE, 0, "abc", 0, 0, 0, NULL, "1", "x"},
    };
    static const cr_field out_of_range[] = {
        {"x", CR_FT_DOUBLE, 0, "5", CR_RANGE_MIN | CR_RANGE_MAX, 0, 1, NULL, "1", "x"},
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
    cr_origin o[NF] = {{CR_ORIGIN_DEFAULT, 0, 0}};
    o[3] = (cr_origin){CR_ORIGIN_FILE, 7, 5};
    CR_CHECK(cr_config_error(&schema, o, "e.yaml", "economy.systemic_loading", &diag, "bad %d",
                             1) == CR_ECONFIG);
    CR_CHECK(strcmp(diag.msg, "e.yaml:7:5: economy.systemic_loading: bad 1") == 0);
    o[3] = (cr_origin){CR_ORIGIN_SET, 2, 0};
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
    return cr_test_report();
}
