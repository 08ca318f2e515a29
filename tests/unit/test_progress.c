/*
 * test_progress.c - the progress meter (core/progress.h) on a clock the
 * test sets: nested levels each timed from their own start, the delay,
 * redraws at most every interval, erasing when the outermost work ends.
 * Nothing here waits: the times are arguments.
 */
#include <stdlib.h>
#include <string.h>

#include "pctest.h"
#include "progress.h"

#include "banned.h"

struct probe {
	struct pc_progress_meter m;
	struct pc_strbuf line;
	int draws, erases;
	char last[256];
};

static enum pc_progress_act at(struct probe *p, double t, const char *what,
			       size_t done, size_t total)
{
	enum pc_progress_act a = pc_progress_meter_step(&p->m, what, done, total,
						      t, &p->line);

	if (a == PC_PROGRESS_DRAW) {
		p->draws++;
		snprintf(p->last, sizeof(p->last), "%s", p->line.buf);
	}
	p->erases += a == PC_PROGRESS_ERASE;
	return a;
}

static void probe_init(struct probe *p, double delay)
{
	memset(p, 0, sizeof(*p));
	pc_progress_meter_init(&p->m, delay, 0.1, 0);
	pc_strbuf_init(&p->line);
}

/*
 * An outer loop whose every step runs a short inner loop (loading the
 * plugins of each release): every inner step is far below the delay,
 * but the outer work has run for more than it, so a line shows with
 * both levels.  (One timer restarted by each inner step at 0 never drew.)
 */
PCT_TEST("progress", an_outer_loop_of_short_inner_steps_shows)
{
	struct probe p;
	double t = 0;

	probe_init(&p, 1.0);
	for (size_t i = 0; i < 10; i++) {
		at(&p, t, "release matrix", i, 10);
		for (size_t k = 0; k <= 4; k++, t += 0.05)
			at(&p, t, "loading plugins", k, 4);
	}
	at(&p, t, "release matrix", 10, 10);
	CU_ASSERT_TRUE(p.draws >= 1);
	PCT_ASSERT_INT_EQ(p.erases, 1);
	PCT_ASSERT_CONTAINS(p.last, "release matrix: ");
	PCT_ASSERT_CONTAINS(p.last, ", loading plugins: ");
	CU_ASSERT_FALSE(pc_progress_meter_shown(&p.m));
	pc_strbuf_release(&p.line);
}

/* Work shorter than the delay shows nothing and erases nothing; the
 * delay counts from the start of the outermost running work, not from
 * a process-wide clock. */
PCT_TEST("progress", short_work_never_shows)
{
	struct probe p;

	probe_init(&p, 1.0);
	for (size_t k = 0; k <= 5; k++)
		PCT_ASSERT_INT_EQ(at(&p, 0.1 * (double)k, "loading plugins", k, 5),
				  PC_PROGRESS_NONE);
	/* a second piece of work, starting later, has its own start */
	PCT_ASSERT_INT_EQ(at(&p, 5.0, "resolving machine types", 0, 3), PC_PROGRESS_NONE);
	PCT_ASSERT_INT_EQ(at(&p, 5.9, "resolving machine types", 1, 3), PC_PROGRESS_NONE);
	PCT_ASSERT_INT_EQ(at(&p, 6.0, "resolving machine types", 2, 3), PC_PROGRESS_DRAW);
	PCT_ASSERT_STR_EQ(p.last, "resolving machine types: 2/3");
	PCT_ASSERT_INT_EQ(at(&p, 6.1, "resolving machine types", 3, 3), PC_PROGRESS_ERASE);
	PCT_ASSERT_INT_EQ(p.draws, 1);
	pc_strbuf_release(&p.line);
}

/* At most one redraw an interval; an inner level that ends leaves the
 * outer one on the line; a line erased by its owner (other output)
 * comes back at the next step. */
PCT_TEST("progress", redraws_are_throttled_and_levels_end_inside_out)
{
	struct probe p;

	probe_init(&p, 0.0);
	PCT_ASSERT_INT_EQ(at(&p, 0.00, "outer", 0, 2), PC_PROGRESS_DRAW);
	PCT_ASSERT_INT_EQ(at(&p, 0.05, "inner", 0, 9), PC_PROGRESS_NONE);
	PCT_ASSERT_INT_EQ(at(&p, 0.20, "inner", 5, 9), PC_PROGRESS_DRAW);
	PCT_ASSERT_STR_EQ(p.last, "outer: 0/2, inner: 5/9");
	/* the outer step moves on: the inner level is over */
	PCT_ASSERT_INT_EQ(at(&p, 0.40, "outer", 1, 2), PC_PROGRESS_DRAW);
	PCT_ASSERT_STR_EQ(p.last, "outer: 1/2");
	pc_progress_meter_hidden(&p.m);
	CU_ASSERT_FALSE(pc_progress_meter_shown(&p.m));
	PCT_ASSERT_INT_EQ(at(&p, 0.41, "inner", 0, 9), PC_PROGRESS_DRAW);
	PCT_ASSERT_STR_EQ(p.last, "outer: 1/2, inner: 0/9");
	PCT_ASSERT_INT_EQ(at(&p, 0.42, "inner", 9, 9), PC_PROGRESS_NONE);
	PCT_ASSERT_INT_EQ(at(&p, 0.60, "outer", 2, 2), PC_PROGRESS_ERASE);
	/* a step of work that is not running and ends: nothing */
	PCT_ASSERT_INT_EQ(at(&p, 0.70, "inner", 9, 9), PC_PROGRESS_NONE);
	pc_strbuf_release(&p.line);
}

/* The line is cut to the terminal's width, less one column (no wrap:
 * erasing must clear all of it). */
PCT_TEST("progress", the_line_fits_the_terminal)
{
	struct probe p;

	probe_init(&p, 0.0);
	p.m.width = 20;
	PCT_ASSERT_INT_EQ(at(&p, 0, "release matrix: machine types", 3, 40),
			  PC_PROGRESS_DRAW);
	PCT_ASSERT_STR_EQ(p.last, "release matrix: mac");
	pc_strbuf_release(&p.line);
}
