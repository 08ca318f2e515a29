/*
 * machine.c - machine-type descriptors: the parser for the *.family,
 * *.machine and compat/ *.compat files of Documentation/machine-format.md,
 * and the resolution of each machine's chain of compat entries the way QEMU
 * builds MachineClass::compat_props (family defaults, then the arrays of
 * the newer machines it derives from, then its own; the later entry wins).
 *
 * Parsing is strict and bounded: files are at most MACHINE_MAX_FILE bytes,
 * lines at most MACHINE_MAX_LINE, and every error names file:line.  Each
 * file is parsed on its own; the checks that need every file (unknown
 * names, duplicate names, derivation cycles) run in
 * pc_machine_set_finalize(), which is why families and machines remember
 * the line of each statement.
 */
#include "machine.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define MACHINE_MAX_FILE (4u << 20)
#define MACHINE_MAX_LINE 4096
#define MACHINE_MAX_WORDS 16
#define MACHINE_MAX_CPUS 1048576
/* more directory entries than this is not a machine directory */
#define MACHINE_MAX_DIRENTS 100000

/* ---- lexer: one statement (a non-blank, non-comment line) at a time ---- */

struct lexer {
	const char *path;
	const char *buf;
	size_t len, pos;
	int lineno;
	/* the words of the current line, unquoted, NUL-separated; output never
	 * exceeds input + 1 because every word but the last ends at a blank */
	char line[MACHINE_MAX_LINE + 1];
	char *words[MACHINE_MAX_WORDS];
	bool quoted[MACHINE_MAX_WORDS];
	int n;
};

/* "path:line: msg" under 'code'. */
static int lx_at(const struct lexer *lx, struct pc_err *err,
		 enum pc_errcode code, const char *msg)
{
	return pc_err_setc(err, code, "%s:%d: %s", lx->path,
			   lx->lineno > 0 ? lx->lineno : 1, msg);
}

static int lx_error(const struct lexer *lx, struct pc_err *err,
		    const char *fmt, ...) PC_PRINTF(3, 4);

/* "path:line: msg": malformed input. */
static int lx_error(const struct lexer *lx, struct pc_err *err,
		    const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	lx_at(lx, err, PC_E_INPUT, sb.buf);
	pc_strbuf_release(&sb);
	return -1;
}

static int check_char(const struct lexer *lx, unsigned char c,
		      struct pc_err *err)
{
	if (c == '\r')
		return lx_error(lx, err,
				"carriage return (expected unix line endings)");
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return lx_error(lx, err,
				"control character 0x%02x (expected printable text)",
				c);
	return 0;
}

static int lexer_split(struct lexer *lx, const char *s, size_t n,
		       struct pc_err *err)
{
	char *o = lx->line;
	size_t i = 0;

	lx->n = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#')
			break;	/* a comment starts a word, '#' inside is literal */
		if (lx->n == MACHINE_MAX_WORDS) {
			char msg[64];

			snprintf(msg, sizeof(msg), "too many words (expected at most %d)",
				 MACHINE_MAX_WORDS);
			return lx_at(lx, err, PC_E_LIMIT, msg);
		}
		lx->words[lx->n] = o;
		lx->quoted[lx->n] = c == '"';
		if (c == '"') {
			for (i++;; i++) {
				if (i == n)
					return lx_error(lx, err,
							"unterminated quoted value (expected a closing '\"')");
				c = (unsigned char)s[i];
				if (c == '"')
					break;
				if (c == '\\') {
					if (i + 1 == n ||
					    (s[i + 1] != '"' && s[i + 1] != '\\'))
						return lx_error(lx, err,
								"bad escape in quoted value (expected \\\" or \\\\)");
					c = (unsigned char)s[++i];
				} else if (c != '\t' && check_char(lx, c, err)) {
					return -1;
				}
				*o++ = (char)c;
			}
			i++;
			if (i < n && s[i] != ' ' && s[i] != '\t') {
				if (check_char(lx, (unsigned char)s[i], err))
					return -1;
				return lx_error(lx, err,
						"unexpected '%c' after a quoted value (expected a blank)",
						s[i]);
			}
		} else {
			for (; i < n && s[i] != ' ' && s[i] != '\t'; i++) {
				c = (unsigned char)s[i];
				if (c == '"')
					return lx_error(lx, err,
							"unexpected '\"' inside a word (expected a quoted value to start with '\"')");
				if (check_char(lx, c, err))
					return -1;
				*o++ = (char)c;
			}
		}
		*o++ = '\0';
		lx->n++;
	}
	return 0;
}

/* 1: a statement is in lx->words; 0: end of file; -1: error */
static int lexer_next(struct lexer *lx, struct pc_err *err)
{
	while (lx->pos < lx->len) {
		const char *start = lx->buf + lx->pos;
		const char *nl = memchr(start, '\n', lx->len - lx->pos);
		size_t n = nl ? (size_t)(nl - start) : lx->len - lx->pos;

		lx->lineno++;
		lx->pos += n + (nl ? 1 : 0);
		if (n > MACHINE_MAX_LINE) {
			char msg[96];

			snprintf(msg, sizeof(msg), "line too long (expected at most %d bytes, found %zu)",
				 MACHINE_MAX_LINE, n);
			return lx_at(lx, err, PC_E_LIMIT, msg);
		}
		{
			size_t bad;

			if (!pc_utf8_valid(start, n, &bad)) {
				char msg[96];

				snprintf(msg, sizeof(msg), "invalid UTF-8 at byte %zu of the line (expected UTF-8 text)",
					 bad + 1);
				return lx_at(lx, err, PC_E_INPUT, msg);
			}
		}
		if (lexer_split(lx, start, n, err))
			return -1;
		if (lx->n)
			return 1;
	}
	return 0;
}

/* ---- small helpers ---- */

/* "dir/hw_compat_5_1.compat" -> "hw_compat_5_1" */
static char *file_stem(const char *path, const char *suffix)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (pc_str_ends_with(base, suffix))
		n -= strlen(suffix);
	return pc_xstrndup(base, n);
}

/* Versions here are "X.Y" or "X.Y.Z" (pc_version_parse() also takes "X"). */
static int parse_version(const char *s, struct pc_version *v)
{
	if (!strchr(s, '.'))
		return -1;
	return pc_version_parse(s, v);
}

/* A decimal integer in [min, max]: no sign, no base prefix. */
static int parse_int(const char *s, int min, int max, int *out)
{
	bool neg;
	uint64_t v;

	if (pc_parse_int_text(s, PC_INT_DEC, &neg, &v) || v < (uint64_t)min ||
	    v > (uint64_t)max)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * The index of 'word' in 'keys', or -1 after setting an "unknown keyword"
 * error that suggests the nearest keyword or lists them all.
 */
static int lookup_keyword(const struct lexer *lx, const char *const *keys,
			  size_t n, struct pc_err *err)
{
	const char *w = lx->words[0];
	const char *near;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	if (lx->quoted[0]) {
		lx_error(lx, err, "quoted keyword \"%s\" (expected a bare keyword)",
			 w);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, keys[i]))
			return (int)i;
	near = pc_suggest(w, keys, n);
	if (near) {
		lx_error(lx, err, "unknown keyword '%s' (did you mean '%s'?)", w,
			 near);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		pc_strbuf_addf(&sb, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "",
			       keys[i]);
	lx_error(lx, err, "unknown keyword '%s' (expected %s)", w, sb.buf);
	pc_strbuf_release(&sb);
	return -1;
}

static int expect_one_arg(const struct lexer *lx, struct pc_err *err)
{
	if (lx->n != 2)
		return lx_error(lx, err,
				"'%s' takes one argument (expected %s VALUE, found %d arguments)",
				lx->words[0], lx->words[0], lx->n - 1);
	return 0;
}

static int once(const struct lexer *lx, int *line, struct pc_err *err)
{
	if (*line)
		return lx_error(lx, err, "duplicate '%s' (first at line %d)",
				lx->words[0], *line);
	*line = lx->lineno;
	return 0;
}

struct pc_compat_array *pc_machine_find_array(const struct pc_machine_set *set,
					      const char *name)
{
	for (size_t i = 0; i < set->n_arrays; i++)
		if (!strcmp(set->arrays[i]->name, name))
			return set->arrays[i];
	return NULL;
}

static struct pc_family *find_family(const struct pc_machine_set *set,
				     const char *name)
{
	for (size_t i = 0; i < set->n_families; i++)
		if (!strcmp(set->families[i]->name, name))
			return set->families[i];
	return NULL;
}

static struct pc_machine *find_machine_name(const struct pc_machine_set *set,
					    const char *name)
{
	for (size_t i = 0; i < set->n_machines; i++)
		if (!strcmp(set->machines[i]->name, name))
			return set->machines[i];
	return NULL;
}

/* ---- freeing ---- */

static void entry_release(struct pc_compat_entry *e)
{
	free(e->driver);
	free(e->prop);
	free(e->value);
	free(e->array);
	free(e->origin);
}

void pc_compat_entry_set(struct pc_compat_entry *e, const char *driver,
			 const char *prop, const char *value, const char *array,
			 const char *origin)
{
	/* one block for the entry's five strings (array_free()) */
	const char *parts[5] = { driver, prop, value, array, origin };
	char **dst[5] = { &e->driver, &e->prop, &e->value, &e->array, &e->origin };
	size_t len[5], total = 0;
	char *q;

	for (int i = 0; i < 5; i++)
		total += (len[i] = strlen(parts[i])) + 1;
	q = pc_xmalloc(total);
	for (int i = 0; i < 5; i++) {
		*dst[i] = memcpy(q, parts[i], len[i] + 1);
		q += len[i] + 1;
	}
}

static void array_free(struct pc_compat_array *a)
{
	if (!a)
		return;
	/* an array's entries hold their strings in one block, starting
	 * with 'driver' (compat_entry_parse()) */
	for (size_t i = 0; i < a->n_entries; i++)
		free(a->entries[i].driver);
	free(a->entries);
	free(a->name);
	free(a->path);
	free(a);
}

static void family_free(struct pc_family *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->defaults);
	free(f->latest_alias);
	free(f->path);
	free(f);
}

static void machine_free(struct pc_machine *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->family);
	for (size_t i = 0; i < m->n_aliases; i++)
		free(m->aliases[i]);
	free(m->aliases);
	free(m->derives);
	for (size_t i = 0; i < m->n_arrays; i++)
		free(m->arrays[i]);
	free(m->arrays);
	free(m->path);
	free(m->alias_lines);
	free(m->array_lines);
	free(m->chain);
	free(m->chain_keys);
	for (size_t i = 0; i < m->n_owned; i++)
		entry_release(&m->owned[i]);
	free(m->owned);
	free(m);
}

struct pc_machine_set *pc_machine_set_new(void)
{
	return pc_xcalloc(1, sizeof(struct pc_machine_set));
}

void pc_machine_set_free(struct pc_machine_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n_families; i++)
		family_free(set->families[i]);
	free(set->families);
	for (size_t i = 0; i < set->n_machines; i++)
		machine_free(set->machines[i]);
	free(set->machines);
	for (size_t i = 0; i < set->n_arrays; i++)
		array_free(set->arrays[i]);
	free(set->arrays);
	pc_strmap_release(&set->names);
	free(set->name_machine);
	free(set);
}

void pc_machine_set_index(struct pc_machine_set *set)
{
	size_t cap = 0;

	pc_strmap_release(&set->names);
	free(set->name_machine);
	set->name_machine = NULL;
	set->indexed = 0;
	for (size_t i = 0; i < set->n_machines; i++)
		cap += 1 + set->machines[i]->n_aliases;
	set->name_machine = pc_xcalloc(cap + 1, sizeof(*set->name_machine));
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];

		for (size_t j = 0; j <= m->n_aliases; j++) {
			const char *n = j ? m->aliases[j - 1] : m->name;
			size_t before = set->names.n;
			size_t at = pc_strmap_index(&set->names, n, strlen(n));

			/* the first machine answering to a name keeps it, as
			 * the scan finds it */
			if (set->names.n > before)
				set->name_machine[at] = i;
		}
	}
	set->indexed = set->n_machines;
}

/* ---- compat/NAME.compat ---- */

/* "PATH:LINE" without printf: every compat entry has one. */
static char *origin_str(const char *path, int line)
{
	size_t pl = strlen(path), nd = 0;
	unsigned v = line > 0 ? (unsigned)line : 0;
	char digits[16], *s;

	if (line < 0)
		return pc_xasprintf("%s:%d", path, line);
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	s = pc_xmalloc(pl + nd + 2);
	memcpy(s, path, pl);
	s[pl] = ':';
	for (size_t i = 0; i < nd; i++)
		s[pl + 1 + i] = digits[nd - 1 - i];
	s[pl + 1 + nd] = '\0';
	return s;
}

static int compat_entry_parse(const struct lexer *lx,
			      const struct pc_compat_array *a,
			      struct pc_compat_entry *e, struct pc_err *err)
{
	char rel[32], since[32];

	if (lx->n < 3)
		return lx_error(lx, err,
				"bad compat entry (expected DRIVER PROPERTY VALUE [optional] [since=VERSION], found %d word%s)",
				lx->n, lx->n == 1 ? "" : "s");
	for (int i = 3; i < lx->n; i++) {
		const char *w = lx->words[i];

		if (!lx->quoted[i] && !strcmp(w, "optional")) {
			if (e->optional)
				return lx_error(lx, err, "duplicate 'optional'");
			e->optional = true;
		} else if (!lx->quoted[i] && pc_str_starts_with(w, "since=")) {
			if (e->has_since)
				return lx_error(lx, err, "duplicate 'since='");
			if (parse_version(w + 6, &e->since))
				return lx_error(lx, err,
						"bad version '%s' in since= (expected N.N or N.N.N)",
						w + 6);
			e->has_since = true;
		} else if (!lx->quoted[i] && pc_str_starts_with(w, "until=")) {
			if (e->has_until)
				return lx_error(lx, err, "duplicate 'until='");
			if (parse_version(w + 6, &e->until))
				return lx_error(lx, err,
						"bad version '%s' in until= (expected N.N or N.N.N)",
						w + 6);
			e->has_until = true;
		} else {
			return lx_error(lx, err,
					"unknown entry option '%s' (expected optional, since=VERSION or until=VERSION)",
					w);
		}
	}
	if (e->has_since && a->has_release &&
	    pc_version_cmp(&e->since, &a->release) < 0) {
		pc_version_str(&e->since, since, sizeof(since));
		pc_version_str(&a->release, rel, sizeof(rel));
		return lx_error(lx, err,
				"since=%s is before release %s of array '%s' (expected %s or later)",
				since, rel, a->name, rel);
	}
	if (!e->has_since && a->has_release) {
		e->since = a->release;
		e->has_since = true;
	}
	if (e->has_until && e->has_since &&
	    pc_version_cmp(&e->until, &e->since) <= 0)
		return lx_error(lx, err, "until= must be after since=");
	{
		char *origin = origin_str(lx->path, lx->lineno);

		pc_compat_entry_set(e, lx->words[0], lx->words[1], lx->words[2],
				    a->name, origin);
		e->file_len = strlen(lx->path);
		e->line = lx->lineno;
		free(origin);
	}
	return 0;
}

static int array_header_parse(struct pc_machine_set *set, struct lexer *lx,
			      struct pc_compat_array *a, struct pc_err *err)
{
	char *want = file_stem(lx->path, ".compat");
	const struct pc_compat_array *dup;
	int ret = -1;

	if (lx->quoted[0] || strcmp(lx->words[0], "array")) {
		lx_error(lx, err, "expected 'array %s' first (found '%s')", want,
			 lx->words[0]);
		goto out;
	}
	if (lx->n < 2) {
		lx_error(lx, err,
			 "'array' takes a name (expected array NAME [release=VERSION])");
		goto out;
	}
	if (strcmp(lx->words[1], want)) {
		lx_error(lx, err,
			 "array '%s' does not match the file name (expected '%s')",
			 lx->words[1], want);
		goto out;
	}
	for (int i = 2; i < lx->n; i++) {
		const char *w = lx->words[i];

		if (lx->quoted[i] || !pc_str_starts_with(w, "release=")) {
			lx_error(lx, err,
				 "unknown array option '%s' (expected release=VERSION)",
				 w);
			goto out;
		}
		if (a->has_release) {
			lx_error(lx, err, "duplicate 'release='");
			goto out;
		}
		if (parse_version(w + 8, &a->release)) {
			lx_error(lx, err,
				 "bad version '%s' in release= (expected N.N or N.N.N)",
				 w + 8);
			goto out;
		}
		a->has_release = true;
	}
	dup = pc_machine_find_array(set, want);
	if (dup) {
		lx_error(lx, err, "duplicate array '%s' (already read from %s)",
			 want, dup->path);
		goto out;
	}
	a->name = want;
	want = NULL;
	ret = 0;
out:
	free(want);
	return ret;
}

static int compat_file_parse(struct pc_machine_set *set, struct lexer *lx,
			     struct pc_err *err)
{
	struct pc_compat_array *a = pc_xcalloc(1, sizeof(*a));
	size_t alloc = 0;
	int array_line = 0;
	int r;

	a->path = pc_xstrdup(lx->path);
	while ((r = lexer_next(lx, err)) > 0) {
		struct pc_compat_entry *e;

		if (!array_line) {
			if (array_header_parse(set, lx, a, err))
				goto fail;
			array_line = lx->lineno;
			continue;
		}
		if (!lx->quoted[0] && !strcmp(lx->words[0], "array")) {
			lx_error(lx, err, "duplicate 'array' (first at line %d)",
				 array_line);
			goto fail;
		}
		PC_ALLOC_GROW(a->entries, a->n_entries + 1, alloc);
		e = &a->entries[a->n_entries];
		memset(e, 0, sizeof(*e));
		if (compat_entry_parse(lx, a, e, err))
			goto fail;
		a->n_entries++;
	}
	if (r < 0)
		goto fail;
	if (!array_line) {
		char *want = file_stem(lx->path, ".compat");

		lx_error(lx, err,
			 "missing 'array' statement (expected 'array %s' before the end of the file)",
			 want);
		free(want);
		goto fail;
	}
	PC_ALLOC_GROW(set->arrays, set->n_arrays + 1, set->alloc_arrays);
	set->arrays[set->n_arrays++] = a;
	return 0;
fail:
	array_free(a);
	return -1;
}

/* ---- NAME.family ---- */

static const char *const family_keys[] = { "family", "defaults",
					   "latest-alias" };

static int family_file_parse(struct pc_machine_set *set, struct lexer *lx,
			     struct pc_err *err)
{
	struct pc_family *f = pc_xcalloc(1, sizeof(*f));
	const struct pc_family *dup;
	int r;

	f->path = pc_xstrdup(lx->path);
	while ((r = lexer_next(lx, err)) > 0) {
		int k = lookup_keyword(lx, family_keys,
				       PC_ARRAY_SIZE(family_keys), err);

		if (k < 0 || expect_one_arg(lx, err))
			goto fail;
		switch (k) {
		case 0:
			if (once(lx, &f->line, err))
				goto fail;
			f->name = pc_xstrdup(lx->words[1]);
			break;
		case 1:
			if (once(lx, &f->defaults_line, err))
				goto fail;
			f->defaults = pc_xstrdup(lx->words[1]);
			break;
		default:
			if (once(lx, &f->latest_alias_line, err))
				goto fail;
			f->latest_alias = pc_xstrdup(lx->words[1]);
			break;
		}
	}
	if (r < 0)
		goto fail;
	if (!f->name) {
		lx_error(lx, err,
			 "missing 'family' statement (expected 'family NAME' before the end of the file)");
		goto fail;
	}
	dup = find_family(set, f->name);
	if (dup) {
		lx->lineno = f->line;
		lx_error(lx, err, "duplicate family '%s' (already read from %s:%d)",
			 f->name, dup->path, dup->line);
		goto fail;
	}
	PC_ALLOC_GROW(set->families, set->n_families + 1, set->alloc_families);
	set->families[set->n_families++] = f;
	return 0;
fail:
	family_free(f);
	return -1;
}

/* ---- NAME.machine ---- */

enum machine_key {
	MK_MACHINE,
	MK_FAMILY,
	MK_VERSION,
	MK_ALIAS,
	MK_STATUS,
	MK_DERIVES,
	MK_SMP,
	MK_MAX_CPUS,
	MK_COMPAT,
};

static const char *const machine_keys[] = {
	[MK_MACHINE] = "machine",   [MK_FAMILY] = "family",
	[MK_VERSION] = "version",   [MK_ALIAS] = "alias",
	[MK_STATUS] = "status",     [MK_DERIVES] = "derives",
	[MK_SMP] = "smp",           [MK_MAX_CPUS] = "max-cpus",
	[MK_COMPAT] = "compat",
};

static const char *const status_names[] = {
	[PC_MACHINE_SUPPORTED] = "supported",
	[PC_MACHINE_DEPRECATED] = "deprecated",
	[PC_MACHINE_UNREGISTERED] = "unregistered",
};

/* Parser state beyond struct pc_machine: lines of once-only statements. */
struct machine_lines {
	int version, status, smp, max_cpus;
	size_t alloc_aliases, alloc_alias_lines;
	size_t alloc_arrays, alloc_array_lines;
};

static int machine_stmt(struct pc_machine *m, struct machine_lines *ml,
			struct lexer *lx, enum machine_key k,
			struct pc_err *err)
{
	const char *arg = lx->words[1];

	switch (k) {
	case MK_MACHINE:
		if (once(lx, &m->line, err))
			return -1;
		m->name = pc_xstrdup(arg);
		break;
	case MK_FAMILY:
		if (once(lx, &m->family_line, err))
			return -1;
		m->family = pc_xstrdup(arg);
		break;
	case MK_VERSION:
		if (once(lx, &ml->version, err))
			return -1;
		if (parse_version(arg, &m->version))
			return lx_error(lx, err,
					"bad version '%s' (expected N.N or N.N.N)",
					arg);
		break;
	case MK_ALIAS:
		PC_ALLOC_GROW(m->aliases, m->n_aliases + 1, ml->alloc_aliases);
		PC_ALLOC_GROW(m->alias_lines, m->n_aliases + 1,
			      ml->alloc_alias_lines);
		m->alias_lines[m->n_aliases] = lx->lineno;
		m->aliases[m->n_aliases++] = pc_xstrdup(arg);
		break;
	case MK_STATUS:
		if (once(lx, &ml->status, err))
			return -1;
		for (size_t i = 0; i < PC_ARRAY_SIZE(status_names); i++) {
			if (!strcmp(arg, status_names[i])) {
				m->status = (enum pc_machine_status)i;
				return 0;
			}
		}
		return lx_error(lx, err,
				"unknown status '%s' (expected supported, deprecated or unregistered)",
				arg);
	case MK_DERIVES:
		if (once(lx, &m->derives_line, err))
			return -1;
		m->derives = pc_xstrdup(arg);
		break;
	case MK_SMP:
		if (once(lx, &ml->smp, err))
			return -1;
		if (parse_int(arg, 1, MACHINE_MAX_CPUS, &m->smp))
			return lx_error(lx, err,
					"bad smp '%s' (expected an integer from 1 to %d)",
					arg, MACHINE_MAX_CPUS);
		break;
	case MK_MAX_CPUS:
		if (once(lx, &ml->max_cpus, err))
			return -1;
		if (parse_int(arg, 1, MACHINE_MAX_CPUS, &m->max_cpus))
			return lx_error(lx, err,
					"bad max-cpus '%s' (expected an integer from 1 to %d)",
					arg, MACHINE_MAX_CPUS);
		break;
	case MK_COMPAT:
		for (size_t i = 0; i < m->n_arrays; i++)
			if (!strcmp(m->arrays[i], arg))
				return lx_error(lx, err,
						"duplicate compat '%s' (first at line %d)",
						arg, m->array_lines[i]);
		PC_ALLOC_GROW(m->arrays, m->n_arrays + 1, ml->alloc_arrays);
		PC_ALLOC_GROW(m->array_lines, m->n_arrays + 1,
			      ml->alloc_array_lines);
		m->array_lines[m->n_arrays] = lx->lineno;
		m->arrays[m->n_arrays++] = pc_xstrdup(arg);
		break;
	}
	return 0;
}

static int machine_file_parse(struct pc_machine_set *set, struct lexer *lx,
			      struct pc_err *err)
{
	struct pc_machine *m = pc_xcalloc(1, sizeof(*m));
	struct machine_lines ml = { 0 };
	const char *missing = NULL;
	int r;

	m->path = pc_xstrdup(lx->path);
	m->status = PC_MACHINE_SUPPORTED;
	m->smp = 1;
	m->max_cpus = 1;	/* QEMU's MachineClass default */
	while ((r = lexer_next(lx, err)) > 0) {
		int k = lookup_keyword(lx, machine_keys,
				       PC_ARRAY_SIZE(machine_keys), err);

		if (k < 0 || expect_one_arg(lx, err) ||
		    machine_stmt(m, &ml, lx, (enum machine_key)k, err))
			goto fail;
	}
	if (r < 0)
		goto fail;
	if (!m->line)
		missing = "machine";
	else if (!m->family)
		missing = "family";
	else if (!ml.version)
		missing = "version";
	if (missing) {
		lx_error(lx, err,
			 "missing '%s' statement (expected machine, family and version before the end of the file)",
			 missing);
		goto fail;
	}
	if (m->smp > m->max_cpus) {
		lx->lineno = ml.smp ? ml.smp : ml.max_cpus;
		lx_error(lx, err, "smp %d exceeds max-cpus %d (expected at most %d)",
			 m->smp, m->max_cpus, m->max_cpus);
		goto fail;
	}
	PC_ALLOC_GROW(set->machines, set->n_machines + 1, set->alloc_machines);
	set->machines[set->n_machines++] = m;
	return 0;
fail:
	machine_free(m);
	return -1;
}

int pc_machines_load_file(struct pc_machine_set *set, const char *path,
			  struct pc_err *err)
{
	struct lexer *lx;
	char *buf;
	size_t len;
	int ret;

	if (!pc_str_ends_with(path, ".compat") &&
	    !pc_str_ends_with(path, ".family") &&
	    !pc_str_ends_with(path, ".machine"))
		return pc_err_set(err,
				  "%s: unknown descriptor file (expected a .family, .machine or .compat suffix)",
				  path);
	if (pc_read_file(path, MACHINE_MAX_FILE, &buf, &len, err))
		return -1;
	lx = pc_xcalloc(1, sizeof(*lx));
	lx->path = path;
	lx->buf = buf;
	lx->len = len;
	if (pc_str_ends_with(path, ".compat"))
		ret = compat_file_parse(set, lx, err);
	else if (pc_str_ends_with(path, ".family"))
		ret = family_file_parse(set, lx, err);
	else
		ret = machine_file_parse(set, lx, err);
	free(lx);
	free(buf);
	return ret;
}

/* ---- finalize: cross-file checks and chains ---- */

static int at_error(struct pc_err *err, const char *path, int line,
		    const char *fmt, ...) PC_PRINTF(4, 5);

/* "path:line: msg", or "path: msg" for objects built in code (line 0) */
static int at_error(struct pc_err *err, const char *path, int line,
		    const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (line > 0)
		pc_err_set(err, "%s:%d: %s", path ? path : "(built-in)", line,
			   sb.buf);
	else
		pc_err_set(err, "%s: %s", path ? path : "(built-in)", sb.buf);
	pc_strbuf_release(&sb);
	return -1;
}

static int line_at(const int *lines, size_t i)
{
	return lines ? lines[i] : 0;
}

enum name_kind { NAME_MACHINE, NAME_ALIAS, NAME_LATEST };

struct name_use {
	const char *name;
	enum name_kind kind;
	const char *owner;	/* machine or family */
	const char *path;
	int line;
	size_t seq;		/* order of appearance: later one is the duplicate */
};

static int name_use_cmp(const void *a, const void *b)
{
	const struct name_use *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void name_use_describe(struct pc_strbuf *sb, const struct name_use *u)
{
	switch (u->kind) {
	case NAME_MACHINE:
		pc_strbuf_addstr(sb, "the machine name");
		break;
	case NAME_ALIAS:
		pc_strbuf_addf(sb, "an alias of '%s'", u->owner);
		break;
	case NAME_LATEST:
		pc_strbuf_addf(sb, "the latest alias of family '%s'", u->owner);
		break;
	}
	if (u->line > 0)
		pc_strbuf_addf(sb, " at %s:%d", u->path, u->line);
	else
		pc_strbuf_addf(sb, " in %s", u->path ? u->path : "(built-in)");
}

/*
 * Machine names, aliases and family latest aliases share one namespace:
 * pc_machine_find() takes any of them.  Sorting finds duplicates in
 * O(n log n); the one reported is the earliest second use, so the message
 * does not depend on the sort.
 */
static int check_names(const struct pc_machine_set *set, struct pc_err *err)
{
	struct name_use *u, *dup = NULL, *first = NULL;
	size_t n = 0, cap = set->n_families;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (size_t i = 0; i < set->n_machines; i++)
		cap += 1 + set->machines[i]->n_aliases;
	u = pc_xcalloc(cap, sizeof(*u));
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];

		u[n] = (struct name_use){ m->name, NAME_MACHINE, m->name,
					  m->path, m->line, n };
		n++;
		for (size_t j = 0; j < m->n_aliases; j++) {
			u[n] = (struct name_use){ m->aliases[j], NAME_ALIAS,
						  m->name, m->path,
						  line_at(m->alias_lines, j), n };
			n++;
		}
	}
	for (size_t i = 0; i < set->n_families; i++) {
		const struct pc_family *f = set->families[i];

		if (!f->latest_alias)
			continue;
		u[n] = (struct name_use){ f->latest_alias, NAME_LATEST, f->name,
					  f->path, f->latest_alias_line, n };
		n++;
	}
	qsort(u, n, sizeof(*u), name_use_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(u[i].name, u[i - 1].name))
			continue;
		if (!dup || u[i].seq < dup->seq) {
			dup = &u[i];
			/* the first use of this name sorts first among equals */
			first = &u[i];
			while (first > u && !strcmp(first[-1].name, u[i].name))
				first--;
		}
	}
	if (dup) {
		name_use_describe(&sb, first);
		at_error(err, dup->path, dup->line,
			 "duplicate %s '%s' (already %s)",
			 dup->kind == NAME_MACHINE ? "machine" :
			 dup->kind == NAME_ALIAS ? "alias" : "latest alias",
			 dup->name, sb.buf);
		pc_strbuf_release(&sb);
	}
	free(u);
	return dup ? -1 : 0;
}

static const char *suggest_array(const struct pc_machine_set *set,
				 const char *name)
{
	const char **c = pc_xcalloc(set->n_arrays, sizeof(*c));
	const char *s;

	for (size_t i = 0; i < set->n_arrays; i++)
		c[i] = set->arrays[i]->name;
	s = pc_suggest(name, c, set->n_arrays);
	free(c);
	return s;
}

static int unknown_array(const struct pc_machine_set *set, const char *path,
			 int line, const char *name, struct pc_err *err)
{
	const char *near = suggest_array(set, name);

	if (near)
		return at_error(err, path, line,
				"unknown array '%s' (did you mean '%s'?)", name,
				near);
	return at_error(err, path, line,
			"unknown array '%s' (expected a file compat/%s.compat)",
			name, name);
}

static int check_references(const struct pc_machine_set *set,
			    struct pc_err *err)
{
	for (size_t i = 0; i < set->n_families; i++) {
		const struct pc_family *f = set->families[i];

		if (f->defaults && !pc_machine_find_array(set, f->defaults))
			return unknown_array(set, f->path, f->defaults_line,
					     f->defaults, err);
	}
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];
		const struct pc_machine *d;

		if (!find_family(set, m->family)) {
			const char **c = pc_xcalloc(set->n_families, sizeof(*c));
			const char *near;

			for (size_t j = 0; j < set->n_families; j++)
				c[j] = set->families[j]->name;
			near = pc_suggest(m->family, c, set->n_families);
			free(c);
			if (near)
				return at_error(err, m->path, m->family_line,
						"unknown family '%s' (did you mean '%s'?)",
						m->family, near);
			return at_error(err, m->path, m->family_line,
					"unknown family '%s' (expected a file %s.family)",
					m->family, m->family);
		}
		for (size_t j = 0; j < m->n_arrays; j++)
			if (!pc_machine_find_array(set, m->arrays[j]))
				return unknown_array(set, m->path,
						     line_at(m->array_lines, j),
						     m->arrays[j], err);
		if (!m->derives)
			continue;
		d = find_machine_name(set, m->derives);
		if (!d) {
			const char **c = pc_xcalloc(set->n_machines, sizeof(*c));
			const char *near;
			size_t nc = 0;

			/* a machine never derives from itself */
			for (size_t j = 0; j < set->n_machines; j++)
				if (set->machines[j] != m)
					c[nc++] = set->machines[j]->name;
			near = pc_suggest(m->derives, c, nc);
			free(c);
			if (near)
				return at_error(err, m->path, m->derives_line,
						"unknown machine '%s' in derives (did you mean '%s'?)",
						m->derives, near);
			return at_error(err, m->path, m->derives_line,
					"unknown machine '%s' in derives (expected a machine name)",
					m->derives);
		}
		/* the chain takes the defaults of the machine's own family */
		if (strcmp(d->family, m->family))
			return at_error(err, m->path, m->derives_line,
					"'%s' derives from '%s' of family '%s' (expected a %s machine)",
					m->name, d->name, d->family, m->family);
	}
	return 0;
}

/*
 * up[i] = index of the machine set->machines[i] derives from, or
 * set->n_machines for none.  Resolved once so that the walks below are
 * linear in the path length.
 */
static size_t *resolve_derives(const struct pc_machine_set *set)
{
	size_t *up = pc_xcalloc(set->n_machines, sizeof(*up));

	for (size_t i = 0; i < set->n_machines; i++) {
		const char *d = set->machines[i]->derives;

		up[i] = set->n_machines;
		for (size_t j = 0; d && j < set->n_machines; j++) {
			if (!strcmp(set->machines[j]->name, d)) {
				up[i] = j;
				break;
			}
		}
	}
	return up;
}

/*
 * Derivation must be acyclic.  Colouring walk: 1 = on the current path,
 * 2 = known to end.
 */
static int check_cycles(const struct pc_machine_set *set, const size_t *up,
			struct pc_err *err)
{
	size_t n = set->n_machines;
	unsigned char *state = pc_xcalloc(n ? n : 1, 1);
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		size_t k = i, last = i;

		while (k < n && state[k] == 0) {
			state[k] = 1;
			last = k;
			k = up[k];
		}
		if (k < n && state[k] == 1) {
			/* 'last' derives from 'k', which is on the path */
			struct pc_strbuf sb = PC_STRBUF_INIT;
			const struct pc_machine *m = set->machines[last];
			size_t c = k;

			do {
				pc_strbuf_addf(&sb, "%s -> ",
					       set->machines[c]->name);
				c = up[c];
			} while (c != k);
			pc_strbuf_addstr(&sb, set->machines[k]->name);
			at_error(err, m->path, m->derives_line,
				 "derivation cycle: %s", sb.buf);
			pc_strbuf_release(&sb);
			ret = -1;
		}
		for (k = i; k < n && state[k] != 2; k = up[k])
			state[k] = 2;
	}
	free(state);
	return ret;
}

/* Arrays were checked by check_references(); NULL adds nothing. */
static size_t array_size(const struct pc_compat_array *a)
{
	return a ? a->n_entries : 0;
}

static void chain_add_array(const struct pc_compat_entry **chain, size_t *n,
			    const struct pc_compat_array *a)
{
	for (size_t i = 0; i < array_size(a); i++)
		chain[(*n)++] = &a->entries[i];
}

/*
 * The chain of machine i: its family defaults, then the arrays along its
 * derivation path from the newest machine down to i itself.
 */
static void build_chain(const struct pc_machine_set *set, const size_t *up,
			size_t i)
{
	struct pc_machine *m = set->machines[i];
	const struct pc_family *f = find_family(set, m->family);
	const struct pc_compat_array *defaults = NULL;
	size_t *path = NULL;
	size_t depth = 0, alloc = 0, total = 0;

	if (f && f->defaults)
		defaults = pc_machine_find_array(set, f->defaults);
	total += array_size(defaults);
	for (size_t k = i; k < set->n_machines; k = up[k]) {
		const struct pc_machine *p = set->machines[k];

		PC_ALLOC_GROW(path, depth + 1, alloc);
		path[depth++] = k;
		for (size_t j = 0; j < p->n_arrays; j++)
			total += array_size(pc_machine_find_array(set, p->arrays[j]));
	}
	free(m->chain);
	free(m->chain_keys);
	m->chain_keys = NULL;
	m->chain = pc_xcalloc(total, sizeof(*m->chain));
	m->n_chain = 0;
	chain_add_array(m->chain, &m->n_chain, defaults);
	while (depth--) {
		const struct pc_machine *p = set->machines[path[depth]];

		for (size_t j = 0; j < p->n_arrays; j++)
			chain_add_array(m->chain, &m->n_chain,
					pc_machine_find_array(set, p->arrays[j]));
	}
	free(path);
}

int pc_machine_set_finalize(struct pc_machine_set *set, struct pc_err *err)
{
	size_t *up;

	if (check_names(set, err) || check_references(set, err))
		return -1;
	up = resolve_derives(set);
	if (check_cycles(set, up, err)) {
		free(up);
		return -1;
	}
	for (size_t i = 0; i < set->n_families; i++) {
		const struct pc_family *f = set->families[i];

		if (f->latest_alias && !pc_machine_latest(set, f->name)) {
			free(up);
			return at_error(err, f->path, f->latest_alias_line,
					"latest alias '%s' has no target (expected a supported or deprecated %s machine)",
					f->latest_alias, f->name);
		}
	}
	for (size_t i = 0; i < set->n_machines; i++) {
		/* a baseline reader filled this chain itself */
		if (set->machines[i]->owned)
			continue;
		build_chain(set, up, i);
	}
	free(up);
	pc_machine_set_index(set);
	return 0;
}

/* ---- directory loading ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct name_list {
	char **names;
	size_t n, alloc;
};

static void name_list_release(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

/*
 * The sorted file names in 'dir' ending in one of 'suffixes' (dot files
 * skipped).  A missing directory is an error unless 'optional'.
 */
static int list_dir(const char *dir, const char *const *suffixes, size_t ns,
		    bool optional, struct name_list *out, struct pc_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t seen = 0;

	if (!d) {
		if (optional && errno == ENOENT)
			return 0;
		return pc_err_setc(err, PC_E_IO,
				   "%s: cannot open machine directory: %s",
				   dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		if (++seen > MACHINE_MAX_DIRENTS) {
			closedir(d);
			return pc_err_setc(err, PC_E_LIMIT,
					   "%s: too many files (expected at most %d)",
					   dir, MACHINE_MAX_DIRENTS);
		}
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < ns; i++) {
			if (pc_str_ends_with(de->d_name, suffixes[i]) &&
			    strlen(de->d_name) > strlen(suffixes[i])) {
				PC_ALLOC_GROW(out->names, out->n + 1, out->alloc);
				out->names[out->n++] =
					pc_xasprintf("%s/%s", dir, de->d_name);
				break;
			}
		}
	}
	closedir(d);
	if (out->n)
		qsort(out->names, out->n, sizeof(*out->names), name_cmp);
	return 0;
}

int pc_machines_load_dir(struct pc_machine_set *set, const char *dir,
			 struct pc_err *err)
{
	static const char *const fam[] = { ".family" };
	static const char *const mach[] = { ".machine" };
	static const char *const comp[] = { ".compat" };
	struct name_list families = { 0 }, machines = { 0 }, compat = { 0 };
	char *compat_dir = pc_xasprintf("%s/compat", dir);
	int ret = -1;

	if (list_dir(dir, fam, 1, false, &families, err) ||
	    list_dir(dir, mach, 1, false, &machines, err) ||
	    list_dir(compat_dir, comp, 1, true, &compat, err))
		goto out;
	if (!machines.n) {
		pc_err_set(err,
			   "%s: no machine descriptors (expected *.machine files)",
			   dir);
		goto out;
	}
	for (size_t i = 0; i < families.n; i++)
		if (pc_machines_load_file(set, families.names[i], err))
			goto out;
	for (size_t i = 0; i < compat.n; i++)
		if (pc_machines_load_file(set, compat.names[i], err))
			goto out;
	for (size_t i = 0; i < machines.n; i++)
		if (pc_machines_load_file(set, machines.names[i], err))
			goto out;
	ret = pc_machine_set_finalize(set, err);
out:
	name_list_release(&families);
	name_list_release(&machines);
	name_list_release(&compat);
	free(compat_dir);
	return ret;
}

/* ---- queries ---- */

const struct pc_machine *pc_machine_latest(const struct pc_machine_set *set,
					   const char *family)
{
	const struct pc_machine *best = NULL;

	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];

		if (strcmp(m->family, family) ||
		    m->status == PC_MACHINE_UNREGISTERED)
			continue;
		if (!best || pc_version_cmp(&m->version, &best->version) > 0)
			best = m;
	}
	return best;
}

const struct pc_machine *pc_machine_find(const struct pc_machine_set *set,
					 const char *name)
{
	if (!name)
		return NULL;
	if (set->indexed && set->indexed == set->n_machines) {
		size_t at = pc_strmap_find(&set->names, name, strlen(name));

		if (at != SIZE_MAX)
			return set->machines[set->name_machine[at]];
	} else {
		for (size_t i = 0; i < set->n_machines; i++) {
			const struct pc_machine *m = set->machines[i];

			if (!strcmp(m->name, name))
				return m;
			for (size_t j = 0; j < m->n_aliases; j++)
				if (!strcmp(m->aliases[j], name))
					return m;
		}
	}
	for (size_t i = 0; i < set->n_families; i++) {
		const struct pc_family *f = set->families[i];

		if (f->latest_alias && !strcmp(f->latest_alias, name))
			return pc_machine_latest(set, f->name);
	}
	return NULL;
}

const char *pc_machine_suggest(const struct pc_machine_set *set,
			       const char *name)
{
	const char **c;
	const char *s;
	size_t n = 0, cap = set->n_families;

	if (!name)
		return NULL;
	for (size_t i = 0; i < set->n_machines; i++)
		cap += 1 + set->machines[i]->n_aliases;
	c = pc_xcalloc(cap, sizeof(*c));
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];

		c[n++] = m->name;
		for (size_t j = 0; j < m->n_aliases; j++)
			c[n++] = m->aliases[j];
	}
	for (size_t i = 0; i < set->n_families; i++)
		if (set->families[i]->latest_alias)
			c[n++] = set->families[i]->latest_alias;
	s = pc_suggest(name, c, n);
	free(c);
	return s;
}

int pc_machine_cmp_newest_first(const void *a, const void *b)
{
	const struct pc_machine *x = *(const struct pc_machine *const *)a;
	const struct pc_machine *y = *(const struct pc_machine *const *)b;
	int c = pc_version_cmp(&y->version, &x->version);

	if (c)
		return c;
	c = strcmp(x->family ? x->family : "", y->family ? y->family : "");
	if (c)
		return c;
	return strcmp(x->name, y->name);
}

bool pc_machine_known_in(const struct pc_machine *m,
			 const struct pc_version *r)
{
	return pc_version_cmp(&m->version, r) <= 0;
}

bool pc_compat_entry_in_release(const struct pc_compat_entry *e,
				const struct pc_version *r)
{
	if (e->has_until && pc_version_cmp(r, &e->until) >= 0)
		return false;
	/* no release known (a family default without since=): always */
	if (!e->has_since)
		return true;
	return pc_version_cmp(r, &e->since) >= 0;
}

const char *pc_machine_status_name(enum pc_machine_status s)
{
	switch (s) {
	case PC_MACHINE_SUPPORTED:
	case PC_MACHINE_DEPRECATED:
	case PC_MACHINE_UNREGISTERED:
		return status_names[s];
	}
	return "unknown";
}

size_t pc_machine_smp_set(const struct pc_machine *m, int *out, size_t max)
{
	int cand[4] = { 1, 2, 4, m->max_cpus > 0 ? m->max_cpus : 4 };
	size_t n = 0;

	for (size_t i = 0; i < 4 && n < max; i++) {
		bool dup = false;

		if (cand[i] < 1 || (m->max_cpus > 0 && cand[i] > m->max_cpus))
			continue;
		for (size_t j = 0; j < n; j++)
			dup |= out[j] == cand[i];
		if (!dup)
			out[n++] = cand[i];
	}
	return n;
}
