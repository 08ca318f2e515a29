/*
 * matrix.h - the release matrix: every ordered pair of recorded releases,
 * for every machine type both know, every vCPU configuration the check
 * uses, in both directions -- from the baselines' resolved indexes
 * (baseline.h), without resolving a release.
 *
 * Each baseline records, per (machine type, vCPU count), the fingerprint
 * of every section's resolved layout and the digest of every object's
 * properties.  Two releases agree on a device when its fingerprints and
 * digests agree; only a device whose recorded values differ is compared
 * in full, and each distinct (device, source values, destination values)
 * is compared once, however many pairs and machine types show it: the
 * engine of check.h runs on that device alone (the releases' declarations
 * are read then, and only then) and its findings are the matrix's
 * "breaks", each listed once with every direction it occurs in and the
 * explanation of the first.
 *
 * Ownership: struct pc_matrix owns everything it points to;
 * pc_matrix_release() frees it.
 */
#ifndef PC_MATRIX_H
#define PC_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "check.h"
#include "finding.h"

/* One direction a break occurs in. */
struct pc_matrix_occ {
	size_t machine;        /* index into pc_matrix.machines */
	size_t src, dst;       /* indexes into pc_matrix.releases */
	char *configs;         /* "smp=1, smp=4" */
	bool known;
	char *known_reason;
};

/* A distinct finding: rule, device, path and both values. */
struct pc_matrix_break {
	struct pc_report rep;  /* one finding: the first occurrence, explained */
	const struct pc_type *type;
	struct pc_matrix_occ *occ;
	size_t n_occ, alloc_occ;
};

/* Verdict of one direction of one machine type. */
struct pc_matrix_cell {
	size_t incompatible, known, review, info;
};

struct pc_matrix_machine {
	char *name;
	size_t *sides;         /* releases that know it, oldest first */
	size_t n_sides;
	struct pc_matrix_cell *cells; /* n_sides x n_sides, row = source */
};

struct pc_matrix {
	struct pc_bindex *releases;
	size_t n_releases;
	struct pc_matrix_machine *machines; /* newest first */
	size_t n_machines;
	struct pc_matrix_break *breaks;
	size_t n_breaks, alloc_breaks;
	/* statistics */
	size_t directions;     /* (machine type, source, destination) */
	size_t vm_pairs;       /* directions x vCPU configurations */
	size_t vm_pairs_equal; /* ... whose recorded vectors were identical */
	size_t device_diffs;   /* devices whose recorded values differed */
	size_t comparisons;    /* distinct differences compared in full */
	size_t sides_loaded;   /* releases whose declarations were read */
};

/*
 * Compute the matrix of the baselines at 'paths' (sorted oldest first),
 * for every machine type or only 'machine' (a name; NULL = all), with the
 * vCPU count 'smp' only (0: the default set).  Findings acknowledged in
 * 'known' (may be NULL) are marked known.  Returns 0, or -1 with 'err'
 * set on unreadable or inconsistent input.
 */
int pc_matrix_run(char *const *paths, size_t n, const char *machine, int smp,
		  struct pc_known_breaks *known, struct pc_matrix *out,
		  struct pc_err *err);
/*
 * The same over one shard of the machine types, for parallel CI jobs
 * (`check --release-matrix --shard K/N`): of the machine types in the
 * matrix's order (newest first), those at index i with i % nshards ==
 * shard (0-based); nshards 0 or 1 is all of them.  The shards' machine
 * types, and so their cells and break occurrences, partition the whole
 * matrix's.
 */
int pc_matrix_run_shard(char *const *paths, size_t n, const char *machine,
			int smp, size_t shard, size_t nshards,
			struct pc_known_breaks *known, struct pc_matrix *out,
			struct pc_err *err);
void pc_matrix_release(struct pc_matrix *m);

#endif /* PC_MATRIX_H */
