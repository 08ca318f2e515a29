/*
 * pciconf.h - PCI config space as QEMU models it, for the declarations
 * (Documentation/declaration-language.md, "Config space"): the checks of
 * a type's registers and capabilities against its section's description,
 * and the placement of capabilities (QEMU's pci_add_capability() and
 * pcie_add_capability()).  Pure: model structures in, numbers out.
 */
#ifndef PC_PCICONF_H
#define PC_PCICONF_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

/* The capabilities and registers of 't' and its ancestors, root first
 * (QEMU's realize order: the base class adds its capabilities first). */
struct pc_cfg_chain {
	const struct pc_type *types[64];
	size_t n;
};
void pc_cfg_chain(const struct pc_type *t, struct pc_cfg_chain *c);

/* The capability 'name' of the chain, or NULL. */
const struct pc_capability *pc_cfg_find_cap(const struct pc_cfg_chain *c,
					    const char *name);

/* The length of field name 'name' when it heads 'path' (followed by its
 * end or a '.'), else 0.  Field names may hold dots, as QEMU's dump
 * spells a member of a member ("parent_obj.parent_obj.parent_obj"). */
size_t pc_path_head(const char *path, const char *name);

/* The buffer field 'path' ("parent_obj.config") names in 'v', or NULL. */
const struct pc_field *pc_cfg_field(const struct pc_vmsd *v,
				    const char *path);

/*
 * Check the registers and capabilities type 't' declares or inherits
 * against its section 'v': each field= path names a buffer, each cap=
 * a capability of the chain, and every fixed placement fits.  Errors name
 * the declaring plugin and line.
 */
int pc_cfg_check_type(const struct pc_type *t, const struct pc_vmsd *v,
		      struct pc_err *err);

/*
 * Capability placement for one config buffer of 'buf_size' bytes, in add
 * order: at[i] is the declared offset (0: the first free space from
 * 0x40, standard only).  Fills off[i] and next[i] (the list pointer
 * QEMU writes into the header: standard capabilities are linked at the
 * head of the list, extended ones at its end).  Fails when a capability
 * does not fit or overlaps another.
 */
struct pc_cfg_place {
	uint32_t at, size;
	bool express;
	uint32_t off, next;
};
int pc_cfg_place_caps(struct pc_cfg_place *caps, size_t n,
		      uint32_t buf_size, const char **what, size_t *bad);

/* Free what a register adds to an invariant. */
void pc_cfg_reg_free(struct pc_cfg_reg *r);

#endif /* PC_PCICONF_H */
