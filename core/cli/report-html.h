/*
 * report-html.h - `plugcheck check --format html`: the JSON document of a
 * check (the one --format json prints) rendered as one self-contained
 * HTML5 page.  Documentation/html-report.md.
 */
#ifndef PC_REPORT_HTML_H
#define PC_REPORT_HTML_H

#include <jansson.h>
#include <stdio.h>

/* The page for 'doc' (the check's JSON document: the main job, a pair, a
 * chain, --matrix or --release-matrix) on 'out'.  'doc' stays the
 * caller's; the page embeds it whole as its data island. */
void pc_html_report(FILE *out, json_t *doc);

#endif /* PC_REPORT_HTML_H */
