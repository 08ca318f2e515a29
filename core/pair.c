/*
 * pair.c - one checked direction and its counts (pair.h).
 */
#include <assert.h>
#include <string.h>

#include "pair.h"

#include "banned.h"

void pc_pair_count(const struct pc_report *r, size_t from, struct pc_pair *p)
{
	assert(from <= r->n);
	for (size_t i = from; i < r->n; i++) {
		const struct pc_finding *f = &r->items[i];

		if (f->known)
			p->known++;
		else if (f->severity == PC_SEV_INCOMPATIBLE)
			p->incompatible++;
		else if (f->severity == PC_SEV_REVIEW)
			p->review++;
	}
}

int pc_pair_check(struct pc_check *c, const struct pc_side *a,
		  const struct pc_side *b, struct pc_report *r,
		  struct pc_pair *p, struct pc_err *err)
{
	struct pc_err inner = { 0 };
	size_t before = r->n;

	memset(p, 0, sizeof(*p));
	p->src = a->label;
	p->dst = b->label;
	if (pc_check_direction(c, a, b, r, &inner)) {
		p->error = true;
		return pc_err_wrap(err, &inner, "%s -> %s", a->label, b->label);
	}
	pc_pair_count(r, before, p);
	return 0;
}

const char *pc_pair_verdict(const struct pc_pair *p, bool known_fails)
{
	if (p->error)
		return "error";
	if (p->incompatible)
		return "incompatible";
	if (p->known && known_fails)
		return "incompatible (known break)";
	return "compatible";
}

json_t *pc_pairs_to_json(const struct pc_pair *p, size_t n, bool known_fails)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "source", json_string(p[i].src));
		json_object_set_new(o, "destination", json_string(p[i].dst));
		json_object_set_new(o, "verdict",
				    json_string(pc_pair_verdict(&p[i], known_fails)));
		json_object_set_new(o, "incompatible",
				    json_integer((json_int_t)p[i].incompatible));
		json_object_set_new(o, "known_breaks",
				    json_integer((json_int_t)p[i].known));
		json_object_set_new(o, "needs_review",
				    json_integer((json_int_t)p[i].review));
		json_array_append_new(a, o);
	}
	return a;
}
