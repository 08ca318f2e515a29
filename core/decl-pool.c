/*
 * decl-pool.c - the memory of the declared model (decl-pool.h): a type's
 * or description's box and the string pool it refers to.  decl.c
 * allocates them; registry.c frees the model's own arrays and then the
 * box here, without calling back into the parser.
 */
#include "decl-pool.h"

#include <assert.h>
#include <stdlib.h>


#include "banned.h"

void pc_decl_pool_unref(struct decl_pool *pool)
{
	/* a live reference: the pool goes with the last one, never before */
	assert(!pool || pool->refs > 0);
	if (pool && !--pool->refs) {
		pc_arena_release(&pool->arena);
		free(pool);
	}
}

void pc_decl_type_free_box(struct pc_type *t)
{
	struct type_box *b = (struct type_box *)t;

	pc_decl_pool_unref(b->pool);
	free(b);
}

void pc_decl_vmsd_free_box(struct pc_vmsd *v)
{
	struct vmsd_box *b = (struct vmsd_box *)v;

	pc_decl_pool_unref(b->pool);
	free(b);
}
