/*
 * opts.c - the option parser of every verb: glibc's getopt_long over one
 * array built from the verb's table (struct pc_opt, cmd.h) and the global
 * options, so "--opt=value", "--opt value", "--" ending the options,
 * bundled short options (-qv, -vv) and unambiguous prefixes work alike
 * everywhere; a misspelt or ambiguous name is refused with the closest
 * names.  The global options are settled here once the verb's options
 * are read (plugin directories, cache, colour).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "resolve.h"

#include "banned.h"

/* getopt_long values: the global options from G_BASE, the verb's rows
 * from V_BASE (V_BASE + row index) */
enum {
	G_BASE = 0x1000,
	G_FORMAT = G_BASE, G_PLUGIN_DIR, G_NO_DEFAULT, G_MACHINE_DIR,
	G_ABI_DIR, G_ALLOW_WW, G_MAX_FIELDS, G_CACHE_DIR, G_NO_CACHE,
	G_COLOR, G_QUIET, G_VERBOSE,
	V_BASE = 0x2000,
};

/* in G_* order */
const struct pc_optdesc pc_global_opts[] = {
	{ "format", true },
	{ "plugin-dir", true },
	{ "no-default-plugins", false },
	{ "machine-dir", true },
	{ "abi-dir", true },
	{ "allow-world-writable", false },
	{ "max-layout-fields", true },
	{ "cache-dir", true },
	{ "no-cache", false },
	{ "color", true },
	{ "quiet", false },
	{ "verbose", false },
	{ NULL, false },
};

/* in enum pc_format order */
const char *const pc_format_names[] = { "text", "json", "sarif", "junit",
					"github", "gnu", "html", NULL };

static const char *const color_names[] = { "auto", "always", "never", NULL };

#define N_GLOBAL (PC_ARRAY_SIZE(pc_global_opts) - 1)

/* the rows whose names 'word' (up to its '=') is a prefix of; *exact
 * set when one is the whole name */
static size_t prefix_matches(const char *const *names, size_t n,
			     const char *word, bool *exact, size_t *first)
{
	size_t len = strcspn(word, "="), count = 0;

	*exact = false;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(names[i], word, len))
			continue;
		if (!names[i][len]) {
			*exact = true;
			*first = i;
			return 1;
		}
		if (!count++)
			*first = i;
	}
	return count;
}

int pc_cli_global_find(const char *arg)
{
	const char *names[N_GLOBAL];
	bool exact;
	size_t first = 0;

	if (strncmp(arg, "--", 2) || !arg[2])
		return -1;
	for (size_t i = 0; i < N_GLOBAL; i++)
		names[i] = pc_global_opts[i].name;
	if (prefix_matches(names, N_GLOBAL, arg + 2, &exact, &first) != 1)
		return -1;
	return (int)first;
}

int pc_cli_global_span(const char *arg)
{
	int g;

	if (arg[0] == '-' && arg[1] && arg[1] != '-')
		return strspn(arg + 1, "qv") == strlen(arg + 1) ? 1 : 0;
	g = pc_cli_global_find(arg);
	/* spelt in full: a prefix may be a verb's option too (--machine) */
	if (g < 0 || strncmp(arg + 2, pc_global_opts[g].name,
			     strlen(pc_global_opts[g].name)) ||
	    (arg[2 + strlen(pc_global_opts[g].name)] &&
	     arg[2 + strlen(pc_global_opts[g].name)] != '='))
		return 0;
	return pc_global_opts[g].takes_value && !strchr(arg, '=') ? 2 : 1;
}

static int one_of(struct pc_cli *cli, const char *opt, const char *val,
		  const char *const *names, const char *expected)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(val, names[i]))
			return i;
	pc_cli_error(cli, "--%s: expected %s, found '%s'", opt, expected, val);
	return -1;
}

/* a global option with a directory; an empty value refused when
 * 'nonempty' */
static int dir_opt(struct pc_cli *cli, const char *name, const char *val,
		   bool nonempty, const char **slot)
{
	if (nonempty && !*val) {
		pc_cli_error(cli, "--%s needs a directory", name);
		return -1;
	}
	*slot = val;
	return 0;
}

/* global option 'c' with its value (NULL for a flag): 0, or -1 printed */
static int global_opt(struct pc_cli *cli, int c, const char *val)
{
	struct pc_cli_globals *g = cli->globals;
	uint64_t n;
	int i;

	switch (c) {
	case G_FORMAT:
		i = one_of(cli, "format", val, pc_format_names,
			   "'text', 'json', 'sarif', 'junit', 'github', 'gnu' or 'html'");
		if (i < 0)
			return -1;
		cli->format = (enum pc_format)i;
		return 0;
	case G_COLOR:
		i = one_of(cli, "color", val, color_names,
			   "'auto', 'always' or 'never'");
		if (i < 0)
			return -1;
		g->color = (enum pc_color_mode)i;
		return 0;
	case G_PLUGIN_DIR:
		return dir_opt(cli, "plugin-dir", val, true, &g->dirs[g->ndirs++]);
	case G_MACHINE_DIR:
		return dir_opt(cli, "machine-dir", val, false, &cli->machine_dir);
	case G_ABI_DIR:
		return dir_opt(cli, "abi-dir", val, false, &cli->abi_dir);
	case G_CACHE_DIR:
		g->no_cache = false;
		return dir_opt(cli, "cache-dir", val, true, &cli->cache_dir);
	case G_MAX_FIELDS:
		if (pc_parse_u64(val, &n) || !n) {
			pc_cli_error(cli, "--max-layout-fields: expected a positive number, found '%s'",
				     val);
			return -1;
		}
		pc_resolve_set_field_limit(n);
		return 0;
	case G_NO_CACHE:
		g->no_cache = true;
		return 0;
	case G_NO_DEFAULT:
		g->no_default = true;
		return 0;
	case G_ALLOW_WW:
		cli->allow_unsafe = true;
		return 0;
	case 'q':
	case G_QUIET:
		cli->quiet = true;
		return 0;
	case 'v':
	case G_VERBOSE:
		cli->verbose++;
		return 0;
	default:
		return -1;
	}
}

/* plugin directories: the default, PLUGCHECK_PLUGIN_PATH, --plugin-dir */
static void plugin_dirs(struct pc_cli *cli, struct pc_cli_globals *g)
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

void pc_cli_globals_settle(struct pc_cli *cli)
{
	struct pc_cli_globals *g = cli->globals;
	const char *nc = getenv("NO_COLOR");
	bool no_color = nc && *nc;

	if (!g || g->settled)
		return;
	g->settled = true;
	if (g->no_cache)
		cli->cache_dir = NULL;
	else if (!cli->cache_dir)
		cli->cache_dir = g->default_cache;
	plugin_dirs(cli, g);
	/* https://no-color.org: NO_COLOR set and non-empty, no colour
	 * unless asked for; machine formats never */
	cli->color = g->color == PC_COLOR_ALWAYS ||
		     (g->color == PC_COLOR_AUTO && !no_color && isatty(2));
	cli->color_out = cli->format == PC_FMT_TEXT &&
			 (g->color == PC_COLOR_ALWAYS ||
			  (g->color == PC_COLOR_AUTO && !no_color && isatty(1)));
	if (cli->color_out)
		pc_cli_color_begin(cli);
}

/* the getopt_long array: the verb's rows, then the global options */
static struct option *long_options(const struct pc_opt *opts, size_t *nv)
{
	size_t n = 0;
	struct option *lo;

	while (opts && opts[n].name)
		n++;
	lo = pc_xcalloc(n + N_GLOBAL + 1, sizeof(*lo));
	for (size_t i = 0; i < n; i++) {
		lo[i].name = opts[i].name + 2; /* "--name" */
		lo[i].has_arg = opts[i].type == PC_OPT_FLAG ? no_argument
							     : required_argument;
		lo[i].val = V_BASE + (int)i;
	}
	for (size_t i = 0; i < N_GLOBAL; i++) {
		lo[n + i].name = pc_global_opts[i].name;
		lo[n + i].has_arg = pc_global_opts[i].takes_value
					    ? required_argument : no_argument;
		lo[n + i].val = G_BASE + (int)i;
	}
	*nv = n;
	return lo;
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

/* '--word' matches no name or several: say which were meant */
static int unknown_long(struct pc_cli *cli, const struct pc_optset *set,
			const struct option *lo, const char *arg)
{
	size_t n = 0, first = 0, len = strcspn(arg, "=");
	const char **names;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char *word = pc_xstrndup(arg, len);
	bool exact;
	size_t count;

	while (lo[n].name)
		n++;
	names = pc_xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = pc_xasprintf("--%s", lo[i].name);
	count = prefix_matches(names, n, word, &exact, &first);
	if (count > 1) {
		for (size_t i = 0; i < n; i++)
			if (!strncmp(names[i], word, len))
				pc_strbuf_addsep(&sb, ", ", names[i]);
		pc_cli_error(cli, "%s: option '%s' is ambiguous: %s (see plugcheck %s --help)",
			     set->verb, word, sb.buf, set->verb);
	} else {
		const char *sug = pc_suggest(word, names, n);

		if (sug)
			pc_strbuf_addf(&sb, " (did you mean '%s'?)", sug);
		if (set->bad_fmt)
			pc_cli_error(cli, set->bad_fmt, arg);
		else
			pc_cli_error(cli, "%s: unknown option '%s'%s (see plugcheck %s --help)",
				     set->verb, word, sb.buf, set->verb);
		if (set->bad_fmt && sug)
			pc_cli_error(cli, "%s: did you mean '%s'?", set->verb, sug);
	}
	pc_strbuf_release(&sb);
	for (size_t i = 0; i < n; i++)
		free((char *)(uintptr_t)names[i]);
	free(names);
	free(word);
	return PC_OPT_UNKNOWN;
}

/* a verb's row 'o' with its value (NULL for a flag) */
static int verb_opt(struct pc_cli *cli, const struct pc_opt *o,
		    const char *val)
{
	switch (o->type) {
	case PC_OPT_FLAG:
		*(bool *)o->dest = true;
		break;
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
	}
	return 0;
}

/* getopt_long's '?' or ':' for argument 'arg' (optopt: the option's
 * value for a known name, the character for a short one, else 0) */
static int bad_option(struct pc_cli *cli, const struct pc_optset *set,
		      const struct option *lo, size_t nv, int c,
		      const char *arg)
{
	const struct pc_opt *vo = optopt >= V_BASE && (size_t)(optopt - V_BASE) < nv
					  ? &set->opts[optopt - V_BASE] : NULL;
	char *name = vo ? pc_xstrdup(vo->name)
		     : optopt >= G_BASE && optopt < V_BASE
		     ? pc_xasprintf("--%s", pc_global_opts[optopt - G_BASE].name)
		     : NULL;
	char shortopt[3] = { '-', (char)optopt, '\0' };
	int r;

	if (c == ':' && (!vo || vo->what || !set->bad_fmt)) {
		pc_cli_error(cli, "%s: option '%s' needs %s", set->verb, name,
			     vo && vo->what ? vo->what : "a value");
		r = PC_OPT_ERR;
	} else if (c == ':') {
		r = opt_error(cli, set, PC_OPT_ERR, arg, NULL, NULL);
	} else if (name) {
		r = opt_error(cli, set, PC_OPT_ERR, arg,
			      "%s: option '%s' takes no value", name);
	} else if (optopt) {
		r = opt_error(cli, set, PC_OPT_UNKNOWN, shortopt,
			      "%s: unknown option '%s' (see plugcheck %s --help)",
			      shortopt);
	} else {
		r = unknown_long(cli, set, lo, arg);
	}
	free(name);
	return r;
}

/* completion: the verb's table described, nothing parsed */
static int describe(struct pc_cli *cli, const struct pc_optset *set)
{
	struct pc_cli_describe *d = cli->describe;
	size_t n = 0;

	while (set->opts && set->opts[n].name)
		n++;
	d->opts = pc_xcalloc(n + 1, sizeof(*d->opts));
	for (size_t i = 0; i < n; i++) {
		d->opts[i].name = set->opts[i].name + 2;
		d->opts[i].takes_value = set->opts[i].type != PC_OPT_FLAG;
	}
	d->n = n;
	d->positional = set->pos != NULL;
	d->seen = true;
	return PC_OPT_ERR;
}

/* a non-option argument: a positional one, or refused */
static int positional(struct pc_cli *cli, const struct pc_optset *set,
		      const char *a)
{
	if (!set->pos)
		return opt_error(cli, set, PC_OPT_ERR, a,
				 "%s: unexpected argument '%s'", a);
	set->pos[(*set->npos)++] = a;
	return 0;
}

/* The verbs whose findings the CI formats render (report-ci.h). */
static bool reports_findings(const char *verb)
{
	static const char *const names[] = { "check", "lint", "qemu-diff",
					     "suggest", "baseline" };

	for (size_t i = 0; i < PC_ARRAY_SIZE(names); i++)
		if (verb && !strcmp(verb, names[i]))
			return true;
	return false;
}

int pc_cli_parse_opts(struct pc_cli *cli, const struct pc_optset *set,
		      int argc, char **argv)
{
	struct option *lo;
	size_t nv;
	int c, r = 0;

	if (cli->describe)
		return describe(cli, set);
	if (set->npos)
		*set->npos = 0;
	lo = long_options(set->opts, &nv);
	/* '-': arguments in order (code 1), no reordering of argv; ':': no
	 * messages of getopt's own, ':' for a missing value */
	optind = 0;
	opterr = 0;
	while (!r && (c = getopt_long(argc, argv, "-:qv", lo, NULL)) != -1) {
		const char *arg = argv[optind - 1];

		if (c == 1)
			r = positional(cli, set, optarg);
		else if (c == '?' || c == ':')
			r = bad_option(cli, set, lo, nv, c, arg);
		else if (c >= V_BASE)
			r = verb_opt(cli, &set->opts[c - V_BASE], optarg);
		else if (global_opt(cli, c, optarg))
			r = PC_OPT_ERR;
	}
	/* after "--": every argument is positional */
	for (int i = optind; !r && i > 0 && i < argc; i++)
		r = positional(cli, set, argv[i]);
	free(lo);
	/* a global --format may come after the verb: judged once parsed */
	if (!r && pc_cli_ci_format(cli) && !reports_findings(set->verb)) {
		pc_cli_error(cli, "--format %s: %s reports no findings (use --format text or json)",
			     pc_format_names[cli->format], set->verb);
		r = PC_OPT_ERR;
	}
	if (!r && cli->format == PC_FMT_HTML &&
	    (!set->verb || strcmp(set->verb, "check"))) {
		pc_cli_error(cli, "--format html: only check writes an HTML report (the main job, a pair, a chain, --matrix, --release-matrix); %s writes text or json",
			     set->verb ? set->verb : "this verb");
		r = PC_OPT_ERR;
	}
	if (!r)
		pc_cli_globals_settle(cli);
	return r;
}
