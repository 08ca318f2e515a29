/*
 * test_derived.c - defaults that depend on other properties (derived=
 * over the object's properties and the type's attributes, 'attr') and
 * onoffauto properties whose auto follows the host (host=CAP): parsed,
 * refused when malformed or cyclic (with file:line, when the registry
 * links the types), written back, resolved after compat entries,
 * overrides and host capabilities in dependency order, and checked
 * (PC501 through a derived value, PC701/PC702/PC704 for host auto); and
 * whether a VM read the vCPU count, which decides whether the VM cache
 * lets it serve every count.
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
#define VMSD "vmsd fx-cpu version=1 min=1\n  field x u32\nend\n" \
	"vmsd fx-vs version=1 min=1\n  field y u32\nend\n"
/* lines: HDR 1-4, VMSD 5-10, the base type from 11 */
#define BASE(extra) "type fx-cpu parent=device abstract section=fx-cpu\n" \
	"  attr vendor GenuineIntel\n" \
	"  attr cache-info 0\n" \
	"  prop pmu bool default=off guest-visible\n" \
	"  prop pdcm bool derived=\"pmu || x-pdcm-always\" guest-visible\n" \
	"  prop x-pdcm-always bool default=off\n" \
	"  prop arch-cap bool derived=\"vendor != 'AuthenticAMD' || x-arch-cap-always\" guest-visible\n" \
	"  prop x-arch-cap-always bool default=off\n" \
	"  prop legacy-cache bool derived=!cache-info guest-visible\n" \
	extra "end\n"
#define MODELS "type fx-intel-cpu parent=fx-cpu\nend\n" \
	"type fx-amd-cpu parent=fx-cpu\n  attr vendor AuthenticAMD\n  attr cache-info 1\nend\n"
/* an onoffauto whose auto follows the host, one from a property */
#define VSOCK "type fx-vs parent=device section=fx-vs\n" \
	"  prop seqpacket onoffauto host=vsock-seqpacket guest-visible\n" \
	"  prop mq bool default=off\n" \
	"  prop big onoffauto derived=\"mq && smp > 1\" guest-visible\n" \
	"end\n"

static const char decl_text[] = HDR VMSD BASE("") MODELS VSOCK;

PCT_TEST("derived", attributes_and_derived_defaults_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(decl_text, &err);
	const struct pc_type *t;
	char *wa;

	if (!a)
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	t = pc_registry_find_type(a, "fx-amd-cpu");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	PCT_ASSERT_INT_EQ(t->n_attrs, 2);
	PCT_ASSERT_STR_EQ(t->attrs[0].name, "vendor");
	PCT_ASSERT_STR_EQ(t->attrs[0].text, "AuthenticAMD");
	CU_ASSERT_FALSE(t->attrs[0].is_num);
	CU_ASSERT_TRUE(t->attrs[1].is_num);
	PCT_ASSERT_INT_EQ(t->attrs[1].num, 1);
	wa = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(wa, "  prop pdcm bool derived=\"pmu || x-pdcm-always\" guest-visible\n");
	PCT_ASSERT_CONTAINS(wa, "  prop seqpacket onoffauto host=vsock-seqpacket guest-visible\n");
	PCT_ASSERT_CONTAINS(wa, "type fx-amd-cpu parent=fx-cpu\n  attr vendor AuthenticAMD\n  attr cache-info 1\nend\n");
	/* write(parse(write(x))) == write(x) */
	fx_expect_fixed_point(wa);
	free(wa);
	pc_registry_free(a);
}

PCT_TEST("derived", cycles_unknown_names_and_bad_attributes_are_refused)
{
	/* a cycle through two properties, and one through an inherited one */
	fx_expect_refused(HDR VMSD BASE("  prop a u32 derived=\"b + 1\"\n"
				     "  prop b u32 derived=\"a - 1\"\n"),
		       "u.decl:20: the derived defaults of type 'fx-cpu' form a cycle: a -> b -> a");
	fx_expect_refused(HDR VMSD BASE("  prop a bool derived=a\n"),
		       "u.decl:20: the derived defaults of type 'fx-cpu' form a cycle: a -> a");
	/* three in a subtype, through an inherited derived default */
	fx_expect_refused(HDR VMSD BASE("") MODELS
		       "type fx-sub parent=fx-cpu\n"
		       "  prop p1 bool derived=p2\n"
		       "  prop p2 bool derived=\"p3 && pdcm\"\n"
		       "  prop p3 bool derived=p1\nend\n",
		       "u.decl:28: the derived defaults of type 'fx-sub' form a cycle: p1 -> p2 -> p3 -> p1");
	/* a name the type does not have */
	fx_expect_refused(HDR VMSD BASE("  prop a bool derived=pnu\n"),
		       "u.decl:20: derived default of 'a' names 'pnu', which is neither a property nor an attribute of type 'fx-cpu'");
	/* attributes */
	fx_expect_refused(HDR VMSD BASE("  attr vendor AMD\n"),
		       "u.decl:20: second 'attr vendor' in type 'fx-cpu' (first at line 12)");
	fx_expect_refused(HDR VMSD BASE("  attr pmu 1\n"),
		       "u.decl:20: attribute 'pmu' of type 'fx-cpu' has the name of a property");
	fx_expect_refused(HDR VMSD BASE("  attr x\n"), "u.decl:20: expected 'attr NAME VALUE'");
	fx_expect_refused(HDR VMSD BASE("  attr x a b\n"), "u.decl:20: unexpected 'b'");
	fx_expect_refused(HDR "attr x 1\n" VMSD BASE(""), "'attr' outside a type block");
	/* host= on a kind without a host meaning */
	fx_expect_refused(HDR VMSD BASE("  prop n u32 host=avx\n"),
		       "u.decl:20: host= needs a bool, bit or onoffauto property, 'n' is u32");
}

static void make_side(struct pc_side *s, const char *label, const char *decl)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, 2, &err))
		fprintf(stderr, "\n  make_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
}

static void add_ov(struct pc_side *s, const char *text, bool per_device)
{
	struct pc_override ov;
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_override_parse(text, per_device, "--global",
						&ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
}

/* The effective property o.p of side s on fx-1.0 with 'smp' vCPUs. */
static char *value_of(const struct pc_side *s, int smp, const char *obj,
		      const char *prop, char **source)
{
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_object *o;
	const struct pc_eprop *ep;
	char *v = NULL;

	if (pc_vm_build(s, pc_machine_find(s->machines, "fx-1.0"), smp, &vm,
			&err)) {
		fprintf(stderr, "\n  build: %s\n", err.msg);
		CU_FAIL("build");
		return NULL;
	}
	o = pc_vm_find_object(&vm, obj);
	ep = o ? pc_object_prop(&vm, o, prop, NULL) : NULL;
	CU_ASSERT_PTR_NOT_NULL(ep);
	if (ep) {
		v = pc_xstrdup(ep->val.text);
		if (source)
			*source = pc_xstrdup(pc_eprop_source(ep));
	}
	pc_vm_release(&vm);
	return v;
}

static void expect_value(const struct pc_side *s, int smp, const char *obj,
			 const char *prop, const char *want, const char *why)
{
	char *src = NULL, *v = value_of(s, smp, obj, prop, &src);

	PCT_ASSERT_STR_EQ(v, want);
	if (why)
		PCT_ASSERT_CONTAINS(src, why);
	free(v);
	free(src);
}

PCT_TEST("derived", defaults_follow_properties_and_attributes)
{
	struct pc_side s;

	make_side(&s, "A", decl_text);
	/* pmu off: pdcm off, derived from it */
	expect_value(&s, 1, "fx-intel-cpu", "pdcm", "off",
		     "derived default pmu || x-pdcm-always, derived from pmu=off, x-pdcm-always=off (<A> line 15; pmu: default (<A> line 14)");
	/* the vendor attribute: on for Intel, off for AMD */
	expect_value(&s, 1, "fx-intel-cpu", "arch-cap", "on",
		     "derived from attribute vendor=GenuineIntel, x-arch-cap-always=off");
	expect_value(&s, 1, "fx-amd-cpu", "arch-cap", "off",
		     "attribute vendor=AuthenticAMD");
	/* a numeric attribute, redeclared by the subtype */
	expect_value(&s, 1, "fx-intel-cpu", "legacy-cache", "on", NULL);
	expect_value(&s, 1, "fx-amd-cpu", "legacy-cache", "off",
		     "derived from attribute cache-info=1");
	/* an onoffauto resolved from a property and the configuration */
	expect_value(&s, 2, "fx-vs", "big", "off", "auto resolved to off: derived default mq && smp > 1 with smp=2, derived from mq=off");
	pc_side_release(&s);
}

PCT_TEST("derived", an_override_of_an_input_flows_into_the_derived_default)
{
	struct pc_side s;

	make_side(&s, "A", decl_text);
	add_ov(&s, "fx-cpu.pmu=on", false);
	expect_value(&s, 1, "fx-intel-cpu", "pdcm", "on",
		     "derived from pmu=on, x-pdcm-always=off (<A> line 15; pmu: override --global; x-pdcm-always: default (<A> line 16))");
	/* the AMD compat knob turns the vendor-dependent capability back on */
	add_ov(&s, "fx-amd-cpu.x-arch-cap-always=on", false);
	expect_value(&s, 1, "fx-amd-cpu", "arch-cap", "on", NULL);
	add_ov(&s, "fx-vs.mq=on", false);
	expect_value(&s, 1, "fx-vs", "big", "off", NULL);
	expect_value(&s, 2, "fx-vs", "big", "on", "auto resolved to on");
	pc_side_release(&s);
}

PCT_TEST("derived", an_explicit_setting_wins_over_the_derivation)
{
	struct pc_side s;

	make_side(&s, "A", decl_text);
	add_ov(&s, "fx-cpu.pmu=on", false);
	add_ov(&s, "fx-intel-cpu.pdcm=off", false);
	expect_value(&s, 1, "fx-intel-cpu", "pdcm", "off", "override --global");
	/* the per-device form too, after the globals */
	add_ov(&s, "fx-intel-cpu.pdcm=on", true);
	expect_value(&s, 1, "fx-intel-cpu", "pdcm", "on", NULL);
	/* an onoffauto set to on stays on; set to auto it resolves */
	add_ov(&s, "fx-vs.big=on", false);
	expect_value(&s, 1, "fx-vs", "big", "on", "override");
	add_ov(&s, "fx-vs.big=auto", true);
	expect_value(&s, 1, "fx-vs", "big", "off", "auto resolved to off");
	pc_side_release(&s);
}

PCT_TEST("derived", dependencies_resolve_first_whatever_the_declaration_order)
{
	static const char chain[] = HDR VMSD
		"type fx-c parent=device section=fx-cpu\n"
		"  prop c u32 derived=\"b * 2\"\n"
		"  prop b u32 derived=\"a + 1\"\n"
		"  prop a u32 derived=smp\n"
		"  prop d u8 derived=\"c * 50\"\n"
		"end\n";
	struct pc_side s;
	struct pc_vm vm;
	struct pc_err err = { 0 };

	make_side(&s, "A", chain);
	expect_value(&s, 1, "fx-c", "c", "4", "derived from b=2");
	expect_value(&s, 1, "fx-c", "d", "200", NULL);
	pc_side_release(&s);
	/* a value out of the kind's range is an error naming the line */
	make_side(&s, "A", chain);
	CU_ASSERT_EQUAL(pc_vm_build(&s, pc_machine_find(s.machines, "fx-1.0"), 2,
				    &vm, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg, "<A>:15: invalid value '300' for u8 property 'd'");
	pc_side_release(&s);
}

/* The one finding of 'r' (rule, severity, path), its why and fix. */
static void expect_one(const struct pc_report *r, enum pc_rule rule,
		       enum pc_severity sev, const char *path, const char *why,
		       const char *fix)
{
	if (r->n != 1)
		pct_dump_report(r);
	PCT_ASSERT_INT_EQ(r->n, 1);
	if (r->n != 1)
		return;
	PCT_ASSERT_INT_EQ(r->items[0].rule, rule);
	PCT_ASSERT_INT_EQ(r->items[0].severity, sev);
	PCT_ASSERT_STR_EQ(r->items[0].path, path);
	if (why)
		PCT_ASSERT_CONTAINS(r->items[0].why, why);
	if (fix)
		PCT_ASSERT_CONTAINS(r->items[0].fix, fix);
}

PCT_TEST("derived", a_derived_value_that_differs_is_a_guest_visible_break)
{
	struct pc_side a, b;
	struct pc_report r;

	/* the destination's user turned on x-pdcm-always (not guest-visible
	 * itself): pdcm, derived from it, differs */
	make_side(&a, "A", decl_text);
	make_side(&b, "B", decl_text);
	fx_expect_silent(&a, &b, 1);
	add_ov(&b, "fx-intel-cpu.x-pdcm-always=on", false);
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	expect_one(&r, PC_R_GUEST_PROP, PC_SEV_INCOMPATIBLE, "fx-cpu.pdcm", NULL, NULL);
	pc_report_release(&r);
	/* the neighbour: the same input on both sides is silent */
	add_ov(&a, "fx-intel-cpu.x-pdcm-always=on", false);
	fx_expect_silent(&a, &b, 1);
	pc_side_release(&a);
	pc_side_release(&b);
}

static struct pc_host_caps host_with(const char *name, const char *cap)
{
	struct pc_host_caps h = { 0 };

	h.name = pc_xstrdup(name);
	h.path = pc_xasprintf("%s.caps", name);
	h.caps = pc_xcalloc(2, sizeof(char *));
	h.caps[0] = pc_xstrdup(cap);
	h.n_caps = 1;
	return h;
}

PCT_TEST("derived", host_auto_checked_for_every_host_pair)
{
	static const char vs_only[] = HDR VMSD VSOCK;
	struct pc_host_caps has = host_with("new", "vsock-seqpacket");
	struct pc_host_caps lacks = host_with("old", "something-else");
	struct pc_side a, b;
	struct pc_report r;

	make_side(&a, "A", vs_only);
	make_side(&b, "B", vs_only);
	/* the same host on both sides: silent, whether it has it or not */
	a.host = b.host = &has;
	expect_value(&a, 1, "fx-vs", "seqpacket", "on",
		     "auto resolved to on: host capability 'vsock-seqpacket' present on host new");
	fx_expect_silent(&a, &b, 1);
	a.host = b.host = &lacks;
	fx_expect_silent(&a, &b, 1);
	/* auto on at the source, off at the destination: PC701 */
	a.host = &has;
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	expect_one(&r, PC_R_HOST_FEATURE, PC_SEV_INCOMPATIBLE, "fx-vs.seqpacket",
		   "lacks 'vsock-seqpacket'",
		   "set fx-vs.seqpacket=off explicitly on both sides (-global fx-vs.seqpacket=off;");
	pc_report_release(&r);
	/* the other way round: more on the destination, to review */
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 1), 0);
	expect_one(&r, PC_R_HOST_FEATURE_EXTRA, PC_SEV_REVIEW, "fx-vs.seqpacket",
		   NULL, NULL);
	pc_report_release(&r);
	/* the fix: off on both sides */
	add_ov(&a, "fx-vs.seqpacket=off", false);
	add_ov(&b, "fx-vs.seqpacket=off", false);
	fx_expect_silent(&a, &b, 1);
	pc_side_release(&a);
	pc_side_release(&b);
	/* on, explicitly, where the destination's host lacks it: QEMU
	 * refuses to realize the device (PC704), also with equal values */
	make_side(&a, "A", vs_only);
	make_side(&b, "B", vs_only);
	a.host = &has;
	b.host = &lacks;
	add_ov(&a, "fx-vs.seqpacket=on", false);
	add_ov(&b, "fx-vs.seqpacket=on", false);
	expect_value(&b, 1, "fx-vs", "seqpacket", "on", "override");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	expect_one(&r, PC_R_HOST_AUTO_FORCED, PC_SEV_INCOMPATIBLE,
		   "fx-vs.seqpacket",
		   "its host old lacks 'vsock-seqpacket': QEMU refuses to realize the device",
		   "-global fx-vs.seqpacket=off");
	pc_report_release(&r);
	/* the neighbour: the destination's host has it */
	b.host = &has;
	fx_expect_silent(&a, &b, 1);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_host_caps_release(&has);
	pc_host_caps_release(&lacks);
}

PCT_TEST("derived", props_says_what_a_default_was_derived_from)
{
	char *out = NULL;

	/* the shipped x86 CPU: legacy-cache follows the model's class data */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-11.0",
					NULL), 0);
	PCT_ASSERT_CONTAINS(out, "legacy-cache                       = on         [guest] derived default !cache-info, derived from attribute cache-info=0 (");
	free(out);
}

PCT_TEST("derived", a_host_feature_that_realize_also_filters)
{
	/* QEMU's PDCM: from the host, hidden when the PMU is off */
	static const char decl[] = HDR VMSD
		"type fx-h parent=device section=fx-cpu\n"
		"  prop pmu bool default=off guest-visible\n"
		"  prop pdcm bool host=pdcm derived=pmu guest-visible\n"
		"end\n";
	struct pc_host_caps has = host_with("h", "pdcm");
	struct pc_side s;

	make_side(&s, "A", decl);
	s.host = &has;
	expect_value(&s, 1, "fx-h", "pdcm", "off",
		     "host capability 'pdcm' present on host h, and derived default pmu, derived from pmu=off");
	add_ov(&s, "fx-h.pmu=on", false);
	expect_value(&s, 1, "fx-h", "pdcm", "on", NULL);
	/* a host without it: off, whatever the PMU */
	s.host = NULL;
	expect_value(&s, 1, "fx-h", "pdcm", "off",
		     "host capability 'pdcm' absent on the reference host");
	pc_side_release(&s);
	pc_host_caps_release(&has);
	/* only a bool or bit may combine them, and never with default= */
	fx_expect_refused(HDR VMSD BASE("  prop n onoffauto host=x derived=pmu\n"),
		       "u.decl:20: property 'n' has more than one of default=, derived= and host=");
	fx_expect_refused(HDR VMSD BASE("  prop n bool host=x default=on\n"),
		       "u.decl:20: property 'n' has more than one of default=, derived= and host=");
}

/*
 * A VM notes whether building and resolving it read the vCPU count
 * (pc_vm.reads_smp): the VM cache lets one that did not serve every vCPU
 * count of its side, so a read it misses would compare one count's VM at
 * another.
 */
static bool default_vm_reads_smp(const char *decl, int smp)
{
	struct pc_side s;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	bool r = false;

	make_side(&s, "tree", decl);
	if (pc_vm_build(&s, pc_machine_find(s.machines, "fx-1.0"), smp, &vm,
			&err)) {
		fprintf(stderr, "\n  build: %s\n", err.msg);
		CU_FAIL("build");
	} else {
		if (pc_vm_resolve(&vm, &err)) {
			fprintf(stderr, "\n  resolve: %s\n", err.msg);
			CU_FAIL("resolve");
		} else {
			r = vm.reads_smp;
		}
		pc_vm_release(&vm);
	}
	pc_side_release(&s);
	return r;
}

#define CPU_SEC(fields) "vmsd fx-cpu version=1 min=1\n  field x u32\n" fields "end\n" \
	"vmsd fx-vs version=1 min=1\n  field y u32\nend\n"

PCT_TEST("derived", a_vm_notes_whether_it_read_the_vcpu_count)
{
	/* nothing names smp */
	CU_ASSERT_FALSE(default_vm_reads_smp(HDR VMSD BASE("") MODELS, 2));
	/* a derived default that reads it */
	CU_ASSERT_TRUE(default_vm_reads_smp(HDR VMSD BASE("  prop nq u32 derived=smp\n")
					    MODELS, 2));
	/* one that names it where && does not evaluate it (mq is off): its
	 * provenance shows the count all the same */
	CU_ASSERT_TRUE(default_vm_reads_smp(decl_text, 2));
	/* a field condition that reads it, true or false */
	CU_ASSERT_TRUE(default_vm_reads_smp(HDR CPU_SEC("  field z u8 if=\"smp > 1\"\n")
					    BASE("") MODELS, 1));
	CU_ASSERT_TRUE(default_vm_reads_smp(HDR CPU_SEC("  field z u8 if=\"smp > 1\"\n")
					    BASE("") MODELS, 2));
	/* one that names it where || does not evaluate it: the explanation
	 * of the field's presence shows the count */
	CU_ASSERT_TRUE(default_vm_reads_smp(HDR CPU_SEC("  field z u8 if=\"1 || smp > 1\"\n")
					    BASE("") MODELS, 2));
	/* a condition without smp */
	CU_ASSERT_FALSE(default_vm_reads_smp(HDR CPU_SEC("  field z u8 if=\"1 || 0\"\n")
					     BASE("") MODELS, 2));
}

/* 'a' -> 'b' over fx-1.0's vCPU counts (1, 2, 4, 8), with shared VMs or
 * not: the configurations of the findings at fx-intel-cpu's field 'path',
 * " | " between findings, are 'configs'. */
static void expect_field_configs(const struct pc_side *a, const struct pc_side *b,
				 bool cache, const char *path, const char *configs)
{
	struct pc_check c;
	struct pc_report r;
	struct pc_err err = { 0 };
	struct pc_strbuf got = PC_STRBUF_INIT;

	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.vms = cache ? pc_vm_cache_new() : NULL;
	pc_report_init(&r);
	CU_ASSERT_EQUAL(pc_check_direction(&c, a, b, &r, &err), 0);
	for (size_t i = 0; i < r.n; i++)
		if (r.items[i].path && !strcmp(r.items[i].path, path) &&
		    r.items[i].device && !strcmp(r.items[i].device, "fx-intel-cpu"))
			pc_strbuf_addf(&got, "%s%s", got.len ? " | " : "",
				       r.items[i].config);
	PCT_ASSERT_STR_EQ(got.len ? got.buf : "", configs);
	pc_strbuf_release(&got);
	pc_report_release(&r);
	pc_vm_cache_free(c.vms);
}

PCT_TEST("derived", a_vm_that_did_not_read_the_vcpu_count_serves_them_all)
{
	struct pc_side a, always, above2;

	make_side(&a, "a", HDR VMSD BASE("") MODELS);
	make_side(&always, "b", HDR CPU_SEC("  field z u8\n") BASE("") MODELS);
	make_side(&above2, "b", HDR CPU_SEC("  field z u8 if=\"smp > 2\"\n")
		  BASE("") MODELS);
	for (int cache = 0; cache < 2; cache++) {
		/* neither side reads the count: one VM each serves every
		 * count, the field missing at each of them (one finding) */
		expect_field_configs(&a, &always, cache, "z",
				     "smp=1, smp=2, smp=4, smp=8");
		/* the destination's field depends on it: missing only where
		 * it is sent (its explanation names the count: one finding
		 * each), silent at 1 and 2 vCPUs */
		expect_field_configs(&a, &above2, cache, "z", "smp=4 | smp=8");
		expect_field_configs(&above2, &a, cache, "z", "smp=4 | smp=8");
	}
	pc_side_release(&a);
	pc_side_release(&always);
	pc_side_release(&above2);
}
