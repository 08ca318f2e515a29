/*
 * report-json.h - JSON renderings of findings (jansson).  The caller owns
 * the returned json_t (json_decref) and strings (free).
 */
#ifndef PC_REPORT_JSON_H
#define PC_REPORT_JSON_H

#include <jansson.h>

#include "finding.h"

/*
 * The version of plugcheck's JSON documents (Documentation/
 * plugcheck-output.schema.json): raised when a key changes meaning or
 * goes away, never for a key added.
 */
#define PC_JSON_SCHEMA_VERSION 1

/* {"role": ROLE, "file": F, "line": L} (no "line" for line 0). */
json_t *pc_loc_to_json(const struct pc_loc *l, const char *role);
json_t *pc_finding_to_json(const struct pc_finding *f);
/* Every finding, each with its "group" (pc_report_group()). */
json_t *pc_report_to_json(const struct pc_report *r);
/* The groups by cause: "group", "cause", "severity", "rules", "known",
 * "findings" (indexes into pc_report_to_json()'s array), "fix". */
json_t *pc_report_groups_to_json(const struct pc_report *r);
/* A document: pretty, key order preserved, newline-terminated; an object
 * gets "schema_version" (PC_JSON_SCHEMA_VERSION) as its first key. */
/* 'j' with "schema_version" as its first key when it is an object
 * without one (a new reference; 'j' itself when it has one). */
json_t *pc_json_versioned(json_t *j);
char *pc_json_dump(json_t *j);

#endif /* PC_REPORT_JSON_H */
