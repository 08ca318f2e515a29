/*
 * test_cli.c - the command line's contract: exit statuses, fail-closed
 * behaviour, help for every verb, JSON that parses, the VM configuration
 * option, suggestions for mistyped names.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "pctest.h"
#include "util.h"

static int run(char **out, char **err, const char *const *argv)
{
	return pct_run_cli(argv, out, err);
}

#define RUN(out, err, ...)                                                  \
	run(out, err, (const char *const[]){ "plugcheck", __VA_ARGS__, NULL })

PCT_TEST("cli", help_for_every_verb)
{
	static const char *verbs[] = { "check", "list-machines", "list-plugins",
				       "info", "props", "dump-abi", "suggest",
				       "lint", "baseline", "qemu-diff" };
	char *out, *err;

	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--help"), 0);
	PCT_ASSERT_CONTAINS(out, "usage: plugcheck");
	free(out);
	free(err);
	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++) {
		int rc = RUN(&out, &err, verbs[i], "--help");

		if (rc)
			fprintf(stderr, "\n  %s --help: %d %s", verbs[i], rc, err);
		PCT_ASSERT_INT_EQ(rc, 0);
		PCT_ASSERT_CONTAINS(out, "usage: plugcheck");
		free(out);
		free(err);
	}
}

PCT_TEST("cli", usage_errors_exit_2)
{
	char *out, *err;

	PCT_ASSERT_INT_EQ(run(&out, &err, (const char *const[]){ "plugcheck", NULL }), 2);
	PCT_ASSERT_CONTAINS(err, "usage: plugcheck");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "chek", "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown verb 'chek' (did you mean 'check'?)");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--format", "yaml", "list-machines"), 2);
	PCT_ASSERT_CONTAINS(err, "--format: expected 'text', 'json', 'sarif', 'junit', 'github', 'gnu' or 'html', found 'yaml'");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check"), 2);
	PCT_ASSERT_CONTAINS(err, "--machine is required");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--bogus", "x"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown option '--bogus'");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--smp", "0"), 2);
	PCT_ASSERT_CONTAINS(err, "--smp: expected a number from 1");
	free(out);
	free(err);
}

PCT_TEST("cli", fails_closed_without_inputs)
{
	char *dir = pct_tmpdir("empty");
	char *sub = pc_xasprintf("%s/releases", dir);
	char *out, *err;

	/* no baselines: no verdict */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "cannot read baselines");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(mkdir(sub, 0755), 0);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "no release baselines in");
	free(out);
	free(err);
	/* no plugins */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--no-default-plugins", "--plugin-dir", dir,
			      "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "no plugins found in");
	free(out);
	free(err);
	/* no machine types */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--machine-dir", dir, "--machine", "pc-5.1"), 2);
	free(out);
	free(err);
	/* unknown machine, with a suggestion */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--machine", "pc-q35-7.3"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown machine type 'pc-q35-7.3' (did you mean");
	free(out);
	free(err);
	/* a release nobody recorded */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--from", "6.1"), 2);
	PCT_ASSERT_CONTAINS(err, "no baseline for release '6.1'");
	free(out);
	free(err);
	/* a machine no recorded release knows (only 5.1 recorded here) */
	{
		char *cmd = pc_xasprintf("cp -r '%s' '%s' '%s/'", pct_path("abi/releases/5.1.json"),
					 pct_path("abi/releases/declarations"), sub);

		CU_ASSERT_EQUAL(system(cmd), 0);
		free(cmd);
	}
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-q35-7.2"), 2);
	PCT_ASSERT_CONTAINS(err, "no recorded release knows machine type 'pc-q35-7.2'");
	free(out);
	free(err);
	free(sub);
	free(dir);
}

static void assert_json(const char *what, const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j)
		fprintf(stderr, "\n  %s: invalid JSON: %s (line %d)\n", what, je.text, je.line);
	CU_ASSERT_PTR_NOT_NULL(j);
	if (j) {
		CU_ASSERT_PTR_NOT_NULL(json_object_get(j, "verb"));
		json_decref(j);
	}
}

PCT_TEST("cli", json_for_every_verb)
{
	char *out, *err;

	RUN(&out, &err, "--format", "json", "--machine", "pc-5.1");
	assert_json("check", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "check", "--machine", "pc-7.2", "--matrix");
	assert_json("matrix", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "list-machines");
	assert_json("list-machines", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "list-plugins");
	assert_json("list-plugins", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "info", "plugins/virtio-blk/virtio-blk.so");
	assert_json("info", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "props", "--machine", "pc-5.1");
	assert_json("props", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "lint");
	assert_json("lint", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "suggest", "--machine", "pc-7.2", "--from",
	    "8.0", "--to", "8.0.1");
	assert_json("suggest", out);
	free(out);
	free(err);
	RUN(&out, &err, "--format", "json", "dump-abi", "--release", "8.0", "--check");
	assert_json("dump-abi", out);
	free(out);
	free(err);
}

PCT_TEST("cli", vm_configuration)
{
	char *out, *err;

	/* one disk with 4 queues on both sides: compatible with 5.1 at smp=4
	 * because the property pins the count on both sides */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "-q", "check", "--machine", "pc-5.1", "--from",
			      "5.1", "--smp", "4", "--vm-device",
			      "virtio-blk-pci,id=disk0,num-queues=4"), 0);
	/* the disk's section and the machine type's own (acpi_build) */
	PCT_ASSERT_CONTAINS(out, "2 sections");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--from", "5.1",
			      "--vm-device", "virtio-blk-pcx"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown type 'virtio-blk-pcx'");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--machine", "pc-5.1", "--set",
			      "virtio-blk-pci.num-queus=2"), 2);
	PCT_ASSERT_CONTAINS(err, "has no property 'num-queus'");
	free(out);
	free(err);
}

PCT_TEST("cli", qemu_dump_as_a_side)
{
	char *dir = pct_tmpdir("dumpside");
	char *good = pc_xasprintf("%s/tree.json", dir);
	char *bad = pc_xasprintf("%s/nocompat.json", dir);
	char *mdir = pc_xasprintf("%s/m", dir);
	char *cmd = pc_xasprintf("cp -r '%s' '%s' && sed -i '/virtio-blk-device  num-queues/d' '%s/compat/hw_compat_5_1.compat'",
				 pct_path("machines"), mdir, mdir);
	char *out, *err;

	CU_ASSERT_EQUAL(system(cmd), 0);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "dump-vmstate", "--machine", "pc-7.2", "--smp",
			      "4", "--output", good), 0);
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--machine-dir", mdir, "dump-vmstate", "--machine",
			      "pc-5.1", "--smp", "4", "--output", bad), 0);
	free(out);
	free(err);
	/* the tree's own dump against release 7.2: compatible, and the report
	 * names what a dump cannot support (a dump lists every device type of
	 * its build, so it is compared with a release that has them all) */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-7.2", "--smp", "4",
			      "--from", good, "--to", "7.2"), 0);
	PCT_ASSERT_CONTAINS(out, "not checked (the dump side cannot support them)");
	PCT_ASSERT_CONTAINS(out, "guest-visible property values (PC501)");
	PCT_ASSERT_CONTAINS(out, "virtio feature offers (PC506/PC507): a dump carries no host_features");
	free(out);
	free(err);
	/* a build without the num-queues compat entry, seen through its dump */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--smp", "4",
			      "--from", bad, "--to", "5.1"), 1);
	PCT_ASSERT_CONTAINS(out, "PC207");
	PCT_ASSERT_CONTAINS(out, "virtio-blk/vq");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--format", "json", "check", "--machine", "pc-5.1",
			      "--smp", "4", "--from", "5.1", "--to", bad), 1);
	assert_json("dump side", out);
	PCT_ASSERT_CONTAINS(out, "\"not_checked\"");
	free(out);
	free(err);
	free(cmd);
	free(mdir);
	free(good);
	free(bad);
	free(dir);
}

PCT_TEST("cli", baselines_are_read_strictly)
{
	char *dir = pct_tmpdir("strictabi");
	char *cmd = pc_xasprintf("mkdir -p '%s/releases' && sed 's/\"recorded_by\"/\"recorded_bye\"/' '%s' > '%s/releases/5.1.json' && cp -r '%s' '%s/releases/'",
				 dir, pct_path("abi/releases/5.1.json"), dir,
				 pct_path("abi/releases/declarations"), dir);
	char *out, *err;

	CU_ASSERT_EQUAL(system(cmd), 0);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "5.1.json: $: unknown key 'recorded_bye'");
	free(out);
	free(err);
	free(cmd);
	/* a baseline filed under another release's name */
	cmd = pc_xasprintf("rm -f '%s/releases/5.1.json' && cp '%s' '%s/releases/9.0.json'",
			   dir, pct_path("abi/releases/5.1.json"), dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(err, "9.0.json: records release 5.1, but the file name says otherwise (expected 5.1.json)");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--colour"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown option '--colour'");
	free(out);
	free(err);
	free(cmd);
	free(dir);
}

PCT_TEST("cli", props_of_a_recorded_release)
{
	char *out, *err;

	/* what 8.0 gave pc-7.2: no property yet, behaving as on (its bug) */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--side", "8.0", "--machine", "pc-7.2",
			      "--explain", "pci-device.x-pcie-err-unc-mask"), 0);
	PCT_ASSERT_CONTAINS(out, "e1000e: x-pcie-err-unc-mask = on");
	PCT_ASSERT_CONTAINS(out, "absent before 8.0.1: the device behaved as on");
	free(out);
	free(err);
	/* and what 8.0.1 gives it: the retrofitted compat entry */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--side", "8.0.1", "--machine", "pc-7.2",
			      "--explain", "pci-device.x-pcie-err-unc-mask"), 0);
	PCT_ASSERT_CONTAINS(out, "e1000e: x-pcie-err-unc-mask = off");
	PCT_ASSERT_CONTAINS(out, "hw_compat_7_2.compat");
	free(out);
	free(err);
}

PCT_TEST("cli", recorded_declarations_are_parsed_like_plugins)
{
	/* a declarations file named by its digest but holding a bad
	 * declaration: the error names that file and line */
	char *dir = pct_tmpdir("baddecl");
	char *base = NULL, *decl = NULL, *name, *dpath, *bpath, *p, *nb;
	size_t blen, dlen;
	struct pc_err e = { 0 };
	char *out, *err;
	const char *old = "plugin e1000e 11.0", *repl = "plugin e1000e eleven";
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char *cmd = pc_xasprintf("mkdir -p '%s/releases/declarations'", dir);

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(pc_read_file(pct_path("abi/releases/5.1.json"), 1u << 26,
					   &base, &blen, &e), 0);
	p = strstr(base, "\"declarations/");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	name = pc_xstrndup(p + 1, strlen("declarations/0123456789abcdef.json"));
	dpath = pc_xasprintf("%s/%s", pct_path("abi/releases"), name);
	CU_ASSERT_EQUAL_FATAL(pc_read_file(dpath, 1u << 26, &decl, &dlen, &e), 0);
	p = strstr(decl, old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	pc_strbuf_add(&sb, decl, (size_t)(p - decl));
	pc_strbuf_addstr(&sb, repl);
	pc_strbuf_addstr(&sb, p + strlen(old));
	nb = pc_baseline_decl_name(sb.buf, sb.len);
	free(dpath);
	dpath = pc_xasprintf("%s/releases/%s", dir, nb);
	CU_ASSERT_EQUAL(pc_write_file_atomic(dpath, sb.buf, sb.len, &e), 0);
	p = strstr(base, name);
	memcpy(p, nb, strlen(nb));
	bpath = pc_xasprintf("%s/releases/5.1.json", dir);
	CU_ASSERT_EQUAL(pc_write_file_atomic(bpath, base, blen, &e), 0);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "--abi-dir", dir, "--machine", "pc-5.1"), 2);
	{
		char *want = pc_xasprintf("%s (plugin e1000e):2: bad plugin version 'eleven'", nb);

		PCT_ASSERT_CONTAINS(err, want);
		free(want);
	}
	free(out);
	free(err);
	pc_strbuf_release(&sb);
	free(nb);
	free(name);
	free(dpath);
	free(bpath);
	free(base);
	free(decl);
	free(cmd);
	free(dir);
}

PCT_TEST("cli", likely_typo_criterion)
{
	/* typos: a letter off, case and '-'/'_' */
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("pvpanik", "pvpanic"), 1);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("pvpnaic", "pvpanic"), 1);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("virtio_net_pci", "virtio-net-pci"), 1);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("PVPANIC", "pvpanic"), 1);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("nvne", "nvme"), 1);
	/* not typos: the same name, related names QEMU gives distinct
	 * devices (one is the other with an added end), far names, two
	 * edits on a short name */
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("pvpanic", "pvpanic"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("e1000", "e1000e"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("nvme-ns", "nvme"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("vfio-pci", "virtio-pci"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("igb", "cpu"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("nvxx", "nvme"), 0);
	PCT_ASSERT_INT_EQ(pc_name_likely_typo("nosuchtype", "cpu"), 0);
}

/* Overrides and --vm-device are checked once per run, before any check
 * or migration process, against the side's own registry and release. */
PCT_TEST("cli", overrides_checked_once)
{
	char *out, *err;

	/* migrate: was one error per run (8), from the child processes */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "migrate", "--machine", "pc-5.1",
			      "--from", "5.1", "--to", "tree",
			      "--dst-global", "pvpanik.events=1"), 2);
	PCT_ASSERT_CONTAINS(err, "--dst-global pvpanik.events=1: no loaded type is or implements 'pvpanik' (did you mean 'pvpanic'?)");
	PCT_ASSERT_INT_EQ(pct_count(err, "plugcheck: error:"), 1);
	PCT_ASSERT_NOT_CONTAINS(out, "Migration streams");
	free(out);
	free(err);
	/* the matrix: the --vm-device type, once */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--matrix",
			      "--vm-device", "nvmee,id=d0"), 2);
	PCT_ASSERT_CONTAINS(err, "unknown type 'nvmee' (did you mean 'nvme'?)");
	PCT_ASSERT_INT_EQ(pct_count(err, "plugcheck: error:"), 1);
	free(out);
	free(err);
	/* a release side: a property newer than the release */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "check", "--machine", "pc-5.1", "--from", "5.1",
			      "--to", "tree", "--src-global", "pvpanic.events=1"), 2);
	PCT_ASSERT_CONTAINS(err, "5.1: --src-global pvpanic.events=1: property 'events' does not exist in release 5.1");
	PCT_ASSERT_INT_EQ(pct_count(err, "plugcheck: error:"), 1);
	free(out);
	free(err);
	/* props --set: a device id with a typo; an invalid value */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--machine", "pc-5.1",
			      "--set", "pvpanc.events=1"), 2);
	PCT_ASSERT_CONTAINS(err, "--set pvpanc.events=1: no device with id 'pvpanc' (did you mean 'pvpanic'?)");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--machine", "pc-5.1",
			      "--global", "pvpanic.events=x"), 2);
	PCT_ASSERT_CONTAINS(err, "--global pvpanic.events=x: invalid value for 'pvpanic.events'");
	free(out);
	free(err);
	/* stays silent: a global on an abstract type reaching every PCI
	 * device, and a composite's aliased child property, both applied */
	PCT_ASSERT_INT_EQ(RUN(&out, &err, "props", "--machine", "pc-5.1",
			      "--global", "pci-device.x-pcie-err-unc-mask=off",
			      "--global", "virtio-blk-pci.num-queues=3"), 0);
	{
		char want[128];

		/* the vdev child holds num-queues: one of its lines */
		snprintf(want, sizeof(want), "  %-34s = %-10s [guest] override --global",
			 "num-queues", "3");
		PCT_ASSERT_INT_EQ(pct_count(out, want), 1);
		snprintf(want, sizeof(want), "  %-34s = %-10s override --global",
			 "x-pcie-err-unc-mask", "off");
		PCT_ASSERT_CONTAINS(out, want);
	}
	PCT_ASSERT_STR_EQ(err, "");
	free(out);
	free(err);
}
