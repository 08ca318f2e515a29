/*
 * check-render.c - `plugcheck check`'s output: a job of core/job.c (the
 * main job, one pair, the matrix, a chain) and the release matrix, as
 * text or JSON.  Only renders: cmd-check.c parses the options and runs
 * the job.  Documentation/plugcheck.1, "check".
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report-ci.h"
#include "report-html.h"
#include "report-json.h"

#include "banned.h"

/* "compatible (2 known breaks acknowledged)"; 'each': "... each way";
 * 'kf': known breaks still fail (job.h, known_fails) */
static char *pair_text(const struct pc_pair *p, bool each, bool kf)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *e = each ? " each way" : "";

	pc_strbuf_addstr(&sb, pc_pair_verdict(p, kf));
	if (p->incompatible)
		pc_strbuf_addf(&sb, " (%zu finding%s%s)", p->incompatible,
			       p->incompatible == 1 ? "" : "s", e);
	if (p->known && !kf)
		pc_strbuf_addf(&sb, " (%zu known break%s acknowledged%s)", p->known,
			       p->known == 1 ? "" : "s", e);
	if (p->review)
		pc_strbuf_addf(&sb, " (%zu to review%s)", p->review, e);
	return pc_strbuf_detach(&sb);
}

/* One line per direction; 'both': the pairs are (A -> B, B -> A), and a
 * pair whose two directions say the same is one line "A <-> B". */
static void print_pairs(struct pc_cli *cli, const struct pc_job *j, bool both)
{
	const struct pc_pair *prs = j->pairs;
	size_t n = j->n_pairs;
	bool kf = j->known_fails;

	for (size_t i = 0; i < n; i++) {
		const struct pc_pair *p = &prs[i];
		char *t = pair_text(p, false, kf);

		if (both && i + 1 < n && !strcmp(p->src, prs[i + 1].dst) &&
		    !strcmp(p->dst, prs[i + 1].src)) {
			char *t2 = pair_text(&prs[i + 1], false, kf);

			if (!strcmp(t, t2)) {
				char *te = pair_text(p, true, kf);

				fprintf(cli->out, "  %-8s <-> %-8s %s\n", p->src, p->dst, te);
				free(te);
				free(t);
				free(t2);
				i++;
				continue;
			}
			free(t2);
		}
		fprintf(cli->out, "  %-8s -> %-8s %s\n", p->src, p->dst, t);
		free(t);
	}
}

/* The main job's extra configurations: how many, then one line for each
 * that found something beyond the default configuration (-v: every one,
 * and the releases that cannot start it). */
static void print_vmconfigs(struct pc_cli *cli, const struct pc_job *j)
{
	size_t nd = 0;

	if (!j->config_runs || !j->configs.n)
		return;
	for (size_t n = 0; n < j->configs.n; n++)
		nd += j->configs.items[n].declared;
	if (!cli->quiet)
		fprintf(cli->out, "  extra configurations: %zu checked (%zu declared, %zu derived; %zu sections and %zu properties compared; --default-config-only skips them)\n",
			j->configs.n, nd, j->configs.n - nd,
			j->config_sections, j->config_props);
	for (size_t n = 0; n < j->configs.n; n++) {
		const struct pc_job_vmconfig *run = &j->config_runs[n];
		struct pc_pair sum = { 0 };

		for (size_t i = 0; i < run->n_pairs; i++) {
			sum.incompatible += run->pairs[i].incompatible;
			sum.review += run->pairs[i].review;
			sum.known += run->pairs[i].known;
			sum.error |= run->pairs[i].error;
		}
		if (!sum.incompatible && !sum.review && !sum.error &&
		    (!cli->verbose || cli->quiet))
			continue;
		fprintf(cli->out, "  configuration %s (%s):", run->config->label,
			run->config->origin);
		for (size_t i = 0, k = 0; i < run->n_pairs; i++) {
			const struct pc_pair *p = &run->pairs[i];
			char *t;

			if (!p->incompatible && !p->review && !p->error)
				continue;
			t = pair_text(p, false, j->known_fails);
			fprintf(cli->out, "%s %s -> %s %s", k++ ? ";" : "",
				p->src, p->dst, t);
			free(t);
		}
		if (!sum.incompatible && !sum.review && !sum.error)
			fprintf(cli->out, " compatible");
		if (cli->verbose && run->not_started && *run->not_started)
			fprintf(cli->out, " (%s cannot start it)", run->not_started);
		fputc('\n', cli->out);
	}
}

/* The findings grouped by cause (one root cause, one entry: the fix once,
 * the directions, machine types and vCPU counts it shows in), then the
 * known breaks once per acknowledgement. */
static void print_findings(struct pc_cli *cli, const struct pc_report *r,
			   bool known_fails)
{
	const char **reasons = pc_xcalloc(r->n + 1, sizeof(char *));
	bool *keep = pc_xcalloc(r->n + 1, sizeof(bool));
	size_t nreasons = 0, nkeep = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];

		if (f->known && !cli->verbose && !known_fails) {
			bool seen = false;

			for (size_t k = 0; k < nreasons; k++)
				seen |= !strcmp(reasons[k], f->known_reason);
			if (!seen)
				reasons[nreasons++] = f->known_reason;
			continue;
		}
		if (cli->quiet && (f->known || f->severity < PC_SEV_INCOMPATIBLE))
			continue;
		keep[i] = true;
		nkeep++;
	}
	pc_cli_print_groups(cli, r, keep, nkeep);
	free(keep);
	/* known breaks: once per acknowledgement, with where it showed */
	if (nreasons && !cli->quiet) {
		fprintf(cli->out, "\nKnown breaks (%s; -v shows every finding):\n",
			known_fails ? "still breaking this migration" : "acknowledged");
		for (size_t k = 0; k < nreasons; k++) {
			struct pc_strbuf where = PC_STRBUF_INIT;

			for (size_t i = 0; i < r->n; i++) {
				const struct pc_finding *f = &r->items[i];
				char *item;

				if (!f->known || strcmp(f->known_reason, reasons[k]))
					continue;
				item = pc_xasprintf("%s -> %s %s", f->src, f->dst,
						    f->device ? f->device : "");
				if (!strstr(where.buf, item))
					pc_strbuf_addf(&where, "%s%s", where.len ? "; " : "", item);
				free(item);
			}
			fprintf(cli->out, "  - %s\n    seen in: %s\n", reasons[k], where.buf);
			pc_strbuf_release(&where);
		}
	}
	free(reasons);
}

static void print_configs(struct pc_cli *cli, const struct pc_check *c,
			  const struct pc_side *tree)
{
	const struct pc_machine *m = pc_machine_find(tree->machines, c->machine);
	int smps[8];
	size_t n;

	if (!m)
		return;
	if (c->n_smps) {
		fprintf(cli->out, "vCPU configuration: smp=%d\n", c->smps[0]);
		return;
	}
	n = pc_machine_smp_set(m, smps, 8);
	fprintf(cli->out, "vCPU configurations checked:");
	for (size_t i = 0; i < n; i++)
		fprintf(cli->out, " smp=%d", smps[i]);
	fputc('\n', cli->out);
}

static void main_header(struct pc_cli *cli, const struct pc_job *j)
{
	const struct pc_job_spec *o = j->spec;
	char tv[32];

	pc_version_str(&j->tree.release, tv, sizeof(tv));
	fprintf(cli->out, "Machine type %s", j->machine->name);
	if (strcmp(j->machine->name, o->machine))
		fprintf(cli->out, " (%s)", o->machine);
	fprintf(cli->out, ": the tree (%s, %zu plugins, %zu types) against the recorded releases, both directions\n",
		tv, j->tree.reg->n_plugins, j->tree.reg->n_types);
	print_configs(cli, &j->check, &j->tree);
	if (o->src_host || o->dst_host)
		fprintf(cli->out, "Hosts: every source on %s, every destination on %s\n",
			o->src_host ? j->hosts[0].name : "the reference host (no capabilities)",
			o->dst_host ? j->hosts[1].name : "the reference host (no capabilities)");
}

void pc_cli_check_header(struct pc_cli *cli, const struct pc_job *j)
{
	if (cli->format != PC_FMT_TEXT || cli->quiet)
		return;
	switch (j->spec->mode) {
	case PC_JOB_MAIN:
		main_header(cli, j);
		break;
	case PC_JOB_PAIR:
		fprintf(cli->out, "Machine type %s: %s -> %s\n", j->spec->machine,
			j->sides[0].label, j->sides[1].label);
		break;
	case PC_JOB_CHAIN:
		fprintf(cli->out, "Machine type %s: chain", j->spec->machine);
		for (size_t i = 0; i < j->n_sides; i++)
			fprintf(cli->out, "%s%s", i ? " -> " : " ", j->sides[i].label);
		fputc('\n', cli->out);
		break;
	case PC_JOB_MATRIX:
	case PC_JOB_RELEASE_MATRIX:
	case PC_JOB_RELEASE:
		break;
	}
}

/* the --matrix grid: row = source, column = destination */
static void print_matrix(struct pc_cli *cli, const struct pc_job *j)
{
	size_t ns = j->n_matrix;

	fprintf(cli->out, "Machine type %s: migration matrix (row = source, column = destination)\n\n%-10s",
		j->check.machine, "");
	for (size_t b = 0; b < ns; b++)
		fprintf(cli->out, " %-8s", j->matrix[b]->label);
	fputc('\n', cli->out);
	for (size_t a = 0; a < ns; a++) {
		fprintf(cli->out, "%-10s", j->matrix[a]->label);
		for (size_t b = 0; b < ns; b++) {
			const struct pc_pair *p = &j->pairs[a * ns + b];

			fprintf(cli->out, " %-8s", p->error ? "error"
				: p->incompatible ? "FAIL"
				: p->known ? "known" : "ok");
		}
		fputc('\n', cli->out);
	}
}

static const char *const job_mode_names[] = {
	[PC_JOB_MAIN] = "tree-vs-releases",
	[PC_JOB_PAIR] = "pair",
	[PC_JOB_MATRIX] = "matrix",
	[PC_JOB_CHAIN] = "chain",
	[PC_JOB_RELEASE_MATRIX] = "release-matrix",
	[PC_JOB_RELEASE] = "library",
};

/* "a, b" as ["a", "b"] */
static json_t *unmigratable_json(const char *list)
{
	json_t *a = json_array();

	while (list && *list) {
		size_t l = strcspn(list, ",");

		json_array_append_new(a, json_stringn(list, l));
		list += l;
		list += strspn(list, ", ");
	}
	return a;
}

/* The main job's extra configurations in JSON: each with its origin,
 * the directions checked in it and the releases that cannot start it. */
static json_t *vmconfigs_json(const struct pc_job *j)
{
	json_t *a = json_array();

	for (size_t n = 0; n < j->configs.n; n++) {
		const struct pc_job_vmconfig *run = &j->config_runs[n];
		json_t *o = json_object();

		json_object_set_new(o, "configuration",
				    json_string(run->config->label));
		json_object_set_new(o, "type", json_string(run->config->type));
		json_object_set_new(o, "properties",
				    json_string(run->config->props));
		json_object_set_new(o, "origin",
				    json_string(run->config->declared
						? "declared" : "derived"));
		json_object_set_new(o, "why", json_string(run->config->origin));
		json_object_set_new(o, "pairs",
				    pc_pairs_to_json(run->pairs, run->n_pairs,
						     j->known_fails));
		if (run->not_started && *run->not_started)
			json_object_set_new(o, "not_started",
					    unmigratable_json(run->not_started));
		json_array_append_new(a, o);
	}
	return a;
}

static void render_json(struct pc_cli *cli, const struct pc_job *j)
{
	const struct pc_check *c = &j->check;
	json_t *x = json_object();

	if (j->spec->mode == PC_JOB_MATRIX) {
		json_t *labels = json_array();

		for (size_t i = 0; i < j->n_matrix; i++)
			json_array_append_new(labels, json_string(j->matrix[i]->label));
		json_object_set_new(x, "sides", labels);
	}
	json_object_set_new(x, "mode", json_string(job_mode_names[j->spec->mode]));
	json_object_set_new(x, "machine", json_string(c->machine));
	json_object_set_new(x, "pairs", pc_pairs_to_json(j->pairs, j->n_pairs,
							 j->known_fails));
	json_object_set_new(x, "known_breaks", json_integer((json_int_t)j->known_found));
	json_object_set_new(x, "stale_known_breaks", json_integer((json_int_t)j->stale));
	json_object_set_new(x, "stale_known_breaks_checked", json_boolean(j->stale_checked));
	json_object_set_new(x, "sections_compared",
			    json_integer((json_int_t)c->sections_compared));
	json_object_set_new(x, "properties_compared",
			    json_integer((json_int_t)c->props_compared));
	if (j->spec->mode == PC_JOB_MAIN && j->unknown && *j->unknown)
		json_object_set_new(x, "not_applicable",
				    unmigratable_json(j->unknown));
	if (j->unmigratable && *j->unmigratable)
		json_object_set_new(x, "unmigratable",
				    unmigratable_json(j->unmigratable));
	if (j->config_runs)
		json_object_set_new(x, "configurations", vmconfigs_json(j));
	json_object_set_new(x, "exit_status", json_integer(j->status));
	pc_cli_print_report(cli, "check", &j->report, x);
}

static void render_result(struct pc_cli *cli, const struct pc_job *j)
{
	const struct pc_check *c = &j->check;
	bool kf = j->known_fails;
	size_t np = j->n_pairs, inc = j->incompatible, known = j->known_found;

	print_findings(cli, &j->report, kf);
	if (j->known.n && !kf && j->bad_input)
		fprintf(cli->out, "\nKnown breaks were not checked for staleness: an input was refused, and what it would have provided is unknown.\n");
	/* a pair or chain: a known break still breaks it, so it counts
	 * among the incompatible findings the verdict stands on */
	fprintf(cli->out, "\nresult: %s: %zu direction%s checked, %zu incompatible finding%s",
		j->status == PC_JOB_ERROR ? "error (input problems above)"
		: j->status ? "INCOMPATIBLE" : "compatible",
		np, np == 1 ? "" : "s", kf ? inc + known : inc,
		(kf ? inc + known : inc) == 1 ? "" : "s");
	if (known && kf)
		fprintf(cli->out, " (%zu of them known break%s, still breaking this migration)",
			known, known == 1 ? "" : "s");
	else if (!kf)
		fprintf(cli->out, ", %zu known break%s acknowledged", known,
			known == 1 ? "" : "s");
	if (j->stale)
		fprintf(cli->out, " (%zu of the incompatible: stale acknowledgement%s)",
			j->stale, j->stale == 1 ? "" : "s");
	fprintf(cli->out, "; %zu sections and %zu properties compared\n",
		c->sections_compared, c->props_compared);
}

/* A CI format (report-ci.h): one case a checked direction. */
static void render_ci(struct pc_cli *cli, const struct pc_job *j)
{
	struct pc_ci_case *cases = pc_xcalloc(j->n_pairs + 1, sizeof(*cases));
	struct pc_ci_run run = {
		.verb = "check", .machine = j->check.machine, .r = &j->report,
		.cases = cases, .n_cases = j->n_pairs, .status = j->status,
	};

	for (size_t i = 0; i < j->n_pairs; i++) {
		const struct pc_pair *p = &j->pairs[i];

		cases[i].src = p->src;
		cases[i].dst = p->dst;
		cases[i].verdict = pc_pair_verdict(p, j->known_fails);
		cases[i].error = p->error;
		cases[i].failed = strcmp(cases[i].verdict, "compatible") != 0;
	}
	pc_cli_print_ci(cli, &run);
	free(cases);
}

void pc_cli_check_render(struct pc_cli *cli, const struct pc_job *j)
{
	if (pc_cli_ci_format(cli)) {
		render_ci(cli, j);
		return;
	}
	if (cli->format == PC_FMT_JSON || cli->format == PC_FMT_HTML) {
		render_json(cli, j);
		return;
	}
	if (!cli->quiet && j->unmigratable && *j->unmigratable)
		fprintf(cli->out, "  left out: %s (unmigratable: QEMU refuses to migrate a VM with %s; --vm-device checks one)\n",
			j->unmigratable,
			strchr(j->unmigratable, ',') ? "one of them" : "it");
	switch (j->spec->mode) {
	case PC_JOB_MAIN:
		if (!cli->quiet && *j->unknown)
			fprintf(cli->out, "  %s: %s not know %s (not applicable)\n",
				j->unknown, strchr(j->unknown, ',') ? "do" : "does",
				j->machine->name);
		print_pairs(cli, j, true);
		print_vmconfigs(cli, j);
		break;
	case PC_JOB_PAIR:
	case PC_JOB_CHAIN:
		print_pairs(cli, j, false);
		break;
	case PC_JOB_MATRIX:
		print_matrix(cli, j);
		break;
	case PC_JOB_RELEASE_MATRIX:
	case PC_JOB_RELEASE:
		return;
	}
	render_result(cli, j);
}

/* ------------------------------------------------------------ release matrix */

static const char *cell_word(const struct pc_matrix_cell *c)
{
	return c->incompatible ? "FAIL" : c->known ? "known"
	       : c->review ? "review" : "ok";
}

static json_t *occ_json(const struct pc_matrix *mx,
			const struct pc_matrix_occ *o)
{
	json_t *j = json_object();

	json_object_set_new(j, "machine", json_string(mx->machines[o->machine].name));
	json_object_set_new(j, "source", json_string(mx->releases[o->src].label));
	json_object_set_new(j, "destination", json_string(mx->releases[o->dst].label));
	json_object_set_new(j, "config", json_string(o->configs));
	json_object_set_new(j, "known", json_boolean(o->known));
	if (o->known_reason)
		json_object_set_new(j, "known_reason", json_string(o->known_reason));
	return j;
}

/* one machine type's row (and with -v its grid when it fails) */
static void print_matrix_machine(struct pc_cli *cli, const struct pc_matrix *mx,
				 const struct pc_matrix_machine *M)
{
	size_t cnt[4] = { 0 };

	for (size_t k = 0; k < M->n_sides * M->n_sides; k++) {
		const struct pc_matrix_cell *c = &M->cells[k];

		cnt[c->incompatible ? 3 : c->known ? 2 : c->review ? 1 : 0]++;
	}
	fprintf(cli->out, "  %-24s %5zu %6zu %6zu %6zu %6zu\n", M->name,
		M->n_sides, cnt[0], cnt[1], cnt[2], cnt[3]);
	/* the grid of a machine type with failures, as --matrix prints it */
	if (!cnt[3] || !cli->verbose)
		return;
	fprintf(cli->out, "    %-10s", "");
	for (size_t j = 0; j < M->n_sides; j++)
		fprintf(cli->out, " %-8s", mx->releases[M->sides[j]].label);
	fputc('\n', cli->out);
	for (size_t a = 0; a < M->n_sides; a++) {
		fprintf(cli->out, "    %-10s", mx->releases[M->sides[a]].label);
		for (size_t b = 0; b < M->n_sides; b++)
			fprintf(cli->out, " %-8s",
				cell_word(&M->cells[a * M->n_sides + b]));
		fputc('\n', cli->out);
	}
}

/* one distinct break: its example, where it occurs, its acknowledgement */
static void print_matrix_break(struct pc_cli *cli, const struct pc_matrix *mx,
			       const struct pc_matrix_break *b, size_t known)
{
	const struct pc_finding *f = &b->rep.items[0];
	size_t limit = cli->verbose ? SIZE_MAX : 6;
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_finding_format(f, &sb);
	/* the first line names the example direction */
	fprintf(cli->out, "%s", sb.buf);
	pc_strbuf_release(&sb);
	fprintf(cli->out, "      occurs in %zu direction%s (%zu acknowledged as known breaks):",
		b->n_occ, b->n_occ == 1 ? "" : "s", known);
	for (size_t k = 0; k < b->n_occ && k < limit; k++) {
		const struct pc_matrix_occ *o = &b->occ[k];

		fprintf(cli->out, "%s %s %s -> %s (%s)%s", k ? ";" : "",
			mx->machines[o->machine].name, mx->releases[o->src].label,
			mx->releases[o->dst].label, o->configs,
			o->known ? " known" : "");
	}
	if (b->n_occ > limit)
		fprintf(cli->out, "; and %zu more (-v lists all)", b->n_occ - limit);
	fputc('\n', cli->out);
	if (known && known < b->n_occ)
		fprintf(cli->out, "      acknowledged where known: %s\n",
			b->occ[0].known_reason ? b->occ[0].known_reason : "");
	else if (known)
		for (size_t k = 0; k < b->n_occ; k++)
			if (b->occ[k].known_reason) {
				fprintf(cli->out, "      acknowledged: %s\n",
					b->occ[k].known_reason);
				break;
			}
}

static void print_release_matrix(struct pc_cli *cli, const struct pc_matrix *mx)
{
	size_t shown = 0;

	fprintf(cli->out, "Release matrix: %zu recorded releases, %zu machine types, %zu directions\n\n",
		mx->n_releases, mx->n_machines, mx->directions);
	fprintf(cli->out, "  %-24s %5s %6s %6s %6s %6s\n", "machine type", "sides",
		"ok", "review", "known", "FAIL");
	for (size_t i = 0; i < mx->n_machines; i++)
		print_matrix_machine(cli, mx, &mx->machines[i]);
	for (size_t i = 0; i < mx->n_breaks; i++) {
		const struct pc_matrix_break *b = &mx->breaks[i];
		const struct pc_finding *f = &b->rep.items[0];
		size_t known = 0;

		for (size_t k = 0; k < b->n_occ; k++)
			known += b->occ[k].known;
		if (cli->quiet && (f->severity < PC_SEV_INCOMPATIBLE || known == b->n_occ))
			continue;
		if (!shown++)
			fprintf(cli->out, "\nBreaks (each once; \"example\" is the first direction it was found in):\n");
		print_matrix_break(cli, mx, b, known);
	}
}


static json_t *matrix_machines_json(const struct pc_matrix *mx)
{
	json_t *ms = json_array();

	for (size_t i = 0; i < mx->n_machines; i++) {
		const struct pc_matrix_machine *M = &mx->machines[i];
		json_t *mo = json_object(), *sides = json_array(), *grid = json_array();

		for (size_t a = 0; a < M->n_sides; a++) {
			json_t *row = json_array();

			json_array_append_new(sides, json_string(mx->releases[M->sides[a]].label));
			for (size_t b = 0; b < M->n_sides; b++)
				json_array_append_new(row, json_string(
					cell_word(&M->cells[a * M->n_sides + b])));
			json_array_append_new(grid, row);
		}
		json_object_set_new(mo, "name", json_string(M->name));
		json_object_set_new(mo, "sides", sides);
		json_object_set_new(mo, "grid", grid);
		json_array_append_new(ms, mo);
	}
	return ms;
}

static json_t *matrix_stats_json(const struct pc_matrix *mx)
{
	json_t *st = json_object();

	json_object_set_new(st, "directions", json_integer((json_int_t)mx->directions));
	json_object_set_new(st, "vm_pairs", json_integer((json_int_t)mx->vm_pairs));
	json_object_set_new(st, "vm_pairs_identical", json_integer((json_int_t)mx->vm_pairs_equal));
	json_object_set_new(st, "device_differences", json_integer((json_int_t)mx->device_diffs));
	json_object_set_new(st, "full_comparisons", json_integer((json_int_t)mx->comparisons));
	json_object_set_new(st, "releases_resolved", json_integer((json_int_t)mx->sides_loaded));
	return st;
}

static void print_release_matrix_json(struct pc_cli *cli,
				      const struct pc_matrix *mx,
				      const struct pc_job_matrix_counts *n,
				      int status)
{
	json_t *x = json_object(), *rels = json_array(), *brs = json_array();

	json_object_set_new(x, "verb", json_string("check"));
	json_object_set_new(x, "mode", json_string("release-matrix"));
	for (size_t i = 0; i < mx->n_releases; i++)
		json_array_append_new(rels, json_string(mx->releases[i].label));
	json_object_set_new(x, "releases", rels);
	json_object_set_new(x, "machines", matrix_machines_json(mx));
	for (size_t i = 0; i < mx->n_breaks; i++) {
		const struct pc_matrix_break *b = &mx->breaks[i];
		json_t *bo = pc_finding_to_json(&b->rep.items[0]), *occ = json_array();

		for (size_t k = 0; k < b->n_occ; k++)
			json_array_append_new(occ, occ_json(mx, &b->occ[k]));
		json_object_set_new(bo, "occurrences", occ);
		json_array_append_new(brs, bo);
	}
	json_object_set_new(x, "breaks", brs);
	json_object_set_new(x, "statistics", matrix_stats_json(mx));
	json_object_set_new(x, "incompatible", json_integer((json_int_t)n->incompatible));
	json_object_set_new(x, "known_breaks", json_integer((json_int_t)n->known));
	json_object_set_new(x, "needs_review", json_integer((json_int_t)n->review));
	json_object_set_new(x, "exit_status", json_integer(status));
	pc_cli_print_doc(cli, x);
}

/* A CI format: one finding an occurrence of a break, one case a cell
 * (machine type, source, destination) off the diagonal. */
static void release_matrix_ci(struct pc_cli *cli, const struct pc_matrix *mx,
			      int status)
{
	struct pc_report r;
	struct pc_ci_case *cases = NULL;
	size_t n = 0, alloc = 0;
	struct pc_ci_run run = { .verb = "check", .r = &r, .status = status };

	pc_report_init(&r);
	for (size_t i = 0; i < mx->n_breaks; i++) {
		const struct pc_matrix_break *b = &mx->breaks[i];

		for (size_t k = 0; k < b->n_occ; k++) {
			struct pc_finding f = b->rep.items[0];
			const struct pc_matrix_occ *o = &b->occ[k];

			f.machine = mx->machines[o->machine].name;
			f.src = mx->releases[o->src].label;
			f.dst = mx->releases[o->dst].label;
			f.config = o->configs;
			f.known = o->known;
			f.known_reason = o->known_reason;
			pc_report_add(&r, &f);
		}
	}
	for (size_t m = 0; m < mx->n_machines; m++) {
		const struct pc_matrix_machine *mm = &mx->machines[m];

		for (size_t a = 0; a < mm->n_sides; a++)
			for (size_t b = 0; b < mm->n_sides; b++) {
				const struct pc_matrix_cell *c = &mm->cells[a * mm->n_sides + b];

				if (a == b)
					continue;
				PC_ALLOC_GROW(cases, n + 1, alloc);
				cases[n] = (struct pc_ci_case){
					.machine = mm->name,
					.src = mx->releases[mm->sides[a]].label,
					.dst = mx->releases[mm->sides[b]].label,
					.verdict = c->incompatible ? "incompatible"
						   : "compatible",
					.failed = c->incompatible > 0,
				};
				n++;
			}
	}
	run.cases = cases;
	run.n_cases = n;
	pc_cli_print_ci(cli, &run);
	free(cases);
	pc_report_release(&r);
}

void pc_cli_release_matrix_render(struct pc_cli *cli,
				  const struct pc_matrix *mx,
				  const struct pc_job_matrix_counts *n,
				  int status)
{
	if (pc_cli_ci_format(cli)) {
		release_matrix_ci(cli, mx, status);
		return;
	}
	if (cli->format == PC_FMT_JSON || cli->format == PC_FMT_HTML) {
		print_release_matrix_json(cli, mx, n, status);
		return;
	}
	print_release_matrix(cli, mx);
	fprintf(cli->out, "\nresult: %s: %zu directions checked (%zu machine type x vCPU configurations, %zu identical by their recorded fingerprints); %zu incompatible, %zu known, %zu to review; %zu distinct differences compared in full\n",
		status ? "INCOMPATIBLE" : "compatible", mx->directions,
		mx->vm_pairs, mx->vm_pairs_equal, n->incompatible, n->known,
		n->review, mx->comparisons);
}
