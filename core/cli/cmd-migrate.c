/*
 * cmd-migrate.c - `plugcheck migrate`: a real migration stream between two
 * processes, every field verified (Documentation/stream-format.md).
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
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "hookctx.h"
#include "report-json.h"
#include "stream.h"

#include "banned.h"

#define CHILD_STREAM_FD 3
#define CHILD_REPORT_FD 4
#define DEFAULT_SEED 0x5eed
#define DEFAULT_TIMEOUT 120
#define MAX_REPORT (64u << 20)

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

/* ------------------------------------------------------------ children */

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

static json_t *fields_json(const struct pc_lfields *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct pc_lfield *f = &l->items[i];
		json_t *o = json_object();

		json_object_set_new(o, "path", json_string(f->path));
		json_object_set_new(o, "shape", json_string(f->shape));
		json_object_set_new(o, "offset", json_integer((json_int_t)f->off));
		json_object_set_new(o, "length", json_integer((json_int_t)f->len));
		json_object_set_new(o, "crc", json_integer((json_int_t)f->crc));
		json_array_append_new(a, o);
	}
	return a;
}

static char *hex64(uint64_t v)
{
	return pc_xasprintf("0x%016" PRIx64, v);
}

static json_t *child_report(const char *role, const char *side)
{
	json_t *r = json_object();

	json_object_set_new(r, "role", json_string(role));
	json_object_set_new(r, "side", json_string(side));
	return r;
}

static int child_fail(json_t *rep, int fd, const char *status, const char *msg)
{
	json_object_set_new(rep, "status", json_string(status));
	if (msg)
		json_object_set_new(rep, "error", json_string(msg));
	send_report(fd, rep);
	return PC_EXIT_ERROR;
}

static int add_overrides(struct pc_side *s, const char **g, size_t n,
			 const char *origin, struct pc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct pc_override ov;

		if (pc_override_parse(g[i], false, origin, &ov, err))
			return -1;
		pc_side_add_override(s, &ov);
		pc_override_release(&ov);
	}
	return 0;
}

/* Find 'name' on 'side' as check does; NULL with the reason in err. */
static const struct pc_machine *side_machine(const struct pc_side *side,
					     const char *name,
					     struct pc_err *err)
{
	const struct pc_machine *m = pc_machine_find(side->machines, name);

	if (!m || !pc_side_knows_machine(side, m)) {
		pc_err_set(err, "%s does not know machine type '%s': a migration with it cannot start (%s)",
			   side->label, name, side->origin ? side->origin : "no such machine type");
		return NULL;
	}
	return m;
}

static int role_source(struct pc_cli *cli, struct mopts *o)
{
	struct pc_side side, tree;
	struct pc_hook_source hs = { NULL };
	struct pc_vm vm;
	struct pc_err err = { 0 };
	struct pc_sdesc **states = NULL;
	struct pc_lfields *fields = NULL;
	struct pc_sio io;
	const struct pc_machine *m = NULL;
	bool bad = false, have_tree = false;
	json_t *rep = child_report("source", o->side), *secs, *shaped;
	char *h;
	int status = PC_EXIT_ERROR;

	signal(SIGPIPE, SIG_IGN);
	memset(&vm, 0, sizeof(vm));
	if (pc_cli_load_side(cli, o->side, &side, &bad)) {
		close(o->stream_fd);
		return child_fail(rep, o->report_fd, "error", "cannot load the source side (see the messages above)");
	}
	if (add_overrides(&side, o->globals, o->n_globals, "--src-global", &err) ||
	    set_devices(cli, &side, o, &err) ||
	    !(m = side_machine(&side, o->machine, &err)) ||
	    pc_side_check_config(&side, m, &err) ||
	    pc_vm_build(&side, m, o->smp, &vm, &err) || pc_vm_resolve(&vm, &err)) {
		close(o->stream_fd);
		pc_side_release(&side);
		return child_fail(rep, o->report_fd, "error", err.msg);
	}
	/* a baseline has no code: the tree's hooks shape its state */
	if (side.project && !pc_cli_load_tree(cli, &tree, &bad)) {
		have_tree = true;
		hs.code = tree.reg;
	}
	states = pc_xcalloc(vm.n_sections + 1, sizeof(*states));
	fields = pc_xcalloc(vm.n_sections + 1, sizeof(*fields));
	shaped = json_array();
	for (size_t i = 0; i < vm.n_sections; i++) {
		const struct pc_rsection *s = &vm.sections[i];
		char *why = NULL;

		states[i] = pc_state_generate(&vm, s, o->seed);
		if (!pc_hooks_count(&hs, s->obj))
			continue;
		if (pc_hooks_shape(&hs, &vm, s->obj, states[i], &why)) {
			char *msg = pc_xasprintf("section '%s' (instance '%s'): the source's own hooks refuse every state the generator can make: %s",
						 s->name, s->instance, why);

			json_object_set_new(rep, "error", json_string(msg));
			free(msg);
			free(why);
			close(o->stream_fd);
			json_decref(shaped);
			goto out;
		}
		json_array_append_new(shaped, json_string(s->instance));
	}
	json_object_set_new(rep, "shaped_by_hooks", shaped);
	pc_sio_init_fd(&io, o->stream_fd, "stream");
	if (pc_stream_write(&io, &vm, states, o->seed,
			    o->untagged ? 0 : PC_STREAM_F_TAGGED, fields, &err)) {
		json_object_set_new(rep, "error", json_string(err.msg));
		pc_sio_release(&io);
		close(o->stream_fd);
		goto out;
	}
	json_object_set_new(rep, "bytes", json_integer((json_int_t)io.off));
	pc_sio_release(&io);
	close(o->stream_fd);
	status = bad ? PC_EXIT_ERROR : PC_EXIT_OK;
out:
	{
		char rel[32];

		pc_version_str(&side.release, rel, sizeof(rel));
		json_object_set_new(rep, "release", json_string(rel));
	}
	json_object_set_new(rep, "machine", json_string(m ? m->name : o->machine));
	json_object_set_new(rep, "smp", json_integer(vm.smp));
	h = hex64(pc_vm_layout_hash(&vm));
	json_object_set_new(rep, "layout_hash", json_string(h));
	free(h);
	json_object_set_new(rep, "hooks_from", json_string(side.project
		? (have_tree ? "the tree (the baseline has no code)" : "none") : "its own plugins"));
	secs = json_array();
	for (size_t i = 0; i < vm.n_sections; i++) {
		json_t *so = json_object();

		json_object_set_new(so, "name", json_string(vm.sections[i].name));
		json_object_set_new(so, "instance", json_string(vm.sections[i].instance));
		json_object_set_new(so, "version", json_integer(vm.sections[i].desc->version_id));
		json_object_set_new(so, "fields", fields_json(&fields[i]));
		json_array_append_new(secs, so);
		pc_sdesc_free(states[i]);
		pc_lfields_release(&fields[i]);
	}
	json_object_set_new(rep, "sections", secs);
	json_object_set_new(rep, "status", json_string(status ? "error" : "ok"));
	send_report(o->report_fd, rep);
	free(states);
	free(fields);
	pc_vm_release(&vm);
	if (have_tree)
		pc_side_release(&tree);
	pc_side_release(&side);
	return status;
}

static const char *lmsg_kind(enum pc_lmsg_kind k)
{
	switch (k) {
	case PC_LMSG_NOTE:
		return "note";
	case PC_LMSG_MISMATCH:
		return "mismatch";
	case PC_LMSG_MALFORMED:
		return "malformed";
	}
	return "?";
}

static int role_dest(struct pc_cli *cli, struct mopts *o)
{
	struct pc_side side;
	struct pc_vm vm;
	struct pc_err err = { 0 };
	struct pc_sio io;
	struct pc_stream_header h;
	struct pc_load_result res;
	struct pc_load_opts lo = { true, NULL };
	const struct pc_machine *m;
	bool bad = false;
	json_t *rep = child_report("dest", o->side), *a;
	int fd = o->stream_fd, status;
	char *s;

	memset(&res, 0, sizeof(res));
	if (o->stream_file) {
		fd = open(o->stream_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			char *msg = pc_xasprintf("%s: cannot open: %s", o->stream_file,
						 strerror(errno));

			status = child_fail(rep, o->report_fd, "error", msg);
			free(msg);
			return status;
		}
	}
	if (pc_cli_load_side(cli, o->side, &side, &bad)) {
		close(fd);
		return child_fail(rep, o->report_fd, "error", "cannot load the destination side (see the messages above)");
	}
	if (add_overrides(&side, o->globals, o->n_globals, "--dst-global", &err) ||
	    set_devices(cli, &side, o, &err) ||
	    pc_side_check_config(&side, NULL, &err)) {
		close(fd);
		pc_side_release(&side);
		return child_fail(rep, o->report_fd, "error", err.msg);
	}
	pc_sio_init_fd(&io, fd, o->stream_file ? o->stream_file : "stream");
	if (pc_stream_read_header(&io, &h, &err)) {
		pc_sio_release(&io);
		close(fd);
		pc_side_release(&side);
		return child_fail(rep, o->report_fd, "malformed", err.msg);
	}
	json_object_set_new(rep, "source_release", json_string(h.release));
	json_object_set_new(rep, "source_side", json_string(h.label));
	json_object_set_new(rep, "machine", json_string(h.machine));
	json_object_set_new(rep, "smp", json_integer(h.smp));
	json_object_set_new(rep, "tagged", json_boolean(h.flags & PC_STREAM_F_TAGGED));
	s = pc_xasprintf("0x%016" PRIx64, h.seed);
	json_object_set_new(rep, "seed", json_string(s));
	free(s);
	m = side_machine(&side, h.machine, &err);
	if (m && o->machine) {
		const struct pc_machine *want = pc_machine_find(side.machines, o->machine);

		if (want != m) {
			pc_err_set(&err, "%s: the stream is for machine type '%s', not '%s'",
				   io.origin, h.machine, o->machine);
			m = NULL;
		}
	}
	if (!m || pc_vm_build(&side, m, (int)h.smp, &vm, &err) ||
	    pc_vm_resolve(&vm, &err)) {
		if (m)
			pc_vm_release(&vm);
		pc_stream_header_release(&h);
		pc_sio_release(&io);
		close(fd);
		pc_side_release(&side);
		return child_fail(rep, o->report_fd, "error", err.msg);
	}
	/* a baseline has no code and so no hooks: only core checks run */
	lo.run_hooks = !side.project;
	pc_stream_load(&io, &h, &vm, &lo, &res);
	close(fd);
	a = json_array();
	for (size_t i = 0; i < res.n_msgs; i++) {
		const struct pc_lmsg *msg = &res.msgs[i];
		json_t *mo = json_object();

		json_object_set_new(mo, "kind", json_string(lmsg_kind(msg->kind)));
		if (msg->kind != PC_LMSG_NOTE) {
			json_object_set_new(mo, "rule",
					    json_string(pc_rule_info(PC_R_STREAM_REJECTED)->id));
			json_object_set_new(mo, "severity", json_string(pc_severity_name(
						    pc_rule_info(PC_R_STREAM_REJECTED)->severity)));
		}
		if (msg->section)
			json_object_set_new(mo, "section", json_string(msg->section));
		if (msg->field)
			json_object_set_new(mo, "field", json_string(msg->field));
		json_object_set_new(mo, "offset", json_integer((json_int_t)msg->offset));
		json_object_set_new(mo, "text", json_string(msg->text));
		json_array_append_new(a, mo);
	}
	json_object_set_new(rep, "messages", a);
	a = json_array();
	for (size_t i = 0; i < res.n_sections; i++) {
		const struct pc_lsection *ls = &res.sections[i];
		json_t *so = json_object();

		json_object_set_new(so, "name", json_string(ls->name));
		json_object_set_new(so, "instance", json_string(ls->instance));
		json_object_set_new(so, "version", json_integer(ls->version));
		json_object_set_new(so, "same_layout", json_boolean(ls->same_layout));
		json_object_set_new(so, "loaded", json_boolean(ls->loaded));
		json_object_set_new(so, "fields", fields_json(&ls->fields));
		json_array_append_new(a, so);
	}
	json_object_set_new(rep, "sections", a);
	json_object_set_new(rep, "same_layout", json_boolean(res.same_layout));
	s = hex64(h.layout_hash);
	json_object_set_new(rep, "source_layout_hash", json_string(s));
	free(s);
	s = hex64(res.own_hash);
	json_object_set_new(rep, "layout_hash", json_string(s));
	free(s);
	json_object_set_new(rep, "hooks_run", json_integer((json_int_t)res.hooks_run));
	json_object_set_new(rep, "hooks_from", json_string(side.project ? "none (a recorded baseline has no code)" : "its own plugins"));
	json_object_set_new(rep, "properties_compared", json_integer((json_int_t)res.props_compared));
	json_object_set_new(rep, "bytes", json_integer((json_int_t)res.bytes));
	status = res.malformed || bad ? PC_EXIT_ERROR
		 : res.mismatches ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	json_object_set_new(rep, "status", json_string(res.malformed ? "malformed"
		: bad ? "error" : res.mismatches ? "refused" : "ok"));
	send_report(o->report_fd, rep);
	pc_load_result_release(&res);
	pc_stream_header_release(&h);
	pc_sio_release(&io);
	pc_vm_release(&vm);
	pc_side_release(&side);
	return status;
}

/* ------------------------------------------------------------ the parent */

struct child {
	pid_t pid;
	int report_fd, err_fd;
	struct pc_strbuf report, errs;
	bool report_open, err_open;
	int status;        /* exit status, or -1 killed */
	bool timed_out;
	json_t *rep;
};

static void argv_add(const char ***argv, size_t *n, size_t *alloc,
		     const char *s)
{
	PC_ALLOC_GROW(*argv, *n + 2, *alloc);
	(*argv)[(*n)++] = s;
	(*argv)[*n] = NULL;
}

static void add_device_args(const char ***a, size_t *n, size_t *alloc,
			    const struct mopts *o)
{
	for (size_t i = 0; i < o->n_devices; i++) {
		argv_add(a, n, alloc, "--vm-device");
		argv_add(a, n, alloc, o->devices[i]);
	}
}

/*
 * The argument vector of one side's process: its role and side, then what
 * both roles share (machine, report fd, devices, the side's overrides),
 * then a source's generation parameters (smp and seed strings non-NULL).
 * The stream is fd 3 unless 'stream_file' names a kept stream.
 */
static void role_argv(const char ***a, size_t *n, size_t *alloc,
		      const char *role, const char *side, const char *machine,
		      const char *smp, const char *seed, const char *stream_file,
		      const struct mopts *o, const char **globals, size_t nglobals)
{
	argv_add(a, n, alloc, "--role");
	argv_add(a, n, alloc, role);
	argv_add(a, n, alloc, "--side");
	argv_add(a, n, alloc, side);
	if (machine) {
		argv_add(a, n, alloc, "--machine");
		argv_add(a, n, alloc, machine);
	}
	if (smp && seed) {
		argv_add(a, n, alloc, "--smp");
		argv_add(a, n, alloc, smp);
		argv_add(a, n, alloc, "--seed");
		argv_add(a, n, alloc, seed);
	}
	argv_add(a, n, alloc, stream_file ? "--stream-file" : "--stream-fd");
	argv_add(a, n, alloc, stream_file ? stream_file : "3");
	argv_add(a, n, alloc, "--report-fd");
	argv_add(a, n, alloc, "4");
	if (smp && seed && o->untagged)
		argv_add(a, n, alloc, "--untagged");
	add_device_args(a, n, alloc, o);
	for (size_t i = 0; i < nglobals; i++) {
		argv_add(a, n, alloc, "--global");
		argv_add(a, n, alloc, globals[i]);
	}
}

/* Start this program as one side.  'stream_fd' becomes fd 3. */
static int spawn(struct pc_cli *cli, const char *const *args, int stream_fd,
		 struct child *c)
{
	int rp[2], ep[2];
	const char **argv = NULL;
	size_t n = 0, alloc = 0;
	char self[PATH_MAX];
	ssize_t len;

	memset(c, 0, sizeof(*c));
	c->status = -1;
	pc_strbuf_init(&c->report);
	pc_strbuf_init(&c->errs);
	if (pipe(rp))
		return -1;
	if (pipe(ep)) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	/* resolved here, not exec'd as /proc/self/exe: under valgrind that
	 * would be the tool, and readlink() gives the program */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		close(rp[0]);
		close(rp[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	self[len] = '\0';
	argv_add(&argv, &n, &alloc, "plugcheck");
	argv_add(&argv, &n, &alloc, "--no-default-plugins");
	for (size_t i = 0; i < cli->n_plugin_dirs; i++) {
		argv_add(&argv, &n, &alloc, "--plugin-dir");
		argv_add(&argv, &n, &alloc, cli->plugin_dirs[i]);
	}
	argv_add(&argv, &n, &alloc, "--machine-dir");
	argv_add(&argv, &n, &alloc, cli->machine_dir);
	argv_add(&argv, &n, &alloc, "--abi-dir");
	argv_add(&argv, &n, &alloc, cli->abi_dir);
	if (cli->allow_unsafe)
		argv_add(&argv, &n, &alloc, "--allow-world-writable");
	argv_add(&argv, &n, &alloc, "migrate");
	for (size_t i = 0; args[i]; i++)
		argv_add(&argv, &n, &alloc, args[i]);
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		free(argv);
		close(rp[0]);
		close(rp[1]);
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (c->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		int fds[3] = { stream_fd, rp[1], ep[1] };

		/* move the three descriptors out of the way, then into place */
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				fds[i] = fcntl(fds[i], F_DUPFD, 10);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[2], 2);
		dup2(fds[2], 1);
		if (fds[0] >= 0)
			dup2(fds[0], CHILD_STREAM_FD);
		else
			close(CHILD_STREAM_FD);
		dup2(fds[1], CHILD_REPORT_FD);
		for (int fd = 5; fd < 1024; fd++)
			close(fd);
		unsetenv("PLUGCHECK_PLUGIN_PATH");
		execv(self, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	free(argv);
	close(rp[1]);
	close(ep[1]);
	c->report_fd = rp[0];
	c->err_fd = ep[0];
	c->report_open = c->err_open = true;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drain(int *fd, bool *open_, struct pc_strbuf *sb)
{
	char buf[65536];
	ssize_t r = read(*fd, buf, sizeof(buf));

	if (r > 0 && sb->len < MAX_REPORT) {
		pc_strbuf_add(sb, buf, (size_t)r);
		return;
	}
	if (r < 0 && errno == EINTR)
		return;
	if (r > 0)
		return; /* over the cap: read and drop */
	close(*fd);
	*open_ = false;
}

/* Collect the reports and exit statuses of 'n' children; kill on timeout. */
static void collect(struct child *cs, size_t n, int timeout)
{
	double deadline = now_s() + timeout;

	for (;;) {
		struct pollfd pfd[8];
		struct {
			int *fd;
			bool *open_;
			struct pc_strbuf *sb;
		} map[8];
		size_t np = 0;
		double left = deadline - now_s();
		int r;

		for (size_t i = 0; i < n; i++) {
			if (cs[i].report_open) {
				pfd[np].fd = cs[i].report_fd;
				pfd[np].events = POLLIN;
				map[np].fd = &cs[i].report_fd;
				map[np].open_ = &cs[i].report_open;
				map[np].sb = &cs[i].report;
				np++;
			}
			if (cs[i].err_open) {
				pfd[np].fd = cs[i].err_fd;
				pfd[np].events = POLLIN;
				map[np].fd = &cs[i].err_fd;
				map[np].open_ = &cs[i].err_open;
				map[np].sb = &cs[i].errs;
				np++;
			}
		}
		if (!np)
			break;
		if (left <= 0) {
			for (size_t i = 0; i < n; i++) {
				if (cs[i].report_open || cs[i].err_open) {
					kill(cs[i].pid, SIGKILL);
					cs[i].timed_out = true;
				}
				if (cs[i].report_open)
					close(cs[i].report_fd);
				if (cs[i].err_open)
					close(cs[i].err_fd);
				cs[i].report_open = cs[i].err_open = false;
			}
			break;
		}
		r = poll(pfd, np, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		for (size_t k = 0; r > 0 && k < np; k++)
			if (pfd[k].revents)
				drain(map[k].fd, map[k].open_, map[k].sb);
	}
	for (size_t i = 0; i < n; i++) {
		int st;

		if (cs[i].pid <= 0)
			continue;
		if (cs[i].timed_out)
			kill(cs[i].pid, SIGKILL);
		while (waitpid(cs[i].pid, &st, 0) < 0 && errno == EINTR)
			;
		cs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (cs[i].report.len)
			cs[i].rep = json_loadb(cs[i].report.buf, cs[i].report.len, 0, NULL);
	}
}

static void child_release(struct child *c)
{
	pc_strbuf_release(&c->report);
	pc_strbuf_release(&c->errs);
	if (c->rep)
		json_decref(c->rep);
}

/* ---- comparing what was sent with what arrived ---- */

struct run {
	const char *src, *dst;
	int smp;
	int status;
	json_t *j;          /* the run's JSON (owned) */
};

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static json_t *find_section(json_t *secs, const char *name, const char *inst)
{
	size_t i;
	json_t *s;

	json_array_foreach(secs, i, s)
		if (!strcmp(jstr(s, "name"), name) &&
		    !strcmp(jstr(s, "instance"), inst))
			return s;
	return NULL;
}

/*
 * Per section: the fields the source wrote against the fields the
 * destination read, in stream order.  A field arrived when the destination
 * read the same bytes (offset, length, CRC) at the same position.
 */
static json_t *compare_fields(json_t *srep, json_t *drep, size_t *sent,
			      size_t *arrived)
{
	json_t *out = json_array(), *ss;
	size_t i;

	*sent = *arrived = 0;
	json_array_foreach(json_object_get(srep, "sections"), i, ss) {
		json_t *sf = json_object_get(ss, "fields");
		json_t *ds = find_section(json_object_get(drep, "sections"),
					  jstr(ss, "name"), jstr(ss, "instance"));
		json_t *df = ds ? json_object_get(ds, "fields") : NULL;
		size_t ns = json_array_size(sf), nd = json_array_size(df), k;

		*sent += ns;
		for (k = 0; k < ns; k++) {
			json_t *a = json_array_get(sf, k);
			json_t *b = k < nd ? json_array_get(df, k) : NULL;

			if (!b || jint(a, "offset") != jint(b, "offset") ||
			    jint(a, "length") != jint(b, "length") ||
			    jint(a, "crc") != jint(b, "crc"))
				break;
			(*arrived)++;
			if (strcmp(jstr(a, "path"), jstr(b, "path"))) {
				json_t *o = json_object();

				json_object_set_new(o, "section", json_string(jstr(ss, "instance")));
				json_object_set_new(o, "kind", json_string("renamed"));
				json_object_set_new(o, "sent", json_string(jstr(a, "path")));
				json_object_set_new(o, "loaded_as", json_string(jstr(b, "path")));
				json_array_append_new(out, o);
			}
		}
		if (k < ns) {
			json_t *a = json_array_get(sf, k);
			json_t *b = k < nd ? json_array_get(df, k) : NULL;
			json_t *o = json_object();
			char *txt;

			if (!ds)
				txt = pc_xasprintf("not loaded: the destination did not accept section '%s'",
						   jstr(ss, "name"));
			else if (!b)
				txt = pc_xasprintf("sent as %s at payload offset %lld (%lld bytes); the destination read nothing there",
						   jstr(a, "shape"), (long long)jint(a, "offset"),
						   (long long)jint(a, "length"));
			else
				txt = pc_xasprintf("sent as %s at payload offset %lld (%lld bytes, crc %08llx); the destination read '%s' as %s at offset %lld (%lld bytes, crc %08llx)",
						   jstr(a, "shape"), (long long)jint(a, "offset"),
						   (long long)jint(a, "length"),
						   (unsigned long long)jint(a, "crc"),
						   jstr(b, "path"), jstr(b, "shape"),
						   (long long)jint(b, "offset"),
						   (long long)jint(b, "length"),
						   (unsigned long long)jint(b, "crc"));
			json_object_set_new(o, "section", json_string(jstr(ss, "instance")));
			json_object_set_new(o, "kind", json_string("first-mismatch"));
			json_object_set_new(o, "rule",
					    json_string(pc_rule_info(PC_R_STREAM_VALUE)->id));
			json_object_set_new(o, "severity", json_string(pc_severity_name(
						    pc_rule_info(PC_R_STREAM_VALUE)->severity)));
			json_object_set_new(o, "field", json_string(jstr(a, "path")));
			json_object_set_new(o, "text", json_string(txt));
			json_object_set_new(o, "not_arrived", json_integer((json_int_t)(ns - k)));
			json_array_append_new(out, o);
			free(txt);
		}
	}
	return out;
}

static const char *child_error(const struct child *c)
{
	if (c->timed_out)
		return "timed out: killed";
	if (!c->rep)
		return c->status == 127 ? "could not start" : "died without a report";
	return jstr(c->rep, "error");
}

/* Build the JSON of one run from its children and decide its status. */
static struct run finish_run(const char *src, const char *dst, int smp,
			     struct child *s, struct child *d)
{
	struct run r = { src, dst, smp, PC_EXIT_OK, json_object() };
	json_t *j = r.j;

	json_object_set_new(j, "source", json_string(src ? src : "(stream)"));
	json_object_set_new(j, "destination", json_string(dst ? dst : "(none)"));
	if (smp)
		json_object_set_new(j, "smp", json_integer(smp));
	if (s) {
		json_object_set_new(j, "source_status", json_string(
			s->timed_out ? "timeout" : s->rep ? jstr(s->rep, "status") : "died"));
		if (s->timed_out || !s->rep || s->status)
			json_object_set_new(j, "source_error", json_string(child_error(s)));
		if (s->errs.len)
			json_object_set_new(j, "source_stderr", json_string(s->errs.buf));
		if (s->timed_out || !s->rep || s->status)
			r.status = PC_EXIT_ERROR;
		if (s->rep && json_object_get(s->rep, "bytes"))
			json_object_set(j, "bytes", json_object_get(s->rep, "bytes"));
	}
	if (d) {
		const char *ds = d->timed_out ? "timeout" : d->rep ? jstr(d->rep, "status") : "died";

		json_object_set_new(j, "destination_status", json_string(ds));
		if (d->errs.len)
			json_object_set_new(j, "destination_stderr", json_string(d->errs.buf));
		if (d->timed_out || !d->rep)
			json_object_set_new(j, "destination_error", json_string(child_error(d)));
		else if (*jstr(d->rep, "error"))
			json_object_set_new(j, "destination_error", json_string(jstr(d->rep, "error")));
		if (d->rep) {
			json_object_set(j, "messages", json_object_get(d->rep, "messages"));
			json_object_set(j, "same_layout", json_object_get(d->rep, "same_layout"));
			json_object_set(j, "hooks_run", json_object_get(d->rep, "hooks_run"));
			json_object_set(j, "machine", json_object_get(d->rep, "machine"));
			if (!smp)
				json_object_set(j, "smp", json_object_get(d->rep, "smp"));
			if (!s)
				json_object_set(j, "bytes", json_object_get(d->rep, "bytes"));
		}
		if (d->timed_out || !d->rep || (d->status != 0 && d->status != 1))
			r.status = PC_EXIT_ERROR;
		/* the exit status must say what the report says: a sanitizer
		 * or a crash after the report also exits non-zero */
		if (d->rep && !d->timed_out &&
		    d->status != (!strcmp(ds, "ok") ? 0 : !strcmp(ds, "refused") ? 1 : 2)) {
			char *msg = pc_xasprintf("exited with status %d, but its report says '%s'",
						 d->status, ds);

			json_object_set_new(j, "destination_error", json_string(msg));
			free(msg);
			r.status = PC_EXIT_ERROR;
		}
		else if (d->status == 1 && r.status != PC_EXIT_ERROR)
			r.status = PC_EXIT_INCOMPATIBLE;
	}
	if (s && d && s->rep && d->rep) {
		size_t sent, arrived;
		json_t *cmp = compare_fields(s->rep, d->rep, &sent, &arrived);

		json_object_set_new(j, "fields_sent", json_integer((json_int_t)sent));
		json_object_set_new(j, "fields_arrived", json_integer((json_int_t)arrived));
		json_object_set_new(j, "fields", cmp);
		json_object_set(j, "source_layout_hash", json_object_get(s->rep, "layout_hash"));
		json_object_set(j, "destination_layout_hash", json_object_get(d->rep, "layout_hash"));
		/* a field that did not arrive intact is a failure even when
		 * the destination found nothing to refuse */
		if (arrived != sent && r.status == PC_EXIT_OK)
			r.status = PC_EXIT_INCOMPATIBLE;
	}
	json_object_set_new(j, "status", json_integer(r.status));
	return r;
}

static void print_run(struct pc_cli *cli, const struct run *r)
{
	json_t *j = r->j, *m;
	size_t i;
	const char *verdict = r->status == PC_EXIT_OK ? "ok"
		: r->status == PC_EXIT_INCOMPATIBLE ? "REFUSED" : "ERROR";

	fprintf(cli->out, "  %-8s -> %-8s smp=%-4lld %s", jstr(j, "source"),
		jstr(j, "destination"), (long long)jint(j, "smp"), verdict);
	if (json_object_get(j, "fields_sent"))
		fprintf(cli->out, ": %lld of %lld fields arrived, %lld bytes, layouts %s, %lld hook%s run",
			(long long)jint(j, "fields_arrived"),
			(long long)jint(j, "fields_sent"), (long long)jint(j, "bytes"),
			json_is_true(json_object_get(j, "same_layout")) ? "identical" : "differ",
			(long long)jint(j, "hooks_run"),
			jint(j, "hooks_run") == 1 ? "" : "s");
	fputc('\n', cli->out);
	if (*jstr(j, "source_error"))
		fprintf(cli->out, "      source: %s\n", jstr(j, "source_error"));
	if (*jstr(j, "destination_error"))
		fprintf(cli->out, "      destination: %s\n", jstr(j, "destination_error"));
	if (r->status != PC_EXIT_OK || cli->verbose) {
		if (*jstr(j, "source_stderr"))
			fprintf(cli->out, "      source said: %s", jstr(j, "source_stderr"));
		if (*jstr(j, "destination_stderr"))
			fprintf(cli->out, "      destination said: %s", jstr(j, "destination_stderr"));
	}
	json_array_foreach(json_object_get(j, "messages"), i, m) {
		const char *kind = jstr(m, "kind");

		if (!strcmp(kind, "note") && !cli->verbose)
			continue;
		fprintf(cli->out, "      %s: %s\n", kind, jstr(m, "text"));
	}
	json_array_foreach(json_object_get(j, "fields"), i, m) {
		if (!strcmp(jstr(m, "kind"), "renamed")) {
			if (cli->verbose)
				fprintf(cli->out, "      note: %s: '%s' arrived as '%s'\n",
					jstr(m, "section"), jstr(m, "sent"),
					jstr(m, "loaded_as"));
			continue;
		}
		fprintf(cli->out, "      %s: first field that did not arrive: '%s' %s (%lld field%s not arrived)\n",
			jstr(m, "section"), jstr(m, "field"), jstr(m, "text"),
			(long long)jint(m, "not_arrived"),
			jint(m, "not_arrived") == 1 ? "" : "s");
	}
}

static int run_pair(struct pc_cli *cli, struct mopts *o, const char *machine,
		    const char *src, const char **sg, size_t nsg,
		    const char *dst, const char **dg, size_t ndg, int smp,
		    struct run *out)
{
	int sp[2];
	struct child cs[2];
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	char smps[16], seed[32];

	if (pipe(sp))
		return -1;
	snprintf(smps, sizeof(smps), "%d", smp);
	snprintf(seed, sizeof(seed), "%" PRIu64, o->seed);
	role_argv(&a, &n, &alloc, "source", src, machine, smps, seed, NULL, o,
		  sg, nsg);
	if (spawn(cli, a, sp[1], &cs[0])) {
		close(sp[0]);
		close(sp[1]);
		free(a);
		return -1;
	}
	close(sp[1]);
	n = 0;
	role_argv(&a, &n, &alloc, "dest", dst, machine, NULL, NULL, NULL, o,
		  dg, ndg);
	if (spawn(cli, a, sp[0], &cs[1])) {
		close(sp[0]);
		kill(cs[0].pid, SIGKILL);
		collect(cs, 1, 1);
		child_release(&cs[0]);
		free(a);
		return -1;
	}
	close(sp[0]);
	free(a);
	collect(cs, 2, o->timeout);
	*out = finish_run(src, dst, smp, &cs[0], &cs[1]);
	child_release(&cs[0]);
	child_release(&cs[1]);
	return 0;
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
		    add_overrides(&side, i ? o->dst_globals : o->src_globals,
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
		const char *s = pc_machine_suggest(ms, name);

		pc_cli_error(cli, "unknown machine type '%s'%s%s%s (see plugcheck list-machines)",
			     name, s ? " (did you mean '" : "", s ? s : "",
			     s ? "'?)" : "");
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
		  struct run *runs, size_t n, const char *mode)
{
	int status = PC_EXIT_OK;
	size_t refused = 0, errors = 0;

	for (size_t i = 0; i < n; i++) {
		if (runs[i].status == PC_EXIT_ERROR)
			errors++;
		else if (runs[i].status == PC_EXIT_INCOMPATIBLE)
			refused++;
	}
	status = errors ? PC_EXIT_ERROR : refused ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
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
		s = pc_json_dump(root);
		fputs(s, cli->out);
		free(s);
		json_decref(root);
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

static int do_save(struct pc_cli *cli, struct mopts *o, const char *machine,
		   int smp)
{
	char *tmp = pc_xasprintf("%s.tmp.%ld", o->save, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	char smps[16], seed[32];
	struct child c;
	struct run r;
	int status;

	if (fd < 0) {
		pc_cli_error(cli, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return PC_EXIT_ERROR;
	}
	snprintf(smps, sizeof(smps), "%d", smp);
	snprintf(seed, sizeof(seed), "%" PRIu64, o->seed);
	role_argv(&a, &n, &alloc, "source", o->from ? o->from : "tree", machine,
		  smps, seed, NULL, o, o->src_globals, o->n_src);
	if (spawn(cli, a, fd, &c)) {
		pc_cli_error(cli, "cannot start the source process: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		free(a);
		return PC_EXIT_ERROR;
	}
	free(a);
	collect(&c, 1, o->timeout);
	r = finish_run(o->from ? o->from : "tree", NULL, smp, &c, NULL);
	child_release(&c);
	/* keep the file only when complete: fsync, then rename over */
	if (r.status == PC_EXIT_OK && (fsync(fd) || rename(tmp, o->save))) {
		pc_cli_error(cli, "%s: cannot write: %s", o->save, strerror(errno));
		r.status = PC_EXIT_ERROR;
	}
	close(fd);
	if (r.status != PC_EXIT_OK)
		unlink(tmp);
	status = output(cli, o, machine, &r, 1, "save");
	if (status == PC_EXIT_OK && cli->format == PC_FMT_TEXT && !cli->quiet)
		fprintf(cli->out, "stream saved to %s\n", o->save);
	json_decref(r.j);
	free(tmp);
	return status;
}

static int do_load(struct pc_cli *cli, struct mopts *o)
{
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	struct child c;
	struct run r;
	int status;

	role_argv(&a, &n, &alloc, "dest", o->to ? o->to : "tree", o->machine,
		  NULL, NULL, o->load, o, o->dst_globals, o->n_dst);
	if (spawn(cli, a, -1, &c)) {
		pc_cli_error(cli, "cannot start the destination process: %s",
			     strerror(errno));
		free(a);
		return PC_EXIT_ERROR;
	}
	free(a);
	collect(&c, 1, o->timeout);
	r = finish_run(o->load, o->to ? o->to : "tree", 0, NULL, &c);
	child_release(&c);
	status = output(cli, o, jstr(r.j, "machine"), &r, 1, "load");
	json_decref(r.j);
	return status;
}

int cmd_migrate(struct pc_cli *cli, int argc, char **argv)
{
	struct mopts o;
	int smps[8];
	size_t n_smps = 0, nruns = 0;
	char *machine = NULL;
	struct run runs[2 * 8];
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
	if (o.role) {
		/* a side's process runs its plugins' post_load hooks */
		cli->need_hooks = true;
		status = !strcmp(o.role, "source") ? role_source(cli, &o)
						   : role_dest(cli, &o);
		free_opts(&o);
		return status;
	}
	if (o.load) {
		status = do_load(cli, &o);
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
		goto out;
	}
	{
		const char *a = o.from ? o.from : "tree", *b = o.to ? o.to : "tree";

		/* the same hardware on both sides: by default, every device
		 * type both builds have (a type only one build has cannot be
		 * in a VM that migrates between them) */
		if (!o.n_devices) {
			if (pc_cli_common_devices(cli, a, b, &common, &n_common))
				goto out;
			o.devices = pc_xrealloc(o.devices, (n_common + 1) * sizeof(char *));
			for (size_t i = 0; i < n_common; i++)
				o.devices[o.n_devices++] = common[i];
		}
		if (check_sides(cli, &o, machine, a, b))
			goto out;
		if (cli->format == PC_FMT_TEXT && !cli->quiet)
			fprintf(cli->out, "Migration streams for machine type %s: %s %s %s, seed 0x%" PRIx64 ", %s\n",
				machine, a, o.one_way ? "->" : "<->", b, o.seed,
				o.untagged ? "untagged (as QEMU)" : "tagged fields");
		for (int dir = 0; dir < (o.one_way ? 1 : 2); dir++)
			for (size_t k = 0; k < n_smps; k++) {
				struct run *r = &runs[nruns];
				int rc = dir == 0
					? run_pair(cli, &o, machine, a, o.src_globals, o.n_src,
						   b, o.dst_globals, o.n_dst, smps[k], r)
					: run_pair(cli, &o, machine, b, o.dst_globals, o.n_dst,
						   a, o.src_globals, o.n_src, smps[k], r);

				if (rc) {
					pc_cli_error(cli, "cannot start the migration processes: %s",
						     strerror(errno));
					goto fail;
				}
				nruns++;
			}
	}
	status = output(cli, &o, machine, runs, nruns, "pair");
fail:
	for (size_t i = 0; i < nruns; i++)
		json_decref(runs[i].j);
out:
	for (size_t i = 0; i < n_common; i++)
		free(common[i]);
	free(common);
	free(machine);
	free_opts(&o);
	return status;
}
