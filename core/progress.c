/*
 * progress.c - the progress meter (progress.h): nested levels of work,
 * each timed from its own start, and the line that shows them.  The
 * design is in Documentation/output-formats.md, "Progress": a step of an
 * inner loop that starts at 0 used to restart the one timer, so an outer
 * loop of short inner steps never showed.
 */
#include <stdio.h>
#include <string.h>

#include "progress.h"

#include "banned.h"

void pc_progress_meter_init(struct pc_progress_meter *m, double delay,
			    double interval, size_t width)
{
	memset(m, 0, sizeof(*m));
	m->delay = delay;
	m->interval = interval;
	m->width = width;
}

void pc_progress_meter_hidden(struct pc_progress_meter *m)
{
	m->shown = false;
}

bool pc_progress_meter_shown(const struct pc_progress_meter *m)
{
	return m->shown;
}

/* The running level of 'what' (innermost first), or -1. */
static long find_level(const struct pc_progress_meter *m, const char *what)
{
	for (size_t k = m->depth; k-- > 0;)
		if (!strncmp(m->lv[k].what, what, PC_PROGRESS_WHAT - 1))
			return (long)k;
	return -1;
}

/* Level k of 'what' updated, or a new one begun; false when the step is
 * to be ignored (an unknown step that ends, nesting too deep). */
static bool update(struct pc_progress_meter *m, const char *what,
		   size_t done, size_t total, double now)
{
	long k = find_level(m, what);
	struct pc_progress_level *l;

	if (k < 0) {
		if (done >= total)
			return false;
		if (m->depth == PC_PROGRESS_DEPTH) {
			m->ignored++;
			return false;
		}
		k = (long)m->depth++;
		l = &m->lv[k];
		snprintf(l->what, sizeof(l->what), "%s", what);
		l->start = now;
	}
	m->depth = (size_t)k + 1; /* the levels inside it have ended */
	m->ignored = 0;
	m->lv[k].done = done;
	m->lv[k].total = total;
	if (done >= total)
		m->depth = (size_t)k;
	return true;
}

enum pc_progress_act pc_progress_meter_step(struct pc_progress_meter *m,
					    const char *what, size_t done,
					    size_t total, double now,
					    struct pc_strbuf *line)
{
	if (!update(m, what, done, total, now))
		return PC_PROGRESS_NONE;
	if (!m->depth) {
		if (!m->shown)
			return PC_PROGRESS_NONE;
		m->shown = false;
		return PC_PROGRESS_ERASE;
	}
	if (now - m->lv[0].start < m->delay ||
	    (m->shown && now - m->last < m->interval))
		return PC_PROGRESS_NONE;
	pc_strbuf_reset(line);
	for (size_t k = 0; k < m->depth; k++)
		pc_strbuf_addf(line, "%s%s: %zu/%zu", k ? ", " : "",
			       m->lv[k].what, m->lv[k].done, m->lv[k].total);
	if (m->width > 1 && line->len > m->width - 1) {
		line->len = m->width - 1;
		line->buf[line->len] = '\0';
	}
	m->last = now;
	m->shown = true;
	return PC_PROGRESS_DRAW;
}
