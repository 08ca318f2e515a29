/*
 * test_cmdline.c - the command line as a GNU tool's (issue 18): getopt_long
 * spellings (--opt=value, --opt value, "--", bundled -qv, prefixes),
 * did-you-mean and ambiguous options, `help VERB` against `VERB --help`
 * for every verb, `info NAME`, --color and NO_COLOR, and the bash
 * completion run for real.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pctest.h"
#include "util.h"

#define RUN(out, err, ...)                                                  \
	pct_run_cli((const char *const[]){ "plugcheck", __VA_ARGS__, NULL }, \
		    out, err)
#define RUN_ENV(env, out, err, ...)                                         \
	pct_run_cli_env((const char *const[]){ "plugcheck", __VA_ARGS__, NULL }, \
			env, out, err)

static void release2(char *a, char *b)
{
	free(a);
	free(b);
}

/* The verbs `plugcheck --help` lists (its "Verbs:" block). */
static size_t listed_verbs(char ***out)
{
	char *o, *e, *p, *end;
	size_t n = 0;

	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--help"), 0);
	*out = pc_xcalloc(64, sizeof(char *));
	p = strstr(o, "\nVerbs:\n");
	PCT_ASSERT_CONTAINS(o, "\nVerbs:\n");
	end = p ? strstr(p, "\n\n") : NULL;
	for (p = p ? p + 8 : NULL; p && p < end && n < 63;) {
		char *nl = strchr(p, '\n');

		if (!strncmp(p, "  ", 2)) {
			size_t len = strcspn(p + 2, " ");

			(*out)[n++] = pc_xstrndup(p + 2, len);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	release2(o, e);
	return n;
}

PCT_TEST("cmdline", help_verb_equals_verb_help_for_every_verb)
{
	char **verbs;
	size_t n = listed_verbs(&verbs);

	PCT_ASSERT_INT_EQ(n >= 13, 1);
	for (size_t i = 0; i < n; i++) {
		char *o1, *e1, *o2, *e2;

		PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "help", verbs[i]), 0);
		PCT_ASSERT_INT_EQ(RUN(&o2, &e2, verbs[i], "--help"), 0);
		PCT_ASSERT_CONTAINS(o1, "usage: plugcheck");
		PCT_ASSERT_STR_EQ(o1, o2);
		release2(o1, e1);
		release2(o2, e2);
		free(verbs[i]);
	}
	free(verbs);
	{
		char *o, *e;

		PCT_ASSERT_INT_EQ(RUN(&o, &e, "help", "chek"), 2);
		PCT_ASSERT_CONTAINS(e, "unknown verb 'chek' (did you mean 'check'?)");
		release2(o, e);
	}
}

PCT_TEST("cmdline", getopt_spellings_agree)
{
	char *o1, *e1, *o2, *e2, *o3, *e3;

	/* --opt=value, --opt value, a unique prefix, globals before the verb
	 * and bundled short options give one output */
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "check", "--machine=pc-5.1", "--from=7.2",
			      "--to", "tree", "-q"), 0);
	PCT_ASSERT_INT_EQ(RUN(&o2, &e2, "-q", "check", "--machine", "pc-5.1",
			      "--fr", "7.2", "--to=tree"), 0);
	PCT_ASSERT_INT_EQ(RUN(&o3, &e3, "--format=text", "check", "-qv",
			      "--machine", "pc-5.1", "--from", "7.2"), 0);
	PCT_ASSERT_CONTAINS(o1, "result: compatible");
	PCT_ASSERT_STR_EQ(o1, o2);
	/* -v shows more detail: -qv is both flags */
	PCT_ASSERT_CONTAINS(o3, "result: compatible");
	PCT_ASSERT_CONTAINS(e3, "plugins:");
	release2(o1, e1);
	release2(o2, e2);
	release2(o3, e3);
	/* -vv counts twice like -v -v */
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "list-machines", "-vv"), 0);
	release2(o1, e1);
	/* "--" ends the options: what follows is an argument */
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "info", "--", "plugins/pci/pci.so"), 0);
	PCT_ASSERT_CONTAINS(o1, "name:         pci\n");
	release2(o1, e1);
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "info", "--", "--format"), 2);
	release2(o1, e1);
}

PCT_TEST("cmdline", misspelt_and_ambiguous_options)
{
	char *o, *e;

	PCT_ASSERT_INT_EQ(RUN(&o, &e, "check", "--mahcine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(e, "check: unknown option '--mahcine' (did you mean '--machine'?)");
	/* refused before any value is taken */
	PCT_ASSERT_NOT_CONTAINS(e, "pc-5.1");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--machine", "pc-5.1", "--smpp", "2"), 2);
	PCT_ASSERT_CONTAINS(e, "(did you mean '--smp'?)");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "check", "--machine", "pc-5.1", "--s", "1"), 2);
	PCT_ASSERT_CONTAINS(e, "check: option '--s' is ambiguous: --shard, --smp, --src-global, --src-host");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "check", "--carry=yes", "--machine", "pc-5.1"), 2);
	PCT_ASSERT_CONTAINS(e, "check: option '--carry' takes no value");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "check", "--machine"), 2);
	PCT_ASSERT_CONTAINS(e, "check: option '--machine' needs a value");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "lint", "-x"), 2);
	PCT_ASSERT_CONTAINS(e, "lint: unknown option '-x'");
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--color=sometimes", "list-machines"), 2);
	PCT_ASSERT_CONTAINS(e, "--color: expected 'auto', 'always' or 'never', found 'sometimes'");
	release2(o, e);
}

PCT_TEST("cmdline", info_by_plugin_or_type_name)
{
	char *o1, *e1, *o2, *e2;
	const char *good = pct_path("tests/fixtures/plugins/fx-good");
	const char *ambig = pct_path("tests/fixtures/plugins/fx-ambig");

	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "info", "pci"), 0);
	PCT_ASSERT_INT_EQ(RUN(&o2, &e2, "info", "pcie-root-port"), 0);
	PCT_ASSERT_CONTAINS(o1, "/plugins/pci/pci.so\n");
	PCT_ASSERT_STR_EQ(o1, o2);
	release2(o1, e1);
	release2(o2, e2);
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "info", "pcie-root-prot"), 2);
	PCT_ASSERT_CONTAINS(e1, "info: no file, plugin or device type 'pcie-root-prot' (did you mean 'pcie-root-port'?)");
	release2(o1, e1);
	/* fx-ambig is called like fx-good's type: both plugins named */
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "--no-default-plugins", "--plugin-dir", good,
			      "--plugin-dir", ambig, "info", "fx-good-dev"), 2);
	PCT_ASSERT_CONTAINS(e1, "info: 'fx-good-dev' is ambiguous");
	PCT_ASSERT_CONTAINS(e1, "fx-ambig/fx-ambig.so");
	PCT_ASSERT_CONTAINS(e1, "fx-good/fx-good.so");
	release2(o1, e1);
	PCT_ASSERT_INT_EQ(RUN(&o1, &e1, "--no-default-plugins", "--plugin-dir", good,
			      "--plugin-dir", ambig, "info", "fx-ambig-dev"), 0);
	PCT_ASSERT_CONTAINS(o1, "name:         fx-good-dev\n");
	release2(o1, e1);
}

#define ESC "\033["

PCT_TEST("cmdline", color_always_never_no_color_and_pipes)
{
	static const char *const no_color[] = { "NO_COLOR=1", NULL };
	static const char *const empty_no_color[] = { "NO_COLOR=", NULL };
	char *o, *e;

	/* always: the verdict painted, also with NO_COLOR */
	PCT_ASSERT_INT_EQ(RUN_ENV(no_color, &o, &e, "--color=always", "--machine",
				  "pc-5.1", "--from", "7.2"), 0);
	PCT_ASSERT_CONTAINS(o, "result: " ESC "1;32mcompatible" ESC "0m:");
	release2(o, e);
	/* an incompatible pair: INCOMPATIBLE red, the severity red */
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--color", "always", "check", "--machine",
			      "pc-q35-7.2", "--from", "8.0", "--to", "8.0.1"), 1);
	PCT_ASSERT_CONTAINS(o, ESC "1;31mINCOMPATIBLE" ESC "0m");
	PCT_ASSERT_CONTAINS(o, ESC "1;31mincompatible" ESC "0m [");
	release2(o, e);
	/* never, and auto on a pipe (NO_COLOR empty: not honoured) */
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--color=never", "check", "--machine",
			      "pc-q35-7.2", "--from", "8.0", "--to", "8.0.1"), 1);
	PCT_ASSERT_NOT_CONTAINS(o, ESC);
	release2(o, e);
	PCT_ASSERT_INT_EQ(RUN_ENV(empty_no_color, &o, &e, "--color=auto", "--machine",
				  "pc-5.1", "--from", "7.2"), 0);
	PCT_ASSERT_NOT_CONTAINS(o, ESC);
	release2(o, e);
	/* machine formats are never painted */
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--color=always", "--format=json", "check",
			      "--machine", "pc-q35-7.2", "--from", "8.0", "--to",
			      "8.0.1"), 1);
	PCT_ASSERT_NOT_CONTAINS(o, ESC);
	release2(o, e);
	/* error: on stderr with always */
	PCT_ASSERT_INT_EQ(RUN(&o, &e, "--color=always", "check"), 2);
	PCT_ASSERT_CONTAINS(e, ESC "1;31merror:" ESC "0m");
	release2(o, e);
}

/* stdout of 'cmd' run by sh, into a string (the caller frees) */
static char *sh_out(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	struct pc_strbuf sb = PC_STRBUF_INIT;
	char buf[4096];
	size_t n;

	PCT_ASSERT_INT_EQ(p != NULL, 1);
	while (p && (n = fread(buf, 1, sizeof(buf), p)) > 0)
		pc_strbuf_add(&sb, buf, n);
	*status = p ? pclose(p) : -1;
	return pc_strbuf_detach(&sb);
}

PCT_TEST("cmdline", color_auto_on_a_terminal)
{
	int st;
	char *cmd, *out;

	if (system("command -v script >/dev/null 2>&1")) {
		fprintf(stderr, "\n  SKIPPED: script(1) not installed, no terminal to test --color=auto on\n");
		return;
	}
	/* script(1) gives plugcheck a terminal */
	cmd = pc_xasprintf("cd '%s' && NO_COLOR= script -qec './plugcheck --machine pc-5.1 --from 7.2' /dev/null",
			   pct_srcdir());
	out = sh_out(cmd, &st);
	PCT_ASSERT_CONTAINS(out, ESC "1;32mcompatible" ESC "0m");
	free(out);
	free(cmd);
	cmd = pc_xasprintf("cd '%s' && NO_COLOR=1 script -qec './plugcheck --machine pc-5.1 --from 7.2' /dev/null",
			   pct_srcdir());
	out = sh_out(cmd, &st);
	PCT_ASSERT_CONTAINS(out, "result: compatible");
	PCT_ASSERT_NOT_CONTAINS(out, ESC);
	free(out);
	free(cmd);
}

/* bash completion of 'words' (the last completed), run for real */
static char *bash_complete(const char *words, int cword)
{
	int st;
	char *cmd = pc_xasprintf(
		"cd '%s' && bash -c 'source completion/plugcheck.bash; "
		"COMP_WORDS=(./plugcheck %s); COMP_CWORD=%d; _plugcheck; "
		"printf \"%%s\\n\" \"${COMPREPLY[@]}\"'",
		pct_srcdir(), words, cword);
	char *out = sh_out(cmd, &st);

	PCT_ASSERT_INT_EQ(st, 0);
	free(cmd);
	return out;
}

PCT_TEST("cmdline", bash_completion)
{
	char *o;

	o = bash_complete("li", 1);
	PCT_ASSERT_STR_EQ(o, "list-machines\nlist-plugins\nlint\n");
	free(o);
	/* a verb's options from its table, the global ones too */
	o = bash_complete("check --ch", 2);
	PCT_ASSERT_STR_EQ(o, "--chain\n");
	free(o);
	o = bash_complete("migrate --see", 2);
	PCT_ASSERT_STR_EQ(o, "--seed\n");
	free(o);
	o = bash_complete("lint --col", 2);
	PCT_ASSERT_STR_EQ(o, "--color\n");
	free(o);
	/* machine types, also after bash split --machine=... at '=' */
	o = bash_complete("check --machine pc-q35-7.", 3);
	PCT_ASSERT_STR_EQ(o, "pc-q35-7.0\npc-q35-7.1\npc-q35-7.2\n");
	free(o);
	o = bash_complete("--machine = pc-q35-7.", 3);
	PCT_ASSERT_STR_EQ(o, "pc-q35-7.0\npc-q35-7.1\npc-q35-7.2\n");
	free(o);
	/* releases, with "tree" */
	o = bash_complete("check --machine pc-5.1 --from 8.0", 5);
	PCT_ASSERT_STR_EQ(o, "8.0.1\n8.0\n");
	free(o);
	o = bash_complete("suggest --to t", 3);
	PCT_ASSERT_STR_EQ(o, "tree\n");
	free(o);
	/* plugin, type and property names of the tree */
	o = bash_complete("info virtio-bl", 2);
	PCT_ASSERT_CONTAINS(o, "virtio-blk\n");
	PCT_ASSERT_CONTAINS(o, "virtio-blk-pci\n");
	free(o);
	o = bash_complete("props --machine pc-5.1 --explain virtio-blk-device.num-q", 5);
	PCT_ASSERT_STR_EQ(o, "virtio-blk-device.num-queues\n");
	free(o);
	o = bash_complete("--format j", 2);
	PCT_ASSERT_STR_EQ(o, "json\njunit\n");
	free(o);
	o = bash_complete("--format h", 2);
	PCT_ASSERT_STR_EQ(o, "html\n");
	free(o);
	/* a file goes there: nothing (bash completes files) */
	o = bash_complete("check --src-host \"\"", 3);
	PCT_ASSERT_STR_EQ(o, "\n");
	free(o);
}

PCT_TEST("cmdline", zsh_completion)
{
	int st;
	char *cmd, *out;

	if (system("command -v zsh >/dev/null 2>&1")) {
		fprintf(stderr, "\n  SKIPPED: zsh not installed, its completion is not run (bash's is)\n");
		return;
	}
	cmd = pc_xasprintf(
		"cd '%s' && zsh -fc 'autoload -Uz compinit; compinit -u; "
		"compadd() { shift $(( ${@[(i)--]} )); print -l -- \"$@\"; }; "
		"_files() { :; }; source completion/_plugcheck 2>/dev/null; "
		"words=(./plugcheck check --machine pc-q35-7.); CURRENT=4; _plugcheck'",
		pct_srcdir());
	out = sh_out(cmd, &st);
	PCT_ASSERT_CONTAINS(out, "pc-q35-7.2\n");
	free(out);
	free(cmd);
}
