/*
 * decl-pool.h - the memory of the declared model (see decl.h, "Memory of
 * the model"): every struct pc_type and struct pc_vmsd that decl.c
 * creates is boxed with a reference to the string pool of the text that
 * declared it.  The boxes and pools are private to decl.c and decl-pool.c;
 * registry.c frees boxes with pc_decl_type_free_box() and
 * pc_decl_vmsd_free_box() below.
 */
#ifndef PC_DECL_POOL_H
#define PC_DECL_POOL_H

#include <stddef.h>

#include "model.h"
#include "util.h"

/*
 * The strings of one text's types and descriptions (decl.h): one arena,
 * referenced by the parse and by each type and description, freed with
 * the last.  Types and descriptions are boxed with their pool.
 */
struct decl_pool {
	struct pc_arena arena;
	size_t refs;
};

struct type_box {
	struct pc_type t; /* first: a struct pc_type * is the box */
	struct decl_pool *pool;
};

struct vmsd_box {
	struct pc_vmsd v; /* first: a struct pc_vmsd * is the box */
	struct decl_pool *pool;
};

/* Drop a reference to 'pool' (NULL: nothing); the last frees it. */
void pc_decl_pool_unref(struct decl_pool *pool);

/*
 * Memory of the model (for registry.c, decl.h): every struct pc_type and struct
 * pc_vmsd is created by decl.c, boxed with a reference to the string pool
 * of the text that declared it.  All of their strings (names, docs,
 * values, the declared interface and enum value names) live in that pool,
 * one arena per text, freed with the last type or description that
 * refers to it; their arrays and expressions are separate allocations,
 * freed by registry.c one by one.  Nothing may free or replace a model
 * string by itself.  These free the box and drop its pool reference,
 * after registry.c has freed the rest.  A pool's count is not atomic: the
 * types and descriptions of one text are freed by one thread at a time.
 */
void pc_decl_type_free_box(struct pc_type *t);
void pc_decl_vmsd_free_box(struct pc_vmsd *v);

#endif /* PC_DECL_POOL_H */
