#!/bin/bash
# Removes what `make install` installed: the files a staged install of the same build
# makes, and nothing else, so no record of the install is needed. Under a DESTDIR the
# directories this leaves empty go too; on a live system they stay.
# Usage: scripts/uninstall.sh CMAKE_BUILD_DIR PREFIX [DESTDIR]
set -euo pipefail
b=$1 prefix=$2 destdir=${3:-}
destdir=${destdir%/}
if [ ! -f "$b/cmake_install.cmake" ]; then
	echo "make uninstall: $b is not configured, so what was installed is not known; run make first" >&2
	exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage cmake --install "$b" --prefix "$prefix" >/dev/null
(cd "$stage" && find . -not -type d | sed 's/^\.//') | while read -r f; do
	if [ -e "$destdir$f" ] || [ -L "$destdir$f" ]; then
		rm -f "$destdir$f"
		echo "-- Removed: $destdir$f"
	fi
	[ -n "$destdir" ] || continue
	dir=$(dirname "$destdir$f")
	while [ "$dir" != "$destdir" ] && [ "$dir" != / ] && rmdir "$dir" 2>/dev/null; do
		dir=$(dirname "$dir")
	done
done
