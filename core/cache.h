/*
 * cache.h - the registry cache: what inspecting and scanning each plugin
 * found, so that a second run need neither open nor fork and load
 * unchanged plugins again (GStreamer's registry cache).
 *
 * An entry is keyed on the plugin's canonical path and its (size, mtime,
 * ctime) as stat() reports them; any change to the file misses the cache
 * and the plugin is inspected and scanned again.  An entry holds the scan
 * outcome and the declaration text of the plugin's ".plugcheck" section,
 * so that a hit needs nothing from the file but its stat() data.  The
 * file (DIR/registry.bin, a binary format: Documentation/hardening.md)
 * also records the format version, the core version and the plugin ABI:
 * another plugcheck build starts from empty.
 *
 * Ownership: struct pc_cache owns its entries; pc_cache_release() frees
 * them.  Entries read from the file point into the file's buffer (kept
 * until release); strings returned by pc_cache_lookup() live until the
 * next pc_cache_store(), pc_cache_save() or pc_cache_release().
 * Failure behaviour: the cache is an optimisation and never an input
 * error.  A missing file is an empty cache; a corrupted one (bad magic,
 * truncated, lengths or offsets out of bounds, checksum mismatch, bad
 * entry) is an empty cache plus a warning in 'warn' (the file is
 * rewritten on save).  pc_cache_save() writes atomically (temp file,
 * fsync, rename), creating the directory; its failure is for the caller
 * to report as a warning.
 */
#ifndef PC_CACHE_H
#define PC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "scan.h"
#include "util.h"

#define PC_CACHE_FILE "registry.bin"
#define PC_CACHE_FORMAT_VERSION 2

struct pc_cache_entry {
	char *path;          /* canonical (realpath) */
	uint64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
	enum pc_scan_status status;
	char *what;          /* the scan's message without the "PATH: " prefix */
	char *decl;          /* the declaration text, NUL-terminated */
	size_t decl_len;     /* without the NUL */
	bool borrowed;       /* the strings point into the file's buffer */
};

struct pc_cache {
	char *dir;
	char *file;
	char *buf;           /* the file's bytes (entries point into it) */
	struct pc_cache_entry *items;
	size_t n, alloc;
	size_t *index;       /* open addressing on path: item + 1, 0 empty */
	size_t index_size;   /* a power of two, or 0 */
	bool dirty;
};

/*
 * The default cache directory: $XDG_CACHE_HOME/plugcheck, else
 * $HOME/.cache/plugcheck; NULL when neither variable is set (no cache).
 * Caller frees.
 */
char *pc_cache_default_dir(void);

/* A file of the cache directory 'dir': the directory made as needed
 * (mkdir -p, 0700: it is per user), then 'path' written atomically with
 * data[0..len).  -1 with 'err'. */
int pc_cache_write(const char *dir, const char *path, const void *data,
		   size_t len, struct pc_err *err);

/*
 * Open the cache in 'dir'.  Always succeeds; a corrupted file sets 'warn'
 * ("FILE: corrupted registry cache (...): rebuilding it").
 */
void pc_cache_load(struct pc_cache *c, const char *dir, struct pc_err *warn);

/* The entry for canonical 'path' if its stat data still match, or NULL. */
const struct pc_cache_entry *pc_cache_lookup(const struct pc_cache *c,
					     const char *path,
					     const struct stat *st);

/*
 * Record (or replace) the outcome for 'path': the scan's status and
 * message, and the declaration text the plugin was inspected with
 * ('decl_len' bytes, no NUL inside).  Outcomes that are not cacheable
 * (pc_scan_status_cacheable()) are not recorded.
 */
void pc_cache_store(struct pc_cache *c, const char *path,
		    const struct stat *st, enum pc_scan_status status,
		    const char *what, const char *decl, size_t decl_len);

/*
 * The checksum the file keeps of its body (everything after the header
 * and core version; Documentation/hardening.md), for tests that edit a
 * cache file and must reseal it to reach the checks behind the checksum.
 */
uint64_t pc_cache_checksum(const void *data, size_t len);

/* Write the cache if it changed; entries of vanished files are dropped. */
int pc_cache_save(struct pc_cache *c, struct pc_err *err);

/*
 * The file's buffer, which the entries read from the file point into, for
 * the caller to keep (and free) as long as it uses their strings: the
 * loader's plugins borrow their declaration texts from it, and their
 * registry owns it (pc_registry_keep_text()).  The cache stays usable
 * while the caller keeps the buffer; NULL when there is none.  The
 * buffer is the file as it was read once (never a mapping): a file
 * changed afterwards changes nothing in it.
 */
char *pc_cache_take_buffer(struct pc_cache *c);

void pc_cache_release(struct pc_cache *c);

#endif /* PC_CACHE_H */
