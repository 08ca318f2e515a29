/*
 * report-ci.h - the report formats for CI and editors
 * (Documentation/output-formats.md): SARIF 2.1.0 (report-sarif.c), JUnit
 * XML (report-junit.c), GitHub workflow commands and GNU-style
 * "file:line: severity: message" lines (report-lines.c).  They render
 * one verb's findings; they never print anything but the document, on
 * 'out'.
 */
#ifndef PC_REPORT_CI_H
#define PC_REPORT_CI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "finding.h"

enum pc_ci_format { PC_CI_SARIF, PC_CI_JUNIT, PC_CI_GITHUB, PC_CI_GNU };

/*
 * One checked direction (a JUnit test case): its machine type (NULL: the
 * run's), source and destination labels, and its verdict.  The findings
 * of a case are those with its machine type, source and destination.
 */
struct pc_ci_case {
	const char *machine;
	const char *src, *dst;
	/* "compatible", "incompatible", ...; NULL: from the findings
	 * (failed when an unacknowledged incompatible one is the case's) */
	const char *verdict;
	bool failed;             /* the verdict fails the run */
	bool error;              /* the direction could not be checked */
};

struct pc_ci_run {
	const char *verb;        /* "check", "lint", ... */
	const char *machine;     /* the run's machine type, or NULL */
	const struct pc_report *r;
	/* the directions checked; none: one case for the verb, failed
	 * when 'status' is 1, an error when it is 2 */
	const struct pc_ci_case *cases;
	size_t n_cases;
	int status;              /* the exit status of the run */
};

/* "sarif", "junit", "github", "gnu": 0 and *f set, else -1. */
int pc_ci_format_parse(const char *name, enum pc_ci_format *f);

/* Render 'run' in format 'f' on 'out'. */
void pc_ci_print(FILE *out, enum pc_ci_format f, const struct pc_ci_run *run);

void pc_ci_print_sarif(FILE *out, const struct pc_ci_run *run);
void pc_ci_print_junit(FILE *out, const struct pc_ci_run *run);

/* A JUnit document of several runs (check --all-machines): the totals
 * of its test cases, the open element, each run's <testsuite> (its
 * totals added to *t), and the close. */
struct pc_ci_totals {
	size_t tests, failures, errors;
};
void pc_ci_junit_open(FILE *out, const struct pc_ci_totals *t);
void pc_ci_print_junit_suite(FILE *out, const struct pc_ci_run *run,
			     struct pc_ci_totals *t);
void pc_ci_junit_close(FILE *out);

/*
 * What the line formats and JUnit share: a finding's one-line message
 * (rule, where, direction, why; the fix after "fix: "), allocated.
 */
char *pc_ci_message(const struct pc_finding *f);
/* Does finding 'f' belong to case 'c'? */
bool pc_ci_case_has(const struct pc_ci_case *c, const char *run_machine,
		    const struct pc_finding *f);

#endif /* PC_REPORT_CI_H */
