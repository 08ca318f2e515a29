/*
 * rules-layout.c - the layout rule families of the check (check-rules.h):
 * sections matched by name and instance (PC101/PC102), the section and
 * subsection versions against what the destination loads (PC103/PC104),
 * the field sequence the source sends against the one the destination
 * loads at that version (PC201-PC208), subsections (PC301/PC302) and the
 * destination's invariants (PC401).  QEMU's loader decides each rule
 * (migration/vmstate.c, vmstate_load_state and vmstate_subsection_load);
 * Documentation/rules.md describes them with their fixes.
 */
#include "check-rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* The object of 'vm' with the id of 'o' (an object of 'own').  Both sides
 * usually instantiate the same objects in the same order: try the same
 * index first, so that matching stays linear in the number of devices. */
const struct pc_object *pc_check_other_object(const struct pc_vm *vm,
					      const struct pc_vm *own,
					      const struct pc_object *o)
{
	size_t i;

	if (!o)
		return NULL;
	i = (size_t)(o - own->objs);
	if (i < vm->n_objs && !strcmp(vm->objs[i].id, o->id))
		return &vm->objs[i];
	return pc_vm_find_object(vm, o->id);
}

/* Section 'i' of one side in 'vm' by (instance, name); unique in a VM.
 * Same index first, as above. */
static const struct pc_rsection *other_section(const struct pc_vm *vm,
					       size_t i,
					       const struct pc_rsection *s)
{
	if (i < vm->n_sections && !strcmp(vm->sections[i].instance, s->instance) &&
	    !strcmp(vm->sections[i].name, s->name))
		return &vm->sections[i];
	for (size_t j = 0; j < vm->n_sections; j++)
		if (!strcmp(vm->sections[j].instance, s->instance) &&
		    !strcmp(vm->sections[j].name, s->name))
			return &vm->sections[j];
	return NULL;
}

static const struct pc_rnode *find_node(const struct pc_rdesc *d,
					const char *name, size_t *idx)
{
	for (size_t i = 0; i < d->n_nodes; i++)
		if (!strcmp(d->nodes[i].name, name)) {
			if (idx)
				*idx = i;
			return &d->nodes[i];
		}
	return NULL;
}

static char *node_shape(const struct pc_rnode *n)
{
	if (n->kind == PC_FIELD_STRUCT)
		return pc_xasprintf("struct %s x%u",
				    n->desc ? n->desc->name : "?", n->count);
	if (n->count_field)
		return pc_xasprintf("%s[%s <= %u] (%u bytes each)",
				    pc_field_kind_name(n->kind), n->count_field,
				    n->count_max, n->size);
	if (n->count != 1)
		return pc_xasprintf("%s[%u] (%u bytes each)",
				    pc_field_kind_name(n->kind), n->count, n->size);
	return pc_xasprintf("%s (%u bytes)", pc_field_kind_name(n->kind), n->size);
}

static bool same_shape(const struct pc_rnode *a, const struct pc_rnode *b)
{
	return a->kind == b->kind && a->size == b->size &&
	       a->count == b->count && !a->desc == !b->desc &&
	       (!a->count_field) == (!b->count_field);
}

struct sec_ctx {
	struct dir_ctx *x;
	const struct pc_object *so, *dobj;
	const char *device;
};

static void compare_desc(struct sec_ctx *s, const struct pc_rdesc *sd,
			 const struct pc_rdesc *dd, const char *path,
			 int incoming_version, int depth);

/* A field whose element kind differs: both shapes, and the fix that
 * keeps the old representation on the wire. */
static void kind_finding(struct sec_ctx *s, const struct pc_rnode *a,
			 const struct pc_rnode *b, const char *path,
			 enum pc_rule rule, enum pc_severity sev, const char *why)
{
	char *sa = node_shape(a), *sb = node_shape(b);

	add(s->x, &(struct pc_hit){
		.rule = rule,
		.severity = sev,
		.src_obj = s->so,
		.dst_obj = s->dobj,
		.device = s->device,
		.path = path,
		.src_value = sa,
		.dst_value = sb,
		.why = why,
		.fix = "keep the field's type; a new representation goes into a new field, sent in a subsection with needed= over a property that a compat entry turns off for the older machine types" });
	free(sa);
	free(sb);
}

static void compare_node(struct sec_ctx *s, const struct pc_rnode *a,
			 const struct pc_rnode *b, const char *path, int depth)
{
	struct dir_ctx *x = s->x;

	/* a structure on one side, a plain field on the other: PC208, as
	 * qemu-diff says it (rules.md, one table for both engines) */
	if ((a->kind == PC_FIELD_STRUCT) != (b->kind == PC_FIELD_STRUCT)) {
		kind_finding(s, a, b, path, PC_R_NESTED_MISSING, PC_SEV_INCOMPATIBLE,
			     "one side sends a nested structure (its fields), the other a plain field: the wire formats differ");
		return;
	}
	/* another element type of the same size: the bytes are read as
	 * another type (PC205, needs review); another size is PC206 */
	if (a->kind != b->kind && a->size == b->size) {
		kind_finding(s, a, b, path, PC_R_FIELD_TYPE, PC_SEV_REVIEW,
			     "same size on the wire, but the value is read as another type");
		return;
	}
	if (a->size != b->size && a->kind != PC_FIELD_STRUCT) {
		char *sa = a->kind != b->kind ? node_shape(a) : pc_xasprintf("%u bytes", a->size);
		char *sb = a->kind != b->kind ? node_shape(b) : pc_xasprintf("%u bytes", b->size);

		add(x, &(struct pc_hit){
			.rule = PC_R_FIELD_SIZE,
			.severity = PC_SEV_INCOMPATIBLE,
			.src_obj = s->so,
			.dst_obj = s->dobj,
			.device = s->device,
			.path = path,
			.src_value = sa,
			.dst_value = sb,
			.why = "the destination reads a different number of bytes per element",
			.fix = "keep the size; a wider value goes into a new field, sent in a subsection with needed= over a property that a compat entry turns off for the older machine types" });
		free(sa);
		free(sb);
		if (a->kind != b->kind)
			return;
	}
	if (a->count != b->count || (a->count_field && b->count_field &&
				     a->count_max > b->count_max)) {
		char *sa = pc_xasprintf("%u", a->count_field ? a->count_max : a->count);
		char *sb = pc_xasprintf("%u", b->count_field ? b->count_max : b->count);
		struct pc_strbuf w = PC_STRBUF_INIT;
		struct pc_strbuf deps = PC_STRBUF_INIT;

		if (a->why)
			pc_strbuf_addf(&w, "source: %s", a->why);
		if (b->why)
			pc_strbuf_addf(&w, "%sdestination: %s", w.len ? "; " : "",
				       b->why);
		if (!w.len)
			pc_strbuf_addstr(&w, a->count_field
				? "the destination accepts fewer elements than the source may send"
				: "the element count differs");
		if (a->deps)
			pc_strbuf_addstr(&deps, a->deps);
		if (b->deps)
			pc_strbuf_addf(&deps, "%s%s", deps.len ? " " : "", b->deps);
		add(x, &(struct pc_hit){
			.rule = PC_R_FIELD_COUNT,
			.severity = PC_SEV_INCOMPATIBLE,
			.src_obj = s->so,
			.dst_obj = s->dobj,
			.device = s->device,
			.path = path,
			.src_value = sa,
			.dst_value = sb,
			.why = w.buf,
			.deps = deps.len ? deps.buf : NULL,
			.fix = "make both sides use the same element count for this machine type" });
		pc_strbuf_release(&w);
		pc_strbuf_release(&deps);
		free(sa);
		free(sb);
	}
	if (a->desc && b->desc)
		compare_desc(s, a->desc, b->desc, path, -1, depth + 1);
}

static char *join_path(const char *a, const char *b)
{
	return *a ? pc_xasprintf("%s.%s", a, b) : pc_xstrdup(b);
}

/* The bytes a field puts on the wire, or 0 when that depends on the
 * state (a count field, a nested description with subsections). */
static uint64_t rnode_bytes(const struct pc_rnode *n, int depth)
{
	uint64_t sum = 0;

	if (n->count_field || depth > 32)
		return 0;
	if (n->kind != PC_FIELD_STRUCT)
		return (uint64_t)n->size * n->count;
	if (!n->desc || n->desc->n_subs)
		return 0;
	for (size_t i = 0; i < n->desc->n_nodes; i++) {
		uint64_t b = rnode_bytes(&n->desc->nodes[i], depth + 1);

		if (!b)
			return 0;
		sum += b;
	}
	return sum * n->count;
}

/*
 * The fix for a field one side has and the other lacks (PC201/PC202), by
 * which side is the tree: a field a released build has cannot be gated
 * there (the tree removed it: a same-size placeholder); a field the tree
 * added is sent to older machine types only when a compat property says
 * so (a subsection with needed=, or if=); in a nested description a field
 * version gates nothing on the wire.  'gate' is the destination's node of
 * the same name that it does not load at the incoming version 'incoming'.
 */
static char *presence_fix(struct sec_ctx *s, const struct pc_rnode *n,
			  bool on_source, bool nested,
			  const struct pc_rnode *gate, int incoming)
{
	const struct pc_side *has = on_source ? s->x->src : s->x->dst;
	const struct pc_side *lacks = on_source ? s->x->dst : s->x->src;
	uint64_t bytes = rnode_bytes(n, 0);
	char size[32];

	if (bytes)
		snprintf(size, sizeof(size), "%llu", (unsigned long long)bytes);
	else
		snprintf(size, sizeof(size), "N");
	if (gate) {
		/* the destination has the field, behind a newer field version */
		if (editable(s->x->dst))
			return pc_xasprintf("%s loads '%s' only from section version %d (its version=%d) but the source sends version %d with it: in the %s build drop the version gate of '%s' (or keep it at most %d)",
					    s->x->dst->label, n->name, gate->version,
					    gate->version, incoming, s->x->dst->label,
					    n->name, incoming);
		if (editable(s->x->src))
			return pc_xasprintf("%s loads '%s' only from section version %d (its version=%d): the %s build sends version %d, which has '%s' ungated; restore the section version that %s loads the field at",
					    s->x->dst->label, n->name, gate->version,
					    gate->version, s->x->src->label, incoming,
					    n->name, s->x->dst->label);
	}
	if (!editable(has) && editable(lacks))
		return pc_xasprintf("the released build %s '%s': the %s build must keep its bytes on the wire. Keep a placeholder of the same size in its place: 'field %s unused size=%s' (PC_FIELD_UNUSED(\"%s\", \"size=%s\"), QEMU's VMSTATE_UNUSED(%s)); a released build cannot be gated",
				    on_source ? "sends" : "expects",
				    n->name, lacks->label, n->name, size, n->name,
				    size, size);
	if (editable(has) && !editable(lacks)) {
		if (nested)
			return pc_xasprintf("'%s' is in a nested description, whose version is not on the wire (QEMU loads it with the destination's own version): a field version does not gate it. Give the field if= over a property that a compat entry turns off for the older machine types (on by default, off in the hw_compat array of the newest release without the field); the released build has no '%s'",
					    n->name, n->name);
		return pc_xasprintf("the released build has no '%s': send it in a subsection with needed= over a property that a compat entry turns off for the older machine types (on by default, off in the hw_compat array of the newest release without the field), or give the field if= over that property; a section version bump would only turn this into PC103 for the older destinations",
				    n->name);
	}
	if (!editable(has) && !editable(lacks))
		return pc_xstrdup("both builds are released: nothing in the tree changes this pair; acknowledge the break in abi/known-breaks");
	return pc_xasprintf("if '%s' is new, send it in a subsection with needed= over a property that a compat entry turns off for the older machine types; if it was removed, keep a placeholder of the same size ('field %s unused size=%s', QEMU's VMSTATE_UNUSED)",
			    n->name, n->name, size);
}

static void field_presence_finding(struct sec_ctx *s, enum pc_rule rule,
				   const struct pc_rnode *n, const char *path,
				   bool on_source, bool nested,
				   const struct pc_rnode *gate, int incoming)
{
	char *shape = node_shape(n);
	char *p = join_path(path, n->name);
	const char *why = rule == PC_R_FIELD_ADDED
		? "the source sends this field; the destination's layout has no place for it"
		: "the destination expects this field; the source does not send it";
	struct pc_strbuf w = PC_STRBUF_INIT;
	char *fix = presence_fix(s, n, on_source, nested, gate, incoming);

	pc_strbuf_addstr(&w, why);
	if (gate)
		pc_strbuf_addf(&w, " (the destination's '%s' has version=%d, above the incoming section version %d)",
			       n->name, gate->version, incoming);
	if (n->why)
		pc_strbuf_addf(&w, " (%s: %s)", on_source ? "source" : "destination",
			       n->why);
	add(s->x, &(struct pc_hit){
		.rule = rule,
		.severity = PC_SEV_INCOMPATIBLE,
		.src_obj = s->so,
		.dst_obj = s->dobj,
		.device = s->device,
		.path = p,
		.src_value = on_source ? shape : NULL,
		.dst_value = on_source ? NULL : shape,
		.why = w.buf,
		.deps = n->deps,
		.fix = fix });
	pc_strbuf_release(&w);
	free(fix);
	free(shape);
	free(p);
}

/*
 * The fix for a version outside what the destination loads (PC103/PC104),
 * by which side is the tree.  A bump that gates no field changed nothing
 * on the wire: revert it.  New fields behind a bump reach older
 * destinations only through a subsection or a condition over a compat
 * property (a bump is one-way: older releases cannot load it).
 */
static char *version_fix(const struct dir_ctx *x, const struct pc_rdesc *sd,
			 const struct pc_rdesc *dd)
{
	struct pc_strbuf names = PC_STRBUF_INIT;
	char *r;

	if (sd->version_id > dd->version_id) {
		for (size_t i = 0; i < sd->n_nodes; i++)
			if (sd->nodes[i].version > dd->version_id)
				pc_strbuf_addf(&names, "%s'%s'", names.len ? ", " : "",
					       sd->nodes[i].name);
		if (editable(x->src) && !editable(x->dst)) {
			if (!names.len)
				r = pc_xasprintf("the %s build raised '%s' from version %d to %d without a field gated on it (nothing new on the wire): revert the bump (version=%d), and keep min= at %d or below",
						 x->src->label, sd->name, dd->version_id,
						 sd->version_id, dd->version_id,
						 dd->version_id);
			else
				r = pc_xasprintf("the fields %s are sent from version %d, which %s cannot load: keep version=%d and send them in a subsection with needed= over a property that a compat entry turns off for the older machine types (a version bump is one-way)",
						 names.buf, sd->version_id, x->dst->label,
						 dd->version_id);
		} else if (editable(x->dst) && !editable(x->src)) {
			r = pc_xasprintf("%s, a released build, sends version %d: the %s build must load it; restore version=%d (and the fields of that version)",
					 x->src->label, sd->version_id, x->dst->label,
					 sd->version_id);
		} else if (!editable(x->src) && !editable(x->dst)) {
			r = pc_xstrdup("both builds are released: nothing in the tree changes this pair; acknowledge the break in abi/known-breaks");
		} else {
			r = pc_xstrdup("send the version the destination loads: new fields go into a subsection with needed= over a compat property, not behind a version bump");
		}
	} else {
		if (editable(x->dst) && !editable(x->src))
			r = pc_xasprintf("%s, a released build, sends version %d: keep min= at %d or below in the %s build while releases that send it are supported",
					 x->src->label, sd->version_id, sd->version_id,
					 x->dst->label);
		else if (editable(x->src) && !editable(x->dst))
			r = pc_xasprintf("%s loads versions %d..%d: the %s build must send one of them; restore version=%d or more",
					 x->dst->label, dd->min_version_id, dd->version_id,
					 x->src->label, dd->min_version_id);
		else if (!editable(x->src) && !editable(x->dst))
			r = pc_xstrdup("both builds are released: nothing in the tree changes this pair; acknowledge the break in abi/known-breaks");
		else
			r = pc_xstrdup("do not raise minimum_version_id while releases that send the old version are supported");
	}
	pc_strbuf_release(&names);
	return r;
}

static void compare_desc(struct sec_ctx *s, const struct pc_rdesc *sd,
			 const struct pc_rdesc *dd, const char *path,
			 int incoming_version, int depth)
{
	struct dir_ctx *x = s->x;
	size_t ns = sd->n_nodes, nd = dd->n_nodes;
	bool *dmatched, *smatched, *dvisible;
	size_t *s_in_d;

	if (depth > 32)
		return;
	dmatched = pc_xcalloc(nd + 1, sizeof(bool));
	smatched = pc_xcalloc(ns + 1, sizeof(bool));
	dvisible = pc_xcalloc(nd + 1, sizeof(bool));
	s_in_d = pc_xcalloc(ns + 1, sizeof(size_t));
	/* the destination loads a field only when its version gate is at
	 * most the incoming section version (nested versions are local) */
	for (size_t j = 0; j < nd; j++)
		dvisible[j] = incoming_version < 0 ||
			      dd->nodes[j].version <= incoming_version;
	for (size_t i = 0; i < ns; i++) {
		size_t j;

		if (find_node(dd, sd->nodes[i].name, &j) && dvisible[j]) {
			smatched[i] = dmatched[j] = true;
			s_in_d[i] = j;
		}
	}
	/* renames: unmatched fields at the same rank with the same shape */
	{
		size_t i = 0, j = 0;

		for (;;) {
			while (i < ns && smatched[i])
				i++;
			while (j < nd && (dmatched[j] || !dvisible[j]))
				j++;
			if (i >= ns || j >= nd)
				break;
			if (same_shape(&sd->nodes[i], &dd->nodes[j]) ||
			    (sd->nodes[i].kind == PC_FIELD_UNUSED &&
			     dd->nodes[j].kind != PC_FIELD_STRUCT &&
			     sd->nodes[i].size * sd->nodes[i].count ==
				     dd->nodes[j].size * dd->nodes[j].count) ||
			    (dd->nodes[j].kind == PC_FIELD_UNUSED &&
			     sd->nodes[i].kind != PC_FIELD_STRUCT &&
			     sd->nodes[i].size * sd->nodes[i].count ==
				     dd->nodes[j].size * dd->nodes[j].count)) {
				bool padding = sd->nodes[i].kind == PC_FIELD_UNUSED ||
					       dd->nodes[j].kind == PC_FIELD_UNUSED;
				char *p = join_path(path, sd->nodes[i].name);

				smatched[i] = dmatched[j] = true;
				s_in_d[i] = j;
				if (!padding)
					add(x, &(struct pc_hit){
						.rule = PC_R_FIELD_RENAMED,
						.severity = PC_SEV_REVIEW,
						.src_obj = s->so,
						.dst_obj = s->dobj,
						.device = s->device,
						.path = p,
						.src_value = sd->nodes[i].name,
						.dst_value = dd->nodes[j].name,
						.why = "field names are not on the wire; the shape is the same",
						.fix = "if the meaning changed, this is a break: bump the version" });
				free(p);
			}
			i++;
			j++;
		}
	}
	for (size_t i = 0; i < ns; i++)
		if (!smatched[i]) {
			size_t j;
			const struct pc_rnode *gate =
				find_node(dd, sd->nodes[i].name, &j) && !dvisible[j]
				? &dd->nodes[j] : NULL;

			field_presence_finding(s, PC_R_FIELD_ADDED, &sd->nodes[i],
					       path, true, incoming_version < 0,
					       gate, incoming_version);
		}
	for (size_t j = 0; j < nd; j++)
		if (dvisible[j] && !dmatched[j])
			field_presence_finding(s, PC_R_FIELD_MISSING, &dd->nodes[j],
					       path, false, incoming_version < 0,
					       NULL, incoming_version);
	/* order: the matched fields must appear in the same order */
	{
		size_t last = 0;
		bool first = true;

		for (size_t i = 0; i < ns; i++) {
			if (!smatched[i])
				continue;
			if (!first && s_in_d[i] < last) {
				char *p = join_path(path, sd->nodes[i].name);
				char *sv = pc_xasprintf("position %zu", i + 1);
				char *dv = pc_xasprintf("position %zu", s_in_d[i] + 1);

				add(x, &(struct pc_hit){
					.rule = PC_R_FIELD_REORDERED,
					.severity = PC_SEV_INCOMPATIBLE,
					.src_obj = s->so,
					.dst_obj = s->dobj,
					.device = s->device,
					.path = p,
					.src_value = sv,
					.dst_value = dv,
					.why = "the stream carries no field names: a moved field is read into another field",
					.fix = "restore the field order" });
				free(p);
				free(sv);
				free(dv);
			}
			if (first || s_in_d[i] > last)
				last = s_in_d[i];
			first = false;
		}
	}
	for (size_t i = 0; i < ns; i++) {
		if (smatched[i]) {
			const struct pc_rnode *a = &sd->nodes[i];
			const struct pc_rnode *b = &dd->nodes[s_in_d[i]];
			char *p = join_path(path, a->name);

			if (!(a->kind == PC_FIELD_UNUSED || b->kind == PC_FIELD_UNUSED) ||
			    a->kind == b->kind)
				compare_node(s, a, b, p, depth);
			free(p);
		}
	}
	/* subsections the source may send */
	for (size_t i = 0; i < sd->n_subs; i++) {
		const struct pc_rsub *ss = &sd->subs[i];
		const struct pc_rsub *ds = NULL;
		char *p;

		if (ss->send == PC_SEND_NEVER)
			continue;
		for (size_t j = 0; j < dd->n_subs; j++)
			if (!strcmp(dd->subs[j].desc->name, ss->desc->name))
				ds = &dd->subs[j];
		p = join_path(path, ss->desc->name);
		if (!ds) {
			add(x, &(struct pc_hit){
				.rule = PC_R_SUBSECTION_UNKNOWN,
				.severity = pc_subsection_severity(PC_R_SUBSECTION_UNKNOWN,
						   ss->send == PC_SEND_MAYBE),
				.src_obj = s->so,
				.dst_obj = s->dobj,
				.device = s->device,
				.path = p,
				.src_value = ss->send == PC_SEND_ALWAYS ? "sent" : "sent when the guest's state needs it (runtime)",
				.why = ss->why,
				.deps = ss->deps,
				.fix = "make the subsection's needed() false for this machine type (a compat property)" });
		} else {
			if (ss->desc->version_id > ds->desc->version_id ||
			    ss->desc->version_id < ds->desc->min_version_id) {
				char *sv = pc_xasprintf("version %d", ss->desc->version_id);
				char *dv = pc_xasprintf("loads %d..%d",
							ds->desc->min_version_id,
							ds->desc->version_id);

				char *vfix = version_fix(x, ss->desc, ds->desc);

				add(x, &(struct pc_hit){
					.rule = ss->desc->version_id > ds->desc->version_id
					       ? PC_R_VERSION_TOO_NEW : PC_R_VERSION_TOO_OLD,
					.severity = PC_SEV_INCOMPATIBLE,
					.src_obj = s->so,
					.dst_obj = s->dobj,
					.device = s->device,
					.path = p,
					.src_value = sv,
					.dst_value = dv,
					.why = "subsection version outside what the destination loads",
					.fix = vfix });
				free(vfix);
				free(sv);
				free(dv);
			}
			compare_desc(s, ss->desc, ds->desc, p,
				     ss->desc->version_id, depth + 1);
		}
		free(p);
	}
	/* subsections the destination's own configuration needs but the
	 * source never sends: QEMU loads the section without them and the
	 * device keeps its reset state there (needs review: whether that
	 * state matters is the device's business) */
	for (size_t j = 0; j < dd->n_subs; j++) {
		const struct pc_rsub *ds = &dd->subs[j];
		const struct pc_rsub *ss = NULL;
		char *p;

		if (ds->send != PC_SEND_ALWAYS)
			continue;
		for (size_t i = 0; i < sd->n_subs; i++)
			if (!strcmp(sd->subs[i].desc->name, ds->desc->name))
				ss = &sd->subs[i];
		if (ss && ss->send != PC_SEND_NEVER)
			continue;
		p = join_path(path, ds->desc->name);
		add(x, &(struct pc_hit){
			.rule = PC_R_SUBSECTION_REQUIRED,
			.severity = pc_subsection_severity(PC_R_SUBSECTION_REQUIRED, false),
			.src_obj = s->so,
			.dst_obj = s->dobj,
			.device = s->device,
			.path = p,
			.src_value = ss ? "never sent" : "unknown to the source",
			.dst_value = "needed",
			.why = ds->why,
			.deps = ds->deps,
			.fix = "start the destination so that it does not need the subsection (the property that decides needed=)" });
		free(p);
	}
	/* invariants the destination verifies */
	for (size_t j = 0; j < dd->n_invs; j++) {
		const struct pc_rinv *di = &dd->invs[j];
		const struct pc_rinv *si = NULL;
		uint64_t sval, diff;

		for (size_t i = 0; i < sd->n_invs; i++)
			if (!strcmp(sd->invs[i].name, di->name))
				si = &sd->invs[i];
		sval = si ? si->value : 0;
		diff = (sval ^ di->value) & di->romask;
		if (diff) {
			char *p = pc_xasprintf("%s%s%s (%s+0x%x)", path, *path ? "." : "",
					       di->name, di->field, di->offset);
			char *sv = pc_xasprintf("0x%0*llx", (int)di->size * 2,
						(unsigned long long)sval);
			char *dv = pc_xasprintf("0x%0*llx (read-only mask 0x%0*llx, differing bits 0x%0*llx)",
						(int)di->size * 2,
						(unsigned long long)di->value,
						(int)di->size * 2,
						(unsigned long long)di->romask,
						(int)di->size * 2,
						(unsigned long long)diff);
			char *why = pc_xasprintf("the destination compares the incoming value with its own on its read-only bits and refuses the load; source %s; destination %s",
						 si ? si->why : "does not set it (0)",
						 di->why);
			struct pc_strbuf deps = PC_STRBUF_INIT;

			if (si && si->deps)
				pc_strbuf_addstr(&deps, si->deps);
			if (di->deps)
				pc_strbuf_addf(&deps, "%s%s", deps.len ? " " : "",
					       di->deps);
			add(x, &(struct pc_hit){
				.rule = PC_R_INVARIANT,
				.severity = PC_SEV_INCOMPATIBLE,
				.src_obj = s->so,
				.dst_obj = s->dobj,
				.device = s->device,
				.path = p,
				.src_value = sv,
				.dst_value = dv,
				.why = why,
				.deps = deps.len ? deps.buf : NULL,
				.fix = "make both sides configure the register the same way for this machine type" });
			pc_strbuf_release(&deps);
			free(p);
			free(sv);
			free(dv);
			free(why);
		}
	}
	free(dmatched);
	free(smatched);
	free(dvisible);
	free(s_in_d);
}

/*
 * In the default configuration (every concrete type of each side), a
 * device type that only one build has is not a migration break: no VM
 * using it can be started on the other build.  A configuration given
 * explicitly (--vm-device) is held to every device it names.
 */
static bool type_only_here(const struct pc_side *other,
			   const struct pc_object *o)
{
	const struct pc_object *top = o;
	const struct pc_type *t;

	while (top->parent)
		top = top->parent;

	if (other->devices && !other->devices_subset)
		return false;
	t = pc_registry_find_type(other->reg, top->type->name);
	return !t || !pc_side_has_type(other, t);
}

void pc_rules_sections(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	for (size_t i = 0; i < svm->n_sections; i++) {
		const struct pc_rsection *ss = &svm->sections[i];
		const struct pc_rsection *ds = other_section(dvm, i, ss);
		struct sec_ctx sc;

		sc.x = x;
		sc.so = ss->obj;
		sc.dobj = pc_check_other_object(dvm, svm, ss->obj);
		sc.device = ss->instance;
		x->c->sections_compared++;
		if (!ds) {
			bool newtype = !sc.dobj && type_only_here(x->dst, ss->obj);
			char *why = sc.dobj
				? pc_xasprintf("'%s' exists on both sides but has no section '%s' on the destination",
					       ss->instance, ss->name)
				: newtype
				? pc_xasprintf("the destination build has no device type %s: a VM using it cannot be started there, so the default configuration does not compare it (name it with --vm-device to check such a VM)",
					       ss->obj->type->name)
				: pc_xasprintf("the destination has no device '%s' (type %s)",
					       ss->instance, ss->obj->type->name);

			add(x, &(struct pc_hit){
				.rule = PC_R_SECTION_MISSING,
				.severity = newtype ? PC_SEV_INFO : PC_SEV_INCOMPATIBLE,
				.src_obj = sc.so,
				.dst_obj = sc.dobj,
				.device = sc.device,
				.path = ss->name,
				.src_value = "sent",
				.why = why,
				.fix = sc.dobj ? "keep the section name" : newtype ? NULL :
			    "load the plugin that provides this device on the destination, or remove it from the VM configuration" });
			free(why);
			continue;
		}
		/* identical resolved layouts: nothing to compare */
		if (ss->fingerprint == ds->fingerprint)
			continue;
		if (ss->desc->version_id > ds->desc->version_id ||
		    ss->desc->version_id < ds->desc->min_version_id) {
			char *sv = pc_xasprintf("version %d", ss->desc->version_id);
			char *dv = pc_xasprintf("loads %d..%d", ds->desc->min_version_id,
						ds->desc->version_id);
			char *vfix = version_fix(x, ss->desc, ds->desc);

			add(x, &(struct pc_hit){
				.rule = ss->desc->version_id > ds->desc->version_id
				       ? PC_R_VERSION_TOO_NEW : PC_R_VERSION_TOO_OLD,
				.severity = PC_SEV_INCOMPATIBLE,
				.src_obj = sc.so,
				.dst_obj = sc.dobj,
				.device = sc.device,
				.path = ss->name,
				.src_value = sv,
				.dst_value = dv,
				.why = "QEMU refuses a section whose version is outside [minimum_version_id, version_id]",
				.fix = vfix });
			free(vfix);
			free(sv);
			free(dv);
			/* QEMU refuses the section at its header: what its
			 * fields would meet is not part of this migration */
			continue;
		}
		compare_desc(&sc, ss->desc, ds->desc, "", ss->desc->version_id, 0);
	}
	for (size_t j = 0; j < dvm->n_sections; j++) {
		const struct pc_rsection *ds = &dvm->sections[j];
		bool found = other_section(svm, j, ds) != NULL;

		if (!found) {
			const struct pc_object *so = pc_check_other_object(svm, dvm, ds->obj);
			bool newtype = !so && type_only_here(x->src, ds->obj);
			char *why = so
				? pc_xasprintf("'%s' exists on both sides but the source sends no section '%s'",
					       ds->instance, ds->name)
				: newtype
				? pc_xasprintf("the source build has no device type %s: no VM started there has it, so the default configuration does not compare it",
					       ds->obj->type->name)
				: pc_xasprintf("the source has no device '%s' (type %s): the destination's device keeps its reset state",
					       ds->instance, ds->obj->type->name);

			add(x, &(struct pc_hit){
				.rule = PC_R_SECTION_UNSENT,
				.severity = newtype ? PC_SEV_INFO : PC_SEV_INCOMPATIBLE,
				.src_obj = so,
				.dst_obj = ds->obj,
				.device = ds->instance,
				.path = ds->name,
				.dst_value = "expected",
				.why = why,
				.fix = newtype ? NULL : "use the same VM configuration on both sides" });
			free(why);
		}
	}
}
