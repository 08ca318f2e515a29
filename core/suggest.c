/*
 * suggest.c - the compat-line fixes of a failing pair and the verified
 * edit of the machine files that applies them (suggest.h).
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"
#include "suggest.h"

#include "banned.h"

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

void pc_fix_lines_collect(const struct pc_report *r, struct pc_fix_lines *out)
{
	memset(out, 0, sizeof(*out));
	out->lines = pc_xcalloc(r->n + 1, sizeof(char *));
	out->files = pc_xcalloc(r->n + 1, sizeof(char *));
	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];
		bool dup = false;

		if (!f->fix_line || !f->fix_file || f->known)
			continue;
		for (size_t j = 0; j < out->n; j++)
			dup |= !strcmp(out->lines[j], f->fix_line) &&
			       !strcmp(out->files[j], f->fix_file);
		if (!dup) {
			out->lines[out->n] = f->fix_line;
			out->files[out->n++] = f->fix_file;
		}
	}
	/* two lines for one property in one file contradict each other */
	for (size_t i = 0; i < out->n; i++)
		for (size_t j = i + 1; j < out->n; j++)
			out->contradict |= !strcmp(out->files[i], out->files[j]) &&
					   same_target(out->lines[i], out->lines[j]) &&
					   strcmp(out->lines[i], out->lines[j]);
}

void pc_fix_lines_release(struct pc_fix_lines *fl)
{
	free(fl->lines);
	free(fl->files);
	memset(fl, 0, sizeof(*fl));
}

size_t pc_fix_lines_missing(const struct pc_fix_lines *fl)
{
	struct stat st;

	for (size_t i = 0; i < fl->n; i++)
		if (stat(fl->files[i], &st))
			return i;
	return fl->n;
}

/* Copy the file 'src' (named 'name') to 'dst' with the edit's lines for
 * it (matched by base name) appended. */
static int copy_file_edited(const char *src, const char *dst,
			    const char *name, const struct pc_fix_lines *ed,
			    struct pc_err *err)
{
	struct pc_strbuf out = PC_STRBUF_INIT;
	char *text;
	size_t len;
	int rc;

	if (pc_read_file(src, 4u << 20, &text, &len, err))
		return -1;
	pc_strbuf_add(&out, text, len);
	for (size_t i = 0; i < ed->n; i++) {
		const char *b = strrchr(ed->files[i], '/');

		if (strcmp(b ? b + 1 : ed->files[i], name))
			continue;
		if (out.len && out.buf[out.len - 1] != '\n')
			pc_strbuf_addch(&out, '\n');
		pc_strbuf_addf(&out, "%s\n", ed->lines[i]);
	}
	rc = pc_write_file_atomic(dst, out.buf, out.len, err);
	pc_strbuf_release(&out);
	free(text);
	return rc;
}

/* Copy the regular files of 'from' to 'to' (created), with the edit's
 * lines appended to the files they go into (matched by base name). */
static int copy_dir_edited(const char *from, const char *to,
			   const struct pc_fix_lines *ed, struct pc_err *err)
{
	DIR *dh = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!dh)
		return pc_err_setc(err, PC_E_IO, "%s: cannot read: %s", from, strerror(errno));
	if (mkdir(to, 0700)) {
		closedir(dh);
		return pc_err_setc(err, PC_E_IO, "%s: cannot create: %s", to, strerror(errno));
	}
	while (!rc && (de = readdir(dh)) != NULL) {
		char *src, *dst;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		src = pc_xasprintf("%s/%s", from, de->d_name);
		dst = pc_xasprintf("%s/%s", to, de->d_name);
		if (stat(src, &st)) {
			rc = pc_err_setc(err, PC_E_IO, "%s: %s", src, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (!strcmp(de->d_name, "compat"))
				rc = copy_dir_edited(src, dst, ed, err);
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file_edited(src, dst, de->d_name, ed, err);
		}
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

/* the tree with the machine files of 'dir' (its registry borrowed) */
static int load_edited(const struct pc_side *tree, const char *dir,
		       struct pc_side *edited, struct pc_err *err)
{
	struct pc_err inner = { 0 };

	memset(edited, 0, sizeof(*edited));
	edited->label = pc_xstrdup(tree->label);
	edited->origin = pc_xstrdup(tree->origin ? tree->origin : "");
	edited->reg = tree->reg;
	edited->release = tree->release;
	edited->machines = pc_machine_set_new();
	edited->own_machines = true;
	if (pc_machines_load_dir(edited->machines, dir, &inner)) {
		pc_side_release(edited);
		return pc_err_wrap(err, &inner, "--apply: the edited machine files do not load");
	}
	return 0;
}

/* the checks that passed before and do not after */
static void regressions(const int *before, size_t n0, const int *after,
			size_t n1, char **names, struct pc_edit_verdict *v)
{
	for (size_t k = 0; k < n0 && k < n1; k++) {
		if (before[k] != 1 || after[k] == 1)
			continue;
		v->regressions = pc_xrealloc(v->regressions,
					     (v->n_regressions + 1) * sizeof(char *));
		v->regressions[v->n_regressions++] =
			pc_xasprintf("%s%s", names[k], after[k] < 0 ? " (error)" : "");
	}
	v->other_machines = n0 != n1;
}

/* the pair asked about, with the edit */
static bool pair_passes(const struct pc_check *asked, const struct pc_side *tree,
			const struct pc_side *edited, const struct pc_side *a,
			const struct pc_side *b)
{
	struct pc_check c = *asked;
	struct pc_report r;
	struct pc_err err = { 0 };
	bool ok = false;

	c.vms = NULL;
	c.known = NULL;
	pc_report_init(&r);
	if (!pc_check_direction(&c, a == tree ? edited : a,
				b == tree ? edited : b, &r, &err))
		ok = !pc_report_fails(&r);
	pc_report_release(&r);
	return ok;
}

/* a scratch directory under $TMPDIR (else /tmp): the caller frees it */
static char *scratch_dir(struct pc_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl = pc_xasprintf("%s/plugcheck-apply.XXXXXX",
				  tmpdir && *tmpdir ? tmpdir : "/tmp");

	if (mkdtemp(tmpl))
		return tmpl;
	pc_err_setc(err, PC_E_IO, "--apply: cannot create a temporary directory %s: %s",
		    tmpl, strerror(errno));
	free(tmpl);
	return NULL;
}

int pc_edit_verify(const struct pc_side *tree, const char *machine_dir,
		   const struct pc_fix_lines *fl, const struct pc_side *rel,
		   size_t n_rel, struct pc_known_breaks *kb,
		   const struct pc_check *asked, const struct pc_side *a,
		   const struct pc_side *b, struct pc_edit_verdict *v,
		   struct pc_err *err)
{
	struct pc_side edited;
	struct pc_err inner = { 0 };
	size_t n0, n1;
	int *before = NULL, *after = NULL, rc = -1;
	char **names = NULL, *tmpl, *dir;

	assert(a == tree || b == tree);
	memset(v, 0, sizeof(*v));
	tmpl = scratch_dir(err);
	if (!tmpl)
		return -1;
	dir = pc_xasprintf("%s/machines", tmpl);
	if (copy_dir_edited(machine_dir, dir, fl, &inner))
		pc_err_wrap(err, &inner, "--apply");
	else if (!load_edited(tree, dir, &edited, err)) {
		n0 = check_all(tree, rel, n_rel, kb, &before, &names);
		n1 = check_all(&edited, rel, n_rel, kb, &after, NULL);
		regressions(before, n0, after, n1, names, v);
		v->pair_ok = pair_passes(asked, tree, &edited, a, b);
		pc_side_release(&edited);
		rc = 0;
	}
	for (size_t k = 0; names && names[k]; k++)
		free(names[k]);
	free(names);
	free(before);
	free(after);
	remove_tree(tmpl);
	free(dir);
	free(tmpl);
	return rc;
}

void pc_edit_verdict_release(struct pc_edit_verdict *v)
{
	for (size_t i = 0; i < v->n_regressions; i++)
		free(v->regressions[i]);
	free(v->regressions);
	memset(v, 0, sizeof(*v));
}

int pc_edit_append_line(const char *file, const char *line,
			struct pc_err *err)
{
	char *old, *text;
	size_t len;
	int r;

	if (pc_read_file(file, 4u << 20, &old, &len, err))
		return -1;
	text = pc_xasprintf("%s%s%s\n", old,
			    len && old[len - 1] != '\n' ? "\n" : "", line);
	r = pc_write_file_atomic(file, text, strlen(text), err);
	free(old);
	free(text);
	return r;
}
