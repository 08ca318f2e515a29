/*
 * cache.c - the registry cache (DIR/registry.bin).  See cache.h and
 * Documentation/hardening.md.
 *
 * The file comes from an earlier run, possibly of another build, possibly
 * cut short or edited by hand: it is read as untrusted input like any
 * other.  It is read with one read() and checked as a whole first (magic,
 * lengths, a checksum of everything after the header), then entry by
 * entry: every length is bounded by what remains of the file, every
 * string is NUL-terminated where its length says and holds no other NUL,
 * paths are absolute and unique, statuses known.  Anything wrong makes the
 * whole cache empty (inspecting and scanning again is always correct,
 * only slower).  Entries point into the file's buffer: a warm start with
 * a thousand plugins allocates nothing per entry.
 *
 * Layout (integers little-endian):
 *
 *   header   "PCREGBIN"  magic (8 bytes)
 *            u32 format version (PC_CACHE_FORMAT_VERSION)
 *            u32 plugin ABI (PLUGCHECK_ABI_VERSION)
 *            u32 length of the core version string (at most 64)
 *            u32 number of entries
 *            u64 length of the body (all bytes after the core version)
 *            u64 checksum of the body
 *            core version (PC_VERSION, no NUL)
 *   body     per entry: u64 size, i64 mtime_ns, i64 ctime_ns,
 *            u32 status (0 ok, 1 crashed, 2 exited, 3 hung),
 *            u32 path length, u32 message length, u32 declaration length,
 *            then path, NUL, message, NUL, declaration, NUL
 *
 * Another format version, plugin ABI or core version starts from empty
 * quietly (another build's cache); any other mismatch is a corruption.
 */
#include "cache.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugcheck/plugin.h"

#include "banned.h"

#define CACHE_MAGIC "PCREGBIN"
#define CACHE_MAGIC_LEN 8
#define CACHE_HEADER 40          /* bytes before the core version */
#define CACHE_ENTRY_FIXED 40     /* bytes of an entry before its strings */
#define CACHE_MAX_CORE 64
#define CACHE_MAX_FILE (64u << 20)
#define CACHE_MAX_ENTRIES 100000
#define CACHE_MAX_PATH 4096
#define CACHE_MAX_WHAT 4096
#define CACHE_MAX_DECL (1u << 20) /* the loader's limit on a section */

/* Status codes of the file: fixed, whatever the enum's order. */
static const struct {
	enum pc_scan_status status;
	const char *name;
} status_codes[] = {
	{ PC_SCAN_OK, "ok" },
	{ PC_SCAN_CRASHED, "crashed" },
	{ PC_SCAN_EXITED, "exited" },
	{ PC_SCAN_HUNG, "hung" },
};

char *pc_cache_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");

	/* the XDG base directory spec: relative values are ignored */
	if (x && x[0] == '/')
		return pc_xasprintf("%s/plugcheck", x);
	if (h && h[0] == '/')
		return pc_xasprintf("%s/.cache/plugcheck", h);
	return NULL;
}


/* ------------------------------------------------------------ encoding */

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * A checksum of the body, eight bytes at a time (a megabyte of
 * declarations costs well under a millisecond).  It catches a file that
 * was cut short, overwritten or edited; it is no defence against someone
 * who can write the cache directory (nor is any other check here).
 */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	const uint64_t k1 = 0x87c37b91114253d5ULL, k2 = 0x4cf5ad432745937fULL;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;

	for (; n >= 8; p += 8, n -= 8) {
		h ^= rotl64(pc_get_le64(p) * k1, 31) * k2;
		h = rotl64(h, 27) * 5 + 0x52dce729;
	}
	if (n) {
		uint64_t w = 0;

		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h ^= rotl64(w * k1, 31) * k2;
	}
	return fmix64(h);
}

uint64_t pc_cache_checksum(const void *data, size_t len)
{
	return checksum(data, len);
}

static size_t path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return (size_t)fmix64(h);
}

/* ------------------------------------------------------------ entries */

static void entry_release(struct pc_cache_entry *e)
{
	if (!e->borrowed) {
		free(e->path);
		free(e->what);
		free(e->decl);
	}
	memset(e, 0, sizeof(*e));
}

static void clear(struct pc_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_release(&c->items[i]);
	c->n = 0;
	free(c->index);
	c->index = NULL;
	c->index_size = 0;
	free(c->buf);
	c->buf = NULL;
}

/* The slot of 'path' in the index: its item, or the empty slot to use. */
static size_t *index_slot(const struct pc_cache *c, const char *path)
{
	size_t mask = c->index_size - 1;

	/* a power of two with a free slot, or the probe would not end */
	assert(c->index_size && !(c->index_size & mask) &&
	       c->n < c->index_size);

	for (size_t i = path_hash(path) & mask;; i = (i + 1) & mask) {
		size_t *s = &c->index[i];

		if (!*s || !strcmp(c->items[*s - 1].path, path))
			return s;
	}
}

/* Index every item; false when two have the same path. */
static bool index_rebuild(struct pc_cache *c)
{
	size_t want = 64;

	while (want < 2 * c->n + 2)
		want *= 2;
	free(c->index);
	c->index = pc_xcalloc(want, sizeof(*c->index));
	c->index_size = want;
	for (size_t i = 0; i < c->n; i++) {
		size_t *s = index_slot(c, c->items[i].path);

		if (*s)
			return false;
		*s = i + 1;
	}
	return true;
}

static struct pc_cache_entry *find(const struct pc_cache *c, const char *path)
{
	size_t *s;

	if (!c->index_size)
		return NULL;
	s = index_slot(c, path);
	return *s ? &c->items[*s - 1] : NULL;
}

/* ------------------------------------------------------------ reading */

/*
 * A string of 'len' bytes at 'p' followed by its NUL, no NUL inside, and
 * within the 'left' bytes that remain.  Returns the bytes it takes.
 */
static size_t take_string(const unsigned char *p, size_t left, uint32_t len)
{
	if ((size_t)len >= left || p[len] != '\0' || memchr(p, '\0', len))
		return 0;
	return (size_t)len + 1;
}

/* Returns 0, 1 for "another build: start empty quietly", -1 corrupted. */
/*
 * The header: magic, format, plugin ABI, core version, lengths, checksum.
 * On success the body (of *body_len bytes) starts at *body and holds *n
 * entries.  Returns 0, 1 for "another build: start empty quietly", -1
 * corrupted.
 */
static int parse_header(const unsigned char *b, size_t size,
			const unsigned char **body, uint64_t *body_len,
			uint32_t *n, struct pc_strbuf *why)
{
	uint32_t core_len;

	if (size < CACHE_MAGIC_LEN || memcmp(b, CACHE_MAGIC, CACHE_MAGIC_LEN)) {
		pc_strbuf_addstr(why, "not a plugcheck registry cache: bad magic");
		return -1;
	}
	if (size < CACHE_HEADER) {
		pc_strbuf_addf(why, "truncated: %zu bytes, the header alone has %d",
			       size, CACHE_HEADER);
		return -1;
	}
	if (pc_get_le32(b + 8) != PC_CACHE_FORMAT_VERSION ||
	    pc_get_le32(b + 12) != PLUGCHECK_ABI_VERSION)
		return 1;
	core_len = pc_get_le32(b + 16);
	*n = pc_get_le32(b + 20);
	*body_len = pc_get_le64(b + 24);
	if (core_len > CACHE_MAX_CORE) {
		pc_strbuf_addf(why, "core version of %u bytes (at most %d)",
			       core_len, CACHE_MAX_CORE);
		return -1;
	}
	if (size - CACHE_HEADER < core_len ||
	    *body_len != size - CACHE_HEADER - core_len) {
		pc_strbuf_addf(why, "truncated or overlong: %zu bytes, the header says %llu",
			       size, (unsigned long long)CACHE_HEADER + core_len +
			       (unsigned long long)*body_len);
		return -1;
	}
	if (core_len != strlen(PC_VERSION) ||
	    memcmp(b + CACHE_HEADER, PC_VERSION, core_len))
		return 1;
	*body = b + CACHE_HEADER + core_len;
	if (checksum(*body, (size_t)*body_len) != pc_get_le64(b + 32)) {
		pc_strbuf_addstr(why, "checksum mismatch");
		return -1;
	}
	if (*n > CACHE_MAX_ENTRIES) {
		pc_strbuf_addf(why, "%u entries (at most %d)", *n,
			       CACHE_MAX_ENTRIES);
		return -1;
	}
	return 0;
}

/*
 * Entry i at *p, within the *left bytes that remain: its fixed part, then
 * its path, message and declaration, borrowed from the buffer.  Advances
 * *p and *left; -1 with 'why' filled when it is corrupted.
 */
static int parse_entry(struct pc_cache_entry *e, uint32_t i,
		       const unsigned char **p, size_t *left,
		       struct pc_strbuf *why)
{
	const unsigned char *q = *p;
	uint32_t code, pl, wl, dl;
	size_t a, w, d;

	if (*left < CACHE_ENTRY_FIXED) {
		pc_strbuf_addf(why, "entry %u: truncated", i);
		return -1;
	}
	e->size = pc_get_le64(q);
	e->mtime_ns = (int64_t)pc_get_le64(q + 8);
	e->ctime_ns = (int64_t)pc_get_le64(q + 16);
	code = pc_get_le32(q + 24);
	pl = pc_get_le32(q + 28);
	wl = pc_get_le32(q + 32);
	dl = pc_get_le32(q + 36);
	q += CACHE_ENTRY_FIXED;
	*left -= CACHE_ENTRY_FIXED;
	if (e->size > INT64_MAX || code >= PC_ARRAY_SIZE(status_codes) ||
	    pl < 2 || pl > CACHE_MAX_PATH || wl > CACHE_MAX_WHAT ||
	    dl < 1 || dl > CACHE_MAX_DECL) {
		pc_strbuf_addf(why, "entry %u: size, status or a length out of range",
			       i);
		return -1;
	}
	a = take_string(q, *left, pl);
	w = a ? take_string(q + a, *left - a, wl) : 0;
	d = w ? take_string(q + a + w, *left - a - w, dl) : 0;
	if (!d || q[0] != '/') {
		pc_strbuf_addf(why, "entry %u: expected an absolute path, a message and a declaration, each NUL-terminated, within the file",
			       i);
		return -1;
	}
	e->path = (char *)(uintptr_t)q;
	e->what = (char *)(uintptr_t)(q + a);
	e->decl = (char *)(uintptr_t)(q + a + w);
	e->decl_len = dl;
	e->status = status_codes[code].status;
	e->borrowed = true;
	*p = q + a + w + d;
	*left -= a + w + d;
	return 0;
}

/* Returns 0, 1 for "another build: start empty quietly", -1 corrupted. */
static int parse(struct pc_cache *c, size_t size, struct pc_strbuf *why)
{
	const unsigned char *p = NULL;
	uint64_t body_len = 0;
	uint32_t n = 0;
	size_t left;
	int r = parse_header((const unsigned char *)c->buf, size, &p,
			     &body_len, &n, why);

	if (r)
		return r;
	left = (size_t)body_len;
	c->items = pc_xcalloc(n ? n : 1, sizeof(*c->items));
	c->alloc = n ? n : 1;
	for (uint32_t i = 0; i < n; i++) {
		if (parse_entry(&c->items[i], i, &p, &left, why))
			return -1;
		c->n = i + 1;
	}
	if (left) {
		pc_strbuf_addf(why, "%zu bytes after the last entry", left);
		return -1;
	}
	if (!index_rebuild(c)) {
		pc_strbuf_addstr(why, "a path appears twice");
		return -1;
	}
	return 0;
}

/* The whole file in one read; 'what' says why not. */
static int read_all(const char *file, char **out, size_t *len,
		    struct pc_strbuf *what)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	struct pc_err e = { 0 };
	int fd = pc_open_input(file, &e);

	if (fd < 0) {
		pc_strbuf_addstr(what, e.msg);
		return -1;
	}
	if (fstat(fd, &st)) {
		pc_strbuf_addf(what, "cannot stat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > CACHE_MAX_FILE) {
		pc_strbuf_addf(what, "file too large (over %u bytes)",
			       CACHE_MAX_FILE);
		close(fd);
		return -1;
	}
	/* one byte more than stat says: a file that grew is read to the end
	 * (and then fails the length checks) */
	buf = pc_xmalloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			pc_strbuf_addf(what, "read error: %s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0 || got + (size_t)r > (size_t)st.st_size)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		pc_strbuf_addstr(what, "the file changed while it was read");
		free(buf);
		return -1;
	}
	*out = buf;
	*len = got;
	return 0;
}

void pc_cache_load(struct pc_cache *c, const char *dir, struct pc_err *warn)
{
	struct pc_strbuf why = PC_STRBUF_INIT;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	c->dir = pc_xstrdup(dir);
	c->file = pc_xasprintf("%s/%s", dir, PC_CACHE_FILE);
	if (access(c->file, F_OK) && errno == ENOENT)
		return;
	if (read_all(c->file, &c->buf, &len, &why)) {
		pc_err_setc(warn, PC_E_IO, "%s: unreadable registry cache (%s): rebuilding it",
			    c->file, why.buf);
		pc_strbuf_release(&why);
		c->dirty = true;
		return;
	}
	r = parse(c, len, &why);
	if (r) {
		clear(c);
		c->dirty = true;
		if (r < 0)
			pc_err_set(warn, "%s: corrupted registry cache (%s): rebuilding it",
				   c->file, why.buf);
	}
	pc_strbuf_release(&why);
}

static bool matches(const struct pc_cache_entry *e, const struct stat *st)
{
	return e->size == (uint64_t)st->st_size &&
	       e->mtime_ns == pc_timespec_ns(&st->st_mtim) &&
	       e->ctime_ns == pc_timespec_ns(&st->st_ctim);
}

const struct pc_cache_entry *pc_cache_lookup(const struct pc_cache *c,
					     const char *path,
					     const struct stat *st)
{
	const struct pc_cache_entry *e = find(c, path);

	return e && matches(e, st) ? e : NULL;
}

void pc_cache_store(struct pc_cache *c, const char *path,
		    const struct stat *st, enum pc_scan_status status,
		    const char *what, const char *decl, size_t decl_len)
{
	struct pc_cache_entry *e;

	if (!pc_scan_status_cacheable(status) || !decl || !decl_len ||
	    path[0] != '/')
		return;
	e = find(c, path);
	if (e) {
		entry_release(e);
	} else {
		PC_ALLOC_GROW(c->items, c->n + 1, c->alloc);
		e = &c->items[c->n++];
		memset(e, 0, sizeof(*e));
	}
	e->path = pc_xstrdup(path);
	e->size = (uint64_t)st->st_size;
	e->mtime_ns = pc_timespec_ns(&st->st_mtim);
	e->ctime_ns = pc_timespec_ns(&st->st_ctim);
	e->status = status;
	e->what = pc_xstrdup(what);
	e->decl = pc_xstrndup(decl, decl_len);
	e->decl_len = decl_len;
	e->borrowed = false;
	if (2 * c->n + 2 > c->index_size)
		index_rebuild(c);
	else
		*index_slot(c, e->path) = (size_t)(e - c->items) + 1;
	c->dirty = true;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct pc_cache_entry *)a)->path,
		      ((const struct pc_cache_entry *)b)->path);
}

/* mkdir -p, for the cache directory only (0700: it is per user) */
static int make_dirs(const char *dir, struct pc_err *err)
{
	char *d = pc_xstrdup(dir);
	int ret = 0;

	for (char *s = d + 1;; s++) {
		bool end = *s == '\0';

		if (*s != '/' && !end)
			continue;
		*s = '\0';
		if (mkdir(d, 0700) && errno != EEXIST) {
			ret = pc_err_setc(err, PC_E_IO, "%s: cannot create the cache directory: %s",
					  d, strerror(errno));
			break;
		}
		if (end)
			break;
		*s = '/';
	}
	free(d);
	return ret;
}

int pc_cache_write(const char *dir, const char *path, const void *data,
		   size_t len, struct pc_err *err)
{
	if (make_dirs(dir, err))
		return -1;
	return pc_write_file_atomic(path, data, len, err);
}

static uint32_t status_code(enum pc_scan_status s)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(status_codes); i++)
		if (status_codes[i].status == s)
			return (uint32_t)i;
	return UINT32_MAX;
}

/* Would the file still be valid (and readable again) with 'e' in it? */
static bool writable_entry(const struct pc_cache_entry *e)
{
	size_t pl = strlen(e->path), wl = strlen(e->what);

	return e->path[0] == '/' && pl >= 2 && pl <= CACHE_MAX_PATH &&
	       wl <= CACHE_MAX_WHAT && e->decl_len >= 1 &&
	       e->decl_len <= CACHE_MAX_DECL &&
	       !memchr(e->decl, '\0', e->decl_len) &&
	       e->size <= INT64_MAX &&
	       status_code(e->status) != UINT32_MAX;
}

int pc_cache_save(struct pc_cache *c, struct pc_err *err)
{
	struct pc_strbuf body = PC_STRBUF_INIT, file = PC_STRBUF_INIT;
	size_t keep = 0, written = 0;
	int r;

	if (!c->dirty)
		return 0;
	/* entries of files that are gone or changed would only grow the file */
	for (size_t i = 0; i < c->n; i++) {
		struct stat st;

		if (stat(c->items[i].path, &st) || !matches(&c->items[i], &st)) {
			entry_release(&c->items[i]);
			continue;
		}
		c->items[keep++] = c->items[i];
	}
	c->n = keep;
	if (c->n)
		qsort(c->items, c->n, sizeof(*c->items), cmp_entry);
	index_rebuild(c);
	for (size_t i = 0; i < c->n; i++) {
		const struct pc_cache_entry *e = &c->items[i];
		size_t pl = strlen(e->path), wl = strlen(e->what);

		/* what cannot be read back is not written; past the size
		 * limit, plugins are just not cached */
		if (!writable_entry(e) ||
		    CACHE_HEADER + CACHE_MAX_CORE + body.len + CACHE_ENTRY_FIXED +
		    pl + wl + e->decl_len + 3 > CACHE_MAX_FILE)
			continue;
		pc_strbuf_put_u64(&body, e->size);
		pc_strbuf_put_u64(&body, (uint64_t)e->mtime_ns);
		pc_strbuf_put_u64(&body, (uint64_t)e->ctime_ns);
		pc_strbuf_put_u32(&body, status_code(e->status));
		pc_strbuf_put_u32(&body, (uint32_t)pl);
		pc_strbuf_put_u32(&body, (uint32_t)wl);
		pc_strbuf_put_u32(&body, (uint32_t)e->decl_len);
		pc_strbuf_add(&body, e->path, pl + 1);
		pc_strbuf_add(&body, e->what, wl + 1);
		pc_strbuf_add(&body, e->decl, e->decl_len);
		pc_strbuf_addch(&body, '\0');
		written++;
	}
	pc_strbuf_add(&file, CACHE_MAGIC, CACHE_MAGIC_LEN);
	pc_strbuf_put_u32(&file, PC_CACHE_FORMAT_VERSION);
	pc_strbuf_put_u32(&file, PLUGCHECK_ABI_VERSION);
	pc_strbuf_put_u32(&file, (uint32_t)strlen(PC_VERSION));
	pc_strbuf_put_u32(&file, (uint32_t)written);
	pc_strbuf_put_u64(&file, body.len);
	pc_strbuf_put_u64(&file, checksum((const unsigned char *)body.buf, body.len));
	pc_strbuf_add(&file, PC_VERSION, strlen(PC_VERSION));
	pc_strbuf_add(&file, body.buf, body.len);
	pc_strbuf_release(&body);
	r = pc_cache_write(c->dir, c->file, file.buf, file.len, err);
	pc_strbuf_release(&file);
	if (!r)
		c->dirty = false;
	return r;
}

char *pc_cache_take_buffer(struct pc_cache *c)
{
	char *b = c->buf;

	c->buf = NULL;
	return b;
}

void pc_cache_release(struct pc_cache *c)
{
	clear(c);
	free(c->items);
	free(c->dir);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
