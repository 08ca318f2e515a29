/*
 * plugin-abi.c - a reference object that makes the plugin ABI visible to abidw.
 *
 * The plugin ABI (abi/include/plugcheck/plugin.h) is a set of types and a
 * symbol name, not library functions, so there is no binary to compare.
 * This object is one: it exports the module record a plugin exports and a
 * function taking every public type, so that `make abi-check` can compare
 * their layouts (abidw, abidiff) with the committed plugin-abi-N.abi.
 * It is compiled by `make abi-dump` only, never installed.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_EXPORT int plugcheck_abi_types(const struct plugcheck_api *api,
					 struct plugcheck_hook_ctx *ctx,
					 plugcheck_hook_fn hook);

PLUGCHECK_EXPORT int plugcheck_abi_types(const struct plugcheck_api *api,
					 struct plugcheck_hook_ctx *ctx,
					 plugcheck_hook_fn hook)
{
	return hook ? hook(api, ctx) : 0;
}

/* the record every plugin exports, as PLUGCHECK_MODULE defines it */
PLUGCHECK_MODULE(NULL, PC_PLUGIN("plugin-abi", "0"));
