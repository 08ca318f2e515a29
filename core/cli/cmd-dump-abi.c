/*
 * cmd-dump-abi.c - `plugcheck dump-abi --release R`: record the tree as
 * release R's baseline (abi/releases/R.json), written atomically.  With
 * --check, compare instead of writing (CI: are the baselines up to date?).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "report-json.h"
#include "cmd.h"

#include "banned.h"

/* 1 when 'path' holds exactly 'text', 0 when it differs or is missing,
 * -1 when it cannot be read for another reason */
static int same_file(const char *path, const char *text, struct pc_err *err)
{
	char *old = NULL;
	size_t len;
	int r;

	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if (pc_read_file(path, 64u << 20, &old, &len, err))
		return -1;
	r = len == strlen(text) && !memcmp(old, text, len);
	free(old);
	return r;
}

struct dopts {
	const char *release, *output;
	bool check;
};

/* 1: help printed, 0: parsed, -1: error printed */
static int parse(struct pc_cli *cli, int argc, char **argv, struct dopts *o)
{
	const struct pc_opt opts[] = {
		PC_OPT_STR_ROW("--release", &o->release),
		PC_OPT_STR_ROW("--output", &o->output),
		PC_OPT_FLAG_ROW("--check", &o->check),
		PC_OPTS_END,
	};
	const struct pc_optset set = {
		"dump-abi", opts, NULL, NULL,
		"dump-abi: unknown option or missing value '%s'",
	};
	struct pc_version rv;

	memset(o, 0, sizeof(*o));
	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck dump-abi --release R [--output FILE] [--check]\n\n"
		      "Record the tree's migration ABI as release R into ABI-DIR/releases/R.json:\n"
		      "the plugins' declarations, and for every machine type R knows its compat\n"
		      "chain as R shipped it.  R older than the tree reconstructs that release\n"
		      "from the declared history (Documentation/baselines.md).\n\n"
		      "  --output FILE  write there instead\n"
		      "  --check        do not write: exit 1 if the file differs from what\n"
		      "                 would be written\n", cli->out);
		return 1;
	}
	if (pc_cli_parse_opts(cli, &set, argc, argv))
		return -1;
	if (!o->release) {
		pc_cli_error(cli, "dump-abi: --release is required");
		return -1;
	}
	if (pc_version_parse(o->release, &rv)) {
		pc_cli_error(cli, "dump-abi: bad release '%s' (expected e.g. 8.0.1)",
			     o->release);
		return -1;
	}
	return 0;
}

/* --check: the recorded files against what would be written */
static int check_files(struct pc_cli *cli, const struct dopts *o,
		       const char *path, const struct pc_baseline_files *files)
{
	struct pc_err err = { 0 };
	char *dpath = pc_baseline_decl_path(path, files->decl_name);
	int a = same_file(path, files->text, &err);
	int b = a < 0 ? -1 : same_file(dpath, files->decl_text, &err);
	int status = PC_EXIT_ERROR;

	if (a < 0 || b < 0) {
		pc_cli_error(cli, "%s", err.msg);
	} else if (!a || !b) {
		if (cli->format == PC_FMT_TEXT)
			fprintf(cli->out, "%s: out of date (regenerate with plugcheck dump-abi --release %s)\n",
				a ? dpath : path, o->release);
		status = PC_EXIT_INCOMPATIBLE;
	} else {
		if (!cli->quiet && cli->format == PC_FMT_TEXT)
			fprintf(cli->out, "%s: up to date\n", path);
		status = PC_EXIT_OK;
	}
	free(dpath);
	return status;
}

static int write_files(struct pc_cli *cli, const struct dopts *o,
		       const struct pc_side *tree, const char *path,
		       const struct pc_baseline_files *files)
{
	struct pc_err err = { 0 };

	if (pc_baseline_files_write(path, files, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	if (!cli->quiet && cli->format == PC_FMT_TEXT)
		fprintf(cli->out, "recorded release %s: %zu plugins, %zu bytes -> %s (declarations: %s)\n",
			o->release, tree->reg->n_plugins, strlen(files->text), path,
			files->decl_name);
	return PC_EXIT_OK;
}

static void print_json(struct pc_cli *cli, const struct dopts *o,
		       const char *path, const char *text, int status)
{
	json_t *j = json_object();

	json_object_set_new(j, "verb", json_string("dump-abi"));
	json_object_set_new(j, "release", json_string(o->release));
	json_object_set_new(j, "path", json_string(path));
	json_object_set_new(j, "mode", json_string(o->check ? "check" : "write"));
	json_object_set_new(j, "bytes", json_integer((json_int_t)strlen(text)));
	json_object_set_new(j, "exit_status", json_integer(status));
	pc_cli_print_doc(cli, j);
}

/* the tree, recorded as o->release (or checked against the record) */
static int record(struct pc_cli *cli, const struct dopts *o,
		  const struct pc_side *tree)
{
	struct pc_baseline_files files = { 0 };
	struct pc_err err = { 0 };
	struct pc_version rv, tv;
	char *path;
	int status;

	pc_version_parse(o->release, &rv);
	pc_side_tree_version(tree, &tv);
	if (pc_version_cmp(&rv, &tv) > 0) {
		char t[32];

		pc_version_str(&tv, t, sizeof(t));
		pc_cli_error(cli, "dump-abi: release %s is newer than the tree (%s)",
			     o->release, t);
		return PC_EXIT_ERROR;
	}
	path = o->output ? pc_xstrdup(o->output)
			 : pc_xasprintf("%s/releases/%s.json", cli->abi_dir, o->release);
	if (pc_baseline_render(tree, o->release, path, &files, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		free(path);
		return PC_EXIT_ERROR;
	}
	status = o->check ? check_files(cli, o, path, &files)
			  : write_files(cli, o, tree, path, &files);
	if (cli->format == PC_FMT_JSON)
		print_json(cli, o, path, files.text, status);
	pc_baseline_files_release(&files);
	free(path);
	return status;
}

int cmd_dump_abi(struct pc_cli *cli, int argc, char **argv)
{
	struct dopts o;
	struct pc_side tree;
	bool bad = false;
	int status, p = parse(cli, argc, argv, &o);

	if (p)
		return p > 0 ? PC_EXIT_OK : PC_EXIT_ERROR;
	if (pc_cli_load_tree(cli, &tree, &bad))
		return PC_EXIT_ERROR;
	if (bad) {
		pc_cli_error(cli, "dump-abi: refusing to record a baseline from a tree with bad plugins");
		status = PC_EXIT_ERROR;
	} else {
		status = record(cli, &o, &tree);
	}
	pc_side_release(&tree);
	return status;
}
