/*
 * api-client.c - a program using the INSTALLED libplugcheck, built by
 * tests/install/run.sh outside the source tree with nothing but
 * `pkg-config --cflags --libs plugcheck`.
 *
 *   api-client MACHINE RELEASE [PLUGIN-DIR [ABI-DIR [MACHINE-DIR]]]
 *
 * Checks the installed tree (plus PLUGIN-DIR) against RELEASE and prints
 * the library version, the verdict and the report's exit_status line.
 * Exits with the verdict (0, 1, 2).
 */
#include <stdio.h>
#include <string.h>

#include <plugcheck/libplugcheck.h>
#include <plugcheck/plugin.h>

int main(int argc, char **argv)
{
	struct plugcheck_ctx *ctx;
	char *json = NULL;
	const char *line;
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: api-client MACHINE RELEASE [PLUGIN-DIR [ABI-DIR [MACHINE-DIR]]]\n");
		return 2;
	}
	if (plugcheck_plugin_abi_version() != PLUGCHECK_ABI_VERSION) {
		fprintf(stderr, "api-client: plugin ABI %d, headers say %d\n",
			plugcheck_plugin_abi_version(), PLUGCHECK_ABI_VERSION);
		return 2;
	}
	ctx = plugcheck_ctx_new(0);
	if (!ctx) {
		fprintf(stderr, "api-client: plugcheck_ctx_new failed\n");
		return 2;
	}
	if ((argc > 3 && plugcheck_ctx_add_plugin_dir(ctx, argv[3])) ||
	    (argc > 4 && plugcheck_ctx_set_abi_dir(ctx, argv[4])) ||
	    (argc > 5 && plugcheck_ctx_set_machine_dir(ctx, argv[5]))) {
		fprintf(stderr, "api-client: %s\n", plugcheck_ctx_error(ctx));
		plugcheck_ctx_free(ctx);
		return 2;
	}
	r = plugcheck_check_release(ctx, argv[1], argv[2], &json);
	printf("libplugcheck %s: %s %s: %s\n", plugcheck_version(), argv[1], argv[2],
	       r == PLUGCHECK_COMPATIBLE ? "compatible"
	       : r == PLUGCHECK_INCOMPATIBLE ? "incompatible" : "error");
	if (r == PLUGCHECK_ERROR)
		printf("error: %s\n", plugcheck_ctx_error(ctx));
	if (json && (line = strstr(json, "\"exit_status\"")))
		printf("%.*s\n", (int)strcspn(line, ",\n"), line);
	plugcheck_free(json);
	plugcheck_ctx_free(ctx);
	return r;
}
