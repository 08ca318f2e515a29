/*
 * test_bstream.c - the stream reader of release baselines (core/bstream.c)
 * against the tree reader it stands in for (core/baseline.c).
 *
 * The stream reader declines a baseline whose "recorded_by" is not a
 * string; the tree reader does not look at it.  So the same text with
 * "recorded_by" turned into a number of the same length (the columns do
 * not move) is read by the tree reader alone: the two readings must agree
 * on every mutant of the shipped baselines, the same model when both read
 * it, the same message when the text is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "bstream.h"
#include "pctest.h"

/* ---- the model, as text ---- */

static void dump_entry(struct pc_strbuf *sb, const struct pc_compat_entry *e)
{
	pc_strbuf_addf(sb, "   %s|%s|%s|%s|%s|%d|%zu|%d\n", e->driver, e->prop,
		       e->value, e->array, e->origin, e->optional, e->file_len,
		       e->line);
}

static void dump_machine(struct pc_strbuf *sb, const struct pc_machine *m)
{
	pc_strbuf_addf(sb, " machine %s %s %d.%d.%d status=%d smp=%d max=%d path=%s derives=%s\n",
		       m->name, m->family, m->version.v[0], m->version.v[1],
		       m->version.v[2], (int)m->status, m->smp, m->max_cpus,
		       m->path, m->derives ? m->derives : "-");
	for (size_t k = 0; k < m->n_aliases; k++)
		pc_strbuf_addf(sb, "  alias %s\n", m->aliases[k]);
	for (size_t k = 0; k < m->n_arrays; k++)
		pc_strbuf_addf(sb, "  array %s\n", m->arrays[k]);
	pc_strbuf_addf(sb, "  chain %zu\n", m->n_chain);
	for (size_t k = 0; k < m->n_chain; k++)
		dump_entry(sb, m->chain[k]);
}

static char *dump_index(const struct pc_bindex *ix)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const struct pc_machine_set *set = ix->machines;

	pc_strbuf_addf(&sb, "%s %s %d.%d.%d %016llx %s\n", ix->path, ix->label,
		       ix->release.v[0], ix->release.v[1], ix->release.v[2],
		       (unsigned long long)ix->decl_digest, ix->decl_path);
	pc_strbuf_addf(&sb, "families %zu\n", set->n_families);
	for (size_t i = 0; i < set->n_arrays; i++) {
		const struct pc_compat_array *a = set->arrays[i];

		pc_strbuf_addf(&sb, " array %s %s %d\n", a->name, a->path,
			       a->has_release);
		for (size_t k = 0; k < a->n_entries; k++)
			dump_entry(&sb, &a->entries[k]);
	}
	for (size_t i = 0; i < set->n_machines; i++)
		dump_machine(&sb, set->machines[i]);
	for (size_t i = 0; i < ix->n_objects; i++)
		pc_strbuf_addf(&sb, " object %s\n", ix->objects[i]);
	for (size_t i = 0; i < ix->n_sections; i++)
		pc_strbuf_addf(&sb, " section %s of %zu\n", ix->sections[i],
			       ix->section_obj[i]);
	for (size_t i = 0; i < ix->n_vms; i++) {
		const struct pc_bindex_vm *vm = &ix->vms[i];

		pc_strbuf_addf(&sb, " vm %s smp=%d:", vm->machine->name, vm->smp);
		for (size_t k = 0; k < ix->n_sections + ix->n_objects; k++)
			pc_strbuf_addf(&sb, " %llx", (unsigned long long)vm->vec[k]);
		pc_strbuf_addch(&sb, '\n');
	}
	return pc_strbuf_detach(&sb);
}

/* ---- one text, both ways ---- */

struct tally {
	size_t streamed;  /* the stream reader read it, and agreed */
	size_t refused;   /* both refused it, with one message */
	size_t tree_only; /* the stream reader declined, the tree read it */
	size_t skipped;   /* "recorded_by" mutated away */
};

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(fwrite(text, 1, len, f) == len);
	CU_ASSERT_FATAL(fclose(f) == 0);
}

/* 'text' with the value of "recorded_by" a number of the same length:
 * NULL when there is no such string. */
static char *tree_only(const char *text, size_t len)
{
	const char *key = "\"recorded_by\": \"";
	const char *p = strstr(text, key), *q;
	char *t;

	if (!p || (q = strchr(p + strlen(key), '"')) == NULL ||
	    memchr(p, '\n', (size_t)(q - p)))
		return NULL;
	t = pc_xstrndup(text, len);
	p += strlen(key) - 1;
	memset(t + (p - text), ' ', (size_t)(q - p + 1));
	t[p - text] = '1';
	return t;
}

/* Read 'text' (as file 'path') both ways; they must agree. */
static void agree(const char *path, const char *text, size_t len,
		  struct tally *t)
{
	char *alt = tree_only(text, len);
	struct pc_bindex a, b;
	struct pc_bstream bs;
	struct pc_err ea = { 0 }, eb = { 0 };
	int ra, rb;
	bool streamed;

	if (!alt) {
		t->skipped++;
		return;
	}
	streamed = !pc_bstream_read(text, len, path, &bs);
	if (streamed)
		pc_bstream_release(&bs);
	write_text(path, text, len);
	ra = pc_bindex_load(path, &a, &ea);
	write_text(path, alt, len);
	rb = pc_bindex_load(path, &b, &eb);
	PCT_ASSERT_INT_EQ(ra, rb);
	if (ra || rb) {
		PCT_ASSERT_STR_EQ(ea.msg, eb.msg);
		t->refused += ra && rb;
	} else {
		char *da = dump_index(&a), *db = dump_index(&b);

		PCT_ASSERT_STR_EQ(da, db);
		free(da);
		free(db);
		t->streamed += streamed;
		t->tree_only += !streamed;
	}
	if (!ra)
		pc_bindex_release(&a);
	if (!rb)
		pc_bindex_release(&b);
	free(alt);
}

static char *read_shipped(const char *rel, size_t *len)
{
	struct pc_err e = { 0 };
	char *text = NULL;

	CU_ASSERT_FATAL(pc_read_file(pct_path(rel), 1u << 26, &text, len, &e) == 0);
	return text;
}

/* The shipped baselines are read by the stream reader, as the tree reads them. */
PCT_TEST("bstream", shipped_baselines_stream_and_agree)
{
	static const char *const rel[] = { "5.1", "5.2", "7.2", "8.0", "8.0.1",
					   "8.2", "11.0" };
	char *dir = pct_tmpdir("bstream-shipped");
	struct tally t = { 0 };

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *r = pc_xasprintf("abi/releases/%s.json", rel[i]);
		char *path = pc_xasprintf("%s/%s.json", dir, rel[i]);
		size_t len;
		char *text = read_shipped(r, &len);

		agree(path, text, len, &t);
		free(text);
		free(path);
		free(r);
	}
	PCT_ASSERT_INT_EQ(t.streamed, 7);
	free(dir);
}

/* ---- mutants ---- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static size_t rnd(size_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (size_t)((rng_state >> 33) % n);
}

/* The offsets of the lines of 'text' (n of them, the last ending it). */
static size_t *lines_of(const char *text, size_t len, size_t *n)
{
	size_t *at = pc_xcalloc(len + 2, sizeof(*at));

	*n = 0;
	at[(*n)++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && i + 1 < len)
			at[(*n)++] = i + 1;
	at[*n] = len;
	return at;
}

/* One edit of text[from..len): a line dropped, doubled or swapped with
 * the next, a byte dropped, added or changed, a key renamed. */
static void mutate(struct pc_strbuf *out, const char *text, size_t len,
		   size_t from)
{
	static const char chars[] = " 019:\",[]{}x-.\n";
	static const char *const keys[] = {
		"\"vector\"", "\"delta\"", "\"base\"", "\"smp\"", "\"max_cpus\"",
		"\"machine\"", "\"name\"", "\"compat\"", "\"aliases\"",
		"\"objects\"", "\"sections\"", "\"values\"", "\"entries\"",
		"\"version\"", "\"family\"", "\"vms\"",
	};
	size_t nl, *ln = lines_of(text, len, &nl), op = rnd(8), p;
	size_t first = 0, l;

	while (first < nl && ln[first] < from)
		first++;
	l = first + rnd(nl - first - 1);
	p = from + rnd(len - from);
	pc_strbuf_reset(out);
	switch (op) {
	case 0: /* drop line l */
	case 1: /* double it */
		pc_strbuf_add(out, text, ln[l + 1]);
		if (op == 1)
			pc_strbuf_add(out, text + ln[l], ln[l + 1] - ln[l]);
		pc_strbuf_add(out, text + ln[l + 1], len - ln[l + 1]);
		if (op == 0) {
			pc_strbuf_reset(out);
			pc_strbuf_add(out, text, ln[l]);
			pc_strbuf_add(out, text + ln[l + 1], len - ln[l + 1]);
		}
		break;
	case 2: /* swap lines l and l + 1 */
		pc_strbuf_add(out, text, ln[l]);
		if (l + 2 <= nl) {
			pc_strbuf_add(out, text + ln[l + 1], ln[l + 2] - ln[l + 1]);
			pc_strbuf_add(out, text + ln[l], ln[l + 1] - ln[l]);
			pc_strbuf_add(out, text + ln[l + 2], len - ln[l + 2]);
		} else {
			pc_strbuf_add(out, text + ln[l], len - ln[l]);
		}
		break;
	case 3: /* drop a byte */
		pc_strbuf_add(out, text, p);
		pc_strbuf_add(out, text + p + 1, len - p - 1);
		break;
	case 4: /* add one */
	case 5: /* change one (a digit to a digit, mostly) */
		pc_strbuf_add(out, text, p);
		if (op == 5 && text[p] >= '0' && text[p] <= '9' && rnd(4))
			pc_strbuf_addch(out, (char)('0' + rnd(10)));
		else
			pc_strbuf_addch(out, chars[rnd(sizeof(chars) - 1)]);
		pc_strbuf_add(out, text + p + (op == 5), len - p - (op == 5));
		break;
	default: { /* a key renamed */
		const char *k = keys[rnd(PC_ARRAY_SIZE(keys))];
		const char *to = keys[rnd(PC_ARRAY_SIZE(keys))];
		const char *at = strstr(text + p, k);

		if (!at)
			at = strstr(text + from, k);
		if (!at) {
			pc_strbuf_add(out, text, len);
			break;
		}
		pc_strbuf_add(out, text, (size_t)(at - text));
		pc_strbuf_addstr(out, to);
		pc_strbuf_addstr(out, at + strlen(k));
		break;
	}
	}
	free(ln);
}

/*
 * Mutants of the shipped baselines (edits below their "recorded_by"
 * line): the stream reader reads some, the tree reader alone others, both
 * refuse the rest, and the two readings agree on each.
 */
PCT_TEST("bstream", mutants_agree)
{
	static const char *const rel[] = { "5.1", "5.2", "8.0" };
	char *dir = pct_tmpdir("bstream-mutants");
	char *path = pc_xasprintf("%s/9.0.json", dir);
	struct pc_strbuf m = PC_STRBUF_INIT;
	struct tally t = { 0 };

	for (size_t i = 0; i < PC_ARRAY_SIZE(rel); i++) {
		char *r = pc_xasprintf("abi/releases/%s.json", rel[i]);
		size_t len;
		char *text = read_shipped(r, &len);
		const char *by = strstr(text, "\"recorded_by\"");
		size_t from = (size_t)(strchr(by, '\n') + 1 - text);

		for (int k = 0; k < 300; k++) {
			mutate(&m, text, len, from);
			agree(path, m.buf, m.len, &t);
		}
		free(text);
		free(r);
	}
	fprintf(stderr, "\n  mutants: %zu streamed, %zu tree only, %zu refused, %zu skipped\n",
		t.streamed, t.tree_only, t.refused, t.skipped);
	/* each outcome is met often enough to be tested */
	CU_ASSERT(t.streamed >= 50);
	CU_ASSERT(t.refused >= 300);
	PCT_ASSERT_INT_EQ(t.skipped, 0);
	pc_strbuf_release(&m);
	free(path);
	free(dir);
}

/*
 * Readings the writer never makes but the format allows: keys in another
 * order and no whitespace (read alike by both), an optional compat entry,
 * a delta before its base (the tree's alone); and near misses only the
 * tree words (a fifth element other than "optional", a repeated key, an
 * alias as a VM's machine type, a machine type named as another's alias).
 */
PCT_TEST("bstream", other_orders_and_near_misses)
{
	char *dir = pct_tmpdir("bstream-orders");
	char *path = pc_xasprintf("%s/9.0.json", dir);
	size_t len;
	char *text = read_shipped("abi/releases/5.1.json", &len);
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	struct tally t = { 0 };
	char *sorted;
	static const char *const edits[][2] = {
		{ "\"./machines/compat/hw_compat_5_0.compat:10\"",
		  "\"./machines/compat/hw_compat_5_0.compat:10\", \"optional\"" },
		{ "\"./machines/compat/hw_compat_5_0.compat:10\"",
		  "\"./machines/compat/hw_compat_5_0.compat:10\", \"maybe\"" },
		{ "\"base\": 0,\n    \"delta\": []", "\"delta\": [\"0:1\"], \"base\": 0" },
		{ "\"base\": 0,", "\"base\": 0, \"base\": 0," },
		{ "\"machine\": \"pc-q35-5.1\"", "\"machine\": \"pc-5.1\"" },
		{ "\"pc-i440fx-5.0\",\n   \"family\"", "\"pc-5.1\",\n   \"family\"" },
	};

	CU_ASSERT_FATAL(root != NULL);
	sorted = json_dumps(root, JSON_SORT_KEYS); /* one line */
	CU_ASSERT_FATAL(sorted != NULL);
	agree(path, sorted, strlen(sorted), &t);
	PCT_ASSERT_INT_EQ(t.streamed, 1);
	for (size_t i = 0; i < PC_ARRAY_SIZE(edits); i++) {
		const char *at = strstr(text, edits[i][0]);
		struct pc_strbuf sb = PC_STRBUF_INIT;

		CU_ASSERT_FATAL(at != NULL);
		pc_strbuf_add(&sb, text, (size_t)(at - text));
		pc_strbuf_addstr(&sb, edits[i][1]);
		pc_strbuf_addstr(&sb, at + strlen(edits[i][0]));
		agree(path, sb.buf, sb.len, &t);
		pc_strbuf_release(&sb);
	}
	/* the optional entry streamed, the delta before its base read by the
	 * tree alone, the rest refused */
	PCT_ASSERT_INT_EQ(t.streamed, 2);
	PCT_ASSERT_INT_EQ(t.tree_only, 1);
	PCT_ASSERT_INT_EQ(t.refused, 4);
	free(sorted);
	json_decref(root);
	free(text);
	free(path);
	free(dir);
}

/* ---- the declarations file ---- */

/* A registry as text: its plugins and their declarations. */
static char *dump_registry(const struct pc_registry *reg)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_strbuf_addf(&sb, "plugins %zu types %zu vmsds %zu\n", reg->n_plugins,
		       reg->n_types, reg->n_vmsds);
	for (size_t i = 0; i < reg->n_plugins; i++) {
		const struct pc_plugin *p = reg->plugins[i];

		pc_strbuf_addf(&sb, "%s %s %u %zu\n", p->name, p->version,
			       p->abi_version, p->decl_len);
		pc_strbuf_add(&sb, p->decl, p->decl_len);
	}
	return pc_strbuf_detach(&sb);
}

/* 'msg' with the declarations file's name 'name' made "DECL". */
static char *unnamed(const char *msg, const char *name)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	const char *p = msg, *at;

	while ((at = strstr(p, name)) != NULL) {
		pc_strbuf_add(&sb, p, (size_t)(at - p));
		pc_strbuf_addstr(&sb, "DECL");
		p = at + strlen(name);
	}
	pc_strbuf_addstr(&sb, p);
	return pc_strbuf_detach(&sb);
}

/* The baseline 'base' naming declarations 'decl', both in 'dir', read:
 * the side's registry, or the error, as text. */
static char *read_with_decls(const char *dir, const char *base,
			     const char *decl, size_t len, int *rc)
{
	char *name = pc_baseline_decl_name(decl, len);
	char *dpath = pc_xasprintf("%s/%s", dir, name);
	char *bpath = pc_xasprintf("%s/9.0.json", dir);
	const char *ref = strstr(base, "declarations/");
	struct pc_strbuf b = PC_STRBUF_INIT;
	struct pc_side side;
	struct pc_err e = { 0 };
	char *out;

	CU_ASSERT_FATAL(ref != NULL);
	pc_strbuf_add(&b, base, (size_t)(ref - base));
	pc_strbuf_addstr(&b, name);
	pc_strbuf_addstr(&b, ref + strlen(name));
	write_text(bpath, b.buf, b.len);
	write_text(dpath, decl, len);
	*rc = pc_baseline_load(bpath, &side, &e);
	if (*rc) {
		out = unnamed(e.msg, name);
	} else {
		out = dump_registry(side.reg);
		pc_side_release(&side);
	}
	unlink(dpath);
	pc_strbuf_release(&b);
	free(bpath);
	free(dpath);
	free(name);
	return out;
}

/*
 * Mutants of the shipped declarations file (edits below its "plugins"
 * line), each read as it is and with its "format" written with a \u
 * escape (the stream reader declines it, the tree reads it alike): the
 * same registry, or the same message.
 */
PCT_TEST("bstream", declarations_mutants_agree)
{
	char *dir = pct_tmpdir("bstream-decls");
	char *ddir = pc_xasprintf("%s/declarations", dir);
	size_t blen, len;
	char *base = read_shipped("abi/releases/5.1.json", &blen);
	const char *ref = strstr(base, "declarations/");
	char *rel = pc_xstrndup(ref, strcspn(ref, "\""));
	char *shipped = pc_xasprintf("abi/releases/%s", rel);
	char *text = read_shipped(shipped, &len);
	const char *fmt = "\"plugcheck-declarations\"";
	size_t from = (size_t)(strstr(text, "\"plugins\"") - text);
	struct pc_strbuf m = PC_STRBUF_INIT, alt = PC_STRBUF_INIT;
	size_t both = 0, refused = 0;

	CU_ASSERT_FATAL(mkdir(ddir, 0755) == 0);
	CU_ASSERT_FATAL(strstr(text, fmt) != NULL);
	for (int k = 0; k < 200; k++) {
		const char *at;
		int ra, rb;
		char *a, *b;
		struct pc_dstream ds;

		if (k)
			mutate(&m, text, len, from);
		else
			pc_strbuf_add(&m, text, len);
		at = strstr(m.buf, fmt);
		pc_strbuf_reset(&alt);
		pc_strbuf_add(&alt, m.buf, (size_t)(at - m.buf));
		pc_strbuf_addstr(&alt, "\"plugcheck\\u002ddeclarations\"");
		pc_strbuf_addstr(&alt, at + strlen(fmt));
		a = read_with_decls(dir, base, m.buf, m.len, &ra);
		b = read_with_decls(dir, base, alt.buf, alt.len, &rb);
		PCT_ASSERT_INT_EQ(ra, rb);
		PCT_ASSERT_STR_EQ(a, b);
		if (!pc_dstream_read(m.buf, m.len, &ds)) {
			pc_dstream_release(&ds);
			both += !ra;
		}
		refused += ra && rb;
		/* the shipped file itself: read by the stream reader */
		if (!k)
			PCT_ASSERT_INT_EQ(both, 1);
		free(a);
		free(b);
	}
	fprintf(stderr, "\n  declarations mutants: %zu streamed, %zu refused\n",
		both, refused);
	CU_ASSERT(both >= 20);
	CU_ASSERT(refused >= 50);
	pc_strbuf_release(&m);
	pc_strbuf_release(&alt);
	free(text);
	free(shipped);
	free(rel);
	free(base);
	free(ddir);
	free(dir);
}
