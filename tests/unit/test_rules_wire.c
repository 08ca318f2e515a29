/*
 * test_rules_wire.c - the layout rules check and qemu-diff share
 * (core/rules-wire.h), and each difference the two engines had before
 * they shared them, decided by QEMU's loader (vmstate_load_state,
 * vmstate_subsection_load) as Documentation/qemu-diff.md ("One set of
 * rules for both engines") describes: one refusal per description, no
 * comparison past a refused version (sections, descriptions,
 * subsections), a structure against a plain field is PC208 alone, the
 * size before the count.  The last tests render two declared sides as
 * QEMU dumps and check that both engines give the same layout rules,
 * also where they paired fields differently before one walk paired them
 * for both (wire-walk.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fxside.h"
#include "pctest.h"
#include "qemu-diff.h"
#include "qemu-dump.h"
#include "qemu-render.h"
#include "rules-wire.h"

#include "banned.h"

/* ------------------------------------------------------------ the rules */

PCT_TEST("rules_wire", pair_rules_in_report_order)
{
	const struct pc_wshape u32 = { 3, false, 4, 1, false, 0 };
	const struct pc_wshape i32 = { 4, false, 4, 1, false, 0 };
	const struct pc_wshape u64x2 = { 3, false, 8, 2, false, 0 };
	const struct pc_wshape st = { -1, true, 0, 1, false, 0 };
	const struct pc_wshape st3 = { -1, true, 0, 3, false, 0 };
	const struct pc_wshape bytes4 = { -1, false, 4, 1, false, 0 };
	const struct pc_wshape var8 = { 3, false, 4, 0, true, 8 };
	const struct pc_wshape var4 = { 3, false, 4, 0, true, 4 };
	enum pc_rule r[PC_WIRE_MAX_PAIR_RULES];

	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&u32, &u32, r), 0);
	/* same size, another kind: read as another type, nothing else */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&u32, &i32, r), 1);
	PCT_ASSERT_INT_EQ(r[0], PC_R_FIELD_TYPE);
	/* an unknown kind (a dump) is not another kind */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&u32, &bytes4, r), 0);
	/* size first, then count */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&u32, &u64x2, r), 2);
	PCT_ASSERT_INT_EQ(r[0], PC_R_FIELD_SIZE);
	PCT_ASSERT_INT_EQ(r[1], PC_R_FIELD_COUNT);
	/* a structure against a plain field: PC208 alone, whatever the counts */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&st3, &u32, r), 1);
	PCT_ASSERT_INT_EQ(r[0], PC_R_NESTED_MISSING);
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&u32, &st, r), 1);
	PCT_ASSERT_INT_EQ(r[0], PC_R_NESTED_MISSING);
	/* two structures: the count only (their descriptions come next) */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&st, &st3, r), 1);
	PCT_ASSERT_INT_EQ(r[0], PC_R_FIELD_COUNT);
	/* a sent count: only a bound the destination cannot take */
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&var4, &var8, r), 0);
	PCT_ASSERT_INT_EQ(pc_wire_pair_rules(&var8, &var4, r), 1);
	PCT_ASSERT_INT_EQ(r[0], PC_R_FIELD_COUNT);
}

PCT_TEST("rules_wire", version_refused_once_too_new_first)
{
	PCT_ASSERT_INT_EQ(pc_wire_version_rule(2, 1, 2), PC_R__COUNT);
	PCT_ASSERT_INT_EQ(pc_wire_version_rule(1, 1, 2), PC_R__COUNT);
	PCT_ASSERT_INT_EQ(pc_wire_version_rule(3, 1, 2), PC_R_VERSION_TOO_NEW);
	PCT_ASSERT_INT_EQ(pc_wire_version_rule(0, 1, 2), PC_R_VERSION_TOO_OLD);
	/* a destination whose minimum is above its version refuses every
	 * stream; QEMU says "too new" first */
	PCT_ASSERT_INT_EQ(pc_wire_version_rule(2, 3, 1), PC_R_VERSION_TOO_NEW);
}

PCT_TEST("rules_wire", fields_on_the_wire_by_version)
{
	/* vmstate_field_exists(): version_id <= the stream's version ... */
	CU_ASSERT_TRUE(pc_wire_field_loaded(0, false, 1));
	CU_ASSERT_TRUE(pc_wire_field_loaded(2, false, 2));
	CU_ASSERT_FALSE(pc_wire_field_loaded(3, false, 2));
	/* ... unless a test function decides, which is taken as yes */
	CU_ASSERT_TRUE(pc_wire_field_loaded(3, true, 2));
}

PCT_TEST("rules_wire", subsection_rules_by_how_each_side_sends)
{
	enum pc_severity sev;

	/* unknown to the destination: incompatible when always sent (a dump's
	 * subsections are), needs-review when the guest's state decides */
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_ALWAYS, false, PC_SEND_NEVER, &sev),
			  PC_R_SUBSECTION_UNKNOWN);
	PCT_ASSERT_INT_EQ(sev, PC_SEV_INCOMPATIBLE);
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_MAYBE, false, PC_SEND_NEVER, &sev),
			  PC_R_SUBSECTION_UNKNOWN);
	PCT_ASSERT_INT_EQ(sev, PC_SEV_REVIEW);
	/* never sent: nothing to load */
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_NEVER, false, PC_SEND_NEVER, &sev),
			  PC_R__COUNT);
	/* the destination always sends what the source never does: info */
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_NEVER, true, PC_SEND_ALWAYS, &sev),
			  PC_R_SUBSECTION_REQUIRED);
	PCT_ASSERT_INT_EQ(sev, PC_SEV_INFO);
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_NEVER, true, PC_SEND_MAYBE, &sev),
			  PC_R__COUNT);
	/* both send it: its version and fields are compared instead */
	PCT_ASSERT_INT_EQ(pc_wire_subsection_rule(PC_SEND_ALWAYS, true, PC_SEND_ALWAYS, &sev),
			  PC_R__COUNT);
	/* a wrapper structure only one side has: no peer for its
	 * subsections, whichever side it is on */
	PCT_ASSERT_INT_EQ(pc_wire_wrapper_subsection_rule(true, PC_SEND_MAYBE, &sev),
			  PC_R_SUBSECTION_UNKNOWN);
	PCT_ASSERT_INT_EQ(sev, PC_SEV_REVIEW);
	PCT_ASSERT_INT_EQ(pc_wire_wrapper_subsection_rule(true, PC_SEND_NEVER, &sev),
			  PC_R__COUNT);
	PCT_ASSERT_INT_EQ(pc_wire_wrapper_subsection_rule(false, PC_SEND_ALWAYS, &sev),
			  PC_R_SUBSECTION_REQUIRED);
	PCT_ASSERT_INT_EQ(pc_wire_wrapper_subsection_rule(false, PC_SEND_MAYBE, &sev),
			  PC_R__COUNT);
}

/* ------------------------------------------------------------ qemu-diff */

/* A dump of one section "t", its machine entry 'machine', whose
 * description has 'fields' (JSON array members) and 'rest' (more members
 * of the description). */
static struct pc_qdump *dump_full(const char *label, const char *machine, int ver,
				  int min, const char *fields, const char *rest)
{
	struct pc_err err = { 0 };
	char *text = pc_xasprintf(
		"{\"vmschkmachine\":%s,\"t\":{\"Name\":\"t\","
		"\"version_id\":%d,\"minimum_version_id\":%d,\"Description\":"
		"{\"name\":\"t\",\"version_id\":%d,\"minimum_version_id\":%d,"
		"\"Fields\":[%s]%s}}}", machine, ver, min, ver, min, fields, rest);
	struct pc_qdump *d = pc_qdump_parse(text, strlen(text), label, &err);

	if (!d)
		fprintf(stderr, "\n  %s: %s\n", label, err.msg);
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

static struct pc_qdump *dump_of(const char *label, int ver, int min,
				const char *fields, const char *rest)
{
	return dump_full(label, "{\"Name\":\"m\"}", ver, min, fields, rest);
}

/* The findings' rule IDs of a -> b, in order, ' '-joined. */
static char *qdiff_ids(const struct pc_qdump *a, const struct pc_qdump *b)
{
	struct pc_report r;
	struct pc_strbuf ids = PC_STRBUF_INIT;

	pc_report_init(&r);
	pc_qdump_diff(a, b, NULL, &r);
	for (size_t i = 0; i < r.n; i++)
		pc_strbuf_addf(&ids, "%s%s", ids.len ? " " : "",
			       pc_rule_info(r.items[i].rule)->id);
	pc_report_release(&r);
	return pc_strbuf_detach(&ids);
}

#define F(name, size) "{\"field\":\"" name "\",\"version_id\":0,\"size\":" #size "}"
#define FN(name, size, num) "{\"field\":\"" name "\",\"version_id\":0,\"size\":" #size ",\"num\":" #num "}"
#define FS(name, num) "{\"field\":\"" name "\",\"version_id\":0,\"size\":4,\"num\":" #num \
	",\"Description\":{\"name\":\"q\",\"version_id\":1,\"minimum_version_id\":1,\"Fields\":[" F("x", 4) "]}}"

PCT_TEST("rules_wire", qemu_diff_refuses_a_version_once)
{
	/* the source sends 2; the destination's range [3, 1] is defective:
	 * QEMU's loader says "too new" and stops (before: PC103 and PC104) */
	struct pc_qdump *a = dump_of("a", 2, 1, F("x", 4), "");
	struct pc_qdump *b = dump_of("b", 1, 3, F("x", 4), "");
	char *ids = qdiff_ids(a, b);

	PCT_ASSERT_STR_EQ(ids, "PC103");
	free(ids);
	pc_qdump_free(a);
	pc_qdump_free(b);
}

PCT_TEST("rules_wire", qemu_diff_compares_nothing_past_a_refused_version)
{
	/* a refused section: its changed field is not reported */
	struct pc_qdump *a = dump_of("a", 3, 1, F("x", 4) "," F("y", 4), "");
	struct pc_qdump *b = dump_of("b", 2, 1, F("x", 2), "");
	char *ids = qdiff_ids(a, b);

	PCT_ASSERT_STR_EQ(ids, "PC103");
	free(ids);
	pc_qdump_free(a);
	pc_qdump_free(b);
	/* a refused subsection: vmstate_subsection_load fails, its fields
	 * are never read */
	a = dump_of("a", 1, 1, F("x", 4), ",\"Subsections\":[{\"name\":\"t/s\","
		    "\"version_id\":2,\"minimum_version_id\":1,\"Fields\":[" F("z", 8) "]}]");
	b = dump_of("b", 1, 1, F("x", 4), ",\"Subsections\":[{\"name\":\"t/s\","
		    "\"version_id\":1,\"minimum_version_id\":1,\"Fields\":[" F("z", 4) "]}]");
	ids = qdiff_ids(a, b);
	PCT_ASSERT_STR_EQ(ids, "PC103");
	free(ids);
	pc_qdump_free(a);
	pc_qdump_free(b);
}

PCT_TEST("rules_wire", qemu_diff_pair_rules_are_the_checks)
{
	/* a structure against a plain array: PC208 alone (before: PC207
	 * too); size and count: PC206 then PC207 (before: the other order) */
	struct pc_qdump *a = dump_of("a", 1, 1, FS("s", 3) "," FN("v", 4, 2), "");
	struct pc_qdump *b = dump_of("b", 1, 1, FN("s", 4, 2) "," FN("v", 8, 3), "");
	char *ids = qdiff_ids(a, b);

	PCT_ASSERT_STR_EQ(ids, "PC208 PC206 PC207");
	free(ids);
	pc_qdump_free(a);
	pc_qdump_free(b);
}

/* A dump of one section "t" with 'fields', its machine entry 'machine'. */
static struct pc_qdump *dump_in(const char *label, const char *machine,
				const char *fields)
{
	return dump_full(label, machine, 1, 1, fields, "");
}

/*
 * A dump that records no counts (QEMU before 8.1): a field of one
 * element's size may be an array.  QEMU 8.0 replaced e1000e's
 * core.eitr_intr_pending (bool[5]) with VMSTATE_UNUSED(5) (commit
 * 31e3f318c8); 7.2's dump shows a 1-byte field.  The padding run takes it
 * as the 5 bytes it stands for when that lines the run up at the next
 * name both sides have, and only then.
 */
PCT_TEST("rules_wire", qemu_diff_stretches_a_field_of_unknown_count)
{
	static const char *const plain = "{\"Name\":\"m\"}";
	static const char *const rendered = "{\"Name\":\"m\",\"Rendered-by\":\"plugcheck\"}";
	static const struct {
		const char *machine, *a, *b, *ab, *ba;
	} cases[] = {
		/* e1000e 7.2 against 8.0: the same bytes, both ways */
		{ plain, F("x", 4) "," F("p", 1) "," F("g", 4) "," F("k", 1),
		  F("x", 4) "," F("unused", 5) "," F("g", 4) "," F("k", 1), "", "" },
		/* ... also at the end of the description */
		{ plain, F("x", 4) "," F("p", 2),
		  F("x", 4) "," F("unused", 6), "", "" },
		/* no whole number of 2-byte elements makes 5 bytes: the
		 * padding rule, and k, which both have and which is no
		 * stand-in, is left over on the side of the padding */
		{ plain, F("x", 4) "," F("w", 2) "," F("k", 1),
		  F("x", 4) "," F("unused", 5) "," F("k", 1), "PC206 PC202",
		  "PC206 PC201" },
		/* no name anchor after the run (g against h): the padding
		 * lines up with p and g, and the names explain the rest */
		{ plain, F("x", 4) "," F("p", 1) "," F("g", 4) "," F("k", 1),
		  F("x", 4) "," F("unused", 5) "," F("h", 4) "," F("k", 1),
		  "PC202", "PC201" },
		/* a dump that records counts ("num" somewhere): p is one byte */
		{ plain, FN("n", 4, 2) "," F("p", 1) "," F("g", 4) "," F("k", 1),
		  FN("n", 4, 2) "," F("unused", 5) "," F("g", 4) "," F("k", 1),
		  "PC203 PC202", "PC203 PC201" },
		/* plugcheck's own rendering writes "num" for every array */
		{ rendered, F("x", 4) "," F("p", 1) "," F("g", 4) "," F("k", 1),
		  F("x", 4) "," F("unused", 5) "," F("g", 4) "," F("k", 1),
		  "PC203 PC202", "PC203 PC201" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		struct pc_qdump *a = dump_in("a", cases[i].machine, cases[i].a);
		struct pc_qdump *b = dump_in("b", cases[i].machine, cases[i].b);
		char *ab = qdiff_ids(a, b), *ba = qdiff_ids(b, a);

		if (strcmp(ab, cases[i].ab) || strcmp(ba, cases[i].ba))
			fprintf(stderr, "\n  case %zu: '%s' / '%s'\n", i, ab, ba);
		PCT_ASSERT_STR_EQ(ab, cases[i].ab);
		PCT_ASSERT_STR_EQ(ba, cases[i].ba);
		PCT_ASSERT_INT_EQ(pc_qdump_counts_unknown(a), cases[i].machine == plain &&
				  !strstr(cases[i].a, "\"num\""));
		free(ab);
		free(ba);
		pc_qdump_free(a);
		pc_qdump_free(b);
	}
}

/* ------------------------------------------------------------ check */

#define HDR "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n" \
	"type fx-dev parent=device section=fx-dev\nend\n"
#define SUB(ver, fields) "vmsd fx-dev/extra " ver "\n" fields "end\n"
#define DEV(fields) "vmsd fx-dev version=1 min=1\n" fields \
	"  subsection fx-dev/extra\nend\n"

static void check_pair(const char *da, const char *db, struct pc_report *r,
		       struct pc_side *a, struct pc_side *b)
{
	struct pc_err err = { 0 };
	struct pc_check c;

	if (fx_side_init(a, "A", da, NULL, 2, &err) ||
	    fx_side_init(b, "B", db, NULL, 2, &err))
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(r);
	if (pc_check_direction(&c, a, b, r, &err))
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_FALSE(err.set);
}

PCT_TEST("rules_wire", check_compares_nothing_past_a_refused_subsection)
{
	struct pc_side a, b;
	struct pc_report r;

	/* before: PC103 and, below it, the subsection's PC206 */
	check_pair(HDR SUB("version=2 min=1", "  field z u64\n") DEV("  field x u32\n"),
		   HDR SUB("version=1 min=1", "  field z u32\n") DEV("  field x u32\n"),
		   &r, &a, &b);
	PCT_ASSERT_INT_EQ(r.n, 1);
	PCT_ASSERT_INT_EQ(r.items[0].rule, PC_R_VERSION_TOO_NEW);
	PCT_ASSERT_STR_EQ(r.items[0].path, "fx-dev/extra");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* ------------------------------------------------------------ both */

/* The layout rules of a -> b by both engines: check on the declarations,
 * qemu-diff on their renderings as QEMU dumps. */
static void both_engines(const char *da, const char *db, char **by_check,
			 char **by_qdiff)
{
	struct pc_side a, b;
	struct pc_report r;
	struct pc_strbuf ids = PC_STRBUF_INIT;
	struct pc_qdump *q[2];
	const struct pc_side *sides[2] = { &a, &b };

	check_pair(da, db, &r, &a, &b);
	for (size_t i = 0; i < r.n; i++)
		pc_strbuf_addf(&ids, "%s%s", ids.len ? " " : "",
			       pc_rule_info(r.items[i].rule)->id);
	*by_check = pc_strbuf_detach(&ids);
	pc_report_release(&r);
	for (size_t k = 0; k < 2; k++) {
		const struct pc_machine *m = pc_machine_find(sides[k]->machines, "fx-1.0");
		struct pc_err err = { 0 };
		struct pc_vm vm;
		char *text;

		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL_FATAL(pc_vm_build(sides[k], m, 1, &vm, &err), 0);
		CU_ASSERT_EQUAL_FATAL(pc_vm_resolve(&vm, &err), 0);
		text = pc_vm_render_qemu_dump(&vm);
		q[k] = pc_qdump_parse(text, strlen(text), k ? "B" : "A", &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(q[k]);
		free(text);
		pc_vm_release(&vm);
	}
	*by_qdiff = qdiff_ids(q[0], q[1]);
	pc_qdump_free(q[0]);
	pc_qdump_free(q[1]);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("rules_wire", both_engines_give_the_same_layout_rules)
{
	static const char *const mutations[][2] = {
		/* size, then count, of one field */
		{ "  field x u32\n  field y u32\n", "  field x u64\n  field y u32 count=3\n" },
		/* a refused section: nothing below it */
		{ "  field x u32\n", "  field x u16\n" },
		/* an added and a missing field at the end */
		{ "  field x u32\n  field y u8\n", "  field x u32\n" },
	};
	static const char *const versions[][2] = {
		{ "version=1 min=1", "version=1 min=1" },
		{ "version=2 min=1", "version=1 min=1" },
		{ "version=1 min=1", "version=1 min=1" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(mutations); i++) {
		char *da = pc_xasprintf(HDR SUB("version=1 min=1", "  field z u32\n")
					"vmsd fx-dev %s\n%s  subsection fx-dev/extra\nend\n",
					versions[i][0], mutations[i][0]);
		char *db = pc_xasprintf(HDR SUB("version=1 min=1", "  field z u32\n")
					"vmsd fx-dev %s\n%s  subsection fx-dev/extra\nend\n",
					versions[i][1], mutations[i][1]);
		char *c, *q;

		both_engines(da, db, &c, &q);
		if (getenv("PCT_VERBOSE") || strcmp(c, q))
			fprintf(stderr, "\n  mutation %zu: check says '%s', qemu-diff '%s'\n",
				i, c, q);
		PCT_ASSERT_STR_EQ(c, q);
		CU_ASSERT_TRUE(c[0] != '\0');
		free(c);
		free(q);
		free(da);
		free(db);
	}
}

/*
 * The cases where the two engines paired fields differently before they
 * shared one walk (wire-walk.h; Documentation/qemu-diff.md), each with a
 * real break next to it that must still be caught: what QEMU's loader
 * does with the bytes decides, and both engines now say the same, both
 * ways.
 */
PCT_TEST("rules_wire", both_engines_pair_fields_by_one_walk)
{
#define PAIR "vmsd fx-pair version=1 min=1\n  field x u32\n  field y u32\nend\n"
#define PAIR16 "vmsd fx-pair version=1 min=1\n  field x u32\n  field y u16\nend\n"
	static const char *const cases[][4] = {
		/* swapped: each place the stream is misread (before: one
		 * PC203 in check) */
		{ "", "  field x u32\n  field y u32\n",
		  "  field y u32\n  field x u32\n", "PC203 PC203" },
		{ "", "  field x u32\n  field y u32\n  field z u16\n",
		  "  field y u32\n  field x u32\n  field z u32\n",
		  "PC203 PC203 PC206" },
		/* replaced at the same place by another name and shape: the
		 * shape finding (before: PC201 and PC202 in check) */
		{ "", "  field x u32\n  field y u32\n",
		  "  field x u32\n  field w u32 count=2\n", "PC207" },
		{ "", "  field x u32\n  field y u32\n  field k u8\n",
		  "  field x u32\n  field w u64\n  field k u8\n", "PC206" },
		/* another name, the same shape: a rename to review, next to a
		 * size change */
		{ "", "  field x u32\n  field y u32\n",
		  "  field x u16\n  field w u32\n", "PC206 PC204" },
		/* padding for several fields of the same total size: QEMU
		 * skips the bytes (before: PC201/PC202 in check) */
		{ "", "  field x u32\n  field y u16\n  field z u16\n  field k u8\n",
		  "  field x u32\n  field unused unused size=4\n  field k u8\n", "" },
		/* padding under a name of the author's own: still padding
		 * (a dump names every VMSTATE_UNUSED "unused") */
		{ "", "  field x u32\n  field y u16\n  field z u16\n  field k u8\n",
		  "  field x u32\n  field pad unused size=4\n  field k u8\n", "" },
		{ "", "  field x u32\n  field y u16\n  field z u16\n  field k u8\n",
		  "  field x u32\n  field unused unused size=3\n  field k u8\n",
		  /* 3 bytes of padding line up with y, z and the other
		   * side's k: the source's k is left over */
		  "PC201" },
		{ "", "  field x u32\n  field y u16\n  field z u16\n  field k u8\n",
		  "  field x u32\n  field unused unused size=4\n  field k u16\n",
		  "PC206" },
		/* a new structure wrapping the same bytes: nothing on the
		 * wire changes (before: PC201/PC202 in check) */
		{ PAIR, "  field x u32\n  field y u32\n  field k u8\n",
		  "  field s struct struct=fx-pair\n  field k u8\n", "" },
		{ PAIR16, "  field x u32\n  field y u32\n  field k u8\n",
		  "  field s struct struct=fx-pair\n  field k u8\n", "PC206" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		for (int way = 0; way < 2; way++) {
			const char *fa = cases[i][way ? 2 : 1];
			const char *fb = cases[i][way ? 1 : 2];
			char *da = pc_xasprintf(HDR "%s" SUB("version=1 min=1", "  field z u32\n")
						DEV("%s"), cases[i][0], fa);
			char *db = pc_xasprintf(HDR "%s" SUB("version=1 min=1", "  field z u32\n")
						DEV("%s"), cases[i][0], fb);
			char *c, *q;

			both_engines(da, db, &c, &q);
			if (getenv("PCT_VERBOSE") || strcmp(c, q))
				fprintf(stderr, "\n  case %zu%s: check says '%s', qemu-diff '%s'\n",
					i, way ? " (back)" : "", c, q);
			PCT_ASSERT_STR_EQ(c, q);
			if (!way)
				PCT_ASSERT_STR_EQ(c, cases[i][3]);
			free(c);
			free(q);
			free(da);
			free(db);
		}
	}
#undef PAIR
#undef PAIR16
}

PCT_TEST("rules_wire", check_names_a_field_inside_a_wrapper_by_its_path)
{
	struct pc_side a, b;
	struct pc_report r;

	/* the source wraps x and y into 's' (same bytes but y's size): the
	 * walk steps into 's' and the finding, at the source's field, names
	 * the wrapper */
	check_pair(HDR "vmsd fx-pair version=1 min=1\n  field x u32\n  field y u16\nend\n"
		   SUB("version=1 min=1", "  field z u32\n")
		   DEV("  field s struct struct=fx-pair\n  field k u8\n"),
		   HDR "vmsd fx-pair version=1 min=1\n  field x u32\n  field y u16\nend\n"
		   SUB("version=1 min=1", "  field z u32\n")
		   DEV("  field x u32\n  field y u32\n  field k u8\n"),
		   &r, &a, &b);
	PCT_ASSERT_INT_EQ(r.n, 1);
	PCT_ASSERT_INT_EQ(r.items[0].rule, PC_R_FIELD_SIZE);
	PCT_ASSERT_STR_EQ(r.items[0].path, "s.y");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("rules_wire", check_padding_never_lines_up_with_a_sent_count)
{
	struct pc_side a, b;
	struct pc_report r;

	/* 'v' sends 0..4 bytes as the state decides: 4 bytes of padding
	 * stand for it only when the guest has 4, so it is a break */
	check_pair(HDR SUB("version=1 min=1", "  field z u32\n")
		   DEV("  field n u32\n  field v u8 count-field=n max=4\n  field k u8\n"),
		   HDR SUB("version=1 min=1", "  field z u32\n")
		   DEV("  field n u32\n  field unused unused size=4\n  field k u8\n"),
		   &r, &a, &b);
	PCT_ASSERT_INT_EQ(r.n, 1);
	PCT_ASSERT_INT_EQ(r.items[0].rule, PC_R_FIELD_SIZE);
	PCT_ASSERT_STR_EQ(r.items[0].path, "unused");
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "a count sent in the stream");
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}
