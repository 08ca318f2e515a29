/*
 * util.h - small shared helpers of the plugcheck core: growable strings,
 * error reporting, dotted versions, checked allocation and atomic writes.
 *
 * Conventions (see Documentation/internals.md):
 *  - actions return 0 or a negative value; predicates return bool;
 *  - constructors return NULL and fill a struct pc_err;
 *  - library code never prints or exits (only main() does).
 */
#ifndef PC_UTIL_H
#define PC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define PC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PC_UNUSED __attribute__((unused))
#else
#define PC_PRINTF(f, a)
#define PC_UNUSED
#endif

/*
 * Allocation: on exhaustion these abort with a message.  Out of memory is
 * not an input error and there is no useful way to go on (git's xmalloc).
 */
void *pc_xmalloc(size_t n);
void *pc_xcalloc(size_t n, size_t size);
void *pc_xrealloc(void *p, size_t n);
char *pc_xstrdup(const char *s);
char *pc_xstrndup(const char *s, size_t n);
char *pc_xasprintf(const char *fmt, ...) PC_PRINTF(1, 2);

/* Grow an array 'a' of 'nr' used / 'alloc' allocated items to hold 'want'. */
#define PC_ALLOC_GROW(a, want, alloc)                                        \
	do {                                                                 \
		if ((size_t)(want) > (size_t)(alloc)) {                      \
			size_t pc__n = (alloc) ? (size_t)(alloc) * 2 : 8;    \
			if (pc__n < (size_t)(want))                          \
				pc__n = (size_t)(want);                      \
			(a) = pc_xrealloc((a), pc__n * sizeof(*(a)));        \
			(alloc) = pc__n;                                     \
		}                                                            \
	} while (0)

/*
 * struct pc_strbuf: a NUL-terminated growable string.  'buf' is never NULL
 * after pc_strbuf_init(); pc_strbuf_release() frees it and re-inits.
 * pc_strbuf_detach() hands the string to the caller (who frees it).
 */
struct pc_strbuf {
	size_t len;
	size_t alloc;
	char *buf;
};
#define PC_STRBUF_INIT { 0, 0, pc__strbuf_empty }
extern char pc__strbuf_empty[];
void pc_strbuf_init(struct pc_strbuf *sb);
void pc_strbuf_release(struct pc_strbuf *sb);
char *pc_strbuf_detach(struct pc_strbuf *sb);
void pc_strbuf_add(struct pc_strbuf *sb, const void *data, size_t len);
void pc_strbuf_addstr(struct pc_strbuf *sb, const char *s);
void pc_strbuf_addch(struct pc_strbuf *sb, int c);
void pc_strbuf_addf(struct pc_strbuf *sb, const char *fmt, ...) PC_PRINTF(2, 3);
void pc_strbuf_vaddf(struct pc_strbuf *sb, const char *fmt, va_list ap);
void pc_strbuf_reset(struct pc_strbuf *sb);
/* 's' appended to 'sb', after 'sep' unless 'sb' is still empty: an item
 * of a separated list ("a, b", "dev.field") */
void pc_strbuf_addsep(struct pc_strbuf *sb, const char *sep, const char *s);

/*
 * struct pc_err: the error object filled by failing functions.  The first
 * error set wins (later calls while one is set are ignored), so the message
 * names the root cause.  pc_err_set() returns -1 so that callers can write
 * "return pc_err_set(err, ...)".  'err' may be NULL (error discarded).
 */
/*
 * Every error carries a code beside its text: what kind of failure it is,
 * for a caller that reacts differently to a missing file and a malformed
 * one.  The values are the public API's (enum plugcheck_error in
 * plugcheck/libplugcheck.h; api.c checks they agree).  pc_err_set() files
 * an error under PC_E_INPUT, the common case (malformed or inconsistent
 * input, the message naming file and line); pc_err_setc() names the code.
 */
enum pc_errcode {
	PC_E_NONE = 0,
	PC_E_USAGE,	/* a bad argument: option, API parameter */
	PC_E_IO,	/* a file or directory missing, unreadable, unwritable */
	PC_E_INPUT,	/* malformed or inconsistent input (file and line) */
	PC_E_NOT_FOUND,	/* a named thing absent: machine type, release, device */
	PC_E_PLUGIN,	/* a plugin refused: ELF, ABI, symbols, permissions */
	PC_E_LIMIT,	/* input beyond a documented bound */
	PC_E_INTERNAL,	/* an invariant broken: a bug in plugcheck */
	PC_E__COUNT
};

struct pc_err {
	bool set;
	enum pc_errcode code;
	char msg[2048];
};
int pc_err_set(struct pc_err *err, const char *fmt, ...) PC_PRINTF(2, 3);
int pc_err_setc(struct pc_err *err, enum pc_errcode code, const char *fmt,
		...) PC_PRINTF(3, 4);
/* Fill 'err' from 'inner' (code and text) behind a prefix: "PREFIX: MSG". */
int pc_err_wrap(struct pc_err *err, const struct pc_err *inner,
		const char *fmt, ...) PC_PRINTF(3, 4);
/* The code's stable name: "usage", "io", "input", "not-found", ... */
const char *pc_errcode_name(enum pc_errcode code);
void pc_err_clear(struct pc_err *err);

/*
 * Dotted versions ("5.1", "8.0.1", "11.0").  Missing components are zero:
 * "8.0" == "8.0.0" < "8.0.1".  pc_version_parse() returns 0 or -1.
 */
struct pc_version {
	int v[3];
};
int pc_version_parse(const char *s, struct pc_version *out);
int pc_version_cmp(const struct pc_version *a, const struct pc_version *b);
/* "8.0.1", or "8.0" when the third component is zero. */
void pc_version_str(const struct pc_version *v, char *buf, size_t len);

/*
 * Open an input file for reading without ever blocking on it: opened
 * O_NONBLOCK (a FIFO or a device does not hang the open), then fstat() on
 * the descriptor must say it is a regular file (so a file swapped between
 * a stat() and the open is caught too), then blocking reads again.  The
 * descriptor (O_CLOEXEC), or -1 with 'err' naming the path and what it is
 * ("a FIFO, not a regular file").
 */
int pc_open_input(const char *path, struct pc_err *err);

/*
 * Read a whole file into a NUL-terminated buffer (the file may itself hold
 * NULs: 'len' is the real size).  Refuses files over 'max' bytes, and
 * anything but a regular file (pc_open_input()).
 */
int pc_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct pc_err *err);

/*
 * Progress of long work (the release matrix, dump-abi, plugin scans):
 * the library reports steps with pc_progress(); the program that wants
 * them (the CLI, on a terminal) sets the one callback, which is called
 * from the thread doing the work.  Unset (the default): nothing happens.
 * 'what' names the work ("release matrix"), 'done' of 'total' steps are
 * finished; done == total ends it.
 */
typedef void (*pc_progress_fn)(void *ctx, const char *what, size_t done,
			       size_t total);
void pc_progress_set(pc_progress_fn fn, void *ctx);
void pc_progress(const char *what, size_t done, size_t total);

/* write(2) all of 'n' bytes, retrying on EINTR; 0 or -1 (errno set). */
int pc_write_all(int fd, const void *p, size_t n);

/*
 * Write 'len' bytes to 'path' atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory.  On any failure the old
 * file is untouched and the temporary file removed.  A file replaced keeps
 * its mode and (where we may set it) its owner; a new file is 0644.
 */
int pc_write_file_atomic(const char *path, const void *data, size_t len,
			 struct pc_err *err);

/*
 * In a child just forked from 'parent' (its getpid() before the fork):
 * the child gets SIGKILL when the parent dies (PR_SET_PDEATHSIG), and
 * exits at once if the parent is already gone.  Every child plugcheck
 * starts (plugin scanners, migration roles, QEMU) calls it first, so that
 * killing plugcheck leaves nothing running.
 */
void pc_child_dies_with(pid_t parent);

/*
 * The one integer parser: the whole string, decimal digits or 0x and hex
 * digits, with a leading '-' only under PC_INT_SIGNED.  No blanks, no '+',
 * no octal ("010" is ten; strtoll() would take all three, which is never
 * what an option, a compat table or a baseline means).  PC_INT_DEC: digits
 * only (no 0x); PC_INT_HEX: bare hex digits (no 0x).  The magnitude is
 * checked against UINT64_MAX; '*neg' tells a leading '-' ("-0" too).
 * Returns 0 or -1.
 */
#define PC_INT_SIGNED 1u
#define PC_INT_DEC 2u
#define PC_INT_HEX 4u
int pc_parse_int_text(const char *s, unsigned flags, bool *neg,
		      uint64_t *mag);
/* pc_parse_int_text() into an int64_t / uint64_t, range checked. */
int pc_parse_i64(const char *s, int64_t *out);
int pc_parse_u64(const char *s, uint64_t *out);

/* The value of digit 'c' (decimal, or hexadecimal when 'hex'), or -1. */
static inline int pc_digit_value(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Is s[0..n) well-formed UTF-8 (no overlong forms, surrogates or code
 * points above U+10FFFF)?  When not, *bad is the offset of the first bad
 * byte. */
bool pc_utf8_valid(const char *s, size_t n, size_t *bad);

bool pc_str_starts_with(const char *s, const char *prefix);
bool pc_str_ends_with(const char *s, const char *suffix);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t pc_edit_distance(const char *a, const char *b);
/* Best match of 'word' among 'cands' (NULL when nothing is close enough). */
const char *pc_suggest(const char *word, const char *const *cands, size_t n);
/*
 * Is 'word' a likely misspelling of the different name 'name'?  Yes when
 * the two differ only in case and '-'/'_', or when their edit distance is
 * at most 1 (names of up to 5 characters) or 2 (longer names) and neither
 * is the other with characters added at one end: QEMU names distinct but
 * related types that way (e1000/e1000e, nvme/nvme-ns), and a tree that
 * models one of them does not misspell the other.  Stricter than
 * pc_suggest(), which picks the best hint for a name already known wrong.
 */
bool pc_name_likely_typo(const char *word, const char *name);

/*
 * A map from strings to dense indexes 0..n-1 in order of insertion (open
 * addressing).  keys[i] is the i-th string (owned).  Zero-initialise.
 */
struct pc_strmap {
	char **keys;
	size_t n, alloc;
	size_t *slot;     /* index + 1; 0 = empty */
	size_t nslots;
};
/* Index of s[0..len), added when new. */
size_t pc_strmap_index(struct pc_strmap *m, const char *s, size_t len);
/* Index of s[0..len), or SIZE_MAX. */
size_t pc_strmap_find(const struct pc_strmap *m, const char *s, size_t len);
void pc_strmap_release(struct pc_strmap *m);

/*
 * May plugcheck load code or trusted data from directory 'dir' (an
 * absolute path without symlinks, e.g. from realpath())?  It and every
 * directory above it must be neither world-writable nor writable by a
 * group other than our own primary group (a user private group) unless
 * sticky (/tmp), and owned by root or by the user running plugcheck (so a
 * mktemp -d tree under /tmp is fine, a directory another user can rename
 * things in is not).  0 when safe; -1 with 'err' naming the directory and
 * why.  'safe' (may be NULL) caches the directories found safe.
 */
int pc_dir_chain_check(const char *dir, struct pc_strmap *safe, struct pc_err *err);

/* Before a process builds a large model (the commands call it before a
 * tree's load, the main job and qemu-diff; the benchmarks too, so that they
 * time what the commands run): one heap for all threads, 128 MiB of it
 * reserved at once and advised huge pages (util.c,
 * Documentation/performance.md).  A process-wide malloc policy: a program
 * calls it, the library never does.  Changes no result; the first call
 * does it, the others nothing. */
void pc_heap_reserve(void);
/*
 * Call fn(ctx, i) for every i in [0, n), on this thread and up to
 * threads - 1 more (each takes the next i), all joined before returning;
 * signals stay with the calling thread.  threads == 0: one per CPU the
 * process may run on (pc_cpu_count()), at most PC_PARALLEL_MAX.  A thread
 * that cannot be started only means fewer threads.  fn must not touch
 * state another i touches.
 */
#define PC_PARALLEL_MAX 8
void pc_parallel_for(size_t n, unsigned threads,
		     void (*fn)(void *ctx, size_t i), void *ctx);
/* The CPUs this process may run on (taskset, cpusets), at least 1. */
unsigned pc_cpu_count(void);

/*
 * The last byte of text[0..len) that is not JSON whitespace (space, tab,
 * LF, CR), or 'prev' when it is all whitespace (the last byte of earlier
 * text, for a document read in chunks).  A streaming reader checks with it
 * that the document ends where its root object closed ('}'): yajl accepts
 * an unfinished token after a finished root ('{...} "x'), jansson does not.
 */
int pc_json_last_byte(const char *text, size_t len, int prev);

/* Little-endian integers in the binary cache files (cache.c, vmkeys.c):
 * appended to a buffer, read from bytes the caller has bounds-checked. */
void pc_strbuf_put_u32(struct pc_strbuf *sb, uint32_t v);
void pc_strbuf_put_u64(struct pc_strbuf *sb, uint64_t v);
/* A file time in nanoseconds, as the caches record stat() data */
int64_t pc_timespec_ns(const struct timespec *ts);
uint32_t pc_get_le32(const unsigned char *p);
void pc_put_le32(unsigned char *p, uint32_t v);
uint64_t pc_get_le64(const unsigned char *p);

/* 64-bit FNV-1a, for layout fingerprints and caches. */
uint64_t pc_hash64(const void *data, size_t len, uint64_t seed);

#define PC_FNV_BASIS 0xcbf29ce484222325ULL
#define PC_FNV_PRIME 0x100000001b3ULL

/* pc_hash64(&v, sizeof(v), seed), inline and unrolled: for hot loops
 * (a layout's fingerprint hashes a few integers per field) */
static inline uint64_t pc_hash64_u64(uint64_t v, uint64_t seed)
{
	unsigned char b[8];
	uint64_t h = PC_FNV_BASIS ^ seed;

	_Static_assert(sizeof(v) == 8, "8 bytes");
	memcpy(b, &v, sizeof(v));
	/* written out: gcc -O2 keeps the loop */
	h = (h ^ b[0]) * PC_FNV_PRIME;
	h = (h ^ b[1]) * PC_FNV_PRIME;
	h = (h ^ b[2]) * PC_FNV_PRIME;
	h = (h ^ b[3]) * PC_FNV_PRIME;
	h = (h ^ b[4]) * PC_FNV_PRIME;
	h = (h ^ b[5]) * PC_FNV_PRIME;
	h = (h ^ b[6]) * PC_FNV_PRIME;
	h = (h ^ b[7]) * PC_FNV_PRIME;
	return h;
}

/* pc_hash64(s, strlen(s) + 1, seed) in one pass: the string and its NUL */
static inline uint64_t pc_hash64_str(const char *s, uint64_t seed)
{
	uint64_t h = PC_FNV_BASIS ^ seed;

	do {
		h ^= (unsigned char)*s;
		h *= PC_FNV_PRIME;
	} while (*s++);
	return h;
}

/*
 * struct pc_arena: a bump allocator for data that is freed all at once
 * (a parser's intermediate tree, the strings of one declaration).
 * pc_arena_alloc() memory is aligned for any type; pc_arena_bytes_dup()
 * copies n bytes and a NUL, unaligned.  Nothing moves, and there is no
 * per-object free.  pc_arena_init() may hand it a first buffer (e.g. on
 * the caller's stack) that is used before any heap chunk and never freed;
 * heap chunks are 'chunk' bytes (set it after pc_arena_init(); 0 means
 * 4096), or larger for a larger object; with 'chunk_max' set too, each
 * heap chunk is twice the last, up to chunk_max (an arena whose size is
 * not known in advance: few chunks for a large one, little memory for a
 * small one).  pc_arena_release() frees the heap chunks and leaves the
 * arena empty and reusable, starting again at 'chunk'.  An arena is not
 * safe to use from two threads at once.
 */
struct pc_arena_chunk;
struct pc_arena {
	struct pc_arena_chunk *chunks; /* heap chunks, newest first */
	char *cur;                     /* next free byte */
	size_t left;                   /* bytes free at 'cur' */
	char *first;                   /* the caller's buffer, or NULL */
	size_t first_size;
	size_t chunk;                  /* heap chunk size, 0: 4096 */
	size_t chunk_max;              /* 0: every chunk 'chunk' bytes */
	size_t grown;                  /* the next chunk's size when growing */
};
void pc_arena_init(struct pc_arena *a, void *buf, size_t size);
void *pc_arena_alloc(struct pc_arena *a, size_t n);
char *pc_arena_strndup(struct pc_arena *a, const char *s, size_t n);
char *pc_arena_bytes_dup(struct pc_arena *a, const char *s, size_t n);
void pc_arena_release(struct pc_arena *a);

#endif /* PC_UTIL_H */
