# tests/lib/outcome.sh - reading plugcheck's text output in the shell
# suites (tests/mutations, tests/cycle); sourced, not run.

# The rule IDs of findings at 'incompatible' or 'needs-review' severity,
# not acknowledged (text output: "  PC501 incompatible [slug] ..."), sorted,
# space-separated, on one line.
rules_of() {
	grep -oE '(^|[[:space:]])PC[0-9]{3} (incompatible|needs-review) \[[a-z0-9-]+\]( |$)' "$1" |
		grep -v 'known break' | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# The abi/known-breaks entries named in the output, sorted, on one line.
known_of() {
	grep -oE 'abi/known-breaks:[0-9]+' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# A list of words, sorted and deduplicated, on one line.
norm() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# run_cases TITLE JOBS FUNC ARG...: FUNC ARG for each ARG, up to JOBS at
# once, each into its own report, printed in order; then the count line
# "TITLE: P passed, F failed".  Returns 0 when every case passed (and
# there was one).
run_cases() {
	local title=$1 jobs_max=$2 fn=$3 res n=0 k pass=0 fail=0
	shift 3
	res=$(mktemp -d "${TMPDIR:-/tmp}/pc-$title-results.XXXXXX")
	for a in "$@"; do
		("$fn" "$a" >"$res/$n.out" 2>&1; echo $? >"$res/$n.rc") &
		n=$((n + 1))
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
			wait -n
		done
	done
	wait
	for ((k = 0; k < n; k++)); do
		cat "$res/$k.out"
		if [ "$(cat "$res/$k.rc" 2>/dev/null)" = 0 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
		fi
	done
	rm -rf "$res"
	echo "$title: $pass passed, $fail failed"
	[ $n -gt 0 ] && [ $fail -eq 0 ]
}
