/*
 * util.c - allocation, strings, errors, versions, file I/O helpers.
 * See util.h for the contracts.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

char pc__strbuf_empty[1];

static void die_oom(size_t n)
{
	fprintf(stderr, "plugcheck: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *pc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *pc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *pc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *pc_xstrdup(const char *s)
{
	return pc_xstrndup(s, strlen(s));
}

char *pc_xstrndup(const char *s, size_t n)
{
	char *p = pc_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pc_xasprintf(const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return pc_strbuf_detach(&sb);
}

void pc_strbuf_init(struct pc_strbuf *sb)
{
	sb->len = 0;
	sb->alloc = 0;
	sb->buf = pc__strbuf_empty;
}

void pc_strbuf_release(struct pc_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	pc_strbuf_init(sb);
}

char *pc_strbuf_detach(struct pc_strbuf *sb)
{
	char *r = sb->alloc ? sb->buf : pc_xstrdup("");
	pc_strbuf_init(sb);
	return r;
}

static void strbuf_grow(struct pc_strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	if (!sb->alloc)
		sb->buf = NULL;
	PC_ALLOC_GROW(sb->buf, want, sb->alloc);
}

void pc_strbuf_add(struct pc_strbuf *sb, const void *data, size_t len)
{
	assert(sb->buf); /* never NULL: PC_STRBUF_INIT or a detach/release */
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void pc_strbuf_addstr(struct pc_strbuf *sb, const char *s)
{
	pc_strbuf_add(sb, s, strlen(s));
}

void pc_strbuf_addch(struct pc_strbuf *sb, int c)
{
	char ch = (char)c;
	pc_strbuf_add(sb, &ch, 1);
}

void pc_strbuf_vaddf(struct pc_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void pc_strbuf_addf(struct pc_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void pc_strbuf_addsep(struct pc_strbuf *sb, const char *sep, const char *s)
{
	if (sb->len)
		pc_strbuf_addstr(sb, sep);
	pc_strbuf_addstr(sb, s);
}

void pc_strbuf_reset(struct pc_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

static int err_vset(struct pc_err *err, enum pc_errcode code,
		    const char *prefix, const char *fmt, va_list ap)
{
	int n = 0;

	assert(code > PC_E_NONE && code < PC_E__COUNT);
	if (!err || err->set)
		return -1;
	if (prefix)
		n = snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	err->code = code;
	err->set = true;
	return -1;
}

int pc_err_set(struct pc_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, PC_E_INPUT, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int pc_err_setc(struct pc_err *err, enum pc_errcode code, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int pc_err_wrap(struct pc_err *err, const struct pc_err *inner,
		const char *fmt, ...)
{
	char prefix[1024];
	va_list ap;

	assert(inner);
	if (!err || err->set)
		return -1;   /* discarded, or an earlier error stays */
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return pc_err_setc(err, inner->set ? inner->code : PC_E_INTERNAL,
			   "%s: %s", prefix,
			   inner->set ? inner->msg : "(no error recorded)");
}

const char *pc_errcode_name(enum pc_errcode code)
{
	static const char *const names[PC_E__COUNT] = {
		[PC_E_NONE] = "none",
		[PC_E_USAGE] = "usage",
		[PC_E_IO] = "io",
		[PC_E_INPUT] = "input",
		[PC_E_NOT_FOUND] = "not-found",
		[PC_E_PLUGIN] = "plugin",
		[PC_E_LIMIT] = "limit",
		[PC_E_INTERNAL] = "internal",
	};

	return (unsigned)code < PC_E__COUNT ? names[code] : "internal";
}

void pc_err_clear(struct pc_err *err)
{
	if (!err)
		return;
	err->set = false;
	err->code = PC_E_NONE;
	err->msg[0] = '\0';
}

int pc_version_parse(const char *s, struct pc_version *out)
{
	int i = 0;
	const char *p = s;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return -1;
	for (;;) {
		long v = 0;
		int digits = 0;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > 100000)
				return -1;
			p++;
			digits++;
		}
		if (!digits)
			return -1;
		out->v[i++] = (int)v;
		if (*p == '\0')
			return 0;
		if (*p != '.' || i == 3)
			return -1;
		p++;
	}
}

int pc_version_cmp(const struct pc_version *a, const struct pc_version *b)
{
	for (int i = 0; i < 3; i++) {
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	}
	return 0;
}

void pc_version_str(const struct pc_version *v, char *buf, size_t len)
{
	if (v->v[2])
		snprintf(buf, len, "%d.%d.%d", v->v[0], v->v[1], v->v[2]);
	else
		snprintf(buf, len, "%d.%d", v->v[0], v->v[1]);
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a file";
}

int pc_open_input(const char *path, struct pc_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int fl;

	if (fd < 0)
		return pc_err_setc(err, PC_E_IO, "%s: cannot open: %s", path,
				   strerror(errno));
	if (fstat(fd, &st)) {
		pc_err_setc(err, PC_E_IO, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pc_err_setc(err, PC_E_INPUT, "%s: %s, not a regular file", path,
			    file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int pc_read_file(const char *path, size_t max, char **out, size_t *len,
		 struct pc_err *err)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char chunk[65536];
	int fd = pc_open_input(path, err);
	ssize_t n;

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sb.len + (size_t)n > max) {
			close(fd);
			pc_strbuf_release(&sb);
			return pc_err_setc(err, PC_E_LIMIT,
					   "%s: file too large (over %zu bytes)",
					  path, max);
		}
		pc_strbuf_add(&sb, chunk, (size_t)n);
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		pc_strbuf_release(&sb);
		return pc_err_setc(err, PC_E_IO, "%s: read error: %s", path,
				   strerror(e));
	}
	close(fd);
	if (len)
		*len = sb.len;
	*out = pc_strbuf_detach(&sb);
	return 0;
}

int pc_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int pc_write_file_atomic(const char *path, const void *data, size_t len,
			 struct pc_err *err)
{
	char *tmp = pc_xasprintf("%s.tmpXXXXXX", path);
	char *dir, *slash;
	struct stat old;
	mode_t mode = 0644;
	int fd, dfd, e;

	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		pc_err_setc(err, PC_E_IO, "%s: cannot create temporary file: %s", path,
			   strerror(e));
		free(tmp);
		return -1;
	}
	if (pc_write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		unlink(tmp);
		pc_err_setc(err, PC_E_IO, "%s: write failed: %s", tmp,
			    strerror(e));
		free(tmp);
		return -1;
	}
	/* mkstemp creates 0600: a file we replace keeps its mode and owner
	 * (a compat file edited by suggest --apply stays 0640, root:kvm);
	 * a new one is an ordinary 0644 file */
	if (!stat(path, &old) && S_ISREG(old.st_mode)) {
		mode = old.st_mode & 07777;
		if ((old.st_uid != geteuid() || old.st_gid != getegid()) &&
		    fchown(fd, old.st_uid, old.st_gid) && errno != EPERM) {
			e = errno;
			close(fd);
			unlink(tmp);
			pc_err_setc(err, PC_E_IO, "%s: cannot keep the owner of %s: %s", tmp,
				    path, strerror(e));
			free(tmp);
			return -1;
		}
	}
	if (fchmod(fd, mode) || close(fd)) {
		e = errno;
		unlink(tmp);
		pc_err_setc(err, PC_E_IO, "%s: %s", tmp, strerror(e));
		free(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		e = errno;
		unlink(tmp);
		pc_err_setc(err, PC_E_IO, "%s: cannot rename into place: %s", path,
			   strerror(e));
		free(tmp);
		return -1;
	}
	free(tmp);
	dir = pc_xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

/* why directory 'st' is unsafe, or NULL */
static const char *dir_unsafe(const struct stat *st)
{
	bool sticky = st->st_mode & S_ISVTX;

	if ((st->st_mode & S_IWOTH) && !sticky)
		return "world-writable";
	/* group-writable by our own primary group is Debian's user private
	 * group scheme (umask 002): only we are in it */
	if ((st->st_mode & S_IWGRP) && !sticky && st->st_gid != getegid())
		return "group-writable";
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by another user";
	return NULL;
}

int pc_dir_chain_check(const char *dir, struct pc_strmap *safe, struct pc_err *err)
{
	char *cur = pc_xstrdup(dir && *dir ? dir : "/"), *full;
	size_t len = strlen(cur), *seen = NULL, n_seen = 0, alloc = 0;
	int ret = 0;

	while (len > 1 && cur[len - 1] == '/')
		cur[--len] = '\0';
	full = pc_xstrdup(cur);
	for (;;) {
		struct stat st;
		const char *why;
		char *slash;

		if (safe && pc_strmap_find(safe, cur, len) != SIZE_MAX)
			break; /* checked: so is everything above it */
		if (stat(cur, &st)) {
			ret = pc_err_setc(err, PC_E_IO, "%s: cannot stat: %s", cur, strerror(errno));
			break;
		}
		why = dir_unsafe(&st);
		if (why) {
			ret = pc_err_setc(err, PC_E_INPUT, "%s is %s (mode %04o, owner %u)", cur, why,
					  (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
			break;
		}
		PC_ALLOC_GROW(seen, n_seen + 1, alloc);
		seen[n_seen++] = len;
		if (len <= 1)
			break;
		slash = strrchr(cur, '/');
		len = slash == cur ? 1 : (size_t)(slash - cur);
		cur[len] = '\0';
	}
	/* only a whole chain found safe is remembered */
	for (size_t i = 0; !ret && safe && i < n_seen; i++)
		pc_strmap_index(safe, full, seen[i]);
	free(seen);
	free(full);
	free(cur);
	return ret;
}

bool pc_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = u[i], need, min;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			goto fail;
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n || (u[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += need + 1;
		continue;
fail:
		if (bad)
			*bad = i;
		return false;
	}
	return true;
}

void pc_child_dies_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(126);
}

int pc_parse_int_text(const char *s, unsigned flags, bool *neg,
		      uint64_t *mag)
{
	bool hex = flags & PC_INT_HEX;
	unsigned base;
	uint64_t v = 0;
	size_t i;

	*neg = false;
	if (!s)
		return -1;
	if ((flags & PC_INT_SIGNED) && s[0] == '-') {
		*neg = true;
		s++;
	}
	if (!(flags & (PC_INT_DEC | PC_INT_HEX)) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		s += 2;
	}
	base = hex ? 16 : 10;
	if (!s[0])
		return -1;
	for (i = 0; s[i]; i++) {
		int dv = pc_digit_value(s[i], hex);
		unsigned d;

		if (dv < 0)
			return -1;
		d = (unsigned)dv;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*mag = v;
	return 0;
}

int pc_parse_i64(const char *s, int64_t *out)
{
	bool neg;
	uint64_t mag;

	if (pc_parse_int_text(s, PC_INT_SIGNED, &neg, &mag))
		return -1;
	if (mag > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return -1;
	*out = !neg ? (int64_t)mag
		    : mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	return 0;
}

int pc_parse_u64(const char *s, uint64_t *out)
{
	bool neg;

	return pc_parse_int_text(s, 0, &neg, out);
}

bool pc_str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool pc_str_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

size_t pc_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = pc_xcalloc(lb + 1, sizeof(*row));
	size_t r;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	r = row[lb];
	free(row);
	return r;
}

const char *pc_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	size_t limit = strlen(word) / 3 + 1;

	for (size_t i = 0; i < n; i++) {
		size_t d = pc_edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

/* lower case, '_' as '-' */
static char *name_fold(const char *s)
{
	char *r = pc_xstrdup(s);

	for (char *p = r; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == '_')
			*p = '-';
	}
	return r;
}

bool pc_name_likely_typo(const char *word, const char *name)
{
	char *a, *b;
	size_t la, lb, d;
	bool r;

	if (!strcmp(word, name))
		return false;
	a = name_fold(word);
	b = name_fold(name);
	la = strlen(a);
	lb = strlen(b);
	if (!strcmp(a, b)) {
		r = true;
	} else if ((la < lb && (!strncmp(a, b, la) || !strcmp(a, b + lb - la))) ||
		   (lb < la && (!strncmp(a, b, lb) || !strcmp(a + la - lb, b)))) {
		r = false; /* a related name: the other with an added end */
	} else {
		d = pc_edit_distance(a, b);
		r = d <= (lb <= 5 ? 1u : 2u);
	}
	free(a);
	free(b);
	return r;
}

int pc_json_last_byte(const char *text, size_t len, int prev)
{
	while (len && strchr(" \t\n\r", text[len - 1]) && text[len - 1])
		len--;
	return len ? (unsigned char)text[len - 1] : prev;
}

int64_t pc_timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

uint32_t pc_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t pc_get_le64(const unsigned char *p)
{
	return (uint64_t)pc_get_le32(p) | (uint64_t)pc_get_le32(p + 4) << 32;
}

void pc_put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void pc_strbuf_put_u32(struct pc_strbuf *sb, uint32_t v)
{
	unsigned char b[4];

	pc_put_le32(b, v);
	pc_strbuf_add(sb, b, sizeof(b));
}

void pc_strbuf_put_u64(struct pc_strbuf *sb, uint64_t v)
{
	pc_strbuf_put_u32(sb, (uint32_t)v);
	pc_strbuf_put_u32(sb, (uint32_t)(v >> 32));
}

uint64_t pc_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = PC_FNV_BASIS ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= PC_FNV_PRIME;
	}
	return h;
}

/* ------------------------------------------------------------ arena */

struct pc_arena_chunk {
	struct pc_arena_chunk *next;
	/* the data follows, aligned like max_align_t */
};

#define ARENA_ALIGN (sizeof(max_align_t))
#define ARENA_HDR ((sizeof(struct pc_arena_chunk) + ARENA_ALIGN - 1) & \
		   ~(ARENA_ALIGN - 1))
#define ARENA_CHUNK 4096

void pc_arena_init(struct pc_arena *a, void *buf, size_t size)
{
	a->chunks = NULL;
	a->first = buf;
	a->first_size = buf ? size : 0;
	a->left = a->first_size;
	a->cur = buf;
	a->chunk = 0;
	a->chunk_max = 0;
	a->grown = 0;
}

/* 'n' bytes at an 'align'ment (a power of two) */
static void *arena_take(struct pc_arena *a, size_t n, size_t align)
{
	size_t pad = (size_t)(-(uintptr_t)a->cur & (align - 1));
	char *p;

	if (!n)
		n = 1;
	if (!a->cur || n > SIZE_MAX - ARENA_HDR - align ||
	    pad + n > a->left) {
		size_t want = a->grown ? a->grown
				       : a->chunk ? a->chunk : ARENA_CHUNK;
		struct pc_arena_chunk *c;

		if (n > SIZE_MAX - ARENA_HDR - align)
			die_oom(SIZE_MAX);
		if (a->chunk_max)
			a->grown = want >= a->chunk_max / 2 ? a->chunk_max
							    : want * 2;
		if (want < n + ARENA_HDR + align)
			want = n + ARENA_HDR + align;
		c = pc_xmalloc(want);
		c->next = a->chunks;
		a->chunks = c;
		a->cur = (char *)c + ARENA_HDR;
		a->left = want - ARENA_HDR;
		pad = 0; /* chunk data is aligned for max_align_t */
	}
	p = a->cur + pad;
	a->cur = p + n;
	a->left -= pad + n;
	return p;
}

void *pc_arena_alloc(struct pc_arena *a, size_t n)
{
	return arena_take(a, n, ARENA_ALIGN);
}

char *pc_arena_bytes_dup(struct pc_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		die_oom(SIZE_MAX);
	p = arena_take(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pc_arena_strndup(struct pc_arena *a, const char *s, size_t n)
{
	return pc_arena_bytes_dup(a, s, n);
}

void pc_arena_release(struct pc_arena *a)
{
	size_t chunk = a->chunk, chunk_max = a->chunk_max;

	while (a->chunks) {
		struct pc_arena_chunk *c = a->chunks;

		a->chunks = c->next;
		free(c);
	}
	pc_arena_init(a, a->first, a->first_size);
	a->chunk = chunk;
	a->chunk_max = chunk_max;
}

/* ------------------------------------------------------------ strmap */

static size_t strmap_hash(const char *s, size_t n)
{
	return (size_t)pc_hash64(s, n, 0x243f6a8885a308d3ULL);
}

static void strmap_rehash(struct pc_strmap *m)
{
	size_t ns = m->nslots ? 2 * m->nslots : 256;

	free(m->slot);
	m->slot = pc_xcalloc(ns, sizeof(*m->slot));
	m->nslots = ns;
	for (size_t i = 0; i < m->n; i++) {
		size_t h = strmap_hash(m->keys[i], strlen(m->keys[i])) & (ns - 1);

		while (m->slot[h])
			h = (h + 1) & (ns - 1);
		m->slot[h] = i + 1;
	}
}

size_t pc_strmap_find(const struct pc_strmap *m, const char *s, size_t len)
{
	size_t h;

	if (!m->nslots)
		return SIZE_MAX;
	h = strmap_hash(s, len) & (m->nslots - 1);
	while (m->slot[h]) {
		const char *k = m->keys[m->slot[h] - 1];

		if (!strncmp(k, s, len) && k[len] == '\0')
			return m->slot[h] - 1;
		h = (h + 1) & (m->nslots - 1);
	}
	return SIZE_MAX;
}

size_t pc_strmap_index(struct pc_strmap *m, const char *s, size_t len)
{
	size_t i = pc_strmap_find(m, s, len), h;

	if (i != SIZE_MAX)
		return i;
	if (2 * (m->n + 1) > m->nslots)
		strmap_rehash(m);
	h = strmap_hash(s, len) & (m->nslots - 1);
	while (m->slot[h])
		h = (h + 1) & (m->nslots - 1);
	PC_ALLOC_GROW(m->keys, m->n + 1, m->alloc);
	m->keys[m->n] = pc_xstrndup(s, len);
	m->slot[h] = ++m->n;
	return m->n - 1;
}

void pc_strmap_release(struct pc_strmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/*
 * The heap a tree's load and the main job build their models in
 * (Documentation/performance.md, "Issue 19, round three: warm start"): on
 * this kind of host the first write to each fresh 4 KiB page costs some
 * 10 us, and a warm start at 1000 plugins wrote some 2,700 of them, half
 * of its CPU time (the main job: 25,000).  So before the first load (util.h)
 * the process's heap is given HEAP_RESERVE bytes at once and the kernel is
 * asked to back them with huge pages (it may not: then nothing changes but
 * the tuning below):
 *
 * - one heap for every thread (M_ARENA_MAX 1): a thread's own arena grows
 *   a page at a time (an mprotect() each) outside the reserve;
 * - blocks under HEAP_MMAP_MAX come from the heap, not a mapping of their
 *   own (glibc's default moves between 128 KiB and 32 MiB as blocks are
 *   freed), and the heap gives back only what is free beyond 160 MiB;
 * - the reserve itself: one block of HEAP_RESERVE bytes, advised
 *   MADV_HUGEPAGE and freed back into the heap's top, from which what
 *   follows is carved.  Only what is written becomes resident.
 *
 * glibc only (under valgrind's memcheck mallopt() does nothing); what
 * the process computes does not depend on it.
 */
#define HEAP_RESERVE ((size_t)128 << 20)
#define HEAP_MMAP_MAX ((size_t)32 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void *heap_spacer;

static void heap_spacer_free(void)
{
	free(heap_spacer);
}

void pc_heap_reserve(void)
{
	static bool done;
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	uintptr_t lo, hi;
	char *p;

	if (done)
		return;
	done = true;
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TRIM_THRESHOLD, (int)(HEAP_RESERVE + HEAP_MMAP_MAX));
	mallopt(M_MMAP_THRESHOLD, (int)(HEAP_RESERVE + HUGE_PAGE));
	p = malloc(HEAP_RESERVE);
	mallopt(M_MMAP_THRESHOLD, (int)HEAP_MMAP_MAX);
	if (!p)
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = ((uintptr_t)p + HEAP_RESERVE) & ~(HUGE_PAGE - 1);
#ifdef MADV_HUGEPAGE
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
	free(p);
	/* the huge pages start at 'lo': the range below it holds the heap's
	 * first pages, which keep it in 4 KiB pages, so it is set aside
	 * (allocated, never written: nothing resident) and what follows is
	 * carved from 'lo' on */
	if (hi > lo)
		heap_spacer = malloc(lo - (uintptr_t)p);
	if (heap_spacer)
		atexit(heap_spacer_free);
#else
	done = true;
#endif
}

/* ------------------------------------------------------------ threads */

unsigned pc_cpu_count(void)
{
	cpu_set_t set;
	long cpus = sched_getaffinity(0, sizeof(set), &set) == 0
			    ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 1 ? (unsigned)cpus : 1;
}

struct parallel {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	size_t next; /* __atomic_fetch_add() only */
};

static void parallel_some(struct parallel *w)
{
	for (;;) {
		size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);

		if (i >= w->n)
			return;
		w->fn(w->ctx, i);
	}
}

static void *parallel_thread(void *arg)
{
	parallel_some(arg);
	return NULL;
}

void pc_parallel_for(size_t n, unsigned threads,
		     void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct parallel w = { fn, ctx, n, 0 };
	pthread_t tids[PC_PARALLEL_MAX];
	unsigned want = threads ? threads : pc_cpu_count(), started = 0;

	if (want > PC_PARALLEL_MAX)
		want = PC_PARALLEL_MAX;
	if (want > n)
		want = (unsigned)n;
	if (want > 1) {
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		while (started + 1 < want &&
		       !pthread_create(&tids[started], NULL, parallel_thread, &w))
			started++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	parallel_some(&w);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

static pc_progress_fn progress_fn;
static void *progress_ctx;

void pc_progress_set(pc_progress_fn fn, void *ctx)
{
	progress_fn = fn;
	progress_ctx = ctx;
}

void pc_progress(const char *what, size_t done, size_t total)
{
	if (progress_fn)
		progress_fn(progress_ctx, what, done, total);
}
