/*
 * qemu-render.h - write a resolved VM in QEMU's -dump-vmstate JSON format,
 * so that a plugin tree can be compared with a real QEMU build (qemu-diff
 * semantics), or fed to QEMU's own vmstate-static-checker.py.
 *
 * The rendering is of one machine type and one vCPU count: counts, version
 * gates and conditions are already resolved.  Fields present under a
 * condition are written with "field_exists": true, as QEMU marks fields
 * that have a test function.  Caller frees the returned text.
 */
#ifndef PC_QEMU_RENDER_H
#define PC_QEMU_RENDER_H

#include "resolve.h"

char *pc_vm_render_qemu_dump(const struct pc_vm *vm);

/*
 * What a real QEMU build's own dump can show of the VM, for comparing the
 * two (Documentation/qemu-diff.md): without qemu_view, the model's own
 * view, marked so (vmschkmachine.Rendered-by: plugcheck); with qemu_view, the sections QEMU's
 * dump has (device classes with a dc->vmsd: no CPUs) keyed as QEMU keys
 * them (a virtio device by its backend, whose description is one opaque
 * field "virtio"); with no_counts, no "num" (QEMU 7.2's dump records no
 * array counts).  Both off: pc_vm_render_qemu_dump().
 */
struct pc_qemu_view {
	bool qemu_view;
	bool no_counts;
};
char *pc_vm_render_qemu_view(const struct pc_vm *vm, const struct pc_qemu_view *v);

#endif /* PC_QEMU_RENDER_H */
