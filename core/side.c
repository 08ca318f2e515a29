/*
 * side.c - the sides a check compares, built from what a user names
 * (side.h): the tree, a recorded release, a baseline file, a plugin
 * directory; the recorded releases, the known breaks, a side's VM
 * configuration.  Shared by the CLI and the public API; never prints.
 */
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "loader.h"
#include "machine.h"
#include "side.h"

#include "banned.h"

/* PLUGCHECK_SCAN_TIMEOUT: seconds to milliseconds (0: the default) */
static int scan_timeout_ms(const char *t, unsigned *ms, struct pc_err *err)
{
	char *end;
	double sec;

	*ms = 0;
	if (!t || !*t)
		return 0;
	sec = strtod(t, &end);
	if (*end || !(sec > 0 && sec <= 3600))
		return pc_err_setc(err, PC_E_USAGE,
				   "PLUGCHECK_SCAN_TIMEOUT: expected seconds from 0.001 to 3600, found '%s'",
				   t);
	*ms = (unsigned)(sec * 1000 + 0.5);
	if (!*ms)
		*ms = 1;
	return 0;
}

/*
 * Plugins' code is first loaded in a scanner child (loader.h) unless the
 * environment says otherwise; refused plugins go to env->bad_plugin.
 */
/*
 * The machine types, loaded on a thread while the plugins' declarations
 * parse.  The outcome is as if they were loaded first: the thread is
 * joined before the loader says anything (a note, a warning, a plugin's
 * diagnostic) and before it admits any plugin (a scanner child is
 * forked then); when they failed, the plugins are dropped unseen and the
 * machine types' error is the side's.
 */
struct machine_job {
	struct pc_machine_set *set;
	const char *dir;
	const struct pc_side_env *env;
	pthread_t thread;
	bool started, joined;
	int r;
	struct pc_err err;
};

static void *machine_job_run(void *arg)
{
	struct machine_job *j = arg;

	j->r = pc_machines_load_dir(j->set, j->dir, &j->err);
	return NULL;
}

static void machine_job_start(struct machine_job *j)
{
	sigset_t all, old;

	/* signals stay with this thread (as pc_parallel_for()'s) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	j->started = !pthread_create(&j->thread, NULL, machine_job_run, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!j->started) /* no thread: load them here, as before */
		machine_job_run(j);
}

/* Joined; nonzero when the machine types failed. */
static int machine_job_join(void *ctx)
{
	struct machine_job *j = ctx;

	if (!j->joined && j->started)
		pthread_join(j->thread, NULL);
	j->joined = true;
	return j->r;
}

static void job_note(void *ctx, const char *msg)
{
	struct machine_job *j = ctx;

	if (!machine_job_join(j) && j->env->note)
		j->env->note(j->env->cb_ctx, msg);
}

static void job_warn(void *ctx, const char *msg)
{
	struct machine_job *j = ctx;

	if (!machine_job_join(j) && j->env->warn)
		j->env->warn(j->env->cb_ctx, msg);
}

static int load_plugin_dirs(const struct pc_side_env *env,
			    const char *const *dirs, size_t n,
			    struct pc_side *side, bool *bad_input,
			    struct machine_job *mj, struct pc_err *err)
{
	struct pc_loader_opts o;
	struct pc_diags d = { 0 };
	int r;

	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = n;
	o.load_code = !env->static_only;
	o.scan = env->scan;
	o.skip_parent_load = !env->need_hooks;
	if (scan_timeout_ms(env->scan_timeout, &o.scan_timeout_ms, err))
		return -1;
	o.cache_dir = env->cache_dir;
	o.allow_world_writable = env->allow_world_writable;
	o.note = env->note ? job_note : NULL;
	o.warn = env->warn ? job_warn : NULL;
	o.note_ctx = mj;
	o.parsed = machine_job_join;
	o.parsed_ctx = mj;
	side->reg = pc_registry_new();
	side->own_reg = true;
	r = pc_load_plugins(side->reg, &o, &d, err);
	if (machine_job_join(mj)) {
		/* the machine types' error, before any plugin's */
		pc_diags_release(&d);
		return -1;
	}
	for (size_t i = 0; i < d.n; i++) {
		if (env->bad_plugin)
			env->bad_plugin(env->cb_ctx, d.msgs[i]);
		*bad_input = true;
	}
	pc_diags_release(&d);
	return r ? -1 : 0;
}

int pc_side_unknown_machine(const struct pc_machine_set *set,
			    const char *name, struct pc_err *err)
{
	const char *s = pc_machine_suggest(set, name);

	return pc_err_setc(err, PC_E_NOT_FOUND, "unknown machine type '%s'%s%s%s",
			   name, s ? " (did you mean '" : "", s ? s : "",
			   s ? "'?)" : "");
}

void pc_side_tree_version(const struct pc_side *tree, struct pc_version *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; tree->machines && i < tree->machines->n_machines; i++)
		if (pc_version_cmp(&tree->machines->machines[i]->version, out) > 0)
			*out = tree->machines->machines[i]->version;
}

/*
 * Machine types and baselines decide verdicts: they are read only from a
 * directory that, with every one above it, others cannot write to
 * (pc_dir_chain_check(); --allow-world-writable lifts it).  A directory
 * that does not exist is left to the reader's own error.
 */
static int trusted_data_dir(const struct pc_side_env *env, const char *dir,
			    const char *what, struct pc_err *err)
{
	struct pc_err e = { 0 };
	char *real;
	int r;

	if (env->allow_world_writable || !dir)
		return 0;
	real = realpath(dir, NULL);
	if (!real)
		return 0;
	r = pc_dir_chain_check(real, NULL, &e);
	free(real);
	if (r)
		return pc_err_setc(err, PC_E_INPUT,
				   "%s %s: refusing to read from an unsafe directory: %s (use --allow-world-writable to override)",
				   what, dir, e.msg);
	return 0;
}

/* the tree's machine types with the plugins of 'dirs', labelled 'label' */
static int load_dirs_side(const struct pc_side_env *env, const char *label,
			  const char *origin, const char *const *dirs,
			  size_t n, struct pc_side *side, bool *bad_input,
			  struct pc_err *err)
{
	struct machine_job mj = { .dir = env->machine_dir, .env = env };
	int r;

	memset(side, 0, sizeof(*side));
	side->label = pc_xstrdup(label);
	side->origin = pc_xstrdup(origin);
	side->machines = pc_machine_set_new();
	side->own_machines = true;
	mj.set = side->machines;
	if (trusted_data_dir(env, env->machine_dir, "machine directory", err)) {
		pc_side_release(side);
		return -1;
	}
	machine_job_start(&mj);
	r = load_plugin_dirs(env, dirs, n, side, bad_input, &mj, err);
	if (machine_job_join(&mj)) {
		*err = mj.err;
		r = -1;
	}
	if (r) {
		pc_side_release(side);
		return -1;
	}
	pc_side_tree_version(side, &side->release);
	return 0;
}

int pc_side_load_tree(const struct pc_side_env *env, struct pc_side *side,
		      bool *bad_input, struct pc_err *err)
{
	return load_dirs_side(env, "tree",
			      env->n_plugin_dirs ? env->plugin_dirs[0] : "",
			      env->plugin_dirs, env->n_plugin_dirs, side,
			      bad_input, err);
}

/* "5.json, 5.1.json" (the recorded releases), or "none" */
static char *recorded_list(const char *abi_dir)
{
	struct pc_strbuf have = PC_STRBUF_INIT;
	char **paths;
	size_t n;

	if (!pc_baseline_list(abi_dir, &paths, &n, NULL)) {
		for (size_t i = 0; i < n; i++) {
			const char *b = strrchr(paths[i], '/');

			pc_strbuf_addsep(&have, ", ", b ? b + 1 : paths[i]);
			free(paths[i]);
		}
		free(paths);
	}
	if (!have.len)
		pc_strbuf_addstr(&have, "none");
	return pc_strbuf_detach(&have);
}

static int load_release(const struct pc_side_env *env, const char *release,
			struct pc_side *side, struct pc_err *err)
{
	char *path = pc_xasprintf("%s/releases/%s.json", env->abi_dir, release);
	struct stat st;
	int r;

	if (trusted_data_dir(env, env->abi_dir, "ABI directory", err)) {
		free(path);
		return -1;
	}
	if (stat(path, &st)) {
		char *have = recorded_list(env->abi_dir);

		pc_err_setc(err, PC_E_NOT_FOUND,
			    "no baseline for release '%s' (%s not found; recorded: %s)",
			    release, path, have);
		free(have);
		free(path);
		return -1;
	}
	r = pc_baseline_load(path, side, err);
	free(path);
	return r;
}

int pc_side_load_spec(const struct pc_side_env *env, const char *spec,
		      struct pc_side *side, bool *bad_input,
		      struct pc_err *err)
{
	struct stat st;
	struct pc_version v;

	if (!strcmp(spec, "tree") || !strcmp(spec, "."))
		return pc_side_load_tree(env, side, bad_input, err);
	if (pc_str_ends_with(spec, ".json"))
		return pc_baseline_load(spec, side, err);
	if (!pc_version_parse(spec, &v))
		return load_release(env, spec, side, err);
	if (!stat(spec, &st) && S_ISDIR(st.st_mode)) {
		const char *dirs[1] = { spec };

		return load_dirs_side(env, spec, spec, dirs, 1, side,
				      bad_input, err);
	}
	return pc_err_setc(err, PC_E_NOT_FOUND,
			   "'%s' is not a side: expected 'tree', a recorded release (e.g. 5.1), a baseline .json file or a plugin directory",
			   spec);
}

/* abi/releases/R.json must record release R: a renamed file would make a
 * check name the wrong release */
static int baseline_name_matches(const char *path, const struct pc_side *side,
				 struct pc_err *err)
{
	const char *base = strrchr(path, '/');
	char *want = pc_xasprintf("%s.json", side->label);
	int r = 0;

	base = base ? base + 1 : path;
	if (strcmp(base, want))
		r = pc_err_set(err, "%s: records release %s, but the file name says otherwise (expected %s)",
			       path, side->label, want);
	free(want);
	return r;
}

static void free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int pc_side_load_baselines(const struct pc_side_env *env,
			   struct pc_side **sides, size_t *n,
			   struct pc_err *err)
{
	char **paths;
	size_t np;
	int r;

	*sides = NULL;
	*n = 0;
	if (trusted_data_dir(env, env->abi_dir, "ABI directory", err) ||
	    pc_baseline_list(env->abi_dir, &paths, &np, err))
		return -1;
	if (!np) {
		free(paths);
		return pc_err_setc(err, PC_E_NOT_FOUND,
				   "no release baselines in %s/releases: record one with 'plugcheck dump-abi --release R'",
				   env->abi_dir);
	}
	*sides = pc_xcalloc(np, sizeof(**sides));
	r = pc_baselines_load(paths, np, *sides, n, err);
	for (size_t i = 0; i < np && !r; i++)
		r = baseline_name_matches(paths[i], &(*sides)[i], err);
	free_paths(paths, np);
	if (r) {
		for (size_t j = 0; j < *n; j++)
			pc_side_release(&(*sides)[j]);
		free(*sides);
		*sides = NULL;
		*n = 0;
		return -1;
	}
	assert(*n == np);
	return 0;
}

int pc_side_load_fix_releases(const struct pc_side_env *env,
			      const struct pc_side *a,
			      const struct pc_side *b, struct pc_side **sides,
			      size_t *n, struct pc_err *err)
{
	char **paths;
	size_t np = 0;

	*sides = NULL;
	*n = 0;
	/* only a tree has machine files a compat line can go into */
	if ((a->project || a->index) && (b->project || b->index))
		return 0;
	if (pc_baseline_list(env->abi_dir, &paths, &np, NULL))
		return 0;
	free_paths(paths, np);
	if (!np)
		return 0;
	return pc_side_load_baselines(env, sides, n, err);
}

int pc_side_load_known(const struct pc_side_env *env,
		       struct pc_known_breaks *kb, struct pc_err *err)
{
	char *path = pc_xasprintf("%s/known-breaks", env->abi_dir);
	struct stat st;
	int r = 0;

	memset(kb, 0, sizeof(*kb));
	if (trusted_data_dir(env, env->abi_dir, "ABI directory", err))
		r = -1;
	else if (!stat(path, &st))
		r = pc_known_breaks_load(path, kb, err);
	free(path);
	return r;
}

/* "id=ID" among the comma-separated options, or NULL */
static char *vm_device_id(const char *opts)
{
	for (const char *o = opts, *next; o && *o; o = next) {
		next = strchr(o, ',');
		if (next)
			next++;
		if (pc_str_starts_with(o, "id="))
			return pc_xstrndup(o + 3, next ? (size_t)(next - o - 4)
						       : strlen(o + 3));
	}
	return NULL;
}

/* the PROP=VALUE options of device 'id', as overrides of the side */
static int vm_device_props(struct pc_side *side, const char *spec,
			   const char *id, char *opts, struct pc_err *err)
{
	for (char *o = opts, *next; o && *o; o = next) {
		struct pc_override ov;
		char *eq, *text;
		int r;

		next = strchr(o, ',');
		if (next)
			*next++ = '\0';
		if (pc_str_starts_with(o, "id="))
			continue;
		eq = strchr(o, '=');
		if (!eq || eq == o)
			return pc_err_setc(err, PC_E_USAGE,
					   "--vm-device '%s': expected PROP=VALUE, found '%s'",
					   spec, o);
		text = pc_xasprintf("%s.%s", id, o);
		r = pc_override_parse(text, true, "--vm-device", &ov, err);
		free(text);
		if (r)
			return -1;
		pc_side_add_override(side, &ov);
		pc_override_release(&ov);
	}
	return 0;
}

int pc_side_add_vm_device(struct pc_side *side, const char *spec,
			  struct pc_err *err)
{
	char *copy = pc_xstrdup(spec), *type = copy, *id = NULL, *opts;
	struct pc_devspec *d;
	int rc = -1;

	opts = strchr(copy, ',');
	if (opts)
		*opts++ = '\0';
	if (!*type) {
		pc_err_setc(err, PC_E_USAGE,
			    "--vm-device '%s': expected TYPE[,id=ID][,PROP=VALUE...]",
			    spec);
		goto out;
	}
	/* the id first, so the properties can name it */
	id = vm_device_id(opts);
	if (!id)
		id = pc_xstrdup(type);
	if (!*id || strchr(id, '/') || strchr(id, '.')) {
		pc_err_setc(err, PC_E_USAGE,
			    "--vm-device '%s': an id must be non-empty and contain no '/' or '.'",
			    spec);
		goto out;
	}
	side->devices = pc_xrealloc(side->devices,
				    (side->n_devices + 1) * sizeof(*side->devices));
	d = &side->devices[side->n_devices++];
	d->type = pc_xstrdup(type);
	d->id = pc_xstrdup(id);
	rc = vm_device_props(side, spec, id, opts, err);
out:
	free(id);
	free(copy);
	return rc;
}

int pc_side_add_vm_devices(struct pc_side *side, const char *const *specs,
			   size_t n, struct pc_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (pc_side_add_vm_device(side, specs[i], err))
			return -1;
	return 0;
}

int pc_side_add_globals(struct pc_side *side, const char *const *globals,
			size_t n, const char *origin, struct pc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct pc_override ov;

		if (pc_override_parse(globals[i], false, origin, &ov, err))
			return -1;
		pc_side_add_override(side, &ov);
		pc_override_release(&ov);
	}
	return 0;
}

int pc_side_check(const struct pc_side *side, const char *machine,
		  struct pc_err *err)
{
	struct pc_err inner = { 0 };
	const struct pc_machine *m = machine && side->machines
		? pc_machine_find(side->machines, machine) : NULL;

	/* no 'err': the caller wants the verdict only, and no message is
	 * formatted */
	if (!pc_side_check_config(side, m, err ? &inner : NULL))
		return 0;
	if (side->project)
		return pc_err_wrap(err, &inner, "%s", side->label);
	if (err && !err->set)
		*err = inner;
	return -1;
}

int pc_side_common_devices(const struct pc_side_env *env, const char *a,
			   const char *b, char ***out, size_t *n,
			   bool *bad_input, struct pc_err *err)
{
	struct pc_side_env decl = *env;
	struct pc_side sa, sb;

	*out = NULL;
	*n = 0;
	/* declarations only: this process must not run two builds' code */
	decl.static_only = true;
	if (pc_side_load_spec(&decl, a, &sa, bad_input, err))
		return -1;
	if (pc_side_load_spec(&decl, b, &sb, bad_input, err)) {
		pc_side_release(&sa);
		return -1;
	}
	*out = pc_xcalloc(sa.reg->n_types + 1, sizeof(char *));
	for (size_t i = 0; i < sa.reg->n_types; i++) {
		const struct pc_type *t = sa.reg->types[i];
		const struct pc_type *u;

		/* a device either build refuses to migrate stays out; the
		 * machine type's own state is in every VM, not a device */
		if (!pc_type_is_concrete(t) || pc_type_is_machine(t) ||
		    !pc_side_has_type(&sa, t) || pc_side_type_blocker(&sa, t))
			continue;
		u = pc_registry_find_type(sb.reg, t->name);
		if (u && pc_type_is_concrete(u) && pc_side_has_type(&sb, u) &&
		    !pc_side_type_blocker(&sb, u))
			(*out)[(*n)++] = pc_xstrdup(t->name);
	}
	pc_side_release(&sa);
	pc_side_release(&sb);
	return 0;
}
