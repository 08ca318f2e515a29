/*
 * suggest.h - the compat-line fixes of a failing pair, and the edit of
 * the tree's machine files that applies them (`plugcheck suggest
 * --apply`, core/cli/cmd-suggest.c): collected from a report, verified
 * against the whole check (every machine type, every recorded release,
 * both directions) on a scratch copy of the machine files, then appended
 * to the files atomically.  The overrides a destination can be started
 * with are pc_suggest_overrides() (check.h).
 *
 * Nothing here prints; errors go to 'err' with their codes.
 */
#ifndef PC_SUGGEST_H
#define PC_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "finding.h"
#include "known-breaks.h"
#include "resolve.h"
#include "util.h"

/*
 * The compat lines the findings of a report propose ("DRIVER PROP VALUE"
 * and the machine file it goes into), each once, in report order; not a
 * known break's (its fix is its recorded mitigation).  The strings are
 * borrowed from the report, which must outlive this; the arrays are
 * owned (pc_fix_lines_release()).
 */
struct pc_fix_lines {
	const char **files, **lines;
	size_t n;
	/* two lines set one property to two values in one file: no compat
	 * value fits every configuration */
	bool contradict;
};

void pc_fix_lines_collect(const struct pc_report *r, struct pc_fix_lines *out);
void pc_fix_lines_release(struct pc_fix_lines *fl);

/* The index of the first line whose file does not exist (QEMU creates
 * the array with the next machine type), or fl->n when all exist. */
size_t pc_fix_lines_missing(const struct pc_fix_lines *fl);

/* What verifying an edit found (pc_edit_verdict_release()). */
struct pc_edit_verdict {
	/* checks that pass today and fail with the edit: "A -> B on M
	 * (smp=N)", " (error)" appended when the check errs */
	char **regressions;
	size_t n_regressions;
	/* the edited files describe other machine types (the outcomes
	 * cannot be compared one to one) */
	bool other_machines;
	/* the pair asked about passes with the edit */
	bool pair_ok;
};

/*
 * Verify the edit 'fl' of the machine files of 'machine_dir', which 'tree'
 * was loaded from: copied, with the lines appended, to a scratch
 * directory under $TMPDIR (else /tmp, removed afterwards), loaded, and
 * the whole check of the tree against 'rel' (n_rel recorded releases,
 * with 'kb') run before and after; then the pair a -> b of 'asked' (a or
 * b is 'tree') with the edit.  0 with 'v' filled (the edit is good when
 * it has no regressions and not other_machines), -1 with 'err' (PC_E_IO:
 * the scratch copy; PC_E_INPUT: the edited files do not load).
 */
int pc_edit_verify(const struct pc_side *tree, const char *machine_dir,
		   const struct pc_fix_lines *fl, const struct pc_side *rel,
		   size_t n_rel, struct pc_known_breaks *kb,
		   const struct pc_check *asked, const struct pc_side *a,
		   const struct pc_side *b, struct pc_edit_verdict *v,
		   struct pc_err *err);

void pc_edit_verdict_release(struct pc_edit_verdict *v);

/* Append 'line' to the machine file 'file' atomically (a newline first
 * when the file does not end with one). */
int pc_edit_append_line(const char *file, const char *line,
			struct pc_err *err);

#endif /* PC_SUGGEST_H */
