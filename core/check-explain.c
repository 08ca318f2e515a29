/*
 * check-explain.c - what the check says about a finding beyond its rule
 * (check-rules.h): the properties that decided it on each side and where
 * their values came from (the cause), and the fix: the compat line that
 * keeps the old value for the tree's machine type, placed in the
 * hw_compat array QEMU would put it in (Documentation/rules.md, "Where
 * the compat line goes"), or the destination override, or the recorded
 * mitigation of an acknowledged break.
 */
#include "check-rules.h"

#include "decl.h"
#include "known-breaks.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* The file a compat line for this side's machine goes to. */
static const char *compat_file(const struct pc_side *s,
			       const struct pc_machine *m)
{
	for (size_t i = 0; i < m->n_arrays; i++) {
		if (!pc_str_starts_with(m->arrays[i], "hw_compat_"))
			continue;
		for (size_t j = 0; j < s->machines->n_arrays; j++)
			if (!strcmp(s->machines->arrays[j]->name, m->arrays[i]))
				return s->machines->arrays[j]->path;
	}
	if (m->n_arrays) {
		for (size_t j = 0; j < s->machines->n_arrays; j++)
			if (!strcmp(s->machines->arrays[j]->name, m->arrays[0]))
				return s->machines->arrays[j]->path;
	}
	return NULL;
}

/*
 * A property one side does not have at all (a recorded release that
 * predates it): it stands in with the behaviour the other side declares
 * for its absence at that side's release (since=/absent=), so that it is
 * compared like any other value.  'out' owns its text and source (release
 * with pc_value_release() and free()).  False when nothing is declared or
 * the side is not a release.
 */
bool pc_check_absent_stand_in(const struct pc_side *missing,
			      const struct pc_eprop *have, struct pc_eprop *out)
{
	const char *text;
	char sv[32];

	memset(out, 0, sizeof(*out));
	if (!missing->project || !have->prop->has_since)
		return false;
	text = pc_prop_absent_value(have->prop, &missing->release);
	if (!text || pc_value_parse(have->prop, text, &out->val, NULL))
		return false;
	pc_version_str(&have->prop->since, sv, sizeof(sv));
	out->prop = have->prop;
	out->owner = have->owner;
	out->absent = true;
	out->source_text = pc_xasprintf("%s has no property %s: it behaved as %s (declared since=%s absent=..., %s line %d)",
				   missing->label, have->prop->name, out->val.text,
				   sv, have->owner->name, have->prop->line);
	return true;
}

/*
 * Where a compat line that keeps an old value goes (QEMU's practice): the
 * hw_compat_X_Y array of the newest release X.Y that still had the old
 * value on its own newest machine type.  hw_compat_X_Y holds what machine
 * types X.Y and older need on later builds, and every older machine type
 * reaches it through its derives chain, so one line covers them all.
 * When X.Y is the tree's newest machine type, the array does not exist
 * yet: QEMU creates it together with the next machine type.
 */
struct fix_place {
	const struct pc_compat_array *array; /* existing array, or NULL */
	char *name;                          /* hw_compat_X_Y */
	char *path;                          /* its file (maybe to be created) */
	const struct pc_side *rel;           /* the newest release with the value */
	const struct pc_machine *latest;     /* the tree's newest machine (new array) */
	const struct pc_compat_entry *conflict; /* a later entry in the chain */
};

static void fix_place_release(struct fix_place *p)
{
	free(p->name);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

static const struct pc_compat_array *find_array(const struct pc_machine_set *set,
						const char *name)
{
	for (size_t j = 0; j < set->n_arrays; j++)
		if (!strcmp(set->arrays[j]->name, name))
			return set->arrays[j];
	return NULL;
}

/* Does machine m (of 'set') apply array 'name' through its derives chain? */
static bool in_chain(const struct pc_machine_set *set,
		     const struct pc_machine *m, const char *name)
{
	for (size_t depth = 0; m && depth < 4096; depth++) {
		for (size_t i = 0; i < m->n_arrays; i++)
			if (!strcmp(m->arrays[i], name))
				return true;
		m = m->derives ? pc_machine_find(set, m->derives) : NULL;
	}
	return false;
}

/* The newest machine type of 'family' a release side knows. */
static const struct pc_machine *release_machine(const struct pc_side *rel,
						const char *family)
{
	const struct pc_machine *best = NULL;

	for (size_t i = 0; i < rel->machines->n_machines; i++) {
		const struct pc_machine *m = rel->machines->machines[i];

		if (strcmp(m->family, family) || !pc_side_knows_machine(rel, m))
			continue;
		if (!best || pc_version_cmp(&m->version, &best->version) > 0)
			best = m;
	}
	return best;
}

/* The value of property 'name' of object 'o' (by id) in the default
 * behaviour of release 'rel' on machine 'm' with 'smp' vCPUs, or NULL
 * when the release has no such device or property. */
static char *release_value(const struct pc_side *rel,
			   const struct pc_machine *m, int smp,
			   const struct pc_object *o, const char *name)
{
	const struct pc_object *top = o, *ro;
	const struct pc_eprop *ep;
	struct pc_side s = *rel;
	struct pc_devspec d;
	struct pc_vm vm;
	char *v = NULL;

	while (top->parent)
		top = top->parent;
	d.id = top->id;
	d.type = (char *)(uintptr_t)top->type->name;
	s.devices = &d;
	s.n_devices = 1;
	s.devices_subset = true;
	s.overrides = NULL;
	s.n_overrides = 0;
	s.host = NULL;
	if (m->max_cpus > 0 && smp > m->max_cpus)
		smp = m->max_cpus;
	if (pc_vm_build(&s, m, smp, &vm, NULL))
		return NULL;
	ro = pc_vm_find_object(&vm, o->id);
	ep = ro ? pc_object_prop(&vm, ro, name, NULL) : NULL;
	if (ep && ep->val.text) {
		v = pc_xstrdup(ep->val.text);
	} else if (ro && !ep) {
		/* the release predates the property: how it behaved */
		for (size_t k = 0; k < o->n_props && !v; k++) {
			struct pc_eprop st;

			if (strcmp(o->props[k].prop->name, name) ||
			    !pc_check_absent_stand_in(rel, &o->props[k], &st))
				continue;
			v = st.val.text;
			free(st.source_text);
		}
	}
	pc_vm_release(&vm);
	return v;
}

/* The array name of a machine version: hw_compat_X_Y. */
static char *hw_compat_name(const struct pc_version *v)
{
	return pc_xasprintf("hw_compat_%d_%d", v->v[0], v->v[1]);
}

/* Two compat values that mean the same (bool spellings). */
static bool same_value(const char *a, const char *b)
{
	static const char *const on[] = { "on", "true", "yes", NULL };
	static const char *const off[] = { "off", "false", "no", NULL };
	bool a_on = false, b_on = false, a_off = false, b_off = false;

	if (!strcmp(a, b))
		return true;
	for (size_t i = 0; on[i]; i++) {
		a_on |= !strcmp(a, on[i]);
		b_on |= !strcmp(b, on[i]);
		a_off |= !strcmp(a, off[i]);
		b_off |= !strcmp(b, off[i]);
	}
	return (a_on && b_on) || (a_off && b_off);
}

/* The version of the machine in m's derives chain that applies array
 * 'name' (QEMU applies the newest machine's arrays first), or NULL. */
static const struct pc_version *array_owner(const struct pc_machine_set *set,
					    const struct pc_machine *m,
					    const char *name)
{
	for (size_t depth = 0; m && depth < 4096; depth++) {
		for (size_t i = 0; i < m->n_arrays; i++)
			if (!strcmp(m->arrays[i], name))
				return &m->version;
		m = m->derives ? pc_machine_find(set, m->derives) : NULL;
	}
	return NULL;
}

static int cmp_side_newest(const void *a, const void *b)
{
	const struct pc_side *x = *(const struct pc_side *const *)a;
	const struct pc_side *y = *(const struct pc_side *const *)b;

	return pc_version_cmp(&y->release, &x->release);
}

/*
 * Does recorded release 'rel' (on its machine 'rm') place the line for
 * machine 'm' of 'set': the hw_compat array of rm's version exists and m
 * applies it, or it does not exist yet and rm is the newest machine type
 * (QEMU creates the array with the next one)?  Fills p->name, array, rel
 * and latest when it does.
 */
static bool place_at_release(const struct pc_machine_set *set,
			     const struct pc_machine *m,
			     const struct pc_side *rel,
			     const struct pc_machine *rm, struct fix_place *p)
{
	const struct pc_machine *latest = pc_machine_latest(set, m->family);

	p->name = hw_compat_name(&rm->version);
	p->array = find_array(set, p->name);
	if (p->array && in_chain(set, m, p->name)) {
		p->rel = rel;
		return true;
	}
	if (!p->array && latest &&
	    pc_version_cmp(&rm->version, &latest->version) >= 0 &&
	    pc_version_cmp(&m->version, &latest->version) <= 0) {
		p->rel = rel;
		p->latest = latest;
		return true;
	}
	free(p->name);
	p->name = NULL;
	p->array = NULL;
	return false;
}

/* The newest recorded release that still had 'value' decides the array. */
static void place_by_releases(const struct pc_check *c,
			      const struct pc_side *tree,
			      const struct pc_vm *tvm,
			      const struct pc_object *holder, const char *name,
			      const char *value, struct fix_place *p)
{
	const struct pc_machine *m = tvm->machine;
	const struct pc_side **rels;
	size_t n = 0;

	rels = pc_xcalloc(c->n_releases + 1, sizeof(*rels));
	for (size_t i = 0; i < c->n_releases; i++)
		rels[n++] = &c->releases[i];
	qsort(rels, n, sizeof(*rels), cmp_side_newest);
	for (size_t i = 0; i < n && !p->rel; i++) {
		const struct pc_machine *rm = release_machine(rels[i], m->family);
		char *v;

		if (!rm || pc_version_cmp(&rm->version, &m->version) < 0)
			continue;
		v = release_value(rels[i], rm, tvm->smp, holder, name);
		if (v && same_value(v, value))
			place_at_release(tree->machines, m, rels[i], rm, p);
		free(v);
	}
	free(rels);
}

/* The file p->name goes to: its array's, or a new one beside the others. */
static char *place_path(const struct pc_side *tree, const struct pc_machine *m,
			const struct fix_place *p)
{
	const char *file, *slash;

	if (p->array)
		return pc_xstrdup(p->array->path);
	file = compat_file(tree, m);
	slash = file ? strrchr(file, '/') : NULL;
	return slash ? pc_xasprintf("%.*s/%s.compat", (int)(slash - file), file,
				    p->name)
		     : pc_xasprintf("compat/%s.compat", p->name);
}

/*
 * An entry QEMU applies after the line (the same array, or an older
 * machine's) that sets another value would undo it: the line would
 * contradict a fix that is right for other releases.
 */
static const struct pc_compat_entry *
place_conflict(const struct pc_machine_set *set, const struct pc_machine *m,
	       const struct pc_object *holder, const char *name,
	       const char *value, const struct fix_place *p)
{
	const struct pc_version *at = p->latest ? &p->latest->version
						: array_owner(set, m, p->name);

	for (size_t i = 0; at && i < m->n_chain; i++) {
		const struct pc_compat_entry *e = m->chain[i];
		const struct pc_version *eo = array_owner(set, m, e->array);

		if (strcmp(e->prop, name) || !pc_type_is_a(holder->type, e->driver) ||
		    same_value(e->value, value))
			continue;
		if (eo && pc_version_cmp(eo, at) <= 0)
			return e;
	}
	return NULL;
}

/*
 * Place the line "DRIVER name value" that keeps 'value' for the machine of
 * 'tvm' (a VM of the tree side 'tree'; the property is held by 'holder',
 * an object of tvm).  Returns false when the machine has no array at all.
 */
static bool place_fix(const struct pc_check *c, const struct pc_side *tree,
		      const struct pc_vm *tvm, const struct pc_object *holder,
		      const char *name, const char *value, struct fix_place *p)
{
	const struct pc_machine *m = tvm->machine;
	const struct pc_machine_set *set = tree->machines;

	memset(p, 0, sizeof(*p));
	place_by_releases(c, tree, tvm, holder, name, value, p);
	if (!p->name) {
		/* no recorded release tells: the machine type's own array */
		const char *file = compat_file(tree, m);

		for (size_t j = 0; file && j < set->n_arrays; j++)
			if (!strcmp(set->arrays[j]->path, file))
				p->array = set->arrays[j];
		if (!p->array)
			return false;
		p->name = pc_xstrdup(p->array->name);
	}
	p->path = place_path(tree, m, p);
	p->conflict = place_conflict(set, m, holder, name, value, p);
	return true;
}

/* What the properties behind a finding say: text for its why and fix,
 * the compat line, the destination override. */
struct explanation {
	struct pc_strbuf why, fix;
	char *fix_file, *fix_line, *fix_override;
	bool undo;      /* no compat line fixes it without undoing another */
	bool explained; /* the hit's why already names the properties */
	bool placed;    /* the tree's fix is written */
};

/* The fix text for a compat line placed by place_fix() in 'pl'. */
static void describe_placed(const struct dir_ctx *x, const struct pc_side *tree,
			    const struct pc_eprop *te, const char *name,
			    const char *treeval, const struct fix_place *pl,
			    struct explanation *e)
{
	const char *mname = (tree == x->dst ? x->dvm : x->svm)->machine->name;
	const char *sep = e->fix.len ? "; " : "";
	char rv[32], av[32];

	e->fix_file = pc_xstrdup(pl->path);
	e->fix_line = pc_xasprintf("%s %s %s", te->owner->name, name, treeval);
	if (!pl->rel) {
		pc_strbuf_addf(&e->fix, "%skeep %s.%s=%s for %s in the %s build (a compat entry for this machine type)",
			       sep, te->owner->name, name, treeval, mname,
			       tree->label);
		return;
	}
	pc_version_str(&pl->rel->release, rv, sizeof(rv));
	snprintf(av, sizeof(av), "%s", pl->name + strlen("hw_compat_"));
	for (char *q = av; *q; q++)
		if (*q == '_')
			*q = '.';
	if (pl->latest)
		pc_strbuf_addf(&e->fix, "%skeep %s.%s=%s in the %s build for %s and every machine type up to %s: %s still had it, so the entry goes into %s (what machine types %s and older need), which does not exist yet. QEMU creates %s together with the next machine type: add the machine type after %s first (tools/gen-machines.sh, Documentation/machine-format.md: a new machine type that %s derives, and 'compat %s' in %s), then add the line",
			       sep, te->owner->name, name, treeval, tree->label,
			       mname, av, rv, pl->name, av, pl->name,
			       pl->latest->name, pl->latest->name, pl->name,
			       pl->latest->name);
	else
		pc_strbuf_addf(&e->fix, "%skeep %s.%s=%s in the %s build for %s and every machine type up to %s: %s is the newest recorded release that had it, and %s holds what machine types %s and older need",
			       sep, te->owner->name, name, treeval, tree->label,
			       mname, av, rv, pl->name, av);
}

/* The tree's fix: the compat line that keeps 'treeval' (the other side's
 * value) on the tree's side of the pair, or why none can. */
static void fix_in_tree(const struct dir_ctx *x, const struct pc_side *tree,
			const struct pc_object *tobj, const struct pc_eprop *te,
			const char *name, const char *treeval,
			struct explanation *e)
{
	const struct pc_vm *tvm = tree == x->dst ? x->dvm : x->svm;
	const char *mname = tvm->machine->name;
	const struct pc_object *holder = NULL;
	struct fix_place pl;

	pc_object_prop(tvm, tobj, name, &holder);
	if (!place_fix(x->c, tree, tvm, holder ? holder : tobj, name, treeval,
		       &pl)) {
		pc_strbuf_addf(&e->fix, "%s%s has no compat array: pin %s.%s=%s by other means",
			       e->fix.len ? "; " : "", mname, te->owner->name,
			       name, treeval);
	} else if (pl.conflict) {
		/* never undo a fix */
		e->undo = true;
		pc_strbuf_addf(&e->fix, "%sno compat line can keep %s.%s=%s for %s in the %s build: %s (%s %s %s) decides it and is right for the other releases; a line against it would undo that fix. If %s is the odd one, acknowledge the break in abi/known-breaks with a destination override as its mitigation",
			       e->fix.len ? "; " : "", te->owner->name, name,
			       treeval, mname, tree->label, pl.conflict->origin,
			       pl.conflict->driver, pl.conflict->prop,
			       pl.conflict->value,
			       tree == x->dst ? x->src->label : x->dst->label);
	} else {
		describe_placed(x, tree, te, name, treeval, &pl, e);
	}
	fix_place_release(&pl);
}

/* One deciding property with both sides' values 'se' and 'de'. */
static void explain_values(const struct dir_ctx *x, const struct pc_object *so,
			   const struct pc_object *dobj, const char *name,
			   const struct pc_eprop *se, const struct pc_eprop *de,
			   struct explanation *e)
{
	const struct pc_side *tree = NULL;

	/* a why that already explains the expression names the
	 * properties; otherwise say where each side's value came from */
	if (!e->explained)
		pc_strbuf_addf(&e->why, "%s%s.%s on %s = %s (%s); on %s = %s (%s)",
			       e->why.len ? "; " : "", se->owner->name, name,
			       x->src->label, se->val.text, pc_eprop_source(se),
			       x->dst->label, de->val.text, pc_eprop_source(de));
	if (se->val.text && de->val.text && !strcmp(se->val.text, de->val.text))
		return;
	/* which side can change: the tree (a plugin tree has editable
	 * machine files), never a released build */
	if (!x->dst->project)
		tree = x->dst;
	else if (!x->src->project)
		tree = x->src;
	if (tree && !e->placed) {
		if (tree == x->dst)
			fix_in_tree(x, tree, dobj, de, name, se->val.text, e);
		else
			fix_in_tree(x, tree, so, se, name, de->val.text, e);
		e->placed = true;
	}
	if (!de->absent && !e->fix_override) {
		e->fix_override = pc_xasprintf("--dst-global %s.%s=%s",
					       de->owner->name, name,
					       se->val.text);
		if (!tree)
			pc_strbuf_addf(&e->fix, "%sstart the destination with -global %s.%s=%s (plugcheck: %s)",
				       e->fix.len ? "; " : "", de->owner->name,
				       name, se->val.text, e->fix_override);
	} else if (de->absent && !tree) {
		pc_strbuf_addf(&e->fix, "%sno override can fix this: '%s' does not exist in %s and %s is a released build; acknowledge it as a known break",
			       e->fix.len ? "; " : "", name, x->dst->label,
			       x->src->label);
	}
}

/* One deciding property: both sides' values, a side that predates it
 * standing in with its declared behaviour. */
static void explain_prop(const struct dir_ctx *x, const struct pc_object *so,
			 const struct pc_object *dobj, const char *name,
			 struct explanation *e)
{
	const struct pc_eprop *se = pc_object_prop(x->svm, so, name, NULL);
	const struct pc_eprop *de = pc_object_prop(x->dvm, dobj, name, NULL);
	struct pc_eprop stand_in;
	bool have_stand_in = false;

	if (!se && de && pc_check_absent_stand_in(x->src, de, &stand_in)) {
		se = &stand_in;
		have_stand_in = true;
	} else if (se && !de && pc_check_absent_stand_in(x->dst, se, &stand_in)) {
		de = &stand_in;
		have_stand_in = true;
	}
	if (se && de)
		explain_values(x, so, dobj, name, se, de, e);
	if (have_stand_in) {
		pc_value_release(&stand_in.val);
		free(stand_in.source_text);
	}
}

/*
 * Explain the properties named in 'deps' (each once, in order) on the
 * two sides' objects: their values and provenance into e->why, the fix
 * they call for into e->fix and the compat line and override.
 */
static void explain_deps(const struct dir_ctx *x, const struct pc_object *so,
			 const struct pc_object *dobj, const char *deps,
			 struct explanation *e)
{
	char *copy, *save = NULL, *name;
	struct pc_strbuf done = PC_STRBUF_INIT;

	if (!deps || !so || !dobj)
		return;
	e->explained = e->why.len > 0;
	copy = pc_xstrdup(deps);
	pc_strbuf_addch(&done, ' ');
	for (name = copy; name && *name; name = save) {
		char *tok;
		bool again;

		save = strchr(name, ' ');
		if (save)
			*save++ = '\0';
		/* a property named twice (value and mask) is explained once */
		tok = pc_xasprintf(" %s ", name);
		again = strstr(done.buf, tok) != NULL;
		if (!again)
			pc_strbuf_addstr(&done, tok);
		free(tok);
		if (!again)
			explain_prop(x, so, dobj, name, e);
	}
	free(copy);
	pc_strbuf_release(&done);
}

static bool known_match(struct dir_ctx *x, const struct pc_object *o,
			struct pc_finding *f)
{
	return o && pc_known_breaks_match(x->c->known, o->type,
					  x->svm->machine, x->src->label,
					  x->dst->label, f);
}

/* "derived default min(smp, 1024) with smp=2 (file line 17)" -> the part
 * before the trailing provenance in parentheses */
static char *short_source(const char *src)
{
	const char *p = src ? strstr(src, " (") : NULL;

	if (!src)
		return pc_xstrdup("?");
	return p ? pc_xstrndup(src, (size_t)(p - src)) : pc_xstrdup(src);
}

/*
 * The root cause of a finding: the first property of 'deps' whose values
 * differ between the two sides ("T.P"), and in short what each side has
 * and where it came from (why keeps the full chain).  Findings of one
 * cause are printed as one group (pc_report_group()).
 */
static void find_cause(struct dir_ctx *x, const struct pc_object *so,
		       const struct pc_object *dobj, const char *deps,
		       char **cause, char **cause_why,
		       const struct pc_eprop *both[2])
{
	char *copy, *save = NULL, *name;

	if (!deps || !so || !dobj)
		return;
	copy = pc_xstrdup(deps);
	for (name = copy; name && *name && !*cause; name = save) {
		const struct pc_eprop *se, *de;
		char *ss, *ds;

		save = strchr(name, ' ');
		if (save)
			*save++ = '\0';
		se = pc_object_prop(x->svm, so, name, NULL);
		de = pc_object_prop(x->dvm, dobj, name, NULL);
		if (!se || !de || (se->val.text && de->val.text &&
				   !strcmp(se->val.text, de->val.text)))
			continue;
		both[0] = se;
		both[1] = de;
		ss = short_source(pc_eprop_source(se));
		ds = short_source(pc_eprop_source(de));
		*cause = pc_xasprintf("%s.%s", se->owner->name, name);
		*cause_why = pc_xasprintf("%s.%s = %s on %s (%s), %s on %s (%s)",
					  se->owner->name, name,
					  se->val.text ? se->val.text : "(none)",
					  x->src->label, ss,
					  de->val.text ? de->val.text : "(none)",
					  x->dst->label, ds);
		free(ss);
		free(ds);
	}
	free(copy);
}

/*
 * The finding's locations: the compat entry of a machines/ file behind a
 * side's value of the deciding property ('both': source's and
 * destination's, or NULLs), the tree's side first; the declaration of
 * that property, else of the device's type, on the tree's side (a
 * release's plugins are a baseline's declarations, not files).
 * Returns the entry's file (allocated: free it once the finding is added)
 * or NULL.
 */
static char *locate(const struct dir_ctx *x, const struct pc_eprop *both[2],
		    const struct pc_object *so, const struct pc_object *dobj,
		    struct pc_finding *f)
{
	/* the tree (a side not reconstructed as a release) first */
	int first = x->src->project && !x->dst->project ? 1 : 0;
	char *file = NULL;

	for (int k = 0; k < 2; k++) {
		const struct pc_eprop *ep = both[(first + k) % 2];
		const struct pc_object *o = (first + k) % 2 ? dobj : so;

		/* a release's declarations are a baseline's, not a file */
		if (((first + k) % 2 ? x->dst : x->src)->project)
			continue;
		if (ep && ep->entry && ep->entry->file_len && !file) {
			file = pc_xstrndup(ep->entry->origin, ep->entry->file_len);
			f->entry_at.file = file;
			f->entry_at.line = ep->entry->line;
		}
		if (ep && ep->owner->plugin && !f->decl_at.file)
			pc_decl_loc(ep->owner->plugin, ep->prop->line,
				    &f->decl_at, &f->decl_text_at);
		if (!both[0] && o && o->type->plugin && !f->decl_at.file)
			pc_decl_loc(o->type->plugin, o->type->line,
				    &f->decl_at, &f->decl_text_at);
	}
	return file;
}

/*
 * The check's hook of pc_emit(): a hit about the objects h->src_obj and
 * h->dst_obj (either may be NULL) gets the root cause and the explanation
 * of the properties in h->deps, the fix those properties call for (else
 * the hit's own), and the acknowledgement of a known break.
 */
void pc_check_finish(void *data, const struct pc_hit *h, struct pc_finding *f)
{
	struct dir_ctx *x = data;
	const struct pc_object *so = h->src_obj, *dobj = h->dst_obj;
	struct explanation e = { PC_STRBUF_INIT, PC_STRBUF_INIT, NULL, NULL,
				 NULL, false, false, false };
	char *cause = NULL, *cause_why = NULL, *entry_file;
	const struct pc_eprop *both[2] = { NULL, NULL };

	/* the hook of this direction's emitter (check-rules.h) */
	assert(x->out.data == x && x->out.report == x->r && x->svm && x->dvm);
	find_cause(x, so, dobj, h->deps, &cause, &cause_why, both);
	entry_file = locate(x, both, so, dobj, f);
	if (h->why)
		pc_strbuf_addstr(&e.why, h->why);
	explain_deps(x, so, dobj, h->deps, &e);
	if (h->fix && !e.fix.len)
		pc_strbuf_addstr(&e.fix, h->fix);
	f->why = e.why.len ? e.why.buf : NULL;
	f->fix = e.fix.len ? e.fix.buf : NULL;
	f->fix_file = e.fix_file;
	f->fix_line = e.fix_line;
	f->fix_override = e.fix_override ? e.fix_override : h->fix_override;
	f->type = so ? so->type->name : dobj ? dobj->type->name : NULL;
	f->cause = cause;
	f->cause_why = cause_why;
	if (known_match(x, so ? so : dobj, f) && x->c->known->last->mitigation) {
		/* the fix of an acknowledged break is its recorded mitigation:
		 * a compat line would undo the fix the other releases have;
		 * what the pair itself allows (an override, or none) stays */
		const struct pc_known_break *b = x->c->known->last;
		struct pc_strbuf kfix = PC_STRBUF_INIT;

		pc_strbuf_addf(&kfix, "a known break (%s): no compat line fixes it; the recorded mitigation: %s",
			       b->origin, b->mitigation);
		if (e.fix.len && !e.fix_line && !e.undo)
			pc_strbuf_addf(&kfix, "; %s", e.fix.buf);
		pc_strbuf_release(&e.fix);
		e.fix = kfix;
		f->fix = e.fix.buf;
		f->fix_file = f->fix_line = NULL;
	}
	pc_report_add(x->r, f);
	free(entry_file);
	free(cause);
	free(cause_why);
	free((char *)(uintptr_t)f->known_reason);
	free((char *)(uintptr_t)f->known_by);
	pc_strbuf_release(&e.why);
	pc_strbuf_release(&e.fix);
	free(e.fix_file);
	free(e.fix_line);
	free(e.fix_override);
}
