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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ------------------------------------------------------------ known breaks */

static char *kb_word(char **p)
{
	char *s = *p, *out;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	while (*s && *s != ' ' && *s != '\t') {
		if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				pc_strbuf_addch(&sb, *s++);
			}
			if (*s != '"') {
				pc_strbuf_release(&sb);
				*p = s;
				return pc_xstrdup("\x01unterminated");
			}
			s++;
			continue;
		}
		pc_strbuf_addch(&sb, *s++);
	}
	*p = s;
	out = pc_strbuf_detach(&sb);
	return out;
}

static void kb_release_one(struct pc_known_break *b)
{
	free(b->rule);
	free(b->device);
	free(b->path);
	for (size_t j = 0; j < b->n_machines; j++)
		free(b->machines[j]);
	free(b->machines);
	free(b->release);
	free(b->reason);
	free(b->mitigation);
	free(b->origin);
	memset(b, 0, sizeof(*b));
}

int pc_known_breaks_load(const char *path, struct pc_known_breaks *kb,
			 struct pc_err *err)
{
	char *text, *line, *next;
	size_t len;
	int lineno = 0;

	memset(kb, 0, sizeof(*kb));
	if (pc_read_file(path, 4u << 20, &text, &len, err))
		return -1;
	if (memchr(text, '\0', len)) {
		free(text);
		return pc_err_set(err, "%s: binary data (NUL byte) in the known-breaks file",
				  path);
	}
	for (line = text; line && *line; line = next) {
		struct pc_known_break b;
		char *p, *w;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p || *p == '#')
			continue;
		memset(&b, 0, sizeof(b));
		w = kb_word(&p);
		if (!w || strcmp(w, "break")) {
			pc_err_set(err, "%s:%d: expected 'break', found '%s'", path,
				   lineno, w ? w : "");
			free(w);
			goto fail;
		}
		free(w);
		b.origin = pc_xasprintf("%s:%d", path, lineno);
		while ((w = kb_word(&p)) != NULL) {
			char *eq = strchr(w, '='), *v;

			if (w[0] == '\x01') {
				pc_err_set(err, "%s:%d: unterminated quote", path, lineno);
				free(w);
				goto fail_b;
			}
			if (!eq) {
				pc_err_set(err, "%s:%d: expected KEY=VALUE, found '%s'",
					   path, lineno, w);
				free(w);
				goto fail_b;
			}
			*eq = '\0';
			v = eq + 1;
			if (!strcmp(w, "rule") && !b.rule) {
				b.rule = pc_xstrdup(v);
			} else if (!strcmp(w, "device") && !b.device) {
				b.device = pc_xstrdup(v);
			} else if (!strcmp(w, "path") && !b.path) {
				b.path = pc_xstrdup(v);
			} else if (!strcmp(w, "release") && !b.release) {
				b.release = pc_xstrdup(v);
			} else if (!strcmp(w, "reason") && !b.reason) {
				b.reason = pc_xstrdup(v);
			} else if (!strcmp(w, "mitigation") && !b.mitigation) {
				b.mitigation = pc_xstrdup(v);
			} else if (!strcmp(w, "machines") && !b.has_max && !b.n_machines) {
				if (pc_str_starts_with(v, "..")) {
					if (pc_version_parse(v + 2, &b.max)) {
						pc_err_set(err, "%s:%d: bad version in machines=%s (expected ..X.Y)",
							   path, lineno, v);
						free(w);
						goto fail_b;
					}
					b.has_max = true;
				} else {
					for (char *s = v, *c; s && *s; s = c) {
						c = strchr(s, ',');
						if (c)
							*c++ = '\0';
						b.machines = pc_xrealloc(b.machines,
							(b.n_machines + 1) * sizeof(*b.machines));
						b.machines[b.n_machines++] = pc_xstrdup(s);
					}
				}
			} else {
				pc_err_set(err, "%s:%d: unknown or repeated key '%s' (expected rule, device, path, machines, release, reason, mitigation)",
					   path, lineno, w);
				free(w);
				goto fail_b;
			}
			free(w);
		}
		if (!b.rule || !b.device || !b.release || !b.reason ||
		    (!b.has_max && !b.n_machines)) {
			pc_err_set(err, "%s:%d: a break needs rule=, device=, machines=, release= and reason=",
				   path, lineno);
			goto fail_b;
		}
		PC_ALLOC_GROW(kb->items, kb->n + 1, kb->alloc);
		kb->items[kb->n++] = b;
		continue;
fail_b:
		kb_release_one(&b);
		goto fail;
	}
	free(text);
	return 0;
fail:
	free(text);
	pc_known_breaks_release(kb);
	return -1;
}

void pc_known_breaks_release(struct pc_known_breaks *kb)
{
	for (size_t i = 0; i < kb->n; i++)
		kb_release_one(&kb->items[i]);
	free(kb->items);
	memset(kb, 0, sizeof(*kb));
}

/* 'item' in a comma-separated 'list'? */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && !strncmp(p, item, n))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

static bool kb_machine_match(const struct pc_known_break *b,
			     const struct pc_machine *m)
{
	if (b->has_max)
		return pc_version_cmp(&m->version, &b->max) <= 0;
	for (size_t i = 0; i < b->n_machines; i++) {
		if (!strcmp(b->machines[i], m->name))
			return true;
		for (size_t j = 0; j < m->n_aliases; j++)
			if (!strcmp(b->machines[i], m->aliases[j]))
				return true;
	}
	return false;
}

/* ------------------------------------------------------------ context */

struct dir_ctx {
	struct pc_check *c;
	const struct pc_side *src, *dst;
	const struct pc_vm *svm, *dvm;
	struct pc_report *r;
	char config[32];
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
 * Fill why/fix from the properties named in 'deps' that differ between the
 * two sides' objects.  Strings are appended to 'why' and 'fix' buffers; the
 * compat line and override go to the out-params (caller frees).
 */
static void explain_deps(struct dir_ctx *x, const struct pc_object *so,
			 const struct pc_object *dobj, const char *deps,
			 struct pc_strbuf *why, struct pc_strbuf *fix,
			 char **fix_file, char **fix_line, char **fix_override)
{
	char *copy, *save = NULL, *name;
	bool explained = why->len > 0;
	struct pc_eprop stand_in;
	bool have_stand_in = false;

	if (!deps || !so || !dobj)
		return;
	copy = pc_xstrdup(deps);
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
		if (tree && !*fix_line) {
			const struct pc_vm *tvm = tree == x->dst ? x->dvm : x->svm;
			const char *file = compat_file(tree, tvm->machine);
			const struct pc_eprop *te = tree == x->dst ? de : se;

			if (file) {
				*fix_file = pc_xstrdup(file);
				*fix_line = pc_xasprintf("%s %s %s", te->owner->name,
							 name, treeval);
				pc_strbuf_addf(fix, "%skeep %s.%s=%s for %s in the %s build (a compat entry for this machine type)",
					       fix->len ? "; " : "",
					       te->owner->name, name, treeval,
					       tvm->machine->name, tree->label);
			} else {
				pc_strbuf_addf(fix, "%s%s is the newest machine type and has no compat array: pin %s.%s=%s by other means",
					       fix->len ? "; " : "",
					       tvm->machine->name, te->owner->name,
					       name, treeval);
			}
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
}

bool pc_known_breaks_match(struct pc_known_breaks *kb,
			   const struct pc_type *type,
			   const struct pc_machine *m, const char *src,
			   const char *dst, struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);

	if (!kb || !type)
		return false;
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];

		if (!in_list(b->rule, ri->id) || !pc_type_is_a(type, b->device))
			continue;
		if (b->path && (!f->path || !strstr(f->path, b->path)))
			continue;
		if (!kb_machine_match(b, m))
			continue;
		if (!in_list(b->release, src) && !in_list(b->release, dst))
			continue;
		b->matched++;
		f->known = true;
		f->known_reason = b->mitigation
			? pc_xasprintf("%s (%s); mitigation: %s", b->reason,
				       b->origin, b->mitigation)
			: pc_xasprintf("%s (%s)", b->reason, b->origin);
		return true;
	}
	return false;
}

static bool known_match(struct dir_ctx *x, const struct pc_object *o,
			struct pc_finding *f)
{
	return o && pc_known_breaks_match(x->c->known, o->type,
					  x->svm->machine, x->src->label,
					  x->dst->label, f);
}

/* Add a finding about object 'o' (source side), explaining 'deps'. */
static void add(struct dir_ctx *x, enum pc_rule rule, enum pc_severity sev,
		const struct pc_object *so, const struct pc_object *dobj,
		const char *device, const char *path, const char *sv,
		const char *dv, const char *why0, const char *deps,
		const char *fix0)
{
	struct pc_finding f;
	struct pc_strbuf why = PC_STRBUF_INIT, fix = PC_STRBUF_INIT;
	char *fix_file = NULL, *fix_line = NULL, *fix_override = NULL;

	memset(&f, 0, sizeof(f));
	if (why0)
		pc_strbuf_addstr(&why, why0);
	explain_deps(x, so, dobj, deps, &why, &fix, &fix_file, &fix_line,
		     &fix_override);
	if (fix0 && !fix.len)
		pc_strbuf_addstr(&fix, fix0);
	f.rule = rule;
	f.severity = sev;
	f.machine = x->svm->machine->name;
	f.src = x->src->label;
	f.dst = x->dst->label;
	f.config = x->config;
	f.device = device;
	f.path = path;
	f.src_value = sv;
	f.dst_value = dv;
	f.why = why.len ? why.buf : NULL;
	f.fix = fix.len ? fix.buf : NULL;
	f.fix_file = fix_file;
	f.fix_line = fix_line;
	f.fix_override = fix_override;
	f.chain_hop = x->c->hop;
	f.type = so ? so->type->name : dobj ? dobj->type->name : NULL;
	known_match(x, so ? so : dobj, &f);
	pc_report_add(x->r, &f);
	free((char *)(uintptr_t)f.known_reason);
	pc_strbuf_release(&why);
	pc_strbuf_release(&fix);
	free(fix_file);
	free(fix_line);
	free(fix_override);
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

static void compare_node(struct sec_ctx *s, const struct pc_rnode *a,
			 const struct pc_rnode *b, const char *path, int depth)
{
	struct dir_ctx *x = s->x;

	if (a->kind != b->kind) {
		char *sa = node_shape(a), *sb = node_shape(b);
		bool same_size = a->size == b->size && a->kind != PC_FIELD_STRUCT &&
				 b->kind != PC_FIELD_STRUCT;

		add(x, PC_R_FIELD_TYPE,
		    same_size ? PC_SEV_REVIEW : PC_SEV_INCOMPATIBLE, s->so, s->dobj,
		    s->device, path, sa, sb,
		    same_size ? "same size on the wire, but the value is read as another type"
			      : "the destination reads another element type",
		    NULL, "keep the field's type, or add a new field under a new section version");
		free(sa);
		free(sb);
		return;
	}
	if (a->size != b->size && a->kind != PC_FIELD_STRUCT) {
		char *sa = pc_xasprintf("%u bytes", a->size);
		char *sb = pc_xasprintf("%u bytes", b->size);

		add(x, PC_R_FIELD_SIZE, PC_SEV_INCOMPATIBLE, s->so, s->dobj,
		    s->device, path, sa, sb,
		    "the destination reads a different number of bytes per element",
		    NULL, "keep the size; send a resized field under a new version or in a subsection");
		free(sa);
		free(sb);
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
		add(x, PC_R_FIELD_COUNT, PC_SEV_INCOMPATIBLE, s->so, s->dobj,
		    s->device, path, sa, sb, w.buf, deps.len ? deps.buf : NULL,
		    "make both sides use the same element count for this machine type");
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

static void field_presence_finding(struct sec_ctx *s, enum pc_rule rule,
				   const struct pc_rnode *n, const char *path,
				   bool on_source)
{
	char *shape = node_shape(n);
	char *p = join_path(path, n->name);
	const char *why = rule == PC_R_FIELD_ADDED
		? "the source sends this field; the destination's layout has no place for it"
		: "the destination expects this field; the source does not send it";
	struct pc_strbuf w = PC_STRBUF_INIT;

	pc_strbuf_addstr(&w, why);
	if (n->why)
		pc_strbuf_addf(&w, " (%s: %s)", on_source ? "source" : "destination",
			       n->why);
	add(s->x, rule, PC_SEV_INCOMPATIBLE, s->so, s->dobj, s->device, p,
	    on_source ? shape : NULL, on_source ? NULL : shape, w.buf, n->deps,
	    "gate the field with a version bump (field version) or a condition, or send it in a subsection with needed()");
	pc_strbuf_release(&w);
	free(shape);
	free(p);
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
					add(x, PC_R_FIELD_RENAMED, PC_SEV_REVIEW, s->so,
					    s->dobj, s->device, p, sd->nodes[i].name,
					    dd->nodes[j].name,
					    "field names are not on the wire; the shape is the same",
					    NULL, "if the meaning changed, this is a break: bump the version");
				free(p);
			}
			i++;
			j++;
		}
	}
	for (size_t i = 0; i < ns; i++)
		if (!smatched[i])
			field_presence_finding(s, PC_R_FIELD_ADDED, &sd->nodes[i],
					       path, true);
	for (size_t j = 0; j < nd; j++)
		if (dvisible[j] && !dmatched[j])
			field_presence_finding(s, PC_R_FIELD_MISSING, &dd->nodes[j],
					       path, false);
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

				add(x, PC_R_FIELD_REORDERED, PC_SEV_INCOMPATIBLE,
				    s->so, s->dobj, s->device, p, sv, dv,
				    "the stream carries no field names: a moved field is read into another field",
				    NULL, "restore the field order");
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
			add(x, PC_R_SUBSECTION_UNKNOWN,
			    pc_subsection_severity(PC_R_SUBSECTION_UNKNOWN,
						   ss->send == PC_SEND_MAYBE),
			    s->so, s->dobj, s->device, p,
			    ss->send == PC_SEND_ALWAYS ? "sent" : "sent when the guest's state needs it (runtime)",
			    NULL, ss->why, ss->deps,
			    "make the subsection's needed() false for this machine type (a compat property)");
		} else {
			if (ss->desc->version_id > ds->desc->version_id ||
			    ss->desc->version_id < ds->desc->min_version_id) {
				char *sv = pc_xasprintf("version %d", ss->desc->version_id);
				char *dv = pc_xasprintf("loads %d..%d",
							ds->desc->min_version_id,
							ds->desc->version_id);

				add(x, ss->desc->version_id > ds->desc->version_id
					       ? PC_R_VERSION_TOO_NEW : PC_R_VERSION_TOO_OLD,
				    PC_SEV_INCOMPATIBLE, s->so, s->dobj, s->device, p,
				    sv, dv, "subsection version outside what the destination loads",
				    NULL, "keep the subsection version, or raise the destination's range");
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
		add(x, PC_R_SUBSECTION_REQUIRED,
		    pc_subsection_severity(PC_R_SUBSECTION_REQUIRED, false),
		    s->so, s->dobj,
		    s->device, p, ss ? "never sent" : "unknown to the source",
		    "needed", ds->why, ds->deps,
		    "start the destination so that it does not need the subsection (the property that decides needed=)");
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
			add(x, PC_R_INVARIANT, PC_SEV_INCOMPATIBLE, s->so, s->dobj,
			    s->device, p, sv, dv, why, deps.len ? deps.buf : NULL,
			    "make both sides configure the register the same way for this machine type");
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

			add(x, PC_R_SECTION_MISSING,
			    newtype ? PC_SEV_INFO : PC_SEV_INCOMPATIBLE, sc.so, sc.dobj,
			    sc.device, ss->name, "sent", NULL, why, NULL,
			    sc.dobj ? "keep the section name" : newtype ? NULL :
			    "load the plugin that provides this device on the destination, or remove it from the VM configuration");
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

			add(x, ss->desc->version_id > ds->desc->version_id
				       ? PC_R_VERSION_TOO_NEW : PC_R_VERSION_TOO_OLD,
			    PC_SEV_INCOMPATIBLE, sc.so, sc.dobj, sc.device, ss->name,
			    sv, dv, "QEMU refuses a section whose version is outside [minimum_version_id, version_id]",
			    NULL, ss->desc->version_id > ds->desc->version_id
				? "send the old version for this machine type (gate the new fields with a compat property)"
				: "do not raise minimum_version_id while releases that send the old version are supported");
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

			add(x, PC_R_SECTION_UNSENT,
			    newtype ? PC_SEV_INFO : PC_SEV_INCOMPATIBLE, so, ds->obj,
			    ds->instance, ds->name, NULL, "expected", why, NULL,
			    newtype ? NULL : "use the same VM configuration on both sides");
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
		add(x, PC_R_HOST_FEATURE, PC_SEV_INCOMPATIBLE, so, dobj, so->id,
		    path, se->val.text, de->val.text, why, NULL, fix);
		free(why);
		free(fix);
		return true;
	}
	if (!se->val.num && de->val.num && x->dst->host) {
		struct pc_finding *f;

		why = pc_xasprintf("the destination's host %s offers %s, which the guest did not see on %s (%s): more features on the destination sometimes works (the guest keeps what it probed at boot), a person decides",
				   dhost, cap, x->src->label, se->source);
		fix = pc_xasprintf("run the destination without '%s', as the hosts' intersection does (plugcheck baseline --machine %s --host SRC.caps --host DST.caps)",
				   cap, x->svm->machine->name);
		add(x, PC_R_HOST_FEATURE_EXTRA, PC_SEV_REVIEW, so, dobj, so->id,
		    path, se->val.text, de->val.text, why, NULL, fix);
		/* the destination can always turn a feature off (add() made
		 * the last finding; it names a destination override only
		 * from the property's dependencies, and this one has none) */
		f = &x->r->items[x->r->n - 1];
		ovr = pc_xasprintf("--dst-global %s.%s=off", de->owner->name,
				   se->prop->name);
		f->fix_override = ovr;
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

		add(x, PC_R_PROP_ABSENT, PC_SEV_INFO, so, dobj, o->id, p,
		    on_src ? have->val.text : NULL, on_src ? NULL : have->val.text,
		    why, NULL, NULL);
		free(why);
		free(p);
		return;
	}
	if (!absent_stand_in(missing, have, &st)) {
		char *why = pc_xasprintf("%s has no property %s and %s's declaration does not say how a build without it behaves (since=/absent=): what the guest saw cannot be compared",
					 missing->label, have->prop->name, holder->label);
		char *fix = pc_xasprintf("declare when %s appeared and how the device behaved before (since=VERSION absent=VALUE, Documentation/declaration-language.md); then pin that behaviour for the older machine types with a compat entry",
					 have->prop->name);

		add(x, rule, PC_SEV_INCOMPATIBLE, so, dobj, o->id, p,
		    on_src ? have->val.text : "(no such property)",
		    on_src ? "(no such property)" : have->val.text, why, NULL, fix);
		free(why);
		free(fix);
		free(p);
		return;
	}
	absent_text = pc_xasprintf("(no such property: behaves as %s)", st.val.text);
	if (!strcmp(st.val.text, have->val.text ? have->val.text : "")) {
		add(x, PC_R_PROP_ABSENT, PC_SEV_INFO, so, dobj, o->id, p,
		    on_src ? have->val.text : absent_text,
		    on_src ? absent_text : have->val.text, st.source, NULL, NULL);
	} else {
		char *why = pc_xasprintf("%s (%s)", rule == PC_R_WIRE_PROP
			? "the property shapes the migration stream: the destination expects another stream than the source sends"
			: "the guest saw the source's behaviour; the destination would present another",
			st.source);

		add(x, rule, PC_SEV_INCOMPATIBLE, so, dobj, o->id, p,
		    on_src ? have->val.text : absent_text,
		    on_src ? absent_text : have->val.text, why,
		    have->prop->name, NULL);
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
					add(x, PC_R_WIRE_PROP, PC_SEV_INCOMPATIBLE, so, dobj,
					    so->id, p, se->val.text, de->val.text,
					    "the property shapes the migration stream (framing, sections, handshakes): the destination expects another stream than the source sends",
					    se->prop->name, NULL);
				else if (!host_feature_finding(x, so, dobj, se, de, p))
					add(x, PC_R_GUEST_PROP, PC_SEV_INCOMPATIBLE, so, dobj,
					    so->id, p, se->val.text, de->val.text,
					    "the guest saw the source's value; the destination would present another",
					    se->prop->name, NULL);
				free(p);
			}
		}
	}
}

size_t pc_check_smp_set(const struct pc_machine *m, int *out, size_t max)
{
	int cand[4] = { 1, 2, 4, m->max_cpus > 0 ? m->max_cpus : 4 };
	size_t n = 0;

	for (size_t i = 0; i < 4 && n < max; i++) {
		bool dup = false;

		if (cand[i] < 1 || (m->max_cpus > 0 && cand[i] > m->max_cpus))
			continue;
		for (size_t j = 0; j < n; j++)
			dup |= out[j] == cand[i];
		if (!dup)
			out[n++] = cand[i];
	}
	return n;
}

/* Same finding under several configurations: keep the first, name all. */
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
			    !strcmp(g->chain_hop ? g->chain_hop : "", f->chain_hop ? f->chain_hop : ""))
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
		struct pc_finding f;
		char *why = pc_xasprintf("%s cannot start machine type %s (a build knows only the machine types up to its own version): the destination refuses the migration",
					 dst->label, ms->name);

		memset(&f, 0, sizeof(f));
		f.rule = PC_R_MACHINE_UNKNOWN;
		f.severity = PC_SEV_INCOMPATIBLE;
		f.machine = ms->name;
		f.src = src->label;
		f.dst = dst->label;
		f.device = ms->name;
		f.src_value = "known";
		f.why = why;
		f.fix = "migrate to a build that knows the machine type";
		f.chain_hop = c->hop;
		pc_report_add(r, &f);
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
		n = pc_check_smp_set(ms, smps, PC_ARRAY_SIZE(smps));
	}
	if (c->known)
		for (size_t i = 0; i < c->known->n; i++) {
			struct pc_known_break *b = &c->known->items[i];

			/* a stale acknowledgement is one the tree no longer
			 * shows: only tree-vs-release pairs say so */
			if (kb_machine_match(b, ms) && side_has_type(src, b->device) &&
			    ((!src->project && in_list(b->release, dst->label)) ||
			     (!dst->project && in_list(b->release, src->label))))
				b->applicable = true;
		}
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
				memset(&x, 0, sizeof(x));
				x.c = c;
				x.src = src;
				x.dst = dst;
				x.r = &one;
				snprintf(x.config, sizeof(x.config), "smp=%d", smps[k]);
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
		memset(&x, 0, sizeof(x));
		x.c = c;
		x.src = src;
		x.dst = dst;
		x.svm = svm;
		x.dvm = dvm;
		x.r = &one;
		snprintf(x.config, sizeof(x.config), "smp=%d", smps[k]);
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
