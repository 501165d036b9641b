#!/bin/bash
# fio crc32c-verified random writes on an aether-ublk device with cache and prefetch at iodepth 1/32/128 and bs 4k/64k/128k, then a buffered verify-only pass after dropping caches: no errors.
# timeout: 900
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
		where=(--filename="$ublk_dev" --allow_file_create=0 --offset=$((region * 24))M --size=24M --bs="$bs")
		check "bs=$bs iodepth=$qd: direct randwrite, each block verified by crc32c" \
			fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth="$qd" \
			--rw=randwrite --verify=crc32c --verify_fatal=1 --do_verify=1 --output=/dev/null
		echo 3 >/proc/sys/vm/drop_caches
		check "bs=$bs iodepth=$qd: buffered verify-only pass after drop_caches" \
			fio --name=w "${where[@]}" --direct=0 --ioengine=psync \
			--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
		region=$((region + 1))
	done
done
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
