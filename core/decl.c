/*
 * decl.c - the declaration language: parser and canonical writer
 * (Documentation/declaration-language.md; the model is in model.h).
 *
 * The parser is strict on purpose: the text comes from plugins we have not
 * run and from baselines that must mean exactly one thing, so anything it
 * does not understand is an error with "where:line", never a guess.  It
 * parses into a scratch registry and commits to the real one only when the
 * whole text is good: a rejected plugin leaves nothing behind, and one
 * free function (pc_registry_free) cleans up whatever was half-built.
 *
 * The writer prints the model back in one canonical form (fixed attribute
 * order, canonical values and expressions, quotes only where needed), so
 * that writing is a fixed point and baselines diff cleanly.
 */
#include "decl.h"
#include "model.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <plugcheck/plugin.h>

#include "decl-pool.h"
#include "module.h"

#include "banned.h"

#define DECL_MAX_LINE 4096
#define DECL_MAX_SIZE (1024 * 1024)
#define NAME_MAX_LEN 127

/* ------------------------------------------------------------ lexing */

/* One word of a line; attributes are split into text (key) and value. */
struct word {
	char *text;
	const char *value; /* NULL unless "key=value" */
};

/*
 * The words of one line.  Their text lives in 'buf', one buffer reused
 * for every line of a declaration (a thousand plugins have some 50,000
 * lines and 200,000 words: one allocation each was a fifth of the
 * parse); a statement copies what it keeps.
 */
struct words {
	struct word *w;
	size_t n, alloc;
	char *buf;
	size_t buf_alloc;
};

struct dparser {
	const char *where;
	int line;
	struct pc_err *err;
	/* the plugin the declarations belong to: only stored (type->plugin,
	 * vmsd->plugin) while parsing, read by commit() for messages */
	struct pc_plugin *owner;
	/* the header lines (plugcheck-abi, plugin, description, license,
	 * author), staged here and moved into the owner when the text is
	 * committed, so that parsing never writes to the owner */
	struct pc_plugin hdr;
	struct pc_registry *tmp; /* what this text declares, until commit */
	struct decl_pool *pool;  /* the strings of tmp's declarations */
	struct pc_type *type;    /* the open block, if any */
	struct pc_vmsd *vmsd;
	size_t alloc_a, alloc_b, alloc_c, alloc_d, alloc_e; /* arrays of the open block */
	int stmts;               /* statements seen */
	bool have_desc, have_license, have_author;
	/* the source position markers, staged like the header lines; the
	 * files as recorded, the last one the current */
	struct pc_srcmap src;
	size_t alloc_src_files, alloc_src_lines;
};

static struct decl_pool *pool_new(size_t text_len)
{
	struct decl_pool *pool = pc_xcalloc(1, sizeof(*pool));

	pc_arena_init(&pool->arena, NULL, 0);
	/* the strings are (canonical) pieces of the text: one chunk of
	 * half its size usually holds them all */
	pool->arena.chunk = text_len / 2 + 256;
	pool->refs = 1;
	return pool;
}

static struct decl_pool *pool_ref(struct decl_pool *pool)
{
	pool->refs++;
	return pool;
}

static char *pool_strndup(struct dparser *p, const char *s, size_t n)
{
	return pc_arena_bytes_dup(&p->pool->arena, s, n);
}

static char *pool_strdup(struct dparser *p, const char *s)
{
	return pool_strndup(p, s, strlen(s));
}

/* "WHERE:LINE: MSG" under 'code': a bound of the format, an inner error's. */
static int derr_at(struct dparser *p, enum pc_errcode code, const char *msg)
{
	return pc_err_setc(p->err, code, "%s:%d: %s", p->where, p->line, msg);
}

/* A malformed declaration. */
PC_PRINTF(2, 3)
static int derr(struct dparser *p, const char *fmt, ...)
{
	char msg[1800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return derr_at(p, PC_E_INPUT, msg);
}

static void words_release(struct words *ws)
{
	free(ws->w);
	free(ws->buf);
	memset(ws, 0, sizeof(*ws));
}

/* ------------------------------------------------------------ source positions */

static void srcmap_release(struct pc_srcmap *m)
{
	for (size_t i = 0; i < m->n_files; i++)
		free(m->files[i]);
	free(m->files);
	free(m->lines);
	memset(m, 0, sizeof(*m));
}

/* Make s[0..n) the current source file (a new entry when it differs). */
static void src_file(struct dparser *p, const char *s, size_t n)
{
	const char *last = p->src.n_files ? p->src.files[p->src.n_files - 1]
					  : NULL;

	if (last && strlen(last) == n && !memcmp(last, s, n))
		return;
	PC_ALLOC_GROW(p->src.files, p->src.n_files + 1, p->alloc_src_files);
	p->src.files[p->src.n_files++] = pc_xstrndup(s, n);
}

static size_t skip_blanks(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The line number at s[*i..n): decimal digits, 1..INT_MAX, ending the
 * text or followed by a blank; *i moves past it.  0 when malformed. */
static uint64_t line_number(const char *s, size_t *i, size_t n)
{
	uint64_t num = 0;
	size_t k;

	for (k = *i; k < n && s[k] >= '0' && s[k] <= '9' && num <= INT_MAX; k++)
		num = num * 10 + (uint64_t)(s[k] - '0');
	if (k == *i || num > INT_MAX || (k < n && s[k] != ' ' && s[k] != '\t'))
		return 0;
	*i = k;
	return num;
}

/*
 * A source position marker: 's' (n bytes) is what follows "#@" in a
 * comment.  "#@ line N FILE" says the line was written at line N of FILE
 * (the rest of the line), which becomes the current file; "#@ line N" at
 * line N of the current file.  A malformed one is refused (a wrong place
 * is worse than none); any other "#@" comment is left to later versions
 * and ignored.
 */
static int marker(struct dparser *p, const char *s, size_t n)
{
	size_t i = skip_blanks(s, 0, n), k;
	uint64_t num;
	struct pc_srcline *l;

	if (n - i < 5 || memcmp(s + i, "line", 4) ||
	    (s[i + 4] != ' ' && s[i + 4] != '\t'))
		return 0;
	i = skip_blanks(s, i + 5, n);
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	k = i;
	num = line_number(s, &k, n);
	if (!num)
		return derr(p, "bad source position '#@ line %.*s' (expected '#@ line N [FILE]', N a line number from 1)",
			    (int)(n - i > 60 ? 60 : n - i), s + i);
	k = skip_blanks(s, k, n);
	if (k < n)
		src_file(p, s + k, n - k);
	else if (!p->src.n_files)
		return derr(p, "source position '#@ line %" PRIu64 "' names no file, and no earlier one did (expected '#@ line N FILE' first)",
			    num);
	PC_ALLOC_GROW(p->src.lines, p->src.n_lines + 1, p->alloc_src_lines);
	l = &p->src.lines[p->src.n_lines++];
	l->text_line = (uint32_t)p->line;
	l->c_line = (uint32_t)num;
	l->file = (uint32_t)(p->src.n_files - 1);
	return 0;
}

/* The rest of a line from where a comment may start ('s', n bytes; none
 * when n is 0): a source position marker ("#@") is read, any other
 * comment ignored. */
static int comment(struct dparser *p, const char *s, size_t n)
{
	if (n >= 2 && s[1] == '@')
		return marker(p, s + 2, n - 2);
	return 0;
}

/* Bytes that end a run of plain word characters in lex_line(). */
enum { LX_PLAIN, LX_BLANK, LX_QUOTE, LX_EQ, LX_HASH };
static const unsigned char lex_class[256] = {
	[' '] = LX_BLANK, ['\t'] = LX_BLANK, ['"'] = LX_QUOTE, ['='] = LX_EQ,
	['#'] = LX_HASH,
};

static int lex_line(struct dparser *p, const char *s, size_t len,
		    struct words *out)
{
	size_t i = 0;
	char *o;

	out->n = 0;
	/* a word's text is at most its characters plus a NUL, and words are
	 * separated by blanks: 2 * len + 2 bytes hold any line, so the
	 * buffer never moves while the words point into it */
	if (out->buf_alloc < 2 * len + 2) {
		free(out->buf);
		out->buf_alloc = 2 * len + 2 > 256 ? 2 * len + 2 : 256;
		out->buf = pc_xmalloc(out->buf_alloc);
	}
	o = out->buf;
	while (i < len) {
		size_t eq = SIZE_MAX;
		char *start;
		struct word *w;

		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		/* '#' opening a word comments out the rest of the line */
		if (i >= len || s[i] == '#')
			return comment(p, s + i, len - i);
		start = o;
		while (i < len) {
			size_t open, j = i;
			unsigned char cls = LX_PLAIN;

			/* a run of plain characters ('#' inside a word is
			 * plain too) */
			while (j < len && ((cls = lex_class[(unsigned char)s[j]]) ==
					   LX_PLAIN || cls == LX_HASH))
				j++;
			memcpy(o, s + i, j - i);
			o += j - i;
			i = j;
			if (i >= len || cls == LX_BLANK)
				break;
			if (cls == LX_EQ) {
				if (eq == SIZE_MAX)
					eq = (size_t)(o - start);
				*o++ = s[i++];
				continue;
			}
			open = i;
			for (i++;; i++) {
				if (i >= len)
					return derr(p, "unterminated quote (opened at column %zu)",
						    open + 1);
				if (s[i] == '"')
					break;
				if (s[i] == '\\') {
					if (i + 1 >= len ||
					    (s[i + 1] != '"' && s[i + 1] != '\\'))
						return derr(p, "unknown escape at column %zu (only \\\" and \\\\ are escapes in quotes)",
							    i + 1);
					i++;
				}
				*o++ = s[i];
			}
			i++;
		}
		*o++ = '\0';
		PC_ALLOC_GROW(out->w, out->n + 1, out->alloc);
		w = &out->w[out->n++];
		w->text = start;
		w->value = NULL;
		if (eq != SIZE_MAX) {
			start[eq] = '\0';
			w->value = start + eq + 1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ checks */

/* A-Z a-z 0-9 _ . , : / + - */
static bool name_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ',' ||
	       c == ':' || c == '/' || c == '+' || c == '-';
}

static bool valid_name(const char *s)
{
	size_t n = 0;

	if (s[0] == '-')
		return false;
	for (; s[n]; n++)
		if (n >= NAME_MAX_LEN || !name_char((unsigned char)s[n]))
			return false;
	return n >= 1;
}

static int check_name(struct dparser *p, const char *what, const char *s)
{
	if (valid_name(s))
		return 0;
	return derr(p, "bad %s name '%s' (expected 1-127 characters of A-Z a-z 0-9 _ . , : / + -, not starting with '-')",
		    what, s);
}

static bool valid_symbol(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > NAME_MAX_LEN || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* Unsigned decimal or 0x hex, no sign, no blanks; at most 'max'. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	bool neg;
	uint64_t v;

	if (pc_parse_int_text(s, 0, &neg, &v) || v > max)
		return -1;
	*out = v;
	return 0;
}

static int get_num(struct dparser *p, const char *key, const char *s,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	if (parse_num(s, max, out) || *out < min)
		return derr(p, "bad number '%s' for %s= (expected an integer %" PRIu64 "..%" PRIu64 ")",
			    s, key, min, max);
	return 0;
}

static int get_version(struct dparser *p, const char *key, const char *s,
		       struct pc_version *out)
{
	if (pc_version_parse(s, out))
		return derr(p, "bad version '%s' for %s= (expected a dotted version such as 8.0 or 8.0.1)",
			    s, key);
	return 0;
}

static int get_expr(struct dparser *p, const char *s, struct pc_expr **out)
{
	char where[PATH_MAX + 32];
	size_t wl = strlen(p->where);

	/* "%s:%d" without printf: some 6,000 expressions per 1,000 plugins */
	if (wl + 16 < sizeof(where) && p->line >= 0) {
		char digits[16];
		size_t nd = 0;
		unsigned line = (unsigned)p->line;

		do {
			digits[nd++] = (char)('0' + line % 10);
			line /= 10;
		} while (line);
		memcpy(where, p->where, wl);
		where[wl++] = ':';
		while (nd)
			where[wl++] = digits[--nd];
		where[wl] = '\0';
	} else {
		snprintf(where, sizeof(where), "%s:%d", p->where, p->line);
	}
	*out = pc_expr_parse(s, where, p->err);
	return *out ? 0 : -1;
}

/* ------------------------------------------------------------ attributes */

#define MAX_ATTRS 16

/*
 * The attributes of one statement: 'keys' take a value, 'flags' do not.
 * Each may appear once; anything else is an error (with a suggestion).
 */
struct attrs {
	const char *const *keys;
	const char *const *flags;
	const char *vals[MAX_ATTRS];
	bool on[MAX_ATTRS];
};

static int list_index(const char *const *list, const char *s)
{
	for (int i = 0; list && list[i]; i++)
		if (list[i][0] == s[0] && !strcmp(list[i], s))
			return i;
	return -1;
}

static int get_attrs(struct dparser *p, const char *stmt,
		     const struct words *ws, size_t first, struct attrs *a)
{
	for (size_t i = first; i < ws->n; i++) {
		const struct word *w = &ws->w[i];
		int k;

		if (w->value) {
			k = list_index(a->keys, w->text);
			if (k >= 0) {
				if (a->vals[k])
					return derr(p, "duplicate attribute '%s=' in %s",
						    w->text, stmt);
				a->vals[k] = w->value;
				continue;
			}
			if (list_index(a->flags, w->text) >= 0)
				return derr(p, "attribute '%s' of %s takes no value",
					    w->text, stmt);
		} else {
			k = list_index(a->flags, w->text);
			if (k >= 0) {
				if (a->on[k])
					return derr(p, "duplicate attribute '%s' in %s",
						    w->text, stmt);
				a->on[k] = true;
				continue;
			}
			if (list_index(a->keys, w->text) >= 0)
				return derr(p, "attribute '%s' of %s needs a value (%s=...)",
					    w->text, stmt, w->text);
		}
		{
			const char *cands[2 * MAX_ATTRS];
			const char *best;
			size_t n = 0;

			for (size_t j = 0; a->keys && a->keys[j]; j++)
				cands[n++] = a->keys[j];
			for (size_t j = 0; a->flags && a->flags[j]; j++)
				cands[n++] = a->flags[j];
			best = pc_suggest(w->text, cands, n);
			if (best)
				return derr(p, "unknown attribute '%s' of %s (did you mean '%s'?)",
					    w->text, stmt, best);
			return derr(p, "unknown attribute '%s' of %s", w->text,
				    stmt);
		}
	}
	return 0;
}

/*
 * The index of 'key' in 'list', for the statements' own lookups: they
 * pass the same string literal as their keys[] array holds, which the
 * compiler stores once, so comparing pointers finds it without a string
 * compare (statements look their attributes up some 400,000 times per
 * 1,000 plugins).  Any other spelling is still found by comparing text.
 */
static int key_index(const char *const *list, const char *key)
{
	for (int i = 0; list && list[i]; i++)
		if (list[i] == key)
			return i;
	return list_index(list, key);
}

static const char *aval(const struct attrs *a, const char *key)
{
	int k = key_index(a->keys, key);

	return k >= 0 ? a->vals[k] : NULL;
}

static bool aflag(const struct attrs *a, const char *flag)
{
	int k = key_index(a->flags, flag);

	return k >= 0 && a->on[k];
}

/* The positional words 1..n of a statement ("prop NAME KIND"). */
static int need_positional(struct dparser *p, const struct words *ws,
			   size_t n, const char *usage)
{
	for (size_t i = 1; i <= n; i++)
		if (i >= ws->n || ws->w[i].value)
			return derr(p, "expected '%s', found %s%s%s", usage,
				    i >= ws->n ? "end of line" : "'",
				    i >= ws->n ? "" : ws->w[i].text,
				    i >= ws->n ? "" : "=...'");
	return 0;
}

/* Split "a,b,c" into owned names, each checked, no duplicates. */
static int split_names(struct dparser *p, const char *key, const char *s,
		       const char *what, char ***out, size_t *n)
{
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char *item = pool_strndup(p, s, len);

		PC_ALLOC_GROW(*out, *n + 2, alloc);
		(*out)[(*n)++] = item;
		(*out)[*n] = NULL;
		if (check_name(p, what, item))
			return -1;
		for (size_t i = 0; i + 1 < *n; i++)
			if (!strcmp((*out)[i], item))
				return derr(p, "'%s' appears twice in %s=", item,
					    key);
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* ------------------------------------------------------------ duplicates */

struct named {
	const char *name;
	int line;
};

static int named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/*
 * Report the duplicate whose second declaration comes first in the text,
 * so the message is the one a reader scanning top-down meets first.
 */
static size_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

/* Are all n names distinct?  A hash set: linear, where sorting (needed
 * only to report a duplicate) is not. */
static bool all_distinct(const struct named *v, size_t n)
{
	const char *stack[128], **slots = stack;
	size_t size = 16, mask;
	bool ok = true;

	while (size < 2 * n)
		size *= 2;
	if (size > PC_ARRAY_SIZE(stack))
		slots = pc_xcalloc(size, sizeof(*slots));
	else
		memset(stack, 0, size * sizeof(*stack));
	mask = size - 1;
	for (size_t i = 0; ok && i < n; i++) {
		size_t j = name_hash(v[i].name) & mask;

		for (; slots[j]; j = (j + 1) & mask) {
			if (!strcmp(slots[j], v[i].name)) {
				ok = false;
				break;
			}
		}
		slots[j] = v[i].name;
	}
	if (slots != stack)
		free(slots);
	return ok;
}

/* May field 'f' share its name with another such field?  QEMU's do: two
 * structures saving the same member (VMSTATE_PCI_DEVICE and VMSTATE_MSIX
 * both save parent_obj), and test-gated alternatives (vmstate_pci_device's
 * two config buffers, one if the function is PCI Express). */
static bool name_repeatable(const struct pc_field *f)
{
	return f->kind == PC_FIELD_STRUCT || f->cond;
}

/*
 * The field names of 'd' to check for duplicates, into 'v': every field
 * but a repeatable one (name_repeatable()) repeating another repeatable
 * one's name; a path names the first that fits.
 */
static size_t field_names(const struct pc_vmsd *d, struct named *v)
{
	size_t n = 0, ns;

	for (size_t i = 0; i < d->n_fields; i++)
		if (!name_repeatable(&d->fields[i]))
			v[n++] = (struct named){ d->fields[i].name, d->fields[i].line };
	ns = n;
	for (size_t i = 0; i < d->n_fields; i++)
		if (name_repeatable(&d->fields[i]))
			v[n++] = (struct named){ d->fields[i].name, d->fields[i].line };
	if (n - ns < 2)
		return n;
	qsort(v + ns, n - ns, sizeof(*v), named_cmp);
	{
		size_t k = ns + 1;

		for (size_t i = ns + 1; i < n; i++)
			if (strcmp(v[i].name, v[k - 1].name))
				v[k++] = v[i];
		n = k;
	}
	return n;
}

static int check_dups(struct dparser *p, struct named *v, size_t n,
		      const char *what, const char *in)
{
	size_t best = 0;
	bool found = false;

	if (all_distinct(v, n))
		return 0;
	qsort(v, n, sizeof(*v), named_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i].name, v[i - 1].name))
			continue;
		if (!found || v[i].line < v[best].line)
			best = i;
		found = true;
	}
	if (!found)
		return 0;
	while (best > 0 && !strcmp(v[best - 1].name, v[best].name) &&
	       v[best - 1].line == v[best].line)
		best--;
	{
		size_t first = best;

		while (first > 0 && !strcmp(v[first - 1].name, v[best].name))
			first--;
		p->line = v[best].line;
		return derr(p, "%s '%s' declared twice%s%s (first at line %d)",
			    what, v[best].name, in ? " in " : "", in ? in : "",
			    v[first].line);
	}
}

/* ------------------------------------------------------------ statements */

static int stmt_abi(struct dparser *p, const struct words *ws)
{
	uint64_t v;

	if (!ws->n || strcmp(ws->w[0].text, "plugcheck-abi") || ws->w[0].value)
		return derr(p, "expected 'plugcheck-abi %d' as the first line, found %s%s%s",
			    PLUGCHECK_ABI_VERSION, ws->n ? "'" : "",
			    ws->n ? ws->w[0].text : "an empty line",
			    ws->n ? "'" : "");
	if (ws->n != 2 || ws->w[1].value || parse_num(ws->w[1].text, UINT_MAX, &v))
		return derr(p, "expected 'plugcheck-abi N' with one number N");
	if (v != PLUGCHECK_ABI_VERSION)
		return derr(p, "plugin ABI version %" PRIu64 ", this plugcheck supports %d",
			    v, PLUGCHECK_ABI_VERSION);
	p->hdr.abi_version = (unsigned)v;
	return 0;
}

static int stmt_plugin(struct dparser *p, const struct words *ws)
{
	struct pc_version v;

	if (need_positional(p, ws, 2, "plugin NAME VERSION"))
		return -1;
	if (ws->n > 3)
		return derr(p, "unexpected '%s' after 'plugin NAME VERSION'",
			    ws->w[3].text);
	if (check_name(p, "plugin", ws->w[1].text))
		return -1;
	if (pc_version_parse(ws->w[2].text, &v))
		return derr(p, "bad plugin version '%s' (expected a dotted version such as 8.0 or 8.0.1)",
			    ws->w[2].text);
	free(p->hdr.name);
	free(p->hdr.version);
	p->hdr.name = pc_xstrdup(ws->w[1].text);
	p->hdr.version = pc_xstrdup(ws->w[2].text);
	return 0;
}

static int stmt_text(struct dparser *p, const struct words *ws, bool *seen,
		     char **dst)
{
	const char *kw = ws->w[0].text;

	if (*seen)
		return derr(p, "second '%s' line", kw);
	if (ws->n != 2 || ws->w[1].value)
		return derr(p, "expected '%s \"TEXT\"' (quote text with blanks)",
			    kw);
	*seen = true;
	free(*dst);
	*dst = pc_xstrdup(ws->w[1].text);
	return 0;
}

static int stmt_type(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "parent", "interfaces", "section",
					    "since", "doc", "idstr", NULL };
	static const char *const flags[] = { "abstract", "interface",
					     "internal", "machine", NULL };
	struct attrs a = { keys, flags, { 0 }, { 0 } };
	struct pc_registry *tmp = p->tmp;
	struct pc_type *t;
	const char *v;

	if (need_positional(p, ws, 1, "type NAME [attributes]"))
		return -1;
	{
		struct type_box *b = pc_xcalloc(1, sizeof(*b));

		b->pool = pool_ref(p->pool);
		t = &b->t;
	}
	PC_ALLOC_GROW(tmp->types, tmp->n_types + 1, tmp->alloc_types);
	tmp->types[tmp->n_types++] = t;
	t->name = pool_strdup(p, ws->w[1].text);
	t->plugin = p->owner;
	t->line = p->line;
	p->type = t;
	p->alloc_a = p->alloc_b = p->alloc_c = p->alloc_d = p->alloc_e = 0;
	if (check_name(p, "type", t->name) ||
	    get_attrs(p, "type", ws, 2, &a))
		return -1;
	if ((v = aval(&a, "parent"))) {
		if (check_name(p, "parent type", v))
			return -1;
		if (!strcmp(v, t->name))
			return derr(p, "type '%s' is its own parent", v);
		t->parent_name = pool_strdup(p, v);
	}
	if ((v = aval(&a, "interfaces"))) {
		char **list;
		size_t n;
		int ret = split_names(p, "interfaces", v, "interface", &list, &n);

		/* two NULLs after the names: see registry.c */
		list = pc_xrealloc(list, (n + 2) * sizeof(*list));
		list[n] = list[n + 1] = NULL;
		t->ifaces = list;
		t->n_ifaces = n;
		if (ret)
			return -1;
	}
	if ((v = aval(&a, "section"))) {
		if (check_name(p, "vmsd", v))
			return -1;
		t->section = pool_strdup(p, v);
	}
	if ((v = aval(&a, "since"))) {
		if (get_version(p, "since", v, &t->since))
			return -1;
		t->has_since = true;
	}
	if ((v = aval(&a, "doc")))
		t->doc = pool_strdup(p, v);
	if ((v = aval(&a, "idstr"))) {
		if (check_name(p, "property", v))
			return -1;
		t->idstr_prop = pool_strdup(p, v);
	}
	t->abstract = aflag(&a, "abstract");
	t->interface = aflag(&a, "interface");
	t->internal = aflag(&a, "internal");
	t->machine = aflag(&a, "machine");
	if (t->machine && (t->abstract || t->interface || t->internal))
		return derr(p, "type '%s': 'machine' (state the machine type owns) is an instantiable type, not %s",
			    t->name, t->interface ? "an interface"
			    : t->abstract ? "abstract" : "internal");
	return 0;
}

/* Validate 'text' as a value of 'pr' and return its canonical spelling. */
static int canon_value(struct dparser *p, const struct pc_prop *pr,
		       const char *key, const char *text, char **out)
{
	struct pc_err e; /* not "= { 0 }": 2 KiB cleared per value */
	struct pc_value v;
	char msg[sizeof(e.msg) + 64];

	pc_err_clear(&e);
	if (pc_value_parse(pr, text, &v, &e)) {
		/* derr() with the value error's code */
		snprintf(msg, sizeof(msg), "%s in %s=", e.msg, key);
		return derr_at(p, e.set ? e.code : PC_E_INTERNAL, msg);
	}
	*out = pool_strdup(p, v.text);
	pc_value_release(&v);
	return 0;
}

/* "VERSION:VALUE" (version optional for the first entry of absent=) */
static int split_versioned(struct dparser *p, const char *key, const char *item,
			   bool version_optional, struct pc_version *ver,
			   const char **value)
{
	const char *colon = strchr(item, ':');

	memset(ver, 0, sizeof(*ver));
	if (colon) {
		char *vs = pc_xstrndup(item, (size_t)(colon - item));
		int bad = pc_version_parse(vs, ver);

		if (!bad || !version_optional) {
			if (bad)
				derr(p, "bad version '%s' in %s= (expected a dotted version such as 8.0 or 8.0.1)",
				     vs, key);
			free(vs);
			if (bad)
				return -1;
			*value = colon + 1;
			return 0;
		}
		free(vs);
	}
	if (!version_optional)
		return derr(p, "%s= entry '%s' needs the form VERSION:VALUE",
			    key, item);
	*value = item;
	return 0;
}

/*
 * absent= and was= lists: comma-separated, versions strictly ascending
 * (only the first absent= entry may omit its version, meaning "since the
 * beginning").
 */
static bool has_version_prefix(const char *item, size_t len)
{
	const char *colon = memchr(item, ':', len);
	struct pc_version v;
	char *vs;
	bool ok;

	if (!colon)
		return false;
	vs = pc_xstrndup(item, (size_t)(colon - item));
	ok = pc_version_parse(vs, &v) == 0;
	free(vs);
	return ok;
}

/*
 * "absent=8.0:on,off" (newest first, the oldest without a version) reads
 * naturally but is not the ascending form; say exactly what to write.
 */
static int check_absent_order(struct dparser *p, const char *s)
{
	const char *items[64];
	size_t lens[64], n = 0;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	bool bad = false;
	int ret;

	for (const char *c = s; n < PC_ARRAY_SIZE(items); n++) {
		const char *comma = strchr(c, ',');

		items[n] = c;
		lens[n] = comma ? (size_t)(comma - c) : strlen(c);
		if (n && !has_version_prefix(items[n], lens[n]))
			bad = true;
		if (!comma) {
			n++;
			break;
		}
		c = comma + 1;
	}
	if (!bad)
		return 0;
	for (size_t i = n; i-- > 0;)
		pc_strbuf_addf(&sb, "%.*s%s", (int)lens[i], items[i], i ? "," : "");
	ret = derr(p, "absent= lists go oldest first and only the first entry may omit its version (write absent=%s)",
		   sb.buf);
	pc_strbuf_release(&sb);
	return ret;
}

static int parse_history(struct dparser *p, struct pc_prop *pr, const char *key,
			 const char *s, bool absent)
{
	size_t alloc = 0;
	char *copy;
	char *item;
	int ret = 0;

	if (absent && check_absent_order(p, s))
		return -1;
	copy = pc_xstrdup(s);
	item = copy;

	for (size_t idx = 0; item && !ret; idx++) {
		char *comma = strchr(item, ',');
		struct pc_version ver, prev = { { 0, 0, 0 } };
		const char *value = NULL;
		char *canon = NULL;

		if (comma)
			*comma = '\0';
		if (split_versioned(p, key, item, absent && idx == 0, &ver,
				    &value) ||
		    canon_value(p, pr, key, value, &canon)) {
			ret = -1;
			break;
		}
		if (absent) {
			if (idx)
				prev = pr->absent[idx - 1].version;
			PC_ALLOC_GROW(pr->absent, pr->n_absent + 1, alloc);
			pr->absent[pr->n_absent].version = ver;
			pr->absent[pr->n_absent++].value = canon;
		} else {
			if (idx)
				prev = pr->changes[idx - 1].version;
			PC_ALLOC_GROW(pr->changes, pr->n_changes + 1, alloc);
			pr->changes[pr->n_changes].version = ver;
			pr->changes[pr->n_changes++].value = canon;
		}
		if (idx && pc_version_cmp(&prev, &ver) >= 0) {
			char a[32], b[32];

			pc_version_str(&prev, a, sizeof(a));
			pc_version_str(&ver, b, sizeof(b));
			ret = derr(p, "%s= versions must be ascending, found %s after %s",
				   key, b, a);
		}
		item = comma ? comma + 1 : NULL;
	}
	free(copy);
	return ret;
}

/* "unknown field kind 'X' (did you mean 'Y'?) (expected a, b, ... or z)",
 * the kinds from their table (kinds.h) */
static int unknown_kind(struct dparser *p, const char *what, const char *word,
			const char *const *kinds, size_t n)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *best = pc_suggest(word, kinds, n);
	int ret;

	for (size_t i = 0; i < n; i++)
		pc_strbuf_addf(&sb, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
			       kinds[i]);
	ret = derr(p, "unknown %s kind '%s'%s%s%s (expected %s)", what, word,
		   best ? " (did you mean '" : "", best ? best : "",
		   best ? "'?)" : "", sb.buf);
	pc_strbuf_release(&sb);
	return ret;
}

/* The attributes of 'prop', in the order of prop_keys[]. */
enum { P_DEFAULT, P_DERIVED, P_HOST, P_VALUES, P_CONTAINER, P_BIT,
       P_SINCE, P_ABSENT, P_WAS, P_DOC, P_REQUIRES, P_REALIZED, P_N };
static const char *const prop_keys[] = { "default", "derived", "host",
					 "values", "container", "bit",
					 "since", "absent", "was", "doc",
					 "requires", "realized", NULL };
_Static_assert(PC_ARRAY_SIZE(prop_keys) == P_N + 1, "prop_keys[] and P_*");

/* values= belongs to, and is required by, enum properties. */
static int prop_values(struct dparser *p, struct pc_prop *pr,
		       const struct attrs *a)
{
	const char *v = a->vals[P_VALUES];

	if (!v) {
		if (pr->kind == PC_PROP_ENUM)
			return derr(p, "missing values= for enum property '%s'",
				    pr->name);
		return 0;
	}
	if (pr->kind != PC_PROP_ENUM)
		return derr(p, "values= only applies to enum properties, '%s' is %s",
			    pr->name, pc_prop_kind_name(pr->kind));
	return split_names(p, "values", v, "enum value", &pr->enum_values,
			   &pr->n_enum_values);
}

/* container= and bit= belong to, and are required by, bit and feature
 * properties. */
static int prop_bit(struct dparser *p, struct pc_prop *pr,
		    const struct attrs *a)
{
	const char *container = a->vals[P_CONTAINER], *bit = a->vals[P_BIT];
	uint64_t n;

	if (pr->kind != PC_PROP_BIT && pr->kind != PC_PROP_FEATURE) {
		if (container || bit)
			return derr(p, "%s= only applies to bit and feature properties, '%s' is %s",
				    container ? "container" : "bit",
				    pr->name, pc_prop_kind_name(pr->kind));
		return 0;
	}
	if (!container || !bit)
		return derr(p, "missing %s= for %s property '%s'",
			    container ? "bit" : "container",
			    pc_prop_kind_name(pr->kind), pr->name);
	if (check_name(p, "container", container) ||
	    get_num(p, "bit", bit, 0, 127, &n))
		return -1;
	pr->container = pool_strdup(p, container);
	pr->bitnr = (int)n;
	return 0;
}

/* Where the value comes from: at most one of default=, derived= and host=. */
static int prop_source(struct dparser *p, struct pc_prop *pr,
		       const struct attrs *a)
{
	const char *def = a->vals[P_DEFAULT], *der = a->vals[P_DERIVED];
	const char *host = a->vals[P_HOST];

	/* a feature's host= is a condition of the offer, not its default;
	 * host= with derived= on a bool: a host feature that realize also
	 * filters (QEMU hides PDCM when the PMU is off) */
	if (!!def + !!der + !!(host && pr->kind != PC_PROP_FEATURE) > 1 &&
	    (def || pc_prop_kind_class(pr->kind) != PC_PCLASS_BOOL))
		return derr(p, "property '%s' has more than one of default=, derived= and host=",
			    pr->name);
	if (der && pr->kind == PC_PROP_FEATURE)
		return derr(p, "derived= does not apply to feature property '%s' (the device offers it or not: default=on/off, host=, requires=)",
			    pr->name);
	if (def && canon_value(p, pr, "default", def, &pr->def_text))
		return -1;
	if (der && get_expr(p, der, &pr->def_expr))
		return -1;
	if (!host)
		return 0;
	if (pc_prop_kind_class(pr->kind) != PC_PCLASS_BOOL &&
	    pr->kind != PC_PROP_ONOFFAUTO)
		return derr(p, "host= needs a bool, bit or onoffauto property, '%s' is %s",
			    pr->name, pc_prop_kind_name(pr->kind));
	if (check_name(p, "host capability", host))
		return -1;
	pr->host_feature = pool_strdup(p, host);
	return 0;
}

/*
 * requires=A,B belongs to feature properties: the feature is offered only
 * while each named property of the same object is on (QEMU's
 * get_features() dropping a feature whose prerequisite is off).  A
 * feature is guest-visible by nature: the guest negotiates it.  The names
 * are checked, and cycles refused, when the registry links the types
 * (vfeature.c).
 */
static int prop_requires(struct dparser *p, struct pc_prop *pr,
			 const struct attrs *a)
{
	const char *req = a->vals[P_REQUIRES];

	if (pr->kind == PC_PROP_FEATURE)
		pr->guest_visible = true;
	if (!req)
		return 0;
	if (pr->kind != PC_PROP_FEATURE)
		return derr(p, "requires= only applies to feature properties, '%s' is %s",
			    pr->name, pc_prop_kind_name(pr->kind));
	if (split_names(p, "requires", req, "property", &pr->requires,
			&pr->n_requires))
		return -1;
	for (size_t i = 0; i < pr->n_requires; i++)
		if (!strcmp(pr->requires[i], pr->name))
			return derr(p, "feature '%s' requires itself",
				    pr->name);
	return 0;
}

/*
 * realized=EXPR: the value the property reads once QEMU's realize has
 * resolved a sentinel (DEV_NVECTORS_UNSPECIFIED from the queue count, a
 * class's ROM file, an onoffauto's auto from the bus).  It does not
 * change the resolved value the checks compare (realize.h).
 */
static int prop_realized(struct dparser *p, struct pc_prop *pr,
			 const struct attrs *a)
{
	const char *r = a->vals[P_REALIZED];

	if (!r)
		return 0;
	if (pr->kind == PC_PROP_FEATURE)
		return derr(p, "realized= does not apply to feature property '%s' (the guest negotiates a subset of the offer)",
			    pr->name);
	return get_expr(p, r, &pr->realized_expr);
}

/* since= and absent= go together (absent= all before since=); was= history. */
static int prop_history(struct dparser *p, struct pc_prop *pr,
			const struct attrs *a)
{
	const char *since = a->vals[P_SINCE], *absent = a->vals[P_ABSENT];
	const char *was = a->vals[P_WAS];

	if (since) {
		if (get_version(p, "since", since, &pr->since))
			return -1;
		pr->has_since = true;
		if (!absent)
			return derr(p, "property '%s' has since= but no absent= (how did the device behave before %s?)",
				    pr->name, since);
	}
	if (absent) {
		if (!pr->has_since)
			return derr(p, "absent= without since= for property '%s'",
				    pr->name);
		if (parse_history(p, pr, "absent", absent, true))
			return -1;
		if (pc_version_cmp(&pr->absent[pr->n_absent - 1].version,
				   &pr->since) >= 0)
			return derr(p, "absent= versions must be before since=%s",
				    since);
	}
	if (was && parse_history(p, pr, "was", was, false))
		return -1;
	return 0;
}

static int stmt_prop(struct dparser *p, const struct words *ws)
{
	static const char *const flags[] = { "guest-visible", "wire", NULL };
#define KIND_SPELLING(id, spelling, ...) spelling,
	static const char *const kinds[] = { PC_PROP_KINDS(KIND_SPELLING) };
#undef KIND_SPELLING
	struct attrs a = { prop_keys, flags, { 0 }, { 0 } };
	struct pc_type *t = p->type;
	struct pc_prop *pr;

	if (need_positional(p, ws, 2, "prop NAME KIND [attributes]"))
		return -1;
	PC_ALLOC_GROW(t->props, t->n_props + 1, p->alloc_a);
	pr = &t->props[t->n_props++];
	memset(pr, 0, sizeof(*pr));
	pr->name = pool_strdup(p, ws->w[1].text);
	pr->line = p->line;
	if (check_name(p, "property", pr->name))
		return -1;
	if (pc_prop_kind_parse(ws->w[2].text, &pr->kind))
		return unknown_kind(p, "property", ws->w[2].text, kinds,
				    PC_ARRAY_SIZE(kinds));
	if (get_attrs(p, "prop", ws, 3, &a) ||
	    prop_values(p, pr, &a) || prop_bit(p, pr, &a) ||
	    prop_source(p, pr, &a))
		return -1;
	pr->guest_visible = aflag(&a, "guest-visible");
	pr->wire = aflag(&a, "wire");
	if (prop_history(p, pr, &a) || prop_requires(p, pr, &a))
		return -1;
	if (a.vals[P_DOC])
		pr->doc = pool_strdup(p, a.vals[P_DOC]);
	return prop_realized(p, pr, &a);
}

static int stmt_child(struct dparser *p, const struct words *ws)
{
	static const char *const flags[] = { "alias-props", NULL };
	struct attrs a = { NULL, flags, { 0 }, { 0 } };
	struct pc_type *t = p->type;
	struct pc_child *c;

	if (need_positional(p, ws, 2, "child NAME TYPE [alias-props]"))
		return -1;
	PC_ALLOC_GROW(t->children, t->n_children + 1, p->alloc_b);
	c = &t->children[t->n_children++];
	memset(c, 0, sizeof(*c));
	c->name = pool_strdup(p, ws->w[1].text);
	c->type_name = pool_strdup(p, ws->w[2].text);
	c->line = p->line;
	if (check_name(p, "child", c->name) ||
	    check_name(p, "type", c->type_name) ||
	    get_attrs(p, "child", ws, 3, &a))
		return -1;
	c->alias_props = aflag(&a, "alias-props");
	return 0;
}

static int stmt_hook(struct dparser *p, const struct words *ws)
{
	struct pc_type *t = p->type;
	struct pc_hook *h;

	if (need_positional(p, ws, 2, "hook EVENT SYMBOL"))
		return -1;
	if (ws->n > 3)
		return derr(p, "unexpected '%s' after 'hook EVENT SYMBOL'",
			    ws->w[3].text);
	if (strcmp(ws->w[1].text, "post_load"))
		return derr(p, "unknown hook event '%s' (expected post_load)",
			    ws->w[1].text);
	if (!valid_symbol(ws->w[2].text))
		return derr(p, "bad hook symbol '%s' (expected a C identifier)",
			    ws->w[2].text);
	for (size_t i = 0; i < t->n_hooks; i++)
		if (!strcmp(t->hooks[i].event, ws->w[1].text))
			return derr(p, "second '%s' hook in type '%s'",
				    ws->w[1].text, t->name);
	PC_ALLOC_GROW(t->hooks, t->n_hooks + 1, p->alloc_c);
	h = &t->hooks[t->n_hooks++];
	h->event = pool_strdup(p, ws->w[1].text);
	h->symbol = pool_strdup(p, ws->w[2].text);
	return 0;
}

/*
 * unmigratable [prop=P value=V] [since=VERSION] [reason="TEXT"]: the type
 * blocks migration (always, or when property P has value V; the value is
 * checked against the property when the registry links the types, since
 * P may be inherited).  One line per (P, V), the type-level form once.
 */
static int stmt_unmigratable(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "prop", "value", "since",
					    "reason", NULL };
	struct attrs a = { keys, NULL, { 0 }, { 0 } };
	struct pc_type *t = p->type;
	struct pc_blocker b = { 0 };
	const char *v;

	if (get_attrs(p, "unmigratable", ws, 1, &a))
		return -1;
	b.line = p->line;
	if (!aval(&a, "prop") != !aval(&a, "value"))
		return derr(p, "unmigratable: prop= and value= go together (the value of the property that blocks)");
	if ((v = aval(&a, "prop"))) {
		if (check_name(p, "property", v))
			return -1;
		b.prop = pool_strdup(p, v);
		b.value = pool_strdup(p, aval(&a, "value"));
	}
	if ((v = aval(&a, "since"))) {
		if (get_version(p, "since", v, &b.since))
			return -1;
		b.has_since = true;
	}
	if ((v = aval(&a, "reason")))
		b.reason = pool_strdup(p, v);
	for (size_t i = 0; i < t->n_blockers; i++) {
		const struct pc_blocker *o = &t->blockers[i];

		if (!o->prop != !b.prop ||
		    (b.prop && (strcmp(o->prop, b.prop) ||
				strcmp(o->value, b.value))))
			continue;
		if (b.prop)
			return derr(p, "second 'unmigratable prop=%s value=%s' in type '%s' (first at line %d)",
				    b.prop, b.value, t->name, o->line);
		return derr(p, "second 'unmigratable' in type '%s' (first at line %d)",
			    t->name, o->line);
	}
	PC_ALLOC_GROW(t->blockers, t->n_blockers + 1, p->alloc_d);
	t->blockers[t->n_blockers++] = b;
	return 0;
}

/* each P=V of a config: a property name (pc_config_props_each() checked
 * the rest) */
static int config_prop_ok(void *ctx, const char *prop, const char *val,
			  struct pc_err *err)
{
	(void)ctx;
	(void)val;
	if (!valid_name(prop))
		return pc_err_set(err, "bad property name '%s'", prop);
	return 0;
}

/*
 * config NAME "P=V[,P=V...]": a VM configuration the type's users run
 * besides the default one, checked by the main job too.  Each P=V is a
 * property name and a non-empty value, each property once; names are
 * unique in the type.  The properties and values are checked when the
 * registry links the types (a property may be inherited or aliased).
 */
static int stmt_config(struct dparser *p, const struct words *ws)
{
	struct pc_type *t = p->type;
	const char *name, *props;
	struct pc_config_decl *c;
	struct pc_err e = { 0 };

	if (need_positional(p, ws, 2, "config NAME \"P=V[,P=V...]\""))
		return -1;
	if (ws->n > 3)
		return derr(p, "unexpected '%s' after 'config NAME \"P=V[,P=V...]\"'",
			    ws->w[3].text);
	name = ws->w[1].text;
	props = ws->w[2].text;
	if (check_name(p, "configuration", name))
		return -1;
	if (pc_config_props_each(props, config_prop_ok, NULL, &e))
		return derr(p, "config %s: %s", name, e.msg);
	for (size_t i = 0; i < t->n_configs; i++)
		if (!strcmp(t->configs[i].name, name))
			return derr(p, "second 'config %s' in type '%s' (first at line %d)",
				    name, t->name, t->configs[i].line);
	t->configs = pc_xrealloc(t->configs,
				 (t->n_configs + 1) * sizeof(*t->configs));
	c = &t->configs[t->n_configs++];
	c->name = pool_strdup(p, name);
	c->props = pool_strdup(p, props);
	c->line = p->line;
	return 0;
}

/*
 * ramblock NAME size=EXPR [max=EXPR] [if=EXPR] [since=VERSION] [doc="TEXT"]:
 * a RAM block the type's objects own (struct pc_ramblock); max= makes it
 * resizeable.  Names are unique in the type (checked when it closes).
 */
static int stmt_ramblock(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "size", "max", "if", "since",
					    "doc", NULL };
	struct attrs a = { keys, NULL, { 0 }, { 0 } };
	struct pc_type *t = p->type;
	struct pc_ramblock b = { 0 };
	const char *v;

	if (need_positional(p, ws, 1, "ramblock NAME size=EXPR [max=EXPR] [if=EXPR]"))
		return -1;
	b.name = pool_strdup(p, ws->w[1].text);
	b.line = p->line;
	if (check_name(p, "RAM block", b.name) ||
	    get_attrs(p, "ramblock", ws, 2, &a))
		return -1;
	if (!aval(&a, "size"))
		return derr(p, "ramblock '%s': size= is required (its used length in bytes)",
			    b.name);
	if ((v = aval(&a, "since")) && get_version(p, "since", v, &b.since))
		return -1;
	b.has_since = v != NULL;
	if (aval(&a, "doc"))
		b.doc = pool_strdup(p, aval(&a, "doc"));
	PC_ALLOC_GROW(t->rams, t->n_rams + 1, p->alloc_e);
	t->rams[t->n_rams++] = b;
	/* owned by the type from here: freed with it on an error below */
	if (get_expr(p, aval(&a, "size"), &t->rams[t->n_rams - 1].size) ||
	    ((v = aval(&a, "max")) &&
	     get_expr(p, v, &t->rams[t->n_rams - 1].max)) ||
	    ((v = aval(&a, "if")) &&
	     get_expr(p, v, &t->rams[t->n_rams - 1].cond)))
		return -1;
	return 0;
}

/* priority=NAME of a vmsd (kinds.h PC_MIG_PRIORITIES) */
static int vmsd_priority(struct dparser *p, struct pc_vmsd *v, const char *s)
{
#define PC_PRI_SPELLING(id, spelling, value) spelling,
	static const char *const names[] = { PC_MIG_PRIORITIES(PC_PRI_SPELLING) };
#undef PC_PRI_SPELLING
	const char *best;

	if (!pc_mig_priority_parse(s, &v->priority))
		return 0;
	best = pc_suggest(s, names, PC_ARRAY_SIZE(names));
	return derr(p, "unknown priority '%s' for vmsd '%s'%s%s%s", s, v->name,
		    best ? " (did you mean '" : "", best ? best : "",
		    best ? "'?)" : "");
}

/*
 * attr NAME VALUE: a type attribute (class data derived defaults read:
 * a CPU model's vendor).  VALUE is an integer when it reads as one
 * (decimal or 0x hex, '-' allowed), else a string.  Once per name and
 * type; a property of the same name is refused when the registry links
 * the types (derive.c), since it may be inherited.
 */
static int stmt_attr(struct dparser *p, const struct words *ws)
{
	struct pc_type *t = p->type;
	struct pc_attr at = { 0 };
	const char *v;

	if (need_positional(p, ws, 2, "attr NAME VALUE"))
		return -1;
	if (ws->n > 3)
		return derr(p, "unexpected '%s' after 'attr %s VALUE' (quote a value with blanks)",
			    ws->w[3].text, ws->w[1].text);
	if (check_name(p, "attribute", ws->w[1].text))
		return -1;
	for (size_t i = 0; i < t->n_attrs; i++)
		if (!strcmp(t->attrs[i].name, ws->w[1].text))
			return derr(p, "second 'attr %s' in type '%s' (first at line %d)",
				    ws->w[1].text, t->name, t->attrs[i].line);
	v = ws->w[2].text;
	at.name = pool_strdup(p, ws->w[1].text);
	at.line = p->line;
	if (*v && !pc_parse_i64(v, &at.num)) {
		char buf[32];

		at.is_num = true;
		snprintf(buf, sizeof(buf), "%" PRId64, at.num);
		at.text = pool_strdup(p, buf);
	} else {
		at.text = pool_strdup(p, v);
	}
	t->attrs = pc_xrealloc(t->attrs, (t->n_attrs + 1) * sizeof(*t->attrs));
	t->attrs[t->n_attrs++] = at;
	return 0;
}

/* was=VERSION:ID/MIN{,...} of a vmsd, ascending */
static int parse_vmsd_was(struct dparser *p, struct pc_vmsd *v, const char *s)
{
	char *copy = pc_xstrdup(s), *item = copy;
	size_t alloc = 0;
	int ret = 0;

	while (item && !ret) {
		char *comma = strchr(item, ',');
		struct pc_vmsd_change c;
		const char *ids = NULL, *slash;
		char *idtext;
		uint64_t id, min;

		if (comma)
			*comma = '\0';
		if (split_versioned(p, "was", item, false, &c.version, &ids)) {
			ret = -1;
			break;
		}
		slash = strchr(ids, '/');
		if (!slash) {
			ret = derr(p, "was= entry '%s' needs the form VERSION:ID/MIN",
				   item);
			break;
		}
		idtext = pc_xstrndup(ids, (size_t)(slash - ids));
		ret = get_num(p, "was", idtext, 0, INT_MAX, &id) ||
		      get_num(p, "was", slash + 1, 0, INT_MAX, &min) ? -1 : 0;
		free(idtext);
		if (ret)
			break;
		c.version_id = (int)id;
		c.min_version_id = (int)min;
		if (min > id) {
			ret = derr(p, "was= entry '%s' has min above version",
				   item);
			break;
		}
		if (v->n_changes &&
		    pc_version_cmp(&v->changes[v->n_changes - 1].version,
				   &c.version) >= 0) {
			char pa[32], pb[32];

			pc_version_str(&v->changes[v->n_changes - 1].version,
				       pa, sizeof(pa));
			pc_version_str(&c.version, pb, sizeof(pb));
			ret = derr(p, "was= versions must be ascending, found %s after %s",
				   pb, pa);
			break;
		}
		PC_ALLOC_GROW(v->changes, v->n_changes + 1, alloc);
		v->changes[v->n_changes++] = c;
		item = comma ? comma + 1 : NULL;
	}
	free(copy);
	return ret;
}

static int stmt_vmsd(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "version", "min", "since", "was",
					    "priority", NULL };
	struct attrs a = { keys, NULL, { 0 }, { 0 } };
	struct pc_registry *tmp = p->tmp;
	struct pc_vmsd *v;
	const char *s;
	uint64_t n;

	if (need_positional(p, ws, 1, "vmsd NAME version=N min=N"))
		return -1;
	{
		struct vmsd_box *b = pc_xcalloc(1, sizeof(*b));

		b->pool = pool_ref(p->pool);
		v = &b->v;
	}
	PC_ALLOC_GROW(tmp->vmsds, tmp->n_vmsds + 1, tmp->alloc_vmsds);
	tmp->vmsds[tmp->n_vmsds++] = v;
	v->name = pool_strdup(p, ws->w[1].text);
	v->plugin = p->owner;
	v->line = p->line;
	p->vmsd = v;
	p->alloc_a = p->alloc_b = p->alloc_c = 0;
	if (check_name(p, "vmsd", v->name) || get_attrs(p, "vmsd", ws, 2, &a))
		return -1;
	if (!aval(&a, "version") || !aval(&a, "min"))
		return derr(p, "missing %s= for vmsd '%s'",
			    aval(&a, "version") ? "min" : "version", v->name);
	if (get_num(p, "version", aval(&a, "version"), 0, INT_MAX, &n))
		return -1;
	v->version_id = (int)n;
	if (get_num(p, "min", aval(&a, "min"), 0, INT_MAX, &n))
		return -1;
	v->min_version_id = (int)n;
	if (v->min_version_id > v->version_id)
		return derr(p, "min=%d is above version=%d in vmsd '%s'",
			    v->min_version_id, v->version_id, v->name);
	if ((s = aval(&a, "since"))) {
		if (get_version(p, "since", s, &v->since))
			return -1;
		v->has_since = true;
	}
	if ((s = aval(&a, "was")) && parse_vmsd_was(p, v, s))
		return -1;
	if ((s = aval(&a, "priority")) && vmsd_priority(p, v, s))
		return -1;
	return 0;
}

/*
 * A count written as plain decimal digits that fits 32 bits: parsed here,
 * as the expression parser would (a constant), without building and
 * evaluating an expression.  Anything else takes the general path.
 */
static bool plain_count(const char *s, uint64_t *out)
{
	bool neg;

	return !pc_parse_int_text(s, PC_INT_DEC, &neg, out) &&
	       *out <= UINT32_MAX;
}

/* The attributes of 'field', in the order of field_keys[]. */
enum { F_SIZE, F_COUNT, F_COUNT_FIELD, F_MAX, F_STRUCT, F_VERSION,
       F_IF, F_SINCE, F_INFO, F_N };
static const char *const field_keys[] = { "size", "count", "count-field",
					  "max", "struct", "version", "if",
					  "since", "info", NULL };
_Static_assert(PC_ARRAY_SIZE(field_keys) == F_N + 1, "field_keys[] and F_*");

/* size= belongs to, and is required by, buffer and unused fields. */
static int field_size(struct dparser *p, struct pc_field *f,
		      const struct attrs *a)
{
	bool sized = f->kind == PC_FIELD_BUFFER || f->kind == PC_FIELD_UNUSED;
	const char *s = a->vals[F_SIZE];
	uint64_t n;

	if (!s) {
		if (sized)
			return derr(p, "missing size= for %s field '%s'",
				    pc_field_kind_name(f->kind), f->name);
		f->size = pc_field_kind_size(f->kind);
		return 0;
	}
	if (!sized)
		return derr(p, "size= only applies to buffer and unused fields, '%s' is %s",
			    f->name, pc_field_kind_name(f->kind));
	if (get_num(p, "size", s, 1, UINT32_MAX, &n))
		return -1;
	f->size = (uint32_t)n;
	return 0;
}

/* struct= belongs to, and is required by, struct fields. */
static int field_struct(struct dparser *p, struct pc_field *f,
			const struct attrs *a)
{
	const char *s = a->vals[F_STRUCT];

	if (!s) {
		if (f->kind == PC_FIELD_STRUCT)
			return derr(p, "missing struct= for struct field '%s'",
				    f->name);
		return 0;
	}
	if (f->kind != PC_FIELD_STRUCT)
		return derr(p, "struct= only applies to struct fields, '%s' is %s",
			    f->name, pc_field_kind_name(f->kind));
	if (check_name(p, "vmsd", s))
		return -1;
	f->struct_name = pool_strdup(p, s);
	return 0;
}

/*
 * count=EXPR: a constant count is a fixed count, whatever its spelling
 * ("8", "0x8" and "2 * 4" are one layout); anything else is evaluated
 * per configuration.
 */
static int field_count_expr(struct dparser *p, struct pc_field *f,
			    const char *s)
{
	struct pc_expr *e;
	uint64_t n;
	int64_t c;
	int ret;

	if (plain_count(s, &n)) {
		/* the common "count=8": what the expression would give */
		f->count_kind = PC_COUNT_FIXED;
		f->count_fixed = (uint32_t)n;
		return 0;
	}
	if (get_expr(p, s, &e))
		return -1;
	if (!pc_expr_is_const(e)) {
		f->count_kind = PC_COUNT_EXPR;
		f->count_expr = e;
		return 0;
	}
	ret = pc_expr_eval(e, NULL, NULL, &c, p->err);
	pc_expr_free(e);
	if (ret)
		return -1;
	if (c < 0 || c > UINT32_MAX)
		return derr(p, "count=%s is %" PRId64 " (expected 0..4294967295)",
			    s, c);
	f->count_kind = PC_COUNT_FIXED;
	f->count_fixed = (uint32_t)c;
	return 0;
}

/* One element, count=EXPR, or count-field=NAME with its max=. */
static int field_count(struct dparser *p, struct pc_field *f,
		       const struct attrs *a)
{
	const char *s = a->vals[F_COUNT_FIELD];
	uint64_t n;

	f->count_kind = PC_COUNT_ONE;
	if (a->vals[F_COUNT] && s)
		return derr(p, "field '%s' has both count= and count-field=",
			    f->name);
	if (a->vals[F_COUNT] && field_count_expr(p, f, a->vals[F_COUNT]))
		return -1;
	if (!s) {
		if (a->vals[F_MAX])
			return derr(p, "max= only applies with count-field= (field '%s')",
				    f->name);
		return 0;
	}
	if (check_name(p, "field", s))
		return -1;
	if (!a->vals[F_MAX])
		return derr(p, "missing max= for field '%s' with count-field=",
			    f->name);
	if (get_num(p, "max", a->vals[F_MAX], 0, UINT32_MAX, &n))
		return -1;
	f->count_kind = PC_COUNT_FIELD;
	f->count_field = pool_strdup(p, s);
	f->count_max = (uint32_t)n;
	return 0;
}

/* version=, if= and since=: which streams carry the field. */
static int field_presence(struct dparser *p, struct pc_field *f,
			  const struct attrs *a)
{
	const char *s;
	uint64_t n;

	if ((s = a->vals[F_VERSION])) {
		if (get_num(p, "version", s, 0, INT_MAX, &n))
			return -1;
		f->version = (int)n;
	}
	if ((s = a->vals[F_IF]) && get_expr(p, s, &f->cond))
		return -1;
	if ((s = a->vals[F_SINCE])) {
		if (get_version(p, "since", s, &f->since))
			return -1;
		f->has_since = true;
	}
	if ((s = a->vals[F_INFO])) {
		if (check_name(p, "info", s))
			return -1;
		f->info = pool_strdup(p, s);
	}
	return 0;
}

static int stmt_field(struct dparser *p, const struct words *ws)
{
#define KIND_SPELLING(id, spelling, ...) spelling,
	static const char *const kinds[] = { PC_FIELD_KINDS(KIND_SPELLING) };
#undef KIND_SPELLING
	struct attrs a = { field_keys, NULL, { 0 }, { 0 } };
	struct pc_vmsd *v = p->vmsd;
	struct pc_field *f;

	if (need_positional(p, ws, 2, "field NAME KIND [attributes]"))
		return -1;
	PC_ALLOC_GROW(v->fields, v->n_fields + 1, p->alloc_a);
	f = &v->fields[v->n_fields++];
	memset(f, 0, sizeof(*f));
	f->name = pool_strdup(p, ws->w[1].text);
	f->line = p->line;
	if (check_name(p, "field", f->name))
		return -1;
	if (pc_field_kind_parse(ws->w[2].text, &f->kind))
		return unknown_kind(p, "field", ws->w[2].text, kinds,
				    PC_ARRAY_SIZE(kinds));
	if (get_attrs(p, "field", ws, 3, &a) ||
	    field_size(p, f, &a) || field_struct(p, f, &a) ||
	    field_count(p, f, &a) || field_presence(p, f, &a))
		return -1;
	return 0;
}

static int stmt_subsection(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "needed", "since", NULL };
	static const char *const flags[] = { "runtime", NULL };
	struct attrs a = { keys, flags, { 0 }, { 0 } };
	struct pc_vmsd *v = p->vmsd;
	struct pc_subsection *s;
	const char *val;

	if (need_positional(p, ws, 1, "subsection VMSD [attributes]"))
		return -1;
	PC_ALLOC_GROW(v->subsections, v->n_subsections + 1, p->alloc_b);
	s = &v->subsections[v->n_subsections++];
	memset(s, 0, sizeof(*s));
	s->name = pool_strdup(p, ws->w[1].text);
	s->line = p->line;
	if (check_name(p, "vmsd", s->name) ||
	    get_attrs(p, "subsection", ws, 2, &a))
		return -1;
	if ((val = aval(&a, "needed")) && get_expr(p, val, &s->needed))
		return -1;
	s->runtime = aflag(&a, "runtime");
	if ((val = aval(&a, "since"))) {
		if (get_version(p, "since", val, &s->since))
			return -1;
		s->has_since = true;
	}
	return 0;
}

static struct pc_cfg_reg *inv_reg(struct pc_invariant *inv);
static int parse_inv_was(struct dparser *p, struct pc_cfg_reg *r,
			 const char *s);

static int stmt_invariant(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "field", "offset", "size",
					    "value", "romask", "since", "was",
					    NULL };
	struct attrs a = { keys, NULL, { 0 }, { 0 } };
	struct pc_vmsd *v = p->vmsd;
	struct pc_invariant *inv;
	const char *s;
	uint64_t n;

	if (need_positional(p, ws, 1, "invariant NAME [attributes]"))
		return -1;
	PC_ALLOC_GROW(v->invariants, v->n_invariants + 1, p->alloc_c);
	inv = &v->invariants[v->n_invariants++];
	memset(inv, 0, sizeof(*inv));
	inv->name = pool_strdup(p, ws->w[1].text);
	inv->line = p->line;
	if (check_name(p, "invariant", inv->name) ||
	    get_attrs(p, "invariant", ws, 2, &a))
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (!a.vals[i])
			return derr(p, "missing %s= for invariant '%s'", keys[i],
				    inv->name);
	if (check_name(p, "field", aval(&a, "field")))
		return -1;
	inv->field = pool_strdup(p, aval(&a, "field"));
	if (get_num(p, "offset", aval(&a, "offset"), 0, UINT32_MAX, &n))
		return -1;
	inv->offset = (uint32_t)n;
	if (get_num(p, "size", aval(&a, "size"), 1, 8, &n))
		return -1;
	if (n != 1 && n != 2 && n != 4 && n != 8)
		return derr(p, "bad size %" PRIu64 " for invariant '%s' (expected 1, 2, 4 or 8)",
			    n, inv->name);
	inv->size = (uint32_t)n;
	if (get_expr(p, aval(&a, "value"), &inv->value) ||
	    get_expr(p, aval(&a, "romask"), &inv->romask))
		return -1;
	if ((s = aval(&a, "since"))) {
		if (get_version(p, "since", s, &inv->since))
			return -1;
		inv->has_since = true;
	}
	if ((s = aval(&a, "was")) && parse_inv_was(p, inv_reg(inv), s))
		return -1;
	return 0;
}

/* ------------------------------------------------------------ config space */

/* The config-space extras of 'inv' (allocated on first use). */
static struct pc_cfg_reg *inv_reg(struct pc_invariant *inv)
{
	if (!inv->reg)
		inv->reg = pc_xcalloc(1, sizeof(*inv->reg));
	return inv->reg;
}

/* was=VERSION:VALUE{,...} of an invariant or register, ascending */
static int parse_inv_was(struct dparser *p, struct pc_cfg_reg *r,
			 const char *s)
{
	char *copy = pc_xstrdup(s), *item = copy;
	int ret = 0;

	while (item && !ret) {
		char *comma = strchr(item, ',');
		struct pc_inv_change c;
		const char *val = NULL;

		if (comma)
			*comma = '\0';
		ret = split_versioned(p, "was", item, false, &c.version, &val) ||
		      get_num(p, "was", val, 0, UINT64_MAX, &c.value) ? -1 : 0;
		if (!ret && r->n_changes &&
		    pc_version_cmp(&r->changes[r->n_changes - 1].version,
				   &c.version) >= 0)
			ret = derr(p, "was= versions must be ascending (%s)", item);
		if (!ret) {
			r->changes = pc_xrealloc(r->changes, (r->n_changes + 1) *
						 sizeof(*r->changes));
			r->changes[r->n_changes++] = c;
		}
		item = comma ? comma + 1 : NULL;
	}
	free(copy);
	return ret;
}

/* offset=, size=, value=, since=, was= shared by invariant and register */
static int inv_common(struct dparser *p, struct pc_invariant *inv,
		      const struct attrs *a, const char *what)
{
	const char *s;
	uint64_t n;

	if (get_num(p, "offset", aval(a, "offset"), 0, UINT32_MAX, &n))
		return -1;
	inv->offset = (uint32_t)n;
	if (get_num(p, "size", aval(a, "size"), 1, 8, &n))
		return -1;
	if (n != 1 && n != 2 && n != 4 && n != 8)
		return derr(p, "bad size %" PRIu64 " for %s '%s' (expected 1, 2, 4 or 8)",
			    n, what, inv->name);
	inv->size = (uint32_t)n;
	if (get_expr(p, aval(a, "value"), &inv->value))
		return -1;
	if ((s = aval(a, "since"))) {
		if (get_version(p, "since", s, &inv->since))
			return -1;
		inv->has_since = true;
	}
	if ((s = aval(a, "was")) && parse_inv_was(p, inv_reg(inv), s))
		return -1;
	return 0;
}

/* A new register in the open block: a vmsd's invariants, a type's
 * registers. */
static struct pc_invariant *new_register(struct dparser *p)
{
	struct pc_invariant **arr;
	size_t *n;

	if (p->type) {
		arr = &p->type->registers;
		n = &p->type->n_registers;
	} else {
		PC_ALLOC_GROW(p->vmsd->invariants, p->vmsd->n_invariants + 1,
			      p->alloc_c);
		memset(&p->vmsd->invariants[p->vmsd->n_invariants], 0,
		       sizeof(struct pc_invariant));
		return &p->vmsd->invariants[p->vmsd->n_invariants++];
	}
	*arr = pc_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	memset(&(*arr)[*n], 0, sizeof(**arr));
	return &(*arr)[(*n)++];
}

/*
 * register NAME (field=PATH | cap=CAP) offset=N size=N value=EXPR
 *          [cmask=EXPR] [wmask=EXPR] [w1cmask=EXPR] [since=V] [was=V:X,...]
 */
static int stmt_register(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "field", "cap", "offset", "size",
					    "value", "cmask", "wmask",
					    "w1cmask", "since", "was", NULL };
	struct attrs a = { keys, NULL, { 0 }, { 0 } };
	struct pc_invariant *inv;
	struct pc_cfg_reg *r;
	const char *s;

	if (need_positional(p, ws, 1, "register NAME [attributes]"))
		return -1;
	inv = new_register(p);
	inv->name = pool_strdup(p, ws->w[1].text);
	inv->line = p->line;
	r = inv_reg(inv);
	r->is_register = true;
	if (check_name(p, "register", inv->name) ||
	    get_attrs(p, "register", ws, 2, &a))
		return -1;
	for (size_t i = 2; i < 5; i++)
		if (!a.vals[i])
			return derr(p, "missing %s= for register '%s'", keys[i],
				    inv->name);
	if (!aval(&a, "field") == !aval(&a, "cap"))
		return derr(p, "register '%s': exactly one of field= (the config buffer) and cap= (a capability of the type)",
			    inv->name);
	if ((s = aval(&a, "cap")) && !p->type)
		return derr(p, "register '%s': cap= only in a type block (capabilities are the type's)",
			    inv->name);
	if ((s = aval(&a, "field")) &&
	    (check_name(p, "field", s) || !(inv->field = pool_strdup(p, s))))
		return -1;
	if ((s = aval(&a, "cap")) &&
	    (check_name(p, "capability", s) || !(r->cap = pool_strdup(p, s))))
		return -1;
	if (inv_common(p, inv, &a, "register") ||
	    ((s = aval(&a, "cmask")) && get_expr(p, s, &inv->romask)) ||
	    ((s = aval(&a, "wmask")) && get_expr(p, s, &r->wmask)) ||
	    ((s = aval(&a, "w1cmask")) && get_expr(p, s, &r->w1cmask)))
		return -1;
	return 0;
}

/* at=, version= of a capability: standard ones live in 0x40..0xff,
 * extended ones from 0x100 on, 4-byte aligned */
static int cap_place(struct dparser *p, struct pc_capability *c,
		     const struct attrs *a)
{
	const char *s;
	uint64_t n;

	if ((s = aval(a, "version"))) {
		if (!c->express)
			return derr(p, "capability '%s': version= only with express (the extended header's version)",
				    c->name);
		if (get_num(p, "version", s, 0, 15, &n))
			return -1;
		c->cap_version = (uint32_t)n;
	}
	if (!(s = aval(a, "at"))) {
		if (c->express)
			return derr(p, "capability '%s': an express (extended) capability needs at= (pcie_add_capability() takes its offset)",
				    c->name);
		return 0;
	}
	if (get_num(p, "at", s, c->express ? 0x100 : 0x40,
		    c->express ? 0xffc : 0xfc, &n))
		return -1;
	if (n % 4)
		return derr(p, "capability '%s': at=0x%" PRIx64 " is not 4-byte aligned",
			    c->name, n);
	c->at = (uint32_t)n;
	return 0;
}

/*
 * capability NAME id=N field=PATH size=N [express [version=N]] [at=N]
 *            [if=EXPR] [since=V]
 */
static int stmt_capability(struct dparser *p, const struct words *ws)
{
	static const char *const keys[] = { "id", "field", "size", "at",
					    "version", "if", "since", "table",
					    "entries", NULL };
	static const char *const flags[] = { "express", NULL };
	struct attrs a = { keys, flags, { 0 }, { 0 } };
	struct pc_type *t = p->type;
	struct pc_capability *c;
	const char *s;
	uint64_t n;

	if (need_positional(p, ws, 1, "capability NAME [attributes]"))
		return -1;
	t->caps = pc_xrealloc(t->caps, (t->n_caps + 1) * sizeof(*t->caps));
	c = &t->caps[t->n_caps++];
	memset(c, 0, sizeof(*c));
	c->name = pool_strdup(p, ws->w[1].text);
	c->line = p->line;
	if (check_name(p, "capability", c->name) ||
	    get_attrs(p, "capability", ws, 2, &a))
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (!a.vals[i])
			return derr(p, "missing %s= for capability '%s'",
				    keys[i], c->name);
	c->express = aflag(&a, "express");
	if (get_num(p, "id", aval(&a, "id"), 0, c->express ? 0xffff : 0xff,
		    &n))
		return -1;
	c->id = (uint32_t)n;
	if (check_name(p, "field", aval(&a, "field")))
		return -1;
	c->field = pool_strdup(p, aval(&a, "field"));
	if (get_num(p, "size", aval(&a, "size"), c->express ? 4 : 2,
		    c->express ? 0xf00 : 0xc0, &n))
		return -1;
	c->size = (uint32_t)n;
	if (cap_place(p, c, &a) ||
	    ((s = aval(&a, "if")) && get_expr(p, s, &c->cond)))
		return -1;
	if (!aval(&a, "table") != !aval(&a, "entries"))
		return derr(p, "capability '%s': table= and entries= go together (the state field of the capability's table and its number of entries)",
			    c->name);
	if ((s = aval(&a, "table")) &&
	    (check_name(p, "field", s) || get_expr(p, aval(&a, "entries"), &c->entries)))
		return -1;
	if (s)
		c->table = pool_strdup(p, s);
	if ((s = aval(&a, "since"))) {
		if (get_version(p, "since", s, &c->since))
			return -1;
		c->has_since = true;
	}
	return 0;
}

/* A type's registers and capabilities share one namespace. */
static int check_cfg_dups(struct dparser *p, const struct pc_type *t)
{
	size_t n = t->n_registers + t->n_caps;
	struct named *v;
	int ret;

	if (!n)
		return 0;
	v = pc_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < t->n_registers; i++)
		v[i] = (struct named){ t->registers[i].name,
				       t->registers[i].line };
	for (size_t i = 0; i < t->n_caps; i++)
		v[t->n_registers + i] = (struct named){ t->caps[i].name,
							t->caps[i].line };
	ret = check_dups(p, v, n, "register or capability", t->name);
	free(v);
	return ret;
}

/*
 * A closed block's arrays never grow again: give back what doubling
 * reserved (some 40 % of a thousand plugins' fields and properties, and
 * pages touched for nothing).  realloc() shrinks in place.
 */
#define SHRINK(arr, n, alloc)                                                \
	do {                                                                 \
		if ((n) && (alloc) > (n))                                    \
			(arr) = pc_xrealloc((arr), (n) * sizeof(*(arr)));    \
	} while (0)

/* RAM block names are unique within a type. */
static int check_ram_dups(struct dparser *p, const struct pc_type *t)
{
	struct named *v = pc_xcalloc(t->n_rams + 1, sizeof(*v));
	int ret;

	for (size_t i = 0; i < t->n_rams; i++)
		v[i] = (struct named){ t->rams[i].name, t->rams[i].line };
	ret = check_dups(p, v, t->n_rams, "RAM block", t->name);
	free(v);
	return ret;
}

/* Names must be unique within a block; checked when it closes. */
static int close_block(struct dparser *p)
{
	int line = p->line, ret = 0;
	struct named *v;
	size_t n;

	if (p->type) {
		SHRINK(p->type->props, p->type->n_props, p->alloc_a);
		SHRINK(p->type->children, p->type->n_children, p->alloc_b);
		SHRINK(p->type->hooks, p->type->n_hooks, p->alloc_c);
		SHRINK(p->type->blockers, p->type->n_blockers, p->alloc_d);
		SHRINK(p->type->rams, p->type->n_rams, p->alloc_e);
	} else {
		SHRINK(p->vmsd->fields, p->vmsd->n_fields, p->alloc_a);
		SHRINK(p->vmsd->subsections, p->vmsd->n_subsections,
		       p->alloc_b);
		SHRINK(p->vmsd->invariants, p->vmsd->n_invariants, p->alloc_c);
	}
	p->alloc_a = p->alloc_b = p->alloc_c = p->alloc_d = p->alloc_e = 0;
	if (p->type) {
		struct pc_type *t = p->type;

		n = t->n_props > t->n_children ? t->n_props : t->n_children;
		v = pc_xcalloc(n, sizeof(*v));
		for (size_t i = 0; i < t->n_props; i++)
			v[i] = (struct named){ t->props[i].name, t->props[i].line };
		ret = check_dups(p, v, t->n_props, "property", t->name);
		for (size_t i = 0; !ret && i < t->n_children; i++)
			v[i] = (struct named){ t->children[i].name,
					       t->children[i].line };
		if (!ret)
			ret = check_dups(p, v, t->n_children, "child", t->name);
		if (!ret)
			ret = check_ram_dups(p, t);
		if (!ret)
			ret = check_cfg_dups(p, t);
	} else {
		struct pc_vmsd *d = p->vmsd;

		n = d->n_fields > d->n_subsections ? d->n_fields
						   : d->n_subsections;
		if (d->n_invariants > n)
			n = d->n_invariants;
		v = pc_xcalloc(n, sizeof(*v));
		ret = check_dups(p, v, field_names(d, v), "field", d->name);
		for (size_t i = 0; !ret && i < d->n_subsections; i++)
			v[i] = (struct named){ d->subsections[i].name,
					       d->subsections[i].line };
		if (!ret)
			ret = check_dups(p, v, d->n_subsections, "subsection",
					 d->name);
		for (size_t i = 0; !ret && i < d->n_invariants; i++)
			v[i] = (struct named){ d->invariants[i].name,
					       d->invariants[i].line };
		if (!ret)
			ret = check_dups(p, v, d->n_invariants, "invariant",
					 d->name);
	}
	free(v);
	if (!ret)
		p->line = line;
	p->type = NULL;
	p->vmsd = NULL;
	return ret;
}

/* The statements, in the order of keywords[] below. */
enum {
	KW_PLUGIN, KW_DESCRIPTION, KW_LICENSE, KW_AUTHOR, KW_TYPE, KW_VMSD,
	KW_END, KW_PROP, KW_CHILD, KW_HOOK, KW_FIELD, KW_SUBSECTION,
	KW_INVARIANT, KW_UNMIGRATABLE, KW_CONFIG, KW_RAMBLOCK, KW_REGISTER,
	KW_CAPABILITY, KW_ATTR,
};

static const char *const keywords[] = {
	"plugin", "description", "license", "author", "type", "vmsd",
	"end", "prop", "child", "hook", "field", "subsection",
	"invariant", "unmigratable", "config", "ramblock", "register",
	"capability", "attr",
};
_Static_assert(PC_ARRAY_SIZE(keywords) == KW_ATTR + 1,
	       "keywords[] and KW_*");

/* The KW_* of 'kw', -1 if it is none: by first letter, then compared. */
static int keyword_index(const char *kw)
{
	int idx;

	/* keywords that share a first letter are told apart by the second */
	switch (kw[0]) {
	case 'p':
		idx = kw[1] == 'l' ? KW_PLUGIN : KW_PROP;
		break;
	case 'd':
		idx = KW_DESCRIPTION;
		break;
	case 'l':
		idx = KW_LICENSE;
		break;
	case 'a': /* "author" and "attr" */
		idx = kw[1] == 'u' ? KW_AUTHOR : KW_ATTR;
		break;
	case 't':
		idx = KW_TYPE;
		break;
	case 'v':
		idx = KW_VMSD;
		break;
	case 'e':
		idx = KW_END;
		break;
	case 'c':
		idx = kw[1] == 'h' ? KW_CHILD : kw[1] == 'a' ? KW_CAPABILITY : KW_CONFIG;
		break;
	case 'h':
		idx = KW_HOOK;
		break;
	case 'f':
		idx = KW_FIELD;
		break;
	case 's':
		idx = KW_SUBSECTION;
		break;
	case 'i':
		idx = KW_INVARIANT;
		break;
	case 'u':
		idx = KW_UNMIGRATABLE;
		break;
	case 'r':
		idx = kw[1] == 'a' ? KW_RAMBLOCK : KW_REGISTER;
		break;
	default:
		return -1;
	}
	return strcmp(kw, keywords[idx]) ? -1 : idx;
}

/*
 * Is statement 'idx' in its place: 'plugin' first and once, top-level
 * statements outside blocks, the others inside their block?
 */
/* the statements that belong in a type block only */
static bool type_only(int idx)
{
	return (idx >= KW_PROP && idx <= KW_HOOK) || idx == KW_UNMIGRATABLE ||
	       idx == KW_CONFIG || idx == KW_RAMBLOCK || idx == KW_CAPABILITY ||
	       idx == KW_ATTR;
}

static int check_placement(struct dparser *p, const char *kw, int idx)
{
	bool in_type = p->type != NULL, in_vmsd = p->vmsd != NULL;

	if (p->stmts++ == 0 && idx != KW_PLUGIN)
		return derr(p, "expected 'plugin NAME VERSION' after the ABI line, found '%s'",
			    kw);
	if (idx == KW_PLUGIN && p->stmts > 1)
		return derr(p, "second 'plugin' line");
	if (idx == KW_END)
		return in_type || in_vmsd ? 0 :
			derr(p, "'end' without an open type or vmsd block");
	if (idx <= KW_VMSD && (in_type || in_vmsd))
		return derr(p, "'%s' inside the %s block '%s' (missing 'end'?)",
			    kw, in_type ? "type" : "vmsd",
			    in_type ? p->type->name : p->vmsd->name);
	if (type_only(idx) && !in_type)
		return derr(p, "'%s' outside a type block", kw);
	if (idx >= KW_FIELD && idx <= KW_INVARIANT && !in_vmsd)
		return derr(p, "'%s' outside a vmsd block", kw);
	if (idx == KW_REGISTER && !in_vmsd && !in_type)
		return derr(p, "'%s' outside a type or vmsd block", kw);
	return 0;
}

static int statement(struct dparser *p, const struct words *ws)
{
	const char *kw = ws->w[0].text;
	int idx;

	if (ws->w[0].value)
		return derr(p, "expected a keyword, found '%s=...'", kw);
	idx = keyword_index(kw);
	if (idx < 0) {
		const char *best = pc_suggest(kw, keywords,
					      PC_ARRAY_SIZE(keywords));

		if (best)
			return derr(p, "unknown keyword '%s' (did you mean '%s'?)",
				    kw, best);
		return derr(p, "unknown keyword '%s'", kw);
	}
	if (check_placement(p, kw, idx))
		return -1;
	switch (idx) {
	case KW_PLUGIN:
		return stmt_plugin(p, ws);
	case KW_DESCRIPTION:
		return stmt_text(p, ws, &p->have_desc, &p->hdr.description);
	case KW_LICENSE:
		return stmt_text(p, ws, &p->have_license, &p->hdr.license);
	case KW_AUTHOR:
		return stmt_text(p, ws, &p->have_author, &p->hdr.author);
	case KW_TYPE:
		return stmt_type(p, ws);
	case KW_VMSD:
		return stmt_vmsd(p, ws);
	case KW_END:
		if (ws->n > 1)
			return derr(p, "unexpected '%s' after 'end'", ws->w[1].text);
		return close_block(p);
	case KW_PROP:
		return stmt_prop(p, ws);
	case KW_CHILD:
		return stmt_child(p, ws);
	case KW_HOOK:
		return stmt_hook(p, ws);
	case KW_FIELD:
		return stmt_field(p, ws);
	case KW_SUBSECTION:
		return stmt_subsection(p, ws);
	case KW_UNMIGRATABLE:
		return stmt_unmigratable(p, ws);
	case KW_CONFIG:
		return stmt_config(p, ws);
	case KW_RAMBLOCK:
		return stmt_ramblock(p, ws);
	case KW_REGISTER:
		return stmt_register(p, ws);
	case KW_CAPABILITY:
		return stmt_capability(p, ws);
	case KW_ATTR:
		return stmt_attr(p, ws);
	default:
		return stmt_invariant(p, ws);
	}
}

/* ------------------------------------------------------------ commit */

static int type_ptr_cmp(const void *a, const void *b)
{
	const struct pc_type *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int vmsd_ptr_cmp(const void *a, const void *b)
{
	const struct pc_vmsd *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static const char *plugin_origin(const struct pc_plugin *pl, const char *where)
{
	return pl && pl->path ? pl->path : where;
}

/*
 * Move the scratch declarations into 'reg', keeping its arrays sorted by
 * name (registry.c looks names up by binary search).
 */
/*
 * Merge the sorted array 'add' (n_add) into the sorted array 'dst' (n_dst
 * used, room for n_dst + n_add), from the back, in place: adding a plugin
 * costs O(registry + plugin log plugin) instead of re-sorting everything,
 * which made loading 1,000 plugins quadratic.
 */
static void merge_sorted(void **dst, size_t n_dst, void *const *add,
			 size_t n_add, int (*cmp)(const void *, const void *))
{
	size_t i = n_dst, j = n_add, k = n_dst + n_add;

	while (j > 0) {
		if (i > 0 && cmp(&dst[i - 1], &add[j - 1]) > 0)
			dst[--k] = dst[--i];
		else
			dst[--k] = add[--j];
	}
}

static int commit(struct dparser *p, struct pc_registry *reg)
{
	struct pc_registry *tmp = p->tmp;
	struct named *v;
	size_t n = tmp->n_types > tmp->n_vmsds ? tmp->n_types : tmp->n_vmsds;
	int ret;

	v = pc_xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < tmp->n_types; i++)
		v[i] = (struct named){ tmp->types[i]->name, tmp->types[i]->line };
	ret = check_dups(p, v, tmp->n_types, "type", NULL);
	for (size_t i = 0; !ret && i < tmp->n_vmsds; i++)
		v[i] = (struct named){ tmp->vmsds[i]->name, tmp->vmsds[i]->line };
	if (!ret)
		ret = check_dups(p, v, tmp->n_vmsds, "vmsd", NULL);
	free(v);
	if (ret)
		return ret;

	for (size_t i = 0; i < tmp->n_types; i++) {
		const struct pc_type *old =
			pc_registry_find_type(reg, tmp->types[i]->name);

		if (old)
			return pc_err_setc(p->err, PC_E_PLUGIN, "type '%s' is provided by both '%s' and '%s'",
					   old->name,
					   plugin_origin(old->plugin, "?"),
					   plugin_origin(p->owner, p->where));
	}
	for (size_t i = 0; i < tmp->n_vmsds; i++) {
		const struct pc_vmsd *old =
			pc_registry_find_vmsd(reg, tmp->vmsds[i]->name);

		if (old)
			return pc_err_setc(p->err, PC_E_PLUGIN, "vmsd '%s' is provided by both '%s' and '%s'",
					   old->name,
					   plugin_origin(old->plugin, "?"),
					   plugin_origin(p->owner, p->where));
	}

	/* a plugin may declare no types or no vmsds: memcpy and qsort
	 * must not see the NULL arrays then (UBSan, tests/fuzz/corpus) */
	if (tmp->n_types) {
		PC_ALLOC_GROW(reg->types, reg->n_types + tmp->n_types,
			      reg->alloc_types);
		qsort(tmp->types, tmp->n_types, sizeof(*tmp->types),
		      type_ptr_cmp);
		merge_sorted((void **)reg->types, reg->n_types,
			     (void **)tmp->types, tmp->n_types, type_ptr_cmp);
		reg->n_types += tmp->n_types;
		tmp->n_types = 0;
	}
	if (tmp->n_vmsds) {
		PC_ALLOC_GROW(reg->vmsds, reg->n_vmsds + tmp->n_vmsds,
			      reg->alloc_vmsds);
		qsort(tmp->vmsds, tmp->n_vmsds, sizeof(*tmp->vmsds),
		      vmsd_ptr_cmp);
		merge_sorted((void **)reg->vmsds, reg->n_vmsds,
			     (void **)tmp->vmsds, tmp->n_vmsds, vmsd_ptr_cmp);
		reg->n_vmsds += tmp->n_vmsds;
		tmp->n_vmsds = 0;
	}
	reg->finalized = false;
	return 0;
}

/* ------------------------------------------------------------ parser */

static int parse_text(struct dparser *p, const char *text, size_t len)
{
	struct words ws = { NULL, 0, 0, NULL, 0 };
	size_t pos = 0;
	const char *nul;

	if (len > DECL_MAX_SIZE)
		return pc_err_setc(p->err, PC_E_LIMIT,
				   "%s: declaration too large (%zu bytes, at most %d)",
				   p->where, len, DECL_MAX_SIZE);
	/* the ELF section keeps the C string's terminator: allow one */
	if (len && text[len - 1] == '\0')
		len--;
	nul = memchr(text, '\0', len);
	if (nul) {
		const char *ls = text;

		p->line = 1;
		for (const char *c = text; c < nul; c++) {
			if (*c == '\n') {
				p->line++;
				ls = c + 1;
			}
		}
		return derr(p, "NUL byte in the declaration text at column %zu",
			    (size_t)(nul - ls) + 1);
	}
	if (!len) {
		p->line = 1;
		return derr(p, "empty declaration (expected 'plugcheck-abi %d')",
			    PLUGCHECK_ABI_VERSION);
	}

	for (p->line = 1; pos < len; p->line++) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		int ret;

		pos += n + (nl ? 1 : 0);
		if (n && s[n - 1] == '\r')
			n--;
		if (n > DECL_MAX_LINE) {
			char msg[80];

			words_release(&ws);
			snprintf(msg, sizeof(msg), "line too long (%zu bytes, at most %d)",
				 n, DECL_MAX_LINE);
			return derr_at(p, PC_E_LIMIT, msg);
		}
		if (lex_line(p, s, n, &ws)) {
			words_release(&ws);
			return -1;
		}
		if (p->line == 1)
			ret = stmt_abi(p, &ws);
		else
			ret = ws.n ? statement(p, &ws) : 0;
		if (ret) {
			words_release(&ws);
			return -1;
		}
	}
	words_release(&ws);
	p->line--;
	if (p->type || p->vmsd) {
		p->line = p->type ? p->type->line : p->vmsd->line;
		return derr(p, "%s '%s' is not closed by 'end'",
			    p->type ? "type" : "vmsd",
			    p->type ? p->type->name : p->vmsd->name);
	}
	if (!p->stmts) {
		p->line++;
		return derr(p, "expected 'plugin NAME VERSION', found end of text");
	}
	return 0;
}

/*
 * Detached parsing (decl.h): the scratch registry, the staged header and
 * the outcome of one text, kept until it is committed or dropped.
 */
struct pc_decl_parsed {
	struct dparser p;
	char *error; /* the parse's error message, or NULL */
	enum pc_errcode error_code; /* and its code */
};

struct pc_decl_parsed *pc_decl_parse_detached(struct pc_plugin *owner,
					      const char *text, size_t len,
					      const char *where)
{
	struct pc_decl_parsed *d = pc_xcalloc(1, sizeof(*d));
	struct pc_err err;

	pc_err_clear(&err);
	d->p.where = where ? where : "(declaration)";
	d->p.err = &err;
	d->p.owner = owner;
	d->p.tmp = pc_registry_new();
	d->p.pool = pool_new(len);
	if (parse_text(&d->p, text, len)) {
		d->error = pc_xstrdup(err.msg);
		d->error_code = err.set ? err.code : PC_E_INTERNAL;
	}
	d->p.err = NULL;
	return d;
}

bool pc_decl_parsed_ok(const struct pc_decl_parsed *d)
{
	return !d->error;
}

static void hdr_release(struct pc_plugin *h)
{
	free(h->name);
	free(h->version);
	free(h->description);
	free(h->license);
	free(h->author);
	memset(h, 0, sizeof(*h));
}

void pc_decl_parsed_free(struct pc_decl_parsed *d)
{
	if (!d)
		return;
	hdr_release(&d->p.hdr);
	srcmap_release(&d->p.src);
	pc_registry_free(d->p.tmp);
	pc_decl_pool_unref(d->p.pool);
	free(d->error);
	free(d);
}

/*
 * A recorded source file as reported.  A relative FILE is relative to the
 * directory the plugin was compiled in: when the plugin file's directory
 * ends with FILE's directory (plugins/x/x.so and plugins/x/x.c, or FILE
 * has none), that is where FILE is; otherwise it stays as recorded.  A
 * path under the current directory is made relative to it.
 */
static char *src_display(const char *plugin_path, const char *file)
{
	char cwd[PATH_MAX];
	const char *fs = strrchr(file, '/'), *ps, *out;
	size_t fd = fs ? (size_t)(fs - file) : 0, pd, base = SIZE_MAX, cl;
	char *joined, *ret;

	ps = plugin_path ? strrchr(plugin_path, '/') : NULL;
	pd = ps ? (size_t)(ps - plugin_path) : 0;
	if (file[0] != '/' && ps) {
		if (!fd)
			base = pd + 1;
		else if (pd >= fd && !memcmp(plugin_path + pd - fd, file, fd) &&
			 (pd == fd || plugin_path[pd - fd - 1] == '/'))
			base = pd - fd;
	}
	if (base != SIZE_MAX)
		joined = pc_xasprintf("%.*s%s", (int)base, plugin_path, file);
	else
		joined = pc_xstrdup(file);
	out = joined;
	while (out[0] == '.' && out[1] == '/')
		out += 2;
	if (out[0] == '/' && getcwd(cwd, sizeof(cwd)) &&
	    (cl = strlen(cwd)) > 1 && !strncmp(out, cwd, cl) && out[cl] == '/')
		out += cl + 1;
	ret = pc_xstrdup(out);
	free(joined);
	return ret;
}

/* The staged source positions into the plugin, their files as reported. */
static void src_move(struct pc_plugin *pl, struct pc_srcmap *m)
{
	if (pl->src) {
		srcmap_release(pl->src);
		free(pl->src);
		pl->src = NULL;
	}
	if (!m->n_lines) {
		srcmap_release(m);
		return;
	}
	for (size_t i = 0; i < m->n_files; i++) {
		char *f = src_display(pl->path, m->files[i]);

		free(m->files[i]);
		m->files[i] = f;
	}
	pl->src = pc_xmalloc(sizeof(*pl->src));
	*pl->src = *m;
	memset(m, 0, sizeof(*m));
}

const char *pc_plugin_src_at(const struct pc_plugin *pl, int text_line,
			     int *c_line)
{
	size_t lo = 0, hi;

	if (!pl || !pl->src || text_line < 1)
		return NULL;
	hi = pl->src->n_lines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t tl = pl->src->lines[mid].text_line;

		if (tl == (uint32_t)text_line) {
			*c_line = (int)pl->src->lines[mid].c_line;
			return pl->src->files[pl->src->lines[mid].file];
		}
		if (tl < (uint32_t)text_line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *pc_plugin_place(const struct pc_plugin *pl, int text_line,
			    char *buf, size_t len)
{
	int c_line = 0;
	const char *file = pc_plugin_src_at(pl, text_line, &c_line);

	if (file)
		snprintf(buf, len, "%s:%d", file, c_line);
	else
		snprintf(buf, len, "%s line %d", pl && pl->path ? pl->path : "?",
			 text_line);
	return buf;
}

void pc_decl_loc(const struct pc_plugin *pl, int text_line, struct pc_loc *at,
		 struct pc_loc *text_at)
{
	int c_line = 0;
	const char *file = pc_plugin_src_at(pl, text_line, &c_line);

	text_at->file = NULL;
	text_at->line = 0;
	if (file) {
		text_at->file = pl->path;
		text_at->line = text_line;
		at->file = file;
		at->line = c_line;
		return;
	}
	at->file = pl ? pl->path : NULL;
	at->line = text_line;
}

/* Where the comment of line 's' (n bytes) starts, as lex_line() reads it
 * ('#' opening a word outside quotes), or n. */
static size_t comment_at(const char *s, size_t n)
{
	bool quoted = false;

	for (size_t i = 0; i < n; i++) {
		if (quoted) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
				quoted = false;
		} else if (s[i] == '"') {
			quoted = true;
		} else if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
					   s[i - 1] == '\t')) {
			return i;
		}
	}
	return n;
}

char *pc_decl_strip_markers(const char *text, size_t len, size_t *out_len)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	size_t pos = 0;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, c, k;

		pos += n + (nl ? 1 : 0);
		c = comment_at(s, n);
		if (c + 1 < n && s[c + 1] == '@') {
			for (k = 0; k < c && (s[k] == ' ' || s[k] == '\t'); k++)
				;
			if (k == c)
				continue; /* a marker alone on its line */
			n = c - (s[c - 1] == ' ' || s[c - 1] == '\t');
		}
		pc_strbuf_add(&sb, s, n);
		if (nl)
			pc_strbuf_addch(&sb, '\n');
	}
	*out_len = sb.len;
	return pc_strbuf_detach(&sb);
}

/* Move a staged header line into the plugin (when the text had it). */
static void hdr_move(char **dst, char **src)
{
	if (!*src)
		return;
	free(*dst);
	*dst = *src;
	*src = NULL;
}

int pc_decl_commit(struct pc_registry *reg, struct pc_decl_parsed *d,
		   struct pc_err *err)
{
	struct dparser *p;
	struct pc_plugin *pl;
	int ret;

	/* pc_decl_parse_detached() never returns NULL */
	assert(reg && d);
	p = &d->p;
	pl = p->owner;
	if (d->error) {
		pc_err_setc(err, d->error_code, "%s", d->error);
		pc_decl_parsed_free(d);
		return -1;
	}
	/* the header lines, as parsing them used to set them */
	pl->abi_version = p->hdr.abi_version;
	hdr_move(&pl->name, &p->hdr.name);
	hdr_move(&pl->version, &p->hdr.version);
	hdr_move(&pl->description, &p->hdr.description);
	hdr_move(&pl->license, &p->hdr.license);
	hdr_move(&pl->author, &p->hdr.author);
	src_move(pl, &p->src);
	p->err = err;
	ret = commit(p, reg);
	pc_decl_parsed_free(d);
	return ret;
}

int pc_decl_parse(struct pc_registry *reg, struct pc_plugin *plugin,
		  const char *text, size_t len, const char *where,
		  struct pc_err *err)
{
	return pc_decl_commit(reg, pc_decl_parse_detached(plugin, text, len,
							  where),
			      err);
}

/* ------------------------------------------------------------ adding to a registry */

/*
 * Ownership of 'plugin' passes to the registry whatever happens: on
 * failure it is freed with pc_plugin_free() (none of its declarations stay
 * behind), so a loader can report the error and go on with the next one.
 */
int pc_registry_add_parsed(struct pc_registry *reg, struct pc_plugin *plugin,
			   struct pc_decl_parsed *d, struct pc_err *err)
{
	/* 'd' is the parse of this plugin's own declaration */
	assert(d && d->p.owner == plugin);
	if (pc_decl_commit(reg, d, err)) {
		pc_plugin_free(plugin);
		return -1;
	}
	PC_ALLOC_GROW(reg->plugins, reg->n_plugins + 1, reg->alloc_plugins);
	reg->plugins[reg->n_plugins++] = plugin;
	reg->finalized = false;
	return 0;
}

int pc_registry_add_plugin(struct pc_registry *reg, struct pc_plugin *plugin,
			   const char *where, struct pc_err *err)
{
	if (!plugin->path)
		plugin->path = pc_xstrdup(where ? where : "(unknown)");
	if (!plugin->decl) {
		pc_err_setc(err, PC_E_PLUGIN, "%s: no declaration text",
			    where ? where : plugin->path);
		pc_plugin_free(plugin);
		return -1;
	}
	return pc_registry_add_parsed(reg, plugin,
				      pc_decl_parse_detached(plugin, plugin->decl,
							     plugin->decl_len,
							     where ? where : plugin->path),
				      err);
}

/* ------------------------------------------------------------ writer */

static void put_word(struct pc_strbuf *out, const char *s, bool always_quote)
{
	bool quote = always_quote || !*s || strpbrk(s, " \t\"\\#=") != NULL;

	if (!quote) {
		pc_strbuf_addstr(out, s);
		return;
	}
	pc_strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			pc_strbuf_addch(out, '\\');
		pc_strbuf_addch(out, *s);
	}
	pc_strbuf_addch(out, '"');
}

static void put_attr(struct pc_strbuf *out, const char *key, const char *val)
{
	pc_strbuf_addf(out, " %s=", key);
	put_word(out, val, false);
}

static void put_expr(struct pc_strbuf *out, const char *key,
		     const struct pc_expr *e)
{
	char *s = pc_expr_str(e);

	put_attr(out, key, s);
	free(s);
}

static void put_version(struct pc_strbuf *out, const char *key,
			const struct pc_version *v)
{
	char buf[32];

	pc_version_str(v, buf, sizeof(buf));
	pc_strbuf_addf(out, " %s=%s", key, buf);
}

static void write_prop(struct pc_strbuf *out, const struct pc_prop *pr)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char buf[32];

	pc_strbuf_addf(out, "  prop %s %s", pr->name,
		       pc_prop_kind_name(pr->kind));
	if (pr->n_enum_values) {
		for (size_t i = 0; i < pr->n_enum_values; i++)
			pc_strbuf_addf(&sb, "%s%s", i ? "," : "",
				       pr->enum_values[i]);
		put_attr(out, "values", sb.buf);
		pc_strbuf_reset(&sb);
	}
	if (pr->container) {
		put_attr(out, "container", pr->container);
		pc_strbuf_addf(out, " bit=%d", pr->bitnr);
	}
	if (pr->def_text)
		put_attr(out, "default", pr->def_text);
	if (pr->def_expr)
		put_expr(out, "derived", pr->def_expr);
	if (pr->host_feature)
		put_attr(out, "host", pr->host_feature);
	if (pr->realized_expr)
		put_expr(out, "realized", pr->realized_expr);
	for (size_t i = 0; i < pr->n_requires; i++)
		pc_strbuf_addf(&sb, "%s%s", i ? "," : "", pr->requires[i]);
	if (pr->n_requires)
		put_attr(out, "requires", sb.buf);
	pc_strbuf_reset(&sb);
	if (pr->guest_visible)
		pc_strbuf_addstr(out, " guest-visible");
	if (pr->wire)
		pc_strbuf_addstr(out, " wire");
	if (pr->has_since)
		put_version(out, "since", &pr->since);
	if (pr->n_absent) {
		for (size_t i = 0; i < pr->n_absent; i++) {
			const struct pc_prop_absent *a = &pr->absent[i];
			struct pc_version zero = { { 0, 0, 0 } };

			if (i)
				pc_strbuf_addch(&sb, ',');
			if (i || pc_version_cmp(&a->version, &zero)) {
				pc_version_str(&a->version, buf, sizeof(buf));
				pc_strbuf_addf(&sb, "%s:", buf);
			}
			pc_strbuf_addstr(&sb, a->value);
		}
		put_attr(out, "absent", sb.buf);
		pc_strbuf_reset(&sb);
	}
	if (pr->n_changes) {
		for (size_t i = 0; i < pr->n_changes; i++) {
			pc_version_str(&pr->changes[i].version, buf, sizeof(buf));
			pc_strbuf_addf(&sb, "%s%s:%s", i ? "," : "", buf,
				       pr->changes[i].value);
		}
		put_attr(out, "was", sb.buf);
	}
	if (pr->doc)
		put_attr(out, "doc", pr->doc);
	pc_strbuf_addch(out, '\n');
	pc_strbuf_release(&sb);
}

static void write_blocker(struct pc_strbuf *out, const struct pc_blocker *b)
{
	pc_strbuf_addstr(out, "  unmigratable");
	if (b->prop) {
		put_attr(out, "prop", b->prop);
		put_attr(out, "value", b->value);
	}
	if (b->has_since)
		put_version(out, "since", &b->since);
	if (b->reason)
		put_attr(out, "reason", b->reason);
	pc_strbuf_addch(out, '\n');
}

static void write_ramblock(struct pc_strbuf *out, const struct pc_ramblock *b)
{
	pc_strbuf_addf(out, "  ramblock %s", b->name);
	put_expr(out, "size", b->size);
	if (b->max)
		put_expr(out, "max", b->max);
	if (b->cond)
		put_expr(out, "if", b->cond);
	if (b->has_since)
		put_version(out, "since", &b->since);
	if (b->doc)
		put_attr(out, "doc", b->doc);
	pc_strbuf_addch(out, '\n');
}
static void write_invariant(struct pc_strbuf *out,
			    const struct pc_invariant *inv);
static void write_capability(struct pc_strbuf *out,
			     const struct pc_capability *c);

static void write_type(struct pc_strbuf *out, const struct pc_type *t)
{
	pc_strbuf_addf(out, "type %s", t->name);
	if (t->parent_name)
		put_attr(out, "parent", t->parent_name);
	if (t->n_ifaces) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		for (size_t i = 0; i < t->n_ifaces; i++)
			pc_strbuf_addf(&sb, "%s%s", i ? "," : "", t->ifaces[i]);
		put_attr(out, "interfaces", sb.buf);
		pc_strbuf_release(&sb);
	}
	if (t->abstract)
		pc_strbuf_addstr(out, " abstract");
	if (t->interface)
		pc_strbuf_addstr(out, " interface");
	if (t->internal)
		pc_strbuf_addstr(out, " internal");
	if (t->machine)
		pc_strbuf_addstr(out, " machine");
	if (t->section)
		put_attr(out, "section", t->section);
	if (t->has_since)
		put_version(out, "since", &t->since);
	if (t->idstr_prop)
		put_attr(out, "idstr", t->idstr_prop);
	if (t->doc)
		put_attr(out, "doc", t->doc);
	pc_strbuf_addch(out, '\n');
	for (size_t i = 0; i < t->n_props; i++)
		write_prop(out, &t->props[i]);
	for (size_t i = 0; i < t->n_children; i++)
		pc_strbuf_addf(out, "  child %s %s%s\n", t->children[i].name,
			       t->children[i].type_name,
			       t->children[i].alias_props ? " alias-props" : "");
	for (size_t i = 0; i < t->n_hooks; i++)
		pc_strbuf_addf(out, "  hook %s %s\n", t->hooks[i].event,
			       t->hooks[i].symbol);
	for (size_t i = 0; i < t->n_blockers; i++)
		write_blocker(out, &t->blockers[i]);
	for (size_t i = 0; i < t->n_configs; i++) {
		pc_strbuf_addf(out, "  config %s ", t->configs[i].name);
		put_word(out, t->configs[i].props, true);
		pc_strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < t->n_rams; i++)
		write_ramblock(out, &t->rams[i]);
	for (size_t i = 0; i < t->n_caps; i++)
		write_capability(out, &t->caps[i]);
	for (size_t i = 0; i < t->n_registers; i++)
		write_invariant(out, &t->registers[i]);
	for (size_t i = 0; i < t->n_attrs; i++) {
		pc_strbuf_addf(out, "  attr %s ", t->attrs[i].name);
		put_word(out, t->attrs[i].text, false);
		pc_strbuf_addch(out, '\n');
	}
	pc_strbuf_addstr(out, "end\n");
}

static void write_field(struct pc_strbuf *out, const struct pc_field *f)
{
	pc_strbuf_addf(out, "  field %s %s", f->name,
		       pc_field_kind_name(f->kind));
	/* the kinds whose size the declaration gives (stmt_field()) */
	if (f->kind == PC_FIELD_BUFFER || f->kind == PC_FIELD_UNUSED)
		pc_strbuf_addf(out, " size=%" PRIu32, f->size);
	switch (f->count_kind) {
	case PC_COUNT_ONE:
		break;
	case PC_COUNT_FIXED:
		pc_strbuf_addf(out, " count=%" PRIu32, f->count_fixed);
		break;
	case PC_COUNT_EXPR:
		put_expr(out, "count", f->count_expr);
		break;
	case PC_COUNT_FIELD:
		put_attr(out, "count-field", f->count_field);
		pc_strbuf_addf(out, " max=%" PRIu32, f->count_max);
		break;
	}
	if (f->struct_name)
		put_attr(out, "struct", f->struct_name);
	if (f->version)
		pc_strbuf_addf(out, " version=%d", f->version);
	if (f->cond)
		put_expr(out, "if", f->cond);
	if (f->has_since)
		put_version(out, "since", &f->since);
	if (f->info)
		put_attr(out, "info", f->info);
	pc_strbuf_addch(out, '\n');
}

/* An invariant or a register (Documentation/declaration-language.md). */
static void write_invariant(struct pc_strbuf *out,
			    const struct pc_invariant *inv)
{
	const struct pc_cfg_reg *r = inv->reg;
	bool reg = r && r->is_register;

	pc_strbuf_addf(out, "  %s %s", reg ? "register" : "invariant",
		       inv->name);
	if (inv->field)
		put_attr(out, "field", inv->field);
	if (reg && r->cap)
		put_attr(out, "cap", r->cap);
	pc_strbuf_addf(out, " offset=%" PRIu32 " size=%" PRIu32, inv->offset,
		       inv->size);
	put_expr(out, "value", inv->value);
	if (inv->romask)
		put_expr(out, reg ? "cmask" : "romask", inv->romask);
	if (reg && r->wmask)
		put_expr(out, "wmask", r->wmask);
	if (reg && r->w1cmask)
		put_expr(out, "w1cmask", r->w1cmask);
	if (inv->has_since)
		put_version(out, "since", &inv->since);
	for (size_t i = 0; r && i < r->n_changes; i++) {
		char buf[32];

		pc_version_str(&r->changes[i].version, buf, sizeof(buf));
		pc_strbuf_addf(out, "%s%s:0x%" PRIx64, i ? "," : " was=", buf,
			       r->changes[i].value);
	}
	pc_strbuf_addch(out, '\n');
}

static void write_capability(struct pc_strbuf *out,
			     const struct pc_capability *c)
{
	pc_strbuf_addf(out, "  capability %s id=0x%" PRIx32, c->name, c->id);
	put_attr(out, "field", c->field);
	pc_strbuf_addf(out, " size=%" PRIu32, c->size);
	if (c->express)
		pc_strbuf_addf(out, " express version=%" PRIu32, c->cap_version);
	if (c->at)
		pc_strbuf_addf(out, " at=0x%" PRIx32, c->at);
	if (c->cond)
		put_expr(out, "if", c->cond);
	if (c->table) {
		put_attr(out, "table", c->table);
		put_expr(out, "entries", c->entries);
	}
	if (c->has_since)
		put_version(out, "since", &c->since);
	pc_strbuf_addch(out, '\n');
}

static void write_vmsd(struct pc_strbuf *out, const struct pc_vmsd *v)
{
	pc_strbuf_addf(out, "vmsd %s version=%d min=%d", v->name,
		       v->version_id, v->min_version_id);
	if (v->has_since)
		put_version(out, "since", &v->since);
	if (v->priority && v->priority != PC_PRI_DEFAULT)
		put_attr(out, "priority", pc_mig_priority_name(v->priority));
	for (size_t i = 0; i < v->n_changes; i++) {
		char buf[32];

		pc_version_str(&v->changes[i].version, buf, sizeof(buf));
		pc_strbuf_addf(out, "%s%s:%d/%d", i ? "," : " was=", buf,
			       v->changes[i].version_id,
			       v->changes[i].min_version_id);
	}
	pc_strbuf_addch(out, '\n');
	for (size_t i = 0; i < v->n_fields; i++)
		write_field(out, &v->fields[i]);
	for (size_t i = 0; i < v->n_subsections; i++) {
		const struct pc_subsection *s = &v->subsections[i];

		pc_strbuf_addf(out, "  subsection %s", s->name);
		if (s->needed)
			put_expr(out, "needed", s->needed);
		if (s->runtime)
			pc_strbuf_addstr(out, " runtime");
		if (s->has_since)
			put_version(out, "since", &s->since);
		pc_strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < v->n_invariants; i++)
		write_invariant(out, &v->invariants[i]);
	pc_strbuf_addstr(out, "end\n");
}

struct decl_item {
	int line;
	size_t seq;
	const struct pc_type *type;
	const struct pc_vmsd *vmsd;
};

static int item_cmp(const void *a, const void *b)
{
	const struct decl_item *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The plugin's declarations in the order they were written (by line). */
void pc_decl_write_plugin(const struct pc_registry *reg,
			  const struct pc_plugin *plugin,
			  struct pc_strbuf *out)
{
	struct decl_item *items = NULL;
	size_t n = 0, alloc = 0;

	pc_strbuf_addf(out, "plugcheck-abi %u\n",
		       plugin->abi_version ? plugin->abi_version
					   : PLUGCHECK_ABI_VERSION);
	pc_strbuf_addf(out, "plugin %s %s\n", plugin->name ? plugin->name : "?",
		       plugin->version ? plugin->version : "0");
	if (plugin->description) {
		pc_strbuf_addstr(out, "description ");
		put_word(out, plugin->description, true);
		pc_strbuf_addch(out, '\n');
	}
	if (plugin->license) {
		pc_strbuf_addstr(out, "license ");
		put_word(out, plugin->license, true);
		pc_strbuf_addch(out, '\n');
	}
	if (plugin->author) {
		pc_strbuf_addstr(out, "author ");
		put_word(out, plugin->author, true);
		pc_strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < reg->n_types; i++) {
		if (reg->types[i]->plugin != plugin)
			continue;
		PC_ALLOC_GROW(items, n + 1, alloc);
		items[n] = (struct decl_item){ reg->types[i]->line, n,
					       reg->types[i], NULL };
		n++;
	}
	for (size_t i = 0; i < reg->n_vmsds; i++) {
		if (reg->vmsds[i]->plugin != plugin)
			continue;
		PC_ALLOC_GROW(items, n + 1, alloc);
		items[n] = (struct decl_item){ reg->vmsds[i]->line, n, NULL,
					       reg->vmsds[i] };
		n++;
	}
	if (n)
		qsort(items, n, sizeof(*items), item_cmp);
	for (size_t i = 0; i < n; i++) {
		pc_strbuf_addch(out, '\n');
		if (items[i].type)
			write_type(out, items[i].type);
		else
			write_vmsd(out, items[i].vmsd);
	}
	free(items);
}
