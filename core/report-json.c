/*
 * report-json.c - findings as JSON (schema: Documentation/json-schema.md).
 * Absent strings are omitted rather than written as null, so consumers can
 * test for a key's presence.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "report-json.h"

#include "banned.h"

static void put_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

json_t *pc_loc_to_json(const struct pc_loc *l, const char *role)
{
	json_t *o = json_object();

	json_object_set_new(o, "role", json_string(role));
	json_object_set_new(o, "file", json_string(l->file));
	if (l->line > 0)
		json_object_set_new(o, "line", json_integer(l->line));
	return o;
}

json_t *pc_finding_to_json(const struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);
	json_t *o = json_object();
	char *q;

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
	put_str(o, "configuration", f->vm_config);
	put_str(o, "condition", f->condition);
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
		q = pc_override_qemu(f->fix_override);
		put_str(x, "qemu_option", q);
		free(q);
		json_object_set_new(o, "fix", x);
	}
	json_object_set_new(o, "known", json_boolean(f->known));
	put_str(o, "known_reason", f->known_reason);
	put_str(o, "known_by", f->known_by);
	put_str(o, "hop", f->chain_hop);
	put_str(o, "cause", f->cause);
	put_str(o, "cause_detail", f->cause_why);
	if (f->entry_at.file || f->decl_at.file) {
		json_t *locs = json_array();

		if (f->entry_at.file)
			json_array_append_new(locs, pc_loc_to_json(&f->entry_at,
								   "compat-entry"));
		if (f->decl_at.file) {
			json_t *d = pc_loc_to_json(&f->decl_at, "declaration");

			/* a C source position: the plugin and the line of its
			 * declaration text too */
			if (f->decl_text_at.file)
				json_object_set_new(d, "declaration_text", json_pack(
					"{s:s, s:i}", "file", f->decl_text_at.file,
					"line", f->decl_text_at.line));
			json_array_append_new(locs, d);
		}
		json_object_set_new(o, "locations", locs);
	}
	return o;
}

json_t *pc_report_to_json(const struct pc_report *r)
{
	json_t *a = json_array();
	size_t *group_of = pc_xcalloc(r->n + 1, sizeof(size_t));

	pc_report_group(r, NULL, group_of);
	for (size_t i = 0; i < r->n; i++) {
		json_t *o = pc_finding_to_json(&r->items[i]);

		json_object_set_new(o, "group", json_integer((json_int_t)group_of[i]));
		json_array_append_new(a, o);
	}
	free(group_of);
	return a;
}

json_t *pc_report_groups_to_json(const struct pc_report *r)
{
	json_t *a = json_array();
	size_t *group_of = pc_xcalloc(r->n + 1, sizeof(size_t));
	size_t ng = pc_report_group(r, NULL, group_of);

	for (size_t g = 0; g < ng; g++) {
		json_t *o = json_object(), *members = json_array(), *rules = json_array();
		const struct pc_rule_info *ri;
		const struct pc_finding *rep = NULL;
		char *label;

		for (size_t i = 0; i < r->n; i++) {
			const struct pc_finding *f = &r->items[i];
			const char *id;
			size_t k;

			if (group_of[i] != g)
				continue;
			if (!rep || f->severity > rep->severity)
				rep = f;
			json_array_append_new(members, json_integer((json_int_t)i));
			ri = pc_rule_info(f->rule);
			id = ri ? ri->id : "?";
			for (k = 0; k < json_array_size(rules); k++)
				if (!strcmp(json_string_value(json_array_get(rules, k)), id))
					break;
			if (k == json_array_size(rules))
				json_array_append_new(rules, json_string(id));
		}
		if (!rep) { /* every group has a member */
			json_decref(o);
			json_decref(members);
			json_decref(rules);
			continue;
		}
		label = pc_finding_cause_label(rep);
		json_object_set_new(o, "group", json_integer((json_int_t)g));
		json_object_set_new(o, "cause", json_string(label));
		free(label);
		put_str(o, "cause_detail", rep->cause_why);
		json_object_set_new(o, "severity", json_string(pc_severity_name(rep->severity)));
		json_object_set_new(o, "rules", rules);
		json_object_set_new(o, "known", json_boolean(rep->known));
		json_object_set_new(o, "findings", members);
		if (rep->fix || rep->fix_line) {
			json_t *x = json_object();

			put_str(x, "text", rep->fix);
			put_str(x, "file", rep->fix_file);
			put_str(x, "line", rep->fix_line);
			json_object_set_new(o, "fix", x);
		}
		json_array_append_new(a, o);
	}
	free(group_of);
	return a;
}

json_t *pc_json_versioned(json_t *j)
{
	json_t *doc;

	if (!json_is_object(j) || json_object_get(j, "schema_version"))
		return json_incref(j);
	/* the version first, then the document's keys in order */
	doc = json_object();
	json_object_set_new(doc, "schema_version",
			    json_integer(PC_JSON_SCHEMA_VERSION));
	json_object_update(doc, j);
	return doc;
}

char *pc_json_dump(json_t *j)
{
	json_t *doc = pc_json_versioned(j);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *r;

	json_decref(doc);
	if (!s)
		return pc_xstrdup("null\n");
	r = pc_xasprintf("%s\n", s);
	free(s);
	return r;
}
