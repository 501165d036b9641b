#!/bin/bash
# Concurrent writers and sequential readers on a cached aether-ublk device with aggressive prefetch and slow backend reads: no read is older than its block's last acknowledged write.
# timeout: 300
# vm: cost 5
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 5
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
# 100 us reads keep prefetches in flight long enough for writes to race them; the
# 8 MiB cache is a quarter of the 32 MiB region, so blocks are evicted and refilled.
check "aether-ublk serves it with an 8 MiB cache, gaming prefetch and 100 us reads" \
	ublk_up "$ublk_work/backing" --queues 2 --depth 64 --cache-mb 8 --policy gaming --latency-us 100
ublk_race_rw "$ublk_dev"
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
