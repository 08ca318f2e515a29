/*
 * main.c - the one test runner: every suite registered with PCT_TEST() is
 * handed to CUnit's basic interface.  CUnit 2.1-3's CU_basic_run_tests()
 * returns 0 even when tests fail, so the verdict is read from the failure
 * counters before the registry is cleaned up.
 *
 * Usage: runner [SUITE...]   (no argument: every suite)
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "finding.h"
#include "pctest.h"
#include "util.h"

static struct pct_test *tests_head, *tests_tail;

void pct_register(struct pct_test *t)
{
	t->next = NULL;
	if (tests_tail)
		tests_tail->next = t;
	else
		tests_head = t;
	tests_tail = t;
}

const char *pct_srcdir(void)
{
	const char *s = getenv("PLUGCHECK_SRCDIR");
	return s && *s ? s : ".";
}

const char *pct_path(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, PATH_MAX, "%s/%s", pct_srcdir(), rel);
	return b;
}

char *pct_tmpdir(const char *tag)
{
	static int seq;
	char *base = pc_xasprintf("%s/tests/tmp", pct_srcdir());
	char *dir = pc_xasprintf("%s/%s-%d-%d", base, tag, (int)getpid(), seq++);
	char *cmd;

	mkdir(base, 0755);
	cmd = pc_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not clean %s\n", dir);
	free(cmd);
	if (mkdir(dir, 0755) && errno != EEXIST)
		fprintf(stderr, "warning: mkdir %s: %s\n", dir, strerror(errno));
	free(base);
	return dir;
}

static void drain(int fd, struct pc_strbuf *sb, bool *open_)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0)
		pc_strbuf_add(sb, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		*open_ = false;
}

int pct_run_cli_env(const char *const *argv, const char *const *env,
		    char **out, char **errout)
{
	int po[2], pe[2], status = 0;
	pid_t pid;
	struct pc_strbuf so = PC_STRBUF_INIT, se = PC_STRBUF_INIT;
	bool oo = true, eo = true;
	time_t start = time(NULL);
	bool killed = false;

	if (pipe(po) || pipe(pe))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *bin = pc_xasprintf("%s/plugcheck", pct_srcdir());
		size_t n = 0;
		const char **args;

		while (argv[n])
			n++;
		args = calloc(n + 1, sizeof(*args));
		args[0] = bin;
		for (size_t i = 1; i < n; i++)
			args[i] = argv[i];
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		/* hermetic: never read the user's plugin path or cache */
		unsetenv("PLUGCHECK_PLUGIN_PATH");
		setenv("NO_COLOR", "1", 1);
		setenv("XDG_CACHE_HOME", pc_xasprintf("%s/tests/tmp/xdg-cache",
						      pct_srcdir()), 1);
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)(uintptr_t)env[i]);
		/* make valgrind: the CLI runs under valgrind; an error makes
		 * the exit status 99 and so fails the test */
		if (getenv("PCT_VALGRIND")) {
			const char **vargs = calloc(n + 8, sizeof(*vargs));
			size_t k = 0;

			vargs[k++] = "valgrind";
			vargs[k++] = "-q";
			vargs[k++] = "--error-exitcode=99";
			vargs[k++] = "--leak-check=full";
			vargs[k++] = "--errors-for-leak-kinds=definite,indirect";
			/* scanner children run plugins' code: their faults
			 * are the plugins', reported by plugcheck itself */
			vargs[k++] = "--child-silent-after-fork=yes";
			for (size_t i = 0; i < n; i++)
				vargs[k++] = args[i];
			execvp("valgrind", (char *const *)(uintptr_t)vargs);
			_exit(127);
		}
		execv(bin, (char *const *)(uintptr_t)args);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	while (oo || eo) {
		struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		int r = poll(fds, 2, 1000);

		if (r > 0) {
			if (oo && (fds[0].revents & (POLLIN | POLLHUP)))
				drain(po[0], &so, &oo);
			if (eo && (fds[1].revents & (POLLIN | POLLHUP)))
				drain(pe[0], &se, &eo);
		}
		if (!killed && time(NULL) - start > 60) {
			kill(pid, SIGKILL);
			killed = true;
		}
	}
	close(po[0]);
	close(pe[0]);
	waitpid(pid, &status, 0);
	if (out)
		*out = pc_strbuf_detach(&so);
	else
		pc_strbuf_release(&so);
	if (errout)
		*errout = pc_strbuf_detach(&se);
	else
		pc_strbuf_release(&se);
	if (killed || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int pct_run_cli(const char *const *argv, char **out, char **errout)
{
	return pct_run_cli_env(argv, NULL, out, errout);
}

void pct_assert_str_eq(const char *a, const char *e, const char *what,
		       const char *file, int line)
{
	bool ok = a && e && !strcmp(a, e);

	if (!ok)
		fprintf(stderr, "\n  %s:%d: %s: expected \"%s\", got \"%s\"\n", file,
			line, what, e ? e : "(null)", a ? a : "(null)");
	CU_assertImplementation(ok, (unsigned)line, "string mismatch", file, "",
				CU_FALSE);
}

void pct_assert_int_eq(long long a, long long e, const char *what,
		       const char *file, int line)
{
	if (a != e)
		fprintf(stderr, "\n  %s:%d: %s: expected %lld, got %lld\n", file,
			line, what, e, a);
	CU_assertImplementation(a == e, (unsigned)line, "integer mismatch", file,
				"", CU_FALSE);
}

size_t pct_count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; *needle && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

void pct_assert_contains(const char *h, const char *n, bool want,
			 const char *file, int line)
{
	bool found = h && n && strstr(h, n);

	if (found != want)
		fprintf(stderr, "\n  %s:%d: expected%s to find \"%s\" in:\n%s\n", file,
			line, want ? "" : " not", n ? n : "(null)", h ? h : "(null)");
	CU_assertImplementation(found == want, (unsigned)line,
				want ? "substring not found" : "unexpected substring",
				file, "", CU_FALSE);
}

int pct_plugcheck(char **out, const char *first, ...)
{
	const char *argv[48];
	va_list ap;
	int n = 1, rc;
	char *o = NULL, *err = NULL;

	argv[0] = "plugcheck";
	argv[n++] = first;
	va_start(ap, first);
	while (n < 47 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = pct_run_cli(argv, &o, &err);
	if (out)
		*out = pc_xasprintf("%s%s", o ? o : "", err ? err : "");
	free(o);
	free(err);
	return rc;
}

char *pct_machines_without(const char *tag, const char *pattern)
{
	char *dir = pct_tmpdir(tag);
	char *cmd = pc_xasprintf("cp -r '%s'/. '%s'/ && grep -rlF -- '%s' '%s'/compat | "
				 "xargs sed -i '/%s/d'",
				 pct_path("machines"), dir, pattern, dir, pattern);

	CU_ASSERT_EQUAL(system(cmd), 0);
	free(cmd);
	return dir;
}

static bool wanted(const char *suite, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], suite))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned failures, suite_failures;
	struct timespec t0, t1;
	int ran = 0;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "runner: cannot initialise CUnit\n");
		return 2;
	}
	for (struct pct_test *t = tests_head; t; t = t->next) {
		CU_pSuite s;

		if (!wanted(t->suite, argc, argv))
			continue;
		s = CU_get_suite(t->suite);
		if (!s)
			s = CU_add_suite(t->suite, NULL, NULL);
		if (!s || !CU_add_test(s, t->name, t->fn)) {
			fprintf(stderr, "runner: cannot register %s/%s\n",
				t->suite, t->name);
			CU_cleanup_registry();
			return 2;
		}
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "runner: no test matched\n");
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_basic_run_tests();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	failures = CU_get_number_of_failures();
	suite_failures = CU_get_number_of_suites_failed();
	/* CUnit's "Elapsed time" is this process's CPU time (clock()), which
	 * leaves out the plugcheck runs and scanner children the tests
	 * start: say how long the run really took */
	printf("runner: %u tests run in %.1f s (wall clock)\n",
	       CU_get_number_of_tests_run(),
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	CU_cleanup_registry();
	return (failures || suite_failures) ? 1 : 0;
}

void pct_dump_report(const struct pc_report *r)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (size_t i = 0; i < r->n; i++)
		pc_finding_format(&r->items[i], &sb);
	fprintf(stderr, "\n  report (%zu findings):\n%s", r->n, sb.buf);
	pc_strbuf_release(&sb);
}
