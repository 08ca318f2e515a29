/*
 * test_vmconfig.c - the VM configurations the main job checks besides the
 * default one (core/vmconfig.h): the 'config' declaration (parsed,
 * refused with its line, written back), the configurations derived from
 * the layouts (each guest-visible boolean that gates state, flipped on
 * its own), and a break that only a non-default configuration shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fxside.h"
#include "model.h"
#include "pctest.h"
#include "side.h"
#include "vmconfig.h"

#define VC_HDR "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
/* fx-dev: ats (guest-visible, off) gates a subsection, legacy
 * (guest-visible, on) a field, x-dbg (not guest-visible) a field, queues
 * (guest-visible, an integer) a count, plain (guest-visible bool) nothing */
#define VC_VMSD(ats_fields) \
	"vmsd fx-dev/ats version=1 min=1\n  field ctrl u32\n" ats_fields "end\n" \
	"vmsd fx-dev version=1 min=1\n" \
	"  field status u32\n" \
	"  field old u16 if=legacy\n" \
	"  field dbg u8 if=x-dbg\n" \
	"  field q u8 count=queues\n" \
	"  subsection fx-dev/ats needed=ats\n" \
	"end\n"
#define VC_DEV(extra) "type fx-dev parent=device section=fx-dev\n" \
	"  prop ats bool default=off guest-visible\n" \
	"  prop legacy bool default=on guest-visible\n" \
	"  prop x-dbg bool default=off\n" \
	"  prop queues u8 default=1 guest-visible\n" \
	"  prop plain bool default=off guest-visible\n" \
	extra "end\n"

static void vc_refused(const char *text, const char *msg)
{
	struct pc_err err = { 0 };
	struct pc_registry *reg = fx_registry(text, &err);

	CU_ASSERT_PTR_NULL(reg);
	if (reg)
		pc_registry_free(reg);
	PCT_ASSERT_CONTAINS(err.msg, msg);
}

PCT_TEST("vmconfig", declared_parsed_and_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *reg = fx_registry(VC_HDR VC_VMSD("")
		VC_DEV("  config iommu \"ats=on,queues=4\"\n  config legacy-off \"legacy=off\"\n"),
		&err);
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const struct pc_type *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	t = pc_registry_find_type(reg, "fx-dev");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	PCT_ASSERT_INT_EQ(t->n_configs, 2);
	PCT_ASSERT_STR_EQ(t->configs[0].name, "iommu");
	PCT_ASSERT_STR_EQ(t->configs[0].props, "ats=on,queues=4");
	PCT_ASSERT_INT_EQ(t->configs[0].line, 21);
	pc_decl_write_plugin(reg, reg->plugins[0], &sb);
	PCT_ASSERT_CONTAINS(sb.buf, "  config iommu \"ats=on,queues=4\"\n  config legacy-off \"legacy=off\"\nend\n");
	pc_strbuf_release(&sb);
	pc_registry_free(reg);
}

PCT_TEST("vmconfig", malformed_declarations_are_refused_with_their_line)
{
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu\n"),
		   "u.decl:21: expected 'config NAME \"P=V[,P=V...]\"', found end of line");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"\"\n"),
		   "u.decl:21: config iommu: expected \"P=V[,P=V...]\"");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats\"\n"),
		   "u.decl:21: config iommu: expected P=V, found 'ats'");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats=on,\"\n"),
		   "u.decl:21: config iommu: expected \"P=V[,P=V...]\"");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats=on,ats=off\"\n"),
		   "u.decl:21: config iommu: property 'ats' named twice");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats=on\"\n  config iommu \"queues=2\"\n"),
		   "u.decl:22: second 'config iommu' in type 'fx-dev' (first at line 21)");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats=on\" extra\n"),
		   "u.decl:21: unexpected 'extra'");
	vc_refused(VC_HDR "config iommu \"ats=on\"\n" VC_VMSD("") VC_DEV(""),
		   "'config' outside a type block");
	/* the properties and values are checked once the types are linked */
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"atz=on\"\n"),
		   "u.decl:21: config iommu: type 'fx-dev' has no property 'atz'");
	vc_refused(VC_HDR VC_VMSD("") VC_DEV("  config iommu \"ats=maybe\"\n"),
		   "u.decl:21: config iommu: invalid value 'maybe'");
}

static void vc_side(struct pc_side *s, const char *label, const char *decl)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, 2, &err))
		fprintf(stderr, "\n  vc_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
}

static const struct pc_vmconfig *vc_find(const struct pc_vmconfigs *c,
					 const char *label)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].label, label))
			return &c->items[i];
	return NULL;
}

/* Each guest-visible boolean with a literal default that gates state,
 * flipped on its own; nothing else; declared ones first, not repeated. */
PCT_TEST("vmconfig", derived_from_the_properties_that_gate_state)
{
	struct pc_side s;
	struct pc_vmconfigs c;
	const struct pc_vmconfig *v;

	vc_side(&s, "A", VC_HDR VC_VMSD("")
		VC_DEV("  config iommu \"ats=on\"\n  config wide \"queues=4\"\n"));
	pc_vmconfigs_of(&s, &c);
	PCT_ASSERT_INT_EQ(c.n, 3);
	v = vc_find(&c, "fx-dev: ats=on");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_TRUE(v->declared);
	PCT_ASSERT_CONTAINS(v->origin, "declared 'iommu'");
	CU_ASSERT_PTR_NOT_NULL(vc_find(&c, "fx-dev: queues=4"));
	v = vc_find(&c, "fx-dev: legacy=off");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_FALSE(v->declared);
	PCT_ASSERT_STR_EQ(v->origin, "derived: legacy gates field fx-dev/old (if=)");
	/* not guest-visible, not boolean, gating nothing: none */
	CU_ASSERT_PTR_NULL(vc_find(&c, "fx-dev: x-dbg=on"));
	CU_ASSERT_PTR_NULL(vc_find(&c, "fx-dev: plain=on"));
	pc_vmconfigs_release(&c);
	pc_side_release(&s);

	vc_side(&s, "A", VC_HDR VC_VMSD("") VC_DEV(""));
	pc_vmconfigs_of(&s, &c);
	PCT_ASSERT_INT_EQ(c.n, 2);
	v = vc_find(&c, "fx-dev: ats=on");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	PCT_ASSERT_STR_EQ(v->origin, "derived: ats gates subsection fx-dev/ats");
	pc_vmconfigs_release(&c);
	pc_side_release(&s);

	/* a value that blocks migration is no configuration to migrate;
	 * a type that always blocks has none */
	vc_side(&s, "A", VC_HDR VC_VMSD("")
		VC_DEV("  unmigratable prop=ats value=on\n"));
	pc_vmconfigs_of(&s, &c);
	CU_ASSERT_PTR_NULL(vc_find(&c, "fx-dev: ats=on"));
	CU_ASSERT_PTR_NOT_NULL(vc_find(&c, "fx-dev: legacy=off"));
	pc_vmconfigs_release(&c);
	pc_side_release(&s);
	vc_side(&s, "A", VC_HDR VC_VMSD("")
		VC_DEV("  unmigratable\n  config iommu \"ats=on\"\n"));
	pc_vmconfigs_of(&s, &c);
	PCT_ASSERT_INT_EQ(c.n, 0);
	pc_vmconfigs_release(&c);
	pc_side_release(&s);
	/* a subtype inherits its ancestors' declared configurations: checked
	 * on the concrete type, under its name */
	vc_side(&s, "A", VC_HDR VC_VMSD("")
		"type fx-base parent=device abstract\n"
		"  prop ats bool default=off guest-visible\n"
		"  config iommu \"ats=on\"\nend\n"
		"type fx-leaf parent=fx-base section=fx-dev\n"
		"  prop legacy bool default=on guest-visible\n"
		"  prop x-dbg bool default=off\n"
		"  prop queues u8 default=1 guest-visible\nend\n");
	pc_vmconfigs_of(&s, &c);
	v = vc_find(&c, "fx-leaf: ats=on");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_TRUE(v->declared);
	CU_ASSERT_PTR_NULL(vc_find(&c, "fx-base: ats=on"));
	pc_vmconfigs_release(&c);
	pc_side_release(&s);
}

static void vc_check(struct pc_side *a, struct pc_side *b,
		     const struct pc_vmconfig *v, struct pc_report *r,
		     struct pc_pair *p)
{
	struct pc_check c;
	struct pc_side ca, cb;
	struct pc_err err = { 0 };

	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(r);
	CU_ASSERT_EQUAL_FATAL(pc_check_direction(&c, a, b, r, &err), 0);
	if (!v)
		return;
	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(a, v, &ca, &err), 0);
	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(b, v, &cb, &err), 0);
	PCT_ASSERT_INT_EQ(pc_side_check(&ca, "fx-1.0", &err), 0);
	CU_ASSERT_EQUAL(pc_vmconfig_direction(&c, v, &ca, &cb, r->n, r, p,
					      &err), 0);
	pc_vmconfig_side_release(&ca);
	pc_vmconfig_side_release(&cb);
}

static const struct pc_finding *vc_finding(const struct pc_report *r,
					   enum pc_rule rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].rule == rule)
			return &r->items[i];
	return NULL;
}

/* A field appended to the subsection only ats=on sends: the default
 * configuration passes, the derived one fails, naming itself; the same
 * change behind a gate the older side keeps off stays silent there. */
PCT_TEST("vmconfig", a_break_behind_a_non_default_property)
{
	struct pc_side a, b;
	struct pc_vmconfigs c;
	struct pc_report r;
	struct pc_pair p;
	const struct pc_finding *f;

	vc_side(&a, "new", VC_HDR VC_VMSD("  field pasid u32\n") VC_DEV(""));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV(""));
	vc_check(&a, &b, NULL, &r, &p);
	PCT_ASSERT_INT_EQ(pc_report_fails(&r), 0);
	pc_report_release(&r);
	pc_vmconfigs_of(&a, &c);
	vc_check(&a, &b, vc_find(&c, "fx-dev: ats=on"), &r, &p);
	PCT_ASSERT_INT_EQ(p.incompatible, 1);
	f = vc_finding(&r, PC_R_FIELD_ADDED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	PCT_ASSERT_STR_EQ(f->vm_config, "fx-dev: ats=on");
	PCT_ASSERT_CONTAINS(f->path, "pasid");
	pc_report_release(&r);
	/* a configuration that does not reach the change: silent */
	vc_check(&a, &b, vc_find(&c, "fx-dev: legacy=off"), &r, &p);
	PCT_ASSERT_INT_EQ(p.incompatible, 0);
	PCT_ASSERT_INT_EQ(pc_report_fails(&r), 0);
	pc_report_release(&r);
	pc_vmconfigs_release(&c);
	pc_side_release(&a);
	pc_side_release(&b);

	/* the fix: the new field in its own subsection, needed only when a
	 * property the older side does not turn on says so */
	vc_side(&a, "new", VC_HDR
		"vmsd fx-dev/pasid version=1 min=1\n  field pasid u32\nend\n"
		"vmsd fx-dev/ats version=1 min=1\n  field ctrl u32\n"
		"  subsection fx-dev/pasid needed=x-pasid\nend\n"
		"vmsd fx-dev version=1 min=1\n  field status u32\n"
		"  field old u16 if=legacy\n  field dbg u8 if=x-dbg\n"
		"  field q u8 count=queues\n  subsection fx-dev/ats needed=ats\nend\n"
		VC_DEV("  prop x-pasid bool default=off\n"));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV(""));
	pc_vmconfigs_of(&a, &c);
	vc_check(&a, &b, vc_find(&c, "fx-dev: ats=on"), &r, &p);
	PCT_ASSERT_INT_EQ(p.incompatible, 0);
	PCT_ASSERT_INT_EQ(pc_report_fails(&r), 0);
	pc_report_release(&r);
	pc_vmconfigs_release(&c);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* A finding the default configuration already gave is not repeated for
 * the configuration. */
PCT_TEST("vmconfig", default_findings_are_not_repeated)
{
	struct pc_side a, b;
	struct pc_vmconfigs c;
	struct pc_report r;
	struct pc_pair p;
	size_t n = 0;

	/* the status field widened: every configuration shows it */
	vc_side(&a, "new", VC_HDR "vmsd fx-dev/ats version=1 min=1\n  field ctrl u32\nend\n"
		"vmsd fx-dev version=1 min=1\n  field status u64\n"
		"  field old u16 if=legacy\n  field dbg u8 if=x-dbg\n"
		"  field q u8 count=queues\n  subsection fx-dev/ats needed=ats\nend\n"
		VC_DEV(""));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV(""));
	pc_vmconfigs_of(&a, &c);
	vc_check(&a, &b, vc_find(&c, "fx-dev: ats=on"), &r, &p);
	for (size_t i = 0; i < r.n; i++) {
		n += r.items[i].rule == PC_R_FIELD_SIZE;
		CU_ASSERT_PTR_NULL(r.items[i].vm_config);
	}
	PCT_ASSERT_INT_EQ(n, 1);
	PCT_ASSERT_INT_EQ(p.incompatible, 0);
	pc_report_release(&r);
	pc_vmconfigs_release(&c);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("vmconfig", cli_main_job_checks_and_names_the_configurations)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "pc-q35-8.0", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "  extra configurations: ");
	PCT_ASSERT_CONTAINS(out, " derived; ");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "-v", "--machine", "pc-q35-8.0", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "  configuration virtio-net-pci: rss=on (derived: rss gates subsection virtio-net-device/rss): compatible\n");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "pc-q35-8.0",
					"--default-config-only", NULL), 0);
	PCT_ASSERT_NOT_CONTAINS(out, "extra configurations");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "--machine",
					"pc-q35-8.0", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"configurations\": [");
	PCT_ASSERT_CONTAINS(out, "\"configuration\": \"virtio-net-pci: rss=on\"");
	PCT_ASSERT_CONTAINS(out, "\"origin\": \"derived\"");
	free(out);
	/* the other modes check the default configuration: refused */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-q35-8.0",
					"--from", "8.0", "--default-config-only",
					NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--default-config-only applies to the main job");
	free(out);
}

/* A check of one vCPU count sharing VMs, as the main job's. */
static void vc_chk(struct pc_check *c)
{
	memset(c, 0, sizeof(*c));
	c->machine = "fx-1.0";
	c->smps[0] = 1;
	c->n_smps = 1;
	c->vms = pc_vm_cache_new();
}

/* The key of side 'base' started in 'v' (its VM through c's cache). */
static struct pc_vmkey vc_key(struct pc_check *c, const struct pc_side *base,
			      const struct pc_vmconfig *v, struct pc_side *cs)
{
	struct pc_err err = { 0 };
	struct pc_vmkey k = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(base, v, cs, &err), 0);
	PCT_ASSERT_INT_EQ(pc_check_vm_key(c, cs, 1, &k, &err), 0);
	PCT_ASSERT_INT_EQ(k.smp, 1);
	return k;
}

/* A release known by the key of its VM in a configuration (what an
 * earlier run kept, vmkeys.h): a key that differs leaves the direction to
 * the full check, which finds the break; an equal one settles it, with
 * what the full check counts and no finding; a key of another vCPU count
 * or of a VM that blocks migration settles nothing. */
PCT_TEST("vmconfig", kept_keys_settle_only_equal_vms)
{
	struct pc_side a, b, same, ca, cb, cs;
	struct pc_vmconfigs c;
	const struct pc_vmconfig *v;
	struct pc_check chk, full;
	struct pc_vmkey kb, ks, other;
	struct pc_report r;
	struct pc_pair p;
	struct pc_err err = { 0 };
	size_t secs = 0, props = 0, done_secs;

	vc_side(&a, "new", VC_HDR VC_VMSD("  field pasid u32\n") VC_DEV(""));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV(""));
	vc_side(&same, "same", VC_HDR VC_VMSD("  field pasid u32\n") VC_DEV(""));
	pc_vmconfigs_of(&a, &c);
	v = vc_find(&c, "fx-dev: ats=on");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	vc_chk(&chk);
	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(&a, v, &ca, &err), 0);
	kb = vc_key(&chk, &b, v, &cb);
	ks = vc_key(&chk, &same, v, &cs);
	CU_ASSERT_NOT_EQUAL(kb.key, ks.key);
	CU_ASSERT_FALSE(ks.blocked);
	/* the break: both directions go to the full check */
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &ca, &cb, &cb, &kb, 1,
						   &secs, &props, &err), 0);
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &cb, &ca, &cb, &kb, 1,
						   &secs, &props, &err), 0);
	PCT_ASSERT_INT_EQ(secs + props, 0);
	pc_report_init(&r);
	PCT_ASSERT_INT_EQ(pc_vmconfig_direction(&chk, v, &ca, &cb, 0, &r, &p, &err), 0);
	PCT_ASSERT_INT_EQ(p.incompatible, 1);
	pc_report_release(&r);
	/* equal VMs: settled, counted as the full check counts them */
	done_secs = chk.sections_compared;
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &ca, &cs, &cs, &ks, 1,
						   &secs, &props, &err), 1);
	vc_chk(&full);
	pc_report_init(&r);
	PCT_ASSERT_INT_EQ(pc_vmconfig_direction(&full, v, &ca, &cs, 0, &r, &p, &err), 0);
	PCT_ASSERT_INT_EQ(r.n, 0);
	CU_ASSERT_TRUE(full.sections_compared > 0 && full.props_compared > 0);
	PCT_ASSERT_INT_EQ(secs, full.sections_compared);
	PCT_ASSERT_INT_EQ(props, full.props_compared);
	/* the caller adds them */
	PCT_ASSERT_INT_EQ(chk.sections_compared, done_secs);
	pc_report_release(&r);
	pc_vm_cache_free(full.vms);
	/* a key of another vCPU count, or of a VM that blocks migration */
	other = ks;
	other.smp = 2;
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &ca, &cs, &cs, &other, 1,
						   &secs, &props, &err), 0);
	other = ks;
	other.blocked = true;
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &ca, &cs, &cs, &other, 1,
						   &secs, &props, &err), 0);
	CU_ASSERT_FALSE(err.set);
	pc_vm_cache_forget(chk.vms, &ca, 1);
	pc_vm_cache_forget(chk.vms, &cb, 1);
	pc_vm_cache_forget(chk.vms, &cs, 1);
	pc_vmconfig_side_release(&ca);
	pc_vmconfig_side_release(&cb);
	pc_vmconfig_side_release(&cs);
	pc_vm_cache_free(chk.vms);
	pc_vmconfigs_release(&c);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_side_release(&same);
}

/* A VM that blocks migration in a configuration has a blocked key: two
 * such keys settle nothing (the full check reports PC603). */
PCT_TEST("vmconfig", a_blocking_vm_is_never_settled_by_keys)
{
	struct pc_side a, b, ca, cb;
	struct pc_vmconfig v;
	struct pc_check chk;
	struct pc_vmkey ka, kb;
	struct pc_err err = { 0 };
	size_t secs = 0, props = 0;

	pc_vmconfig_init(&v, "fx-dev", "plain=on", pc_xstrdup("test"), false);
	vc_side(&a, "new", VC_HDR VC_VMSD("") VC_DEV("  unmigratable prop=plain value=on\n"));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV("  unmigratable prop=plain value=on\n"));
	vc_chk(&chk);
	ka = vc_key(&chk, &a, &v, &ca);
	kb = vc_key(&chk, &b, &v, &cb);
	CU_ASSERT_TRUE(ka.blocked);
	CU_ASSERT_EQUAL(ka.key, kb.key);
	PCT_ASSERT_INT_EQ(pc_check_direction_keyed(&chk, &ca, &cb, &cb, &kb, 1,
						   &secs, &props, &err), 0);
	pc_vm_cache_forget(chk.vms, &ca, 1);
	pc_vm_cache_forget(chk.vms, &cb, 1);
	pc_vmconfig_side_release(&ca);
	pc_vmconfig_side_release(&cb);
	pc_vm_cache_free(chk.vms);
	pc_side_release(&a);
	pc_side_release(&b);
	pc_vmconfig_clear(&v);
}

/* A configuration's values are parsed once (pc_vmconfig_init()) and every
 * side started in it borrows them after its own overrides; values that do
 * not parse give every side the same error and an empty side. */
PCT_TEST("vmconfig", configuration_overrides_parsed_once_for_every_side)
{
	struct pc_side a, b, ca, cb;
	struct pc_vmconfig good, bad;
	struct pc_err e1 = { 0 }, e2 = { 0 };

	vc_side(&a, "new", VC_HDR VC_VMSD("") VC_DEV(""));
	vc_side(&b, "old", VC_HDR VC_VMSD("") VC_DEV(""));
	pc_vmconfig_init(&good, "fx-dev", "ats=on,plain=off",
			 pc_xstrdup("test"), false);
	pc_vmconfig_init(&bad, "fx-dev", "ats=on,ats=off", pc_xstrdup("test"),
			 false);
	CU_ASSERT_PTR_NULL(good.ovs_err);
	PCT_ASSERT_INT_EQ(good.n_ovs, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad.ovs_err);

	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(&a, &good, &ca, &e1), 0);
	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(&b, &good, &cb, &e1), 0);
	PCT_ASSERT_INT_EQ(ca.n_overrides, a.n_overrides + 2);
	PCT_ASSERT_INT_EQ(cb.n_overrides, b.n_overrides + 2);
	PCT_ASSERT_STR_EQ(ca.overrides[a.n_overrides].target, "fx-dev");
	PCT_ASSERT_STR_EQ(ca.overrides[a.n_overrides].prop, "ats");
	PCT_ASSERT_STR_EQ(ca.overrides[a.n_overrides].value, "on");
	CU_ASSERT_TRUE(ca.overrides[a.n_overrides].per_device);
	PCT_ASSERT_STR_EQ(ca.overrides[a.n_overrides].origin,
			  "configuration fx-dev: ats=on,plain=off");
	PCT_ASSERT_STR_EQ(cb.overrides[b.n_overrides + 1].prop, "plain");
	/* both sides start it */
	CU_ASSERT_EQUAL(pc_side_check(&ca, "fx-1.0", &e1), 0);
	CU_ASSERT_EQUAL(pc_side_check(&cb, "fx-1.0", &e1), 0);
	pc_vmconfig_side_release(&ca);
	pc_vmconfig_side_release(&cb);

	CU_ASSERT_EQUAL(pc_vmconfig_side(&a, &bad, &ca, &e1), -1);
	CU_ASSERT_EQUAL(pc_vmconfig_side(&b, &bad, &cb, &e2), -1);
	CU_ASSERT_TRUE(e1.set);
	PCT_ASSERT_STR_EQ(e1.msg, "property 'ats' named twice");
	PCT_ASSERT_STR_EQ(e2.msg, e1.msg);
	CU_ASSERT_PTR_NULL(ca.devices);
	PCT_ASSERT_INT_EQ(ca.n_overrides, 0);
	pc_vmconfig_side_release(&ca);
	pc_vmconfig_side_release(&cb);

	pc_vmconfig_clear(&good);
	pc_vmconfig_clear(&bad);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* A release that cannot start a configuration (a property its release
 * does not have yet) fails the side check with or without a message
 * wanted (err NULL: the main job only lists such releases); a
 * configuration it can start passes both ways. */
PCT_TEST("vmconfig", a_release_that_cannot_start_fails_without_a_message)
{
	struct pc_side rel, cs;
	struct pc_vmconfig newer, plain;
	struct pc_err e = { 0 };
	struct pc_err fe = { 0 };

	if (fx_side_init(&rel, "1.0", VC_HDR VC_VMSD("")
			 VC_DEV("  prop newp bool default=off guest-visible since=2.0 absent=off\n"),
			 NULL, 1, &fe))
		fprintf(stderr, "\n  %s\n", fe.msg);
	CU_ASSERT_FALSE_FATAL(fe.set);
	rel.project = true;
	pc_vmconfig_init(&newer, "fx-dev", "newp=on", pc_xstrdup("test"), false);
	pc_vmconfig_init(&plain, "fx-dev", "plain=on", pc_xstrdup("test"), false);

	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(&rel, &newer, &cs, &e), 0);
	CU_ASSERT_EQUAL(pc_side_check(&cs, "fx-1.0", NULL), -1);
	CU_ASSERT_EQUAL(pc_side_check(&cs, "fx-1.0", &e), -1);
	PCT_ASSERT_CONTAINS(e.msg, "property 'newp' does not exist in release");
	pc_vmconfig_side_release(&cs);

	CU_ASSERT_EQUAL_FATAL(pc_vmconfig_side(&rel, &plain, &cs, NULL), 0);
	CU_ASSERT_EQUAL(pc_side_check(&cs, "fx-1.0", NULL), 0);
	pc_vmconfig_side_release(&cs);

	pc_vmconfig_clear(&newer);
	pc_vmconfig_clear(&plain);
	pc_side_release(&rel);
}

/* Configurations are told apart within a type (a declared one is not
 * repeated by a derived one, nor an inherited one by the type's own), and
 * two types with the same values keep one each. */
PCT_TEST("vmconfig", equal_values_are_one_configuration_per_type)
{
	struct pc_side s;
	struct pc_vmconfigs c;
	size_t dev = 0, dev2 = 0;

	vc_side(&s, "A", VC_HDR VC_VMSD("")
		VC_DEV("  config iommu \"ats=on\"\n")
		"type fx-dev2 parent=fx-dev\n  config again \"ats=on\"\nend\n");
	pc_vmconfigs_of(&s, &c);
	for (size_t i = 0; i < c.n; i++) {
		dev += !strcmp(c.items[i].label, "fx-dev: ats=on");
		dev2 += !strcmp(c.items[i].label, "fx-dev2: ats=on");
	}
	PCT_ASSERT_INT_EQ(dev, 1);
	PCT_ASSERT_INT_EQ(dev2, 1);
	CU_ASSERT_PTR_NOT_NULL(vc_find(&c, "fx-dev2: legacy=off"));
	PCT_ASSERT_INT_EQ(c.n, 4);
	pc_vmconfigs_release(&c);
	pc_side_release(&s);
}
