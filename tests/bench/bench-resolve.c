/*
 * bench-resolve.c - time resolving every layout of one machine type: load
 * one or more plugin trees (declarations only, no plugin code), then build
 * the default VM configuration and resolve every section (pc_vm_build +
 * pc_vm_resolve) for the machine's default vCPU count, RUNS times per
 * tree.  With several trees the runs are interleaved (tree 1, tree 2, ...,
 * tree 1, ...), so that a slow spell of a shared machine falls on every
 * tree alike and their ratio (the growth figure) stays meaningful.
 * Each run is timed twice: as a check resolves (provenance strings
 * formatted only when read: pc_eprop_source()), and with every object's
 * provenance read too, which is what resolution cost when it formatted
 * them all (issue 19 item 5).  The process's heap is set up as the
 * commands set it up (pc_heap_reserve()).
 * Prints one line per tree: MEDIAN_SECONDS SECTIONS MEDIAN_SECONDS_ALL.
 * Used by tests/bench/run.sh.
 *
 * Usage: bench-resolve MACHINE RUNS PLUGIN_DIR MACHINE_DIR [PLUGIN_DIR MACHINE_DIR]...
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader.h"
#include "machine.h"
#include "resolve.h"
#include "util.h"

#define MAX_TREES 4
#define MAX_RUNS 64

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

struct tree {
	struct pc_side side;
	const struct pc_machine *m;
	struct pc_diags diags;
	double t[MAX_RUNS];
	double t_all[MAX_RUNS];  /* every provenance formatted too */
	size_t nsec;
};

static int load_tree(struct tree *tr, const char *plugins, const char *machines,
		     const char *machine)
{
	const char *dirs[1] = { plugins };
	struct pc_loader_opts o;
	struct pc_err err = { 0 };

	memset(tr, 0, sizeof(*tr));
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = 1;
	tr->side.label = pc_xstrdup("tree");
	tr->side.reg = pc_registry_new();
	tr->side.own_reg = true;
	tr->side.machines = pc_machine_set_new();
	tr->side.own_machines = true;
	if (pc_load_plugins(tr->side.reg, &o, &tr->diags, &err) || tr->diags.n ||
	    pc_machines_load_dir(tr->side.machines, machines, &err)) {
		fprintf(stderr, "bench-resolve: %s: %s\n", plugins,
			err.set ? err.msg : tr->diags.n ? tr->diags.msgs[0] : "load failed");
		return -1;
	}
	tr->m = pc_machine_find(tr->side.machines, machine);
	if (!tr->m) {
		fprintf(stderr, "bench-resolve: %s: unknown machine '%s'\n", machines,
			machine);
		return -1;
	}
	return 0;
}

/* One build + resolve; with 'all', every object's provenance read. */
static int run_once(struct tree *tr, int i, bool all)
{
	struct pc_err err = { 0 };
	struct pc_vm vm;
	double t0 = now();
	size_t chars = 0;

	if (pc_vm_build(&tr->side, tr->m, 0, &vm, &err) ||
	    pc_vm_resolve(&vm, &err)) {
		fprintf(stderr, "bench-resolve: %s\n", err.msg);
		return -1;
	}
	for (size_t o = 0; all && o < vm.n_objs; o++)
		for (size_t p = 0; p < vm.objs[o].n_props; p++) {
			const char *src = pc_eprop_source(&vm.objs[o].props[p]);

			chars += src ? strlen(src) : 0;
		}
	tr->nsec = vm.n_sections;
	pc_vm_release(&vm);
	(all ? tr->t_all : tr->t)[i] = now() - t0;
	if (all && !chars) {
		fprintf(stderr, "bench-resolve: no provenance recorded\n");
		return -1;
	}
	return 0;
}

static double median(double *t, int runs)
{
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

int main(int argc, char **argv)
{
	static struct tree trees[MAX_TREES];
	int runs, ntrees, rc = 0;

	if (argc < 5 || argc % 2 == 0 || (runs = atoi(argv[2])) < 1 ||
	    runs > MAX_RUNS || (argc - 3) / 2 > MAX_TREES) {
		fprintf(stderr, "usage: bench-resolve MACHINE RUNS(1..%d) PLUGIN_DIR MACHINE_DIR [PLUGIN_DIR MACHINE_DIR]... (at most %d trees)\n",
			MAX_RUNS, MAX_TREES);
		return 2;
	}
	/* the heap as plugcheck's commands set it up before they load */
	pc_heap_reserve();
	ntrees = (argc - 3) / 2;
	for (int k = 0; k < ntrees; k++)
		if (load_tree(&trees[k], argv[3 + 2 * k], argv[4 + 2 * k], argv[1]))
			return 2;
	for (int i = 0; i < runs && !rc; i++)
		for (int k = 0; k < ntrees && !rc; k++)
			rc = run_once(&trees[k], i, false) ||
			     run_once(&trees[k], i, true);
	for (int k = 0; k < ntrees; k++) {
		if (!rc)
			printf("%.4f %zu %.4f\n", median(trees[k].t, runs),
			       trees[k].nsec, median(trees[k].t_all, runs));
		pc_diags_release(&trees[k].diags);
		pc_side_release(&trees[k].side);
	}
	return rc ? 2 : 0;
}
