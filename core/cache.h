/*
 * cache.h - the registry cache: what scanning each plugin's code found,
 * so that a second run need not fork and load unchanged plugins again
 * (GStreamer's registry cache, without its binary format).
 *
 * An entry is keyed on the plugin's canonical path and its (size, mtime,
 * ctime) as stat() reports them; any change to the file misses the cache
 * and rescans.  The file (DIR/registry.json, JSON) also records the core
 * version and plugin ABI: another plugcheck build starts from empty.
 *
 * Ownership: struct pc_cache owns its entries; pc_cache_release() frees
 * them.  Failure behaviour: the cache is an optimisation and never an
 * input error.  A missing file is an empty cache; a corrupted one is an
 * empty cache plus a warning in 'warn' (the file is rewritten on save).
 * pc_cache_save() writes atomically (temp file, fsync, rename), creating
 * the directory; its failure is for the caller to report as a warning.
 */
#ifndef PC_CACHE_H
#define PC_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "scan.h"
#include "util.h"

#define PC_CACHE_FILE "registry.json"
#define PC_CACHE_FORMAT_VERSION 1

struct pc_cache_entry {
	char *path;          /* canonical (realpath) */
	uint64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
	enum pc_scan_status status;
	char *what;          /* the scan's message without the "PATH: " prefix */
};

struct pc_cache {
	char *dir;
	char *file;
	struct pc_cache_entry *items;
	size_t n, alloc;
	bool dirty;
};

/*
 * The default cache directory: $XDG_CACHE_HOME/plugcheck, else
 * $HOME/.cache/plugcheck; NULL when neither variable is set (no cache).
 * Caller frees.
 */
char *pc_cache_default_dir(void);

/*
 * Open the cache in 'dir'.  Always succeeds; a corrupted file sets 'warn'
 * ("FILE: corrupted registry cache (...): rebuilding it").
 */
void pc_cache_load(struct pc_cache *c, const char *dir, struct pc_err *warn);

/* The entry for canonical 'path' if its stat data still match, or NULL. */
const struct pc_cache_entry *pc_cache_lookup(const struct pc_cache *c,
					     const char *path,
					     const struct stat *st);

/* Record (or replace) the scan outcome for 'path'. */
void pc_cache_store(struct pc_cache *c, const char *path,
		    const struct stat *st, enum pc_scan_status status,
		    const char *what);

/* Write the cache if it changed; entries of vanished files are dropped. */
int pc_cache_save(struct pc_cache *c, struct pc_err *err);

void pc_cache_release(struct pc_cache *c);

#endif /* PC_CACHE_H */
