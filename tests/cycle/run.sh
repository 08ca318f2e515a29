#!/bin/bash
# tests/cycle/run.sh - the device author's cycle, one out-of-tree module
# per case: record a release with dump-abi, make the historical kind of
# change, see the main job and lint fail with the right rule and fix,
# apply the fix, see both pass.
#
# Usage: tests/cycle/run.sh [CASEDIR...]   (default: every tests/cycle/cases/*/)
# Environment: PLUGCHECK (the binary, default ./plugcheck), CC, CFLAGS,
# CYCLE_KEEP=1 keeps the scratch directories, CYCLE_JOBS=N runs N cases at
# once (default: one per CPU).
#
# A case is a directory:
#
#   *.c          the vendor's module(s) as released; each NAME.c is built,
#                out of tree, against the public headers only (as the vendor
#                kit builds: abi/include, no core header), into mod/NAME.so
#   change.diff  the historical change (patch -p1 in the scratch directory,
#                which holds the *.c files and machines/, a copy of the
#                tree's machine types: a/NAME.c b/NAME.c, a/machines/...)
#   fix.diff     the fix plugcheck names (applied after change.diff)
#   *.caps       host capability files (Documentation/host-caps.md), copied
#                into the scratch directory for run: lines that name hosts
#                (--src-host new.caps --dst-host old.caps)
#   case         the expectations, "key: value" lines ('#' comments):
#
#     release: R          the release dump-abi records from the modules as
#                         released (into the scratch vendor-abi/)
#     run: ARGS           the main job's arguments (e.g. --machine pc-q35-11.0);
#                         repeatable: every run must hold what is said below
#     lint: ARGS          lint's arguments (default: lint)
#     rules: ID...        after the change: the main job exits 1 and reports
#                         exactly these rule IDs (incompatible/needs-review)
#     lint-rules: ID...   after the change: lint exits 1 with exactly these
#                         ("none": lint exits 0 - say why in a comment)
#     expect: TEXT        after the change, the main job's or lint's output
#                         contains TEXT (the fix, the cause)
#     fixed-expect: TEXT  after the fix, the main job's output contains TEXT
#
# Every plugcheck run is: plugcheck --no-default-plugins --plugin-dir
# <tree>/plugins --plugin-dir mod --machine-dir machines --abi-dir
# vendor-abi ARGS, from the scratch directory. Before the change the main
# job and lint must pass (exit 0): the case starts from a sound release.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
pc=${PLUGCHECK:-$src/plugcheck}
cc=${CC:-gcc}
pflags="-std=gnu11 -Wall -Wextra -Werror -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I$src/abi/include"
case "$pc" in /*) ;; *) pc=$src/$pc ;; esac
. "$src/tests/lib/outcome.sh"

if [ $# -eq 0 ]; then
	set -- "$here"/cases/*/
fi

# run_pc OUT ARGS...: plugcheck over the scratch directory; echoes the status
run_pc() {
	local out=$1
	shift
	(cd "$work" && XDG_CACHE_HOME="$work/.cache" "$pc" --no-default-plugins \
		--plugin-dir "$src/plugins" --plugin-dir mod --machine-dir machines \
		--abi-dir vendor-abi "$@") >"$out" 2>&1
	echo $?
}

build_modules() {
	local c so
	mkdir -p "$work/mod"
	rm -f "$work"/mod/*.so
	for c in "$work"/*.c; do
		so=$work/mod/$(basename "$c" .c).so
		# shellcheck disable=SC2086
		$cc $pflags ${CFLAGS:-} -o "$so" "$c" >"$work/.cc.log" 2>&1 ||
			{ errors+=("$1: cannot build $(basename "$c"): $(head -3 "$work/.cc.log" | tr '\n' ' ')"); return 1; }
	done
}

# stage NAME WANT_EXIT WANT_RULES(or -) WANT_LINT_EXIT WANT_LINT_RULES(or -)
stage() {
	local name=$1 wexit=$2 wrules=$3 wlexit=$4 wlrules=$5 r st got
	: >"$work/.$name.all"
	for r in "${runs[@]}"; do
		eval "set -- $r"
		st=$(run_pc "$work/.$name.run" "$@")
		cat "$work/.$name.run" >>"$work/.$name.all"
		[ "$st" = "$wexit" ] || errors+=("$name: main job ($r) exit $st, expected $wexit")
		if [ "$wrules" != - ]; then
			got=$(rules_of "$work/.$name.run")
			[ "$got" = "$(norm "$wrules")" ] ||
				errors+=("$name: main job ($r) rules '$got', expected '$(norm "$wrules")'")
		fi
	done
	eval "set -- $lint"
	st=$(run_pc "$work/.$name.lint" "$@")
	cat "$work/.$name.lint" >>"$work/.$name.all"
	[ "$st" = "$wlexit" ] || errors+=("$name: $lint exit $st, expected $wlexit")
	if [ "$wlrules" != - ]; then
		got=$(rules_of "$work/.$name.lint")
		[ "$got" = "$(norm "$wlrules")" ] ||
			errors+=("$name: $lint rules '$got', expected '$(norm "$wlrules")'")
	fi
}

apply() {
	[ -f "$dir/$1" ] || { errors+=("no $1"); return 1; }
	(cd "$work" && patch -p1 -s --no-backup-if-mismatch <"$dir/$1" >"$work/.patch.log" 2>&1) ||
		{ errors+=("$1 does not apply: $(head -3 "$work/.patch.log" | tr '\n' ' ')"); return 1; }
}

one_case() {
	local name line key val release="" lint="lint" want_rules="" want_lint=""
	local -a runs=() expects=() fixed=()
	errors=()
	dir=$(cd "${1%/}" && pwd) || { echo "no case directory $1"; return 1; }
	name=$(basename "$dir")
	work=$(mktemp -d "${TMPDIR:-/tmp}/pc-cycle-$name.XXXXXX")
	while IFS= read -r line; do
		case "$line" in '#'* | '') continue ;; esac
		key=${line%%:*}
		val=${line#*:}
		val=${val# }
		case "$key" in
		release) release=$val ;;
		run) runs+=("$val") ;;
		lint) lint=$val ;;
		rules) want_rules=$val ;;
		lint-rules) want_lint=$val ;;
		expect) expects+=("$val") ;;
		fixed-expect) fixed+=("$val") ;;
		*) errors+=("bad case line: $line") ;;
		esac
	done <"$dir/case"
	[ -n "$release" ] || errors+=("no release: line")
	[ ${#runs[@]} -gt 0 ] || errors+=("no run: line")
	[ -n "$want_rules" ] || errors+=("no rules: line")
	[ -n "$want_lint" ] || errors+=("no lint-rules: line")
	ls "$dir"/*.c >/dev/null 2>&1 || errors+=("no module source")

	if [ ${#errors[@]} -eq 0 ]; then
		cp "$dir"/*.c "$work/"
		for f in "$dir"/*.caps; do
			[ -f "$f" ] && cp "$f" "$work/"
		done
		cp -a "$src/machines" "$work/"
		mkdir -p "$work/vendor-abi/releases"
		build_modules released
	fi
	if [ ${#errors[@]} -eq 0 ]; then
		st=$(run_pc "$work/.record" dump-abi --release "$release")
		[ "$st" = 0 ] || errors+=("dump-abi --release $release exit $st: $(head -3 "$work/.record" | tr '\n' ' ')")
	fi
	[ ${#errors[@]} -eq 0 ] && stage released 0 - 0 -
	if [ ${#errors[@]} -eq 0 ] && apply change.diff && build_modules changed; then
		local lexit=1
		[ "$want_lint" = none ] && lexit=0
		stage changed 1 "$want_rules" "$lexit" "${want_lint/none/}"
		for e in "${expects[@]}"; do
			grep -qF -- "$e" "$work/.changed.all" || errors+=("changed: output lacks: $e")
		done
	fi
	if [ ${#errors[@]} -eq 0 ] && apply fix.diff && build_modules fixed; then
		stage fixed 0 "" 0 ""
		for e in "${fixed[@]}"; do
			grep -qF -- "$e" "$work/.fixed.all" || errors+=("fixed: output lacks: $e")
		done
	fi
	if [ ${#errors[@]} -eq 0 ]; then
		printf '  %-56s ok\n' "$name"
		[ -n "${CYCLE_KEEP:-}" ] || rm -rf "$work"
		return 0
	fi
	printf '  %-56s FAILED\n' "$name"
	for e in "${errors[@]}"; do
		printf '      %s\n' "$e"
	done
	local last
	last=$(ls -t "$work"/.*.run "$work"/.*.lint 2>/dev/null | head -1)
	if [ -n "$last" ]; then
		printf '      --- %s ---\n' "$(basename "$last")"
		sed -n '1,60p' "$last" | sed 's/^/      | /'
	fi
	printf '      (scratch directory kept: %s)\n' "$work"
	return 1
}

echo "Suite: cycle (out-of-tree modules: record, change, fail, fix, pass)"
run_cases cycle "${CYCLE_JOBS:-$(nproc 2>/dev/null || echo 1)}" one_case "$@"
