/*
 * vmkeys.c - the recorded releases' keys in the main job's extra
 * configurations, kept across runs (vmkeys.h).
 *
 * The file, DIR/vmkeys-HASH.bin (HASH: of the abi directory's real path
 * and the machine type), little-endian:
 *
 *   "PCVMKEYS"  u32 format version
 *   u32 n + n bytes    the GNU build ID of the code
 *   u32 n + n bytes    PC_VERSION
 *   u32 n + n bytes    the machine type
 *   u32 C, then C x (u32 n + n bytes)         configuration labels
 *   u32 R, then R x release:
 *       u32 n + n bytes   the baseline's real path
 *       u64 device, inode, size, mtime (ns), ctime (ns), declarations digest
 *       u8 1 when the release's own configuration passed pc_side_check()
 *       C x (u8 state, u8 k, k x (u32 vCPUs, u8 blocked, u64 key))
 *   u64 checksum (pc_hash64 of everything before it)
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "bindex.h"
#include "cache.h"
#include "vmkeys.h"

#include "banned.h"

#define VK_MAGIC "PCVMKEYS"
/* more than any real file: a length beyond it is corruption */
#define VK_MAX_FILE ((size_t)1 << 30)

struct pc_vmkeys_id {
	char *path;   /* real path */
	uint64_t dev, ino, size;
	int64_t mtime, ctime;
};

struct pc_vmkeys_rel {
	const struct pc_vmkeys_id *id;   /* NULL: not kept */
	uint64_t decl;
	bool checked;                    /* passed pc_side_check() on M */
	size_t at;                       /* its entries in buf, or 0 */
};

/* ------------------------------------------------------------ build ID */

struct build_id {
	uintptr_t addr;
	unsigned char id[64];
	size_t n;
};

static const char vk_here;   /* an address in this object's data */

static bool note_build_id(struct build_id *b, const unsigned char *q,
			  const unsigned char *end)
{
	while ((size_t)(end - q) >= sizeof(ElfW(Nhdr))) {
		ElfW(Nhdr) nh;
		size_t name, desc;

		memcpy(&nh, q, sizeof(nh));
		name = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		desc = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		q += sizeof(nh);
		if ((size_t)(end - q) < name + desc)
			return false;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(q, "GNU", 4) && nh.n_descsz &&
		    nh.n_descsz <= sizeof(b->id)) {
			memcpy(b->id, q + name, nh.n_descsz);
			b->n = nh.n_descsz;
			return true;
		}
		q += name + desc;
	}
	return false;
}

static int build_id_of(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct build_id *b = ctx;
	bool mine = false;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;

		if (p->p_type == PT_LOAD && b->addr >= lo &&
		    b->addr - lo < p->p_memsz)
			mine = true;
	}
	if (!mine)
		return 0;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		const unsigned char *q;

		if (p->p_type != PT_NOTE)
			continue;
		q = (const unsigned char *)(info->dlpi_addr + p->p_vaddr);
		if (note_build_id(b, q, q + p->p_memsz))
			break;
	}
	return 1;
}

/* The build ID of the object holding this code; 0 bytes when none. */
static size_t build_id(unsigned char *out, size_t max)
{
	struct build_id b = { (uintptr_t)&vk_here, { 0 }, 0 };

	dl_iterate_phdr(build_id_of, &b);
	if (b.n > max)
		return 0;
	memcpy(out, b.id, b.n);
	return b.n;
}

/* ------------------------------------------------------------ identities */

static bool stat_id(const char *path, struct pc_vmkeys_id *id)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	id->size = (uint64_t)st.st_size;
	id->mtime = pc_timespec_ns(&st.st_mtim);
	id->ctime = pc_timespec_ns(&st.st_ctim);
	return true;
}

static bool same_id(const struct pc_vmkeys_id *a, const struct pc_vmkeys_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime == b->mtime && a->ctime == b->ctime;
}

void pc_vmkeys_snapshot(struct pc_vmkeys *vk, const char *cache_dir,
			const char *abi_dir)
{
	unsigned char id[64];
	char **paths;
	size_t n = 0, alloc = 0;

	memset(vk, 0, sizeof(*vk));
	if (!cache_dir || !abi_dir || !build_id(id, sizeof(id)))
		return;
	vk->abi_real = realpath(abi_dir, NULL);
	if (!vk->abi_real)
		return;
	/* the files the job will read (pc_side_load_baselines()) */
	if (pc_baseline_list(vk->abi_real, &paths, &n, NULL))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct pc_vmkeys_id s;

		s.path = realpath(paths[i], NULL);
		free(paths[i]);
		if (!s.path || !stat_id(s.path, &s)) {
			free(s.path);
			continue;
		}
		PC_ALLOC_GROW(vk->snap, vk->n_snap + 1, alloc);
		vk->snap[vk->n_snap++] = s;
	}
	free(paths);
	vk->dir = pc_xstrdup(cache_dir);
}

static const struct pc_vmkeys_id *snap_find(const struct pc_vmkeys *vk,
					    const char *path)
{
	char *real = path ? realpath(path, NULL) : NULL;
	const struct pc_vmkeys_id *found = NULL;

	for (size_t i = 0; real && i < vk->n_snap && !found; i++)
		if (!strcmp(vk->snap[i].path, real))
			found = &vk->snap[i];
	free(real);
	return found;
}

/* ------------------------------------------------------------ reading */

struct rd {
	const unsigned char *start, *p, *end;
	bool bad;
};

static const unsigned char *rd_take(struct rd *r, size_t n)
{
	const unsigned char *q = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return q;
}

static uint64_t rd_u64(struct rd *r)
{
	const unsigned char *q = rd_take(r, 8);

	return q ? pc_get_le64(q) : 0;
}

static uint32_t rd_u32(struct rd *r)
{
	const unsigned char *q = rd_take(r, 4);

	return q ? pc_get_le32(q) : 0;
}

static unsigned rd_u8(struct rd *r)
{
	const unsigned char *q = rd_take(r, 1);

	return q ? *q : 0;
}

/* a length-prefixed string; *n its length */
static const char *rd_str(struct rd *r, size_t *n)
{
	*n = rd_u32(r);
	return (const char *)rd_take(r, *n);
}

static bool rd_is(struct rd *r, const void *want, size_t len)
{
	size_t n;
	const char *s = rd_str(r, &n);

	return s && n == len && !memcmp(s, want, len);
}

/* One entry into 'e' (NULL: skipped); false on a bad one. */
static bool rd_entry(struct rd *r, struct pc_vmkeys_entry *e)
{
	unsigned state = rd_u8(r), k = rd_u8(r);
	struct pc_vmkeys_entry tmp = { 0 };

	if (state > PC_VMKEYS_STARTED || k > PC_VMKEYS_MAX_SMP ||
	    (state != PC_VMKEYS_STARTED && k))
		return false;
	tmp.state = (enum pc_vmkeys_state)state;
	tmp.n = k;
	for (unsigned i = 0; i < k; i++) {
		tmp.keys[i].smp = (int)rd_u32(r);
		tmp.keys[i].blocked = rd_u8(r) != 0;
		tmp.keys[i].key = rd_u64(r);
	}
	if (r->bad)
		return false;
	if (e)
		*e = tmp;
	return true;
}

/* The release of the job file release 'path' with 'id' and 'decl' is,
 * or SIZE_MAX. */
static size_t job_release(const struct pc_vmkeys *vk, const char *path,
			  size_t n, const struct pc_vmkeys_id *id,
			  uint64_t decl)
{
	for (size_t k = 0; k < vk->n_rel; k++) {
		const struct pc_vmkeys_id *s = vk->rel[k].id;

		if (s && strlen(s->path) == n && !memcmp(s->path, path, n) &&
		    same_id(s, id) && vk->rel[k].decl == decl)
			return k;
	}
	return SIZE_MAX;
}

/* One release of the file: validated; its entries' offset and its
 * checked flag kept when it is one of the job's. */
static bool rd_release(struct pc_vmkeys *vk, struct rd *r, size_t n_file_cfg)
{
	struct pc_vmkeys_id id;
	size_t n, k, at;
	const char *path = rd_str(r, &n);
	uint64_t decl;
	unsigned checked;

	id.dev = rd_u64(r);
	id.ino = rd_u64(r);
	id.size = rd_u64(r);
	id.mtime = (int64_t)rd_u64(r);
	id.ctime = (int64_t)rd_u64(r);
	decl = rd_u64(r);
	checked = rd_u8(r);
	if (!path || r->bad || checked > 1)
		return false;
	at = (size_t)(r->p - r->start);
	for (size_t c = 0; c < n_file_cfg; c++)
		if (!rd_entry(r, NULL))
			return false;
	k = job_release(vk, path, n, &id, decl);
	if (k != SIZE_MAX) {
		vk->rel[k].checked = checked;
		vk->rel[k].at = at;
	}
	return true;
}

/* The whole file checked; the job's releases found in it. */
static bool rd_file(struct pc_vmkeys *vk, const unsigned char *buf,
		    size_t len, const char *machine)
{
	struct rd r = { buf, buf, buf + len - 8, false };
	unsigned char id[64];
	size_t nid = build_id(id, sizeof(id)), nr;
	bool ok = true;

	if (rd_u64(&r) != pc_get_le64((const unsigned char *)VK_MAGIC) ||
	    rd_u32(&r) != PC_VMKEYS_FORMAT_VERSION || !rd_is(&r, id, nid) ||
	    !rd_is(&r, PC_VERSION, strlen(PC_VERSION)) ||
	    !rd_is(&r, machine, strlen(machine)))
		return !r.bad; /* another build: start empty quietly */
	vk->n_file_cfg = rd_u32(&r);
	if (vk->n_file_cfg > len)
		return false;
	vk->labels_at = (size_t)(r.p - r.start);
	for (size_t c = 0; c < vk->n_file_cfg && ok; c++) {
		size_t n;

		ok = rd_str(&r, &n) != NULL;
	}
	nr = ok ? rd_u32(&r) : 0;
	for (size_t k = 0; k < nr && ok; k++)
		ok = rd_release(vk, &r, vk->n_file_cfg);
	return ok && !r.bad && r.p == r.end;
}

/* ------------------------------------------------------------ open */

static char *file_name(const struct pc_vmkeys *vk, const char *machine)
{
	uint64_t h = pc_hash64(vk->abi_real, strlen(vk->abi_real) + 1, PC_VMKEYS_SEED);

	h = pc_hash64(machine, strlen(machine), h);
	return pc_xasprintf("%s/vmkeys-%016llx.bin", vk->dir,
			    (unsigned long long)h);
}

static void load_file(struct pc_vmkeys *vk, const char *machine,
		      struct pc_err *warn)
{
	char *buf = NULL;
	size_t len = 0;
	struct pc_err e = { 0 };

	if (access(vk->file, F_OK) && errno == ENOENT)
		return;
	if (pc_read_file(vk->file, VK_MAX_FILE, &buf, &len, &e)) {
		pc_err_setc(warn, PC_E_IO, "%s: unreadable cache of release keys (%s): rebuilding it",
			    vk->file, e.msg);
		vk->dirty = true;
		return;
	}
	vk->buf = buf;
	vk->len = len;
	if (len >= 16 &&
	    pc_get_le64((const unsigned char *)buf + len - 8) ==
		    pc_hash64(buf, len - 8, PC_VMKEYS_SEED) &&
	    rd_file(vk, (const unsigned char *)buf, len, machine))
		return;
	for (size_t k = 0; k < vk->n_rel; k++) {
		vk->rel[k].checked = false;
		vk->rel[k].at = 0;
	}
	vk->n_file_cfg = 0;
	vk->dirty = true;
	pc_err_set(warn, "%s: corrupted cache of release keys: rebuilding it",
		   vk->file);
}

void pc_vmkeys_open(struct pc_vmkeys *vk, const char *machine,
		    const struct pc_side *releases, size_t n_rel,
		    struct pc_err *warn)
{
	if (!vk->dir)
		return;
	vk->n_rel = n_rel;
	vk->rel = pc_xcalloc(n_rel + 1, sizeof(*vk->rel));
	for (size_t k = 0; k < n_rel; k++) {
		const struct pc_side *s = &releases[k];

		/* only a release as recorded: no overrides, host or devices */
		if (!s->index || s->n_overrides || s->host || s->devices)
			continue;
		vk->rel[k].id = snap_find(vk, s->index->path);
		vk->rel[k].decl = s->index->decl_digest;
	}
	vk->file = file_name(vk, machine);
	load_file(vk, machine, warn);
}

bool pc_vmkeys_checked(const struct pc_vmkeys *vk, size_t rel)
{
	return vk->file && rel < vk->n_rel && vk->rel[rel].id &&
	       vk->rel[rel].checked;
}

void pc_vmkeys_set_checked(struct pc_vmkeys *vk, size_t rel)
{
	if (!vk->file || rel >= vk->n_rel || !vk->rel[rel].id ||
	    vk->rel[rel].checked)
		return;
	vk->rel[rel].checked = true;
	vk->dirty = true;
}

void pc_vmkeys_bind(struct pc_vmkeys *vk, const struct pc_vmconfigs *cfgs)
{
	struct pc_strmap labels = { 0 };
	size_t *cfg_of;
	struct rd r;

	if (!vk->file || vk->e)
		return;
	vk->n_cfg = cfgs->n;
	vk->e = pc_xcalloc(vk->n_rel * cfgs->n + 1, sizeof(*vk->e));
	if (!vk->n_file_cfg)
		return;
	/* the run's configurations by label (their index in cfgs: labels
	 * are distinct, add_config() keeps one of each) */
	for (size_t j = 0; j < cfgs->n; j++)
		pc_strmap_index(&labels, cfgs->items[j].label,
				strlen(cfgs->items[j].label));
	cfg_of = pc_xcalloc(vk->n_file_cfg + 1, sizeof(*cfg_of));
	r = (struct rd){ (const unsigned char *)vk->buf,
			 (const unsigned char *)vk->buf + vk->labels_at,
			 (const unsigned char *)vk->buf + vk->len - 8, false };
	for (size_t c = 0; c < vk->n_file_cfg; c++) {
		size_t n;
		const char *label = rd_str(&r, &n);

		cfg_of[c] = pc_strmap_find(&labels, label, n);
	}
	/* the file was checked whole when read: these decode */
	for (size_t k = 0; k < vk->n_rel; k++) {
		if (!vk->rel[k].at)
			continue;
		r.p = r.start + vk->rel[k].at;
		for (size_t c = 0; c < vk->n_file_cfg; c++)
			rd_entry(&r, cfg_of[c] == SIZE_MAX ? NULL
					: &vk->e[k * vk->n_cfg + cfg_of[c]]);
	}
	free(cfg_of);
	pc_strmap_release(&labels);
}

struct pc_vmkeys_entry *pc_vmkeys_entry(struct pc_vmkeys *vk, size_t rel,
					size_t cfg)
{
	if (!vk->file || !vk->e || rel >= vk->n_rel || cfg >= vk->n_cfg ||
	    !vk->rel[rel].id)
		return NULL;
	return &vk->e[rel * vk->n_cfg + cfg];
}

void pc_vmkeys_touch(struct pc_vmkeys *vk)
{
	vk->dirty = true;
}

/* ------------------------------------------------------------ saving */

static void put_str(struct pc_strbuf *sb, const void *s, size_t n)
{
	pc_strbuf_put_u32(sb, (uint32_t)n);
	pc_strbuf_add(sb, s, n);
}

static void put_entry(struct pc_strbuf *sb, const struct pc_vmkeys_entry *e)
{
	unsigned char b[2] = { (unsigned char)e->state,
			       (unsigned char)(e->state == PC_VMKEYS_STARTED ? e->n : 0) };

	pc_strbuf_add(sb, b, 2);
	for (size_t i = 0; i < b[1]; i++) {
		unsigned char bl = e->keys[i].blocked;

		pc_strbuf_put_u32(sb, (uint32_t)e->keys[i].smp);
		pc_strbuf_add(sb, &bl, 1);
		pc_strbuf_put_u64(sb, e->keys[i].key);
	}
}

/* Is release k's baseline still what the snapshot saw? */
static bool unchanged(const struct pc_vmkeys *vk, size_t k)
{
	const struct pc_vmkeys_id *s = vk->rel[k].id;
	struct pc_vmkeys_id now;

	return s && stat_id(s->path, &now) && same_id(s, &now);
}

int pc_vmkeys_save(struct pc_vmkeys *vk, const struct pc_vmconfigs *cfgs,
		   const char *machine, struct pc_err *err)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	unsigned char id[64];
	size_t nid = build_id(id, sizeof(id)), nr = 0, at;
	int rc;

	if (!vk->file || !vk->dirty)
		return 0;
	/* no configuration checked (--default-config-only): the releases'
	 * checks only, unless that would drop the configurations' keys a
	 * run before kept */
	if (!vk->e && vk->n_file_cfg)
		return 0;
	if (!vk->e)
		cfgs = NULL;
	pc_strbuf_add(&sb, VK_MAGIC, 8);
	pc_strbuf_put_u32(&sb, PC_VMKEYS_FORMAT_VERSION);
	put_str(&sb, id, nid);
	put_str(&sb, PC_VERSION, strlen(PC_VERSION));
	put_str(&sb, machine, strlen(machine));
	pc_strbuf_put_u32(&sb, cfgs ? (uint32_t)vk->n_cfg : 0);
	for (size_t c = 0; cfgs && c < vk->n_cfg; c++)
		put_str(&sb, cfgs->items[c].label, strlen(cfgs->items[c].label));
	at = sb.len;
	pc_strbuf_put_u32(&sb, 0);
	for (size_t k = 0; k < vk->n_rel; k++) {
		const struct pc_vmkeys_id *s = vk->rel[k].id;

		if (!unchanged(vk, k))
			continue;
		nr++;
		put_str(&sb, s->path, strlen(s->path));
		pc_strbuf_put_u64(&sb, s->dev);
		pc_strbuf_put_u64(&sb, s->ino);
		pc_strbuf_put_u64(&sb, s->size);
		pc_strbuf_put_u64(&sb, (uint64_t)s->mtime);
		pc_strbuf_put_u64(&sb, (uint64_t)s->ctime);
		pc_strbuf_put_u64(&sb, vk->rel[k].decl);
		pc_strbuf_add(&sb, &(unsigned char){ vk->rel[k].checked }, 1);
		for (size_t c = 0; cfgs && c < vk->n_cfg; c++)
			put_entry(&sb, &vk->e[k * vk->n_cfg + c]);
	}
	pc_put_le32((unsigned char *)sb.buf + at, (uint32_t)nr);
	pc_strbuf_put_u64(&sb, pc_hash64(sb.buf, sb.len, PC_VMKEYS_SEED));
	rc = pc_cache_write(vk->dir, vk->file, sb.buf, sb.len, err);
	pc_strbuf_release(&sb);
	if (!rc)
		vk->dirty = false;
	return rc;
}

void pc_vmkeys_release(struct pc_vmkeys *vk)
{
	for (size_t i = 0; i < vk->n_snap; i++)
		free(vk->snap[i].path);
	free(vk->snap);
	free(vk->rel);
	free(vk->e);
	free(vk->buf);
	free(vk->file);
	free(vk->dir);
	free(vk->abi_real);
	memset(vk, 0, sizeof(*vk));
}
