/*
 * baseline.c - writing and reading release baselines (baseline.h,
 * Documentation/baselines.md).  jansson does the JSON; every value read is
 * checked for its type and bounds, and errors carry its JSON path.
 */
#include "baseline.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "report-json.h"

#include "banned.h"

#define BASELINE_FORMAT "plugcheck-baseline"
#define BASELINE_FORMAT_VERSION 1
#define BASELINE_MAX (64u << 20)

static json_t *decl_lines(const char *decl)
{
	json_t *a = json_array();
	const char *p = decl;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		json_array_append_new(a, json_stringn(p, n));
		p = eol ? eol + 1 : NULL;
	}
	return a;
}

static int cmp_plugin(const void *a, const void *b)
{
	const struct pc_plugin *x = *(const struct pc_plugin *const *)a;
	const struct pc_plugin *y = *(const struct pc_plugin *const *)b;

	return strcmp(x->name, y->name);
}

char *pc_baseline_render(const struct pc_side *tree, const char *release,
			 struct pc_err *err)
{
	struct pc_version r;
	json_t *root, *plugins, *machines;
	const struct pc_plugin **ps;
	const struct pc_machine **ms;
	size_t nm = 0;
	char *text;

	if (pc_version_parse(release, &r))
		return pc_err_set(err, "bad release '%s' (expected a version such as 8.0.1)",
				  release), NULL;
	root = json_object();
	json_object_set_new(root, "format", json_string(BASELINE_FORMAT));
	json_object_set_new(root, "format_version",
			    json_integer(BASELINE_FORMAT_VERSION));
	json_object_set_new(root, "release", json_string(release));
	json_object_set_new(root, "recorded_by",
			    json_string("plugcheck " PC_VERSION));
	plugins = json_array();
	ps = pc_xcalloc(tree->reg->n_plugins + 1, sizeof(*ps));
	for (size_t i = 0; i < tree->reg->n_plugins; i++)
		ps[i] = tree->reg->plugins[i];
	qsort(ps, tree->reg->n_plugins, sizeof(*ps), cmp_plugin);
	for (size_t i = 0; i < tree->reg->n_plugins; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "name", json_string(ps[i]->name));
		json_object_set_new(p, "version", json_string(ps[i]->version));
		json_object_set_new(p, "declaration", decl_lines(ps[i]->decl));
		json_array_append_new(plugins, p);
	}
	free(ps);
	json_object_set_new(root, "plugins", plugins);
	machines = json_array();
	ms = pc_xcalloc(tree->machines->n_machines + 1, sizeof(*ms));
	for (size_t i = 0; i < tree->machines->n_machines; i++)
		if (pc_machine_known_in(tree->machines->machines[i], &r))
			ms[nm++] = tree->machines->machines[i];
	qsort(ms, nm, sizeof(*ms), pc_machine_cmp_newest_first);
	for (size_t i = 0; i < nm; i++) {
		const struct pc_machine *m = ms[i];
		json_t *o = json_object(), *al = json_array(), *ch = json_array();
		char v[32];

		json_object_set_new(o, "name", json_string(m->name));
		json_object_set_new(o, "family", json_string(m->family));
		pc_version_str(&m->version, v, sizeof(v));
		json_object_set_new(o, "version", json_string(v));
		for (size_t a = 0; a < m->n_aliases; a++)
			json_array_append_new(al, json_string(m->aliases[a]));
		json_object_set_new(o, "aliases", al);
		json_object_set_new(o, "smp", json_integer(m->smp));
		json_object_set_new(o, "max_cpus", json_integer(m->max_cpus));
		for (size_t k = 0; k < m->n_chain; k++) {
			const struct pc_compat_entry *e = m->chain[k];
			json_t *je;

			if (!pc_compat_entry_in_release(e, &r))
				continue;
			je = json_array();
			json_array_append_new(je, json_string(e->driver));
			json_array_append_new(je, json_string(e->prop));
			json_array_append_new(je, json_string(e->value));
			json_array_append_new(je, json_string(e->origin));
			if (e->optional)
				json_array_append_new(je, json_string("optional"));
			json_array_append_new(ch, je);
		}
		json_object_set_new(o, "compat", ch);
		json_array_append_new(machines, o);
	}
	free(ms);
	json_object_set_new(root, "machines", machines);
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return pc_err_set(err, "cannot render the baseline"), NULL;
	{
		char *t = pc_xasprintf("%s\n", text);
		free(text);
		return t;
	}
}

int pc_baseline_write(const struct pc_side *tree, const char *release,
		      const char *path, struct pc_err *err)
{
	char *text = pc_baseline_render(tree, release, err);
	int r;

	if (!text)
		return -1;
	r = pc_write_file_atomic(path, text, strlen(text), err);
	free(text);
	return r;
}

/* ------------------------------------------------------------ reading */

static int bad(struct pc_err *err, const char *path, const char *jpath,
	       const char *what)
{
	return pc_err_set(err, "%s: %s: %s", path, jpath, what);
}

static const char *get_str(json_t *o, const char *key, const char *path,
			   const char *jpath, struct pc_err *err)
{
	json_t *v = json_object_get(o, key);
	char jp[256];

	snprintf(jp, sizeof(jp), "%s.%s", jpath, key);
	if (!v) {
		bad(err, path, jp, "missing key");
		return NULL;
	}
	if (!json_is_string(v)) {
		bad(err, path, jp, "expected a string");
		return NULL;
	}
	return json_string_value(v);
}

static int get_int(json_t *o, const char *key, long long lo, long long hi,
		   long long *out, const char *path, const char *jpath,
		   struct pc_err *err)
{
	json_t *v = json_object_get(o, key);
	char jp[256];

	snprintf(jp, sizeof(jp), "%s.%s", jpath, key);
	if (!v)
		return bad(err, path, jp, "missing key");
	if (!json_is_integer(v))
		return bad(err, path, jp, "expected an integer");
	*out = json_integer_value(v);
	if (*out < lo || *out > hi) {
		char m[128];

		snprintf(m, sizeof(m), "%lld out of range [%lld, %lld]", *out,
			 lo, hi);
		return bad(err, path, jp, m);
	}
	return 0;
}

/* Unknown keys are refused: a misspelt key would otherwise vanish. */
static int only_keys(json_t *o, const char *const *allowed, const char *path,
		     const char *jpath, struct pc_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		bool ok = false;

		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(key, allowed[i]);
		if (!ok) {
			char m[600];

			snprintf(m, sizeof(m), "unknown key '%.400s'", key);
			return bad(err, path, jpath, m);
		}
	}
	return 0;
}

static void free_plugins(struct pc_plugin **pls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pc_plugin_free(pls[i]);
	free(pls);
}

/* A registry of the pool made of exactly these declarations, or NULL. */
static struct pc_registry *find_shared(struct pc_plugin *const *pls, size_t n,
				       struct pc_registry *const *pool,
				       size_t npool)
{
	for (size_t k = 0; k < npool; k++) {
		const struct pc_registry *r = pool[k];
		bool same = r && r->n_plugins == n;

		for (size_t i = 0; same && i < n; i++) {
			const struct pc_plugin *q = NULL;

			for (size_t j = 0; j < r->n_plugins && !q; j++)
				if (!strcmp(r->plugins[j]->name, pls[i]->name))
					q = r->plugins[j];
			same = q && !strcmp(q->version, pls[i]->version) &&
			       q->decl_len == pls[i]->decl_len &&
			       !memcmp(q->decl, pls[i]->decl, q->decl_len);
		}
		if (same)
			return pool[k];
	}
	return NULL;
}

/*
 * Read the recorded plugins.  Baselines of one tree mostly record the same
 * declarations (history is declared, not rewritten): when a registry of
 * 'pool' was built from exactly the same text it is shared instead of
 * parsing it again (*shared set), which keeps loading twenty releases of a
 * thousand plugins from costing twenty registries.
 */
static int load_plugins(json_t *root, const char *path,
			struct pc_registry **regp, bool *shared,
			struct pc_registry *const *pool, size_t npool,
			struct pc_err *err)
{
	json_t *plugins = json_object_get(root, "plugins");
	size_t i;
	json_t *p;
	struct pc_plugin **pls;
	size_t npls = 0;
	struct pc_registry *reg;

	if (!json_is_array(plugins))
		return bad(err, path, "$.plugins", plugins ? "expected an array"
							  : "missing key");
	if (json_array_size(plugins) == 0)
		return bad(err, path, "$.plugins", "no plugins recorded");
	pls = pc_xcalloc(json_array_size(plugins), sizeof(*pls));
	json_array_foreach(plugins, i, p) {
		char jp[64];
		const char *name, *version;
		json_t *decl, *line;
		struct pc_strbuf sb = PC_STRBUF_INIT;
		struct pc_plugin *pl;
		size_t k;
		char *where;

		snprintf(jp, sizeof(jp), "$.plugins[%zu]", i);
		if (!json_is_object(p))
			{ free_plugins(pls, npls); return bad(err, path, jp, "expected an object"); }
		{
			static const char *const keys[] = { "name", "version",
							    "declaration", NULL };

			if (only_keys(p, keys, path, jp, err)) {
				free_plugins(pls, npls);
				return -1;
			}
		}
		name = get_str(p, "name", path, jp, err);
		version = name ? get_str(p, "version", path, jp, err) : NULL;
		if (!version) {
			free_plugins(pls, npls);
			return -1;
		}
		decl = json_object_get(p, "declaration");
		if (!json_is_array(decl)) {
			char jp2[160];

			snprintf(jp2, sizeof(jp2), "%s.declaration", jp);
			free_plugins(pls, npls);
			return bad(err, path, jp2, decl ? "expected an array of lines"
							: "missing key");
		}
		json_array_foreach(decl, k, line) {
			if (!json_is_string(line)) {
				char jp2[160];

				snprintf(jp2, sizeof(jp2), "%s.declaration[%zu]", jp, k);
				pc_strbuf_release(&sb);
				free_plugins(pls, npls);
				return bad(err, path, jp2, "expected a string");
			}
			pc_strbuf_add(&sb, json_string_value(line),
				      json_string_length(line));
			pc_strbuf_addch(&sb, '\n');
			if (sb.len > (1u << 20)) {
				pc_strbuf_release(&sb);
				free_plugins(pls, npls);
				return bad(err, path, jp, "declaration too large (over 1 MiB)");
			}
		}
		pl = pc_xcalloc(1, sizeof(*pl));
		pl->name = pc_xstrdup(name);
		pl->version = pc_xstrdup(version);
		pl->abi_version = 0;
		where = pc_xasprintf("%s (plugin %s)", path, name);
		pl->path = where;
		pl->decl_len = sb.len;
		pl->decl = pc_strbuf_detach(&sb);
		pls[npls++] = pl;
	}
	*shared = false;
	reg = find_shared(pls, npls, pool, npool);
	if (reg) {
		free_plugins(pls, npls);
		*regp = reg;
		*shared = true;
		return 0;
	}
	reg = pc_registry_new();
	*regp = reg;
	for (i = 0; i < npls; i++) {
		/* the registry owns each plugin from here, even on failure */
		struct pc_plugin *pl = pls[i];

		pls[i] = NULL;
		if (pc_registry_add_plugin(reg, pl, pl->path, err)) {
			free_plugins(pls, npls);
			return -1;
		}
	}
	free(pls);
	return pc_registry_finalize(reg, err);
}

static int load_machines(json_t *root, const char *path,
			 struct pc_machine_set *set, struct pc_err *err)
{
	json_t *machines = json_object_get(root, "machines");
	json_t *m;
	size_t i;

	if (!json_is_array(machines))
		return bad(err, path, "$.machines",
			   machines ? "expected an array" : "missing key");
	json_array_foreach(machines, i, m) {
		char jp[64];
		const char *name, *family, *version;
		long long smp, max_cpus;
		json_t *al, *ch, *e;
		struct pc_machine *pm;
		size_t k;

		snprintf(jp, sizeof(jp), "$.machines[%zu]", i);
		if (!json_is_object(m))
			return bad(err, path, jp, "expected an object");
		{
			static const char *const keys[] = { "name", "family", "version",
							    "aliases", "smp", "max_cpus",
							    "compat", NULL };

			if (only_keys(m, keys, path, jp, err))
				return -1;
		}
		if (!(name = get_str(m, "name", path, jp, err)) ||
		    !(family = get_str(m, "family", path, jp, err)) ||
		    !(version = get_str(m, "version", path, jp, err)) ||
		    get_int(m, "smp", 1, 1 << 20, &smp, path, jp, err) ||
		    get_int(m, "max_cpus", 1, 1 << 20, &max_cpus, path, jp, err))
			return -1;
		if (pc_machine_find(set, name)) {
			char msg[300];

			snprintf(msg, sizeof(msg), "duplicate machine type '%s'", name);
			return bad(err, path, jp, msg);
		}
		pm = pc_xcalloc(1, sizeof(*pm));
		PC_ALLOC_GROW(set->machines, set->n_machines + 1, set->alloc_machines);
		set->machines[set->n_machines++] = pm;
		pm->name = pc_xstrdup(name);
		pm->family = pc_xstrdup(family);
		pm->path = pc_xstrdup(path);
		pm->smp = (int)smp;
		pm->max_cpus = (int)max_cpus;
		pm->status = PC_MACHINE_SUPPORTED;
		if (pc_version_parse(version, &pm->version)) {
			char jp2[160];

			snprintf(jp2, sizeof(jp2), "%s.version", jp);
			return bad(err, path, jp2, "not a version");
		}
		al = json_object_get(m, "aliases");
		if (al && !json_is_array(al)) {
			char jp2[160];

			snprintf(jp2, sizeof(jp2), "%s.aliases", jp);
			return bad(err, path, jp2, "expected an array");
		}
		json_array_foreach(al, k, e) {
			if (!json_is_string(e)) {
				char jp2[160];

				snprintf(jp2, sizeof(jp2), "%s.aliases[%zu]", jp, k);
				return bad(err, path, jp2, "expected a string");
			}
			pm->aliases = pc_xrealloc(pm->aliases,
						  (pm->n_aliases + 1) * sizeof(char *));
			pm->aliases[pm->n_aliases++] = pc_xstrdup(json_string_value(e));
		}
		ch = json_object_get(m, "compat");
		if (!json_is_array(ch)) {
			char jp2[160];

			snprintf(jp2, sizeof(jp2), "%s.compat", jp);
			return bad(err, path, jp2, ch ? "expected an array" : "missing key");
		}
		pm->owned = pc_xcalloc(json_array_size(ch) + 1, sizeof(*pm->owned));
		pm->chain = pc_xcalloc(json_array_size(ch) + 1, sizeof(*pm->chain));
		json_array_foreach(ch, k, e) {
			struct pc_compat_entry *ce = &pm->owned[pm->n_owned];
			char jp2[160];
			size_t n = json_array_size(e);

			snprintf(jp2, sizeof(jp2), "%s.compat[%zu]", jp, k);
			if (!json_is_array(e) || n < 4 || n > 5)
				return bad(err, path, jp2,
					   "expected [driver, property, value, origin(, \"optional\")]");
			for (size_t q = 0; q < n; q++)
				if (!json_is_string(json_array_get(e, q)))
					return bad(err, path, jp2, "expected strings");
			if (n == 5 && strcmp(json_string_value(json_array_get(e, 4)),
					     "optional"))
				return bad(err, path, jp2, "fifth element must be \"optional\"");
			ce->driver = pc_xstrdup(json_string_value(json_array_get(e, 0)));
			ce->prop = pc_xstrdup(json_string_value(json_array_get(e, 1)));
			ce->value = pc_xstrdup(json_string_value(json_array_get(e, 2)));
			ce->origin = pc_xstrdup(json_string_value(json_array_get(e, 3)));
			ce->optional = n == 5;
			pm->chain[pm->n_owned] = ce;
			pm->n_owned++;
			pm->n_chain++;
		}
	}
	if (!set->n_machines)
		return bad(err, path, "$.machines", "no machine types recorded");
	return 0;
}

int pc_baseline_load(const char *path, struct pc_side *side,
		     struct pc_err *err)
{
	return pc_baseline_load_shared(path, side, NULL, 0, err);
}

int pc_baseline_load_shared(const char *path, struct pc_side *side,
			    struct pc_registry *const *pool, size_t npool,
			    struct pc_err *err)
{
	json_error_t je;
	json_t *root;
	char *text;
	size_t len;
	const char *fmt, *rel;
	long long fv;

	memset(side, 0, sizeof(*side));
	if (pc_read_file(path, BASELINE_MAX, &text, &len, err))
		return -1;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!root)
		return pc_err_set(err, "%s:%d:%d: not valid JSON: %s", path,
				  je.line, je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(err, path, "$", "expected an object");
	}
	fmt = get_str(root, "format", path, "$", err);
	if (!fmt)
		goto fail;
	{
		static const char *const keys[] = { "format", "format_version",
						    "release", "recorded_by",
						    "plugins", "machines", NULL };

		if (only_keys(root, keys, path, "$", err))
			goto fail;
	}
	if (strcmp(fmt, BASELINE_FORMAT)) {
		bad(err, path, "$.format", "not a plugcheck baseline");
		goto fail;
	}
	if (get_int(root, "format_version", 1, 1000, &fv, path, "$", err))
		goto fail;
	if (fv != BASELINE_FORMAT_VERSION) {
		char m[128];

		snprintf(m, sizeof(m), "format version %lld, this plugcheck reads %d",
			 fv, BASELINE_FORMAT_VERSION);
		bad(err, path, "$.format_version", m);
		goto fail;
	}
	rel = get_str(root, "release", path, "$", err);
	if (!rel)
		goto fail;
	if (pc_version_parse(rel, &side->release)) {
		bad(err, path, "$.release", "not a version");
		goto fail;
	}
	side->label = pc_xstrdup(rel);
	side->origin = pc_xstrdup(path);
	side->project = true;
	side->machines = pc_machine_set_new();
	side->own_machines = true;
	{
		bool shared = false;
		int rc = load_plugins(root, path, &side->reg, &shared, pool,
				      npool, err);

		side->own_reg = !shared;
		if (rc)
			goto fail;
	}
	if (
	    load_machines(root, path, side->machines, err))
		goto fail;
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	pc_side_release(side);
	return -1;
}

static int cmp_release_path(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	const char *bx = strrchr(x, '/'), *by = strrchr(y, '/');
	struct pc_version vx, vy;
	char *sx = pc_xstrdup(bx ? bx + 1 : x), *sy = pc_xstrdup(by ? by + 1 : y);
	int r;

	if (strrchr(sx, '.'))
		*strrchr(sx, '.') = '\0';
	if (strrchr(sy, '.'))
		*strrchr(sy, '.') = '\0';
	if (!pc_version_parse(sx, &vx) && !pc_version_parse(sy, &vy))
		r = pc_version_cmp(&vx, &vy);
	else
		r = strcmp(sx, sy);
	free(sx);
	free(sy);
	return r;
}

int pc_baseline_list(const char *abi_dir, char ***paths, size_t *n,
		     struct pc_err *err)
{
	char *dir = pc_xasprintf("%s/releases", abi_dir);
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*paths = NULL;
	*n = 0;
	if (!dh) {
		pc_err_set(err, "%s: cannot read baselines: %s", dir,
			   strerror(errno));
		free(dir);
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.' || !pc_str_ends_with(de->d_name, ".json"))
			continue;
		PC_ALLOC_GROW(*paths, *n + 1, alloc);
		(*paths)[(*n)++] = pc_xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dh);
	free(dir);
	if (*n)
		qsort(*paths, *n, sizeof(**paths), cmp_release_path);
	return 0;
}
