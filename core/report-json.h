/*
 * report-json.h - JSON renderings of findings (jansson).  The caller owns
 * the returned json_t (json_decref) and strings (free).
 */
#ifndef PC_REPORT_JSON_H
#define PC_REPORT_JSON_H

#include <jansson.h>

#include "finding.h"

json_t *pc_finding_to_json(const struct pc_finding *f);
/* Every finding, each with its "group" (pc_report_group()). */
json_t *pc_report_to_json(const struct pc_report *r);
/* The groups by cause: "group", "cause", "severity", "rules", "known",
 * "findings" (indexes into pc_report_to_json()'s array), "fix". */
json_t *pc_report_groups_to_json(const struct pc_report *r);
/* Pretty, key order preserved, newline-terminated. */
char *pc_json_dump(json_t *j);

#endif /* PC_REPORT_JSON_H */
