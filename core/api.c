/*
 * api.c - libplugcheck's public API (abi/include/plugcheck/libplugcheck.h),
 * a thin layer over the internal one: the loader, machine sets, baselines,
 * the checker and the JSON report.  The only file whose functions carry the
 * exported plugcheck_ prefix; everything else in the library stays hidden
 * (core/libplugcheck.sym, -fvisibility=hidden).
 *
 * A facade: plugcheck_check_release() calls the functions the CLI's check
 * path calls (side.h: the tree, the release, the known breaks; pair.h: a
 * direction checked and counted; report-json.h), without printing: errors
 * go to the context with their codes.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugcheck/libplugcheck.h"
#include "plugcheck/plugin.h"

#include "check.h"
#include "loader.h"
#include "machine.h"
#include "pair.h"
#include "report-json.h"
#include "side.h"

#include "banned.h"

#define PC_API __attribute__((visibility("default")))

struct plugcheck_ctx {
	char **plugin_dirs;
	size_t n_plugin_dirs, alloc_plugin_dirs;
	char *machine_dir;
	char *abi_dir;
	struct pc_err err;
};

/* the internal codes are the public ones */
_Static_assert(PC_E_NONE == (int)PLUGCHECK_E_NONE &&
	       PC_E_USAGE == (int)PLUGCHECK_E_USAGE &&
	       PC_E_IO == (int)PLUGCHECK_E_IO &&
	       PC_E_INPUT == (int)PLUGCHECK_E_INPUT &&
	       PC_E_NOT_FOUND == (int)PLUGCHECK_E_NOT_FOUND &&
	       PC_E_PLUGIN == (int)PLUGCHECK_E_PLUGIN &&
	       PC_E_LIMIT == (int)PLUGCHECK_E_LIMIT &&
	       PC_E_INTERNAL == (int)PLUGCHECK_E_INTERNAL &&
	       PC_E__COUNT == (int)PLUGCHECK_E_INTERNAL + 1,
	       "enum pc_errcode and enum plugcheck_error differ");

static void ctx_error(struct plugcheck_ctx *ctx, enum pc_errcode code,
		      const char *fmt, ...) PC_PRINTF(3, 4);
static void ctx_error(struct plugcheck_ctx *ctx, enum pc_errcode code,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	va_end(ap);
	ctx->err.code = code;
	ctx->err.set = true;
}

/* the context's error from a library error: its code and text */
static void ctx_error_from(struct plugcheck_ctx *ctx, const struct pc_err *e)
{
	ctx_error(ctx, e->set ? e->code : PC_E_INTERNAL, "%s",
		  e->set ? e->msg : "(no error recorded)");
}

PC_API const char *plugcheck_version(void)
{
	return PC_VERSION;
}

PC_API int plugcheck_plugin_abi_version(void)
{
	return PLUGCHECK_ABI_VERSION;
}

static void add_dir(struct plugcheck_ctx *ctx, const char *dir)
{
	PC_ALLOC_GROW(ctx->plugin_dirs, ctx->n_plugin_dirs + 1,
		      ctx->alloc_plugin_dirs);
	ctx->plugin_dirs[ctx->n_plugin_dirs++] = pc_xstrdup(dir);
}

PC_API struct plugcheck_ctx *plugcheck_ctx_new(unsigned int flags)
{
	struct plugcheck_ctx *ctx;
	struct pc_err err = { 0 };

	if (flags & ~PLUGCHECK_CTX_NO_DEFAULT_PLUGINS)
		return NULL;
	if (pc_loader_init(&err))
		return NULL;
	ctx = pc_xcalloc(1, sizeof(*ctx));
	if (!(flags & PLUGCHECK_CTX_NO_DEFAULT_PLUGINS))
		add_dir(ctx, PC_PLUGINDIR);
	ctx->machine_dir = pc_xstrdup(PC_MACHINEDIR);
	ctx->abi_dir = pc_xstrdup(PC_ABIDIR);
	return ctx;
}

PC_API void plugcheck_ctx_free(struct plugcheck_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->n_plugin_dirs; i++)
		free(ctx->plugin_dirs[i]);
	free(ctx->plugin_dirs);
	free(ctx->machine_dir);
	free(ctx->abi_dir);
	free(ctx);
	pc_loader_exit();
}

PC_API int plugcheck_ctx_add_plugin_dir(struct plugcheck_ctx *ctx,
					const char *dir)
{
	pc_err_clear(&ctx->err);
	if (!dir || !*dir) {
		ctx_error(ctx, PC_E_USAGE, "plugin directory: expected a directory, found an empty name");
		return -1;
	}
	add_dir(ctx, dir);
	return 0;
}

static int set_dir(struct plugcheck_ctx *ctx, char **slot, const char *what,
		   const char *dir)
{
	pc_err_clear(&ctx->err);
	if (!dir || !*dir) {
		ctx_error(ctx, PC_E_USAGE, "%s: expected a directory, found an empty name", what);
		return -1;
	}
	free(*slot);
	*slot = pc_xstrdup(dir);
	return 0;
}

PC_API int plugcheck_ctx_set_machine_dir(struct plugcheck_ctx *ctx,
					 const char *dir)
{
	return set_dir(ctx, &ctx->machine_dir, "machine directory", dir);
}

PC_API int plugcheck_ctx_set_abi_dir(struct plugcheck_ctx *ctx,
				     const char *dir)
{
	return set_dir(ctx, &ctx->abi_dir, "ABI directory", dir);
}

PC_API const char *plugcheck_ctx_error(const struct plugcheck_ctx *ctx)
{
	return ctx->err.set ? ctx->err.msg : "";
}

PC_API enum plugcheck_error
plugcheck_ctx_error_code(const struct plugcheck_ctx *ctx)
{
	return ctx->err.set ? (enum plugcheck_error)ctx->err.code
			    : PLUGCHECK_E_NONE;
}

PC_API void plugcheck_free(void *p)
{
	free(p);
}

/* the first refused plugin, and whether there were more */
struct bad_plugins {
	char first[1024];
	size_t n;
};

static void bad_plugin(void *ctx, const char *msg)
{
	struct bad_plugins *bp = ctx;

	if (!bp->n++)
		snprintf(bp->first, sizeof(bp->first), "%s", msg);
}

/* The context's directories; plugins loaded into this process directly
 * (no scanner child), refused ones collected in 'bp'. */
static void side_env(const struct plugcheck_ctx *ctx, struct bad_plugins *bp,
		     struct pc_side_env *env)
{
	memset(env, 0, sizeof(*env));
	memset(bp, 0, sizeof(*bp));
	env->plugin_dirs = (const char *const *)ctx->plugin_dirs;
	env->n_plugin_dirs = ctx->n_plugin_dirs;
	env->machine_dir = ctx->machine_dir;
	env->abi_dir = ctx->abi_dir;
	env->need_hooks = true;
	env->bad_plugin = bad_plugin;
	env->cb_ctx = bp;
}

/* The tree: the context's plugins and machine types.  Bad plugins are
 * input errors (fail closed); the first one is the context's error. */
static int load_tree(struct plugcheck_ctx *ctx, const struct pc_side_env *env,
		     const struct bad_plugins *bp, struct pc_side *tree)
{
	struct pc_err err = { 0 };
	bool bad = false;

	if (pc_side_load_tree(env, tree, &bad, &err)) {
		memset(tree, 0, sizeof(*tree));
		ctx_error_from(ctx, &err);
		return -1;
	}
	if (bad) {
		ctx_error(ctx, PC_E_PLUGIN, "%s%s", bp->first,
			  bp->n > 1 ? " (and more plugin errors)" : "");
		return -1;
	}
	return 0;
}

static char *render(const char *machine, const char *release,
		    const struct pc_check *c, const struct pc_report *r,
		    const struct pc_pair *pairs, size_t npairs, int status)
{
	json_t *root = json_object();
	size_t known = 0;
	char *s;

	for (size_t i = 0; i < r->n; i++)
		known += r->items[i].known;
	json_object_set_new(root, "verb", json_string("check"));
	json_object_set_new(root, "mode", json_string("library"));
	json_object_set_new(root, "machine", json_string(machine));
	json_object_set_new(root, "release", json_string(release));
	json_object_set_new(root, "pairs", pc_pairs_to_json(pairs, npairs, false));
	json_object_set_new(root, "known_breaks", json_integer((json_int_t)known));
	json_object_set_new(root, "sections_compared",
			    json_integer((json_int_t)c->sections_compared));
	json_object_set_new(root, "properties_compared",
			    json_integer((json_int_t)c->props_compared));
	json_object_set_new(root, "exit_status", json_integer(status));
	json_object_set_new(root, "findings", pc_report_to_json(r));
	json_object_set_new(root, "incompatible",
			    json_integer((json_int_t)pc_report_count(r, PC_SEV_INCOMPATIBLE)));
	s = pc_json_dump(root);
	json_decref(root);
	return s;
}

/* The release's side, knowing machine type 'm' */
static int load_release(struct plugcheck_ctx *ctx,
			const struct pc_side_env *env, const char *release,
			const struct pc_machine *m, struct pc_side *rel)
{
	struct pc_err err = { 0 };
	bool bad = false;

	if (pc_side_load_spec(env, release, rel, &bad, &err)) {
		memset(rel, 0, sizeof(*rel));
		ctx_error_from(ctx, &err);
		return -1;
	}
	if (!pc_side_knows_machine(rel, m)) {
		ctx_error(ctx, PC_E_NOT_FOUND, "release %s does not know machine type '%s'",
			  release, m->name);
		return -1;
	}
	return 0;
}

/* Both directions between the tree and the release, then the stale
 * acknowledgements; the exit status. */
static int check_both(struct plugcheck_ctx *ctx, struct pc_check *c,
		      const struct pc_side *tree, const struct pc_side *rel,
		      struct pc_report *r, struct pc_pair pairs[2])
{
	struct pc_err err = { 0 };

	if (pc_pair_check(c, rel, tree, r, &pairs[0], &err) ||
	    pc_pair_check(c, tree, rel, r, &pairs[1], &err)) {
		ctx_error_from(ctx, &err);
		return PLUGCHECK_ERROR;
	}
	/* an acknowledgement of this release the tree no longer shows */
	pc_known_breaks_stale(c->known, r);
	return pc_report_fails(r) ? PLUGCHECK_INCOMPATIBLE
				  : PLUGCHECK_COMPATIBLE;
}

PC_API int plugcheck_check_release(struct plugcheck_ctx *ctx,
				   const char *machine, const char *release,
				   char **json)
{
	struct pc_side tree, rel;
	struct pc_known_breaks kb;
	struct pc_check c;
	struct pc_report r;
	struct pc_err err = { 0 };
	struct pc_version rv;
	struct pc_side_env env;
	struct bad_plugins bp;
	struct pc_pair pairs[2];
	const struct pc_machine *m;
	int status = PLUGCHECK_ERROR;

	if (json)
		*json = NULL;
	pc_err_clear(&ctx->err);
	memset(&tree, 0, sizeof(tree));
	memset(&rel, 0, sizeof(rel));
	memset(&kb, 0, sizeof(kb));
	memset(&c, 0, sizeof(c));
	pc_report_init(&r);
	if (!machine || !release || pc_version_parse(release, &rv)) {
		ctx_error(ctx, PC_E_USAGE, "check: expected a machine type and a release such as 8.0.1, found '%s' and '%s'",
			  machine ? machine : "(null)", release ? release : "(null)");
		return PLUGCHECK_ERROR;
	}
	side_env(ctx, &bp, &env);
	if (load_tree(ctx, &env, &bp, &tree))
		goto out;
	m = pc_machine_find(tree.machines, machine);
	if (!m) {
		pc_side_unknown_machine(tree.machines, machine, &err);
		ctx_error_from(ctx, &err);
		goto out;
	}
	if (load_release(ctx, &env, release, m, &rel))
		goto out;
	if (pc_side_load_known(&env, &kb, &err)) {
		ctx_error_from(ctx, &err);
		goto out;
	}
	c.machine = m->name;
	c.known = &kb;
	status = check_both(ctx, &c, &tree, &rel, &r, pairs);
	if (json && status != PLUGCHECK_ERROR)
		*json = render(m->name, release, &c, &r, pairs, 2, status);
out:
	pc_report_release(&r);
	pc_known_breaks_release(&kb);
	pc_side_release(&rel);
	pc_side_release(&tree);
	return status;
}
