/* A small test harness: CR_CHECK(...) records a failure and goes on,
 * CR_REQUIRE(...) stops the test function; main() returns the failure count.
 *
 *   static void test_x(void) { CR_CHECK(1 + 1 == 2); CR_CHECK_NEAR(a, b, 1e-12); }
 *   int main(void) { CR_RUN(test_x); return cr_test_report(); }
 */
#ifndef CR_TEST_HARNESS_H
#define CR_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int cr_test_failures = 0;
static int cr_test_checks = 0;

#define CR_CHECK(cond)                                                                             \
    do {                                                                                           \
        cr_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            cr_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CR_CHECK_MSG(cond, ...)                                                                    \
    do {                                                                                           \
        cr_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            cr_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CR_REQUIRE(cond)                                                                           \
    do {                                                                                           \
        cr_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            cr_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: requirement failed: %s\n", __FILE__, __LINE__, #cond);         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* |a - b| <= tol */
#define CR_CHECK_NEAR(a, b, tol)                                                                   \
    do {                                                                                           \
        double cr_a_ = (a), cr_b_ = (b), cr_t_ = (tol);                                            \
        cr_test_checks++;                                                                          \
        if (!(fabs(cr_a_ - cr_b_) <= cr_t_)) {                                                     \
            cr_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s = %.17g, %s = %.17g, |diff| = %.3g > %.3g\n", __FILE__,     \
                    __LINE__, #a, cr_a_, #b, cr_b_, fabs(cr_a_ - cr_b_), cr_t_);                   \
        }                                                                                          \
    } while (0)

#define CR_CHECK_STR_CONTAINS(hay, needle)                                                         \
    do {                                                                                           \
        const char *cr_h_ = (hay), *cr_n_ = (needle);                                              \
        cr_test_checks++;                                                                          \
        if (!cr_h_ || !strstr(cr_h_, cr_n_)) {                                                     \
            cr_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,         \
                    cr_h_ ? cr_h_ : "(null)", cr_n_);                                              \
        }                                                                                          \
    } while (0)

#define CR_RUN(fn)                                                                                 \
    do {                                                                                           \
        int cr_before_ = cr_test_failures;                                                         \
        fn();                                                                                      \
        fprintf(stderr, "%s %s\n", cr_test_failures == cr_before_ ? "ok  " : "FAIL", #fn);         \
    } while (0)

static inline int cr_test_report(void)
{
    fprintf(stderr, "%d checks, %d failures\n", cr_test_checks, cr_test_failures);
    return cr_test_failures ? 1 : 0;
}

#endif
