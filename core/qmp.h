/*
 * qmp.h - running a real QEMU binary: once to completion (-dump-vmstate),
 * or paused (-S) with a QMP monitor on a private socket, to ask it
 * questions (qom-list, qom-get, query-version).
 *
 * The process is ours alone: it is started with its standard input on
 * /dev/null and its standard output and error in a file of a private
 * temporary directory (mode 0700), and it dies with us (PR_SET_PDEATHSIG).
 * Every wait has a deadline; pc_qemu_stop() always reaps it: QMP `quit`,
 * then SIGTERM, then SIGKILL of that pid only, and removes the directory.
 * Nothing here prints: errors go to struct pc_err, with what QEMU wrote.
 */
#ifndef PC_QMP_H
#define PC_QMP_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

struct json_t;

struct pc_qemu {
	pid_t pid;          /* 0: not running */
	int fd;             /* the QMP connection, -1 when closed */
	char *dir;          /* private directory: qmp.sock, qemu.log */
	double timeout;     /* seconds each step may take */
	struct pc_strbuf in; /* bytes read from the monitor, not yet parsed */
};

/*
 * Start 'binary' with 'args' (NULL-ended, without argv[0]) and a QMP
 * monitor added by us, connect, read the greeting and leave command mode
 * negotiated (qmp_capabilities).  A QEMU that exits first is an error
 * carrying the last lines it wrote (an unknown -device, a missing
 * property); one that neither connects nor exits within 'timeout'
 * seconds is killed.  Returns 0, or -1 with 'err' set and nothing left
 * running.
 */
int pc_qemu_start(struct pc_qemu *q, const char *binary,
		  const char *const *args, double timeout, struct pc_err *err);

/*
 * Run one QMP command ('args' may be NULL; its reference is taken) and
 * return its "return" value (a new reference), skipping events.  A QMP
 * error is -1 with its class and description in 'err' (the process goes
 * on); a closed connection or a timeout is -1 too.
 */
struct json_t *pc_qemu_cmd(struct pc_qemu *q, const char *cmd,
			   struct json_t *args, struct pc_err *err);

/* Quit QEMU (QMP quit, then SIGTERM, then SIGKILL, each with a deadline),
 * reap it and remove its directory.  Safe to call again, and after a
 * pc_qemu_start() that failed. */
void pc_qemu_stop(struct pc_qemu *q);

/*
 * Run 'binary' with 'args' to completion, within 'timeout' seconds (then
 * it is killed): 0 when it exited with status 0, else -1 with 'err'
 * naming the status and the last lines it wrote.
 */
int pc_qemu_run(const char *binary, const char *const *args, double timeout,
		struct pc_err *err);

/*
 * pc_qemu_run() with 'opt FILE' added to 'args', FILE a fresh path in a
 * private directory, for an option that makes QEMU write a file and exit
 * (-dump-vmstate): the file's bytes in *text (NUL-terminated, at most
 * 'max' bytes; the caller frees), the file removed.
 */
int pc_qemu_run_output(const char *binary, const char *const *args,
		       const char *opt, double timeout, size_t max,
		       char **text, struct pc_err *err);

#endif /* PC_QMP_H */
