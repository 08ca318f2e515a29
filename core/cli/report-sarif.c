/*
 * report-sarif.c - a run as SARIF 2.1.0 (OASIS; the schema is committed
 * as tests/fixtures/schemas/sarif-schema-2.1.0.json): the rule catalogue
 * as tool.driver.rules, one result per finding with its locations (the
 * compat entry of a machines/ file that set the deciding value; the
 * plugin declaration as a related location), an acknowledged break as a
 * suppression, and a compat line to add as a fix (an insertion at the
 * end of the compat file).  Built with jansson.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report-ci.h"
#include "report-json.h"

#include "banned.h"

static const char *sarif_level(enum pc_severity s)
{
	switch (s) {
	case PC_SEV_INCOMPATIBLE:
		return "error";
	case PC_SEV_REVIEW:
		return "warning";
	case PC_SEV_INFO:
		break;
	}
	return "note";
}

static json_t *text(const char *s)
{
	return json_pack("{s:s}", "text", s ? s : "");
}

/* A path as a URI reference: relative ones with "./" dropped, absolute
 * ones as file:// URIs, every byte outside RFC 3986's unreserved
 * characters and '/' percent-encoded. */
static json_t *artifact(const char *path)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	json_t *o;

	if (pc_str_starts_with(path, "./"))
		path += 2;
	if (path[0] == '/')
		pc_strbuf_addstr(&sb, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			pc_strbuf_addch(&sb, (char)*p);
		else
			pc_strbuf_addf(&sb, "%%%02X", *p);
	}
	o = json_pack("{s:s}", "uri", sb.buf ? sb.buf : "");
	pc_strbuf_release(&sb);
	return o;
}

static json_t *physical(const struct pc_loc *l)
{
	json_t *p = json_pack("{s:o}", "artifactLocation", artifact(l->file));

	if (l->line > 0)
		json_object_set_new(p, "region",
				    json_pack("{s:i}", "startLine", l->line));
	return p;
}

static json_t *rules_json(void)
{
	json_t *rules = json_array();

	for (int i = 0; i < PC_R__COUNT; i++) {
		const struct pc_rule_info *ri = pc_rule_info((enum pc_rule)i);
		char *full = pc_xasprintf("%s (family: %s; fixed by: %s; Documentation/rules.md, %s)",
					  ri->title, pc_rule_family_name(ri->family),
					  pc_fix_kind_name(ri->fix), ri->id);
		char *help = pc_xasprintf("Fixed by a change of kind '%s': the finding's fix says which (Documentation/rules.md, rule %s).",
					  pc_fix_kind_name(ri->fix), ri->id);

		json_array_append_new(rules, json_pack(
			"{s:s, s:s, s:o, s:o, s:o, s:{s:s}, s:{s:s, s:s}}",
			"id", ri->id, "name", ri->slug,
			"shortDescription", text(ri->title),
			"fullDescription", text(full), "help", text(help),
			"defaultConfiguration", "level", sarif_level(ri->severity),
			"properties", "family", pc_rule_family_name(ri->family),
			"fixKind", pc_fix_kind_name(ri->fix)));
		free(full);
		free(help);
	}
	return rules;
}

/* The compat line as an insertion at the end of its file; NULL when the
 * file does not exist yet (the fix says what comes first). */
static json_t *fix_json(const struct pc_finding *f)
{
	struct stat st;
	char *content;
	json_t *fix;
	bool nl = true;

	if (!f->fix_file || !f->fix_line || stat(f->fix_file, &st) ||
	    !S_ISREG(st.st_mode))
		return NULL;
	if (st.st_size > 0) {
		FILE *fp = fopen(f->fix_file, "rb");

		if (!fp)
			return NULL;
		nl = fseek(fp, -1, SEEK_END) == 0 && fgetc(fp) == '\n';
		fclose(fp);
	}
	content = pc_xasprintf("%s%s\n", nl ? "" : "\n", f->fix_line);
	fix = json_pack("{s:o, s:[{s:o, s:[{s:{s:I, s:i}, s:{s:s}}]}]}",
			"description", text(f->fix),
			"artifactChanges", "artifactLocation", artifact(f->fix_file),
			"replacements", "deletedRegion", "charOffset",
			(json_int_t)st.st_size, "charLength", 0,
			"insertedContent", "text", content);
	free(content);
	return fix;
}

static json_t *props_json(const struct pc_finding *f)
{
	json_t *p = json_object();

	if (f->machine)
		json_object_set_new(p, "machine", json_string(f->machine));
	if (f->src && f->dst)
		json_object_set_new(p, "direction",
				    json_pack("{s:s, s:s}", "source", f->src,
					      "destination", f->dst));
	if (f->config)
		json_object_set_new(p, "config", json_string(f->config));
	if (f->cause)
		json_object_set_new(p, "cause", json_string(f->cause));
	if (f->fix_override)
		json_object_set_new(p, "override", json_string(f->fix_override));
	json_object_set_new(p, "finding", pc_finding_to_json(f));
	return p;
}

static json_t *result_json(const struct pc_finding *f)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);
	char *msg = pc_ci_message(f);
	json_t *res = json_pack("{s:s, s:i, s:s, s:o}", "ruleId", ri->id,
				"ruleIndex", (int)f->rule,
				"level", sarif_level(f->severity),
				"message", text(msg));
	json_t *locs = json_array(), *fix;

	free(msg);
	/* where to act: the compat entry, else the declaration's C line */
	if (f->entry_at.file || f->decl_text_at.file)
		json_array_append_new(locs, json_pack("{s:o}", "physicalLocation",
						      physical(f->entry_at.file ? &f->entry_at
								      : &f->decl_at)));
	if (f->device) {
		char *fq = pc_xasprintf("%s%s%s", f->device, f->path ? "/" : "",
					f->path ? f->path : "");

		json_array_append_new(locs, json_pack("{s:[{s:s, s:s}]}",
			"logicalLocations", "fullyQualifiedName", fq,
			"kind", "member"));
		free(fq);
	}
	json_object_set_new(res, "locations", locs);
	if (f->decl_at.file) {
		/* the C source line of the declaration, else the plugin (the
		 * line of its declaration text in the message) */
		char *m = f->decl_text_at.file
			? pc_xasprintf("declared here (line %d of the declaration text of %s)",
				       f->decl_text_at.line, f->decl_text_at.file)
			: pc_xasprintf("declared at line %d of the declaration text of %s",
				       f->decl_at.line, f->decl_at.file);
		json_t *pl = f->decl_text_at.file
			? physical(&f->decl_at)
			: json_pack("{s:o}", "artifactLocation",
				    artifact(f->decl_at.file));

		json_object_set_new(res, "relatedLocations", json_pack(
			"[{s:i, s:o, s:o}]", "id", 1, "physicalLocation", pl,
			"message", text(m)));
		free(m);
	}
	if (f->known)
		json_object_set_new(res, "suppressions", json_pack(
			"[{s:s, s:s}]", "kind", "external", "justification",
			f->known_reason ? f->known_reason : "acknowledged in abi/known-breaks"));
	fix = fix_json(f);
	if (fix)
		json_object_set_new(res, "fixes", json_pack("[o]", fix));
	json_object_set_new(res, "properties", props_json(f));
	return res;
}

void pc_ci_print_sarif(FILE *out, const struct pc_ci_run *run)
{
	json_t *results = json_array(), *doc;
	char *s;

	for (size_t i = 0; i < run->r->n; i++)
		json_array_append_new(results, result_json(&run->r->items[i]));
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:[{s:b, s:i}], s:o, s:{s:s}}]}",
			"$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			"version", "2.1.0", "runs",
			"tool", "driver", "name", "plugcheck", "version", PC_VERSION,
			"semanticVersion", PC_VERSION, "rules", rules_json(),
			"invocations", "executionSuccessful", run->status != 2,
			"exitCode", run->status,
			"results", results,
			"properties", "verb", run->verb);
	s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(out, "%s\n", s ? s : "null");
	free(s);
	json_decref(doc);
}
