#!/bin/sh
# tests/html/run.sh - the HTML report (plugcheck check --format html):
# the verbs that do not write one refuse it; then the pages of the main
# job, --matrix and --release-matrix in a real headless browser (Debian's
# chromium; check.py says what is asserted).  SKIP when chromium is not
# installed (CI installs it: .ci/run).
#
#   PLUGCHECK=./plugcheck tests/html/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
plugcheck=${PLUGCHECK:-$PWD/plugcheck}
fails=0

# refused where there is no HTML report: exit 2 and the reason
err=$("$plugcheck" --format html lint 2>&1 >/dev/null) && rc=0 || rc=$?
case "$rc:$err" in
2:*"--format html: only check writes an HTML report"*) ;;
*) echo "FAIL: --format html lint: exit $rc: $err"; fails=1 ;;
esac
err=$("$plugcheck" --format htm --machine pc-5.1 2>&1 >/dev/null) && rc=0 || rc=$?
case "$rc:$err" in
2:*"expected 'text', 'json', 'sarif', 'junit', 'github', 'gnu' or 'html', found 'htm'"*) ;;
*) echo "FAIL: --format htm: exit $rc: $err"; fails=1 ;;
esac

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "html: SKIP: chromium not installed (the browser tests need Debian's chromium)"
	exit $fails
fi
command -v python3 >/dev/null || { echo "html: FAIL: python3 not installed"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/plugcheck-html.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
python3 "$here/check.py" "$plugcheck" "$chromium" "$work" &
pid=$!
# interrupted: check.py kills its browsers, then the directory goes
trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 1' INT TERM
wait $pid || fails=1
# check.py kills each chromium's process group; nothing may be left
if pgrep -f "$work" >/dev/null 2>&1; then
	echo "FAIL: chromium processes left running:"; pgrep -af "$work"
	fails=1
fi
echo "html: $( [ $fails -eq 0 ] && echo passed || echo FAILED ) in $(( $(date +%s) - start )) s"
exit $fails
