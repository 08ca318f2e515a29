/*
 * cmd.h - helpers shared by the CLI verbs (cmd-common.c): the option
 * parser, and the library's side loading (side.h) with the errors printed
 * and refused plugins, notes and warnings reported on the CLI's streams.
 * CLI only; never part of libplugcheck.
 */
#ifndef PC_CMD_H
#define PC_CMD_H

#include "check.h"
#include "cli.h"
#include "job.h"
#include "matrix.h"
#include "resolve.h"
#include "dump-side.h"
#include "side.h"

/* The library's side environment for this invocation: the CLI's
 * directories and options, PLUGCHECK_SCAN_TIMEOUT, refused plugins and
 * warnings printed as errors and warnings, notes with -v only. */
void pc_cli_side_env(struct pc_cli *cli, struct pc_side_env *env);

/* The tree: plugins from the plugin directories, machines from the
 * machine directory.  Bad plugins are reported (and make *bad_input true)
 * but do not stop the load; returns -1 only when nothing usable is left. */
int pc_cli_load_tree(struct pc_cli *cli, struct pc_side *side,
		     bool *bad_input);

/*
 * A side named on the command line: "tree" (or "."), a release recorded in
 * the abi directory ("5.1"), a baseline file (*.json), or a plugin
 * directory (checked with the tree's machine types).
 */
int pc_cli_load_side(struct pc_cli *cli, const char *spec,
		     struct pc_side *side, bool *bad_input);

/*
 * The recorded releases a compat line's placement consults (pc_check's
 * releases) when side a or b is a tree: every baseline, or none when
 * abi/releases holds none (the placement then falls back).  Fails
 * closed on a baseline that does not load.
 */
int pc_cli_load_fix_releases(struct pc_cli *cli, const struct pc_side *a,
			     const struct pc_side *b, struct pc_side **sides,
			     size_t *n);

/* Every recorded baseline, loaded; fails closed when there is none. */
int pc_cli_load_baselines(struct pc_cli *cli, struct pc_side **sides,
			  size_t *n);

/* abi/known-breaks if present (absent: an empty list). */
int pc_cli_load_known(struct pc_cli *cli, struct pc_known_breaks *kb);

/*
 * A verb's options as one table (struct pc_opt[], ended by a row with a
 * NULL name), read by one parser, pc_cli_parse_opts():
 *
 *   PC_OPT_FLAG  bool at 'dest', set by a bare "--name" (no value)
 *   PC_OPT_STR   const char * at 'dest': the value (given again: the last)
 *   PC_OPT_INT   int at 'dest', from lo to hi (pc_cli_int())
 *   PC_OPT_U64   uint64_t at 'dest', any (pc_parse_u64())
 *   PC_OPT_LIST  repeatable: the values appended to the const char * array
 *                at 'dest' (room for argc), their count at 'count'
 *
 * A value is "--name value" or "--name=value"; a name may be shortened
 * to an unambiguous prefix.  'what' names the value in the "needs ..."
 * message ("a value" when NULL).  opts.c parses the table and the global
 * options together with getopt_long; completion (complete.c) reads the
 * same table.
 */
enum pc_opt_type { PC_OPT_FLAG, PC_OPT_STR, PC_OPT_INT, PC_OPT_U64, PC_OPT_LIST };

struct pc_opt {
	const char *name;
	enum pc_opt_type type;
	void *dest;
	size_t *count;   /* PC_OPT_LIST */
	int lo, hi;      /* PC_OPT_INT */
	const char *what;
};

/* The rows of a table, one macro a type; PC_OPTS_END ends it. */
#define PC_OPT_FLAG_ROW(name, dest) { name, PC_OPT_FLAG, dest, NULL, 0, 0, NULL }
#define PC_OPT_STR_ROW(name, dest) { name, PC_OPT_STR, dest, NULL, 0, 0, NULL }
#define PC_OPT_INT_ROW(name, dest, lo, hi) \
	{ name, PC_OPT_INT, dest, NULL, lo, hi, NULL }
#define PC_OPT_U64_ROW(name, dest) { name, PC_OPT_U64, dest, NULL, 0, 0, NULL }
#define PC_OPT_LIST_ROW(name, dest, count) \
	{ name, PC_OPT_LIST, dest, count, 0, 0, NULL }
#define PC_OPTS_END { NULL, PC_OPT_FLAG, NULL, NULL, 0, 0, NULL }

/* A verb's option set: its name (for messages) and table. */
struct pc_optset {
	const char *verb;
	const struct pc_opt *opts;
	/* positional arguments (and "--" ending the options) go here when
	 * set, room for argc; otherwise an argument that is not an option is
	 * refused ("unexpected argument") */
	const char **pos;
	size_t *npos;
	/* NULL: the standard messages ("VERB: unknown option '--x' (see
	 * plugcheck VERB --help)", "VERB: option '--x' needs a value",
	 * "VERB: option '--x' takes no value", "VERB: unexpected argument
	 * 'x'").  Otherwise the one message (the argument in %s) a verb
	 * printed for all of these before the table; kept byte for byte. */
	const char *bad_fmt;
};

/* The parser's failures: an unknown option apart from the rest, for a
 * verb that prints its usage then. */
#define PC_OPT_ERR (-1)
#define PC_OPT_UNKNOWN (-2)

/*
 * Parse argv[1..argc-1] against 'set' and the global options (opts.c,
 * getopt_long): fill the destinations, print the first error; 0,
 * PC_OPT_UNKNOWN for an unknown option (with the closest names), or
 * PC_OPT_ERR.  Names outside the table are refused before any value is
 * taken, so a typo never swallows the next argument; "--" ends the
 * options.  On success the global options are settled
 * (pc_cli_globals_settle()).  With cli->describe set, nothing is parsed:
 * the table is described there and PC_OPT_ERR returned.
 */
int pc_cli_parse_opts(struct pc_cli *cli, const struct pc_optset *set,
		      int argc, char **argv);

/* Parse a positive integer option value; prints the error itself. */
int pc_cli_int(struct pc_cli *cli, const char *opt, const char *val, int lo,
	       int hi, int *out);

/*
 * Add a device of the VM configuration to a side, like QEMU's -device:
 * "TYPE[,id=ID][,PROP=VALUE...]" (the id defaults to the type name).  The
 * first call replaces the default configuration (one instance of every
 * concrete type) with an explicit one.
 */
int pc_cli_add_vm_device(struct pc_cli *cli, struct pc_side *side,
			 const char *spec);
/* Check a side's --vm-device list and overrides, and the compat chain of
 * 'machine' (when the side has it), once, before any check runs
 * (pc_side_check_config()); print the error and return -1. */
int pc_cli_check_side(struct pc_cli *cli, const struct pc_side *side,
		      const char *machine);

/* Print the findings of 'r' that 'keep' marks ('nkeep' of them), grouped
 * by cause, under a "Findings (N, M causes)" heading; nothing when none. */
void pc_cli_print_groups(struct pc_cli *cli, const struct pc_report *r,
			 const bool *keep, size_t nkeep);

/* check --from/--to where a side is a QEMU dump: both sides as dumps,
 * compared both ways with qemu-diff's rules; the report names the checks a
 * dump cannot support. */
int pc_cli_check_dump_pair(struct pc_cli *cli, const struct pc_dump_pair_spec *spec);

/*
 * The device types both sides have (concrete, existing in each side's
 * release), sorted: the default VM configuration of a pair.  Reads
 * declarations only.  Caller frees the strings and the array.
 */
int pc_cli_common_devices(struct pc_cli *cli, const char *a, const char *b,
			  char ***out, size_t *n);

/*
 * check-render.c: `plugcheck check`'s output.  pc_cli_check_header()
 * prints what a loaded job (pc_job_load()) is about to check (text
 * output without -q; nothing for the matrices); pc_cli_check_render()
 * the run job (pc_job_run()): its directions, findings and result line,
 * or the JSON report; pc_cli_release_matrix_render() the release matrix
 * (pc_job_release_matrix()) with its totals and exit status.
 */
void pc_cli_check_header(struct pc_cli *cli, const struct pc_job *j);
void pc_cli_check_render(struct pc_cli *cli, const struct pc_job *j);
void pc_cli_release_matrix_render(struct pc_cli *cli,
				  const struct pc_matrix *mx,
				  const struct pc_job_matrix_counts *n,
				  int status);

/*
 * check-all.c: `check --all-machines [--shard K/N]`: the main job 'spec'
 * (its machine set in turn) for every machine type of the machine
 * directory, or for shard spec->shard of spec->nshards of them (round
 * robin in newest-first order); one report (text: each machine type's,
 * then the totals; JSON: one document holding every run).  Returns the
 * worst status (2 over 1 over 0).
 */
int pc_cli_check_all(struct pc_cli *cli, struct pc_job_spec *spec,
		     const struct pc_side_env *env);

#endif /* PC_CMD_H */
