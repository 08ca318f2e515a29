/*
 * expr.c - the expression language of presence conditions, array counts,
 * invariant values and derived defaults (grammar and contracts in expr.h).
 *
 * A recursive-descent parser builds a small tree; the canonical printer
 * writes it back with the minimum of parentheses, so that printing is the
 * identity on canonical text and parse(print(e)) has the same tree as 'e'.
 * Parsing is bounded (text length, nesting depth) because expressions come
 * from plugins and baselines, i.e. from untrusted input.  Evaluation walks
 * the tree without allocating: the checker evaluates the same expressions
 * for every machine type and every side of every check.
 *
 * Every expression remembers its canonical text and where it was declared,
 * so that an evaluation error ("division by zero") can name both without
 * the caller having to know which expression failed.
 */
#include "expr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define EXPR_MAX_LEN 4096
#define EXPR_MAX_DEPTH 64

enum xop {
	X_NUM,
	X_STR,
	X_NAME,
	X_NEG,
	X_NOT,
	X_BNOT,
	X_MUL,
	X_DIV,
	X_MOD,
	X_ADD,
	X_SUB,
	X_SHL,
	X_SHR,
	X_LT,
	X_LE,
	X_GT,
	X_GE,
	X_EQ,
	X_NE,
	X_BAND,
	X_BXOR,
	X_BOR,
	X_LAND,
	X_LOR,
	X_COND,
	X_MIN,
	X_MAX,
};

struct xnode {
	enum xop op;
	int64_t num;          /* X_NUM */
	bool hex;             /* X_NUM written in hex: masks stay readable */
	char *str;            /* X_STR, X_NAME */
	struct xnode **kids;  /* operands, in source order */
	size_t n_kids;
};

struct pc_expr {
	struct xnode *root;
	char *text;  /* canonical text, for messages */
	char *where; /* declaration site, for messages (may be NULL) */
};

/* Binding strength of each operator, for parsing and for printing. */
#define PREC_COND 0
#define PREC_UNARY 11
#define PREC_PRIMARY 12

struct binop {
	const char *tok;
	enum xop op;
	int prec;
};

/* Longer tokens first, so that "<=" is not read as "<". */
static const struct binop binops[] = {
	{ "||", X_LOR, 1 },  { "&&", X_LAND, 2 }, { "==", X_EQ, 6 },
	{ "!=", X_NE, 6 },   { "<=", X_LE, 7 },   { ">=", X_GE, 7 },
	{ "<<", X_SHL, 8 },  { ">>", X_SHR, 8 },  { "|", X_BOR, 3 },
	{ "^", X_BXOR, 4 },  { "&", X_BAND, 5 },  { "<", X_LT, 7 },
	{ ">", X_GT, 7 },    { "+", X_ADD, 9 },   { "-", X_SUB, 9 },
	{ "*", X_MUL, 10 },  { "/", X_DIV, 10 },  { "%", X_MOD, 10 },
};

static const struct binop *binop_of(enum xop op)
{
	for (size_t i = 0; i < PC_ARRAY_SIZE(binops); i++)
		if (binops[i].op == op)
			return &binops[i];
	return NULL;
}

static const char *op_token(enum xop op)
{
	const struct binop *b = binop_of(op);

	if (b)
		return b->tok;
	switch (op) {
	case X_NEG:
		return "-";
	case X_NOT:
		return "!";
	case X_BNOT:
		return "~";
	case X_MIN:
		return "min";
	case X_MAX:
		return "max";
	case X_NUM: case X_STR: case X_NAME: case X_MUL: case X_DIV:
	case X_MOD: case X_ADD: case X_SUB: case X_SHL: case X_SHR:
	case X_LT: case X_LE: case X_GT: case X_GE: case X_EQ: case X_NE:
	case X_BAND: case X_BXOR: case X_BOR: case X_LAND: case X_LOR:
	case X_COND:
		break;
	}
	return "?";
}

static int node_prec(const struct xnode *n)
{
	const struct binop *b = binop_of(n->op);

	if (b)
		return b->prec;
	switch (n->op) {
	case X_COND:
		return PREC_COND;
	case X_NEG: case X_NOT: case X_BNOT:
		return PREC_UNARY;
	case X_NUM: case X_STR: case X_NAME: case X_MIN: case X_MAX:
	case X_MUL: case X_DIV: case X_MOD: case X_ADD: case X_SUB:
	case X_SHL: case X_SHR: case X_LT: case X_LE: case X_GT: case X_GE:
	case X_EQ: case X_NE: case X_BAND: case X_BXOR: case X_BOR:
	case X_LAND: case X_LOR:
		break;
	}
	return PREC_PRIMARY;
}

/* ------------------------------------------------------------ nodes */

/*
 * Memory: the parser builds its tree in a scratch arena (struct pc_arena,
 * util.h: one stack buffer, rarely a heap chunk), and pc_expr_parse()
 * then packs the finished tree, its canonical text and its 'where' into
 * one heap block that starts with the struct pc_expr.  A parsed
 * expression is thus one allocation, freed by one free(): a thousand
 * plugins declare some 4,000 expressions, and a malloc per node, name,
 * operand array and string was a tenth of loading them.  Nodes of a
 * packed expression are never freed one by one.
 */
static struct xnode *node_new(struct pc_arena *a, enum xop op, size_t n_kids)
{
	struct xnode *n = pc_arena_alloc(a, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->op = op;
	n->n_kids = n_kids;
	if (n_kids)
		n->kids = pc_arena_alloc(a, n_kids * sizeof(*n->kids));
	return n;
}

static struct xnode *node_bin(struct pc_arena *a, enum xop op,
			      struct xnode *l, struct xnode *r)
{
	struct xnode *n = node_new(a, op, 2);

	n->kids[0] = l;
	n->kids[1] = r;
	return n;
}

/* Bytes of the nodes, operand arrays and strings of a tree, packed. */
static size_t node_size(const struct xnode *n)
{
	size_t size = sizeof(*n) + n->n_kids * sizeof(*n->kids);

	if (n->str)
		size += strlen(n->str) + 1;
	for (size_t i = 0; i < n->n_kids; i++)
		size += node_size(n->kids[i]);
	return size;
}

/*
 * Copy the tree at 'n' into '*nodes' (node slots, preorder), '*ptrs'
 * (operand arrays) and '*chars' (strings), advancing each.
 */
static struct xnode *node_pack(const struct xnode *n, struct xnode **nodes,
			       struct xnode ***ptrs, char **chars)
{
	struct xnode *d = (*nodes)++;

	*d = *n;
	if (n->str) {
		size_t len = strlen(n->str) + 1;

		d->str = memcpy(*chars, n->str, len);
		*chars += len;
	}
	if (n->n_kids) {
		d->kids = *ptrs;
		*ptrs += n->n_kids;
		for (size_t i = 0; i < n->n_kids; i++)
			d->kids[i] = node_pack(n->kids[i], nodes, ptrs, chars);
	} else {
		d->kids = NULL;
	}
	return d;
}

static size_t node_count(const struct xnode *n, size_t *n_ptrs)
{
	size_t c = 1;

	*n_ptrs += n->n_kids;
	for (size_t i = 0; i < n->n_kids; i++)
		c += node_count(n->kids[i], n_ptrs);
	return c;
}

/*
 * One heap block: the struct pc_expr, the nodes, the operand arrays, then
 * the strings (names, text, where).  Pointers are aligned because every
 * piece before the strings is an array of pointer-aligned structs.
 */
static struct pc_expr *expr_pack(const struct xnode *root, const char *text,
				 size_t text_len, const char *where)
{
	size_t n_ptrs = 0, n_nodes = node_count(root, &n_ptrs);
	size_t where_len = where ? strlen(where) + 1 : 0;
	size_t strs = node_size(root) - n_nodes * sizeof(struct xnode) -
		      n_ptrs * sizeof(struct xnode *);
	size_t size = sizeof(struct pc_expr) + n_nodes * sizeof(struct xnode) +
		      n_ptrs * sizeof(struct xnode *) + strs + text_len + 1 +
		      where_len;
	struct pc_expr *e = pc_xmalloc(size);
	struct xnode *nodes = (struct xnode *)(e + 1);
	struct xnode **ptrs = (struct xnode **)(nodes + n_nodes);
	char *chars = (char *)(ptrs + n_ptrs);

	e->root = node_pack(root, &nodes, &ptrs, &chars);
	e->text = memcpy(chars, text, text_len);
	e->text[text_len] = '\0';
	chars += text_len + 1;
	e->where = where ? memcpy(chars, where, where_len) : NULL;
	return e;
}

/* ------------------------------------------------------------ parser */

struct xparser {
	const char *text;
	const char *where;
	size_t pos;   /* next unread byte */
	int depth;
	struct pc_err *err;
	struct pc_arena *arena; /* the tree being built */
};

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-';
}

static void skip_blanks(struct xparser *p)
{
	while (p->text[p->pos] == ' ' || p->text[p->pos] == '\t')
		p->pos++;
}

/* Describe what sits at the current position, for "found ..." */
static void describe_here(struct xparser *p, char *buf, size_t len)
{
	const char *s = p->text + p->pos;
	size_t n = 0;

	if (!*s) {
		snprintf(buf, len, "end of expression");
		return;
	}
	if (is_name_start(*s)) {
		while (is_name_char(s[n]))
			n++;
	} else if (*s >= '0' && *s <= '9') {
		while (is_name_char(s[n]))
			n++;
	} else {
		n = 1;
		if (s[1] && strchr("|&=!<>", s[1]) && strchr("|&=!<>", s[0]))
			n = 2;
	}
	if (n > 40)
		n = 40;
	snprintf(buf, len, "'%.*s'", (int)n, s);
}

/* "expected X, found Y" at the parser's position, under 'code'. */
static int perr_code(struct xparser *p, enum pc_errcode code,
		     const char *expected)
{
	char found[64];

	describe_here(p, found, sizeof(found));
	return pc_err_setc(p->err, code, "%s%sexpression '%s', column %zu: expected %s, found %s",
			   p->where ? p->where : "", p->where ? ": " : "",
			   p->text, p->pos + 1, expected, found);
}

static int perr(struct xparser *p, const char *expected)
{
	return perr_code(p, PC_E_INPUT, expected);
}

/* The one-character token 'c' next (after blanks)?  Then consume it. */
static bool accept(struct xparser *p, char c)
{
	skip_blanks(p);
	if (p->text[p->pos] != c)
		return false;
	p->pos++;
	return true;
}

static struct xnode *parse_expr(struct xparser *p);

static struct xnode *parse_number(struct xparser *p)
{
	const char *s = p->text + p->pos;
	uint64_t v = 0;
	size_t i = 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	struct xnode *n;

	if (hex)
		i = 2;
	for (;; i++) {
		int dv = pc_digit_value(s[i], hex);
		unsigned d;

		if (dv < 0)
			break;
		d = (unsigned)dv;
		if (v > ((uint64_t)INT64_MAX - d) / (hex ? 16 : 10)) {
			perr(p, "a number at most 9223372036854775807");
			return NULL;
		}
		v = v * (hex ? 16 : 10) + d;
	}
	/* "2-1" is a subtraction, but "4k" or "1.5" is no number */
	if ((hex && i == 2) || (is_name_char(s[i]) && s[i] != '-')) {
		perr(p, "a decimal or 0x hexadecimal number");
		return NULL;
	}
	p->pos += i;
	n = node_new(p->arena, X_NUM, 0);
	n->num = (int64_t)v;
	n->hex = hex;
	return n;
}

static struct xnode *parse_call(struct xparser *p, enum xop op)
{
	struct xnode *stack[8], **args = stack;
	size_t nr = 0, alloc = PC_ARRAY_SIZE(stack);
	struct xnode *n = NULL;

	do {
		struct xnode *a = parse_expr(p);

		if (!a)
			goto out;
		if (nr == alloc) {
			struct xnode **bigger =
				pc_arena_alloc(p->arena, 2 * alloc * sizeof(*args));

			memcpy(bigger, args, nr * sizeof(*args));
			args = bigger;
			alloc *= 2;
		}
		args[nr++] = a;
	} while (accept(p, ','));
	if (!accept(p, ')')) {
		perr(p, "',' or ')'");
		goto out;
	}
	if (nr < 2) {
		pc_err_set(p->err, "%s%sexpression '%s': %s() needs at least two arguments, found %zu",
			   p->where ? p->where : "", p->where ? ": " : "",
			   p->text, op_token(op), nr);
		goto out;
	}
	n = node_new(p->arena, op, nr);
	memcpy(n->kids, args, nr * sizeof(*args));
out:
	return n;
}

static struct xnode *parse_primary(struct xparser *p)
{
	const char *s;
	struct xnode *n;

	skip_blanks(p);
	s = p->text + p->pos;
	if (*s >= '0' && *s <= '9')
		return parse_number(p);
	if (*s == '\'') {
		const char *q = strchr(s + 1, '\'');

		if (!q) {
			perr(p, "a closing quote for the string");
			return NULL;
		}
		n = node_new(p->arena, X_STR, 0);
		n->str = pc_arena_strndup(p->arena, s + 1, (size_t)(q - s - 1));
		p->pos += (size_t)(q - s) + 1;
		return n;
	}
	if (is_name_start(*s)) {
		size_t len = 0, start = p->pos;

		while (is_name_char(s[len]))
			len++;
		p->pos += len;
		if (accept(p, '(')) {
			if (len == 3 && !strncmp(s, "min", 3))
				return parse_call(p, X_MIN);
			if (len == 3 && !strncmp(s, "max", 3))
				return parse_call(p, X_MAX);
			p->pos = start;
			perr(p, "a known function (min, max)");
			return NULL;
		}
		n = node_new(p->arena, X_NAME, 0);
		n->str = pc_arena_strndup(p->arena, s, len);
		return n;
	}
	if (*s == '(') {
		if (p->depth > EXPR_MAX_DEPTH) {
			perr_code(p, PC_E_LIMIT, "at most 64 levels of nesting");
			return NULL;
		}
		p->pos++;
		n = parse_expr(p);
		if (!n)
			return NULL;
		if (!accept(p, ')')) {
			perr(p, "')'");
			return NULL;
		}
		return n;
	}
	perr(p, "a number, 'string', name or '('");
	return NULL;
}

static struct xnode *parse_unary(struct xparser *p)
{
	enum xop op;
	struct xnode *a, *n;

	skip_blanks(p);
	switch (p->text[p->pos]) {
	case '-':
		op = X_NEG;
		break;
	case '!':
		op = X_NOT;
		break;
	case '~':
		op = X_BNOT;
		break;
	default:
		return parse_primary(p);
	}
	if (p->depth > EXPR_MAX_DEPTH) {
		perr_code(p, PC_E_LIMIT, "at most 64 levels of nesting");
		return NULL;
	}
	p->pos++;
	p->depth++;
	a = parse_unary(p);
	p->depth--;
	if (!a)
		return NULL;
	n = node_new(p->arena, op, 1);
	n->kids[0] = a;
	return n;
}

/* binops[] entries by token, for peek_binop() */
enum {
	B_LOR, B_LAND, B_EQ, B_NE, B_LE, B_GE, B_SHL, B_SHR, B_BOR, B_BXOR,
	B_BAND, B_LT, B_GT, B_ADD, B_SUB, B_MUL, B_DIV, B_MOD, B_N
};
_Static_assert(PC_ARRAY_SIZE(binops) == B_N, "binops[] and B_*");

/*
 * The binary operator at the current position, if any: the longest token
 * of binops[] that the text starts with (so "<=" is not "<", and "||" is
 * not "|").  A lone '=' or '!' is no operator: "a = b" falls through to
 * the caller's error.
 */
static const struct binop *peek_binop(struct xparser *p)
{
	const char *s;
	int i;

	skip_blanks(p);
	s = p->text + p->pos;
	switch (s[0]) {
	case '|':
		i = s[1] == '|' ? B_LOR : B_BOR;
		break;
	case '&':
		i = s[1] == '&' ? B_LAND : B_BAND;
		break;
	case '=':
		if (s[1] != '=')
			return NULL;
		i = B_EQ;
		break;
	case '!':
		if (s[1] != '=')
			return NULL;
		i = B_NE;
		break;
	case '<':
		i = s[1] == '=' ? B_LE : s[1] == '<' ? B_SHL : B_LT;
		break;
	case '>':
		i = s[1] == '=' ? B_GE : s[1] == '>' ? B_SHR : B_GT;
		break;
	case '^':
		i = B_BXOR;
		break;
	case '+':
		i = B_ADD;
		break;
	case '-':
		i = B_SUB;
		break;
	case '*':
		i = B_MUL;
		break;
	case '/':
		i = B_DIV;
		break;
	case '%':
		i = B_MOD;
		break;
	default:
		return NULL;
	}
	return &binops[i];
}

/*
 * Operators binding at least as strongly as 'min_prec', left-associative
 * (precedence climbing: the same trees as one function per level of the
 * grammar in expr.h, without descending through every level for every
 * operand).
 */
static struct xnode *parse_binary(struct xparser *p, int min_prec)
{
	struct xnode *left = parse_unary(p);
	const struct binop *b;

	while (left && (b = peek_binop(p)) && b->prec >= min_prec) {
		struct xnode *right;

		p->pos += b->tok[1] ? 2 : 1;
		right = parse_binary(p, b->prec + 1);
		if (!right)
			return NULL;
		left = node_bin(p->arena, b->op, left, right);
	}
	return left;
}

static struct xnode *parse_expr(struct xparser *p)
{
	struct xnode *c, *a, *b, *n;

	/* the outermost expression is level 0: 64 nested levels fit */
	if (p->depth > EXPR_MAX_DEPTH) {
		perr_code(p, PC_E_LIMIT, "at most 64 levels of nesting");
		return NULL;
	}
	p->depth++;
	c = parse_binary(p, 1);
	if (!c || !accept(p, '?')) {
		p->depth--;
		return c;
	}
	a = parse_expr(p);
	if (!a) {
		p->depth--;
		return NULL;
	}
	if (!accept(p, ':')) {
		perr(p, "':'");
		p->depth--;
		return NULL;
	}
	b = parse_expr(p);
	p->depth--;
	if (!b)
		return NULL;
	n = node_new(p->arena, X_COND, 3);
	n->kids[0] = c;
	n->kids[1] = a;
	n->kids[2] = b;
	return n;
}

/* ------------------------------------------------------------ printer */

/* The canonical text being printed: a stack buffer, growing on the heap. */
struct pbuf {
	char *buf;
	size_t len, cap;
	bool heap;
};

static void pb_add(struct pbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = 2 * b->cap;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		nb = pc_xmalloc(cap);
		memcpy(nb, b->buf, b->len);
		if (b->heap)
			free(b->buf);
		b->buf = nb;
		b->cap = cap;
		b->heap = true;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static void pb_str(struct pbuf *b, const char *s)
{
	pb_add(b, s, strlen(s));
}

static void pb_ch(struct pbuf *b, char c)
{
	pb_add(b, &c, 1);
}

/* "%" PRId64, or "0x%" PRIx64 of the bits */
static void pb_num(struct pbuf *b, int64_t v, bool hex)
{
	char d[24];
	size_t i = sizeof(d);
	uint64_t u;

	if (hex) {
		u = (uint64_t)v;
		do {
			d[--i] = "0123456789abcdef"[u & 15];
			u >>= 4;
		} while (u);
		pb_add(b, "0x", 2);
	} else {
		u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		do {
			d[--i] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (v < 0)
			d[--i] = '-';
	}
	pb_add(b, d + i, sizeof(d) - i);
}

static void print_node(struct pbuf *sb, const struct xnode *n);

static void print_sub(struct pbuf *sb, const struct xnode *n, bool paren)
{
	if (paren)
		pb_ch(sb, '(');
	print_node(sb, n);
	if (paren)
		pb_ch(sb, ')');
}

static void print_node(struct pbuf *sb, const struct xnode *n)
{
	int prec = node_prec(n);

	switch (n->op) {
	case X_NUM:
		pb_num(sb, n->num, n->hex);
		return;
	case X_STR:
		pb_ch(sb, '\'');
		pb_str(sb, n->str);
		pb_ch(sb, '\'');
		return;
	case X_NAME:
		pb_str(sb, n->str);
		return;
	case X_NEG:
	case X_NOT:
	case X_BNOT:
		pb_str(sb, op_token(n->op));
		print_sub(sb, n->kids[0], node_prec(n->kids[0]) < PREC_UNARY);
		return;
	case X_COND:
		print_sub(sb, n->kids[0], node_prec(n->kids[0]) <= PREC_COND);
		pb_str(sb, " ? ");
		print_node(sb, n->kids[1]);
		pb_str(sb, " : ");
		print_node(sb, n->kids[2]);
		return;
	case X_MIN:
	case X_MAX:
		pb_str(sb, op_token(n->op));
		pb_ch(sb, '(');
		for (size_t i = 0; i < n->n_kids; i++) {
			if (i)
				pb_str(sb, ", ");
			print_node(sb, n->kids[i]);
		}
		pb_ch(sb, ')');
		return;
	case X_MUL: case X_DIV: case X_MOD: case X_ADD: case X_SUB:
	case X_SHL: case X_SHR: case X_LT: case X_LE: case X_GT: case X_GE:
	case X_EQ: case X_NE: case X_BAND: case X_BXOR: case X_BOR:
	case X_LAND: case X_LOR:
		/* left-associative: an equal-strength right operand needs
		 * parentheses to keep its grouping */
		print_sub(sb, n->kids[0], node_prec(n->kids[0]) < prec);
		pb_ch(sb, ' ');
		pb_str(sb, op_token(n->op));
		pb_ch(sb, ' ');
		print_sub(sb, n->kids[1], node_prec(n->kids[1]) <= prec);
		return;
	}
}

/* ------------------------------------------------------------ API */

struct pc_expr *pc_expr_parse(const char *text, const char *where,
			      struct pc_err *err)
{
	union {
		max_align_t align;
		char bytes[2048];
	} scratch;
	char tbuf[256];
	struct pc_arena arena;
	struct xparser p = { text, where && *where ? where : NULL, 0, 0, err,
			     &arena };
	struct pbuf pb = { tbuf, 0, sizeof(tbuf), false };
	struct xnode *root;
	struct pc_expr *e = NULL;
	size_t len = strlen(text);

	if (len > EXPR_MAX_LEN) {
		pc_err_setc(err, PC_E_LIMIT,
			    "%s%sexpression too long (%zu bytes, at most %d)",
			    p.where ? p.where : "", p.where ? ": " : "", len,
			    EXPR_MAX_LEN);
		return NULL;
	}
	pc_arena_init(&arena, scratch.bytes, sizeof(scratch.bytes));
	root = parse_expr(&p);
	if (!root)
		goto out;
	skip_blanks(&p);
	if (text[p.pos]) {
		perr(&p, "an operator or end of expression");
		goto out;
	}
	print_node(&pb, root);
	e = expr_pack(root, pb.buf, pb.len, p.where);
out:
	if (pb.heap)
		free(pb.buf);
	pc_arena_release(&arena);
	return e;
}

void pc_expr_free(struct pc_expr *e)
{
	/* one block: see "nodes" above */
	free(e);
}

struct pc_expr *pc_expr_dup(const struct pc_expr *e)
{
	if (!e)
		return NULL;
	return expr_pack(e->root, e->text, strlen(e->text), e->where);
}

char *pc_expr_str(const struct pc_expr *e)
{
	return pc_xstrdup(e->text);
}

static bool builtin_value(const char *name, int64_t *out)
{
	static const struct {
		const char *name;
		int64_t v;
	} builtins[] = {
		{ "on", 1 },  { "true", 1 },  { "yes", 1 }, { "off", 0 },
		{ "false", 0 }, { "no", 0 }, { "auto", 2 },
	};

	for (size_t i = 0; i < PC_ARRAY_SIZE(builtins); i++) {
		if (!strcmp(name, builtins[i].name)) {
			*out = builtins[i].v;
			return true;
		}
	}
	return false;
}

static void names_walk(const struct xnode *root, const struct xnode *n,
		       void (*fn)(void *ctx, const char *name), void *ctx);

/* Is there a name node equal to 'name' before 'stop' in source order? */
static bool name_seen(const struct xnode *n, const struct xnode *stop,
		      const char *name, bool *hit_stop)
{
	if (n == stop) {
		*hit_stop = true;
		return false;
	}
	if (n->op == X_NAME && !strcmp(n->str, name))
		return true;
	for (size_t i = 0; i < n->n_kids && !*hit_stop; i++)
		if (name_seen(n->kids[i], stop, name, hit_stop))
			return true;
	return false;
}

static void names_walk(const struct xnode *root, const struct xnode *n,
		       void (*fn)(void *ctx, const char *name), void *ctx)
{
	int64_t dummy;

	if (n->op == X_NAME && !builtin_value(n->str, &dummy)) {
		bool hit = false;

		if (!name_seen(root, n, n->str, &hit))
			fn(ctx, n->str);
	}
	for (size_t i = 0; i < n->n_kids; i++)
		names_walk(root, n->kids[i], fn, ctx);
}

void pc_expr_names(const struct pc_expr *e,
		   void (*fn)(void *ctx, const char *name), void *ctx)
{
	names_walk(e->root, e->root, fn, ctx);
}

static bool node_has_names(const struct xnode *n)
{
	if (n->op == X_NAME)
		return true;
	for (size_t i = 0; i < n->n_kids; i++)
		if (node_has_names(n->kids[i]))
			return true;
	return false;
}

/*
 * No name at all, built-ins included: the lookup gets the first word on
 * every name, so only a name-free expression is known to be constant.
 */
bool pc_expr_is_const(const struct pc_expr *e)
{
	return !node_has_names(e->root);
}

/* ------------------------------------------------------------ evaluator */

struct xeval {
	const struct pc_expr *e;
	pc_expr_lookup_fn lookup;
	void *ctx;
	struct pc_err *err;
};

/* "WHERE: expression 'TEXT': MSG" under 'code'. */
static int eval_err_at(struct xeval *x, enum pc_errcode code, const char *msg)
{
	return pc_err_setc(x->err, code, "%s%sexpression '%s': %s",
			   x->e->where ? x->e->where : "",
			   x->e->where ? ": " : "", x->e->text, msg);
}

/* An evaluation error of the expression (overflow, unknown name, ...). */
PC_PRINTF(2, 3)
static int eval_err(struct xeval *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return eval_err_at(x, PC_E_INPUT, msg);
}

/* Operator 'op' where the parser cannot have put it: a bug in plugcheck. */
static int eval_bug(struct xeval *x, enum xop op)
{
	char msg[80];

	snprintf(msg, sizeof(msg), "internal error: operator '%s'",
		 op_token(op));
	return eval_err_at(x, PC_E_INTERNAL, msg);
}

static int eval_node(struct xeval *x, const struct xnode *n,
		     struct pc_xval *out);

static int eval_int(struct xeval *x, const struct xnode *n, int64_t *out)
{
	struct pc_xval v;

	if (eval_node(x, n, &v))
		return -1;
	if (v.is_str)
		return eval_err(x, "string '%s' used as a number", v.s);
	*out = v.i;
	return 0;
}

static int eval_compare(struct xeval *x, const struct xnode *n, int *cmp)
{
	struct pc_xval a, b;

	if (eval_node(x, n->kids[0], &a) || eval_node(x, n->kids[1], &b))
		return -1;
	if (a.is_str != b.is_str) {
		const struct pc_xval *s = a.is_str ? &a : &b;
		const struct pc_xval *i = a.is_str ? &b : &a;

		return eval_err(x, "cannot compare string '%s' with number %" PRId64,
				s->s, i->i);
	}
	if (a.is_str) {
		int r = strcmp(a.s, b.s);

		*cmp = r < 0 ? -1 : r > 0;
	} else {
		*cmp = a.i < b.i ? -1 : a.i > b.i;
	}
	return 0;
}

static int eval_arith(struct xeval *x, const struct xnode *n, int64_t *out)
{
	int64_t a = 0, b = 0;
	bool ovf = false;

	if (eval_int(x, n->kids[0], &a) || eval_int(x, n->kids[1], &b))
		return -1;
	switch (n->op) {
	case X_ADD:
		ovf = __builtin_add_overflow(a, b, out);
		break;
	case X_SUB:
		ovf = __builtin_sub_overflow(a, b, out);
		break;
	case X_MUL:
		ovf = __builtin_mul_overflow(a, b, out);
		break;
	case X_DIV:
	case X_MOD:
		if (b == 0)
			return eval_err(x, "division by zero");
		if (a == INT64_MIN && b == -1) {
			ovf = true;
			break;
		}
		*out = n->op == X_DIV ? a / b : a % b;
		break;
	case X_SHL:
	case X_SHR:
		if (b < 0 || b > 63)
			return eval_err(x, "shift by %" PRId64 " (expected 0..63)", b);
		if (n->op == X_SHR) {
			*out = a >> b;
		} else if (b == 63) {
			/* 2^63 is not an int64_t: only 0 and -1 survive */
			if (a == 0 || a == -1)
				*out = a ? INT64_MIN : 0;
			else
				ovf = true;
		} else {
			/* a << b as a checked multiplication, so that bits
			 * shifted out (or into the sign) are an overflow */
			ovf = __builtin_mul_overflow(a, (int64_t)1 << b, out);
		}
		break;
	case X_BAND:
		*out = a & b;
		break;
	case X_BOR:
		*out = a | b;
		break;
	case X_BXOR:
		*out = a ^ b;
		break;
	case X_NUM: case X_STR: case X_NAME: case X_NEG: case X_NOT:
	case X_BNOT: case X_LT: case X_LE: case X_GT: case X_GE: case X_EQ:
	case X_NE: case X_LAND: case X_LOR: case X_COND: case X_MIN:
	case X_MAX:
		return eval_bug(x, n->op);
	}
	if (ovf)
		return eval_err(x, "integer overflow in %" PRId64 " %s %" PRId64,
				a, op_token(n->op), b);
	return 0;
}

/* A name: the caller's lookup first, then the built-in names. */
static int eval_name(struct xeval *x, const struct xnode *n,
		     struct pc_xval *out)
{
	if (x->lookup && x->lookup(x->ctx, n->str, out) == 0)
		return 0;
	out->is_str = false;
	out->s = NULL;
	if (builtin_value(n->str, &out->i))
		return 0;
	return eval_err(x, "unknown name '%s'", n->str);
}

/* -a, !a, ~a */
static int eval_unary(struct xeval *x, const struct xnode *n, int64_t *out)
{
	int64_t a = 0;

	if (eval_int(x, n->kids[0], &a))
		return -1;
	switch (n->op) {
	case X_NEG:
		if (a == INT64_MIN)
			return eval_err(x, "integer overflow in -(%" PRId64 ")", a);
		*out = -a;
		return 0;
	case X_NOT:
		*out = !a;
		return 0;
	case X_BNOT:
		*out = ~a;
		return 0;
	case X_NUM: case X_STR: case X_NAME: case X_MUL: case X_DIV:
	case X_MOD: case X_ADD: case X_SUB: case X_SHL: case X_SHR:
	case X_BAND: case X_BXOR: case X_BOR: case X_LT: case X_LE:
	case X_GT: case X_GE: case X_EQ: case X_NE: case X_LAND: case X_LOR:
	case X_COND: case X_MIN: case X_MAX:
		break;
	}
	return eval_bug(x, n->op);
}

/* a < b ... a != b: integers, or strings compared as strings. */
static int eval_relation(struct xeval *x, const struct xnode *n, int64_t *out)
{
	int cmp = 0;

	if (eval_compare(x, n, &cmp))
		return -1;
	*out = n->op == X_LT ? cmp < 0 :
	       n->op == X_LE ? cmp <= 0 :
	       n->op == X_GT ? cmp > 0 :
	       n->op == X_GE ? cmp >= 0 :
	       n->op == X_EQ ? cmp == 0 : cmp != 0;
	return 0;
}

/* && and ||, short-circuit as in C: "smp > 0 && 64 / smp > 1" */
static int eval_logic(struct xeval *x, const struct xnode *n, int64_t *out)
{
	int64_t a = 0, b = 0;

	if (eval_int(x, n->kids[0], &a))
		return -1;
	if ((n->op == X_LAND && !a) || (n->op == X_LOR && a)) {
		*out = n->op == X_LOR;
		return 0;
	}
	if (eval_int(x, n->kids[1], &b))
		return -1;
	*out = b != 0;
	return 0;
}

/* min(a, b, ...) and max(a, b, ...) */
static int eval_minmax(struct xeval *x, const struct xnode *n, int64_t *out)
{
	int64_t a = 0;

	for (size_t i = 0; i < n->n_kids; i++) {
		if (eval_int(x, n->kids[i], &a))
			return -1;
		if (!i || (n->op == X_MIN ? a < *out : a > *out))
			*out = a;
	}
	return 0;
}

static int eval_node(struct xeval *x, const struct xnode *n,
		     struct pc_xval *out)
{
	int64_t a = 0;

	out->is_str = false;
	out->s = NULL;
	out->i = 0;
	switch (n->op) {
	case X_NUM:
		out->i = n->num;
		return 0;
	case X_STR:
		out->is_str = true;
		out->s = n->str;
		return 0;
	case X_NAME:
		return eval_name(x, n, out);
	case X_NEG: case X_NOT: case X_BNOT:
		return eval_unary(x, n, &out->i);
	case X_MUL: case X_DIV: case X_MOD: case X_ADD: case X_SUB:
	case X_SHL: case X_SHR: case X_BAND: case X_BXOR: case X_BOR:
		return eval_arith(x, n, &out->i);
	case X_LT: case X_LE: case X_GT: case X_GE: case X_EQ: case X_NE:
		return eval_relation(x, n, &out->i);
	case X_LAND: case X_LOR:
		return eval_logic(x, n, &out->i);
	case X_COND:
		if (eval_int(x, n->kids[0], &a))
			return -1;
		return eval_node(x, n->kids[a ? 1 : 2], out);
	case X_MIN: case X_MAX:
		return eval_minmax(x, n, &out->i);
	}
	return eval_err_at(x, PC_E_INTERNAL, "internal error: bad node");
}

int pc_expr_eval_val(const struct pc_expr *e, pc_expr_lookup_fn lookup,
		     void *ctx, struct pc_xval *out, struct pc_err *err)
{
	struct xeval x = { e, lookup, ctx, err };

	return eval_node(&x, e->root, out);
}

int pc_expr_eval(const struct pc_expr *e, pc_expr_lookup_fn lookup, void *ctx,
		 int64_t *out, struct pc_err *err)
{
	struct xeval x = { e, lookup, ctx, err };
	struct pc_xval v;

	if (eval_node(&x, e->root, &v))
		return -1;
	if (v.is_str)
		return eval_err(&x, "string '%s' where a number is expected",
				v.s);
	*out = v.i;
	return 0;
}
