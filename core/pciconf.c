/*
 * pciconf.c - PCI config space as QEMU models it (pciconf.h).
 *
 * QEMU keeps four arrays over a device's config space (hw/pci/pci.c):
 * config (the content), cmask (the bytes get_pci_config_device() checks
 * on load), wmask (guest-writable bits), w1cmask (write-1-to-clear
 * bits).  A capability added with pci_add_capability() gets cmask 0xff
 * and wmask 0 over its bytes and is linked at the head of the list
 * (config[PCI_CAPABILITY_LIST]); pcie_add_capability() appends an
 * extended capability at the end of the list that starts at 0x100.
 */
#include "pciconf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

#include "banned.h"

#define PCI_CONFIG_HEADER_SIZE 0x40
#define PCI_CONFIG_SPACE_SIZE 0x100

void pc_cfg_chain(const struct pc_type *t, struct pc_cfg_chain *c)
{
	const struct pc_type *rev[64];
	size_t n = 0;

	for (; t && n < 64; t = t->parent)
		rev[n++] = t;
	c->n = 0;
	while (n)
		c->types[c->n++] = rev[--n];
}

const struct pc_capability *pc_cfg_find_cap(const struct pc_cfg_chain *c,
					    const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->types[i]->n_caps; k++)
			if (!strcmp(c->types[i]->caps[k].name, name))
				return &c->types[i]->caps[k];
	return NULL;
}

size_t pc_path_head(const char *path, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(path, name, len) || (path[len] && path[len] != '.'))
		return 0;
	return len;
}

/*
 * A field name may hold dots, as QEMU spells a member of a member
 * ("parent_obj.parent_obj.parent_obj"), and names may repeat (structures
 * saving the same member, test-gated alternatives): every field whose
 * name heads the path is tried, and of buffers of one name the largest
 * is the one a register must fit (the instance sends one of them).
 */
const struct pc_field *pc_cfg_field(const struct pc_vmsd *v,
				    const char *path)
{
	const struct pc_field *best = NULL;

	for (size_t i = 0; v && i < v->n_fields; i++) {
		const struct pc_field *f = &v->fields[i], *r;
		size_t len = pc_path_head(path, f->name);

		if (!len)
			continue;
		if (!path[len])
			r = f->kind == PC_FIELD_BUFFER ? f : NULL;
		else
			r = f->kind == PC_FIELD_STRUCT ? pc_cfg_field(f->desc, path + len + 1) : NULL;
		if (r && (!best || r->size > best->size))
			best = r;
	}
	return best;
}

static const char *origin(const struct pc_type *t)
{
	return t->plugin && t->plugin->path ? t->plugin->path : "(unknown)";
}

static int check_cap(const struct pc_type *t, const struct pc_type *decl,
		     const struct pc_capability *cap, const struct pc_vmsd *v,
		     struct pc_err *err)
{
	const struct pc_field *f = pc_cfg_field(v, cap->field);

	if (!f)
		return pc_err_set(err, "%s:%d: capability '%s' of type '%s': field=%s names no buffer field of '%s' (the section of '%s')",
				  origin(decl), cap->line, cap->name,
				  decl->name, cap->field, v->name, t->name);
	if (!cap->express && f->size < PCI_CONFIG_SPACE_SIZE)
		return pc_err_set(err, "%s:%d: capability '%s': config buffer '%s' has %u bytes, less than the %u of a PCI config space",
				  origin(decl), cap->line, cap->name,
				  cap->field, f->size, PCI_CONFIG_SPACE_SIZE);
	if (cap->table && !pc_cfg_field(v, cap->table))
		return pc_err_set(err, "%s:%d: capability '%s' of type '%s': table=%s names no buffer field of '%s' (the section of '%s')",
				  origin(decl), cap->line, cap->name,
				  decl->name, cap->table, v->name, t->name);
	if ((uint64_t)cap->at + cap->size >
	    (cap->express ? f->size : PCI_CONFIG_SPACE_SIZE))
		return pc_err_set(err, "%s:%d: capability '%s' at 0x%x (%u bytes) does not fit in %s",
				  origin(decl), cap->line, cap->name, cap->at,
				  cap->size, cap->express ? cap->field
				  : "the standard config space (0x100)");
	return 0;
}

static int check_reg(const struct pc_type *t, const struct pc_type *decl,
		     const struct pc_cfg_chain *c,
		     const struct pc_invariant *r, const struct pc_vmsd *v,
		     struct pc_err *err)
{
	const struct pc_field *f;
	const struct pc_capability *cap = NULL;
	uint32_t room;

	if (r->reg && r->reg->cap) {
		cap = pc_cfg_find_cap(c, r->reg->cap);
		if (!cap)
			return pc_err_set(err, "%s:%d: register '%s' of type '%s': cap=%s names no capability of '%s' or its parents",
					  origin(decl), r->line, r->name,
					  decl->name, r->reg->cap, t->name);
		room = cap->size;
	} else {
		f = pc_cfg_field(v, r->field);
		if (!f)
			return pc_err_set(err, "%s:%d: register '%s' of type '%s': field=%s names no buffer field of '%s' (the section of '%s')",
					  origin(decl), r->line, r->name,
					  decl->name, r->field, v->name, t->name);
		room = f->size;
	}
	if ((uint64_t)r->offset + r->size > room)
		return pc_err_set(err, "%s:%d: register '%s': bytes %u..%" PRIu64 " are outside %s '%s' of %u bytes",
				  origin(decl), r->line, r->name, r->offset,
				  (uint64_t)r->offset + r->size - 1,
				  cap ? "capability" : "buffer field",
				  cap ? cap->name : r->field, room);
	return 0;
}

int pc_cfg_check_type(const struct pc_type *t, const struct pc_vmsd *v,
		      struct pc_err *err)
{
	struct pc_cfg_chain c;

	pc_cfg_chain(t, &c);
	for (size_t i = 0; i < c.n; i++) {
		const struct pc_type *d = c.types[i];

		for (size_t k = 0; k < d->n_caps; k++)
			if (check_cap(t, d, &d->caps[k], v, err))
				return -1;
		for (size_t k = 0; k < d->n_registers; k++)
			if (check_reg(t, d, &c, &d->registers[k], v, err))
				return -1;
	}
	return 0;
}

static bool range_free(const uint8_t *used, uint32_t off, uint32_t size)
{
	for (uint32_t i = off; i < off + size; i++)
		if (used[i])
			return false;
	return true;
}

/* QEMU's pci_find_space(): the first run of 'size' unused bytes from
 * 0x40 in the standard config space, 0 when there is none. */
static uint32_t find_space(const uint8_t *used, uint32_t size)
{
	uint32_t offset = PCI_CONFIG_HEADER_SIZE;

	for (uint32_t i = PCI_CONFIG_HEADER_SIZE; i < PCI_CONFIG_SPACE_SIZE; i++) {
		if (used[i])
			offset = i + 1;
		else if (i - offset + 1 == size)
			return offset;
	}
	return 0;
}

int pc_cfg_place_caps(struct pc_cfg_place *caps, size_t n,
		      uint32_t buf_size, const char **what, size_t *bad)
{
	uint8_t *used = pc_xcalloc(buf_size > PCI_CONFIG_SPACE_SIZE ? buf_size
				   : PCI_CONFIG_SPACE_SIZE, 1);
	uint32_t head = 0;
	size_t last_ext = n;
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++) {
		struct pc_cfg_place *p = &caps[i];
		uint32_t room = p->express ? buf_size : PCI_CONFIG_SPACE_SIZE;
		uint32_t span = (p->size + 3) & ~3u;

		p->off = p->at ? p->at : find_space(used, p->size);
		*bad = i;
		if (!p->off || p->off + p->size > room) {
			*what = "does not fit";
			ret = -1;
		} else if (!range_free(used, p->off, p->size)) {
			*what = "overlaps another capability";
			ret = -1;
		} else if (p->express) {
			/* appended: the previous last one points here */
			p->next = 0;
			if (last_ext < n)
				caps[last_ext].next = p->off;
			last_ext = i;
		} else {
			/* linked at the head of the list */
			p->next = head;
			head = p->off;
		}
		if (!ret)
			memset(used + p->off, 1,
			       p->off + span <= room ? span : room - p->off);
	}
	free(used);
	return ret;
}

void pc_cfg_reg_free(struct pc_cfg_reg *r)
{
	if (!r)
		return;
	pc_expr_free(r->wmask);
	pc_expr_free(r->w1cmask);
	free(r->changes);
	free(r);
}
