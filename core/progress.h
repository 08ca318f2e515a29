/*
 * progress.h - what the progress line of long work shows, and when
 * (Documentation/output-formats.md, "Progress").  The library reports
 * steps with pc_progress() (util.h); the program that draws a line feeds
 * them to a meter, which decides.
 *
 * Steps nest: an outer loop (the release matrix, check --all-machines)
 * runs inner work that reports steps of its own (loading plugins), each
 * kind of work named by its 'what'.  The meter keeps one level per
 * running kind, each timed from its own start, so work that has run for
 * the delay shows however short the steps nested inside it are; the line
 * names every running level, outermost first.
 *
 * A meter is plain data: no allocation, no clock of its own (the caller
 * passes the time), nothing printed.  Cannot fail.
 */
#ifndef PC_PROGRESS_H
#define PC_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define PC_PROGRESS_DEPTH 8
#define PC_PROGRESS_WHAT 64

struct pc_progress_level {
	char what[PC_PROGRESS_WHAT]; /* the work's name (cut to fit) */
	size_t done, total;
	double start;                /* when the level began */
};

struct pc_progress_meter {
	double delay;    /* seconds the outermost level runs before a line */
	double interval; /* seconds between two redraws */
	size_t width;    /* the line is cut to width - 1 characters (0: not) */
	struct pc_progress_level lv[PC_PROGRESS_DEPTH];
	size_t depth;    /* running levels; more nesting is not shown */
	size_t ignored;  /* levels beyond PC_PROGRESS_DEPTH */
	double last;     /* the last redraw */
	bool shown;      /* a line is drawn */
};

enum pc_progress_act {
	PC_PROGRESS_NONE,  /* leave the terminal as it is */
	PC_PROGRESS_DRAW,  /* replace the line with the one given */
	PC_PROGRESS_ERASE, /* the work ended: erase the line */
};

/* A meter that shows work after 'delay' seconds, redrawn at most every
 * 'interval' seconds, lines cut to 'width' (0: uncut). */
void pc_progress_meter_init(struct pc_progress_meter *m, double delay,
			    double interval, size_t width);

/*
 * Step 'done' of 'total' of work 'what' at time 'now' (seconds, any
 * fixed origin): 'what' not running starts a level inside the innermost
 * one; a running one is updated and the levels inside it end; done >=
 * total ends it.  Returns what to do with the line; on DRAW, 'line'
 * holds it ("what: done/total, inner: done/total").
 */
enum pc_progress_act pc_progress_meter_step(struct pc_progress_meter *m,
					    const char *what, size_t done,
					    size_t total, double now,
					    struct pc_strbuf *line);

/* The line was erased by its owner (before other output): the levels go
 * on, the next step may draw it again.  Does 'm' have a line drawn? */
void pc_progress_meter_hidden(struct pc_progress_meter *m);
bool pc_progress_meter_shown(const struct pc_progress_meter *m);

#endif /* PC_PROGRESS_H */
