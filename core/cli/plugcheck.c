/*
 * plugcheck.c - the command line: global options, verb dispatch, help.
 *
 *   plugcheck [GLOBAL OPTIONS] [VERB] [VERB OPTIONS]
 *
 * Without a verb, plugcheck runs 'check' (the main job:
 * `plugcheck --machine pc-5.1`).  Global options may appear anywhere
 * (opts.c parses them with each verb's options); `help VERB` is `VERB
 * --help`; `__complete WORD...` is the shell completion helper
 * (complete.c).
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
#include "complete.h"
#include "opts.h"
#include "resolve.h"
#include "loader.h"
#include "report-ci.h"
#include "plugcheck/plugin.h"

#include "banned.h"

#define VERB_ROW(fn, name, summary) { name, fn, summary },
static const struct pc_cli_verb verbs[] = { PC_VERBS(VERB_ROW) };
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
	      "  --format FORMAT        text (default), json; for the verbs that report\n"
	      "                         findings also sarif, junit, github, gnu; for\n"
	      "                         check also html (one self-contained page)\n"	      "  --plugin-dir DIR       also load plugins from DIR (repeatable;\n"
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
	      "  --color=auto|always|never  colour verdicts and severities (default\n"
	      "                         auto: on a terminal, unless NO_COLOR is set)\n"
	      "  -q, --quiet            only errors and the verdict\n"
	      "  -v, --verbose          more detail (repeatable)\n"
	      "  --version, --help\n\n"
	      "Options: --opt=value or --opt value, unambiguous prefixes, -qv,\n"
	      "'--' ends them.  plugcheck help VERB is plugcheck VERB --help.\n\n"
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

/* The defaults: the source tree's directories when the binary runs from
 * one, else the installed ones. */
static void globals_init(struct pc_cli_globals *g, struct pc_cli *cli,
			 int argc)
{
	memset(g, 0, sizeof(*g));
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
	/* until the options settle it (pc_cli_globals_settle()) */
	cli->color = isatty(2) && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	cli->machine_dir = g->default_machines;
	cli->abi_dir = g->default_abi;
	cli->globals = g;
}

static void globals_release(struct pc_cli_globals *g)
{
	free(g->dirs);
	free(g->envcopy);
	free(g->tree);
	free(g->default_plugins);
	free(g->default_machines);
	free(g->default_abi);
	free(g->default_cache);
}


/*
 * Where the verb is in argv: the first argument that is neither a global
 * option nor its value.  0 when that is another option (the main job's:
 * `plugcheck --machine pc-5.1`), -1 when there is none; *help when
 * --help or -h comes before it.
 */
static int verb_index(int argc, char **argv, bool *help)
{
	*help = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int span;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			*help = true;
			continue;
		}
		if (!strcmp(a, "--"))
			return -1;
		if (a[0] != '-' || !a[1])
			return i;
		span = pc_cli_global_span(a);
		if (!span)
			return 0;
		i += span - 1;
	}
	return -1;
}

/* The verb called 'name'; NULL (printed, with the closest name) for an
 * unknown one */
static const struct pc_cli_verb *find_verb(struct pc_cli *cli,
					   const char *name)
{
	const char *names[PC_ARRAY_SIZE(verbs)];
	const char *sug;

	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++) {
		if (!strcmp(name, verbs[i].name))
			return &verbs[i];
		names[i] = verbs[i].name;
	}
	sug = pc_suggest(name, names, PC_ARRAY_SIZE(verbs));
	pc_cli_error(cli, "unknown verb '%s'%s%s%s (see plugcheck --help)",
		     name, sug ? " (did you mean '" : "",
		     sug ? sug : "", sug ? "'?)" : "");
	return NULL;
}

/* `plugcheck help [VERB]`: the same text as `plugcheck VERB --help` */
static int help_verb(struct pc_cli *cli, int argc, char **argv)
{
	const struct pc_cli_verb *v;
	const char *name = NULL;
	char *args[3];

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		if (name) {
			pc_cli_error(cli, "help: one verb at most (see plugcheck --help)");
			return PC_EXIT_ERROR;
		}
		name = argv[i];
	}
	if (!name) {
		usage(cli->out);
		return PC_EXIT_OK;
	}
	v = find_verb(cli, name);
	if (!v)
		return PC_EXIT_ERROR;
	args[0] = (char *)(uintptr_t)name;
	args[1] = (char *)(uintptr_t)"--help";
	args[2] = NULL;
	return v->fn(cli, 2, args);
}

/* Run verb 'v' on 'args' (args[0]: its name) with the loader up. */
static int run_verb(struct pc_cli *cli, const struct pc_cli_verb *v,
		    int n, char **args)
{
	struct pc_err err = { 0 };
	int status;

	if (pc_cli_progress_start(cli))
		return PC_EXIT_ERROR;
	if (pc_loader_init(&err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_cli_progress_stop(cli);
		return PC_EXIT_ERROR;
	}
	status = v->fn(cli, n, args);
	pc_cli_progress_stop(cli);
	pc_loader_exit();
	return status;
}

/* argv without its verb (at 'vi', 0: none, the main job), the verb's
 * name first; its length in *n */
static char **verb_args(int argc, char **argv, int vi, const char *name,
			int *n)
{
	char **args = pc_xcalloc((size_t)argc + 2, sizeof(char *));

	*n = 0;
	args[(*n)++] = (char *)(uintptr_t)name;
	for (int i = 1; i < argc; i++)
		if (i != vi)
			args[(*n)++] = argv[i];
	return args;
}

/* --version anywhere before "--" */
static bool wants_version(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--version"))
			return true;
	return false;
}

/* The verb (or help, or the completion helper) argv names, run. */
static int dispatch(struct pc_cli *cli, int argc, char **argv)
{
	const struct pc_cli_verb *v = &verbs[0];
	const char *name = v->name;
	bool help;
	int vi = verb_index(argc, argv, &help), n, status;
	char **args;

	if (help || vi < 0) {
		usage(help ? stdout : stderr);
		return help ? PC_EXIT_OK : PC_EXIT_ERROR;
	}
	if (vi > 0) {
		name = argv[vi];
		if (!strcmp(name, "__complete"))
			return pc_cli_complete(cli, verbs, PC_ARRAY_SIZE(verbs),
					       argc - vi - 1, argv + vi + 1);
		v = strcmp(name, "help") ? find_verb(cli, name) : NULL;
		if (!v && strcmp(name, "help"))
			return PC_EXIT_ERROR;
	}
	args = verb_args(argc, argv, vi, name, &n);
	status = v ? run_verb(cli, v, n, args) : help_verb(cli, n, args);
	free(args);
	return status;
}

int main(int argc, char **argv)
{
	struct pc_cli cli;
	struct pc_cli_globals g;
	int status;

	globals_init(&g, &cli, argc);
	if (wants_version(argc, argv)) {
		printf("plugcheck %s (plugin ABI %d)\n", PC_VERSION,
		       PLUGCHECK_ABI_VERSION);
		status = PC_EXIT_OK;
	} else {
		status = dispatch(&cli, argc, argv);
	}
	pc_cli_color_end(&cli);
	fflush(stdout);
	globals_release(&g);
	return status;
}
