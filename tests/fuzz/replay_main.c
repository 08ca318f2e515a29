/*
 * replay_main.c - a libFuzzer-compatible driver for the ordinary compiler:
 * runs LLVMFuzzerTestOneInput() once over each file named on the command
 * line.  `make check` links it with every tests/fuzz/fuzz_NAME.c into
 * tests/fuzz/replay-NAME and replays tests/fuzz/corpus/NAME/ (a crash,
 * an abort or a sanitizer report fails the test).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "util.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct pc_err e = { 0 };
		char *buf;
		size_t len;

		if (pc_read_file(argv[i], 1u << 26, &buf, &len, &e)) {
			fprintf(stderr, "replay: %s\n", e.msg);
			return 2;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		free(buf);
	}
	return 0;
}
