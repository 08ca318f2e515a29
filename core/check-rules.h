/*
 * check-rules.h - internal: the comparison context of one check direction
 * (check.h) and the rule families that work in it.
 *
 * pc_check_direction() (check.c) builds the two resolved VMs and a struct
 * dir_ctx for each vCPU count, then runs the families over it:
 * pc_rules_sections() (rules-layout.c: sections, versions, fields,
 * subsections, invariants) and pc_rules_props() (rules-props.c: guest
 * and stream properties, host features).  A family reports through
 * dir_add(), a struct pc_hit naming the objects and the properties that
 * decided it; pc_check_finish() (check-explain.c) turns the hit into the
 * finding with its cause, explanation, compat-line fix and known-break
 * acknowledgement.  The layout rules that qemu-diff applies too (field
 * pair shapes, versions, subsections) are decided in rules-wire.h, and
 * fields are paired by the walk qemu-diff uses (wire-walk.h).
 *
 * Ownership: the context borrows everything it points to; the families
 * only append to x->r.  Nothing here fails: inputs were validated when the
 * VMs were built and resolved.
 */
#ifndef PC_CHECK_RULES_H
#define PC_CHECK_RULES_H

#include <stdbool.h>

#include "check-types.h"
#include "finding.h"
#include "resolve.h"

struct dir_ctx {
	struct pc_check *c;
	const struct pc_side *src, *dst;
	const struct pc_vm *svm, *dvm;
	struct pc_report *r;
	char config[32];
	struct pc_emitter out; /* findings go through pc_check_finish() */
};

/* Report a hit of this direction (pc_check_finish() completes it). */
static inline void dir_add(struct dir_ctx *x, const struct pc_hit *h)
{
	pc_emit(&x->out, h);
}

/* The hook of pc_emit() for a direction ('data' is its struct dir_ctx). */
void pc_check_finish(void *data, const struct pc_hit *h, struct pc_finding *f);

/*
 * A property one side does not have at all (a recorded release that
 * predates it): it stands in with the behaviour the other side declares
 * for its absence at that side's release (since=/absent=), so that it is
 * compared like any other value.  'out' owns its text and source (release
 * with pc_value_release() and free()).  False when nothing is declared or
 * the side is not a release.
 */
bool pc_check_absent_stand_in(const struct pc_side *missing,
			      const struct pc_eprop *have, struct pc_eprop *out);

/* The object of 'vm' with the id of 'o' (an object of 'own'), or NULL. */
const struct pc_object *pc_check_other_object(const struct pc_vm *vm,
					      const struct pc_vm *own,
					      const struct pc_object *o);

/* The layout families: every section of x->svm against x->dvm. */
void pc_rules_sections(struct dir_ctx *x);
/* The property families: every object's properties, both ways. */
void pc_rules_props(struct dir_ctx *x);
/* The RAM block family (rules-ram.c): every block of the source's
 * objects against the destination's (PC106-PC108). */
void pc_rules_ram(struct dir_ctx *x);
/* The section order family (rules-order.c): priorities that put a
 * section on the other side of another one in the stream (PC605). */
void pc_rules_order(struct dir_ctx *x);

/*
 * The virtio feature family (rules-virtio.c): 'se' and 'de' are the
 * property on the source and on the destination (one of them may stand
 * in for a side that predates it), shown as 'src_text' and 'dst_text'.
 * When either is a feature that one side offers and the other does not,
 * reports PC506/PC507 as the subset rule says and returns true; false
 * leaves the pair to the property rules.
 */
bool pc_rules_feature(struct dir_ctx *x, const struct pc_object *so,
		      const struct pc_object *dobj, const struct pc_eprop *se,
		      const struct pc_eprop *de, const char *src_text,
		      const char *dst_text);

#endif /* PC_CHECK_RULES_H */
