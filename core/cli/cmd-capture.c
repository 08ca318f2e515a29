/*
 * cmd-capture.c - `plugcheck capture --qemu PATH`: a side captured from a
 * real QEMU binary (the library's capture.h does the work; this file
 * parses, reports progress and writes the file).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cmd.h"
#include "machine.h"

#include "banned.h"


static void capture_help(FILE *out)
{
	fputs("usage: plugcheck capture --qemu PATH [--machine M]... [--output FILE]\n"
	      "                         [--timeout SECONDS]\n\n"
	      "Capture a side from a real QEMU binary: its -dump-vmstate (the layouts),\n"
	      "and for each machine type the properties of one instance of every type\n"
	      "the tree models, as that QEMU resolves them (compat entries applied),\n"
	      "read over QMP from a paused QEMU (-S -nodefaults -accel tcg; no guest\n"
	      "code runs). Without --machine: every machine type the tree and the\n"
	      "binary both know. The file is written atomically (default: standard\n"
	      "output); 'check --from FILE --to tree --machine M' compares it.\n"
	      "--timeout bounds each QEMU step (default 30 s).\n", out);
}

static void progress(void *ctx, const char *msg)
{
	struct pc_cli *cli = ctx;

	if (cli->verbose)
		fprintf(cli->err, "plugcheck: capture: %s\n", msg);
}

/* the machine types to capture: as named (canonical when the tree knows
 * them), or every one the tree has */
static const char **machine_list(const struct pc_side *tree, const char **given,
				 size_t n_given, size_t *n, bool *skip_unknown)
{
	const struct pc_machine_set *ms = tree->machines;
	const char **out;

	*skip_unknown = n_given == 0;
	if (n_given) {
		out = pc_xcalloc(n_given, sizeof(*out));
		for (size_t i = 0; i < n_given; i++) {
			const struct pc_machine *m = pc_machine_find(ms, given[i]);

			out[i] = m ? m->name : given[i];
		}
		*n = n_given;
		return out;
	}
	out = pc_xcalloc(ms->n_machines + 1, sizeof(*out));
	for (size_t i = 0; i < ms->n_machines; i++)
		out[i] = ms->machines[i]->name;
	*n = ms->n_machines;
	return out;
}

static int write_capture(struct pc_cli *cli, json_t *cap, const char *output)
{
	char *text = json_dumps(cap, JSON_INDENT(1) | JSON_SORT_KEYS);
	struct pc_err err = { 0 };
	int ret = PC_EXIT_OK;

	if (!text) {
		pc_cli_error(cli, "capture: cannot encode the capture");
		return PC_EXIT_ERROR;
	}
	if (output) {
		size_t len = strlen(text);

		text[len] = '\0';
		if (pc_write_file_atomic(output, text, len, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			ret = PC_EXIT_ERROR;
		}
	} else {
		fputs(text, cli->out);
		fputc('\n', cli->out);
	}
	free(text);
	return ret;
}

int cmd_capture(struct pc_cli *cli, int argc, char **argv)
{
	const char *qemu = NULL, *output = NULL;
	const char **given = pc_xcalloc((size_t)argc + 1, sizeof(*given));
	size_t n_given = 0, n_targets = 0, n_types = 0, n_machines = 0;
	int timeout = 30, status = PC_EXIT_ERROR;
	struct pc_capture_target *targets = NULL;
	char **types = NULL;
	const char **machines = NULL;
	struct pc_side tree;
	struct pc_err err = { 0 };
	bool bad = false, loaded = false;
	json_t *cap;

	if (pc_cli_wants_help(argc, argv)) {
		capture_help(cli->out);
		free(given);
		return PC_EXIT_OK;
	}
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--qemu", &qemu),
			PC_OPT_LIST_ROW("--machine", given, &n_given),
			PC_OPT_STR_ROW("--output", &output),
			PC_OPT_INT_ROW("--timeout", &timeout, 1, 3600),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"capture", opts, NULL, NULL,
			"capture: unknown option or missing value '%s'",
		};

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			goto out;
	}
	if (!qemu) {
		pc_cli_error(cli, "capture: --qemu PATH is required (e.g. /usr/bin/qemu-system-x86_64)");
		goto out;
	}
	if (pc_cli_load_tree(cli, &tree, &bad))
		goto out;
	loaded = true;
	if (bad)
		goto out;
	pc_capture_targets(&tree, &targets, &n_targets, &types, &n_types, &err);
	{
		bool skip_unknown;
		struct pc_capture_spec spec = {
			.qemu = qemu,
			.targets = targets,
			.n_targets = n_targets,
			.tree_types = (const char *const *)types,
			.n_tree_types = n_types,
			.timeout = timeout,
			.version = "plugcheck " PC_VERSION,
			.note = progress,
			.cb_ctx = cli,
		};

		machines = machine_list(&tree, given, n_given, &n_machines, &skip_unknown);
		spec.machines = machines;
		spec.n_machines = n_machines;
		spec.skip_unknown = skip_unknown;
		cap = pc_capture_run(&spec, &err);
	}
	if (!cap) {
		pc_cli_error(cli, "capture: %s", err.msg);
		goto out;
	}
	status = write_capture(cli, cap, output);
	json_decref(cap);
out:
	pc_capture_targets_release(targets, n_targets, types, n_types);
	free(machines);
	if (loaded)
		pc_side_release(&tree);
	free(given);
	return status;
}
