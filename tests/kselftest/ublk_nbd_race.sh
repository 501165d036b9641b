#!/bin/bash
# Concurrent writers and sequential readers on a cached aether-ublk device over an NBD export with 1 ms reads (nbdkit's delay filter) and aggressive prefetch: no read is older than its block's last acknowledged write.
# timeout: 300
# vm: cost 5
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
ublk_race_rw "$ublk_dev"
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
