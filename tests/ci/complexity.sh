#!/bin/sh
# complexity.sh - every library function stays small enough to read.
#
# Runs pmccabe over the library and CLI sources and fails on any function longer
# than MAX_LINES lines (pmccabe column 5) or with a modified McCabe
# complexity over MAX_CC (pmccabe column 1), listing each as
#
#   core/resolve.c:67: pc_host_caps_load: 119 lines, complexity 52
#
# A function may stay over the limits when splitting it would hurt (one
# table-driven switch over a grammar, say): the comment block directly above
# it, ending on the line before the definition or within the 3 lines above
# it (with nothing but the start of the definition in between), then holds
# "size-exception:" followed on the same line by the reason.  Such functions
# are counted as excepted, not as failures.
#
#   tests/ci/complexity.sh [FILE.c...]   (default: core/*.c and core/cli/*.c)
#   MAX_LINES=100 MAX_CC=25 override the limits.
#
# Exit status: 0 all within the limits, 1 some over them, 2 pmccabe missing
# or nothing to check.  A missing pmccabe is an error, never a silent pass;
# "make check" runs this script only when pmccabe is installed and says so
# loudly when it is not (.ci/run installs it, so CI always runs it).
set -eu
MAX_LINES=${MAX_LINES:-100}
MAX_CC=${MAX_CC:-25}

if ! command -v pmccabe >/dev/null 2>&1; then
	echo "complexity: pmccabe not installed (Debian package 'pmccabe'): nothing checked" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/../.."
	set -- core/*.c core/cli/*.c
fi
[ -f "$1" ] || { echo "complexity: no sources ('$1' missing)" >&2; exit 2; }

out=$(mktemp "${TMPDIR:-/tmp}/complexity.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM
if ! pmccabe "$@" >"$out"; then
	echo "complexity: pmccabe failed on $*" >&2
	exit 2
fi

# pmccabe line: MODCC TRADCC STMTS FIRSTLINE NLINES FILE(LINE): NAME
awk -F'\t' -v max_lines="$MAX_LINES" -v max_cc="$MAX_CC" '
function load(file,    line, n) {
	delete src
	n = 0
	while ((getline line < file) > 0)
		src[++n] = line
	close(file)
	loaded = file
}
# Is there a "size-exception: REASON" in the comment block ending within
# the 3 lines above line "start", with only the definition in between?
function excepted(start,    k, end, text) {
	end = 0
	for (k = start - 1; k >= 1 && k >= start - 3; k--) {
		if (src[k] ~ /\*\/[ \t]*$/) {
			end = k
			break
		}
		if (src[k] ~ /[;}]/ || src[k] ~ /^[ \t]*#/)
			return 0
	}
	if (!end)
		return 0
	for (k = end; k >= 1; k--) {
		if (src[k] ~ /size-exception:[ \t]*[^ \t*\/]/)
			return 1
		if (src[k] ~ /\/\*/)
			return 0
	}
	return 0
}
{
	cc = $1; first = $4; nlines = $5
	file = $6; sub(/\([0-9]+\): .*$/, "", file)
	name = $6; sub(/^[^)]*\): /, "", name)
	checked++
	files[file] = 1
	if (cc <= max_cc && nlines <= max_lines)
		next
	if (file != loaded)
		load(file)
	if (excepted(first)) {
		excused++
		next
	}
	over++
	printf "%s:%d: %s: %d lines, complexity %d\n", file, first, name, nlines, cc
}
END {
	printf "complexity: %d functions checked, %d over the limits (%d lines, complexity %d), %d excepted\n",
		checked, over, max_lines, max_cc, excused
	exit over > 0
}' "$out"
