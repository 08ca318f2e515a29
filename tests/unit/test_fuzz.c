/*
 * test_fuzz.c - corpus replay: every file of tests/fuzz/corpus/NAME/ is
 * fed to tests/fuzz/replay-NAME (the fuzz target built by the ordinary
 * compiler, with the sanitizers in a --enable-sanitizers build), one
 * process per file with a timeout.  A crash, an abort, a sanitizer report
 * or a hang fails the test and names the file.  Crashes the fuzzers find
 * are added to the corpus, so each stays a regression test.
 */
#include <dirent.h>
#include <errno.h>
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

#define REPLAY_TIMEOUT_S 60

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_dir(const char *dir, bool want_dirs, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t alloc = 0;

	*n = 0;
	while (d && (de = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		p = pc_xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) || S_ISDIR(st.st_mode) != want_dirs) {
			free(p);
			continue;
		}
		PC_ALLOC_GROW(v, *n + 1, alloc);
		v[(*n)++] = p;
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Run 'bin file' with a deadline; 0 on a clean exit 0. */
static int replay(const char *bin, const char *file, char *why, size_t wl)
{
	time_t start = time(NULL);
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(why, wl, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execl(bin, bin, file, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, wl, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (time(NULL) - start > REPLAY_TIMEOUT_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, wl, "hung (over %d s)", REPLAY_TIMEOUT_S);
			return -1;
		}
		usleep(2000);
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, wl, "killed by signal %d", WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status)) {
		snprintf(why, wl, "exit status %d", WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

PCT_TEST("fuzz_replay", every_corpus_file_replays_cleanly)
{
	char *root = pc_xasprintf("%s/tests/fuzz/corpus", pct_srcdir());
	size_t nd, total = 0;
	char **dirs = list_dir(root, true, &nd);

	/* every parser has a target and a seed corpus */
	CU_ASSERT(nd >= 6);
	for (size_t i = 0; i < nd; i++) {
		const char *name = strrchr(dirs[i], '/') + 1;
		char *bin = pc_xasprintf("%s/tests/fuzz/replay-%s", pct_srcdir(), name);
		size_t nf;
		char **files = list_dir(dirs[i], false, &nf);

		if (access(bin, X_OK)) {
			fprintf(stderr, "\n  %s: missing (make check builds it from tests/fuzz/fuzz_%s.c)\n",
				bin, name);
			CU_FAIL("replay binary missing");
		} else {
			if (!nf)
				fprintf(stderr, "\n  %s: empty corpus\n", dirs[i]);
			CU_ASSERT(nf > 0);
			for (size_t j = 0; j < nf; j++) {
				char why[256];

				if (replay(bin, files[j], why, sizeof(why))) {
					fprintf(stderr, "\n  replay-%s %s: %s\n", name,
						files[j], why);
					CU_FAIL("corpus file does not replay cleanly");
				}
				total++;
			}
		}
		for (size_t j = 0; j < nf; j++)
			free(files[j]);
		free(files);
		free(bin);
		free(dirs[i]);
	}
	CU_ASSERT(total >= 50);
	free(dirs);
	free(root);
}
