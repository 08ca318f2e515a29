/*
 * cmd-suggest.c - `plugcheck suggest`: the fix set for a failing pair.
 *
 * Two kinds of fixes: compat lines for the tree's machine files (what a
 * device author adds so that the tree keeps an old machine type's
 * behaviour), and overrides to start the destination with (what a
 * management tool does when both builds are already released).  Overrides
 * are verified: the pair is checked again with them until it passes.
 * --apply appends the compat lines to machines/ atomically, keeping the
 * files' comments and order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "report-json.h"

#include "banned.h"

static int apply_line(struct pc_cli *cli, const char *file, const char *line)
{
	struct pc_err err = { 0 };
	char *old, *text;
	size_t len;
	int r;

	if (pc_read_file(file, 4u << 20, &old, &len, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	text = pc_xasprintf("%s%s%s\n", old,
			    len && old[len - 1] != '\n' ? "\n" : "", line);
	r = pc_write_file_atomic(file, text, strlen(text), &err);
	if (r)
		pc_cli_error(cli, "%s", err.msg);
	free(old);
	free(text);
	return r;
}

int cmd_suggest(struct pc_cli *cli, int argc, char **argv)
{
	const char *machine = NULL, *from = NULL, *to = NULL;
	bool apply = false;
	int smp = 0, status = PC_EXIT_ERROR;
	struct pc_side a, b;
	struct pc_check c;
	struct pc_known_breaks kb;
	struct pc_report r;
	struct pc_err err = { 0 };
	struct pc_override *ovs = NULL;
	size_t novs = 0;
	bool bad = false;
	const char **lines = NULL, **files = NULL;
	size_t nlines = 0;
	int verified;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck suggest --machine M --from A --to B [--smp N] [--apply]\n\n"
		      "The fixes for A -> B under M: compat lines for the tree's machine files,\n"
		      "and the overrides (verified) to start the destination with.\n"
		      "  --apply   append the compat lines to the machine files (atomically)\n",
		      cli->out);
		return PC_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--machine") && v)
			machine = argv[++i];
		else if (!strcmp(argv[i], "--from") && v)
			from = argv[++i];
		else if (!strcmp(argv[i], "--to") && v)
			to = argv[++i];
		else if (!strcmp(argv[i], "--apply"))
			apply = true;
		else if (!strcmp(argv[i], "--smp") && v) {
			if (pc_cli_int(cli, "--smp", argv[++i], 1, 1 << 16, &smp))
				return PC_EXIT_ERROR;
		} else {
			pc_cli_error(cli, "suggest: unknown option or missing value '%s'", argv[i]);
			return PC_EXIT_ERROR;
		}
	}
	if (!machine || (!from && !to)) {
		pc_cli_error(cli, "suggest: --machine and at least one of --from/--to are required");
		return PC_EXIT_ERROR;
	}
	if (pc_cli_load_side(cli, from ? from : "tree", &a, &bad))
		return PC_EXIT_ERROR;
	if (pc_cli_load_side(cli, to ? to : "tree", &b, &bad)) {
		pc_side_release(&a);
		return PC_EXIT_ERROR;
	}
	if (pc_cli_load_known(cli, &kb))
		goto out_sides;
	memset(&c, 0, sizeof(c));
	c.machine = machine;
	/* a known break is still a break for the pair asked about */
	c.known = NULL;
	if (smp) {
		c.smps[0] = smp;
		c.n_smps = 1;
	}
	pc_report_init(&r);
	if (pc_check_direction(&c, &a, &b, &r, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		goto out;
	}
	lines = pc_xcalloc(r.n + 1, sizeof(char *));
	files = pc_xcalloc(r.n + 1, sizeof(char *));
	for (size_t i = 0; i < r.n; i++) {
		const struct pc_finding *f = &r.items[i];
		bool dup = false;

		if (!f->fix_line || !f->fix_file || f->known)
			continue;
		for (size_t j = 0; j < nlines; j++)
			dup |= !strcmp(lines[j], f->fix_line) && !strcmp(files[j], f->fix_file);
		if (!dup) {
			lines[nlines] = f->fix_line;
			files[nlines++] = f->fix_file;
		}
	}
	verified = pc_suggest_overrides(&c, &a, &b, &ovs, &novs, &err);
	if (verified < 0) {
		pc_cli_error(cli, "%s", err.msg);
		goto out;
	}
	if (cli->format == PC_FMT_JSON) {
		json_t *x = json_object(), *jl = json_array(), *jo = json_array();
		char *txt;

		json_object_set_new(x, "verb", json_string("suggest"));
		json_object_set_new(x, "machine", json_string(machine));
		json_object_set_new(x, "source", json_string(a.label));
		json_object_set_new(x, "destination", json_string(b.label));
		json_object_set_new(x, "incompatible",
				    json_integer((json_int_t)pc_report_count(&r, PC_SEV_INCOMPATIBLE)));
		for (size_t i = 0; i < nlines; i++) {
			json_t *l = json_object();

			json_object_set_new(l, "file", json_string(files[i]));
			json_object_set_new(l, "line", json_string(lines[i]));
			json_array_append_new(jl, l);
		}
		for (size_t i = 0; i < novs; i++)
			json_array_append_new(jo, json_sprintf("%s.%s=%s", ovs[i].target,
							       ovs[i].prop, ovs[i].value));
		json_object_set_new(x, "compat_lines", jl);
		json_object_set_new(x, "destination_overrides", jo);
		json_object_set_new(x, "overrides_verified", json_boolean(verified == 1));
		json_object_set_new(x, "findings", pc_report_to_json(&r));
		json_object_set_new(x, "groups", pc_report_groups_to_json(&r));
		txt = pc_json_dump(x);
		fputs(txt, cli->out);
		free(txt);
		json_decref(x);
	} else {
		bool *keep = pc_xcalloc(r.n + 1, sizeof(bool));
		size_t nkeep = 0;

		fprintf(cli->out, "Machine type %s: %s -> %s: %zu incompatible finding%s\n", machine,
			a.label, b.label, pc_report_count(&r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&r, PC_SEV_INCOMPATIBLE) == 1 ? "" : "s");
		/* what the fixes are for: the findings grouped by cause */
		for (size_t i = 0; i < r.n; i++)
			nkeep += keep[i] = r.items[i].severity >= PC_SEV_REVIEW &&
					   !cli->quiet;
		if (nkeep) {
			struct pc_strbuf sb = PC_STRBUF_INIT;
			size_t ng = pc_report_format_grouped(&r, keep, cli->verbose, &sb);

			fprintf(cli->out, "\nFindings (%zu, %zu cause%s%s):\n", nkeep, ng,
				ng == 1 ? "" : "s",
				cli->verbose ? "" : "; -v shows every finding in full");
			fputs(sb.buf, cli->out);
			pc_strbuf_release(&sb);
		}
		free(keep);
		if (nlines) {
			fprintf(cli->out, "\nCompat lines for the tree's machine files:\n");
			for (size_t i = 0; i < nlines; i++)
				fprintf(cli->out, "  %s: %s\n", files[i], lines[i]);
		}
		if (novs) {
			fprintf(cli->out, "\nStart the destination (%s) with:\n", b.label);
			for (size_t i = 0; i < novs; i++)
				fprintf(cli->out, "  --dst-global %s.%s=%s   (QEMU: -global %s.%s=%s)\n",
					ovs[i].target, ovs[i].prop, ovs[i].value,
					ovs[i].target, ovs[i].prop, ovs[i].value);
			fprintf(cli->out, "  %s\n", verified == 1
				? "verified: with these overrides the pair checks compatible"
				: "not sufficient: the pair still fails with these overrides");
			fprintf(cli->out, "  Keep these on every later destination until the guest is powered off.\n");
		} else if (!pc_report_fails(&r)) {
			fprintf(cli->out, "\nNothing to fix: the pair is compatible.\n");
		} else {
			fprintf(cli->out, "\nNo destination override fixes this pair.\n");
		}
	}
	status = pc_report_fails(&r) && verified != 1 && !nlines ? PC_EXIT_INCOMPATIBLE
								: PC_EXIT_OK;
	if (apply && nlines) {
		if (a.project && b.project) {
			pc_cli_error(cli, "--apply: both sides are released builds; there is no machine file to change");
			status = PC_EXIT_ERROR;
		}
		for (size_t i = 0; i < nlines && status != PC_EXIT_ERROR; i++) {
			if (apply_line(cli, files[i], lines[i]))
				status = PC_EXIT_ERROR;
			else
				fprintf(cli->out, "applied: %s: %s\n", files[i], lines[i]);
		}
	}
	for (size_t i = 0; i < novs; i++)
		pc_override_release(&ovs[i]);
	free(ovs);
out:
	free(lines);
	free(files);
	pc_report_release(&r);
	pc_known_breaks_release(&kb);
out_sides:
	pc_side_release(&a);
	pc_side_release(&b);
	return bad ? PC_EXIT_ERROR : status;
}
