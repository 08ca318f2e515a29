/*
 * color.c - colour on a terminal (--color, NO_COLOR; opts.c decides):
 * the text output passes through a line filter that paints verdict words
 * (COMPATIBLE green, INCOMPATIBLE red) and finding severities
 * (incompatible red, needs-review yellow), so the renderers stay
 * unaware of it.  Machine formats are never painted (opts.c does not
 * begin the filter for them); error: and warning: on stderr are painted
 * by pc_cli_error() and pc_cli_warn().
 */
#define _GNU_SOURCE /* fopencookie */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#include "banned.h"

#define RED "\033[1;31m"
#define GREEN "\033[1;32m"
#define YELLOW "\033[1;33m"
#define RESET "\033[0m"

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* 'w' at line[i] as a whole word */
static bool word_at(const char *line, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return i + n <= len && !memcmp(line + i, w, n) &&
	       (i == 0 || !word_char(line[i - 1])) &&
	       (i + n == len || !word_char(line[i + n]));
}

/* A finding's line: blanks, "PC" and digits, a blank: the offset of its
 * severity word, else 0 */
static size_t severity_at(const char *line, size_t len)
{
	size_t i = 0, d;

	while (i < len && line[i] == ' ')
		i++;
	if (i + 2 >= len || line[i] != 'P' || line[i + 1] != 'C')
		return 0;
	for (d = i + 2; d < len && isdigit((unsigned char)line[d]); d++)
		;
	return d > i + 2 && d < len && line[d] == ' ' ? d + 1 : 0;
}

/* the colour of the word at line[i], and its length; NULL for none */
static const char *paint_at(const char *line, size_t len, size_t i,
			    size_t sev, size_t *n)
{
	/* where a word is painted: anywhere, as a finding's severity, or
	 * as a verdict (after "result: " or in a column: two blanks) */
	enum { ANY, SEVERITY, VERDICT, BOTH };
	static const struct {
		const char *word, *color;
		int where;
	} words[] = {
		{ "INCOMPATIBLE", RED, ANY },
		{ "incompatible", RED, BOTH },
		{ "needs-review", YELLOW, SEVERITY },
		{ "compatible", GREEN, VERDICT },
		{ "error", RED, VERDICT },
	};
	bool verdict = (i >= 8 && !memcmp(line + i - 8, "result: ", 8)) ||
		       (i >= 2 && !memcmp(line + i - 2, "  ", 2));

	for (size_t k = 0; k < PC_ARRAY_SIZE(words); k++) {
		int w = words[k].where;

		if (!word_at(line, len, i, words[k].word))
			continue;
		if (w == ANY || ((w == SEVERITY || w == BOTH) && i == sev) ||
		    ((w == VERDICT || w == BOTH) && verdict)) {
			*n = strlen(words[k].word);
			return words[k].color;
		}
	}
	return NULL;
}

void pc_cli_color_line(const char *line, size_t len, struct pc_strbuf *sb)
{
	size_t sev = severity_at(line, len);

	for (size_t i = 0; i < len;) {
		size_t n = 0;
		const char *c = paint_at(line, len, i, sev, &n);

		if (c) {
			pc_strbuf_addf(sb, "%s%.*s%s", c, (int)n, line + i, RESET);
			i += n;
		} else {
			pc_strbuf_addch(sb, line[i++]);
		}
	}
}

struct painter {
	FILE *to;
	struct pc_strbuf line;
};

static void paint_line(struct painter *p)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_cli_color_line(p->line.buf, p->line.len, &sb);
	fwrite(sb.buf, 1, sb.len, p->to);
	pc_strbuf_release(&sb);
	pc_strbuf_reset(&p->line);
}

static ssize_t paint_write(void *cookie, const char *buf, size_t n)
{
	struct painter *p = cookie;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			paint_line(p);
			fputc('\n', p->to);
		} else {
			pc_strbuf_addch(&p->line, buf[i]);
		}
	}
	return (ssize_t)n;
}

static int paint_close(void *cookie)
{
	struct painter *p = cookie;

	if (p->line.len)
		paint_line(p);
	fflush(p->to);
	pc_strbuf_release(&p->line);
	free(p);
	return 0;
}

void pc_cli_color_begin(struct pc_cli *cli)
{
	cookie_io_functions_t fns = { NULL, paint_write, NULL, paint_close };
	struct painter *p = pc_xcalloc(1, sizeof(*p));
	FILE *f;

	p->to = cli->out;
	pc_strbuf_init(&p->line);
	f = fopencookie(p, "w", fns);
	if (!f) {
		free(p);
		cli->color_out = false;
		return;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	cli->plain_out = cli->out;
	cli->out = f;
}

void pc_cli_color_end(struct pc_cli *cli)
{
	if (!cli->plain_out)
		return;
	fclose(cli->out);
	cli->out = cli->plain_out;
	cli->plain_out = NULL;
}
