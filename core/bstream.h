/*
 * bstream.h - a release baseline read as a stream of yajl events straight
 * into its machine types and resolved index, and the declarations file it
 * names into its plugins' texts (bstream.c).  baseline.c's
 * jansson reader stays the authority: the stream reader accepts only what
 * that reader accepts, into the same model, and declines the rest without
 * a word, for the tree reader to read and word the error.
 */
#ifndef PC_BSTREAM_H
#define PC_BSTREAM_H

#include <stddef.h>

#include "bindex.h"
#include "machine.h"

/* What the stream reader read of a baseline: its header as text (the
 * caller checks it), its machine types and its resolved index. */
struct pc_bstream {
	char *format;
	long long format_version;
	char *release;
	char *declarations;
	struct pc_machine_set *machines;
	struct pc_bindex ix;    /* objects, sections and VMs only */
};

/*
 * Read baseline 'text' (the file 'path', named in what it builds) into
 * 'b': 0, or -1 when declined (b released).  Declined: anything the tree
 * reader might refuse (and more: see bstream.c).  Not checked here: the
 * header's values and that the index is complete.
 */
int pc_bstream_read(const char *text, size_t len, const char *path,
		    struct pc_bstream *b);
/* Release what 'b' holds; it is zeroed. */
void pc_bstream_release(struct pc_bstream *b);

/* A plugin of a declarations file: its declaration's lines joined, each
 * ending in a newline. */
struct pc_dstream_plugin {
	char *name;
	char *version;
	char *decl;
	size_t decl_len;
};

/* What the stream reader read of a declarations file. */
struct pc_dstream {
	char *format;
	long long format_version;
	struct pc_dstream_plugin *plugins;
	size_t n_plugins, alloc_plugins;
};

/*
 * Read declarations file 'text' into 'd': 0, or -1 when declined (d
 * released), as pc_bstream_read().  Not checked here: the header's values.
 */
int pc_dstream_read(const char *text, size_t len, struct pc_dstream *d);
/* Release what 'd' holds; it is zeroed. */
void pc_dstream_release(struct pc_dstream *d);

#endif /* PC_BSTREAM_H */
