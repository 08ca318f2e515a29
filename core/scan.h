/*
 * scan.h - running a plugin's code for the first time in a child process.
 *
 * Loading a shared object runs its constructors, and a plugin's init runs
 * right after; both are code we did not write.  Like GStreamer's
 * gst-plugin-scanner, the loader first loads each plugin in a forked child
 * that reports back over a pipe: a plugin that crashes (SIGSEGV, abort),
 * calls exit() or hangs in its constructor or init takes only the child
 * down.  The parent loads the plugin itself only once the child has shown
 * that doing so returns.  Design: Documentation/hardening.md.
 *
 * Failure behaviour: the scan never prints and never takes the caller
 * down; every outcome is a struct pc_scan_result.  The child's stdout is
 * sent to stderr so a chatty constructor cannot corrupt our output.
 */
#ifndef PC_SCAN_H
#define PC_SCAN_H

#include <stdbool.h>

#include "model.h"
#include "util.h"

#define PC_SCAN_TIMEOUT_MS_DEFAULT 10000u

enum pc_scan_status {
	PC_SCAN_OK,      /* loaded, verified and initialised in the child */
	PC_SCAN_REFUSED, /* a clean refusal: dlopen error, bad record, init */
	PC_SCAN_CRASHED, /* the child died of a signal */
	PC_SCAN_EXITED,  /* the child exited before answering (exit() called) */
	PC_SCAN_HUNG,    /* no answer within the timeout: killed */
	PC_SCAN_ERROR,   /* the scan itself could not run (fork, pipe) */
};

struct pc_scan_result {
	enum pc_scan_status status;
	int signo;        /* PC_SCAN_CRASHED */
	int exit_status;  /* PC_SCAN_EXITED */
	char msg[2048];   /* the full diagnostic, "PATH: what happened" */
};

/*
 * Load 'p' (already inspected and past the ABI gate) in a child process
 * with pc_plugin_load_code(), waiting at most 'timeout_ms'.  'p' is not
 * modified.  Returns 0 when the status is PC_SCAN_OK, else -1 with the
 * reason in 'res->msg'.
 */
int pc_scan_plugin(const struct pc_plugin *p, unsigned timeout_ms,
		   struct pc_scan_result *res);

/*
 * Is a failure of this kind the plugin's own doing, stable as long as the
 * file does not change (crash, exit, hang)?  Those are worth caching;
 * refusals (a missing library may be installed later) are re-checked.
 */
bool pc_scan_status_cacheable(enum pc_scan_status s);

#endif /* PC_SCAN_H */
