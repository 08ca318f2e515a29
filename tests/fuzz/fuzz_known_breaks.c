/*
 * fuzz_known_breaks.c - the known-breaks reader (known-breaks.c).
 */
#include "known-breaks.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_known_breaks kb;
	struct pc_err e = { 0 };

	if (!pc_known_breaks_load(fuzz_file("known-breaks", data, size), &kb, &e))
		pc_known_breaks_release(&kb);
	return 0;
}
