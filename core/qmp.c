/*
 * qmp.c - a real QEMU process and its QMP monitor (qmp.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qmp.h"

#include "banned.h"

#define QMP_MSG_MAX (16u << 20) /* one monitor message */
#define LOG_TAIL_MAX 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* the last lines QEMU wrote (its log), on one line; caller frees */
static char *log_tail(const char *dir)
{
	char *path = pc_xasprintf("%s/qemu.log", dir), *text = NULL, *s;
	size_t len = 0, from;
	struct pc_err e = { 0 };

	if (pc_read_file(path, 1u << 20, &text, &len, &e)) {
		free(path);
		return pc_xstrdup("");
	}
	free(path);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	from = len > LOG_TAIL_MAX ? len - LOG_TAIL_MAX : 0;
	s = pc_xstrdup(text + from);
	free(text);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return s;
}

/* The child: its own stdin (/dev/null), stdout and stderr (the log); it
 * dies with us. */
static void child_exec(const char *binary, char *const *argv, const char *log,
		       pid_t parent)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log, O_WRONLY | O_APPEND | O_CLOEXEC); /* made by spawn() */

	pc_child_dies_with(parent);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(126);
	execv(binary, argv);
	dprintf(2, "cannot run %s: %s\n", binary, strerror(errno));
	_exit(127);
}

static char *make_dir(struct pc_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = pc_xasprintf("%s/plugcheck-qemu.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		pc_err_setc(err, PC_E_IO, "cannot create a directory for QEMU (%s): %s",
			    dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static void remove_dir(char *dir)
{
	static const char *const files[] = { "qmp.sock", "qemu.log" };

	if (!dir)
		return;
	for (size_t i = 0; i < PC_ARRAY_SIZE(files); i++) {
		char *p = pc_xasprintf("%s/%s", dir, files[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(dir);
}

/* fork and exec 'binary' with 'args' (+ 'extra', both NULL-ended) */
static pid_t spawn(const char *binary, const char *const *args,
		   const char *const *extra, const char *dir, struct pc_err *err)
{
	size_t n = 0, m = 0, k = 0;
	char **argv, *log;
	pid_t pid, self = getpid();

	while (args && args[n])
		n++;
	while (extra && extra[m])
		m++;
	argv = pc_xcalloc(n + m + 2, sizeof(*argv));
	argv[k++] = pc_xstrdup(binary);
	for (size_t i = 0; i < n; i++)
		argv[k++] = pc_xstrdup(args[i]);
	for (size_t i = 0; i < m; i++)
		argv[k++] = pc_xstrdup(extra[i]);
	log = pc_xasprintf("%s/qemu.log", dir);
	if (pc_write_file_atomic(log, "", 0, err)) {
		for (size_t i = 0; i < k; i++)
			free(argv[i]);
		free(argv);
		free(log);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_exec(binary, argv, log, self);
	free(log);
	for (size_t i = 0; i < k; i++)
		free(argv[i]);
	free(argv);
	if (pid < 0)
		pc_err_setc(err, PC_E_IO, "cannot start %s: fork: %s", binary,
			    strerror(errno));
	return pid;
}

/* Wait for 'pid' until 'deadline' (now() clock); its wait status, or -1
 * when it is still running. */
static int wait_until(pid_t pid, double deadline)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return 0; /* not our child any more: nothing to reap */
		if (now() >= deadline)
			return -1;
		nap();
	}
}

/* Make sure 'pid' is gone: SIGTERM, then SIGKILL, each with a grace. */
static void reap(pid_t pid, double grace)
{
	if (pid <= 0)
		return;
	if (wait_until(pid, now()) >= 0)
		return;
	kill(pid, SIGTERM);
	if (wait_until(pid, now() + grace) >= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void describe_exit(struct pc_err *err, const char *binary, int st,
			  const char *dir)
{
	char *tail = log_tail(dir);
	const char *sep = *tail ? ": " : "";

	if (WIFSIGNALED(st))
		pc_err_setc(err, PC_E_INPUT, "%s was killed by signal %d%s%s", binary,
			    WTERMSIG(st), sep, tail);
	else if (WEXITSTATUS(st) == 127 || WEXITSTATUS(st) == 126)
		pc_err_setc(err, PC_E_NOT_FOUND, "%s%s%s", binary, sep,
			    *tail ? tail : "cannot be run");
	else
		pc_err_setc(err, PC_E_INPUT, "%s exited with status %d%s%s", binary,
			    WEXITSTATUS(st), sep, tail);
	free(tail);
}

/* run to completion in 'dir' (made by the caller, removed by it) */
static int run_in(const char *binary, const char *const *args,
		  const char *const *extra, double timeout, const char *dir,
		  struct pc_err *err)
{
	pid_t pid;
	int st, ret = -1;

	pid = spawn(binary, args, extra, dir, err);
	if (pid > 0) {
		st = wait_until(pid, now() + timeout);
		if (st < 0) {
			reap(pid, 1.0);
			pc_err_setc(err, PC_E_INPUT, "%s did not finish within %g s: killed",
				    binary, timeout);
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			describe_exit(err, binary, st, dir);
		} else {
			ret = 0;
		}
	}
	return ret;
}

int pc_qemu_run(const char *binary, const char *const *args, double timeout,
		struct pc_err *err)
{
	char *dir = make_dir(err);
	int ret;

	if (!dir)
		return -1;
	ret = run_in(binary, args, NULL, timeout, dir, err);
	remove_dir(dir);
	return ret;
}

int pc_qemu_run_output(const char *binary, const char *const *args,
		       const char *opt, double timeout, size_t max,
		       char **text, struct pc_err *err)
{
	char *dir = make_dir(err), *out;
	size_t len;
	int ret;

	*text = NULL;
	if (!dir)
		return -1;
	out = pc_xasprintf("%s/out", dir);
	{
		const char *const extra[] = { opt, out, NULL };

		ret = run_in(binary, args, extra, timeout, dir, err);
	}
	if (!ret && pc_read_file(out, max, text, &len, err))
		ret = -1;
	unlink(out);
	free(out);
	remove_dir(dir);
	return ret;
}

/* connect to the monitor once QEMU listens; 0, or -1 with err set */
static int connect_monitor(struct pc_qemu *q, const char *binary, double deadline,
			   struct pc_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *path = pc_xasprintf("%s/qmp.sock", q->dir);
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);

	free(path);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return pc_err_setc(err, PC_E_IO, "the QMP socket path under %s is too long",
				   q->dir);
	for (;;) {
		int st = wait_until(q->pid, now());

		if (st >= 0) {
			q->pid = 0;
			describe_exit(err, binary, st, q->dir);
			return -1;
		}
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd < 0)
			return pc_err_setc(err, PC_E_IO, "socket: %s", strerror(errno));
		if (!connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 0;
		close(q->fd);
		q->fd = -1;
		if (now() >= deadline)
			return pc_err_setc(err, PC_E_INPUT,
					   "%s did not open its QMP monitor within %g s",
					   binary, q->timeout);
		nap();
	}
}

/*
 * QMP sends uint64 values (a size, a -1 sentinel read as u64) that do
 * not fit jansson's json_int_t: quote every integer literal of over 18
 * digits outside strings, so it reaches us as its exact decimal string.
 */
static char *quote_big_ints(const char *s, size_t len)
{
	struct pc_strbuf out = PC_STRBUF_INIT;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		size_t j = i;

		if (in_str) {
			if (s[i] == '\\' && i + 1 < len)
				pc_strbuf_addch(&out, s[i++]);
			else if (s[i] == '"')
				in_str = false;
			pc_strbuf_addch(&out, s[i]);
			continue;
		}
		if (s[i] == '"')
			in_str = true;
		if (s[i] != '-' && (s[i] < '0' || s[i] > '9')) {
			pc_strbuf_addch(&out, s[i]);
			continue;
		}
		j = i + (s[i] == '-');
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j - i > 18 && (j == len || (s[j] != '.' && s[j] != 'e' && s[j] != 'E'))) {
			pc_strbuf_addch(&out, '"');
			pc_strbuf_add(&out, s + i, j - i);
			pc_strbuf_addch(&out, '"');
		} else {
			pc_strbuf_add(&out, s + i, j - i);
		}
		i = j - 1;
	}
	return pc_strbuf_detach(&out);
}

/* one message from the monitor (a JSON object on one line) */
static json_t *read_msg(struct pc_qemu *q, struct pc_err *err)
{
	double deadline = now() + q->timeout;

	for (;;) {
		char *nl = q->in.len ? memchr(q->in.buf, '\n', q->in.len) : NULL;
		char buf[65536];
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		ssize_t r;
		int left;

		if (nl) {
			size_t len = (size_t)(nl - q->in.buf) + 1;
			json_error_t je;
			char *text = quote_big_ints(q->in.buf, len);
			json_t *j = json_loads(text, 0, &je);

			free(text);
			memmove(q->in.buf, q->in.buf + len, q->in.len - len);
			q->in.len -= len;
			if (!j || !json_is_object(j)) {
				json_decref(j);
				pc_err_setc(err, PC_E_INPUT, "QEMU's monitor sent what is not a JSON object: %s",
					    je.text);
				return NULL;
			}
			return j;
		}
		if (q->in.len > QMP_MSG_MAX) {
			pc_err_setc(err, PC_E_LIMIT, "a QMP message over %u bytes", QMP_MSG_MAX);
			return NULL;
		}
		left = (int)((deadline - now()) * 1000);
		if (left <= 0 || poll(&p, 1, left) == 0) {
			/* what QEMU logged is all there is to go on: its
			 * directory goes when it is stopped */
			char *tail = log_tail(q->dir);

			pc_err_setc(err, PC_E_INPUT, "QEMU's monitor did not answer within %g s%s%s",
				    q->timeout, *tail ? "; its log: " : "", tail);
			free(tail);
			return NULL;
		}
		r = read(q->fd, buf, sizeof(buf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			pc_err_setc(err, PC_E_INPUT, "QEMU closed its monitor: %s",
				    r < 0 ? strerror(errno) : "end of file");
			return NULL;
		}
		pc_strbuf_add(&q->in, buf, (size_t)r);
	}
}

/* send(2) it all; no SIGPIPE when QEMU has gone (EPIPE instead) */
static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

json_t *pc_qemu_cmd(struct pc_qemu *q, const char *cmd, json_t *args,
		    struct pc_err *err)
{
	json_t *req = json_object(), *msg, *ret;
	char *text;
	int w;

	json_object_set_new(req, "execute", json_string(cmd));
	if (args)
		json_object_set_new(req, "arguments", args);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text || q->fd < 0) {
		free(text);
		pc_err_setc(err, PC_E_INTERNAL, "QMP %s: no monitor", cmd);
		return NULL;
	}
	w = send_all(q->fd, text, strlen(text));
	if (!w)
		w = send_all(q->fd, "\n", 1);
	free(text);
	if (w) {
		pc_err_setc(err, PC_E_INPUT, "QMP %s: cannot write to the monitor: %s",
			    cmd, strerror(errno));
		return NULL;
	}
	while ((msg = read_msg(q, err))) {
		json_t *e = json_object_get(msg, "error");

		if (e) {
			pc_err_setc(err, PC_E_INPUT, "QMP %s: %s: %s", cmd,
				    json_string_value(json_object_get(e, "class")) ?: "error",
				    json_string_value(json_object_get(e, "desc")) ?: "");
			json_decref(msg);
			return NULL;
		}
		ret = json_object_get(msg, "return");
		if (ret) {
			json_incref(ret);
			json_decref(msg);
			return ret;
		}
		json_decref(msg); /* an event */
	}
	return NULL;
}

int pc_qemu_start(struct pc_qemu *q, const char *binary,
		  const char *const *args, double timeout, struct pc_err *err)
{
	char *chardev;
	json_t *hello, *r;
	double deadline = now() + timeout;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->timeout = timeout;
	pc_strbuf_init(&q->in);
	q->dir = make_dir(err);
	if (!q->dir)
		return -1;
	chardev = pc_xasprintf("unix:%s/qmp.sock,server=on,wait=off", q->dir);
	{
		const char *const extra[] = { "-qmp", chardev, NULL };

		q->pid = spawn(binary, args, extra, q->dir, err);
	}
	free(chardev);
	if (q->pid <= 0 || connect_monitor(q, binary, deadline, err))
		goto fail;
	hello = read_msg(q, err);
	if (!hello)
		goto fail;
	if (!json_object_get(hello, "QMP")) {
		json_decref(hello);
		pc_err_setc(err, PC_E_INPUT, "%s: no QMP greeting on its monitor", binary);
		goto fail;
	}
	json_decref(hello);
	r = pc_qemu_cmd(q, "qmp_capabilities", NULL, err);
	if (!r)
		goto fail;
	json_decref(r);
	return 0;
fail:
	if (q->pid > 0) {
		/* QEMU opens its monitor before it creates the devices: one it
		 * refuses closes the monitor, and its message is in the log */
		int st = wait_until(q->pid, now() + 2.0);

		if (st >= 0) {
			q->pid = 0;
			pc_err_clear(err);
			describe_exit(err, binary, st, q->dir);
		}
	}
	pc_qemu_stop(q);
	return -1;
}

void pc_qemu_stop(struct pc_qemu *q)
{
	if (q->fd >= 0 && q->pid > 0) {
		struct pc_err e = { 0 };
		json_t *r;

		q->timeout = q->timeout > 2 ? 2 : q->timeout;
		r = pc_qemu_cmd(q, "quit", NULL, &e);
		json_decref(r);
		if (r && wait_until(q->pid, now() + 2.0) >= 0)
			q->pid = 0;
	}
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	reap(q->pid, 1.0);
	q->pid = 0;
	remove_dir(q->dir);
	q->dir = NULL;
	pc_strbuf_release(&q->in);
}
