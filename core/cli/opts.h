/*
 * opts.h - the global options (plugcheck.c collects their defaults,
 * opts.c parses them with every verb's own table through getopt_long,
 * then settles them: plugin directories, cache, colour), and the option
 * description a verb's table gives for shell completion (complete.c).
 * CLI only.
 */
#ifndef PC_OPTS_H
#define PC_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

enum pc_color_mode { PC_COLOR_AUTO, PC_COLOR_ALWAYS, PC_COLOR_NEVER };

/* What the global options collect before the verb runs (plugcheck.c
 * fills the defaults and frees it; opts.c sets it from the options). */
struct pc_cli_globals {
	const char **dirs;        /* --plugin-dir, then all plugin dirs */
	size_t ndirs;
	bool no_default, no_cache;
	bool settled;             /* pc_cli_globals_settle() ran */
	enum pc_color_mode color;
	char *default_cache, *tree, *envcopy;
	char *default_plugins, *default_machines, *default_abi;
};

/* One option of a table or of the global options: name without "--". */
struct pc_optdesc {
	const char *name;
	bool takes_value;
};

/* pc_cli_parse_opts() with cli->describe set fills this from the verb's
 * table instead of parsing (and returns PC_OPT_ERR, so the verb stops
 * before it does anything). */
struct pc_cli_describe {
	struct pc_optdesc *opts;  /* the verb's options (its table's rows) */
	size_t n;
	bool positional;          /* the verb takes arguments */
	bool seen;                /* the verb reached its option table */
};

/* The global options, in `plugcheck --help` order (end: NULL name). */
extern const struct pc_optdesc pc_global_opts[];

/* The --format names, in order (NULL-terminated). */
extern const char *const pc_format_names[];

/* 'arg' before the verb: how many arguments a global option there takes
 * (1 alone, 2 with its value), 0 when it is not one.  Spelt in full:
 * a prefix ("--machine" of --machine-dir) may be the main job's option,
 * which check's parser (getopt_long, globals included) then reads. */
int pc_cli_global_span(const char *arg);

/* The global option "--NAME" (or an unambiguous prefix; "=VALUE" may
 * follow) names: its index in pc_global_opts, or -1. */
int pc_cli_global_find(const char *arg);

/* After the options are read: the plugin directories (default,
 * PLUGCHECK_PLUGIN_PATH, --plugin-dir), the cache directory and the
 * colour of both streams (--color, NO_COLOR, a terminal).  Once. */
void pc_cli_globals_settle(struct pc_cli *cli);

/* Colour on cli->out: every line passes through a filter that paints
 * verdict words and severities (color.c); pc_cli_color_end() flushes
 * and restores the plain stream. */
void pc_cli_color_begin(struct pc_cli *cli);
void pc_cli_color_end(struct pc_cli *cli);

/* Paint one text line (no newline) into 'sb' (color.c; for tests and
 * the filter). */
void pc_cli_color_line(const char *line, size_t len, struct pc_strbuf *sb);

#endif /* PC_OPTS_H */
