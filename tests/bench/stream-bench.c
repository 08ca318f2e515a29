/*
 * stream-bench.c - migration stream throughput (`make bench-stream`).
 *
 * One device whose state is a single large buffer field (default 256 MiB,
 * the first argument in MiB), on the fixture machine family.  Measured,
 * each the best of three:
 *   copy:      the same number of bytes written into a pipe by a child
 *              process and read by this one, 256 KiB at a time: the floor
 *              any stream through a pipe has to pay;
 *   save+load: a child generates nothing new (the state is generated
 *              before the clock starts) and runs pc_stream_write() into
 *              the pipe; this process runs pc_stream_load() on the other
 *              end, with every check the loader makes (tags, CRCs, field
 *              list, invariants).
 * Printed: MB/s of each and their ratio.  Figures, not a pass/fail test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"

#include "banned.h"

#define CHUNK (256u * 1024u)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static double plain_copy(size_t bytes)
{
	int p[2];
	uint8_t *buf = calloc(1, CHUNK);
	uint8_t *dst = malloc(bytes);
	size_t got = 0;
	double t0;
	pid_t pid;

	if (!buf || !dst || pipe(p))
		exit(2);
	memset(dst, 1, bytes); /* fault the pages in before timing */
	t0 = now();
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (size_t left = bytes; left;) {
			size_t n = left < CHUNK ? left : CHUNK;

			if (write_all(p[1], buf, n))
				_exit(1);
			left -= n;
		}
		_exit(0);
	}
	close(p[1]);
	while (got < bytes) {
		ssize_t r = read(p[0], dst + got, bytes - got < CHUNK ? bytes - got : CHUNK);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	t0 = now() - t0;
	free(buf);
	free(dst);
	return t0;
}

struct bench {
	struct pc_side side;
	struct pc_vm vm;
	struct pc_sdesc *st;
	uint64_t stream_bytes;
};

static void setup(struct bench *b, unsigned mib)
{
	const char *root = getenv("PLUGCHECK_SRCDIR");
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));
	struct pc_err err = { 0 };
	const struct pc_machine *m = NULL;
	char *mdir = pc_xasprintf("%s/tests/fixtures/check/machines",
				  root && *root ? root : ".");
	char *decl = pc_xasprintf(
		"plugcheck-abi 1\nplugin bench 1.0\ntype device abstract\nend\n"
		"type big-dev parent=device section=big-dev\nend\n"
		"vmsd big-dev version=1 min=1\n"
		"  field status u32\n"
		"  field ram buffer size=%u\n"
		"end\n", mib << 20);

	memset(b, 0, sizeof(*b));
	b->side.label = pc_xstrdup("bench");
	b->side.reg = pc_registry_new();
	b->side.own_reg = b->side.own_machines = true;
	b->side.machines = pc_machine_set_new();
	p->name = pc_xstrdup("bench");
	p->version = pc_xstrdup("1.0");
	p->path = pc_xstrdup("<bench>");
	p->decl = decl;
	p->decl_len = strlen(decl);
	if (pc_registry_add_plugin(b->side.reg, p, p->path, &err) ||
	    pc_registry_finalize(b->side.reg, &err) ||
	    pc_machines_load_dir(b->side.machines, mdir, &err) ||
	    !(m = pc_machine_find(b->side.machines, "fx-1.0")) ||
	    pc_vm_build(&b->side, m, 1, &b->vm, &err) ||
	    pc_vm_resolve(&b->vm, &err)) {
		fprintf(stderr, "stream-bench: %s (set PLUGCHECK_SRCDIR to the source tree)\n",
			err.set ? err.msg : "no fixture machine fx-1.0");
		exit(2);
	}
	free(mdir);
	b->st = pc_state_generate(&b->vm, &b->vm.sections[0], 1);
}

static double save_load(struct bench *b, uint16_t flags)
{
	int p[2];
	struct pc_sio in;
	struct pc_stream_header h;
	struct pc_load_result res;
	struct pc_load_opts lo = { false, NULL };
	struct pc_err err = { 0 };
	double t0;
	pid_t pid;
	int st = 0;

	if (pipe(p))
		exit(2);
	t0 = now();
	pid = fork();
	if (pid == 0) {
		struct pc_sio out;

		close(p[0]);
		pc_sio_init_fd(&out, p[1], "bench");
		if (pc_stream_write(&out, &b->vm, &b->st, 1, flags, NULL, &err)) {
			fprintf(stderr, "stream-bench: %s\n", err.msg);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	memset(&res, 0, sizeof(res));
	pc_sio_init_fd(&in, p[0], "bench");
	if (pc_stream_read_header(&in, &h, &err) ||
	    pc_stream_load(&in, &h, &b->vm, &lo, &res) || res.mismatches) {
		fprintf(stderr, "stream-bench: load failed: %s\n",
			err.set ? err.msg : res.n_msgs ? res.msgs[0].text : "?");
		exit(2);
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	t0 = now() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		exit(2);
	b->stream_bytes = res.bytes;
	pc_load_result_release(&res);
	pc_stream_header_release(&h);
	pc_sio_release(&in);
	return t0;
}

int main(int argc, char **argv)
{
	unsigned mib = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 256;
	struct bench b;
	double copy = 1e9, tagged = 1e9, untagged = 1e9;
	double mb;

	if (!mib || mib > 2048) {
		fprintf(stderr, "usage: stream-bench [MiB, 1..2048]\n");
		return 2;
	}
	setup(&b, mib);
	for (int i = 0; i < 3; i++) {
		double t = plain_copy((size_t)mib << 20);

		copy = t < copy ? t : copy;
		t = save_load(&b, PC_STREAM_F_TAGGED);
		tagged = t < tagged ? t : tagged;
		t = save_load(&b, 0);
		untagged = t < untagged ? t : untagged;
	}
	mb = (double)((size_t)mib << 20) / 1e6;
	printf("  migration stream, one %u MiB buffer field, through a pipe (best of 3):\n", mib);
	printf("    plain copy            %8.0f MB/s\n", mb / copy);
	printf("    save+load, tagged     %8.0f MB/s  (%.2fx the plain copy; stream %llu bytes)\n",
	       mb / tagged, copy / tagged, (unsigned long long)b.stream_bytes);
	printf("    save+load, untagged   %8.0f MB/s  (%.2fx the plain copy)\n",
	       mb / untagged, copy / untagged);
	pc_sdesc_free(b.st);
	pc_vm_release(&b.vm);
	pc_side_release(&b.side);
	return 0;
}
