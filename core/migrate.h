/*
 * migrate.h - a real migration stream between two processes, every field
 * verified (Documentation/stream-format.md; `plugcheck migrate`,
 * core/cli/cmd-migrate.c, parses the options and prints the runs).
 *
 * Two halves, one protocol:
 *
 *  - the roles: a source process loads only the source side, generates
 *    every device's state and writes the stream to a descriptor; a
 *    destination process loads only the destination side and reads the
 *    stream strictly by its own layouts.  Each returns a JSON report (the
 *    fields it wrote or read) and an exit status.
 *  - the run: the parent starts this program (/proc/self/exe) once per
 *    role with the caller's arguments followed by the role options below,
 *    the stream on fd 3 and the report on fd 4, collects the reports
 *    (killing a child that outlives the timeout) and compares what was
 *    sent with what arrived.  Two builds of one plugin therefore never
 *    share a process.
 *
 * The role options a child receives (the caller's command line must
 * accept them and fill a struct pc_migrate_role from them):
 *   --role source|dest --side SPEC [--machine M] [--smp N --seed S]
 *   [--untagged] --stream-fd 3 | --stream-file FILE --report-fd 4
 *   [--vm-device D]... [--global T.P=V]...
 *
 * Nothing here prints.  Statuses are the exit statuses of `plugcheck`:
 * PC_MIGRATE_OK, _REFUSED (the destination refused the state), _ERROR.
 */
#ifndef PC_MIGRATE_H
#define PC_MIGRATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "side.h"
#include "util.h"

enum pc_migrate_status {
	PC_MIGRATE_OK = 0,
	PC_MIGRATE_REFUSED = 1,
	PC_MIGRATE_ERROR = 2,
};

#define PC_MIGRATE_STREAM_FD 3
#define PC_MIGRATE_REPORT_FD 4

/* ---------------------------------------------------------------- roles */

/* One role's parameters (borrowed). */
struct pc_migrate_role {
	const char *side;                  /* side spec (side.h) */
	const char *machine;               /* source: required; dest: NULL
					    * accepts the stream's */
	int smp;                           /* source: > 0 */
	uint64_t seed;                     /* source */
	bool untagged;                     /* source: no field tags */
	const char *const *globals;        /* -global T.P=V of this side */
	size_t n_globals;
	const char *const *devices;        /* --vm-device specs */
	size_t n_devices;
	int stream_fd;                     /* owned: closed by the role */
	const char *stream_file;           /* dest: a kept stream instead */
	/* errors the process shows on its stderr as they happen (the
	 * report then says "see the messages above"); may be NULL */
	void (*error)(void *ctx, const char *msg);
	void *error_ctx;
};

/*
 * The source role: load r->side, build machine r->machine with r->smp
 * vCPUs, generate every section's state from r->seed (shaped by the
 * plugins' hooks; a baseline borrows the tree's), write the stream to
 * r->stream_fd.  *report (the caller's, json_decref) lists the fields
 * written; returns PC_MIGRATE_OK or PC_MIGRATE_ERROR.
 */
int pc_migrate_source(const struct pc_side_env *env,
		      const struct pc_migrate_role *r, json_t **report);

/*
 * The destination role: load r->side, read the stream's header, build
 * its machine type, load the stream by the side's own layouts (running
 * the plugins' post_load hooks unless the side is a baseline).  *report
 * lists the fields read and the messages; returns PC_MIGRATE_OK,
 * _REFUSED or _ERROR (a malformed stream included).
 */
int pc_migrate_dest(const struct pc_side_env *env,
		    const struct pc_migrate_role *r, json_t **report);

/* ------------------------------------------------------------------ run */

/* What every run of a migration shares (borrowed). */
struct pc_migrate_plan {
	/* argv of this program up to the role options: argv[0] and the
	 * global options, ending with the verb; NULL-terminated */
	const char *const *child_args;
	const char *machine;               /* canonical name; NULL: load's */
	uint64_t seed;
	bool untagged;
	int timeout;                       /* seconds a child may take, > 0 */
	const char *const *devices;        /* both sides' --vm-device */
	size_t n_devices;
};

/* One end of a run: a side spec and its -global overrides (borrowed). */
struct pc_migrate_end {
	const char *spec;
	const char *const *globals;
	size_t n_globals;
};

/* One run's outcome: 'j' (owned) holds its JSON (Documentation/
 * stream-format.md, "migrate --format json"); src/dst are borrowed. */
struct pc_migrate_run {
	const char *src, *dst;
	int smp;
	int status;                        /* enum pc_migrate_status */
	json_t *j;
};

/*
 * src -> dst at 'smp' vCPUs: both processes started, the stream piped
 * from one to the other.  -1 (errno set) when a process cannot be
 * started; otherwise 0 and *out filled (its status says how it went).
 */
int pc_migrate_pair(const struct pc_migrate_plan *p,
		    const struct pc_migrate_end *src,
		    const struct pc_migrate_end *dst, int smp,
		    struct pc_migrate_run *out);

/*
 * The temporary file pc_migrate_save() writes for 'path' in this process
 * ("PATH.tmp.PID"; the caller frees), so that a signal handler can remove
 * it.  pc_migrate_save() removes the temporaries of earlier runs whose
 * process is gone (a SIGKILL leaves one behind).
 */
char *pc_migrate_save_temp(const char *path);

/*
 * Only the source, its stream kept in 'path': written to a temporary
 * file beside it, renamed over 'path' when the run is complete.  -1 with
 * 'err' (PC_E_IO) when nothing ran; 0 with *out filled otherwise, and
 * 'err' set when the complete stream could not be kept (out->status is
 * then PC_MIGRATE_ERROR).
 */
int pc_migrate_save(const struct pc_migrate_plan *p,
		    const struct pc_migrate_end *src, int smp,
		    const char *path, struct pc_migrate_run *out,
		    struct pc_err *err);

/* Only the destination, reading the kept stream 'path'.  -1 (errno set)
 * when the process cannot be started. */
int pc_migrate_load(const struct pc_migrate_plan *p, const char *path,
		    const struct pc_migrate_end *dst,
		    struct pc_migrate_run *out);

/* The worst of the runs' statuses; *refused and *errors count them. */
int pc_migrate_status(const struct pc_migrate_run *runs, size_t n,
		      size_t *refused, size_t *errors);

void pc_migrate_run_release(struct pc_migrate_run *r);

/* A run's JSON member as a string ("" when absent) or integer (0). */
const char *pc_migrate_jstr(const json_t *o, const char *key);
json_int_t pc_migrate_jint(const json_t *o, const char *key);

#endif /* PC_MIGRATE_H */
