/*
 * fxside.h - a side built from in-memory declarations (one plugin "fx"
 * 2.0) over a fixture machine family, for the engine's unit suites.
 */
#ifndef FXSIDE_H
#define FXSIDE_H

#include "finding.h"
#include "resolve.h"
#include "util.h"

/*
 * Fill 's' (labelled 'label') with a registry of 'decl' and the machine
 * types of 'machines' (a directory relative to the source tree; NULL:
 * tests/fixtures/check/machines).  Its release is 'release_major'.0.
 * Returns 0, or -1 with 'err' set (the side is then filled as far as it
 * got: release it all the same).
 */
int fx_side_init(struct pc_side *s, const char *label, const char *decl,
		 const char *machines, int release_major, struct pc_err *err);

/*
 * A registry of one plugin declared by 'text' ("u.decl"), linked; NULL
 * with 'err' set when the text or its links are refused.  The caller
 * frees it with pc_registry_free().
 */
struct pc_registry *fx_registry(const char *text, struct pc_err *err);

/* The canonical declaration text of the registry's first plugin (the
 * writer baselines use); the caller frees it. */
char *fx_decl_write(const struct pc_registry *reg);

/*
 * Check 'a' -> 'b' on machine type fx-1.0 with 'smp' vCPUs (0: the
 * default configurations) into 'r' (initialised here); the check's error,
 * if any, is printed for the failing test's context.
 */
int fx_check(const struct pc_side *a, const struct pc_side *b,
	     struct pc_report *r, int smp);

/* fx_check() 'a' -> 'b' with 'smp' vCPUs must find nothing at all. */
void fx_expect_silent(const struct pc_side *a, const struct pc_side *b, int smp);

/* 'text' must be refused (an input error) with a message containing
 * 'msg'. */
void fx_expect_refused(const char *text, const char *msg);

/* The canonical text 'w' is a fixed point: write(parse(w)) == w. */
void fx_expect_fixed_point(const char *w);

#endif /* FXSIDE_H */
