/*
 * known-breaks.c - acknowledged migration breaks (known-breaks.h): the
 * reader of abi/known-breaks, the match of a finding against its entries,
 * and stale acknowledgements.
 */
#include "known-breaks.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ------------------------------------------------------------ reading */

static char *kb_word(char **p)
{
	char *s = *p, *out;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	while (*s && *s != ' ' && *s != '\t') {
		if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1])
					s++;
				pc_strbuf_addch(&sb, *s++);
			}
			if (*s != '"') {
				pc_strbuf_release(&sb);
				*p = s;
				return pc_xstrdup("\x01unterminated");
			}
			s++;
			continue;
		}
		pc_strbuf_addch(&sb, *s++);
	}
	*p = s;
	out = pc_strbuf_detach(&sb);
	return out;
}

static void kb_release_one(struct pc_known_break *b)
{
	free(b->rule);
	free(b->device);
	for (size_t j = 0; j < b->n_paths; j++)
		free(b->paths[j]);
	free(b->paths);
	for (size_t j = 0; j < b->n_machines; j++)
		free(b->machines[j]);
	free(b->machines);
	free(b->release);
	free(b->reason);
	free(b->mitigation);
	free(b->origin);
	for (size_t j = 0; j < b->n_scopes; j++) {
		free(b->scopes[j].release);
		free(b->scopes[j].other);
		free(b->scopes[j].machine);
		free(b->scopes[j].hit);
		free(b->scopes[j].elsewhere);
	}
	free(b->scopes);
	memset(b, 0, sizeof(*b));
}

/* Split a comma-separated value into 'out'; an empty item is an error. */
static int kb_list(const char *v, char ***out, size_t *n)
{
	const char *s = v;

	for (;;) {
		const char *c = strchr(s, ',');
		size_t l = c ? (size_t)(c - s) : strlen(s);

		if (!l)
			return -1;
		*out = pc_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = pc_xstrndup(s, l);
		if (!c)
			return 0;
		s = c + 1;
	}
}

/* Every item of a comma-separated rule list is a rule of the catalogue
 * that a finding can be acknowledged for; returns the first bad one. */
static char *kb_bad_rule(const char *v)
{
	char **ids = NULL;
	size_t n = 0;
	char *bad = NULL;

	if (kb_list(v, &ids, &n))
		bad = pc_xstrdup("");
	for (size_t i = 0; i < n; i++) {
		bool ok = false;

		for (int r = 0; r < PC_R__COUNT && !ok; r++)
			ok = r != PC_R_KNOWN_STALE &&
			     !strcmp(pc_rule_info((enum pc_rule)r)->id, ids[i]);
		if (!ok && !bad)
			bad = pc_xstrdup(ids[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return bad;
}

/* machines=..X.Y (up to that version) or machines=NAME,NAME... */
static int kb_machines(struct pc_known_break *b, const char *v,
		       const char *path, int lineno, struct pc_err *err)
{
	if (pc_str_starts_with(v, "..")) {
		if (pc_version_parse(v + 2, &b->max))
			return pc_err_set(err, "%s:%d: bad version in machines=%s (expected ..X.Y)",
					  path, lineno, v);
		b->has_max = true;
		return 0;
	}
	if (kb_list(v, &b->machines, &b->n_machines))
		return pc_err_set(err, "%s:%d: empty item in machines=%s (expected ..X.Y or machine names, comma-separated)",
				  path, lineno, v);
	return 0;
}

/* One KEY=VALUE word of a break line; each key at most once. */
static int kb_key(struct pc_known_break *b, char *w, const char *path,
		  int lineno, struct pc_err *err)
{
	char *eq = strchr(w, '='), *v;

	if (w[0] == '\x01')
		return pc_err_set(err, "%s:%d: unterminated quote", path, lineno);
	if (!eq)
		return pc_err_set(err, "%s:%d: expected KEY=VALUE, found '%s'",
				  path, lineno, w);
	*eq = '\0';
	v = eq + 1;
	if (!strcmp(w, "rule") && !b->rule) {
		b->rule = pc_xstrdup(v);
	} else if (!strcmp(w, "device") && !b->device) {
		b->device = pc_xstrdup(v);
	} else if (!strcmp(w, "path") && !b->n_paths) {
		if (kb_list(v, &b->paths, &b->n_paths))
			return pc_err_set(err, "%s:%d: empty item in path=%s (expected exact field or property paths, comma-separated)",
					  path, lineno, v);
	} else if (!strcmp(w, "release") && !b->release) {
		b->release = pc_xstrdup(v);
	} else if (!strcmp(w, "reason") && !b->reason) {
		b->reason = pc_xstrdup(v);
	} else if (!strcmp(w, "mitigation") && !b->mitigation) {
		b->mitigation = pc_xstrdup(v);
	} else if (!strcmp(w, "machines") && !b->has_max && !b->n_machines) {
		return kb_machines(b, v, path, lineno, err);
	} else {
		return pc_err_set(err, "%s:%d: unknown or repeated key '%s' (expected rule, device, path, machines, release, reason, mitigation)",
				  path, lineno, w);
	}
	return 0;
}

/* A parsed break has every required key, known rules and no empty item. */
static int kb_validate(const struct pc_known_break *b, const char *path,
		       int lineno, struct pc_err *err)
{
	char **rel = NULL;
	size_t nrel = 0;
	char *bad;
	int r;

	if (!b->rule || !b->device || !b->release || !b->reason ||
	    (!b->has_max && !b->n_machines))
		return pc_err_set(err, "%s:%d: a break needs rule=, device=, path=, machines=, release= and reason=",
				  path, lineno);
	if (!b->n_paths)
		return pc_err_set(err, "%s:%d: a break needs path=, the exact field or property path of the findings it acknowledges (e.g. path=parent_obj.aer-uncor-mask): without it, it would cover any break on %s",
				  path, lineno, b->device);
	if ((bad = kb_bad_rule(b->rule)) != NULL) {
		pc_err_set(err, "%s:%d: %s '%s' in rule=%s (expected rule IDs of the catalogue, comma-separated, e.g. rule=PC401)",
			   path, lineno, *bad ? "unknown rule" : "empty item",
			   bad, b->rule);
		free(bad);
		return -1;
	}
	r = kb_list(b->release, &rel, &nrel);
	for (size_t i = 0; i < nrel; i++)
		free(rel[i]);
	free(rel);
	if (r)
		return pc_err_set(err, "%s:%d: empty item in release=%s (expected release labels, comma-separated)",
				  path, lineno, b->release);
	return 0;
}

/* "break KEY=VALUE..." after the leading blanks: the break into 'b'. */
static int kb_parse_break(char *p, struct pc_known_break *b, const char *path,
			  int lineno, struct pc_err *err)
{
	char *w = kb_word(&p);

	if (!w || strcmp(w, "break")) {
		pc_err_set(err, "%s:%d: expected 'break', found '%s'", path,
			   lineno, w ? w : "");
		free(w);
		return -1;
	}
	free(w);
	b->origin = pc_xasprintf("%s:%d", path, lineno);
	while ((w = kb_word(&p)) != NULL) {
		int r = kb_key(b, w, path, lineno, err);

		free(w);
		if (r)
			return -1;
	}
	return kb_validate(b, path, lineno, err);
}

int pc_known_breaks_load(const char *path, struct pc_known_breaks *kb,
			 struct pc_err *err)
{
	char *text, *line, *next;
	size_t len;
	int lineno = 0;

	assert(path && kb);
	memset(kb, 0, sizeof(*kb));
	if (pc_read_file(path, 4u << 20, &text, &len, err))
		return -1;
	if (memchr(text, '\0', len)) {
		free(text);
		return pc_err_set(err, "%s: binary data (NUL byte) in the known-breaks file",
				  path);
	}
	for (line = text; line && *line; line = next) {
		struct pc_known_break b;
		char *p;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p || *p == '#')
			continue;
		memset(&b, 0, sizeof(b));
		if (kb_parse_break(p, &b, path, lineno, err)) {
			kb_release_one(&b);
			goto fail;
		}
		PC_ALLOC_GROW(kb->items, kb->n + 1, kb->alloc);
		kb->items[kb->n++] = b;
	}
	free(text);
	return 0;
fail:
	free(text);
	pc_known_breaks_release(kb);
	return -1;
}

void pc_known_breaks_release(struct pc_known_breaks *kb)
{
	for (size_t i = 0; i < kb->n; i++)
		kb_release_one(&kb->items[i]);
	free(kb->items);
	memset(kb, 0, sizeof(*kb));
}

/* ------------------------------------------------------------ matching */

/* 'item' in a comma-separated 'list'? */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && !strncmp(p, item, n))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

static bool kb_machine_match(const struct pc_known_break *b,
			     const struct pc_machine *m)
{
	if (b->has_max)
		return pc_version_cmp(&m->version, &b->max) <= 0;
	for (size_t i = 0; i < b->n_machines; i++) {
		if (!strcmp(b->machines[i], m->name))
			return true;
		for (size_t j = 0; j < m->n_aliases; j++)
			if (!strcmp(b->machines[i], m->aliases[j]))
				return true;
	}
	return false;
}

bool pc_known_break_in_scope(const struct pc_known_break *b,
			     const struct pc_machine *m, const char *release)
{
	return kb_machine_match(b, m) && in_list(b->release, release);
}

/*
 * The entry's path that a finding path is: equal to it, or to the field
 * path before the location a finding adds (" (config+0x108)").  Exact,
 * never a prefix or substring.  SIZE_MAX for none.
 */
static size_t kb_path_index(const struct pc_known_break *b, const char *fpath)
{
	if (!fpath)
		return SIZE_MAX;
	for (size_t i = 0; i < b->n_paths; i++) {
		size_t l = strlen(b->paths[i]);

		if (!strncmp(fpath, b->paths[i], l) &&
		    (!fpath[l] || (fpath[l] == ' ' && fpath[l + 1] == '(')))
			return i;
	}
	return SIZE_MAX;
}

static struct pc_known_scope *kb_scope(struct pc_known_break *b,
				       const struct pc_machine *m,
				       const char *src, const char *dst)
{
	for (size_t i = 0; i < b->n_scopes; i++) {
		struct pc_known_scope *s = &b->scopes[i];

		if (strcmp(s->machine, m->name))
			continue;
		if ((!strcmp(s->release, src) && !strcmp(s->other, dst)) ||
		    (!strcmp(s->release, dst) && !strcmp(s->other, src)))
			return s;
	}
	return NULL;
}

void pc_known_break_cover(struct pc_known_break *b, const char *release,
			  const char *other, const struct pc_machine *m)
{
	struct pc_known_scope *s = kb_scope(b, m, release, other);

	if (s)
		return;
	PC_ALLOC_GROW(b->scopes, b->n_scopes + 1, b->alloc_scopes);
	s = &b->scopes[b->n_scopes++];
	memset(s, 0, sizeof(*s));
	s->release = pc_xstrdup(release);
	s->other = pc_xstrdup(other);
	s->machine = pc_xstrdup(m->name);
	s->hit = pc_xcalloc(b->n_paths + 1, sizeof(*s->hit));
}

/* Remember a finding of the entry's rules on its device type at a path it
 * does not cover (at most a few, once each). */
static void kb_note_elsewhere(struct pc_known_break *b,
			      const struct pc_machine *m, const char *src,
			      const char *dst, const char *rule,
			      const struct pc_finding *f)
{
	struct pc_known_scope *s = kb_scope(b, m, src, dst);
	char *item;
	size_t count = 1;

	if (!s)
		return;
	item = pc_xasprintf("%s at %s %s", rule, f->device ? f->device : "?",
			    f->path ? f->path : "?");
	if (s->elsewhere) {
		for (const char *p = s->elsewhere; (p = strstr(p, "; ")) != NULL; p += 2)
			count++;
		if (strstr(s->elsewhere, item) || count >= 3) {
			free(item);
			return;
		}
		{
			char *n = pc_xasprintf("%s; %s", s->elsewhere, item);

			free(s->elsewhere);
			s->elsewhere = n;
		}
		free(item);
		return;
	}
	s->elsewhere = item;
}

/* A finding that refuses a section whole: its content is not compared. */
static bool refuses_section(enum pc_rule r)
{
	return r == PC_R_SECTION_MISSING || r == PC_R_SECTION_UNSENT ||
	       r == PC_R_VERSION_TOO_NEW || r == PC_R_VERSION_TOO_OLD ||
	       r == PC_R_DESC_RENAMED;
}

/* The scopes of the entries of 'type' for the pair that a section
 * refused whole hides (pc_known_breaks_stale() draws no conclusion
 * there: a cascade, not a stale entry). */
static void mask_scopes(struct pc_known_breaks *kb, const struct pc_type *type,
			const struct pc_machine *m, const char *src,
			const char *dst)
{
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];
		struct pc_known_scope *s;

		if (!pc_type_is_a(type, b->device) || !kb_machine_match(b, m))
			continue;
		s = kb_scope(b, m, src, dst);
		if (s)
			s->masked = true;
	}
}

bool pc_known_breaks_match(struct pc_known_breaks *kb,
			   const struct pc_type *type,
			   const struct pc_machine *m, const char *src,
			   const char *dst, struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);

	if (!kb || !type || !ri)
		return false;
	if (refuses_section(f->rule))
		mask_scopes(kb, type, m, src, dst);
	/* every entry of its rule and device type for the pair: the one
	 * that names the finding's path acknowledges it */
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];
		struct pc_known_scope *s;
		size_t pi;

		if (!in_list(b->rule, ri->id) || !pc_type_is_a(type, b->device))
			continue;
		if (!kb_machine_match(b, m))
			continue;
		if (!in_list(b->release, src) && !in_list(b->release, dst))
			continue;
		pi = kb_path_index(b, f->path);
		if (pi == SIZE_MAX)
			continue;
		b->matched++;
		kb->last = b;
		s = kb_scope(b, m, src, dst);
		if (s)
			s->hit[pi] = true;
		f->known = true;
		f->known_reason = b->mitigation
			? pc_xasprintf("%s (%s); mitigation: %s", b->reason,
				       b->origin, b->mitigation)
			: pc_xasprintf("%s (%s)", b->reason, b->origin);
		f->known_by = pc_xstrdup(b->origin);
		return true;
	}
	/* not acknowledged: the entries it came close to say so if stale */
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];

		if (in_list(b->rule, ri->id) && pc_type_is_a(type, b->device) &&
		    kb_machine_match(b, m) &&
		    (in_list(b->release, src) || in_list(b->release, dst)))
			kb_note_elsewhere(b, m, src, dst, ri->id, f);
	}
	return false;
}

/* ------------------------------------------------------------ staleness */

size_t pc_known_breaks_stale(const struct pc_known_breaks *kb,
			     struct pc_report *r)
{
	size_t added = 0;

	if (!kb)
		return 0;
	for (size_t i = 0; i < kb->n; i++) {
		const struct pc_known_break *b = &kb->items[i];

		for (size_t k = 0; k < b->n_scopes; k++) {
			const struct pc_known_scope *s = &b->scopes[k];
			struct pc_strbuf paths = PC_STRBUF_INIT, why = PC_STRBUF_INIT;
			struct pc_finding f;
			char *fix;
			size_t missing = 0;

			for (size_t p = 0; p < b->n_paths; p++) {
				if (s->hit[p])
					continue;
				pc_strbuf_addf(&paths, "%s%s", missing ? ", " : "",
					       b->paths[p]);
				missing++;
			}
			if (!missing || s->masked) {
				pc_strbuf_release(&paths);
				continue;
			}
			pc_strbuf_addf(&why, "%s: no finding %s at %s %s between %s and %s on %s (either direction): the %s no longer shows it",
				       b->origin, b->rule, b->device, paths.buf,
				       s->release, s->other, s->machine, s->other);
			if (s->elsewhere)
				pc_strbuf_addf(&why, "; it shows %s instead, which the entry does not cover",
					       s->elsewhere);
			fix = pc_xasprintf("remove the entry %s if the break is gone, or correct its rule=, path=, release= or machines= to what the run shows (stale acknowledgements rot)",
					   b->origin);
			memset(&f, 0, sizeof(f));
			f.rule = PC_R_KNOWN_STALE;
			f.severity = pc_rule_info(PC_R_KNOWN_STALE)->severity;
			f.machine = s->machine;
			f.src = s->release;
			f.dst = s->other;
			f.device = b->device;
			f.path = paths.buf;
			f.src_value = "acknowledged";
			f.dst_value = "no finding";
			f.why = why.buf;
			f.fix = fix;
			pc_report_add(r, &f);
			added++;
			free(fix);
			pc_strbuf_release(&paths);
			pc_strbuf_release(&why);
		}
	}
	return added;
}
