/*
 * fuzz_elf.c - the plugin ELF metadata reader: libelf inspection, the ABI
 * gate and the declaration header (pc_plugin_inspect), then the
 * declaration parser and registry on what passed.  No plugin code runs.
 */
#include <stdlib.h>

#include "fuzz_util.h"
#include "loader.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("plugin.so", data, size);
	struct pc_err e = { 0 };
	struct pc_plugin *p = pc_plugin_inspect(path, &e);
	struct pc_registry *reg;

	if (!p)
		return 0;
	reg = pc_registry_new();
	if (!pc_registry_add_plugin(reg, p, path, &e))
		(void)pc_registry_finalize(reg, &e);
	pc_registry_free(reg);
	return 0;
}
