/*
 * test_kinds.c - the kind tables (core/kinds.h): the enums follow the
 * tables row for row, every kind's spelling parses back to that kind in the
 * declaration language and is written back the same, and the sizes are the
 * C types' sizes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decl.h"
#include "model.h"
#include "pctest.h"

#include "banned.h"

#define FIELD_ENUMERATOR(id, ...) PC_FIELD_##id,
static const enum pc_field_kind field_kinds[] = {
	PC_FIELD_KINDS(FIELD_ENUMERATOR)
};
#define PROP_ENUMERATOR(id, ...) PC_PROP_##id,
static const enum pc_prop_kind prop_kinds[] = {
	PC_PROP_KINDS(PROP_ENUMERATOR)
};

/* Parse a declaration; the registry, or NULL with the message printed. */
static struct pc_registry *parse_decl(const char *text)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));
	struct pc_err err = { 0 };

	pl->path = pc_xstrdup("t.decl");
	pl->decl = pc_xstrdup(text);
	pl->decl_len = strlen(text);
	if (pc_registry_add_plugin(reg, pl, "t.decl", &err)) {
		fprintf(stderr, "\n  %s\n  in:\n%s", err.msg, text);
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

static char *write_back(const struct pc_registry *reg)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_decl_write_plugin(reg, reg->plugins[0], &sb);
	return pc_strbuf_detach(&sb);
}

PCT_TEST("kinds", tables_and_enums_agree)
{
	PCT_ASSERT_INT_EQ(PC_ARRAY_SIZE(field_kinds), PC_FIELD_KIND_COUNT);
	PCT_ASSERT_INT_EQ(PC_ARRAY_SIZE(prop_kinds), PC_PROP_KIND_COUNT);
	for (size_t i = 0; i < PC_ARRAY_SIZE(field_kinds); i++)
		PCT_ASSERT_INT_EQ(field_kinds[i], i);
	for (size_t i = 0; i < PC_ARRAY_SIZE(prop_kinds); i++)
		PCT_ASSERT_INT_EQ(prop_kinds[i], i);
	/* one past the table is no kind */
	PCT_ASSERT_STR_EQ(pc_field_kind_name((enum pc_field_kind)PC_FIELD_KIND_COUNT), "?");
	PCT_ASSERT_STR_EQ(pc_prop_kind_name((enum pc_prop_kind)PC_PROP_KIND_COUNT), "?");
	PCT_ASSERT_INT_EQ(pc_field_kind_size((enum pc_field_kind)PC_FIELD_KIND_COUNT), 0);
	/* the enum values are on the wire (tagged streams): never renumbered */
	PCT_ASSERT_INT_EQ(PC_FIELD_U8, 0);
	PCT_ASSERT_INT_EQ(PC_FIELD_BOOL, 8);
	PCT_ASSERT_INT_EQ(PC_FIELD_BUFFER, 9);
	PCT_ASSERT_INT_EQ(PC_FIELD_UNUSED, 10);
	PCT_ASSERT_INT_EQ(PC_FIELD_STRUCT, 11);
}

PCT_TEST("kinds", sizes_are_the_c_types)
{
	static const struct {
		enum pc_field_kind f;
		enum pc_prop_kind p;
		size_t size;
		bool is_signed;
	} ints[] = {
		{ PC_FIELD_U8, PC_PROP_U8, sizeof(uint8_t), false },
		{ PC_FIELD_U16, PC_PROP_U16, sizeof(uint16_t), false },
		{ PC_FIELD_U32, PC_PROP_U32, sizeof(uint32_t), false },
		{ PC_FIELD_U64, PC_PROP_U64, sizeof(uint64_t), false },
		{ PC_FIELD_I8, PC_PROP_I8, sizeof(int8_t), true },
		{ PC_FIELD_I16, PC_PROP_I16, sizeof(int16_t), true },
		{ PC_FIELD_I32, PC_PROP_I32, sizeof(int32_t), true },
		{ PC_FIELD_I64, PC_PROP_I64, sizeof(int64_t), true },
	};
	size_t n_int = 0;

	for (size_t i = 0; i < PC_ARRAY_SIZE(ints); i++) {
		PCT_ASSERT_INT_EQ(pc_field_kind_size(ints[i].f), ints[i].size);
		PCT_ASSERT_INT_EQ(pc_prop_kind_size(ints[i].p), ints[i].size);
		PCT_ASSERT_INT_EQ(pc_field_kind_signed(ints[i].f), ints[i].is_signed);
		PCT_ASSERT_INT_EQ(pc_prop_kind_signed(ints[i].p), ints[i].is_signed);
	}
	/* QEMU's VMSTATE_BOOL is one byte */
	PCT_ASSERT_INT_EQ(pc_field_kind_size(PC_FIELD_BOOL), sizeof(uint8_t));

	/* every row: an integer has a C integer's width, nothing else is
	 * signed, and only scalars have a fixed wire size */
	for (int k = 0; k < PC_FIELD_KIND_COUNT; k++) {
		enum pc_field_kind fk = (enum pc_field_kind)k;
		enum pc_field_class c = pc_field_kind_class(fk);
		uint32_t sz = pc_field_kind_size(fk);

		if (c == PC_FCLASS_INT) {
			n_int++;
			CU_ASSERT_TRUE(sz == 1 || sz == 2 || sz == 4 || sz == 8);
		} else {
			CU_ASSERT_FALSE(pc_field_kind_signed(fk));
			PCT_ASSERT_INT_EQ(sz, c == PC_FCLASS_BOOL ? 1 : 0);
		}
	}
	PCT_ASSERT_INT_EQ(n_int, PC_ARRAY_SIZE(ints));
	n_int = 0;
	for (int k = 0; k < PC_PROP_KIND_COUNT; k++) {
		enum pc_prop_kind pk = (enum pc_prop_kind)k;
		uint32_t sz = pc_prop_kind_size(pk);

		if (pc_prop_kind_class(pk) == PC_PCLASS_INT) {
			n_int++;
			CU_ASSERT_TRUE(sz == 1 || sz == 2 || sz == 4 || sz == 8);
		} else {
			CU_ASSERT_FALSE(pc_prop_kind_signed(pk));
			PCT_ASSERT_INT_EQ(sz, 0);
		}
	}
	PCT_ASSERT_INT_EQ(n_int, PC_ARRAY_SIZE(ints));
}

PCT_TEST("kinds", field_kinds_parse_back_in_the_language)
{
	for (int k = 0; k < PC_FIELD_KIND_COUNT; k++) {
		enum pc_field_kind fk = (enum pc_field_kind)k, back;
		const char *name = pc_field_kind_name(fk);
		const char *extra = fk == PC_FIELD_STRUCT ? " struct=inner"
				    : pc_field_kind_class(fk) == PC_FCLASS_BUFFER ||
				      pc_field_kind_class(fk) == PC_FCLASS_UNUSED
					    ? " size=4" : "";
		char *text = pc_xasprintf("plugcheck-abi 1\n"
					  "plugin t 1.0\n"
					  "vmsd outer version=1 min=1\n"
					  "  field f %s%s\n"
					  "end\n"
					  "vmsd inner version=1 min=1\n"
					  "  field g u8\n"
					  "end\n", name, extra);
		char *line = pc_xasprintf("  field f %s%s\n", name, extra);
		struct pc_registry *reg = parse_decl(text);
		const struct pc_vmsd *v;

		CU_ASSERT_EQUAL(pc_field_kind_parse(name, &back), 0);
		PCT_ASSERT_INT_EQ(back, fk);
		CU_ASSERT_PTR_NOT_NULL(reg);
		if (reg) {
			char *out = write_back(reg);

			v = pc_registry_find_vmsd(reg, "outer");
			CU_ASSERT_PTR_NOT_NULL(v);
			if (v) {
				PCT_ASSERT_INT_EQ(v->fields[0].kind, fk);
				if (fk != PC_FIELD_STRUCT &&
				    !*extra)
					PCT_ASSERT_INT_EQ(v->fields[0].size,
							  pc_field_kind_size(fk));
			}
			PCT_ASSERT_CONTAINS(out, line);
			free(out);
			pc_registry_free(reg);
		}
		free(line);
		free(text);
	}
}

PCT_TEST("kinds", prop_kinds_parse_back_in_the_language)
{
	for (int k = 0; k < PC_PROP_KIND_COUNT; k++) {
		enum pc_prop_kind pk = (enum pc_prop_kind)k, back;
		const char *name = pc_prop_kind_name(pk);
		const char *extra = pk == PC_PROP_BIT || pk == PC_PROP_FEATURE
				    ? " container=flags bit=3"
				    : pk == PC_PROP_ENUM ? " values=a,b" : "";
		char *text = pc_xasprintf("plugcheck-abi 1\n"
					  "plugin t 1.0\n"
					  "type dev parent=device\n"
					  "  prop p %s%s\n"
					  "end\n", name, extra);
		char *line = pc_xasprintf("  prop p %s%s", name, extra);
		struct pc_registry *reg = parse_decl(text);

		CU_ASSERT_EQUAL(pc_prop_kind_parse(name, &back), 0);
		PCT_ASSERT_INT_EQ(back, pk);
		CU_ASSERT_PTR_NOT_NULL(reg);
		if (reg) {
			char *out = write_back(reg);
			const struct pc_type *t = pc_registry_find_type(reg, "dev");

			CU_ASSERT_PTR_NOT_NULL(t);
			if (t && t->n_props == 1)
				PCT_ASSERT_INT_EQ(t->props[0].kind, pk);
			PCT_ASSERT_CONTAINS(out, line);
			free(out);
			pc_registry_free(reg);
		}
		free(line);
		free(text);
	}
}

PCT_TEST("kinds", misspelt_kind_lists_the_table)
{
	struct pc_strbuf want = PC_STRBUF_INIT;
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));
	struct pc_err err = { 0 };

	for (int k = 0; k < PC_FIELD_KIND_COUNT; k++)
		pc_strbuf_addf(&want, "%s%s",
			       k == 0 ? "" : k + 1 < PC_FIELD_KIND_COUNT ? ", " : " or ",
			       pc_field_kind_name((enum pc_field_kind)k));
	pl->path = pc_xstrdup("t.decl");
	pl->decl = pc_xstrdup("plugcheck-abi 1\nplugin t 1.0\n"
			      "vmsd s version=1 min=1\n  field f float\nend\n");
	pl->decl_len = strlen(pl->decl);
	CU_ASSERT_NOT_EQUAL(pc_registry_add_plugin(reg, pl, "t.decl", &err), 0);
	PCT_ASSERT_CONTAINS(err.msg, want.buf);
	pc_strbuf_release(&want);
	pc_registry_free(reg);
}
