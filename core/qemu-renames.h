/*
 * qemu-renames.h - rename files for comparing QEMU dumps (qemu-diff.h):
 * what QEMU's checker keeps in a hard-coded table, plugcheck reads from an
 * optional file, so users can teach it without a rebuild:
 *
 *     # kind        [description]  old            new
 *     section                      fw_cfg         fw_cfg2
 *     description                  tpci200        tpci2002
 *     field         ehci-core      usbsts         usbsts_old
 *     field         *              parent_obj     dev
 *
 * Aliases work in both directions.  A field alias applies inside the named
 * description (the VMStateDescription's name), or inside any with "*".
 *
 * Ownership: a rename set owns its strings.
 */
#ifndef PC_QEMU_RENAMES_H
#define PC_QEMU_RENAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum pc_qrename_kind {
	PC_QRENAME_SECTION,
	PC_QRENAME_DESCRIPTION,
	PC_QRENAME_FIELD,
};

struct pc_qrename {
	enum pc_qrename_kind kind;
	char *scope; /* description name or "*" for fields, else NULL */
	char *a, *b;
};

struct pc_qrenames {
	struct pc_qrename *items;
	size_t n, alloc;
};

#define PC_QRENAMES_INIT { NULL, 0, 0 }
#define PC_QRENAMES_MAX_FILE (1u << 20)
#define PC_QRENAMES_MAX 10000

void pc_qrenames_init(struct pc_qrenames *r);
void pc_qrenames_release(struct pc_qrenames *r);
/* Copies the strings; 'scope' is used only for fields (NULL means "*"). */
void pc_qrenames_add(struct pc_qrenames *r, enum pc_qrename_kind kind,
		     const char *scope, const char *a, const char *b);
/*
 * Read a rename file (format above) and append its entries.  Returns 0, or
 * -1 with "<path>:<line>: ..." in 'err' (the set keeps earlier entries).
 */
int pc_qrenames_load(struct pc_qrenames *r, const char *path, struct pc_err *err);
int pc_qrenames_parse(struct pc_qrenames *r, const char *buf, size_t len,
		      const char *label, struct pc_err *err);
/* Are 'x' and 'y' the same name under the set (equal, or aliased)? */
bool pc_qrenames_match(const struct pc_qrenames *r, enum pc_qrename_kind kind,
		       const char *scope, const char *x, const char *y);

#endif /* PC_QEMU_RENAMES_H */
