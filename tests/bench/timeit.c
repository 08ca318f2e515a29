/*
 * timeit.c - run a command several times and print the median wall-clock
 * time (clock_gettime(CLOCK_MONOTONIC)) and the largest peak resident set
 * (getrusage-style ru_maxrss of the child, from wait4()).  Used by
 * tests/bench/run.sh; see Documentation/performance.md.
 *
 * Usage: timeit [-r] [-f] [-p PREP] RUNS COMMAND [ARG...]
 *   -r        the command is expected to refuse its input (exit status 2,
 *             as plugcheck does on a hostile input): that is success, and
 *             any other status a failure
 *   -f        also print the median of the runs' minor page faults (the
 *             child's ru_minflt: its first touches of fresh pages, which
 *             cost some 10 us each on a VM like the one in
 *             Documentation/performance.md)
 *   -p PREP   a shell command run before every timed run, untimed (e.g.
 *             "rm -rf DIR/cache" for a cold start)
 * Output, one line: MEDIAN_SECONDS MAX_RSS_KIB [MEDIAN_FAULTS]
 * Exit status 0 when every run exited 0 or 1 (1 is plugcheck's verdict
 * "incompatible", a normal benchmark outcome), else 2.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 101

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *prep = NULL;
	double t[MAX_RUNS], flt[MAX_RUNS];
	long maxrss = 0;
	int runs, argi = 1, refuse = 0, faults = 0;

	if (argc > argi && !strcmp(argv[argi], "-r")) {
		refuse = 1;
		argi++;
	}
	if (argc > argi && !strcmp(argv[argi], "-f")) {
		faults = 1;
		argi++;
	}
	if (argc > argi + 1 && !strcmp(argv[argi], "-p")) {
		prep = argv[argi + 1];
		argi += 2;
	}
	if (argc - argi < 2) {
		fprintf(stderr, "usage: timeit [-r] [-f] [-p PREP] RUNS COMMAND [ARG...]\n");
		return 2;
	}
	runs = atoi(argv[argi]);
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "timeit: RUNS must be 1..%d\n", MAX_RUNS);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		struct rusage ru;
		double t0;
		pid_t pid;
		int st;

		if (prep && system(prep) != 0) {
			fprintf(stderr, "timeit: preparation '%s' failed\n", prep);
			return 2;
		}
		t0 = now();
		pid = fork();
		if (pid < 0) {
			perror("timeit: fork");
			return 2;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				close(fd);
			}
			execvp(argv[argi + 1], argv + argi + 1);
			perror("timeit: exec");
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("timeit: wait4");
			return 2;
		}
		t[i] = now() - t0;
		flt[i] = (double)ru.ru_minflt;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!WIFEXITED(st) || (refuse ? WEXITSTATUS(st) != 2 : WEXITSTATUS(st) > 1)) {
			fprintf(stderr, "timeit: '%s' failed (status %d)\n",
				argv[argi + 1], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			return 2;
		}
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	qsort(flt, (size_t)runs, sizeof(flt[0]), cmp_double);
	printf("%.4f %ld", runs % 2 ? t[runs / 2]
				   : (t[runs / 2 - 1] + t[runs / 2]) / 2, maxrss);
	if (faults)
		printf(" %.0f", runs % 2 ? flt[runs / 2]
				       : (flt[runs / 2 - 1] + flt[runs / 2]) / 2);
	printf("\n");
	return 0;
}
