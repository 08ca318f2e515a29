/*
 * test_check.c - the checker's rules, one mutation at a time, both
 * directions.  Sides are built from in-memory declarations (the same
 * language plugins carry) over a two-machine fixture family
 * (tests/fixtures/check/machines: fx-2.0 and fx-1.0 deriving from it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fxside.h"
#include "pctest.h"

#define HDR "plugcheck-abi 1\nplugin fx 2.0\n" \
	"type device abstract\nend\n"

#define DEV(props) "type fx-dev parent=device section=fx-dev\n" props "end\n"
#define BASE_PROPS \
	"  prop num-queues u16 default=1\n" \
	"  prop feat bool default=on guest-visible\n" \
	"  prop mask bool default=off\n"
#define QUEUE "vmsd fx-queue version=1 min=1\n  field inuse u16\nend\n"
#define VMSD(ver, fields) "vmsd fx-dev " ver "\n" fields "end\n"
#define BASE_FIELDS \
	"  field status u32\n" \
	"  field ctr u64\n" \
	"  field vq struct struct=fx-queue count=num-queues\n" \
	"  field config buffer size=64\n" \
	"  invariant mask-reg field=config offset=8 size=4 value=\"mask ? 0x400000 : 0\" romask=\"mask ? 0xff7fffff : 0xffffffff\"\n"

static const char *base_decl = HDR DEV(BASE_PROPS) QUEUE
	VMSD("version=2 min=1", BASE_FIELDS);

static void make_side(struct pc_side *s, const char *label, const char *decl,
		      const char *machines)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, machines, 2, &err))
		fprintf(stderr, "\n  make_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
}

static void add_ov(struct pc_side *s, const char *target, const char *prop,
		   const char *value)
{
	struct pc_override ov;
	char *text = pc_xasprintf("%s.%s=%s", target, prop, value);
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_override_parse(text, false, "test", &ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
	free(text);
}

static const struct pc_finding *find(const struct pc_report *r,
				     enum pc_rule rule, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].rule == rule &&
		    (!path || (r->items[i].path && strstr(r->items[i].path, path))))
			return &r->items[i];
	return NULL;
}

/* Check a -> b and b -> a; expect 'rule' at 'path' in each direction. */
static void expect_both(const char *decl_a, const char *decl_b,
			enum pc_rule ab, enum pc_rule ba, const char *path)
{
	struct pc_side a, b;
	struct pc_report r1, r2;

	make_side(&a, "A", decl_a, NULL);
	make_side(&b, "B", decl_b, NULL);
	CU_ASSERT_EQUAL_FATAL(fx_check(&a, &b, &r1, 0), 0);
	CU_ASSERT_EQUAL_FATAL(fx_check(&b, &a, &r2, 0), 0);
	if (!find(&r1, ab, path) || !find(&r2, ba, path)) {
		fprintf(stderr, "\n  expected %s (A->B) and %s (B->A) at '%s'\n  A->B:\n",
			pc_rule_info(ab)->id, pc_rule_info(ba)->id, path);
		pct_dump_report(&r1);
		fprintf(stderr, "  B->A:\n");
		pct_dump_report(&r2);
	}
	CU_ASSERT_PTR_NOT_NULL(find(&r1, ab, path));
	CU_ASSERT_PTR_NOT_NULL(find(&r2, ba, path));
	pc_report_release(&r1);
	pc_report_release(&r2);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", identical_sides_have_no_findings)
{
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", base_decl, NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", appended_field_without_gate_breaks_both_ways)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE
		    VMSD("version=2 min=1", BASE_FIELDS "  field extra u32\n"),
		    PC_R_FIELD_MISSING, PC_R_FIELD_ADDED, "extra");
}

PCT_TEST("check", version_gated_field_is_compatible_old_to_new)
{
	struct pc_side a, b;
	struct pc_report r;

	/* B bumps to version 3 and gates the new field: A (v2) -> B loads */
	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", HDR DEV(BASE_PROPS) QUEUE
		  VMSD("version=3 min=1", BASE_FIELDS "  field extra u32 version=3\n"),
		  NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 0);
	pc_report_release(&r);
	/* B -> A: version 3 is newer than A loads */
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 0), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_VERSION_TOO_NEW, "fx-dev"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", raised_minimum_version_refuses_old_source)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE VMSD("version=3 min=3", BASE_FIELDS),
		    PC_R_VERSION_TOO_OLD, PC_R_VERSION_TOO_NEW, "fx-dev");
}

PCT_TEST("check", size_change)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		    "  field status u32\n  field ctr u32\n"
		    "  field vq struct struct=fx-queue count=num-queues\n"
		    "  field config buffer size=64\n"),
		    PC_R_FIELD_SIZE, PC_R_FIELD_SIZE, "ctr");
}

/* rules.md: a same-size type change is PC205 (needs review: the bytes
 * load, read as another type); a type change that changes the size is
 * PC206; a structure against a plain field is PC208 (as qemu-diff says) */
PCT_TEST("check", type_change_rules_follow_the_catalogue)
{
	struct pc_side a, b, c;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		  "  field status i32\n  field ctr u32\n"
		  "  field vq struct struct=fx-queue count=num-queues\n"
		  "  field config buffer size=64\n"), NULL);
	make_side(&c, "C", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		  "  field status u32\n  field ctr u64\n"
		  "  field vq u16\n"
		  "  field config buffer size=64\n"), NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	f = find(&r, PC_R_FIELD_TYPE, "status");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(pc_severity_name(f->severity), "needs-review");
	f = find(&r, PC_R_FIELD_SIZE, "ctr");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(pc_severity_name(f->severity), "incompatible");
	CU_ASSERT_PTR_NULL(find(&r, PC_R_FIELD_TYPE, "ctr"));
	pc_report_release(&r);
	CU_ASSERT_EQUAL(fx_check(&a, &c, &r, 1), 0);
	f = find(&r, PC_R_NESTED_MISSING, "vq");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(pc_severity_name(f->severity), "incompatible");
	CU_ASSERT_PTR_NULL(find(&r, PC_R_FIELD_TYPE, "vq"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_side_release(&c);
}

PCT_TEST("check", buffer_size_change)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		    "  field status u32\n  field ctr u64\n"
		    "  field vq struct struct=fx-queue count=num-queues\n"
		    "  field config buffer size=128\n"),
		    PC_R_FIELD_SIZE, PC_R_FIELD_SIZE, "config");
}

PCT_TEST("check", reordered_fields)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		    "  field ctr u64\n  field status u32\n"
		    "  field vq struct struct=fx-queue count=num-queues\n"
		    "  field config buffer size=64\n"),
		    PC_R_FIELD_REORDERED, PC_R_FIELD_REORDERED, "");
}

PCT_TEST("check", renamed_field_is_review_only)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		  "  field state u32\n  field ctr u64\n"
		  "  field vq struct struct=fx-queue count=num-queues\n"
		  "  field config buffer size=64\n"), NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	f = find(&r, PC_R_FIELD_RENAMED, "status");
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f)
		PCT_ASSERT_INT_EQ(f->severity, PC_SEV_REVIEW);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", unused_padding_of_equal_size_is_compatible)
{
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		  "  field status u32\n  field unused unused size=8\n"
		  "  field vq struct struct=fx-queue count=num-queues\n"
		  "  field config buffer size=64\n"), NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* Issue 13 item 11: a finding over several vCPU configurations carries
 * each configuration's values; only equal findings merge. */
PCT_TEST("check", merged_configurations_keep_their_own_values)
{
	struct pc_side a, b;
	struct pc_report r;
	size_t seen = 0;

	make_side(&a, "old", HDR DEV(
		"  prop num-queues u16 default=1 guest-visible\n"
		"  prop feat bool default=on guest-visible\n"
		"  prop mask bool default=off\n") QUEUE
		VMSD("version=2 min=1", BASE_FIELDS), NULL);
	make_side(&b, "tree", HDR DEV(
		"  prop num-queues u16 derived=smp guest-visible\n"
		"  prop feat bool default=on guest-visible\n"
		"  prop mask bool default=off\n") QUEUE
		VMSD("version=2 min=1", BASE_FIELDS), NULL);
	/* the default set: 1, 2, 4 and the maximum (8) */
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 0), 0);
	for (size_t i = 0; i < r.n; i++) {
		const struct pc_finding *f = &r.items[i];
		char want[32];

		if (f->rule != PC_R_FIELD_COUNT && f->rule != PC_R_GUEST_PROP)
			continue;
		seen++;
		/* one configuration per finding, whose value it shows */
		CU_ASSERT_PTR_NOT_NULL_FATAL(f->config);
		PCT_ASSERT_NOT_CONTAINS(f->config, ",");
		snprintf(want, sizeof(want), "smp=%s", f->dst_value);
		PCT_ASSERT_STR_EQ(f->config, want);
		PCT_ASSERT_STR_EQ(f->src_value, "1");
	}
	/* PC207 (vq) and PC501 at smp=2, 4 and 8 */
	PCT_ASSERT_INT_EQ(seen, 6);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* The virtio-blk story in miniature: a count from a derived default. */
PCT_TEST("check", derived_count_names_property_config_and_fix)
{
	struct pc_side a, b, bp;
	struct pc_report r;
	const struct pc_finding *f;
	const char *newer = HDR DEV(
		"  prop num-queues u16 derived=smp was=2.0:1 guest-visible\n"
		"  prop feat bool default=on guest-visible\n"
		"  prop mask bool default=off\n") QUEUE
		VMSD("version=2 min=1", BASE_FIELDS);

	make_side(&a, "old", HDR DEV(
		"  prop num-queues u16 default=1 guest-visible\n"
		"  prop feat bool default=on guest-visible\n"
		"  prop mask bool default=off\n") QUEUE
		VMSD("version=2 min=1", BASE_FIELDS), NULL);
	make_side(&b, "tree", newer, NULL);
	/* smp=1: nothing to see */
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 0);
	pc_report_release(&r);
	/* smp=4: the count breaks, the finding names smp=4 and the fix */
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 4), 0);
	f = find(&r, PC_R_FIELD_COUNT, "vq");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(f->config, "smp=4");
	PCT_ASSERT_STR_EQ(f->src_value, "1");
	PCT_ASSERT_STR_EQ(f->dst_value, "4");
	PCT_ASSERT_CONTAINS(f->why, "num-queues");
	PCT_ASSERT_STR_EQ(f->fix_line, "fx-dev num-queues 1");
	PCT_ASSERT_CONTAINS(f->fix_file, "fx_compat_1_0.compat");
	PCT_ASSERT_STR_EQ(f->fix_override, "--dst-global fx-dev.num-queues=1");
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_GUEST_PROP, "num-queues"));
	pc_report_release(&r);
	/* with the compat entry in the tree's machine file: compatible */
	make_side(&bp, "tree", newer, "tests/fixtures/check/machines-pinned");
	CU_ASSERT_EQUAL(fx_check(&a, &bp, &r, 4), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	CU_ASSERT_EQUAL(fx_check(&bp, &a, &r, 4), 0);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_side_release(&bp);
}

PCT_TEST("check", release_reconstruction_uses_history)
{
	struct pc_side t;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_machine *m;
	const struct pc_eprop *ep;

	make_side(&t, "tree", HDR DEV(
		"  prop num-queues u16 derived=smp was=2.0:1\n"
		"  prop feat bool default=on since=1.5 absent=off,1.2:on\n") QUEUE
		VMSD("version=2 min=1", "  field status u32\n"), NULL);
	m = pc_machine_find(t.machines, "fx-2.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	t.project = true;
	pc_version_parse("1.3", &t.release);
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&t, m, 4, &vm, &err), 0);
	ep = pc_object_prop(&vm, pc_vm_find_object(&vm, "fx-dev"), "num-queues", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	PCT_ASSERT_STR_EQ(ep->val.text, "1");
	ep = pc_object_prop(&vm, pc_vm_find_object(&vm, "fx-dev"), "feat", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	PCT_ASSERT_STR_EQ(ep->val.text, "on");
	CU_ASSERT_TRUE(ep->absent);
	PCT_ASSERT_CONTAINS(pc_eprop_source(ep), "absent before 1.5");
	pc_vm_release(&vm);
	pc_version_parse("1.0", &t.release);
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&t, m, 4, &vm, &err), 0);
	ep = pc_object_prop(&vm, pc_vm_find_object(&vm, "fx-dev"), "feat", NULL);
	PCT_ASSERT_STR_EQ(ep->val.text, "off");
	pc_vm_release(&vm);
	t.project = false;
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&t, m, 4, &vm, &err), 0);
	ep = pc_object_prop(&vm, pc_vm_find_object(&vm, "fx-dev"), "num-queues", NULL);
	PCT_ASSERT_STR_EQ(ep->val.text, "4");
	PCT_ASSERT_CONTAINS(pc_eprop_source(ep), "derived default smp");
	pc_vm_release(&vm);
	pc_side_release(&t);
}

PCT_TEST("check", invariant_under_destination_mask)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", base_decl, NULL);
	add_ov(&a, "fx-dev", "mask", "on");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	f = find(&r, PC_R_INVARIANT, "mask-reg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(f->src_value, "0x00400000");
	PCT_ASSERT_STR_EQ(f->fix_override, "--dst-global fx-dev.mask=on");
	pc_report_release(&r);
	/* the other way: the destination's mask holds bit 22 read-only */
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_INVARIANT, "mask-reg"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", guest_visible_property)
{
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", base_decl, NULL);
	add_ov(&b, "fx-dev", "feat", "off");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_GUEST_PROP, "fx-dev.feat"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", subsection_unknown_and_needed)
{
	const char *with_sub = HDR DEV(BASE_PROPS) QUEUE
		"vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"
		VMSD("version=2 min=1", BASE_FIELDS "  subsection fx-dev/extra needed=feat\n");
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", with_sub, NULL);
	make_side(&b, "B", base_decl, NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_SUBSECTION_UNKNOWN, "fx-dev/extra"));
	pc_report_release(&r);
	/* needed=feat false: never sent, nothing to report */
	add_ov(&a, "fx-dev", "feat", "off");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	CU_ASSERT_PTR_NULL(find(&r, PC_R_SUBSECTION_UNKNOWN, NULL));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* A subsection without a condition is always sent (QEMU sends a
 * description without needed() every time): a destination that does not
 * know it fails.  Only an explicit 'runtime' makes it needs-review, and a
 * needed= that is false still sends nothing. */
PCT_TEST("check", subsection_conditions_and_their_severity)
{
	static const struct {
		const char *attrs;
		bool feat;
		int sev; /* -1: no PC301 */
	} cases[] = {
		{ "", true, PC_SEV_INCOMPATIBLE },
		{ "needed=feat", true, PC_SEV_INCOMPATIBLE },
		{ "needed=feat", false, -1 },
		{ "runtime", true, PC_SEV_REVIEW },
		{ "needed=feat runtime", true, PC_SEV_REVIEW },
		{ "needed=feat runtime", false, -1 },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char *decl = pc_xasprintf("%s  subsection fx-dev/extra %s\nend\n",
					  HDR DEV(BASE_PROPS) QUEUE
					  "vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"
					  "vmsd fx-dev version=2 min=1\n" BASE_FIELDS,
					  cases[i].attrs);
		struct pc_side a, b;
		struct pc_report r;
		const struct pc_finding *f;

		make_side(&a, "A", decl, NULL);
		make_side(&b, "B", base_decl, NULL);
		if (!cases[i].feat) {
			add_ov(&a, "fx-dev", "feat", "off");
			add_ov(&b, "fx-dev", "feat", "off");
		}
		CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
		f = find(&r, PC_R_SUBSECTION_UNKNOWN, "fx-dev/extra");
		if (cases[i].sev < 0) {
			CU_ASSERT_PTR_NULL(f);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			PCT_ASSERT_INT_EQ(f->severity, cases[i].sev);
		}
		PCT_ASSERT_INT_EQ(pc_report_fails(&r), cases[i].sev == PC_SEV_INCOMPATIBLE);
		pc_report_release(&r);
		pc_side_release(&a);
		pc_side_release(&b);
		free(decl);
	}
}

PCT_TEST("check", device_missing_on_one_side)
{
	expect_both(base_decl,
		    HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1", BASE_FIELDS)
		    "type fx-other parent=device section=fx-other\nend\n"
		    "vmsd fx-other version=1 min=1\n  field a u8\nend\n",
		    PC_R_SECTION_UNSENT, PC_R_SECTION_MISSING, "fx-other");
}

PCT_TEST("check", compat_entry_naming_missing_property_is_an_error)
{
	struct pc_side a;
	struct pc_vm vm;
	struct pc_err err = { 0 };

	make_side(&a, "A", HDR DEV("  prop num-queue u16 default=1\n") QUEUE
		  VMSD("version=1 min=1", "  field status u32\n"),
		  "tests/fixtures/check/machines-pinned");
	CU_ASSERT_NOT_EQUAL(pc_vm_build(&a, pc_machine_find(a.machines, "fx-1.0"),
					1, &vm, &err), 0);
	PCT_ASSERT_CONTAINS(err.msg, "fx_compat_1_0.compat:2: unknown property 'num-queues' of 'fx-dev' (did you mean 'num-queue'?)");
	pc_side_release(&a);
}

PCT_TEST("check", suggest_finds_destination_override)
{
	struct pc_side a, b;
	struct pc_check c;
	struct pc_override *ovs;
	size_t n;
	struct pc_err err = { 0 };

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", base_decl, NULL);
	add_ov(&a, "fx-dev", "mask", "on");
	memset(&c, 0, sizeof(c));
	c.machine = "fx1";
	PCT_ASSERT_INT_EQ(pc_suggest_overrides(&c, &a, &b, &ovs, &n, &err), 1);
	PCT_ASSERT_INT_EQ(n, 1);
	if (n == 1) {
		PCT_ASSERT_STR_EQ(ovs[0].target, "fx-dev");
		PCT_ASSERT_STR_EQ(ovs[0].prop, "mask");
		PCT_ASSERT_STR_EQ(ovs[0].value, "on");
	}
	for (size_t i = 0; i < n; i++)
		pc_override_release(&ovs[i]);
	free(ovs);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", every_finding_reported_not_just_the_first)
{
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1",
		  "  field status u16\n  field ctr u32\n"
		  "  field vq struct struct=fx-queue count=num-queues\n"
		  "  field config buffer size=32\n  field tail u8\n"), NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_FIELD_SIZE, "status"));
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_FIELD_SIZE, "ctr"));
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_FIELD_SIZE, "config"));
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_FIELD_MISSING, "tail"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", subsection_required_by_destination)
{
	const char *with_sub = HDR DEV(BASE_PROPS) QUEUE
		"vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"
		VMSD("version=2 min=1", BASE_FIELDS "  subsection fx-dev/extra needed=feat\n");
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", base_decl, NULL);
	make_side(&b, "B", with_sub, NULL);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	f = find(&r, PC_R_SUBSECTION_REQUIRED, "fx-dev/extra");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INFO);
	PCT_ASSERT_STR_EQ(f->src_value, "unknown to the source");
	pc_report_release(&r);
	/* the destination started without the feature does not need it */
	add_ov(&b, "fx-dev", "feat", "off");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	CU_ASSERT_PTR_NULL(find(&r, PC_R_SUBSECTION_REQUIRED, NULL));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", new_device_type_is_not_a_break_in_the_default_configuration)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "old", base_decl, NULL);
	make_side(&b, "new", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1", BASE_FIELDS)
		  "type fx-other parent=device section=fx-other\nend\n"
		  "vmsd fx-other version=1 min=1\n  field a u8\nend\n", NULL);
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 1), 0);
	f = find(&r, PC_R_SECTION_MISSING, "fx-other");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INFO);
	PCT_ASSERT_CONTAINS(f->why, "has no device type fx-other");
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 0);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("check", type_since_leaves_older_releases_without_it)
{
	struct pc_side t;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_machine *m;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	make_side(&t, "tree", HDR DEV(BASE_PROPS) QUEUE VMSD("version=2 min=1", BASE_FIELDS)
		  "type fx-new parent=device since=1.5\nend\n", NULL);
	m = pc_machine_find(t.machines, "fx-1.0");
	t.project = true;
	pc_version_parse("1.2", &t.release);
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&t, m, 1, &vm, &err), 0);
	CU_ASSERT_PTR_NULL(pc_vm_find_object(&vm, "fx-new"));
	pc_vm_release(&vm);
	pc_version_parse("1.5", &t.release);
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&t, m, 1, &vm, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(pc_vm_find_object(&vm, "fx-new"));
	pc_vm_release(&vm);
	/* the writer keeps it */
	pc_decl_write_plugin(t.reg, t.reg->plugins[0], &sb);
	PCT_ASSERT_CONTAINS(sb.buf, "type fx-new parent=device since=1.5");
	pc_strbuf_release(&sb);
	pc_side_release(&t);
}

/* fx-dev with 'n' guest-visible properties p000... declared in order (or
 * in reverse), all default 0 but 'changed' (default 1; -1: none) */
static char *many_props_decl(int n, bool reverse, int changed)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_strbuf_addf(&sb, "%stype fx-dev parent=device section=fx-dev\n", HDR);
	for (int i = 0; i < n; i++) {
		int k = reverse ? n - 1 - i : i;

		pc_strbuf_addf(&sb, "  prop p%03d u32 default=%d guest-visible\n",
			       k, k == changed);
	}
	pc_strbuf_addf(&sb, "end\n%s", QUEUE);
	pc_strbuf_addf(&sb, "vmsd fx-dev version=1 min=1\n  field status u32\nend\n");
	return pc_strbuf_detach(&sb);
}

/* Properties are paired by name whatever their order and number (beyond
 * what the pairing keeps on the stack): the same 150 in reverse order
 * are silent, one default changed among them is found, alone, at its
 * name, both ways. */
PCT_TEST("check", properties_paired_by_name_in_any_order)
{
	char *fwd = many_props_decl(150, false, -1);
	char *rev = many_props_decl(150, true, -1);
	char *chg = many_props_decl(150, true, 7);
	struct pc_side a, b, c;
	struct pc_report r;

	make_side(&a, "A", fwd, NULL);
	make_side(&b, "B", rev, NULL);
	make_side(&c, "C", chg, NULL);
	fx_expect_silent(&a, &b, 0);
	fx_expect_silent(&b, &a, 0);
	CU_ASSERT_EQUAL_FATAL(fx_check(&a, &c, &r, 0), 0);
	PCT_ASSERT_INT_EQ(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_GUEST_PROP, "fx-dev.p007"));
	pc_report_release(&r);
	CU_ASSERT_EQUAL_FATAL(fx_check(&c, &a, &r, 0), 0);
	PCT_ASSERT_INT_EQ(r.n, 1);
	CU_ASSERT_PTR_NOT_NULL(find(&r, PC_R_GUEST_PROP, "fx-dev.p007"));
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_side_release(&c);
	free(fwd);
	free(rev);
	free(chg);
}
