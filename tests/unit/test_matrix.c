/*
 * test_matrix.c - the release matrix (core/matrix.c): what it finds from
 * the recorded indexes must be exactly what the full engine finds when it
 * resolves every release (check --matrix, one machine type at a time).
 */
#include <CUnit/CUnit.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "pctest.h"
#include "util.h"

static json_t *run_json(const char *const *argv, int *rc)
{
	char *out = NULL, *err = NULL;
	json_error_t je;
	json_t *j;

	*rc = pct_run_cli(argv, &out, &err);
	j = json_loads(out ? out : "", 0, &je);
	if (!j)
		fprintf(stderr, "\n  %s: not JSON (%s); stderr: %s\n", argv[1], je.text,
			err ? err : "");
	free(out);
	free(err);
	return j;
}

static const char *s_or(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "-";
}

static char *fkey(const char *machine, const char *src, const char *dst,
		  json_t *f, const char *config, bool known)
{
	return pc_xasprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d", machine, src, dst,
			    s_or(f, "rule"), s_or(f, "severity"), s_or(f, "device"),
			    s_or(f, "path"), s_or(f, "source_value"),
			    s_or(f, "destination_value"), config, known);
}

/* Compare the release matrix of 'abi' with check --matrix per machine
 * type; returns how many occurrences were compared. */
static size_t agree(const char *abi, int want_rc)
{
	const char *fargv[] = { "plugcheck", "--abi-dir", abi, "--format", "json",
				"check", "--release-matrix", NULL };
	json_t *fast, *F = json_object(), *S = json_object(), *b, *m;
	size_t i, k, n = 0, missing = 0, extra = 0;
	int rc;
	const char *key;
	json_t *v;

	fast = run_json(fargv, &rc);
	PCT_ASSERT_INT_EQ(rc, want_rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fast);
	json_array_foreach(json_object_get(fast, "breaks"), i, b) {
		json_t *o;

		json_array_foreach(json_object_get(b, "occurrences"), k, o) {
			char *kk = fkey(s_or(o, "machine"), s_or(o, "source"),
					s_or(o, "destination"), b, s_or(o, "config"),
					json_is_true(json_object_get(o, "known")));

			json_object_set_new(F, kk, json_true());
			free(kk);
		}
	}
	json_array_foreach(json_object_get(fast, "machines"), i, m) {
		const char *name = s_or(m, "name");
		const char *sargv[] = { "plugcheck", "--abi-dir", abi, "--format", "json",
					"check", "--matrix", "--machine", name, NULL };
		json_t *slow = run_json(sargv, &rc), *f, *p, *sides = json_object_get(m, "sides");

		CU_ASSERT_PTR_NOT_NULL_FATAL(slow);
		CU_ASSERT(rc == 0 || rc == 1);
		json_array_foreach(json_object_get(slow, "findings"), k, f) {
			json_t *d = json_object_get(f, "direction");
			char *kk;

			if (!strcmp(s_or(d, "source"), "tree") ||
			    !strcmp(s_or(d, "destination"), "tree"))
				continue;
			kk = fkey(s_or(f, "machine"), s_or(d, "source"), s_or(d, "destination"),
				  f, s_or(f, "config"), json_is_true(json_object_get(f, "known")));
			json_object_set_new(S, kk, json_true());
			free(kk);
		}
		/* the verdict of every direction */
		json_array_foreach(json_object_get(slow, "pairs"), k, p) {
			const char *src = s_or(p, "source"), *dst = s_or(p, "destination");
			size_t a = SIZE_MAX, c = SIZE_MAX, q;
			json_t *l;

			if (!strcmp(src, "tree") || !strcmp(dst, "tree"))
				continue;
			json_array_foreach(sides, q, l) {
				if (!strcmp(json_string_value(l), src))
					a = q;
				if (!strcmp(json_string_value(l), dst))
					c = q;
			}
			CU_ASSERT_FATAL(a != SIZE_MAX && c != SIZE_MAX);
			{
				const char *cell = json_string_value(json_array_get(
					json_array_get(json_object_get(m, "grid"), a), c));
				bool fail = !strcmp(cell, "FAIL");

				if (fail != !strcmp(s_or(p, "verdict"), "incompatible")) {
					fprintf(stderr, "\n  %s %s -> %s: release matrix says %s, check --matrix %s\n",
						name, src, dst, cell, s_or(p, "verdict"));
					CU_FAIL("verdicts differ");
				}
			}
		}
		json_decref(slow);
	}
	json_object_foreach(F, key, v) {
		n++;
		if (!json_object_get(S, key) && missing++ < 5)
			fprintf(stderr, "\n  only in the release matrix: %s\n", key);
	}
	json_object_foreach(S, key, v)
		if (!json_object_get(F, key) && extra++ < 5)
			fprintf(stderr, "\n  only in check --matrix: %s\n", key);
	PCT_ASSERT_INT_EQ(missing, 0);
	PCT_ASSERT_INT_EQ(extra, 0);
	PCT_ASSERT_INT_EQ(json_object_size(F), json_object_size(S));
	json_decref(fast);
	json_decref(F);
	json_decref(S);
	return n;
}

PCT_TEST("matrix", shipped_releases_agree_with_the_full_engine)
{
	/* known breaks acknowledged: every occurrence, known or not, and
	 * every verdict, as check --matrix gives them */
	size_t n = agree(pct_path("abi"), 0);

	CU_ASSERT(n >= 100);
}

PCT_TEST("matrix", unacknowledged_breaks_fail_and_agree)
{
	/* the same releases without abi/known-breaks: the breaks fail */
	char *dir = pct_tmpdir("matrix-nokb");
	char *cmd = pc_xasprintf("cp -r '%s' '%s/'", pct_path("abi/releases"), dir);

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT(agree(dir, 1) >= 100);
	free(cmd);
	free(dir);
}

PCT_TEST("matrix", identical_layouts_are_compared_once)
{
	const char *argv[] = { "plugcheck", "--format", "json", "check",
			       "--release-matrix", NULL };
	json_t *j, *st;
	int rc;

	j = run_json(argv, &rc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	st = json_object_get(j, "statistics");
	/* most VM pairs are identical by their fingerprints; every differing
	 * device is compared in full once, not once per pair */
	CU_ASSERT(json_integer_value(json_object_get(st, "vm_pairs_identical")) > 0);
	CU_ASSERT(json_integer_value(json_object_get(st, "full_comparisons")) > 0);
	CU_ASSERT(json_integer_value(json_object_get(st, "full_comparisons")) <
		  json_integer_value(json_object_get(st, "device_differences")));
	json_decref(j);
}

PCT_TEST("matrix", declarations_read_only_for_differences_but_required)
{
	char *dir = pct_tmpdir("matrix-one");
	char *cmd = pc_xasprintf("mkdir -p '%s/releases' && cp -r '%s' '%s' '%s/releases/'",
				 dir, pct_path("abi/releases/8.0.json"),
				 pct_path("abi/releases/declarations"), dir);
	const char *argv[] = { "plugcheck", "--abi-dir", dir, "--format", "json",
			       "check", "--release-matrix", NULL };
	const char *targv[] = { "plugcheck", "--abi-dir", dir, "check",
				"--release-matrix", NULL };
	char *out, *err;
	json_t *j;
	int rc;

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	/* one release against itself: nothing differs, nothing is resolved */
	j = run_json(argv, &rc);
	PCT_ASSERT_INT_EQ(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	PCT_ASSERT_INT_EQ(json_integer_value(json_object_get(
		json_object_get(j, "statistics"), "releases_resolved")), 0);
	PCT_ASSERT_INT_EQ(json_array_size(json_object_get(j, "breaks")), 0);
	json_decref(j);
	/* but a baseline whose declarations are gone is an input error */
	free(cmd);
	cmd = pc_xasprintf("rm -rf '%s/releases/declarations'", dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	PCT_ASSERT_INT_EQ(pct_run_cli(targv, &out, &err), 2);
	PCT_ASSERT_CONTAINS(err, "cannot open: No such file or directory (named by");
	free(out);
	free(err);
	free(cmd);
	free(dir);
}

/* A baseline that is not there is PC_E_IO; a machine type no recorded
 * release knows, PC_E_NOT_FOUND. */
PCT_TEST("matrix", error_codes)
{
	char *paths[2] = { pc_xstrdup(pct_path("abi/releases/8.0.json")),
			   pc_xstrdup(pct_path("abi/releases/no-such-release.json")) };
	struct pc_matrix mx;
	struct pc_err err = { 0 };

	PCT_ASSERT_INT_EQ(pc_matrix_run(paths, 2, NULL, 0, NULL, &mx, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg, "no-such-release.json: cannot open");
	PCT_ASSERT_INT_EQ(err.code, PC_E_IO);
	pc_err_clear(&err);
	PCT_ASSERT_INT_EQ(pc_matrix_run(paths, 1, "pc-q35-7.3", 0, NULL, &mx,
					&err), -1);
	PCT_ASSERT_STR_EQ(err.msg, "no recorded release knows machine type 'pc-q35-7.3'");
	PCT_ASSERT_INT_EQ(err.code, PC_E_NOT_FOUND);
	free(paths[0]);
	free(paths[1]);
}

PCT_TEST("matrix", options_it_cannot_honour_are_refused)
{
	char *out;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--release-matrix",
					"--vm-device", "e1000e", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "--release-matrix compares the recorded releases in their default configuration");
	free(out);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&out, "check", "--release-matrix",
					"--machine", "pc-q35-7.3", NULL), 2);
	PCT_ASSERT_CONTAINS(out, "no recorded release knows machine type 'pc-q35-7.3'");
	free(out);
}

/* An alias names the machine type as in every other mode (it was looked
 * up in the releases' indexes as given, and found in none). */
PCT_TEST("matrix", release_matrix_takes_an_alias)
{
	char *by_name = NULL, *by_alias = NULL;

	PCT_ASSERT_INT_EQ(pct_plugcheck(&by_name, "--format", "json", "check",
					"--release-matrix", "--machine", "pc-q35-7.2",
					NULL), 0);
	PCT_ASSERT_INT_EQ(pct_plugcheck(&by_alias, "--format", "json", "check",
					"--release-matrix", "--machine", "pc-7.2",
					NULL), 0);
	PCT_ASSERT_CONTAINS(by_name, "\"name\": \"pc-q35-7.2\"");
	PCT_ASSERT_STR_EQ(by_alias, by_name);
	free(by_name);
	free(by_alias);
}

/* "src|dst|rule|device|path|values|why|config" of every finding of a check
 * run into the set S (a JSON object used as a set) */
static size_t finding_keys(const char *const *argv, json_t *S, int *rc)
{
	json_t *j = run_json(argv, rc), *f;
	size_t i, n = 0;

	if (!j)
		return 0;
	json_array_foreach(json_object_get(j, "findings"), i, f) {
		json_t *d = json_object_get(f, "direction");
		char *fix = json_dumps(json_object_get(f, "fix"), JSON_COMPACT | JSON_SORT_KEYS);
		char *k = pc_xasprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d", s_or(d, "source"),
				       s_or(d, "destination"), s_or(f, "rule"),
				       s_or(f, "device"), s_or(f, "path"),
				       s_or(f, "source_value"), s_or(f, "destination_value"),
				       s_or(f, "why"), fix ? fix : "-", s_or(f, "config"),
				       json_is_true(json_object_get(f, "known")));

		json_object_set_new(S, k, json_true());
		free(k);
		free(fix);
		n++;
	}
	json_decref(j);
	return n;
}

PCT_TEST("matrix", main_job_screening_agrees_with_full_resolution)
{
	/* the main job compares each release with the tree device by device
	 * from the release's index; an explicit pair resolves the release in
	 * full.  With a compat line removed there are real findings: both
	 * must give the same ones, word for word. */
	char *mdir = pct_machines_without("screen-nq", "virtio-blk-device  num-queues");
	static const char *const machines[] = { "pc-5.1", "pc-i440fx-5.0", NULL };

	for (size_t m = 0; machines[m]; m++) {
		const char *margv[] = { "plugcheck", "--machine-dir", mdir, "--format", "json",
					"check", "--machine", machines[m], NULL };
		json_t *M = json_object(), *P = json_object(), *j, *p;
		const char *key;
		json_t *v;
		size_t i, n;
		int rc;

		n = finding_keys(margv, M, &rc);
		PCT_ASSERT_INT_EQ(rc, 1);
		CU_ASSERT(n > 0);
		j = run_json(margv, &rc);
		CU_ASSERT_PTR_NOT_NULL_FATAL(j);
		json_array_foreach(json_object_get(j, "pairs"), i, p) {
			const char *src = s_or(p, "source"), *dst = s_or(p, "destination");
			const char *pargv[] = { "plugcheck", "--machine-dir", mdir, "--format",
						"json", "check", "--machine", machines[m],
						"--from", src, "--to", dst, NULL };

			finding_keys(pargv, P, &rc);
			CU_ASSERT(rc == 0 || rc == 1);
		}
		json_decref(j);
		json_object_foreach(M, key, v)
			if (!json_object_get(P, key)) {
				fprintf(stderr, "\n  only in the main job: %s\n", key);
				CU_FAIL("main job finding not given by the pair");
			}
		json_object_foreach(P, key, v)
			if (!json_object_get(M, key)) {
				fprintf(stderr, "\n  only in the pair: %s\n", key);
				CU_FAIL("pair finding not given by the main job");
			}
		json_decref(M);
		json_decref(P);
	}
	free(mdir);
}
