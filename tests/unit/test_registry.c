/*
 * test_registry.c - the registry (core/registry.c): one namespace across
 * plugins, linking and its errors (missing parent with a suggestion,
 * cycles, interfaces, struct nesting, count-field order, invariants),
 * QEMU's is-a rule, inherited properties and property values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pctest.h"

#include "banned.h"

#define H(name) "plugcheck-abi 1\nplugin " name " 1.0\n"

static struct pc_plugin *mkplugin(const char *path, const char *text)
{
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));

	p->path = pc_xstrdup(path);
	p->decl = pc_xstrdup(text);
	p->decl_len = strlen(text);
	return p;
}

/* Add each (path, text) pair; returns the registry, or NULL + message. */
static struct pc_registry *build(char *msg, size_t len, bool finalize,
				 const char *path, const char *text, ...)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_err err = { 0 };
	va_list ap;

	msg[0] = '\0';
	va_start(ap, text);
	while (path) {
		if (pc_registry_add_plugin(reg, mkplugin(path, text), path,
					   &err))
			break;
		path = va_arg(ap, const char *);
		if (path)
			text = va_arg(ap, const char *);
	}
	va_end(ap);
	if (!err.set && finalize)
		pc_registry_finalize(reg, &err);
	if (err.set) {
		snprintf(msg, len, "%s", err.msg);
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

static const char base_types[] =
	H("base")
	"type device abstract\n"
	"  prop id string\n"
	"end\n"
	"type interface abstract interface\n"
	"end\n"
	"type conventional-pci-device parent=interface interface\nend\n"
	"type pci-express-device parent=interface interface\nend\n"
	"type pcie-ext parent=pci-express-device interface\nend\n"
	"type pci-device parent=device abstract interfaces=conventional-pci-device section=pci\n"
	"  prop addr u8 default=0xff\n"
	"  prop x-pcie-err-unc-mask bool default=on\n"
	"end\n"
	"vmsd pci version=2 min=1\n"
	"  field config buffer size=4096\n"
	"  invariant aer field=config offset=0x104 size=4 value=0 romask=0x400000\n"
	"end\n";

PCT_TEST("registry", duplicate_type_names_both_plugins)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), false,
		    "plugins/a/a.so", H("a") "type e1000e\nend\n",
		    "plugins/b/b.so", H("b") "type e1000e\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "type 'e1000e' is provided by both 'plugins/a/a.so' and 'plugins/b/b.so'");
	reg = build(msg, sizeof(msg), false,
		    "plugins/a/a.so", H("a") "vmsd e1000e version=1 min=1\nend\n",
		    "plugins/b/b.so", H("b") "vmsd e1000e version=1 min=1\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "vmsd 'e1000e' is provided by both 'plugins/a/a.so' and 'plugins/b/b.so'");
	/* a type and a description may share a name (QEMU does it) */
	reg = build(msg, sizeof(msg), true,
		    "a.so", H("a") "type e1000e section=e1000e\nend\nvmsd e1000e version=1 min=1\nend\n",
		    NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(pc_type_section(pc_registry_find_type(reg, "e1000e"))->name,
			  "e1000e");
	pc_registry_free(reg);
}

PCT_TEST("registry", missing_parent_suggests)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "base.so", base_types,
		    "plugins/e1000e/e1000e.so",
		    H("e1000e") "\n\ntype e1000e parent=pci-devcie\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "plugins/e1000e/e1000e.so:5: unknown parent type 'pci-devcie' of type 'e1000e' (did you mean 'pci-device'?)");
	reg = build(msg, sizeof(msg), true, "x.so",
		    H("x") "type e1000e parent=zzzzzzzzzzzz\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "x.so:3: unknown parent type 'zzzzzzzzzzzz' of type 'e1000e'");
}

PCT_TEST("registry", parent_cycle)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "c.so",
		    H("c") "type root\nend\ntype a parent=c\nend\ntype b parent=a\nend\n"
		    "type c parent=b\nend\ntype d parent=root\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "c.so:5: parent cycle: a -> c -> b -> a");
	reg = build(msg, sizeof(msg), true, "c.so",
		    H("c") "type a parent=a\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "c.so:3: type 'a' is its own parent");
}

PCT_TEST("registry", interfaces)
{
	char msg[2048];
	struct pc_registry *reg;
	const struct pc_type *t, *s;

	reg = build(msg, sizeof(msg), true, "base.so", base_types, "dev.so",
		    H("dev") "type pcie-dev parent=pci-device abstract interfaces=pcie-ext\nend\n"
		    "type nvme parent=pcie-dev\nend\n", NULL);
	if (!reg)
		fprintf(stderr, "\n  %s\n", msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	t = pc_registry_find_type(reg, "nvme");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(pc_type_is_a(t, "nvme"));            /* itself */
	CU_ASSERT_TRUE(pc_type_is_a(t, "pcie-dev"));        /* parent */
	CU_ASSERT_TRUE(pc_type_is_a(t, "device"));          /* root */
	CU_ASSERT_TRUE(pc_type_is_a(t, "conventional-pci-device")); /* ancestor's iface */
	CU_ASSERT_TRUE(pc_type_is_a(t, "pcie-ext"));        /* parent's iface */
	CU_ASSERT_TRUE(pc_type_is_a(t, "pci-express-device")); /* iface's parent */
	CU_ASSERT_TRUE(pc_type_is_a(t, "interface"));
	CU_ASSERT_FALSE(pc_type_is_a(t, "virtio-device"));
	s = pc_registry_find_type(reg, "pci-device");
	CU_ASSERT_FALSE(pc_type_is_a(s, "pcie-ext"));
	CU_ASSERT_FALSE(pc_type_is_a(s, "nvme"));
	CU_ASSERT_TRUE(pc_type_is_concrete(t));
	CU_ASSERT_FALSE(pc_type_is_concrete(s));
	CU_ASSERT_FALSE(pc_type_is_concrete(pc_registry_find_type(reg, "pcie-ext")));
	/* finalize twice is harmless */
	CU_ASSERT_EQUAL(pc_registry_finalize(reg, NULL), 0);
	CU_ASSERT_TRUE(pc_type_is_a(t, "pci-express-device"));
	pc_registry_free(reg);

	reg = build(msg, sizeof(msg), true, "base.so", base_types, "dev.so",
		    H("dev") "type nvme parent=pci-device interfaces=pci-device\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "dev.so:3: 'pci-device' in interfaces= of type 'nvme' is not an interface type (declared at base.so:14)");
	reg = build(msg, sizeof(msg), true, "base.so", base_types, "dev.so",
		    H("dev") "type nvme parent=pci-device interfaces=pcie-extt\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "dev.so:3: unknown interface 'pcie-extt' of type 'nvme' (did you mean 'pcie-ext'?)");
	reg = build(msg, sizeof(msg), true, "base.so", base_types, "dev.so",
		    H("dev") "type nvme parent=pcie-ext\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "dev.so:3: type 'nvme' is not an interface but its parent 'pcie-ext' is one");
}

PCT_TEST("registry", inherited_props)
{
	char msg[2048];
	struct pc_registry *reg;
	const struct pc_type *t, *owner = NULL, *owners[8];
	const struct pc_prop *props[8];
	const struct pc_prop *p;
	size_t n;

	reg = build(msg, sizeof(msg), true, "base.so", base_types, "dev.so",
		    H("dev") "type e1000e parent=pci-device\n"
		    "  prop mac string\n  prop addr u8 default=3\nend\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	t = pc_registry_find_type(reg, "e1000e");
	n = pc_type_all_props(t, props, owners, 8);
	PCT_ASSERT_INT_EQ(n, 5);
	PCT_ASSERT_STR_EQ(props[0]->name, "id");
	PCT_ASSERT_STR_EQ(owners[0]->name, "device");
	PCT_ASSERT_STR_EQ(props[1]->name, "addr");
	PCT_ASSERT_STR_EQ(owners[1]->name, "pci-device");
	PCT_ASSERT_STR_EQ(props[2]->name, "x-pcie-err-unc-mask");
	PCT_ASSERT_STR_EQ(props[3]->name, "mac");
	PCT_ASSERT_STR_EQ(owners[4]->name, "e1000e");
	/* a short array gets the first entries, the return is the total */
	PCT_ASSERT_INT_EQ(pc_type_all_props(t, props, NULL, 2), 5);
	PCT_ASSERT_INT_EQ(pc_type_all_props(t, NULL, NULL, 0), 5);
	/* the nearest declaration wins */
	p = pc_type_find_prop(t, "addr", &owner);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	PCT_ASSERT_STR_EQ(owner->name, "e1000e");
	PCT_ASSERT_STR_EQ(p->def_text, "3");
	p = pc_type_find_prop(t, "id", &owner);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	PCT_ASSERT_STR_EQ(owner->name, "device");
	CU_ASSERT_PTR_NULL(pc_type_find_prop(t, "nope", NULL));
	/* the section is inherited */
	PCT_ASSERT_STR_EQ(pc_type_section(t)->name, "pci");
	pc_registry_free(reg);
}

PCT_TEST("registry", children_and_sections)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "v.so",
		    H("v") "type proxy\n  child vdev backend alias-props\nend\n"
		    "type backend internal\nend\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(pc_registry_find_type(reg, "proxy")->children[0].type->name,
			  "backend");
	pc_registry_free(reg);
	reg = build(msg, sizeof(msg), true, "v.so",
		    H("v") "type proxy\n  child vdev backnd\nend\ntype backend\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "v.so:4: unknown type 'backnd' of child 'vdev' of type 'proxy' (did you mean 'backend'?)");
	reg = build(msg, sizeof(msg), true, "v.so",
		    H("v") "type a\n  child x b\nend\ntype b\n  child y a\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "v.so:3: type 'a' contains itself through its children");
	reg = build(msg, sizeof(msg), true, "v.so",
		    H("v") "type a section=nope\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "v.so:3: unknown vmsd 'nope' in section= of type 'a'");
	reg = build(msg, sizeof(msg), true, "v.so",
		    H("v") "vmsd a version=1 min=1\n  subsection a/sub\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "v.so:4: unknown vmsd 'a/sub' in subsection of vmsd 'a'");
}

PCT_TEST("registry", struct_cycle)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "s.so",
		    H("s") "vmsd a version=1 min=1\n  field x struct struct=b\nend\n"
		    "vmsd b version=1 min=1\n  field y struct struct=c count=2\nend\n"
		    "vmsd c version=1 min=1\n  field z struct struct=a\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "s.so:3: vmsd nesting cycle: a -> b -> c -> a");
	reg = build(msg, sizeof(msg), true, "s.so",
		    H("s") "vmsd a version=1 min=1\n  field x struct struct=bb\nend\n"
		    "vmsd b version=1 min=1\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "s.so:4: unknown vmsd 'bb' in struct= of field 'x' of vmsd 'a' (did you mean 'b'?)");
	reg = build(msg, sizeof(msg), true, "s.so",
		    H("s") "vmsd a version=1 min=1\n  field x struct struct=b\nend\n"
		    "vmsd b version=1 min=1\n  field y u8\nend\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(pc_registry_find_vmsd(reg, "a")->fields[0].desc->name, "b");
	pc_registry_free(reg);
}

PCT_TEST("registry", count_field_order)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "f.so",
		    H("f") "vmsd v version=1 min=1\n  field n u32\n"
		    "  field e u8 count-field=n max=16\nend\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	pc_registry_free(reg);
	reg = build(msg, sizeof(msg), true, "f.so",
		    H("f") "vmsd v version=1 min=1\n  field e u8 count-field=n max=16\n"
		    "  field n u32\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "f.so:4: count-field 'n' of field 'e' in vmsd 'v' must name an earlier field, found it at line 5");
	reg = build(msg, sizeof(msg), true, "f.so",
		    H("f") "vmsd v version=1 min=1\n  field n buffer size=4\n"
		    "  field e u8 count-field=n max=16\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "f.so:5: count-field 'n' of field 'e' in vmsd 'v' must name a scalar integer field, found buffer");
	reg = build(msg, sizeof(msg), true, "f.so",
		    H("f") "vmsd v version=1 min=1\n  field n u8 count=2\n"
		    "  field e u8 count-field=n max=16\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "f.so:5: count-field 'n' of field 'e' in vmsd 'v' must name a scalar integer field, found u8 array");
	reg = build(msg, sizeof(msg), true, "f.so",
		    H("f") "vmsd v version=1 min=1\n  field e u8 count-field=m max=16\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "f.so:4: count-field 'm' of field 'e' in vmsd 'v' names no field of the vmsd");
}

PCT_TEST("registry", invariant_bounds)
{
	char msg[2048];
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "i.so",
		    H("i") "vmsd v version=1 min=1\n  field cfg buffer size=8\n"
		    "  invariant a field=cfg offset=4 size=4 value=0 romask=1\nend\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	pc_registry_free(reg);
	reg = build(msg, sizeof(msg), true, "i.so",
		    H("i") "vmsd v version=1 min=1\n  field cfg buffer size=8\n"
		    "  invariant a field=cfg offset=6 size=4 value=0 romask=1\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "i.so:5: invariant 'a' of vmsd 'v': bytes 6..9 are outside buffer field 'cfg' of 8 bytes");
	reg = build(msg, sizeof(msg), true, "i.so",
		    H("i") "vmsd v version=1 min=1\n  field cfg u32\n"
		    "  invariant a field=cfg offset=0 size=4 value=0 romask=1\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "i.so:5: invariant 'a' of vmsd 'v': field 'cfg' is u32, expected a buffer field");
	reg = build(msg, sizeof(msg), true, "i.so",
		    H("i") "vmsd v version=1 min=1\n"
		    "  invariant a field=cfg offset=0 size=4 value=0 romask=1\nend\n", NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "i.so:4: invariant 'a' of vmsd 'v': no field 'cfg' in the vmsd");
}

PCT_TEST("registry", many_types_sorted_lookup)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct pc_registry *reg = pc_registry_new();
	struct pc_err err = { 0 };
	char path[64];

	/* 20 plugins of 100 types each, in an order that is not sorted */
	for (int p = 19; p >= 0; p--) {
		pc_strbuf_reset(&sb);
		pc_strbuf_addf(&sb, H("p%d"), p);
		for (int i = 0; i < 100; i++)
			pc_strbuf_addf(&sb, "type t%d-%d%s\nend\n", i, p,
				       p || i ? " parent=t0-0" : "");
		snprintf(path, sizeof(path), "p%d.so", p);
		CU_ASSERT_EQUAL_FATAL(pc_registry_add_plugin(reg,
			mkplugin(path, sb.buf), path, &err), 0);
	}
	CU_ASSERT_EQUAL(pc_registry_finalize(reg, &err), 0);
	PCT_ASSERT_INT_EQ(reg->n_types, 2000);
	for (size_t i = 1; i < reg->n_types; i++)
		CU_ASSERT_TRUE(strcmp(reg->types[i - 1]->name, reg->types[i]->name) < 0);
	for (int p = 0; p < 20; p++) {
		char name[32];

		snprintf(name, sizeof(name), "t%d-%d", 99 - p, p);
		CU_ASSERT_PTR_NOT_NULL(pc_registry_find_type(reg, name));
	}
	CU_ASSERT_PTR_NULL(pc_registry_find_type(reg, "t100-0"));
	CU_ASSERT_TRUE(pc_type_is_a(pc_registry_find_type(reg, "t5-5"), "t0-0"));
	pc_strbuf_release(&sb);
	pc_registry_free(reg);
}

/* A kind no table knows is plugcheck's own bug, never the input's. */
PCT_TEST("registry", value_parse_of_an_unknown_kind_is_internal)
{
	struct pc_prop pr = { 0 };
	struct pc_value v;
	struct pc_err err = { 0 };
	char name[] = "p";

	pr.name = name;
	pr.kind = (enum pc_prop_kind)0x7fff;
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "1", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "internal error: bad property kind");
	PCT_ASSERT_INT_EQ(err.code, PC_E_INTERNAL);
}

PCT_TEST("registry", value_parse)
{
	struct pc_prop pr = { 0 };
	struct pc_value v;
	struct pc_err err = { 0 };
	char legacy[] = "legacy", modern[] = "modern", name[] = "p";
	char *vals[] = { legacy, modern };

	pr.name = name;
	pr.kind = PC_PROP_BOOL;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "yes", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "on");
	PCT_ASSERT_INT_EQ(v.num, 1);
	pc_value_release(&v);
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "false", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "off");
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "On", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "invalid value 'On' for bool property 'p' (expected on/off, true/false or yes/no)");
	PCT_ASSERT_INT_EQ(err.code, PC_E_INPUT);
	pc_err_clear(&err);

	pr.kind = PC_PROP_U8;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "0xff", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "255");
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "256", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "invalid value '256' for u8 property 'p' (expected an integer 0..255)");
	pc_err_clear(&err);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "-1", &v, &err), 0);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, " 1", &v, &err), 0);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "", &v, &err), 0);
	pc_err_clear(&err);
	pr.kind = PC_PROP_I16;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "-32768", &v, &err), 0);
	PCT_ASSERT_INT_EQ(v.num, -32768);
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "32768", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "invalid value '32768' for i16 property 'p' (expected an integer -32768..32767)");
	pc_err_clear(&err);
	pr.kind = PC_PROP_I64;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "-9223372036854775808", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "-9223372036854775808");
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "9223372036854775808", &v, &err), 0);
	pc_err_clear(&err);
	pr.kind = PC_PROP_U64;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "0xFFFFFFFFFFFFFFFF", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "18446744073709551615");
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "18446744073709551616", &v, &err), 0);
	pc_err_clear(&err);

	pr.kind = PC_PROP_ENUM;
	pr.enum_values = vals;
	pr.n_enum_values = 2;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "modern", &v, &err), 0);
	PCT_ASSERT_INT_EQ(v.num, 1);
	PCT_ASSERT_STR_EQ(v.text, "modern");
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "future", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "invalid value 'future' for enum property 'p' (expected one of: legacy, modern)");
	pc_err_clear(&err);

	pr.kind = PC_PROP_ONOFFAUTO;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "auto", &v, &err), 0);
	PCT_ASSERT_INT_EQ(v.num, 2);
	pc_value_release(&v);
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "off", &v, &err), 0);
	PCT_ASSERT_INT_EQ(v.num, 0);
	pc_value_release(&v);
	CU_ASSERT_NOT_EQUAL(pc_value_parse(&pr, "yes", &v, &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "invalid value 'yes' for onoffauto property 'p' (expected on, off or auto)");
	pc_err_clear(&err);

	pr.kind = PC_PROP_STRING;
	CU_ASSERT_EQUAL(pc_value_parse(&pr, "any thing", &v, &err), 0);
	PCT_ASSERT_STR_EQ(v.text, "any thing");
	pc_value_release(&v);
}

PCT_TEST("registry", kind_names)
{
	enum pc_prop_kind k;

	for (int i = PC_PROP_BOOL; i <= PC_PROP_ONOFFAUTO; i++) {
		CU_ASSERT_EQUAL(pc_prop_kind_parse(pc_prop_kind_name((enum pc_prop_kind)i), &k), 0);
		CU_ASSERT_EQUAL((int)k, i);
	}
	CU_ASSERT_NOT_EQUAL(pc_prop_kind_parse("float", &k), 0);
	PCT_ASSERT_STR_EQ(pc_field_kind_name(PC_FIELD_UNUSED), "unused");
	PCT_ASSERT_INT_EQ(pc_field_kind_size(PC_FIELD_I64), 8);
	PCT_ASSERT_INT_EQ(pc_field_kind_size(PC_FIELD_BOOL), 1);
	PCT_ASSERT_INT_EQ(pc_field_kind_size(PC_FIELD_BUFFER), 0);
}

/* The canonical text of integers (formatted without printf). */
PCT_TEST("registry", integer_value_text)
{
	static const struct {
		enum pc_prop_kind kind;
		const char *in, *text;
		int64_t num;
	} cases[] = {
		{ PC_PROP_I8, "-0", "0", 0 },
		{ PC_PROP_I8, "0x0", "0", 0 },
		{ PC_PROP_I8, "-128", "-128", -128 },
		{ PC_PROP_I8, "-0x80", "-128", -128 },
		{ PC_PROP_I32, "-10", "-10", -10 },
		{ PC_PROP_I32, "2147483647", "2147483647", 2147483647 },
		{ PC_PROP_I64, "-9223372036854775807", "-9223372036854775807",
		  -INT64_MAX },
		{ PC_PROP_I64, "0x7FFFFFFFFFFFFFFF", "9223372036854775807",
		  INT64_MAX },
		{ PC_PROP_U8, "0", "0", 0 },
		{ PC_PROP_U16, "0010", "10", 10 },
		{ PC_PROP_U32, "4294967295", "4294967295", 4294967295 },
		{ PC_PROP_U64, "10000000000000000000", "10000000000000000000",
		  (int64_t)10000000000000000000ULL },
	};
	struct pc_prop pr = { 0 };
	char name[] = "p";

	pr.name = name;
	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		struct pc_err err = { 0 };
		struct pc_value v;

		pr.kind = cases[i].kind;
		CU_ASSERT_EQUAL_FATAL(pc_value_parse(&pr, cases[i].in, &v, &err), 0);
		PCT_ASSERT_STR_EQ(v.text, cases[i].text);
		PCT_ASSERT_INT_EQ(v.num, cases[i].num);
		pc_value_release(&v);
	}
}

/* Parent chains are bounded like nesting (PC_MAX_TYPE_DEPTH types): a
 * chain of exactly that many links, a longer one is refused at once with
 * the type's line, and a 10,000-type chain costs no more than that. */
static char *chain_decl(size_t n)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_strbuf_addstr(&sb, H("chain"));
	pc_strbuf_addstr(&sb, "type c0\nend\n");
	for (size_t i = 1; i < n; i++)
		pc_strbuf_addf(&sb, "type c%zu parent=c%zu\nend\n", i, i - 1);
	return pc_strbuf_detach(&sb);
}

PCT_TEST("registry", parent_chain_is_bounded)
{
	char msg[512];
	char *ok = chain_decl(PC_MAX_TYPE_DEPTH), *deep = chain_decl(PC_MAX_TYPE_DEPTH + 1);
	char *huge = chain_decl(10000);
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "ok.decl", ok, NULL);
	CU_ASSERT_PTR_NOT_NULL(reg);
	pc_registry_free(reg);
	reg = build(msg, sizeof(msg), true, "deep.decl", deep, NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_CONTAINS(msg, "has more than 63 ancestors (parent chains are bounded");
	PCT_ASSERT_CONTAINS(msg, "deep.decl:");
	reg = build(msg, sizeof(msg), true, "huge.decl", huge, NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_CONTAINS(msg, "parent chains are bounded");
	free(ok);
	free(deep);
	free(huge);
}

/* A description nesting deeper than a check may go is refused once, when
 * the registry links the descriptions (not once per checked direction):
 * PC_MAX_NESTING levels below the top pass, one more is refused. */
static char *nest_decl(size_t levels)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_strbuf_addstr(&sb, H("nest"));
	for (size_t i = 0; i < levels; i++) {
		pc_strbuf_addf(&sb, "vmsd n%zu version=1 min=1\n", i);
		if (i + 1 < levels)
			pc_strbuf_addf(&sb, "  field s struct struct=n%zu\n", i + 1);
		else
			pc_strbuf_addstr(&sb, "  field x u8\n");
		pc_strbuf_addstr(&sb, "end\n");
	}
	return pc_strbuf_detach(&sb);
}

PCT_TEST("registry", description_nesting_is_refused_at_link)
{
	char msg[512];
	char *ok = nest_decl(PC_MAX_NESTING + 1), *deep = nest_decl(PC_MAX_NESTING + 2);
	struct pc_registry *reg;

	reg = build(msg, sizeof(msg), true, "ok.decl", ok, NULL);
	CU_ASSERT_PTR_NOT_NULL(reg);
	pc_registry_free(reg);
	reg = build(msg, sizeof(msg), true, "deep.decl", deep, NULL);
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "deep.decl:3: description 'n0' nests 17 levels of descriptions (struct fields and subsections; at most 16)");
	free(ok);
	free(deep);
}
