/*
 * bstream.c - a release baseline read as a stream of yajl events straight
 * into its machine types and resolved index (bstream.h).
 *
 * Reading the twenty baselines of a tree through jansson trees was a
 * quarter of the main job: the trees' nodes and hash tables, their
 * release, and the words of every vector copied again before they were
 * decoded.  Here each event lands in the model as it comes: a vector's
 * words are decoded from the string yajl hands over, in place.
 *
 * The tree reader in baseline.c stays the authority on everything that is
 * not a well-formed baseline.  This reader only accepts what the tree
 * reader accepts, building the same model, and declines everything else
 * (no message): the caller then reads the file again with the tree reader,
 * which words the error as ever (its JSON path, jansson's line and
 * column).  To keep the two equal by construction it declines more than
 * it must: text json_simple() refuses (so strings are ASCII with no
 * escape but the one-letter ones, and jansson and yajl agree on every
 * token), a real number, null or a boolean anywhere, an unknown or
 * repeated key, a "recorded_by" other than a string, a key whose value it
 * needs met after
 * the value that needs it (a delta before its base, the index before the
 * machine types or before its objects, sections and values), and every
 * value the tree reader would refuse.  dump-abi writes none of these.
 */
#include "bstream.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "banned.h"

/* sixteen bytes at once (GNU C vector extensions: SSE2 on x86-64) */
typedef unsigned char screen_v16 __attribute__((vector_size(16)));

/* A byte both parsers read alike outside escapes: printable ASCII, tab,
 * LF, CR. */
static bool plain_byte(unsigned char c)
{
	return (c >= 0x20 && c < 0x80) || c == '\n' || c == '\t' || c == '\r';
}

/*
 * JSON text that jansson and yajl read alike, token for token: plain bytes
 * (sixteen at a time), and a '\\' only as one of the escapes both decode
 * to one byte alike (not \\u: the two differ on a lone surrogate, and
 * jansson refuses \\u0000).
 */
static bool json_simple(const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	const char *b = text, *end = text + n;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		screen_v16 v, bad;
		uint64_t w[2];

		memcpy(&v, p + i, 16);
		bad = (screen_v16)((v >= 0x80) |
				   ((v < 0x20) & (v != '\n') & (v != '\t') & (v != '\r')));
		memcpy(w, &bad, 16);
		if (w[0] | w[1])
			return false;
	}
	for (; i < n; i++)
		if (!plain_byte(p[i]))
			return false;
	while ((b = memchr(b, '\\', (size_t)(end - b))) != NULL) {
		if (b + 1 == end || !strchr("\"\\/bfnrt", b[1]) || !b[1])
			return false;
		b += 2;
	}
	return true;
}

/* What an open object or array of the stream is. */
enum bk {
	B_ROOT, B_MACHINE, B_ARRAY, B_RESOLVED, B_VM,    /* objects */
	B_MACHINES, B_ALIASES, B_CHAIN, B_COMPAT, B_ENTRIES, B_ENTRY,
	B_OBJECTS, B_SECTIONS, B_SECTION, B_VALUES, B_VMS, B_VECTOR, B_DELTA,
};

/* Each object's keys, in the order dump-abi writes them; a key is bit
 * 1 << its position in 'seen' (any order is read, each key once). */
static const char *const keys_of[][9] = {
	[B_ROOT] = { "format", "format_version", "release", "recorded_by",
		     "declarations", "machines", "compat", "resolved", NULL },
	[B_MACHINE] = { "name", "family", "version", "aliases", "smp",
			"max_cpus", "compat", NULL },
	[B_ARRAY] = { "name", "entries", NULL },
	[B_RESOLVED] = { "objects", "sections", "values", "vms", NULL },
	[B_VM] = { "machine", "smp", "vector", "base", "delta", NULL },
};

enum { R_FORMAT, R_FVER, R_RELEASE, R_BY, R_DECL, R_MACHINES, R_COMPAT,
       R_RESOLVED };
enum { M_NAME, M_FAMILY, M_VERSION, M_ALIASES, M_SMP, M_MAXCPUS, M_COMPAT };
enum { A_NAME, A_ENTRIES };
enum { X_OBJECTS, X_SECTIONS, X_VALUES, X_VMS };
enum { V_MACHINE, V_SMP, V_VECTOR, V_BASE, V_DELTA };

#define BIT(k) (1u << (k))
/* the tree reader's bounds of a vCPU count */
#define SMP_MAX (1 << 20)
/* the format nests five deep (root, resolved, vms, a VM, its vector) */
#define MAX_FRAMES 8

struct bframe {
	enum bk kind;
	unsigned seen;  /* keys met (objects) */
	int key;        /* the key whose value is next (objects) */
	size_t n;       /* elements so far (arrays) */
};

/* the open objects and arrays, outermost first */
struct bstack {
	struct bframe frames[MAX_FRAMES];
	size_t depth;
};

struct breader {
	struct bstack st;
	bool done;              /* the root object closed */
	const char *path;
	struct pc_bstream *b;
	/* the machine type, compat array and VM being read (the last of
	 * their lists) and what they need until they close */
	char *version;
	size_t alloc_aliases, alloc_arrays, alloc_entries;
	struct pc_strbuf entry; /* a compat entry's strings, NUL-separated */
	size_t entry_n;
	long long vm_smp, vm_base;
	char *vm_machine;
	size_t vm_words, vm_last;
	/* the index's lists, and its distinct values */
	size_t alloc_objects, alloc_sections, alloc_vms;
	uint64_t *vals;
	size_t n_vals, alloc_vals;
	size_t len;             /* sections + objects: a vector's length */
};

/* The innermost open object or array (yajl calls back inside one, but
 * for the root's start: see cb_start_map()). */
static struct bframe *stack_top(struct bstack *st)
{
	return &st->frames[st->depth ? st->depth - 1 : 0];
}

/* A new innermost object or array of 'kind' (an enum bk or enum dk) */
static bool stack_push(struct bstack *st, int kind)
{
	if (st->depth == MAX_FRAMES)
		return false;
	st->frames[st->depth++] = (struct bframe){ .kind = (enum bk)kind,
						   .key = -1 };
	return true;
}

/* ---- words: the packed lists of the index ---- */

/* Decimal digits p[0..n) (n > 0) of a value below 'below'. */
static bool dec_below(const char *p, size_t n, size_t below, size_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (d > 9)
			return false;
		v = v * 10 + d;
		if (v >= below)
			return false;
	}
	*out = (size_t)v;
	return true;
}

/* A value: 16 lowercase hexadecimal digits. */
static bool value_word(struct breader *r, const char *w, size_t n)
{
	uint64_t v = 0;

	if (n != 16)
		return false;
	for (size_t i = 0; i < 16; i++) {
		unsigned c = (unsigned char)w[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	PC_ALLOC_GROW(r->vals, r->n_vals + 1, r->alloc_vals);
	r->vals[r->n_vals++] = v;
	return true;
}

/* A whole vector's word: the value index of the next position. */
static bool vector_word(struct breader *r, const char *w, size_t n)
{
	struct pc_bindex_vm *vm = &r->b->ix.vms[r->b->ix.n_vms - 1];
	size_t v;

	if (r->vm_words >= r->len || !dec_below(w, n, r->n_vals, &v))
		return false;
	vm->vec[r->vm_words++] = r->vals[v];
	return true;
}

/* A delta's word: POSITION:INDEX, positions ascending. */
static bool delta_word(struct breader *r, const char *w, size_t n)
{
	struct pc_bindex_vm *vm = &r->b->ix.vms[r->b->ix.n_vms - 1];
	const char *colon = memchr(w, ':', n);
	size_t pos, v;

	if (!colon || !dec_below(w, (size_t)(colon - w), r->len, &pos) ||
	    !dec_below(colon + 1, n - (size_t)(colon - w) - 1, r->n_vals, &v) ||
	    (r->vm_words && pos <= r->vm_last))
		return false;
	r->vm_words++;
	r->vm_last = pos;
	vm->vec[pos] = r->vals[v];
	return true;
}

/* Each space-separated word of s[0..n), to 'fn'. */
static bool words(struct breader *r, const char *s, size_t n,
		  bool (*fn)(struct breader *, const char *, size_t))
{
	size_t i = 0;

	while (i < n) {
		size_t start;

		while (i < n && s[i] == ' ')
			i++;
		start = i;
		while (i < n && s[i] != ' ')
			i++;
		if (i > start && !fn(r, s + start, i - start))
			return false;
	}
	return true;
}

/* ---- scalars ---- */

static void append_str(char ***a, size_t *n, size_t *alloc, const char *s,
		       size_t len)
{
	PC_ALLOC_GROW(*a, *n + 2, *alloc);
	(*a)[(*n)++] = pc_xstrndup(s, len);
	(*a)[*n] = NULL;
}

static bool root_string(struct breader *r, int key, const char *s, size_t n)
{
	char **dst = key == R_FORMAT ? &r->b->format :
		     key == R_RELEASE ? &r->b->release :
		     key == R_DECL ? &r->b->declarations : NULL;

	if (dst)
		*dst = pc_xstrndup(s, n);
	return dst || key == R_BY;
}

static struct pc_machine *cur_machine(struct breader *r)
{
	return r->b->machines->machines[r->b->machines->n_machines - 1];
}

static struct pc_compat_array *cur_array(struct breader *r)
{
	return r->b->machines->arrays[r->b->machines->n_arrays - 1];
}

static bool machine_string(struct breader *r, int key, const char *s,
			   size_t n)
{
	struct pc_machine *pm = cur_machine(r);

	if (key == M_NAME)
		pm->name = pc_xstrndup(s, n);
	else if (key == M_FAMILY)
		pm->family = pc_xstrndup(s, n);
	else if (key == M_VERSION)
		r->version = pc_xstrndup(s, n);
	return key == M_NAME || key == M_FAMILY || key == M_VERSION;
}

/* The second element of a section: its name (the first: its object). */
static bool section_string(struct breader *r, struct bframe *f, const char *s,
			   size_t n)
{
	struct pc_bindex *ix = &r->b->ix;

	if (f->n != 2)
		return false;
	ix->sections[ix->n_sections++] = pc_xstrndup(s, n);
	ix->sections[ix->n_sections] = NULL;
	return true;
}

static bool entry_string(struct breader *r, const char *s, size_t n)
{
	if (r->entry_n == 5)
		return false;
	pc_strbuf_add(&r->entry, s, n);
	pc_strbuf_addch(&r->entry, '\0');
	r->entry_n++;
	return true;
}

static int cb_string(void *ctx, const unsigned char *u, size_t n)
{
	struct breader *r = ctx;
	struct bframe *f = stack_top(&r->st);
	const char *s = (const char *)u;
	struct pc_bindex *ix = &r->b->ix;

	f->n++;
	switch (f->kind) {
	case B_ROOT:
		return root_string(r, f->key, s, n);
	case B_MACHINE:
		return machine_string(r, f->key, s, n);
	case B_ALIASES:
		append_str(&cur_machine(r)->aliases, &cur_machine(r)->n_aliases,
			   &r->alloc_aliases, s, n);
		return 1;
	case B_CHAIN:
		append_str(&cur_machine(r)->arrays, &cur_machine(r)->n_arrays,
			   &r->alloc_arrays, s, n);
		return 1;
	case B_ARRAY:
		if (f->key != A_NAME)
			return 0;
		cur_array(r)->name = pc_xstrndup(s, n);
		return 1;
	case B_ENTRY:
		return entry_string(r, s, n);
	case B_OBJECTS:
		append_str(&ix->objects, &ix->n_objects, &r->alloc_objects, s, n);
		return 1;
	case B_SECTION:
		return section_string(r, f, s, n);
	case B_VALUES:
		return words(r, s, n, value_word);
	case B_VM:
		if (f->key != V_MACHINE)
			return 0;
		r->vm_machine = pc_xstrndup(s, n);
		return 1;
	case B_VECTOR:
		return words(r, s, n, vector_word);
	case B_DELTA:
		return words(r, s, n, delta_word);
	case B_MACHINES: case B_COMPAT: case B_ENTRIES: case B_RESOLVED:
	case B_SECTIONS: case B_VMS:
		break;
	}
	return 0;
}

static bool in_range(long long v, long long lo, long long hi)
{
	return v >= lo && v <= hi;
}

/* The first element of a section: its object (the objects are read:
 * B_SECTIONS is opened after them). */
static int section_object(struct breader *r, long long v)
{
	struct pc_bindex *ix = &r->b->ix;
	size_t had = r->alloc_sections;

	if (!in_range(v, 0, (long long)ix->n_objects - 1))
		return 0;
	PC_ALLOC_GROW(ix->sections, ix->n_sections + 2, r->alloc_sections);
	if (had != r->alloc_sections)
		ix->section_obj = pc_xrealloc(ix->section_obj,
					      r->alloc_sections * sizeof(size_t));
	ix->section_obj[ix->n_sections] = (size_t)v;
	return 1;
}

static int cb_integer(void *ctx, long long v)
{
	struct breader *r = ctx;
	struct bframe *f = stack_top(&r->st);
	struct pc_bindex *ix = &r->b->ix;

	f->n++;
	if (f->kind == B_ROOT && f->key == R_FVER) {
		r->b->format_version = v;
		return 1;
	}
	if (f->kind == B_MACHINE && (f->key == M_SMP || f->key == M_MAXCPUS)) {
		if (!in_range(v, 1, SMP_MAX))
			return 0;
		if (f->key == M_SMP)
			cur_machine(r)->smp = (int)v;
		else
			cur_machine(r)->max_cpus = (int)v;
		return 1;
	}
	if (f->kind == B_SECTION && f->n == 1)
		return section_object(r, v);
	if (f->kind == B_VM && f->key == V_SMP) {
		r->vm_smp = v;
		return in_range(v, 1, SMP_MAX);
	}
	if (f->kind == B_VM && f->key == V_BASE) {
		/* an earlier VM */
		r->vm_base = v;
		return in_range(v, 0, (long long)ix->n_vms - 2);
	}
	return 0;
}

/* null, true, false and real numbers: nowhere in a baseline */
static int cb_null(void *ctx)
{
	return 0;
}

static int cb_boolean(void *ctx, int v)
{
	return 0;
}

static int cb_double(void *ctx, double v)
{
	return 0;
}

/* ---- objects and arrays ---- */

/* Key u[0..n) of the object 'f', one of 'keys' (NULL-terminated) and not
 * met before in it: the key whose value is next.  0 otherwise. */
static int frame_key(struct bframe *f, const char *const *keys,
		     const unsigned char *u, size_t n)
{
	for (int k = 0; keys[k]; k++)
		if (strlen(keys[k]) == n && !memcmp(keys[k], u, n)) {
			if (f->seen & BIT(k))
				return 0;
			f->seen |= BIT(k);
			f->key = k;
			return 1;
		}
	return 0;
}

static int cb_map_key(void *ctx, const unsigned char *u, size_t n)
{
	struct breader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if (f->kind > B_VM)
		return 0; /* yajl calls this inside an object only */
	return frame_key(f, keys_of[f->kind], u, n);
}

static int start_machine(struct breader *r)
{
	struct pc_machine_set *set = r->b->machines;
	struct pc_machine *pm = pc_xcalloc(1, sizeof(*pm));

	PC_ALLOC_GROW(set->machines, set->n_machines + 1, set->alloc_machines);
	set->machines[set->n_machines++] = pm;
	pm->path = pc_xstrdup(r->path);
	pm->status = PC_MACHINE_SUPPORTED;
	r->alloc_aliases = r->alloc_arrays = 0;
	return stack_push(&r->st, B_MACHINE);
}

static int start_array(struct breader *r)
{
	struct pc_machine_set *set = r->b->machines;
	struct pc_compat_array *ca = pc_xcalloc(1, sizeof(*ca));

	PC_ALLOC_GROW(set->arrays, set->n_arrays + 1, set->alloc_arrays);
	set->arrays[set->n_arrays++] = ca;
	ca->path = pc_xstrdup(r->path);
	r->alloc_entries = 0;
	return stack_push(&r->st, B_ARRAY);
}

/* A VM of $.resolved.vms: its objects, sections and values are read. */
static int start_vm(struct breader *r)
{
	struct pc_bindex *ix = &r->b->ix;

	r->len = ix->n_sections + ix->n_objects;
	PC_ALLOC_GROW(ix->vms, ix->n_vms + 2, r->alloc_vms);
	memset(&ix->vms[ix->n_vms++], 0, 2 * sizeof(*ix->vms));
	free(r->vm_machine);
	r->vm_machine = NULL;
	r->vm_words = r->vm_last = 0;
	return stack_push(&r->st, B_VM);
}

static int cb_start_map(void *ctx)
{
	struct breader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if (!r->st.depth)
		return !r->done && stack_push(&r->st, B_ROOT);
	f->n++;
	if (f->kind == B_MACHINES)
		return start_machine(r);
	if (f->kind == B_COMPAT)
		return start_array(r);
	if (f->kind == B_ROOT && f->key == R_RESOLVED)
		return stack_push(&r->st, B_RESOLVED);
	if (f->kind == B_VMS)
		return start_vm(r);
	return 0;
}

/* $.resolved.vms: its VMs' vectors index the objects, sections and values
 * read before it */
static int start_vms(struct breader *r, unsigned seen)
{
	unsigned need = BIT(X_OBJECTS) | BIT(X_SECTIONS) | BIT(X_VALUES);

	if ((seen & need) != need)
		return 0;
	r->len = r->b->ix.n_sections + r->b->ix.n_objects;
	return stack_push(&r->st, B_VMS);
}

/* A VM's "vector", or its "delta" (on the vector of its "base", read). */
static int start_vec(struct breader *r, unsigned seen, bool delta)
{
	struct pc_bindex *ix = &r->b->ix;
	struct pc_bindex_vm *vm = &ix->vms[ix->n_vms - 1];

	if (delta ? (seen & (BIT(V_VECTOR) | BIT(V_BASE))) != BIT(V_BASE)
		  : (seen & (BIT(V_BASE) | BIT(V_DELTA))) != 0)
		return 0;
	vm->vec = pc_xcalloc(r->len + 1, sizeof(uint64_t));
	if (delta)
		memcpy(vm->vec, ix->vms[r->vm_base].vec, r->len * sizeof(uint64_t));
	return stack_push(&r->st, delta ? B_DELTA : B_VECTOR);
}

/* An array as the value of key 'key' of object 'f'. */
static int start_array_value(struct breader *r, const struct bframe *f)
{
	switch (f->kind) {
	case B_ROOT:
		return f->key == R_MACHINES ? stack_push(&r->st, B_MACHINES) :
		       f->key == R_COMPAT ? stack_push(&r->st, B_COMPAT) : 0;
	case B_MACHINE:
		return f->key == M_ALIASES ? stack_push(&r->st, B_ALIASES) :
		       f->key == M_COMPAT ? stack_push(&r->st, B_CHAIN) : 0;
	case B_ARRAY:
		return f->key == A_ENTRIES && stack_push(&r->st, B_ENTRIES);
	case B_RESOLVED:
		if (f->key == X_OBJECTS || f->key == X_VALUES)
			return stack_push(&r->st, f->key == X_OBJECTS ? B_OBJECTS : B_VALUES);
		if (f->key == X_SECTIONS)
			return (f->seen & BIT(X_OBJECTS)) && stack_push(&r->st, B_SECTIONS);
		return start_vms(r, f->seen);
	case B_VM:
		if (f->key == V_VECTOR || f->key == V_DELTA)
			return start_vec(r, f->seen, f->key == V_DELTA);
		return 0;
	case B_MACHINES: case B_ALIASES: case B_CHAIN: case B_COMPAT:
	case B_ENTRIES: case B_ENTRY: case B_OBJECTS: case B_SECTIONS:
	case B_SECTION: case B_VALUES: case B_VMS: case B_VECTOR: case B_DELTA:
		break;
	}
	return 0;
}

static int cb_start_array(void *ctx)
{
	struct breader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if (!r->st.depth)
		return 0;
	f->n++;
	if (f->kind == B_ENTRIES) {
		pc_strbuf_reset(&r->entry);
		r->entry_n = 0;
		return stack_push(&r->st, B_ENTRY);
	}
	if (f->kind == B_SECTIONS)
		return stack_push(&r->st, B_SECTION);
	return start_array_value(r, f);
}

/* ---- closing: what the tree reader checks of a whole value ---- */

/* [driver, property, value, origin(, "optional")] */
static bool end_entry(struct breader *r)
{
	struct pc_compat_array *ca = cur_array(r);
	const char *s[5];
	struct pc_compat_entry *ce;

	if (r->entry_n < 4)
		return false;
	s[0] = r->entry.buf;
	for (size_t i = 1; i < r->entry_n; i++)
		s[i] = s[i - 1] + strlen(s[i - 1]) + 1;
	if (r->entry_n == 5 && strcmp(s[4], "optional"))
		return false;
	PC_ALLOC_GROW(ca->entries, ca->n_entries + 1, r->alloc_entries);
	ce = &ca->entries[ca->n_entries++];
	memset(ce, 0, sizeof(*ce));
	/* stamped with the array's name, or again when it comes later */
	pc_compat_entry_set(ce, s[0], s[1], s[2], ca->name ? ca->name : "", s[3]);
	ce->optional = r->entry_n == 5;
	return true;
}

/* A compat array: named once, entries. */
static bool end_array(struct breader *r, unsigned seen)
{
	struct pc_machine_set *set = r->b->machines;
	struct pc_compat_array *ca = cur_array(r);
	bool dup, restamp;

	if (seen != (BIT(A_NAME) | BIT(A_ENTRIES)) || !ca->n_entries)
		return false;
	restamp = strcmp(ca->entries[0].array, ca->name) != 0;
	for (size_t i = 0; i < ca->n_entries && restamp; i++) {
		struct pc_compat_entry *e = &ca->entries[i];
		char *old = e->driver; /* the block of the entry's strings */

		pc_compat_entry_set(e, old, e->prop, e->value, ca->name, e->origin);
		free(old);
	}
	set->n_arrays--;
	dup = pc_machine_find_array(set, ca->name) != NULL;
	set->n_arrays++;
	return !dup;
}

/* A machine type: every key but "aliases", a version, a new name. */
static bool end_machine(struct breader *r, unsigned seen)
{
	struct pc_machine_set *set = r->b->machines;
	struct pc_machine *pm = cur_machine(r);
	bool ok;

	if ((seen | BIT(M_ALIASES)) != BIT(M_COMPAT + 1) - 1)
		return false;
	set->n_machines--;
	ok = !pc_machine_find(set, pm->name);
	set->n_machines++;
	ok = ok && !pc_version_parse(r->version, &pm->version);
	free(r->version);
	r->version = NULL;
	return ok;
}

/* A VM: a machine type recorded under its name, a vCPU count not seen
 * before with it, and either a vector or a base and a delta. */
static bool end_vm(struct breader *r, unsigned seen)
{
	struct pc_bindex *ix = &r->b->ix;
	struct pc_bindex_vm *vm = &ix->vms[ix->n_vms - 1];
	unsigned head = BIT(V_MACHINE) | BIT(V_SMP);

	if (seen != (head | BIT(V_VECTOR)) &&
	    seen != (head | BIT(V_BASE) | BIT(V_DELTA)))
		return false;
	vm->machine = pc_machine_find(r->b->machines, r->vm_machine);
	if (!vm->machine || strcmp(vm->machine->name, r->vm_machine))
		return false;
	vm->smp = (int)r->vm_smp;
	for (size_t k = 0; k + 1 < ix->n_vms; k++)
		if (ix->vms[k].machine == vm->machine && ix->vms[k].smp == vm->smp)
			return false;
	return true;
}

/* Every machine type's chain: the entries of its arrays, in order. */
static bool end_root(struct breader *r, unsigned seen)
{
	const struct pc_machine_set *set = r->b->machines;

	if ((seen | BIT(R_BY)) != BIT(R_RESOLVED + 1) - 1)
		return false;
	for (size_t i = 0; i < set->n_machines; i++) {
		struct pc_machine *pm = set->machines[i];
		size_t n_chain = 0;

		for (size_t k = 0; k < pm->n_arrays; k++) {
			const struct pc_compat_array *ca =
				pc_machine_find_array(set, pm->arrays[k]);

			if (!ca)
				return false;
			n_chain += ca->n_entries;
		}
		pm->chain = pc_xcalloc(n_chain + 1, sizeof(*pm->chain));
		for (size_t k = 0; k < pm->n_arrays; k++) {
			const struct pc_compat_array *ca =
				pc_machine_find_array(set, pm->arrays[k]);

			for (size_t t = 0; t < ca->n_entries; t++)
				pm->chain[pm->n_chain++] = &ca->entries[t];
		}
	}
	r->done = true;
	return set->n_machines > 0;
}

static bool end_frame(struct breader *r, const struct bframe *f)
{
	switch (f->kind) {
	case B_ROOT:
		return end_root(r, f->seen);
	case B_MACHINE:
		return end_machine(r, f->seen);
	case B_ARRAY:
		return end_array(r, f->seen);
	case B_RESOLVED:
		return f->seen == BIT(X_VMS + 1) - 1;
	case B_VM:
		return end_vm(r, f->seen);
	case B_ENTRY:
		return end_entry(r);
	case B_SECTION:
		return f->n == 2;
	case B_VECTOR:
		return r->vm_words == r->len;
	case B_DELTA:
		/* shorter than the vector, as the writer records one */
		return !r->vm_words || r->vm_words < r->len;
	case B_MACHINES: case B_ALIASES: case B_CHAIN: case B_COMPAT:
	case B_ENTRIES: case B_OBJECTS: case B_SECTIONS: case B_VALUES:
	case B_VMS:
		break;
	}
	return true;
}

static int cb_end(void *ctx)
{
	struct breader *r = ctx;
	struct bframe f = *stack_top(&r->st);

	r->st.depth--;
	return end_frame(r, &f);
}

static const yajl_callbacks callbacks = {
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

/* 'text' through yajl with 'cb' on 'ctx': true when it parsed whole.
 * ASCII only (json_simple(), checked first): nothing to validate. */
static bool run_yajl(const yajl_callbacks *cb, void *ctx, const char *text,
		     size_t len)
{
	yajl_handle h = yajl_alloc(cb, NULL, ctx);
	bool ok;

	if (!h)
		abort(); /* out of memory, as pc_xmalloc() */
	yajl_config(h, yajl_dont_validate_strings, 1);
	ok = yajl_parse(h, (const unsigned char *)text, len) == yajl_status_ok &&
	     yajl_complete_parse(h) == yajl_status_ok;
	yajl_free(h);
	return ok;
}

void pc_bstream_release(struct pc_bstream *b)
{
	free(b->format);
	free(b->release);
	free(b->declarations);
	pc_machine_set_free(b->machines);
	pc_bindex_release(&b->ix);
	memset(b, 0, sizeof(*b));
}

int pc_bstream_read(const char *text, size_t len, const char *path,
		    struct pc_bstream *b)
{
	struct breader *r;
	bool ok;

	memset(b, 0, sizeof(*b));
	/* the root object is the whole document (pc_json_last_byte()) */
	if (!json_simple(text, len) || pc_json_last_byte(text, len, 0) != '}')
		return -1;
	r = pc_xcalloc(1, sizeof(*r));
	r->b = b;
	r->path = path;
	pc_strbuf_init(&r->entry);
	b->machines = pc_machine_set_new();
	ok = run_yajl(&callbacks, r, text, len) && r->done;
	free(r->version);
	free(r->vm_machine);
	free(r->vals);
	pc_strbuf_release(&r->entry);
	free(r);
	if (!ok) {
		pc_bstream_release(b);
		return -1;
	}
	return 0;
}

/* ---- the declarations file ---- */

/*
 * {"format", "format_version", "plugins": [{"name", "version",
 * "declaration": [lines]}]}: declined as a baseline is, and also when a
 * declaration exceeds the tree reader's bound (1 MiB).
 */
enum dk { D_ROOT, D_PLUGIN, D_PLUGINS, D_LINES };

static const char *const dkeys_of[][4] = {
	[D_ROOT] = { "format", "format_version", "plugins", NULL },
	[D_PLUGIN] = { "name", "version", "declaration", NULL },
};

enum { DR_FORMAT, DR_FVER, DR_PLUGINS };
enum { DP_NAME, DP_VERSION, DP_DECL };

#define DECL_MAX (1u << 20)

struct dreader {
	struct bstack st;                  /* kind: enum dk */
	bool done;
	struct pc_dstream *d;
	struct pc_strbuf decl;             /* the open plugin's lines */
};

static struct pc_dstream_plugin *cur_plugin(struct dreader *r)
{
	return &r->d->plugins[r->d->n_plugins - 1];
}

static int dcb_string(void *ctx, const unsigned char *u, size_t n)
{
	struct dreader *r = ctx;
	struct bframe *f = stack_top(&r->st);
	const char *s = (const char *)u;

	if ((enum dk)f->kind == D_LINES) {
		pc_strbuf_add(&r->decl, s, n);
		pc_strbuf_addch(&r->decl, '\n');
		return r->decl.len <= DECL_MAX;
	}
	if ((enum dk)f->kind == D_ROOT && f->key == DR_FORMAT) {
		r->d->format = pc_xstrndup(s, n);
		return 1;
	}
	if ((enum dk)f->kind == D_PLUGIN && f->key == DP_NAME) {
		cur_plugin(r)->name = pc_xstrndup(s, n);
		return 1;
	}
	if ((enum dk)f->kind == D_PLUGIN && f->key == DP_VERSION) {
		cur_plugin(r)->version = pc_xstrndup(s, n);
		return 1;
	}
	return 0;
}

static int dcb_integer(void *ctx, long long v)
{
	struct dreader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if ((enum dk)f->kind != D_ROOT || f->key != DR_FVER)
		return 0;
	r->d->format_version = v;
	return 1;
}

static int dcb_map_key(void *ctx, const unsigned char *u, size_t n)
{
	struct dreader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if ((enum dk)f->kind > D_PLUGIN)
		return 0; /* yajl calls this inside an object only */
	return frame_key(f, dkeys_of[f->kind], u, n);
}

static int dcb_start_map(void *ctx)
{
	struct dreader *r = ctx;
	struct pc_dstream *d = r->d;

	if (!r->st.depth)
		return !r->done && stack_push(&r->st, D_ROOT);
	if ((enum dk)stack_top(&r->st)->kind != D_PLUGINS)
		return 0;
	PC_ALLOC_GROW(d->plugins, d->n_plugins + 1, d->alloc_plugins);
	memset(&d->plugins[d->n_plugins++], 0, sizeof(*d->plugins));
	pc_strbuf_reset(&r->decl);
	return stack_push(&r->st, D_PLUGIN);
}

static int dcb_start_array(void *ctx)
{
	struct dreader *r = ctx;
	struct bframe *f = stack_top(&r->st);

	if (!r->st.depth)
		return 0;
	if ((enum dk)f->kind == D_ROOT && f->key == DR_PLUGINS)
		return stack_push(&r->st, D_PLUGINS);
	if ((enum dk)f->kind == D_PLUGIN && f->key == DP_DECL)
		return stack_push(&r->st, D_LINES);
	return 0;
}

static int dcb_end(void *ctx)
{
	struct dreader *r = ctx;
	struct bframe f = *stack_top(&r->st);
	struct pc_dstream_plugin *p;

	r->st.depth--;
	switch ((enum dk)f.kind) {
	case D_ROOT:
		r->done = true;
		return f.seen == BIT(DR_PLUGINS + 1) - 1 && r->d->n_plugins;
	case D_PLUGIN:
		if (f.seen != BIT(DP_DECL + 1) - 1)
			return 0;
		p = cur_plugin(r);
		p->decl_len = r->decl.len;
		p->decl = pc_strbuf_detach(&r->decl);
		return 1;
	case D_PLUGINS: case D_LINES:
		break;
	}
	return 1;
}

static const yajl_callbacks dcallbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_integer = dcb_integer,
	.yajl_double = cb_double,
	.yajl_string = dcb_string,
	.yajl_start_map = dcb_start_map,
	.yajl_map_key = dcb_map_key,
	.yajl_end_map = dcb_end,
	.yajl_start_array = dcb_start_array,
	.yajl_end_array = dcb_end,
};

void pc_dstream_release(struct pc_dstream *d)
{
	free(d->format);
	for (size_t i = 0; i < d->n_plugins; i++) {
		free(d->plugins[i].name);
		free(d->plugins[i].version);
		free(d->plugins[i].decl);
	}
	free(d->plugins);
	memset(d, 0, sizeof(*d));
}

int pc_dstream_read(const char *text, size_t len, struct pc_dstream *d)
{
	struct dreader *r;
	bool ok;

	memset(d, 0, sizeof(*d));
	/* the root object is the whole document (pc_json_last_byte()) */
	if (!json_simple(text, len) || pc_json_last_byte(text, len, 0) != '}')
		return -1;
	r = pc_xcalloc(1, sizeof(*r));
	r->d = d;
	pc_strbuf_init(&r->decl);
	ok = run_yajl(&dcallbacks, r, text, len) && r->done;
	pc_strbuf_release(&r->decl);
	free(r);
	if (!ok) {
		pc_dstream_release(d);
		return -1;
	}
	return 0;
}
