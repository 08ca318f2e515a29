/*
 * cmd-check.c - `plugcheck check` (and the main job, `plugcheck --machine M`):
 * the tree against every recorded release, one pair, the release matrix,
 * or a chain of migrations.  Documentation/plugcheck.1, "check".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "dump-side.h"
#include "cmd.h"
#include "matrix.h"
#include "pair.h"
#include "report-json.h"

#include "banned.h"

#define MAX_CHAIN 16

static void check_help(FILE *f)
{
	fputs("usage: plugcheck check --machine M [OPTIONS]\n"
	      "       plugcheck --machine M            (the main job)\n\n"
	      "Without --from/--to/--chain/--matrix: the tree against every recorded\n"
	      "release that knows M, in both directions.\n\n"
	      "  --machine M          machine type (name or alias: pc-5.1, q35, pc)\n"
	      "  --from A --to B      one pair; each side is 'tree', a recorded release\n"
	      "                       (5.1), a baseline .json, a plugin directory, or a\n"
	      "                       QEMU -dump-vmstate .json (layouts only);\n"
	      "                       a missing side defaults to the tree\n"
	      "  --matrix             every ordered pair of recorded releases (and the\n"
	      "                       tree) that know M, printed as a table\n"
	      "  --release-matrix     every ordered pair of recorded releases, for every\n"
	      "                       machine type (or --machine M), from the baselines'\n"
	      "                       resolved indexes; each distinct break listed once\n"
	      "  --chain A,B,C        a migration path A -> B -> C\n"
	      "  --smp N              check only N vCPUs (default: 1, 2, 4 and the maximum)\n"
	      "  --src-global T.P=V   start the source with -global T.P=V (repeatable)\n"
	      "  --dst-global T.P=V   start the destination with -global T.P=V\n"
	      "  --src-host FILE      the source's host capabilities (Documentation/host-caps.md)\n"
	      "  --dst-host FILE      the destination's host capabilities\n"
	      "  --hop-global N:T.P=V chain: start side N (1-based) with -global T.P=V\n"
	      "  --hop-host N:FILE    chain: host capabilities of side N\n"
	      "  --carry              chain: every override a destination was started\n"
	      "                       with stays pinned on every later destination\n"
	      "  --vm-device TYPE[,id=ID][,PROP=VALUE...]\n"
	      "                       the VM configuration, like QEMU's -device (repeatable;\n"
	      "                       default: one instance of every concrete device type)\n", f);
}

struct opts {
	const char *machine;
	const char *from, *to, *chain;
	bool matrix, release_matrix, carry;
	int smp;
	const char **src_globals, **dst_globals, **hop_globals, **hop_hosts;
	size_t n_src, n_dst, n_hopg, n_hoph;
	const char *src_host, *dst_host;
	const char **vmdevs;
	size_t n_vmdevs;
};

static int check_modes(struct pc_cli *cli, const struct opts *o);
static int check_mode_options(struct pc_cli *cli, const struct opts *o);

static int parse(struct pc_cli *cli, int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->src_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->dst_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->hop_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->hop_hosts = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->vmdevs = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	{
		const struct pc_opt opts[] = {
			PC_OPT_FLAG_ROW("--matrix", &o->matrix),
			PC_OPT_FLAG_ROW("--release-matrix", &o->release_matrix),
			PC_OPT_FLAG_ROW("--carry", &o->carry),
			PC_OPT_STR_ROW("--machine", &o->machine),
			PC_OPT_STR_ROW("--from", &o->from),
			PC_OPT_STR_ROW("--to", &o->to),
			PC_OPT_STR_ROW("--chain", &o->chain),
			PC_OPT_INT_ROW("--smp", &o->smp, 1, 1 << 16),
			PC_OPT_LIST_ROW("--src-global", o->src_globals, &o->n_src),
			PC_OPT_LIST_ROW("--dst-global", o->dst_globals, &o->n_dst),
			PC_OPT_LIST_ROW("--hop-global", o->hop_globals, &o->n_hopg),
			PC_OPT_LIST_ROW("--hop-host", o->hop_hosts, &o->n_hoph),
			PC_OPT_STR_ROW("--src-host", &o->src_host),
			PC_OPT_STR_ROW("--dst-host", &o->dst_host),
			PC_OPT_LIST_ROW("--vm-device", o->vmdevs, &o->n_vmdevs),
			PC_OPTS_END,
		};
		const struct pc_optset set = { "check", opts, NULL, NULL, NULL };

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return -1;
	}
	return check_modes(cli, o) || check_mode_options(cli, o) ? -1 : 0;
}

/* the modes exclude each other */
static int check_modes(struct pc_cli *cli, const struct opts *o)
{
	if (o->release_matrix &&
	    (o->matrix || o->chain || o->from || o->to || o->n_src || o->n_dst ||
	     o->src_host || o->dst_host || o->n_vmdevs)) {
		pc_cli_error(cli, "check: --release-matrix compares the recorded releases in their default configuration: it excludes --matrix, --chain, --from, --to, overrides, hosts and --vm-device");
		return -1;
	}
	if (!o->machine && !o->release_matrix) {
		pc_cli_error(cli, "check: --machine is required (see plugcheck list-machines)");
		return -1;
	}
	if (o->chain && (o->from || o->to || o->matrix)) {
		pc_cli_error(cli, "check: --chain excludes --from, --to and --matrix");
		return -1;
	}
	if (o->matrix && (o->from || o->to)) {
		pc_cli_error(cli, "check: --matrix excludes --from and --to");
		return -1;
	}
	if ((o->n_hopg || o->n_hoph || o->carry) && !o->chain) {
		pc_cli_error(cli, "check: --hop-global, --hop-host and --carry need --chain");
		return -1;
	}
	return 0;
}

/* every option is honoured by the mode it is given to, or refused */
static int check_mode_options(struct pc_cli *cli, const struct opts *o)
{
	if (o->chain && (o->n_src || o->n_dst || o->src_host || o->dst_host)) {
		pc_cli_error(cli, "check: --chain takes each side's overrides and host with --hop-global N:T.P=V and --hop-host N:FILE, not --src-global, --dst-global, --src-host or --dst-host");
		return -1;
	}
	if (o->matrix && (o->n_src || o->n_dst || o->src_host || o->dst_host)) {
		pc_cli_error(cli, "check: --matrix compares every pair in its default configuration: it excludes --src-global, --dst-global, --src-host and --dst-host (check one pair with --from A --to B)");
		return -1;
	}
	if (!o->chain && !o->matrix && !o->release_matrix && !o->from && !o->to &&
	    o->n_src) {
		pc_cli_error(cli, "check: the main job starts the tree with the --dst-global overrides in both directions; --src-global needs one pair (--from A --to B)");
		return -1;
	}
	return 0;
}

static void free_opts(struct opts *o)
{
	free(o->src_globals);
	free(o->dst_globals);
	free(o->hop_globals);
	free(o->hop_hosts);
	free(o->vmdevs);
}

/* The same VM configuration on every side (the hardware must match). */
static struct opts *cur_opts;

static int add_vm(struct pc_cli *cli, struct pc_side *s)
{
	struct pc_err err = { 0 };

	if (cur_opts && pc_side_add_vm_devices(s, cur_opts->vmdevs,
					       cur_opts->n_vmdevs, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

static int add_globals(struct pc_cli *cli, struct pc_side *s,
		       const char **g, size_t n, const char *origin)
{
	struct pc_err err = { 0 };

	if (pc_side_add_globals(s, g, n, origin, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Is machine M known to this side?  (Releases newer than M's version.) */
static bool side_knows(const struct pc_side *s, const char *machine)
{
	const struct pc_machine *m = pc_machine_find(s->machines, machine);

	return m && pc_side_knows_machine(s, m);
}

/* An explicit pair or chain asks "will this migration work?": a known
 * break is still a break there.  The main job and the matrix acknowledge
 * known breaks (the tree cannot fix a released build). */
static bool known_fails;

static const char *verdict(const struct pc_pair *pr)
{
	return pc_pair_verdict(pr, known_fails);
}

/* "compatible (2 known breaks acknowledged)"; 'each': "... each way" */
static char *pair_text(const struct pc_pair *p, bool each)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *e = each ? " each way" : "";

	pc_strbuf_addstr(&sb, verdict(p));
	if (p->incompatible)
		pc_strbuf_addf(&sb, " (%zu finding%s%s)", p->incompatible,
			       p->incompatible == 1 ? "" : "s", e);
	if (p->known && !known_fails)
		pc_strbuf_addf(&sb, " (%zu known break%s acknowledged%s)", p->known,
			       p->known == 1 ? "" : "s", e);
	if (p->review)
		pc_strbuf_addf(&sb, " (%zu to review%s)", p->review, e);
	return pc_strbuf_detach(&sb);
}

/* One line per direction; 'both': prs holds (A -> B, B -> A) pairs, and a
 * pair whose two directions say the same is one line "A <-> B". */
static void print_pairs_both(struct pc_cli *cli, const struct pc_pair *prs,
			     size_t n, bool both)
{
	for (size_t i = 0; i < n; i++) {
		const struct pc_pair *p = &prs[i];
		char *t = pair_text(p, false);

		if (both && i + 1 < n && !strcmp(p->src, prs[i + 1].dst) &&
		    !strcmp(p->dst, prs[i + 1].src)) {
			char *t2 = pair_text(&prs[i + 1], false);

			if (!strcmp(t, t2)) {
				char *te = pair_text(p, true);

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

static void print_pairs(struct pc_cli *cli, const struct pc_pair *prs,
			size_t n)
{
	print_pairs_both(cli, prs, n, false);
}

/* The findings grouped by cause (one root cause, one entry: the fix once,
 * the directions, machine types and vCPU counts it shows in), then the
 * known breaks once per acknowledgement. */
static void print_findings(struct pc_cli *cli, const struct pc_report *r)
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

static void print_configs(struct pc_cli *cli, struct pc_check *c,
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

/* What finish() found, for its renderings. */
struct outcome {
	size_t inc, known, stale;
	bool stale_checked, bad_input;
	int status;
};

static void finish_json(struct pc_cli *cli, const struct pc_check *c,
			const struct pc_report *r, const struct pc_pair *prs,
			size_t npairs, const struct outcome *v, json_t *extra,
			const char *mode)
{
	json_t *x = extra ? extra : json_object();

	json_object_set_new(x, "mode", json_string(mode));
	json_object_set_new(x, "machine", json_string(c->machine));
	json_object_set_new(x, "pairs", pc_pairs_to_json(prs, npairs, known_fails));
	json_object_set_new(x, "known_breaks", json_integer((json_int_t)v->known));
	json_object_set_new(x, "stale_known_breaks", json_integer((json_int_t)v->stale));
	json_object_set_new(x, "stale_known_breaks_checked", json_boolean(v->stale_checked));
	json_object_set_new(x, "sections_compared",
			    json_integer((json_int_t)c->sections_compared));
	json_object_set_new(x, "properties_compared",
			    json_integer((json_int_t)c->props_compared));
	json_object_set_new(x, "exit_status", json_integer(v->status));
	pc_cli_print_report(cli, "check", r, x);
}

static void finish_text(struct pc_cli *cli, const struct pc_check *c,
			const struct pc_report *r, size_t npairs,
			const struct outcome *v)
{
	print_findings(cli, r);
	if (c->known && c->known->n && !known_fails && v->bad_input)
		fprintf(cli->out, "\nKnown breaks were not checked for staleness: an input was refused, and what it would have provided is unknown.\n");
	fprintf(cli->out, "\nresult: %s: %zu direction%s checked, %zu incompatible finding%s",
		v->status == PC_EXIT_ERROR ? "error (input problems above)"
		: v->status ? "INCOMPATIBLE" : "compatible",
		npairs, npairs == 1 ? "" : "s", v->inc, v->inc == 1 ? "" : "s");
	if (v->known || !known_fails)
		fprintf(cli->out, ", %zu known break%s %s", v->known,
			v->known == 1 ? "" : "s",
			known_fails ? "(still breaking this migration)" : "acknowledged");
	if (v->stale)
		fprintf(cli->out, " (%zu of the incompatible: stale acknowledgement%s)",
			v->stale, v->stale == 1 ? "" : "s");
	fprintf(cli->out, "; %zu sections and %zu properties compared\n",
		c->sections_compared, c->props_compared);
}

static int finish(struct pc_cli *cli, struct pc_check *c, struct pc_report *r,
		  struct pc_pair *prs, size_t npairs, bool bad_input,
		  json_t *extra, const char *mode)
{
	struct outcome v = { 0, 0, 0, false, bad_input, 0 };

	for (size_t i = 0; i < npairs; i++)
		v.bad_input |= prs[i].error;
	/* a stale acknowledgement is a finding of its own (PC810), but
	 * only what every input provided can show one: a refused plugin,
	 * baseline or pair would make its breaks look gone */
	v.stale_checked = c->known && !known_fails && !v.bad_input &&
			  !c->n_smps && !(cur_opts && cur_opts->n_vmdevs);
	if (v.stale_checked)
		v.stale = pc_known_breaks_stale(c->known, r);
	v.inc = pc_report_count(r, PC_SEV_INCOMPATIBLE);
	for (size_t i = 0; i < r->n; i++)
		v.known += r->items[i].known;
	v.status = v.bad_input ? PC_EXIT_ERROR
		   : (v.inc || (v.known && known_fails)) ? PC_EXIT_INCOMPATIBLE
		   : PC_EXIT_OK;
	if (cli->format == PC_FMT_JSON) {
		finish_json(cli, c, r, prs, npairs, &v, extra, mode);
	} else {
		if (extra)
			json_decref(extra);
		finish_text(cli, c, r, npairs, &v);
	}
	return v.status;
}

static int run_pair(struct pc_cli *cli, struct pc_check *c,
		    const struct pc_side *a, const struct pc_side *b,
		    struct pc_report *r, struct pc_pair *pr)
{
	struct pc_err err = { 0 };

	if (pc_pair_check(c, a, b, r, pr, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

static int load_host(struct pc_cli *cli, const char *path,
		     struct pc_host_caps *h)
{
	struct pc_err err = { 0 };

	if (pc_host_caps_load(path, h, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * A compat entry of m's chain whose driver no loaded type is or implements
 * does nothing, as in QEMU (a vendor may load a subset of the plugins, and
 * QEMU's tables name many types the tree does not model); when the name is
 * close to a loaded type's (pc_name_likely_typo()) it is likely a typo that
 * leaves that type without its compat value: one note per entry, once per
 * run.  plugcheck lint reports it as PC806.
 */
static void note_compat_typos(struct pc_cli *cli, const struct pc_side *tree,
			      const struct pc_machine *m)
{
	for (size_t i = 0; i < m->n_chain; i++) {
		const struct pc_compat_entry *e = m->chain[i];
		const char *near = pc_registry_typo_type(tree->reg, e->driver);

		if (near)
			pc_cli_warn(cli, "%s: compat entry for '%s', which no loaded type is or implements (did you mean '%s'?): it does nothing (plugcheck lint: PC806)",
				    e->origin, e->driver, near);
	}
}

/* The main job's inputs: the hosts, the tree with machine type m, the
 * recorded releases, and each side in its two roles. */
struct main_job {
	struct pc_host_caps ha, hb;
	struct pc_side tree, *rel, *roles;
	const struct pc_side **as_src, **as_dst;
	size_t nrel;
	const struct pc_machine *m;
	bool bad;
};

static void main_release(struct main_job *j)
{
	free(j->roles);
	free(j->as_src);
	free(j->as_dst);
	for (size_t i = 0; i < j->nrel; i++)
		pc_side_release(&j->rel[i]);
	free(j->rel);
	pc_side_release(&j->tree);
	pc_host_caps_release(&j->ha);
	pc_host_caps_release(&j->hb);
}

/* hosts, tree (with m, the VM and --dst-global), releases; -1 printed */
static int main_load(struct pc_cli *cli, struct opts *o, struct pc_check *c,
		     struct main_job *j)
{
	/* hosts: the source of every direction runs on --src-host, the
	 * destination on --dst-host (a release as well as the tree) */
	if ((o->src_host && load_host(cli, o->src_host, &j->ha)) ||
	    (o->dst_host && load_host(cli, o->dst_host, &j->hb)) ||
	    pc_cli_load_tree(cli, &j->tree, &j->bad))
		return -1;
	j->m = pc_machine_find(j->tree.machines, o->machine);
	if (!j->m) {
		struct pc_err err = { 0 };

		pc_side_unknown_machine(j->tree.machines, o->machine, &err);
		pc_cli_error(cli, "%s (see plugcheck list-machines)", err.msg);
		return -1;
	}
	/* the canonical name: "q35" means the tree's newest q35 */
	c->machine = j->m->name;
	if (add_vm(cli, &j->tree) ||
	    add_globals(cli, &j->tree, o->dst_globals, o->n_dst, "--dst-global") ||
	    pc_cli_load_baselines(cli, &j->rel, &j->nrel))
		return -1;
	return 0;
}

/* the configuration and overrides, once for the run (not once per
 * direction, release and vCPU count) */
static int main_check_sides(struct pc_cli *cli, struct main_job *j)
{
	for (size_t i = 0; i < j->nrel; i++)
		if (add_vm(cli, &j->rel[i]))
			return -1;
	if (pc_cli_check_side(cli, &j->tree, j->m->name))
		return -1;
	for (size_t i = 0; i < j->nrel; i++)
		if (side_knows(&j->rel[i], j->m->name) &&
		    pc_cli_check_side(cli, &j->rel[i], j->m->name))
			return -1;
	note_compat_typos(cli, &j->tree, j->m);
	return 0;
}

/* each side as a source and as a destination: itself, or with a host a
 * shallow copy that differs only in it (never released: 'tree' and 'rel'
 * own everything; a side keeps one address per role, which the VM cache
 * keys on) */
static void main_roles(const struct opts *o, struct main_job *j)
{
	j->roles = pc_xcalloc(j->nrel * 2 + 2, sizeof(*j->roles));
	j->as_src = pc_xcalloc(j->nrel + 1, sizeof(*j->as_src));
	j->as_dst = pc_xcalloc(j->nrel + 1, sizeof(*j->as_dst));
	for (size_t i = 0; i <= j->nrel; i++) {
		const struct pc_side *s = i < j->nrel ? &j->rel[i] : &j->tree;

		j->as_src[i] = j->as_dst[i] = s;
		if (o->src_host) {
			j->roles[2 * i] = *s;
			j->roles[2 * i].host = &j->ha;
			j->as_src[i] = &j->roles[2 * i];
		}
		if (o->dst_host) {
			j->roles[2 * i + 1] = *s;
			j->roles[2 * i + 1].host = &j->hb;
			j->as_dst[i] = &j->roles[2 * i + 1];
		}
	}
}

static void main_header(struct pc_cli *cli, const struct opts *o,
			struct pc_check *c, const struct main_job *j)
{
	char tv[32];

	pc_version_str(&j->tree.release, tv, sizeof(tv));
	fprintf(cli->out, "Machine type %s", j->m->name);
	if (strcmp(j->m->name, o->machine))
		fprintf(cli->out, " (%s)", o->machine);
	fprintf(cli->out, ": the tree (%s, %zu plugins, %zu types) against the recorded releases, both directions\n",
		tv, j->tree.reg->n_plugins, j->tree.reg->n_types);
	print_configs(cli, c, &j->tree);
	if (o->src_host || o->dst_host)
		fprintf(cli->out, "Hosts: every source on %s, every destination on %s\n",
			o->src_host ? j->ha.name : "the reference host (no capabilities)",
			o->dst_host ? j->hb.name : "the reference host (no capabilities)");
}

/* both directions against every release that knows m; the releases
 * that do not go to 'unknown' (text output) */
static size_t main_pairs(struct pc_cli *cli, struct pc_check *c,
			 struct main_job *j, struct pc_report *r,
			 struct pc_pair *prs, struct pc_strbuf *unknown,
			 size_t *known_n)
{
	size_t npairs = 0, nrel = j->nrel;

	*known_n = 0;
	for (size_t i = 0; i < nrel; i++) {
		if (!side_knows(&j->rel[i], j->m->name)) {
			if (cli->format == PC_FMT_TEXT && !cli->quiet)
				pc_strbuf_addf(unknown, "%s%s", unknown->len ? ", " : "",
					       j->rel[i].label);
			continue;
		}
		(*known_n)++;
		run_pair(cli, c, j->as_src[i], j->as_dst[nrel], r, &prs[npairs++]);
		run_pair(cli, c, j->as_src[nrel], j->as_dst[i], r, &prs[npairs++]);
	}
	return npairs;
}

static int do_main_job(struct pc_cli *cli, struct opts *o, struct pc_check *c)
{
	struct main_job j;
	struct pc_strbuf unknown = PC_STRBUF_INIT; /* releases without M */
	size_t npairs, known_n;
	struct pc_pair *prs = NULL;
	struct pc_report r;
	int status = PC_EXIT_ERROR;

	memset(&j, 0, sizeof(j));
	pc_report_init(&r);
	if (main_load(cli, o, c, &j) || main_check_sides(cli, &j))
		goto out;
	main_roles(o, &j);
	if (cli->format == PC_FMT_TEXT && !cli->quiet)
		main_header(cli, o, c, &j);
	c->releases = j.rel;
	c->n_releases = j.nrel;
	prs = pc_xcalloc(j.nrel * 2 + 1, sizeof(*prs));
	npairs = main_pairs(cli, c, &j, &r, prs, &unknown, &known_n);
	if (!known_n) {
		pc_cli_error(cli, "no recorded release knows machine type '%s': nothing to check against (record one with plugcheck dump-abi)",
			     j.m->name);
		goto out;
	}
	if (unknown.len)
		fprintf(cli->out, "  %s: %s not know %s (not applicable)\n", unknown.buf,
			strchr(unknown.buf, ',') ? "do" : "does", j.m->name);
	if (cli->format == PC_FMT_TEXT)
		print_pairs_both(cli, prs, npairs, true);
	status = finish(cli, c, &r, prs, npairs, j.bad, NULL, "tree-vs-releases");
out:
	pc_strbuf_release(&unknown);
	pc_report_release(&r);
	free(prs);
	main_release(&j);
	return status;
}

/* check --from/--to with a QEMU dump on one side */
static int do_dump_pair(struct pc_cli *cli, struct opts *o, struct pc_check *c)
{
	if (o->n_src || o->n_dst || o->src_host || o->dst_host || o->n_vmdevs) {
		pc_cli_error(cli, "check: overrides, hosts and --vm-device do not apply to a QEMU dump side");
		return PC_EXIT_ERROR;
	}
	return pc_cli_check_dump_pair(cli, o->from ? o->from : "tree",
				      o->to ? o->to : "tree", c->machine, o->smp);
}

/* the pair's VM configuration, overrides and hosts; -1 printed */
static int pair_configure(struct pc_cli *cli, struct opts *o,
			  struct pc_check *c, struct pc_side *a,
			  struct pc_side *b, struct pc_host_caps *ha,
			  struct pc_host_caps *hb)
{
	if (add_vm(cli, a) || add_vm(cli, b) ||
	    add_globals(cli, a, o->src_globals, o->n_src, "--src-global") ||
	    add_globals(cli, b, o->dst_globals, o->n_dst, "--dst-global") ||
	    (o->src_host && load_host(cli, o->src_host, ha)) ||
	    (o->dst_host && load_host(cli, o->dst_host, hb)) ||
	    pc_cli_check_side(cli, a, c->machine) ||
	    pc_cli_check_side(cli, b, c->machine))
		return -1;
	if (o->src_host)
		a->host = ha;
	if (o->dst_host)
		b->host = hb;
	return 0;
}

/* two sides with one label get two: the spec, or a prime */
static void pair_labels(const struct opts *o, const struct pc_side *a,
			struct pc_side *b)
{
	if (!strcmp(a->label, b->label) && (o->from && o->to) &&
	    strcmp(o->from, o->to)) {
		/* two different specs with one label: disambiguate */
		free(b->label);
		b->label = pc_xstrdup(o->to);
	}
	if (!strcmp(a->label, b->label)) {
		char *l = pc_xasprintf("%s'", b->label);

		free(b->label);
		b->label = l;
	}
}

/* a -> b with the recorded releases for the fixes; the status */
static int pair_run(struct pc_cli *cli, struct opts *o, struct pc_check *c,
		    struct pc_side *a, struct pc_side *b, bool bad)
{
	struct pc_side *fixrel = NULL;
	size_t nfixrel = 0;
	struct pc_report r;
	struct pc_pair pr;
	int status = PC_EXIT_ERROR;

	if (cli->format == PC_FMT_TEXT && !cli->quiet)
		fprintf(cli->out, "Machine type %s: %s -> %s\n", o->machine,
			a->label, b->label);
	if (pc_cli_load_fix_releases(cli, a, b, &fixrel, &nfixrel))
		return PC_EXIT_ERROR;
	pc_report_init(&r);
	c->releases = fixrel;
	c->n_releases = nfixrel;
	if (!run_pair(cli, c, a, b, &r, &pr)) {
		if (cli->format == PC_FMT_TEXT)
			print_pairs(cli, &pr, 1);
		status = finish(cli, c, &r, &pr, 1, bad, NULL, "pair");
	}
	c->releases = NULL;
	c->n_releases = 0;
	for (size_t i = 0; i < nfixrel; i++)
		pc_side_release(&fixrel[i]);
	free(fixrel);
	pc_report_release(&r);
	return status;
}

static int do_pair(struct pc_cli *cli, struct opts *o, struct pc_check *c)
{
	struct pc_side a, b;
	struct pc_host_caps ha = { 0 }, hb = { 0 };
	bool bad = false;
	int status = PC_EXIT_ERROR;

	if ((o->from && pc_dump_side_is_qemu_dump(o->from)) ||
	    (o->to && pc_dump_side_is_qemu_dump(o->to)))
		return do_dump_pair(cli, o, c);
	if (pc_cli_load_side(cli, o->from ? o->from : "tree", &a, &bad))
		return PC_EXIT_ERROR;
	if (pc_cli_load_side(cli, o->to ? o->to : "tree", &b, &bad)) {
		pc_side_release(&a);
		return PC_EXIT_ERROR;
	}
	if (!pair_configure(cli, o, c, &a, &b, &ha, &hb)) {
		pair_labels(o, &a, &b);
		status = pair_run(cli, o, c, &a, &b, bad);
	}
	pc_side_release(&a);
	pc_side_release(&b);
	pc_host_caps_release(&ha);
	pc_host_caps_release(&hb);
	return status;
}

static int do_matrix(struct pc_cli *cli, struct opts *o, struct pc_check *c)
{
	struct pc_side tree, *rel = NULL, **sides;
	size_t nrel = 0, ns = 0, npairs = 0;
	struct pc_pair *prs;
	struct pc_report r;
	bool bad = false;
	int status = PC_EXIT_ERROR;
	json_t *extra = NULL;

	if (pc_cli_load_tree(cli, &tree, &bad))
		return PC_EXIT_ERROR;
	if (pc_cli_load_baselines(cli, &rel, &nrel)) {
		pc_side_release(&tree);
		return PC_EXIT_ERROR;
	}
	{
		const struct pc_machine *m = pc_machine_find(tree.machines, o->machine);

		if (m)
			c->machine = m->name;
	}
	if (add_vm(cli, &tree))
		goto out_early;
	for (size_t i = 0; i < nrel; i++)
		if (add_vm(cli, &rel[i]))
			goto out_early;
	sides = pc_xcalloc(nrel + 1, sizeof(*sides));
	for (size_t i = 0; i < nrel; i++)
		if (side_knows(&rel[i], c->machine))
			sides[ns++] = &rel[i];
	if (side_knows(&tree, c->machine))
		sides[ns++] = &tree;
	pc_report_init(&r);
	prs = pc_xcalloc(ns * ns + 1, sizeof(*prs));
	for (size_t i = 0; i < ns; i++)
		if (pc_cli_check_side(cli, sides[i], c->machine))
			goto out;
	if (ns < 2) {
		pc_cli_error(cli, "matrix for '%s' is empty: fewer than two sides know it",
			     c->machine);
		goto out;
	}
	c->releases = rel;
	c->n_releases = nrel;
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < ns; j++)
			run_pair(cli, c, sides[i], sides[j], &r, &prs[npairs++]);
	if (cli->format == PC_FMT_TEXT) {
		fprintf(cli->out, "Machine type %s: migration matrix (row = source, column = destination)\n\n%-10s",
			c->machine, "");
		for (size_t j = 0; j < ns; j++)
			fprintf(cli->out, " %-8s", sides[j]->label);
		fputc('\n', cli->out);
		for (size_t i = 0; i < ns; i++) {
			fprintf(cli->out, "%-10s", sides[i]->label);
			for (size_t j = 0; j < ns; j++) {
				const struct pc_pair *p = &prs[i * ns + j];

				fprintf(cli->out, " %-8s", p->error ? "error"
					: p->incompatible ? "FAIL"
					: p->known ? "known" : "ok");
			}
			fputc('\n', cli->out);
		}
	} else {
		json_t *labels = json_array();

		for (size_t i = 0; i < ns; i++)
			json_array_append_new(labels, json_string(sides[i]->label));
		extra = json_object();
		json_object_set_new(extra, "sides", labels);
	}
	status = finish(cli, c, &r, prs, npairs, bad, extra, "matrix");
out:
	pc_report_release(&r);
	free(prs);
	free(sides);
out_early:
	for (size_t i = 0; i < nrel; i++)
		pc_side_release(&rel[i]);
	free(rel);
	pc_side_release(&tree);
	return status;
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

struct matrix_counts {
	size_t inc, known, review;
};

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
				      const struct matrix_counts *n, int status)
{
	json_t *x = json_object(), *rels = json_array(), *brs = json_array();
	char *j;

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
	json_object_set_new(x, "incompatible", json_integer((json_int_t)n->inc));
	json_object_set_new(x, "known_breaks", json_integer((json_int_t)n->known));
	json_object_set_new(x, "needs_review", json_integer((json_int_t)n->review));
	json_object_set_new(x, "exit_status", json_integer(status));
	j = pc_json_dump(x);
	fputs(j, cli->out);
	free(j);
	json_decref(x);
}

static int do_release_matrix(struct pc_cli *cli, struct opts *o,
			     struct pc_check *c)
{
	struct pc_err err = { 0 };
	struct pc_matrix mx;
	char **paths = NULL;
	size_t n = 0, inc = 0, known = 0, review = 0;
	int status;

	if (pc_baseline_list(cli->abi_dir, &paths, &n, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	if (n < 1) {
		pc_cli_error(cli, "%s/releases: no recorded release (record one with plugcheck dump-abi)",
			     cli->abi_dir);
		free(paths);
		return PC_EXIT_ERROR;
	}
	if (pc_matrix_run(paths, n, o->machine, o->smp, c->known, &mx, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
		return PC_EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	for (size_t i = 0; i < mx.n_machines; i++) {
		const struct pc_matrix_machine *M = &mx.machines[i];

		for (size_t k = 0; k < M->n_sides * M->n_sides; k++) {
			inc += M->cells[k].incompatible;
			known += M->cells[k].known;
			review += M->cells[k].review;
		}
	}
	status = inc ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (cli->format == PC_FMT_JSON) {
		struct matrix_counts cnt = { inc, known, review };

		print_release_matrix_json(cli, &mx, &cnt, status);
	} else {
		print_release_matrix(cli, &mx);
		fprintf(cli->out, "\nresult: %s: %zu directions checked (%zu machine type x vCPU configurations, %zu identical by their recorded fingerprints); %zu incompatible, %zu known, %zu to review; %zu distinct differences compared in full\n",
			status ? "INCOMPATIBLE" : "compatible", mx.directions,
			mx.vm_pairs, mx.vm_pairs_equal, inc, known, review,
			mx.comparisons);
	}
	pc_matrix_release(&mx);
	return status;
}

/* "N:rest" -> N (1-based hop side index) */
static int hop_index(struct pc_cli *cli, const char *opt, const char *val,
		     size_t nsides, const char **rest)
{
	const char *colon = strchr(val, ':');
	char num[16];
	int n;

	if (!colon || colon == val || (size_t)(colon - val) >= sizeof(num)) {
		pc_cli_error(cli, "%s '%s': expected N:VALUE (N = position in the chain, from 1)",
			     opt, val);
		return -1;
	}
	memcpy(num, val, (size_t)(colon - val));
	num[colon - val] = '\0';
	if (pc_cli_int(cli, opt, num, 1, (int)nsides, &n))
		return -1;
	*rest = colon + 1;
	return n - 1;
}

/* A chain's sides, loaded with the VM configuration.  *n counts the
 * sides to release, also on failure (-1, printed). */
static int chain_load(struct pc_cli *cli, char *specs, struct pc_side *sides,
		      size_t *n, bool *bad)
{
	const char *names[MAX_CHAIN];
	size_t nn = 0;

	*n = 0;
	for (char *s = specs, *comma; s && *s; s = comma) {
		comma = strchr(s, ',');
		if (comma)
			*comma++ = '\0';
		if (nn == MAX_CHAIN) {
			pc_cli_error(cli, "--chain: at most %d sides", MAX_CHAIN);
			return -1;
		}
		names[nn++] = s;
	}
	if (nn < 2) {
		pc_cli_error(cli, "--chain needs at least two sides (A,B[,C...])");
		return -1;
	}
	for (size_t i = 0; i < nn; i++) {
		if (pc_cli_load_side(cli, names[i], &sides[i], bad))
			return -1;
		*n = i + 1;
		if (add_vm(cli, &sides[i]))
			return -1;
	}
	return 0;
}

/* --hop-global N:T.P=V and --hop-host N:FILE */
static int chain_hops(struct pc_cli *cli, const struct opts *o,
		      struct pc_side *sides, struct pc_host_caps *hosts,
		      size_t n)
{
	for (size_t i = 0; i < o->n_hopg; i++) {
		const char *rest;
		int k = hop_index(cli, "--hop-global", o->hop_globals[i], n, &rest);
		char *origin;
		int r;

		if (k < 0)
			return -1;
		origin = pc_xasprintf("--hop-global %s", o->hop_globals[i]);
		r = add_globals(cli, &sides[k], &rest, 1, origin);
		free(origin);
		if (r)
			return -1;
	}
	for (size_t i = 0; i < o->n_hoph; i++) {
		const char *rest;
		int k = hop_index(cli, "--hop-host", o->hop_hosts[i], n, &rest);

		if (k < 0 || load_host(cli, rest, &hosts[k]))
			return -1;
		sides[k].host = &hosts[k];
	}
	return 0;
}

/* --carry: what the guest was started with stays pinned until power-off:
 * every later destination inherits earlier destinations' pins */
static void chain_carry(struct pc_side *sides, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			for (size_t q = 0; q < sides[i].n_overrides; q++) {
				struct pc_override ov = sides[i].overrides[q];
				char *origin = pc_xasprintf("pinned at %s (carried)",
							    sides[i].label);

				ov.origin = origin;
				pc_side_add_override(&sides[k], &ov);
				free(origin);
			}
}

/* every hop of the configured chain, printed; the status */
static int chain_run(struct pc_cli *cli, const struct opts *o,
		     struct pc_check *c, struct pc_side *sides, size_t n,
		     bool bad)
{
	struct pc_pair prs[MAX_CHAIN];
	size_t npairs = 0;
	struct pc_report r;
	int status;

	for (size_t i = 0; i < n; i++)
		if (pc_cli_check_side(cli, &sides[i], o->machine))
			return PC_EXIT_ERROR;
	if (cli->format == PC_FMT_TEXT && !cli->quiet) {
		fprintf(cli->out, "Machine type %s: chain", o->machine);
		for (size_t i = 0; i < n; i++)
			fprintf(cli->out, "%s%s", i ? " -> " : " ", sides[i].label);
		fputc('\n', cli->out);
	}
	pc_report_init(&r);
	for (size_t i = 0; i + 1 < n; i++) {
		char hop[32];

		snprintf(hop, sizeof(hop), "%zu/%zu", i + 1, n - 1);
		c->hop = hop;
		run_pair(cli, c, &sides[i], &sides[i + 1], &r, &prs[npairs++]);
		c->hop = NULL;
	}
	if (cli->format == PC_FMT_TEXT)
		print_pairs(cli, prs, npairs);
	status = finish(cli, c, &r, prs, npairs, bad, NULL, "chain");
	pc_report_release(&r);
	return status;
}

static int do_chain(struct pc_cli *cli, struct opts *o, struct pc_check *c)
{
	struct pc_side sides[MAX_CHAIN];
	struct pc_host_caps hosts[MAX_CHAIN];
	char *specs = pc_xstrdup(o->chain);
	size_t n = 0;
	bool bad = false;
	int status = PC_EXIT_ERROR;

	memset(sides, 0, sizeof(sides));
	memset(hosts, 0, sizeof(hosts));
	if (!chain_load(cli, specs, sides, &n, &bad) &&
	    !chain_hops(cli, o, sides, hosts, n)) {
		if (o->carry)
			chain_carry(sides, n);
		status = chain_run(cli, o, c, sides, n, bad);
	}
	for (size_t i = 0; i < n; i++)
		pc_side_release(&sides[i]);
	for (size_t i = 0; i < MAX_CHAIN; i++)
		pc_host_caps_release(&hosts[i]);
	free(specs);
	return status;
}

int cmd_check(struct pc_cli *cli, int argc, char **argv)
{
	struct opts o;
	struct pc_check c;
	struct pc_known_breaks kb;
	int status;

	if (pc_cli_wants_help(argc, argv)) {
		check_help(cli->out);
		return PC_EXIT_OK;
	}
	if (parse(cli, argc, argv, &o)) {
		free_opts(&o);
		return PC_EXIT_ERROR;
	}
	memset(&c, 0, sizeof(c));
	c.machine = o.machine;
	if (o.smp) {
		c.smps[0] = o.smp;
		c.n_smps = 1;
	}
	if (pc_cli_load_known(cli, &kb)) {
		free_opts(&o);
		return PC_EXIT_ERROR;
	}
	c.known = &kb;
	known_fails = o.chain || o.from || o.to;
	cur_opts = &o;
	/* the main job and the matrix meet every side twice per other side:
	 * resolve each (side, machine, vCPU count) once */
	if (!o.chain && !o.from && !o.to && !o.release_matrix)
		c.vms = pc_vm_cache_new();
	if (o.chain)
		status = do_chain(cli, &o, &c);
	else if (o.matrix)
		status = do_matrix(cli, &o, &c);
	else if (o.release_matrix)
		status = do_release_matrix(cli, &o, &c);
	else if (o.from || o.to)
		status = do_pair(cli, &o, &c);
	else
		status = do_main_job(cli, &o, &c);
	pc_vm_cache_free(c.vms);
	pc_known_breaks_release(&kb);
	free_opts(&o);
	return status;
}
