#!/bin/bash
# aether-ublk rejects bad options and missing or too-small backing files with a clear error, and leaves no device behind.
# timeout: 120
. "$(dirname "$0")/lib.sh"
work=/tmp/ublk-bad
trap 'rm -rf "$work"' EXIT
plan 24
modprobe ublk_drv
mkdir -p "$work"
truncate -s 64M "$work/ok"
: >"$work/empty"
truncate -s 1000 "$work/tiny"
mkdir "$work/dir"

# expect_error WHAT PATTERN ARGS...: aether-ublk ARGS exits non-zero at once, says
# PATTERN on stderr, and no ublk device exists afterwards.
expect_error() {
	local what=$1 pattern=$2 err rc
	shift 2
	err=$(timeout 20 aether-ublk "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && grep -qi -- "$pattern" <<<"$err"; then
		ok "$what: \"$(head -n1 <<<"$err")\""
	else
		not_ok "$what: exit $rc, said \"$err\""
	fi
	check "$what: no device left" sh -c '! ls /dev/ublkb* /dev/ublkc* 2>/dev/null | grep -q .'
}

expect_error "no backing store" "--file PATH or --nbd URI" --size 4096
expect_error "missing file" "No such file" --file "$work/nope"
expect_error "empty file" "smaller than one" --file "$work/empty"
expect_error "--size past the end of the file" "fewer than --size" --file "$work/tiny" --size 8192
expect_error "a directory" "directory" --file "$work/dir"
expect_error "--depth 0" "depth" --file "$work/ok" --depth 0
expect_error "--queues 1000" "queues" --file "$work/ok" --queues 1000
# The kernel gives a device one queue per possible CPU at most.
possible=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
expect_error "--queues $((possible + 1)) on $possible CPUs" "at most $possible on this machine" --file "$work/ok" --queues $((possible + 1))
expect_error "--max-io not a multiple of 4096" "multiple of 4096" --file "$work/ok" --max-io 5000
expect_error "--logical-block 3000" "logical-block" --file "$work/ok" --logical-block 3000
expect_error "--cache-mb past the host's memory" "memory is available" --file "$work/ok" --cache-mb 1000000
expect_error "--size not a multiple of the block" "must be a multiple of the 512-byte logical block" --file "$work/ok" --size 1000
tap_done
