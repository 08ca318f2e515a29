/*
 * scan.c - the plugin scanner: load a plugin's code in a forked child and
 * report what happened.  See scan.h and Documentation/hardening.md.
 *
 * The child answers with one message on a pipe ("ok" or "refused:
 * REASON") and leaves with _exit() right away, so that neither the
 * plugin's destructors nor our inherited stdio buffers run twice.  The
 * parent waits for the answer with a deadline, then reaps the child:
 * a signal without an answer is a crash, an exit without an answer is a
 * plugin that called exit(), no answer in time is a hang (SIGKILL).
 */
#define _GNU_SOURCE /* sigabbrev_np */
#include "scan.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "module.h"

#include "banned.h"

#define ANSWER_MAX 4096

bool pc_scan_status_cacheable(enum pc_scan_status s)
{
	switch (s) {
	case PC_SCAN_OK:
	case PC_SCAN_CRASHED:
	case PC_SCAN_EXITED:
	case PC_SCAN_HUNG:
		return true;
	case PC_SCAN_REFUSED:
	case PC_SCAN_ERROR:
		return false;
	}
	return false;
}

static void write_all_fd(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void __attribute__((noreturn))
child_main(struct pc_plugin copy, int fd, pid_t parent)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				    SIGTRAP, SIGSYS };
	struct rlimit nocore = { 0, 0 };
	struct pc_err e = { 0 };
	int dn;

	/* a plugin that hangs dies with its parent, killed or not */
	pc_child_dies_with(parent);
	/* a crashing plugin must die of its signal, visibly to the parent,
	 * whatever handlers the parent (or a sanitizer runtime) installed */
	for (size_t i = 0; i < PC_ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);
	(void)setrlimit(RLIMIT_CORE, &nocore);
	/* our stdout may be a report (JSON): the plugin's chatter goes to
	 * stderr, and it reads nothing */
	dup2(2, 1);
	dn = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (dn >= 0) {
		dup2(dn, 0);
		close(dn);
	}
	/* the copy shares the parent's strings; the child never frees them */
	copy.handle = NULL;
	if (pc_plugin_load_code(&copy, &e)) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		pc_strbuf_addf(&sb, "refused:%s\n", e.msg);
		write_all_fd(fd, sb.buf, sb.len);
	} else {
		write_all_fd(fd, "ok\n", 3);
	}
	_exit(0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_result(struct pc_scan_result *res, enum pc_scan_status st,
		      const char *fmt, ...) PC_PRINTF(3, 4);
static int set_result(struct pc_scan_result *res, enum pc_scan_status st,
		      const char *fmt, ...)
{
	va_list ap;

	res->status = st;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return st == PC_SCAN_OK ? 0 : -1;
}

static const char *sig_name(int signo)
{
	const char *abbrev = sigabbrev_np(signo);

	return abbrev ? abbrev : "?";
}

/*
 * Read the child's one-line answer from 'fd' into 'answer' until EOF, a
 * newline or the deadline; true if the deadline passed (the child hangs).
 */
static bool read_answer(int fd, unsigned timeout_ms, struct pc_strbuf *answer)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { fd, POLLIN, 0 };
		char buf[512];
		ssize_t n;
		int r;

		if (left <= 0)
			return true;
		r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno != EINTR)
			return false;
		if (r <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false; /* EOF: the child is gone or has answered */
		if (answer->len < ANSWER_MAX)
			pc_strbuf_add(answer, buf, (size_t)n);
		/* a whole answer: do not wait for EOF, which a process the
		 * plugin forked may hold back */
		if (answer->len && answer->buf[answer->len - 1] == '\n')
			return false;
	}
}

/* The verdict from how the child ended and what it answered. */
static int scan_verdict(const struct pc_plugin *p, unsigned timeout_ms,
			bool hung, int status, const char *answer,
			struct pc_scan_result *res)
{
	if (hung)
		return set_result(res, PC_SCAN_HUNG,
				  "%s: plugin did not finish loading within %u.%03u s (a hang in its constructor or init?): killed, skipped",
				  p->path, timeout_ms / 1000, timeout_ms % 1000);
	if (WIFSIGNALED(status)) {
		res->signo = WTERMSIG(status);
		return set_result(res, PC_SCAN_CRASHED,
				  "%s: plugin crashed while loading (signal SIG%s: %s, in its constructor or init): skipped",
				  p->path, sig_name(res->signo),
				  strsignal(res->signo));
	}
	/* answered: whatever the child did after is not our concern */
	if (!strcmp(answer, "ok"))
		return set_result(res, PC_SCAN_OK, "%s: ok", p->path);
	/* the child's message already names the file */
	if (pc_str_starts_with(answer, "refused:"))
		return set_result(res, PC_SCAN_REFUSED, "%s",
				  answer + strlen("refused:"));
	res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return set_result(res, PC_SCAN_EXITED,
			  "%s: plugin exited (status %d) while loading, before its init returned (exit() in its constructor or init?): skipped",
			  p->path, res->exit_status);
}

int pc_scan_plugin(const struct pc_plugin *p, unsigned timeout_ms,
		   struct pc_scan_result *res)
{
	struct pc_strbuf answer = PC_STRBUF_INIT;
	bool hung;
	int fds[2], status = 0, ret;
	pid_t pid, self = getpid();

	assert(p && p->path && res);
	memset(res, 0, sizeof(*res));
	if (!timeout_ms)
		timeout_ms = PC_SCAN_TIMEOUT_MS_DEFAULT;
	if (pipe2(fds, O_CLOEXEC))
		return set_result(res, PC_SCAN_ERROR,
				  "%s: cannot scan the plugin: pipe: %s",
				  p->path, strerror(errno));
	/* a plugin that calls exit() in the child would flush our buffers a
	 * second time: empty them first */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		return set_result(res, PC_SCAN_ERROR,
				  "%s: cannot scan the plugin: fork: %s",
				  p->path, strerror(e));
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(*p, fds[1], self);
	}
	close(fds[1]);
	hung = read_answer(fds[0], timeout_ms, &answer);
	close(fds[0]);
	if (hung)
		kill(pid, SIGKILL);
	if (answer.len && answer.buf[answer.len - 1] == '\n')
		answer.buf[--answer.len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = scan_verdict(p, timeout_ms, hung, status,
			   answer.buf, res);
	pc_strbuf_release(&answer);
	return ret;
}
