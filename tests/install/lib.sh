# Sourced by the tests in this folder, which ctest runs on the host: ok and bad
# report one check each and bad marks the run failed (exit with $fail); $d is a
# scratch directory, removed at exit; mk runs the top Makefile with PREFIX=/usr
# and DESTDIR=$d, given the source folder in $top and the build folder in $b.
set -uo pipefail
fail=0
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fail=1; }
mk() { make -C "$top" -s B="$b" PREFIX=/usr DESTDIR="$d" "$@"; }
