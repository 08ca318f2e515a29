/*
 * fuzz_baseline.c - the release baseline reader (baseline.c): JSON,
 * embedded declarations and machine types, recorded fingerprints.
 */
#include "baseline.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_side side;
	struct pc_err e = { 0 };

	if (!pc_baseline_load(fuzz_file("9.9.json", data, size), &side, &e))
		pc_side_release(&side);
	return 0;
}
