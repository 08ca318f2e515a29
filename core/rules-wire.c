/*
 * rules-wire.c - the layout rules shared by check and qemu-diff
 * (rules-wire.h), decided as QEMU's loader meets the stream.
 */
#include "rules-wire.h"

#include <assert.h>

#include "banned.h"

size_t pc_wire_pair_rules(const struct pc_wshape *s, const struct pc_wshape *d,
			  enum pc_rule out[PC_WIRE_MAX_PAIR_RULES])
{
	/* an unknown kind (a dump) is taken as the other side's */
	bool other_kind = s->kind >= 0 && d->kind >= 0 && s->kind != d->kind;
	size_t n = 0;

	if (s->is_struct != d->is_struct) {
		out[n++] = PC_R_NESTED_MISSING;
		return n;
	}
	if (other_kind && s->size == d->size) {
		out[n++] = PC_R_FIELD_TYPE;
		return n;
	}
	if (s->size != d->size && !s->is_struct) {
		out[n++] = PC_R_FIELD_SIZE;
		if (other_kind)
			return n;
	}
	if (s->count != d->count ||
	    (s->var_count && d->var_count && s->count_max > d->count_max))
		out[n++] = PC_R_FIELD_COUNT;
	assert(n <= PC_WIRE_MAX_PAIR_RULES);
	return n;
}

bool pc_wire_field_loaded(int field_version, bool has_test, int version)
{
	return has_test || field_version <= version;
}

enum pc_rule pc_wire_version_rule(int version, int dst_min, int dst_max)
{
	if (version > dst_max)
		return PC_R_VERSION_TOO_NEW;
	if (version < dst_min)
		return PC_R_VERSION_TOO_OLD;
	return PC_R__COUNT;
}

enum pc_rule pc_wire_wrapper_subsection_rule(bool on_source, enum pc_send send,
					     enum pc_severity *sev)
{
	return on_source
		? pc_wire_subsection_rule(send, false, PC_SEND_NEVER, sev)
		: pc_wire_subsection_rule(PC_SEND_NEVER, true, send, sev);
}

enum pc_rule pc_wire_subsection_rule(enum pc_send src, bool dst_knows,
				     enum pc_send dst, enum pc_severity *sev)
{
	assert(dst_knows || dst == PC_SEND_NEVER);
	if (src != PC_SEND_NEVER && !dst_knows) {
		*sev = pc_subsection_severity(PC_R_SUBSECTION_UNKNOWN,
					      src == PC_SEND_MAYBE);
		return PC_R_SUBSECTION_UNKNOWN;
	}
	if (src == PC_SEND_NEVER && dst == PC_SEND_ALWAYS) {
		*sev = pc_subsection_severity(PC_R_SUBSECTION_REQUIRED, false);
		return PC_R_SUBSECTION_REQUIRED;
	}
	return PC_R__COUNT;
}

const char *pc_wire_subcond_name(enum pc_subcond c)
{
	switch (c) {
	case PC_SUBCOND_NEEDED:
		return "needed";
	case PC_SUBCOND_RUNTIME:
		return "runtime";
	case PC_SUBCOND_NEEDED_RUNTIME:
		return "needed+runtime";
	case PC_SUBCOND_ALWAYS:
		break;
	}
	return "always";
}

const char *pc_wire_subcond_sent(enum pc_subcond c)
{
	switch (c) {
	case PC_SUBCOND_NEEDED:
		return "sent: its needed= holds (the properties decide)";
	case PC_SUBCOND_RUNTIME:
		return "may be sent: runtime (the guest's state decides)";
	case PC_SUBCOND_NEEDED_RUNTIME:
		return "may be sent: its needed= holds, then the guest's state decides (needed= runtime)";
	case PC_SUBCOND_ALWAYS:
		break;
	}
	return "sent every time (no needed= condition)";
}
