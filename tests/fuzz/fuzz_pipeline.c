/*
 * fuzz_pipeline.c - a declaration through the whole pipeline, where the
 * per-parser targets cannot reach: parse, registry links, then the VMs of
 * a small machine family built and resolved for the tree and for an older
 * release reconstructed from the declared history, both directions
 * checked, and the tree rendered as a QEMU dump, parsed back and compared
 * with itself.  Blow-ups of resolution (fan-out, long chains) show up here
 * as timeouts or out-of-memory under `make fuzz`'s limits.
 *
 * The input is one plugin's declaration text; the seeds are the shipped
 * plugins' declarations with the base types they need in one text.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "check.h"
#include "machine.h"
#include "model.h"
#include "qemu-diff.h"
#include "qemu-dump.h"
#include "qemu-render.h"
#include "resolve.h"

/* two machine types of one family; 1.0 keeps a compat entry of release 2.0 */
static const char *const machine_files[][2] = {
	{ "m/fx.family", "family fx\ndefaults fx_defaults\nlatest-alias fx\n" },
	{ "m/fx-1.0.machine", "machine fx-1.0\nfamily fx\nversion 1.0\nstatus supported\n"
			      "derives fx-2.0\nsmp 1\nmax-cpus 8\ncompat fx_compat_1_0\n" },
	{ "m/fx-2.0.machine", "machine fx-2.0\nfamily fx\nversion 2.0\nstatus supported\n"
			      "smp 1\nmax-cpus 8\n" },
	{ "m/compat/fx_defaults.compat", "array fx_defaults\n" },
	{ "m/compat/fx_compat_1_0.compat", "array fx_compat_1_0 release=2.0\n" },
};

static const char *machine_dir(void)
{
	static char *dir;

	if (!dir) {
		char *c;

		dir = pc_xasprintf("%s/m", fuzz_dir());
		c = pc_xasprintf("%s/compat", dir);
		mkdir(dir, 0755);
		mkdir(c, 0755);
		free(c);
		for (size_t i = 0; i < PC_ARRAY_SIZE(machine_files); i++)
			fuzz_file(machine_files[i][0], machine_files[i][1],
				  strlen(machine_files[i][1]));
	}
	return dir;
}

/* the side 'label' of release 'major'.0 over 'reg' (shared, not owned) */
static int side_init(struct pc_side *s, const char *label, struct pc_registry *reg,
		     int major, bool project)
{
	struct pc_err e = { 0 };

	memset(s, 0, sizeof(*s));
	s->label = pc_xstrdup(label);
	s->reg = reg;
	s->machines = pc_machine_set_new();
	s->own_machines = true;
	s->release.v[0] = major;
	s->project = project;
	return pc_machines_load_dir(s->machines, machine_dir(), &e);
}

/* the tree as a dump, read back and compared with itself */
static void dump_round_trip(const struct pc_side *s)
{
	const struct pc_machine *m = pc_machine_find(s->machines, "fx-2.0");
	struct pc_err e = { 0 };
	struct pc_vm vm;
	char *text;

	if (!m || pc_vm_build(s, m, 2, &vm, &e))
		return;
	if (!pc_vm_resolve(&vm, &e)) {
		struct pc_qdump *d;

		text = pc_vm_render_qemu_dump(&vm);
		d = pc_qdump_parse(text, strlen(text), "tree.json", &e);
		if (!d)
			abort(); /* our own rendering must read back */
		{
			struct pc_report r;

			pc_report_init(&r);
			pc_qdump_diff(d, d, NULL, &r);
			if (pc_report_fails(&r))
				abort(); /* a dump is compatible with itself */
			pc_report_release(&r);
		}
		pc_qdump_free(d);
		free(text);
	}
	pc_vm_release(&vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));
	struct pc_side tree, old;
	struct pc_err e = { 0 };

	p->path = pc_xstrdup("fuzz.decl");
	p->decl = pc_xstrndup((const char *)data, size);
	p->decl_len = strlen(p->decl);
	if (pc_registry_add_plugin(reg, p, "fuzz.decl", &e) || pc_registry_finalize(reg, &e)) {
		pc_registry_free(reg);
		return 0;
	}
	memset(&tree, 0, sizeof(tree));
	memset(&old, 0, sizeof(old));
	if (!side_init(&tree, "tree", reg, 2, false) && !side_init(&old, "1.0", reg, 1, true)) {
		struct pc_check c;
		struct pc_report r;

		memset(&c, 0, sizeof(c));
		c.machine = "fx-1.0";
		c.smps[0] = 1;
		c.smps[1] = 4;
		c.n_smps = 2;
		pc_report_init(&r);
		(void)pc_check_pair(&c, &old, &tree, &r, &e);
		pc_report_release(&r);
		dump_round_trip(&tree);
	}
	pc_side_release(&old);
	pc_side_release(&tree);
	pc_registry_free(reg);
	return 0;
}
