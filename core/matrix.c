/*
 * matrix.c - the release matrix from the baselines' resolved indexes
 * (matrix.h; Documentation/performance.md says why it is built this way).
 *
 * A device (a top-level object of the default configuration with its
 * children) is summarised per (release, machine type, vCPU count) by one
 * 64-bit key: a hash of the recorded fingerprints of its sections and
 * digests of its objects, in order.  Equal keys mean equal recorded values
 * and therefore no finding in either direction (the check skips sections
 * with equal fingerprints, and objects with equal digests give no property
 * finding).  Unequal keys are compared by the check engine itself, on that
 * device alone, once per distinct (device, key, key).
 */
#include "matrix.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "banned.h"

/* ------------------------------------------------------------ device ids */

/* ------------------------------------------------------------ memo */

/* (device, source key, destination key) -> the breaks they give */
struct memo_entry {
	size_t dev;
	uint64_t ka, kb;
	size_t *breaks;
	size_t n_breaks;
	bool used;
};

struct memo {
	struct memo_entry *e;
	size_t n, nslots;
};

static size_t memo_hash(size_t dev, uint64_t ka, uint64_t kb)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15ULL;

	h = (h ^ ka) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ kb) * 0x94d049bb133111ebULL;
	return (size_t)(h ^ (h >> 31));
}

static struct memo_entry *memo_find(struct memo *m, size_t dev, uint64_t ka,
				    uint64_t kb, bool *is_new)
{
	size_t h;

	if (2 * (m->n + 1) > m->nslots) {
		struct memo_entry *old = m->e;
		size_t on = m->nslots;

		m->nslots = on ? 2 * on : 1024;
		m->e = pc_xcalloc(m->nslots, sizeof(*m->e));
		for (size_t i = 0; i < on; i++) {
			if (!old[i].used)
				continue;
			h = memo_hash(old[i].dev, old[i].ka, old[i].kb) & (m->nslots - 1);
			while (m->e[h].used)
				h = (h + 1) & (m->nslots - 1);
			m->e[h] = old[i];
		}
		free(old);
	}
	h = memo_hash(dev, ka, kb) & (m->nslots - 1);
	while (m->e[h].used) {
		struct memo_entry *x = &m->e[h];

		if (x->dev == dev && x->ka == ka && x->kb == kb) {
			*is_new = false;
			return x;
		}
		h = (h + 1) & (m->nslots - 1);
	}
	m->e[h].used = true;
	m->e[h].dev = dev;
	m->e[h].ka = ka;
	m->e[h].kb = kb;
	m->n++;
	*is_new = true;
	return &m->e[h];
}

static void memo_release(struct memo *m)
{
	for (size_t i = 0; i < m->nslots; i++)
		free(m->e[i].breaks);
	free(m->e);
}

/* ------------------------------------------------------------ releases */

struct rel {
	struct pc_devkeys lay;       /* devices numbered across all releases */
	uint64_t **keys;             /* per recorded VM: key per device, lazily */
	uint64_t *whole;             /* per recorded VM: hash of its keys */
	struct pc_side side;         /* declarations, read on first need */
	bool loaded;
};

struct run {
	struct pc_matrix *mx;
	struct rel *rel;
	struct pc_strmap devs;
	struct memo memo;
	struct pc_known_breaks *known;
};

/* The per-device keys of recorded VM 'vm' of release 'r'. */
static const uint64_t *vm_keys(struct run *ru, size_t r,
			       const struct pc_bindex_vm *vm)
{
	const struct pc_bindex *ix = &ru->mx->releases[r];
	struct rel *R = &ru->rel[r];
	size_t k = (size_t)(vm - ix->vms);
	uint64_t *dk;

	if (R->keys[k])
		return R->keys[k];
	dk = pc_xcalloc(ru->devs.n + 1, sizeof(*dk));
	pc_devkeys_compute(&R->lay, vm->vec, vm->vec + ix->n_sections, dk);
	R->keys[k] = dk;
	R->whole[k] = pc_hash64(dk, ru->devs.n * sizeof(*dk), 0x3c6ef372fe94f82bULL);
	return dk;
}

static void prepare_release(struct run *ru, size_t r)
{
	const struct pc_bindex *ix = &ru->mx->releases[r];
	struct rel *R = &ru->rel[r];

	pc_devkeys_init(&R->lay, &ru->devs, ix->n_objects,
			(const char *const *)ix->objects, ix->n_sections,
			ix->section_obj, (const char *const *)ix->sections);
	R->keys = pc_xcalloc(ix->n_vms + 1, sizeof(uint64_t *));
	R->whole = pc_xcalloc(ix->n_vms + 1, sizeof(uint64_t));
}

static const struct pc_side *full_side(struct run *ru, size_t r,
				       struct pc_err *err)
{
	struct rel *R = &ru->rel[r];
	struct pc_registry *pool[64];
	size_t np = 0;

	if (R->loaded)
		return &R->side;
	for (size_t i = 0; i < ru->mx->n_releases && np < PC_ARRAY_SIZE(pool); i++)
		if (ru->rel[i].loaded && ru->rel[i].side.reg)
			pool[np++] = ru->rel[i].side.reg;
	if (pc_bindex_side(&ru->mx->releases[r], &R->side, pool, np, err))
		return NULL;
	R->loaded = true;
	ru->mx->sides_loaded++;
	return &R->side;
}

/* ------------------------------------------------------------ breaks */

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static size_t find_break(struct pc_matrix *mx, const struct pc_finding *f,
			 const struct pc_registry *reg)
{
	struct pc_matrix_break *b;

	for (size_t i = 0; i < mx->n_breaks; i++) {
		const struct pc_finding *g = &mx->breaks[i].rep.items[0];

		if (g->rule == f->rule && g->severity == f->severity &&
		    same_str(g->device, f->device) && same_str(g->path, f->path) &&
		    same_str(g->src_value, f->src_value) &&
		    same_str(g->dst_value, f->dst_value))
			return i;
	}
	PC_ALLOC_GROW(mx->breaks, mx->n_breaks + 1, mx->alloc_breaks);
	b = &mx->breaks[mx->n_breaks];
	memset(b, 0, sizeof(*b));
	pc_report_init(&b->rep);
	pc_report_add(&b->rep, f);
	b->type = f->type ? pc_registry_find_type(reg, f->type) : NULL;
	return mx->n_breaks++;
}

/*
 * Compare device 'dev' between releases a and b under machine 'mname'
 * with 'smp' vCPUs, with the check engine on that device alone, and
 * remember which breaks it gives.
 */
static int compare_device(struct run *ru, struct memo_entry *me, size_t a,
			  size_t b, const char *mname, int smp,
			  struct pc_err *err)
{
	const struct pc_side *sa = full_side(ru, a, err);
	const struct pc_side *sb = sa ? full_side(ru, b, err) : NULL;
	struct pc_side ta, tb;
	struct pc_devspec spec;
	struct pc_check c;
	struct pc_report r;
	int rc;

	if (!sb)
		return -1;
	spec.id = ru->devs.keys[me->dev];
	spec.type = ru->devs.keys[me->dev]; /* default configuration: id = type */
	ta = *sa;
	tb = *sb;
	ta.devices = tb.devices = &spec;
	ta.n_devices = me->ka ? 1 : 0;
	tb.n_devices = me->kb ? 1 : 0;
	ta.devices_subset = tb.devices_subset = true;
	memset(&c, 0, sizeof(c));
	c.machine = mname;
	c.smps[0] = smp;
	c.n_smps = 1;
	pc_report_init(&r);
	rc = pc_check_direction(&c, &ta, &tb, &r, err);
	if (!rc) {
		me->breaks = pc_xcalloc(r.n + 1, sizeof(size_t));
		for (size_t i = 0; i < r.n; i++)
			me->breaks[me->n_breaks++] = find_break(ru->mx, &r.items[i],
								sa->reg);
	}
	pc_report_release(&r);
	ru->mx->comparisons++;
	return rc;
}

static void add_occurrence(struct run *ru, size_t bi, size_t mi, size_t a,
			   size_t b, int smp, const struct pc_machine *ms,
			   struct pc_matrix_cell *cell)
{
	struct pc_matrix *mx = ru->mx;
	struct pc_matrix_break *br = &mx->breaks[bi];
	struct pc_matrix_occ *o;
	struct pc_finding f;

	if (br->n_occ) {
		o = &br->occ[br->n_occ - 1];
		if (o->machine == mi && o->src == a && o->dst == b) {
			char *c = pc_xasprintf("%s, smp=%d", o->configs, smp);

			free(o->configs);
			o->configs = c;
			return;
		}
	}
	PC_ALLOC_GROW(br->occ, br->n_occ + 1, br->alloc_occ);
	o = &br->occ[br->n_occ++];
	memset(o, 0, sizeof(*o));
	o->machine = mi;
	o->src = a;
	o->dst = b;
	o->configs = pc_xasprintf("smp=%d", smp);
	f = br->rep.items[0];
	f.known = false;
	f.known_reason = NULL;
	f.known_by = NULL;
	if (pc_known_breaks_match(ru->known, br->type, ms, mx->releases[a].label,
				  mx->releases[b].label, &f)) {
		o->known = true;
		o->known_reason = (char *)(uintptr_t)f.known_reason;
		free((char *)(uintptr_t)f.known_by);
	}
	if (o->known)
		cell->known++;
	else if (f.severity == PC_SEV_INCOMPATIBLE)
		cell->incompatible++;
	else if (f.severity == PC_SEV_REVIEW)
		cell->review++;
	else
		cell->info++;
}

/* ------------------------------------------------------------ the run */

struct load_job {
	const char *path;
	struct pc_bindex *ix;
	struct pc_err err;
	int rc;
};

static void load_one(void *ctx, size_t i)
{
	struct load_job *j = &((struct load_job *)ctx)[i];

	j->rc = pc_bindex_load(j->path, j->ix, &j->err);
}

static int one_direction(struct run *ru, size_t mi, size_t a, size_t b,
			 int smp_only, struct pc_matrix_cell *cell,
			 struct pc_err *err)
{
	struct pc_matrix *mx = ru->mx;
	const char *name = mx->machines[mi].name;
	const struct pc_machine *ms = pc_machine_find(mx->releases[a].machines, name);
	const struct pc_machine *md = pc_machine_find(mx->releases[b].machines, name);
	int smps[8];
	size_t ns;

	if (smp_only) {
		smps[0] = smp_only;
		ns = 1;
	} else {
		ns = pc_machine_smp_set(ms, smps, PC_ARRAY_SIZE(smps));
	}
	mx->directions++;
	for (size_t k = 0; k < ns; k++) {
		const struct pc_bindex_vm *va = pc_bindex_find(&mx->releases[a], ms, smps[k]);
		const struct pc_bindex_vm *vb = pc_bindex_find(&mx->releases[b], md, smps[k]);
		const uint64_t *ka, *kb;

		if (!va || !vb)
			/* a count the user asked for is not recorded; one the
			 * machine set names should have been: a broken index */
			return pc_err_setc(err, smp_only ? PC_E_NOT_FOUND : PC_E_INPUT,
					   "%s: no resolved VM for machine type %s, smp=%d (the release matrix uses the recorded vCPU counts: 1, 2, 4 and the maximum)",
					   mx->releases[va ? b : a].path, name, smps[k]);
		ka = vm_keys(ru, a, va);
		kb = vm_keys(ru, b, vb);
		mx->vm_pairs++;
		if (ru->rel[a].whole[va - mx->releases[a].vms] ==
		    ru->rel[b].whole[vb - mx->releases[b].vms] &&
		    !memcmp(ka, kb, ru->devs.n * sizeof(*ka))) {
			mx->vm_pairs_equal++;
			continue;
		}
		for (size_t d = 0; d < ru->devs.n; d++) {
			struct memo_entry *me;
			bool is_new;

			if (ka[d] == kb[d])
				continue;
			mx->device_diffs++;
			me = memo_find(&ru->memo, d, ka[d], kb[d], &is_new);
			if (is_new && compare_device(ru, me, a, b, name, smps[k], err))
				return -1;
			for (size_t i = 0; i < me->n_breaks; i++)
				add_occurrence(ru, me->breaks[i], mi, a, b, smps[k],
					       ms, cell);
		}
	}
	return 0;
}

/*
 * Read the n baseline indexes, each on its own (on every CPU); the first
 * failure in order is the error.  On failure mx->n_releases covers every
 * slot, the failed ones zeroed, so that pc_matrix_release() frees the rest.
 */
static int load_indexes(char *const *paths, size_t n, struct pc_matrix *mx,
			struct pc_err *err)
{
	struct load_job *jobs = pc_xcalloc(n + 1, sizeof(*jobs));
	bool failed = false;

	for (size_t i = 0; i < n; i++) {
		jobs[i].path = paths[i];
		jobs[i].ix = &mx->releases[i];
	}
	json_object_seed(0);
	pc_parallel_for(n, n < 4 ? 1 : 0, load_one, jobs);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].rc && !failed) {
			*err = jobs[i].err;
			failed = true;
		}
		if (!jobs[i].rc)
			mx->n_releases = i + 1;
	}
	/* released by the caller: every loaded one, whatever its place */
	for (size_t i = 0; i < n && failed; i++)
		if (jobs[i].rc)
			memset(&mx->releases[i], 0, sizeof(mx->releases[i]));
	free(jobs);
	if (failed) {
		mx->n_releases = n;
		return -1;
	}
	return 0;
}

/* Each release once; each one's declarations readable; then prepared. */
static int check_releases(struct run *ru, char *const *paths, size_t n,
			  struct pc_err *err)
{
	struct pc_matrix *mx = ru->mx;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(mx->releases[j].label, mx->releases[i].label))
				return pc_err_set(err, "%s and %s both record release %s",
						  mx->releases[j].path, paths[i],
						  mx->releases[i].label);
	for (size_t i = 0; i < n; i++) {
		/* declarations are read only for a difference, but their file
		 * must be there: a baseline that cannot be explained is broken */
		const char *dp = mx->releases[i].decl_path;

		if (access(dp, R_OK))
			return pc_err_setc(err, PC_E_IO,
					   "%s: cannot open: %s (named by %s)", dp,
					   strerror(errno), mx->releases[i].path);
		prepare_release(ru, i);
	}
	return 0;
}

/*
 * The machine types of all releases (only 'machine' when set), each once,
 * newest first, into *ms (the caller frees the array, not the machines).
 */
static size_t collect_machines(const struct pc_matrix *mx, size_t n,
			       const char *machine,
			       const struct pc_machine ***ms)
{
	size_t nms = 0, alloc = 0;

	for (size_t i = 0; i < n; i++) {
		const struct pc_machine_set *set = mx->releases[i].machines;

		for (size_t k = 0; k < set->n_machines; k++) {
			const struct pc_machine *m = set->machines[k];
			bool seen = false;

			if (machine && strcmp(m->name, machine))
				continue;
			for (size_t q = 0; q < nms && !seen; q++)
				seen = !strcmp((*ms)[q]->name, m->name);
			if (!seen) {
				PC_ALLOC_GROW(*ms, nms + 1, alloc);
				(*ms)[nms++] = m;
			}
		}
	}
	if (nms)
		qsort(*ms, nms, sizeof(**ms), pc_machine_cmp_newest_first);
	return nms;
}

/* One row of the matrix a machine type: the releases that know it. */
static void add_machine_row(struct pc_matrix *mx, const char *name, size_t n)
{
	struct pc_matrix_machine *M = &mx->machines[mx->n_machines];

	M->name = pc_xstrdup(name);
	M->sides = pc_xcalloc(n + 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		if (pc_machine_find(mx->releases[i].machines, M->name))
			M->sides[M->n_sides++] = i;
	M->cells = pc_xcalloc(M->n_sides * M->n_sides + 1, sizeof(*M->cells));
	mx->n_machines++;
}

/* Every cell of every machine: each ordered pair of its releases. */
static int fill_cells(struct run *ru, int smp, struct pc_err *err)
{
	struct pc_matrix *mx = ru->mx;

	for (size_t mi = 0; mi < mx->n_machines; mi++) {
		struct pc_matrix_machine *M = &mx->machines[mi];

		pc_progress("release matrix: machine types", mi, mx->n_machines);
		for (size_t i = 0; i < M->n_sides; i++)
			for (size_t j = 0; j < M->n_sides; j++)
				if (one_direction(ru, mi, M->sides[i], M->sides[j], smp,
						  &M->cells[i * M->n_sides + j], err))
					return -1;
	}
	pc_progress("release matrix: machine types", mx->n_machines,
		    mx->n_machines);
	return 0;
}

/* Free the run's per-release state; the sides that borrow a registry first. */
static void run_release(struct run *ru, size_t n)
{
	struct pc_matrix *mx = ru->mx;

	/* the types belong to the registries released below */
	for (size_t i = 0; i < mx->n_breaks; i++)
		mx->breaks[i].type = NULL;
	for (size_t i = 0; i < n; i++) {
		struct rel *R = &ru->rel[i];

		pc_devkeys_release(&R->lay);
		for (size_t k = 0; R->keys && i < mx->n_releases &&
				   k < mx->releases[i].n_vms; k++)
			free(R->keys[k]);
		free(R->keys);
		free(R->whole);
	}
	/* shared registries belong to the side that read them: release the
	 * borrowers first */
	for (size_t i = 0; i < n; i++)
		if (ru->rel[i].loaded && !ru->rel[i].side.own_reg)
			pc_side_release(&ru->rel[i].side);
	for (size_t i = 0; i < n; i++)
		if (ru->rel[i].loaded && ru->rel[i].side.own_reg)
			pc_side_release(&ru->rel[i].side);
	free(ru->rel);
	pc_strmap_release(&ru->devs);
	memo_release(&ru->memo);
}

int pc_matrix_run(char *const *paths, size_t n, const char *machine, int smp,
		  struct pc_known_breaks *known, struct pc_matrix *mx,
		  struct pc_err *err)
{
	return pc_matrix_run_shard(paths, n, machine, smp, 0, 1, known, mx, err);
}

/* keep the machine types of shard 'shard' of 'nshards' (round robin) */
static size_t keep_shard(const struct pc_machine **ms, size_t nms,
			 size_t shard, size_t nshards)
{
	size_t k = 0;

	if (nshards <= 1)
		return nms;
	for (size_t i = 0; i < nms; i++)
		if (i % nshards == shard)
			ms[k++] = ms[i];
	return k;
}

int pc_matrix_run_shard(char *const *paths, size_t n, const char *machine,
			int smp, size_t shard, size_t nshards,
			struct pc_known_breaks *known, struct pc_matrix *mx,
			struct pc_err *err)
{
	struct run ru;
	const struct pc_machine **ms = NULL;
	size_t nms;
	int rc = -1;

	assert(paths || !n);
	assert(mx);
	memset(mx, 0, sizeof(*mx));
	memset(&ru, 0, sizeof(ru));
	ru.mx = mx;
	ru.known = known;
	mx->releases = pc_xcalloc(n + 1, sizeof(*mx->releases));
	ru.rel = pc_xcalloc(n + 1, sizeof(*ru.rel));
	if (load_indexes(paths, n, mx, err) ||
	    check_releases(&ru, paths, n, err))
		goto out;
	nms = collect_machines(mx, n, machine, &ms);
	if (machine && !nms) {
		pc_err_setc(err, PC_E_NOT_FOUND,
			    "no recorded release knows machine type '%s'", machine);
		goto out;
	}
	nms = keep_shard(ms, nms, shard, nshards);
	mx->machines = pc_xcalloc(nms + 1, sizeof(*mx->machines));
	for (size_t mi = 0; mi < nms; mi++)
		add_machine_row(mx, ms[mi]->name, n);
	if (fill_cells(&ru, smp, err))
		goto out;
	rc = 0;
out:
	run_release(&ru, n);
	free(ms);
	if (rc)
		pc_matrix_release(mx);
	return rc;
}

void pc_matrix_release(struct pc_matrix *mx)
{
	for (size_t i = 0; i < mx->n_releases; i++)
		pc_bindex_release(&mx->releases[i]);
	free(mx->releases);
	for (size_t i = 0; i < mx->n_machines; i++) {
		free(mx->machines[i].name);
		free(mx->machines[i].sides);
		free(mx->machines[i].cells);
	}
	free(mx->machines);
	for (size_t i = 0; i < mx->n_breaks; i++) {
		struct pc_matrix_break *b = &mx->breaks[i];

		pc_report_release(&b->rep);
		for (size_t k = 0; k < b->n_occ; k++) {
			free(b->occ[k].configs);
			free(b->occ[k].known_reason);
		}
		free(b->occ);
	}
	free(mx->breaks);
	memset(mx, 0, sizeof(*mx));
}
