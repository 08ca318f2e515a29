/*
 * realize.h - values as QEMU shows them after realize.
 *
 * Some properties hold a sentinel that QEMU's realize replaces: a virtio
 * PCI proxy's vectors (DEV_NVECTORS_UNSPECIFIED, -1) becomes a count
 * from the queues, an x86 CPU's phys-bits 0 becomes 40.  The declared
 * value is what compat entries and the checks compare (the sentinel is
 * what the machine type sets); a property's realized=EXPR says what the
 * device reads instead once realized, so that `props` can show it beside
 * the declared value and a side captured from a QEMU binary (which reads
 * the realized instance with qom-get) is compared with it.
 *
 * The expression may name every property of the object (its own, the
 * inherited ones and, on a composite, those it aliases from its
 * children, with their effective values, the property itself included),
 * the type's attributes and the machine configuration (smp, max_cpus,
 * pcie_port).  On an onoffauto property it says what a remaining 'auto'
 * resolves to (on when non-zero), and applies only while the value is
 * auto.
 *
 * This file reads a built VM (resolve.h) and calls nothing above it.
 */
#ifndef PC_REALIZE_H
#define PC_REALIZE_H

#include "resolve.h"

/*
 * The value property 'ep' of object 'o' of 'vm' reads after realize, as
 * the property's kind prints it, into *text (caller frees): NULL when the
 * declaration has no realized=, the property does not exist in the side's
 * release, or (onoffauto) the value is not auto.  An expression that does
 * not evaluate, or a result the kind cannot hold, is an error naming the
 * declaration's file and line.
 */
int pc_eprop_realized(const struct pc_vm *vm, const struct pc_object *o,
		      const struct pc_eprop *ep, char **text,
		      struct pc_err *err);

#endif /* PC_REALIZE_H */
