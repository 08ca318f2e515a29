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
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "report-json.h"

#include "banned.h"

/* ---- verifying an edit of the machine files (--apply) ---- */

/* The lines to add, by file. */
struct edit {
	const char **files, **lines;
	size_t n;
};

/* Copy the regular files of 'from' to 'to' (created), with the edit's
 * lines appended to the files they go into (matched by base name). */
static int copy_dir_edited(const char *from, const char *to,
			   const struct edit *ed, struct pc_err *err)
{
	DIR *dh = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!dh)
		return pc_err_set(err, "%s: cannot read: %s", from, strerror(errno));
	if (mkdir(to, 0700)) {
		closedir(dh);
		return pc_err_set(err, "%s: cannot create: %s", to, strerror(errno));
	}
	while (!rc && (de = readdir(dh)) != NULL) {
		char *src, *dst, *text = NULL;
		struct stat st;
		size_t len;
		struct pc_strbuf out = PC_STRBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		src = pc_xasprintf("%s/%s", from, de->d_name);
		dst = pc_xasprintf("%s/%s", to, de->d_name);
		if (stat(src, &st)) {
			rc = pc_err_set(err, "%s: %s", src, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (!strcmp(de->d_name, "compat"))
				rc = copy_dir_edited(src, dst, ed, err);
		} else if (S_ISREG(st.st_mode)) {
			if (pc_read_file(src, 4u << 20, &text, &len, err)) {
				rc = -1;
			} else {
				pc_strbuf_add(&out, text, len);
				for (size_t i = 0; i < ed->n; i++) {
					const char *b = strrchr(ed->files[i], '/');

					if (strcmp(b ? b + 1 : ed->files[i], de->d_name))
						continue;
					if (out.len && out.buf[out.len - 1] != '\n')
						pc_strbuf_addch(&out, '\n');
					pc_strbuf_addf(&out, "%s\n", ed->lines[i]);
				}
				rc = pc_write_file_atomic(dst, out.buf, out.len, err);
			}
		}
		pc_strbuf_release(&out);
		free(text);
		free(src);
		free(dst);
	}
	closedir(dh);
	return rc;
}

static void remove_tree(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;

	if (!dh)
		return;
	while ((de = readdir(dh)) != NULL) {
		char *p;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = pc_xasprintf("%s/%s", dir, de->d_name);
		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
		free(p);
	}
	closedir(dh);
	rmdir(dir);
}

/*
 * The whole check of 'tree' against every recorded release, every
 * machine type the tree describes, both directions: outcome[k] for the
 * k-th (machine type, release, direction) in a fixed order ('names' gets
 * a label for each when not NULL): 1 passes, 0 fails, -1 error.
 */
static size_t check_all(const struct pc_side *tree, const struct pc_side *rel,
			size_t nrel, struct pc_known_breaks *kb, int **outcome,
			char ***names)
{
	const struct pc_machine_set *ms = tree->machines;
	struct pc_vm_cache *vms = pc_vm_cache_new();
	size_t n = 0, k = 0;

	n = ms->n_machines * nrel * 2;
	*outcome = pc_xcalloc(n + 1, sizeof(int));
	if (names)
		*names = pc_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < ms->n_machines; i++) {
		const struct pc_machine *m = ms->machines[i];

		int smps[8];
		size_t nsmp = pc_machine_smp_set(m, smps, 8);

		for (size_t j = 0; j < nrel; j++) {
			const struct pc_machine *rm = pc_machine_find(rel[j].machines, m->name);
			bool knows = rm && pc_side_knows_machine(&rel[j], rm);

			for (size_t q = 0; q < nsmp * 2; q++, k++) {
				int d = (int)(q % 2);
				const struct pc_side *src = d ? tree : &rel[j];
				const struct pc_side *dst = d ? &rel[j] : tree;
				struct pc_check c;
				struct pc_report r;
				struct pc_err err = { 0 };

				if (k >= n) {
					n *= 2;
					*outcome = pc_xrealloc(*outcome, (n + 1) * sizeof(int));
					if (names) {
						*names = pc_xrealloc(*names, (n + 1) * sizeof(char *));
						memset(*names + k, 0, (n + 1 - k) * sizeof(char *));
					}
				}
				if (names)
					(*names)[k] = pc_xasprintf("%s -> %s on %s (smp=%d)", src->label,
								   dst->label, m->name, smps[q / 2]);
				if (!knows) {
					(*outcome)[k] = 1;
					continue;
				}
				memset(&c, 0, sizeof(c));
				c.machine = m->name;
				c.smps[0] = smps[q / 2];
				c.n_smps = 1;
				c.known = kb;
				c.vms = vms;
				pc_report_init(&r);
				if (pc_check_direction(&c, src, dst, &r, &err))
					(*outcome)[k] = -1;
				else
					(*outcome)[k] = !pc_report_fails(&r);
				pc_report_release(&r);
			}
		}
	}
	pc_vm_cache_free(vms);
	return k;
}

/*
 * Verify the edit: the whole check with the edited machine files must
 * pass wherever it passed before.  Returns 0 when it does (*pair_ok: the
 * pair asked about passes with the edit), 1 when it does not (the
 * regressions printed), -1 on error.
 */
static int verify_edit(struct pc_cli *cli, const struct pc_side *tree,
		       const struct edit *ed, struct pc_known_breaks *kb,
		       const struct pc_check *asked, const struct pc_side *a,
		       const struct pc_side *b, bool *pair_ok)
{
	struct pc_side *rel = NULL, edited;
	size_t nrel = 0, n0, n1, bad = 0;
	int *before = NULL, *after = NULL, rc = -1;
	char **names = NULL;
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl, *dir = NULL;
	struct pc_err err = { 0 };

	*pair_ok = false;
	if (pc_cli_load_baselines(cli, &rel, &nrel))
		return -1;
	/* a scratch copy of the machine files, where TMPDIR says */
	tmpl = pc_xasprintf("%s/plugcheck-apply.XXXXXX",
			    tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(tmpl)) {
		pc_cli_error(cli, "--apply: cannot create a temporary directory %s: %s",
			     tmpl, strerror(errno));
		goto out;
	}
	dir = pc_xasprintf("%s/machines", tmpl);
	if (copy_dir_edited(cli->machine_dir, dir, ed, &err)) {
		pc_cli_error(cli, "--apply: %s", err.msg);
		goto out;
	}
	memset(&edited, 0, sizeof(edited));
	edited.label = pc_xstrdup(tree->label);
	edited.origin = pc_xstrdup(tree->origin ? tree->origin : "");
	edited.reg = tree->reg;
	edited.release = tree->release;
	edited.machines = pc_machine_set_new();
	edited.own_machines = true;
	if (pc_machines_load_dir(edited.machines, dir, &err)) {
		pc_cli_error(cli, "--apply: the edited machine files do not load: %s", err.msg);
		pc_side_release(&edited);
		goto out;
	}
	n0 = check_all(tree, rel, nrel, kb, &before, &names);
	n1 = check_all(&edited, rel, nrel, kb, &after, NULL);
	for (size_t k = 0; k < n0 && k < n1; k++)
		if (before[k] == 1 && after[k] != 1) {
			if (!bad++)
				pc_cli_error(cli, "--apply: refused, nothing written: with these lines, checks that pass today fail:");
			if (bad <= 20)
				fprintf(cli->err, "  %s%s\n", names[k],
					after[k] < 0 ? " (error)" : "");
		}
	if (bad > 20)
		fprintf(cli->err, "  ... and %zu more\n", bad - 20);
	if (n0 != n1 && !bad) {
		pc_cli_error(cli, "--apply: refused, nothing written: the edited machine files describe other machine types");
		bad = 1;
	}
	{
		/* the pair asked about, with the edit */
		struct pc_check c = *asked;
		struct pc_report r;

		c.vms = NULL;
		c.known = NULL;
		pc_report_init(&r);
		if (!pc_check_direction(&c, a == tree ? &edited : a,
					b == tree ? &edited : b, &r, &err))
			*pair_ok = !pc_report_fails(&r);
		pc_report_release(&r);
	}
	rc = bad ? 1 : 0;
	pc_side_release(&edited);
out:
	for (size_t k = 0; names && names[k]; k++)
		free(names[k]);
	free(names);
	free(before);
	free(after);
	if (dir)
		remove_tree(tmpl);
	free(dir);
	free(tmpl);
	for (size_t i = 0; i < nrel; i++)
		pc_side_release(&rel[i]);
	free(rel);
	return rc;
}

/* Do compat lines "DRIVER PROP VALUE" a and b set the same property? */
static bool same_target(const char *a, const char *b)
{
	const char *ea = strchr(a, ' '), *eb = strchr(b, ' ');

	if (!ea || !eb)
		return false;
	ea = strchr(ea + 1, ' ');
	eb = strchr(eb + 1, ' ');
	return ea && eb && ea - a == eb - b && !strncmp(a, b, (size_t)(ea - a));
}

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
	bool bad = false, contradict = false;
	const char **lines = NULL, **files = NULL;
	size_t nlines = 0, breaks = 0, nfixrel = 0;
	struct pc_side *fixrel = NULL;
	struct edit edit;
	int verified;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck suggest --machine M --from A --to B [--smp N] [--apply]\n\n"
		      "The fixes for A -> B under M: compat lines for the tree's machine files,\n"
		      "and the overrides (verified) to start the destination with.\n"
		      "  --apply   append the compat lines to the machine files (atomically)\n",
		      cli->out);
		return PC_EXIT_OK;
	}
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--machine", &machine),
			PC_OPT_STR_ROW("--from", &from),
			PC_OPT_STR_ROW("--to", &to),
			PC_OPT_FLAG_ROW("--apply", &apply),
			PC_OPT_INT_ROW("--smp", &smp, 1, 1 << 16),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"suggest", opts, NULL, NULL,
			"suggest: unknown option or missing value '%s'",
		};

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return PC_EXIT_ERROR;
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
	/* a known break is still a break for the pair asked about, but its
	 * fix is its recorded mitigation, never a compat line (which would
	 * undo the fix the other releases have) */
	c.known = &kb;
	if (smp) {
		c.smps[0] = smp;
		c.n_smps = 1;
	}
	pc_report_init(&r);
	if (pc_cli_load_fix_releases(cli, &a, &b, &fixrel, &nfixrel))
		goto out;
	c.releases = fixrel;
	c.n_releases = nfixrel;
	if (pc_check_direction(&c, &a, &b, &r, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < r.n; i++)
		breaks += r.items[i].severity >= PC_SEV_INCOMPATIBLE;
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
	/* two lines for one property in one file contradict each other */
	for (size_t i = 0; i < nlines; i++)
		for (size_t j = i + 1; j < nlines; j++)
			contradict |= !strcmp(files[i], files[j]) &&
				       same_target(lines[i], lines[j]) &&
				       strcmp(lines[i], lines[j]);
	c.known = NULL;
	verified = pc_suggest_overrides(&c, &a, &b, &ovs, &novs, &err);
	c.known = &kb;
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
			a.label, b.label, breaks, breaks == 1 ? "" : "s");
		/* what the fixes are for: the findings grouped by cause (a
		 * known break's fix is its recorded mitigation, printed once) */
		for (size_t i = 0; i < r.n; i++)
			nkeep += keep[i] = r.items[i].severity >= PC_SEV_REVIEW &&
					   !cli->quiet;
		pc_cli_print_groups(cli, &r, keep, nkeep);
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
		} else if (!breaks) {
			fprintf(cli->out, "\nNothing to fix: the pair is compatible.\n");
		} else {
			fprintf(cli->out, "\nNo destination override fixes this pair.\n");
		}
	}
	status = breaks && verified != 1 && !nlines ? PC_EXIT_INCOMPATIBLE
						   : PC_EXIT_OK;
	if (apply && nlines) {
		const struct pc_side *tree = !a.project && !a.index ? &a
					     : !b.project && !b.index ? &b : NULL;
		struct stat st;
		bool pair_ok = false;
		int v;

		if (!tree) {
			pc_cli_error(cli, "--apply: both sides are released builds; there is no machine file to change");
			status = PC_EXIT_ERROR;
			goto done;
		}
		if (contradict) {
			pc_cli_error(cli, "--apply: refused, nothing written: the lines contradict each other (one property, two values in one array): no compat value fits every configuration");
			status = PC_EXIT_INCOMPATIBLE;
			goto done;
		}
		for (size_t i = 0; i < nlines; i++)
			if (stat(files[i], &st)) {
				pc_cli_error(cli, "--apply: refused, nothing written: %s does not exist yet; QEMU creates the array with the next machine type: add that machine type first (tools/gen-machines.sh, Documentation/machine-format.md), then the line '%s'",
					     files[i], lines[i]);
				status = PC_EXIT_INCOMPATIBLE;
				goto done;
			}
		edit.files = files;
		edit.lines = lines;
		edit.n = nlines;
		v = verify_edit(cli, tree, &edit, &kb, &c, &a, &b, &pair_ok);
		if (v) {
			status = v < 0 ? PC_EXIT_ERROR : PC_EXIT_INCOMPATIBLE;
			goto done;
		}
		for (size_t i = 0; i < nlines && status != PC_EXIT_ERROR; i++) {
			if (apply_line(cli, files[i], lines[i]))
				status = PC_EXIT_ERROR;
			else
				fprintf(cli->out, "applied: %s: %s\n", files[i], lines[i]);
		}
		if (status != PC_EXIT_ERROR) {
			fprintf(cli->out, "verified: every machine type against every recorded release, both directions, passes wherever it passed before%s\n",
				pair_ok ? "; the pair passes" : "; the pair still fails with these lines");
			if (!pair_ok)
				status = PC_EXIT_INCOMPATIBLE;
		}
	}
done:
	for (size_t i = 0; i < novs; i++)
		pc_override_release(&ovs[i]);
	free(ovs);
out:
	for (size_t i = 0; i < nfixrel; i++)
		pc_side_release(&fixrel[i]);
	free(fixrel);
	free(lines);
	free(files);
	pc_report_release(&r);
	pc_known_breaks_release(&kb);
out_sides:
	pc_side_release(&a);
	pc_side_release(&b);
	return bad ? PC_EXIT_ERROR : status;
}
