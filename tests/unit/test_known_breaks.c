/*
 * test_known_breaks.c - abi/known-breaks (core/known-breaks.c): the
 * reader's errors, the exact match of an acknowledgement (rule, device
 * type, path, release, machine type: nothing else), which entry covered
 * each occurrence, and stale acknowledgements (PC810).
 *
 * Sides are built from in-memory declarations over the fx fixture family
 * (tests/fixtures/check/machines): "1.0" plays a recorded release, "tree"
 * the tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "known-breaks.h"
#include "fxside.h"
#include "pctest.h"

#define HDR "plugcheck-abi 1\nplugin fx 2.0\n" \
	"type device abstract\nend\n"
#define DEV(feat, level, mask) \
	"type fx-dev parent=device section=fx-dev\n" \
	"  prop feat bool default=" feat " guest-visible\n" \
	"  prop level u8 default=" level " guest-visible\n" \
	"  prop mask bool default=" mask "\n" \
	"end\n" \
	"vmsd fx-dev version=1 min=1\n" \
	"  field status u32\n" \
	"  field config buffer size=64\n" \
	"  invariant mask-reg field=config offset=8 size=4 value=\"mask ? 0x400000 : 0\" romask=\"mask ? 0xff7fffff : 0xffffffff\"\n" \
	"end\n"

static void make_side(struct pc_side *s, const char *label, const char *decl,
		      bool release)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, 2, &err))
		fprintf(stderr, "\n  make_side(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
	s->project = release;
}

/* Write 'text' as a known-breaks file and load it; returns load's result. */
static int load(const char *text, struct pc_known_breaks *kb,
		struct pc_err *err, char **pathp)
{
	char *dir = pct_tmpdir("known");
	char *path = pc_xasprintf("%s/known-breaks", dir);
	int rc;

	CU_ASSERT_EQUAL_FATAL(pc_write_file_atomic(path, text, strlen(text), err), 0);
	rc = pc_known_breaks_load(path, kb, err);
	free(dir);
	if (pathp)
		*pathp = path;
	else
		free(path);
	return rc;
}

static void expect_load_error(const char *text, const char *msg)
{
	struct pc_known_breaks kb;
	struct pc_err err = { 0 };

	CU_ASSERT_NOT_EQUAL(load(text, &kb, &err, NULL), 0);
	PCT_ASSERT_CONTAINS(err.msg, msg);
}

PCT_TEST("known-breaks", file_parsing)
{
	struct pc_known_breaks kb;
	struct pc_err err = { 0 };
	const char *good = "# comment\n\nbreak rule=PC401,PC501 device=pci-device"
		" path=parent_obj.aer-uncor-mask,pci-device.x-pcie-err-unc-mask"
		" machines=..7.2 release=8.0 reason=\"8.0 made the mask writable\""
		" mitigation=\"start with x=on\"\n";

	CU_ASSERT_EQUAL_FATAL(load(good, &kb, &err, NULL), 0);
	PCT_ASSERT_INT_EQ(kb.n, 1);
	PCT_ASSERT_STR_EQ(kb.items[0].reason, "8.0 made the mask writable");
	CU_ASSERT_TRUE(kb.items[0].has_max);
	PCT_ASSERT_INT_EQ(kb.items[0].n_paths, 2);
	PCT_ASSERT_STR_EQ(kb.items[0].paths[0], "parent_obj.aer-uncor-mask");
	PCT_ASSERT_STR_EQ(kb.items[0].paths[1], "pci-device.x-pcie-err-unc-mask");
	PCT_ASSERT_CONTAINS(kb.items[0].origin, "known-breaks:3");
	pc_known_breaks_release(&kb);

	/* path= is required: without it an entry covers every break on
	 * its device */
	expect_load_error("#\nbreak rule=PC401 device=pci-device machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:2: a break needs path=, the exact field or property path");
	expect_load_error("break rule=PC401\n",
			  "known-breaks:1: a break needs rule=, device=, path=, machines=, release= and reason=");
	expect_load_error("break rule=PC4O1 device=d path=p machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: unknown rule 'PC4O1' in rule=PC4O1");
	expect_load_error("break rule=PC810 device=d path=p machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: unknown rule 'PC810'");
	expect_load_error("break rule=PC401,,PC501 device=d path=p machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: empty item '' in rule=PC401,,PC501");
	expect_load_error("break rule=PC401 device=d path=a,,b machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: empty item in path=a,,b");
	expect_load_error("break rule=PC401 device=d path= machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: empty item in path=");
	expect_load_error("break rule=PC401 device=d path=p machines=a, release=8.0 reason=r\n",
			  "known-breaks:1: empty item in machines=a,");
	expect_load_error("break rule=PC401 device=d path=p machines=..7.2 release=8.0, reason=r\n",
			  "known-breaks:1: empty item in release=8.0,");
	expect_load_error("break rule=PC401 device=d path=p path=q machines=..7.2 release=8.0 reason=r\n",
			  "known-breaks:1: unknown or repeated key 'path'");
}

/* The release "1.0" and the tree differ in feat (PC501 at fx-dev.feat),
 * level (PC501 at fx-dev.level) and the mask register (PC401 at
 * "mask-reg (config+0x8)"). */
struct world {
	struct pc_side rel, tree;
	struct pc_known_breaks kb;
	struct pc_report r;
	char *path;
};

static void world_run_smp(struct world *w, const char *entries,
			  bool tree_override, int smp)
{
	struct pc_check c;
	struct pc_err err = { 0 };

	make_side(&w->rel, "1.0", HDR DEV("on", "1", "off"), true);
	make_side(&w->tree, "tree", HDR DEV("off", "2", "on"), false);
	if (tree_override) {
		struct pc_override ov;

		CU_ASSERT_EQUAL_FATAL(pc_override_parse("fx-dev.mask=on", false,
							"test", &ov, &err), 0);
		pc_side_add_override(&w->tree, &ov);
		pc_override_release(&ov);
	}
	CU_ASSERT_EQUAL_FATAL(load(entries, &w->kb, &err, &w->path), 0);
	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.known = &w->kb;
	if (smp) {
		c.smps[0] = smp;
		c.n_smps = 1;
	}
	pc_report_init(&w->r);
	if (pc_check_pair(&c, &w->rel, &w->tree, &w->r, &err))
		fprintf(stderr, "\n  check: %s\n", err.msg);
	CU_ASSERT_FALSE(err.set);
}

static void world_run(struct world *w, const char *entries, bool tree_override)
{
	world_run_smp(w, entries, tree_override, 0);
}

static void world_release(struct world *w)
{
	pc_report_release(&w->r);
	pc_known_breaks_release(&w->kb);
	pc_side_release(&w->rel);
	pc_side_release(&w->tree);
	free(w->path);
}

/* The findings of 'rule' at 'path' (exact): how many, how many known, and
 * the entry that acknowledged the last known one. */
static size_t count(const struct world *w, enum pc_rule rule, const char *path,
		    size_t *known, const char **by)
{
	size_t n = 0;

	*known = 0;
	for (size_t i = 0; i < w->r.n; i++) {
		const struct pc_finding *f = &w->r.items[i];

		if (f->rule != rule || !f->path || strcmp(f->path, path))
			continue;
		n++;
		if (f->known) {
			(*known)++;
			*by = f->known_by;
			CU_ASSERT_PTR_NOT_NULL(f->known_reason);
		} else {
			CU_ASSERT_PTR_NULL(f->known_by);
		}
	}
	return n;
}

PCT_TEST("known-breaks", covers_exactly_its_path)
{
	struct world w;
	size_t known = 0;
	const char *by = NULL;
	char *want;

	/* line 2: the feat difference only; the level difference on the
	 * same device, rule, release and machine is a break of its own */
	world_run(&w, "# fx\nbreak rule=PC501 device=fx-dev path=fx-dev.feat machines=..1.0 release=1.0 reason=\"1.0 had feat on\"\n", false);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	want = pc_xasprintf("%s:2", w.path);
	PCT_ASSERT_STR_EQ(by, want);
	free(want);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.level", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 0);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_INVARIANT, "mask-reg (config+0x8)", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 0);
	CU_ASSERT_TRUE(pc_report_fails(&w.r));
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 0);
	world_release(&w);
}

PCT_TEST("known-breaks", path_is_never_a_substring)
{
	struct world w;
	size_t known = 0, before;
	const char *by = NULL;
	const struct pc_finding *f;

	/* "fx-dev.fe" is not "fx-dev.feat", "level" is not "fx-dev.level" */
	world_run(&w, "break rule=PC501 device=fx-dev path=fx-dev.fe,level machines=fx-1.0 release=1.0 reason=r\n", false);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 0);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.level", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 0);
	/* ... and the entry covered by the run is stale, naming what it
	 * expected and what the run showed instead */
	before = w.r.n;
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 1);
	PCT_ASSERT_INT_EQ(w.r.n, before + 1);
	f = &w.r.items[before];
	PCT_ASSERT_INT_EQ(f->rule, PC_R_KNOWN_STALE);
	PCT_ASSERT_INT_EQ(f->severity, PC_SEV_INCOMPATIBLE);
	PCT_ASSERT_STR_EQ(f->machine, "fx-1.0");
	PCT_ASSERT_STR_EQ(f->src, "1.0");
	PCT_ASSERT_STR_EQ(f->dst, "tree");
	PCT_ASSERT_STR_EQ(f->device, "fx-dev");
	PCT_ASSERT_STR_EQ(f->path, "fx-dev.fe, level");
	PCT_ASSERT_CONTAINS(f->why, "known-breaks:1: no finding PC501 at fx-dev fx-dev.fe, level between 1.0 and tree on fx-1.0 (either direction): the tree no longer shows it");
	PCT_ASSERT_CONTAINS(f->why, "it shows PC501 at fx-dev fx-dev.feat; PC501 at fx-dev fx-dev.level instead, which the entry does not cover");
	PCT_ASSERT_CONTAINS(f->fix, "remove the entry ");
	PCT_ASSERT_CONTAINS(f->fix, "known-breaks:1 if the break is gone");
	world_release(&w);
}

PCT_TEST("known-breaks", field_path_and_rule_list)
{
	struct world w;
	size_t known = 0;
	const char *by = NULL;

	/* a field path names the field, with or without the location the
	 * finding adds; the rule list does not widen the paths */
	world_run(&w, "break rule=PC401,PC501 device=device path=mask-reg,fx-dev.level machines=..1.0 release=0.9,1.0 reason=r\n"
		      "break rule=PC501 device=fx-dev path=\"fx-dev.feat\" machines=fx1 release=1.0 reason=r mitigation=m\n", false);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_INVARIANT, "mask-reg (config+0x8)", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	PCT_ASSERT_CONTAINS(by, "known-breaks:1");
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.level", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	PCT_ASSERT_CONTAINS(by, "known-breaks:1");
	/* the second entry names the machine by its alias */
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	PCT_ASSERT_CONTAINS(by, "known-breaks:2");
	CU_ASSERT_FALSE(pc_report_fails(&w.r));
	/* release 0.9 was not in the run: only what the run covered counts */
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 0);
	world_release(&w);
}

PCT_TEST("known-breaks", out_of_scope_is_neither_matched_nor_stale)
{
	struct world w;
	size_t known = 0;
	const char *by = NULL;

	/* another release, another machine type, another device type, a
	 * rule the finding does not have */
	world_run(&w, "break rule=PC501 device=fx-dev path=fx-dev.feat machines=..1.0 release=0.9 reason=r\n"
		      "break rule=PC501 device=fx-dev path=fx-dev.feat machines=fx-2.0 release=1.0 reason=r\n"
		      "break rule=PC501 device=fx-other path=fx-dev.feat machines=..1.0 release=1.0 reason=r\n"
		      "break rule=PC401 device=fx-dev path=fx-dev.feat machines=..1.0 release=1.0 reason=r\n", false);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 0);
	/* the first three do not cover this run; the fourth does and
	 * matched nothing */
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 1);
	PCT_ASSERT_CONTAINS(w.r.items[w.r.n - 1].why, "known-breaks:4: no finding PC401 at fx-dev fx-dev.feat");
	PCT_ASSERT_CONTAINS(w.r.items[w.r.n - 1].why, "it shows PC401 at fx-dev mask-reg (config+0x8) instead");
	world_release(&w);
}

PCT_TEST("known-breaks", one_stale_path_of_a_list)
{
	struct world w;
	size_t known = 0;
	const char *by = NULL;

	world_run(&w, "break rule=PC501 device=fx-dev path=fx-dev.feat,fx-dev.gone machines=..1.0 release=1.0 reason=r\n", false);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 1);
	PCT_ASSERT_STR_EQ(w.r.items[w.r.n - 1].path, "fx-dev.gone");
	PCT_ASSERT_CONTAINS(w.r.items[w.r.n - 1].why, "no finding PC501 at fx-dev fx-dev.gone between 1.0 and tree on fx-1.0");
	world_release(&w);
}

PCT_TEST("known-breaks", overridden_tree_concludes_no_staleness)
{
	struct world w;

	/* a tree started with user overrides is not the tree as the project
	 * has it (the override may be the very mitigation) */
	world_run(&w, "break rule=PC401 device=fx-dev path=fx-dev.feat machines=..1.0 release=1.0 reason=r\n", true);
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 0);
	world_release(&w);
}

PCT_TEST("known-breaks", part_of_the_configuration_concludes_no_staleness)
{
	struct world w;
	size_t known = 0;
	const char *by = NULL;

	/* one vCPU count of the default set (--smp): the break may show in
	 * another; what it shows is still acknowledged exactly */
	world_run_smp(&w, "break rule=PC501 device=fx-dev path=fx-dev.feat,fx-dev.gone machines=..1.0 release=1.0 reason=r\n", false, 1);
	PCT_ASSERT_INT_EQ(count(&w, PC_R_GUEST_PROP, "fx-dev.feat", &known, &by), 2);
	PCT_ASSERT_INT_EQ(known, 2);
	PCT_ASSERT_INT_EQ(pc_known_breaks_stale(&w.kb, &w.r), 0);
	world_release(&w);
}

/* The main job concludes staleness only over the default configuration of
 * the tree as the project has it. */
PCT_TEST("known-breaks", main_job_stale_only_over_the_whole_tree)
{
	char *dir = pct_tmpdir("known-main");
	char *cmd = pc_xasprintf("cp -r '%s'/. '%s'/ && echo 'break rule=PC501 device=pvpanic "
				 "path=pvpanic.events machines=..7.2 release=8.0.1 reason=r' >> '%s'/known-breaks",
				 pct_path("abi"), dir, dir);
	char *out = NULL;

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--abi-dir", dir, "--machine", "pc-7.2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "known-breaks:13: no finding PC501 at pvpanic pvpanic.events between 8.0.1 and tree on pc-q35-7.2");
	free(out);
	/* a VM of one device, one vCPU count, an override on the tree: the
	 * acknowledged break still shows and is acknowledged, no PC810 */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--abi-dir", dir, "--machine", "pc-7.2",
					"--vm-device", "e1000e", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "known-breaks:11");
	CU_ASSERT_PTR_NULL(strstr(out, "PC810"));
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--abi-dir", dir, "--machine", "pc-7.2",
					"--smp", "2", NULL), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "PC810"));
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--abi-dir", dir, "--machine", "pc-7.2",
					"--dst-global", "pvpanic.events=3", NULL), 0);
	CU_ASSERT_PTR_NULL(strstr(out, "PC810"));
	free(out);
	free(cmd);
	free(dir);
}
