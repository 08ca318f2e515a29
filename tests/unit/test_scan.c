/*
 * test_scan.c - the scanner child and the registry cache.  A plugin that
 * crashes, aborts, exits or hangs while loading is reported by name with
 * the reason and skipped, and the run goes on with the others (exit 2);
 * a second run takes unchanged plugins from the cache, a changed plugin
 * is rescanned, a corrupted cache is rebuilt with a warning.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "decl.h"
#include "fxplug.h"
#include "loader.h"
#include "model.h"
#include "pctest.h"
#include "scan.h"
#include "util.h"

static enum pc_scan_status scan_fixture(const char *name, unsigned ms,
					char **msg)
{
	struct pc_err e = { 0 };
	struct pc_plugin *p = pc_plugin_inspect(fx_so(name), &e);
	struct pc_scan_result res;

	*msg = NULL;
	if (!p) {
		*msg = pc_xstrdup(e.msg);
		return PC_SCAN_ERROR;
	}
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	pc_scan_plugin(p, ms, &res);
	pc_loader_exit();
	*msg = pc_xasprintf("%s", res.msg);
	/* the scan ran in a child: nothing was loaded here */
	CU_ASSERT_PTR_NULL(p->handle);
	pc_plugin_free(p);
	return res.status;
}

PCT_TEST("scan", each_misbehaviour_is_named)
{
	static const struct {
		const char *name;
		enum pc_scan_status status;
		const char *what;
	} cases[] = {
		{ "fx-good", PC_SCAN_OK, ": ok" },
		{ "fx-segv", PC_SCAN_CRASHED,
		  ": plugin crashed while loading (signal SIGSEGV: Segmentation fault, in its constructor or init): skipped" },
		{ "fx-abort", PC_SCAN_CRASHED,
		  ": plugin crashed while loading (signal SIGABRT: Aborted, in its constructor or init): skipped" },
		{ "fx-exit", PC_SCAN_EXITED,
		  ": plugin exited (status 3) while loading, before its init returned (exit() in its constructor or init?): skipped" },
		{ "fx-hang", PC_SCAN_HUNG,
		  ": plugin did not finish loading within 0.300 s (a hang in its constructor or init?): killed, skipped" },
		{ "fx-initfail", PC_SCAN_REFUSED, ": plugin init refused to start" },
		{ "fx-missing-sym", PC_SCAN_REFUSED,
		  "fx-missing-sym.so: undefined symbol: fx_no_such_variable" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char *msg;
		/* only the hanging plugin waits out the short timeout the
		 * message names; the others get ample time, so that a loaded
		 * machine (a sanitizer build, parallel jobs) cannot turn a
		 * quick exit or crash into a "hang" */
		int ms = cases[i].status == PC_SCAN_HUNG ? 300 : 20000;
		enum pc_scan_status st = scan_fixture(cases[i].name, ms, &msg);
		char *want = pc_xasprintf("%s%s", fx_so(cases[i].name),
					  cases[i].what);

		if (st != cases[i].status)
			fprintf(stderr, "\n  %s: %s", cases[i].name, msg);
		PCT_ASSERT_INT_EQ(st, cases[i].status);
		if (cases[i].what[0] == ':')
			PCT_ASSERT_STR_EQ(msg, want);
		else
			PCT_ASSERT_CONTAINS(msg, cases[i].what);
		free(want);
		free(msg);
	}
}

/* The done criterion: the main job over the shipped plugins plus one
 * plugin that segfaults in its constructor and one that loops forever. */
PCT_TEST("scan", crashing_and_hanging_plugins_do_not_stop_the_main_job)
{
	static const char *const names[] = { "fx-segv", "fx-hang", NULL };
	char *dir = fx_dir("scan-main", names);
	const char *argv[] = { "plugcheck", "--no-cache", "--plugin-dir", dir,
			       "--machine", "pc-5.1", NULL };
	const char *env[] = { "PLUGCHECK_SCAN_TIMEOUT=1", NULL };
	char *out, *err, *want;
	int rc = pct_run_cli_env(argv, env, &out, &err);

	PCT_ASSERT_INT_EQ(rc, 2);
	want = pc_xasprintf("plugcheck: error: %s/fx-segv.so: plugin crashed while loading (signal SIGSEGV: Segmentation fault, in its constructor or init): skipped\n",
			    dir);
	PCT_ASSERT_CONTAINS(err, want);
	free(want);
	want = pc_xasprintf("plugcheck: error: %s/fx-hang.so: plugin did not finish loading within 1.000 s (a hang in its constructor or init?): killed, skipped\n",
			    dir);
	PCT_ASSERT_CONTAINS(err, want);
	free(want);
	/* the shipped plugins were checked normally, against every release */
	PCT_ASSERT_CONTAINS(out, "result: error (input problems above): 14 directions checked, 0 incompatible findings");
	PCT_ASSERT_CONTAINS(out, "11.0     <-> tree     compatible");
	free(out);
	free(err);
	free(dir);
}

PCT_TEST("scan", json_output_survives_a_chatty_crashing_plugin)
{
	static const char *const names[] = { "fx-good", "fx-other", "fx-segv",
					     "fx-abort", "fx-exit", NULL };
	char *dir = fx_dir("scan-json", names);
	const char *argv[] = { "plugcheck", "--no-cache", "--format", "json",
			       "--no-default-plugins", "--plugin-dir", dir,
			       "list-plugins", NULL };
	char *out, *err;
	int rc = pct_run_cli(argv, &out, &err);

	PCT_ASSERT_INT_EQ(rc, 2);
	PCT_ASSERT_CONTAINS(out, "\"fx-good\"");
	PCT_ASSERT_CONTAINS(out, "\"fx-other\"");
	PCT_ASSERT_NOT_CONTAINS(out, "fx-segv");
	PCT_ASSERT_CONTAINS(err, "fx-segv.so: plugin crashed");
	PCT_ASSERT_CONTAINS(err, "fx-abort.so: plugin crashed while loading (signal SIGABRT");
	PCT_ASSERT_CONTAINS(err, "fx-exit.so: plugin exited (status 3)");
	free(out);
	free(err);
	free(dir);
}

struct loadrun {
	struct pc_loader_stats stats;
	struct pc_diags diags;
	struct pc_strbuf warnings;
	int rc;
};

static void warn_cb(void *ctx, const char *msg)
{
	struct loadrun *r = ctx;

	pc_strbuf_addf(&r->warnings, "%s\n", msg);
}

static struct pc_registry *load_cached_reg(struct loadrun *r, const char *dir,
					   const char *cache_dir);

/* Load 'dir' with the cache, as the CLI does (the registry is dropped). */
static void load_cached(struct loadrun *r, const char *dir,
			const char *cache_dir)
{
	pc_registry_free(load_cached_reg(r, dir, cache_dir));
}

static void loadrun_release(struct loadrun *r)
{
	pc_diags_release(&r->diags);
	pc_strbuf_release(&r->warnings);
}

PCT_TEST("scan", cache_skips_unchanged_and_rescans_changed_plugins)
{
	static const char *const names[] = { "fx-good", "fx-other", "fx-hang",
					     NULL };
	char *dir = fx_dir("scan-cache", names);
	char *cache = pc_xasprintf("%s/cache/deeper", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	char *good = pc_xasprintf("%s/fx-good.so", dir);
	char *first_diag;
	struct loadrun r;
	struct timespec ts[2];
	struct stat st;

	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.rc, 0);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 3);
	PCT_ASSERT_INT_EQ(r.stats.cached, 0);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 2);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	PCT_ASSERT_STR_EQ(r.warnings.buf, "");
	first_diag = pc_xstrdup(r.diags.n ? r.diags.msgs[0] : "");
	loadrun_release(&r);
	CU_ASSERT_EQUAL(stat(file, &st), 0);

	/* unchanged: nothing scanned, the hang reported again at once */
	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 0);
	PCT_ASSERT_INT_EQ(r.stats.cached, 3);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 2);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n)
		PCT_ASSERT_STR_EQ(r.diags.msgs[0], first_diag);
	loadrun_release(&r);

	/* changed (same size, another mtime): rescanned */
	CU_ASSERT_EQUAL(stat(good, &st), 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec -= 1000;
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, good, ts, 0), 0);
	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	PCT_ASSERT_INT_EQ(r.stats.cached, 2);
	loadrun_release(&r);
	/* replaced by another plugin under the same name: rescanned */
	CU_ASSERT_EQUAL(fx_copy(fx_so("fx-segv"), good), 0);
	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 1);
	PCT_ASSERT_INT_EQ(r.diags.n, 2);
	loadrun_release(&r);

	free(first_diag);
	free(good);
	free(file);
	free(cache);
	free(dir);
}

/*
 * A plugin new to the cache is stored while the plugins after it are
 * still to be taken from the cache: the store grows the cache's entries,
 * which must not leave the later hits pointing at freed memory (a
 * failed entry's message was read from there: a crash, or garbage).
 */
PCT_TEST("scan", new_plugin_stored_before_later_cache_hits)
{
	static const char *const names[] = { "fx-hang", "fx-other", NULL };
	char *dir = fx_dir("scan-cache-grow", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *added = pc_xasprintf("%s/fx-good.so", dir);
	struct loadrun r;

	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 2);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	loadrun_release(&r);
	/* fx-good sorts before both: stored first, then two hits */
	CU_ASSERT_EQUAL(fx_copy(fx_so("fx-good"), added), 0);
	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	PCT_ASSERT_INT_EQ(r.stats.cached, 2);
	PCT_ASSERT_INT_EQ(r.stats.loaded, 2);
	PCT_ASSERT_INT_EQ(r.diags.n, 1);
	if (r.diags.n)
		PCT_ASSERT_CONTAINS(r.diags.msgs[0], "fx-hang.so: ");
	loadrun_release(&r);
	free(added);
	free(cache);
	free(dir);
}

/* The cache file's bytes (the test fails if there is none). */
static char *cache_bytes(const char *file, size_t *len)
{
	struct pc_err e = { 0 };
	char *buf = NULL;

	*len = 0;
	if (pc_read_file(file, 64u << 20, &buf, len, &e))
		CU_FAIL("cannot read the registry cache");
	return buf;
}

/* Offsets of the header (Documentation/hardening.md). */
#define CACHE_CKSUM_AT 32
#define CACHE_BODY_AT (40 + sizeof(PC_VERSION) - 1)

/* Write 'buf' as the cache file, its checksum made right again. */
static void cache_reseal(const char *file, char *buf, size_t len)
{
	struct pc_err e = { 0 };
	uint64_t c;

	CU_ASSERT_FATAL(len >= CACHE_BODY_AT);
	c = pc_cache_checksum(buf + CACHE_BODY_AT, len - CACHE_BODY_AT);
	for (int i = 0; i < 8; i++)
		buf[CACHE_CKSUM_AT + i] = (char)(c >> (8 * i));
	CU_ASSERT_EQUAL(pc_write_file_atomic(file, buf, len, &e), 0);
}

/* Replace the first 'from' in the cache file by 'to' (same length) and
 * reseal it. */
static void cache_edit(const char *file, const char *from, const char *to)
{
	size_t n = strlen(from), len;
	char *buf = cache_bytes(file, &len);
	bool found = false;

	CU_ASSERT_EQUAL(strlen(to), n);
	for (size_t i = 0; buf && i + n <= len && !found; i++) {
		if (!memcmp(buf + i, from, n)) {
			memcpy(buf + i, to, n);
			found = true;
		}
	}
	if (found)
		cache_reseal(file, buf, len);
	else
		CU_FAIL("text not found in the registry cache");
	free(buf);
}

PCT_TEST("scan", corrupted_cache_is_rebuilt_with_a_warning)
{
	static const char *const names[] = { "fx-good", NULL };
	static const struct {
		const char *text;
		size_t len;
		const char *why;
	} bad[] = {
		{ "", 0, ": corrupted registry cache (not a plugcheck registry cache: bad magic): rebuilding it\n" },
		/* the JSON cache of earlier builds is not read as this one */
		{ "{\"format\": \"plugcheck-registry-cache\", \"version\": 1}", 0,
		  ": corrupted registry cache (not a plugcheck registry cache: bad magic): rebuilding it\n" },
		{ "\x7f" "ELF\x01\x02\x03garbage", 0, ": corrupted registry cache (not a plugcheck registry cache: bad magic): rebuilding it\n" },
		{ "PCREGBIN\x02", 9, ": corrupted registry cache (truncated: 9 bytes, the header alone has 40): rebuilding it\n" },
		/* version 2, ABI 1, a core version of 4 GiB */
		{ "PCREGBIN\x02\0\0\0\x01\0\0\0\xff\xff\xff\xff\0\0\0\0"
		  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 40,
		  ": corrupted registry cache (core version of 4294967295 bytes (at most 64)): rebuilding it\n" },
	};
	char *dir = fx_dir("scan-corrupt", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	struct pc_err e = { 0 };
	struct loadrun r;

	mkdir(cache, 0700);
	for (size_t i = 0; i < PC_ARRAY_SIZE(bad); i++) {
		char *want = pc_xasprintf("%s%s", file, bad[i].why);
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);

		CU_ASSERT_EQUAL(pc_write_file_atomic(file, bad[i].text, len, &e), 0);
		load_cached(&r, dir, cache);
		PCT_ASSERT_INT_EQ(r.rc, 0);
		PCT_ASSERT_INT_EQ(r.diags.n, 0);
		PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
		PCT_ASSERT_STR_EQ(r.warnings.buf, want);
		loadrun_release(&r);
		/* rebuilt: the next run is quiet and cached */
		load_cached(&r, dir, cache);
		PCT_ASSERT_STR_EQ(r.warnings.buf, "");
		PCT_ASSERT_INT_EQ(r.stats.cached, 1);
		loadrun_release(&r);
		free(want);
	}
	free(file);
	free(cache);
	free(dir);
}

/* A good cache cut short at every length, or with any byte of its body
 * changed, is never trusted: a warning, and the plugin inspected and
 * scanned again. */
PCT_TEST("scan", truncated_or_altered_cache_is_never_trusted)
{
	static const char *const names[] = { "fx-good", NULL };
	char *dir = fx_dir("scan-trunc", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	struct pc_err e = { 0 };
	struct loadrun r;
	char *good;
	size_t len, bad_runs = 0;

	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	loadrun_release(&r);
	good = cache_bytes(file, &len);
	CU_ASSERT(len > CACHE_BODY_AT + 40);
	for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 7)) {
		CU_ASSERT_EQUAL(pc_write_file_atomic(file, good, cut, &e), 0);
		load_cached(&r, dir, cache);
		PCT_ASSERT_INT_EQ(r.rc, 0);
		PCT_ASSERT_INT_EQ(r.stats.cached, 0);
		PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
		PCT_ASSERT_CONTAINS(r.warnings.buf, "corrupted registry cache");
		bad_runs += r.stats.cached != 0;
		loadrun_release(&r);
	}
	/* one bit flipped anywhere after the header: the checksum says so */
	for (size_t at = CACHE_BODY_AT; at < len; at += 13) {
		good[at] ^= 0x20;
		CU_ASSERT_EQUAL(pc_write_file_atomic(file, good, len, &e), 0);
		good[at] ^= 0x20;
		load_cached(&r, dir, cache);
		PCT_ASSERT_INT_EQ(r.stats.cached, 0);
		PCT_ASSERT_CONTAINS(r.warnings.buf, "(checksum mismatch)");
		loadrun_release(&r);
	}
	/* resealed after the edit, a bad entry is still caught */
	/* the first entry's path, after the header and the entry's
	 * 40 bytes of integers, made relative */
	CU_ASSERT_EQUAL(good[CACHE_BODY_AT + 40], '/');
	good[CACHE_BODY_AT + 40] = 'x';
	cache_reseal(file, good, len);
	load_cached(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.cached, 0);
	PCT_ASSERT_CONTAINS(r.warnings.buf, ": corrupted registry cache (entry 0: expected an absolute path, a message and a declaration, each NUL-terminated, within the file): rebuilding it\n");
	loadrun_release(&r);
	PCT_ASSERT_INT_EQ(bad_runs, 0);
	free(good);
	/* another build's cache (another format version): quietly empty */
	good = cache_bytes(file, &len);
	good[8] = 1;
	CU_ASSERT_EQUAL(pc_write_file_atomic(file, good, len, &e), 0);
	load_cached(&r, dir, cache);
	PCT_ASSERT_STR_EQ(r.warnings.buf, "");
	PCT_ASSERT_INT_EQ(r.stats.cached, 0);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	loadrun_release(&r);
	free(good);
	free(file);
	free(cache);
	free(dir);
}

/* Load 'dir' with the cache, keeping the registry for the caller. */
static struct pc_registry *load_cached_reg(struct loadrun *r, const char *dir,
					   const char *cache_dir)
{
	const char *dirs[1] = { dir };
	struct pc_loader_opts o;
	struct pc_registry *reg = pc_registry_new();
	struct pc_err err = { 0 };

	memset(r, 0, sizeof(*r));
	pc_strbuf_init(&r->warnings);
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.n_dirs = 1;
	o.load_code = true;
	o.scan = true;
	o.skip_parent_load = true;
	o.scan_timeout_ms = 2000; /* ample for the good plugins on a loaded machine */
	o.cache_dir = cache_dir;
	o.warn = warn_cb;
	o.note_ctx = r;
	o.stats = &r->stats;
	CU_ASSERT_EQUAL(pc_loader_init(NULL), 0);
	r->rc = pc_load_plugins(reg, &o, &r->diags, &err);
	pc_loader_exit();
	return reg;
}

/*
 * A cache hit takes the declaration from the cache: the plugin file is
 * not read at all (only stat()ed).  Shown by editing the declaration
 * inside the cache (resealed): the registry then has the edited version,
 * which the file does not say.  A cached declaration that fails the ABI
 * gate is not used: the file is inspected and scanned again.
 */
PCT_TEST("scan", cache_hit_takes_the_declaration_from_the_cache)
{
	static const char *const names[] = { "fx-good", NULL };
	char *dir = fx_dir("scan-hit", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	struct pc_registry *reg;
	struct loadrun r;

	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	PCT_ASSERT_INT_EQ(reg->n_plugins, 1);
	if (reg->n_plugins)
		PCT_ASSERT_STR_EQ(reg->plugins[0]->version, "1.0");
	pc_registry_free(reg);
	loadrun_release(&r);

	cache_edit(file, "plugin fx-good 1.0", "plugin fx-good 9.9");
	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_STR_EQ(r.warnings.buf, "");
	PCT_ASSERT_INT_EQ(r.stats.cached, 1);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 0);
	PCT_ASSERT_INT_EQ(reg->n_plugins, 1);
	if (reg->n_plugins) {
		PCT_ASSERT_STR_EQ(reg->plugins[0]->version, "9.9");
		PCT_ASSERT_CONTAINS(reg->plugins[0]->decl, "plugin fx-good 9.9 #@ line ");
	}
	pc_registry_free(reg);
	loadrun_release(&r);

	/* a cached declaration of another ABI: not used, the file is */
	cache_edit(file, "plugcheck-abi 1\n", "plugcheck-abi 7\n");
	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_STR_EQ(r.warnings.buf, "");
	PCT_ASSERT_INT_EQ(r.diags.n, 0);
	PCT_ASSERT_INT_EQ(r.stats.cached, 0);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 1);
	PCT_ASSERT_INT_EQ(reg->n_plugins, 1);
	if (reg->n_plugins)
		PCT_ASSERT_STR_EQ(reg->plugins[0]->version, "1.0");
	pc_registry_free(reg);
	loadrun_release(&r);
	/* and the rescan rewrote the entry */
	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.cached, 1);
	if (reg->n_plugins)
		PCT_ASSERT_STR_EQ(reg->plugins[0]->version, "1.0");
	pc_registry_free(reg);
	loadrun_release(&r);
	free(file);
	free(cache);
	free(dir);
}

/*
 * A cache hit's declaration text is not copied: the plugin points into
 * the buffer the cache file was read into, which its registry keeps and
 * frees.  That buffer is a read of the file, never a mapping: the file
 * overwritten in place (or replaced) while the registry lives changes
 * nothing in it, and the next run finds the changed file corrupted.  A
 * plugin refused from a cached failure frees nothing of the buffer; a
 * fresh scan's text is the plugin's own.
 */
PCT_TEST("scan", cached_declarations_are_kept_not_copied)
{
	static const char *const names[] = { "fx-good", "fx-segv", NULL };
	char *dir = fx_dir("scan-keep", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	struct pc_strbuf before = PC_STRBUF_INIT, after = PC_STRBUF_INIT;
	struct pc_registry *reg;
	struct loadrun r;
	char *text;
	size_t len;
	FILE *f;

	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 2);
	CU_ASSERT_EQUAL_FATAL(reg->n_plugins, 1);
	CU_ASSERT_FALSE(reg->plugins[0]->decl_borrowed);
	PCT_ASSERT_INT_EQ(reg->n_texts, 0);
	pc_registry_free(reg);
	loadrun_release(&r);

	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_INT_EQ(r.stats.cached, 2);
	PCT_ASSERT_INT_EQ(r.diags.n, 1); /* fx-segv, from the cache */
	CU_ASSERT_EQUAL_FATAL(reg->n_plugins, 1);
	CU_ASSERT_TRUE(reg->plugins[0]->decl_borrowed);
	PCT_ASSERT_INT_EQ(reg->n_texts, 1);
	text = pc_xstrndup(reg->plugins[0]->decl, reg->plugins[0]->decl_len);
	pc_decl_write_plugin(reg, reg->plugins[0], &before);
	/* the cache file overwritten in place, every byte */
	free(cache_bytes(file, &len));
	f = fopen(file, "r+");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (size_t i = 0; i < len; i++)
		fputc('X', f);
	fclose(f);
	PCT_ASSERT_STR_EQ(reg->plugins[0]->decl, text);
	PCT_ASSERT_INT_EQ(strlen(reg->plugins[0]->decl), reg->plugins[0]->decl_len);
	pc_decl_write_plugin(reg, reg->plugins[0], &after);
	PCT_ASSERT_STR_EQ(after.buf, before.buf);
	CU_ASSERT_PTR_NOT_NULL(pc_registry_find_type(reg, "fx-good-dev"));
	pc_registry_free(reg);
	loadrun_release(&r);
	/* and the next run is not fooled by the changed file */
	reg = load_cached_reg(&r, dir, cache);
	PCT_ASSERT_CONTAINS(r.warnings.buf, "corrupted registry cache (not a plugcheck registry cache: bad magic)");
	PCT_ASSERT_INT_EQ(r.stats.cached, 0);
	PCT_ASSERT_INT_EQ(r.stats.scanned, 2);
	CU_ASSERT_EQUAL_FATAL(reg->n_plugins, 1);
	PCT_ASSERT_STR_EQ(reg->plugins[0]->decl, text);
	pc_registry_free(reg);
	loadrun_release(&r);
	pc_strbuf_release(&before);
	pc_strbuf_release(&after);
	free(text);
	free(file);
	free(cache);
	free(dir);
}

/*
 * The tree's machine types load on a thread while the plugins' declarations
 * parse, and the outcome is as if they loaded first: a machine file's
 * error is the run's, and no plugin's note, warning or diagnostic comes
 * before or after it (here a corrupted cache, a duplicate type and -v's
 * notes, none of them shown), nor is the cache rewritten.  The same
 * directories with good machine types show all three.
 */
PCT_TEST("scan", machine_error_comes_before_any_plugin_message)
{
	static const char *const names[] = { "fx-good", "fx-duptype", NULL };
	static const char bad_cache[] = "not a registry cache";
	char *dir = fx_dir("scan-machines", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *file = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	char *mdir = pc_xasprintf("%s/machines-bad", dir);
	char *cmd = pc_xasprintf("cp -r '%s' '%s' && printf 'bogus-key 1\\n' >> '%s/pc-i440fx-5.1.machine'",
				 pct_path("machines"), mdir, mdir);
	struct pc_err e = { 0 };
	char *out, *err, *want, *buf;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	mkdir(cache, 0700);
	for (int good = 0; good < 2; good++) {
		const char *argv[] = { "plugcheck", "-v", "--cache-dir", cache,
				       "--no-default-plugins", "--plugin-dir", dir,
				       "--machine-dir", good ? pct_path("machines") : mdir,
				       "list-plugins", NULL };

		CU_ASSERT_EQUAL(pc_write_file_atomic(file, bad_cache,
						     sizeof(bad_cache) - 1, &e), 0);
		PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 2);
		PCT_ASSERT_INT_EQ(strstr(err, "corrupted registry cache") != NULL, good);
		PCT_ASSERT_INT_EQ(strstr(err, "is provided by both") != NULL, good);
		PCT_ASSERT_INT_EQ(strstr(err, "plugins: 2 found") != NULL, good);
		PCT_ASSERT_INT_EQ(strstr(err, "unknown keyword 'bogus-key'") != NULL, !good);
		if (!good) {
			want = pc_xasprintf("plugcheck: error: %s/pc-i440fx-5.1.machine:", mdir);
			CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
			CU_ASSERT_PTR_NULL(strchr(strchr(err, '\n') + 1, '\n'));
			PCT_ASSERT_NOT_CONTAINS(out, "fx-good");
			free(want);
		}
		/* rewritten only when the plugins were loaded */
		buf = cache_bytes(file, &len);
		PCT_ASSERT_INT_EQ(len == sizeof(bad_cache) - 1 &&
				  !memcmp(buf, bad_cache, len), !good);
		free(buf);
		free(out);
		free(err);
	}
	free(cmd);
	free(mdir);
	free(file);
	free(cache);
	free(dir);
}

/* The line of the source file 'rel' (from the source tree) holding
 * 'needle', or 0. */
static int src_line_of(const char *rel, const char *needle)
{
	char *text = NULL, *p, *eol;
	size_t len;
	struct pc_err err = { 0 };
	int line = 1, found = 0;

	if (pc_read_file(pct_path(rel), 1u << 20, &text, &len, &err))
		return 0;
	for (p = text; p && !found; p = eol ? eol + 1 : NULL, line++) {
		eol = strchr(p, '\n');
		if (eol)
			*eol = '\0';
		if (strstr(p, needle))
			found = line;
	}
	free(text);
	return found;
}

/* A type of 'reg' by name and its property 'prop', or NULL. */
static const struct pc_prop *reg_prop(const struct pc_registry *reg,
				      const char *type, const char *prop)
{
	const struct pc_type *t = pc_registry_find_type(reg, type);

	return t ? pc_type_find_prop(t, prop, NULL) : NULL;
}

/*
 * Declarations are placed in the plugin's C source (the "#@ line"
 * markers of the PC_* macros), from a fresh scan and from a registry
 * cache hit alike (the cache keeps the text, markers included); a plugin
 * whose text has no markers (built with a header that predates them)
 * loads and is placed at its file and the line of its text.
 */
PCT_TEST("scan", source_positions_survive_the_cache_and_old_plugins_fall_back)
{
	static const char *const names[] = { "fx-good", "fx-oldhdr", NULL };
	static const char *good_c = "tests/fixtures/plugins/fx-good/fx-good.c";
	char *dir = fx_dir("scan-srcpos", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	char *old_so = pc_xasprintf("%s/fx-oldhdr.so", dir);
	int want = src_line_of(good_c, "PC_PROP_U32(\"value\"");

	CU_ASSERT(want > 0);
	for (int pass = 0; pass < 2; pass++) {
		struct loadrun r;
		struct pc_registry *reg = load_cached_reg(&r, dir, cache);
		const struct pc_prop *p = reg_prop(reg, "fx-good-dev", "value");
		const struct pc_prop *o = reg_prop(reg, "fx-oldhdr-dev", "level");
		const struct pc_type *ot = pc_registry_find_type(reg, "fx-oldhdr-dev");
		struct pc_loc at, text_at;

		PCT_ASSERT_INT_EQ(r.rc, 0);
		PCT_ASSERT_INT_EQ(r.stats.cached, pass ? 2 : 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		/* fx-good.so sits in a scratch directory, not beside its
		 * source: the file is as compiled, from the source tree */
		pc_decl_loc(pc_registry_find_type(reg, "fx-good-dev")->plugin,
			    p->line, &at, &text_at);
		PCT_ASSERT_STR_EQ(at.file, good_c);
		PCT_ASSERT_INT_EQ(at.line, want);
		PCT_ASSERT_CONTAINS(text_at.file, "/fx-good.so");
		PCT_ASSERT_INT_EQ(text_at.line, p->line);
		/* the neighbouring declaration has its own line */
		pc_decl_loc(pc_registry_find_type(reg, "fx-good-dev")->plugin,
			    p->line - 1, &at, &text_at);
		PCT_ASSERT_INT_EQ(at.line, src_line_of(good_c, "PC_TYPE(\"fx-good-dev\""));
		/* no markers: the plugin file and its text line */
		CU_ASSERT_PTR_NULL(ot->plugin->src);
		pc_decl_loc(ot->plugin, o->line, &at, &text_at);
		PCT_ASSERT_STR_EQ(at.file, old_so);
		PCT_ASSERT_INT_EQ(at.line, 8); /* "  prop level": the 8th line */
		CU_ASSERT_PTR_NULL(text_at.file);
		/* provenance prose names the same places */
		{
			char buf[4096], *want_good = pc_xasprintf("%s:%d", good_c, want);
			char *want_old = pc_xasprintf("%s line 8", old_so);

			PCT_ASSERT_STR_EQ(pc_plugin_place(pc_registry_find_type(reg, "fx-good-dev")->plugin,
							  p->line, buf, sizeof(buf)), want_good);
			PCT_ASSERT_STR_EQ(pc_plugin_place(ot->plugin, o->line, buf, sizeof(buf)),
					  want_old);
			free(want_good);
			free(want_old);
		}
		pc_registry_free(reg);
		loadrun_release(&r);
	}
	free(old_so);
	free(cache);
	free(dir);
}

PCT_TEST("scan", cli_second_run_uses_the_cache)
{
	static const char *const names[] = { "fx-good", "fx-other", NULL };
	char *dir = fx_dir("scan-cli", names);
	char *cache = pc_xasprintf("%s/cache", dir);
	const char *argv[] = { "plugcheck", "-v", "--cache-dir", cache,
			       "--no-default-plugins", "--plugin-dir", dir,
			       "list-plugins", NULL };
	char *out, *err, *want;

	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 0);
	PCT_ASSERT_CONTAINS(err, "plugins: 2 found, 2 loaded, 2 scanned, 0 from the registry cache");
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 0);
	PCT_ASSERT_CONTAINS(err, "plugins: 2 found, 2 loaded, 0 scanned, 2 from the registry cache");
	want = pc_xasprintf("%s/fx-good.so: unchanged since the last scan (registry cache: ok)", dir);
	PCT_ASSERT_CONTAINS(err, want);
	free(want);
	free(out);
	free(err);
	/* a corrupted cache: a warning, not an input error */
	want = pc_xasprintf("%s/" PC_CACHE_FILE, cache);
	CU_ASSERT_EQUAL(fx_copy(fx_so("fx-good"), want), 0);
	PCT_ASSERT_INT_EQ(pct_run_cli(argv, &out, &err), 0);
	PCT_ASSERT_CONTAINS(err, "plugcheck: warning: ");
	PCT_ASSERT_CONTAINS(err, "corrupted registry cache");
	free(want);
	free(out);
	free(err);
	free(cache);
	free(dir);
}

PCT_TEST("scan", default_cache_dir_follows_xdg)
{
	char *old_x = getenv("XDG_CACHE_HOME") ? pc_xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	char *old_h = getenv("HOME") ? pc_xstrdup(getenv("HOME")) : NULL;
	char *d;

	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	d = pc_cache_default_dir();
	PCT_ASSERT_STR_EQ(d, "/x/cache/plugcheck");
	free(d);
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	d = pc_cache_default_dir();
	PCT_ASSERT_STR_EQ(d, "/home/u/.cache/plugcheck");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	CU_ASSERT_PTR_NULL(pc_cache_default_dir());
	if (old_x)
		setenv("XDG_CACHE_HOME", old_x, 1);
	if (old_h)
		setenv("HOME", old_h, 1);
	free(old_x);
	free(old_h);
}
