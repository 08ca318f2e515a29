/*
 * test_qemu_diff.c - the QEMU vmstate dump reader (qemu-dump.c) and the
 * stream comparison (qemu-diff.c): every finding QEMU's
 * vmstate-static-checker.py reports on its own test pair, in both
 * directions (tests/fixtures/qemu-vmstate/README.md lists them), each of
 * that checker's blind spots on a small synthetic pair next to its
 * compatible counterpart, rename files, and the rejection of malformed
 * dumps with the JSON path of the fault.
 *
 * Suite "qemu_diff" needs only the library; suite "qemu_diff_cli" runs the
 * built plugcheck binary.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pctest.h"
#include "qemu-diff.h"
#include "qemu-dump.h"

#include "banned.h"

#define FIX "tests/fixtures/qemu-vmstate/"

static struct pc_qdump *load(const char *name)
{
	struct pc_err err = { 0 };
	char *rel = pc_xasprintf(FIX "%s", name);
	struct pc_qdump *d = pc_qdump_load(pct_path(rel), &err);

	if (!d)
		fprintf(stderr, "\n  cannot load %s: %s\n", rel, err.msg);
	free(rel);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

/* Findings of one direction, 'a' -> 'b', with an optional rename file. */
static void diff_files(const char *a, const char *b, const char *renames,
		       struct pc_report *r)
{
	struct pc_qrenames ren = PC_QRENAMES_INIT;
	struct pc_qdump *da = load(a), *db = load(b);

	if (renames) {
		struct pc_err err = { 0 };
		char *rel = pc_xasprintf(FIX "%s", renames);

		if (pc_qrenames_load(&ren, pct_path(rel), &err))
			fprintf(stderr, "\n  %s\n", err.msg);
		CU_ASSERT_FALSE(err.set);
		free(rel);
	}
	pc_report_init(r);
	pc_qdump_diff(da, db, &ren, r);
	pc_qrenames_release(&ren);
	pc_qdump_free(da);
	pc_qdump_free(db);
}

static bool str_eq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static size_t count(const struct pc_report *r, const char *id,
		    const char *device, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];

		if (!strcmp(pc_rule_info(f->rule)->id, id) &&
		    str_eq(f->device, device) && str_eq(f->path, path))
			n++;
	}
	return n;
}

static const struct pc_finding *find(const struct pc_report *r, const char *id,
				     const char *device, const char *path)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];

		if (!strcmp(pc_rule_info(f->rule)->id, id) &&
		    str_eq(f->device, device) && str_eq(f->path, path))
			return f;
	}
	return NULL;
}

/* Exactly one finding 'id' at device/path, with severity 'sev'. */
#define EXPECT(r, id, device, path, sev)                                     \
	do {                                                                 \
		const struct pc_finding *pct__f = find((r), (id), (device), (path)); \
		if (count((r), (id), (device), (path)) != 1) {               \
			fprintf(stderr, "\n  %s:%d: expected one %s at %s %s", \
				__FILE__, __LINE__, (id), (device) ? (device) : "-", \
				(path) ? (path) : "-");                      \
			pct_dump_report(r);                                      \
			CU_FAIL("finding not reported exactly once");       \
		} else {                                                     \
			PCT_ASSERT_INT_EQ(pct__f->severity, (sev));          \
		}                                                            \
	} while (0)

#define EXPECT_N(r, want)                                                    \
	do {                                                                 \
		if ((r)->n != (size_t)(want))                                \
			pct_dump_report(r);                                      \
		PCT_ASSERT_INT_EQ((r)->n, (want));                           \
	} while (0)

#define INC PC_SEV_INCOMPATIBLE
#define REV PC_SEV_REVIEW
#define INFO PC_SEV_INFO

/* --- QEMU's checker on its own test pair ----------------------------------- */

/*
 * The errors QEMU's checker reports for dump1 -> dump2, and its warning,
 * but for the three it reports past a version QEMU's loader refuses:
 * vmstate_load_state() returns at the version check, so the fields and
 * subsections of a refused section or description never meet the
 * destination (Documentation/qemu-diff.md, "One set of rules").
 */
PCT_TEST("qemu_diff", checker_pair_forward)
{
	struct pc_report r;

	diff_files("dump1.json", "dump2.json", NULL, &r);
	EXPECT(&r, "PC602", NULL, "vmschkmachine.Name", INFO);
	EXPECT(&r, "PC101", "fw_cfg", NULL, INC);
	EXPECT(&r, "PC103", "fusbh200-ehci-usb", NULL, INC);
	EXPECT(&r, "PC201", "pci-serial-4x", "pci-serial-multi", INC);
	EXPECT(&r, "PC208", "intel-hda-generic", "intel-hda/pci", INC);
	EXPECT(&r, "PC208", "cfi.pflash01", "pflash_cfi01", INC);
	EXPECT(&r, "PC201", "megasas", "PCIDevice/irq_state", INC);
	EXPECT(&r, "PC104", "PIIX3-xen", "PIIX3", INC);
	EXPECT(&r, "PC105", "tpci200", "tpci200", INC);
	EXPECT(&r, "PC103", "sun-fdtwo", "fdc", INC);
	EXPECT(&r, "PC206", "usb-kbd", "usb-kbd/kbd.keycodes", INC);
	/* refused at the version: the checker's usbsts, rcr and media_rate
	 * errors describe loads that do not happen */
	PCT_ASSERT_INT_EQ(count(&r, "PC201", "fusbh200-ehci-usb", "ehci-core/usbsts"), 0);
	PCT_ASSERT_INT_EQ(count(&r, "PC301", "PIIX3-xen", "PIIX3/rcr"), 0);
	PCT_ASSERT_INT_EQ(count(&r, "PC301", "sun-fdtwo", "fdrive/media_rate"), 0);
	/* nothing else: the checker's other 10 errors and its warning */
	EXPECT_N(&r, 11);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 10);
	PCT_ASSERT_STR_EQ(find(&r, "PC206", "usb-kbd", "usb-kbd/kbd.keycodes")->src_value,
			  "'kbd.keycodes': 4 bytes");
	PCT_ASSERT_STR_EQ(find(&r, "PC206", "usb-kbd", "usb-kbd/kbd.keycodes")->dst_value,
			  "'kbd.keycodes': 2 bytes");
	PCT_ASSERT_STR_EQ(find(&r, "PC105", "tpci200", "tpci200")->dst_value,
			  "tpci2002");
	PCT_ASSERT_STR_EQ(r.items[0].src, pct_path(FIX "dump1.json"));
	PCT_ASSERT_STR_EQ(r.items[0].dst, pct_path(FIX "dump2.json"));
	pc_report_release(&r);
}

/*
 * The 6 errors of dump2 -> dump1, plus what the checker misses there
 * because it walks only the source's fields and stops early: fields the
 * destination expects but the source does not send.
 */
PCT_TEST("qemu_diff", checker_pair_backward)
{
	struct pc_report r;

	diff_files("dump2.json", "dump1.json", NULL, &r);
	EXPECT(&r, "PC602", NULL, "vmschkmachine.Name", INFO);
	/* the checker's six */
	EXPECT(&r, "PC101", "fw_cfg2", NULL, INC);
	EXPECT(&r, "PC202", "fusbh200-ehci-usb", "ehci-core/usbsts", INC);
	EXPECT(&r, "PC103", "PIIX3-xen", "PIIX3", INC);
	EXPECT(&r, "PC105", "tpci200", "tpci2002", INC);
	EXPECT(&r, "PC104", "sun-fdtwo", "fdc", INC);
	EXPECT(&r, "PC206", "usb-kbd", "HIDKeyboardDevice/kbd.keycodes", INC);
	/* beyond the checker: the destination expects state never sent */
	EXPECT(&r, "PC202", "pci-serial-4x", "pci-serial-multi", INC);
	EXPECT(&r, "PC208", "intel-hda-generic", "intel-hda/pci", INC);
	EXPECT(&r, "PC208", "cfi.pflash01", "pflash_cfi01", INC);
	EXPECT(&r, "PC202", "megasas", "PCIDevice/irq_state", INC);
	/* refused at the version (PC103/PC104 above): the subsections the
	 * source lacks are not looked at (QEMU's loader stops there) */
	PCT_ASSERT_INT_EQ(count(&r, "PC302", "PIIX3-xen", "PIIX3/rcr"), 0);
	PCT_ASSERT_INT_EQ(count(&r, "PC302", "sun-fdtwo", "fdrive/media_rate"), 0);
	EXPECT_N(&r, 11);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 10);
	/* the walk stepped into the new 'hid' struct that wraps the fields */
	PCT_ASSERT_STR_EQ(find(&r, "PC206", "usb-kbd", "HIDKeyboardDevice/kbd.keycodes")->src_value,
			  "'kbd.keycodes': 2 bytes");
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", self_comparison_is_clean)
{
	const char *files[] = { "dump1.json", "dump2.json", "wrap-struct.json",
				"nested-bumped.json", "subsec-new.json" };

	for (size_t i = 0; i < PC_ARRAY_SIZE(files); i++) {
		struct pc_report r;

		diff_files(files[i], files[i], NULL, &r);
		EXPECT_N(&r, 0);
		pc_report_release(&r);
	}
}

/* --- blind spots of QEMU's checker ------------------------------------------- */

PCT_TEST("qemu_diff", blind_array_count)
{
	struct pc_report r;

	diff_files("num-8.json", "num-16.json", NULL, &r);
	EXPECT(&r, "PC207", "blk", "blk/regs", INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "'regs': 8 x 4 bytes");
	PCT_ASSERT_STR_EQ(r.items[0].dst_value, "'regs': 16 x 4 bytes");
	pc_report_release(&r);
	diff_files("num-16.json", "num-8.json", NULL, &r);
	EXPECT(&r, "PC207", "blk", "blk/regs", INC);
	EXPECT_N(&r, 1);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", blind_append_without_version_bump)
{
	struct pc_report r;

	/* old -> new: the destination loads 'mtu' at the same version */
	diff_files("append-old.json", "append-nobump.json", NULL, &r);
	EXPECT(&r, "PC202", "nic", "nic/mtu", INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_CONTAINS(r.items[0].fix, "bump version_id");
	pc_report_release(&r);
	diff_files("append-nobump.json", "append-old.json", NULL, &r);
	EXPECT(&r, "PC201", "nic", "nic/mtu", INC);
	EXPECT_N(&r, 1);
	pc_report_release(&r);
}

/* The right way: bumped and gated with VMSTATE_*_V loads old streams. */
PCT_TEST("qemu_diff", append_with_version_bump_is_compatible)
{
	struct pc_report r;

	diff_files("append-old.json", "append-bumped.json", NULL, &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
	/* the other way round the new version is rightly refused */
	diff_files("append-bumped.json", "append-old.json", NULL, &r);
	EXPECT(&r, "PC103", "nic", NULL, INC);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", blind_raised_minimum_version)
{
	struct pc_report r;

	diff_files("minver-old.json", "minver-raised.json", NULL, &r);
	EXPECT(&r, "PC104", "rtc", NULL, INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "version_id 2");
	PCT_ASSERT_STR_EQ(r.items[0].dst_value,
			  "minimum_version_id 3 (version_id 3)");
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", blind_nested_version_bump)
{
	struct pc_report r;

	/* hba-port 1 -> 2 adds 'fbs' at version 2: the section version is
	 * unchanged and nested versions are not on the wire */
	diff_files("nested-old.json", "nested-bumped.json", NULL, &r);
	EXPECT(&r, "PC202", "hba", "hba-port/fbs", INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_CONTAINS(r.items[0].why, "nested versions are not on the wire");
	pc_report_release(&r);
	diff_files("nested-bumped.json", "nested-old.json", NULL, &r);
	EXPECT(&r, "PC201", "hba", "hba-port/fbs", INC);
	EXPECT_N(&r, 1);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", subsection_on_one_side)
{
	struct pc_report r;

	diff_files("subsec-new.json", "subsec-old.json", NULL, &r);
	EXPECT(&r, "PC301", "serial", "serial/thr_ipending", INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_CONTAINS(r.items[0].why, "needed()");
	pc_report_release(&r);
	diff_files("subsec-old.json", "subsec-new.json", NULL, &r);
	EXPECT(&r, "PC302", "serial", "serial/thr_ipending", INFO);
	EXPECT_N(&r, 1);
	CU_ASSERT_FALSE(pc_report_fails(&r));
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", unused_padding_of_equal_size_is_compatible)
{
	struct pc_report r;

	/* 'mode' (2) + 'latch' (2) became VMSTATE_UNUSED(4) */
	diff_files("unused-orig.json", "unused-same.json", NULL, &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
	diff_files("unused-same.json", "unused-orig.json", NULL, &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", unused_padding_of_other_size_is_flagged)
{
	struct pc_report r;

	/* VMSTATE_UNUSED(2) covers 'mode' only: 'latch' is then extra */
	diff_files("unused-orig.json", "unused-short.json", NULL, &r);
	EXPECT(&r, "PC201", "timer", "timer/latch", INC);
	EXPECT_N(&r, 1);
	pc_report_release(&r);
	diff_files("unused-short.json", "unused-orig.json", NULL, &r);
	EXPECT(&r, "PC202", "timer", "timer/latch", INC);
	EXPECT_N(&r, 1);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", struct_wrapping_same_bytes_is_compatible)
{
	struct pc_report r;

	diff_files("wrap-flat.json", "wrap-struct.json", NULL, &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
	diff_files("wrap-struct.json", "wrap-flat.json", NULL, &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", reordered_fields)
{
	struct pc_report r;

	diff_files("order-a.json", "order-b.json", NULL, &r);
	EXPECT(&r, "PC203", "pit", "pit/a", INC);
	EXPECT(&r, "PC203", "pit", "pit/b", INC);
	EXPECT_N(&r, 2);
	pc_report_release(&r);
}

/* In-memory padding that does not line up: a size finding, no crash. */
PCT_TEST("qemu_diff", unused_padding_overrun)
{
	static const char a[] =
		"{\"vmschkmachine\":{\"Name\":\"m\"},\"t\":{\"Name\":\"t\",\"version_id\":1,"
		"\"minimum_version_id\":1,\"Description\":{\"name\":\"t\",\"version_id\":1,"
		"\"minimum_version_id\":1,\"Fields\":[{\"field\":\"x\",\"version_id\":0,\"size\":4}]}}}";
	static const char b[] =
		"{\"vmschkmachine\":{\"Name\":\"m\"},\"t\":{\"Name\":\"t\",\"version_id\":1,"
		"\"minimum_version_id\":1,\"Description\":{\"name\":\"t\",\"version_id\":1,"
		"\"minimum_version_id\":1,\"Fields\":[{\"field\":\"unused\",\"version_id\":0,\"size\":6}]}}}";
	struct pc_err err = { 0 };
	struct pc_qdump *da = pc_qdump_parse(a, strlen(a), "a.json", &err);
	struct pc_qdump *db = pc_qdump_parse(b, strlen(b), "b.json", &err);
	struct pc_report r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(da);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	pc_report_init(&r);
	pc_qdump_diff(da, db, NULL, &r);
	EXPECT(&r, "PC206", "t", "t/unused", INC);
	EXPECT_N(&r, 1);
	PCT_ASSERT_STR_EQ(r.items[0].src_value, "4 bytes");
	PCT_ASSERT_STR_EQ(r.items[0].dst_value, "6 bytes");
	pc_report_release(&r);
	pc_qdump_free(da);
	pc_qdump_free(db);
}

/* --- renames ----------------------------------------------------------------- */

PCT_TEST("qemu_diff", rename_file_declares_aliases)
{
	struct pc_report r;

	diff_files("dump1.json", "dump2.json", "renames.txt", &r);
	PCT_ASSERT_INT_EQ(count(&r, "PC101", "fw_cfg", NULL), 0);
	PCT_ASSERT_INT_EQ(count(&r, "PC105", "tpci200", "tpci200"), 0);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 8);
	pc_report_release(&r);
	diff_files("dump2.json", "dump1.json", "renames.txt", &r);
	PCT_ASSERT_INT_EQ(count(&r, "PC101", "fw_cfg2", NULL), 0);
	PCT_ASSERT_INT_EQ(count(&r, "PC105", "tpci200", "tpci2002"), 0);
	PCT_ASSERT_INT_EQ(pc_report_count(&r, PC_SEV_INCOMPATIBLE), 8);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", field_rename)
{
	struct pc_report r;

	diff_files("rename-a.json", "rename-b.json", NULL, &r);
	EXPECT(&r, "PC204", "tpm", "tpm/loc_state", REV);
	EXPECT_N(&r, 1);
	PCT_ASSERT_CONTAINS(r.items[0].fix, "field tpm loc_state locality_state");
	pc_report_release(&r);
	diff_files("rename-a.json", "rename-b.json", "renames.txt", &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
	diff_files("rename-b.json", "rename-a.json", "renames.txt", &r);
	EXPECT_N(&r, 0);
	pc_report_release(&r);
}

PCT_TEST("qemu_diff", rename_scope)
{
	struct pc_qrenames ren = PC_QRENAMES_INIT;

	pc_qrenames_add(&ren, PC_QRENAME_FIELD, "tpm", "a", "b");
	pc_qrenames_add(&ren, PC_QRENAME_FIELD, NULL, "c", "d");
	pc_qrenames_add(&ren, PC_QRENAME_SECTION, NULL, "e", "f");
	CU_ASSERT_TRUE(pc_qrenames_match(&ren, PC_QRENAME_FIELD, "tpm", "b", "a"));
	CU_ASSERT_FALSE(pc_qrenames_match(&ren, PC_QRENAME_FIELD, "rtc", "a", "b"));
	CU_ASSERT_TRUE(pc_qrenames_match(&ren, PC_QRENAME_FIELD, "rtc", "c", "d"));
	CU_ASSERT_FALSE(pc_qrenames_match(&ren, PC_QRENAME_FIELD, "rtc", "e", "f"));
	CU_ASSERT_TRUE(pc_qrenames_match(&ren, PC_QRENAME_SECTION, NULL, "f", "e"));
	CU_ASSERT_TRUE(pc_qrenames_match(NULL, PC_QRENAME_SECTION, NULL, "x", "x"));
	pc_qrenames_release(&ren);
}

static void expect_rename_error(const char *name, const char *msg)
{
	struct pc_qrenames ren = PC_QRENAMES_INIT;
	struct pc_err err = { 0 };
	char *rel = pc_xasprintf(FIX "bad/%s", name);
	const char *path = pct_path(rel);
	char *want = pc_xasprintf("%s:%s", path, msg);

	PCT_ASSERT_INT_EQ(pc_qrenames_load(&ren, path, &err), -1);
	PCT_ASSERT_STR_EQ(err.msg, want);
	pc_qrenames_release(&ren);
	free(want);
	free(rel);
}

PCT_TEST("qemu_diff", rename_file_errors)
{
	struct pc_qrenames ren = PC_QRENAMES_INIT;
	struct pc_err err = { 0 };

	expect_rename_error("renames-kind.txt",
			    "3: unknown kind 'sectoin' (expected 'section', 'description' or 'field')");
	expect_rename_error("renames-short.txt",
			    "1: 'section' takes 2 names (old, new), found 1 name");
	PCT_ASSERT_INT_EQ(pc_qrenames_parse(&ren, "field x y\n", 10, "r.txt", &err), -1);
	PCT_ASSERT_STR_EQ(err.msg, "r.txt:1: 'field' takes 3 names (description or *, old, new), found 2 names");
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(pc_qrenames_parse(&ren, "a\0b\n", 4, "r.txt", &err), -1);
	PCT_ASSERT_STR_EQ(err.msg, "r.txt:1: NUL byte in a text file");
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(pc_qrenames_parse(&ren, "\n  # only comments\nsection a b # c\n",
					    34, "r.txt", &err), 0);
	PCT_ASSERT_INT_EQ(ren.n, 1);
	pc_qrenames_release(&ren);
}

/* --- the reader -------------------------------------------------------------- */

PCT_TEST("qemu_diff", model_of_dump1)
{
	struct pc_qdump *d = load("dump1.json");
	const struct pc_qdump_section *s;

	PCT_ASSERT_STR_EQ(d->machine, "pc-i440fx-2.1");
	PCT_ASSERT_INT_EQ(d->n_sections, 10);
	s = pc_qdump_find(d, "megasas");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	PCT_ASSERT_STR_EQ(s->desc->name, "megasas");
	PCT_ASSERT_STR_EQ(s->desc->fields[0].desc->name, "PCIDevice");
	/* 4 + 256 + 16 bytes on the wire, not the C sizeof of 1944 */
	PCT_ASSERT_INT_EQ(pc_qdump_field_wire_size(&s->desc->fields[0]), 276);
	PCT_ASSERT_INT_EQ(s->desc->fields[0].size, 1944);
	CU_ASSERT_PTR_NULL(pc_qdump_find(d, "nonexistent"));
	PCT_ASSERT_STR_EQ(pc_qdump_find_desc(d, "pflash_cfi01")->name, "cfi.pflash01");
	s = pc_qdump_find(d, "fw_cfg");
	CU_ASSERT_TRUE(s->desc->fields[1].field_exists);
	CU_ASSERT_TRUE(pc_qdump_field_is_padding(&(struct pc_qdump_field){ .name = "unused" }));
	pc_qdump_free(d);
}

static void expect_reject(const char *name, const char *msg)
{
	struct pc_err err = { 0 };
	char *rel = pc_xasprintf(FIX "bad/%s", name);
	const char *path = pct_path(rel);
	char *want = pc_xasprintf("%s%s", path, msg);
	struct pc_qdump *d = pc_qdump_load(path, &err);

	CU_ASSERT_PTR_NULL(d);
	pc_qdump_free(d);
	CU_ASSERT_TRUE(err.set);
	PCT_ASSERT_STR_EQ(err.msg, want);
	free(want);
	free(rel);
}

PCT_TEST("qemu_diff", malformed_dumps_rejected_with_json_path)
{
	struct pc_err err = { 0 };

	expect_reject("missing-size.json",
		      ": $.fw_cfg.Description.Fields[2]: missing key 'size'");
	CU_ASSERT_PTR_NULL(pc_qdump_load(pct_path(FIX "bad/missing-size.json"), &err));
	PCT_ASSERT_INT_EQ(err.code, PC_E_INPUT);
	expect_reject("huge-num.json",
		      ": $.blk.Description.Fields[0].num: num 1099511627776 out of range (expected 0..16777216)");
	expect_reject("size-string.json",
		      ": $.blk.Description.Fields[0].size: expected an integer, found a string");
	expect_reject("size-real.json",
		      ": $.blk.Description.Fields[0].size: expected an integer, found a real number");
	expect_reject("negative-version.json",
		      ": $.blk.version_id: version_id -1 out of range (expected 0..2147483647)");
	expect_reject("fields-object.json",
		      ": $.blk.Description.Fields: expected an array, found an object");
	expect_reject("toplevel-array.json", ": $: expected an object, found an array");
	expect_reject("no-machine.json", ": $: missing key 'vmschkmachine'");
	expect_reject("section-string.json", ": $.blk: expected an object, found a string");
	expect_reject("dotted-key.json", ": $[\"cfi.pflash01\"]: missing key 'Name'");
}

PCT_TEST("qemu_diff", malformed_json_rejected_with_line)
{
	expect_reject("duplicate-key.json",
		      ":4:7: not a valid JSON dump: duplicate object key near '\"blk\"'");
	expect_reject("truncated.json",
		      ":6:0: not a valid JSON dump: string or '}' expected near end of file");
	expect_reject("empty.json",
		      ":1:0: not a valid JSON dump: '[' or '{' expected near end of file");
}

PCT_TEST("qemu_diff", nesting_bounded)
{
	struct pc_err err = { 0 };
	const char *path = pct_path(FIX "bad/too-deep.json");
	struct pc_qdump *d = pc_qdump_load(path, &err);

	CU_ASSERT_PTR_NULL(d);
	PCT_ASSERT_CONTAINS(err.msg, ".Description: descriptions nested deeper than 32 levels");
	CU_ASSERT_TRUE(pc_str_starts_with(err.msg, path));
	PCT_ASSERT_CONTAINS(err.msg, ": $.deep.Description.Fields[0].Description.Fields[0]");
	/* a documented bound, not malformed input */
	PCT_ASSERT_INT_EQ(err.code, PC_E_LIMIT);
}

PCT_TEST("qemu_diff", unreadable_and_odd_input)
{
	struct pc_err err = { 0 };
	static const char bad_utf8[] = "{\"vmschkmachine\":{\"Name\":\"\xff\"}}";
	static const char nul[] = "{\"vmschkmachine\":{\"Name\":\"a\\u0000b\"}}";
	static const char empty_name[] =
		"{\"vmschkmachine\":{\"Name\":\"m\"},\"x\":{\"Name\":\"\",\"version_id\":1,\"minimum_version_id\":1}}";
	static const char not_bool[] =
		"{\"vmschkmachine\":{\"Name\":\"m\"},\"x\":{\"Name\":\"x\",\"version_id\":1,\"minimum_version_id\":1,"
		"\"Description\":{\"name\":\"x\",\"version_id\":1,\"minimum_version_id\":1,"
		"\"Fields\":[{\"field\":\"f\",\"version_id\":0,\"field_exists\":1,\"size\":1}]}}}";

	CU_ASSERT_PTR_NULL(pc_qdump_load(pct_path(FIX "bad/no-such-file.json"), &err));
	PCT_ASSERT_CONTAINS(err.msg, "no-such-file.json: cannot open: ");
	pc_err_clear(&err);
	CU_ASSERT_PTR_NULL(pc_qdump_parse(bad_utf8, strlen(bad_utf8), "u.json", &err));
	CU_ASSERT_TRUE(pc_str_starts_with(err.msg, "u.json:1:"));
	pc_err_clear(&err);
	CU_ASSERT_PTR_NULL(pc_qdump_parse(nul, strlen(nul), "n.json", &err));
	CU_ASSERT_TRUE(pc_str_starts_with(err.msg, "n.json:1:"));
	pc_err_clear(&err);
	CU_ASSERT_PTR_NULL(pc_qdump_parse(empty_name, strlen(empty_name), "e.json", &err));
	PCT_ASSERT_STR_EQ(err.msg, "e.json: $.x.Name: empty name");
	pc_err_clear(&err);
	CU_ASSERT_PTR_NULL(pc_qdump_parse(not_bool, strlen(not_bool), "b.json", &err));
	PCT_ASSERT_STR_EQ(err.msg, "b.json: $.x.Description.Fields[0].field_exists: expected a boolean, found an integer");
}

/* --- the two readers ------------------------------------------------------ */

/* Every dump file of 'dir' read by both readers: the stream reader takes
 * each well-formed one (with the tree reader's model) and declines the rest. */
static void both_readers(const char *dir, bool well_formed)
{
	DIR *dh = opendir(pct_path(dir));
	struct dirent *de;
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dh);
	while ((de = readdir(dh))) {
		char *path = pc_xasprintf("%s/%s", pct_path(dir), de->d_name);
		struct pc_err err = { 0 };
		struct pc_qdump *s, *t;
		char *buf;
		size_t len;

		if (!pc_str_ends_with(de->d_name, ".json") ||
		    pc_read_file(path, PC_QDUMP_MAX_FILE, &buf, &len, &err)) {
			free(path);
			continue;
		}
		s = pc_qdump_parse_stream(buf, len, path);
		t = pc_qdump_parse_tree(buf, len, path, &err);
		if (well_formed) {
			CU_ASSERT_PTR_NOT_NULL(s);
			CU_ASSERT_PTR_NOT_NULL(t);
			CU_ASSERT_TRUE(s && t && pc_qdump_same(s, t));
		} else {
			CU_ASSERT_PTR_NULL(s);
			CU_ASSERT_PTR_NULL(t);
		}
		pc_qdump_free(s);
		pc_qdump_free(t);
		free(buf);
		free(path);
		n++;
	}
	closedir(dh);
	CU_ASSERT(n >= 10);
}

/* Whether a dump records array counts: QEMU writes "num" since 8.1; a
 * dump without any (QEMU's checker data of 2.1/2.2, QEMU 7.2's) leaves
 * them unknown, unless plugcheck rendered it in its own view (which
 * writes "num" for every array).  Both readers read "Rendered-by". */
PCT_TEST("qemu_diff", counts_unknown_without_num)
{
	static const struct { const char *file; bool unknown; } cases[] = {
		{ FIX "dump1.json", true },
		{ FIX "qemu-7.2-q35-modelled.json", true },
		{ FIX "num-8.json", false },
		{ FIX "rendered-by.json", false },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		struct pc_err err = { 0 };
		struct pc_qdump *d = pc_qdump_load(pct_path(cases[i].file), &err);

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		PCT_ASSERT_INT_EQ(pc_qdump_counts_unknown(d), cases[i].unknown);
		pc_qdump_free(d);
	}
	/* the member is read by both readers, and must be a name */
	{
		static const char doc[] = "{\"vmschkmachine\":{\"Name\":\"m\",\"Rendered-by\":\"plugcheck\"}}";
		static const char bad[] = "{\"vmschkmachine\":{\"Name\":\"m\",\"Rendered-by\":true}}";
		struct pc_err err = { 0 };
		struct pc_qdump *s = pc_qdump_parse_stream(doc, strlen(doc), "s.json");
		struct pc_qdump *t = pc_qdump_parse_tree(doc, strlen(doc), "t.json", &err);

		CU_ASSERT_TRUE_FATAL(s && t);
		PCT_ASSERT_STR_EQ(s->rendered_by, "plugcheck");
		PCT_ASSERT_STR_EQ(t->rendered_by, "plugcheck");
		pc_qdump_free(s);
		pc_qdump_free(t);
		CU_ASSERT_PTR_NULL(pc_qdump_parse(bad, strlen(bad), "b.json", &err));
		PCT_ASSERT_STR_EQ(err.msg, "b.json: $.vmschkmachine.Rendered-by: expected a string, found a boolean");
	}
}

PCT_TEST("qemu_diff", stream_reader_reads_as_the_tree_reader)
{
	both_readers("tests/fixtures/qemu-vmstate", true);
	both_readers("tests/fixtures/qemu-vmstate/bad", false);
}

PCT_TEST("qemu_diff", stream_reader_declines_what_only_jansson_judges)
{
	static const char *const declined[] = {
		/* an escape, a real number, a duplicate ignored key, a
		 * duplicate section: the tree reader decides */
		"{\"vmschkmachine\":{\"Name\":\"m\\u0041\"}}",
		"{\"vmschkmachine\":{\"Name\":\"m\",\"x\":1.5}}",
		"{\"vmschkmachine\":{\"Name\":\"m\",\"x\":1,\"x\":2}}",
		"{\"vmschkmachine\":{\"Name\":\"m\"},"
		"\"a\":{\"Name\":\"a\",\"version_id\":1,\"minimum_version_id\":1},"
		"\"a\":{\"Name\":\"a\",\"version_id\":1,\"minimum_version_id\":1}}",
		"{\"vmschkmachine\":{\"Name\":\"m\"}}\f",
	};
	static const char accepted[] =
		"{\"vmschkmachine\":{\"Name\":\"m\",\"new\":[{\"k\":null},true]},"
		"\"a\":{\"Name\":\"a\",\"version_id\":1,\"minimum_version_id\":1,\"x\":{}}}";
	struct pc_err err = { 0 };
	struct pc_qdump *d;

	for (size_t i = 0; i < PC_ARRAY_SIZE(declined); i++)
		CU_ASSERT_PTR_NULL(pc_qdump_parse_stream(declined[i], strlen(declined[i]), "x.json"));
	/* the escape and the real number are well-formed: read all the same */
	d = pc_qdump_parse(declined[0], strlen(declined[0]), "x.json", &err);
	CU_ASSERT_TRUE(d && !strcmp(d->machine, "mA"));
	pc_qdump_free(d);
	d = pc_qdump_parse_stream(accepted, strlen(accepted), "y.json");
	CU_ASSERT_TRUE(d && d->n_sections == 1 && !strcmp(d->sections[0].name, "a"));
	pc_qdump_free(d);
}

/* Every byte value, in each lane of the stream reader's 8-byte words:
 * inside a name it takes printable ASCII but '\\' and '"' (a DEL too),
 * between tokens JSON's four blanks; everything else is declined. */
PCT_TEST("qemu_diff", stream_reader_byte_screen)
{
	for (int c = 1; c < 256; c++) {
		for (int lane = 0; lane < 8; lane++) {
			char doc[128];
			struct pc_qdump *d;
			bool in_name = c >= 0x20 && c < 0x80 && c != '\\' && c != '"';
			bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';

			/* 'lane' letters of a name before the byte */
			snprintf(doc, sizeof(doc), "{\"vmschkmachine\":{\"Name\":\"%.*s%c\"}}",
				 lane, "abcdefg", c);
			d = pc_qdump_parse_stream(doc, strlen(doc), "c.json");
			CU_ASSERT_EQUAL(d != NULL, in_name);
			pc_qdump_free(d);
			snprintf(doc, sizeof(doc), "{\"vmschkmachine\":%.*s%c{\"Name\":\"m\"}}",
				 lane, "       ", c);
			d = pc_qdump_parse_stream(doc, strlen(doc), "c.json");
			CU_ASSERT_EQUAL(d != NULL, blank);
			pc_qdump_free(d);
		}
	}
}

/* Two files read at once fail as read one after the other: the first's
 * error when both are bad. */
PCT_TEST("qemu_diff", pair_loads_report_the_first_error)
{
	struct pc_qdump *both[2] = { NULL, NULL };
	struct pc_err err = { 0 };
	char *a = pc_xstrdup(pct_path(FIX "bad/missing-size.json"));
	char *b = pc_xstrdup(pct_path(FIX "bad/truncated.json"));
	char *good = pc_xstrdup(pct_path(FIX "dump1.json"));

	CU_ASSERT_EQUAL(pc_qdump_load_pair(a, b, both, &err), -1);
	CU_ASSERT_TRUE(pc_str_starts_with(err.msg, a));
	pc_err_clear(&err);
	CU_ASSERT_EQUAL(pc_qdump_load_pair(good, b, both, &err), -1);
	CU_ASSERT_TRUE(pc_str_starts_with(err.msg, b));
	pc_err_clear(&err);
	CU_ASSERT_EQUAL(pc_qdump_load_pair(good, good, both, &err), 0);
	CU_ASSERT_TRUE(both[0] && both[1] && both[0] != both[1] &&
		       pc_qdump_same(both[0], both[1]));
	pc_qdump_free(both[0]);
	pc_qdump_free(both[1]);
	free(a);
	free(b);
	free(good);
}

/* --- the verb -------------------------------------------------------------- */

PCT_TEST("qemu_diff_cli", cli_checker_pair)
{
	const char *argv[] = { "plugcheck", "qemu-diff", FIX "dump1.json",
			       FIX "dump2.json", "--trust-section-keys", NULL };
	char *out = NULL, *err = NULL;
	char *a = pc_xstrdup(pct_path(argv[2])), *b = pc_xstrdup(pct_path(argv[3]));

	argv[2] = a;
	argv[3] = b;
	/* dump2 renames fw_cfg's key but not its Name (QEMU's own test of
	 * its checker): refused as ambiguous, compared by the key with
	 * --trust-section-keys as QEMU's checker compares it */
	argv[4] = NULL;
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "dump2.json: $.fw_cfg2.Name: the section's key 'fw_cfg2' and its Name 'fw_cfg' differ");
	PCT_ASSERT_STR_EQ(out, "");
	free(out);
	free(err);
	argv[4] = "--trust-section-keys";
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 1);
	PCT_ASSERT_CONTAINS(out, "PC101 incompatible [section-missing]");
	PCT_ASSERT_CONTAINS(out, "dump2.json -> ");
	PCT_ASSERT_CONTAINS(out, "qemu-diff: incompatible (20 incompatible, 0 need review, 2 info in both directions)\n");
	free(out);
	free(err);
	/* compared with itself: nothing, exit 0 */
	argv[3] = a;
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 0);
	PCT_ASSERT_CONTAINS(out, "qemu-diff: compatible (0 incompatible, 0 need review, 0 info in both directions)\n");
	free(out);
	free(err);
	free(a);
	free(b);
}

PCT_TEST("qemu_diff_cli", cli_json_and_renames)
{
	char *a = pc_xstrdup(pct_path(FIX "rename-a.json"));
	char *b = pc_xstrdup(pct_path(FIX "rename-b.json"));
	char *ren = pc_xstrdup(pct_path(FIX "renames.txt"));
	const char *argv[] = { "plugcheck", "--format", "json", "qemu-diff", a, b, NULL };
	const char *argv2[] = { "plugcheck", "qemu-diff", a, b, "--renames", ren, NULL };
	char *out = NULL, *err = NULL;

	/* a rename with the same shape needs review but does not fail */
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 0);
	PCT_ASSERT_CONTAINS(out, "\"PC204\"");
	PCT_ASSERT_CONTAINS(out, "\"directions\"");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pct_run_cli(argv2, &out, &err), 0);
	PCT_ASSERT_NOT_CONTAINS(out, "PC204");
	free(out);
	free(err);
	free(a);
	free(b);
	free(ren);
}

PCT_TEST("qemu_diff_cli", cli_input_errors)
{
	char *good = pc_xstrdup(pct_path(FIX "dump1.json"));
	char *bad = pc_xstrdup(pct_path(FIX "bad/missing-size.json"));
	char *badren = pc_xstrdup(pct_path(FIX "bad/renames-kind.txt"));
	const char *one[] = { "plugcheck", "qemu-diff", good, NULL };
	const char *malformed[] = { "plugcheck", "qemu-diff", good, bad, NULL };
	const char *renames[] = { "plugcheck", "qemu-diff", "--renames", badren, good, good, NULL };
	const char *opt[] = { "plugcheck", "qemu-diff", "--frobnicate", good, good, NULL };
	char *out = NULL, *err = NULL;

	PCT_ASSERT_INT_EQ(pct_run_cli(one, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "expected two dump files (SRC.json DST.json), found 1");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pct_run_cli(malformed, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "missing-size.json: $.fw_cfg.Description.Fields[2]: missing key 'size'");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pct_run_cli(renames, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "renames-kind.txt:3: unknown kind 'sectoin'");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pct_run_cli(opt, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "unknown option '--frobnicate'");
	free(out);
	free(err);
	free(good);
	free(bad);
	free(badren);
}
