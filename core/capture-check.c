/*
 * capture-check.c - property values of two sides compared
 * (capture-check.h).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture-check.h"
#include "realize.h"
#include "model.h"

#include "banned.h"

/* a JSON scalar as the text pc_value_parse() reads */
static char *scalar_text(const json_t *v)
{
	if (json_is_true(v))
		return pc_xstrdup("on");
	if (json_is_false(v))
		return pc_xstrdup("off");
	if (json_is_integer(v))
		return pc_xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_string(v))
		return pc_xstrdup(json_string_value(v));
	return NULL;
}

static const json_t *find_machine(const json_t *cap, const char *machine,
				  const char *const *aliases, size_t n_aliases)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(cap, "machines"), i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));

		if (!name)
			continue;
		if (!strcmp(name, machine))
			return m;
		for (size_t k = 0; k < n_aliases; k++)
			if (!strcmp(name, aliases[k]))
				return m;
	}
	return NULL;
}

/* the key of a captured object: its type, or its parent's type and its own */
static char *capture_key(const json_t *objs, const json_t *o)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *parent = json_string_value(json_object_get(o, "parent"));
	const json_t *p;
	size_t i;

	if (!type)
		return NULL;
	if (!parent)
		return pc_xstrdup(type);
	json_array_foreach(objs, i, p) {
		const char *id = json_string_value(json_object_get(p, "id"));
		const char *pt = json_string_value(json_object_get(p, "type"));

		if (id && pt && !strcmp(id, parent))
			return pc_xasprintf("%s/%s", pt, type);
	}
	return NULL;
}

int pc_pvals_from_capture(const json_t *cap, const char *label,
			  const char *machine, const char *const *aliases,
			  size_t n_aliases, struct pc_pvals *out,
			  struct pc_err *err)
{
	const json_t *m = find_machine(cap, machine, aliases, n_aliases), *objs, *o;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!m)
		return pc_err_setc(err, PC_E_NOT_FOUND,
				   "%s has no capture of machine type '%s' (capture it with --machine %s)",
				   label, machine, machine);
	out->objs = json_object();
	out->label = pc_xstrdup(label);
	objs = json_object_get(m, "objects");
	json_array_foreach(objs, i, o) {
		char *key = capture_key(objs, o);
		const json_t *props = json_object_get(o, "props"), *v;
		json_t *vals;
		const char *name;

		if (!key || json_object_get(out->objs, key)) {
			free(key);
			continue; /* first instance of a type wins */
		}
		vals = json_object();
		json_object_foreach((json_t *)(uintptr_t)props, name, v) {
			char *t = scalar_text(v);

			if (t)
				json_object_set_new(vals, name, json_string(t));
			free(t);
		}
		json_object_set_new(out->objs, key, vals);
		free(key);
	}
	return 0;
}

/* the properties of one object as QEMU reads them after realize */
static int object_vals(const struct pc_vm *vm, const struct pc_object *o,
		       json_t *vals, struct pc_err *err)
{
	for (size_t k = 0; k < o->n_props; k++) {
		const struct pc_eprop *e = &o->props[k];
		char *r;

		if (e->absent || !e->val.text)
			continue;
		if (pc_eprop_realized(vm, o, e, &r, err))
			return -1;
		json_object_set_new(vals, e->prop->name, json_string(r ? r : e->val.text));
		free(r);
	}
	return 0;
}

int pc_pvals_from_vm(const struct pc_vm *vm, const char *label,
		     struct pc_pvals *out, struct pc_err *err)
{
	out->objs = json_object();
	out->label = pc_xstrdup(label);
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];
		char *key = o->parent ? pc_xasprintf("%s/%s", o->parent->type->name, o->type->name)
				      : pc_xstrdup(o->type->name);
		json_t *vals;

		if (json_object_get(out->objs, key)) {
			free(key);
			continue;
		}
		vals = json_object();
		json_object_set_new(out->objs, key, vals);
		free(key);
		if (object_vals(vm, o, vals, err))
			return -1;
	}
	return 0;
}

void pc_pvals_release(struct pc_pvals *v)
{
	json_decref(v->objs);
	free(v->label);
	memset(v, 0, sizeof(*v));
}

void pc_pvals_stats_release(struct pc_pvals_stats *st)
{
	for (size_t i = 0; i < st->n_lines; i++)
		free(st->lines[i]);
	free(st->lines);
	memset(st, 0, sizeof(*st));
}

/* canonical text of 'text' as a value of 'prop' (itself when it does
 * not parse: compared as written) */
static char *canonical(const struct pc_prop *prop, const char *text)
{
	struct pc_value v;
	struct pc_err e = { 0 };

	if (pc_value_parse(prop, text, &v, &e))
		return pc_xstrdup(text);
	return v.text;
}

static void report_diff(const struct pc_pvals *a, const struct pc_pvals *b,
			const char *machine, const char *key, const struct pc_prop *prop,
			const char *va, const char *vb, struct pc_report *r)
{
	enum pc_rule rule = prop->guest_visible ? PC_R_GUEST_PROP : PC_R_WIRE_PROP;
	char *path = pc_xasprintf("%s.%s", strrchr(key, '/') ? strrchr(key, '/') + 1 : key,
				  prop->name);
	char *why = pc_xasprintf("%s is %s on %s and %s on %s: %s", path, va, a->label, vb,
				 b->label, prop->guest_visible ?
				 "the guest saw the value, and a migrated guest keeps seeing the source's" :
				 "both ends of the stream must agree on it");
	char *fix = pc_xasprintf("if the model is right, both builds must run the VM with the same value (-global %s=VALUE on one side, or a compat entry for %s); if not, correct the declaration that gives %s",
				 path, machine, path);

	for (int dir = 0; dir < 2; dir++) {
		struct pc_finding f = {
			.rule = rule,
			.severity = PC_SEV_INCOMPATIBLE,
			.machine = machine,
			.src = dir ? b->label : a->label,
			.dst = dir ? a->label : b->label,
			.device = key,
			.path = path,
			.src_value = dir ? vb : va,
			.dst_value = dir ? va : vb,
			.why = why,
			.fix = fix,
		};

		pc_report_add(r, &f);
	}
	free(path);
	free(why);
	free(fix);
}

static void compare_object(const struct pc_pvals *a, const struct pc_pvals *b,
			   const struct pc_registry *reg, const char *machine,
			   const char *key, const json_t *oa, const json_t *ob,
			   struct pc_report *r, struct pc_pvals_stats *st)
{
	const char *slash = strrchr(key, '/');
	const struct pc_type *t = pc_registry_find_type(reg, slash ? slash + 1 : key);
	const struct pc_prop **props;
	size_t n;

	if (!t)
		return;
	n = pc_type_all_props(t, NULL, NULL, 0);
	props = pc_xcalloc(n + 1, sizeof(*props));
	pc_type_all_props(t, props, NULL, n);
	for (size_t i = 0; i < n; i++) {
		const char *ta = json_string_value(json_object_get(oa, props[i]->name));
		const char *tb = json_string_value(json_object_get(ob, props[i]->name));
		char *ca, *cb;

		if (!ta || !tb)
			continue;
		st->compared++;
		ca = canonical(props[i], ta);
		cb = canonical(props[i], tb);
		if (!strcmp(ca, cb)) {
			st->agree++;
		} else {
			st->differ++;
			PC_ALLOC_GROW(st->lines, st->n_lines + 1, st->alloc_lines);
			st->lines[st->n_lines++] = pc_xasprintf("%s.%s: %s on %s, %s on %s%s", key,
								props[i]->name, ca, a->label, cb, b->label,
								props[i]->guest_visible ? " (guest-visible)" :
								props[i]->wire ? " (stream protocol)" : "");
			if (props[i]->guest_visible || props[i]->wire) {
				st->reported++;
				report_diff(a, b, machine, key, props[i], ca, cb, r);
			}
		}
		free(ca);
		free(cb);
	}
	free(props);
}

void pc_pvals_compare(const struct pc_pvals *a, const struct pc_pvals *b,
		      const struct pc_registry *reg, const char *machine,
		      struct pc_report *r, struct pc_pvals_stats *st)
{
	const char *key;
	json_t *oa;

	memset(st, 0, sizeof(*st));
	json_object_foreach(a->objs, key, oa) {
		const json_t *ob = json_object_get(b->objs, key);

		if (!ob) {
			st->only_a++;
			continue;
		}
		compare_object(a, b, reg, machine, key, oa, ob, r, st);
	}
	json_object_foreach(b->objs, key, oa)
		if (!json_object_get(a->objs, key))
			st->only_b++;
}
