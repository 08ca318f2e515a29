/*
 * complete.h - `plugcheck __complete WORD...`, the helper the shell
 * completion scripts (completion/plugcheck.bash, completion/_plugcheck)
 * call: the words typed after "plugcheck", the last being the one
 * completed (possibly empty); prints the candidates that extend it, one
 * a line, and nothing where a file name goes (the scripts then complete
 * files).  Verbs from the verb table, options from each verb's own
 * option table (opts.h: the verb describes its table instead of parsing
 * it), machine types, releases, plugin, type and property names from
 * the tree the global options name (declarations only: no plugin code
 * runs).  `__complete --describe [VERB]` lists the verbs, or VERB's
 * options and the global ones with "=" after those that take a value,
 * for tools that check command lines.  CLI only.
 */
#ifndef PC_COMPLETE_H
#define PC_COMPLETE_H

#include "cli.h"

int pc_cli_complete(struct pc_cli *cli, const struct pc_cli_verb *verbs,
		    size_t nverbs, int nwords, char **words);

#endif /* PC_COMPLETE_H */
