/*
 * side.h - building the sides a check compares from what a user names:
 * the tree (plugin directories and machine types), a recorded release, a
 * baseline file or another plugin directory; the recorded releases a
 * check consults, the known breaks, and a side's VM configuration.
 *
 * One set of functions for the CLI (core/cli/) and the public API
 * (api.c): neither re-implements loading.  Nothing here prints: an error
 * goes to the caller's struct pc_err (with its code, util.h), each
 * refused plugin and each note or warning of the loader to the
 * callbacks of struct pc_side_env.
 *
 * Ownership: a side filled here is the caller's, released with
 * pc_side_release() (resolve.h); arrays of sides are the caller's, each
 * side released, then the array freed.  On failure nothing is left to
 * release (the side or array is empty/NULL).
 */
#ifndef PC_SIDE_H
#define PC_SIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "known-breaks.h"
#include "resolve.h"
#include "util.h"

/*
 * Where sides come from and how plugins are loaded.  The strings are
 * borrowed for the duration of each call.
 */
struct pc_side_env {
	const char *const *plugin_dirs; /* the tree's plugins, in order */
	size_t n_plugin_dirs;
	const char *machine_dir;        /* the tree's machine types */
	const char *abi_dir;            /* releases/, known-breaks */
	const char *cache_dir;          /* registry cache; NULL: none */
	bool allow_world_writable;
	bool static_only;               /* read declarations, run no code */
	bool scan;                      /* load code in a scanner child first */
	bool need_hooks;                /* with scan: load code here too */
	/* a PLUGCHECK_SCAN_TIMEOUT value (seconds, e.g. "0.5"), NULL or
	 * empty: the loader's default; checked when plugins are loaded */
	const char *scan_timeout;
	/* each refused plugin (the input is then bad, the load goes on) */
	void (*bad_plugin)(void *ctx, const char *msg);
	/* each direction a job could not check (job.h): the error with its
	 * code; the job goes on and ends with status PC_JOB_ERROR */
	void (*refused)(void *ctx, const struct pc_err *err);
	/* the loader's notes (NULL: not even formatted) and warnings */
	void (*note)(void *ctx, const char *msg);
	void (*warn)(void *ctx, const char *msg);
	void *cb_ctx;
};

/*
 * The tree: machine types from env->machine_dir, plugins from
 * env->plugin_dirs; labelled "tree", its release the newest machine
 * type's version.  A refused plugin goes to env->bad_plugin and makes
 * *bad_input true, and the load goes on; -1 (err set: PC_E_IO for an
 * unreadable directory, PC_E_USAGE for a bad scan timeout, the loader's
 * code otherwise) only when nothing usable is left.
 */
int pc_side_load_tree(const struct pc_side_env *env, struct pc_side *side,
		      bool *bad_input, struct pc_err *err);

/*
 * A side named by 'spec': "tree" (or "."), a release recorded in the abi
 * directory ("5.1"; PC_E_NOT_FOUND naming the recorded ones when absent),
 * a baseline file (*.json), or a plugin directory (with the tree's
 * machine types); anything else is PC_E_NOT_FOUND.
 */
int pc_side_load_spec(const struct pc_side_env *env, const char *spec,
		      struct pc_side *side, bool *bad_input,
		      struct pc_err *err);

/* Every recorded baseline, loaded (PC_E_NOT_FOUND when there is none);
 * abi/releases/R.json must record release R. */
int pc_side_load_baselines(const struct pc_side_env *env,
			   struct pc_side **sides, size_t *n,
			   struct pc_err *err);

/*
 * The recorded releases a compat line's placement consults (pc_check's
 * releases) when side a or b is a tree: every baseline, or none when
 * abi/releases holds none (the placement then falls back).  Fails closed
 * on a baseline that does not load.
 */
int pc_side_load_fix_releases(const struct pc_side_env *env,
			      const struct pc_side *a,
			      const struct pc_side *b, struct pc_side **sides,
			      size_t *n, struct pc_err *err);

/* abi/known-breaks if present (absent: an empty list); 'kb' is always
 * initialized, released with pc_known_breaks_release(). */
int pc_side_load_known(const struct pc_side_env *env,
		       struct pc_known_breaks *kb, struct pc_err *err);

/*
 * Add a device of the VM configuration to a side, like QEMU's -device:
 * "TYPE[,id=ID][,PROP=VALUE...]" (the id defaults to the type name).  The
 * first call replaces the default configuration (one instance of every
 * concrete type) with an explicit one.  A malformed spec is PC_E_USAGE
 * and leaves the side as it was.
 */
int pc_side_add_vm_device(struct pc_side *side, const char *spec,
			  struct pc_err *err);

/* Each of 'specs' (n of them) added with pc_side_add_vm_device(); stops
 * at the first that fails. */
int pc_side_add_vm_devices(struct pc_side *side, const char *const *specs,
			   size_t n, struct pc_err *err);

/* QEMU's -global T.P=V for each of 'globals' (n of them), as overrides of
 * the side; 'origin' names the option in messages ("--src-global").
 * Stops at the first malformed one (its message in 'err'). */
int pc_side_add_globals(struct pc_side *side, const char *const *globals,
			size_t n, const char *origin, struct pc_err *err);

/* pc_side_check_config() against 'machine' (NULL or unknown to the side:
 * no compat chain), its message prefixed with the side's label when the
 * side is a recorded release.  'err' NULL: the verdict only, and no
 * message is formatted. */
int pc_side_check(const struct pc_side *side, const char *machine,
		  struct pc_err *err);

/*
 * The device types both sides 'a' and 'b' (specs as above) have
 * (concrete, existing in each side's release), in the order of the
 * first side's registry: the default VM configuration of a pair.  Reads
 * declarations only, whatever env->static_only says.  *out (n strings
 * and a NULL) is the caller's, also when *bad_input comes back true;
 * -1 (err set, *out NULL) when a side does not load.
 */
int pc_side_common_devices(const struct pc_side_env *env, const char *a,
			   const char *b, char ***out, size_t *n,
			   bool *bad_input, struct pc_err *err);

/* The error for a machine type 'name' that 'set' (or the side using it)
 * does not have: PC_E_NOT_FOUND, "unknown machine type 'NAME'" with a
 * did-you-mean when a name in 'set' is close.  Returns -1. */
int pc_side_unknown_machine(const struct pc_machine_set *set,
			    const char *name, struct pc_err *err);

/* The tree's own version: the newest machine type's version (all zero
 * without machine types).  Cannot fail. */
void pc_side_tree_version(const struct pc_side *tree, struct pc_version *out);

#endif /* PC_SIDE_H */
