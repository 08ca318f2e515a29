/*
 * qemu-dump.h - the in-memory model of a QEMU `-dump-vmstate` JSON file:
 * sections (one per device type), their VMStateDescriptions, fields and
 * subsections, exactly as the dump states them.  The reader validates every
 * value and bounds every count, so code walking the model never has to.
 *
 * The model is deliberately independent of the comparison (qemu-diff.h) so
 * that a dump can also stand for one side of `plugcheck check`.  The format
 * and its quirks are described in Documentation/qemu-diff.md and
 * tests/fixtures/qemu-vmstate/README.md.
 *
 * Ownership: pc_qdump_load() / pc_qdump_parse() return a dump that owns
 * every string and node reachable from it (one arena); pc_qdump_free()
 * releases all of it.  Nothing in the model is modified after loading, so a
 * loaded dump may be shared read-only between threads.
 *
 * Failure: the constructors return NULL and fill 'err' with
 * "<label>: <json path>: <what>" (e.g. "dump1.json: $.fw_cfg.Description.
 * Fields[2]: missing key 'size'"), or "<label>:<line>:<column>: ..." when
 * the text is not JSON.  They never print or exit.
 */
#ifndef PC_QEMU_DUMP_H
#define PC_QEMU_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Bounds.  Real dumps (QEMU 9.x, x86, every device) are ~0.8 MB with ~200
 * sections, descriptions nest at most ~6 deep and the largest arrays hold
 * a few thousand elements; the limits leave orders of magnitude of room
 * while keeping every size computation far from overflow.
 */
#define PC_QDUMP_MAX_FILE     (64u << 20) /* bytes of JSON */
/* bytes of a well-formed dump the stream reader takes (it holds the
 * model, never the text); a larger one, or one over PC_QDUMP_MAX_FILE
 * that is not well-formed, is refused as over PC_QDUMP_MAX_FILE */
#define PC_QDUMP_MAX_STREAM_FILE (256u << 20)
#define PC_QDUMP_MAX_DEPTH    32          /* nested descriptions/subsections */
#define PC_QDUMP_MAX_SECTIONS 100000
#define PC_QDUMP_MAX_FIELDS   10000       /* per description */
#define PC_QDUMP_MAX_SUBSECTIONS 1000     /* per description */
#define PC_QDUMP_MAX_NAME     1024        /* bytes of any name */
#define PC_QDUMP_MAX_NUM      (1u << 24)  /* array elements */
#define PC_QDUMP_MAX_SIZE     (1u << 30)  /* bytes of one element */
#define PC_QDUMP_MAX_VERSION  INT32_MAX

struct pc_qdump_vmsd;

/* One VMStateField. */
struct pc_qdump_field {
	const char *name;          /* "usbsts", "unused" for padding */
	int version_id;            /* sent/loaded iff <= the stream's version */
	bool field_exists;         /* a test function decides presence at run time */
	bool has_num;              /* "num" given: a fixed-size array (VMS_ARRAY) */
	uint32_t num;              /* element count when has_num, else 0 */
	uint64_t size;             /* element size; for structs the C sizeof */
	const struct pc_qdump_vmsd *desc; /* nested structure, or NULL */
};

/* One VMStateDescription (top level, nested or subsection). */
struct pc_qdump_vmsd {
	const char *name;
	int version_id;
	int minimum_version_id;
	bool has_fields;           /* "Fields" present (absent != empty list) */
	bool has_subsections;
	const struct pc_qdump_field *fields;
	size_t n_fields;
	const struct pc_qdump_vmsd *subsections;
	size_t n_subsections;
};

/* One top-level entry: the key is the device type the dump was made for. */
struct pc_qdump_section {
	const char *name;          /* the object key (what QEMU's checker matches) */
	const char *type_name;     /* its "Name" member */
	int version_id;
	int minimum_version_id;
	const struct pc_qdump_vmsd *desc; /* NULL when "Description" is absent */
};

struct pc_qdump {
	const char *label;         /* file name used in messages and findings */
	const char *machine;       /* vmschkmachine.Name */
	/* vmschkmachine["Rendered-by"]: a side plugcheck rendered in its
	 * own view (qemu-render.h), or NULL for a QEMU build's dump */
	const char *rendered_by;
	const struct pc_qdump_section *sections; /* in file order */
	size_t n_sections;
	/* private: lookup tables and storage */
	uint32_t *by_name;         /* open addressing: section index + 1 */
	uint32_t *by_desc;         /* same, keyed by description name */
	size_t index_mask;
	struct pc_qdump_arena *arena;
};

/* Read and validate a dump file; 'path' is also the label. */
struct pc_qdump *pc_qdump_load(const char *path, struct pc_err *err);
/* Same from memory ('buf' need not be NUL-terminated). */
struct pc_qdump *pc_qdump_parse(const char *buf, size_t len, const char *label,
				struct pc_err *err);
/*
 * Two dump files read at once (a thread each); out[0] from 'a', out[1]
 * from 'b'.  -1 with the error pc_qdump_load() gives for 'a', else for
 * 'b' (neither is kept), as loading them one after the other would.
 */
int pc_qdump_load_pair(const char *a, const char *b, struct pc_qdump *out[2],
		       struct pc_err *err);

/*
 * The two readers pc_qdump_parse() is made of, for the fuzz target that
 * holds them equal.  The stream reader (yajl events straight into the
 * model) is fast and declines (NULL, no message) whatever it is not sure
 * the tree reader accepts; the tree reader (a jansson tree, walked) is the
 * authority, and words every error.  Whatever the stream reader accepts,
 * the tree reader accepts with the same model.
 */
struct pc_qdump *pc_qdump_parse_stream(const char *buf, size_t len,
				       const char *label);
struct pc_qdump *pc_qdump_parse_tree(const char *buf, size_t len,
				     const char *label, struct pc_err *err);
void pc_qdump_free(struct pc_qdump *d);

/*
 * Each section's key is its "Name", as QEMU's -dump-vmstate writes them
 * (both the QOM type name, savevm.c): -1 naming the file and the JSON
 * path of the first that differs.  A dump where they differ was edited,
 * and which name is the section's is ambiguous; QEMU's checker goes by
 * the key (its own test data renames fw_cfg so), and so does every
 * comparison here once this check is skipped.
 */
int pc_qdump_check_names(const struct pc_qdump *d, struct pc_err *err);

/* The same model (the machine, the sections in order with every
 * description, field and subsection; labels aside): the two readers are
 * held to it by their tests and the fuzz target. */
bool pc_qdump_same(const struct pc_qdump *a, const struct pc_qdump *b);

/* Section by object key, or by its description's name; NULL when absent. */
const struct pc_qdump_section *pc_qdump_find(const struct pc_qdump *d,
					     const char *name);
const struct pc_qdump_section *pc_qdump_find_desc(const struct pc_qdump *d,
						  const char *desc_name);

/*
 * Does the dump leave array counts unknown?  QEMU writes "num" for every
 * array since 8.1 (commit 12c81e5ae9, "migration/vmstate-dump: Dump
 * array size too as \"num\""); before, a field shows its element size
 * only, and an array of n elements looks like a scalar.  True for a dump
 * with no "num" anywhere that plugcheck did not render in its own view
 * (which writes "num" for every array): such a field's count is one or
 * more.
 */
bool pc_qdump_counts_unknown(const struct pc_qdump *d);

/*
 * Is 's' QEMU's dump of a device with `.unmigratable = 1`?  Such a
 * VMStateDescription (vmstate_nvme, usb-wacom-tablet's ...) has no fields
 * and no version: -dump-vmstate writes version 0 and a description with
 * neither "Fields" nor "Subsections".  QEMU refuses to migrate a VM with
 * the device, so nothing of it is ever sent.
 */
bool pc_qdump_section_unmigratable(const struct pc_qdump_section *s);

/* A field named "unused" is VMSTATE_UNUSED padding: zeros on save, skipped on load. */
bool pc_qdump_field_is_padding(const struct pc_qdump_field *f);
/* Element count on the wire: "num", or 1 for a scalar or struct. */
uint64_t pc_qdump_field_count(const struct pc_qdump_field *f);
/*
 * Bytes a field puts on the wire (saturating): count x size for a leaf,
 * count x the nested description's wire size for a struct (the struct's
 * "size" is a C sizeof and is not on the wire).  Nested descriptions use
 * their own version_id, as QEMU's save and load paths do.
 */
uint64_t pc_qdump_field_wire_size(const struct pc_qdump_field *f);
/* Bytes of the fields of 'v' sent at 'version' (subsections excluded). */
uint64_t pc_qdump_vmsd_wire_size(const struct pc_qdump_vmsd *v, int version);
/* Is 'f' on the wire of a stream at 'version'?  (field_exists: assumed yes) */
bool pc_qdump_field_present(const struct pc_qdump_field *f, int version);

#endif /* PC_QEMU_DUMP_H */
