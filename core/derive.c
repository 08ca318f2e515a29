/*
 * derive.c - derived defaults at link time: the names a derived=
 * expression may use (the object's properties, the type's attributes,
 * the machine configuration) and the cycles among them (derive.h).
 */
#include "derive.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* deep enough for any real hierarchy; registry.c refuses parent cycles */
#define MAX_CHAIN 256

const struct pc_attr *pc_type_attr(const struct pc_type *t, const char *name)
{
	for (; t; t = t->parent)
		for (size_t i = 0; i < t->n_attrs; i++)
			if (!strcmp(t->attrs[i].name, name))
				return &t->attrs[i];
	return NULL;
}

/* The type seen from one concrete point: its ancestors, root first. */
struct dview {
	const struct pc_type *chain[MAX_CHAIN];
	size_t n;
};

/* The property 'name' as an object of the viewed type holds it (the
 * first in ancestor-first order, as pc_vm_build() lists them), with its
 * declaring type. */
static const struct pc_prop *view_prop(const struct dview *v,
				       const char *name,
				       const struct pc_type **owner)
{
	for (size_t k = 0; k < v->n; k++)
		for (size_t i = 0; i < v->chain[k]->n_props; i++)
			if (!strcmp(v->chain[k]->props[i].name, name)) {
				if (owner)
					*owner = v->chain[k];
				return &v->chain[k]->props[i];
			}
	return NULL;
}

static const char *where_of(const struct pc_type *t)
{
	if (!t->plugin)
		return "?";
	return t->plugin->path ? t->plugin->path : t->plugin->name;
}

static bool machine_name(const char *name)
{
	return !strcmp(name, "smp") || !strcmp(name, "max_cpus");
}

/* the DFS over one view's derived defaults */
struct dwalk {
	const struct dview *v;
	const struct pc_type *type;
	const struct pc_prop *stack[MAX_CHAIN];
	size_t depth;
	const struct pc_prop **done;
	size_t n_done, alloc_done;
	const struct pc_prop *cur;       /* the property being visited */
	const struct pc_type *cur_owner;
	struct pc_err *err;
	int failed;
};

static bool is_done(const struct dwalk *w, const struct pc_prop *p)
{
	for (size_t i = 0; i < w->n_done; i++)
		if (w->done[i] == p)
			return true;
	return false;
}

static int visit(struct dwalk *w, const struct pc_prop *p,
		 const struct pc_type *owner);

/* "a -> b -> a": the stack from the first occurrence of 'p' */
static int cycle_error(struct dwalk *w, const struct pc_prop *p)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	size_t from = 0;
	const struct pc_type *owner = NULL;

	while (from < w->depth && w->stack[from] != p)
		from++;
	for (size_t i = from; i < w->depth; i++)
		pc_strbuf_addf(&sb, "%s -> ", w->stack[i]->name);
	pc_strbuf_addstr(&sb, p->name);
	(void)view_prop(w->v, p->name, &owner);
	pc_err_set(w->err, "%s:%d: the derived defaults of type '%s' form a cycle: %s (a default cannot depend on itself; set one of them with default=)",
		   where_of(owner ? owner : w->type), p->line, w->type->name,
		   sb.buf);
	pc_strbuf_release(&sb);
	return -1;
}

/* pc_expr_names() callback: one name of the visited expression */
static void visit_name(void *ctx, const char *name)
{
	struct dwalk *w = ctx;
	const struct pc_type *owner = NULL;
	const struct pc_prop *p, *cur = w->cur;
	const struct pc_type *cur_owner = w->cur_owner;

	if (w->failed)
		return;
	p = view_prop(w->v, name, &owner);
	if (p) {
		if (p->def_expr) {
			w->failed = visit(w, p, owner);
			w->cur = cur;
			w->cur_owner = cur_owner;
		}
		return;
	}
	if (pc_type_attr(w->type, name) || machine_name(name))
		return;
	pc_err_set(w->err, "%s:%d: derived default of '%s' names '%s', which is neither a property nor an attribute of type '%s' (nor smp or max_cpus)",
		   where_of(cur_owner), cur->line, cur->name, name,
		   w->type->name);
	w->failed = -1;
}

static int visit(struct dwalk *w, const struct pc_prop *p,
		 const struct pc_type *owner)
{
	if (is_done(w, p))
		return 0;
	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i] == p)
			return cycle_error(w, p);
	if (w->depth >= MAX_CHAIN)
		return pc_err_setc(w->err, PC_E_LIMIT, "%s:%d: derived defaults of type '%s' nested deeper than %d",
				   where_of(owner), p->line, w->type->name,
				   MAX_CHAIN);
	w->stack[w->depth++] = p;
	w->cur = p;
	w->cur_owner = owner;
	pc_expr_names(p->def_expr, visit_name, w);
	w->depth--;
	if (w->failed)
		return -1;
	PC_ALLOC_GROW(w->done, w->n_done + 1, w->alloc_done);
	w->done[w->n_done++] = p;
	return 0;
}

/* No attribute of the view shares a property's name: an expression
 * could not tell them apart. */
static int check_attr_names(const struct dview *v, const struct pc_type *t,
			    struct pc_err *err)
{
	for (size_t k = 0; k < v->n; k++) {
		const struct pc_type *a = v->chain[k];

		for (size_t i = 0; i < a->n_attrs; i++) {
			const struct pc_type *owner = NULL;

			if (!view_prop(v, a->attrs[i].name, &owner))
				continue;
			return pc_err_set(err, "%s:%d: attribute '%s' of type '%s' has the name of a property of '%s' (declared by '%s'): derived defaults could not tell them apart",
					  where_of(a), a->attrs[i].line,
					  a->attrs[i].name, a->name, t->name,
					  owner->name);
		}
	}
	return 0;
}

int pc_derive_link(const struct pc_type *t, struct pc_err *err)
{
	struct dview v;
	struct dwalk w;
	size_t n = 0;
	int rc = 0;

	for (const struct pc_type *a = t; a; a = a->parent)
		if (++n > MAX_CHAIN)
			return pc_err_setc(err, PC_E_LIMIT, "type '%s': more than %d ancestors",
					   t->name, MAX_CHAIN);
	v.n = n;
	for (const struct pc_type *a = t; a; a = a->parent)
		v.chain[--n] = a;
	if (check_attr_names(&v, t, err))
		return -1;
	memset(&w, 0, sizeof(w));
	w.v = &v;
	w.type = t;
	w.err = err;
	for (size_t k = 0; k < v.n && !rc; k++)
		for (size_t i = 0; i < v.chain[k]->n_props && !rc; i++)
			if (v.chain[k]->props[i].def_expr)
				rc = visit(&w, &v.chain[k]->props[i],
					   v.chain[k]);
	free(w.done);
	return rc;
}
