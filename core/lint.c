/*
 * lint.c - the lint rules (lint.h): mistakes a reviewer would catch, found
 * from the declarations and the machine files alone.  `plugcheck lint`
 * (core/cli/cmd-lint.c) prints what they find.
 *
 *  PC801  a default changed without compat entries that give every older
 *         machine type the value its own release had: each machine type
 *         X.Y is resolved twice, as the tree does today and as release X.Y
 *         did (the recorded baseline abi/releases/X.Y.json, else the
 *         newest recorded release that knows the machine type, else the
 *         release reconstructed from the declared history), and every
 *         property that differs is reported with the compat line that
 *         restores the release's value;
 *  PC802  a field or subsection added (since=) without a version gate or a
 *         condition;
 *  PC803  a field gated on a version the description did not have a bump
 *         for when the field was added;
 *  PC804  a compat entry whose driver matches no loaded type and is not
 *         close to one (a type the tree does not model: info);
 *  PC805  a compat entry naming a property the matched type lacks;
 *  PC806  a compat entry whose driver matches no loaded type but is a
 *         likely typo of one (pc_name_likely_typo()).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decl.h"
#include "lint.h"
#include "machine.h"

#include "banned.h"

struct lint {
	const struct pc_side *tree;
	struct pc_report *r;
	const struct pc_side *rel; /* the recorded releases, may be none */
	size_t n_rel;
	/* the locations of the next lint_add()'s finding (it clears them) */
	struct pc_loc entry_at, decl_at, decl_text_at;
};

/* What a recorded release says machine type m had: the baseline of
 * release m.version itself, else the newest recorded release that knows
 * m (its compat history gives m the old behaviour), else NULL. */
static const struct pc_side *recorded_for(const struct lint *l,
					  const struct pc_machine *m,
					  const struct pc_machine **rm)
{
	const struct pc_side *best = NULL;

	*rm = NULL;
	for (size_t i = 0; i < l->n_rel; i++) {
		const struct pc_side *r = &l->rel[i];
		const struct pc_machine *x = pc_machine_find(r->machines, m->name);

		if (!x || !pc_side_knows_machine(r, x))
			continue;
		if (!pc_version_cmp(&r->release, &m->version)) {
			*rm = x;
			return r;
		}
		if (!best || pc_version_cmp(&r->release, &best->release) > 0) {
			best = r;
			*rm = x;
		}
	}
	return best;
}

static void lint_add(struct lint *l, enum pc_rule rule, const char *machine,
		     const char *device, const char *path, const char *sv,
		     const char *dv, const char *why, const char *fix,
		     const char *file, const char *line)
{
	struct pc_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = pc_rule_info(rule)->severity;
	f.machine = machine;
	f.device = device;
	f.path = path;
	f.src_value = sv;
	f.dst_value = dv;
	f.why = why;
	f.fix = fix;
	f.fix_file = file;
	f.fix_line = line;
	f.entry_at = l->entry_at;
	f.decl_at = l->decl_at;
	f.decl_text_at = l->decl_text_at;
	pc_report_add(l->r, &f);
	memset(&l->entry_at, 0, sizeof(l->entry_at));
	memset(&l->decl_at, 0, sizeof(l->decl_at));
	memset(&l->decl_text_at, 0, sizeof(l->decl_text_at));
}

/* The next finding is about compat entry 'ce' (of a machines/ file); the
 * file is borrowed until lint_add() copies it. */
static void at_entry(struct lint *l, const struct pc_compat_entry *ce,
		     char **file)
{
	free(*file);
	*file = ce->file_len ? pc_xstrndup(ce->origin, ce->file_len) : NULL;
	l->entry_at.file = *file;
	l->entry_at.line = ce->line;
}

/* The next finding is about a declaration of 'plugin' at 'line'. */
static void at_decl(struct lint *l, const struct pc_plugin *plugin, int line)
{
	if (plugin) {
		pc_decl_loc(plugin, line, &l->decl_at, &l->decl_text_at);
		return;
	}
	l->decl_at.file = NULL;
	l->decl_at.line = line;
}

static bool any_type_matches(const struct pc_registry *reg, const char *driver)
{
	for (size_t i = 0; i < reg->n_types; i++)
		if (pc_type_is_a(reg->types[i], driver))
			return true;
	return false;
}

static void lint_compat(struct lint *l)
{
	const struct pc_machine_set *set = l->tree->machines;
	const struct pc_registry *reg = l->tree->reg;
	char *file = NULL; /* the entry's, for at_entry() */

	for (size_t a = 0; a < set->n_arrays; a++) {
		const struct pc_compat_array *arr = set->arrays[a];

		for (size_t e = 0; e < arr->n_entries; e++) {
			const struct pc_compat_entry *ce = &arr->entries[e];
			bool has = false, matched = false;

			for (size_t t = 0; t < reg->n_types; t++) {
				const struct pc_type *ty = reg->types[t];

				if (!pc_type_is_a(ty, ce->driver))
					continue;
				matched = true;
				if (pc_type_find_prop(ty, ce->prop, NULL))
					has = true;
				else if (!ce->optional && !ty->abstract && !ty->interface) {
					char *why = pc_xasprintf("'%s' matches type '%s', which has no property '%s'",
								 ce->driver, ty->name, ce->prop);

					at_entry(l, ce, &file);
					lint_add(l, PC_R_LINT_COMPAT_NOPROP, NULL, ty->name,
						 ce->origin, ce->prop, NULL, why,
						 "declare the property on the type, fix the entry, or mark it optional",
						 NULL, NULL);
					free(why);
				}
			}
			if (!matched && !any_type_matches(reg, ce->driver)) {
				const char *near = pc_registry_typo_type(reg, ce->driver);
				char *why, *fix;

				if (!near) {
					/* a type the tree does not model: QEMU's
					 * tables name many */
					why = pc_xasprintf("no loaded plugin provides '%s' (QEMU ignores such entries silently)",
							   ce->driver);
					at_entry(l, ce, &file);
					lint_add(l, PC_R_LINT_COMPAT_NOMATCH, NULL, ce->driver,
						 ce->origin, ce->prop, NULL, why, NULL, NULL, NULL);
					free(why);
					continue;
				}
				why = pc_xasprintf("no loaded type is or implements '%s', but the name is close to the loaded type '%s' (did you mean '%s'?): QEMU ignores the entry, so '%s' keeps its new value on the older machine types",
						   ce->driver, near, near, near);
				fix = pc_xasprintf("spell the driver '%s' (%s %s %s)", near,
						   near, ce->prop, ce->value);
				at_entry(l, ce, &file);
				lint_add(l, PC_R_LINT_COMPAT_TYPO, NULL, ce->driver,
					 ce->origin, ce->prop, NULL, why, fix, NULL, NULL);
				free(why);
				free(fix);
			}
			(void)has;
		}
	}
	free(file);
}

static void lint_layouts(struct lint *l)
{
	const struct pc_registry *reg = l->tree->reg;

	for (size_t v = 0; v < reg->n_vmsds; v++) {
		const struct pc_vmsd *d = reg->vmsds[v];
		const char *plug = d->plugin ? d->plugin->path : "?";

		for (size_t i = 0; i < d->n_fields; i++) {
			const struct pc_field *f = &d->fields[i];
			char sv[32], *where, *why;

			if (!f->has_since)
				continue;
			pc_version_str(&f->since, sv, sizeof(sv));
			where = pc_xasprintf("%s.%s (%s line %d)", d->name, f->name,
					     plug, f->line);
			if (!f->version && !f->cond) {
				why = pc_xasprintf("field added in %s is sent unconditionally: releases before %s do not expect it",
						   sv, sv);
				at_decl(l, d->plugin, f->line);
				lint_add(l, PC_R_LINT_UNGATED_FIELD, NULL, d->name, where,
					 sv, NULL, why,
					 "gate it with version=N (and bump the description's version) or if=PROPERTY with a compat entry",
					 NULL, NULL);
				free(why);
			} else if (f->version) {
				/* the description's version just before the field came */
				int before = d->version_id;

				for (size_t c = 0; c < d->n_changes; c++)
					if (pc_version_cmp(&d->changes[c].version, &f->since) >= 0) {
						before = d->changes[c].version_id;
						break;
					}
				if (before >= f->version) {
					why = pc_xasprintf("field gated on version %d, but the description was already version %d before %s",
							   f->version, before, sv);
					at_decl(l, d->plugin, f->line);
					lint_add(l, PC_R_LINT_NO_VERSION_BUMP, NULL, d->name,
						 where, sv, NULL, why,
						 "bump the description's version (and record the old one with was=)",
						 NULL, NULL);
					free(why);
				}
			}
			free(where);
		}
		for (size_t i = 0; i < d->n_subsections; i++) {
			const struct pc_subsection *s = &d->subsections[i];
			char sv[32], *where, *why;

			if (!s->has_since || s->needed)
				continue;
			pc_version_str(&s->since, sv, sizeof(sv));
			where = pc_xasprintf("%s/%s (%s line %d)", d->name, s->name,
					     plug, s->line);
			why = pc_xasprintf(s->runtime
					   ? "subsection added in %s is runtime without a needed= condition: older releases fail whenever the guest's state makes it sent"
					   : "subsection added in %s has no needed= condition: it is sent every time, and older releases fail on it",
					   sv);
			at_decl(l, d->plugin, s->line);
			lint_add(l, PC_R_LINT_UNGATED_FIELD, NULL, d->name, where, sv,
				 NULL, why, s->runtime
				 ? "give it 'needed=PROPERTY runtime' and a compat entry turning the property off for older machine types"
				 : "give it needed=PROPERTY and a compat entry turning the property off for older machine types",
				 NULL, NULL);
			free(why);
			free(where);
		}
	}
}

/* The tree's file for compat lines of machine m (its first hw_compat). */
static const char *own_array_file(const struct pc_machine_set *set,
				  const struct pc_machine *m)
{
	for (size_t i = 0; i < m->n_arrays; i++)
		for (size_t j = 0; j < set->n_arrays; j++)
			if (!strcmp(set->arrays[j]->name, m->arrays[i]) &&
			    pc_str_starts_with(m->arrays[i], "hw_compat_"))
				return set->arrays[j]->path;
	for (size_t i = 0; i < m->n_arrays; i++)
		for (size_t j = 0; j < set->n_arrays; j++)
			if (!strcmp(set->arrays[j]->name, m->arrays[i]))
				return set->arrays[j]->path;
	return NULL;
}

struct reported {
	char **keys;
	size_t n;
};

static bool seen(struct reported *rp, const char *key)
{
	for (size_t i = 0; i < rp->n; i++)
		if (!strcmp(rp->keys[i], key))
			return true;
	rp->keys = pc_xrealloc(rp->keys, (rp->n + 1) * sizeof(char *));
	rp->keys[rp->n++] = pc_xstrdup(key);
	return false;
}

/* one machine type at one vCPU count, as the tree and as its past */
struct lint_machine {
	const struct pc_machine *m;
	const struct pc_side *rec; /* the recorded release, may be NULL */
	bool own;                  /* rec is m's own release */
	int smp;
	struct reported *rp;
	/* the host the VMs run on (NULL: the reference host); with one,
	 * only the properties whose auto follows the host are compared */
	struct pc_host_caps *host;
};

/* the effective property 'name' of 'o': its first, or with 'last' its
 * last occurrence */
static const struct pc_eprop *find_eprop(const struct pc_object *o,
					 const char *name, bool last)
{
	const struct pc_eprop *e = NULL;

	for (size_t q = 0; o && q < o->n_props; q++)
		if (!strcmp(o->props[q].prop->name, name)) {
			e = &o->props[q];
			if (!last)
				break;
		}
	return e;
}

/* the newest machine type's compat file, which does not exist yet: it
 * comes with the next machine type, beside the other hw_compat files */
static char *next_array_file(const struct pc_machine_set *set,
			     const struct pc_machine *m)
{
	const struct pc_compat_array *any = NULL;

	for (size_t q = 0; q < set->n_arrays && !any; q++)
		if (pc_str_starts_with(set->arrays[q]->name, "hw_compat_"))
			any = set->arrays[q];
	if (!any || !strrchr(any->path, '/'))
		return NULL;
	return pc_xasprintf("%.*s/hw_compat_%d_%d.compat",
			    (int)(strrchr(any->path, '/') - any->path),
			    any->path, m->version.v[0], m->version.v[1]);
}

static char *default_why(const struct lint_machine *lm,
			 const struct pc_eprop *ea, const struct pc_eprop *eb,
			 bool from_rec)
{
	const struct pc_machine *m = lm->m;
	char rel[32];

	if (from_rec)
		return pc_xasprintf("machine type %s had %s=%s in %s %s (%s) but the tree gives %s (%s) with smp=%d",
				    m->name, ea->prop->name, eb->val.text,
				    lm->own ? "release" : "the newest recorded release that knows it,",
				    lm->rec->label, pc_eprop_source(eb), ea->val.text,
				    pc_eprop_source(ea), lm->smp);
	pc_version_str(&m->version, rel, sizeof(rel));
	return pc_xasprintf("machine type %s had %s=%s in release %s as the declared history reconstructs it (%s; no recorded release has it for %s) but the tree gives %s (%s) with smp=%d",
			    m->name, ea->prop->name, eb->val.text, rel,
			    pc_eprop_source(eb), m->name, ea->val.text, pc_eprop_source(ea),
			    lm->smp);
}

/* the fix; *file is where its compat line goes (NULL: none) */
static char *default_fix(const struct pc_machine *m,
			 const struct pc_eprop *ea, const struct pc_eprop *eb,
			 bool from_rec, const char *newfile, const char **file)
{
	if (!from_rec && pc_str_starts_with(pc_eprop_source(ea), "compat entry")) {
		/* a compat entry gives the tree's value: the history, not
		 * the tree, is what lacks it */
		*file = NULL;
		return pc_xasprintf("if the default changed, declare it on the property (was=V:%s, V the release of the array of %s) rather than undoing the compat entry; if the entry is wrong, remove it",
				    ea->val.text, pc_eprop_source(ea) + strlen("compat entry "));
	}
	if (newfile)
		return pc_xasprintf("keep %s=%s for %s and older machine types: the line goes into hw_compat_%d_%d, which does not exist yet; QEMU creates it with the next machine type: add that machine type first (tools/gen-machines.sh, Documentation/machine-format.md)",
				    ea->prop->name, eb->val.text, m->name,
				    m->version.v[0], m->version.v[1]);
	return pc_xasprintf("restore the old value for %s and older machine types with a compat entry",
			    m->name);
}

/* PC801 for property 'ea' of the tree's object 'a' when its past value
 * (the recorded release's object 'br', else the history's 'b') differs */
static void lint_default(struct lint *l, const struct lint_machine *lm,
			 const struct pc_object *a, const struct pc_eprop *ea,
			 const struct pc_object *b, const struct pc_object *br)
{
	const struct pc_machine_set *set = l->tree->machines;
	const struct pc_machine *m = lm->m;
	const struct pc_eprop *eb = find_eprop(br, ea->prop->name, true);
	bool from_rec = eb != NULL;
	char key[512], *why, *line, *fix, *newfile = NULL, *entry_file = NULL;
	const char *file;

	if (!eb)
		eb = find_eprop(b, ea->prop->name, false);
	if (!eb || !ea->val.text || !eb->val.text ||
	    !strcmp(ea->val.text, eb->val.text))
		return;
	snprintf(key, sizeof(key), "%s.%s=%s", ea->owner->name,
		 ea->prop->name, eb->val.text);
	if (seen(lm->rp, key))
		return;
	file = own_array_file(set, m);
	if (!file && pc_machine_latest(set, m->family) == m)
		file = newfile = next_array_file(set, m);
	line = pc_xasprintf("%s %s %s", ea->owner->name, ea->prop->name,
			    eb->val.text);
	why = default_why(lm, ea, eb, from_rec);
	fix = default_fix(m, ea, eb, from_rec, newfile, &file);
	if (ea->entry)
		at_entry(l, ea->entry, &entry_file);
	at_decl(l, ea->owner->plugin, ea->prop->line);
	lint_add(l, PC_R_LINT_DEFAULT_CHANGE, m->name, a->id, key,
		 eb->val.text, ea->val.text, why, fix, file,
		 file ? line : NULL);
	free(entry_file);
	free(why);
	free(line);
	free(fix);
	free(newfile);
}

/* ---- PC807: checked config space that changed for an old machine type */

/* One register or capability of a resolved section, by its path. */
struct cfg_item {
	char *path;
	const struct pc_rinv *inv;
	const struct pc_rcap *cap;
};

struct cfg_list {
	struct cfg_item *v;
	size_t n;
};

static void cfg_collect(const struct pc_rdesc *d, const char *path,
			struct cfg_list *out, int depth)
{
	if (!d || depth > 16)
		return;
	out->v = pc_xrealloc(out->v, (out->n + d->n_invs + d->n_caps + 1) *
			     sizeof(*out->v));
	for (size_t i = 0; i < d->n_invs; i++)
		out->v[out->n++] = (struct cfg_item){
			pc_xasprintf("%s%s", path, d->invs[i].name),
			&d->invs[i], NULL };
	for (size_t i = 0; i < d->n_caps; i++)
		out->v[out->n++] = (struct cfg_item){
			pc_xasprintf("%scapability %s", path, d->caps[i].name),
			NULL, &d->caps[i] };
	for (size_t i = 0; i < d->n_nodes; i++) {
		char *p;

		if (!d->nodes[i].desc)
			continue;
		p = pc_xasprintf("%s%s.", path, d->nodes[i].name);
		cfg_collect(d->nodes[i].desc, p, out, depth + 1);
		free(p);
	}
}

static void cfg_release(struct cfg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

static const struct pc_rsection *section_of(const struct pc_vm *vm,
					    const char *id)
{
	for (size_t i = 0; i < vm->n_sections; i++)
		if (!strcmp(vm->sections[i].instance, id))
			return &vm->sections[i];
	return NULL;
}

/* Does a property 'deps' names have another value in the past? Then
 * the property's default change is the cause (PC801 reports it). */
static bool dep_changed(const struct pc_object *a, const struct pc_object *b,
			const char *deps)
{
	char *copy, *save = NULL;
	bool changed = false;

	if (!deps || !b)
		return false;
	copy = pc_xstrdup(deps);
	for (char *n = strtok_r(copy, " ", &save); n && !changed;
	     n = strtok_r(NULL, " ", &save)) {
		const struct pc_eprop *ea = find_eprop(a, n, true);
		const struct pc_eprop *eb = find_eprop(b, n, true);

		changed = !ea || !eb || !ea->val.text || !eb->val.text ||
			  strcmp(ea->val.text, eb->val.text);
	}
	free(copy);
	return changed;
}

static char *cfg_text(const struct cfg_item *it)
{
	if (!it)
		return pc_xstrdup("absent");
	if (it->cap)
		return pc_xasprintf("capability 0x%x at 0x%x, next 0x%x",
				    it->cap->id, it->cap->offset, it->cap->next);
	return pc_xasprintf("0x%llx (checked 0x%llx, guest-changeable 0x%llx)",
			    (unsigned long long)it->inv->value,
			    (unsigned long long)it->inv->romask,
			    (unsigned long long)it->inv->runtime_bits);
}

static bool cfg_same(const struct cfg_item *x, const struct cfg_item *y)
{
	if (x->cap && y->cap)
		return x->cap->offset == y->cap->offset &&
		       x->cap->next == y->cap->next && x->cap->id == y->cap->id;
	if (x->inv && y->inv)
		return x->inv->value == y->inv->value &&
		       x->inv->romask == y->inv->romask &&
		       x->inv->runtime_bits == y->inv->runtime_bits &&
		       x->inv->offset == y->inv->offset;
	return false;
}

/* PC807 for item 'it' of the tree's object 'a' against the past's 'old'
 * (NULL: a capability the past did not have). */
static void lint_cfg_item(struct lint *l, const struct lint_machine *lm,
			  const struct pc_object *a, const struct cfg_item *it,
			  const struct cfg_item *old)
{
	const struct pc_machine *m = lm->m;
	const char *type = a->type->name;
	char key[512], arr[64], *sv, *dv, *why, *fix, *line;
	const char *file;

	snprintf(key, sizeof(key), "PC807 %s %s", a->id, it->path);
	if (seen(lm->rp, key))
		return;
	sv = cfg_text(old);
	dv = cfg_text(it);
	why = pc_xasprintf("machine type %s had %s %s = %s in %s, the tree gives %s and no property decides the difference: a destination of that release refuses what the tree sends (or the other way round)",
			   m->name, it->cap ? "config space" : "register",
			   it->path, sv, lm->rec ? lm->rec->label
			   : "the history the declarations reconstruct", dv);
	file = own_array_file(l->tree->machines, m);
	snprintf(arr, sizeof(arr), "hw_compat_%d_%d.compat", m->version.v[0],
		 m->version.v[1]);
	fix = pc_xasprintf("keep the old content for %s and older: put the change behind a new property of %s (%s, default on) with the compat line '%s: %s x-PROPERTY off'; if a release really changed it for every machine type, record that with was= (or since=) and acknowledge the break",
			   m->name, type, it->cap
			   ? "if=x-PROPERTY on the capability that was added"
			   : old && old->inv && old->inv->value == it->inv->value
			   ? "the masks as wmask=\"x-PROPERTY ? NEW : OLD\""
			   : "value=\"x-PROPERTY ? NEW : OLD\"",
			   file && strrchr(file, '/') ? strrchr(file, '/') + 1
			   : file ? file : arr, type);
	line = pc_xasprintf("%s x-PROPERTY off", type);
	lint_add(l, PC_R_LINT_CONFIG_CHANGE, m->name, a->id, it->path, sv, dv,
		 why, fix, file, file ? line : NULL);
	free(sv);
	free(dv);
	free(why);
	free(fix);
	free(line);
}

/* The checked config space of the tree's objects against the past's. */
static void lint_config(struct lint *l, const struct lint_machine *lm,
			const struct pc_vm *now, const struct pc_vm *past)
{
	for (size_t i = 0; i < now->n_sections; i++) {
		const struct pc_rsection *rs = &now->sections[i];
		const struct pc_rsection *ps = section_of(past, rs->instance);
		const struct pc_object *b = pc_vm_find_object(past, rs->instance);
		struct cfg_list x = { NULL, 0 }, y = { NULL, 0 };

		if (!ps || rs->fingerprint == ps->fingerprint)
			continue;
		cfg_collect(rs->desc, "", &x, 0);
		cfg_collect(ps->desc, "", &y, 0);
		for (size_t k = 0; k < x.n; k++) {
			const struct cfg_item *old = NULL;
			const char *deps = x.v[k].cap ? x.v[k].cap->deps
				: x.v[k].inv->deps;

			for (size_t j = 0; j < y.n && !old; j++)
				if (!strcmp(x.v[k].path, y.v[j].path))
					old = &y.v[j];
			/* a register the past did not have: its release
			 * checked nothing there */
			if ((!old && !x.v[k].cap) || (old && cfg_same(&x.v[k], old)) ||
			    dep_changed(rs->obj, b, deps))
				continue;
			lint_cfg_item(l, lm, rs->obj, &x.v[k], old);
		}
		cfg_release(&x);
		cfg_release(&y);
	}
}

/* Whether any type declares config space (lint resolves layouts only
 * then). */
static bool has_config(const struct pc_registry *reg)
{
	for (size_t i = 0; i < reg->n_types; i++)
		if (reg->types[i]->n_registers || reg->types[i]->n_caps)
			return true;
	return false;
}

/* An onoffauto whose auto follows a host capability (host=CAP). */
static bool host_auto(const struct pc_prop *p)
{
	return p->host_feature && p->kind == PC_PROP_ONOFFAUTO;
}

/*
 * On the reference host (no capabilities) an onoffauto whose auto follows
 * the host resolves off, as a literal default=off did: a release that
 * turned default=off into host=CAP (QEMU 6.2's vhost-vsock seqpacket)
 * changed the guest of every older machine type on hosts that have CAP.
 * So the machine types are also resolved on a host with every capability
 * such properties name, comparing only those properties.  'h' gets that
 * host; false when the tree declares none.
 */
static bool all_caps_host(const struct pc_side *tree, struct pc_host_caps *h)
{
	const struct pc_registry *reg = tree->reg;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < reg->n_types; i++)
		for (size_t k = 0; k < reg->types[i]->n_props; k++) {
			const struct pc_prop *p = &reg->types[i]->props[k];

			if (!host_auto(p) || pc_host_caps_has(h, p->host_feature))
				continue;
			h->caps = pc_xrealloc(h->caps, (h->n_caps + 2) * sizeof(char *));
			h->caps[h->n_caps++] = pc_xstrdup(p->host_feature);
			h->caps[h->n_caps] = NULL;
		}
	if (!h->n_caps)
		return false;
	h->name = pc_xstrdup("with every capability (lint)");
	h->path = pc_xstrdup("lint");
	return true;
}

/*
 * Machine type lm->m at lm->smp as the tree builds it today, as its
 * declared history reconstructs release m.version ('past'), and as the
 * recorded release has it: the recorded release where it knows the
 * device and the property, the declared history elsewhere (a vendor's
 * device the shipped baselines never had).
 */
static int lint_machine(struct lint *l, const struct lint_machine *lm,
			const struct pc_side *past, const struct pc_machine *rm,
			struct pc_err *err)
{
	struct pc_vm now, then, recorded;
	/* a device that blocks migration still behaves as its machine
	 * type says (QEMU's compat properties apply to it): every type */
	struct pc_side tree = *l->tree, was = *past, rec;

	tree.keep_unmigratable = was.keep_unmigratable = true;
	if (lm->rec) {
		rec = *lm->rec;
		rec.keep_unmigratable = true;
	}
	if (lm->host) {
		tree.host = was.host = lm->host;
		if (lm->rec)
			rec.host = lm->host;
	}
	if (pc_vm_build(&tree, lm->m, lm->smp, &now, err))
		return -1;
	if (pc_vm_build(&was, lm->m, lm->smp, &then, err)) {
		pc_vm_release(&now);
		return -1;
	}
	if (lm->rec && pc_vm_build(&rec, rm, lm->smp, &recorded, err)) {
		pc_vm_release(&now);
		pc_vm_release(&then);
		return -1;
	}
	if (has_config(tree.reg) && !pc_vm_resolve(&now, NULL) &&
	    !pc_vm_resolve(lm->rec ? &recorded : &then, NULL))
		lint_config(l, lm, &now, lm->rec ? &recorded : &then);
	for (size_t o = 0; o < now.n_objs; o++) {
		const struct pc_object *a = &now.objs[o];
		const struct pc_object *b = pc_vm_find_object(&then, a->id);
		const struct pc_object *br = lm->rec
			? pc_vm_find_object(&recorded, a->id) : NULL;

		if (!b && !br)
			continue;
		for (size_t p = 0; p < a->n_props; p++)
			if (!lm->host || host_auto(a->props[p].prop))
				lint_default(l, lm, a, &a->props[p], b, br);
	}
	pc_vm_release(&now);
	pc_vm_release(&then);
	if (lm->rec)
		pc_vm_release(&recorded);
	return 0;
}

static int lint_defaults(struct lint *l, int smp_pin, struct pc_err *err)
{
	const struct pc_side *tree = l->tree;
	const struct pc_machine_set *set = tree->machines;
	const struct pc_machine **ms = pc_xcalloc(set->n_machines + 1, sizeof(*ms));
	struct reported rp = { NULL, 0 };
	struct pc_host_caps all;
	bool rich = all_caps_host(tree, &all);
	int rc = 0;

	for (size_t i = 0; i < set->n_machines; i++)
		ms[i] = set->machines[i];
	/* newest first: the fix goes to the newest affected machine type,
	 * whose compat array older machine types inherit */
	qsort(ms, set->n_machines, sizeof(*ms), pc_machine_cmp_newest_first);
	for (size_t i = 0; i < set->n_machines && !rc; i++) {
		struct lint_machine lm = { ms[i], NULL, false, 0, &rp, NULL };
		struct pc_side past = *tree;
		int smps[8];
		size_t n = pc_machine_smp_set(lm.m, smps, 8);
		const struct pc_machine *rm = NULL;

		lm.rec = recorded_for(l, lm.m, &rm);
		lm.own = lm.rec && !pc_version_cmp(&lm.rec->release, &lm.m->version);
		if (smp_pin) {
			smps[0] = smp_pin;
			n = 1;
		}
		past.project = true;
		past.release = lm.m->version;
		past.own_reg = past.own_machines = false;
		for (size_t k = 0; k < n && !rc; k++) {
			lm.smp = smps[k];
			rc = lint_machine(l, &lm, &past, rm, err);
			if (!rc && rich) {
				lm.host = &all;
				rc = lint_machine(l, &lm, &past, rm, err);
				lm.host = NULL;
			}
		}
	}
	if (rich)
		pc_host_caps_release(&all);
	for (size_t i = 0; i < rp.n; i++)
		free(rp.keys[i]);
	free(rp.keys);
	free(ms);
	return rc;
}

int pc_lint_run(const struct pc_side *tree, const struct pc_side *releases,
		size_t n_releases, int smp_pin, struct pc_report *r,
		struct pc_err *err)
{
	struct lint l = { .tree = tree, .r = r, .rel = releases, .n_rel = n_releases };

	assert(tree->reg && tree->machines);
	assert(smp_pin >= 0);
	lint_compat(&l);
	lint_layouts(&l);
	return lint_defaults(&l, smp_pin, err);
}
