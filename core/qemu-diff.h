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
 * labels are the dumps' labels).  'ren' may be NULL.  A dump that
 * records no array counts (pc_qdump_counts_unknown()) has fields of one
 * or more elements (wire-walk.h).  Cannot fail: the dumps were validated
 * when loaded.
 */
void pc_qdump_diff(const struct pc_qdump *src, const struct pc_qdump *dst,
		   const struct pc_qrenames *ren, struct pc_report *out);

/*
 * The same, told whether each dump records counts ('*_uncounted': it
 * does not), for a dump whose writer is known: a side rendered as a QEMU
 * build's dump shows (dump-side.h) records counts exactly when the real
 * dump it is compared with does, arrays or not.
 */
void pc_qdump_diff_counted(const struct pc_qdump *src, bool src_uncounted,
			   const struct pc_qdump *dst, bool dst_uncounted,
			   const struct pc_qrenames *ren, struct pc_report *out);

/*
 * Both directions, a -> b then b -> a, appended to 'out' in that order
 * (as two pc_qdump_diff() calls would), computed on two threads; returns
 * the number of a -> b findings.
 */
size_t pc_qdump_diff_both(const struct pc_qdump *a, const struct pc_qdump *b,
			  const struct pc_qrenames *ren, struct pc_report *out);

#endif /* PC_QEMU_DIFF_H */
