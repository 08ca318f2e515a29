/*
 * check-types.h - the configuration of a check (struct pc_check), shared
 * by the driver (check.c, check.h) and the rule families below it
 * (check-rules.h): the families read the configuration, they never call
 * the driver.  Users include check.h.
 */
#ifndef PC_CHECK_TYPES_H
#define PC_CHECK_TYPES_H

#include <stddef.h>

#include "known-breaks.h"
#include "resolve.h"

struct pc_vm_cache;

struct pc_check {
	const char *machine;         /* requested name (alias allowed) */
	int smps[8];                 /* configurations; n_smps == 0: default set */
	size_t n_smps;
	struct pc_known_breaks *known; /* may be NULL */
	const char *hop;             /* chain hop label for findings, or NULL */
	/* statistics of the last run, for the summary */
	size_t sections_compared;
	size_t props_compared;
	/* optional: resolved VMs shared by every direction (see below) */
	struct pc_vm_cache *vms;
	/* optional: the recorded releases (any order).  A compat line for
	 * the tree goes into the hw_compat array of the newest of them that
	 * still had the old value; without them, into the machine type's
	 * own array (Documentation/rules.md, "Where the compat line goes") */
	const struct pc_side *releases;
	size_t n_releases;
};

#endif /* PC_CHECK_TYPES_H */
