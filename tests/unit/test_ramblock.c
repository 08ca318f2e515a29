/*
 * test_ramblock.c - RAM blocks outside device sections (the declaration's
 * 'ramblock', rules PC106-PC108): the statement parsed, refused when
 * malformed and written back; sizes resolved from properties, inherited
 * and replaced by subtypes, projected by since=; the check deciding as
 * QEMU's loader does (a fixed block takes exactly its own page-aligned
 * length, a resizeable one grows up to its max, a block only the
 * destination has is silent); the device key seeing a block's size.
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
#define VMSD "vmsd fx-nic version=1 min=1\n  field status u32\nend\n"
/* a NIC with an option ROM sized by romsize, and an ACPI-like blob */
#define NIC(props, rams) "type fx-nic parent=device section=fx-nic\n" \
	"  prop romsize u32 default=0x40000\n  prop rombar bool default=on\n" \
	props rams "end\n"
#define ROM "  ramblock fx-nic.rom size=romsize if=rombar\n"
#define BASE HDR VMSD NIC("", ROM)

PCT_TEST("ramblock", parsed_kept_and_written_back)
{
	static const char text[] = HDR VMSD
		NIC("", ROM "  ramblock etc/acpi/tables size=0x20000 max=0x200000 since=1.5 doc=\"ACPI tables\"\n");
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(text, &err);
	const struct pc_type *t;
	char *wa;

	if (!a)
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	t = pc_registry_find_type(a, "fx-nic");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	PCT_ASSERT_INT_EQ(t->n_rams, 2);
	PCT_ASSERT_STR_EQ(t->rams[0].name, "fx-nic.rom");
	CU_ASSERT_PTR_NULL(t->rams[0].max);
	CU_ASSERT_PTR_NOT_NULL(t->rams[0].cond);
	CU_ASSERT_FALSE(t->rams[0].has_since);
	PCT_ASSERT_STR_EQ(t->rams[1].name, "etc/acpi/tables");
	CU_ASSERT_PTR_NOT_NULL(t->rams[1].max);
	CU_ASSERT_TRUE(t->rams[1].has_since);
	PCT_ASSERT_INT_EQ(t->rams[1].line, 12);
	wa = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(wa, "  ramblock fx-nic.rom size=romsize if=rombar\n"
			    "  ramblock etc/acpi/tables size=0x20000 max=0x200000 since=1.5 doc=\"ACPI tables\"\nend\n");
	/* write(parse(write(x))) == write(x) */
	fx_expect_fixed_point(wa);
	free(wa);
	pc_registry_free(a);
}

PCT_TEST("ramblock", malformed_statements_are_refused_with_their_line)
{
	fx_expect_refused(HDR VMSD NIC("", "  ramblock rom\n"),
		       "u.decl:11: ramblock 'rom': size= is required");
	fx_expect_refused(HDR VMSD NIC("", "  ramblock\n"),
		       "u.decl:11: expected 'ramblock NAME size=EXPR");
	fx_expect_refused(HDR VMSD NIC("", "  ramblock rom size=(1\n"), "u.decl:11");
	fx_expect_refused(HDR VMSD NIC("", "  ramblock rom size=1 grow=2\n"),
		       "u.decl:11:");
	fx_expect_refused(HDR VMSD NIC("", "  ramblock rom size=1 since=x\n"),
		       "u.decl:11: bad version 'x' for since=");
	fx_expect_refused(HDR VMSD NIC("", "  ramblock rom size=1\n  ramblock rom size=2\n"),
		       "u.decl:12: RAM block 'rom' declared twice in fx-nic (first at line 11)");
	fx_expect_refused(HDR "ramblock rom size=1\n" VMSD NIC("", ""),
		       "'ramblock' outside a type block");
	fx_expect_refused(HDR "vmsd fx-nic version=1 min=1\n  ramblock rom size=1\nend\n"
		       NIC("", ""), "'ramblock' outside a type block");
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

static int build(const struct pc_side *s, struct pc_vm *vm, struct pc_err *err)
{
	if (pc_vm_build(s, pc_machine_find(s->machines, "fx-1.0"), 1, vm, err))
		return -1;
	if (pc_vm_resolve(vm, err)) {
		pc_vm_release(vm);
		return -1;
	}
	return 0;
}

PCT_TEST("ramblock", sizes_resolve_from_properties_inherited_and_projected)
{
	static const char text[] = HDR VMSD
		"type fx-pci parent=device abstract\n"
		"  prop romsize u32 default=0x10000\n"
		"  ramblock rom size=romsize\n"
		"  ramblock cfg size=0x1000 max=0x10000\n"
		"end\n"
		"type fx-nic parent=fx-pci section=fx-nic\n"
		"  prop big bool default=off\n"
		"  ramblock rom size=\"big ? 0x80000 : 0x40000\"\n"
		"  ramblock new size=0x1000 since=2.0\n"
		"end\n";
	struct pc_side a, r;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_object *o;

	make_side(&a, "A", text, 2);
	CU_ASSERT_EQUAL_FATAL(build(&a, &vm, &err), 0);
	o = pc_vm_find_object(&vm, "fx-nic");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	PCT_ASSERT_INT_EQ(o->n_rams, 3);
	/* the subtype's rom replaces the ancestor's */
	PCT_ASSERT_STR_EQ(o->rams[0].decl->name, "rom");
	PCT_ASSERT_INT_EQ(o->rams[0].used, 0x40000);
	CU_ASSERT_FALSE(o->rams[0].resizeable);
	PCT_ASSERT_CONTAINS(o->rams[0].why, "size = big ? 0x80000 : 0x40000 = 0x40000");
	PCT_ASSERT_STR_EQ(o->rams[0].deps, "big");
	PCT_ASSERT_STR_EQ(o->rams[1].decl->name, "new");
	PCT_ASSERT_STR_EQ(o->rams[2].decl->name, "cfg");
	CU_ASSERT_TRUE(o->rams[2].resizeable);
	PCT_ASSERT_INT_EQ(o->rams[2].max, 0x10000);
	pc_vm_release(&vm);
	/* release 1.0 predates 'new' (since=2.0) */
	make_side(&r, "R", text, 1);
	CU_ASSERT_EQUAL_FATAL(build(&r, &vm, &err), 0);
	o = pc_vm_find_object(&vm, "fx-nic");
	PCT_ASSERT_INT_EQ(o->n_rams, 2);
	pc_vm_release(&vm);
	pc_side_release(&a);
	pc_side_release(&r);
}

static void expect_resolve_error(const char *rams, const char *msg)
{
	struct pc_side a;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	char *text = pc_xasprintf("%s%s%s", HDR VMSD
				  "type fx-nic parent=device section=fx-nic\n"
				  "  prop romsize u32 default=0\n", rams, "end\n");

	make_side(&a, "A", text, 2);
	CU_ASSERT_EQUAL(build(&a, &vm, &err), -1);
	PCT_ASSERT_INT_EQ(err.code, PC_E_INPUT);
	PCT_ASSERT_CONTAINS(err.msg, msg);
	pc_side_release(&a);
	free(text);
}

PCT_TEST("ramblock", impossible_sizes_are_input_errors_naming_the_line)
{
	expect_resolve_error("  ramblock rom size=romsize\n",
			     "fx-nic: RAM block rom (line 10): size= must be a positive number of bytes");
	expect_resolve_error("  ramblock acpi size=0x2000 max=0x1000\n",
			     "fx-nic: RAM block acpi (line 10): max= is below size=");
	expect_resolve_error("  ramblock rom size=nosuch\n",
			     "fx-nic: RAM block rom (line 10)");
}

/* a -> b under fx-1.0 with smp 1: the report ('r' to release). */
static void run(const char *da, const char *db, int rel_b, struct pc_report *r)
{
	struct pc_side a, b;
	struct pc_check c;
	struct pc_err err = { 0 };

	make_side(&a, "A", da, 2);
	make_side(&b, "B", db, rel_b);
	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(r);
	if (pc_check_direction(&c, &a, &b, r, &err))
		fprintf(stderr, "\n  check: %s\n", err.msg);
	CU_ASSERT_FALSE(err.set);
	pc_side_release(&a);
	pc_side_release(&b);
}

static size_t count_rule(const struct pc_report *r, enum pc_rule rule)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].rule == rule;
	return n;
}

static const struct pc_finding *first_of(const struct pc_report *r,
					 enum pc_rule rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].rule == rule)
			return &r->items[i];
	return NULL;
}

/* a -> b gives exactly 'n' findings, all of rule 'rule' (n may be 0). */
static void expect_only(const char *da, const char *db, enum pc_rule rule,
			size_t n)
{
	struct pc_report r;

	run(da, db, 2, &r);
	if (r.n != n || count_rule(&r, rule) != n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, n);
	PCT_ASSERT_INT_EQ(count_rule(&r, rule), n);
	pc_report_release(&r);
}

PCT_TEST("ramblock", a_fixed_block_takes_exactly_its_own_length)
{
	static const char grown[] = HDR VMSD
		NIC("", "  ramblock fx-nic.rom size=0x80000 if=rombar\n");
	struct pc_report r;
	const struct pc_finding *f;

	/* either direction: a fixed block takes nothing else */
	run(BASE, grown, 2, &r);
	if (r.n != 1)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 1);
	f = first_of(&r, PC_R_RAM_SIZE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INCOMPATIBLE);
	PCT_ASSERT_STR_EQ(f->device, "fx-nic");
	PCT_ASSERT_STR_EQ(f->path, "fx-nic.rom");
	PCT_ASSERT_STR_EQ(f->src_value, "0x40000 bytes");
	PCT_ASSERT_STR_EQ(f->dst_value, "0x80000 bytes");
	PCT_ASSERT_CONTAINS(f->why, "Size mismatch: fx-nic/fx-nic.rom: 0x40000 != 0x80000");
	PCT_ASSERT_CONTAINS(f->fix, "romsize");
	pc_report_release(&r);
	expect_only(grown, BASE, PC_R_RAM_SIZE, 1);
	/* the same page-aligned length: QEMU aligns both before comparing */
	expect_only(BASE, HDR VMSD NIC("", "  ramblock fx-nic.rom size=0x3f001 if=rombar\n"),
		    PC_R_RAM_SIZE, 0);
	/* the same declaration on both sides: silent */
	expect_only(BASE, BASE, PC_R_RAM_SIZE, 0);
}

PCT_TEST("ramblock", a_grown_default_is_caused_by_its_property_and_pinned_by_a_compat_line)
{
	static const char grown[] = HDR VMSD
		"type fx-nic parent=device section=fx-nic\n"
		"  prop romsize u32 default=0x80000\n  prop rombar bool default=on\n"
		ROM "end\n";
	struct pc_report r;
	const struct pc_finding *f;

	run(BASE, grown, 2, &r);
	f = first_of(&r, PC_R_RAM_SIZE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_CONTAINS(f->cause, "romsize");
	PCT_ASSERT_CONTAINS(f->fix, "fx-nic.romsize=262144");
	pc_report_release(&r);
	/* the compat line pins the old size on the destination: silent */
	{
		struct pc_side a, b;
		struct pc_check c;
		struct pc_override ov;
		struct pc_err err = { 0 };

		make_side(&a, "A", BASE, 2);
		make_side(&b, "B", grown, 2);
		CU_ASSERT_EQUAL_FATAL(pc_override_parse("fx-nic.romsize=0x40000", false,
							"test", &ov, &err), 0);
		pc_side_add_override(&b, &ov);
		pc_override_release(&ov);
		memset(&c, 0, sizeof(c));
		c.machine = "fx-1.0";
		pc_report_init(&r);
		CU_ASSERT_EQUAL(pc_check_direction(&c, &a, &b, &r, &err), 0);
		CU_ASSERT_EQUAL(pc_check_direction(&c, &b, &a, &r, &err), 0);
		if (r.n)
			pct_dump_report(&r);
		PCT_ASSERT_INT_EQ(r.n, 0);
		pc_report_release(&r);
		pc_side_release(&a);
		pc_side_release(&b);
	}
}

PCT_TEST("ramblock", a_resizeable_block_grows_up_to_its_max)
{
	static const char acpi_small[] = HDR VMSD
		NIC("", ROM "  ramblock tables size=0x20000 max=0x40000\n");
	static const char acpi_big[] = HDR VMSD
		NIC("", ROM "  ramblock tables size=0x60000 max=0x80000\n");
	static const char acpi_within[] = HDR VMSD
		NIC("", ROM "  ramblock tables size=0x40000 max=0x80000\n");
	struct pc_report r;
	const struct pc_finding *f;

	/* 0x60000 into a block that grows to 0x40000 at most */
	run(acpi_big, acpi_small, 2, &r);
	f = first_of(&r, PC_R_RAM_TOO_LARGE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(r.n, 1);
	PCT_ASSERT_STR_EQ(f->src_value, "0x60000 bytes (resizeable, max 0x80000)");
	PCT_ASSERT_STR_EQ(f->dst_value, "0x20000 bytes (resizeable, max 0x40000)");
	PCT_ASSERT_CONTAINS(f->why, "Size too large: fx-nic/tables: 0x60000 > 0x40000");
	pc_report_release(&r);
	/* smaller, or longer within the max: QEMU resizes the block */
	expect_only(acpi_small, acpi_big, PC_R_RAM_TOO_LARGE, 0);
	expect_only(acpi_within, acpi_small, PC_R_RAM_TOO_LARGE, 0);
}

PCT_TEST("ramblock", a_block_only_the_source_has_is_refused_the_other_way_silent)
{
	static const char norom[] = HDR VMSD
		"type fx-nic parent=device section=fx-nic\n"
		"  prop romsize u32 default=0x40000\n  prop rombar bool default=off\n"
		ROM "end\n";
	struct pc_report r;
	const struct pc_finding *f;

	run(BASE, norom, 2, &r);
	f = first_of(&r, PC_R_RAM_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(r.n, 1);
	PCT_ASSERT_CONTAINS(f->why, "Unknown ramblock \"fx-nic/fx-nic.rom\", cannot accept migration");
	PCT_ASSERT_CONTAINS(f->cause, "rombar");
	pc_report_release(&r);
	/* the destination's own block, which the source does not send */
	expect_only(norom, BASE, PC_R_RAM_UNKNOWN, 0);
	/* a block a release before its since= lacks */
	run(HDR VMSD NIC("", "  ramblock extra size=0x1000 since=2.0\n"),
	    HDR VMSD NIC("", "  ramblock extra size=0x1000 since=2.0\n"), 1, &r);
	PCT_ASSERT_INT_EQ(count_rule(&r, PC_R_RAM_UNKNOWN), 1);
	pc_report_release(&r);
}

PCT_TEST("ramblock", the_object_digest_sees_a_block_only_when_there_is_one)
{
	struct pc_side a, b, c;
	struct pc_vm va, vb, vc;
	struct pc_err err = { 0 };

	make_side(&a, "A", BASE, 2);
	make_side(&b, "B", HDR VMSD NIC("", "  ramblock fx-nic.rom size=0x80000 if=rombar\n"), 2);
	make_side(&c, "C", HDR VMSD NIC("", ""), 2);
	CU_ASSERT_EQUAL_FATAL(build(&a, &va, &err), 0);
	CU_ASSERT_EQUAL_FATAL(build(&b, &vb, &err), 0);
	CU_ASSERT_EQUAL_FATAL(build(&c, &vc, &err), 0);
	/* the size alone differs: the device key must differ, or the main
	 * job's screening against a release index would skip the device */
	CU_ASSERT_NOT_EQUAL(pc_object_digest(pc_vm_find_object(&va, "fx-nic")),
			    pc_object_digest(pc_vm_find_object(&vb, "fx-nic")));
	CU_ASSERT_NOT_EQUAL(pc_object_digest(pc_vm_find_object(&va, "fx-nic")),
			    pc_object_digest(pc_vm_find_object(&vc, "fx-nic")));
	PCT_ASSERT_INT_EQ(pc_vm_find_object(&vc, "fx-nic")->n_rams, 0);
	pc_vm_release(&va);
	pc_vm_release(&vb);
	pc_vm_release(&vc);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_side_release(&c);
}

/* ------------------------------------------------ machine-level state */

#define MSTATE(rams) "vmsd fx-acpi version=1 min=1\n  field patched u8\nend\n" \
	"type fx-acpi parent=device machine section=fx-acpi\n" rams "end\n"
#define TABLES "  ramblock etc/acpi/tables size=0x20000 max=0x200000\n"

PCT_TEST("ramblock", machine_state_is_parsed_and_refused_where_it_cannot_be)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(HDR VMSD NIC("", "") MSTATE(TABLES), &err);
	char *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_TRUE(pc_registry_find_type(a, "fx-acpi")->machine);
	CU_ASSERT_TRUE(pc_type_is_machine(pc_registry_find_type(a, "fx-acpi")));
	CU_ASSERT_FALSE(pc_type_is_machine(pc_registry_find_type(a, "fx-nic")));
	w = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(w, "type fx-acpi parent=device machine section=fx-acpi\n");
	free(w);
	pc_registry_free(a);
	fx_expect_refused(HDR "type fx-m parent=device abstract machine\nend\n",
		       "u.decl:5: type 'fx-m': 'machine' (state the machine type owns) is an instantiable type, not abstract");
}

PCT_TEST("ramblock", machine_state_is_in_every_vm_and_never_a_named_device)
{
	static const char text[] = HDR VMSD NIC("", "") MSTATE(TABLES);
	struct pc_side a;
	struct pc_vm vm;
	struct pc_err err = { 0 };

	make_side(&a, "A", text, 2);
	a.devices = pc_xcalloc(2, sizeof(*a.devices));
	a.devices[0].id = pc_xstrdup("nic0");
	a.devices[0].type = pc_xstrdup("fx-nic");
	a.n_devices = 1;
	CU_ASSERT_EQUAL_FATAL(pc_side_check_config(&a, NULL, &err), 0);
	CU_ASSERT_EQUAL_FATAL(build(&a, &vm, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_vm_find_object(&vm, "nic0"));
	CU_ASSERT_PTR_NOT_NULL(pc_vm_find_object(&vm, "fx-acpi"));
	PCT_ASSERT_INT_EQ(vm.n_sections, 2);
	pc_vm_release(&vm);
	free(a.devices[0].type);
	a.devices[0].type = pc_xstrdup("fx-acpi");
	CU_ASSERT_EQUAL(pc_side_check_config(&a, NULL, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg, "--vm-device fx-acpi (id 'nic0'): 'fx-acpi' is state of the machine type");
	pc_side_release(&a);
}

PCT_TEST("ramblock", a_machine_section_one_side_lacks_is_a_break_a_new_device_is_not)
{
	static const char with[] = HDR VMSD NIC("", "") MSTATE(TABLES);
	static const char without[] = HDR VMSD NIC("", "");
	struct pc_report r;
	const struct pc_finding *f;

	run(with, without, 2, &r);
	f = first_of(&r, PC_R_MACHINE_SECTION);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INCOMPATIBLE);
	PCT_ASSERT_STR_EQ(f->path, "fx-acpi");
	PCT_ASSERT_CONTAINS(f->why, "Unknown savevm section or instance 'fx-acpi' 0");
	PCT_ASSERT_INT_EQ(count_rule(&r, PC_R_SECTION_MISSING), 0);
	pc_report_release(&r);
	/* the other way the destination's machine state keeps its reset
	 * state: PC102, a break too (not the info of a new device type) */
	run(without, with, 2, &r);
	f = first_of(&r, PC_R_SECTION_UNSENT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INCOMPATIBLE);
	pc_report_release(&r);
	/* the same machine state on both sides: silent */
	expect_only(with, with, PC_R_MACHINE_SECTION, 0);
	/* a device type only the source has stays info (PC101) */
	run(HDR VMSD NIC("", "") "type fx-new parent=device section=fx-nic\nend\n",
	    without, 2, &r);
	f = first_of(&r, PC_R_SECTION_MISSING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INFO);
	PCT_ASSERT_INT_EQ(count_rule(&r, PC_R_MACHINE_SECTION), 0);
	pc_report_release(&r);
}

PCT_TEST("ramblock", a_machine_blob_beyond_the_older_max_is_refused)
{
	static const char older[] = HDR VMSD NIC("", "") MSTATE(TABLES);
	static const char grown[] = HDR VMSD NIC("", "")
		MSTATE("  ramblock etc/acpi/tables size=0x400000 max=0x800000\n");
	static const char padded[] = HDR VMSD NIC("", "")
		MSTATE("  ramblock etc/acpi/tables size=0x40000 max=0x200000\n");

	expect_only(grown, older, PC_R_RAM_TOO_LARGE, 1);
	/* within the older max: QEMU resizes the block on load */
	expect_only(padded, older, PC_R_RAM_TOO_LARGE, 0);
	expect_only(older, grown, PC_R_RAM_TOO_LARGE, 0);
}

/* ------------------------------------------------ section identity */

#define PATHNIC(addr) "type fx-nic parent=device section=fx-nic idstr=path\n" \
	"  prop path string default=" addr "\nend\n"

PCT_TEST("ramblock", idstr_is_parsed_linked_and_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(HDR VMSD PATHNIC("0000:00:02.0"), &err);
	char *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PCT_ASSERT_STR_EQ(pc_type_idstr_prop(pc_registry_find_type(a, "fx-nic")), "path");
	w = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(w, "type fx-nic parent=device section=fx-nic idstr=path\n");
	free(w);
	pc_registry_free(a);
	fx_expect_refused(HDR VMSD "type fx-nic parent=device section=fx-nic idstr=slot\nend\n",
		       "u.decl:8: idstr=slot: type 'fx-nic' has no property 'slot'");
}

PCT_TEST("ramblock", a_section_at_another_path_is_unknown_to_the_destination)
{
	struct pc_report r;
	const struct pc_finding *f;

	run(HDR VMSD PATHNIC("0000:00:02.0"), HDR VMSD PATHNIC("0000:00:03.0"), 2, &r);
	if (r.n != 1)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 1);
	f = first_of(&r, PC_R_SECTION_IDSTR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(f->src_value, "0000:00:02.0/fx-nic");
	PCT_ASSERT_STR_EQ(f->dst_value, "0000:00:03.0/fx-nic");
	PCT_ASSERT_CONTAINS(f->why, "Unknown savevm section or instance '0000:00:02.0/fx-nic' 0");
	PCT_ASSERT_CONTAINS(f->cause, "path");
	PCT_ASSERT_CONTAINS(f->fix, "fx-nic.path=0000:00:02.0");
	pc_report_release(&r);
	/* the same path, and a type without a path on both sides: silent */
	expect_only(HDR VMSD PATHNIC("0000:00:02.0"), HDR VMSD PATHNIC("0000:00:02.0"),
		    PC_R_SECTION_IDSTR, 0);
	expect_only(BASE, BASE, PC_R_SECTION_IDSTR, 0);
}

/* ------------------------------------------------ section order */

#define IOMMU(pri) "vmsd fx-iommu version=1 min=1" pri "\n  field x u32\nend\n" \
	"type fx-iommu parent=device section=fx-iommu\nend\n"

PCT_TEST("ramblock", priority_is_parsed_and_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(HDR VMSD NIC("", "") IOMMU(" priority=iommu"), &err);
	char *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PCT_ASSERT_INT_EQ(pc_registry_find_vmsd(a, "fx-iommu")->priority, PC_PRI_IOMMU);
	PCT_ASSERT_INT_EQ(pc_registry_find_vmsd(a, "fx-nic")->priority, 0);
	w = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(w, "vmsd fx-iommu version=1 min=1 priority=iommu\n");
	free(w);
	pc_registry_free(a);
	fx_expect_refused(HDR VMSD NIC("", "") IOMMU(" priority=iomu"),
		       "u.decl:12: unknown priority 'iomu' for vmsd 'fx-iommu' (did you mean 'iommu'?)");
}

PCT_TEST("ramblock", a_priority_that_flips_the_order_is_for_review)
{
	static const char plain[] = HDR VMSD NIC("", "") IOMMU("");
	static const char first[] = HDR VMSD NIC("", "") IOMMU(" priority=iommu");
	struct pc_report r;
	const struct pc_finding *f;

	/* the source sends the IOMMU among the devices; the destination's
	 * build wants it before them */
	run(plain, first, 2, &r);
	f = first_of(&r, PC_R_SECTION_PRIORITY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_REVIEW);
	PCT_ASSERT_STR_EQ(f->src_value, "priority default");
	PCT_ASSERT_STR_EQ(f->dst_value, "priority iommu");
	PCT_ASSERT_CONTAINS(f->why, "puts section 'fx-iommu' before 'fx-nic' (fx-nic)");
	PCT_ASSERT_INT_EQ(r.n, 1);
	pc_report_release(&r);
	/* the other way round the destination's build puts the IOMMU at one
	 * priority with the devices: it promises no order, so the source's
	 * sending it first breaks nothing */
	expect_only(first, plain, PC_R_SECTION_PRIORITY, 0);
	/* the same priority on both sides: silent */
	expect_only(first, first, PC_R_SECTION_PRIORITY, 0);
	/* a priority that differs with nothing to be ordered against: silent */
	expect_only(HDR IOMMU(""), HDR IOMMU(" priority=iommu"),
		    PC_R_SECTION_PRIORITY, 0);
}
