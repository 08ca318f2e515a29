#!/bin/sh
# Regenerate ./configure from configure.ac (needs autoconf).
# Autoconf's probes remove stray "core" dump files with "rm -f core"; our
# source directory is called core/, so drop that word from those commands.
set -e
cd "$(dirname "$0")"
autoconf
sed -i -e 's/rm -f core /rm -f /g' -e 's/rm -f -r core /rm -f -r /g' configure
rm -rf autom4te.cache
