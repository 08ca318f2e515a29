#!/bin/sh
# layers.sh - the library's files form a strict layering, under the CLI.
#
# Reads the defined and undefined symbols of the library objects with
# nm and fails on any of:
#
#  - a loop between library files: the file graph "A.o uses a symbol
#    defined in B.o" has a strongly connected component of more than one
#    file; one cycle through it is printed with the symbols on its edges:
#
#      loop: baseline.o -> check.o -> resolve.o -> baseline.o
#        baseline.o -> check.o: pc_check_smp_set
#
#  - an upward arrow: a library object uses a symbol defined in a CLI
#    object (core/cli/*.o): the library must build and link without the
#    command line;
#
#  - printing: a library object refers to the standard streams or the
#    functions that write to them (stdout, stderr, printf, puts, putchar,
#    perror and their _chk forms).  Writing to a FILE * or descriptor the
#    caller passes in is fine; the library never prints on its own.  One
#    exception, LAYERS_STDIO_ALLOW (default "util.o"): util.c's
#    out-of-memory path writes its last words to stderr before abort().
#
#   tests/ci/layers.sh [LIBOBJ... [--cli CLIOBJ...]]
#       (default: the LIB_OBJS and CLI_OBJS of Makefile.in, core/*.o and
#        core/cli/*.o)
#   NM=... overrides the nm used; LAYERS_VERBOSE=1 prints every edge;
#   LAYERS_EDGES=FILE also writes every edge there ("layers: A.o -> B.o:
#   SYMS" lines), for includes.sh and archdoc.sh to read instead of
#   running nm over the objects again (make check does so).
set -eu
NM=${NM:-nm}
STDIO_ALLOW=${LAYERS_STDIO_ALLOW-util.o}
cli_objs=
if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/../.."
	for o in core/*.o; do
		set -- "$@" "$o"
	done
	for o in core/cli/*.o; do
		[ -f "$o" ] && cli_objs="$cli_objs $o"
	done
fi
lib_objs=
while [ $# -gt 0 ]; do
	if [ "$1" = --cli ]; then
		shift
		cli_objs="$cli_objs $*"
		break
	fi
	lib_objs="$lib_objs $1"
	shift
done
set -- $lib_objs
[ $# -gt 0 ] && [ -f "$1" ] || { echo "layers: no objects (build first)" >&2; exit 2; }

tab=$(printf '\t')
syms=$(mktemp "${TMPDIR:-/tmp}/layers.XXXXXX")
trap 'rm -f "$syms"' EXIT INT TERM
# one line a symbol: FILE<TAB>D|U<TAB>NAME
# (CLI objects: FILE<TAB>C<TAB>NAME for what they define)
{
	for o in "$@"; do
		f=${o##*/}
		# one nm a file: defined symbols have an address, undefined
		# ones (U, weak w) none
		"$NM" -g "$o" | awk -v f="$f" '
			NF >= 3 { print f "\tD\t" $3; next }
			NF == 2 && ($1 == "U" || $1 == "w") { print f "\tU\t" $2 }'
	done
	for o in $cli_objs; do
		"$NM" -g --defined-only "$o" | awk -v f="cli/${o##*/}" 'NF >= 3 { print f "\tC\t" $3 }'
	done
} > "$syms"

awk -F "$tab" -v verbose="${LAYERS_VERBOSE:-0}" -v edges_out="${LAYERS_EDGES:-}" -v allow=" $STDIO_ALLOW " '
$2 == "D" { def[$3] = $1; files[$1] = 1; next }
$2 == "C" { cdef[$3] = $1; next }
$2 == "U" { use[++nu] = $1; usym[nu] = $3; files[$1] = 1 }
END {
	bad = 0
	for (i = 1; i <= nu; i++) {
		a = use[i]; s = usym[i]
		if (s in cdef && !(s in def)) {
			print "layers: upward arrow: library " a " uses " s ", defined in the CLI (" cdef[s] \
			      "): move it into the library, or the caller into core/cli/"
			bad++
		}
		if (s ~ /^(stdout|stderr|printf|vprintf|puts|putchar|putchar_unlocked|perror|__printf_chk|__vprintf_chk)$/ &&
		    index(allow, " " a " ") == 0) {
			print "layers: library " a " prints: it uses " s "; the library never prints: report" \
			      " through a struct pc_err, a callback or a FILE * the caller passes in"
			bad++
		}
	}
	if (bad) {
		print "layers: " bad " violation(s) of the library/CLI split"
		exit 1
	}
	for (i = 1; i <= nu; i++) {
		a = use[i]; s = usym[i]
		if (!(s in def)) continue          # a system library symbol
		b = def[s]
		if (a == b) continue
		k = a SUBSEP b
		if (!(k in edge)) { edge[k] = s; nadj[a]++; adj[a, nadj[a]] = b }
		else if (split(edge[k], t, " ") < 3) edge[k] = edge[k] " " s
		else if (edge[k] !~ /\.\.\.$/) edge[k] = edge[k] " ..."
	}
	for (k in edge) {
		split(k, p, SUBSEP)
		line = "layers: " p[1] " -> " p[2] ": " edge[k]
		if (verbose) print line
		if (edges_out != "") print line > edges_out
	}
	if (edges_out != "") close(edges_out)
	# Tarjan strongly connected components, files in sorted order
	n = 0
	for (f in files) order[++n] = f
	for (i = 2; i <= n; i++)                  # insertion sort: portable awk
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t0 = order[j]; order[j] = order[j - 1]; order[j - 1] = t0 }
	idx = 0; sp = 0; nscc = 0
	for (i = 1; i <= n; i++) if (!(order[i] in num)) strong(order[i])
	loops = 0
	for (c = 1; c <= nscc; c++) {
		if (sccsize[c] < 2) continue
		loops++
		report(c)
	}
	if (loops) {
		print "layers: " loops " loop(s) between library files; break each by moving the misplaced" \
		      " functions to the file that owns the concept, or by inverting the dependency"
		exit 1
	}
	print "layers: " n " library files, no loops, no upward arrows, no printing"
}
function strong(v,    i, w) {
	num[v] = low[v] = ++idx
	stack[++sp] = v; onstack[v] = 1
	for (i = 1; i <= nadj[v]; i++) {
		w = adj[v, i]
		if (!(w in num)) { strong(w); if (low[w] < low[v]) low[v] = low[w] }
		else if (onstack[w] && num[w] < low[v]) low[v] = num[w]
	}
	if (low[v] == num[v]) {
		nscc++
		do { w = stack[sp--]; onstack[w] = 0; scc[w] = nscc; sccsize[nscc]++ } while (w != v)
	}
}
# the shortest cycle through the first (sorted) file of component c
function report(c,    i, s, head, tail, q, v, w, j, prev, line, members, seen, cyc, m, oncyc) {
	for (i = 1; i <= n; i++) if (scc[order[i]] == c) { s = order[i]; break }
	head = tail = 1; q[1] = s; seen[s] = 1
	while (head <= tail) {
		v = q[head++]
		for (j = 1; j <= nadj[v]; j++) {
			w = adj[v, j]
			if (scc[w] != c) continue
			if (w == s) { prev[s] = v; head = tail + 1; break }
			if (!(w in seen)) { seen[w] = 1; prev[w] = v; q[++tail] = w }
		}
	}
	m = 0; v = s
	do { cyc[++m] = v; v = prev[v] } while (v != s)
	# cyc holds the cycle backwards from s: s, prev[s], ...
	line = s
	for (i = m; i >= 2; i--) line = line " -> " cyc[i]
	line = line " -> " s
	print "loop: " line
	if (m < sccsize[c]) {
		members = ""
		for (i = 1; i <= n; i++) if (scc[order[i]] == c) members = members " " order[i]
		print "  (one cycle of a loop among" members ")"
	}
	v = s
	for (i = m; i >= 1; i--) {
		w = (i > 1 ? cyc[i] : s)
		print "  " v " -> " w ": " edge[v, w]
		oncyc[v, w] = 1
		v = w
	}
	if (m < sccsize[c])                       # the rest of the component
		for (i = 1; i <= n; i++) {
			v = order[i]
			if (scc[v] != c) continue
			for (j = 1; j <= n; j++) {
				w = order[j]
				if (scc[w] == c && ((v, w) in edge) && !((v, w) in oncyc))
					print "  also " v " -> " w ": " edge[v, w]
			}
		}
}
' "$syms"
