#!/bin/sh
# includes.sh - the library's files layer by their headers too.
#
# layers.sh holds the calls (nm); this holds the types: a file that
# includes another's header depends on it even when it calls nothing
# there.  The calls count here too (read through layers.sh when the
# objects are built), so that a file including B's header while B calls
# it is a loop as well, though neither graph alone has one.  A unit is a library file and its header (core/X.c + core/X.h);
# a header with no .c of its own (model.h, check-rules.h, ...) is no unit:
# whoever includes it depends on what it includes.  Fails on
#
#  - a loop between units: "X includes a header of Y" both ways round,
#    directly or through others, printed with the file and header on each
#    edge:
#
#      include loop: hookctx -> stream -> hookctx
#        hookctx -> stream: hookctx.h includes stream.h
#        stream -> hookctx: stream.c includes hookctx.h
#
#  - an upward include: a library file including a header of the CLI
#    (core/cli/*.h).
#
#   tests/ci/includes.sh [DIR]   (default: core, next to this script)
#   INCLUDES_VERBOSE=1 prints every edge; LAYERS_EDGES=FILE reads the
#   calls from layers.sh's edge file instead of running nm again.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/../.."
	set -- core
fi
dir=$1
[ -d "$dir" ] || { echo "includes: no directory '$dir'" >&2; exit 2; }
set -- "$dir"/*.c "$dir"/*.h
[ -f "$1" ] || { echo "includes: no sources in '$dir'" >&2; exit 2; }

tab=$(printf '\t')
edges=$(mktemp "${TMPDIR:-/tmp}/includes.XXXXXX")
trap 'rm -f "$edges"' EXIT INT TERM
# one line an include: FILE<TAB>HEADER (quoted includes only)
for f in "$@"; do
	sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f" |
		awk -v f="${f##*/}" '{ print f "\t" $0 }'
done > "$edges"
# the CLI's headers, for the upward check
ls "$dir"/cli/*.h 2>/dev/null | sed 's,.*/,,; s/^/CLI\t/' >> "$edges"
# the calls between library objects, when built: CALL<TAB>A<TAB>B<TAB>SYMS
if ls "$dir"/*.o >/dev/null 2>&1; then
	if [ -n "${LAYERS_EDGES:-}" ] && [ -f "$LAYERS_EDGES" ]; then
		cat "$LAYERS_EDGES"
	else
		LAYERS_VERBOSE=1 "$here/layers.sh" "$dir"/*.o 2>/dev/null
	fi |
		sed -n 's/^layers: \([^ ]*\)\.o -> \([^ :]*\)\.o: \(.*\)/CALL\t\1\t\2\t\3/p' >> "$edges" || true
fi
# which names have a .c (units)
for f in "$dir"/*.c; do
	b=${f##*/}
	printf 'UNIT\t%s\n' "${b%.c}"
done >> "$edges"

awk -F "$tab" -v verbose="${INCLUDES_VERBOSE:-0}" '
$1 == "UNIT" { unit[$2] = 1; next }
$1 == "CLI" { cli[$2] = 1; next }
$1 == "CALL" { call[++nc] = $2; callee[nc] = $3; csyms[nc] = $4; next }
{ inc[++n] = $1; hdr[n] = $2 }
function stem(name) { sub(/\.[ch]$/, "", name); return name }
# the units a header brings in: itself if a unit, else what it includes
function reach(h, from, file,    k, s) {
	s = stem(h)
	if (s in unit) {
		if (s != from) add(from, s, file " includes " h)
		return
	}
	if ((h, from) in visiting) return
	visiting[h, from] = 1
	for (k = 1; k <= n; k++)
		if (inc[k] == h) reach(hdr[k], from, file)
}
function add(a, b, why,    k) {
	k = a SUBSEP b
	if (k in edge) return
	edge[k] = why
	nadj[a]++; adj[a, nadj[a]] = b
	nodes[a] = 1; nodes[b] = 1
}
END {
	bad = 0
	for (k = 1; k <= n; k++) {
		if (hdr[k] in cli) {
			print "includes: upward include: library " inc[k] " includes the CLI header " hdr[k]
			bad = 1
		}
		s = stem(inc[k])
		if (s in unit) reach(hdr[k], s, inc[k])
	}
	for (k = 1; k <= nc; k++)
		add(call[k], callee[k], call[k] ".c calls " csyms[k])
	if (verbose)
		for (k in edge) { split(k, p, SUBSEP); print "includes: " p[1] " -> " p[2] ": " edge[k] }
	m = 0
	for (v in nodes) order[++m] = v
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t0 = order[j]; order[j] = order[j - 1]; order[j - 1] = t0 }
	idx = 0; sp = 0; loops = 0
	for (i = 1; i <= m; i++) if (!(order[i] in num)) strong(order[i])
	nu = 0; for (v in unit) nu++
	if (loops || bad) exit 1
	printf "includes: %d library units, %d calls, no loops through headers or calls, no CLI headers\n", nu, nc
}
function strong(v,    i, w, size, path, cur, nxt, n2, hop) {
	num[v] = low[v] = ++idx
	stack[++sp] = v; on[v] = 1
	for (i = 1; i <= nadj[v]; i++) {
		w = adj[v, i]
		if (!(w in num)) { strong(w); if (low[w] < low[v]) low[v] = low[w] }
		else if (on[w] && num[w] < low[v]) low[v] = num[w]
	}
	if (low[v] != num[v]) return
	size = 0
	do { w = stack[sp--]; on[w] = 0; comp[w] = v; size++ } while (w != v)
	if (size < 2) return
	loops++
	# one cycle: from v, follow edges inside the component back to v
	path = v; cur = v; delete seen; seen[v] = 1
	while (1) {
		nxt = ""
		for (i = 1; i <= nadj[cur]; i++) {
			w = adj[cur, i]
			if (comp[w] != v) continue
			if (w == v) { nxt = v; break }
			if (!(w in seen) && nxt == "") nxt = w
		}
		if (nxt == "") break
		path = path " -> " nxt
		if (nxt == v) break
		seen[nxt] = 1; cur = nxt
	}
	print "includes: include loop: " path
	n2 = split(path, hop, / -> /)
	for (i = 1; i < n2; i++)
		print "  " hop[i] " -> " hop[i + 1] ": " edge[hop[i] SUBSEP hop[i + 1]]
}' "$edges"
