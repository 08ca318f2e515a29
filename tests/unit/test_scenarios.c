/*
 * test_scenarios.c - the QEMU compatibility guide, executed: cases 1-6,
 * the virtio-blk num-queues story and the A -> B -> C double migration, the
 * PCI AER mask break of 8.0 and its 8.0.1 fix (all nine ordered pairs, with
 * QEMU's masks rather than the guide's table: the 8.0 destination treats the
 * default-mask bits as guest-writable and loads 7.2's and 8.0.1's state,
 * the override suggest must find, the chain that needs the override on
 * every later hop), the host-feature intersection, and the shipped tree's
 * verdicts.  Each test asserts the exact outcome the guide gives.
 *
 * Runs the real CLI over the shipped plugins, machines/ and abi/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pctest.h"
#include "util.h"

static int status_of(const char *from, const char *to, const char *machine)
{
	char *out = NULL;
	int rc = pct_plugcheck(&out, "check", "--machine", machine, "--from", from, "--to",
		    to, "-q", NULL);

	free(out);
	return rc;
}

/* ---- cases 1-6 (qemu-5.1, qemu-5.2; pc-5.1, pc-5.2) ---- */

PCT_TEST("guide", cases_1_to_6)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(status_of("5.2", "5.2", "pc-5.2"), 0); /* case 1 */
	PCT_ASSERT_INT_EQ(status_of("5.1", "5.1", "pc-5.1"), 0); /* case 2 */
	PCT_ASSERT_INT_EQ(status_of("5.2", "5.2", "pc-5.1"), 0); /* case 3 */
	PCT_ASSERT_INT_EQ(status_of("5.2", "5.1", "pc-5.1"), 0); /* case 5 */
	PCT_ASSERT_INT_EQ(status_of("5.1", "5.2", "pc-5.1"), 0); /* case 6 */
	/* case 4: qemu-5.1 does not know pc-5.2: refused */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.2", "--from", "5.1",
			     "--to", "5.1", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "5.1 does not know machine type 'pc-5.2'");
	free(out);
}

/* ---- virtio-blk num-queues: without the compat entry ---- */

struct nocompat {
	char *mdir;
	char *baseline; /* qemu-5.2 as it would have been without the entry */
};

static void make_nocompat(struct nocompat *n)
{
	char *out = NULL;

	n->mdir = pct_machines_without("nq", "virtio-blk-device  num-queues");
	n->baseline = pc_xasprintf("%s/5.2-without-compat.json", n->mdir);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", n->mdir, "dump-abi", "--release",
			     "5.2", "--output", n->baseline, NULL), 0);
	free(out);
}

static void free_nocompat(struct nocompat *n)
{
	free(n->mdir);
	free(n->baseline);
}

PCT_TEST("guide", num_queues_without_compat_entry_breaks_cases_5_and_6)
{
	struct nocompat n;
	char *out = NULL;

	make_nocompat(&n);
	/* case 5: qemu-5.2 -M pc-5.1 -> qemu-5.1 */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--from",
			     n.baseline, "--to", "5.1", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "num-queues");
	PCT_ASSERT_CONTAINS(out, "smp=2");
	/* one cause, its values on each side (every finding's: -v) */
	PCT_ASSERT_CONTAINS(out, "cause: virtio-blk-device.num-queues = 2 on ");
	PCT_ASSERT_CONTAINS(out, "1 on 5.1 (");
	free(out);
	/* case 6: qemu-5.1 -> qemu-5.2 -M pc-5.1 */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--from", "5.1",
			     "--to", n.baseline, NULL), 1);
	PCT_ASSERT_CONTAINS(out, "num-queues");
	free(out);
	/* with 1 vCPU nothing shows: the report must name the configuration */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--smp", "1",
			     "--from", "5.1", "--to", n.baseline, NULL), 0);
	free(out);
	free_nocompat(&n);
}

PCT_TEST("guide", double_migration_a_b_c)
{
	struct nocompat n;
	char *chain, *out = NULL;

	make_nocompat(&n);
	chain = pc_xasprintf("5.1,%s,%s", n.baseline, n.baseline);
	/* without the compat entry: A -> B fails */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--smp", "4",
			     "--chain", chain, NULL), 1);
	PCT_ASSERT_CONTAINS(out, "[hop 1/2]");
	PCT_ASSERT_NOT_CONTAINS(out, "[hop 2/2]");
	free(out);
	/* B started with num-queues=1: A -> B passes, B -> C (defaults) fails */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--smp", "4",
			     "--chain", chain, "--hop-global",
			     "2:virtio-blk-device.num-queues=1", NULL), 1);
	PCT_ASSERT_NOT_CONTAINS(out, "[hop 1/2]");
	PCT_ASSERT_CONTAINS(out, "[hop 2/2]");
	PCT_ASSERT_CONTAINS(out, "num-queues");
	free(out);
	/* ... unless the pin travels with the guest */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--smp", "4",
			     "--chain", chain, "--hop-global",
			     "2:virtio-blk-device.num-queues=1", "--carry", NULL), 0);
	free(out);
	free(chain);
	/* with the compat entry: every hop passes with no overrides */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-5.1", "--smp", "4",
			     "--chain", "5.1,5.2,5.2", NULL), 0);
	free(out);
	free_nocompat(&n);
}

PCT_TEST("guide", removing_num_queues_entry_fails_main_job_with_fix)
{
	char *mdir = pct_machines_without("nq2", "virtio-blk-device  num-queues");
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "--machine", "pc-5.1",
			     NULL), 1);
	PCT_ASSERT_CONTAINS(out, "5.1 -> tree on pc-q35-5.1");
	PCT_ASSERT_CONTAINS(out, "(5.1 <-> tree, ");
	PCT_ASSERT_CONTAINS(out, "virtio-blk-device.num-queues");
	PCT_ASSERT_CONTAINS(out, "hw_compat_5_1.compat: virtio-blk-device num-queues 1");
	free(out);
	free(mdir);
}

/* ---- the AER mask: 7.2, 8.0, 8.0.1 under pc-7.2 ----
 *
 * The guide's table says 7.2 -> 8.0 and 8.0.1 -> 8.0 fail too.  QEMU's
 * masks say otherwise (hw/pci/pcie_aer.c, pcie_regs.h): 8.0's wmask of
 * PCI_ERR_UNCOR_MASK is PCI_ERR_UNC_SUPPORTED, which contains the two
 * PCI_ERR_UNC_MASK_DEFAULT bits, so get_pci_config_device() on 8.0 does
 * not check them and loads the 0 that 7.2 and 8.0.1 (off) send.  Only a
 * destination that checks the whole register (7.2, 8.0.1 with the
 * property off) refuses 8.0's 0x02400000.  The model follows QEMU. */

PCT_TEST("guide", aer_nine_pairs)
{
	static const struct {
		const char *from, *to;
		int status;
	} pairs[] = {
		{ "7.2", "7.2", 0 },     { "8.0", "8.0", 0 },
		{ "8.0.1", "8.0.1", 0 }, { "7.2", "8.0", 0 },
		{ "8.0", "7.2", 1 },     { "7.2", "8.0.1", 0 },
		{ "8.0.1", "7.2", 0 },   { "8.0", "8.0.1", 1 },
		{ "8.0.1", "8.0", 0 },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(pairs); i++) {
		int rc = status_of(pairs[i].from, pairs[i].to, "pc-7.2");

		if (rc != pairs[i].status)
			fprintf(stderr, "\n  %s -> %s: ", pairs[i].from, pairs[i].to);
		PCT_ASSERT_INT_EQ(rc, pairs[i].status);
	}
}

PCT_TEST("guide", aer_break_is_the_uncor_mask_invariant)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--from", "8.0",
			     "--to", "7.2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC401");
	/* the guest-writable bits of 8.0 are checked by 7.2 as well */
	PCT_ASSERT_CONTAINS(out, "PC402");
	PCT_ASSERT_CONTAINS(out, "aer-uncor-mask");
	PCT_ASSERT_CONTAINS(out, "x-pcie-err-unc-mask");
	/* 7.2 has no such property: nothing to start it with */
	PCT_ASSERT_CONTAINS(out, "no override can fix this");
	free(out);
}

PCT_TEST("guide", aer_override_and_suggest)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--from", "8.0",
			     "--to", "8.0.1", "--dst-global",
			     "pci-device.x-pcie-err-unc-mask=on", NULL), 0);
	free(out);
	/* suggest finds the override by itself, and verifies it */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "suggest", "--machine", "pc-7.2", "--from", "8.0",
			     "--to", "8.0.1", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "--dst-global pci-device.x-pcie-err-unc-mask=on");
	PCT_ASSERT_CONTAINS(out, "verified");
	free(out);
	/* the other way needs no override: 8.0 does not check the bits
	 * that 8.0.1 (off) sends as 0 (QEMU's wmask) */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--from", "8.0.1",
			     "--to", "8.0", NULL), 0);
	free(out);
}

PCT_TEST("guide", aer_chain_keeps_the_mark)
{
	char *out = NULL;

	/* 8.0 -> 8.0.1 (started with the override) -> 8.2 (defaults): fails */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--chain",
			     "8.0,8.0.1,8.2", "--hop-global",
			     "2:pci-device.x-pcie-err-unc-mask=on", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "[hop 2/2]");
	PCT_ASSERT_NOT_CONTAINS(out, "[hop 1/2]");
	PCT_ASSERT_CONTAINS(out, "--dst-global pci-device.x-pcie-err-unc-mask=on");
	free(out);
	/* every later hop keeps the override: passes */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--chain",
			     "8.0,8.0.1,8.2", "--hop-global",
			     "2:pci-device.x-pcie-err-unc-mask=on", "--hop-global",
			     "3:pci-device.x-pcie-err-unc-mask=on", NULL), 0);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--chain",
			     "8.0,8.0.1,8.2", "--hop-global",
			     "2:pci-device.x-pcie-err-unc-mask=on", "--carry", NULL), 0);
	free(out);
}

PCT_TEST("guide", shipped_tree_passes_with_known_breaks_shown)
{
	static const char *machines[] = { "pc-5.1", "pc-7.2" };

	for (size_t i = 0; i < PC_ARRAY_SIZE(machines); i++) {
		char *out = NULL;

		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", machines[i], NULL), 0);
		PCT_ASSERT_CONTAINS(out, "Known breaks (acknowledged");
		PCT_ASSERT_CONTAINS(out, "x-pcie-err-unc-mask=on");
		PCT_ASSERT_CONTAINS(out, "result: compatible");
		free(out);
	}
}

/* tree -> 7.2: 7.2 checks the whole register (7.2 -> tree loads: the
 * bits are guest-writable on the tree) */
PCT_TEST("guide", removing_aer_entry_fails_pc_7_2_with_fix)
{
	char *mdir = pct_machines_without("aer", "x-pcie-err-unc-mask");
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "check", "--machine",
			     "pc-7.2", "--from", "tree", "--to", "7.2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "x-pcie-err-unc-mask");
	PCT_ASSERT_CONTAINS(out, "hw_compat_7_2.compat: pci-device x-pcie-err-unc-mask off");
	free(out);
	free(mdir);
}

/* ---- host-feature intersection ---- */

static char *write_caps(const char *dir, const char *name, const char *caps)
{
	char *path = pc_xasprintf("%s/%s.caps", dir, name);
	char *text = pc_xasprintf("host %s\ncap %s\n", name, caps);
	struct pc_err err = { 0 };

	CU_ASSERT_EQUAL(pc_write_file_atomic(path, text, strlen(text), &err), 0);
	free(text);
	return path;
}

PCT_TEST("guide", host_feature_intersection)
{
	char *dir = pct_tmpdir("caps");
	char *a = write_caps(dir, "A", "pcid stibp");
	char *b = write_caps(dir, "B", "taa-no");
	char *c = write_caps(dir, "C", "pcid taa-no");
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "baseline", "--machine", "q35", "--host", a,
			     "--host", b, NULL), 0);
	PCT_ASSERT_CONTAINS(out, "A          pcid=off,stibp=off");
	PCT_ASSERT_CONTAINS(out, "B          taa-no=off");
	PCT_ASSERT_CONTAINS(out, "without the overrides (e.g. -cpu host on every host): INCOMPATIBLE");
	PCT_ASSERT_CONTAINS(out, "with the overrides: compatible");
	free(out);
	/* -cpu host on both sides, no overrides: the check says why */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--src-host", a, "--dst-host", b, NULL), 1);
	PCT_ASSERT_CONTAINS(out, "pcid");
	PCT_ASSERT_CONTAINS(out, "taa-no");
	free(out);
	/* and with A's overrides on the source, B's on the destination */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--src-host", a, "--dst-host", b,
			     "--src-global", "host-x86_64-cpu.pcid=off",
			     "--src-global", "host-x86_64-cpu.stibp=off",
			     "--dst-global", "host-x86_64-cpu.taa-no=off", NULL), 0);
	free(out);
	/* any number of hosts */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "baseline", "--machine", "q35", "--host", a,
			     "--host", b, "--host", c, NULL), 0);
	PCT_ASSERT_CONTAINS(out, "A          pcid=off,stibp=off");
	PCT_ASSERT_CONTAINS(out, "C          pcid=off,taa-no=off");
	free(out);
	free(a);
	free(b);
	free(c);
	free(dir);
}

/*
 * PC701 is its own definition: the source's guest uses a feature the
 * destination's host lacks.  The other way (the destination offers more)
 * "sometimes works" (the guide): PC702, needs review.  The fix for a
 * missing feature is the intersection (off on the source), never "turn it
 * on" on a host that lacks it, and turning it on there does not help: QEMU
 * filters a feature the host does not support.
 */
PCT_TEST("guide", host_feature_verdicts)
{
	char *dir = pct_tmpdir("caps-verdicts");
	char *a = write_caps(dir, "A", "pcid");
	char *b = write_caps(dir, "B", "sse2");
	char *out = NULL;

	/* A -> B: pcid is lost: PC701, the fix turns it off on the source */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--smp", "1", "--src-host", a, "--dst-host", b,
			     NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC701 incompatible [host-feature]");
	PCT_ASSERT_CONTAINS(out, "fix: start the source with host-x86_64-cpu.pcid=off");
	PCT_ASSERT_NOT_CONTAINS(out, "pcid=on");
	PCT_ASSERT_NOT_CONTAINS(out, "PC702");
	free(out);
	/* starting B's guest with pcid=on does not make B have it */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--smp", "1", "--src-host", a, "--dst-host", b,
			     "--dst-global", "host-x86_64-cpu.pcid=on", "-v", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC701 incompatible [host-feature]");
	PCT_ASSERT_CONTAINS(out, "QEMU filters out the 'on' that override --dst-global asked for");
	free(out);
	/* B -> A: the destination offers more: needs review, not a failure */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--smp", "1", "--src-host", b, "--dst-host", a,
			     NULL), 0);
	PCT_ASSERT_CONTAINS(out, "PC702 needs-review [host-feature-extra]");
	PCT_ASSERT_CONTAINS(out, "or start the destination with -global host-x86_64-cpu.pcid=off (plugcheck: --dst-global host-x86_64-cpu.pcid=off)");
	PCT_ASSERT_NOT_CONTAINS(out, "PC701");
	PCT_ASSERT_CONTAINS(out, "(1 to review)");
	free(out);
	/* A -> A with a source override off and the destination's host on:
	 * the same "more on the destination" */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--smp", "1", "--src-host", a, "--dst-host", a,
			     "--src-global", "host-x86_64-cpu.pcid=off", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "PC702 needs-review");
	free(out);
	/* and a destination override off on a host that has it: a plain
	 * configuration difference, fixed on the destination */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "q35", "--from", "tree",
			     "--to", "tree", "--smp", "1", "--src-host", a, "--dst-host", a,
			     "--dst-global", "host-x86_64-cpu.pcid=off", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "PC501 incompatible");
	PCT_ASSERT_CONTAINS(out, "--dst-global host-x86_64-cpu.pcid=on");
	free(out);
	free(a);
	free(b);
	free(dir);
}

/* Every option check accepts is honoured by the mode it is given to, or
 * refused (exit 2): the main job used to ignore hosts and --src-global. */
PCT_TEST("guide", main_job_honours_or_refuses_every_option)
{
	char *dir = pct_tmpdir("caps-main");
	char *a = write_caps(dir, "A", "pcid");
	char *b = write_caps(dir, "B", "sse2");
	char *out = NULL;

	/* the source of every direction on A, the destination on B */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "q35", "--smp", "1",
			     "--src-host", a, "--dst-host", b, NULL), 1);
	PCT_ASSERT_CONTAINS(out, "Hosts: every source on A, every destination on B");
	PCT_ASSERT_CONTAINS(out, "PC701 incompatible [host-feature] 11.0 -> tree");
	PCT_ASSERT_CONTAINS(out, "seen in: 2 findings, 2 directions (11.0 <-> tree)");
	free(out);
	/* the same host on both ends: compatible */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "q35", "--smp", "1",
			     "--src-host", a, "--dst-host", a, NULL), 0);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine", "q35", "--src-global",
			     "host-x86_64-cpu.pcid=off", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--src-global needs one pair (--from A --to B)");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--matrix",
			     "--dst-host", b, NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--matrix compares every pair in its default configuration");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--machine", "pc-7.2", "--chain",
			     "8.0,8.2", "--src-host", a, NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--chain takes each side's overrides and host with --hop-global");
	free(out);
	free(a);
	free(b);
	free(dir);
}

/* ---- baselines: the recipe reproduces them ---- */

PCT_TEST("guide", baselines_regenerate_identically)
{
	static const char *releases[] = { "5.1", "5.2", "7.2", "8.0", "8.0.1",
					  "8.2", "11.0" };

	for (size_t i = 0; i < PC_ARRAY_SIZE(releases); i++) {
		char *out = NULL;
		int rc = pct_plugcheck(&out, "dump-abi", "--release", releases[i], "--check", NULL);

		if (rc)
			fprintf(stderr, "\n  %s: %s", releases[i], out);
		PCT_ASSERT_INT_EQ(rc, 0);
		free(out);
	}
}

/* ---- every compat line that matters is enforced ---- */

/*
 * Remove each compat entry that reaches a shipped device, one at a time,
 * and run lint: the tree must then be told which property of which machine
 * types lost its old value, and the line that restores it.  Two entries do
 * not change any modelled behaviour and are listed with the reason.
 */
PCT_TEST("guide", removing_any_compat_line_that_matters_is_caught)
{
	static const char *const no_effect[] = {
		/* the compat value equals the default (the data says so) */
		"virtio-pci x-pcie-pm-no-soft-reset off",
		/* default off; QEMU turns it on only under KVM with a split
		 * irqchip, an accelerator plugcheck does not model */
		"x86_64-cpu kvm-msi-ext-dest-id off",
	};
	char *out = NULL, *listing;
	char *dir = pct_tmpdir("nomatch");
	char *cmd;
	size_t checked = 0, caught = 0;
	FILE *f;
	char line[4096];

	/* the entries that match no shipped type (PC804) are not ours */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&listing, "-v", "lint", NULL), 0);
	cmd = pc_xasprintf("cd '%s' && grep -n -v '^#' machines/compat/*.compat | grep -v ':array ' | grep -v 'until='",
			   pct_srcdir());
	f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f)) {
		char file[512], words[3][256], origin[600], *m, *p;
		int lineno, n;
		bool skip = false;

		if (sscanf(line, "%511[^:]:%d:%255s %255s %255s%n", file, &lineno,
			   words[0], words[1], words[2], &n) < 5)
			continue;
		snprintf(origin, sizeof(origin), "%s:%d", file, lineno);
		if (strstr(listing, origin))
			continue; /* PC804: matches no loaded type */
		p = pc_xasprintf("%s %s %s", words[0], words[1], words[2]);
		for (size_t i = 0; i < PC_ARRAY_SIZE(no_effect); i++)
			skip |= !strcmp(p, no_effect[i]);
		if (skip) {
			free(p);
			continue;
		}
		checked++;
		m = pc_xasprintf("%s/m%zu", dir, checked);
		free(cmd);
		cmd = pc_xasprintf("cp -r '%s' '%s' && sed -i '%dd' '%s/%s'",
				   pct_path("machines"), m, lineno, m,
				   file + strlen("machines/"));
		CU_ASSERT_EQUAL(system(cmd), 0);
		if (pct_plugcheck(&out, "--machine-dir", m, "lint", NULL) == 1 &&
		    strstr(out, words[1]) && strstr(out, "PC801"))
			caught++;
		else
			fprintf(stderr, "\n  not caught when removed: %s (%s)\n", p, origin);
		free(out);
		free(p);
		free(m);
	}
	pclose(f);
	free(cmd);
	free(listing);
	free(dir);
	CU_ASSERT(checked >= 40);
	PCT_ASSERT_INT_EQ(caught, checked);
}

PCT_TEST("guide", suggest_apply_restores_the_line_keeping_comments)
{
	char *mdir = pct_machines_without("apply", "virtio-blk-device  num-queues");
	char *file = pc_xasprintf("%s/compat/hw_compat_5_1.compat", mdir);
	char *out = NULL, *text = NULL;
	size_t len;
	struct pc_err err = { 0 };

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "suggest", "--machine",
			     "pc-5.1", "--from", "5.1", "--smp", "4", "--apply", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "applied: ");
	PCT_ASSERT_CONTAINS(out, "virtio-blk-device num-queues 1");
	free(out);
	CU_ASSERT_EQUAL(pc_read_file(file, 1 << 20, &text, &len, &err), 0);
	PCT_ASSERT_CONTAINS(text, "# hw_compat_5_1: QEMU hw_compat_5_1[]");
	PCT_ASSERT_CONTAINS(text, "\nvirtio-blk-device num-queues 1\n");
	free(text);
	/* and the tree passes again */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "-q", "--machine-dir", mdir, "check", "--machine",
			     "pc-5.1", "--from", "5.1", NULL), 0);
	free(out);
	free(file);
	free(mdir);
}
