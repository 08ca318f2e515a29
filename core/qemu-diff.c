/*
 * qemu-diff.c - compare two QEMU vmstate dumps as migration streams, one
 * direction per call (source -> destination), following what QEMU's save
 * and load paths do (migration/vmstate.c) rather than what the dump looks
 * like:
 *
 *  - a field is on the wire iff its version_id <= the version the stream
 *    is at.  The source writes the top-level description at its own
 *    version_id and the destination loads it at that incoming version; a
 *    nested structure's version is NOT on the wire, so each side walks a
 *    nested description at its own version (vmstate_save_state /
 *    vmstate_load_state with field->vmsd->version_id).  Subsections carry
 *    their version on the wire, like sections.
 *  - the stream is a sequence of bytes, so the comparison walks both field
 *    lists with cursors that can step into a nested structure on one side
 *    only: wrapping fields into a new struct with the same bytes is then
 *    compatible, and a field named "unused" (VMSTATE_UNUSED) stands for any
 *    fields of the same total size.  That walk is the check's too
 *    (wire-walk.h); this file adapts dumps to it and words its events.
 *  - names decide how a mismatch is explained (added, missing, reordered,
 *    renamed) and a rename file (qemu-diff.h) declares names equal.
 *
 * Every mismatch is reported and the walk goes on; the rules and how they
 * map to the messages of QEMU's vmstate-static-checker.py are described in
 * Documentation/qemu-diff.md.
 */
#include "qemu-diff.h"
#include "rules-wire.h"
#include "wire-walk.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* --- findings ------------------------------------------------------------ */

struct diff {
	const struct pc_qdump *src, *dst;
	const struct pc_qrenames *ren;
	struct pc_emitter out;
	const char *device; /* current section (source's key) */
	/* each side's adapter: with counts, or fields of unknown count */
	const struct pc_wdesc_ops *sview, *dview;
};

/*
 * Emit 'h' in the current section.  Its path, values and why are
 * allocated (or NULL) and freed here; its fix is borrowed.
 */
static void emit(struct diff *d, struct pc_hit *h)
{
	h->device = d->device;
	pc_emit(&d->out, h);
	free((char *)(uintptr_t)h->path);
	free((char *)(uintptr_t)h->src_value);
	free((char *)(uintptr_t)h->dst_value);
	free((char *)(uintptr_t)h->why);
}

/* Same, when the fix text is allocated too. */
static void emit_own_fix(struct diff *d, struct pc_hit *h)
{
	char *fix = (char *)(uintptr_t)h->fix;

	emit(d, h);
	free(fix);
}

/* Emit 'h' in the current section; every string is borrowed. */
static void emit_kept(struct diff *d, struct pc_hit *h)
{
	h->device = d->device;
	pc_emit(&d->out, h);
}

static char *field_shape(const struct pc_qdump_field *f)
{
	if (f->desc)
		return pc_xasprintf("'%s': struct '%s'%s, %llu bytes on the wire",
				    f->name, f->desc->name,
				    f->has_num ? " array" : "",
				    (unsigned long long)pc_qdump_field_wire_size(f));
	if (f->has_num)
		return pc_xasprintf("'%s': %u x %llu bytes", f->name, f->num,
				    (unsigned long long)f->size);
	return pc_xasprintf("'%s': %llu bytes", f->name,
			    (unsigned long long)f->size);
}

static const char fix_versions[] =
	"keep the source's version loadable: do not bump version_id for new "
	"state, send it in a subsection with a needed() function (gated by a "
	"compat property on older machine types)";

/*
 * Is the source's version within the destination's [minimum, version]?
 * Identical declarations on both sides never differ in what they accept:
 * QEMU's test data has descriptions whose version_id is below their own
 * minimum_version_id, a defect of the dump, not of the pair, so a dump
 * compared with itself stays clean.  One refusal at most (QEMU stops at
 * the first, rules-wire.h); true when the source's version is refused.
 */
static bool version_check(struct diff *d, const char *path, int sver,
			  int smin, int dver, int dmin, const char *what)
{
	enum pc_rule rule = pc_wire_version_rule(sver, dmin, dver);

	if ((sver == dver && smin == dmin) || rule == PC_R__COUNT)
		return false;
	if (rule == PC_R_VERSION_TOO_NEW)
		emit(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_VERSION_TOO_NEW),
			.path = path ? pc_xstrdup(path) : NULL,
			.src_value = pc_xasprintf("version_id %d", sver),
			.dst_value = pc_xasprintf("version_id %d (minimum_version_id %d)", dver, dmin),
			.why = pc_xasprintf("the destination loads %s versions %d..%d only; QEMU rejects a newer stream",
					    what, dmin, dver),
			.fix = fix_versions });
	else
		emit(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_VERSION_TOO_OLD),
			.path = path ? pc_xstrdup(path) : NULL,
			.src_value = pc_xasprintf("version_id %d", sver),
			.dst_value = pc_xasprintf("minimum_version_id %d (version_id %d)", dmin, dver),
			.why = pc_xasprintf("the destination's minimum_version_id of %s is above the version the source sends; QEMU refuses older streams",
					    what),
			.fix = "keep minimum_version_id at or below the oldest version still in use: raising it drops migration from older releases" });
	return true;
}

/* --- the walk over dumps (wire-walk.h) ------------------------------------ */

static int qvmsd_version(const void *desc)
{
	return ((const struct pc_qdump_vmsd *)desc)->version_id;
}

static size_t qvmsd_n_fields(const void *desc)
{
	return ((const struct pc_qdump_vmsd *)desc)->n_fields;
}

static struct pc_wshape qfield_wshape(const struct pc_qdump_field *f)
{
	return (struct pc_wshape){
		.kind = -1, /* a dump has sizes, not C types */
		.is_struct = f->desc != NULL,
		.size = f->size,
		.count = pc_qdump_field_count(f),
	};
}

static void qvmsd_field(const void *desc, size_t i, struct pc_wfield *out)
{
	const struct pc_qdump_vmsd *v = desc;
	const struct pc_qdump_field *f = &v->fields[i];
	uint64_t bytes = pc_qdump_field_wire_size(f);

	assert(i < v->n_fields);
	*out = (struct pc_wfield){
		.name = f->name,
		.shape = qfield_wshape(f),
		.version = f->version_id,
		.has_test = f->field_exists,
		.padding = pc_qdump_field_is_padding(f),
		/* saturated: not a size to line anything up with */
		.bytes = bytes == UINT64_MAX ? PC_WIRE_BYTES_UNKNOWN : bytes,
		.nested = f->desc,
		.item = f,
		.index = i,
	};
}

static const struct pc_wdesc_ops qdump_view = {
	qvmsd_version, qvmsd_n_fields, qvmsd_field,
};

/* A dump that records no counts: a field but padding has one or more
 * elements (pc_qdump_counts_unknown()). */
static void qvmsd_field_uncounted(const void *desc, size_t i,
				  struct pc_wfield *out)
{
	qvmsd_field(desc, i, out);
	out->count_unknown = !out->padding;
}

static const struct pc_wdesc_ops qdump_view_uncounted = {
	qvmsd_version, qvmsd_n_fields, qvmsd_field_uncounted,
};

static const struct pc_qdump_vmsd *pos_vmsd(const struct pc_wpos *p)
{
	return p->desc;
}

static char *field_path(const struct pc_wpos *p, const struct pc_qdump_field *f)
{
	return pc_xasprintf("%s/%s", pos_vmsd(p)->name, f->name);
}

/* Nested versions are not on the wire: say so when they explain a finding. */
static void add_version_note(struct pc_strbuf *sb, const struct pc_wpos *s,
			     const struct pc_wpos *t)
{
	if (s->nested && s->version != t->version)
		pc_strbuf_addf(sb, "; nested versions are not on the wire: the source walks '%s' at its version %d, the destination '%s' at its version %d",
			       pos_vmsd(s)->name, s->version, pos_vmsd(t)->name,
			       t->version);
}

/* --- field comparison ------------------------------------------------------ */

static void compare_vmsd(struct diff *d, const struct pc_qdump_vmsd *sv,
			 int sver, const struct pc_qdump_vmsd *dv, int dver,
			 bool nested);

static bool q_same_name(void *data, const struct pc_wpos *sp,
			const struct pc_wpos *dp, const char *a, const char *b)
{
	struct diff *d = data;

	return pc_qrenames_match(d->ren, PC_QRENAME_FIELD, pos_vmsd(sp)->name, a, b) ||
	       pc_qrenames_match(d->ren, PC_QRENAME_FIELD, pos_vmsd(dp)->name, a, b);
}

static void q_added(void *data, const struct pc_wfield *wf,
		    const struct pc_wpos *sp, const struct pc_wpos *dp)
{
	const struct pc_qdump_field *s = wf->item;
	struct pc_strbuf why = PC_STRBUF_INIT;

	pc_strbuf_addf(&why, "the source sends '%s' (version_id %d) but the destination does not expect it here: it reads those %llu bytes as the next field and every later field is misaligned",
		       s->name, s->version_id,
		       (unsigned long long)pc_qdump_field_wire_size(s));
	add_version_note(&why, sp, dp);
	emit(data, &(struct pc_hit){
		PC_HIT_RULE(PC_R_FIELD_ADDED),
		.path = field_path(sp, s),
		.src_value = field_shape(s),
		.why = pc_strbuf_detach(&why),
		.fix = "if the source added it: bump version_id and gate the new field with VMSTATE_*_V, or send it in a subsection with a needed() function; if the destination removed it: keep VMSTATE_UNUSED() of the same size in its place" });
}

static void q_missing(void *data, const struct pc_wfield *wf,
		      const struct pc_wpos *sp, const struct pc_wpos *dp)
{
	const struct pc_qdump_field *t = wf->item;
	struct pc_strbuf why = PC_STRBUF_INIT;

	pc_strbuf_addf(&why, "the destination loads '%s' (version_id %d, %s at version %d) but the source does not send it",
		       t->name, t->version_id,
		       dp->nested ? "its own nested description" : "incoming stream",
		       dp->version);
	add_version_note(&why, sp, dp);
	emit(data, &(struct pc_hit){
		PC_HIT_RULE(PC_R_FIELD_MISSING),
		.path = field_path(dp, t),
		.dst_value = field_shape(t),
		.why = pc_strbuf_detach(&why),
		.fix = "if the destination added it: bump version_id and declare it with VMSTATE_*_V(..., new version) so older streams skip it, or move it into a subsection; if the source removed it: keep VMSTATE_UNUSED() of the same size in its place" });
}

/* A shape rule (rules-wire.h) broken by source field 's' against the
 * destination's 't', worded for dumps. */
static void shape_finding(struct diff *d, const struct pc_wpos *sp,
			  enum pc_rule rule, const struct pc_qdump_field *s,
			  const struct pc_qdump_field *t)
{
	struct pc_hit h = {
		PC_HIT_RULE(rule),
		.path = field_path(sp, s),
		.src_value = field_shape(s),
		.dst_value = field_shape(t),
	};

	if (rule == PC_R_FIELD_COUNT) {
		h.why = pc_xasprintf("the array length is part of the stream: the source sends %llu elements, the destination loads %llu",
				     (unsigned long long)pc_qdump_field_count(s),
				     (unsigned long long)pc_qdump_field_count(t));
		h.fix = "keep the old length for machine types that must stay compatible (a compat property), or send the length with VMSTATE_VARRAY_*";
	} else if (rule == PC_R_NESTED_MISSING) {
		h.why = pc_xasprintf("one side sends '%s' as a nested structure (its fields), the other as a plain %llu-byte field: the wire formats differ",
				     s->desc ? s->name : t->name,
				     (unsigned long long)(s->desc ? t->size : s->size));
		h.fix = "describe the field the same way on both sides (VMSTATE_STRUCT with the same VMStateDescription)";
	} else {
		/* a dump has no kinds: PC205 cannot come up */
		assert(rule == PC_R_FIELD_SIZE);
		h.why = pc_xasprintf("the element size differs (%llu vs %llu bytes): the destination reads a different number of bytes and every later field is misaligned",
				     (unsigned long long)s->size,
				     (unsigned long long)t->size);
		h.fix = "keep the wire type; if the C type must change, keep sending the old size (a VMSTATE_*_TEST pair, or convert in pre_save/post_load) and bump version_id for the new layout";
	}
	emit(d, &h);
}

/*
 * Source field 's' against the destination's 't' at the same place: the
 * shape rules, the nested descriptions, then a rename (PC204) when the
 * names differ and nothing else does.
 */
static void q_pair(void *data, const struct pc_wpair *p)
{
	struct diff *d = data;
	const struct pc_qdump_field *s = p->s->item, *t = p->d->item;
	const struct pc_wpos *sp = &p->sp;
	bool renamed = p->n_rules && p->rules[0] == PC_R_FIELD_RENAMED;

	for (size_t i = 0; i < p->n_rules && !renamed; i++)
		shape_finding(d, sp, p->rules[i], s, t);
	if (s->desc && t->desc)
		compare_vmsd(d, s->desc, s->desc->version_id, t->desc,
			     t->desc->version_id, true);
	if (renamed)
		emit_own_fix(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_FIELD_RENAMED),
			.path = field_path(sp, s),
			.src_value = field_shape(s),
			.dst_value = field_shape(t),
			.why = pc_xasprintf("'%s' on the source is '%s' on the destination, with the same wire shape: the stream loads, but only a person can tell whether they hold the same state",
				  s->name, t->name),
			.fix = pc_xasprintf("if they do, declare it: add \"field %s %s %s\" to a rename file (--renames)",
				  pos_vmsd(sp)->name, s->name, t->name) });
}

static void q_reordered(void *data, const struct pc_wfield *ws,
			const struct pc_wpos *sp, const struct pc_wfield *wt,
			const struct pc_wpos *dp)
{
	const struct pc_qdump_field *s = ws->item, *t = wt->item;

	(void)dp;
	emit(data, &(struct pc_hit){
		PC_HIT_RULE(PC_R_FIELD_REORDERED),
		.path = field_path(sp, s),
		.src_value = field_shape(s),
		.dst_value = field_shape(t),
		.why = pc_xasprintf("both sides have '%s' and '%s', in another order: the source sends '%s' where the destination loads '%s'",
			  s->name, t->name, s->name, t->name),
		.fix = "keep the order of fields: the stream has no field names, only their sequence" });
}

/* Padding ("unused") whose run of fields does not line up. */
static void q_padding(void *data, const struct pc_wfield *pad,
		      const struct pc_wpos *pos, uint64_t sb, uint64_t db)
{
	emit(data, &(struct pc_hit){
		PC_HIT_RULE(PC_R_FIELD_SIZE),
		.path = field_path(pos, pad->item),
		.src_value = pc_xasprintf("%llu bytes", (unsigned long long)sb),
		.dst_value = pc_xasprintf("%llu bytes", (unsigned long long)db),
		.why = pc_xasprintf("padding ('unused') stands for other fields only when the byte counts line up: here the source sends %llu bytes where the destination consumes %llu",
			  (unsigned long long)sb, (unsigned long long)db),
		.fix = "make VMSTATE_UNUSED() exactly as large as the fields it replaces" });
}

/* Stepping into a struct on one side only: its subsections have no peer. */
static void q_step_into(void *data, bool src, const struct pc_wfield *wf,
			const struct pc_wpos *pos)
{
	struct diff *d = data;
	const struct pc_qdump_field *f = wf->item;

	for (size_t i = 0; i < f->desc->n_subsections; i++) {
		const struct pc_qdump_vmsd *sub = &f->desc->subsections[i];
		enum pc_severity sev;
		/* a dump's subsections are always sent */
		enum pc_rule rule = pc_wire_wrapper_subsection_rule(src,
								    PC_SEND_ALWAYS,
								    &sev);

		if (rule == PC_R_SUBSECTION_UNKNOWN)
			emit(d, &(struct pc_hit){
				.rule = rule,
				.severity = sev,
				.path = pc_xstrdup(sub->name),
				.src_value = pc_xasprintf("subsection '%s' of '%s'", sub->name, f->desc->name),
				.why = pc_xasprintf("the source wraps these fields in '%s', whose subsection '%s' the destination does not know; QEMU fails on an unknown subsection whenever needed() is true",
					  f->desc->name, sub->name),
				.fix = "make needed() false on machine types the destination supports, or teach the destination the subsection" });
		else
			emit_kept(d, &(struct pc_hit){
				.rule = rule,
				.severity = sev,
				.path = sub->name,
				.dst_value = sub->name,
				.why = "the destination's wrapper structure has a subsection the source never sends; QEMU's loader keeps the destination's own values for it",
				.fix = "check that the destination's defaults for it match an old source's behaviour" });
	}
}

static const struct pc_wwalk_ops qdiff_events = {
	.same_name = q_same_name,
	.pair = q_pair,
	.added = q_added,
	.missing = q_missing,
	.reordered = q_reordered,
	.padding = q_padding,
	.step_into = q_step_into,
};

static size_t count_present(const struct pc_qdump_vmsd *v, int version)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_fields; i++)
		n += pc_qdump_field_present(&v->fields[i], version);
	return n;
}

static const struct pc_qdump_vmsd *find_subsection(struct diff *d,
						   const struct pc_qdump_vmsd *v,
						   const char *name)
{
	for (size_t i = 0; i < v->n_subsections; i++)
		if (pc_qrenames_match(d->ren, PC_QRENAME_DESCRIPTION, NULL,
				      v->subsections[i].name, name))
			return &v->subsections[i];
	return NULL;
}

static void compare_subsections(struct diff *d, const struct pc_qdump_vmsd *sv,
				const struct pc_qdump_vmsd *dv)
{
	for (size_t i = 0; i < sv->n_subsections; i++) {
		const struct pc_qdump_vmsd *ss = &sv->subsections[i];
		const struct pc_qdump_vmsd *ds = find_subsection(d, dv, ss->name);
		enum pc_severity sev;

		if (pc_wire_subsection_rule(PC_SEND_ALWAYS, ds != NULL,
					    ds ? PC_SEND_ALWAYS : PC_SEND_NEVER,
					    &sev) == PC_R_SUBSECTION_UNKNOWN) {
			emit(d, &(struct pc_hit){
				.rule = PC_R_SUBSECTION_UNKNOWN,
				.severity = sev,
				.path = pc_xstrdup(ss->name),
				.src_value = pc_xasprintf("subsection '%s' of '%s' (version_id %d)",
					  ss->name, sv->name, ss->version_id),
				.dst_value = dv->has_subsections
				     ? pc_xasprintf("'%s' has no such subsection", dv->name)
				     : pc_xasprintf("'%s' has no Subsections", dv->name),
				.why = pc_xasprintf("QEMU's loader fails on a subsection it does not know; the dump does not say when the source's needed() is true, so migration fails whenever it is for a guest"),
				.fix = "make the subsection's needed() false on the machine types the destination supports (gate it on a compat property), or teach the destination the subsection" });
			continue;
		}
		/* a refused subsection fails the load (vmstate_subsection_load):
		 * its fields are never read */
		if (!version_check(d, ss->name, ss->version_id,
				   ss->minimum_version_id, ds->version_id,
				   ds->minimum_version_id, "the subsection"))
			compare_vmsd(d, ss, ss->version_id, ds, ss->version_id,
				     false);
	}
	for (size_t i = 0; i < dv->n_subsections; i++) {
		const struct pc_qdump_vmsd *ds = &dv->subsections[i];
		enum pc_severity sev;
		char *dval;

		if (pc_wire_subsection_rule(find_subsection(d, sv, ds->name)
					    ? PC_SEND_ALWAYS : PC_SEND_NEVER,
					    true, PC_SEND_ALWAYS,
					    &sev) != PC_R_SUBSECTION_REQUIRED)
			continue;
		dval = pc_xasprintf("subsection '%s' of '%s' (version_id %d)",
				    ds->name, dv->name, ds->version_id);
		emit_kept(d, &(struct pc_hit){
			.rule = PC_R_SUBSECTION_REQUIRED,
			.severity = sev,
			.path = ds->name,
			.dst_value = dval,
			.why = "the source never sends this subsection; QEMU's loader tolerates a missing subsection and keeps the destination's own (reset) values, which is how new optional state is meant to be added",
			.fix = "check that the destination's defaults match what an older source implied (set them in pre_load if needed)" });
		free(dval);
	}
}

/*
 * Compare two descriptions: 'sv' sent at 'sver', 'dv' loaded at 'dver'
 * (the incoming version for a section or subsection, its own for a nested
 * structure).
 */
static void compare_vmsd(struct diff *d, const struct pc_qdump_vmsd *sv,
			 int sver, const struct pc_qdump_vmsd *dv, int dver,
			 bool nested)
{
	size_t ns = count_present(sv, sver), nd = count_present(dv, dver);

	if (!dv->has_fields && ns) {
		emit(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_FIELD_ADDED),
			.path = pc_xstrdup(sv->name),
			.src_value = pc_xasprintf("%zu fields", ns),
			.dst_value = pc_xasprintf("'%s' has no Fields", dv->name),
			.why = pc_xasprintf("the source sends %zu fields of '%s' (%llu bytes); the destination's description has none and does not expect them",
				  ns, sv->name,
				  (unsigned long long)pc_qdump_vmsd_wire_size(sv, sver)),
			.fix = "describe the same fields on both sides; fields removed on one side stay as VMSTATE_UNUSED() of the same size" });
	} else if (!sv->has_fields && nd) {
		emit(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_FIELD_MISSING),
			.path = pc_xstrdup(dv->name),
			.src_value = pc_xasprintf("'%s' has no Fields", sv->name),
			.dst_value = pc_xasprintf("%zu fields", nd),
			.why = pc_xasprintf("the destination loads %zu fields of '%s'; the source's description has none and sends none",
				  nd, dv->name),
			.fix = "describe the same fields on both sides, or gate the destination's new fields by version or a subsection" });
	} else {
		pc_wire_walk(d->sview, sv, sver, d->dview, dv, dver, nested,
			     &qdiff_events, d);
	}
	compare_subsections(d, sv, dv);
}

/* --- sections ------------------------------------------------------------ */

static const struct pc_qdump_section *find_section(struct diff *d,
						   const char *name)
{
	const struct pc_qdump_section *s = pc_qdump_find(d->dst, name);

	for (size_t i = 0; !s && d->ren && i < d->ren->n; i++) {
		const struct pc_qrename *e = &d->ren->items[i];

		if (e->kind != PC_QRENAME_SECTION)
			continue;
		if (!strcmp(e->a, name))
			s = pc_qdump_find(d->dst, e->b);
		else if (!strcmp(e->b, name))
			s = pc_qdump_find(d->dst, e->a);
	}
	return s;
}

static void report_section_missing(struct diff *d, const struct pc_qdump_section *s)
{
	const struct pc_qdump_section *twin = NULL;
	struct pc_strbuf why = PC_STRBUF_INIT;

	pc_strbuf_addf(&why, "the destination has no section '%s': a guest with this device cannot migrate (QEMU: unknown savevm section)",
		       s->name);
	if (s->desc)
		twin = pc_qdump_find_desc(d->dst, s->desc->name);
	if (twin && strcmp(twin->name, s->name) && !pc_qdump_find(d->src, twin->name))
		pc_strbuf_addf(&why, "; the destination's '%s' has the same description '%s': if the device was renamed, add \"section %s %s\" to a rename file (--renames)",
			       twin->name, s->desc->name, s->name, twin->name);
	emit(d, &(struct pc_hit){
		PC_HIT_RULE(PC_R_SECTION_MISSING),
		.src_value = pc_xasprintf("section '%s' (version_id %d)", s->name, s->version_id),
		.why = pc_strbuf_detach(&why),
		.fix = "keep the device type (and its VMStateDescription name) on the destination, or do not migrate guests that use it" });
}

static void compare_section(struct diff *d, const struct pc_qdump_section *s,
			    const struct pc_qdump_section *t)
{
	/* QEMU refuses the section at its header (vmstate_load_state with
	 * the stream's version): its fields never reach the destination */
	if (version_check(d, NULL, s->version_id, s->minimum_version_id,
			  t->version_id, t->minimum_version_id, "the section"))
		return;
	if (!s->desc || !t->desc) {
		if (!s->desc && !t->desc)
			return;
		emit(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_NESTED_MISSING),
			.path = pc_xstrdup(s->desc ? s->desc->name : t->desc->name),
			.src_value = s->desc ? pc_xasprintf("description '%s'", s->desc->name)
			     : pc_xstrdup("no Description"),
			.dst_value = t->desc ? pc_xasprintf("description '%s'", t->desc->name)
			     : pc_xstrdup("no Description"),
			.why = pc_xasprintf("only the %s dump describes this device's state, so what one side sends cannot be what the other loads",
				  s->desc ? "source" : "destination"),
			.fix = "give the device the same VMStateDescription on both sides" });
		return;
	}
	if (!pc_qrenames_match(d->ren, PC_QRENAME_DESCRIPTION, NULL,
			       s->desc->name, t->desc->name))
		emit_own_fix(d, &(struct pc_hit){
			PC_HIT_RULE(PC_R_DESC_RENAMED),
			.path = pc_xstrdup(s->desc->name),
			.src_value = pc_xstrdup(s->desc->name),
			.dst_value = pc_xstrdup(t->desc->name),
			.why = pc_xasprintf("the description's name is the section's name in the stream: the destination does not recognise '%s'",
				  s->desc->name),
			.fix = pc_xasprintf("keep the VMStateDescription name; if the rename is handled, declare it: add \"description %s %s\" to a rename file (--renames)",
				  s->desc->name, t->desc->name) });
	/* the description's own versions, when the dump gives other ones */
	if (s->desc->version_id != s->version_id ||
	    s->desc->minimum_version_id != s->minimum_version_id ||
	    t->desc->version_id != t->version_id ||
	    t->desc->minimum_version_id != t->minimum_version_id)
		if (version_check(d, s->desc->name, s->desc->version_id,
				  s->desc->minimum_version_id, t->desc->version_id,
				  t->desc->minimum_version_id, "the description"))
			return; /* refused, as above */
	compare_vmsd(d, s->desc, s->desc->version_id, t->desc,
		     s->desc->version_id, false);
}

void pc_qdump_diff(const struct pc_qdump *src, const struct pc_qdump *dst,
		   const struct pc_qrenames *ren, struct pc_report *out)
{
	pc_qdump_diff_counted(src, pc_qdump_counts_unknown(src), dst,
			      pc_qdump_counts_unknown(dst), ren, out);
}

void pc_qdump_diff_counted(const struct pc_qdump *src, bool src_uncounted,
			   const struct pc_qdump *dst, bool dst_uncounted,
			   const struct pc_qrenames *ren, struct pc_report *out)
{
	struct diff d = { src, dst, ren, { .report = out, .src = src->label,
					   .dst = dst->label }, NULL,
			  src_uncounted ? &qdump_view_uncounted : &qdump_view,
			  dst_uncounted ? &qdump_view_uncounted : &qdump_view };

	/* loaded dumps (qemu-dump.h): labelled, with a machine name */
	assert(src->label && dst->label && src->machine && dst->machine);

	if (strcmp(src->machine, dst->machine)) {
		char *why = pc_xasprintf("the dumps come from machine types '%s' and '%s'; -dump-vmstate output does not depend on the machine type, so the compat properties that differ between them are not checked here",
					 src->machine, dst->machine);

		emit_kept(&d, &(struct pc_hit){
			.rule = PC_R_MACHINE_NAME,
			.severity = PC_SEV_INFO,
			.path = "vmschkmachine.Name",
			.src_value = src->machine,
			.dst_value = dst->machine,
			.why = why,
			.fix = "compare dumps of the same machine type, and check the machine types' compat properties with plugcheck check --machine" });
		free(why);
	}
	for (size_t i = 0; i < src->n_sections; i++) {
		const struct pc_qdump_section *s = &src->sections[i];
		const struct pc_qdump_section *t = find_section(&d, s->name);

		d.device = s->name;
		if (!t)
			report_section_missing(&d, s);
		else
			compare_section(&d, s, t);
	}
}

struct diff_both {
	const struct pc_qdump *dumps[2];
	const struct pc_qrenames *ren;
	struct pc_report reports[2];
};

static void diff_one_way(void *ctx, size_t i)
{
	struct diff_both *b = ctx;

	pc_qdump_diff(b->dumps[i], b->dumps[1 - i], b->ren, &b->reports[i]);
}

size_t pc_qdump_diff_both(const struct pc_qdump *a, const struct pc_qdump *b,
			  const struct pc_qrenames *ren, struct pc_report *out)
{
	struct diff_both both = { { a, b }, ren, { { 0 }, { 0 } } };
	size_t first = out->n;

	pc_report_init(&both.reports[0]);
	pc_report_init(&both.reports[1]);
	pc_parallel_for(2, 2, diff_one_way, &both);
	/* the findings move: 'out' owns their strings from here */
	for (int k = 0; k < 2; k++) {
		const struct pc_report *r = &both.reports[k];

		PC_ALLOC_GROW(out->items, out->n + r->n, out->alloc);
		if (r->n)
			memcpy(&out->items[out->n], r->items, r->n * sizeof(*r->items));
		out->n += r->n;
		free(r->items);
	}
	return out->n - first - both.reports[1].n;
}
