/*
 * hookctx.h - the host side of plugin code hooks: the struct plugcheck_api
 * table handed to plugins (abi/include/plugcheck/plugin.h) and the context
 * of one hook call (struct plugcheck_hook_ctx: one device instance, its
 * effective properties and its loaded state).
 *
 * Two uses (Documentation/stream-format.md, "Hooks"):
 *  - validation: the destination runs every post_load hook of a device's
 *    type and its ancestors on the state it loaded; a refusal fails the
 *    load with the hook's reason;
 *  - shaping: the source runs the same hooks on the state it generated
 *    before sending it, and resets what a refusing hook looked at (to the
 *    property of the same name, or zero) until the hooks accept, so that
 *    the source only ever sends a state its own build would accept.
 *
 * Hooks come from the loaded plugin that declared them.  A recorded
 * baseline has no code: 'struct pc_hook_source' may name a registry whose
 * loaded plugins stand in (by type name) for shaping.  Nothing here
 * prints; hook code runs in the calling process (plugcheck migrate runs
 * each side in its own process).
 */
#ifndef PC_HOOKCTX_H
#define PC_HOOKCTX_H

#include <stdbool.h>
#include <stddef.h>

#include <plugcheck/plugin.h>

#include "resolve.h"
#include "state.h"

struct pc_hook_source {
	/* find hook code in this registry's plugins by type name (a loaded
	 * tree standing in for a code-less baseline); NULL: the object's own
	 * plugins */
	const struct pc_registry *code;
};

/* The API table (static, never freed). */
const struct plugcheck_api *pc_hook_api(void);

/* How many post_load hooks with code 'obj' has under 'src'. */
size_t pc_hooks_count(const struct pc_hook_source *src,
		      const struct pc_object *obj);

/*
 * Run every post_load hook of 'obj' on 'st'.  Returns 0 when all accept
 * (or there is none), 1 when one refuses: '*why' (caller frees) then says
 * "SYMBOL (plugin P): REASON".  '*ran' counts the hooks called.
 */
int pc_hooks_post_load(const struct pc_hook_source *src,
		       const struct pc_vm *vm, const struct pc_object *obj,
		       struct pc_sdesc *st, size_t *ran, char **why);

/*
 * Shape a generated state until the hooks accept it (see above).  Returns
 * 0, or -1 when the hooks still refuse after every reset they point at,
 * with the last reason in '*why' (caller frees).
 */
int pc_hooks_shape(const struct pc_hook_source *src, const struct pc_vm *vm,
		   const struct pc_object *obj, struct pc_sdesc *st,
		   char **why);

#endif /* PC_HOOKCTX_H */
