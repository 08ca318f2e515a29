/*
 * fuzz_baseline.c - the release baseline reader (baseline.c): JSON,
 * machine types and compat arrays, the resolved index (read alone, as the
 * release matrix does, and with the declarations, as the check does).
 * The scratch directory holds the shipped declarations files, so that
 * inputs naming one get past the digest check to the index.
 */
#include "baseline.h"
#include "fuzz_util.h"

static void with_declarations(void)
{
	static int done;
	const char *top = getenv("PLUGCHECK_SRCDIR");
	char *cmd;

	if (done++)
		return;
	cmd = pc_xasprintf("cp -r '%s/abi/releases/declarations' '%s/' 2>/dev/null",
			   top && *top ? top : ".", fuzz_dir());
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: no shipped declarations (%s)\n", cmd);
	free(cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_side side;
	struct pc_bindex ix;
	struct pc_err e = { 0 };
	const char *path;

	with_declarations();
	path = fuzz_file("9.9.json", data, size);
	if (!pc_bindex_load(path, &ix, &e))
		pc_bindex_release(&ix);
	if (!pc_baseline_load(path, &side, &e))
		pc_side_release(&side);
	return 0;
}
