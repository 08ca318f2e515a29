/*
 * rules-virtio.c - the virtio feature family of the check (PC506,
 * PC507): a feature property (kind `feature`) compared as QEMU's
 * virtio_load() compares the negotiated features with the destination's
 * offer (vfeature.h).  rules-props.c hands every property pair of which
 * one side is a feature here.  Documentation/rules.md describes the rules
 * with their fixes.
 */
#include "check-rules.h"

#include <stdlib.h>
#include <string.h>

#include "vfeature.h"

#include "banned.h"

/* Append the requirements of 'fp' (of object 'o'), theirs first, then
 * 'fp' itself; requirements are acyclic (vfeature.c), 'depth' bounds the
 * walk all the same. */
static void add_deps(const struct pc_vm *vm, const struct pc_object *o,
		     const struct pc_prop *fp, struct pc_strbuf *sb, int depth)
{
	for (size_t i = 0; depth < 64 && i < fp->n_requires; i++) {
		const struct pc_eprop *req =
			pc_object_prop(vm, o, fp->requires[i], NULL);

		if (req)
			add_deps(vm, o, req->prop, sb, depth + 1);
	}
	pc_strbuf_addf(sb, "%s%s", sb->len ? " " : "", fp->name);
}

/* "ctrl_vq guest_announce tunnel": the requirements, root first (the
 * cause when they differ), then the feature; caller frees. */
static char *feature_deps(const struct dir_ctx *x, const struct pc_object *so,
			  const struct pc_prop *fp)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	add_deps(x->svm, so, fp, &sb, 0);
	return pc_strbuf_detach(&sb);
}

/* The features 'o' offers, as QEMU's two 64-bit words (bits 64..127 in
 * the second): the declared ones only. */
static void offer_words(const struct pc_object *o, unsigned long long w[2])
{
	w[0] = w[1] = 0;
	for (size_t k = 0; o && k < o->n_props; k++) {
		const struct pc_eprop *ep = &o->props[k];

		if (ep->prop->kind == PC_PROP_FEATURE && ep->val.num &&
		    ep->prop->bitnr >= 0 && ep->prop->bitnr < 128)
			w[ep->prop->bitnr / 64] |= 1ULL << (ep->prop->bitnr % 64);
	}
}

/* QEMU's message for a guest that negotiated everything the source
 * offers (VIRTIO_FEATURES_FMT: the high word first); caller frees. */
static char *refusal_text(const struct pc_hit *h)
{
	unsigned long long s[2], d[2];

	offer_words(h->src_obj, s);
	offer_words(h->dst_obj, d);
	return pc_xasprintf("\"Features 0x%016llx%016llx unsupported. Allowed features: 0x%016llx%016llx\" for a guest that negotiated every declared feature the source offers",
			    s[1], s[0], d[1], d[0]);
}

/* The source offers the feature, the destination's host lacks its
 * capability: nothing on the destination can offer it. */
static bool unoffered_on_host(struct dir_ctx *x, const struct pc_prop *fp)
{
	return fp->host_feature && x->dst->host &&
	       !pc_host_caps_has(x->dst->host, fp->host_feature);
}

static void report_unoffered(struct dir_ctx *x, struct pc_hit h,
			     const struct pc_eprop *se,
			     const struct pc_eprop *de,
			     const struct pc_prop *fp, const char *where)
{
	char *why, *fix = NULL, *deps = NULL, *refusal = refusal_text(&h);

	if (unoffered_on_host(x, fp)) {
		why = pc_xasprintf("the source offers virtio feature %s (%s) and the guest may have negotiated it; the destination's host %s lacks '%s', so the destination does not offer it (%s): virtio_load() refuses negotiated features outside the destination's offer (%s), and no option of the destination can offer it",
				   fp->name, where, x->dst->host->name,
				   fp->host_feature, pc_eprop_source(de), refusal);
		fix = pc_xasprintf("start the source with %s.%s=off: run every host with the capabilities all of them have (plugcheck baseline --machine %s --host SRC.caps --host DST.caps), or migrate only to hosts that have '%s'",
				   se->owner->name, fp->name,
				   x->svm->machine->name, fp->host_feature);
	} else {
		why = pc_xasprintf("the source offers virtio feature %s (%s) and the guest may have negotiated it; the destination does not offer it (%s): virtio_load() refuses negotiated features outside the destination's offer (virtio_set_features_nocheck(): %s)",
				   fp->name, where, pc_eprop_source(de), refusal);
		deps = feature_deps(x, h.src_obj, fp);
	}
	h.rule = PC_R_VIRTIO_FEATURE_UNOFFERED;
	h.severity = PC_SEV_INCOMPATIBLE;
	h.why = why;
	h.fix = fix;
	h.deps = deps;
	dir_add(x, &h);
	free(why);
	free(fix);
	free(deps);
	free(refusal);
}

static void report_extra(struct dir_ctx *x, struct pc_hit h,
			 const struct pc_eprop *se, const struct pc_eprop *de,
			 const struct pc_prop *fp, const char *where)
{
	char *why, *fix, *ovr;

	why = pc_xasprintf("the destination offers virtio feature %s (%s), the source does not (%s): the load succeeds, since virtio_load() only requires the negotiated features to be a subset of the destination's offer, and the guest keeps the features it negotiated; it sees %s only after a device reset (reboot, driver reload), and a guest that then negotiates it cannot migrate back to the source",
			   fp->name, where, pc_eprop_source(se), fp->name);
	fix = pc_xasprintf("nothing for this migration; to keep the way back open after a guest reset, run the destination without %s",
			   fp->name);
	ovr = pc_xasprintf("--dst-global %s.%s=off", de->owner->name, fp->name);
	h.rule = PC_R_VIRTIO_FEATURE_EXTRA;
	h.severity = PC_SEV_INFO;
	h.why = why;
	h.fix = fix;
	h.fix_override = ovr;
	dir_add(x, &h);
	free(why);
	free(fix);
	free(ovr);
}

bool pc_rules_feature(struct dir_ctx *x, const struct pc_object *so,
		      const struct pc_object *dobj, const struct pc_eprop *se,
		      const struct pc_eprop *de, const char *src_text,
		      const char *dst_text)
{
	const struct pc_prop *fp;
	struct pc_hit h = { 0 };
	char *path, *where;

	if (se->prop->kind == PC_PROP_FEATURE)
		fp = se->prop;
	else if (de->prop->kind == PC_PROP_FEATURE)
		fp = de->prop;
	else
		return false;
	switch (pc_vfeature_decide(se->val.num != 0, de->val.num != 0)) {
	case PC_VF_SAME:
		/* nothing differs: a side that predates it is PC502's */
		return false;
	case PC_VF_UNOFFERED:
	case PC_VF_EXTRA:
		break;
	}
	path = pc_xasprintf("%s.%s", se->owner->name, fp->name);
	where = pc_vfeature_where(fp);
	h.src_obj = so;
	h.dst_obj = dobj;
	h.device = so ? so->id : dobj->id;
	h.path = path;
	h.src_value = src_text;
	h.dst_value = dst_text;
	if (se->val.num)
		report_unoffered(x, h, se, de, fp, where);
	else
		report_extra(x, h, se, de, fp, where);
	free(path);
	free(where);
	return true;
}
