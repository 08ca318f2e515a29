/*
 * test_migrate.c - `plugcheck migrate`, end to end over the shipped
 * plugins, machines/ and abi/: the guide's cases as real streams between
 * two processes (pc-5.1 with 5.1, virtio-blk without its compat entry, the
 * AER mask break of 8.0 and its override), kept streams (--save/--load,
 * damaged ones included), the internal role interface, timeouts, and the
 * agreement test: the static verdict of `check` and the runtime result of
 * `migrate` must agree for every shipped machine type (every other one, to
 * keep the suite within minutes) over adjacent release pairs and the
 * tree, at 1 and 4 vCPUs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pctest.h"
#include "util.h"

PCT_TEST("migrate", pc_5_1_with_release_5_1_both_directions)
{
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-5.1", "--from",
			     "5.1", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "Migration streams for machine type pc-q35-5.1: 5.1 <-> tree");
	/* every device type both builds have and migrate (pvpanic-pci came in 6.0; nvme is unmigratable), and the machine type's own acpi_build */
	PCT_ASSERT_CONTAINS(out, "  5.1      -> tree     smp=1    ok: 411 of 411 fields arrived");
	PCT_ASSERT_CONTAINS(out, "  tree     -> 5.1      smp=288  ok: 411 of 411 fields arrived");
	PCT_ASSERT_CONTAINS(out, "result: every field arrived and was accepted: 8 runs, 0 refused, 0 with errors");
	free(out);
}

PCT_TEST("migrate", virtio_blk_without_compat_entry_names_the_field)
{
	char *mdir = pct_machines_without("mig-nq", "virtio-blk-device  num-queues");
	char *out;

	/* with one vCPU the queue count is 1 either way */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "migrate", "--machine",
			     "pc-5.1", "--from", "5.1", "--smp", "1", NULL), 0);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "migrate", "--machine",
			     "pc-5.1", "--from", "5.1", "--smp", "2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "5.1      -> tree     smp=2    REFUSED");
	PCT_ASSERT_CONTAINS(out, "section 'virtio-blk' (instance 'virtio-blk-pci'), field 'msix_table': the source sends buffer[2] (16 bytes each) here, this side loads buffer[3] (16 bytes each)");
	PCT_ASSERT_CONTAINS(out, "guest-visible property 'virtio-blk-device.num-queues': the source runs with '1', this side with '2'");
	PCT_ASSERT_CONTAINS(out, "tree     -> 5.1      smp=2    REFUSED");
	free(out);
	/* untagged, as QEMU: found by the framing, the field still named */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--machine-dir", mdir, "migrate", "--machine",
			     "pc-5.1", "--from", "5.1", "--smp", "2", "--untagged",
			     "--one-way", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "virtio-blk-pci: first field that did not arrive: 'msix_table' sent as buffer[2] (16 bytes each)");
	PCT_ASSERT_CONTAINS(out, "field 'vdev.config': bad count: 'config_len' says");
	free(out);
	free(mdir);
}

PCT_TEST("migrate", aer_8_0_to_7_2_fails_and_the_override_fixes_8_0_1)
{
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-7.2", "--from",
			     "8.0", "--to", "7.2", "--smp", "1", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "8.0      -> 7.2      smp=1    REFUSED");
	PCT_ASSERT_CONTAINS(out, "section 'e1000e' (instance 'e1000e'), field 'parent_obj.aer-uncor-mask (config+0x108)': invariant: arrived 0x02400000, this side has 0x00000000 under read-only mask 0xffffffff (differing bits 0x02400000): the load is refused");
	PCT_ASSERT_CONTAINS(out, "section 'pcie-root-port' (instance 'pcie-root-port'), field 'parent_obj.parent_obj.parent_obj.aer-uncor-mask (config+0x108)'");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-7.2", "--from",
			     "8.0", "--to", "8.0.1", "--smp", "1", NULL), 1);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-7.2", "--from",
			     "8.0", "--to", "8.0.1", "--dst-global",
			     "pci-device.x-pcie-err-unc-mask=on", NULL), 0);
	free(out);
}

PCT_TEST("migrate", destination_hook_refuses)
{
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-5.1", "--smp", "1",
			     "--one-way", "--dst-global", "e1000e.subsys=5", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "section 'e1000e' (instance 'e1000e'): post_load: e1000e_post_load (plugin e1000e) refused the state: e1000e: Cannot migrate while device properties (subsys/subsys_ven) differ: subsys is 0x0 in the stream, 0x5 here");
	free(out);
}

PCT_TEST("migrate", save_and_load_a_kept_stream)
{
	char *dir = pct_tmpdir("mig-save");
	char *file = pc_xasprintf("%s/pc-7.2-8.0.pcms", dir);
	char *bad = pc_xasprintf("%s/damaged.pcms", dir);
	char *cut = pc_xasprintf("%s/cut.pcms", dir);
	char *cmd, *out;
	struct stat st;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-7.2", "--from",
			     "8.0", "--save", file, "--smp", "1", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "stream saved to");
	free(out);
	CU_ASSERT_EQUAL(stat(file, &st), 0);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", file, "--to", "8.0.1",
			     "--dst-global", "pci-device.x-pcie-err-unc-mask=on",
			     NULL), 0);
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", file, "--to", "7.2", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "aer-uncor-mask");
	free(out);
	/* the machine type is the stream's */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", file, "--machine", "pc-8.0",
			     NULL), 2);
	PCT_ASSERT_CONTAINS(out, "the stream is for machine type 'pc-q35-7.2', not 'pc-8.0'");
	free(out);
	/* a damaged byte in the first section's payload, and a cut */
	cmd = pc_xasprintf("cp '%s' '%s' && printf '\\377' | dd of='%s' bs=1 seek=20000 conv=notrunc status=none && head -c 5000 '%s' > '%s'",
			   file, bad, bad, file, cut);
	CU_ASSERT_EQUAL(system(cmd), 0);
	free(cmd);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", bad, "--to", "8.0", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "damaged.pcms: offset ");
	PCT_ASSERT_CONTAINS(out, "corrupt section: CRC expected");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", cut, "--to", "8.0", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "cut.pcms: offset ");
	PCT_ASSERT_CONTAINS(out, "truncated: expected");
	free(out);
	/* not a stream at all */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", pct_path("README.md"), NULL), 2);
	PCT_ASSERT_CONTAINS(out, "offset 0: bad magic: expected 50 43 4d 53 (\"PCMS\")");
	free(out);
	free(file);
	free(bad);
	free(cut);
	free(dir);
}

PCT_TEST("migrate", internal_role_interface)
{
	char *dir = pct_tmpdir("mig-role");
	char *file = pc_xasprintf("%s/s.pcms", dir);
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--machine", "pc-5.2", "--from", "5.2",
			     "--save", file, "--smp", "4", NULL), 0);
	free(out);
	/* the destination role, reporting on stdout */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--role", "dest", "--side", "5.2",
			     "--stream-file", file, "--report-fd", "1", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "\"role\":\"dest\"");
	PCT_ASSERT_CONTAINS(out, "\"machine\":\"pc-q35-5.2\"");
	PCT_ASSERT_CONTAINS(out, "\"smp\":4");
	PCT_ASSERT_CONTAINS(out, "\"status\":\"ok\"");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--role", "source", "--side", "tree",
			     NULL), 2);
	PCT_ASSERT_CONTAINS(out, "migrate --role needs --side, --report-fd and --stream-fd");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--help", NULL), 0);
	PCT_ASSERT_CONTAINS(out, "Internal (used by migrate itself to start each side in its own process):");
	free(out);
	free(file);
	free(dir);
}

PCT_TEST("migrate", a_hung_side_is_killed)
{
	char *dir = pct_tmpdir("mig-hang");
	char *fifo = pc_xasprintf("%s/fifo", dir);
	char *out;

	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	/* nobody ever writes: the destination waits for the stream forever */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "migrate", "--load", fifo, "--timeout", "1",
			     NULL), 2);
	PCT_ASSERT_CONTAINS(out, "destination: timed out: killed");
	free(out);
	free(fifo);
	free(dir);
}

PCT_TEST("migrate", json_output)
{
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "migrate", "--machine",
			     "pc-7.2", "--from", "8.0", "--to", "7.2", "--smp", "1",
			     "--one-way", NULL), 1);
	PCT_ASSERT_CONTAINS(out, "\"verb\": \"migrate\"");
	PCT_ASSERT_CONTAINS(out, "\"destination_status\": \"refused\"");
	PCT_ASSERT_CONTAINS(out, "\"exit_status\": 1");
	free(out);
}

/* ---- the static verdict and the runtime result agree ---- */

static int status_of(const char *verb, const char *m, const char *a,
		     const char *b, const char *smp)
{
	return pct_plugcheck(NULL, verb, "--machine", m, "--from", a, "--to", b, "--smp",
		  smp, "-q", NULL);
}

PCT_TEST("migrate", static_and_runtime_verdicts_agree)
{
	static const char *const pairs[][2] = {
		{ "5.1", "5.2" }, { "7.2", "8.0" }, { "8.0", "8.0.1" },
		{ "8.0.1", "8.2" }, { "8.2", "11.0" },
		{ "5.1", "tree" }, { "5.2", "tree" }, { "7.2", "tree" },
		{ "8.0", "tree" }, { "8.0.1", "tree" }, { "8.2", "tree" },
		{ "11.0", "tree" },
	};
	static const char *const smps[] = { "1", "4" };
	char *list = NULL, *line, *next;
	char *machines[128];
	size_t nm = 0, runs = 0, disagree = 0, abnormal = 0, verdicts[3] = { 0 };
	size_t stride;
	time_t t0 = time(NULL);

	PCT_ASSERT_INT_EQ(pct_plugcheck(&list, "list-machines", NULL), 0);
	for (line = strchr(list, '\n'); line && nm < 128; line = next) {
		char *sp;

		next = strchr(++line, '\n');
		if (next)
			*next = '\0';
		sp = strchr(line, ' ');
		if (sp && sp != line) {
			*sp = '\0';
			machines[nm++] = line;
		}
	}
	CU_ASSERT_TRUE_FATAL(nm > 10);
	/* every other machine type by default; slow builds (sanitizers,
	 * valgrind) may sample fewer with PLUGCHECK_AGREEMENT_STRIDE */
	{
		const char *e = getenv("PLUGCHECK_AGREEMENT_STRIDE");

		long v = e ? strtol(e, NULL, 10) : 0;

		stride = v >= 1 && v <= 1000 ? (size_t)v : 2;
	}
	for (size_t p = 0; p < PC_ARRAY_SIZE(pairs); p++)
		for (size_t i = 0; i < nm; i += stride)
			for (size_t k = 0; k < PC_ARRAY_SIZE(smps); k++) {
				const char *a = pairs[p][0], *b = pairs[p][1];
				int ab = status_of("check", machines[i], a, b, smps[k]);
				int ba = status_of("check", machines[i], b, a, smps[k]);
				int st = ab > ba ? ab : ba;
				int rt = status_of("migrate", machines[i], a, b, smps[k]);

				runs++;
				if (st >= 0 && st <= 2)
					verdicts[st]++;
				/* a crash or a timeout is no verdict */
				if (st < 0 || st > 2 || rt < 0 || rt > 2) {
					abnormal++;
					fprintf(stderr, "\n  abnormal exit: %s %s <-> %s smp=%s: check %d, migrate %d",
						machines[i], a, b, smps[k], st, rt);
				} else if (st != rt) {
					disagree++;
					fprintf(stderr, "\n  disagreement: %s %s <-> %s smp=%s: check %d, migrate %d",
						machines[i], a, b, smps[k], st, rt);
				}
			}
	PCT_ASSERT_INT_EQ(disagree, 0);
	PCT_ASSERT_INT_EQ(abnormal, 0);
	/* the set must exercise every verdict */
	CU_ASSERT_TRUE(verdicts[0] > 0 && verdicts[1] > 0 && verdicts[2] > 0);
	fprintf(stderr, "\n  agreement: %zu pairs x machine types x vCPU counts (%zu compatible, %zu incompatible, %zu refused to start) in %lds\n",
		runs, verdicts[0], verdicts[1], verdicts[2], (long)(time(NULL) - t0));
	free(list);
}
