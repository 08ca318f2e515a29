/*
 * wire-walk.c - the field-pairing walk of check and qemu-diff
 * (wire-walk.h): two cursors over the fields each side puts on (or
 * takes off) the wire, as QEMU's loader meets the bytes.
 */
#include "wire-walk.h"

#include <assert.h>

#include "banned.h"

/*
 * The base frame is the description being compared; frames above it are
 * nested structures the walk stepped into on this side only (a wrapper
 * the other side does not have), left transparently when exhausted.
 */
struct frame {
	const void *desc;
	size_t i, n;
	int version; /* fields present iff pc_wire_field_loaded() at it */
};

struct cursor {
	const struct pc_wdesc_ops *ops;
	struct frame f[PC_WIRE_MAX_DEPTH + 1];
	const char *via[PC_WIRE_MAX_DEPTH + 1]; /* via[k]: field into frame k */
	int depth;
	bool nested; /* the base frame is a nested structure */
	struct pc_wfield cur; /* the field under the cursor (peek) */
};

struct walk {
	const struct pc_wwalk_ops *cb;
	void *data;
	struct cursor s, d;
};

static void cursor_init(struct cursor *c, const struct pc_wdesc_ops *ops,
			const void *desc, int version, bool nested)
{
	c->ops = ops;
	c->depth = 0;
	c->f[0] = (struct frame){ desc, 0, ops->n_fields(desc), version };
	c->nested = nested;
}

static bool present(const struct pc_wfield *f, int version)
{
	return pc_wire_field_loaded(f->version, f->has_test, version);
}

/* The next field on the wire, in c->cur; false at the end. */
static bool cursor_peek(struct cursor *c)
{
	for (;;) {
		struct frame *fr = &c->f[c->depth];

		for (; fr->i < fr->n; fr->i++) {
			c->ops->field(fr->desc, fr->i, &c->cur);
			assert(c->cur.index == fr->i);
			if (present(&c->cur, fr->version))
				return true;
		}
		if (c->depth == 0)
			return false;
		c->depth--;
		c->f[c->depth].i++; /* past the structure stepped into */
	}
}

static void cursor_next(struct cursor *c)
{
	c->f[c->depth].i++;
}

static struct pc_wpos cursor_pos(const struct cursor *c)
{
	const struct frame *fr = &c->f[c->depth];

	return (struct pc_wpos){ fr->desc, fr->version,
				 c->nested || c->depth > 0, c->depth > 0,
				 &c->via[1], c->depth };
}

static bool can_step_into(const struct pc_wfield *f, const struct cursor *c)
{
	return f->nested && f->shape.count == 1 && c->depth < PC_WIRE_MAX_DEPTH;
}

static void cursor_push(struct cursor *c, const char *via, const void *desc)
{
	assert(c->depth < PC_WIRE_MAX_DEPTH);
	c->depth++;
	c->via[c->depth] = via;
	c->f[c->depth] = (struct frame){ desc, 0, c->ops->n_fields(desc),
					 c->ops->version(desc) };
}

static bool names_match(struct walk *w, const char *a, const char *b)
{
	struct pc_wpos sp = cursor_pos(&w->s), dp = cursor_pos(&w->d);

	return w->cb->same_name(w->data, &sp, &dp, a, b);
}

/* Does the current frame of 'c' put a field called like 'name' on the wire? */
static bool frame_has(struct walk *w, const struct cursor *c, const char *name)
{
	const struct frame *fr = &c->f[c->depth];
	struct pc_wfield f;

	for (size_t i = 0; i < fr->n; i++) {
		c->ops->field(fr->desc, i, &f);
		if (present(&f, fr->version) && names_match(w, f.name, name))
			return true;
	}
	return false;
}

/* Does nested description 'desc' (or a single structure first in it)
 * start with a field called like 'name'?  Only the first field on the
 * wire decides. */
static bool wraps(struct walk *w, const struct pc_wdesc_ops *ops,
		  const void *desc, const char *name, int depth)
{
	int version = ops->version(desc);
	size_t n = ops->n_fields(desc);
	struct pc_wfield f;

	for (size_t i = 0; i < n; i++) {
		ops->field(desc, i, &f);
		if (!present(&f, version))
			continue;
		if (names_match(w, f.name, name))
			return true;
		if (f.nested && f.shape.count == 1 && depth < PC_WIRE_MAX_DEPTH)
			return wraps(w, ops, f.nested, name, depth + 1);
		return false;
	}
	return false;
}

static uint64_t bytes_add(uint64_t a, uint64_t b)
{
	return a > PC_WIRE_BYTES_UNKNOWN - b ? PC_WIRE_BYTES_UNKNOWN : a + b;
}

/* Take the field under 'c' into the run: its bytes into *sum, itself
 * into *last. */
static bool take(struct cursor *c, uint64_t *sum, struct pc_wfield *last)
{
	if (!cursor_peek(c))
		return false;
	*sum = bytes_add(*sum, c->cur.bytes);
	*last = c->cur;
	cursor_next(c);
	return true;
}

/* Do both sides go on with the same name, or both end? */
static bool at_anchor(struct walk *w)
{
	bool hs = cursor_peek(&w->s), hd = cursor_peek(&w->d);

	if (!hs || !hd)
		return !hs && !hd;
	return names_match(w, w->s.cur.name, w->d.cur.name);
}

/*
 * The side behind by 'gap' bytes last took 'last': can it stand for the
 * gap too?  Only a field whose count the dump does not record (one or
 * more elements) and that the other side does not have (the padding
 * replaced it), by a whole number of elements, and only where the run
 * then ends at a name anchor: the count is then assumed to be the one
 * that lines up, as a named array of such a dump is assumed to have the
 * other side's count.
 */
static bool stretches(struct walk *w, const struct cursor *other,
		      const struct pc_wfield *last, uint64_t gap)
{
	return last->count_unknown && !last->padding && last->bytes &&
	       last->bytes != PC_WIRE_BYTES_UNKNOWN &&
	       gap % last->bytes == 0 && !frame_has(w, other, last->name) &&
	       at_anchor(w);
}

/*
 * One side has padding under its cursor: consume one field of each side,
 * then of the side that is behind, until the bytes line up.  Bytes that
 * depend on the state never line up (a verdict is a promise): the run
 * stops there.
 */
static void byte_run(struct walk *w)
{
	struct cursor *padc;
	struct pc_wfield pad, slast = { 0 }, dlast = { 0 };
	struct pc_wpos pos;
	uint64_t sb = 0, db = 0;

	cursor_peek(&w->s);
	cursor_peek(&w->d);
	padc = w->s.cur.padding ? &w->s : &w->d;
	assert(padc->cur.padding);
	pad = padc->cur;
	pos = cursor_pos(padc);
	take(&w->s, &sb, &slast);
	take(&w->d, &db, &dlast);
	while (sb != db && sb != PC_WIRE_BYTES_UNKNOWN &&
	       db != PC_WIRE_BYTES_UNKNOWN) {
		bool s_behind = sb < db;

		if (stretches(w, s_behind ? &w->d : &w->s,
			      s_behind ? &slast : &dlast,
			      s_behind ? db - sb : sb - db))
			return;
		if (!(s_behind ? take(&w->s, &sb, &slast)
			       : take(&w->d, &db, &dlast)))
			break;
	}
	if (sb != db || sb == PC_WIRE_BYTES_UNKNOWN)
		w->cb->padding(w->data, &pad, &pos, sb, db);
}

static void step_into(struct walk *w, struct cursor *c, bool on_source)
{
	struct pc_wpos pos = cursor_pos(c);

	if (w->cb->step_into)
		w->cb->step_into(w->data, on_source, &c->cur, &pos);
	cursor_push(c, c->cur.name, c->cur.nested);
}

static void pair(struct walk *w, bool renamed)
{
	struct pc_wpair p = { &w->s.cur, &w->d.cur, cursor_pos(&w->s),
			      cursor_pos(&w->d), { PC_R__COUNT }, 0 };

	p.n_rules = pc_wire_pair_rules(&p.s->shape, &p.d->shape, p.rules);
	if (renamed && !p.n_rules)
		p.rules[p.n_rules++] = PC_R_FIELD_RENAMED;
	w->cb->pair(w->data, &p);
	cursor_next(&w->s);
	cursor_next(&w->d);
}

/* The two fields under the cursors have different names. */
static void unnamed_step(struct walk *w)
{
	struct cursor *sc = &w->s, *dc = &w->d;
	struct pc_wpos sp = cursor_pos(sc), dp = cursor_pos(dc);
	bool s_in_d = frame_has(w, dc, sc->cur.name);
	bool d_in_s = frame_has(w, sc, dc->cur.name);

	if (s_in_d && d_in_s) {
		w->cb->reordered(w->data, &sc->cur, &sp, &dc->cur, &dp);
		cursor_next(sc);
		cursor_next(dc);
	} else if (d_in_s) {
		w->cb->added(w->data, &sc->cur, &sp, &dp);
		cursor_next(sc);
	} else if (s_in_d) {
		w->cb->missing(w->data, &dc->cur, &sp, &dp);
		cursor_next(dc);
	} else if (can_step_into(&sc->cur, sc) &&
		   wraps(w, sc->ops, sc->cur.nested, dc->cur.name, 0)) {
		step_into(w, sc, true);
	} else if (can_step_into(&dc->cur, dc) &&
		   wraps(w, dc->ops, dc->cur.nested, sc->cur.name, 0)) {
		step_into(w, dc, false);
	} else {
		pair(w, true);
	}
}

void pc_wire_walk(const struct pc_wdesc_ops *sops, const void *sd, int sver,
		  const struct pc_wdesc_ops *dops, const void *dd, int dver,
		  bool nested, const struct pc_wwalk_ops *cb, void *data)
{
	struct walk w = { .cb = cb, .data = data };

	assert(sops && sops->version && sops->n_fields && sops->field);
	assert(dops && dops->version && dops->n_fields && dops->field);
	assert(cb && cb->same_name && cb->pair && cb->added && cb->missing &&
	       cb->reordered && cb->padding);
	cursor_init(&w.s, sops, sd, sver, nested);
	cursor_init(&w.d, dops, dd, dver, nested);
	for (;;) {
		bool hs = cursor_peek(&w.s), hd = cursor_peek(&w.d);
		struct pc_wpos sp = cursor_pos(&w.s), dp = cursor_pos(&w.d);

		if (!hs && !hd)
			return;
		if (!hd) {
			cb->added(data, &w.s.cur, &sp, &dp);
			cursor_next(&w.s);
		} else if (!hs) {
			cb->missing(data, &w.d.cur, &sp, &dp);
			cursor_next(&w.d);
		} else if (w.s.cur.padding || w.d.cur.padding) {
			byte_run(&w);
		} else if (names_match(&w, w.s.cur.name, w.d.cur.name)) {
			pair(&w, false);
		} else {
			unnamed_step(&w);
		}
	}
}
