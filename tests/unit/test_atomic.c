/*
 * test_atomic.c - nothing the user had is lost: every file plugcheck
 * writes goes through a temporary file, fsync and rename
 * (pc_write_file_atomic).  A child process rewrites a file with a large
 * buffer and is killed with SIGKILL at varying points of the write; after
 * each kill the file must hold either the old content or the whole new
 * one, never a mix or a truncation.  A second test keeps every writer in
 * core/ on that path.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pctest.h"
#include "util.h"

#define BIG (24u << 20)

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

PCT_TEST("atomic", kill_mid_write_leaves_the_old_file_intact)
{
	static const char old[] = "the user's baseline, which must survive\n";
	char *dir = pct_tmpdir("atomic");
	char *path = pc_xasprintf("%s/5.1.json", dir);
	char *big = pc_xmalloc(BIG);
	struct pc_err e = { 0 };
	int kept_old = 0, got_new = 0;

	for (size_t i = 0; i < BIG; i++)
		big[i] = (char)('a' + i % 26);
	for (int round = 0; round < 24; round++) {
		char *buf = NULL;
		size_t len = 0;
		int status;
		pid_t pid;

		CU_ASSERT_EQUAL_FATAL(pc_write_file_atomic(path, old, strlen(old), &e), 0);
		pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			struct pc_err ce = { 0 };

			_exit(pc_write_file_atomic(path, big, BIG, &ce) ? 1 : 0);
		}
		/* from "before the first byte" to "probably after the rename" */
		sleep_us(round == 23 ? 2000000 : round * 2500L);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (pc_read_file(path, BIG * 2u, &buf, &len, &e)) {
			fprintf(stderr, "\n  round %d: %s\n", round, e.msg);
			CU_FAIL("the file is gone after a kill");
			continue;
		}
		if (len == strlen(old) && !memcmp(buf, old, len)) {
			kept_old++;
		} else if (len == BIG && !memcmp(buf, big, BIG)) {
			got_new++;
		} else {
			fprintf(stderr, "\n  round %d: the file holds %zu bytes, neither the old content nor the new\n",
				round, len);
			CU_FAIL("a kill mid-write damaged the file");
		}
		free(buf);
	}
	/* the kills did land mid-write, and a finished write did replace it */
	CU_ASSERT(kept_old > 0);
	CU_ASSERT(got_new > 0);
	if (!kept_old || !got_new)
		fprintf(stderr, "\n  kept old %d times, got new %d times\n", kept_old, got_new);
	free(big);
	free(path);
	free(dir);
}

PCT_TEST("atomic", failed_write_keeps_the_old_file)
{
	char *dir = pct_tmpdir("atomic-fail");
	char *path = pc_xasprintf("%s/machines/missing-dir/x.machine", dir);
	struct pc_err e = { 0 };

	CU_ASSERT_EQUAL(pc_write_file_atomic(path, "x", 1, &e), -1);
	PCT_ASSERT_CONTAINS(e.msg, "cannot create temporary file: No such file or directory");
	free(path);
	free(dir);
}

/* Every writer in core/ goes through pc_write_file_atomic, or writes its
 * own temporary file (O_EXCL) and renames it into place. */
PCT_TEST("atomic", every_writer_in_core_is_atomic)
{
	char *core = pc_xasprintf("%s/core", pct_srcdir());
	DIR *d = opendir(core);
	struct dirent *de;
	size_t seen = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL) {
		struct pc_err e = { 0 };
		char *path, *text;
		size_t len;

		if (!pc_str_ends_with(de->d_name, ".c") || !strcmp(de->d_name, "util.c"))
			continue;
		path = pc_xasprintf("%s/%s", core, de->d_name);
		if (pc_read_file(path, 1u << 24, &text, &len, &e)) {
			free(path);
			continue;
		}
		seen++;
		if (strstr(text, "fopen(") &&
		    (strstr(text, "\"w\")") || strstr(text, "\"wb\")") ||
		     strstr(text, "\"a\")"))) {
			fprintf(stderr, "\n  %s: fopen for writing (use pc_write_file_atomic)\n", path);
			CU_FAIL("non-atomic writer");
		}
		for (const char *p = strstr(text, "O_CREAT"); p; p = strstr(p + 1, "O_CREAT")) {
			const char *eol = strchr(p, '\n');
			char *line = pc_xstrndup(p, eol ? (size_t)(eol - p) : strlen(p));

			if (!strstr(line, "O_EXCL") || !strstr(text, "rename(")) {
				fprintf(stderr, "\n  %s: O_CREAT without a temporary file and rename\n", path);
				CU_FAIL("non-atomic writer");
			}
			free(line);
		}
		free(text);
		free(path);
	}
	closedir(d);
	CU_ASSERT(seen > 10);
	free(core);
}

/* A file replaced keeps its mode (and owner): suggest --apply on a 0640
 * compat file must not publish it 0644; a new file is 0644. */
PCT_TEST("atomic", replaced_file_keeps_its_mode)
{
	char *dir = pct_tmpdir("atomic-mode");
	char *path = pc_xasprintf("%s/hw_compat_9_9.compat", dir);
	char *fresh = pc_xasprintf("%s/new.compat", dir);
	struct pc_err err = { 0 };
	struct stat st;

	PCT_ASSERT_INT_EQ(pc_write_file_atomic(path, "a\n", 2, &err), 0);
	PCT_ASSERT_INT_EQ(chmod(path, 0640), 0);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(path, "b\n", 2, &err), 0);
	PCT_ASSERT_INT_EQ(stat(path, &st), 0);
	PCT_ASSERT_INT_EQ(st.st_mode & 07777, 0640);
	PCT_ASSERT_INT_EQ(chmod(path, 0600), 0);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(path, "c\n", 2, &err), 0);
	PCT_ASSERT_INT_EQ(stat(path, &st), 0);
	PCT_ASSERT_INT_EQ(st.st_mode & 07777, 0600);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(fresh, "n\n", 2, &err), 0);
	PCT_ASSERT_INT_EQ(stat(fresh, &st), 0);
	PCT_ASSERT_INT_EQ(st.st_mode & 07777, 0644);
	unlink(path);
	unlink(fresh);
	rmdir(dir);
	free(path);
	free(fresh);
	free(dir);
}

/* The UTF-8 check that machine files go through. */
PCT_TEST("atomic", utf8_validity)
{
	static const struct { const char *s; int bad; } cases[] = {
		{ "pc-q35-7.2", -1 }, { "caf\xc3\xa9", -1 }, { "\xe2\x82\xac", -1 },
		{ "\xf0\x9f\x98\x80", -1 }, { "t-\xff", 2 }, { "\xc0\xaf", 0 },
		{ "\xe0\x80\xaf", 0 }, { "ab\xed\xa0\x80", 2 }, { "\xf4\x90\x80\x80", 0 },
		{ "x\xc3", 1 }, { "\xe2\x82", 0 }, { "\x80", 0 },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		size_t bad = 99;
		bool ok = pc_utf8_valid(cases[i].s, strlen(cases[i].s), &bad);

		PCT_ASSERT_INT_EQ(ok, cases[i].bad < 0);
		if (!ok)
			PCT_ASSERT_INT_EQ((long long)bad, cases[i].bad);
	}
}
