/*
 * test_api.c - libplugcheck's public API (abi/include/plugcheck/libplugcheck.h)
 * on the shipped tree: verdicts, JSON reports, errors.  The installed
 * shared library is exercised separately by tests/install/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugcheck/libplugcheck.h"
#include "plugcheck/plugin.h"
#include "pctest.h"
#include "util.h"

static struct plugcheck_ctx *tree_ctx(const char *abi_dir)
{
	struct plugcheck_ctx *ctx = plugcheck_ctx_new(PLUGCHECK_CTX_NO_DEFAULT_PLUGINS);

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(plugcheck_ctx_add_plugin_dir(ctx, pct_path("plugins")), 0);
	CU_ASSERT_EQUAL(plugcheck_ctx_set_machine_dir(ctx, pct_path("machines")), 0);
	CU_ASSERT_EQUAL(plugcheck_ctx_set_abi_dir(ctx, abi_dir ? abi_dir : pct_path("abi")), 0);
	return ctx;
}

PCT_TEST("api", versions)
{
	PCT_ASSERT_STR_EQ(plugcheck_version(), PC_VERSION);
	PCT_ASSERT_INT_EQ(plugcheck_plugin_abi_version(), PLUGCHECK_ABI_VERSION);
	CU_ASSERT_PTR_NULL(plugcheck_ctx_new(0x80));
	plugcheck_ctx_free(NULL);
	plugcheck_free(NULL);
}

PCT_TEST("api", shipped_tree_against_a_release)
{
	struct plugcheck_ctx *ctx = tree_ctx(NULL);
	char *json = NULL;
	int r = plugcheck_check_release(ctx, "pc-5.1", "8.0", &json);

	PCT_ASSERT_INT_EQ(r, PLUGCHECK_COMPATIBLE);
	PCT_ASSERT_STR_EQ(plugcheck_ctx_error(ctx), "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	PCT_ASSERT_CONTAINS(json, "\"machine\": \"pc-q35-5.1\"");
	PCT_ASSERT_CONTAINS(json, "\"mode\": \"library\"");
	PCT_ASSERT_CONTAINS(json, "\"exit_status\": 0");
	PCT_ASSERT_CONTAINS(json, "\"source\": \"8.0\"");
	PCT_ASSERT_CONTAINS(json, "\"known\": true");
	plugcheck_free(json);
	/* without asking for the report */
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "q35", "11.0", NULL),
			  PLUGCHECK_COMPATIBLE);
	plugcheck_ctx_free(ctx);
}

PCT_TEST("api", unacknowledged_break_is_incompatible)
{
	/* the 8.0 baseline without the known-breaks file: the AER break shows */
	char *dir = pct_tmpdir("api");
	char *cmd = pc_xasprintf("mkdir -p '%s/releases' && cp -r '%s' '%s' '%s/releases/'",
				 dir, pct_path("abi/releases/8.0.json"),
				 pct_path("abi/releases/declarations"), dir);
	struct plugcheck_ctx *ctx;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	ctx = tree_ctx(dir);
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-7.2", "8.0", &json),
			  PLUGCHECK_INCOMPATIBLE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	PCT_ASSERT_CONTAINS(json, "\"rule\": \"PC401\"");
	PCT_ASSERT_CONTAINS(json, "\"exit_status\": 1");
	plugcheck_free(json);
	plugcheck_ctx_free(ctx);
	free(cmd);
	free(dir);
}

PCT_TEST("api", input_errors)
{
	struct plugcheck_ctx *ctx = tree_ctx(NULL);
	char *json = (char *)1;

	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-q35-51", "8.0", &json),
			  PLUGCHECK_ERROR);
	CU_ASSERT_PTR_NULL(json);
	PCT_ASSERT_CONTAINS(plugcheck_ctx_error(ctx), "unknown machine type 'pc-q35-51' (did you mean 'pc-q35-5.1'?)");
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_NOT_FOUND);
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-5.1", "4.2", NULL),
			  PLUGCHECK_ERROR);
	PCT_ASSERT_CONTAINS(plugcheck_ctx_error(ctx), "no baseline for release '4.2'");
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_NOT_FOUND);
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-5.1", "x", NULL),
			  PLUGCHECK_ERROR);
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_USAGE);
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-q35-11.0", "8.0", NULL),
			  PLUGCHECK_ERROR);
	PCT_ASSERT_CONTAINS(plugcheck_ctx_error(ctx), "does not know machine type 'pc-q35-11.0'");
	CU_ASSERT_EQUAL(plugcheck_ctx_add_plugin_dir(ctx, ""), -1);
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_USAGE);
	CU_ASSERT_EQUAL(plugcheck_ctx_set_abi_dir(ctx, NULL), -1);
	/* a call that succeeds clears the error and its code */
	CU_ASSERT_EQUAL(plugcheck_ctx_set_abi_dir(ctx, pct_path("abi")), 0);
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_NONE);
	PCT_ASSERT_STR_EQ(plugcheck_ctx_error(ctx), "");
	/* an unreadable machine directory is an I/O error */
	CU_ASSERT_EQUAL(plugcheck_ctx_set_machine_dir(ctx, "/nonexistent/machines"), 0);
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-5.1", "8.0", NULL),
			  PLUGCHECK_ERROR);
	PCT_ASSERT_INT_EQ(plugcheck_ctx_error_code(ctx), PLUGCHECK_E_IO);
	plugcheck_ctx_free(ctx);

	/* fail closed: no plugins at all */
	ctx = plugcheck_ctx_new(PLUGCHECK_CTX_NO_DEFAULT_PLUGINS);
	plugcheck_ctx_set_machine_dir(ctx, pct_path("machines"));
	plugcheck_ctx_set_abi_dir(ctx, pct_path("abi"));
	PCT_ASSERT_INT_EQ(plugcheck_check_release(ctx, "pc-5.1", "8.0", NULL),
			  PLUGCHECK_ERROR);
	CU_ASSERT_STRING_NOT_EQUAL(plugcheck_ctx_error(ctx), "");
	plugcheck_ctx_free(ctx);
}
