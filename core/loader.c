/*
 * loader.c - plugin discovery and the loading run: find the plugin files,
 * inspect, scan and load each (module.c), parse their declarations into
 * the registry, with the registry cache (cache.c).  See loader.h and
 * Documentation/hardening.md.
 *
 * Order matters: nothing of a plugin runs before its section has been read
 * and its ABI version accepted (the kernel refuses a module on its
 * vermagic the same way).  dlopen runs constructors, so it comes last,
 * and first in a scanner child (scan.c): a plugin that crashes or hangs
 * while loading takes only that child down.
 */
#include "loader.h"

#include <assert.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <ltdl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "decl.h"
#include "plugcheck/plugin.h"
#include "scan.h"

#include "banned.h"

void pc_diags_add(struct pc_diags *d, const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	PC_ALLOC_GROW(d->msgs, d->n + 1, d->alloc);
	d->msgs[d->n++] = pc_strbuf_detach(&sb);
}

void pc_diags_release(struct pc_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	memset(d, 0, sizeof(*d));
}

/* One plugin file found in a plugin directory. */
struct found {
	char *path;      /* as listed: DIR/x.so or DIR/x/x.so */
	char *real;      /* its canonical path, or NULL when unknown */
	struct stat st;  /* stat() of 'path' */
};

static int cmp_found(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->path,
		      ((const struct found *)b)->path);
}

static void note(const struct pc_loader_opts *o, const char *fmt, ...)
	PC_PRINTF(2, 3);
static void note(const struct pc_loader_opts *o, const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char buf[512];
	va_list ap;
	int n;

	if (!o->note)
		return;
	/* formatted once when it fits (one note per plugin, even with -q) */
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(buf)) {
		o->note(o->note_ctx, buf);
		return;
	}
	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	o->note(o->note_ctx, sb.buf);
	pc_strbuf_release(&sb);
}

static bool world_writable(const struct stat *st)
{
	/* a sticky directory (/tmp) keeps others from replacing our files */
	return (st->st_mode & S_IWOTH) &&
	       !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX));
}

/* "A/B" (without printf: two per plugin file) */
static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *r = pc_xmalloc(la + lb + 2);

	memcpy(r, a, la);
	r[la] = '/';
	memcpy(r + la + 1, b, lb + 1);
	return r;
}

/*
 * A file we may load: a regular file, not world-writable (unless allowed).
 * 'rel' is its name relative to the plugin directory ("x.so" or
 * "x/x.so"), 'rdir' the directory's canonical path (NULL if unknown):
 * when the file's canonical path is not "rdir/rel", a symlink was
 * followed, and -v says where to; the kernel's modprobe does not load
 * from outside its tree silently either.
 *
 * 'lst' is the lstat() of 'path' and 'linked' says whether a symlink may
 * be on the way (the file or its plugin subdirectory is one).  Without
 * one, 'path' is "DIR/rel" with names read from the directory (never "."
 * or ".."): its canonical path is "rdir/rel" and its stat() is 'lst', so
 * a plugin costs one system call here, not a realpath() walk.
 */
/* the directory that really holds 'real' (a canonical path), and every
 * one above it, must be safe (pc_dir_chain_check()) */
static bool trusted_home(const struct pc_loader_opts *o, const char *path,
			 const char *real, struct pc_strmap *safe,
			 struct pc_diags *diags)
{
	struct pc_err e = { 0 };
	const char *slash = strrchr(real, '/');
	char *dir;
	int r;

	if (o->allow_world_writable)
		return true;
	dir = pc_xstrndup(real, slash && slash != real ? (size_t)(slash - real) : 1);
	r = pc_dir_chain_check(dir, safe, &e);
	free(dir);
	if (r)
		pc_diags_add(diags, "%s: refusing to load a plugin from an unsafe directory: %s (use --allow-world-writable to override)",
			     path, e.msg);
	return !r;
}

static bool usable_file(const struct pc_loader_opts *o, const char *rdir,
			const char *rel, const char *path,
			const struct stat *lst, bool linked, struct found *f,
			struct pc_strmap *safe, struct pc_diags *diags)
{
	struct stat st;
	char *real;

	if (linked) {
		if (stat(path, &st))
			return false;
	} else {
		st = *lst;
	}
	if (!S_ISREG(st.st_mode)) {
		pc_diags_add(diags, "%s: %s, not a regular file: not a plugin", path,
			     S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a directory" :
			     S_ISCHR(st.st_mode) ? "a character device" :
			     S_ISBLK(st.st_mode) ? "a block device" :
			     S_ISSOCK(st.st_mode) ? "a socket" : "something else");
		return false;
	}
	if (world_writable(&st) && !o->allow_world_writable) {
		pc_diags_add(diags, "%s: refusing to load a world-writable plugin file (mode %04o; use --allow-world-writable to override)",
			     path, (unsigned)(st.st_mode & 07777));
		return false;
	}
	if (!linked && rdir) {
		real = path_join(rdir, rel);
	} else {
		real = realpath(path, NULL);
		if (real && rdir) {
			size_t dl = strlen(rdir);
			char *lexical = path_join(rdir, rel);

			if (strncmp(real, rdir, dl) || real[dl] != '/')
				note(o, "%s: symlink into another directory: loading %s",
				     path, real);
			else if (strcmp(real, lexical))
				note(o, "%s: symlink to %s", path, real);
			free(lexical);
		}
	}
	if (!real) {
		pc_diags_add(diags, "%s: cannot resolve: %s", path, strerror(errno));
		return false;
	}
	if (!trusted_home(o, path, real, safe, diags)) {
		free(real);
		return false;
	}
	f->path = pc_xstrdup(path);
	f->real = real;
	f->st = st;
	return true;
}

static void add_found(struct found **v, size_t *n, size_t *alloc,
		      const struct found *f)
{
	PC_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = *f;
}

/* lstat() 'path'; 'linked' is set when it is a symlink (then it must
 * resolve: a dangling link is no file). */
static int lstat_follow(const char *path, struct stat *st, bool *linked)
{
	if (lstat(path, st))
		return -1;
	*linked = S_ISLNK(st->st_mode);
	if (*linked && stat(path, st))
		return -1;
	return 0;
}

/* an entry that looks like a plugin but cannot be followed or read */
static void bad_link(const char *path, struct pc_diags *diags)
{
	int e = errno;
	struct stat st;

	if (e == ENOENT && !lstat(path, &st) && S_ISLNK(st.st_mode))
		pc_diags_add(diags, "%s: dangling symlink: not a plugin", path);
	else if (e == ELOOP)
		pc_diags_add(diags, "%s: symlink loop: not a plugin", path);
	else
		pc_diags_add(diags, "%s: cannot read: %s", path, strerror(e));
}

static void find_in_dir(const struct pc_loader_opts *o, const char *dir,
			struct found **v, size_t *n, size_t *alloc,
			struct pc_strmap *safe, struct pc_diags *diags)
{
	struct stat st;
	struct dirent *de;
	char *rdir;
	DIR *dh;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		pc_diags_add(diags, "%s: plugin directory not found", dir);
		return;
	}
	if (world_writable(&st) && !o->allow_world_writable) {
		pc_diags_add(diags, "%s: refusing to load plugins from a world-writable directory (mode %04o; use --allow-world-writable to override)",
			     dir, (unsigned)(st.st_mode & 07777));
		return;
	}
	dh = opendir(dir);
	if (!dh) {
		pc_diags_add(diags, "%s: cannot read: %s", dir, strerror(errno));
		return;
	}
	rdir = realpath(dir, NULL);
	while ((de = readdir(dh)) != NULL) {
		struct found f;
		struct stat lst;
		bool linked = false, qlinked = false;
		char *p, *q, *rel;

		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (pc_str_ends_with(de->d_name, ".so")) {
			if (lstat_follow(p, &lst, &linked))
				bad_link(p, diags);
			else if (usable_file(o, rdir, de->d_name, p, &lst, linked,
					     &f, safe, diags))
				add_found(v, n, alloc, &f);
			free(p);
			continue;
		}
		/* a plugin subdirectory DIR/NAME/NAME.so; a regular file
		 * not named *.so is neither */
		if (de->d_type == DT_REG ||
		    lstat_follow(p, &st, &linked) || !S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		q = pc_xasprintf("%s/%s.so", p, de->d_name);
		if (lstat_follow(q, &lst, &qlinked)) {
			/* no NAME/NAME.so: not a plugin subdirectory; any
			 * other failure (a dangling or looping link, an
			 * unreadable subdirectory) is a bad entry */
			if (errno != ENOENT || !lstat(q, &lst))
				bad_link(q, diags);
			free(q);
			free(p);
			continue;
		}
		if (world_writable(&st) && !o->allow_world_writable) {
			pc_diags_add(diags, "%s: refusing to load plugins from a world-writable directory (mode %04o; use --allow-world-writable to override)",
				     p, (unsigned)(st.st_mode & 07777));
			free(q);
			free(p);
			continue;
		}
		rel = pc_xasprintf("%s/%s.so", de->d_name, de->d_name);
		if (usable_file(o, rdir, rel, q, &lst, linked || qlinked, &f,
				safe, diags))
			add_found(v, n, alloc, &f);
		free(rel);
		free(q);
		free(p);
	}
	closedir(dh);
	free(rdir);
}

static void find_all(const struct pc_loader_opts *o, struct found **v,
		     size_t *n, struct pc_diags *diags)
{
	struct pc_strmap safe = { 0 };
	size_t alloc = 0;

	*v = NULL;
	*n = 0;
	for (size_t d = 0; d < o->n_dirs; d++)
		find_in_dir(o, o->dirs[d], v, n, &alloc, &safe, diags);
	pc_strmap_release(&safe);
	if (*n)
		qsort(*v, *n, sizeof(**v), cmp_found);
}

int pc_plugin_find(const struct pc_loader_opts *o, char ***paths,
		   size_t *n, struct pc_diags *diags)
{
	struct found *v;

	find_all(o, &v, n, diags);
	*paths = *n ? pc_xcalloc(*n, sizeof(**paths)) : NULL;
	for (size_t i = 0; i < *n; i++) {
		(*paths)[i] = v[i].path;
		free(v[i].real);
	}
	free(v);
	return 0;
}

static void warn(const struct pc_loader_opts *o, const char *msg)
{
	if (o->warn)
		o->warn(o->note_ctx, msg);
}

/* The scan's message without the "PATH: " its messages start with. */
static const char *scan_what(const char *path, const char *msg)
{
	size_t l = strlen(path);

	if (!strncmp(msg, path, l) && msg[l] == ':' && msg[l + 1] == ' ')
		return msg + l + 2;
	return msg;
}

/*
 * Run the plugin's code in a scanner child, or take the outcome of an
 * earlier scan of the same unchanged file from the cache ('hit').
 * Returns 0 when the code may be loaded here, else -1 with a diagnostic
 * added.
 */
static int scan_one(const struct pc_loader_opts *o, struct pc_cache *cache,
		    const struct found *f, const struct pc_cache_entry *hit,
		    const struct pc_plugin *p, struct pc_diags *diags,
		    struct pc_loader_stats *stats)
{
	struct pc_scan_result res;
	int ret;

	if (hit) {
		stats->cached++;
		note(o, "%s: unchanged since the last scan (registry cache: %s)",
		     p->path, hit->status == PC_SCAN_OK ? "ok" : "failed");
		if (hit->status == PC_SCAN_OK)
			return 0;
		pc_diags_add(diags, "%s: %s", p->path, hit->what);
		return -1;
	}
	stats->scanned++;
	ret = pc_scan_plugin(p, o->scan_timeout_ms, &res);
	if (cache && f->real)
		pc_cache_store(cache, f->real, &f->st, res.status,
			       scan_what(p->path, res.msg), p->decl,
			       p->decl_len);
	if (ret)
		pc_diags_add(diags, "%s", res.msg);
	return ret;
}

/*
 * The names of the registry's plugins, for the duplicate check: open
 * addressing on the name, slots hold index + 1 into reg->plugins.  Equal
 * names probe the same sequence, so they are met in the order added.
 */
struct name_index {
	size_t *slots;
	size_t size, n;
};

static size_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static void name_index_add(struct name_index *x,
			   const struct pc_registry *reg, size_t j)
{
	size_t mask;

	if (2 * (x->n + 1) > x->size) {
		size_t size = x->size ? 2 * x->size : 64;

		free(x->slots);
		x->slots = pc_xcalloc(size, sizeof(*x->slots));
		x->size = size;
		x->n = 0;
		for (size_t i = 0; i < j; i++)
			name_index_add(x, reg, i);
	}
	mask = x->size - 1;
	for (size_t i = name_hash(reg->plugins[j]->name) & mask;;
	     i = (i + 1) & mask) {
		if (!x->slots[i]) {
			x->slots[i] = j + 1;
			x->n++;
			return;
		}
	}
}

/* Diagnose every registered plugin named like 'p'; true if any. */
static bool duplicate_name(const struct name_index *x,
			   const struct pc_registry *reg,
			   const struct pc_plugin *p, struct pc_diags *diags)
{
	bool dup = false;
	size_t mask = x->size - 1;

	if (!x->size)
		return false;
	for (size_t i = name_hash(p->name) & mask; x->slots[i];
	     i = (i + 1) & mask) {
		const struct pc_plugin *q = reg->plugins[x->slots[i] - 1];

		if (!strcmp(q->name, p->name)) {
			pc_diags_add(diags, "plugin '%s' is provided by both '%s' and '%s'",
				     p->name, q->path, p->path);
			dup = true;
		}
	}
	return dup;
}

/*
 * The plugin at 'f': from its cache entry when the file is unchanged (the
 * file is not even opened; its declaration text is the cache's, not a
 * copy: the registry keeps the cache's buffer, pc_load_plugins()), else
 * inspected from its ELF section.  A cache entry whose declaration does
 * not pass the ABI gate and header checks (a cache edited by hand) is not
 * used.
 */
static struct pc_plugin *open_plugin(const struct found *f,
				     const struct pc_cache_entry **hit,
				     struct pc_err *e)
{
	if (*hit) {
		struct pc_plugin *p =
			pc_plugin_from_decl(f->path, (*hit)->decl,
					    (*hit)->decl_len, true, e);

		if (p)
			return p;
		*hit = NULL;
		pc_err_clear(e);
	}
	return pc_plugin_inspect(f->path, e);
}

/*
 * Declarations are parsed ahead, on several threads, and committed in
 * order (decl.h).  A plugin on its way: opened (or why not), and its
 * declaration parsed.
 */
struct pending {
	struct pc_plugin *p;               /* NULL: could not be opened */
	const struct pc_cache_entry *hit;  /* its registry cache entry */
	char *open_err;                    /* why not, when p is NULL */
	struct pc_decl_parsed *parsed;     /* NULL until parsed */
};

static void parse_one(void *ctx, size_t i)
{
	struct pending *pd = &((struct pending *)ctx)[i];

	if (pd->p)
		pd->parsed = pc_decl_parse_detached(pd->p, pd->p->decl,
						    pd->p->decl_len, pd->p->path);
}

#define PARSE_THREADS_MIN_PLUGINS 16

static unsigned parse_thread_count(const struct pc_loader_opts *o, size_t n)
{
	unsigned t = o->parse_threads;

	/* a thread costs more than parsing a few plugins */
	if (!t && n < PARSE_THREADS_MIN_PLUGINS)
		t = 1;
	return t;
}

/*
 * Parse every opened plugin's declaration, on up to PC_PARALLEL_MAX
 * threads, all joined before returning (nothing else runs meanwhile: the
 * plugins and their texts are not modified, and no scanner child is
 * forked while threads exist).
 */
static void parse_all(const struct pc_loader_opts *o, struct pending *v,
		      size_t n)
{
	pc_parallel_for(n, parse_thread_count(o, n), parse_one, v);
}

/* 1. open every plugin (cache entry or ELF section), no diagnostic yet. */
static struct pending *open_all(const struct found *found, size_t n,
				struct pc_cache *cache)
{
	struct pending *pend = pc_xcalloc(n, sizeof(*pend));

	for (size_t i = 0; i < n; i++) {
		const struct found *f = &found[i];
		struct pc_err e;

		pc_err_clear(&e);
		if (cache && f->real)
			pend[i].hit = pc_cache_lookup(cache, f->real, &f->st);
		pend[i].p = open_plugin(f, &pend[i].hit, &e);
		if (!pend[i].p)
			pend[i].open_err = pc_xstrdup(e.msg);
	}
	return pend;
}

/*
 * 3. One opened and parsed plugin, in order, as if it were opened, checked
 * and parsed in turn: refused with a diagnostic (a duplicate name, a
 * failed scan or load, declarations the registry rejects) or added.
 * Takes 'pd'.  True if it was added.
 */
static bool admit_one(struct pc_registry *reg, const struct pc_loader_opts *o,
		      struct pc_cache *cache, const struct found *f,
		      struct pending *pd, struct name_index *names,
		      struct pc_diags *diags, struct pc_loader_stats *stats)
{
	/* looked up again: storing an earlier plugin's scan may have moved
	 * the cache's entries (a pointer from step 1 would dangle when some
	 * plugins changed and others did not) */
	const struct pc_cache_entry *hit = pd->hit
		? pc_cache_lookup(cache, f->real, &f->st) : NULL;
	struct pc_plugin *p = pd->p;
	struct pc_err e;

	/* open_all(): opened, or the reason why not */
	assert(!p != !pd->open_err);
	pc_err_clear(&e);
	if (!p) {
		pc_diags_add(diags, "%s", pd->open_err);
		free(pd->open_err);
		return false;
	}
	if (duplicate_name(names, reg, p, diags))
		goto refuse;
	/* past the ABI gate: its code runs first in a scanner child, here
	 * only once that has returned */
	if (o->load_code && o->scan &&
	    scan_one(o, cache, f, hit, p, diags, stats))
		goto refuse;
	if (o->load_code && !(o->scan && o->skip_parent_load) &&
	    pc_plugin_load_code(p, &e)) {
		pc_diags_add(diags, "%s", e.msg);
		goto refuse;
	}
	if (pc_registry_add_parsed(reg, p, pd->parsed, &e)) {
		/* the registry owns p even on failure */
		pc_diags_add(diags, "%s", e.msg);
		return false;
	}
	name_index_add(names, reg, reg->n_plugins - 1);
	return true;
refuse:
	pc_decl_parsed_free(pd->parsed);
	pc_plugin_free(p);
	return false;
}

/* A run stopped after the parse (opts->parsed): nothing admitted. */
static void drop_pending(struct pending *pend, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pc_decl_parsed_free(pend[i].parsed);
		pc_plugin_free(pend[i].p);
		free(pend[i].open_err);
	}
	free(pend);
}

/* The registry cache, when plugins are scanned (NULL otherwise). */
static struct pc_cache *cache_open(const struct pc_loader_opts *o,
				   struct pc_cache *store)
{
	struct pc_err w = { 0 };

	if (!(o->load_code && o->scan && o->cache_dir))
		return NULL;
	pc_cache_load(store, o->cache_dir, &w);
	if (w.set)
		warn(o, w.msg);
	return store;
}

/*
 * Save what was scanned: failing to is a warning, never an error.  The
 * plugins of 'reg' that came from the cache point into its buffer: the
 * registry keeps it.
 */
static void cache_close(const struct pc_loader_opts *o, struct pc_cache *cache,
			struct pc_registry *reg)
{
	struct pc_err w = { 0 };
	bool borrowed = false;

	if (!cache)
		return;
	if (pc_cache_save(cache, &w))
		warn(o, w.msg);
	for (size_t i = 0; i < reg->n_plugins && !borrowed; i++)
		borrowed = reg->plugins[i]->decl_borrowed;
	if (borrowed)
		pc_registry_keep_text(reg, pc_cache_take_buffer(cache));
	pc_cache_release(cache);
}

int pc_load_plugins(struct pc_registry *reg, const struct pc_loader_opts *o,
		    struct pc_diags *diags, struct pc_err *err)
{
	struct pc_loader_stats local, *stats = o->stats ? o->stats : &local;
	struct pc_cache cache_store, *cache;
	struct name_index names = { NULL, 0, 0 };
	struct found *found;
	struct pending *pend;
	bool stop;
	size_t n;

	assert(reg && o && diags);
	memset(stats, 0, sizeof(*stats));
	cache = cache_open(o, &cache_store);
	find_all(o, &found, &n, diags);
	stats->found = n;
	for (size_t j = 0; j < reg->n_plugins; j++)
		name_index_add(&names, reg, j);
	pend = open_all(found, n, cache);
	/* 2. parse their declarations, on every CPU */
	parse_all(o, pend, n);
	stop = o->parsed && o->parsed(o->parsed_ctx);
	if (stop) {
		drop_pending(pend, n);
		pend = NULL;
	}
	for (size_t i = 0; !stop && i < n; i++) {
		pc_progress("loading plugins", i, n);
		if (admit_one(reg, o, cache, &found[i], &pend[i], &names, diags,
			      stats))
			stats->loaded++;
	}
	pc_progress("loading plugins", n, n);
	free(pend);
	for (size_t i = 0; i < n; i++) {
		free(found[i].path);
		free(found[i].real);
	}
	free(found);
	free(names.slots);
	if (stop) {
		if (cache)
			pc_cache_release(cache);
		return -1;
	}
	cache_close(o, cache, reg);
	if (o->load_code && o->scan)
		note(o, "plugins: %zu found, %zu loaded, %zu scanned, %zu from the registry cache",
		     stats->found, stats->loaded, stats->scanned, stats->cached);
	if (!stats->loaded) {
		if (!n && !diags->n)
			return pc_err_setc(err, PC_E_NOT_FOUND, "no plugins found in %s%s",
					   o->n_dirs ? o->dirs[0] : "(no directory)",
					   o->n_dirs > 1 ? " and the other plugin directories" : "");
		return pc_err_setc(err, PC_E_PLUGIN, "no usable plugins");
	}
	return pc_registry_finalize(reg, err);
}
