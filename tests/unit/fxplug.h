/*
 * fxplug.h - plugin directories for the loader, scanner and bad-input
 * tests: a fresh scratch directory holding copies of chosen fixture
 * plugins (tests/fixtures/plugins/NAME/NAME.so) and shipped plugins
 * (plugins/NAME/NAME.so).  Copies, not symlinks: the loader notes
 * symlinks, and a test must see exactly the files it chose.
 */
#ifndef FXPLUG_H
#define FXPLUG_H

#include <stddef.h>

/* A new directory (mode 0755) with the fixtures named in the NULL-ended
 * list; caller frees.  Names starting with "plugins/" are shipped ones. */
char *fx_dir(const char *tag, const char *const *names);

/* Copy one file; returns 0 or -1. */
int fx_copy(const char *from, const char *to);

/* "<dir>/<name>.so" of a fixture in the source tree (static buffer). */
const char *fx_so(const char *name);

/* Every shipped plugin (plugins/ * / *.so), sorted; caller frees all. */
char **fx_shipped(size_t *n);

#endif /* FXPLUG_H */
