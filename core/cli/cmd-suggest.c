/*
 * cmd-suggest.c - `plugcheck suggest`: the fix set for a failing pair,
 * printed; the fixes and the verified edit are the library's (suggest.h).
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
#include "report-ci.h"
#include "report-json.h"
#include "suggest.h"

#include "banned.h"

struct sopts {
	const char *machine, *from, *to;
	bool apply;
	int smp;
};

/* the pair, its findings and its fixes */
struct suggestion {
	struct pc_side a, b;
	struct pc_check c;
	struct pc_known_breaks kb;
	struct pc_report r;
	struct pc_override *ovs;
	size_t novs, breaks;
	struct pc_fix_lines fl;
	int verified;            /* the overrides make the pair pass: 1 */
	struct pc_side *fixrel;  /* the check's releases (c.releases) */
	size_t nfixrel;
};

/* 1: help printed, 0: parsed, -1: error printed */
static int parse(struct pc_cli *cli, int argc, char **argv, struct sopts *o)
{
	const struct pc_opt opts[] = {
		PC_OPT_STR_ROW("--machine", &o->machine),
		PC_OPT_STR_ROW("--from", &o->from),
		PC_OPT_STR_ROW("--to", &o->to),
		PC_OPT_FLAG_ROW("--apply", &o->apply),
		PC_OPT_INT_ROW("--smp", &o->smp, 1, 1 << 16),
		PC_OPTS_END,
	};
	const struct pc_optset set = {
		"suggest", opts, NULL, NULL,
		"suggest: unknown option or missing value '%s'",
	};

	memset(o, 0, sizeof(*o));
	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck suggest --machine M --from A --to B [--smp N] [--apply]\n\n"
		      "The fixes for A -> B under M: compat lines for the tree's machine files,\n"
		      "and the overrides (verified) to start the destination with.\n"
		      "  --apply   append the compat lines to the machine files (atomically)\n",
		      cli->out);
		return 1;
	}
	if (pc_cli_parse_opts(cli, &set, argc, argv))
		return -1;
	if (!o->machine || (!o->from && !o->to)) {
		pc_cli_error(cli, "suggest: --machine and at least one of --from/--to are required");
		return -1;
	}
	return 0;
}

static void print_json(struct pc_cli *cli, const struct sopts *o,
		       const struct suggestion *s)
{
	json_t *x = json_object(), *jl = json_array(), *jo = json_array();

	json_object_set_new(x, "verb", json_string("suggest"));
	json_object_set_new(x, "machine", json_string(o->machine));
	json_object_set_new(x, "source", json_string(s->a.label));
	json_object_set_new(x, "destination", json_string(s->b.label));
	json_object_set_new(x, "incompatible",
			    json_integer((json_int_t)pc_report_count(&s->r, PC_SEV_INCOMPATIBLE)));
	for (size_t i = 0; i < s->fl.n; i++) {
		json_t *l = json_object();

		json_object_set_new(l, "file", json_string(s->fl.files[i]));
		json_object_set_new(l, "line", json_string(s->fl.lines[i]));
		json_array_append_new(jl, l);
	}
	for (size_t i = 0; i < s->novs; i++)
		json_array_append_new(jo, json_sprintf("%s.%s=%s", s->ovs[i].target,
						       s->ovs[i].prop, s->ovs[i].value));
	json_object_set_new(x, "compat_lines", jl);
	json_object_set_new(x, "destination_overrides", jo);
	json_object_set_new(x, "overrides_verified", json_boolean(s->verified == 1));
	json_object_set_new(x, "findings", pc_report_to_json(&s->r));
	json_object_set_new(x, "groups", pc_report_groups_to_json(&s->r));
	pc_cli_print_doc(cli, x);
}

static void print_overrides(struct pc_cli *cli, const struct suggestion *s)
{
	fprintf(cli->out, "\nStart the destination (%s) with:\n", s->b.label);
	for (size_t i = 0; i < s->novs; i++)
		fprintf(cli->out, "  --dst-global %s.%s=%s   (QEMU: -global %s.%s=%s)\n",
			s->ovs[i].target, s->ovs[i].prop, s->ovs[i].value,
			s->ovs[i].target, s->ovs[i].prop, s->ovs[i].value);
	fprintf(cli->out, "  %s\n", s->verified == 1
		? "verified: with these overrides the pair checks compatible"
		: "not sufficient: the pair still fails with these overrides");
	fprintf(cli->out, "  Keep these on every later destination until the guest is powered off.\n");
}

static void print_text(struct pc_cli *cli, const struct sopts *o,
		       const struct suggestion *s)
{
	const struct pc_report *r = &s->r;
	bool *keep = pc_xcalloc(r->n + 1, sizeof(bool));
	size_t nkeep = 0;

	fprintf(cli->out, "Machine type %s: %s -> %s: %zu incompatible finding%s\n",
		o->machine, s->a.label, s->b.label, s->breaks,
		s->breaks == 1 ? "" : "s");
	/* what the fixes are for: the findings grouped by cause (a known
	 * break's fix is its recorded mitigation, printed once) */
	for (size_t i = 0; i < r->n; i++)
		nkeep += keep[i] = r->items[i].severity >= PC_SEV_REVIEW &&
				   !cli->quiet;
	pc_cli_print_groups(cli, r, keep, nkeep);
	free(keep);
	if (s->fl.n) {
		fprintf(cli->out, "\nCompat lines for the tree's machine files:\n");
		for (size_t i = 0; i < s->fl.n; i++)
			fprintf(cli->out, "  %s: %s\n", s->fl.files[i], s->fl.lines[i]);
	}
	if (s->novs)
		print_overrides(cli, s);
	else if (!s->breaks)
		fprintf(cli->out, "\nNothing to fix: the pair is compatible.\n");
	else
		fprintf(cli->out, "\nNo destination override fixes this pair.\n");
}

/*
 * Verify the edit: the whole check with the edited machine files must
 * pass wherever it passed before.  Returns 0 when it does (*pair_ok: the
 * pair asked about passes with the edit), 1 when it does not (the
 * regressions printed), -1 on error.
 */
static int verify_edit(struct pc_cli *cli, const struct pc_side *tree,
		       struct suggestion *s, bool *pair_ok)
{
	struct pc_side *rel = NULL;
	size_t nrel = 0, bad;
	struct pc_edit_verdict v;
	struct pc_err err = { 0 };
	int rc;

	*pair_ok = false;
	if (pc_cli_load_baselines(cli, &rel, &nrel))
		return -1;
	rc = pc_edit_verify(tree, cli->machine_dir, &s->fl, rel, nrel, &s->kb,
			    &s->c, &s->a, &s->b, &v, &err);
	for (size_t i = 0; i < nrel; i++)
		pc_side_release(&rel[i]);
	free(rel);
	if (rc) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	bad = v.n_regressions;
	if (bad)
		pc_cli_error(cli, "--apply: refused, nothing written: with these lines, checks that pass today fail:");
	for (size_t k = 0; k < bad && k < 20; k++)
		fprintf(cli->err, "  %s\n", v.regressions[k]);
	if (bad > 20)
		fprintf(cli->err, "  ... and %zu more\n", bad - 20);
	if (v.other_machines && !bad) {
		pc_cli_error(cli, "--apply: refused, nothing written: the edited machine files describe other machine types");
		bad = 1;
	}
	*pair_ok = v.pair_ok;
	pc_edit_verdict_release(&v);
	return bad ? 1 : 0;
}

/* the edit may be tried: a tree to edit, no contradiction, every file
 * there; else the status, the reason printed */
static int can_apply(struct pc_cli *cli, const struct suggestion *s,
		     const struct pc_side *tree)
{
	size_t miss = pc_fix_lines_missing(&s->fl);

	if (!tree) {
		pc_cli_error(cli, "--apply: both sides are released builds; there is no machine file to change");
		return PC_EXIT_ERROR;
	}
	if (s->fl.contradict) {
		pc_cli_error(cli, "--apply: refused, nothing written: the lines contradict each other (one property, two values in one array): no compat value fits every configuration");
		return PC_EXIT_INCOMPATIBLE;
	}
	if (miss < s->fl.n) {
		pc_cli_error(cli, "--apply: refused, nothing written: %s does not exist yet; QEMU creates the array with the next machine type: add that machine type first (tools/gen-machines.sh, Documentation/machine-format.md), then the line '%s'",
			     s->fl.files[miss], s->fl.lines[miss]);
		return PC_EXIT_INCOMPATIBLE;
	}
	return PC_EXIT_OK;
}

/* --apply: verify the edit, then append the lines; the status */
static int apply(struct pc_cli *cli, struct suggestion *s, int status)
{
	const struct pc_side *tree = !s->a.project && !s->a.index ? &s->a
				     : !s->b.project && !s->b.index ? &s->b : NULL;
	bool pair_ok = false;
	int v = can_apply(cli, s, tree);

	if (v != PC_EXIT_OK)
		return v;
	v = verify_edit(cli, tree, s, &pair_ok);
	if (v)
		return v < 0 ? PC_EXIT_ERROR : PC_EXIT_INCOMPATIBLE;
	for (size_t i = 0; i < s->fl.n && status != PC_EXIT_ERROR; i++) {
		struct pc_err err = { 0 };

		if (pc_edit_append_line(s->fl.files[i], s->fl.lines[i], &err)) {
			pc_cli_error(cli, "%s", err.msg);
			status = PC_EXIT_ERROR;
		} else {
			fprintf(cli->out, "applied: %s: %s\n", s->fl.files[i],
				s->fl.lines[i]);
		}
	}
	if (status != PC_EXIT_ERROR) {
		fprintf(cli->out, "verified: every machine type against every recorded release, both directions, passes wherever it passed before%s\n",
			pair_ok ? "; the pair passes" : "; the pair still fails with these lines");
		if (!pair_ok)
			status = PC_EXIT_INCOMPATIBLE;
	}
	return status;
}

/* The pair's findings, compat lines and verified overrides; -1 with the
 * error printed. */
static int find_fixes(struct pc_cli *cli, const struct sopts *o,
		      struct suggestion *s)
{
	struct pc_err err = { 0 };

	s->c.machine = o->machine;
	/* a known break is still a break for the pair asked about, but its
	 * fix is its recorded mitigation, never a compat line (which would
	 * undo the fix the other releases have) */
	s->c.known = &s->kb;
	if (o->smp) {
		s->c.smps[0] = o->smp;
		s->c.n_smps = 1;
	}
	if (pc_cli_load_fix_releases(cli, &s->a, &s->b, &s->fixrel, &s->nfixrel))
		return -1;
	s->c.releases = s->fixrel;
	s->c.n_releases = s->nfixrel;
	if (pc_check_direction(&s->c, &s->a, &s->b, &s->r, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < s->r.n; i++)
		s->breaks += s->r.items[i].severity >= PC_SEV_INCOMPATIBLE;
	pc_fix_lines_collect(&s->r, &s->fl);
	s->c.known = NULL;
	s->verified = pc_suggest_overrides(&s->c, &s->a, &s->b, &s->ovs,
					   &s->novs, &err);
	s->c.known = &s->kb;
	if (s->verified < 0) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

int cmd_suggest(struct pc_cli *cli, int argc, char **argv)
{
	struct sopts o;
	struct suggestion s;
	bool bad = false;
	int status = PC_EXIT_ERROR, p = parse(cli, argc, argv, &o);

	if (p)
		return p > 0 ? PC_EXIT_OK : PC_EXIT_ERROR;
	memset(&s, 0, sizeof(s));
	if (pc_cli_load_side(cli, o.from ? o.from : "tree", &s.a, &bad))
		return PC_EXIT_ERROR;
	if (pc_cli_load_side(cli, o.to ? o.to : "tree", &s.b, &bad)) {
		pc_side_release(&s.a);
		return PC_EXIT_ERROR;
	}
	pc_report_init(&s.r);
	if (!pc_cli_load_known(cli, &s.kb) && !find_fixes(cli, &o, &s)) {
		status = s.breaks && s.verified != 1 && !s.fl.n
			 ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
		if (pc_cli_ci_format(cli)) {
			const struct pc_ci_case c = { .src = s.a.label,
						      .dst = s.b.label };
			const struct pc_ci_run run = {
				.verb = "suggest", .machine = o.machine, .r = &s.r,
				.cases = &c, .n_cases = 1, .status = status,
			};

			pc_cli_print_ci(cli, &run);
		} else if (cli->format == PC_FMT_JSON) {
			print_json(cli, &o, &s);
		} else {
			print_text(cli, &o, &s);
		}
		if (o.apply && s.fl.n)
			status = apply(cli, &s, status);
	}
	for (size_t i = 0; i < s.novs; i++)
		pc_override_release(&s.ovs[i]);
	free(s.ovs);
	pc_fix_lines_release(&s.fl);
	for (size_t i = 0; i < s.nfixrel; i++)
		pc_side_release(&s.fixrel[i]);
	free(s.fixrel);
	pc_report_release(&s.r);
	pc_known_breaks_release(&s.kb);
	pc_side_release(&s.a);
	pc_side_release(&s.b);
	return bad ? PC_EXIT_ERROR : status;
}
