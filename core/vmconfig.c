/*
 * vmconfig.c - the VM configurations the main job checks besides the
 * default one (vmconfig.h): declared by the types, derived from the
 * properties their layouts read, and a side started in one of them.
 */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "vmconfig.h"

#include "banned.h"

/* descriptions nest only as deep as the registry allows; a bound all
 * the same (a description used twice is walked twice) */
#define GATE_MAX_DEPTH 32

/* A property name a layout reads, and the first thing it decides there. */
struct gate {
	char *name;
	char *what;
};

struct gates {
	struct gate *items;
	size_t n, alloc;
	const char *what;   /* what the expression being read decides */
};

static void gate_name(void *ctx, const char *name)
{
	struct gates *g = ctx;

	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->items[i].name, name))
			return;
	PC_ALLOC_GROW(g->items, g->n + 1, g->alloc);
	g->items[g->n].name = pc_xstrdup(name);
	g->items[g->n].what = pc_xstrdup(g->what);
	g->n++;
}

static void gate_expr(struct gates *g, const struct pc_expr *e,
		      const char *what)
{
	if (!e)
		return;
	g->what = what;
	pc_expr_names(e, gate_name, g);
}

static void gates_of_desc(const struct pc_vmsd *v, struct gates *g,
			  int depth);

static void gates_of_fields(const struct pc_vmsd *v, struct gates *g,
			    int depth)
{
	for (size_t i = 0; i < v->n_fields; i++) {
		const struct pc_field *f = &v->fields[i];
		char *w;

		/* what it decides is formatted only for a field that has a
		 * condition: most have none */
		if (f->cond) {
			w = pc_xasprintf("field %s/%s (if=)", v->name, f->name);
			gate_expr(g, f->cond, w);
			free(w);
		}
		if (f->count_kind == PC_COUNT_EXPR && f->count_expr) {
			w = pc_xasprintf("the count of field %s/%s", v->name,
					 f->name);
			gate_expr(g, f->count_expr, w);
			free(w);
		}
		gates_of_desc(f->desc, g, depth + 1);
	}
}

/* The names every condition, count and invariant of 'v' reads (its
 * nested descriptions and subsections too), each with what it decides. */
static void gates_of_desc(const struct pc_vmsd *v, struct gates *g,
			  int depth)
{
	if (!v || depth > GATE_MAX_DEPTH)
		return;
	gates_of_fields(v, g, depth);
	for (size_t i = 0; i < v->n_subsections; i++) {
		const struct pc_subsection *s = &v->subsections[i];

		if (s->needed) {
			char *w = pc_xasprintf("subsection %s", s->name);

			gate_expr(g, s->needed, w);
			free(w);
		}
		gates_of_desc(s->desc, g, depth + 1);
	}
	for (size_t i = 0; i < v->n_invariants; i++) {
		const struct pc_invariant *iv = &v->invariants[i];
		char *w;

		if (!iv->value && !iv->romask)
			continue;
		w = pc_xasprintf("invariant %s/%s", v->name, iv->name);
		gate_expr(g, iv->value, w);
		gate_expr(g, iv->romask, w);
		free(w);
	}
}

static void gates_release(struct gates *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->items[i].name);
		free(g->items[i].what);
	}
	free(g->items);
}


/* Does 't' (or an ancestor) block migration when 'prop' is 'value'? */
static bool blocks_with(const struct pc_type *t, const struct pc_prop *pr,
			const char *prop, const char *value)
{
	for (; t; t = t->parent)
		for (size_t i = 0; i < t->n_blockers; i++) {
			const struct pc_blocker *b = &t->blockers[i];
			struct pc_value v;
			struct pc_err e = { 0 };
			bool same;

			if (!b->prop || strcmp(b->prop, prop) ||
			    pc_value_parse(pr, b->value, &v, &e))
				continue;
			same = !strcmp(v.text, value);
			pc_value_release(&v);
			if (same)
				return true;
		}
	return false;
}

/* "P=V" of a derived configuration: the guest-visible boolean 'name'
 * with a literal default, flipped; NULL when it is not one. */
static char *flipped(const struct pc_type *t, const char *name)
{
	const struct pc_prop *pr = pc_type_find_prop_aliased(t, name);
	struct pc_value v;
	struct pc_err e = { 0 };
	const char *to;

	if (!pr || !pr->guest_visible || !pr->def_text ||
	    pc_prop_kind_class(pr->kind) != PC_PCLASS_BOOL || /* bool, bit, feature */
	    pc_value_parse(pr, pr->def_text, &v, &e))
		return NULL;
	to = v.num ? "off" : "on";
	pc_value_release(&v);
	if (blocks_with(t, pr, name, to))
		return NULL;   /* that configuration cannot migrate at all */
	return pc_xasprintf("%s=%s", name, to);
}

struct ov_ctx {
	struct pc_vmconfig *c;
	size_t alloc;
	const char *origin;     /* "configuration LABEL" */
};

static int add_ov(void *ctx, const char *prop, const char *value,
		  struct pc_err *err)
{
	struct ov_ctx *x = ctx;
	struct pc_vmconfig *c = x->c;
	char *text = pc_xasprintf("%s.%s=%s", c->type, prop, value);
	int rc;

	PC_ALLOC_GROW(c->ovs, c->n_ovs + 1, x->alloc);
	rc = pc_override_parse(text, true, x->origin, &c->ovs[c->n_ovs], err);
	if (!rc)
		c->n_ovs++;
	free(text);
	return rc;
}

/* c's property values parsed as overrides, once (struct pc_vmconfig) */
static void parse_ovs(struct pc_vmconfig *c)
{
	char *origin = pc_xasprintf("configuration %s", c->label);
	struct ov_ctx x = { c, 0, origin };
	struct pc_err err = { 0 };

	if (pc_config_props_each(c->props, add_ov, &x, &err)) {
		c->ovs_err = pc_xmalloc(sizeof(*c->ovs_err));
		*c->ovs_err = err;
	}
	free(origin);
}

/* A configuration of type 't' unless one of t's, from out->items[from]
 * on, has the same values: every configuration of a type is added in one
 * run (configs_of_type()), so no earlier one can be of t. */
static void add_config(struct pc_vmconfigs *out, size_t *alloc, size_t from,
		       const struct pc_type *t, const char *props,
		       char *origin, bool declared)
{
	struct pc_vmconfig *c;

	for (size_t i = from; i < out->n; i++)
		if (!strcmp(out->items[i].type, t->name) &&
		    !strcmp(out->items[i].props, props)) {
			free(origin);
			return;
		}
	PC_ALLOC_GROW(out->items, out->n + 1, *alloc);
	c = &out->items[out->n++];
	pc_vmconfig_init(c, t->name, props, origin, declared);
}

void pc_vmconfig_init(struct pc_vmconfig *c, const char *type,
		      const char *props, char *origin, bool declared)
{
	memset(c, 0, sizeof(*c));
	c->type = pc_xstrdup(type);
	c->props = pc_xstrdup(props);
	c->label = pc_xasprintf("%s: %s", type, props);
	c->origin = origin;
	c->declared = declared;
	parse_ovs(c);
}

void pc_vmconfig_clear(struct pc_vmconfig *c)
{
	free(c->type);
	free(c->props);
	free(c->label);
	free(c->origin);
	for (size_t k = 0; k < c->n_ovs; k++)
		pc_override_release(&c->ovs[k]);
	free(c->ovs);
	free(c->ovs_err);
	memset(c, 0, sizeof(*c));
}

/* The sections a device of type 't' has: its own and its children's. */
static void gates_of_type(const struct pc_type *t, struct gates *g)
{
	gates_of_desc(pc_type_section(t), g, 0);
	for (size_t i = 0; i < t->n_children; i++)
		if (t->children[i].alias_props && t->children[i].type)
			gates_of_desc(pc_type_section(t->children[i].type),
				      g, 0);
}

static void configs_of_type(const struct pc_type *t,
			    struct pc_vmconfigs *out, size_t *alloc)
{
	struct gates g = { 0 };
	size_t from = out->n;

	for (const struct pc_type *a = t; a; a = a->parent)
		for (size_t i = 0; i < a->n_configs; i++) {
			char place[1100];

			add_config(out, alloc, from, t, a->configs[i].props,
				   pc_xasprintf("declared '%s' (%s)", a->configs[i].name,
						pc_plugin_place(a->plugin, a->configs[i].line,
								place, sizeof(place))),
				   true);
		}
	gates_of_type(t, &g);
	for (size_t i = 0; i < g.n; i++) {
		char *p = flipped(t, g.items[i].name);

		if (p)
			add_config(out, alloc, from, t, p,
				   pc_xasprintf("derived: %s gates %s",
						g.items[i].name,
						g.items[i].what),
				   false);
		free(p);
	}
	gates_release(&g);
}

void pc_vmconfigs_of(const struct pc_side *s, struct pc_vmconfigs *out)
{
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->reg->n_types; i++) {
		const struct pc_type *t = s->reg->types[i];

		if (!pc_type_is_concrete(t) || !pc_side_has_type(s, t) ||
		    pc_side_type_blocker(s, t))
			continue;
		configs_of_type(t, out, &alloc);
	}
}

void pc_vmconfigs_release(struct pc_vmconfigs *c)
{
	for (size_t i = 0; i < c->n; i++)
		pc_vmconfig_clear(&c->items[i]);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

int pc_vmconfig_side(const struct pc_side *base, const struct pc_vmconfig *c,
		     struct pc_side *out, struct pc_err *err)
{
	size_t n = base->n_overrides;

	if (c->ovs_err) {
		memset(out, 0, sizeof(*out));
		if (err)
			*err = *c->ovs_err;
		return -1;
	}
	*out = *base;
	out->devices = pc_xcalloc(1, sizeof(*out->devices));
	out->devices[0].id = pc_xstrdup(c->type);
	out->devices[0].type = pc_xstrdup(c->type);
	out->n_devices = 1;
	out->devices_subset = true;
	out->index = NULL;
	out->overrides = NULL;
	out->n_overrides = n + c->n_ovs;
	if (out->n_overrides) {
		out->overrides = pc_xcalloc(out->n_overrides,
					    sizeof(*out->overrides));
		if (n)
			memcpy(out->overrides, base->overrides,
			       n * sizeof(*out->overrides));
		if (c->n_ovs)
			memcpy(out->overrides + n, c->ovs,
			       c->n_ovs * sizeof(*out->overrides));
	}
	return 0;
}

void pc_vmconfig_side_release(struct pc_side *s)
{
	/* the overrides are the base side's and the configuration's */
	free(s->overrides);
	for (size_t i = 0; i < s->n_devices; i++) {
		free(s->devices[i].id);
		free(s->devices[i].type);
	}
	free(s->devices);
	memset(s, 0, sizeof(*s));
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Did the default configuration already give finding 'f'? */
static bool in_default(const struct pc_report *r, size_t n_dflt,
		       const struct pc_finding *f)
{
	for (size_t i = 0; i < n_dflt; i++) {
		const struct pc_finding *d = &r->items[i];

		if (d->rule == f->rule && same_str(d->src, f->src) &&
		    same_str(d->dst, f->dst) && same_str(d->machine, f->machine) &&
		    same_str(d->device, f->device) && same_str(d->path, f->path) &&
		    same_str(d->src_value, f->src_value) &&
		    same_str(d->dst_value, f->dst_value))
			return true;
	}
	return false;
}

int pc_vmconfig_direction(struct pc_check *chk, const struct pc_vmconfig *c,
			  const struct pc_side *src, const struct pc_side *dst,
			  size_t n_dflt, struct pc_report *r, struct pc_pair *p,
			  struct pc_err *err)
{
	struct pc_report one;
	struct pc_err inner = { 0 };
	size_t before = r->n;

	memset(p, 0, sizeof(*p));
	p->src = src->label;
	p->dst = dst->label;
	pc_report_init(&one);
	if (pc_check_direction(chk, src, dst, &one, &inner)) {
		pc_report_release(&one);
		p->error = true;
		return pc_err_wrap(err, &inner, "%s -> %s in configuration %s",
				   src->label, dst->label, c->label);
	}
	for (size_t i = 0; i < one.n; i++) {
		struct pc_finding f = one.items[i];

		if (in_default(r, n_dflt, &f))
			continue;
		f.vm_config = c->label;
		pc_report_add(r, &f);
	}
	pc_report_release(&one);
	pc_pair_count(r, before, p);
	return 0;
}

void pc_vmconfig_direction_settled(const struct pc_side *src,
				   const struct pc_side *dst,
				   const struct pc_report *r,
				   struct pc_pair *p)
{
	memset(p, 0, sizeof(*p));
	p->src = src->label;
	p->dst = dst->label;
	pc_pair_count(r, r->n, p);
}
