/*
 * test_unmigratable.c - devices that block migration (the declaration's
 * 'unmigratable', rule PC603): the statement parsed, refused when
 * malformed and written back; the default configuration leaving a
 * blocking type out and listing it; a VM that names one getting the one
 * verdict; the property-value form blocking only for its value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fxside.h"
#include "model.h"
#include "pctest.h"
#include "resolve.h"

#define HDR "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
#define VMSD "vmsd fx-dev version=1 min=1\n  field status u32\nend\n" \
	"vmsd fx-blk version=1 min=1\n  field x u8\nend\n"
#define DEV "type fx-dev parent=device section=fx-dev\n" \
	"  prop mask bool default=off\nend\n"
/* a type that always blocks, and one that blocks when mask=on */
#define BLK(extra) "type fx-blk parent=device section=fx-blk\n" \
	"  prop mask bool default=off\n" extra "end\n"

static const char decl_text[] = HDR VMSD DEV
	BLK("  unmigratable since=1.5 reason=\"no vmstate handlers\"\n"
	    "  unmigratable prop=mask value=yes\n");

PCT_TEST("unmigratable", parsed_kept_and_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(decl_text, &err);
	const struct pc_type *t;
	char *wa;

	if (!a)
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	t = pc_registry_find_type(a, "fx-blk");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	PCT_ASSERT_INT_EQ(t->n_blockers, 2);
	CU_ASSERT_PTR_NULL(t->blockers[0].prop);
	CU_ASSERT_TRUE(t->blockers[0].has_since);
	PCT_ASSERT_INT_EQ(t->blockers[0].since.v[1], 5);
	PCT_ASSERT_STR_EQ(t->blockers[0].reason, "no vmstate handlers");
	PCT_ASSERT_STR_EQ(t->blockers[1].prop, "mask");
	PCT_ASSERT_STR_EQ(t->blockers[1].value, "yes");
	PCT_ASSERT_INT_EQ(t->blockers[1].line, 17);
	PCT_ASSERT_INT_EQ(pc_registry_find_type(a, "fx-dev")->n_blockers, 0);
	wa = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(wa, "  prop mask bool default=off\n"
			    "  unmigratable since=1.5 reason=\"no vmstate handlers\"\n"
			    "  unmigratable prop=mask value=yes\nend\n");
	/* write(parse(write(x))) == write(x) */
	fx_expect_fixed_point(wa);
	free(wa);
	pc_registry_free(a);
}

PCT_TEST("unmigratable", malformed_statements_are_refused_with_their_line)
{
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable prop=mask\n"),
		       "u.decl:16: unmigratable: prop= and value= go together");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable value=on\n"),
		       "u.decl:16: unmigratable: prop= and value= go together");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable\n  unmigratable\n"),
		       "u.decl:17: second 'unmigratable' in type 'fx-blk' (first at line 16)");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable prop=mask value=on\n"
					"  unmigratable prop=mask value=on\n"),
		       "u.decl:17: second 'unmigratable prop=mask value=on'");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable since=x\n"),
		       "u.decl:16: bad version 'x' for since=");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable when=on\n"),
		       "u.decl:16:");
	fx_expect_refused(HDR VMSD DEV "unmigratable\n" BLK(""),
		       "'unmigratable' outside a type block");
	/* the property and its value are checked once the types are linked */
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable prop=mode value=on\n"),
		       "u.decl:16: unmigratable prop=mode: type 'fx-blk' has no property 'mode'");
	fx_expect_refused(HDR VMSD DEV BLK("  unmigratable prop=mask value=maybe\n"),
		       "u.decl:16: unmigratable value=maybe: invalid value 'maybe'");
}

static void make_side(struct pc_side *s, const char *label, const char *decl,
		      int release_major)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, release_major, &err))
		fprintf(stderr, "\n  make_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
	s->project = release_major < 2;
}

/* Name devices explicitly ("TYPE" with id = type). */
static void name_devices(struct pc_side *s, const char *const *types, size_t n)
{
	s->devices = pc_xcalloc(n + 1, sizeof(*s->devices));
	for (size_t i = 0; i < n; i++) {
		s->devices[i].id = pc_xstrdup(types[i]);
		s->devices[i].type = pc_xstrdup(types[i]);
	}
	s->n_devices = n;
}

static void add_ov(struct pc_side *s, const char *text)
{
	struct pc_override ov;
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_override_parse(text, false, "test", &ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
}

PCT_TEST("unmigratable", default_configuration_leaves_a_blocking_type_out)
{
	struct pc_side a, b;
	struct pc_vm vm;
	struct pc_report r;
	struct pc_err err = { 0 };

	make_side(&a, "A", decl_text, 2);
	CU_ASSERT_PTR_NOT_NULL(pc_side_type_blocker(&a, pc_registry_find_type(a.reg, "fx-blk")));
	CU_ASSERT_PTR_NULL(pc_side_type_blocker(&a, pc_registry_find_type(a.reg, "fx-dev")));
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&a, pc_machine_find(a.machines, "fx-1.0"),
					  1, &vm, &err), 0);
	CU_ASSERT_PTR_NULL(pc_vm_find_object(&vm, "fx-blk"));
	CU_ASSERT_PTR_NOT_NULL(pc_vm_find_object(&vm, "fx-dev"));
	pc_vm_release(&vm);
	/* the same tree on both sides: nothing to say about the left-out
	 * type, and no finding */
	make_side(&b, "B", decl_text, 2);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("unmigratable", a_release_before_since_does_not_block)
{
	struct pc_side rel;
	struct pc_vm vm;
	struct pc_err err = { 0 };

	/* reconstructed as release 1.0: the type-level blocker is 1.5's */
	make_side(&rel, "1.0", decl_text, 1);
	CU_ASSERT_PTR_NULL(pc_side_type_blocker(&rel, pc_registry_find_type(rel.reg, "fx-blk")));
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&rel, pc_machine_find(rel.machines, "fx-1.0"),
					  1, &vm, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_vm_find_object(&vm, "fx-blk"));
	pc_vm_release(&vm);
	pc_side_release(&rel);
}

/* The one finding of 'r': PC603 with 'why' in its text. */
static void expect_one_verdict(const struct pc_report *r, const char *why)
{
	if (r->n != 1)
		pct_dump_report(r);
	PCT_ASSERT_INT_EQ(r->n, 1);
	if (r->n != 1)
		return;
	PCT_ASSERT_INT_EQ(r->items[0].rule, PC_R_DEVICE_UNMIGRATABLE);
	PCT_ASSERT_INT_EQ(r->items[0].severity, PC_SEV_INCOMPATIBLE);
	PCT_ASSERT_STR_EQ(r->items[0].device, "fx-blk");
	PCT_ASSERT_CONTAINS(r->items[0].why, why);
	PCT_ASSERT_STR_EQ(r->items[0].fix, "remove the device from the VM, or hot-unplug it (device_del) before migrating");
	CU_ASSERT_TRUE(pc_report_fails(r));
}

PCT_TEST("unmigratable", a_named_blocking_device_gets_one_verdict)
{
	static const char *const both[] = { "fx-dev", "fx-blk" };
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", decl_text, 2);
	make_side(&b, "B", decl_text, 2);
	name_devices(&a, both, 2);
	name_devices(&b, both, 2);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	expect_one_verdict(&r, "cannot be migrated: fx-blk is unmigratable in 'A' and in 'B' (no vmstate handlers)");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("unmigratable", only_the_side_that_blocks_is_named)
{
	static const char *const blk[] = { "fx-blk" };
	struct pc_side a, b;
	struct pc_report r;

	/* B has no blocker for fx-blk; either direction is refused, and the
	 * message says which side blocks */
	make_side(&a, "A", decl_text, 2);
	make_side(&b, "B", HDR VMSD DEV BLK(""), 2);
	name_devices(&a, blk, 1);
	name_devices(&b, blk, 1);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	expect_one_verdict(&r, "fx-blk is unmigratable in 'A' (no vmstate handlers)");
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "unmigratable");
	PCT_ASSERT_STR_EQ(r.items[0].dst_value, "migratable");
	pc_report_release(&r);
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 0), 0);
	expect_one_verdict(&r, "fx-blk is unmigratable in 'A'");
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "migratable");
	PCT_ASSERT_STR_EQ(r.items[0].dst_value, "unmigratable");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* fx-blk that blocks only when mask=on */
static const char value_decl[] = HDR VMSD DEV
	BLK("  unmigratable prop=mask value=on reason=\"mask registers a blocker\"\n");

PCT_TEST("unmigratable", the_value_form_blocks_only_for_its_value)
{
	static const char *const blk[] = { "fx-blk" };
	struct pc_side a, b;
	struct pc_report r;

	/* the default configuration keeps the type: mask is off */
	make_side(&a, "A", value_decl, 2);
	make_side(&b, "B", value_decl, 2);
	CU_ASSERT_PTR_NULL(pc_side_type_blocker(&a, pc_registry_find_type(a.reg, "fx-blk")));
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	/* named, with the neighbouring value: silent */
	name_devices(&a, blk, 1);
	name_devices(&b, blk, 1);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	/* the blocking value on both sides: the one verdict, the value named */
	add_ov(&a, "fx-blk.mask=on");
	add_ov(&b, "fx-blk.mask=on");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	expect_one_verdict(&r, "fx-blk is unmigratable in 'A' and in 'B' when mask=on (mask registers a blocker)");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("unmigratable", cli_lists_the_left_out_type_and_refuses_a_named_one)
{
	char *out = NULL;

	/* the default configuration: nvme is left out, listed once */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "pc-7.2", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\n  left out: nvme (unmigratable: QEMU refuses to migrate a VM with it; --vm-device checks one)\n");
	PCT_ASSERT_NOT_CONTAINS(out, "PC603");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "--machine",
					"pc-7.2", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"unmigratable\": [\n    \"nvme\"\n  ]");
	free(out);
	/* a VM that names it: the one verdict, exit 1, no layout findings */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2",
					"--from", "8.0", "--to", "tree",
					"--vm-device", "nvme", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC603 incompatible [device-unmigratable] 8.0 -> tree");
	PCT_ASSERT_CONTAINS(out, "why: cannot be migrated: nvme is unmigratable in release 8.0 and in the tree (vmstate_nvme is unmigratable)");
	PCT_ASSERT_CONTAINS(out, "fix: remove the device from the VM, or hot-unplug it (device_del) before migrating");
	PCT_ASSERT_CONTAINS(out, "result: INCOMPATIBLE: 1 direction checked, 1 incompatible finding");
	PCT_ASSERT_NOT_CONTAINS(out, "left out:");
	PCT_ASSERT_NOT_CONTAINS(out, "PC401");
	free(out);
	/* the main job with --vm-device */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "pc-5.1",
					"--vm-device", "nvme", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "[device-unmigratable]");
	PCT_ASSERT_NOT_CONTAINS(out, "[invariant-mismatch]");
	free(out);
}
