/*
 * wire-walk.h - the one field-pairing walk of check and qemu-diff: which
 * field the destination loads as which, as QEMU's loader meets the
 * stream (migration/vmstate.c, vmstate_load_state).
 *
 * The stream carries no names, only bytes in order.  A field is on the
 * wire iff its version gate is at most the version its description is
 * walked at (pc_wire_field_loaded()): the incoming version for a section
 * or subsection, each side's own version for a nested structure (nested
 * versions are not on the wire).  Both field lists are walked with
 * cursors that can step into a nested structure on one side only
 * (wrapping fields into a structure adds no bytes), padding
 * (VMSTATE_UNUSED) stands for any run of fields of the same total size,
 * and names only explain a mismatch: added, missing, reordered, renamed.
 * A field whose count a dump does not record (count_unknown) is taken to
 * have as many elements as a padding run needs to line up, when that
 * closes the run at a name both sides have next (or at both ends): the
 * assumption that compares named arrays of such a dump (counts equal).
 * Documentation/qemu-diff.md ("One set of rules for both engines").
 *
 * Each engine adapts its own description to struct pc_wdesc_ops (an
 * adapter, no copy: resolved layouts in rules-layout.c, QEMU dumps in
 * qemu-diff.c) and words the events of struct pc_wwalk_ops into its
 * findings.  The walk does not recurse into a pair of nested structures:
 * the engine's pair() does, with another walk (it also owns subsections).
 *
 * Nothing here allocates or fails.  Invariants (asserted): ops and the
 * callbacks marked required are set; a description's fields are indexed
 * 0..n_fields-1; stepping stops at PC_WIRE_MAX_DEPTH nested levels.
 */
#ifndef PC_WIRE_WALK_H
#define PC_WIRE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules-wire.h"

/* Nested structures one cursor steps into, at most. */
#define PC_WIRE_MAX_DEPTH 32

/* Bytes of a field whose size depends on the state (a sent count). */
#define PC_WIRE_BYTES_UNKNOWN UINT64_MAX

/* One field of a description, as the walk sees it. */
struct pc_wfield {
	const char *name;
	struct pc_wshape shape;
	int version;         /* version gate */
	bool has_test;       /* a test function decides: taken as present */
	bool padding;        /* VMSTATE_UNUSED: bytes, no meaning */
	/* from a dump that records no counts (pc_qdump_counts_unknown()):
	 * one or more elements of 'bytes' each (padding never is) */
	bool count_unknown;
	uint64_t bytes;      /* on the wire, or PC_WIRE_BYTES_UNKNOWN */
	const void *nested;  /* the engine's nested description, or NULL */
	const void *item;    /* the engine's field */
	size_t index;        /* its place in its description */
};

/* An engine's description, seen through these (the adapter). */
struct pc_wdesc_ops {
	int (*version)(const void *desc);     /* its own version_id */
	size_t (*n_fields)(const void *desc);
	void (*field)(const void *desc, size_t i, struct pc_wfield *out);
};

/* Where a field is: its description and the version it is walked at. */
struct pc_wpos {
	const void *desc;
	int version;
	bool nested;   /* a nested structure (the base, or stepped into) */
	bool stepped;  /* inside a wrapper only this side has */
	/* the names of the wrapper fields stepped into, outermost first
	 * (n_via of them; valid during the event) */
	const char *const *via;
	int n_via;
};

/*
 * A source field and the destination's field that loads it, with the
 * rules the pair breaks: the shape rules (pc_wire_pair_rules()), or,
 * when only the names differ, PC204 alone (the bytes load; whether they
 * mean the same is for a person to say).
 */
struct pc_wpair {
	const struct pc_wfield *s, *d;
	struct pc_wpos sp, dp;
	enum pc_rule rules[PC_WIRE_MAX_PAIR_RULES];
	size_t n_rules;
};

/*
 * The events of a walk, in stream order.  'data' is the engine's.
 * same_name (required): do names a and b, in those descriptions, stand
 * for the same field?  pair (required): a pair and its rules (struct
 * pc_wpair); the engine words them and walks two nested descriptions.  added /
 * missing (required): a field only the source sends / only the
 * destination loads here.  reordered (required): both have both, in
 * another order; s is read as d.  padding (required): a run of fields
 * with padding on one side whose bytes do not line up ('pad' is the
 * padding field; 'sbytes'/'dbytes' PC_WIRE_BYTES_UNKNOWN when a field's
 * size depends on the state).  step_into (optional): one side's field
 * 'f', at 'pos', wraps the other side's next fields; the walk steps into
 * it.
 */
struct pc_wwalk_ops {
	bool (*same_name)(void *data, const struct pc_wpos *sp,
			  const struct pc_wpos *dp, const char *a,
			  const char *b);
	void (*pair)(void *data, const struct pc_wpair *p);
	void (*added)(void *data, const struct pc_wfield *s,
		      const struct pc_wpos *sp, const struct pc_wpos *dp);
	void (*missing)(void *data, const struct pc_wfield *d,
			const struct pc_wpos *sp, const struct pc_wpos *dp);
	void (*reordered)(void *data, const struct pc_wfield *s,
			  const struct pc_wpos *sp, const struct pc_wfield *d,
			  const struct pc_wpos *dp);
	void (*padding)(void *data, const struct pc_wfield *pad,
			const struct pc_wpos *pos, uint64_t sbytes,
			uint64_t dbytes);
	void (*step_into)(void *data, bool on_source,
			  const struct pc_wfield *f, const struct pc_wpos *pos);
};

/*
 * Walk description 'sd' sent at 'sver' against 'dd' loaded at 'dver'
 * ('nested': both are nested structures, walked at their own versions),
 * seen through 'sops' and 'dops' (the two sides' adapters; the same for
 * one engine but a dump's that records counts and one's that does not),
 * reporting to 'cb' with 'data'.
 */
void pc_wire_walk(const struct pc_wdesc_ops *sops, const void *sd, int sver,
		  const struct pc_wdesc_ops *dops, const void *dd, int dver,
		  bool nested, const struct pc_wwalk_ops *cb, void *data);

#endif /* PC_WIRE_WALK_H */
