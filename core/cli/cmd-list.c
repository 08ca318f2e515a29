/*
 * cmd-list.c - `plugcheck list-machines`, `list-plugins` and `info`.
 * `info` reads a plugin's metadata with libelf only: no plugin code runs
 * (like modinfo).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "loader.h"
#include "report-json.h"

#include "banned.h"

/* A verb without options: its usage for --help (1), an argument
 * refused (-1, printed), else 0. */
static int no_options(struct pc_cli *cli, const char *verb, const char *usage,
		      int argc, char **argv)
{
	static const struct pc_opt opts[] = { PC_OPTS_END };
	char *bad_fmt;
	int r;

	if (pc_cli_wants_help(argc, argv)) {
		fputs(usage, cli->out);
		return 1;
	}
	bad_fmt = pc_xasprintf("%s: unexpected argument '%%s'", verb);
	{
		const struct pc_optset optset = { verb, opts, NULL, NULL, bad_fmt };

		r = pc_cli_parse_opts(cli, &optset, argc, argv);
	}
	free(bad_fmt);
	return r ? -1 : 0;
}

/* The part of 'name' before its version "-X.Y" (allocated), or NULL when
 * it does not end with the machine's version. */
static char *version_prefix(const char *name, const struct pc_machine *m)
{
	char v[32];
	size_t n = strlen(name), vl;

	pc_version_str(&m->version, v, sizeof(v));
	vl = strlen(v);
	if (n <= vl + 1 || strcmp(name + n - vl, v) || name[n - vl - 1] != '-')
		return NULL;
	return pc_xstrndup(name, n - vl - 1);
}

/* One alias explained: in text a line, in JSON an object of 'arr'. */
static void alias_line(struct pc_cli *cli, json_t *arr, const char *alias,
		       const char *means, const char *why)
{
	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "alias", alias,
						     "means", means, "why", why));
	else
		fprintf(cli->out, "  %-8s = %-14s %s\n", alias, means, why);
}

/*
 * What the aliases stand for: each family's latest alias (QEMU's 'pc'
 * and 'q35': the newest machine type of the family), and the versioned
 * aliases by pattern ('pc-X.Y' = 'pc-q35-X.Y'); ms sorted newest first.
 */
static void explain_aliases(struct pc_cli *cli, const struct pc_machine_set *set,
			    const struct pc_machine **ms, json_t *arr)
{
	struct pc_strbuf seen = PC_STRBUF_INIT;

	if (!arr)
		fputs("\nAliases (every verb takes an alias wherever it takes a machine type):\n",
		      cli->out);
	for (size_t f = 0; f < set->n_families; f++) {
		const struct pc_family *fam = set->families[f];
		const struct pc_machine *latest = pc_machine_latest(set, fam->name);
		char *why;

		if (!fam->latest_alias || !latest)
			continue;
		why = pc_xasprintf("the newest %s machine type, as QEMU's '%s' (it moves to the next one when that is added)",
				   fam->name, fam->latest_alias);
		alias_line(cli, arr, fam->latest_alias, latest->name, why);
		free(why);
	}
	for (size_t i = 0; i < set->n_machines; i++)
		for (size_t a = 0; a < ms[i]->n_aliases; a++) {
			char *ap = version_prefix(ms[i]->aliases[a], ms[i]);
			char *np = version_prefix(ms[i]->name, ms[i]);
			char *key = pc_xasprintf(" %s-X.Y=%s-X.Y ", ap ? ap : "",
						 np ? np : "");

			if (!ap || !np) {
				alias_line(cli, arr, ms[i]->aliases[a], ms[i]->name,
					   "an alias of this machine type");
			} else if (!seen.buf || !strstr(seen.buf, key)) {
				char *al = pc_xasprintf("%s-X.Y", ap);
				char *means = pc_xasprintf("%s-X.Y", np);
				char *why = pc_xasprintf("for every version X.Y listed with it, as QEMU's migration guide writes them (QEMU itself has no such alias: give it -machine %s-X.Y)",
							 np);

				pc_strbuf_addstr(&seen, key);
				alias_line(cli, arr, al, means, why);
				free(al);
				free(means);
				free(why);
			}
			free(key);
			free(ap);
			free(np);
		}
	pc_strbuf_release(&seen);
}

int cmd_list_machines(struct pc_cli *cli, int argc, char **argv)
{
	struct pc_machine_set *set;
	struct pc_err err = { 0 };
	const struct pc_machine **ms;
	json_t *arr = NULL;
	int opt = no_options(cli, "list-machines",
			   "usage: plugcheck list-machines [--format json]\n"
			   "Every machine type of the machine directory, newest first, with\n"
			   "aliases, status, vCPU limits and the length of its compat chain;\n"
			   "then what each alias stands for (-q leaves that out).\n",
			   argc, argv);

	if (opt)
		return opt > 0 ? PC_EXIT_OK : PC_EXIT_ERROR;
	set = pc_machine_set_new();
	if (pc_machines_load_dir(set, cli->machine_dir, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_machine_set_free(set);
		return PC_EXIT_ERROR;
	}
	ms = pc_xcalloc(set->n_machines + 1, sizeof(*ms));
	for (size_t i = 0; i < set->n_machines; i++)
		ms[i] = set->machines[i];
	qsort(ms, set->n_machines, sizeof(*ms), pc_machine_cmp_newest_first);
	if (cli->format == PC_FMT_JSON)
		arr = json_array();
	else
		fprintf(cli->out, "%-16s %-8s %-13s %-8s %-7s %s\n", "MACHINE", "FAMILY",
			"STATUS", "MAX-CPUS", "COMPAT", "ALIASES");
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = ms[i];
		const struct pc_machine *latest = pc_machine_latest(set, m->family);
		struct pc_strbuf al = PC_STRBUF_INIT;

		for (size_t a = 0; a < m->n_aliases; a++)
			pc_strbuf_addf(&al, "%s%s", al.len ? "," : "", m->aliases[a]);
		for (size_t f = 0; latest == m && f < set->n_families; f++)
			if (!strcmp(set->families[f]->name, m->family) &&
			    set->families[f]->latest_alias)
				pc_strbuf_addf(&al, "%s%s", al.len ? "," : "",
					       set->families[f]->latest_alias);
		if (arr) {
			json_t *o = json_object();
			char v[32];

			pc_version_str(&m->version, v, sizeof(v));
			json_object_set_new(o, "name", json_string(m->name));
			json_object_set_new(o, "family", json_string(m->family));
			json_object_set_new(o, "version", json_string(v));
			json_object_set_new(o, "status", json_string(pc_machine_status_name(m->status)));
			json_object_set_new(o, "max_cpus", json_integer(m->max_cpus));
			json_object_set_new(o, "compat_entries", json_integer((json_int_t)m->n_chain));
			json_object_set_new(o, "aliases", json_string(al.buf));
			json_array_append_new(arr, o);
		} else {
			fprintf(cli->out, "%-16s %-8s %-13s %-8d %-7zu %s\n", m->name,
				m->family, pc_machine_status_name(m->status),
				m->max_cpus, m->n_chain, al.buf);
		}
		pc_strbuf_release(&al);
	}
	if (arr) {
		json_t *root = json_object(), *aliases = json_array();

		explain_aliases(cli, set, ms, aliases);
		json_object_set_new(root, "verb", json_string("list-machines"));
		json_object_set_new(root, "machines", arr);
		json_object_set_new(root, "aliases", aliases);
		pc_cli_print_doc(cli, root);
	} else if (!cli->quiet) {
		explain_aliases(cli, set, ms, NULL);
	}
	free(ms);
	pc_machine_set_free(set);
	return PC_EXIT_OK;
}

/* A type and the plugin that declares it, to group types by plugin. */
struct owned_type {
	const struct pc_plugin *plugin;
	size_t index; /* in reg->types */
};

static int owned_type_cmp(const void *a, const void *b)
{
	const struct owned_type *x = a, *y = b;
	uintptr_t px = (uintptr_t)x->plugin, py = (uintptr_t)y->plugin;

	if (px != py)
		return px < py ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* The first of the run of 'p''s types in 'v' (sorted), or n. */
static size_t owned_types_of(const struct owned_type *v, size_t n,
			     const struct pc_plugin *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)v[mid].plugin < (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* fprintf(f, "%-Ns ", s): left-justified in 'width', then a blank. */
static void put_padded(FILE *f, const char *s, size_t width)
{
	size_t n = strlen(s);

	fputs(s, f);
	for (; n < width; n++)
		fputc(' ', f);
	fputc(' ', f);
}

int cmd_list_plugins(struct pc_cli *cli, int argc, char **argv)
{
	struct pc_side tree;
	struct owned_type *owned;
	bool bad = false;
	json_t *arr = NULL;
	int opt = no_options(cli, "list-plugins",
			   "usage: plugcheck list-plugins [--format json]\n"
			   "The plugins found in the plugin directories, with the device types\n"
			   "each provides.  Plugins that fail to load are reported (exit 2).\n",
			   argc, argv);

	if (opt)
		return opt > 0 ? PC_EXIT_OK : PC_EXIT_ERROR;
	if (pc_cli_load_tree(cli, &tree, &bad))
		return PC_EXIT_ERROR;
	if (cli->format == PC_FMT_JSON)
		arr = json_array();
	/* each plugin's types in registry order, without a scan of every
	 * type per plugin (quadratic with a thousand plugins) */
	owned = pc_xcalloc(tree.reg->n_types + 1, sizeof(*owned));
	for (size_t t = 0; t < tree.reg->n_types; t++) {
		owned[t].plugin = tree.reg->types[t]->plugin;
		owned[t].index = t;
	}
	qsort(owned, tree.reg->n_types, sizeof(*owned), owned_type_cmp);
	for (size_t i = 0; i < tree.reg->n_plugins; i++) {
		const struct pc_plugin *p = tree.reg->plugins[i];
		struct pc_strbuf types = PC_STRBUF_INIT;
		json_t *ta = json_array();

		for (size_t o = owned_types_of(owned, tree.reg->n_types, p);
		     o < tree.reg->n_types && owned[o].plugin == p; o++) {
			const struct pc_type *ty = tree.reg->types[owned[o].index];

			/* no printf: a thousand plugins list 1,000+ types */
			if (types.len)
				pc_strbuf_addch(&types, ' ');
			pc_strbuf_addstr(&types, ty->name);
			pc_strbuf_addstr(&types, ty->abstract || ty->interface ? "*" :
						 ty->internal ? "+" : "");
			json_array_append_new(ta, json_string(ty->name));
		}
		if (arr) {
			json_t *o = json_object();

			json_object_set_new(o, "name", json_string(p->name));
			json_object_set_new(o, "version", json_string(p->version));
			json_object_set_new(o, "path", json_string(p->path));
			json_object_set_new(o, "types", ta);
			json_array_append_new(arr, o);
		} else {
			json_decref(ta);
			/* "%-12s %-6s %s\n    types: %s\n" without printf
			 * (a line per plugin) */
			put_padded(cli->out, p->name, 12);
			put_padded(cli->out, p->version, 6);
			fputs(p->path, cli->out);
			fputs("\n    types: ", cli->out);
			fputs(types.buf, cli->out);
			fputc('\n', cli->out);
		}
		pc_strbuf_release(&types);
	}
	free(owned);
	if (arr) {
		json_t *root = json_object();

		json_object_set_new(root, "verb", json_string("list-plugins"));
		json_object_set_new(root, "plugins", arr);
		pc_cli_print_doc(cli, root);
	} else {
		fprintf(cli->out, "(* abstract or interface, + internal: only inside a composite)\n");
	}
	pc_side_release(&tree);
	return bad ? PC_EXIT_ERROR : PC_EXIT_OK;
}

static void info_json(struct pc_cli *cli, const char *file,
		      const struct pc_plugin *p, const struct pc_registry *reg)
{
	json_t *o = json_object(), *types = json_array();

	json_object_set_new(o, "verb", json_string("info"));
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "version", json_string(p->version));
	json_object_set_new(o, "abi_version", json_integer(p->abi_version));
	if (p->description)
		json_object_set_new(o, "description", json_string(p->description));
	if (p->license)
		json_object_set_new(o, "license", json_string(p->license));
	if (p->author)
		json_object_set_new(o, "author", json_string(p->author));
	for (size_t t = 0; t < reg->n_types; t++) {
		const struct pc_type *ty = reg->types[t];
		json_t *to = json_object();

		json_object_set_new(to, "name", json_string(ty->name));
		if (ty->parent_name)
			json_object_set_new(to, "parent", json_string(ty->parent_name));
		json_object_set_new(to, "properties", json_integer((json_int_t)ty->n_props));
		if (ty->section)
			json_object_set_new(to, "section", json_string(ty->section));
		json_array_append_new(types, to);
	}
	json_object_set_new(o, "types", types);
	json_object_set_new(o, "descriptions", json_integer((json_int_t)reg->n_vmsds));
	pc_cli_print_doc(cli, o);
}

static void info_text(struct pc_cli *cli, const char *file,
		      const struct pc_plugin *p, const struct pc_registry *reg)
{
	fprintf(cli->out, "filename:     %s\nname:         %s\nversion:      %s\nplugin-abi:   %u\n",
		file, p->name, p->version, p->abi_version);
	if (p->description)
		fprintf(cli->out, "description:  %s\n", p->description);
	if (p->license)
		fprintf(cli->out, "license:      %s\n", p->license);
	if (p->author)
		fprintf(cli->out, "author:       %s\n", p->author);
	for (size_t t = 0; t < reg->n_types; t++) {
		const struct pc_type *ty = reg->types[t];

		fprintf(cli->out, "type:         %s%s%s (%zu properties%s%s)%s\n",
			ty->name, ty->parent_name ? " : " : "",
			ty->parent_name ? ty->parent_name : "", ty->n_props,
			ty->section ? ", section " : "",
			ty->section ? ty->section : "",
			ty->abstract ? " abstract" : ty->interface ? " interface"
			: ty->internal ? " internal" : "");
	}
	for (size_t v = 0; v < reg->n_vmsds; v++)
		fprintf(cli->out, "description:  %s version %d (minimum %d), %zu fields, %zu subsections\n",
			reg->vmsds[v]->name, reg->vmsds[v]->version_id,
			reg->vmsds[v]->min_version_id, reg->vmsds[v]->n_fields,
			reg->vmsds[v]->n_subsections);
}

static int info_file(struct pc_cli *cli, const char *file)
{
	struct pc_err err = { 0 };
	struct pc_plugin *p;
	struct pc_registry *reg;

	p = pc_plugin_inspect(file, &err);
	if (!p) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	reg = pc_registry_new();
	if (pc_registry_add_plugin(reg, p, file, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_registry_free(reg);
		return PC_EXIT_ERROR;
	}
	if (cli->format == PC_FMT_JSON)
		info_json(cli, file, p, reg);
	else
		info_text(cli, file, p, reg);
	pc_registry_free(reg);
	return PC_EXIT_OK;
}

static const char info_usage[] =
	"usage: plugcheck info PLUGIN [--format json]\n"
	"The plugin's metadata, read from its .plugcheck ELF section with\n"
	"libelf: no plugin code is run.  PLUGIN is a path to its .so, or the\n"
	"name of a plugin or of a device type of the loaded tree.\n";

/* Is 'arg' a file name rather than a plugin or type name? */
static bool names_a_file(const char *arg)
{
	struct stat st;
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 3 && !strcmp(arg + n - 3, ".so")) ||
	       !stat(arg, &st);
}

/* The plugins of 'reg' that are called 'name' or declare a type called
 * so, each once, into paths[] (room for reg->n_plugins) */
static size_t plugins_named(const struct pc_registry *reg, const char *name,
			    const char **paths)
{
	size_t n = 0;

	for (size_t i = 0; i < reg->n_plugins; i++) {
		const struct pc_plugin *p = reg->plugins[i];
		bool hit = !strcmp(p->name, name);

		for (size_t t = 0; !hit && t < reg->n_types; t++)
			hit = reg->types[t]->plugin == p &&
			      !strcmp(reg->types[t]->name, name);
		if (hit)
			paths[n++] = p->path;
	}
	return n;
}

/* info NAME: the path of the one plugin of the tree called NAME or
 * declaring type NAME (declarations only); NULL printed when none or
 * several */
static char *info_resolve(struct pc_cli *cli, const char *name)
{
	struct pc_side tree;
	bool bad = false, was = cli->static_only;
	const char **paths, **names;
	char *found = NULL;
	size_t n, k = 0;

	cli->static_only = true;
	if (pc_cli_load_tree(cli, &tree, &bad)) {
		cli->static_only = was;
		return NULL;
	}
	cli->static_only = was;
	paths = pc_xcalloc(tree.reg->n_plugins + 1, sizeof(*paths));
	n = plugins_named(tree.reg, name, paths);
	if (n == 1) {
		found = pc_xstrdup(paths[0]);
	} else if (n > 1) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		for (size_t i = 0; i < n; i++)
			pc_strbuf_addf(&sb, "%s%s", i ? ", " : "", paths[i]);
		pc_cli_error(cli, "info: '%s' is ambiguous: plugins %s (name one by its path)",
			     name, sb.buf);
		pc_strbuf_release(&sb);
	} else {
		const char *sug;

		names = pc_xcalloc(tree.reg->n_plugins + tree.reg->n_types + 1,
				   sizeof(*names));
		for (size_t i = 0; i < tree.reg->n_plugins; i++)
			names[k++] = tree.reg->plugins[i]->name;
		for (size_t t = 0; t < tree.reg->n_types; t++)
			names[k++] = tree.reg->types[t]->name;
		sug = pc_suggest(name, names, k);
		pc_cli_error(cli, "info: no file, plugin or device type '%s'%s%s%s (see plugcheck list-plugins)",
			     name, sug ? " (did you mean '" : "", sug ? sug : "",
			     sug ? "'?)" : "");
		free(names);
	}
	free(paths);
	pc_side_release(&tree);
	return found;
}

int cmd_info(struct pc_cli *cli, int argc, char **argv)
{
	static const struct pc_opt opts[] = { PC_OPTS_END };
	const char **pos = pc_xcalloc((size_t)argc + 1, sizeof(*pos));
	size_t npos = 0;
	const struct pc_optset set = { "info", opts, pos, &npos, NULL };
	int status;
	char *file;

	if (pc_cli_wants_help(argc, argv)) {
		fputs(info_usage, cli->out);
		free(pos);
		return PC_EXIT_OK;
	}
	if (pc_cli_parse_opts(cli, &set, argc, argv) || npos != 1) {
		if (!cli->describe && npos != 1)
			fputs(info_usage, cli->err);
		free(pos);
		return PC_EXIT_ERROR;
	}
	file = names_a_file(pos[0]) ? pc_xstrdup(pos[0])
				    : info_resolve(cli, pos[0]);
	free(pos);
	status = file ? info_file(cli, file) : PC_EXIT_ERROR;
	free(file);
	return status;
}
