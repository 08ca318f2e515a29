/*
 * test_golden.c - user-visible output pinned by golden files
 * (tests/golden/NAME.out): a change of wording is a visible diff, reviewed
 * like code.  Regenerate with PLUGCHECK_UPDATE_GOLDEN=1 make check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pctest.h"
#include "util.h"

struct golden {
	const char *name;
	int status;
	const char *argv[16];
};

static const struct golden cases[] = {
	{ "check-pc-7.2-8.0-to-8.0.1", 1,
	  { "plugcheck", "check", "--machine", "pc-7.2", "--from", "8.0", "--to",
	    "8.0.1", NULL } },
	{ "check-pc-7.2-8.0-to-8.0.1.json", 1,
	  { "plugcheck", "--format", "json", "check", "--machine", "pc-7.2",
	    "--from", "8.0", "--to", "8.0.1", NULL } },
	{ "main-pc-5.1", 0, { "plugcheck", "-q", "--machine", "pc-5.1", NULL } },
	{ "matrix-pc-7.2", 0,
	  { "plugcheck", "-q", "check", "--machine", "pc-7.2", "--matrix", NULL } },
	{ "release-matrix", 0,
	  { "plugcheck", "check", "--release-matrix", NULL } },
	{ "suggest-pc-7.2", 0,
	  { "plugcheck", "suggest", "--machine", "pc-7.2", "--from", "8.0", "--to",
	    "8.0.1", NULL } },
	{ "props-virtio-blk-explain", 0,
	  { "plugcheck", "props", "--machine", "pc-5.1", "--smp", "4", "--explain",
	    "virtio-blk-device.num-queues", NULL } },
	{ "props-pvpanic.json", 0,
	  { "plugcheck", "--format", "json", "props", "--machine", "pc-5.1",
	    "--device", "pvpanic", NULL } },
	{ "list-machines", 0, { "plugcheck", "list-machines", NULL } },
	{ "info-pci", 0, { "plugcheck", "info", "plugins/pci/pci.so", NULL } },
	{ "lint", 0, { "plugcheck", "lint", NULL } },
	{ "unknown-machine", 2,
	  { "plugcheck", "--machine", "pc-q35-5.11", NULL } },
};

PCT_TEST("golden", outputs_match)
{
	bool update = getenv("PLUGCHECK_UPDATE_GOLDEN") != NULL;

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char *out = NULL, *err = NULL, *both, *path, *want = NULL;
		struct pc_err e = { 0 };
		size_t len;
		int rc = pct_run_cli(cases[i].argv, &out, &err);

		both = pc_xasprintf("%s%s%s", out, *err ? "--- stderr ---\n" : "", err);
		path = pc_xasprintf("%s/tests/golden/%s.out", pct_srcdir(), cases[i].name);
		if (update) {
			CU_ASSERT_EQUAL(pc_write_file_atomic(path, both, strlen(both), &e), 0);
		} else if (pc_read_file(path, 1u << 24, &want, &len, &e)) {
			fprintf(stderr, "\n  %s\n", e.msg);
			CU_FAIL("golden file missing");
		} else if (strcmp(want, both)) {
			char *tmp = pc_xasprintf("%s.actual", path);

			pc_write_file_atomic(tmp, both, strlen(both), &e);
			fprintf(stderr, "\n  %s: output differs from the golden file; diff %s %s\n",
				cases[i].name, path, tmp);
			free(tmp);
			CU_FAIL("golden mismatch");
		}
		if (rc != cases[i].status)
			fprintf(stderr, "\n  %s: ", cases[i].name);
		PCT_ASSERT_INT_EQ(rc, cases[i].status);
		free(want);
		free(path);
		free(both);
		free(out);
		free(err);
	}
}
