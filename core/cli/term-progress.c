/*
 * term-progress.c - the progress line on the terminal
 * (Documentation/output-formats.md, "Progress"): the library's steps
 * (pc_progress(), util.h) go to a meter (core/progress.h) that decides
 * when a line shows and what it says; this file draws and erases it on
 * standard error.  Only in text, without -q, when standard error is a
 * terminal.  PLUGCHECK_PROGRESS_DELAY_MS sets how long work runs before
 * its line shows (default 1000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

#include "banned.h"

#define DEFAULT_DELAY_MS 1000
#define REDRAW_S 0.1

struct pc_cli_progress {
	struct pc_progress_meter meter;
	struct pc_strbuf line;
	struct pc_cli *cli;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void erase(struct pc_cli_progress *pr)
{
	fputs("\r\033[K", pr->cli->err);
	fflush(pr->cli->err);
}

static void step(void *ctx, const char *what, size_t done, size_t total)
{
	struct pc_cli_progress *pr = ctx;

	/* the verb settles --format and -q after the progress started */
	if (pr->cli->format != PC_FMT_TEXT || pr->cli->quiet)
		return;
	switch (pc_progress_meter_step(&pr->meter, what, done, total, now_s(),
				       &pr->line)) {
	case PC_PROGRESS_DRAW:
		fprintf(pr->cli->err, "\r\033[K%s", pr->line.buf);
		fflush(pr->cli->err);
		break;
	case PC_PROGRESS_ERASE:
		erase(pr);
		break;
	case PC_PROGRESS_NONE:
		break;
	}
}

/* PLUGCHECK_PROGRESS_DELAY_MS: milliseconds, 0 or more; -1 when bad */
static long delay_ms(void)
{
	const char *s = getenv("PLUGCHECK_PROGRESS_DELAY_MS");
	int64_t v;

	if (!s || !*s)
		return DEFAULT_DELAY_MS;
	if (pc_parse_i64(s, &v) || v < 0 || v > 86400000)
		return -1;
	return (long)v;
}

int pc_cli_progress_start(struct pc_cli *cli)
{
	struct pc_cli_progress *pr;
	struct winsize ws;
	long ms = delay_ms();
	size_t width = 80;

	if (ms < 0) {
		pc_cli_error(cli, "PLUGCHECK_PROGRESS_DELAY_MS: bad value '%s' (expected milliseconds, 0 to 86400000)",
			     getenv("PLUGCHECK_PROGRESS_DELAY_MS"));
		return -1;
	}
	if (!isatty(fileno(cli->err)))
		return 0;
	if (!ioctl(fileno(cli->err), TIOCGWINSZ, &ws) && ws.ws_col > 0)
		width = ws.ws_col;
	pr = pc_xcalloc(1, sizeof(*pr));
	/* no delay: every step draws (the tests' setting) */
	pc_progress_meter_init(&pr->meter, (double)ms / 1000.0,
			       ms ? REDRAW_S : 0.0, width);
	pc_strbuf_init(&pr->line);
	pr->cli = cli;
	cli->progress = pr;
	pc_progress_set(step, pr);
	return 0;
}

void pc_cli_progress_clear(struct pc_cli *cli)
{
	struct pc_cli_progress *pr = cli->progress;

	if (!pr || !pc_progress_meter_shown(&pr->meter))
		return;
	erase(pr);
	pc_progress_meter_hidden(&pr->meter);
}

void pc_cli_progress_stop(struct pc_cli *cli)
{
	struct pc_cli_progress *pr = cli->progress;

	if (!pr)
		return;
	pc_cli_progress_clear(cli); /* work that failed half-way left its line */
	pc_progress_set(NULL, NULL);
	pc_strbuf_release(&pr->line);
	free(pr);
	cli->progress = NULL;
}
