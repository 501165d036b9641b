#!/bin/bash
# A queue whose ring fails for good (injected) while readers on both queues park on each other's prefetch fills: no reader hangs, and the server stops the device and exits with the reason.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${pid:-}" ] && kill -INT "$pid" 2>/dev/null && wait "$pid"
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 12
modprobe ublk_drv
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
head -c 4M /dev/urandom >"$ublk_work/pattern"
dd if="$ublk_work/pattern" of="$ublk_work/backing" conv=notrunc status=none
AETHER_UBLK_FAULTS=dead=300 aether-ublk --file "$ublk_work/backing" --queues 2 --depth 32 \
	--cache-mb 48 --policy gaming --latency-us 300000 >"$ublk_work/out" 2>"$ublk_work/err" &
pid=$!
for _ in $(seq 300); do [ -s "$ublk_work/out" ] && break; sleep 0.1; done
dev=$(head -n1 "$ublk_work/out")
check "aether-ublk, armed to lose a queue's ring, serves $dev (2 queues, prefetch, 300 ms backend reads)" test -b "$dev"
# The readers of ublk_lost_wakeups.sh: each parks on fills the reads before it started.
readers=()
for r in 1 2 3 4 5 6 7 8; do
	(taskset -c $((r % 2)) timeout 120 dd if="$dev" of=/dev/null bs=4k count=1024 iflag=direct status=none
	echo $? >"$ublk_work/rc$r") &
	readers+=($!)
	sleep 0.3
done
wait "${readers[@]}"
for r in 1 2 3 4 5 6 7 8; do
	check "reader $r ended, with its data or an I/O error, not killed by the timeout (exit $(cat "$ublk_work/rc$r"))" \
		test "$(cat "$ublk_work/rc$r")" != 124
done
for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
rc=$?
pid=
sed 's/^/# server: /' "$ublk_work/err"
check "the server exited by itself, with status 1 (got $rc)" test "$rc" = 1
check "saying which queue's ring failed" grep -Eq "queue [01]: io_uring_submit_and_wait: " "$ublk_work/err"
check "the device is gone" test ! -e "$dev"
tap_done
