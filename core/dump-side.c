/*
 * dump-side.c - sides in QEMU's -dump-vmstate format, and the check of a
 * pair with a dump side (dump-side.h).
 */
#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dump-side.h"
#include "machine.h"
#include "qemu-diff.h"
#include "qemu-render.h"

#include "banned.h"

const char *const pc_dump_pair_unchecked[] = {
	"guest-visible property values (PC501): a dump carries no property values",
	"virtio feature offers (PC506/PC507): a dump carries no host_features",
	"invariants such as PCI config space (PC401): a dump carries no contents",
	"subsection conditions (needed): a dump lists every subsection the build knows",
	"field conditions (field_exists): a dump only says a test function exists",
};
const size_t pc_dump_pair_n_unchecked = PC_ARRAY_SIZE(pc_dump_pair_unchecked);

bool pc_dump_side_is_qemu_dump(const char *spec)
{
	json_error_t je;
	json_t *j;
	bool r;

	if (!pc_str_ends_with(spec, ".json"))
		return false;
	j = json_load_file(spec, 0, &je);
	r = j && json_is_object(j) && json_object_get(j, "vmschkmachine");
	json_decref(j);
	return r;
}

char *pc_dump_side_render(const struct pc_side_env *env, const char *spec,
			  const char *machine, int smp, char **label,
			  bool *bad_input, struct pc_err *err)
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
	if (pc_vm_build(&side, m, smp, &vm, err) || pc_vm_resolve(&vm, err)) {
		pc_side_release(&side);
		return NULL;
	}
	text = pc_vm_render_qemu_dump(&vm);
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

/* side k of the pair: the dump file, or the side rendered as one */
static int load_dump(const struct pc_side_env *env, const char *spec,
		     const char *machine, int smp, struct pc_dump_pair *p,
		     int k, bool *bad_input, struct pc_err *err)
{
	if (pc_dump_side_is_qemu_dump(spec)) {
		p->dumps[k] = pc_qdump_load(spec, err);
		p->labels[k] = pc_xstrdup(spec);
	} else {
		char *text = pc_dump_side_render(env, spec, machine, smp ? smp : 1,
						 &p->labels[k], bad_input, err);

		if (!text)
			return -1;
		p->dumps[k] = pc_qdump_parse(text, strlen(text), p->labels[k], err);
		free(text);
	}
	return p->dumps[k] ? 0 : -1;
}

int pc_dump_pair_run(const struct pc_side_env *env, const char *from,
		     const char *to, const char *machine, int smp,
		     struct pc_dump_pair *p, bool *bad_input,
		     struct pc_err *err)
{
	memset(p, 0, sizeof(*p));
	pc_report_init(&p->r);
	if (load_dump(env, from, machine, smp, p, 0, bad_input, err) ||
	    load_dump(env, to, machine, smp, p, 1, bad_input, err))
		return -1;
	assert(p->dumps[0] && p->dumps[1]);
	pc_qdump_diff(p->dumps[0], p->dumps[1], NULL, &p->r);
	pc_qdump_diff(p->dumps[1], p->dumps[0], NULL, &p->r);
	return 0;
}

void pc_dump_pair_release(struct pc_dump_pair *p)
{
	pc_report_release(&p->r);
	pc_qdump_free(p->dumps[0]);
	pc_qdump_free(p->dumps[1]);
	free(p->labels[0]);
	free(p->labels[1]);
	memset(p, 0, sizeof(*p));
}
