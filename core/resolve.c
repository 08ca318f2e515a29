/*
 * resolve.c - effective configuration and resolved layouts (resolve.h).
 *
 * Release reconstruction: a side with 'project' set stands for an older
 * release R built from today's declarations and their history: a property
 * with since > R does not exist (the device behaved as its 'absent' value),
 * a default changed after R has its old value ('was'), fields, subsections
 * and invariants added after R are gone, descriptions carry the version
 * ids they had at R, and compat entries that shipped after R (retrofits)
 * are not applied.  Documentation/baselines.md describes the model.
 */
#include "resolve.h"
#include "derive.h"

#include "bindex.h"
#include "pciconf.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define MAX_OBJS 65536
#define MAX_PROPS 4096
#define MAX_DEPTH PC_MAX_NESTING
/* A VM's arena (its values, objects' arrays, resolved layouts): 4 KiB
 * chunks at first, doubling up to 64 KiB -- a one-device VM takes a chunk
 * or two, the default configuration of 1000 devices about a hundred.
 * Below glibc's mmap threshold (128 KiB): chunks are taken from and given
 * back to the heap, not mapped and unmapped (and faulted in) per VM,
 * which cost more wall clock than the instructions saved. */
#define VM_ARENA_CHUNK 4096
#define VM_ARENA_CHUNK_MAX (64 * 1024)

static void *arena_calloc(struct pc_arena *a, size_t n, size_t size);
#define MAX_CAPS 4096

/* ------------------------------------------------------------ overrides */

int pc_override_parse(const char *text, bool per_device, const char *origin,
		      struct pc_override *out, struct pc_err *err)
{
	const char *eq = strchr(text, '=');
	const char *dot;

	memset(out, 0, sizeof(*out));
	if (!eq)
		return pc_err_set(err, "%s '%s': expected TARGET.PROPERTY=VALUE",
				  origin, text);
	/* the type may itself contain dots ("cfi.pflash01"): split at the
	 * last dot before '=' */
	dot = NULL;
	for (const char *p = text; p < eq; p++)
		if (*p == '.')
			dot = p;
	if (!dot || dot == text || dot + 1 == eq)
		return pc_err_set(err, "%s '%s': expected TARGET.PROPERTY=VALUE",
				  origin, text);
	out->target = pc_xstrndup(text, (size_t)(dot - text));
	out->prop = pc_xstrndup(dot + 1, (size_t)(eq - dot - 1));
	out->value = pc_xstrdup(eq + 1);
	out->per_device = per_device;
	out->origin = pc_xstrdup(origin);
	return 0;
}

void pc_override_release(struct pc_override *o)
{
	free(o->target);
	free(o->prop);
	free(o->value);
	free(o->origin);
	memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------ host caps */

/* Capability names are identifiers: letters, digits, '-', '_' and '.'. */
static bool cap_name_valid(const char *w)
{
	for (const char *c = w; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

/* "cap NAME [NAME...]" (or "feature ..."): add each name once. */
static int caps_add_words(struct pc_host_caps *out, size_t *alloc,
			  char *words, const char *path, int lineno,
			  struct pc_err *err)
{
	for (char *w = words; w && *w;) {
		char *sp = strpbrk(w, " \t");

		if (sp)
			*sp++ = '\0';
		if (!cap_name_valid(w))
			return pc_err_set(err, "%s:%d: invalid capability name '%s'",
					  path, lineno, w);
		if (out->n_caps >= MAX_CAPS)
			return pc_err_setc(err, PC_E_LIMIT,
					   "%s:%d: too many capabilities (at most %d)",
					   path, lineno, MAX_CAPS);
		if (!pc_host_caps_has(out, w)) {
			PC_ALLOC_GROW(out->caps, out->n_caps + 1, *alloc);
			out->caps[out->n_caps++] = pc_xstrdup(w);
		}
		while (sp && (*sp == ' ' || *sp == '\t'))
			sp++;
		w = sp;
	}
	return 0;
}

/*
 * Strip the blanks around 'line' and split off its first word: returns the
 * keyword (NULL for a blank or comment line) and points *rest at the rest
 * (NULL when there is none).
 */
static char *caps_split_line(char *line, char **rest)
{
	char *p, *end, *word2;

	for (p = line; *p == ' ' || *p == '\t' || *p == '\r'; p++)
		;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	if (!*p || *p == '#')
		return NULL;
	word2 = strpbrk(p, " \t");
	if (word2) {
		*word2++ = '\0';
		while (*word2 == ' ' || *word2 == '\t')
			word2++;
	}
	*rest = word2;
	return p;
}

/* One line of a host capabilities file: "host NAME" or "cap NAME...". */
static int caps_line(struct pc_host_caps *out, size_t *alloc, bool *any_cap,
		     char *line, const char *path, int lineno,
		     struct pc_err *err)
{
	char *word2 = NULL;
	char *p;

	if (strlen(line) > 4096)
		return pc_err_setc(err, PC_E_LIMIT,
				   "%s:%d: line too long (over 4096 bytes)",
				   path, lineno);
	p = caps_split_line(line, &word2);
	if (!p)
		return 0;
	if (!strcmp(p, "host")) {
		if (!word2 || !*word2 || strpbrk(word2, " \t"))
			return pc_err_set(err, "%s:%d: expected 'host NAME'",
					  path, lineno);
		if (out->name)
			return pc_err_set(err, "%s:%d: duplicate 'host' line",
					  path, lineno);
		out->name = pc_xstrdup(word2);
		return 0;
	}
	if (strcmp(p, "cap") && strcmp(p, "feature"))
		return pc_err_set(err, "%s:%d: unknown keyword '%s' (expected 'host' or 'cap')",
				  path, lineno, p);
	if (!word2 || !*word2)
		return pc_err_set(err, "%s:%d: expected '%s NAME [NAME...]'",
				  path, lineno, p);
	*any_cap = true;
	return caps_add_words(out, alloc, word2, path, lineno, err);
}

/* A file without a 'host' line names the host after itself: "a/h.caps" is "h". */
static char *caps_name_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	char *name = pc_xstrdup(b ? b + 1 : path);
	char *dot = strrchr(name, '.');

	if (dot && dot != name)
		*dot = '\0';
	return name;
}

int pc_host_caps_load(const char *path, struct pc_host_caps *out,
		      struct pc_err *err)
{
	char *text, *line, *next;
	size_t len, alloc = 0;
	int lineno = 0;
	bool any_cap = false;

	assert(path && out);
	memset(out, 0, sizeof(*out));
	if (pc_read_file(path, 1u << 20, &text, &len, err))
		return -1;
	if (memchr(text, '\0', len)) {
		free(text);
		return pc_err_set(err, "%s: binary data (NUL byte) in a host capabilities file",
				  path);
	}
	out->path = pc_xstrdup(path);
	for (line = text; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (caps_line(out, &alloc, &any_cap, line, path, lineno, err))
			goto fail;
	}
	/* an empty, truncated or comment-only file is not a host without
	 * features: every real host lists some (unused names are ignored) */
	if (!any_cap) {
		pc_err_set(err, "%s:%d: no 'cap' line: an empty or comment-only capability file is not a host without features (list the host's capabilities: cap NAME ...)",
			   path, lineno > 0 ? lineno : 1);
		goto fail;
	}
	if (!out->name)
		out->name = caps_name_from_path(path);
	free(text);
	return 0;
fail:
	free(text);
	pc_host_caps_release(out);
	return -1;
}

void pc_host_caps_release(struct pc_host_caps *h)
{
	for (size_t i = 0; i < h->n_caps; i++)
		free(h->caps[i]);
	free(h->caps);
	free(h->name);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

bool pc_host_caps_has(const struct pc_host_caps *h, const char *cap)
{
	for (size_t i = 0; h && i < h->n_caps; i++)
		if (!strcmp(h->caps[i], cap))
			return true;
	return false;
}

/* ------------------------------------------------------------ sides */

void pc_side_release(struct pc_side *s)
{
	if (s->own_reg)
		pc_registry_free(s->reg);
	if (s->own_machines)
		pc_machine_set_free(s->machines);
	for (size_t i = 0; i < s->n_overrides; i++)
		pc_override_release(&s->overrides[i]);
	free(s->overrides);
	for (size_t i = 0; i < s->n_devices; i++) {
		free(s->devices[i].id);
		free(s->devices[i].type);
	}
	free(s->devices);
	free(s->label);
	free(s->origin);
	pc_bindex_free(s->index);
	memset(s, 0, sizeof(*s));
}

void pc_side_add_override(struct pc_side *s, const struct pc_override *o)
{
	struct pc_override *d;

	s->overrides = pc_xrealloc(s->overrides,
				   (s->n_overrides + 1) * sizeof(*s->overrides));
	d = &s->overrides[s->n_overrides++];
	d->target = pc_xstrdup(o->target);
	d->prop = pc_xstrdup(o->prop);
	d->value = pc_xstrdup(o->value);
	d->per_device = o->per_device;
	d->origin = pc_xstrdup(o->origin ? o->origin : "override");
}

bool pc_side_knows_machine(const struct pc_side *s, const struct pc_machine *m)
{
	if (!s->project)
		return true;
	return pc_machine_known_in(m, &s->release);
}

/* ------------------------------------------------------------ history */

static bool in_release(const struct pc_side *s, bool has_since,
		       const struct pc_version *since)
{
	return !s->project || !has_since ||
	       pc_version_cmp(&s->release, since) >= 0;
}

bool pc_side_has_type(const struct pc_side *s, const struct pc_type *t)
{
	return in_release(s, t->has_since, &t->since);
}

const struct pc_blocker *pc_side_type_blocker(const struct pc_side *s,
					      const struct pc_type *t)
{
	for (const struct pc_type *a = t; a; a = a->parent)
		for (size_t i = 0; i < a->n_blockers; i++)
			if (!a->blockers[i].prop &&
			    in_release(s, a->blockers[i].has_since,
				       &a->blockers[i].since))
				return &a->blockers[i];
	return NULL;
}

/* Does property-value blocker 'b' hold for object 'o'?  A property the
 * release does not have yet does not block. */
static bool blocker_holds(const struct pc_vm *vm, const struct pc_object *o,
			  const struct pc_blocker *b)
{
	const struct pc_eprop *ep = pc_object_prop(vm, o, b->prop, NULL);
	struct pc_value v;
	bool eq;

	if (!ep || ep->absent || pc_value_parse(ep->prop, b->value, &v, NULL))
		return false; /* the registry checked the value */
	eq = v.num == ep->val.num && !strcmp(v.text, ep->val.text);
	pc_value_release(&v);
	return eq;
}

const struct pc_blocker *pc_object_blocker(const struct pc_vm *vm,
					   const struct pc_object *o)
{
	const struct pc_blocker *b = pc_side_type_blocker(vm->side, o->type);

	for (const struct pc_type *a = o->type; a && !b; a = a->parent)
		for (size_t i = 0; i < a->n_blockers && !b; i++)
			if (a->blockers[i].prop &&
			    in_release(vm->side, a->blockers[i].has_since,
				       &a->blockers[i].since) &&
			    blocker_holds(vm, o, &a->blockers[i]))
				b = &a->blockers[i];
	return b;
}


const char *pc_prop_absent_value(const struct pc_prop *p,
				 const struct pc_version *r)
{
	const char *v = NULL;

	for (size_t i = 0; i < p->n_absent; i++)
		if (pc_version_cmp(&p->absent[i].version, r) <= 0)
			v = p->absent[i].value;
	if (!v && p->n_absent)
		v = p->absent[0].value;
	return v;
}

/* The default's old literal at release r, or NULL when today's holds. */
static const char *old_default(const struct pc_prop *p,
			       const struct pc_version *r)
{
	for (size_t i = 0; i < p->n_changes; i++)
		if (pc_version_cmp(&p->changes[i].version, r) > 0)
			return p->changes[i].value;
	return NULL;
}

static const char *kind_zero(const struct pc_prop *p)
{
	switch (pc_prop_kind_class(p->kind)) {
	case PC_PCLASS_BOOL:
		return "off";
	case PC_PCLASS_INT:
		return "0";
	case PC_PCLASS_STRING:
		return "";
	case PC_PCLASS_ENUM:
		return p->n_enum_values ? p->enum_values[0] : "";
	case PC_PCLASS_ONOFFAUTO:
		return "auto";
	}
	return "";
}

/* ------------------------------------------------------------ building */

struct mcfg_ctx {
	int smp, max_cpus;
	/* set when the vCPU count is read (pc_vm.reads_smp), or NULL */
	bool *smp_read;
};

/* An expression's value of 'name' on an object of type 't': its property
 * 'ep' (as found by the caller), else the type's attribute; -1 when
 * neither (the caller then tries the machine configuration). */
static int prop_or_attr_xval(const struct pc_eprop *ep,
			     const struct pc_type *t, const char *name,
			     struct pc_xval *out)
{
	const struct pc_attr *a;

	memset(out, 0, sizeof(*out));
	if (ep) {
		enum pc_prop_class k = pc_prop_kind_class(ep->prop->kind);

		out->is_str = k == PC_PCLASS_STRING || k == PC_PCLASS_ENUM;
		out->s = ep->val.text ? ep->val.text : "";
		out->i = ep->val.num;
		return 0;
	}
	/* the type's class data (attr): a function's MSI-X vectors */
	if ((a = pc_type_attr(t, name))) {
		out->is_str = !a->is_num;
		out->s = a->text;
		out->i = a->num;
		return 0;
	}
	return -1;
}

static int mcfg_lookup(void *ctx, const char *name, struct pc_xval *out)
{
	const struct mcfg_ctx *c = ctx;

	memset(out, 0, sizeof(*out));
	if (!strcmp(name, "smp")) {
		out->i = c->smp;
		if (c->smp_read)
			*c->smp_read = true;
		return 0;
	}
	if (!strcmp(name, "max_cpus")) {
		out->i = c->max_cpus;
		return 0;
	}
	return -1;
}

static struct pc_object *vm_new_object(struct pc_vm *vm, size_t *alloc)
{
	struct pc_object *o;

	PC_ALLOC_GROW(vm->objs, vm->n_objs + 1, *alloc);
	o = &vm->objs[vm->n_objs++];
	memset(o, 0, sizeof(*o));
	return o;
}

/* 'v' (its text in the VM's arena: pc_value_parse_in()) and 'source'
 * (heap, owned) become ep's; the value it replaces stays in the arena */
static void set_value(struct pc_eprop *ep, struct pc_value *v, char *source)
{
	ep->val = *v;
	free(ep->source_text);
	ep->source_text = source;
	ep->src_kind = 0;
	ep->entry = NULL;
}

/* Provenance recorded, formatted by pc_eprop_source() when read. */
enum src_kind {
	SRC_TEXT,        /* source_text as it is */
	SRC_LITERAL,     /* src_a */
	SRC_ABSENT,      /* absent before the property's since: behaved as src_a */
	SRC_OLD_DEFAULT, /* the release's own default, changed later */
	SRC_HOST,        /* a host capability's presence (src_has) */
	SRC_DEFAULT,     /* the declared default */
	SRC_SET,         /* "src_a src_b": "compat entry FILE:LINE", "override ..." */
};

static void set_lazy(struct pc_eprop *ep, struct pc_value *v,
		     const struct pc_side *s, enum src_kind kind,
		     const char *a, const char *b)
{
	set_value(ep, v, NULL);
	ep->src_kind = (unsigned char)kind;
	ep->src_side = s;
	ep->src_a = a;
	ep->src_b = b;
}

/* The declaration file a provenance names: the plugin's; a recorded
 * release names its own file, as baselines with the same declarations
 * share one registry (baseline.c). */
static void prop_where(const struct pc_side *s, const struct pc_type *owner,
		       char *buf, size_t size)
{
	if (s->project && s->origin && owner->plugin)
		snprintf(buf, size, "%s (plugin %s)", s->origin,
			 owner->plugin->name);
	else
		snprintf(buf, size, "%s", owner->plugin ? owner->plugin->path : "?");
}

/*
 * Where 'owner' declares line 'line' of its declaration text, for a
 * provenance: the C source line of a plugin built with source positions,
 * else the plugin (or the project's release and plugin) and the line.
 */
static const char *decl_place(const struct pc_side *s,
			      const struct pc_type *owner, int line, char *buf,
			      size_t len)
{
	if (s->project && s->origin && owner->plugin) {
		char who[1024];

		prop_where(s, owner, who, sizeof(who));
		snprintf(buf, len, "%s line %d", who, line);
		return buf;
	}
	return pc_plugin_place(owner->plugin, line, buf, len);
}

static char *format_source(const struct pc_eprop *ep)
{
	const struct pc_side *s = ep->src_side;
	const struct pc_prop *p = ep->prop;
	char plugbuf[1024], sv[32];

	switch ((enum src_kind)ep->src_kind) {
	case SRC_TEXT:
		break;
	case SRC_LITERAL:
		return pc_xstrdup(ep->src_a);
	case SRC_SET:
		return pc_xasprintf("%s %s", ep->src_a, ep->src_b);
	case SRC_HOST:
		return pc_xasprintf("host capability '%s' %s%s%s",
				    p->host_feature,
				    ep->src_has ? "present on " : "absent on ",
				    s->host ? "host " : "the reference host",
				    s->host ? s->host->name : " (no capabilities given)");
	case SRC_ABSENT:
		pc_version_str(&p->since, sv, sizeof(sv));
		return pc_xasprintf("absent before %s: the device behaved as %s (%s)",
				    sv, ep->src_a,
				    decl_place(s, ep->owner, p->line, plugbuf, sizeof(plugbuf)));
	case SRC_OLD_DEFAULT:
		return pc_xasprintf("default of this release (changed later; %s)",
				    decl_place(s, ep->owner, p->line, plugbuf, sizeof(plugbuf)));
	case SRC_DEFAULT:
		return pc_xasprintf("default (%s)",
				    decl_place(s, ep->owner, p->line, plugbuf, sizeof(plugbuf)));
	}
	return ep->source_text ? pc_xstrdup(ep->source_text) : NULL;
}

const char *pc_eprop_source(const struct pc_eprop *ep)
{
	/* formatting once is logically const: the text is what was recorded */
	struct pc_eprop *w = (struct pc_eprop *)(uintptr_t)ep;

	if (ep->src_kind != SRC_TEXT) {
		free(w->source_text);
		w->source_text = format_source(ep);
		w->src_kind = SRC_TEXT;
	}
	return ep->source_text;
}

/* host=CAP gives the default of a bool or bit; a feature's host= is a
 * condition of its offer (filter_host_features()), its default is its
 * own. */
static bool default_from_host(const struct pc_prop *p)
{
	return p->host_feature && p->kind != PC_PROP_FEATURE;
}

/*
 * A default computed last, after compat entries, overrides and host
 * capabilities (derive_defaults()): derived=, or an onoffauto's host=
 * auto.  Until then it holds the kind's zero (an onoffauto: auto).
 */
static bool deferred_default(const struct pc_prop *p, const char **text,
			     const char **src)
{
	if (p->def_expr) {
		*text = p->kind == PC_PROP_ONOFFAUTO ? "auto" : kind_zero(p);
		*src = "derived default (not computed)";
		return true;
	}
	if (p->host_feature && p->kind == PC_PROP_ONOFFAUTO) {
		*text = "auto";
		*src = "host capability (not resolved)";
		return true;
	}
	return false;
}

static int init_props(struct pc_vm *vm, struct pc_object *o,
		      struct pc_err *err)
{
	const struct pc_side *s = vm->side;
	const struct pc_prop *props[MAX_PROPS];
	const struct pc_type *owners[MAX_PROPS];
	size_t n = pc_type_all_props(o->type, props, owners, MAX_PROPS);

	if (n > MAX_PROPS)
		return pc_err_setc(err, PC_E_LIMIT, "type '%s' has too many properties (%zu, at most %d)",
				   o->type->name, n, MAX_PROPS);
	o->props = arena_calloc(vm->arena, n, sizeof(*o->props));
	o->n_props = n;
	for (size_t i = 0; i < n; i++) {
		const struct pc_prop *p = props[i];
		struct pc_eprop *ep = &o->props[i];
		struct pc_value v = { 0, NULL };
		const char *text, *lit = NULL;
		enum src_kind kind;

		ep->prop = p;
		ep->owner = owners[i];
		if (s->project && p->has_since &&
		    pc_version_cmp(&s->release, &p->since) < 0) {
			text = pc_prop_absent_value(p, &s->release);
			if (!text)
				text = p->def_text ? p->def_text : kind_zero(p);
			ep->absent = true;
			kind = SRC_ABSENT;
			lit = text;
		} else if (s->project && (text = old_default(p, &s->release))) {
			kind = SRC_OLD_DEFAULT;
		} else if (deferred_default(p, &text, &lit)) {
			ep->derive_pending = true;
			kind = SRC_LITERAL;
		} else if (default_from_host(p)) {
			ep->src_has = pc_host_caps_has(s->host, p->host_feature);
			text = ep->src_has ? "on" : "off";
			kind = SRC_HOST;
		} else {
			text = p->def_text ? p->def_text : kind_zero(p);
			kind = SRC_DEFAULT;
		}
		if (text && pc_value_parse_in(p, text, &v, vm->arena, err))
			return -1;
		set_lazy(ep, &v, s, kind, lit, NULL);
	}
	return 0;
}

static int instantiate(struct pc_vm *vm, const struct pc_type *t,
		       const char *id, struct pc_object *parent,
		       const char *child_name, size_t *alloc, int depth,
		       struct pc_err *err)
{
	struct pc_object *o;
	size_t idx;

	if (depth > MAX_DEPTH)
		return pc_err_setc(err, PC_E_LIMIT, "device '%s': composite nesting deeper than %d",
				   id, MAX_DEPTH);
	if (vm->n_objs >= MAX_OBJS)
		return pc_err_setc(err, PC_E_LIMIT, "too many device objects (over %d)",
				   MAX_OBJS);
	o = vm_new_object(vm, alloc);
	o->id = pc_arena_bytes_dup(vm->arena, id, strlen(id));
	o->type = t;
	o->parent = parent;
	o->child_name = child_name;
	idx = vm->n_objs - 1;
	if (init_props(vm, &vm->objs[idx], err))
		return -1;
	/* children of the type and its ancestors, ancestors first */
	{
		const struct pc_type *chain[MAX_DEPTH * 4];
		size_t nc = 0;

		for (const struct pc_type *a = t; a && nc < PC_ARRAY_SIZE(chain);
		     a = a->parent)
			chain[nc++] = a;
		vm->objs[idx].first_child = vm->n_objs;
		for (size_t k = nc; k-- > 0;) {
			for (size_t c = 0; c < chain[k]->n_children; c++) {
				const struct pc_child *ch = &chain[k]->children[c];
				char *cid = pc_xasprintf("%s/%s", id, ch->name);
				int r;

				/* vm->objs may move: pass no pointer into it */
				r = instantiate(vm, ch->type, cid, NULL, ch->name,
						alloc, depth + 1, err);
				free(cid);
				if (r)
					return -1;
			}
		}
	}
	/* parent links are set by link_children() once the array is final */
	(void)parent;
	return 0;
}

/* Relink parents and child ranges after the objects array is final. */
static void link_children(struct pc_vm *vm)
{
	for (size_t i = 0; i < vm->n_objs; i++) {
		struct pc_object *o = &vm->objs[i];
		size_t plen = strlen(o->id);

		o->n_children = 0;
		o->first_child = i + 1;
		for (size_t j = i + 1; j < vm->n_objs; j++) {
			struct pc_object *c = &vm->objs[j];

			if (strncmp(c->id, o->id, plen) || c->id[plen] != '/')
				break;
			if (!strchr(c->id + plen + 1, '/')) {
				if (!o->n_children)
					o->first_child = j;
				c->parent = o;
				o->n_children++;
			}
		}
	}
}

static struct pc_eprop *find_eprop(struct pc_object *o, const char *name)
{
	for (size_t i = 0; i < o->n_props; i++)
		if (!strcmp(o->props[i].prop->name, name))
			return &o->props[i];
	return NULL;
}

const struct pc_eprop *pc_object_prop(const struct pc_vm *vm,
				      const struct pc_object *o,
				      const char *name,
				      const struct pc_object **holder)
{
	struct pc_eprop *ep = find_eprop((struct pc_object *)(uintptr_t)o, name);

	if (ep) {
		if (holder)
			*holder = o;
		return ep;
	}
	/* composite: the parent exposes aliased children's properties.  The
	 * children follow their parent in vm->objs, in the run of ids that
	 * start with "PARENT/" (link_children()); scanning only that run
	 * keeps a lookup independent of the number of devices. */
	size_t from = 0, to = vm->n_objs;

	if (o >= vm->objs && o < vm->objs + vm->n_objs) {
		size_t plen = strlen(o->id);

		from = (size_t)(o - vm->objs) + 1;
		for (to = from; to < vm->n_objs; to++)
			if (strncmp(vm->objs[to].id, o->id, plen) ||
			    vm->objs[to].id[plen] != '/')
				break;
	}
	for (size_t j = from; j < to; j++) {
		const struct pc_object *c = &vm->objs[j];
		const struct pc_type *pt;
		bool alias = false;

		if (c->parent != o)
			continue;
		for (pt = o->type; pt && !alias; pt = pt->parent)
			for (size_t k = 0; k < pt->n_children; k++)
				if (!strcmp(pt->children[k].name, c->child_name) &&
				    pt->children[k].alias_props)
					alias = true;
		if (!alias)
			continue;
		ep = find_eprop((struct pc_object *)(uintptr_t)c, name);
		if (ep) {
			if (holder)
				*holder = c;
			return ep;
		}
	}
	return NULL;
}

static int apply_value(struct pc_arena *a, struct pc_object *o,
		       struct pc_eprop *ep, const char *value,
		       const char *origin, const char *what,
		       struct pc_err *err)
{
	struct pc_value v;
	struct pc_err e = { 0 };

	if (pc_value_parse_in(ep->prop, value, &v, a, &e))
		return pc_err_wrap(err, &e, "%s: invalid value for '%s.%s'",
				   origin, o->type->name, ep->prop->name);
	set_lazy(ep, &v, NULL, SRC_SET, what, origin);
	/* an explicit setting wins over a derivation; an onoffauto set to
	 * auto still resolves as its default would */
	ep->derive_pending = (ep->prop->def_expr || ep->prop->host_feature) &&
			     ep->prop->kind == PC_PROP_ONOFFAUTO &&
			     !strcmp(ep->val.text, "auto");
	return 0;
}

static const char *prop_suggestion(const struct pc_object *o,
				   const char *name)
{
	const char *names[MAX_PROPS];
	size_t n = o->n_props < MAX_PROPS ? o->n_props : MAX_PROPS;

	for (size_t i = 0; i < n; i++)
		names[i] = o->props[i].prop->name;
	return pc_suggest(name, names, n);
}

static uint64_t name_hash(const char *s)
{
	return pc_hash64(s, strlen(s), 0x51ed270b27a3c2f1ULL);
}

static int cmp_chain_key(const void *a, const void *b)
{
	const struct pc_chain_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* m's chain by driver hash (m->chain_keys), computed once per machine
 * type: resolution runs for every VM of a run, and going through the
 * whole chain (hashing each driver) for a VM of one device was most of
 * its build once devices number in the thousands. */
static const struct pc_chain_key *chain_keys(const struct pc_machine *m)
{
	/* the cache is not the machine's value: a const machine gets it */
	struct pc_machine *mm = (struct pc_machine *)(uintptr_t)m;
	struct pc_chain_key *k = __atomic_load_n(&mm->chain_keys, __ATOMIC_ACQUIRE);
	struct pc_chain_key *expected = NULL;

	if (k)
		return k;
	k = pc_xcalloc(m->n_chain + 1, sizeof(*k));
	for (size_t i = 0; i < m->n_chain; i++) {
		k[i].hash = name_hash(m->chain[i]->driver);
		k[i].entry = i;
	}
	qsort(k, m->n_chain, sizeof(*k), cmp_chain_key);
	if (__atomic_compare_exchange_n(&mm->chain_keys, &expected, k, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return k;
	free(k); /* another thread published the same */
	return expected;
}

/* A compat entry (chain index) and an object it matches. */
struct cmatch {
	size_t entry, obj;
};

static int cmp_cmatch(const void *a, const void *b)
{
	const struct cmatch *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return (x->obj > y->obj) - (x->obj < y->obj);
}

struct cmatches {
	const struct pc_machine *m;
	const struct pc_chain_key *keys; /* chain_keys(m) */
	struct cmatch *v;
	size_t n, alloc;
};

/* (entry, obj) for every chain entry whose driver is 'name': the entries
 * under its hash, by binary search */
static void chain_match(struct cmatches *cm, const char *name, size_t obj)
{
	const struct pc_machine *m = cm->m;
	uint64_t h = name_hash(name);
	size_t lo = 0, hi = m->n_chain;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cm->keys[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n_chain && cm->keys[lo].hash == h; lo++) {
		if (strcmp(m->chain[cm->keys[lo].entry]->driver, name))
			continue;
		PC_ALLOC_GROW(cm->v, cm->n + 1, cm->alloc);
		cm->v[cm->n].entry = cm->keys[lo].entry;
		cm->v[cm->n++].obj = obj;
	}
}

/*
 * The matches by (entry, obj).  They were made in object order, so a
 * stable counting sort by entry does it, in O(matches + chain): taken
 * when the chain is not much longer than the list (the default
 * configuration), qsort() otherwise (a VM of a few devices).
 */
static void sort_matches(struct cmatches *cm)
{
	size_t nc = cm->m->n_chain, *start;
	struct cmatch *out;

	if (cm->n < 2)
		return;
	if (cm->n < nc / 4) {
		qsort(cm->v, cm->n, sizeof(*cm->v), cmp_cmatch);
		return;
	}
	start = pc_xcalloc(nc + 1, sizeof(*start));
	out = pc_xcalloc(cm->n, sizeof(*out));
	for (size_t i = 0; i < cm->n; i++)
		start[cm->v[i].entry + 1]++;
	for (size_t e = 0; e < nc; e++)
		start[e + 1] += start[e];
	for (size_t i = 0; i < cm->n; i++)
		out[start[cm->v[i].entry]++] = cm->v[i];
	free(start);
	free(cm->v);
	cm->v = out;
	cm->alloc = cm->n;
}

/*
 * Which objects does a compat driver match?  pc_type_is_a() per object and
 * entry is O(objects x entries), and both grow with the number of devices.
 * Instead every name each object's type answers to (the type, its
 * ancestors, their declared and inherited interfaces: exactly what
 * pc_type_is_a() compares) looks its entries up in the chain's hash index
 * (chain_keys()), so the cost follows the VM, not the chain.  The result:
 * every (chain entry, object) pair where the object's type is or
 * implements the entry's driver, in chain order then object order, each
 * pair once (a name can reach one type twice: an interface declared again
 * by a subtype).  The n objects' types are at 'first', 'stride' bytes
 * apart (a struct pc_object's or a struct cfg_obj's type member).
 */
static struct cmatch *compat_matches(const struct pc_machine *m,
				     const void *first, size_t stride,
				     size_t nobj, size_t *n_out)
{
	struct cmatches cm = { m, NULL, NULL, 0, 0 };
	size_t k = 0;

	*n_out = 0;
	if (!m->n_chain || !nobj)
		return NULL;
	cm.keys = chain_keys(m);
	for (size_t j = 0; j < nobj; j++) {
		const struct pc_type *ty;

		memcpy(&ty, (const char *)first + j * stride, sizeof(ty));
		for (const struct pc_type *t = ty; t; t = t->parent) {
			chain_match(&cm, t->name, j);
			if (!t->ifaces)
				continue;
			for (size_t i = 0; i < t->n_ifaces; i++)
				chain_match(&cm, t->ifaces[i], j);
			for (char **p = t->ifaces + t->n_ifaces + 1; *p; p++)
				chain_match(&cm, *p, j);
		}
	}
	sort_matches(&cm);
	for (size_t i = 0; i < cm.n; i++)
		if (!k || cm.v[k - 1].entry != cm.v[i].entry ||
		    cm.v[k - 1].obj != cm.v[i].obj)
			cm.v[k++] = cm.v[i];
	*n_out = k;
	return cm.v;
}

static int apply_compat(struct pc_vm *vm, struct pc_err *err)
{
	const struct pc_side *s = vm->side;
	const struct pc_machine *m = vm->machine;
	size_t n_match = 0;
	struct cmatch *match = vm->n_objs
			       ? compat_matches(m, &vm->objs[0].type,
						sizeof(vm->objs[0]), vm->n_objs,
						&n_match)
			       : NULL;
	int ret = -1;

	for (size_t q = 0; q < n_match; q++) {
		const struct pc_compat_entry *e = m->chain[match[q].entry];
		struct pc_object *o = &vm->objs[match[q].obj];
		struct pc_eprop *ep;

		if (s->project && !pc_compat_entry_in_release(e, &s->release))
			continue;
		ep = find_eprop(o, e->prop);
		if (!ep) {
			const char *sug;

			if (e->optional)
				continue;
			sug = prop_suggestion(o, e->prop);
			pc_err_set(err, "%s: unknown property '%s' of '%s'%s%s%s",
				   e->origin, e->prop, o->type->name,
				   sug ? " (did you mean '" : "",
				   sug ? sug : "", sug ? "'?)" : "");
			goto out;
		}
		if (ep->absent)
			continue; /* not in this release: behaviour stays */
		if (apply_value(vm->arena, o, ep, e->value, e->origin,
				"compat entry", err))
			goto out;
		ep->entry = e;
	}
	ret = 0;
out:
	free(match);
	return ret;
}

static int apply_overrides(struct pc_vm *vm, struct pc_err *err)
{
	const struct pc_side *s = vm->side;

	/* globals first, then per-device, as QEMU applies -global before
	 * the -device options */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->n_overrides; i++) {
			const struct pc_override *ov = &s->overrides[i];
			bool matched = false;

			if (ov->per_device != (pass == 1))
				continue;
			for (size_t j = 0; j < vm->n_objs; j++) {
				struct pc_object *o = &vm->objs[j];
				const struct pc_object *holder = NULL;
				struct pc_eprop *ep;

				if (ov->per_device ? strcmp(o->id, ov->target)
						   : !pc_type_is_a(o->type, ov->target))
					continue;
				ep = (struct pc_eprop *)(uintptr_t)pc_object_prop(
					vm, o, ov->prop, &holder);
				if (!ep) {
					const char *sug = prop_suggestion(o, ov->prop);

					return pc_err_setc(err, PC_E_NOT_FOUND, "%s %s.%s=%s: '%s' has no property '%s'%s%s%s",
							   ov->origin, ov->target, ov->prop,
							   ov->value, o->type->name, ov->prop,
							   sug ? " (did you mean '" : "",
							   sug ? sug : "", sug ? "'?)" : "");
				}
				if (ep->absent) {
					char sv[32];

					pc_version_str(&ep->prop->since, sv, sizeof(sv));
					return pc_err_setc(err, PC_E_NOT_FOUND, "%s %s.%s=%s: property '%s' does not exist in release %s of side '%s' (it appeared in %s)",
							   ov->origin, ov->target, ov->prop,
							   ov->value, ov->prop,
							   s->label ? s->label : "?",
							   s->label ? s->label : "?", sv);
				}
				if (apply_value(vm->arena,
						(struct pc_object *)(uintptr_t)holder,
						ep, ov->value, ov->origin, "override",
						err))
					return -1;
				matched = true;
			}
			if (!matched && ov->per_device)
				return pc_err_setc(err, PC_E_NOT_FOUND, "%s %s.%s=%s: no device with id '%s'",
						   ov->origin, ov->target, ov->prop,
						   ov->value, ov->target);
		}
	}
	return 0;
}

/*
 * A host= feature that the side's host lacks cannot be on, whatever asked
 * for it: QEMU filters it out of the guest's CPUID ("host doesn't support
 * requested feature", x86_cpu_filter_features()), and with 'enforce'
 * refuses to start.  Without a host file the host is unknown and the
 * value stands as resolved.
 */
static int filter_host_features(struct pc_vm *vm, struct pc_err *err)
{
	const struct pc_host_caps *h = vm->side->host;

	if (!h)
		return 0;
	for (size_t j = 0; j < vm->n_objs; j++) {
		struct pc_object *o = &vm->objs[j];

		for (size_t k = 0; k < o->n_props; k++) {
			struct pc_eprop *ep = &o->props[k];
			const char *cap = ep->prop->host_feature;
			struct pc_value v;

			/* an onoffauto set to on where the host lacks the
			 * capability is not filtered: QEMU refuses to realize
			 * the device (PC704) */
			if (!cap || !ep->val.num || ep->absent ||
			    ep->prop->kind == PC_PROP_ONOFFAUTO ||
			    pc_host_caps_has(h, cap))
				continue;
			if (pc_value_parse_in(ep->prop, "off", &v, vm->arena,
					      err))
				return -1;
			set_value(ep, &v, pc_xasprintf("host %s lacks capability '%s' (%s): QEMU filters out the 'on' that %s asked for",
						       h->name, cap, h->path,
						       pc_eprop_source(ep) ? pc_eprop_source(ep) : "the configuration"));
		}
	}
	return 0;
}

/*
 * A feature with requires= is offered only while each requirement is on
 * (QEMU's get_features() clearing, say, VIRTIO_NET_F_GUEST_ANNOUNCE
 * without VIRTIO_NET_F_CTRL_VQ): turned off, with the requirement named
 * as its source.  Requirements are acyclic (vfeature.c), so repeating
 * until nothing changes resolves them in dependency order.
 */
static int offer_object_features(struct pc_arena *a, struct pc_object *o,
				 bool *changed, struct pc_err *err)
{
	for (size_t k = 0; k < o->n_props; k++) {
		struct pc_eprop *ep = &o->props[k];

		for (size_t r = 0; ep->val.num && r < ep->prop->n_requires; r++) {
			const struct pc_eprop *req =
				find_eprop(o, ep->prop->requires[r]);
			struct pc_value v;

			if (!req || req->val.num)
				continue;
			if (pc_value_parse_in(ep->prop, "off", &v, a, err))
				return -1;
			set_value(ep, &v, pc_xasprintf("not offered: %s requires %s, which is off (%s)",
						       ep->prop->name,
						       req->prop->name,
						       pc_eprop_source(req) ? pc_eprop_source(req) : "?"));
			*changed = true;
		}
	}
	return 0;
}

static int offer_features(struct pc_vm *vm, struct pc_err *err)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t j = 0; j < vm->n_objs; j++)
			if (offer_object_features(vm->arena, &vm->objs[j],
						  &changed, err))
				return -1;
	}
	return 0;
}

static int cmp_type_name(const void *a, const void *b)
{
	const struct pc_type *x = *(const struct pc_type *const *)a;
	const struct pc_type *y = *(const struct pc_type *const *)b;

	return strcmp(x->name, y->name);
}

/* ------------------------------------------------------------ validation */

/*
 * The objects pc_vm_build() instantiates, by type only (no machine, no
 * values): what instantiate() walks, with the same ids and parents.
 */
struct cfg_obj {
	char *id;
	const struct pc_type *type;
	size_t parent;          /* index, or SIZE_MAX for a top-level device */
	const char *child_name;
};

struct cfg {
	struct cfg_obj *v;
	size_t n, alloc;
};

static int cfg_walk(struct cfg *c, const struct pc_type *t, const char *id,
		    size_t parent, const char *child_name, int depth,
		    struct pc_err *err)
{
	const struct pc_type *chain[MAX_DEPTH * 4];
	size_t nc = 0, idx;

	if (depth > MAX_DEPTH)
		return pc_err_setc(err, PC_E_LIMIT, "device '%s': composite nesting deeper than %d",
				   id, MAX_DEPTH);
	if (c->n >= MAX_OBJS)
		return pc_err_setc(err, PC_E_LIMIT, "too many device objects (over %d)",
				   MAX_OBJS);
	PC_ALLOC_GROW(c->v, c->n + 1, c->alloc);
	idx = c->n++;
	c->v[idx].id = pc_xstrdup(id);
	c->v[idx].type = t;
	c->v[idx].parent = parent;
	c->v[idx].child_name = child_name;
	for (const struct pc_type *a = t; a && nc < PC_ARRAY_SIZE(chain);
	     a = a->parent)
		chain[nc++] = a;
	for (size_t k = nc; k-- > 0;) {
		for (size_t i = 0; i < chain[k]->n_children; i++) {
			const struct pc_child *ch = &chain[k]->children[i];
			char *cid = pc_xasprintf("%s/%s", id, ch->name);
			int r = cfg_walk(c, ch->type, cid, idx, ch->name,
					 depth + 1, err);

			free(cid);
			if (r)
				return -1;
		}
	}
	return 0;
}

static void cfg_release(struct cfg *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].id);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* Is 't' in the side's default configuration: instantiable, in its
 * release, and migratable there unless the side keeps blocking types? */
static bool in_default_config(const struct pc_side *s,
			      const struct pc_type *t)
{
	return pc_type_is_concrete(t) && pc_side_has_type(s, t) &&
	       (s->keep_unmigratable || !pc_side_type_blocker(s, t));
}

/* --vm-device names a device, never the machine type's own state */
static int refuse_machine_device(const struct pc_side *side,
				 const struct pc_devspec *d,
				 const struct pc_type *t, struct pc_err *err)
{
	if (side->devices_subset || !pc_type_is_machine(t))
		return 0;
	return pc_err_set(err, "--vm-device %s (id '%s'): '%s' is state of the machine type, in every VM of it: it is not a device to name",
			  d->type, d->id, d->type);
}

/* The side's configuration: its --vm-device list (checked as pc_vm_build()
 * checks it, with a did-you-mean), or one instance of every concrete type
 * of the side. */
static int cfg_build(const struct pc_side *s, struct cfg *c,
		     struct pc_err *err)
{
	memset(c, 0, sizeof(*c));
	if (!s->devices) {
		for (size_t i = 0; i < s->reg->n_types; i++) {
			const struct pc_type *t = s->reg->types[i];

			if (in_default_config(s, t) &&
			    cfg_walk(c, t, t->name, SIZE_MAX, NULL, 0, err))
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct pc_devspec *d = &s->devices[i];
		const struct pc_type *t = pc_registry_find_type(s->reg, d->type);

		if (!t) {
			const char *sug = pc_registry_suggest_type(s->reg, d->type, true);

			return pc_err_setc(err, PC_E_NOT_FOUND, "--vm-device %s (id '%s'): unknown type '%s'%s%s%s",
					   d->type, d->id, d->type,
					   sug ? " (did you mean '" : " (plugcheck list-plugins lists the loaded types)",
					   sug ? sug : "", sug ? "'?)" : "");
		}
		if (!pc_type_is_concrete(t))
			return pc_err_set(err, "--vm-device %s (id '%s'): '%s' is not an instantiable type (it is %s)",
					  d->type, d->id, d->type,
					  t->interface ? "an interface"
					  : t->abstract ? "abstract"
					  : "internal: it exists only inside a composite");
		if (!pc_side_has_type(s, t)) {
			char sv[32];

			pc_version_str(&t->since, sv, sizeof(sv));
			return pc_err_setc(err, PC_E_NOT_FOUND, "--vm-device %s (id '%s'): type '%s' does not exist in %s (it appeared in %s)",
					   d->type, d->id, d->type,
					   s->label ? s->label : "this release", sv);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->devices[j].id, d->id))
				return pc_err_set(err, "--vm-device %s: duplicate device id '%s'",
						  d->type, d->id);
		if (refuse_machine_device(s, d, t, err) ||
		    cfg_walk(c, t, d->id, SIZE_MAX, NULL, 0, err))
			return -1;
	}
	for (size_t i = 0; i < s->reg->n_types && !s->devices_subset; i++) {
		const struct pc_type *t = s->reg->types[i];

		if (pc_type_is_machine(t) && in_default_config(s, t) &&
		    cfg_walk(c, t, t->name, SIZE_MAX, NULL, 0, err))
			return -1;
	}
	return 0;
}

/*
 * A property as pc_object_prop() finds it on an object of type 't': its
 * own or inherited ones, then those of the children it aliases (in
 * instantiation order: the ancestors' children first).  With 'names',
 * collects every candidate name for a did-you-mean instead.
 */
static const struct pc_prop *reach_prop(const struct pc_type *t,
					const char *name,
					const char ***names, size_t *n,
					size_t *alloc)
{
	const struct pc_type *chain[MAX_DEPTH * 4];
	const struct pc_prop *p;
	size_t nc = 0;

	for (const struct pc_type *a = t; a && nc < PC_ARRAY_SIZE(chain);
	     a = a->parent)
		chain[nc++] = a;
	for (size_t k = nc; names && k-- > 0;)
		for (size_t i = 0; i < chain[k]->n_props; i++) {
			PC_ALLOC_GROW(*names, *n + 1, *alloc);
			(*names)[(*n)++] = chain[k]->props[i].name;
		}
	p = names ? NULL : pc_type_find_prop(t, name, NULL);
	for (size_t k = nc; !p && k-- > 0;) {
		for (size_t i = 0; !p && i < chain[k]->n_children; i++) {
			const struct pc_child *ch = &chain[k]->children[i];

			if (!ch->alias_props || !ch->type)
				continue;
			if (!names) {
				p = pc_type_find_prop(ch->type, name, NULL);
				continue;
			}
			for (const struct pc_type *a = ch->type; a; a = a->parent)
				for (size_t j = 0; j < a->n_props; j++) {
					PC_ALLOC_GROW(*names, *n + 1, *alloc);
					(*names)[(*n)++] = a->props[j].name;
				}
		}
	}
	return p;
}

static const char *reach_suggestion(const struct pc_type *t, const char *name)
{
	const char **names = NULL;
	size_t n = 0, alloc = 0;
	const char *sug;

	reach_prop(t, name, &names, &n, &alloc);
	sug = n ? pc_suggest(name, names, n) : NULL;
	free(names);
	return sug;
}

/* "ORIGIN T.P=V", or ORIGIN alone when it already ends with it */
static char *ov_label(const struct pc_override *ov)
{
	char *text = pc_xasprintf("%s.%s=%s", ov->target, ov->prop, ov->value);
	char *r;

	if (ov->origin && pc_str_ends_with(ov->origin, text)) {
		free(text);
		return pc_xstrdup(ov->origin);
	}
	r = pc_xasprintf("%s %s", ov->origin ? ov->origin : "override", text);
	free(text);
	return r;
}

/* An error about override 'ov': "LABEL: MESSAGE", its label (ov_label())
 * formatted only here, when a check fails. */
static int ov_fail(struct pc_err *err, enum pc_errcode code,
		   const struct pc_override *ov, const char *fmt, ...)
	PC_PRINTF(4, 5);
static int ov_fail(struct pc_err *err, enum pc_errcode code,
		   const struct pc_override *ov, const char *fmt, ...)
{
	struct pc_strbuf msg = PC_STRBUF_INIT;
	char *label;
	va_list ap;

	if (!err)
		return -1;   /* discarded: nothing to format */
	label = ov_label(ov);
	va_start(ap, fmt);
	pc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	pc_err_setc(err, code, "%s: %s", label, msg.buf ? msg.buf : "");
	pc_strbuf_release(&msg);
	free(label);
	return -1;
}

/* The override on an object of type 't': the property, its release, the
 * value -- what apply_overrides() would refuse. */
static int check_on_type(const struct pc_side *s, const struct pc_type *t,
			 const struct pc_override *ov, struct pc_err *err)
{
	const struct pc_prop *p = reach_prop(t, ov->prop, NULL, NULL, NULL);
	struct pc_value v;
	struct pc_err e = { 0 };

	if (!p) {
		const char *sug = reach_suggestion(t, ov->prop);

		if (sug)
			return ov_fail(err, PC_E_NOT_FOUND, ov, "'%s' has no property '%s' (did you mean '%s'?)",
				       t->name, ov->prop, sug);
		return ov_fail(err, PC_E_NOT_FOUND, ov, "'%s' has no property '%s' (plugcheck props --machine M --device %s lists its properties)",
			       t->name, ov->prop, t->name);
	}
	if (s->project && p->has_since &&
	    pc_version_cmp(&s->release, &p->since) < 0) {
		char sv[32];

		pc_version_str(&p->since, sv, sizeof(sv));
		return ov_fail(err, PC_E_NOT_FOUND, ov, "property '%s' does not exist in release %s of side '%s' (it appeared in %s)",
			       ov->prop, s->label ? s->label : "?",
			       s->label ? s->label : "?", sv);
	}
	if (pc_value_parse(p, ov->value, &v, &e)) {
		char *label;

		if (!err)
			return -1;
		label = ov_label(ov);

		pc_err_wrap(err, &e, "%s: invalid value for '%s.%s'", label,
			    t->name, p->name);
		free(label);
		return -1;
	}
	pc_value_release(&v);
	return 0;
}

static int check_override(const struct pc_side *s, const struct cfg *c,
			  const struct pc_override *ov, struct pc_err *err)
{
	const struct pc_type *named = NULL;
	bool matched = false;

	for (size_t i = 0; i < c->n; i++) {
		const struct cfg_obj *o = &c->v[i];

		if (ov->per_device ? strcmp(o->id, ov->target)
				   : !pc_type_is_a(o->type, ov->target))
			continue;
		matched = true;
		if (check_on_type(s, o->type, ov, err))
			return -1;
	}
	if (matched)
		return 0;
	if (ov->per_device) {
		const char **ids = pc_xcalloc(c->n + 1, sizeof(*ids));
		const char *sug;

		for (size_t i = 0; i < c->n; i++)
			ids[i] = c->v[i].id;
		sug = pc_suggest(ov->target, ids, c->n);
		ov_fail(err, PC_E_NOT_FOUND, ov, "no device with id '%s'%s%s%s",
			ov->target, sug ? " (did you mean '" : "",
			sug ? sug : "", sug ? "'?)" : "");
		free(ids);
		return -1;
	}
	/* a global that meets no device of this configuration (QEMU's
	 * -global for a device not plugged in): valid when some loaded
	 * type is-a TARGET and has the property */
	for (size_t i = 0; i < s->reg->n_types; i++) {
		const struct pc_type *t = s->reg->types[i];

		if (!pc_type_is_a(t, ov->target))
			continue;
		if (!named || !strcmp(t->name, ov->target))
			named = t;
		if (reach_prop(t, ov->prop, NULL, NULL, NULL))
			return check_on_type(s, t, ov, err);
	}
	if (named)
		return check_on_type(s, named, ov, err);
	{
		const char *sug = pc_registry_suggest_type(s->reg, ov->target, false);

		return ov_fail(err, PC_E_NOT_FOUND, ov, "no loaded type is or implements '%s'%s%s%s",
			       ov->target,
			       sug ? " (did you mean '" : " (plugcheck list-plugins lists the loaded types)",
			       sug ? sug : "", sug ? "'?)" : "");
	}
}

/* m's compat chain on the configuration: what apply_compat() refuses (an
 * entry naming a property an object it matches lacks, unless optional) */
/* Every compat entry of m's chain finds its property on each object of
 * the configuration that it matches (by the isa index, as
 * apply_compat()): the first one that does not, in chain then
 * configuration order, is refused. */
static int check_compat(const struct pc_side *s, const struct cfg *c,
			const struct pc_machine *m, struct pc_err *err)
{
	size_t n_match = 0;
	struct cmatch *match = c->n ? compat_matches(m, &c->v[0].type,
						     sizeof(c->v[0]), c->n,
						     &n_match)
				    : NULL;
	int rc = 0;

	for (size_t q = 0; q < n_match && !rc; q++) {
		const struct pc_compat_entry *e = m->chain[match[q].entry];
		const struct pc_type *t = c->v[match[q].obj].type;
		const struct pc_prop *names[MAX_PROPS];
		const char *cands[MAX_PROPS];
		const char *sug;
		size_t n;

		if (e->optional ||
		    (s->project && !pc_compat_entry_in_release(e, &s->release)) ||
		    pc_type_find_prop(t, e->prop, NULL))
			continue;
		n = pc_type_all_props(t, names, NULL, MAX_PROPS);
		if (n > MAX_PROPS)
			n = MAX_PROPS;
		for (size_t j = 0; j < n; j++)
			cands[j] = names[j]->name;
		sug = pc_suggest(e->prop, cands, n);
		rc = pc_err_set(err, "%s: unknown property '%s' of '%s'%s%s%s",
				e->origin, e->prop, t->name,
				sug ? " (did you mean '" : "",
				sug ? sug : "", sug ? "'?)" : "");
	}
	free(match);
	return rc;
}

int pc_side_check_config(const struct pc_side *s, const struct pc_machine *m,
			 struct pc_err *err)
{
	struct cfg c;
	int rc = 0;

	if (cfg_build(s, &c, err) || (m && check_compat(s, &c, m, err))) {
		cfg_release(&c);
		return -1;
	}
	for (size_t i = 0; i < s->n_overrides && !rc; i++)
		rc = check_override(s, &c, &s->overrides[i], err);
	cfg_release(&c);
	return rc;
}

/*
 * The machine type's own objects ('machine' types) in a VM that names its
 * devices: every VM has them, whatever -device options it has.  A
 * subset of the default configuration (devices_subset) names the ones it
 * compares itself.
 */
static int add_machine_objects(struct pc_vm *vm, const struct pc_side *side,
			       size_t *alloc, struct pc_err *err)
{
	const struct pc_type **types;
	size_t n = 0;
	int rc = 0;

	if (side->devices_subset)
		return 0;
	types = pc_xcalloc(side->reg->n_types + 1, sizeof(*types));
	for (size_t i = 0; i < side->reg->n_types; i++)
		if (pc_type_is_machine(side->reg->types[i]) &&
		    in_default_config(side, side->reg->types[i]))
			types[n++] = side->reg->types[i];
	qsort(types, n, sizeof(*types), cmp_type_name);
	for (size_t i = 0; i < n && !rc; i++)
		rc = instantiate(vm, types[i], types[i]->name, NULL, NULL,
				 alloc, 0, err);
	free(types);
	return rc;
}

/* The VM of the side's --vm-device list, and the machine's own objects. */
static int build_named(struct pc_vm *vm, const struct pc_side *side, size_t *alloc,
		       struct pc_err *err)
{
	for (size_t i = 0; i < side->n_devices; i++) {
		const struct pc_devspec *d = &side->devices[i];
		const struct pc_type *t = pc_registry_find_type(side->reg, d->type);

		if (!t || !pc_type_is_concrete(t))
			return pc_err_setc(err, t ? PC_E_INPUT : PC_E_NOT_FOUND,
					   "device '%s': %s type '%s'", d->id,
					   t ? "not an instantiable" : "unknown", d->type);
		if (!pc_side_has_type(side, t)) {
			char sv[32];

			pc_version_str(&t->since, sv, sizeof(sv));
			return pc_err_setc(err, PC_E_NOT_FOUND, "device '%s': type '%s' does not exist in %s (it appeared in %s)",
					   d->id, d->type, side->label ? side->label : "this release", sv);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(side->devices[j].id, d->id))
				return pc_err_set(err, "duplicate device id '%s'", d->id);
		if (refuse_machine_device(side, d, t, err) ||
		    instantiate(vm, t, d->id, NULL, NULL, alloc, 0, err))
			return -1;
	}
	return add_machine_objects(vm, side, alloc, err);
}

/* The default configuration: one object of every type in it, by name. */
static int build_default(struct pc_vm *vm, const struct pc_side *side, size_t *alloc,
			 struct pc_err *err)
{
	const struct pc_type **types = pc_xcalloc(side->reg->n_types + 1, sizeof(*types));
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < side->reg->n_types; i++)
		if (in_default_config(side, side->reg->types[i]))
			types[n++] = side->reg->types[i];
	qsort(types, n, sizeof(*types), cmp_type_name);
	for (size_t i = 0; i < n && !ret; i++)
		ret = instantiate(vm, types[i], types[i]->name, NULL, NULL, alloc, 0, err);
	free(types);
	return ret;
}

/* ------------------------------------------------- derived defaults */

static int err_at(struct pc_err *err, const char *where);

/* The declaration a property's value comes from, as init_props() names
 * it: the plugin, or a recorded release's file. */

/* Evaluation of one derived default: its object's properties (own and
 * inherited), its type's attributes, the machine configuration. */
struct dlookup {
	const struct pc_object *o;
	struct mcfg_ctx mc;
};

static int derive_lookup(void *ctx, const char *name, struct pc_xval *out)
{
	const struct dlookup *c = ctx;
	const struct pc_eprop *ep = find_eprop((struct pc_object *)(uintptr_t)c->o,
					       name);

	if (!prop_or_attr_xval(ep, c->o->type, name, out))
		return 0;
	return mcfg_lookup((void *)(uintptr_t)&c->mc, name, out);
}

/* The dependencies of one derived default, computed first, and what
 * they were: "pmu=on" and their provenance. */
struct ddeps {
	struct pc_vm *vm;
	struct pc_object *o;
	unsigned char *state;
	struct pc_strbuf from, whence;
	bool machine;
	struct pc_err *err;
	int failed;
};

static int derive_one(struct pc_vm *vm, struct pc_object *o, size_t k,
		      unsigned char *state, struct pc_err *err);

static void derive_dep(void *ctx, const char *name)
{
	struct ddeps *d = ctx;
	const struct pc_attr *a;

	if (d->failed)
		return;
	for (size_t k = 0; k < d->o->n_props; k++) {
		const struct pc_eprop *ep = &d->o->props[k];

		if (strcmp(ep->prop->name, name))
			continue;
		if (derive_one(d->vm, d->o, k, d->state, d->err)) {
			d->failed = -1;
			return;
		}
		pc_strbuf_addf(&d->from, "%s%s=%s", d->from.len ? ", " : "",
			       name, ep->val.text ? ep->val.text : "");
		pc_strbuf_addf(&d->whence, "; %s: %s", name,
			       pc_eprop_source(ep) ? pc_eprop_source(ep) : "?");
		return;
	}
	if ((a = pc_type_attr(d->o->type, name)))
		pc_strbuf_addf(&d->from, "%sattribute %s=%s",
			       d->from.len ? ", " : "", name, a->text);
	else
		d->machine = true;
}

/* "host capability 'pdcm' present on host A, and " for a bool with both
 * host= and derived=, else "" */
static const char *host_part(const struct pc_side *s, const struct pc_prop *p,
			     char *buf, size_t size)
{
	if (!p->host_feature || p->kind == PC_PROP_ONOFFAUTO)
		return "";
	snprintf(buf, size, "host capability '%s' %s %s%s, and ", p->host_feature,
		 pc_host_caps_has(s->host, p->host_feature) ? "present on" : "absent on",
		 s->host ? "host " : "the reference host",
		 s->host ? s->host->name : " (no capabilities given)");
	return buf;
}

/* The text a derived expression's result gives the property. */
static char *derived_text(const struct pc_prop *p, const struct pc_xval *xv)
{
	if (p->kind == PC_PROP_ONOFFAUTO ||
	    pc_prop_kind_class(p->kind) == PC_PCLASS_BOOL)
		return pc_xstrdup(xv->i ? "on" : "off");
	if (xv->is_str)
		return pc_xstrdup(xv->s ? xv->s : "");
	return pc_xasprintf("%lld", (long long)xv->i);
}

static int derive_expr(struct pc_vm *vm, struct pc_object *o,
		       struct pc_eprop *ep, unsigned char *state,
		       struct pc_err *err)
{
	const struct pc_prop *p = ep->prop;
	struct ddeps d = { vm, o, state, PC_STRBUF_INIT, PC_STRBUF_INIT,
			   false, err, 0 };
	struct dlookup lc = { o, { vm->smp, vm->machine->max_cpus,
				   &vm->reads_smp } };
	struct pc_xval xv;
	struct pc_value v;
	char where[1100], *text = NULL, *es = NULL;
	int rc = -1;

	prop_where(vm->side, ep->owner, where, sizeof(where) - 64);
	pc_expr_names(p->def_expr, derive_dep, &d);
	if (d.failed)
		goto out;
	if (pc_expr_eval_val(p->def_expr, derive_lookup, &lc, &xv, err)) {
		snprintf(where + strlen(where), 64, ":%d", p->line);
		err_at(err, where);
		goto out;
	}
	if (p->host_feature && pc_prop_kind_class(p->kind) == PC_PCLASS_BOOL &&
	    !pc_host_caps_has(vm->side->host, p->host_feature))
		xv.i = 0; /* the host lacks it: off, whatever realize says */
	text = derived_text(p, &xv);
	if (pc_value_parse_in(p, text, &v, vm->arena, err)) {
		snprintf(where + strlen(where), 64, ":%d", p->line);
		err_at(err, where);
		goto out;
	}
	es = pc_expr_str(p->def_expr);
	{
		char smp[48] = "", hostbuf[300], place[1100];

		if (d.machine) {
			snprintf(smp, sizeof(smp), " with smp=%d", vm->smp);
			vm->reads_smp = true;
		}
		set_value(ep, &v, pc_xasprintf("%s%s%sderived default %s%s%s%s (%s%s)",
					       p->kind == PC_PROP_ONOFFAUTO ? "auto resolved to " : "",
					       p->kind == PC_PROP_ONOFFAUTO ? (v.num ? "on: " : "off: ") : "",
					       host_part(vm->side, p, hostbuf, sizeof(hostbuf)),
					       es, smp, d.from.len ? ", derived from " : "",
					       d.from.len ? d.from.buf : "",
					       decl_place(vm->side, ep->owner, p->line, place,
							  sizeof(place)),
					       d.whence.len ? d.whence.buf : ""));
	}
	rc = 0;
out:
	free(es);
	free(text);
	pc_strbuf_release(&d.from);
	pc_strbuf_release(&d.whence);
	return rc;
}

/* An onoffauto whose auto follows a host capability (host=CAP). */
static int derive_host(struct pc_vm *vm, struct pc_eprop *ep,
		       struct pc_err *err)
{
	const struct pc_host_caps *h = vm->side->host;
	const char *cap = ep->prop->host_feature;
	bool has = pc_host_caps_has(h, cap);
	struct pc_value v;

	if (pc_value_parse_in(ep->prop, has ? "on" : "off", &v, vm->arena,
			      err))
		return -1;
	set_value(ep, &v, pc_xasprintf("auto resolved to %s: host capability '%s' %s%s%s",
				       has ? "on" : "off", cap,
				       has ? "present on " : "absent on ",
				       h ? "host " : "the reference host",
				       h ? h->name : " (no capabilities given)"));
	return 0;
}

/* Property k of o, after the properties it names (state: 0 to do, 1 in
 * progress, 2 done; pc_derive_link() refused cycles). */
static int derive_one(struct pc_vm *vm, struct pc_object *o, size_t k,
		      unsigned char *state, struct pc_err *err)
{
	struct pc_eprop *ep = &o->props[k];
	int rc;

	if (!ep->derive_pending || state[k] == 2)
		return 0;
	if (state[k] == 1)
		return pc_err_setc(err, PC_E_INTERNAL, "derived default of %s.%s depends on itself",
				   o->type->name, ep->prop->name);
	state[k] = 1;
	rc = ep->prop->def_expr ? derive_expr(vm, o, ep, state, err)
				: derive_host(vm, ep, err);
	state[k] = 2;
	ep->derive_pending = false;
	return rc;
}

/* Every derived default not set explicitly, dependencies first. */
static int derive_defaults(struct pc_vm *vm, struct pc_err *err)
{
	for (size_t j = 0; j < vm->n_objs; j++) {
		struct pc_object *o = &vm->objs[j];
		unsigned char *state;
		int rc = 0;

		state = pc_xcalloc(o->n_props + 1, 1);
		for (size_t k = 0; k < o->n_props && !rc; k++)
			rc = derive_one(vm, o, k, state, err);
		free(state);
		if (rc)
			return -1;
	}
	return 0;
}

/* The VM's arena, made on first use (a VM built by hand has none). */
static void vm_arena_init(struct pc_vm *vm)
{
	if (vm->arena)
		return;
	vm->arena = pc_xmalloc(sizeof(*vm->arena));
	pc_arena_init(vm->arena, NULL, 0);
	vm->arena->chunk = VM_ARENA_CHUNK;
	vm->arena->chunk_max = VM_ARENA_CHUNK_MAX;
}

int pc_vm_build(const struct pc_side *side, const struct pc_machine *m,
		int smp, struct pc_vm *vm, struct pc_err *err)
{
	size_t alloc = 0;

	memset(vm, 0, sizeof(*vm));
	vm->side = side;
	vm->machine = m;
	vm->smp = smp > 0 ? smp : (m->smp > 0 ? m->smp : 1);
	if (m->max_cpus > 0 && vm->smp > m->max_cpus)
		return pc_err_setc(err, PC_E_LIMIT, "smp=%d exceeds the maximum of %s (%d)",
				   vm->smp, m->name, m->max_cpus);
	vm_arena_init(vm);
	if (side->devices ? build_named(vm, side, &alloc, err)
			  : build_default(vm, side, &alloc, err))
		goto fail;
	link_children(vm);
	if (apply_compat(vm, err) || apply_overrides(vm, err) ||
	    filter_host_features(vm, err) || derive_defaults(vm, err) ||
	    offer_features(vm, err))
		goto fail;
	return 0;
fail:
	pc_vm_release(vm);
	return -1;
}

const struct pc_object *pc_vm_find_object(const struct pc_vm *vm,
					  const char *id)
{
	for (size_t i = 0; i < vm->n_objs; i++)
		if (!strcmp(vm->objs[i].id, id))
			return &vm->objs[i];
	return NULL;
}

char *pc_eprop_explain(const struct pc_eprop *ep)
{
	return pc_xasprintf("%s.%s = %s (%s)", ep->owner->name, ep->prop->name,
			    ep->val.text ? ep->val.text : "", pc_eprop_source(ep));
}

/* ------------------------------------------------------------ layouts */

/* ------------------------------------------------- resolution bounds */

/*
 * Where resolution is, for its error messages ("OBJ: description 'NAME'",
 * "OBJ: config space", "OBJ: RAM block NAME (line N)"): formatted by
 * where_text() only when an error is made.
 */
enum where_kind { WHERE_DESC, WHERE_CONFIG, WHERE_RAM };
struct where {
	enum where_kind kind;
	const char *obj, *name;
	int line;
};

/* The text of 'w' (the caller frees it).  A description's and the config
 * space's were formatted into 512 bytes: cut as they were. */
static char *where_text(const struct where *w)
{
	char *s;

	if (w->kind == WHERE_RAM)
		return pc_xasprintf("%s: RAM block %s (line %d)", w->obj,
				    w->name, w->line);
	if (w->kind == WHERE_DESC)
		s = pc_xasprintf("%s: description '%s'", w->obj, w->name);
	else
		s = pc_xasprintf("%s: config space", w->obj);
	if (strlen(s) > 511)
		s[511] = '\0';
	return s;
}

/* Room for 'n' elements of 'size' bytes from arena 'a' */
static void *arena_array(struct pc_arena *a, size_t n, size_t size)
{
	/* an overflowing size asks for SIZE_MAX: out of memory, as
	 * pc_xcalloc() says it */
	if (size && n > SIZE_MAX / size)
		return pc_arena_alloc(a, SIZE_MAX);
	return pc_arena_alloc(a, n * size);
}

/* 'n' zeroed elements of 'size' bytes from arena 'a' */
static void *arena_calloc(struct pc_arena *a, size_t n, size_t size)
{
	void *p = arena_array(a, n, size);

	memset(p, 0, n * size);
	return p;
}

/* A copy of 's' in arena 'a' */
static const char *arena_str(struct pc_arena *a, const char *s)
{
	return pc_arena_bytes_dup(a, s, strlen(s));
}

/* A heap string 's' moved into arena 'a' (freed), NULL stays NULL. */
static const char *arena_take_str(struct pc_arena *a, char *s)
{
	const char *r = s ? arena_str(a, s) : NULL;

	free(s);
	return r;
}

/* What a VM's resolution has spent so far. */
struct budget {
	uint64_t section_fields;
	uint64_t vm_fields;
};

struct eval_ctx {
	const struct pc_vm *vm;
	const struct pc_object *obj;
	struct mcfg_ctx mc;
	struct budget *spent;
};

/* One more resolved field: refused beyond the bounds, before it is made. */
static int spend_field(const struct eval_ctx *ec, const struct where *where,
		       const char *field, struct pc_err *err)
{
	const struct pc_type *t = ec->obj->type;
	const char *plugin = t->plugin && t->plugin->path ? t->plugin->path : "?";

	if (!ec->spent)
		return 0;
	struct pc_resolve_limits limits;
	char *at;

	pc_resolve_limits(&limits);
	if (++ec->spent->section_fields > limits.section_fields) {
		at = where_text(where);
		pc_err_setc(err, PC_E_LIMIT,
			    "%s, field '%s': the section of type '%s' (plugin %s) expands to more than %llu fields (a nested description is copied for every field that holds it; --max-layout-fields raises the bound)",
			    at, field, t->name, plugin,
			    (unsigned long long)limits.section_fields);
		free(at);
		return -1;
	}
	if (++ec->spent->vm_fields > limits.vm_fields) {
		at = where_text(where);
		pc_err_setc(err, PC_E_LIMIT,
			    "%s, field '%s': the VM's sections expand to more than %llu fields in all (type '%s', plugin %s; --max-layout-fields raises the bound)",
			    at, field, (unsigned long long)limits.vm_fields,
			    t->name, plugin);
		free(at);
		return -1;
	}
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

/* The most bytes 'd' can put on the wire: every field at its count (a
 * count-field array at its bound), every subsection sent. */
static uint64_t rdesc_bytes(const struct pc_rdesc *d)
{
	uint64_t total = 0;

	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct pc_rnode *n = &d->nodes[i];
		uint64_t each = n->desc ? rdesc_bytes(n->desc) : n->size;
		uint64_t count = n->count_field ? n->count_max : n->count;

		total = sat_add(total, sat_mul(count, each));
	}
	for (size_t i = 0; i < d->n_subs; i++)
		if (d->subs[i].desc)
			total = sat_add(total, rdesc_bytes(d->subs[i].desc));
	return total;
}

int pc_object_xval(const struct pc_vm *vm, const struct pc_object *o,
		   const char *name, struct pc_xval *out)
{
	return prop_or_attr_xval(pc_object_prop(vm, o, name, NULL), o->type,
				 name, out);
}

static int obj_lookup(void *ctx, const char *name, struct pc_xval *out)
{
	const struct eval_ctx *c = ctx;

	if (!pc_object_xval(c->vm, c->obj, name, out))
		return 0;
	return mcfg_lookup((void *)(uintptr_t)&c->mc, name, out);
}

struct why_ctx {
	const struct eval_ctx *ec;
	struct pc_strbuf *sb;
};

static void why_name(void *ctx, const char *name)
{
	struct why_ctx *w = ctx;
	const struct pc_eprop *ep = pc_object_prop(w->ec->vm, w->ec->obj, name,
						   NULL);

	if (ep) {
		char *x = pc_eprop_explain(ep);

		pc_strbuf_addf(w->sb, "; %s", x);
		free(x);
	} else if (pc_type_attr(w->ec->obj->type, name)) {
		pc_strbuf_addf(w->sb, "; %s = %s (attribute of %s)", name,
			       pc_type_attr(w->ec->obj->type, name)->text,
			       w->ec->obj->type->name);
	} else if (!strcmp(name, "smp")) {
		pc_strbuf_addf(w->sb, "; smp = %d", w->ec->mc.smp);
	}
}

static void smp_name(void *ctx, const char *name)
{
	bool *read = ctx;

	if (!strcmp(name, "smp"))
		*read = true;
}

/* An explanation names the vCPU count it shows when 'e' names smp, even
 * where evaluating 'e' did not read it (&&, ||, ?:): the VM depends on
 * smp all the same. */
static void note_smp_named(const struct eval_ctx *ec, const struct pc_expr *e)
{
	if (ec->mc.smp_read)
		pc_expr_names(e, smp_name, ec->mc.smp_read);
}

/* "<what> = <expr> = <value>; prop = v (provenance)..."; register-like
 * values (masks, invariants) read better in hex */
static char *explain_expr_fmt(const struct eval_ctx *ec, const char *what,
			      const struct pc_expr *e, long long value, bool hex)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct why_ctx w = { ec, &sb };
	char *es = pc_expr_str(e);

	note_smp_named(ec, e);
	if (hex)
		pc_strbuf_addf(&sb, "%s = %s = 0x%llx", what, es,
			       (unsigned long long)value);
	else
		pc_strbuf_addf(&sb, "%s = %s = %lld", what, es, value);
	free(es);
	pc_expr_names(e, why_name, &w);
	return pc_strbuf_detach(&sb);
}

static char *explain_expr(const struct eval_ctx *ec, const char *what,
			  const struct pc_expr *e, long long value)
{
	return explain_expr_fmt(ec, what, e, value, false);
}

/* Record "WHAT = EXPR = VALUE" as the next part of '*w' (made for 'ec''s
 * object on first use); formatted by lazy_why_text() when read. */
static void why_record(struct pc_rwhy **w, const struct eval_ctx *ec,
		       const char *what, const struct pc_expr *e,
		       long long value)
{
	note_smp_named(ec, e);
	if (!*w) {
		*w = arena_calloc(ec->vm->arena, 1, sizeof(**w));
		(*w)->arena = ec->vm->arena;
		(*w)->obj = ec->obj;
		(*w)->objs = ec->vm->objs;
		(*w)->n_objs = ec->vm->n_objs;
		(*w)->smp = ec->mc.smp;
	}
	assert((*w)->n < PC_ARRAY_SIZE((*w)->part));
	(*w)->part[(*w)->n].what = what;
	(*w)->part[(*w)->n].e = e;
	(*w)->part[(*w)->n].value = value;
	(*w)->n++;
}

/* The parts of 'w' as the eager explanation read: joined with "; ", a
 * runtime subsection's tail after them. */
static char *lazy_why_text(const struct pc_rwhy *w)
{
	struct pc_vm view = { 0 };
	struct eval_ctx ec = { 0 };
	struct pc_strbuf sb = PC_STRBUF_INIT;

	view.objs = (struct pc_object *)(uintptr_t)w->objs;
	view.n_objs = w->n_objs;
	ec.vm = &view;
	ec.obj = w->obj;
	ec.mc.smp = w->smp;
	for (size_t i = 0; i < w->n; i++) {
		char *x = explain_expr(&ec, w->part[i].what, w->part[i].e,
				       w->part[i].value);

		pc_strbuf_addf(&sb, "%s%s", i ? "; " : "", x);
		free(x);
	}
	if (w->runtime)
		pc_strbuf_addstr(&sb, ", then sent when the guest's state needs it (runtime)");
	return pc_strbuf_detach(&sb);
}

/* Format the explanation of '*lazy' into '*text' once (into the VM's
 * arena, where both are). */
static const char *why_text(const char *const *text,
			    struct pc_rwhy *const *lazy)
{
	/* formatting once is logically const: the text is what was recorded */
	const char **t = (const char **)(uintptr_t)text;
	struct pc_rwhy **l = (struct pc_rwhy **)(uintptr_t)lazy;

	if (*l) {
		assert(!*t);
		*t = arena_take_str((*l)->arena, lazy_why_text(*l));
		*l = NULL;
	}
	return *t;
}

const char *pc_rnode_why(const struct pc_rnode *n)
{
	return why_text(&n->why_text, &n->why_lazy);
}

const char *pc_rsub_why(const struct pc_rsub *s)
{
	return why_text(&s->why_text, &s->why_lazy);
}

/* The names of an expression that are dependencies: not the vCPU counts */
static bool is_dep(const char *name)
{
	return strcmp(name, "smp") && strcmp(name, "max_cpus");
}

/* Building a dependency list: measured, then written ('out' set). */
struct deps_build {
	char *out;
	size_t len;
};

static void dep_len(void *ctx, const char *name)
{
	struct deps_build *b = ctx;

	if (is_dep(name))
		b->len += (b->len ? 1 : 0) + strlen(name);
}

static void dep_put(void *ctx, const char *name)
{
	struct deps_build *b = ctx;
	size_t l = strlen(name);

	if (!is_dep(name))
		return;
	if (b->len)
		b->out[b->len++] = ' ';
	memcpy(b->out + b->len, name, l);
	b->len += l;
}

/* Append the names 'e' refers to to '*deps' (space separated), a string
 * of arena 'a': the names are walked twice (the length, then the text)
 * rather than built in a growing buffer. */
static void add_deps(struct pc_arena *a, const char **deps,
		     const struct pc_expr *e)
{
	size_t old = *deps ? strlen(*deps) : 0;
	struct deps_build b = { NULL, old };

	pc_expr_names(e, dep_len, &b);
	if (b.len == old)
		return; /* nothing to add */
	b.out = pc_arena_alloc(a, b.len + 1);
	if (old)
		memcpy(b.out, *deps, old);
	b.len = old;
	pc_expr_names(e, dep_put, &b);
	b.out[b.len] = '\0';
	*deps = b.out;
}

static int resolve_desc(const struct eval_ctx *ec, const struct pc_vmsd *v,
			int depth, struct pc_rdesc **out, struct pc_err *err);

/* An expression error says where the expression sits: "WHERE: MSG". */
static int err_at(struct pc_err *err, const char *where)
{
	if (err && err->set) {
		struct pc_err inner = *err;

		pc_err_clear(err);
		pc_err_wrap(err, &inner, "%s", where);
	}
	return -1;
}

static int eval_at(const struct eval_ctx *ec, const struct pc_expr *e,
		   int64_t *val, const struct where *where, struct pc_err *err)
{
	if (pc_expr_eval(e, obj_lookup, (void *)(uintptr_t)ec, val, err)) {
		char *at = where_text(where);

		err_at(err, at);
		free(at);
		return -1;
	}
	return 0;
}

/* Append "; MORE" to *why (taking MORE), or make MORE the reason. */
static void why_append(char **why, char *more)
{
	if (*why) {
		char *j = pc_xasprintf("%s; %s", *why, more);

		free(*why);
		free(more);
		*why = j;
	} else {
		*why = more;
	}
}

/* The element count of field 'f' as 'ec' configures it, into 'n'. */
static int resolve_count(const struct eval_ctx *ec, const struct pc_field *f,
			 struct pc_rnode *n, const struct where *where,
			 struct pc_err *err)
{
	int64_t c;

	n->count = 1;
	switch (f->count_kind) {
	case PC_COUNT_ONE:
		break;
	case PC_COUNT_FIXED:
		n->count = f->count_fixed;
		break;
	case PC_COUNT_EXPR:
		if (eval_at(ec, f->count_expr, &c, where, err))
			return -1;
		if (c < 0 || c > 0x7fffffff) {
			char *at = where_text(where);

			pc_err_set(err, "%s: count of field '%s' is %lld (out of range)",
				   at, f->name, (long long)c);
			free(at);
			return -1;
		}
		n->count = (uint32_t)c;
		add_deps(ec->vm->arena, &n->deps, f->count_expr);
		why_record(&n->why_lazy, ec, "count", f->count_expr,
			   (long long)c);
		break;
	case PC_COUNT_FIELD:
		n->count = 0;
		n->count_max = f->count_max;
		n->count_field = f->count_field;
		break;
	}
	return 0;
}

/*
 * Field 'f' of description 'd' as this side sends it: skipped (nothing
 * appended) when the side's release or version does not have it or its
 * condition is false.
 */
static int resolve_field(const struct eval_ctx *ec, const struct pc_field *f,
			 struct pc_rdesc *d, int depth, const struct where *where,
			 struct pc_err *err)
{
	struct pc_rnode *n;
	int64_t c = 0;

	if (!in_release(ec->vm->side, f->has_since, &f->since))
		return 0;
	if (f->version > d->version_id)
		return 0; /* this side never sends it */
	if (f->cond) {
		if (eval_at(ec, f->cond, &c, where, err))
			return -1;
		if (!c)
			return 0;
	}
	if (spend_field(ec, where, f->name, err))
		return -1;
	n = &d->nodes[d->n_nodes++];
	memset(n, 0, sizeof(*n));
	if (f->cond)
		add_deps(ec->vm->arena, &n->deps, f->cond);
	n->name = f->name;
	n->kind = f->kind;
	n->size = f->size ? f->size : pc_field_kind_size(f->kind);
	n->version = f->version;
	n->info = f->info;
	n->decl = f;
	if (f->cond)
		why_record(&n->why_lazy, ec, "present if", f->cond,
			   (long long)c);
	if (resolve_count(ec, f, n, where, err))
		return -1;
	if (f->kind == PC_FIELD_STRUCT && f->desc) {
		if (resolve_desc(ec, f->desc, depth + 1, &n->desc, err))
			return -1;
		n->size = 0;
	}
	return 0;
}

/* When subsection 'sub' is sent, and why, into 'rs'. */
static int resolve_send(const struct eval_ctx *ec,
			const struct pc_subsection *sub, struct pc_rsub *rs,
			const struct where *where, struct pc_err *err)
{
	int64_t c;

	rs->cond = sub->needed
		   ? (sub->runtime ? PC_SUBCOND_NEEDED_RUNTIME : PC_SUBCOND_NEEDED)
		   : (sub->runtime ? PC_SUBCOND_RUNTIME : PC_SUBCOND_ALWAYS);
	if (!sub->needed) {
		rs->send = sub->runtime ? PC_SEND_MAYBE : PC_SEND_ALWAYS;
		rs->why_text = sub->runtime ?
			"declared runtime: sent when the guest's state needs it" :
			"no needed= condition: sent every time (QEMU sends a subsection without needed() unconditionally)";
		return 0;
	}
	if (eval_at(ec, sub->needed, &c, where, err))
		return -1;
	rs->send = !c ? PC_SEND_NEVER
		      : sub->runtime ? PC_SEND_MAYBE : PC_SEND_ALWAYS;
	add_deps(ec->vm->arena, &rs->deps, sub->needed);
	why_record(&rs->why_lazy, ec, "needed", sub->needed, (long long)c);
	rs->why_lazy->runtime = c && sub->runtime;
	return 0;
}

static int resolve_sub(const struct eval_ctx *ec,
		       const struct pc_subsection *sub, struct pc_rdesc *d,
		       int depth, const struct where *where, struct pc_err *err)
{
	const struct pc_side *s = ec->vm->side;
	struct pc_rsub *rs;

	if (!in_release(s, sub->has_since, &sub->since) || !sub->desc ||
	    !in_release(s, sub->desc->has_since, &sub->desc->since))
		return 0;
	rs = &d->subs[d->n_subs++];
	memset(rs, 0, sizeof(*rs));
	if (resolve_send(ec, sub, rs, where, err))
		return -1;
	return resolve_desc(ec, sub->desc, depth + 1, &rs->desc, err);
}

/* The value of invariant 'iv' at the side's release: a was= entry of a
 * release reconstructed before its version, else the expression. */
static int inv_value(const struct eval_ctx *ec, const struct pc_invariant *iv,
		     int64_t *val, bool *from_was, const struct where *where,
		     struct pc_err *err)
{
	const struct pc_side *s = ec->vm->side;

	*from_was = false;
	for (size_t i = 0; s->project && iv->reg && i < iv->reg->n_changes; i++)
		if (pc_version_cmp(&iv->reg->changes[i].version, &s->release) > 0) {
			*val = (int64_t)iv->reg->changes[i].value;
			*from_was = true;
			return 0;
		}
	return eval_at(ec, iv->value, val, where, err);
}

/* A mask expression of a register, 'dflt' when it has none. */
static int inv_mask(const struct eval_ctx *ec, const struct pc_expr *e,
		    int64_t dflt, int64_t *val, const struct where *where,
		    struct pc_err *err)
{
	*val = dflt;
	return e ? eval_at(ec, e, val, where, err) : 0;
}

/* "; wmask = EXPR = 0x..." for the masks a register declares */
static void explain_masks(const struct eval_ctx *ec,
			  const struct pc_invariant *iv, uint64_t lim,
			  int64_t wm, int64_t w1, struct pc_strbuf *sb,
			  const char **deps)
{
	const struct pc_expr *e[2] = { iv->reg->wmask, iv->reg->w1cmask };
	const char *what[2] = { "wmask (guest-writable)",
				"w1cmask (write-1-to-clear)" };
	int64_t v[2] = { wm, w1 };

	for (size_t i = 0; i < 2; i++) {
		char *w;

		if (!e[i])
			continue;
		w = explain_expr_fmt(ec, what[i], e[i],
				     (long long)((uint64_t)v[i] & lim), true);
		pc_strbuf_addf(sb, "; %s", w);
		free(w);
		add_deps(ec->vm->arena, deps, e[i]);
	}
}

/* Array 'v' of 'n' elements of 'size' bytes, whose room is '*alloc', with
 * room for 'more': 'v', or a larger copy from arena 'a' when it is full. */
static void *arena_grow(struct pc_arena *a, void *v, size_t n, size_t more,
			size_t *alloc, size_t size)
{
	void *bigger;

	if (n + more <= *alloc)
		return v;
	*alloc = n + more > 2 * *alloc ? n + more : 2 * *alloc;
	bigger = arena_array(a, *alloc, size);
	if (n)
		memcpy(bigger, v, n * size);
	return bigger;
}

/*
 * Invariant or register 'iv' evaluated at byte 'offset' of buffer field
 * 'field', appended to 'd': an invariant's mask is its read-only mask; a
 * register's is QEMU's cmask & ~wmask & ~w1cmask, and its wmask and
 * w1cmask bits change at run time.
 */
static int resolve_reg_at(const struct eval_ctx *ec,
			  const struct pc_invariant *iv, uint32_t offset,
			  const char *field, struct pc_rdesc *d,
			  const struct where *where, struct pc_err *err)
{
	bool reg = iv->reg && iv->reg->is_register, from_was;
	uint64_t lim = iv->size >= 8 ? ~0ULL : ((1ULL << (iv->size * 8)) - 1);
	int64_t val, cm, wm = 0, w1 = 0;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct pc_rinv *ri;
	char *w;

	if (inv_value(ec, iv, &val, &from_was, where, err) ||
	    inv_mask(ec, iv->romask, -1, &cm, where, err) ||
	    (reg && (inv_mask(ec, iv->reg->wmask, 0, &wm, where, err) ||
		     inv_mask(ec, iv->reg->w1cmask, 0, &w1, where, err))))
		return -1;
	d->invs = arena_grow(ec->vm->arena, d->invs, d->n_invs, 1,
			     &d->alloc_invs, sizeof(*d->invs));
	ri = &d->invs[d->n_invs++];
	memset(ri, 0, sizeof(*ri));
	ri->name = iv->name;
	ri->field = field; /* a declaration's, as the node's name */
	ri->offset = offset;
	ri->size = iv->size;
	ri->value = (uint64_t)val & lim;
	ri->romask = (uint64_t)cm & ~(uint64_t)wm & ~(uint64_t)w1 & lim;
	ri->runtime_bits = ((uint64_t)wm | (uint64_t)w1) & lim;
	if (from_was) {
		char rv[32];

		pc_version_str(&ec->vm->side->release, rv, sizeof(rv));
		pc_strbuf_addf(&sb, "value = 0x%llx (was= of release %s)",
			       (unsigned long long)ri->value, rv);
	} else {
		w = explain_expr_fmt(ec, "value", iv->value,
				     (long long)ri->value, true);
		pc_strbuf_addstr(&sb, w);
		free(w);
		add_deps(ec->vm->arena, &ri->deps, iv->value);
	}
	if (iv->romask) {
		w = explain_expr_fmt(ec, reg ? "cmask (checked)" : "read-only mask",
				     iv->romask, (long long)((uint64_t)cm & lim), true);
		pc_strbuf_addf(&sb, "; %s", w);
		free(w);
		add_deps(ec->vm->arena, &ri->deps, iv->romask);
	}
	if (reg)
		explain_masks(ec, iv, lim, wm, w1, &sb, &ri->deps);
	ri->why = pc_arena_bytes_dup(ec->vm->arena, sb.buf ? sb.buf : "",
				     sb.len);
	pc_strbuf_release(&sb);
	return 0;
}

/* Invariant 'iv' of description 'd's declaration, into 'd'. */
static int resolve_inv(const struct eval_ctx *ec,
		       const struct pc_invariant *iv, struct pc_rdesc *d,
		       const struct where *where, struct pc_err *err)
{
	if (!in_release(ec->vm->side, iv->has_since, &iv->since))
		return 0;
	return resolve_reg_at(ec, iv, iv->offset, iv->field, d, where, err);
}

/* ---- config space a type adds to its section (pciconf.h) ---- */

/* The resolved description holding buffer 'path' of 'd' and the
 * buffer's bytes, or NULL when the path is not on the wire here. */
static struct pc_rdesc *cfg_target(struct pc_rdesc *d, const char *path,
				   uint32_t *bytes, const char **leaf)
{
	while (d) {
		struct pc_rnode *n = NULL;
		size_t len = 0;

		/* the longest field name heading the path (names may hold
		 * dots: pc_path_head()) */
		for (size_t i = 0; i < d->n_nodes; i++) {
			size_t l = pc_path_head(path, d->nodes[i].name);

			if (l > len) {
				len = l;
				n = &d->nodes[i];
			}
		}
		if (!n)
			return NULL;
		if (!path[len]) {
			if (n->kind != PC_FIELD_BUFFER)
				return NULL;
			*bytes = n->size * (n->count ? n->count : 1);
			*leaf = n->name;
			return d;
		}
		d = n->desc;
		path += len + 1;
	}
	return NULL;
}

/* Is capability 'c' in the VM: in the side's release, its if= true. */
static int cap_present(const struct eval_ctx *ec, const struct pc_capability *c,
		       bool *on, const struct where *where, struct pc_err *err)
{
	int64_t v = 1;

	*on = false;
	if (!in_release(ec->vm->side, c->has_since, &c->since))
		return 0;
	if (c->cond && eval_at(ec, c->cond, &v, where, err))
		return -1;
	*on = v != 0;
	return 0;
}

/*
 * The table a present capability describes against the state that
 * carries it (MSI-X: the Message Control table size and msix_save()'s
 * table): 'entries' must be the field's element count.
 */
static int check_cap_table(const struct eval_ctx *ec, struct pc_rdesc *root,
			   const struct pc_capability *cap, const struct where *where,
			   struct pc_err *err)
{
	const char *leaf = NULL;
	uint32_t bytes = 0;
	int64_t want;
	const struct pc_rdesc *d;
	char *at;

	if (!cap->table)
		return 0;
	if (eval_at(ec, cap->entries, &want, where, err))
		return -1;
	d = cfg_target(root, cap->table, &bytes, &leaf);
	for (size_t i = 0; d && i < d->n_nodes; i++) {
		const struct pc_rnode *n = &d->nodes[i];

		if (strcmp(n->name, leaf))
			continue;
		if ((int64_t)(n->count ? n->count : 1) == want)
			return 0;
		at = where_text(where);
		pc_err_setc(err, PC_E_INPUT, "%s: capability '%s' (line %d) has %lld table entries (entries=), but the state field %s carries %u",
			    at, cap->name, cap->line, (long long)want,
			    cap->table, n->count ? n->count : 1);
		free(at);
		return -1;
	}
	at = where_text(where);
	pc_err_setc(err, PC_E_INPUT, "%s: capability '%s' (line %d): its table %s is not in the state",
		    at, cap->name, cap->line, cap->table);
	free(at);
	return -1;
}

/* The capabilities of buffer 'path', placed in add order into 'd'. */
static int place_caps(const struct eval_ctx *ec, const struct pc_cfg_chain *c,
		      const char *path, struct pc_rdesc *root,
		      struct pc_rdesc *d, uint32_t bytes, const char *leaf,
		      const struct where *where, struct pc_err *err)
{
	struct pc_arena *a = ec->vm->arena;
	const struct pc_capability *in[64];
	struct pc_cfg_place pl[64];
	size_t n = 0, bad = 0;
	const char *what = NULL;
	const char *deps = NULL; /* every condition of the buffer decides placement */
	char *at;

	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->types[i]->n_caps; k++) {
			const struct pc_capability *cap = &c->types[i]->caps[k];
			bool on;

			if (strcmp(cap->field, path))
				continue;
			if (n == PC_ARRAY_SIZE(in)) {
				at = where_text(where);
				pc_err_setc(err, PC_E_LIMIT, "%s: more than %zu capabilities in %s",
					    at, PC_ARRAY_SIZE(in), path);
				free(at);
				return -1;
			}
			if (cap->cond)
				add_deps(a, &deps, cap->cond);
			if (cap_present(ec, cap, &on, where, err))
				return -1;
			if (!on)
				continue;
			if (check_cap_table(ec, root, cap, where, err))
				return -1;
			in[n] = cap;
			pl[n++] = (struct pc_cfg_place){ cap->at, cap->size,
							 cap->express, 0, 0 };
		}
	if (pc_cfg_place_caps(pl, n, bytes, &what, &bad)) {
		at = where_text(where);
		pc_err_setc(err, PC_E_INPUT, "%s: capability '%s' (%u bytes) %s in %s",
			    at, in[bad]->name, in[bad]->size, what, path);
		free(at);
		return -1;
	}
	d->caps = arena_grow(a, d->caps, d->n_caps, n, &d->alloc_caps,
			     sizeof(*d->caps));
	for (size_t i = 0; i < n; i++) {
		struct pc_rcap *r = &d->caps[d->n_caps++];

		memset(r, 0, sizeof(*r));
		r->name = in[i]->name;
		r->field = leaf; /* a declaration's, as the node's name */
		r->id = in[i]->id;
		r->cap_version = in[i]->cap_version;
		r->size = in[i]->size;
		r->express = in[i]->express;
		r->offset = pl[i].off;
		r->next = pl[i].next;
		if (in[i]->cond)
			r->why = arena_take_str(a, explain_expr_fmt(ec, "present",
							in[i]->cond, 1, false));
		r->deps = deps; /* shared: the arena frees it once */
	}
	return 0;
}

/* Register 'iv' of a type, placed into the section 'root'. */
static int apply_register(const struct eval_ctx *ec,
			  const struct pc_cfg_chain *c,
			  const struct pc_invariant *iv, struct pc_rdesc *root,
			  const struct where *where, struct pc_err *err)
{
	const char *path = iv->field, *leaf = NULL;
	uint32_t bytes = 0, base = 0;
	struct pc_rdesc *d;

	if (!in_release(ec->vm->side, iv->has_since, &iv->since))
		return 0;
	if (iv->reg && iv->reg->cap) {
		const struct pc_capability *cap = pc_cfg_find_cap(c, iv->reg->cap);
		const struct pc_rcap *rc = NULL;

		if (!cap || !(d = cfg_target(root, cap->field, &bytes, &leaf)))
			return 0;
		for (size_t i = 0; i < d->n_caps && !rc; i++)
			if (!strcmp(d->caps[i].name, cap->name))
				rc = &d->caps[i];
		if (!rc) /* the capability is not in this VM */
			return 0;
		base = rc->offset;
	} else if (!(d = cfg_target(root, path, &bytes, &leaf))) {
		return 0;
	}
	return resolve_reg_at(ec, iv, base + iv->offset, leaf, d, where, err);
}

/* The capabilities and registers the object's type (and its parents)
 * declare, into its resolved section 'root'. */
static int apply_type_config(const struct eval_ctx *ec,
			     struct pc_rdesc *root, struct pc_err *err)
{
	struct pc_cfg_chain c;
	const struct where where = { WHERE_CONFIG, ec->obj->id, NULL, 0 };

	pc_cfg_chain(ec->obj->type, &c);
	for (size_t i = 0; i < c.n; i++)
		for (size_t k = 0; k < c.types[i]->n_caps; k++) {
			const struct pc_capability *cap = &c.types[i]->caps[k];
			const char *leaf = NULL;
			uint32_t bytes = 0;
			struct pc_rdesc *d = cfg_target(root, cap->field, &bytes,
							&leaf);
			bool done = false;

			/* each buffer once: at its first capability */
			for (size_t j = 0; d && j < d->n_caps && !done; j++)
				done = !strcmp(d->caps[j].field, leaf);
			if (d && !done &&
			    place_caps(ec, &c, cap->field, root, d, bytes, leaf,
				       &where, err))
				return -1;
		}
	for (size_t i = 0; i < c.n; i++)
		for (size_t k = 0; k < c.types[i]->n_registers; k++)
			if (apply_register(ec, &c, &c.types[i]->registers[k],
					   root, &where, err))
				return -1;
	return 0;
}

/* A new resolved description, in arena 'a', with the version ids 'v' had
 * at the side's release; room for every field, subsection and invariant
 * it declares. */
static struct pc_rdesc *rdesc_new(struct pc_arena *a, const struct pc_side *s,
				  const struct pc_vmsd *v)
{
	struct pc_rdesc *d = arena_calloc(a, 1, sizeof(*d));

	d->name = v->name;
	d->version_id = v->version_id;
	d->min_version_id = v->min_version_id;
	if (s->project) {
		for (size_t i = 0; i < v->n_changes; i++) {
			if (pc_version_cmp(&v->changes[i].version, &s->release) > 0) {
				d->version_id = v->changes[i].version_id;
				d->min_version_id = v->changes[i].min_version_id;
				break;
			}
		}
	}
	/* not zeroed: each element is as it is used (most fields are,
	 * and the declaration sizes the arrays) */
	d->nodes = arena_array(a, v->n_fields, sizeof(*d->nodes));
	d->subs = arena_array(a, v->n_subsections, sizeof(*d->subs));
	d->invs = arena_array(a, v->n_invariants, sizeof(*d->invs));
	d->alloc_invs = v->n_invariants;
	return d;
}

/* Description 'v' resolved for the object of 'ec' into '*out' (in the VM's
 * arena: on an error, what was made stays there until pc_vm_release()). */
static int resolve_desc(const struct eval_ctx *ec, const struct pc_vmsd *v,
			int depth, struct pc_rdesc **out, struct pc_err *err)
{
	const struct where where = { WHERE_DESC, ec->obj->id, v->name, 0 };
	struct pc_rdesc *d;

	*out = NULL;
	if (depth > MAX_DEPTH)
		return pc_err_setc(err, PC_E_LIMIT,
				   "description '%s': nesting deeper than %d",
				   v->name, MAX_DEPTH);
	d = rdesc_new(ec->vm->arena, ec->vm->side, v);
	d->decl = v;
	for (size_t i = 0; i < v->n_fields; i++)
		if (resolve_field(ec, &v->fields[i], d, depth, &where, err))
			return -1;
	for (size_t i = 0; i < v->n_subsections; i++)
		if (resolve_sub(ec, &v->subsections[i], d, depth, &where, err))
			return -1;
	for (size_t i = 0; i < v->n_invariants; i++)
		if (resolve_inv(ec, &v->invariants[i], d, &where, err))
			return -1;
	/* each array was sized by its declaration (rdesc_new()) */
	assert(d->n_nodes <= v->n_fields && d->n_subs <= v->n_subsections &&
	       d->n_invs <= v->n_invariants);
	*out = d;
	return 0;
}

/* the string and its NUL (NULL: "") */
static void fp_str(uint64_t *h, const char *s)
{
	*h = pc_hash64_str(s ? s : "", *h);
}

/* the integer's 8 bytes */
static void fp_int(uint64_t *h, uint64_t v)
{
	*h = pc_hash64_u64(v, *h);
}

static void fp_desc(uint64_t *h, const struct pc_rdesc *d)
{
	fp_str(h, d->name);
	fp_int(h, (uint64_t)d->version_id);
	fp_int(h, (uint64_t)d->min_version_id);
	fp_int(h, d->n_nodes);
	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct pc_rnode *n = &d->nodes[i];

		fp_str(h, n->name);
		fp_int(h, (uint64_t)n->kind);
		fp_int(h, n->size);
		fp_int(h, n->count);
		fp_int(h, n->count_max);
		fp_str(h, n->count_field);
		fp_int(h, (uint64_t)n->version);
		if (n->desc)
			fp_desc(h, n->desc);
	}
	fp_int(h, d->n_subs);
	for (size_t i = 0; i < d->n_subs; i++) {
		fp_int(h, (uint64_t)d->subs[i].send);
		fp_desc(h, d->subs[i].desc);
	}
	fp_int(h, d->n_invs);
	for (size_t i = 0; i < d->n_invs; i++) {
		fp_str(h, d->invs[i].name);
		fp_int(h, d->invs[i].offset);
		fp_int(h, d->invs[i].size);
		fp_int(h, d->invs[i].value);
		fp_int(h, d->invs[i].romask);
		/* only when set: the fingerprints of descriptions without
		 * config-space declarations stay what releases recorded */
		if (d->invs[i].runtime_bits)
			fp_int(h, d->invs[i].runtime_bits);
	}
	for (size_t i = 0; i < d->n_caps; i++) {
		fp_str(h, d->caps[i].name);
		fp_int(h, d->caps[i].id);
		fp_int(h, d->caps[i].offset);
		fp_int(h, d->caps[i].next);
		fp_int(h, d->caps[i].size);
	}
}

uint64_t pc_rdesc_fingerprint(const struct pc_rdesc *d)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	fp_desc(&h, d);
	return h;
}

static uint64_t devkey_hash(const char *s)
{
	return pc_hash64(s, strlen(s), 0x243f6a8885a308d3ULL);
}

static uint64_t devkey_mix(uint64_t h, uint64_t a, uint64_t b)
{
	h = (h ^ a) * 0xff51afd7ed558ccdULL;
	h = (h ^ b) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

void pc_devkeys_init(struct pc_devkeys *l, struct pc_strmap *devs,
		     size_t n_objects, const char *const *obj_ids,
		     size_t n_sections, const size_t *sec_obj,
		     const char *const *sec_names)
{
	l->n_objects = n_objects;
	l->n_sections = n_sections;
	l->obj_dev = pc_xcalloc(n_objects + 1, sizeof(size_t));
	l->obj_h = pc_xcalloc(n_objects + 1, sizeof(uint64_t));
	l->sec_dev = pc_xcalloc(n_sections + 1, sizeof(size_t));
	l->sec_h = pc_xcalloc(n_sections + 1, sizeof(uint64_t));
	for (size_t q = 0; q < n_objects; q++) {
		const char *id = obj_ids[q];
		const char *sl = strchr(id, '/');

		/* children ("virtio-blk-pci/vdev") belong to their device */
		l->obj_dev[q] = pc_strmap_index(devs, id,
						sl ? (size_t)(sl - id) : strlen(id));
		l->obj_h[q] = devkey_hash(id);
	}
	for (size_t q = 0; q < n_sections; q++) {
		l->sec_dev[q] = l->obj_dev[sec_obj[q]];
		l->sec_h[q] = devkey_mix(l->obj_h[sec_obj[q]],
					 devkey_hash(sec_names[q]), 0);
	}
}

static void devkey_add(uint64_t *key, uint64_t h, uint64_t value)
{
	uint64_t k = devkey_mix(*key ? *key : 0x1b873593u, h, value);

	*key = k ? k : 1; /* 0 means absent */
}

void pc_devkeys_compute(const struct pc_devkeys *l, const uint64_t *sec_fps,
			const uint64_t *obj_digests, uint64_t *keys)
{
	for (size_t q = 0; q < l->n_sections; q++)
		devkey_add(&keys[l->sec_dev[q]], l->sec_h[q], sec_fps[q]);
	for (size_t q = 0; q < l->n_objects; q++)
		devkey_add(&keys[l->obj_dev[q]], l->obj_h[q], obj_digests[q]);
}

void pc_devkeys_release(struct pc_devkeys *l)
{
	free(l->obj_dev);
	free(l->obj_h);
	free(l->sec_dev);
	free(l->sec_h);
	memset(l, 0, sizeof(*l));
}

uint64_t pc_object_digest(const struct pc_object *o)
{
	uint64_t h = 0x7f4a7c159e3779b9ULL;

	fp_str(&h, o->type->name);
	fp_int(&h, o->n_props);
	for (size_t i = 0; i < o->n_props; i++) {
		const struct pc_eprop *ep = &o->props[i];
		bool seen = ep->prop->guest_visible || ep->prop->host_feature ||
			    ep->prop->wire;

		fp_str(&h, ep->prop->name);
		fp_str(&h, ep->owner->name);
		fp_int(&h, ep->prop->guest_visible);
		fp_str(&h, ep->prop->host_feature);
		if (ep->prop->wire) /* only then: other digests stay as recorded */
			fp_int(&h, 0x77697265);
		if (ep->prop->kind == PC_PROP_FEATURE) /* checked by its own rules */
			fp_int(&h, 0x66656174);
		if (seen)
			fp_str(&h, ep->val.text);
	}
	/* RAM blocks only when the object has some: the digests of objects
	 * without stay as recorded */
	for (size_t i = 0; i < o->n_rams; i++) {
		fp_str(&h, o->rams[i].decl->name);
		fp_int(&h, o->rams[i].used);
		fp_int(&h, o->rams[i].max);
		fp_int(&h, o->rams[i].resizeable);
	}
	return h;
}

/* Has 'o' got a block named 'name' already (a subtype's replaces its
 * ancestor's)? */
static bool ram_taken(const struct pc_object *o, const char *name)
{
	for (size_t i = 0; i < o->n_rams; i++)
		if (!strcmp(o->rams[i].decl->name, name))
			return true;
	return false;
}

/* RAM block 'b' of the object of 'ec' evaluated into o->rams (nothing
 * when its if= is false). */
static int resolve_ram(const struct eval_ctx *ec, struct pc_object *o,
		       const struct pc_ramblock *b, struct pc_err *err)
{
	const struct where where = { WHERE_RAM, o->id, b->name, b->line };
	struct pc_arena *a = ec->vm->arena;
	int64_t on = 1, used = 0, max = 0;
	struct pc_rram *r;
	char *why;

	if ((b->cond && eval_at(ec, b->cond, &on, &where, err)) ||
	    (on && eval_at(ec, b->size, &used, &where, err)) ||
	    (on && b->max && eval_at(ec, b->max, &max, &where, err)))
		return -1;
	if (!on)
		return 0;
	if (used <= 0 || (b->max && max < used)) {
		char *at = where_text(&where);

		pc_err_set(err, "%s: %s", at, used <= 0
			   ? "size= must be a positive number of bytes"
			   : "max= is below size= (a resizeable block starts at its used length and grows up to max)");
		free(at);
		return -1;
	}
	r = &o->rams[o->n_rams++];
	memset(r, 0, sizeof(*r));
	r->decl = b;
	r->used = (uint64_t)used;
	r->resizeable = b->max != NULL;
	r->max = r->resizeable ? (uint64_t)max : r->used;
	why = explain_expr_fmt(ec, "size", b->size, used, true);
	if (b->max)
		why_append(&why, explain_expr_fmt(ec, "max", b->max, max, true));
	r->why = arena_take_str(a, why);
	add_deps(a, &r->deps, b->size);
	if (b->max)
		add_deps(a, &r->deps, b->max);
	if (b->cond)
		add_deps(a, &r->deps, b->cond);
	return 0;
}

/* The RAM blocks of object 'o': its type's, then inherited ones. */
static int resolve_rams(struct pc_vm *vm, struct pc_object *o,
			struct pc_err *err)
{
	struct eval_ctx ec = { vm, o, { vm->smp, vm->machine->max_cpus,
					&vm->reads_smp }, NULL };
	size_t n = 0;

	for (const struct pc_type *t = o->type; t; t = t->parent)
		n += t->n_rams;
	if (!n)
		return 0;
	o->rams = arena_calloc(vm->arena, n, sizeof(*o->rams));
	for (const struct pc_type *t = o->type; t; t = t->parent)
		for (size_t i = 0; i < t->n_rams; i++) {
			const struct pc_ramblock *b = &t->rams[i];

			if (ram_taken(o, b->name) ||
			    !in_release(vm->side, b->has_since, &b->since))
				continue;
			if (resolve_ram(&ec, o, b, err))
				return -1;
		}
	return 0;
}

/* The idstr of 'o''s section when its type gives a path (idstr=): it is
 * part of the section's identity, so the fingerprint mixes it in (only
 * then: other fingerprints stay as recorded). */
static void section_idstr(const struct pc_vm *vm, const struct pc_object *o,
			  struct pc_rsection *rs)
{
	const char *pn = pc_type_idstr_prop(o->type);
	const struct pc_eprop *ep = pn ? pc_object_prop(vm, o, pn, NULL) : NULL;

	if (!ep)
		return;
	rs->idstr = arena_take_str(vm->arena,
				   pc_xasprintf("%s/%s",
						ep->val.text ? ep->val.text : "",
						rs->name));
	rs->idstr_prop = pn;
	fp_str(&rs->fingerprint, rs->idstr);
}

/* A section's wire bytes within the bound (arrays at their counts). */
static int check_section_bytes(const struct pc_object *o, const struct pc_vmsd *v,
			       const struct pc_rdesc *d, struct pc_err *err)
{
	uint64_t bytes = rdesc_bytes(d);
	const struct pc_type *t = o->type;
	struct pc_resolve_limits limits;

	pc_resolve_limits(&limits);
	if (bytes <= limits.section_bytes)
		return 0;
	return pc_err_setc(err, PC_E_LIMIT,
			   "%s: description '%s': the section of type '%s' (plugin %s) can put %s%llu bytes on the wire, more than %llu (array counts multiplied through nesting; --max-layout-fields raises the bound)",
			   o->id, v->name, t->name, t->plugin && t->plugin->path ? t->plugin->path : "?",
			   bytes == UINT64_MAX ? "over " : "", (unsigned long long)bytes,
			   (unsigned long long)limits.section_bytes);
}

int pc_vm_resolve(struct pc_vm *vm, struct pc_err *err)
{
	const struct pc_side *s = vm->side;

	struct budget spent = { 0, 0 };

	vm_arena_init(vm);
	vm->sections = arena_calloc(vm->arena, vm->n_objs + 1,
				    sizeof(*vm->sections));
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];
		const struct pc_vmsd *v = pc_type_section(o->type);
		struct eval_ctx ec = { vm, o, { vm->smp, vm->machine->max_cpus,
						&vm->reads_smp }, &spent };
		struct pc_rsection *rs;

		if (!v || !in_release(s, v->has_since, &v->since))
			continue;
		rs = &vm->sections[vm->n_sections];
		spent.section_fields = 0;
		if (resolve_desc(&ec, v, 0, &rs->desc, err) ||
		    apply_type_config(&ec, rs->desc, err) ||
		    check_section_bytes(o, v, rs->desc, err))
			return -1; /* not counted in n_sections */
		rs->name = v->name;
		rs->instance = o->id;
		rs->obj = o;
		rs->fingerprint = pc_rdesc_fingerprint(rs->desc);
		section_idstr(vm, o, rs);
		rs->priority = v->priority ? v->priority : PC_PRI_DEFAULT;
		/* only a declared one: other fingerprints stay as recorded */
		if (rs->priority != PC_PRI_DEFAULT)
			fp_int(&rs->fingerprint, (uint64_t)rs->priority);
		vm->n_sections++;
	}
	for (size_t i = 0; i < vm->n_objs; i++)
		if (resolve_rams(vm, &vm->objs[i], err))
			return -1;
	return 0;
}

void pc_vm_release(struct pc_vm *vm)
{
	for (size_t i = 0; i < vm->n_objs; i++) {
		struct pc_object *o = &vm->objs[i];

		/* the property array, the values' texts, the id: in the
		 * arena */
		for (size_t j = 0; j < o->n_props; j++)
			free(o->props[j].source_text);
	}
	free(vm->objs);
	/* the sections, their layouts, the RAM blocks: all in the arena */
	if (vm->arena) {
		pc_arena_release(vm->arena);
		free(vm->arena);
	}
	memset(vm, 0, sizeof(*vm));
}
