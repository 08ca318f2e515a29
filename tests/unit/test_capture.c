/*
 * test_capture.c - `plugcheck capture` and the comparison of a captured
 * QEMU side: a binary that is missing, refuses or hangs is a clear error
 * (exit 2) and leaves no process behind; with a real QEMU installed
 * (qemu-system-x86_64, or PLUGCHECK_QEMU), a capture of two machine types
 * and its comparison with the tree, values that QEMU and the tree resolve
 * alike agreeing, and a capture compared with itself finding nothing.
 * Without QEMU the real-binary tests say they are skipped.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pctest.h"
#include "util.h"

static const char *qemu_binary(void)
{
	const char *q = getenv("PLUGCHECK_QEMU");

	if (q && *q)
		return access(q, X_OK) ? NULL : q;
	return access("/usr/bin/qemu-system-x86_64", X_OK) ? NULL : "/usr/bin/qemu-system-x86_64";
}

PCT_TEST("capture", missing_binary_is_an_error)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu", "/nonexistent/qemu-system-x86_64",
			     NULL), 2);
	PCT_ASSERT_CONTAINS(out, "/nonexistent/qemu-system-x86_64");
	PCT_ASSERT_CONTAINS(out, "No such file or directory");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--qemu PATH is required");
	free(out);
}

PCT_TEST("capture", refusing_binary_reports_its_message)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu",
			     pct_path("tests/fixtures/qemu/refuse"), NULL), 2);
	PCT_ASSERT_CONTAINS(out, "exited with status 1");
	PCT_ASSERT_CONTAINS(out, "unsupported machine type");
	free(out);
}

PCT_TEST("capture", hanging_binary_is_killed)
{
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu",
			     pct_path("tests/fixtures/qemu/hang"), "--timeout", "1", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "did not open its QMP monitor within 1 s");
	free(out);
	/* nothing left running: the stand-in is 'sleep 300.5' */
	PCT_ASSERT_INT_EQ(system("pgrep -f '^sleep 300[.]5$' > /dev/null"), 256);
}

/*
 * A monitor that accepts and then says nothing: the timeout says so with
 * what the binary logged (its private directory goes when it is
 * stopped), and nothing is left running.  A binary that never opens its
 * monitor is the case above: no log to show there.
 */
PCT_TEST("capture", mute_monitor_times_out_with_the_log)
{
	char *out = NULL;

	if (system("command -v python3 > /dev/null") != 0) {
		printf("\n    SKIPPED: no python3 for the stand-in ");
		return;
	}
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu",
			     pct_path("tests/fixtures/qemu/mute"), "--timeout", "1", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "QEMU's monitor did not answer within 1 s; its log: "
				 "mute-qemu: monitor open, never greeting");
	free(out);
	PCT_ASSERT_INT_EQ(system("pgrep -f 'python3 .*fixtures/qemu/mut[e] ' > /dev/null"), 256);
}

PCT_TEST("capture", output_to_an_unwritable_place_fails_closed)
{
	char *out = NULL;

	if (!qemu_binary()) {
		printf("\n    SKIPPED: no QEMU binary (qemu-system-x86_64 or PLUGCHECK_QEMU) ");
		return;
	}
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu", qemu_binary(), "--machine",
			     "pc-q35-7.2", "--output", "/nonexistent/dir/cap.json", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "/nonexistent/dir/cap.json");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu", qemu_binary(), "--machine",
			     "pc-q35-99.9", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "does not know machine type 'pc-q35-99.9'");
	free(out);
}

PCT_TEST("capture", real_qemu_against_the_tree)
{
	char *dir, *cap, *out = NULL;

	if (!qemu_binary()) {
		printf("\n    SKIPPED: no QEMU binary (qemu-system-x86_64 or PLUGCHECK_QEMU) ");
		return;
	}
	dir = pct_tmpdir("capture");
	cap = pc_xasprintf("%s/qemu.json", dir);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu", qemu_binary(), "--machine",
			     "pc-q35-5.1", "--machine", "pc-i440fx-7.2", "--output", cap, NULL), 0);
	free(out);
	/* the capture has the layouts, the machines and the instances */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", cap, "--to", "tree", "--machine",
			     "pc-q35-5.1", "-v", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "a captured QEMU side: layouts and property values");
	/* an older machine type too: its compat entries applied by QEMU and
	 * by the tree alike, nothing incompatible */
	PCT_ASSERT_CONTAINS(out, "result: compatible: both directions, 0 incompatible findings");
	PCT_ASSERT_CONTAINS(out, "property values: ");
	/* resolved by QEMU with pc-q35-5.1's compat entries, as the tree
	 * resolves them: these agree (a difference would be listed) */
	PCT_ASSERT_NOT_CONTAINS(out, "virtio-blk-pci/virtio-blk-device.num-queues:");
	PCT_ASSERT_NOT_CONTAINS(out, "e1000e.subsys_ven:");
	PCT_ASSERT_NOT_CONTAINS(out, "pvpanic.events:");
	free(out);
	/* an unknown machine type of the capture is an error */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", cap, "--to", "tree", "--machine",
			     "pc-q35-6.0", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "no capture of machine type 'pc-q35-6.0'");
	free(out);
	/* the same build on both sides: nothing differs */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", cap, "--to", cap, "--machine",
			     "pc-i440fx-7.2", NULL), 0);
	PCT_ASSERT_CONTAINS(out, " 0 differ ");
	free(out);
	unlink(cap);
	rmdir(dir);
	free(cap);
	free(dir);
}

/*
 * The incompatible findings of a comparison of QEMU 7.2 with the tree,
 * each printed: there must be none (Documentation/qemu-diff.md, "What a
 * real dump can show": e1000e's padding where 8.0 removed the pending
 * interrupt flags lines up with 7.2's fields of unknown count, ISA
 * pvpanic has no section in QEMU or the tree, nvme is unmigratable on
 * both sides).  Returns how many there are.
 */
static size_t incompatible_findings(const char *out)
{
	size_t n = 0;

	for (const char *p = strstr(out, " incompatible ["); p; p = strstr(p + 1, " incompatible [")) {
		const char *at = strstr(p, "\n      at: ");

		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		at += strlen("\n      at: ");
		fprintf(stderr, "\n  a difference from QEMU 7.2: %.*s", (int)strcspn(at, "\n"), at);
		n++;
	}
	return n;
}

/*
 * Every property value of a real QEMU 7.2 on pc-q35-7.2 that differs from
 * the tree is explained: realized values (vectors from the queues,
 * disable-legacy auto on the root bus, phys-bits 0 -> 40) and the class's
 * ROM file now agree; what remains is per instance (the PCI slot 'addr'
 * and the generated 'mac' each plugged device receives).  The max CPU's
 * PMU agrees: max_x86_cpu_initfn() turns it on (for every accelerator
 * until 10.0; 10.1 moved it to KVM's max/host instance init), which the
 * tree models with the CPU model's class data (attribute model-pmu).
 */
static bool explained_difference(const char *line)
{
	static const char *const per_instance[] = { ".addr: ", ".mac: " };

	for (size_t i = 0; i < PC_ARRAY_SIZE(per_instance); i++)
		if (strstr(line, per_instance[i]))
			return true;
	return false;
}

/*
 * Issue 16's acceptance: QEMU 7.2, as its own -dump-vmstate file and as
 * a capture ('cap', of pc-q35-7.2 and pc-i440fx-7.2), against the tree
 * and against the recorded 7.2 release, both directions, for both
 * machine types: no incompatible finding, exit 0, and nvme unmigratable
 * on both sides (not "not modelled").
 */
static void agrees_with_tree_and_release(const char *cap, const char *dir)
{
	static const char *const machines[] = { "pc-q35-7.2", "pc-i440fx-7.2" };
	static const char *const others[] = { "tree", "7.2" };
	char *dump = pc_xasprintf("%s/dump.json", dir);
	char *cmd = pc_xasprintf("'%s' -machine pc-q35-7.2 -nodefaults -display none "
				 "-dump-vmstate '%s' </dev/null >/dev/null 2>&1", qemu_binary(), dump);
	const char *qemu_sides[2] = { dump, cap };

	PCT_ASSERT_INT_EQ(system(cmd), 0);
	for (size_t m = 0; m < PC_ARRAY_SIZE(machines); m++)
		for (size_t q = 0; q < 2; q++)
			for (size_t o = 0; o < PC_ARRAY_SIZE(others); o++)
				for (int way = 0; way < 2; way++) {
					const char *a = way ? others[o] : qemu_sides[q];
					const char *b = way ? qemu_sides[q] : others[o];
					char *out = NULL;

					if (pct_plugcheck(&out, "check", "--from", a, "--to", b,
							  "--machine", machines[m], "-v", NULL))
						fprintf(stderr, "\n  %s -> %s on %s:", a, b, machines[m]);
					PCT_ASSERT_INT_EQ(incompatible_findings(out), 0);
					PCT_ASSERT_CONTAINS(out, "result: compatible: both directions, 0 incompatible findings");
					/* the tree models nvme: unmigratable, as QEMU */
					PCT_ASSERT_CONTAINS(out, "  unmigratable on both sides: nvme (");
					PCT_ASSERT_NOT_CONTAINS(out, "\n    nvme\n");
					free(out);
				}
	unlink(dump);
	free(cmd);
	free(dump);
}

PCT_TEST("capture", real_qemu_values_as_realized_agree)
{
	char *dir, *cap, *out = NULL, *block, *line;
	size_t n = 0;
	static const char *const fixed[] = {
		"virtio-blk-pci.vectors:", "virtio-net-pci.vectors:", "virtio-scsi-pci.vectors:",
		"disable-legacy:", "romfile:", "phys-bits:", ".pmu:",
	};

	if (!qemu_binary()) {
		printf("\n    SKIPPED: no QEMU binary (qemu-system-x86_64 or PLUGCHECK_QEMU) ");
		return;
	}
	dir = pct_tmpdir("capture72");
	cap = pc_xasprintf("%s/qemu.json", dir);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "capture", "--qemu", qemu_binary(), "--machine",
			     "pc-q35-7.2", "--machine", "pc-i440fx-7.2", "--output", cap, NULL), 0);
	free(out);
	pct_plugcheck(&out, "check", "--from", cap, "--to", "tree", "--machine", "pc-q35-7.2",
		      "-v", NULL);
	block = strstr(out, "\nproperty values: ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	for (size_t i = 0; i < PC_ARRAY_SIZE(fixed); i++)
		PCT_ASSERT_NOT_CONTAINS(block, fixed[i]);
	/* each value listed as differing is one of the explained kinds */
	for (line = strstr(block + 1, "\n  "); line && strncmp(line, "\n\n", 2);
	     line = strchr(line + 1, '\n')) {
		char *end = strchr(line + 1, '\n');
		char *one = end ? pc_xstrndup(line + 1, (size_t)(end - line - 1)) : pc_xstrdup(line + 1);

		if (strncmp(one, "  ", 2))
			break;
		if (!explained_difference(one))
			fprintf(stderr, "\n  unexplained: %s", one);
		CU_ASSERT_TRUE(explained_difference(one));
		free(one);
		n++;
	}
	/* the per-instance values are listed, so the walk saw the list */
	CU_ASSERT_TRUE(n > 0);
	/* the layouts QEMU's dump can show as the tree models them agree
	 * (no difference), both directions */
	PCT_ASSERT_NOT_CONTAINS(out, "\n    virtio-blk-device\n");
	PCT_ASSERT_INT_EQ(incompatible_findings(out), 0);
	PCT_ASSERT_CONTAINS(out, "result: compatible: both directions, 0 incompatible findings");
	free(out);
	agrees_with_tree_and_release(cap, dir);
	unlink(cap);
	rmdir(dir);
	free(cap);
	free(dir);
}

/* A real QEMU dump against the tree is compared on what both know: the
 * dump's sections the tree has no type for are "not modelled" (counted,
 * listed with -v), not findings; --vm-device narrows the VM of the plugin
 * side, and the dump's other sections are then outside it. */
PCT_TEST("dump_side", compared_on_what_both_know)
{
	const char *dump = pct_path("tests/fixtures/qemu-vmstate/dump1.json");
	char *out = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to", "tree",
			     "--machine", "pc-q35-7.2", "-v", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "not modelled: 10 sections of the QEMU side");
	PCT_ASSERT_CONTAINS(out, "\n    fw_cfg\n");
	/* a dump section the tree does not model is no finding ... */
	PCT_ASSERT_NOT_CONTAINS(out, "at: fw_cfg");
	/* ... but a type the tree models and the dump lacks is */
	PCT_ASSERT_CONTAINS(out, "PC101 incompatible [section-missing] tree (pc-q35-7.2, smp=1) -> ");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "check", "--from", dump, "--to",
			     "tree", "--machine", "pc-q35-7.2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "\"not_modelled\": [");
	free(out);
	/* the VM narrowed to one device: one finding, nothing listed */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to", "tree",
			     "--machine", "pc-q35-7.2", "--vm-device", "e1000e", NULL), 1);
	PCT_ASSERT_NOT_CONTAINS(out, "not modelled");
	PCT_ASSERT_CONTAINS(out, "1 incompatible finding");
	PCT_ASSERT_CONTAINS(out, "at: e1000e");
	free(out);
	/* a device the tree does not have is refused as on any side */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to", "tree",
			     "--machine", "pc-q35-7.2", "--vm-device", "e1000", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "unknown type 'e1000'");
	free(out);
	/* two dumps: every difference is real, nothing is left out */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to",
			     pct_path("tests/fixtures/qemu-vmstate/qemu-7.2-q35-modelled.json"),
			     "--machine", "pc-q35-7.2", NULL), 1);
	PCT_ASSERT_NOT_CONTAINS(out, "not modelled");
	free(out);
	/* a dump whose section key and Name differ (QEMU's checker test data
	 * renames fw_cfg so; QEMU's -dump-vmstate never does) is ambiguous */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to",
			     pct_path("tests/fixtures/qemu-vmstate/dump2.json"), "--machine",
			     "pc-q35-7.2", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "dump2.json: $.fw_cfg2.Name: the section's key 'fw_cfg2' and its Name 'fw_cfg' differ");
	free(out);
}

/*
 * The tree against QEMU 7.2's own dump (tests/fixtures/qemu-vmstate/
 * qemu-7.2-q35-modelled.json: the modelled types' sections of Debian 12's
 * qemu-system-x86_64 -M pc-q35-7.2 -dump-vmstate) is compared on what the
 * dump can show: a virtio device's section is its backend's
 * (virtio-net-device, whose description is one opaque field "virtio"), a
 * CPU's state is not in a dump, and 7.2 records no array counts (e1000e's
 * bool[5] that 8.0 replaced with 5 bytes of padding, which the tree
 * declares, is taken as the 5 bytes).  Those sections agree both ways; a
 * dump that records counts has them compared.
 */
PCT_TEST("dump_side", tree_as_qemu_7_2_dump_shows_it)
{
	const char *dump = pct_path("tests/fixtures/qemu-vmstate/qemu-7.2-q35-modelled.json");
	static const char *const agree[] = {
		"at: virtio-", "at: host-x86_64-cpu", "at: max-x86_64-cpu\n",
		"at: qemu64-x86_64-cpu", "\n    virtio-net-device\n", "\n    virtio-mem\n",
		"[field-count]", "at: pcie-root-port", "at: pvpanic-pci", "PCIDevice/",
		"msix",
	};
	char *out = NULL;

	for (int dir = 0; dir < 2; dir++) {
		pct_plugcheck(&out, "check", "--from", dir ? "tree" : dump, "--to", dir ? dump : "tree",
			      "--machine", "pc-q35-7.2", "-v", NULL);
		PCT_ASSERT_CONTAINS(out, "a QEMU dump side: layouts only");
		for (size_t i = 0; i < PC_ARRAY_SIZE(agree); i++)
			PCT_ASSERT_NOT_CONTAINS(out, agree[i]);
		/* every modelled layout agrees */
		PCT_ASSERT_INT_EQ(incompatible_findings(out), 0);
		PCT_ASSERT_CONTAINS(out, "result: compatible: both directions, 0 incompatible findings");
		free(out);
	}
	/* the plain rendering (dump-vmstate) keeps the model's view */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "dump-vmstate", "--machine", "pc-q35-7.2", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"max-x86_64-cpu\": {");
	PCT_ASSERT_CONTAINS(out, "\"virtio-net-pci\": {");
	PCT_ASSERT_CONTAINS(out, "\"num\": 128");
	free(out);
	/* a dump that records counts: the AER log's 64 against the tree's 128 */
	pct_plugcheck(&out, "check", "--from",
		      pct_path("tests/fixtures/qemu-vmstate/root-port-num-64.json"), "--to", "tree",
		      "--machine", "pc-q35-7.2", "--vm-device", "pcie-root-port", NULL);
	PCT_ASSERT_CONTAINS(out, "PC207 incompatible [field-count]");
	PCT_ASSERT_CONTAINS(out, "at: pcie-root-port PCIE_AER_ERROR_LOG/log");
	free(out);
}

/*
 * The padding next to a field of unknown count lines up only by whole
 * elements: QEMU 7.2's dump with core.eitr_intr_pending made a 2-byte
 * field (no number of which is the tree's VMSTATE_UNUSED(5)) is the
 * padding rule at the padding, both ways, and nothing else of e1000e.
 */
PCT_TEST("dump_side", padding_against_an_uncounted_field_by_whole_elements)
{
	const char *fix = pct_path("tests/fixtures/qemu-vmstate/qemu-7.2-q35-modelled.json");
	struct pc_err err = { 0 };
	char *dir = pct_tmpdir("pad2"), *dump = pc_xasprintf("%s/q72-pad2.json", dir);
	char *text, *at, *out = NULL;
	size_t len;

	CU_ASSERT_FALSE_FATAL(pc_read_file(fix, 1 << 20, &text, &len, &err));
	at = strstr(text, "\"core.eitr_intr_pending\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	at = strstr(at, "\"size\": 1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	at[strlen("\"size\": ")] = '2';
	CU_ASSERT_FALSE_FATAL(pc_write_file_atomic(dump, text, len, &err));
	for (int way = 0; way < 2; way++) {
		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", way ? "tree" : dump,
				     "--to", way ? dump : "tree", "--machine", "pc-q35-7.2",
				     "--vm-device", "e1000e", NULL), 1);
		PCT_ASSERT_CONTAINS(out, "2 incompatible findings");
		PCT_ASSERT_CONTAINS(out, "PC206 incompatible [field-size]");
		PCT_ASSERT_CONTAINS(out, "at: e1000e e1000e/unused\n");
		PCT_ASSERT_CONTAINS(out, "fix: make VMSTATE_UNUSED() exactly as large as the fields it replaces");
		free(out);
	}
	unlink(dump);
	rmdir(dir);
	free(text);
	free(dump);
	free(dir);
}

/* 'text' (a dump as QEMU indents it) with the top-level entry of
 * section 'name' replaced by 'entry' (allocated) */
static char *with_section(const char *text, const char *name, const char *entry)
{
	char *key = pc_xasprintf("\n  \"%s\": {", name);
	const char *a = strstr(text, key), *b;
	char *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	b = strstr(a + 1, "\n  \"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	out = pc_xasprintf("%.*s\n  %s,%s", (int)(a - text), text, entry, b);
	free(key);
	return out;
}

/*
 * A type both builds refuse to migrate (QEMU's dump shows nvme's empty
 * version-0 description, the tree declares nvme unmigratable) is left out
 * of the default configuration and said so, as check leaves it out: it is
 * neither "not modelled" nor a layout.  A type only one build refuses is
 * PC603, info in the default configuration and incompatible when
 * --vm-device names it, as in check: nvme migrated by the QEMU build, and
 * pvpanic-pci refused by it (its empty version-0 description).
 */
PCT_TEST("dump_side", unmigratable_types_as_check_compares_them)
{
	const char *fix = pct_path("tests/fixtures/qemu-vmstate/qemu-7.2-q35-modelled.json");
	struct pc_err err = { 0 };
	char *dir = pct_tmpdir("unmig"), *dump = pc_xasprintf("%s/q72-unmig.json", dir);
	char *text, *t1, *t2, *out = NULL;
	size_t len;

	/* both refuse nvme: one line, no finding, not "not modelled" */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", fix, "--to", "tree", "--machine",
			     "pc-q35-7.2", "-v", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "  unmigratable on both sides: nvme (QEMU refuses to migrate a VM with it");
	PCT_ASSERT_NOT_CONTAINS(out, "    nvme\n");
	PCT_ASSERT_NOT_CONTAINS(out, "not modelled");
	PCT_ASSERT_NOT_CONTAINS(out, "PC603");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "check", "--from", "tree", "--to",
			     fix, "--machine", "pc-q35-7.2", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"unmigratable\": [\n    \"nvme\"\n  ]");
	free(out);
	/* the VM names it: QEMU refuses to migrate it, on both sides */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", fix, "--to", "tree", "--machine",
			     "pc-q35-7.2", "--vm-device", "nvme", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "2 incompatible findings");
	PCT_ASSERT_CONTAINS(out, "why: cannot be migrated: nvme is unmigratable in both builds");
	PCT_ASSERT_NOT_CONTAINS(out, " [section-");
	free(out);

	/* the QEMU side migrates nvme (a section of its own) and refuses
	 * pvpanic-pci */
	CU_ASSERT_FALSE_FATAL(pc_read_file(fix, 1 << 20, &text, &len, &err));
	t1 = with_section(text, "nvme", "\"nvme\": {\"Name\": \"nvme\", \"version_id\": 1, "
			  "\"minimum_version_id\": 1, \"Description\": {\"name\": \"nvme\", "
			  "\"version_id\": 1, \"minimum_version_id\": 1, \"Fields\": [{\"field\": "
			  "\"cap\", \"version_id\": 0, \"field_exists\": false, \"size\": 8}]}}");
	t2 = with_section(t1, "pvpanic-pci", "\"pvpanic-pci\": {\"Name\": \"pvpanic-pci\", "
			  "\"version_id\": 0, \"minimum_version_id\": 0, \"Description\": "
			  "{\"name\": \"pvpanic-pci\", \"version_id\": 0, \"minimum_version_id\": 0}}");
	CU_ASSERT_FALSE_FATAL(pc_write_file_atomic(dump, t2, strlen(t2), &err));
	for (int way = 0; way < 2; way++) {
		const char *a = way ? "tree" : dump, *b = way ? dump : "tree";

		/* the default configuration: info, both types, both ways */
		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", a, "--to", b, "--machine",
				     "pc-q35-7.2", NULL), 0);
		PCT_ASSERT_INT_EQ(pct_count(out, "PC603 info [device-unmigratable]"), 4);
		PCT_ASSERT_CONTAINS(out, "why: cannot be migrated: nvme is unmigratable in the plugin side and migratable in the QEMU build");
		PCT_ASSERT_CONTAINS(out, "why: cannot be migrated: pvpanic-pci is unmigratable in the QEMU build (its dump shows the empty version-0 description of a device with .unmigratable = 1) and migratable in the plugin side");
		PCT_ASSERT_NOT_CONTAINS(out, "unmigratable on both sides:");
		PCT_ASSERT_NOT_CONTAINS(out, "at: pvpanic-pci pvpanic-pci");
		free(out);
	}
	/* a VM that has either: the migration is refused */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", dump, "--to", "tree", "--machine",
			     "pc-q35-7.2", "--vm-device", "nvme", NULL), 1);
	PCT_ASSERT_INT_EQ(pct_count(out, "PC603 incompatible [device-unmigratable]"), 2);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--from", "tree", "--to", dump, "--machine",
			     "pc-q35-7.2", "--vm-device", "pvpanic-pci", NULL), 1);
	PCT_ASSERT_INT_EQ(pct_count(out, "PC603 incompatible [device-unmigratable]"), 2);
	PCT_ASSERT_NOT_CONTAINS(out, " [section-");
	free(out);
	unlink(dump);
	rmdir(dir);
	free(t2);
	free(t1);
	free(text);
	free(dump);
	free(dir);
}
