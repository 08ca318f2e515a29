/*
 * resolve.h - sides, effective configuration and resolved wire layouts.
 *
 * A side is one end of a migration: a registry of device types (a plugin
 * tree, or the declarations recorded in a release baseline), a set of
 * machine types, optionally a release to reconstruct from the declared
 * history, user overrides and host capabilities.
 *
 * For a machine type and a vCPU count, pc_vm_build() instantiates the VM
 * configuration (default: one instance of every concrete type, composites
 * with their children) and computes every property's effective value with
 * its provenance: default (or derived, or host capability), then the
 * machine's compat chain (later wins), then --global overrides, then
 * per-device overrides.  pc_vm_resolve() then evaluates every layout
 * condition, count, version gate and invariant, giving exactly what this
 * side sends and what it accepts.
 *
 * Ownership: a struct pc_vm owns its objects and resolved sections;
 * pc_vm_release() frees them.  It borrows the side's registry and machines.
 * The property values' texts and the resolved layouts (every pc_rdesc,
 * its nodes, subsections, invariants, capabilities and their strings,
 * explanations formatted when read included) are in the VM's arena, freed
 * at once; the layouts' names are the declarations' own (pc_vmsd,
 * pc_field, ... of the side's registry, which outlives the VM), not
 * copies.
 */
#ifndef PC_RESOLVE_H
#define PC_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "model.h"
#include "util.h"

/* "TYPE.PROP=VALUE" (global, like -global) or "ID.PROP=VALUE" with
 * per_device set (like -device ...,id=ID,PROP=VALUE). */
struct pc_override {
	char *target;
	char *prop;
	char *value;
	bool per_device;
	char *origin; /* "--dst-global", "chain hop 2", ... */
};

int pc_override_parse(const char *text, bool per_device, const char *origin,
		      struct pc_override *out, struct pc_err *err);
void pc_override_release(struct pc_override *o);

/* Host capabilities (Documentation/host-caps.md). */
struct pc_host_caps {
	char *name;   /* host name, from the file or its base name */
	char *path;
	char **caps;
	size_t n_caps;
};
int pc_host_caps_load(const char *path, struct pc_host_caps *out,
		      struct pc_err *err);
void pc_host_caps_release(struct pc_host_caps *h);
bool pc_host_caps_has(const struct pc_host_caps *h, const char *cap);

/*
 * A RAM block of a built VM's object (struct pc_ramblock evaluated): its
 * used length, and its max_length when resizeable (else max == used);
 * 'why' explains the sizes, 'deps' names the properties that decided them.
 */
struct pc_rram {
	const struct pc_ramblock *decl;
	uint64_t used, max;
	bool resizeable;
	const char *why;
	const char *deps;
};

/* One device instance of the VM configuration (-device TYPE,id=ID,...). */
struct pc_devspec {
	char *id;
	char *type;
};

struct pc_bindex;

struct pc_side {
	char *label;                       /* "tree", "5.1", "dump.json" */
	struct pc_registry *reg;           /* owned when own_reg */
	struct pc_machine_set *machines;   /* owned when own_machines */
	bool own_reg, own_machines;
	bool project;                      /* reconstruct 'release' */
	struct pc_version release;         /* what this side is */
	char *origin;                      /* baseline file or tree dir */
	struct pc_override *overrides;
	size_t n_overrides;
	struct pc_host_caps *host;         /* borrowed, may be NULL */
	struct pc_devspec *devices;        /* NULL: default configuration */
	size_t n_devices;
	/* 'devices' is a part of the default configuration (ids = type
	 * names), checked with its rules: a type only one build has is
	 * info, not a break (the release matrix explains one device at a
	 * time this way) */
	bool devices_subset;
	/* the default configuration keeps the types that block migration
	 * (pc_side_type_blocker()): lint asks how a machine type behaves,
	 * not whether a VM migrates */
	bool keep_unmigratable;
	/* a recorded release: its resolved index (bindex.h), owned; the
	 * check compares the default configuration device by device with it */
	struct pc_bindex *index;
};

void pc_side_release(struct pc_side *s);
void pc_side_add_override(struct pc_side *s, const struct pc_override *o);
/*
 * Check the side's user configuration once, before any VM is built,
 * against the side's registry (and release): every --vm-device names an
 * instantiable type of the side, with a unique id; every override names a
 * device id of the configuration (per-device) or a loaded type or
 * interface (global, QEMU's -global: TARGET and its subtypes), and a
 * property that pc_vm_build() reaches on every object it applies to (its
 * own, inherited, or aliased from a composite's child), that exists in the
 * side's release, with a valid value.  A global that meets no device of
 * the configuration is valid when some loaded type is-a TARGET and has the
 * property.  The message names the option and has a did-you-mean when a
 * name is close.  With a machine type, also its compat chain: an entry
 * naming a property that an object it matches lacks (not optional) is
 * refused with its file:line.  Accepts exactly what pc_vm_build() can
 * apply.
 */
int pc_side_check_config(const struct pc_side *s, const struct pc_machine *m,
			 struct pc_err *err);

/* An effective property of an object. */
struct pc_eprop {
	const struct pc_prop *prop;
	const struct pc_type *owner; /* declaring type */
	struct pc_value val;         /* a built VM's: its text in the VM's arena */
	bool absent;                 /* does not exist in this release */
	/*
	 * The provenance: read it with pc_eprop_source().  pc_vm_build()
	 * records what the common ones ("default (FILE line N)", "compat
	 * entry FILE:LINE", ...) are made of and formats one only when it is
	 * read (most never are); source_text is the text once formatted, or
	 * set directly by whoever builds an eprop by hand (owned).
	 */
	char *source_text;
	unsigned char src_kind;      /* resolve.c's enum src_kind; 0: source_text */
	bool src_has;                /* a host capability's presence */
	const char *src_a, *src_b;   /* the side's, registry's or literal strings */
	const struct pc_side *src_side;
	/* the compat entry that set the value (the side's machine set owns
	 * it), or NULL: the provenance as a location */
	const struct pc_compat_entry *entry;
	/* a derived default (derived=, or an onoffauto's host= auto) not
	 * set explicitly: pc_vm_build() computes it last (derive.h) */
	bool derive_pending;
};

/* The provenance of 'ep' ("default (FILE line N)", ...), formatted on
 * first use and kept with the eprop (so a VM is not shared between
 * threads), or NULL when none was recorded. */
const char *pc_eprop_source(const struct pc_eprop *ep);

struct pc_object {
	char *id;                    /* "virtio-blk-pci", "virtio-blk-pci/vdev" */
	const struct pc_type *type;
	struct pc_eprop *props;
	size_t n_props;
	struct pc_object *parent;    /* composite, for children */
	size_t first_child, n_children; /* indexes into vm->objs */
	const char *child_name;
	/* its RAM blocks (the type's and inherited ones that exist in the
	 * side's release and whose if= holds), set by pc_vm_resolve() */
	struct pc_rram *rams;
	size_t n_rams;
};

/* ---- resolved layouts ---- */

struct pc_rdesc;

/*
 * What decided a field's presence and count, or a subsection's sending,
 * as resolution saw it: formatted only when read (pc_rnode_why(),
 * pc_rsub_why()) -- most never are.  The parts are "WHAT = EXPR = VALUE"
 * and the properties EXPR names with their values and provenance, on
 * object 'obj' of the VM whose objects are objs[0..n_objs) (they outlive
 * the layouts: pc_vm_release() frees both).
 */
struct pc_rwhy {
	const struct pc_object *obj, *objs;
	size_t n_objs;
	int smp;
	struct pc_arena *arena; /* the VM's: where the text goes when read */
	size_t n;
	struct {
		const char *what;          /* a literal */
		const struct pc_expr *e;
		long long value;
	} part[2];
	bool runtime;  /* a subsection also sent when the guest's state needs it */
};

struct pc_rnode {
	const char *name;
	enum pc_field_kind kind;
	uint32_t size;     /* element size */
	uint32_t count;    /* elements (1 for scalars) */
	uint32_t count_max;/* PC_COUNT_FIELD: bound; count is then 0 */
	const char *count_field; /* PC_COUNT_FIELD */
	int version;       /* field version gate (0 = always) */
	/* what decided count / presence, or NULL: pc_rnode_why() */
	const char *why_text;
	struct pc_rwhy *why_lazy;
	const char *deps;  /* property names that decided it, ' '-separated */
	struct pc_rdesc *desc; /* PC_FIELD_STRUCT */
	const char *info;  /* the declaration's info= (QEMU's dump shows the
			    * field with size 0 and nothing inside), or NULL */
	const struct pc_field *decl; /* its declaration */
};

enum pc_send { PC_SEND_NEVER, PC_SEND_ALWAYS, PC_SEND_MAYBE };

/*
 * What decides whether a subsection is sent, as declared
 * (Documentation/declaration-language.md): no condition (sent every
 * time: QEMU's description without needed()), needed=EXPR (the
 * properties decide), runtime (the guest's state decides), needed=EXPR
 * runtime (both: never when the expression is false).  A QEMU dump
 * records no needed(): its subsections are PC_SUBCOND_ALWAYS.
 */
enum pc_subcond {
	PC_SUBCOND_ALWAYS, PC_SUBCOND_NEEDED, PC_SUBCOND_RUNTIME,
	PC_SUBCOND_NEEDED_RUNTIME,
};

struct pc_rsub {
	enum pc_send send;
	enum pc_subcond cond;
	const char *why_text; /* pc_rsub_why() */
	struct pc_rwhy *why_lazy;
	const char *deps;
	struct pc_rdesc *desc;
};

struct pc_rinv {
	const char *name;
	const char *field;
	uint32_t offset, size;
	uint64_t value, romask;
	/* a register's bits the guest (wmask) or the device and the guest
	 * (w1cmask) change at run time: never verified by the destination
	 * that has them so, but the source's run-time value (0: none) */
	uint64_t runtime_bits;
	const char *why;
	const char *deps;
};

/* A capability as placed in a config buffer ('field' of its rdesc). */
struct pc_rcap {
	const char *name;
	const char *field;
	uint32_t id, cap_version, size;
	bool express;
	uint32_t offset, next;   /* where it is, the list pointer it holds */
	const char *why;
	const char *deps;
};

struct pc_rdesc {
	const struct pc_vmsd *decl; /* its declaration */
	const char *name;
	int version_id, min_version_id;
	struct pc_rnode *nodes;
	size_t n_nodes;
	struct pc_rsub *subs;
	size_t n_subs;
	struct pc_rinv *invs;
	size_t n_invs;
	struct pc_rcap *caps;    /* capabilities of a config buffer here */
	size_t n_caps;
	/* resolve.c's: room in invs and caps (registers and capabilities
	 * placed after the declared invariants) */
	size_t alloc_invs, alloc_caps;
};

/* What decided node 'n' (its presence, its count) or subsection 's'
 * (whether it is sent), formatted on first use and kept with it (a VM is
 * not shared between threads); NULL when nothing did. */
const char *pc_rnode_why(const struct pc_rnode *n);
const char *pc_rsub_why(const struct pc_rsub *s);

struct pc_rsection {
	const char *name;     /* section name (its description's name) */
	const char *instance; /* object id */
	/* QEMU's section idstr when the type prefixes it with a path
	 * (idstr=): "PATH/NAME"; NULL: the name alone */
	const char *idstr;
	const char *idstr_prop; /* the property that gave the path */
	/* its description's priority (QEMU's MIG_PRI_*, default when not
	 * declared): the source sends higher ones first */
	enum pc_mig_priority priority;
	const struct pc_object *obj;
	struct pc_rdesc *desc;
	uint64_t fingerprint;
};

struct pc_vm {
	const struct pc_side *side;
	const struct pc_machine *machine;
	int smp;
	/* building or resolving it read the vCPU count (an expression's
	 * smp, a derived default's provenance): false means the VM of any
	 * other vCPU count is the same but for 'smp' */
	bool reads_smp;
	struct pc_object *objs;
	size_t n_objs;
	struct pc_rsection *sections;
	size_t n_sections;
	/* what resolution made (the layouts, their strings): freed at once
	 * by pc_vm_release(); one per VM, as a VM is used by one thread */
	struct pc_arena *arena;
};

/*
 * Build the VM of 'side' for machine 'm' with 'smp' vCPUs.  Errors: a compat
 * entry or override naming a property the matched type lacks (unless
 * optional), a value that does not parse as the property's type, unknown
 * device types or ids, expressions that fail to evaluate.
 */
int pc_vm_build(const struct pc_side *side, const struct pc_machine *m,
		int smp, struct pc_vm *vm, struct pc_err *err);
/* Resolve the wire layouts of every object with a section. */
int pc_vm_resolve(struct pc_vm *vm, struct pc_err *err);
void pc_vm_release(struct pc_vm *vm);

const struct pc_object *pc_vm_find_object(const struct pc_vm *vm,
					  const char *id);
/* Effective property by name, searching aliases into children. */
const struct pc_eprop *pc_object_prop(const struct pc_vm *vm,
				      const struct pc_object *o,
				      const char *name,
				      const struct pc_object **holder);

/* What an expression reads for 'name' on object 'o' (expr.h): its
 * effective property (aliases into children searched), else its type's
 * attribute.  -1 when it has neither. */
struct pc_xval;
int pc_object_xval(const struct pc_vm *vm, const struct pc_object *o,
		   const char *name, struct pc_xval *out);

/*
 * How the device behaved at release 'r' while property 'p' did not exist
 * (its absent= history: the newest entry at or before r, else the oldest),
 * or NULL when the declaration does not say (no absent=).
 */
const char *pc_prop_absent_value(const struct pc_prop *p,
				 const struct pc_version *r);

/* Explain an effective value: "num-queues = 4 (derived: smp; file:line)". */
char *pc_eprop_explain(const struct pc_eprop *ep);

/* Does the side's release have type t (declared since=)? */
bool pc_side_has_type(const struct pc_side *s, const struct pc_type *t);

/*
 * Migration blockers (the declaration's 'unmigratable'; QEMU refuses
 * 'migrate' while any device of the VM registered one).
 * pc_side_type_blocker(): the type-level blocker of 't' or of an ancestor
 * in the side's release, or NULL; such a type is left out of the default
 * configuration (unless the side keeps it, keep_unmigratable).  pc_object_blocker(): the blocker that holds for the
 * object of a built VM (type-level, or a property-value one whose
 * property has that effective value), or NULL.
 */
const struct pc_blocker *pc_side_type_blocker(const struct pc_side *s,
					      const struct pc_type *t);
const struct pc_blocker *pc_object_blocker(const struct pc_vm *vm,
					   const struct pc_object *o);

/* Does a side (its release) know machine m? */
bool pc_side_knows_machine(const struct pc_side *s, const struct pc_machine *m);

/* Fingerprint of a resolved description (layout identity). */
uint64_t pc_rdesc_fingerprint(const struct pc_rdesc *d);

/*
 * Device keys.  A device is a top-level object of the default
 * configuration with its children ("ID", "ID/CHILD"); its key, for one VM,
 * mixes the fingerprints of its sections and then the property digests of
 * its objects, in the configuration's order, so that two VMs give a device
 * the same key exactly when they record the same values for it.  0 means
 * the device is absent.  Used by the release matrix (from recorded
 * indexes) and by the check (a resolved VM against a recorded one).
 */
struct pc_devkeys {
	size_t n_objects, n_sections;
	size_t *obj_dev, *sec_dev;   /* each object's / section's device */
	uint64_t *obj_h, *sec_h;     /* hash of each id (and section name) */
};

/*
 * The device of every object and section of a configuration: 'devs'
 * gives device ids their indexes (and gains the new ones), so that one
 * map can serve one VM or every release of a matrix.  sec_obj[i] is the
 * object of section i.
 */
void pc_devkeys_init(struct pc_devkeys *l, struct pc_strmap *devs,
		     size_t n_objects, const char *const *obj_ids,
		     size_t n_sections, const size_t *sec_obj,
		     const char *const *sec_names);
/* keys[d] (zeroed, one per device of 'devs') from the sections'
 * fingerprints and then the objects' property digests. */
void pc_devkeys_compute(const struct pc_devkeys *l, const uint64_t *sec_fps,
			const uint64_t *obj_digests, uint64_t *keys);
void pc_devkeys_release(struct pc_devkeys *l);

/*
 * Digest of what the check compares of an object's properties: every
 * property's name and flags, and the value of those a guest or host can
 * see or that shape the stream (wire).  Two objects with the same digest give no property finding in
 * either direction.
 */
uint64_t pc_object_digest(const struct pc_object *o);

#endif /* PC_RESOLVE_H */
