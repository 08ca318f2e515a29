/*
 * qemu-renames.c - rename sets for qemu-diff (qemu-diff.h): what QEMU's
 * vmstate-static-checker.py keeps in a table inside the script, read from
 * a file so users can teach it without a rebuild.  The format is in
 * qemu-renames.h and Documentation/qemu-diff.md ("Rename files").
 */
#include "qemu-renames.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-dump.h"

#include "banned.h"

void pc_qrenames_init(struct pc_qrenames *r)
{
	memset(r, 0, sizeof(*r));
}

void pc_qrenames_release(struct pc_qrenames *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].scope);
		free(r->items[i].a);
		free(r->items[i].b);
	}
	free(r->items);
	pc_qrenames_init(r);
}

void pc_qrenames_add(struct pc_qrenames *r, enum pc_qrename_kind kind,
		     const char *scope, const char *a, const char *b)
{
	struct pc_qrename *e;

	PC_ALLOC_GROW(r->items, r->n + 1, r->alloc);
	e = &r->items[r->n++];
	e->kind = kind;
	e->scope = kind == PC_QRENAME_FIELD ? pc_xstrdup(scope ? scope : "*")
					    : NULL;
	e->a = pc_xstrdup(a);
	e->b = pc_xstrdup(b);
}

bool pc_qrenames_match(const struct pc_qrenames *r, enum pc_qrename_kind kind,
		       const char *scope, const char *x, const char *y)
{
	if (!strcmp(x, y))
		return true;
	if (!r)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		const struct pc_qrename *e = &r->items[i];

		if (e->kind != kind)
			continue;
		if (kind == PC_QRENAME_FIELD && strcmp(e->scope, "*") &&
		    (!scope || strcmp(e->scope, scope)))
			continue;
		if ((!strcmp(e->a, x) && !strcmp(e->b, y)) ||
		    (!strcmp(e->a, y) && !strcmp(e->b, x)))
			return true;
	}
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The words of one line [p, eol), '#' starting a comment. */
struct words {
	const char *tok[5];
	size_t len[5], n;
};

/* Split a line into words; -1 with the error set on too many or too
 * long ones. */
static int split_words(const char *p, const char *eol, struct words *w,
		       const char *label, size_t lineno, struct pc_err *err)
{
	w->n = 0;
	while (p < eol) {
		const char *t;

		while (p < eol && is_space(*p))
			p++;
		if (p == eol || *p == '#')
			break;
		t = p;
		while (p < eol && !is_space(*p))
			p++;
		if (w->n == PC_ARRAY_SIZE(w->tok))
			return pc_err_set(err, "%s:%zu: too many words (at most 4)",
					  label, lineno);
		if ((size_t)(p - t) > PC_QDUMP_MAX_NAME)
			return pc_err_setc(err, PC_E_LIMIT,
					   "%s:%zu: name of %zu bytes is too long (at most %u)",
					   label, lineno, (size_t)(p - t),
					   PC_QDUMP_MAX_NAME);
		w->tok[w->n] = t;
		w->len[w->n++] = (size_t)(p - t);
	}
	return 0;
}

/* One line's words as an entry of 'r'; -1 with the error set. */
static int add_words(struct pc_qrenames *r, const struct words *w,
		     const char *label, size_t lineno, struct pc_err *err)
{
	enum pc_qrename_kind kind;
	char *s[4];
	/* a fifth word is kept for the count in the message only */
	size_t ns = w->n < PC_ARRAY_SIZE(s) ? w->n : PC_ARRAY_SIZE(s);
	size_t want;
	int ret = -1;

	assert(w->n >= 1);
	for (size_t i = 0; i < ns; i++)
		s[i] = pc_xstrndup(w->tok[i], w->len[i]);
	if (!strcmp(s[0], "section")) {
		kind = PC_QRENAME_SECTION;
		want = 3;
	} else if (!strcmp(s[0], "description")) {
		kind = PC_QRENAME_DESCRIPTION;
		want = 3;
	} else if (!strcmp(s[0], "field")) {
		kind = PC_QRENAME_FIELD;
		want = 4;
	} else {
		pc_err_set(err, "%s:%zu: unknown kind '%s' (expected 'section', 'description' or 'field')",
			   label, lineno, s[0]);
		goto out;
	}
	if (w->n != want) {
		pc_err_set(err, "%s:%zu: '%s' takes %s, found %zu name%s",
			   label, lineno, s[0],
			   want == 4 ? "3 names (description or *, old, new)"
				     : "2 names (old, new)",
			   w->n - 1, w->n == 2 ? "" : "s");
		goto out;
	}
	if (r->n >= PC_QRENAMES_MAX) {
		pc_err_setc(err, PC_E_LIMIT, "%s:%zu: more than %u renames",
			    label, lineno, PC_QRENAMES_MAX);
		goto out;
	}
	if (want == 4)
		pc_qrenames_add(r, kind, s[1], s[2], s[3]);
	else
		pc_qrenames_add(r, kind, NULL, s[1], s[2]);
	ret = 0;
out:
	for (size_t i = 0; i < ns; i++)
		free(s[i]);
	return ret;
}

int pc_qrenames_parse(struct pc_qrenames *r, const char *buf, size_t len,
		      const char *label, struct pc_err *err)
{
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct words w;

		if (!eol)
			eol = end;
		lineno++;
		if (memchr(p, '\0', (size_t)(eol - p)))
			return pc_err_set(err, "%s:%zu: NUL byte in a text file",
					  label, lineno);
		if (split_words(p, eol, &w, label, lineno, err))
			return -1;
		p = eol + 1;
		if (w.n && add_words(r, &w, label, lineno, err))
			return -1;
	}
	return 0;
}

int pc_qrenames_load(struct pc_qrenames *r, const char *path, struct pc_err *err)
{
	char *buf;
	size_t len;
	int ret;

	if (pc_read_file(path, PC_QRENAMES_MAX_FILE, &buf, &len, err))
		return -1;
	ret = pc_qrenames_parse(r, buf, len, path, err);
	free(buf);
	return ret;
}
