/*
 * kinds.c - the kind functions, generated from the tables in kinds.h.
 */
#include "kinds.h"

#include <stddef.h>
#include <string.h>

#include "util.h"

#include "banned.h"

struct kind_row {
	const char *name;
	uint32_t size;
	int class;
	bool is_signed;
};

#define PROP_ROW(id, spelling, sz, cls, sgn) \
	[PC_PROP_##id] = { spelling, sz, PC_PCLASS_##cls, sgn },
static const struct kind_row prop_rows[] = { PC_PROP_KINDS(PROP_ROW) };
#undef PROP_ROW

#define FIELD_ROW(id, spelling, sz, cls, sgn) \
	[PC_FIELD_##id] = { spelling, sz, PC_FCLASS_##cls, sgn },
static const struct kind_row field_rows[] = { PC_FIELD_KINDS(FIELD_ROW) };
#undef FIELD_ROW

_Static_assert(PC_ARRAY_SIZE(prop_rows) == PC_PROP_KIND_COUNT,
	       "prop_rows[] and enum pc_prop_kind");
_Static_assert(PC_ARRAY_SIZE(field_rows) == PC_FIELD_KIND_COUNT,
	       "field_rows[] and enum pc_field_kind");

static const struct kind_row *prop_row(enum pc_prop_kind k)
{
	return (unsigned)k < PC_PROP_KIND_COUNT ? &prop_rows[k] : NULL;
}

static const struct kind_row *field_row(enum pc_field_kind k)
{
	return (unsigned)k < PC_FIELD_KIND_COUNT ? &field_rows[k] : NULL;
}

/* ------------------------------------------------------------ properties */

const char *pc_prop_kind_name(enum pc_prop_kind k)
{
	const struct kind_row *r = prop_row(k);

	return r ? r->name : "?";
}

int pc_prop_kind_parse(const char *s, enum pc_prop_kind *out)
{
	for (int k = 0; k < PC_PROP_KIND_COUNT; k++) {
		if (!strcmp(s, prop_rows[k].name)) {
			*out = (enum pc_prop_kind)k;
			return 0;
		}
	}
	return -1;
}

enum pc_prop_class pc_prop_kind_class(enum pc_prop_kind k)
{
	const struct kind_row *r = prop_row(k);

	/* an out-of-range kind is no class: switches over the class end at
	 * their fail-closed tail, as they did over the kind */
	return r ? (enum pc_prop_class)r->class : (enum pc_prop_class)-1;
}

uint32_t pc_prop_kind_size(enum pc_prop_kind k)
{
	const struct kind_row *r = prop_row(k);

	return r ? r->size : 0;
}

bool pc_prop_kind_signed(enum pc_prop_kind k)
{
	const struct kind_row *r = prop_row(k);

	return r && r->is_signed;
}

/* ------------------------------------------------------------ fields */

const char *pc_field_kind_name(enum pc_field_kind k)
{
	const struct kind_row *r = field_row(k);

	return r ? r->name : "?";
}

uint32_t pc_field_kind_size(enum pc_field_kind k)
{
	const struct kind_row *r = field_row(k);

	return r ? r->size : 0;
}

int pc_field_kind_parse(const char *s, enum pc_field_kind *out)
{
	for (int k = 0; k < PC_FIELD_KIND_COUNT; k++) {
		const char *name = field_rows[k].name;

		if (name[0] == s[0] && !strcmp(s, name)) {
			*out = (enum pc_field_kind)k;
			return 0;
		}
	}
	return -1;
}

enum pc_field_class pc_field_kind_class(enum pc_field_kind k)
{
	const struct kind_row *r = field_row(k);

	/* an out-of-range kind is no class (see pc_prop_kind_class()) */
	return r ? (enum pc_field_class)r->class : (enum pc_field_class)-1;
}

bool pc_field_kind_signed(enum pc_field_kind k)
{
	const struct kind_row *r = field_row(k);

	return r && r->is_signed;
}

static const struct {
	const char *name;
	enum pc_mig_priority value;
} pri_rows[] = {
#define PC_PRI_ROW(id, spelling, v) { spelling, PC_PRI_##id },
	PC_MIG_PRIORITIES(PC_PRI_ROW)
#undef PC_PRI_ROW
};

int pc_mig_priority_parse(const char *s, enum pc_mig_priority *out)
{
	for (size_t i = 0; i < sizeof(pri_rows) / sizeof(pri_rows[0]); i++)
		if (!strcmp(s, pri_rows[i].name)) {
			*out = pri_rows[i].value;
			return 0;
		}
	return -1;
}

const char *pc_mig_priority_name(enum pc_mig_priority p)
{
	for (size_t i = 0; i < sizeof(pri_rows) / sizeof(pri_rows[0]); i++)
		if (pri_rows[i].value == p)
			return pri_rows[i].name;
	return "?";
}
