/*
 * fuzz_decl.c - the declaration language parser (decl.c) and registry
 * finalisation, fed the text a plugin's .plugcheck section would hold;
 * parsed declarations are also written back canonically and re-parsed
 * (parse(write(x)) must succeed, as baselines rely on it).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "model.h"

static struct pc_plugin *plugin_new(const char *text, size_t len)
{
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));

	p->path = pc_xstrdup("fuzz.decl");
	p->decl = pc_xstrndup(text, len);
	p->decl_len = strlen(p->decl);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *p = plugin_new((const char *)data, size);
	struct pc_strbuf out = PC_STRBUF_INIT;
	struct pc_err e = { 0 };

	if (!pc_registry_add_plugin(reg, p, "fuzz.decl", &e)) {
		struct pc_registry *again = pc_registry_new();
		struct pc_plugin *q;

		pc_decl_write_plugin(reg, p, &out);
		q = plugin_new(out.buf, out.len);
		if (pc_registry_add_plugin(again, q, "fuzz.decl", &e))
			abort(); /* the canonical form must parse */
		pc_registry_free(again);
		(void)pc_registry_finalize(reg, &e);
	}
	pc_strbuf_release(&out);
	pc_registry_free(reg);
	return 0;
}
