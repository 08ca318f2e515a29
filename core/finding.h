/*
 * finding.h - findings and reports: what every checker (tree vs baseline,
 * qemu-diff, migrate, lint) produces, and their text and JSON renderings.
 *
 * Every finding names a stable rule ID from the catalogue (rule-table.h,
 * Documentation/rules.md), a severity, a direction, the machine type, both
 * sides, the device and the field or property path, both values, why, and
 * the fix.  Reports keep every finding: no checker stops at the first.
 *
 * Ownership: pc_report_add() copies the strings of the finding it is
 * given; pc_report_release() frees them.
 */
#ifndef PC_FINDING_H
#define PC_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "rule-table.h"
#include "util.h"

enum pc_severity {
	PC_SEV_INFO,
	PC_SEV_REVIEW,       /* needs review: may break, a person decides */
	PC_SEV_INCOMPATIBLE, /* migration fails or corrupts state */
};

/* The rule families: which part of the comparison reports a rule. */
enum pc_rule_family {
	PC_FAMILY_SECTIONS,     /* sections and their descriptions */
	PC_FAMILY_VERSIONS,     /* section and subsection versions */
	PC_FAMILY_FIELDS,       /* the field sequence and shapes */
	PC_FAMILY_SUBSECTIONS,
	PC_FAMILY_INVARIANTS,   /* values the destination verifies */
	PC_FAMILY_PROPERTIES,
	PC_FAMILY_MACHINES,
	PC_FAMILY_HOSTS,
	PC_FAMILY_LINT,         /* plugcheck lint */
	PC_FAMILY_STREAM,       /* plugcheck migrate: a real stream */
	PC_FAMILY_KNOWN_BREAKS,
};

/* What kind of change fixes a finding of a rule. */
enum pc_fix_kind {
	PC_FIX_COMPAT_LINE,     /* a compat entry (or destination override) keeps the old value */
	PC_FIX_DECLARATION,     /* change the device's declaration (its VMStateDescription) */
	PC_FIX_CONFIGURATION,   /* run the VMs, hosts or builds differently */
	PC_FIX_COMPAT_ENTRY,    /* correct the compat entry itself */
	PC_FIX_KNOWN_BREAKS,    /* update abi/known-breaks */
	PC_FIX_REVIEW,          /* a person decides; nothing to change by default */
};

/* The rule catalogue (rule-table.h): PC_R_SECTION_MISSING is PC101, ... */
#define PC_RULE_ENUMERATOR(name, id, slug, sev, also, family, fix, title) \
	PC_R_##name,
enum pc_rule {
	PC_RULE_TABLE(PC_RULE_ENUMERATOR)
	PC_R__COUNT
};
#undef PC_RULE_ENUMERATOR

#define PC_SEV_BIT(s) (1u << (unsigned)(s))

struct pc_rule_info {
	const char *id;    /* "PC101" */
	const char *slug;  /* "section-missing" */
	enum pc_severity severity; /* default severity */
	const char *title;
	/* the other severities the rule may carry (PC_SEV_BIT()s; 0: none),
	 * each named in Documentation/rules.md's "may also be" column */
	unsigned also;
	enum pc_rule_family family;
	enum pc_fix_kind fix;
};

/* The catalogue entry of 'r', or NULL for a value outside the enum. */
const struct pc_rule_info *pc_rule_info(enum pc_rule r);

/*
 * The severity of the subsection rules, one meaning for every engine
 * (check on declarations, qemu-diff on QEMU's dumps).  A subsection is
 * either sent every time it is in the layout (a declaration without
 * needed=, or whose needed= holds; a dump, which records no condition,
 * like QEMU's loader meets it) or depending on the guest's state (declared
 * 'runtime').  PC301 (the destination does not know it): incompatible
 * when always sent, needs-review when runtime.  PC302 (the destination's
 * own configuration sends it, the source never does): info either way,
 * QEMU's loader accepts a stream without it and the device keeps its
 * reset state for that part, which is how QEMU adds optional state.
 */
enum pc_severity pc_subsection_severity(enum pc_rule r, bool runtime);
/* Does rule 'r' carry severity 's' (its default or one it may also be)? */
bool pc_rule_allows(enum pc_rule r, enum pc_severity s);
const char *pc_severity_name(enum pc_severity s);
/* "fields", "compat-line", ...: the names rules.md's table uses. */
const char *pc_rule_family_name(enum pc_rule_family f);
const char *pc_fix_kind_name(enum pc_fix_kind k);

/* A place in a file: 'line' from 1 (0: the file as a whole); file NULL:
 * no place known. */
struct pc_loc {
	const char *file;
	int line;
};

struct pc_finding {
	enum pc_rule rule;
	enum pc_severity severity;
	const char *machine;   /* machine type (or NULL) */
	const char *src;       /* side labels: "5.1", "tree", "dump1.json" */
	const char *dst;
	const char *config;    /* "smp=4" or NULL when it holds for all */
	const char *device;    /* device id or section name */
	const char *path;      /* field or property path */
	const char *src_value;
	const char *dst_value;
	const char *why;
	const char *fix;       /* what to do, in words */
	const char *fix_file;  /* file a compat line goes into, or NULL */
	const char *fix_line;  /* the compat line, or NULL */
	const char *fix_override; /* e.g. "--dst-global T.P=V", or NULL */
	bool known;            /* acknowledged in the known-breaks file */
	const char *known_reason;
	const char *known_by;  /* the entry that acknowledged it: "FILE:LINE" */
	const char *chain_hop; /* "2/3" for chains, else NULL */
	const char *type;      /* the device's type, when a device is meant */
	/* the root cause, when a property decides it: "T.P" whose values
	 * differ, and in short each side's value and where it came from */
	const char *cause;
	const char *cause_why;
	/* a subsection's finding: what decides whether it is sent
	 * (pc_wire_subcond_name(): "always", "needed", "runtime",
	 * "needed+runtime"), else NULL */
	const char *condition;
	/* the main job's extra VM configurations (vmconfig.h): the one
	 * that shows the finding ("TYPE: P=V,..."), NULL: the default */
	const char *vm_config;
	/*
	 * Where it comes from, as locations (Documentation/output-formats.md):
	 * the compat entry of a machines/ file that set a side's value of the
	 * deciding property (the tree's side first), and the declaration
	 * behind it (the deciding property's, else the device type's): its
	 * plugin's C source file and line when the plugin's declaration
	 * text records them, else the plugin file and the line of its
	 * declaration text; decl_text_at is the latter when decl_at is the
	 * former (file NULL otherwise)
	 */
	struct pc_loc entry_at;
	struct pc_loc decl_at;
	struct pc_loc decl_text_at;
};

/* An index a caller may keep over a report's items (check.c's merging
 * of configurations: same-place hash -> items); the report frees it. */
struct pc_report_ix {
	size_t *head;      /* nslots chain heads: item index + 1, 0 = none */
	size_t *next;      /* per indexed item: the next of its chain */
	size_t nslots, n_indexed, alloc_next;
};

struct pc_report {
	struct pc_finding *items;
	size_t n, alloc;
	struct pc_report_ix ix;
};

void pc_report_init(struct pc_report *r);
void pc_report_release(struct pc_report *r);
/* Copies all strings of 'f'. */
void pc_report_add(struct pc_report *r, const struct pc_finding *f);
/* Counts of unacknowledged findings at 'sev' or above. */
size_t pc_report_count(const struct pc_report *r, enum pc_severity min_sev);
/* True when a finding at or above PC_SEV_INCOMPATIBLE is not known. */
bool pc_report_fails(const struct pc_report *r);

/*
 * What a rule engine says about one mismatch (check, qemu-diff): the rule,
 * where, both values, why and the fix.  Every string is borrowed; NULL
 * where the rule has nothing to say.  The engine's context (struct
 * pc_emitter) adds who compares what, and an optional hook turns the hit
 * into its full finding (the check's explanations from 'deps' and its
 * objects, fix placement, known breaks).
 */
struct pc_object;

struct pc_hit {
	enum pc_rule rule;
	enum pc_severity severity; /* PC_HIT_RULE() sets the catalogue's */
	const char *device;        /* device id or section name */
	const char *path;          /* field or property path */
	const char *src_value;
	const char *dst_value;
	const char *why;
	const char *fix;           /* used when the hook finds no better one */
	const char *fix_override;  /* used when the hook names none */
	const char *deps;          /* properties that decided it, ' '-separated */
	const struct pc_object *src_obj, *dst_obj; /* check: the objects */
	const char *condition;     /* a subsection's condition kind, or NULL */
};

/* Designated initializers for a hit of rule 'r' at its default severity. */
#define PC_HIT_RULE(r) .rule = (r), .severity = pc_rule_info(r)->severity

struct pc_emitter {
	struct pc_report *report;
	const char *machine;       /* for the findings, or NULL */
	const char *src, *dst;     /* side labels */
	const char *config;        /* "smp=2", or NULL */
	const char *hop;           /* chain hop, or NULL */
	/*
	 * Optional: complete 'f' (built from the context and 'h') and add it
	 * to e->report itself, so that it can free what it allocated.
	 * NULL: pc_emit() adds the finding as built.
	 */
	void (*finish)(void *data, const struct pc_hit *h,
		       struct pc_finding *f);
	void *data;
};

/* The one way a finding is made: from the context and the hit.  Cannot fail. */
void pc_emit(const struct pc_emitter *e, const struct pc_hit *h);

/* QEMU's own spelling of a destination override: "-global T.P=V" for
 * "--dst-global T.P=V" (allocated), NULL for anything else. */
char *pc_override_qemu(const char *override);

/* Text rendering of one finding (several lines, indented). */
void pc_finding_format(const struct pc_finding *f, struct pc_strbuf *out);

/*
 * Findings grouped by root cause (Documentation/rules.md, "Reading a
 * finding"): one group per deciding property and fix line (f->cause,
 * fix_file, fix_line) or, without a deciding property, per device type,
 * path and fix; acknowledged findings group per acknowledgement.
 * group_of[i] receives finding i's group, numbered in order of first
 * appearance (SIZE_MAX for the findings keep[] leaves out; keep may be
 * NULL); returns the number of groups.
 */
size_t pc_report_group(const struct pc_report *r, const bool *keep,
		       size_t *group_of);
/* What a group is about: f->cause, or "TYPE PATH" (allocated). */
char *pc_finding_cause_label(const struct pc_finding *f);
/*
 * Text rendering of findings grouped by cause, the groups that hold an
 * incompatible finding first: each group's representative finding (a why
 * of at most two lines), its cause, the directions, machine types, vCPU
 * counts, rules and places it shows in, and the fix once.  'verbose': the
 * full why, and every finding of the group in full below it.  Returns the
 * number of groups.
 */
size_t pc_report_format_grouped(const struct pc_report *r, const bool *keep,
				bool verbose, struct pc_strbuf *out);

#endif /* PC_FINDING_H */
