/*
 * state.h - device state: instances of a side's resolved layouts (struct
 * pc_rdesc) with their data, what a migration stream carries (stream.h
 * writes and loads them, hookctx.h runs the plugins' hooks on them).
 *
 * Ownership: a struct pc_sdesc tree is owned by whoever generated or
 * loaded it and freed with pc_sdesc_free().  Nothing here prints.
 */
#ifndef PC_STATE_H
#define PC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve.h"

struct pc_sdesc;

/* One node of a resolved description, with its data. */
struct pc_sfield {
	const struct pc_rnode *node;
	bool loaded;          /* on the wire (written, or read) */
	uint32_t count;       /* elements */
	uint8_t *data;        /* count * node->size bytes, wire order (scalars
			       * big-endian); NULL for structures */
	struct pc_sdesc **elems; /* PC_FIELD_STRUCT: 'count' instances */
	uint64_t wire_off;    /* loaded: stream offset of the data */
};

/* Nesting of structures and subsections a device state may have: the
 * stream's bound too (PC_STREAM_MAX_DEPTH, stream.h). */
#define PC_STATE_MAX_DEPTH 32

struct pc_ssub {
	const struct pc_rsub *sub;
	bool present;
	int version;          /* as on the wire */
	struct pc_sdesc *st;
};

/* One instance of a resolved description: a section, a subsection or an
 * element of a structure field. */
struct pc_sdesc {
	const struct pc_rdesc *desc;
	struct pc_sfield *fields; /* desc->n_nodes */
	struct pc_ssub *subs;     /* desc->n_subs */
};

void pc_sdesc_free(struct pc_sdesc *s);

/*
 * Generate the state the source sends for section 's' of 'vm': every field
 * of the resolved layout filled with pseudo-random bytes derived from
 * 'seed', the instance and the field path (so the same seed gives the
 * same bytes on every run); then the rules of stream-format.md, "State":
 * a scalar named like a property of the device carries its value, a count
 * field carries its bound, invariant bytes carry the side's value (little
 * endian, as PCI config space), subsections that are needed or may be
 * needed are sent.  Cannot fail (the layout is already resolved).
 */
struct pc_sdesc *pc_state_generate(const struct pc_vm *vm,
				   const struct pc_rsection *s, uint64_t seed);

/* Reset element 'index' of field number 'field' of 'owner' (all of it
 * when 'whole') to its canonical value: the property of the same name, or
 * 0.  Count fields are left alone (the elements after them depend on
 * them).  Used to shape a generated state with the source's own hooks. */
void pc_state_reset(const struct pc_vm *vm, const struct pc_object *obj,
		    struct pc_sdesc *owner, size_t field, uint32_t index,
		    bool whole);
/* Write the side's invariant values into the state again (after resets). */
void pc_state_apply_invariants(struct pc_sdesc *s);

/* Element 'index' of a scalar field as an unsigned number (sign-extended
 * for signed kinds, then reinterpreted). */
uint64_t pc_sfield_u64(const struct pc_sfield *f, uint32_t index);

/* ---- for the stream's writer and loader (stream.c) ---- */

/* A new instance of 'd', every field empty (no data, not loaded). */
struct pc_sdesc *pc_sdesc_new(const struct pc_rdesc *d);
/* The field of 's' named 'name', or NULL. */
struct pc_sfield *pc_sdesc_field(struct pc_sdesc *s, const char *name);
/* The loaded field of 's' that holds invariant 'iv''s bytes (iv->size of
 * them at iv->offset, little-endian as PCI config space), or NULL when it
 * is not loaded or too short for them. */
struct pc_sfield *pc_sdesc_inv_field(const struct pc_sdesc *s,
				     const struct pc_rinv *iv);
/* Integer kinds (bool included), and the signed ones. */
bool pc_field_kind_is_int(enum pc_field_kind k);
bool pc_field_kind_is_signed(enum pc_field_kind k);
/* Store the low 'size' bytes of 'v' at 'p', big-endian (wire order). */
void pc_put_be(uint8_t *p, uint32_t size, uint64_t v);

#endif /* PC_STATE_H */
