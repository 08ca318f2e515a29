/*
 * finding.c - the rule catalogue and reports.  The catalogue's table
 * (rule-table.h) is the single source of rule IDs, slugs, severities,
 * families and fix kinds; Documentation/rules.md describes each rule with
 * an example and the fix.
 */
#include "finding.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define PC_RULE_INFO(name, id, slug, sev, also, family, fix, title) \
	[PC_R_##name] = { id, slug, sev, title, also, family, fix },
static const struct pc_rule_info rules[PC_R__COUNT] = {
	PC_RULE_TABLE(PC_RULE_INFO)
};
#undef PC_RULE_INFO

const struct pc_rule_info *pc_rule_info(enum pc_rule r)
{
	if ((unsigned)r >= PC_R__COUNT)
		return NULL;
	return &rules[r];
}

enum pc_severity pc_subsection_severity(enum pc_rule r, bool runtime)
{
	if (r == PC_R_SUBSECTION_UNKNOWN)
		return runtime ? PC_SEV_REVIEW : PC_SEV_INCOMPATIBLE;
	if (r == PC_R_SUBSECTION_REQUIRED)
		return PC_SEV_INFO;
	return rules[r].severity;
}

bool pc_rule_allows(enum pc_rule r, enum pc_severity s)
{
	const struct pc_rule_info *ri = pc_rule_info(r);

	return ri && (ri->severity == s || (ri->also & PC_SEV_BIT(s)));
}

const char *pc_severity_name(enum pc_severity s)
{
	switch (s) {
	case PC_SEV_INFO:
		return "info";
	case PC_SEV_REVIEW:
		return "needs-review";
	case PC_SEV_INCOMPATIBLE:
		return "incompatible";
	}
	return "?";
}

const char *pc_rule_family_name(enum pc_rule_family f)
{
	switch (f) {
	case PC_FAMILY_SECTIONS:
		return "sections";
	case PC_FAMILY_VERSIONS:
		return "versions";
	case PC_FAMILY_FIELDS:
		return "fields";
	case PC_FAMILY_SUBSECTIONS:
		return "subsections";
	case PC_FAMILY_INVARIANTS:
		return "invariants";
	case PC_FAMILY_PROPERTIES:
		return "properties";
	case PC_FAMILY_MACHINES:
		return "machines";
	case PC_FAMILY_HOSTS:
		return "hosts";
	case PC_FAMILY_LINT:
		return "lint";
	case PC_FAMILY_STREAM:
		return "stream";
	case PC_FAMILY_KNOWN_BREAKS:
		return "known-breaks";
	}
	return "?";
}

const char *pc_fix_kind_name(enum pc_fix_kind k)
{
	switch (k) {
	case PC_FIX_COMPAT_LINE:
		return "compat-line";
	case PC_FIX_DECLARATION:
		return "declaration";
	case PC_FIX_CONFIGURATION:
		return "configuration";
	case PC_FIX_COMPAT_ENTRY:
		return "compat-entry";
	case PC_FIX_KNOWN_BREAKS:
		return "known-breaks";
	case PC_FIX_REVIEW:
		return "review";
	}
	return "?";
}

void pc_report_init(struct pc_report *r)
{
	memset(r, 0, sizeof(*r));
}

static char *dup_or_null(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

static void finding_free_strings(struct pc_finding *f)
{
	free((char *)(uintptr_t)f->machine);
	free((char *)(uintptr_t)f->src);
	free((char *)(uintptr_t)f->dst);
	free((char *)(uintptr_t)f->config);
	free((char *)(uintptr_t)f->device);
	free((char *)(uintptr_t)f->path);
	free((char *)(uintptr_t)f->src_value);
	free((char *)(uintptr_t)f->dst_value);
	free((char *)(uintptr_t)f->why);
	free((char *)(uintptr_t)f->fix);
	free((char *)(uintptr_t)f->fix_file);
	free((char *)(uintptr_t)f->fix_line);
	free((char *)(uintptr_t)f->fix_override);
	free((char *)(uintptr_t)f->known_reason);
	free((char *)(uintptr_t)f->known_by);
	free((char *)(uintptr_t)f->chain_hop);
	free((char *)(uintptr_t)f->type);
	free((char *)(uintptr_t)f->cause);
	free((char *)(uintptr_t)f->cause_why);
	free((char *)(uintptr_t)f->condition);
	free((char *)(uintptr_t)f->vm_config);
	free((char *)(uintptr_t)f->entry_at.file);
	free((char *)(uintptr_t)f->decl_at.file);
	free((char *)(uintptr_t)f->decl_text_at.file);
}

void pc_report_release(struct pc_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_free_strings(&r->items[i]);
	free(r->items);
	free(r->ix.head);
	free(r->ix.next);
	pc_report_init(r);
}

void pc_report_add(struct pc_report *r, const struct pc_finding *f)
{
	struct pc_finding *d;

	PC_ALLOC_GROW(r->items, r->n + 1, r->alloc);
	d = &r->items[r->n++];
	*d = *f;
	d->machine = dup_or_null(f->machine);
	d->src = dup_or_null(f->src);
	d->dst = dup_or_null(f->dst);
	d->config = dup_or_null(f->config);
	d->device = dup_or_null(f->device);
	d->path = dup_or_null(f->path);
	d->src_value = dup_or_null(f->src_value);
	d->dst_value = dup_or_null(f->dst_value);
	d->why = dup_or_null(f->why);
	d->fix = dup_or_null(f->fix);
	d->fix_file = dup_or_null(f->fix_file);
	d->fix_line = dup_or_null(f->fix_line);
	d->fix_override = dup_or_null(f->fix_override);
	d->known_reason = dup_or_null(f->known_reason);
	d->known_by = dup_or_null(f->known_by);
	d->chain_hop = dup_or_null(f->chain_hop);
	d->type = dup_or_null(f->type);
	d->cause = dup_or_null(f->cause);
	d->cause_why = dup_or_null(f->cause_why);
	d->condition = dup_or_null(f->condition);
	d->vm_config = dup_or_null(f->vm_config);
	d->entry_at.file = dup_or_null(f->entry_at.file);
	d->decl_at.file = dup_or_null(f->decl_at.file);
	d->decl_text_at.file = dup_or_null(f->decl_text_at.file);
}

void pc_emit(const struct pc_emitter *e, const struct pc_hit *h)
{
	struct pc_finding f;

	assert(e->report && pc_rule_info(h->rule));
	memset(&f, 0, sizeof(f));
	f.rule = h->rule;
	f.severity = h->severity;
	f.machine = e->machine;
	f.src = e->src;
	f.dst = e->dst;
	f.config = e->config;
	f.chain_hop = e->hop;
	f.device = h->device;
	f.path = h->path;
	f.src_value = h->src_value;
	f.dst_value = h->dst_value;
	f.why = h->why;
	f.fix = h->fix;
	f.fix_override = h->fix_override;
	f.condition = h->condition;
	if (e->finish)
		e->finish(e->data, h, &f);
	else
		pc_report_add(e->report, &f);
}

size_t pc_report_count(const struct pc_report *r, enum pc_severity min_sev)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (!r->items[i].known && r->items[i].severity >= min_sev)
			n++;
	return n;
}

bool pc_report_fails(const struct pc_report *r)
{
	return pc_report_count(r, PC_SEV_INCOMPATIBLE) > 0;
}

/* A finding's first lines: rule, direction, machine, configurations;
 * where; both values; the cause. */
static void format_head(const struct pc_finding *f, struct pc_strbuf *out)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);

	pc_strbuf_addf(out, "  %s %s [%s]%s", ri ? ri->id : "?",
		       pc_severity_name(f->severity), ri ? ri->slug : "?",
		       f->known ? " (known break)" : "");
	if (f->src || f->dst)
		pc_strbuf_addf(out, " %s -> %s", f->src ? f->src : "?",
			       f->dst ? f->dst : "?");
	if (f->machine)
		pc_strbuf_addf(out, " on %s", f->machine);
	if (f->config)
		pc_strbuf_addf(out, " (%s)", f->config);
	if (f->chain_hop)
		pc_strbuf_addf(out, " [hop %s]", f->chain_hop);
	pc_strbuf_addch(out, '\n');
	if (f->vm_config)
		pc_strbuf_addf(out, "      configuration: %s\n", f->vm_config);
	if (f->device || f->path)
		pc_strbuf_addf(out, "      at: %s%s%s\n", f->device ? f->device : "",
			       f->device && f->path ? " " : "",
			       f->path ? f->path : "");
	if (f->src_value || f->dst_value)
		pc_strbuf_addf(out, "      source: %s\n      destination: %s\n",
			       f->src_value ? f->src_value : "(absent)",
			       f->dst_value ? f->dst_value : "(absent)");
	if (f->cause_why)
		pc_strbuf_addf(out, "      cause: %s\n", f->cause_why);
}

char *pc_override_qemu(const char *override)
{
	static const char pre[] = "--dst-global ";

	if (!override || strncmp(override, pre, sizeof(pre) - 1))
		return NULL;
	return pc_xasprintf("-global %s", override + sizeof(pre) - 1);
}

/* Does the fix text already name the override? */
static bool fix_names(const struct pc_finding *f)
{
	return f->fix && f->fix_override && strstr(f->fix, f->fix_override);
}

/* "-global T.P=V (plugcheck: --dst-global T.P=V)": QEMU's spelling first */
static void add_override(struct pc_strbuf *out, const char *override)
{
	char *q = pc_override_qemu(override);

	if (q)
		pc_strbuf_addf(out, "%s (plugcheck: %s)", q, override);
	else
		pc_strbuf_addstr(out, override);
	free(q);
}

void pc_finding_format(const struct pc_finding *f, struct pc_strbuf *out)
{
	format_head(f, out);
	if (f->why)
		pc_strbuf_addf(out, "      why: %s\n", f->why);
	if (f->fix)
		pc_strbuf_addf(out, "      fix: %s\n", f->fix);
	if (f->fix_line && f->fix_file)
		pc_strbuf_addf(out, "           add to %s: %s\n", f->fix_file,
			       f->fix_line);
	if (f->fix_override && !fix_names(f)) {
		pc_strbuf_addstr(out, "           or start the destination with ");
		add_override(out, f->fix_override);
		pc_strbuf_addch(out, '\n');
	}
	if (f->known && f->known_reason)
		pc_strbuf_addf(out, "      acknowledged: %s\n", f->known_reason);
}

/* ------------------------------------------------------------ groups */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static bool same_str0(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The grouping key of a finding (allocated). */
static char *group_key(const struct pc_finding *f)
{
	if (f->cause)
		return pc_xasprintf("%d\x1f%s\x1fP\x1f%s\x1f%s\x1f%s", f->known,
				    nz(f->known_reason), f->cause,
				    nz(f->fix_file), nz(f->fix_line));
	return pc_xasprintf("%d\x1f%s\x1f" "A\x1f%s\x1f%s\x1f%s\x1f%s", f->known,
			    nz(f->known_reason), f->type ? f->type : nz(f->device),
			    nz(f->path), nz(f->fix), nz(f->fix_line));
}

size_t pc_report_group(const struct pc_report *r, const bool *keep,
		       size_t *group_of)
{
	char **keys = pc_xcalloc(r->n + 1, sizeof(*keys));
	size_t ng = 0;

	for (size_t i = 0; i < r->n; i++) {
		char *k;
		size_t g;

		group_of[i] = SIZE_MAX;
		if (keep && !keep[i])
			continue;
		k = group_key(&r->items[i]);
		for (g = 0; g < ng && strcmp(keys[g], k); g++)
			;
		if (g == ng)
			keys[ng++] = k;
		else
			free(k);
		group_of[i] = g;
	}
	for (size_t g = 0; g < ng; g++)
		free(keys[g]);
	free(keys);
	return ng;
}

char *pc_finding_cause_label(const struct pc_finding *f)
{
	if (f->cause)
		return pc_xstrdup(f->cause);
	return pc_xasprintf("%s%s%s", f->type ? f->type : nz(f->device),
			    (f->type || f->device) && f->path ? " " : "",
			    nz(f->path));
}

/* A list of distinct strings, in order of first appearance. */
struct uniq {
	const char **s;
	size_t n;
};

static void uniq_add(struct uniq *u, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->s[i], s))
			return;
	u->s[u->n++] = s;
}

/* "a, b, c" of at most 'limit' items, then "and N more" */
static void uniq_print(const struct uniq *u, size_t limit, const char *sep,
		       struct pc_strbuf *out)
{
	for (size_t i = 0; i < u->n && i < limit; i++)
		pc_strbuf_addf(out, "%s%s", i ? sep : "", u->s[i]);
	if (u->n > limit)
		pc_strbuf_addf(out, "%sand %zu more (-v lists all)", sep,
			       u->n - limit);
}

/* Why in at most two lines: cut at a clause boundary. */
#define WHY_SHORT 180

static void short_why(const char *why, struct pc_strbuf *out)
{
	size_t len = strlen(why), cut = WHY_SHORT;

	if (len <= WHY_SHORT + 40) {
		pc_strbuf_addstr(out, why);
		return;
	}
	for (size_t i = WHY_SHORT; i > WHY_SHORT / 3; i--)
		if (why[i] == ';' || (why[i] == ' ' && cut == WHY_SHORT)) {
			cut = i;
			if (why[i] == ';')
				break;
		}
	pc_strbuf_add(out, why, cut);
	pc_strbuf_addstr(out, " ... (-v: the full provenance)");
}

/*
 * Count finding g's direction into 'dirs': "A -> B", or "A <-> B" once
 * both directions of a pair show.  Returns the text it added (owned by
 * the caller, who frees it after 'dirs'), or NULL; *more is true when the
 * group gained a direction.
 */
static char *group_direction(struct uniq *dirs, const struct pc_finding *g,
			     bool *more)
{
	char *fwd = pc_xasprintf("%s -> %s", nz(g->src), nz(g->dst));
	char *rev = pc_xasprintf("%s -> %s", nz(g->dst), nz(g->src));
	char *b1 = pc_xasprintf("%s <-> %s", nz(g->dst), nz(g->src));
	char *b2 = pc_xasprintf("%s <-> %s", nz(g->src), nz(g->dst));
	char *added = NULL;
	size_t j;

	*more = false;
	for (j = 0; j < dirs->n; j++)
		if (!strcmp(dirs->s[j], fwd) || !strcmp(dirs->s[j], b1) ||
		    !strcmp(dirs->s[j], b2) || !strcmp(dirs->s[j], rev))
			break;
	if (j == dirs->n) {
		dirs->s[dirs->n++] = added = fwd;
		fwd = NULL;
		*more = true;
	} else if (!strcmp(dirs->s[j], rev)) {
		dirs->s[j] = added = b1;
		b1 = NULL;
		*more = true;
	}
	free(fwd);
	free(rev);
	free(b1);
	free(b2);
	return added;
}

/* Each rule of the group (rls, as rtext[k] names finding k's) with the
 * places it shows at. */
static void format_rule_places(const struct pc_report *r, const size_t *idx,
			       size_t n, char *const *rtext,
			       const struct uniq *rls, struct pc_strbuf *out)
{
	for (size_t q = 0; q < rls->n; q++) {
		struct uniq at = { pc_xcalloc(n + 1, sizeof(char *)), 0 };
		char **attext = pc_xcalloc(n + 1, sizeof(char *));

		for (size_t k = 0; k < n; k++) {
			const struct pc_finding *g = &r->items[idx[k]];

			if (strcmp(rtext[k], rls->s[q]))
				continue;
			attext[k] = pc_xasprintf("%s%s%s", nz(g->device),
						 g->device && g->path ? " " : "",
						 nz(g->path));
			uniq_add(&at, attext[k]);
		}
		pc_strbuf_addf(out, "        %s at ", rls->s[q]);
		uniq_print(&at, 6, "; ", out);
		pc_strbuf_addch(out, '\n');
		for (size_t k = 0; k < n; k++)
			free(attext[k]);
		free(attext);
		free(at.s);
	}
}

/* The collections of a group's "seen in" lines (each string owned by
 * the arrays below them, freed by seen_release()). */
struct seen {
	struct uniq dirs, machines, configs, rls;
	char **dirtext, **rtext, **cfg;
	size_t n, ndirs;
};

static void seen_collect(struct seen *s, const struct pc_report *r,
			 const size_t *idx, size_t n)
{
	s->n = n;
	s->ndirs = 0;
	s->dirs = (struct uniq){ pc_xcalloc(n + 1, sizeof(char *)), 0 };
	s->machines = (struct uniq){ pc_xcalloc(n + 1, sizeof(char *)), 0 };
	s->configs = (struct uniq){ pc_xcalloc(n * 8 + 1, sizeof(char *)), 0 };
	s->rls = (struct uniq){ pc_xcalloc(n + 1, sizeof(char *)), 0 };
	s->dirtext = pc_xcalloc(n + 1, sizeof(char *));
	s->rtext = pc_xcalloc(n + 1, sizeof(char *));
	s->cfg = pc_xcalloc(n + 1, sizeof(char *));
	for (size_t k = 0; k < n; k++) {
		const struct pc_finding *g = &r->items[idx[k]];
		const struct pc_rule_info *gi = pc_rule_info(g->rule);
		bool more;

		s->dirtext[k] = group_direction(&s->dirs, g, &more);
		s->ndirs += more;
		uniq_add(&s->machines, g->machine);
		if (g->config) {
			char *c = pc_xstrdup(g->config), *save = NULL;

			s->cfg[k] = c;
			for (char *t = strtok_r(c, ", ", &save); t;
			     t = strtok_r(NULL, ", ", &save))
				uniq_add(&s->configs, t);
		}
		s->rtext[k] = pc_xasprintf("%s %s [%s]", gi ? gi->id : "?",
					   pc_severity_name(g->severity),
					   gi ? gi->slug : "?");
		uniq_add(&s->rls, s->rtext[k]);
	}
}

static void seen_release(struct seen *s)
{
	for (size_t k = 0; k < s->n; k++) {
		free(s->dirtext[k]);
		free(s->rtext[k]);
		free(s->cfg[k]);
	}
	free(s->dirtext);
	free(s->rtext);
	free(s->cfg);
	free(s->dirs.s);
	free(s->machines.s);
	free(s->configs.s);
	free(s->rls.s);
}

/* Where else the group's cause shows: directions, machine types, vCPU
 * counts, and each rule with its places. */
static void format_seen_in(const struct pc_report *r, const size_t *idx,
			   size_t n, struct pc_strbuf *out)
{
	struct seen s;

	seen_collect(&s, r, idx, n);
	pc_strbuf_addf(out, "      seen in: %zu findings, %zu direction%s (",
		       n, s.ndirs, s.ndirs == 1 ? "" : "s");
	uniq_print(&s.dirs, 8, ", ", out);
	pc_strbuf_addstr(out, ")");
	if (s.machines.n) {
		pc_strbuf_addf(out, " on ");
		uniq_print(&s.machines, 8, ", ", out);
	}
	if (s.configs.n) {
		pc_strbuf_addstr(out, " (");
		uniq_print(&s.configs, 8, ", ", out);
		pc_strbuf_addstr(out, ")");
	}
	pc_strbuf_addch(out, '\n');
	format_rule_places(r, idx, n, s.rtext, &s.rls, out);
	seen_release(&s);
}

/* The group's fix, once: its representative's, with the override when
 * every finding names the same one. */
static void format_group_fix(const struct pc_report *r, const size_t *idx,
			     size_t n, struct pc_strbuf *out)
{
	const struct pc_finding *f = &r->items[idx[0]];
	bool same_override = true;

	for (size_t k = 0; k < n; k++)
		if (!same_str0(r->items[idx[k]].fix_override, f->fix_override))
			same_override = false;
	if (f->fix)
		pc_strbuf_addf(out, "      fix: %s\n", f->fix);
	if (f->fix_line && f->fix_file)
		pc_strbuf_addf(out, "           add to %s: %s\n", f->fix_file,
			       f->fix_line);
	if (f->fix_override && same_override && fix_names(f)) {
		/* the fix already says it */
	} else if (f->fix_override && same_override) {
		pc_strbuf_addstr(out, "           or start the destination with ");
		add_override(out, f->fix_override);
		pc_strbuf_addch(out, '\n');
	} else if (f->fix_override) {
		pc_strbuf_addstr(out, "           or start the destination with the override each direction names (-v), e.g. ");
		add_override(out, f->fix_override);
		pc_strbuf_addf(out, " for %s -> %s\n", nz(f->src), nz(f->dst));
	}
	if (f->known && f->known_reason)
		pc_strbuf_addf(out, "      acknowledged: %s\n", f->known_reason);
}

static void format_group(const struct pc_report *r, const size_t *idx,
			 size_t n, bool verbose, struct pc_strbuf *out)
{
	const struct pc_finding *f = &r->items[idx[0]];

	/* the representative: as one finding, without why and fix */
	format_head(f, out);
	if (f->why) {
		pc_strbuf_addstr(out, "      why: ");
		if (verbose)
			pc_strbuf_addstr(out, f->why);
		else
			short_why(f->why, out);
		pc_strbuf_addch(out, '\n');
	}
	if (n > 1)
		format_seen_in(r, idx, n, out);
	format_group_fix(r, idx, n, out);
	if (verbose && n > 1) {
		pc_strbuf_addf(out, "      the %zu findings:\n", n);
		for (size_t k = 0; k < n; k++) {
			struct pc_strbuf one = PC_STRBUF_INIT;
			const char *line, *nl;

			pc_finding_format(&r->items[idx[k]], &one);
			for (line = one.buf; *line; line = nl) {
				nl = strchr(line, '\n');
				nl = nl ? nl + 1 : line + strlen(line);
				pc_strbuf_addstr(out, "    ");
				pc_strbuf_add(out, line, (size_t)(nl - line));
			}
			pc_strbuf_release(&one);
		}
	}
}

size_t pc_report_format_grouped(const struct pc_report *r, const bool *keep,
				bool verbose, struct pc_strbuf *out)
{
	size_t *group_of = pc_xcalloc(r->n + 1, sizeof(size_t));
	size_t ng = pc_report_group(r, keep, group_of);
	size_t *idx = pc_xcalloc(r->n + 1, sizeof(size_t));

	/* the most severe groups first, each in order of first appearance */
	for (int sev = PC_SEV_INCOMPATIBLE; sev >= PC_SEV_INFO; sev--) {
		for (size_t g = 0; g < ng; g++) {
			size_t n = 0, rep = SIZE_MAX;
			int top = -1;

			for (size_t i = 0; i < r->n; i++)
				if (group_of[i] == g && (int)r->items[i].severity > top) {
					top = (int)r->items[i].severity;
					rep = i;
				}
			if (top != sev)
				continue;
			idx[n++] = rep;
			for (size_t i = 0; i < r->n; i++)
				if (group_of[i] == g && i != rep)
					idx[n++] = i;
			format_group(r, idx, n, verbose, out);
		}
	}
	free(idx);
	free(group_of);
	return ng;
}
