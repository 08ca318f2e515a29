/*
 * decl-pool.h - the memory of the declared model (see decl.h, "Memory of
 * the model"): every struct pc_type and struct pc_vmsd that decl.c
 * creates is boxed with a reference to the string pool of the text that
 * declared it.  Private to decl.c and decl-pool.c; registry.c frees boxes
 * with pc_decl_type_free_box()/pc_decl_vmsd_free_box() (decl.h).
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

#endif /* PC_DECL_POOL_H */
