/*
 * job.h - the modes of `plugcheck check`, run without printing: the main
 * job (the tree against every recorded release that knows machine type
 * M, both directions) or against one release (the public API's
 * plugcheck_check_release(), api.c), one pair, the --matrix of every
 * side that knows M, a chain of migrations, and the release matrix.  Documentation/
 * plugcheck.1 ("check") describes them; Documentation/architecture.md
 * places this file.
 *
 * A job is run in phases so that a caller can show what it is about to
 * check between them: pc_job_init() (the known breaks, the check's
 * settings), pc_job_load() (the sides, configured and validated), then
 * pc_job_run() (every direction checked, the outcome computed); the
 * release matrix is pc_job_release_matrix() after pc_job_init().
 *
 * Nothing here prints.  A failure that ends the job is -1 with 'err' set
 * (its code, util.h); a direction that cannot be checked does not end
 * the main job, a matrix or a chain: its error goes to the side
 * environment's refused callback, the pair is marked as an error and
 * the job's status becomes PC_JOB_ERROR.  Notes (a compat entry that is
 * likely a typo) go to its warn callback.
 *
 * Ownership: the job borrows its environment and specification (both
 * must outlive it) and owns everything else; pc_job_release() frees it,
 * whatever phase the job reached (also after a failure), and may be
 * called on a job pc_job_init() failed on.
 */
#ifndef PC_JOB_H
#define PC_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "known-breaks.h"
#include "matrix.h"
#include "pair.h"
#include "resolve.h"
#include "side.h"
#include "util.h"
#include "vmconfig.h"
#include "vmkeys.h"

/* the most sides a chain may name */
#define PC_JOB_MAX_CHAIN 16

enum pc_job_mode {
	PC_JOB_MAIN,           /* the tree against every recorded release */
	PC_JOB_PAIR,           /* from -> to */
	PC_JOB_MATRIX,         /* every ordered pair of sides knowing M */
	PC_JOB_CHAIN,          /* A -> B -> C ... */
	PC_JOB_RELEASE_MATRIX, /* every pair of recorded releases */
	PC_JOB_RELEASE,        /* the tree against one release, both ways */
};

/* A job's verdict: the exit status of `plugcheck check`. */
enum pc_job_status {
	PC_JOB_COMPATIBLE = 0,
	PC_JOB_INCOMPATIBLE = 1,
	PC_JOB_ERROR = 2,
};

/*
 * What to check.  Every string is borrowed.  The options apply to the
 * modes they name; the caller refuses the others (the CLI's option
 * checks), a job ignores them.
 */
struct pc_job_spec {
	enum pc_job_mode mode;
	const char *machine;      /* as named (alias allowed); RELEASE_MATRIX:
				   * NULL is every machine type */
	const char *from, *to;    /* PAIR: side specs (side.h); NULL: tree */
	const char *release;      /* RELEASE: a recorded release ("8.0") */
	const char *chain;        /* CHAIN: "A,B[,C...]" */
	int smp;                  /* only this vCPU count; 0: the default set */
	/* -global T.P=V for the sources and the destinations (the main job
	 * starts the tree with dst_globals in both directions) */
	const char *const *src_globals, *const *dst_globals;
	size_t n_src_globals, n_dst_globals;
	const char *src_host, *dst_host; /* host capability files, or NULL */
	/* CHAIN: "N:T.P=V" and "N:FILE" for side N (1-based); with 'carry',
	 * every override a destination was started with stays pinned on
	 * every later destination */
	const char *const *hop_globals, *const *hop_hosts;
	size_t n_hop_globals, n_hop_hosts;
	bool carry;
	/* the VM configuration on every side ("TYPE[,id=ID][,P=V...]") */
	const char *const *vm_devices;
	size_t n_vm_devices;
	/* MAIN: check the default configuration only, not the extra ones
	 * (vmconfig.h) that a run without vm_devices checks too */
	bool default_config_only;
	/* RELEASE_MATRIX: only shard 'shard' (0-based) of 'nshards' of the
	 * machine types (pc_matrix_run_shard()); nshards 0: all */
	size_t shard, nshards;
};

/*
 * MAIN: one extra VM configuration checked (vmconfig.h): its sides (two
 * per side of the job, as a source and as a destination; [2k], [2k+1]
 * for release k, the tree last), its directions and what they found
 * beyond the default configuration.
 */
struct pc_job_vmconfig {
	const struct pc_vmconfig *config;
	struct pc_side *sides;
	bool *started;         /* per side of the job: the side can start it */
	struct pc_pair *pairs; /* the directions checked */
	size_t n_pairs;
	/* the recorded releases that cannot start it (a property or type
	 * they do not have), ", "-separated ("" when none) */
	char *not_started;
};

/*
 * A job and, once run, its outcome.  The fields are read by the caller
 * after the phase that fills them; they are the job's.
 */
struct pc_job {
	const struct pc_side_env *env;
	const struct pc_job_spec *spec;
	/* pc_job_init(): the check's settings (after pc_job_load(),
	 * check.machine is the canonical name where the mode has one) */
	struct pc_check check;
	struct pc_known_breaks known;
	/* an explicit pair or chain asks "will this migration work?": a
	 * known break is still a break there */
	bool known_fails;
	/* pc_job_load(): the sides.  MAIN, MATRIX: the tree and the
	 * recorded releases; RELEASE: the tree and releases[0]; PAIR: sides[0] -> sides[1] and, once run, the
	 * releases a fix consults; CHAIN: sides[0..n_sides) */
	struct pc_side tree;
	struct pc_side *releases;
	size_t n_releases;
	struct pc_side *sides;
	size_t n_sides;
	struct pc_host_caps *hosts; /* PC_JOB_MAX_CHAIN; MAIN, PAIR: [0]
				     * the source's, [1] the destination's */
	const struct pc_machine *machine; /* MAIN, RELEASE: M in the tree */
	/* MAIN: each side as a source and as a destination (the releases,
	 * then the tree); MATRIX: the sides that know M, releases first */
	const struct pc_side **as_src, **as_dst;
	struct pc_side *roles;
	const struct pc_side **matrix;
	size_t n_matrix;
	/* pc_job_run(): the directions, their findings and the outcome */
	struct pc_report report;
	struct pc_pair *pairs;
	size_t n_pairs;
	bool *knows;           /* MAIN: releases[i] knows M */
	char *unknown;         /* MAIN: the releases that do not know M,
				* comma-separated ("" when none) */
	/* the device types the default configuration of a side of the job
	 * left out because that side's release blocks their migration
	 * (pc_side_type_blocker()), each once, by name, ", "-separated
	 * ("" when none; a configuration given with --vm-device leaves
	 * nothing out) */
	char *unmigratable;
	/* MAIN: the extra configurations checked (none with vm_devices or
	 * default_config_only), each with its run */
	struct pc_vmconfigs configs;
	struct pc_job_vmconfig *config_runs;
	/* what they compared (check.sections_compared and props_compared
	 * count the default configuration's) */
	size_t config_sections, config_props;
	/* MAIN: what the releases gave in the extra configurations, kept
	 * across runs (vmkeys.h) */
	struct pc_vmkeys vmkeys;
	bool bad_input;        /* a plugin or a direction was refused */
	bool stale_checked;    /* the known breaks were checked for staleness */
	size_t incompatible;   /* findings at PC_SEV_INCOMPATIBLE */
	size_t known_found;    /* findings acknowledged by a known break */
	size_t stale;          /* stale acknowledgements (PC810) found */
	enum pc_job_status status;
};

/* The release matrix's totals over every cell. */
struct pc_job_matrix_counts {
	size_t incompatible, known, review;
};

/*
 * Start a job: abi/known-breaks loaded (RELEASE: by pc_job_load(), after
 * the release), the check's vCPU counts, a VM cache for the modes that
 * meet a side in both roles.  -1 with 'err' set when the known breaks do
 * not load.
 */
int pc_job_init(struct pc_job *j, const struct pc_side_env *env,
		const struct pc_job_spec *spec, struct pc_err *err);

/*
 * Load the sides of the job's mode (PAIR: both specs must be sides of
 * side.h, not QEMU dumps), add the VM configuration, overrides and
 * hosts, and validate each side's configuration against the machine
 * type.  MAIN: PC_E_NOT_FOUND for a machine type the tree does not have.
 * CHAIN: PC_E_USAGE for fewer than two sides or a bad N:, PC_E_LIMIT for
 * more than PC_JOB_MAX_CHAIN.  RELEASE fails closed: PC_E_PLUGIN when a
 * plugin of the tree is refused (its message went to bad_plugin),
 * PC_E_NOT_FOUND for a machine type the tree or the release does not
 * have or a release not recorded.  Not for RELEASE_MATRIX.
 */
int pc_job_load(struct pc_job *j, struct pc_err *err);

/*
 * Check every direction of the loaded job and compute its outcome.
 * MAIN: PC_E_NOT_FOUND when no recorded release knows the machine type;
 * MATRIX: PC_E_NOT_FOUND when fewer than two sides know it; PAIR: the
 * one direction's error, or a recorded release that does not load;
 * RELEASE: the first direction's error (release -> tree, then back).
 */
int pc_job_run(struct pc_job *j, struct pc_err *err);

/*
 * The release matrix of every recorded baseline (matrix.h) for the
 * spec's machine type (or all) and vCPU count, known breaks marked; its
 * totals and j->status.  'mx' is the caller's on success, released with
 * pc_matrix_release().  PC_E_NOT_FOUND when no release is recorded.
 */
int pc_job_release_matrix(struct pc_job *j, struct pc_matrix *mx,
			  struct pc_job_matrix_counts *n, struct pc_err *err);

/* Free everything the job owns; the job is then empty. */
void pc_job_release(struct pc_job *j);

#endif /* PC_JOB_H */
