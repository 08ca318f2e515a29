/*
 * rules-order.c - the section order family of the check (check-rules.h):
 * PC605.  QEMU's source sends its sections in the order of their
 * priorities, higher first (migration/savevm.c
 * savevm_state_handler_insert(): MIG_PRI_IOMMU "must happen before PCI
 * devices", MIG_PRI_PCI_BUS and MIG_PRI_VIRTIO_MEM before the IOMMU ...);
 * the destination loads them as they arrive (qemu_loadvm_state_main()),
 * so its own priorities do not reorder the stream.  A priority that
 * differs between the builds matters where it flips a pair: the
 * destination's build orders section S strictly before or after a
 * section T both sides have, and the source sends them the other way
 * (or, at equal priority, in registration order, which promises
 * nothing).  State whose load relies on the destination's order (an
 * IOMMU's before the devices that translate through it) then meets
 * another one: needs-review, since whether a post_load depends on it is
 * the device's code.
 */
#include "check-rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const struct pc_rsection *same_section(const struct pc_vm *vm,
					      const struct pc_rsection *s)
{
	for (size_t j = 0; j < vm->n_sections; j++)
		if (!strcmp(vm->sections[j].instance, s->instance) &&
		    !strcmp(vm->sections[j].name, s->name))
			return &vm->sections[j];
	return NULL;
}

static int cmp_pri(enum pc_mig_priority a, enum pc_mig_priority b)
{
	return a > b ? 1 : a < b ? -1 : 0;
}

/* The first section T both sides have whose order against S the
 * destination's build fixes and the source's does not keep. */
static const struct pc_rsection *flipped_with(const struct pc_vm *svm,
					      const struct pc_vm *dvm,
					      const struct pc_rsection *ss,
					      const struct pc_rsection *ds)
{
	for (size_t j = 0; j < dvm->n_sections; j++) {
		const struct pc_rsection *dt = &dvm->sections[j];
		const struct pc_rsection *st;
		int want;

		if (dt == ds || !(want = cmp_pri(ds->priority, dt->priority)))
			continue;
		st = same_section(svm, dt);
		if (st && cmp_pri(ss->priority, st->priority) != want)
			return dt;
	}
	return NULL;
}

static void order_finding(struct dir_ctx *x, const struct pc_rsection *ss,
			  const struct pc_rsection *ds,
			  const struct pc_rsection *dt)
{
	bool before = ds->priority > dt->priority;
	char *sv = pc_xasprintf("priority %s", pc_mig_priority_name(ss->priority));
	char *dv = pc_xasprintf("priority %s", pc_mig_priority_name(ds->priority));
	char *why = pc_xasprintf("the destination's build puts section '%s' %s '%s' (%s) %s; the source sends it at priority %s, which does not, and the destination loads sections in the order they arrive: a load that relies on the destination's order (a post_load that reads the other section's state) meets another one",
				 ds->name, before ? "before" : "after",
				 dt->name, dt->instance,
				 before ? "(its priority is higher)" : "(its priority is lower)",
				 pc_mig_priority_name(ss->priority));

	dir_add(x, &(struct pc_hit){
		.rule = PC_R_SECTION_PRIORITY,
		.severity = PC_SEV_REVIEW,
		.src_obj = ss->obj,
		.dst_obj = ds->obj,
		.device = ss->instance,
		.path = ss->name,
		.src_value = sv,
		.dst_value = dv,
		.why = why,
		.fix = "keep the section's priority, or make the destination's load independent of the order (do the work that needs the other section in a later phase than post_load)" });
	free(sv);
	free(dv);
	free(why);
}

void pc_rules_order(struct dir_ctx *x)
{
	for (size_t i = 0; i < x->svm->n_sections; i++) {
		const struct pc_rsection *ss = &x->svm->sections[i];
		const struct pc_rsection *ds = same_section(x->dvm, ss);
		const struct pc_rsection *dt;

		if (!ds || ds->priority == ss->priority)
			continue;
		dt = flipped_with(x->svm, x->dvm, ss, ds);
		if (dt)
			order_finding(x, ss, ds, dt);
	}
}
