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

enum pc_format { PC_FMT_TEXT, PC_FMT_JSON };

struct pc_cli {
	enum pc_format format;
	int verbose;
	bool quiet;
	bool color;
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
};

/* "plugcheck: error: ..." on stderr. */
void pc_cli_error(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);
void pc_cli_warn(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);
/* Only with -v. */
void pc_cli_verbose(struct pc_cli *cli, const char *fmt, ...) PC_PRINTF(2, 3);

/* Each verb: argv[0] is the verb name; returns an exit status. */
typedef int (*pc_cmd_fn)(struct pc_cli *cli, int argc, char **argv);

int cmd_check(struct pc_cli *cli, int argc, char **argv);
int cmd_list_machines(struct pc_cli *cli, int argc, char **argv);
int cmd_list_plugins(struct pc_cli *cli, int argc, char **argv);
int cmd_info(struct pc_cli *cli, int argc, char **argv);
int cmd_props(struct pc_cli *cli, int argc, char **argv);
int cmd_dump_abi(struct pc_cli *cli, int argc, char **argv);
int cmd_suggest(struct pc_cli *cli, int argc, char **argv);
int cmd_lint(struct pc_cli *cli, int argc, char **argv);
int cmd_baseline(struct pc_cli *cli, int argc, char **argv);
int cmd_qemu_diff(struct pc_cli *cli, int argc, char **argv);
int cmd_migrate(struct pc_cli *cli, int argc, char **argv);
int cmd_dump_vmstate(struct pc_cli *cli, int argc, char **argv);

/* Print a report in the chosen format.  In JSON, 'extra' (may be NULL) is a
 * json_t* object merged into the top-level object; ownership is taken. */
void pc_cli_print_report(struct pc_cli *cli, const char *verb,
			 const struct pc_report *r, void *extra);

/* Does argv[i] ask for help? */
bool pc_cli_wants_help(int argc, char **argv);

#endif /* PC_CLI_H */
