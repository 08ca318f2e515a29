/*
 * test_expr.c - the expression language (core/expr.c): precedence, names
 * with dashes, canonical printing, parse errors with positions, checked
 * arithmetic and string comparison.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "pctest.h"

#include "banned.h"

/* A tiny property set for the lookup callback. */
struct xenv {
	const char *names[8];
	struct pc_xval vals[8];
	size_t n;
};

static int xenv_lookup(void *ctx, const char *name, struct pc_xval *out)
{
	struct xenv *env = ctx;

	for (size_t i = 0; i < env->n; i++) {
		if (!strcmp(env->names[i], name)) {
			*out = env->vals[i];
			return 0;
		}
	}
	return -1;
}

static void xenv_int(struct xenv *env, const char *name, int64_t v)
{
	env->names[env->n] = name;
	env->vals[env->n].is_str = false;
	env->vals[env->n].i = v;
	env->vals[env->n].s = NULL;
	env->n++;
}

static void xenv_str(struct xenv *env, const char *name, const char *s,
		     int64_t idx)
{
	env->names[env->n] = name;
	env->vals[env->n].is_str = true;
	env->vals[env->n].i = idx;
	env->vals[env->n].s = s;
	env->n++;
}

/* Evaluate 'text' in 'env'; on error return INT64_MIN + 1 and the message. */
static int64_t ev(const char *text, struct xenv *env, char *msg, size_t len)
{
	struct pc_err err = { 0 };
	struct pc_expr *e = pc_expr_parse(text, "t:1", &err);
	int64_t v = 0;

	if (msg)
		msg[0] = '\0';
	if (!e) {
		if (msg)
			snprintf(msg, len, "%s", err.msg);
		return INT64_MIN + 1;
	}
	if (pc_expr_eval(e, env ? xenv_lookup : NULL, env, &v, &err)) {
		if (msg)
			snprintf(msg, len, "%s", err.msg);
		v = INT64_MIN + 1;
	}
	pc_expr_free(e);
	return v;
}

static char *canon(const char *text)
{
	struct pc_err err = { 0 };
	struct pc_expr *e = pc_expr_parse(text, NULL, &err);
	char *s;

	if (!e)
		return pc_xstrdup(err.msg);
	s = pc_expr_str(e);
	pc_expr_free(e);
	return s;
}

static char *parse_error(const char *text)
{
	static char buf[2048];
	struct pc_err err = { 0 };
	struct pc_expr *e = pc_expr_parse(text, "f.decl:7", &err);

	pc_expr_free(e);
	snprintf(buf, sizeof(buf), "%s", e ? "(parsed)" : err.msg);
	return buf;
}

PCT_TEST("expr", precedence)
{
	PCT_ASSERT_INT_EQ(ev("1 + 2 * 3", NULL, NULL, 0), 7);
	PCT_ASSERT_INT_EQ(ev("(1 + 2) * 3", NULL, NULL, 0), 9);
	PCT_ASSERT_INT_EQ(ev("1 << 2 + 1", NULL, NULL, 0), 8);
	PCT_ASSERT_INT_EQ(ev("10 - 4 - 3", NULL, NULL, 0), 3);
	PCT_ASSERT_INT_EQ(ev("10 - (4 - 3)", NULL, NULL, 0), 9);
	PCT_ASSERT_INT_EQ(ev("2-1", NULL, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("-2 * 3", NULL, NULL, 0), -6);
	PCT_ASSERT_INT_EQ(ev("~0", NULL, NULL, 0), -1);
	PCT_ASSERT_INT_EQ(ev("!0 && 3 > 2 || 0", NULL, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("1 | 2 ^ 3 & 6", NULL, NULL, 0), 1 | (2 ^ (3 & 6)));
	PCT_ASSERT_INT_EQ(ev("1 < 2 == 1", NULL, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("7 / 2 + 7 % 2", NULL, NULL, 0), 4);
	PCT_ASSERT_INT_EQ(ev("0 ? 1 : 0 ? 2 : 3", NULL, NULL, 0), 3);
	PCT_ASSERT_INT_EQ(ev("1 ? 0 ? 5 : 6 : 7", NULL, NULL, 0), 6);
	PCT_ASSERT_INT_EQ(ev("0x10 + 0XfF", NULL, NULL, 0), 16 + 255);
	PCT_ASSERT_INT_EQ(ev("min(4, max(1, 9), 6)", NULL, NULL, 0), 4);
	PCT_ASSERT_INT_EQ(ev("-8 >> 1", NULL, NULL, 0), -4);
	PCT_ASSERT_INT_EQ(ev("-1 << 63 < 0", NULL, NULL, 0), 1);
}

PCT_TEST("expr", names_with_dashes)
{
	struct xenv env = { .n = 0 };

	xenv_int(&env, "num-queues", 4);
	xenv_int(&env, "smp", 8);
	xenv_int(&env, "x-pcie.mask", 1);
	PCT_ASSERT_INT_EQ(ev("num-queues", &env, NULL, 0), 4);
	PCT_ASSERT_INT_EQ(ev("num-queues - 1", &env, NULL, 0), 3);
	PCT_ASSERT_INT_EQ(ev("min(smp, num-queues * 4)", &env, NULL, 0), 8);
	PCT_ASSERT_INT_EQ(ev("x-pcie.mask ? on : off", &env, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("auto", &env, NULL, 0), 2);
	PCT_ASSERT_INT_EQ(ev("yes + true + no + false", &env, NULL, 0), 2);
}

PCT_TEST("expr", builtins_only_when_lookup_fails)
{
	struct xenv env = { .n = 0 };

	xenv_int(&env, "on", 7);
	PCT_ASSERT_INT_EQ(ev("on", &env, NULL, 0), 7);
	PCT_ASSERT_INT_EQ(ev("on", NULL, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("off", &env, NULL, 0), 0);
}

static void collect_name(void *ctx, const char *name)
{
	struct pc_strbuf *sb = ctx;

	pc_strbuf_addf(sb, "%s;", name);
}

PCT_TEST("expr", names_in_order_without_builtins)
{
	struct pc_err err = { 0 };
	struct pc_expr *e = pc_expr_parse(
		"num-queues > 1 && smp + num-queues > on ? max_cpus : smp", NULL,
		&err);
	struct pc_strbuf sb = PC_STRBUF_INIT;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	pc_expr_names(e, collect_name, &sb);
	PCT_ASSERT_STR_EQ(sb.buf, "num-queues;smp;max_cpus;");
	CU_ASSERT_FALSE(pc_expr_is_const(e));
	pc_strbuf_release(&sb);
	pc_expr_free(e);

	e = pc_expr_parse("2 * (3 + 1)", NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(pc_expr_is_const(e));
	pc_expr_free(e);
}

PCT_TEST("expr", canonical_printing)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "1+2*3", "1 + 2 * 3" },
		{ "(1+2)*3", "(1 + 2) * 3" },
		{ "num-queues", "num-queues" },
		{ "smp", "smp" },
		{ "(smp)", "smp" },
		{ "a - (b - c)", "a - (b - c)" },
		{ "(a - b) - c", "a - b - c" },
		{ "min( smp ,16 )", "min(smp, 16)" },
		{ "x ? y : z ? 1 : 2", "x ? y : z ? 1 : 2" },
		{ "(x ? 1 : 2) + 1", "(x ? 1 : 2) + 1" },
		{ "(a ? b : c) ? d : e", "(a ? b : c) ? d : e" },
		{ "- - 1", "--1" },
		{ "-(a + 1)", "-(a + 1)" },
		{ "!(a && b) || c", "!(a && b) || c" },
		{ "a || b && c", "a || b && c" },
		{ "(a || b) && c", "(a || b) && c" },
		{ "mode=='legacy'", "mode == 'legacy'" },
		{ "0x1F", "0x1f" },
		{ "31", "31" },
		{ "a & 0xff == 3", "a & 0xff == 3" },
		{ "(a & 0xFF) == 3", "(a & 0xff) == 3" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char *s = canon(cases[i].in);
		char *again = canon(s);

		PCT_ASSERT_STR_EQ(s, cases[i].out);
		/* printing is a fixed point: parse(print(e)) prints the same */
		PCT_ASSERT_STR_EQ(again, s);
		free(s);
		free(again);
	}
}

PCT_TEST("expr", dup_is_equal)
{
	struct pc_err err = { 0 };
	struct pc_expr *e = pc_expr_parse("min(smp, 16) * 2", "w:2", &err);
	struct pc_expr *d;
	char *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	d = pc_expr_dup(e);
	a = pc_expr_str(e);
	b = pc_expr_str(d);
	PCT_ASSERT_STR_EQ(b, a);
	free(a);
	free(b);
	pc_expr_free(e);
	pc_expr_free(d);
}

PCT_TEST("expr", parse_errors_with_positions)
{
	PCT_ASSERT_STR_EQ(parse_error("1 +"),
		"f.decl:7: expression '1 +', column 4: expected a number, 'string', name or '(', found end of expression");
	PCT_ASSERT_STR_EQ(parse_error("(1 + 2"),
		"f.decl:7: expression '(1 + 2', column 7: expected ')', found end of expression");
	PCT_ASSERT_STR_EQ(parse_error("foo(1)"),
		"f.decl:7: expression 'foo(1)', column 1: expected a known function (min, max), found 'foo'");
	PCT_ASSERT_STR_EQ(parse_error("a = 2"),
		"f.decl:7: expression 'a = 2', column 3: expected an operator or end of expression, found '='");
	PCT_ASSERT_STR_EQ(parse_error("mode == 'legacy"),
		"f.decl:7: expression 'mode == 'legacy', column 9: expected a closing quote for the string, found '''");
	PCT_ASSERT_STR_EQ(parse_error("99999999999999999999"),
		"f.decl:7: expression '99999999999999999999', column 1: expected a number at most 9223372036854775807, found '99999999999999999999'");
	PCT_ASSERT_STR_EQ(parse_error("4k"),
		"f.decl:7: expression '4k', column 1: expected a decimal or 0x hexadecimal number, found '4k'");
	PCT_ASSERT_STR_EQ(parse_error("a ? b"),
		"f.decl:7: expression 'a ? b', column 6: expected ':', found end of expression");
	PCT_ASSERT_STR_EQ(parse_error("min(1)"),
		"f.decl:7: expression 'min(1)': min() needs at least two arguments, found 1");
	PCT_ASSERT_STR_EQ(parse_error(""),
		"f.decl:7: expression '', column 1: expected a number, 'string', name or '(', found end of expression");
	/* binary minus needs blanks: "a-(" is the name "a-" called */
	PCT_ASSERT_STR_EQ(parse_error("a-(1)"),
		"f.decl:7: expression 'a-(1)', column 1: expected a known function (min, max), found 'a-'");
}

PCT_TEST("expr", bounded_parse)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char *msg;

	/* 64 nested parentheses parse, 65 do not */
	for (int i = 0; i < 64; i++)
		pc_strbuf_addch(&sb, '(');
	pc_strbuf_addch(&sb, '1');
	for (int i = 0; i < 64; i++)
		pc_strbuf_addch(&sb, ')');
	PCT_ASSERT_INT_EQ(ev(sb.buf, NULL, NULL, 0), 1);
	pc_strbuf_reset(&sb);
	for (int i = 0; i < 65; i++)
		pc_strbuf_addch(&sb, '(');
	pc_strbuf_addch(&sb, '1');
	for (int i = 0; i < 65; i++)
		pc_strbuf_addch(&sb, ')');
	msg = parse_error(sb.buf);
	PCT_ASSERT_CONTAINS(msg, "column 65: expected at most 64 levels of nesting");
	pc_strbuf_reset(&sb);
	for (int i = 0; i < 100; i++)
		pc_strbuf_addch(&sb, '-');
	pc_strbuf_addch(&sb, '1');
	PCT_ASSERT_CONTAINS(parse_error(sb.buf), "at most 64 levels of nesting");
	pc_strbuf_reset(&sb);
	pc_strbuf_addch(&sb, '1');
	while (sb.len < 4097)
		pc_strbuf_addstr(&sb, " + 1");
	PCT_ASSERT_STR_EQ(parse_error(sb.buf),
		"f.decl:7: expression too long (4097 bytes, at most 4096)");
	pc_strbuf_release(&sb);
}

/* Beyond a bound is PC_E_LIMIT; a malformed expression PC_E_INPUT. */
PCT_TEST("expr", error_codes)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;
	struct pc_err err = { 0 };

	for (int i = 0; i < 65; i++)
		pc_strbuf_addch(&sb, '(');
	pc_strbuf_addch(&sb, '1');
	for (int i = 0; i < 65; i++)
		pc_strbuf_addch(&sb, ')');
	CU_ASSERT_PTR_NULL(pc_expr_parse(sb.buf, "f.decl:7", &err));
	PCT_ASSERT_INT_EQ(err.code, PC_E_LIMIT);
	pc_err_clear(&err);
	pc_strbuf_reset(&sb);
	while (sb.len < 4097)
		pc_strbuf_addstr(&sb, "1 + ");
	pc_strbuf_addch(&sb, '1');
	CU_ASSERT_PTR_NULL(pc_expr_parse(sb.buf, "f.decl:7", &err));
	PCT_ASSERT_CONTAINS(err.msg, "expression too long");
	PCT_ASSERT_INT_EQ(err.code, PC_E_LIMIT);
	pc_err_clear(&err);
	CU_ASSERT_PTR_NULL(pc_expr_parse("1 +", "f.decl:7", &err));
	PCT_ASSERT_INT_EQ(err.code, PC_E_INPUT);
	pc_strbuf_release(&sb);
}

PCT_TEST("expr", eval_errors)
{
	struct xenv env = { .n = 0 };
	char msg[2048];

	xenv_int(&env, "smp", 0);
	xenv_int(&env, "big", INT64_MIN);
	ev("9223372036854775807 + 1", NULL, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression '9223372036854775807 + 1': integer overflow in 9223372036854775807 + 1");
	ev("64 / smp", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression '64 / smp': division by zero");
	ev("64 % smp", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression '64 % smp': division by zero");
	ev("big / -1", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression 'big / -1': integer overflow in -9223372036854775808 / -1");
	ev("-big", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression '-big': integer overflow in -(-9223372036854775808)");
	ev("big * 2", &env, msg, sizeof(msg));
	PCT_ASSERT_CONTAINS(msg, "integer overflow");
	ev("1 << 64", NULL, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression '1 << 64': shift by 64 (expected 0..63)");
	ev("1 << 63", NULL, msg, sizeof(msg));
	PCT_ASSERT_CONTAINS(msg, "integer overflow");
	ev("3 << 62", NULL, msg, sizeof(msg));
	PCT_ASSERT_CONTAINS(msg, "integer overflow");
	PCT_ASSERT_INT_EQ(ev("1 << 62", NULL, NULL, 0), (int64_t)1 << 62);
	ev("nosuch + 1", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression 'nosuch + 1': unknown name 'nosuch'");
	/* short-circuit: the division is never evaluated */
	PCT_ASSERT_INT_EQ(ev("smp > 0 && 64 / smp > 1", &env, msg, sizeof(msg)), 0);
	PCT_ASSERT_INT_EQ(ev("smp == 0 || 64 / smp", &env, msg, sizeof(msg)), 1);
	PCT_ASSERT_INT_EQ(ev("smp ? 64 / smp : 7", &env, msg, sizeof(msg)), 7);
}

PCT_TEST("expr", string_compare)
{
	struct xenv env = { .n = 0 };
	struct pc_err err = { 0 };
	struct pc_xval v;
	struct pc_expr *e;
	char msg[2048];

	xenv_str(&env, "mode", "legacy", 1);
	PCT_ASSERT_INT_EQ(ev("mode == 'legacy'", &env, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("mode != 'modern'", &env, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("mode < 'm'", &env, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("'b' >= 'a'", &env, NULL, 0), 1);
	PCT_ASSERT_INT_EQ(ev("(mode == 'legacy' ? 'x' : 'y') == 'x'", &env, NULL, 0), 1);
	ev("mode == 1", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression 'mode == 1': cannot compare string 'legacy' with number 1");
	ev("'a' + 1", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression ''a' + 1': string 'a' used as a number");
	ev("mode", &env, msg, sizeof(msg));
	PCT_ASSERT_STR_EQ(msg, "t:1: expression 'mode': string 'legacy' where a number is expected");

	e = pc_expr_parse("mode", NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(pc_expr_eval_val(e, xenv_lookup, &env, &v, &err), 0);
	CU_ASSERT_TRUE(v.is_str);
	PCT_ASSERT_STR_EQ(v.s, "legacy");
	pc_expr_free(e);
}

/*
 * The parser climbs precedences instead of descending through one level
 * per operator class: every operator, its strength against its
 * neighbours and left associativity, by value and by printed grouping.
 */
PCT_TEST("expr", every_operator_binds_as_declared)
{
	static const struct {
		const char *in;
		int64_t v;
		const char *canon;
	} cases[] = {
		{ "1 - 2 - 3", -4, "1 - 2 - 3" },
		{ "100 / 10 / 5", 2, "100 / 10 / 5" },
		{ "2 * 3 % 4", 2, "2 * 3 % 4" },
		{ "7 % 4 * 3", 9, "7 % 4 * 3" },
		{ "1 + 2 * 3 - 4 / 2", 5, "1 + 2 * 3 - 4 / 2" },
		{ "1 << 2 + 1", 8, "1 << 2 + 1" },
		{ "256>>2>>1", 32, "256 >> 2 >> 1" },
		{ "1<<3 < 9", 1, "1 << 3 < 9" },
		{ "3 <= 3 == 1", 1, "3 <= 3 == 1" },
		{ "2 >= 3 != 1", 1, "2 >= 3 != 1" },
		{ "5 > 4 > 0", 1, "5 > 4 > 0" },
		{ "7 & 3 ^ 1 | 8", 10, "7 & 3 ^ 1 | 8" },
		{ "8 | 1 ^ 3 & 7", 10, "8 | 1 ^ 3 & 7" },
		{ "1 == 1 & 3", 1, "1 == 1 & 3" },
		{ "0 || 1 && 0", 0, "0 || 1 && 0" },
		{ "1 || 0 && 0", 1, "1 || 0 && 0" },
		{ "0 && 1 || 1", 1, "0 && 1 || 1" },
		{ "1 | 2 || 0", 1, "1 | 2 || 0" },
		{ "-2 * -3", 6, "-2 * -3" },
		{ "!0 + ~0", 0, "!0 + ~0" },
		{ "1 - (2 - 3)", 2, "1 - (2 - 3)" },
		{ "(1 | 2) & 2", 2, "(1 | 2) & 2" },
		{ "1 ? 2 : 3 + 4", 2, "1 ? 2 : 3 + 4" },
		{ "0 ? 1 : 0 ? 2 : 3", 3, "0 ? 1 : 0 ? 2 : 3" },
		{ "max(1, 2 * 3, min(4, 5)) - 1", 5, "max(1, 2 * 3, min(4, 5)) - 1" },
		{ "\t1\t+ 2 ", 3, "1 + 2" },
		{ "0x7fffffffffffffff", INT64_MAX, "0x7fffffffffffffff" },
		{ "-9223372036854775807 - 1", INT64_MIN, "-9223372036854775807 - 1" },
		{ "0XAb", 171, "0xab" },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(cases); i++) {
		char msg[256];
		char *s = canon(cases[i].in);

		PCT_ASSERT_INT_EQ(ev(cases[i].in, NULL, msg, sizeof(msg)),
				  cases[i].v);
		PCT_ASSERT_STR_EQ(msg, "");
		PCT_ASSERT_STR_EQ(s, cases[i].canon);
		free(s);
	}
	/* a lone '=' or '!' is no operator; '<>' is '<' then an operand */
	PCT_ASSERT_STR_EQ(parse_error("a ! b"),
		"f.decl:7: expression 'a ! b', column 3: expected an operator or end of expression, found '!'");
	PCT_ASSERT_STR_EQ(parse_error("a <> b"),
		"f.decl:7: expression 'a <> b', column 4: expected a number, 'string', name or '(', found '>'");
	PCT_ASSERT_STR_EQ(parse_error("a &&& b"),
		"f.decl:7: expression 'a &&& b', column 5: expected a number, 'string', name or '(', found '&'");
}

/* Large expressions: the parser's scratch spills to the heap, and the
 * packed expression (one block) still prints, evaluates and copies. */
PCT_TEST("expr", large_expressions_pack_into_one_block)
{
	struct pc_strbuf sb = PC_STRBUF_INIT, want = PC_STRBUF_INIT;
	struct pc_err err = { 0 };
	struct xenv env = { { "pp" }, { { false, 2, NULL } }, 1 };
	struct pc_expr *e, *d;
	int64_t v = 0;
	char *a, *b;

	for (int i = 0; i < 300; i++) {
		pc_strbuf_addf(&sb, "%s(pp*%d)", i ? "+" : "", i);
		pc_strbuf_addf(&want, "%spp * %d", i ? " + " : "", i);
	}
	CU_ASSERT_TRUE(sb.len > 2048 && sb.len <= 4096);
	e = pc_expr_parse(sb.buf, "big.decl:1", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	a = pc_expr_str(e);
	PCT_ASSERT_STR_EQ(a, want.buf);
	CU_ASSERT_EQUAL(pc_expr_eval(e, xenv_lookup, &env, &v, &err), 0);
	PCT_ASSERT_INT_EQ(v, 2 * (299 * 300 / 2));
	d = pc_expr_dup(e);
	pc_expr_free(e);
	b = pc_expr_str(d);
	PCT_ASSERT_STR_EQ(b, a);
	v = 0;
	CU_ASSERT_EQUAL(pc_expr_eval(d, xenv_lookup, &env, &v, &err), 0);
	PCT_ASSERT_INT_EQ(v, 2 * (299 * 300 / 2));
	pc_expr_free(d);
	free(a);
	free(b);
	pc_strbuf_release(&sb);
	pc_strbuf_release(&want);
}

/* A copy keeps where the expression was declared, for its errors. */
PCT_TEST("expr", dup_keeps_the_declaration_site)
{
	struct pc_err e1 = { 0 }, e2 = { 0 }, err = { 0 };
	struct pc_expr *e = pc_expr_parse("1 / (smp - smp)", "w.decl:3", &err);
	struct xenv env = { { "smp" }, { { false, 4, NULL } }, 1 };
	struct pc_expr *d;
	int64_t v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	d = pc_expr_dup(e);
	CU_ASSERT_NOT_EQUAL(pc_expr_eval(e, xenv_lookup, &env, &v, &e1), 0);
	pc_expr_free(e);
	CU_ASSERT_NOT_EQUAL(pc_expr_eval(d, xenv_lookup, &env, &v, &e2), 0);
	PCT_ASSERT_STR_EQ(e2.msg, e1.msg);
	PCT_ASSERT_CONTAINS(e2.msg, "w.decl:3");
	pc_expr_free(d);
	CU_ASSERT_PTR_NULL(pc_expr_dup(NULL));
}

/* struct pc_arena (util.h): alignment, a caller's first buffer, chunks
 * for big objects, release and reuse. */
PCT_TEST("arena", bump_allocation_and_release)
{
	union {
		max_align_t align;
		char bytes[64];
	} first;
	struct pc_arena a;
	char *s, *big;
	void *p;

	pc_arena_init(&a, first.bytes, sizeof(first.bytes));
	s = pc_arena_bytes_dup(&a, "abc", 3);
	PCT_ASSERT_STR_EQ(s, "abc");
	CU_ASSERT_TRUE(s >= first.bytes && s < first.bytes + sizeof(first.bytes));
	p = pc_arena_alloc(&a, 24);
	CU_ASSERT_EQUAL((uintptr_t)p % _Alignof(max_align_t), 0);
	/* no room left in 'first': a heap chunk */
	p = pc_arena_alloc(&a, 40);
	CU_ASSERT_EQUAL((uintptr_t)p % _Alignof(max_align_t), 0);
	CU_ASSERT_TRUE((char *)p < first.bytes || (char *)p >= first.bytes + sizeof(first.bytes));
	memset(p, 0xab, 40);
	/* larger than a chunk: its own */
	big = pc_arena_alloc(&a, 100000);
	memset(big, 1, 100000);
	s = pc_arena_strndup(&a, "hello world", 5);
	PCT_ASSERT_STR_EQ(s, "hello");
	for (int i = 0; i < 2000; i++) {
		char *t = pc_arena_bytes_dup(&a, "xyz", 3);

		CU_ASSERT_EQUAL(t[3], '\0');
	}
	pc_arena_release(&a);
	/* reusable, and back to the caller's buffer first */
	s = pc_arena_bytes_dup(&a, "", 0);
	PCT_ASSERT_STR_EQ(s, "");
	CU_ASSERT_TRUE(s >= first.bytes && s < first.bytes + sizeof(first.bytes));
	pc_arena_release(&a);

	/* no first buffer, a chosen chunk size */
	pc_arena_init(&a, NULL, 0);
	a.chunk = 128;
	for (int i = 0; i < 100; i++) {
		s = pc_arena_bytes_dup(&a, "0123456789", 10);
		PCT_ASSERT_STR_EQ(s, "0123456789");
	}
	pc_arena_release(&a);
	PCT_ASSERT_INT_EQ(a.chunk, 128);
	pc_arena_release(&a);
}

/* 900 bytes at 'a' and then 'b' in one chunk: no more than alignment
 * between them (another chunk's header alone is more) */
static bool beside(const char *a, const char *b)
{
	return b > a && (size_t)(b - a) <= 900 + sizeof(max_align_t);
}

/* An arena with chunk_max: each heap chunk twice the last, up to the
 * bound; release starts again at 'chunk'.  Seen from where objects land:
 * one that would not fit a chunk of the first size is beside the last. */
PCT_TEST("arena", growing_chunks)
{
	struct pc_arena a;
	char *p[8];

	pc_arena_init(&a, NULL, 0);
	a.chunk = 1024;
	a.chunk_max = 4096;
	for (int i = 0; i < 8; i++) {
		p[i] = pc_arena_alloc(&a, 900);
		memset(p[i], i, 900);
	}
	/* 1024: p0 alone; 2048: p1 and p2; 4096: p3 to p6; 4096: p7 */
	CU_ASSERT_FALSE(beside(p[0], p[1]));
	CU_ASSERT_TRUE(beside(p[1], p[2]));
	CU_ASSERT_FALSE(beside(p[2], p[3]));
	CU_ASSERT_TRUE(beside(p[3], p[4]) && beside(p[4], p[5]) &&
		       beside(p[5], p[6]));
	CU_ASSERT_FALSE(beside(p[6], p[7]));
	CU_ASSERT_EQUAL(p[6][899], 6);
	pc_arena_release(&a);
	PCT_ASSERT_INT_EQ(a.chunk, 1024);
	PCT_ASSERT_INT_EQ(a.chunk_max, 4096);
	/* back to 1024 bytes: two do not share the first chunk */
	p[0] = pc_arena_alloc(&a, 900);
	p[1] = pc_arena_alloc(&a, 900);
	CU_ASSERT_FALSE(beside(p[0], p[1]));
	pc_arena_release(&a);
}

/* The inline forms of the layout hash (util.h) are pc_hash64() of the
 * same bytes: recorded fingerprints depend on it. */
PCT_TEST("arena", inline_hashes_equal_pc_hash64)
{
	const uint64_t vals[] = { 0, 1, 0xff, 0x100, 0x8000000000000000ULL,
				  0x0123456789abcdefULL, UINT64_MAX };
	const char *strs[] = { "", "a", "virtio-net-pci", "parent_obj.pci" };
	const uint64_t seeds[] = { 0, 0x9e3779b97f4a7c15ULL, UINT64_MAX };

	for (size_t k = 0; k < PC_ARRAY_SIZE(seeds); k++) {
		for (size_t i = 0; i < PC_ARRAY_SIZE(vals); i++)
			CU_ASSERT_EQUAL(pc_hash64_u64(vals[i], seeds[k]),
					pc_hash64(&vals[i], sizeof(vals[i]),
						  seeds[k]));
		for (size_t i = 0; i < PC_ARRAY_SIZE(strs); i++)
			CU_ASSERT_EQUAL(pc_hash64_str(strs[i], seeds[k]),
					pc_hash64(strs[i], strlen(strs[i]) + 1,
						  seeds[k]));
	}
	/* and they see every byte */
	CU_ASSERT_NOT_EQUAL(pc_hash64_u64(1, 0), pc_hash64_u64(1ULL << 56, 0));
	CU_ASSERT_NOT_EQUAL(pc_hash64_str("ab", 0), pc_hash64_str("a", 0));
}
