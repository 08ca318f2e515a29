/*
 * check.h - the migration-ABI check: is everything side A sends loadable by
 * side B under machine type M, and do B's invariants hold on A's values?
 * Both directions, every configuration that matters, every finding.
 *
 * Rules and their IDs are in finding.h; Documentation/rules.md explains
 * each one with an example and its fix.
 */
#ifndef PC_CHECK_H
#define PC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "known-breaks.h"
#include "machine.h"
#include "resolve.h"
#include "util.h"

#include "check-types.h"

/*
 * A cache of resolved VMs, one per (side, machine type, vCPU count): the
 * main job and the matrix check each side against every other in both
 * directions, and would otherwise build and resolve the same VM 2 x sides
 * times.  Keyed on the side's address: valid only while the sides it has
 * seen are neither modified nor freed (pc_suggest_overrides() modifies
 * its trial side, so it must run without one).  Owns its VMs;
 * pc_vm_cache_free() releases them.
 */
struct pc_vm_cache *pc_vm_cache_new(void);
void pc_vm_cache_free(struct pc_vm_cache *vc);
/*
 * Release the VMs built for the 'n' sides at 'sides' (an array; and the
 * device keys computed from them), before the sides are freed or for
 * good, in one pass over the cache: the main job's extra configurations
 * each have their own sides, and keeping every one's VMs made the cache
 * (a linear scan) and the memory grow with devices x configurations.
 * NULL 'vc': nothing.
 */
void pc_vm_cache_forget(struct pc_vm_cache *vc, const struct pc_side *sides,
			size_t n);

/*
 * Check src -> dst for c->machine over c's configurations.  Findings go to
 * 'r' (merged across configurations, naming the one that shows each).
 * Returns 0, or -1 on input errors (unknown machine on both sides, a compat
 * entry naming a missing property, ...).  A side that does not know the
 * machine type gives a PC601 finding (QEMU refuses the migration); a
 * source that does not know it is an error: there is nothing to migrate.
 */
int pc_check_direction(struct pc_check *c, const struct pc_side *src,
		       const struct pc_side *dst, struct pc_report *r,
		       struct pc_err *err);

/*
 * A resolved VM's key: every object's id, type, digest
 * (pc_object_digest()) and whether it blocks migration, and every
 * section's name, object and fingerprint, in order.  Two VMs with one key
 * compare with no finding unless one of them blocks migration: the premise
 * the device keys of recorded releases are screened on (check.c), applied
 * to a whole VM.  The main job keeps the keys of recorded releases' VMs in
 * its extra configurations across runs (vmkeys.h).
 */
struct pc_vmkey {
	int smp;
	bool blocked;
	uint64_t key;
};

/* The key of side 's''s VM of c->machine with 'smp' vCPUs, resolved
 * through c->vms (which must be set).  -1 (err set) when it cannot be
 * built. */
int pc_check_vm_key(struct pc_check *c, const struct pc_side *s, int smp,
		    struct pc_vmkey *out, struct pc_err *err);

/* The vCPU counts pc_check_direction() checks src -> dst at (at most
 * 'max'; the machine type's set unless c fixes one); -1 as it fails. */
int pc_check_smps(const struct pc_check *c, const struct pc_side *src,
		  const struct pc_side *dst, int *smps, size_t max, size_t *n,
		  struct pc_err *err);

/*
 * src -> dst where one of them, 'rec', is known by the keys of its VMs
 * ('keys[0..n)', one per vCPU count) instead of the VMs: the other side's
 * VMs (through c->vms) are keyed and, when every vCPU count
 * pc_check_direction() would check has a key equal to the other side's
 * and neither blocks migration, the direction is settled -- it would give
 * no finding -- and 1 is returned with what checking it would have
 * counted added to *sections and *props (the caller adds them to c when
 * it takes the result).  0: the keys do not settle it (check in full);
 * -1 on error.  For sides started in one device's configuration
 * (vmconfig.h: no host, no known breaks to cover).
 */
int pc_check_direction_keyed(struct pc_check *c, const struct pc_side *src,
			     const struct pc_side *dst,
			     const struct pc_side *rec,
			     const struct pc_vmkey *keys, size_t n,
			     size_t *sections, size_t *props,
			     struct pc_err *err);

/* Both directions. */
int pc_check_pair(struct pc_check *c, const struct pc_side *a,
		  const struct pc_side *b, struct pc_report *r,
		  struct pc_err *err);

/*
 * Overrides that let 'dst' accept 'src': repeatedly check, take the
 * destination overrides the findings name, apply them to a copy of dst,
 * until the pair passes or nothing new is suggested.  'out' receives the
 * overrides (caller releases each and frees the array); returns 1 when the
 * pair passes with them, 0 when it still fails, -1 on error.
 */
int pc_suggest_overrides(struct pc_check *c, const struct pc_side *src,
			 const struct pc_side *dst, struct pc_override **out,
			 size_t *n_out, struct pc_err *err);

#endif /* PC_CHECK_H */
