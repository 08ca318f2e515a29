/*
 * fuzz_qemu_dump.c - the QEMU -dump-vmstate reader (qemu-dump.c), and the
 * wire-size walk over what it accepted.  Its two readers are held equal:
 * whatever the stream reader (yajl) accepts, the tree reader (jansson)
 * accepts with the same model; when the stream reader declines, the tree
 * reader answers alone (pc_qdump_parse()).
 */
#include "fuzz_util.h"
#include "qemu-dump.h"

/* the same model, and the lookup table of 'a' finds each section */
static bool same_dump(const struct pc_qdump *a, const struct pc_qdump *b)
{
	if (!pc_qdump_same(a, b))
		return false;
	for (size_t i = 0; i < a->n_sections; i++)
		if (pc_qdump_find(a, a->sections[i].name) != &a->sections[i])
			return false;
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
