/*
 * fuzz_machine.c - the machine descriptor parser (machine.c): .family,
 * .compat and .machine files and the cross-file finalisation (aliases,
 * derivation chains, cycles).  The input holds up to 8 files separated
 * by NUL bytes; each file's suffix comes from its first word ("family",
 * "machine", else compat), so one input can describe a whole tree.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_util.h"
#include "machine.h"

static const char *suffix_of(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n' || *s == '\t')) {
		s++;
		n--;
	}
	if (n >= 6 && !memcmp(s, "family", 6))
		return "family";
	if (n >= 7 && !memcmp(s, "machine", 7))
		return "machine";
	return "compat";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_machine_set *set = pc_machine_set_new();
	const char *s = (const char *)data, *end = s + size;
	struct pc_err e = { 0 };
	int failed = 0;

	for (int i = 0; i < 8 && s <= end; i++) {
		const char *nul = memchr(s, '\0', (size_t)(end - s));
		size_t n = nul ? (size_t)(nul - s) : (size_t)(end - s);
		char name[32];

		snprintf(name, sizeof(name), "f%d.%s", i, suffix_of(s, n));
		if (!failed && pc_machines_load_file(set, fuzz_file(name, s, n), &e))
			failed = 1;
		if (!nul)
			break;
		s = nul + 1;
	}
	if (!failed)
		(void)pc_machine_set_finalize(set, &e);
	pc_machine_set_free(set);
	return 0;
}
