/*
 * expr.h - presence/count/value expressions over property values.
 *
 * Every condition of a state layout (a field present, a subsection sent, an
 * array length, an invariant's value or read-only mask, a derived default)
 * is an expression, so the checker can evaluate it per machine type and per
 * machine configuration.  Grammar (C precedence, all integer arithmetic in
 * int64_t, wrap-free: overflow is an evaluation error):
 *
 *   expr    := cond
 *   cond    := or ['?' expr ':' expr]
 *   or      := and {'||' and}         and := bor {'&&' bor}
 *   bor     := bxor {'|' bxor}        bxor := band {'^' band}
 *   band    := eq {'&' eq}            eq := rel {('=='|'!=') rel}
 *   rel     := shift {('<'|'<='|'>'|'>=') shift}
 *   shift   := add {('<<'|'>>') add}  add := mul {('+'|'-') mul}
 *   mul     := unary {('*'|'/'|'%') unary}
 *   unary   := ('!'|'~'|'-') unary | primary
 *   primary := NUMBER | 'STRING' | NAME | NAME '(' expr {',' expr} ')'
 *            | '(' expr ')'
 *
 * NAME is [A-Za-z_][A-Za-z0-9_.-]* : property names such as "num-queues"
 * contain '-', so binary minus must be surrounded by spaces ("a - 1").
 * Built-in names: on/true/yes = 1, off/false/no = 0, auto = 2 (QEMU's
 * OnOffAuto order is auto, on, off; here we keep on/off usable as booleans).
 * Functions: min(a,b), max(a,b).  Machine configuration names: smp, max_cpus.
 *
 * Ownership: a parsed expression is owned by the caller and freed with
 * pc_expr_free().  Evaluation never allocates.
 */
#ifndef PC_EXPR_H
#define PC_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct pc_expr;

/* A value seen by expressions: an integer, or a string (enum/string props). */
struct pc_xval {
	bool is_str;
	int64_t i;     /* integers; for enums the index of the value */
	const char *s; /* strings and enums (borrowed) */
};

/*
 * Name lookup: return 0 and fill *out, or -1 when 'name' is unknown.  The
 * evaluator tries built-in names only after the lookup fails.
 */
typedef int (*pc_expr_lookup_fn)(void *ctx, const char *name,
				 struct pc_xval *out);

/* Parse 'text'.  'where' prefixes error messages ("file:line"). */
struct pc_expr *pc_expr_parse(const char *text, const char *where,
			      struct pc_err *err);
void pc_expr_free(struct pc_expr *e);
struct pc_expr *pc_expr_dup(const struct pc_expr *e);

/* Evaluate to an integer.  Unknown names and bad arithmetic are errors. */
int pc_expr_eval(const struct pc_expr *e, pc_expr_lookup_fn lookup, void *ctx,
		 int64_t *out, struct pc_err *err);
int pc_expr_eval_val(const struct pc_expr *e, pc_expr_lookup_fn lookup,
		     void *ctx, struct pc_xval *out, struct pc_err *err);

/* The canonical text of an expression (parseable again); caller frees. */
char *pc_expr_str(const struct pc_expr *e);

/* Call 'fn' once for every NAME the expression refers to (excluding the
 * built-ins), in order of first appearance. */
void pc_expr_names(const struct pc_expr *e,
		   void (*fn)(void *ctx, const char *name), void *ctx);

/* True when the expression is a literal with no names. */
bool pc_expr_is_const(const struct pc_expr *e);

#endif /* PC_EXPR_H */
