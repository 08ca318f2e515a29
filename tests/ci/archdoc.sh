#!/bin/sh
# archdoc.sh - Documentation/architecture.md's map matches the tree.
#
# The "The pieces" table lists the library's files from the bottom layer
# up.  This fails when
#
#  - a library source (core/*.c) or a CLI source (core/cli/*.c) is named
#    by no row (a new file nobody placed), or a row names a file that does
#    not exist;
#  - a library object calls a file listed on a later row (the table would
#    draw an arrow upward): the calls are read with nm, through
#    tests/ci/layers.sh's edge list.
#
#   tests/ci/archdoc.sh   (after a build: it reads core/*.o; LAYERS_EDGES=FILE
#                          reads layers.sh's edge file instead)
set -eu
cd "$(dirname "$0")/../.."
doc=Documentation/architecture.md
[ -f "$doc" ] || { echo "archdoc: $doc missing" >&2; exit 2; }
ls core/*.o >/dev/null 2>&1 || { echo "archdoc: no objects (build first)" >&2; exit 2; }

tab=$(printf '\t')
work=$(mktemp -d "${TMPDIR:-/tmp}/archdoc.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# ROW<TAB>NAME for every file named in the first cell of the table's rows
awk '
/^## The pieces/ { on = 1; next }
on && /^## / { exit }
on && /^\| `/ {
	row++
	split($0, cell, "|")
	s = cell[2]
	while (match(s, /`[A-Za-z0-9\/._*-]+\.[ch]`/)) {
		name = substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
		print row "\t" name
	}
}' "$doc" > "$work/rows"
[ -s "$work/rows" ] || { echo "archdoc: no table under '## The pieces' in $doc" >&2; exit 2; }

# the sources: NAME as the table spells them (cli/ for the CLI's)
{
	for f in core/*.c; do echo "${f#core/}"; done
	for f in core/cli/*.c; do echo "${f#core/}"; done
} > "$work/sources"

# the call graph of the library: A.o -> B.o
if [ -n "${LAYERS_EDGES:-}" ] && [ -f "$LAYERS_EDGES" ]; then
	cat "$LAYERS_EDGES"
else
	LAYERS_VERBOSE=1 tests/ci/layers.sh core/*.o 2>/dev/null
fi |
	sed -n 's/^layers: \([^ ]*\)\.o -> \([^ :]*\)\.o: .*/\1\t\2/p' > "$work/edges"

awk -F "$tab" -v rows="$work/rows" -v srcs="$work/sources" -v doc="$doc" '
# is source f named by a row, literally or by a pattern such as cli/cmd-*.c?
function covered(f,    p, re) {
	if (f in row) return 1
	for (p in row)
		if (p ~ /\*/) {
			re = p
			gsub(/\./, "\\.", re)
			gsub(/\*/, "[^/]*", re)
			if (f ~ ("^" re "$")) return 1
		}
	return 0
}
BEGIN {
	while ((getline l < rows) > 0) {
		split(l, p, "\t")
		row[p[2]] = p[1]
		n = p[2]; sub(/\.[ch]$/, "", n); sub(/^cli\//, "", n)
		if (!(n in unitrow) || p[1] < unitrow[n]) unitrow[n] = p[1]
		named[p[2]] = 1
	}
	while ((getline l < srcs) > 0) {
		nsrc++
		if (!covered(l)) {
			print "archdoc: " l " is on no row of the table in " doc " (## The pieces)"
			bad = 1
		}
		have[l] = 1
	}
	for (f in named)
		if (f ~ /\.c$/ && f !~ /\*/ && !(f in have)) {
			print "archdoc: " doc " names " f ", which does not exist"
			bad = 1
		}
}
{
	a = $1; b = $2
	if ((a in unitrow) && (b in unitrow) && unitrow[b] > unitrow[a]) {
		print "archdoc: " a ".o calls " b ".o, listed on a later row: move " b " above " a " in " doc
		bad = 1
	}
	nedges++
}
END {
	if (bad) exit 1
	printf "archdoc: %d sources on the map, %d calls between library files, none upward\n", nsrc, nedges
}' "$work/edges"
