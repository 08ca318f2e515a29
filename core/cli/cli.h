/*
 * cli.h - what the plugcheck command's verbs share: global options, output
 * streams, exit statuses and printing helpers.  Only the CLI (plugcheck.c
 * and cmd-*.c, in core/cli/) uses this; the library never prints.
 *
 * Exit statuses: 0 compatible / success, 1 incompatibility found, 2 usage
 * or input error.  2 wins: a verdict over incomplete input is no verdict.
 */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"
#include "util.h"

#define PC_EXIT_OK 0
#define PC_EXIT_INCOMPATIBLE 1
#define PC_EXIT_ERROR 2

/* --format: text, json, and the CI formats (report-ci.h: sarif, junit,
 * github, gnu; for the verbs that report findings), and html (report-html.c;
 * check only) */
enum pc_format {
	PC_FMT_TEXT, PC_FMT_JSON,
	PC_FMT_SARIF, PC_FMT_JUNIT, PC_FMT_GITHUB, PC_FMT_GNU, PC_FMT_HTML,
};

struct pc_ci_totals;

struct pc_cli {
	enum pc_format format;
	int verbose;
	bool quiet;
	bool color;               /* paint error:/warning: on err */
	bool color_out;           /* paint verdicts and severities on out */
	const char **plugin_dirs; /* --plugin-dir, then PLUGCHECK_PLUGIN_PATH */
	size_t n_plugin_dirs;
	bool plugin_dirs_given;   /* explicitly given (else the default dir) */
	const char *machine_dir;
	const char *abi_dir;
	const char *cache_dir;    /* registry cache; NULL = no cache */
	bool allow_unsafe;        /* --allow-world-writable */
	bool static_only;         /* read declarations only, run no plugin code */
	bool need_hooks;          /* load plugin code into this process (migrate) */
	FILE *out;
	FILE *err;
	FILE *plain_out;          /* out before colouring (opts.h) */
	struct pc_cli_globals *globals;   /* the global options (opts.h) */
	struct pc_cli_describe *describe; /* completion: describe, not parse */
	/* JUnit of several runs (check --all-machines): each run prints its
	 * <testsuite> alone and adds its totals here */
	struct pc_ci_totals *junit_suites;
	/* the progress line on the terminal (term-progress.c), or NULL */
	struct pc_cli_progress *progress;
};

/*
 * The progress line (term-progress.c; Documentation/output-formats.md,
 * "Progress"): start shows the library's steps on a terminal in text
 * (-1, error printed, for a bad PLUGCHECK_PROGRESS_DELAY_MS); clear
 * erases a drawn line before other output (it is drawn again at the next
 * step); stop erases it and stops.
 */
int pc_cli_progress_start(struct pc_cli *cli);
void pc_cli_progress_clear(struct pc_cli *cli);
void pc_cli_progress_stop(struct pc_cli *cli);

/* "plugcheck: error: ..." on stderr. */
void pc_cli_error(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);
void pc_cli_warn(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);
/* Only with -v. */
void pc_cli_verbose(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);

/* Each verb: argv[0] is the verb name; returns an exit status. */
typedef int (*pc_cmd_fn)(struct pc_cli *cli, int argc, char **argv);

/*
 * The verbs, one table: X(FUNCTION, NAME, SUMMARY), in the order `plugcheck
 * --help` lists them; the first is the default verb.  A new verb is a
 * core/cli/cmd-NAME.c defining FUNCTION and one row here: plugcheck.c
 * builds its verb table and this header the prototypes from the rows.
 */
#define PC_VERBS(X)                                                          \
	X(cmd_check, "check", "check migration compatibility (the default verb)") \
	X(cmd_list_machines, "list-machines", "list the machine types")       \
	X(cmd_list_plugins, "list-plugins",                                   \
	  "list the loaded plugins and their types")                          \
	X(cmd_info, "info", "show a plugin's metadata without running its code") \
	X(cmd_props, "props", "effective properties with provenance")         \
	X(cmd_dump_abi, "dump-abi", "record a release baseline into abi/")    \
	X(cmd_suggest, "suggest", "overrides and compat lines that fix a pair") \
	X(cmd_lint, "lint", "find compat and layout mistakes in the tree")    \
	X(cmd_baseline, "baseline",                                           \
	  "host-feature intersection for a set of hosts")                     \
	X(cmd_migrate, "migrate",                                             \
	  "run a real migration stream between two processes")                \
	X(cmd_qemu_diff, "qemu-diff", "compare two QEMU -dump-vmstate files") \
	X(cmd_dump_vmstate, "dump-vmstate",                                   \
	  "write a side in QEMU's -dump-vmstate format")                      \
	X(cmd_capture, "capture",                                             \
	  "capture a side from a real QEMU binary (QMP)")

/* A row of the verb table plugcheck.c builds from PC_VERBS. */
struct pc_cli_verb {
	const char *name;
	pc_cmd_fn fn;
	const char *summary;
};

#define PC_VERB_PROTOTYPE(fn, name, summary) \
	int fn(struct pc_cli *cli, int argc, char **argv);
PC_VERBS(PC_VERB_PROTOTYPE)
#undef PC_VERB_PROTOTYPE

/* Print a report in the chosen format.  In JSON, 'extra' (may be NULL) is a
 * json_t* object merged into the top-level object; ownership is taken. */
void pc_cli_print_report(struct pc_cli *cli, const char *verb,
			 const struct pc_report *r, void *extra);

/* Print document 'doc' (a json_t object, taken): as the HTML report with
 * --format html, else as JSON. */
struct json_t;
void pc_cli_print_doc(struct pc_cli *cli, struct json_t *doc);

/* Is the format one of the CI formats (SARIF, JUnit, github, gnu)? */
bool pc_cli_ci_format(const struct pc_cli *cli);
struct pc_ci_run;
/* Print 'run' in the CI format chosen (pc_cli_ci_format() must hold). */
void pc_cli_print_ci(struct pc_cli *cli, const struct pc_ci_run *run);

/* Does argv[i] ask for help? */
bool pc_cli_wants_help(int argc, char **argv);

#endif /* PC_CLI_H */
