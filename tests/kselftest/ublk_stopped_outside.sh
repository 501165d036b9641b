#!/bin/bash
# An aether-ublk device stopped (STOP_DEV) or deleted (DEL_DEV) by another ublk tool ends its server with a message, instead of leaving it idle and listed as live.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 10
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
# gone PID: whether process PID ends within 20 s.
gone() {
	for _ in $(seq 200); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
for cmd in stop del; do
	check "a server with a cache ($cmd from outside next)" ublk_up "$ublk_work/backing" --cache-mb 8
	id=${ublk_dev#/dev/ublkb}
	pid=$ublk_pid
	check "ublk-cmd $cmd $id, as another ublk tool would" ublk-cmd "$cmd" "$id"
	check "the server ends" gone "$pid"
	wait "$pid"
	rc=$?
	ublk_pid=
	check "with status 0 (got $rc)" test "$rc" = 0
	check "and ublk list does not show the device" sh -c "! aether-ctl ublk list | grep -q 'ublkb$id '"
done
tap_done
