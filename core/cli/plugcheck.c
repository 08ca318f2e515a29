/*
 * plugcheck.c - the command line: global options, verb dispatch, help.
 *
 *   plugcheck [GLOBAL OPTIONS] [VERB] [VERB OPTIONS]
 *
 * Without a verb, plugcheck runs 'check' (the main job:
 * `plugcheck --machine pc-5.1`).  Global options may appear anywhere.
 * Exit statuses are in cli.h; Documentation/plugcheck.1 is the manual.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
#include "resolve.h"
#include "loader.h"
#include "plugcheck/plugin.h"

#include "banned.h"

struct verb {
	const char *name;
	pc_cmd_fn fn;
	const char *summary;
};

#define VERB_ROW(fn, name, summary) { name, fn, summary },
static const struct verb verbs[] = { PC_VERBS(VERB_ROW) };
#undef VERB_ROW

static void usage(FILE *f)
{
	fputs("usage: plugcheck [GLOBAL OPTIONS] [VERB] [OPTIONS]\n\n"
	      "The main job:  plugcheck --machine pc-5.1\n"
	      "  checks the tree against every recorded release that knows the\n"
	      "  machine type, in both directions.\n\nVerbs:\n", f);
	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-14s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\nGlobal options:\n"
	      "  --format FMT           output format: text (default), json, or html\n"
	      "                         (check only: one self-contained page)\n"
	      "  --plugin-dir DIR       also load plugins from DIR (repeatable;\n"
	      "                         PLUGCHECK_PLUGIN_PATH adds more, ':'-separated)\n"
	      "  --no-default-plugins   do not load the default plugin directory\n"
	      "  --machine-dir DIR      machine type descriptors (default: machines/)\n"
	      "  --abi-dir DIR          release baselines and known breaks (default: abi/)\n"
	      "  --allow-world-writable load plugins from world-writable directories\n"
	      "  --max-layout-fields N  bound on a section's resolved fields (default\n"
	      "                         100000; a VM's: 40 N; bytes: 10240 N)\n"
	      "  --cache-dir DIR        registry cache of plugin scans (default:\n"
	      "                         $XDG_CACHE_HOME/plugcheck or ~/.cache/plugcheck)\n"
	      "  --no-cache             scan every plugin, read and write no cache\n"
	      "  -q, --quiet            only errors and the verdict\n"
	      "  -v, --verbose          more detail (repeatable)\n"
	      "  --version, --help\n\n"
	      "Exit status: 0 compatible, 1 incompatible, 2 usage or input error.\n"
	      "See plugcheck VERB --help and plugcheck(1).\n", f);
}

/* The directory holding the running binary, if it is a source tree. */
static char *source_tree(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash, *probe;
	struct stat st;
	bool ok;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	probe = pc_xasprintf("%s/core/cli/plugcheck.c", exe);
	ok = !stat(probe, &st);
	free(probe);
	return ok ? pc_xstrdup(exe) : NULL;
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t l = strlen(name);

	if (!strncmp(argv[*i], name, l) && argv[*i][l] == '=')
		return argv[*i] + l + 1;
	if (!strcmp(argv[*i], name)) {
		if (*i + 1 >= argc)
			return NULL;
		return argv[++*i];
	}
	return NULL;
}

static bool is_opt(const char *arg, const char *name)
{
	size_t l = strlen(name);

	return !strncmp(arg, name, l) && (arg[l] == '\0' || arg[l] == '=');
}

/* What main() collects before the verb runs; freed by globals_release. */
struct globals {
	char **rest;              /* the verb's argv, from rest[1] */
	int nrest;
	const char **dirs;        /* --plugin-dir, then all plugin dirs */
	size_t ndirs;
	bool no_default, no_cache;
	char *default_cache, *tree, *envcopy;
	char *default_plugins, *default_machines, *default_abi;
};

/* The defaults: the source tree's directories when the binary runs from
 * one, else the installed ones. */
static void globals_init(struct globals *g, struct pc_cli *cli, int argc)
{
	memset(g, 0, sizeof(*g));
	g->rest = pc_xcalloc((size_t)argc + 2, sizeof(char *));
	g->nrest = 1;
	g->dirs = pc_xcalloc((size_t)argc + 64, sizeof(char *));
	g->default_cache = pc_cache_default_dir();
	g->tree = source_tree();
	if (g->tree) {
		/* in the source tree itself, name files relative to it */
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, g->tree)) {
			free(g->tree);
			g->tree = pc_xstrdup(".");
		}
		g->default_plugins = pc_xasprintf("%s/plugins", g->tree);
		g->default_machines = pc_xasprintf("%s/machines", g->tree);
		g->default_abi = pc_xasprintf("%s/abi", g->tree);
	} else {
		g->default_plugins = pc_xstrdup(PC_PLUGINDIR);
		g->default_machines = pc_xstrdup(PC_MACHINEDIR);
		g->default_abi = pc_xstrdup(PC_ABIDIR);
	}
	memset(cli, 0, sizeof(*cli));
	cli->out = stdout;
	cli->err = stderr;
	cli->color = isatty(2) && !getenv("NO_COLOR");
	cli->machine_dir = g->default_machines;
	cli->abi_dir = g->default_abi;
}

static void globals_release(struct globals *g)
{
	free(g->rest);
	free(g->dirs);
	free(g->envcopy);
	free(g->tree);
	free(g->default_plugins);
	free(g->default_machines);
	free(g->default_abi);
	free(g->default_cache);
}

/* A global option with a directory: *slot set; -1 (printed) when it has
 * no value, or an empty one and 'nonempty' */
static int dir_opt(struct pc_cli *cli, int argc, char **argv, int *i,
		   const char *name, bool nonempty, const char **slot)
{
	const char *val = opt_value(argc, argv, i, name);

	if (!val || (nonempty && !*val)) {
		pc_cli_error(cli, "%s needs a directory", name);
		return -1;
	}
	*slot = val;
	return 0;
}

/* argv[*i] if it is a global option with a value: 1 taken, 0 not one,
 * -1 error (printed) */
static int value_opt(struct pc_cli *cli, struct globals *g, int argc,
		     char **argv, int *i)
{
	const char *a = argv[*i], *val;

	if (is_opt(a, "--format")) {
		val = opt_value(argc, argv, i, "--format");
		if (val && !strcmp(val, "json")) {
			cli->format = PC_FMT_JSON;
		} else if (val && !strcmp(val, "text")) {
			cli->format = PC_FMT_TEXT;
		} else if (val && !strcmp(val, "html")) {
			cli->format = PC_FMT_HTML;
		} else {
			pc_cli_error(cli, "--format: expected 'text', 'json' or 'html', found '%s'",
				     val ? val : "");
			return -1;
		}
		return 1;
	}
	if (is_opt(a, "--plugin-dir"))
		return dir_opt(cli, argc, argv, i, "--plugin-dir", true,
			       &g->dirs[g->ndirs++]) ? -1 : 1;
	if (is_opt(a, "--machine-dir"))
		return dir_opt(cli, argc, argv, i, "--machine-dir", false,
			       &cli->machine_dir) ? -1 : 1;
	if (is_opt(a, "--abi-dir"))
		return dir_opt(cli, argc, argv, i, "--abi-dir", false,
			       &cli->abi_dir) ? -1 : 1;
	if (is_opt(a, "--max-layout-fields")) {
		uint64_t n;

		val = opt_value(argc, argv, i, "--max-layout-fields");
		if (!val || pc_parse_u64(val, &n) || !n) {
			pc_cli_error(cli, "--max-layout-fields: expected a positive number, found '%s'",
				     val ? val : "");
			return -1;
		}
		pc_resolve_set_field_limit(n);
		return 1;
	}
	if (is_opt(a, "--cache-dir")) {
		g->no_cache = false;
		return dir_opt(cli, argc, argv, i, "--cache-dir", true,
			       &cli->cache_dir) ? -1 : 1;
	}
	return 0;
}

/* argv[i] if it is a global flag: 1 taken, 0 not one */
static int flag_opt(struct pc_cli *cli, struct globals *g, const char *a)
{
	if (!strcmp(a, "--no-cache"))
		g->no_cache = true;
	else if (!strcmp(a, "--no-default-plugins"))
		g->no_default = true;
	else if (!strcmp(a, "--allow-world-writable"))
		cli->allow_unsafe = true;
	else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
		cli->quiet = true;
	else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
		cli->verbose++;
	else
		return 0;
	return 1;
}

/* The global options, anywhere on the line; the rest to g->rest.  0, or
 * 1 with *status when main() is done (--version, --help, an error). */
static int parse_globals(struct pc_cli *cli, struct globals *g, int argc,
			 char **argv, int *status)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = value_opt(cli, g, argc, argv, &i);

		if (r) {
			if (r < 0) {
				*status = PC_EXIT_ERROR;
				return 1;
			}
		} else if (flag_opt(cli, g, a)) {
			continue;
		} else if (!strcmp(a, "--version")) {
			printf("plugcheck %s (plugin ABI %d)\n", PC_VERSION,
			       PLUGCHECK_ABI_VERSION);
			*status = PC_EXIT_OK;
			return 1;
		} else if ((!strcmp(a, "--help") || !strcmp(a, "-h")) && g->nrest == 1) {
			usage(stdout);
			*status = PC_EXIT_OK;
			return 1;
		} else {
			g->rest[g->nrest++] = argv[i];
		}
	}
	return 0;
}

/* plugin directories: the default, PLUGCHECK_PLUGIN_PATH, --plugin-dir */
static void plugin_dirs(struct pc_cli *cli, struct globals *g)
{
	const char **all = pc_xcalloc(g->ndirs + 64, sizeof(char *));
	size_t n = 0;
	const char *env = getenv("PLUGCHECK_PLUGIN_PATH");

	if (!g->no_default)
		all[n++] = g->default_plugins;
	if (env && *env) {
		g->envcopy = pc_xstrdup(env);
		for (char *s = g->envcopy, *c; s && *s && n < 48; s = c) {
			c = strchr(s, ':');
			if (c)
				*c++ = '\0';
			if (*s)
				all[n++] = s;
		}
	}
	for (size_t i = 0; i < g->ndirs; i++)
		all[n++] = g->dirs[i];
	free(g->dirs);
	g->dirs = all;
	cli->plugin_dirs = all;
	cli->n_plugin_dirs = n;
	cli->plugin_dirs_given = g->ndirs > 0;
}

/* The verb named by rest[1]; NULL for none (an option comes first), -1
 * (printed) for an unknown one */
static int find_verb(struct pc_cli *cli, const struct globals *g,
		     const struct verb **v)
{
	const char *names[PC_ARRAY_SIZE(verbs)];
	const char *sug;

	*v = NULL;
	if (g->nrest <= 1)
		return 0;
	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
		if (!strcmp(g->rest[1], verbs[i].name))
			*v = &verbs[i];
	if (*v || g->rest[1][0] == '-')
		return 0;
	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
		names[i] = verbs[i].name;
	sug = pc_suggest(g->rest[1], names, PC_ARRAY_SIZE(verbs));
	pc_cli_error(cli, "unknown verb '%s'%s%s%s (see plugcheck --help)",
		     g->rest[1], sug ? " (did you mean '" : "",
		     sug ? sug : "", sug ? "'?)" : "");
	return -1;
}

/* Run verb 'v' (NULL: the main job, 'check') with the loader up. */
static int run_verb(struct pc_cli *cli, struct globals *g,
		    const struct verb *v)
{
	struct pc_err err = { 0 };
	int status;

	if (!v && g->nrest == 1) {
		usage(stderr);
		return PC_EXIT_ERROR;
	}
	if (cli->format == PC_FMT_HTML && v && v->fn != cmd_check) {
		pc_cli_error(cli, "--format html: only check writes an HTML report (the main job, a pair, a chain, --matrix, --release-matrix); %s writes text or json",
			     v->name);
		return PC_EXIT_ERROR;
	}
	if (pc_loader_init(&err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	if (!v) {
		/* no verb: the main job */
		g->rest[0] = (char *)(uintptr_t)"check";
		status = verbs[0].fn(cli, g->nrest, g->rest);
	} else {
		status = v->fn(cli, g->nrest - 1, g->rest + 1);
	}
	pc_loader_exit();
	return status;
}

int main(int argc, char **argv)
{
	struct pc_cli cli;
	struct globals g;
	const struct verb *v;
	int status;

	globals_init(&g, &cli, argc);
	if (!parse_globals(&cli, &g, argc, argv, &status)) {
		if (g.no_cache)
			cli.cache_dir = NULL;
		else if (!cli.cache_dir)
			cli.cache_dir = g.default_cache;
		plugin_dirs(&cli, &g);
		status = find_verb(&cli, &g, &v) ? PC_EXIT_ERROR
						 : run_verb(&cli, &g, v);
	}
	fflush(stdout);
	globals_release(&g);
	return status;
}
