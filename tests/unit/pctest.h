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
#include <stddef.h>

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
/* How many times 'needle' (not empty) occurs in 'hay', not overlapping. */
size_t pct_count(const char *hay, const char *needle);

/* A fresh empty scratch directory under tests/tmp/; caller frees. */
char *pct_tmpdir(const char *tag);

/* Run the CLI: argv[0] is replaced by the built plugcheck.  Captures
 * stdout and stderr (caller frees); returns the exit status, or -1 when the
 * process was killed by a signal or timed out (30 s). */
int pct_run_cli(const char *const *argv, char **out, char **errout);
/* Same with extra environment assignments ("NAME=value", NULL-ended). */
int pct_run_cli_env(const char *const *argv, const char *const *env,
		    char **out, char **errout);

/* Run plugcheck with a NULL-terminated argument list; '*out' (when not
 * NULL) gets stdout followed by stderr.  Returns the exit status, or -1. */
int pct_plugcheck(char **out, const char *first, ...)
	__attribute__((sentinel));
/* A scratch copy of machines/ without the lines holding 'pattern' (a
 * fixed string) in its compat files; caller frees the path. */
char *pct_machines_without(const char *tag, const char *pattern);

/* Assertions that print expected and actual values (main.c). */
void pct_assert_str_eq(const char *a, const char *e, const char *what,
		       const char *file, int line);
void pct_assert_int_eq(long long a, long long e, const char *what,
		       const char *file, int line);
void pct_assert_contains(const char *h, const char *n, bool want,
			 const char *file, int line);

#define PCT_ASSERT_STR_EQ(actual, expected) \
	pct_assert_str_eq((actual), (expected), #actual, __FILE__, __LINE__)
#define PCT_ASSERT_INT_EQ(actual, expected) \
	pct_assert_int_eq((long long)(actual), (long long)(expected), #actual, \
			  __FILE__, __LINE__)
#define PCT_ASSERT_CONTAINS(haystack, needle) \
	pct_assert_contains((haystack), (needle), true, __FILE__, __LINE__)
#define PCT_ASSERT_NOT_CONTAINS(haystack, needle) \
	pct_assert_contains((haystack), (needle), false, __FILE__, __LINE__)

/* Print a report's findings to stderr (a failing test's context). */
struct pc_report;
void pct_dump_report(const struct pc_report *r);

#endif /* PCTEST_H */
