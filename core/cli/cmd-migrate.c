/*
 * cmd-migrate.c - `plugcheck migrate`: a real migration stream between two
 * processes, every field verified (Documentation/stream-format.md).  The
 * roles and the runs are the library's (migrate.h); this file parses the
 * options, starts the roles and prints the runs.
 *
 * The parent never loads a plugin.  For each direction and vCPU count it
 * starts itself twice with the internal role options: a source process
 * that loads only the source side, generates every device's state and
 * writes the stream into a pipe, and a destination process that loads
 * only the destination side and reads the stream strictly by its own
 * layouts.  Two builds of one plugin therefore never share a process.
 * Each child sends a JSON report over a second pipe; the parent compares
 * the two field lists (what was sent against what arrived), prints the
 * result and exits 0, 1 or 2 like `check`.  A child that outlives
 * --timeout is killed and reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "machine.h"
#include "migrate.h"
#include "report-json.h"
#include "stream.h"

#include "banned.h"

#define DEFAULT_SEED 0x5eed
#define DEFAULT_TIMEOUT 120

static void migrate_help(FILE *f)
{
	fputs("usage: plugcheck migrate --machine M [--from A] [--to B] [OPTIONS]\n"
	      "       plugcheck migrate --machine M --from A --save FILE [--smp N]\n"
	      "       plugcheck migrate --load FILE [--to B] [--machine M]\n\n"
	      "Run a real migration: a source process (side A only) generates every\n"
	      "device's state from its resolved layouts and streams it through a pipe\n"
	      "to a destination process (side B only), which loads it by its own\n"
	      "layouts, checks invariants and runs the plugins' post_load hooks; then\n"
	      "the reverse direction.  Each field sent is compared with what arrived.\n"
	      "The stream format: Documentation/stream-format.md.\n\n"
	      "  --machine M          machine type (name or alias)\n"
	      "  --from A --to B      sides: 'tree', a recorded release (5.1), a baseline\n"
	      "                       .json or a plugin directory (default: tree)\n"
	      "  --smp N              only N vCPUs (default: 1, 2, 4 and the maximum)\n"
	      "  --seed S             seed of the generated state (default 0x5eed)\n"
	      "  --untagged           no field tags: the destination parses blind, as\n"
	      "                       QEMU does, and finds mismatches by the section\n"
	      "                       framing, invariants and hooks\n"
	      "  --one-way            only A -> B\n"
	      "  --src-global T.P=V   start side A with -global T.P=V (repeatable)\n"
	      "  --dst-global T.P=V   start side B with -global T.P=V\n"
	      "  --vm-device TYPE[,id=ID][,PROP=VALUE...]\n"
	      "                       the VM configuration on both sides, as for check\n"
	      "                       (repeatable; default: one of every concrete type;\n"
	      "                       --device is accepted as an alias)\n"
	      "  --timeout SEC        kill a side that takes longer (default 120)\n"
	      "  --save FILE          only run the source and keep its stream in FILE\n"
	      "  --load FILE          only run the destination on a kept stream (an\n"
	      "                       untrusted input: every length is checked)\n\n"
	      "Internal (used by migrate itself to start each side in its own process):\n"
	      "  --role source|dest --side SPEC [--global T.P=V] [--vm-device D] --stream-fd N\n"
	      "  [--stream-file FILE] --report-fd N\n\n"
	      "Exit status: 0 every field arrived and was accepted, 1 the destination\n"
	      "refused the state, 2 usage, input or stream errors.\n", f);
}

struct mopts {
	const char *machine, *from, *to, *save, *load;
	const char *role, *side, *stream_file;
	int smp, timeout, stream_fd, report_fd;
	uint64_t seed;
	bool untagged, one_way;
	const char **src_globals, **dst_globals, **globals, **devices;
	size_t n_src, n_dst, n_globals, n_devices;
};

static int parse(struct pc_cli *cli, int argc, char **argv, struct mopts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = DEFAULT_SEED;
	o->timeout = DEFAULT_TIMEOUT;
	o->stream_fd = o->report_fd = -1;
	o->src_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->dst_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->devices = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--machine", &o->machine),
			PC_OPT_STR_ROW("--from", &o->from),
			PC_OPT_STR_ROW("--to", &o->to),
			PC_OPT_STR_ROW("--save", &o->save),
			PC_OPT_STR_ROW("--load", &o->load),
			PC_OPT_STR_ROW("--role", &o->role),
			PC_OPT_STR_ROW("--side", &o->side),
			PC_OPT_STR_ROW("--stream-file", &o->stream_file),
			PC_OPT_LIST_ROW("--src-global", o->src_globals, &o->n_src),
			PC_OPT_LIST_ROW("--dst-global", o->dst_globals, &o->n_dst),
			PC_OPT_LIST_ROW("--global", o->globals, &o->n_globals),
			PC_OPT_LIST_ROW("--vm-device", o->devices, &o->n_devices),
			PC_OPT_LIST_ROW("--device", o->devices, &o->n_devices),
			PC_OPT_INT_ROW("--smp", &o->smp, 1, PC_STREAM_MAX_SMP),
			PC_OPT_INT_ROW("--timeout", &o->timeout, 1, 86400),
			PC_OPT_INT_ROW("--stream-fd", &o->stream_fd, 0, 1 << 20),
			PC_OPT_INT_ROW("--report-fd", &o->report_fd, 0, 1 << 20),
			PC_OPT_U64_ROW("--seed", &o->seed),
			PC_OPT_FLAG_ROW("--untagged", &o->untagged),
			PC_OPT_FLAG_ROW("--one-way", &o->one_way),
			PC_OPTS_END,
		};
		const struct pc_optset set = { "migrate", opts, NULL, NULL, NULL };

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return -1;
	}
	if (o->role) {
		if (strcmp(o->role, "source") && strcmp(o->role, "dest")) {
			pc_cli_error(cli, "--role: expected 'source' or 'dest', found '%s'",
				     o->role);
			return -1;
		}
		if (!o->side || o->report_fd < 0 ||
		    (o->stream_fd < 0 && !o->stream_file)) {
			pc_cli_error(cli, "migrate --role needs --side, --report-fd and --stream-fd (or --stream-file)");
			return -1;
		}
		if (!strcmp(o->role, "source") && (!o->machine || !o->smp)) {
			pc_cli_error(cli, "migrate --role source needs --machine and --smp");
			return -1;
		}
		return 0;
	}
	if (o->save && o->load) {
		pc_cli_error(cli, "migrate: --save and --load exclude each other");
		return -1;
	}
	if (!o->machine && !o->load) {
		pc_cli_error(cli, "migrate: --machine is required (see plugcheck list-machines)");
		return -1;
	}
	if (o->save && o->to) {
		pc_cli_error(cli, "migrate: --save runs only the source: --to does not apply");
		return -1;
	}
	if (o->load && (o->from || o->n_src)) {
		pc_cli_error(cli, "migrate: --load runs only the destination: --from and --src-global do not apply");
		return -1;
	}
	return 0;
}

static void free_opts(struct mopts *o)
{
	free(o->src_globals);
	free(o->dst_globals);
	free(o->globals);
	free(o->devices);
}

/* --vm-device TYPE[,id=ID][,PROP=VALUE...]: the VM configuration, as for
 * check (default: one instance of every concrete type). */
static int set_devices(struct pc_cli *cli, struct pc_side *s,
		       const struct mopts *o, struct pc_err *err)
{
	for (size_t i = 0; i < o->n_devices; i++)
		if (pc_cli_add_vm_device(cli, s, o->devices[i]))
			return pc_err_set(err, "invalid --vm-device '%s'", o->devices[i]);
	return 0;
}

static void print_run(struct pc_cli *cli, const struct pc_migrate_run *r)
{
	json_t *j = r->j, *m;
	size_t i;
	const char *verdict = r->status == PC_EXIT_OK ? "ok"
		: r->status == PC_EXIT_INCOMPATIBLE ? "REFUSED" : "ERROR";

	fprintf(cli->out, "  %-8s -> %-8s smp=%-4lld %s", pc_migrate_jstr(j, "source"),
		pc_migrate_jstr(j, "destination"), (long long)pc_migrate_jint(j, "smp"), verdict);
	if (json_object_get(j, "fields_sent"))
		fprintf(cli->out, ": %lld of %lld fields arrived, %lld bytes, layouts %s, %lld hook%s run",
			(long long)pc_migrate_jint(j, "fields_arrived"),
			(long long)pc_migrate_jint(j, "fields_sent"), (long long)pc_migrate_jint(j, "bytes"),
			json_is_true(json_object_get(j, "same_layout")) ? "identical" : "differ",
			(long long)pc_migrate_jint(j, "hooks_run"),
			pc_migrate_jint(j, "hooks_run") == 1 ? "" : "s");
	fputc('\n', cli->out);
	if (*pc_migrate_jstr(j, "source_error"))
		fprintf(cli->out, "      source: %s\n", pc_migrate_jstr(j, "source_error"));
	if (*pc_migrate_jstr(j, "destination_error"))
		fprintf(cli->out, "      destination: %s\n", pc_migrate_jstr(j, "destination_error"));
	if (r->status != PC_EXIT_OK || cli->verbose) {
		if (*pc_migrate_jstr(j, "source_stderr"))
			fprintf(cli->out, "      source said: %s", pc_migrate_jstr(j, "source_stderr"));
		if (*pc_migrate_jstr(j, "destination_stderr"))
			fprintf(cli->out, "      destination said: %s", pc_migrate_jstr(j, "destination_stderr"));
	}
	json_array_foreach(json_object_get(j, "messages"), i, m) {
		const char *kind = pc_migrate_jstr(m, "kind");

		if (!strcmp(kind, "note") && !cli->verbose)
			continue;
		fprintf(cli->out, "      %s: %s\n", kind, pc_migrate_jstr(m, "text"));
	}
	json_array_foreach(json_object_get(j, "fields"), i, m) {
		if (!strcmp(pc_migrate_jstr(m, "kind"), "renamed")) {
			if (cli->verbose)
				fprintf(cli->out, "      note: %s: '%s' arrived as '%s'\n",
					pc_migrate_jstr(m, "section"), pc_migrate_jstr(m, "sent"),
					pc_migrate_jstr(m, "loaded_as"));
			continue;
		}
		fprintf(cli->out, "      %s: first field that did not arrive: '%s' %s (%lld field%s not arrived)\n",
			pc_migrate_jstr(m, "section"), pc_migrate_jstr(m, "field"), pc_migrate_jstr(m, "text"),
			(long long)pc_migrate_jint(m, "not_arrived"),
			pc_migrate_jint(m, "not_arrived") == 1 ? "" : "s");
	}
}

/* Both sides' VM configuration and overrides, checked once in this
 * process (declarations only) before any migration process starts: an
 * override naming no loaded type or property is one error, not one per
 * run. */
static int check_sides(struct pc_cli *cli, const struct mopts *o,
		       const char *machine, const char *a, const char *b)
{
	bool was = cli->static_only;
	int rc = 0;

	cli->static_only = true;
	for (int i = 0; i < 2 && !rc; i++) {
		struct pc_side side;
		struct pc_err err = { 0 };
		bool bad = false;

		if (pc_cli_load_side(cli, i ? b : a, &side, &bad)) {
			rc = -1;
			break;
		}
		if (set_devices(cli, &side, o, &err) ||
		    pc_side_add_globals(&side, i ? o->dst_globals : o->src_globals,
					i ? o->n_dst : o->n_src,
					i ? "--dst-global" : "--src-global", &err)) {
			pc_cli_error(cli, "%s", err.msg);
			rc = -1;
		} else if (pc_cli_check_side(cli, &side, machine)) {
			rc = -1;
		}
		pc_side_release(&side);
	}
	cli->static_only = was;
	return rc;
}

/* The machine's canonical name and vCPU set, from the machine directory. */
static int machine_info(struct pc_cli *cli, const char *name, char **canon,
			int *smps, size_t *n_smps)
{
	struct pc_machine_set *ms = pc_machine_set_new();
	struct pc_err err = { 0 };
	const struct pc_machine *m;

	if (pc_machines_load_dir(ms, cli->machine_dir, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		pc_machine_set_free(ms);
		return -1;
	}
	m = pc_machine_find(ms, name);
	if (!m) {
		pc_side_unknown_machine(ms, name, &err);
		pc_cli_error(cli, "%s (see plugcheck list-machines)", err.msg);
		pc_machine_set_free(ms);
		return -1;
	}
	*canon = pc_xstrdup(m->name);
	if (!*n_smps)
		*n_smps = pc_machine_smp_set(m, smps, 8);
	pc_machine_set_free(ms);
	return 0;
}

static int output(struct pc_cli *cli, struct mopts *o, const char *machine,
		  struct pc_migrate_run *runs, size_t n, const char *mode)
{
	size_t refused, errors;
	int status = pc_migrate_status(runs, n, &refused, &errors);

	if (cli->format == PC_FMT_JSON) {
		json_t *root = json_object(), *a = json_array();
		char *s = pc_xasprintf("0x%" PRIx64, o->seed);

		json_object_set_new(root, "verb", json_string("migrate"));
		json_object_set_new(root, "mode", json_string(mode));
		json_object_set_new(root, "machine", json_string(machine ? machine : ""));
		json_object_set_new(root, "seed", json_string(s));
		json_object_set_new(root, "tagged", json_boolean(!o->untagged));
		for (size_t i = 0; i < n; i++)
			json_array_append(a, runs[i].j);
		json_object_set_new(root, "runs", a);
		json_object_set_new(root, "exit_status", json_integer(status));
		free(s);
		pc_cli_print_doc(cli, root);
		return status;
	}
	for (size_t i = 0; i < n; i++)
		if (!cli->quiet || runs[i].status != PC_EXIT_OK)
			print_run(cli, &runs[i]);
	fprintf(cli->out, "%sresult: %s: %zu run%s, %zu refused, %zu with errors\n",
		cli->quiet && !status ? "" : "\n",
		status == PC_EXIT_ERROR ? "error" : status ? "REFUSED" : "every field arrived and was accepted",
		n, n == 1 ? "" : "s", refused, errors);
	return status;
}

/* The arguments that start this program as a side: the global options
 * that matter to a side, then the verb.  Owned by 'args'. */
struct child_args {
	const char **argv;
	size_t n, alloc;
};

static void child_arg(struct child_args *c, const char *s)
{
	PC_ALLOC_GROW(c->argv, c->n + 2, c->alloc);
	c->argv[c->n++] = s;
	c->argv[c->n] = NULL;
}

static void plan_init(struct pc_cli *cli, const struct mopts *o,
		      const char *machine, struct child_args *ca,
		      struct pc_migrate_plan *p)
{
	memset(ca, 0, sizeof(*ca));
	child_arg(ca, "plugcheck");
	child_arg(ca, "--no-default-plugins");
	for (size_t i = 0; i < cli->n_plugin_dirs; i++) {
		child_arg(ca, "--plugin-dir");
		child_arg(ca, cli->plugin_dirs[i]);
	}
	child_arg(ca, "--machine-dir");
	child_arg(ca, cli->machine_dir);
	child_arg(ca, "--abi-dir");
	child_arg(ca, cli->abi_dir);
	if (cli->allow_unsafe)
		child_arg(ca, "--allow-world-writable");
	child_arg(ca, "migrate");
	memset(p, 0, sizeof(*p));
	p->child_args = ca->argv;
	p->machine = machine;
	p->seed = o->seed;
	p->untagged = o->untagged;
	p->timeout = o->timeout;
	p->devices = o->devices;
	p->n_devices = o->n_devices;
}

static void send_report(int fd, json_t *rep)
{
	char *s = json_dumps(rep, JSON_COMPACT);

	if (s) {
		pc_write_all(fd, s, strlen(s));
		free(s);
	}
	json_decref(rep);
	close(fd);
}

static void role_error(void *ctx, const char *msg)
{
	pc_cli_error(ctx, "%s", msg);
}

/* This process is one side of a migration (--role): the library's role,
 * its report sent to the parent over --report-fd. */
static int do_role(struct pc_cli *cli, struct mopts *o)
{
	struct pc_migrate_role r = {
		o->side, o->machine, o->smp, o->seed, o->untagged,
		o->globals, o->n_globals, o->devices, o->n_devices,
		o->stream_fd, o->stream_file, role_error, cli,
	};
	struct pc_side_env env;
	json_t *rep;
	int status;

	/* a side's process runs its plugins' post_load hooks */
	cli->need_hooks = true;
	pc_cli_side_env(cli, &env);
	if (!strcmp(o->role, "source")) {
		signal(SIGPIPE, SIG_IGN);
		status = pc_migrate_source(&env, &r, &rep);
	} else {
		status = pc_migrate_dest(&env, &r, &rep);
	}
	send_report(o->report_fd, rep);
	return status;
}

/* the temporary a signal must not leave behind (see do_save()) */
static char *volatile save_temp;

static void remove_save_temp(int sig)
{
	if (save_temp)
		unlink(save_temp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int save_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };

static int do_save(struct pc_cli *cli, struct mopts *o, const char *machine,
		   int smp)
{
	struct sigaction sa = { .sa_handler = remove_save_temp }, old[PC_ARRAY_SIZE(save_signals)];
	char *tmp = pc_migrate_save_temp(o->save);
	struct pc_migrate_end src = { o->from ? o->from : "tree", o->src_globals, o->n_src };
	struct pc_migrate_plan p;
	struct child_args ca;
	struct pc_migrate_run r;
	struct pc_err err = { 0 };
	int status;

	plan_init(cli, o, machine, &ca, &p);
	save_temp = tmp;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < PC_ARRAY_SIZE(save_signals); i++)
		sigaction(save_signals[i], &sa, &old[i]);
	status = pc_migrate_save(&p, &src, smp, o->save, &r, &err);
	for (size_t i = 0; i < PC_ARRAY_SIZE(save_signals); i++)
		sigaction(save_signals[i], &old[i], NULL);
	save_temp = NULL;
	free(tmp);
	if (status) {
		pc_cli_error(cli, "%s", err.msg);
		free(ca.argv);
		return PC_EXIT_ERROR;
	}
	free(ca.argv);
	if (err.set)
		pc_cli_error(cli, "%s", err.msg);
	status = output(cli, o, machine, &r, 1, "save");
	if (status == PC_EXIT_OK && cli->format == PC_FMT_TEXT && !cli->quiet)
		fprintf(cli->out, "stream saved to %s\n", o->save);
	pc_migrate_run_release(&r);
	return status;
}

static int do_load(struct pc_cli *cli, struct mopts *o)
{
	struct pc_migrate_end dst = { o->to ? o->to : "tree", o->dst_globals, o->n_dst };
	struct pc_migrate_plan p;
	struct child_args ca;
	struct pc_migrate_run r;
	int status;

	plan_init(cli, o, o->machine, &ca, &p);
	if (pc_migrate_load(&p, o->load, &dst, &r)) {
		pc_cli_error(cli, "cannot start the destination process: %s",
			     strerror(errno));
		free(ca.argv);
		return PC_EXIT_ERROR;
	}
	free(ca.argv);
	status = output(cli, o, pc_migrate_jstr(r.j, "machine"), &r, 1, "load");
	pc_migrate_run_release(&r);
	return status;
}

/* the same hardware on both sides: by default, every device type both
 * builds have (a type only one build has cannot be in a VM that
 * migrates between them); the strings go to 'common' */
static int default_devices(struct pc_cli *cli, struct mopts *o,
			   const char *a, const char *b, char ***common,
			   size_t *n_common)
{
	if (o->n_devices)
		return 0;
	if (pc_cli_common_devices(cli, a, b, common, n_common))
		return -1;
	o->devices = pc_xrealloc(o->devices, (*n_common + 1) * sizeof(char *));
	for (size_t i = 0; i < *n_common; i++)
		o->devices[o->n_devices++] = (*common)[i];
	return 0;
}

/* A <-> B (or A -> B) at each vCPU count, printed */
static int do_pairs(struct pc_cli *cli, struct mopts *o, const char *machine,
		    const int *smps, size_t n_smps)
{
	struct pc_migrate_end a = { o->from ? o->from : "tree", o->src_globals, o->n_src };
	struct pc_migrate_end b = { o->to ? o->to : "tree", o->dst_globals, o->n_dst };
	struct pc_migrate_run runs[2 * 8];
	struct pc_migrate_plan p;
	struct child_args ca;
	size_t nruns = 0;
	int status = PC_EXIT_ERROR;

	if (cli->format == PC_FMT_TEXT && !cli->quiet)
		fprintf(cli->out, "Migration streams for machine type %s: %s %s %s, seed 0x%" PRIx64 ", %s\n",
			machine, a.spec, o->one_way ? "->" : "<->", b.spec, o->seed,
			o->untagged ? "untagged (as QEMU)" : "tagged fields");
	plan_init(cli, o, machine, &ca, &p);
	for (int dir = 0; dir < (o->one_way ? 1 : 2); dir++)
		for (size_t k = 0; k < n_smps; k++) {
			if (pc_migrate_pair(&p, dir ? &b : &a, dir ? &a : &b,
					    smps[k], &runs[nruns])) {
				pc_cli_error(cli, "cannot start the migration processes: %s",
					     strerror(errno));
				goto fail;
			}
			nruns++;
		}
	status = output(cli, o, machine, runs, nruns, "pair");
fail:
	for (size_t i = 0; i < nruns; i++)
		pc_migrate_run_release(&runs[i]);
	free(ca.argv);
	return status;
}

int cmd_migrate(struct pc_cli *cli, int argc, char **argv)
{
	struct mopts o;
	int smps[8];
	size_t n_smps = 0;
	char *machine = NULL;
	int status = PC_EXIT_ERROR;
	char **common = NULL;
	size_t n_common = 0;

	if (pc_cli_wants_help(argc, argv)) {
		migrate_help(cli->out);
		return PC_EXIT_OK;
	}
	if (parse(cli, argc, argv, &o)) {
		free_opts(&o);
		return PC_EXIT_ERROR;
	}
	if (o.role || o.load) {
		status = o.role ? do_role(cli, &o) : do_load(cli, &o);
		free_opts(&o);
		return status;
	}
	if (o.smp) {
		smps[0] = o.smp;
		n_smps = 1;
	}
	if (machine_info(cli, o.machine, &machine, smps, &n_smps)) {
		free_opts(&o);
		return PC_EXIT_ERROR;
	}
	if (o.save) {
		status = do_save(cli, &o, machine, smps[0]);
	} else {
		const char *a = o.from ? o.from : "tree", *b = o.to ? o.to : "tree";

		if (!default_devices(cli, &o, a, b, &common, &n_common) &&
		    !check_sides(cli, &o, machine, a, b))
			status = do_pairs(cli, &o, machine, smps, n_smps);
	}
	for (size_t i = 0; i < n_common; i++)
		free(common[i]);
	free(common);
	free(machine);
	free_opts(&o);
	return status;
}
