/*
 * rule-table.h - the rule catalogue, one row a rule: the one table the
 * rule enum (finding.h), the catalogue lookups (finding.c) and
 * Documentation/rules.md's table come from (tests/unit/test_catalogue.c
 * holds rules.md equal to it, column by column).  IDs are stable: never
 * renumber a row, only add one.
 *
 * PC_RULE_TABLE(X) calls X(NAME, ID, SLUG, SEVERITY, ALSO, FAMILY, FIX,
 * TITLE) for every rule, in enum order (a new rule is a new last row):
 * the enumerator PC_R_NAME; its
 * "PCnnn"; its slug; its default severity (PC_SEV_...); the other
 * severities it may carry (PC_SEV_BIT()s, 0: none); its family
 * (PC_FAMILY_...: the rule family that reports it); its fix kind
 * (PC_FIX_...: what kind of change fixes it); its one-line meaning.
 */
#ifndef PC_RULE_TABLE_H
#define PC_RULE_TABLE_H

#define PC_RULE_TABLE(X) \
	X(SECTION_MISSING, "PC101", "section-missing", PC_SEV_INCOMPATIBLE, \
	  PC_SEV_BIT(PC_SEV_INFO), PC_FAMILY_SECTIONS, PC_FIX_CONFIGURATION, \
	  "the source sends a section the destination does not know") \
	X(SECTION_UNSENT, "PC102", "section-not-sent", PC_SEV_INCOMPATIBLE, \
	  PC_SEV_BIT(PC_SEV_INFO), PC_FAMILY_SECTIONS, PC_FIX_CONFIGURATION, \
	  "the destination has a device whose section the source never sends") \
	X(VERSION_TOO_NEW, "PC103", "section-version-too-new", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_VERSIONS, PC_FIX_DECLARATION, \
	  "the source's section version is newer than the destination loads") \
	X(VERSION_TOO_OLD, "PC104", "section-version-too-old", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_VERSIONS, PC_FIX_DECLARATION, \
	  "the source's section version is below the destination's minimum") \
	X(DESC_RENAMED, "PC105", "description-renamed", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_DECLARATION, \
	  "the description has another name on the destination") \
	X(FIELD_ADDED, "PC201", "field-added", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_DECLARATION, \
	  "the source sends a field the destination does not expect") \
	X(FIELD_MISSING, "PC202", "field-missing", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_DECLARATION, \
	  "the destination expects a field the source does not send") \
	X(FIELD_REORDERED, "PC203", "field-reordered", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_DECLARATION, \
	  "the same fields are sent in another order") \
	X(FIELD_RENAMED, "PC204", "field-renamed", PC_SEV_REVIEW, \
	  0, PC_FAMILY_FIELDS, PC_FIX_REVIEW, \
	  "a field has another name but the same wire shape") \
	X(FIELD_TYPE, "PC205", "field-type", PC_SEV_REVIEW, \
	  0, PC_FAMILY_FIELDS, PC_FIX_REVIEW, \
	  "a field's element type differs at the same size") \
	X(FIELD_SIZE, "PC206", "field-size", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_DECLARATION, \
	  "a field's element size differs") \
	X(FIELD_COUNT, "PC207", "field-count", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_COMPAT_LINE, \
	  "an array's element count differs") \
	X(NESTED_MISSING, "PC208", "nested-description-missing", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_FIELDS, PC_FIX_DECLARATION, \
	  "a nested structure is missing on one side (no description, or a plain field)") \
	X(SUBSECTION_UNKNOWN, "PC301", "subsection-unknown", PC_SEV_INCOMPATIBLE, \
	  PC_SEV_BIT(PC_SEV_REVIEW), PC_FAMILY_SUBSECTIONS, PC_FIX_COMPAT_LINE, \
	  "the source may send a subsection the destination does not know") \
	X(SUBSECTION_REQUIRED, "PC302", "subsection-required", PC_SEV_INFO, \
	  0, PC_FAMILY_SUBSECTIONS, PC_FIX_CONFIGURATION, \
	  "the destination requires a subsection the source never sends") \
	X(INVARIANT, "PC401", "invariant-mismatch", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_INVARIANTS, PC_FIX_COMPAT_LINE, \
	  "a value the destination verifies differs on its read-only bits") \
	X(GUEST_PROP, "PC501", "guest-visible-property", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_PROPERTIES, PC_FIX_COMPAT_LINE, \
	  "a guest-visible property differs") \
	X(PROP_ABSENT, "PC502", "property-absent", PC_SEV_INFO, \
	  0, PC_FAMILY_PROPERTIES, PC_FIX_REVIEW, \
	  "a property exists on one side only (compared by its behaviour)") \
	X(WIRE_PROP, "PC503", "stream-protocol-property", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_PROPERTIES, PC_FIX_COMPAT_LINE, \
	  "a property that shapes the migration stream differs") \
	X(MACHINE_UNKNOWN, "PC601", "machine-unknown", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_MACHINES, PC_FIX_CONFIGURATION, \
	  "a side does not know the machine type") \
	X(MACHINE_NAME, "PC602", "machine-name", PC_SEV_INFO, \
	  0, PC_FAMILY_MACHINES, PC_FIX_REVIEW, \
	  "the two sides describe different machine types") \
	X(HOST_FEATURE, "PC701", "host-feature", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_HOSTS, PC_FIX_CONFIGURATION, \
	  "a host capability the guest uses is missing on the destination") \
	X(HOST_FEATURE_EXTRA, "PC702", "host-feature-extra", PC_SEV_REVIEW, \
	  0, PC_FAMILY_HOSTS, PC_FIX_CONFIGURATION, \
	  "the destination's host offers a feature the guest did not see") \
	X(LINT_DEFAULT_CHANGE, "PC801", "default-change-without-compat", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_LINT, PC_FIX_COMPAT_LINE, \
	  "a default changed without compat entries for older machine types") \
	X(LINT_UNGATED_FIELD, "PC802", "ungated-addition", PC_SEV_REVIEW, \
	  0, PC_FAMILY_LINT, PC_FIX_DECLARATION, \
	  "a field or subsection was added without a version gate or condition") \
	X(LINT_NO_VERSION_BUMP, "PC803", "layout-change-without-version-bump", PC_SEV_REVIEW, \
	  0, PC_FAMILY_LINT, PC_FIX_DECLARATION, \
	  "a layout changed without a section version bump") \
	X(LINT_COMPAT_NOMATCH, "PC804", "compat-entry-matches-nothing", PC_SEV_INFO, \
	  0, PC_FAMILY_LINT, PC_FIX_COMPAT_ENTRY, \
	  "a compat entry names a type no plugin provides") \
	X(LINT_COMPAT_NOPROP, "PC805", "compat-entry-unknown-property", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_LINT, PC_FIX_COMPAT_ENTRY, \
	  "a compat entry names a property the matched type lacks") \
	X(LINT_COMPAT_TYPO, "PC806", "compat-entry-misspelt-type", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_LINT, PC_FIX_COMPAT_ENTRY, \
	  "a compat entry names no loaded type but one close to a loaded type's name (a likely typo)") \
	X(STREAM_VALUE, "PC901", "stream-value-mismatch", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_STREAM, PC_FIX_DECLARATION, \
	  "a migrated value differs after load") \
	X(STREAM_REJECTED, "PC902", "stream-rejected", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_STREAM, PC_FIX_DECLARATION, \
	  "the destination refused the migration stream") \
	X(KNOWN_STALE, "PC810", "known-break-stale", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_KNOWN_BREAKS, PC_FIX_KNOWN_BREAKS, \
	  "an acknowledged break no longer shows in a run that covers it") \
	X(DEVICE_UNMIGRATABLE, "PC603", "device-unmigratable", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_MACHINES, PC_FIX_CONFIGURATION, \
	  "a device of the VM blocks migration: the source refuses to start it") \
	X(VIRTIO_FEATURE_UNOFFERED, "PC506", "virtio-feature-unoffered", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_PROPERTIES, PC_FIX_COMPAT_LINE, \
	  "the source offers a virtio feature the destination does not: the guest may have negotiated it") \
	X(VIRTIO_FEATURE_EXTRA, "PC507", "virtio-feature-extra", PC_SEV_INFO, \
	  0, PC_FAMILY_PROPERTIES, PC_FIX_REVIEW, \
	  "the destination offers a virtio feature the source does not: the load succeeds") \
	X(RAM_SIZE, "PC106", "ramblock-size-mismatch", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_COMPAT_LINE, \
	  "a fixed-size RAM block (ROM, firmware) has another length on the destination") \
	X(RAM_TOO_LARGE, "PC107", "ramblock-too-large", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_COMPAT_LINE, \
	  "a RAM block is longer than the destination's resizeable block may grow") \
	X(RAM_UNKNOWN, "PC108", "ramblock-unknown", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_COMPAT_LINE, \
	  "the source sends a RAM block the destination's device does not have") \
	X(MACHINE_SECTION, "PC604", "machine-section-missing", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_MACHINES, PC_FIX_COMPAT_LINE, \
	  "the source's machine type sends a section of its own state the destination's does not register") \
	X(SECTION_IDSTR, "PC109", "section-idstr-mismatch", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_COMPAT_LINE, \
	  "the section's idstr (its device's path) differs on the destination") \
	X(SECTION_PRIORITY, "PC605", "section-priority-order", PC_SEV_REVIEW, \
	  0, PC_FAMILY_SECTIONS, PC_FIX_DECLARATION, \
	  "the source sends a section in another order than the destination's priorities put it") \
	X(CONFIG_RUNTIME_BITS, "PC402", "config-bits-guest-writable", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_INVARIANTS, PC_FIX_COMPAT_LINE, \
	  "config bits the source's guest may change are read-only and checked on the destination") \
	X(CAPABILITY_MOVED, "PC403", "capability-moved", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_INVARIANTS, PC_FIX_COMPAT_LINE, \
	  "a PCI capability is at another offset or another place in the capability list") \
	X(CAPABILITY_MISSING, "PC404", "capability-missing", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_INVARIANTS, PC_FIX_COMPAT_LINE, \
	  "a PCI capability is in one side's config space only") \
	X(LINT_CONFIG_CHANGE, "PC807", "config-change-without-compat", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_LINT, PC_FIX_COMPAT_LINE, \
	  "checked config space changed for an older machine type without a property and compat entry") \
	X(HOST_AUTO_FORCED, "PC704", "host-auto-forced-on", PC_SEV_INCOMPATIBLE, \
	  0, PC_FAMILY_HOSTS, PC_FIX_CONFIGURATION, \
	  "a property whose auto follows a host capability is on where the destination's host lacks it")

#endif /* PC_RULE_TABLE_H */
