/*
 * stream.h - the plugcheck migration stream: device state generated from a
 * side's resolved layouts, written as a binary stream, and loaded back by
 * another side strictly by its own resolved layouts, the way QEMU's
 * vmstate_load_state() meets an incoming stream.
 *
 * The wire format is specified in Documentation/stream-format.md; this
 * file is its only implementation.  Field data is written and read
 * generically from the resolved layouts (struct pc_rdesc): plugins never
 * serialize anything, they may only validate what was loaded (hookctx.h).
 *
 * The loader treats the stream as hostile input: every length, count and
 * name is bounded before use, memory is only ever allocated for what the
 * loading side's own layout says a field holds, and every error names the
 * byte offset, the section and the field.
 *
 * Ownership: a struct pc_sdesc tree is owned by whoever generated or
 * loaded it and freed with pc_sdesc_free().  Load results own their
 * strings; pc_load_result_release() frees them.  Nothing here prints.
 */
#ifndef PC_STREAM_H
#define PC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve.h"
#include "state.h"
#include "util.h"

#define PC_STREAM_MAGIC "PCMS"
#define PC_STREAM_FORMAT 1
#define PC_STREAM_F_TAGGED 0x0001u /* a shape tag precedes every field */

/* Record markers (one byte each). */
enum pc_stream_marker {
	PC_SM_CONFIG = 0x01,
	PC_SM_SECTION = 0x02,
	PC_SM_SUBSECTION = 0x03,
	PC_SM_END = 0x04,     /* end of one description instance */
	PC_SM_FOOTER = 0x7e,
	PC_SM_EOF = 0x7f,
};

/* Bounds the loader enforces (Documentation/stream-format.md, "Limits"). */
#define PC_STREAM_MAX_NAME 255        /* section, instance, property names */
#define PC_STREAM_MAX_VALUE 4096      /* property value text */
#define PC_STREAM_MAX_OBJECTS 65536
#define PC_STREAM_MAX_PROPS 4096      /* per object */
#define PC_STREAM_MAX_SECTIONS 65536
#define PC_STREAM_MAX_SMP 65536
#define PC_STREAM_MAX_DEPTH PC_STATE_MAX_DEPTH /* nested structures, subsections */
#define PC_STREAM_DEFAULT_LIMIT (8ULL << 30) /* bytes read per stream */

/* ------------------------------------------------------------ byte I/O */

/*
 * A buffered byte stream over a file descriptor or memory, counting the
 * offset and the running CRC-32 (IEEE) of the current section and field.
 * Writers: pc_sio_init_fd()/pc_sio_init_mem_out(); readers:
 * pc_sio_init_fd()/pc_sio_init_mem_in().  pc_sio_release() frees the
 * buffer (and the memory output, unless detached).
 */
struct pc_sio {
	int fd;                 /* -1: memory */
	const uint8_t *in;      /* memory input */
	size_t in_len;
	uint8_t *out;           /* memory output */
	size_t out_len, out_alloc;
	uint8_t *buf;           /* fd buffering */
	size_t pos, fill;
	uint64_t off;           /* bytes consumed or produced */
	uint64_t limit;         /* reader: refuse to read past this offset */
	uint64_t stop;          /* reader: current section payload end */
	bool stop_set;
	uint32_t crc_sec, crc_field;
	bool in_field;          /* a recorded field is being moved */
	bool field_combine;     /* ... large: CRC it once, combine at its end */
	uint64_t field_start;
	int err_no;             /* last read/write errno */
	const char *origin;     /* "stream", a file name: for messages */
};

void pc_sio_init_fd(struct pc_sio *io, int fd, const char *origin);
void pc_sio_init_mem_in(struct pc_sio *io, const void *data, size_t len,
			const char *origin);
void pc_sio_init_mem_out(struct pc_sio *io, const char *origin);
/* Writer: push buffered bytes to the descriptor.  0 or -1 (errno kept). */
int pc_sio_flush(struct pc_sio *io);
void pc_sio_release(struct pc_sio *io);

uint32_t pc_crc32(uint32_t crc, const void *data, size_t len);
/* The CRC-32 of A followed by B, from crc(A), crc(B) and B's length. */
uint32_t pc_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* ------------------------------------------------------------ fields */

/* One field as it went over the wire: what the two sides compare. */
struct pc_lfield {
	char *path;       /* "parent_obj.config", "virtio.virtio/ringsize.vq" */
	char *shape;      /* "u32[4]", "buffer[1] (4096 bytes each)", ... */
	uint64_t off;     /* offset in the section payload */
	uint64_t len;     /* bytes on the wire */
	uint32_t crc;     /* CRC-32 of those bytes */
};

struct pc_lfields {
	struct pc_lfield *items;
	size_t n, alloc;
};

void pc_lfields_release(struct pc_lfields *l);

/* ------------------------------------------------------------ writing */

struct pc_stream_header {
	uint16_t format;
	uint16_t flags;
	uint64_t seed;
	uint32_t smp;
	char *release;     /* producing release ("11.0") */
	char *label;       /* producing side ("tree", "5.1") */
	char *machine;     /* canonical machine type name */
	uint64_t layout_hash;
	uint32_t n_sections;
};

void pc_stream_header_release(struct pc_stream_header *h);

/* Hash of a VM's resolved layouts: sections, instances, fingerprints. */
uint64_t pc_vm_layout_hash(const struct pc_vm *vm);

/*
 * Write the whole stream for 'vm' with the section states 'states' (one
 * per vm->sections[i], in order).  'fields' (may be NULL) receives, per
 * section, the fields written.  Returns 0 or -1 with a write error.
 */
int pc_stream_write(struct pc_sio *io, const struct pc_vm *vm,
		    struct pc_sdesc *const *states, uint64_t seed,
		    uint16_t flags, struct pc_lfields *fields,
		    struct pc_err *err);

/* ------------------------------------------------------------ loading */

enum pc_lmsg_kind {
	PC_LMSG_NOTE,      /* worth knowing, the load goes on (renames ...) */
	PC_LMSG_MISMATCH,  /* the destination refuses the state */
	PC_LMSG_MALFORMED, /* the stream itself is damaged or hostile */
};

struct pc_lmsg {
	enum pc_lmsg_kind kind;
	char *section;     /* "e1000e (instance e1000e)" or NULL */
	char *field;       /* field path, or NULL */
	uint64_t offset;   /* stream offset */
	char *text;        /* the full message, lower case, with the offset */
};

struct pc_lsection {
	char *name, *instance;
	int version;
	bool same_layout;    /* source fingerprint == ours */
	bool loaded;         /* parsed, invariants and hooks passed */
	struct pc_lfields fields;
};

struct pc_load_result {
	struct pc_lmsg *msgs;
	size_t n_msgs, alloc_msgs;
	size_t mismatches, notes;
	bool malformed;
	bool same_layout;     /* header layout hash == ours */
	uint64_t own_hash;
	struct pc_lsection *sections;
	size_t n_sections, alloc_sections;
	size_t props_compared, hooks_run;
	uint64_t bytes;
};

void pc_load_result_release(struct pc_load_result *r);

/*
 * Read and check the stream header.  Errors (bad magic, unsupported
 * format version, unknown flags, truncation, oversized strings, header
 * CRC) go to 'err' with the origin and byte offset.
 */
int pc_stream_read_header(struct pc_sio *io, struct pc_stream_header *h,
			  struct pc_err *err);

/* How hooks are found for the loading side (hookctx.h). */
struct pc_hook_source;

struct pc_load_opts {
	bool run_hooks;
	const struct pc_hook_source *hooks; /* NULL: the objects' own plugins */
};

/*
 * Load the rest of the stream into 'vm' (built for the header's machine
 * type and vCPU count).  Everything found goes to 'res'; the return value
 * is 0 when the load completed (mismatches may still have been found:
 * see res->mismatches) and -1 when the stream is malformed (res->malformed,
 * the message is the last PC_LMSG_MALFORMED entry).
 */
int pc_stream_load(struct pc_sio *io, const struct pc_stream_header *h,
		   const struct pc_vm *vm, const struct pc_load_opts *o,
		   struct pc_load_result *res);

#endif /* PC_STREAM_H */
