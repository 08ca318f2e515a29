/*
 * report-lines.c - one line a finding: GitHub workflow commands
 * ("::error file=F,line=L,title=RULE::message", escaped as GitHub's
 * toolkit does) and the GNU Coding Standards' error format
 * ("file:line: severity: message"); the dispatch of the CI formats and
 * what they share (report-ci.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-ci.h"

#include "banned.h"

int pc_ci_format_parse(const char *name, enum pc_ci_format *f)
{
	static const char *const names[] = { "sarif", "junit", "github", "gnu" };
	static const enum pc_ci_format fmts[] = { PC_CI_SARIF, PC_CI_JUNIT,
						  PC_CI_GITHUB, PC_CI_GNU };

	for (size_t i = 0; i < PC_ARRAY_SIZE(names); i++)
		if (name && !strcmp(name, names[i])) {
			*f = fmts[i];
			return 0;
		}
	return -1;
}

static void add_opt(struct pc_strbuf *sb, const char *sep, const char *s)
{
	if (s && *s)
		pc_strbuf_addf(sb, "%s%s", sep, s);
}

char *pc_ci_message(const struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char *q;

	pc_strbuf_addf(&sb, "%s %s", ri ? ri->id : "?", ri ? ri->title : "");
	if (f->machine)
		pc_strbuf_addf(&sb, " [%s]", f->machine);
	if (f->src && f->dst)
		pc_strbuf_addf(&sb, " %s -> %s", f->src, f->dst);
	if (f->config)
		pc_strbuf_addf(&sb, " (%s)", f->config);
	add_opt(&sb, ": ", f->device);
	add_opt(&sb, " ", f->path);
	if (f->src_value || f->dst_value)
		pc_strbuf_addf(&sb, " (%s vs %s)", f->src_value ? f->src_value : "-",
			       f->dst_value ? f->dst_value : "-");
	if (f->why) /* its first clause: the rest is in the JSON and SARIF */
		pc_strbuf_addf(&sb, ": %.*s", (int)strcspn(f->why, ";"), f->why);
	if (f->known)
		pc_strbuf_addf(&sb, " [known break%s%s]", f->known_reason ? ": " : "",
			       f->known_reason ? f->known_reason : "");
	add_opt(&sb, "; fix: ", f->fix);
	if (f->fix_line && f->fix_file)
		pc_strbuf_addf(&sb, " (add '%s' to %s)", f->fix_line, f->fix_file);
	if ((q = pc_override_qemu(f->fix_override)))
		pc_strbuf_addf(&sb, "; or start the destination with %s (plugcheck: %s)",
			       q, f->fix_override);
	free(q);
	for (char *p = sb.buf; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return pc_strbuf_detach(&sb);
}

bool pc_ci_case_has(const struct pc_ci_case *c, const char *run_machine,
		    const struct pc_finding *f)
{
	/* a run's machine type may be an alias: only a case's own (the
	 * release matrix's) tells findings apart */
	(void)run_machine;
	if (c->machine && f->machine && strcmp(c->machine, f->machine))
		return false;
	return f->src && f->dst && c->src && c->dst &&
	       !strcmp(f->src, c->src) && !strcmp(f->dst, c->dst);
}

/* The file:line a line format names: the compat entry, else the C
 * source line of the declaration, else nothing (a line of a plugin's
 * declaration text is not one of a file an editor opens). */
static const struct pc_loc *line_loc(const struct pc_finding *f)
{
	if (f->entry_at.file)
		return &f->entry_at;
	return f->decl_text_at.file ? &f->decl_at : NULL;
}

/* GitHub's escaping (@actions/core): data escapes % CR LF; a property
 * value also : and , */
static void gh_escape(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", out);
		else if (*s == '\r')
			fputs("%0D", out);
		else if (*s == '\n')
			fputs("%0A", out);
		else if (property && *s == ':')
			fputs("%3A", out);
		else if (property && *s == ',')
			fputs("%2C", out);
		else
			fputc(*s, out);
	}
}

static const char *gh_level(const struct pc_finding *f)
{
	if (f->known || f->severity == PC_SEV_INFO)
		return "notice";
	return f->severity == PC_SEV_REVIEW ? "warning" : "error";
}

static void print_github(FILE *out, const struct pc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];
		const struct pc_rule_info *ri = pc_rule_info(f->rule);
		const struct pc_loc *l = line_loc(f);
		char *msg = pc_ci_message(f);

		fprintf(out, "::%s ", gh_level(f));
		if (l) {
			char line[32];

			fputs("file=", out);
			gh_escape(out, pc_str_starts_with(l->file, "./")
				  ? l->file + 2 : l->file, true);
			snprintf(line, sizeof(line), "%d", l->line > 0 ? l->line : 1);
			fprintf(out, ",line=%s,", line);
		}
		fputs("title=", out);
		gh_escape(out, ri ? ri->id : "?", true);
		fputs("::", out);
		gh_escape(out, msg, false);
		fputc('\n', out);
		free(msg);
	}
}

static const char *gnu_severity(const struct pc_finding *f)
{
	if (f->known || f->severity == PC_SEV_INFO)
		return "note";
	return f->severity == PC_SEV_REVIEW ? "warning" : "error";
}

static void print_gnu(FILE *out, const struct pc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];
		const struct pc_loc *l = line_loc(f);
		char *msg = pc_ci_message(f);

		if (l && l->line > 0)
			fprintf(out, "%s:%d: ", l->file, l->line);
		else if (l)
			fprintf(out, "%s: ", l->file);
		else
			fputs("plugcheck: ", out);
		fprintf(out, "%s: %s\n", gnu_severity(f), msg);
		free(msg);
	}
}

void pc_ci_print(FILE *out, enum pc_ci_format f, const struct pc_ci_run *run)
{
	switch (f) {
	case PC_CI_SARIF:
		pc_ci_print_sarif(out, run);
		break;
	case PC_CI_JUNIT:
		pc_ci_print_junit(out, run);
		break;
	case PC_CI_GITHUB:
		print_github(out, run->r);
		break;
	case PC_CI_GNU:
		print_gnu(out, run->r);
		break;
	}
}
