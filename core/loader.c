/*
 * loader.c - plugin discovery, static inspection (libelf), the ABI gate,
 * and code loading (libltdl).  See loader.h and Documentation/hardening.md.
 *
 * Order matters: nothing of a plugin runs before its section has been read
 * and its ABI version accepted (the kernel refuses a module on its
 * vermagic the same way).  dlopen runs constructors, so it comes last,
 * and first in a scanner child (scan.c): a plugin that crashes or hangs
 * while loading takes only that child down.
 */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "plugcheck/plugin.h"
#include "scan.h"

#include "banned.h"

#define DECL_MAX (1u << 20)

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

int pc_elf_read_decl(const char *path, char **decl, size_t *len,
		     struct pc_err *err)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx, shnum, seen = 0;
	struct stat st;
	int fd, ret = -1;
	bool found = false;

	*decl = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return pc_err_set(err, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_err_set(err, "%s: cannot open: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pc_err_set(err, "%s: not a regular file", path);
		goto out;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	/* a non-ELF file still yields a handle: check its kind */
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		unsigned char magic[4];

		if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
		    !memcmp(magic, ELFMAG, SELFMAG))
			pc_err_set(err, "%s: truncated ELF: %lld bytes, too short for an ELF header",
				   path, (long long)st.st_size);
		else
			pc_err_set(err, "%s: not an ELF file (expected a shared object starting with \\177ELF)",
				   path);
		goto out;
	}
	/* a truncated file can show zero sections without an error: the
	 * header says where the section header table is, check it is there */
	{
		GElf_Ehdr eh;
		unsigned long long end;

		if (!gelf_getehdr(elf, &eh)) {
			pc_err_set(err, "%s: truncated ELF: unreadable ELF header: %s",
				   path, elf_errmsg(-1));
			goto out;
		}
		end = (unsigned long long)eh.e_shoff +
		      (unsigned long long)eh.e_shnum * eh.e_shentsize;
		if (eh.e_shoff == 0) {
			pc_err_set(err, "%s: malformed ELF: no section header table (stripped of sections?)",
				   path);
			goto out;
		}
		/* e_shnum 0: extended numbering, the count is in section 0 */
		if (eh.e_shnum && end > (unsigned long long)st.st_size) {
			pc_err_set(err, "%s: truncated ELF: section header table at bytes %llu to %llu, file has %lld",
				   path, (unsigned long long)eh.e_shoff, end,
				   (long long)st.st_size);
			goto out;
		}
	}
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx)) {
		pc_err_set(err, "%s: malformed ELF (section headers): %s", path,
			   elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *data;

		seen++;
		if (!gelf_getshdr(scn, &sh)) {
			pc_err_set(err, "%s: malformed ELF section header: %s",
				   path, elf_errmsg(-1));
			goto out;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, PLUGCHECK_SECTION))
			continue;
		if (found) {
			pc_err_set(err, "%s: more than one %s section", path,
				   PLUGCHECK_SECTION);
			goto out;
		}
		found = true;
		if (sh.sh_type == SHT_NOBITS || sh.sh_size == 0) {
			pc_err_set(err, "%s: empty %s section", path,
				   PLUGCHECK_SECTION);
			goto out;
		}
		if (sh.sh_size > DECL_MAX) {
			pc_err_set(err, "%s: %s section too large (%llu bytes, at most %u)",
				   path, PLUGCHECK_SECTION,
				   (unsigned long long)sh.sh_size, DECL_MAX);
			goto out;
		}
		/* a truncated file can list sections past its end */
		if (sh.sh_offset > (GElf_Off)st.st_size ||
		    sh.sh_size > (GElf_Off)st.st_size - sh.sh_offset) {
			pc_err_set(err, "%s: truncated ELF: %s section ends at byte %llu, file has %lld",
				   path, PLUGCHECK_SECTION,
				   (unsigned long long)(sh.sh_offset + sh.sh_size),
				   (long long)st.st_size);
			goto out;
		}
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || data->d_size != sh.sh_size) {
			pc_err_set(err, "%s: cannot read %s section: %s", path,
				   PLUGCHECK_SECTION, elf_errmsg(-1));
			goto out;
		}
		/* section data is not NUL-terminated by libelf: bound it */
		{
			const char *p = data->d_buf;
			size_t n = data->d_size;

			if (p[n - 1] == '\0')
				n--;
			if (memchr(p, '\0', n)) {
				pc_err_set(err, "%s: %s section holds a NUL byte at offset %zu",
					   path, PLUGCHECK_SECTION,
					   (size_t)((const char *)memchr(p, '\0', n) - p));
				goto out;
			}
			*decl = pc_xstrndup(p, n);
			if (len)
				*len = n;
		}
	}
	if (seen + 1 < shnum) {
		pc_err_set(err, "%s: truncated ELF: %zu section headers declared, %zu readable",
			   path, shnum, seen + 1);
		free(*decl);
		*decl = NULL;
		goto out;
	}
	if (!found) {
		pc_err_set(err, "%s: not a plugcheck plugin (no %s section)", path,
			   PLUGCHECK_SECTION);
		goto out;
	}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

int pc_decl_abi_version(const char *decl, size_t len)
{
	const char *kw = "plugcheck-abi ";
	size_t kl = strlen(kw);
	long v = 0;
	size_t i;

	if (len < kl + 1 || strncmp(decl, kw, kl))
		return -1;
	for (i = kl; i < len && decl[i] >= '0' && decl[i] <= '9'; i++) {
		v = v * 10 + (decl[i] - '0');
		if (v > 1000000)
			return -1;
	}
	if (i == kl || (i < len && decl[i] != '\n'))
		return -1;
	return (int)v;
}

/* Header lines "plugin NAME VERSION", "description ...": the rest is the
 * parser's business, and it re-checks these. */
static char *header_value(const char *decl, const char *key)
{
	size_t kl = strlen(key);
	const char *p = decl;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);

		while (ll && (*p == ' ' || *p == '\t')) {
			p++;
			ll--;
		}
		if (ll > kl && !strncmp(p, key, kl) && p[kl] == ' ') {
			const char *v = p + kl + 1;
			size_t vl = ll - kl - 1;

			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			return pc_xstrndup(v, vl);
		}
		if (ll >= 4 && (!strncmp(p, "type", 4) || !strncmp(p, "vmsd", 4)))
			break; /* the header is over */
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

struct pc_plugin *pc_plugin_inspect(const char *path, struct pc_err *err)
{
	struct pc_plugin *p;
	char *decl, *pl, *sp;
	size_t len;
	int abi;

	if (pc_elf_read_decl(path, &decl, &len, err))
		return NULL;
	abi = pc_decl_abi_version(decl, len);
	if (abi < 0) {
		pc_err_set(err, "%s: declaration does not start with 'plugcheck-abi N'",
			   path);
		free(decl);
		return NULL;
	}
	if (abi != PLUGCHECK_ABI_VERSION) {
		pc_err_set(err, "%s: plugin ABI version %d, this plugcheck supports %d (rebuild the plugin against this plugcheck's headers)",
			   path, abi, PLUGCHECK_ABI_VERSION);
		free(decl);
		return NULL;
	}
	p = pc_xcalloc(1, sizeof(*p));
	p->path = pc_xstrdup(path);
	p->decl = decl;
	p->decl_len = len;
	p->abi_version = (unsigned)abi;
	pl = header_value(decl, "plugin");
	if (!pl || !(sp = strchr(pl, ' '))) {
		pc_err_set(err, "%s: declaration has no 'plugin NAME VERSION' line",
			   path);
		free(pl);
		pc_plugin_free(p);
		return NULL;
	}
	p->name = pc_xstrndup(pl, (size_t)(sp - pl));
	p->version = pc_xstrdup(sp + 1);
	free(pl);
	p->description = header_value(decl, "description");
	p->license = header_value(decl, "license");
	p->author = header_value(decl, "author");
	return p;
}

static int loader_refs;

int pc_loader_init(struct pc_err *err)
{
	if (lt_dlinit())
		return pc_err_set(err, "libltdl: %s", lt_dlerror());
	loader_refs++;
	return 0;
}

void pc_loader_exit(void)
{
	if (loader_refs > 0) {
		loader_refs--;
		lt_dlexit();
	}
}

/* What the plugin exposes once loaded; kept beside the handle. */
struct loaded {
	lt_dlhandle h;
	const struct plugcheck_module *mod;
};

static const char *hook_prop_text(struct plugcheck_hook_ctx *ctx,
				  const char *name);

int pc_plugin_load_code(struct pc_plugin *p, struct pc_err *err)
{
	struct loaded *l;
	lt_dlhandle h;
	const struct plugcheck_module *mod;

	if (p->handle)
		return 0;
	h = lt_dlopen(p->path);
	if (!h) {
		/* libltdl says "file not found" for a missing symbol or
		 * library: ask dlopen for the real cause */
		const char *lt = lt_dlerror();
		void *dh = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);

		if (dh) {
			dlclose(dh);
			return pc_err_set(err, "%s: cannot load: %s", p->path,
					  lt ? lt : "unknown error");
		}
		return pc_err_set(err, "%s: cannot load: %s", p->path,
				  dlerror());
	}
	mod = lt_dlsym(h, PLUGCHECK_MODULE_SYMBOL);
	if (!mod) {
		lt_dlclose(h);
		return pc_err_set(err, "%s: no '%s' symbol (not built with PLUGCHECK_MODULE)",
				  p->path, PLUGCHECK_MODULE_SYMBOL);
	}
	if (mod->magic != PLUGCHECK_MODULE_MAGIC ||
	    mod->abi_version != PLUGCHECK_ABI_VERSION ||
	    mod->size < offsetof(struct plugcheck_module, reserved)) {
		lt_dlclose(h);
		return pc_err_set(err, "%s: bad module record (magic 0x%08x, ABI %u, size %u; expected magic 0x%08x, ABI %u)",
				  p->path, mod->magic, mod->abi_version,
				  mod->size, PLUGCHECK_MODULE_MAGIC,
				  PLUGCHECK_ABI_VERSION);
	}
	if (!mod->decl || mod->decl_len != p->decl_len ||
	    memcmp(mod->decl, p->decl, p->decl_len)) {
		lt_dlclose(h);
		return pc_err_set(err, "%s: the loaded module's declaration differs from its %s section",
				  p->path, PLUGCHECK_SECTION);
	}
	if (mod->init) {
		static struct plugcheck_api api;

		api.size = sizeof(api);
		api.abi_version = PLUGCHECK_ABI_VERSION;
		api.core_version = PC_VERSION;
		api.prop_text = hook_prop_text;
		if (mod->init(&api)) {
			lt_dlclose(h);
			return pc_err_set(err, "%s: plugin init refused to start",
					  p->path);
		}
	}
	l = pc_xcalloc(1, sizeof(*l));
	l->h = h;
	l->mod = mod;
	p->handle = l;
	return 0;
}

static const char *hook_prop_text(struct plugcheck_hook_ctx *ctx,
				  const char *name)
{
	return NULL;
}

void *pc_plugin_symbol(const struct pc_plugin *p, const char *symbol)
{
	const struct loaded *l = p->handle;

	return l ? lt_dlsym(l->h, symbol) : NULL;
}

const char *pc_plugin_loaded_decl(const struct pc_plugin *p, size_t *len)
{
	const struct loaded *l = p->handle;

	if (!l)
		return NULL;
	if (len)
		*len = l->mod->decl_len;
	return l->mod->decl;
}

void pc_plugin_free(struct pc_plugin *p)
{
	if (!p)
		return;
	if (p->handle) {
		struct loaded *l = p->handle;
		lt_dlclose(l->h);
		free(l);
	}
	free(p->name);
	free(p->version);
	free(p->path);
	free(p->description);
	free(p->license);
	free(p->author);
	free(p->decl);
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(char ***v, size_t *n, size_t *alloc, char *path)
{
	PC_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = path;
}

static void note(const struct pc_loader_opts *o, const char *fmt, ...)
	PC_PRINTF(2, 3);
static void note(const struct pc_loader_opts *o, const char *fmt, ...)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	if (!o->note)
		return;
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

/*
 * A file we may load: a regular file, not world-writable (unless allowed).
 * 'rel' is its name relative to the plugin directory 'dir' ("x.so" or
 * "x/x.so"): when its canonical path is not "realpath(dir)/rel", a symlink
 * was followed, and -v says where to; the kernel's modprobe does not load
 * from outside its tree silently either.
 */
static bool usable_file(const struct pc_loader_opts *o, const char *dir,
			const char *rel, const char *path,
			struct pc_diags *diags)
{
	struct stat st;
	char *real, *rdir;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	if (world_writable(&st) && !o->allow_world_writable) {
		pc_diags_add(diags, "%s: refusing to load a world-writable plugin file (mode %04o; use --allow-world-writable to override)",
			     path, (unsigned)(st.st_mode & 07777));
		return false;
	}
	real = realpath(path, NULL);
	rdir = realpath(dir, NULL);
	if (real && rdir) {
		size_t dl = strlen(rdir);
		char *lexical = pc_xasprintf("%s/%s", rdir, rel);

		if (strncmp(real, rdir, dl) || real[dl] != '/')
			note(o, "%s: symlink into another directory: loading %s",
			     path, real);
		else if (strcmp(real, lexical))
			note(o, "%s: symlink to %s", path, real);
		free(lexical);
	}
	free(real);
	free(rdir);
	return true;
}

int pc_plugin_find(const struct pc_loader_opts *o, char ***paths,
		   size_t *n, struct pc_diags *diags)
{
	size_t alloc = 0;

	*paths = NULL;
	*n = 0;
	for (size_t d = 0; d < o->n_dirs; d++) {
		const char *dir = o->dirs[d];
		struct stat st;
		struct dirent *de;
		DIR *dh;

		if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
			pc_diags_add(diags, "%s: plugin directory not found",
				     dir);
			continue;
		}
		if (world_writable(&st) && !o->allow_world_writable) {
			pc_diags_add(diags, "%s: refusing to load plugins from a world-writable directory (mode %04o; use --allow-world-writable to override)",
				     dir, (unsigned)(st.st_mode & 07777));
			continue;
		}
		dh = opendir(dir);
		if (!dh) {
			pc_diags_add(diags, "%s: cannot read: %s", dir,
				     strerror(errno));
			continue;
		}
		while ((de = readdir(dh)) != NULL) {
			char *p, *q, *rel;

			if (de->d_name[0] == '.')
				continue;
			p = pc_xasprintf("%s/%s", dir, de->d_name);
			if (pc_str_ends_with(de->d_name, ".so")) {
				if (usable_file(o, dir, de->d_name, p, diags))
					add_path(paths, n, &alloc, p);
				else
					free(p);
				continue;
			}
			if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
				free(p);
				continue;
			}
			q = pc_xasprintf("%s/%s.so", p, de->d_name);
			if (access(q, F_OK)) {
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
			if (usable_file(o, dir, rel, q, diags))
				add_path(paths, n, &alloc, q);
			else
				free(q);
			free(rel);
			free(p);
		}
		closedir(dh);
	}
	if (*n)
		qsort(*paths, *n, sizeof(**paths), cmp_str);
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
 * earlier scan of the same unchanged file from the cache.  Returns 0 when
 * the code may be loaded here, else -1 with a diagnostic added.
 */
static int scan_one(const struct pc_loader_opts *o, struct pc_cache *cache,
		    const struct pc_plugin *p, struct pc_diags *diags,
		    struct pc_loader_stats *stats)
{
	struct pc_scan_result res;
	struct stat st;
	char *real = NULL;
	int ret;

	if (cache && !stat(p->path, &st))
		real = realpath(p->path, NULL);
	if (real) {
		const struct pc_cache_entry *e = pc_cache_lookup(cache, real, &st);

		if (e) {
			stats->cached++;
			note(o, "%s: unchanged since the last scan (registry cache: %s)",
			     p->path, e->status == PC_SCAN_OK ? "ok" : "failed");
			free(real);
			if (e->status == PC_SCAN_OK)
				return 0;
			pc_diags_add(diags, "%s: %s", p->path, e->what);
			return -1;
		}
	}
	stats->scanned++;
	ret = pc_scan_plugin(p, o->scan_timeout_ms, &res);
	if (real)
		pc_cache_store(cache, real, &st, res.status,
			       scan_what(p->path, res.msg));
	free(real);
	if (ret)
		pc_diags_add(diags, "%s", res.msg);
	return ret;
}

int pc_load_plugins(struct pc_registry *reg, const struct pc_loader_opts *o,
		    struct pc_diags *diags, struct pc_err *err)
{
	struct pc_loader_stats local, *stats = o->stats ? o->stats : &local;
	struct pc_cache cache_store, *cache = NULL;
	char **paths;
	size_t n;

	memset(stats, 0, sizeof(*stats));
	if (o->load_code && o->scan && o->cache_dir) {
		struct pc_err w = { 0 };

		pc_cache_load(&cache_store, o->cache_dir, &w);
		if (w.set)
			warn(o, w.msg);
		cache = &cache_store;
	}
	pc_plugin_find(o, &paths, &n, diags);
	stats->found = n;
	for (size_t i = 0; i < n; i++) {
		struct pc_err e = { 0 };
		struct pc_plugin *p = pc_plugin_inspect(paths[i], &e);
		bool dup = false;

		if (!p) {
			pc_diags_add(diags, "%s", e.msg);
			continue;
		}
		for (size_t j = 0; j < reg->n_plugins; j++) {
			if (!strcmp(reg->plugins[j]->name, p->name)) {
				pc_diags_add(diags, "plugin '%s' is provided by both '%s' and '%s'",
					     p->name, reg->plugins[j]->path,
					     p->path);
				dup = true;
			}
		}
		if (dup) {
			pc_plugin_free(p);
			continue;
		}
		/* past the ABI gate: its code runs first in a scanner child,
		 * here only once that has returned */
		if (o->load_code && o->scan &&
		    scan_one(o, cache, p, diags, stats)) {
			pc_plugin_free(p);
			continue;
		}
		if (o->load_code && !(o->scan && o->skip_parent_load) &&
		    pc_plugin_load_code(p, &e)) {
			pc_diags_add(diags, "%s", e.msg);
			pc_plugin_free(p);
			continue;
		}
		if (pc_registry_add_plugin(reg, p, p->path, &e)) {
			/* the registry owns p even on failure */
			pc_diags_add(diags, "%s", e.msg);
			continue;
		}
		stats->loaded++;
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (cache) {
		struct pc_err w = { 0 };

		if (pc_cache_save(cache, &w))
			warn(o, w.msg);
		pc_cache_release(cache);
	}
	if (o->load_code && o->scan)
		note(o, "plugins: %zu found, %zu loaded, %zu scanned, %zu from the registry cache",
		     stats->found, stats->loaded, stats->scanned, stats->cached);
	if (!stats->loaded) {
		if (!n && !diags->n)
			return pc_err_set(err, "no plugins found in %s%s",
					  o->n_dirs ? o->dirs[0] : "(no directory)",
					  o->n_dirs > 1 ? " and the other plugin directories" : "");
		return pc_err_set(err, "no usable plugins");
	}
	if (pc_registry_finalize(reg, err))
		return -1;
	return 0;
}
