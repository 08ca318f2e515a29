/*
 * known-breaks.h - acknowledged migration breaks (abi/known-breaks,
 * Documentation/baselines.md "Known breaks").
 *
 * An entry acknowledges exactly what it was recorded for: its rules, its
 * device type, its exact field or property paths, its releases and its
 * machine types.  A run that covers an entry's scope (a recorded release
 * against the tree under one of its machine types) and shows none of its
 * findings there makes it stale: pc_known_breaks_stale() turns that into a
 * finding of its own (PC810), which fails the run.
 */
#ifndef PC_KNOWN_BREAKS_H
#define PC_KNOWN_BREAKS_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "machine.h"
#include "resolve.h"
#include "util.h"

/* A release against the tree under one machine type (both directions),
 * covered by a run, and what the entry matched there. */
struct pc_known_scope {
	char *release;    /* the recorded release's label */
	char *other;      /* the other side's label ("tree") */
	char *machine;    /* machine type name */
	bool *hit;        /* per path of the entry: a finding matched it */
	char *elsewhere;  /* findings of its rules on its device type at other
			   * paths (not covered), "; "-separated, or NULL */
	bool masked;      /* a section of its device type was refused whole
			   * (not sent, unknown, its version): what it holds
			   * was not compared, so no path of it is stale */
};

/* An acknowledged break (abi/known-breaks, Documentation/baselines.md). */
struct pc_known_break {
	char *rule;       /* "PC401", or a comma-separated list */
	char *device;     /* type name, matched like a compat driver */
	char **paths;     /* exact field or property paths (at least one) */
	size_t n_paths;
	bool has_max;     /* machines=..V : every machine type up to V */
	struct pc_version max;
	char **machines;  /* or an explicit list */
	size_t n_machines;
	char *release;    /* releases whose pairs break (either side), comma-separated */
	char *reason;
	char *mitigation;
	char *origin;     /* file:line */
	size_t matched;   /* findings it acknowledged in this run */
	/* the scopes this run covered (pc_known_breaks_cover) */
	struct pc_known_scope *scopes;
	size_t n_scopes, alloc_scopes;
};

struct pc_known_breaks {
	struct pc_known_break *items;
	size_t n, alloc;
	const struct pc_known_break *last; /* the entry of the last match */
};

/* Load 'path'; errors name file:line (a missing path=, an unknown rule, a
 * malformed list).  Returns 0 or -1. */
int pc_known_breaks_load(const char *path, struct pc_known_breaks *kb,
			 struct pc_err *err);
void pc_known_breaks_release(struct pc_known_breaks *kb);

/*
 * Does an entry of 'kb' acknowledge finding 'f' about a device of 'type'
 * under machine 'm' between releases 'src' and 'dst'?  When one does, 'f'
 * is marked known with its reason and the entry (allocated: the caller
 * frees f->known_reason and f->known_by), the entry's match count goes up
 * and the path is recorded as seen in the scope of the pair.  A finding of
 * an entry's rules on its device type at another path is not acknowledged;
 * it is recorded in the scope (the stale message names it).
 */
bool pc_known_breaks_match(struct pc_known_breaks *kb,
			   const struct pc_type *type,
			   const struct pc_machine *m, const char *src,
			   const char *dst, struct pc_finding *f);

/* Is machine 'm' and release label 'release' in the scope of 'b'? */
bool pc_known_break_in_scope(const struct pc_known_break *b,
			     const struct pc_machine *m, const char *release);

/* The run compares 'release' with 'other' (the tree) under machine 'm'
 * for entry 'b': a scope in which it must match (idempotent). */
void pc_known_break_cover(struct pc_known_break *b, const char *release,
			  const char *other, const struct pc_machine *m);

/*
 * Stale acknowledgements: for every entry and every scope the run covered
 * where one of its paths matched no finding, add a PC810 finding to 'r'
 * naming the entry (file:line), the rule, device and paths it expected,
 * the pair and machine type, and what the run showed instead.  Call only
 * when every input of the run was accepted.  Returns how many were added.
 */
size_t pc_known_breaks_stale(const struct pc_known_breaks *kb,
			     struct pc_report *r);

#endif /* PC_KNOWN_BREAKS_H */
