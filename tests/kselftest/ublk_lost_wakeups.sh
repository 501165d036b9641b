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
modprobe ublk_drv
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
head -c 4M /dev/urandom >"$ublk_work/pattern"
dd if="$ublk_work/pattern" of="$ublk_work/backing" conv=notrunc status=none
want=$(sha256sum <"$ublk_work/pattern")
AETHER_UBLK_FAULTS=commit=7,wake=2,msg=2,ring=11 aether-ublk --file "$ublk_work/backing" --queues 2 --depth 32 \
	--cache-mb 48 --policy gaming --latency-us 300000 >"$ublk_work/out" 2>"$ublk_work/err" &
pid=$!
for _ in $(seq 300); do [ -s "$ublk_work/out" ] && break; sleep 0.1; done
dev=$(head -n1 "$ublk_work/out")
check "aether-ublk with faults armed serves $dev (2 queues, a cache, prefetch, 300 ms backend reads)" test -b "$dev"
# Eight readers of the same 4 MiB, in 4 KiB direct reads, started 0.3 s apart on
# alternate CPUs (so on alternate queues): each parks on fills in flight that the
# reads before it started, on its own queue or the other one.
readers=()
for r in 1 2 3 4 5 6 7 8; do
	(taskset -c $((r % 2)) timeout 300 dd if="$dev" bs=4k count=1024 iflag=direct status=none |
		sha256sum >"$ublk_work/sum$r") &
	readers+=($!)
	sleep 0.3
done
wait "${readers[@]}"
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
