/*
 * cmd-baseline.c - `plugcheck baseline`: the host-feature intersection of
 * the compatibility guide.  Devices whose features come from the host (CPU
 * flags such as pcid, stibp, taa-no) can only migrate between hosts when
 * every host runs them with the features all hosts share: this computes
 * that common set, each host's `feature=off` overrides, and proves the
 * result by checking every ordered pair of hosts with and without them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report-ci.h"
#include "report-json.h"

#include "banned.h"

#define MAX_HOSTS 64

struct feature {
	const struct pc_type *owner;
	const struct pc_prop *prop;
};

static size_t collect_features(const struct pc_registry *reg,
			       struct feature **out)
{
	size_t n = 0, alloc = 0;

	*out = NULL;
	for (size_t t = 0; t < reg->n_types; t++) {
		const struct pc_type *ty = reg->types[t];

		for (size_t p = 0; p < ty->n_props; p++) {
			if (!ty->props[p].host_feature)
				continue;
			PC_ALLOC_GROW(*out, n + 1, alloc);
			(*out)[n].owner = ty;
			(*out)[n].prop = &ty->props[p];
			n++;
		}
	}
	return n;
}

/* Check every ordered pair of host sides; returns incompatible findings. */
static size_t check_all(struct pc_cli *cli, struct pc_check *c,
			struct pc_side *sides, size_t n, struct pc_report *r,
			bool *error)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct pc_err err = { 0 };
			size_t before;

			if (i == j)
				continue;
			before = pc_report_count(r, PC_SEV_INCOMPATIBLE);
			if (pc_check_direction(c, &sides[i], &sides[j], r, &err)) {
				pc_cli_error(cli, "%s", err.msg);
				*error = true;
				return bad;
			}
			bad += pc_report_count(r, PC_SEV_INCOMPATIBLE) - before;
		}
	return bad;
}

/* One run of the verb: the hosts, the features, each host's side as
 * it is (plain) and with its overrides (fixed). */
struct bl {
	struct pc_cli *cli;
	const char *machine;
	const char *hostfiles[MAX_HOSTS];
	struct pc_host_caps hosts[MAX_HOSTS];
	size_t nh;
	struct feature *feats;
	size_t nf;
	struct pc_side plain[MAX_HOSTS], fixed[MAX_HOSTS];
	json_t *jhosts;           /* JSON output: the hosts' entries */
};

/* 1: help printed, 0: parsed, -1: error printed */
static int parse(struct bl *b, int argc, char **argv)
{
	struct pc_cli *cli = b->cli;
	const char **hostargs;
	int r;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck baseline --machine M --host A.caps --host B.caps [...]\n\n"
		      "The host-feature intersection: which features every host shares, and the\n"
		      "feature=off overrides each host must start its devices with so that a\n"
		      "guest can migrate between any two of them.  Both the plain and the fixed\n"
		      "configurations are checked in every direction.  Host files:\n"
		      "Documentation/host-caps.md.\n", cli->out);
		return 1;
	}
	hostargs = pc_xcalloc((size_t)argc + 1, sizeof(char *));
	{
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--machine", &b->machine),
			PC_OPT_LIST_ROW("--host", hostargs, &b->nh),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"baseline", opts, NULL, NULL,
			"baseline: unknown option or missing value '%s'",
		};

		r = pc_cli_parse_opts(cli, &set, argc, argv);
	}
	if (!r && b->nh > MAX_HOSTS)
		pc_cli_error(cli, "baseline: at most %d hosts", MAX_HOSTS);
	for (size_t i = 0; i < b->nh && i < MAX_HOSTS; i++)
		b->hostfiles[i] = hostargs[i];
	free(hostargs);
	if (r || b->nh > MAX_HOSTS)
		return -1;
	if (!b->machine || b->nh < 2) {
		pc_cli_error(cli, "baseline: --machine and at least two --host files are required");
		return -1;
	}
	return 0;
}

static int load_hosts(struct bl *b)
{
	for (size_t i = 0; i < b->nh; i++) {
		struct pc_err err = { 0 };

		if (pc_host_caps_load(b->hostfiles[i], &b->hosts[i], &err)) {
			pc_cli_error(b->cli, "%s", err.msg);
			for (size_t j = 0; j < i; j++)
				pc_host_caps_release(&b->hosts[j]);
			return -1;
		}
	}
	return 0;
}

static bool everywhere(const struct bl *b, const char *cap)
{
	bool all = true;

	for (size_t j = 0; j < b->nh; j++)
		all &= pc_host_caps_has(&b->hosts[j], cap);
	return all;
}

/* Host i runs without 'ft': its override, and the option that says it
 * ('offs': a CPU feature for -cpu host,...; 'globs': a virtio feature
 * is a device property, -global T.P=off). */
static void turn_off(struct bl *b, size_t i, const struct feature *ft,
		     struct pc_strbuf *offs, struct pc_strbuf *globs,
		     json_t *jov)
{
	struct pc_override ov;

	ov.target = (char *)(uintptr_t)ft->owner->name;
	ov.prop = (char *)(uintptr_t)ft->prop->name;
	ov.value = (char *)(uintptr_t)"off";
	ov.per_device = false;
	ov.origin = (char *)(uintptr_t)"baseline";
	pc_side_add_override(&b->fixed[i], &ov);
	if (ft->prop->kind == PC_PROP_FEATURE)
		pc_strbuf_addf(globs, "%s-global %s.%s=off",
			       globs->len ? " " : "", ft->owner->name,
			       ft->prop->name);
	else
		pc_strbuf_addf(offs, "%s%s=off", offs->len ? "," : "",
			       ft->prop->name);
	if (jov)
		json_array_append_new(jov, json_sprintf("%s.%s=off",
							ft->owner->name,
							ft->prop->name));
}

static void print_host_options(const struct bl *b, size_t i,
			       const struct pc_strbuf *offs,
			       const struct pc_strbuf *globs)
{
	const char *what = offs->len ? offs->buf : globs->len ? globs->buf
			   : "(nothing to turn off)";

	fprintf(b->cli->out, "  %-10s %s\n", b->hosts[i].name, what);
	if (offs->len)
		fprintf(b->cli->out, "  %-10s e.g. -cpu host,%s\n", "", offs->buf);
	if (globs->len)
		fprintf(b->cli->out, "  %-10s e.g. %s\n", "", globs->buf);
}

/* host i's sides: the tree on it, and with feature=off for each feature
 * it has that some host lacks; printed (or its JSON entry) */
static void host_sides(struct bl *b, const struct pc_side *tree, size_t i)
{
	struct pc_strbuf offs = PC_STRBUF_INIT, globs = PC_STRBUF_INIT;
	json_t *jo = NULL, *jov = NULL;

	b->plain[i] = *tree;
	b->plain[i].own_reg = b->plain[i].own_machines = false;
	b->plain[i].overrides = NULL;
	b->plain[i].n_overrides = 0;
	b->plain[i].label = pc_xstrdup(b->hosts[i].name);
	b->plain[i].origin = NULL;
	b->plain[i].host = &b->hosts[i];
	b->fixed[i] = b->plain[i];
	b->fixed[i].label = pc_xstrdup(b->hosts[i].name);
	if (b->jhosts) {
		jo = json_object();
		jov = json_array();
		json_object_set_new(jo, "host", json_string(b->hosts[i].name));
		json_object_set_new(jo, "file", json_string(b->hosts[i].path));
	}
	for (size_t f = 0; f < b->nf; f++) {
		const struct feature *ft = &b->feats[f];

		if (!pc_host_caps_has(&b->hosts[i], ft->prop->host_feature) ||
		    everywhere(b, ft->prop->host_feature))
			continue;
		turn_off(b, i, ft, &offs, &globs, jov);
	}
	if (jo) {
		json_object_set_new(jo, "overrides", jov);
		json_object_set_new(jo, "device_options", json_string(offs.buf));
		if (globs.len)
			json_object_set_new(jo, "global_options",
					    json_string(globs.buf));
		json_array_append_new(b->jhosts, jo);
	} else {
		print_host_options(b, i, &offs, &globs);
	}
	pc_strbuf_release(&offs);
	pc_strbuf_release(&globs);
}

static void print_common(const struct bl *b)
{
	struct pc_strbuf common = PC_STRBUF_INIT;

	for (size_t f = 0; f < b->nf; f++)
		if (everywhere(b, b->feats[f].prop->host_feature))
			pc_strbuf_addf(&common, "%s%s", common.len ? " " : "",
				       b->feats[f].prop->host_feature);
	if (!b->jhosts)
		fprintf(b->cli->out, "\n  common features: %s\n",
			common.len ? common.buf : "(none)");
	pc_strbuf_release(&common);
}

static void print_findings(struct pc_cli *cli, const struct pc_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		pc_finding_format(&r->items[i], &sb);
		fputs(sb.buf, cli->out);
		pc_strbuf_release(&sb);
	}
}

static void print_result(struct bl *b, const struct pc_report *before,
			 const struct pc_report *after, size_t nbefore,
			 size_t nafter, size_t nreview)
{
	struct pc_cli *cli = b->cli;

	if (b->jhosts) {
		json_t *x = json_object();

		json_object_set_new(x, "machine", json_string(b->machine));
		json_object_set_new(x, "hosts", b->jhosts);
		b->jhosts = NULL;
		json_object_set_new(x, "without_overrides_incompatible",
				    json_integer((json_int_t)nbefore));
		json_object_set_new(x, "without_overrides_review",
				    json_integer((json_int_t)nreview));
		json_object_set_new(x, "with_overrides_incompatible",
				    json_integer((json_int_t)nafter));
		if (pc_cli_ci_format(cli)) {
			/* the verdict is the one with the overrides */
			const struct pc_ci_run run = {
				.verb = "baseline", .machine = b->machine,
				.r = nafter ? after : before,
				.status = nafter ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK,
			};

			json_decref(x);
			pc_cli_print_ci(cli, &run);
			return;
		}
		pc_cli_print_report(cli, "baseline", nafter ? after : before, x);
		return;
	}
	fprintf(cli->out, "\n  without the overrides (e.g. -cpu host on every host): %s (%zu finding%s",
		nbefore ? "INCOMPATIBLE" : "compatible", nbefore,
		nbefore == 1 ? "" : "s");
	if (nreview)
		fprintf(cli->out, "; %zu to review: more features on the destination", nreview);
	fputs(")\n", cli->out);
	if (cli->verbose)
		print_findings(cli, before);
	fprintf(cli->out, "  with the overrides: %s (every ordered pair of hosts checked)\n",
		nafter ? "INCOMPATIBLE" : "compatible");
	print_findings(cli, after);
}

/* Every ordered pair of hosts without and with the overrides; the status */
static int prove(struct bl *b)
{
	struct pc_check c;
	struct pc_report before, after;
	bool error = false;
	size_t nbefore, nafter, nreview;
	int status = PC_EXIT_ERROR;

	memset(&c, 0, sizeof(c));
	c.machine = b->machine;
	c.smps[0] = 1;
	c.n_smps = 1;
	pc_report_init(&before);
	pc_report_init(&after);
	nbefore = check_all(b->cli, &c, b->plain, b->nh, &before, &error);
	nafter = error ? 0 : check_all(b->cli, &c, b->fixed, b->nh, &after, &error);
	if (!error) {
		/* PC702: the destination's host offers what the guest did
		 * not see */
		nreview = pc_report_count(&before, PC_SEV_REVIEW) - nbefore;
		status = nafter ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
		print_result(b, &before, &after, nbefore, nafter, nreview);
	}
	pc_report_release(&before);
	pc_report_release(&after);
	return status;
}

/* the host sides and the proof, over the loaded tree */
static int run(struct bl *b, const struct pc_side *tree)
{
	struct pc_cli *cli = b->cli;

	if (!pc_machine_find(tree->machines, b->machine)) {
		pc_cli_error(cli, "unknown machine type '%s'", b->machine);
		return PC_EXIT_ERROR;
	}
	b->nf = collect_features(tree->reg, &b->feats);
	if (!b->nf) {
		pc_cli_error(cli, "baseline: no loaded device takes features from the host (no property with host=)");
		return PC_EXIT_ERROR;
	}
	if (cli->format != PC_FMT_TEXT) /* JSON, or a CI format: no text */
		b->jhosts = json_array();
	else
		fprintf(cli->out, "Machine type %s: host-feature intersection of %zu hosts\n\n",
			b->machine, b->nh);
	for (size_t i = 0; i < b->nh; i++)
		host_sides(b, tree, i);
	print_common(b);
	return prove(b);
}

int cmd_baseline(struct pc_cli *cli, int argc, char **argv)
{
	struct bl *b = pc_xcalloc(1, sizeof(*b));
	struct pc_side tree;
	bool bad = false;
	int status = PC_EXIT_ERROR, p;

	b->cli = cli;
	p = parse(b, argc, argv);
	if (p || load_hosts(b)) {
		free(b);
		return p > 0 ? PC_EXIT_OK : PC_EXIT_ERROR;
	}
	if (!pc_cli_load_tree(cli, &tree, &bad)) {
		status = run(b, &tree);
		json_decref(b->jhosts);
		for (size_t i = 0; i < b->nh; i++) {
			for (size_t k = 0; k < b->fixed[i].n_overrides; k++)
				pc_override_release(&b->fixed[i].overrides[k]);
			free(b->fixed[i].overrides);
			free(b->fixed[i].label);
			free(b->plain[i].label);
		}
		free(b->feats);
		pc_side_release(&tree);
	}
	for (size_t i = 0; i < b->nh; i++)
		pc_host_caps_release(&b->hosts[i]);
	free(b);
	return bad ? PC_EXIT_ERROR : status;
}
