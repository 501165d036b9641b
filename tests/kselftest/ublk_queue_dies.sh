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
check "aether-ublk, armed to lose a queue's ring (2 queues, prefetch, 300 ms backend reads)" \
	ublk_fault_up dead=300
pid=$fault_pid
dev=$fault_dev
ublk_parked_readers "$dev"
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
