#!/bin/sh
# gen-big-dump.sh - write a synthetic QEMU -dump-vmstate file with many
# sections, for benchmarking `plugcheck qemu-diff` (a benchmark, not a test:
# the figure depends on the machine).  Each section looks like a real PCI
# device (~4 KB of JSON, like the ~200 sections of a real 0.8 MB dump): a
# nested PCIDevice, 24 scalar fields, an array, a versioned field and a
# subsection.  With "b" as the variant, every 97th section differs (a
# resized field, an appended field without a version bump, a raised
# minimum_version_id), so the comparison has findings to report.
#
# Usage: tools/gen-big-dump.sh SECTIONS [a|b] > FILE.json
#
#   tools/gen-big-dump.sh 5000 a > /tmp/big-a.json
#   tools/gen-big-dump.sh 5000 b > /tmp/big-b.json
#   time ./plugcheck -q qemu-diff /tmp/big-a.json /tmp/big-b.json
set -eu

n=${1:?usage: gen-big-dump.sh SECTIONS [a|b]}
variant=${2:-a}
case $n in *[!0-9]*|'') echo "gen-big-dump.sh: SECTIONS must be a number, not '$n'" >&2; exit 2;; esac
case $variant in a|b) ;; *) echo "gen-big-dump.sh: variant must be 'a' or 'b', not '$variant'" >&2; exit 2;; esac

awk -v n="$n" -v variant="$variant" '
function field(name, v, size, last) {
	printf "          { \"field\": \"%s\", \"version_id\": %d, \"field_exists\": false, \"size\": %d }%s\n", name, v, size, last ? "" : ","
}
BEGIN {
	printf "{\n  \"vmschkmachine\": { \"Name\": \"pc-q35-9.%s\" }", variant == "a" ? "0" : "1"
	for (i = 0; i < n; i++) {
		name = sprintf("dev-%05d", i)
		odd = (variant == "b" && i % 97 == 42)
		minv = (odd && i % 3 == 0) ? 3 : 1
		printf ",\n  \"%s\": {\n    \"Name\": \"%s\", \"version_id\": 3, \"minimum_version_id\": %d,\n", name, name, minv
		printf "    \"Description\": {\n      \"name\": \"%s\", \"version_id\": 3, \"minimum_version_id\": %d,\n      \"Fields\": [\n", name, minv
		printf "          { \"field\": \"parent_obj\", \"version_id\": 0, \"field_exists\": false, \"size\": 2608,\n"
		printf "            \"Description\": { \"name\": \"PCIDevice\", \"version_id\": 2, \"minimum_version_id\": 1, \"Fields\": [\n"
		printf "              { \"field\": \"version_id\", \"version_id\": 0, \"field_exists\": false, \"size\": 4 },\n"
		printf "              { \"field\": \"config\", \"version_id\": 0, \"field_exists\": false, \"size\": 256 },\n"
		printf "              { \"field\": \"irq_state\", \"version_id\": 2, \"field_exists\": false, \"num\": 4, \"size\": 4 } ] } },\n"
		for (f = 0; f < 24; f++)
			field(sprintf("reg%02d", f), 0, (odd && i % 3 == 1 && f == 7) ? 8 : 4, 0)
		printf "          { \"field\": \"queue\", \"version_id\": 0, \"field_exists\": false, \"num\": 64, \"size\": 8 },\n"
		if (odd && i % 3 == 2)
			field("appended", 0, 4, 0)
		field("stat", 2, 4, 1)
		printf "      ],\n      \"Subsections\": [\n"
		printf "        { \"name\": \"%s/extra\", \"version_id\": 1, \"minimum_version_id\": 1, \"Fields\": [\n", name
		printf "          { \"field\": \"extra\", \"version_id\": 0, \"field_exists\": false, \"size\": 8 } ] }\n"
		printf "      ]\n    }\n  }"
	}
	printf "\n}\n"
}'
