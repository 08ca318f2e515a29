/*
 * qemu-dump.c - reader of QEMU `-dump-vmstate` JSON files into the model of
 * qemu-dump.h.  jansson parses the text (duplicate keys rejected); this file
 * checks the shape of every object against the format QEMU writes
 * (migration/savevm.c: dump_vmstate_json), bounds every number and name,
 * and copies what it keeps into one arena so the model is freed at once.
 *
 * Errors name the JSON path of the offending value, because a dump is one
 * long machine-written line more often than not and a line number alone
 * does not say which section is wrong.  Unknown keys are ignored so that
 * dumps of newer QEMU versions, which may add keys, still load.
 */
#include "qemu-dump.h"
#include "rules-wire.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* --- arena: every node and string of one dump, freed at once ----------- */

struct pc_qdump_arena {
	struct pc_qdump_arena *next;
	size_t used, cap;
	max_align_t data[];
};

/* large enough to be mmap()ed: no heap fragmentation around jansson's nodes */
#define ARENA_CHUNK (1024u * 1024u)

static void *arena_alloc(struct pc_qdump_arena **head, size_t n)
{
	struct pc_qdump_arena *a = *head;
	size_t align = sizeof(max_align_t);
	char *p;

	n = (n + align - 1) & ~(align - 1);
	if (!a || a->cap - a->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		a = pc_xmalloc(sizeof(*a) + cap);
		a->used = 0;
		a->cap = cap;
		/* a big block goes behind the current one, which keeps its room */
		if (*head && n > ARENA_CHUNK) {
			a->next = (*head)->next;
			(*head)->next = a;
		} else {
			a->next = *head;
			*head = a;
		}
	}
	p = (char *)a->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

static const char *arena_strdup(struct pc_qdump_arena **head, const char *s,
				size_t len)
{
	char *p = arena_alloc(head, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* --- reader state and error paths -------------------------------------- */

/*
 * The JSON path of the value being read is kept as a stack of segments and
 * only turned into text when there is an error: formatting it for every
 * member read would cost more than reading the member.
 */
struct path_seg {
	const char *key; /* NULL: an array index */
	size_t index;
};

/* section, then per level at most Description/Subsections[i] + Fields[i] + key */
#define PATH_MAX_SEGS (4 * PC_QDUMP_MAX_DEPTH + 16)

struct reader {
	const char *label;
	struct path_seg path[PATH_MAX_SEGS];
	size_t depth;
	struct pc_qdump_arena *arena;
	struct pc_err *err;
};

static bool key_is_plain(const char *k)
{
	if (!*k || !((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		     *k == '_'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return false;
	return true;
}

/* "$.a.b[2]", with ["key"] for keys that have dots or other punctuation. */
static void path_format(const struct reader *r, struct pc_strbuf *sb)
{
	pc_strbuf_addch(sb, '$');
	for (size_t i = 0; i < r->depth; i++) {
		const char *key = r->path[i].key;

		if (!key) {
			pc_strbuf_addf(sb, "[%zu]", r->path[i].index);
		} else if (key_is_plain(key)) {
			pc_strbuf_addf(sb, ".%s", key);
		} else {
			pc_strbuf_addstr(sb, "[\"");
			for (const char *k = key; *k; k++) {
				if (*k == '"' || *k == '\\')
					pc_strbuf_addch(sb, '\\');
				if ((unsigned char)*k < 0x20)
					pc_strbuf_addf(sb, "\\u%04x", (unsigned char)*k);
				else
					pc_strbuf_addch(sb, *k);
			}
			pc_strbuf_addstr(sb, "\"]");
		}
	}
}

/* The key must outlive the push (it is jansson's or a literal). */
static size_t path_push_key(struct reader *r, const char *key)
{
	assert(r->depth < PATH_MAX_SEGS);
	r->path[r->depth].key = key;
	return r->depth++;
}

static size_t path_push_index(struct reader *r, size_t i)
{
	assert(r->depth < PATH_MAX_SEGS);
	r->path[r->depth].key = NULL;
	r->path[r->depth].index = i;
	return r->depth++;
}

static void path_pop(struct reader *r, size_t old)
{
	r->depth = old;
}

/* A reader error at the current JSON path: malformed input (PC_E_INPUT)
 * or input beyond a documented bound (PC_E_LIMIT, qemu-dump.h). */
static int rd_error(struct reader *r, enum pc_errcode code, const char *fmt,
		    ...) PC_PRINTF(3, 4);
static int rd_error(struct reader *r, enum pc_errcode code, const char *fmt,
		    ...)
{
	struct pc_strbuf path = PC_STRBUF_INIT, sb = PC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	path_format(r, &path);
	pc_err_setc(r->err, code, "%s: %s: %s", r->label, path.buf, sb.buf);
	pc_strbuf_release(&path);
	pc_strbuf_release(&sb);
	return -1;
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

/* --- typed member access ------------------------------------------------- */

/* The member 'key' of 'obj'; missing is an error unless 'optional'. */
static int member(struct reader *r, const json_t *obj, const char *key,
		  bool optional, json_t **out)
{
	*out = json_object_get(obj, key);
	if (!*out && !optional)
		return rd_error(r, PC_E_INPUT, "missing key '%s'", key);
	return 0;
}

static int get_int(struct reader *r, const json_t *obj, const char *key,
		   bool optional, long long min, long long max, long long *out)
{
	json_t *v;
	size_t old;
	int ret = 0;

	if (member(r, obj, key, optional, &v))
		return -1;
	if (!v)
		return 1; /* absent, optional */
	old = path_push_key(r, key);
	if (!json_is_integer(v))
		ret = rd_error(r, PC_E_INPUT, "expected an integer, found %s", json_kind(v));
	else if (json_integer_value(v) < min || json_integer_value(v) > max)
		ret = rd_error(r, PC_E_INPUT, "%s %" JSON_INTEGER_FORMAT
			       " out of range (expected %lld..%lld)", key,
			       json_integer_value(v), min, max);
	else
		*out = json_integer_value(v);
	path_pop(r, old);
	return ret;
}

static int get_string(struct reader *r, const json_t *obj, const char *key,
		      const char **out)
{
	json_t *v;
	size_t old;
	int ret = 0;

	if (member(r, obj, key, false, &v))
		return -1;
	old = path_push_key(r, key);
	if (!json_is_string(v))
		ret = rd_error(r, PC_E_INPUT, "expected a string, found %s", json_kind(v));
	else if (json_string_length(v) == 0)
		ret = rd_error(r, PC_E_INPUT, "empty name");
	else if (json_string_length(v) > PC_QDUMP_MAX_NAME)
		ret = rd_error(r, PC_E_LIMIT, "name of %zu bytes is too long (at most %u)",
			       json_string_length(v), PC_QDUMP_MAX_NAME);
	else
		*out = arena_strdup(&r->arena, json_string_value(v),
				    json_string_length(v));
	path_pop(r, old);
	return ret;
}

/* An optional array member; *n is its length, bounded by 'max'. */
static int get_array(struct reader *r, const json_t *obj, const char *key,
		     size_t max, json_t **out, size_t *n)
{
	size_t old;
	int ret = 0;

	if (member(r, obj, key, true, out))
		return -1;
	*n = 0;
	if (!*out)
		return 0;
	old = path_push_key(r, key);
	if (!json_is_array(*out))
		ret = rd_error(r, PC_E_INPUT, "expected an array, found %s", json_kind(*out));
	else if ((*n = json_array_size(*out)) > max)
		ret = rd_error(r, PC_E_LIMIT, "%zu entries, more than the limit of %zu", *n,
			       max);
	path_pop(r, old);
	return ret;
}

static int expect_object(struct reader *r, const json_t *j)
{
	if (!json_is_object(j))
		return rd_error(r, PC_E_INPUT, "expected an object, found %s", json_kind(j));
	return 0;
}

/* --- the format ----------------------------------------------------------- */

static int read_vmsd(struct reader *r, const json_t *j, int depth,
		     struct pc_qdump_vmsd *v);

static int read_field(struct reader *r, const json_t *j, int depth,
		      struct pc_qdump_field *f)
{
	long long n;
	json_t *v;
	int ret;

	if (expect_object(r, j))
		return -1;
	if (get_string(r, j, "field", &f->name) ||
	    get_int(r, j, "version_id", false, 0, PC_QDUMP_MAX_VERSION, &n))
		return -1;
	f->version_id = (int)n;
	if (member(r, j, "field_exists", true, &v))
		return -1;
	if (v) {
		size_t old = path_push_key(r, "field_exists");

		if (!json_is_boolean(v)) {
			rd_error(r, PC_E_INPUT, "expected a boolean, found %s", json_kind(v));
			return -1;
		}
		path_pop(r, old);
		f->field_exists = json_is_true(v);
	}
	ret = get_int(r, j, "num", true, 0, PC_QDUMP_MAX_NUM, &n);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		f->has_num = true;
		f->num = (uint32_t)n;
	}
	if (get_int(r, j, "size", false, 0, PC_QDUMP_MAX_SIZE, &n))
		return -1;
	f->size = (uint64_t)n;
	if (member(r, j, "Description", true, &v))
		return -1;
	if (v) {
		struct pc_qdump_vmsd *nested;
		size_t old = path_push_key(r, "Description");

		if (depth + 1 > PC_QDUMP_MAX_DEPTH)
			return rd_error(r, PC_E_LIMIT, "descriptions nested deeper than %d levels",
					PC_QDUMP_MAX_DEPTH);
		nested = arena_alloc(&r->arena, sizeof(*nested));
		if (read_vmsd(r, v, depth + 1, nested))
			return -1;
		f->desc = nested;
		path_pop(r, old);
	}
	return 0;
}

static int read_vmsd(struct reader *r, const json_t *j, int depth,
		     struct pc_qdump_vmsd *v)
{
	json_t *arr;
	size_t n;
	long long x;

	if (expect_object(r, j))
		return -1;
	if (get_string(r, j, "name", &v->name) ||
	    get_int(r, j, "version_id", false, 0, PC_QDUMP_MAX_VERSION, &x))
		return -1;
	v->version_id = (int)x;
	if (get_int(r, j, "minimum_version_id", false, 0, PC_QDUMP_MAX_VERSION, &x))
		return -1;
	v->minimum_version_id = (int)x;

	if (get_array(r, j, "Fields", PC_QDUMP_MAX_FIELDS, &arr, &n))
		return -1;
	if (arr) {
		struct pc_qdump_field *fields =
			arena_alloc(&r->arena, n * sizeof(*fields) + 1);
		size_t old = path_push_key(r, "Fields");

		v->has_fields = true;
		for (size_t i = 0; i < n; i++) {
			size_t o2 = path_push_index(r, i);

			if (read_field(r, json_array_get(arr, i), depth, &fields[i]))
				return -1;
			path_pop(r, o2);
		}
		path_pop(r, old);
		v->fields = fields;
		v->n_fields = n;
	}

	if (get_array(r, j, "Subsections", PC_QDUMP_MAX_SUBSECTIONS, &arr, &n))
		return -1;
	if (arr) {
		struct pc_qdump_vmsd *subs =
			arena_alloc(&r->arena, n * sizeof(*subs) + 1);
		size_t old = path_push_key(r, "Subsections");

		v->has_subsections = true;
		for (size_t i = 0; i < n; i++) {
			size_t o2 = path_push_index(r, i);

			if (depth + 1 > PC_QDUMP_MAX_DEPTH)
				return rd_error(r, PC_E_LIMIT, "subsections nested deeper than %d levels",
						PC_QDUMP_MAX_DEPTH);
			if (read_vmsd(r, json_array_get(arr, i), depth + 1, &subs[i]))
				return -1;
			path_pop(r, o2);
		}
		path_pop(r, old);
		v->subsections = subs;
		v->n_subsections = n;
	}
	return 0;
}

static int read_section(struct reader *r, const char *key, const json_t *j,
			struct pc_qdump_section *s)
{
	json_t *d;
	long long x;

	if (expect_object(r, j))
		return -1;
	s->name = arena_strdup(&r->arena, key, strlen(key));
	if (get_string(r, j, "Name", &s->type_name) ||
	    get_int(r, j, "version_id", false, 0, PC_QDUMP_MAX_VERSION, &x))
		return -1;
	s->version_id = (int)x;
	if (get_int(r, j, "minimum_version_id", false, 0, PC_QDUMP_MAX_VERSION, &x))
		return -1;
	s->minimum_version_id = (int)x;
	if (member(r, j, "Description", true, &d))
		return -1;
	if (d) {
		struct pc_qdump_vmsd *v = arena_alloc(&r->arena, sizeof(*v));
		size_t old = path_push_key(r, "Description");

		if (read_vmsd(r, d, 1, v))
			return -1;
		path_pop(r, old);
		s->desc = v;
	}
	return 0;
}

/* --- lookup tables ------------------------------------------------------ */

static uint32_t *index_slot(uint32_t *tab, size_t mask,
			    const struct pc_qdump_section *secs, bool by_desc,
			    const char *name)
{
	size_t i = pc_hash64(name, strlen(name), 0) & mask;

	for (;; i = (i + 1) & mask) {
		const struct pc_qdump_section *s;
		const char *k;

		if (!tab[i])
			return &tab[i];
		s = &secs[tab[i] - 1];
		k = by_desc ? s->desc->name : s->name;
		if (!strcmp(k, name))
			return &tab[i];
	}
}

static void build_index(struct pc_qdump *d)
{
	size_t size = 16;

	while (size < 2 * d->n_sections + 2)
		size *= 2;
	d->index_mask = size - 1;
	d->by_name = pc_xcalloc(size, sizeof(*d->by_name));
	d->by_desc = pc_xcalloc(size, sizeof(*d->by_desc));
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct pc_qdump_section *s = &d->sections[i];
		uint32_t *slot;

		slot = index_slot(d->by_name, d->index_mask, d->sections, false,
				  s->name);
		*slot = (uint32_t)i + 1;
		if (!s->desc)
			continue;
		/* several types may share a description: the first one wins */
		slot = index_slot(d->by_desc, d->index_mask, d->sections, true,
				  s->desc->name);
		if (!*slot)
			*slot = (uint32_t)i + 1;
	}
}

const struct pc_qdump_section *pc_qdump_find(const struct pc_qdump *d,
					     const char *name)
{
	uint32_t *slot = index_slot(d->by_name, d->index_mask, d->sections,
				    false, name);

	return *slot ? &d->sections[*slot - 1] : NULL;
}

const struct pc_qdump_section *pc_qdump_find_desc(const struct pc_qdump *d,
						  const char *desc_name)
{
	uint32_t *slot = index_slot(d->by_desc, d->index_mask, d->sections,
				    true, desc_name);

	return *slot ? &d->sections[*slot - 1] : NULL;
}

/* --- top level ------------------------------------------------------------ */

static int read_dump(struct reader *r, const json_t *root, struct pc_qdump *d)
{
	struct pc_qdump_section *secs;
	const char *key;
	json_t *val, *m;
	size_t n = 0, old;

	if (expect_object(r, root))
		return -1;
	if (member(r, root, "vmschkmachine", false, &m))
		return -1;
	old = path_push_key(r, "vmschkmachine");
	if (expect_object(r, m) || get_string(r, m, "Name", &d->machine))
		return -1;
	path_pop(r, old);

	if (json_object_size(root) - 1 > PC_QDUMP_MAX_SECTIONS)
		return rd_error(r, PC_E_LIMIT, "%zu sections, more than the limit of %u",
				json_object_size(root) - 1, PC_QDUMP_MAX_SECTIONS);
	secs = arena_alloc(&r->arena, json_object_size(root) * sizeof(*secs));
	/* jansson iterates objects in file order (insertion order) */
	json_object_foreach((json_t *)(uintptr_t)root, key, val) {
		if (!strcmp(key, "vmschkmachine"))
			continue;
		old = path_push_key(r, key);
		if (strlen(key) == 0 || strlen(key) > PC_QDUMP_MAX_NAME)
			return rd_error(r, PC_E_INPUT, "section name of %zu bytes (expected 1..%u)",
					strlen(key), PC_QDUMP_MAX_NAME);
		if (read_section(r, key, val, &secs[n]))
			return -1;
		path_pop(r, old);
		n++;
	}
	d->sections = secs;
	d->n_sections = n;
	return 0;
}

struct pc_qdump *pc_qdump_parse(const char *buf, size_t len, const char *label,
				struct pc_err *err)
{
	struct reader r;
	struct pc_qdump *d;
	json_error_t jerr;
	json_t *root;

	if (len > PC_QDUMP_MAX_FILE) {
		pc_err_setc(err, PC_E_LIMIT,
			    "%s: %zu bytes, more than the limit of %u", label,
			   len, PC_QDUMP_MAX_FILE);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		pc_err_set(err, "%s:%d:%d: not a valid JSON dump: %s", label,
			   jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	d = pc_xcalloc(1, sizeof(*d));
	r.label = label;
	r.depth = 0;
	r.arena = NULL;
	r.err = err;
	if (read_dump(&r, root, d)) {
		json_decref(root);
		d->arena = r.arena;
		pc_qdump_free(d);
		return NULL;
	}
	json_decref(root);
	d->label = arena_strdup(&r.arena, label, strlen(label));
	d->arena = r.arena;
	build_index(d);
	return d;
}

struct pc_qdump *pc_qdump_load(const char *path, struct pc_err *err)
{
	struct pc_qdump *d;
	char *buf;
	size_t len;

	if (pc_read_file(path, PC_QDUMP_MAX_FILE, &buf, &len, err))
		return NULL;
	d = pc_qdump_parse(buf, len, path, err);
	free(buf);
	return d;
}

void pc_qdump_free(struct pc_qdump *d)
{
	struct pc_qdump_arena *a, *next;

	if (!d)
		return;
	for (a = d->arena; a; a = next) {
		next = a->next;
		free(a);
	}
	free(d->by_name);
	free(d->by_desc);
	free(d);
}

/* --- wire helpers ------------------------------------------------------- */

bool pc_qdump_field_is_padding(const struct pc_qdump_field *f)
{
	return !strcmp(f->name, "unused");
}

uint64_t pc_qdump_field_count(const struct pc_qdump_field *f)
{
	/* the reader bounds every count (qemu-dump.h) */
	assert(f->num <= PC_QDUMP_MAX_NUM && (f->has_num || !f->num));
	return f->has_num ? f->num : 1;
}

bool pc_qdump_field_present(const struct pc_qdump_field *f, int version)
{
	/* QEMU's vmstate_field_exists(), as both engines apply it */
	return pc_wire_field_loaded(f->version_id, f->field_exists, version);
}

/* Saturating arithmetic: byte counts only need to compare equal or not. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

uint64_t pc_qdump_vmsd_wire_size(const struct pc_qdump_vmsd *v, int version)
{
	uint64_t total = 0;

	for (size_t i = 0; i < v->n_fields; i++)
		if (pc_qdump_field_present(&v->fields[i], version))
			total = sat_add(total,
					pc_qdump_field_wire_size(&v->fields[i]));
	return total;
}

uint64_t pc_qdump_field_wire_size(const struct pc_qdump_field *f)
{
	uint64_t elem;

	assert(f->size <= PC_QDUMP_MAX_SIZE);
	elem = f->desc ? pc_qdump_vmsd_wire_size(f->desc, f->desc->version_id)
		       : f->size;

	return sat_mul(pc_qdump_field_count(f), elem);
}
