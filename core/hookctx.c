/*
 * hookctx.c - struct plugcheck_api and the hook call context (hookctx.h).
 *
 * Field paths name fields of the loaded state: "num_vqs", "vq.vring_num",
 * "parent_obj.config"; a component may also name a subsection that
 * arrived ("virtio/ringsize").  'index' counts the matching elements in
 * stream order, so "vq.vring_num" index 3 is vq[3].vring_num.  Every
 * function tolerates any argument (NULL, unknown names, huge indexes): a
 * plugin is not trusted to call it well.
 */
#include "hookctx.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#include "banned.h"

#ifndef PC_VERSION
#define PC_VERSION "unknown"
#endif

/* Hook rounds while shaping: one per refusal; virtio-blk refuses once per
 * queue, and a queue count reaches 1024. */
#define SHAPE_MAX_ROUNDS 8192
#define MAX_PATH_LEN 512

struct consult {
	struct pc_sdesc *owner;
	size_t field;
	uint32_t index;
	bool whole;
};

struct plugcheck_hook_ctx {
	const struct pc_vm *vm;
	const struct pc_object *obj;
	struct pc_sdesc *state;
	struct pc_strbuf reason;
	bool rejected;
	struct consult *seen;
	size_t n_seen, alloc_seen;
};

/* Find element '*index' of 'path' under 's'; counts '*index' down. */
static bool find_elem(struct pc_sdesc *s, const char *path, uint32_t *index,
		      struct pc_sdesc **owner, size_t *field, int depth);

/*
 * "vq.vring_num": a scalar 'name' of every element of struct field 'f',
 * the same number of times in each: index the element directly (hooks
 * walk queue arrays; a linear search would make shaping quadratic in the
 * queue count).  1: found, 0: not there (*index counted down), -1: the
 * shortcut does not apply.
 */
static int find_in_elements(const struct pc_sfield *f, const char *name,
			    uint32_t *index, struct pc_sdesc **owner,
			    size_t *field)
{
	const struct pc_sdesc *e0 = f->elems[0];

	for (size_t j = 0; j < e0->desc->n_nodes; j++) {
		const struct pc_sfield *lf = &e0->fields[j];
		uint32_t per = lf->count;
		uint64_t all = (uint64_t)f->count * per;

		if (strcmp(lf->node->name, name) || !lf->loaded ||
		    lf->elems || lf->node->count_field || !per)
			continue;
		if (*index / per < f->count && f->elems[*index / per]) {
			*owner = f->elems[*index / per];
			*field = j;
			*index %= per;
			return 1;
		}
		*index -= (uint32_t)(all > *index ? *index : all);
		return 0;
	}
	return -1;
}

/* Element '*index' of 'rest' under field k of 's' (the path's last
 * component when 'rest' is NULL); counts '*index' down. */
static bool find_in_field(struct pc_sdesc *s, size_t k, const char *rest,
			  uint32_t *index, struct pc_sdesc **owner,
			  size_t *field, int depth)
{
	struct pc_sfield *f = &s->fields[k];

	if (!rest) {
		if (f->elems)
			return false;
		if (*index < f->count) {
			*owner = s;
			*field = k;
			return true;
		}
		*index -= f->count;
		return false;
	}
	if (f->elems && f->count && f->elems[0] && !strchr(rest, '.')) {
		int r = find_in_elements(f, rest, index, owner, field);

		if (r >= 0)
			return r;
	}
	for (uint32_t e = 0; f->elems && e < f->count; e++)
		if (find_elem(f->elems[e], rest, index, owner, field, depth + 1))
			return true;
	return false;
}

/* Find element '*index' of 'path' under 's'; counts '*index' down. */
static bool find_elem(struct pc_sdesc *s, const char *path, uint32_t *index,
		      struct pc_sdesc **owner, size_t *field, int depth)
{
	const char *dot = strchr(path, '.');
	size_t len = dot ? (size_t)(dot - path) : strlen(path);
	const char *rest = dot ? dot + 1 : NULL;

	if (!s || depth > PC_STATE_MAX_DEPTH)
		return false;
	for (size_t k = 0; k < s->desc->n_nodes; k++) {
		const struct pc_sfield *f = &s->fields[k];
		const char *name = f->node->name;

		if (!f->loaded || strlen(name) != len || strncmp(name, path, len))
			continue;
		return find_in_field(s, k, rest, index, owner, field, depth);
	}
	for (size_t k = 0; k < s->desc->n_subs; k++) {
		struct pc_ssub *ss = &s->subs[k];
		const char *name = ss->sub->desc->name;

		if (!ss->present || !rest || strlen(name) != len ||
		    strncmp(name, path, len))
			continue;
		return find_elem(ss->st, rest, index, owner, field, depth + 1);
	}
	return false;
}

static void note_seen(struct plugcheck_hook_ctx *ctx, struct pc_sdesc *owner,
		      size_t field, uint32_t index, bool whole)
{
	struct consult *c;

	/* a hook that reads the same element again adds nothing */
	for (size_t i = ctx->n_seen; i-- > 0 && i + 8 >= ctx->n_seen;)
		if (ctx->seen[i].owner == owner && ctx->seen[i].field == field &&
		    ctx->seen[i].index == index && ctx->seen[i].whole == whole)
			return;
	PC_ALLOC_GROW(ctx->seen, ctx->n_seen + 1, ctx->alloc_seen);
	c = &ctx->seen[ctx->n_seen++];
	c->owner = owner;
	c->field = field;
	c->index = index;
	c->whole = whole;
}

static int api_prop_int(struct plugcheck_hook_ctx *ctx, const char *name,
			int64_t *out)
{
	const struct pc_eprop *ep;

	if (!ctx || !name || !out)
		return -1;
	ep = pc_object_prop(ctx->vm, ctx->obj, name, NULL);
	if (!ep)
		return -1;
	*out = ep->val.num;
	return 0;
}

static const char *api_prop_text(struct plugcheck_hook_ctx *ctx,
				 const char *name)
{
	const struct pc_eprop *ep;

	if (!ctx || !name)
		return NULL;
	ep = pc_object_prop(ctx->vm, ctx->obj, name, NULL);
	return ep ? ep->val.text : NULL;
}

static int api_field_u64(struct plugcheck_hook_ctx *ctx, const char *path,
			 uint32_t index, uint64_t *out)
{
	struct pc_sdesc *owner = NULL;
	size_t field = 0;
	uint32_t i = index;
	const struct pc_sfield *f;

	if (!ctx || !path || !out || strlen(path) > MAX_PATH_LEN ||
	    !find_elem(ctx->state, path, &i, &owner, &field, 0))
		return -1;
	f = &owner->fields[field];
	if (!f->data || f->node->size > 8 || !f->node->size)
		return -1;
	note_seen(ctx, owner, field, i, false);
	*out = pc_sfield_u64(f, i);
	return 0;
}

static int api_field_bytes(struct plugcheck_hook_ctx *ctx, const char *path,
			   const uint8_t **data, size_t *len)
{
	struct pc_sdesc *owner = NULL;
	size_t field = 0;
	uint32_t i = 0;
	const struct pc_sfield *f;

	if (!ctx || !path || !data || !len || strlen(path) > MAX_PATH_LEN ||
	    !find_elem(ctx->state, path, &i, &owner, &field, 0))
		return -1;
	f = &owner->fields[field];
	if (!f->data)
		return -1;
	note_seen(ctx, owner, field, 0, true);
	*data = f->data;
	*len = (size_t)f->count * f->node->size;
	return 0;
}

static void api_reject(struct plugcheck_hook_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return;
	ctx->rejected = true;
	if (!fmt)
		return;
	if (ctx->reason.len)
		pc_strbuf_addstr(&ctx->reason, "; ");
	va_start(ap, fmt);
	pc_strbuf_vaddf(&ctx->reason, fmt, ap);
	va_end(ap);
}

static const struct plugcheck_api api = {
	.size = sizeof(struct plugcheck_api),
	.abi_version = PLUGCHECK_ABI_VERSION,
	.core_version = PC_VERSION,
	.prop_int = api_prop_int,
	.prop_text = api_prop_text,
	.field_u64 = api_field_u64,
	.field_bytes = api_field_bytes,
	.reject = api_reject,
};

const struct plugcheck_api *pc_hook_api(void)
{
	return &api;
}

struct hook_ref {
	plugcheck_hook_fn fn;
	const char *symbol;
	const char *plugin;
};

/* post_load hooks of 'obj''s type and its ancestors, ancestors first. */
static size_t collect(const struct pc_hook_source *src,
		      const struct pc_object *obj, struct hook_ref *out,
		      size_t max)
{
	const struct pc_type *chain[64];
	size_t nc = 0, n = 0;

	for (const struct pc_type *t = obj->type; t && nc < PC_ARRAY_SIZE(chain);
	     t = t->parent)
		chain[nc++] = t;
	while (nc-- > 0) {
		const struct pc_type *t = chain[nc];
		const struct pc_type *code = t;

		if (src && src->code)
			code = pc_registry_find_type(src->code, t->name);
		if (!code || !code->plugin || !code->plugin->handle)
			continue;
		for (size_t i = 0; i < t->n_hooks && n < max; i++) {
			void *sym;

			if (strcmp(t->hooks[i].event, "post_load"))
				continue;
			sym = pc_plugin_symbol(code->plugin, t->hooks[i].symbol);
			if (!sym)
				continue;
			/* the loader's only way to hand out a function found
			 * by name: object and function pointers are the same
			 * size on every platform libltdl supports */
			memcpy(&out[n].fn, &sym, sizeof(out[n].fn));
			out[n].symbol = t->hooks[i].symbol;
			out[n].plugin = code->plugin->name;
			n++;
		}
	}
	return n;
}

size_t pc_hooks_count(const struct pc_hook_source *src,
		      const struct pc_object *obj)
{
	struct hook_ref refs[32];

	return collect(src, obj, refs, PC_ARRAY_SIZE(refs));
}

static int run(const struct pc_hook_source *src, struct plugcheck_hook_ctx *ctx,
	       size_t *ran, char **why)
{
	struct hook_ref refs[32];
	size_t n = collect(src, ctx->obj, refs, PC_ARRAY_SIZE(refs));

	for (size_t i = 0; i < n; i++) {
		int r;

		ctx->rejected = false;
		pc_strbuf_reset(&ctx->reason);
		r = refs[i].fn(&api, ctx);
		if (ran)
			(*ran)++;
		if (r || ctx->rejected) {
			if (why)
				*why = pc_xasprintf("%s (plugin %s) refused the state: %s",
						    refs[i].symbol, refs[i].plugin,
						    ctx->reason.len ? ctx->reason.buf
								    : "no reason given");
			return 1;
		}
	}
	return 0;
}

int pc_hooks_post_load(const struct pc_hook_source *src,
		       const struct pc_vm *vm, const struct pc_object *obj,
		       struct pc_sdesc *st, size_t *ran, char **why)
{
	struct plugcheck_hook_ctx ctx;
	int r;

	/* the host's own call: a device, its loaded state, the outputs */
	assert(obj && st && ran && why);
	memset(&ctx, 0, sizeof(ctx));
	ctx.vm = vm;
	ctx.obj = obj;
	ctx.state = st;
	pc_strbuf_init(&ctx.reason);
	r = run(src, &ctx, ran, why);
	pc_strbuf_release(&ctx.reason);
	free(ctx.seen);
	return r;
}

static bool elem_equal(const struct consult *c, const uint8_t *saved,
		       size_t n)
{
	const struct pc_sfield *f = &c->owner->fields[c->field];
	size_t off = c->whole ? 0 : (size_t)c->index * f->node->size;

	return !memcmp(f->data + off, saved, n);
}

int pc_hooks_shape(const struct pc_hook_source *src, const struct pc_vm *vm,
		   const struct pc_object *obj, struct pc_sdesc *st,
		   char **why)
{
	struct plugcheck_hook_ctx ctx;
	int result = -1;

	assert(obj && st && why);
	*why = NULL;
	memset(&ctx, 0, sizeof(ctx));
	ctx.vm = vm;
	ctx.obj = obj;
	ctx.state = st;
	pc_strbuf_init(&ctx.reason);
	for (int round = 0; round < SHAPE_MAX_ROUNDS; round++) {
		bool progress = false;

		free(*why);
		*why = NULL;
		ctx.n_seen = 0;
		if (!run(src, &ctx, NULL, why)) {
			result = 0;
			break;
		}
		for (size_t i = 0; i < ctx.n_seen; i++) {
			const struct consult *c = &ctx.seen[i];
			const struct pc_sfield *f = &c->owner->fields[c->field];
			size_t n = c->whole ? (size_t)f->count * f->node->size
					    : f->node->size;
			uint8_t small[8], *saved = n <= 8 ? small : pc_xmalloc(n);

			memcpy(saved, f->data + (c->whole ? 0 : (size_t)c->index * f->node->size), n);
			pc_state_reset(vm, obj, c->owner, c->field, c->index, c->whole);
			if (!elem_equal(c, saved, n))
				progress = true;
			if (saved != small)
				free(saved);
		}
		if (!progress)
			break;
		pc_state_apply_invariants(st);
	}
	if (!result) {
		free(*why);
		*why = NULL;
	} else if (!*why) {
		*why = pc_xasprintf("the hooks still refuse after %d rounds",
				    SHAPE_MAX_ROUNDS);
	}
	pc_strbuf_release(&ctx.reason);
	free(ctx.seen);
	return result;
}
