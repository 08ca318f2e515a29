/*
 * check.c - the bidirectional migration-ABI comparison (check.h).
 *
 * A direction src -> dst is compared the way QEMU's loader would meet the
 * stream: sections by name and instance; the section version against the
 * destination's [minimum_version_id, version_id]; the field sequence the
 * source sends against the one the destination loads at that version
 * (names, element types, sizes, counts, nested structures); subsections the
 * source may send against those the destination knows; the destination's
 * invariants under its read-only mask; and guest-visible properties.
 * Every finding carries the properties that decided the value on each side
 * (with provenance) and the fix: the compat line for the tree's machine
 * file, or the override to start the destination with.
 */
#include "check.h"

#include "baseline.h"
#include "known-breaks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ------------------------------------------------------------ context */

struct dir_ctx {
	struct pc_check *c;
	const struct pc_side *src, *dst;
	const struct pc_vm *svm, *dvm;
	struct pc_report *r;
	char config[32];
	struct pc_emitter out; /* findings go through check_finish() */
};

/* The object of 'vm' with the id of 'o' (an object of 'own').  Both sides
 * usually instantiate the same objects in the same order: try the same
 * index first, so that matching stays linear in the number of devices. */
static const struct pc_object *other_object(const struct pc_vm *vm,
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
static bool absent_stand_in(const struct pc_side *missing,
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
	out->source = pc_xasprintf("%s has no property %s: it behaved as %s (declared since=%s absent=..., %s line %d)",
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
			    !absent_stand_in(rel, &o->props[k], &st))
				continue;
			v = st.val.text;
			free(st.source);
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
	const struct pc_side **rels;
	const struct pc_version *at;
	size_t n = 0;

	memset(p, 0, sizeof(*p));
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
		if (v && same_value(v, value)) {
			const struct pc_machine *latest = pc_machine_latest(set, m->family);

			p->name = hw_compat_name(&rm->version);
			p->array = find_array(set, p->name);
			if (p->array && in_chain(set, m, p->name)) {
				p->rel = rels[i];
			} else if (!p->array && latest &&
				   pc_version_cmp(&rm->version, &latest->version) >= 0 &&
				   pc_version_cmp(&m->version, &latest->version) <= 0) {
				p->rel = rels[i];
				p->latest = latest;
			} else {
				free(p->name);
				p->name = NULL;
				p->array = NULL;
			}
		}
		free(v);
	}
	free(rels);
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
	if (p->array) {
		p->path = pc_xstrdup(p->array->path);
	} else {
		/* the new array's file, beside the others */
		const char *file = compat_file(tree, m);
		const char *slash = file ? strrchr(file, '/') : NULL;

		p->path = slash ? pc_xasprintf("%.*s/%s.compat", (int)(slash - file),
					       file, p->name)
				: pc_xasprintf("compat/%s.compat", p->name);
	}
	/* an entry QEMU applies after the line (the same array, or an older
	 * machine's) that sets another value would undo it: the line would
	 * contradict a fix that is right for other releases */
	at = p->latest ? &p->latest->version : array_owner(set, m, p->name);
	for (size_t i = 0; at && i < m->n_chain && !p->conflict; i++) {
		const struct pc_compat_entry *e = m->chain[i];
		const struct pc_version *eo = array_owner(set, m, e->array);

		if (strcmp(e->prop, name) || !pc_type_is_a(holder->type, e->driver) ||
		    same_value(e->value, value))
			continue;
		if (eo && pc_version_cmp(eo, at) <= 0)
			p->conflict = e;
	}
	return true;
}

/*
 * Fill why/fix from the properties named in 'deps' that differ between the
 * two sides' objects.  Strings are appended to 'why' and 'fix' buffers; the
 * compat line and override go to the out-params (caller frees).
 */
static void explain_deps(struct dir_ctx *x, const struct pc_object *so,
			 const struct pc_object *dobj, const char *deps,
			 struct pc_strbuf *why, struct pc_strbuf *fix,
			 char **fix_file, char **fix_line, char **fix_override,
			 bool *undo)
{
	char *copy, *save = NULL, *name;
	bool explained = why->len > 0, placed = false;
	struct pc_strbuf done = PC_STRBUF_INIT;
	struct pc_eprop stand_in;
	bool have_stand_in = false;

	if (!deps || !so || !dobj)
		return;
	copy = pc_xstrdup(deps);
	pc_strbuf_addch(&done, ' ');
	for (name = copy; name && *name; name = save) {
		const struct pc_eprop *se, *de;
		const struct pc_side *tree = NULL;
		const char *treeval = NULL;

		if (have_stand_in) {
			pc_value_release(&stand_in.val);
			free(stand_in.source);
			have_stand_in = false;
		}
		save = strchr(name, ' ');
		if (save)
			*save++ = '\0';
		/* a property named twice (value and mask) is explained once */
		{
			char *tok = pc_xasprintf(" %s ", name);
			bool again = strstr(done.buf ? done.buf : "", tok) != NULL;

			if (!again)
				pc_strbuf_addstr(&done, tok);
			free(tok);
			if (again)
				continue;
		}
		se = pc_object_prop(x->svm, so, name, NULL);
		de = pc_object_prop(x->dvm, dobj, name, NULL);
		/* one side predates the property: its declared behaviour */
		if (!se && de && absent_stand_in(x->src, de, &stand_in)) {
			se = &stand_in;
			have_stand_in = true;
		} else if (se && !de && absent_stand_in(x->dst, se, &stand_in)) {
			de = &stand_in;
			have_stand_in = true;
		}
		if (!se || !de)
			continue;
		/* a why that already explains the expression names the
		 * properties; otherwise say where each side's value came from */
		if (!explained)
			pc_strbuf_addf(why, "%s%s.%s on %s = %s (%s); on %s = %s (%s)",
				       why->len ? "; " : "", se->owner->name, name,
				       x->src->label, se->val.text, se->source,
				       x->dst->label, de->val.text, de->source);
		if (se->val.text && de->val.text &&
		    !strcmp(se->val.text, de->val.text))
			continue;
		/* which side can change: the tree (a plugin tree has editable
		 * machine files), never a released build */
		if (!x->dst->project) {
			tree = x->dst;
			treeval = se->val.text;
		} else if (!x->src->project) {
			tree = x->src;
			treeval = de->val.text;
		}
		if (tree && !placed) {
			const struct pc_vm *tvm = tree == x->dst ? x->dvm : x->svm;
			const struct pc_object *tobj = tree == x->dst ? dobj : so;
			const struct pc_object *holder = NULL;
			const struct pc_eprop *te = tree == x->dst ? de : se;
			const char *mname = tvm->machine->name;
			struct fix_place pl;

			pc_object_prop(tvm, tobj, name, &holder);
			if (!place_fix(x->c, tree, tvm, holder ? holder : tobj, name,
				       treeval, &pl)) {
				pc_strbuf_addf(fix, "%s%s has no compat array: pin %s.%s=%s by other means",
					       fix->len ? "; " : "", mname,
					       te->owner->name, name, treeval);
			} else if (pl.conflict) {
				/* never undo a fix */
				*undo = true;
				pc_strbuf_addf(fix, "%sno compat line can keep %s.%s=%s for %s in the %s build: %s (%s %s %s) decides it and is right for the other releases; a line against it would undo that fix. If %s is the odd one, acknowledge the break in abi/known-breaks with a destination override as its mitigation",
					       fix->len ? "; " : "", te->owner->name,
					       name, treeval, mname, tree->label,
					       pl.conflict->origin, pl.conflict->driver,
					       pl.conflict->prop, pl.conflict->value,
					       tree == x->dst ? x->src->label : x->dst->label);
			} else {
				char rv[32], av[32];

				*fix_file = pc_xstrdup(pl.path);
				*fix_line = pc_xasprintf("%s %s %s", te->owner->name,
							 name, treeval);
				if (pl.rel) {
					pc_version_str(&pl.rel->release, rv, sizeof(rv));
					snprintf(av, sizeof(av), "%s", pl.name + strlen("hw_compat_"));
					for (char *q = av; *q; q++)
						if (*q == '_')
							*q = '.';
				}
				if (pl.latest)
					pc_strbuf_addf(fix, "%skeep %s.%s=%s in the %s build for %s and every machine type up to %s: %s still had it, so the entry goes into %s (what machine types %s and older need), which does not exist yet. QEMU creates %s together with the next machine type: add the machine type after %s first (tools/gen-machines.sh, Documentation/machine-format.md: a new machine type that %s derives, and 'compat %s' in %s), then add the line",
						       fix->len ? "; " : "", te->owner->name,
						       name, treeval, tree->label, mname, av, rv,
						       pl.name, av, pl.name, pl.latest->name,
						       pl.latest->name, pl.name, pl.latest->name);
				else if (pl.rel)
					pc_strbuf_addf(fix, "%skeep %s.%s=%s in the %s build for %s and every machine type up to %s: %s is the newest recorded release that had it, and %s holds what machine types %s and older need",
						       fix->len ? "; " : "", te->owner->name,
						       name, treeval, tree->label, mname, av, rv,
						       pl.name, av);
				else
					pc_strbuf_addf(fix, "%skeep %s.%s=%s for %s in the %s build (a compat entry for this machine type)",
						       fix->len ? "; " : "",
						       te->owner->name, name, treeval,
						       mname, tree->label);
			}
			fix_place_release(&pl);
			placed = true;
		}
		if (!de->absent && !*fix_override) {
			*fix_override = pc_xasprintf("--dst-global %s.%s=%s",
						     de->owner->name, name,
						     se->val.text);
			if (!tree)
				pc_strbuf_addf(fix, "%sstart the destination with %s.%s=%s",
					       fix->len ? "; " : "",
					       de->owner->name, name, se->val.text);
		} else if (de->absent && !tree) {
			pc_strbuf_addf(fix, "%sno override can fix this: '%s' does not exist in %s and %s is a released build; acknowledge it as a known break",
				       fix->len ? "; " : "", name, x->dst->label,
				       x->src->label);
		}
	}
	if (have_stand_in) {
		pc_value_release(&stand_in.val);
		free(stand_in.source);
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
		       char **cause, char **cause_why)
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
		ss = short_source(se->source);
		ds = short_source(de->source);
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
 * The check's hook of pc_emit(): a hit about the objects h->src_obj and
 * h->dst_obj (either may be NULL) gets the root cause and the explanation
 * of the properties in h->deps, the fix those properties call for (else
 * the hit's own), and the acknowledgement of a known break.
 */
static void check_finish(void *data, const struct pc_hit *h,
			 struct pc_finding *f)
{
	struct dir_ctx *x = data;
	const struct pc_object *so = h->src_obj, *dobj = h->dst_obj;
	struct pc_strbuf why = PC_STRBUF_INIT, fix = PC_STRBUF_INIT;
	char *fix_file = NULL, *fix_line = NULL, *fix_override = NULL;
	bool undo = false;
	char *cause = NULL, *cause_why = NULL;

	find_cause(x, so, dobj, h->deps, &cause, &cause_why);
	if (h->why)
		pc_strbuf_addstr(&why, h->why);
	explain_deps(x, so, dobj, h->deps, &why, &fix, &fix_file, &fix_line,
		     &fix_override, &undo);
	if (h->fix && !fix.len)
		pc_strbuf_addstr(&fix, h->fix);
	f->why = why.len ? why.buf : NULL;
	f->fix = fix.len ? fix.buf : NULL;
	f->fix_file = fix_file;
	f->fix_line = fix_line;
	f->fix_override = fix_override ? fix_override : h->fix_override;
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
		if (fix.len && !fix_line && !undo)
			pc_strbuf_addf(&kfix, "; %s", fix.buf);
		pc_strbuf_release(&fix);
		fix = kfix;
		f->fix = fix.buf;
		f->fix_file = f->fix_line = NULL;
	}
	pc_report_add(x->r, f);
	free(cause);
	free(cause_why);
	free((char *)(uintptr_t)f->known_reason);
	free((char *)(uintptr_t)f->known_by);
	pc_strbuf_release(&why);
	pc_strbuf_release(&fix);
	free(fix_file);
	free(fix_line);
	free(fix_override);
}

/* Report a hit of this direction (check_finish() completes it). */
static void add(struct dir_ctx *x, const struct pc_hit *h)
{
	pc_emit(&x->out, h);
}

/* ------------------------------------------------------------ layouts */

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

/* A tree: a side whose declarations and machine files can change (not a
 * recorded or reconstructed release). */
static bool editable(const struct pc_side *s)
{
	return !s->project && !s->index;
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

/* ------------------------------------------------------------ one direction */

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

static void compare_sections(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	for (size_t i = 0; i < svm->n_sections; i++) {
		const struct pc_rsection *ss = &svm->sections[i];
		const struct pc_rsection *ds = other_section(dvm, i, ss);
		struct sec_ctx sc;

		sc.x = x;
		sc.so = ss->obj;
		sc.dobj = other_object(dvm, svm, ss->obj);
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
			const struct pc_object *so = other_object(svm, dvm, ds->obj);
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

/*
 * A guest-visible property whose default comes from the host (host=CAP)
 * differs.  The guide's cases: the source's guest uses a feature the
 * destination's host lacks (PC701: it fails, and nothing on the
 * destination can fix it: the source must run without it, the hosts'
 * intersection); the destination's host offers a feature the guest did not
 * see (PC702: "sometimes works", a person decides; the destination can
 * turn it off).  Anything else is a configuration difference (PC501).
 * Returns false when the generic PC501 applies.
 */
static bool host_feature_finding(struct dir_ctx *x, const struct pc_object *so,
				 const struct pc_object *dobj,
				 const struct pc_eprop *se,
				 const struct pc_eprop *de, const char *path)
{
	const char *cap = se->prop->host_feature;
	const char *dhost = x->dst->host ? x->dst->host->name : NULL;
	char *why, *fix, *ovr;

	if (!cap)
		return false;
	if (se->val.num && !de->val.num &&
	    !pc_host_caps_has(x->dst->host, cap)) {
		why = pc_xasprintf("the guest on %s uses %s (%s); on %s it is off (%s): the destination's %s%s lacks '%s', and no option of the destination can present it",
				   x->src->label, se->prop->name, se->source,
				   x->dst->label, de->source,
				   dhost ? "host " : "reference host (no capabilities given)",
				   dhost ? dhost : "", cap);
		fix = pc_xasprintf("start the source with %s.%s=off: run every host with the features all of them have (plugcheck baseline --machine %s --host SRC.caps --host DST.caps prints each host's overrides), or migrate only to hosts that have '%s'",
				   se->owner->name, se->prop->name,
				   x->svm->machine->name, cap);
		add(x, &(struct pc_hit){
			.rule = PC_R_HOST_FEATURE,
			.severity = PC_SEV_INCOMPATIBLE,
			.src_obj = so,
			.dst_obj = dobj,
			.device = so->id,
			.path = path,
			.src_value = se->val.text,
			.dst_value = de->val.text,
			.why = why,
			.fix = fix });
		free(why);
		free(fix);
		return true;
	}
	if (!se->val.num && de->val.num && x->dst->host) {
		why = pc_xasprintf("the destination's host %s offers %s, which the guest did not see on %s (%s): more features on the destination sometimes works (the guest keeps what it probed at boot), a person decides",
				   dhost, cap, x->src->label, se->source);
		fix = pc_xasprintf("run the destination without '%s', as the hosts' intersection does (plugcheck baseline --machine %s --host SRC.caps --host DST.caps)",
				   cap, x->svm->machine->name);
		/* the destination can always turn a feature off (the hit has
		 * no dependencies, so no other override is named) */
		ovr = pc_xasprintf("--dst-global %s.%s=off", de->owner->name,
				   se->prop->name);
		add(x, &(struct pc_hit){
			.rule = PC_R_HOST_FEATURE_EXTRA,
			.severity = PC_SEV_REVIEW,
			.src_obj = so,
			.dst_obj = dobj,
			.device = so->id,
			.path = path,
			.src_value = se->val.text,
			.dst_value = de->val.text,
			.why = why,
			.fix = fix,
			.fix_override = ovr });
		free(ovr);
		free(why);
		free(fix);
		return true;
	}
	return false;
}

/* Does object 'o' have an effective property called 'name'? */
static bool object_has_prop(const struct pc_object *o, const char *name)
{
	for (size_t m = 0; m < o->n_props; m++)
		if (!strcmp(o->props[m].prop->name, name))
			return true;
	return false;
}

/*
 * A property only one side's object has ('have', on the source when
 * 'on_src'): the other build predates it (or dropped it).  A property the
 * guest or the host can see is compared with the behaviour declared for
 * its absence (since=/absent=) at the other side's release: a difference
 * is incompatible (PC501), as is a guest-visible property whose absence
 * is not declared (nobody can say what the guest saw).  Otherwise, and
 * when the behaviours agree, PC502 (info).
 */
static void prop_on_one_side(struct dir_ctx *x, const struct pc_object *so,
			     const struct pc_object *dobj,
			     const struct pc_eprop *have, bool on_src)
{
	const struct pc_side *missing = on_src ? x->dst : x->src;
	const struct pc_side *holder = on_src ? x->src : x->dst;
	const struct pc_object *o = on_src ? so : dobj;
	char *p = pc_xasprintf("%s.%s", have->owner->name, have->prop->name);
	struct pc_eprop st;
	char *absent_text;

	enum pc_rule rule = have->prop->guest_visible || !have->prop->wire
		? PC_R_GUEST_PROP : PC_R_WIRE_PROP;

	if (!have->prop->guest_visible && !have->prop->host_feature &&
	    !have->prop->wire) {
		char *why = pc_xasprintf("%s does not declare this property; it is not guest-visible, so only its presence differs",
					 missing->label);

		add(x, &(struct pc_hit){
			.rule = PC_R_PROP_ABSENT,
			.severity = PC_SEV_INFO,
			.src_obj = so,
			.dst_obj = dobj,
			.device = o->id,
			.path = p,
			.src_value = on_src ? have->val.text : NULL,
			.dst_value = on_src ? NULL : have->val.text,
			.why = why });
		free(why);
		free(p);
		return;
	}
	if (!absent_stand_in(missing, have, &st)) {
		char *why = pc_xasprintf("%s has no property %s and %s's declaration does not say how a build without it behaves (since=/absent=): what the guest saw cannot be compared",
					 missing->label, have->prop->name, holder->label);
		char *fix = pc_xasprintf("declare when %s appeared and how the device behaved before (since=VERSION absent=VALUE, Documentation/declaration-language.md); then pin that behaviour for the older machine types with a compat entry",
					 have->prop->name);

		add(x, &(struct pc_hit){
			.rule = rule,
			.severity = PC_SEV_INCOMPATIBLE,
			.src_obj = so,
			.dst_obj = dobj,
			.device = o->id,
			.path = p,
			.src_value = on_src ? have->val.text : "(no such property)",
			.dst_value = on_src ? "(no such property)" : have->val.text,
			.why = why,
			.fix = fix });
		free(why);
		free(fix);
		free(p);
		return;
	}
	absent_text = pc_xasprintf("(no such property: behaves as %s)", st.val.text);
	if (!strcmp(st.val.text, have->val.text ? have->val.text : "")) {
		add(x, &(struct pc_hit){
			.rule = PC_R_PROP_ABSENT,
			.severity = PC_SEV_INFO,
			.src_obj = so,
			.dst_obj = dobj,
			.device = o->id,
			.path = p,
			.src_value = on_src ? have->val.text : absent_text,
			.dst_value = on_src ? absent_text : have->val.text,
			.why = st.source });
	} else {
		char *why = pc_xasprintf("%s (%s)", rule == PC_R_WIRE_PROP
			? "the property shapes the migration stream: the destination expects another stream than the source sends"
			: "the guest saw the source's behaviour; the destination would present another",
			st.source);

		add(x, &(struct pc_hit){
			.rule = rule,
			.severity = PC_SEV_INCOMPATIBLE,
			.src_obj = so,
			.dst_obj = dobj,
			.device = o->id,
			.path = p,
			.src_value = on_src ? have->val.text : absent_text,
			.dst_value = on_src ? absent_text : have->val.text,
			.why = why,
			.deps = have->prop->name });
		free(why);
	}
	free(absent_text);
	pc_value_release(&st.val);
	free(st.source);
	free(p);
}

static void compare_props(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	for (size_t i = 0; i < svm->n_objs; i++) {
		const struct pc_object *so = &svm->objs[i];
		const struct pc_object *dobj = other_object(dvm, svm, so);

		if (!dobj)
			continue;
		/* properties only the destination has */
		for (size_t m = 0; m < dobj->n_props; m++)
			if (!object_has_prop(so, dobj->props[m].prop->name)) {
				x->c->props_compared++;
				prop_on_one_side(x, so, dobj, &dobj->props[m], false);
			}
		for (size_t k = 0; k < so->n_props; k++) {
			const struct pc_eprop *se = &so->props[k];
			const struct pc_eprop *de = NULL;

			for (size_t m = 0; m < dobj->n_props; m++)
				if (!strcmp(dobj->props[m].prop->name, se->prop->name))
					de = &dobj->props[m];
			x->c->props_compared++;
			if (!de) {
				prop_on_one_side(x, so, dobj, se, true);
				continue;
			}
			if (!se->prop->guest_visible && !de->prop->guest_visible &&
			    !se->prop->wire && !de->prop->wire)
				continue;
			if (se->val.text && de->val.text &&
			    !strcmp(se->val.text, de->val.text))
				continue;
			{
				char *p = pc_xasprintf("%s.%s", se->owner->name,
						       se->prop->name);

				if (!se->prop->guest_visible && !de->prop->guest_visible)
					add(x, &(struct pc_hit){
						.rule = PC_R_WIRE_PROP,
						.severity = PC_SEV_INCOMPATIBLE,
						.src_obj = so,
						.dst_obj = dobj,
						.device = so->id,
						.path = p,
						.src_value = se->val.text,
						.dst_value = de->val.text,
						.why = "the property shapes the migration stream (framing, sections, handshakes): the destination expects another stream than the source sends",
						.deps = se->prop->name });
				else if (!host_feature_finding(x, so, dobj, se, de, p))
					add(x, &(struct pc_hit){
						.rule = PC_R_GUEST_PROP,
						.severity = PC_SEV_INCOMPATIBLE,
						.src_obj = so,
						.dst_obj = dobj,
						.device = so->id,
						.path = p,
						.src_value = se->val.text,
						.dst_value = de->val.text,
						.why = "the guest saw the source's value; the destination would present another",
						.deps = se->prop->name });
				free(p);
			}
		}
	}
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "") && !a == !b;
}

/*
 * Same finding under several configurations: keep the first, name all.
 * Only what is equal merges: the values, why and fix too (a count derived
 * from the vCPU count differs per configuration, and each configuration's
 * finding then keeps its own values).
 */
static void merge_configs(struct pc_report *all, const struct pc_report *one)
{
	for (size_t i = 0; i < one->n; i++) {
		const struct pc_finding *f = &one->items[i];
		struct pc_finding *same = NULL;

		for (size_t j = 0; j < all->n && !same; j++) {
			struct pc_finding *g = &all->items[j];

			if (g->rule == f->rule && !strcmp(g->src, f->src) &&
			    !strcmp(g->dst, f->dst) &&
			    !strcmp(g->device ? g->device : "", f->device ? f->device : "") &&
			    !strcmp(g->path ? g->path : "", f->path ? f->path : "") &&
			    !strcmp(g->machine ? g->machine : "", f->machine ? f->machine : "") &&
			    !strcmp(g->chain_hop ? g->chain_hop : "", f->chain_hop ? f->chain_hop : "") &&
			    g->severity == f->severity && g->known == f->known &&
			    same_str(g->src_value, f->src_value) &&
			    same_str(g->dst_value, f->dst_value) &&
			    same_str(g->why, f->why) && same_str(g->fix, f->fix) &&
			    same_str(g->fix_file, f->fix_file) &&
			    same_str(g->fix_line, f->fix_line) &&
			    same_str(g->fix_override, f->fix_override) &&
			    same_str(g->known_reason, f->known_reason) &&
			    same_str(g->cause_why, f->cause_why))
				same = g;
		}
		if (same) {
			char *c = pc_xasprintf("%s, %s", same->config, f->config);

			free((char *)(uintptr_t)same->config);
			same->config = c;
		} else {
			pc_report_add(all, f);
		}
	}
}

/* Does the side's VM configuration hold a device of this type? */
static bool side_has_type(const struct pc_side *s, const char *type)
{
	if (!s->devices || s->devices_subset) {
		for (size_t i = 0; i < s->reg->n_types; i++)
			if (pc_type_is_concrete(s->reg->types[i]) &&
			    pc_type_is_a(s->reg->types[i], type))
				return true;
		/* children of composites (virtio backends) */
		for (size_t i = 0; i < s->reg->n_types; i++)
			if (s->reg->types[i]->internal &&
			    pc_type_is_a(s->reg->types[i], type))
				return true;
		return false;
	}
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct pc_type *t = pc_registry_find_type(s->reg, s->devices[i].type);

		if (!t)
			continue;
		if (pc_type_is_a(t, type))
			return true;
		for (const struct pc_type *a = t; a; a = a->parent)
			for (size_t k = 0; k < a->n_children; k++)
				if (a->children[k].type &&
				    pc_type_is_a(a->children[k].type, type))
					return true;
	}
	return false;
}

/* ------------------------------------------------------------ VM cache */

struct vm_cache_entry {
	const struct pc_side *side;
	const struct pc_machine *machine;
	int smp;
	struct pc_vm *vm; /* stable address: directions hold pointers */
};

struct devkeys;
struct keys_cache_entry {
	const void *of;              /* a struct pc_vm or pc_bindex_vm */
	struct devkeys *keys;
};

struct pc_vm_cache {
	struct vm_cache_entry *items;
	size_t n, alloc;
	/* device keys of the VMs and index entries screening has met */
	struct keys_cache_entry *keys;
	size_t n_keys, alloc_keys;
};

static void devkeys_free(struct devkeys *k);

struct pc_vm_cache *pc_vm_cache_new(void)
{
	return pc_xcalloc(1, sizeof(struct pc_vm_cache));
}

void pc_vm_cache_free(struct pc_vm_cache *vc)
{
	if (!vc)
		return;
	for (size_t i = 0; i < vc->n; i++) {
		pc_vm_release(vc->items[i].vm);
		free(vc->items[i].vm);
	}
	free(vc->items);
	for (size_t i = 0; i < vc->n_keys; i++)
		devkeys_free(vc->keys[i].keys);
	free(vc->keys);
	free(vc);
}

/* The resolved VM of (side, m, smp), built on first use.  A handful of
 * entries per side: a linear scan costs nothing next to one build. */
static const struct pc_vm *vm_cache_get(struct pc_vm_cache *vc,
					const struct pc_side *side,
					const struct pc_machine *m, int smp,
					struct pc_err *err)
{
	struct vm_cache_entry *e;
	struct pc_vm *vm;

	for (size_t i = 0; i < vc->n; i++)
		if (vc->items[i].side == side && vc->items[i].machine == m &&
		    vc->items[i].smp == smp)
			return vc->items[i].vm;
	vm = pc_xcalloc(1, sizeof(*vm));
	if (pc_vm_build(side, m, smp, vm, err)) {
		free(vm);
		return NULL;
	}
	if (pc_vm_resolve(vm, err)) {
		pc_vm_release(vm);
		free(vm);
		return NULL;
	}
	PC_ALLOC_GROW(vc->items, vc->n + 1, vc->alloc);
	e = &vc->items[vc->n++];
	e->side = side;
	e->machine = m;
	e->smp = smp;
	e->vm = vm;
	return vm;
}

/* ------------------------------------------------------------ screening */

/*
 * A recorded release against a resolved side (the tree), in the default
 * configuration: the release's index gives each device's key without
 * resolving the release; only the devices whose keys differ are built and
 * compared, on both sides, the findings being those of the full
 * comparison (the devices compared keep their relative order, and a
 * device whose keys agree gives none).  The counts of what was compared
 * are kept as the full comparison makes them: a device whose keys agree
 * has the same sections and properties on both sides.
 */
static bool plain_side(const struct pc_side *s)
{
	return !s->n_overrides && !s->host && !s->devices;
}

/* Device keys of one VM: keys[d] for device ids.keys[d], and the device
 * of each of its objects and sections (lay). */
struct devkeys {
	struct pc_strmap ids;
	struct pc_devkeys lay;
	uint64_t *keys;
};

static void devkeys_free(struct devkeys *k)
{
	if (!k)
		return;
	pc_strmap_release(&k->ids);
	pc_devkeys_release(&k->lay);
	free(k->keys);
	free(k);
}

static void devkeys_of_vm(const struct pc_vm *vm, struct devkeys *k)
{
	const char **ids = pc_xcalloc(vm->n_objs + 1, sizeof(*ids));
	const char **names = pc_xcalloc(vm->n_sections + 1, sizeof(*names));
	size_t *sobj = pc_xcalloc(vm->n_sections + 1, sizeof(*sobj));
	uint64_t *fps = pc_xcalloc(vm->n_sections + 1, sizeof(*fps));
	uint64_t *digests = pc_xcalloc(vm->n_objs + 1, sizeof(*digests));

	for (size_t i = 0; i < vm->n_objs; i++) {
		ids[i] = vm->objs[i].id;
		digests[i] = pc_object_digest(&vm->objs[i]);
	}
	for (size_t i = 0; i < vm->n_sections; i++) {
		names[i] = vm->sections[i].name;
		sobj[i] = (size_t)(vm->sections[i].obj - vm->objs);
		fps[i] = vm->sections[i].fingerprint;
	}
	memset(k, 0, sizeof(*k));
	pc_devkeys_init(&k->lay, &k->ids, vm->n_objs, ids, vm->n_sections, sobj,
			names);
	k->keys = pc_xcalloc(k->ids.n + 1, sizeof(*k->keys));
	pc_devkeys_compute(&k->lay, fps, digests, k->keys);
	free(ids);
	free(names);
	free(sobj);
	free(fps);
	free(digests);
}

static void devkeys_of_index(const struct pc_bindex *ix,
			     const struct pc_bindex_vm *v, struct devkeys *k)
{
	memset(k, 0, sizeof(*k));
	pc_devkeys_init(&k->lay, &k->ids, ix->n_objects,
			(const char *const *)ix->objects, ix->n_sections,
			ix->section_obj, (const char *const *)ix->sections);
	k->keys = pc_xcalloc(k->ids.n + 1, sizeof(*k->keys));
	pc_devkeys_compute(&k->lay, v->vec, v->vec + ix->n_sections, k->keys);
}

/* The keys of 'of' (a full VM or an index entry), computed once per run. */
static const struct devkeys *cached_keys(struct pc_vm_cache *vc, const void *of,
					 const struct pc_vm *vm,
					 const struct pc_bindex *ix,
					 const struct pc_bindex_vm *iv)
{
	struct keys_cache_entry *e;

	for (size_t i = 0; i < vc->n_keys; i++)
		if (vc->keys[i].of == of)
			return vc->keys[i].keys;
	PC_ALLOC_GROW(vc->keys, vc->n_keys + 1, vc->alloc_keys);
	e = &vc->keys[vc->n_keys++];
	e->of = of;
	e->keys = pc_xcalloc(1, sizeof(*e->keys));
	if (vm)
		devkeys_of_vm(vm, e->keys);
	else
		devkeys_of_index(ix, iv, e->keys);
	return e->keys;
}

static int cmp_devspec(const void *a, const void *b)
{
	return strcmp(((const struct pc_devspec *)a)->id,
		      ((const struct pc_devspec *)b)->id);
}

/*
 * Compare src -> dst with one side resolved in full ('full', the VM of
 * side 'fs') and the other (side 'is') known by its index entry 'iv'.
 * Returns 0, or -1 on error.
 */
static int screened_direction(struct dir_ctx *x, const struct pc_side *fs,
			      const struct pc_vm *full, const struct pc_side *is,
			      const struct pc_bindex_vm *iv, int smp,
			      struct pc_err *err)
{
	const struct devkeys *pkf = cached_keys(x->c->vms, full, full, NULL, NULL);
	const struct devkeys *pki = cached_keys(x->c->vms, iv, NULL, is->index, iv);
	const struct devkeys kf = *pkf, ki = *pki;
	struct pc_devspec *diff;
	size_t nd = 0;
	bool *fdev;
	struct pc_side tf = *fs, ti = *is;
	struct pc_vm vf, vi;
	int rc = -1;

	diff = pc_xcalloc(kf.ids.n + ki.ids.n + 1, sizeof(*diff));
	fdev = pc_xcalloc(kf.ids.n + 1, sizeof(*fdev));
	for (size_t i = 0; i < kf.ids.n; i++) {
		const char *id = kf.ids.keys[i];
		size_t j = pc_strmap_find(&ki.ids, id, strlen(id));

		if (j == SIZE_MAX || ki.keys[j] != kf.keys[i]) {
			diff[nd++].id = kf.ids.keys[i];
			fdev[i] = true;
		}
	}
	for (size_t j = 0; j < ki.ids.n; j++) {
		const char *id = ki.ids.keys[j];

		if (pc_strmap_find(&kf.ids, id, strlen(id)) == SIZE_MAX)
			diff[nd++].id = ki.ids.keys[j];
	}
	/* the counts of the devices not compared: the full side's, which
	 * are the recorded side's too */
	for (size_t i = 0; i < full->n_objs; i++)
		if (!fdev[kf.lay.obj_dev[i]])
			x->c->props_compared += full->objs[i].n_props;
	for (size_t i = 0; i < full->n_sections; i++)
		if (!fdev[kf.lay.sec_dev[i]])
			x->c->sections_compared++;
	for (size_t q = 0; q < nd; q++)
		diff[q].type = diff[q].id; /* default configuration: id = type */
	qsort(diff, nd, sizeof(*diff), cmp_devspec);
	/* each side builds the devices it has */
	{
		struct pc_devspec *df = pc_xcalloc(nd + 1, sizeof(*df));
		struct pc_devspec *di = pc_xcalloc(nd + 1, sizeof(*di));
		size_t nf = 0, ni = 0;

		for (size_t q = 0; q < nd; q++) {
			size_t l = strlen(diff[q].id);

			if (pc_strmap_find(&kf.ids, diff[q].id, l) != SIZE_MAX)
				df[nf++] = diff[q];
			if (pc_strmap_find(&ki.ids, diff[q].id, l) != SIZE_MAX)
				di[ni++] = diff[q];
		}
		tf.devices = df;
		tf.n_devices = nf;
		ti.devices = di;
		ti.n_devices = ni;
		tf.devices_subset = ti.devices_subset = true;
		if (!pc_vm_build(&tf, full->machine, smp, &vf, err)) {
			if (!pc_vm_build(&ti, iv->machine, smp, &vi, err)) {
				if (!pc_vm_resolve(&vf, err) && !pc_vm_resolve(&vi, err)) {
					bool src_full = x->src == fs;

					x->svm = src_full ? &vf : &vi;
					x->dvm = src_full ? &vi : &vf;
					compare_sections(x);
					compare_props(x);
					rc = 0;
				}
				pc_vm_release(&vi);
			}
			pc_vm_release(&vf);
		}
		free(df);
		free(di);
	}
	free(fdev);
	free(diff);
	return rc;
}

/*
 * The known breaks whose scope this direction covers: a stale
 * acknowledgement is one the tree no longer shows, so only a recorded
 * release against the tree as the project has it (no user overrides,
 * which may be the very mitigation) in the default configuration (every
 * device, every default vCPU count: a subset may simply lack what shows
 * the break) says so; the source has the device.
 */
static void cover_known(struct pc_known_breaks *kb, const struct pc_side *src,
			const struct pc_side *dst, const struct pc_machine *m)
{
	const struct pc_side *tree = !src->project ? src : !dst->project ? dst : NULL;
	const struct pc_side *rel = tree == src ? dst : src;

	if (!tree || !rel->project || tree->n_overrides || src->devices ||
	    dst->devices)
		return;
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];

		if (pc_known_break_in_scope(b, m, rel->label) &&
		    side_has_type(src, b->device))
			pc_known_break_cover(b, rel->label, tree->label, m);
	}
}

/* A direction's context for 'smp' vCPUs; its findings go to 'r'. */
static void dir_init(struct dir_ctx *x, struct pc_check *c,
		     const struct pc_side *src, const struct pc_side *dst,
		     const struct pc_machine *m, int smp, struct pc_report *r)
{
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->src = src;
	x->dst = dst;
	x->r = r;
	snprintf(x->config, sizeof(x->config), "smp=%d", smp);
	x->out.report = r;
	x->out.machine = m->name;
	x->out.src = src->label;
	x->out.dst = dst->label;
	x->out.config = x->config;
	x->out.hop = c->hop;
	x->out.finish = check_finish;
	x->out.data = x;
}

int pc_check_direction(struct pc_check *c, const struct pc_side *src,
		       const struct pc_side *dst, struct pc_report *r,
		       struct pc_err *err)
{
	const struct pc_machine *ms, *md;
	int smps[8];
	size_t n;

	ms = pc_machine_find(src->machines, c->machine);
	md = pc_machine_find(dst->machines, c->machine);
	/* an alias such as "q35" names the newest machine of a family where
	 * families are known (a tree); baselines record machine names, so
	 * use the name the other side resolved */
	if (!ms && md)
		ms = pc_machine_find(src->machines, md->name);
	if (!md && ms)
		md = pc_machine_find(dst->machines, ms->name);
	if (ms && !pc_side_knows_machine(src, ms))
		ms = NULL;
	if (md && !pc_side_knows_machine(dst, md))
		md = NULL;
	if (!ms)
		return pc_err_set(err, "%s does not know machine type '%s': a migration with it cannot start (%s)",
				  src->label, c->machine,
				  src->origin ? src->origin : "no such machine type");
	if (!md) {
		/* the source runs it, the destination cannot start it: a
		 * verdict about the pair, not an input error (QEMU refuses) */
		struct pc_emitter out = { .report = r, .machine = ms->name,
					  .src = src->label, .dst = dst->label,
					  .hop = c->hop };
		char *why = pc_xasprintf("%s cannot start machine type %s (a build knows only the machine types up to its own version): the destination refuses the migration",
					 dst->label, ms->name);

		pc_emit(&out, &(struct pc_hit){
			PC_HIT_RULE(PC_R_MACHINE_UNKNOWN),
			.device = ms->name,
			.src_value = "known",
			.why = why,
			.fix = "migrate to a build that knows the machine type" });
		free(why);
		return 0;
	}
	if (strcmp(ms->name, md->name))
		return pc_err_set(err, "machine type '%s' is '%s' on %s but '%s' on %s: both sides must run the same machine type",
				  c->machine, ms->name, src->label, md->name,
				  dst->label);
	if (c->n_smps) {
		n = c->n_smps;
		memcpy(smps, c->smps, n * sizeof(int));
	} else {
		n = pc_machine_smp_set(ms, smps, PC_ARRAY_SIZE(smps));
	}
	if (c->known && !c->n_smps)
		cover_known(c->known, src, dst, ms);
	for (size_t k = 0; k < n; k++) {
		struct pc_vm svm_own, dvm_own;
		const struct pc_vm *svm, *dvm;
		struct pc_report one;
		struct dir_ctx x;

		if (c->vms && plain_side(src) && plain_side(dst) &&
		    (!src->index != !dst->index)) {
			/* a recorded release against the tree: screen by keys */
			const struct pc_side *fs = src->index ? dst : src;
			const struct pc_side *is = src->index ? src : dst;
			const struct pc_bindex_vm *iv =
				pc_bindex_find(is->index, is == src ? ms : md, smps[k]);

			if (iv) {
				const struct pc_vm *full = vm_cache_get(c->vms, fs,
									fs == src ? ms : md,
									smps[k], err);
				int rc;

				if (!full)
					return -1;
				pc_report_init(&one);
				dir_init(&x, c, src, dst, ms, smps[k], &one);
				rc = screened_direction(&x, fs, full, is, iv, smps[k], err);
				if (!rc)
					merge_configs(r, &one);
				pc_report_release(&one);
				if (rc)
					return -1;
				continue;
			}
		}
		if (c->vms) {
			/* shared VMs: built and resolved once per run */
			svm = vm_cache_get(c->vms, src, ms, smps[k], err);
			dvm = svm ? vm_cache_get(c->vms, dst, md, smps[k], err)
				  : NULL;
			if (!svm || !dvm)
				return -1;
		} else {
			if (pc_vm_build(src, ms, smps[k], &svm_own, err))
				return -1;
			if (pc_vm_build(dst, md, smps[k], &dvm_own, err)) {
				pc_vm_release(&svm_own);
				return -1;
			}
			if (pc_vm_resolve(&svm_own, err) ||
			    pc_vm_resolve(&dvm_own, err)) {
				pc_vm_release(&svm_own);
				pc_vm_release(&dvm_own);
				return -1;
			}
			svm = &svm_own;
			dvm = &dvm_own;
		}
		pc_report_init(&one);
		dir_init(&x, c, src, dst, ms, smps[k], &one);
		x.svm = svm;
		x.dvm = dvm;
		compare_sections(&x);
		compare_props(&x);
		merge_configs(r, &one);
		pc_report_release(&one);
		if (!c->vms) {
			pc_vm_release(&svm_own);
			pc_vm_release(&dvm_own);
		}
	}
	return 0;
}

int pc_check_pair(struct pc_check *c, const struct pc_side *a,
		  const struct pc_side *b, struct pc_report *r,
		  struct pc_err *err)
{
	if (pc_check_direction(c, a, b, r, err))
		return -1;
	if (a == b)
		return 0;
	return pc_check_direction(c, b, a, r, err);
}

int pc_suggest_overrides(struct pc_check *c, const struct pc_side *src,
			 const struct pc_side *dst, struct pc_override **out,
			 size_t *n_out, struct pc_err *err)
{
	struct pc_side trial = *dst;
	struct pc_vm_cache *vms = c->vms;
	int result = 0;

	/* the trial side changes every round: no shared VMs */
	c->vms = NULL;
	*out = NULL;
	*n_out = 0;
	/* a shallow copy that owns only its own overrides list */
	trial.own_reg = trial.own_machines = false;
	trial.overrides = NULL;
	trial.n_overrides = 0;
	trial.label = dst->label;
	for (size_t i = 0; i < dst->n_overrides; i++)
		pc_side_add_override(&trial, &dst->overrides[i]);
	for (int round = 0; round < 16; round++) {
		struct pc_report r;
		bool added = false;

		pc_report_init(&r);
		if (pc_check_direction(c, src, &trial, &r, err)) {
			pc_report_release(&r);
			result = -1;
			break;
		}
		if (!pc_report_fails(&r)) {
			pc_report_release(&r);
			result = 1;
			break;
		}
		for (size_t i = 0; i < r.n; i++) {
			const struct pc_finding *f = &r.items[i];
			struct pc_override ov;
			bool dup = false;

			if (f->known || f->severity < PC_SEV_INCOMPATIBLE ||
			    !f->fix_override)
				continue;
			if (pc_override_parse(f->fix_override + strlen("--dst-global "),
					      false, "suggested", &ov, NULL))
				continue;
			for (size_t j = 0; j < *n_out; j++)
				dup |= !strcmp((*out)[j].target, ov.target) &&
				       !strcmp((*out)[j].prop, ov.prop);
			if (dup) {
				pc_override_release(&ov);
				continue;
			}
			pc_side_add_override(&trial, &ov);
			*out = pc_xrealloc(*out, (*n_out + 1) * sizeof(**out));
			(*out)[(*n_out)++] = ov;
			added = true;
		}
		pc_report_release(&r);
		if (!added)
			break;
	}
	for (size_t i = 0; i < trial.n_overrides; i++)
		pc_override_release(&trial.overrides[i]);
	free(trial.overrides);
	c->vms = vms;
	return result;
}
