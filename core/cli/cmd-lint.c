/*
 * cmd-lint.c - `plugcheck lint`: the lint rules of the library (lint.h,
 * PC801-PC806) over the tree, printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report-ci.h"
#include "lint.h"

#include "banned.h"

int cmd_lint(struct pc_cli *cli, int argc, char **argv)
{
	struct pc_report r;
	struct pc_err err = { 0 };
	struct pc_side tree, *rel = NULL;
	size_t nrel = 0;
	bool bad = false;
	int smp = 0, status;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck lint [--smp N] [--format json]\n\n"
		      "  PC801 default changed without compat entries for older machine types\n"
		      "  PC802 field or subsection added without a version gate or condition\n"
		      "  PC803 field gated on a version the description never bumped to\n"
		      "  PC804 compat entry whose driver matches no loaded type (info)\n"
		      "  PC805 compat entry naming a property the matched type lacks\n"
		      "  PC806 compat entry whose driver is a likely typo of a loaded type\n"
		      "Exit 1 when an incompatible-severity finding exists.\n", cli->out);
		return PC_EXIT_OK;
	}
	{
		const struct pc_opt opts[] = {
			PC_OPT_INT_ROW("--smp", &smp, 1, 1 << 16),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"lint", opts, NULL, NULL,
			"lint: unknown option '%s'",
		};

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return PC_EXIT_ERROR;
	}
	if (pc_cli_load_tree(cli, &tree, &bad))
		return PC_EXIT_ERROR;
	pc_report_init(&r);
	if (pc_cli_load_fix_releases(cli, &tree, &tree, &rel, &nrel)) {
		pc_side_release(&tree);
		return PC_EXIT_ERROR;
	}
	if (pc_lint_run(&tree, rel, nrel, smp, &r, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_report_release(&r);
		for (size_t i = 0; i < nrel; i++)
			pc_side_release(&rel[i]);
		free(rel);
		pc_side_release(&tree);
		return PC_EXIT_ERROR;
	}
	for (size_t i = 0; i < nrel; i++)
		pc_side_release(&rel[i]);
	free(rel);
	status = bad ? PC_EXIT_ERROR
		     : pc_report_fails(&r) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (pc_cli_ci_format(cli)) {
		const struct pc_ci_run run = { .verb = "lint", .r = &r,
					       .status = status };

		pc_cli_print_ci(cli, &run);
	} else if (cli->format == PC_FMT_JSON) {
		pc_cli_print_report(cli, "lint", &r, NULL);
	} else {
		size_t shown = 0;

		for (size_t i = 0; i < r.n; i++) {
			struct pc_strbuf sb = PC_STRBUF_INIT;

			if ((cli->quiet || !cli->verbose) &&
			    r.items[i].severity == PC_SEV_INFO)
				continue;
			pc_finding_format(&r.items[i], &sb);
			fputs(sb.buf, cli->out);
			pc_strbuf_release(&sb);
			shown++;
		}
		if (!cli->verbose && !cli->quiet) {
			size_t nm = 0;

			for (size_t i = 0; i < r.n; i++)
				nm += r.items[i].rule == PC_R_LINT_COMPAT_NOMATCH;
			if (nm)
				fprintf(cli->out, "PC804: %zu compat entr%s name%s types no loaded plugin provides (not modelled: such an entry does nothing, as in QEMU; -v lists them)\n",
					nm, nm == 1 ? "y" : "ies", nm == 1 ? "s" : "");
		}
		fprintf(cli->out, "lint: %zu incompatible, %zu to review, %zu informational (%s)\n",
			pc_report_count(&r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&r, PC_SEV_REVIEW) -
				pc_report_count(&r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&r, PC_SEV_INFO) -
				pc_report_count(&r, PC_SEV_REVIEW),
			cli->verbose ? "all shown" : "informational ones shown with -v");
		(void)shown;
	}
	pc_report_release(&r);
	pc_side_release(&tree);
	return status;
}
