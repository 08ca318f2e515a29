#!/bin/bash
# tests/reports/run.sh - the output formats (SARIF, JUnit, github, gnu) and
# the JSON contract (Documentation/plugcheck-output.schema.json), checked on
# real runs by tests/reports/reports.py with python3-jsonschema and
# xml.etree.  Run by make check.
#
# Usage: tests/reports/run.sh   Environment: PLUGCHECK (default ./plugcheck)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
pc=${PLUGCHECK:-$src/plugcheck}

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "reports: python3-jsonschema is not installed (apt-get install python3-jsonschema)" >&2
	exit 1
fi
exec python3 "$here/reports.py" "$pc" "$src"
