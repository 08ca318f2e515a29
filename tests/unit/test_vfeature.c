/*
 * test_vfeature.c - virtio feature bits (property kind `feature`, rules
 * PC506/PC507): the declaration parsed, refused when malformed (cycles
 * named) and written back; the offer resolved (requires= in dependency
 * order, host= with a host file); the subset rule of virtio_load() in
 * both directions, between two trees, against a release that predates a
 * feature, and between hosts.
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
/* a virtio-like device: features in host_features and the extended word */
#define NIC(feats) "type fx-nic parent=device section=fx-nic\n" \
	"  prop ctrl_vq feature container=host_features bit=17 default=on\n" \
	feats "end\n"

static const char full_decl[] = HDR VMSD NIC(
	"  prop guest_announce feature container=host_features bit=21 default=on requires=ctrl_vq\n"
	"  prop host_uso feature container=host_features bit=56 default=on host=tap-uso\n"
	"  prop tunnel feature container=host_features_ex bit=65 default=on requires=host_uso,guest_announce\n"
	"  prop mq feature container=host_features bit=22\n");

PCT_TEST("vfeature", parsed_kept_and_written_back)
{
	struct pc_err err = { 0 };
	struct pc_registry *a = fx_registry(full_decl, &err);
	const struct pc_prop *pr;
	char *wa;

	if (!a)
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	pr = pc_type_find_prop(pc_registry_find_type(a, "fx-nic"), "tunnel", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pr);
	PCT_ASSERT_INT_EQ(pr->kind, PC_PROP_FEATURE);
	PCT_ASSERT_INT_EQ(pc_prop_kind_class(pr->kind), PC_PCLASS_BOOL);
	PCT_ASSERT_INT_EQ(pr->bitnr, 65);
	PCT_ASSERT_STR_EQ(pr->container, "host_features_ex");
	PCT_ASSERT_INT_EQ(pr->n_requires, 2);
	PCT_ASSERT_STR_EQ(pr->requires[1], "guest_announce");
	/* a feature is guest-visible by nature: the guest negotiates it */
	CU_ASSERT_TRUE(pr->guest_visible);
	pr = pc_type_find_prop(pc_registry_find_type(a, "fx-nic"), "host_uso", NULL);
	PCT_ASSERT_STR_EQ(pr->host_feature, "tap-uso");
	PCT_ASSERT_STR_EQ(pr->def_text, "on");
	wa = fx_decl_write(a);
	PCT_ASSERT_CONTAINS(wa, "  prop guest_announce feature container=host_features bit=21 default=on requires=ctrl_vq guest-visible\n");
	PCT_ASSERT_CONTAINS(wa, "  prop host_uso feature container=host_features bit=56 default=on host=tap-uso guest-visible\n");
	PCT_ASSERT_CONTAINS(wa, "requires=host_uso,guest_announce guest-visible\n");
	/* write(parse(write(x))) == write(x) */
	fx_expect_fixed_point(wa);
	free(wa);
	pc_registry_free(a);
}

PCT_TEST("vfeature", malformed_features_are_refused_with_their_line)
{
	fx_expect_refused(HDR VMSD NIC("  prop a feature bit=3\n"),
		       "u.decl:10: missing container= for feature property 'a'");
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=host_features bit=128\n"),
		       "u.decl:10:");
	fx_expect_refused(HDR VMSD NIC("  prop a bool requires=ctrl_vq\n"),
		       "u.decl:10: requires= only applies to feature properties, 'a' is bool");
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 requires=a\n"),
		       "u.decl:10: feature 'a' requires itself");
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 requires=ctrl_vq,ctrl_vq\n"),
		       "u.decl:10: 'ctrl_vq' appears twice in requires=");
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 derived=smp\n"),
		       "u.decl:10: derived= does not apply to feature property 'a'");
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 default=maybe\n"),
		       "u.decl:10:");
	/* links are checked once the types are linked */
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 requires=ctrl_rx\n"),
		       "u.decl:10: feature 'a' requires=ctrl_rx: type 'fx-nic' has no property 'ctrl_rx'");
	fx_expect_refused(HDR VMSD NIC("  prop n u32\n"
				    "  prop a feature container=f bit=1 requires=n\n"),
		       "u.decl:11: feature 'a' requires=n: 'n' is u32, not on/off");
	/* a cycle is named in full */
	fx_expect_refused(HDR VMSD NIC("  prop a feature container=f bit=1 requires=b\n"
				    "  prop b feature container=f bit=2 requires=c\n"
				    "  prop c feature container=f bit=3 requires=a\n"),
		       "u.decl:10: type 'fx-nic': feature dependency cycle: a -> b -> c -> a");
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

static void add_ov(struct pc_side *s, const char *text)
{
	struct pc_override ov;
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_override_parse(text, false, "test", &ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
}

/* The value of fx-nic.NAME in the side's VM for fx-1.0. */
static void expect_offer(struct pc_side *s, const char *name, const char *val,
			 const char *source)
{
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_eprop *ep;

	CU_ASSERT_EQUAL_FATAL(pc_vm_build(s, pc_machine_find(s->machines, "fx-1.0"),
					  1, &vm, &err), 0);
	ep = pc_object_prop(&vm, pc_vm_find_object(&vm, "fx-nic"), name, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	PCT_ASSERT_STR_EQ(ep->val.text, val);
	if (source)
		PCT_ASSERT_CONTAINS(pc_eprop_source(ep), source);
	pc_vm_release(&vm);
}

static char cap_uso[] = "tap-uso", cap_other[] = "avx";
static char name_a[] = "A", path_a[] = "a.caps", name_b[] = "B", path_b[] = "b.caps";
static char *caps_with[] = { cap_uso, cap_other }, *caps_without[] = { cap_other };
static struct pc_host_caps host_a = { name_a, path_a, caps_with, 2 };
static struct pc_host_caps host_b = { name_b, path_b, caps_without, 1 };

PCT_TEST("vfeature", the_offer_follows_requirements_and_host)
{
	struct pc_side s;

	make_side(&s, "A", full_decl, 2);
	/* no host file: the host is unknown, each feature as set */
	expect_offer(&s, "tunnel", "on", NULL);
	expect_offer(&s, "host_uso", "on", NULL);
	expect_offer(&s, "mq", "off", NULL);
	/* ctrl_vq off: guest_announce is not offered, and tunnel, which
	 * requires it, neither: resolved in dependency order */
	add_ov(&s, "fx-nic.ctrl_vq=off");
	expect_offer(&s, "guest_announce", "off",
		     "not offered: guest_announce requires ctrl_vq, which is off");
	expect_offer(&s, "tunnel", "off",
		     "not offered: tunnel requires guest_announce, which is off (not offered: guest_announce requires ctrl_vq");
	pc_side_release(&s);
	/* a host without the capability does not offer host_uso, nor tunnel */
	make_side(&s, "A", full_decl, 2);
	s.host = &host_b;
	expect_offer(&s, "host_uso", "off", "host B lacks capability 'tap-uso'");
	expect_offer(&s, "tunnel", "off", "tunnel requires host_uso, which is off");
	s.host = &host_a;
	expect_offer(&s, "host_uso", "on", NULL);
	s.host = NULL;
	pc_side_release(&s);
}

/* The one finding of 'r', of rule 'rule' at 'path'. */
static const struct pc_finding *expect_one(const struct pc_report *r,
					   enum pc_rule rule, const char *path)
{
	if (r->n != 1)
		pct_dump_report(r);
	PCT_ASSERT_INT_EQ(r->n, 1);
	if (r->n != 1)
		return NULL;
	PCT_ASSERT_INT_EQ(r->items[0].rule, rule);
	PCT_ASSERT_STR_EQ(r->items[0].path, path);
	return &r->items[0];
}

PCT_TEST("vfeature", the_subset_rule_both_directions)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	/* A offers mq, B does not */
	make_side(&a, "A", full_decl, 2);
	make_side(&b, "B", full_decl, 2);
	add_ov(&a, "fx-nic.mq=on");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	f = expect_one(&r, PC_R_VIRTIO_FEATURE_UNOFFERED, "fx-nic.mq");
	if (f) {
		PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INCOMPATIBLE);
		PCT_ASSERT_CONTAINS(f->why, "the source offers virtio feature mq (bit 22 of host_features (0x400000)) and the guest may have negotiated it");
		/* QEMU's words, the high one first: ctrl_vq, guest_announce,
		 * mq, host_uso; tunnel (65) in the second */
		PCT_ASSERT_CONTAINS(f->why, "\"Features 0x00000000000000020100000000620000 unsupported. Allowed features: 0x00000000000000020100000000220000\"");
		PCT_ASSERT_STR_EQ(f->fix_override, "--dst-global fx-nic.mq=on");
		CU_ASSERT_TRUE(pc_report_fails(&r));
	}
	pc_report_release(&r);
	/* the other way: the load succeeds, said as info */
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 1), 0);
	f = expect_one(&r, PC_R_VIRTIO_FEATURE_EXTRA, "fx-nic.mq");
	if (f) {
		PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INFO);
		PCT_ASSERT_CONTAINS(f->why, "the load succeeds");
		PCT_ASSERT_CONTAINS(f->why, "only after a device reset");
		PCT_ASSERT_STR_EQ(f->fix_override, "--dst-global fx-nic.mq=off");
		CU_ASSERT_FALSE(pc_report_fails(&r));
	}
	pc_report_release(&r);
	/* neighbour: both offer it */
	add_ov(&b, "fx-nic.mq=on");
	fx_expect_silent(&a, &b, 1);
	fx_expect_silent(&b, &a, 1);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("vfeature", a_requirement_is_the_cause)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", full_decl, 2);
	make_side(&b, "B", full_decl, 2);
	/* B without ctrl_vq offers neither guest_announce nor tunnel */
	add_ov(&b, "fx-nic.ctrl_vq=off");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	PCT_ASSERT_INT_EQ(r.n, 3);
	for (size_t i = 0; i < r.n; i++) {
		PCT_ASSERT_INT_EQ(r.items[i].rule, PC_R_VIRTIO_FEATURE_UNOFFERED);
		PCT_ASSERT_STR_EQ(r.items[i].cause, "fx-nic.ctrl_vq");
	}
	pc_report_release(&r);
	/* neighbour: neither side has ctrl_vq, so both offer the same */
	add_ov(&a, "fx-nic.ctrl_vq=off");
	fx_expect_silent(&a, &b, 1);
	(void)f;
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("vfeature", extended_words_are_named)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", full_decl, 2);
	make_side(&b, "B", full_decl, 2);
	add_ov(&b, "fx-nic.tunnel=off");
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	f = expect_one(&r, PC_R_VIRTIO_FEATURE_UNOFFERED, "fx-nic.tunnel");
	if (f)
		PCT_ASSERT_CONTAINS(f->why, "virtio feature tunnel (bit 65 of host_features_ex (word 1: 0x2))");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("vfeature", hosts_both_directions)
{
	struct pc_side a, b;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&a, "A", full_decl, 2);
	make_side(&b, "B", full_decl, 2);
	a.host = &host_a;
	b.host = &host_b;
	/* A's host offers USO, B's does not: host_uso and tunnel */
	CU_ASSERT_EQUAL(fx_check(&a, &b, &r, 1), 0);
	PCT_ASSERT_INT_EQ(r.n, 2);
	for (size_t i = 0; i < r.n; i++) {
		f = &r.items[i];
		PCT_ASSERT_INT_EQ(f->rule, PC_R_VIRTIO_FEATURE_UNOFFERED);
		if (strcmp(f->path, "fx-nic.host_uso"))
			continue;
		PCT_ASSERT_CONTAINS(f->why, "the destination's host B lacks 'tap-uso'");
		PCT_ASSERT_CONTAINS(f->fix, "start the source with fx-nic.host_uso=off");
		PCT_ASSERT_CONTAINS(f->fix, "plugcheck baseline --machine fx-1.0");
		CU_ASSERT_PTR_NULL(f->fix_line);
	}
	pc_report_release(&r);
	/* B -> A: A's host offers more, the load succeeds */
	CU_ASSERT_EQUAL(fx_check(&b, &a, &r, 1), 0);
	PCT_ASSERT_INT_EQ(r.n, 2);
	for (size_t i = 0; i < r.n; i++)
		PCT_ASSERT_INT_EQ(r.items[i].rule, PC_R_VIRTIO_FEATURE_EXTRA);
	CU_ASSERT_FALSE(pc_report_fails(&r));
	pc_report_release(&r);
	/* neighbour: the same capabilities */
	b.host = &host_a;
	fx_expect_silent(&a, &b, 1);
	a.host = b.host = NULL;
	pc_side_release(&a);
	pc_side_release(&b);
}

/* The tree adds a feature offered by default in 2.0 (since=2.0
 * absent=off); release 1.0 predates it. */
static const char rel_decl[] = HDR VMSD NIC(
	"  prop rx_ring_reset feature container=host_features bit=40 default=on since=2.0 absent=off\n");

PCT_TEST("vfeature", a_release_that_predates_a_feature)
{
	struct pc_side tree, rel;
	struct pc_report r;
	const struct pc_finding *f;

	make_side(&tree, "tree", rel_decl, 2);
	make_side(&rel, "1.0", rel_decl, 1);
	CU_ASSERT_EQUAL(fx_check(&tree, &rel, &r, 1), 0);
	f = expect_one(&r, PC_R_VIRTIO_FEATURE_UNOFFERED, "fx-nic.rx_ring_reset");
	if (f) {
		PCT_ASSERT_STR_EQ(f->src_value, "on");
		PCT_ASSERT_STR_EQ(f->dst_value, "off");
		PCT_ASSERT_CONTAINS(f->why, "absent before 2.0");
		/* the compat line that keeps it off for fx-1.0 */
		PCT_ASSERT_STR_EQ(f->fix_line, "fx-nic rx_ring_reset off");
	}
	pc_report_release(&r);
	CU_ASSERT_EQUAL(fx_check(&rel, &tree, &r, 1), 0);
	f = expect_one(&r, PC_R_VIRTIO_FEATURE_EXTRA, "fx-nic.rx_ring_reset");
	pc_report_release(&r);
	/* neighbour: the tree turns it off for fx-1.0 */
	add_ov(&tree, "fx-nic.rx_ring_reset=off");
	fx_expect_silent(&tree, &rel, 1);
	fx_expect_silent(&rel, &tree, 1);
	pc_side_release(&tree);
	pc_side_release(&rel);
}

static char *write_caps(const char *dir, const char *name, const char *caps)
{
	char *path = pc_xasprintf("%s/%s.caps", dir, name);
	char *text = pc_xasprintf("host %s\ncap %s\n", name, caps);
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL(pc_write_file_atomic(path, text, strlen(text), &err), 0);
	free(text);
	return path;
}

PCT_TEST("vfeature", shipped_virtio_net_between_hosts)
{
	char *dir = pct_tmpdir("vfeature");
	char *a = write_caps(dir, "A", "pcid tap-uso");
	char *b = write_caps(dir, "B", "pcid");
	char *out = NULL;

	/* the USO features follow the tap backend: A offers them, B not */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--smp", "1",
					"--from", "tree", "--to", "tree", "--src-host", a,
					"--dst-host", b, "-v", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC506 incompatible [virtio-feature-unoffered]");
	PCT_ASSERT_CONTAINS(out, "at: virtio-net-pci/vdev virtio-net-device.guest_uso4");
	PCT_ASSERT_CONTAINS(out, "fix: start the source with virtio-net-device.host_uso=off");
	PCT_ASSERT_NOT_CONTAINS(out, "PC701");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--smp", "1",
					"--from", "tree", "--to", "tree", "--src-host", b,
					"--dst-host", a, NULL), 0);
	PCT_ASSERT_CONTAINS(out, "PC507 info [virtio-feature-extra]");
	free(out);
	/* the intersection turns them off on A, as device options */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "baseline", "--machine", "q35", "--host", a,
					"--host", b, NULL), 0);
	PCT_ASSERT_CONTAINS(out, "e.g. -global virtio-net-device.guest_uso4=off -global virtio-net-device.guest_uso6=off -global virtio-net-device.host_uso=off\n");
	PCT_ASSERT_CONTAINS(out, "with the overrides: compatible");
	PCT_ASSERT_NOT_CONTAINS(out, "-cpu host,");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "baseline", "--machine",
					"q35", "--host", a, "--host", b, NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"global_options\": \"-global virtio-net-device.guest_uso4=off");
	PCT_ASSERT_CONTAINS(out, "\"virtio-net-device.host_uso=off\"");
	free(out);
	/* props says what the offer depends on */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "q35", "--explain",
					"virtio-net-device.guest_announce", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "virtio-net-device.guest_announce: feature, declared by virtio-net-device");
	PCT_ASSERT_CONTAINS(out, "  virtio feature: bit 21 of host_features;");
	PCT_ASSERT_CONTAINS(out, "  offered: only while ctrl_vq is on\n");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "q35", "--explain",
					"virtio-net-device.host_uso", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "  offered: only when the host has capability 'tap-uso'\n");
	PCT_ASSERT_NOT_CONTAINS(out, "default: on when the host");
	free(out);
	free(a);
	free(b);
	free(dir);
}
