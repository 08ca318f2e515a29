/*
 * fuzz_qemu_dump.c - the QEMU -dump-vmstate reader (qemu-dump.c), and the
 * wire-size walk over what it accepted.
 */
#include "fuzz_util.h"
#include "qemu-dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_err e = { 0 };
	struct pc_qdump *d = pc_qdump_parse((const char *)data, size, "fuzz.json", &e);

	if (!d)
		return 0;
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct pc_qdump_section *s = &d->sections[i];

		if (s->desc)
			(void)pc_qdump_vmsd_wire_size(s->desc, s->version_id);
		(void)pc_qdump_find(d, s->name);
	}
	pc_qdump_free(d);
	return 0;
}
