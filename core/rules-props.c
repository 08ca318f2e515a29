/*
 * rules-props.c - the property rule families of the check
 * (check-rules.h): guest-visible and stream-protocol properties that
 * differ (PC501/PC503), properties only one side has, compared by the
 * behaviour declared for their absence (PC502), and properties whose
 * default comes from the host (PC701/PC702).  Documentation/rules.md
 * describes them with their fixes.
 */
#include "check-rules.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* Report a hit about the objects 'so' and 'dobj' (either may be NULL),
 * at 'device'. */
static void prop_add(struct dir_ctx *x, const struct pc_object *so,
		     const struct pc_object *dobj, const char *device,
		     struct pc_hit h)
{
	h.src_obj = so;
	h.dst_obj = dobj;
	h.device = device;
	dir_add(x, &h);
}

/*
 * A guest-visible property whose default comes from the host (host=CAP)
 * differs.  The guide's cases: the source's guest uses a feature the
 * destination's host lacks (PC701: it fails, and nothing on the
 * destination can fix it: the source must run without it, the hosts'
 * intersection); the destination's host offers a feature the guest did not
 * see (PC702: "sometimes works", a person decides; the destination can
 * turn it off).  Anything else is a configuration difference (PC501).
 * Returns false when the generic PC501 applies.
 */
/* PC701's fix: the source runs without the feature.  An onoffauto whose
 * auto followed the host is set explicitly, on both sides, as QEMU users
 * pin a vhost feature (-global T.P=off): auto resolves anew on each host. */
static char *host_auto_fix(const struct dir_ctx *x, const struct pc_eprop *se,
			   const char *cap)
{
	if (se->prop->kind == PC_PROP_ONOFFAUTO)
		return pc_xasprintf("set %s.%s=off explicitly on both sides (-global %s.%s=off; auto resolves on each host from its own capabilities): run every host with the capabilities all of them have (plugcheck baseline --machine %s --host SRC.caps --host DST.caps prints each host's overrides), or migrate only to hosts that have '%s'",
				    se->owner->name, se->prop->name,
				    se->owner->name, se->prop->name,
				    x->svm->machine->name, cap);
	return pc_xasprintf("start the source with %s.%s=off: run every host with the features all of them have (plugcheck baseline --machine %s --host SRC.caps --host DST.caps prints each host's overrides), or migrate only to hosts that have '%s'",
			    se->owner->name, se->prop->name,
			    x->svm->machine->name, cap);
}

static bool host_feature_finding(struct dir_ctx *x, const struct pc_object *so,
				 const struct pc_object *dobj,
				 const struct pc_eprop *se,
				 const struct pc_eprop *de, const char *path)
{
	const char *cap = se->prop->host_feature;
	const char *dhost = x->dst->host ? x->dst->host->name : NULL;
	char *why, *fix, *ovr;

	if (!cap)
		return false;
	if (se->val.num && !de->val.num &&
	    !pc_host_caps_has(x->dst->host, cap)) {
		why = pc_xasprintf("the guest on %s uses %s (%s); on %s it is off (%s): the destination's %s%s lacks '%s', and no option of the destination can present it",
				   x->src->label, se->prop->name, pc_eprop_source(se),
				   x->dst->label, pc_eprop_source(de),
				   dhost ? "host " : "reference host (no capabilities given)",
				   dhost ? dhost : "", cap);
		fix = host_auto_fix(x, se, cap);
		prop_add(x, so, dobj, so->id, (struct pc_hit){
			.rule = PC_R_HOST_FEATURE,
			.severity = PC_SEV_INCOMPATIBLE,
			.path = path,
			.src_value = se->val.text,
			.dst_value = de->val.text,
			.why = why,
			.fix = fix });
		free(why);
		free(fix);
		return true;
	}
	if (!se->val.num && de->val.num && x->dst->host) {
		why = pc_xasprintf("the destination's host %s offers %s, which the guest did not see on %s (%s): more features on the destination sometimes works (the guest keeps what it probed at boot), a person decides",
				   dhost, cap, x->src->label, pc_eprop_source(se));
		fix = pc_xasprintf("run the destination without '%s', as the hosts' intersection does (plugcheck baseline --machine %s --host SRC.caps --host DST.caps)",
				   cap, x->svm->machine->name);
		/* the destination can always turn a feature off (the hit has
		 * no dependencies, so no other override is named) */
		ovr = pc_xasprintf("--dst-global %s.%s=off", de->owner->name,
				   se->prop->name);
		prop_add(x, so, dobj, so->id, (struct pc_hit){
			.rule = PC_R_HOST_FEATURE_EXTRA,
			.severity = PC_SEV_REVIEW,
			.path = path,
			.src_value = se->val.text,
			.dst_value = de->val.text,
			.why = why,
			.fix = fix,
			.fix_override = ovr });
		free(ovr);
		free(why);
		free(fix);
		return true;
	}
	return false;
}

/* A feature only one side has, against the behaviour declared for its
 * absence 'st' (rules-virtio.c); false when it is no feature. */
static bool feature_on_one_side(struct dir_ctx *x, const struct pc_object *so,
				const struct pc_object *dobj,
				const struct pc_eprop *have,
				const struct pc_eprop *st, bool on_src,
				const char *absent_text)
{
	if (on_src)
		return pc_rules_feature(x, so, dobj, have, st, have->val.text,
					absent_text);
	return pc_rules_feature(x, so, dobj, st, have, absent_text,
				have->val.text);
}

/*
 * A property only one side's object has ('have', on the source when
 * 'on_src'): the other build predates it (or dropped it).  A property the
 * guest or the host can see is compared with the behaviour declared for
 * its absence (since=/absent=) at the other side's release: a difference
 * is incompatible (PC501), as is a guest-visible property whose absence
 * is not declared (nobody can say what the guest saw).  Otherwise, and
 * when the behaviours agree, PC502 (info).
 */
static void prop_on_one_side(struct dir_ctx *x, const struct pc_object *so,
			     const struct pc_object *dobj,
			     const struct pc_eprop *have, bool on_src)
{
	const struct pc_side *missing = on_src ? x->dst : x->src;
	const struct pc_side *holder = on_src ? x->src : x->dst;
	const struct pc_object *o = on_src ? so : dobj;
	char *p = pc_xasprintf("%s.%s", have->owner->name, have->prop->name);
	struct pc_eprop st;
	char *absent_text;

	enum pc_rule rule = have->prop->guest_visible || !have->prop->wire
		? PC_R_GUEST_PROP : PC_R_WIRE_PROP;

	if (!have->prop->guest_visible && !have->prop->host_feature &&
	    !have->prop->wire) {
		char *why = pc_xasprintf("%s does not declare this property; it is not guest-visible, so only its presence differs",
					 missing->label);

		prop_add(x, so, dobj, o->id, (struct pc_hit){
			.rule = PC_R_PROP_ABSENT,
			.severity = PC_SEV_INFO,
			.path = p,
			.src_value = on_src ? have->val.text : NULL,
			.dst_value = on_src ? NULL : have->val.text,
			.why = why });
		free(why);
		free(p);
		return;
	}
	if (!pc_check_absent_stand_in(missing, have, &st)) {
		char *why = pc_xasprintf("%s has no property %s and %s's declaration does not say how a build without it behaves (since=/absent=): what the guest saw cannot be compared",
					 missing->label, have->prop->name, holder->label);
		char *fix = pc_xasprintf("declare when %s appeared and how the device behaved before (since=VERSION absent=VALUE, Documentation/declaration-language.md); then pin that behaviour for the older machine types with a compat entry",
					 have->prop->name);

		prop_add(x, so, dobj, o->id, (struct pc_hit){
			.rule = rule,
			.severity = PC_SEV_INCOMPATIBLE,
			.path = p,
			.src_value = on_src ? have->val.text : "(no such property)",
			.dst_value = on_src ? "(no such property)" : have->val.text,
			.why = why,
			.fix = fix });
		free(why);
		free(fix);
		free(p);
		return;
	}
	absent_text = pc_xasprintf("(no such property: behaves as %s)", st.val.text);
	if (feature_on_one_side(x, so, dobj, have, &st, on_src, absent_text)) {
		/* a feature one side predates: the subset rule decides */
	} else if (!strcmp(st.val.text, have->val.text ? have->val.text : "")) {
		prop_add(x, so, dobj, o->id, (struct pc_hit){
			.rule = PC_R_PROP_ABSENT,
			.severity = PC_SEV_INFO,
			.path = p,
			.src_value = on_src ? have->val.text : absent_text,
			.dst_value = on_src ? absent_text : have->val.text,
			.why = pc_eprop_source(&st) });
	} else {
		char *why = pc_xasprintf("%s (%s)", rule == PC_R_WIRE_PROP
			? "the property shapes the migration stream: the destination expects another stream than the source sends"
			: "the guest saw the source's behaviour; the destination would present another",
			pc_eprop_source(&st));

		prop_add(x, so, dobj, o->id, (struct pc_hit){
			.rule = rule,
			.severity = PC_SEV_INCOMPATIBLE,
			.path = p,
			.src_value = on_src ? have->val.text : absent_text,
			.dst_value = on_src ? absent_text : have->val.text,
			.why = why,
			.deps = have->prop->name });
		free(why);
	}
	free(absent_text);
	pc_value_release(&st.val);
	free(st.source_text);
	free(p);
}

/* A property both objects have (PC501/PC503/PC701/PC702): compared when
 * the guest or the stream sees it. */
static void prop_on_both_sides(struct dir_ctx *x, const struct pc_object *so,
			       const struct pc_object *dobj,
			       const struct pc_eprop *se,
			       const struct pc_eprop *de)
{
	bool wire = !se->prop->guest_visible && !de->prop->guest_visible;
	char *p;

	if (wire && !se->prop->wire && !de->prop->wire)
		return;
	if (se->val.text && de->val.text && !strcmp(se->val.text, de->val.text))
		return;
	if (!wire && pc_rules_feature(x, so, dobj, se, de, se->val.text,
				      de->val.text))
		return;
	p = pc_xasprintf("%s.%s", se->owner->name, se->prop->name);
	if (wire || !host_feature_finding(x, so, dobj, se, de, p))
		prop_add(x, so, dobj, so->id, (struct pc_hit){
			.rule = wire ? PC_R_WIRE_PROP : PC_R_GUEST_PROP,
			.severity = PC_SEV_INCOMPATIBLE,
			.path = p,
			.src_value = se->val.text,
			.dst_value = de->val.text,
			.why = wire
				? "the property shapes the migration stream (framing, sections, handshakes): the destination expects another stream than the source sends"
				: "the guest saw the source's value; the destination would present another",
			.deps = se->prop->name });
	free(p);
}

/*
 * PC704: an onoffauto property whose auto follows a host capability is
 * set to on where the destination's host lacks the capability.  QEMU
 * does not filter it (as it filters CPU features): realize fails
 * ("vhost-vsock backend doesn't support seqpacket"), so the destination
 * cannot start the VM.  Only with a host file: the reference host is
 * not a real host.
 */
static void host_forced_on(struct dir_ctx *x, const struct pc_object *so,
			   const struct pc_object *dobj,
			   const struct pc_eprop *de, const struct pc_eprop *se)
{
	const struct pc_host_caps *h = x->dst->host;
	const char *cap = de->prop->host_feature;
	char *p, *why, *fix;

	if (!h || !cap || de->prop->kind != PC_PROP_ONOFFAUTO || de->absent ||
	    de->val.num != 1 || pc_host_caps_has(h, cap))
		return;
	p = pc_xasprintf("%s.%s", de->owner->name, de->prop->name);
	why = pc_xasprintf("%s=on on %s (%s), but its host %s lacks '%s': QEMU refuses to realize the device when a feature set to on is missing from the host (auto would resolve to off), so the destination cannot start",
			   de->prop->name, x->dst->label, pc_eprop_source(de), h->name,
			   cap);
	fix = pc_xasprintf("give %s.%s the same explicit value the destination's host can honour on both sides (-global %s.%s=off; the hosts' common baseline: plugcheck baseline --machine %s --host SRC.caps --host DST.caps), or migrate only to hosts that have '%s'",
			   de->owner->name, de->prop->name, de->owner->name,
			   de->prop->name, x->svm->machine->name, cap);
	prop_add(x, so, dobj, dobj->id, (struct pc_hit){
		.rule = PC_R_HOST_AUTO_FORCED,
		.severity = PC_SEV_INCOMPATIBLE,
		.path = p,
		.src_value = se ? se->val.text : NULL,
		.dst_value = de->val.text,
		.why = why,
		.fix = fix });
	free(p);
	free(why);
	free(fix);
}

/*
 * Properties of two objects paired by name: for each of a's, b's property
 * of that name -- the last of that name, as the objects list them -- or
 * NULL.  One open-addressing table of b's names, filled in b's order so
 * that the last of a name stays, instead of a scan of b for each of a's.
 * The names' hashes (ha, hb: name_hash()) are computed once per object
 * and compared before the names are; 'tab' holds 'size' slots (a power of
 * two, at least twice b's properties).
 */
#define NO_SLOT UINT32_MAX
static void pair_props(const struct pc_object *a, const uint32_t *ha,
		       const struct pc_object *b, const uint32_t *hb,
		       uint32_t *tab, size_t size,
		       const struct pc_eprop **out)
{
	size_t mask = size - 1;

	for (size_t q = 0; q < size; q++)
		tab[q] = NO_SLOT;
	for (size_t m = 0; m < b->n_props; m++) {
		const char *name = b->props[m].prop->name;
		size_t q = hb[m] & mask;

		while (tab[q] != NO_SLOT &&
		       (hb[tab[q]] != hb[m] ||
			strcmp(b->props[tab[q]].prop->name, name)))
			q = (q + 1) & mask;
		tab[q] = (uint32_t)m;
	}
	for (size_t k = 0; k < a->n_props; k++) {
		const char *name = a->props[k].prop->name;
		size_t q = ha[k] & mask;

		out[k] = NULL;
		for (; tab[q] != NO_SLOT; q = (q + 1) & mask)
			if (hb[tab[q]] == ha[k] &&
			    !strcmp(b->props[tab[q]].prop->name, name)) {
				out[k] = &b->props[tab[q]];
				break;
			}
	}
}

/* A property name's place in pair_props()'s table: its length and its
 * first and last bytes, mixed (cheap, and enough to spread the names of
 * one object; equal names always hash equal, the rest is strcmp()'s) */
static uint32_t name_hash(const char *name)
{
	size_t len = strlen(name);
	uint32_t h = (uint32_t)len * 0x9e3779b1u;

	if (len) {
		h ^= (uint32_t)(unsigned char)name[0] * 0x85ebca6bu;
		h ^= (uint32_t)(unsigned char)name[len - 1] * 0xc2b2ae35u;
		if (len > 2)
			h ^= (uint32_t)(unsigned char)name[len - 2] * 0x27d4eb2fu;
	}
	return h ^ (h >> 15);
}

static void name_hashes(const struct pc_object *o, uint32_t *h)
{
	for (size_t i = 0; i < o->n_props; i++)
		h[i] = name_hash(o->props[i].prop->name);
}

/* slots for a table of 'n' names: a power of two, at least 2n (and 16) */
static size_t pair_slots(size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size <<= 1;
	return size;
}

/* the most properties an object may have for the pairing to stay on the
 * stack (its table then has at most pair_slots(128) == 256 slots) */
#define PAIR_STACK_PROPS 128

struct pairing {
	const struct pc_eprop **s_of; /* s_of[m]: so's property named as dobj's m-th */
	const struct pc_eprop **d_of; /* d_of[k]: dobj's named as so's k-th */
	uint32_t *hs, *hd, *tab;      /* so's and dobj's name hashes; the table */
	void *heap;                   /* all of them, for a larger object */
	const struct pc_eprop *sbuf[PAIR_STACK_PROPS], *dbuf[PAIR_STACK_PROPS];
	uint32_t hsbuf[PAIR_STACK_PROPS], hdbuf[PAIR_STACK_PROPS];
	uint32_t tbuf[2 * PAIR_STACK_PROPS];
};

static void pairing_make(struct pairing *pp, const struct pc_object *so,
			 const struct pc_object *dobj)
{
	size_t most = so->n_props > dobj->n_props ? so->n_props : dobj->n_props;
	size_t slots = pair_slots(most);

	pp->heap = NULL;
	if (most <= PAIR_STACK_PROPS) {
		pp->s_of = pp->sbuf;
		pp->d_of = pp->dbuf;
		pp->hs = pp->hsbuf;
		pp->hd = pp->hdbuf;
		pp->tab = pp->tbuf;
	} else {
		/* one block: two arrays of pointers, then of hashes */
		pp->heap = pc_xcalloc(1, 2 * most * sizeof(*pp->s_of) +
					 (2 * most + slots) * sizeof(*pp->hs));
		pp->s_of = pp->heap;
		pp->d_of = pp->s_of + most;
		pp->hs = (uint32_t *)(void *)(pp->d_of + most);
		pp->hd = pp->hs + most;
		pp->tab = pp->hd + most;
	}
	name_hashes(so, pp->hs);
	name_hashes(dobj, pp->hd);
	pair_props(dobj, pp->hd, so, pp->hs, pp->tab, slots, pp->s_of);
	pair_props(so, pp->hs, dobj, pp->hd, pp->tab, slots, pp->d_of);
}

static void props_of_pair(struct dir_ctx *x, const struct pc_object *so,
			  const struct pc_object *dobj)
{
	struct pairing pp;

	pairing_make(&pp, so, dobj);
	/* properties only the destination has */
	for (size_t m = 0; m < dobj->n_props; m++) {
		host_forced_on(x, so, dobj, &dobj->props[m], pp.s_of[m]);
		if (!pp.s_of[m]) {
			x->c->props_compared++;
			prop_on_one_side(x, so, dobj, &dobj->props[m], false);
		}
	}
	for (size_t k = 0; k < so->n_props; k++) {
		const struct pc_eprop *se = &so->props[k];
		const struct pc_eprop *de = pp.d_of[k];

		x->c->props_compared++;
		if (!de)
			prop_on_one_side(x, so, dobj, se, true);
		else
			prop_on_both_sides(x, so, dobj, se, de);
	}
	free(pp.heap);
}

void pc_rules_props(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	assert(svm && dvm && x->r && x->out.report == x->r);

	for (size_t i = 0; i < svm->n_objs; i++) {
		const struct pc_object *so = &svm->objs[i];
		const struct pc_object *dobj = pc_check_other_object(dvm, svm, so);

		if (dobj)
			props_of_pair(x, so, dobj);
	}
}
