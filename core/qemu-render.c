/*
 * qemu-render.c - a resolved VM as a QEMU -dump-vmstate file (see
 * qemu-render.h and Documentation/qemu-diff.md).  One top-level key per
 * device with a section, named by the device's QOM type as QEMU's dump
 * names them; nested structures carry their wire size as "size" (QEMU
 * writes the C sizeof, which the comparison does not rely on).
 */
#include "qemu-render.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static uint64_t desc_size(const struct pc_rdesc *d)
{
	uint64_t n = 0;

	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct pc_rnode *f = &d->nodes[i];
		uint64_t one = f->desc ? desc_size(f->desc) : f->size;
		uint64_t count = f->count_field ? f->count_max : f->count;

		n += one * count;
	}
	return n;
}

static json_t *render_desc(const struct pc_rdesc *d, const struct pc_qemu_view *v);

static json_t *render_node(const struct pc_rnode *f, const struct pc_qemu_view *v)
{
	json_t *jf = json_object();

	/* padding is VMSTATE_UNUSED*(), which QEMU names "unused" whatever
	 * the declaration calls it (and qemu-diff reads that name as
	 * padding) */
	json_object_set_new(jf, "field",
			    json_string(f->kind == PC_FIELD_UNUSED ? "unused" : f->name));
	json_object_set_new(jf, "version_id", json_integer(f->version));
	/* QEMU marks fields with a test function; ours are resolved, but a
	 * condition decided presence */
	json_object_set_new(jf, "field_exists", json_boolean(pc_rnode_why(f) != NULL &&
				!strncmp(pc_rnode_why(f), "present if", 10)));
	/* saved by a VMStateInfo of no size (info=): QEMU's dump shows the
	 * name and size 0, the bytes it sends are not in it */
	if (v->qemu_view && f->info) {
		json_object_set_new(jf, "size", json_integer(0));
		return jf;
	}
	if ((f->count != 1 || f->count_field) && !v->no_counts)
		json_object_set_new(jf, "num", json_integer(f->count_field ? f->count_max
								  : f->count));
	json_object_set_new(jf, "size", json_integer((json_int_t)(f->desc ? desc_size(f->desc)
									 : f->size)));
	if (f->desc)
		json_object_set_new(jf, "Description", render_desc(f->desc, v));
	return jf;
}

/*
 * A plain field of 'd's declaration that a condition left out of this
 * instance's layout, as QEMU's dump lists every field with a test
 * function whether or not an instance sends it (vmstate_pci_device's
 * config buffer of the other size); NULL for any other absent field.
 */
static json_t *render_untaken(const struct pc_rdesc *d, const struct pc_field *f)
{
	json_t *jf;

	if (!f->cond || f->has_since || f->version > d->version_id ||
	    f->kind == PC_FIELD_STRUCT || f->count_kind != PC_COUNT_ONE || f->info)
		return NULL;
	jf = json_object();
	json_object_set_new(jf, "field", json_string(f->name));
	json_object_set_new(jf, "version_id", json_integer(f->version));
	json_object_set_new(jf, "field_exists", json_true());
	json_object_set_new(jf, "size", json_integer(f->size ? f->size
							      : pc_field_kind_size(f->kind)));
	return jf;
}

static json_t *render_desc(const struct pc_rdesc *d, const struct pc_qemu_view *v)
{
	json_t *o = json_object(), *fields = json_array();
	size_t j = 0;

	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "version_id", json_integer(d->version_id));
	json_object_set_new(o, "minimum_version_id", json_integer(d->min_version_id));
	/* in the QEMU view, the declaration's order with the untaken
	 * test-gated fields in their places; else the resolved layout */
	for (size_t i = 0; v->qemu_view && d->decl && i < d->decl->n_fields; i++) {
		const struct pc_field *f = &d->decl->fields[i];
		json_t *jf;

		if (j < d->n_nodes && d->nodes[j].decl == f)
			jf = render_node(&d->nodes[j++], v);
		else
			jf = render_untaken(d, f);
		if (jf)
			json_array_append_new(fields, jf);
	}
	for (; j < d->n_nodes; j++)
		json_array_append_new(fields, render_node(&d->nodes[j], v));
	json_object_set_new(o, "Fields", fields);
	if (d->n_subs) {
		json_t *subs = json_array();

		for (size_t i = 0; i < d->n_subs; i++)
			json_array_append_new(subs, render_desc(d->subs[i].desc, v));
		json_object_set_new(o, "Subsections", subs);
	}
	return o;
}

/* the backend of virtio proxy 'o' (its child that is a virtio device), or
 * NULL when 'o' is not one */
static const struct pc_object *virtio_backend(const struct pc_vm *vm, const struct pc_object *o)
{
	if (!pc_type_is_a(o->type, "virtio-pci"))
		return NULL;
	for (size_t i = 0; i < o->n_children; i++) {
		const struct pc_object *c = &vm->objs[o->first_child + i];

		if (pc_type_is_a(c->type, "virtio-device"))
			return c;
	}
	return NULL;
}

/*
 * Description 'd' as QEMU's dump shows a VMSTATE_VIRTIO_DEVICE one
 * (include/hw/virtio/virtio.h): a single field "virtio" with an info
 * (virtio_save / virtio_load), no size and no nested description.
 */
static json_t *render_virtio_opaque(const struct pc_rdesc *d)
{
	json_t *o = json_object(), *fields = json_array(), *jf = json_object();

	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "version_id", json_integer(d->version_id));
	json_object_set_new(o, "minimum_version_id", json_integer(d->min_version_id));
	json_object_set_new(jf, "field", json_string("virtio"));
	json_object_set_new(jf, "version_id", json_integer(0));
	json_object_set_new(jf, "field_exists", json_false());
	json_object_set_new(jf, "size", json_integer(0));
	json_array_append_new(fields, jf);
	json_object_set_new(o, "Fields", fields);
	return o;
}

/*
 * The entry of section 's' and its key, or NULL when the dump has none:
 * QEMU's dump lists device classes that have dc->vmsd, so the state a
 * machine type registers itself is never in it, nor, in the QEMU view,
 * a CPU's (cpu_exec_realizefn() registers it per instance).
 */
static json_t *render_section(const struct pc_vm *vm, const struct pc_rsection *s,
			      const struct pc_qemu_view *v, const char **key)
{
	const struct pc_object *be = v->qemu_view ? virtio_backend(vm, s->obj) : NULL;
	json_t *o;

	*key = s->obj->type->name;
	if (pc_type_is_machine(s->obj->type) ||
	    (v->qemu_view && pc_type_is_a(s->obj->type, "cpu")))
		return NULL;
	/* a virtio device's section is the backend's (its dc->vmsd); the
	 * proxy has none */
	if (be)
		*key = be->type->name;
	o = json_object();
	json_object_set_new(o, "Name", json_string(*key));
	json_object_set_new(o, "version_id", json_integer(s->desc->version_id));
	json_object_set_new(o, "minimum_version_id", json_integer(s->desc->min_version_id));
	json_object_set_new(o, "Description", be ? render_virtio_opaque(s->desc)
						 : render_desc(s->desc, v));
	return o;
}

char *pc_vm_render_qemu_view(const struct pc_vm *vm, const struct pc_qemu_view *v)
{
	json_t *root = json_object(), *m = json_object();
	char *text, *out;

	assert(vm->machine); /* a built VM (resolve.h) */

	json_object_set_new(m, "Name", json_string(vm->machine->name));
	/* the model's own view says so: a dump without this member is taken
	 * as a QEMU build's (dump-side.c); QEMU's checker reads only Name */
	if (!v->qemu_view)
		json_object_set_new(m, "Rendered-by", json_string("plugcheck"));
	json_object_set_new(root, "vmschkmachine", m);
	for (size_t i = 0; i < vm->n_sections; i++) {
		const char *key;
		json_t *o = render_section(vm, &vm->sections[i], v, &key);

		/* two instances of one type: QEMU's dump has one entry per type */
		if (o && !json_object_get(root, key))
			json_object_set_new(root, key, o);
		else
			json_decref(o);
	}
	text = json_dumps(root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	out = pc_xasprintf("%s\n", text ? text : "{}");
	free(text);
	return out;
}

char *pc_vm_render_qemu_dump(const struct pc_vm *vm)
{
	const struct pc_qemu_view plain = { 0 };

	return pc_vm_render_qemu_view(vm, &plain);
}
