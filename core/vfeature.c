/*
 * vfeature.c - virtio feature bits: the requires= links and their cycles,
 * the subset decision (vfeature.h).
 */
#include "vfeature.h"

#include <string.h>

#include "banned.h"

/* The property 'name' of 't' or of an ancestor (the nearest), or NULL.
 * (registry.c has pc_type_find_prop(); this file sits below it.) */
static const struct pc_prop *chain_prop(const struct pc_type *t,
					const char *name)
{
	for (; t; t = t->parent)
		for (size_t i = 0; i < t->n_props; i++)
			if (!strcmp(t->props[i].name, name))
				return &t->props[i];
	return NULL;
}

static const char *where_of(const struct pc_type *t)
{
	return t->plugin && t->plugin->path ? t->plugin->path : "(unknown)";
}

enum { MAX_DEP_DEPTH = 64 };

/*
 * Depth-first from 'pr' along requires= within the chain of 't'; 'path'
 * holds the features on the way ('depth' of them).  A feature met again
 * on the path is a cycle, named in full.
 */
static int dep_dfs(const struct pc_type *t, const struct pc_prop *pr,
		   const struct pc_prop **path, size_t depth, struct pc_err *err)
{
	for (size_t i = 0; i < depth; i++) {
		struct pc_strbuf sb = PC_STRBUF_INIT;
		int ret;

		if (path[i] != pr)
			continue;
		for (size_t k = i; k < depth; k++)
			pc_strbuf_addf(&sb, "%s -> ", path[k]->name);
		pc_strbuf_addstr(&sb, pr->name);
		ret = pc_err_set(err, "%s:%d: type '%s': feature dependency cycle: %s",
				 where_of(t), path[i]->line, t->name, sb.buf);
		pc_strbuf_release(&sb);
		return ret;
	}
	if (depth >= MAX_DEP_DEPTH)
		return pc_err_setc(err, PC_E_LIMIT, "%s:%d: type '%s': feature dependencies of '%s' deeper than %d",
				   where_of(t), pr->line, t->name, pr->name,
				   MAX_DEP_DEPTH);
	path[depth] = pr;
	for (size_t k = 0; k < pr->n_requires; k++) {
		const struct pc_prop *q = chain_prop(t, pr->requires[k]);

		if (q && dep_dfs(t, q, path, depth + 1, err))
			return -1;
	}
	return 0;
}

/* The requires= of 'pr' (declared by 't') name bool-class properties. */
static int check_requires(const struct pc_type *t, const struct pc_prop *pr,
			  struct pc_err *err)
{
	for (size_t k = 0; k < pr->n_requires; k++) {
		const struct pc_prop *q = chain_prop(t, pr->requires[k]);

		if (!q)
			return pc_err_set(err, "%s:%d: feature '%s' requires=%s: type '%s' has no property '%s'",
					  where_of(t), pr->line, pr->name,
					  pr->requires[k], t->name,
					  pr->requires[k]);
		if (pc_prop_kind_class(q->kind) != PC_PCLASS_BOOL)
			return pc_err_set(err, "%s:%d: feature '%s' requires=%s: '%s' is %s, not on/off (bool, bit or feature)",
					  where_of(t), pr->line, pr->name,
					  q->name, q->name,
					  pc_prop_kind_name(q->kind));
	}
	return 0;
}

int pc_vfeature_link(const struct pc_registry *reg, struct pc_err *err)
{
	const struct pc_prop *path[MAX_DEP_DEPTH];

	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *t = reg->types[i];

		for (size_t j = 0; j < t->n_props; j++) {
			const struct pc_prop *pr = &t->props[j];

			if (!pr->n_requires)
				continue;
			if (check_requires(t, pr, err) ||
			    dep_dfs(t, pr, path, 0, err))
				return -1;
		}
	}
	return 0;
}

enum pc_vfeature_verdict pc_vfeature_decide(bool src_offers, bool dst_offers)
{
	if (src_offers && !dst_offers)
		return PC_VF_UNOFFERED;
	if (!src_offers && dst_offers)
		return PC_VF_EXTRA;
	return PC_VF_SAME;
}

char *pc_vfeature_where(const struct pc_prop *pr)
{
	const char *c = pr->container ? pr->container : "?";

	if (pr->bitnr < 64)
		return pc_xasprintf("bit %d of %s (0x%llx)", pr->bitnr, c,
				    1ULL << pr->bitnr);
	return pc_xasprintf("bit %d of %s (word %d: 0x%llx)", pr->bitnr, c,
			    pr->bitnr / 64, 1ULL << (pr->bitnr % 64));
}
