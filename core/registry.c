/*
 * registry.c - the set of device types and state descriptions that the
 * loaded plugins (or a recorded baseline) declare, linked into one model
 * (see model.h for the ownership rules and decl.c for the parser).
 *
 * Types and named descriptions each live in one namespace across plugins.
 * reg->types and reg->vmsds are kept sorted by name (strcmp) at all times,
 * so lookups are binary searches: a registry holds thousands of types and
 * the resolver looks names up for every compat entry of every machine.
 * decl.c keeps that order when it commits a plugin's declarations.
 *
 * pc_registry_finalize() does everything that needs the whole set: linking
 * parents, interfaces, children and description references, and rejecting
 * dangling names and cycles with the file and line of the declaration.
 *
 * Interfaces of interfaces: pc_type_is_a() has no registry at hand, so
 * finalize stores, for each type with declared interfaces, the names of
 * every interface those interfaces inherit.  They follow the declared
 * names in the same array, after a NULL: ifaces[0..n_ifaces) are the
 * declared names (in the type's string pool, decl.h), ifaces[n_ifaces] is
 * NULL, then come borrowed names up to a second NULL.  decl.c allocates
 * the two NULLs; the array is the type's own.
 *
 * Memory: types and descriptions are created by decl.c only, boxed with
 * the string pool of the text that declared them (decl.h); freeing one
 * frees its arrays and expressions here and its box there.
 */
#include "model.h"
#include "decl-pool.h"
#include "pciconf.h"
#include "derive.h"
#include "expr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module.h" /* pc_plugin_free(): a plugin may hold loaded code */

#include "vfeature.h"

#include "banned.h"

/* ------------------------------------------------------------ values */

/* s[0..n) as a value's text: in arena 'a', or on the heap when NULL */
static char *value_text(struct pc_arena *a, const char *s, size_t n)
{
	return a ? pc_arena_bytes_dup(a, s, n) : pc_xstrndup(s, n);
}

/* "%" PRIu64, with a '-' in front if 'neg' (a value's canonical text:
 * some 6,000 per 1,000 plugins, where printf was a tenth of parsing) */
static char *int_text(struct pc_arena *a, bool neg, uint64_t mag)
{
	char d[24];
	size_t i = sizeof(d);

	d[--i] = '\0';
	do {
		d[--i] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (neg)
		d[--i] = '-';
	return value_text(a, d + i, sizeof(d) - i - 1);
}

static int value_int(const struct pc_prop *prop, const char *text,
		     struct pc_value *out, struct pc_arena *a,
		     struct pc_err *err)
{
	uint64_t umax = 0;
	int64_t smin = 0, smax = 0;
	bool is_signed, neg;
	uint64_t mag;
	uint32_t size;

	size = pc_prop_kind_size(prop->kind);
	if (pc_prop_kind_class(prop->kind) != PC_PCLASS_INT || !size || size > 8)
		return pc_err_setc(err, PC_E_INTERNAL, "internal error: '%s' is not an integer kind",
				   pc_prop_kind_name(prop->kind));
	is_signed = pc_prop_kind_signed(prop->kind);
	if (is_signed) {
		smax = (int64_t)(UINT64_MAX >> (65 - 8 * size));
		smin = -smax - 1;
	} else {
		umax = UINT64_MAX >> (64 - 8 * size);
	}
	if (pc_parse_int_text(text, is_signed ? PC_INT_SIGNED : 0, &neg, &mag))
		goto bad;
	if (is_signed) {
		int64_t v;

		if (neg) {
			if (mag > (uint64_t)INT64_MAX + 1)
				goto bad;
			v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN
							   : -(int64_t)mag;
		} else {
			if (mag > (uint64_t)INT64_MAX)
				goto bad;
			v = (int64_t)mag;
		}
		if (v < smin || v > smax)
			goto bad;
		out->num = v;
		/* "-0" is 0 */
		out->text = int_text(a, v < 0, mag);
	} else {
		if (mag > umax)
			goto bad;
		/* u64 above INT64_MAX keeps its bits in 'num'; 'text' is
		 * the value */
		out->num = (int64_t)mag;
		out->text = int_text(a, false, mag);
	}
	return 0;
bad:
	if (is_signed)
		return pc_err_set(err, "invalid value '%s' for %s property '%s' (expected an integer %" PRId64 "..%" PRId64 ")",
				  text, pc_prop_kind_name(prop->kind),
				  prop->name, smin, smax);
	return pc_err_set(err, "invalid value '%s' for %s property '%s' (expected an integer 0..%" PRIu64 ")",
			  text, pc_prop_kind_name(prop->kind), prop->name,
			  umax);
}

static int parse_bool_word(const char *s)
{
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes"))
		return 1;
	if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no"))
		return 0;
	return -1;
}

int pc_value_parse(const struct pc_prop *prop, const char *text,
		   struct pc_value *out, struct pc_err *err)
{
	return pc_value_parse_in(prop, text, out, NULL, err);
}

int pc_value_parse_in(const struct pc_prop *prop, const char *text,
		      struct pc_value *out, struct pc_arena *a,
		      struct pc_err *err)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *w;
	int b;

	out->num = 0;
	out->text = NULL;
	switch (pc_prop_kind_class(prop->kind)) {
	case PC_PCLASS_BOOL:
		b = parse_bool_word(text);
		if (b < 0)
			return pc_err_set(err, "invalid value '%s' for %s property '%s' (expected on/off, true/false or yes/no)",
					  text, pc_prop_kind_name(prop->kind),
					  prop->name);
		out->num = b;
		w = b ? "on" : "off";
		out->text = value_text(a, w, strlen(w));
		return 0;
	case PC_PCLASS_INT:
		return value_int(prop, text, out, a, err);
	case PC_PCLASS_STRING:
		out->text = value_text(a, text, strlen(text));
		return 0;
	case PC_PCLASS_ENUM:
		for (size_t i = 0; i < prop->n_enum_values; i++) {
			if (!strcmp(text, prop->enum_values[i])) {
				out->num = (int64_t)i;
				out->text = value_text(a, text, strlen(text));
				return 0;
			}
		}
		for (size_t i = 0; i < prop->n_enum_values; i++)
			pc_strbuf_addf(&sb, "%s%s", i ? ", " : "",
				       prop->enum_values[i]);
		pc_err_set(err, "invalid value '%s' for enum property '%s' (expected one of: %s)",
			   text, prop->name, sb.buf);
		pc_strbuf_release(&sb);
		return -1;
	case PC_PCLASS_ONOFFAUTO:
		if (!strcmp(text, "on"))
			out->num = 1;
		else if (!strcmp(text, "off"))
			out->num = 0;
		else if (!strcmp(text, "auto"))
			out->num = 2;
		else
			return pc_err_set(err, "invalid value '%s' for onoffauto property '%s' (expected on, off or auto)",
					  text, prop->name);
		out->text = value_text(a, text, strlen(text));
		return 0;
	}
	return pc_err_setc(err, PC_E_INTERNAL, "internal error: bad property kind");
}

void pc_value_release(struct pc_value *v)
{
	free(v->text);
	v->text = NULL;
	v->num = 0;
}

/* ------------------------------------------------------------ freeing */

/*
 * Types and descriptions come from decl.c only: their strings live in
 * the pool of the text that declared them (decl.h) and are not freed one
 * by one; their arrays and expressions are.
 */
static void prop_release(struct pc_prop *p)
{
	free(p->enum_values);
	free(p->requires);
	pc_expr_free(p->def_expr);
	pc_expr_free(p->realized_expr);
	free(p->absent);
	free(p->changes);
}

static void type_free(struct pc_type *t)
{
	if (!t)
		return;
	/* the declared names are pooled, the borrowed ones (see the top of
	 * this file) are not ours: only the array is freed */
	free(t->ifaces);
	for (size_t i = 0; i < t->n_props; i++)
		prop_release(&t->props[i]);
	free(t->props);
	free(t->children);
	free(t->hooks);
	free(t->blockers);
	free(t->configs);
	for (size_t i = 0; i < t->n_rams; i++) {
		pc_expr_free(t->rams[i].size);
		pc_expr_free(t->rams[i].max);
		pc_expr_free(t->rams[i].cond);
	}
	free(t->rams);
	for (size_t i = 0; i < t->n_registers; i++) {
		pc_expr_free(t->registers[i].value);
		pc_expr_free(t->registers[i].romask);
		pc_cfg_reg_free(t->registers[i].reg);
	}
	free(t->registers);
	for (size_t i = 0; i < t->n_caps; i++) {
		pc_expr_free(t->caps[i].cond);
		pc_expr_free(t->caps[i].entries);
	}
	free(t->caps);
	free(t->attrs);
	pc_decl_type_free_box(t);
}

static void vmsd_free(struct pc_vmsd *v)
{
	if (!v)
		return;
	free(v->changes);
	for (size_t i = 0; i < v->n_fields; i++) {
		struct pc_field *f = &v->fields[i];

		pc_expr_free(f->count_expr);
		pc_expr_free(f->cond);
	}
	free(v->fields);
	for (size_t i = 0; i < v->n_subsections; i++)
		pc_expr_free(v->subsections[i].needed);
	free(v->subsections);
	for (size_t i = 0; i < v->n_invariants; i++) {
		struct pc_invariant *inv = &v->invariants[i];

		pc_expr_free(inv->value);
		pc_expr_free(inv->romask);
		pc_cfg_reg_free(inv->reg);
	}
	free(v->invariants);
	pc_decl_vmsd_free_box(v);
}

struct pc_registry *pc_registry_new(void)
{
	return pc_xcalloc(1, sizeof(struct pc_registry));
}

void pc_registry_free(struct pc_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n_types; i++)
		type_free(reg->types[i]);
	free(reg->types);
	for (size_t i = 0; i < reg->n_vmsds; i++)
		vmsd_free(reg->vmsds[i]);
	free(reg->vmsds);
	for (size_t i = 0; i < reg->n_plugins; i++)
		pc_plugin_free(reg->plugins[i]);
	free(reg->plugins);
	for (size_t i = 0; i < reg->n_texts; i++)
		free(reg->texts[i]);
	free(reg->texts);
	free(reg);
}

void pc_registry_keep_text(struct pc_registry *reg, char *buf)
{
	PC_ALLOC_GROW(reg->texts, reg->n_texts + 1, reg->alloc_texts);
	reg->texts[reg->n_texts++] = buf;
}

/* ------------------------------------------------------------ lookups */

struct pc_type *pc_registry_find_type(const struct pc_registry *reg,
				      const char *name)
{
	size_t lo = 0, hi = reg->n_types;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, reg->types[mid]->name);

		if (!c)
			return reg->types[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct pc_vmsd *pc_registry_find_vmsd(const struct pc_registry *reg,
				      const char *name)
{
	size_t lo = 0, hi = reg->n_vmsds;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, reg->vmsds[mid]->name);

		if (!c)
			return reg->vmsds[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *pc_registry_suggest_type(const struct pc_registry *reg,
				     const char *word, bool concrete)
{
	const char **names = pc_xcalloc(reg->n_types + 1, sizeof(*names));
	const char *best;
	size_t n = 0;

	for (size_t i = 0; i < reg->n_types; i++)
		if (!concrete || pc_type_is_concrete(reg->types[i]))
			names[n++] = reg->types[i]->name;
	best = pc_suggest(word, names, n);
	free(names);
	return best;
}

const char *pc_registry_typo_type(const struct pc_registry *reg,
				  const char *word)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;

	for (size_t i = 0; i < reg->n_types; i++)
		if (pc_type_is_a(reg->types[i], word))
			return NULL;
	for (size_t i = 0; i < reg->n_types; i++) {
		const char *name = reg->types[i]->name;
		size_t d;

		if (!pc_name_likely_typo(word, name))
			continue;
		d = pc_edit_distance(word, name);
		if (d < bestd) {
			bestd = d;
			best = name;
		}
	}
	return best;
}

void pc_registry_isa_names(const struct pc_registry *reg,
			   struct pc_strmap *names)
{
	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *t = reg->types[i];

		/* as pc_type_is_a() walks it */
		pc_strmap_index(names, t->name, strlen(t->name));
		if (!t->ifaces)
			continue;
		for (size_t k = 0; k < t->n_ifaces; k++)
			pc_strmap_index(names, t->ifaces[k], strlen(t->ifaces[k]));
		for (char **p = t->ifaces + t->n_ifaces + 1; *p; p++)
			pc_strmap_index(names, *p, strlen(*p));
	}
}

/* ------------------------------------------------------------ finalize */

static const char *origin(const struct pc_plugin *p)
{
	return p && p->path ? p->path : "(unknown)";
}

/* " (did you mean 'x'?)" or "", in 'buf' */
static const char *suggest_type(const struct pc_registry *reg, const char *word,
				char *buf, size_t len)
{
	const char *best = pc_registry_suggest_type(reg, word, false);

	if (best)
		snprintf(buf, len, " (did you mean '%s'?)", best);
	else
		buf[0] = '\0';
	return buf;
}

static const char *suggest_vmsd(const struct pc_registry *reg, const char *word,
				char *buf, size_t len)
{
	const char **names = pc_xcalloc(reg->n_vmsds, sizeof(*names));
	const char *best;

	for (size_t i = 0; i < reg->n_vmsds; i++)
		names[i] = reg->vmsds[i]->name;
	best = pc_suggest(word, names, reg->n_vmsds);
	if (best)
		snprintf(buf, len, " (did you mean '%s'?)", best);
	else
		buf[0] = '\0';
	free(names);
	return buf;
}

static int link_parents(struct pc_registry *reg, struct pc_err *err)
{
	char sug[200];

	for (size_t i = 0; i < reg->n_types; i++) {
		struct pc_type *t = reg->types[i];

		t->parent = NULL;
		if (!t->parent_name)
			continue;
		t->parent = pc_registry_find_type(reg, t->parent_name);
		if (!t->parent)
			return pc_err_set(err, "%s:%d: unknown parent type '%s' of type '%s'%s",
					  origin(t->plugin), t->line,
					  t->parent_name, t->name,
					  suggest_type(reg, t->parent_name, sug,
						       sizeof(sug)));
		if (t->parent->interface != t->interface)
			return pc_err_set(err, "%s:%d: type '%s' is %san interface but its parent '%s' is %s",
					  origin(t->plugin), t->line, t->name,
					  t->interface ? "" : "not ",
					  t->parent->name,
					  t->parent->interface ? "one" : "not");
	}
	return 0;
}

/*
 * Depth-first marks (1 on the path, 2 done) of at most 'n' types or
 * descriptions, keyed by address: looking an object's index up by name
 * (a binary search of strcmp()s) for every step of every walk was a
 * fifth of finalizing a thousand plugins.
 */
struct marks {
	const void **keys;
	unsigned char *val;
	size_t mask;
};

static void marks_init(struct marks *m, size_t n)
{
	size_t size = 16;

	while (size < 2 * n + 2)
		size *= 2;
	m->keys = pc_xcalloc(size, sizeof(*m->keys));
	m->val = pc_xcalloc(size, 1);
	m->mask = size - 1;
}

static void marks_release(struct marks *m)
{
	free(m->keys);
	free(m->val);
}

/* The mark of 'p' (0 when never marked); at most n distinct keys. */
static unsigned char *mark_of(struct marks *m, const void *p)
{
	uint64_t h = (uint64_t)((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ULL;

	for (size_t i = (size_t)(h >> 32) & m->mask;; i = (i + 1) & m->mask) {
		if (m->keys[i] == p)
			return &m->val[i];
		if (!m->keys[i]) {
			m->keys[i] = p;
			return &m->val[i];
		}
	}
}

/* Parent chains must end at a root; report a loop as "a -> b -> a". */
static int check_parent_cycles(struct pc_registry *reg, struct pc_err *err)
{
	struct marks mark;
	int ret = 0;

	marks_init(&mark, reg->n_types);

	for (size_t i = 0; i < reg->n_types && !ret; i++) {
		struct pc_type *t;

		for (t = reg->types[i]; t; t = t->parent) {
			unsigned char *k = mark_of(&mark, t);

			if (*k == 2)
				break;
			if (*k == 1) {
				struct pc_strbuf sb = PC_STRBUF_INIT;
				const struct pc_type *c = t;

				do {
					pc_strbuf_addf(&sb, "%s -> ", c->name);
					c = c->parent;
				} while (c != t);
				pc_strbuf_addstr(&sb, t->name);
				ret = pc_err_set(err, "%s:%d: parent cycle: %s",
						 origin(t->plugin), t->line,
						 sb.buf);
				pc_strbuf_release(&sb);
				break;
			}
			*k = 1;
		}
		for (t = reg->types[i]; t && *mark_of(&mark, t) == 1;
		     t = t->parent)
			*mark_of(&mark, t) = 2;
	}
	marks_release(&mark);
	/* a chain is bounded like nesting: everything that walks a type's
	 * ancestors (properties, interfaces, compat matching) stays linear
	 * in the number of types */
	for (size_t i = 0; i < reg->n_types && !ret; i++) {
		size_t depth = 0;

		for (const struct pc_type *t = reg->types[i]; t; t = t->parent)
			if (++depth > PC_MAX_TYPE_DEPTH)
				break;
		if (depth > PC_MAX_TYPE_DEPTH)
			ret = pc_err_setc(err, PC_E_LIMIT,
					  "%s:%d: type '%s' has more than %d ancestors (parent chains are bounded; QEMU's deepest has about 10)",
					  origin(reg->types[i]->plugin), reg->types[i]->line,
					  reg->types[i]->name, PC_MAX_TYPE_DEPTH - 1);
	}
	return ret;
}

static bool name_in(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

/* Every interface inherited through the declared interfaces of 't'. */
static void collect_iface_closure(const struct pc_registry *reg,
				  const struct pc_type *iface,
				  const struct pc_type *t, const char ***list,
				  size_t *n, size_t *alloc)
{
	for (const struct pc_type *a = iface; a; a = a->parent) {
		if (a != iface && !name_in((const char *const *)t->ifaces, t->n_ifaces,
					   a->name) &&
		    !name_in(*list, *n, a->name)) {
			PC_ALLOC_GROW(*list, *n + 1, *alloc);
			(*list)[(*n)++] = a->name;
		}
		for (size_t i = 0; i < a->n_ifaces; i++) {
			const struct pc_type *sub =
				pc_registry_find_type(reg, a->ifaces[i]);

			if (!sub || name_in(*list, *n, sub->name))
				continue;
			PC_ALLOC_GROW(*list, *n + 1, *alloc);
			(*list)[(*n)++] = sub->name;
			collect_iface_closure(reg, sub, t, list, n, alloc);
		}
	}
}

static int link_interfaces(struct pc_registry *reg, struct pc_err *err)
{
	char sug[200];

	for (size_t i = 0; i < reg->n_types; i++) {
		struct pc_type *t = reg->types[i];
		const char **extra = NULL;
		size_t n = 0, alloc = 0;

		for (size_t j = 0; j < t->n_ifaces; j++) {
			const struct pc_type *it =
				pc_registry_find_type(reg, t->ifaces[j]);

			if (!it)
				return pc_err_set(err, "%s:%d: unknown interface '%s' of type '%s'%s",
						  origin(t->plugin), t->line,
						  t->ifaces[j], t->name,
						  suggest_type(reg, t->ifaces[j],
							       sug, sizeof(sug)));
			if (!it->interface)
				return pc_err_set(err, "%s:%d: '%s' in interfaces= of type '%s' is not an interface type (declared at %s:%d)",
						  origin(t->plugin), t->line,
						  it->name, t->name,
						  origin(it->plugin), it->line);
		}
		if (!t->n_ifaces)
			continue;
		for (size_t j = 0; j < t->n_ifaces; j++)
			collect_iface_closure(reg,
					      pc_registry_find_type(reg, t->ifaces[j]),
					      t, &extra, &n, &alloc);
		t->ifaces = pc_xrealloc(t->ifaces,
					(t->n_ifaces + n + 2) * sizeof(*t->ifaces));
		t->ifaces[t->n_ifaces] = NULL;
		for (size_t j = 0; j < n; j++)
			t->ifaces[t->n_ifaces + 1 + j] = (char *)(uintptr_t)extra[j];
		t->ifaces[t->n_ifaces + 1 + n] = NULL;
		free(extra);
	}
	return 0;
}

/*
 * A composite contains its children and (through inheritance) its
 * ancestors' children: a loop over child and parent edges that uses a
 * child edge would make every instance contain itself.
 */
static int composite_dfs(struct pc_registry *reg, struct pc_type *t,
			 struct marks *mark, struct pc_err *err)
{
	unsigned char *k = mark_of(mark, t);

	if (*k == 2)
		return 0;
	if (*k == 1)
		return pc_err_set(err, "%s:%d: type '%s' contains itself through its children",
				  origin(t->plugin), t->line, t->name);
	*k = 1;
	for (size_t i = 0; i < t->n_children; i++)
		if (composite_dfs(reg, t->children[i].type, mark, err))
			return -1;
	if (t->parent && composite_dfs(reg, t->parent, mark, err))
		return -1;
	/* the slot stays put: the table never moves */
	*k = 2;
	return 0;
}

static int link_children(struct pc_registry *reg, struct pc_err *err)
{
	char sug[200];
	struct marks mark;
	int ret = 0;

	for (size_t i = 0; i < reg->n_types; i++) {
		struct pc_type *t = reg->types[i];

		for (size_t j = 0; j < t->n_children; j++) {
			struct pc_child *c = &t->children[j];

			c->type = pc_registry_find_type(reg, c->type_name);
			if (!c->type)
				return pc_err_set(err, "%s:%d: unknown type '%s' of child '%s' of type '%s'%s",
						  origin(t->plugin), c->line,
						  c->type_name, c->name, t->name,
						  suggest_type(reg, c->type_name,
							       sug, sizeof(sug)));
		}
		t->section_desc = NULL;
		if (t->section) {
			t->section_desc = pc_registry_find_vmsd(reg, t->section);
			if (!t->section_desc)
				return pc_err_set(err, "%s:%d: unknown vmsd '%s' in section= of type '%s'%s",
						  origin(t->plugin), t->line,
						  t->section, t->name,
						  suggest_vmsd(reg, t->section,
							       sug, sizeof(sug)));
		}
	}
	marks_init(&mark, reg->n_types);
	for (size_t i = 0; i < reg->n_types && !ret; i++)
		ret = composite_dfs(reg, reg->types[i], &mark, err);
	marks_release(&mark);
	return ret;
}

static bool field_is_integer(const struct pc_field *f)
{
	return pc_field_kind_class(f->kind) == PC_FCLASS_INT &&
	       f->count_kind == PC_COUNT_ONE;
}

static int check_count_field(const struct pc_vmsd *v, size_t idx,
			     struct pc_err *err)
{
	const struct pc_field *f = &v->fields[idx];

	for (size_t i = 0; i < v->n_fields; i++) {
		const struct pc_field *c = &v->fields[i];

		if (strcmp(c->name, f->count_field))
			continue;
		if (i >= idx)
			return pc_err_set(err, "%s:%d: count-field '%s' of field '%s' in vmsd '%s' must name an earlier field, found it at line %d",
					  origin(v->plugin), f->line,
					  f->count_field, f->name, v->name,
					  c->line);
		if (!field_is_integer(c))
			return pc_err_set(err, "%s:%d: count-field '%s' of field '%s' in vmsd '%s' must name a scalar integer field, found %s%s",
					  origin(v->plugin), f->line,
					  f->count_field, f->name, v->name,
					  pc_field_kind_name(c->kind),
					  c->count_kind == PC_COUNT_ONE ? "" : " array");
		return 0;
	}
	return pc_err_set(err, "%s:%d: count-field '%s' of field '%s' in vmsd '%s' names no field of the vmsd",
			  origin(v->plugin), f->line, f->count_field, f->name,
			  v->name);
}

static int check_invariant(const struct pc_vmsd *v,
			   const struct pc_invariant *inv, struct pc_err *err)
{
	if (inv->size != 1 && inv->size != 2 && inv->size != 4 &&
	    inv->size != 8)
		return pc_err_set(err, "%s:%d: invariant '%s' of vmsd '%s': size %u, expected 1, 2, 4 or 8",
				  origin(v->plugin), inv->line, inv->name,
				  v->name, inv->size);
	for (size_t i = 0; i < v->n_fields; i++) {
		const struct pc_field *f = &v->fields[i];

		if (strcmp(f->name, inv->field))
			continue;
		if (f->kind != PC_FIELD_BUFFER)
			return pc_err_set(err, "%s:%d: invariant '%s' of vmsd '%s': field '%s' is %s, expected a buffer field",
					  origin(v->plugin), inv->line,
					  inv->name, v->name, f->name,
					  pc_field_kind_name(f->kind));
		if ((uint64_t)inv->offset + inv->size > f->size)
			return pc_err_set(err, "%s:%d: invariant '%s' of vmsd '%s': bytes %u..%" PRIu64 " are outside buffer field '%s' of %u bytes",
					  origin(v->plugin), inv->line,
					  inv->name, v->name, inv->offset,
					  (uint64_t)inv->offset + inv->size - 1,
					  f->name, f->size);
		return 0;
	}
	return pc_err_set(err, "%s:%d: invariant '%s' of vmsd '%s': no field '%s' in the vmsd",
			  origin(v->plugin), inv->line, inv->name, v->name,
			  inv->field);
}

static int link_vmsd(struct pc_registry *reg, struct pc_vmsd *v,
		     struct pc_err *err)
{
	char sug[200];

	for (size_t i = 0; i < v->n_fields; i++) {
		struct pc_field *f = &v->fields[i];

		f->desc = NULL;
		if (f->struct_name) {
			f->desc = pc_registry_find_vmsd(reg, f->struct_name);
			if (!f->desc)
				return pc_err_set(err, "%s:%d: unknown vmsd '%s' in struct= of field '%s' of vmsd '%s'%s",
						  origin(v->plugin), f->line,
						  f->struct_name, f->name, v->name,
						  suggest_vmsd(reg, f->struct_name,
							       sug, sizeof(sug)));
		}
		if (f->count_kind == PC_COUNT_FIELD &&
		    check_count_field(v, i, err))
			return -1;
	}
	for (size_t i = 0; i < v->n_subsections; i++) {
		struct pc_subsection *s = &v->subsections[i];

		s->desc = pc_registry_find_vmsd(reg, s->name);
		if (!s->desc)
			return pc_err_set(err, "%s:%d: unknown vmsd '%s' in subsection of vmsd '%s'%s",
					  origin(v->plugin), s->line, s->name,
					  v->name,
					  suggest_vmsd(reg, s->name, sug,
						       sizeof(sug)));
	}
	for (size_t i = 0; i < v->n_invariants; i++)
		if (check_invariant(v, &v->invariants[i], err))
			return -1;
	return 0;
}

/* Descriptions nest through struct fields and subsections: no loops. */
static int vmsd_dfs(struct pc_registry *reg, struct pc_vmsd *v,
		    struct marks *mark, struct pc_vmsd **path, size_t depth,
		    struct pc_err *err)
{
	unsigned char *k = mark_of(mark, v);

	if (*k == 2)
		return 0;
	if (*k == 1) {
		struct pc_strbuf sb = PC_STRBUF_INIT;
		size_t start = 0;

		while (path[start] != v)
			start++;
		for (size_t i = start; i < depth; i++)
			pc_strbuf_addf(&sb, "%s -> ", path[i]->name);
		pc_strbuf_addstr(&sb, v->name);
		pc_err_set(err, "%s:%d: vmsd nesting cycle: %s",
			   origin(v->plugin), v->line, sb.buf);
		pc_strbuf_release(&sb);
		return -1;
	}
	*k = 1;
	path[depth] = v;
	for (size_t i = 0; i < v->n_fields; i++)
		if (v->fields[i].desc &&
		    vmsd_dfs(reg, v->fields[i].desc, mark, path, depth + 1, err))
			return -1;
	for (size_t i = 0; i < v->n_subsections; i++)
		if (vmsd_dfs(reg, v->subsections[i].desc, mark, path,
			     depth + 1, err))
			return -1;
	*k = 2;
	return 0;
}

#define LIMIT_SECTION_FIELDS 100000ULL
#define LIMIT_VM_FACTOR 40ULL
#define LIMIT_BYTES_PER_FIELD 10240ULL
#define LIMIT_BYTES_MIN (1ULL << 30)

static struct pc_resolve_limits limits = {
	LIMIT_SECTION_FIELDS,
	LIMIT_SECTION_FIELDS * LIMIT_BYTES_PER_FIELD > LIMIT_BYTES_MIN
		? LIMIT_SECTION_FIELDS * LIMIT_BYTES_PER_FIELD : LIMIT_BYTES_MIN,
	LIMIT_SECTION_FIELDS * LIMIT_VM_FACTOR,
};

void pc_resolve_limits(struct pc_resolve_limits *out)
{
	*out = limits;
}

void pc_resolve_set_field_limit(uint64_t section_fields)
{
	uint64_t bytes;

	if (!section_fields)
		section_fields = LIMIT_SECTION_FIELDS;
	bytes = section_fields > UINT64_MAX / LIMIT_BYTES_PER_FIELD
		? UINT64_MAX : section_fields * LIMIT_BYTES_PER_FIELD;
	limits.section_fields = section_fields;
	limits.section_bytes = bytes > LIMIT_BYTES_MIN ? bytes : LIMIT_BYTES_MIN;
	limits.vm_fields = section_fields > UINT64_MAX / LIMIT_VM_FACTOR
		? UINT64_MAX : section_fields * LIMIT_VM_FACTOR;
}

/* Fields of 'v' with every nested description copied where it is held
 * (what resolution makes of it at most), memoised by description. */
struct fanout_memo {
	const struct pc_vmsd **keys;
	uint64_t *val;
	size_t mask;
};

static uint64_t *fanout_slot(struct fanout_memo *m, const struct pc_vmsd *v)
{
	uint64_t h = (uint64_t)((uintptr_t)v >> 4) * 0x9e3779b97f4a7c15ULL;

	for (size_t i = (size_t)(h >> 32) & m->mask;; i = (i + 1) & m->mask) {
		if (m->keys[i] == v)
			return &m->val[i];
		if (!m->keys[i]) {
			m->keys[i] = v;
			m->val[i] = UINT64_MAX; /* not known yet */
			return &m->val[i];
		}
	}
}

static uint64_t fanout(const struct pc_vmsd *v, struct fanout_memo *m)
{
	uint64_t *slot = fanout_slot(m, v), total = 0;

	if (*slot != UINT64_MAX)
		return *slot;
	for (size_t i = 0; i < v->n_fields; i++) {
		uint64_t one = 1 + (v->fields[i].desc ? fanout(v->fields[i].desc, m) : 0);

		total = total > UINT64_MAX - 1 - one ? UINT64_MAX - 1 : total + one;
	}
	for (size_t i = 0; i < v->n_subsections; i++) {
		uint64_t one = fanout(v->subsections[i].desc, m);

		total = total > UINT64_MAX - 1 - one ? UINT64_MAX - 1 : total + one;
	}
	*fanout_slot(m, v) = total;
	return total;
}

/* A description that resolution would copy into more fields than a
 * section may have is refused once, here, naming it (not once per
 * checked direction when it is resolved). */
static int check_fanout(const struct pc_registry *reg, struct pc_err *err)
{
	struct fanout_memo m;
	size_t size = 16;
	int ret = 0;

	while (size < 2 * reg->n_vmsds + 2)
		size *= 2;
	m.keys = pc_xcalloc(size, sizeof(*m.keys));
	m.val = pc_xcalloc(size, sizeof(*m.val));
	m.mask = size - 1;
	for (size_t i = 0; i < reg->n_vmsds && !ret; i++) {
		const struct pc_vmsd *v = reg->vmsds[i];
		uint64_t n = fanout(v, &m);

		if (n > limits.section_fields)
			ret = pc_err_setc(err, PC_E_LIMIT,
					  "%s:%d: description '%s' expands to %s%llu fields when each nested description is copied for every field that holds it (at most %llu; --max-layout-fields raises the bound)",
					  origin(v->plugin), v->line, v->name,
					  n >= UINT64_MAX - 1 ? "over " : "", (unsigned long long)n,
					  (unsigned long long)limits.section_fields);
	}
	free(m.keys);
	free(m.val);
	return ret;
}

/* Levels of descriptions from 'v' down (1: no nested one), memoised in
 * 'h' (0: not known yet; capped so it fits); the graph has no cycles. */
static unsigned nest_height(const struct pc_vmsd *v, struct marks *h)
{
	unsigned char *k = mark_of(h, v);
	unsigned best = 0;

	if (*k)
		return *k;
	for (size_t i = 0; i < v->n_fields; i++)
		if (v->fields[i].desc) {
			unsigned x = nest_height(v->fields[i].desc, h);

			best = x > best ? x : best;
		}
	for (size_t i = 0; i < v->n_subsections; i++) {
		unsigned x = nest_height(v->subsections[i].desc, h);

		best = x > best ? x : best;
	}
	*k = (unsigned char)(best + 1 > 250 ? 250 : best + 1);
	return *k;
}

/* A description nesting deeper than a check may go is the plugin's
 * error, found once here: not once per direction when it is resolved. */
static int check_nesting(const struct pc_registry *reg, struct pc_err *err)
{
	struct marks h;
	int ret = 0;

	marks_init(&h, reg->n_vmsds);
	for (size_t i = 0; i < reg->n_vmsds && !ret; i++) {
		const struct pc_vmsd *v = reg->vmsds[i];
		unsigned levels = nest_height(v, &h);

		if (levels > PC_MAX_NESTING + 1)
			ret = pc_err_setc(err, PC_E_LIMIT,
					  "%s:%d: description '%s' nests %s%u levels of descriptions (struct fields and subsections; at most %d)",
					  origin(v->plugin), v->line, v->name,
					  levels >= 250 ? "at least " : "", levels - 1, PC_MAX_NESTING);
	}
	marks_release(&h);
	return ret;
}

/* An 'unmigratable prop=P value=V' names a property the type has (its
 * own or inherited) and a value of that property. */
static int link_blockers(const struct pc_registry *reg, struct pc_err *err)
{
	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *t = reg->types[i];

		for (size_t k = 0; k < t->n_blockers; k++) {
			const struct pc_blocker *b = &t->blockers[k];
			const struct pc_prop *pr;
			struct pc_value v;
			struct pc_err e = { 0 };

			if (!b->prop)
				continue;
			pr = pc_type_find_prop(t, b->prop, NULL);
			if (!pr)
				return pc_err_set(err, "%s:%d: unmigratable prop=%s: type '%s' has no property '%s'",
						  origin(t->plugin), b->line,
						  b->prop, t->name, b->prop);
			if (pc_value_parse(pr, b->value, &v, &e))
				return pc_err_set(err, "%s:%d: unmigratable value=%s: %s",
						  origin(t->plugin), b->line,
						  b->value, e.msg);
			pc_value_release(&v);
		}
	}
	return 0;
}

int pc_config_props_each(const char *props,
			 int (*fn)(void *ctx, const char *prop,
				   const char *value, struct pc_err *err),
			 void *ctx, struct pc_err *err)
{
	struct pc_strmap seen = { 0 };
	char *copy = pc_xstrdup(props), *save = NULL, *item;
	int ret = 0;

	if (!*props || props[strlen(props) - 1] == ',' || props[0] == ',' ||
	    strstr(props, ",,"))
		ret = pc_err_set(err, "expected \"P=V[,P=V...]\", found \"%s\"",
				 props);
	for (item = strtok_r(copy, ",", &save); item && !ret;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (!eq || eq == item || !eq[1]) {
			ret = pc_err_set(err, "expected P=V, found '%s'", item);
			break;
		}
		*eq = '\0';
		if (pc_strmap_find(&seen, item, strlen(item)) != SIZE_MAX) {
			ret = pc_err_set(err, "property '%s' named twice", item);
			break;
		}
		pc_strmap_index(&seen, item, strlen(item));
		ret = fn(ctx, item, eq + 1, err);
	}
	pc_strmap_release(&seen);
	free(copy);
	return ret;
}

/* A config's P=V: a property the type has (own, inherited, or aliased
 * from a child) and a value of that property. */
static int config_prop_valid(void *ctx, const char *prop, const char *value,
			     struct pc_err *err)
{
	const struct pc_type *t = ctx;
	const struct pc_prop *pr = pc_type_find_prop_aliased(t, prop);
	struct pc_value v;

	if (!pr)
		return pc_err_set(err, "type '%s' has no property '%s'",
				  t->name, prop);
	if (pc_value_parse(pr, value, &v, err))
		return -1;
	pc_value_release(&v);
	return 0;
}

/* Every 'config' line names the type's properties and their values. */
static int link_configs(const struct pc_registry *reg, struct pc_err *err)
{
	for (size_t i = 0; i < reg->n_types; i++) {
		struct pc_type *t = reg->types[i];

		for (size_t k = 0; k < t->n_configs; k++) {
			struct pc_err e = { 0 };

			if (pc_config_props_each(t->configs[k].props,
						 config_prop_valid, t, &e))
				return pc_err_set(err, "%s:%d: config %s: %s",
						  origin(t->plugin),
						  t->configs[k].line,
						  t->configs[k].name, e.msg);
		}
	}
	return 0;
}

/* pc_expr_names() callback over a realized= expression: 't' is the
 * concrete type whose objects evaluate it, 'decl' the type declaring it */
struct rwalk {
	const struct pc_type *t, *decl;
	const struct pc_prop *p;
	struct pc_err *err;
	bool failed;
};

static void realized_name(void *ctx, const char *name)
{
	struct rwalk *w = ctx;

	if (w->failed || pc_type_find_prop_aliased(w->t, name) ||
	    pc_type_attr(w->t, name) || !strcmp(name, "smp") ||
	    !strcmp(name, "max_cpus") || !strcmp(name, "pcie_port"))
		return;
	pc_err_set(w->err, "%s:%d: realized value of '%s' names '%s', which type '%s' does not have: neither a property (own, inherited or aliased from a child) nor an attribute (nor smp, max_cpus or pcie_port)",
		   origin(w->decl->plugin), w->p->line, w->p->name, name,
		   w->t->name);
	w->failed = true;
}

/* A realized= expression names what every concrete type holding the
 * property has (an abstract type's may name what its concrete types add,
 * a child's aliased properties say), so that a typo is refused when the
 * plugins load rather than when a value is shown. */
static int link_realized(const struct pc_registry *reg, struct pc_err *err)
{
	for (size_t i = 0; i < reg->n_types; i++) {
		struct rwalk w = { reg->types[i], NULL, NULL, err, false };

		if (w.t->abstract)
			continue;
		for (w.decl = w.t; w.decl && !w.failed; w.decl = w.decl->parent)
			for (size_t k = 0; k < w.decl->n_props && !w.failed; k++) {
				w.p = &w.decl->props[k];
				if (w.p->realized_expr)
					pc_expr_names(w.p->realized_expr,
						      realized_name, &w);
			}
		if (w.failed)
			return -1;
	}
	return 0;
}

/* Derived defaults name what their type has, without cycles (derive.h):
 * ancestors first, so that a mistake is named at the type declaring it. */
static int link_derived(const struct pc_registry *reg, struct pc_err *err)
{
	bool more = true;

	for (size_t d = 0; more; d++) {
		more = false;
		for (size_t i = 0; i < reg->n_types; i++) {
			size_t depth = 0;

			for (const struct pc_type *a = reg->types[i]->parent; a;
			     a = a->parent)
				depth++;
			more |= depth > d;
			if (depth == d && pc_derive_link(reg->types[i], err))
				return -1;
		}
	}
	return 0;
}

/* An 'idstr=P' names a property the type has (its own or inherited). */
static int link_idstr(const struct pc_registry *reg, struct pc_err *err)
{
	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *t = reg->types[i];

		if (t->idstr_prop && !pc_type_find_prop(t, t->idstr_prop, NULL))
			return pc_err_set(err, "%s:%d: idstr=%s: type '%s' has no property '%s'",
					  origin(t->plugin), t->line,
					  t->idstr_prop, t->name, t->idstr_prop);
	}
	return 0;
}

int pc_registry_finalize(struct pc_registry *reg, struct pc_err *err)
{
	struct marks mark;
	struct pc_vmsd **path;
	int ret = 0;

	reg->finalized = false;
	if (link_parents(reg, err) || check_parent_cycles(reg, err) ||
	    link_interfaces(reg, err) || link_children(reg, err) ||
	    link_blockers(reg, err) || link_configs(reg, err) ||
	    pc_vfeature_link(reg, err) || link_idstr(reg, err) ||
	    link_derived(reg, err) || link_realized(reg, err))
		return -1;
	for (size_t i = 0; i < reg->n_vmsds; i++)
		if (link_vmsd(reg, reg->vmsds[i], err))
			return -1;
	marks_init(&mark, reg->n_vmsds);
	path = pc_xcalloc(reg->n_vmsds + 1, sizeof(*path));
	for (size_t i = 0; i < reg->n_vmsds && !ret; i++)
		ret = vmsd_dfs(reg, reg->vmsds[i], &mark, path, 0, err);
	marks_release(&mark);
	free(path);
	if (!ret)
		ret = check_nesting(reg, err);
	if (!ret)
		ret = check_fanout(reg, err);
	if (ret)
		return ret;
	/* config space a type adds to its section (pciconf.c) */
	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *t = reg->types[i];
		const struct pc_vmsd *v = pc_type_section(t);

		if (v && pc_cfg_check_type(t, v, err))
			return -1;
	}
	reg->finalized = true;
	return 0;
}

/* ------------------------------------------------------------ types */

bool pc_type_is_a(const struct pc_type *t, const char *name)
{
	for (; t; t = t->parent) {
		if (!strcmp(t->name, name))
			return true;
		if (!t->ifaces)
			continue;
		for (size_t i = 0; i < t->n_ifaces; i++)
			if (!strcmp(t->ifaces[i], name))
				return true;
		/* inherited interfaces, stored by finalize after the NULL */
		for (char **p = t->ifaces + t->n_ifaces + 1; *p; p++)
			if (!strcmp(*p, name))
				return true;
	}
	return false;
}

const struct pc_prop *pc_type_find_prop(const struct pc_type *t,
					const char *name,
					const struct pc_type **owner)
{
	for (; t; t = t->parent) {
		for (size_t i = 0; i < t->n_props; i++) {
			if (!strcmp(t->props[i].name, name)) {
				if (owner)
					*owner = t;
				return &t->props[i];
			}
		}
	}
	return NULL;
}

const struct pc_prop *pc_type_find_prop_aliased(const struct pc_type *t,
						const char *name)
{
	const struct pc_prop *pr = pc_type_find_prop(t, name, NULL);

	for (size_t i = 0; !pr && i < t->n_children; i++)
		if (t->children[i].alias_props && t->children[i].type)
			pr = pc_type_find_prop(t->children[i].type, name, NULL);
	return pr;
}

static size_t all_props_fill(const struct pc_type *t, const struct pc_prop **out,
			     const struct pc_type **owners, size_t max,
			     size_t n)
{
	if (t->parent)
		n = all_props_fill(t->parent, out, owners, max, n);
	for (size_t i = 0; i < t->n_props; i++, n++) {
		if (n >= max)
			continue;
		if (out)
			out[n] = &t->props[i];
		if (owners)
			owners[n] = t;
	}
	return n;
}

/*
 * Fills at most 'max' entries and returns the total number, like
 * snprintf(): a caller may size its arrays with a first call (max 0).
 */
size_t pc_type_all_props(const struct pc_type *t, const struct pc_prop **out,
			 const struct pc_type **owners, size_t max)
{
	return all_props_fill(t, out, owners, max, 0);
}

const struct pc_vmsd *pc_type_section(const struct pc_type *t)
{
	for (; t; t = t->parent)
		if (t->section_desc)
			return t->section_desc;
	return NULL;
}

bool pc_type_is_concrete(const struct pc_type *t)
{
	return !t->abstract && !t->interface && !t->internal;
}

const char *pc_type_idstr_prop(const struct pc_type *t)
{
	for (; t; t = t->parent)
		if (t->idstr_prop)
			return t->idstr_prop;
	return NULL;
}

bool pc_type_is_machine(const struct pc_type *t)
{
	for (; t; t = t->parent)
		if (t->machine)
			return true;
	return false;
}
