/*
 * baseline.h - release baselines: the recorded migration ABI of a release
 * (abi/releases/R.json, format in Documentation/baselines.md).
 *
 * A baseline holds what is needed to resolve that release exactly, for
 * every machine type it knows: the declarations of the plugins that made it
 * up (the same declaration language plugins carry), the release it stands
 * for (older releases are reconstructed from the declared history), and
 * each machine type's compat chain as that release shipped it.  It also
 * records, for reading by people and for integrity, the fingerprint of
 * every resolved section per machine type and vCPU count.
 */
#ifndef PC_BASELINE_H
#define PC_BASELINE_H

#include "resolve.h"
#include "util.h"

/*
 * Record 'tree' as release 'release' into 'path' (atomically).  Machine
 * types newer than the release and compat entries it had not shipped are
 * left out.  Output is deterministic: sorted, pretty JSON.
 */
int pc_baseline_write(const struct pc_side *tree, const char *release,
		      const char *path, struct pc_err *err);

/* Render the baseline text without writing it (caller frees). */
char *pc_baseline_render(const struct pc_side *tree, const char *release,
			 struct pc_err *err);

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

/* Every abi/releases/ *.json under 'abi_dir', sorted by release. */
int pc_baseline_list(const char *abi_dir, char ***paths, size_t *n,
		     struct pc_err *err);

#endif /* PC_BASELINE_H */
