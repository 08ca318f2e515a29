/*
 * fxside.c - sides from in-memory declarations (fxside.h).
 */
#include "fxside.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "machine.h"
#include "model.h"
#include "pctest.h"

int fx_side_init(struct pc_side *s, const char *label, const char *decl,
		 const char *machines, int release_major, struct pc_err *err)
{
	struct pc_plugin *p = pc_xcalloc(1, sizeof(*p));

	memset(s, 0, sizeof(*s));
	s->label = pc_xstrdup(label);
	s->reg = pc_registry_new();
	s->own_reg = true;
	s->machines = pc_machine_set_new();
	s->own_machines = true;
	s->release.v[0] = release_major;
	p->name = pc_xstrdup("fx");
	p->version = pc_xstrdup("2.0");
	p->path = pc_xasprintf("<%s>", label);
	p->decl = pc_xstrdup(decl);
	p->decl_len = strlen(decl);
	if (pc_registry_add_plugin(s->reg, p, p->path, err) ||
	    pc_registry_finalize(s->reg, err) ||
	    pc_machines_load_dir(s->machines,
				 pct_path(machines ? machines
						   : "tests/fixtures/check/machines"),
				 err))
		return -1;
	return 0;
}

struct pc_registry *fx_registry(const char *text, struct pc_err *err)
{
	struct pc_registry *reg = pc_registry_new();
	struct pc_plugin *pl = pc_xcalloc(1, sizeof(*pl));

	pl->path = pc_xstrdup("u.decl");
	pl->decl = pc_xstrdup(text);
	pl->decl_len = strlen(text);
	if (pc_registry_add_plugin(reg, pl, "u.decl", err) ||
	    pc_registry_finalize(reg, err)) {
		pc_registry_free(reg);
		return NULL;
	}
	return reg;
}

char *fx_decl_write(const struct pc_registry *reg)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	pc_decl_write_plugin(reg, reg->plugins[0], &sb);
	return pc_strbuf_detach(&sb);
}

void fx_expect_refused(const char *text, const char *msg)
{
	struct pc_err err = { 0 };
	struct pc_registry *reg = fx_registry(text, &err);

	CU_ASSERT_PTR_NULL(reg);
	if (reg)
		pc_registry_free(reg);
	PCT_ASSERT_INT_EQ(err.code, PC_E_INPUT);
	PCT_ASSERT_CONTAINS(err.msg, msg);
}

void fx_expect_fixed_point(const char *w)
{
	struct pc_err err = { 0 };
	struct pc_registry *b = fx_registry(w, &err);
	char *again;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	again = fx_decl_write(b);
	PCT_ASSERT_STR_EQ(again, w);
	free(again);
	pc_registry_free(b);
}

int fx_check(const struct pc_side *a, const struct pc_side *b,
	     struct pc_report *r, int smp)
{
	struct pc_check c;
	struct pc_err err = { 0 };
	int rc;

	memset(&c, 0, sizeof(c));
	c.machine = "fx-1.0";
	if (smp) {
		c.smps[0] = smp;
		c.n_smps = 1;
	}
	pc_report_init(r);
	rc = pc_check_direction(&c, a, b, r, &err);
	if (rc)
		fprintf(stderr, "\n  check: %s\n", err.msg);
	return rc;
}

void fx_expect_silent(const struct pc_side *a, const struct pc_side *b, int smp)
{
	struct pc_report r;

	CU_ASSERT_EQUAL(fx_check(a, b, &r, smp), 0);
	if (r.n)
		pct_dump_report(&r);
	PCT_ASSERT_INT_EQ(r.n, 0);
	pc_report_release(&r);
}
