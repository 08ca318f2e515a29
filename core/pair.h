/*
 * pair.h - one checked direction ("pair": a source side migrating to a
 * destination side) and its verdict: the findings a direction added to a
 * report, counted as incompatible, known breaks and needs-review.  The one
 * counting the CLI's check verbs and the public API (api.c) share.
 *
 * A struct pc_pair borrows its labels (the sides' labels, which must
 * outlive it) and owns nothing: no release function.
 */
#ifndef PC_PAIR_H
#define PC_PAIR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "finding.h"
#include "util.h"

struct pc_pair {
	const char *src, *dst;   /* borrowed labels */
	size_t incompatible;     /* not acknowledged, at PC_SEV_INCOMPATIBLE */
	size_t known;            /* acknowledged by a known break */
	size_t review;           /* not acknowledged, at PC_SEV_REVIEW */
	bool error;              /* the direction could not be checked */
};

/* Add the findings r->items[from..] to the counts of 'p' (from <= r->n).
 * Cannot fail. */
void pc_pair_count(const struct pc_report *r, size_t from, struct pc_pair *p);

/*
 * Check the direction a -> b with pc_check_direction(), its findings
 * appended to 'r', and fill 'p' (reset first) with the labels and counts.
 * On failure p->error is true and 'err' holds "A -> B: REASON" with the
 * checker's code.
 */
int pc_pair_check(struct pc_check *c, const struct pc_side *a,
		  const struct pc_side *b, struct pc_report *r,
		  struct pc_pair *p, struct pc_err *err);

/*
 * The verdict word: "error", "incompatible", "compatible", or with
 * 'known_fails' (an explicit pair or chain asks "will this migration
 * work?": a known break is still a break) "incompatible (known break)".
 */
const char *pc_pair_verdict(const struct pc_pair *p, bool known_fails);

/* The pairs as a JSON array of objects: "source", "destination",
 * "verdict", "incompatible", "known_breaks", "needs_review".  The caller
 * owns the array. */
json_t *pc_pairs_to_json(const struct pc_pair *p, size_t n, bool known_fails);

#endif /* PC_PAIR_H */
