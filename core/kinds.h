/*
 * kinds.h - the property kinds and the field kinds, one table each.
 *
 * Each table is an X-macro: a row per kind, in enum order.  This header
 * generates the enums from them (below), kinds.c the name, size, class and
 * parse functions, decl.c the spellings it offers when a kind is misspelt.  No
 * other file lists the kinds: code that treats kinds differently asks for
 * the kind's class (or, for the few kinds with their own behaviour, names
 * the kind).  See "Adding a field kind" in Documentation/architecture.md.
 *
 * The enum value of a field kind is written in tagged migration streams
 * (stream.c) and baselines: append new kinds, never reorder.
 */
#ifndef PC_KINDS_H
#define PC_KINDS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Property kinds: X(ID, spelling, size, class, signed)
 *   ID        the enumerator is PC_PROP_<ID>
 *   spelling  the kind in the declaration language and in output
 *   size      integers: width in bytes (sets the accepted range); else 0
 *   class     PC_PCLASS_<class>: how values parse, print and evaluate
 *   signed    1 for signed integers
 */
#define PC_PROP_KINDS(X)                                  \
	X(BOOL,      "bool",      0, BOOL,      0)        \
	X(BIT,       "bit",       0, BOOL,      0)        \
	X(U8,        "u8",        1, INT,       0)        \
	X(U16,       "u16",       2, INT,       0)        \
	X(U32,       "u32",       4, INT,       0)        \
	X(U64,       "u64",       8, INT,       0)        \
	X(I8,        "i8",        1, INT,       1)        \
	X(I16,       "i16",       2, INT,       1)        \
	X(I32,       "i32",       4, INT,       1)        \
	X(I64,       "i64",       8, INT,       1)        \
	X(STRING,    "string",    0, STRING,    0)        \
	X(ENUM,      "enum",      0, ENUM,      0)        \
	X(ONOFFAUTO, "onoffauto", 0, ONOFFAUTO, 0)        \
	X(FEATURE,   "feature",   0, BOOL,      0)

/* What a property's values are (PC_PROP_BIT is a bool stored as bit
 * 'bitnr' of a flags word; PC_PROP_FEATURE is a virtio feature bit: a
 * bit the device offers and the guest negotiates (vfeature.h); PC_PROP_ENUM takes one of prop->enum_values;
 * ONOFFAUTO is QEMU's OnOffAuto: on, off, auto). */
enum pc_prop_class {
	PC_PCLASS_BOOL,      /* on/off; num 0/1 */
	PC_PCLASS_INT,       /* an integer of 'size' bytes */
	PC_PCLASS_STRING,    /* any text */
	PC_PCLASS_ENUM,      /* a name from a list; num is its index */
	PC_PCLASS_ONOFFAUTO, /* on/off/auto; num 1/0/2 */
};

/*
 * Field kinds: X(ID, spelling, size, class, signed)
 *   ID        the enumerator is PC_FIELD_<ID>
 *   spelling  the kind in the declaration language and in output
 *   size      wire size of one element in bytes; 0 when the declaration
 *             gives it (buffer, unused: size=) or it is a nested struct
 *   class     PC_FCLASS_<class>: how the field is read and compared
 *   signed    1 for signed integers
 */
#define PC_FIELD_KINDS(X)                                 \
	X(U8,     "u8",     1, INT,    0)                 \
	X(U16,    "u16",    2, INT,    0)                 \
	X(U32,    "u32",    4, INT,    0)                 \
	X(U64,    "u64",    8, INT,    0)                 \
	X(I8,     "i8",     1, INT,    1)                 \
	X(I16,    "i16",    2, INT,    1)                 \
	X(I32,    "i32",    4, INT,    1)                 \
	X(I64,    "i64",    8, INT,    1)                 \
	X(BOOL,   "bool",   1, BOOL,   0)                 \
	X(BUFFER, "buffer", 0, BUFFER, 0)                 \
	X(UNUSED, "unused", 0, UNUSED, 0)                 \
	X(STRUCT, "struct", 0, STRUCT, 0)

enum pc_field_class {
	PC_FCLASS_INT,    /* a big-endian integer of 'size' bytes */
	PC_FCLASS_BOOL,   /* one byte, 0 or 1 */
	PC_FCLASS_BUFFER, /* 'size' bytes of opaque data */
	PC_FCLASS_UNUSED, /* 'size' bytes of padding (zeros, skipped on load) */
	PC_FCLASS_STRUCT, /* a nested description ('desc') */
};

/* The number of rows of a table: enum { N = 0 PC_FIELD_KINDS(PC_KIND_ONE) } */
#define PC_KIND_ONE(...) + 1

/* ------------------------------------------- generated from the tables */

/* PC_PROP_BOOL, PC_PROP_BIT, PC_PROP_U8, ...: the table above */
#define PC_PROP_ENUMERATOR(id, spelling, size, class, sgn) PC_PROP_##id,
enum pc_prop_kind { PC_PROP_KINDS(PC_PROP_ENUMERATOR) };
#undef PC_PROP_ENUMERATOR
enum { PC_PROP_KIND_COUNT = 0 PC_PROP_KINDS(PC_KIND_ONE) };

/* From the tables above (kinds.c); the name of an out-of-range kind
 * is "?" */
const char *pc_prop_kind_name(enum pc_prop_kind k);
int pc_prop_kind_parse(const char *s, enum pc_prop_kind *out);
enum pc_prop_class pc_prop_kind_class(enum pc_prop_kind k);
/* integers: width in bytes, and whether signed; else 0 and false */
uint32_t pc_prop_kind_size(enum pc_prop_kind k);
bool pc_prop_kind_signed(enum pc_prop_kind k);

/* PC_FIELD_U8, ..., PC_FIELD_STRUCT: the table above */
#define PC_FIELD_ENUMERATOR(id, spelling, size, class, sgn) PC_FIELD_##id,
enum pc_field_kind { PC_FIELD_KINDS(PC_FIELD_ENUMERATOR) };
#undef PC_FIELD_ENUMERATOR
enum { PC_FIELD_KIND_COUNT = 0 PC_FIELD_KINDS(PC_KIND_ONE) };

/* From the tables above (kinds.c).  Bytes of one element of a scalar
 * field kind (0 for buffer/unused/struct); the name of an out-of-range kind
 * is "?". */
uint32_t pc_field_kind_size(enum pc_field_kind k);
const char *pc_field_kind_name(enum pc_field_kind k);
int pc_field_kind_parse(const char *s, enum pc_field_kind *out);
enum pc_field_class pc_field_kind_class(enum pc_field_kind k);
bool pc_field_kind_signed(enum pc_field_kind k);

/*
 * Migration priorities (QEMU's MigrationPriority, include/migration/
 * vmstate.h): the order in which the source sends its sections, higher
 * first (savevm.c savevm_state_handler_insert()).  X(ID, SPELLING,
 * VALUE): the enumerator PC_PRI_ID, the declaration's spelling, QEMU's
 * value.  A description without priority= is 'default'.
 */
#define PC_MIG_PRIORITIES(X) \
	X(LOW, "low", 1) \
	X(DEFAULT, "default", 2) \
	X(IOMMU, "iommu", 3) \
	X(PCI_BUS, "pci-bus", 4) \
	X(VIRTIO_MEM, "virtio-mem", 5) \
	X(APIC, "apic", 6) \
	X(GICV3_ITS, "gicv3-its", 7) \
	X(GICV3, "gicv3", 8)

#define PC_PRI_ENUMERATOR(id, spelling, value) PC_PRI_##id = value,
enum pc_mig_priority { PC_MIG_PRIORITIES(PC_PRI_ENUMERATOR) };
#undef PC_PRI_ENUMERATOR

/* The priority spelled 's' (0 and *out set), or -1; its spelling ("?"
 * out of range). */
int pc_mig_priority_parse(const char *s, enum pc_mig_priority *out);
const char *pc_mig_priority_name(enum pc_mig_priority p);

#endif /* PC_KINDS_H */
