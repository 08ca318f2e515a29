/*
 * fuzz.h - what the fuzz targets (tests/fuzz/fuzz_NAME.c) share.
 *
 * Each target defines LLVMFuzzerTestOneInput() and is built twice: by
 * clang with libFuzzer and the sanitizers (`make fuzz`), and by the
 * ordinary compiler with replay_main.c into tests/fuzz/replay-NAME, which
 * `make check` runs over every file of tests/fuzz/corpus/NAME/.  Targets
 * must not leak, print, or keep state between inputs.
 *
 * Most parsers read files (and name them in messages), so inputs are
 * written to a scratch directory of the process, removed at exit.
 */
#ifndef PC_FUZZ_H
#define PC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write 'size' bytes to "<scratch>/<name>" and return that path (a static
 * buffer, valid until the next call).  Aborts when it cannot: a fuzzer
 * that silently tests nothing is worse than one that stops. */
const char *fuzz_file(const char *name, const void *data, size_t size);

/* The scratch directory itself. */
const char *fuzz_dir(void);

#endif /* PC_FUZZ_H */
