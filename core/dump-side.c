/*
 * dump-side.c - sides in QEMU's -dump-vmstate format, and the check of a
 * pair with a dump side (dump-side.h).
 */
#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "dump-side.h"
#include "machine.h"
#include "qemu-diff.h"
#include "qemu-render.h"

#include "banned.h"

static const char props_unchecked[] =
	"guest-visible property values (PC501): a dump carries no property values";
static const char *const always_unchecked[] = {
	"virtio feature offers (PC506/PC507): a dump carries no host_features",
	"invariants such as PCI config space (PC401): a dump carries no contents",
	"subsection conditions (needed): a dump lists every subsection the build knows",
	"field conditions (field_exists): a dump only says a test function exists",
	"machine-level state and RAM blocks (PC604, PC106-PC108): a dump lists device classes only",
};
static const char counts_unchecked[] =
	"array counts (PC207): the QEMU dump records none (QEMU before 8.1), so arrays are compared by element size and a field padding replaced is taken to have the count that lines the padding up";

size_t pc_dump_pair_unchecked(const struct pc_dump_pair *p,
			      const char *out[PC_DUMP_PAIR_MAX_UNCHECKED])
{
	size_t n = 0;

	static_assert(PC_ARRAY_SIZE(always_unchecked) + 2 <= PC_DUMP_PAIR_MAX_UNCHECKED,
		      "room for every entry");
	if (!p->props_checked)
		out[n++] = props_unchecked;
	for (size_t i = 0; i < PC_ARRAY_SIZE(always_unchecked); i++)
		out[n++] = always_unchecked[i];
	if (p->counts_unknown)
		out[n++] = counts_unchecked;
	return n;
}

/* the JSON object in file 'spec' (a *.json regular file), or NULL */
static json_t *load_json(const char *spec)
{
	struct pc_err e = { 0 };
	json_error_t je;
	char *text;
	size_t len;
	json_t *j;

	if (!pc_str_ends_with(spec, ".json") ||
	    pc_read_file(spec, PC_QDUMP_MAX_FILE, &text, &len, &e))
		return NULL;
	j = json_loadb(text, len, 0, &je);
	free(text);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* the capture in file 'spec', or NULL (not one, or unreadable) */
static json_t *load_capture(const char *spec)
{
	json_t *j = load_json(spec);

	if (j && pc_capture_is(j))
		return j;
	json_decref(j);
	return NULL;
}

/* Was 'spec' (a dump or capture) written by a QEMU build, not rendered
 * by plugcheck (vmschkmachine.Rendered-by, qemu-render.c)? */
static bool written_by_qemu(const char *spec)
{
	json_t *j = load_json(spec);
	bool r;

	r = j && (pc_capture_is(j) ||
		  !json_object_get(json_object_get(j, "vmschkmachine"), "Rendered-by"));
	json_decref(j);
	return r;
}

bool pc_dump_side_is_qemu_dump(const char *spec)
{
	json_t *j = load_json(spec);
	bool r;

	r = j && (json_object_get(j, "vmschkmachine") || pc_capture_is(j));
	json_decref(j);
	return r;
}

/* the names of the types of 'side' that always block migration, into
 * set 'blocked' */
static void add_blocked_types(const struct pc_side *side, json_t *blocked)
{
	for (size_t i = 0; i < side->reg->n_types; i++) {
		const struct pc_type *t = side->reg->types[i];

		if (!t->abstract && pc_side_has_type(side, t) &&
		    pc_side_type_blocker(side, t))
			json_object_set_new(blocked, t->name, json_true());
	}
}

/* the side 'spec' rendered in 'view' (see pc_dump_side_render()); the
 * names of its types that always block migration into 'blocked' when
 * not NULL */
static char *render_view(const struct pc_side_env *env, const char *spec,
			 const char *machine, int smp,
			 const char *const *devices, size_t n_devices,
			 const struct pc_qemu_view *view, json_t *blocked,
			 char **label, bool *bad_input, struct pc_err *err)
{
	struct pc_side side;
	const struct pc_machine *m;
	struct pc_vm vm;
	bool bad = false;
	char *text = NULL;

	if (pc_side_load_spec(env, spec, &side, &bad, err)) {
		*bad_input |= bad;
		return NULL;
	}
	m = pc_machine_find(side.machines, machine);
	if (!m || !pc_side_knows_machine(&side, m)) {
		pc_err_setc(err, PC_E_NOT_FOUND, "%s does not know machine type '%s'",
			    side.label, machine);
		pc_side_release(&side);
		return NULL;
	}
	if (pc_side_add_vm_devices(&side, devices, n_devices, err) ||
	    pc_vm_build(&side, m, smp, &vm, err) || pc_vm_resolve(&vm, err)) {
		pc_side_release(&side);
		return NULL;
	}
	text = pc_vm_render_qemu_view(&vm, view);
	if (blocked)
		add_blocked_types(&side, blocked);
	if (label)
		*label = pc_xasprintf("%s (%s, smp=%d)", side.label, m->name, vm.smp);
	pc_vm_release(&vm);
	pc_side_release(&side);
	if (bad) {
		/* a refused plugin: the rendering would lack its devices */
		*bad_input = true;
		free(text);
		return NULL;
	}
	return text;
}

char *pc_dump_side_render(const struct pc_side_env *env, const char *spec,
			  const char *machine, int smp,
			  const char *const *devices, size_t n_devices,
			  char **label, bool *bad_input, struct pc_err *err)
{
	const struct pc_qemu_view plain = { 0 };

	return render_view(env, spec, machine, smp, devices, n_devices, &plain, NULL,
			   label, bad_input, err);
}

/* side k of the pair: the dump file, or the side rendered as one ('view':
 * what the real dump on the other side can show, or plain) */
static int load_dump(const struct pc_side_env *env, const struct pc_dump_pair_spec *ps,
		     const char *spec, struct pc_dump_pair *p, int k,
		     const struct pc_qemu_view *view, json_t *blocked,
		     bool *bad_input, struct pc_err *err)
{
	json_t *cap = load_capture(spec);

	if (cap) {
		char *text = json_dumps(json_object_get(cap, "dump"), JSON_COMPACT);

		p->labels[k] = pc_xstrdup(spec);
		p->dumps[k] = text ? pc_qdump_parse(text, strlen(text), spec, err) : NULL;
		if (!text)
			pc_err_setc(err, PC_E_INPUT, "%s: the capture holds no QEMU dump", spec);
		free(text);
		json_decref(cap);
	} else if (pc_dump_side_is_qemu_dump(spec)) {
		p->dumps[k] = pc_qdump_load(spec, err);
		p->labels[k] = pc_xstrdup(spec);
	} else {
		char *text = render_view(env, spec, ps->machine, ps->smp ? ps->smp : 1,
					 ps->devices, ps->n_devices, view, blocked,
					 &p->labels[k], bad_input, err);

		if (!text)
			return -1;
		p->dumps[k] = pc_qdump_parse(text, strlen(text), p->labels[k], err);
		free(text);
	}
	if (p->dumps[k] && pc_qdump_check_names(p->dumps[k], err)) {
		pc_qdump_free(p->dumps[k]);
		p->dumps[k] = NULL;
	}
	return p->dumps[k] ? 0 : -1;
}

/* the plugin side named by 'spec' (or the tree), with the VM of 'machine'
 * built when 'vm' is not NULL */
static int plugin_side(const struct pc_side_env *env, const char *spec,
		       const struct pc_dump_pair_spec *ps, struct pc_side *side,
		       struct pc_vm *vm, bool *bad_input, struct pc_err *err)
{
	const char *machine = ps->machine;
	int smp = ps->smp;
	const struct pc_machine *m;
	int r = spec ? pc_side_load_spec(env, spec, side, bad_input, err)
		     : pc_side_load_tree(env, side, bad_input, err);

	if (r)
		return -1;
	if (!vm)
		return 0;
	m = pc_machine_find(side->machines, machine);
	if (!m || !pc_side_knows_machine(side, m)) {
		pc_err_setc(err, PC_E_NOT_FOUND, "%s does not know machine type '%s'",
			    side->label, machine);
		pc_side_release(side);
		return -1;
	}
	if (pc_side_add_vm_devices(side, ps->devices, ps->n_devices, err) ||
	    pc_vm_build(side, m, smp ? smp : 1, vm, err)) {
		pc_side_release(side);
		return -1;
	}
	return 0;
}

/* the property values of captures 'caps' (k: 0 from, 1 to) and of the
 * plugin side, compared */
static int compare_props(const struct pc_side_env *env, const struct pc_dump_pair_spec *ps,
			 json_t *caps[2], struct pc_dump_pair *p, bool *bad_input,
			 struct pc_err *err)
{
	const char *const specs[2] = { ps->from, ps->to };
	const char *machine = ps->machine;
	int plug = caps[0] ? (caps[1] ? -1 : 1) : 0; /* the plugin side's k */
	struct pc_side side;
	struct pc_vm vm;
	struct pc_pvals pv[2];
	const struct pc_machine *m;
	int ret = -1;

	memset(pv, 0, sizeof(pv));
	if (plugin_side(env, plug >= 0 ? specs[plug] : NULL, ps, &side,
			plug >= 0 ? &vm : NULL, bad_input, err))
		return -1;
	m = pc_machine_find(side.machines, machine);
	for (int k = 0; k < 2; k++) {
		if (k == plug) {
			if (pc_pvals_from_vm(&vm, p->labels[k], &pv[k], err))
				goto out;
			continue;
		}
		if (pc_pvals_from_capture(caps[k], p->labels[k], m ? m->name : machine,
					  m ? (const char *const *)m->aliases : NULL,
					  m ? m->n_aliases : 0, &pv[k], err))
			goto out;
	}
	pc_pvals_compare(&pv[0], &pv[1], side.reg, m ? m->name : machine, &p->r, &p->props);
	p->props_checked = true;
	ret = 0;
out:
	pc_pvals_release(&pv[0]);
	pc_pvals_release(&pv[1]);
	if (plug >= 0)
		pc_vm_release(&vm);
	pc_side_release(&side);
	return ret;
}

/* the section names of dump 'd', as a set */
static json_t *section_set(const struct pc_qdump *d)
{
	json_t *set = json_object();

	for (size_t i = 0; i < d->n_sections; i++)
		json_object_set_new(set, d->sections[i].name, json_true());
	return set;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A real dump 'real' against the dump rendered from a plugin side 'plug':
 * drop the findings about sections the plugin side does not render, and
 * list those sections (not modelled) unless the VM was narrowed; the
 * sections in 'handled' (unmigratable types, sort_unmigratable()) are
 * accounted for.
 */
static void restrict_to_modelled(struct pc_dump_pair *p, int real, int plug, bool narrowed,
				 json_t *handled)
{
	json_t *known = section_set(p->dumps[plug]);
	struct pc_report kept;

	json_object_update(known, handled);

	pc_report_init(&kept);
	for (size_t i = 0; i < p->r.n; i++) {
		const struct pc_finding *f = &p->r.items[i];

		if (!f->device || json_object_get(known, f->device))
			pc_report_add(&kept, f);
	}
	pc_report_release(&p->r);
	p->r = kept;
	for (size_t i = 0; !narrowed && i < p->dumps[real]->n_sections; i++) {
		const char *name = p->dumps[real]->sections[i].name;

		if (json_object_get(known, name))
			continue;
		p->not_modelled = pc_xrealloc(p->not_modelled,
					      (p->n_not_modelled + 1) * sizeof(*p->not_modelled));
		p->not_modelled[p->n_not_modelled++] = pc_xstrdup(name);
	}
	if (p->n_not_modelled)
		qsort(p->not_modelled, p->n_not_modelled, sizeof(*p->not_modelled), cmp_str);
	json_decref(known);
}

/* PC603 for section 's' in both directions of the pair, at 'sev', with
 * 'why' (borrowed) */
static void unmigratable_finding(struct pc_dump_pair *p, const char *s,
				 enum pc_severity sev, const char *what,
				 const char *why)
{
	for (int k = 0; k < 2; k++) {
		struct pc_emitter e = { .report = &p->r, .src = p->labels[k],
					.dst = p->labels[1 - k] };

		pc_emit(&e, &(struct pc_hit){
			.rule = PC_R_DEVICE_UNMIGRATABLE,
			.severity = sev,
			.device = s,
			.src_value = what,
			.why = why,
			.fix = "remove the device from the VM, or hot-unplug it (device_del) before migrating; if the tree is wrong, declare the type as that build does (PC_UNMIGRATABLE, or a section)" });
	}
}

/* drop the findings about section 's' (nothing of it is sent) */
static void drop_findings_of(struct pc_dump_pair *p, const char *s)
{
	struct pc_report kept;

	pc_report_init(&kept);
	for (size_t i = 0; i < p->r.n; i++)
		if (!p->r.items[i].device || strcmp(p->r.items[i].device, s))
			pc_report_add(&kept, &p->r.items[i]);
	pc_report_release(&p->r);
	p->r = kept;
}

/*
 * A real dump 'real' against plugin side 'plug', whose types that always
 * block migration are 'blocked': a type either refuses to migrate is
 * compared as check compares it (dump-side.h), not as a layout (nothing
 * of it is sent) nor as not modelled.  Its sections go into 'handled'.
 */
static void sort_unmigratable(struct pc_dump_pair *p, int real, int plug, bool narrowed,
			      json_t *blocked, json_t *handled)
{
	const struct pc_qdump *d = p->dumps[real];

	for (size_t i = 0; i < d->n_sections; i++) {
		const struct pc_qdump_section *s = &d->sections[i];
		bool qemu = pc_qdump_section_unmigratable(s);
		bool tree = json_object_get(blocked, s->name) != NULL;
		bool named = narrowed && pc_qdump_find(p->dumps[plug], s->name);
		char *why;

		if ((!qemu && !tree) || (narrowed && !named) ||
		    (!tree && !pc_qdump_find(p->dumps[plug], s->name)))
			continue; /* a layout, outside the VM, or not modelled */
		json_object_set_new(handled, s->name, json_true());
		drop_findings_of(p, s->name);
		if (qemu && tree && !named) {
			p->unmigratable = pc_xrealloc(p->unmigratable, (p->n_unmigratable + 1) *
						      sizeof(*p->unmigratable));
			p->unmigratable[p->n_unmigratable++] = pc_xstrdup(s->name);
			continue;
		}
		why = pc_xasprintf("cannot be migrated: %s is unmigratable %s: QEMU refuses to start the migration%s",
				   s->name,
				   qemu && tree ? "in both builds" :
				   qemu ? "in the QEMU build (its dump shows the empty version-0 description of a device with .unmigratable = 1) and migratable in the plugin side" :
				   "in the plugin side and migratable in the QEMU build (its dump has a section for it)",
				   named ? "" : " (the default configuration: a type one build refuses to migrate is no break of the VMs both can migrate)");
		unmigratable_finding(p, s->name, named ? PC_SEV_INCOMPATIBLE : PC_SEV_INFO,
				     qemu && tree ? "unmigratable on both sides"
				     : qemu ? "unmigratable in the QEMU build"
				     : "unmigratable in the plugin side", why);
		free(why);
	}
	if (p->n_unmigratable)
		qsort(p->unmigratable, p->n_unmigratable, sizeof(*p->unmigratable), cmp_str);
}

int pc_dump_pair_run(const struct pc_side_env *env,
		     const struct pc_dump_pair_spec *ps,
		     struct pc_dump_pair *p, bool *bad_input,
		     struct pc_err *err)
{
	const char *const specs[2] = { ps->from, ps->to };
	struct pc_qemu_view view = { 0 };
	json_t *caps[2], *blocked, *handled;
	bool real[2];
	int r = 0;

	memset(p, 0, sizeof(*p));
	pc_report_init(&p->r);
	real[0] = pc_dump_side_is_qemu_dump(ps->from);
	real[1] = pc_dump_side_is_qemu_dump(ps->to);
	/* the real dump first: a plugin side against it is rendered as that
	 * build's dump can show it */
	for (int k = 0; k < 2; k++) {
		if (real[k] && load_dump(env, ps, specs[k], p, k, &view, NULL, bad_input, err))
			return -1;
		if (real[k] && !real[1 - k] && written_by_qemu(specs[k])) {
			view.qemu_view = true;
			view.no_counts = pc_qdump_counts_unknown(p->dumps[k]);
		}
	}
	blocked = json_object();
	for (int k = 0; k < 2; k++)
		if (!real[k] && load_dump(env, ps, specs[k], p, k, &view, blocked, bad_input, err)) {
			json_decref(blocked);
			return -1;
		}
	assert(p->dumps[0] && p->dumps[1]);
	p->counts_unknown = view.qemu_view ? view.no_counts
					   : pc_qdump_counts_unknown(p->dumps[0]) ||
					     pc_qdump_counts_unknown(p->dumps[1]);
	if (view.qemu_view) {
		/* the real dump and the side rendered as it shows one record
		 * counts alike */
		pc_qdump_diff_counted(p->dumps[0], view.no_counts, p->dumps[1],
				      view.no_counts, NULL, &p->r);
		pc_qdump_diff_counted(p->dumps[1], view.no_counts, p->dumps[0],
				      view.no_counts, NULL, &p->r);
	} else {
		pc_qdump_diff(p->dumps[0], p->dumps[1], NULL, &p->r);
		pc_qdump_diff(p->dumps[1], p->dumps[0], NULL, &p->r);
	}
	handled = json_object();
	if (real[0] != real[1]) {
		sort_unmigratable(p, real[0] ? 0 : 1, real[0] ? 1 : 0, ps->n_devices > 0,
				  blocked, handled);
		restrict_to_modelled(p, real[0] ? 0 : 1, real[0] ? 1 : 0, ps->n_devices > 0,
				     handled);
	}
	json_decref(blocked);
	json_decref(handled);
	caps[0] = load_capture(ps->from);
	caps[1] = load_capture(ps->to);
	/* a plain dump has no values: compare only capture with capture or
	 * with a plugin side */
	if ((caps[0] || caps[1]) && !(real[0] && !caps[0]) && !(real[1] && !caps[1]))
		r = compare_props(env, ps, caps, p, bad_input, err);
	json_decref(caps[0]);
	json_decref(caps[1]);
	return r;
}

void pc_dump_pair_release(struct pc_dump_pair *p)
{
	pc_report_release(&p->r);
	pc_pvals_stats_release(&p->props);
	for (size_t i = 0; i < p->n_not_modelled; i++)
		free(p->not_modelled[i]);
	free(p->not_modelled);
	for (size_t i = 0; i < p->n_unmigratable; i++)
		free(p->unmigratable[i]);
	free(p->unmigratable);
	pc_qdump_free(p->dumps[0]);
	pc_qdump_free(p->dumps[1]);
	free(p->labels[0]);
	free(p->labels[1]);
	memset(p, 0, sizeof(*p));
}
