/*
 * fuzz_util.h - the implementation of fuzz.h, included once by every
 * target (each target is its own program, so there is no second copy to
 * clash with; a header keeps the build rule one source per target).
 */
#ifndef PC_FUZZ_UTIL_H
#define PC_FUZZ_UTIL_H

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util.h"

static char fuzz__dir[PATH_MAX];

static void fuzz__cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (fuzz__dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz__dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz: could not remove %s\n", fuzz__dir);
	}
}

const char *fuzz_dir(void)
{
	if (!fuzz__dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(fuzz__dir, sizeof(fuzz__dir), "%s/plugcheck-fuzz.XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(fuzz__dir)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz__cleanup);
	}
	return fuzz__dir;
}

const char *fuzz_file(const char *name, const void *data, size_t size)
{
	static char *path;
	const char *p = data;
	int fd;

	free(path);
	path = pc_xasprintf("%s/%s", fuzz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(path);
		abort();
	}
	while (size) {
		ssize_t w = write(fd, p, size);

		if (w <= 0) {
			perror(path);
			abort();
		}
		p += w;
		size -= (size_t)w;
	}
	close(fd);
	return path;
}

#endif /* PC_FUZZ_UTIL_H */
