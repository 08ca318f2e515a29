/*
 * test_catalogue.c - the rule catalogue is the engine: Documentation/
 * rules.md's table equals core/rule-table.h (ID, slug, severity, the
 * severities it may also carry, family, fix kind, the one-line title),
 * both ways; every rule has its section on that page; every rule ID the
 * engines' sources name is in the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <jansson.h>

#include "check.h"
#include "finding.h"
#include "fxside.h"
#include "pctest.h"
#include "util.h"

struct md_row {
	char id[16], anchor[16], slug[64], sev[32], also[64], family[32],
		fix[32], title[256];
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

/* "| [PC101](#pc101) | slug | severity | also | family | fix | title |"
 * -> row; 0 or -1. */
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
	if (n != 7 || *trim(p))
		return -1;
	if (sscanf(cell[0], "[%15[^]]](#%15[^)])", row->id, row->anchor) != 2)
		return -1;
	snprintf(row->slug, sizeof(row->slug), "%s", cell[1]);
	snprintf(row->sev, sizeof(row->sev), "%s", cell[2]);
	snprintf(row->also, sizeof(row->also), "%s", cell[3]);
	snprintf(row->family, sizeof(row->family), "%s", cell[4]);
	snprintf(row->fix, sizeof(row->fix), "%s", cell[5]);
	snprintf(row->title, sizeof(row->title), "%s", cell[6]);
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
		PCT_ASSERT_STR_EQ(row.family, pc_rule_family_name(ri->family));
		PCT_ASSERT_STR_EQ(row.fix, pc_fix_kind_name(ri->fix));
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

/* ------------------------------------------------------------ every rule */

/*
 * Every rule ID is triggered with each severity the catalogue gives it
 * (its severity and those it may also be), and nothing is reported with a
 * severity the catalogue does not list: the check engine on in-memory
 * declarations over the fixture machine family (tests/fixtures/check),
 * the CLI on the shipped tree and fixtures for what needs a whole tree
 * (PC401 between releases, PC601, PC701 hosts, lint's PC8xx on
 * tests/fixtures/plugins/fx-lint, qemu-diff's PC105/PC602 on QEMU dumps,
 * migrate's PC901/PC902 from real streams).
 */
static unsigned seen_sev[PC_R__COUNT];

static void note(enum pc_rule rule, enum pc_severity sev, const char *where)
{
	if (!pc_rule_allows(rule, sev)) {
		fprintf(stderr, "\n  %s: %s reported at %s, which the catalogue does not list\n",
			where, pc_rule_info(rule)->id, pc_severity_name(sev));
		CU_FAIL("a rule reported at a severity the catalogue does not give it");
	}
	seen_sev[rule] |= PC_SEV_BIT(sev);
}

static void note_report(const struct pc_report *r, const char *where)
{
	for (size_t i = 0; i < r->n; i++)
		note(r->items[i].rule, r->items[i].severity, where);
}

static bool rule_of_id(const char *id, enum pc_rule *out)
{
	for (size_t k = 0; k < PC_R__COUNT; k++)
		if (!strcmp(pc_rule_info((enum pc_rule)k)->id, id)) {
			*out = (enum pc_rule)k;
			return true;
		}
	return false;
}

static bool sev_of_name(const char *name, enum pc_severity *out)
{
	static const enum pc_severity all[] = { PC_SEV_INFO, PC_SEV_REVIEW,
						PC_SEV_INCOMPATIBLE };

	for (size_t i = 0; i < PC_ARRAY_SIZE(all); i++)
		if (!strcmp(pc_severity_name(all[i]), name)) {
			*out = all[i];
			return true;
		}
	return false;
}

/* Every object with "rule" (and "severity") anywhere in a JSON text. */
static void note_json_value(json_t *v, const char *where)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			note_json_value(x, where);
		return;
	}
	if (!json_is_object(v))
		return;
	x = json_object_get(v, "rule");
	if (json_is_string(x) && !json_object_get(v, "findings")) {
		enum pc_rule rule;
		enum pc_severity sev;
		const char *sv = json_string_value(json_object_get(v, "severity"));

		CU_ASSERT_TRUE(rule_of_id(json_string_value(x), &rule));
		if (!sv || !sev_of_name(sv, &sev)) {
			fprintf(stderr, "\n  %s: %s without a severity\n", where,
				json_string_value(x));
			CU_FAIL("a rule reported without its severity");
		} else if (rule_of_id(json_string_value(x), &rule)) {
			note(rule, sev, where);
		}
	}
	json_object_foreach(v, key, x)
		if (strcmp(key, "groups")) /* a group repeats its findings */
			note_json_value(x, where);
}

static void note_json(const char *out, const char *where)
{
	json_error_t jerr;
	json_t *j = json_loads(out ? out : "", 0, &jerr);

	if (!j)
		fprintf(stderr, "\n  %s: not JSON: %s\n", where, jerr.text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	note_json_value(j, where);
	json_decref(j);
}

/* A side from in-memory declarations over the fixture machine family. */
static int fx_side(struct pc_side *s, const char *label, const char *decl,
		   int release_major)
{
	struct pc_err err = { 0 };

	if (fx_side_init(s, label, decl, NULL, release_major, &err))
		return -1;
	/* a release older than the tree's 2.0 is a recorded build */
	s->project = release_major < 2;
	return 0;
}

#define FX_HDR "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
#define FX_PROPS "  prop num-queues u16 default=1\n" \
	"  prop feat bool default=on guest-visible\n" \
	"  prop mask bool default=off\n"
#define FX_DEV(props) "type fx-dev parent=device section=fx-dev\n" props "end\n"
#define FX_PDEV(props) "type fx-dev parent=device section=fx-dev idstr=path\n" props "end\n"
#define FX_QUEUE "vmsd fx-queue version=1 min=1\n  field inuse u16\nend\n"
#define FX_VMSD(ver, fields) "vmsd fx-dev " ver "\n" fields "end\n"
#define FX_FIELDS(status, ctr, vq) \
	"  field status " status "\n  field ctr " ctr "\n  field vq " vq "\n" \
	"  field config buffer size=64\n" \
	"  invariant mask-reg field=config offset=8 size=4 value=\"mask ? 0x400000 : 0\" romask=\"mask ? 0xff7fffff : 0xffffffff\"\n"
#define FX_VQ "struct struct=fx-queue count=num-queues"
#define FX_BASE FX_HDR FX_DEV(FX_PROPS) FX_QUEUE \
	FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ))

#define FX_MSIX "  capability msix id=0x11 field=config size=12\n"
#define FX_CFG(caps, bar_wmask) FX_HDR "type fx-cfg parent=device section=fx-cfg\n" \
	caps "  register bar0 field=config offset=0x10 size=4 value=0 wmask=" \
	bar_wmask "\nend\nvmsd fx-cfg version=1 min=1\n  field config buffer size=256\nend\n"

/* Check a -> b and b -> a under 'machine' (smp 1) and note the findings. */
static void fx_pair(const char *what, const char *da, const char *db,
		    const char *machine, int rel_b)
{
	struct pc_side a, b;
	struct pc_check c;
	struct pc_report r;
	struct pc_err err = { 0 };

	if (fx_side(&a, "A", da, 2) || fx_side(&b, "B", db, rel_b)) {
		fprintf(stderr, "\n  %s: the declarations do not load\n", what);
		CU_FAIL("fixture declarations do not load");
		pc_side_release(&a);
		pc_side_release(&b);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.machine = machine;
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(&r);
	if (pc_check_direction(&c, &a, &b, &r, &err) ||
	    pc_check_direction(&c, &b, &a, &r, &err)) {
		/* a source that does not know the machine type is an input
		 * error, not a finding: only A -> B is meant then */
		if (rel_b >= 2) {
			fprintf(stderr, "\n  %s: %s\n", what, err.msg);
			CU_FAIL("fixture pair does not check");
		}
	}
	note_report(&r, what);
	pc_report_release(&r);
	pc_side_release(&a);
	pc_side_release(&b);
}

/* An onoffauto whose auto follows the host, set to on on both sides,
 * the destination's host lacking the capability: PC704. */
static void fx_host_auto(void)
{
	static const char decl[] = FX_HDR
		"vmsd fx-vs version=1 min=1\n  field y u32\nend\n"
		"type fx-vs parent=device section=fx-vs\n"
		"  prop seqpacket onoffauto host=vsock-seqpacket guest-visible\nend\n";
	static char cap[] = "vsock-seqpacket", other[] = "other";
	static char hn[] = "new", hp[] = "new.caps", ln[] = "old", lp[] = "old.caps";
	char *has_caps[] = { cap, NULL };
	char *lacks_caps[] = { other, NULL };
	struct pc_host_caps has = { hn, hp, has_caps, 1 };
	struct pc_host_caps lacks = { ln, lp, lacks_caps, 1 };
	struct pc_side a, b;
	struct pc_check c;
	struct pc_report r;
	struct pc_override ov;
	struct pc_err err = { 0 };

	if (fx_side(&a, "A", decl, 2) || fx_side(&b, "B", decl, 2)) {
		CU_FAIL("host auto fixture does not load");
		pc_side_release(&a);
		pc_side_release(&b);
		return;
	}
	CU_ASSERT_EQUAL(pc_override_parse("fx-vs.seqpacket=on", false, "test",
					  &ov, &err), 0);
	pc_side_add_override(&a, &ov);
	pc_side_add_override(&b, &ov);
	pc_override_release(&ov);
	a.host = &has;
	b.host = &lacks;
	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(&r);
	CU_ASSERT_EQUAL(pc_check_direction(&c, &a, &b, &r, &err), 0);
	note_report(&r, "host auto forced on");
	pc_report_release(&r);
	a.host = b.host = NULL;
	pc_side_release(&a);
	pc_side_release(&b);
}

PCT_TEST("catalogue", every_rule_triggers_with_each_documented_severity)
{
	char *out = NULL, *dir = pct_tmpdir("catalogue"), *p;

	memset(seen_sev, 0, sizeof(seen_sev));
	/* sections: versions (PC103/PC104); a device without its section on
	 * one side (PC101/PC102 incompatible) */
	fx_pair("version", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		FX_VMSD("version=3 min=3", FX_FIELDS("u32", "u64", FX_VQ)), "fx-1.0", 2);
	fx_pair("no section", FX_BASE, FX_HDR
		"type fx-dev parent=device\n" FX_PROPS "end\n" FX_QUEUE
		FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)), "fx-1.0", 2);
	/* a device type one build lacks: PC101/PC102 info */
	fx_pair("new type", FX_BASE, FX_BASE
		"type fx-other parent=device section=fx-other\nend\n"
		"vmsd fx-other version=1 min=1\n  field a u8\nend\n", "fx-1.0", 2);
	/* fields */
	fx_pair("appended", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ) "  field extra u32\n"),
		"fx-1.0", 2);
	fx_pair("reordered", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		FX_VMSD("version=2 min=1", "  field ctr u64\n  field status u32\n"
			"  field vq " FX_VQ "\n  field config buffer size=64\n"), "fx-1.0", 2);
	fx_pair("renamed", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		FX_VMSD("version=2 min=1", "  field state u32\n  field ctr u64\n"
			"  field vq " FX_VQ "\n  field config buffer size=64\n"), "fx-1.0", 2);
	fx_pair("retyped", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		FX_VMSD("version=2 min=1", FX_FIELDS("i32", "u32", "u16")), "fx-1.0", 2);
	fx_pair("count", FX_BASE, FX_HDR FX_DEV("  prop num-queues u16 default=2\n"
		"  prop feat bool default=on guest-visible\n  prop mask bool default=off\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)), "fx-1.0", 2);
	/* invariants and properties: PC401, PC501, PC502 */
	fx_pair("properties", FX_BASE, FX_HDR FX_DEV("  prop num-queues u16 default=1\n"
		"  prop feat bool default=off guest-visible\n  prop mask bool default=on\n"
		"  prop extra bool default=on\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)), "fx-1.0", 2);
	/* subsections: sent (PC301 incompatible, and the other way PC302),
	 * runtime-only (PC301 needs-review) */
	fx_pair("subsection sent", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		"vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"
		FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)
			"  subsection fx-dev/extra needed=feat\n"), "fx-1.0", 2);
	fx_pair("subsection runtime-only", FX_BASE, FX_HDR FX_DEV(FX_PROPS) FX_QUEUE
		"vmsd fx-dev/extra version=1 min=1\n  field x u32\nend\n"
		FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)
			"  subsection fx-dev/extra runtime\n"), "fx-1.0", 2);
	/* a stream-protocol (wire) property that differs: PC503 */
	fx_pair("wire", FX_HDR FX_DEV(FX_PROPS "  prop footer bool default=on wire\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		FX_HDR FX_DEV(FX_PROPS "  prop footer bool default=off wire\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		"fx-1.0", 2);
	/* a device that blocks migration for the value it has: PC603 */
	fx_pair("unmigratable", FX_BASE, FX_HDR
		FX_DEV(FX_PROPS "  unmigratable prop=feat value=on\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		"fx-1.0", 2);
	/* a virtio feature one side offers: PC506 one way, PC507 the other */
	fx_pair("virtio feature", FX_HDR FX_DEV(FX_PROPS "  prop mq feature container=host_features bit=22 default=on\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		FX_HDR FX_DEV(FX_PROPS "  prop mq feature container=host_features bit=22 default=off\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		"fx-1.0", 2);
	/* RAM blocks: a fixed one of another length (PC106), a resizeable
	 * one beyond the destination's max (PC107), one only the source
	 * has (PC108) */
	fx_pair("ramblocks", FX_HDR FX_DEV(FX_PROPS "  ramblock rom size=0x10000\n"
		"  ramblock acpi size=0x1000 max=0x2000\n  ramblock extra size=0x1000\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		FX_HDR FX_DEV(FX_PROPS "  ramblock rom size=0x20000\n"
		"  ramblock acpi size=0x3000 max=0x4000\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		"fx-1.0", 2);
	/* machine-level state only the source's machine type has: PC604 */
	fx_pair("machine state", FX_BASE
		"type fx-acpi parent=device machine section=fx-acpi\nend\n"
		"vmsd fx-acpi version=1 min=1\n  field patched u8\nend\n",
		FX_BASE, "fx-1.0", 2);
	/* a section at another device path (idstr): PC109 */
	fx_pair("idstr", FX_HDR FX_PDEV(FX_PROPS "  prop path string default=a\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		FX_HDR FX_PDEV(FX_PROPS "  prop path string default=b\n")
		FX_QUEUE FX_VMSD("version=2 min=1", FX_FIELDS("u32", "u64", FX_VQ)),
		"fx-1.0", 2);
	/* a section whose priority puts it on the other side of another
	 * one in the stream: PC605 (needs-review) */
	fx_pair("priority", FX_BASE "type fx-mmu parent=device section=fx-mmu\nend\n"
		"vmsd fx-mmu version=1 min=1\n  field x u32\nend\n",
		FX_BASE "type fx-mmu parent=device section=fx-mmu\nend\n"
		"vmsd fx-mmu version=1 min=1 priority=iommu\n  field x u32\nend\n",
		"fx-1.0", 2);
	/* config space: a BAR that grows (PC402); a capability added before
	 * another moves it (PC403) and is on one side only (PC404) */
	fx_pair("config masks", FX_CFG("", "0xfffff000"), FX_CFG("", "0xffffe000"),
		"fx-1.0", 2);
	fx_pair("capabilities", FX_CFG(FX_MSIX, "0xfffff000"),
		FX_CFG("  capability pm id=1 field=config size=8\n" FX_MSIX,
		       "0xfffff000"), "fx-1.0", 2);
	/* an onoffauto forced on where the host lacks it: PC704 */
	fx_host_auto();
	/* a destination that does not know the machine type: PC601 */
	fx_pair("machine", FX_BASE, FX_BASE, "fx-2.0", 1);

	/* the CLI: releases (PC401 and its acknowledgement), hosts (PC701) */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "check", "--machine",
					"pc-7.2", "--from", "8.0", "--to", "8.0.1", NULL), 1);
	note_json(out, "check 8.0 -> 8.0.1");
	free(out);
	p = pc_xasprintf("%s/A", dir);
	{
		static const char ca[] = "host A\ncap pcid stibp\n", cb[] = "host B\ncap taa-no\n";
		char *q = pc_xasprintf("%s/B", dir);
		struct pc_err err = { 0 };

		CU_ASSERT_EQUAL(pc_write_file_atomic(p, ca, strlen(ca), &err), 0);
		CU_ASSERT_EQUAL(pc_write_file_atomic(q, cb, strlen(cb), &err), 0);
		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "check", "--machine",
						"q35", "--from", "tree", "--to", "tree",
						"--src-host", p, "--dst-host", q, NULL), 1);
		note_json(out, "hosts");
		free(out);
		free(q);
	}
	free(p);
	/* an acknowledgement of a break the tree does not show: PC810 */
	{
		char *adir = pc_xasprintf("%s/abi", dir);
		char *cmd = pc_xasprintf("cp -r '%s' '%s'", pct_path("abi"), adir);
		char *kb = pc_xasprintf("%s/known-breaks", adir);
		char *text = NULL, *more;
		size_t len = 0;
		struct pc_err err = { 0 };

		CU_ASSERT_EQUAL(system(cmd), 0);
		CU_ASSERT_EQUAL(pc_read_file(kb, 1u << 20, &text, &len, &err), 0);
		more = pc_xasprintf("%sbreak rule=PC501 device=pvpanic path=pvpanic.events machines=..7.2 release=8.0 reason=\"never happened\"\n",
				    text ? text : "");
		CU_ASSERT_EQUAL(pc_write_file_atomic(kb, more, strlen(more), &err), 0);
		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "--abi-dir", adir,
						"--machine", "pc-7.2", NULL), 1);
		note_json(out, "stale acknowledgement");
		free(out);
		free(more);
		free(text);
		free(kb);
		free(cmd);
		free(adir);
	}
	/* lint on the fixture plugin with one mistake per rule, and a
	 * compat array no machine type uses: PC804, PC805 */
	{
		char *mdir = pc_xasprintf("%s/machines", dir);
		char *cdir = pc_xasprintf("%s/compat", mdir);
		static const char *const files[] = {
			"fx-1.0.machine", "fx-2.0.machine", "fx.family",
			"compat/fx_compat_1_0.compat", "compat/fx_defaults.compat",
		};
		static const char unused[] = "array fx_unused\n"
			"nosuch-type foo 1\nfx-lint-dev nosuch 1\nfx-lint-dew foo 1\n";
		struct pc_err err = { 0 };

		CU_ASSERT_EQUAL(mkdir(mdir, 0755), 0);
		CU_ASSERT_EQUAL(mkdir(cdir, 0755), 0);
		for (size_t i = 0; i < PC_ARRAY_SIZE(files); i++) {
			char *src = pc_xasprintf("tests/fixtures/check/machines/%s", files[i]);
			char *dst = pc_xasprintf("%s/%s", mdir, files[i]);
			char *text = NULL;
			size_t len = 0;

			CU_ASSERT_EQUAL(pc_read_file(pct_path(src), 1u << 20, &text, &len, &err), 0);
			CU_ASSERT_EQUAL(pc_write_file_atomic(dst, text ? text : "", len, &err), 0);
			free(text);
			free(src);
			free(dst);
		}
		p = pc_xasprintf("%s/fx_unused.compat", cdir);
		CU_ASSERT_EQUAL(pc_write_file_atomic(p, unused, strlen(unused), &err), 0);
		free(p);
		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "--no-default-plugins",
						"--plugin-dir", pct_path("tests/fixtures/plugins/fx-lint"),
						"--machine-dir", mdir, "lint", NULL), 1);
		note_json(out, "lint");
		free(out);
		free(cdir);
		free(mdir);
	}
	/* qemu-diff on QEMU's dumps: PC105, PC602 (and its PC302 info) */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "qemu-diff",
					pct_path("tests/fixtures/qemu-vmstate/dump1.json"),
					pct_path("tests/fixtures/qemu-vmstate/dump2.json"),
					"--trust-section-keys", NULL), 1);
	note_json(out, "qemu-diff");
	free(out);
	/* migrate: a refused stream (PC902) and, untagged as QEMU, a value
	 * that did not arrive (PC901) */
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "migrate", "--machine",
					"pc-7.2", "--from", "8.0", "--to", "8.0.1", "--smp", "1",
					NULL), 1);
	note_json(out, "migrate");
	free(out);
	{
		char *mdir = pct_machines_without("catalogue-nq", "virtio-blk-device  num-queues");

		PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "--format", "json", "--machine-dir", mdir,
						"migrate", "--machine", "pc-5.1", "--from", "5.1",
						"--smp", "2", "--untagged", "--one-way", NULL), 1);
		note_json(out, "migrate untagged");
		free(out);
		free(mdir);
	}

	/* every rule, with each of its severities */
	for (size_t k = 0; k < PC_R__COUNT; k++) {
		const struct pc_rule_info *ri = pc_rule_info((enum pc_rule)k);
		unsigned want = PC_SEV_BIT(ri->severity) | ri->also;

		if ((seen_sev[k] & want) != want) {
			static const enum pc_severity all[] = { PC_SEV_INCOMPATIBLE,
								PC_SEV_REVIEW, PC_SEV_INFO };

			for (size_t i = 0; i < PC_ARRAY_SIZE(all); i++)
				if ((want & ~seen_sev[k]) & PC_SEV_BIT(all[i]))
					fprintf(stderr, "\n  %s was not triggered at %s\n",
						ri->id, pc_severity_name(all[i]));
		}
		PCT_ASSERT_INT_EQ(seen_sev[k] & want, want);
	}
	free(dir);
}

/*
 * Every "PCnnn" the library's sources name (a rule they emit, explain or
 * match by its ID) is a rule of the table, and every rule's ID has the
 * form PCnnn: the enum comes from the table, so code cannot emit a rule
 * outside it, and this holds the IDs written out in text to it too.
 */
PCT_TEST("catalogue", every_rule_id_in_the_sources_is_in_the_table)
{
	DIR *dir = opendir(pct_path("core"));
	struct dirent *de;
	size_t files = 0, ids = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		struct pc_err err = { 0 };
		char *rel, *text = NULL;
		size_t n;

		if (len < 3 || (strcmp(de->d_name + len - 2, ".c") &&
				strcmp(de->d_name + len - 2, ".h")))
			continue;
		rel = pc_xasprintf("core/%s", de->d_name);
		if (pc_read_file(pct_path(rel), 4u << 20, &text, &n, &err)) {
			fprintf(stderr, "\n  %s\n", err.msg);
			CU_FAIL("a source file cannot be read");
			free(rel);
			continue;
		}
		files++;
		for (const char *p = text; (p = strstr(p, "PC")); p += 2) {
			enum pc_rule r;
			char id[6];

			if (!(p[2] >= '1' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
			      p[4] >= '0' && p[4] <= '9') ||
			    (p[5] >= '0' && p[5] <= '9'))
				continue;
			memcpy(id, p, 5);
			id[5] = '\0';
			ids++;
			if (!rule_of_id(id, &r)) {
				fprintf(stderr, "\n  %s names %s, which the rule table does not have\n",
					rel, id);
				CU_FAIL("a rule ID outside the table");
			}
		}
		free(text);
		free(rel);
	}
	closedir(dir);
	CU_ASSERT_TRUE(files > 10);
	CU_ASSERT_TRUE(ids >= PC_R__COUNT);
	for (size_t k = 0; k < PC_R__COUNT; k++) {
		const struct pc_rule_info *ri = pc_rule_info((enum pc_rule)k);

		CU_ASSERT_TRUE(ri->id[0] == 'P' && ri->id[1] == 'C' &&
			       strspn(ri->id + 2, "0123456789") == 3);
		CU_ASSERT_STRING_NOT_EQUAL(pc_rule_family_name(ri->family), "?");
		CU_ASSERT_STRING_NOT_EQUAL(pc_fix_kind_name(ri->fix), "?");
	}
	CU_ASSERT_PTR_NULL(pc_rule_info(PC_R__COUNT));
}
