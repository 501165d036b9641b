#!/bin/bash
# `make deb`: the Debian packages aether-dkms and aether-tools, in OUT_DIR
# (BUILD_DIR/deb by default), replacing the packages an earlier run left there.
# dpkg-buildpackage runs in a copy of the tree there (it writes into debian/ and
# puts the packages beside the tree, so it never runs in the tree itself), and
# debian/rules installs the programs that `make` built in BUILD_DIR.
#
# The version is 0.0~gitN.gHASH, N the number of commits, so a later commit makes a
# newer package; a tree with uncommitted changes adds +dirty.
# Usage: scripts/deb.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "make deb: $*" >&2; exit 1; }
[ $# = 1 ] || [ $# = 2 ] || die "usage: $0 BUILD_DIR [OUT_DIR]"
b=$(cd "$1" && pwd)
out=${2:-$b/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for t in dpkg-buildpackage dh dh_dkms; do
	command -v "$t" >/dev/null || die "$t is missing: run make deps"
done
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 || die "$top is not a git clone, so the packages' version is not known"

version=0.0~git$(git -C "$top" rev-list --count HEAD).g$(git -C "$top" rev-parse --short=7 HEAD)
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] || version=$version+dirty
src=$out/aether-$version

rm -rf "$out"/aether-* "$out"/aether_* "$out/build.log"
mkdir -p "$src"
# The tracked files as they are in the work tree, and untracked ones not ignored.
# A tracked file deleted in the work tree is left out.
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -C "$src" -xf -
cat >"$src/debian/changelog" <<CHANGES
aether ($version) unstable; urgency=medium

  * Built from git $(git -C "$top" describe --always --dirty).

 -- Aether developers <aether@example.org>  $(git -C "$top" log -1 --format=%cD)
CHANGES

echo "make deb: dpkg-buildpackage in ${src#"$top"/} (log: ${out#"$top"/}/build.log)"
# The copy has no git, so the tree's version is handed to the Makefile it runs.
export AETHER_VERSION=${AETHER_VERSION:-$(git -C "$top" describe --always --dirty --tags)}
if ! (cd "$src" && AETHER_BUILD=$b dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed; the whole log is $out/build.log"
fi
rm -rf "$src"
for f in "$out"/*.deb; do echo "make deb: ${f#"$top"/}"; done
