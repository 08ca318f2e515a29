/*
 * finding.c - the rule catalogue and reports.  The catalogue is the single
 * source of rule IDs, slugs and default severities; Documentation/rules.md
 * describes each rule with an example and the fix.
 */
#include "finding.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const struct pc_rule_info rules[PC_R__COUNT] = {
	[PC_R_SECTION_MISSING] = { "PC101", "section-missing", PC_SEV_INCOMPATIBLE,
		"the source sends a section the destination does not know" },
	[PC_R_SECTION_UNSENT] = { "PC102", "section-not-sent", PC_SEV_INCOMPATIBLE,
		"the destination has a device whose section the source never sends" },
	[PC_R_VERSION_TOO_NEW] = { "PC103", "section-version-too-new", PC_SEV_INCOMPATIBLE,
		"the source's section version is newer than the destination loads" },
	[PC_R_VERSION_TOO_OLD] = { "PC104", "section-version-too-old", PC_SEV_INCOMPATIBLE,
		"the source's section version is below the destination's minimum" },
	[PC_R_DESC_RENAMED] = { "PC105", "description-renamed", PC_SEV_INCOMPATIBLE,
		"the description has another name on the destination" },
	[PC_R_FIELD_ADDED] = { "PC201", "field-added", PC_SEV_INCOMPATIBLE,
		"the source sends a field the destination does not expect" },
	[PC_R_FIELD_MISSING] = { "PC202", "field-missing", PC_SEV_INCOMPATIBLE,
		"the destination expects a field the source does not send" },
	[PC_R_FIELD_REORDERED] = { "PC203", "field-reordered", PC_SEV_INCOMPATIBLE,
		"the same fields are sent in another order" },
	[PC_R_FIELD_RENAMED] = { "PC204", "field-renamed", PC_SEV_REVIEW,
		"a field has another name but the same wire shape" },
	[PC_R_FIELD_TYPE] = { "PC205", "field-type", PC_SEV_INCOMPATIBLE,
		"a field's element type differs" },
	[PC_R_FIELD_SIZE] = { "PC206", "field-size", PC_SEV_INCOMPATIBLE,
		"a field's element size differs" },
	[PC_R_FIELD_COUNT] = { "PC207", "field-count", PC_SEV_INCOMPATIBLE,
		"an array's element count differs" },
	[PC_R_NESTED_MISSING] = { "PC208", "nested-description-missing", PC_SEV_INCOMPATIBLE,
		"a nested structure's description is missing on one side" },
	[PC_R_SUBSECTION_UNKNOWN] = { "PC301", "subsection-unknown", PC_SEV_INCOMPATIBLE,
		"the source may send a subsection the destination does not know" },
	[PC_R_SUBSECTION_REQUIRED] = { "PC302", "subsection-required", PC_SEV_INFO,
		"the destination requires a subsection the source never sends" },
	[PC_R_INVARIANT] = { "PC401", "invariant-mismatch", PC_SEV_INCOMPATIBLE,
		"a value the destination verifies differs on its read-only bits" },
	[PC_R_GUEST_PROP] = { "PC501", "guest-visible-property", PC_SEV_INCOMPATIBLE,
		"a guest-visible property differs" },
	[PC_R_PROP_ABSENT] = { "PC502", "property-absent", PC_SEV_INFO,
		"a property exists on one side only (compared by its behaviour)" },
	[PC_R_WIRE_PROP] = { "PC503", "stream-protocol-property", PC_SEV_INCOMPATIBLE,
		"a property that shapes the migration stream differs" },
	[PC_R_MACHINE_UNKNOWN] = { "PC601", "machine-unknown", PC_SEV_INCOMPATIBLE,
		"a side does not know the machine type" },
	[PC_R_MACHINE_NAME] = { "PC602", "machine-name", PC_SEV_INFO,
		"the two sides describe different machine types" },
	[PC_R_HOST_FEATURE] = { "PC701", "host-feature", PC_SEV_INCOMPATIBLE,
		"a host capability the guest uses is missing on the destination" },
	[PC_R_HOST_FEATURE_EXTRA] = { "PC702", "host-feature-extra", PC_SEV_REVIEW,
		"the destination's host offers a feature the guest did not see" },
	[PC_R_LINT_DEFAULT_CHANGE] = { "PC801", "default-change-without-compat", PC_SEV_INCOMPATIBLE,
		"a default changed without compat entries for older machine types" },
	[PC_R_LINT_UNGATED_FIELD] = { "PC802", "ungated-addition", PC_SEV_REVIEW,
		"a field or subsection was added without a version gate or condition" },
	[PC_R_LINT_NO_VERSION_BUMP] = { "PC803", "layout-change-without-version-bump", PC_SEV_REVIEW,
		"a layout changed without a section version bump" },
	[PC_R_LINT_COMPAT_NOMATCH] = { "PC804", "compat-entry-matches-nothing", PC_SEV_INFO,
		"a compat entry names a type no plugin provides" },
	[PC_R_LINT_COMPAT_NOPROP] = { "PC805", "compat-entry-unknown-property", PC_SEV_INCOMPATIBLE,
		"a compat entry names a property the matched type lacks" },
	[PC_R_LINT_COMPAT_TYPO] = { "PC806", "compat-entry-misspelt-type", PC_SEV_INCOMPATIBLE,
		"a compat entry names no loaded type but one close to a loaded type's name (a likely typo)" },
	[PC_R_STREAM_VALUE] = { "PC901", "stream-value-mismatch", PC_SEV_INCOMPATIBLE,
		"a migrated value differs after load" },
	[PC_R_STREAM_REJECTED] = { "PC902", "stream-rejected", PC_SEV_INCOMPATIBLE,
		"the destination refused the migration stream" },
};

const struct pc_rule_info *pc_rule_info(enum pc_rule r)
{
	if ((unsigned)r >= PC_R__COUNT)
		return NULL;
	return &rules[r];
}

enum pc_severity pc_subsection_severity(enum pc_rule r, bool runtime)
{
	if (r == PC_R_SUBSECTION_UNKNOWN)
		return runtime ? PC_SEV_REVIEW : PC_SEV_INCOMPATIBLE;
	if (r == PC_R_SUBSECTION_REQUIRED)
		return PC_SEV_INFO;
	return rules[r].severity;
}

const char *pc_severity_name(enum pc_severity s)
{
	switch (s) {
	case PC_SEV_INFO:
		return "info";
	case PC_SEV_REVIEW:
		return "needs-review";
	case PC_SEV_INCOMPATIBLE:
		return "incompatible";
	}
	return "?";
}

void pc_report_init(struct pc_report *r)
{
	memset(r, 0, sizeof(*r));
}

static char *dup_or_null(const char *s)
{
	return s ? pc_xstrdup(s) : NULL;
}

static void finding_free_strings(struct pc_finding *f)
{
	free((char *)(uintptr_t)f->machine);
	free((char *)(uintptr_t)f->src);
	free((char *)(uintptr_t)f->dst);
	free((char *)(uintptr_t)f->config);
	free((char *)(uintptr_t)f->device);
	free((char *)(uintptr_t)f->path);
	free((char *)(uintptr_t)f->src_value);
	free((char *)(uintptr_t)f->dst_value);
	free((char *)(uintptr_t)f->why);
	free((char *)(uintptr_t)f->fix);
	free((char *)(uintptr_t)f->fix_file);
	free((char *)(uintptr_t)f->fix_line);
	free((char *)(uintptr_t)f->fix_override);
	free((char *)(uintptr_t)f->known_reason);
	free((char *)(uintptr_t)f->chain_hop);
	free((char *)(uintptr_t)f->type);
}

void pc_report_release(struct pc_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_free_strings(&r->items[i]);
	free(r->items);
	pc_report_init(r);
}

void pc_report_add(struct pc_report *r, const struct pc_finding *f)
{
	struct pc_finding *d;

	PC_ALLOC_GROW(r->items, r->n + 1, r->alloc);
	d = &r->items[r->n++];
	*d = *f;
	d->machine = dup_or_null(f->machine);
	d->src = dup_or_null(f->src);
	d->dst = dup_or_null(f->dst);
	d->config = dup_or_null(f->config);
	d->device = dup_or_null(f->device);
	d->path = dup_or_null(f->path);
	d->src_value = dup_or_null(f->src_value);
	d->dst_value = dup_or_null(f->dst_value);
	d->why = dup_or_null(f->why);
	d->fix = dup_or_null(f->fix);
	d->fix_file = dup_or_null(f->fix_file);
	d->fix_line = dup_or_null(f->fix_line);
	d->fix_override = dup_or_null(f->fix_override);
	d->known_reason = dup_or_null(f->known_reason);
	d->chain_hop = dup_or_null(f->chain_hop);
	d->type = dup_or_null(f->type);
}

size_t pc_report_count(const struct pc_report *r, enum pc_severity min_sev)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (!r->items[i].known && r->items[i].severity >= min_sev)
			n++;
	return n;
}

bool pc_report_fails(const struct pc_report *r)
{
	return pc_report_count(r, PC_SEV_INCOMPATIBLE) > 0;
}

void pc_finding_format(const struct pc_finding *f, struct pc_strbuf *out)
{
	const struct pc_rule_info *ri = pc_rule_info(f->rule);

	pc_strbuf_addf(out, "  %s %s [%s]%s", ri ? ri->id : "?",
		       pc_severity_name(f->severity), ri ? ri->slug : "?",
		       f->known ? " (known break)" : "");
	if (f->src || f->dst)
		pc_strbuf_addf(out, " %s -> %s", f->src ? f->src : "?",
			       f->dst ? f->dst : "?");
	if (f->machine)
		pc_strbuf_addf(out, " on %s", f->machine);
	if (f->config)
		pc_strbuf_addf(out, " (%s)", f->config);
	if (f->chain_hop)
		pc_strbuf_addf(out, " [hop %s]", f->chain_hop);
	pc_strbuf_addch(out, '\n');
	if (f->device || f->path)
		pc_strbuf_addf(out, "      at: %s%s%s\n", f->device ? f->device : "",
			       f->device && f->path ? " " : "",
			       f->path ? f->path : "");
	if (f->src_value || f->dst_value)
		pc_strbuf_addf(out, "      source: %s\n      destination: %s\n",
			       f->src_value ? f->src_value : "(absent)",
			       f->dst_value ? f->dst_value : "(absent)");
	if (f->why)
		pc_strbuf_addf(out, "      why: %s\n", f->why);
	if (f->fix)
		pc_strbuf_addf(out, "      fix: %s\n", f->fix);
	if (f->fix_line && f->fix_file)
		pc_strbuf_addf(out, "           add to %s: %s\n", f->fix_file,
			       f->fix_line);
	if (f->fix_override)
		pc_strbuf_addf(out, "           or start the destination with %s\n",
			       f->fix_override);
	if (f->known && f->known_reason)
		pc_strbuf_addf(out, "      acknowledged: %s\n", f->known_reason);
}
