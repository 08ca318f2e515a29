/*
 * fxside.h - a side built from in-memory declarations (one plugin "fx"
 * 2.0) over a fixture machine family, for the engine's unit suites.
 */
#ifndef FXSIDE_H
#define FXSIDE_H

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

#endif /* FXSIDE_H */
