#!/bin/bash
# tests/mutations/run.sh - the mutation suite: device-author changes applied
# to a copy of the tree, each with the exact outcome plugcheck must give.
#
# Usage: tests/mutations/run.sh [CASE...]   (default: every tests/mutations/cases/*.case)
# Environment: PLUGCHECK (the binary, default ./plugcheck), CC, CFLAGS,
# MUTATION_KEEP=1 keeps the scratch trees, MUTATION_JOBS=N runs N cases at
# once (default: one per CPU), PLUGCHECK_MUTATIONS_COLD=1 runs every case
# from a first run (no kept release keys; `make check` runs both ways).
#
# A case file (tests/mutations/cases/NN-name.case) is a header, a line
# "---", and a unified diff (paths relative to the tree root, as
# `diff -u a/... b/...` writes them; applied with patch -p1) of plugins/,
# machines/ or abi/.  An empty diff checks the unchanged tree.  Header
# lines ('#' lines are comments and say what the author did):
#
#   run: ARGS...          plugcheck's arguments (repeatable: run in order,
#                         every expectation below applies to the last run;
#                         earlier runs must exit with 'exit-before:')
#   exit: N               the exact exit status of the last run
#   exit-before: N        the exact exit status of every earlier run
#   rules: ID...          exactly these rule IDs are reported at severity
#                         incompatible or needs-review (not acknowledged);
#                         "rules: none" for none
#   known: FILE:LINE...   exactly these known-breaks entries are named in
#                         the output (abi/known-breaks:11 ...; "known: none"
#                         for none); unchecked if absent
#   expect: TEXT          the output (stdout and stderr) contains TEXT
#   reject: TEXT          the output does not contain TEXT
#   count: N TEXT         TEXT occurs exactly N times in the output (counted
#   count: TEXT N         as occurrences, several on one line count each):
#                         an error printed once per run, not per direction;
#                         N is the first word when it is a number, else the
#                         last
#   file: PATH: TEXT      after the runs, PATH (in the scratch tree) has a
#                         line equal to TEXT
#   nofile: PATH: TEXT    after the runs, PATH has no line equal to TEXT
#
# Every plugin whose source the diff changes is rebuilt in the scratch tree
# with the flags the tree's plugins use; plugcheck runs from the scratch
# tree's root with --no-default-plugins --plugin-dir plugins --machine-dir
# machines --abi-dir abi, so paths in its output are relative to the tree.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
pc=${PLUGCHECK:-$src/plugcheck}
cc=${CC:-gcc}
pflags="-std=gnu11 -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I$src/abi/include"
case "$pc" in /*) ;; *) pc=$src/$pc ;; esac

if [ $# -eq 0 ]; then
	set -- "$here"/cases/*.case
fi


. "$src/tests/lib/outcome.sh"

# The author ran the main job before the change: on the unchanged copy,
# the first run's machine type, into the case's cache.  What a run keeps
# there -- the recorded releases' keys in the extra configurations
# (Documentation/performance.md) -- is what the runs after the change
# start from, so every case's outcome is checked against kept keys; the
# case's line says "(kept keys)" when there were some.  Only the main job
# (read-only): a case's own runs may write to the tree.
# PLUGCHECK_MUTATIONS_COLD=1 skips it: every case from a first run.
prime() {
	local work=$1 args=$2 m=""
	[ -z "${PLUGCHECK_MUTATIONS_COLD:-}" ] || return 0
	eval "set -- $args"
	while [ $# -gt 0 ]; do
		case "$1" in
		--machine) m=${2:-}; shift ;;
		--machine=*) m=${1#--machine=} ;;
		esac
		shift
	done
	[ -n "$m" ] || return 0
	(cd "$work" && XDG_CACHE_HOME="$work/.cache" "$pc" -q --no-default-plugins \
		--plugin-dir plugins --machine-dir machines --abi-dir abi \
		--machine "$m") >/dev/null 2>&1
}

one_case() {
	local file=$1 name work hdr diff line key val
	local -a runs=() expects=() rejects=() counts=() files=() nofiles=()
	local want_exit="" want_before=0 want_rules="" want_known="" have_rules=0 have_known=0
	local errors=()

	name=$(basename "$file" .case)
	work=$(mktemp -d "${TMPDIR:-/tmp}/pc-mut-$name.XXXXXX")
	hdr=$work/.header
	diff=$work/.diff
	awk -v h="$hdr" -v d="$diff" 'BEGIN { out = h } /^---$/ && out == h { out = d; next } { print > out }' "$file"
	[ -f "$diff" ] || : >"$diff"
	while IFS= read -r line; do
		case "$line" in '#'* | '') continue ;; esac
		key=${line%%:*}
		val=${line#*:}
		val=${val# }
		case "$key" in
		run) runs+=("$val") ;;
		exit) want_exit=$val ;;
		exit-before) want_before=$val ;;
		rules) want_rules=$val; have_rules=1 ;;
		known) want_known=$val; have_known=1 ;;
		expect) expects+=("$val") ;;
		reject) rejects+=("$val") ;;
		count) counts+=("$val") ;;
		file) files+=("$val") ;;
		nofile) nofiles+=("$val") ;;
		*) errors+=("bad header line: $line") ;;
		esac
	done <"$hdr"
	[ ${#runs[@]} -gt 0 ] || errors+=("no run: line")
	[ -n "$want_exit" ] || errors+=("no exit: line")

	cp -a "$src/plugins" "$src/machines" "$src/abi" "$work/"
	find "$work/plugins" -name '*.o' -delete
	prime "$work" "${runs[0]:-}"
	if [ -s "$diff" ] && ! (cd "$work" && patch -p1 -s --no-backup-if-mismatch <"$diff" >"$work/.patch.log" 2>&1); then
		errors+=("the diff does not apply: $(head -3 "$work/.patch.log" | tr '\n' ' ')")
	fi
	# rebuild the plugins whose source changed (or that the diff adds)
	for c in "$work"/plugins/*/*.c; do
		[ -e "$c" ] || continue
		rel=${c#"$work"/}
		d=$(dirname "$c")
		so=$d/$(basename "$d").so
		if [ ! -e "$src/$rel" ] || ! cmp -s "$c" "$src/$rel" || [ ! -e "$so" ]; then
			# shellcheck disable=SC2086
			if ! $cc $pflags ${CFLAGS:-} -o "$so" "$c" >"$work/.cc.log" 2>&1; then
				errors+=("cannot build $rel: $(head -3 "$work/.cc.log" | tr '\n' ' ')")
			fi
		fi
	done
	# a plugin directory the diff emptied is a removed plugin
	for d in "$work"/plugins/*/; do
		ls "$d"*.c >/dev/null 2>&1 || rm -rf "$d"
	done

	local out=$work/.out status=0 i=0 n=${#runs[@]}
	if [ ${#errors[@]} -eq 0 ]; then
		for r in "${runs[@]}"; do
			i=$((i + 1))
			eval "set -- $r"
			(cd "$work" && XDG_CACHE_HOME="$work/.cache" "$pc" --no-default-plugins \
				--plugin-dir plugins --machine-dir machines --abi-dir abi "$@") >"$out" 2>&1
			status=$?
			if [ "$i" -lt "$n" ] && [ "$status" != "$want_before" ]; then
				errors+=("run $i ($r): exit $status, expected $want_before")
			fi
		done
		[ "$status" = "$want_exit" ] || errors+=("exit $status, expected $want_exit")
		if [ $have_rules -eq 1 ]; then
			local got want
			got=$(rules_of "$out")
			want=$(norm "${want_rules/none/}")
			[ "$got" = "$want" ] || errors+=("rules '$got', expected '$want'")
		fi
		if [ $have_known -eq 1 ]; then
			local gotk wantk
			gotk=$(known_of "$out")
			wantk=$(norm "${want_known/none/}")
			[ "$gotk" = "$wantk" ] || errors+=("known breaks '$gotk', expected '$wantk'")
		fi
		for e in "${expects[@]}"; do
			grep -qF -- "$e" "$out" || errors+=("output lacks: $e")
		done
		for e in "${rejects[@]}"; do
			grep -qF -- "$e" "$out" && errors+=("output has: $e")
		done
		for e in "${counts[@]}"; do
			local cn ct got_n
			case "${e%% *}" in
			'' | *[!0-9]*) cn=${e##* } ct=${e% *} ;;
			*) cn=${e%% *} ct=${e#* } ;;
			esac
			case "$cn" in '' | *[!0-9]*) errors+=("bad count: line: $e"); continue ;; esac
			got_n=$(grep -oF -- "$ct" "$out" | wc -l)
			[ "$got_n" -eq "$cn" ] || errors+=("output has '$ct' $got_n times, expected $cn")
		done
		for e in "${files[@]}"; do
			local p=${e%%: *} t=${e#*: }
			grep -qxF -- "$t" "$work/$p" 2>/dev/null || errors+=("$p has no line: $t")
		done
		for e in "${nofiles[@]}"; do
			local p=${e%%: *} t=${e#*: }
			grep -qxF -- "$t" "$work/$p" 2>/dev/null && errors+=("$p has the line: $t")
		done
	fi
	if [ ${#errors[@]} -eq 0 ]; then
		local kept=""
		ls "$work"/.cache/plugcheck/vmkeys-*.bin >/dev/null 2>&1 && kept=" (kept keys)"
		printf '  %-56s ok%s\n' "$name" "$kept"
		[ -n "${MUTATION_KEEP:-}" ] || rm -rf "$work"
	else
		printf '  %-56s FAILED\n' "$name"
		for e in "${errors[@]}"; do
			printf '      %s\n' "$e"
		done
		if [ -s "$out" ]; then
			printf '      --- output (%s) ---\n' "${runs[-1]:-}"
			sed -n '1,60p' "$out" | sed 's/^/      | /'
		fi
		printf '      (scratch tree kept: %s)\n' "$work"
		return 1
	fi
	return 0
}

# The cases are independent: up to MUTATION_JOBS (default: one per CPU)
# run at once, each into its own report, printed in order.
echo "Suite: mutations (device-author changes on a copy of the tree)"
run_cases mutations "${MUTATION_JOBS:-$(nproc 2>/dev/null || echo 1)}" one_case "$@"
