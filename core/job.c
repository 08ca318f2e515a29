/*
 * job.c - the modes of `plugcheck check` run without printing (job.h):
 * the sides each mode compares loaded and configured with side.c, every
 * direction checked and counted with pair.c, the outcome (verdict, stale
 * acknowledgements, exit status) computed once for every mode.  The CLI
 * (core/cli/cmd-check.c) parses options into a struct pc_job_spec and
 * renders the job; Documentation/plugcheck.1, "check", describes the
 * modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "job.h"

#include "banned.h"

/* an error the run goes on after (job.h): the side env's refused */
static void job_refused(const struct pc_job *j, const struct pc_err *err)
{
	if (j->env->refused)
		j->env->refused(j->env->cb_ctx, err);
}

/* a warning of the run's (the side env's warn), when 'w' holds one */
static void job_warn(const struct pc_job *j, struct pc_err *w)
{
	if (w->set && j->env->warn)
		j->env->warn(j->env->cb_ctx, w->msg);
	memset(w, 0, sizeof(*w));
}

int pc_job_init(struct pc_job *j, const struct pc_side_env *env,
		const struct pc_job_spec *spec, struct pc_err *err)
{
	memset(j, 0, sizeof(*j));
	j->env = env;
	j->spec = spec;
	pc_report_init(&j->report);
	j->hosts = pc_xcalloc(PC_JOB_MAX_CHAIN, sizeof(*j->hosts));
	j->check.machine = spec->machine;
	if (spec->smp) {
		j->check.smps[0] = spec->smp;
		j->check.n_smps = 1;
	}
	j->status = PC_JOB_ERROR;
	if (spec->mode != PC_JOB_RELEASE) {
		if (pc_side_load_known(env, &j->known, err))
			return -1;
		j->check.known = &j->known;
	}
	j->known_fails = spec->mode == PC_JOB_CHAIN || spec->mode == PC_JOB_PAIR;
	/* the main job and the matrix meet every side twice per other side:
	 * resolve each (side, machine, vCPU count) once */
	if (spec->mode == PC_JOB_MAIN || spec->mode == PC_JOB_MATRIX ||
	    spec->mode == PC_JOB_RELEASE)
		j->check.vms = pc_vm_cache_new();
	return 0;
}

static void configs_release(struct pc_job *j);
static void main_run_configs(struct pc_job *j);

void pc_job_release(struct pc_job *j)
{
	pc_vmkeys_release(&j->vmkeys);
	pc_vm_cache_free(j->check.vms);
	configs_release(j);
	pc_known_breaks_release(&j->known);
	pc_report_release(&j->report);
	free(j->pairs);
	free(j->knows);
	free(j->unknown);
	free(j->unmigratable);
	free(j->roles);
	free(j->as_src);
	free(j->as_dst);
	free(j->matrix);
	for (size_t i = 0; i < j->n_releases; i++)
		pc_side_release(&j->releases[i]);
	free(j->releases);
	for (size_t i = 0; i < j->n_sides; i++)
		pc_side_release(&j->sides[i]);
	free(j->sides);
	pc_side_release(&j->tree);
	if (j->hosts)
		for (size_t i = 0; i < PC_JOB_MAX_CHAIN; i++)
			pc_host_caps_release(&j->hosts[i]);
	free(j->hosts);
	memset(j, 0, sizeof(*j));
}

/* The same VM configuration on every side (the hardware must match). */
static int add_vm(const struct pc_job *j, struct pc_side *s,
		  struct pc_err *err)
{
	return pc_side_add_vm_devices(s, j->spec->vm_devices,
				      j->spec->n_vm_devices, err);
}

/* Is machine M known to this side?  (Releases newer than M's version.) */
static bool side_knows(const struct pc_side *s, const char *machine)
{
	const struct pc_machine *m = pc_machine_find(s->machines, machine);

	return m && pc_side_knows_machine(s, m);
}

/* The exit status and what the renderings need, from the run's report. */
static void job_outcome(struct pc_job *j)
{
	const struct pc_report *r = &j->report;

	for (size_t i = 0; i < j->n_pairs; i++)
		j->bad_input |= j->pairs[i].error;
	/* a stale acknowledgement is a finding of its own (PC810), but
	 * only what every input provided can show one: a refused plugin,
	 * baseline or pair would make its breaks look gone */
	j->stale_checked = !j->known_fails && !j->bad_input &&
			   !j->check.n_smps && !j->spec->n_vm_devices;
	if (j->stale_checked)
		j->stale = pc_known_breaks_stale(&j->known, &j->report);
	j->incompatible = pc_report_count(r, PC_SEV_INCOMPATIBLE);
	for (size_t i = 0; i < r->n; i++)
		j->known_found += r->items[i].known;
	j->status = j->bad_input ? PC_JOB_ERROR
		    : (j->incompatible || (j->known_found && j->known_fails))
		    ? PC_JOB_INCOMPATIBLE : PC_JOB_COMPATIBLE;
}

/* a -> b appended to the job's pairs; an error goes to refused */
static void run_direction(struct pc_job *j, const struct pc_side *a,
			  const struct pc_side *b)
{
	struct pc_err err = { 0 };

	if (pc_pair_check(&j->check, a, b, &j->report, &j->pairs[j->n_pairs++],
			  &err))
		job_refused(j, &err);
}

/* ------------------------------------------------------------ main job */

/*
 * A compat entry of m's chain whose driver no loaded type is or implements
 * does nothing, as in QEMU (a vendor may load a subset of the plugins, and
 * QEMU's tables name many types the tree does not model); when the name is
 * close to a loaded type's (pc_name_likely_typo()) it is likely a typo that
 * leaves that type without its compat value: one note per entry, once per
 * run.  plugcheck lint reports it as PC806.
 */
static void note_compat_typos(const struct pc_job *j)
{
	const struct pc_machine *m = j->machine;
	struct pc_strmap isa = { 0 };

	if (!j->env->warn)
		return;
	/* the names the loaded types are or implement, once: most entries
	 * name one (a scan of the types per entry grew with both) */
	pc_registry_isa_names(j->tree.reg, &isa);
	for (size_t i = 0; i < m->n_chain; i++) {
		const struct pc_compat_entry *e = m->chain[i];
		const char *near;
		char *msg;

		if (pc_strmap_find(&isa, e->driver, strlen(e->driver)) != SIZE_MAX)
			continue;
		near = pc_registry_typo_type(j->tree.reg, e->driver);
		if (!near)
			continue;
		msg = pc_xasprintf("%s: compat entry for '%s', which no loaded type is or implements (did you mean '%s'?): it does nothing (plugcheck lint: PC806)",
				   e->origin, e->driver, near);
		j->env->warn(j->env->cb_ctx, msg);
		free(msg);
	}
	pc_strmap_release(&isa);
}

/* hosts, tree (with m, the VM and the destination's overrides), releases */
static int main_load(struct pc_job *j, struct pc_err *err)
{
	const struct pc_job_spec *o = j->spec;

	/* hosts: the source of every direction runs on src_host, the
	 * destination on dst_host (a release as well as the tree) */
	if ((o->src_host && pc_host_caps_load(o->src_host, &j->hosts[0], err)) ||
	    (o->dst_host && pc_host_caps_load(o->dst_host, &j->hosts[1], err)) ||
	    pc_side_load_tree(j->env, &j->tree, &j->bad_input, err))
		return -1;
	j->machine = pc_machine_find(j->tree.machines, o->machine);
	if (!j->machine) {
		struct pc_err e = { 0 };

		pc_side_unknown_machine(j->tree.machines, o->machine, &e);
		return pc_err_setc(err, e.code, "%s (see plugcheck list-machines)",
				   e.msg);
	}
	/* the canonical name: "q35" means the tree's newest q35 */
	j->check.machine = j->machine->name;
	if (add_vm(j, &j->tree, err) ||
	    pc_side_add_globals(&j->tree, o->dst_globals, o->n_dst_globals,
				"--dst-global", err))
		return -1;
	/* the baselines as they are before they are read: what the releases
	 * gave is kept for these files only (vmkeys.h) */
	pc_vmkeys_snapshot(&j->vmkeys, j->env->cache_dir, j->env->abi_dir);
	return pc_side_load_baselines(j->env, &j->releases, &j->n_releases, err);
}

/* the configuration and overrides, once for the run (not once per
 * direction, release and vCPU count) */
static int main_check_sides(struct pc_job *j, struct pc_err *err)
{
	const char *m = j->machine->name;
	struct pc_err warn = { 0 };

	for (size_t i = 0; i < j->n_releases; i++)
		if (add_vm(j, &j->releases[i], err))
			return -1;
	if (pc_side_check(&j->tree, m, err))
		return -1;
	/* a release whose baseline a run before checked on M, as it is now,
	 * passes again (vmkeys.h) */
	pc_vmkeys_open(&j->vmkeys, m, j->releases, j->n_releases, &warn);
	job_warn(j, &warn);
	j->knows = pc_xcalloc(j->n_releases + 1, sizeof(*j->knows));
	for (size_t i = 0; i < j->n_releases; i++) {
		j->knows[i] = side_knows(&j->releases[i], m);
		if (!j->knows[i] || pc_vmkeys_checked(&j->vmkeys, i))
			continue;
		if (pc_side_check(&j->releases[i], m, err))
			return -1;
		pc_vmkeys_set_checked(&j->vmkeys, i);
	}
	note_compat_typos(j);
	return 0;
}

/* each side as a source and as a destination: itself, or with a host a
 * shallow copy that differs only in it (never released: 'tree' and
 * 'releases' own everything; a side keeps one address per role, which
 * the VM cache keys on) */
static void main_roles(struct pc_job *j)
{
	size_t nrel = j->n_releases;

	j->roles = pc_xcalloc(nrel * 2 + 2, sizeof(*j->roles));
	j->as_src = pc_xcalloc(nrel + 1, sizeof(*j->as_src));
	j->as_dst = pc_xcalloc(nrel + 1, sizeof(*j->as_dst));
	for (size_t i = 0; i <= nrel; i++) {
		const struct pc_side *s = i < nrel ? &j->releases[i] : &j->tree;

		j->as_src[i] = j->as_dst[i] = s;
		if (j->spec->src_host) {
			j->roles[2 * i] = *s;
			j->roles[2 * i].host = &j->hosts[0];
			j->as_src[i] = &j->roles[2 * i];
		}
		if (j->spec->dst_host) {
			j->roles[2 * i + 1] = *s;
			j->roles[2 * i + 1].host = &j->hosts[1];
			j->as_dst[i] = &j->roles[2 * i + 1];
		}
	}
}

/* both directions against every release that knows M; the others are
 * listed in j->unknown */
static int main_run(struct pc_job *j, struct pc_err *err)
{
	struct pc_strbuf unknown = PC_STRBUF_INIT;
	size_t nrel = j->n_releases, known_n = 0;
	struct pc_err warn = { 0 };

	j->check.releases = j->releases;
	j->check.n_releases = nrel;
	j->pairs = pc_xcalloc(nrel * 2 + 1, sizeof(*j->pairs));
	for (size_t i = 0; i < nrel; i++) {
		if (!j->knows[i]) {
			pc_strbuf_addsep(&unknown, ", ", j->releases[i].label);
			continue;
		}
		known_n++;
		run_direction(j, j->as_src[i], j->as_dst[nrel]);
		run_direction(j, j->as_src[nrel], j->as_dst[i]);
	}
	j->unknown = pc_strbuf_detach(&unknown);
	if (!known_n)
		return pc_err_setc(err, PC_E_NOT_FOUND, "no recorded release knows machine type '%s': nothing to check against (record one with plugcheck dump-abi)",
				   j->machine->name);
	main_run_configs(j);
	if (pc_vmkeys_save(&j->vmkeys, &j->configs, j->machine->name, &warn))
		job_warn(j, &warn);
	return 0;
}

/* ------------------------------------------------------------ extra configurations */

static void configs_release(struct pc_job *j)
{
	size_t nrel = j->n_releases;

	for (size_t n = 0; j->config_runs && n < j->configs.n; n++) {
		struct pc_job_vmconfig *run = &j->config_runs[n];

		for (size_t k = 0; run->sides && k <= nrel; k++) {
			if (run->sides[2 * k].devices)
				pc_vmconfig_side_release(&run->sides[2 * k]);
			if (run->sides[2 * k + 1].devices)
				pc_vmconfig_side_release(&run->sides[2 * k + 1]);
		}
		free(run->sides);
		free(run->started);
		free(run->pairs);
		free(run->not_started);
	}
	free(j->config_runs);
	j->config_runs = NULL;
	pc_vmconfigs_release(&j->configs);
}

/* Side k (release k, the tree last) started in the run's configuration,
 * as a source and as a destination; false when it cannot start it. */
static bool config_side(struct pc_job *j, struct pc_job_vmconfig *run,
			size_t k, struct pc_err *err)
{
	struct pc_side *s = &run->sides[2 * k];

	if (pc_vmconfig_side(j->as_src[k], run->config, s, err))
		return false;
	/* one side in both roles (no host given) is one copy: the VM cache
	 * resolves it once for both */
	if (j->as_dst[k] != j->as_src[k] &&
	    pc_vmconfig_side(j->as_dst[k], run->config, s + 1, err)) {
		pc_vmconfig_side_release(s);
		return false;
	}
	return !pc_side_check(s, j->machine->name, err);
}

/* Side k of the run as a destination (its copy as a source when the
 * roles share one side). */
static const struct pc_side *config_dst(const struct pc_job_vmconfig *run,
					size_t k)
{
	return run->sides[2 * k + 1].devices ? &run->sides[2 * k + 1]
					     : &run->sides[2 * k];
}

/* Release k's kept entry for configuration n (vmkeys.h), or NULL: kept
 * only for a release as recorded, in both roles. */
static struct pc_vmkeys_entry *kept(struct pc_job *j, size_t n, size_t k)
{
	if (j->as_src[k] != &j->releases[k] || j->as_dst[k] != &j->releases[k])
		return NULL;
	return pc_vmkeys_entry(&j->vmkeys, k, n);
}

/*
 * Release k in the run's configuration from its kept keys: both
 * directions settled (true), or nothing done (false: check in full).
 */
static bool config_settled(struct pc_job *j, struct pc_job_vmconfig *run,
			   size_t k, const struct pc_vmkeys_entry *ke)
{
	size_t nrel = j->n_releases, secs = 0, props = 0;
	const struct pc_side *rel = &j->releases[k];
	const struct pc_side *ts = &run->sides[2 * nrel];
	const struct pc_side *td = config_dst(run, nrel);
	struct pc_err e = { 0 };

	if (pc_check_direction_keyed(&j->check, rel, td, rel, ke->keys, ke->n,
				     &secs, &props, &e) != 1 ||
	    pc_check_direction_keyed(&j->check, ts, rel, rel, ke->keys, ke->n,
				     &secs, &props, &e) != 1)
		return false;
	j->check.sections_compared += secs;
	j->check.props_compared += props;
	pc_vmconfig_direction_settled(rel, td, &j->report,
				      &run->pairs[run->n_pairs++]);
	pc_vmconfig_direction_settled(ts, rel, &j->report,
				      &run->pairs[run->n_pairs++]);
	return true;
}

static bool same_entry(const struct pc_vmkeys_entry *a,
		       const struct pc_vmkeys_entry *b)
{
	if (a->state != b->state || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->keys[i].smp != b->keys[i].smp ||
		    a->keys[i].blocked != b->keys[i].blocked ||
		    a->keys[i].key != b->keys[i].key)
			return false;
	return true;
}

/* What release k gives in the run (started in it): the keys of its VMs at
 * every vCPU count either direction checks, in 'out'; -1 when a count or
 * a key cannot be had (the full check then reports why). */
static int release_keys(struct pc_job *j, struct pc_job_vmconfig *run,
			size_t k, struct pc_vmkeys_entry *out)
{
	size_t nrel = j->n_releases, n[2];
	const struct pc_side *rs = &run->sides[2 * k];
	int smps[2][PC_VMKEYS_MAX_SMP];
	struct pc_err e = { 0 };

	*out = (struct pc_vmkeys_entry){ .state = PC_VMKEYS_STARTED };
	if (pc_check_smps(&j->check, rs, &run->sides[2 * nrel], smps[0],
			  PC_VMKEYS_MAX_SMP, &n[0], &e) ||
	    pc_check_smps(&j->check, &run->sides[2 * nrel], rs, smps[1],
			  PC_VMKEYS_MAX_SMP, &n[1], &e))
		return -1;
	for (size_t d = 0; d < 2; d++)
		for (size_t i = 0; i < n[d]; i++) {
			bool have = false;

			for (size_t q = 0; q < out->n; q++)
				have |= out->keys[q].smp == smps[d][i];
			if (have)
				continue;
			if (out->n == PC_VMKEYS_MAX_SMP ||
			    pc_check_vm_key(&j->check, rs, smps[d][i],
					    &out->keys[out->n], &e))
				return -1;
			out->n++;
		}
	return 0;
}

/* Keep 'got' as release k's entry 'ke' (the file is written again only
 * when it changed: the same as kept when a run before found it so). */
static void config_keep(struct pc_job *j, struct pc_vmkeys_entry *ke,
			const struct pc_vmkeys_entry *got)
{
	if (same_entry(ke, got))
		return;
	*ke = *got;
	pc_vmkeys_touch(&j->vmkeys);
}

/* Release k started in the run's configuration and checked both ways. */
static void config_full(struct pc_job *j, struct pc_job_vmconfig *run,
			size_t k, size_t n_dflt, struct pc_strbuf *ns,
			struct pc_vmkeys_entry *ke)
{
	size_t nrel = j->n_releases;
	struct pc_vmkeys_entry got;
	struct pc_err e = { 0 };
	bool refused = false, have = false;

	/* why release k cannot start it is not reported: only that it
	 * cannot (no message is formatted) */
	if (!config_side(j, run, k, NULL)) {
		pc_strbuf_addsep(ns, ", ", j->releases[k].label);
		if (ke && ke->state != PC_VMKEYS_NOT_STARTED) {
			*ke = (struct pc_vmkeys_entry){ .state = PC_VMKEYS_NOT_STARTED };
			pc_vmkeys_touch(&j->vmkeys);
		}
		return;
	}
	run->started[k] = true;
	/* its keys first: when they settle it, as a later run would settle it
	 * from the kept keys (config_settled()), its VMs equal the tree's
	 * and the directions are not compared again rule by rule */
	if (ke && !release_keys(j, run, k, &got)) {
		have = true;
		if (config_settled(j, run, k, &got)) {
			config_keep(j, ke, &got);
			return;
		}
	}
	for (int dir = 0; dir < 2; dir++) {
		const struct pc_side *a = &run->sides[dir ? 2 * nrel : 2 * k];
		const struct pc_side *b = config_dst(run, dir ? k : nrel);

		if (pc_vmconfig_direction(&j->check, run->config, a, b, n_dflt,
					  &j->report, &run->pairs[run->n_pairs++],
					  &e)) {
			job_refused(j, &e);
			refused = true;
		}
	}
	if (ke && !refused && have)
		config_keep(j, ke, &got);
}

/* Configuration n on the tree and every release that knows M and can
 * start it, both directions, after the default configuration's run: a
 * release from the keys a run before kept when they settle it. */
static void config_run(struct pc_job *j, size_t n, size_t n_dflt)
{
	struct pc_job_vmconfig *run = &j->config_runs[n];
	struct pc_strbuf ns = PC_STRBUF_INIT;
	size_t nrel = j->n_releases;
	struct pc_err err = { 0 };

	run->config = &j->configs.items[n];
	run->sides = pc_xcalloc(2 * (nrel + 1), sizeof(*run->sides));
	run->started = pc_xcalloc(nrel + 1, sizeof(*run->started));
	run->pairs = pc_xcalloc(2 * nrel + 1, sizeof(*run->pairs));
	if (!config_side(j, run, nrel, &err)) {
		/* the tree cannot start what its own plugins declare */
		job_refused(j, &err);
		j->bad_input = true;
		run->not_started = pc_strbuf_detach(&ns);
		return;
	}
	run->started[nrel] = true;
	for (size_t k = 0; k < nrel; k++) {
		struct pc_vmkeys_entry *ke;

		if (!j->knows[k])
			continue;
		ke = kept(j, n, k);
		if (ke && ke->state == PC_VMKEYS_NOT_STARTED) {
			pc_strbuf_addsep(&ns, ", ", j->releases[k].label);
			continue;
		}
		if (ke && ke->state == PC_VMKEYS_STARTED &&
		    config_settled(j, run, k, ke)) {
			run->started[k] = true;
			continue;
		}
		config_full(j, run, k, n_dflt, &ns, ke);
	}
	/* the run's sides are its own: their VMs are no use to another */
	pc_vm_cache_forget(j->check.vms, run->sides, 2 * (nrel + 1));
	run->not_started = pc_strbuf_detach(&ns);
}

/* The extra configurations of the tree (vmconfig.h), unless the user
 * gave the configuration (--vm-device) or asked for the default only. */
static void main_run_configs(struct pc_job *j)
{
	size_t n_dflt = j->report.n;
	size_t secs = j->check.sections_compared;
	size_t props = j->check.props_compared;

	if (j->spec->default_config_only || j->spec->n_vm_devices)
		return;
	pc_vmconfigs_of(&j->tree, &j->configs);
	j->config_runs = pc_xcalloc(j->configs.n + 1, sizeof(*j->config_runs));
	pc_vmkeys_bind(&j->vmkeys, &j->configs);
	for (size_t n = 0; n < j->configs.n; n++)
		config_run(j, n, n_dflt);
	j->config_sections = j->check.sections_compared - secs;
	j->config_props = j->check.props_compared - props;
	j->check.sections_compared = secs;
	j->check.props_compared = props;
}

/* ------------------------------------------------------------ one release */

/* The tree (failing closed on a refused plugin), M in it, the release,
 * which must know M, then the known breaks.  No fix releases: a compat
 * line goes into the machine type's own array (check.h). */
static int release_load(struct pc_job *j, struct pc_err *err)
{
	const struct pc_job_spec *o = j->spec;

	if (pc_side_load_tree(j->env, &j->tree, &j->bad_input, err))
		return -1;
	if (j->bad_input)
		return pc_err_setc(err, PC_E_PLUGIN, "the tree: a plugin was refused");
	j->machine = pc_machine_find(j->tree.machines, o->machine);
	if (!j->machine)
		return pc_side_unknown_machine(j->tree.machines, o->machine, err);
	j->check.machine = j->machine->name;
	j->releases = pc_xcalloc(1, sizeof(*j->releases));
	if (pc_side_load_spec(j->env, o->release, &j->releases[0],
			      &j->bad_input, err))
		return -1;
	j->n_releases = 1;
	if (!pc_side_knows_machine(&j->releases[0], j->machine))
		return pc_err_setc(err, PC_E_NOT_FOUND, "release %s does not know machine type '%s'",
				   o->release, j->machine->name);
	if (pc_side_load_known(j->env, &j->known, err))
		return -1;
	j->check.known = &j->known;
	return 0;
}

/* release -> tree, then tree -> release; the first error ends the job */
static int release_run(struct pc_job *j, struct pc_err *err)
{
	const struct pc_side *rel = &j->releases[0];

	j->pairs = pc_xcalloc(2, sizeof(*j->pairs));
	if (pc_pair_check(&j->check, rel, &j->tree, &j->report, &j->pairs[0],
			  err))
		return -1;
	j->n_pairs = 1;
	if (pc_pair_check(&j->check, &j->tree, rel, &j->report, &j->pairs[1],
			  err))
		return -1;
	j->n_pairs = 2;
	return 0;
}

/* ------------------------------------------------------------ one pair */

/* two sides with one label get two: the spec, or a prime */
static void pair_labels(const struct pc_job_spec *o, const struct pc_side *a,
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

/* both sides, their VM configuration, overrides and hosts */
static int pair_load(struct pc_job *j, struct pc_err *err)
{
	const struct pc_job_spec *o = j->spec;
	struct pc_side *a, *b;

	j->sides = pc_xcalloc(2, sizeof(*j->sides));
	a = &j->sides[0];
	b = &j->sides[1];
	if (pc_side_load_spec(j->env, o->from ? o->from : "tree", a,
			      &j->bad_input, err))
		return -1;
	j->n_sides = 1;
	if (pc_side_load_spec(j->env, o->to ? o->to : "tree", b,
			      &j->bad_input, err))
		return -1;
	j->n_sides = 2;
	if (add_vm(j, a, err) || add_vm(j, b, err) ||
	    pc_side_add_globals(a, o->src_globals, o->n_src_globals,
				"--src-global", err) ||
	    pc_side_add_globals(b, o->dst_globals, o->n_dst_globals,
				"--dst-global", err) ||
	    (o->src_host && pc_host_caps_load(o->src_host, &j->hosts[0], err)) ||
	    (o->dst_host && pc_host_caps_load(o->dst_host, &j->hosts[1], err)) ||
	    pc_side_check(a, j->check.machine, err) ||
	    pc_side_check(b, j->check.machine, err))
		return -1;
	if (o->src_host)
		a->host = &j->hosts[0];
	if (o->dst_host)
		b->host = &j->hosts[1];
	pair_labels(o, a, b);
	return 0;
}

/* a -> b with the recorded releases for the fixes */
static int pair_run(struct pc_job *j, struct pc_err *err)
{
	if (pc_side_load_fix_releases(j->env, &j->sides[0], &j->sides[1],
				      &j->releases, &j->n_releases, err))
		return -1;
	j->check.releases = j->releases;
	j->check.n_releases = j->n_releases;
	j->pairs = pc_xcalloc(1, sizeof(*j->pairs));
	j->n_pairs = 1;
	return pc_pair_check(&j->check, &j->sides[0], &j->sides[1], &j->report,
			     &j->pairs[0], err);
}

/* ------------------------------------------------------------ matrix */

/* the tree and the releases with the VM configuration; the sides that
 * know M, validated */
static int matrix_load(struct pc_job *j, struct pc_err *err)
{
	const struct pc_machine *m;

	if (pc_side_load_tree(j->env, &j->tree, &j->bad_input, err) ||
	    pc_side_load_baselines(j->env, &j->releases, &j->n_releases, err))
		return -1;
	m = pc_machine_find(j->tree.machines, j->spec->machine);
	if (m)
		j->check.machine = m->name;
	if (add_vm(j, &j->tree, err))
		return -1;
	for (size_t i = 0; i < j->n_releases; i++)
		if (add_vm(j, &j->releases[i], err))
			return -1;
	j->matrix = pc_xcalloc(j->n_releases + 1, sizeof(*j->matrix));
	for (size_t i = 0; i < j->n_releases; i++)
		if (side_knows(&j->releases[i], j->check.machine))
			j->matrix[j->n_matrix++] = &j->releases[i];
	if (side_knows(&j->tree, j->check.machine))
		j->matrix[j->n_matrix++] = &j->tree;
	for (size_t i = 0; i < j->n_matrix; i++)
		if (pc_side_check(j->matrix[i], j->check.machine, err))
			return -1;
	return 0;
}

/* every ordered pair of the sides, row by row */
static int matrix_run(struct pc_job *j, struct pc_err *err)
{
	size_t ns = j->n_matrix;

	if (ns < 2)
		return pc_err_setc(err, PC_E_NOT_FOUND, "matrix for '%s' is empty: fewer than two sides know it",
				   j->check.machine);
	j->check.releases = j->releases;
	j->check.n_releases = j->n_releases;
	j->pairs = pc_xcalloc(ns * ns + 1, sizeof(*j->pairs));
	for (size_t a = 0; a < ns; a++)
		for (size_t b = 0; b < ns; b++)
			run_direction(j, j->matrix[a], j->matrix[b]);
	return 0;
}

/* ------------------------------------------------------------ chain */

/* "N:rest" -> N - 1 (N: the 1-based position of a side in the chain) */
static int hop_index(const char *opt, const char *val, size_t nsides,
		     const char **rest, struct pc_err *err)
{
	const char *colon = strchr(val, ':');
	char num[16];
	int64_t n;

	if (!colon || colon == val || (size_t)(colon - val) >= sizeof(num))
		return pc_err_setc(err, PC_E_USAGE, "%s '%s': expected N:VALUE (N = position in the chain, from 1)",
				   opt, val);
	memcpy(num, val, (size_t)(colon - val));
	num[colon - val] = '\0';
	if (pc_parse_i64(num, &n) || n < 1 || n > (int64_t)nsides)
		return pc_err_setc(err, PC_E_USAGE, "%s: expected a number from %d to %d, found '%s'",
				   opt, 1, (int)nsides, num);
	*rest = colon + 1;
	return (int)n - 1;
}

/* the chain's sides, loaded with the VM configuration */
static int chain_load(struct pc_job *j, struct pc_err *err)
{
	char *specs = pc_xstrdup(j->spec->chain);
	const char *names[PC_JOB_MAX_CHAIN];
	size_t nn = 0;
	int r = -1;

	for (char *s = specs, *comma; s && *s; s = comma) {
		comma = strchr(s, ',');
		if (comma)
			*comma++ = '\0';
		if (nn == PC_JOB_MAX_CHAIN) {
			pc_err_setc(err, PC_E_LIMIT, "--chain: at most %d sides",
				    PC_JOB_MAX_CHAIN);
			goto out;
		}
		names[nn++] = s;
	}
	if (nn < 2) {
		pc_err_setc(err, PC_E_USAGE, "--chain needs at least two sides (A,B[,C...])");
		goto out;
	}
	j->sides = pc_xcalloc(nn, sizeof(*j->sides));
	for (size_t i = 0; i < nn; i++) {
		if (pc_side_load_spec(j->env, names[i], &j->sides[i],
				      &j->bad_input, err))
			goto out;
		j->n_sides = i + 1;
		if (add_vm(j, &j->sides[i], err))
			goto out;
	}
	r = 0;
out:
	free(specs);
	return r;
}

/* hop_globals "N:T.P=V" and hop_hosts "N:FILE" */
static int chain_hops(struct pc_job *j, struct pc_err *err)
{
	const struct pc_job_spec *o = j->spec;
	size_t n = j->n_sides;

	for (size_t i = 0; i < o->n_hop_globals; i++) {
		const char *rest;
		int k = hop_index("--hop-global", o->hop_globals[i], n, &rest, err);
		char *origin;
		int r;

		if (k < 0)
			return -1;
		origin = pc_xasprintf("--hop-global %s", o->hop_globals[i]);
		r = pc_side_add_globals(&j->sides[k], &rest, 1, origin, err);
		free(origin);
		if (r)
			return -1;
	}
	for (size_t i = 0; i < o->n_hop_hosts; i++) {
		const char *rest;
		int k = hop_index("--hop-host", o->hop_hosts[i], n, &rest, err);

		if (k < 0 || pc_host_caps_load(rest, &j->hosts[k], err))
			return -1;
		j->sides[k].host = &j->hosts[k];
	}
	return 0;
}

/* carry: what the guest was started with stays pinned until power-off:
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

static int chain_load_all(struct pc_job *j, struct pc_err *err)
{
	if (chain_load(j, err) || chain_hops(j, err))
		return -1;
	if (j->spec->carry)
		chain_carry(j->sides, j->n_sides);
	for (size_t i = 0; i < j->n_sides; i++)
		if (pc_side_check(&j->sides[i], j->spec->machine, err))
			return -1;
	return 0;
}

/* every hop, its findings labelled "N/HOPS" */
static void chain_run(struct pc_job *j)
{
	size_t n = j->n_sides;

	j->pairs = pc_xcalloc(n, sizeof(*j->pairs));
	for (size_t i = 0; i + 1 < n; i++) {
		char hop[48]; /* two size_t and a slash */

		snprintf(hop, sizeof(hop), "%zu/%zu", i + 1, n - 1);
		j->check.hop = hop;
		run_direction(j, &j->sides[i], &j->sides[i + 1]);
		j->check.hop = NULL;
	}
}

/* ------------------------------------------------------------ the phases */

int pc_job_load(struct pc_job *j, struct pc_err *err)
{
	switch (j->spec->mode) {
	case PC_JOB_MAIN:
		if (main_load(j, err) || main_check_sides(j, err))
			return -1;
		main_roles(j);
		return 0;
	case PC_JOB_PAIR:
		return pair_load(j, err);
	case PC_JOB_MATRIX:
		return matrix_load(j, err);
	case PC_JOB_CHAIN:
		return chain_load_all(j, err);
	case PC_JOB_RELEASE:
		return release_load(j, err);
	case PC_JOB_RELEASE_MATRIX:
		break;
	}
	return pc_err_setc(err, PC_E_INTERNAL, "pc_job_load: not a mode with sides");
}

/* Add the types side 's''s default configuration leaves out because
 * they block migration, once each, to 'out'. */
static void add_unmigratable(const struct pc_side *s, struct pc_strbuf *out)
{
	if (!s->reg || s->devices)
		return;
	for (size_t i = 0; i < s->reg->n_types; i++) {
		const struct pc_type *t = s->reg->types[i];
		size_t l = strlen(t->name);
		const char *at;
		bool dup = false;

		if (!pc_type_is_concrete(t) || !pc_side_has_type(s, t) ||
		    !pc_side_type_blocker(s, t))
			continue;
		for (at = out->buf; at && (at = strstr(at, t->name)); at += l)
			dup |= (at == out->buf || at[-1] == ' ') &&
			       (at[l] == ',' || at[l] == '\0');
		if (!dup)
			pc_strbuf_addsep(out, ", ", t->name);
	}
}

/* j->unmigratable, over the sides the job checked (not a pair's fix
 * releases) */
static void job_unmigratable(struct pc_job *j)
{
	struct pc_strbuf out = PC_STRBUF_INIT;

	if (j->spec->mode == PC_JOB_MATRIX) {
		for (size_t i = 0; i < j->n_matrix; i++)
			add_unmigratable(j->matrix[i], &out);
	} else if (j->n_sides) {
		for (size_t i = 0; i < j->n_sides; i++)
			add_unmigratable(&j->sides[i], &out);
	} else {
		add_unmigratable(&j->tree, &out);
		for (size_t i = 0; i < j->n_releases; i++)
			add_unmigratable(&j->releases[i], &out);
	}
	free(j->unmigratable);
	j->unmigratable = pc_strbuf_detach(&out);
}

int pc_job_run(struct pc_job *j, struct pc_err *err)
{
	int r = 0;

	switch (j->spec->mode) {
	case PC_JOB_MAIN:
		r = main_run(j, err);
		break;
	case PC_JOB_PAIR:
		r = pair_run(j, err);
		break;
	case PC_JOB_MATRIX:
		r = matrix_run(j, err);
		break;
	case PC_JOB_CHAIN:
		chain_run(j);
		break;
	case PC_JOB_RELEASE:
		r = release_run(j, err);
		break;
	case PC_JOB_RELEASE_MATRIX:
		return pc_err_setc(err, PC_E_INTERNAL, "pc_job_run: the release matrix is pc_job_release_matrix()");
	}
	if (r)
		return -1;
	job_unmigratable(j);
	job_outcome(j);
	return 0;
}

/* ------------------------------------------------------------ release matrix */

static void free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/*
 * The machine type asked for, by the name the releases record: an alias
 * ("pc-7.2", "q35") resolved through the tree's machine types, as every
 * other mode resolves it.  The releases' indexes are all the matrix
 * reads, so a machine directory that does not load leaves the name as
 * given (the matrix then says which names the releases know).  The set
 * holding the name is returned for the caller to free.
 */
static struct pc_machine_set *release_matrix_machine(const struct pc_job *j,
						      const char **machine)
{
	struct pc_machine_set *set;
	struct pc_err e = { 0 };
	const struct pc_machine *m;

	*machine = j->spec->machine;
	if (!*machine || !j->env->machine_dir)
		return NULL;
	set = pc_machine_set_new();
	if (!pc_machines_load_dir(set, j->env->machine_dir, &e) &&
	    (m = pc_machine_find(set, *machine)))
		*machine = m->name;
	return set;
}

int pc_job_release_matrix(struct pc_job *j, struct pc_matrix *mx,
			  struct pc_job_matrix_counts *n, struct pc_err *err)
{
	struct pc_machine_set *set;
	const char *machine;
	char **paths = NULL;
	size_t np = 0;
	int r;

	memset(n, 0, sizeof(*n));
	if (pc_baseline_list(j->env->abi_dir, &paths, &np, err))
		return -1;
	if (np < 1) {
		free(paths);
		return pc_err_setc(err, PC_E_NOT_FOUND, "%s/releases: no recorded release (record one with plugcheck dump-abi)",
				   j->env->abi_dir);
	}
	set = release_matrix_machine(j, &machine);
	r = pc_matrix_run_shard(paths, np, machine, j->spec->smp,
				j->spec->shard, j->spec->nshards, &j->known,
				mx, err);
	pc_machine_set_free(set);
	free_paths(paths, np);
	if (r)
		return -1;
	for (size_t i = 0; i < mx->n_machines; i++) {
		const struct pc_matrix_machine *M = &mx->machines[i];

		for (size_t k = 0; k < M->n_sides * M->n_sides; k++) {
			n->incompatible += M->cells[k].incompatible;
			n->known += M->cells[k].known;
			n->review += M->cells[k].review;
		}
	}
	j->status = n->incompatible ? PC_JOB_INCOMPATIBLE : PC_JOB_COMPATIBLE;
	return 0;
}
