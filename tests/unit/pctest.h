/*
 * pctest.h - the test registry: each test file registers its suites with
 * PCT_SUITE() / PCT_TEST() (constructors add them to one list), and the
 * single runner (main.c) hands them to CUnit.  Assertions print expected
 * and actual values.
 */
#ifndef PCTEST_H
#define PCTEST_H

#include <CUnit/CUnit.h>
#include <stdbool.h>

struct pct_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
	struct pct_test *next;
};

void pct_register(struct pct_test *t);

#define PCT_TEST(suite_name, test_name)                                      \
	static void test_##test_name(void);                                  \
	static struct pct_test pct__t_##test_name = {                        \
		suite_name, #test_name, test_##test_name, 0 };               \
	__attribute__((constructor)) static void pct__reg_##test_name(void)  \
	{                                                                    \
		pct_register(&pct__t_##test_name);                           \
	}                                                                    \
	static void test_##test_name(void)

/* Source tree root (set by make check), and helpers for paths in it. */
const char *pct_srcdir(void);
/* "<srcdir>/<rel>" in a static rotating buffer (valid for 8 calls). */
const char *pct_path(const char *rel);
/* A fresh empty scratch directory under tests/tmp/; caller frees. */
char *pct_tmpdir(const char *tag);

/* Run the CLI: argv[0] is replaced by the built plugcheck.  Captures
 * stdout and stderr (caller frees); returns the exit status, or -1 when the
 * process was killed by a signal or timed out (30 s). */
int pct_run_cli(const char *const *argv, char **out, char **errout);
/* Same with extra environment assignments ("NAME=value", NULL-ended). */
int pct_run_cli_env(const char *const *argv, const char *const *env,
		    char **out, char **errout);

/* Assert with a message that shows both values. */
#define PCT_ASSERT_STR_EQ(actual, expected)                                  \
	do {                                                                 \
		const char *pct__a = (actual), *pct__e = (expected);        \
		if (!pct__a || !pct__e || strcmp(pct__a, pct__e)) {          \
			fprintf(stderr, "\n  %s:%d: expected \"%s\", got \"%s\"\n", \
				__FILE__, __LINE__, pct__e ? pct__e : "(null)", \
				pct__a ? pct__a : "(null)");                 \
			CU_FAIL("string mismatch");                         \
		} else {                                                     \
			CU_PASS("ok");                                       \
		}                                                            \
	} while (0)

#define PCT_ASSERT_INT_EQ(actual, expected)                                  \
	do {                                                                 \
		long long pct__a = (long long)(actual);                      \
		long long pct__e = (long long)(expected);                    \
		if (pct__a != pct__e) {                                      \
			fprintf(stderr, "\n  %s:%d: %s: expected %lld, got %lld\n", \
				__FILE__, __LINE__, #actual, pct__e, pct__a); \
			CU_FAIL(#actual " != " #expected);                  \
		} else {                                                     \
			CU_PASS("ok");                                       \
		}                                                            \
	} while (0)

#define PCT_ASSERT_CONTAINS(haystack, needle)                                \
	do {                                                                 \
		const char *pct__h = (haystack), *pct__n = (needle);        \
		if (!pct__h || !strstr(pct__h, pct__n)) {                    \
			fprintf(stderr, "\n  %s:%d: expected to find \"%s\" in:\n%s\n", \
				__FILE__, __LINE__, pct__n, pct__h ? pct__h : "(null)"); \
			CU_FAIL("substring not found");                     \
		} else {                                                     \
			CU_PASS("ok");                                       \
		}                                                            \
	} while (0)

#define PCT_ASSERT_NOT_CONTAINS(haystack, needle)                            \
	do {                                                                 \
		const char *pct__h = (haystack), *pct__n = (needle);        \
		if (pct__h && strstr(pct__h, pct__n)) {                      \
			fprintf(stderr, "\n  %s:%d: did not expect \"%s\" in:\n%s\n", \
				__FILE__, __LINE__, pct__n, pct__h);         \
			CU_FAIL("unexpected substring");                    \
		} else {                                                     \
			CU_PASS("ok");                                       \
		}                                                            \
	} while (0)

#endif /* PCTEST_H */
