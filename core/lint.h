/*
 * lint.h - the lint rules: mistakes a reviewer would catch, found from
 * the declarations and the machine files alone (PC801-PC806, lint.c has
 * each rule; Documentation/plugcheck.1, "lint").
 *
 * The rules only add findings to a report the caller owns; they print
 * nothing.
 */
#ifndef PC_LINT_H
#define PC_LINT_H

#include <stddef.h>

#include "finding.h"
#include "resolve.h"
#include "util.h"

/*
 * Run every rule over 'tree' (a loaded tree: registry and machine types),
 * appending the findings to 'r' (initialized by the caller).  'releases'
 * (n_releases of them, may be none) are the recorded releases PC801
 * compares the machine types with; 'smp_pin' > 0 checks that vCPU count
 * only, 0 each machine type's set.  -1 with 'err' set when a VM cannot be
 * built (the findings so far stay in 'r').
 */
int pc_lint_run(const struct pc_side *tree, const struct pc_side *releases,
		size_t n_releases, int smp_pin, struct pc_report *r,
		struct pc_err *err);

#endif /* PC_LINT_H */
