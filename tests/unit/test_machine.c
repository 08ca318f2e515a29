/*
 * test_machine.c - the machine descriptors: the shipped machines/ against
 * QEMU's own tables in tools/data/qemu-machines (chains, statuses,
 * aliases, since=), the generator's output being up to date, and one
 * fixture per parser or resolver error (tests/fixtures/machines/<case>/).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"
#include "pctest.h"

#include "banned.h"

/* ---- helpers ---- */

static struct pc_machine_set *load_dir_ok(const char *rel)
{
	struct pc_machine_set *set = pc_machine_set_new();
	struct pc_err err = { 0 };
	int rc = pc_machines_load_dir(set, pct_path(rel), &err);

	if (rc)
		fprintf(stderr, "\n  loading %s: %s\n", rel, err.msg);
	PCT_ASSERT_INT_EQ(rc, 0);
	return set;
}

static struct pc_machine_set *load_shipped(void)
{
	return load_dir_ok("machines");
}

/*
 * The must_* lookups end the test (CUnit's FATAL asserts longjmp) when the
 * object is missing; the static stand-ins are never used at run time, they
 * only tell the compiler that the result is not NULL.
 */
static const struct pc_machine *must_find(const struct pc_machine_set *set,
					  const char *name)
{
	static const struct pc_machine none;
	const struct pc_machine *m = pc_machine_find(set, name);

	if (!m)
		fprintf(stderr, "\n  machine '%s' not found\n", name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m ? m : &none;
}

/* Loading fixture directory 'fixture' fails with 'needle' in the message;
 * returns the error's code. */
static enum pc_errcode expect_load_error(const char *fixture,
					 const char *needle)
{
	struct pc_machine_set *set = pc_machine_set_new();
	struct pc_err err = { 0 };
	char *rel = pc_xasprintf("tests/fixtures/machines/%s", fixture);
	int rc = pc_machines_load_dir(set, pct_path(rel), &err);

	PCT_ASSERT_INT_EQ(rc, -1);
	CU_ASSERT(err.set);
	PCT_ASSERT_CONTAINS(err.msg, needle);
	/* lower case start after "file:line: ", no trailing period */
	CU_ASSERT(err.msg[0] && err.msg[strlen(err.msg) - 1] != '.');
	free(rel);
	pc_machine_set_free(set);
	return err.code;
}

static struct pc_version ver(const char *s)
{
	struct pc_version v;

	CU_ASSERT_EQUAL_FATAL(pc_version_parse(s, &v), 0);
	return v;
}

static const char *vstr(const struct pc_version *v)
{
	static char buf[4][32];
	static int next;
	char *b = buf[next++ % 4];

	pc_version_str(v, b, sizeof(buf[0]));
	return b;
}

/*
 * A tab-separated file with a header row, as rows of fields.  The TSVs
 * have no quoting; empty fields stay empty strings.
 */
struct tsv {
	char *text;
	char ***rows;
	size_t *nf;
	size_t n;
};

static void tsv_load(struct tsv *t, const char *rel)
{
	struct pc_err err = { 0 };
	size_t len, alloc = 0, alloc_nf = 0;
	char *line;

	memset(t, 0, sizeof(*t));
	if (pc_read_file(pct_path(rel), 1 << 22, &t->text, &len, &err))
		fprintf(stderr, "\n  %s\n", err.msg);
	CU_ASSERT_FATAL(!err.set);
	line = strchr(t->text, '\n');	/* skip the header */
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	line++;
	while (*line) {
		char *end = strchr(line, '\n');
		char **f = NULL;
		size_t nf = 0, falloc = 0;

		if (end)
			*end = '\0';
		for (char *p = line;;) {
			char *tab = strchr(p, '\t');

			PC_ALLOC_GROW(f, nf + 1, falloc);
			f[nf++] = p;
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		PC_ALLOC_GROW(t->rows, t->n + 1, alloc);
		PC_ALLOC_GROW(t->nf, t->n + 1, alloc_nf);
		t->rows[t->n] = f;
		t->nf[t->n++] = nf;
		if (!end)
			break;
		line = end + 1;
	}
}

static void tsv_free(struct tsv *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rows[i]);
	free(t->rows);
	free(t->nf);
	free(t->text);
}

/* machines.tsv rows that machines/ describes: pc families, 5.0 and newer,
 * still in QEMU's source */
static bool shipped_row(char **f)
{
	struct pc_version v, five = { { 5, 0, 0 } };

	if (strcmp(f[1], "q35") && strcmp(f[1], "i440fx"))
		return false;
	if (!strcmp(f[4], "removed"))
		return false;
	if (pc_version_parse(f[2], &v))
		return false;
	return pc_version_cmp(&v, &five) >= 0;
}

static const struct pc_compat_array *must_array(const struct pc_machine_set *set,
						const char *name)
{
	static const struct pc_compat_array none;

	for (size_t i = 0; i < set->n_arrays; i++)
		if (!strcmp(set->arrays[i]->name, name))
			return set->arrays[i];
	fprintf(stderr, "\n  array '%s' not found\n", name);
	CU_FAIL_FATAL("array not found");
	return &none;
}

static const struct pc_family *must_family(const struct pc_machine_set *set,
					   const char *name)
{
	static const struct pc_family none;

	for (size_t i = 0; i < set->n_families; i++)
		if (!strcmp(set->families[i]->name, name))
			return set->families[i];
	fprintf(stderr, "\n  family '%s' not found\n", name);
	CU_FAIL_FATAL("family not found");
	return &none;
}

/* The array-name chain as the format defines it, from the public fields:
 * family defaults, then the derivation path newest first. */
static char *array_chain(const struct pc_machine_set *set,
			 const struct pc_machine *m)
{
	const struct pc_machine *path[256];
	size_t depth = 0;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const struct pc_family *f = must_family(set, m->family);

	pc_strbuf_addstr(&sb, f->defaults ? f->defaults : "");
	for (const struct pc_machine *p = m; p;
	     p = p->derives ? pc_machine_find(set, p->derives) : NULL) {
		CU_ASSERT_FATAL(depth < PC_ARRAY_SIZE(path));
		path[depth++] = p;
	}
	while (depth--)
		for (size_t j = 0; j < path[depth]->n_arrays; j++)
			pc_strbuf_addf(&sb, ",%s", path[depth]->arrays[j]);
	return pc_strbuf_detach(&sb);
}

static const struct pc_compat_entry *chain_entry(const struct pc_machine *m,
						 const char *driver,
						 const char *prop)
{
	static const struct pc_compat_entry none;

	for (size_t i = 0; i < m->n_chain; i++)
		if (!strcmp(m->chain[i]->driver, driver) &&
		    !strcmp(m->chain[i]->prop, prop))
			return m->chain[i];
	fprintf(stderr, "\n  %s has no entry %s %s\n", m->name, driver, prop);
	CU_FAIL_FATAL("entry not found");
	return &none;
}

/* ---- the shipped machines ---- */

PCT_TEST("machine", shipped_loads)
{
	struct pc_machine_set *set = load_shipped();

	PCT_ASSERT_INT_EQ(set->n_families, 2);
	PCT_ASSERT_INT_EQ(set->n_machines, 38);
	/* 18 versions x (hw + pc) + 2 family defaults */
	PCT_ASSERT_INT_EQ(set->n_arrays, 38);
	pc_machine_set_free(set);
}

/* Entries QEMU has today: historical ones (until=) are ours, for
 * reconstructing older releases (historical-compat.tsv). */
static size_t current_entries(const struct pc_machine *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_chain; i++)
		n += !m->chain[i]->has_until;
	return n;
}

PCT_TEST("machine", chain_lengths)
{
	static const struct {
		const char *name;
		size_t n;
	} want[] = {
		/* figures from tools/data/qemu-machines/README.md, equal to
		 * len(compat-props) of QEMU's query-machines */
		{ "pc-q35-5.1", 104 },     { "pc-i440fx-5.1", 103 },
		{ "pc-q35-7.2", 61 },      { "pc-q35-8.0", 56 },
		{ "pc-q35-11.0", 3 },      { "pc-i440fx-11.0", 2 },
		{ "pc-q35-10.0", 18 },     { "pc-q35-5.0", 111 },
		{ "pc-i440fx-5.0", 110 },
	};
	struct pc_machine_set *set = load_shipped();

	for (size_t i = 0; i < PC_ARRAY_SIZE(want); i++) {
		const struct pc_machine *m = must_find(set, want[i].name);
		size_t n = current_entries(m);

		if (n != want[i].n)
			fprintf(stderr, "\n  %s: ", want[i].name);
		PCT_ASSERT_INT_EQ(n, want[i].n);
	}
	pc_machine_set_free(set);
}

/*
 * Every machine against machines.tsv: the chain column is reproduced by
 * family defaults + derivation, the expanded entries equal compat-arrays.tsv,
 * and status, derives, aliases, smp and max-cpus follow the rules.
 */
PCT_TEST("machine", chains_match_qemu_tables)
{
	struct pc_machine_set *set = load_shipped();
	struct tsv mt, ca;
	size_t seen = 0;

	tsv_load(&mt, "tools/data/qemu-machines/machines.tsv");
	tsv_load(&ca, "tools/data/qemu-machines/compat-arrays.tsv");
	for (size_t r = 0; r < mt.n; r++) {
		char **f = mt.rows[r];
		const struct pc_machine *m;
		char *chain, *names, *save = NULL;
		size_t k = 0, matched = 0;
		const char *newer = NULL;
		struct pc_version v = ver(f[2]), best = { { 0 } };
		int max;

		CU_ASSERT_FATAL(mt.nf[r] >= 6);
		if (!shipped_row(f)) {
			/* and machines/ does not describe it */
			CU_ASSERT_PTR_NULL(pc_machine_find(set, f[0]));
			continue;
		}
		seen++;
		m = must_find(set, f[0]);
		PCT_ASSERT_STR_EQ(m->name, f[0]);
		PCT_ASSERT_STR_EQ(m->family, f[1]);
		CU_ASSERT(pc_version_cmp(&m->version, &v) == 0);

		chain = array_chain(set, m);
		PCT_ASSERT_STR_EQ(chain, f[3]);
		free(chain);

		/* expand the TSV chain with compat-arrays.tsv */
		names = pc_xstrdup(f[3]);
		for (char *a = strtok_r(names, ",", &save); a;
		     a = strtok_r(NULL, ",", &save)) {
			for (size_t i = 0; i < ca.n; i++) {
				const struct pc_compat_entry *e;

				if (strcmp(ca.rows[i][0], a))
					continue;
				while (k < m->n_chain && m->chain[k]->has_until)
					k++;
				CU_ASSERT_FATAL(k < m->n_chain);
				e = m->chain[k++];
				matched++;
				PCT_ASSERT_STR_EQ(e->array, a);
				PCT_ASSERT_STR_EQ(e->driver, ca.rows[i][1]);
				PCT_ASSERT_STR_EQ(e->prop, ca.rows[i][2]);
				PCT_ASSERT_STR_EQ(e->value, ca.rows[i][3]);
				CU_ASSERT(e->optional == !strcmp(ca.rows[i][4], "true"));
			}
		}
		free(names);
		PCT_ASSERT_INT_EQ(current_entries(m), matched);

		PCT_ASSERT_STR_EQ(pc_machine_status_name(m->status),
				  !strcmp(f[4], "false") ? "supported" :
				  !strcmp(f[4], "true") ? "deprecated" :
				  "unregistered");

		/* derives: the next newer shipped machine of the family */
		for (size_t j = 0; j < mt.n; j++) {
			char **g = mt.rows[j];
			struct pc_version w;

			if (!shipped_row(g) || strcmp(g[1], f[1]))
				continue;
			w = ver(g[2]);
			if (pc_version_cmp(&w, &v) > 0 &&
			    (!newer || pc_version_cmp(&w, &best) < 0)) {
				newer = g[0];
				best = w;
			}
		}
		if (newer)
			PCT_ASSERT_STR_EQ(m->derives, newer);
		else
			CU_ASSERT_PTR_NULL(m->derives);

		if (!strcmp(f[1], "q35")) {
			char *alias = pc_xasprintf("pc-%s", f[2]);

			PCT_ASSERT_INT_EQ(m->n_aliases, 1);
			if (m->n_aliases == 1)
				PCT_ASSERT_STR_EQ(m->aliases[0], alias);
			free(alias);
			max = v.v[0] >= 9 ? 4096 :
			      (v.v[0] == 8 && v.v[1] >= 1) ? 1024 : 288;
		} else {
			PCT_ASSERT_INT_EQ(m->n_aliases, 0);
			max = 255;
		}
		PCT_ASSERT_INT_EQ(m->max_cpus, max);
		PCT_ASSERT_INT_EQ(m->smp, 1);
	}
	PCT_ASSERT_INT_EQ(seen, set->n_machines);
	tsv_free(&mt);
	tsv_free(&ca);
	pc_machine_set_free(set);
}

/*
 * Every shipped array against compat-arrays.tsv and compat-history.tsv:
 * same entries in order; since = first_release for retrofits and family
 * defaults, the array's release otherwise.
 */
PCT_TEST("machine", arrays_match_history)
{
	struct pc_machine_set *set = load_shipped();
	struct tsv ch;

	tsv_load(&ch, "tools/data/qemu-machines/compat-history.tsv");
	for (size_t i = 0; i < set->n_arrays; i++) {
		const struct pc_compat_array *a = set->arrays[i];
		size_t k = 0;

		for (size_t r = 0; r < ch.n; r++) {
			char **f = ch.rows[r];
			const struct pc_compat_entry *e;

			if (strcmp(f[0], a->name))
				continue;
			CU_ASSERT_FATAL(k < a->n_entries);
			e = &a->entries[k++];
			PCT_ASSERT_STR_EQ(e->driver, f[1]);
			PCT_ASSERT_STR_EQ(e->prop, f[2]);
			PCT_ASSERT_STR_EQ(e->value, f[3]);
			if (!strcmp(f[7], "yes") ||
			    (!strcmp(f[7], "n/a") && *f[6])) {
				struct pc_version fr = ver(f[6]);

				CU_ASSERT(e->has_since);
				PCT_ASSERT_STR_EQ(vstr(&e->since), vstr(&fr));
			} else {
				CU_ASSERT(a->has_release);
				CU_ASSERT(e->has_since);
				PCT_ASSERT_STR_EQ(vstr(&e->since),
						  vstr(&a->release));
			}
		}
		/* after QEMU's own entries: only historical ones (until=) */
		for (size_t j = k; j < a->n_entries; j++)
			CU_ASSERT(a->entries[j].has_until);
	}
	tsv_free(&ch);
	pc_machine_set_free(set);
}

PCT_TEST("machine", array_releases)
{
	static const struct {
		const char *array, *release;
	} want[] = {
		{ "hw_compat_5_1", "5.2" },   { "pc_compat_5_2", "6.0" },
		{ "hw_compat_7_2", "8.0" },   { "hw_compat_8_1", "8.2" },
		{ "hw_compat_9_2", "10.0" },  { "pc_compat_10_2", "11.0" },
		{ "hw_compat_10_0", "10.1" },
	};
	struct pc_machine_set *set = load_shipped();
	const struct pc_compat_array *a;

	for (size_t i = 0; i < PC_ARRAY_SIZE(want); i++) {
		a = must_array(set, want[i].array);
		CU_ASSERT(a->has_release);
		PCT_ASSERT_STR_EQ(vstr(&a->release), want[i].release);
	}
	a = must_array(set, "pc_compat_10_2");
	PCT_ASSERT_INT_EQ(a->n_entries, 0);
	a = must_array(set, "pc_q35_compat_defaults");
	CU_ASSERT(!a->has_release);
	pc_machine_set_free(set);
}

PCT_TEST("machine", aliases_and_lookup)
{
	struct pc_machine_set *set = load_shipped();

	PCT_ASSERT_STR_EQ(must_find(set, "pc-5.1")->name, "pc-q35-5.1");
	PCT_ASSERT_STR_EQ(must_find(set, "pc-11.0")->name, "pc-q35-11.0");
	PCT_ASSERT_STR_EQ(must_find(set, "q35")->name, "pc-q35-11.0");
	PCT_ASSERT_STR_EQ(must_find(set, "pc")->name, "pc-i440fx-11.0");
	PCT_ASSERT_STR_EQ(pc_machine_latest(set, "q35")->name, "pc-q35-11.0");
	PCT_ASSERT_STR_EQ(must_find(set, "pc-i440fx-7.2")->name,
			  "pc-i440fx-7.2");
	/* described, but not a machine QEMU still registers */
	PCT_ASSERT_STR_EQ(must_find(set, "pc-5.0")->name, "pc-q35-5.0");
	CU_ASSERT_PTR_NULL(pc_machine_find(set, "pc-q35-4.2"));
	CU_ASSERT_PTR_NULL(pc_machine_find(set, "pc-q35-5.l"));
	CU_ASSERT_PTR_NULL(pc_machine_find(set, NULL));
	PCT_ASSERT_STR_EQ(pc_machine_suggest(set, "pc-q35-51"), "pc-q35-5.1");
	PCT_ASSERT_STR_EQ(pc_machine_suggest(set, "q53"), "q35");
	CU_ASSERT_PTR_NULL(pc_machine_suggest(set, "completely-unrelated"));
	pc_machine_set_free(set);
}

/* The index pc_machine_find() uses once a set is complete answers as the
 * scan does, for every name, alias and family alias of the shipped set,
 * and for names no machine has; a machine appended after it is found (by
 * the scan). */
PCT_TEST("machine", indexed_lookup_answers_as_the_scan)
{
	struct pc_machine_set *set = load_shipped();
	const char *extra[] = { "q35", "pc", "pc-q35-4.2", "pc-q35-5.l", "",
				"PC-Q35-5.1", "pc-q35-5.1 " };
	struct pc_machine *added;
	size_t indexed = set->indexed;

	PCT_ASSERT_INT_EQ(indexed, set->n_machines);
	for (size_t i = 0; i < set->n_machines; i++) {
		const struct pc_machine *m = set->machines[i];

		for (size_t j = 0; j <= m->n_aliases; j++) {
			const char *n = j ? m->aliases[j - 1] : m->name;
			const struct pc_machine *hit = pc_machine_find(set, n);

			set->indexed = 0;   /* the scan */
			CU_ASSERT_PTR_EQUAL(hit, pc_machine_find(set, n));
			set->indexed = indexed;
			CU_ASSERT_PTR_NOT_NULL(hit);
		}
	}
	for (size_t i = 0; i < PC_ARRAY_SIZE(extra); i++) {
		const struct pc_machine *hit = pc_machine_find(set, extra[i]);

		set->indexed = 0;
		CU_ASSERT_PTR_EQUAL(hit, pc_machine_find(set, extra[i]));
		set->indexed = indexed;
	}
	/* appended after the index: still found */
	added = pc_xcalloc(1, sizeof(*added));
	added->name = pc_xstrdup("pc-q35-99.0");
	PC_ALLOC_GROW(set->machines, set->n_machines + 1, set->alloc_machines);
	set->machines[set->n_machines++] = added;
	CU_ASSERT_PTR_EQUAL(pc_machine_find(set, "pc-q35-99.0"), added);
	pc_machine_set_index(set);
	CU_ASSERT_PTR_EQUAL(pc_machine_find(set, "pc-q35-99.0"), added);
	PCT_ASSERT_STR_EQ(must_find(set, "pc-5.1")->name, "pc-q35-5.1");
	pc_machine_set_free(set);
}

PCT_TEST("machine", statuses_and_config)
{
	struct pc_machine_set *set = load_shipped();
	const struct pc_machine *m;

	m = must_find(set, "pc-q35-11.0");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_SUPPORTED);
	CU_ASSERT_PTR_NULL(m->derives);
	PCT_ASSERT_INT_EQ(m->n_arrays, 0);
	PCT_ASSERT_INT_EQ(m->max_cpus, 4096);
	m = must_find(set, "pc-q35-8.1");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_SUPPORTED);
	PCT_ASSERT_INT_EQ(m->max_cpus, 1024);
	m = must_find(set, "pc-q35-8.0");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_DEPRECATED);
	PCT_ASSERT_INT_EQ(m->max_cpus, 288);
	m = must_find(set, "pc-q35-5.1");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_DEPRECATED);
	PCT_ASSERT_STR_EQ(m->derives, "pc-q35-5.2");
	PCT_ASSERT_INT_EQ(m->n_arrays, 2);
	PCT_ASSERT_STR_EQ(m->arrays[0], "hw_compat_5_1");
	PCT_ASSERT_STR_EQ(m->arrays[1], "pc_compat_5_1");
	m = must_find(set, "pc-q35-5.0");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_UNREGISTERED);
	m = must_find(set, "pc-i440fx-9.0");
	PCT_ASSERT_INT_EQ(m->max_cpus, 255);
	PCT_ASSERT_STR_EQ(pc_machine_status_name(PC_MACHINE_SUPPORTED),
			  "supported");
	PCT_ASSERT_STR_EQ(pc_machine_status_name(PC_MACHINE_DEPRECATED),
			  "deprecated");
	PCT_ASSERT_STR_EQ(pc_machine_status_name(PC_MACHINE_UNREGISTERED),
			  "unregistered");
	pc_machine_set_free(set);
}

/*
 * The later entry wins: virtio-iommu-pci aw-bits is 39 from the q35
 * defaults, and 64 for 8.2 and older through hw_compat_8_2 - which must
 * therefore come after the defaults in the chain.
 */
PCT_TEST("machine", later_entry_wins_order)
{
	struct pc_machine_set *set = load_shipped();
	const struct pc_machine *m = must_find(set, "pc-q35-8.2");
	const char *last = NULL;

	PCT_ASSERT_STR_EQ(m->chain[0]->array, "pc_q35_compat_defaults");
	for (size_t i = 0; i < m->n_chain; i++)
		if (!strcmp(m->chain[i]->driver, "virtio-iommu-pci") &&
		    !strcmp(m->chain[i]->prop, "aw-bits"))
			last = m->chain[i]->value;
	PCT_ASSERT_STR_EQ(last, "64");
	PCT_ASSERT_STR_EQ(m->chain[m->n_chain - 1]->array, "hw_compat_8_2");
	pc_machine_set_free(set);
}

PCT_TEST("machine", since_and_entry_release)
{
	struct pc_machine_set *set = load_shipped();
	const struct pc_machine *m = must_find(set, "pc-q35-7.2");
	const struct pc_compat_entry *e;
	struct pc_version v;

	/* the 8.0 AER break: the fix shipped first in stable 8.0.1 */
	e = chain_entry(m, "pci-device", "x-pcie-err-unc-mask");
	PCT_ASSERT_STR_EQ(e->value, "off");
	PCT_ASSERT_STR_EQ(e->array, "hw_compat_7_2");
	CU_ASSERT(e->has_since);
	PCT_ASSERT_STR_EQ(vstr(&e->since), "8.0.1");
	PCT_ASSERT_CONTAINS(e->origin, "machines/compat/hw_compat_7_2.compat:");
	v = ver("7.2");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));
	v = ver("8.0");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));
	v = ver("8.0.1");
	CU_ASSERT(pc_compat_entry_in_release(e, &v));
	v = ver("8.1");
	CU_ASSERT(pc_compat_entry_in_release(e, &v));

	/* an ordinary entry of the same array: from the array's release on */
	e = chain_entry(m, "e1000e", "migrate-timadj");
	PCT_ASSERT_STR_EQ(vstr(&e->since), "8.0");
	v = ver("8.0");
	CU_ASSERT(pc_compat_entry_in_release(e, &v));
	v = ver("7.2.11");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));

	/* the retrofit into hw_compat_5_1 (pl011 migrate-clk): 6.0, not 5.2 */
	e = chain_entry(must_find(set, "pc-q35-5.1"), "pl011", "migrate-clk");
	PCT_ASSERT_STR_EQ(vstr(&e->since), "6.0");
	v = ver("5.2");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));

	/* hw_compat_10_2: in no release yet */
	e = chain_entry(must_find(set, "pc-q35-10.2"), "scsi-block",
			"migrate-pr");
	v = ver("10.2");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));
	v = ver("11.0");
	CU_ASSERT(pc_compat_entry_in_release(e, &v));

	/* family defaults carry their first release */
	e = chain_entry(must_find(set, "q35"), "virtio-iommu-pci", "aw-bits");
	PCT_ASSERT_STR_EQ(vstr(&e->since), "9.0");
	v = ver("8.2");
	CU_ASSERT(!pc_compat_entry_in_release(e, &v));
	pc_machine_set_free(set);
}

PCT_TEST("machine", known_in_release)
{
	struct pc_machine_set *set = load_shipped();
	const struct pc_machine *m = must_find(set, "pc-q35-8.0");
	struct pc_version v;

	v = ver("8.0");
	CU_ASSERT(pc_machine_known_in(m, &v));
	v = ver("8.0.1");
	CU_ASSERT(pc_machine_known_in(m, &v));
	v = ver("10.2");
	CU_ASSERT(pc_machine_known_in(m, &v));
	v = ver("7.2.11");
	CU_ASSERT(!pc_machine_known_in(m, &v));
	m = must_find(set, "pc-q35-11.0");
	v = ver("10.2");
	CU_ASSERT(!pc_machine_known_in(m, &v));
	v = ver("11.0");
	CU_ASSERT(pc_machine_known_in(m, &v));
	pc_machine_set_free(set);
}

PCT_TEST("machine", newest_first_order)
{
	struct pc_machine_set *set = load_shipped();
	size_t n = set->n_machines;
	struct pc_machine **v = pc_xcalloc(n, sizeof(*v));

	memcpy(v, set->machines, n * sizeof(*v));
	qsort(v, n, sizeof(*v), pc_machine_cmp_newest_first);
	PCT_ASSERT_STR_EQ(v[0]->name, "pc-i440fx-11.0");
	PCT_ASSERT_STR_EQ(v[1]->name, "pc-q35-11.0");
	PCT_ASSERT_STR_EQ(v[n - 1]->name, "pc-q35-5.0");
	for (size_t i = 1; i < n; i++)
		CU_ASSERT(pc_version_cmp(&v[i - 1]->version, &v[i]->version) >= 0);
	free(v);
	pc_machine_set_free(set);
}

/* ---- machines/ is the generator's output ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_names(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, alloc = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		PC_ALLOC_GROW(v, n + 1, alloc);
		v[n++] = pc_xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	return n;
}

/* Compare two trees: same names, same bytes; recurse into directories. */
static void compare_trees(const char *want, const char *got)
{
	char **a, **b;
	size_t na = list_names(want, &a), nb = list_names(got, &b);
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);

		if (c < 0) {
			fprintf(stderr, "\n  %s/%s: not generated (stale file?)\n",
				want, a[i++]);
			CU_FAIL("extra file in machines/");
		} else if (c > 0) {
			fprintf(stderr, "\n  %s/%s: generated but missing from %s\n",
				got, b[j++], want);
			CU_FAIL("missing file in machines/");
		} else {
			char *pa = pc_xasprintf("%s/%s", want, a[i]);
			char *pb = pc_xasprintf("%s/%s", got, b[j]);
			struct stat st;

			if (!stat(pa, &st) && S_ISDIR(st.st_mode)) {
				compare_trees(pa, pb);
			} else {
				char *x = NULL, *y = NULL;
				size_t lx = 0, ly = 0;
				struct pc_err err = { 0 };

				pc_read_file(pa, 1 << 22, &x, &lx, &err);
				pc_read_file(pb, 1 << 22, &y, &ly, &err);
				CU_ASSERT_FATAL(!err.set);
				if (lx != ly || memcmp(x, y, lx)) {
					fprintf(stderr,
						"\n  %s differs from the generator's %s\n"
						"  (run: sh tools/gen-machines.sh machines)\n",
						pa, pb);
					CU_FAIL("machines/ is out of date");
				}
				free(x);
				free(y);
			}
			free(pa);
			free(pb);
			i++;
			j++;
		}
	}
	for (i = 0; i < na; i++)
		free(a[i]);
	for (j = 0; j < nb; j++)
		free(b[j]);
	free(a);
	free(b);
}

PCT_TEST("machine", generated_files_up_to_date)
{
	char *tmp = pct_tmpdir("gen-machines");
	char *cmd = pc_xasprintf("sh '%s' '%s'",
				 pct_path("tools/gen-machines.sh"), tmp);
	int rc = system(cmd);

	PCT_ASSERT_INT_EQ(rc, 0);
	if (!rc)
		compare_trees(pct_path("machines"), tmp);
	free(cmd);
	cmd = pc_xasprintf("rm -rf '%s'", tmp);
	if (system(cmd))
		fprintf(stderr, "warning: could not remove %s\n", tmp);
	free(cmd);
	free(tmp);
}

/* ---- the file format ---- */

PCT_TEST("machine", quoting_comments_options)
{
	struct pc_machine_set *set =
		load_dir_ok("tests/fixtures/machines/quoting");
	const struct pc_compat_array *a = must_array(set, "t_compat_1");
	const struct pc_machine *m;

	PCT_ASSERT_INT_EQ(a->n_entries, 5);
	if (a->n_entries != 5)
		goto out;
	PCT_ASSERT_STR_EQ(a->entries[1].value, "a b");
	CU_ASSERT(a->entries[1].optional);
	CU_ASSERT(!a->entries[0].optional);
	PCT_ASSERT_STR_EQ(a->entries[2].value, "say \"hi\" \\ #not-a-comment");
	PCT_ASSERT_STR_EQ(vstr(&a->entries[2].since), "2.0.3");
	PCT_ASSERT_STR_EQ(vstr(&a->entries[0].since), "2.0");
	PCT_ASSERT_STR_EQ(a->entries[3].value, "");
	PCT_ASSERT_STR_EQ(a->entries[4].value, "x#y");
	PCT_ASSERT_CONTAINS(a->entries[4].origin, "compat/t_compat_1.compat:6");

	m = must_find(set, "t1");
	PCT_ASSERT_STR_EQ(m->name, "t-1.0");
	CU_ASSERT_EQUAL(m->status, PC_MACHINE_DEPRECATED);
	PCT_ASSERT_INT_EQ(m->smp, 2);
	PCT_ASSERT_INT_EQ(m->max_cpus, 4);
	/* t_defaults, then t-2.0 (no arrays), then t_compat_1 */
	PCT_ASSERT_INT_EQ(m->n_chain, 6);
	PCT_ASSERT_STR_EQ(m->chain[0]->array, "t_defaults");
	/* the latest alias skips nothing here: t-2.0 is supported */
	PCT_ASSERT_STR_EQ(must_find(set, "t")->name, "t-2.0");
out:
	pc_machine_set_free(set);
}

/* ---- one fixture per error ---- */

PCT_TEST("machine", err_syntax)
{
	PCT_ASSERT_INT_EQ(expect_load_error("syntax",
			  "syntax/t-1.0.machine:4: unknown keyword 'dervies' (did you mean 'derives'?)"),
			  PC_E_INPUT);
}

PCT_TEST("machine", err_unknown_derives)
{
	expect_load_error("unknown-derives",
			  "unknown-derives/t-1.0.machine:5: unknown machine 't-3.0' in derives (did you mean 't-2.0'?)");
}

PCT_TEST("machine", err_unknown_alias_target)
{
	expect_load_error("unknown-alias-target",
			  "unknown-alias-target/t.family:4: latest alias 't' has no target (expected a supported or deprecated t machine)");
}

PCT_TEST("machine", err_unknown_family)
{
	expect_load_error("unknown-family",
			  "unknown-family/t-1.0.machine:2: unknown family 'tt' (did you mean 't'?)");
}

PCT_TEST("machine", err_derivation_cycle)
{
	expect_load_error("cycle",
			  "cycle/t-2.0.machine:4: derivation cycle: t-1.0 -> t-2.0 -> t-1.0");
}

PCT_TEST("machine", err_duplicate_machine)
{
	expect_load_error("dup-machine",
			  "dup-machine/b.machine:1: duplicate machine 't-1.0' (already the machine name at ");
	expect_load_error("dup-machine", "dup-machine/a.machine:1)");
}

PCT_TEST("machine", err_duplicate_alias)
{
	expect_load_error("dup-alias",
			  "dup-alias/t-2.0.machine:4: duplicate alias 'old' (already an alias of 't-1.0' at ");
	expect_load_error("dup-alias", "dup-alias/t-1.0.machine:4)");
}

PCT_TEST("machine", err_unknown_array)
{
	expect_load_error("unknown-array",
			  "unknown-array/t-1.0.machine:6: unknown array 't_compat_9' (did you mean 't_compat_1'?)");
}

PCT_TEST("machine", err_array_name_mismatch)
{
	expect_load_error("array-mismatch",
			  "array-mismatch/compat/t_compat_1.compat:2: array 't_compat_2' does not match the file name (expected 't_compat_1')");
}

PCT_TEST("machine", err_bad_version)
{
	expect_load_error("bad-version",
			  "bad-version/t-1.0.machine:3: bad version '1.x' (expected N.N or N.N.N)");
}

PCT_TEST("machine", err_smp_over_max_cpus)
{
	expect_load_error("smp-max",
			  "smp-max/t-1.0.machine:4: smp 8 exceeds max-cpus 4 (expected at most 4)");
}

PCT_TEST("machine", err_missing_key)
{
	expect_load_error("missing-key",
			  "missing-key/t-1.0.machine:3: missing 'version' statement (expected machine, family and version before the end of the file)");
}

PCT_TEST("machine", err_overlong_line)
{
	PCT_ASSERT_INT_EQ(expect_load_error("overlong-line",
			  "overlong-line/t-1.0.machine:2: line too long (expected at most 4096 bytes, found 5001)"),
			  PC_E_LIMIT);
}

PCT_TEST("machine", err_unterminated_quote)
{
	expect_load_error("unterminated-quote",
			  "unterminated-quote/compat/t_compat_1.compat:3: unterminated quoted value (expected a closing '\"')");
}

PCT_TEST("machine", err_missing_dir)
{
	PCT_ASSERT_INT_EQ(expect_load_error("no-such-dir",
			  "machines/no-such-dir: cannot open machine directory: No such file or directory"),
			  PC_E_IO);
}

PCT_TEST("machine", err_empty_dir)
{
	struct pc_machine_set *set = pc_machine_set_new();
	struct pc_err err = { 0 };
	char *tmp = pct_tmpdir("empty-machines");

	PCT_ASSERT_INT_EQ(pc_machines_load_dir(set, tmp, &err), -1);
	PCT_ASSERT_CONTAINS(err.msg,
			    ": no machine descriptors (expected *.machine files)");
	PCT_ASSERT_CONTAINS(err.msg, tmp);
	pc_machine_set_free(set);
	rmdir(tmp);
	free(tmp);
}
