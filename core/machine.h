/*
 * machine.h - versioned machine types and their compat entries (QEMU's
 * hw_compat_X_Y / pc_compat_X_Y model), read from descriptor files in
 * machines/.  The file formats are in Documentation/machine-format.md.
 *
 * Resolution follows QEMU (tools/data/qemu-machines/README.md): the
 * chain of a machine is its family's defaults array, then the arrays of
 * every machine it derives from (newest first), then its own arrays; when
 * applied to an object, every matching entry is applied in order, so the
 * later entry wins.
 *
 * Ownership: a struct pc_machine_set owns everything reachable from it;
 * pc_machine_set_free() releases it.
 */
#ifndef PC_MACHINE_H
#define PC_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum pc_machine_status {
	PC_MACHINE_SUPPORTED,  /* registered, not deprecated */
	PC_MACHINE_DEPRECATED, /* registered, deprecated */
	PC_MACHINE_UNREGISTERED, /* described but not registered (too old) */
};

/* A chain entry (its index) under the hash of its driver. */
struct pc_chain_key {
	uint64_t hash;
	size_t entry;
};

struct pc_compat_entry {
	char *driver;
	char *prop;
	char *value;
	bool optional;
	bool has_since;          /* first release that shipped the entry */
	struct pc_version since; /* (defaults to its array's release) */
	bool has_until;          /* first release that no longer had it */
	struct pc_version until; /* (an entry moved to another array) */
	char *array;             /* array name, e.g. "hw_compat_5_1" */
	char *origin;            /* "machines/compat/hw_compat_5_1.compat:12" */
	/* the same as a location: the file is origin[0..file_len), the line
	 * 'line'; file_len 0 for an entry read from a baseline (its origin
	 * is the recorded build's, not a file of this tree) */
	size_t file_len;
	int line;
};

/*
 * Set an array entry's five strings, in one allocation starting at
 * 'driver' (what freeing an array's entries expects).
 */
void pc_compat_entry_set(struct pc_compat_entry *e, const char *driver,
			 const char *prop, const char *value, const char *array,
			 const char *origin);

struct pc_compat_array {
	char *name;
	char *path;
	bool has_release;        /* release whose cycle created the array */
	struct pc_version release;
	struct pc_compat_entry *entries;
	size_t n_entries;
};

struct pc_family {
	char *name;          /* "q35" */
	char *defaults;      /* defaults array name, may be NULL */
	char *latest_alias;  /* "q35": resolves to the newest supported machine */
	char *path;
	/* lines of the statements in 'path', for errors found after parsing
	 * (by pc_machine_set_finalize()); 0 when the family is built in code */
	int line, defaults_line, latest_alias_line;
};

struct pc_machine {
	char *name;            /* "pc-q35-5.1" */
	char *family;          /* "q35" */
	struct pc_version version;
	char **aliases;        /* "pc-5.1" */
	size_t n_aliases;
	enum pc_machine_status status;
	char *derives;         /* "pc-q35-5.2", or NULL for the newest */
	int smp;               /* default vCPUs */
	int max_cpus;
	char **arrays;         /* own arrays, in order */
	size_t n_arrays;
	char *path;
	/* lines of the statements in 'path', for errors found after parsing;
	 * 0 (and NULL arrays, parallel to aliases / arrays) when built in code */
	int line, family_line, derives_line;
	int *alias_lines;
	int *array_lines;
	/* the full chain, filled by pc_machine_set_finalize() (or directly by
	 * a baseline reader): borrowed pointers into arrays' entries, or
	 * entries owned by 'owned' when there are no arrays */
	const struct pc_compat_entry **chain;
	size_t n_chain;
	/* the chain's entries by the hash of their driver, as resolution's
	 * type index has it (resolve.c): computed on first use, published
	 * atomically (machines are shared between threads), dropped with
	 * the chain */
	struct pc_chain_key *chain_keys;
	struct pc_compat_entry *owned;
	size_t n_owned;
};

struct pc_machine_set {
	struct pc_family **families;
	size_t n_families, alloc_families;
	struct pc_machine **machines;
	size_t n_machines, alloc_machines;
	struct pc_compat_array **arrays;
	size_t n_arrays, alloc_arrays;
	/* pc_machine_set_index(): the machines' names and aliases, each to
	 * the first machine answering to it, while the set still has the
	 * 'indexed' machines it had then (0: none; pc_machine_find() scans) */
	struct pc_strmap names;
	size_t *name_machine;
	size_t indexed;
};

struct pc_machine_set *pc_machine_set_new(void);
void pc_machine_set_free(struct pc_machine_set *set);
/*
 * Index the set's names and aliases for pc_machine_find() (done once a
 * set is complete: pc_machine_set_finalize(), a baseline's machine types
 * read).  Machines appended later are not in it: a lookup then scans, as
 * without it.  A set's machines are never renamed or removed.
 */
void pc_machine_set_index(struct pc_machine_set *set);

/*
 * Read every *.family, *.machine and compat/ *.compat file under 'dir' and
 * finalize (resolve derivation chains).  Errors name file:line: syntax,
 * unknown array or family, unknown derived machine, a derivation cycle,
 * duplicate machine names or aliases.  An empty or missing directory is an
 * error.
 */
int pc_machines_load_dir(struct pc_machine_set *set, const char *dir,
			 struct pc_err *err);

/* Parse one file into 'set' (dispatch on the suffix). */
int pc_machines_load_file(struct pc_machine_set *set, const char *path,
			  struct pc_err *err);

/* Resolve derivations and build every machine's chain. */
int pc_machine_set_finalize(struct pc_machine_set *set, struct pc_err *err);

/*
 * Find a machine by name or alias, or by a family's latest alias ("q35").
 * Returns NULL when unknown; pc_machine_suggest() then gives the closest
 * name (or NULL).
 */
const struct pc_machine *pc_machine_find(const struct pc_machine_set *set,
					 const char *name);
/* The compat array named 'name' (exactly), or NULL. */
struct pc_compat_array *pc_machine_find_array(const struct pc_machine_set *set,
					      const char *name);
const char *pc_machine_suggest(const struct pc_machine_set *set,
			       const char *name);

/* The newest machine of a family that is not unregistered. */
const struct pc_machine *pc_machine_latest(const struct pc_machine_set *set,
					   const char *family);

/*
 * Machine versions sort newest first in listings: a qsort() comparator for
 * an array of 'struct pc_machine *' (like set->machines); ties go by family
 * name, then machine name.
 */
int pc_machine_cmp_newest_first(const void *a, const void *b);

/* True when a build of release 'r' knows machine 'm' (m.version <= r). */
bool pc_machine_known_in(const struct pc_machine *m,
			 const struct pc_version *r);

/* True when entry 'e' had shipped in release 'r'. */
bool pc_compat_entry_in_release(const struct pc_compat_entry *e,
				const struct pc_version *r);

/*
 * The vCPU counts that matter for machine 'm': 1, 2, 4 and the machine's
 * maximum (derived defaults such as num-queues = smp change the layout),
 * limited to [1, max].  Returns how many were written.
 */
size_t pc_machine_smp_set(const struct pc_machine *m, int *out, size_t max);

const char *pc_machine_status_name(enum pc_machine_status s);

#endif /* PC_MACHINE_H */
