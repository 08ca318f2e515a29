/*
 * cache.c - the registry cache (DIR/registry.json).  See cache.h and
 * Documentation/hardening.md.
 *
 * The file comes from an earlier run, possibly of another build, possibly
 * cut short or edited by hand: it is read as untrusted input like any
 * other, every member checked for type and range, and anything wrong makes
 * the whole cache empty (rescanning is always correct, only slower).
 */
#include "cache.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugcheck/plugin.h"
#include "report-json.h"

#include "banned.h"

#define CACHE_MAX_FILE (16u << 20)
#define CACHE_MAX_ENTRIES 100000

static const char *const status_names[] = {
	[PC_SCAN_OK] = "ok",
	[PC_SCAN_REFUSED] = "refused",
	[PC_SCAN_CRASHED] = "crashed",
	[PC_SCAN_EXITED] = "exited",
	[PC_SCAN_HUNG] = "hung",
	[PC_SCAN_ERROR] = "error",
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

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static void entry_release(struct pc_cache_entry *e)
{
	free(e->path);
	free(e->what);
}

static void clear(struct pc_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_release(&c->items[i]);
	c->n = 0;
}

static int status_parse(const char *s, enum pc_scan_status *out)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(status_names); i++) {
		if (status_names[i] && !strcmp(s, status_names[i])) {
			*out = (enum pc_scan_status)i;
			return 0;
		}
	}
	return -1;
}

/* Returns 0, 1 for "another build: start empty quietly", -1 corrupted. */
static int parse(struct pc_cache *c, json_t *root, struct pc_strbuf *why)
{
	json_t *fmt, *ver, *core, *abi, *list, *it;
	size_t i;

	if (!json_is_object(root)) {
		pc_strbuf_addstr(why, "expected a JSON object at the top");
		return -1;
	}
	fmt = json_object_get(root, "format");
	ver = json_object_get(root, "version");
	core = json_object_get(root, "core");
	abi = json_object_get(root, "abi");
	list = json_object_get(root, "plugins");
	if (!json_is_string(fmt) ||
	    strcmp(json_string_value(fmt), "plugcheck-registry-cache")) {
		pc_strbuf_addstr(why, "$.format: expected \"plugcheck-registry-cache\"");
		return -1;
	}
	if (!json_is_integer(ver) || !json_is_string(core) ||
	    !json_is_integer(abi)) {
		pc_strbuf_addstr(why, "$.version, $.core, $.abi: expected integer, string, integer");
		return -1;
	}
	if (json_integer_value(ver) != PC_CACHE_FORMAT_VERSION ||
	    strcmp(json_string_value(core), PC_VERSION) ||
	    json_integer_value(abi) != PLUGCHECK_ABI_VERSION)
		return 1;
	if (!json_is_array(list) || json_array_size(list) > CACHE_MAX_ENTRIES) {
		pc_strbuf_addf(why, "$.plugins: expected an array of at most %u entries",
			       CACHE_MAX_ENTRIES);
		return -1;
	}
	json_array_foreach(list, i, it) {
		json_t *p = json_object_get(it, "path");
		json_t *sz = json_object_get(it, "size");
		json_t *mt = json_object_get(it, "mtime_ns");
		json_t *ct = json_object_get(it, "ctime_ns");
		json_t *st = json_object_get(it, "status");
		json_t *wh = json_object_get(it, "message");
		struct pc_cache_entry *e;
		enum pc_scan_status s;

		if (!json_is_string(p) || json_string_value(p)[0] != '/' ||
		    !json_is_integer(sz) || json_integer_value(sz) < 0 ||
		    !json_is_integer(mt) || !json_is_integer(ct) ||
		    !json_is_string(st) ||
		    status_parse(json_string_value(st), &s) ||
		    !pc_scan_status_cacheable(s) || !json_is_string(wh)) {
			pc_strbuf_addf(why, "$.plugins[%zu]: expected {path: absolute path, size, mtime_ns, ctime_ns: integers, status: ok|crashed|exited|hung, message: string}",
				       i);
			return -1;
		}
		PC_ALLOC_GROW(c->items, c->n + 1, c->alloc);
		e = &c->items[c->n++];
		e->path = pc_xstrdup(json_string_value(p));
		e->size = (uint64_t)json_integer_value(sz);
		e->mtime_ns = json_integer_value(mt);
		e->ctime_ns = json_integer_value(ct);
		e->status = s;
		e->what = pc_xstrdup(json_string_value(wh));
	}
	return 0;
}

void pc_cache_load(struct pc_cache *c, const char *dir, struct pc_err *warn)
{
	struct pc_strbuf why = PC_STRBUF_INIT;
	struct pc_err e = { 0 };
	json_error_t je;
	json_t *root;
	char *text;
	size_t len;
	int r;

	memset(c, 0, sizeof(*c));
	c->dir = pc_xstrdup(dir);
	c->file = pc_xasprintf("%s/%s", dir, PC_CACHE_FILE);
	if (access(c->file, F_OK) && errno == ENOENT)
		return;
	if (pc_read_file(c->file, CACHE_MAX_FILE, &text, &len, &e)) {
		pc_err_set(warn, "%s: unreadable registry cache (%s): rebuilding it",
			   c->file, e.msg);
		c->dirty = true;
		return;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!root) {
		pc_err_set(warn, "%s:%d:%d: corrupted registry cache (%s): rebuilding it",
			   c->file, je.line, je.column, je.text);
		c->dirty = true;
		return;
	}
	r = parse(c, root, &why);
	json_decref(root);
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
	       e->mtime_ns == ts_ns(&st->st_mtim) &&
	       e->ctime_ns == ts_ns(&st->st_ctim);
}

static struct pc_cache_entry *find(const struct pc_cache *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].path, path))
			return &c->items[i];
	return NULL;
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
		    const char *what)
{
	struct pc_cache_entry *e = find(c, path);

	if (!pc_scan_status_cacheable(status))
		return;
	if (e) {
		entry_release(e);
	} else {
		PC_ALLOC_GROW(c->items, c->n + 1, c->alloc);
		e = &c->items[c->n++];
	}
	e->path = pc_xstrdup(path);
	e->size = (uint64_t)st->st_size;
	e->mtime_ns = ts_ns(&st->st_mtim);
	e->ctime_ns = ts_ns(&st->st_ctim);
	e->status = status;
	e->what = pc_xstrdup(what);
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
			ret = pc_err_set(err, "%s: cannot create the cache directory: %s",
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

int pc_cache_save(struct pc_cache *c, struct pc_err *err)
{
	json_t *root, *list;
	char *text;
	size_t keep = 0;
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
	root = json_object();
	json_object_set_new(root, "format", json_string("plugcheck-registry-cache"));
	json_object_set_new(root, "version", json_integer(PC_CACHE_FORMAT_VERSION));
	json_object_set_new(root, "core", json_string(PC_VERSION));
	json_object_set_new(root, "abi", json_integer(PLUGCHECK_ABI_VERSION));
	list = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct pc_cache_entry *e = &c->items[i];
		json_t *jp = json_string(e->path), *jw = json_string(e->what);
		json_t *o;

		/* not UTF-8: JSON cannot hold it, so it is not cached */
		if (!jp || !jw) {
			json_decref(jp);
			json_decref(jw);
			continue;
		}
		o = json_object();
		json_object_set_new(o, "path", jp);
		json_object_set_new(o, "size", json_integer((json_int_t)e->size));
		json_object_set_new(o, "mtime_ns", json_integer(e->mtime_ns));
		json_object_set_new(o, "ctime_ns", json_integer(e->ctime_ns));
		json_object_set_new(o, "status", json_string(status_names[e->status]));
		json_object_set_new(o, "message", jw);
		json_array_append_new(list, o);
	}
	json_object_set_new(root, "plugins", list);
	text = pc_json_dump(root);
	json_decref(root);
	r = make_dirs(c->dir, err);
	if (!r)
		r = pc_write_file_atomic(c->file, text, strlen(text), err);
	free(text);
	if (!r)
		c->dirty = false;
	return r;
}

void pc_cache_release(struct pc_cache *c)
{
	clear(c);
	free(c->items);
	free(c->dir);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
