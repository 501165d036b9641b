#!/bin/bash
# Writes the man pages aether-ctl(8) and aether-ublk(8) into OUTDIR, made by help2man
# from the programs' own --help, so that a page cannot say what --help does not.
# aether-ctl's page gets a COMMANDS section: each command's and subcommand's --help,
# in order, found by walking the "Subcommands:" lists of the help itself.
# aether(4) is kmod/aether.4.in with its TUNABLES section made from the knobs that
# 'aether-ctl get --help' lists.
# Usage: scripts/manpages.sh OUTDIR AETHER_CTL AETHER_UBLK VERSION
set -euo pipefail
out=$1 ctl=$2 ublk=$3 version=$4
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# subcommands ARGS...: the subcommand names "aether-ctl ARGS --help" lists.
subcommands() {
	"$ctl" "$@" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { exit }'
}

# section ARGS...: the roff for "aether-ctl ARGS", then for each of its subcommands.
# --help's text goes in verbatim (.nf), with the two characters roff would take
# as its own escaped: backslashes, and a dot or quote opening a line.
section() {
	echo ".SS \"aether-ctl $*\""
	echo ".nf"
	"$ctl" "$@" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
	echo ".fi"
	local s
	for s in $(subcommands "$@"); do
		section "$@" "$s"
	done
}

{
	echo "[COMMANDS]"
	for c in $(subcommands); do
		section "$c"
	done
	echo "[SEE ALSO]"
	echo ".BR aether-ublk (8)"
} >"$tmp/ctl.h2m"
help2man --no-info --section 8 --version-string "$version" --include "$tmp/ctl.h2m" \
	--name "inspect and tune the Aether I/O prefetcher" --output "$out/aether-ctl.8" "$ctl"

{
	echo "[SEE ALSO]"
	echo ".BR aether-ctl (8)"
} >"$tmp/ublk.h2m"
help2man --no-info --section 8 --version-string "$version" --include "$tmp/ublk.h2m" \
	--name "ublk block device with Aether's prefetching DRAM cache" --output "$out/aether-ublk.8" "$ublk"

# Each "  name: text" line of get --help's "Knobs" list becomes a tagged paragraph.
# Every tunable file is 0600 (AETHER_SYSFS_TUNABLE_MODE in kmod/sysfs.c).
"$ctl" get --help | awk '/^Knobs/ { on = 1; next } on && /^  [a-z_]+: / { print; next } on { exit }' |
	sed -e 's/\\/\\e/g' -e 's/^  \([a-z_]*\): \(.*\)$/.TP\n.B \1 \\fR(0600)\\fP\n\2/' >"$tmp/tunables"
[ -s "$tmp/tunables" ] || { echo "manpages.sh: no knobs in '$ctl get --help'" >&2; exit 1; }
sed -e "s/@VERSION@/$version/" -e "/^@TUNABLES@\$/{
r $tmp/tunables
d
}" "$(dirname "$0")/../kmod/aether.4.in" >"$out/aether.4"
