/*
 * capture.h - a side captured from a real QEMU binary (`plugcheck
 * capture`): its -dump-vmstate (layouts; machine-blind), and for each
 * machine type the properties of one instance of every modelled type as
 * that build resolves them at realize, compat entries applied (read with
 * qom-list/qom-get from a paused QEMU: no guest code runs).
 *
 * The capture file (JSON, "format": "plugcheck-capture"):
 *   {"format": "plugcheck-capture", "format_version": 1,
 *    "captured_by": "plugcheck V",
 *    "qemu": {"binary": PATH, "version": "7.2.22", "package": "..."},
 *    "dump": { QEMU's -dump-vmstate object },
 *    "machines": [{"name": M, "objects": [{"id": "pc0", "type": T,
 *                   "props": {NAME: VALUE...}}, {"id": "pc0/virtio-backend",
 *                   "type": T2, "parent": "pc0", "child": "virtio-backend",
 *                   "props": {...}}],
 *                  "refused": [{"type": T, "reason": QEMU's message}]}],
 *    "not_captured": [{"type": T, "reason": "..."}]}
 * VALUE is what qom-get returned (a JSON string, number or boolean).
 * Documentation/qemu-diff.md describes the workflow.
 */
#ifndef PC_CAPTURE_H
#define PC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "resolve.h"
#include "util.h"

struct json_t;

enum pc_capture_kind {
	PC_CAPTURE_DEVICE,  /* one -device instance */
	PC_CAPTURE_CPU,     /* the machine's CPU, with -cpu MODEL */
	PC_CAPTURE_NONE,    /* no instance QEMU can be asked about */
};

struct pc_capture_target {
	char *type;
	enum pc_capture_kind kind;
};

struct pc_capture_spec {
	const char *qemu;                  /* the binary */
	const char *const *machines;       /* the machine types to capture */
	size_t n_machines;
	bool skip_unknown;                 /* leave out those QEMU does not know */
	struct pc_capture_target *targets; /* what to instantiate */
	size_t n_targets;
	const char *const *tree_types;     /* every type name of the tree (children) */
	size_t n_tree_types;
	double timeout;                    /* seconds per QEMU step */
	const char *version;               /* plugcheck's, for "captured_by" */
	/* progress notes (a machine captured, a device refused); may be NULL */
	void (*note)(void *ctx, const char *msg);
	void *cb_ctx;
};

/*
 * The capture targets of the tree: one per concrete device type of the
 * default configuration (top-level objects; children are read through
 * their composite), its kind from its ancestry (a "cpu" is a CPU, a
 * "device" a -device, anything else PC_CAPTURE_NONE).  Also every type
 * name of the side.  The caller frees with pc_capture_targets_release().
 */
int pc_capture_targets(const struct pc_side *tree, struct pc_capture_target **t,
		       size_t *n, char ***types, size_t *n_types,
		       struct pc_err *err);
void pc_capture_targets_release(struct pc_capture_target *t, size_t n,
				char **types, size_t n_types);

/*
 * Run the capture: the dump, then one paused QEMU per machine type (and
 * per further CPU model).  Returns the capture object (caller decrefs),
 * or NULL with 'err' set: QEMU missing or failing outside one device, a
 * machine type named in spec->machines that QEMU does not know, a hang.
 * A device QEMU refuses to create is recorded under "refused" with
 * QEMU's message; the capture goes on.
 */
struct json_t *pc_capture_run(const struct pc_capture_spec *spec,
			      struct pc_err *err);

/* Is 'j' a capture (format plugcheck-capture, format_version 1)? */
bool pc_capture_is(const struct json_t *j);

#endif /* PC_CAPTURE_H */
