/*
 * test_stream.c - the migration stream format (core/stream.c): round trips
 * in both modes, and every rejection path of the loader with its exact
 * message, byte offset included.  Sides are built from an in-memory
 * declaration over the fixture machine family (fx-1.0).
 *
 * Offsets in the expected messages follow Documentation/stream-format.md:
 * the header of these streams is 52 bytes (magic 4, format 2, flags 2,
 * seed 8, smp 4, "2.0" 5, "a" 3, "fx-1.0" 8, hash 8, count 4, CRC 4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hookctx.h"
#include "pctest.h"
#include "stream.h"

#define DECL "plugcheck-abi 1\nplugin fx 2.0\n" \
	"type device abstract\nend\n" \
	"type fx-dev parent=device section=fx-dev\n" \
	"  prop num-queues u16 default=2\n" \
	"  prop feat bool default=on guest-visible\n" \
	"  prop mask bool default=off\n" \
	"  prop subsys u16 default=0x1234\n" \
	"end\n" \
	"type fx-two parent=device section=fx-two\nend\n" \
	"vmsd fx-queue version=1 min=1\n  field inuse u16\nend\n" \
	"vmsd fx-sub version=1 min=1\n  field extra u32\nend\n" \
	"vmsd fx-dev version=2 min=1\n" \
	"  field status u32\n" \
	"  field subsys u16\n" \
	"  field n u8\n" \
	"  field vq struct struct=fx-queue count=num-queues\n" \
	"  field log buffer size=1 count-field=n max=8\n" \
	"  field config buffer size=64\n" \
	"  field late u32 version=2\n" \
	"  invariant mask-reg field=config offset=8 size=4 value=\"mask ? 0x400000 : 0\" romask=\"mask ? 0xff7fffff : 0xffffffff\"\n" \
	"  subsection fx-sub needed=feat\n" \
	"end\n" \
	"vmsd fx-two version=1 min=1\n  field a u64\nend\n"

#define HEADER_LEN 52

struct fx {
	struct pc_side side;
	struct pc_vm vm;
};

static void fx_make(struct fx *x, const char *label, const char *decl,
		    const char *const *overrides)
{
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));
	struct pc_err err = { 0 };
	const struct pc_machine *m = NULL;

	memset(x, 0, sizeof(*x));
	x->side.label = pc_xstrdup(label);
	x->side.reg = pc_registry_new();
	x->side.own_reg = true;
	x->side.machines = pc_machine_set_new();
	x->side.own_machines = true;
	x->side.release.v[0] = 2;
	p->name = pc_xstrdup("fx");
	p->version = pc_xstrdup("2.0");
	p->path = pc_xasprintf("<%s>", label);
	p->decl = pc_xstrdup(decl);
	p->decl_len = strlen(decl);
	for (size_t i = 0; overrides && overrides[i]; i++) {
		struct pc_override ov;

		CU_ASSERT_EQUAL_FATAL(pc_override_parse(overrides[i], false, "test",
							&ov, &err), 0);
		pc_side_add_override(&x->side, &ov);
		pc_override_release(&ov);
	}
	if (pc_registry_add_plugin(x->side.reg, p, p->path, &err) ||
	    pc_registry_finalize(x->side.reg, &err) ||
	    pc_machines_load_dir(x->side.machines,
				 pct_path("tests/fixtures/check/machines"), &err) ||
	    !(m = pc_machine_find(x->side.machines, "fx-1.0")) ||
	    pc_vm_build(&x->side, m, 1, &x->vm, &err) ||
	    pc_vm_resolve(&x->vm, &err))
		fprintf(stderr, "\n  fx_make(%s): %s\n", label, err.msg);
	CU_ASSERT_FALSE_FATAL(err.set);
}

static void fx_free(struct fx *x)
{
	pc_vm_release(&x->vm);
	pc_side_release(&x->side);
}

/* Write x's stream to memory; 'fields' (may be NULL) gets the field lists. */
static uint8_t *fx_stream(struct fx *x, uint16_t flags, size_t *len,
			  struct pc_lfields *fields)
{
	struct pc_sdesc **st = pc_xcalloc(x->vm.n_sections + 1, sizeof(*st));
	struct pc_sio io;
	struct pc_err err = { 0 };
	uint8_t *out;

	for (size_t i = 0; i < x->vm.n_sections; i++)
		st[i] = pc_state_generate(&x->vm, &x->vm.sections[i], 42);
	pc_sio_init_mem_out(&io, "stream");
	CU_ASSERT_EQUAL(pc_stream_write(&io, &x->vm, st, 42, flags, fields, &err), 0);
	out = io.out;
	*len = io.out_len;
	io.out = NULL;
	pc_sio_release(&io);
	for (size_t i = 0; i < x->vm.n_sections; i++)
		pc_sdesc_free(st[i]);
	free(st);
	return out;
}

/* Load 'data' into x: the header error (if any) or the load result. */
static int fx_load(struct fx *x, const uint8_t *data, size_t len,
		   struct pc_load_result *res, char *herr, size_t herr_len)
{
	struct pc_sio io;
	struct pc_stream_header h;
	struct pc_err err = { 0 };
	struct pc_load_opts lo = { false, NULL };
	int r;

	memset(res, 0, sizeof(*res));
	pc_sio_init_mem_in(&io, data, len, "stream");
	if (pc_stream_read_header(&io, &h, &err)) {
		snprintf(herr, herr_len, "%s", err.msg);
		return -2;
	}
	herr[0] = '\0';
	r = pc_stream_load(&io, &h, &x->vm, &lo, res);
	pc_stream_header_release(&h);
	return r;
}

/* The first message of the given kind, or "". */
static const char *first_msg(const struct pc_load_result *r,
			     enum pc_lmsg_kind kind)
{
	for (size_t i = 0; i < r->n_msgs; i++)
		if (r->msgs[i].kind == kind)
			return r->msgs[i].text;
	return "";
}

static size_t find_bytes(const uint8_t *h, size_t hl, const void *n, size_t nl)
{
	for (size_t i = 0; i + nl <= hl; i++)
		if (!memcmp(h + i, n, nl))
			return i;
	CU_FAIL("pattern not found in the stream");
	return 0;
}

/* Offset of section 'idx' named 'name' (its marker byte). */
static size_t section_at(const uint8_t *s, size_t len, uint32_t idx,
			 const char *name)
{
	uint8_t pat[64];
	size_t nl = strlen(name);

	pat[0] = PC_SM_SECTION;
	pat[1] = (uint8_t)(idx >> 24);
	pat[2] = (uint8_t)(idx >> 16);
	pat[3] = (uint8_t)(idx >> 8);
	pat[4] = (uint8_t)idx;
	pat[5] = 0;
	pat[6] = (uint8_t)nl;
	memcpy(pat + 7, name, nl);
	return find_bytes(s, len, pat, 7 + nl);
}

static uint64_t be_at(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Payload offset of a field as the writer recorded it. */
static size_t field_off(const struct pc_lfields *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].path, path))
			return (size_t)l->items[i].off;
	CU_FAIL("no such field");
	return 0;
}

struct sec_pos {
	size_t start, payload, end; /* marker, payload start, footer */
};

/* Section layout: marker, u32, str, str, u32 version, u64 fp, u64 len. */
static struct sec_pos sec_pos(const uint8_t *s, size_t len, uint32_t idx,
			      const char *name, const char *inst)
{
	struct sec_pos p;
	size_t hdr = 1 + 4 + 2 + strlen(name) + 2 + strlen(inst) + 4 + 8 + 8;

	p.start = section_at(s, len, idx, name);
	p.payload = p.start + hdr;
	p.end = p.payload + (size_t)be_at(s + p.payload - 8, 8);
	return p;
}

/* After editing a payload, make its CRC right again: a valid stream. */
static void fix_crc(uint8_t *s, struct sec_pos p)
{
	put_be32(s + p.end + 5, pc_crc32(0, s + p.start, p.end - p.start));
}

PCT_TEST("stream", round_trip_tagged_and_untagged)
{
	for (int mode = 0; mode < 2; mode++) {
		struct fx a, b;
		struct pc_lfields sent[3];
		struct pc_load_result res;
		char herr[2048];
		size_t len;
		uint8_t *s;

		memset(sent, 0, sizeof(sent));
		fx_make(&a, "a", DECL, NULL);
		fx_make(&b, "b", DECL, NULL);
		PCT_ASSERT_INT_EQ(a.vm.n_sections, 2);
		s = fx_stream(&a, mode ? PC_STREAM_F_TAGGED : 0, &len, sent);
		PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), 0);
		PCT_ASSERT_STR_EQ(herr, "");
		PCT_ASSERT_INT_EQ(res.n_msgs, 0);
		PCT_ASSERT_INT_EQ(res.mismatches, 0);
		CU_ASSERT_TRUE(res.same_layout);
		PCT_ASSERT_INT_EQ(res.n_sections, 2);
		PCT_ASSERT_INT_EQ(res.bytes, len);
		for (size_t i = 0; i < 2; i++) {
			const struct pc_lfields *got = &res.sections[i].fields;

			CU_ASSERT_TRUE(res.sections[i].loaded);
			PCT_ASSERT_INT_EQ(got->n, sent[i].n);
			for (size_t k = 0; k < got->n && k < sent[i].n; k++) {
				PCT_ASSERT_STR_EQ(got->items[k].path, sent[i].items[k].path);
				PCT_ASSERT_STR_EQ(got->items[k].shape, sent[i].items[k].shape);
				PCT_ASSERT_INT_EQ(got->items[k].off, sent[i].items[k].off);
				PCT_ASSERT_INT_EQ(got->items[k].crc, sent[i].items[k].crc);
			}
			pc_lfields_release(&sent[i]);
		}
		/* the field list of fx-dev: count field at its bound, nested
		 * struct array as one entry, the subsection's field by path */
		PCT_ASSERT_STR_EQ(res.sections[0].fields.items[4].path, "log");
		PCT_ASSERT_STR_EQ(res.sections[0].fields.items[4].shape,
				  "buffer[8] (1 bytes each)");
		PCT_ASSERT_STR_EQ(res.sections[0].fields.items[3].shape,
				  "struct fx-queue[2]");
		PCT_ASSERT_STR_EQ(res.sections[0].fields.items[7].path,
				  "fx-sub.extra");
		pc_load_result_release(&res);
		free(s);
		fx_free(&a);
		fx_free(&b);
	}
}

PCT_TEST("stream", generated_state_follows_the_rules)
{
	struct fx a;
	struct pc_sdesc *st;
	const struct pc_sfield *f;

	fx_make(&a, "a", DECL, (const char *const[]){ "fx-dev.mask=on", NULL });
	st = pc_state_generate(&a.vm, &a.vm.sections[0], 7);
	/* a field named like a property carries its value */
	f = &st->fields[1];
	PCT_ASSERT_STR_EQ(f->node->name, "subsys");
	PCT_ASSERT_INT_EQ(pc_sfield_u64(f, 0), 0x1234);
	/* the count field carries its bound, and the buffer follows it */
	PCT_ASSERT_INT_EQ(pc_sfield_u64(&st->fields[2], 0), 8);
	PCT_ASSERT_INT_EQ(st->fields[4].count, 8);
	/* the invariant's bytes, little-endian at config+8 */
	f = &st->fields[5];
	PCT_ASSERT_INT_EQ(f->data[8], 0x00);
	PCT_ASSERT_INT_EQ(f->data[9], 0x00);
	PCT_ASSERT_INT_EQ(f->data[10], 0x40);
	PCT_ASSERT_INT_EQ(f->data[11], 0x00);
	/* the subsection needed=feat is sent */
	CU_ASSERT_TRUE(st->subs[0].present);
	pc_sdesc_free(st);
	fx_free(&a);
}

static void expect_header_error(const uint8_t *s, size_t len, const char *msg)
{
	struct fx b;
	struct pc_load_result res;
	char herr[2048];

	fx_make(&b, "b", DECL, NULL);
	PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), -2);
	PCT_ASSERT_STR_EQ(herr, msg);
	pc_load_result_release(&res);
	fx_free(&b);
}

/* The code of the header error of stream 's' (PC_E_NONE: none). */
static enum pc_errcode header_code(const uint8_t *s, size_t len)
{
	struct pc_sio io;
	struct pc_stream_header h;
	struct pc_err err = { 0 };

	pc_sio_init_mem_in(&io, s, len, "stream");
	if (!pc_stream_read_header(&io, &h, &err))
		pc_stream_header_release(&h);
	pc_sio_release(&io);
	return err.code;
}

static void expect_malformed(const uint8_t *s, size_t len, const char *msg)
{
	struct fx b;
	struct pc_load_result res;
	char herr[2048];

	fx_make(&b, "b", DECL, NULL);
	PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), -1);
	CU_ASSERT_TRUE(res.malformed);
	PCT_ASSERT_STR_EQ(first_msg(&res, PC_LMSG_MALFORMED), msg);
	pc_load_result_release(&res);
	fx_free(&b);
}

static void expect_mismatch(struct fx *b, const uint8_t *s, size_t len,
			    const char *msg)
{
	struct pc_load_result res;
	char herr[2048];

	PCT_ASSERT_INT_EQ(fx_load(b, s, len, &res, herr, sizeof(herr)), 0);
	CU_ASSERT_FALSE(res.malformed);
	PCT_ASSERT_STR_EQ(first_msg(&res, PC_LMSG_MISMATCH), msg);
	pc_load_result_release(&res);
}

PCT_TEST("stream", header_rejections)
{
	struct fx a;
	size_t len;
	uint8_t *s, *c;

	fx_make(&a, "a", DECL, NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	c = pc_xmalloc(len);

	expect_header_error(s, 0, "stream: offset 0: truncated header: expected 4 bytes of magic, found 0");
	expect_header_error(s, 30, "stream: offset 30: truncated header: expected 6 bytes of machine type name, found 0");
	memcpy(c, s, len);
	memcpy(c, "QEVM", 4);
	expect_header_error(c, len, "stream: offset 0: bad magic: expected 50 43 4d 53 (\"PCMS\"), found 51 45 56 4d: not a plugcheck migration stream");
	PCT_ASSERT_INT_EQ(header_code(c, len), PC_E_INPUT);
	memcpy(c, s, len);
	c[5] = 9;
	expect_header_error(c, len, "stream: offset 4: unsupported format version: expected 1, found 9");
	memcpy(c, s, len);
	c[6] = 0x80;
	expect_header_error(c, len, "stream: offset 6: unknown flags: expected only 0x0001, found 0x8001");
	memcpy(c, s, len);
	put_be32(c + 16, 0);
	expect_header_error(c, len, "stream: offset 16: bad vCPU count: expected 1 to 65536, found 0");
	memcpy(c, s, len);
	c[25] = 0xff; /* the side name's length */
	expect_header_error(c, len, "stream: offset 25: oversized side name: 65281 bytes, at most 255");
	/* beyond a bound of the format, not merely malformed */
	PCT_ASSERT_INT_EQ(header_code(c, len), PC_E_LIMIT);
	memcpy(c, s, len);
	put_be32(c + 44, 0xffffffffu);
	expect_header_error(c, len, "stream: offset 44: bad section count: expected at most 65536, found 4294967295");
	memcpy(c, s, len);
	c[22] ^= 1; /* the release name: "3.0" */
	expect_header_error(c, len, "stream: offset 48: corrupt header: CRC expected 0x4c2fcedc, found 0xab32684b");
	free(c);
	free(s);
	fx_free(&a);
}

PCT_TEST("stream", body_rejections)
{
	struct fx a;
	size_t len;
	uint8_t *s, *c;
	struct sec_pos p0, p1;
	char *msg;

	struct pc_lfields sent[2];

	memset(sent, 0, sizeof(sent));
	fx_make(&a, "a", DECL, NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, sent);
	c = pc_xmalloc(len + 16);
	p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
	p1 = sec_pos(s, len, 1, "fx-two", "fx-two");

	/* truncated in the configuration record, in a payload, at the end */
	expect_malformed(s, HEADER_LEN + 3, "stream: offset 53: truncated: expected 4 bytes of object count, found 2");
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'), field 'config': truncated: expected 64 bytes of field data, found 10",
			   p0.payload + field_off(&sent[0], "config"));
	expect_malformed(s, p0.payload + field_off(&sent[0], "config") + 10, msg);
	free(msg);
	/* the final end marker missing */
	msg = pc_xasprintf("stream: offset %zu: truncated: expected 1 bytes of record marker, found 0",
			   len - 5);
	expect_malformed(s, len - 5, msg);
	free(msg);
	/* trailing data */
	memcpy(c, s, len);
	c[len] = 0;
	msg = pc_xasprintf("stream: offset %zu: trailing data after the end marker", len);
	expect_malformed(c, len + 1, msg);
	free(msg);
	/* an oversized object count */
	memcpy(c, s, len);
	put_be32(c + HEADER_LEN + 1, 70000);
	expect_malformed(c, len, "stream: offset 53: bad object count: expected at most 65536, found 70000");
	/* a damaged configuration record */
	memcpy(c, s, len);
	c[HEADER_LEN + 9] ^= 0x20;
	msg = pc_xasprintf("stream: offset %zu: corrupt configuration record: CRC expected ",
			   p0.start - 4);
	{
		struct fx b;
		struct pc_load_result res;
		char herr[2048];

		fx_make(&b, "b", DECL, NULL);
		PCT_ASSERT_INT_EQ(fx_load(&b, c, len, &res, herr, sizeof(herr)), -1);
		PCT_ASSERT_CONTAINS(first_msg(&res, PC_LMSG_MALFORMED), msg);
		pc_load_result_release(&res);
		fx_free(&b);
	}
	free(msg);
	/* an oversized payload length */
	memcpy(c, s, len);
	memset(c + p0.payload - 8, 0x7f, 8);
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): oversized payload length 9187201950435737471: more than the stream limit of 8589934592 bytes",
			   p0.payload - 8);
	expect_malformed(c, len, msg);
	free(msg);
	/* a damaged payload: the CRC says so */
	memcpy(c, s, len);
	c[p0.payload + 2] ^= 1;
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): corrupt section: CRC expected 0x%08x, found 0x%08x",
			   p0.end + 5, pc_crc32(0, c + p0.start, p0.end - p0.start),
			   (uint32_t)be_at(s + p0.end + 5, 4));
	expect_malformed(c, len, msg);
	free(msg);
	/* the footer: wrong marker, wrong section number */
	memcpy(c, s, len);
	c[p0.end] = 0x55;
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): missing section footer: expected marker 0x7e, found 0x55",
			   p0.end);
	expect_malformed(c, len, msg);
	free(msg);
	memcpy(c, s, len);
	c[p0.end + 4] = 9;
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): corrupt footer: section number expected 0, found 9",
			   p0.end + 1);
	expect_malformed(c, len, msg);
	free(msg);
	/* reordered sections: fx-two first */
	{
		size_t n0 = p1.start - p0.start, n1 = p1.end + 9 - p1.start;

		memcpy(c, s, len);
		memcpy(c + p0.start, s + p1.start, n1);
		memcpy(c + p0.start + n1, s + p0.start, n0);
		msg = pc_xasprintf("stream: offset %zu: section 'fx-two' (instance 'fx-two'): out of order: section number 1 where number 0 was expected (reordered or duplicated)",
				   p0.start + 1);
		expect_malformed(c, len, msg);
		free(msg);
	}
	/* a bad record marker between sections */
	memcpy(c, s, len);
	c[p1.start] = 0x09;
	msg = pc_xasprintf("stream: offset %zu: expected a section (0x02) or the end marker (0x7f), found 0x09",
			   p1.start);
	expect_malformed(c, len, msg);
	free(msg);
	/* sections missing: the end marker's count disagrees */
	memcpy(c, s, len);
	memcpy(c + p1.start, s + len - 5, 5);
	msg = pc_xasprintf("stream: offset %zu: missing sections: the end marker counts 2, the header announced 2, 1 arrived",
			   p1.start + 1);
	expect_malformed(c, p1.start + 5, msg);
	free(msg);
	pc_lfields_release(&sent[0]);
	pc_lfields_release(&sent[1]);
	free(c);
	free(s);
	fx_free(&a);
}

PCT_TEST("stream", layout_mismatches_name_the_field)
{
	struct fx a, b;
	size_t len;
	uint8_t *s;
	struct sec_pos p0;
	char *msg;

	fx_make(&a, "a", DECL, NULL);
	/* the destination has 3 queues: tagged, the field is named */
	fx_make(&b, "b", DECL, (const char *const[]){ "fx-dev.num-queues=3", NULL });
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'), field 'vq': the source sends struct ?[2] here, this side loads struct fx-queue[3]",
			   p0.payload + 13 * 3 + 4 + 2 + 1);
	expect_mismatch(&b, s, len, msg);
	free(msg);
	free(s);
	/* untagged, as QEMU: the misparse shows at the end of the layout */
	s = fx_stream(&a, 0, &len, NULL);
	p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
	/* untagged payload: status 4, subsys 2, n 1, vq[k] inuse 2 + end 1:
	 * vq[2]'s end marker is expected at 15, where 'log' begins */
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'), field 'vq[2]': expected a subsection (0x03) or the end of 'fx-queue' (0x04), found 0x%02x: the source sent a layout this side does not parse",
			   p0.payload + 15, s[p0.payload + 15]);
	expect_mismatch(&b, s, len, msg);
	free(msg);
	fx_free(&b);
	/* a count beyond the destination's bound, in a valid stream */
	fx_make(&b, "b", DECL, NULL);
	{
		uint8_t *c = pc_xmalloc(len);

		memcpy(c, s, len);
		c[p0.payload + 4 + 2] = 200;
		fix_crc(c, p0);
		msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'), field 'log': bad count: 'n' says 200 elements, this side accepts at most 8",
				   p0.payload + 13);
		expect_mismatch(&b, c, len, msg);
		free(msg);
		free(c);
	}
	free(s);
	fx_free(&b);
	/* an unknown section, and one the destination misses */
	fx_make(&b, "b", "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
		"type fx-three parent=device section=fx-three\nend\n"
		"type fx-two parent=device section=fx-two\nend\n"
		"vmsd fx-two version=1 min=1\n  field a u64\nend\n"
		"vmsd fx-three version=1 min=1\n  field b u8\nend\n", NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): unknown section: this side has no device 'fx-dev' with a section 'fx-dev'",
			   p0.start);
	expect_mismatch(&b, s, len, msg);
	free(msg);
	{
		struct pc_load_result res;
		char herr[2048];

		PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), 0);
		PCT_ASSERT_INT_EQ(res.mismatches, 2);
		msg = pc_xasprintf("stream: offset %zu: section 'fx-three' (instance 'fx-three'): not sent: this side expects it, the source has no such section (its device keeps its reset state)",
				   len);
		PCT_ASSERT_STR_EQ(res.msgs[res.n_msgs - 1].text, msg);
		free(msg);
		pc_load_result_release(&res);
	}
	free(s);
	fx_free(&b);
	/* an invariant under the destination's read-only mask; a guest-visible
	 * property; a section version outside the destination's range */
	fx_make(&b, "b", DECL, (const char *const[]){ "fx-dev.mask=on", NULL });
	{
		struct pc_lfields sent[2];

		memset(sent, 0, sizeof(sent));
		s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, sent);
		p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
		msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'), field 'mask-reg (config+0x8)': invariant: arrived 0x00000000, this side has 0x00400000 under read-only mask 0xff7fffff (differing bits 0x00400000): the load is refused",
				   p0.payload + field_off(&sent[0], "config") + 8);
		expect_mismatch(&b, s, len, msg);
		free(msg);
		pc_lfields_release(&sent[0]);
		pc_lfields_release(&sent[1]);
	}
	free(s);
	fx_free(&b);
	fx_make(&b, "b", DECL, (const char *const[]){ "fx-dev.feat=off", NULL });
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	{
		struct pc_load_result res;
		char herr[2048];

		PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), 0);
		PCT_ASSERT_CONTAINS(res.msgs[0].text, "device 'fx-dev': guest-visible property 'fx-dev.feat': the source runs with 'on', this side with 'off'");
		pc_load_result_release(&res);
	}
	free(s);
	fx_free(&b);
	fx_free(&a);
	fx_make(&a, "a", DECL, NULL);
	fx_make(&b, "b", "plugcheck-abi 1\nplugin fx 2.0\ntype device abstract\nend\n"
		"type fx-dev parent=device section=fx-dev\nend\n"
		"type fx-two parent=device section=fx-two\nend\n"
		"vmsd fx-dev version=5 min=3\n  field status u32\nend\n"
		"vmsd fx-two version=1 min=1\n  field a u64\nend\n", NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	p0 = sec_pos(s, len, 0, "fx-dev", "fx-dev");
	msg = pc_xasprintf("stream: offset %zu: section 'fx-dev' (instance 'fx-dev'): version 2, this side loads 3 to 5 (QEMU refuses the section)",
			   p0.start);
	expect_mismatch(&b, s, len, msg);
	free(msg);
	free(s);
	fx_free(&b);
	fx_free(&a);
}

/* Every single-byte corruption and every truncation of a real stream is
 * rejected or loaded without a crash; the fuzz target does this at scale. */
PCT_TEST("stream", every_byte_flip_and_cut_is_handled)
{
	struct fx a, b;
	size_t len;
	uint8_t *s, *c;
	size_t rejected = 0;

	fx_make(&a, "a", DECL, NULL);
	fx_make(&b, "b", DECL, NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	c = pc_xmalloc(len);
	for (size_t i = 0; i < len; i++) {
		struct pc_load_result res;
		char herr[2048];
		int r;

		memcpy(c, s, len);
		c[i] ^= 0x5a;
		r = fx_load(&b, c, len, &res, herr, sizeof(herr));
		rejected += r != 0 || res.mismatches;
		pc_load_result_release(&res);
		r = fx_load(&b, s, i, &res, herr, sizeof(herr));
		CU_ASSERT_NOT_EQUAL(r, 0);
		pc_load_result_release(&res);
	}
	/* the CRCs leave no byte unchecked */
	PCT_ASSERT_INT_EQ(rejected, len);
	free(c);
	free(s);
	fx_free(&a);
	fx_free(&b);
}

/* What `check` only flags for review loads, with notes, as in QEMU. */
PCT_TEST("stream", renames_and_same_size_types_are_notes)
{
	struct fx a, b;
	struct pc_load_result res;
	char herr[2048], *decl;
	const char *at;
	size_t len;
	uint8_t *s;

	at = strstr(DECL, "  field status u32\n  field subsys u16\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	decl = pc_xasprintf("%.*s  field state u32\n  field subsys i16\n%s",
			    (int)(at - DECL), DECL,
			    at + strlen("  field status u32\n  field subsys u16\n"));
	fx_make(&a, "a", DECL, NULL);
	fx_make(&b, "b", decl, NULL);
	s = fx_stream(&a, PC_STREAM_F_TAGGED, &len, NULL);
	PCT_ASSERT_INT_EQ(fx_load(&b, s, len, &res, herr, sizeof(herr)), 0);
	PCT_ASSERT_INT_EQ(res.mismatches, 0);
	PCT_ASSERT_INT_EQ(res.notes, 2);
	PCT_ASSERT_CONTAINS(first_msg(&res, PC_LMSG_NOTE), "field 'state': the source's field at this position has another name");
	PCT_ASSERT_CONTAINS(res.msgs[1].text, "field 'subsys': the source sends u16, this side reads the same bytes as i16");
	pc_load_result_release(&res);
	free(s);
	free(decl);
	fx_free(&a);
	fx_free(&b);
}
