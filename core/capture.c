/*
 * capture.c - a side captured from a real QEMU binary (capture.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "model.h"
#include "qmp.h"

#include "banned.h"

#define CAPTURE_DUMP_MAX (64u << 20)
#define CAPTURE_CHILD_DEPTH 2

/* ---------------------------------------------------------- targets */

int pc_capture_targets(const struct pc_side *tree, struct pc_capture_target **t,
		       size_t *n, char ***types, size_t *n_types,
		       struct pc_err *err)
{
	const struct pc_registry *reg = tree->reg;

	(void)err;
	*t = pc_xcalloc(reg->n_types ? reg->n_types : 1, sizeof(**t));
	*types = pc_xcalloc(reg->n_types ? reg->n_types : 1, sizeof(**types));
	*n = 0;
	*n_types = 0;
	for (size_t i = 0; i < reg->n_types; i++) {
		const struct pc_type *ty = reg->types[i];
		struct pc_capture_target *c;

		(*types)[(*n_types)++] = pc_xstrdup(ty->name);
		if (!pc_type_is_concrete(ty) || ty->internal)
			continue;
		c = &(*t)[(*n)++];
		c->type = pc_xstrdup(ty->name);
		if (pc_type_is_a(ty, "cpu"))
			c->kind = PC_CAPTURE_CPU;
		else if (pc_type_is_a(ty, "device"))
			c->kind = PC_CAPTURE_DEVICE;
		else
			c->kind = PC_CAPTURE_NONE;
	}
	return 0;
}

void pc_capture_targets_release(struct pc_capture_target *t, size_t n,
				char **types, size_t n_types)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].type);
	free(t);
	for (size_t i = 0; i < n_types; i++)
		free(types[i]);
	free(types);
}

bool pc_capture_is(const json_t *j)
{
	const char *f = json_string_value(json_object_get(j, "format"));

	return f && !strcmp(f, "plugcheck-capture") &&
	       json_integer_value(json_object_get(j, "format_version")) == 1;
}

/* ---------------------------------------------------------- one run */

/* what the probe learnt about the binary */
struct probe {
	json_t *types;     /* name -> true: the types QEMU can create */
	json_t *cpus;      /* typename -> CPU model name */
	json_t *drives;    /* typename -> true: has a "drive" property */
	json_t *machines;  /* name (and alias) -> true */
	json_t *version;   /* query-version */
};

static void probe_release(struct probe *p)
{
	json_decref(p->types);
	json_decref(p->cpus);
	json_decref(p->drives);
	json_decref(p->machines);
	json_decref(p->version);
}

/* the options every run starts with: paused, nothing but what we ask */
static void base_args(const char **a, size_t *n, const char *machine)
{
	static const char *const fixed[] = {
		"-S", "-nodefaults", "-no-user-config", "-display", "none",
		"-accel", "tcg", "-M",
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(fixed); i++)
		a[(*n)++] = fixed[i];
	a[(*n)++] = machine;
}

static json_t *cmd_obj(struct pc_qemu *q, const char *cmd, json_t *args,
		       struct pc_err *err)
{
	return pc_qemu_cmd(q, cmd, args, err);
}

static void probe_lists(struct pc_qemu *q, struct probe *p, struct pc_err *err)
{
	json_t *r, *v;
	size_t i;

	r = cmd_obj(q, "qom-list-types", json_pack("{s:b}", "abstract", 0), err);
	json_array_foreach(r, i, v)
		json_object_set_new(p->types, json_string_value(json_object_get(v, "name")) ?: "",
				    json_true());
	json_decref(r);
	r = cmd_obj(q, "query-cpu-definitions", NULL, err);
	json_array_foreach(r, i, v) {
		const char *ty = json_string_value(json_object_get(v, "typename"));
		const char *name = json_string_value(json_object_get(v, "name"));

		if (ty && name)
			json_object_set_new(p->cpus, ty, json_string(name));
	}
	json_decref(r);
	r = cmd_obj(q, "query-machines", NULL, err);
	json_array_foreach(r, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *alias = json_string_value(json_object_get(v, "alias"));

		if (name)
			json_object_set_new(p->machines, name, json_true());
		if (alias)
			json_object_set_new(p->machines, alias, json_true());
	}
	json_decref(r);
}

static int probe_drives(struct pc_qemu *q, const struct pc_capture_spec *spec,
			struct probe *p, struct pc_err *err)
{
	for (size_t i = 0; i < spec->n_targets; i++) {
		const struct pc_capture_target *t = &spec->targets[i];
		json_t *r, *v;
		size_t k;

		if (t->kind != PC_CAPTURE_DEVICE || !json_object_get(p->types, t->type))
			continue;
		r = cmd_obj(q, "device-list-properties",
			    json_pack("{s:s}", "typename", t->type), err);
		if (!r)
			return -1;
		json_array_foreach(r, k, v)
			if (!strcmp(json_string_value(json_object_get(v, "name")) ?: "", "drive"))
				json_object_set_new(p->drives, t->type, json_true());
		json_decref(r);
	}
	return 0;
}

/* Ask the binary what it has (types, CPU models, machine types, which
 * device types need a block backend), paused on 'machine'. */
static int probe(const struct pc_capture_spec *spec, const char *machine,
		 struct probe *p, struct pc_err *err)
{
	const char *a[16];
	size_t n = 0;
	struct pc_qemu q;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->types = json_object();
	p->cpus = json_object();
	p->drives = json_object();
	p->machines = json_object();
	base_args(a, &n, machine);
	a[n] = NULL;
	if (pc_qemu_start(&q, spec->qemu, a, spec->timeout, err))
		return -1;
	p->version = cmd_obj(&q, "query-version", NULL, err);
	if (p->version) {
		probe_lists(&q, p, err);
		ret = err->set ? -1 : probe_drives(&q, spec, p, err);
	}
	pc_qemu_stop(&q);
	return ret;
}

/* ---------------------------------------------------------- properties */

static bool scalar_type(const char *type)
{
	return type && strncmp(type, "child<", 6) && strncmp(type, "link<", 5);
}

static bool is_tree_type(const struct pc_capture_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->n_tree_types; i++)
		if (!strcmp(spec->tree_types[i], name))
			return true;
	return false;
}

static int read_object(struct pc_qemu *q, const struct pc_capture_spec *spec,
		       const char *qom, const char *id, const char *parent,
		       const char *child, int depth, json_t *objects,
		       struct pc_err *err);

/* a child<T> property whose T the tree models: read it too */
static int read_child(struct pc_qemu *q, const struct pc_capture_spec *spec,
		      const char *qom, const char *id, const char *name,
		      const char *type, int depth, json_t *objects,
		      struct pc_err *err)
{
	char *ty = pc_xstrndup(type + 6, strlen(type + 6) - 1), *cq, *cid;
	int ret = 0;

	if (is_tree_type(spec, ty) && depth < CAPTURE_CHILD_DEPTH) {
		cq = pc_xasprintf("%s/%s", qom, name);
		cid = pc_xasprintf("%s/%s", id, name);
		ret = read_object(q, spec, cq, cid, id, name, depth + 1, objects, err);
		free(cq);
		free(cid);
	}
	free(ty);
	return ret;
}

/* every scalar property of the object at QOM path 'qom' */
static int read_object(struct pc_qemu *q, const struct pc_capture_spec *spec,
		       const char *qom, const char *id, const char *parent,
		       const char *child, int depth, json_t *objects,
		       struct pc_err *err)
{
	json_t *list = cmd_obj(q, "qom-list", json_pack("{s:s}", "path", qom), err);
	json_t *props = json_object(), *obj = json_object(), *v;
	size_t i;

	if (!list)
		goto fail;
	json_object_set_new(obj, "id", json_string(id));
	if (parent) {
		json_object_set_new(obj, "parent", json_string(parent));
		json_object_set_new(obj, "child", json_string(child));
	}
	json_array_append(objects, obj);
	json_array_foreach(list, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *type = json_string_value(json_object_get(v, "type"));
		json_t *val;

		if (!name)
			continue;
		if (type && !strncmp(type, "child<", 6)) {
			if (read_child(q, spec, qom, id, name, type, depth, objects, err))
				goto fail;
			continue;
		}
		if (!scalar_type(type))
			continue;
		val = cmd_obj(q, "qom-get", json_pack("{s:s,s:s}", "path", qom,
						       "property", name), err);
		if (!val) {
			pc_err_clear(err); /* a property that cannot be read */
			continue;
		}
		if (!strcmp(name, "type") && json_is_string(val))
			json_object_set(obj, "type", val);
		else if (json_is_string(val) || json_is_number(val) || json_is_boolean(val))
			json_object_set(props, name, val);
		json_decref(val);
	}
	json_object_set(obj, "props", props);
	json_decref(list);
	json_decref(props);
	json_decref(obj);
	return 0;
fail:
	json_decref(list);
	json_decref(props);
	json_decref(obj);
	return -1;
}

/* ---------------------------------------------------------- machines */

struct devs {
	const char **args;   /* -device/-blockdev words */
	char **owned;        /* the strings made here */
	size_t n, n_owned;
	size_t *target;      /* per -device: index into spec->targets */
	char **ids;
	size_t n_dev;
};

static void devs_release(struct devs *d)
{
	for (size_t i = 0; i < d->n_owned; i++)
		free(d->owned[i]);
	free(d->owned);
	free(d->args);
	free(d->target);
	free(d->ids);
	memset(d, 0, sizeof(*d));
}

static const char *own(struct devs *d, char *s)
{
	d->owned[d->n_owned++] = s;
	return s;
}

/* -device T,id=pcN for every device target QEMU has and 'skip' does not
 * name; a null block backend for a type with a drive property */
static void devs_build(struct devs *d, const struct pc_capture_spec *spec,
		       const struct probe *p, const json_t *skip)
{
	size_t cap = spec->n_targets * 4 + 4;

	memset(d, 0, sizeof(*d));
	d->args = pc_xcalloc(cap, sizeof(*d->args));
	d->owned = pc_xcalloc(cap, sizeof(*d->owned));
	d->target = pc_xcalloc(spec->n_targets + 1, sizeof(*d->target));
	d->ids = pc_xcalloc(spec->n_targets + 1, sizeof(*d->ids));
	for (size_t i = 0; i < spec->n_targets; i++) {
		const struct pc_capture_target *t = &spec->targets[i];
		char *id;

		if (t->kind != PC_CAPTURE_DEVICE || !json_object_get(p->types, t->type) ||
		    json_object_get(skip, t->type))
			continue;
		id = pc_xasprintf("pc%zu", i);
		own(d, id);
		if (json_object_get(p->drives, t->type)) {
			d->args[d->n++] = "-blockdev";
			d->args[d->n++] = own(d, pc_xasprintf("null-co,node-name=nb%zu,read-zeroes=on", i));
			d->args[d->n++] = "-device";
			d->args[d->n++] = own(d, pc_xasprintf("%s,id=%s,drive=nb%zu", t->type, id, i));
		} else {
			d->args[d->n++] = "-device";
			d->args[d->n++] = own(d, pc_xasprintf("%s,id=%s", t->type, id));
		}
		d->target[d->n_dev] = i;
		d->ids[d->n_dev++] = id;
	}
}

/* QEMU refused to start: the -device its message names, or -1 */
static ssize_t refused_device(const struct devs *d, const char *msg)
{
	for (size_t i = 0; i < d->n_dev; i++) {
		char *needle = pc_xasprintf("id=%s,", d->ids[i]);
		char *needle2 = pc_xasprintf("id=%s:", d->ids[i]);
		bool hit = strstr(msg, needle) || strstr(msg, needle2);

		free(needle);
		free(needle2);
		if (hit)
			return (ssize_t)i;
	}
	return -1;
}

static void note(const struct pc_capture_spec *spec, const char *fmt, const char *a,
		 const char *b)
{
	if (spec->note) {
		char *m = pc_xasprintf(fmt, a, b);

		spec->note(spec->cb_ctx, m);
		free(m);
	}
}

/* start QEMU on 'machine' with every device it accepts; the refused ones
 * go to 'refused' (and 'skip') with QEMU's message */
static int start_machine(struct pc_qemu *q, const struct pc_capture_spec *spec,
			 const struct probe *p, const char *machine,
			 json_t *skip, json_t *refused, struct devs *d,
			 struct pc_err *err)
{
	for (size_t tries = 0; tries <= spec->n_targets; tries++) {
		const char **a;
		size_t n = 0;
		ssize_t bad;
		int r;

		devs_build(d, spec, p, skip);
		a = pc_xcalloc(d->n + 16, sizeof(*a));
		base_args(a, &n, machine);
		memcpy(a + n, d->args, d->n * sizeof(*a));
		a[n + d->n] = NULL;
		pc_err_clear(err);
		r = pc_qemu_start(q, spec->qemu, a, spec->timeout, err);
		free(a);
		if (!r)
			return 0;
		bad = refused_device(d, err->msg);
		if (bad < 0)
			return -1;
		{
			const char *ty = spec->targets[d->target[bad]].type;

			json_object_set_new(skip, ty, json_true());
			json_array_append_new(refused, json_pack("{s:s,s:s}", "type", ty,
								 "reason", err->msg));
			note(spec, "%s: QEMU refused %s", machine, ty);
		}
		devs_release(d);
	}
	return pc_err_setc(err, PC_E_INTERNAL, "%s: QEMU refused every device", machine);
}

/* the first CPU of the running QEMU */
static int read_cpu(struct pc_qemu *q, const struct pc_capture_spec *spec,
		    const char *id, json_t *objects, struct pc_err *err)
{
	json_t *r = cmd_obj(q, "query-cpus-fast", NULL, err);
	const char *path = json_string_value(json_object_get(json_array_get(r, 0), "qom-path"));
	int ret = -1;

	if (path)
		ret = read_object(q, spec, path, id, NULL, NULL, 0, objects, err);
	else if (r)
		pc_err_setc(err, PC_E_INPUT, "QEMU reports no CPU");
	json_decref(r);
	return ret;
}

/* the other CPU models: one paused QEMU each, only the CPU read */
static int other_cpus(const struct pc_capture_spec *spec, const struct probe *p,
		      const char *machine, const char *done, json_t *objects,
		      json_t *refused, struct pc_err *err)
{
	for (size_t i = 0; i < spec->n_targets; i++) {
		const char *model = json_string_value(json_object_get(p->cpus, spec->targets[i].type));
		const char *a[16];
		size_t n = 0;
		struct pc_qemu q;
		char *id;
		int r;

		if (spec->targets[i].kind != PC_CAPTURE_CPU || !model ||
		    (done && !strcmp(done, spec->targets[i].type)))
			continue;
		base_args(a, &n, machine);
		a[n++] = "-cpu";
		a[n++] = model;
		a[n] = NULL;
		if (pc_qemu_start(&q, spec->qemu, a, spec->timeout, err)) {
			json_array_append_new(refused, json_pack("{s:s,s:s}", "type",
								 spec->targets[i].type, "reason", err->msg));
			note(spec, "%s: QEMU refused %s", machine, spec->targets[i].type);
			pc_err_clear(err);
			continue;
		}
		id = pc_xasprintf("cpu-%s", model);
		r = read_cpu(&q, spec, id, objects, err);
		free(id);
		pc_qemu_stop(&q);
		if (r)
			return -1;
	}
	return 0;
}

static int capture_machine(const struct pc_capture_spec *spec, const struct probe *p,
			   const char *machine, json_t *out, struct pc_err *err)
{
	json_t *skip = json_object(), *refused = json_array(), *objects = json_array();
	struct pc_qemu q;
	struct devs d;
	char *cpu_type = NULL;
	int ret = -1;

	memset(&d, 0, sizeof(d));
	if (start_machine(&q, spec, p, machine, skip, refused, &d, err))
		goto out;
	ret = 0;
	for (size_t i = 0; !ret && i < d.n_dev; i++) {
		char *qom = pc_xasprintf("/machine/peripheral/%s", d.ids[i]);

		ret = read_object(&q, spec, qom, d.ids[i], NULL, NULL, 0, objects, err);
		free(qom);
	}
	if (!ret) {
		/* the machine's default CPU model, whatever it is */
		ret = read_cpu(&q, spec, "cpu0", objects, err);
		cpu_type = pc_xstrdup(json_string_value(json_object_get(
			json_array_get(objects, json_array_size(objects) - 1), "type")) ?: "");
	}
	pc_qemu_stop(&q);
	if (!ret)
		ret = other_cpus(spec, p, machine, cpu_type, objects, refused, err);
	free(cpu_type);
	if (!ret)
		json_array_append_new(out, json_pack("{s:s,s:O,s:O}", "name", machine,
						     "objects", objects, "refused", refused));
	note(spec, "%s: captured%s", machine, ret ? " (failed)" : "");
out:
	devs_release(&d);
	json_decref(skip);
	json_decref(refused);
	json_decref(objects);
	return ret;
}

/* ---------------------------------------------------------- the capture */

static const char *qemu_version(const json_t *v)
{
	static char buf[64];
	const json_t *q = json_object_get(v, "qemu");

	snprintf(buf, sizeof(buf), "%lld.%lld.%lld",
		 (long long)json_integer_value(json_object_get(q, "major")),
		 (long long)json_integer_value(json_object_get(q, "minor")),
		 (long long)json_integer_value(json_object_get(q, "micro")));
	return buf;
}

static int check_machines(const struct pc_capture_spec *spec, const struct probe *p,
			  struct pc_err *err)
{
	for (size_t i = 0; i < spec->n_machines; i++)
		if (!spec->skip_unknown && !json_object_get(p->machines, spec->machines[i]))
			return pc_err_setc(err, PC_E_NOT_FOUND,
					   "%s does not know machine type '%s' (its query-machines)",
					   spec->qemu, spec->machines[i]);
	return 0;
}

static json_t *not_captured(const struct pc_capture_spec *spec, const struct probe *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < spec->n_targets; i++) {
		const struct pc_capture_target *t = &spec->targets[i];
		const char *why = NULL;

		if (t->kind == PC_CAPTURE_NONE)
			why = "not a device or CPU: QEMU has no instance of it to ask";
		else if (t->kind == PC_CAPTURE_CPU && !json_object_get(p->cpus, t->type))
			why = "not among this QEMU's CPU models (query-cpu-definitions)";
		else if (t->kind == PC_CAPTURE_DEVICE && !json_object_get(p->types, t->type))
			why = "not a type this QEMU has (qom-list-types)";
		if (why)
			json_array_append_new(a, json_pack("{s:s,s:s}", "type", t->type,
							   "reason", why));
	}
	return a;
}

static json_t *load_dump(const struct pc_capture_spec *spec, const char *machine,
			 struct pc_err *err)
{
	static const char *const fixed[] = {
		"-nodefaults", "-no-user-config", "-display", "none", "-accel", "tcg", "-M",
	};
	const char *a[PC_ARRAY_SIZE(fixed) + 2];
	char *text = NULL;
	json_error_t je;
	json_t *d;

	memcpy(a, fixed, sizeof(fixed));
	a[PC_ARRAY_SIZE(fixed)] = machine;
	a[PC_ARRAY_SIZE(fixed) + 1] = NULL;
	if (pc_qemu_run_output(spec->qemu, a, "-dump-vmstate", spec->timeout,
			       CAPTURE_DUMP_MAX, &text, err))
		return NULL;
	d = json_loads(text, 0, &je);
	free(text);
	if (!d || !json_is_object(d) || !json_object_get(d, "vmschkmachine")) {
		json_decref(d);
		pc_err_setc(err, PC_E_INPUT, "%s -dump-vmstate wrote no QEMU vmstate dump (line %d: %s)",
			    spec->qemu, je.line, je.text);
		return NULL;
	}
	return d;
}

json_t *pc_capture_run(const struct pc_capture_spec *spec, struct pc_err *err)
{
	struct probe p;
	json_t *out = NULL, *machines, *dump = NULL;
	const char *first = NULL;

	if (probe(spec, "none", &p, err) || check_machines(spec, &p, err))
		goto done;
	for (size_t i = 0; i < spec->n_machines && !first; i++)
		if (json_object_get(p.machines, spec->machines[i]))
			first = spec->machines[i];
	if (!first) {
		pc_err_setc(err, PC_E_NOT_FOUND, "%s knows none of the machine types to capture",
			    spec->qemu);
		goto done;
	}
	dump = load_dump(spec, first, err);
	if (!dump)
		goto done;
	machines = json_array();
	for (size_t i = 0; i < spec->n_machines; i++) {
		if (!json_object_get(p.machines, spec->machines[i])) {
			note(spec, "%s: not known to this QEMU, left out", spec->machines[i], "");
			continue;
		}
		if (capture_machine(spec, &p, spec->machines[i], machines, err)) {
			json_decref(machines);
			goto done;
		}
	}
	out = json_pack("{s:s,s:i,s:s,s:{s:s,s:s,s:s},s:O,s:o,s:o}",
			"format", "plugcheck-capture", "format_version", 1,
			"captured_by", spec->version ? spec->version : "plugcheck",
			"qemu", "binary", spec->qemu, "version", qemu_version(p.version),
			"package", json_string_value(json_object_get(p.version, "package")) ?: "",
			"dump", dump, "machines", machines, "not_captured", not_captured(spec, &p));
done:
	json_decref(dump);
	probe_release(&p);
	return out;
}
