/*
 * rules-layout.c - the layout rule families of the check (check-rules.h):
 * sections matched by name and instance (PC101/PC102), the section and
 * subsection versions against what the destination loads (PC103/PC104),
 * the field sequence the source sends against the one the destination
 * loads at that version (PC201-PC208, paired by the walk qemu-diff uses
 * too, wire-walk.h, over an adapter to resolved layouts), subsections
 * (PC301/PC302) and the
 * destination's invariants (PC401).  QEMU's loader decides each rule
 * (migration/vmstate.c, vmstate_load_state and vmstate_subsection_load);
 * Documentation/rules.md describes them with their fixes.
 */
#include "check-rules.h"
#include "rules-wire.h"
#include "wire-walk.h"

#include <assert.h>
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
					const char *name)
{
	for (size_t i = 0; i < d->n_nodes; i++)
		if (!strcmp(d->nodes[i].name, name))
			return &d->nodes[i];
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

struct sec_ctx {
	struct dir_ctx *x;
	const struct pc_object *so, *dobj;
	const char *device;
};

/* A tree: a side whose declarations and machine files can change (not a
 * recorded or reconstructed release). */
static bool editable(const struct pc_side *s)
{
	return !s->project && !s->index;
}

/* Report a hit about this section's objects and device. */
static void sec_add(const struct sec_ctx *s, struct pc_hit h)
{
	h.src_obj = s->so;
	h.dst_obj = s->dobj;
	h.device = s->device;
	dir_add(s->x, &h);
}

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

	sec_add(s, (struct pc_hit){
		.rule = rule,
		.severity = sev,
		.path = path,
		.src_value = sa,
		.dst_value = sb,
		.why = why,
		.fix = "keep the field's type; a new representation goes into a new field, sent in a subsection with needed= over a property that a compat entry turns off for the older machine types" });
	free(sa);
	free(sb);
}

/* Both sides' deciding properties ('a' and 'b' may be NULL), ' '-joined. */
static void join_deps(struct pc_strbuf *out, const char *a, const char *b)
{
	if (a)
		pc_strbuf_addstr(out, a);
	if (b)
		pc_strbuf_addf(out, "%s%s", out->len ? " " : "", b);
}

/* An element count that differs (PC207): what decided each side's. */
static void count_finding(struct sec_ctx *s, const struct pc_rnode *a,
			  const struct pc_rnode *b, const char *path)
{
	char *sa = pc_xasprintf("%u", a->count_field ? a->count_max : a->count);
	char *sb = pc_xasprintf("%u", b->count_field ? b->count_max : b->count);
	struct pc_strbuf w = PC_STRBUF_INIT;
	struct pc_strbuf deps = PC_STRBUF_INIT;

	if (pc_rnode_why(a))
		pc_strbuf_addf(&w, "source: %s", pc_rnode_why(a));
	if (pc_rnode_why(b))
		pc_strbuf_addf(&w, "%sdestination: %s", w.len ? "; " : "",
			       pc_rnode_why(b));
	if (!w.len)
		pc_strbuf_addstr(&w, a->count_field
			? "the destination accepts fewer elements than the source may send"
			: "the element count differs");
	join_deps(&deps, a->deps, b->deps);
	sec_add(s, (struct pc_hit){
		.rule = PC_R_FIELD_COUNT,
		.severity = PC_SEV_INCOMPATIBLE,
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

/* Another element size (PC206): the shapes when the kinds differ too. */
static void size_finding(struct sec_ctx *s, const struct pc_rnode *a,
			 const struct pc_rnode *b, const char *path)
{
	char *sa = a->kind != b->kind ? node_shape(a) : pc_xasprintf("%u bytes", a->size);
	char *sb = a->kind != b->kind ? node_shape(b) : pc_xasprintf("%u bytes", b->size);

	sec_add(s, (struct pc_hit){
		.rule = PC_R_FIELD_SIZE,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = path,
		.src_value = sa,
		.dst_value = sb,
		.why = "the destination reads a different number of bytes per element",
		.fix = "keep the size; a wider value goes into a new field, sent in a subsection with needed= over a property that a compat entry turns off for the older machine types" });
	free(sa);
	free(sb);
}

static struct pc_wshape rnode_wshape(const struct pc_rnode *n)
{
	return (struct pc_wshape){
		.kind = (int)n->kind,
		.is_struct = n->kind == PC_FIELD_STRUCT,
		.size = n->size,
		.count = n->count,
		.var_count = n->count_field != NULL,
		.count_max = n->count_max,
	};
}

/* A source field against the destination's field that loads it: the
 * shape rules the walk found (wire-walk.h), then the nested
 * descriptions. */
static void compare_node(struct sec_ctx *s, const struct pc_wpair *pr,
			 const char *path, int depth)
{
	const struct pc_rnode *a = pr->s->item, *b = pr->d->item;

	for (size_t i = 0; i < pr->n_rules; i++) {
		if (pr->rules[i] == PC_R_FIELD_RENAMED)
			sec_add(s, (struct pc_hit){
				.rule = PC_R_FIELD_RENAMED,
				.severity = PC_SEV_REVIEW,
				.path = path,
				.src_value = a->name,
				.dst_value = b->name,
				.why = "field names are not on the wire; the shape is the same",
				.fix = "if the meaning changed, this is a break: bump the version" });
		else if (pr->rules[i] == PC_R_NESTED_MISSING)
			kind_finding(s, a, b, path, PC_R_NESTED_MISSING, PC_SEV_INCOMPATIBLE,
				     "one side sends a nested structure (its fields), the other a plain field: the wire formats differ");
		else if (pr->rules[i] == PC_R_FIELD_TYPE)
			kind_finding(s, a, b, path, PC_R_FIELD_TYPE, PC_SEV_REVIEW,
				     "same size on the wire, but the value is read as another type");
		else if (pr->rules[i] == PC_R_FIELD_SIZE)
			size_finding(s, a, b, path);
		else
			count_finding(s, a, b, path);
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
	if (pc_rnode_why(n))
		pc_strbuf_addf(&w, " (%s: %s)", on_source ? "source" : "destination",
			       pc_rnode_why(n));
	sec_add(s, (struct pc_hit){
		.rule = rule,
		.severity = PC_SEV_INCOMPATIBLE,
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

/* --- the walk over resolved layouts (wire-walk.h) ------------------------- */

static int rdesc_version(const void *desc)
{
	return ((const struct pc_rdesc *)desc)->version_id;
}

static size_t rdesc_n_fields(const void *desc)
{
	return ((const struct pc_rdesc *)desc)->n_nodes;
}

static void rdesc_field(const void *desc, size_t i, struct pc_wfield *out)
{
	const struct pc_rdesc *d = desc;
	const struct pc_rnode *n = &d->nodes[i];
	uint64_t bytes = rnode_bytes(n, 0);

	assert(i < d->n_nodes);
	*out = (struct pc_wfield){
		.name = n->name,
		.shape = rnode_wshape(n),
		.version = n->version,
		/* conditions are resolved: a node is there or not */
		.has_test = false,
		.padding = n->kind == PC_FIELD_UNUSED,
		.bytes = bytes ? bytes : PC_WIRE_BYTES_UNKNOWN,
		.nested = n->desc,
		.item = n,
		.index = i,
	};
}

static const struct pc_wdesc_ops rdesc_view = {
	rdesc_version, rdesc_n_fields, rdesc_field,
};

/* One description's walk: where its findings go. */
struct walk_ctx {
	struct sec_ctx *s;
	const char *path;
	int depth;
};

/* The path of a field called 'name' (NULL: of its description) at
 * 'pos': the description's path, then the wrappers stepped into. */
static char *walk_path(const struct walk_ctx *w, const struct pc_wpos *pos,
		       const char *name)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	/* joined without a format: one for every pair of fields compared */
	pc_strbuf_addstr(&sb, w->path);
	for (int i = 0; i < pos->n_via; i++)
		pc_strbuf_addsep(&sb, ".", pos->via[i]);
	if (name)
		pc_strbuf_addsep(&sb, ".", name);
	return pc_strbuf_detach(&sb);
}

static bool r_same_name(void *data, const struct pc_wpos *sp,
			const struct pc_wpos *dp, const char *a, const char *b)
{
	return !strcmp(a, b);
}

static void r_pair(void *data, const struct pc_wpair *pr)
{
	struct walk_ctx *w = data;
	char *p = walk_path(w, &pr->sp, pr->s->name);

	compare_node(w->s, pr, p, w->depth);
	free(p);
}

/* The destination's node called 'name' that it does not load at the
 * incoming version 'dp' walks at (a field version gate), or NULL. */
static const struct pc_rnode *gated_node(const struct pc_wpos *dp,
					 const char *name)
{
	const struct pc_rnode *n;

	if (dp->nested)
		return NULL; /* nested versions gate nothing on the wire */
	n = find_node(dp->desc, name);
	return n && !pc_wire_field_loaded(n->version, false, dp->version)
		? n : NULL;
}

static void r_added(void *data, const struct pc_wfield *f,
		    const struct pc_wpos *sp, const struct pc_wpos *dp)
{
	struct walk_ctx *w = data;

	char *p = walk_path(w, sp, NULL);

	field_presence_finding(w->s, PC_R_FIELD_ADDED, f->item, p, true,
			       sp->nested, gated_node(dp, f->name),
			       dp->nested ? -1 : dp->version);
	free(p);
}

static void r_missing(void *data, const struct pc_wfield *f,
		      const struct pc_wpos *sp, const struct pc_wpos *dp)
{
	struct walk_ctx *w = data;

	char *p = walk_path(w, dp, NULL);

	field_presence_finding(w->s, PC_R_FIELD_MISSING, f->item, p, false,
			       dp->nested, NULL, dp->nested ? -1 : dp->version);
	free(p);
}

/* Both sides have both fields in another order: the source's field is
 * read into another field (each place the stream is misread). */
static void r_reordered(void *data, const struct pc_wfield *s,
			const struct pc_wpos *sp, const struct pc_wfield *d,
			const struct pc_wpos *dp)
{
	struct walk_ctx *w = data;
	char *p = walk_path(w, sp, s->name);
	char *sv = pc_xasprintf("position %zu", s->index + 1);
	char *dv = pc_xasprintf("position %zu (where '%s' is sent)",
				d->index + 1, s->name);
	/* a swap misreads two places in each direction: the place names
	 * the cause, so each direction's finding says which it is */
	char *fix = pc_xasprintf("restore the field order: the source sends '%s' as its field %zu, where the destination loads '%s'",
				 s->name, s->index + 1, d->name);

	sec_add(w->s, (struct pc_hit){
		.rule = PC_R_FIELD_REORDERED,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = p,
		.src_value = sv,
		.dst_value = dv,
		.why = "the stream carries no field names: a moved field is read into another field",
		.fix = fix });
	free(p);
	free(sv);
	free(dv);
	free(fix);
}

/* Padding (unused) whose run of fields does not line up with the other
 * side's bytes. */
static void r_padding(void *data, const struct pc_wfield *pad,
		      const struct pc_wpos *pos, uint64_t sb, uint64_t db)
{
	struct walk_ctx *w = data;
	char *p = walk_path(w, pos, pad->name);
	char *sv = sb == PC_WIRE_BYTES_UNKNOWN ? pc_xstrdup("a count sent in the stream")
		 : pc_xasprintf("%llu bytes", (unsigned long long)sb);
	char *dv = db == PC_WIRE_BYTES_UNKNOWN ? pc_xstrdup("a count sent in the stream")
		 : pc_xasprintf("%llu bytes", (unsigned long long)db);

	sec_add(w->s, (struct pc_hit){
		.rule = PC_R_FIELD_SIZE,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = p,
		.src_value = sv,
		.dst_value = dv,
		.why = "a placeholder (unused) stands for other fields only when the byte counts line up",
		.fix = "make the placeholder exactly as large as the fields it replaces ('field NAME unused size=N', QEMU's VMSTATE_UNUSED(N))" });
	free(p);
	free(sv);
	free(dv);
}

/*
 * The fix of a subsection the destination does not know (PC301), fitting
 * what decides whether it is sent (QEMU's vmstate_subsection_load() fails
 * on any subsection it does not know, whatever decided to send it);
 * 'deps' are the properties its needed= reads.  Allocated.
 */
static char *unknown_sub_fix(enum pc_subcond c, const char *deps)
{
	const char *d = deps && *deps ? deps : "the property it reads";

	switch (c) {
	case PC_SUBCOND_NEEDED:
		return pc_xasprintf("make needed= false for this machine type: a compat entry turning off %s (QEMU: a needed() callback over a compat property)", d);
	case PC_SUBCOND_RUNTIME:
		return pc_xstrdup("the guest's state decides (runtime), so the load fails only once the guest uses what the subsection carries: the operator can migrate to a destination that knows the subsection, or migrate before the guest enables that feature; the device author gates it with 'needed=PROPERTY runtime' over a property that a compat entry turns off for the older machine types");
	case PC_SUBCOND_NEEDED_RUNTIME:
		return pc_xasprintf("turn off %s for this machine type (a compat entry): the subsection is then never sent; until then the operator can start the source with it off, or migrate before the guest enables the feature", d);
	case PC_SUBCOND_ALWAYS:
		break;
	}
	return pc_xstrdup("a subsection without needed= is sent every time: give it needed=PROPERTY over a property that is on by default and off in the compat array of the older machine types (QEMU: a needed() callback over a compat property), or 'runtime' when the guest's state decides");
}

/* The fix of a subsection the destination needs and the source never
 * sends (PC302): only a destination that always sends it (no condition,
 * or a needed= that holds; a runtime one gives nothing). */
static const char *required_sub_fix(enum pc_subcond c)
{
	if (c == PC_SUBCOND_ALWAYS)
		return "the destination needs it every time (no needed= condition) and keeps its reset state when the source does not send it: check that the reset state is what an older source implies, or gate the subsection with needed= over a property that a compat entry turns off for the older machine types";
	return "start the destination so that its needed= is false (the property that decides it), or check that the device's reset state is what an older source implies";
}

/* A structure only one side has, wrapping the other side's fields: its
 * subsections have no peer (rules-wire.h). */
static void r_step_into(void *data, bool on_source, const struct pc_wfield *f,
			const struct pc_wpos *pos)
{
	struct walk_ctx *w = data;
	const struct pc_rdesc *d = f->nested;

	for (size_t i = 0; i < d->n_subs; i++) {
		const struct pc_rsub *sub = &d->subs[i];
		enum pc_severity sev;
		enum pc_rule rule = pc_wire_wrapper_subsection_rule(on_source,
								    sub->send,
								    &sev);
		char *p, *wp, *fix;

		if (rule == PC_R__COUNT)
			continue;
		fix = on_source ? unknown_sub_fix(sub->cond, sub->deps) : NULL;
		p = walk_path(w, pos, f->name);
		wp = p;
		p = join_path(wp, sub->desc->name);
		free(wp);
		sec_add(w->s, (struct pc_hit){
			.rule = rule,
			.severity = sev,
			.path = p,
			.src_value = on_source ? pc_wire_subcond_sent(sub->cond) : NULL,
			.dst_value = on_source ? NULL : "needed by the destination's wrapper structure",
			.why = pc_rsub_why(sub),
			.deps = sub->deps,
			.condition = pc_wire_subcond_name(sub->cond),
			.fix = fix ? fix : required_sub_fix(sub->cond) });
		free(fix);
		free(p);
	}
}

static const struct pc_wwalk_ops check_events = {
	.same_name = r_same_name,
	.pair = r_pair,
	.added = r_added,
	.missing = r_missing,
	.reordered = r_reordered,
	.padding = r_padding,
	.step_into = r_step_into,
};

/* The version finding of a section or subsection whose source version is
 * outside what the destination loads; false when it is inside. */
static bool version_finding(struct sec_ctx *s, const struct pc_rdesc *sd,
			    const struct pc_rdesc *dd, const char *path,
			    const char *why)
{
	enum pc_rule rule = pc_wire_version_rule(sd->version_id,
						 dd->min_version_id,
						 dd->version_id);
	char *sv, *dv, *vfix;

	if (rule == PC_R__COUNT)
		return false;
	sv = pc_xasprintf("version %d", sd->version_id);
	dv = pc_xasprintf("loads %d..%d", dd->min_version_id, dd->version_id);
	vfix = version_fix(s->x, sd, dd);
	sec_add(s, (struct pc_hit){
		.rule = rule,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = path,
		.src_value = sv,
		.dst_value = dv,
		.why = why,
		.fix = vfix });
	free(vfix);
	free(sv);
	free(dv);
	return true;
}

static const struct pc_rsub *find_sub(const struct pc_rdesc *d,
				      const char *name)
{
	const struct pc_rsub *r = NULL;

	/* the last of that name, as the loader's lookup meets it */
	for (size_t j = 0; j < d->n_subs; j++)
		if (!strcmp(d->subs[j].desc->name, name))
			r = &d->subs[j];
	return r;
}

/* Subsections the source may send: unknown to the destination (PC301),
 * or loaded at their own version (PC103/PC104) and compared. */
static void compare_sent_subsections(struct sec_ctx *s,
				     const struct pc_rdesc *sd,
				     const struct pc_rdesc *dd,
				     const char *path, int depth)
{
	for (size_t i = 0; i < sd->n_subs; i++) {
		const struct pc_rsub *ss = &sd->subs[i];
		const struct pc_rsub *ds = find_sub(dd, ss->desc->name);
		enum pc_severity sev;
		enum pc_rule rule = pc_wire_subsection_rule(ss->send, ds != NULL,
							    ds ? ds->send : PC_SEND_NEVER,
							    &sev);
		char *p;

		if (ss->send == PC_SEND_NEVER)
			continue; /* PC302 is the destination's loop */
		p = join_path(path, ss->desc->name);
		if (rule == PC_R_SUBSECTION_UNKNOWN) {
			char *fix = unknown_sub_fix(ss->cond, ss->deps);

			sec_add(s, (struct pc_hit){
				.rule = rule,
				.severity = sev,
				.path = p,
				.src_value = pc_wire_subcond_sent(ss->cond),
				.why = pc_rsub_why(ss),
				.deps = ss->deps,
				.condition = pc_wire_subcond_name(ss->cond),
				.fix = fix });
			free(fix);
		} else if (!version_finding(s, ss->desc, ds->desc, p,
					    "subsection version outside what the destination loads")) {
			/* a refused subsection fails the load
			 * (vmstate_subsection_load): its fields are never read */
			compare_desc(s, ss->desc, ds->desc, p,
				     ss->desc->version_id, depth + 1);
		}
		free(p);
	}
}

/*
 * Subsections the destination's own configuration needs but the source
 * never sends (PC302): QEMU loads the section without them and the device
 * keeps its reset state there (whether that state matters is the
 * device's business).
 */
static void compare_needed_subsections(struct sec_ctx *s,
				       const struct pc_rdesc *sd,
				       const struct pc_rdesc *dd,
				       const char *path)
{
	for (size_t j = 0; j < dd->n_subs; j++) {
		const struct pc_rsub *ds = &dd->subs[j];
		const struct pc_rsub *ss = find_sub(sd, ds->desc->name);
		enum pc_severity sev;
		char *p;

		if (pc_wire_subsection_rule(ss ? ss->send : PC_SEND_NEVER, true,
					    ds->send, &sev) != PC_R_SUBSECTION_REQUIRED)
			continue;
		p = join_path(path, ds->desc->name);
		sec_add(s, (struct pc_hit){
			.rule = PC_R_SUBSECTION_REQUIRED,
			.severity = sev,
			.path = p,
			.src_value = ss ? "never sent" : "unknown to the source",
			.dst_value = pc_wire_subcond_sent(ds->cond),
			.why = pc_rsub_why(ds),
			.deps = ds->deps,
			.condition = pc_wire_subcond_name(ds->cond),
			.fix = required_sub_fix(ds->cond) });
		free(p);
	}
}

/*
 * The fix of a config-space finding that no property decides (the
 * content changed for every machine type): the property and compat line
 * that keep the old content for this machine type.
 */
static char *config_fix(const struct sec_ctx *s, const char *what,
			const char *gate)
{
	const struct pc_machine *m = s->x->svm->machine;
	const char *type = s->dobj ? s->dobj->type->name
		: s->so ? s->so->type->name : s->device;

	return pc_xasprintf("the %s changed for every machine type: put the change behind a new property of %s (%s, default on) and keep the old content for %s and older with the compat line 'hw_compat_%d_%d.compat: %s x-PROPERTY off'",
			    what, type, gate, m->name, m->version.v[0],
			    m->version.v[1], type);
}

/*
 * A config-space finding of 'rule' at str[0] (the path), source value
 * str[1], destination value str[2], why str[3], fix str[4] (all taken
 * and freed), caused by the properties both registers depend on.
 */
static void config_hit(struct sec_ctx *s, enum pc_rule rule, const char *sdeps,
		       const char *ddeps, char *str[5])
{
	struct pc_strbuf deps = PC_STRBUF_INIT;

	join_deps(&deps, sdeps, ddeps);
	sec_add(s, (struct pc_hit){
		.rule = rule,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = str[0],
		.src_value = str[1],
		.dst_value = str[2],
		.why = str[3],
		.deps = deps.len ? deps.buf : NULL,
		.fix = str[4] });
	pc_strbuf_release(&deps);
	for (int i = 0; i < 5; i++)
		free(str[i]);
}

/* One invariant the destination verifies, against the source's value. */
static void invariant_finding(struct sec_ctx *s, const struct pc_rinv *si,
			      const struct pc_rinv *di, const char *path,
			      uint64_t diff)
{
	uint64_t sval = si ? si->value : 0;
	int w = (int)di->size * 2;
	char *p = pc_xasprintf("%s%s%s (%s+0x%x)", path, *path ? "." : "",
			       di->name, di->field, di->offset);
	char *sv = pc_xasprintf("0x%0*llx", w, (unsigned long long)sval);
	char *dv = pc_xasprintf("0x%0*llx (read-only mask 0x%0*llx, differing bits 0x%0*llx)",
				w, (unsigned long long)di->value, w,
				(unsigned long long)di->romask, w,
				(unsigned long long)diff);
	char *why = pc_xasprintf("the destination compares the incoming value with its own on its read-only bits and refuses the load; source %s; destination %s",
				 si ? si->why : "does not set it (0)", di->why);
	char *fix = config_fix(s, "register's content",
			       "value=\"x-PROPERTY ? NEW : OLD\"");

	config_hit(s, PC_R_INVARIANT, si ? si->deps : NULL, di->deps,
		   (char *[]){ p, sv, dv, why, fix });
}

/* PC402: bits the source's guest may have changed (its wmask and
 * w1cmask) that the destination checks as read-only. */
static void runtime_bits_finding(struct sec_ctx *s, const struct pc_rinv *si,
				 const struct pc_rinv *di, const char *path,
				 uint64_t bits)
{
	int w = (int)di->size * 2;
	char *p = pc_xasprintf("%s%s%s (%s+0x%x)", path, *path ? "." : "",
			       di->name, di->field, di->offset);
	char *sv = pc_xasprintf("guest-changeable bits 0x%0*llx",
				w, (unsigned long long)si->runtime_bits);
	char *dv = pc_xasprintf("read-only mask 0x%0*llx (checked bits the source's guest may change 0x%0*llx)",
				w, (unsigned long long)di->romask, w,
				(unsigned long long)bits);
	char *why = pc_xasprintf("the source's guest may write (or clear) these bits, and the destination refuses any incoming value that differs from its own on them (QEMU's get_pci_config_device(): cmask & ~wmask & ~w1cmask); source %s; destination %s",
				 si->why, di->why);
	char *fix = config_fix(s, "register's masks",
			       "wmask=\"x-PROPERTY ? NEW : OLD\"");

	config_hit(s, PC_R_CONFIG_RUNTIME_BITS, si->deps, di->deps,
		   (char *[]){ p, sv, dv, why, fix });
}

/* Invariants the destination verifies (PC401): the source's value (0
 * when it does not set it) under the destination's read-only mask; and
 * the bits the source's guest may change that it verifies (PC402). */
static void compare_invariants(struct sec_ctx *s, const struct pc_rdesc *sd,
			       const struct pc_rdesc *dd, const char *path)
{
	for (size_t j = 0; j < dd->n_invs; j++) {
		const struct pc_rinv *di = &dd->invs[j];
		const struct pc_rinv *si = NULL;
		uint64_t diff, bits;

		for (size_t i = 0; i < sd->n_invs; i++)
			if (!strcmp(sd->invs[i].name, di->name))
				si = &sd->invs[i];
		diff = ((si ? si->value : 0) ^ di->value) & di->romask;
		if (diff)
			invariant_finding(s, si, di, path, diff);
		bits = si ? si->runtime_bits & di->romask & ~diff : 0;
		if (bits)
			runtime_bits_finding(s, si, di, path, bits);
	}
}

static const struct pc_rcap *find_cap(const struct pc_rdesc *d,
				      const char *name)
{
	for (size_t i = 0; i < d->n_caps; i++)
		if (!strcmp(d->caps[i].name, name))
			return &d->caps[i];
	return NULL;
}

static char *cap_text(const struct pc_rcap *c)
{
	if (!c)
		return pc_xstrdup("absent");
	return pc_xasprintf("%s capability 0x%x at 0x%x, next 0x%x",
			    c->express ? "extended" : "standard", c->id,
			    c->offset, c->next);
}

/* PC403 (both have it, elsewhere) or PC404 (one side only). */
static void cap_finding(struct sec_ctx *s, const struct pc_rcap *sc,
			const struct pc_rcap *dc, const char *path)
{
	const struct pc_rcap *c = sc ? sc : dc;
	char *p = pc_xasprintf("%s%scapability %s (%s)", path, *path ? "." : "",
			       c->name, c->field);
	char *sv = cap_text(sc), *dv = cap_text(dc);
	char *why = pc_xasprintf("%s; the destination checks the capability list (the list pointers and every capability's bytes) and refuses the load%s%s%s%s",
				 sc && dc ? "the capability is at another offset or another place in the list (a capability added or removed before it moves it)"
				 : "the capability exists on one side only",
				 sc && sc->why ? "; source: " : "",
				 sc && sc->why ? sc->why : "",
				 dc && dc->why ? "; destination: " : "",
				 dc && dc->why ? dc->why : "");
	char *fix = config_fix(s, "capability list", "if=x-PROPERTY on the capability that was added");
	struct pc_strbuf deps = PC_STRBUF_INIT;

	join_deps(&deps, sc ? sc->deps : NULL, dc ? dc->deps : NULL);
	sec_add(s, (struct pc_hit){
		.rule = sc && dc ? PC_R_CAPABILITY_MOVED : PC_R_CAPABILITY_MISSING,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = p,
		.src_value = sv,
		.dst_value = dv,
		.why = why,
		.deps = deps.len ? deps.buf : NULL,
		.fix = fix });
	pc_strbuf_release(&deps);
	free(p);
	free(sv);
	free(dv);
	free(why);
	free(fix);
}

/* The capability lists of the config buffers of this description. */
static void compare_caps(struct sec_ctx *s, const struct pc_rdesc *sd,
			 const struct pc_rdesc *dd, const char *path)
{
	for (size_t j = 0; j < dd->n_caps; j++) {
		const struct pc_rcap *dc = &dd->caps[j];
		const struct pc_rcap *sc = find_cap(sd, dc->name);

		if (!sc || sc->offset != dc->offset || sc->next != dc->next ||
		    sc->id != dc->id)
			cap_finding(s, sc, dc, path);
	}
	for (size_t i = 0; i < sd->n_caps; i++)
		if (!find_cap(dd, sd->caps[i].name))
			cap_finding(s, &sd->caps[i], NULL, path);
}

/*
 * One description as sent ('sd') against the same as loaded ('dd') at
 * the incoming version (-1: a nested description, walked at each side's
 * own version): every rule family of a layout, in the order of the
 * report.
 */
static void compare_desc(struct sec_ctx *s, const struct pc_rdesc *sd,
			 const struct pc_rdesc *dd, const char *path,
			 int incoming_version, int depth)
{
	struct walk_ctx w = { s, path, depth };

	if (depth > PC_WIRE_MAX_DEPTH)
		return;
	/* a nested description is walked at each side's own version */
	if (incoming_version < 0)
		pc_wire_walk(&rdesc_view, sd, sd->version_id, &rdesc_view, dd,
			     dd->version_id, true, &check_events, &w);
	else
		pc_wire_walk(&rdesc_view, sd, incoming_version, &rdesc_view, dd,
			     incoming_version, false, &check_events, &w);
	compare_sent_subsections(s, sd, dd, path, depth);
	compare_needed_subsections(s, sd, dd, path);
	compare_invariants(s, sd, dd, path);
	compare_caps(s, sd, dd, path);
}

/*
 * In the default configuration (every concrete type of each side), a
 * device type that only one build has is not a migration break: no VM
 * using it can be started on the other build (or migrated, when the
 * other build blocks its migration).  A configuration given
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
	/* the machine type's own state is in every VM of it */
	if (pc_type_is_machine(top->type))
		return false;
	t = pc_registry_find_type(other->reg, top->type->name);
	/* a type the other build refuses to migrate is left out of its
	 * default configuration: no migration with it starts there */
	return !t || !pc_side_has_type(other, t) ||
	       pc_side_type_blocker(other, t);
}

/* Does 'other' have o's type but block its migration (type_only_here())? */
static bool type_blocked_there(const struct pc_side *other,
			       const struct pc_object *o)
{
	const struct pc_type *t;

	while (o->parent)
		o = o->parent;
	t = pc_registry_find_type(other->reg, o->type->name);
	return t && pc_side_has_type(other, t) && pc_side_type_blocker(other, t);
}

/*
 * The section's idstr differs (PC109): QEMU looks the incoming header's
 * idstr and instance id up (savevm.c find_se()) and refuses a section it
 * has not registered under that name, whatever its layout.
 */
static bool idstr_finding(struct sec_ctx *sc, const struct pc_rsection *ss,
			  const struct pc_rsection *ds)
{
	const char *si = ss->idstr ? ss->idstr : ss->name;
	const char *di = ds->idstr ? ds->idstr : ds->name;
	char *why, *deps;

	if (!strcmp(si, di))
		return false;
	why = pc_xasprintf("the destination registers the section as '%s' instance 0 and looks the incoming header up by idstr and instance id: QEMU refuses the stream (\"Unknown savevm section or instance '%s' 0\")",
			   di, si);
	deps = pc_xasprintf("%s%s%s", ss->idstr_prop ? ss->idstr_prop : "",
			    ss->idstr_prop && ds->idstr_prop ? " " : "",
			    ds->idstr_prop ? ds->idstr_prop : "");
	sec_add(sc, (struct pc_hit){
		.rule = PC_R_SECTION_IDSTR,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = ss->name,
		.src_value = si,
		.dst_value = di,
		.why = why,
		.deps = *deps ? deps : NULL,
		.fix = "keep the device at the path its release gave it on the older machine types: pin the property that places it (its address or slot) with a compat entry" });
	free(why);
	free(deps);
	return true;
}

/* A section of the machine type's own state that the destination's
 * machine type does not register (PC604). */
static void machine_section_missing(struct sec_ctx *sc,
				    const struct pc_rsection *ss)
{
	char *why = pc_xasprintf("the source's machine type registers section '%s' (machine state %s) and the destination's does not: QEMU's loader finds no handler and refuses the stream (\"Unknown savevm section or instance '%s' 0\")",
				 ss->name, ss->obj->type->name, ss->name);

	sec_add(sc, (struct pc_hit){
		.rule = PC_R_MACHINE_SECTION,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = ss->name,
		.src_value = "sent",
		.dst_value = "(not registered)",
		.why = why,
		.fix = "keep the older machine types' streams as their releases sent them: put new machine state in a subsection of an existing machine section with needed= over a property of the machine state that a compat entry turns off for the older machine types, and keep a section a release still loads" });
	free(why);
}

/* A section the source sends and the destination does not have (PC101). */
static void section_missing(struct sec_ctx *sc, const struct pc_rsection *ss)
{
	bool newtype = !sc->dobj && type_only_here(sc->x->dst, ss->obj);
	char *why = sc->dobj
		? pc_xasprintf("'%s' exists on both sides but has no section '%s' on the destination",
			       ss->instance, ss->name)
		: newtype && type_blocked_there(sc->x->dst, ss->obj)
		? pc_xasprintf("the destination build refuses to migrate device type %s (unmigratable there), so the default configuration does not compare it (name it with --vm-device to check such a VM)",
			       ss->obj->type->name)
		: newtype
		? pc_xasprintf("the destination build has no device type %s: a VM using it cannot be started there, so the default configuration does not compare it (name it with --vm-device to check such a VM)",
			       ss->obj->type->name)
		: pc_xasprintf("the destination has no device '%s' (type %s)",
			       ss->instance, ss->obj->type->name);

	sec_add(sc, (struct pc_hit){
		.rule = PC_R_SECTION_MISSING,
		.severity = newtype ? PC_SEV_INFO : PC_SEV_INCOMPATIBLE,
		.path = ss->name,
		.src_value = "sent",
		.why = why,
		.fix = sc->dobj ? "keep the section name" : newtype ? NULL :
		       "load the plugin that provides this device on the destination, or remove it from the VM configuration" });
	free(why);
}

/* A section the destination expects and the source never sends (PC102). */
static void section_unsent(struct dir_ctx *x, const struct pc_rsection *ds)
{
	const struct pc_object *so = pc_check_other_object(x->svm, x->dvm, ds->obj);
	bool newtype = !so && type_only_here(x->src, ds->obj);
	char *why = so
		? pc_xasprintf("'%s' exists on both sides but the source sends no section '%s'",
			       ds->instance, ds->name)
		: newtype && type_blocked_there(x->src, ds->obj)
		? pc_xasprintf("the source build refuses to migrate device type %s (unmigratable there), so the default configuration does not compare it",
			       ds->obj->type->name)
		: newtype
		? pc_xasprintf("the source build has no device type %s: no VM started there has it, so the default configuration does not compare it",
			       ds->obj->type->name)
		: pc_xasprintf("the source has no device '%s' (type %s): the destination's device keeps its reset state",
			       ds->instance, ds->obj->type->name);

	dir_add(x, &(struct pc_hit){
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

void pc_rules_sections(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	assert(svm && dvm && x->r && x->out.report == x->r);

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
			if (pc_type_is_machine(ss->obj->type))
				machine_section_missing(&sc, ss);
			else
				section_missing(&sc, ss);
			continue;
		}
		/* identical resolved layouts: nothing to compare */
		if (ss->fingerprint == ds->fingerprint)
			continue;
		/* QEMU finds the section by idstr before it reads it */
		if (idstr_finding(&sc, ss, ds))
			continue;
		/* QEMU refuses a section at its header (vmstate_load_state):
		 * what its fields would meet is not part of this migration */
		if (version_finding(&sc, ss->desc, ds->desc, ss->name,
				    "QEMU refuses a section whose version is outside [minimum_version_id, version_id]"))
			continue;
		compare_desc(&sc, ss->desc, ds->desc, "", ss->desc->version_id, 0);
	}
	for (size_t j = 0; j < dvm->n_sections; j++)
		if (!other_section(svm, j, &dvm->sections[j]))
			section_unsent(x, &dvm->sections[j]);
}
