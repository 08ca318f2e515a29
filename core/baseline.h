/*
 * baseline.h - release baselines: the recorded migration ABI of a release
 * (abi/releases/R.json, format in Documentation/baselines.md).
 *
 * A baseline holds what is needed to resolve that release exactly, for
 * every machine type it knows: the declarations of the plugins that made it
 * up (the same declaration language plugins carry; in a file of their own,
 * shared by releases recorded from the same declarations), the release it
 * stands for (older releases are reconstructed from the declared history),
 * and each machine type's compat chain as that release shipped it.  It also
 * records the resolved index: every section's layout fingerprint and every
 * object's property digest per machine type and vCPU count, each distinct
 * value stored once, so that the release matrix compares releases without
 * resolving them.
 */
#ifndef PC_BASELINE_H
#define PC_BASELINE_H

#include "bindex.h"
#include "resolve.h"
#include "util.h"

/*
 * A release is recorded as two files: the baseline (R.json) and the
 * declarations it was made of, in a file named by the digest of its
 * content (declarations/<digest>.json next to R.json), which releases
 * recorded from the same declarations share.  The baseline also carries
 * the resolved index ("resolved"): for every machine type and vCPU count
 * the check uses, each section's layout fingerprint and each object's
 * property digest, as indexes into one table of distinct values.
 */
struct pc_baseline_files {
	char *text;       /* the baseline */
	char *decl_name;  /* "declarations/0123456789abcdef.json" */
	char *decl_text;  /* its content */
};
void pc_baseline_files_release(struct pc_baseline_files *f);

/*
 * Render 'tree' as release 'release' (recorded at 'path', which only
 * names the files in messages).  Machine types newer than the release and
 * compat entries it had not shipped are left out; the index is resolved
 * from what was rendered.  Output is deterministic: sorted, pretty JSON.
 */
int pc_baseline_render(const struct pc_side *tree, const char *release,
		       const char *path, struct pc_baseline_files *out,
		       struct pc_err *err);

/* Write both files (atomically; the declarations file first). */
int pc_baseline_files_write(const char *path,
			    const struct pc_baseline_files *f,
			    struct pc_err *err);

/* Render and write. */
int pc_baseline_write(const struct pc_side *tree, const char *release,
		      const char *path, struct pc_err *err);

/* "declarations/0123456789abcdef.json": a declarations file is named by
 * the digest of its bytes (caller frees). */
char *pc_baseline_decl_name(const char *text, size_t len);

/* The path of declarations file 'decl_name' for baseline 'path' (caller frees). */
char *pc_baseline_decl_path(const char *path, const char *decl_name);

/*
 * Load a baseline into a side (label = the release, project = true).
 * Errors name the file and the JSON path of the offending value; the
 * recorded fingerprints are verified against a fresh resolution.
 */
int pc_baseline_load(const char *path, struct pc_side *side,
		     struct pc_err *err);

/*
 * The same, sharing the registry of 'pool' (npool entries, may be NULL)
 * whose plugins were built from exactly the recorded declarations: the
 * side then does not own its registry (own_reg false), and the pool's
 * registry must outlive it.
 */
int pc_baseline_load_shared(const char *path, struct pc_side *side,
			    struct pc_registry *const *pool, size_t npool,
			    struct pc_err *err);

int pc_bindex_load(const char *path, struct pc_bindex *ix, struct pc_err *err);
/*
 * The full side of an index, for resolving that release: its registry
 * from the declarations file (or a registry of 'pool' read from the same
 * file), its machine types borrowed from 'ix', which must outlive it.
 */
int pc_bindex_side(const struct pc_bindex *ix, struct pc_side *side,
		   struct pc_registry *const *pool, size_t npool,
		   struct pc_err *err);

/*
 * Load the baselines at paths[0..n) into sides[0..n), sharing registries
 * among them (as pc_baseline_load_shared() with the earlier ones as the
 * pool), the files read and parsed on every CPU and converted in order:
 * the sides and the first error are those of loading them one by one.
 * *loaded: how many sides (the first ones) were loaded; on error the
 * caller releases those.
 */
int pc_baselines_load(char *const *paths, size_t n, struct pc_side *sides,
		      size_t *loaded, struct pc_err *err);

/* Every abi/releases/ *.json under 'abi_dir', sorted by release. */
int pc_baseline_list(const char *abi_dir, char ***paths, size_t *n,
		     struct pc_err *err);

#endif /* PC_BASELINE_H */
