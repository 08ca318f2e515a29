/*
 * rules-wire.h - the layout rules both comparison engines apply, over a
 * neutral view of one field's wire shape: `plugcheck check` (resolved
 * declarations, rules-layout.c) and `plugcheck qemu-diff` (QEMU
 * -dump-vmstate files, qemu-diff.c, also behind `dump-vmstate --check`).
 *
 * Both engines pair fields by one walk (wire-walk.h) over adapters to
 * their own representations (Documentation/qemu-diff.md, "One set of
 * rules for both engines"); what
 * a pair of fields, or a version against what the destination loads,
 * means on the wire is decided here once, after QEMU's loader
 * (migration/vmstate.c: vmstate_load_state, vmstate_subsection_load).
 * The engines only word the findings.
 *
 * Nothing here allocates or fails.
 */
#ifndef PC_RULES_WIRE_H
#define PC_RULES_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "resolve.h"

/* One field's shape on the wire, as either engine knows it. */
struct pc_wshape {
	int kind;            /* enum pc_field_kind, or -1: not known (a dump) */
	bool is_struct;      /* a nested description (VMSTATE_STRUCT) */
	uint64_t size;       /* element size in bytes (not compared for structs) */
	uint64_t count;      /* elements; 0 when var_count */
	bool var_count;      /* the count is sent in an earlier field */
	uint64_t count_max;  /* var_count: the most the side sends or accepts */
};

/* The most rules one pair of fields can break (pc_wire_pair_rules()). */
#define PC_WIRE_MAX_PAIR_RULES 2

/*
 * The shape rules a source field 's' breaks against the destination's
 * field 'd' that loads it, in report order: a structure against a plain
 * field is PC208 alone (the two are read by different code, their counts
 * are not comparable); another element kind of the same size is PC205
 * alone (the bytes line up, the value is read as another type); another
 * element size is PC206, then, for the same kind, PC207 when the element
 * count differs (or a sent count may exceed the destination's bound).
 * Two structures with the same count break nothing here: their nested
 * descriptions are compared next.  Returns the number of rules in 'out'.
 */
size_t pc_wire_pair_rules(const struct pc_wshape *s, const struct pc_wshape *d,
			  enum pc_rule out[PC_WIRE_MAX_PAIR_RULES]);

/*
 * A description (section, subsection) sent at 'version' against the
 * destination's [min, max]: QEMU's vmstate_load_state refuses a version
 * above max first (PC103), then one below min (PC104); PC_R__COUNT when
 * it loads.  One refusal per description: QEMU stops at the first.
 */
enum pc_rule pc_wire_version_rule(int version, int dst_min, int dst_max);

/*
 * Is a field gated at 'field_version' on the wire of a description sent
 * and loaded at 'version'?  QEMU's vmstate_field_exists(): a field with a
 * test function ('has_test') is what the function says, which no static
 * comparison can run (a dump's field_exists: taken as present, as QEMU's
 * checker does; the check resolves its declared conditions before);
 * otherwise the field is there iff field_version <= version.
 */
bool pc_wire_field_loaded(int field_version, bool has_test, int version);

/*
 * The rule of one subsection, by how each side sends it (PC_SEND_NEVER
 * also for a side that does not have it; a QEMU dump records no needed(),
 * so its subsections are PC_SEND_ALWAYS): PC301 when the source may send
 * it and the destination does not know it (QEMU's loader fails on it:
 * "does not exist"); PC302 when the destination always sends it and the
 * source never does (QEMU's loader accepts the stream without it, the
 * device keeps its reset state); PC_R__COUNT otherwise.  *sev receives
 * the rule's severity (pc_subsection_severity()).
 */
enum pc_rule pc_wire_subsection_rule(enum pc_send src, bool dst_knows,
				     enum pc_send dst, enum pc_severity *sev);

/*
 * The rule of a subsection of a structure that only one side has (a
 * wrapper the walk stepped into, wire-walk.h), sent as 'send' by that
 * side: the other side has no peer for it.  On the source it is
 * unknown to the destination (PC301 unless never sent); on the
 * destination it is never sent (PC302 when always needed).
 */
enum pc_rule pc_wire_wrapper_subsection_rule(bool on_source, enum pc_send send,
					     enum pc_severity *sev);

/*
 * The condition kind of a subsection, as findings and JSON name it:
 * "always", "needed", "runtime", "needed+runtime".
 */
const char *pc_wire_subcond_name(enum pc_subcond c);

/*
 * How a side sends a subsection of condition 'c' that it sends ('send'
 * not PC_SEND_NEVER), in words naming the kind ("sent every time (no
 * needed= condition)", ...), for a finding's value.
 */
const char *pc_wire_subcond_sent(enum pc_subcond c);

#endif /* PC_RULES_WIRE_H */
