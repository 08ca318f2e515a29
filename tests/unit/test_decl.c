/*
 * test_decl.c - the declaration language (core/decl.c): a declaration
 * using every construct, the canonical writer (round trip and fixed
 * point), and one exact message per class of parse error.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <plugcheck/plugin.h>

#include "decl.h"
#include "loader.h"
#include "model.h"
#include "pctest.h"

#include "banned.h"

static const char full_decl[] =
	"plugcheck-abi 1\n"
	"# a comment line\n"
	"plugin virtio-blk 8.0.1\n"
	"description \"virtio block device, \\\"blk\\\"\"\n"
	"license GPL-2.0\n"
	"author \"QEMU developers\"\n"
	"\n"
	"type virtio-device parent=device abstract section=virtio doc=\"base of all virtio devices\"\n"
	"  prop event_idx bit container=host_features bit=29 default=true guest-visible\n"
	"end\n"
	"type virtio-blk-device parent=virtio-device internal interfaces=blk-iface,other-iface\n"
	"  prop num-queues u16 derived=\"min(smp, 16)\" was=5.2:1 guest-visible  # trailing comment\n"
	"  prop queue-size u16 default=0x100 was=5.0:128,5.2:256\n"
	"  prop mode enum values=legacy,modern,transitional default=modern\n"
	"  prop x-pcie-err-unc-mask onoffauto since=8.0.1 absent=off,8.0:on default=on\n"
	"  prop serial string default=\"\" doc=\"drive serial\"\n"
	"  prop pcid bool host=pcid\n"
	"  prop delta i8 default=-128\n"
	"  prop big u64 default=18446744073709551615\n"
	"  hook post_load virtio_blk_post_load\n"
	"end\n"
	"type virtio-blk-pci parent=virtio-pci\n"
	"  child vdev virtio-blk-device alias-props\n"
	"  child other virtio-blk-device\n"
	"end\n"
	"vmsd virtio version=1 min=1 since=2.0 was=1.5:0/0,1.7:1/0\n"
	"  field n_vqs u32\n"
	"  field vq struct struct=virtqueue count-field=n_vqs max=1024\n"
	"  field queues u16 count=num-queues if=\"mode != 'legacy'\"\n"
	"  field fixed u8 count=4 version=2 since=6.0\n"
	"  field folded u8 count=\"2 * 2\"\n"
	"  field config buffer size=256\n"
	"  field pad unused size=3\n"
	"  field flag bool\n"
	"  subsection virtio/extra needed=\"num-queues > 1\" since=5.2\n"
	"  subsection virtio/runtime\n"
	"  invariant aer-mask field=config offset=0x104 size=4 value=\"x-pcie-err-unc-mask == on ? 0x400000 : 0\" romask=0x400000 since=8.0\n"
	"end\n"
	"vmsd virtqueue version=1 min=1\n"
	"  field inuse u16\n"
	"end\n";

static struct pc_plugin *mkplugin(const char *path, const char *text)
{
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));

	p->path = pc_xstrdup(path);
	p->decl = pc_xstrdup(text);
	p->decl_len = strlen(text);
	return p;
}

/* Parse 'text' into a fresh registry; returns it (NULL + message on error). */
static struct pc_registry *parse(const char *text, size_t len, char *msg,
				 size_t msglen)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));
	struct pc_err err = { 0 };

	pl->path = pc_xstrdup("t.decl");
	pl->decl = pc_xmalloc(len + 1);
	memcpy(pl->decl, text, len);
	pl->decl[len] = '\0';
	pl->decl_len = len;
	if (msg)
		msg[0] = '\0';
	if (pc_registry_add_plugin(reg, pl, "t.decl", &err)) {
		if (msg)
			snprintf(msg, msglen, "%s", err.msg);
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

/* The parse error message for 'text' (or "(parsed)"). */
static const char *perror_of(const char *text)
{
	static char msg[2048];
	struct pc_registry *reg = parse(text, strlen(text), msg, sizeof(msg));

	if (reg) {
		pc_registry_free(reg);
		return "(parsed)";
	}
	return msg;
}

static char *write_all(const struct pc_registry *reg)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_decl_write_plugin(reg, reg->plugins[0], &sb);
	return pc_strbuf_detach(&sb);
}

/* Never NULL (a missing property fails the test and reads as empty). */
static const struct pc_prop *prop_of(const struct pc_type *t, const char *name)
{
	static const struct pc_prop none;

	for (size_t i = 0; t && i < t->n_props; i++)
		if (!strcmp(t->props[i].name, name))
			return &t->props[i];
	fprintf(stderr, "\n  no property '%s'\n", name);
	CU_FAIL("no such property");
	return &none;
}

static char *expr_text(const struct pc_expr *e)
{
	static char buf[256];
	char *s;

	buf[0] = '\0';
	if (!e)
		return buf;
	s = pc_expr_str(e);

	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	return buf;
}

PCT_TEST("decl", full_declaration)
{
	char msg[2048];
	struct pc_registry *reg = parse(full_decl, strlen(full_decl), msg,
					sizeof(msg));
	const struct pc_type *t;
	const struct pc_prop *pr;
	const struct pc_vmsd *v;
	const struct pc_plugin *pl;

	if (!reg)
		fprintf(stderr, "\n  %s\n", msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	pl = reg->plugins[0];
	PCT_ASSERT_STR_EQ(pl->name, "virtio-blk");
	PCT_ASSERT_STR_EQ(pl->version, "8.0.1");
	PCT_ASSERT_INT_EQ(pl->abi_version, PLUGCHECK_ABI_VERSION);
	PCT_ASSERT_STR_EQ(pl->description, "virtio block device, \"blk\"");
	PCT_ASSERT_STR_EQ(pl->license, "GPL-2.0");
	PCT_ASSERT_STR_EQ(pl->author, "QEMU developers");
	PCT_ASSERT_INT_EQ(reg->n_types, 3);
	PCT_ASSERT_INT_EQ(reg->n_vmsds, 2);

	t = pc_registry_find_type(reg, "virtio-device");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(t->abstract);
	CU_ASSERT_FALSE(t->internal);
	PCT_ASSERT_STR_EQ(t->parent_name, "device");
	PCT_ASSERT_STR_EQ(t->section, "virtio");
	PCT_ASSERT_STR_EQ(t->doc, "base of all virtio devices");
	PCT_ASSERT_INT_EQ(t->line, 8);
	pr = prop_of(t, "event_idx");
	PCT_ASSERT_INT_EQ(pr->kind, PC_PROP_BIT);
	PCT_ASSERT_STR_EQ(pr->container, "host_features");
	PCT_ASSERT_INT_EQ(pr->bitnr, 29);
	PCT_ASSERT_STR_EQ(pr->def_text, "on");
	CU_ASSERT_TRUE(pr->guest_visible);

	t = pc_registry_find_type(reg, "virtio-blk-device");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(t->internal);
	PCT_ASSERT_INT_EQ(t->n_ifaces, 2);
	PCT_ASSERT_STR_EQ(t->ifaces[1], "other-iface");
	PCT_ASSERT_INT_EQ(t->n_props, 8);
	pr = prop_of(t, "num-queues");
	CU_ASSERT_PTR_NULL(pr->def_text);
	PCT_ASSERT_STR_EQ(expr_text(pr->def_expr), "min(smp, 16)");
	PCT_ASSERT_INT_EQ(pr->n_changes, 1);
	PCT_ASSERT_INT_EQ(pr->changes[0].version.v[1], 2);
	PCT_ASSERT_STR_EQ(pr->changes[0].value, "1");
	pr = prop_of(t, "queue-size");
	PCT_ASSERT_STR_EQ(pr->def_text, "256");
	PCT_ASSERT_INT_EQ(pr->n_changes, 2);
	pr = prop_of(t, "mode");
	PCT_ASSERT_INT_EQ(pr->n_enum_values, 3);
	PCT_ASSERT_STR_EQ(pr->enum_values[2], "transitional");
	PCT_ASSERT_STR_EQ(pr->def_text, "modern");
	pr = prop_of(t, "x-pcie-err-unc-mask");
	CU_ASSERT_TRUE(pr->has_since);
	PCT_ASSERT_INT_EQ(pr->since.v[2], 1);
	PCT_ASSERT_INT_EQ(pr->n_absent, 2);
	PCT_ASSERT_INT_EQ(pr->absent[0].version.v[0], 0);
	PCT_ASSERT_STR_EQ(pr->absent[0].value, "off");
	PCT_ASSERT_INT_EQ(pr->absent[1].version.v[0], 8);
	PCT_ASSERT_STR_EQ(pr->absent[1].value, "on");
	pr = prop_of(t, "serial");
	PCT_ASSERT_STR_EQ(pr->def_text, "");
	PCT_ASSERT_STR_EQ(pr->doc, "drive serial");
	pr = prop_of(t, "pcid");
	PCT_ASSERT_STR_EQ(pr->host_feature, "pcid");
	PCT_ASSERT_STR_EQ(prop_of(t, "delta")->def_text, "-128");
	PCT_ASSERT_STR_EQ(prop_of(t, "big")->def_text, "18446744073709551615");
	PCT_ASSERT_INT_EQ(t->n_hooks, 1);
	PCT_ASSERT_STR_EQ(t->hooks[0].symbol, "virtio_blk_post_load");

	t = pc_registry_find_type(reg, "virtio-blk-pci");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	PCT_ASSERT_INT_EQ(t->n_children, 2);
	CU_ASSERT_TRUE(t->children[0].alias_props);
	CU_ASSERT_FALSE(t->children[1].alias_props);
	PCT_ASSERT_STR_EQ(t->children[0].type_name, "virtio-blk-device");

	v = pc_registry_find_vmsd(reg, "virtio");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	PCT_ASSERT_INT_EQ(v->version_id, 1);
	PCT_ASSERT_INT_EQ(v->n_changes, 2);
	PCT_ASSERT_INT_EQ(v->changes[1].version_id, 1);
	PCT_ASSERT_INT_EQ(v->changes[1].min_version_id, 0);
	PCT_ASSERT_INT_EQ(v->n_fields, 8);
	PCT_ASSERT_INT_EQ(v->fields[0].size, 4);
	PCT_ASSERT_INT_EQ(v->fields[1].count_kind, PC_COUNT_FIELD);
	PCT_ASSERT_STR_EQ(v->fields[1].count_field, "n_vqs");
	PCT_ASSERT_INT_EQ(v->fields[1].count_max, 1024);
	PCT_ASSERT_STR_EQ(v->fields[1].struct_name, "virtqueue");
	PCT_ASSERT_INT_EQ(v->fields[2].count_kind, PC_COUNT_EXPR);
	PCT_ASSERT_STR_EQ(expr_text(v->fields[2].count_expr), "num-queues");
	PCT_ASSERT_STR_EQ(expr_text(v->fields[2].cond), "mode != 'legacy'");
	PCT_ASSERT_INT_EQ(v->fields[3].count_kind, PC_COUNT_FIXED);
	PCT_ASSERT_INT_EQ(v->fields[3].count_fixed, 4);
	PCT_ASSERT_INT_EQ(v->fields[3].version, 2);
	CU_ASSERT_TRUE(v->fields[3].has_since);
	PCT_ASSERT_INT_EQ(v->fields[4].count_kind, PC_COUNT_FIXED);
	PCT_ASSERT_INT_EQ(v->fields[4].count_fixed, 4);
	PCT_ASSERT_INT_EQ(v->fields[5].kind, PC_FIELD_BUFFER);
	PCT_ASSERT_INT_EQ(v->fields[5].size, 256);
	PCT_ASSERT_INT_EQ(v->fields[6].kind, PC_FIELD_UNUSED);
	PCT_ASSERT_INT_EQ(v->fields[7].kind, PC_FIELD_BOOL);
	PCT_ASSERT_INT_EQ(v->n_subsections, 2);
	PCT_ASSERT_STR_EQ(expr_text(v->subsections[0].needed), "num-queues > 1");
	CU_ASSERT_PTR_NULL(v->subsections[1].needed);
	PCT_ASSERT_INT_EQ(v->n_invariants, 1);
	PCT_ASSERT_INT_EQ(v->invariants[0].offset, 0x104);
	PCT_ASSERT_INT_EQ(v->invariants[0].size, 4);
	PCT_ASSERT_STR_EQ(expr_text(v->invariants[0].value),
			  "x-pcie-err-unc-mask == on ? 0x400000 : 0");
	PCT_ASSERT_INT_EQ(v->invariants[0].line, 37);
	pc_registry_free(reg);
}

PCT_TEST("decl", write_round_trip_fixed_point)
{
	char msg[2048];
	struct pc_registry *a = parse(full_decl, strlen(full_decl), msg,
				      sizeof(msg));
	struct pc_registry *b, *c;
	char *wa, *wb, *wc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	wa = write_all(a);
	b = parse(wa, strlen(wa), msg, sizeof(msg));
	if (!b)
		fprintf(stderr, "\n  %s\n%s\n", msg, wa);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	wb = write_all(b);
	/* write is a fixed point: write(parse(write(x))) == write(x) */
	PCT_ASSERT_STR_EQ(wb, wa);
	c = parse(wb, strlen(wb), msg, sizeof(msg));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	wc = write_all(c);
	PCT_ASSERT_STR_EQ(wc, wb);
	/* and the model survives: spot checks on the re-parsed registry */
	PCT_ASSERT_INT_EQ(b->n_types, a->n_types);
	PCT_ASSERT_INT_EQ(b->n_vmsds, a->n_vmsds);
	PCT_ASSERT_STR_EQ(b->plugins[0]->description, a->plugins[0]->description);
	PCT_ASSERT_INT_EQ(pc_registry_find_vmsd(b, "virtio")->fields[4].count_kind,
			  PC_COUNT_FIXED);
	PCT_ASSERT_STR_EQ(prop_of(pc_registry_find_type(b, "virtio-blk-device"),
				  "serial")->def_text, "");
	/* the canonical text itself, so a change in form is a visible diff */
	PCT_ASSERT_CONTAINS(wa, "plugcheck-abi 1\nplugin virtio-blk 8.0.1\n"
			    "description \"virtio block device, \\\"blk\\\"\"\n"
			    "license \"GPL-2.0\"\nauthor \"QEMU developers\"\n\n"
			    "type virtio-device parent=device abstract section=virtio doc=\"base of all virtio devices\"\n"
			    "  prop event_idx bit container=host_features bit=29 default=on guest-visible\nend\n");
	PCT_ASSERT_CONTAINS(wa, "  prop num-queues u16 derived=\"min(smp, 16)\" guest-visible was=5.2:1\n");
	PCT_ASSERT_CONTAINS(wa, "  prop x-pcie-err-unc-mask onoffauto default=on since=8.0.1 absent=off,8.0:on\n");
	PCT_ASSERT_CONTAINS(wa, "  prop serial string default=\"\" doc=\"drive serial\"\n");
	PCT_ASSERT_CONTAINS(wa, "vmsd virtio version=1 min=1 since=2.0 was=1.5:0/0,1.7:1/0\n"
			    "  field n_vqs u32\n"
			    "  field vq struct count-field=n_vqs max=1024 struct=virtqueue\n"
			    "  field queues u16 count=num-queues if=\"mode != 'legacy'\"\n"
			    "  field fixed u8 count=4 version=2 since=6.0\n"
			    "  field folded u8 count=4\n"
			    "  field config buffer size=256\n");
	PCT_ASSERT_CONTAINS(wa, "  invariant aer-mask field=config offset=260 size=4 value=\"x-pcie-err-unc-mask == on ? 0x400000 : 0\" romask=0x400000 since=8.0\nend\n");
	/* declaration order is kept: virtio-blk-pci before vmsd virtio */
	CU_ASSERT_TRUE(strstr(wa, "type virtio-blk-pci") < strstr(wa, "vmsd virtio "));
	free(wa);
	free(wb);
	free(wc);
	pc_registry_free(a);
	pc_registry_free(b);
	pc_registry_free(c);
}

PCT_TEST("decl", trailing_nul_and_crlf)
{
	static const char text[] = "plugcheck-abi 1\r\nplugin p 1.0\r\ntype t\r\nend";
	struct pc_registry *reg = parse(text, sizeof(text), NULL, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	CU_ASSERT_PTR_NOT_NULL(pc_registry_find_type(reg, "t"));
	pc_registry_free(reg);
}

#define H "plugcheck-abi 1\nplugin p 1.0\n"

PCT_TEST("decl", error_header)
{
	PCT_ASSERT_STR_EQ(perror_of("plugin p 1.0\n"),
		"t.decl:1: expected 'plugcheck-abi 1' as the first line, found 'plugin'");
	PCT_ASSERT_STR_EQ(perror_of("\nplugcheck-abi 1\n"),
		"t.decl:1: expected 'plugcheck-abi 1' as the first line, found an empty line");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 2\nplugin p 1.0\n"),
		"t.decl:1: plugin ABI version 2, this plugcheck supports 1");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi one\n"),
		"t.decl:1: expected 'plugcheck-abi N' with one number N");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 1\ntype t\nend\n"),
		"t.decl:2: expected 'plugin NAME VERSION' after the ABI line, found 'type'");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 1\n# nothing\n"),
		"t.decl:3: expected 'plugin NAME VERSION', found end of text");
	PCT_ASSERT_STR_EQ(perror_of(H "plugin q 1.0\n"),
		"t.decl:3: second 'plugin' line");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 1\nplugin p\n"),
		"t.decl:2: expected 'plugin NAME VERSION', found end of line");
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 1\nplugin p one\n"),
		"t.decl:2: bad plugin version 'one' (expected a dotted version such as 8.0 or 8.0.1)");
	PCT_ASSERT_STR_EQ(perror_of(H "license a\nlicense b\n"),
		"t.decl:4: second 'license' line");
	PCT_ASSERT_STR_EQ(perror_of(H "author Jane Doe\n"),
		"t.decl:3: expected 'author \"TEXT\"' (quote text with blanks)");
	PCT_ASSERT_STR_EQ(perror_of(""),
		"t.decl:1: empty declaration (expected 'plugcheck-abi 1')");
}

PCT_TEST("decl", error_keywords_and_attributes)
{
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  porp a bool\nend\n"),
		"t.decl:4: unknown keyword 'porp' (did you mean 'prop'?)");
	PCT_ASSERT_STR_EQ(perror_of(H "frobnicate\n"),
		"t.decl:3: unknown keyword 'frobnicate'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool defualt=on\nend\n"),
		"t.decl:4: unknown attribute 'defualt' of prop (did you mean 'default'?)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t abstrakt\nend\n"),
		"t.decl:3: unknown attribute 'abstrakt' of type (did you mean 'abstract'?)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t abstract=yes\nend\n"),
		"t.decl:3: attribute 'abstract' of type takes no value");
	PCT_ASSERT_STR_EQ(perror_of(H "type t parent\nend\n"),
		"t.decl:3: attribute 'parent' of type needs a value (parent=...)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t parent=a parent=b\nend\n"),
		"t.decl:3: duplicate attribute 'parent=' in type");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  field f u8\nend\n"),
		"t.decl:4: 'field' outside a vmsd block");
	PCT_ASSERT_STR_EQ(perror_of(H "prop a bool\n"),
		"t.decl:3: 'prop' outside a type block");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\ntype u\nend\n"),
		"t.decl:4: 'type' inside the type block 't' (missing 'end'?)");
	PCT_ASSERT_STR_EQ(perror_of(H "end\n"),
		"t.decl:3: 'end' without an open type or vmsd block");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool\n"),
		"t.decl:3: type 't' is not closed by 'end'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a\nend\n"),
		"t.decl:4: expected 'prop NAME KIND [attributes]', found end of line");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a boool\nend\n"),
		"t.decl:4: unknown property kind 'boool' (did you mean 'bool'?) (expected bool, bit, u8, u16, u32, u64, i8, i16, i32, i64, string, enum, onoffauto or feature)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field f float\nend\n"),
		"t.decl:4: unknown field kind 'float' (expected u8, u16, u32, u64, i8, i16, i32, i64, bool, buffer, unused or struct)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  hook pre_save fn\nend\n"),
		"t.decl:4: unknown hook event 'pre_save' (expected post_load)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  hook post_load 9fn\nend\n"),
		"t.decl:4: bad hook symbol '9fn' (expected a C identifier)");
}

PCT_TEST("decl", error_duplicates)
{
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool\n  prop b bool\n  prop a u8\nend\n"),
		"t.decl:6: property 'a' declared twice in t (first at line 4)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field x u8\n  field x u16\nend\n"),
		"t.decl:5: field 'x' declared twice in v (first at line 4)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  subsection s\n  subsection s\nend\n"),
		"t.decl:5: subsection 's' declared twice in v (first at line 4)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  child c x\n  child c y\nend\n"),
		"t.decl:5: child 'c' declared twice in t (first at line 4)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  hook post_load a\n  hook post_load b\nend\n"),
		"t.decl:5: second 'post_load' hook in type 't'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\nend\ntype u\nend\ntype t\nend\n"),
		"t.decl:7: type 't' declared twice (first at line 3)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\nend\nvmsd v version=1 min=1\nend\n"),
		"t.decl:5: vmsd 'v' declared twice (first at line 3)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t interfaces=a,b,a\nend\n"),
		"t.decl:3: 'a' appears twice in interfaces=");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m enum values=x,y,x\nend\n"),
		"t.decl:4: 'x' appears twice in values=");
}

PCT_TEST("decl", error_missing_required)
{
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field b buffer\nend\n"),
		"t.decl:4: missing size= for buffer field 'b'");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field b unused\nend\n"),
		"t.decl:4: missing size= for unused field 'b'");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field s struct\nend\n"),
		"t.decl:4: missing struct= for struct field 's'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m enum\nend\n"),
		"t.decl:4: missing values= for enum property 'm'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m bool since=8.0\nend\n"),
		"t.decl:4: property 'm' has since= but no absent= (how did the device behave before 8.0?)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m bool absent=on\nend\n"),
		"t.decl:4: absent= without since= for property 'm'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m bit bit=3\nend\n"),
		"t.decl:4: missing container= for bit property 'm'");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1\nend\n"),
		"t.decl:3: missing min= for vmsd 'v'");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 count-field=n\nend\n"),
		"t.decl:4: missing max= for field 'a' with count-field=");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  invariant i field=f offset=0 size=4 value=1\nend\n"),
		"t.decl:4: missing romask= for invariant 'i'");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 size=1\nend\n"),
		"t.decl:4: size= only applies to buffer and unused fields, 'a' is u8");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 values=x\nend\n"),
		"t.decl:4: values= only applies to enum properties, 'a' is u8");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 default=1 derived=smp\nend\n"),
		"t.decl:4: property 'a' has more than one of default=, derived= and host=");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 count=2 count-field=n max=3\nend\n"),
		"t.decl:4: field 'a' has both count= and count-field=");
}

PCT_TEST("decl", error_numbers_versions_names)
{
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field b buffer size=12x\nend\n"),
		"t.decl:4: bad number '12x' for size= (expected an integer 1..4294967295)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field b buffer size=0\nend\n"),
		"t.decl:4: bad number '0' for size= (expected an integer 1..4294967295)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=-1 min=1\nend\n"),
		"t.decl:3: bad number '-1' for version= (expected an integer 0..2147483647)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=2\nend\n"),
		"t.decl:3: min=2 is above version=1 in vmsd 'v'");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop b bit container=f bit=128\nend\n"),
		"t.decl:4: bad number '128' for bit= (expected an integer 0..127)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1 since=8.x\nend\n"),
		"t.decl:3: bad version '8.x' for since= (expected a dotted version such as 8.0 or 8.0.1)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool was=5.x:on\nend\n"),
		"t.decl:4: bad version '5.x' in was= (expected a dotted version such as 8.0 or 8.0.1)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool was=on\nend\n"),
		"t.decl:4: was= entry 'on' needs the form VERSION:VALUE");
	PCT_ASSERT_STR_EQ(perror_of(H "type -t\nend\n"),
		"t.decl:3: bad type name '-t' (expected 1-127 characters of A-Z a-z 0-9 _ . , : / + -, not starting with '-')");
	PCT_ASSERT_STR_EQ(perror_of(H "type t parent=a$b\nend\n"),
		"t.decl:3: bad parent type name 'a$b' (expected 1-127 characters of A-Z a-z 0-9 _ . , : / + -, not starting with '-')");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 default=256\nend\n"),
		"t.decl:4: invalid value '256' for u8 property 'a' (expected an integer 0..255) in default=");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop m enum values=a,b default=c\nend\n"),
		"t.decl:4: invalid value 'c' for enum property 'm' (expected one of: a, b) in default=");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  invariant i field=f offset=0 size=3 value=1 romask=1\nend\n"),
		"t.decl:4: bad size 3 for invariant 'i' (expected 1, 2, 4 or 8)");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 count=\"-1\"\nend\n"),
		"t.decl:4: count=-1 is -1 (expected 0..4294967295)");
}

PCT_TEST("decl", error_history_order)
{
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 was=6.0:1,5.0:2\nend\n"),
		"t.decl:4: was= versions must be ascending, found 5.0 after 6.0");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 was=6.0:1,6.0:2\nend\n"),
		"t.decl:4: was= versions must be ascending, found 6.0 after 6.0");
	/* the order of the doc's first draft: newest first is rejected */
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool since=8.0.1 absent=8.0:on,off\nend\n"),
		"t.decl:4: absent= lists go oldest first and only the first entry may omit its version (write absent=off,8.0:on)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool since=9.0 absent=on,8.0:off,off\nend\n"),
		"t.decl:4: absent= lists go oldest first and only the first entry may omit its version (write absent=off,8.0:off,on)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool since=8.0.1 absent=off,8.0:on,7.0:off\nend\n"),
		"t.decl:4: absent= versions must be ascending, found 7.0 after 8.0");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a bool since=8.0.1 absent=off,9.0:on\nend\n"),
		"t.decl:4: absent= versions must be before since=8.0.1");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=3 min=1 was=6.0:2/1,5.0:1/1\nend\n"),
		"t.decl:3: was= versions must be ascending, found 5.0 after 6.0");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=3 min=1 was=6.0:2\nend\n"),
		"t.decl:3: was= entry '6.0:2' needs the form VERSION:ID/MIN");
}

PCT_TEST("decl", error_lexical_limits)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	static const char nul[] = "plugcheck-abi 1\nplugin p 1.0\ntype t\0x\nend\n";
	char msg[2048];
	struct pc_registry *reg;

	PCT_ASSERT_STR_EQ(perror_of(H "type t doc=\"unterminated\nend\n"),
		"t.decl:3: unterminated quote (opened at column 12)");
	PCT_ASSERT_STR_EQ(perror_of(H "type t doc=\"a\\nb\"\nend\n"),
		"t.decl:3: unknown escape at column 14 (only \\\" and \\\\ are escapes in quotes)");
	reg = parse(nul, sizeof(nul) - 1, msg, sizeof(msg));
	CU_ASSERT_PTR_NULL(reg);
	PCT_ASSERT_STR_EQ(msg, "t.decl:3: NUL byte in the declaration text at column 7");

	pc_strbuf_addstr(&sb, H "type t doc=\"");
	while (sb.len < 4200)
		pc_strbuf_addch(&sb, 'x');
	pc_strbuf_addstr(&sb, "\"\nend\n");
	PCT_ASSERT_STR_EQ(perror_of(sb.buf), "t.decl:3: line too long (4172 bytes, at most 4096)");
	pc_strbuf_reset(&sb);
	pc_strbuf_addstr(&sb, H);
	while (sb.len <= 1024 * 1024)
		pc_strbuf_addstr(&sb, "# padding padding padding padding\n");
	snprintf(msg, sizeof(msg), "t.decl: declaration too large (%zu bytes, at most 1048576)",
		 sb.len);
	PCT_ASSERT_STR_EQ(perror_of(sb.buf), msg);
	pc_strbuf_release(&sb);
}

PCT_TEST("decl", error_expressions_with_line)
{
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 if=\"smp >\"\nend\n"),
		"t.decl:4: expression 'smp >', column 6: expected a number, 'string', name or '(', found end of expression");
	PCT_ASSERT_STR_EQ(perror_of(H "type t\n  prop a u8 derived=min(smp\nend\n"),
		"t.decl:4: expression 'min(smp', column 8: expected ',' or ')', found end of expression");
	PCT_ASSERT_STR_EQ(perror_of(H "vmsd v version=1 min=1\n  field a u8 count=\"1 / 0\"\nend\n"),
		"t.decl:4: expression '1 / 0': division by zero");
}

PCT_TEST("decl", failed_plugin_leaves_registry_unchanged)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL(pc_registry_add_plugin(reg, mkplugin("a.so", H "type a\nend\n"),
					       "a.so", &err), 0);
	CU_ASSERT_NOT_EQUAL(pc_registry_add_plugin(reg,
		mkplugin("b.so", "plugcheck-abi 1\nplugin b 1.0\ntype b\nend\ntype c bad\nend\n"),
		"b.so", &err), 0);
	PCT_ASSERT_STR_EQ(err.msg, "b.so:5: unknown attribute 'bad' of type");
	PCT_ASSERT_INT_EQ(reg->n_types, 1);
	PCT_ASSERT_INT_EQ(reg->n_plugins, 1);
	CU_ASSERT_PTR_NULL(pc_registry_find_type(reg, "b"));
	pc_registry_free(reg);
}

/*
 * Detached parsing (decl.h): parsing touches neither the registry nor the
 * plugin; the commit moves the header lines in and adds the declarations,
 * giving what pc_decl_parse() gives; the parse's error is the commit's.
 */
static char *registry_text(const struct pc_registry *reg)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (size_t i = 0; i < reg->n_plugins; i++) {
		const struct pc_plugin *p = reg->plugins[i];

		pc_strbuf_addf(&sb, "%s %s abi %u '%s' '%s' '%s'\n", p->name,
			       p->version, p->abi_version,
			       p->description ? p->description : "-",
			       p->license ? p->license : "-",
			       p->author ? p->author : "-");
		pc_decl_write_plugin(reg, p, &sb);
	}
	for (size_t i = 0; i < reg->n_types; i++)
		pc_strbuf_addf(&sb, "type %s\n", reg->types[i]->name);
	for (size_t i = 0; i < reg->n_vmsds; i++)
		pc_strbuf_addf(&sb, "vmsd %s\n", reg->vmsds[i]->name);
	return pc_strbuf_detach(&sb);
}

PCT_TEST("decl", detached_parse_then_commit_equals_parse)
{
	struct pc_registry *a = pc_registry_new(), *b = pc_registry_new();
	struct pc_plugin *pa = mkplugin("t.decl", full_decl);
	struct pc_plugin *pb = mkplugin("t.decl", full_decl);
	struct pc_decl_parsed *d;
	struct pc_err err = { 0 };
	char *ta, *tb;

	pa->name = pc_xstrdup("from-the-header");
	pb->name = pc_xstrdup("from-the-header");
	CU_ASSERT_EQUAL_FATAL(pc_registry_add_plugin(a, pa, NULL, &err), 0);
	d = pc_decl_parse_detached(pb, pb->decl, pb->decl_len, "t.decl");
	CU_ASSERT_TRUE(pc_decl_parsed_ok(d));
	/* nothing is written before the commit */
	PCT_ASSERT_STR_EQ(pb->name, "from-the-header");
	CU_ASSERT_PTR_NULL(pb->version);
	CU_ASSERT_PTR_NULL(pb->description);
	PCT_ASSERT_INT_EQ(b->n_types, 0);
	CU_ASSERT_EQUAL_FATAL(pc_registry_add_parsed(b, pb, d, &err), 0);
	PCT_ASSERT_STR_EQ(pb->name, "virtio-blk");
	PCT_ASSERT_STR_EQ(pb->version, "8.0.1");
	PCT_ASSERT_STR_EQ(pb->author, "QEMU developers");
	PCT_ASSERT_INT_EQ(pb->abi_version, PLUGCHECK_ABI_VERSION);
	ta = registry_text(a);
	tb = registry_text(b);
	PCT_ASSERT_STR_EQ(tb, ta);
	/* the strings outlive the parse */
	CU_ASSERT_PTR_NOT_NULL(pc_registry_find_type(b, "virtio-blk-device"));
	CU_ASSERT_PTR_NOT_NULL(pc_registry_find_vmsd(b, "virtqueue"));
	free(ta);
	free(tb);
	pc_registry_free(a);
	pc_registry_free(b);
}

PCT_TEST("decl", detached_parse_error_is_the_commits)
{
	static const char bad[] =
		"plugcheck-abi 1\nplugin p 1.0\ntype t\n  prop x u8 default=300\nend\n";
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *p = mkplugin("t.decl", bad);
	struct pc_plugin *q = mkplugin("t.decl", bad);
	struct pc_decl_parsed *d;
	struct pc_err e1 = { 0 }, e2 = { 0 };

	CU_ASSERT_NOT_EQUAL(pc_registry_add_plugin(reg, p, NULL, &e1), 0);
	d = pc_decl_parse_detached(q, q->decl, q->decl_len, "t.decl");
	CU_ASSERT_FALSE(pc_decl_parsed_ok(d));
	CU_ASSERT_NOT_EQUAL(pc_registry_add_parsed(reg, q, d, &e2), 0);
	CU_ASSERT_TRUE(e2.set);
	PCT_ASSERT_STR_EQ(e2.msg, e1.msg);
	PCT_ASSERT_CONTAINS(e2.msg, "t.decl:4: ");
	PCT_ASSERT_INT_EQ(reg->n_types, 0);
	PCT_ASSERT_INT_EQ(reg->n_plugins, 0);

	/* a parse that is never committed is freed as a whole */
	q = mkplugin("t.decl", full_decl);
	d = pc_decl_parse_detached(q, q->decl, q->decl_len, "t.decl");
	CU_ASSERT_TRUE(pc_decl_parsed_ok(d));
	pc_decl_parsed_free(d);
	CU_ASSERT_PTR_NULL(q->name);
	pc_plugin_free(q);
	pc_registry_free(reg);
}

/* A type outlives the other declarations of its text: the string pool
 * they share is freed with the last of them (valgrind checks both). */
PCT_TEST("decl", declarations_share_their_strings_until_the_last_goes)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *p = mkplugin("t.decl", full_decl);
	struct pc_err err = { 0 };
	struct pc_type *keep;

	CU_ASSERT_EQUAL_FATAL(pc_registry_add_plugin(reg, p, NULL, &err), 0);
	CU_ASSERT_TRUE_FATAL(reg->n_types >= 2);
	/* detach one type, free the rest, then use and free the type */
	keep = reg->types[0];
	memmove(reg->types, reg->types + 1,
		(reg->n_types - 1) * sizeof(*reg->types));
	reg->n_types--;
	{
		struct pc_registry *solo = pc_registry_new();
		char *name;

		pc_registry_free(reg);
		name = pc_xstrdup(keep->name);
		PCT_ASSERT_STR_EQ(name, "virtio-blk-device");
		free(name);
		solo->types = pc_xcalloc(1, sizeof(*solo->types));
		solo->types[0] = keep;
		solo->n_types = solo->alloc_types = 1;
		pc_registry_free(solo);
	}
}

/* ------------------------------------------------------------ source positions */

/* The registry of 'text' declared by a plugin at 'path' (NULL on error). */
static struct pc_registry *parse_at(const char *path, const char *text)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_err err = { 0 };

	if (pc_registry_add_plugin(reg, mkplugin(path, text), path, &err)) {
		fprintf(stderr, "\n  %s\n", err.msg);
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

/* "FILE:LINE" of text line 'line' of the only plugin, or "-" (static). */
static const char *src_of(const struct pc_registry *reg, int line)
{
	static char buf[PATH_MAX + 16];
	int c = 0;
	const char *f = pc_plugin_src_at(reg->plugins[0], line, &c);

	snprintf(buf, sizeof(buf), "%s:%d", f ? f : "-", f ? c : 0);
	return buf;
}

PCT_TEST("decl", source_position_markers_place_each_line)
{
	static const char text[] =
		"plugcheck-abi 1\n"
		"plugin p 1.0 #@ line 10 src/p.c\n"
		"type a parent=device #@ line 12\n"
		"  prop x u8 default=1 #@line 13\n"
		"  prop y string default=\"#@ line 99\" #@ line 15\n"
		"  prop z u8 default=2 # a comment #@ line 77\n"
		"end #@ col 4\n"
		"vmsd v version=1 min=1 #@ line 3 gen/v.inc\n"
		"  field f u8 #@ line 4\n"
		"end #@ line 5 src/p.c\n";
	struct pc_registry *reg = parse_at("build/src/p.so", text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	/* relative to where the plugin was built: beside it */
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "build/src/p.c:10");
	PCT_ASSERT_STR_EQ(src_of(reg, 3), "build/src/p.c:12");
	PCT_ASSERT_STR_EQ(src_of(reg, 4), "build/src/p.c:13");
	/* a marker inside quotes is a value, and "#@" only opens a marker
	 * where '#' opens a comment */
	PCT_ASSERT_STR_EQ(src_of(reg, 5), "build/src/p.c:15");
	PCT_ASSERT_STR_EQ(src_of(reg, 6), "-:0");
	PCT_ASSERT_STR_EQ(src_of(reg, 1), "-:0");
	/* another kind of marker: a later version's, ignored */
	PCT_ASSERT_STR_EQ(src_of(reg, 7), "-:0");
	/* a file named again becomes the current one; one the plugin's
	 * directory does not end with stays as recorded */
	PCT_ASSERT_STR_EQ(src_of(reg, 8), "gen/v.inc:3");
	PCT_ASSERT_STR_EQ(src_of(reg, 9), "gen/v.inc:4");
	PCT_ASSERT_STR_EQ(src_of(reg, 10), "build/src/p.c:5");
	PCT_ASSERT_INT_EQ(reg->plugins[0]->src->n_files, 3);
	pc_registry_free(reg);
}

PCT_TEST("decl", source_files_are_named_from_the_current_directory)
{
	char cwd[PATH_MAX], *text;
	struct pc_registry *reg;

	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	/* an absolute file under the current directory: relative to it */
	text = pc_xasprintf("plugcheck-abi 1\nplugin p 1.0 #@ line 7 %s/sub/p.c\n", cwd);
	reg = parse_at("/elsewhere/p.so", text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "sub/p.c:7");
	pc_registry_free(reg);
	free(text);
	/* one outside it stays absolute */
	reg = parse_at("p.so", "plugcheck-abi 1\nplugin p 1.0 #@ line 7 /nowhere-near/p.c\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "/nowhere-near/p.c:7");
	pc_registry_free(reg);
	/* in-tree: compiled as plugins/x/x.c, loaded as ./plugins/x/x.so
	 * or from an absolute plugin directory */
	reg = parse_at("./plugins/x/x.so", "plugcheck-abi 1\nplugin p 1.0 #@ line 7 plugins/x/x.c\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "plugins/x/x.c:7");
	pc_registry_free(reg);
	reg = parse_at("/t/plugins/x/x.so", "plugcheck-abi 1\nplugin p 1.0 #@ line 7 plugins/x/x.c\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "/t/plugins/x/x.c:7");
	pc_registry_free(reg);
	/* a directory that only ends like it does not count */
	reg = parse_at("/t/myplugins/x/x.so", "plugcheck-abi 1\nplugin p 1.0 #@ line 7 plugins/x/x.c\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	PCT_ASSERT_STR_EQ(src_of(reg, 2), "plugins/x/x.c:7");
	pc_registry_free(reg);
}

PCT_TEST("decl", text_without_markers_is_placed_at_its_own_lines)
{
	struct pc_registry *reg = parse_at("old.so", full_decl);
	struct pc_loc at, text_at;

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	CU_ASSERT_PTR_NULL(reg->plugins[0]->src);
	PCT_ASSERT_STR_EQ(src_of(reg, 12), "-:0");
	pc_decl_loc(reg->plugins[0], 12, &at, &text_at);
	PCT_ASSERT_STR_EQ(at.file, "old.so");
	PCT_ASSERT_INT_EQ(at.line, 12);
	CU_ASSERT_PTR_NULL(text_at.file);
	pc_registry_free(reg);
}

PCT_TEST("decl", malformed_source_position_is_refused_with_its_line)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "type a parent=device #@ line x p.c",
		  "t.decl:3: bad source position '#@ line x p.c' (expected '#@ line N [FILE]', N a line number from 1)" },
		{ "type a parent=device #@ line 0",
		  "t.decl:3: bad source position '#@ line 0' (expected '#@ line N [FILE]', N a line number from 1)" },
		{ "type a parent=device #@ line 12abc",
		  "t.decl:3: bad source position '#@ line 12abc' (expected '#@ line N [FILE]', N a line number from 1)" },
		{ "type a parent=device #@ line 99999999999",
		  "t.decl:3: bad source position '#@ line 99999999999' (expected '#@ line N [FILE]', N a line number from 1)" },
		{ "type a parent=device #@ line 12",
		  "t.decl:3: source position '#@ line 12' names no file, and no earlier one did (expected '#@ line N FILE' first)" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char *text = pc_xasprintf("plugcheck-abi 1\nplugin p 1.0\n%s\nend\n",
					  cases[i].line);

		PCT_ASSERT_STR_EQ(perror_of(text), cases[i].msg);
		free(text);
	}
	/* the same line with a well-formed marker parses */
	PCT_ASSERT_STR_EQ(perror_of("plugcheck-abi 1\nplugin p 1.0\ntype a parent=device #@ line 12 p.c\nend\n"),
			  "(parsed)");
}

/*
 * The PC_* macros of <plugcheck/plugin.h>: each line carries the C line
 * it was written at, and without the markers the text is what the
 * macros gave before there were any (a baseline records it so: moving a
 * declaration changes no baseline, and the recorded ones did not change).
 */
PCT_TEST("decl", header_macros_record_their_lines_and_strip_to_the_old_text)
{
	static const int first = __LINE__ + 2;
	static const char text[] = "plugcheck-abi 1\n"
		PC_PLUGIN("p", "1.0")
		PC_TYPE("a", "parent=device")
		PC_PROP_U8("x", "default=1 doc=\"a # b #@ line 3\"")
		PC_PROP_BOOL("y", "")
		PC_CONFIG("c", "x=2")
		PC_END;
	static const char old[] = "plugcheck-abi 1\n"
		"plugin p 1.0\n"
		"type a parent=device\n"
		"  prop x u8 default=1 doc=\"a # b #@ line 3\"\n"
		"  prop y bool \n"
		"  config c \"x=2\"\n"
		"end\n";
	struct pc_registry *reg = parse_at("tests/unit/p.so", text);
	size_t n;
	char *stripped = pc_decl_strip_markers(text, strlen(text), &n);
	char want[PATH_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
	for (int l = 2; l <= 7; l++) {
		snprintf(want, sizeof(want), "%s:%d", __FILE__, first + l - 2);
		PCT_ASSERT_STR_EQ(src_of(reg, l), want);
	}
	PCT_ASSERT_STR_EQ(stripped, old);
	PCT_ASSERT_INT_EQ((long long)n, (long long)strlen(old));
	free(stripped);
	/* a line that is nothing but a marker goes away */
	{
		static const char m[] = "a\n  #@ line 3 x.c\nb #@ line 4\n";

		stripped = pc_decl_strip_markers(m, strlen(m), &n);
	}
	PCT_ASSERT_STR_EQ(stripped, "a\nb\n");
	free(stripped);
	pc_registry_free(reg);
}
