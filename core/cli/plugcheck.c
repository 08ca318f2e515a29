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
#include "loader.h"
#include "plugcheck/plugin.h"

#include "banned.h"

struct verb {
	const char *name;
	pc_cmd_fn fn;
	const char *summary;
};

static const struct verb verbs[] = {
	{ "check", cmd_check, "check migration compatibility (the default verb)" },
	{ "list-machines", cmd_list_machines, "list the machine types" },
	{ "list-plugins", cmd_list_plugins, "list the loaded plugins and their types" },
	{ "info", cmd_info, "show a plugin's metadata without running its code" },
	{ "props", cmd_props, "effective properties with provenance" },
	{ "dump-abi", cmd_dump_abi, "record a release baseline into abi/" },
	{ "suggest", cmd_suggest, "overrides and compat lines that fix a pair" },
	{ "lint", cmd_lint, "find compat and layout mistakes in the tree" },
	{ "baseline", cmd_baseline, "host-feature intersection for a set of hosts" },
	{ "migrate", cmd_migrate, "run a real migration stream between two processes" },
	{ "qemu-diff", cmd_qemu_diff, "compare two QEMU -dump-vmstate files" },
	{ "dump-vmstate", cmd_dump_vmstate, "write a side in QEMU's -dump-vmstate format" },
};

static void usage(FILE *f)
{
	fputs("usage: plugcheck [GLOBAL OPTIONS] [VERB] [OPTIONS]\n\n"
	      "The main job:  plugcheck --machine pc-5.1\n"
	      "  checks the tree against every recorded release that knows the\n"
	      "  machine type, in both directions.\n\nVerbs:\n", f);
	for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-14s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\nGlobal options:\n"
	      "  --format text|json     output format (default text)\n"
	      "  --plugin-dir DIR       also load plugins from DIR (repeatable;\n"
	      "                         PLUGCHECK_PLUGIN_PATH adds more, ':'-separated)\n"
	      "  --no-default-plugins   do not load the default plugin directory\n"
	      "  --machine-dir DIR      machine type descriptors (default: machines/)\n"
	      "  --abi-dir DIR          release baselines and known breaks (default: abi/)\n"
	      "  --allow-world-writable load plugins from world-writable directories\n"
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

int main(int argc, char **argv)
{
	struct pc_cli cli;
	char **rest = pc_xcalloc((size_t)argc + 2, sizeof(char *));
	int nrest = 1;
	const char **dirs = pc_xcalloc((size_t)argc + 64, sizeof(char *));
	size_t ndirs = 0;
	bool no_default = false, no_cache = false;
	char *default_cache = pc_cache_default_dir();
	char *tree = source_tree();
	char *default_plugins, *default_machines, *default_abi;
	char *envcopy = NULL;
	const struct verb *v = NULL;
	int status;
	struct pc_err err = { 0 };

	memset(&cli, 0, sizeof(cli));
	cli.out = stdout;
	cli.err = stderr;
	cli.color = isatty(2) && !getenv("NO_COLOR");
	if (tree) {
		/* in the source tree itself, name files relative to it */
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, tree)) {
			free(tree);
			tree = pc_xstrdup(".");
		}
		default_plugins = pc_xasprintf("%s/plugins", tree);
		default_machines = pc_xasprintf("%s/machines", tree);
		default_abi = pc_xasprintf("%s/abi", tree);
	} else {
		default_plugins = pc_xstrdup(PC_PLUGINDIR);
		default_machines = pc_xstrdup(PC_MACHINEDIR);
		default_abi = pc_xstrdup(PC_ABIDIR);
	}
	cli.machine_dir = default_machines;
	cli.abi_dir = default_abi;
	rest[0] = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;

		if (is_opt(a, "--format")) {
			val = opt_value(argc, argv, &i, "--format");
			if (val && !strcmp(val, "json"))
				cli.format = PC_FMT_JSON;
			else if (val && !strcmp(val, "text"))
				cli.format = PC_FMT_TEXT;
			else {
				pc_cli_error(&cli, "--format: expected 'text' or 'json', found '%s'",
					     val ? val : "");
				status = PC_EXIT_ERROR;
				goto out;
			}
		} else if (is_opt(a, "--plugin-dir")) {
			val = opt_value(argc, argv, &i, "--plugin-dir");
			if (!val || !*val) {
				pc_cli_error(&cli, "--plugin-dir needs a directory");
				status = PC_EXIT_ERROR;
				goto out;
			}
			dirs[ndirs++] = val;
		} else if (is_opt(a, "--machine-dir")) {
			val = opt_value(argc, argv, &i, "--machine-dir");
			if (!val) {
				pc_cli_error(&cli, "--machine-dir needs a directory");
				status = PC_EXIT_ERROR;
				goto out;
			}
			cli.machine_dir = val;
		} else if (is_opt(a, "--abi-dir")) {
			val = opt_value(argc, argv, &i, "--abi-dir");
			if (!val) {
				pc_cli_error(&cli, "--abi-dir needs a directory");
				status = PC_EXIT_ERROR;
				goto out;
			}
			cli.abi_dir = val;
		} else if (is_opt(a, "--cache-dir")) {
			val = opt_value(argc, argv, &i, "--cache-dir");
			if (!val || !*val) {
				pc_cli_error(&cli, "--cache-dir needs a directory");
				status = PC_EXIT_ERROR;
				goto out;
			}
			cli.cache_dir = val;
			no_cache = false;
		} else if (!strcmp(a, "--no-cache")) {
			no_cache = true;
		} else if (!strcmp(a, "--no-default-plugins")) {
			no_default = true;
		} else if (!strcmp(a, "--allow-world-writable")) {
			cli.allow_unsafe = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli.quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			cli.verbose++;
		} else if (!strcmp(a, "--version")) {
			printf("plugcheck %s (plugin ABI %d)\n", PC_VERSION,
			       PLUGCHECK_ABI_VERSION);
			status = PC_EXIT_OK;
			goto out;
		} else if ((!strcmp(a, "--help") || !strcmp(a, "-h")) && nrest == 1) {
			usage(stdout);
			status = PC_EXIT_OK;
			goto out;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	if (no_cache)
		cli.cache_dir = NULL;
	else if (!cli.cache_dir)
		cli.cache_dir = default_cache;
	/* plugin directories: the default, PLUGCHECK_PLUGIN_PATH, --plugin-dir */
	{
		const char **all = pc_xcalloc(ndirs + 64, sizeof(char *));
		size_t n = 0;
		const char *env = getenv("PLUGCHECK_PLUGIN_PATH");

		if (!no_default)
			all[n++] = default_plugins;
		if (env && *env) {
			envcopy = pc_xstrdup(env);
			for (char *s = envcopy, *c; s && *s && n < 48; s = c) {
				c = strchr(s, ':');
				if (c)
					*c++ = '\0';
				if (*s)
					all[n++] = s;
			}
		}
		for (size_t i = 0; i < ndirs; i++)
			all[n++] = dirs[i];
		free(dirs);
		dirs = all;
		cli.plugin_dirs = all;
		cli.n_plugin_dirs = n;
		cli.plugin_dirs_given = ndirs > 0;
	}
	if (nrest > 1) {
		for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
			if (!strcmp(rest[1], verbs[i].name))
				v = &verbs[i];
		if (!v && rest[1][0] != '-') {
			const char *names[PC_ARRAY_SIZE(verbs)];
			const char *sug;

			for (size_t i = 0; i < PC_ARRAY_SIZE(verbs); i++)
				names[i] = verbs[i].name;
			sug = pc_suggest(rest[1], names, PC_ARRAY_SIZE(verbs));
			pc_cli_error(&cli, "unknown verb '%s'%s%s%s (see plugcheck --help)",
				     rest[1], sug ? " (did you mean '" : "",
				     sug ? sug : "", sug ? "'?)" : "");
			status = PC_EXIT_ERROR;
			goto out;
		}
	}
	if (!v) {
		/* no verb: the main job, 'check' */
		v = &verbs[0];
		rest[0] = (char *)(uintptr_t)"check";
		status = PC_EXIT_ERROR;
		if (nrest == 1) {
			usage(stderr);
			goto out;
		}
		if (pc_loader_init(&err)) {
			pc_cli_error(&cli, "%s", err.msg);
			goto out;
		}
		status = v->fn(&cli, nrest, rest);
	} else {
		if (pc_loader_init(&err)) {
			pc_cli_error(&cli, "%s", err.msg);
			status = PC_EXIT_ERROR;
			goto out;
		}
		status = v->fn(&cli, nrest - 1, rest + 1);
	}
	pc_loader_exit();
out:
	fflush(stdout);
	free(rest);
	free(dirs);
	free(envcopy);
	free(tree);
	free(default_plugins);
	free(default_machines);
	free(default_abi);
	free(default_cache);
	return status;
}
