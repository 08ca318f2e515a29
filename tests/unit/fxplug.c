/*
 * fxplug.c - scratch plugin directories for the tests (fxplug.h).
 */
#include "fxplug.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pctest.h"
#include "util.h"

int fx_copy(const char *from, const char *to)
{
	struct pc_err e = { 0 };
	char *buf;
	size_t len;
	int r;

	if (pc_read_file(from, 1u << 26, &buf, &len, &e)) {
		fprintf(stderr, "\n  fx_copy: %s\n", e.msg);
		return -1;
	}
	r = pc_write_file_atomic(to, buf, len, &e);
	if (r)
		fprintf(stderr, "\n  fx_copy: %s\n", e.msg);
	else
		chmod(to, 0755);
	free(buf);
	return r;
}

const char *fx_so(const char *name)
{
	static char buf[PATH_MAX];

	if (!strncmp(name, "plugins/", 8))
		snprintf(buf, sizeof(buf), "%s/%s/%s.so", pct_srcdir(), name,
			 name + 8);
	else
		snprintf(buf, sizeof(buf), "%s/tests/fixtures/plugins/%s/%s.so",
			 pct_srcdir(), name, name);
	return buf;
}

char *fx_dir(const char *tag, const char *const *names)
{
	char *dir = pct_tmpdir(tag);

	chmod(dir, 0755);
	for (size_t i = 0; names && names[i]; i++) {
		const char *base = strrchr(names[i], '/');
		char *to = pc_xasprintf("%s/%s.so", dir, base ? base + 1 : names[i]);

		if (fx_copy(fx_so(names[i]), to))
			CU_FAIL("cannot copy a fixture plugin (make check builds them)");
		free(to);
	}
	return dir;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **fx_shipped(size_t *n)
{
	char *pdir = pc_xasprintf("%s/plugins", pct_srcdir());
	DIR *d = opendir(pdir);
	struct dirent *de;
	char **v = NULL;
	size_t alloc = 0;

	*n = 0;
	while (d && (de = readdir(d)) != NULL) {
		char *so;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		so = pc_xasprintf("%s/%s/%s.so", pdir, de->d_name, de->d_name);
		if (stat(so, &st)) {
			free(so);
			continue;
		}
		PC_ALLOC_GROW(v, *n + 1, alloc);
		v[(*n)++] = so;
	}
	if (d)
		closedir(d);
	free(pdir);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}
