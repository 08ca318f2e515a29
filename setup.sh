#!/bin/sh
# setup.sh - set everything up on a fresh Debian 12 machine and run the
# main job: install the build dependencies (apt-get; through sudo when not
# root), configure, build, and check machine type pc-5.1 against every
# recorded release.  Safe to run again.
set -eu
cd "$(dirname "$0")"

pkgs="build-essential autoconf pkg-config libltdl-dev libelf-dev libcunit1-dev libjansson-dev libyajl-dev patch pmccabe python3-yaml python3-jsonschema"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=
	else
		SUDO=sudo
	fi
	$SUDO apt-get update -q
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make -j"$(nproc)"
exec ./plugcheck --machine pc-5.1
