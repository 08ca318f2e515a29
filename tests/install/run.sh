#!/bin/bash
# tests/install/run.sh - the staged-install test: the vendor kit works from
# an installed plugcheck alone.
#
#   tests/install/run.sh            (from a configured source tree; CI runs it
#                                    after `make check`, as root on a fresh machine)
#
# 1. `make dist`, unpack the tarball in a scratch directory, configure it for
#    a staging prefix, build, `make install`; also `make install DESTDIR=`
#    (same files) and `make uninstall DESTDIR=` (nothing left); then delete
#    the build directory.
# 2. Where possible (root + unshare), hide the source tree behind an empty
#    tmpfs for the rest of the run; in any case check that no header used
#    by the vendor build comes from the source tree.
# 3. The installed plugcheck: finds its plugins, machines and baselines with
#    no flags; the library exports only plugcheck_*; pkg-config variables;
#    the manual pages render.
# 4. The vendor module (copied from the INSTALLED documentation) is built
#    with `pkg-config --cflags --libs plugcheck` only, checked with the
#    shipped plugins, and its release recorded into a vendor ABI directory.
#    Version 2 changes a default for existing machine types:
#      - silently: `plugcheck check` against the vendor baseline exits 1
#        naming acme-nic.rx-queues (lint cannot know);
#      - declared (was=): `plugcheck lint` exits 1 with PC801, check exits 1;
#      - with the compat entry in a vendor machine directory: both exit 0.
# 5. A program linked against the INSTALLED libplugcheck (pkg-config) gives
#    the same verdicts.
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd -P)
START=${START:-$(date +%s)}
export START

fail() { echo "install test: FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

# expect STATUS CMD... : run CMD, show its output, require its exit status.
expect() {
	local want=$1 got=0
	shift
	echo "\$ $*"
	"$@" > "$WORK/out" 2>&1 || got=$?
	# no pipe into head: under pipefail, sed would die of SIGPIPE
	sed -n '1,40s/^/    /p' "$WORK/out"
	[ "$(wc -l < "$WORK/out")" -le 40 ] || echo "    ... ($(wc -l < "$WORK/out") lines)"
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}
# the last command's output must contain a string
has() { grep -qF -- "$1" "$WORK/out" || fail "output lacks '$1'"; }

if [ "${1:-}" != "--staged" ]; then
	WORK=$(mktemp -d /tmp/plugcheck-install.XXXXXX)
	export WORK
	echo "install test: scratch directory $WORK"
	cp "$SRC/tests/install/api-client.c" "$WORK/"

	step "1. make dist, build the tarball for a staging prefix, install"
	[ -f "$SRC/Makefile" ] || (cd "$SRC" && ./configure)
	make -C "$SRC" -s dist
	DIST=$(ls -t "$SRC"/plugcheck-*.tar.gz | head -n 1)
	mv "$DIST" "$WORK/"
	tar -xzf "$WORK/$(basename "$DIST")" -C "$WORK"
	BUILD="$WORK/$(basename "$DIST" .tar.gz)"
	STAGE="$WORK/stage/usr"
	(cd "$BUILD" && ./configure --prefix="$STAGE" ${CONFIGURE_FLAGS:-} > configure.out)
	make -C "$BUILD" -s -j"$(nproc)"
	make -C "$BUILD" -s install > /dev/null
	make -C "$BUILD" -s install DESTDIR="$WORK/destdir" > /dev/null
	(cd "$STAGE" && find . | LC_ALL=C sort) > "$WORK/staged.list"
	(cd "$WORK/destdir$STAGE" && find . | LC_ALL=C sort) > "$WORK/destdir.list"
	diff -u "$WORK/staged.list" "$WORK/destdir.list" || fail "DESTDIR install differs from the direct one"
	echo "installed $(grep -c . "$WORK/staged.list") paths under $STAGE"
	make -C "$BUILD" -s uninstall DESTDIR="$WORK/destdir" > /dev/null
	left=$(find "$WORK/destdir" -mindepth 1 ! -type d)
	[ -z "$left" ] || fail "make uninstall DESTDIR= left: $left"
	rm -rf "$BUILD" "$WORK/destdir"
	echo "build directory removed; uninstall (DESTDIR) left nothing"
	export STAGE

	step "2. hide the source tree"
	if [ "$(id -u)" = 0 ] && unshare --mount true 2> /dev/null; then
		exec unshare --mount -- "$0" --staged
	fi
	echo "not root or no unshare: the source tree stays visible (the header check below still applies)"
	HIDDEN=no
else
	mount --make-rprivate / 2> /dev/null || true
	mount -t tmpfs -o size=1m,mode=0755 none "$SRC"
	[ ! -e "$SRC/core/cli/plugcheck.c" ] || fail "could not hide $SRC"
	echo "source tree $SRC hidden behind an empty tmpfs (private mount namespace)"
	HIDDEN=yes
fi

export PATH="$STAGE/bin:$PATH"
export PKG_CONFIG_PATH="$STAGE/lib/pkgconfig"
export XDG_CACHE_HOME="$WORK/cache"
unset PLUGCHECK_PLUGIN_PATH
cd "$WORK"

step "3. the installed plugcheck"
[ "$(command -v plugcheck)" = "$STAGE/bin/plugcheck" ] || fail "plugcheck is not the staged one"
expect 0 plugcheck --version
expect 0 plugcheck list-plugins
has "$STAGE/lib/plugcheck/plugins/pci.so"
expect 0 plugcheck -q --machine pc-5.1
expect 0 plugcheck list-machines
has pc-q35-11.0
for v in check list-machines list-plugins info props dump-abi suggest lint baseline migrate qemu-diff dump-vmstate capture; do
	plugcheck "$v" --help > /dev/null || fail "plugcheck $v --help"
done
# shell completion where bash-completion and zsh look, answering from
# the installed tree
BASHCOMP="$STAGE/share/bash-completion/completions/plugcheck"
[ -f "$BASHCOMP" ] || fail "bash completion not installed at $BASHCOMP"
[ -f "$STAGE/share/zsh/vendor-completions/_plugcheck" ] || fail "zsh completion not installed"
got=$(bash -c 'source "$1"; COMP_WORDS=(plugcheck check --machine pc-q35-11); COMP_CWORD=3; _plugcheck; printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHCOMP")
grep -qx pc-q35-11.0 <<< "$got" || fail "installed bash completion offers no pc-q35-11.0: $got"
echo "completion: installed, bash offers $(echo $got)"
LIB="$STAGE/lib/libplugcheck.so.1"
[ -L "$STAGE/lib/libplugcheck.so" ] && [ -e "$LIB" ] || fail "libplugcheck.so links missing"
grep -q 'SONAME.*\[libplugcheck\.so\.1\]' <<< "$(readelf -d "$LIB")" || fail "SONAME is not libplugcheck.so.1"
exported=$(objdump -T "$LIB" | awk '$2 == "g" && $4 != "*UND*" { print $NF }' | grep -v '^PLUGCHECK_' | LC_ALL=C sort)
echo "exported: $(echo $exported)"
[ -n "$exported" ] || fail "libplugcheck exports nothing"
! grep -qv '^plugcheck_' <<< "$exported" || fail "libplugcheck exports non-API symbols: $exported"
for var in plugindir machinedir abidir; do
	val=$(pkg-config --variable=$var plugcheck)
	case "$val" in "$STAGE"/*) [ -d "$val" ] || fail "$var=$val does not exist" ;; *) fail "$var=$val is not under $STAGE" ;; esac
done
echo "pkg-config: $(pkg-config --modversion plugcheck), $(pkg-config --cflags --libs plugcheck)"
if command -v groff > /dev/null; then
	for page in "$STAGE/share/man/man1/plugcheck.1" "$STAGE/share/man/man5/plugcheck-formats.5"; do
		warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$warn" ] || fail "$page: $warn"
	done
	echo "manual pages render without warnings"
else
	echo "groff not installed: manual pages not rendered"
fi

step "4. the vendor module, built out of tree from the installed example"
VENDOR="$WORK/acme"
cp -r "$STAGE/share/doc/plugcheck/examples/vendor-module" "$VENDOR"
cd "$VENDOR"
expect 0 make
# every header of the build comes from the staged install, none from the source tree
cc $(pkg-config --cflags plugcheck) -M acme-nic.c > "$WORK/deps"
grep -q "$STAGE/include/plugcheck/plugin.h" "$WORK/deps" || fail "plugin.h not taken from the install"
! grep -q "$SRC/" "$WORK/deps" || fail "the vendor build used the source tree"
! grep -q 'NEEDED.*libplugcheck' <<< "$(readelf -d acme-nic.so)" || fail "the plugin depends on libplugcheck"
expect 0 plugcheck info ./acme-nic.so
has "type:         acme-nic : pci-device"
expect 0 plugcheck --plugin-dir . list-plugins
has acme-nic
expect 0 plugcheck --plugin-dir . lint
expect 0 make baseline RELEASE=11.0
[ -s vendor-abi/releases/11.0.json ] || fail "no vendor baseline"
expect 0 plugcheck --plugin-dir . --abi-dir vendor-abi --machine q35
has "11.0     <-> tree     compatible"
expect 0 plugcheck --plugin-dir . --abi-dir vendor-abi -q --machine pc-5.1

cp acme-nic.c acme-nic.c.v1
grep -q '"default=1 guest-visible"' acme-nic.c.v1 || fail "example changed: no 'default=1 guest-visible' to edit"

echo; echo "-- version 2, default changed silently"
sed 's/"default=1 guest-visible"/"default=4 guest-visible"/' acme-nic.c.v1 > acme-nic.c
expect 0 make
expect 1 plugcheck --plugin-dir . --abi-dir vendor-abi --machine pc-q35-10.0
has "PC207 incompatible [field-count] 11.0 -> tree on pc-q35-10.0"
has "cause: acme-nic.rx-queues = 1 on 11.0 (default), 4 on tree (default)"
has "PC501 incompatible [guest-visible-property] at acme-nic acme-nic.rx-queues"
expect 1 plugcheck --plugin-dir . --abi-dir vendor-abi --format json --machine q35
has '"path": "acme-nic.rx-queues"'
has '"exit_status": 1'
expect 0 plugcheck --plugin-dir . lint    # without declared history lint cannot know

echo; echo "-- version 2, default change declared (was=11.1:1), no compat entry"
sed 's/"default=1 guest-visible"/"default=4 was=11.1:1 guest-visible"/' acme-nic.c.v1 > acme-nic.c
expect 0 make
expect 1 plugcheck --plugin-dir . lint
has "PC801 incompatible [default-change-without-compat]"
has "acme-nic.rx-queues"
expect 1 plugcheck --plugin-dir . --abi-dir vendor-abi -q --machine pc-q35-10.0
has "acme-nic.rx-queues"

echo; echo "-- version 2 with the compat entry in the vendor's machine directory"
cp -r "$(pkg-config --variable=machinedir plugcheck)" vendor-machines
printf '# acme-nic defaults of 11.0, kept for the 11.0 machine types and older\narray acme_compat_11_0 release=11.1\nacme-nic rx-queues 1\n' \
	> vendor-machines/compat/acme_compat_11_0.compat
echo "compat acme_compat_11_0" >> vendor-machines/pc-q35-11.0.machine
echo "compat acme_compat_11_0" >> vendor-machines/pc-i440fx-11.0.machine
expect 0 plugcheck --plugin-dir . --machine-dir vendor-machines lint
for m in pc-q35-10.0 q35 pc pc-5.1; do
	expect 0 plugcheck --plugin-dir . --machine-dir vendor-machines --abi-dir vendor-abi -q --machine "$m"
done
expect 0 plugcheck --plugin-dir . --machine-dir vendor-machines props --machine pc-5.1 --device acme-nic
has "rx-queues"
has "acme_compat_11_0.compat:3"

step "5. a program linked against the installed libplugcheck"
mkdir "$WORK/api"
cd "$WORK/api"
cp "$WORK/api-client.c" .
cc -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags plugcheck) -o api-client api-client.c \
	$(pkg-config --libs plugcheck) -Wl,-rpath,"$(pkg-config --variable=libdir plugcheck)"
grep -q 'NEEDED.*\[libplugcheck\.so\.1\]' <<< "$(readelf -d api-client)" || fail "api-client does not use libplugcheck.so.1"
expect 0 ./api-client pc-5.1 8.0
has '"exit_status": 0'
expect 1 ./api-client pc-q35-10.0 11.0 "$VENDOR" "$VENDOR/vendor-abi"
expect 0 ./api-client pc-q35-10.0 11.0 "$VENDOR" "$VENDOR/vendor-abi" "$VENDOR/vendor-machines"
expect 2 ./api-client pc-q35-51 8.0
has "did you mean 'pc-q35-5.1'"

echo
echo "install test: passed in $(( $(date +%s) - START ))s (source tree hidden: $HIDDEN)"
cd /
rm -rf "$WORK"
