/*
 * api.c - libplugcheck's public API (abi/include/plugcheck/libplugcheck.h),
 * a thin layer over the internal one: the loader, machine sets, baselines,
 * the checker and the JSON report.  The only file whose functions carry the
 * exported plugcheck_ prefix; everything else in the library stays hidden
 * (core/libplugcheck.sym, -fvisibility=hidden).
 *
 * A facade: plugcheck_check_release() runs the job `plugcheck check` runs
 * (job.h), restricted to one release (PC_JOB_RELEASE: the tree and the
 * release loaded with side.c, both directions checked and counted with
 * pair.c, the outcome), and renders it with report-json.h, without
 * printing: errors go to the context with their codes.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plugcheck/libplugcheck.h"
#include "plugcheck/plugin.h"

#include "job.h"
#include "loader.h"
#include "report-json.h"

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

/* the run job as the API's JSON report (mode "library") */
static char *render(const struct pc_job *j, const char *release)
{
	json_t *root = json_object();
	char *s;

	json_object_set_new(root, "verb", json_string("check"));
	json_object_set_new(root, "mode", json_string("library"));
	json_object_set_new(root, "machine", json_string(j->machine->name));
	json_object_set_new(root, "release", json_string(release));
	json_object_set_new(root, "pairs", pc_pairs_to_json(j->pairs, j->n_pairs,
							    j->known_fails));
	json_object_set_new(root, "known_breaks",
			    json_integer((json_int_t)j->known_found));
	json_object_set_new(root, "sections_compared",
			    json_integer((json_int_t)j->check.sections_compared));
	json_object_set_new(root, "properties_compared",
			    json_integer((json_int_t)j->check.props_compared));
	json_object_set_new(root, "exit_status", json_integer((int)j->status));
	json_object_set_new(root, "findings", pc_report_to_json(&j->report));
	json_object_set_new(root, "incompatible",
			    json_integer((json_int_t)j->incompatible));
	s = pc_json_dump(root);
	json_decref(root);
	return s;
}

_Static_assert(PC_JOB_COMPATIBLE == PLUGCHECK_COMPATIBLE &&
	       PC_JOB_INCOMPATIBLE == PLUGCHECK_INCOMPATIBLE &&
	       PC_JOB_ERROR == PLUGCHECK_ERROR,
	       "a job's status is the API's verdict");

/* The error of a job that failed: a refused plugin of the tree (the job
 * fails closed) is the first one's message, else the job's error. */
static void job_error(struct plugcheck_ctx *ctx, const struct pc_job *j,
		      const struct bad_plugins *bp, const struct pc_err *err)
{
	if (j->tree.reg && j->bad_input && bp->n)
		ctx_error(ctx, PC_E_PLUGIN, "%s%s", bp->first,
			  bp->n > 1 ? " (and more plugin errors)" : "");
	else
		ctx_error_from(ctx, err);
}

PC_API int plugcheck_check_release(struct plugcheck_ctx *ctx,
				   const char *machine, const char *release,
				   char **json)
{
	struct pc_job_spec spec;
	struct pc_job j;
	struct pc_err err = { 0 };
	struct pc_version rv;
	struct pc_side_env env;
	struct bad_plugins bp;
	int status;

	if (json)
		*json = NULL;
	pc_err_clear(&ctx->err);
	if (!machine || !release || pc_version_parse(release, &rv)) {
		ctx_error(ctx, PC_E_USAGE, "check: expected a machine type and a release such as 8.0.1, found '%s' and '%s'",
			  machine ? machine : "(null)", release ? release : "(null)");
		return PLUGCHECK_ERROR;
	}
	side_env(ctx, &bp, &env);
	memset(&spec, 0, sizeof(spec));
	spec.mode = PC_JOB_RELEASE;
	spec.machine = machine;
	spec.release = release;
	if (pc_job_init(&j, &env, &spec, &err) || pc_job_load(&j, &err) ||
	    pc_job_run(&j, &err)) {
		job_error(ctx, &j, &bp, &err);
		pc_job_release(&j);
		return PLUGCHECK_ERROR;
	}
	status = (int)j.status;
	if (json)
		*json = render(&j, release);
	pc_job_release(&j);
	return status;
}
