/*
 * state.c - device state (state.h): the instances of resolved layouts a
 * stream carries, their generation from a side's layouts, the resets that
 * shape them and the invariant bytes.  The stream (stream.c) writes and
 * loads them; the hooks (hookctx.c) look at and reset them.
 */
#include "state.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "banned.h"

void pc_sdesc_free(struct pc_sdesc *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->desc->n_nodes; i++) {
		struct pc_sfield *f = &s->fields[i];

		free(f->data);
		if (f->elems) {
			for (uint32_t k = 0; k < f->count; k++)
				pc_sdesc_free(f->elems[k]);
			free(f->elems);
		}
	}
	for (size_t i = 0; i < s->desc->n_subs; i++)
		pc_sdesc_free(s->subs[i].st);
	free(s->fields);
	free(s->subs);
	free(s);
}

struct pc_sdesc *pc_sdesc_new(const struct pc_rdesc *d)
{
	struct pc_sdesc *s = pc_xcalloc(1, sizeof(*s));

	s->desc = d;
	s->fields = pc_xcalloc(d->n_nodes + 1, sizeof(*s->fields));
	s->subs = pc_xcalloc(d->n_subs + 1, sizeof(*s->subs));
	for (size_t i = 0; i < d->n_nodes; i++)
		s->fields[i].node = &d->nodes[i];
	for (size_t i = 0; i < d->n_subs; i++)
		s->subs[i].sub = &d->subs[i];
	return s;
}

bool pc_field_kind_is_int(enum pc_field_kind k)
{
	/* a scalar: an integer or a bool, read as a number */
	switch (pc_field_kind_class(k)) {
	case PC_FCLASS_INT:
	case PC_FCLASS_BOOL:
		return true;
	case PC_FCLASS_BUFFER:
	case PC_FCLASS_UNUSED:
	case PC_FCLASS_STRUCT:
		return false;
	}
	return false;
}

bool pc_field_kind_is_signed(enum pc_field_kind k)
{
	return pc_field_kind_signed(k);
}

void pc_put_be(uint8_t *p, uint32_t size, uint64_t v)
{
	for (uint32_t i = 0; i < size; i++)
		p[size - 1 - i] = (uint8_t)(v >> (8 * i));
}

uint64_t pc_sfield_u64(const struct pc_sfield *f, uint32_t index)
{
	uint32_t size = f->node->size;
	const uint8_t *p;
	uint64_t v = 0;

	if (!f->data || index >= f->count || !size || size > 8)
		return 0;
	p = f->data + (size_t)index * size;
	for (uint32_t i = 0; i < size; i++)
		v = v << 8 | p[i];
	if (pc_field_kind_is_signed(f->node->kind) && size < 8 &&
	    (v >> (size * 8 - 1)) & 1)
		v |= ~0ULL << (size * 8);
	return v;
}

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_random(uint8_t *p, size_t n, uint64_t *rng)
{
	while (n >= 8) {
		uint64_t v = splitmix(rng);

		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = splitmix(rng);

		memcpy(p, &v, n);
	}
}

/* The property a field is named after: "subsys_ven" is also "subsys-ven". */
static const struct pc_eprop *named_prop(const struct pc_vm *vm,
					 const struct pc_object *obj,
					 const char *field)
{
	char alt[256];
	const struct pc_eprop *ep;
	size_t n = strlen(field);

	if (!obj || !vm)
		return NULL;
	ep = pc_object_prop(vm, obj, field, NULL);
	if (ep || n >= sizeof(alt))
		return ep;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i <= n; i++) {
			char c = field[i];

			if (pass == 0 && c == '_')
				c = '-';
			else if (pass == 1 && c == '-')
				c = '_';
			alt[i] = c;
		}
		ep = pc_object_prop(vm, obj, alt, NULL);
		if (ep)
			return ep;
	}
	return NULL;
}

static bool is_count_referent(const struct pc_rdesc *d, const char *name)
{
	for (size_t i = 0; i < d->n_nodes; i++)
		if (d->nodes[i].count_field &&
		    !strcmp(d->nodes[i].count_field, name))
			return true;
	return false;
}

struct pc_sfield *pc_sdesc_field(struct pc_sdesc *s, const char *name)
{
	for (size_t i = 0; i < s->desc->n_nodes; i++)
		if (!strcmp(s->fields[i].node->name, name))
			return &s->fields[i];
	return NULL;
}

/* The largest value a scalar of this kind holds (the count bound). */
static uint64_t kind_max(enum pc_field_kind k, uint32_t size)
{
	if (k == PC_FIELD_BOOL)
		return 1;
	if (size >= 8)
		return pc_field_kind_is_signed(k) ? (uint64_t)INT64_MAX : UINT64_MAX;
	return pc_field_kind_is_signed(k) ? (1ULL << (size * 8 - 1)) - 1
				 : (1ULL << (size * 8)) - 1;
}

struct pc_sfield *pc_sdesc_inv_field(const struct pc_sdesc *s,
				     const struct pc_rinv *iv)
{
	struct pc_sfield *f = NULL;
	uint64_t bytes;

	for (size_t k = 0; k < s->desc->n_nodes && !f; k++)
		if (!strcmp(s->fields[k].node->name, iv->field))
			f = &s->fields[k];
	if (!f || !f->loaded || !f->data)
		return NULL;
	bytes = (uint64_t)f->count * f->node->size;
	if (iv->size > 8 || (uint64_t)iv->offset + iv->size > bytes)
		return NULL;
	return f;
}

void pc_state_apply_invariants(struct pc_sdesc *s)
{
	for (size_t i = 0; i < s->desc->n_invs; i++) {
		const struct pc_rinv *iv = &s->desc->invs[i];
		struct pc_sfield *f = pc_sdesc_inv_field(s, iv);

		for (uint32_t b = 0; f && b < iv->size; b++)
			f->data[iv->offset + b] = (uint8_t)(iv->value >> (8 * b));
	}
	for (size_t i = 0; i < s->desc->n_nodes; i++)
		for (uint32_t k = 0; s->fields[i].elems && k < s->fields[i].count; k++)
			pc_state_apply_invariants(s->fields[i].elems[k]);
	for (size_t i = 0; i < s->desc->n_subs; i++)
		if (s->subs[i].st)
			pc_state_apply_invariants(s->subs[i].st);
}

#define NAMED_CACHE 1024 /* power of two */

struct gen {
	const struct pc_vm *vm;
	const struct pc_object *obj;
	uint64_t seed;
	/* named_prop() per layout node: struct arrays repeat the lookup for
	 * every element, and it scans every object for aliases */
	struct {
		const struct pc_rnode *node;
		const struct pc_eprop *ep;
	} cache[NAMED_CACHE];
};

static const struct pc_eprop *gen_named_prop(struct gen *g,
					     const struct pc_rnode *n)
{
	size_t h = ((uintptr_t)n >> 4) & (NAMED_CACHE - 1);

	for (size_t probe = 0; probe < NAMED_CACHE; probe++) {
		size_t i = (h + probe) & (NAMED_CACHE - 1);

		if (g->cache[i].node == n)
			return g->cache[i].ep;
		if (!g->cache[i].node) {
			g->cache[i].node = n;
			g->cache[i].ep = named_prop(g->vm, g->obj, n->name);
			return g->cache[i].ep;
		}
	}
	return named_prop(g->vm, g->obj, n->name);
}

/*
 * Each field's bytes come from a generator seeded by its path: the seed of
 * the enclosing instance mixed with the field's name (and an element's
 * index), so a field's value does not depend on what precedes it.
 */
static uint64_t mix(uint64_t seed, const char *name, uint64_t k)
{
	uint64_t h = pc_hash64(name, strlen(name), seed);

	return pc_hash64(&k, sizeof(k), h);
}

static struct pc_sdesc *gen_desc(struct gen *g, const struct pc_rdesc *d,
				 uint64_t seed, int depth)
{
	struct pc_sdesc *s = pc_sdesc_new(d);

	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct pc_rnode *n = &d->nodes[i];
		struct pc_sfield *f = &s->fields[i];
		uint64_t rng = mix(seed, n->name, 0);
		uint32_t count = n->count;

		f->loaded = true;
		if (n->count_field) {
			/* the worst case the source may send: its bound */
			struct pc_sfield *ref = pc_sdesc_field(s, n->count_field);
			uint64_t c = n->count_max;

			if (ref && ref->loaded && ref->data && ref->count &&
			    pc_field_kind_is_int(ref->node->kind)) {
				uint64_t lim = kind_max(ref->node->kind, ref->node->size);

				if (c > lim)
					c = lim;
				pc_put_be(ref->data, ref->node->size, c);
			} else {
				c = 0;
			}
			count = (uint32_t)c;
		}
		f->count = count;
		if (n->kind == PC_FIELD_STRUCT) {
			f->elems = pc_xcalloc((size_t)count + 1, sizeof(*f->elems));
			for (uint32_t k = 0; k < count; k++) {
				if (depth >= PC_STATE_MAX_DEPTH || !n->desc) {
					/* unresolvable nesting: send nothing */
					f->count = k;
					break;
				}
				f->elems[k] = gen_desc(g, n->desc,
						       mix(seed, n->name, (uint64_t)k + 1),
						       depth + 1);
			}
		} else {
			size_t bytes = (size_t)count * n->size;
			const struct pc_eprop *ep;

			f->data = pc_xmalloc(bytes + 1);
			if (n->kind == PC_FIELD_UNUSED)
				memset(f->data, 0, bytes);
			else
				fill_random(f->data, bytes, &rng);
			if (n->kind == PC_FIELD_BOOL)
				for (size_t b = 0; b < bytes; b++)
					f->data[b] &= 1;
			if (pc_field_kind_is_int(n->kind) && n->size <= 8 &&
			    !is_count_referent(d, n->name) &&
			    (ep = gen_named_prop(g, n)) != NULL)
				for (uint32_t k = 0; k < count; k++)
					pc_put_be(f->data + (size_t)k * n->size, n->size,
					       (uint64_t)ep->val.num);
		}
	}
	for (size_t i = 0; i < d->n_subs; i++) {
		const struct pc_rsub *rs = &d->subs[i];

		/* needed, or may be needed at runtime: sent (documented) */
		if (rs->send == PC_SEND_NEVER || !rs->desc ||
		    depth >= PC_STATE_MAX_DEPTH)
			continue;
		s->subs[i].present = true;
		s->subs[i].version = rs->desc->version_id;
		s->subs[i].st = gen_desc(g, rs->desc, mix(seed, rs->desc->name, 0),
					 depth + 1);
	}
	return s;
}

struct pc_sdesc *pc_state_generate(const struct pc_vm *vm,
				   const struct pc_rsection *s, uint64_t seed)
{
	struct gen *g = pc_xcalloc(1, sizeof(*g));
	struct pc_sdesc *st;

	g->vm = vm;
	g->obj = s->obj;
	g->seed = pc_hash64(s->instance, strlen(s->instance), seed);
	st = gen_desc(g, s->desc, g->seed, 0);
	free(g);
	pc_state_apply_invariants(st);
	return st;
}

void pc_state_reset(const struct pc_vm *vm, const struct pc_object *obj,
		    struct pc_sdesc *owner, size_t field, uint32_t index,
		    bool whole)
{
	struct pc_sfield *f;
	const struct pc_eprop *ep;
	uint64_t v = 0;

	if (field >= owner->desc->n_nodes)
		return;
	f = &owner->fields[field];
	/* a count must keep describing the elements that follow */
	if (!f->data || is_count_referent(owner->desc, f->node->name))
		return;
	if (whole || !pc_field_kind_is_int(f->node->kind) || f->node->size > 8) {
		memset(f->data, 0, (size_t)f->count * f->node->size);
		return;
	}
	if (index >= f->count)
		return;
	ep = named_prop(vm, obj, f->node->name);
	if (ep)
		v = (uint64_t)ep->val.num;
	pc_put_be(f->data + (size_t)index * f->node->size, f->node->size, v);
}
