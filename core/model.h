/*
 * model.h - the in-memory model of device types, properties and state
 * layouts, as declared by plugins (or recorded in a release baseline).
 *
 * The declaration language that fills this model is described in
 * Documentation/declaration-language.md; decl.c parses it, registry.c links
 * the parsed types together (parents, interfaces, named descriptions).
 *
 * Ownership: everything hangs off a struct pc_registry and is freed by
 * pc_registry_free().  Pointers between objects (type->parent,
 * field->desc ...) are borrowed and valid while the registry lives.
 */
#ifndef PC_MODEL_H
#define PC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "kinds.h"
#include "util.h"

/* ---------------------------------------------------------------- values */

/*
 * A property value.  'text' is the canonical spelling (bool/bit: "on"/"off",
 * integers in decimal, enums by name); 'num' is the integer view (bool 0/1,
 * enum index, on=1/off=0/auto=2).  'text' is owned by the value.
 */
struct pc_value {
	int64_t num;
	char *text;
};

/* ------------------------------------------------------------ properties */

/* "before release 'version' the default was 'value'" (a default change) */
struct pc_prop_change {
	struct pc_version version;
	char *value;
};

/* "from release 'version' (until the property existed) the device behaved
 * as 'value'"; version 0.0 means since the beginning */
struct pc_prop_absent {
	struct pc_version version;
	char *value;
};

struct pc_prop {
	char *name;
	enum pc_prop_kind kind;
	char **enum_values; /* PC_PROP_ENUM */
	size_t n_enum_values;
	char *container;    /* PC_PROP_BIT, PC_PROP_FEATURE: flags word name */
	int bitnr;          /* PC_PROP_BIT, PC_PROP_FEATURE */
	/* PC_PROP_FEATURE: offered only while each of these properties of
	 * the same object is on (requires=; vfeature.h) */
	char **requires;
	size_t n_requires;

	/* default: exactly one of these */
	char *def_text;          /* literal default, parsed per kind */
	/* derived from the machine configuration ("smp"), the object's other
	 * properties and the type's attributes (derive.h); on an onoffauto
	 * property: what 'auto' resolves to */
	struct pc_expr *def_expr;
	/* default comes from host capability NAME; on an onoffauto property
	 * the default is auto and auto resolves to on when the host has NAME */
	char *host_feature;
	/* realized=: the value after realize (QEMU resolving a sentinel at
	 * realize time), shown by props and compared with a captured QEMU;
	 * on an onoffauto: what a remaining auto resolves to (realize.h) */
	struct pc_expr *realized_expr;

	bool guest_visible;
	/* changes the migration stream or what the destination demands of
	 * it (QEMU's migration object knobs: section footers, the
	 * configuration section, multifd framing): both ends must agree */
	bool wire;
	bool has_since;
	struct pc_version since; /* property exists from this release */
	struct pc_prop_absent *absent; /* sorted by version, ascending */
	size_t n_absent;
	struct pc_prop_change *changes; /* sorted by version, ascending */
	size_t n_changes;
	char *doc;
	int line;
};

/* ------------------------------------------------------------ layouts */

enum pc_count_kind {
	PC_COUNT_ONE,   /* a scalar */
	PC_COUNT_FIXED, /* count = n */
	PC_COUNT_EXPR,  /* count = expression over properties */
	PC_COUNT_FIELD, /* count = value of an earlier scalar field */
};

struct pc_vmsd;

struct pc_field {
	char *name;
	enum pc_field_kind kind;
	uint32_t size;           /* element size in bytes (scalars: implied) */
	enum pc_count_kind count_kind;
	uint32_t count_fixed;
	struct pc_expr *count_expr;
	char *count_field;
	uint32_t count_max;      /* PC_COUNT_FIELD: upper bound on the wire */
	char *struct_name;       /* PC_FIELD_STRUCT */
	struct pc_vmsd *desc;    /* resolved by pc_registry_finalize() */
	int version;             /* QEMU field version_id gate; 0 = always */
	struct pc_expr *cond;    /* field present only if true (field_exists) */
	bool has_since;
	struct pc_version since; /* release that added the field */
	/* info=NAME: QEMU saves it with a VMStateInfo of no size of its own
	 * (VMSTATE_MSIX's "msix"): a -dump-vmstate shows one field of size
	 * 0 with nothing inside; NULL otherwise */
	char *info;
	int line;
};

struct pc_subsection {
	char *name;              /* a named description */
	struct pc_vmsd *desc;    /* resolved by pc_registry_finalize() */
	/*
	 * When it is sent (QEMU's needed()): without 'needed' and 'runtime',
	 * always (QEMU sends a subsection without needed() every time);
	 * 'needed' alone: exactly when the expression holds; 'runtime' alone:
	 * depending on guest state (may or may not be sent); both: never
	 * when the expression is false, depending on guest state otherwise.
	 */
	struct pc_expr *needed;
	bool runtime;
	bool has_since;
	struct pc_version since;
	int line;
};

/*
 * A value the destination verifies instead of loading: 'size' bytes at
 * 'offset' of buffer field 'field' must equal the destination's own value on
 * every bit of the destination's read-only mask (QEMU's PCI config check:
 * cmask & ~wmask & ~w1cmask).
 */
struct pc_invariant {
	char *name;
	char *field;
	uint32_t offset;
	uint32_t size;           /* 1, 2, 4 or 8 */
	struct pc_expr *value;
	struct pc_expr *romask;
	bool has_since;
	struct pc_version since;
	int line;
	struct pc_cfg_reg *reg;  /* 'register' (config space), or NULL */
};

/* "before release 'version' the value was 'value'" (was=) */
struct pc_inv_change {
	struct pc_version version;
	uint64_t value;
};

/*
 * What a 'register' adds to an invariant (Documentation/declaration-
 * language.md, "Config space"): QEMU's per-byte masks of a PCI config
 * register.  The invariant's 'romask' holds cmask (the bytes checked);
 * the destination compares cmask & ~wmask & ~w1cmask; the bits in wmask
 * or w1cmask are the guest's (or the device's) to change at run time.
 * 'field' may be a path (parent_obj.config); 'cap' makes 'offset'
 * relative to a capability of the type.
 */
struct pc_cfg_reg {
	bool is_register;        /* false: an invariant's was= only */
	struct pc_expr *wmask;   /* NULL: 0 */
	struct pc_expr *w1cmask; /* NULL: 0 */
	char *cap;               /* NULL: offset is absolute */
	struct pc_inv_change *changes; /* was=, ascending */
	size_t n_changes;
};

/*
 * A PCI capability of a type (QEMU's pci_add_capability(),
 * pcie_add_capability()): its list placement is part of the checked
 * config space.  Standard capabilities go at 'at' or the first free
 * space from 0x40 (pci_find_space()) and are linked at the head of the
 * list; extended ones ('express') need 'at' and are linked at its end.
 */
struct pc_capability {
	char *name;
	char *field;             /* the config buffer (a path) */
	uint32_t id;
	uint32_t cap_version;    /* extended capabilities' version */
	uint32_t size;
	uint32_t at;             /* 0: first free (standard only) */
	bool express;
	struct pc_expr *cond;    /* present only when true, or NULL */
	/* a table the capability describes that the state carries (MSI-X:
	 * msix_save() writes 'entries' table entries): the path of that
	 * field from the section and the number of its elements, or NULL */
	char *table;
	struct pc_expr *entries;
	bool has_since;
	struct pc_version since;
	int line;
};

/* "before release 'version' the description had these version ids" */
struct pc_vmsd_change {
	struct pc_version version;
	int version_id;
	int min_version_id;
};

struct pc_vmsd {
	char *name;
	int version_id;
	int min_version_id;
	/* QEMU's .priority: the section's place in the stream (0: default) */
	enum pc_mig_priority priority;
	struct pc_vmsd_change *changes; /* ascending */
	size_t n_changes;
	struct pc_field *fields;
	size_t n_fields;
	struct pc_subsection *subsections;
	size_t n_subsections;
	struct pc_invariant *invariants;
	size_t n_invariants;
	bool has_since;
	struct pc_version since;
	struct pc_plugin *plugin;
	int line;
};

/* ------------------------------------------------------------ types */

/* A composite device's child object (QEMU: virtio-blk-pci's vdev). */
struct pc_child {
	char *name;      /* "vdev" */
	char *type_name; /* "virtio-blk-device" */
	struct pc_type *type;
	bool alias_props;/* the parent exposes the child's properties */
	int line;
};

struct pc_hook {
	char *event;  /* "post_load", ... */
	char *symbol; /* looked up by name in the plugin */
};

/*
 * "migrating a VM with this device is refused" (QEMU: a VMStateDescription
 * with .unmigratable = 1, or a device that calls migrate_add_blocker()):
 * always, or only when property 'prop' has value 'value' (both NULL for
 * the type-level form); from release 'since' on when has_since.
 */
struct pc_blocker {
	char *prop;              /* NULL: the type always blocks */
	char *value;             /* the value that blocks, as declared */
	bool has_since;
	struct pc_version since;
	char *reason;            /* why QEMU refuses, or NULL */
	int line;
};

/*
 * A VM configuration the type's users run besides the default one
 * ('config NAME "P=V[,P=V...]"'): the main job checks it too
 * (vmconfig.h).  The properties are the type's (own, inherited or
 * aliased from a child), checked when the registry links the types.
 */
struct pc_config_decl {
	char *name;
	char *props;             /* "P=V[,P=V...]", as declared */
	int line;
};

/*
 * A RAM block the object owns (QEMU: a RAMBlock, sent by idstr and
 * used_length ahead of the device state; migration/ram.c
 * parse_ramblock()): an option ROM, a machine's firmware or ACPI blob.
 * 'size' is its used length; 'max' (resizeable blocks only, QEMU's
 * memory_region_init_resizeable_ram()) the most it may grow to on load;
 * 'cond' (or NULL) says when the object has the block at all (rombar,
 * romfile).  Subtypes inherit the blocks; one of the same name replaces
 * the ancestor's.
 */
struct pc_ramblock {
	char *name;
	struct pc_expr *size;
	struct pc_expr *max;     /* NULL: a fixed-size block */
	struct pc_expr *cond;    /* NULL: always */
	bool has_since;
	struct pc_version since; /* release that added the block */
	char *doc;
	int line;
};

/*
 * A type attribute: class data of the type (QEMU's class_init or CPU
 * model definition: a CPU model's vendor, whether it has cache info),
 * not a property a user can set.  Subtypes inherit it and may declare
 * it again with another value.  Derived defaults read it by name.
 */
struct pc_attr {
	char *name;
	char *text;              /* the value as written (strings unquoted) */
	bool is_num;             /* an integer: 'num' */
	int64_t num;
	int line;
};

struct pc_type {
	char *name;
	char *parent_name;       /* NULL for roots ("device") */
	struct pc_type *parent;
	char **ifaces;           /* declared interfaces (not inherited ones) */
	size_t n_ifaces;
	bool abstract;
	bool interface;
	bool internal;           /* only exists as a child of a composite */
	/* state the machine type owns (QEMU: registered by the board, not
	 * by a -device: acpi_build, the firmware's RAM blocks): one object
	 * in every VM of the side, whatever devices it names */
	bool machine;
	bool has_since;
	struct pc_version since; /* release that added the type */
	struct pc_prop *props;   /* own properties (not inherited) */
	size_t n_props;
	struct pc_child *children;
	size_t n_children;
	char *section;           /* migration section description, or NULL */
	/* the property whose value prefixes the section's idstr, as QEMU's
	 * qdev path does ("0000:00:02.0/e1000e"), or NULL (inherited) */
	char *idstr_prop;
	struct pc_vmsd *section_desc;
	struct pc_hook *hooks;
	size_t n_hooks;
	struct pc_blocker *blockers; /* own (subtypes inherit them) */
	size_t n_blockers;
	struct pc_config_decl *configs; /* own (subtypes inherit them) */
	size_t n_configs;
	struct pc_ramblock *rams;    /* own (subtypes inherit them) */
	size_t n_rams;
	/* config space the type adds to its section's description
	 * (subtypes inherit them): registers and capabilities */
	struct pc_invariant *registers;
	size_t n_registers;
	struct pc_capability *caps;
	size_t n_caps;
	struct pc_attr *attrs;   /* own attributes (subtypes inherit them) */
	size_t n_attrs;
	char *doc;
	struct pc_plugin *plugin;
	int line;
};

/* ------------------------------------------------------------ plugins */

/*
 * Where a plugin's declaration lines were written in its C source: the
 * source position markers of its text ("#@ source FILE", "#@ line N";
 * Documentation/declaration-language.md, "Source positions"), one entry
 * a line that has one, in ascending text line order.  'files' are the
 * files as reported (pc_plugin_src_at()).  Kept beside the model rather
 * than in it: a declaration keeps its text line ('line'), and only a
 * finding that names a place looks its source position up.
 */
struct pc_srcline {
	uint32_t text_line;  /* line of the declaration text */
	uint32_t c_line;     /* line of the C source */
	uint32_t file;       /* index into 'files' */
};

struct pc_srcmap {
	char **files;
	size_t n_files;
	struct pc_srcline *lines;
	size_t n_lines;
};

struct pc_plugin {
	char *name;
	char *version;
	unsigned abi_version;
	char *path;      /* the .so (or baseline file) it came from */
	char *description;
	char *license;
	char *author;
	char *decl;      /* the declaration text (owned, unless borrowed) */
	size_t decl_len;
	/* 'decl' points into a buffer the registry owns (the registry
	 * cache's file, pc_registry_keep_text()): not freed with the plugin */
	bool decl_borrowed;
	void *handle;    /* lt_dlhandle when loaded, else NULL */
	/* source positions of 'decl' (owned), NULL when it has none: a
	 * plugin built with a header that predates them, a baseline's */
	struct pc_srcmap *src;
};

/* ------------------------------------------------------------ registry */

struct pc_registry {
	struct pc_plugin **plugins;
	size_t n_plugins, alloc_plugins;
	struct pc_type **types;
	size_t n_types, alloc_types;
	struct pc_vmsd **vmsds;  /* named descriptions, global namespace */
	size_t n_vmsds, alloc_vmsds;
	bool finalized;
	/* a baseline's registry: digest of its declarations file (0: none),
	 * so that baselines sharing one file share one registry */
	uint64_t decl_digest;
	/* buffers the plugins' declaration texts point into (the registry
	 * cache's file read once): freed after the plugins */
	char **texts;
	size_t n_texts, alloc_texts;
};

struct pc_registry *pc_registry_new(void);
void pc_registry_free(struct pc_registry *reg);

/*
 * The registry takes 'buf' (malloc'ed), which declaration texts of its
 * plugins (decl_borrowed) point into, and frees it after them.
 */
void pc_registry_keep_text(struct pc_registry *reg, char *buf);

/*
 * Parse the declaration text of 'plugin' (decl.c) and add its types and
 * descriptions.  'where' names the origin for messages (a file path).  The
 * registry takes ownership of 'plugin'.  A type or description declared
 * twice is an error naming both plugins.
 */
int pc_registry_add_plugin(struct pc_registry *reg, struct pc_plugin *plugin,
			   const char *where, struct pc_err *err);

/* Link parents, interfaces, children and struct references; detect cycles
 * and dangling names.  Must succeed before any lookup below. */
int pc_registry_finalize(struct pc_registry *reg, struct pc_err *err);

struct pc_type *pc_registry_find_type(const struct pc_registry *reg,
				      const char *name);
struct pc_vmsd *pc_registry_find_vmsd(const struct pc_registry *reg,
				      const char *name);
/* "Did you mean": the loaded type closest to 'word' (pc_suggest()), among
 * the instantiable ones only when 'concrete'; NULL when none is close. */
const char *pc_registry_suggest_type(const struct pc_registry *reg,
				     const char *word, bool concrete);
/* The loaded type that 'word' likely misspells (pc_name_likely_typo(),
 * the closest when several), or NULL: also when a loaded type is or
 * implements 'word' (pc_type_is_a()). */
const char *pc_registry_typo_type(const struct pc_registry *reg,
				  const char *word);
/* Every name some loaded type is or implements (pc_type_is_a() holds for
 * one type at least), added to 'names': one pass over the registry for
 * the callers that ask about many words. */
void pc_registry_isa_names(const struct pc_registry *reg,
			   struct pc_strmap *names);

/* QEMU's object_dynamic_cast(): 'name' is the type itself, an ancestor, or
 * an interface of it or of an ancestor. */
bool pc_type_is_a(const struct pc_type *t, const char *name);

/*
 * Call 'fn' with each PROP and VALUE (NUL-terminated copies) of a
 * configuration's "P=V[,P=V...]" (struct pc_config_decl), in order: -1
 * with 'err' set on an empty text or item, an item without '=' or with
 * an empty side, a property named twice, or when 'fn' fails.
 */
int pc_config_props_each(const char *props,
			 int (*fn)(void *ctx, const char *prop,
				   const char *value, struct pc_err *err),
			 void *ctx, struct pc_err *err);

/* Find a property of 't' or of an ancestor; '*owner' gets the declaring
 * type.  Child-aliased properties are not searched (see resolve.h). */
const struct pc_prop *pc_type_find_prop(const struct pc_type *t,
					const char *name,
					const struct pc_type **owner);

/* The same, or else a property a child with alias-props exposes (what a
 * -device or -global on the composite type can set). */
const struct pc_prop *pc_type_find_prop_aliased(const struct pc_type *t,
						const char *name);

/* Descriptions nest (struct fields, subsections) at most this many levels
 * below a section's description; the registry refuses a deeper one when it
 * links the descriptions, so a check never meets it. */
#define PC_MAX_NESTING 16

/*
 * Bounds on resolution, so that a declaration cannot make a check spend
 * memory and time it was never meant to (Documentation/hardening.md):
 * a section's resolved fields (a nested description is copied for every
 * field that holds it, so fan-out multiplies), its wire bytes (every
 * array at its count, nested ones multiplied), and a VM's resolved fields
 * over all its sections.  Refused before the memory is spent, naming the
 * plugin, the type and the path.  The defaults leave the shipped tree,
 * the 1,000-device benchmark tree and the largest benchmark inputs far
 * below them; --max-layout-fields N raises them for one run.
 */
struct pc_resolve_limits {
	uint64_t section_fields;  /* default 100,000 */
	uint64_t section_bytes;   /* default 1 GiB */
	uint64_t vm_fields;       /* default 4,000,000 */
};

/* The limits in force (process-wide; the library starts with the
 * defaults).  Set from the section field bound: the VM bound is 40 times
 * it, the byte bound 10,240 bytes a field (at least 1 GiB). */
void pc_resolve_limits(struct pc_resolve_limits *out);
void pc_resolve_set_field_limit(uint64_t section_fields);

/* A type and its ancestors: at most this many (the registry refuses a
 * longer parent chain when it links the types). */
#define PC_MAX_TYPE_DEPTH 64

/* Every property of 't' including inherited ones, ancestors first. */
size_t pc_type_all_props(const struct pc_type *t, const struct pc_prop **out,
			 const struct pc_type **owners, size_t max);

/* The description that defines 't''s migration section, inherited. */
const struct pc_vmsd *pc_type_section(const struct pc_type *t);
/* The property that prefixes 't''s section idstr (idstr=), inherited, or NULL. */
const char *pc_type_idstr_prop(const struct pc_type *t);

/* Instantiable by default: not abstract, not an interface, not internal. */
bool pc_type_is_concrete(const struct pc_type *t);
/* Machine-level state: 't' or an ancestor is declared 'machine'. */
bool pc_type_is_machine(const struct pc_type *t);

/* Parse 'text' as a value of 'prop'; fills 'out' (caller frees out->text). */
int pc_value_parse(const struct pc_prop *prop, const char *text,
		   struct pc_value *out, struct pc_err *err);
/* The same with out->text in arena 'a' (NULL: the heap): such a value
 * goes with the arena, never to pc_value_release(). */
struct pc_arena;
int pc_value_parse_in(const struct pc_prop *prop, const char *text,
		      struct pc_value *out, struct pc_arena *a,
		      struct pc_err *err);
void pc_value_release(struct pc_value *v);

/* Write the registry back as declaration text, canonical and sorted, one
 * plugin at a time (used for baselines: parse(write(x)) == x). */
void pc_decl_write_plugin(const struct pc_registry *reg,
			  const struct pc_plugin *plugin,
			  struct pc_strbuf *out);

/*
 * Where line 'text_line' of the declaration text of 'pl' was written: the
 * C source file (as reported: relative to the current directory when it
 * lies under it) with *c_line set, or NULL when the text has no source
 * position for that line (then the plugin file and the text line are the
 * place).  Cannot fail.
 */
const char *pc_plugin_src_at(const struct pc_plugin *pl, int text_line,
			     int *c_line);

/*
 * Line 'text_line' of the declaration text of 'pl' ('pl' may be NULL) as
 * prose names it, in 'buf' of 'len' bytes (returned): "FILE:N", its C
 * source, when the text records it, else "PLUGIN line N".
 */
const char *pc_plugin_place(const struct pc_plugin *pl, int text_line,
			    char *buf, size_t len);

/* 'text' without its source position markers (a "#@" comment and the
 * blank before it; a line of nothing else goes away): what a baseline
 * records, so that moving a declaration in its C file changes no
 * baseline.  Allocated; *out_len gets its length. */
char *pc_decl_strip_markers(const char *text, size_t len, size_t *out_len);

/* decl.c: parse declaration text into 'reg' for 'plugin'. */
int pc_decl_parse(struct pc_registry *reg, struct pc_plugin *plugin,
		  const char *text, size_t len, const char *where,
		  struct pc_err *err);

#endif /* PC_MODEL_H */
