/*
 * dump-side.h - a side as QEMU's -dump-vmstate sees it: any side rendered
 * in that format (`plugcheck dump-vmstate`), and the check of a pair where
 * one side is a real QEMU build's dump (`check --from dump.json`), which
 * compares both sides as dumps with qemu-diff's rules (qemu-diff.h) and
 * can only check layouts.  The CLI (core/cli/cmd-dump-vmstate.c) prints.
 *
 * Nothing here prints: errors go to 'err' with their codes, refused
 * plugins to the side environment's callback (side.h).
 */
#ifndef PC_DUMP_SIDE_H
#define PC_DUMP_SIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "capture-check.h"
#include "finding.h"
#include "qemu-dump.h"
#include "side.h"
#include "util.h"

/* Is this file a QEMU -dump-vmstate file (a .json object with
 * "vmschkmachine"), or a capture of a QEMU binary (capture.h), which
 * holds one?  False for anything unreadable. */
bool pc_dump_side_is_qemu_dump(const char *spec);

/*
 * The side 'spec' (side.h) with machine type 'machine' and 'smp' vCPUs
 * (0: the machine type's default) in QEMU's -dump-vmstate format, its VM
 * the default configuration or the 'n_devices' --vm-device specs of
 * 'devices' (side.h); the caller frees it, and *label ("SIDE (MACHINE,
 * smp=N)") when 'label' is not NULL.  NULL with 'err' set (PC_E_NOT_FOUND: the side does not know
 * the machine type), or with *bad_input and 'err' unset when a plugin was
 * refused (already reported through env->bad_plugin).
 */
char *pc_dump_side_render(const struct pc_side_env *env, const char *spec,
			  const char *machine, int smp,
			  const char *const *devices, size_t n_devices,
			  char **label, bool *bad_input, struct pc_err *err);

/* A pair with a dump side, compared both ways (pc_dump_pair_release()). */
struct pc_dump_pair {
	struct pc_qdump *dumps[2];  /* from, to */
	char *labels[2];
	struct pc_report r;         /* from -> to, then to -> from */
	/* a capture on one side and a capture or plugin side on the other:
	 * property values were compared too (capture-check.h) */
	bool props_checked;
	struct pc_pvals_stats props;
	/* a real dump against a plugin side: the real dump's sections the
	 * plugin side does not model (no findings; sorted), unless the VM was
	 * narrowed with --vm-device, when sections outside it are left out
	 * silently */
	char **not_modelled;
	size_t n_not_modelled;
	/* a dump side records no array counts (QEMU before 8.1): arrays
	 * were compared by element size (qemu-diff.h) */
	bool counts_unknown;
	/* a real dump against a plugin side: the types both refuse to
	 * migrate (QEMU's dump shows the empty version-0 description of a
	 * device with .unmigratable = 1, the plugin side declares it
	 * unmigratable), left out of the default configuration as check
	 * leaves them out; sorted.  A type one side refuses and the other
	 * migrates is PC603, info (incompatible when --vm-device names it:
	 * both are then PC603 incompatible, as in check) */
	char **unmigratable;
	size_t n_unmigratable;
};

/* What a pair with a dump side compares. */
struct pc_dump_pair_spec {
	const char *from, *to;   /* dump or capture files, or side specs */
	const char *machine;
	int smp;                 /* the plugin side's vCPUs (0: one) */
	const char *const *devices; /* --vm-device specs for the plugin side */
	size_t n_devices;
};

/*
 * Load or render each of spec->from and spec->to (a dump file or a
 * capture's dump, else a side rendered at spec->smp vCPUs with the VM of
 * spec->devices) and compare them both ways.  A real dump against a
 * plugin side is compared on what both know: only the sections the
 * plugin side renders (the rest is not modelled, or outside the VM).  When one is a capture and the other a capture or a plugin
 * side, their property values for 'machine' are compared too (the
 * meaning of each from the plugin side, or from the tree).  -1 as
 * pc_dump_side_render() fails (err set, or *bad_input alone); 'p' is
 * always to be released.
 */
int pc_dump_pair_run(const struct pc_side_env *env,
		     const struct pc_dump_pair_spec *spec,
		     struct pc_dump_pair *p, bool *bad_input,
		     struct pc_err *err);

void pc_dump_pair_release(struct pc_dump_pair *p);

/* What a dump cannot tell, so that the checks that did not run are named:
 * those that apply to 'p' (at most PC_DUMP_PAIR_MAX_UNCHECKED) into
 * 'out', returning how many (static strings). */
#define PC_DUMP_PAIR_MAX_UNCHECKED 8
size_t pc_dump_pair_unchecked(const struct pc_dump_pair *p,
			      const char *out[PC_DUMP_PAIR_MAX_UNCHECKED]);

#endif /* PC_DUMP_SIDE_H */
