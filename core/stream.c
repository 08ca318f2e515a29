/*
 * stream.c - the migration stream (stream.h): the byte layer, the writer
 * and the hostile-input loader (the device state itself is state.c's).
 *
 * Documentation/stream-format.md is the specification; keep the two in
 * step.  The loader's rule: it allocates only what its *own* resolved
 * layout says a field holds (a count read from the wire is checked against
 * the layout's bound before anything is allocated), every string is read
 * into a fixed buffer after its length was checked, and each section's
 * payload is fenced by its declared length, so a misparse can never read
 * into the next section.  A section whose bytes do not parse under the
 * loading side's layout but whose CRC is intact is a layout mismatch (the
 * two builds disagree); a damaged CRC, a bad marker outside a payload or a
 * truncated stream is a malformed stream.
 */
#include "stream.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hookctx.h"
#include "state.h"

#include "banned.h"

#define SIO_BUF (256u * 1024u)

/* ------------------------------------------------------------ CRC-32 */

/* IEEE 802.3 polynomial, reflected; slice-by-8 for the large buffers the
 * benchmark moves. */
static uint32_t crc_tab[8][256];
static bool crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^
					crc_tab[0][crc_tab[t - 1][i] & 0xff];
	crc_ready = true;
}

uint32_t pc_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (len >= 8) {
		uint32_t a = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		crc = crc_tab[7][a & 0xff] ^ crc_tab[6][(a >> 8) & 0xff] ^
		      crc_tab[5][(a >> 16) & 0xff] ^ crc_tab[4][a >> 24] ^
		      crc_tab[3][p[4]] ^ crc_tab[2][p[5]] ^
		      crc_tab[1][p[6]] ^ crc_tab[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* zlib's crc32_combine(): multiply crc_a by x^(8 len_b) in GF(2). */
static uint32_t gf2_times(const uint32_t *mat, uint32_t vec)
{
	uint32_t sum = 0;

	for (; vec; vec >>= 1, mat++)
		if (vec & 1)
			sum ^= *mat;
	return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat)
{
	for (int n = 0; n < 32; n++)
		square[n] = gf2_times(mat, mat[n]);
}

uint32_t pc_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	uint32_t even[32], odd[32], row = 1;

	if (!len_b)
		return crc_a;
	odd[0] = 0xedb88320u;
	for (int n = 1; n < 32; n++) {
		odd[n] = row;
		row <<= 1;
	}
	gf2_square(even, odd);
	gf2_square(odd, even);
	do {
		gf2_square(even, odd);
		if (len_b & 1)
			crc_a = gf2_times(even, crc_a);
		len_b >>= 1;
		if (!len_b)
			break;
		gf2_square(odd, even);
		if (len_b & 1)
			crc_a = gf2_times(odd, crc_a);
		len_b >>= 1;
	} while (len_b);
	return crc_a ^ crc_b;
}

static uint32_t hash32(const char *s)
{
	uint32_t h = 0x811c9dc5u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x01000193u;
	return h;
}

/* ------------------------------------------------------------ byte I/O */

void pc_sio_init_fd(struct pc_sio *io, int fd, const char *origin)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->buf = pc_xmalloc(SIO_BUF);
	io->limit = PC_STREAM_DEFAULT_LIMIT;
	io->origin = origin ? origin : "stream";
}

void pc_sio_init_mem_in(struct pc_sio *io, const void *data, size_t len,
			const char *origin)
{
	memset(io, 0, sizeof(*io));
	io->fd = -1;
	io->in = data;
	io->in_len = len;
	io->limit = PC_STREAM_DEFAULT_LIMIT;
	io->origin = origin ? origin : "stream";
}

void pc_sio_init_mem_out(struct pc_sio *io, const char *origin)
{
	memset(io, 0, sizeof(*io));
	io->fd = -1;
	io->origin = origin ? origin : "stream";
}

void pc_sio_release(struct pc_sio *io)
{
	free(io->buf);
	free(io->out);
	io->buf = NULL;
	io->out = NULL;
}

static void crc_feed(struct pc_sio *io, const void *p, size_t n)
{
	if (!io->in_field || !io->field_combine)
		io->crc_sec = pc_crc32(io->crc_sec, p, n);
	if (io->in_field)
		io->crc_field = pc_crc32(io->crc_field, p, n);
}

/* Combining costs ~30k operations: only worth it for large fields, whose
 * bytes are then checksummed once instead of twice. */
#define COMBINE_MIN (64u * 1024u)

static void field_begin(struct pc_sio *io, uint64_t expect)
{
	io->in_field = true;
	io->field_combine = expect >= COMBINE_MIN;
	io->crc_field = 0;
	io->field_start = io->off;
}

static uint32_t field_end(struct pc_sio *io)
{
	if (io->in_field && io->field_combine)
		io->crc_sec = pc_crc32_combine(io->crc_sec, io->crc_field,
					       io->off - io->field_start);
	io->in_field = false;
	return io->crc_field;
}

int pc_sio_flush(struct pc_sio *io)
{
	if (io->fd < 0 || !io->pos)
		return 0;
	if (pc_write_all(io->fd, io->buf, io->pos)) {
		io->err_no = errno;
		return -1;
	}
	io->pos = 0;
	return 0;
}

static int sio_write(struct pc_sio *io, const void *p, size_t n)
{
	crc_feed(io, p, n);
	io->off += n;
	if (io->fd < 0) {
		PC_ALLOC_GROW(io->out, io->out_len + n, io->out_alloc);
		memcpy(io->out + io->out_len, p, n);
		io->out_len += n;
		return 0;
	}
	if (io->pos + n > SIO_BUF && pc_sio_flush(io))
		return -1;
	if (n >= SIO_BUF) {
		if (pc_write_all(io->fd, p, n)) {
			io->err_no = errno;
			return -1;
		}
		return 0;
	}
	memcpy(io->buf + io->pos, p, n);
	io->pos += n;
	return 0;
}

/* Read up to n bytes; fewer only at the end of the input (or on error). */
static size_t sio_read(struct pc_sio *io, void *dst, size_t n)
{
	uint8_t *p = dst;
	size_t got = 0;

	if (io->fd < 0) {
		size_t avail = io->in_len - (size_t)io->off;

		got = n < avail ? n : avail;
		memcpy(p, io->in + io->off, got);
	} else {
		while (got < n) {
			ssize_t r;

			if (io->pos < io->fill) {
				size_t k = io->fill - io->pos;

				if (k > n - got)
					k = n - got;
				memcpy(p + got, io->buf + io->pos, k);
				io->pos += k;
				got += k;
				continue;
			}
			if (n - got >= SIO_BUF)
				r = read(io->fd, p + got, n - got);
			else
				r = read(io->fd, io->buf, SIO_BUF);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				if (r < 0)
					io->err_no = errno;
				break;
			}
			if (n - got >= SIO_BUF) {
				got += (size_t)r;
			} else {
				io->pos = 0;
				io->fill = (size_t)r;
			}
		}
	}
	crc_feed(io, p, got);
	io->off += got;
	return got;
}

/* ------------------------------------------------------------ paths */

static char *join_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = pc_xmalloc(la + lb + 2);

	/* hot in the loader (every field of every element): no printf */
	memcpy(p, a, la);
	if (la)
		p[la++] = '.';
	memcpy(p + la, b, lb + 1);
	return p;
}

static char *index_path(const char *a, uint32_t k)
{
	char num[16];
	size_t n = 0, la = strlen(a);
	char *p;

	do {
		num[n++] = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	p = pc_xmalloc(la + n + 3);
	memcpy(p, a, la);
	p[la++] = '[';
	while (n)
		p[la++] = num[--n];
	p[la++] = ']';
	p[la] = '\0';
	return p;
}

/* ------------------------------------------------------------ fields list */

void pc_lfields_release(struct pc_lfields *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].shape);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static char *shape_of(enum pc_field_kind kind, uint32_t size, uint32_t count,
		      const char *sname)
{
	if (kind == PC_FIELD_STRUCT)
		return pc_xasprintf("struct %s[%u]", sname ? sname : "?", count);
	if (kind == PC_FIELD_BUFFER || kind == PC_FIELD_UNUSED)
		return count == 1
			? pc_xasprintf("%s (%u bytes)", pc_field_kind_name(kind), size)
			: pc_xasprintf("%s[%u] (%u bytes each)",
				       pc_field_kind_name(kind), count, size);
	return count == 1 ? pc_xstrdup(pc_field_kind_name(kind))
			  : pc_xasprintf("%s[%u]", pc_field_kind_name(kind), count);
}

static char *node_shape(const struct pc_rnode *n, uint32_t count)
{
	return shape_of(n->kind, n->size, count, n->desc ? n->desc->name : NULL);
}

static void lfields_add(struct pc_lfields *l, const char *path, char *shape,
			uint64_t off, uint64_t len, uint32_t crc)
{
	struct pc_lfield *e;

	PC_ALLOC_GROW(l->items, l->n + 1, l->alloc);
	e = &l->items[l->n++];
	e->path = pc_xstrdup(path);
	e->shape = shape;
	e->off = off;
	e->len = len;
	e->crc = crc;
}

/* ------------------------------------------------------------ writing */

void pc_stream_header_release(struct pc_stream_header *h)
{
	free(h->release);
	free(h->label);
	free(h->machine);
	memset(h, 0, sizeof(*h));
}

uint64_t pc_vm_layout_hash(const struct pc_vm *vm)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < vm->n_sections; i++) {
		const struct pc_rsection *s = &vm->sections[i];

		h = pc_hash64(s->name, strlen(s->name) + 1, h);
		h = pc_hash64(s->instance, strlen(s->instance) + 1, h);
		h = pc_hash64(&s->fingerprint, sizeof(s->fingerprint), h);
	}
	return h;
}

#define TAG_BYTES 13u /* u32 name hash, u8 kind, u32 size, u32 count */

static uint64_t size_desc(const struct pc_sdesc *s, bool tagged)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->desc->n_nodes; i++) {
		const struct pc_sfield *f = &s->fields[i];

		if (!f->loaded)
			continue;
		if (tagged)
			n += TAG_BYTES;
		if (f->elems)
			for (uint32_t k = 0; k < f->count; k++)
				n += size_desc(f->elems[k], tagged);
		else
			n += (uint64_t)f->count * f->node->size;
	}
	for (size_t i = 0; i < s->desc->n_subs; i++) {
		const struct pc_ssub *ss = &s->subs[i];

		if (ss->present)
			n += 1 + 2 + strlen(ss->sub->desc->name) + 4 +
			     size_desc(ss->st, tagged);
	}
	return n + 1; /* PC_SM_END */
}

struct wctx {
	struct pc_sio *io;
	bool tagged;
	uint64_t payload_start;
	struct pc_err *err;
};

static int w_bytes(struct wctx *w, const void *p, size_t n)
{
	if (sio_write(w->io, p, n))
		return pc_err_setc(w->err, PC_E_IO, "%s: offset %llu: write error: %s",
				   w->io->origin, (unsigned long long)w->io->off,
				   strerror(w->io->err_no));
	return 0;
}

static int w_u8(struct wctx *w, uint8_t v)
{
	return w_bytes(w, &v, 1);
}

static int w_be(struct wctx *w, uint64_t v, uint32_t size)
{
	uint8_t b[8];

	pc_put_be(b, size, v);
	return w_bytes(w, b, size);
}

static int w_str(struct wctx *w, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return pc_err_setc(w->err, PC_E_LIMIT, "%s: offset %llu: cannot write '%.40s...': %zu bytes, at most %zu",
				   w->io->origin, (unsigned long long)w->io->off,
				   s, n, max);
	return w_be(w, n, 2) || w_bytes(w, s, n) ? -1 : 0;
}

static int w_desc(struct wctx *w, const struct pc_sdesc *s, const char *path,
		  struct pc_lfields *rec);

static int w_field(struct wctx *w, const struct pc_sfield *f, const char *path,
		   struct pc_lfields *rec)
{
	const struct pc_rnode *n = f->node;
	/* paths only matter for the field list */
	char *p = rec ? join_path(path, n->name) : NULL;
	uint64_t start;
	int r = -1;

	if (w->tagged && (w_be(w, hash32(n->name), 4) || w_u8(w, (uint8_t)n->kind) ||
			  w_be(w, n->size, 4) || w_be(w, f->count, 4)))
		goto out;
	if (rec && f->elems && f->count == 1) {
		/* a single nested structure: itemize its fields */
		r = w_desc(w, f->elems[0], p, rec);
		goto out;
	}
	start = w->io->off;
	if (rec)
		field_begin(w->io, f->elems ? 0 : (uint64_t)f->count * n->size);
	if (f->elems) {
		for (uint32_t k = 0; k < f->count; k++)
			if (w_desc(w, f->elems[k], p, NULL))
				goto out;
	} else if (w_bytes(w, f->data, (size_t)f->count * n->size)) {
		goto out;
	}
	if (rec) {
		uint32_t crc = field_end(w->io);

		lfields_add(rec, p, node_shape(n, f->count),
			    start - w->payload_start, w->io->off - start, crc);
	}
	r = 0;
out:
	free(p);
	return r;
}

static int w_desc(struct wctx *w, const struct pc_sdesc *s, const char *path,
		  struct pc_lfields *rec)
{
	for (size_t i = 0; i < s->desc->n_nodes; i++)
		if (s->fields[i].loaded && w_field(w, &s->fields[i], path, rec))
			return -1;
	for (size_t i = 0; i < s->desc->n_subs; i++) {
		const struct pc_ssub *ss = &s->subs[i];
		char *p;
		int r;

		if (!ss->present)
			continue;
		p = rec ? join_path(path, ss->sub->desc->name) : NULL;
		r = w_u8(w, PC_SM_SUBSECTION) ||
		    w_str(w, ss->sub->desc->name, PC_STREAM_MAX_NAME) ||
		    w_be(w, (uint64_t)(uint32_t)ss->version, 4) ||
		    w_desc(w, ss->st, p, rec);
		free(p);
		if (r)
			return -1;
	}
	return w_u8(w, PC_SM_END);
}

static int w_config(struct wctx *w, const struct pc_vm *vm)
{
	w->io->crc_sec = 0;
	if (w_u8(w, PC_SM_CONFIG) || w_be(w, vm->n_objs, 4))
		return -1;
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];

		if (w_str(w, o->id, PC_STREAM_MAX_NAME) ||
		    w_str(w, o->type->name, PC_STREAM_MAX_NAME) ||
		    w_be(w, o->n_props, 2))
			return -1;
		for (size_t k = 0; k < o->n_props; k++) {
			const struct pc_eprop *ep = &o->props[k];
			uint8_t flags = (ep->prop->guest_visible ? 1 : 0) |
					(ep->absent ? 2 : 0) |
					(ep->prop->wire ? 4 : 0);

			if (w_str(w, ep->prop->name, PC_STREAM_MAX_NAME) ||
			    w_str(w, ep->owner->name, PC_STREAM_MAX_NAME) ||
			    w_u8(w, flags) ||
			    w_str(w, ep->val.text ? ep->val.text : "",
				  PC_STREAM_MAX_VALUE))
				return -1;
		}
	}
	return w_be(w, w->io->crc_sec, 4);
}

/* The stream header: magic, format, flags, seed, VM identity, configuration. */
static int w_header(struct wctx *w, const struct pc_vm *vm, uint16_t flags,
		    uint64_t seed)
{
	const char *label = vm->side->label ? vm->side->label : "";
	char rel[32];

	pc_version_str(&vm->side->release, rel, sizeof(rel));
	return w_bytes(w, PC_STREAM_MAGIC, 4) ||
	       w_be(w, PC_STREAM_FORMAT, 2) || w_be(w, flags, 2) ||
	       w_be(w, seed, 8) || w_be(w, (uint64_t)vm->smp, 4) ||
	       w_str(w, rel, PC_STREAM_MAX_NAME) ||
	       w_str(w, label, PC_STREAM_MAX_NAME) ||
	       w_str(w, vm->machine->name, PC_STREAM_MAX_NAME) ||
	       w_be(w, pc_vm_layout_hash(vm), 8) ||
	       w_be(w, vm->n_sections, 4) || w_be(w, w->io->crc_sec, 4) ||
	       w_config(w, vm) ? -1 : 0;
}

/* Section i: its header, its state and the footer with the section's CRC. */
static int w_section(struct wctx *w, const struct pc_vm *vm, size_t i,
		     const struct pc_sdesc *state, struct pc_lfields *fields)
{
	const struct pc_rsection *s = &vm->sections[i];
	struct pc_sio *io = w->io;
	uint32_t crc;

	io->crc_sec = 0;
	if (w_u8(w, PC_SM_SECTION) || w_be(w, i, 4) ||
	    w_str(w, s->name, PC_STREAM_MAX_NAME) ||
	    w_str(w, s->instance, PC_STREAM_MAX_NAME) ||
	    w_be(w, (uint64_t)(uint32_t)s->desc->version_id, 4) ||
	    w_be(w, s->fingerprint, 8) ||
	    w_be(w, size_desc(state, w->tagged), 8))
		return -1;
	w->payload_start = io->off;
	if (w_desc(w, state, "", fields))
		return -1;
	crc = io->crc_sec;
	return w_u8(w, PC_SM_FOOTER) || w_be(w, i, 4) || w_be(w, crc, 4) ? -1 : 0;
}

int pc_stream_write(struct pc_sio *io, const struct pc_vm *vm,
		    struct pc_sdesc *const *states, uint64_t seed,
		    uint16_t flags, struct pc_lfields *fields,
		    struct pc_err *err)
{
	struct wctx w = { io, (flags & PC_STREAM_F_TAGGED) != 0, 0, err };

	assert(io && vm && states);
	io->crc_sec = 0;
	if (vm->n_sections > PC_STREAM_MAX_SECTIONS || vm->n_objs > PC_STREAM_MAX_OBJECTS)
		return pc_err_setc(err, PC_E_LIMIT,
				   "%s: too many sections or objects for a stream (%zu, %zu)",
				   io->origin, vm->n_sections, vm->n_objs);
	if (w_header(&w, vm, flags, seed))
		return -1;
	for (size_t i = 0; i < vm->n_sections; i++)
		if (w_section(&w, vm, i, states[i], fields ? &fields[i] : NULL))
			return -1;
	if (w_u8(&w, PC_SM_EOF) || w_be(&w, vm->n_sections, 4))
		return -1;
	if (pc_sio_flush(io))
		return pc_err_setc(err, PC_E_IO, "%s: write error: %s", io->origin,
				   strerror(io->err_no));
	return 0;
}

/* ------------------------------------------------------------ loading */

void pc_load_result_release(struct pc_load_result *r)
{
	for (size_t i = 0; i < r->n_msgs; i++) {
		free(r->msgs[i].section);
		free(r->msgs[i].field);
		free(r->msgs[i].text);
	}
	free(r->msgs);
	for (size_t i = 0; i < r->n_sections; i++) {
		free(r->sections[i].name);
		free(r->sections[i].instance);
		pc_lfields_release(&r->sections[i].fields);
	}
	free(r->sections);
	memset(r, 0, sizeof(*r));
}

struct lctx {
	struct pc_sio *io;
	const struct pc_vm *vm;
	const struct pc_load_opts *o;
	struct pc_load_result *res;
	bool tagged;
	char *sec;               /* "section 'x' (instance 'y')" */
	uint64_t payload_start;
	struct pc_lfields *rec;
	const struct pc_object *obj;
};

/* Header errors go to a struct pc_err; body errors become messages. */
static void lmsg(struct lctx *c, enum pc_lmsg_kind kind, uint64_t off,
		 const char *field, const char *fmt, ...) PC_PRINTF(5, 6);

static void lmsg(struct lctx *c, enum pc_lmsg_kind kind, uint64_t off,
		 const char *field, const char *fmt, ...)
{
	struct pc_load_result *r = c->res;
	struct pc_lmsg *m;
	struct pc_strbuf sb = PC_STRBUF_INIT;
	va_list ap;

	PC_ALLOC_GROW(r->msgs, r->n_msgs + 1, r->alloc_msgs);
	m = &r->msgs[r->n_msgs++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->offset = off;
	m->section = c->sec ? pc_xstrdup(c->sec) : NULL;
	m->field = field && *field ? pc_xstrdup(field) : NULL;
	pc_strbuf_addf(&sb, "%s: offset %llu: ", c->io->origin,
		       (unsigned long long)off);
	if (c->sec)
		pc_strbuf_addf(&sb, "%s%s", c->sec, m->field ? ", " : ": ");
	if (m->field)
		pc_strbuf_addf(&sb, "field '%s': ", m->field);
	va_start(ap, fmt);
	pc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	m->text = pc_strbuf_detach(&sb);
	if (kind == PC_LMSG_MISMATCH)
		r->mismatches++;
	else if (kind == PC_LMSG_NOTE)
		r->notes++;
	else
		r->malformed = true;
}

/*
 * Raw reads with the fences: 0 on success; -1 malformed (reported: the
 * stream ended or exceeded its limit); -2 the read would cross the current
 * section payload's end (not reported: the caller knows what it expected).
 */
static int l_read(struct lctx *c, void *p, size_t n, const char *field,
		  const char *what)
{
	struct pc_sio *io = c->io;
	uint64_t start = io->off;
	size_t got;

	if (io->stop_set && (n > io->stop - io->off))
		return -2;
	if (n > io->limit - io->off) {
		lmsg(c, PC_LMSG_MALFORMED, start, field,
		     "stream exceeds the limit of %llu bytes (reading %zu bytes of %s)",
		     (unsigned long long)io->limit, n, what);
		return -1;
	}
	got = sio_read(io, p, n);
	if (got < n) {
		if (io->err_no)
			lmsg(c, PC_LMSG_MALFORMED, start, field,
			     "read error: %s (reading %s)", strerror(io->err_no), what);
		else
			lmsg(c, PC_LMSG_MALFORMED, start, field,
			     "truncated: expected %zu bytes of %s, found %zu", n,
			     what, got);
		return -1;
	}
	return 0;
}

static int l_be(struct lctx *c, uint32_t size, uint64_t *v, const char *field,
		const char *what)
{
	uint8_t b[8];
	int r = l_read(c, b, size, field, what);

	*v = 0;
	if (r)
		return r;
	for (uint32_t i = 0; i < size; i++)
		*v = *v << 8 | b[i];
	return 0;
}

/* A length-prefixed string into 'out' (max+1 bytes). */
static int l_str(struct lctx *c, char *out, size_t max, const char *field,
		 const char *what)
{
	uint64_t len, at = c->io->off;
	int r = l_be(c, 2, &len, field, what);

	if (r)
		return r;
	if (len > max) {
		lmsg(c, PC_LMSG_MALFORMED, at, field,
		     "oversized %s: %llu bytes, at most %zu", what,
		     (unsigned long long)len, max);
		return -1;
	}
	r = l_read(c, out, (size_t)len, field, what);
	if (r)
		return r;
	out[len] = '\0';
	if (strlen(out) != len) {
		lmsg(c, PC_LMSG_MALFORMED, at, field, "NUL byte inside %s", what);
		return -1;
	}
	return 0;
}

/* Header: errors into 'err' (there is no result yet). */
static int h_read(struct pc_sio *io, void *p, size_t n, const char *what,
		  struct pc_err *err)
{
	uint64_t at = io->off;
	size_t got = sio_read(io, p, n);

	if (got < n)
		return pc_err_set(err, "%s: offset %llu: truncated header: expected %zu bytes of %s, found %zu",
				  io->origin, (unsigned long long)at, n, what, got);
	return 0;
}

static int h_be(struct pc_sio *io, uint32_t size, uint64_t *v,
		const char *what, struct pc_err *err)
{
	uint8_t b[8];

	*v = 0;
	if (h_read(io, b, size, what, err))
		return -1;
	for (uint32_t i = 0; i < size; i++)
		*v = *v << 8 | b[i];
	return 0;
}

static int h_str(struct pc_sio *io, char **out, size_t max, const char *what,
		 struct pc_err *err)
{
	uint64_t len, at = io->off;
	char buf[PC_STREAM_MAX_NAME + 1];

	if (h_be(io, 2, &len, what, err))
		return -1;
	if (len > max || len >= sizeof(buf))
		return pc_err_setc(err, PC_E_LIMIT, "%s: offset %llu: oversized %s: %llu bytes, at most %zu",
				   io->origin, (unsigned long long)at, what,
				   (unsigned long long)len, max);
	if (h_read(io, buf, (size_t)len, what, err))
		return -1;
	buf[len] = '\0';
	if (strlen(buf) != len)
		return pc_err_set(err, "%s: offset %llu: NUL byte inside %s",
				  io->origin, (unsigned long long)at, what);
	*out = pc_xstrdup(buf);
	return 0;
}

int pc_stream_read_header(struct pc_sio *io, struct pc_stream_header *h,
			  struct pc_err *err)
{
	uint8_t magic[4];
	uint64_t v, at;
	uint32_t crc;

	memset(h, 0, sizeof(*h));
	io->crc_sec = 0;
	if (h_read(io, magic, 4, "magic", err))
		return -1;
	if (memcmp(magic, PC_STREAM_MAGIC, 4))
		return pc_err_set(err, "%s: offset 0: bad magic: expected 50 43 4d 53 (\"PCMS\"), found %02x %02x %02x %02x: not a plugcheck migration stream",
				  io->origin, magic[0], magic[1], magic[2], magic[3]);
	if (h_be(io, 2, &v, "format version", err))
		return -1;
	if (v != PC_STREAM_FORMAT)
		return pc_err_set(err, "%s: offset 4: unsupported format version: expected %d, found %llu",
				  io->origin, PC_STREAM_FORMAT, (unsigned long long)v);
	h->format = (uint16_t)v;
	if (h_be(io, 2, &v, "flags", err))
		return -1;
	if (v & ~(uint64_t)PC_STREAM_F_TAGGED)
		return pc_err_set(err, "%s: offset 6: unknown flags: expected only 0x%04x, found 0x%04llx",
				  io->origin, PC_STREAM_F_TAGGED, (unsigned long long)v);
	h->flags = (uint16_t)v;
	if (h_be(io, 8, &h->seed, "seed", err))
		goto fail;
	at = io->off;
	if (h_be(io, 4, &v, "vCPU count", err))
		goto fail;
	if (v < 1 || v > PC_STREAM_MAX_SMP) {
		pc_err_setc(err, v ? PC_E_LIMIT : PC_E_INPUT,
			    "%s: offset %llu: bad vCPU count: expected 1 to %d, found %llu",
			    io->origin, (unsigned long long)at, PC_STREAM_MAX_SMP,
			    (unsigned long long)v);
		goto fail;
	}
	h->smp = (uint32_t)v;
	if (h_str(io, &h->release, PC_STREAM_MAX_NAME, "release name", err) ||
	    h_str(io, &h->label, PC_STREAM_MAX_NAME, "side name", err) ||
	    h_str(io, &h->machine, PC_STREAM_MAX_NAME, "machine type name", err) ||
	    h_be(io, 8, &h->layout_hash, "layout hash", err))
		goto fail;
	at = io->off;
	if (h_be(io, 4, &v, "section count", err))
		goto fail;
	if (v > PC_STREAM_MAX_SECTIONS) {
		pc_err_setc(err, PC_E_LIMIT, "%s: offset %llu: bad section count: expected at most %d, found %llu",
			    io->origin, (unsigned long long)at,
			    PC_STREAM_MAX_SECTIONS, (unsigned long long)v);
		goto fail;
	}
	h->n_sections = (uint32_t)v;
	crc = io->crc_sec;
	at = io->off;
	if (h_be(io, 4, &v, "header CRC", err))
		goto fail;
	if (v != crc) {
		pc_err_set(err, "%s: offset %llu: corrupt header: CRC expected 0x%08x, found 0x%08llx",
			   io->origin, (unsigned long long)at, crc,
			   (unsigned long long)v);
		goto fail;
	}
	return 0;
fail:
	pc_stream_header_release(h);
	return -1;
}

/* ---- the configuration record: every object's properties ---- */

/*
 * One property of a configuration-record object 'lo' (NULL: this side has
 * no such object, its section will tell): a guest-visible or wire value
 * that differs from this side's is noted as a mismatch in 'pending'.
 */
static void l_config_prop(struct lctx *c, const struct pc_object *lo,
			  const char *id, const char *name, const char *owner,
			  uint64_t flags, const char *value, uint64_t at,
			  struct pc_load_result *pending)
{
	struct pc_load_result *real = c->res;
	const struct pc_eprop *le = NULL;
	bool wire;

	if (!lo)
		return;
	for (size_t m = 0; m < lo->n_props && !le; m++)
		if (!strcmp(lo->props[m].prop->name, name))
			le = &lo->props[m];
	real->props_compared++;
	if (!le || (!(flags & 5) && !le->prop->guest_visible && !le->prop->wire))
		return;
	if (!strcmp(le->val.text ? le->val.text : "", value))
		return;
	c->res = pending;
	wire = (flags & 4) || le->prop->wire;
	lmsg(c, PC_LMSG_MISMATCH, at, NULL,
	     "device '%s': %s property '%s.%s': the source runs with '%s'%s, this side with '%s' (%s): %s",
	     id, wire ? "stream-protocol" : "guest-visible", owner,
	     name, value,
	     flags & 2 ? " (behaviour of a release without the property)" : "",
	     le->val.text ? le->val.text : "", pc_eprop_source(le),
	     wire ? "both ends must frame the stream the same way"
		  : "the guest saw the source's value");
	c->res = real;
}

/* One object of the configuration record: id, type and its properties. */
static int l_config_object(struct lctx *c, char *value,
			   struct pc_load_result *pending)
{
	char id[PC_STREAM_MAX_NAME + 1], type[PC_STREAM_MAX_NAME + 1];
	char name[PC_STREAM_MAX_NAME + 1], owner[PC_STREAM_MAX_NAME + 1];
	const struct pc_object *lo;
	uint64_t n_props, at, flags;

	if (l_str(c, id, PC_STREAM_MAX_NAME, NULL, "object id") ||
	    l_str(c, type, PC_STREAM_MAX_NAME, NULL, "object type"))
		return -1;
	at = c->io->off;
	if (l_be(c, 2, &n_props, NULL, "property count"))
		return -1;
	if (n_props > PC_STREAM_MAX_PROPS) {
		lmsg(c, PC_LMSG_MALFORMED, at, NULL,
		     "object '%s': bad property count: expected at most %d, found %llu",
		     id, PC_STREAM_MAX_PROPS, (unsigned long long)n_props);
		return -1;
	}
	lo = pc_vm_find_object(c->vm, id);
	for (uint64_t k = 0; k < n_props; k++) {
		at = c->io->off;
		if (l_str(c, name, PC_STREAM_MAX_NAME, NULL, "property name") ||
		    l_str(c, owner, PC_STREAM_MAX_NAME, NULL, "property owner") ||
		    l_be(c, 1, &flags, NULL, "property flags") ||
		    l_str(c, value, PC_STREAM_MAX_VALUE, NULL, "property value"))
			return -1;
		l_config_prop(c, lo, id, name, owner, flags, value, at, pending);
	}
	return 0;
}

/* The record's marker and object count. */
static int l_config_head(struct lctx *c, uint64_t *n_objs)
{
	uint64_t at = c->io->off;
	uint8_t marker;

	if (l_read(c, &marker, 1, NULL, "record marker"))
		return -1;
	if (marker != PC_SM_CONFIG) {
		lmsg(c, PC_LMSG_MALFORMED, at, NULL,
		     "expected the configuration record (marker 0x%02x), found 0x%02x",
		     PC_SM_CONFIG, marker);
		return -1;
	}
	at = c->io->off;
	if (l_be(c, 4, n_objs, NULL, "object count"))
		return -1;
	if (*n_objs > PC_STREAM_MAX_OBJECTS) {
		lmsg(c, PC_LMSG_MALFORMED, at, NULL,
		     "bad object count: expected at most %d, found %llu",
		     PC_STREAM_MAX_OBJECTS, (unsigned long long)*n_objs);
		return -1;
	}
	return 0;
}

static int l_config(struct lctx *c)
{
	char *value = pc_xmalloc(PC_STREAM_MAX_VALUE + 1);
	uint64_t n_objs, v, at;
	uint32_t crc;
	int r = -1;
	/* mismatches are noted only once the record's CRC is known good */
	struct pc_load_result pending = { 0 };
	struct pc_load_result *real = c->res;

	c->io->crc_sec = 0;
	if (l_config_head(c, &n_objs))
		goto out;
	for (uint64_t i = 0; i < n_objs; i++)
		if (l_config_object(c, value, &pending))
			goto out;
	crc = c->io->crc_sec;
	at = c->io->off;
	if (l_be(c, 4, &v, NULL, "configuration CRC"))
		goto out;
	if (v != crc) {
		lmsg(c, PC_LMSG_MALFORMED, at, NULL,
		     "corrupt configuration record: CRC expected 0x%08x, found 0x%08llx",
		     crc, (unsigned long long)v);
		goto out;
	}
	for (size_t i = 0; i < pending.n_msgs; i++) {
		PC_ALLOC_GROW(real->msgs, real->n_msgs + 1, real->alloc_msgs);
		real->msgs[real->n_msgs++] = pending.msgs[i];
		real->mismatches++;
	}
	pending.n_msgs = 0;
	r = 0;
out:
	c->res = real;
	pc_load_result_release(&pending);
	free(value);
	return r;
}

/* ---- sections ---- */

enum { L_OK = 0, L_MALFORMED = -1, L_MISMATCH = -3 };

static int l_desc(struct lctx *c, struct pc_sdesc *s, int version,
		  const char *path, struct pc_lfields *rec, int depth);

/* A failed fenced read: the payload ended where this side expects more. */
static int l_fence(struct lctx *c, int r, const char *field, const char *what)
{
	if (r == -2) {
		lmsg(c, PC_LMSG_MISMATCH, c->io->off, field,
		     "the source's payload ends at offset %llu, this side's layout still expects %s: the layouts differ",
		     (unsigned long long)c->io->stop, what);
		return L_MISMATCH;
	}
	return L_MALFORMED;
}

/* Data bytes another data kind of the same size may read (a scalar or a
 * buffer; not padding, not a nested struct, not an unknown kind). */
static bool kind_is_data(enum pc_field_kind k)
{
	return pc_field_kind_is_int(k) ||
	       pc_field_kind_class(k) == PC_FCLASS_BUFFER;
}

static bool shapes_compatible(const struct pc_rnode *n, uint8_t kind,
			      uint64_t size, uint64_t count, uint32_t own_count)
{
	if (kind == n->kind && size == n->size && count == own_count)
		return true;
	/* the same bytes read as another scalar type: QEMU loads it, and
	 * `check` flags it for review (PC205) */
	if (kind_is_data((enum pc_field_kind)kind) && kind_is_data(n->kind) &&
	    size == n->size && count == own_count)
		return true;
	/* padding for a field of the same size, or the reverse */
	if ((kind == PC_FIELD_UNUSED || n->kind == PC_FIELD_UNUSED) &&
	    kind != PC_FIELD_STRUCT && n->kind != PC_FIELD_STRUCT &&
	    size * count == (uint64_t)n->size * own_count)
		return true;
	return false;
}

/*
 * The element count of a field whose count is another field's value: that
 * field must have been loaded, and its value within this side's maximum.
 */
static int l_field_count(struct lctx *c, struct pc_sdesc *s,
			 const struct pc_rnode *n, uint64_t at, const char *p,
			 uint64_t *count)
{
	struct pc_sfield *ref = pc_sdesc_field(s, n->count_field);

	if (!ref || !ref->loaded || !ref->data || !ref->count ||
	    !pc_field_kind_is_int(ref->node->kind)) {
		lmsg(c, PC_LMSG_MISMATCH, at, p,
		     "its count field '%s' was not loaded", n->count_field);
		return L_MISMATCH;
	}
	*count = pc_sfield_u64(ref, 0);
	if (pc_field_kind_is_signed(ref->node->kind) && (int64_t)*count < 0) {
		lmsg(c, PC_LMSG_MISMATCH, at, p,
		     "bad count: '%s' is %lld, expected 0 to %u",
		     n->count_field, (long long)*count, n->count_max);
		return L_MISMATCH;
	}
	if (*count > n->count_max) {
		lmsg(c, PC_LMSG_MISMATCH, at, p,
		     "bad count: '%s' says %llu elements, this side accepts at most %u",
		     n->count_field, (unsigned long long)*count, n->count_max);
		return L_MISMATCH;
	}
	return L_OK;
}

/*
 * A tagged stream's field tag (name hash, kind, size, count): a shape this
 * side cannot load is a mismatch; another name or kind of the same shape
 * is a note.
 */
static int l_field_tag(struct lctx *c, const struct pc_rnode *n,
		       uint64_t count, uint64_t at, const char *p)
{
	uint64_t t_hash = 0, t_kind = 0, t_size = 0, t_count = 0;
	int r;

	if ((r = l_be(c, 4, &t_hash, p, "field tag")) ||
	    (r = l_be(c, 1, &t_kind, p, "field tag")) ||
	    (r = l_be(c, 4, &t_size, p, "field tag")) ||
	    (r = l_be(c, 4, &t_count, p, "field tag")))
		return l_fence(c, r, p, "a field tag");
	if (!shapes_compatible(n, (uint8_t)t_kind, t_size, t_count,
			       (uint32_t)count)) {
		char *mine = node_shape(n, (uint32_t)count);
		char *theirs = t_kind < PC_FIELD_KIND_COUNT
			? shape_of((enum pc_field_kind)t_kind, (uint32_t)t_size,
				   (uint32_t)t_count, "?")
			: pc_xasprintf("unknown kind %llu", (unsigned long long)t_kind);

		lmsg(c, PC_LMSG_MISMATCH, at, p,
		     "the source sends %s%s here, this side loads %s",
		     theirs, t_hash == hash32(n->name) ? "" : " (under another name)",
		     mine);
		free(mine);
		free(theirs);
		return L_MISMATCH;
	}
	if (t_kind != n->kind && t_kind != PC_FIELD_UNUSED &&
	    n->kind != PC_FIELD_UNUSED)
		lmsg(c, PC_LMSG_NOTE, at, p,
		     "the source sends %s, this side reads the same bytes as %s",
		     pc_field_kind_name((enum pc_field_kind)t_kind),
		     pc_field_kind_name(n->kind));
	if (t_hash != hash32(n->name))
		lmsg(c, PC_LMSG_NOTE, at, p,
		     "the source's field at this position has another name (tag 0x%08llx, expected 0x%08x) and the same shape: loaded as '%s'",
		     (unsigned long long)t_hash, hash32(n->name), n->name);
	return L_OK;
}

/* The 'count' elements of a struct field, each a nested description. */
static int l_field_structs(struct lctx *c, struct pc_sfield *f, uint64_t at,
			   const char *p, int depth)
{
	const struct pc_rnode *n = f->node;

	if (depth >= PC_STREAM_MAX_DEPTH || !n->desc) {
		lmsg(c, PC_LMSG_MISMATCH, at, p, "nesting deeper than %d",
		     PC_STREAM_MAX_DEPTH);
		return L_MISMATCH;
	}
	f->elems = pc_xcalloc((size_t)f->count + 1, sizeof(*f->elems));
	for (uint32_t k = 0; k < f->count; k++) {
		char *pk = index_path(p, k);
		int r;

		f->elems[k] = pc_sdesc_new(n->desc);
		r = l_desc(c, f->elems[k], -1, pk, NULL, depth + 1);
		free(pk);
		if (r) {
			f->count = k + 1;
			return r;
		}
	}
	return L_OK;
}

/* A data field's bytes; their size comes from this side's own layout. */
static int l_field_data(struct lctx *c, struct pc_sfield *f, const char *p)
{
	const struct pc_rnode *n = f->node;
	size_t bytes = (size_t)f->count * n->size;
	char *what;
	int r;

	/* the size comes from this side's own layout, never the wire */
	f->data = pc_xmalloc(bytes + 1);
	r = l_read(c, f->data, bytes, p, "field data");
	if (!r)
		return L_OK;
	what = pc_xasprintf("%zu bytes of '%s' (%s)", bytes, n->name,
			    pc_field_kind_name(n->kind));
	if (r == -2)
		f->loaded = false;
	r = l_fence(c, r, p, what);
	free(what);
	return r;
}

static int l_field(struct lctx *c, struct pc_sdesc *s, size_t idx,
		   const char *path, struct pc_lfields *rec, int depth)
{
	struct pc_sfield *f = &s->fields[idx];
	const struct pc_rnode *n = f->node;
	char *p = join_path(path, n->name);
	uint64_t at = c->io->off, count = n->count, start;
	bool began = false;
	int r;

	if (n->count_field && (r = l_field_count(c, s, n, at, p, &count)))
		goto out;
	if (c->tagged && (r = l_field_tag(c, n, count, at, p)))
		goto out;
	f->loaded = true;
	f->count = (uint32_t)count;
	if (rec && n->kind == PC_FIELD_STRUCT && count == 1) {
		f->elems = pc_xcalloc(2, sizeof(*f->elems));
		f->elems[0] = pc_sdesc_new(n->desc);
		if (depth >= PC_STREAM_MAX_DEPTH) {
			lmsg(c, PC_LMSG_MISMATCH, at, p, "nesting deeper than %d",
			     PC_STREAM_MAX_DEPTH);
			r = L_MISMATCH;
			goto out;
		}
		r = l_desc(c, f->elems[0], -1, p, rec, depth + 1);
		goto out;
	}
	start = c->io->off;
	f->wire_off = start;
	if (rec) {
		field_begin(c->io, n->kind == PC_FIELD_STRUCT ? 0
				   : (uint64_t)count * n->size);
		began = true;
	}
	if (n->kind == PC_FIELD_STRUCT)
		r = l_field_structs(c, f, at, p, depth);
	else
		r = l_field_data(c, f, p);
	if (r)
		goto out;
	if (rec) {
		uint32_t crc = field_end(c->io);

		lfields_add(rec, p, node_shape(n, (uint32_t)count),
			    start - c->payload_start, c->io->off - start, crc);
	}
	r = L_OK;
out:
	/* a failed field still counts in the section's CRC */
	if (began && c->io->in_field)
		field_end(c->io);
	free(p);
	return r;
}

static int l_desc(struct lctx *c, struct pc_sdesc *s, int version,
		  const char *path, struct pc_lfields *rec, int depth)
{
	const struct pc_rdesc *d = s->desc;
	char name[PC_STREAM_MAX_NAME + 1];
	int r;

	for (size_t i = 0; i < d->n_nodes; i++) {
		/* QEMU: a field newer than the incoming version is not read */
		if (version >= 0 && d->nodes[i].version > version)
			continue;
		r = l_field(c, s, i, path, rec, depth);
		if (r)
			return r;
	}
	for (;;) {
		uint8_t marker;
		uint64_t at = c->io->off, ver;
		struct pc_ssub *ss = NULL;
		char *p;

		r = l_read(c, &marker, 1, path, "a marker");
		if (r)
			return l_fence(c, r, path, "a subsection or end marker");
		if (marker == PC_SM_END)
			return L_OK;
		if (marker != PC_SM_SUBSECTION) {
			lmsg(c, PC_LMSG_MISMATCH, at, *path ? path : NULL,
			     "expected a subsection (0x%02x) or the end of '%s' (0x%02x), found 0x%02x: the source sent a layout this side does not parse",
			     PC_SM_SUBSECTION, d->name, PC_SM_END, marker);
			return L_MISMATCH;
		}
		r = l_str(c, name, PC_STREAM_MAX_NAME, path, "subsection name");
		if (!r)
			r = l_be(c, 4, &ver, path, "subsection version");
		if (r)
			return l_fence(c, r, path, "a subsection header");
		for (size_t i = 0; i < d->n_subs; i++)
			if (d->subs[i].desc && !strcmp(d->subs[i].desc->name, name))
				ss = &s->subs[i];
		p = join_path(path, name);
		if (!ss) {
			lmsg(c, PC_LMSG_MISMATCH, at, p,
			     "unknown subsection '%s': '%s' has no such subsection here",
			     name, d->name);
			free(p);
			return L_MISMATCH;
		}
		if (ss->present) {
			lmsg(c, PC_LMSG_MISMATCH, at, p, "subsection '%s' sent twice",
			     name);
			free(p);
			return L_MISMATCH;
		}
		if ((int64_t)ver > ss->sub->desc->version_id ||
		    (int64_t)ver < ss->sub->desc->min_version_id) {
			lmsg(c, PC_LMSG_MISMATCH, at, p,
			     "subsection version %llu, this side loads %d to %d",
			     (unsigned long long)ver, ss->sub->desc->min_version_id,
			     ss->sub->desc->version_id);
			free(p);
			return L_MISMATCH;
		}
		if (depth >= PC_STREAM_MAX_DEPTH) {
			lmsg(c, PC_LMSG_MISMATCH, at, p, "nesting deeper than %d",
			     PC_STREAM_MAX_DEPTH);
			free(p);
			return L_MISMATCH;
		}
		ss->present = true;
		ss->version = (int)ver;
		ss->st = pc_sdesc_new(ss->sub->desc);
		r = l_desc(c, ss->st, (int)ver, p, rec, depth + 1);
		free(p);
		if (r)
			return r;
	}
}

/* Invariants of every loaded description instance, under our mask. */
static void l_invariants(struct lctx *c, const struct pc_sdesc *s,
			 const char *path)
{
	for (size_t i = 0; i < s->desc->n_invs; i++) {
		const struct pc_rinv *iv = &s->desc->invs[i];
		const struct pc_sfield *f = pc_sdesc_inv_field(s, iv);
		uint64_t val = 0, diff;
		char *p;

		if (!f)
			continue;
		for (uint32_t b = 0; b < iv->size; b++)
			val |= (uint64_t)f->data[iv->offset + b] << (8 * b);
		diff = (val ^ iv->value) & iv->romask;
		if (!diff)
			continue;
		p = pc_xasprintf("%s%s%s (%s+0x%x)", path, *path ? "." : "",
				 iv->name, iv->field, iv->offset);
		lmsg(c, PC_LMSG_MISMATCH, f->wire_off + iv->offset, p,
		     "invariant: arrived 0x%0*llx, this side has 0x%0*llx under read-only mask 0x%0*llx (differing bits 0x%0*llx): the load is refused",
		     (int)iv->size * 2, (unsigned long long)val,
		     (int)iv->size * 2, (unsigned long long)iv->value,
		     (int)iv->size * 2, (unsigned long long)iv->romask,
		     (int)iv->size * 2, (unsigned long long)diff);
		free(p);
	}
	for (size_t i = 0; i < s->desc->n_nodes; i++) {
		const struct pc_sfield *f = &s->fields[i];

		for (uint32_t k = 0; f->elems && k < f->count; k++) {
			char *p = f->count == 1
				? join_path(path, f->node->name)
				: pc_xasprintf("%s%s%s[%u]", path, *path ? "." : "",
					       f->node->name, k);

			if (f->elems[k])
				l_invariants(c, f->elems[k], p);
			free(p);
		}
	}
	for (size_t i = 0; i < s->desc->n_subs; i++)
		if (s->subs[i].present && s->subs[i].st) {
			char *p = join_path(path, s->subs[i].sub->desc->name);

			l_invariants(c, s->subs[i].st, p);
			free(p);
		}
}

/* Read and discard up to the payload's end, so the footer can be checked. */
static int l_skip_to_stop(struct lctx *c)
{
	uint8_t junk[4096];

	while (c->io->off < c->io->stop) {
		uint64_t left = c->io->stop - c->io->off;
		size_t n = left < sizeof(junk) ? (size_t)left : sizeof(junk);

		if (l_read(c, junk, n, NULL, "section payload"))
			return -1;
	}
	return 0;
}

/* A section's header as sent: number, names, version, fingerprint, length. */
struct lsec_head {
	char name[PC_STREAM_MAX_NAME + 1], inst[PC_STREAM_MAX_NAME + 1];
	uint64_t idx, ver, fp, plen;
	uint64_t at;	/* offset of the section marker */
};

/* Read and check the header after the section marker. */
static int l_section_head(struct lctx *c, uint32_t expect_idx,
			  const struct pc_stream_header *h,
			  struct lsec_head *sh)
{
	struct pc_sio *io = c->io;

	if (l_be(c, 4, &sh->idx, NULL, "section number") ||
	    l_str(c, sh->name, PC_STREAM_MAX_NAME, NULL, "section name") ||
	    l_str(c, sh->inst, PC_STREAM_MAX_NAME, NULL, "instance name") ||
	    l_be(c, 4, &sh->ver, NULL, "section version") ||
	    l_be(c, 8, &sh->fp, NULL, "layout fingerprint") ||
	    l_be(c, 8, &sh->plen, NULL, "payload length"))
		return -1;
	c->sec = pc_xasprintf("section '%s' (instance '%s')", sh->name, sh->inst);
	if (sh->idx != expect_idx) {
		lmsg(c, PC_LMSG_MALFORMED, sh->at + 1, NULL,
		     "out of order: section number %llu where number %u was expected (reordered or duplicated)",
		     (unsigned long long)sh->idx, expect_idx);
		return -1;
	}
	if (sh->idx >= h->n_sections) {
		lmsg(c, PC_LMSG_MALFORMED, sh->at + 1, NULL,
		     "section number %llu, but the header announced %u sections",
		     (unsigned long long)sh->idx, h->n_sections);
		return -1;
	}
	if (sh->plen > io->limit - io->off) {
		lmsg(c, PC_LMSG_MALFORMED, io->off - 8, NULL,
		     "oversized payload length %llu: more than the stream limit of %llu bytes",
		     (unsigned long long)sh->plen, (unsigned long long)io->limit);
		return -1;
	}
	return 0;
}

/* This side's section of that name and instance (NULL if none), its index in *i. */
static const struct pc_rsection *own_section(const struct pc_vm *vm,
					     const struct lsec_head *sh,
					     size_t *i)
{
	const struct pc_rsection *own = NULL;

	for (size_t k = 0; k < vm->n_sections; k++)
		if (!strcmp(vm->sections[k].name, sh->name) &&
		    !strcmp(vm->sections[k].instance, sh->inst)) {
			own = &vm->sections[k];
			*i = k;
		}
	return own;
}

/*
 * The payload as this side loads it, into *st: an unknown section or a
 * version this side refuses is a mismatch (the payload is then skipped).
 * Returns -1 only when the stream is malformed.
 */
static int l_section_payload(struct lctx *c, const struct lsec_head *sh,
			     bool *seen, struct pc_lsection *ls,
			     struct pc_sdesc **st)
{
	struct pc_sio *io = c->io;
	size_t own_i = 0;
	const struct pc_rsection *own = own_section(c->vm, sh, &own_i);
	uint32_t ver = (uint32_t)sh->ver;
	int r;

	if (!own) {
		lmsg(c, PC_LMSG_MISMATCH, sh->at, NULL,
		     "unknown section: this side has no device '%s' with a section '%s'",
		     sh->inst, sh->name);
		return 0;
	}
	if (seen[own_i]) {
		lmsg(c, PC_LMSG_MALFORMED, sh->at, NULL, "section sent twice");
		return -1;
	}
	seen[own_i] = true;
	if ((int64_t)ver > own->desc->version_id ||
	    (int64_t)ver < own->desc->min_version_id) {
		lmsg(c, PC_LMSG_MISMATCH, sh->at, NULL,
		     "version %u, this side loads %d to %d (QEMU refuses the section)",
		     ver, own->desc->min_version_id, own->desc->version_id);
		return 0;
	}
	ls->same_layout = sh->fp == own->fingerprint;
	c->obj = own->obj;
	*st = pc_sdesc_new(own->desc);
	r = l_desc(c, *st, (int)ver, "", &ls->fields, 0);
	if (r == L_MALFORMED)
		return -1;
	if (r == L_OK && io->off != io->stop)
		lmsg(c, PC_LMSG_MISMATCH, io->off, NULL,
		     "this side's layout ends at payload offset %llu, the source sent %llu bytes: the layouts differ (last field read: '%s')",
		     (unsigned long long)(io->off - c->payload_start),
		     (unsigned long long)sh->plen,
		     ls->fields.n ? ls->fields.items[ls->fields.n - 1].path : "none");
	return 0;
}

/*
 * The footer: marker, section number and the CRC of everything since the
 * section marker.  A bad CRC drops the findings of this section first:
 * damaged bytes explain any misparse.
 */
static int l_section_footer(struct lctx *c, uint64_t idx, size_t msgs_before,
			    size_t mism_before)
{
	struct pc_sio *io = c->io;
	uint32_t crc = io->crc_sec;
	uint64_t at = io->off, v;
	uint8_t marker;

	if (l_read(c, &marker, 1, NULL, "section footer"))
		return -1;
	if (marker != PC_SM_FOOTER) {
		lmsg(c, PC_LMSG_MALFORMED, at, NULL,
		     "missing section footer: expected marker 0x%02x, found 0x%02x",
		     PC_SM_FOOTER, marker);
		return -1;
	}
	if (l_be(c, 4, &v, NULL, "footer section number"))
		return -1;
	if (v != idx) {
		lmsg(c, PC_LMSG_MALFORMED, at + 1, NULL,
		     "corrupt footer: section number expected %llu, found %llu",
		     (unsigned long long)idx, (unsigned long long)v);
		return -1;
	}
	at = io->off;
	if (l_be(c, 4, &v, NULL, "footer CRC"))
		return -1;
	if (v == crc)
		return 0;
	while (c->res->n_msgs > msgs_before) {
		struct pc_lmsg *m = &c->res->msgs[--c->res->n_msgs];

		free(m->section);
		free(m->field);
		free(m->text);
	}
	c->res->mismatches = mism_before;
	lmsg(c, PC_LMSG_MALFORMED, at, NULL,
	     "corrupt section: CRC expected 0x%08x, found 0x%08llx",
	     crc, (unsigned long long)v);
	return -1;
}

/* A section loaded without mismatch: its invariants, then its post_load hooks. */
static void l_section_verify(struct lctx *c, struct pc_sdesc *st,
			     struct pc_lsection *ls, size_t mism_before)
{
	char *why = NULL;
	size_t ran = 0;

	l_invariants(c, st, "");
	if (c->o && c->o->run_hooks &&
	    pc_hooks_post_load(c->o->hooks, c->vm, c->obj, st, &ran, &why) > 0) {
		lmsg(c, PC_LMSG_MISMATCH, c->payload_start, NULL,
		     "post_load: %s", why);
		free(why);
	}
	c->res->hooks_run += ran;
	ls->loaded = c->res->mismatches == mism_before;
}

static int l_section(struct lctx *c, uint32_t expect_idx, bool *seen,
		     const struct pc_stream_header *h)
{
	struct pc_sio *io = c->io;
	struct lsec_head sh;
	struct pc_sdesc *st = NULL;
	struct pc_lsection *ls;
	size_t msgs_before = c->res->n_msgs, mism_before = c->res->mismatches;

	/* the marker byte was read by the caller with crc_sec reset before */
	sh.at = io->off - 1;
	if (l_section_head(c, expect_idx, h, &sh))
		return -1;
	PC_ALLOC_GROW(c->res->sections, c->res->n_sections + 1,
		      c->res->alloc_sections);
	ls = &c->res->sections[c->res->n_sections++];
	memset(ls, 0, sizeof(*ls));
	ls->name = pc_xstrdup(sh.name);
	ls->instance = pc_xstrdup(sh.inst);
	ls->version = (int)(uint32_t)sh.ver;
	io->stop = io->off + sh.plen;
	io->stop_set = true;
	c->payload_start = io->off;
	if (l_section_payload(c, &sh, seen, ls, &st) || l_skip_to_stop(c))
		goto malformed;
	io->stop_set = false;
	if (l_section_footer(c, sh.idx, msgs_before, mism_before))
		goto malformed;
	if (st && c->res->mismatches == mism_before)
		l_section_verify(c, st, ls, mism_before);
	pc_sdesc_free(st);
	free(c->sec);
	c->sec = NULL;
	return 0;
malformed:
	pc_sdesc_free(st);
	return -1;
}

int pc_stream_load(struct pc_sio *io, const struct pc_stream_header *h,
		   const struct pc_vm *vm, const struct pc_load_opts *o,
		   struct pc_load_result *res)
{
	struct lctx c;
	bool *seen = pc_xcalloc(vm->n_sections + 1, sizeof(bool));
	uint32_t next = 0;
	int r = -1;

	memset(&c, 0, sizeof(c));
	c.io = io;
	c.vm = vm;
	c.o = o;
	c.res = res;
	c.tagged = (h->flags & PC_STREAM_F_TAGGED) != 0;
	res->own_hash = pc_vm_layout_hash(vm);
	res->same_layout = res->own_hash == h->layout_hash;
	if (l_config(&c))
		goto out;
	for (;;) {
		uint8_t marker;
		uint64_t at = io->off, v;

		io->crc_sec = 0;
		if (l_read(&c, &marker, 1, NULL, "record marker"))
			goto out;
		if (marker == PC_SM_EOF)
			break;
		if (marker != PC_SM_SECTION) {
			lmsg(&c, PC_LMSG_MALFORMED, at, NULL,
			     "expected a section (0x%02x) or the end marker (0x%02x), found 0x%02x",
			     PC_SM_SECTION, PC_SM_EOF, marker);
			goto out;
		}
		if (next >= PC_STREAM_MAX_SECTIONS) {
			lmsg(&c, PC_LMSG_MALFORMED, at, NULL,
			     "more than %d sections", PC_STREAM_MAX_SECTIONS);
			goto out;
		}
		if (l_section(&c, next++, seen, h))
			goto out;
		(void)v;
	}
	{
		uint64_t at = io->off, n;
		uint8_t extra;

		if (l_be(&c, 4, &n, NULL, "section count"))
			goto out;
		if (n != next || n != h->n_sections) {
			lmsg(&c, PC_LMSG_MALFORMED, at, NULL,
			     "missing sections: the end marker counts %llu, the header announced %u, %u arrived",
			     (unsigned long long)n, h->n_sections, next);
			goto out;
		}
		if (io->off < io->limit && sio_read(io, &extra, 1) == 1) {
			lmsg(&c, PC_LMSG_MALFORMED, at + 4, NULL,
			     "trailing data after the end marker");
			goto out;
		}
	}
	for (size_t i = 0; i < vm->n_sections; i++)
		if (!seen[i]) {
			c.sec = pc_xasprintf("section '%s' (instance '%s')",
					     vm->sections[i].name,
					     vm->sections[i].instance);
			lmsg(&c, PC_LMSG_MISMATCH, io->off, NULL,
			     "not sent: this side expects it, the source has no such section (its device keeps its reset state)");
			free(c.sec);
			c.sec = NULL;
		}
	r = 0;
out:
	res->bytes = io->off;
	free(c.sec);
	free(seen);
	return r;
}
