/*
 * test_badinput.c - the catalogue of bad inputs: for every format
 * plugcheck reads (plugin ELF files and their declarations, machine
 * descriptors, release baselines, the known-breaks file, host
 * capabilities, QEMU dumps, the command line), inputs that are empty,
 * truncated, binary garbage, huge numbers, deeply nested, cyclic,
 * duplicated, unknown or of the wrong type.  Each case runs the CLI on
 * it and asserts exit status 2 and the exact error line (file, line or
 * offset or JSON path, what was expected).
 *
 * In a case, "$D" is the case's scratch directory and "$S" the source
 * tree.  File contents starting with '@' are made by the test:
 *   @copy:REL       a copy of REL from the source tree
 *   @head:N:REL     its first N bytes
 *   @decl:TEXT      the fx-canvas fixture plugin with TEXT as declaration
 *                   ('\1' in TEXT stands for a NUL byte)
 *   @sub:REL|OLD|NEW   REL with the first OLD replaced by NEW
 *   @tail:REL|TEXT  REL with TEXT after it
 * An expected line starting with "@prefix:" need only start with the rest
 * (for messages that quote a very long input).
 *   @nest:N:OPEN:CLOSE   OPEN N times, then CLOSE N times
 *   @garbage:N      N bytes of fixed pseudo-random binary data
 *   @fixture:NAME   a copy of fixture plugin NAME
 *   @chmod:MODE     (on path ".") the directory's mode
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fxplug.h"
#include "pctest.h"
#include "util.h"

/* the table leaves the trailing 'env' out where it is not needed */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct bad_case {
	const char *name;
	const char *files[6][2];
	const char *argv[14];
	const char *want; /* the exact stderr line, without "plugcheck: error: " */
	const char *env;  /* one extra NAME=value, or NULL */
};

#define MACH_OK "machine t-1.0\nfamily t\nversion 1.0\n"
#define FAM_OK "family t\ndefaults t_defaults\nlatest-alias t\n"
#define DEFAULTS_OK "array t_defaults\ndev-a prop-a 1\n"
#define LIST_MACHINES "plugcheck", "--machine-dir", "$D", "list-machines"
#define MAIN_JOB "plugcheck", "--abi-dir", "$D", "--machine", "pc-5.1"
#define QDIFF "plugcheck", "qemu-diff", "$D/a.json", "$D/b.json"
#define QDUMP_OK "{\"vmschkmachine\": {\"Name\": \"pc-q35-9.0\"}}"
#define HOSTS "plugcheck", "baseline", "--machine", "q35", "--host", "$D/a.caps", \
	"--host", "$D/b.caps"
#define CAPS_OK "host B\ncap pcid\n"
#define INFO "plugcheck", "info", "$D/x.so"
#define PLUGIN_DIR_LIST "plugcheck", "--no-default-plugins", "--plugin-dir", "$D", "list-plugins"
#define R10(x) x x x x x x x x x x
#define R1000(x) R10(R10(R10(x)))
#define DECL_HEAD "plugcheck-abi 1\nplugin fx-canvas 1.0\n"

static const struct bad_case cases[] = {
	/* ---- plugin files: ELF ---- */
	{ "elf-empty", { { "x.so", "" } }, { INFO },
	  "$D/x.so: not an ELF file (expected a shared object starting with \\177ELF)" },
	{ "elf-text", { { "x.so", "#!/bin/sh\nexit 0\n" } }, { INFO },
	  "$D/x.so: not an ELF file (expected a shared object starting with \\177ELF)" },
	{ "elf-garbage", { { "x.so", "@garbage:4096" } }, { INFO },
	  "$D/x.so: not an ELF file (expected a shared object starting with \\177ELF)" },
	{ "elf-magic-only", { { "x.so", "\177ELF" } }, { INFO },
	  "$D/x.so: truncated ELF: 4 bytes, too short for an ELF header" },
	{ "elf-truncated", { { "x.so", "@head:4000:tests/fixtures/plugins/fx-good/fx-good.so" } },
	  { INFO }, "@prefix:$D/x.so: truncated ELF: section header table at bytes " },
	{ "elf-no-section", { { "x.so", "@copy:core/libplugcheck.so" } }, { INFO },
	  "$D/x.so: not a plugcheck plugin (no .plugcheck section)" },
	{ "elf-wrong-abi", { { "x.so", "@fixture:fx-wrongabi" } }, { INFO },
	  "$D/x.so: plugin ABI version 99, this plugcheck supports 1 (rebuild the plugin against this plugcheck's headers)" },
	/* ---- ELF files for another machine: what the file is, what we load ---- */
	{ "elf-32-bit", { { "x.so", "@poke:4=1:tests/fixtures/plugins/fx-good/fx-good.so" } }, { INFO },
	  "$D/x.so: a 32-bit little-endian ELF file; this plugcheck loads 64-bit little-endian x86-64 shared objects" },
	{ "elf-big-endian", { { "x.so", "@poke:5=2:tests/fixtures/plugins/fx-good/fx-good.so" } }, { INFO },
	  "$D/x.so: a 64-bit big-endian ELF file; this plugcheck loads 64-bit little-endian x86-64 shared objects" },
	{ "elf-other-machine", { { "x.so", "@poke:18=0xb7,19=0:tests/fixtures/plugins/fx-good/fx-good.so" } },
	  { INFO }, "$D/x.so: an ELF file for AArch64; this plugcheck loads 64-bit little-endian x86-64 shared objects" },
	{ "elf-executable", { { "x.so", "@poke:16=2:tests/fixtures/plugins/fx-good/fx-good.so" } }, { INFO },
	  "$D/x.so: an ELF executable, not a shared object (a plugin is built with -shared -fPIC)" },
	{ "elf-two-plugcheck-sections", { { "x.so", "@twosections:fx-good" } }, { INFO },
	  "$D/x.so: more than one .plugcheck section" },
	{ "elf-directory", { { "x.so/keep", "" } }, { INFO }, "$D/x.so: a directory, not a regular file" },
	/* ---- inputs that are not regular files: refused, never waited on ---- */
	{ "fifo-plugin-info", { { "x.so", "@fifo" } }, { INFO }, "$D/x.so: a FIFO, not a regular file" },
	{ "fifo-machine-file", { { "t-1.0.machine", "@fifo" } }, { LIST_MACHINES },
	  "$D/t-1.0.machine: a FIFO, not a regular file" },
	{ "fifo-qemu-dump", { { "a.json", "@fifo" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json: a FIFO, not a regular file" },
	{ "fifo-host-caps", { { "a.caps", "@fifo" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps: a FIFO, not a regular file" },
	{ "fifo-known-breaks", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" },
				 { "known-breaks", "@fifo" } }, { MAIN_JOB },
	  "$D/known-breaks: a FIFO, not a regular file" },
	{ "machine-alias-invalid-utf8", { { "t-1.0.machine", MACH_OK "alias t-\xff\xfe\n" } },
	  { LIST_MACHINES }, "$D/t-1.0.machine:4: invalid UTF-8 at byte 9 of the line (expected UTF-8 text)" },
	/* ---- data that decides verdicts, read only from safe directories ---- */
	{ "machine-dir-world-writable", { { ".", "@chmod:0777" } },
	  { "plugcheck", "--machine-dir", "$D", "--machine", "pc-5.1" },
	  "@prefix:machine directory $D: refusing to read from an unsafe directory: $D is world-writable (mode 0777" },
	{ "abi-dir-world-writable", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" },
				      { ".", "@chmod:0777" } }, { MAIN_JOB },
	  "@prefix:ABI directory $D: refusing to read from an unsafe directory: $D is world-writable (mode 0777" },
	/* ---- entries of a plugin directory that are no plugin: each reported ---- */
	{ "plugin-dir-fifo", { { "f.so", "@fifo" } }, { PLUGIN_DIR_LIST },
	  "$D/f.so: a FIFO, not a regular file: not a plugin" },
	{ "plugin-dir-device-link", { { "z.so", "@symlink:/dev/zero" } }, { PLUGIN_DIR_LIST },
	  "$D/z.so: a character device, not a regular file: not a plugin" },
	{ "plugin-dir-dangling-link", { { "d.so", "@symlink:nowhere.so" } }, { PLUGIN_DIR_LIST },
	  "$D/d.so: dangling symlink: not a plugin" },
	{ "plugin-dir-link-loop", { { "l.so", "@symlink:l.so" } }, { PLUGIN_DIR_LIST },
	  "$D/l.so: symlink loop: not a plugin" },
	{ "plugin-dir-subdir-dangling", { { "p/p.so", "@symlink:nowhere.so" } }, { PLUGIN_DIR_LIST },
	  "$D/p/p.so: dangling symlink: not a plugin" },
	{ "elf-missing", { { "keep", "" } }, { INFO },
	  "$D/x.so: cannot open: No such file or directory" },
	/* ---- plugin declarations (static reader) ---- */
	{ "decl-no-abi-line", { { "x.so", "@decl:plugin fx-canvas 1.0\n" } }, { INFO },
	  "$D/x.so: declaration does not start with 'plugcheck-abi N'" },
	{ "decl-abi-huge", { { "x.so", "@decl:plugcheck-abi 99999999999999999999\n" } }, { INFO },
	  "$D/x.so: declaration does not start with 'plugcheck-abi N'" },
	{ "decl-no-plugin-line", { { "x.so", "@decl:plugcheck-abi 1\ntype a\nend\n" } }, { INFO },
	  "$D/x.so: declaration has no 'plugin NAME VERSION' line" },
	{ "decl-nul", { { "x.so", "@decl:" DECL_HEAD "type a\n\1end\n" } }, { INFO },
	  "$D/x.so: .plugcheck section holds a NUL byte at offset 44" },
	{ "decl-unknown-statement", { { "x.so", "@decl:" DECL_HEAD "widget a\n" } }, { INFO },
	  "$D/x.so:3: unknown keyword 'widget'" },
	{ "decl-unknown-prop-kind", { { "x.so", "@decl:" DECL_HEAD "type a\n  prop p float default=1\nend\n" } },
	  { INFO },
	  "$D/x.so:4: unknown property kind 'float' (expected bool, bit, u8, u16, u32, u64, i8, i16, i32, i64, string, enum, onoffauto or feature)" },
	{ "decl-unknown-attribute", { { "x.so", "@decl:" DECL_HEAD "type a colour=red\nend\n" } },
	  { INFO },
	  "$D/x.so:3: unknown attribute 'colour' of type" },
	{ "decl-duplicate-type", { { "x.so", "@decl:" DECL_HEAD "type a\nend\ntype a\nend\n" } },
	  { INFO },
	  "$D/x.so:5: type 'a' declared twice (first at line 3)" },
	{ "decl-duplicate-prop", { { "x.so", "@decl:" DECL_HEAD "type a\n  prop p u8 default=1\n  prop p u8 default=2\nend\n" } },
	  { INFO },
	  "$D/x.so:5: property 'p' declared twice in a (first at line 4)" },
	{ "decl-own-parent", { { "x.so", "@decl:" DECL_HEAD "type a parent=a\nend\n" } },
	  { INFO },
	  "$D/x.so:3: type 'a' is its own parent" },
	{ "decl-default-out-of-range", { { "x.so", "@decl:" DECL_HEAD "type a\n  prop p u8 default=300\nend\n" } },
	  { INFO },
	  "$D/x.so:4: invalid value '300' for u8 property 'p' (expected an integer 0..255) in default=" },
	{ "decl-huge-number", { { "x.so", "@decl:" DECL_HEAD "type a\n  prop p u64 default=99999999999999999999999\nend\n" } },
	  { INFO },
	  "$D/x.so:4: invalid value '99999999999999999999999' for u64 property 'p' (expected an integer 0..18446744073709551615) in default=" },
	{ "decl-unterminated-quote", { { "x.so", "@decl:" DECL_HEAD "type a doc=\"never closed\nend\n" } },
	  { INFO },
	  "$D/x.so:3: unterminated quote (opened at column 12)" },
	{ "decl-bad-version-range", { { "x.so", "@decl:" DECL_HEAD "vmsd v version=1 min=2\nend\n" } },
	  { INFO },
	  "$D/x.so:3: min=2 is above version=1 in vmsd 'v'" },
	{ "decl-bad-expression", { { "x.so", "@decl:" DECL_HEAD "vmsd v version=1 min=1\n  field f u8 count=\"(smp +\"\nend\n" } },
	  { INFO },
	  "$D/x.so:4: expression '(smp +', column 7: expected a number, 'string', name or '(', found end of expression" },
	{ "decl-missing-end", { { "x.so", "@decl:" DECL_HEAD "type a\n" } }, { INFO },
	  "$D/x.so:3: type 'a' is not closed by 'end'" },
	{ "decl-deep-expression", { { "x.so", "@decl:" DECL_HEAD "vmsd v version=1 min=1\n  field f u8 count=\"@nest:400:(:)\"\nend\n" } },
	  { INFO }, "@prefix:$D/x.so:4: expression '((((((((((" },
	/* ---- plugin directories ---- */
	{ "plugindir-missing", { { "keep", "" } },
	  { "plugcheck", "--no-default-plugins", "--plugin-dir", "$D/nope", "list-plugins" },
	  "$D/nope: plugin directory not found" },
	{ "plugindir-world-writable", { { "x.so", "@fixture:fx-good" }, { ".", "@chmod:0777" } },
	  { "plugcheck", "--no-default-plugins", "--plugin-dir", "$D", "list-plugins" },
	  "$D: refusing to load plugins from a world-writable directory (mode 0777; use --allow-world-writable to override)" },
	{ "plugindir-missing-symbol", { { "x.so", "@fixture:fx-missing-sym" }, { "y.so", "@fixture:fx-good" } },
	  { "plugcheck", "--no-cache", "--no-default-plugins", "--plugin-dir", "$D", "list-plugins" },
	  "$D/x.so: cannot load: $D/x.so: undefined symbol: fx_no_such_variable" },
	{ "plugindir-segv", { { "x.so", "@fixture:fx-segv" }, { "y.so", "@fixture:fx-good" } },
	  { "plugcheck", "--no-cache", "--no-default-plugins", "--plugin-dir", "$D", "list-plugins" },
	  "$D/x.so: plugin crashed while loading (signal SIGSEGV: Segmentation fault, in its constructor or init): skipped" },
	/* ---- machine descriptors ---- */
	{ "machine-dir-empty", { { "keep", "" } }, { LIST_MACHINES },
	  "$D: no machine descriptors (expected *.machine files)" },
	{ "machine-dir-missing", { { "keep", "" } },
	  { "plugcheck", "--machine-dir", "$D/nope", "list-machines" },
	  "$D/nope: cannot open machine directory: No such file or directory" },
	{ "machine-empty-file", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", "" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:1: missing 'machine' statement (expected machine, family and version before the end of the file)" },
	{ "machine-garbage", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", "@garbage:300" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:1: invalid UTF-8 at byte 3 of the line (expected UTF-8 text)" },
	{ "machine-unknown-key", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "colour red\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:4: unknown keyword 'colour' (expected machine, family, version, alias, status, derives, smp, max-cpus or compat)" },
	{ "machine-bad-version", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", "machine t-1.0\nfamily t\nversion one\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:3: bad version 'one' (expected N.N or N.N.N)" },
	{ "machine-huge-smp", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "smp 99999999999999999999\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:4: bad smp '99999999999999999999' (expected an integer from 1 to 1048576)" },
	{ "machine-duplicate-key", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "version 2.0\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:4: duplicate 'version' (first at line 3)" },
	{ "machine-unknown-family", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", "machine t-1.0\nfamily q\nversion 1.0\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:2: unknown family 'q' (did you mean 't'?)" },
	{ "machine-unknown-array", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "compat t_compat_9\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:4: unknown array 't_compat_9' (expected a file compat/t_compat_9.compat)" },
	{ "machine-unknown-derives", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "derives t-3.0\n" } },
	  { LIST_MACHINES },
	  "$D/t-1.0.machine:4: unknown machine 't-3.0' in derives (expected a machine name)" },
	{ "machine-cycle", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK "derives t-2.0\n" }, { "t-2.0.machine", "machine t-2.0\nfamily t\nversion 2.0\nderives t-1.0\n" } },
	  { LIST_MACHINES },
	  "$D/t-2.0.machine:4: derivation cycle: t-1.0 -> t-2.0 -> t-1.0" },
	{ "machine-duplicate-name", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK }, { "t-1.1.machine", MACH_OK } },
	  { LIST_MACHINES },
	  "$D/t-1.1.machine:1: duplicate machine 't-1.0' (already the machine name at $D/t-1.0.machine:1)" },
	{ "compat-unterminated-quote", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", "array t_defaults\ndev-a prop-a \"1\n" }, { "t-1.0.machine", MACH_OK } },
	  { LIST_MACHINES },
	  "$D/compat/t_defaults.compat:2: unterminated quoted value (expected a closing '\"')" },
	{ "compat-duplicate-array", { { "t.family", FAM_OK }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "compat/t_again.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK } },
	  { LIST_MACHINES },
	  "$D/compat/t_again.compat:1: array 't_defaults' does not match the file name (expected 't_again')" },
	{ "family-unknown-key", { { "t.family", FAM_OK "flavour sweet\n" }, { "compat/t_defaults.compat", DEFAULTS_OK }, { "t-1.0.machine", MACH_OK } },
	  { LIST_MACHINES },
	  "$D/t.family:4: unknown keyword 'flavour' (expected family, defaults or latest-alias)" },
	/* ---- release baselines ---- */
	{ "baseline-empty", { { "releases/9.0.json", "" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:1:0: not valid JSON: '[' or '{' expected near end of file" },
	{ "baseline-garbage", { { "releases/9.0.json", "@garbage:200" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:1:2: not valid JSON: unable to decode byte 0xa0 near 'cz'" },
	{ "baseline-truncated", { { "releases/9.0.json", "@head:700:abi/releases/5.1.json" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:41:11: not valid JSON: ':' expected near end of file" },
	/* an unfinished token after the root: yajl's stream reader would
	 * stop at the root's end, jansson does not, and neither may we */
	{ "baseline-trailing-unfinished-token", { { "releases/5.1.json", "@tail:abi/releases/5.1.json| \"Ren" } }, { MAIN_JOB },
	  "$D/releases/5.1.json:262:5: not valid JSON: premature end of input near '\"Ren'" },
	{ "baseline-top-array", { { "releases/9.0.json", "[]" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $: expected an object" },
	{ "baseline-wrong-format", { { "releases/9.0.json", "{\"format\": \"qemu\", \"format_version\": 1}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $.format: not a plugcheck baseline" },
	{ "baseline-wrong-type", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format_version\": \"1\"}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $.format_version: expected an integer" },
	{ "baseline-huge-number", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format_version\": 99999999999999999999999}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:1:74: not valid JSON: too big integer" },
	{ "baseline-duplicate-key", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format\": \"plugcheck-baseline\"}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:1:41: not valid JSON: duplicate object key near '\"format\"'" },
	{ "baseline-deep-nesting", { { "releases/9.0.json", "@nest:100000:[:]" } }, { MAIN_JOB },
	  "$D/releases/9.0.json:1:2049: not valid JSON: maximum parsing depth reached near '['" },
	{ "baseline-version-1", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format_version\": 1, \"release\": \"9.0\", \"recorded_by\": \"x\", \"plugins\": [], \"machines\": []}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $: unknown key 'plugins'" },
	{ "baseline-old-format-version", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format_version\": 1, \"release\": \"9.0\"}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $.format_version: format version 1, this plugcheck reads 2 (re-record the release with plugcheck dump-abi)" },
	{ "baseline-missing-declarations", { { "releases/9.0.json", "{\"format\": \"plugcheck-baseline\", \"format_version\": 2, \"release\": \"9.0\", \"recorded_by\": \"x\"}" } }, { MAIN_JOB },
	  "$D/releases/9.0.json: $.declarations: missing key" },
	{ "baseline-declarations-outside", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|$X|../../../etc/passwd" } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.declarations: expected \"declarations/<16 hexadecimal digits>.json\"" },
	{ "baseline-declarations-file-missing", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "releases/declarations/README", "not the file" } }, { MAIN_JOB },
	  "$D/releases/$X: cannot open: No such file or directory" },
	{ "baseline-declarations-edited", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "releases/$X", "@sub:abi/releases/$X|plugin e1000e 11.0|plugin e1000e eleven" } },
	  { MAIN_JOB },
	  "$D/releases/$X: the content does not match its name (edited after it was recorded? re-record with plugcheck dump-abi)" },
	{ "baseline-delta-position-twice", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"delta\": []|\"delta\": [\"3:1 3:1\"]" } },
	  { MAIN_JOB }, "$D/releases/5.1.json: $.resolved.vms[1].delta: word 2: position 3 after position 3 (positions ascend, each at most once)" },
	{ "baseline-delta-too-long", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"delta\": []|\"delta\": [\"" R1000("0:0 ") "\"]" } },
	  { MAIN_JOB }, "@prefix:$D/releases/5.1.json: $.resolved.vms[1].delta: 1000 words for a vector of " },
	{ "baseline-index-missing", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"resolved\"|\"unresolved\"" } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $: unknown key 'unresolved'" },
	{ "baseline-index-not-a-number", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"vector\": [\n     \"0 |\"vector\": [\n     \"x0 " } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.resolved.vms[0].vector: word 1: 'x0' is not an index" },
	{ "baseline-index-out-of-range", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"vector\": [\n     \"0 |\"vector\": [\n     \"99999999 " } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.resolved.vms[0].vector: word 1: 99999999 out of range [0, 25)" },
	{ "baseline-index-short-vector", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"vector\": [\n     \"0 |\"vector\": [\n     \"" } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.resolved.vms[0].vector: 26 indexes, expected 27" },
	{ "baseline-index-forward-base", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"base\": 0,|\"base\": 7," } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.resolved.vms[1].base: 7 out of range [0, 1)" },
	{ "baseline-index-unknown-machine", { { "releases/5.1.json", "@sub:abi/releases/5.1.json|\"machine\": \"pc-i440fx-5.1\"|\"machine\": \"pc-i440fx-5.3\"" } }, { MAIN_JOB },
	  "$D/releases/5.1.json: $.resolved.vms[0]: machine type 'pc-i440fx-5.3' is not recorded in $.machines" },
	/* ---- known breaks ---- */
	{ "known-unknown-keyword", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "known-breaks", "# acknowledged\nbreaks everything\n" } },
	  { MAIN_JOB },
	  "$D/known-breaks:2: expected 'break', found 'breaks'" },
	{ "known-missing-fields", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "known-breaks", "break\n" } },
	  { MAIN_JOB },
	  "$D/known-breaks:1: a break needs rule=, device=, path=, machines=, release= and reason=" },
	{ "known-binary", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "known-breaks", "@garbage:100" } },
	  { MAIN_JOB },
	  "$D/known-breaks: binary data (NUL byte) in the known-breaks file" },
	/* ---- host capabilities ---- */
	{ "caps-missing-file", { { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps: cannot open: No such file or directory" },
	{ "caps-host-without-name", { { "a.caps", "host\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:1: expected 'host NAME'" },
	{ "caps-duplicate-host", { { "a.caps", "host A\nhost A2\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:2: duplicate 'host' line" },
	{ "caps-bad-name", { { "a.caps", "host A\ncap pc!d\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:2: invalid capability name 'pc!d'" },
	{ "caps-binary", { { "a.caps", "@garbage:64" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps: binary data (NUL byte) in a host capabilities file" },
	{ "caps-unknown-keyword", { { "a.caps", "host A\nflag pcid\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:2: unknown keyword 'flag' (expected 'host' or 'cap')" },
	/* an empty or comment-only file is not a host without features */
	{ "caps-empty", { { "a.caps", "" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:1: no 'cap' line: an empty or comment-only capability file is not a host without features (list the host's capabilities: cap NAME ...)" },
	{ "caps-comment-only", { { "a.caps", "# host A: to be filled in\n\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:2: no 'cap' line: an empty or comment-only capability file is not a host without features (list the host's capabilities: cap NAME ...)" },
	{ "caps-name-only", { { "a.caps", "host A\n" }, { "b.caps", CAPS_OK } }, { HOSTS },
	  "$D/a.caps:1: no 'cap' line: an empty or comment-only capability file is not a host without features (list the host's capabilities: cap NAME ...)" },
	/* the main job reads the hosts it is given (it used to ignore them) */
	{ "caps-empty-main-job", { { "releases/5.1.json", "@copy:abi/releases/5.1.json" }, { "a.caps", "# nothing\n" } },
	  { "plugcheck", "--abi-dir", "$D", "--machine", "pc-5.1", "--dst-host", "$D/a.caps" },
	  "$D/a.caps:1: no 'cap' line: an empty or comment-only capability file is not a host without features (list the host's capabilities: cap NAME ...)" },
	/* ---- QEMU dumps ---- */
	{ "qdump-empty", { { "a.json", "" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:1:0: not a valid JSON dump: '[' or '{' expected near end of file" },
	{ "qdump-garbage", { { "a.json", "@garbage:128" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:1:2: not a valid JSON dump: unable to decode byte 0xa0 near 'cz'" },
	{ "qdump-truncated", { { "a.json", "{\"fw_cfg\": {\"Name\": \"fw_cfg\", \"version_id\": 2" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:1:45: not a valid JSON dump: '}' expected near end of file" },
	{ "qdump-trailing-unfinished-token", { { "a.json", "{\"vmschkmachine\": {\"Name\": \"pc\"}}\n \"Ren" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:2:5: not a valid JSON dump: premature end of input near '\"Ren'" },
	{ "qdump-deep-nesting", { { "a.json", "@nest:50000:[:]" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:1:2049: not a valid JSON dump: maximum parsing depth reached near '['" },
	{ "qdump-wrong-type", { { "a.json", "{\"vmschkmachine\": {\"Name\": \"pc\"}, \"fw_cfg\": {\"Name\": \"fw_cfg\", \"version_id\": \"2\", \"minimum_version_id\": 1}}" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json: $.fw_cfg.version_id: expected an integer, found a string" },
	{ "qdump-huge-number", { { "a.json", "{\"vmschkmachine\": {\"Name\": \"pc\"}, \"fw_cfg\": {\"Name\": \"fw_cfg\", \"version_id\": 99999999999, \"minimum_version_id\": 1}}" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json: $.fw_cfg.version_id: version_id 99999999999 out of range (expected 0..2147483647)" },
	{ "qdump-duplicate-key", { { "a.json", "{\"fw_cfg\": {}, \"fw_cfg\": {}}" }, { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json:1:23: not a valid JSON dump: duplicate object key near '\"fw_cfg\"'" },
	{ "qdump-key-name-differ", { { "a.json", QDUMP_OK }, { "b.json", "{\"vmschkmachine\": {\"Name\": \"pc\"}, \"fw_cfg2\": {\"Name\": \"fw_cfg\", \"version_id\": 2, \"minimum_version_id\": 1}}" } }, { QDIFF },
	  "$D/b.json: $.fw_cfg2.Name: the section's key 'fw_cfg2' and its Name 'fw_cfg' differ: QEMU's -dump-vmstate writes the type name for both, so which name is the section's is ambiguous (an edited file; qemu-diff --trust-section-keys goes by the key, as QEMU's checker does)" },
	{ "qdump-missing-file", { { "b.json", QDUMP_OK } }, { QDIFF },
	  "$D/a.json: cannot open: No such file or directory" },
	/* ---- the command line ---- */
	{ "cli-unknown-verb", { { "keep", "" } }, { "plugcheck", "chekc" },
	  "unknown verb 'chekc' (did you mean 'check'?) (see plugcheck --help)" },
	{ "cli-bad-format", { { "keep", "" } }, { "plugcheck", "--format", "xml", "list-machines" },
	  "--format: expected 'text', 'json', 'sarif', 'junit', 'github', 'gnu' or 'html', found 'xml'" },
	{ "cli-empty-plugin-dir", { { "keep", "" } }, { "plugcheck", "--plugin-dir", "", "list-plugins" },
	  "--plugin-dir needs a directory" },
	{ "cli-empty-cache-dir", { { "keep", "" } }, { "plugcheck", "--cache-dir=", "list-plugins" },
	  "--cache-dir needs a directory" },
	{ "cli-unknown-machine", { { "keep", "" } }, { "plugcheck", "--machine", "pc-q35-5.11" },
	  "unknown machine type 'pc-q35-5.11' (did you mean 'pc-q35-5.1'?) (see plugcheck list-machines)" },
	{ "cli-machine-without-value", { { "keep", "" } }, { "plugcheck", "check", "--machine" },
	  "check: option '--machine' needs a value" },
	{ "cli-unknown-option", { { "keep", "" } }, { "plugcheck", "check", "--machine", "pc-5.1", "--colour", "x" },
	  "check: unknown option '--colour' (did you mean '--color'?) (see plugcheck check --help)" },
	{ "cli-huge-smp", { { "keep", "" } }, { "plugcheck", "props", "--machine", "pc-5.1", "--smp", "99999999999999999999" },
	  "--smp: expected a number from 1 to 65536, found '99999999999999999999'" },
	{ "cli-bad-scan-timeout", { { "keep", "" } }, { "plugcheck", "list-plugins" },
	  "PLUGCHECK_SCAN_TIMEOUT: expected seconds from 0.001 to 3600, found 'soon'",
	  "PLUGCHECK_SCAN_TIMEOUT=soon" },
	{ "cli-unknown-release", { { "keep", "" } }, { "plugcheck", "check", "--machine", "pc-5.1", "--from", "4.2", "--to", "tree" },
	  "no baseline for release '4.2' (./abi/releases/4.2.json not found; recorded: 5.1.json, 5.2.json, 7.2.json, 8.0.json, 8.0.1.json, 8.2.json, 11.0.json)" },
	{ "cli-not-a-side", { { "keep", "" } }, { "plugcheck", "check", "--machine", "pc-5.1", "--from", "$D/nothing", "--to", "tree" },
	  "'$D/nothing' is not a side: expected 'tree', a recorded release (e.g. 5.1), a baseline .json file or a plugin directory" },
};

/* The declarations file the shipped baselines name ("declarations/H.json"):
 * "$X" in a case's file names and contents. */
static const char *shipped_decl(void)
{
	static char name[64];

	if (!name[0]) {
		char *buf = NULL;
		size_t len;
		struct pc_err e = { 0 };
		const char *p;

		if (!pc_read_file(pct_path("abi/releases/5.1.json"), 1u << 26, &buf,
				  &len, &e) &&
		    (p = strstr(buf, "\"declarations\": \"")) != NULL) {
			const char *q = strchr(p + 17, '"');

			if (q && (size_t)(q - p - 17) < sizeof(name))
				memcpy(name, p + 17, (size_t)(q - p - 17));
		}
		free(buf);
	}
	return name;
}

static char *subst(const char *s, const char *dir)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (const char *p = s; *p; p++) {
		if (p[0] == '$' && p[1] == 'D') {
			pc_strbuf_addstr(&sb, dir);
			p++;
		} else if (p[0] == '$' && p[1] == 'S') {
			pc_strbuf_addstr(&sb, pct_srcdir());
			p++;
		} else if (p[0] == '$' && p[1] == 'X') {
			pc_strbuf_addstr(&sb, shipped_decl());
			p++;
		} else {
			pc_strbuf_addch(&sb, *p);
		}
	}
	return pc_strbuf_detach(&sb);
}

/* Expand "@nest:N:OPEN:CLOSE" where it appears inside 'text'. */
static void expand_nest(struct pc_strbuf *sb, const char *text)
{
	const char *at = strstr(text, "@nest:");
	const char *open_, *close_, *end;
	char *o, *c;
	long n;

	if (!at) {
		pc_strbuf_addstr(sb, text);
		return;
	}
	pc_strbuf_add(sb, text, (size_t)(at - text));
	n = strtol(at + 6, (char **)(uintptr_t)&open_, 10);
	open_++;
	close_ = strchr(open_, ':');
	o = pc_xstrndup(open_, (size_t)(close_ - open_));
	close_++;
	/* CLOSE runs to the next quote or the end */
	end = strchr(close_, '"');
	if (!end)
		end = close_ + strlen(close_);
	c = pc_xstrndup(close_, (size_t)(end - close_));
	for (long i = 0; i < n; i++)
		pc_strbuf_addstr(sb, o);
	for (long i = 0; i < n; i++)
		pc_strbuf_addstr(sb, c);
	pc_strbuf_addstr(sb, end);
	free(o);
	free(c);
}

/* The fx-canvas plugin with its declaration replaced by 'decl'. */
static int make_decl_plugin(const char *to, const char *decl,
			    struct pc_err *e)
{
	/* the plugin line ends with its source position (plugin.h) */
	static const char mark[] = "plugcheck-abi 1\nplugin fx-canvas 1.0 #@ line ";
	char *buf;
	size_t len, room;
	char *at, *nul;
	struct pc_strbuf d = PC_STRBUF_INIT;
	int r;

	if (pc_read_file(fx_so("fx-canvas"), 1u << 24, &buf, &len, e))
		return -1;
	at = memmem(buf, len, mark, sizeof(mark) - 1);
	nul = at ? memchr(at, '\0', len - (size_t)(at - buf)) : NULL;
	if (!at || !nul) {
		free(buf);
		return pc_err_set(e, "fx-canvas: declaration not found");
	}
	room = (size_t)(nul - at);
	expand_nest(&d, decl);
	if (d.len > room) {
		free(buf);
		pc_strbuf_release(&d);
		return pc_err_set(e, "declaration longer than the canvas");
	}
	/* '\1' stands for the NUL byte a C string cannot hold */
	for (size_t i = 0; i < d.len; i++)
		if (d.buf[i] == '\1')
			d.buf[i] = '\0';
	memcpy(at, d.buf, d.len);
	memset(at + d.len, '\n', room - d.len);
	r = pc_write_file_atomic(to, buf, len, e);
	pc_strbuf_release(&d);
	free(buf);
	return r;
}

static char *subst_decl(const char *s)
{
	struct pc_strbuf sb = PC_STRBUF_INIT;

	for (const char *p = s; *p; p++) {
		if (p[0] == '$' && p[1] == 'X') {
			pc_strbuf_addstr(&sb, shipped_decl());
			p++;
		} else {
			pc_strbuf_addch(&sb, *p);
		}
	}
	return pc_strbuf_detach(&sb);
}

static int make_file_x(const char *dir, const char *rel, const char *content);

static int make_file(const char *dir, const char *rel0, const char *content0)
{
	char *rel = subst_decl(rel0);
	char *content = subst_decl(content0);
	int r = make_file_x(dir, rel, content);

	free(rel);
	free(content);
	return r;
}

static int make_file_x(const char *dir, const char *rel, const char *content)
{
	char *path = pc_xasprintf("%s/%s", dir, rel);
	struct pc_err e = { 0 };
	int r = 0;

	for (char *s = strchr(path + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	if (!strcmp(rel, ".") && pc_str_starts_with(content, "@chmod:")) {
		r = chmod(dir, (mode_t)strtol(content + 7, NULL, 8));
	} else if (pc_str_starts_with(content, "@poke:")) {
		/* "@poke:OFF=BYTE,OFF=BYTE:SRC": a copy of SRC with bytes changed */
		const char *colon = strchr(content + 6, ':');
		char *pokes = pc_xstrndup(content + 6, (size_t)(colon - content - 6));
		char *buf;
		size_t len;

		r = pc_read_file(pct_path(colon + 1), 1u << 26, &buf, &len, &e);
		for (char *t = pokes; !r && t && *t; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL) {
			unsigned long off = strtoul(t, &t, 0), byte = strtoul(t + 1, NULL, 0);

			if (off < len)
				buf[off] = (char)byte;
		}
		if (!r) {
			r = pc_write_file_atomic(path, buf, len, &e);
			free(buf);
		}
		free(pokes);
	} else if (pc_str_starts_with(content, "@twosections:")) {
		/* a copy of a fixture plugin with a second .plugcheck section
		 * (objcopy: binutils, which the build needs anyway) */
		char *cmd = pc_xasprintf("printf 'plugcheck-abi 1\\nplugin two 1.0\\n' > '%s.extra' && "
					 "objcopy --add-section .plugchecx='%s.extra' '%s' '%s.tmp' && "
					 "objcopy --rename-section .plugchecx=.plugcheck '%s.tmp' '%s' && "
					 "rm -f '%s.extra' '%s.tmp'",
					 path, path, fx_so(content + 13), path, path, path, path, path);

		r = system(cmd) ? -1 : 0;
		free(cmd);
	} else if (!strcmp(content, "@fifo")) {
		r = mkfifo(path, 0644);
	} else if (pc_str_starts_with(content, "@symlink:")) {
		r = symlink(content + 9, path);
	} else if (pc_str_starts_with(content, "@copy:")) {
		r = fx_copy(pct_path(content + 6), path);
	} else if (pc_str_starts_with(content, "@fixture:")) {
		r = fx_copy(fx_so(content + 9), path);
	} else if (pc_str_starts_with(content, "@head:")) {
		char *end, *buf;
		size_t n = strtoul(content + 6, &end, 10), len;

		r = pc_read_file(pct_path(end + 1), 1u << 26, &buf, &len, &e);
		if (!r) {
			r = pc_write_file_atomic(path, buf, n < len ? n : len, &e);
			free(buf);
		}
	} else if (pc_str_starts_with(content, "@sub:")) {
		const char *bar1 = strchr(content, '|');
		const char *bar2 = strchr(bar1 + 1, '|');
		char *rel_src = pc_xstrndup(content + 5, (size_t)(bar1 - content - 5));
		char *old = pc_xstrndup(bar1 + 1, (size_t)(bar2 - bar1 - 1));
		char *buf, *at;
		size_t len;
		struct pc_strbuf sb = PC_STRBUF_INIT;

		r = pc_read_file(pct_path(rel_src), 1u << 26, &buf, &len, &e);
		if (!r) {
			at = strstr(buf, old);
			if (at) {
				pc_strbuf_add(&sb, buf, (size_t)(at - buf));
				pc_strbuf_addstr(&sb, bar2 + 1);
				pc_strbuf_addstr(&sb, at + strlen(old));
				r = pc_write_file_atomic(path, sb.buf, sb.len, &e);
			} else {
				r = pc_err_set(&e, "'%s' not found in %s", old, rel_src);
			}
			free(buf);
		}
		pc_strbuf_release(&sb);
		free(old);
		free(rel_src);
	} else if (pc_str_starts_with(content, "@tail:")) {
		const char *bar = strchr(content, '|');
		char *rel_src = pc_xstrndup(content + 6, (size_t)(bar - content - 6));
		char *buf;
		size_t len;
		struct pc_strbuf sb = PC_STRBUF_INIT;

		r = pc_read_file(pct_path(rel_src), 1u << 26, &buf, &len, &e);
		if (!r) {
			pc_strbuf_add(&sb, buf, len);
			pc_strbuf_addstr(&sb, bar + 1);
			r = pc_write_file_atomic(path, sb.buf, sb.len, &e);
			free(buf);
		}
		pc_strbuf_release(&sb);
		free(rel_src);
	} else if (pc_str_starts_with(content, "@decl:")) {
		r = make_decl_plugin(path, content + 6, &e);
	} else if (pc_str_starts_with(content, "@garbage:")) {
		size_t n = strtoul(content + 9, NULL, 10);
		unsigned char *g = pc_xmalloc(n);
		uint32_t x = 2463534242u;

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			g[i] = (unsigned char)x;
		}
		r = pc_write_file_atomic(path, g, n, &e);
		free(g);
	} else if (pc_str_starts_with(content, "@nest:")) {
		struct pc_strbuf sb = PC_STRBUF_INIT;

		expand_nest(&sb, content);
		r = pc_write_file_atomic(path, sb.buf, sb.len, &e);
		pc_strbuf_release(&sb);
	} else {
		r = pc_write_file_atomic(path, content, strlen(content), &e);
	}
	if (r)
		fprintf(stderr, "\n  %s: %s\n", path, e.msg);
	free(path);
	return r;
}

/* The first "plugcheck: error: " line of 'err', without the prefix. */
static char *first_error(const char *err)
{
	const char *tag = "plugcheck: error: ";
	const char *p = strstr(err, tag), *nl;

	if (!p)
		return pc_xstrdup("");
	p += strlen(tag);
	nl = strchr(p, '\n');
	return pc_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
}

PCT_TEST("badinput", catalogue)
{
	size_t n = PC_ARRAY_SIZE(cases), failed = 0;
	bool print = getenv("PCT_BADINPUT_PRINT") != NULL;

	CU_ASSERT(n >= 50);
	for (size_t i = 0; i < n; i++) {
		const struct bad_case *c = &cases[i];
		char *dir = pct_tmpdir(c->name);
		const char *argv[16] = { 0 };
		char *args[16] = { 0 };
		const char *env[3] = { "PLUGCHECK_SCAN_TIMEOUT=2", NULL, NULL };
		char *out, *err, *got, *want;
		int rc;

		for (size_t f = 0; f < PC_ARRAY_SIZE(c->files) && c->files[f][0]; f++)
			if (make_file(dir, c->files[f][0], c->files[f][1]))
				CU_FAIL("cannot build the case's files");
		/* baselines come with the declarations they name, unless the
		 * case writes its own */
		{
			char *rd = pc_xasprintf("%s/releases", dir);
			char *dd = pc_xasprintf("%s/releases/declarations", dir);
			struct stat st;

			if (!stat(rd, &st) && stat(dd, &st)) {
				char *cmd = pc_xasprintf("cp -r '%s' '%s/'",
							 pct_path("abi/releases/declarations"), rd);

				if (system(cmd))
					CU_FAIL("cannot copy the declarations");
				free(cmd);
			}
			free(rd);
			free(dd);
		}
		for (size_t a = 0; a < PC_ARRAY_SIZE(c->argv) && c->argv[a]; a++)
			argv[a] = args[a] = subst(c->argv[a], dir);
		if (c->env)
			env[0] = c->env;
		rc = pct_run_cli_env(argv, env, &out, &err);
		got = first_error(err);
		want = c->want ? subst(c->want, dir) : pc_xstrdup("(not set)");
		if (print)
			fprintf(stderr, "\n  [%s] rc=%d\n  %s\n", c->name, rc, err);
		if (pc_str_starts_with(want, "@prefix:") &&
		    pc_str_starts_with(got, want + 8)) {
			free(want);
			want = pc_xstrdup(got);
		}
		if (rc != 2 || strcmp(got, want)) {
			fprintf(stderr, "\n  case %s: exit %d, expected 2\n  stderr: %s", c->name,
				rc, err);
			failed++;
		}
		PCT_ASSERT_INT_EQ(rc, 2);
		PCT_ASSERT_STR_EQ(got, want);
		for (size_t a = 0; a < PC_ARRAY_SIZE(args); a++)
			free(args[a]);
		free(want);
		free(got);
		free(out);
		free(err);
		chmod(dir, 0755);
		free(dir);
	}
	if (failed)
		fprintf(stderr, "\n  %zu of %zu bad-input cases failed\n", failed, n);
}
