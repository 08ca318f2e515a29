/*
 * cmd-lint.c - `plugcheck lint`: mistakes a reviewer would catch, found
 * from the declarations and the machine files alone.
 *
 *  PC801  a default changed without compat entries that give every older
 *         machine type the value its own release had: each machine type
 *         X.Y is resolved twice, as the tree does today and as release X.Y
 *         did (the recorded baseline abi/releases/X.Y.json, else the
 *         newest recorded release that knows the machine type, else the
 *         release reconstructed from the declared history), and every
 *         property that differs is reported with the compat line that
 *         restores the release's value;
 *  PC802  a field or subsection added (since=) without a version gate or a
 *         condition;
 *  PC803  a field gated on a version the description did not have a bump
 *         for when the field was added;
 *  PC804  a compat entry whose driver matches no loaded type and is not
 *         close to one (a type the tree does not model: info);
 *  PC805  a compat entry naming a property the matched type lacks;
 *  PC806  a compat entry whose driver matches no loaded type but is a
 *         likely typo of one (pc_name_likely_typo()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#include "banned.h"

struct lint {
	struct pc_cli *cli;
	const struct pc_side *tree;
	struct pc_report r;
	const struct pc_side *rel; /* the recorded releases, may be none */
	size_t n_rel;
};

/* What a recorded release says machine type m had: the baseline of
 * release m.version itself, else the newest recorded release that knows
 * m (its compat history gives m the old behaviour), else NULL. */
static const struct pc_side *recorded_for(const struct lint *l,
					  const struct pc_machine *m,
					  const struct pc_machine **rm)
{
	const struct pc_side *best = NULL;

	*rm = NULL;
	for (size_t i = 0; i < l->n_rel; i++) {
		const struct pc_side *r = &l->rel[i];
		const struct pc_machine *x = pc_machine_find(r->machines, m->name);

		if (!x || !pc_side_knows_machine(r, x))
			continue;
		if (!pc_version_cmp(&r->release, &m->version)) {
			*rm = x;
			return r;
		}
		if (!best || pc_version_cmp(&r->release, &best->release) > 0) {
			best = r;
			*rm = x;
		}
	}
	return best;
}

static void lint_add(struct lint *l, enum pc_rule rule, const char *machine,
		     const char *device, const char *path, const char *sv,
		     const char *dv, const char *why, const char *fix,
		     const char *file, const char *line)
{
	struct pc_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = pc_rule_info(rule)->severity;
	f.machine = machine;
	f.device = device;
	f.path = path;
	f.src_value = sv;
	f.dst_value = dv;
	f.why = why;
	f.fix = fix;
	f.fix_file = file;
	f.fix_line = line;
	pc_report_add(&l->r, &f);
}

static bool any_type_matches(const struct pc_registry *reg, const char *driver)
{
	for (size_t i = 0; i < reg->n_types; i++)
		if (pc_type_is_a(reg->types[i], driver))
			return true;
	return false;
}

static void lint_compat(struct lint *l)
{
	const struct pc_machine_set *set = l->tree->machines;
	const struct pc_registry *reg = l->tree->reg;

	for (size_t a = 0; a < set->n_arrays; a++) {
		const struct pc_compat_array *arr = set->arrays[a];

		for (size_t e = 0; e < arr->n_entries; e++) {
			const struct pc_compat_entry *ce = &arr->entries[e];
			bool has = false, matched = false;

			for (size_t t = 0; t < reg->n_types; t++) {
				const struct pc_type *ty = reg->types[t];

				if (!pc_type_is_a(ty, ce->driver))
					continue;
				matched = true;
				if (pc_type_find_prop(ty, ce->prop, NULL))
					has = true;
				else if (!ce->optional && !ty->abstract && !ty->interface) {
					char *why = pc_xasprintf("'%s' matches type '%s', which has no property '%s'",
								 ce->driver, ty->name, ce->prop);

					lint_add(l, PC_R_LINT_COMPAT_NOPROP, NULL, ty->name,
						 ce->origin, ce->prop, NULL, why,
						 "declare the property on the type, fix the entry, or mark it optional",
						 NULL, NULL);
					free(why);
				}
			}
			if (!matched && !any_type_matches(reg, ce->driver)) {
				const char *near = pc_registry_typo_type(reg, ce->driver);
				char *why, *fix;

				if (!near) {
					/* a type the tree does not model: QEMU's
					 * tables name many */
					why = pc_xasprintf("no loaded plugin provides '%s' (QEMU ignores such entries silently)",
							   ce->driver);
					lint_add(l, PC_R_LINT_COMPAT_NOMATCH, NULL, ce->driver,
						 ce->origin, ce->prop, NULL, why, NULL, NULL, NULL);
					free(why);
					continue;
				}
				why = pc_xasprintf("no loaded type is or implements '%s', but the name is close to the loaded type '%s' (did you mean '%s'?): QEMU ignores the entry, so '%s' keeps its new value on the older machine types",
						   ce->driver, near, near, near);
				fix = pc_xasprintf("spell the driver '%s' (%s %s %s)", near,
						   near, ce->prop, ce->value);
				lint_add(l, PC_R_LINT_COMPAT_TYPO, NULL, ce->driver,
					 ce->origin, ce->prop, NULL, why, fix, NULL, NULL);
				free(why);
				free(fix);
			}
			(void)has;
		}
	}
}

static void lint_layouts(struct lint *l)
{
	const struct pc_registry *reg = l->tree->reg;

	for (size_t v = 0; v < reg->n_vmsds; v++) {
		const struct pc_vmsd *d = reg->vmsds[v];
		const char *plug = d->plugin ? d->plugin->path : "?";

		for (size_t i = 0; i < d->n_fields; i++) {
			const struct pc_field *f = &d->fields[i];
			char sv[32], *where, *why;

			if (!f->has_since)
				continue;
			pc_version_str(&f->since, sv, sizeof(sv));
			where = pc_xasprintf("%s.%s (%s line %d)", d->name, f->name,
					     plug, f->line);
			if (!f->version && !f->cond) {
				why = pc_xasprintf("field added in %s is sent unconditionally: releases before %s do not expect it",
						   sv, sv);
				lint_add(l, PC_R_LINT_UNGATED_FIELD, NULL, d->name, where,
					 sv, NULL, why,
					 "gate it with version=N (and bump the description's version) or if=PROPERTY with a compat entry",
					 NULL, NULL);
				free(why);
			} else if (f->version) {
				/* the description's version just before the field came */
				int before = d->version_id;

				for (size_t c = 0; c < d->n_changes; c++)
					if (pc_version_cmp(&d->changes[c].version, &f->since) >= 0) {
						before = d->changes[c].version_id;
						break;
					}
				if (before >= f->version) {
					why = pc_xasprintf("field gated on version %d, but the description was already version %d before %s",
							   f->version, before, sv);
					lint_add(l, PC_R_LINT_NO_VERSION_BUMP, NULL, d->name,
						 where, sv, NULL, why,
						 "bump the description's version (and record the old one with was=)",
						 NULL, NULL);
					free(why);
				}
			}
			free(where);
		}
		for (size_t i = 0; i < d->n_subsections; i++) {
			const struct pc_subsection *s = &d->subsections[i];
			char sv[32], *where, *why;

			if (!s->has_since || s->needed)
				continue;
			pc_version_str(&s->since, sv, sizeof(sv));
			where = pc_xasprintf("%s/%s (%s line %d)", d->name, s->name,
					     plug, s->line);
			why = pc_xasprintf("subsection added in %s has no needed= condition: older releases fail when it is sent",
					   sv);
			lint_add(l, PC_R_LINT_UNGATED_FIELD, NULL, d->name, where, sv,
				 NULL, why,
				 "give it needed=PROPERTY and a compat entry turning the property off for older machine types",
				 NULL, NULL);
			free(why);
			free(where);
		}
	}
}

/* The tree's file for compat lines of machine m (its first hw_compat). */
static const char *own_array_file(const struct pc_machine_set *set,
				  const struct pc_machine *m)
{
	for (size_t i = 0; i < m->n_arrays; i++)
		for (size_t j = 0; j < set->n_arrays; j++)
			if (!strcmp(set->arrays[j]->name, m->arrays[i]) &&
			    pc_str_starts_with(m->arrays[i], "hw_compat_"))
				return set->arrays[j]->path;
	for (size_t i = 0; i < m->n_arrays; i++)
		for (size_t j = 0; j < set->n_arrays; j++)
			if (!strcmp(set->arrays[j]->name, m->arrays[i]))
				return set->arrays[j]->path;
	return NULL;
}

struct reported {
	char **keys;
	size_t n;
};

static bool seen(struct reported *rp, const char *key)
{
	for (size_t i = 0; i < rp->n; i++)
		if (!strcmp(rp->keys[i], key))
			return true;
	rp->keys = pc_xrealloc(rp->keys, (rp->n + 1) * sizeof(char *));
	rp->keys[rp->n++] = pc_xstrdup(key);
	return false;
}

static int lint_defaults(struct lint *l, int smp_pin)
{
	const struct pc_side *tree = l->tree;
	const struct pc_machine_set *set = tree->machines;
	const struct pc_machine **ms = pc_xcalloc(set->n_machines + 1, sizeof(*ms));
	struct reported rp = { NULL, 0 };
	int rc = 0;

	for (size_t i = 0; i < set->n_machines; i++)
		ms[i] = set->machines[i];
	/* newest first: the fix goes to the newest affected machine type,
	 * whose compat array older machine types inherit */
	qsort(ms, set->n_machines, sizeof(*ms), pc_machine_cmp_newest_first);
	for (size_t i = 0; i < set->n_machines && !rc; i++) {
		const struct pc_machine *m = ms[i];
		struct pc_side past = *tree;
		int smps[8];
		size_t n = pc_machine_smp_set(m, smps, 8);
		const struct pc_machine *rm = NULL;
		const struct pc_side *rec = recorded_for(l, m, &rm);
		bool own = rec && !pc_version_cmp(&rec->release, &m->version);

		if (smp_pin) {
			smps[0] = smp_pin;
			n = 1;
		}
		past.project = true;
		past.release = m->version;
		past.own_reg = past.own_machines = false;
		for (size_t k = 0; k < n && !rc; k++) {
			struct pc_vm now, then, recorded;
			struct pc_err err = { 0 };

			/* the recorded release where it knows the device and
			 * the property, the declared history elsewhere (a
			 * vendor's device the shipped baselines never had) */
			if (pc_vm_build(tree, m, smps[k], &now, &err) ||
			    pc_vm_build(&past, m, smps[k], &then, &err)) {
				pc_cli_error(l->cli, "%s", err.msg);
				rc = -1;
				break;
			}
			if (rec && pc_vm_build(rec, rm, smps[k], &recorded, &err)) {
				pc_cli_error(l->cli, "%s", err.msg);
				pc_vm_release(&now);
				pc_vm_release(&then);
				rc = -1;
				break;
			}
			for (size_t o = 0; o < now.n_objs; o++) {
				const struct pc_object *a = &now.objs[o];
				const struct pc_object *b = pc_vm_find_object(&then, a->id);
				const struct pc_object *br = rec ? pc_vm_find_object(&recorded, a->id)
								 : NULL;

				if (!b && !br)
					continue;
				for (size_t p = 0; p < a->n_props; p++) {
					const struct pc_eprop *ea = &a->props[p];
					const struct pc_eprop *eb = NULL;
					char key[512], rel[32], *why, *line, *fix, *newfile;
					const char *file;
					bool from_rec = false;

					for (size_t q = 0; br && q < br->n_props; q++)
						if (!strcmp(br->props[q].prop->name, ea->prop->name)) {
							eb = &br->props[q];
							from_rec = true;
						}
					for (size_t q = 0; !eb && b && q < b->n_props; q++)
						if (!strcmp(b->props[q].prop->name, ea->prop->name))
							eb = &b->props[q];
					if (!eb || !ea->val.text || !eb->val.text ||
					    !strcmp(ea->val.text, eb->val.text))
						continue;
					snprintf(key, sizeof(key), "%s.%s=%s", ea->owner->name,
						 ea->prop->name, eb->val.text);
					if (seen(&rp, key))
						continue;
					pc_version_str(&m->version, rel, sizeof(rel));
					file = own_array_file(set, m);
					newfile = NULL;
					if (!file && pc_machine_latest(set, m->family) == m) {
						/* the newest machine type: its array comes
						 * with the next machine type */
						const struct pc_compat_array *any = NULL;

						for (size_t q = 0; q < set->n_arrays && !any; q++)
							if (pc_str_starts_with(set->arrays[q]->name, "hw_compat_"))
								any = set->arrays[q];
						if (any && strrchr(any->path, '/'))
							newfile = pc_xasprintf("%.*s/hw_compat_%d_%d.compat",
									       (int)(strrchr(any->path, '/') - any->path),
									       any->path, m->version.v[0],
									       m->version.v[1]);
						file = newfile;
					}
					line = pc_xasprintf("%s %s %s", ea->owner->name,
							    ea->prop->name, eb->val.text);
					if (from_rec)
						why = pc_xasprintf("machine type %s had %s=%s in %s %s (%s) but the tree gives %s (%s) with smp=%d",
								   m->name, ea->prop->name, eb->val.text,
								   own ? "release" : "the newest recorded release that knows it,",
								   rec->label, eb->source, ea->val.text,
								   ea->source, smps[k]);
					else
						why = pc_xasprintf("machine type %s had %s=%s in release %s as the declared history reconstructs it (%s; no recorded release has it for %s) but the tree gives %s (%s) with smp=%d",
								   m->name, ea->prop->name, eb->val.text, rel,
								   eb->source, m->name, ea->val.text,
								   ea->source, smps[k]);
					if (!from_rec && pc_str_starts_with(ea->source, "compat entry")) {
						/* a compat entry gives the tree's value: the
						 * history, not the tree, is what lacks it */
						fix = pc_xasprintf("if the default changed, declare it on the property (was=V:%s, V the release of the array of %s) rather than undoing the compat entry; if the entry is wrong, remove it",
								   ea->val.text, ea->source + strlen("compat entry "));
						file = NULL;
					} else if (newfile) {
						fix = pc_xasprintf("keep %s=%s for %s and older machine types: the line goes into hw_compat_%d_%d, which does not exist yet; QEMU creates it with the next machine type: add that machine type first (tools/gen-machines.sh, Documentation/machine-format.md)",
								   ea->prop->name, eb->val.text, m->name,
								   m->version.v[0], m->version.v[1]);
					} else {
						fix = pc_xasprintf("restore the old value for %s and older machine types with a compat entry",
								   m->name);
					}
					lint_add(l, PC_R_LINT_DEFAULT_CHANGE, m->name, a->id,
						 key, eb->val.text, ea->val.text, why, fix,
						 file, file ? line : NULL);
					free(why);
					free(line);
					free(fix);
					free(newfile);
				}
			}
			pc_vm_release(&now);
			pc_vm_release(&then);
			if (rec)
				pc_vm_release(&recorded);
		}
	}
	for (size_t i = 0; i < rp.n; i++)
		free(rp.keys[i]);
	free(rp.keys);
	free(ms);
	return rc;
}

int cmd_lint(struct pc_cli *cli, int argc, char **argv)
{
	struct lint l;
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
	memset(&l, 0, sizeof(l));
	l.cli = cli;
	l.tree = &tree;
	pc_report_init(&l.r);
	if (pc_cli_load_fix_releases(cli, &tree, &tree, &rel, &nrel)) {
		pc_side_release(&tree);
		return PC_EXIT_ERROR;
	}
	l.rel = rel;
	l.n_rel = nrel;
	lint_compat(&l);
	lint_layouts(&l);
	if (lint_defaults(&l, smp)) {
		pc_report_release(&l.r);
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
		     : pc_report_fails(&l.r) ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (cli->format == PC_FMT_JSON) {
		pc_cli_print_report(cli, "lint", &l.r, NULL);
	} else {
		size_t shown = 0;

		for (size_t i = 0; i < l.r.n; i++) {
			struct pc_strbuf sb = PC_STRBUF_INIT;

			if ((cli->quiet || !cli->verbose) &&
			    l.r.items[i].severity == PC_SEV_INFO)
				continue;
			pc_finding_format(&l.r.items[i], &sb);
			fputs(sb.buf, cli->out);
			pc_strbuf_release(&sb);
			shown++;
		}
		if (!cli->verbose && !cli->quiet) {
			size_t nm = 0;

			for (size_t i = 0; i < l.r.n; i++)
				nm += l.r.items[i].rule == PC_R_LINT_COMPAT_NOMATCH;
			if (nm)
				fprintf(cli->out, "PC804: %zu compat entr%s name%s types no loaded plugin provides (not modelled: such an entry does nothing, as in QEMU; -v lists them)\n",
					nm, nm == 1 ? "y" : "ies", nm == 1 ? "s" : "");
		}
		fprintf(cli->out, "lint: %zu incompatible, %zu to review, %zu informational (%s)\n",
			pc_report_count(&l.r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&l.r, PC_SEV_REVIEW) -
				pc_report_count(&l.r, PC_SEV_INCOMPATIBLE),
			pc_report_count(&l.r, PC_SEV_INFO) -
				pc_report_count(&l.r, PC_SEV_REVIEW),
			cli->verbose ? "all shown" : "informational ones shown with -v");
		(void)shown;
	}
	pc_report_release(&l.r);
	pc_side_release(&tree);
	return status;
}
