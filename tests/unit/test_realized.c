/*
 * test_realized.c - values as QEMU shows them after realize (realized=
 * on a property, realize.h): parsed, refused on a feature, written back;
 * evaluated over the object's properties, those a composite aliases from
 * its children, the type's attributes and the machine configuration; an
 * explicit setting realized as itself; an onoffauto realized only while
 * auto; an expression that fails names its declaration; and `props`
 * showing the realized value beside the declared one on the shipped
 * plugins (vectors, disable-legacy, phys-bits) and the ROM file a class
 * gives a PCI device (derived= over the class-romfile attribute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fxside.h"
#include "model.h"
#include "pctest.h"
#include "realize.h"
#include "resolve.h"

#define HDR "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
/* lines: HDR 1-4, the backend from 5, the proxy from 9 */
#define BACKEND "type fx-blk-device parent=device internal\n" \
	"  prop num-queues u16 derived=smp guest-visible\n" \
	"  prop legacy onoffauto default=auto realized=pcie_port guest-visible\n" \
	"end\n"
#define PROXY(vec) "type fx-blk-pci parent=device\n" \
	"  attr extra 1\n" \
	"  child vdev fx-blk-device alias-props\n" \
	"  prop vectors u32 default=4294967295 guest-visible " vec "\n" \
	"  prop bits u32 default=0 realized=\"bits == 0 ? 40 : bits\"\n" \
	"end\n"
#define GOOD "realized=\"vectors == 4294967295 ? num-queues + extra : vectors\""

static void make_side(struct pc_side *s, const char *decl)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, "A", decl, NULL, 2, &err))
		fprintf(stderr, "\n  make_side: %s\n", err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
}

static void add_ov(struct pc_side *s, const char *text)
{
	struct pc_override ov;
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL_FATAL(pc_override_parse(text, false, "--global", &ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
}

/* the realized value of obj.prop on fx-1.0 with 'smp' vCPUs ("-" when
 * none applies); an error's message into *msg when msg is given */
static char *realized_of(const struct pc_side *s, int smp, const char *obj,
			 const char *prop, char **msg)
{
	struct pc_vm vm;
	struct pc_err err = { 0 };
	const struct pc_object *o, *holder = NULL;
	const struct pc_eprop *ep;
	char *r = NULL;

	CU_ASSERT_EQUAL_FATAL(pc_vm_build(s, pc_machine_find(s->machines, "fx-1.0"),
					  smp, &vm, &err), 0);
	o = pc_vm_find_object(&vm, obj);
	ep = o ? pc_object_prop(&vm, o, prop, &holder) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	if (pc_eprop_realized(&vm, holder, ep, &r, &err)) {
		if (msg)
			*msg = pc_xstrdup(err.msg);
		r = NULL;
	} else if (!r) {
		r = pc_xstrdup("-");
	}
	pc_vm_release(&vm);
	return r;
}

static void expect_realized(const struct pc_side *s, int smp, const char *obj,
			    const char *prop, const char *want)
{
	char *r = realized_of(s, smp, obj, prop, NULL);

	PCT_ASSERT_STR_EQ(r, want);
	free(r);
}

PCT_TEST("realized", parsed_refused_on_a_feature_and_written_back)
{
	struct pc_side s;
	struct pc_registry *reg;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct pc_err err = { 0 };

	make_side(&s, HDR BACKEND PROXY(GOOD));
	pc_decl_write_plugin(s.reg, s.reg->plugins[0], &sb);
	PCT_ASSERT_CONTAINS(sb.buf, "prop vectors u32 default=4294967295 realized=\"vectors == 4294967295 ? num-queues + extra : vectors\" guest-visible");
	PCT_ASSERT_CONTAINS(sb.buf, "prop legacy onoffauto default=auto realized=pcie_port guest-visible");
	pc_strbuf_release(&sb);
	pc_side_release(&s);
	/* a feature is negotiated, not realized */
	reg = pc_registry_new();
	{
		struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));
		const char *t = HDR "type fx-v parent=device\n"
			"  prop f feature container=host_features bit=1 default=on realized=1\nend\n";

		pl->path = pc_xstrdup("u.decl");
		pl->decl = pc_xstrdup(t);
		pl->decl_len = strlen(t);
		PCT_ASSERT_INT_EQ(pc_registry_add_plugin(reg, pl, "u.decl", &err), -1);
		PCT_ASSERT_CONTAINS(err.msg, "u.decl:6: realized= does not apply to feature property 'f'");
	}
	pc_registry_free(reg);
}

PCT_TEST("realized", resolved_from_aliased_children_attributes_and_the_machine)
{
	struct pc_side s;

	make_side(&s, HDR BACKEND PROXY(GOOD));
	/* the sentinel: the child's queue count (smp) plus the attribute */
	expect_realized(&s, 1, "fx-blk-pci", "vectors", "2");
	expect_realized(&s, 4, "fx-blk-pci", "vectors", "5");
	expect_realized(&s, 1, "fx-blk-pci", "bits", "40");
	/* auto on the root bus (pcie_port 0): off */
	expect_realized(&s, 1, "fx-blk-pci/vdev", "legacy", "off");
	/* no realized=: nothing to show */
	expect_realized(&s, 1, "fx-blk-pci/vdev", "num-queues", "-");
	/* an explicit setting is what realize keeps; a set onoffauto stays */
	add_ov(&s, "fx-blk-pci.vectors=3");
	add_ov(&s, "fx-blk-pci.bits=39");
	add_ov(&s, "fx-blk-device.legacy=on");
	expect_realized(&s, 1, "fx-blk-pci", "vectors", "3");
	expect_realized(&s, 1, "fx-blk-pci", "bits", "39");
	expect_realized(&s, 1, "fx-blk-pci/vdev", "legacy", "-");
	pc_side_release(&s);
}

PCT_TEST("realized", an_expression_that_fails_names_its_declaration)
{
	struct pc_side s;
	char *msg = NULL, *r;

	/* a result the kind cannot hold */
	make_side(&s, HDR BACKEND PROXY("realized=-1"));
	msg = NULL;
	r = realized_of(&s, 1, "fx-blk-pci", "vectors", &msg);
	CU_ASSERT_PTR_NULL(r);
	PCT_ASSERT_CONTAINS(msg, "<A>:12: realized value of fx-blk-pci.vectors: ");
	free(msg);
	pc_side_release(&s);
}

/*
 * A name the concrete type does not have is refused when the plugins
 * link, at the declaring line; an abstract type's expression may name
 * what its concrete types add (here the aliased child's num-queues).
 */
PCT_TEST("realized", a_name_the_type_lacks_is_refused_at_link)
{
	struct pc_side s;
	static const char abstract_base[] =
		HDR BACKEND
		"type fx-base parent=device abstract\n"
		"  prop vectors u32 default=4294967295 " GOOD "\n"
		"end\n"
		"type fx-blk-pci parent=fx-base\n"
		"  attr extra 1\n"
		"  child vdev fx-blk-device alias-props\n"
		"end\n";

	fx_expect_refused(HDR BACKEND PROXY("realized=\"num-queus + 1\""),
			  ":12: realized value of 'vectors' names 'num-queus', which type 'fx-blk-pci' does not have");
	/* the neighbour: the same expression spelt right links */
	make_side(&s, HDR BACKEND PROXY("realized=\"num-queues + 1\""));
	expect_realized(&s, 1, "fx-blk-pci", "vectors", "2");
	pc_side_release(&s);
	/* declared on an abstract parent, named by the concrete type's child */
	make_side(&s, abstract_base);
	expect_realized(&s, 4, "fx-blk-pci", "vectors", "5");
	pc_side_release(&s);
	/* a concrete type without the child: the name is missing there */
	fx_expect_refused(HDR BACKEND
			  "type fx-base parent=device abstract\n"
			  "  prop vectors u32 default=4294967295 " GOOD "\n"
			  "end\n"
			  "type fx-bare parent=fx-base\n"
			  "  attr extra 1\n"
			  "end\n",
			  ":10: realized value of 'vectors' names 'num-queues', which type 'fx-bare' does not have");
}

PCT_TEST("realized", props_shows_the_value_after_realize)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-7.2",
					"--device", "virtio-blk-pci", NULL), 0);
	/* DEV_NVECTORS_UNSPECIFIED: num-queues (smp 1) + 1 */
	PCT_ASSERT_CONTAINS(out, "vectors                            = 4294967295 -> 2 after realize [guest] ");
	PCT_ASSERT_CONTAINS(out, "disable-legacy                     = auto       -> off after realize [guest] ");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-7.2", "--smp", "4",
					"--device", "virtio-blk-pci", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "= 4294967295 -> 5 after realize");
	free(out);
	/* an older machine type's compat value is kept by realize */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-5.1",
					"--device", "virtio-net-pci", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "vectors                            = 3          [guest] compat entry");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-7.2",
					"--explain", "virtio-net-pci.vectors", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "after realize: 4 (realized=");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "props", "--machine",
					"pc-q35-7.2", "--device", "qemu64-x86_64-cpu", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"realized\": \"40\"");
	free(out);
	/* a recorded release carries realized= in its declarations */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-5.1", "--side", "5.1",
					"--device", "virtio-blk-pci", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "= 4294967295 -> 2 after realize");
	free(out);
	/* the class's ROM file: what QEMU's pci_qdev_realize() fills in */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "props", "--machine", "pc-q35-7.2",
					"--device", "e1000e", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "romfile                            = efi-e1000e.rom derived default class-romfile");
	free(out);
}
