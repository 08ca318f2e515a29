/*
 * bindex.c - the resolved index of a recorded release (bindex.h): its
 * lifetime and its lookup.  Reading one from a baseline file is
 * baseline.c's (pc_bindex_load()); a side owning one (pc_side.index)
 * frees it here, so resolution does not depend on the baseline reader.
 */
#include "bindex.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

void pc_bindex_release(struct pc_bindex *ix)
{
	free(ix->path);
	free(ix->decl_path);
	free(ix->label);
	for (size_t i = 0; i < ix->n_objects; i++)
		free(ix->objects[i]);
	free(ix->objects);
	for (size_t i = 0; i < ix->n_sections; i++)
		free(ix->sections[i]);
	free(ix->sections);
	free(ix->section_obj);
	for (size_t i = 0; i < ix->n_vms; i++)
		free(ix->vms[i].vec);
	free(ix->vms);
	if (ix->machines)
		pc_machine_set_free(ix->machines);
	memset(ix, 0, sizeof(*ix));
}

void pc_bindex_free(struct pc_bindex *ix)
{
	if (!ix)
		return;
	pc_bindex_release(ix);
	free(ix);
}

const struct pc_bindex_vm *pc_bindex_find(const struct pc_bindex *ix,
					  const struct pc_machine *m, int smp)
{
	for (size_t i = 0; i < ix->n_vms; i++)
		if (ix->vms[i].machine == m && ix->vms[i].smp == smp)
			return &ix->vms[i];
	return NULL;
}
