/*
 * finding.h - findings and reports: what every checker (tree vs baseline,
 * qemu-diff, migrate, lint) produces, and their text and JSON renderings.
 *
 * Every finding names a stable rule ID from the catalogue (rules.c,
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

#include "util.h"

enum pc_severity {
	PC_SEV_INFO,
	PC_SEV_REVIEW,       /* needs review: may break, a person decides */
	PC_SEV_INCOMPATIBLE, /* migration fails or corrupts state */
};

/* The rule catalogue.  IDs are stable: never renumber, only add. */
enum pc_rule {
	PC_R_SECTION_MISSING,     /* PC101 source sends a section the destination lacks */
	PC_R_SECTION_UNSENT,      /* PC102 destination expects a section never sent */
	PC_R_VERSION_TOO_NEW,     /* PC103 source version > destination version_id */
	PC_R_VERSION_TOO_OLD,     /* PC104 source version < destination minimum_version_id */
	PC_R_DESC_RENAMED,        /* PC105 description name differs (QEMU dumps) */
	PC_R_FIELD_ADDED,         /* PC201 source sends a field the destination does not expect */
	PC_R_FIELD_MISSING,       /* PC202 destination expects a field the source does not send */
	PC_R_FIELD_REORDERED,     /* PC203 same fields, other order */
	PC_R_FIELD_RENAMED,       /* PC204 same wire shape, other name */
	PC_R_FIELD_TYPE,          /* PC205 element type differs */
	PC_R_FIELD_SIZE,          /* PC206 element size differs */
	PC_R_FIELD_COUNT,         /* PC207 element count differs */
	PC_R_NESTED_MISSING,      /* PC208 nested description missing on one side */
	PC_R_SUBSECTION_UNKNOWN,  /* PC301 source may send a subsection the destination does not know */
	PC_R_SUBSECTION_REQUIRED, /* PC302 destination requires a subsection never sent */
	PC_R_INVARIANT,           /* PC401 verified value differs under the read-only mask */
	PC_R_GUEST_PROP,          /* PC501 guest-visible property differs */
	PC_R_PROP_ABSENT,         /* PC502 property exists on one side only */
	PC_R_WIRE_PROP,           /* PC503 a stream-protocol (wire) property differs */
	PC_R_MACHINE_UNKNOWN,     /* PC601 a side does not know the machine type */
	PC_R_MACHINE_NAME,        /* PC602 the two dumps come from different machines */
	PC_R_HOST_FEATURE,        /* PC701 host capability missing on the destination */
	PC_R_HOST_FEATURE_EXTRA,  /* PC702 the destination's host offers a feature the guest did not see */
	PC_R_LINT_DEFAULT_CHANGE, /* PC801 default changed without compat entries */
	PC_R_LINT_UNGATED_FIELD,  /* PC802 field/subsection added without gate */
	PC_R_LINT_NO_VERSION_BUMP,/* PC803 layout changed without version bump */
	PC_R_LINT_COMPAT_NOMATCH, /* PC804 compat entry matches no loaded type */
	PC_R_LINT_COMPAT_NOPROP,  /* PC805 compat entry names a property no type has */
	PC_R_LINT_COMPAT_TYPO,    /* PC806 compat entry names a type close to a loaded one (typo) */
	PC_R_STREAM_VALUE,        /* PC901 a migrated value differs after load */
	PC_R_STREAM_REJECTED,     /* PC902 the destination refused the stream */
	PC_R_KNOWN_STALE,         /* PC810 an acknowledged break the run no longer shows */
	PC_R__COUNT
};

#define PC_SEV_BIT(s) (1u << (unsigned)(s))

struct pc_rule_info {
	const char *id;    /* "PC101" */
	const char *slug;  /* "section-missing" */
	enum pc_severity severity; /* default severity */
	const char *title;
	/* the other severities the rule may carry (PC_SEV_BIT()s; 0: none),
	 * each named in Documentation/rules.md's "may also be" column */
	unsigned also;
};

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
};

struct pc_report {
	struct pc_finding *items;
	size_t n, alloc;
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
