/*
 * cmd-qemu-diff.c - `plugcheck qemu-diff SRC.json DST.json [--renames FILE]`:
 * compare two QEMU -dump-vmstate files in both directions (SRC -> DST and
 * DST -> SRC) in one run.  The comparison itself is qemu-diff.c; this file
 * only reads the arguments, prints and picks the exit status (0 compatible
 * both ways, 1 an incompatible finding, 2 usage or input error).
 * Documentation/qemu-diff.md describes the verb.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "report-ci.h"
#include "qemu-diff.h"
#include "qemu-dump.h"
#include "report-json.h"

#include "banned.h"

static const char usage[] =
	"usage: plugcheck [--format FORMAT] qemu-diff SRC.json DST.json [--renames FILE]\n"
	"                 [--trust-section-keys]\n"
	"\n"
	"Compare two QEMU -dump-vmstate files as migration streams, SRC -> DST\n"
	"and DST -> SRC.  --renames names a file of section, description and\n"
	"field aliases (see Documentation/qemu-diff.md).  A section whose key\n"
	"and Name differ (QEMU writes the type name for both: an edited file)\n"
	"is refused; --trust-section-keys compares it by its key, as QEMU's\n"
	"checker does (its own test data renames fw_cfg so).\n";

struct direction {
	const char *src, *dst;
	size_t first, n; /* findings [first, first + n) of the report */
	size_t count[3]; /* by severity */
};

static void count_direction(const struct pc_report *r, struct direction *dir)
{
	memset(dir->count, 0, sizeof(dir->count));
	for (size_t i = dir->first; i < dir->first + dir->n; i++)
		dir->count[r->items[i].severity]++;
}

static void print_text(struct pc_cli *cli, const struct pc_report *r,
		       const struct direction *dirs, size_t ndirs)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	size_t total[3] = { 0, 0, 0 };

	for (size_t k = 0; k < ndirs; k++) {
		const struct direction *dir = &dirs[k];

		for (int s = 0; s < 3; s++)
			total[s] += dir->count[s];
		if (cli->quiet)
			continue;
		pc_strbuf_addf(&sb, "%s -> %s: %zu incompatible, %zu need review, %zu info\n",
			       dir->src, dir->dst,
			       dir->count[PC_SEV_INCOMPATIBLE],
			       dir->count[PC_SEV_REVIEW], dir->count[PC_SEV_INFO]);
		for (size_t i = dir->first; i < dir->first + dir->n; i++)
			pc_finding_format(&r->items[i], &sb);
	}
	pc_strbuf_addf(&sb, "qemu-diff: %s (%zu incompatible, %zu need review, %zu info in both directions)\n",
		       total[PC_SEV_INCOMPATIBLE] ? "incompatible" : "compatible",
		       total[PC_SEV_INCOMPATIBLE], total[PC_SEV_REVIEW],
		       total[PC_SEV_INFO]);
	fputs(sb.buf, cli->out);
	pc_strbuf_release(&sb);
}

static void print_json(struct pc_cli *cli, const struct pc_report *r,
		       const struct direction *dirs, size_t ndirs,
		       const char *renames)
{
	json_t *extra = json_object(), *arr = json_array();

	for (size_t k = 0; k < ndirs; k++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:I}",
			"source", dirs[k].src, "destination", dirs[k].dst,
			"incompatible", (json_int_t)dirs[k].count[PC_SEV_INCOMPATIBLE],
			"needs_review", (json_int_t)dirs[k].count[PC_SEV_REVIEW],
			"info", (json_int_t)dirs[k].count[PC_SEV_INFO]));
	json_object_set_new(extra, "directions", arr);
	json_object_set_new(extra, "renames", renames ? json_string(renames)
						      : json_null());
	pc_cli_print_report(cli, "qemu-diff", r, extra);
}

int cmd_qemu_diff(struct pc_cli *cli, int argc, char **argv)
{
	struct pc_qrenames ren = PC_QRENAMES_INIT;
	struct pc_qdump *a = NULL, *b = NULL;
	const char *files[2] = { NULL, NULL }, *renames = NULL;
	struct direction dirs[2];
	struct pc_report report;
	struct pc_err err = { 0 };
	size_t nfiles = 0;
	bool trust_keys = false;
	int ret = PC_EXIT_ERROR;

	if (pc_cli_wants_help(argc, argv)) {
		fputs(usage, cli->out);
		return PC_EXIT_OK;
	}
	{
		const char **pos = pc_xcalloc((size_t)argc + 1, sizeof(*pos));
		const struct pc_opt opts[] = {
			{ "--renames", PC_OPT_STR, &renames, NULL, 0, 0, "a file name" },
			{ "--trust-section-keys", PC_OPT_FLAG, &trust_keys, NULL, 0, 0, NULL },
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"qemu-diff", opts, pos, &nfiles,
			"qemu-diff: unknown option '%s'",
		};
		int r = pc_cli_parse_opts(cli, &set, argc, argv);

		if (!r && nfiles > 2)
			pc_cli_error(cli, "qemu-diff: expected two dump files, found a third: '%s'",
				     pos[2]);
		for (size_t k = 0; k < 2 && k < nfiles; k++)
			files[k] = pos[k];
		free(pos);
		if (r == PC_OPT_UNKNOWN)
			fputs(usage, cli->err);
		if (r || nfiles > 2)
			return PC_EXIT_ERROR;
	}
	if (nfiles != 2) {
		pc_cli_error(cli, "qemu-diff: expected two dump files (SRC.json DST.json), found %zu",
			     nfiles);
		fputs(usage, cli->err);
		return PC_EXIT_ERROR;
	}
	/* the two models are some 20 MB written once: in huge pages */
	pc_heap_reserve();
	if (renames && pc_qrenames_load(&ren, renames, &err))
		goto out;
	{
		struct pc_qdump *both[2];

		if (pc_qdump_load_pair(files[0], files[1], both, &err))
			goto out;
		a = both[0];
		b = both[1];
		if (!trust_keys && (pc_qdump_check_names(a, &err) ||
				    pc_qdump_check_names(b, &err)))
			goto out;
	}

	pc_report_init(&report);
	dirs[0].src = a->label;
	dirs[0].dst = b->label;
	dirs[0].first = 0;
	dirs[0].n = pc_qdump_diff_both(a, b, &ren, &report);
	dirs[1].src = b->label;
	dirs[1].dst = a->label;
	dirs[1].first = dirs[0].n;
	dirs[1].n = report.n - dirs[1].first;
	count_direction(&report, &dirs[0]);
	count_direction(&report, &dirs[1]);

	ret = pc_report_fails(&report) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (pc_cli_ci_format(cli)) {
		const struct pc_ci_case cases[2] = {
			{ .src = dirs[0].src, .dst = dirs[0].dst },
			{ .src = dirs[1].src, .dst = dirs[1].dst },
		};
		const struct pc_ci_run run = { .verb = "qemu-diff", .r = &report,
					       .cases = cases, .n_cases = 2,
					       .status = ret };

		pc_cli_print_ci(cli, &run);
	} else if (cli->format == PC_FMT_JSON) {
		print_json(cli, &report, dirs, 2, renames);
	} else {
		print_text(cli, &report, dirs, 2);
	}
	pc_report_release(&report);
out:
	if (err.set)
		pc_cli_error(cli, "%s", err.msg);
	pc_qdump_free(a);
	pc_qdump_free(b);
	pc_qrenames_release(&ren);
	return ret;
}
