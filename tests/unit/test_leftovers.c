/*
 * test_leftovers.c - nothing is left behind when plugcheck is killed: the
 * scanner child of a hanging plugin dies with its parent (SIGKILL of the
 * parent included), a stale temporary of `migrate --save` from a killed
 * run is removed by the next one, and a signal during the save removes the
 * temporary of this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fxplug.h"
#include "pctest.h"
#include "util.h"

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* plugcheck with 'argv' (NULL-ended, without argv[0]) in the background */
static pid_t start(const char *const *argv, const char *env)
{
	pid_t pid = fork();

	if (pid == 0) {
		const char *a[16] = { "plugcheck" };
		char *bin = pc_xasprintf("%s/plugcheck", pct_srcdir());
		int dn = open("/dev/null", 0);

		for (size_t i = 0; argv[i] && i < 14; i++)
			a[i + 1] = argv[i];
		if (env)
			putenv((char *)(uintptr_t)env);
		dup2(dn, 1);
		dup2(dn, 2);
		execv(bin, (char *const *)(uintptr_t)a);
		_exit(127);
	}
	return pid;
}

/* the pids whose parent is 'pid' (from /proc), at most 'max' */
static size_t children_of(pid_t pid, pid_t *out, size_t max)
{
	char *cmd = pc_xasprintf("pgrep -P %ld", (long)pid);
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	long c;

	while (p && n < max && fscanf(p, "%ld", &c) == 1)
		out[n++] = (pid_t)c;
	if (p)
		pclose(p);
	free(cmd);
	return n;
}

PCT_TEST("leftovers", scanner_child_dies_with_a_killed_parent)
{
	const char *const names[] = { "fx-hang", NULL };
	char *dir = fx_dir("leftover-scan", names);
	const char *const argv[] = { "--no-cache", "--no-default-plugins", "--plugin-dir", dir,
				     "list-plugins", NULL };
	pid_t pid = start(argv, "PLUGCHECK_SCAN_TIMEOUT=60"), kids[8];
	size_t n = 0;

	/* wait for the scanner child of the hanging plugin */
	for (int i = 0; i < 500 && !n; i++) {
		nap_ms(10);
		n = children_of(pid, kids, 8);
	}
	PCT_ASSERT_INT_EQ(n > 0, 1);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (size_t k = 0; k < n; k++) {
		int gone = 0;

		for (int i = 0; i < 300 && !gone; i++) {
			gone = kill(kids[k], 0) && errno == ESRCH;
			if (!gone)
				nap_ms(10);
		}
		PCT_ASSERT_INT_EQ(gone, 1);
	}
	free(dir);
}

PCT_TEST("leftovers", stale_save_temporary_is_removed)
{
	char *dir = pct_tmpdir("leftover-save");
	char *out = pc_xasprintf("%s/stream.bin", dir), *stale, *res = NULL;
	pid_t dead = fork();
	struct stat st;

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	/* what a run killed with SIGKILL leaves: PATH.tmp.PID of a dead PID */
	stale = pc_xasprintf("%s.tmp.%ld", out, (long)dead);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(stale, "partial", 7, &(struct pc_err){ 0 }), 0);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&res, "migrate", "--machine", "pc-q35-7.2", "--smp", "1",
			     "--save", out, NULL), 0);
	free(res);
	PCT_ASSERT_INT_EQ(stat(stale, &st) != 0 && errno == ENOENT, 1);
	PCT_ASSERT_INT_EQ(stat(out, &st), 0);
	unlink(out);
	free(stale);
	free(out);
	free(dir);
}

PCT_TEST("leftovers", signal_during_save_removes_the_temporary)
{
	char *dir = pct_tmpdir("leftover-sig");
	char *out = pc_xasprintf("%s/stream.bin", dir);
	const char *const argv[] = { "migrate", "--machine", "pc-q35-7.2", "--save", out, NULL };
	int hits = 0;

	for (int attempt = 0; attempt < 20; attempt++) {
		pid_t pid = start(argv, NULL);
		char *tmp = pc_xasprintf("%s.tmp.%ld", out, (long)pid);
		struct stat st;
		int status, seen = 0;

		/* SIGTERM as soon as the temporary exists */
		for (int i = 0; i < 20000 && !seen; i++) {
			seen = !stat(tmp, &st);
			if (!seen) {
				if (waitpid(pid, &status, WNOHANG) == pid)
					break;
				nap_ms(0);
			}
		}
		if (seen) {
			kill(pid, SIGTERM);
			hits++;
		}
		waitpid(pid, &status, 0);
		/* never a temporary left, signalled or not */
		PCT_ASSERT_INT_EQ(stat(tmp, &st) != 0 && errno == ENOENT, 1);
		free(tmp);
		unlink(out);
	}
	printf("\n    SIGTERM delivered during the save in %d of 20 runs ", hits);
	free(out);
	free(dir);
}
