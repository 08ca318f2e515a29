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

int cmd_baseline(struct pc_cli *cli, int argc, char **argv)
{
	const char *machine = NULL;
	const char *hostfiles[MAX_HOSTS];
	struct pc_host_caps hosts[MAX_HOSTS];
	struct pc_side tree, plain[MAX_HOSTS], fixed[MAX_HOSTS];
	size_t nh = 0, nf;
	struct feature *feats = NULL;
	struct pc_check c;
	struct pc_report before, after;
	bool bad = false, error = false;
	size_t nbefore, nafter, nreview;
	int status = PC_EXIT_ERROR;
	json_t *jhosts = NULL;

	if (pc_cli_wants_help(argc, argv)) {
		fputs("usage: plugcheck baseline --machine M --host A.caps --host B.caps [...]\n\n"
		      "The host-feature intersection: which features every host shares, and the\n"
		      "feature=off overrides each host must start its devices with so that a\n"
		      "guest can migrate between any two of them.  Both the plain and the fixed\n"
		      "configurations are checked in every direction.  Host files:\n"
		      "Documentation/host-caps.md.\n", cli->out);
		return PC_EXIT_OK;
	}
	{
		const char **hostargs = pc_xcalloc((size_t)argc + 1, sizeof(char *));
		const struct pc_opt opts[] = {
			PC_OPT_STR_ROW("--machine", &machine),
			PC_OPT_LIST_ROW("--host", hostargs, &nh),
			PC_OPTS_END,
		};
		const struct pc_optset set = {
			"baseline", opts, NULL, NULL,
			"baseline: unknown option or missing value '%s'",
		};
		int r = pc_cli_parse_opts(cli, &set, argc, argv);

		if (!r && nh > MAX_HOSTS)
			pc_cli_error(cli, "baseline: at most %d hosts", MAX_HOSTS);
		for (size_t i = 0; i < nh && i < MAX_HOSTS; i++)
			hostfiles[i] = hostargs[i];
		free(hostargs);
		if (r || nh > MAX_HOSTS)
			return PC_EXIT_ERROR;
	}
	if (!machine || nh < 2) {
		pc_cli_error(cli, "baseline: --machine and at least two --host files are required");
		return PC_EXIT_ERROR;
	}
	memset(hosts, 0, sizeof(hosts));
	memset(plain, 0, sizeof(plain));
	memset(fixed, 0, sizeof(fixed));
	for (size_t i = 0; i < nh; i++) {
		struct pc_err err = { 0 };

		if (pc_host_caps_load(hostfiles[i], &hosts[i], &err)) {
			pc_cli_error(cli, "%s", err.msg);
			for (size_t j = 0; j < i; j++)
				pc_host_caps_release(&hosts[j]);
			return PC_EXIT_ERROR;
		}
	}
	if (pc_cli_load_tree(cli, &tree, &bad))
		goto out_hosts;
	if (!pc_machine_find(tree.machines, machine)) {
		pc_cli_error(cli, "unknown machine type '%s'", machine);
		goto out_tree;
	}
	nf = collect_features(tree.reg, &feats);
	if (!nf) {
		pc_cli_error(cli, "baseline: no loaded device takes features from the host (no property with host=)");
		goto out_tree;
	}
	memset(&c, 0, sizeof(c));
	c.machine = machine;
	c.smps[0] = 1;
	c.n_smps = 1;
	if (cli->format == PC_FMT_JSON)
		jhosts = json_array();
	else
		fprintf(cli->out, "Machine type %s: host-feature intersection of %zu hosts\n\n",
			machine, nh);
	for (size_t i = 0; i < nh; i++) {
		struct pc_strbuf offs = PC_STRBUF_INIT, qemu = PC_STRBUF_INIT;
		json_t *jo = NULL, *jov = NULL;

		plain[i] = tree;
		plain[i].own_reg = plain[i].own_machines = false;
		plain[i].overrides = NULL;
		plain[i].n_overrides = 0;
		plain[i].label = pc_xstrdup(hosts[i].name);
		plain[i].origin = NULL;
		plain[i].host = &hosts[i];
		fixed[i] = plain[i];
		fixed[i].label = pc_xstrdup(hosts[i].name);
		if (jhosts) {
			jo = json_object();
			jov = json_array();
			json_object_set_new(jo, "host", json_string(hosts[i].name));
			json_object_set_new(jo, "file", json_string(hosts[i].path));
		}
		for (size_t f = 0; f < nf; f++) {
			const char *cap = feats[f].prop->host_feature;
			bool everywhere = true;
			struct pc_override ov;

			if (!pc_host_caps_has(&hosts[i], cap))
				continue;
			for (size_t j = 0; j < nh; j++)
				everywhere &= pc_host_caps_has(&hosts[j], cap);
			if (everywhere)
				continue;
			ov.target = (char *)(uintptr_t)feats[f].owner->name;
			ov.prop = (char *)(uintptr_t)feats[f].prop->name;
			ov.value = (char *)(uintptr_t)"off";
			ov.per_device = false;
			ov.origin = (char *)(uintptr_t)"baseline";
			pc_side_add_override(&fixed[i], &ov);
			pc_strbuf_addf(&offs, "%s%s=off", offs.len ? "," : "",
				       feats[f].prop->name);
			pc_strbuf_addf(&qemu, " --dst-global %s.%s=off",
				       feats[f].owner->name, feats[f].prop->name);
			if (jov)
				json_array_append_new(jov, json_sprintf("%s.%s=off",
									feats[f].owner->name,
									feats[f].prop->name));
		}
		if (jo) {
			json_object_set_new(jo, "overrides", jov);
			json_object_set_new(jo, "device_options", json_string(offs.buf));
			json_array_append_new(jhosts, jo);
		} else {
			fprintf(cli->out, "  %-10s %s\n", hosts[i].name,
				offs.len ? offs.buf : "(nothing to turn off)");
			if (offs.len)
				fprintf(cli->out, "  %-10s e.g. -cpu host,%s\n", "", offs.buf);
		}
		pc_strbuf_release(&offs);
		pc_strbuf_release(&qemu);
	}
	{
		struct pc_strbuf common = PC_STRBUF_INIT;

		for (size_t f = 0; f < nf; f++) {
			bool everywhere = true;

			for (size_t j = 0; j < nh; j++)
				everywhere &= pc_host_caps_has(&hosts[j],
							       feats[f].prop->host_feature);
			if (everywhere)
				pc_strbuf_addf(&common, "%s%s", common.len ? " " : "",
					       feats[f].prop->host_feature);
		}
		if (!jhosts)
			fprintf(cli->out, "\n  common features: %s\n",
				common.len ? common.buf : "(none)");
		pc_strbuf_release(&common);
	}
	pc_report_init(&before);
	pc_report_init(&after);
	nbefore = check_all(cli, &c, plain, nh, &before, &error);
	nafter = error ? 0 : check_all(cli, &c, fixed, nh, &after, &error);
	if (error)
		goto out_reports;
	/* PC702: the destination's host offers what the guest did not see */
	nreview = pc_report_count(&before, PC_SEV_REVIEW) - nbefore;
	status = nafter ? PC_EXIT_INCOMPATIBLE : PC_EXIT_OK;
	if (jhosts) {
		json_t *x = json_object();

		json_object_set_new(x, "machine", json_string(machine));
		json_object_set_new(x, "hosts", jhosts);
		jhosts = NULL;
		json_object_set_new(x, "without_overrides_incompatible",
				    json_integer((json_int_t)nbefore));
		json_object_set_new(x, "without_overrides_review",
				    json_integer((json_int_t)nreview));
		json_object_set_new(x, "with_overrides_incompatible",
				    json_integer((json_int_t)nafter));
		pc_cli_print_report(cli, "baseline", nafter ? &after : &before, x);
	} else {
		fprintf(cli->out, "\n  without the overrides (e.g. -cpu host on every host): %s (%zu finding%s",
			nbefore ? "INCOMPATIBLE" : "compatible", nbefore,
			nbefore == 1 ? "" : "s");
		if (nreview)
			fprintf(cli->out, "; %zu to review: more features on the destination", nreview);
		fputs(")\n", cli->out);
		if (cli->verbose)
			for (size_t i = 0; i < before.n; i++) {
				struct pc_strbuf sb = PC_STRBUF_INIT;

				pc_finding_format(&before.items[i], &sb);
				fputs(sb.buf, cli->out);
				pc_strbuf_release(&sb);
			}
		fprintf(cli->out, "  with the overrides: %s (every ordered pair of hosts checked)\n",
			nafter ? "INCOMPATIBLE" : "compatible");
		for (size_t i = 0; i < after.n; i++) {
			struct pc_strbuf sb = PC_STRBUF_INIT;

			pc_finding_format(&after.items[i], &sb);
			fputs(sb.buf, cli->out);
			pc_strbuf_release(&sb);
		}
	}
out_reports:
	pc_report_release(&before);
	pc_report_release(&after);
	json_decref(jhosts);
	for (size_t i = 0; i < nh; i++) {
		for (size_t k = 0; k < fixed[i].n_overrides; k++)
			pc_override_release(&fixed[i].overrides[k]);
		free(fixed[i].overrides);
		free(fixed[i].label);
		free(plain[i].label);
	}
out_tree:
	free(feats);
	pc_side_release(&tree);
out_hosts:
	for (size_t i = 0; i < nh; i++)
		pc_host_caps_release(&hosts[i]);
	return bad ? PC_EXIT_ERROR : status;
}
