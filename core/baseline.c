/*
 * baseline.c - writing and reading release baselines (baseline.h,
 * Documentation/baselines.md).  jansson does the JSON; every value read is
 * checked for its type and bounds, and errors carry its JSON path.
 */
#include "baseline.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bstream.h"
#include "loader.h"
#include "report-json.h"

#include "banned.h"

#define BASELINE_FORMAT "plugcheck-baseline"
#define BASELINE_FORMAT_VERSION 2
#define BASELINE_MAX (64u << 20)
#define DECL_FORMAT "plugcheck-declarations"
#define DECL_FORMAT_VERSION 1
#define DECL_DIR "declarations"
#define DECL_SEED 0x6a09e667f3bcc908ULL

static int load_plugins(json_t *root, const char *path,
			struct pc_registry **regp, struct pc_err *err);
static int load_machines(json_t *root, const char *path,
			 struct pc_machine_set *set, struct pc_err *err);
static int load_index(json_t *root, const char *path,
		      const struct pc_machine_set *machines,
		      struct pc_bindex *ix, struct pc_err *err);

static json_t *decl_lines(const char *decl)
{
	json_t *a = json_array();
	const char *p = decl;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		json_array_append_new(a, json_stringn(p, n));
		p = eol ? eol + 1 : NULL;
	}
	return a;
}

static int cmp_plugin(const void *a, const void *b)
{
	const struct pc_plugin *x = *(const struct pc_plugin *const *)a;
	const struct pc_plugin *y = *(const struct pc_plugin *const *)b;

	return strcmp(x->name, y->name);
}

char *pc_baseline_decl_name(const char *text, size_t len)
{
	return pc_xasprintf(DECL_DIR "/%016llx.json",
			    (unsigned long long)pc_hash64(text, len, DECL_SEED));
}

static char *dump_json(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	char *t;

	if (!text)
		return NULL;
	t = pc_xasprintf("%s\n", text);
	free(text);
	return t;
}

static char *render_decls(const struct pc_side *tree)
{
	json_t *root = json_object(), *plugins = json_array();
	const struct pc_plugin **ps;
	char *text;

	json_object_set_new(root, "format", json_string(DECL_FORMAT));
	json_object_set_new(root, "format_version",
			    json_integer(DECL_FORMAT_VERSION));
	ps = pc_xcalloc(tree->reg->n_plugins + 1, sizeof(*ps));
	for (size_t i = 0; i < tree->reg->n_plugins; i++)
		ps[i] = tree->reg->plugins[i];
	qsort(ps, tree->reg->n_plugins, sizeof(*ps), cmp_plugin);
	for (size_t i = 0; i < tree->reg->n_plugins; i++) {
		json_t *p = json_object();
		size_t n;
		/* without source positions: a declaration moved in its C
		 * file is the same declaration */
		char *decl = pc_decl_strip_markers(ps[i]->decl,
						   ps[i]->decl_len, &n);

		json_object_set_new(p, "name", json_string(ps[i]->name));
		json_object_set_new(p, "version", json_string(ps[i]->version));
		json_object_set_new(p, "declaration", decl_lines(decl));
		free(decl);
		json_array_append_new(plugins, p);
	}
	free(ps);
	json_object_set_new(root, "plugins", plugins);
	text = dump_json(root);
	json_decref(root);
	return text;
}

static json_t *entry_json(const struct pc_compat_entry *e)
{
	json_t *je = json_array();

	json_array_append_new(je, json_string(e->driver));
	json_array_append_new(je, json_string(e->prop));
	json_array_append_new(je, json_string(e->value));
	json_array_append_new(je, json_string(e->origin));
	if (e->optional)
		json_array_append_new(je, json_string("optional"));
	return je;
}

/*
 * The machine types the release knows and their compat chains.  A chain
 * is a sequence of compat arrays (QEMU's hw_compat_X_Y and the family's
 * defaults); each array is recorded once, under "compat", with the entries
 * the release had shipped, and each machine type names its arrays in
 * chain order, as its descriptor does.
 */
static int render_machines(const struct pc_side *tree,
			   const struct pc_version *r, json_t *root,
			   struct pc_err *err)
{
	json_t *machines = json_array(), *arrays = json_array();
	const struct pc_machine **ms;
	size_t nm = 0;
	int rc = 0;

	ms = pc_xcalloc(tree->machines->n_machines + 1, sizeof(*ms));
	for (size_t i = 0; i < tree->machines->n_machines; i++)
		if (pc_machine_known_in(tree->machines->machines[i], r))
			ms[nm++] = tree->machines->machines[i];
	qsort(ms, nm, sizeof(*ms), pc_machine_cmp_newest_first);
	for (size_t i = 0; i < nm && !rc; i++) {
		const struct pc_machine *m = ms[i];
		json_t *o = json_object(), *al = json_array(), *ch = json_array();
		char v[32];
		size_t k = 0;

		json_object_set_new(o, "name", json_string(m->name));
		json_object_set_new(o, "family", json_string(m->family));
		pc_version_str(&m->version, v, sizeof(v));
		json_object_set_new(o, "version", json_string(v));
		for (size_t a = 0; a < m->n_aliases; a++)
			json_array_append_new(al, json_string(m->aliases[a]));
		json_object_set_new(o, "aliases", al);
		json_object_set_new(o, "smp", json_integer(m->smp));
		json_object_set_new(o, "max_cpus", json_integer(m->max_cpus));
		while (k < m->n_chain && !rc) {
			const char *an = m->chain[k]->array ? m->chain[k]->array : "";
			json_t *ents = json_array(), *prev = NULL, *e;
			size_t q;

			for (; k < m->n_chain &&
			       !strcmp(m->chain[k]->array ? m->chain[k]->array : "", an); k++)
				if (pc_compat_entry_in_release(m->chain[k], r))
					json_array_append_new(ents, entry_json(m->chain[k]));
			json_array_foreach(arrays, q, e)
				if (!strcmp(json_string_value(json_object_get(e, "name")), an))
					prev = json_object_get(e, "entries");
			if (!json_array_size(ents)) {
				json_decref(ents);
				continue;
			}
			if (prev && !json_equal(prev, ents)) {
				rc = pc_err_set(err, "machine type %s: compat array '%s' differs from the one another machine type has",
						m->name, an);
			} else if (!prev) {
				json_t *a = json_object();

				json_object_set_new(a, "name", json_string(an));
				json_object_set_new(a, "entries", json_incref(ents));
				json_array_append_new(arrays, a);
			}
			json_decref(ents);
			json_array_append_new(ch, json_string(an));
		}
		json_object_set_new(o, "compat", ch);
		json_array_append_new(machines, o);
	}
	free(ms);
	json_object_set_new(root, "machines", machines);
	json_object_set_new(root, "compat", arrays);
	return rc;
}

/* ---- the resolved index ---- */

struct value_table {
	uint64_t *v;      /* distinct values, in order of first use */
	size_t n, alloc;
	size_t *slot;     /* open addressing: index + 1, 0 = empty */
	size_t nslots;
};

static size_t value_index(struct value_table *t, uint64_t v)
{
	size_t h;

	if (2 * (t->n + 1) > t->nslots) {
		size_t ns = t->nslots ? 2 * t->nslots : 1024;

		free(t->slot);
		t->slot = pc_xcalloc(ns, sizeof(*t->slot));
		t->nslots = ns;
		for (size_t i = 0; i < t->n; i++) {
			h = (size_t)(t->v[i] * 0x9e3779b97f4a7c15ULL) & (ns - 1);
			while (t->slot[h])
				h = (h + 1) & (ns - 1);
			t->slot[h] = i + 1;
		}
	}
	h = (size_t)(v * 0x9e3779b97f4a7c15ULL) & (t->nslots - 1);
	while (t->slot[h]) {
		if (t->v[t->slot[h] - 1] == v)
			return t->slot[h] - 1;
		h = (h + 1) & (t->nslots - 1);
	}
	PC_ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n] = v;
	t->slot[h] = ++t->n;
	return t->n - 1;
}

/* A packed list: words in strings of up to 32 words each (JSON arrays of
 * numbers would cost the reader one node per number). */
struct packer {
	json_t *arr;
	struct pc_strbuf line;
	size_t n;
};

static void pack_word(struct packer *p, const char *w)
{
	if (p->n && p->n % 32 == 0) {
		json_array_append_new(p->arr, json_stringn(p->line.buf, p->line.len));
		pc_strbuf_reset(&p->line);
	}
	if (p->line.len)
		pc_strbuf_addch(&p->line, ' ');
	pc_strbuf_addstr(&p->line, w);
	p->n++;
}

static json_t *pack_end(struct packer *p)
{
	if (p->line.len)
		json_array_append_new(p->arr, json_stringn(p->line.buf, p->line.len));
	pc_strbuf_release(&p->line);
	return p->arr;
}

/*
 * Resolve every (machine type, vCPU count) of the recorded side and add
 * "resolved": the configuration's objects and sections, the distinct
 * section fingerprints and property digests, and per VM a vector of
 * indexes into them -- stored whole, or as the differences from an
 * earlier VM's vector when that is shorter.
 */
/* The "resolved" object being built: its arrays and the VM vectors so far. */
struct index_builder {
	struct value_table vt;
	json_t *objs, *secs, *vals, *vms;
	size_t **vecs, nvecs;
	size_t len, n_objs, n_secs;	/* a vector: sections, then objects */
};

/*
 * The first VM fixes the objects and sections every vector indexes; the
 * others must have the same configuration (every device type of the
 * release, whatever the machine type).
 */
static int ib_shape(struct index_builder *ib, const struct pc_vm *vm,
		    const char *name, const char *first, struct pc_err *err)
{
	bool same;

	if (!ib->nvecs) {
		ib->n_objs = vm->n_objs;
		ib->n_secs = vm->n_sections;
		ib->len = ib->n_secs + ib->n_objs;
		for (size_t q = 0; q < ib->n_objs; q++)
			json_array_append_new(ib->objs, json_string(vm->objs[q].id));
		for (size_t q = 0; q < ib->n_secs; q++) {
			json_t *e = json_array();

			json_array_append_new(e, json_integer((json_int_t)
				(vm->sections[q].obj - vm->objs)));
			json_array_append_new(e, json_string(vm->sections[q].name));
			json_array_append_new(ib->secs, e);
		}
		return 0;
	}
	same = vm->n_objs == ib->n_objs && vm->n_sections == ib->n_secs;
	for (size_t q = 0; same && q < ib->n_objs; q++)
		same = !strcmp(vm->objs[q].id,
			       json_string_value(json_array_get(ib->objs, q)));
	if (!same)
		return pc_err_set(err, "machine type %s: the VM configuration differs from %s's",
				  name, first);
	return 0;
}

/* A VM's vector: the value index of each section fingerprint and object digest. */
static size_t *ib_vector(struct index_builder *ib, const struct pc_vm *vm)
{
	size_t *vec;

	/* ib_shape() fixed the shape and checked this VM has it */
	assert(ib->len == ib->n_secs + ib->n_objs &&
	       vm->n_sections == ib->n_secs && vm->n_objs == ib->n_objs);
	vec = pc_xcalloc(ib->len + 1, sizeof(*vec));

	for (size_t q = 0; q < ib->n_secs; q++)
		vec[q] = value_index(&ib->vt, vm->sections[q].fingerprint);
	for (size_t q = 0; q < ib->n_objs; q++)
		vec[ib->n_secs + q] = value_index(&ib->vt,
						  pc_object_digest(&vm->objs[q]));
	return vec;
}

/* The earlier vector closest to 'vec' (SIZE_MAX if none), its distance in *dist. */
static size_t ib_nearest(const struct index_builder *ib, const size_t *vec,
			 size_t *dist)
{
	size_t best = SIZE_MAX;

	*dist = SIZE_MAX;
	for (size_t b = 0; b < ib->nvecs; b++) {
		size_t d = 0;

		for (size_t q = 0; q < ib->len && d < *dist; q++)
			d += ib->vecs[b][q] != vec[q];
		if (d < *dist) {
			*dist = d;
			best = b;
		}
	}
	return best;
}

/* Record 'vec' (taking it) in the index: whole, or as a delta when that is shorter. */
static void ib_add_vector(struct index_builder *ib, const char *machine,
			  int smp, size_t *vec)
{
	struct packer pk = { json_array(), PC_STRBUF_INIT, 0 };
	json_t *o = json_object();
	size_t dist, best = ib_nearest(ib, vec, &dist);

	json_object_set_new(o, "machine", json_string(machine));
	json_object_set_new(o, "smp", json_integer(smp));
	if (best != SIZE_MAX && 2 * dist < ib->len) {
		json_object_set_new(o, "base", json_integer((json_int_t)best));
		for (size_t q = 0; q < ib->len; q++)
			if (ib->vecs[best][q] != vec[q]) {
				char w[48];

				snprintf(w, sizeof(w), "%zu:%zu", q, vec[q]);
				pack_word(&pk, w);
			}
		json_object_set_new(o, "delta", pack_end(&pk));
	} else {
		for (size_t q = 0; q < ib->len; q++) {
			char w[24];

			snprintf(w, sizeof(w), "%zu", vec[q]);
			pack_word(&pk, w);
		}
		json_object_set_new(o, "vector", pack_end(&pk));
	}
	json_array_append_new(ib->vms, o);
	ib->vecs = pc_xrealloc(ib->vecs, (ib->nvecs + 1) * sizeof(*ib->vecs));
	ib->vecs[ib->nvecs++] = vec;
}

/* Resolve one (machine type, vCPU count) and add its vector. */
static int ib_add_vm(struct index_builder *ib, const struct pc_side *rec,
		     const struct pc_machine *m, int smp, const char *first,
		     struct pc_err *err)
{
	struct pc_vm vm;
	int rc;

	if (pc_vm_build(rec, m, smp, &vm, err))
		return -1;
	rc = pc_vm_resolve(&vm, err);
	if (!rc)
		rc = ib_shape(ib, &vm, m->name, first, err);
	if (!rc)
		ib_add_vector(ib, m->name, smp, ib_vector(ib, &vm));
	pc_vm_release(&vm);
	return rc;
}

/* The distinct values, as 16-digit hex words. */
static void ib_pack_values(struct index_builder *ib)
{
	struct packer pk = { ib->vals, PC_STRBUF_INIT, 0 };

	for (size_t i = 0; i < ib->vt.n; i++) {
		char h[20];

		snprintf(h, sizeof(h), "%016llx", (unsigned long long)ib->vt.v[i]);
		pack_word(&pk, h);
	}
	pack_end(&pk);
}

static void ib_release(struct index_builder *ib)
{
	json_decref(ib->objs);
	json_decref(ib->secs);
	json_decref(ib->vals);
	json_decref(ib->vms);
	for (size_t i = 0; i < ib->nvecs; i++)
		free(ib->vecs[i]);
	free(ib->vecs);
	free(ib->vt.v);
	free(ib->vt.slot);
}

static int render_index(json_t *root, const struct pc_side *rec,
			struct pc_err *err)
{
	struct index_builder ib = { 0 };
	json_t *ix;
	const struct pc_machine **ms;
	size_t nm = 0;
	int rc = -1;

	ib.objs = json_array();
	ib.secs = json_array();
	ib.vals = json_array();
	ib.vms = json_array();
	ms = pc_xcalloc(rec->machines->n_machines + 1, sizeof(*ms));
	for (size_t i = 0; i < rec->machines->n_machines; i++)
		ms[nm++] = rec->machines->machines[i];
	qsort(ms, nm, sizeof(*ms), pc_machine_cmp_newest_first);
	for (size_t i = 0; i < nm; i++) {
		int smps[8];
		size_t ns = pc_machine_smp_set(ms[i], smps, PC_ARRAY_SIZE(smps));

		pc_progress("resolving machine types", i, nm);
		for (size_t k = 0; k < ns; k++)
			if (ib_add_vm(&ib, rec, ms[i], smps[k], ms[0]->name, err))
				goto out;
	}
	pc_progress("resolving machine types", nm, nm);
	ib_pack_values(&ib);
	ix = json_object();
	json_object_set_new(ix, "objects", ib.objs);
	json_object_set_new(ix, "sections", ib.secs);
	json_object_set_new(ix, "values", ib.vals);
	json_object_set_new(ix, "vms", ib.vms);
	ib.objs = ib.secs = ib.vals = ib.vms = NULL;
	json_object_set_new(root, "resolved", ix);
	rc = 0;
out:
	ib_release(&ib);
	free(ms);
	return rc;
}

static int side_from_json(json_t *root, const char *path, json_t *droot,
			  const char *dpath, struct pc_side *side,
			  struct pc_err *err);

void pc_baseline_files_release(struct pc_baseline_files *f)
{
	free(f->text);
	free(f->decl_name);
	free(f->decl_text);
	memset(f, 0, sizeof(*f));
}

int pc_baseline_render(const struct pc_side *tree, const char *release,
		       const char *path, struct pc_baseline_files *out,
		       struct pc_err *err)
{
	struct pc_version r;
	json_t *root = NULL, *droot = NULL;
	json_error_t je;
	struct pc_side rec;
	char *dpath = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&rec, 0, sizeof(rec));
	if (pc_version_parse(release, &r))
		return pc_err_set(err, "bad release '%s' (expected a version such as 8.0.1)",
				  release);
	out->decl_text = render_decls(tree);
	if (!out->decl_text) {
		pc_err_setc(err, PC_E_INTERNAL, "cannot render the declarations");
		goto out;
	}
	out->decl_name = pc_baseline_decl_name(out->decl_text, strlen(out->decl_text));
	root = json_object();
	json_object_set_new(root, "format", json_string(BASELINE_FORMAT));
	json_object_set_new(root, "format_version",
			    json_integer(BASELINE_FORMAT_VERSION));
	json_object_set_new(root, "release", json_string(release));
	json_object_set_new(root, "recorded_by",
			    json_string("plugcheck " PC_VERSION));
	json_object_set_new(root, "declarations", json_string(out->decl_name));
	if (render_machines(tree, &r, root, err))
		goto out;
	/* the index is what a reader resolves from the recorded text, so
	 * resolve exactly that: the declarations as written, the machine
	 * types as recorded */
	droot = json_loads(out->decl_text, JSON_REJECT_DUPLICATES, &je);
	if (!droot) {
		pc_err_setc(err, PC_E_INTERNAL,
			    "cannot re-read the rendered declarations: %s", je.text);
		goto out;
	}
	dpath = pc_xasprintf("%s (%s)", path, out->decl_name);
	if (side_from_json(root, path, droot, dpath, &rec, err) ||
	    render_index(root, &rec, err))
		goto out;
	out->text = dump_json(root);
	if (!out->text) {
		pc_err_setc(err, PC_E_INTERNAL, "cannot render the baseline");
		goto out;
	}
	rc = 0;
out:
	pc_side_release(&rec);
	json_decref(root);
	json_decref(droot);
	free(dpath);
	if (rc)
		pc_baseline_files_release(out);
	return rc;
}

/* The directory part of 'path' ("." when none); caller frees. */
static char *dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		return pc_xstrdup(".");
	if (sl == path)
		return pc_xstrdup("/");
	return pc_xstrndup(path, (size_t)(sl - path));
}

char *pc_baseline_decl_path(const char *path, const char *decl_name)
{
	char *dir = dir_of(path);
	char *p = pc_xasprintf("%s/%s", dir, decl_name);

	free(dir);
	return p;
}

int pc_baseline_files_write(const char *path,
			    const struct pc_baseline_files *f,
			    struct pc_err *err)
{
	char *dpath, *ddir, *old = NULL;
	size_t olen = 0;
	struct pc_err e2 = { 0 };
	int r = -1;

	dpath = pc_baseline_decl_path(path, f->decl_name);
	ddir = dir_of(dpath);
	if (mkdir(ddir, 0777) && errno != EEXIST) {
		pc_err_setc(err, PC_E_IO, "%s: cannot create: %s", ddir,
			    strerror(errno));
		goto out;
	}
	/* content-addressed: a file of that name holds that content unless
	 * someone edited it, which rewriting repairs */
	if (pc_read_file(dpath, BASELINE_MAX, &old, &olen, &e2) ||
	    olen != strlen(f->decl_text) || memcmp(old, f->decl_text, olen)) {
		if (pc_write_file_atomic(dpath, f->decl_text,
					 strlen(f->decl_text), err))
			goto out;
	}
	r = pc_write_file_atomic(path, f->text, strlen(f->text), err);
out:
	free(old);
	free(dpath);
	free(ddir);
	return r;
}

int pc_baseline_write(const struct pc_side *tree, const char *release,
		      const char *path, struct pc_err *err)
{
	struct pc_baseline_files f;
	int r;

	if (pc_baseline_render(tree, release, path, &f, err))
		return -1;
	r = pc_baseline_files_write(path, &f, err);
	pc_baseline_files_release(&f);
	return r;
}

/* ------------------------------------------------------------ reading */

static int bad(struct pc_err *err, const char *path, const char *jpath,
	       const char *what)
{
	return pc_err_set(err, "%s: %s: %s", path, jpath, what);
}

static const char *get_str(json_t *o, const char *key, const char *path,
			   const char *jpath, struct pc_err *err)
{
	json_t *v = json_object_get(o, key);
	char jp[256];

	snprintf(jp, sizeof(jp), "%s.%s", jpath, key);
	if (!v) {
		bad(err, path, jp, "missing key");
		return NULL;
	}
	if (!json_is_string(v)) {
		bad(err, path, jp, "expected a string");
		return NULL;
	}
	return json_string_value(v);
}

static int get_int(json_t *o, const char *key, long long lo, long long hi,
		   long long *out, const char *path, const char *jpath,
		   struct pc_err *err)
{
	json_t *v = json_object_get(o, key);
	char jp[256];

	snprintf(jp, sizeof(jp), "%s.%s", jpath, key);
	if (!v)
		return bad(err, path, jp, "missing key");
	if (!json_is_integer(v))
		return bad(err, path, jp, "expected an integer");
	*out = json_integer_value(v);
	if (*out < lo || *out > hi) {
		char m[128];

		snprintf(m, sizeof(m), "%lld out of range [%lld, %lld]", *out,
			 lo, hi);
		return bad(err, path, jp, m);
	}
	return 0;
}

/* Unknown keys are refused: a misspelt key would otherwise vanish. */
static int only_keys(json_t *o, const char *const *allowed, const char *path,
		     const char *jpath, struct pc_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		bool ok = false;

		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(key, allowed[i]);
		if (!ok) {
			char m[600];

			snprintf(m, sizeof(m), "unknown key '%.400s'", key);
			return bad(err, path, jpath, m);
		}
	}
	return 0;
}

static void free_plugins(struct pc_plugin **pls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pc_plugin_free(pls[i]);
	free(pls);
}

static int plugins_registry(struct pc_plugin **pls, size_t npls,
			    struct pc_registry **regp, struct pc_err *err);

/* Read the recorded plugins into a new registry (*regp, even on failure). */
static int load_plugins(json_t *root, const char *path,
			struct pc_registry **regp, struct pc_err *err)
{
	json_t *plugins = json_object_get(root, "plugins");
	size_t i;
	json_t *p;
	struct pc_plugin **pls;
	size_t npls = 0;

	if (!json_is_array(plugins))
		return bad(err, path, "$.plugins", plugins ? "expected an array"
							  : "missing key");
	if (json_array_size(plugins) == 0)
		return bad(err, path, "$.plugins", "no plugins recorded");
	pls = pc_xcalloc(json_array_size(plugins), sizeof(*pls));
	json_array_foreach(plugins, i, p) {
		char jp[64];
		const char *name, *version;
		json_t *decl, *line;
		struct pc_strbuf sb = PC_STRBUF_INIT;
		struct pc_plugin *pl;
		size_t k;
		char *where;

		snprintf(jp, sizeof(jp), "$.plugins[%zu]", i);
		if (!json_is_object(p))
			{ free_plugins(pls, npls); return bad(err, path, jp, "expected an object"); }
		{
			static const char *const keys[] = { "name", "version",
							    "declaration", NULL };

			if (only_keys(p, keys, path, jp, err)) {
				free_plugins(pls, npls);
				return -1;
			}
		}
		name = get_str(p, "name", path, jp, err);
		version = name ? get_str(p, "version", path, jp, err) : NULL;
		if (!version) {
			free_plugins(pls, npls);
			return -1;
		}
		decl = json_object_get(p, "declaration");
		if (!json_is_array(decl)) {
			char jp2[160];

			snprintf(jp2, sizeof(jp2), "%s.declaration", jp);
			free_plugins(pls, npls);
			return bad(err, path, jp2, decl ? "expected an array of lines"
							: "missing key");
		}
		json_array_foreach(decl, k, line) {
			if (!json_is_string(line)) {
				char jp2[160];

				snprintf(jp2, sizeof(jp2), "%s.declaration[%zu]", jp, k);
				pc_strbuf_release(&sb);
				free_plugins(pls, npls);
				return bad(err, path, jp2, "expected a string");
			}
			pc_strbuf_add(&sb, json_string_value(line),
				      json_string_length(line));
			pc_strbuf_addch(&sb, '\n');
			if (sb.len > (1u << 20)) {
				pc_strbuf_release(&sb);
				free_plugins(pls, npls);
				return bad(err, path, jp, "declaration too large (over 1 MiB)");
			}
		}
		pl = pc_xcalloc(1, sizeof(*pl));
		pl->name = pc_xstrdup(name);
		pl->version = pc_xstrdup(version);
		pl->abi_version = 0;
		where = pc_xasprintf("%s (plugin %s)", path, name);
		pl->path = where;
		pl->decl_len = sb.len;
		pl->decl = pc_strbuf_detach(&sb);
		pls[npls++] = pl;
	}
	return plugins_registry(pls, npls, regp, err);
}

/* A new registry (*regp, even on failure) of recorded plugins 'pls'
 * (consumed). */
static int plugins_registry(struct pc_plugin **pls, size_t npls,
			    struct pc_registry **regp, struct pc_err *err)
{
	struct pc_registry *reg;
	size_t i;

	reg = pc_registry_new();
	*regp = reg;
	for (i = 0; i < npls; i++) {
		/* the registry owns each plugin from here, even on failure */
		struct pc_plugin *pl = pls[i];

		pls[i] = NULL;
		if (pc_registry_add_plugin(reg, pl, pl->path, err)) {
			free_plugins(pls, npls);
			return -1;
		}
	}
	free(pls);
	return pc_registry_finalize(reg, err);
}

/* $.compat: the compat arrays, each once */
static int load_arrays(json_t *root, const char *path,
		       struct pc_machine_set *set, struct pc_err *err)
{
	json_t *arrays = json_object_get(root, "compat"), *a, *e;
	size_t i, k;

	if (!json_is_array(arrays))
		return bad(err, path, "$.compat",
			   arrays ? "expected an array" : "missing key");
	json_array_foreach(arrays, i, a) {
		static const char *const keys[] = { "name", "entries", NULL };
		struct pc_compat_array *ca;
		const char *name;
		json_t *ents;
		char jp[64];

		snprintf(jp, sizeof(jp), "$.compat[%zu]", i);
		if (!json_is_object(a))
			return bad(err, path, jp, "expected an object");
		if (only_keys(a, keys, path, jp, err) ||
		    !(name = get_str(a, "name", path, jp, err)))
			return -1;
		if (pc_machine_find_array(set, name)) {
			char m[300];

			snprintf(m, sizeof(m), "compat array '%.200s' recorded twice", name);
			return bad(err, path, jp, m);
		}
		ents = json_object_get(a, "entries");
		if (!json_is_array(ents) || !json_array_size(ents)) {
			char jp2[96];

			snprintf(jp2, sizeof(jp2), "%s.entries", jp);
			return bad(err, path, jp2, "expected a non-empty array");
		}
		ca = pc_xcalloc(1, sizeof(*ca));
		PC_ALLOC_GROW(set->arrays, set->n_arrays + 1, set->alloc_arrays);
		set->arrays[set->n_arrays++] = ca;
		ca->name = pc_xstrdup(name);
		ca->path = pc_xstrdup(path);
		ca->entries = pc_xcalloc(json_array_size(ents), sizeof(*ca->entries));
		json_array_foreach(ents, k, e) {
			struct pc_compat_entry *ce = &ca->entries[ca->n_entries];
			char jp2[128];
			size_t n = json_array_size(e);

			snprintf(jp2, sizeof(jp2), "%s.entries[%zu]", jp, k);
			if (!json_is_array(e) || n < 4 || n > 5)
				return bad(err, path, jp2,
					   "expected [driver, property, value, origin(, \"optional\")]");
			for (size_t q = 0; q < n; q++)
				if (!json_is_string(json_array_get(e, q)))
					return bad(err, path, jp2, "expected strings");
			if (n == 5 && strcmp(json_string_value(json_array_get(e, 4)),
					     "optional"))
				return bad(err, path, jp2, "fifth element must be \"optional\"");
			pc_compat_entry_set(ce, json_string_value(json_array_get(e, 0)),
					    json_string_value(json_array_get(e, 1)),
					    json_string_value(json_array_get(e, 2)), name,
					    json_string_value(json_array_get(e, 3)));
			ce->optional = n == 5;
			ce->file_len = 0;
			ce->line = 0;
			ca->n_entries++;
		}
	}
	return 0;
}

/* $.machines[i].aliases: optional, an array of strings. */
static int load_aliases(json_t *m, struct pc_machine *pm, const char *path,
			const char *jp, struct pc_err *err)
{
	json_t *al = json_object_get(m, "aliases"), *e;
	char jp2[160];
	size_t k;

	if (al && !json_is_array(al)) {
		snprintf(jp2, sizeof(jp2), "%s.aliases", jp);
		return bad(err, path, jp2, "expected an array");
	}
	json_array_foreach(al, k, e) {
		if (!json_is_string(e)) {
			snprintf(jp2, sizeof(jp2), "%s.aliases[%zu]", jp, k);
			return bad(err, path, jp2, "expected a string");
		}
		pm->aliases = pc_xrealloc(pm->aliases,
					  (pm->n_aliases + 1) * sizeof(char *));
		pm->aliases[pm->n_aliases++] = pc_xstrdup(json_string_value(e));
	}
	return 0;
}

/* $.machines[i].compat, the array names; the chain is their entries, in order. */
static int load_chain(json_t *m, const struct pc_machine_set *set,
		      struct pc_machine *pm, const char *path, const char *jp,
		      struct pc_err *err)
{
	json_t *ch = json_object_get(m, "compat"), *e;
	size_t k, n_chain = 0;
	char jp2[160];

	if (!json_is_array(ch)) {
		snprintf(jp2, sizeof(jp2), "%s.compat", jp);
		return bad(err, path, jp2, ch ? "expected an array of compat array names"
					    : "missing key");
	}
	pm->arrays = pc_xcalloc(json_array_size(ch) + 1, sizeof(char *));
	json_array_foreach(ch, k, e) {
		const struct pc_compat_array *ca = json_is_string(e) ?
			pc_machine_find_array(set, json_string_value(e)) : NULL;

		snprintf(jp2, sizeof(jp2), "%s.compat[%zu]", jp, k);
		if (!ca)
			return bad(err, path, jp2, json_is_string(e)
				   ? "names no compat array recorded in $.compat"
				   : "expected a string");
		pm->arrays[pm->n_arrays++] = pc_xstrdup(ca->name);
		n_chain += ca->n_entries;
	}
	pm->chain = pc_xcalloc(n_chain + 1, sizeof(*pm->chain));
	for (k = 0; k < pm->n_arrays; k++) {
		const struct pc_compat_array *ca =
			pc_machine_find_array(set, pm->arrays[k]);

		for (size_t t = 0; ca && t < ca->n_entries; t++)
			pm->chain[pm->n_chain++] = &ca->entries[t];
	}
	return 0;
}

/* $.machines[i]: one machine type, added to 'set'. */
static int load_machine(json_t *m, const char *jp, struct pc_machine_set *set,
			const char *path, struct pc_err *err)
{
	static const char *const keys[] = { "name", "family", "version",
					    "aliases", "smp", "max_cpus",
					    "compat", NULL };
	const char *name, *family, *version;
	long long smp, max_cpus;
	struct pc_machine *pm;

	if (!json_is_object(m))
		return bad(err, path, jp, "expected an object");
	if (only_keys(m, keys, path, jp, err))
		return -1;
	if (!(name = get_str(m, "name", path, jp, err)) ||
	    !(family = get_str(m, "family", path, jp, err)) ||
	    !(version = get_str(m, "version", path, jp, err)) ||
	    get_int(m, "smp", 1, 1 << 20, &smp, path, jp, err) ||
	    get_int(m, "max_cpus", 1, 1 << 20, &max_cpus, path, jp, err))
		return -1;
	if (pc_machine_find(set, name)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "duplicate machine type '%s'", name);
		return bad(err, path, jp, msg);
	}
	pm = pc_xcalloc(1, sizeof(*pm));
	PC_ALLOC_GROW(set->machines, set->n_machines + 1, set->alloc_machines);
	set->machines[set->n_machines++] = pm;
	pm->name = pc_xstrdup(name);
	pm->family = pc_xstrdup(family);
	pm->path = pc_xstrdup(path);
	pm->smp = (int)smp;
	pm->max_cpus = (int)max_cpus;
	pm->status = PC_MACHINE_SUPPORTED;
	if (pc_version_parse(version, &pm->version)) {
		char jp2[160];

		snprintf(jp2, sizeof(jp2), "%s.version", jp);
		return bad(err, path, jp2, "not a version");
	}
	if (load_aliases(m, pm, path, jp, err))
		return -1;
	return load_chain(m, set, pm, path, jp, err);
}

static int load_machines(json_t *root, const char *path,
			 struct pc_machine_set *set, struct pc_err *err)
{
	json_t *machines = json_object_get(root, "machines");
	json_t *m;
	size_t i;

	if (load_arrays(root, path, set, err))
		return -1;
	if (!json_is_array(machines))
		return bad(err, path, "$.machines",
			   machines ? "expected an array" : "missing key");
	json_array_foreach(machines, i, m) {
		char jp[64];

		snprintf(jp, sizeof(jp), "$.machines[%zu]", i);
		if (load_machine(m, jp, set, path, err))
			return -1;
	}
	if (!set->n_machines)
		return bad(err, path, "$.machines", "no machine types recorded");
	pc_machine_set_index(set);
	return 0;
}

/* ---- the resolved index ---- */

/*
 * The words of a packed list (see pack_word()) into one buffer, NUL-
 * separated; *n gets their number.  NULL (error set) when it is not an
 * array of strings.
 */
static char *unpack(json_t *a, const char *path, const char *jp, size_t *n,
		    struct pc_err *err)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	json_t *e;
	size_t i;

	*n = 0;
	if (!json_is_array(a))
		return bad(err, path, jp, "expected an array of strings of words"), NULL;
	json_array_foreach(a, i, e) {
		const char *p = json_string_value(e);

		if (!p) {
			pc_strbuf_release(&sb);
			return bad(err, path, jp, "expected an array of strings of words"), NULL;
		}
		while (*p) {
			size_t l;

			p += strspn(p, " ");
			l = strcspn(p, " ");
			if (!l)
				break;
			pc_strbuf_add(&sb, p, l);
			pc_strbuf_addch(&sb, '\0');
			(*n)++;
			p += l;
		}
	}
	pc_strbuf_addch(&sb, '\0');
	return pc_strbuf_detach(&sb);
}

/* A decimal index below 'below' from word 'w' (number k of list jp). */
static int word_index(const char *w, size_t below, const char *path,
		      const char *jp, size_t k, size_t *out, struct pc_err *err)
{
	uint64_t v;
	bool neg;
	char m[160];

	if (pc_parse_int_text(w, PC_INT_DEC, &neg, &v)) {
		snprintf(m, sizeof(m), "word %zu: '%.40s' is not an index", k + 1, w);
		return bad(err, path, jp, m);
	}
	if (v >= below) {
		snprintf(m, sizeof(m), "word %zu: %llu out of range [0, %zu)", k + 1,
			 (unsigned long long)v, below);
		return bad(err, path, jp, m);
	}
	*out = (size_t)v;
	return 0;
}

static int index_int(json_t *v, size_t below, const char *path,
		     const char *jp, size_t *out, struct pc_err *err)
{
	json_int_t i;

	if (!json_is_integer(v))
		return bad(err, path, jp, "expected an integer");
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i >= below) {
		char m[128];

		snprintf(m, sizeof(m), "%lld out of range [0, %zu)", (long long)i,
			 below);
		return bad(err, path, jp, m);
	}
	*out = (size_t)i;
	return 0;
}

/*
 * Read and check "resolved" (Documentation/baselines.md): every index in
 * range, every delta against an earlier VM, and a VM for each vCPU count
 * the check uses of each recorded machine type.
 */
/* What a VM's vector words index: the distinct values, and the vector length. */
struct index_values {
	uint64_t *v;
	size_t n;
	size_t len;	/* sections + objects */
};

/* $.resolved.objects: the object ids, in vector order. */
static int load_index_objects(json_t *r, struct pc_bindex *ix, const char *path,
			      struct pc_err *err)
{
	json_t *a = json_object_get(r, "objects"), *e;
	char jp[160];
	size_t i;

	if (!json_is_array(a))
		return bad(err, path, "$.resolved.objects", "expected an array");
	ix->objects = pc_xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			snprintf(jp, sizeof(jp), "$.resolved.objects[%zu]", i);
			return bad(err, path, jp, "expected a string");
		}
		ix->objects[ix->n_objects++] = pc_xstrdup(json_string_value(e));
	}
	return 0;
}

/* $.resolved.sections: [object index, section name] each. */
static int load_index_sections(json_t *r, struct pc_bindex *ix,
			       const char *path, struct pc_err *err)
{
	json_t *a = json_object_get(r, "sections"), *e;
	char jp[160];
	size_t i;

	if (!json_is_array(a))
		return bad(err, path, "$.resolved.sections", "expected an array");
	ix->sections = pc_xcalloc(json_array_size(a) + 1, sizeof(char *));
	ix->section_obj = pc_xcalloc(json_array_size(a) + 1, sizeof(size_t));
	json_array_foreach(a, i, e) {
		snprintf(jp, sizeof(jp), "$.resolved.sections[%zu]", i);
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !json_is_string(json_array_get(e, 1)))
			return bad(err, path, jp, "expected [object index, section name]");
		if (index_int(json_array_get(e, 0), ix->n_objects, path, jp,
			      &ix->section_obj[i], err))
			return -1;
		ix->sections[ix->n_sections++] =
			pc_xstrdup(json_string_value(json_array_get(e, 1)));
	}
	return 0;
}

/* $.resolved.values: packed words of 16 hex digits, into vals->v (caller frees). */
static int load_index_values(json_t *r, const char *path,
			     struct index_values *vals, struct pc_err *err)
{
	char *w = unpack(json_object_get(r, "values"), path,
			 "$.resolved.values", &vals->n, err);

	if (!w)
		return -1;
	vals->v = pc_xcalloc(vals->n + 1, sizeof(*vals->v));
	for (size_t k = 0, off = 0; k < vals->n; k++) {
		const char *h = w + off;
		bool neg;

		off += strlen(h) + 1;
		if (strlen(h) != 16 || strspn(h, "0123456789abcdef") != 16) {
			char m[128];

			snprintf(m, sizeof(m), "word %zu: expected 16 hexadecimal digits", k + 1);
			free(w);
			return bad(err, path, "$.resolved.values", m);
		}
		/* cannot fail: 16 hex digits, checked above */
		(void)pc_parse_int_text(h, PC_INT_HEX, &neg, &vals->v[k]);
	}
	free(w);
	return 0;
}

/* A whole vector: one value index per position. */
static int load_vm_vector(json_t *vec, const struct index_values *vals,
			  struct pc_bindex_vm *vm, const char *path,
			  const char *jp, struct pc_err *err)
{
	size_t nw, off = 0;
	char *w;

	if (!(w = unpack(vec, path, jp, &nw, err)))
		return -1;
	if (nw != vals->len) {
		char m[128];

		snprintf(m, sizeof(m), "%zu indexes, expected %zu", nw, vals->len);
		free(w);
		return bad(err, path, jp, m);
	}
	for (size_t q = 0; q < vals->len; q++) {
		size_t v;

		if (word_index(w + off, vals->n, path, jp, q, &v, err)) {
			free(w);
			return -1;
		}
		off += strlen(w + off) + 1;
		vm->vec[q] = vals->v[v];
	}
	free(w);
	return 0;
}

/* A delta: an earlier VM's vector ("base") with POSITION:INDEX words applied. */
static int load_vm_delta(json_t *base, json_t *delta,
			 const struct index_values *vals,
			 const struct pc_bindex *ix, size_t i,
			 struct pc_bindex_vm *vm, const char *path,
			 struct pc_err *err)
{
	size_t b, nw, off = 0;
	char jp[160];
	char *w;

	snprintf(jp, sizeof(jp), "$.resolved.vms[%zu].base", i);
	if (index_int(base, i, path, jp, &b, err))
		return -1;
	memcpy(vm->vec, ix->vms[b].vec, vals->len * sizeof(uint64_t));
	snprintf(jp, sizeof(jp), "$.resolved.vms[%zu].delta", i);
	if (!(w = unpack(delta, path, jp, &nw, err)))
		return -1;
	/* the writer records a delta only when it is shorter than the
	 * vector, positions ascending: anything else is not its output */
	if (nw >= vals->len && nw) {
		char m[128];

		snprintf(m, sizeof(m), "%zu words for a vector of %zu positions (a delta is shorter than the vector)",
			 nw, vals->len);
		free(w);
		return bad(err, path, jp, m);
	}
	for (size_t q = 0, last = 0; q < nw; q++) {
		char *word = w + off, *colon = strchr(word, ':');
		size_t pos, v;

		off += strlen(word) + 1;
		if (!colon) {
			char m[128];

			snprintf(m, sizeof(m), "word %zu: expected POSITION:INDEX", q + 1);
			free(w);
			return bad(err, path, jp, m);
		}
		*colon = '\0';
		if (word_index(word, vals->len, path, jp, q, &pos, err) ||
		    word_index(colon + 1, vals->n, path, jp, q, &v, err)) {
			free(w);
			return -1;
		}
		if (q && pos <= last) {
			char m[128];

			snprintf(m, sizeof(m), "word %zu: position %zu after position %zu (positions ascend, each at most once)",
				 q + 1, pos, last);
			free(w);
			return bad(err, path, jp, m);
		}
		last = pos;
		vm->vec[pos] = vals->v[v];
	}
	free(w);
	return 0;
}

/* $.resolved.vms[i]: a recorded (machine type, smp) and its vector. */
static int load_index_vm(json_t *e, size_t i, struct pc_bindex *ix,
			 const struct pc_machine_set *machines,
			 const struct index_values *vals, const char *path,
			 struct pc_err *err)
{
	static const char *const vkeys[] = { "machine", "smp", "vector",
					     "base", "delta", NULL };
	struct pc_bindex_vm *vm = &ix->vms[i];
	const char *mname;
	long long smp;
	json_t *vec, *delta, *base;
	char jp[160];
	int rc;

	snprintf(jp, sizeof(jp), "$.resolved.vms[%zu]", i);
	if (!json_is_object(e))
		return bad(err, path, jp, "expected an object");
	if (only_keys(e, vkeys, path, jp, err) ||
	    !(mname = get_str(e, "machine", path, jp, err)) ||
	    get_int(e, "smp", 1, 1 << 20, &smp, path, jp, err))
		return -1;
	vm->machine = pc_machine_find(machines, mname);
	if (!vm->machine || strcmp(vm->machine->name, mname)) {
		char m[300];

		snprintf(m, sizeof(m), "machine type '%.200s' is not recorded in $.machines", mname);
		return bad(err, path, jp, m);
	}
	vm->smp = (int)smp;
	vm->vec = pc_xcalloc(vals->len + 1, sizeof(uint64_t));
	ix->n_vms++;
	vec = json_object_get(e, "vector");
	delta = json_object_get(e, "delta");
	base = json_object_get(e, "base");
	if (vec && !delta && !base) {
		snprintf(jp, sizeof(jp), "$.resolved.vms[%zu].vector", i);
		rc = load_vm_vector(vec, vals, vm, path, jp, err);
	} else if (!vec && delta && base) {
		rc = load_vm_delta(base, delta, vals, ix, i, vm, path, err);
	} else {
		rc = bad(err, path, jp, "expected either \"vector\", or \"base\" and \"delta\"");
	}
	if (rc)
		return -1;
	for (size_t k = 0; k < i; k++)
		if (ix->vms[k].machine == vm->machine && ix->vms[k].smp == vm->smp) {
			char m[300];

			snprintf(m, sizeof(m), "machine type %.200s, smp=%d recorded twice",
				 mname, vm->smp);
			return bad(err, path, jp, m);
		}
	return 0;
}

/* Every vCPU count a check uses, of every machine type, is recorded. */
static int index_complete(const struct pc_bindex *ix,
			  const struct pc_machine_set *machines,
			  const char *path, struct pc_err *err)
{
	for (size_t k = 0; k < machines->n_machines; k++) {
		const struct pc_machine *m = machines->machines[k];
		int smps[8];
		size_t ns = pc_machine_smp_set(m, smps, PC_ARRAY_SIZE(smps));

		for (size_t q = 0; q < ns; q++)
			if (!pc_bindex_find(ix, m, smps[q])) {
				char msg[300];

				snprintf(msg, sizeof(msg), "no resolved VM for machine type %.200s, smp=%d (re-record the release with plugcheck dump-abi)",
					 m->name, smps[q]);
				return bad(err, path, "$.resolved.vms", msg);
			}
	}
	return 0;
}

static int load_index(json_t *root, const char *path,
		      const struct pc_machine_set *machines,
		      struct pc_bindex *ix, struct pc_err *err)
{
	static const char *const keys[] = { "objects", "sections", "values",
					    "vms", NULL };
	json_t *r = json_object_get(root, "resolved"), *a, *e;
	struct index_values vals = { 0 };
	size_t i;
	int rc = -1;

	if (!json_is_object(r))
		return bad(err, path, "$.resolved", r ? "expected an object"
							: "missing key");
	if (only_keys(r, keys, path, "$.resolved", err) ||
	    load_index_objects(r, ix, path, err) ||
	    load_index_sections(r, ix, path, err) ||
	    load_index_values(r, path, &vals, err))
		goto out;
	vals.len = ix->n_sections + ix->n_objects;
	a = json_object_get(r, "vms");
	if (!json_is_array(a)) {
		bad(err, path, "$.resolved.vms", "expected an array");
		goto out;
	}
	ix->vms = pc_xcalloc(json_array_size(a) + 1, sizeof(*ix->vms));
	json_array_foreach(a, i, e)
		if (load_index_vm(e, i, ix, machines, &vals, path, err))
			goto out;
	rc = index_complete(ix, machines, path, err);
out:
	free(vals.v);
	return rc;
}

/* The JSON object text[0..len) of file 'path'. */
static json_t *parse_json(const char *text, size_t len, const char *path,
			  struct pc_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (!root)
		return pc_err_set(err, "%s:%d:%d: not valid JSON: %s", path,
				  je.line, je.column, je.text), NULL;
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(err, path, "$", "expected an object"), NULL;
	}
	return root;
}

/* format, format_version and the allowed keys of a top-level object */
static int check_header(json_t *root, const char *path, const char *format,
			long long version, const char *what,
			const char *const *keys, struct pc_err *err)
{
	const char *fmt = get_str(root, "format", path, "$", err);
	long long fv;

	if (!fmt || only_keys(root, keys, path, "$", err))
		return -1;
	if (strcmp(fmt, format)) {
		char m[128];

		snprintf(m, sizeof(m), "not a plugcheck %s", what);
		return bad(err, path, "$.format", m);
	}
	if (get_int(root, "format_version", 1, 1000, &fv, path, "$", err))
		return -1;
	if (fv != version) {
		char m[160];

		snprintf(m, sizeof(m), "format version %lld, this plugcheck reads %lld%s",
			 fv, version, fv < version && !strcmp(what, "baseline")
			 ? " (re-record the release with plugcheck dump-abi)" : "");
		return bad(err, path, "$.format_version", m);
	}
	return 0;
}

static const char *const baseline_keys[] = { "format", "format_version",
					     "release", "recorded_by",
					     "declarations", "machines",
					     "compat", "resolved", NULL };

/* A declarations file's name, "declarations/<16 hex digits>.json", and its
 * digest (false: not such a name). */
static bool decl_name(const char *n, uint64_t *digest)
{
	size_t pl = strlen(DECL_DIR "/");
	char hex[17];
	bool neg;

	if (strlen(n) != pl + 16 + 5 || strncmp(n, DECL_DIR "/", pl) ||
	    strspn(n + pl, "0123456789abcdef") != 16 || strcmp(n + pl + 16, ".json"))
		return false;
	memcpy(hex, n + pl, 16);
	hex[16] = '\0';
	/* cannot fail: 16 hex digits, checked above */
	(void)pc_parse_int_text(hex, PC_INT_HEX, &neg, digest);
	return true;
}

/* $.declarations: "declarations/<16 hex digits>.json", and its digest */
static const char *decl_ref(json_t *root, const char *path, uint64_t *digest,
			    struct pc_err *err)
{
	const char *n = get_str(root, "declarations", path, "$", err);

	if (!n)
		return NULL;
	if (!decl_name(n, digest))
		return bad(err, path, "$.declarations",
			   "expected \"" DECL_DIR "/<16 hexadecimal digits>.json\""), NULL;
	return n;
}

/* Header, release, label: what every reader of a baseline checks first. */
static int load_head(json_t *root, const char *path, struct pc_side *side,
		     struct pc_err *err)
{
	const char *rel;

	if (check_header(root, path, BASELINE_FORMAT, BASELINE_FORMAT_VERSION,
			 "baseline", baseline_keys, err))
		return -1;
	rel = get_str(root, "release", path, "$", err);
	if (!rel)
		return -1;
	if (pc_version_parse(rel, &side->release))
		return bad(err, path, "$.release", "not a version");
	side->label = pc_xstrdup(rel);
	side->origin = pc_xstrdup(path);
	side->project = true;
	side->machines = pc_machine_set_new();
	side->own_machines = true;
	return 0;
}

static int side_from_json(json_t *root, const char *path, json_t *droot,
			  const char *dpath, struct pc_side *side,
			  struct pc_err *err)
{
	memset(side, 0, sizeof(*side));
	if (load_head(root, path, side, err) ||
	    load_plugins(droot, dpath, &side->reg, err) ||
	    load_machines(root, path, side->machines, err)) {
		side->own_reg = true;
		pc_side_release(side);
		return -1;
	}
	side->own_reg = true;
	return 0;
}

/* A registry of the plugins the stream reader read of 'dpath' (consumed). */
static int stream_registry(struct pc_dstream *ds, const char *dpath,
			   struct pc_registry **regp, struct pc_err *err)
{
	struct pc_plugin **pls = pc_xcalloc(ds->n_plugins + 1, sizeof(*pls));
	size_t n = ds->n_plugins;

	for (size_t i = 0; i < n; i++) {
		struct pc_dstream_plugin *dp = &ds->plugins[i];
		struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));

		pl->name = dp->name;
		pl->version = dp->version;
		pl->path = pc_xasprintf("%s (plugin %s)", dpath, dp->name);
		pl->decl = dp->decl;
		pl->decl_len = dp->decl_len;
		memset(dp, 0, sizeof(*dp));
		pls[i] = pl;
	}
	pc_dstream_release(ds);
	return plugins_registry(pls, n, regp, err);
}

/*
 * The registry of the declarations file a baseline names (*regp, even on
 * failure; NULL when the file is not read), checking its digest: read by
 * the stream reader, else (and for every error) by the tree reader.
 */
static int load_decls(const char *dpath, uint64_t digest,
		      struct pc_registry **regp, struct pc_err *err)
{
	static const char *const keys[] = { "format", "format_version",
					    "plugins", NULL };
	struct pc_dstream ds;
	json_t *droot;
	char *text;
	size_t len;
	int rc;

	if (pc_read_file(dpath, BASELINE_MAX, &text, &len, err))
		return -1;
	if (pc_hash64(text, len, DECL_SEED) != digest) {
		free(text);
		return pc_err_set(err, "%s: the content does not match its name (edited after it was recorded? re-record with plugcheck dump-abi)",
				  dpath);
	}
	if (!pc_dstream_read(text, len, &ds)) {
		if (ds.format && !strcmp(ds.format, DECL_FORMAT) &&
		    ds.format_version == DECL_FORMAT_VERSION) {
			free(text);
			return stream_registry(&ds, dpath, regp, err);
		}
		pc_dstream_release(&ds);
	}
	droot = parse_json(text, len, dpath, err);
	free(text);
	if (!droot)
		return -1;
	rc = check_header(droot, dpath, DECL_FORMAT, DECL_FORMAT_VERSION,
			  "declarations file", keys, err) ||
	     load_plugins(droot, dpath, regp, err) ? -1 : 0;
	json_decref(droot);
	return rc;
}

/*
 * The side's registry: a registry of 'pool' read from the same
 * declarations file (releases recorded from one tree name one file, and
 * share its registry instead of parsing it again), else the file, read.
 */
static int load_registry(const struct pc_bindex *ix,
			 struct pc_registry *const *pool, size_t npool,
			 struct pc_side *side, struct pc_err *err)
{
	int rc;

	for (size_t k = 0; k < npool; k++)
		if (pool[k] && pool[k]->decl_digest == ix->decl_digest) {
			side->reg = pool[k];
			side->own_reg = false;
			return 0;
		}
	side->own_reg = true;
	rc = load_decls(ix->decl_path, ix->decl_digest, &side->reg, err);
	if (!rc)
		side->reg->decl_digest = ix->decl_digest;
	return rc;
}

/* What an index knows of its baseline: the file, the release (from
 * 'head', loaded by load_head()) and the declarations file it names. */
static int index_head(json_t *root, const char *path,
		      const struct pc_side *head, struct pc_bindex *ix,
		      struct pc_err *err)
{
	const char *dname = decl_ref(root, path, &ix->decl_digest, err);

	if (!dname)
		return -1;
	ix->path = pc_xstrdup(path);
	ix->decl_path = pc_baseline_decl_path(path, dname);
	ix->label = pc_xstrdup(head->label);
	ix->release = head->release;
	return 0;
}

int pc_bindex_side(const struct pc_bindex *ix, struct pc_side *side,
		   struct pc_registry *const *pool, size_t npool,
		   struct pc_err *err)
{
	memset(side, 0, sizeof(*side));
	side->label = pc_xstrdup(ix->label);
	side->origin = pc_xstrdup(ix->path);
	side->project = true;
	side->release = ix->release;
	side->machines = ix->machines;
	side->own_machines = false;
	if (load_registry(ix, pool, npool, side, err)) {
		pc_side_release(side);
		return -1;
	}
	return 0;
}

/* ---- the stream reader's baselines (bstream.h) ---- */

/*
 * What the tree reader checks of a baseline that the stream reader leaves
 * to its caller: the header's values, the declarations file's name, a VM
 * for each vCPU count of each machine type.  false: declined.
 */
static bool stream_checked(struct pc_bstream *bs, const char *path)
{
	struct pc_err ignored = { 0 };
	struct pc_version v;
	uint64_t digest;

	return bs->format && !strcmp(bs->format, BASELINE_FORMAT) &&
	       bs->format_version == BASELINE_FORMAT_VERSION &&
	       bs->release && !pc_version_parse(bs->release, &v) &&
	       bs->declarations && decl_name(bs->declarations, &digest) &&
	       !index_complete(&bs->ix, bs->machines, path, &ignored);
}

/*
 * Read baseline 'path': by the stream reader into *bs, or, when it
 * declines, into a jansson tree *root (bs->machines then NULL).  -1 (error
 * set): neither, the file is unreadable or not JSON.
 */
static int read_baseline(const char *path, struct pc_bstream *bs,
			 json_t **root, struct pc_err *err)
{
	char *text;
	size_t len;

	*root = NULL;
	memset(bs, 0, sizeof(*bs));
	if (pc_read_file(path, BASELINE_MAX, &text, &len, err))
		return -1;
	if (!pc_bstream_read(text, len, path, bs)) {
		if (stream_checked(bs, path)) {
			free(text);
			return 0;
		}
		pc_bstream_release(bs);
	}
	*root = parse_json(text, len, path, err);
	free(text);
	return *root ? 0 : -1;
}

/* The head of a side and of its index from a streamed baseline, as
 * load_head() and index_head() fill them; 'bs' keeps the rest. */
static void stream_head(struct pc_bstream *bs, const char *path,
			struct pc_side *side, struct pc_bindex *ix)
{
	memset(side, 0, sizeof(*side));
	/* cannot fail: stream_checked() */
	(void)pc_version_parse(bs->release, &side->release);
	(void)decl_name(bs->declarations, &ix->decl_digest);
	side->label = pc_xstrdup(bs->release);
	side->origin = pc_xstrdup(path);
	side->project = true;
	side->machines = bs->machines;
	side->own_machines = true;
	bs->machines = NULL;
	pc_machine_set_index(side->machines);
	ix->path = pc_xstrdup(path);
	ix->decl_path = pc_baseline_decl_path(path, bs->declarations);
	ix->label = pc_xstrdup(side->label);
	ix->release = side->release;
}

/* A registry read ahead, as load_registry() reads it with no pool. */
struct decl_ahead {
	bool done;
	int rc;
	struct pc_registry *reg;
	struct pc_err err;
};

/* Read the declarations file streamed baseline 'bs' names, ahead. */
static void read_ahead(const struct pc_bstream *bs, const char *path,
		       struct decl_ahead *a)
{
	char *dpath = pc_baseline_decl_path(path, bs->declarations);
	uint64_t digest;

	/* cannot fail: stream_checked() */
	(void)decl_name(bs->declarations, &digest);
	a->done = true;
	a->rc = load_decls(dpath, digest, &a->reg, &a->err);
	if (!a->rc)
		a->reg->decl_digest = digest;
	free(dpath);
}

/* The side's registry: read ahead ('a', consumed), else load_registry(). */
static int take_registry(const struct pc_bindex *ix,
			 struct pc_registry *const *pool, size_t npool,
			 struct decl_ahead *a, struct pc_side *side,
			 struct pc_err *err)
{
	if (!a || !a->done)
		return load_registry(ix, pool, npool, side, err);
	side->own_reg = true;
	side->reg = a->reg;
	a->reg = NULL;
	if (a->rc)
		*err = a->err;
	return a->rc;
}

/* A side from a streamed baseline (consumed), as side_from_root(); its
 * registry read ahead when 'a' says so. */
static int side_from_stream(struct pc_bstream *bs, const char *path,
			    struct pc_side *side,
			    struct pc_registry *const *pool, size_t npool,
			    struct decl_ahead *a, struct pc_err *err)
{
	struct pc_bindex *ix = pc_xcalloc(1, sizeof(*ix));
	int rc = 0;

	*ix = bs->ix;
	memset(&bs->ix, 0, sizeof(bs->ix));
	stream_head(bs, path, side, ix);
	pc_bstream_release(bs);
	if (take_registry(ix, pool, npool, a, side, err)) {
		pc_bindex_free(ix);
		pc_side_release(side);
		rc = -1;
	} else {
		side->index = ix;
	}
	return rc;
}

int pc_baseline_load(const char *path, struct pc_side *side,
		     struct pc_err *err)
{
	return pc_baseline_load_shared(path, side, NULL, 0, err);
}

/* A side from a parsed baseline (consumed). */
static int side_from_root(json_t *root, const char *path, struct pc_side *side,
			  struct pc_registry *const *pool, size_t npool,
			  struct pc_err *err)
{
	struct pc_bindex *ix = pc_xcalloc(1, sizeof(*ix));
	int rc = -1;

	memset(side, 0, sizeof(*side));
	/* the side's index: its machine types are the side's */
	if (load_head(root, path, side, err) ||
	    index_head(root, path, side, ix, err) ||
	    load_registry(ix, pool, npool, side, err) ||
	    load_machines(root, path, side->machines, err) ||
	    load_index(root, path, side->machines, ix, err))
		goto out;
	side->index = ix;
	ix = NULL;
	rc = 0;
out:
	pc_bindex_free(ix);
	json_decref(root);
	if (rc)
		pc_side_release(side);
	return rc;
}

int pc_baseline_load_shared(const char *path, struct pc_side *side,
			    struct pc_registry *const *pool, size_t npool,
			    struct pc_err *err)
{
	struct pc_bstream bs;
	json_t *root;

	memset(side, 0, sizeof(*side));
	if (read_baseline(path, &bs, &root, err))
		return -1;
	if (!root)
		return side_from_stream(&bs, path, side, pool, npool, NULL, err);
	return side_from_root(root, path, side, pool, npool, err);
}

/* ---- many at once ---- */

struct parsed_file {
	const char *path;
	json_t *root;
	struct pc_bstream bs;   /* when the stream reader read it */
	int rc;
	struct pc_err err;
	struct decl_ahead decls;
};

static void parse_one_file(void *ctx, size_t i)
{
	struct parsed_file *f = &((struct parsed_file *)ctx)[i];

	f->rc = read_baseline(f->path, &f->bs, &f->root, &f->err);
	/* the first release reads its declarations file whatever the pool
	 * (the others mostly share it): here, beside the other files' parse
	 * instead of after it */
	if (i == 0 && !f->rc && !f->root)
		read_ahead(&f->bs, f->path, &f->decls);
}

int pc_baselines_load(char *const *paths, size_t n, struct pc_side *sides,
		      size_t *loaded, struct pc_err *err)
{
	struct parsed_file *f = pc_xcalloc(n + 1, sizeof(*f));
	int rc = 0;

	*loaded = 0;
	for (size_t i = 0; i < n; i++)
		f[i].path = paths[i];
	/* reading and parsing the JSON is most of the work, and each file is
	 * its own: all CPUs; jansson values are not shared between threads */
	json_object_seed(0);
	pc_parallel_for(n, n < 4 ? 1 : 0, parse_one_file, f);
	for (size_t i = 0; i < n; i++) {
		struct pc_registry *pool[64];
		size_t np = 0;

		if (rc) {
			json_decref(f[i].root);
			pc_bstream_release(&f[i].bs);
			continue;
		}
		if (f[i].rc) {
			*err = f[i].err;
			rc = -1;
			continue;
		}
		/* releases recorded from one tree share its declarations */
		for (size_t j = 0; j < i && np < PC_ARRAY_SIZE(pool); j++)
			if (sides[j].own_reg)
				pool[np++] = sides[j].reg;
		if (f[i].root ? side_from_root(f[i].root, paths[i], &sides[i], pool, np, err)
			      : side_from_stream(&f[i].bs, paths[i], &sides[i], pool, np,
						 &f[i].decls, err))
			rc = -1;
		else
			(*loaded)++;
	}
	free(f);
	return rc;
}

int pc_bindex_load(const char *path, struct pc_bindex *ix, struct pc_err *err)
{
	struct pc_side head;
	struct pc_bstream bs;
	json_t *root;
	int rc = -1;

	memset(ix, 0, sizeof(*ix));
	memset(&head, 0, sizeof(head));
	if (read_baseline(path, &bs, &root, err))
		return -1;
	if (!root) {
		*ix = bs.ix;
		memset(&bs.ix, 0, sizeof(bs.ix));
		stream_head(&bs, path, &head, ix);
		ix->machines = head.machines;
		head.machines = NULL;
		pc_bstream_release(&bs);
		pc_side_release(&head);
		return 0;
	}
	if (load_head(root, path, &head, err) ||
	    index_head(root, path, &head, ix, err) ||
	    load_machines(root, path, head.machines, err))
		goto out;
	ix->machines = head.machines;
	head.machines = NULL;
	if (load_index(root, path, ix->machines, ix, err))
		goto out;
	rc = 0;
out:
	pc_side_release(&head);
	json_decref(root);
	if (rc)
		pc_bindex_release(ix);
	return rc;
}

static int cmp_release_path(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
	struct pc_version vx, vy;
	char *sx = pc_xstrdup(bx ? bx + 1 : x), *sy = pc_xstrdup(by ? by + 1 : y);
	int r;

	if (strrchr(sx, '.'))
		*strrchr(sx, '.') = '\0';
	if (strrchr(sy, '.'))
		*strrchr(sy, '.') = '\0';
	if (!pc_version_parse(sx, &vx) && !pc_version_parse(sy, &vy))
		r = pc_version_cmp(&vx, &vy);
	else
		r = strcmp(sx, sy);
	free(sx);
	free(sy);
	return r;
}

int pc_baseline_list(const char *abi_dir, char ***paths, size_t *n,
		     struct pc_err *err)
{
	char *dir = pc_xasprintf("%s/releases", abi_dir);
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*paths = NULL;
	*n = 0;
	if (!dh) {
		pc_err_setc(err, PC_E_IO, "%s: cannot read baselines: %s", dir,
			    strerror(errno));
		free(dir);
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.' || !pc_str_ends_with(de->d_name, ".json"))
			continue;
		PC_ALLOC_GROW(*paths, *n + 1, alloc);
		(*paths)[(*n)++] = pc_xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dh);
	free(dir);
	if (*n)
		qsort(*paths, *n, sizeof(**paths), cmp_release_path);
	return 0;
}
