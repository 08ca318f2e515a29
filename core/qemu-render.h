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

#endif /* PC_QEMU_RENDER_H */
