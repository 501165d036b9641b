#!/bin/bash
# Faults injected where a request's answer or a parked read's wake-up used to be dropped (no SQE for a commit or a wake-up, a failed wake-up message, a transient ring error) lose nothing: concurrent readers parked on each other's prefetch fills all get their data, and the server stops cleanly.
# timeout: 400
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid"
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 12
check "aether-ublk with faults armed (2 queues, a cache, prefetch, 300 ms backend reads)" \
	ublk_fault_up commit=7,wake=2,msg=2,ring=11
pid=$fault_pid
dev=$fault_dev
want=$(sha256sum <"$ublk_work/pattern")
ublk_parked_readers "$dev"
for r in 1 2 3 4 5 6 7 8; do
	check "reader $r got every byte back, within the time limit" test "$(cat "$ublk_work/sum$r")" = "$want"
done
waits=$(ublk_stat "$dev" cache_waits)
check "reads parked on fills in flight ($waits)" test "${waits:-0}" -gt 0
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
sed 's/^/# server: /' "$ublk_work/err"
check "the server stopped cleanly (exit $rc)" test "$rc" = 0
check "faults were injected at every site" \
	grep -Eq "faults injected: commit [1-9][0-9]*, wake [1-9][0-9]*, msg [1-9][0-9]*, ring [1-9]" "$ublk_work/err"
tap_done
