/*
 * capture-check.h - property values of two sides for one machine type,
 * compared: a capture from a real QEMU (capture.h) against the tree or a
 * recorded release, or two captures against each other.  What a value
 * means (its kind, whether the guest sees it, whether it shapes the
 * stream) comes from a plugin side's registry: QEMU's own answers carry
 * no such meaning.
 *
 * Objects are matched by type: a top-level object by its type name, a
 * child by "PARENT-TYPE/CHILD-TYPE" (virtio-blk-pci/virtio-blk-device),
 * so QEMU's ids (pc0, virtio-backend) and the tree's (virtio-blk-pci,
 * vdev) need not agree.  Values are compared canonically (pc_value_parse:
 * true and on are one value, 0x10 and 16 are one value).
 */
#ifndef PC_CAPTURE_CHECK_H
#define PC_CAPTURE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "resolve.h"
#include "util.h"

struct json_t;

/* One side's values: key (see above) -> {property -> value text}. */
struct pc_pvals {
	struct json_t *objs;
	char *label;
};

/* The values a capture recorded for machine 'machine' (or one of its
 * 'aliases', n of them); PC_E_NOT_FOUND when it did not capture it. */
int pc_pvals_from_capture(const struct json_t *cap, const char *label,
			  const char *machine, const char *const *aliases,
			  size_t n_aliases, struct pc_pvals *out,
			  struct pc_err *err);

/* The values a built VM resolved (every object, absent properties left
 * out), as QEMU reads them after realize: a property with realized= gives
 * its realized value (realize.h); an error there is an error. */
int pc_pvals_from_vm(const struct pc_vm *vm, const char *label,
		     struct pc_pvals *out, struct pc_err *err);

void pc_pvals_release(struct pc_pvals *v);

struct pc_pvals_stats {
	size_t compared;   /* values both sides have and the registry models */
	size_t agree;
	size_t differ;     /* of which 'reported' went to the report */
	size_t reported;
	size_t only_a, only_b; /* objects one side has (not compared) */
	/* every difference, one line each ("T.P: A on LABEL-A, B on
	 * LABEL-B"), for -v; the caller frees */
	char **lines;
	size_t n_lines, alloc_lines;
};

/*
 * Compare 'a' and 'b' for machine 'machine': each difference of a
 * guest-visible property is PC501, of a stream-protocol property PC503,
 * both directions (a -> b, b -> a); other differences only count and
 * are listed in 'st'.
 */
void pc_pvals_compare(const struct pc_pvals *a, const struct pc_pvals *b,
		      const struct pc_registry *reg, const char *machine,
		      struct pc_report *r, struct pc_pvals_stats *st);

void pc_pvals_stats_release(struct pc_pvals_stats *st);

#endif /* PC_CAPTURE_CHECK_H */
