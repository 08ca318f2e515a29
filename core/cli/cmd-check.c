/*
 * cmd-check.c - `plugcheck check` (and the main job, `plugcheck --machine M`):
 * the tree against every recorded release, one pair, the release matrix,
 * or a chain of migrations.  Documentation/plugcheck.1, "check".
 *
 * The options, checked against each other, become a job of the library
 * (core/job.h), which loads and checks the sides; check-render.c prints
 * it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dump-side.h"

#include "banned.h"

static void check_help(FILE *f)
{
	fputs("usage: plugcheck check --machine M [OPTIONS]\n"
	      "       plugcheck --machine M            (the main job)\n\n"
	      "Without --from/--to/--chain/--matrix: the tree against every recorded\n"
	      "release that knows M, in both directions.\n\n"
	      "  --machine M          machine type (name or alias: pc-5.1, q35, pc)\n"
	      "  --from A --to B      one pair; each side is 'tree', a recorded release\n"
	      "                       (5.1), a baseline .json, a plugin directory, or a\n"
	      "                       QEMU -dump-vmstate .json (layouts only);\n"
	      "                       a missing side defaults to the tree\n"
	      "  --matrix             every ordered pair of recorded releases (and the\n"
	      "                       tree) that know M, printed as a table\n"
	      "  --release-matrix     every ordered pair of recorded releases, for every\n"
	      "                       machine type (or --machine M), from the baselines'\n"
	      "                       resolved indexes; each distinct break listed once\n"
	      "  --all-machines       the main job for every machine type, one report\n"
	      "                       (exit 1 when any is incompatible)\n"
	      "  --shard K/N          --all-machines or --release-matrix: only the K-th\n"
	      "                       of N parts of the machine types (round robin in\n"
	      "                       newest-first order), for parallel CI jobs\n"
	      "  --chain A,B,C        a migration path A -> B -> C\n"
	      "  --smp N              check only N vCPUs (default: 1, 2, 4 and the maximum)\n"
	      "  --src-global T.P=V   start the source with -global T.P=V (repeatable)\n"
	      "  --dst-global T.P=V   start the destination with -global T.P=V\n"
	      "  --src-host FILE      the source's host capabilities (Documentation/host-caps.md)\n"
	      "  --dst-host FILE      the destination's host capabilities\n"
	      "  --hop-global N:T.P=V chain: start side N (1-based) with -global T.P=V\n"
	      "  --hop-host N:FILE    chain: host capabilities of side N\n"
	      "  --carry              chain: every override a destination was started\n"
	      "                       with stays pinned on every later destination\n"
	      "  --vm-device TYPE[,id=ID][,PROP=VALUE...]\n"
	      "                       the VM configuration, like QEMU's -device (repeatable;\n"
	      "                       default: one instance of every concrete device type)\n"
	      "  --default-config-only the main job checks the default configuration\n"
	      "                       only, not the configurations the types declare\n"
	      "                       and those derived from their layouts\n", f);
}

struct opts {
	const char *machine;
	const char *from, *to, *chain;
	bool matrix, release_matrix, carry, default_only, all_machines;
	const char *shard;
	size_t shard_k, shard_n; /* --shard K/N, 0-based: k of n (n 0: none) */
	int smp;
	const char **src_globals, **dst_globals, **hop_globals, **hop_hosts;
	size_t n_src, n_dst, n_hopg, n_hoph;
	const char *src_host, *dst_host;
	const char **vmdevs;
	size_t n_vmdevs;
};

static int check_modes(struct pc_cli *cli, const struct opts *o);
static int check_all_machines(struct pc_cli *cli, struct opts *o);
static int check_mode_options(struct pc_cli *cli, const struct opts *o);

static int parse(struct pc_cli *cli, int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->src_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->dst_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->hop_globals = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->hop_hosts = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	o->vmdevs = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	{
		const struct pc_opt opts[] = {
			PC_OPT_FLAG_ROW("--matrix", &o->matrix),
			PC_OPT_FLAG_ROW("--release-matrix", &o->release_matrix),
			PC_OPT_FLAG_ROW("--all-machines", &o->all_machines),
			PC_OPT_STR_ROW("--shard", &o->shard),
			PC_OPT_FLAG_ROW("--carry", &o->carry),
			PC_OPT_FLAG_ROW("--default-config-only", &o->default_only),
			PC_OPT_STR_ROW("--machine", &o->machine),
			PC_OPT_STR_ROW("--from", &o->from),
			PC_OPT_STR_ROW("--to", &o->to),
			PC_OPT_STR_ROW("--chain", &o->chain),
			PC_OPT_INT_ROW("--smp", &o->smp, 1, 1 << 16),
			PC_OPT_LIST_ROW("--src-global", o->src_globals, &o->n_src),
			PC_OPT_LIST_ROW("--dst-global", o->dst_globals, &o->n_dst),
			PC_OPT_LIST_ROW("--hop-global", o->hop_globals, &o->n_hopg),
			PC_OPT_LIST_ROW("--hop-host", o->hop_hosts, &o->n_hoph),
			PC_OPT_STR_ROW("--src-host", &o->src_host),
			PC_OPT_STR_ROW("--dst-host", &o->dst_host),
			PC_OPT_LIST_ROW("--vm-device", o->vmdevs, &o->n_vmdevs),
			PC_OPTS_END,
		};
		const struct pc_optset set = { "check", opts, NULL, NULL, NULL };

		if (pc_cli_parse_opts(cli, &set, argc, argv))
			return -1;
	}
	return check_all_machines(cli, o) || check_modes(cli, o) ||
	       check_mode_options(cli, o) ? -1 : 0;
}

/* --shard K/N: 1 <= K <= N <= 10000 */
static int parse_shard(struct pc_cli *cli, struct opts *o)
{
	unsigned long k, n;
	char *end;

	k = strtoul(o->shard, &end, 10);
	if (end == o->shard || *end != '/' || !end[1] || o->shard[0] == '-')
		goto bad;
	n = strtoul(end + 1, &end, 10);
	if (*end || !k || k > n || n > 10000)
		goto bad;
	o->shard_k = k - 1;
	o->shard_n = n;
	return 0;
bad:
	pc_cli_error(cli, "check: --shard: expected K/N with 1 <= K <= N <= 10000, found '%s'",
		     o->shard);
	return -1;
}

/* --all-machines is the main job's; --shard splits it or the release
 * matrix */
static int check_all_machines(struct pc_cli *cli, struct opts *o)
{
	if (o->all_machines &&
	    (o->machine || o->matrix || o->release_matrix || o->chain ||
	     o->from || o->to)) {
		pc_cli_error(cli, "check: --all-machines runs the main job for every machine type: it excludes --machine, --matrix, --release-matrix, --chain, --from and --to");
		return -1;
	}
	if (o->shard && !o->all_machines && !o->release_matrix) {
		pc_cli_error(cli, "check: --shard K/N splits --all-machines or --release-matrix");
		return -1;
	}
	return o->shard ? parse_shard(cli, o) : 0;
}

/* the modes exclude each other */
static int check_modes(struct pc_cli *cli, const struct opts *o)
{
	if (o->release_matrix &&
	    (o->matrix || o->chain || o->from || o->to || o->n_src || o->n_dst ||
	     o->src_host || o->dst_host || o->n_vmdevs)) {
		pc_cli_error(cli, "check: --release-matrix compares the recorded releases in their default configuration: it excludes --matrix, --chain, --from, --to, overrides, hosts and --vm-device");
		return -1;
	}
	if (!o->machine && !o->release_matrix && !o->all_machines) {
		pc_cli_error(cli, "check: --machine is required (see plugcheck list-machines)");
		return -1;
	}
	if (o->chain && (o->from || o->to || o->matrix)) {
		pc_cli_error(cli, "check: --chain excludes --from, --to and --matrix");
		return -1;
	}
	if (o->matrix && (o->from || o->to)) {
		pc_cli_error(cli, "check: --matrix excludes --from and --to");
		return -1;
	}
	if ((o->n_hopg || o->n_hoph || o->carry) && !o->chain) {
		pc_cli_error(cli, "check: --hop-global, --hop-host and --carry need --chain");
		return -1;
	}
	return 0;
}

/* every option is honoured by the mode it is given to, or refused */
static int check_mode_options(struct pc_cli *cli, const struct opts *o)
{
	if (o->chain && (o->n_src || o->n_dst || o->src_host || o->dst_host)) {
		pc_cli_error(cli, "check: --chain takes each side's overrides and host with --hop-global N:T.P=V and --hop-host N:FILE, not --src-global, --dst-global, --src-host or --dst-host");
		return -1;
	}
	if (o->matrix && (o->n_src || o->n_dst || o->src_host || o->dst_host)) {
		pc_cli_error(cli, "check: --matrix compares every pair in its default configuration: it excludes --src-global, --dst-global, --src-host and --dst-host (check one pair with --from A --to B)");
		return -1;
	}
	if (o->default_only &&
	    (o->chain || o->matrix || o->release_matrix || o->from || o->to)) {
		pc_cli_error(cli, "check: --default-config-only applies to the main job (the tree against the recorded releases); the other modes check the default configuration, or the one --vm-device gives");
		return -1;
	}
	if (!o->chain && !o->matrix && !o->release_matrix && !o->from && !o->to &&
	    o->n_src) {
		pc_cli_error(cli, "check: the main job starts the tree with the --dst-global overrides in both directions; --src-global needs one pair (--from A --to B)");
		return -1;
	}
	return 0;
}

static void free_opts(struct opts *o)
{
	free(o->src_globals);
	free(o->dst_globals);
	free(o->hop_globals);
	free(o->hop_hosts);
	free(o->vmdevs);
}

_Static_assert(PC_JOB_COMPATIBLE == PC_EXIT_OK &&
	       PC_JOB_INCOMPATIBLE == PC_EXIT_INCOMPATIBLE &&
	       PC_JOB_ERROR == PC_EXIT_ERROR,
	       "a job's status is check's exit status");

/* the library's specification of the job the options ask for */
static void job_spec(const struct opts *o, struct pc_job_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = o->chain ? PC_JOB_CHAIN
		  : o->matrix ? PC_JOB_MATRIX
		  : o->release_matrix ? PC_JOB_RELEASE_MATRIX
		  : (o->from || o->to) ? PC_JOB_PAIR : PC_JOB_MAIN;
	s->machine = o->machine;
	s->from = o->from;
	s->to = o->to;
	s->chain = o->chain;
	s->smp = o->smp;
	s->src_globals = o->src_globals;
	s->n_src_globals = o->n_src;
	s->dst_globals = o->dst_globals;
	s->n_dst_globals = o->n_dst;
	s->src_host = o->src_host;
	s->dst_host = o->dst_host;
	s->hop_globals = o->hop_globals;
	s->n_hop_globals = o->n_hopg;
	s->hop_hosts = o->hop_hosts;
	s->n_hop_hosts = o->n_hoph;
	s->carry = o->carry;
	s->vm_devices = o->vmdevs;
	s->n_vm_devices = o->n_vmdevs;
	s->default_config_only = o->default_only;
	s->shard = o->shard_k;
	s->nshards = o->shard_n;
}

/* check --from/--to with a QEMU dump on one side */
static int do_dump_pair(struct pc_cli *cli, const struct opts *o)
{
	struct pc_dump_pair_spec spec = {
		.from = o->from ? o->from : "tree",
		.to = o->to ? o->to : "tree",
		.machine = o->machine,
		.smp = o->smp,
		.devices = o->vmdevs,
		.n_devices = o->n_vmdevs,
	};

	if (cli->format == PC_FMT_HTML) {
		pc_cli_error(cli, "check: --format html does not render a pair with a QEMU dump side (text or json do)");
		return PC_EXIT_ERROR;
	}
	if (o->n_src || o->n_dst || o->src_host || o->dst_host) {
		pc_cli_error(cli, "check: overrides and hosts do not apply to a QEMU dump side");
		return PC_EXIT_ERROR;
	}
	return pc_cli_check_dump_pair(cli, &spec);
}

static int do_release_matrix(struct pc_cli *cli, struct pc_job *j)
{
	struct pc_err err = { 0 };
	struct pc_job_matrix_counts n;
	struct pc_matrix mx;

	if (pc_job_release_matrix(j, &mx, &n, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	pc_cli_release_matrix_render(cli, &mx, &n, (int)j->status);
	pc_matrix_release(&mx);
	return (int)j->status;
}

/* load, show what is checked, run, render */
static int do_job(struct pc_cli *cli, struct pc_job *j)
{
	struct pc_err err = { 0 };

	pc_heap_reserve();
	if (pc_job_load(j, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	pc_cli_check_header(cli, j);
	if (pc_job_run(j, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return PC_EXIT_ERROR;
	}
	pc_cli_check_render(cli, j);
	return (int)j->status;
}

int cmd_check(struct pc_cli *cli, int argc, char **argv)
{
	struct opts o;
	struct pc_job_spec spec;
	struct pc_side_env env;
	struct pc_job j;
	struct pc_err err = { 0 };
	int status;

	if (pc_cli_wants_help(argc, argv)) {
		check_help(cli->out);
		return PC_EXIT_OK;
	}
	if (parse(cli, argc, argv, &o)) {
		free_opts(&o);
		return PC_EXIT_ERROR;
	}
	job_spec(&o, &spec);
	pc_cli_side_env(cli, &env);
	if (pc_job_init(&j, &env, &spec, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		status = PC_EXIT_ERROR;
	} else if (spec.mode == PC_JOB_PAIR &&
		   ((o.from && pc_dump_side_is_qemu_dump(o.from)) ||
		    (o.to && pc_dump_side_is_qemu_dump(o.to)))) {
		status = do_dump_pair(cli, &o);
	} else if (o.all_machines) {
		status = pc_cli_check_all(cli, &spec, &env);
	} else if (spec.mode == PC_JOB_RELEASE_MATRIX) {
		status = do_release_matrix(cli, &j);
	} else {
		status = do_job(cli, &j);
	}
	pc_job_release(&j);
	free_opts(&o);
	return status;
}
