#!/bin/sh
# valgrind.sh - the CLI integration suites with every plugcheck run under
# valgrind (memcheck, full leak check): `make valgrind`.  An invalid
# access, an uninitialised use or a definite/indirect leak makes the CLI
# exit 99, which fails the test that ran it.  Needs valgrind.
set -eu
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }
[ -f Makefile ] || { [ -x configure ] || ./autogen.sh; ./configure >/dev/null; }
make -j"$(nproc)" >/dev/null
make valgrind
