/*
 * fuzz_stream.c - the migration stream loader (core/stream.c): header,
 * configuration record, sections, subsections, tags, footers, the
 * invariant checks and the post_load hooks, on hostile bytes.
 *
 * The input is loaded into one fixed destination: the tree (plugins/ and
 * machines/ of PLUGCHECK_SRCDIR, or of the current directory) running
 * pc-q35-5.1 with 1 vCPU and the devices of the seed corpus.  The VM is
 * built once and only read afterwards (pc_stream_load() takes it const),
 * so no state carries from one input to the next.
 *
 * The seeds in tests/fuzz/corpus/stream/ are real streams, made with
 *   for d in "" ...; do plugcheck migrate --machine pc-5.1 --smp 1 \
 *       --save FILE [--untagged] --device pvpanic --device nvme ...
 * (Documentation/stream-format.md, "Fuzzing" lists the exact commands).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "loader.h"
#include "stream.h"

/* the migration object is the machine type's own state (in every VM):
 * not named */
static const char *const devices[] = {
	"pvpanic", "pvpanic-pci", "nvme", "pcie-root-port",
	"qemu64-x86_64-cpu",
};

struct dest {
	struct pc_side side;
	struct pc_vm vm;
	bool ready;
};

static struct dest *dest_get(void)
{
	static struct dest d;
	static bool tried;
	const char *root = getenv("PLUGCHECK_SRCDIR");
	char *pdir, *mdir;
	const char *dirs[1];
	struct pc_loader_opts o;
	struct pc_diags diags = { 0 };
	struct pc_err err = { 0 };
	const struct pc_machine *m;

	if (tried)
		return d.ready ? &d : NULL;
	tried = true;
	if (!root || !*root)
		root = ".";
	pdir = pc_xasprintf("%s/plugins", root);
	mdir = pc_xasprintf("%s/machines", root);
	dirs[0] = pdir;
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = 1;
	o.load_code = true;
	memset(&d, 0, sizeof(d));
	d.side.label = pc_xstrdup("tree");
	d.side.reg = pc_registry_new();
	d.side.own_reg = d.side.own_machines = true;
	d.side.machines = pc_machine_set_new();
	d.side.devices = pc_xcalloc(PC_ARRAY_SIZE(devices), sizeof(*d.side.devices));
	for (size_t i = 0; i < PC_ARRAY_SIZE(devices); i++) {
		d.side.devices[i].type = pc_xstrdup(devices[i]);
		d.side.devices[i].id = pc_xstrdup(devices[i]);
	}
	d.side.n_devices = PC_ARRAY_SIZE(devices);
	if (pc_loader_init(&err) ||
	    pc_load_plugins(d.side.reg, &o, &diags, &err) ||
	    pc_machines_load_dir(d.side.machines, mdir, &err) ||
	    !(m = pc_machine_find(d.side.machines, "pc-q35-5.1")) ||
	    pc_vm_build(&d.side, m, 1, &d.vm, &err) ||
	    pc_vm_resolve(&d.vm, &err)) {
		/* a fuzzer that silently tests nothing is worse than none */
		fprintf(stderr, "fuzz_stream: cannot build the destination from %s: %s\n",
			root, err.set ? err.msg : "unknown machine pc-q35-5.1");
		abort();
	}
	pc_diags_release(&diags);
	free(pdir);
	free(mdir);
	d.ready = true;
	return &d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dest *d = dest_get();
	struct pc_sio io;
	struct pc_stream_header h;
	struct pc_load_result res;
	struct pc_load_opts lo = { true, NULL };
	struct pc_err err = { 0 };

	if (!d)
		return 0;
	pc_sio_init_mem_in(&io, data, size, "fuzz");
	if (!pc_stream_read_header(&io, &h, &err)) {
		memset(&res, 0, sizeof(res));
		pc_stream_load(&io, &h, &d->vm, &lo, &res);
		pc_load_result_release(&res);
		pc_stream_header_release(&h);
	}
	pc_sio_release(&io);
	return 0;
}
