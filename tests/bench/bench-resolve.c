/*
 * bench-resolve.c - time resolving every layout of one machine type: load
 * a plugin tree (declarations only, no plugin code), then build the
 * default VM configuration and resolve every section (pc_vm_build +
 * pc_vm_resolve) for the machine's default vCPU count, RUNS times.
 * Prints: MEDIAN_SECONDS SECTIONS.  Used by tests/bench/run.sh.
 *
 * Usage: bench-resolve PLUGIN_DIR MACHINE_DIR MACHINE RUNS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader.h"
#include "machine.h"
#include "resolve.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *dirs[1];
	struct pc_loader_opts o;
	struct pc_diags d = { 0 };
	struct pc_err err = { 0 };
	struct pc_side side;
	const struct pc_machine *m;
	double t[64];
	size_t nsec = 0;
	int runs;

	if (argc != 5 || (runs = atoi(argv[4])) < 1 || runs > 64) {
		fprintf(stderr, "usage: bench-resolve PLUGIN_DIR MACHINE_DIR MACHINE RUNS(1..64)\n");
		return 2;
	}
	memset(&side, 0, sizeof(side));
	memset(&o, 0, sizeof(o));
	dirs[0] = argv[1];
	o.dirs = dirs;
	o.n_dirs = 1;
	side.label = pc_xstrdup("tree");
	side.reg = pc_registry_new();
	side.own_reg = true;
	side.machines = pc_machine_set_new();
	side.own_machines = true;
	if (pc_load_plugins(side.reg, &o, &d, &err) || d.n ||
	    pc_machines_load_dir(side.machines, argv[2], &err)) {
		fprintf(stderr, "bench-resolve: %s\n",
			err.set ? err.msg : d.n ? d.msgs[0] : "load failed");
		return 2;
	}
	m = pc_machine_find(side.machines, argv[3]);
	if (!m) {
		fprintf(stderr, "bench-resolve: unknown machine '%s'\n", argv[3]);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		struct pc_vm vm;
		double t0 = now();

		if (pc_vm_build(&side, m, 0, &vm, &err) ||
		    pc_vm_resolve(&vm, &err)) {
			fprintf(stderr, "bench-resolve: %s\n", err.msg);
			return 2;
		}
		nsec = vm.n_sections;
		pc_vm_release(&vm);
		t[i] = now() - t0;
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	printf("%.4f %zu\n", runs % 2 ? t[runs / 2]
				      : (t[runs / 2 - 1] + t[runs / 2]) / 2, nsec);
	pc_diags_release(&d);
	pc_side_release(&side);
	return 0;
}
