/*
 * module.c - one plugin module (module.h): static inspection (libelf),
 * the ABI gate, and code loading (libltdl); the loaded-code handle is
 * kept here and closed by pc_plugin_free(), so the model (registry.c)
 * frees its plugins without depending on the loading run (loader.c).
 *
 * Order matters: nothing of a plugin runs before its section has been read
 * and its ABI version accepted.  See loader.c and
 * Documentation/hardening.md.
 */
#include "module.h"

#include <assert.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <ltdl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugcheck/plugin.h"

#include "banned.h"

#define DECL_MAX (1u << 20)

/*
 * The ELF handle of the open file 'fd', checked against truncation: a
 * non-ELF file still yields a handle (its kind tells), and a truncated
 * one can show zero sections without an error (the header says where the
 * section header table is: check it is there).
 */
/* this build's ELF class, byte order and machine, for plugins */
#if UINTPTR_MAX > 0xffffffffu
#define HOST_CLASS ELFCLASS64
#else
#define HOST_CLASS ELFCLASS32
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_DATA ELFDATA2MSB
#else
#define HOST_DATA ELFDATA2LSB
#endif
#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__i386__)
#define HOST_MACHINE EM_386
#elif defined(__powerpc64__)
#define HOST_MACHINE EM_PPC64
#elif defined(__s390x__)
#define HOST_MACHINE EM_S390
#elif defined(__riscv)
#define HOST_MACHINE EM_RISCV
#else
#define HOST_MACHINE EM_NONE /* not checked */
#endif

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "AArch64";
	case EM_386: return "i386";
	case EM_ARM: return "32-bit ARM";
	case EM_PPC64: return "PowerPC 64";
	case EM_PPC: return "PowerPC";
	case EM_S390: return "s390x";
	case EM_RISCV: return "RISC-V";
	case EM_MIPS: return "MIPS";
	default: return NULL;
	}
}

static const char *host_desc(void)
{
	static char buf[96];
	const char *m = machine_name(HOST_MACHINE);

	snprintf(buf, sizeof(buf), "%d-bit %s-endian %s", HOST_CLASS == ELFCLASS64 ? 64 : 32,
		 HOST_DATA == ELFDATA2MSB ? "big" : "little", m ? m : "this machine's");
	return buf;
}

/* A plugin built for another machine: say what it is and what we load. */
static int foreign_elf(Elf *elf, const char *path, struct pc_err *err)
{
	const char *id = elf_getident(elf, NULL);
	unsigned cls, data;
	GElf_Ehdr eh;

	if (!id)
		return 0; /* the header checks below say it */
	cls = (unsigned char)id[EI_CLASS];
	data = (unsigned char)id[EI_DATA];
	if (cls != HOST_CLASS || data != HOST_DATA) {
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: a %s %s ELF file; this plugcheck loads %s shared objects",
				   path, cls == ELFCLASS32 ? "32-bit" : cls == ELFCLASS64 ? "64-bit" :
				   "bad-class", data == ELFDATA2MSB ? "big-endian" :
				   data == ELFDATA2LSB ? "little-endian" : "bad-byte-order", host_desc());
	}
	if (HOST_MACHINE != EM_NONE && gelf_getehdr(elf, &eh) && eh.e_machine != HOST_MACHINE) {
		const char *m = machine_name(eh.e_machine);

		if (m)
			return pc_err_setc(err, PC_E_PLUGIN, "%s: an ELF file for %s; this plugcheck loads %s shared objects",
					   path, m, host_desc());
		return pc_err_setc(err, PC_E_PLUGIN, "%s: an ELF file for machine %u; this plugcheck loads %s shared objects",
				   path, (unsigned)eh.e_machine, host_desc());
	}
	return 0;
}

static Elf *elf_open_checked(int fd, const struct stat *st, const char *path,
			     struct pc_err *err)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	unsigned char magic[4];
	unsigned long long end;
	GElf_Ehdr eh;

	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
		    !memcmp(magic, ELFMAG, SELFMAG))
			pc_err_setc(err, PC_E_PLUGIN,
				    "%s: truncated ELF: %lld bytes, too short for an ELF header",
				    path, (long long)st->st_size);
		else
			pc_err_setc(err, PC_E_PLUGIN,
				    "%s: not an ELF file (expected a shared object starting with \\177ELF)",
				    path);
		goto fail;
	}
	if (foreign_elf(elf, path, err))
		goto fail;
	if (!gelf_getehdr(elf, &eh)) {
		pc_err_setc(err, PC_E_PLUGIN,
			    "%s: truncated ELF: unreadable ELF header: %s",
			    path, elf_errmsg(-1));
		goto fail;
	}
	if (eh.e_type != ET_DYN) {
		pc_err_setc(err, PC_E_PLUGIN, "%s: an ELF %s, not a shared object (a plugin is built with -shared -fPIC)",
			    path, eh.e_type == ET_EXEC ? "executable" : eh.e_type == ET_REL ?
			    "relocatable object (.o)" : eh.e_type == ET_CORE ? "core dump" : "file of unknown type");
		goto fail;
	}
	end = (unsigned long long)eh.e_shoff +
	      (unsigned long long)eh.e_shnum * eh.e_shentsize;
	if (eh.e_shoff == 0) {
		pc_err_setc(err, PC_E_PLUGIN,
			    "%s: malformed ELF: no section header table (stripped of sections?)",
			    path);
		goto fail;
	}
	/* e_shnum 0: extended numbering, the count is in section 0 */
	if (eh.e_shnum && end > (unsigned long long)st->st_size) {
		pc_err_setc(err, PC_E_PLUGIN,
			    "%s: truncated ELF: section header table at bytes %llu to %llu, file has %lld",
			    path, (unsigned long long)eh.e_shoff, end,
			    (long long)st->st_size);
		goto fail;
	}
	return elf;
fail:
	if (elf)
		elf_end(elf);
	return NULL;
}

/*
 * The declaration text of the plugcheck section 'scn' (header 'sh'), into
 * *decl and *len: bounded, inside the file, without NUL bytes (section
 * data is not NUL-terminated by libelf).
 */
static int elf_section_text(Elf_Scn *scn, const GElf_Shdr *sh,
			    const struct stat *st, const char *path,
			    char **decl, size_t *len, struct pc_err *err)
{
	Elf_Data *data;
	const char *p, *nul;
	size_t n;

	if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
		return pc_err_setc(err, PC_E_PLUGIN, "%s: empty %s section",
				   path, PLUGCHECK_SECTION);
	if (sh->sh_size > DECL_MAX)
		return pc_err_setc(err, PC_E_LIMIT,
				   "%s: %s section too large (%llu bytes, at most %u)",
				   path, PLUGCHECK_SECTION,
				   (unsigned long long)sh->sh_size, DECL_MAX);
	/* a truncated file can list sections past its end */
	if (sh->sh_offset > (GElf_Off)st->st_size ||
	    sh->sh_size > (GElf_Off)st->st_size - sh->sh_offset)
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: truncated ELF: %s section ends at byte %llu, file has %lld",
				   path, PLUGCHECK_SECTION,
				   (unsigned long long)(sh->sh_offset + sh->sh_size),
				   (long long)st->st_size);
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf || data->d_size != sh->sh_size)
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: cannot read %s section: %s", path,
				   PLUGCHECK_SECTION, elf_errmsg(-1));
	p = data->d_buf;
	n = data->d_size;
	if (p[n - 1] == '\0')
		n--;
	if ((nul = memchr(p, '\0', n)) != NULL)
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: %s section holds a NUL byte at offset %zu",
				   path, PLUGCHECK_SECTION, (size_t)(nul - p));
	*decl = pc_xstrndup(p, n);
	if (len)
		*len = n;
	return 0;
}

/*
 * Walk the sections for the one plugcheck section; every section header
 * the ELF header declares must be readable.
 */
static int elf_find_decl(Elf *elf, const struct stat *st, const char *path,
			 char **decl, size_t *len, struct pc_err *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, shnum, seen = 0;
	bool found = false;

	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: malformed ELF (section headers): %s", path,
				   elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		seen++;
		if (!gelf_getshdr(scn, &sh))
			return pc_err_setc(err, PC_E_PLUGIN,
					   "%s: malformed ELF section header: %s",
					   path, elf_errmsg(-1));
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, PLUGCHECK_SECTION))
			continue;
		if (found)
			return pc_err_setc(err, PC_E_PLUGIN,
					   "%s: more than one %s section", path,
					   PLUGCHECK_SECTION);
		found = true;
		if (elf_section_text(scn, &sh, st, path, decl, len, err))
			return -1;
	}
	if (seen + 1 < shnum)
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: truncated ELF: %zu section headers declared, %zu readable",
				   path, shnum, seen + 1);
	if (!found)
		return pc_err_setc(err, PC_E_PLUGIN,
				   "%s: not a plugcheck plugin (no %s section)",
				   path, PLUGCHECK_SECTION);
	return 0;
}

int pc_elf_read_decl(const char *path, char **decl, size_t *len,
		     struct pc_err *err)
{
	Elf *elf;
	struct stat st;
	int fd, ret = -1;

	assert(path && decl);
	*decl = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return pc_err_setc(err, PC_E_INTERNAL, "libelf: %s",
				   elf_errmsg(-1));
	fd = pc_open_input(path, err); /* a FIFO does not hang us */
	if (fd < 0) {
		if (err && err->code == PC_E_INPUT)
			err->code = PC_E_PLUGIN;
		return -1;
	}
	if (fstat(fd, &st)) {
		pc_err_setc(err, PC_E_IO, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	elf = elf_open_checked(fd, &st, path, err);
	if (!elf)
		goto out;
	ret = elf_find_decl(elf, &st, path, decl, len, err);
	elf_end(elf);
	if (ret) {
		free(*decl);
		*decl = NULL;
	}
out:
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
 * parser's business, and it re-checks these.  One pass finds the first
 * line of each of the 'n' keys, up to the first type or vmsd line. */
static void header_values(const char *decl, const char *const *keys,
			  char **out, size_t n)
{
	size_t found = 0;
	const char *p = decl;

	for (size_t k = 0; k < n; k++)
		out[k] = NULL;
	while (p && *p && found < n) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);

		while (ll && (*p == ' ' || *p == '\t')) {
			p++;
			ll--;
		}
		for (size_t k = 0; k < n; k++) {
			size_t kl = strlen(keys[k]);

			if (!out[k] && ll > kl && !strncmp(p, keys[k], kl) &&
			    p[kl] == ' ') {
				const char *v = p + kl + 1;
				size_t vl = ll - kl - 1;

				if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
					v++;
					vl -= 2;
				}
				out[k] = pc_xstrndup(v, vl);
				found++;
				break;
			}
		}
		if (ll >= 4 && (!strncmp(p, "type", 4) || !strncmp(p, "vmsd", 4)))
			break; /* the header is over */
		p = eol ? eol + 1 : NULL;
	}
}

/*
 * A plugin from its declaration text 'decl' (owned from here on, freed on
 * failure; when 'borrowed', never freed by the plugin: it lives in a
 * buffer its registry will own): the ABI gate and the header lines.  The
 * same for a section just read and for a declaration from the registry
 * cache.
 */
struct pc_plugin *pc_plugin_from_decl(const char *path, char *decl,
				       size_t len, bool borrowed,
				       struct pc_err *err)
{
	static const char *const keys[] = { "plugin", "description",
					    "license", "author" };
	char *hv[PC_ARRAY_SIZE(keys)];
	struct pc_plugin *p;
	char *pl, *sp;
	int abi;

	abi = pc_decl_abi_version(decl, len);
	if (abi < 0) {
		pc_err_setc(err, PC_E_PLUGIN, "%s: declaration does not start with 'plugcheck-abi N'",
			    path);
		if (!borrowed)
			free(decl);
		return NULL;
	}
	if (abi != PLUGCHECK_ABI_VERSION) {
		pc_err_setc(err, PC_E_PLUGIN, "%s: plugin ABI version %d, this plugcheck supports %d (rebuild the plugin against this plugcheck's headers)",
			    path, abi, PLUGCHECK_ABI_VERSION);
		if (!borrowed)
			free(decl);
		return NULL;
	}
	p = pc_xcalloc(1, sizeof(*p));
	p->path = pc_xstrdup(path);
	p->decl = decl;
	p->decl_len = len;
	p->decl_borrowed = borrowed;
	p->abi_version = (unsigned)abi;
	header_values(decl, keys, hv, PC_ARRAY_SIZE(keys));
	pl = hv[0];
	p->description = hv[1];
	p->license = hv[2];
	p->author = hv[3];
	if (!pl || !(sp = strchr(pl, ' '))) {
		pc_err_setc(err, PC_E_PLUGIN, "%s: declaration has no 'plugin NAME VERSION' line",
			    path);
		free(pl);
		pc_plugin_free(p);
		return NULL;
	}
	p->name = pc_xstrndup(pl, (size_t)(sp - pl));
	p->version = pc_xstrdup(sp + 1);
	free(pl);
	return p;
}

struct pc_plugin *pc_plugin_inspect(const char *path, struct pc_err *err)
{
	char *decl;
	size_t len;

	if (pc_elf_read_decl(path, &decl, &len, err))
		return NULL;
	return pc_plugin_from_decl(path, decl, len, false, err);
}

static int loader_refs;

int pc_loader_init(struct pc_err *err)
{
	if (lt_dlinit())
		return pc_err_setc(err, PC_E_INTERNAL, "libltdl: %s", lt_dlerror());
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
			return pc_err_setc(err, PC_E_PLUGIN, "%s: cannot load: %s", p->path,
					   lt ? lt : "unknown error");
		}
		return pc_err_setc(err, PC_E_PLUGIN, "%s: cannot load: %s", p->path,
				   dlerror());
	}
	mod = lt_dlsym(h, PLUGCHECK_MODULE_SYMBOL);
	if (!mod) {
		lt_dlclose(h);
		return pc_err_setc(err, PC_E_PLUGIN, "%s: no '%s' symbol (not built with PLUGCHECK_MODULE)",
				   p->path, PLUGCHECK_MODULE_SYMBOL);
	}
	if (mod->magic != PLUGCHECK_MODULE_MAGIC ||
	    mod->abi_version != PLUGCHECK_ABI_VERSION ||
	    mod->size < offsetof(struct plugcheck_module, reserved)) {
		lt_dlclose(h);
		return pc_err_setc(err, PC_E_PLUGIN, "%s: bad module record (magic 0x%08x, ABI %u, size %u; expected magic 0x%08x, ABI %u)",
				   p->path, mod->magic, mod->abi_version,
				   mod->size, PLUGCHECK_MODULE_MAGIC,
				   PLUGCHECK_ABI_VERSION);
	}
	if (!mod->decl || mod->decl_len != p->decl_len ||
	    memcmp(mod->decl, p->decl, p->decl_len)) {
		lt_dlclose(h);
		return pc_err_setc(err, PC_E_PLUGIN, "%s: the loaded module's declaration differs from its %s section",
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
			return pc_err_setc(err, PC_E_PLUGIN, "%s: plugin init refused to start",
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
	if (!p->decl_borrowed)
		free(p->decl);
	if (p->src) {
		for (size_t i = 0; i < p->src->n_files; i++)
			free(p->src->files[i]);
		free(p->src->files);
		free(p->src->lines);
		free(p->src);
	}
	free(p);
}
