/*
 * decl.h - parsing a declaration apart from adding it to a registry.
 *
 * pc_decl_parse() (model.h) is these two steps in one: parse the text into
 * a scratch structure, then commit that to the registry.  The loader
 * splits them so that it can parse many plugins' declarations at once, on
 * several threads, and still commit them one by one in the order the
 * plugins were found: the registry, the diagnostics and the first error
 * are then exactly those of parsing and committing each in turn.
 *
 * Threads: pc_decl_parse_detached() touches nothing shared.  It reads
 * 'text' and 'where', only stores the 'owner' pointer (types and vmsds
 * point to their plugin) and never reads or writes *owner, so any number
 * of texts may be parsed concurrently while nobody modifies the owners
 * or the texts.  pc_decl_commit() and pc_registry_add_parsed() modify the
 * registry and the owner: call them from one thread at a time.
 *
 * Ownership: a struct pc_decl_parsed owns its scratch declarations and
 * the header lines it parsed.  Committing consumes it (whether or not the
 * commit succeeds); one that is not committed is freed with
 * pc_decl_parsed_free().  Once committed, the types and descriptions
 * belong to the registry (model.h).
 */
#ifndef PC_DECL_H
#define PC_DECL_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "model.h"
#include "util.h"

struct pc_decl_parsed;

/*
 * Parse 'text' (len bytes) for 'owner', whose messages name 'where'
 * ("where:line: ...").  Never NULL: a text that does not parse gives a
 * result that holds the error, which pc_decl_commit() reports.
 */
struct pc_decl_parsed *pc_decl_parse_detached(struct pc_plugin *owner,
					      const char *text, size_t len,
					      const char *where);

/* Did the text parse (a commit may still fail on names the registry
 * already holds)? */
bool pc_decl_parsed_ok(const struct pc_decl_parsed *d);

void pc_decl_parsed_free(struct pc_decl_parsed *d);

/*
 * Add what 'd' declares to 'reg', as pc_decl_parse() would have: on a
 * parse error, that error; else the header lines (plugin name, version,
 * description, license, author, ABI) are moved into the owner and the
 * types and descriptions committed (a name the registry already has is
 * an error naming both plugins, and leaves 'reg' unchanged).  Consumes
 * 'd'.
 */
int pc_decl_commit(struct pc_registry *reg, struct pc_decl_parsed *d,
		   struct pc_err *err);

/*
 * pc_registry_add_plugin() (model.h) with the declaration already parsed
 * by pc_decl_parse_detached(plugin, plugin->decl, ...): the registry takes
 * ownership of 'plugin' (freed on failure) and 'd' is consumed.
 */
int pc_registry_add_parsed(struct pc_registry *reg, struct pc_plugin *plugin,
			   struct pc_decl_parsed *d, struct pc_err *err);

/*
 * The place of line 'text_line' of the declaration text of 'pl', as a
 * finding names it (finding.h): *at the C source file and line when the
 * text records them (pc_plugin_src_at()) and *text_at the plugin file and
 * text line; else *at the latter and text_at->file NULL.  The files are
 * borrowed from 'pl'.  Cannot fail.
 */
void pc_decl_loc(const struct pc_plugin *pl, int text_line, struct pc_loc *at,
		 struct pc_loc *text_at);

/* Memory of the model: decl-pool.h (boxes, pools, and their release). */

#endif /* PC_DECL_H */
