/*
 * loader.h - finding, inspecting and loading plugins (one plugin: module.h).
 *
 * Every plugin is first inspected statically: its ".plugcheck" section is
 * read with libelf (bounded reads, no plugin code run) and the ABI gate is
 * applied before anything else.  Only then may its code be loaded with
 * libltdl, to resolve its hooks by name and run its optional init; the
 * loaded module's declaration must be byte-identical to the section.
 *
 * Problems with individual plugins do not stop the others: they are
 * collected in a struct pc_diags (the run then ends with status 2).
 */
#ifndef PC_LOADER_H
#define PC_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "module.h"
#include "util.h"

struct pc_diags {
	char **msgs;
	size_t n, alloc;
};
void pc_diags_add(struct pc_diags *d, const char *fmt, ...) PC_PRINTF(2, 3);
void pc_diags_release(struct pc_diags *d);

/* What one pc_load_plugins() run did, for -v and the tests. */
struct pc_loader_stats {
	size_t found;     /* plugin files listed */
	size_t loaded;    /* added to the registry */
	size_t scanned;   /* code loaded in a scanner child */
	size_t cached;    /* scan outcome taken from the registry cache */
};

struct pc_loader_opts {
	const char *const *dirs;
	size_t n_dirs;
	bool load_code;           /* dlopen, verify, resolve hooks, run init */
	/*
	 * With load_code: load each plugin in a scanner child first (scan.h)
	 * and in this process only if that returned; a crash, exit or hang
	 * (scan_timeout_ms, 0 = default) is a diagnostic naming the plugin.
	 */
	bool scan;
	/*
	 * With load_code and scan: a plugin whose scan succeeded is loaded
	 * into this process only when the caller needs its hooks (migrate);
	 * checks read declarations, so a warm start opens no plugin at all.
	 */
	bool skip_parent_load;
	unsigned scan_timeout_ms;
	/* registry cache directory (cache.h), or NULL for none */
	const char *cache_dir;
	bool allow_world_writable;
	/* notes for -v (symlinks followed, files skipped, cache); may be NULL */
	void (*note)(void *ctx, const char *msg);
	/* warnings that do not make the input bad (a corrupted cache) */
	void (*warn)(void *ctx, const char *msg);
	void *note_ctx;
	struct pc_loader_stats *stats; /* filled when not NULL */
	/*
	 * Threads that parse the plugins' declarations: 0 chooses (one per
	 * CPU this process may run on, at most 8, and only this thread for
	 * fewer than 16 plugins); 1 parses on this thread only.  The registry, the
	 * diagnostics and their order are the same whatever the number:
	 * declarations are parsed ahead (decl.h) and committed one by one
	 * in the order the plugins were found.
	 */
	unsigned parse_threads;
	/*
	 * Called (when not NULL) once the declarations are parsed, before
	 * any plugin is admitted (its scan forked, its notes given): work
	 * the caller ran beside the parse is joined there.  Nonzero stops
	 * the run: nothing is admitted, no cache saved, and
	 * pc_load_plugins() returns -1 with 'err' untouched.
	 */
	int (*parsed)(void *ctx);
	void *parsed_ctx;
};

/*
 * List plugin files in the directories: DIR/ *.so and DIR/NAME/NAME.so,
 * sorted.  A missing directory, or a world-writable directory, plugin
 * subdirectory or plugin file (unless allowed; a sticky directory is
 * fine) is a diagnostic.  A symlink into another directory is followed
 * and always noted.  Caller frees the array and strings.
 */
int pc_plugin_find(const struct pc_loader_opts *o, char ***paths,
		   size_t *n, struct pc_diags *diags);

/*
 * Find, inspect (and optionally scan and load) every plugin, add them to
 * 'reg' and finalize it.  Bad plugins are reported in 'diags' and skipped;
 * two plugins with the same name or type are diagnosed with both files.
 * With a cache directory (and load_code and scan), an unchanged plugin
 * is not opened at all: one stat() of the file, and its declaration and
 * scan outcome come from the cache; the cache is saved at the end (a
 * failure to save is a warning).
 * Returns -1 only when nothing usable remains (no plugins at all, or the
 * registry cannot be finalized), with the reason in 'err'.
 */
int pc_load_plugins(struct pc_registry *reg, const struct pc_loader_opts *o,
		    struct pc_diags *diags, struct pc_err *err);

#endif /* PC_LOADER_H */
