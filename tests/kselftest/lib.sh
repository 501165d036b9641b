# TAP helpers for the guest tests in this directory. Sourced, not run.
#
# A test declares its plan, reports each point, and exits 0; the harness also fails
# it on a non-zero exit, a missing or short plan, or a kernel BUG/WARNING/Oops.

tap_n=0
tap_failed=0

plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: one TAP point from a command's exit status.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# Exit status for the end of a test: non-zero if any point failed.
tap_done() {
	[ "$tap_failed" = 0 ]
}

# Unloads aether.ko if a test loaded it, so a failing test still cleans up.
unload_aether() {
	if [ -d /sys/module/aether ]; then rmmod aether; fi
}
