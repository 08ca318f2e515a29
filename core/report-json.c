/*
 * report-json.c - findings as JSON (schema: Documentation/json-schema.md).
 * Absent strings are omitted rather than written as null, so consumers can
 * test for a key's presence.
 */
#include <jansson.h>
#include <stdlib.h>

#include "finding.h"
#include "report-json.h"

#include "banned.h"

static void put_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

json_t *pc_finding_to_json(const struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);
	json_t *o = json_object();

	json_object_set_new(o, "rule", json_string(ri ? ri->id : "?"));
	json_object_set_new(o, "slug", json_string(ri ? ri->slug : "?"));
	json_object_set_new(o, "severity",
			    json_string(pc_severity_name(f->severity)));
	put_str(o, "machine", f->machine);
	if (f->src || f->dst) {
		json_t *d = json_object();
		put_str(d, "source", f->src);
		put_str(d, "destination", f->dst);
		json_object_set_new(o, "direction", d);
	}
	put_str(o, "config", f->config);
	put_str(o, "device", f->device);
	put_str(o, "path", f->path);
	put_str(o, "source_value", f->src_value);
	put_str(o, "destination_value", f->dst_value);
	put_str(o, "why", f->why);
	if (f->fix || f->fix_line || f->fix_override) {
		json_t *x = json_object();
		put_str(x, "text", f->fix);
		put_str(x, "file", f->fix_file);
		put_str(x, "line", f->fix_line);
		put_str(x, "override", f->fix_override);
		json_object_set_new(o, "fix", x);
	}
	json_object_set_new(o, "known", json_boolean(f->known));
	put_str(o, "known_reason", f->known_reason);
	put_str(o, "known_by", f->known_by);
	put_str(o, "hop", f->chain_hop);
	return o;
}

json_t *pc_report_to_json(const struct pc_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(a, pc_finding_to_json(&r->items[i]));
	return a;
}

char *pc_json_dump(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *r;

	if (!s)
		return pc_xstrdup("null\n");
	r = pc_xasprintf("%s\n", s);
	free(s);
	return r;
}
