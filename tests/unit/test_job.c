/*
 * test_job.c - check's modes as library jobs (core/job.h) on the shipped
 * tree: the error each refused request carries (its code is what a
 * caller of the library reacts to), and a job that goes on past a
 * direction it cannot check.
 */
#include <string.h>

#include "job.h"
#include "module.h"
#include "pctest.h"

struct seen {
	size_t bad_plugins, refused;
	enum pc_errcode refused_code;
	char refused_msg[sizeof(((struct pc_err *)0)->msg)];
};

static void seen_bad_plugin(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	(void)msg;
	s->bad_plugins++;
}

static void seen_refused(void *ctx, const struct pc_err *err)
{
	struct seen *s = ctx;

	if (!s->refused++) {
		s->refused_code = err->code;
		snprintf(s->refused_msg, sizeof(s->refused_msg), "%s", err->msg);
	}
}

static void tree_env(struct pc_side_env *env, struct seen *s,
		     const char **dirs)
{
	memset(env, 0, sizeof(*env));
	memset(s, 0, sizeof(*s));
	dirs[0] = pct_path("plugins");
	env->plugin_dirs = dirs;
	env->n_plugin_dirs = 1;
	env->machine_dir = pct_path("machines");
	env->abi_dir = pct_path("abi");
	env->need_hooks = true;
	env->bad_plugin = seen_bad_plugin;
	env->refused = seen_refused;
	env->cb_ctx = s;
}

/* init, load and run 'spec'; the phase that failed (0: none) and 'err' */
static int run_job(const struct pc_job_spec *spec, struct seen *s,
		   struct pc_job *j, struct pc_err *err)
{
	static const char *dirs[1];
	static struct pc_side_env env;
	int phase = 0;

	tree_env(&env, s, dirs);
	pc_err_clear(err);
	CU_ASSERT_EQUAL_FATAL(pc_loader_init(NULL), 0);
	if (pc_job_init(j, &env, spec, err))
		phase = 1;
	else if (pc_job_load(j, err))
		phase = 2;
	else if (pc_job_run(j, err))
		phase = 3;
	return phase;
}

static void done(struct pc_job *j)
{
	pc_job_release(j);
	pc_loader_exit();
}

PCT_TEST("job", unknown_machine_is_not_found)
{
	struct pc_job_spec spec = { .mode = PC_JOB_MAIN, .machine = "pc-q35-51" };
	struct pc_job j;
	struct pc_err err;
	struct seen s;

	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 2);
	PCT_ASSERT_INT_EQ(err.code, PC_E_NOT_FOUND);
	PCT_ASSERT_CONTAINS(err.msg, "did you mean 'pc-q35-5.1'");
	done(&j);
}

PCT_TEST("job", unrecorded_release_is_not_found)
{
	struct pc_job_spec spec = {
		.mode = PC_JOB_RELEASE, .machine = "pc-5.1", .release = "4.2",
	};
	struct pc_job j;
	struct pc_err err;
	struct seen s;

	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 2);
	PCT_ASSERT_INT_EQ(err.code, PC_E_NOT_FOUND);
	PCT_ASSERT_CONTAINS(err.msg, "no baseline for release '4.2'");
	done(&j);
}

PCT_TEST("job", chains_are_bounded_and_well_formed)
{
	/* one more side than a chain may have */
	char longest[4 * (PC_JOB_MAX_CHAIN + 1) + 1] = "";
	struct pc_job_spec spec = { .mode = PC_JOB_CHAIN, .machine = "pc-5.1" };
	const char *bad_hop[] = { "x:virtio-net-pci.mq=off" };
	struct pc_job j;
	struct pc_err err;
	struct seen s;

	for (int i = 0; i <= PC_JOB_MAX_CHAIN; i++)
		strcat(longest, i ? ",8.0" : "8.0");
	spec.chain = longest;
	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 2);
	PCT_ASSERT_INT_EQ(err.code, PC_E_LIMIT);
	done(&j);

	spec.chain = "8.0";
	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 2);
	PCT_ASSERT_INT_EQ(err.code, PC_E_USAGE);
	done(&j);

	spec.chain = "8.0,tree";
	spec.hop_globals = bad_hop;
	spec.n_hop_globals = 1;
	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 2);
	PCT_ASSERT_INT_EQ(err.code, PC_E_USAGE);
	done(&j);

	/* the neighbour: a well-formed two-side chain runs */
	spec.hop_globals = NULL;
	spec.n_hop_globals = 0;
	PCT_ASSERT_INT_EQ(run_job(&spec, &s, &j, &err), 0);
	PCT_ASSERT_INT_EQ(j.n_pairs, 1);
	CU_ASSERT(j.status == PC_JOB_COMPATIBLE || j.status == PC_JOB_INCOMPATIBLE);
	PCT_ASSERT_INT_EQ(s.refused, 0);
	done(&j);
}

PCT_TEST("job", release_job_is_the_main_job_for_one_release)
{
	struct pc_job_spec rel = {
		.mode = PC_JOB_RELEASE, .machine = "pc-5.1", .release = "8.0",
	};
	struct pc_job j;
	struct pc_err err;
	struct seen s;

	PCT_ASSERT_INT_EQ(run_job(&rel, &s, &j, &err), 0);
	/* release -> tree and back, every acknowledged break named */
	PCT_ASSERT_INT_EQ(j.n_pairs, 2);
	PCT_ASSERT_INT_EQ(j.status, PC_JOB_COMPATIBLE);
	PCT_ASSERT_INT_EQ(j.incompatible, 0);
	PCT_ASSERT_INT_EQ(s.bad_plugins, 0);
	PCT_ASSERT_INT_EQ(s.refused, 0);
	done(&j);
}
