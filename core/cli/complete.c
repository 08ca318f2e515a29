/*
 * complete.c - the shell completion helper (complete.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "machine.h"
#include "opts.h"

#include "banned.h"

/* What the words before the one completed say. */
struct line {
	const struct pc_cli_verb *verb; /* NULL: none named */
	bool main_job;      /* an option of check's came first: `plugcheck
			     * --machine M` */
	bool help;          /* `plugcheck help ...` */
	bool ended;         /* after "--" */
	struct pc_cli_describe opts;    /* the verb's (check's for the
					 * main job) */
};

/* print 'head' + 'cand' when 'cand' extends 'cur' */
static void offer(const char *head, const char *cand, const char *cur)
{
	if (!strncmp(cand, cur, strlen(cur)))
		printf("%s%s\n", head, cand);
}

/* the verb's option table, described (the verb parses nothing) */
static void describe_verb(struct pc_cli *cli, const struct pc_cli_verb *v,
			  struct pc_cli_describe *d)
{
	FILE *null = fopen("/dev/null", "w");
	FILE *out = cli->out, *err = cli->err;
	char *argv[2] = { (char *)(uintptr_t)v->name, NULL };

	memset(d, 0, sizeof(*d));
	if (!null)
		return;
	cli->describe = d;
	cli->out = cli->err = null;
	v->fn(cli, 1, argv);
	cli->out = out;
	cli->err = err;
	cli->describe = NULL;
	fclose(null);
}

/* does option word 'w' ("--name", up to a '=') take a value: 1 yes, 0
 * no, -1 not one option; its name (without "--") in *name.  As
 * getopt_long reads it: a whole name first, else a prefix of one name
 * among the verb's options and the global ones. */
static int takes_value(const struct line *l, const char *w, const char **name)
{
	size_t len = strcspn(w, "="), hits = 0, ng = 0;
	int r = -1;

	if (strncmp(w, "--", 2) || len <= 2)
		return -1;
	while (pc_global_opts[ng].name)
		ng++;
	for (size_t i = 0; i < l->opts.n + ng; i++) {
		const struct pc_optdesc *o = i < l->opts.n ? &l->opts.opts[i]
				: &pc_global_opts[i - l->opts.n];

		if (strncmp(o->name, w + 2, len - 2))
			continue;
		if (!o->name[len - 2]) {
			*name = o->name;
			return o->takes_value;
		}
		if (!hits++) {
			*name = o->name;
			r = o->takes_value;
		}
	}
	return hits == 1 ? r : -1;
}

/* a global option that names the tree ("--machine-dir DIR"), applied */
static void tree_option(struct pc_cli *cli, const struct line *l,
			const char *w, const char *next)
{
	const char *eq = strchr(w, '='), *val = eq ? eq + 1 : next;
	const char *name = NULL;
	struct pc_cli_globals *gl = cli->globals;

	if (takes_value(l, w, &name) < 0)
		return;
	if (!strcmp(name, "no-default-plugins"))
		gl->no_default = true;
	else if (!val)
		return;
	else if (!strcmp(name, "machine-dir"))
		cli->machine_dir = val;
	else if (!strcmp(name, "abi-dir"))
		cli->abi_dir = val;
	else if (!strcmp(name, "plugin-dir"))
		gl->dirs[gl->ndirs++] = val;
}

/* read words[0..n-1] (all but the one completed) */
static void read_line(struct pc_cli *cli, const struct pc_cli_verb *verbs,
		      size_t nverbs, int n, char **words, struct line *l)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < n; i++) {
		const char *w = words[i], *name = NULL;
		int tv;

		if (!strcmp(w, "--")) {
			l->ended = true;
			break;
		}
		if (w[0] != '-' || !w[1]) {
			if (l->verb || l->main_job || l->help)
				continue;
			if (!strcmp(w, "help"))
				l->help = true;
			for (size_t k = 0; k < nverbs; k++)
				if (!strcmp(w, verbs[k].name))
					l->verb = &verbs[k];
			if (l->verb)
				describe_verb(cli, l->verb, &l->opts);
			continue;
		}
		if (!l->verb && !l->help && !l->main_job &&
		    !pc_cli_global_span(w)) {
			l->main_job = true;
			describe_verb(cli, &verbs[0], &l->opts);
		}
		tree_option(cli, l, w, i + 1 < n ? words[i + 1] : NULL);
		tv = takes_value(l, w, &name);
		if (tv == 1 && !strchr(w, '='))
			i++;
	}
}

/* the recorded releases: abi/releases/NAME.json as NAME, in file name
 * order */
static void offer_releases(struct pc_cli *cli, const char *head,
			   const char *cur)
{
	char *path = pc_xasprintf("%s/releases", cli->abi_dir);
	struct dirent **ents = NULL;
	int n = scandir(path, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		size_t len = strlen(f);

		if (len > 5 && !strcmp(f + len - 5, ".json")) {
			char *name = pc_xstrndup(f, len - 5);

			offer(head, name, cur);
			free(name);
		}
		free(ents[i]);
	}
	free(ents);
	free(path);
}

static void offer_machines(struct pc_cli *cli, const char *head,
			   const char *cur)
{
	struct pc_machine_set *set = pc_machine_set_new();
	struct pc_err err = { 0 };

	if (!pc_machines_load_dir(set, cli->machine_dir, &err)) {
		for (size_t i = 0; i < set->n_machines; i++) {
			const struct pc_machine *m = set->machines[i];

			offer(head, m->name, cur);
			for (size_t a = 0; a < m->n_aliases; a++)
				offer(head, m->aliases[a], cur);
		}
		for (size_t f = 0; f < set->n_families; f++)
			if (set->families[f]->latest_alias)
				offer(head, set->families[f]->latest_alias, cur);
	}
	pc_machine_set_free(set);
}

/* plugin and type names (what), or TYPE.PROP (props) of the tree */
static void offer_tree(struct pc_cli *cli, const char *head, const char *cur,
		       bool plugins, bool props)
{
	struct pc_side tree;
	bool bad = false;
	FILE *err = cli->err, *null = fopen("/dev/null", "w");

	if (!null)
		return;
	cli->err = null;
	cli->static_only = true;
	if (!pc_cli_load_tree(cli, &tree, &bad)) {
		for (size_t i = 0; plugins && i < tree.reg->n_plugins; i++)
			offer(head, tree.reg->plugins[i]->name, cur);
		for (size_t t = 0; t < tree.reg->n_types; t++) {
			const struct pc_type *ty = tree.reg->types[t];

			if (!props)
				offer(head, ty->name, cur);
			for (size_t p = 0; props && p < ty->n_props; p++) {
				char *tp = pc_xasprintf("%s.%s", ty->name,
							ty->props[p].name);

				offer(head, tp, cur);
				free(tp);
			}
		}
		pc_side_release(&tree);
	}
	cli->err = err;
	fclose(null);
}

static void offer_list(const char *const *names, const char *head,
		       const char *cur)
{
	for (size_t i = 0; names[i]; i++)
		offer(head, names[i], cur);
}

/* the values of option 'name' that extend 'cur' */
static void offer_values(struct pc_cli *cli, const char *name,
			 const char *head, const char *cur)
{
	static const char *const colors[] = { "auto", "always", "never", NULL };
	static const char *const sides[] = { "tree", NULL };
	static const char *const props[] = { "explain", "global", "set",
					     "src-global", "dst-global", NULL };
	static const char *const types[] = { "device", "vm-device", NULL };

	if (!strcmp(name, "machine"))
		offer_machines(cli, head, cur);
	else if (!strcmp(name, "format"))
		offer_list(pc_format_names, head, cur);
	else if (!strcmp(name, "color"))
		offer_list(colors, head, cur);
	else if (!strcmp(name, "from") || !strcmp(name, "to") ||
		 !strcmp(name, "side")) {
		offer_list(sides, head, cur);
		offer_releases(cli, head, cur);
	} else if (!strcmp(name, "release")) {
		offer_releases(cli, head, cur);
	} else {
		for (size_t i = 0; props[i]; i++)
			if (!strcmp(name, props[i]))
				offer_tree(cli, head, cur, false, true);
		for (size_t i = 0; types[i]; i++)
			if (!strcmp(name, types[i]))
				offer_tree(cli, head, cur, false, false);
	}
}

/* "--" and every option of the verb (or the main job) and the globals */
static void offer_options(const struct line *l, const char *cur)
{
	for (size_t i = 0; i < l->opts.n; i++) {
		char *o = pc_xasprintf("--%s", l->opts.opts[i].name);

		offer("", o, cur);
		free(o);
	}
	for (size_t i = 0; pc_global_opts[i].name; i++) {
		char *o = pc_xasprintf("--%s", pc_global_opts[i].name);

		offer("", o, cur);
		free(o);
	}
	offer("", "--help", cur);
	if (!l->verb && !l->help)
		offer("", "--version", cur);
}

/* the word completed is a value: of "--opt=..." in the word itself, of
 * the option before it, or after a lone "=" (bash splits "--opt=v"
 * there): offered and true */
static bool value_of(struct pc_cli *cli, const struct line *l, int n,
		     char **words, const char *cur)
{
	const char *name = NULL, *opt = NULL, *eq = strchr(cur, '=');
	char *head = NULL;

	if (!strncmp(cur, "--", 2) && eq) {
		char *o = pc_xstrndup(cur, (size_t)(eq - cur));

		head = pc_xstrndup(cur, (size_t)(eq - cur) + 1);
		if (takes_value(l, o, &name) == 1)
			offer_values(cli, name, head, eq + 1);
		free(o);
		free(head);
		return true;
	}
	if (n >= 1 && !strcmp(cur, "=")) {
		opt = words[n - 1];
		head = pc_xstrdup("=");
		cur = "";
	} else if (n >= 2 && !strcmp(words[n - 1], "=")) {
		opt = words[n - 2];
	} else if (n >= 1) {
		opt = words[n - 1];
	}
	if (!opt || opt[0] != '-' || strchr(opt, '=') ||
	    takes_value(l, opt, &name) != 1) {
		free(head);
		return false;
	}
	offer_values(cli, name, head ? head : "", cur);
	free(head);
	return true;
}

/* `__complete --describe [VERB]`: the verbs ("verb NAME"), or VERB's
 * options and the global ones ("option --NAME", "=" after one that takes
 * a value), for tools that check command lines (tests/ci/cifiles.py) */
static int describe_all(struct pc_cli *cli, const struct pc_cli_verb *verbs,
			size_t nverbs, const char *name)
{
	struct line l;
	const struct pc_cli_verb *v = NULL;

	for (size_t i = 0; name && i < nverbs; i++)
		if (!strcmp(name, verbs[i].name))
			v = &verbs[i];
	if (!name) {
		for (size_t i = 0; i < nverbs; i++)
			printf("verb %s\n", verbs[i].name);
		return PC_EXIT_OK;
	}
	if (!v) {
		pc_cli_error(cli, "__complete --describe: unknown verb '%s'", name);
		return PC_EXIT_ERROR;
	}
	memset(&l, 0, sizeof(l));
	describe_verb(cli, v, &l.opts);
	for (size_t i = 0; i < l.opts.n; i++)
		printf("option --%s%s\n", l.opts.opts[i].name,
		       l.opts.opts[i].takes_value ? "=" : "");
	for (size_t i = 0; pc_global_opts[i].name; i++)
		printf("option --%s%s\n", pc_global_opts[i].name,
		       pc_global_opts[i].takes_value ? "=" : "");
	free(l.opts.opts);
	return PC_EXIT_OK;
}

int pc_cli_complete(struct pc_cli *cli, const struct pc_cli_verb *verbs,
		    size_t nverbs, int nwords, char **words)
{
	const char *cur = nwords > 0 ? words[nwords - 1] : "";
	int n = nwords > 0 ? nwords - 1 : 0;
	struct line l;

	if (nwords >= 1 && !strcmp(words[0], "--describe"))
		return describe_all(cli, verbs, nverbs,
				    nwords > 1 ? words[1] : NULL);
	read_line(cli, verbs, nverbs, n, words, &l);
	/* no verb yet: an option is the main job's (check's) or global */
	if (!l.verb && !l.help && !l.opts.seen)
		describe_verb(cli, &verbs[0], &l.opts);
	pc_cli_globals_settle(cli);
	if (l.ended || value_of(cli, &l, n, words, cur)) {
		/* nothing more: a value, or after "--" */
	} else if (cur[0] == '-') {
		offer_options(&l, cur);
	} else if (l.help || (!l.verb && !l.main_job)) {
		for (size_t i = 0; i < nverbs; i++)
			offer("", verbs[i].name, cur);
		if (!l.help)
			offer("", "help", cur);
	} else if (l.verb && !strcmp(l.verb->name, "info")) {
		offer_tree(cli, "", cur, true, false);
	}
	free(l.opts.opts);
	fflush(stdout);
	return PC_EXIT_OK;
}
