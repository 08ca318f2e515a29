/*
 * test_subcond.c - the three kinds of subsection condition (always sent;
 * sent when a property says so; sent depending on the guest's state, alone
 * or with a property), each against both sides (the destination lacks
 * the subsection; the source lacks it) and the property on and off, with
 * the verdict QEMU gives (migration/vmstate.c: vmstate_subsection_load()
 * fails on a subsection it does not know, and loads a stream without one
 * it knows), the kind named in the finding and its JSON, and a fix that
 * fits the kind.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fxside.h"
#include "pctest.h"
#include "report-json.h"

#define SC_HDR "plugcheck-abi 1\nplugin fx 2.0\n" \
	"type device abstract\nend\n" \
	"type fx-dev parent=device section=fx-dev\n" \
	"  prop feat bool default=on guest-visible\n" \
	"end\n" \
	"vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"

static const char *sc_without = SC_HDR
	"vmsd fx-dev version=1 min=1\n  field status u32\nend\n";

static void sc_side(struct pc_side *s, const char *label, const char *decl,
		    bool feat)
{
	struct pc_err err = { 0 };
	struct pc_override ov;

	if (fx_side_init(s, label, decl, NULL, 2, &err))
		fprintf(stderr, "\n  sc_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
	if (feat)
		return;
	CU_ASSERT_EQUAL_FATAL(pc_override_parse("fx-dev.feat=off", false,
						"test", &ov, &err), 0);
	pc_side_add_override(s, &ov);
	pc_override_release(&ov);
}

static const struct pc_finding *sc_find(const struct pc_report *r,
					enum pc_rule rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].rule == rule && r->items[i].path &&
		    strstr(r->items[i].path, "fx-dev/extra"))
			return &r->items[i];
	return NULL;
}

static void sc_run(const struct pc_side *a, const struct pc_side *b,
		   struct pc_report *r)
{
	struct pc_check c;
	struct pc_err err = { 0 };

	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(r);
	CU_ASSERT_EQUAL(pc_check_direction(&c, a, b, r, &err), 0);
}

/* the JSON of 'f' carries the condition kind */
static void sc_json_condition(const struct pc_finding *f, const char *kind)
{
	json_t *o = pc_finding_to_json(f);

	PCT_ASSERT_STR_EQ(json_string_value(json_object_get(o, "condition")),
			  kind);
	json_decref(o);
}

static const struct {
	const char *attrs;   /* the subsection's condition */
	const char *kind;    /* as findings name it */
	bool feat;           /* the property's value on both sides */
	/* the destination lacks it (the source has it): PC301's severity,
	 * -1 for none; the words its value and fix must have */
	int lack_dst;
	const char *sent, *fix;
	/* the source lacks it: PC302 (info) or none */
	bool lack_src;
} sc_cases[] = {
	{ "", "always", true, PC_SEV_INCOMPATIBLE,
	  "sent every time (no needed= condition)", "give it needed=PROPERTY", true },
	{ "", "always", false, PC_SEV_INCOMPATIBLE,
	  "sent every time (no needed= condition)", "give it needed=PROPERTY", true },
	{ "needed=feat", "needed", true, PC_SEV_INCOMPATIBLE,
	  "its needed= holds (the properties decide)", "feat", true },
	{ "needed=feat", "needed", false, -1, NULL, NULL, false },
	{ "runtime", "runtime", true, PC_SEV_REVIEW,
	  "runtime (the guest's state decides)", "the operator can migrate to a destination that knows the subsection", false },
	{ "runtime", "runtime", false, PC_SEV_REVIEW,
	  "runtime (the guest's state decides)", "needed=PROPERTY runtime", false },
	{ "needed=feat runtime", "needed+runtime", true, PC_SEV_REVIEW,
	  "its needed= holds, then the guest's state decides", "feat", false },
	{ "needed=feat runtime", "needed+runtime", false, -1, NULL, NULL, false },
};

/* The destination does not know the subsection: QEMU's loader fails when
 * it arrives, so what decides whether it is sent is the verdict. */
PCT_TEST("subcond", destination_lacks_the_subsection)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(sc_cases); i++) {
		char *decl = pc_xasprintf("%svmsd fx-dev version=1 min=1\n  field status u32\n  subsection fx-dev/extra %s\nend\n",
					  SC_HDR, sc_cases[i].attrs);
		struct pc_side a, b;
		struct pc_report r;
		const struct pc_finding *f;

		sc_side(&a, "A", decl, sc_cases[i].feat);
		sc_side(&b, "B", sc_without, sc_cases[i].feat);
		sc_run(&a, &b, &r);
		f = sc_find(&r, PC_R_SUBSECTION_UNKNOWN);
		if (sc_cases[i].lack_dst < 0) {
			CU_ASSERT_PTR_NULL(f);
			PCT_ASSERT_INT_EQ(r.n, 0);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			PCT_ASSERT_INT_EQ(f->severity, sc_cases[i].lack_dst);
			PCT_ASSERT_STR_EQ(f->condition, sc_cases[i].kind);
			PCT_ASSERT_CONTAINS(f->src_value, sc_cases[i].sent);
			if (f->fix_line)
				PCT_ASSERT_CONTAINS(f->fix_line, sc_cases[i].fix);
			else
				PCT_ASSERT_CONTAINS(f->fix, sc_cases[i].fix);
			sc_json_condition(f, sc_cases[i].kind);
		}
		PCT_ASSERT_INT_EQ(pc_report_fails(&r),
				  sc_cases[i].lack_dst == PC_SEV_INCOMPATIBLE);
		pc_report_release(&r);
		pc_side_release(&a);
		pc_side_release(&b);
		free(decl);
	}
}

/* The source does not send it: QEMU's loader accepts the stream, the
 * device keeps its reset state there (info, only when the destination
 * itself always sends it); never a failure. */
PCT_TEST("subcond", source_lacks_the_subsection)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(sc_cases); i++) {
		char *decl = pc_xasprintf("%svmsd fx-dev version=1 min=1\n  field status u32\n  subsection fx-dev/extra %s\nend\n",
					  SC_HDR, sc_cases[i].attrs);
		struct pc_side a, b;
		struct pc_report r;
		const struct pc_finding *f;

		sc_side(&a, "A", sc_without, sc_cases[i].feat);
		sc_side(&b, "B", decl, sc_cases[i].feat);
		sc_run(&a, &b, &r);
		f = sc_find(&r, PC_R_SUBSECTION_REQUIRED);
		CU_ASSERT_PTR_NULL(sc_find(&r, PC_R_SUBSECTION_UNKNOWN));
		if (!sc_cases[i].lack_src) {
			CU_ASSERT_PTR_NULL(f);
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INFO);
			PCT_ASSERT_STR_EQ(f->condition, sc_cases[i].kind);
			PCT_ASSERT_CONTAINS(f->dst_value, sc_cases[i].sent);
			PCT_ASSERT_CONTAINS(f->fix, sc_cases[i].kind[0] == 'a'
					    ? "needs it every time" : "needed= is false");
			sc_json_condition(f, sc_cases[i].kind);
		}
		PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_REVIEW), 0);
		pc_report_release(&r);
		pc_side_release(&a);
		pc_side_release(&b);
		free(decl);
	}
}

/* Both sides know it: whatever its condition, nothing to report. */
PCT_TEST("subcond", both_know_the_subsection)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(sc_cases); i++) {
		char *decl = pc_xasprintf("%svmsd fx-dev version=1 min=1\n  field status u32\n  subsection fx-dev/extra %s\nend\n",
					  SC_HDR, sc_cases[i].attrs);
		struct pc_side a, b;
		struct pc_report r;

		sc_side(&a, "A", decl, sc_cases[i].feat);
		sc_side(&b, "B", decl, sc_cases[i].feat);
		sc_run(&a, &b, &r);
		PCT_ASSERT_INT_EQ(r.n, 0);
		pc_report_release(&r);
		pc_side_release(&a);
		pc_side_release(&b);
		free(decl);
	}
}
