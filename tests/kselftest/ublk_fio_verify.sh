#!/bin/bash
# fio crc32c-verified random writes on an aether-ublk device with cache and prefetch at iodepth 1/32/128 and bs 4k/64k/128k, then a buffered verify-only pass after dropping caches: no errors.
# timeout: 900
# vm: cost 12
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
work=$ublk_work
plan 20
mkdir -p "$work"
truncate -s 256M "$work/backing"
check "aether-ublk serves a 256 MiB sparse file with a 32 MiB cache and aggressive prefetch" \
	ublk_up "$work/backing" --queues 2 --depth 128 --cache-mb 32 --policy gaming
# Each of the nine passes writes its own 24 MiB region.
region=0
for bs in 4k 64k 128k; do
	for qd in 1 32 128; do
		ublk_fio_verify "$ublk_dev" $((region * 24))M 24M "$bs" "$qd"
		region=$((region + 1))
	done
done
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
