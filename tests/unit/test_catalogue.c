/*
 * test_catalogue.c - the rule catalogue is the engine: Documentation/
 * rules.md's table equals core/finding.c's rule table (ID, slug, severity,
 * the severities it may also carry, the one-line title), both ways, and
 * every rule has its section on that page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "pctest.h"
#include "util.h"

struct md_row {
	char id[16], anchor[16], slug[64], sev[32], also[64], title[256];
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	return s;
}

/* "| [PC101](#pc101) | slug | severity | also | title |" -> row; 0 or -1. */
static int parse_row(const char *line, struct md_row *row)
{
	char buf[1024], *cell[8], *p;
	size_t n = 0;

	if (strncmp(line, "| [PC", 5) || strlen(line) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", line + 1);
	for (p = buf; n < 8;) {
		char *bar = strchr(p, '|');

		if (!bar)
			break;
		*bar = '\0';
		cell[n++] = trim(p);
		p = bar + 1;
	}
	if (n != 5 || *trim(p))
		return -1;
	if (sscanf(cell[0], "[%15[^]]](#%15[^)])", row->id, row->anchor) != 2)
		return -1;
	snprintf(row->slug, sizeof(row->slug), "%s", cell[1]);
	snprintf(row->sev, sizeof(row->sev), "%s", cell[2]);
	snprintf(row->also, sizeof(row->also), "%s", cell[3]);
	snprintf(row->title, sizeof(row->title), "%s", cell[4]);
	return 0;
}

/* The "may also be" cell of a rule: its other severities, ", "-joined. */
static void also_text(const struct pc_rule_info *ri, char *out, size_t len)
{
	static const enum pc_severity order[] = { PC_SEV_INCOMPATIBLE,
						  PC_SEV_REVIEW, PC_SEV_INFO };

	out[0] = '\0';
	for (size_t i = 0; i < PC_ARRAY_SIZE(order); i++)
		if (ri->also & PC_SEV_BIT(order[i]))
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 out[0] ? ", " : "", pc_severity_name(order[i]));
	if (!out[0])
		snprintf(out, len, "%s", "\xe2\x80\x94"); /* an em dash */
}

static char *rules_md(void)
{
	struct pc_err err = { 0 };
	char *text = NULL;
	size_t len;

	if (pc_read_file(pct_path("Documentation/rules.md"), 1u << 20, &text,
			 &len, &err))
		fprintf(stderr, "\n  %s\n", err.msg);
	return text;
}

PCT_TEST("catalogue", rules_md_table_equals_the_rule_table)
{
	char *text = rules_md(), *line, *next;
	bool seen[PC_R__COUNT] = { false };
	size_t rows = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (line = text; line && *line; line = next) {
		struct md_row row;
		const struct pc_rule_info *ri = NULL;
		char also[64];
		size_t k;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "| [PC", 5))
			continue;
		rows++;
		if (parse_row(line, &row)) {
			fprintf(stderr, "\n  rules.md: malformed table row: %s\n", line);
			CU_FAIL("malformed rules.md table row");
			continue;
		}
		/* every row is a rule of the table ... */
		for (k = 0; k < PC_R__COUNT; k++)
			if (!strcmp(pc_rule_info((enum pc_rule)k)->id, row.id))
				break;
		if (k == PC_R__COUNT) {
			fprintf(stderr, "\n  rules.md lists %s, core/finding.c has no such rule\n",
				row.id);
			CU_FAIL("rules.md lists a rule the engine does not have");
			continue;
		}
		ri = pc_rule_info((enum pc_rule)k);
		PCT_ASSERT_INT_EQ(seen[k], 0); /* listed once */
		seen[k] = true;
		{
			char want_anchor[16];

			snprintf(want_anchor, sizeof(want_anchor), "%s", ri->id);
			for (char *c = want_anchor; *c; c++)
				*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
			PCT_ASSERT_STR_EQ(row.anchor, want_anchor);
		}
		PCT_ASSERT_STR_EQ(row.slug, ri->slug);
		PCT_ASSERT_STR_EQ(row.sev, pc_severity_name(ri->severity));
		also_text(ri, also, sizeof(also));
		PCT_ASSERT_STR_EQ(row.also, also);
		PCT_ASSERT_STR_EQ(row.title, ri->title);
	}
	/* ... and every rule of the table is a row */
	for (size_t k = 0; k < PC_R__COUNT; k++)
		if (!seen[k]) {
			fprintf(stderr, "\n  core/finding.c has %s, rules.md's table does not list it\n",
				pc_rule_info((enum pc_rule)k)->id);
			CU_FAIL("a rule is missing from rules.md's table");
		}
	PCT_ASSERT_INT_EQ(rows, PC_R__COUNT);
	free(text);
}

PCT_TEST("catalogue", every_rule_has_its_section_and_no_section_lacks_a_rule)
{
	char *text = rules_md(), *line, *next;
	bool seen[PC_R__COUNT] = { false };

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (line = text; line && *line; line = next) {
		size_t k;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "### PC", 6))
			continue;
		for (k = 0; k < PC_R__COUNT; k++)
			if (!strcmp(pc_rule_info((enum pc_rule)k)->id, line + 4))
				break;
		if (k == PC_R__COUNT) {
			fprintf(stderr, "\n  rules.md has a section '%s' for no rule\n", line);
			CU_FAIL("rules.md section without a rule");
			continue;
		}
		seen[k] = true;
		/* the section names the rule's slug in bold before the next one */
		if (next) {
			char *want = pc_xasprintf("**%s**", pc_rule_info((enum pc_rule)k)->slug);
			const char *hit = strstr(next, want), *end = strstr(next, "\n### ");

			if (!hit || (end && hit > end))
				fprintf(stderr, "\n  rules.md %s: the section does not name %s\n",
					line + 4, want);
			CU_ASSERT_TRUE(hit && (!end || hit < end));
			free(want);
		}
	}
	for (size_t k = 0; k < PC_R__COUNT; k++)
		if (!seen[k]) {
			fprintf(stderr, "\n  rules.md has no section for %s\n",
				pc_rule_info((enum pc_rule)k)->id);
			CU_FAIL("a rule without its rules.md section");
		}
	free(text);
}

PCT_TEST("catalogue", rule_ids_are_unique_and_severities_well_formed)
{
	for (size_t i = 0; i < PC_R__COUNT; i++) {
		const struct pc_rule_info *a = pc_rule_info((enum pc_rule)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(a->id);
		CU_ASSERT_EQUAL(strlen(a->id), 5);
		/* the default severity is not also listed as another */
		CU_ASSERT_FALSE(a->also & PC_SEV_BIT(a->severity));
		CU_ASSERT_EQUAL(a->also & ~(PC_SEV_BIT(PC_SEV_INFO) |
					    PC_SEV_BIT(PC_SEV_REVIEW) |
					    PC_SEV_BIT(PC_SEV_INCOMPATIBLE)), 0);
		CU_ASSERT_TRUE(pc_rule_allows((enum pc_rule)i, a->severity));
		for (size_t j = i + 1; j < PC_R__COUNT; j++) {
			const struct pc_rule_info *b = pc_rule_info((enum pc_rule)j);

			CU_ASSERT_STRING_NOT_EQUAL(a->id, b->id);
			CU_ASSERT_STRING_NOT_EQUAL(a->slug, b->slug);
		}
	}
}
