/*
 * cmd-dump-vmstate.c - `plugcheck dump-vmstate`: the tree (or a recorded
 * release) in QEMU's -dump-vmstate format; and the check of a plugin side
 * against a real QEMU build's dump (`check --from dump.json`), which goes
 * through the same comparison as qemu-diff.  The renderings and the
 * comparison are the library's (dump-side.h); this file prints.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report-ci.h"
#include "dump-side.h"
#include "report-json.h"

#include "banned.h"

/* the side rendered as a dump; NULL with the error printed */
static char *render_side(struct pc_cli *cli, const char *spec,
			 const char *machine, int smp)
{
	struct pc_side_env env;
	struct pc_err err = { 0 };
	bool bad = false;
	char *text;

	pc_cli_side_env(cli, &env);
	text = pc_dump_side_render(&env, spec, machine, smp, NULL, 0, NULL, &bad, &err);
	if (!text && err.set)
		pc_cli_error(cli, "%s", err.msg);
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
	text = render_side(cli, side, machine, smp);
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

/* an array of the 'n' strings of 'v' */
static json_t *string_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void print_dump_pair_json(struct pc_cli *cli, const char *machine,
				 const struct pc_dump_pair *p, int status,
				 const char *const *unchecked, size_t n_unchecked)
{
	json_t *x = json_object(), *u = json_array();

	for (size_t i = 0; i < n_unchecked; i++)
		json_array_append_new(u, json_string(unchecked[i]));
	if (p->props_checked)
		json_object_set_new(x, "properties", json_pack("{s:I,s:I,s:I,s:I,s:o}",
			"compared", (json_int_t)p->props.compared,
			"agree", (json_int_t)p->props.agree,
			"differ", (json_int_t)p->props.differ,
			"reported", (json_int_t)p->props.reported,
			"differences", string_array(p->props.lines, p->props.n_lines)));
	if (p->n_not_modelled)
		json_object_set_new(x, "not_modelled",
				    string_array(p->not_modelled, p->n_not_modelled));
	if (p->n_unmigratable)
		json_object_set_new(x, "unmigratable",
				    string_array(p->unmigratable, p->n_unmigratable));
	json_object_set_new(x, "mode", json_string("qemu-dump"));
	json_object_set_new(x, "machine", json_string(machine));
	json_object_set_new(x, "source", json_string(p->labels[0]));
	json_object_set_new(x, "destination", json_string(p->labels[1]));
	json_object_set_new(x, "not_checked", u);
	json_object_set_new(x, "exit_status", json_integer(status));
	pc_cli_print_report(cli, "check", &p->r, x);
}

/* the dump's sections left out of the comparison, one line each kind */
static void print_left_out(struct pc_cli *cli, const struct pc_dump_pair *p)
{
	if (p->n_not_modelled) {
		fprintf(cli->out, "  not modelled: %zu section%s of the QEMU side that the tree has no type for (not compared)%s\n",
			p->n_not_modelled, p->n_not_modelled == 1 ? "" : "s",
			cli->verbose ? ":" : "; -v lists them");
		for (size_t i = 0; cli->verbose && i < p->n_not_modelled; i++)
			fprintf(cli->out, "    %s\n", p->not_modelled[i]);
	}
	if (p->n_unmigratable) {
		fprintf(cli->out, "  unmigratable on both sides: ");
		for (size_t i = 0; i < p->n_unmigratable; i++)
			fprintf(cli->out, "%s%s", i ? ", " : "", p->unmigratable[i]);
		fprintf(cli->out, " (QEMU refuses to migrate a VM with %s; not compared, --vm-device checks one)\n",
			p->n_unmigratable == 1 ? "it" : "one");
	}
}

static void print_dump_pair(struct pc_cli *cli, const char *machine,
			    const struct pc_dump_pair *p, int status)
{
	const struct pc_report *r = &p->r;
	size_t inc = pc_report_count(r, PC_SEV_INCOMPATIBLE);
	const char *unchecked[PC_DUMP_PAIR_MAX_UNCHECKED];
	size_t n_unchecked = pc_dump_pair_unchecked(p, unchecked);

	if (pc_cli_ci_format(cli)) {
		const struct pc_ci_case cases[2] = {
			{ .src = p->labels[0], .dst = p->labels[1] },
			{ .src = p->labels[1], .dst = p->labels[0] },
		};
		const struct pc_ci_run run = { .verb = "check", .machine = machine,
					       .r = r, .cases = cases,
					       .n_cases = 2, .status = status };

		pc_cli_print_ci(cli, &run);
		return;
	}
	if (cli->format == PC_FMT_JSON) {
		print_dump_pair_json(cli, machine, p, status, unchecked, n_unchecked);
		return;
	}
	fprintf(cli->out, "Machine type %s: %s <-> %s (%s)\n", machine, p->labels[0],
		p->labels[1], p->props_checked ? "a captured QEMU side: layouts and property values"
					       : "a QEMU dump side: layouts only");
	print_left_out(cli, p);
	pc_cli_print_report(cli, "check", r, NULL);
	if (p->props_checked) {
		fprintf(cli->out, "\nproperty values: %zu compared, %zu agree, %zu differ (%zu guest-visible or stream-protocol, reported above)%s\n",
			p->props.compared, p->props.agree, p->props.differ, p->props.reported,
			p->props.differ > p->props.reported && !cli->verbose ? "; -v lists every difference" : "");
		for (size_t i = 0; cli->verbose && i < p->props.n_lines; i++)
			fprintf(cli->out, "  %s\n", p->props.lines[i]);
	}
	fprintf(cli->out, "\nnot checked (the dump side cannot support them):\n");
	for (size_t i = 0; i < n_unchecked; i++)
		fprintf(cli->out, "  - %s\n", unchecked[i]);
	fprintf(cli->out, "\nresult: %s: both directions, %zu incompatible finding%s\n",
		status ? "INCOMPATIBLE" : "compatible", inc, inc == 1 ? "" : "s");
}

int pc_cli_check_dump_pair(struct pc_cli *cli, const struct pc_dump_pair_spec *spec)
{
	struct pc_side_env env;
	struct pc_dump_pair p;
	struct pc_err err = { 0 };
	bool bad = false;
	int status = PC_EXIT_ERROR;

	pc_cli_side_env(cli, &env);
	if (pc_dump_pair_run(&env, spec, &p, &bad, &err)) {
		if (err.set)
			pc_cli_error(cli, "%s", err.msg);
	} else {
		status = pc_report_fails(&p.r) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
		print_dump_pair(cli, spec->machine, &p, status);
	}
	pc_dump_pair_release(&p);
	return status;
}
