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
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "banned.h"

/* --- arena: every node and string of one dump, freed at once ----------- */

struct pc_qdump_arena {
	struct pc_qdump_arena *next;
	size_t used, cap;
	max_align_t data[];
};

/* large enough to be mmap()ed: no heap fragmentation around jansson's nodes */
#define ARENA_CHUNK (1024u * 1024u)

/* 'n' bytes at a multiple of 'align' (a power of two), zeroed. */
static void *arena_alloc_at(struct pc_qdump_arena **head, size_t n, size_t align)
{
	struct pc_qdump_arena *a = *head;
	size_t off = a ? (a->used + align - 1) & ~(align - 1) : 0;
	char *p;

	if (!a || off > a->cap || a->cap - off < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		a = pc_xmalloc(sizeof(*a) + cap);
		a->used = 0;
		a->cap = cap;
		off = 0;
		/* a big block goes behind the current one, which keeps its room */
		if (*head && n > ARENA_CHUNK) {
			a->next = (*head)->next;
			(*head)->next = a;
		} else {
			a->next = *head;
			*head = a;
		}
	}
	p = (char *)a->data + off;
	a->used = off + n;
	memset(p, 0, n);
	return p;
}

static void *arena_alloc(struct pc_qdump_arena **head, size_t n)
{
	return arena_alloc_at(head, n, sizeof(max_align_t));
}

/* 'n' items of 'size' bytes at 'src' copied into the arena (an empty
 * array still gets its own address) */
static void *arena_dup(struct pc_qdump_arena **head, const void *src, size_t n,
		       size_t size)
{
	void *a = arena_alloc(head, n * size + 1);

	if (n)
		memcpy(a, src, n * size);
	return a;
}

/* names are packed: most are a few bytes */
static const char *arena_strdup(struct pc_qdump_arena **head, const char *s,
				size_t len)
{
	char *p = arena_alloc_at(head, len + 1, 1);

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

/* False when two sections have the same name (only the stream reader
 * can meet that: jansson refuses duplicate keys). */
static bool build_index(struct pc_qdump *d)
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
		if (*slot)
			return false;
		*slot = (uint32_t)i + 1;
		if (!s->desc)
			continue;
		/* several types may share a description: the first one wins */
		slot = index_slot(d->by_desc, d->index_mask, d->sections, true,
				  s->desc->name);
		if (!*slot)
			*slot = (uint32_t)i + 1;
	}
	return true;
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
	if (expect_object(r, m) || get_string(r, m, "Name", &d->machine) ||
	    (json_object_get(m, "Rendered-by") &&
	     get_string(r, m, "Rendered-by", &d->rendered_by)))
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

struct pc_qdump *pc_qdump_parse_tree(const char *buf, size_t len,
				     const char *label, struct pc_err *err)
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
	(void)build_index(d); /* no duplicates: jansson refused them */
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

/* --- the streaming reader: yajl events straight into the model --------- */

/*
 * Reading a 15 MB dump through a jansson tree costs ten times what
 * reading its events does (the tree's nodes, hash tables and their
 * release).  So a dump is first read as a stream of yajl events into the
 * model; the tree reader above stays the authority on everything that is
 * not a well-formed dump.  The stream reader only accepts what the tree
 * reader accepts, with the same model, and declines everything else
 * (NULL, no message): a malformed dump is then read again by the tree
 * reader, which words the error as ever (its JSON path, jansson's line
 * and column).  To keep the two equal by construction, it declines more
 * than it must: text with a backslash, a byte above 0x7f or a control
 * character other than tab, CR and LF (so strings are plain ASCII with
 * no escapes, and jansson and yajl agree on every token), a real number,
 * a duplicate key, nesting deeper than it needs, and any value the tree
 * reader would refuse.  Real dumps have none of these.
 */

/* What an open object or array of the stream is. */
enum sk {
	SK_ROOT, SK_MACHINE, SK_SECTION, SK_VMSD, SK_FIELD, /* objects */
	SK_FIELDS, SK_SUBS,                                 /* arrays */
	SK_SKIP_OBJ, SK_SKIP_ARR,  /* the value of a key the reader ignores */
};

/* The keys the reader reads, one bit each (a frame's 'seen' and 'key'). */
enum {
	K_MACHINE = 1 << 0, K_SECTION = 1 << 1, K_UNAME = 1 << 2,
	K_VERSION = 1 << 3, K_MINVER = 1 << 4, K_DESC = 1 << 5,
	K_NAME = 1 << 6, K_FIELDS = 1 << 7, K_SUBS = 1 << 8,
	K_FIELD = 1 << 9, K_EXISTS = 1 << 10, K_NUM = 1 << 11, K_SIZE = 1 << 12,
	K_RENDERED = 1 << 13,
};

/* nesting the format needs (root, section, then per level a description,
 * its Fields or Subsections and a field) plus room for ignored values */
#define STREAM_MAX_FRAMES (3 * PC_QDUMP_MAX_DEPTH + 64)
/* ignored keys of one object compared with each other (more: declined) */
#define STREAM_MAX_SKIP_KEYS 32

struct sframe {
	enum sk kind;
	unsigned seen;        /* keys met */
	unsigned key;         /* the key whose value is next (0: ignored) */
	int depth;            /* description nesting, as the tree reader counts */
	size_t n_elems;       /* array elements so far */
	size_t n_skip;        /* ignored keys met, in skip_keys */
	char *skip_keys[STREAM_MAX_SKIP_KEYS];
	union {
		struct pc_qdump_section s;
		struct pc_qdump_vmsd v;
		struct pc_qdump_field f;
	} u;
	/* a description's fields and subsections until it closes (kept
	 * between uses of the frame) */
	struct pc_qdump_field *fields;
	size_t n_fields, alloc_fields;
	struct pc_qdump_vmsd *subs;
	size_t n_subs, alloc_subs;
};

struct sreader {
	struct sframe frames[STREAM_MAX_FRAMES];
	size_t depth;               /* frames in use */
	bool done;                  /* the root object closed */
	struct pc_qdump_arena *arena;
	const char *machine;
	const char *rendered_by;
	struct pc_qdump_section *secs;
	size_t n_secs, alloc_secs;
};

/* A byte both parsers read alike: printable ASCII but '\\', tab, LF, CR. */
static bool stream_plain_byte(unsigned char c)
{
	return (c >= 0x20 && c < 0x80 && c != '\\') || c == '\n' || c == '\t' ||
	       c == '\r';
}

/* sixteen bytes at once (GNU C vector extensions: SSE2 on x86-64) */
typedef unsigned char screen_v16 __attribute__((vector_size(16)));

/*
 * Plain JSON text both parsers read alike (see above), sixteen bytes at a
 * time: no byte above 0x7f, no '\\', no byte below 0x20 but tab, LF, CR.
 */
static bool stream_plain(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		screen_v16 v, bad;
		uint64_t w[2];

		memcpy(&v, p + i, 16);
		bad = (screen_v16)((v >= 0x80) | (v == '\\') |
				   ((v < 0x20) & (v != '\n') & (v != '\t') & (v != '\r')));
		memcpy(w, &bad, 16);
		if (w[0] | w[1])
			return false;
	}
	for (; i < n; i++)
		if (!stream_plain_byte(p[i]))
			return false;
	return true;
}

static struct sframe *stream_top(struct sreader *r)
{
	return r->depth ? &r->frames[r->depth - 1] : NULL;
}

static struct sframe *stream_push(struct sreader *r, enum sk kind, int depth)
{
	struct sframe *f;

	if (r->depth == STREAM_MAX_FRAMES)
		return NULL;
	f = &r->frames[r->depth++];
	f->kind = kind;
	f->seen = 0;
	f->key = 0;
	f->depth = depth;
	f->n_elems = 0;
	f->n_skip = 0;
	memset(&f->u, 0, sizeof(f->u));
	f->n_fields = 0;
	f->n_subs = 0;
	return f;
}

/* Is a value here one the reader ignores (any JSON)? */
static bool stream_ignored(const struct sframe *f)
{
	switch (f->kind) {
	case SK_SKIP_OBJ:
	case SK_SKIP_ARR:
		return true;
	case SK_FIELDS:
	case SK_SUBS:
		return false;
	case SK_ROOT: case SK_MACHINE: case SK_SECTION: case SK_VMSD: case SK_FIELD:
		break;
	}
	return !f->key;
}

static unsigned stream_key_bit(enum sk kind, const char *k, size_t len)
{
	static const struct {
		enum sk kind;
		unsigned len;
		const char *name;
		unsigned bit;
	} keys[] = {
#define KEY(kind, name, bit) { kind, sizeof(name) - 1, name, bit }
		KEY(SK_ROOT, "vmschkmachine", K_MACHINE),
		KEY(SK_MACHINE, "Name", K_UNAME),
		KEY(SK_MACHINE, "Rendered-by", K_RENDERED),
		KEY(SK_SECTION, "Name", K_UNAME),
		KEY(SK_SECTION, "version_id", K_VERSION),
		KEY(SK_SECTION, "minimum_version_id", K_MINVER),
		KEY(SK_SECTION, "Description", K_DESC),
		KEY(SK_VMSD, "name", K_NAME),
		KEY(SK_VMSD, "version_id", K_VERSION),
		KEY(SK_VMSD, "minimum_version_id", K_MINVER),
		KEY(SK_VMSD, "Fields", K_FIELDS),
		KEY(SK_VMSD, "Subsections", K_SUBS),
		KEY(SK_FIELD, "field", K_FIELD),
		KEY(SK_FIELD, "version_id", K_VERSION),
		KEY(SK_FIELD, "field_exists", K_EXISTS),
		KEY(SK_FIELD, "num", K_NUM),
		KEY(SK_FIELD, "size", K_SIZE),
		KEY(SK_FIELD, "Description", K_DESC),
#undef KEY
	};

	/* the keys of each object kind: [first[kind], first[kind + 1]) */
	static const unsigned char first[] = {
		[SK_ROOT] = 0, [SK_MACHINE] = 1, [SK_SECTION] = 3, [SK_VMSD] = 7,
		[SK_FIELD] = 12, [SK_FIELDS] = 18,
	};

	if (kind > SK_FIELD)
		return 0;
	assert(keys[first[kind]].kind == kind && keys[first[kind + 1] - 1].kind == kind);
	for (size_t i = first[kind]; i < first[kind + 1]; i++)
		if (keys[i].len == len && !memcmp(keys[i].name, k, len))
			return keys[i].bit;
	return 0;
}

/* An ignored key: kept to refuse its duplicate, as jansson would. */
static bool stream_skip_key(struct sframe *f, const char *k, size_t len)
{
	for (size_t i = 0; i < f->n_skip; i++)
		if (strlen(f->skip_keys[i]) == len && !memcmp(f->skip_keys[i], k, len))
			return false;
	if (f->n_skip == STREAM_MAX_SKIP_KEYS)
		return false;
	f->skip_keys[f->n_skip++] = pc_xstrndup(k, len);
	return true;
}

static void stream_free_skip(struct sframe *f)
{
	for (size_t i = 0; i < f->n_skip; i++)
		free(f->skip_keys[i]);
	f->n_skip = 0;
}

static int cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct sreader *r = ctx;
	struct sframe *f = stream_top(r);
	const char *k = (const char *)key;
	unsigned bit;

	if (!f)
		return 0; /* yajl calls this inside an object only */
	bit = f->kind == SK_SKIP_OBJ ? 0 : stream_key_bit(f->kind, k, len);

	if (f->kind == SK_ROOT && !bit) {
		/* a section: its name is the key (duplicates: build_index) */
		if (len == 0 || len > PC_QDUMP_MAX_NAME ||
		    r->n_secs == PC_QDUMP_MAX_SECTIONS)
			return 0;
		PC_ALLOC_GROW(r->secs, r->n_secs + 1, r->alloc_secs);
		memset(&r->secs[r->n_secs], 0, sizeof(r->secs[0]));
		r->secs[r->n_secs].name = arena_strdup(&r->arena, k, len);
		f->key = K_SECTION;
		return 1;
	}
	if (!bit) {
		f->key = 0;
		return stream_skip_key(f, k, len);
	}
	if (f->seen & bit)
		return 0;
	f->seen |= bit;
	f->key = bit;
	return 1;
}

/* A name ("Name", "name", "field"): 1..PC_QDUMP_MAX_NAME bytes. */
static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct sreader *r = ctx;
	struct sframe *f = stream_top(r);
	const char **to = NULL;

	if (!f)
		return 0;
	if (stream_ignored(f))
		return 1;
	if (f->kind == SK_MACHINE && f->key == K_UNAME)
		to = &r->machine;
	else if (f->kind == SK_MACHINE && f->key == K_RENDERED)
		to = &r->rendered_by;
	else if (f->kind == SK_SECTION && f->key == K_UNAME)
		to = &f->u.s.type_name;
	else if (f->kind == SK_VMSD && f->key == K_NAME)
		to = &f->u.v.name;
	else if (f->kind == SK_FIELD && f->key == K_FIELD)
		to = &f->u.f.name;
	if (!to || len == 0 || len > PC_QDUMP_MAX_NAME)
		return 0;
	*to = arena_strdup(&r->arena, (const char *)s, len);
	return 1;
}

/* The integer members and their ranges, as the tree reader has them. */
static int cb_integer(void *ctx, long long x)
{
	struct sreader *r = ctx;
	struct sframe *f = stream_top(r);
	long long max = PC_QDUMP_MAX_VERSION;

	if (!f)
		return 0;
	if (stream_ignored(f))
		return 1;
	if (f->kind == SK_FIELD && f->key == K_NUM)
		max = PC_QDUMP_MAX_NUM;
	else if (f->kind == SK_FIELD && f->key == K_SIZE)
		max = PC_QDUMP_MAX_SIZE;
	else if (f->key != K_VERSION && f->key != K_MINVER)
		return 0;
	if (x < 0 || x > max)
		return 0;
	switch (f->kind) {
	case SK_SECTION:
		*(f->key == K_VERSION ? &f->u.s.version_id
				      : &f->u.s.minimum_version_id) = (int)x;
		return 1;
	case SK_VMSD:
		*(f->key == K_VERSION ? &f->u.v.version_id
				      : &f->u.v.minimum_version_id) = (int)x;
		return 1;
	case SK_FIELD:
		if (f->key == K_NUM) {
			f->u.f.has_num = true;
			f->u.f.num = (uint32_t)x;
		} else if (f->key == K_SIZE) {
			f->u.f.size = (uint64_t)x;
		} else if (f->key == K_VERSION) {
			f->u.f.version_id = (int)x;
		} else {
			return 0;
		}
		return 1;
	case SK_ROOT: case SK_MACHINE: case SK_FIELDS: case SK_SUBS:
	case SK_SKIP_OBJ: case SK_SKIP_ARR:
		break;
	}
	return 0;
}

static int cb_boolean(void *ctx, int b)
{
	struct sreader *r = ctx;
	struct sframe *f = stream_top(r);

	if (!f)
		return 0;
	if (stream_ignored(f))
		return 1;
	if (f->kind != SK_FIELD || f->key != K_EXISTS)
		return 0;
	f->u.f.field_exists = b;
	return 1;
}

/* null: only where a value is ignored */
static int cb_null(void *ctx)
{
	struct sframe *f = stream_top(ctx);

	return f && stream_ignored(f);
}

/* a real number: jansson may overflow where yajl does not; the tree
 * reader decides */
static int cb_double(void *ctx, double x)
{
	return 0;
}

/* The frame an object opens, from where it is. */
static bool stream_open(struct sreader *r, bool array)
{
	struct sframe *f = stream_top(r);
	enum sk kind;
	int depth = f ? f->depth : 0;

	if (!f)
		kind = SK_ROOT;
	else if (f->kind == SK_FIELDS)
		kind = SK_FIELD;
	else if (f->kind == SK_SUBS)
		kind = SK_VMSD, depth++;
	else if (stream_ignored(f))
		kind = array ? SK_SKIP_ARR : SK_SKIP_OBJ;
	else if (f->key == K_MACHINE)
		kind = SK_MACHINE;
	else if (f->key == K_SECTION)
		kind = SK_SECTION;
	else if (f->key == K_DESC)
		kind = SK_VMSD, depth++;
	else if (f->key == K_FIELDS)
		kind = SK_FIELDS;
	else if (f->key == K_SUBS)
		kind = SK_SUBS;
	else
		return false;
	if ((kind == SK_FIELDS || kind == SK_SUBS || kind == SK_SKIP_ARR) != array)
		return false;
	if (kind == SK_VMSD && depth > PC_QDUMP_MAX_DEPTH)
		return false;
	if (f && (f->kind == SK_FIELDS || f->kind == SK_SUBS) &&
	    ++f->n_elems > (f->kind == SK_FIELDS ? PC_QDUMP_MAX_FIELDS
						 : PC_QDUMP_MAX_SUBSECTIONS))
		return false;
	return stream_push(r, kind, depth) != NULL;
}

static int cb_start_map(void *ctx)
{
	return stream_open(ctx, false);
}

static int cb_start_array(void *ctx)
{
	return stream_open(ctx, true);
}

/* A description closed: its arrays into the arena, itself to its parent. */
static bool stream_close_vmsd(struct sreader *r, struct sframe *f,
			      struct sframe *parent)
{
	struct pc_qdump_vmsd *v = &f->u.v, *box;

	if ((f->seen & (K_NAME | K_VERSION | K_MINVER)) !=
	    (K_NAME | K_VERSION | K_MINVER))
		return false;
	if (f->seen & K_FIELDS) {
		v->has_fields = true;
		v->fields = arena_dup(&r->arena, f->fields, f->n_fields, sizeof(*f->fields));
		v->n_fields = f->n_fields;
	}
	if (f->seen & K_SUBS) {
		v->has_subsections = true;
		v->subsections = arena_dup(&r->arena, f->subs, f->n_subs, sizeof(*f->subs));
		v->n_subsections = f->n_subs;
	}
	if (parent->kind == SK_SUBS) {
		struct sframe *owner = parent - 1;

		PC_ALLOC_GROW(owner->subs, owner->n_subs + 1, owner->alloc_subs);
		owner->subs[owner->n_subs++] = *v;
		return true;
	}
	box = arena_alloc(&r->arena, sizeof(*box));
	*box = *v;
	if (parent->kind == SK_SECTION)
		parent->u.s.desc = box;
	else
		parent->u.f.desc = box;
	return true;
}

static bool stream_close(struct sreader *r, struct sframe *f,
			 struct sframe *parent)
{
	switch (f->kind) {
	case SK_ROOT:
		r->done = true;
		return f->seen & K_MACHINE;
	case SK_MACHINE:
		return f->seen & K_UNAME;
	case SK_SECTION:
		if ((f->seen & (K_UNAME | K_VERSION | K_MINVER)) !=
		    (K_UNAME | K_VERSION | K_MINVER))
			return false;
		f->u.s.name = r->secs[r->n_secs].name;
		r->secs[r->n_secs++] = f->u.s;
		return true;
	case SK_VMSD:
		return stream_close_vmsd(r, f, parent);
	case SK_FIELD: {
		struct sframe *owner = parent - 1;

		if ((f->seen & (K_FIELD | K_VERSION | K_SIZE)) !=
		    (K_FIELD | K_VERSION | K_SIZE))
			return false;
		PC_ALLOC_GROW(owner->fields, owner->n_fields + 1,
			      owner->alloc_fields);
		owner->fields[owner->n_fields++] = f->u.f;
		return true;
	}
	case SK_FIELDS: case SK_SUBS: case SK_SKIP_OBJ: case SK_SKIP_ARR:
		return true;
	}
	return false;
}

static int cb_end(void *ctx)
{
	struct sreader *r = ctx;
	struct sframe *f = stream_top(r);
	bool ok;

	if (!f)
		return 0; /* yajl calls this inside an object or array only */
	stream_free_skip(f);
	r->depth--;
	ok = stream_close(r, f, stream_top(r));
	return ok;
}

static const yajl_callbacks stream_callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_integer = cb_integer,
	.yajl_double = cb_double,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

/* Release what the stream reader holds besides the model's arena. */
static void stream_release(struct sreader *r, yajl_handle h)
{
	for (size_t i = 0; i < STREAM_MAX_FRAMES; i++) {
		struct sframe *f = &r->frames[i];

		if (i < r->depth)
			stream_free_skip(f);
		free(f->fields);
		free(f->subs);
	}
	free(r->secs);
	yajl_free(h);
}

static struct sreader *stream_begin(yajl_handle *h)
{
	struct sreader *r = pc_xcalloc(1, sizeof(*r));

	*h = yajl_alloc(&stream_callbacks, NULL, r);
	if (!*h)
		abort(); /* out of memory, as pc_xmalloc() */
	/* ASCII only (stream_plain()): nothing to validate */
	yajl_config(*h, yajl_dont_validate_strings, 1);
	return r;
}

/* The next 'len' bytes of the document; '*last': its last byte that is
 * not whitespace so far (pc_json_last_byte()). */
static bool stream_feed(yajl_handle h, const char *buf, size_t len, int *last)
{
	*last = pc_json_last_byte(buf, len, *last);
	return stream_plain((const unsigned char *)buf, len) &&
	       yajl_parse(h, (const unsigned char *)buf, len) == yajl_status_ok;
}

/* The model, or NULL when the stream was declined ('ok' false included;
 * 'last': the document's last byte that is not whitespace, which must
 * close the root object). */
static struct pc_qdump *stream_end(struct sreader *r, yajl_handle h, bool ok,
				   int last, const char *label)
{
	struct pc_qdump *d = pc_xcalloc(1, sizeof(*d));
	struct pc_qdump_section *secs;

	ok = ok && last == '}' && yajl_complete_parse(h) == yajl_status_ok &&
	     r->done;
	if (ok) {
		secs = arena_alloc(&r->arena, (r->n_secs + 1) * sizeof(*secs));
		if (r->n_secs)
			memcpy(secs, r->secs, r->n_secs * sizeof(*secs));
		d->sections = secs;
		d->n_sections = r->n_secs;
		d->machine = r->machine;
		d->rendered_by = r->rendered_by;
		d->label = arena_strdup(&r->arena, label, strlen(label));
	}
	d->arena = r->arena;
	stream_release(r, h);
	free(r);
	if (!ok || !build_index(d)) {
		pc_qdump_free(d);
		return NULL;
	}
	return d;
}

struct pc_qdump *pc_qdump_parse_stream(const char *buf, size_t len,
				       const char *label)
{
	yajl_handle h;
	struct sreader *r;
	int last = 0;
	bool ok;

	if (len > PC_QDUMP_MAX_STREAM_FILE)
		return NULL;
	r = stream_begin(&h);
	ok = stream_feed(h, buf, len, &last);
	return stream_end(r, h, ok, last, label);
}

struct pc_qdump *pc_qdump_parse(const char *buf, size_t len, const char *label,
				struct pc_err *err)
{
	struct pc_qdump *d = pc_qdump_parse_stream(buf, len, label);

	return d ? d : pc_qdump_parse_tree(buf, len, label, err);
}

/* A regular file read in chunks into the stream reader: the file itself
 * is never held in memory.  NULL when declined or unreadable. */
static struct pc_qdump *stream_load(const char *path)
{
	enum { CHUNK = 256 * 1024 };
	struct pc_err ignored = { 0 };
	int fd = pc_open_input(path, &ignored);
	char *chunk;
	size_t total = 0;
	yajl_handle h;
	struct sreader *r;
	bool ok = true;
	int last = 0;

	if (fd < 0)
		return NULL;
	chunk = pc_xmalloc(CHUNK);
	r = stream_begin(&h);
	for (;;) {
		ssize_t n = read(fd, chunk, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = ok && n == 0;
			break;
		}
		total += (size_t)n;
		if (total > PC_QDUMP_MAX_STREAM_FILE ||
		    !stream_feed(h, chunk, (size_t)n, &last)) {
			ok = false;
			break;
		}
	}
	close(fd);
	free(chunk);
	return stream_end(r, h, ok, last, path);
}

struct pc_qdump *pc_qdump_load(const char *path, struct pc_err *err)
{
	struct pc_qdump *d = stream_load(path);
	char *buf;
	size_t len;

	if (d)
		return d;
	/* declined: the tree reader says why, or reads what was declined */
	if (pc_read_file(path, PC_QDUMP_MAX_FILE, &buf, &len, err))
		return NULL;
	d = pc_qdump_parse_tree(buf, len, path, err);
	free(buf);
	return d;
}

struct load_pair {
	const char *paths[2];
	struct pc_qdump *dumps[2];
	struct pc_err errs[2];
};

static void load_one(void *ctx, size_t i)
{
	struct load_pair *lp = ctx;

	lp->dumps[i] = pc_qdump_load(lp->paths[i], &lp->errs[i]);
}

int pc_qdump_load_pair(const char *a, const char *b, struct pc_qdump *out[2],
		       struct pc_err *err)
{
	struct load_pair lp = { { a, b }, { NULL, NULL }, { { 0 }, { 0 } } };

	pc_parallel_for(2, 2, load_one, &lp);
	for (int k = 0; k < 2; k++) {
		if (lp.dumps[k])
			continue;
		pc_err_setc(err, lp.errs[k].code, "%s", lp.errs[k].msg);
		pc_qdump_free(lp.dumps[0]);
		pc_qdump_free(lp.dumps[1]);
		out[0] = out[1] = NULL;
		return -1;
	}
	out[0] = lp.dumps[0];
	out[1] = lp.dumps[1];
	return 0;
}

/* --- wire helpers ------------------------------------------------------- */

static bool vmsd_has_num(const struct pc_qdump_vmsd *v)
{
	for (size_t i = 0; v && i < v->n_fields; i++)
		if (v->fields[i].has_num || vmsd_has_num(v->fields[i].desc))
			return true;
	for (size_t i = 0; v && i < v->n_subsections; i++)
		if (vmsd_has_num(&v->subsections[i]))
			return true;
	return false;
}

bool pc_qdump_section_unmigratable(const struct pc_qdump_section *s)
{
	return s->version_id == 0 && s->minimum_version_id == 0 && s->desc &&
	       s->desc->version_id == 0 && s->desc->minimum_version_id == 0 &&
	       !s->desc->has_fields && !s->desc->has_subsections;
}

bool pc_qdump_counts_unknown(const struct pc_qdump *d)
{
	if (d->rendered_by)
		return false;
	for (size_t i = 0; i < d->n_sections; i++)
		if (vmsd_has_num(d->sections[i].desc))
			return false;
	return true;
}

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

int pc_qdump_check_names(const struct pc_qdump *d, struct pc_err *err)
{
	for (size_t i = 0; i < d->n_sections; i++) {
		const struct pc_qdump_section *s = &d->sections[i];

		if (!strcmp(s->name, s->type_name))
			continue;
		return pc_err_set(err, "%s: $.%s.Name: the section's key '%s' and its Name '%s' differ: QEMU's -dump-vmstate writes the type name for both, so which name is the section's is ambiguous (an edited file; qemu-diff --trust-section-keys goes by the key, as QEMU's checker does)",
				  d->label, s->name, s->name, s->type_name);
	}
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_vmsd(const struct pc_qdump_vmsd *a,
		      const struct pc_qdump_vmsd *b);

static bool same_field(const struct pc_qdump_field *a,
		       const struct pc_qdump_field *b)
{
	if (!same_str(a->name, b->name) || a->version_id != b->version_id ||
	    a->field_exists != b->field_exists || a->has_num != b->has_num ||
	    a->num != b->num || a->size != b->size || !a->desc != !b->desc)
		return false;
	return !a->desc || same_vmsd(a->desc, b->desc);
}

static bool same_vmsd(const struct pc_qdump_vmsd *a,
		      const struct pc_qdump_vmsd *b)
{
	if (!same_str(a->name, b->name) || a->version_id != b->version_id ||
	    a->minimum_version_id != b->minimum_version_id ||
	    a->has_fields != b->has_fields || a->n_fields != b->n_fields ||
	    a->has_subsections != b->has_subsections ||
	    a->n_subsections != b->n_subsections)
		return false;
	for (size_t i = 0; i < a->n_fields; i++)
		if (!same_field(&a->fields[i], &b->fields[i]))
			return false;
	for (size_t i = 0; i < a->n_subsections; i++)
		if (!same_vmsd(&a->subsections[i], &b->subsections[i]))
			return false;
	return true;
}

bool pc_qdump_same(const struct pc_qdump *a, const struct pc_qdump *b)
{
	if (!same_str(a->machine, b->machine) ||
	    !same_str(a->rendered_by, b->rendered_by) || a->n_sections != b->n_sections)
		return false;
	for (size_t i = 0; i < a->n_sections; i++) {
		const struct pc_qdump_section *x = &a->sections[i];
		const struct pc_qdump_section *y = &b->sections[i];

		if (!same_str(x->name, y->name) ||
		    !same_str(x->type_name, y->type_name) ||
		    x->version_id != y->version_id ||
		    x->minimum_version_id != y->minimum_version_id ||
		    !x->desc != !y->desc ||
		    (x->desc && !same_vmsd(x->desc, y->desc)))
			return false;
	}
	return true;
}
