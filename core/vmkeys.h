/*
 * vmkeys.h - what the recorded releases gave in the main job's extra
 * configurations, kept across runs (Documentation/performance.md,
 * "Keys of recorded releases' configurations").
 *
 * The main job starts the tree and every recorded release in each extra
 * configuration (vmconfig.h): for a release, a one-device VM resolved
 * from its declarations, its release and its recorded machine types.
 * None of that changes between two runs against the same baselines, so
 * what a release gave -- whether it can start the configuration, and
 * the key of its VM (struct pc_vmkey, check.h) at each vCPU count -- is
 * kept in the cache directory, and a later run compares the tree's VM
 * with the key instead of building the release's again.  A key that
 * differs, or none, and the release is checked in full as before.
 *
 * Validity.  An entry belongs to
 *   - one baseline file as this run found it before reading it: its real
 *     path, device, inode, size, mtime and ctime (the registry cache keys
 *     plugins the same way), and the digest of the declarations file it
 *     names (which reading it verifies);
 *   - one machine type and one configuration label ("TYPE: P=V");
 *   - one plugcheck build: PC_VERSION and the GNU build ID of the code
 *     that computed it (another build, even of the same version, starts
 *     empty: a change to resolution changes keys).
 * A baseline whose stat data differ between the snapshot taken before the
 * baselines are read (pc_vmkeys_snapshot()) and the save is neither used
 * nor kept.  Without a cache directory or a build ID nothing is kept.
 *
 * Failure behaviour: an optimisation, never an input error.  A missing
 * file is an empty one; an unreadable or corrupted one (bad magic, short,
 * lengths out of bounds, checksum) is empty plus a warning, and is
 * rewritten.  pc_vmkeys_save() writes atomically.
 *
 * Ownership: struct pc_vmkeys owns everything it holds;
 * pc_vmkeys_release() frees it.  Nothing here prints.
 */
#ifndef PC_VMKEYS_H
#define PC_VMKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "resolve.h"
#include "util.h"
#include "vmconfig.h"

#define PC_VMKEYS_FORMAT_VERSION 2
/* the seed of the file's checksum (pc_hash64() of all before it) */
#define PC_VMKEYS_SEED 0x564d4b4559533031ULL
/* vCPU counts kept per release and configuration */
#define PC_VMKEYS_MAX_SMP 8

enum pc_vmkeys_state {
	PC_VMKEYS_UNKNOWN,       /* not known yet: check in full */
	PC_VMKEYS_NOT_STARTED,   /* the release cannot start it */
	PC_VMKEYS_STARTED,       /* started; keys[] at each vCPU count */
};

struct pc_vmkeys_entry {
	enum pc_vmkeys_state state;
	size_t n;
	struct pc_vmkey keys[PC_VMKEYS_MAX_SMP];
};

struct pc_vmkeys_id;
struct pc_vmkeys_rel;

struct pc_vmkeys {
	char *dir;                    /* the cache directory, or NULL */
	char *abi_real;               /* the abi directory's real path */
	char *file;                   /* NULL: nothing is kept */
	struct pc_vmkeys_id *snap;    /* the baselines before reading */
	size_t n_snap;
	struct pc_vmkeys_rel *rel;    /* per release of the job */
	size_t n_rel, n_cfg;
	struct pc_vmkeys_entry *e;    /* n_rel x n_cfg, once bound */
	char *buf;                    /* the file read, checked whole */
	size_t len, labels_at, n_file_cfg;
	bool dirty;
};

/*
 * Before the baselines are read: the stat data of every *.json file of
 * ABI_DIR/releases.  'cache_dir' NULL (or no build ID): nothing will be
 * kept, every entry is NULL.
 */
void pc_vmkeys_snapshot(struct pc_vmkeys *vk, const char *cache_dir,
			const char *abi_dir);

/*
 * What was kept for the job's releases (their baselines: side->index) on
 * machine type 'machine', from the file where one was: read and checked
 * whole (a corrupted file sets 'warn').
 */
void pc_vmkeys_open(struct pc_vmkeys *vk, const char *machine,
		    const struct pc_side *releases, size_t n_rel,
		    struct pc_err *warn);

/* Did release 'rel''s own configuration pass pc_side_check() on the
 * machine type (so a run need not check it again)?  Set when it did. */
bool pc_vmkeys_checked(const struct pc_vmkeys *vk, size_t rel);
void pc_vmkeys_set_checked(struct pc_vmkeys *vk, size_t rel);

/* The entries of the run's extra configurations 'cfgs', found by label
 * (once: before pc_vmkeys_entry()). */
void pc_vmkeys_bind(struct pc_vmkeys *vk, const struct pc_vmconfigs *cfgs);

/* Release 'rel''s entry for configuration 'cfg', or NULL when that
 * release is not kept (no baseline, changed, or nothing is kept) or no
 * configuration is bound.  A caller that changes it calls
 * pc_vmkeys_touch(). */
struct pc_vmkeys_entry *pc_vmkeys_entry(struct pc_vmkeys *vk, size_t rel,
					size_t cfg);
void pc_vmkeys_touch(struct pc_vmkeys *vk);

/* Write what is kept when it changed (the configurations bound, none
 * when none was): 0, or -1 with 'err' (the caller warns). */
int pc_vmkeys_save(struct pc_vmkeys *vk, const struct pc_vmconfigs *cfgs,
		   const char *machine, struct pc_err *err);
void pc_vmkeys_release(struct pc_vmkeys *vk);

#endif /* PC_VMKEYS_H */
