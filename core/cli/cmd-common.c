/*
 * cmd-common.c - printing and side-loading helpers shared by the verbs.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "baseline.h"
#include "cmd.h"
#include "loader.h"
#include "report-json.h"

#include "banned.h"

static void vmsg(struct pc_cli *cli, const char *tag, const char *fmt,
		 va_list ap)
{
	fprintf(cli->err, "plugcheck: %s", tag);
	vfprintf(cli->err, fmt, ap);
	fputc('\n', cli->err);
}

void pc_cli_error(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, cli->color ? "\033[1;31merror:\033[0m " : "error: ", fmt, ap);
	va_end(ap);
}

void pc_cli_warn(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, cli->color ? "\033[1;33mwarning:\033[0m " : "warning: ", fmt, ap);
	va_end(ap);
}

void pc_cli_verbose(struct pc_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbose <= 0)
		return;
	va_start(ap, fmt);
	vmsg(cli, "", fmt, ap);
	va_end(ap);
}

bool pc_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static const struct pc_opt *find_opt(const struct pc_opt *opts,
				     const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

/* The error for argument 'arg': the verb's one message when it has one,
 * else the standard one (fmt: the verb, then 'what'). */
static int opt_error(struct pc_cli *cli, const struct pc_optset *set,
		     int code, const char *arg, const char *fmt,
		     const char *what)
{
	if (set->bad_fmt)
		pc_cli_error(cli, set->bad_fmt, arg);
	else
		pc_cli_error(cli, fmt, set->verb, what, set->verb);
	return code;
}

int pc_cli_parse_opts(struct pc_cli *cli, const struct pc_optset *set,
		      int argc, char **argv)
{
	bool ended = false;

	if (set->npos)
		*set->npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		const struct pc_opt *o;
		size_t len;
		char *name;
		int r;

		if (set->pos && (ended || a[0] != '-' || !a[1])) {
			set->pos[(*set->npos)++] = a;
			continue;
		}
		if (set->pos && !strcmp(a, "--")) {
			ended = true;
			continue;
		}
		if (a[0] != '-' || (a[1] != '-' && !set->pos))
			return opt_error(cli, set, PC_OPT_ERR, a,
					 "%s: unexpected argument '%s'", a);
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = a[1] == '-' ? find_opt(set->opts, a, len) : NULL;
		name = pc_xstrndup(a, len);
		if (!o) {
			r = opt_error(cli, set, PC_OPT_UNKNOWN, a,
				      "%s: unknown option '%s' (see plugcheck %s --help)",
				      name);
			free(name);
			return r;
		}
		free(name);
		if (o->type == PC_OPT_FLAG) {
			if (eq)
				return opt_error(cli, set, PC_OPT_ERR, a,
						 "%s: option '%s' takes no value",
						 o->name);
			*(bool *)o->dest = true;
			continue;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else if (o->what || !set->bad_fmt) {
			pc_cli_error(cli, "%s: option '%s' needs %s", set->verb,
				     o->name, o->what ? o->what : "a value");
			return PC_OPT_ERR;
		} else {
			return opt_error(cli, set, PC_OPT_ERR, a, NULL, NULL);
		}
		switch (o->type) {
		case PC_OPT_STR:
			*(const char **)o->dest = val;
			break;
		case PC_OPT_INT:
			if (pc_cli_int(cli, o->name, val, o->lo, o->hi, o->dest))
				return PC_OPT_ERR;
			break;
		case PC_OPT_U64:
			if (pc_parse_u64(val, o->dest)) {
				pc_cli_error(cli, "%s: expected an unsigned number, found '%s'",
					     o->name, val);
				return PC_OPT_ERR;
			}
			break;
		case PC_OPT_LIST:
			((const char **)o->dest)[(*o->count)++] = val;
			break;
		case PC_OPT_FLAG:
			break;
		}
	}
	return 0;
}

int pc_cli_int(struct pc_cli *cli, const char *opt, const char *val, int lo,
	       int hi, int *out)
{
	int64_t v;

	if (!val || pc_parse_i64(val, &v) || v < lo || v > hi) {
		pc_cli_error(cli, "%s: expected a number from %d to %d, found '%s'",
			     opt, lo, hi, val ? val : "");
		return -1;
	}
	*out = (int)v;
	return 0;
}

void pc_cli_print_report(struct pc_cli *cli, const char *verb,
			 const struct pc_report *r, void *extra)
{
	if (cli->format == PC_FMT_JSON) {
		json_t *root = json_object();
		char *s;

		json_object_set_new(root, "verb", json_string(verb));
		if (extra) {
			json_object_update(root, extra);
			json_decref(extra);
		}
		json_object_set_new(root, "findings", pc_report_to_json(r));
		json_object_set_new(root, "groups", pc_report_groups_to_json(r));
		json_object_set_new(root, "incompatible",
				    json_integer((json_int_t)pc_report_count(r, PC_SEV_INCOMPATIBLE)));
		s = pc_json_dump(root);
		fputs(s, cli->out);
		free(s);
		json_decref(root);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		pc_finding_format(&r->items[i], &sb);
		fputs(sb.buf, cli->out);
		pc_strbuf_release(&sb);
	}
}

static void note_cb(void *ctx, const char *msg)
{
	pc_cli_verbose(ctx, "%s", msg);
}

static void warn_cb(void *ctx, const char *msg)
{
	pc_cli_warn(ctx, "%s", msg);
}

/*
 * Plugins' code is first loaded in a scanner child (loader.h); the
 * timeout comes from PLUGCHECK_SCAN_TIMEOUT (seconds, e.g. "0.5"), so
 * that tests with a hanging fixture need not wait for the default.
 */
static int load_plugin_dirs(struct pc_cli *cli, const char *const *dirs,
			    size_t n, struct pc_side *side, bool *bad_input)
{
	struct pc_loader_opts o;
	struct pc_diags d = { 0 };
	struct pc_err err = { 0 };
	const char *t = getenv("PLUGCHECK_SCAN_TIMEOUT");
	int r;

	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = n;
	o.load_code = !cli->static_only;
	o.scan = true;
	o.skip_parent_load = !cli->need_hooks;
	if (t && *t) {
		char *end;
		double sec = strtod(t, &end);

		if (*end || !(sec > 0 && sec <= 3600)) {
			pc_cli_error(cli, "PLUGCHECK_SCAN_TIMEOUT: expected seconds from 0.001 to 3600, found '%s'",
				     t);
			return -1;
		}
		o.scan_timeout_ms = (unsigned)(sec * 1000 + 0.5);
		if (!o.scan_timeout_ms)
			o.scan_timeout_ms = 1;
	}
	o.cache_dir = cli->cache_dir;
	o.allow_world_writable = cli->allow_unsafe;
	/* notes are shown with -v only: not formatted at all otherwise */
	o.note = cli->verbose > 0 ? note_cb : NULL;
	o.warn = warn_cb;
	o.note_ctx = cli;
	side->reg = pc_registry_new();
	side->own_reg = true;
	r = pc_load_plugins(side->reg, &o, &d, &err);
	for (size_t i = 0; i < d.n; i++) {
		pc_cli_error(cli, "%s", d.msgs[i]);
		*bad_input = true;
	}
	pc_diags_release(&d);
	if (r) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

void pc_cli_tree_version(const struct pc_side *tree, struct pc_version *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; tree->machines && i < tree->machines->n_machines; i++)
		if (pc_version_cmp(&tree->machines->machines[i]->version, out) > 0)
			*out = tree->machines->machines[i]->version;
}

static int load_machines(struct pc_cli *cli, struct pc_side *side)
{
	struct pc_err err = { 0 };

	side->machines = pc_machine_set_new();
	side->own_machines = true;
	if (pc_machines_load_dir(side->machines, cli->machine_dir, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	return 0;
}

int pc_cli_load_tree(struct pc_cli *cli, struct pc_side *side,
		     bool *bad_input)
{
	memset(side, 0, sizeof(*side));
	side->label = pc_xstrdup("tree");
	side->origin = pc_xstrdup(cli->n_plugin_dirs ? cli->plugin_dirs[0] : "");
	if (load_machines(cli, side) ||
	    load_plugin_dirs(cli, cli->plugin_dirs, cli->n_plugin_dirs, side,
			     bad_input)) {
		pc_side_release(side);
		return -1;
	}
	pc_cli_tree_version(side, &side->release);
	return 0;
}

int pc_cli_load_side(struct pc_cli *cli, const char *spec,
		     struct pc_side *side, bool *bad_input)
{
	struct stat st;
	struct pc_err err = { 0 };
	struct pc_version v;

	if (!strcmp(spec, "tree") || !strcmp(spec, "."))
		return pc_cli_load_tree(cli, side, bad_input);
	if (pc_str_ends_with(spec, ".json")) {
		if (pc_baseline_load(spec, side, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			return -1;
		}
		return 0;
	}
	if (!pc_version_parse(spec, &v)) {
		char *path = pc_xasprintf("%s/releases/%s.json", cli->abi_dir, spec);

		if (stat(path, &st)) {
			char **paths;
			size_t n;
			struct pc_strbuf have = PC_STRBUF_INIT;

			if (!pc_baseline_list(cli->abi_dir, &paths, &n, &err)) {
				for (size_t i = 0; i < n; i++) {
					const char *b = strrchr(paths[i], '/');
					pc_strbuf_addf(&have, "%s%s", have.len ? ", " : "",
						       b ? b + 1 : paths[i]);
					free(paths[i]);
				}
				free(paths);
			}
			pc_cli_error(cli, "no baseline for release '%s' (%s not found; recorded: %s)",
				     spec, path, have.len ? have.buf : "none");
			pc_strbuf_release(&have);
			free(path);
			return -1;
		}
		if (pc_baseline_load(path, side, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			free(path);
			return -1;
		}
		free(path);
		return 0;
	}
	if (!stat(spec, &st) && S_ISDIR(st.st_mode)) {
		const char *dirs[1] = { spec };

		memset(side, 0, sizeof(*side));
		side->label = pc_xstrdup(spec);
		side->origin = pc_xstrdup(spec);
		if (load_machines(cli, side) ||
		    load_plugin_dirs(cli, dirs, 1, side, bad_input)) {
			pc_side_release(side);
			return -1;
		}
		pc_cli_tree_version(side, &side->release);
		return 0;
	}
	pc_cli_error(cli, "'%s' is not a side: expected 'tree', a recorded release (e.g. 5.1), a baseline .json file or a plugin directory",
		     spec);
	return -1;
}

/* abi/releases/R.json must record release R: a renamed file would make a
 * check name the wrong release */
static int baseline_name_matches(struct pc_cli *cli, const char *path,
				 const struct pc_side *side)
{
	const char *base = strrchr(path, '/');
	char *want = pc_xasprintf("%s.json", side->label);
	int r = 0;

	base = base ? base + 1 : path;
	if (strcmp(base, want)) {
		pc_cli_error(cli, "%s: records release %s, but the file name says otherwise (expected %s)",
			     path, side->label, want);
		r = -1;
	}
	free(want);
	return r;
}

int pc_cli_load_baselines(struct pc_cli *cli, struct pc_side **sides,
			  size_t *n)
{
	char **paths;
	size_t np;
	struct pc_err err = { 0 };

	*sides = NULL;
	*n = 0;
	if (pc_baseline_list(cli->abi_dir, &paths, &np, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	if (!np) {
		pc_cli_error(cli, "no release baselines in %s/releases: record one with 'plugcheck dump-abi --release R'",
			     cli->abi_dir);
		free(paths);
		return -1;
	}
	*sides = pc_xcalloc(np, sizeof(**sides));
	if (pc_baselines_load(paths, np, *sides, n, &err))
		pc_cli_error(cli, "%s", err.msg);
	else
		for (size_t i = 0; i < np && !err.set; i++)
			if (baseline_name_matches(cli, paths[i], &(*sides)[i]))
				err.set = true;
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	if (err.set) {
		for (size_t j = 0; j < *n; j++)
			pc_side_release(&(*sides)[j]);
		free(*sides);
		*sides = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int pc_cli_load_fix_releases(struct pc_cli *cli, const struct pc_side *a,
			     const struct pc_side *b, struct pc_side **sides,
			     size_t *n)
{
	char **paths;
	size_t np = 0;

	*sides = NULL;
	*n = 0;
	/* only a tree has machine files a compat line can go into */
	if ((a->project || a->index) && (b->project || b->index))
		return 0;
	if (pc_baseline_list(cli->abi_dir, &paths, &np, NULL))
		return 0;
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	if (!np)
		return 0;
	return pc_cli_load_baselines(cli, sides, n);
}

int pc_cli_load_known(struct pc_cli *cli, struct pc_known_breaks *kb)
{
	char *path = pc_xasprintf("%s/known-breaks", cli->abi_dir);
	struct pc_err err = { 0 };
	struct stat st;
	int r = 0;

	memset(kb, 0, sizeof(*kb));
	if (!stat(path, &st)) {
		r = pc_known_breaks_load(path, kb, &err);
		if (r)
			pc_cli_error(cli, "%s", err.msg);
	}
	free(path);
	return r;
}

int pc_cli_add_vm_device(struct pc_cli *cli, struct pc_side *side,
			 const char *spec)
{
	char *copy = pc_xstrdup(spec), *type = copy, *id = NULL, *opts;
	struct pc_devspec *d;
	int rc = -1;

	opts = strchr(copy, ',');
	if (opts)
		*opts++ = '\0';
	if (!*type) {
		pc_cli_error(cli, "--vm-device '%s': expected TYPE[,id=ID][,PROP=VALUE...]", spec);
		goto out;
	}
	/* first pass: the id, so overrides can name it */
	for (char *o = opts, *next; o && *o; o = next) {
		next = strchr(o, ',');
		if (next)
			next++;
		if (pc_str_starts_with(o, "id=")) {
			size_t n = next ? (size_t)(next - o - 4) : strlen(o + 3);

			id = pc_xstrndup(o + 3, n);
		}
	}
	if (!id)
		id = pc_xstrdup(type);
	if (!*id || strchr(id, '/') || strchr(id, '.')) {
		pc_cli_error(cli, "--vm-device '%s': an id must be non-empty and contain no '/' or '.'",
			     spec);
		goto out;
	}
	side->devices = pc_xrealloc(side->devices,
				    (side->n_devices + 1) * sizeof(*side->devices));
	d = &side->devices[side->n_devices++];
	d->type = pc_xstrdup(type);
	d->id = pc_xstrdup(id);
	for (char *o = opts, *next; o && *o; o = next) {
		struct pc_override ov;
		struct pc_err err = { 0 };
		char *eq, *text;

		next = strchr(o, ',');
		if (next)
			*next++ = '\0';
		if (pc_str_starts_with(o, "id="))
			continue;
		eq = strchr(o, '=');
		if (!eq || eq == o) {
			pc_cli_error(cli, "--vm-device '%s': expected PROP=VALUE, found '%s'",
				     spec, o);
			goto out;
		}
		text = pc_xasprintf("%s.%s", id, o);
		if (pc_override_parse(text, true, "--vm-device", &ov, &err)) {
			pc_cli_error(cli, "%s", err.msg);
			free(text);
			goto out;
		}
		pc_side_add_override(side, &ov);
		pc_override_release(&ov);
		free(text);
	}
	rc = 0;
out:
	free(id);
	free(copy);
	return rc;
}

int pc_cli_check_side(struct pc_cli *cli, const struct pc_side *side,
		      const char *machine)
{
	struct pc_err err = { 0 };
	const struct pc_machine *m = machine && side->machines
		? pc_machine_find(side->machines, machine) : NULL;

	if (!pc_side_check_config(side, m, &err))
		return 0;
	if (side->project)
		pc_cli_error(cli, "%s: %s", side->label, err.msg);
	else
		pc_cli_error(cli, "%s", err.msg);
	return -1;
}

int pc_cli_common_devices(struct pc_cli *cli, const char *a, const char *b,
			  char ***out, size_t *n)
{
	struct pc_side sa, sb;
	bool bad = false, was = cli->static_only;
	int rc = -1;

	*out = NULL;
	*n = 0;
	/* declarations only: this process must not run two builds' code */
	cli->static_only = true;
	if (pc_cli_load_side(cli, a, &sa, &bad))
		goto out_flag;
	if (pc_cli_load_side(cli, b, &sb, &bad)) {
		pc_side_release(&sa);
		goto out_flag;
	}
	*out = pc_xcalloc(sa.reg->n_types + 1, sizeof(char *));
	for (size_t i = 0; i < sa.reg->n_types; i++) {
		const struct pc_type *t = sa.reg->types[i];
		const struct pc_type *u;

		if (!pc_type_is_concrete(t) || !pc_side_has_type(&sa, t))
			continue;
		u = pc_registry_find_type(sb.reg, t->name);
		if (u && pc_type_is_concrete(u) && pc_side_has_type(&sb, u))
			(*out)[(*n)++] = pc_xstrdup(t->name);
	}
	rc = bad ? -1 : 0;
	pc_side_release(&sa);
	pc_side_release(&sb);
out_flag:
	cli->static_only = was;
	return rc;
}

void pc_cli_print_groups(struct pc_cli *cli, const struct pc_report *r,
			 const bool *keep, size_t nkeep)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	size_t ng;

	if (!nkeep)
		return;
	ng = pc_report_format_grouped(r, keep, cli->verbose, &sb);
	fprintf(cli->out, "\nFindings (%zu, %zu cause%s%s):\n", nkeep, ng,
		ng == 1 ? "" : "s",
		cli->verbose ? "" : "; -v shows every finding in full");
	fputs(sb.buf, cli->out);
	pc_strbuf_release(&sb);
}
