/*
 * cmd-dump-vmstate.c - `plugcheck dump-vmstate`: the tree (or a recorded
 * release) in QEMU's -dump-vmstate format; and the check of a plugin side
 * against a real QEMU build's dump (`check --from dump.json`), which goes
 * through the same comparison as qemu-diff.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "qemu-diff.h"
#include "qemu-dump.h"
#include "qemu-render.h"
#include "report-json.h"

#include "banned.h"

static char *render_side(struct pc_cli *cli, const char *spec,
			 const char *machine, int smp, char **label)
{
	struct pc_side side;
	const struct pc_machine *m;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	bool bad = false;
	char *text = NULL;

	if (pc_cli_load_side(cli, spec, &side, &bad))
		return NULL;
	m = pc_machine_find(side.machines, machine);
	if (!m || !pc_side_knows_machine(&side, m)) {
		pc_cli_error(cli, "%s does not know machine type '%s'", side.label, machine);
		pc_side_release(&side);
		return NULL;
	}
	if (pc_vm_build(&side, m, smp, &vm, &err) || pc_vm_resolve(&vm, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_side_release(&side);
		return NULL;
	}
	text = pc_vm_render_qemu_dump(&vm);
	if (label)
		*label = pc_xasprintf("%s (%s, smp=%d)", side.label, m->name, vm.smp);
	pc_vm_release(&vm);
	pc_side_release(&side);
	if (bad) {
		free(text);
		return NULL;
	}
	return text;
}

int cmd_dump_vmstate(struct pc_cli *cli, int argc, char **argv)
{
	const char *machine = NULL, *output = NULL, *side = "tree";
	int smp = 0;
	char *text;
	struct pc_err err = { 0 };

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck dump-vmstate --machine M [--side S] [--smp N] [--output FILE]\n\n"
		      "Write a side (default: the tree; or a recorded release) in QEMU's\n"
		      "-dump-vmstate JSON format for machine type M, for qemu-diff or QEMU's\n"
		      "scripts/vmstate-static-checker.py.\n", cli->out);
		return PC_EXIT_OK;
	}
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--machine", &machine),
			PC_OPT_STR_ROW("--side", &side),
			PC_OPT_STR_ROW("--output", &output),
			PC_OPT_INT_ROW("--smp", &smp, 1, 1 << 16),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"dump-vmstate", opts, NULL, NULL,
			"dump-vmstate: unknown option or missing value '%s'",
		};

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return PC_EXIT_ERROR;
	}
	if (!machine) {
		pc_cli_error(cli, "dump-vmstate: --machine is required");
		return PC_EXIT_ERROR;
	}
	text = render_side(cli, side, machine, smp, NULL);
	if (!text)
		return PC_EXIT_ERROR;
	if (output) {
		if (pc_write_file_atomic(output, text, strlen(text), &err)) {
			pc_cli_error(cli, "%s", err.msg);
			free(text);
			return PC_EXIT_ERROR;
		}
	} else {
		fputs(text, cli->out);
	}
	free(text);
	return PC_EXIT_OK;
}

bool pc_cli_is_qemu_dump(const char *spec)
{
	json_error_t je;
	json_t *j;
	bool r;

	if (!pc_str_ends_with(spec, ".json"))
		return false;
	j = json_load_file(spec, 0, &je);
	r = j && json_is_object(j) && json_object_get(j, "vmschkmachine");
	json_decref(j);
	return r;
}

/* What a dump cannot tell, so the checks that did not run are named. */
static const char *const unsupported[] = {
	"guest-visible property values (PC501): a dump carries no property values",
	"invariants such as PCI config space (PC401): a dump carries no contents",
	"subsection conditions (needed): a dump lists every subsection the build knows",
	"field conditions (field_exists): a dump only says a test function exists",
};

int pc_cli_check_dump_pair(struct pc_cli *cli, const char *from,
			   const char *to, const char *machine, int smp)
{
	struct pc_qdump *a = NULL, *b = NULL;
	struct pc_report r;
	struct pc_err err = { 0 };
	char *labels[2] = { NULL, NULL };
	const char *specs[2] = { from, to };
	struct pc_qdump **dumps[2] = { &a, &b };
	int status = PC_EXIT_ERROR;

	pc_report_init(&r);
	for (int k = 0; k < 2; k++) {
		if (pc_cli_is_qemu_dump(specs[k])) {
			*dumps[k] = pc_qdump_load(specs[k], &err);
			labels[k] = pc_xstrdup(specs[k]);
		} else {
			char *text = render_side(cli, specs[k], machine, smp ? smp : 1,
						 &labels[k]);

			if (!text)
				goto out;
			*dumps[k] = pc_qdump_parse(text, strlen(text), labels[k], &err);
			free(text);
		}
		if (!*dumps[k]) {
			pc_cli_error(cli, "%s", err.msg);
			goto out;
		}
	}
	pc_qdump_diff(a, b, NULL, &r);
	pc_qdump_diff(b, a, NULL, &r);
	status = pc_report_fails(&r) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (cli->format == PC_FMT_JSON) {
		json_t *x = json_object(), *u = json_array();

		for (size_t i = 0; i < PC_ARRAY_SIZE(unsupported); i++)
			json_array_append_new(u, json_string(unsupported[i]));
		json_object_set_new(x, "mode", json_string("qemu-dump"));
		json_object_set_new(x, "machine", json_string(machine));
		json_object_set_new(x, "source", json_string(labels[0]));
		json_object_set_new(x, "destination", json_string(labels[1]));
		json_object_set_new(x, "not_checked", u);
		json_object_set_new(x, "exit_status", json_integer(status));
		pc_cli_print_report(cli, "check", &r, x);
	} else {
		fprintf(cli->out, "Machine type %s: %s <-> %s (a QEMU dump side: layouts only)\n",
			machine, labels[0], labels[1]);
		pc_cli_print_report(cli, "check", &r, NULL);
		fprintf(cli->out, "\nnot checked (the dump side cannot support them):\n");
		for (size_t i = 0; i < PC_ARRAY_SIZE(unsupported); i++)
			fprintf(cli->out, "  - %s\n", unsupported[i]);
		fprintf(cli->out, "\nresult: %s: both directions, %zu incompatible finding%s\n",
			status ? "INCOMPATIBLE" : "compatible",
			pc_report_count(&r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&r, PC_SEV_INCOMPATIBLE) == 1 ? "" : "s");
	}
out:
	pc_report_release(&r);
	pc_qdump_free(a);
	pc_qdump_free(b);
	free(labels[0]);
	free(labels[1]);
	return status;
}
