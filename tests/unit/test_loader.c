/*
 * test_loader.c - every rejection path of the plugin loader, each with
 * its fixture (tests/fixtures/plugins/) and its exact message: wrong ABI
 * (refused before any code runs), missing parent, duplicate type, missing
 * symbol (the real dlopen cause), not an ELF file, truncated ELF, a module
 * record that disagrees with its section; untrusted directories and
 * symlinks; and, for every shipped plugin, the declaration read with
 * libelf equals the one the loaded code exposes, model for model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fxplug.h"
#include "loader.h"
#include "model.h"
#include "pctest.h"
#include "plugcheck/plugin.h"
#include "util.h"

struct run {
	struct pc_registry *reg;
	struct pc_diags diags;
	struct pc_err err;
	struct pc_loader_stats stats;
	struct pc_strbuf notes;
	int rc;
};

static void note_cb(void *ctx, const char *msg)
{
	struct run *r = ctx;

	pc_strbuf_addf(&r->notes, "%s\n", msg);
}

/* All diagnostics, one per line. */
static char *diag_text(const struct run *r)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (size_t i = 0; i < r->diags.n; i++)
		pc_strbuf_addf(&sb, "%s\n", r->diags.msgs[i]);
	return pc_strbuf_detach(&sb);
}

static void run_load(struct run *r, const char *dir, bool load_code,
		     bool allow_ww)
{
	const char *dirs[1] = { dir };
	struct pc_loader_opts o;

	memset(r, 0, sizeof(*r));
	pc_strbuf_init(&r->notes);
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = 1;
	o.load_code = load_code;
	o.scan = load_code;
	o.scan_timeout_ms = 5000;
	o.allow_world_writable = allow_ww;
	o.note = note_cb;
	o.warn = note_cb;
	o.note_ctx = r;
	o.stats = &r->stats;
	r->reg = pc_registry_new();
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	r->rc = pc_load_plugins(r->reg, &o, &r->diags, &r->err);
	pc_loader_exit();
	if (r->diags.n) {
		char *t = diag_text(r);

		if (getenv("PCT_DEBUG"))
			fprintf(stderr, "\n  diagnostics:\n%s", t);
		free(t);
	}
}

static void run_release(struct run *r)
{
	pc_registry_free(r->reg);
	pc_diags_release(&r->diags);
	pc_strbuf_release(&r->notes);
}

PCT_TEST("loader", wrong_abi_refused_before_any_code_runs)
{
	static const char *const names[] = { "fx-good", "fx-wrongabi", NULL };
	char *dir = fx_dir("ld-abi", names);
	char *marker = pc_xasprintf("%s/constructor-ran", dir);
	char *want = pc_xasprintf("%s/fx-wrongabi.so: plugin ABI version 99, this plugcheck supports %d (rebuild the plugin against this plugcheck's headers)",
				  dir, PLUGCHECK_ABI_VERSION);
	struct pc_err e = { 0 };
	struct run r;

	setenv("FX_MARKER", marker, 1);
	CU_ASSERT_PTR_NULL(pc_plugin_inspect(fx_so("fx-wrongabi"), &e));
	PCT_ASSERT_CONTAINS(e.msg, "plugin ABI version 99, this plugcheck supports 1");
	PCT_ASSERT_INT_EQ(e.code, PC_E_PLUGIN);
	run_load(&r, dir, true, false);
	unsetenv("FX_MARKER");
	PCT_ASSERT_INT_EQ(r.rc, 0);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	/* neither here nor in a scanner child did its constructor run */
	PCT_ASSERT_INT_EQ(access(marker, F_OK), -1);
	run_release(&r);
	free(want);
	free(marker);
	free(dir);
}

PCT_TEST("loader", missing_parent_names_file_and_line)
{
	static const char *const names[] = { "fx-good", "fx-noparent", NULL };
	char *dir = fx_dir("ld-parent", names);
	char *want = pc_xasprintf("%s/fx-noparent.so:3: unknown parent type 'fx-no-such-parent' of type 'fx-orphan-dev'",
				  dir);
	struct run r;

	run_load(&r, dir, true, false);
	PCT_ASSERT_INT_EQ(r.rc, -1);
	PCT_ASSERT_STR_EQ(r.err.msg, want);
	run_release(&r);
	free(want);
	free(dir);
}

PCT_TEST("loader", duplicate_type_names_both_files)
{
	static const char *const names[] = { "fx-good", "fx-duptype", NULL };
	char *dir = fx_dir("ld-dup", names);
	char *want = pc_xasprintf("type 'fx-good-dev' is provided by both '%s/fx-duptype.so' and '%s/fx-good.so'",
				  dir, dir);
	struct run r;

	run_load(&r, dir, true, false);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	run_release(&r);
	free(want);
	free(dir);
}

PCT_TEST("loader", duplicate_plugin_name_names_both_files)
{
	static const char *const names[] = { "fx-good", NULL };
	char *dir = fx_dir("ld-dupname", names);
	char *sub = pc_xasprintf("%s/fx-good", dir);
	char *to = pc_xasprintf("%s/fx-good.so", sub);
	char *want = pc_xasprintf("plugin 'fx-good' is provided by both '%s/fx-good.so' and '%s'",
				  dir, to);
	struct run r;

	mkdir(sub, 0755);
	CU_ASSERT_EQUAL(fx_copy(fx_so("fx-good"), to), 0);
	run_load(&r, dir, false, false);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	run_release(&r);
	free(want);
	free(to);
	free(sub);
	free(dir);
}

PCT_TEST("loader", missing_symbol_gives_the_real_dlopen_cause)
{
	struct pc_err e = { 0 };
	struct pc_plugin *p = pc_plugin_inspect(fx_so("fx-missing-sym"), &e);
	char *want;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	want = pc_xasprintf("%s: cannot load: %s: undefined symbol: fx_no_such_variable",
			    p->path, p->path);
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	PCT_ASSERT_INT_EQ(pc_plugin_load_code(p, &e), -1);
	PCT_ASSERT_STR_EQ(e.msg, want);
	PCT_ASSERT_NOT_CONTAINS(e.msg, "file not found");
	pc_plugin_free(p);
	pc_loader_exit();
	free(want);
}

PCT_TEST("loader", not_an_elf_file)
{
	char *dir = pct_tmpdir("ld-notelf");
	char *path = pc_xasprintf("%s/text.so", dir);
	char *want = pc_xasprintf("%s: not an ELF file (expected a shared object starting with \\177ELF)",
				  path);
	struct pc_err e = { 0 };

	CU_ASSERT_EQUAL(pc_write_file_atomic(path, "#!/bin/sh\necho hi\n", 18, &e), 0);
	CU_ASSERT_PTR_NULL(pc_plugin_inspect(path, &e));
	PCT_ASSERT_STR_EQ(e.msg, want);
	free(want);
	free(path);
	free(dir);
}

PCT_TEST("loader", truncated_elf_at_every_length_is_refused)
{
	char *dir = pct_tmpdir("ld-trunc");
	char *path = pc_xasprintf("%s/cut.so", dir);
	struct pc_err e = { 0 };
	char *buf, *want;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(pc_read_file(fx_so("fx-good"), 1u << 24, &buf, &len, &e), 0);
	/* a cut inside the header, and one past the sections' data */
	CU_ASSERT_EQUAL(pc_write_file_atomic(path, buf, 30, &e), 0);
	CU_ASSERT_PTR_NULL(pc_plugin_inspect(path, &e));
	want = pc_xasprintf("%s: truncated ELF: 30 bytes, too short for an ELF header", path);
	PCT_ASSERT_STR_EQ(e.msg, want);
	free(want);
	pc_err_clear(&e);
	CU_ASSERT_EQUAL(pc_write_file_atomic(path, buf, len - 100, &e), 0);
	CU_ASSERT_PTR_NULL(pc_plugin_inspect(path, &e));
	want = pc_xasprintf("%s: truncated ELF: section header table at bytes", path);
	PCT_ASSERT_CONTAINS(e.msg, want);
	want = (free(want), pc_xasprintf("file has %zu", len - 100));
	PCT_ASSERT_CONTAINS(e.msg, want);
	free(want);
	/* every length: refused with a message naming the file, no crash */
	for (size_t cut = 0; cut < len; cut += cut < 128 ? 1 : 97) {
		pc_err_clear(&e);
		if (pc_write_file_atomic(path, buf, cut, &e)) {
			CU_FAIL("write");
			break;
		}
		CU_ASSERT_PTR_NULL(pc_plugin_inspect(path, &e));
		if (strncmp(e.msg, path, strlen(path))) {
			fprintf(stderr, "\n  cut at %zu: %s\n", cut, e.msg);
			CU_FAIL("message does not name the file");
		}
	}
	free(buf);
	free(path);
	free(dir);
}

PCT_TEST("loader", module_record_must_match_the_section)
{
	struct pc_err e = { 0 };
	struct pc_plugin *p = pc_plugin_inspect(fx_so("fx-declmismatch"), &e);
	char *want;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	want = pc_xasprintf("%s: the loaded module's declaration differs from its .plugcheck section",
			    p->path);
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	PCT_ASSERT_INT_EQ(pc_plugin_load_code(p, &e), -1);
	PCT_ASSERT_STR_EQ(e.msg, want);
	pc_plugin_free(p);
	pc_loader_exit();
	free(want);
}

PCT_TEST("loader", init_refusal_is_reported)
{
	struct pc_err e = { 0 };
	struct pc_plugin *p = pc_plugin_inspect(fx_so("fx-initfail"), &e);
	char *want;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	want = pc_xasprintf("%s: plugin init refused to start", p->path);
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	PCT_ASSERT_INT_EQ(pc_plugin_load_code(p, &e), -1);
	PCT_ASSERT_STR_EQ(e.msg, want);
	pc_plugin_free(p);
	pc_loader_exit();
	free(want);
}

PCT_TEST("loader", missing_file_and_directory)
{
	struct pc_err e = { 0 };
	char *dir = pct_tmpdir("ld-missing");
	char *gone = pc_xasprintf("%s/nope", dir);
	char *want = pc_xasprintf("%s: plugin directory not found", gone);
	struct run r;

	CU_ASSERT_PTR_NULL(pc_plugin_inspect("/nonexistent/x.so", &e));
	PCT_ASSERT_STR_EQ(e.msg, "/nonexistent/x.so: cannot open: No such file or directory");
	PCT_ASSERT_INT_EQ(e.code, PC_E_IO);
	pc_err_clear(&e);
	CU_ASSERT_PTR_NULL(pc_plugin_inspect(dir, &e));
	PCT_ASSERT_CONTAINS(e.msg, ": a directory, not a regular file");
	PCT_ASSERT_INT_EQ(e.code, PC_E_PLUGIN);
	run_load(&r, gone, false, false);
	PCT_ASSERT_INT_EQ(r.rc, -1);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	PCT_ASSERT_STR_EQ(r.err.msg, "no usable plugins");
	PCT_ASSERT_INT_EQ(r.err.code, PC_E_PLUGIN);
	run_release(&r);
	run_load(&r, dir, false, false);
	PCT_ASSERT_INT_EQ(r.rc, -1);
	want = (free(want), pc_xasprintf("no plugins found in %s", dir));
	PCT_ASSERT_STR_EQ(r.err.msg, want);
	PCT_ASSERT_INT_EQ(r.err.code, PC_E_NOT_FOUND);
	run_release(&r);
	free(want);
	free(gone);
	free(dir);
}

PCT_TEST("loader", world_writable_directory_refused_unless_allowed)
{
	static const char *const names[] = { "fx-good", NULL };
	char *dir = fx_dir("ld-ww", names);
	char *want = pc_xasprintf("%s: refusing to load plugins from a world-writable directory (mode 0777; use --allow-world-writable to override)",
				  dir);
	char *file = pc_xasprintf("%s/fx-good.so", dir);
	struct run r;

	chmod(dir, 0777);
	run_load(&r, dir, false, false);
	PCT_ASSERT_INT_EQ(r.rc, -1);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	run_release(&r);
	run_load(&r, dir, false, true);
	PCT_ASSERT_INT_EQ(r.rc, 0);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	run_release(&r);
	/* sticky (like /tmp): others cannot replace our files */
	chmod(dir, 01777);
	run_load(&r, dir, false, false);
	PCT_ASSERT_INT_EQ(r.rc, 0);
	run_release(&r);
	chmod(dir, 0755);
	chmod(file, 0666);
	run_load(&r, dir, false, false);
	want = (free(want), pc_xasprintf("%s: refusing to load a world-writable plugin file (mode 0666; use --allow-world-writable to override)",
					 file));
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n == 1)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], want);
	run_release(&r);
	free(file);
	free(want);
	free(dir);
}

PCT_TEST("loader", symlink_into_another_directory_is_noted)
{
	static const char *const names[] = { "fx-good", NULL };
	char *other = fx_dir("ld-link-target", names);
	char *dir = pct_tmpdir("ld-link");
	char *link = pc_xasprintf("%s/fx-good.so", dir);
	char *target = pc_xasprintf("%s/fx-good.so", other);
	char *real = realpath(target, NULL);
	char *want;
	struct run r;

	CU_ASSERT_EQUAL(symlink(target, link), 0);
	run_load(&r, dir, false, false);
	PCT_ASSERT_INT_EQ(r.rc, 0);
	want = pc_xasprintf("%s: symlink into another directory: loading %s\n",
			    link, real);
	PCT_ASSERT_CONTAINS(r.notes.buf, want);
	run_release(&r);
	/* within the same directory: still said, not as "another" */
	unlink(link);
	free(link);
	link = pc_xasprintf("%s/alias.so", other);
	CU_ASSERT_EQUAL(symlink("fx-good.so", link), 0);
	run_load(&r, other, false, false);
	/* both names provide plugin 'fx-good' */
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	free(want);
	want = pc_xasprintf("%s: symlink to %s\n", link, real);
	PCT_ASSERT_CONTAINS(r.notes.buf, want);
	PCT_ASSERT_NOT_CONTAINS(r.notes.buf, "another directory");
	run_release(&r);
	free(want);
	free(real);
	free(target);
	free(link);
	free(dir);
	free(other);
}

/* Parse 'decl' for a fresh plugin into 'reg', write it back canonically. */
static char *canonical(const char *path, const char *decl, size_t len)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct pc_err e = { 0 };

	p->path = pc_xstrdup(path);
	p->decl = pc_xstrndup(decl, len);
	p->decl_len = len;
	if (pc_registry_add_plugin(reg, p, path, &e)) {
		fprintf(stderr, "\n  %s\n", e.msg);
		CU_FAIL("declaration does not parse");
	} else {
		pc_decl_write_plugin(reg, p, &sb);
	}
	pc_registry_free(reg);
	return pc_strbuf_detach(&sb);
}

PCT_TEST("loader", static_and_loaded_declarations_give_the_same_model)
{
	size_t n;
	char **so = fx_shipped(&n);
	struct pc_err e = { 0 };

	CU_ASSERT(n >= 10);
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	for (size_t i = 0; i < n; i++) {
		struct pc_plugin *p = pc_plugin_inspect(so[i], &e);
		const char *ld;
		size_t ll = 0;
		char *a, *b;

		if (!p) {
			fprintf(stderr, "\n  %s\n", e.msg);
			CU_FAIL("shipped plugin refused");
			continue;
		}
		if (pc_plugin_load_code(p, &e)) {
			fprintf(stderr, "\n  %s\n", e.msg);
			CU_FAIL("shipped plugin does not load");
			pc_plugin_free(p);
			continue;
		}
		ld = pc_plugin_loaded_decl(p, &ll);
		CU_ASSERT_PTR_NOT_NULL(ld);
		a = canonical(so[i], p->decl, p->decl_len);
		b = canonical(so[i], ld ? ld : "", ll);
		CU_ASSERT(strlen(a) > 40);
		if (strcmp(a, b))
			fprintf(stderr, "\n  %s: models differ\n", so[i]);
		PCT_ASSERT_STR_EQ(b, a);
		free(a);
		free(b);
		pc_plugin_free(p);
		free(so[i]);
	}
	pc_loader_exit();
	free(so);
}

/*
 * Parallel parsing (pc_loader_opts.parse_threads): declarations are parsed
 * ahead on several threads and committed in order, so the registry, the
 * diagnostics, their order and the first error are those of one thread.
 */

/* Copy 'from' to 'to' with every 'a' replaced by 'b' (same length). */
static void patched_copy(const char *from, const char *to, const char *a,
			 const char *b)
{
	struct pc_err e = { 0 };
	size_t len, al = strlen(a);
	char *buf;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(al, strlen(b));
	CU_ASSERT_EQUAL_FATAL(pc_read_file(from, 16u << 20, &buf, &len, &e), 0);
	for (size_t i = 0; i + al <= len; i++)
		if (!memcmp(buf + i, a, al))
			memcpy(buf + i, b, al);
	f = fopen(to, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(buf, 1, len, f), len);
	fclose(f);
	chmod(to, 0755);
	free(buf);
}

/* Everything a load produced, as text: rc, error, diagnostics in order,
 * stats, and every plugin's header and canonical declarations. */
static char *load_outcome(const char *dir, bool load_code, unsigned threads)
{
	const char *dirs[1] = { dir };
	struct pc_loader_opts o;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct run r;

	memset(&r, 0, sizeof(r));
	pc_strbuf_init(&r.notes);
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = 1;
	o.load_code = load_code;
	o.scan = load_code;
	o.skip_parent_load = true;
	o.scan_timeout_ms = 5000;
	o.note = note_cb;
	o.warn = note_cb;
	o.note_ctx = &r;
	o.stats = &r.stats;
	o.parse_threads = threads;
	r.reg = pc_registry_new();
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	r.rc = pc_load_plugins(r.reg, &o, &r.diags, &r.err);
	pc_loader_exit();
	pc_strbuf_addf(&sb, "rc %d err '%s'\nfound %zu loaded %zu scanned %zu cached %zu\n",
		       r.rc, r.err.msg, r.stats.found, r.stats.loaded,
		       r.stats.scanned, r.stats.cached);
	for (size_t i = 0; i < r.diags.n; i++)
		pc_strbuf_addf(&sb, "diag %s\n", r.diags.msgs[i]);
	pc_strbuf_addf(&sb, "notes:\n%s", r.notes.buf);
	for (size_t i = 0; i < r.reg->n_plugins; i++) {
		const struct pc_plugin *p = r.reg->plugins[i];

		pc_strbuf_addf(&sb, "== %s %s %s abi %u desc '%s' license '%s' author '%s'\n",
			       p->path, p->name, p->version, p->abi_version,
			       p->description ? p->description : "-",
			       p->license ? p->license : "-",
			       p->author ? p->author : "-");
		pc_decl_write_plugin(r.reg, p, &sb);
	}
	for (size_t i = 0; i < r.reg->n_types; i++)
		pc_strbuf_addf(&sb, "type %s of %s\n", r.reg->types[i]->name,
			       r.reg->types[i]->plugin->path);
	for (size_t i = 0; i < r.reg->n_vmsds; i++)
		pc_strbuf_addf(&sb, "vmsd %s of %s\n", r.reg->vmsds[i]->name,
			       r.reg->vmsds[i]->plugin->path);
	run_release(&r);
	return pc_strbuf_detach(&sb);
}

PCT_TEST("loader", parallel_parse_gives_the_serial_registry_and_errors)
{
	static const char *const names[] = {
		"fx-good", "fx-duptype", "fx-wrongabi", "fx-other",
		"plugins/qdev", "plugins/pci", "plugins/virtio",
		"plugins/virtio-net", "plugins/virtio-blk", "plugins/nvme",
		"plugins/e1000e", NULL
	};
	char *dir = fx_dir("ld-parallel", names);
	char *junk = pc_xasprintf("%s/junk.so", dir);
	char *serial;
	FILE *f;

	/* twenty more valid plugins: fx-good renamed (plugin, type and
	 * vmsd names, all the same length) */
	for (int i = 0; i < 20; i++) {
		char name[8], *to;

		snprintf(name, sizeof(name), "fx-g%03d", i);
		to = pc_xasprintf("%s/%s.so", dir, name);
		patched_copy(fx_so("fx-good"), to, "fx-good", name);
		free(to);
	}
	{
		/* a declaration that does not parse, one that declares a
		 * plugin name twice, and a file that is no ELF at all */
		char *bad = pc_xasprintf("%s/fx-g900.so", dir);
		char *bad2 = pc_xasprintf("%s/fx-g901.so", dir);
		char *dup = pc_xasprintf("%s/zz-dup.so", dir);

		patched_copy(fx_so("fx-good"), bad, "fx-good", "fx-g900");
		patched_copy(bad, bad2, "type fx-g900-dev", "tipe fx-g900-dev");
		unlink(bad);
		patched_copy(fx_so("fx-good"), dup, "fx-good", "fx-g007");
		free(bad);
		free(bad2);
		free(dup);
	}
	f = fopen(junk, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("not an ELF file\n", f);
	fclose(f);

	serial = load_outcome(dir, false, 1);
	PCT_ASSERT_CONTAINS(serial, "unknown keyword 'tipe'");
	PCT_ASSERT_CONTAINS(serial, "plugin 'fx-g007' is provided by both");
	PCT_ASSERT_CONTAINS(serial, "type 'fx-good-dev' is provided by both");
	PCT_ASSERT_CONTAINS(serial, "junk.so");
	PCT_ASSERT_CONTAINS(serial, "plugin ABI version 99");
	PCT_ASSERT_CONTAINS(serial, "== ");
	PCT_ASSERT_CONTAINS(serial, "type virtio-net-pci of");
	for (unsigned t = 0; t <= 8; t++) {
		char *par = load_outcome(dir, false, t);

		if (strcmp(par, serial))
			fprintf(stderr, "\n  %u threads differ\n", t);
		PCT_ASSERT_STR_EQ(par, serial);
		free(par);
	}
	free(serial);

	/* with the scanner: threads are joined before any child is forked */
	serial = load_outcome(dir, true, 1);
	PCT_ASSERT_CONTAINS(serial, "unknown keyword 'tipe'");
	{
		char *par = load_outcome(dir, true, 4);

		PCT_ASSERT_STR_EQ(par, serial);
		free(par);
	}
	free(serial);
	free(junk);
	free(dir);
}

/* A plugin reached through a symlink is judged by the directory that
 * really holds it and every directory above: group- or world-writable
 * without the sticky bit, or owned by another user, is refused. */
PCT_TEST("loader", symlink_into_unsafe_directory_refused)
{
	static const char *const names[] = { NULL };
	char *dir = fx_dir("ld-wwlink", names);
	char *w = pc_xasprintf("%s/w", dir), *d = pc_xasprintf("%s/d", dir);
	char *target = pc_xasprintf("%s/x.so", w), *link = pc_xasprintf("%s/x.so", d);
	struct run r;

	PCT_ASSERT_INT_EQ(mkdir(w, 0755) || mkdir(d, 0755), 0);
	PCT_ASSERT_INT_EQ(fx_copy(fx_so("fx-good"), target), 0);
	PCT_ASSERT_INT_EQ(symlink(target, link), 0);
	run_load(&r, d, false, false);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	run_release(&r);
	/* group-writable by our own group (a user private group): fine */
	chmod(w, 0775);
	run_load(&r, d, false, false);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1); /* mkdir gave it our group */
	run_release(&r);
	for (int k = 0; k < 2; k++) {
		if (k && (geteuid() != 0 || chown(w, (uid_t)-1, 65534)))
			break; /* another group: only root can hand it over */
		chmod(w, k ? 0775 : 0777);
		run_load(&r, d, false, false);
		PCT_ASSERT_INT_EQ(r.stats.loaded, 0);
		PCT_ASSERT_INT_EQ(r.diags.n, 1);
		if (r.diags.n == 1)
			PCT_ASSERT_CONTAINS(r.diags.msgs[0], k ? " is group-writable (mode 0775"
								: " is world-writable (mode 0777");
		run_release(&r);
		run_load(&r, d, false, true); /* --allow-world-writable */
		PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
		run_release(&r);
	}
	if (geteuid() == 0)
		PCT_ASSERT_INT_EQ(chown(w, (uid_t)-1, 0), 0);
	chmod(w, 01777); /* sticky, like /tmp */
	run_load(&r, d, false, false);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	run_release(&r);
	chmod(w, 0755);
	if (geteuid() == 0 && !chown(w, 65534, 65534)) {
		run_load(&r, d, false, false);
		PCT_ASSERT_INT_EQ(r.stats.loaded, 0);
		if (r.diags.n == 1)
			PCT_ASSERT_CONTAINS(r.diags.msgs[0], " is owned by another user");
		run_release(&r);
		PCT_ASSERT_INT_EQ(chown(w, 0, 0), 0);
	}
	unlink(link);
	unlink(target);
	rmdir(w);
	rmdir(d);
	free(target);
	free(link);
	free(w);
	free(d);
	free(dir);
}
