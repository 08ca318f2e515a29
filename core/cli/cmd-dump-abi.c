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

int cmd_dump_abi(struct pc_cli *cli, int argc, char **argv)
{
	const char *release = NULL, *output = NULL;
	bool check = false;
	struct pc_side tree;
	struct pc_err err = { 0 };
	struct pc_version rv, tv;
	bool bad = false;
	char *path, *text;
	struct pc_baseline_files files = { 0 };
	int status = PC_EXIT_ERROR;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck dump-abi --release R [--output FILE] [--check]\n\n"
		      "Record the tree's migration ABI as release R into ABI-DIR/releases/R.json:\n"
		      "the plugins' declarations, and for every machine type R knows its compat\n"
		      "chain as R shipped it.  R older than the tree reconstructs that release\n"
		      "from the declared history (Documentation/baselines.md).\n\n"
		      "  --output FILE  write there instead\n"
		      "  --check        do not write: exit 1 if the file differs from what\n"
		      "                 would be written\n", cli->out);
		return PC_EXIT_OK;
	}
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--release", &release),
			PC_OPT_STR_ROW("--output", &output),
			PC_OPT_FLAG_ROW("--check", &check),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"dump-abi", opts, NULL, NULL,
			"dump-abi: unknown option or missing value '%s'",
		};

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return PC_EXIT_ERROR;
	}
	if (!release) {
		pc_cli_error(cli, "dump-abi: --release is required");
		return PC_EXIT_ERROR;
	}
	if (pc_version_parse(release, &rv)) {
		pc_cli_error(cli, "dump-abi: bad release '%s' (expected e.g. 8.0.1)", release);
		return PC_EXIT_ERROR;
	}
	if (pc_cli_load_tree(cli, &tree, &bad))
		return PC_EXIT_ERROR;
	if (bad) {
		pc_cli_error(cli, "dump-abi: refusing to record a baseline from a tree with bad plugins");
		goto out;
	}
	pc_cli_tree_version(&tree, &tv);
	if (pc_version_cmp(&rv, &tv) > 0) {
		char t[32];

		pc_version_str(&tv, t, sizeof(t));
		pc_cli_error(cli, "dump-abi: release %s is newer than the tree (%s)", release, t);
		goto out;
	}
	path = output ? pc_xstrdup(output)
		      : pc_xasprintf("%s/releases/%s.json", cli->abi_dir, release);
	if (pc_baseline_render(&tree, release, path, &files, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		free(path);
		goto out;
	}
	text = files.text;
	if (check) {
		char *dpath = pc_baseline_decl_path(path, files.decl_name);
		int a = same_file(path, files.text, &err);
		int b = a < 0 ? -1 : same_file(dpath, files.decl_text, &err);

		if (a < 0 || b < 0) {
			pc_cli_error(cli, "%s", err.msg);
		} else if (!a || !b) {
			if (cli->format == PC_FMT_TEXT)
				fprintf(cli->out, "%s: out of date (regenerate with plugcheck dump-abi --release %s)\n",
					a ? dpath : path, release);
			status = PC_EXIT_INCOMPATIBLE;
		} else {
			if (!cli->quiet && cli->format == PC_FMT_TEXT)
				fprintf(cli->out, "%s: up to date\n", path);
			status = PC_EXIT_OK;
		}
		free(dpath);
	} else if (pc_baseline_files_write(path, &files, &err)) {
		pc_cli_error(cli, "%s", err.msg);
	} else {
		if (!cli->quiet && cli->format == PC_FMT_TEXT)
			fprintf(cli->out, "recorded release %s: %zu plugins, %zu bytes -> %s (declarations: %s)\n",
				release, tree.reg->n_plugins, strlen(text), path,
				files.decl_name);
		status = PC_EXIT_OK;
	}
	if (cli->format == PC_FMT_JSON) {
		json_t *o = json_object();
		char *j;

		json_object_set_new(o, "verb", json_string("dump-abi"));
		json_object_set_new(o, "release", json_string(release));
		json_object_set_new(o, "path", json_string(path));
		json_object_set_new(o, "mode", json_string(check ? "check" : "write"));
		json_object_set_new(o, "bytes", json_integer((json_int_t)strlen(text)));
		json_object_set_new(o, "exit_status", json_integer(status));
		j = pc_json_dump(o);
		fputs(j, cli->out);
		free(j);
		json_decref(o);
	}
	pc_baseline_files_release(&files);
	free(path);
out:
	pc_side_release(&tree);
	return status;
}
