/*
 * vmconfig.h - the VM configurations the main job checks besides the
 * default one (Documentation/user-guide.md, "More than the default
 * configuration").
 *
 * The default configuration gives every property its default: a break
 * behind a property that is off by default (an optional capability's
 * state) would pass unseen.  So the main job checks, device by device,
 *
 *   - the configurations a type declares ('config NAME "P=V,..."',
 *     the ones its users run), and
 *   - the configurations derived from its layouts: each guest-visible
 *     boolean property (bool, bit) with a literal default that decides
 *     a field's presence (if=), a subsection (needed=), a count (count=)
 *     or an invariant's value or read-only mask, flipped on its own.
 *
 * Each is one device (the type, with its children) started with those
 * property values on every side: a shallow copy of the side whose VM
 * configuration is that device alone and whose overrides are the side's
 * own plus the configuration's (per device, like -device TYPE,P=V).
 * Releases are resolved from their declarations there (the recorded
 * indexes hold the default configuration only).
 *
 * Nothing here prints or fails on the tree's own declarations: a
 * configuration a side cannot start (a property its release does not
 * have yet) is the side's pc_side_check() error, for the caller.
 */
#ifndef PC_VMCONFIG_H
#define PC_VMCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "pair.h"
#include "resolve.h"
#include "util.h"

struct pc_vmconfig {
	char *type;     /* the device type it configures */
	char *props;    /* "P=V[,P=V...]" */
	char *label;    /* "TYPE: P=V[,P=V...]" */
	/* how it came: "declared 'NAME' (WHERE line N)", or "derived: P
	 * gates subsection S" (field F, the count of F, invariant I) */
	char *origin;
	bool declared;
	/* its property values as per-device overrides on the type (origin
	 * "configuration LABEL"), parsed once for every side started in it
	 * (they borrow them); or, when they do not parse, the error, which
	 * pc_vmconfig_side() gives every side */
	struct pc_override *ovs;
	size_t n_ovs;
	struct pc_err *ovs_err;
};

struct pc_vmconfigs {
	struct pc_vmconfig *items;
	size_t n;
};

/*
 * The configurations of side 's' (its registry, in its order of types):
 * for every concrete device type the side has that does not always block
 * migration, its declared configurations, then its derived ones that no
 * declared one equals.  'out' is the caller's, released with
 * pc_vmconfigs_release().
 */
void pc_vmconfigs_of(const struct pc_side *s, struct pc_vmconfigs *out);
void pc_vmconfigs_release(struct pc_vmconfigs *c);

/* One configuration: TYPE with PROPS ("P=V[,P=V...]"), its label made
 * and its overrides parsed; takes 'origin' (allocated).  Released with
 * pc_vmconfig_clear() (pc_vmconfigs_release() clears each). */
void pc_vmconfig_init(struct pc_vmconfig *c, const char *type,
		      const char *props, char *origin, bool declared);
void pc_vmconfig_clear(struct pc_vmconfig *c);

/*
 * 'out' becomes 'base' started in configuration 'c': the device alone
 * (devices_subset: a type only one side has is compared as the default
 * configuration compares it), the side's overrides and then c's, per
 * device.  Borrows everything else of 'base' and c's parsed overrides,
 * which must outlive it; released with pc_vmconfig_side_release(),
 * never with pc_side_release().  -1 (err set, out empty) on a
 * property value that does not parse as an override.
 */
int pc_vmconfig_side(const struct pc_side *base, const struct pc_vmconfig *c,
		     struct pc_side *out, struct pc_err *err);
void pc_vmconfig_side_release(struct pc_side *s);

/*
 * Check src -> dst, two sides started in configuration 'c'
 * (pc_vmconfig_side()), with 'chk': the findings that the default
 * configuration did not already give (the first 'n_dflt' of 'r': same
 * rule, direction, machine type, place and values) are added to 'r',
 * each naming the configuration (vm_config), and counted in 'p'.  -1
 * (err set, p->error) when the direction cannot be checked.
 */
int pc_vmconfig_direction(struct pc_check *chk, const struct pc_vmconfig *c,
			  const struct pc_side *src, const struct pc_side *dst,
			  size_t n_dflt, struct pc_report *r, struct pc_pair *p,
			  struct pc_err *err);

/* src -> dst in configuration 'c' settled without a check
 * (pc_check_direction_keyed()): 'p' names the direction, with no
 * finding. */
void pc_vmconfig_direction_settled(const struct pc_side *src,
				   const struct pc_side *dst,
				   const struct pc_report *r,
				   struct pc_pair *p);

#endif /* PC_VMCONFIG_H */
