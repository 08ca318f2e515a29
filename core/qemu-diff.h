/*
 * qemu-diff.h - compare two QEMU `-dump-vmstate` dumps (qemu-dump.h) as
 * migration streams: can everything the source sends be loaded by the
 * destination?  One call checks one direction; `plugcheck qemu-diff` calls
 * it twice.  Every mismatch becomes a finding (finding.h); nothing stops at
 * the first one.  The rules and their mapping to the messages of QEMU's
 * scripts/vmstate-static-checker.py are in Documentation/qemu-diff.md.
 *
 * Renames (qemu-renames.h) declare names equal across the two dumps.
 *
 * Ownership: pc_qdump_diff() only reads
 * its inputs and appends copies to 'out'.
 */
#ifndef PC_QEMU_DIFF_H
#define PC_QEMU_DIFF_H

#include "finding.h"
#include "qemu-dump.h"
#include "qemu-renames.h"
#include "util.h"

/*
 * Append the findings of migrating 'src' to 'dst' to 'out' (src and dst
 * labels are the dumps' labels).  'ren' may be NULL.  Cannot fail: the
 * dumps were validated when loaded.
 */
void pc_qdump_diff(const struct pc_qdump *src, const struct pc_qdump *dst,
		   const struct pc_qrenames *ren, struct pc_report *out);

/*
 * Both directions, a -> b then b -> a, appended to 'out' in that order
 * (as two pc_qdump_diff() calls would), computed on two threads; returns
 * the number of a -> b findings.
 */
size_t pc_qdump_diff_both(const struct pc_qdump *a, const struct pc_qdump *b,
			  const struct pc_qrenames *ren, struct pc_report *out);

#endif /* PC_QEMU_DIFF_H */
