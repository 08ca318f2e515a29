/*
 * plugcheck/libplugcheck.h - libplugcheck's public API: the checker as a
 * library, for management tools and build systems that want a verdict
 * without running the plugcheck command.
 *
 * Installed next to plugin.h; compile and link with
 * `pkg-config --cflags --libs plugcheck`.  Only the plugcheck_* names
 * declared here are exported (core/libplugcheck.sym); the library's SONAME
 * is libplugcheck.so.1 and changes when this API changes incompatibly
 * (Documentation/plugin-guide.md, "Versions").
 *
 * A context holds what one check needs: plugin directories (the tree's
 * plugins, vendor modules), a machine directory and an ABI directory
 * (release baselines and the known-breaks file).  It starts with the
 * installed defaults, the same ones the installed plugcheck command uses.
 *
 * Conventions:
 *  - functions returning int return 0 on success and -1 on error; the
 *    message is then available from plugcheck_ctx_error(), and what kind
 *    of error it is from plugcheck_ctx_error_code(), until the next call
 *    on the context;
 *  - strings given to the library are copied; strings returned through an
 *    out parameter are owned by the caller and released with
 *    plugcheck_free();
 *  - a context is not thread-safe: use one per thread (libltdl, which
 *    loads the plugins, is not thread-safe either: create and free
 *    contexts from one thread);
 *  - the library never prints and never exits.
 */
#ifndef PLUGCHECK_LIBPLUGCHECK_H
#define PLUGCHECK_LIBPLUGCHECK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Versions of this header; plugcheck_version() gives the library's. */
#define PLUGCHECK_LIB_MAJOR 1
#define PLUGCHECK_LIB_MINOR 1

/* Results of plugcheck_check_release(): the plugcheck command's exit
 * statuses. */
#define PLUGCHECK_COMPATIBLE 0
#define PLUGCHECK_INCOMPATIBLE 1
#define PLUGCHECK_ERROR 2

/* Flags of plugcheck_ctx_new(). */
#define PLUGCHECK_CTX_NO_DEFAULT_PLUGINS 0x1u /* skip the installed plugin dir */

struct plugcheck_ctx;

/* The library's version ("0.1.0"); static storage, never NULL. */
const char *plugcheck_version(void);

/* The plugin-ABI version the library loads (PLUGCHECK_ABI_VERSION). */
int plugcheck_plugin_abi_version(void);

/*
 * A new context with the installed defaults: plugin directory
 * `pkg-config --variable=plugindir plugcheck` (unless
 * PLUGCHECK_CTX_NO_DEFAULT_PLUGINS), machinedir and abidir.  Unknown flag
 * bits are an error.  Returns NULL on error (bad flags, or libltdl failed
 * to initialise).  Free with plugcheck_ctx_free().
 */
struct plugcheck_ctx *plugcheck_ctx_new(unsigned int flags);

/* NULL is allowed (does nothing). */
void plugcheck_ctx_free(struct plugcheck_ctx *ctx);

/*
 * Also load plugins from 'dir' (as --plugin-dir).  Takes effect at the
 * next check.  Returns 0, or -1 when 'dir' is NULL or empty.
 */
int plugcheck_ctx_add_plugin_dir(struct plugcheck_ctx *ctx, const char *dir);

/* Replace the machine directory (as --machine-dir).  0 or -1. */
int plugcheck_ctx_set_machine_dir(struct plugcheck_ctx *ctx, const char *dir);

/* Replace the ABI directory (as --abi-dir).  0 or -1. */
int plugcheck_ctx_set_abi_dir(struct plugcheck_ctx *ctx, const char *dir);

/*
 * Check the plugins and machine types of the context ("the tree") against
 * the recorded release 'release' (ABIDIR/releases/RELEASE.json) for machine
 * type 'machine' (a name or an alias), in both directions, with the
 * known-breaks file of the ABI directory applied: the same verdict as
 * `plugcheck check --machine M --from R --to tree` and back, with known
 * breaks acknowledged as in the main job.
 *
 * Returns PLUGCHECK_COMPATIBLE, PLUGCHECK_INCOMPATIBLE or PLUGCHECK_ERROR
 * (input errors: unknown machine, missing baseline, a bad plugin...; the
 * message is in plugcheck_ctx_error()).  When 'json' is not NULL it
 * receives the report (Documentation/json-schema.md, "check", mode
 * "library"), also on PLUGCHECK_ERROR when a report could be made, else
 * NULL.  Free it with plugcheck_free().
 */
int plugcheck_check_release(struct plugcheck_ctx *ctx, const char *machine,
			    const char *release, char **json);

/* The last error message of the context ("" when none); owned by ctx. */
const char *plugcheck_ctx_error(const struct plugcheck_ctx *ctx);

/*
 * What kind of error the last one was (since 1.1).  The values are stable;
 * new ones may be added at the end, so treat an unknown value as
 * PLUGCHECK_E_INTERNAL.
 */
enum plugcheck_error {
	PLUGCHECK_E_NONE = 0,	/* no error */
	PLUGCHECK_E_USAGE,	/* a bad argument (NULL or empty name, bad flags) */
	PLUGCHECK_E_IO,		/* a file or directory missing or unreadable */
	PLUGCHECK_E_INPUT,	/* malformed or inconsistent input (file:line) */
	PLUGCHECK_E_NOT_FOUND,	/* no such machine type, release or device */
	PLUGCHECK_E_PLUGIN,	/* a plugin refused (ELF, ABI version, symbols) */
	PLUGCHECK_E_LIMIT,	/* input beyond a documented bound */
	PLUGCHECK_E_INTERNAL	/* a bug in plugcheck: please report it */
};

/* The code of the last error of the context (PLUGCHECK_E_NONE when none). */
enum plugcheck_error plugcheck_ctx_error_code(const struct plugcheck_ctx *ctx);

/* Free a string returned by the library.  NULL is allowed. */
void plugcheck_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* PLUGCHECK_LIBPLUGCHECK_H */
