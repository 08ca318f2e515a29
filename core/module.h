/*
 * module.h - one plugin module: its static inspection, the ABI gate and the
 * loading of its code (libltdl).  The loaded-code handle
 * (struct pc_plugin.handle) is this file's: pc_plugin_free() closes it.
 * The run over every plugin is loader.h's.
 */
#ifndef PC_MODULE_H
#define PC_MODULE_H

#include <stddef.h>

#include "model.h"
#include "util.h"

/*
 * Read the declaration from the ELF section of 'path' with libelf.  On
 * success '*decl' is a NUL-terminated copy (caller frees).  Errors: not an
 * ELF file, truncated, no section, section too large, NUL inside.
 */
int pc_elf_read_decl(const char *path, char **decl, size_t *len,
		     struct pc_err *err);

/* The plugin-ABI version on the first line of a declaration, or -1. */
int pc_decl_abi_version(const char *decl, size_t len);

/*
 * Inspect 'path' statically and apply the ABI gate.  Returns a new plugin
 * (name/version/... from the declaration header, decl owned) or NULL.
 */
struct pc_plugin *pc_plugin_inspect(const char *path, struct pc_err *err);
/*
 * A plugin from its declaration text 'decl' (owned from here on, freed on
 * failure; when 'borrowed', never freed by the plugin: 'decl' lives in a
 * buffer the plugin's registry owns, pc_registry_keep_text()): the ABI
 * gate and the header lines.  What pc_plugin_inspect() does with a
 * section just read, and the loader with a declaration from the registry
 * cache (borrowed: its file's buffer, never copied).
 */
struct pc_plugin *pc_plugin_from_decl(const char *path, char *decl,
				       size_t len, bool borrowed,
				       struct pc_err *err);

/*
 * Load the plugin's code with libltdl: verify the exported module record
 * (magic, ABI, size) and that its declaration equals the inspected one,
 * then run init.  Returns 0 or -1 with the real cause (libltdl hides
 * missing symbols behind "file not found": the loader asks dlopen).
 */
int pc_plugin_load_code(struct pc_plugin *p, struct pc_err *err);

/* Look up a hook symbol of a loaded plugin; NULL if absent. */
void *pc_plugin_symbol(const struct pc_plugin *p, const char *symbol);

/* The declaration as the loaded code exposes it (after load_code). */
const char *pc_plugin_loaded_decl(const struct pc_plugin *p, size_t *len);

void pc_plugin_free(struct pc_plugin *p);

/* lt_dlinit/lt_dlexit are reference counted; pair these. */
int pc_loader_init(struct pc_err *err);
void pc_loader_exit(void);

#endif /* PC_MODULE_H */
