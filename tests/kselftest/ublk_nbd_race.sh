#!/bin/bash
# Concurrent writers and sequential readers on a cached aether-ublk device over an NBD export with 1 ms reads (nbdkit's delay filter) and aggressive prefetch: no read is older than its block's last acknowledged write.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
}
trap cleanup EXIT
plan 6
mkdir -p "$ublk_work"
# 1 ms reads keep prefetches in flight long enough for writes to race them; the 8 MiB
# cache is a quarter of the 32 MiB region, so blocks are evicted and refilled.
check "nbdkit serves a 64 MiB memory export with 1 ms reads" nbdkit_up --filter=delay memory 64M delay-read=1ms
check "aether-ublk serves it with 2 queues, an 8 MiB cache and gaming prefetch" \
	ublk_start --nbd "$nbd_uri" --queues 2 --depth 64 --cache-mb 8 --policy gaming
check "4 writers and 2 sequential readers for 20 s: every read current (race-rw)" \
	race-rw "$ublk_dev" --blocks 8192 --writers 4 --readers 2 --seconds 20 --read-kb 64
issued=$(ublk_stat "$ublk_dev" prefetch_issued)
stale=$(ublk_stat "$ublk_dev" prefetch_stale)
echo "# prefetch_issued $issued prefetch_stale $stale"
check "the readers' stream was prefetched ($issued blocks)" test "${issued:-0}" -gt 0
check "writes raced prefetches in flight, which were discarded ($stale blocks)" test "${stale:-0}" -gt 0
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
