/*
 * test_vmkeys.c - what the recorded releases gave in the main job's extra
 * configurations, kept across runs (core/vmkeys.h): kept and found again
 * by configuration label; never used for a baseline that changed (before
 * the run, or while it ran), another declarations file or another build;
 * a corrupted file is a warning and an empty cache; nothing kept without
 * a cache directory; and the main job's report the same from kept keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bindex.h"
#include "pctest.h"
#include "vmkeys.h"

struct vk_fx {
	char *tmp, *abi, *cache, *path[2];
	struct pc_bindex ix[2];
	struct pc_side rel[2];
	char labels[3][32];
	struct pc_vmconfig items[3];
	struct pc_vmconfigs cfgs;
};

static void vk_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* two releases (their baselines' contents do not matter here), three
 * configurations */
static void vk_fx_init(struct vk_fx *x)
{
	char *rel;

	memset(x, 0, sizeof(*x));
	x->tmp = pct_tmpdir("vmkeys");
	x->abi = pc_xasprintf("%s/abi", x->tmp);
	x->cache = pc_xasprintf("%s/cache", x->tmp);
	rel = pc_xasprintf("%s/releases", x->abi);
	mkdir(x->abi, 0755);
	mkdir(rel, 0755);
	for (int i = 0; i < 2; i++) {
		x->path[i] = pc_xasprintf("%s/%d.0.json", rel, i + 1);
		vk_write(x->path[i], "{}\n");
		x->ix[i].path = x->path[i];
		x->ix[i].decl_digest = 0x1234;
		x->rel[i].index = &x->ix[i];
	}
	free(rel);
	for (int i = 0; i < 3; i++) {
		snprintf(x->labels[i], sizeof(x->labels[i]), "fx-dev: p%d=on", i);
		x->items[i].label = x->labels[i];
	}
	x->cfgs.items = x->items;
	x->cfgs.n = 3;
}

static void vk_fx_release(struct vk_fx *x)
{
	free(x->tmp);
	free(x->abi);
	free(x->cache);
	free(x->path[0]);
	free(x->path[1]);
}

static void vk_open(struct vk_fx *x, struct pc_vmkeys *vk, struct pc_err *warn)
{
	pc_vmkeys_snapshot(vk, x->cache, x->abi);
	pc_vmkeys_open(vk, "fx-1.0", x->rel, 2, warn);
	pc_vmkeys_bind(vk, &x->cfgs);
}

/* release 0 started in configuration 1 (two vCPU counts), release 1 not
 * started in configuration 2; saved */
static void vk_record(struct vk_fx *x)
{
	struct pc_vmkeys vk;
	struct pc_vmkeys_entry *e;
	struct pc_err warn = { 0 }, err = { 0 };

	vk_open(x, &vk, &warn);
	CU_ASSERT_FALSE(warn.set);
	e = pc_vmkeys_entry(&vk, 0, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	PCT_ASSERT_INT_EQ(e->state, PC_VMKEYS_UNKNOWN);
	*e = (struct pc_vmkeys_entry){ PC_VMKEYS_STARTED, 2,
				       { { 1, false, 0x1111 }, { 4, true, 0x4444 } } };
	e = pc_vmkeys_entry(&vk, 1, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	e->state = PC_VMKEYS_NOT_STARTED;
	pc_vmkeys_touch(&vk);
	CU_ASSERT_FALSE(pc_vmkeys_checked(&vk, 1));
	pc_vmkeys_set_checked(&vk, 1);
	PCT_ASSERT_INT_EQ(pc_vmkeys_save(&vk, &x->cfgs, "fx-1.0", &err), 0);
	pc_vmkeys_release(&vk);
}

static enum pc_vmkeys_state vk_state(struct pc_vmkeys *vk, size_t r, size_t c)
{
	struct pc_vmkeys_entry *e = pc_vmkeys_entry(vk, r, c);

	return e ? e->state : (enum pc_vmkeys_state)-1;
}

PCT_TEST("vmkeys", kept_and_found_again_by_label)
{
	struct vk_fx x;
	struct pc_vmkeys vk;
	struct pc_vmkeys_entry *e;
	struct pc_err warn = { 0 };
	struct pc_vmconfig first;

	vk_fx_init(&x);
	vk_record(&x);
	/* the next run has the configurations in another order */
	first = x.items[0];
	x.items[0] = x.items[1];
	x.items[1] = first;
	vk_open(&x, &vk, &warn);
	CU_ASSERT_FALSE(warn.set);
	e = pc_vmkeys_entry(&vk, 0, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	PCT_ASSERT_INT_EQ(e->state, PC_VMKEYS_STARTED);
	PCT_ASSERT_INT_EQ(e->n, 2);
	PCT_ASSERT_INT_EQ(e->keys[0].smp, 1);
	CU_ASSERT_EQUAL(e->keys[0].key, 0x1111);
	CU_ASSERT_FALSE(e->keys[0].blocked);
	PCT_ASSERT_INT_EQ(e->keys[1].smp, 4);
	CU_ASSERT_EQUAL(e->keys[1].key, 0x4444);
	CU_ASSERT_TRUE(e->keys[1].blocked);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 1), PC_VMKEYS_UNKNOWN);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 2), PC_VMKEYS_NOT_STARTED);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 0), PC_VMKEYS_UNKNOWN);
	CU_ASSERT_TRUE(pc_vmkeys_checked(&vk, 1));
	CU_ASSERT_FALSE(pc_vmkeys_checked(&vk, 0));
	pc_vmkeys_release(&vk);
	/* another machine type has its own */
	pc_vmkeys_snapshot(&vk, x.cache, x.abi);
	pc_vmkeys_open(&vk, "fx-2.0", x.rel, 2, &warn);
	pc_vmkeys_bind(&vk, &x.cfgs);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 0), PC_VMKEYS_UNKNOWN);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 2), PC_VMKEYS_UNKNOWN);
	CU_ASSERT_FALSE(pc_vmkeys_checked(&vk, 1));
	pc_vmkeys_release(&vk);
	vk_fx_release(&x);
}

/* A baseline rewritten since, or naming other declarations: its entries
 * are not used; the other release's are. */
PCT_TEST("vmkeys", a_changed_baseline_is_not_used)
{
	struct vk_fx x;
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 };

	vk_fx_init(&x);
	vk_record(&x);
	vk_write(x.path[0], "{ }\n");
	vk_open(&x, &vk, &warn);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 1), PC_VMKEYS_UNKNOWN);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 2), PC_VMKEYS_NOT_STARTED);
	CU_ASSERT_TRUE(pc_vmkeys_checked(&vk, 1));
	pc_vmkeys_release(&vk);
	x.ix[1].decl_digest = 0x4321;
	vk_open(&x, &vk, &warn);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 2), PC_VMKEYS_UNKNOWN);
	CU_ASSERT_FALSE(pc_vmkeys_checked(&vk, 1));
	pc_vmkeys_release(&vk);
	CU_ASSERT_FALSE(warn.set);
	/* a release without a baseline (the tree, a plugin directory) */
	x.rel[1].index = NULL;
	vk_open(&x, &vk, &warn);
	CU_ASSERT_PTR_NULL(pc_vmkeys_entry(&vk, 1, 2));
	CU_ASSERT_PTR_NOT_NULL(pc_vmkeys_entry(&vk, 0, 2));
	pc_vmkeys_release(&vk);
	vk_fx_release(&x);
}

/* A baseline that changes while the run reads it is not kept. */
PCT_TEST("vmkeys", a_baseline_changed_during_the_run_is_not_kept)
{
	struct vk_fx x;
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 }, err = { 0 };
	struct pc_vmkeys_entry *e;

	vk_fx_init(&x);
	vk_open(&x, &vk, &warn);
	for (size_t r = 0; r < 2; r++) {
		e = pc_vmkeys_entry(&vk, r, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		e->state = PC_VMKEYS_NOT_STARTED;
	}
	pc_vmkeys_touch(&vk);
	vk_write(x.path[1], "{ \"changed\": 1 }\n");
	PCT_ASSERT_INT_EQ(pc_vmkeys_save(&vk, &x.cfgs, "fx-1.0", &err), 0);
	pc_vmkeys_release(&vk);
	vk_open(&x, &vk, &warn);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 0), PC_VMKEYS_NOT_STARTED);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 0), PC_VMKEYS_UNKNOWN);
	pc_vmkeys_release(&vk);
	vk_fx_release(&x);
}

static char *vk_file(struct vk_fx *x, size_t *len)
{
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 }, err = { 0 };
	char *buf = NULL;

	vk_open(x, &vk, &warn);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vk.file);
	PCT_ASSERT_INT_EQ(pc_read_file(vk.file, 1 << 20, &buf, len, &err), 0);
	pc_vmkeys_release(&vk);
	return buf;
}

static void vk_put(struct vk_fx *x, const char *buf, size_t len)
{
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 }, err = { 0 };

	vk_open(x, &vk, &warn);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(vk.file, buf, len, &err), 0);
	pc_vmkeys_release(&vk);
}

/* Corrupted: a warning naming the file, nothing used, rewritten on save;
 * another build's file: nothing used, quietly. */
PCT_TEST("vmkeys", corrupted_or_another_build_starts_empty)
{
	struct vk_fx x;
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 };
	size_t len;
	char *good, *bad;

	vk_fx_init(&x);
	vk_record(&x);
	good = vk_file(&x, &len);
	bad = pc_xmalloc(len);
	/* a flipped byte, a file cut short */
	for (int round = 0; round < 2; round++) {
		memcpy(bad, good, len);
		bad[len / 2] ^= 0x10;
		vk_put(&x, bad, round ? len - 3 : len);
		memset(&warn, 0, sizeof(warn));
		vk_open(&x, &vk, &warn);
		PCT_ASSERT_CONTAINS(warn.msg, "corrupted cache of release keys: rebuilding it");
		PCT_ASSERT_CONTAINS(warn.msg, vk.file);
		PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 1), PC_VMKEYS_UNKNOWN);
		CU_ASSERT_TRUE(vk.dirty);
		pc_vmkeys_release(&vk);
	}
	/* another build ID (its first byte), checksum right */
	memcpy(bad, good, len);
	bad[16] ^= 0x01;
	{
		uint64_t h = pc_hash64(bad, len - 8, PC_VMKEYS_SEED);

		for (int i = 0; i < 8; i++)
			bad[len - 8 + (size_t)i] = (char)(h >> (8 * i));
	}
	vk_put(&x, bad, len);
	memset(&warn, 0, sizeof(warn));
	vk_open(&x, &vk, &warn);
	CU_ASSERT_FALSE(warn.set);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 1), PC_VMKEYS_UNKNOWN);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 1, 2), PC_VMKEYS_UNKNOWN);
	pc_vmkeys_release(&vk);
	/* the good file again is read as it was written */
	vk_put(&x, good, len);
	vk_open(&x, &vk, &warn);
	PCT_ASSERT_INT_EQ(vk_state(&vk, 0, 1), PC_VMKEYS_STARTED);
	pc_vmkeys_release(&vk);
	free(good);
	free(bad);
	vk_fx_release(&x);
}

PCT_TEST("vmkeys", nothing_kept_without_a_cache_directory)
{
	struct vk_fx x;
	struct pc_vmkeys vk;
	struct pc_err warn = { 0 }, err = { 0 };

	vk_fx_init(&x);
	pc_vmkeys_snapshot(&vk, NULL, x.abi);
	pc_vmkeys_open(&vk, "fx-1.0", x.rel, 2, &warn);
	pc_vmkeys_bind(&vk, &x.cfgs);
	CU_ASSERT_FALSE(pc_vmkeys_checked(&vk, 0));
	CU_ASSERT_PTR_NULL(pc_vmkeys_entry(&vk, 0, 0));
	PCT_ASSERT_INT_EQ(pc_vmkeys_save(&vk, &x.cfgs, "fx-1.0", &err), 0);
	pc_vmkeys_release(&vk);
	CU_ASSERT_NOT_EQUAL(access(x.cache, F_OK), 0);
	vk_fx_release(&x);
}

/* The main job on the shipped tree: the same report from a cold cache
 * and from the keys the first run kept, text and JSON. */
PCT_TEST("vmkeys", cli_main_job_same_from_kept_keys)
{
	char *tmp = pct_tmpdir("vmkeys-cli");
	char *xdg = pc_xasprintf("XDG_CACHE_HOME=%s", tmp);
	const char *env[] = { xdg, NULL };
	const char *json[] = { "plugcheck", "--format", "json", "--machine",
			       "pc-q35-7.2", NULL };
	const char *text[] = { "plugcheck", "-v", "--machine", "pc-q35-7.2", NULL };
	char *out[2], *err[2], *kept;
	int rc[2];

	for (int i = 0; i < 2; i++)
		rc[i] = pct_run_cli_env(json, env, &out[i], &err[i]);
	PCT_ASSERT_INT_EQ(rc[0], rc[1]);
	PCT_ASSERT_STR_EQ(out[1], out[0]);
	PCT_ASSERT_CONTAINS(out[0], "\"configurations\": [");
	kept = pc_xasprintf("ls %s/plugcheck/vmkeys-*.bin >/dev/null 2>&1", tmp);
	PCT_ASSERT_INT_EQ(system(kept), 0);
	for (int i = 0; i < 2; i++) {
		free(out[i]);
		free(err[i]);
	}
	for (int i = 0; i < 2; i++)
		rc[i] = pct_run_cli_env(text, env, &out[i], &err[i]);
	PCT_ASSERT_INT_EQ(rc[0], rc[1]);
	PCT_ASSERT_STR_EQ(out[1], out[0]);
	PCT_ASSERT_CONTAINS(out[0], "  configuration virtio-net-pci: rss=on");
	for (int i = 0; i < 2; i++) {
		free(out[i]);
		free(err[i]);
	}
	free(kept);
	free(xdg);
	free(tmp);
}

/* A release that passed its configuration check is not checked again
 * while its baseline is unchanged -- and is, and refused, once it is
 * edited to name a property its types lack (exit status 2, both runs
 * from the same cache). */
PCT_TEST("vmkeys", cli_an_edited_baseline_is_checked_again)
{
	char *tmp = pct_tmpdir("vmkeys-edit");
	char *xdg = pc_xasprintf("XDG_CACHE_HOME=%s/cache", tmp);
	char *abi = pc_xasprintf("%s/abi", tmp);
	char *base = pc_xasprintf("%s/releases/8.0.json", abi);
	char *cmd = pc_xasprintf("cp -r '%s' '%s'", pct_path("abi"), abi);
	const char *env[] = { xdg, NULL };
	const char *argv[] = { "plugcheck", "-q", "--abi-dir", abi, "--machine",
			       "pc-q35-7.2", NULL };
	const char *good = "\"e1000e\",\n     \"migrate-timadj\",";
	const char *bad = "\"e1000e\",\n     \"migrate-timadjx\",";
	char *out, *err, *text = NULL, *at;
	struct pc_strbuf edited = PC_STRBUF_INIT;
	struct pc_err e = { 0 };
	size_t len;
	int rc0, rc;

	PCT_ASSERT_INT_EQ(system(cmd), 0);
	rc0 = pct_run_cli_env(argv, env, &out, &err);
	CU_ASSERT(rc0 == 0 || rc0 == 1);
	free(out);
	free(err);
	rc = pct_run_cli_env(argv, env, &out, &err);
	PCT_ASSERT_INT_EQ(rc, rc0);
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pc_read_file(base, 1 << 24, &text, &len, &e), 0);
	at = text ? strstr(text, good) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	pc_strbuf_add(&edited, text, (size_t)(at - text));
	pc_strbuf_addstr(&edited, bad);
	pc_strbuf_addstr(&edited, at + strlen(good));
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(base, edited.buf, edited.len, &e), 0);
	rc = pct_run_cli_env(argv, env, &out, &err);
	PCT_ASSERT_INT_EQ(rc, 2);
	PCT_ASSERT_CONTAINS(err, "unknown property 'migrate-timadjx' of 'e1000e'");
	free(out);
	free(err);
	/* refused again: a refusal is never kept */
	rc = pct_run_cli_env(argv, env, &out, &err);
	PCT_ASSERT_INT_EQ(rc, 2);
	free(out);
	free(err);
	PCT_ASSERT_INT_EQ(pc_write_file_atomic(base, text, len, &e), 0);
	rc = pct_run_cli_env(argv, env, &out, &err);
	PCT_ASSERT_INT_EQ(rc, rc0);
	free(out);
	free(err);
	pc_strbuf_release(&edited);
	free(text);
	free(cmd);
	free(base);
	free(abi);
	free(xdg);
	free(tmp);
}
