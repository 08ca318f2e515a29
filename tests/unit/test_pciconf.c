/*
 * test_pciconf.c - config space as QEMU models it: the 'register' and
 * 'capability' declarations (parser, canonical writer, link checks),
 * their placement (pci_find_space(), the list pointers), and the check's
 * config-space rules both ways: PC401 on checked bits, PC402 on bits the
 * source's guest may change, PC403/PC404 on capabilities, each with a
 * neighbouring change that stays silent; registers a type adds to a
 * shared description and its subtypes inherit; was= of a reconstructed
 * release.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decl.h"
#include "fxside.h"
#include "model.h"
#include "pctest.h"

#include "banned.h"

#define H "plugcheck-abi 1\nplugin fx 2.0\n"
#define BASE "type device abstract\nend\n" \
	"vmsd PCIDev version=2 min=1\n  field version_id i32\n" \
	"  field config buffer size=256\nend\n"
/* a device embedding the shared PCIDev, its config space from its type */
#define DEV(props, cfg) "type fx-cfg parent=device section=fx-cfg\n" props cfg "end\n" \
	"vmsd fx-cfg version=1 min=1\n  field parent_obj struct struct=PCIDev\n" \
	"  field ring u32\nend\n"
#define DECL(props, cfg) H BASE DEV(props, cfg)

static struct pc_registry *parse(const char *text, char *msg, size_t msglen)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));
	struct pc_err err = { 0 };

	pl->path = pc_xstrdup("t.decl");
	pl->decl = pc_xstrdup(text);
	pl->decl_len = strlen(text);
	msg[0] = '\0';
	if (pc_registry_add_plugin(reg, pl, "t.decl", &err) ||
	    pc_registry_finalize(reg, &err)) {
		snprintf(msg, msglen, "%s", err.msg);
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

static const char *error_of(const char *text)
{
	static char msg[2048];
	struct pc_registry *reg = parse(text, msg, sizeof(msg));

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

static const char full[] = H "type device abstract\nend\n"
	"vmsd PCIDev version=2 min=1\n  field config buffer size=4096\nend\n"
	"type fx-cfg parent=device section=fx-cfg abstract\n"
	"  prop big bool default=on\n"
	"  capability msix id=0x11 field=parent_obj.config size=12 if=big since=2.0\n"
	"  capability aer id=0x1 field=parent_obj.config size=0x48 express version=2 at=0x100\n"
	"  register bar0 field=parent_obj.config offset=0x10 size=4 value=0 wmask=\"~(0x1000 - 1)\"\n"
	"  register uncor cap=aer offset=8 size=4 value=\"big ? 0x400000 : 0\" cmask=0xffffffff"
	" wmask=\"big ? 0x3fff030 : 0\" w1cmask=0x10 since=2.0 was=1.5:0x1,2.0:0x2\n"
	"end\n"
	"vmsd fx-cfg version=1 min=1\n  field parent_obj struct struct=PCIDev\n"
	"  field own buffer size=8\n"
	"  register id field=own offset=0 size=4 value=0x1af4\n"
	"  invariant old field=own offset=4 size=4 value=3 romask=0xff was=1.0:0x2\n"
	"end\n";

PCT_TEST("pciconf", declarations_round_trip_canonically)
{
	char msg[2048];
	struct pc_registry *a = parse(full, msg, sizeof(msg)), *b;
	char *wa, *wb;

	if (!a)
		fprintf(stderr, "\n  %s\n", msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	wa = write_all(a);
	b = parse(wa, msg, sizeof(msg));
	if (!b)
		fprintf(stderr, "\n  %s\n%s\n", msg, wa);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	wb = write_all(b);
	PCT_ASSERT_STR_EQ(wb, wa);
	PCT_ASSERT_CONTAINS(wa, "  capability msix id=0x11 field=parent_obj.config size=12 if=big since=2.0\n"
			    "  capability aer id=0x1 field=parent_obj.config size=72 express version=2 at=0x100\n"
			    "  register bar0 field=parent_obj.config offset=16 size=4 value=0 wmask=\"~(0x1000 - 1)\"\n"
			    "  register uncor cap=aer offset=8 size=4 value=\"big ? 0x400000 : 0\" cmask=0xffffffff"
			    " wmask=\"big ? 0x3fff030 : 0\" w1cmask=0x10 since=2.0 was=1.5:0x1,2.0:0x2\nend\n");
	PCT_ASSERT_CONTAINS(wa, "  register id field=own offset=0 size=4 value=0x1af4\n"
			    "  invariant old field=own offset=4 size=4 value=3 romask=0xff was=1.0:0x2\nend\n");
	free(wa);
	free(wb);
	pc_registry_free(a);
	pc_registry_free(b);
}

PCT_TEST("pciconf", malformed_declarations_are_errors_with_the_line)
{
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r field=parent_obj.config size=4 value=0\n")),
		"t.decl:10: missing offset= for register 'r'");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r offset=0 size=4 value=0\n")),
		"t.decl:10: register 'r': exactly one of field= (the config buffer) and cap= (a capability of the type)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r field=parent_obj.config cap=c offset=0 size=4 value=0\n")),
		"t.decl:10: register 'r': exactly one of field= (the config buffer) and cap= (a capability of the type)");
	PCT_ASSERT_STR_EQ(error_of(H "vmsd v version=1 min=1\n  field b buffer size=8\n"
				   "  register r cap=c offset=0 size=4 value=0\nend\n"),
		"t.decl:5: register 'r': cap= only in a type block (capabilities are the type's)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r field=parent_obj.config offset=0 size=3 value=0\n")),
		"t.decl:10: bad size 3 for register 'r' (expected 1, 2, 4 or 8)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability aer id=1 field=parent_obj.config size=8 express\n")),
		"t.decl:10: capability 'aer': an express (extended) capability needs at= (pcie_add_capability() takes its offset)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability pm id=1 field=parent_obj.config size=8 at=0x42\n")),
		"t.decl:10: capability 'pm': at=0x42 is not 4-byte aligned");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability pm id=1 field=parent_obj.config size=8 at=0x30\n")),
		"t.decl:10: bad number '0x30' for at= (expected an integer 64..252)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability pm id=1 field=parent_obj.config size=8 version=1\n")),
		"t.decl:10: capability 'pm': version= only with express (the extended header's version)");
	PCT_ASSERT_STR_EQ(error_of(H "vmsd v version=1 min=1\n  capability pm id=1 field=b size=8\nend\n"),
		"t.decl:4: 'capability' outside a type block");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability pm id=1 field=parent_obj.config size=8\n"
					"  register pm field=parent_obj.config offset=0 size=4 value=0\n")),
		"t.decl:11: register or capability 'pm' declared twice in fx-cfg (first at line 10)");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r field=parent_obj.config offset=0 size=4 value=0 was=2.0:1,1.0:2\n")),
		"t.decl:10: was= versions must be ascending (1.0:2)");
}

PCT_TEST("pciconf", links_are_checked_against_the_section)
{
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r cap=msix offset=0 size=4 value=0\n")),
		"t.decl:10: register 'r' of type 'fx-cfg': cap=msix names no capability of 'fx-cfg' or its parents");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  register r field=parent_obj.version_id offset=0 size=4 value=0\n")),
		"t.decl:10: register 'r' of type 'fx-cfg': field=parent_obj.version_id names no buffer field of 'fx-cfg' (the section of 'fx-cfg')");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability pm id=1 field=parent_obj.config size=8\n"
					"  register r cap=pm offset=6 size=4 value=0\n")),
		"t.decl:11: register 'r': bytes 6..9 are outside capability 'pm' of 8 bytes");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability aer id=1 field=parent_obj.config size=0x48 express at=0x100\n")),
		"t.decl:10: capability 'aer' at 0x100 (72 bytes) does not fit in parent_obj.config");
	/* a subtype inherits its parent's registers: checked against its
	 * own section */
	PCT_ASSERT_STR_EQ(error_of(H BASE "type base parent=device abstract\n"
				   "  register r field=cfg offset=0 size=4 value=0\nend\n"
				   "type fx parent=base section=v\nend\n"
				   "vmsd v version=1 min=1\n  field other buffer size=8\nend\n"),
		"t.decl:10: register 'r' of type 'base': field=cfg names no buffer field of 'v' (the section of 'fx')");
}

/* ---- the check ---- */

static void make_side(struct pc_side *s, const char *label, const char *decl,
		      int release_major)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, release_major, &err))
		fprintf(stderr, "\n  make_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
	s->project = release_major < 2;
}

/* a -> b under fx-1.0 (smp 1); returns the check's status */
static int run(const struct pc_side *a, const struct pc_side *b,
	       struct pc_report *r, struct pc_err *err)
{
	struct pc_check c;

	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(r);
	return pc_check_direction(&c, a, b, r, err);
}

static const struct pc_finding *find(const struct pc_report *r,
				     const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(pc_rule_info(r->items[i].rule)->id, id))
			return &r->items[i];
	return NULL;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Check decl_a -> decl_b and back: 'ab' and 'ba' are the space-separated
 * rule IDs each direction must give exactly ("" for none); 'path' and
 * 'fix' (may be NULL) what the first finding of A -> B must say.
 */
static void pair(const char *decl_a, const char *decl_b, const char *ab,
		 const char *ba, const char *path, const char *fix)
{
	struct pc_side a, b;
	struct pc_report r[2];
	struct pc_err err = { 0 };
	const char *want[2] = { ab, ba };

	make_side(&a, "A", decl_a, 2);
	make_side(&b, "B", decl_b, 2);
	CU_ASSERT_EQUAL_FATAL(run(&a, &b, &r[0], &err), 0);
	CU_ASSERT_EQUAL_FATAL(run(&b, &a, &r[1], &err), 0);
	for (size_t d = 0; d < 2; d++) {
		struct pc_strbuf got = PC_STRBUF_INIT;

		/* the rule IDs, each once, in ID order */
		const char *ids[64];
		size_t n = 0;

		for (size_t i = 0; i < r[d].n && n < 64; i++) {
			const char *id = pc_rule_info(r[d].items[i].rule)->id;
			bool dup = false;

			for (size_t j = 0; j < n; j++)
				dup = dup || !strcmp(ids[j], id);
			if (!dup)
				ids[n++] = id;
		}
		qsort(ids, n, sizeof(ids[0]), str_cmp);
		for (size_t i = 0; i < n; i++)
			pc_strbuf_addf(&got, "%s%s", i ? " " : "", ids[i]);
		if (strcmp(got.len ? got.buf : "", want[d])) {
			fprintf(stderr, "\n  %s: want '%s', got:\n", d ? "B->A" : "A->B", want[d]);
			pct_dump_report(&r[d]);
		}
		PCT_ASSERT_STR_EQ(got.len ? got.buf : "", want[d]);
		pc_strbuf_release(&got);
	}
	if (*ab && r[0].n) {
		if (path)
			PCT_ASSERT_CONTAINS(r[0].items[0].path, path);
		if (fix)
			PCT_ASSERT_CONTAINS(r[0].items[0].fix, fix);
	}
	pc_report_release(&r[0]);
	pc_report_release(&r[1]);
	pc_side_release(&a);
	pc_side_release(&b);
}

#define REG(attrs) "  register r field=parent_obj.config offset=0x40 size=4 " attrs "\n"

PCT_TEST("pciconf", register_made_read_only_is_caught_one_way)
{
	/* the source's guest may have written bits the destination checks:
	 * PC402; the other way the destination does not check them */
	pair(DECL("", REG("value=0 wmask=0xff")), DECL("", REG("value=0")),
	     "PC402", "", "parent_obj.r (config+0x40)",
	     "put the change behind a new property of fx-cfg");
	/* a write-1-to-clear bit (status) checked read-only on the other */
	pair(DECL("", REG("value=0 w1cmask=0x10")), DECL("", REG("value=0")),
	     "PC402", "", NULL, NULL);
	/* the same masks both ways: silent */
	pair(DECL("", REG("value=0 wmask=0xff w1cmask=0x100")),
	     DECL("", REG("value=0 wmask=0xff w1cmask=0x100")), "", "", NULL, NULL);
	/* bits outside cmask are never checked */
	pair(DECL("", REG("value=0 wmask=0xff")),
	     DECL("", REG("value=0 cmask=0xffffff00")), "", "", NULL, NULL);
}

PCT_TEST("pciconf", content_on_checked_bits_only)
{
	/* QEMU's AER mask: the new default lies in bits the new build makes
	 * guest-writable: old -> new loads, new -> old is refused */
	pair(DECL("", REG("value=0x2400000 wmask=0x3fff030")), DECL("", REG("value=0")),
	     "PC401 PC402", "", "parent_obj.r (config+0x40)", NULL);
	/* a value differing on checked bits both ways */
	pair(DECL("", REG("value=1")), DECL("", REG("value=2")), "PC401", "PC401",
	     NULL, "value=\"x-PROPERTY ? NEW : OLD\"");
}

PCT_TEST("pciconf", a_bar_that_grows)
{
	pair(DECL("", REG("value=0 wmask=\"~(0x1000 - 1)\"")),
	     DECL("", REG("value=0 wmask=\"~(0x2000 - 1)\"")), "PC402", "",
	     "parent_obj.r (config+0x40)", NULL);
}

#define PM "  capability pm id=1 field=parent_obj.config size=8"
#define MSIX "  capability msix id=0x11 field=parent_obj.config size=12\n" \
	"  register msix-flags cap=msix offset=2 size=2 value=3 wmask=0xc000\n"

PCT_TEST("pciconf", capability_added_before_another_moves_it)
{
	/* pm takes 0x40 and msix moves to 0x48: both ways */
	pair(DECL("", MSIX), DECL("", PM "\n" MSIX), "PC403 PC404", "PC403 PC404",
	     "parent_obj.capability pm (config)",
	     "if=x-PROPERTY on the capability that was added");
	/* added after it (pci_find_space() gives pm 0x4c): msix stays, the
	 * list head and pm are new */
	pair(DECL("", MSIX), DECL("", MSIX PM "\n"), "PC404", "PC404", NULL, NULL);
	/* the same at a fixed offset either way: silent */
	pair(DECL("", PM " at=0x80\n" MSIX), DECL("", PM " at=0x80\n" MSIX), "", "",
	     NULL, NULL);
}

PCT_TEST("pciconf", capability_behind_a_property_names_its_compat_line)
{
	const char *a = DECL("  prop x-pm bool default=off guest-visible\n", PM " if=x-pm\n" MSIX);
	const char *b = DECL("  prop x-pm bool default=on guest-visible\n", PM " if=x-pm\n" MSIX);

	/* the property decides: the fix is its compat line */
	pair(a, b, "PC403 PC404 PC501", "PC403 PC404 PC501", NULL,
	     "keep fx-cfg.x-pm=off for fx-1.0");
	/* the property off on both: silent */
	pair(a, a, "", "", NULL, NULL);
}

#define PCIE_DECL(cfg) H "type device abstract\nend\n" \
	"vmsd PCIDev version=2 min=1\n  field config buffer size=4096\nend\n" DEV("", cfg)

/* The capabilities of the resolved fx-cfg section's parent_obj, as
 * "name@off>next ..." */
static char *placed(const char *decl, char *msg, size_t msglen)
{
	struct pc_side s;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const struct pc_machine *m;

	make_side(&s, "A", decl, 2);
	m = pc_machine_find(s.machines, "fx-1.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	msg[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(pc_vm_build(&s, m, 1, &vm, &err), 0);
	if (pc_vm_resolve(&vm, &err)) {
		snprintf(msg, msglen, "%s", err.msg);
	} else {
		for (size_t i = 0; i < vm.n_sections; i++) {
			const struct pc_rdesc *d = vm.sections[i].desc->nodes[0].desc;

			for (size_t k = 0; d && k < d->n_caps; k++)
				pc_strbuf_addf(&sb, "%s%s@%#x>%#x", sb.len ? " " : "",
					       d->caps[k].name, d->caps[k].offset,
					       d->caps[k].next);
			for (size_t k = 0; d && k < d->n_invs; k++)
				pc_strbuf_addf(&sb, " %s@%#x", d->invs[k].name,
					       d->invs[k].offset);
		}
	}
	pc_vm_release(&vm);
	pc_side_release(&s);
	return sb.len ? pc_strbuf_detach(&sb) : pc_xstrdup("");
}

PCT_TEST("pciconf", placement_follows_qemu)
{
	char msg[4096], *got;

	/* standard ones at the first free space from 0x40, each linked at
	 * the head (pm was added first: its next is 0); extended ones at
	 * their offset, each linked from the one before; a register of a
	 * capability sits at the capability's offset */
	got = placed(PCIE_DECL(PM "\n" MSIX
		"  capability aer id=1 field=parent_obj.config size=0x48 express version=2 at=0x100\n"
		"  capability acs id=0xd field=parent_obj.config size=8 express version=1 at=0x148\n"),
		msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(got, "pm@0x40>0 msix@0x48>0x40 aer@0x100>0x148 acs@0x148>0 msix-flags@0x4a");
	free(got);
	/* a capability that is not in the VM takes no space */
	got = placed(PCIE_DECL("  prop x-pm bool default=off\n" PM " if=x-pm\n" MSIX), msg,
		     sizeof(msg));
	PCT_ASSERT_STR_EQ(got, "msix@0x40>0 msix-flags@0x42");
	free(got);
	/* two capabilities at the same offset: an error naming it */
	got = placed(PCIE_DECL(PM " at=0x40\n  capability msix id=0x11 field=parent_obj.config size=12 at=0x44\n"),
		     msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(got, "");
	PCT_ASSERT_STR_EQ(msg, "fx-cfg: config space: capability 'msix' (12 bytes) overlaps another capability in parent_obj.config");
	free(got);
}

/* A base type's config space reaches every subtype, on the shared
 * description, without a copy of it. */
#define INHERIT(dflt) H BASE \
	"type fx-base parent=device abstract\n" \
	"  prop x-new bool default=" dflt "\n" \
	"  register id field=parent_obj.config offset=0 size=4 value=\"x-new ? 2 : 1\"\n" \
	"end\n" \
	"type fx-cfg parent=fx-base section=fx-cfg\nend\n" \
	"vmsd fx-cfg version=1 min=1\n  field parent_obj struct struct=PCIDev\nend\n"

PCT_TEST("pciconf", subtypes_inherit_a_base_types_registers)
{
	pair(INHERIT("on"), INHERIT("off"), "PC401", "PC401",
	     "parent_obj.id (config+0x0)", "keep fx-base.x-new=on for fx-1.0");
	pair(INHERIT("on"), INHERIT("on"), "", "", NULL, NULL);
}

/* was= of a register gives a reconstructed release its old content. */
PCT_TEST("pciconf", was_reconstructs_an_older_release)
{
	const char *d = DECL("", REG("value=2 was=2.0:1"));
	struct pc_side tree, rel;
	struct pc_report r;
	struct pc_err err = { 0 };

	make_side(&tree, "tree", d, 2);
	make_side(&rel, "1.0", d, 1);
	CU_ASSERT_EQUAL_FATAL(run(&rel, &tree, &r, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(find(&r, "PC401"));
	if (find(&r, "PC401")) {
		PCT_ASSERT_STR_EQ(find(&r, "PC401")->src_value, "0x00000001");
		PCT_ASSERT_CONTAINS(find(&r, "PC401")->why, "(was= of release 1.0)");
	}
	pc_report_release(&r);
	pc_side_release(&tree);
	pc_side_release(&rel);
}

/* MSI-X: the table size the capability says against the table the state
 * carries (msix_save()) */
#define MSIX_DECL(entries) H "type device abstract\nend\n" \
	"vmsd PCIDev version=2 min=1\n  field config buffer size=4096\nend\n" \
	"type fx-cfg parent=device section=fx-cfg\n  prop vectors u16 default=4\n" \
	"  capability msix id=0x11 field=parent_obj.config size=12 table=msix_table entries=" entries "\n" \
	"end\nvmsd fx-cfg version=1 min=1\n  field parent_obj struct struct=PCIDev\n" \
	"  field msix_table buffer size=16 count=vectors\nend\n"

PCT_TEST("pciconf", msix_table_size_is_cross_checked_with_the_state)
{
	char msg[4096], *got;

	got = placed(MSIX_DECL("vectors"), msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(got, "msix@0x40>0");
	PCT_ASSERT_STR_EQ(msg, "");
	free(got);
	got = placed(MSIX_DECL("\"vectors + 1\""), msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "fx-cfg: config space: capability 'msix' (line 10) has 5 table entries (entries=), but the state field msix_table carries 4");
	free(got);
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability msix id=0x11 field=parent_obj.config size=12 table=nosuch entries=4\n")),
		"t.decl:10: capability 'msix' of type 'fx-cfg': table=nosuch names no buffer field of 'fx-cfg' (the section of 'fx-cfg')");
	PCT_ASSERT_STR_EQ(error_of(DECL("", "  capability msix id=0x11 field=parent_obj.config size=12 table=ring\n")),
		"t.decl:10: capability 'msix': table= and entries= go together (the state field of the capability's table and its number of entries)");
}

/* More capabilities in one buffer than the placement holds: refused (a
 * limit, never a silent truncation). */
PCT_TEST("pciconf", too_many_capabilities_are_refused)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char msg[4096], *decl, *got;

	for (int i = 0; i < 65; i++)
		pc_strbuf_addf(&sb, "  capability c%d id=%d field=parent_obj.config size=4 express at=%#x\n",
			       i, i + 1, 0x100 + 4 * i);
	decl = pc_xasprintf("%s%s%s", H "type device abstract\nend\n"
			    "vmsd PCIDev version=2 min=1\n  field config buffer size=4096\nend\n"
			    "type fx-cfg parent=device section=fx-cfg\n", sb.buf,
			    "end\nvmsd fx-cfg version=1 min=1\n  field parent_obj struct struct=PCIDev\nend\n");
	got = placed(decl, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "fx-cfg: config space: more than 64 capabilities in parent_obj.config");
	free(got);
	free(decl);
	pc_strbuf_release(&sb);
}
