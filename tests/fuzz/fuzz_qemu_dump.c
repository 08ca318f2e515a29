/*
 * fuzz_qemu_dump.c - the QEMU -dump-vmstate reader (qemu-dump.c), and the
 * wire-size walk over what it accepted.  Its two readers are held equal:
 * whatever the stream reader (yajl) accepts, the tree reader (jansson)
 * accepts with the same model; when the stream reader declines, the tree
 * reader answers alone (pc_qdump_parse()).
 */
#include "fuzz_util.h"
#include "qemu-dump.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_vmsd(const struct pc_qdump_vmsd *a, const struct pc_qdump_vmsd *b);

static bool same_field(const struct pc_qdump_field *a, const struct pc_qdump_field *b)
{
	if (!same_str(a->name, b->name) || a->version_id != b->version_id ||
	    a->field_exists != b->field_exists || a->has_num != b->has_num ||
	    a->num != b->num || a->size != b->size || !a->desc != !b->desc)
		return false;
	return !a->desc || same_vmsd(a->desc, b->desc);
}

static bool same_vmsd(const struct pc_qdump_vmsd *a, const struct pc_qdump_vmsd *b)
{
	if (!same_str(a->name, b->name) || a->version_id != b->version_id ||
	    a->minimum_version_id != b->minimum_version_id ||
	    a->has_fields != b->has_fields || a->n_fields != b->n_fields ||
	    a->has_subsections != b->has_subsections ||
	    a->n_subsections != b->n_subsections)
		return false;
	for (size_t i = 0; i < a->n_fields; i++)
		if (!same_field(&a->fields[i], &b->fields[i]))
			return false;
	for (size_t i = 0; i < a->n_subsections; i++)
		if (!same_vmsd(&a->subsections[i], &b->subsections[i]))
			return false;
	return true;
}

static bool same_dump(const struct pc_qdump *a, const struct pc_qdump *b)
{
	if (!same_str(a->label, b->label) || !same_str(a->machine, b->machine) ||
	    a->n_sections != b->n_sections)
		return false;
	for (size_t i = 0; i < a->n_sections; i++) {
		const struct pc_qdump_section *x = &a->sections[i], *y = &b->sections[i];

		if (!same_str(x->name, y->name) || !same_str(x->type_name, y->type_name) ||
		    x->version_id != y->version_id ||
		    x->minimum_version_id != y->minimum_version_id ||
		    !x->desc != !y->desc || (x->desc && !same_vmsd(x->desc, y->desc)))
			return false;
		if (pc_qdump_find(a, x->name) != x)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_err e = { 0 };
	struct pc_qdump *s = pc_qdump_parse_stream((const char *)data, size, "fuzz.json");
	struct pc_qdump *d = pc_qdump_parse_tree((const char *)data, size, "fuzz.json", &e);

	if (s && (!d || !same_dump(s, d)))
		abort(); /* the stream reader accepted what the tree reader did not */
	pc_qdump_free(s);
	if (!d)
		return 0;
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct pc_qdump_section *sec = &d->sections[i];

		if (sec->desc)
			(void)pc_qdump_vmsd_wire_size(sec->desc, sec->version_id);
		(void)pc_qdump_find(d, sec->name);
	}
	pc_qdump_free(d);
	return 0;
}
