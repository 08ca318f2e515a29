/*
 * bindex.h - the resolved index of a recorded release: what a baseline
 * records of each VM it resolved, without its declarations.  Loaded by
 * baseline.c (pc_bindex_load()); owned, looked up and freed here.
 */
#ifndef PC_BINDEX_H
#define PC_BINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "util.h"

/*
 * The resolved index of a baseline alone, without its declarations: what
 * the release matrix reads (core/matrix.c).  vec holds, for one VM, the
 * fingerprint of each section (n_sections) then the property digest of
 * each object (n_objects), in the configuration's order.
 */
struct pc_bindex_vm {
	const struct pc_machine *machine; /* in 'machines' */
	int smp;
	uint64_t *vec;
};

struct pc_bindex {
	char *path;
	char *label;                 /* the release, as recorded */
	struct pc_version release;
	struct pc_machine_set *machines;
	uint64_t decl_digest;
	char *decl_path;             /* the declarations file it names */
	char **objects;              /* object ids */
	size_t n_objects;
	char **sections;             /* section names */
	size_t *section_obj;         /* the object each section belongs to */
	size_t n_sections;
	struct pc_bindex_vm *vms;
	size_t n_vms;
};

/* Release what 'ix' holds (not 'ix' itself); it is zeroed. */
void pc_bindex_release(struct pc_bindex *ix);
/* Release an index and free it (NULL: nothing). */
void pc_bindex_free(struct pc_bindex *ix);
const struct pc_bindex_vm *pc_bindex_find(const struct pc_bindex *ix,
					  const struct pc_machine *m, int smp);

#endif /* PC_BINDEX_H */
