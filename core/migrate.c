/*
 * migrate.c - a real migration stream between two processes (migrate.h):
 * the source and destination roles, and the parent's run (start both,
 * collect the reports, compare what was sent with what arrived).
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#include "hookctx.h"
#include "machine.h"
#include "migrate.h"
#include "state.h"
#include "stream.h"

#include "banned.h"

#define MAX_REPORT (64u << 20)
#define PC__STR(x) #x
#define PC_STR(x) PC__STR(x)

/* ---------------------------------------------------------------- roles */

static void role_error(const struct pc_migrate_role *r, const char *msg)
{
	if (r->error)
		r->error(r->error_ctx, msg);
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

/* "0x" and 16 hex digits, as a JSON string */
static json_t *hex64_json(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_string(buf);
}

static json_t *child_report(const char *role, const char *side)
{
	json_t *r = json_object();

	json_object_set_new(r, "role", json_string(role));
	json_object_set_new(r, "side", json_string(side));
	return r;
}

static int child_fail(json_t *rep, const char *status, const char *msg)
{
	json_object_set_new(rep, "status", json_string(status));
	if (msg)
		json_object_set_new(rep, "error", json_string(msg));
	return PC_MIGRATE_ERROR;
}

/* --vm-device specs: the VM configuration, as for check (default: one
 * instance of every concrete type); the reason on the process's stderr */
static int set_devices(const struct pc_migrate_role *r, struct pc_side *s,
		       struct pc_err *err)
{
	for (size_t i = 0; i < r->n_devices; i++) {
		struct pc_err inner = { 0 };

		if (pc_side_add_vm_device(s, r->devices[i], &inner)) {
			role_error(r, inner.msg);
			return pc_err_setc(err, inner.code, "invalid --vm-device '%s'",
					   r->devices[i]);
		}
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
		pc_err_setc(err, PC_E_NOT_FOUND,
			    "%s does not know machine type '%s': a migration with it cannot start (%s)",
			    side->label, name,
			    side->origin ? side->origin : "no such machine type");
		return NULL;
	}
	return m;
}

/* the role's side, with its overrides and devices; the error on stderr */
static int load_role_side(const struct pc_side_env *env,
			  const struct pc_migrate_role *r,
			  struct pc_side *side, bool *bad)
{
	struct pc_err err = { 0 };

	if (pc_side_load_spec(env, r->side, side, bad, &err)) {
		role_error(r, err.msg);
		return -1;
	}
	return 0;
}

/* the source's VM: overrides, devices, machine type, configuration */
static int source_vm(const struct pc_migrate_role *r, struct pc_side *side,
		     struct pc_vm *vm, const struct pc_machine **m,
		     struct pc_err *err)
{
	if (pc_side_add_globals(side, r->globals, r->n_globals, "--src-global",
				err) ||
	    set_devices(r, side, err))
		return -1;
	*m = side_machine(side, r->machine, err);
	if (!*m || pc_side_check_config(side, *m, err) ||
	    pc_vm_build(side, *m, r->smp, vm, err) || pc_vm_resolve(vm, err))
		return -1;
	return 0;
}

/* every section's state, shaped by the hooks of 'hs'; -1 with the
 * report's error when the hooks refuse every state */
static int source_states(const struct pc_hook_source *hs,
			 const struct pc_vm *vm, uint64_t seed,
			 struct pc_sdesc **states, json_t *rep)
{
	json_t *shaped = json_array();

	for (size_t i = 0; i < vm->n_sections; i++) {
		const struct pc_rsection *s = &vm->sections[i];
		char *why = NULL, *msg;

		states[i] = pc_state_generate(vm, s, seed);
		if (!pc_hooks_count(hs, s->obj))
			continue;
		if (!pc_hooks_shape(hs, vm, s->obj, states[i], &why)) {
			json_array_append_new(shaped, json_string(s->instance));
			continue;
		}
		msg = pc_xasprintf("section '%s' (instance '%s'): the source's own hooks refuse every state the generator can make: %s",
				   s->name, s->instance, why);
		json_object_set_new(rep, "error", json_string(msg));
		free(msg);
		free(why);
		json_decref(shaped);
		return -1;
	}
	json_object_set_new(rep, "shaped_by_hooks", shaped);
	return 0;
}

static int source_write(const struct pc_migrate_role *r,
			const struct pc_vm *vm, struct pc_sdesc **states,
			struct pc_lfields *fields, json_t *rep)
{
	struct pc_err err = { 0 };
	struct pc_sio io;
	int rc = 0;

	pc_sio_init_fd(&io, r->stream_fd, "stream");
	if (pc_stream_write(&io, vm, states, r->seed,
			    r->untagged ? 0 : PC_STREAM_F_TAGGED, fields, &err)) {
		json_object_set_new(rep, "error", json_string(err.msg));
		rc = -1;
	} else {
		json_object_set_new(rep, "bytes", json_integer((json_int_t)io.off));
	}
	pc_sio_release(&io);
	return rc;
}

/* the source report's description of the VM and the fields written */
static void source_describe(json_t *rep, const struct pc_side *side,
			    const struct pc_vm *vm, const char *machine,
			    const char *hooks_from,
			    const struct pc_lfields *fields)
{
	char rel[32];
	json_t *secs = json_array();

	pc_version_str(&side->release, rel, sizeof(rel));
	json_object_set_new(rep, "release", json_string(rel));
	json_object_set_new(rep, "machine", json_string(machine));
	json_object_set_new(rep, "smp", json_integer(vm->smp));
	json_object_set_new(rep, "layout_hash", hex64_json(pc_vm_layout_hash(vm)));
	json_object_set_new(rep, "hooks_from", json_string(hooks_from));
	for (size_t i = 0; i < vm->n_sections; i++) {
		json_t *so = json_object();

		json_object_set_new(so, "name", json_string(vm->sections[i].name));
		json_object_set_new(so, "instance", json_string(vm->sections[i].instance));
		json_object_set_new(so, "version", json_integer(vm->sections[i].desc->version_id));
		json_object_set_new(so, "fields", fields_json(&fields[i]));
		json_array_append_new(secs, so);
	}
	json_object_set_new(rep, "sections", secs);
}

int pc_migrate_source(const struct pc_side_env *env,
		      const struct pc_migrate_role *r, json_t **report)
{
	struct pc_side side, tree;
	struct pc_hook_source hs = { NULL };
	struct pc_vm vm;
	struct pc_err err = { 0 };
	struct pc_sdesc **states;
	struct pc_lfields *fields;
	const struct pc_machine *m = NULL;
	bool bad = false, have_tree = false;
	json_t *rep = child_report("source", r->side);
	int status = PC_MIGRATE_ERROR;

	assert(r->machine && r->smp > 0);
	*report = rep;
	memset(&vm, 0, sizeof(vm));
	if (load_role_side(env, r, &side, &bad)) {
		close(r->stream_fd);
		return child_fail(rep, "error", "cannot load the source side (see the messages above)");
	}
	if (source_vm(r, &side, &vm, &m, &err)) {
		close(r->stream_fd);
		pc_side_release(&side);
		return child_fail(rep, "error", err.msg);
	}
	/* a baseline has no code: the tree's hooks shape its state */
	if (side.project) {
		if (!pc_side_load_tree(env, &tree, &bad, &err)) {
			have_tree = true;
			hs.code = tree.reg;
		} else {
			role_error(r, err.msg);
		}
	}
	states = pc_xcalloc(vm.n_sections + 1, sizeof(*states));
	fields = pc_xcalloc(vm.n_sections + 1, sizeof(*fields));
	if (!source_states(&hs, &vm, r->seed, states, rep) &&
	    !source_write(r, &vm, states, fields, rep))
		status = bad ? PC_MIGRATE_ERROR : PC_MIGRATE_OK;
	close(r->stream_fd);
	source_describe(rep, &side, &vm, m ? m->name : r->machine,
			side.project ? (have_tree ? "the tree (the baseline has no code)" : "none")
				     : "its own plugins", fields);
	for (size_t i = 0; i < vm.n_sections; i++) {
		pc_sdesc_free(states[i]);
		pc_lfields_release(&fields[i]);
	}
	json_object_set_new(rep, "status", json_string(status ? "error" : "ok"));
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

static void header_json(json_t *rep, const struct pc_stream_header *h)
{
	json_object_set_new(rep, "source_release", json_string(h->release));
	json_object_set_new(rep, "source_side", json_string(h->label));
	json_object_set_new(rep, "machine", json_string(h->machine));
	json_object_set_new(rep, "smp", json_integer(h->smp));
	json_object_set_new(rep, "tagged", json_boolean(h->flags & PC_STREAM_F_TAGGED));
	json_object_set_new(rep, "seed", hex64_json(h->seed));
}

/* the stream's machine type, which must be the one asked for (if any) */
static const struct pc_machine *dest_machine(const struct pc_side *side,
					     const struct pc_stream_header *h,
					     const char *want_name,
					     const char *origin,
					     struct pc_err *err)
{
	const struct pc_machine *m = side_machine(side, h->machine, err);

	if (m && want_name && pc_machine_find(side->machines, want_name) != m) {
		pc_err_setc(err, PC_E_NOT_FOUND,
			    "%s: the stream is for machine type '%s', not '%s'",
			    origin, h->machine, want_name);
		return NULL;
	}
	return m;
}

static json_t *messages_json(const struct pc_load_result *res)
{
	const struct pc_rule_info *ri = pc_rule_info(PC_R_STREAM_REJECTED);
	json_t *a = json_array();

	for (size_t i = 0; i < res->n_msgs; i++) {
		const struct pc_lmsg *msg = &res->msgs[i];
		json_t *mo = json_object();

		json_object_set_new(mo, "kind", json_string(lmsg_kind(msg->kind)));
		if (msg->kind != PC_LMSG_NOTE) {
			json_object_set_new(mo, "rule", json_string(ri->id));
			json_object_set_new(mo, "severity",
					    json_string(pc_severity_name(ri->severity)));
		}
		if (msg->section)
			json_object_set_new(mo, "section", json_string(msg->section));
		if (msg->field)
			json_object_set_new(mo, "field", json_string(msg->field));
		json_object_set_new(mo, "offset", json_integer((json_int_t)msg->offset));
		json_object_set_new(mo, "text", json_string(msg->text));
		json_array_append_new(a, mo);
	}
	return a;
}

static json_t *lsections_json(const struct pc_load_result *res)
{
	json_t *a = json_array();

	for (size_t i = 0; i < res->n_sections; i++) {
		const struct pc_lsection *ls = &res->sections[i];
		json_t *so = json_object();

		json_object_set_new(so, "name", json_string(ls->name));
		json_object_set_new(so, "instance", json_string(ls->instance));
		json_object_set_new(so, "version", json_integer(ls->version));
		json_object_set_new(so, "same_layout", json_boolean(ls->same_layout));
		json_object_set_new(so, "loaded", json_boolean(ls->loaded));
		json_object_set_new(so, "fields", fields_json(&ls->fields));
		json_array_append_new(a, so);
	}
	return a;
}

/* the destination's report on what it loaded; its status */
static int dest_result(json_t *rep, const struct pc_load_result *res,
		       const struct pc_stream_header *h,
		       const struct pc_side *side, bool bad)
{
	json_object_set_new(rep, "messages", messages_json(res));
	json_object_set_new(rep, "sections", lsections_json(res));
	json_object_set_new(rep, "same_layout", json_boolean(res->same_layout));
	json_object_set_new(rep, "source_layout_hash", hex64_json(h->layout_hash));
	json_object_set_new(rep, "layout_hash", hex64_json(res->own_hash));
	json_object_set_new(rep, "hooks_run", json_integer((json_int_t)res->hooks_run));
	json_object_set_new(rep, "hooks_from", json_string(side->project ? "none (a recorded baseline has no code)" : "its own plugins"));
	json_object_set_new(rep, "properties_compared", json_integer((json_int_t)res->props_compared));
	json_object_set_new(rep, "bytes", json_integer((json_int_t)res->bytes));
	json_object_set_new(rep, "status", json_string(res->malformed ? "malformed"
		: bad ? "error" : res->mismatches ? "refused" : "ok"));
	return res->malformed || bad ? PC_MIGRATE_ERROR
	       : res->mismatches ? PC_MIGRATE_REFUSED : PC_MIGRATE_OK;
}

/* the destination's side with its overrides and configuration; the
 * status when it fails */
static int dest_side(const struct pc_side_env *env,
		     const struct pc_migrate_role *r, struct pc_side *side,
		     bool *bad, json_t *rep)
{
	struct pc_err err = { 0 };

	if (load_role_side(env, r, side, bad))
		return child_fail(rep, "error", "cannot load the destination side (see the messages above)");
	if (pc_side_add_globals(side, r->globals, r->n_globals, "--dst-global",
				&err) ||
	    set_devices(r, side, &err) ||
	    pc_side_check_config(side, NULL, &err)) {
		pc_side_release(side);
		return child_fail(rep, "error", err.msg);
	}
	return PC_MIGRATE_OK;
}

/* the stream's header, then the VM it is for: PC_MIGRATE_OK or the
 * failure's status (nothing left to release then) */
static int dest_prepare(const struct pc_migrate_role *r, struct pc_side *side,
			struct pc_sio *io, struct pc_stream_header *h,
			struct pc_vm *vm, json_t *rep)
{
	struct pc_err err = { 0 };
	const struct pc_machine *m;

	if (pc_stream_read_header(io, h, &err))
		return child_fail(rep, "malformed", err.msg);
	header_json(rep, h);
	m = dest_machine(side, h, r->machine, io->origin, &err);
	if (!m || pc_vm_build(side, m, (int)h->smp, vm, &err) ||
	    pc_vm_resolve(vm, &err)) {
		if (m)
			pc_vm_release(vm);
		pc_stream_header_release(h);
		return child_fail(rep, "error", err.msg);
	}
	return PC_MIGRATE_OK;
}

int pc_migrate_dest(const struct pc_side_env *env,
		    const struct pc_migrate_role *r, json_t **report)
{
	struct pc_side side;
	struct pc_vm vm;
	struct pc_sio io;
	struct pc_stream_header h;
	struct pc_load_result res;
	struct pc_load_opts lo = { true, NULL };
	bool bad = false;
	json_t *rep = child_report("dest", r->side);
	int fd = r->stream_fd, status;

	*report = rep;
	memset(&res, 0, sizeof(res));
	if (r->stream_file) {
		fd = open(r->stream_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			char *msg = pc_xasprintf("%s: cannot open: %s", r->stream_file,
						 strerror(errno));

			status = child_fail(rep, "error", msg);
			free(msg);
			return status;
		}
	}
	status = dest_side(env, r, &side, &bad, rep);
	if (status) {
		close(fd);
		return status;
	}
	pc_sio_init_fd(&io, fd, r->stream_file ? r->stream_file : "stream");
	status = dest_prepare(r, &side, &io, &h, &vm, rep);
	if (status) {
		pc_sio_release(&io);
		close(fd);
		pc_side_release(&side);
		return status;
	}
	/* a baseline has no code and so no hooks: only core checks run */
	lo.run_hooks = !side.project;
	pc_stream_load(&io, &h, &vm, &lo, &res);
	close(fd);
	status = dest_result(rep, &res, &h, &side, bad);
	pc_load_result_release(&res);
	pc_stream_header_release(&h);
	pc_sio_release(&io);
	pc_vm_release(&vm);
	pc_side_release(&side);
	return status;
}

/* ------------------------------------------------------------------ run */

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
			    const struct pc_migrate_plan *p)
{
	for (size_t i = 0; i < p->n_devices; i++) {
		argv_add(a, n, alloc, "--vm-device");
		argv_add(a, n, alloc, p->devices[i]);
	}
}

/*
 * The argument vector of one side's process: its role and side, then what
 * both roles share (machine, report fd, devices, the side's overrides),
 * then a source's generation parameters (smp and seed strings non-NULL).
 * The stream is fd 3 unless 'stream_file' names a kept stream.
 */
static void role_argv(const char ***a, size_t *n, size_t *alloc,
		      const char *role, const struct pc_migrate_end *e,
		      const char *machine, const char *smp, const char *seed,
		      const char *stream_file, const struct pc_migrate_plan *p)
{
	argv_add(a, n, alloc, "--role");
	argv_add(a, n, alloc, role);
	argv_add(a, n, alloc, "--side");
	argv_add(a, n, alloc, e->spec);
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
	argv_add(a, n, alloc, stream_file ? stream_file : PC_STR(PC_MIGRATE_STREAM_FD));
	argv_add(a, n, alloc, "--report-fd");
	argv_add(a, n, alloc, PC_STR(PC_MIGRATE_REPORT_FD));
	if (smp && seed && p->untagged)
		argv_add(a, n, alloc, "--untagged");
	add_device_args(a, n, alloc, p);
	for (size_t i = 0; i < e->n_globals; i++) {
		argv_add(a, n, alloc, "--global");
		argv_add(a, n, alloc, e->globals[i]);
	}
}

/* the pipes of a child: report and stderr, each [read, write] */
static int open_pipes(int rp[2], int ep[2])
{
	if (pipe(rp))
		return -1;
	if (pipe(ep)) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	return 0;
}

static void close_pipes(int rp[2], int ep[2])
{
	close(rp[0]);
	close(rp[1]);
	close(ep[0]);
	close(ep[1]);
}

/* In the child: 'stream_fd' on fd 3, the report pipe on fd 4, stderr
 * and stdout into the error pipe, stdin from /dev/null; then exec. */
static void exec_child(const char *self, const char **argv, int stream_fd,
		       int report_w, int err_w, pid_t parent)
{
	int devnull;

	pc_child_dies_with(parent);
	devnull = open("/dev/null", O_RDONLY);
	int fds[3] = { stream_fd, report_w, err_w };

	/* move the three descriptors out of the way, then into place */
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			fds[i] = fcntl(fds[i], F_DUPFD, 10);
	if (devnull >= 0)
		dup2(devnull, 0);
	dup2(fds[2], 2);
	dup2(fds[2], 1);
	if (fds[0] >= 0)
		dup2(fds[0], PC_MIGRATE_STREAM_FD);
	else
		close(PC_MIGRATE_STREAM_FD);
	dup2(fds[1], PC_MIGRATE_REPORT_FD);
	for (int fd = 5; fd < 1024; fd++)
		close(fd);
	unsetenv("PLUGCHECK_PLUGIN_PATH");
	execv(self, (char *const *)(uintptr_t)argv);
	_exit(127);
}

/* Start this program as one side: the plan's arguments, then 'args'.
 * 'stream_fd' becomes fd 3. */
static int spawn(const struct pc_migrate_plan *p, const char *const *args,
		 int stream_fd, struct child *c)
{
	int rp[2], ep[2];
	const char **argv = NULL;
	size_t n = 0, alloc = 0;
	char self[PATH_MAX];
	ssize_t len;
	pid_t parent;

	memset(c, 0, sizeof(*c));
	c->status = -1;
	pc_strbuf_init(&c->report);
	pc_strbuf_init(&c->errs);
	if (open_pipes(rp, ep))
		return -1;
	/* resolved here, not exec'd as /proc/self/exe: under valgrind that
	 * would be the tool, and readlink() gives the program */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		close_pipes(rp, ep);
		return -1;
	}
	self[len] = '\0';
	for (size_t i = 0; p->child_args[i]; i++)
		argv_add(&argv, &n, &alloc, p->child_args[i]);
	for (size_t i = 0; args[i]; i++)
		argv_add(&argv, &n, &alloc, args[i]);
	/* nothing buffered may be written twice */
	fflush(NULL);
	parent = getpid();
	c->pid = fork();
	if (c->pid < 0) {
		free(argv);
		close_pipes(rp, ep);
		return -1;
	}
	if (c->pid == 0)
		exec_child(self, argv, stream_fd, rp[1], ep[1], parent);
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

/* the open descriptors of the children, for poll() */
struct pollset {
	struct pollfd pfd[8];
	struct {
		int *fd;
		bool *open_;
		struct pc_strbuf *sb;
	} map[8];
	size_t n;
};

static void pollset_add(struct pollset *ps, int *fd, bool *open_,
			struct pc_strbuf *sb)
{
	assert(ps->n < 8);
	ps->pfd[ps->n].fd = *fd;
	ps->pfd[ps->n].events = POLLIN;
	ps->map[ps->n].fd = fd;
	ps->map[ps->n].open_ = open_;
	ps->map[ps->n].sb = sb;
	ps->n++;
}

static void kill_open(struct child *cs, size_t n)
{
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
}

static void reap(struct child *cs, size_t n)
{
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

/* Collect the reports and exit statuses of 'n' children; kill on timeout. */
static void collect(struct child *cs, size_t n, int timeout)
{
	double deadline = now_s() + timeout;

	assert(n <= 4);
	for (;;) {
		struct pollset ps;
		double left = deadline - now_s();
		int r;

		ps.n = 0;
		for (size_t i = 0; i < n; i++) {
			if (cs[i].report_open)
				pollset_add(&ps, &cs[i].report_fd, &cs[i].report_open,
					    &cs[i].report);
			if (cs[i].err_open)
				pollset_add(&ps, &cs[i].err_fd, &cs[i].err_open,
					    &cs[i].errs);
		}
		if (!ps.n)
			break;
		if (left <= 0) {
			kill_open(cs, n);
			break;
		}
		r = poll(ps.pfd, ps.n, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		for (size_t k = 0; r > 0 && k < ps.n; k++)
			if (ps.pfd[k].revents)
				drain(ps.map[k].fd, ps.map[k].open_, ps.map[k].sb);
	}
	reap(cs, n);
}

static void child_release(struct child *c)
{
	pc_strbuf_release(&c->report);
	pc_strbuf_release(&c->errs);
	if (c->rep)
		json_decref(c->rep);
}

/* ---- comparing what was sent with what arrived ---- */

const char *pc_migrate_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

json_int_t pc_migrate_jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static json_t *find_section(json_t *secs, const char *name, const char *inst)
{
	size_t i;
	json_t *s;

	json_array_foreach(secs, i, s)
		if (!strcmp(pc_migrate_jstr(s, "name"), name) &&
		    !strcmp(pc_migrate_jstr(s, "instance"), inst))
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
					  pc_migrate_jstr(ss, "name"), pc_migrate_jstr(ss, "instance"));
		json_t *df = ds ? json_object_get(ds, "fields") : NULL;
		size_t ns = json_array_size(sf), nd = json_array_size(df), k;

		*sent += ns;
		for (k = 0; k < ns; k++) {
			json_t *a = json_array_get(sf, k);
			json_t *b = k < nd ? json_array_get(df, k) : NULL;

			if (!b || pc_migrate_jint(a, "offset") != pc_migrate_jint(b, "offset") ||
			    pc_migrate_jint(a, "length") != pc_migrate_jint(b, "length") ||
			    pc_migrate_jint(a, "crc") != pc_migrate_jint(b, "crc"))
				break;
			(*arrived)++;
			if (strcmp(pc_migrate_jstr(a, "path"), pc_migrate_jstr(b, "path"))) {
				json_t *o = json_object();

				json_object_set_new(o, "section", json_string(pc_migrate_jstr(ss, "instance")));
				json_object_set_new(o, "kind", json_string("renamed"));
				json_object_set_new(o, "sent", json_string(pc_migrate_jstr(a, "path")));
				json_object_set_new(o, "loaded_as", json_string(pc_migrate_jstr(b, "path")));
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
						   pc_migrate_jstr(ss, "name"));
			else if (!b)
				txt = pc_xasprintf("sent as %s at payload offset %lld (%lld bytes); the destination read nothing there",
						   pc_migrate_jstr(a, "shape"), (long long)pc_migrate_jint(a, "offset"),
						   (long long)pc_migrate_jint(a, "length"));
			else
				txt = pc_xasprintf("sent as %s at payload offset %lld (%lld bytes, crc %08llx); the destination read '%s' as %s at offset %lld (%lld bytes, crc %08llx)",
						   pc_migrate_jstr(a, "shape"), (long long)pc_migrate_jint(a, "offset"),
						   (long long)pc_migrate_jint(a, "length"),
						   (unsigned long long)pc_migrate_jint(a, "crc"),
						   pc_migrate_jstr(b, "path"), pc_migrate_jstr(b, "shape"),
						   (long long)pc_migrate_jint(b, "offset"),
						   (long long)pc_migrate_jint(b, "length"),
						   (unsigned long long)pc_migrate_jint(b, "crc"));
			json_object_set_new(o, "section", json_string(pc_migrate_jstr(ss, "instance")));
			json_object_set_new(o, "kind", json_string("first-mismatch"));
			json_object_set_new(o, "rule",
					    json_string(pc_rule_info(PC_R_STREAM_VALUE)->id));
			json_object_set_new(o, "severity", json_string(pc_severity_name(
						    pc_rule_info(PC_R_STREAM_VALUE)->severity)));
			json_object_set_new(o, "field", json_string(pc_migrate_jstr(a, "path")));
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
	return pc_migrate_jstr(c->rep, "error");
}

/* the source's part of a run's JSON; its status */
static int run_source(json_t *j, const struct child *s)
{
	bool failed = s->timed_out || !s->rep || s->status;

	json_object_set_new(j, "source_status", json_string(
		s->timed_out ? "timeout" : s->rep ? pc_migrate_jstr(s->rep, "status") : "died"));
	if (failed)
		json_object_set_new(j, "source_error", json_string(child_error(s)));
	if (s->errs.len)
		json_object_set_new(j, "source_stderr", json_string(s->errs.buf));
	if (s->rep && json_object_get(s->rep, "bytes"))
		json_object_set(j, "bytes", json_object_get(s->rep, "bytes"));
	return failed ? PC_MIGRATE_ERROR : PC_MIGRATE_OK;
}

/* what the destination's report says, copied into the run's JSON */
static void run_dest_report(json_t *j, const struct child *d, bool smp_known,
			    bool have_source)
{
	json_object_set(j, "messages", json_object_get(d->rep, "messages"));
	json_object_set(j, "same_layout", json_object_get(d->rep, "same_layout"));
	json_object_set(j, "hooks_run", json_object_get(d->rep, "hooks_run"));
	json_object_set(j, "machine", json_object_get(d->rep, "machine"));
	if (!smp_known)
		json_object_set(j, "smp", json_object_get(d->rep, "smp"));
	if (!have_source)
		json_object_set(j, "bytes", json_object_get(d->rep, "bytes"));
}

/* the destination's part of a run's JSON; the run's status from
 * 'status' (the source's) and the destination's */
static int run_dest(json_t *j, const struct child *d, bool smp_known,
		    bool have_source, int status)
{
	const char *ds = d->timed_out ? "timeout"
			 : d->rep ? pc_migrate_jstr(d->rep, "status") : "died";

	json_object_set_new(j, "destination_status", json_string(ds));
	if (d->errs.len)
		json_object_set_new(j, "destination_stderr", json_string(d->errs.buf));
	if (d->timed_out || !d->rep)
		json_object_set_new(j, "destination_error", json_string(child_error(d)));
	else if (*pc_migrate_jstr(d->rep, "error"))
		json_object_set_new(j, "destination_error",
				    json_string(pc_migrate_jstr(d->rep, "error")));
	if (d->rep)
		run_dest_report(j, d, smp_known, have_source);
	if (d->timed_out || !d->rep || (d->status != 0 && d->status != 1))
		status = PC_MIGRATE_ERROR;
	/* the exit status must say what the report says: a sanitizer or a
	 * crash after the report also exits non-zero */
	if (d->rep && !d->timed_out &&
	    d->status != (!strcmp(ds, "ok") ? 0 : !strcmp(ds, "refused") ? 1 : 2)) {
		char *msg = pc_xasprintf("exited with status %d, but its report says '%s'",
					 d->status, ds);

		json_object_set_new(j, "destination_error", json_string(msg));
		free(msg);
		status = PC_MIGRATE_ERROR;
	} else if (d->status == 1 && status != PC_MIGRATE_ERROR) {
		status = PC_MIGRATE_REFUSED;
	}
	return status;
}

/* Build the JSON of one run from its children and decide its status. */
static struct pc_migrate_run finish_run(const char *src, const char *dst,
					int smp, struct child *s,
					struct child *d)
{
	struct pc_migrate_run r = { src, dst, smp, PC_MIGRATE_OK, json_object() };
	json_t *j = r.j;

	json_object_set_new(j, "source", json_string(src ? src : "(stream)"));
	json_object_set_new(j, "destination", json_string(dst ? dst : "(none)"));
	if (smp)
		json_object_set_new(j, "smp", json_integer(smp));
	if (s)
		r.status = run_source(j, s);
	if (d)
		r.status = run_dest(j, d, smp != 0, s != NULL, r.status);
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
		if (arrived != sent && r.status == PC_MIGRATE_OK)
			r.status = PC_MIGRATE_REFUSED;
	}
	json_object_set_new(j, "status", json_integer(r.status));
	return r;
}

/* "%d" of smp and "%llu" of the seed, for a source's arguments */
struct gen_args {
	char smp[16], seed[32];
};

static void gen_args(struct gen_args *g, int smp, uint64_t seed)
{
	snprintf(g->smp, sizeof(g->smp), "%d", smp);
	snprintf(g->seed, sizeof(g->seed), "%" PRIu64, seed);
}

int pc_migrate_pair(const struct pc_migrate_plan *p,
		    const struct pc_migrate_end *src,
		    const struct pc_migrate_end *dst, int smp,
		    struct pc_migrate_run *out)
{
	int sp[2];
	struct child cs[2];
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	struct gen_args g;

	assert(p->timeout > 0 && smp > 0);
	if (pipe(sp))
		return -1;
	gen_args(&g, smp, p->seed);
	role_argv(&a, &n, &alloc, "source", src, p->machine, g.smp, g.seed,
		  NULL, p);
	if (spawn(p, a, sp[1], &cs[0])) {
		close(sp[0]);
		close(sp[1]);
		free(a);
		return -1;
	}
	close(sp[1]);
	n = 0;
	role_argv(&a, &n, &alloc, "dest", dst, p->machine, NULL, NULL, NULL, p);
	if (spawn(p, a, sp[0], &cs[1])) {
		close(sp[0]);
		kill(cs[0].pid, SIGKILL);
		collect(cs, 1, 1);
		child_release(&cs[0]);
		free(a);
		return -1;
	}
	close(sp[0]);
	free(a);
	collect(cs, 2, p->timeout);
	*out = finish_run(src->spec, dst->spec, smp, &cs[0], &cs[1]);
	child_release(&cs[0]);
	child_release(&cs[1]);
	return 0;
}

/*
 * Temporaries "PATH.tmp.PID" of earlier runs that were killed (SIGKILL
 * leaves them): removed when their process is gone.
 */
static void remove_stale_temporaries(const char *path)
{
	char *dir = pc_xstrdup(path), *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	char *prefix = pc_xasprintf("%s.tmp.", base);
	size_t pl = strlen(prefix);
	struct dirent *de;
	DIR *d;

	if (slash)
		*slash = '\0';
	d = opendir(slash ? (*dir ? dir : "/") : ".");
	while (d && (de = readdir(d)) != NULL) {
		uint64_t pid;
		char *victim;

		if (strncmp(de->d_name, prefix, pl) || pc_parse_u64(de->d_name + pl, &pid) ||
		    !pid || pid > INT32_MAX)
			continue;
		if (!kill((pid_t)pid, 0) || errno != ESRCH)
			continue; /* its writer is alive (or not ours to judge) */
		victim = slash ? pc_xasprintf("%s/%s", *dir ? dir : "", de->d_name)
			       : pc_xstrdup(de->d_name);
		unlink(victim);
		free(victim);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

char *pc_migrate_save_temp(const char *path)
{
	return pc_xasprintf("%s.tmp.%ld", path, (long)getpid());
}

int pc_migrate_save(const struct pc_migrate_plan *p,
		    const struct pc_migrate_end *src, int smp,
		    const char *path, struct pc_migrate_run *out,
		    struct pc_err *err)
{
	char *tmp = pc_migrate_save_temp(path);
	int fd;

	remove_stale_temporaries(path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	struct gen_args g;
	struct child c;

	if (fd < 0) {
		pc_err_setc(err, PC_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	gen_args(&g, smp, p->seed);
	role_argv(&a, &n, &alloc, "source", src, p->machine, g.smp, g.seed,
		  NULL, p);
	if (spawn(p, a, fd, &c)) {
		pc_err_setc(err, PC_E_IO, "cannot start the source process: %s",
			    strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		free(a);
		return -1;
	}
	free(a);
	collect(&c, 1, p->timeout);
	*out = finish_run(src->spec, NULL, smp, &c, NULL);
	child_release(&c);
	/* keep the file only when complete: fsync, then rename over */
	if (out->status == PC_MIGRATE_OK && (fsync(fd) || rename(tmp, path))) {
		pc_err_setc(err, PC_E_IO, "%s: cannot write: %s", path, strerror(errno));
		out->status = PC_MIGRATE_ERROR;
	}
	close(fd);
	if (out->status != PC_MIGRATE_OK)
		unlink(tmp);
	free(tmp);
	return 0;
}

int pc_migrate_load(const struct pc_migrate_plan *p, const char *path,
		    const struct pc_migrate_end *dst,
		    struct pc_migrate_run *out)
{
	const char **a = NULL;
	size_t n = 0, alloc = 0;
	struct child c;

	role_argv(&a, &n, &alloc, "dest", dst, p->machine, NULL, NULL, path, p);
	if (spawn(p, a, -1, &c)) {
		free(a);
		return -1;
	}
	free(a);
	collect(&c, 1, p->timeout);
	*out = finish_run(path, dst->spec, 0, NULL, &c);
	child_release(&c);
	return 0;
}

int pc_migrate_status(const struct pc_migrate_run *runs, size_t n,
		      size_t *refused, size_t *errors)
{
	*refused = *errors = 0;
	for (size_t i = 0; i < n; i++) {
		if (runs[i].status == PC_MIGRATE_ERROR)
			(*errors)++;
		else if (runs[i].status == PC_MIGRATE_REFUSED)
			(*refused)++;
	}
	return *errors ? PC_MIGRATE_ERROR : *refused ? PC_MIGRATE_REFUSED
						     : PC_MIGRATE_OK;
}

void pc_migrate_run_release(struct pc_migrate_run *r)
{
	json_decref(r->j);
	r->j = NULL;
}
