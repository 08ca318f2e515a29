#!/bin/sh
# sanitize.sh - the whole test suite under AddressSanitizer and
# UndefinedBehaviorSanitizer (./configure --enable-sanitizers), including
# the fuzz corpus replay.  Builds in a copy of the tree so that the
# ordinary build in the checkout is left alone.  Needs what `make check`
# needs (gcc's libasan and libubsan come with it).
#
#   tests/ci/sanitize.sh [BUILD_DIR]      (default: a fresh temp dir)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$(mktemp -d "${TMPDIR:-/tmp}/plugcheck-asan.XXXXXX")}
mkdir -p "$build"
# the sources only: no objects, no scratch files of earlier runs
(cd "$src" && tar -cf - --exclude=./tests/tmp --exclude=./tests/fuzz/obj \
	--exclude=./tests/fuzz/work --exclude=./tests/bench/work --exclude='*.o' \
	--exclude='*.a' --exclude='*.so' --exclude='*.so.*' --exclude=./.git .) |
	(cd "$build" && tar -xf -)
cd "$build"
[ -x configure ] || ./autogen.sh
./configure --enable-sanitizers --enable-werror >/dev/null
make -j"$(nproc)" >/dev/null
# a plugin crashing in a scanner child must die of its signal (the
# scanner resets the handlers); leaks fail the run
# The mutation and cycle suites ran clean under ASan when they were
# written; CI keeps its time by running the unit and CLI suites here
# (SANITIZE_SCENARIOS=yes runs them too), and samples every 12th machine
# type of the check/migrate agreement sweep (4 of them: the sweep is the
# same code 456 times over, and most of the plain run's time).
CHECK_SCENARIOS=${SANITIZE_SCENARIOS:-no} \
PLUGCHECK_AGREEMENT_STRIDE=12 \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make check CHECK_SCENARIOS="${SANITIZE_SCENARIOS:-no}"
echo "sanitize: ASan+UBSan make check passed in $build"
