/*
 * report-junit.c - a run as JUnit XML (the schema Jenkins and GitLab
 * read): one testsuite, one testcase a checked direction (direction x
 * machine type; a verb without directions: one testcase), a <failure>
 * carrying the findings of a failing direction, an <error> for one that
 * could not be checked, the other findings (acknowledged, to review,
 * informational) in <system-out>.  Written by hand, every text escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-ci.h"

#include "banned.h"

/* XML 1.0 character data or attribute value: the five entities, and the
 * control characters XML forbids replaced by '?' (tab, LF, CR kept;
 * in an attribute as character references, so they survive parsing). */
static void xml_escape(FILE *out, const char *s, bool attr)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs(attr ? "&quot;" : "\"", out); break;
		case '\'': fputs(attr ? "&apos;" : "'", out); break;
		case '\n': fputs(attr ? "&#10;" : "\n", out); break;
		case '\r': fputs("&#13;", out); break;
		case '\t': fputs(attr ? "&#9;" : "\t", out); break;
		default:
			fputc(c < 0x20 || c == 0x7f ? '?' : (int)c, out);
		}
	}
}

/* The findings of case 'c' ('failing': those that fail it, else the
 * others), each message on its own line; how many. */
static size_t case_findings(FILE *out, const struct pc_ci_run *run,
			    const struct pc_ci_case *c, bool failing)
{
	size_t n = 0;

	for (size_t i = 0; i < run->r->n; i++) {
		const struct pc_finding *f = &run->r->items[i];
		bool fails = f->severity == PC_SEV_INCOMPATIBLE &&
			     (!f->known || c->failed);
		char *msg;

		if ((c->src && !pc_ci_case_has(c, run->machine, f)) ||
		    fails != failing)
			continue;
		if (out) {
			msg = pc_ci_message(f);
			xml_escape(out, msg, false);
			fputc('\n', out);
			free(msg);
		}
		n++;
	}
	return n;
}

/* A case given without its verdict: failed when an unacknowledged
 * incompatible finding is its. */
static void by_findings(const struct pc_ci_run *run, struct pc_ci_case *c)
{
	c->failed = false;
	for (size_t i = 0; i < run->r->n; i++) {
		const struct pc_finding *f = &run->r->items[i];

		if (pc_ci_case_has(c, run->machine, f) && !f->known &&
		    f->severity == PC_SEV_INCOMPATIBLE)
			c->failed = true;
	}
	c->verdict = c->failed ? "incompatible" : "compatible";
}

static void print_case(FILE *out, const struct pc_ci_run *run,
		       const struct pc_ci_case *c)
{
	const char *m = c->machine ? c->machine : run->machine;
	size_t nfail = case_findings(NULL, run, c, true);

	fputs("    <testcase classname=\"plugcheck.", out);
	xml_escape(out, run->verb, true);
	fputs("\" name=\"", out);
	if (m) {
		xml_escape(out, m, true);
		fputs(": ", out);
	}
	if (c->src) {
		xml_escape(out, c->src, true);
		fputs(" -&gt; ", out);
		xml_escape(out, c->dst, true);
	} else {
		xml_escape(out, run->verb, true);
	}
	fputs("\">\n", out);
	if (c->error || c->failed) {
		fprintf(out, "      <%s type=\"", c->error ? "error" : "failure");
		xml_escape(out, c->verdict, true);
		fprintf(out, "\" message=\"");
		xml_escape(out, c->verdict, true);
		fprintf(out, ": %zu finding%s\">", nfail, nfail == 1 ? "" : "s");
		case_findings(out, run, c, true);
		fprintf(out, "</%s>\n", c->error ? "error" : "failure");
	}
	if (case_findings(NULL, run, c, false)) {
		fputs("      <system-out>", out);
		case_findings(out, run, c, false);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

/* the run's test cases: its directions, or one for the whole verb */
static const struct pc_ci_case *run_cases(const struct pc_ci_run *run,
					  struct pc_ci_case *whole, size_t *n)
{
	*whole = (struct pc_ci_case){
		.verdict = run->status == 2 ? "error"
			   : run->status ? "incompatible" : "compatible",
		.failed = run->status == 1, .error = run->status == 2,
	};
	*n = run->n_cases ? run->n_cases : 1;
	return run->n_cases ? run->cases : whole;
}

static void run_totals(const struct pc_ci_run *run, struct pc_ci_totals *t)
{
	struct pc_ci_case whole;
	size_t n;
	const struct pc_ci_case *cases = run_cases(run, &whole, &n);

	*t = (struct pc_ci_totals){ .tests = n };
	for (size_t i = 0; i < n; i++) {
		struct pc_ci_case c = cases[i];

		if (!c.verdict)
			by_findings(run, &c);
		t->errors += c.error;
		t->failures += !c.error && c.failed;
	}
}

void pc_ci_junit_open(FILE *out, const struct pc_ci_totals *t)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"plugcheck\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
		t->tests, t->failures, t->errors);
}

void pc_ci_junit_close(FILE *out)
{
	fputs("</testsuites>\n", out);
}

void pc_ci_print_junit_suite(FILE *out, const struct pc_ci_run *run,
			     struct pc_ci_totals *t)
{
	struct pc_ci_case whole;
	struct pc_ci_totals mine;
	size_t n;
	const struct pc_ci_case *cases = run_cases(run, &whole, &n);

	run_totals(run, &mine);
	fputs("  <testsuite name=\"plugcheck ", out);
	xml_escape(out, run->verb, true);
	if (run->machine) {
		fputc(' ', out);
		xml_escape(out, run->machine, true);
	}
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n",
		mine.tests, mine.failures, mine.errors);
	for (size_t i = 0; i < n; i++) {
		struct pc_ci_case c = cases[i];

		if (!c.verdict)
			by_findings(run, &c);
		c.failed = c.failed && !c.error;
		print_case(out, run, &c);
	}
	fputs("  </testsuite>\n", out);
	t->tests += mine.tests;
	t->failures += mine.failures;
	t->errors += mine.errors;
}

void pc_ci_print_junit(FILE *out, const struct pc_ci_run *run)
{
	struct pc_ci_totals t, sum = { 0 };

	run_totals(run, &t);
	pc_ci_junit_open(out, &t);
	pc_ci_print_junit_suite(out, run, &sum);
	pc_ci_junit_close(out);
}
