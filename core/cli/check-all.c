/*
 * check-all.c - `plugcheck check --all-machines [--shard K/N]`: the main
 * job for every machine type of the machine directory, or for one shard
 * of them, as one report (cmd.h, pc_cli_check_all()).
 *
 * The work units are the machine types in newest-first order
 * (pc_machine_cmp_newest_first(), as list-machines and the release matrix
 * order them); shard K of N takes those at index i with i % N == K - 1,
 * so N parallel CI jobs cover every machine type exactly once and the
 * union of their findings is the unsharded run's.  Each machine type is
 * rendered by check-render.c as `check --machine M` renders it; JSON
 * collects those documents into one.
 */
#define _GNU_SOURCE /* open_memstream */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "machine.h"
#include "report-ci.h"
#include "report-json.h"

#include "banned.h"

/* The machine types of shard spec->shard of spec->nshards, newest first
 * (names borrowed from 'set'); -1 printed when the directory does not
 * load. */
static int shard_machines(struct pc_cli *cli, const struct pc_job_spec *spec,
			  struct pc_machine_set *set, const char ***names,
			  size_t *n)
{
	struct pc_err err = { 0 };
	const struct pc_machine **ms;
	size_t nshards = spec->nshards ? spec->nshards : 1;

	if (pc_machines_load_dir(set, cli->machine_dir, &err)) {
		pc_cli_error(cli, "%s", err.msg);
		return -1;
	}
	ms = pc_xcalloc(set->n_machines + 1, sizeof(*ms));
	for (size_t i = 0; i < set->n_machines; i++)
		ms[i] = set->machines[i];
	qsort(ms, set->n_machines, sizeof(*ms), pc_machine_cmp_newest_first);
	*names = pc_xcalloc(set->n_machines + 1, sizeof(**names));
	*n = 0;
	for (size_t i = 0; i < set->n_machines; i++)
		if (i % nshards == spec->shard)
			(*names)[(*n)++] = ms[i]->name;
	free(ms);
	return 0;
}

/* A machine type's document in JSON or SARIF, parsed, appended to
 * 'runs' (SARIF: its runs, one a checked machine type) */
static void add_doc(struct pc_cli *cli, const struct pc_job_spec *spec,
		    int status, const char *buf, size_t len, json_t *runs)
{
	json_t *doc = len ? json_loadb(buf, len, 0, NULL) : NULL;

	if (cli->format == PC_FMT_SARIF) {
		json_array_extend(runs, json_object_get(doc, "runs"));
		json_decref(doc);
		return;
	}
	if (!doc)
		doc = json_pack("{s:s, s:i}", "machine", spec->machine,
				"exit_status", status);
	json_array_append_new(runs, doc);
}

/* One machine type's main job, rendered as `check --machine M` does;
 * in JSON and SARIF its document is appended to 'runs' instead of
 * printed (JUnit: its <testsuite> alone, cli->junit_suites). */
static int run_one(struct pc_cli *cli, const struct pc_job_spec *spec,
		   const struct pc_side_env *env, json_t *runs)
{
	struct pc_job j;
	struct pc_err err = { 0 };
	FILE *out = cli->out, *mem = NULL;
	char *buf = NULL;
	size_t len = 0;
	int status = PC_EXIT_ERROR;

	if (runs) {
		mem = open_memstream(&buf, &len);
		if (!mem) {
			pc_cli_error(cli, "check: out of memory");
			return PC_EXIT_ERROR;
		}
		cli->out = mem;
	}
	if (pc_job_init(&j, env, spec, &err) || pc_job_load(&j, &err)) {
		pc_cli_error(cli, "%s: %s", spec->machine, err.msg);
	} else {
		pc_cli_progress_clear(cli); /* the report goes on the terminal */
		pc_cli_check_header(cli, &j);
		if (pc_job_run(&j, &err)) {
			pc_cli_error(cli, "%s: %s", spec->machine, err.msg);
		} else {
			pc_cli_progress_clear(cli);
			pc_cli_check_render(cli, &j);
			status = (int)j.status;
		}
	}
	pc_job_release(&j);
	if (mem) {
		fclose(mem);
		cli->out = out;
		add_doc(cli, spec, status, buf, len, runs);
		free(buf);
	}
	return status;
}

/* SARIF: one log, a run per machine type (each with its tool and rules) */
static void sarif_summary(struct pc_cli *cli, json_t *runs)
{
	json_t *log = json_pack("{s:s, s:s, s:O}", "$schema",
				"https://json.schemastore.org/sarif-2.1.0.json",
				"version", "2.1.0", "runs", runs);
	char *s = json_dumps(log, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	fputs(s, cli->out);
	fputc('\n', cli->out);
	free(s);
	json_decref(log);
	json_decref(runs);
}

/* the totals: a line in text, the document in JSON and SARIF (nothing
 * more in JUnit and the line formats) */
static void summary(struct pc_cli *cli, const struct pc_job_spec *spec,
		    size_t n, const char *incompatible, size_t nbad,
		    size_t nerr, int status, json_t *runs)
{
	size_t nshards = spec->nshards ? spec->nshards : 1;

	if (cli->format == PC_FMT_SARIF) {
		sarif_summary(cli, runs);
		return;
	}
	if (pc_cli_ci_format(cli))
		return;
	if (runs) {
		json_t *x = json_object();

		json_object_set_new(x, "verb", json_string("check"));
		json_object_set_new(x, "mode", json_string("all-machines"));
		json_object_set_new(x, "shard", json_integer((json_int_t)spec->shard + 1));
		json_object_set_new(x, "shards", json_integer((json_int_t)nshards));
		json_object_set_new(x, "machine_types", json_integer((json_int_t)n));
		json_object_set_new(x, "runs", runs);
		json_object_set_new(x, "incompatible_machine_types", json_integer((json_int_t)nbad));
		json_object_set_new(x, "error_machine_types", json_integer((json_int_t)nerr));
		json_object_set_new(x, "exit_status", json_integer(status));
		pc_cli_print_doc(cli, x);
		return;
	}
	fprintf(cli->out, "\nall machine types");
	if (nshards > 1)
		fprintf(cli->out, " (shard %zu of %zu)", spec->shard + 1, nshards);
	fprintf(cli->out, ": %zu checked, %zu incompatible%s%s, %zu with input errors\n",
		n, nbad, nbad ? ": " : "", incompatible, nerr);
	fprintf(cli->out, "result: %s\n",
		status == PC_EXIT_ERROR ? "error (input problems above)"
		: status ? "INCOMPATIBLE" : "compatible");
}

int pc_cli_check_all(struct pc_cli *cli, struct pc_job_spec *spec,
		     const struct pc_side_env *env)
{
	struct pc_machine_set *set = pc_machine_set_new();
	struct pc_strbuf bad = PC_STRBUF_INIT;
	const char **names = NULL;
	bool docs = cli->format == PC_FMT_JSON || cli->format == PC_FMT_SARIF;
	json_t *runs = docs ? json_array() : NULL;
	struct pc_ci_totals junit = { 0 };
	FILE *out = cli->out, *mem = NULL;
	char *suites = NULL;
	size_t n = 0, nbad = 0, nerr = 0, len = 0;
	int status = PC_EXIT_OK;

	if (cli->format == PC_FMT_HTML) {
		/* one page a machine type would not be one document */
		pc_cli_error(cli, "--format html: check --all-machines writes text, json, sarif, junit, github or gnu (one page over every machine type: check --release-matrix --format html)");
		pc_machine_set_free(set);
		return PC_EXIT_ERROR;
	}
	if (shard_machines(cli, spec, set, &names, &n)) {
		json_decref(runs);
		pc_machine_set_free(set);
		return PC_EXIT_ERROR;
	}
	if (cli->format == PC_FMT_JUNIT) {
		/* the suites first, under one <testsuites> with their totals */
		mem = open_memstream(&suites, &len);
		if (!mem) {
			pc_cli_error(cli, "check: out of memory");
			free(names);
			pc_machine_set_free(set);
			return PC_EXIT_ERROR;
		}
		cli->out = mem;
		cli->junit_suites = &junit;
	}
	for (size_t i = 0; i < n; i++) {
		int st;

		spec->machine = names[i];
		pc_progress("all machine types", i, n);
		st = run_one(cli, spec, env, runs);
		if (st == PC_EXIT_INCOMPATIBLE)
			pc_strbuf_addf(&bad, "%s%s", nbad++ ? ", " : "", names[i]);
		nerr += st == PC_EXIT_ERROR;
		if (st > status)
			status = st;
		if (!runs && !pc_cli_ci_format(cli) && i + 1 < n)
			fputc('\n', cli->out);
	}
	spec->machine = NULL;
	pc_progress("all machine types", n, n);
	if (mem) {
		fclose(mem);
		cli->out = out;
		cli->junit_suites = NULL;
		pc_ci_junit_open(out, &junit);
		fwrite(suites, 1, len, out);
		pc_ci_junit_close(out);
		free(suites);
	}
	summary(cli, spec, n, bad.buf, nbad, nerr, status, runs);
	pc_strbuf_release(&bad);
	free(names);
	pc_machine_set_free(set);
	return status;
}
