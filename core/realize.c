/*
 * realize.c - values as QEMU shows them after realize (realize.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "kinds.h"
#include "realize.h"
#include "util.h"

#include "banned.h"

struct rlookup {
	const struct pc_vm *vm;
	const struct pc_object *o;
};

static int realize_lookup(void *ctx, const char *name, struct pc_xval *out)
{
	const struct rlookup *c = ctx;

	if (!pc_object_xval(c->vm, c->o, name, out))
		return 0;
	if (!strcmp(name, "smp"))
		out->i = c->vm->smp;
	else if (!strcmp(name, "max_cpus"))
		out->i = c->vm->machine->max_cpus;
	else if (!strcmp(name, "pcie_port"))
		out->i = 0; /* every device sits on the machine's root bus */
	else
		return -1;
	return 0;
}

/* the text of an expression result for property 'p' */
static char *result_text(const struct pc_prop *p, const struct pc_xval *xv)
{
	if (p->kind == PC_PROP_ONOFFAUTO ||
	    pc_prop_kind_class(p->kind) == PC_PCLASS_BOOL)
		return pc_xstrdup(xv->i ? "on" : "off");
	if (xv->is_str)
		return pc_xstrdup(xv->s ? xv->s : "");
	return pc_xasprintf("%lld", (long long)xv->i);
}

/* "[FILE:LINE: ]realized value of T.P: MSG" over 'err' (an expression's
 * own error already says where it is) */
static int realize_error(const struct pc_eprop *ep, bool where,
			 struct pc_err *err)
{
	struct pc_err inner = *err;
	const struct pc_type *t = ep->owner;

	pc_err_clear(err);
	if (where)
		pc_err_wrap(err, &inner, "%s:%d: realized value of %s.%s",
			    t->plugin && t->plugin->path ? t->plugin->path : "?",
			    ep->prop->line, t->name, ep->prop->name);
	else
		pc_err_wrap(err, &inner, "realized value of %s.%s", t->name,
			    ep->prop->name);
	return -1;
}

int pc_eprop_realized(const struct pc_vm *vm, const struct pc_object *o,
		      const struct pc_eprop *ep, char **text,
		      struct pc_err *err)
{
	const struct pc_prop *p = ep->prop;
	struct rlookup lc = { vm, o };
	struct pc_xval xv;
	struct pc_value v;
	char *t;

	*text = NULL;
	if (!p->realized_expr || ep->absent ||
	    (p->kind == PC_PROP_ONOFFAUTO && ep->val.num != 2))
		return 0;
	if (pc_expr_eval_val(p->realized_expr, realize_lookup, &lc, &xv, err))
		return realize_error(ep, false, err);
	t = result_text(p, &xv);
	if (pc_value_parse(p, t, &v, err)) {
		free(t);
		return realize_error(ep, true, err);
	}
	free(t);
	*text = v.text;
	return 0;
}
