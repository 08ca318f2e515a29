/*
 * fuzz_hostcaps.c - the host capabilities reader (resolve.c).
 */
#include "fuzz_util.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_host_caps h;
	struct pc_err e = { 0 };

	if (!pc_host_caps_load(fuzz_file("host.caps", data, size), &h, &e))
		pc_host_caps_release(&h);
	return 0;
}
