/*
 * test_bounds.c - resolution is bounded: a description that fans out
 * beyond a section's field bound is refused once when the registry links
 * the descriptions (naming it), a section whose arrays multiply beyond
 * the byte bound is refused when it is resolved (naming the type and the
 * plugin), a VM is bounded in all, and --max-layout-fields raises the
 * bounds for one run; declarations just inside them are accepted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fxside.h"
#include "machine.h"
#include "model.h"
#include "pctest.h"
#include "resolve.h"

/* 'ways' struct fields a level, 'levels' levels, as one fx plugin */
static char *fanout_decl(int ways, int levels)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_strbuf_addstr(&sb, "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n");
	for (int i = 0; i < levels; i++) {
		pc_strbuf_addf(&sb, "vmsd f%d version=1 min=1\n", i);
		for (int k = 0; k < ways; k++)
			if (i + 1 < levels)
				pc_strbuf_addf(&sb, "  field s%d struct struct=f%d\n", k, i + 1);
			else
				pc_strbuf_addf(&sb, "  field x%d u8\n", k);
		pc_strbuf_addstr(&sb, "end\n");
	}
	pc_strbuf_addstr(&sb, "type fan parent=device section=f0\nend\n");
	return pc_strbuf_detach(&sb);
}

/* build and resolve the fx side's VM on fx-1.0; 0 or -1 with err */
static int resolve_decl(const char *decl, struct pc_err *err)
{
	struct pc_side s;
	struct pc_vm vm;
	int rc = fx_side_init(&s, "tree", decl, NULL, 2, err);

	if (!rc) {
		const struct pc_machine *m = pc_machine_find(s.machines, "fx-1.0");

		rc = pc_vm_build(&s, m, 1, &vm, err);
		if (!rc) {
			rc = pc_vm_resolve(&vm, err);
			pc_vm_release(&vm);
		}
	}
	pc_side_release(&s);
	return rc;
}

PCT_TEST("bounds", fanout_refused_once_at_link)
{
	char *ok = fanout_decl(4, 8), *big = fanout_decl(4, 10);
	struct pc_err err = { 0 };

	/* 4^8 leaves: 87,380 fields, inside the default bound */
	PCT_ASSERT_INT_EQ(resolve_decl(ok, &err), 0);
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(resolve_decl(big, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg, "description 'f0' expands to 1398100 fields");
	PCT_ASSERT_CONTAINS(err.msg, "at most 100000; --max-layout-fields raises the bound");
	PCT_ASSERT_INT_EQ(err.code, PC_E_LIMIT);
	pc_err_clear(&err);
	/* raised for one run, then back */
	pc_resolve_set_field_limit(2000000);
	PCT_ASSERT_INT_EQ(resolve_decl(big, &err), 0);
	pc_resolve_set_field_limit(0);
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(resolve_decl(big, &err), -1);
	free(ok);
	free(big);
}

PCT_TEST("bounds", section_bytes_refused_at_resolution)
{
	static const char head[] = "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n";
	char *huge = pc_xasprintf("%svmsd big version=1 min=1\n  field buf buffer size=1048576 count=2048\nend\n"
				  "type bigdev parent=device section=big\nend\n", head);
	char *fine = pc_xasprintf("%svmsd big version=1 min=1\n  field buf buffer size=1048576 count=64\nend\n"
				  "type bigdev parent=device section=big\nend\n", head);
	struct pc_err err = { 0 };
	struct pc_resolve_limits l;

	pc_resolve_limits(&l);
	PCT_ASSERT_INT_EQ(l.section_bytes, 1ULL << 30);
	PCT_ASSERT_INT_EQ(l.vm_fields, 4000000);
	PCT_ASSERT_INT_EQ(resolve_decl(fine, &err), 0);
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(resolve_decl(huge, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg, "bigdev: description 'big': the section of type 'bigdev' (plugin <tree>) can put 2147483648 bytes on the wire, more than 1073741824");
	free(huge);
	free(fine);
}

PCT_TEST("bounds", option_raises_and_rejects)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--max-layout-fields", "0", "--machine", "pc-5.1", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--max-layout-fields: expected a positive number, found '0'");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--max-layout-fields", "500000", "-q", "--machine",
			     "pc-5.1", NULL), 0);
	free(out);
}
