/*
 * cmd-props.c - `plugcheck props`: the effective configuration of a
 * machine type, every property with the value it ends up with and where
 * that value came from (default, derived, host capability, the compat
 * entry's file:line, or an override).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "decl.h"
#include "realize.h"
#include "report-json.h"

#include "banned.h"

static void props_help(FILE *f)
{
	fputs("usage: plugcheck props --machine M [--side S] [--device TYPE] [--explain TYPE.PROP]\n"
	      "                       [--smp N] [--global T.P=V] [--set ID.P=V] [--host FILE]\n\n"
	      "Every property of every device of the VM configuration (one instance of\n"
	      "each concrete type; composites with their children) after defaults, the\n"
	      "machine's compat chain and overrides, with provenance; where QEMU's\n"
	      "realize resolves a sentinel (realized=), the value after realize\n"
	      "follows the declared one (\"4294967295 -> 2 after realize\").\n\n"
	      "  --side S          whose configuration: 'tree' (default), a recorded\n"
	      "                    release (8.0), a baseline .json or a plugin directory\n"
	      "  --device TYPE     only devices of TYPE (or a subtype)\n"
	      "  --explain T.P     the whole story of one property: default, history,\n"
	      "                    every compat entry of the chain that names it\n"
	      "  --global T.P=V    like QEMU's -global (repeatable)\n"
	      "  --set ID.P=V      like -device ...,id=ID,P=V (repeatable)\n"
	      "  --host FILE       host capabilities (Documentation/host-caps.md)\n", f);
}

/* " (did you mean 'X'?)" for an unknown type name, or "". */
static const char *type_hint(const struct pc_registry *reg, const char *name,
			     char *buf, size_t len)
{
	const char *s = pc_registry_suggest_type(reg, name, false);

	snprintf(buf, len, "%s%s%s", s ? " (did you mean '" : "", s ? s : "",
		 s ? "'?)" : "");
	return buf;
}

/* The same for a property of 't' (its own and inherited ones). */
static const char *prop_hint(const struct pc_type *t, const char *name,
			     char *buf, size_t len)
{
	const char **names = NULL;
	size_t n = 0, alloc = 0;
	const char *s;

	for (const struct pc_type *a = t; a; a = a->parent)
		for (size_t i = 0; i < a->n_props; i++) {
			PC_ALLOC_GROW(names, n + 1, alloc);
			names[n++] = a->props[i].name;
		}
	s = n ? pc_suggest(name, names, n) : NULL;
	snprintf(buf, len, "%s%s%s", s ? " (did you mean '" : "", s ? s : "",
		 s ? "'?)" : "");
	free(names);
	return buf;
}

/* A virtio feature: the conditions of its offer (vfeature.h). */
static void print_feature_offer(struct pc_cli *cli, const struct pc_prop *p)
{
	fprintf(cli->out, "  virtio feature: bit %d of %s; the guest negotiates a subset of what the device offers\n",
		p->bitnr, p->container ? p->container : "?");
	if (p->host_feature)
		fprintf(cli->out, "  offered: only when the host has capability '%s'\n",
			p->host_feature);
	for (size_t i = 0; i < p->n_requires; i++)
		fprintf(cli->out, "  offered: only while %s is on\n",
			p->requires[i]);
}

/* the realized value of 'ep' (realize.h) into *r, or NULL; -1 printed */
static int realized(struct pc_cli *cli, const struct pc_vm *vm,
		    const struct pc_object *o, const struct pc_eprop *ep,
		    char **r)
{
	struct pc_err err = { 0 };

	if (!pc_eprop_realized(vm, o, ep, r, &err))
		return 0;
	pc_cli_error(cli, "%s", err.msg);
	return -1;
}

/* one instance's value, its provenance and what realize makes of it */
static int explain_value(struct pc_cli *cli, const struct pc_vm *vm,
			 const struct pc_object *o, const struct pc_eprop *ep)
{
	char *r;

	if (realized(cli, vm, o, ep, &r))
		return -1;
	fprintf(cli->out, "  %s: %s = %s\n      from %s\n", o->id, ep->prop->name,
		ep->val.text, pc_eprop_source(ep));
	if (r) {
		char *e = pc_expr_str(ep->prop->realized_expr);

		fprintf(cli->out, "      after realize: %s (realized=%s)\n", r, e);
		free(e);
	}
	free(r);
	return 0;
}

/* --explain in text: the story of property 'p' of type 't' ('owner'
 * declares it) and its value in each instance of the VM */
static int explain_text(struct pc_cli *cli, const struct pc_vm *vm,
			const struct pc_type *t, const struct pc_type *owner,
			const struct pc_prop *p)
{
	const char *type = t->name, *prop = p->name;
	bool any = false;
	struct pc_loc at = { "?", p->line }, text_at = { NULL, 0 };

	if (owner->plugin)
		pc_decl_loc(owner->plugin, p->line, &at, &text_at);
	/* a C source line as file:line (what editors follow), a line of
	 * the declaration text as before */
	fprintf(cli->out, "%s.%s: %s, declared by %s (%s%s%d)%s\n", type, prop,
		pc_prop_kind_name(p->kind), owner->name, at.file,
		text_at.file ? ":" : " line ", at.line,
		p->guest_visible ? ", guest-visible" : "");
	if (p->def_text)
		fprintf(cli->out, "  default: %s\n", p->def_text);
	if (p->def_expr) {
		char *e = pc_expr_str(p->def_expr);
		fprintf(cli->out, "  default: derived from the machine configuration: %s\n", e);
		free(e);
	}
	if (p->kind == PC_PROP_FEATURE)
		print_feature_offer(cli, p);
	else if (p->host_feature)
		fprintf(cli->out, "  default: on when the host has capability '%s'\n",
			p->host_feature);
	for (size_t i = 0; i < p->n_changes; i++) {
		char v[32];

		pc_version_str(&p->changes[i].version, v, sizeof(v));
		fprintf(cli->out, "  history: before %s the default was %s\n", v,
			p->changes[i].value);
	}
	if (p->has_since) {
		char v[32];

		pc_version_str(&p->since, v, sizeof(v));
		fprintf(cli->out, "  history: exists since %s\n", v);
		for (size_t i = 0; i < p->n_absent; i++) {
			char a[32];

			pc_version_str(&p->absent[i].version, a, sizeof(a));
			fprintf(cli->out, "  history: from %s until then the device behaved as %s\n",
				p->absent[i].version.v[0] ? a : "the beginning",
				p->absent[i].value);
		}
	}
	fprintf(cli->out, "  compat entries of %s that reach it (applied in order, the later wins):\n",
		vm->machine->name);
	for (size_t i = 0; i < vm->machine->n_chain; i++) {
		const struct pc_compat_entry *e = vm->machine->chain[i];

		if (strcmp(e->prop, prop) || !pc_type_is_a(t, e->driver))
			continue;
		fprintf(cli->out, "    %s %s %s   (%s)\n", e->driver, e->prop,
			e->value, e->origin);
		any = true;
	}
	if (!any)
		fprintf(cli->out, "    none\n");
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];
		const struct pc_eprop *ep;

		if (!pc_type_is_a(o->type, type))
			continue;
		ep = pc_object_prop(vm, o, prop, NULL);
		if (ep && explain_value(cli, vm, o, ep))
			return PC_EXIT_ERROR;
	}
	return PC_EXIT_OK;
}

static json_t *loc_json(const char *file, int line)
{
	return json_pack("{s:s, s:i}", "file", file, "line", line);
}

/* A declaration's place: its C source line, with the plugin and the line
 * of its declaration text beside it, else the latter (decl.h) */
static json_t *decl_json(const struct pc_plugin *pl, int text_line)
{
	struct pc_loc at, text_at;
	json_t *o;

	pc_decl_loc(pl, text_line, &at, &text_at);
	o = loc_json(at.file, at.line);
	if (text_at.file)
		json_object_set_new(o, "declaration_text",
				    loc_json(text_at.file, text_at.line));
	return o;
}

/* --explain's history: default changes, since, absent behaviour */
static json_t *history_json(const struct pc_prop *p)
{
	json_t *h = json_object(), *ch = json_array(), *ab = json_array();
	char v[32];

	for (size_t i = 0; i < p->n_changes; i++) {
		pc_version_str(&p->changes[i].version, v, sizeof(v));
		json_array_append_new(ch, json_pack("{s:s, s:s}", "before", v,
						    "value", p->changes[i].value));
	}
	json_object_set_new(h, "default_changes", ch);
	if (p->has_since) {
		pc_version_str(&p->since, v, sizeof(v));
		json_object_set_new(h, "since", json_string(v));
		for (size_t i = 0; i < p->n_absent; i++) {
			json_t *a = json_pack("{s:s}", "value", p->absent[i].value);

			pc_version_str(&p->absent[i].version, v, sizeof(v));
			if (p->absent[i].version.v[0])
				json_object_set_new(a, "from", json_string(v));
			json_array_append_new(ab, a);
		}
	}
	json_object_set_new(h, "absent", ab);
	return h;
}

/* the values of property 'p' of every instance of 't' in the VM */
static int instances_json(struct pc_cli *cli, const struct pc_vm *vm,
			  const struct pc_type *t, const struct pc_prop *p,
			  json_t *arr)
{
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];
		const struct pc_eprop *ep;
		json_t *jo;
		char *r;

		if (!pc_type_is_a(o->type, t->name) ||
		    !(ep = pc_object_prop(vm, o, p->name, NULL)))
			continue;
		if (realized(cli, vm, o, ep, &r))
			return -1;
		jo = json_pack("{s:s, s:s, s:s}", "id", o->id, "value",
			       ep->val.text ? ep->val.text : "", "source",
			       pc_eprop_source(ep) ? pc_eprop_source(ep) : "");
		if (ep->entry && ep->entry->file_len) {
			char *f = pc_xstrndup(ep->entry->origin, ep->entry->file_len);

			json_object_set_new(jo, "location", loc_json(f, ep->entry->line));
			free(f);
		}
		if (r) {
			char *e = pc_expr_str(p->realized_expr);

			json_object_set_new(jo, "realized", json_string(r));
			json_object_set_new(jo, "realized_expr", json_string(e));
			free(e);
			free(r);
		}
		json_array_append_new(arr, jo);
	}
	return 0;
}

/* --explain as JSON (Documentation/json-schema.md, "props --explain") */
static int explain_json(struct pc_cli *cli, const struct pc_vm *vm,
			const struct pc_type *t, const struct pc_type *owner,
			const struct pc_prop *p)
{
	json_t *x = json_object(), *ents = json_array(), *inst = json_array();

	json_object_set_new(x, "verb", json_string("props"));
	json_object_set_new(x, "mode", json_string("explain"));
	json_object_set_new(x, "machine", json_string(vm->machine->name));
	json_object_set_new(x, "property", json_sprintf("%s.%s", t->name, p->name));
	json_object_set_new(x, "kind", json_string(pc_prop_kind_name(p->kind)));
	json_object_set_new(x, "declared_by", json_string(owner->name));
	if (owner->plugin)
		json_object_set_new(x, "declaration", decl_json(owner->plugin, p->line));
	json_object_set_new(x, "guest_visible", json_boolean(p->guest_visible));
	if (p->def_text)
		json_object_set_new(x, "default", json_string(p->def_text));
	if (p->def_expr) {
		char *e = pc_expr_str(p->def_expr);

		json_object_set_new(x, "default_derived", json_string(e));
		free(e);
	}
	if (p->host_feature)
		json_object_set_new(x, "host_capability", json_string(p->host_feature));
	if (p->kind == PC_PROP_FEATURE) {
		json_t *rq = json_array();

		for (size_t i = 0; i < p->n_requires; i++)
			json_array_append_new(rq, json_string(p->requires[i]));
		json_object_set_new(x, "feature", json_pack("{s:i, s:s, s:o}",
			"bit", p->bitnr, "container",
			p->container ? p->container : "", "requires", rq));
	}
	json_object_set_new(x, "history", history_json(p));
	for (size_t i = 0; i < vm->machine->n_chain; i++) {
		const struct pc_compat_entry *e = vm->machine->chain[i];
		json_t *je;

		if (strcmp(e->prop, p->name) || !pc_type_is_a(t, e->driver))
			continue;
		je = json_pack("{s:s, s:s, s:s, s:s}", "driver", e->driver,
			       "property", e->prop, "value", e->value,
			       "origin", e->origin);
		if (e->file_len) {
			char *f = pc_xstrndup(e->origin, e->file_len);

			json_object_set_new(je, "location", loc_json(f, e->line));
			free(f);
		}
		json_array_append_new(ents, je);
	}
	json_object_set_new(x, "compat_entries", ents);
	if (instances_json(cli, vm, t, p, inst)) {
		json_decref(inst);
		json_decref(x);
		return PC_EXIT_ERROR;
	}
	json_object_set_new(x, "instances", inst);
	pc_cli_print_doc(cli, x);
	return PC_EXIT_OK;
}

static int explain(struct pc_cli *cli, const struct pc_side *tree,
		   const struct pc_vm *vm, const char *what)
{
	const char *dot = strrchr(what, '.');
	char *type;
	const char *prop;
	const struct pc_type *t;
	const struct pc_type *owner;
	const struct pc_prop *p;
	char hint[192];
	int status;

	if (!dot || dot == what || !dot[1]) {
		pc_cli_error(cli, "--explain: expected TYPE.PROPERTY, found '%s'", what);
		return PC_EXIT_ERROR;
	}
	type = pc_xstrndup(what, (size_t)(dot - what));
	prop = dot + 1;
	t = pc_registry_find_type(tree->reg, type);
	if (!t) {
		pc_cli_error(cli, "--explain: unknown type '%s'%s", type,
			     type_hint(tree->reg, type, hint, sizeof(hint)));
		free(type);
		return PC_EXIT_ERROR;
	}
	p = pc_type_find_prop(t, prop, &owner);
	if (!p) {
		pc_cli_error(cli, "--explain: type '%s' has no property '%s'%s", type, prop,
			     prop_hint(t, prop, hint, sizeof(hint)));
		free(type);
		return PC_EXIT_ERROR;
	}
	status = cli->format == PC_FMT_JSON
		 ? explain_json(cli, vm, t, owner, p)
		 : explain_text(cli, vm, t, owner, p);
	free(type);
	return status;
}

struct popts {
	const char *machine, *device, *expl, *hostf, *sidespec;
	int smp;
	const char **globals, **sets;
	size_t ng, nsets;
};

static json_t *object_json(struct pc_cli *cli, const struct pc_vm *vm,
			   const struct pc_object *o)
{
	json_t *jo = json_object(), *props = json_array();

	json_object_set_new(jo, "id", json_string(o->id));
	json_object_set_new(jo, "type", json_string(o->type->name));
	for (size_t k = 0; k < o->n_props; k++) {
		const struct pc_eprop *ep = &o->props[k];
		json_t *jp = json_object();

		json_object_set_new(jp, "name", json_string(ep->prop->name));
		json_object_set_new(jp, "type", json_string(pc_prop_kind_name(ep->prop->kind)));
		char *r;

		json_object_set_new(jp, "value", json_string(ep->val.text));
		if (realized(cli, vm, o, ep, &r)) {
			json_decref(jp);
			json_decref(props);
			json_decref(jo);
			return NULL;
		}
		if (r)
			json_object_set_new(jp, "realized", json_string(r));
		free(r);
		json_object_set_new(jp, "declared_by", json_string(ep->owner->name));
		json_object_set_new(jp, "guest_visible", json_boolean(ep->prop->guest_visible));
		json_object_set_new(jp, "source", json_string(pc_eprop_source(ep)));
		if (ep->entry && ep->entry->file_len) {
			char *f = pc_xstrndup(ep->entry->origin, ep->entry->file_len);

			json_object_set_new(jp, "location", loc_json(f, ep->entry->line));
			free(f);
		}
		if (ep->owner->plugin)
			json_object_set_new(jp, "declaration",
					    decl_json(ep->owner->plugin,
						      ep->prop->line));
		json_array_append_new(props, jp);
	}
	json_object_set_new(jo, "properties", props);
	return jo;
}

static int print_json(struct pc_cli *cli, const struct pc_machine *m,
		      const struct pc_vm *vm, const char *device)
{
	json_t *root = json_object(), *objs = json_array(), *jo;

	json_object_set_new(root, "verb", json_string("props"));
	json_object_set_new(root, "machine", json_string(m->name));
	json_object_set_new(root, "smp", json_integer(vm->smp));
	json_object_set_new(root, "devices", objs);
	for (size_t i = 0; i < vm->n_objs; i++) {
		if (device && !pc_type_is_a(vm->objs[i].type, device))
			continue;
		if (!(jo = object_json(cli, vm, &vm->objs[i]))) {
			json_decref(root);
			return PC_EXIT_ERROR;
		}
		json_array_append_new(objs, jo);
	}
	pc_cli_print_doc(cli, root);
	return PC_EXIT_OK;
}

/* one object's properties; a realized value (realize.h) follows the
 * declared one: "= 4294967295 -> 2 after realize" */
static int print_object(struct pc_cli *cli, const struct pc_vm *vm,
			const struct pc_object *o)
{
	fprintf(cli->out, "\n%s (%s)\n", o->id, o->type->name);
	for (size_t k = 0; k < o->n_props; k++) {
		const struct pc_eprop *ep = &o->props[k];
		char *r, *after = NULL;

		if (realized(cli, vm, o, ep, &r))
			return -1;
		if (r && strcmp(r, ep->val.text ? ep->val.text : ""))
			after = pc_xasprintf("-> %s after realize ", r);
		fprintf(cli->out, "  %-34s = %-10s %s%s%s\n", ep->prop->name,
			ep->val.text, after ? after : "",
			ep->prop->guest_visible ? "[guest] " : "", pc_eprop_source(ep));
		free(after);
		free(r);
	}
	return 0;
}

static int print_text(struct pc_cli *cli, const struct pc_machine *m,
		      const struct pc_vm *vm, const char *device)
{
	fprintf(cli->out, "Machine type %s, smp=%d: effective properties\n",
		m->name, vm->smp);
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];

		if (device && !pc_type_is_a(o->type, device))
			continue;
		if (print_object(cli, vm, o))
			return PC_EXIT_ERROR;
	}
	return PC_EXIT_OK;
}

/* 1: help printed, 0: parsed, -1: error printed */
static int parse(struct pc_cli *cli, int argc, char **argv, struct popts *o)
{
	const struct pc_opt opts[] = {
		PC_OPT_STR_ROW("--machine", &o->machine),
		PC_OPT_STR_ROW("--device", &o->device),
		PC_OPT_STR_ROW("--explain", &o->expl),
		PC_OPT_LIST_ROW("--global", o->globals, &o->ng),
		PC_OPT_LIST_ROW("--set", o->sets, &o->nsets),
		PC_OPT_STR_ROW("--host", &o->hostf),
		PC_OPT_STR_ROW("--side", &o->sidespec),
		PC_OPT_INT_ROW("--smp", &o->smp, 1, 1 << 16),
		PC_OPTS_END,
	};
	const struct pc_optset set = {
		"props", opts, NULL, NULL,
		"props: unknown option or missing value '%s' (see plugcheck props --help)",
	};

	if (pc_cli_wants_help(argc, argv)) {
		props_help(cli->out);
		return 1;
	}
	if (pc_cli_parse_opts(cli, &set, argc, argv))
		return -1;
	if (!o->machine) {
		pc_cli_error(cli, "props: --machine is required");
		return -1;
	}
	return 0;
}

/* the machine type on the side, the device type, the side's overrides
 * checked; NULL (printed) when one of them is wrong */
static const struct pc_machine *configure(struct pc_cli *cli,
					  const struct popts *o,
					  struct pc_side *tree)
{
	const struct pc_machine *m = pc_machine_find(tree->machines, o->machine);
	struct pc_err err = { 0 };

	if (!m || !pc_side_knows_machine(tree, m)) {
		pc_side_unknown_machine(tree->machines, o->machine, &err);
		pc_cli_error(cli, "%s", err.msg);
		return NULL;
	}
	if (o->device && !pc_registry_find_type(tree->reg, o->device)) {
		char hint[192];

		pc_cli_error(cli, "props: unknown device type '%s'%s", o->device,
			     type_hint(tree->reg, o->device, hint, sizeof(hint)));
		return NULL;
	}
	for (size_t i = 0; i < o->ng + o->nsets; i++) {
		struct pc_override ov;
		bool per = i >= o->ng;

		if (pc_override_parse(per ? o->sets[i - o->ng] : o->globals[i], per,
				      per ? "--set" : "--global", &ov, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			return NULL;
		}
		pc_side_add_override(tree, &ov);
		pc_override_release(&ov);
	}
	return pc_cli_check_side(cli, tree, m->name) ? NULL : m;
}

/* the VM on the loaded side, printed or explained; the status */
static int show(struct pc_cli *cli, const struct popts *o,
		struct pc_side *tree, struct pc_host_caps *host)
{
	const struct pc_machine *m = configure(cli, o, tree);
	struct pc_err err = { 0 };
	struct pc_vm vm;
	int status = PC_EXIT_OK;

	if (!m)
		return PC_EXIT_ERROR;
	if (o->hostf) {
		if (pc_host_caps_load(o->hostf, host, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			return PC_EXIT_ERROR;
		}
		tree->host = host;
	}
	if (pc_vm_build(tree, m, o->smp, &vm, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	if (o->expl)
		status = explain(cli, tree, &vm, o->expl);
	else if (cli->format == PC_FMT_JSON)
		status = print_json(cli, m, &vm, o->device);
	else
		status = print_text(cli, m, &vm, o->device);
	pc_vm_release(&vm);
	return status;
}

int cmd_props(struct pc_cli *cli, int argc, char **argv)
{
	struct popts o = { NULL, NULL, NULL, NULL, "tree", 0, NULL, NULL, 0, 0 };
	struct pc_side tree;
	struct pc_host_caps host = { 0 };
	bool bad = false;
	int status = PC_EXIT_ERROR, p;

	o.globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o.sets = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	p = parse(cli, argc, argv, &o);
	if (p > 0)
		status = PC_EXIT_OK;
	if (!p && !pc_cli_load_side(cli, o.sidespec, &tree, &bad)) {
		status = show(cli, &o, &tree, &host);
		/* --explain's verdict stands; a listing fails on bad input */
		if (!o.expl && status == PC_EXIT_OK && bad)
			status = PC_EXIT_ERROR;
		pc_host_caps_release(&host);
		pc_side_release(&tree);
	}
	free(o.globals);
	free(o.sets);
	return status;
}
