/*
 * cmd-common.c - what the verbs share: messages, the option parser, report
 * printing, and the library's side loading (side.h) with its errors and
 * diagnostics printed.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "cmd.h"
#include "report-ci.h"
#include "report-html.h"
#include "report-json.h"

#include "banned.h"

static void vmsg(struct pc_cli *cli, const char *tag, const char *fmt,
		 va_list ap)
{
	pc_cli_progress_clear(cli);
	fprintf(cli->err, "plugcheck: %s", tag);
	vfprintf(cli->err, fmt, ap);
	fputc('\n', cli->err);
}

void pc_cli_error(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, cli->color ? "\033[1;31merror:\033[0m " : "error: ", fmt, ap);
	va_end(ap);
}

void pc_cli_warn(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, cli->color ? "\033[1;33mwarning:\033[0m " : "warning: ", fmt, ap);
	va_end(ap);
}

void pc_cli_verbose(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbose <= 0)
		return;
	va_start(ap, fmt);
	vmsg(cli, "", fmt, ap);
	va_end(ap);
}

bool pc_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int pc_cli_int(struct pc_cli *cli, const char *opt, const char *val, int lo,
	       int hi, int *out)
{
	int64_t v;

	if (!val || pc_parse_i64(val, &v) || v < lo || v > hi) {
		pc_cli_error(cli, "%s: expected a number from %d to %d, found '%s'",
			     opt, lo, hi, val ? val : "");
		return -1;
	}
	*out = (int)v;
	return 0;
}

bool pc_cli_ci_format(const struct pc_cli *cli)
{
	return cli->format == PC_FMT_SARIF || cli->format == PC_FMT_JUNIT ||
	       cli->format == PC_FMT_GITHUB || cli->format == PC_FMT_GNU;
}

void pc_cli_print_ci(struct pc_cli *cli, const struct pc_ci_run *run)
{
	enum pc_ci_format f = PC_CI_GNU;

	switch (cli->format) {
	case PC_FMT_SARIF:
		f = PC_CI_SARIF;
		break;
	case PC_FMT_JUNIT:
		f = PC_CI_JUNIT;
		break;
	case PC_FMT_GITHUB:
		f = PC_CI_GITHUB;
		break;
	case PC_FMT_GNU:
	case PC_FMT_TEXT:
	case PC_FMT_JSON:
	case PC_FMT_HTML:
		break;
	}
	if (f == PC_CI_JUNIT && cli->junit_suites)
		pc_ci_print_junit_suite(cli->out, run, cli->junit_suites);
	else
		pc_ci_print(cli->out, f, run);
}

void pc_cli_print_doc(struct pc_cli *cli, json_t *doc)
{
	if (cli->format == PC_FMT_HTML) {
		pc_html_report(cli->out, doc); /* the same document */
	} else {
		char *s = pc_json_dump(doc);

		fputs(s, cli->out);
		free(s);
	}
	json_decref(doc);
}

void pc_cli_print_report(struct pc_cli *cli, const char *verb,
			 const struct pc_report *r, void *extra)
{
	if (pc_cli_ci_format(cli)) {
		const struct pc_ci_run run = {
			.verb = verb, .r = r,
			.status = pc_report_fails(r) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK,
		};

		json_decref(extra);
		pc_cli_print_ci(cli, &run);
		return;
	}
	if (cli->format == PC_FMT_JSON || cli->format == PC_FMT_HTML) {
		json_t *root = json_object();

		json_object_set_new(root, "verb", json_string(verb));
		if (extra) {
			json_object_update(root, extra);
			json_decref(extra);
		}
		json_object_set_new(root, "findings", pc_report_to_json(r));
		json_object_set_new(root, "groups", pc_report_groups_to_json(r));
		json_object_set_new(root, "incompatible",
				    json_integer((json_int_t)pc_report_count(r, PC_SEV_INCOMPATIBLE)));
		pc_cli_print_doc(cli, root);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		pc_finding_format(&r->items[i], &sb);
		fputs(sb.buf, cli->out);
		pc_strbuf_release(&sb);
	}
}

static void note_cb(void *ctx, const char *msg)
{
	pc_cli_verbose(ctx, "%s", msg);
}

static void warn_cb(void *ctx, const char *msg)
{
	pc_cli_warn(ctx, "%s", msg);
}

static void bad_plugin_cb(void *ctx, const char *msg)
{
	pc_cli_error(ctx, "%s", msg);
}

static void refused_cb(void *ctx, const struct pc_err *err)
{
	pc_cli_error(ctx, "%s", err->msg);
}

void pc_cli_side_env(struct pc_cli *cli, struct pc_side_env *env)
{
	memset(env, 0, sizeof(*env));
	env->plugin_dirs = cli->plugin_dirs;
	env->n_plugin_dirs = cli->n_plugin_dirs;
	env->machine_dir = cli->machine_dir;
	env->abi_dir = cli->abi_dir;
	env->cache_dir = cli->cache_dir;
	env->allow_world_writable = cli->allow_unsafe;
	env->static_only = cli->static_only;
	env->scan = true;
	env->need_hooks = cli->need_hooks;
	/* tests with a hanging fixture need not wait for the default */
	env->scan_timeout = getenv("PLUGCHECK_SCAN_TIMEOUT");
	env->bad_plugin = bad_plugin_cb;
	env->refused = refused_cb;
	/* notes are shown with -v only: not formatted at all otherwise */
	env->note = cli->verbose > 0 ? note_cb : NULL;
	env->warn = warn_cb;
	env->cb_ctx = cli;
}

/* print a library error: 0 stays 0, anything else is -1 */
static int cli_err(struct pc_cli *cli, int r, const struct pc_err *err)
{
	if (!r)
		return 0;
	pc_cli_error(cli, "%s", err->msg);
	return -1;
}

int pc_cli_load_tree(struct pc_cli *cli, struct pc_side *side,
		     bool *bad_input)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };

	pc_heap_reserve();
	pc_cli_side_env(cli, &env);
	return cli_err(cli, pc_side_load_tree(&env, side, bad_input, &err), &err);
}

int pc_cli_load_side(struct pc_cli *cli, const char *spec,
		     struct pc_side *side, bool *bad_input)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };

	pc_cli_side_env(cli, &env);
	return cli_err(cli, pc_side_load_spec(&env, spec, side, bad_input, &err),
		       &err);
}

int pc_cli_load_baselines(struct pc_cli *cli, struct pc_side **sides,
			  size_t *n)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };

	pc_cli_side_env(cli, &env);
	return cli_err(cli, pc_side_load_baselines(&env, sides, n, &err), &err);
}

int pc_cli_load_fix_releases(struct pc_cli *cli, const struct pc_side *a,
			     const struct pc_side *b, struct pc_side **sides,
			     size_t *n)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };

	pc_cli_side_env(cli, &env);
	return cli_err(cli, pc_side_load_fix_releases(&env, a, b, sides, n, &err),
		       &err);
}

int pc_cli_load_known(struct pc_cli *cli, struct pc_known_breaks *kb)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };

	pc_cli_side_env(cli, &env);
	return cli_err(cli, pc_side_load_known(&env, kb, &err), &err);
}

int pc_cli_add_vm_device(struct pc_cli *cli, struct pc_side *side,
			 const char *spec)
{
	struct pc_err err = { 0 };

	return cli_err(cli, pc_side_add_vm_device(side, spec, &err), &err);
}

int pc_cli_check_side(struct pc_cli *cli, const struct pc_side *side,
		      const char *machine)
{
	struct pc_err err = { 0 };

	return cli_err(cli, pc_side_check(side, machine, &err), &err);
}

int pc_cli_common_devices(struct pc_cli *cli, const char *a, const char *b,
			  char ***out, size_t *n)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };
	bool bad = false;

	pc_cli_side_env(cli, &env);
	if (cli_err(cli, pc_side_common_devices(&env, a, b, out, n, &bad, &err),
		    &err))
		return -1;
	return bad ? -1 : 0;
}

void pc_cli_print_groups(struct pc_cli *cli, const struct pc_report *r,
			 const bool *keep, size_t nkeep)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	size_t ng;

	if (!nkeep)
		return;
	ng = pc_report_format_grouped(r, keep, cli->verbose, &sb);
	fprintf(cli->out, "\nFindings (%zu, %zu cause%s%s):\n", nkeep, ng,
		ng == 1 ? "" : "s",
		cli->verbose ? "" : "; -v shows every finding in full");
	fputs(sb.buf, cli->out);
	pc_strbuf_release(&sb);
}
