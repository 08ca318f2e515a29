/*
 * test_shards.c - `check --all-machines` and `--shard K/N` (issue 18 item
 * 9): the union of three shards' findings is the unsharded run's, for
 * the main job over every machine type and for the release matrix; every
 * machine type is in exactly one shard; the exit status is the worst.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pctest.h"
#include "util.h"

#define NSHARDS 3

/* plugcheck's JSON document; its exit status in *rc */
static json_t *run_json(const char *const *argv, int *rc)
{
	char *out, *err;
	json_t *doc;

	*rc = pct_run_cli(argv, &out, &err);
	doc = json_loads(out, 0, NULL);
	if (!doc)
		fprintf(stderr, "\n  exit %d, no JSON: %s", *rc, err);
	PCT_ASSERT_INT_EQ(doc != NULL, 1);
	free(out);
	free(err);
	return doc ? doc : json_object();
}

/* 'f' as a canonical string, its report-local group index left out */
static char *finding_key(json_t *f)
{
	json_t *c = json_deep_copy(f);
	char *s;

	json_object_del(c, "group");
	s = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(c);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct keys {
	char **v;
	size_t n, alloc;
};

static void keys_add(struct keys *k, char *s)
{
	PC_ALLOC_GROW(k->v, k->n + 1, k->alloc);
	k->v[k->n++] = s;
}

/* sorted, and equal as sets: every key of one is in the other */
static void assert_same_set(struct keys *a, struct keys *b, const char *what)
{
	qsort(a->v, a->n, sizeof(char *), cmp_str);
	qsort(b->v, b->n, sizeof(char *), cmp_str);
	for (size_t i = 0, j = 0; i < a->n || j < b->n;) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i], b->v[j]);

		if (c)
			fprintf(stderr, "\n  %s: only in the %s run: %s", what,
				c < 0 ? "unsharded" : "sharded",
				c < 0 ? a->v[i] : b->v[j]);
		PCT_ASSERT_INT_EQ(c, 0);
		if (c)
			return;
		/* a set: skip duplicates on both sides */
		for (i++; i < a->n && !strcmp(a->v[i], a->v[i - 1]); i++)
			;
		for (j++; j < b->n && !strcmp(b->v[j], b->v[j - 1]); j++)
			;
	}
}

static void keys_release(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
}

/* every finding of every run of an --all-machines document; the machine
 * types into 'machines' */
static void all_machines_keys(json_t *doc, struct keys *k,
			      struct keys *machines)
{
	json_t *runs = json_object_get(doc, "runs"), *run;
	size_t i;

	PCT_ASSERT_INT_EQ(json_is_array(runs), 1);
	json_array_foreach(runs, i, run) {
		json_t *f;
		size_t fi;

		keys_add(machines, pc_xstrdup(json_string_value(json_object_get(run, "machine"))));
		json_array_foreach(json_object_get(run, "findings"), fi, f)
			keys_add(k, finding_key(f));
	}
}

PCT_TEST("shards", all_machines_union_of_shards_is_the_whole)
{
	/* without the num-queues compat lines older machine types break */
	char *mdir = pct_machines_without("shards", "virtio-blk-device  num-queues");
	struct keys whole = { 0 }, parts = { 0 }, mw = { 0 }, mp = { 0 };
	int rc, worst = 0;
	json_t *doc = run_json((const char *const[]){
		"plugcheck", "--machine-dir", mdir, "--format=json", "check",
		"--all-machines", "--smp", "2", "--default-config-only", NULL }, &rc);
	json_int_t nbad;

	PCT_ASSERT_INT_EQ(rc, 1);
	all_machines_keys(doc, &whole, &mw);
	PCT_ASSERT_INT_EQ(json_integer_value(json_object_get(doc, "exit_status")), 1);
	nbad = json_integer_value(json_object_get(doc, "incompatible_machine_types"));
	PCT_ASSERT_INT_EQ(nbad > 0 && (size_t)nbad < mw.n, 1);
	PCT_ASSERT_INT_EQ(mw.n >= NSHARDS && whole.n > 0, 1);
	json_decref(doc);
	for (int k = 1; k <= NSHARDS; k++) {
		char shard[16];
		json_t *d;

		snprintf(shard, sizeof(shard), "%d/%d", k, NSHARDS);
		d = run_json((const char *const[]){
			"plugcheck", "--machine-dir", mdir, "--format=json", "check",
			"--all-machines", "--shard", shard, "--smp", "2",
			"--default-config-only", NULL }, &rc);
		PCT_ASSERT_INT_EQ(json_integer_value(json_object_get(d, "shard")), k);
		PCT_ASSERT_INT_EQ(json_integer_value(json_object_get(d, "exit_status")), rc);
		all_machines_keys(d, &parts, &mp);
		if (rc > worst)
			worst = rc;
		json_decref(d);
	}
	PCT_ASSERT_INT_EQ(worst, 1);
	/* every machine type in exactly one shard */
	PCT_ASSERT_INT_EQ(mp.n, mw.n);
	assert_same_set(&mw, &mp, "machine types");
	for (size_t i = 1; i < mp.n; i++)
		PCT_ASSERT_INT_EQ(strcmp(mp.v[i - 1], mp.v[i]) != 0, 1);
	assert_same_set(&whole, &parts, "findings");
	PCT_ASSERT_INT_EQ(parts.n, whole.n);
	keys_release(&whole);
	keys_release(&parts);
	keys_release(&mw);
	keys_release(&mp);
	free(mdir);
}

/* every occurrence of every break of a release matrix document */
static void matrix_keys(json_t *doc, struct keys *k)
{
	json_t *b, *o;
	size_t i, oi;

	json_array_foreach(json_object_get(doc, "breaks"), i, b) {
		json_array_foreach(json_object_get(b, "occurrences"), oi, o) {
			keys_add(k, pc_xasprintf("%s %s %s %s %s->%s %s",
				json_string_value(json_object_get(b, "rule")),
				json_string_value(json_object_get(b, "device")),
				json_string_value(json_object_get(b, "path")),
				json_string_value(json_object_get(o, "machine")),
				json_string_value(json_object_get(o, "source")),
				json_string_value(json_object_get(o, "destination")),
				json_string_value(json_object_get(o, "config"))));
		}
	}
}

PCT_TEST("shards", release_matrix_union_of_shards_is_the_whole)
{
	struct keys whole = { 0 }, parts = { 0 };
	int rc, rc_whole;
	json_t *doc = run_json((const char *const[]){
		"plugcheck", "--format=json", "check", "--release-matrix", NULL },
		&rc_whole);
	json_int_t dirs = json_integer_value(json_object_get(
		json_object_get(doc, "statistics"), "directions")), sum = 0;

	matrix_keys(doc, &whole);
	PCT_ASSERT_INT_EQ(whole.n > 0, 1);
	json_decref(doc);
	for (int k = 1; k <= NSHARDS; k++) {
		char shard[16];
		json_t *d;

		snprintf(shard, sizeof(shard), "%d/%d", k, NSHARDS);
		d = run_json((const char *const[]){
			"plugcheck", "--format=json", "check", "--release-matrix",
			"--shard", shard, NULL }, &rc);
		PCT_ASSERT_INT_EQ(rc <= rc_whole, 1);
		sum += json_integer_value(json_object_get(
			json_object_get(d, "statistics"), "directions"));
		matrix_keys(d, &parts);
		json_decref(d);
	}
	/* the directions partition, the break occurrences are the same */
	PCT_ASSERT_INT_EQ(sum, dirs);
	PCT_ASSERT_INT_EQ(parts.n, whole.n);
	assert_same_set(&whole, &parts, "release matrix occurrences");
	keys_release(&whole);
	keys_release(&parts);
}

PCT_TEST("shards", bad_shards_are_refused)
{
	static const char *const bad[] = { "0/3", "4/3", "3", "1/0", "a/b", "-1/3", "1/3x" };
	char *out, *err;

	for (size_t i = 0; i < PC_ARRAY_SIZE(bad); i++) {
		PCT_ASSERT_INT_EQ(pct_run_cli((const char *const[]){
			"plugcheck", "check", "--all-machines", "--shard", bad[i],
			NULL }, &out, &err), 2);
		PCT_ASSERT_CONTAINS(err, "--shard: expected K/N");
		free(out);
		free(err);
	}
	PCT_ASSERT_INT_EQ(pct_run_cli((const char *const[]){
		"plugcheck", "check", "--machine", "pc-5.1", "--shard", "1/2",
		NULL }, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "--shard K/N splits --all-machines or --release-matrix");
	free(out);
	free(err);
}
