/*
 * rules-ram.c - the RAM block rule family of the check (check-rules.h):
 * every RAM block of the source's objects (option ROMs, a machine's
 * firmware and ACPI blobs: the declaration's 'ramblock') against the
 * destination's object of the same id, decided as QEMU's loader does
 * (migration/ram.c parse_ramblocks() and parse_ramblock(),
 * system/physmem.c qemu_ram_resize()):
 *
 *  PC108  the destination has no block of that name: "Unknown ramblock
 *         "ID", cannot accept migration";
 *  PC106  a fixed-size block whose page-aligned length differs: "Size
 *         mismatch: ID: 0x... != 0x..." (before QEMU 2.x's resizeable
 *         blocks, ram_load's "Length mismatch");
 *  PC107  a resizeable block the source's length would grow beyond the
 *         destination's max_length: "Size too large".
 *
 * A resizeable destination block takes any length up to its max (QEMU
 * resizes it on load), and a block only the destination has is not an
 * error (the source sends nothing for it; the destination keeps its own
 * contents).  An object only one side has is the section rules' case.
 */
#include "check-rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* x86's target page: QEMU aligns both lengths before it compares them */
#define RAM_PAGE 4096u

static uint64_t page_align(uint64_t n)
{
	return (n + RAM_PAGE - 1) / RAM_PAGE * RAM_PAGE;
}

static const struct pc_rram *find_ram(const struct pc_object *o,
				      const char *name)
{
	for (size_t i = 0; o && i < o->n_rams; i++)
		if (!strcmp(o->rams[i].decl->name, name))
			return &o->rams[i];
	return NULL;
}

static char *ram_value(const struct pc_rram *r)
{
	if (r->resizeable)
		return pc_xasprintf("0x%llx bytes (resizeable, max 0x%llx)",
				    (unsigned long long)r->used,
				    (unsigned long long)r->max);
	return pc_xasprintf("0x%llx bytes", (unsigned long long)r->used);
}

/* A block the destination's object lacks (PC108). */
static void ram_unknown(struct dir_ctx *x, const struct pc_object *so,
			const struct pc_object *dobj, const struct pc_rram *sr)
{
	char *sv = ram_value(sr);
	char *why = pc_xasprintf("the destination's %s has no RAM block %s: QEMU refuses the stream (\"Unknown ramblock \"%s/%s\", cannot accept migration\"); source: %s",
				 dobj->id, sr->decl->name, so->id,
				 sr->decl->name, sr->why);

	dir_add(x, &(struct pc_hit){
		.rule = PC_R_RAM_UNKNOWN,
		.severity = PC_SEV_INCOMPATIBLE,
		.src_obj = so,
		.dst_obj = dobj,
		.device = so->id,
		.path = sr->decl->name,
		.src_value = sv,
		.dst_value = "(no such block)",
		.why = why,
		.deps = sr->deps,
		.fix = "give the block an if= over a property (QEMU: rombar, romfile) that a compat entry turns off for the older machine types" });
	free(sv);
	free(why);
}

/* Both sides' deciding properties, ' '-joined (NULL when none). */
static char *ram_deps(const struct pc_rram *a, const struct pc_rram *b)
{
	if (!a->deps && !b->deps)
		return NULL;
	return pc_xasprintf("%s%s%s", a->deps ? a->deps : "",
			    a->deps && b->deps ? " " : "",
			    b->deps ? b->deps : "");
}

/* A length the destination's block cannot take (PC106, PC107). */
static void ram_size(struct dir_ctx *x, const struct pc_object *so,
		     const struct pc_object *dobj, const struct pc_rram *sr,
		     const struct pc_rram *dr)
{
	bool grow = dr->resizeable;
	char *sv = ram_value(sr), *dv = ram_value(dr);
	char *deps = ram_deps(sr, dr);
	char *why = grow
		? pc_xasprintf("the destination resizes its block to the incoming length only up to its max_length and refuses the stream (\"Size too large: %s/%s: 0x%llx > 0x%llx\"); source: %s; destination: %s",
			       so->id, sr->decl->name,
			       (unsigned long long)page_align(sr->used),
			       (unsigned long long)dr->max, sr->why, dr->why)
		: pc_xasprintf("the destination's block is not resizeable: QEMU refuses any other page-aligned length (\"Size mismatch: %s/%s: 0x%llx != 0x%llx\", \"Length mismatch\" in older releases); source: %s; destination: %s",
			       so->id, sr->decl->name,
			       (unsigned long long)page_align(sr->used),
			       (unsigned long long)page_align(dr->used),
			       sr->why, dr->why);

	dir_add(x, &(struct pc_hit){
		.rule = grow ? PC_R_RAM_TOO_LARGE : PC_R_RAM_SIZE,
		.severity = PC_SEV_INCOMPATIBLE,
		.src_obj = so,
		.dst_obj = dobj,
		.device = so->id,
		.path = sr->decl->name,
		.src_value = sv,
		.dst_value = dv,
		.why = why,
		.deps = deps,
		.fix = grow
			? "keep the older machine types' blocks within the max_length their releases had: make the size (or max) follow a property and pin its old value with a compat entry"
			: "keep the block's length for the older machine types: make the size follow a property (QEMU: romsize) and pin its old value with a compat entry" });
	free(sv);
	free(dv);
	free(deps);
	free(why);
}

/* Does the destination refuse block 'sr' at 'dr''s length? */
static bool ram_refused(const struct pc_rram *sr, const struct pc_rram *dr)
{
	uint64_t len = page_align(sr->used);

	if (dr->resizeable)
		return len > dr->max;
	return len != page_align(dr->used);
}

void pc_rules_ram(struct dir_ctx *x)
{
	const struct pc_vm *svm = x->svm, *dvm = x->dvm;

	for (size_t i = 0; i < svm->n_objs; i++) {
		const struct pc_object *so = &svm->objs[i];
		const struct pc_object *dobj;

		if (!so->n_rams)
			continue;
		/* a device only one side has: the section rules say it */
		dobj = pc_check_other_object(dvm, svm, so);
		if (!dobj)
			continue;
		for (size_t j = 0; j < so->n_rams; j++) {
			const struct pc_rram *sr = &so->rams[j];
			const struct pc_rram *dr = find_ram(dobj, sr->decl->name);

			if (!dr)
				ram_unknown(x, so, dobj, sr);
			else if (ram_refused(sr, dr))
				ram_size(x, so, dobj, sr, dr);
		}
	}
}
