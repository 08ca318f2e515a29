/*
 * check.c - the bidirectional migration-ABI comparison (check.h).
 *
 * A direction src -> dst is compared the way QEMU's loader would meet the
 * stream: sections by name and instance; the section version against the
 * destination's [minimum_version_id, version_id]; the field sequence the
 * source sends against the one the destination loads at that version
 * (names, element types, sizes, counts, nested structures); subsections the
 * source may send against those the destination knows; the destination's
 * invariants under its read-only mask; and guest-visible properties.
 * Every finding carries the properties that decided the value on each side
 * (with provenance) and the fix: the compat line for the tree's machine
 * file, or the override to start the destination with.
 */
#include "check.h"
#include "check-rules.h"

#include "bindex.h"
#include "known-breaks.h"

#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ------------------------------------------------------------ one direction */

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "") && !a == !b;
}

/* Equal strings, NULL counting as "". */
static bool same_nz(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Same rule, sides, place and verdict. */
static bool same_place(const struct pc_finding *g, const struct pc_finding *f)
{
	return g->rule == f->rule && !strcmp(g->src, f->src) &&
	       !strcmp(g->dst, f->dst) && same_nz(g->device, f->device) &&
	       same_nz(g->path, f->path) && same_nz(g->machine, f->machine) &&
	       same_nz(g->chain_hop, f->chain_hop) &&
	       g->severity == f->severity && g->known == f->known;
}

/* Same values, explanation and fix. */
static bool same_text(const struct pc_finding *g, const struct pc_finding *f)
{
	return same_str(g->src_value, f->src_value) &&
	       same_str(g->dst_value, f->dst_value) &&
	       same_str(g->why, f->why) && same_str(g->fix, f->fix) &&
	       same_str(g->fix_file, f->fix_file) &&
	       same_str(g->fix_line, f->fix_line) &&
	       same_str(g->fix_override, f->fix_override) &&
	       same_str(g->known_reason, f->known_reason) &&
	       same_str(g->cause_why, f->cause_why);
}

/* The hash of same_place()'s key but the severity and known flag
 * (which may change after a finding is added): rule, sides and place. */
static uint64_t place_hash(const struct pc_finding *f)
{
	const char *s[] = { f->src, f->dst, f->device, f->path, f->machine,
			    f->chain_hop };
	uint64_t h = (uint64_t)f->rule;

	for (size_t i = 0; i < PC_ARRAY_SIZE(s); i++) {
		const char *v = s[i] ? s[i] : "";

		h = pc_hash64(v, strlen(v) + 1, h);
	}
	return h;
}

static void ix_link(struct pc_report_ix *ix, const struct pc_report *r,
		    size_t i)
{
	size_t slot = place_hash(&r->items[i]) & (ix->nslots - 1);

	ix->next[i] = ix->head[slot];
	ix->head[slot] = i + 1;
}

/* Bring the report's index up to its items: the ones added since (by
 * merging or by anyone else), all of them again when it grows or the
 * report shrank. */
static void ix_sync(struct pc_report *r)
{
	struct pc_report_ix *ix = &r->ix;

	PC_ALLOC_GROW(ix->next, r->n + 1, ix->alloc_next);
	if (!ix->head || r->n < ix->n_indexed || r->n * 2 > ix->nslots) {
		size_t ns = ix->nslots ? ix->nslots : 64;

		while (r->n * 2 > ns)
			ns *= 2;
		free(ix->head);
		ix->head = pc_xcalloc(ns, sizeof(*ix->head));
		ix->nslots = ns;
		ix->n_indexed = 0;
	}
	for (; ix->n_indexed < r->n; ix->n_indexed++)
		ix_link(ix, r, ix->n_indexed);
}

/* The first item of 'all' with f's place and text, or NULL. */
static struct pc_finding *ix_find(struct pc_report *all,
				  const struct pc_finding *f)
{
	const struct pc_report_ix *ix = &all->ix;
	size_t best = SIZE_MAX;

	for (size_t i = ix->head[place_hash(f) & (ix->nslots - 1)]; i;
	     i = ix->next[i - 1])
		if (i - 1 < best && same_place(&all->items[i - 1], f) &&
		    same_text(&all->items[i - 1], f))
			best = i - 1;
	return best == SIZE_MAX ? NULL : &all->items[best];
}

/*
 * Same finding under several configurations: keep the first, name all.
 * Only what is equal merges: the values, why and fix too (a count derived
 * from the vCPU count differs per configuration, and each configuration's
 * finding then keeps its own values).  The report's index (its items by
 * place) persists from one call to the next.
 */
static void merge_configs(struct pc_report *all, const struct pc_report *one)
{
	for (size_t i = 0; i < one->n; i++) {
		const struct pc_finding *f = &one->items[i];
		struct pc_finding *same;

		ix_sync(all);
		same = ix_find(all, f);
		if (same) {
			char *c = pc_xasprintf("%s, %s", same->config, f->config);

			free((char *)(uintptr_t)same->config);
			same->config = c;
		} else {
			pc_report_add(all, f);
		}
	}
}

/* Does the side's VM configuration hold a device of this type? */
static bool side_has_type(const struct pc_side *s, const char *type)
{
	if (!s->devices || s->devices_subset) {
		for (size_t i = 0; i < s->reg->n_types; i++)
			if (pc_type_is_concrete(s->reg->types[i]) &&
			    !pc_side_type_blocker(s, s->reg->types[i]) &&
			    pc_type_is_a(s->reg->types[i], type))
				return true;
		/* children of composites (virtio backends) */
		for (size_t i = 0; i < s->reg->n_types; i++)
			if (s->reg->types[i]->internal &&
			    pc_type_is_a(s->reg->types[i], type))
				return true;
		return false;
	}
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct pc_type *t = pc_registry_find_type(s->reg, s->devices[i].type);

		if (!t)
			continue;
		if (pc_type_is_a(t, type))
			return true;
		for (const struct pc_type *a = t; a; a = a->parent)
			for (size_t k = 0; k < a->n_children; k++)
				if (a->children[k].type &&
				    pc_type_is_a(a->children[k].type, type))
					return true;
	}
	return false;
}

/* ------------------------------------------------------------ VM cache */

struct vm_cache_entry {
	const struct pc_side *side;
	const struct pc_machine *machine;
	int smp;
	struct pc_vm *vm; /* stable address: directions hold pointers */
	/* vm shares the objects and layouts of another entry's VM, of the
	 * same side and machine type, that did not read the vCPU count */
	bool alias;
	bool keyed;             /* key is vm_key(vm), computed once */
	struct pc_vmkey key;
};

struct devkeys;
struct keys_cache_entry {
	const void *of;              /* a struct pc_vm or pc_bindex_vm */
	struct devkeys *keys;
};

struct pc_vm_cache {
	struct vm_cache_entry *items;
	size_t n, alloc;
	/* device keys of the VMs and index entries screening has met */
	struct keys_cache_entry *keys;
	size_t n_keys, alloc_keys;
};

static void devkeys_free(struct devkeys *k);

struct pc_vm_cache *pc_vm_cache_new(void)
{
	return pc_xcalloc(1, sizeof(struct pc_vm_cache));
}

void pc_vm_cache_free(struct pc_vm_cache *vc)
{
	if (!vc)
		return;
	for (size_t i = 0; i < vc->n; i++) {
		if (!vc->items[i].alias)
			pc_vm_release(vc->items[i].vm);
		free(vc->items[i].vm);
	}
	free(vc->items);
	for (size_t i = 0; i < vc->n_keys; i++)
		devkeys_free(vc->keys[i].keys);
	free(vc->keys);
	free(vc);
}

static int cmp_uintptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return (x > y) - (x < y);
}

void pc_vm_cache_forget(struct pc_vm_cache *vc, const struct pc_side *sides,
			size_t n)
{
	uintptr_t stack[64], *gone = stack;
	size_t k = 0, n_gone = 0, cap = PC_ARRAY_SIZE(stack);

	if (!vc || !n)
		return;
	for (size_t i = 0; i < vc->n; i++) {
		const struct pc_side *s = vc->items[i].side;

		/* 's' is one of 'sides' (the comparison of unrelated
		 * pointers is on their integer values) */
		if ((uintptr_t)s < (uintptr_t)sides ||
		    (uintptr_t)s >= (uintptr_t)(sides + n)) {
			vc->items[k++] = vc->items[i];
			continue;
		}
		if (n_gone == cap) {
			uintptr_t *more = pc_xcalloc(cap * 2, sizeof(*more));

			memcpy(more, gone, n_gone * sizeof(*more));
			if (gone != stack)
				free(gone);
			gone = more;
			cap *= 2;
		}
		gone[n_gone++] = (uintptr_t)vc->items[i].vm;
		if (!vc->items[i].alias)
			pc_vm_release(vc->items[i].vm);
		free(vc->items[i].vm);
	}
	vc->n = k;
	/* keys computed from a forgotten VM go with it (its address may be
	 * reused): one pass over the keys, each looked up among the gone */
	if (n_gone && vc->n_keys) {
		qsort(gone, n_gone, sizeof(*gone), cmp_uintptr);
		for (size_t q = 0; q < vc->n_keys; q++) {
			uintptr_t of = (uintptr_t)vc->keys[q].of;

			if (!bsearch(&of, gone, n_gone, sizeof(*gone), cmp_uintptr))
				continue;
			devkeys_free(vc->keys[q].keys);
			vc->keys[q--] = vc->keys[--vc->n_keys];
		}
	}
	if (gone != stack)
		free(gone);
}

/* A VM of (side, m) at another vCPU count that never read it: the VM
 * at 'smp' is the same but for its vm->smp (pc_vm.reads_smp), or NULL. */
static const struct pc_vm *smp_free_vm(const struct pc_vm_cache *vc,
				       const struct pc_side *side,
				       const struct pc_machine *m, int smp)
{
	if (smp <= 0 || (m->max_cpus > 0 && smp > m->max_cpus))
		return NULL; /* pc_vm_build() decides those */
	for (size_t i = 0; i < vc->n; i++)
		if (vc->items[i].side == side && vc->items[i].machine == m &&
		    !vc->items[i].alias && !vc->items[i].vm->reads_smp)
			return vc->items[i].vm;
	return NULL;
}

/* The entry of the resolved VM of (side, m, smp), built on first use,
 * or shared with the same side's VM at another vCPU count when building
 * it never read the count (a device of most configuration runs).  A
 * handful of entries per side: a linear scan costs nothing next to one
 * build.  Valid until the next entry is added. */
static struct vm_cache_entry *vm_cache_entry(struct pc_vm_cache *vc,
					     const struct pc_side *side,
					     const struct pc_machine *m,
					     int smp, struct pc_err *err)
{
	const struct pc_vm *same;
	struct pc_vm *vm;
	bool alias = false;

	for (size_t i = 0; i < vc->n; i++)
		if (vc->items[i].side == side && vc->items[i].machine == m &&
		    vc->items[i].smp == smp)
			return &vc->items[i];
	vm = pc_xcalloc(1, sizeof(*vm));
	if ((same = smp_free_vm(vc, side, m, smp))) {
		*vm = *same;
		vm->smp = smp;
		alias = true;
	} else if (pc_vm_build(side, m, smp, vm, err)) {
		free(vm);
		return NULL;
	} else if (pc_vm_resolve(vm, err)) {
		pc_vm_release(vm);
		free(vm);
		return NULL;
	}
	PC_ALLOC_GROW(vc->items, vc->n + 1, vc->alloc);
	vc->items[vc->n] = (struct vm_cache_entry){ .side = side, .machine = m,
						    .smp = smp, .vm = vm,
						    .alias = alias };
	return &vc->items[vc->n++];
}

/* The resolved VM of (side, m, smp): vm_cache_entry()'s. */
static const struct pc_vm *vm_cache_get(struct pc_vm_cache *vc,
					const struct pc_side *side,
					const struct pc_machine *m, int smp,
					struct pc_err *err)
{
	const struct vm_cache_entry *e = vm_cache_entry(vc, side, m, smp, err);

	return e ? e->vm : NULL;
}

/* ------------------------------------------------------------ screening */

/*
 * A recorded release against a resolved side (the tree), in the default
 * configuration: the release's index gives each device's key without
 * resolving the release; only the devices whose keys differ are built and
 * compared, on both sides, the findings being those of the full
 * comparison (the devices compared keep their relative order, and a
 * device whose keys agree gives none).  The counts of what was compared
 * are kept as the full comparison makes them: a device whose keys agree
 * has the same sections and properties on both sides.
 */
static bool plain_side(const struct pc_side *s)
{
	return !s->n_overrides && !s->host && !s->devices;
}

/* Device keys of one VM: keys[d] for device ids.keys[d], and the device
 * of each of its objects and sections (lay). */
struct devkeys {
	struct pc_strmap ids;
	struct pc_devkeys lay;
	uint64_t *keys;
};

static void devkeys_free(struct devkeys *k)
{
	if (!k)
		return;
	pc_strmap_release(&k->ids);
	pc_devkeys_release(&k->lay);
	free(k->keys);
	free(k);
}

static void devkeys_of_vm(const struct pc_vm *vm, struct devkeys *k)
{
	const char **ids = pc_xcalloc(vm->n_objs + 1, sizeof(*ids));
	const char **names = pc_xcalloc(vm->n_sections + 1, sizeof(*names));
	size_t *sobj = pc_xcalloc(vm->n_sections + 1, sizeof(*sobj));
	uint64_t *fps = pc_xcalloc(vm->n_sections + 1, sizeof(*fps));
	uint64_t *digests = pc_xcalloc(vm->n_objs + 1, sizeof(*digests));

	for (size_t i = 0; i < vm->n_objs; i++) {
		ids[i] = vm->objs[i].id;
		digests[i] = pc_object_digest(&vm->objs[i]);
	}
	for (size_t i = 0; i < vm->n_sections; i++) {
		names[i] = vm->sections[i].name;
		sobj[i] = (size_t)(vm->sections[i].obj - vm->objs);
		fps[i] = vm->sections[i].fingerprint;
	}
	memset(k, 0, sizeof(*k));
	pc_devkeys_init(&k->lay, &k->ids, vm->n_objs, ids, vm->n_sections, sobj,
			names);
	k->keys = pc_xcalloc(k->ids.n + 1, sizeof(*k->keys));
	pc_devkeys_compute(&k->lay, fps, digests, k->keys);
	free(ids);
	free(names);
	free(sobj);
	free(fps);
	free(digests);
}

static void devkeys_of_index(const struct pc_bindex *ix,
			     const struct pc_bindex_vm *v, struct devkeys *k)
{
	memset(k, 0, sizeof(*k));
	pc_devkeys_init(&k->lay, &k->ids, ix->n_objects,
			(const char *const *)ix->objects, ix->n_sections,
			ix->section_obj, (const char *const *)ix->sections);
	k->keys = pc_xcalloc(k->ids.n + 1, sizeof(*k->keys));
	pc_devkeys_compute(&k->lay, v->vec, v->vec + ix->n_sections, k->keys);
}

/* The keys of 'of' (a full VM or an index entry), computed once per run. */
static const struct devkeys *cached_keys(struct pc_vm_cache *vc, const void *of,
					 const struct pc_vm *vm,
					 const struct pc_bindex *ix,
					 const struct pc_bindex_vm *iv)
{
	struct keys_cache_entry *e;

	for (size_t i = 0; i < vc->n_keys; i++)
		if (vc->keys[i].of == of)
			return vc->keys[i].keys;
	PC_ALLOC_GROW(vc->keys, vc->n_keys + 1, vc->alloc_keys);
	e = &vc->keys[vc->n_keys++];
	e->of = of;
	e->keys = pc_xcalloc(1, sizeof(*e->keys));
	if (vm)
		devkeys_of_vm(vm, e->keys);
	else
		devkeys_of_index(ix, iv, e->keys);
	return e->keys;
}

static int cmp_devspec(const void *a, const void *b)
{
	return strcmp(((const struct pc_devspec *)a)->id,
		      ((const struct pc_devspec *)b)->id);
}

/*
 * Compare src -> dst with one side resolved in full ('full', the VM of
 * side 'fs') and the other (side 'is') known by its index entry 'iv'.
 * Returns 0, or -1 on error.
 */
static int screened_direction(struct dir_ctx *x, const struct pc_side *fs,
			      const struct pc_vm *full, const struct pc_side *is,
			      const struct pc_bindex_vm *iv, int smp,
			      struct pc_err *err)
{
	const struct devkeys *pkf = cached_keys(x->c->vms, full, full, NULL, NULL);
	const struct devkeys *pki = cached_keys(x->c->vms, iv, NULL, is->index, iv);
	const struct devkeys kf = *pkf, ki = *pki;
	struct pc_devspec *diff;
	size_t nd = 0;
	bool *fdev;
	struct pc_side tf = *fs, ti = *is;
	struct pc_vm vf, vi;
	int rc = -1;

	diff = pc_xcalloc(kf.ids.n + ki.ids.n + 1, sizeof(*diff));
	fdev = pc_xcalloc(kf.ids.n + 1, sizeof(*fdev));
	for (size_t i = 0; i < kf.ids.n; i++) {
		const char *id = kf.ids.keys[i];
		size_t j = pc_strmap_find(&ki.ids, id, strlen(id));

		if (j == SIZE_MAX || ki.keys[j] != kf.keys[i]) {
			diff[nd++].id = kf.ids.keys[i];
			fdev[i] = true;
		}
	}
	for (size_t j = 0; j < ki.ids.n; j++) {
		const char *id = ki.ids.keys[j];

		if (pc_strmap_find(&kf.ids, id, strlen(id)) == SIZE_MAX)
			diff[nd++].id = ki.ids.keys[j];
	}
	/* the counts of the devices not compared: the full side's, which
	 * are the recorded side's too */
	for (size_t i = 0; i < full->n_objs; i++)
		if (!fdev[kf.lay.obj_dev[i]])
			x->c->props_compared += full->objs[i].n_props;
	for (size_t i = 0; i < full->n_sections; i++)
		if (!fdev[kf.lay.sec_dev[i]])
			x->c->sections_compared++;
	for (size_t q = 0; q < nd; q++)
		diff[q].type = diff[q].id; /* default configuration: id = type */
	qsort(diff, nd, sizeof(*diff), cmp_devspec);
	/* each side builds the devices it has */
	{
		struct pc_devspec *df = pc_xcalloc(nd + 1, sizeof(*df));
		struct pc_devspec *di = pc_xcalloc(nd + 1, sizeof(*di));
		size_t nf = 0, ni = 0;

		for (size_t q = 0; q < nd; q++) {
			size_t l = strlen(diff[q].id);

			if (pc_strmap_find(&kf.ids, diff[q].id, l) != SIZE_MAX)
				df[nf++] = diff[q];
			if (pc_strmap_find(&ki.ids, diff[q].id, l) != SIZE_MAX)
				di[ni++] = diff[q];
		}
		tf.devices = df;
		tf.n_devices = nf;
		ti.devices = di;
		ti.n_devices = ni;
		tf.devices_subset = ti.devices_subset = true;
		if (!pc_vm_build(&tf, full->machine, smp, &vf, err)) {
			if (!pc_vm_build(&ti, iv->machine, smp, &vi, err)) {
				if (!pc_vm_resolve(&vf, err) && !pc_vm_resolve(&vi, err)) {
					bool src_full = x->src == fs;

					x->svm = src_full ? &vf : &vi;
					x->dvm = src_full ? &vi : &vf;
					pc_rules_sections(x);
					pc_rules_props(x);
					pc_rules_ram(x);
					pc_rules_order(x);
					rc = 0;
				}
				pc_vm_release(&vi);
			}
			pc_vm_release(&vf);
		}
		free(df);
		free(di);
	}
	free(fdev);
	free(diff);
	return rc;
}

/*
 * The known breaks whose scope this direction covers: a stale
 * acknowledgement is one the tree no longer shows, so only a recorded
 * release against the tree as the project has it (no user overrides,
 * which may be the very mitigation) in the default configuration (every
 * device, every default vCPU count: a subset may simply lack what shows
 * the break) says so; the source has the device.
 */
static void cover_known(struct pc_known_breaks *kb, const struct pc_side *src,
			const struct pc_side *dst, const struct pc_machine *m)
{
	const struct pc_side *tree = !src->project ? src : !dst->project ? dst : NULL;
	const struct pc_side *rel = tree == src ? dst : src;

	if (!tree || !rel->project || tree->n_overrides || src->devices ||
	    dst->devices)
		return;
	for (size_t i = 0; i < kb->n; i++) {
		struct pc_known_break *b = &kb->items[i];

		if (pc_known_break_in_scope(b, m, rel->label) &&
		    side_has_type(src, b->device))
			pc_known_break_cover(b, rel->label, tree->label, m);
	}
}

/* A direction's context for 'smp' vCPUs; its findings go to 'r'. */
static void dir_init(struct dir_ctx *x, struct pc_check *c,
		     const struct pc_side *src, const struct pc_side *dst,
		     const struct pc_machine *m, int smp, struct pc_report *r)
{
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->src = src;
	x->dst = dst;
	x->r = r;
	snprintf(x->config, sizeof(x->config), "smp=%d", smp);
	x->out.report = r;
	x->out.machine = m->name;
	x->out.src = src->label;
	x->out.dst = dst->label;
	x->out.config = x->config;
	x->out.hop = c->hop;
	x->out.finish = pc_check_finish;
	x->out.data = x;
}

/*
 * The machine type of each side for c->machine: 0 with *ms and *md (*md
 * NULL when the destination does not know it), or -1 when the source
 * does not know it or the two sides name different machine types.
 */
static int direction_machines(const struct pc_check *c,
			      const struct pc_side *src,
			      const struct pc_side *dst,
			      const struct pc_machine **msp,
			      const struct pc_machine **mdp, struct pc_err *err)
{
	const struct pc_machine *ms = pc_machine_find(src->machines, c->machine);
	const struct pc_machine *md = pc_machine_find(dst->machines, c->machine);

	/* an alias such as "q35" names the newest machine of a family where
	 * families are known (a tree); baselines record machine names, so
	 * use the name the other side resolved */
	if (!ms && md)
		ms = pc_machine_find(src->machines, md->name);
	if (!md && ms)
		md = pc_machine_find(dst->machines, ms->name);
	if (ms && !pc_side_knows_machine(src, ms))
		ms = NULL;
	if (md && !pc_side_knows_machine(dst, md))
		md = NULL;
	if (!ms)
		return pc_err_setc(err, PC_E_NOT_FOUND,
				   "%s does not know machine type '%s': a migration with it cannot start (%s)",
				   src->label, c->machine,
				   src->origin ? src->origin : "no such machine type");
	if (md && strcmp(ms->name, md->name))
		return pc_err_set(err, "machine type '%s' is '%s' on %s but '%s' on %s: both sides must run the same machine type",
				  c->machine, ms->name, src->label, md->name,
				  dst->label);
	*msp = ms;
	*mdp = md;
	return 0;
}

/* The source runs machine 'ms', the destination cannot start it: a
 * verdict about the pair, not an input error (QEMU refuses). */
static void machine_unknown(const struct pc_check *c, const struct pc_side *src,
			    const struct pc_side *dst,
			    const struct pc_machine *ms, struct pc_report *r)
{
	struct pc_emitter out = { .report = r, .machine = ms->name,
				  .src = src->label, .dst = dst->label,
				  .hop = c->hop };
	char *why = pc_xasprintf("%s cannot start machine type %s (a build knows only the machine types up to its own version): the destination refuses the migration",
				 dst->label, ms->name);

	pc_emit(&out, &(struct pc_hit){
		PC_HIT_RULE(PC_R_MACHINE_UNKNOWN),
		.device = ms->name,
		.src_value = "known",
		.why = why,
		.fix = "migrate to a build that knows the machine type" });
	free(why);
}

/* "release 8.0" for a side that is a release, "the tree", else the
 * side's label in quotes */
static void side_name(const struct pc_side *s, char *buf, size_t len)
{
	const char *l = s->label ? s->label : "?";
	struct pc_version v;

	if (!pc_version_parse(l, &v))
		snprintf(buf, len, "release %s", l);
	else if (!strcmp(l, "tree"))
		snprintf(buf, len, "the tree");
	else
		snprintf(buf, len, "'%s'", l);
}

/* The top-level device (composite) an object belongs to. */
static const struct pc_object *top_object(const struct pc_object *o)
{
	while (o->parent)
		o = o->parent;
	return o;
}

/*
 * QEMU refuses 'migrate' while a device of the VM registered a migration
 * blocker (a description with .unmigratable = 1, migrate_add_blocker()):
 * one finding per blocking device of either side, and no layout
 * comparison (nothing is sent).  Returns whether the direction is blocked.
 */
static bool direction_blocked(struct dir_ctx *x)
{
	const struct pc_vm *vms[2] = { x->svm, x->dvm };
	bool blocked = false;

	for (size_t i = 0; i < x->svm->n_objs; i++) {
		const struct pc_object *o = &x->svm->objs[i];
		const struct pc_object *top = top_object(o);
		const struct pc_object *other = pc_vm_find_object(x->dvm, o->id);
		const struct pc_blocker *b[2];
		char names[2][64], where[160];
		struct pc_strbuf why = PC_STRBUF_INIT;
		const struct pc_blocker *any;

		b[0] = pc_object_blocker(x->svm, o);
		b[1] = other ? pc_object_blocker(x->dvm, other) : NULL;
		if (!b[0] && !b[1])
			continue;
		any = b[0] ? b[0] : b[1];
		for (int k = 0; k < 2; k++)
			side_name(vms[k]->side, names[k], sizeof(names[k]));
		if (b[0] && b[1])
			snprintf(where, sizeof(where), "in %s and in %s",
				 names[0], names[1]);
		else
			snprintf(where, sizeof(where), "in %s", names[b[0] ? 0 : 1]);
		pc_strbuf_addf(&why, "cannot be migrated: %s", o->type->name);
		if (strcmp(top->id, o->type->name))
			pc_strbuf_addf(&why, " (device '%s')", top->id);
		pc_strbuf_addf(&why, " is unmigratable %s", where);
		if (any->prop)
			pc_strbuf_addf(&why, " when %s=%s", any->prop, any->value);
		if (any->reason)
			pc_strbuf_addf(&why, " (%s)", any->reason);
		pc_strbuf_addstr(&why, ": QEMU refuses to start the migration");
		pc_emit(&x->out, &(struct pc_hit){
			PC_HIT_RULE(PC_R_DEVICE_UNMIGRATABLE),
			.device = top->id,
			.path = any->prop,
			.src_value = b[0] ? "unmigratable" : "migratable",
			.dst_value = !other ? "absent"
				     : b[1] ? "unmigratable" : "migratable",
			.why = why.buf,
			.fix = "remove the device from the VM, or hot-unplug it (device_del) before migrating",
			.src_obj = b[0] ? o : NULL,
			.dst_obj = b[0] ? NULL : other });
		pc_strbuf_release(&why);
		blocked = true;
	}
	/* a blocking device only the destination has: the source never
	 * migrates it, the destination's VM is another configuration, which
	 * the layout rules report (a section the source never sends) */
	return blocked;
}

/* Does any type of the side's registry block migration only for some
 * property value?  The recorded indexes do not say, so such a side is
 * compared in full. */
static bool side_has_value_blockers(const struct pc_side *s)
{
	for (size_t i = 0; i < s->reg->n_types; i++)
		for (size_t k = 0; k < s->reg->types[i]->n_blockers; k++)
			if (s->reg->types[i]->blockers[k].prop)
				return true;
	return false;
}

/*
 * A recorded release against the tree, screened by device keys
 * (screened_direction()): 1 when done, 0 when the pair or the release's
 * index does not allow it, -1 on error.
 */
static int direction_screened(struct pc_check *c, const struct pc_side *src,
			      const struct pc_side *dst,
			      const struct pc_machine *ms,
			      const struct pc_machine *md, int smp,
			      struct pc_report *r, struct pc_err *err)
{
	const struct pc_side *fs = src->index ? dst : src;
	const struct pc_side *is = src->index ? src : dst;
	const struct pc_bindex_vm *iv;
	const struct pc_vm *full;
	struct pc_report one;
	struct dir_ctx x;
	int rc;

	if (!c->vms || !plain_side(src) || !plain_side(dst) ||
	    !src->index == !dst->index || side_has_value_blockers(src) ||
	    side_has_value_blockers(dst))
		return 0;
	iv = pc_bindex_find(is->index, is == src ? ms : md, smp);
	if (!iv)
		return 0;
	full = vm_cache_get(c->vms, fs, fs == src ? ms : md, smp, err);
	if (!full)
		return -1;
	pc_report_init(&one);
	dir_init(&x, c, src, dst, ms, smp, &one);
	rc = screened_direction(&x, fs, full, is, iv, smp, err);
	if (!rc)
		merge_configs(r, &one);
	pc_report_release(&one);
	return rc ? -1 : 1;
}

/* Build and resolve one side's VM (owned: the caller releases it). */
static int own_vm(const struct pc_side *side, const struct pc_machine *m,
		  int smp, struct pc_vm *vm, struct pc_err *err)
{
	if (pc_vm_build(side, m, smp, vm, err))
		return -1;
	if (pc_vm_resolve(vm, err)) {
		pc_vm_release(vm);
		return -1;
	}
	return 0;
}

/* Both VMs in full, shared through c->vms or built for this call. */
static int direction_full(struct pc_check *c, const struct pc_side *src,
			  const struct pc_side *dst,
			  const struct pc_machine *ms,
			  const struct pc_machine *md, int smp,
			  struct pc_report *r, struct pc_err *err)
{
	struct pc_vm svm_own, dvm_own;
	struct pc_report one;
	struct dir_ctx x;

	pc_report_init(&one);
	dir_init(&x, c, src, dst, ms, smp, &one);
	if (c->vms) {
		/* shared VMs: built and resolved once per run */
		x.svm = vm_cache_get(c->vms, src, ms, smp, err);
		x.dvm = x.svm ? vm_cache_get(c->vms, dst, md, smp, err) : NULL;
		if (!x.svm || !x.dvm)
			return -1;
	} else {
		if (own_vm(src, ms, smp, &svm_own, err))
			return -1;
		if (own_vm(dst, md, smp, &dvm_own, err)) {
			pc_vm_release(&svm_own);
			return -1;
		}
		x.svm = &svm_own;
		x.dvm = &dvm_own;
	}
	if (!direction_blocked(&x)) {
		pc_rules_sections(&x);
		pc_rules_props(&x);
		pc_rules_ram(&x);
		pc_rules_order(&x);
	}
	merge_configs(r, &one);
	pc_report_release(&one);
	if (!c->vms) {
		pc_vm_release(&svm_own);
		pc_vm_release(&dvm_own);
	}
	return 0;
}

/* The vCPU counts a direction is checked at (at most 'max'): c's, or
 * the source machine type's set. */
static size_t direction_smps(const struct pc_check *c,
			     const struct pc_machine *ms, int *smps, size_t max)
{
	size_t n = c->n_smps < max ? c->n_smps : max;

	if (!c->n_smps)
		return pc_machine_smp_set(ms, smps, max);
	memcpy(smps, c->smps, n * sizeof(int));
	return n;
}

int pc_check_direction(struct pc_check *c, const struct pc_side *src,
		       const struct pc_side *dst, struct pc_report *r,
		       struct pc_err *err)
{
	const struct pc_machine *ms = NULL, *md = NULL;
	int smps[8];
	size_t n;

	if (direction_machines(c, src, dst, &ms, &md, err))
		return -1;
	assert(ms); /* direction_machines() gives the source's or fails */
	if (!md) {
		machine_unknown(c, src, dst, ms, r);
		return 0;
	}
	n = direction_smps(c, ms, smps, PC_ARRAY_SIZE(smps));
	if (c->known && !c->n_smps)
		cover_known(c->known, src, dst, ms);
	for (size_t k = 0; k < n; k++) {
		int rc = direction_screened(c, src, dst, ms, md, smps[k], r, err);

		if (!rc)
			rc = direction_full(c, src, dst, ms, md, smps[k], r, err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ VM keys */

static void vm_key(const struct pc_vm *vm, struct pc_vmkey *out)
{
	uint64_t h = pc_hash64_u64(vm->n_objs, 0x6a09e667f3bcc908ULL);

	out->smp = vm->smp;
	out->blocked = false;
	for (size_t i = 0; i < vm->n_objs; i++) {
		const struct pc_object *o = &vm->objs[i];
		bool blocks = pc_object_blocker(vm, o) != NULL;

		out->blocked |= blocks;
		h = pc_hash64_str(o->id, h);
		h = pc_hash64_u64(pc_object_digest(o), h);
		h = pc_hash64_u64(blocks, h);
	}
	h = pc_hash64_u64(vm->n_sections, h);
	for (size_t i = 0; i < vm->n_sections; i++) {
		h = pc_hash64_str(vm->sections[i].name, h);
		h = pc_hash64_u64((uint64_t)(vm->sections[i].obj - vm->objs), h);
		h = pc_hash64_u64(vm->sections[i].fingerprint, h);
	}
	out->key = h;
}

/* The key of the VM vm_cache_get() gives, computed once per entry. */
static const struct pc_vmkey *vm_cache_key(struct pc_vm_cache *vc,
					   const struct pc_side *side,
					   const struct pc_machine *m, int smp,
					   struct pc_err *err)
{
	struct vm_cache_entry *e = vm_cache_entry(vc, side, m, smp, err);

	if (!e)
		return NULL;
	if (!e->keyed)
		vm_key(e->vm, &e->key);
	e->keyed = true;
	return &e->key;
}

int pc_check_vm_key(struct pc_check *c, const struct pc_side *s, int smp,
		    struct pc_vmkey *out, struct pc_err *err)
{
	const struct pc_machine *m = pc_machine_find(s->machines, c->machine);
	const struct pc_vmkey *k;

	if (!m || !c->vms)
		return pc_err_setc(err, PC_E_NOT_FOUND, "%s does not know machine type '%s'",
				   s->label, c->machine);
	k = vm_cache_key(c->vms, s, m, smp, err);
	if (!k)
		return -1;
	*out = *k;
	return 0;
}

int pc_check_smps(const struct pc_check *c, const struct pc_side *src,
		  const struct pc_side *dst, int *smps, size_t max, size_t *n,
		  struct pc_err *err)
{
	const struct pc_machine *ms = NULL, *md = NULL;

	*n = 0;
	if (direction_machines(c, src, dst, &ms, &md, err))
		return -1;
	*n = direction_smps(c, ms, smps, max);
	return 0;
}

static const struct pc_vmkey *key_at(const struct pc_vmkey *keys, size_t n,
				     int smp)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i].smp == smp)
			return &keys[i];
	return NULL;
}

int pc_check_direction_keyed(struct pc_check *c, const struct pc_side *src,
			     const struct pc_side *dst,
			     const struct pc_side *rec,
			     const struct pc_vmkey *keys, size_t n,
			     size_t *sections, size_t *props,
			     struct pc_err *err)
{
	const struct pc_side *full = rec == src ? dst : src;
	const struct pc_machine *ms = NULL, *md = NULL, *mf;
	const struct pc_vm *vms[8];
	int smps[8];
	size_t ns = 0;
	struct pc_err e = { 0 };

	if (!c->vms || (rec != src && rec != dst) || src->host || dst->host)
		return 0;
	/* a side that does not know M: the full check says so */
	if (direction_machines(c, src, dst, &ms, &md, &e) || !md)
		return 0;
	ns = direction_smps(c, ms, smps, PC_ARRAY_SIZE(smps));
	mf = full == src ? ms : md;
	/* settled only when every vCPU count is: nothing is counted before */
	for (size_t k = 0; k < ns; k++) {
		const struct pc_vmkey *rk = key_at(keys, n, smps[k]);
		const struct pc_vmkey *fk;

		if (!rk || rk->blocked)
			return 0;
		fk = vm_cache_key(c->vms, full, mf, smps[k], err);
		if (!fk)
			return -1;
		if (fk->blocked || fk->key != rk->key)
			return 0;
		vms[k] = vm_cache_get(c->vms, full, mf, smps[k], err);
	}
	/* what comparing two equal VMs counts (pc_rules_sections(),
	 * pc_rules_props()) */
	for (size_t k = 0; k < ns; k++) {
		*sections += vms[k]->n_sections;
		for (size_t i = 0; i < vms[k]->n_objs; i++)
			*props += vms[k]->objs[i].n_props;
	}
	return 1;
}

int pc_check_pair(struct pc_check *c, const struct pc_side *a,
		  const struct pc_side *b, struct pc_report *r,
		  struct pc_err *err)
{
	if (pc_check_direction(c, a, b, r, err))
		return -1;
	if (a == b)
		return 0;
	return pc_check_direction(c, b, a, r, err);
}

int pc_suggest_overrides(struct pc_check *c, const struct pc_side *src,
			 const struct pc_side *dst, struct pc_override **out,
			 size_t *n_out, struct pc_err *err)
{
	struct pc_side trial = *dst;
	struct pc_vm_cache *vms = c->vms;
	int result = 0;

	/* the trial side changes every round: no shared VMs */
	c->vms = NULL;
	*out = NULL;
	*n_out = 0;
	/* a shallow copy that owns only its own overrides list */
	trial.own_reg = trial.own_machines = false;
	trial.overrides = NULL;
	trial.n_overrides = 0;
	trial.label = dst->label;
	for (size_t i = 0; i < dst->n_overrides; i++)
		pc_side_add_override(&trial, &dst->overrides[i]);
	for (int round = 0; round < 16; round++) {
		struct pc_report r;
		bool added = false;

		pc_report_init(&r);
		if (pc_check_direction(c, src, &trial, &r, err)) {
			pc_report_release(&r);
			result = -1;
			break;
		}
		if (!pc_report_fails(&r)) {
			pc_report_release(&r);
			result = 1;
			break;
		}
		for (size_t i = 0; i < r.n; i++) {
			const struct pc_finding *f = &r.items[i];
			struct pc_override ov;
			bool dup = false;

			if (f->known || f->severity < PC_SEV_INCOMPATIBLE ||
			    !f->fix_override)
				continue;
			if (pc_override_parse(f->fix_override + strlen("--dst-global "),
					      false, "suggested", &ov, NULL))
				continue;
			for (size_t j = 0; j < *n_out; j++)
				dup |= !strcmp((*out)[j].target, ov.target) &&
				       !strcmp((*out)[j].prop, ov.prop);
			if (dup) {
				pc_override_release(&ov);
				continue;
			}
			pc_side_add_override(&trial, &ov);
			*out = pc_xrealloc(*out, (*n_out + 1) * sizeof(**out));
			(*out)[(*n_out)++] = ov;
			added = true;
		}
		pc_report_release(&r);
		if (!added)
			break;
	}
	for (size_t i = 0; i < trial.n_overrides; i++)
		pc_override_release(&trial.overrides[i]);
	free(trial.overrides);
	c->vms = vms;
	return result;
}
