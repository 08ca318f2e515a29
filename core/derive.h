/*
 * derive.h - derived defaults: what a derived= expression may name, the
 * type attributes it reads, and the cycles the registry refuses.
 *
 * A derived default (prop P KIND derived=EXPR) may name the machine
 * configuration (smp, max_cpus), any property of the object's type (its
 * own or an inherited one) and the type's attributes (attr NAME VALUE,
 * inherited, the nearest declaration wins).  pc_vm_build() (resolve.c)
 * computes them last, after the machine configuration, the compat arrays
 * in chain order, the -global and per-device overrides and the host
 * capabilities, each one after the properties it names (dependencies
 * first); an explicit setting of a derived property wins over its
 * derivation.  A cycle among the derived defaults of a type is an error
 * naming it ("a -> b -> a") with the file and line of its first
 * property, found when the registry links the types.
 *
 * This file only reads the linked model (parents, properties, attributes)
 * and the expressions; it calls nothing above expr.c.
 */
#ifndef PC_DERIVE_H
#define PC_DERIVE_H

#include "model.h"

/* The attribute 'name' of 't' or of its nearest ancestor, or NULL. */
const struct pc_attr *pc_type_attr(const struct pc_type *t, const char *name);

/*
 * Check the derived defaults of type 't' (its own properties and the
 * inherited ones, seen from 't'): every name an expression uses is a
 * property or attribute of 't' or smp/max_cpus, no attribute shares a
 * property's name, and no derived default depends on itself.  Errors
 * name the file and line of the declaration.  Requires linked parents.
 */
int pc_derive_link(const struct pc_type *t, struct pc_err *err);

#endif /* PC_DERIVE_H */
