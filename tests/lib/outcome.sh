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
