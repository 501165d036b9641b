#!/bin/bash
# fio crc32c-verified random writes of 512 B to 64 KiB (most not aligned to the cache's 4 KiB blocks) on aether-ublk with cache and prefetch, at iodepth 1 and 32, then a verify-only pass after the cache is cold again: no errors.
# timeout: 600
# vm: cost 6
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 9
mkdir -p "$ublk_work"
truncate -s 128M "$ublk_work/backing"
check "aether-ublk serves a sparse file with 512-byte logical blocks, a cache and prefetch" \
	ublk_up "$ublk_work/backing" --queues 2 --depth 64 --cache-mb 16 --policy gaming --logical-block 512
check "its logical block is 512 bytes" test "$(blockdev --getss "$ublk_dev")" = 512
region=0
for qd in 1 32; do
	where=(--filename="$ublk_dev" --allow_file_create=0 --offset=$((region * 48))M --size=48M
		--bsrange=512-64k --blockalign=512)
	check "iodepth=$qd: direct randwrite of 512 B-64 KiB, each block verified by crc32c" \
		fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth="$qd" \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --do_verify=1 --output=/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	check "iodepth=$qd: direct verify-only pass" \
		fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth="$qd" \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
	region=$((region + 1))
done
# A new server starts with a cold cache: the verify then reads only the file.
ublk_down
check "a new server of the same file" \
	ublk_up "$ublk_work/backing" --queues 2 --depth 64 --cache-mb 16 --policy gaming --logical-block 512
for region in 0 1; do
	check "region $region verifies from the file alone" \
		fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=$((region * 48))M --size=48M \
		--bsrange=512-64k --blockalign=512 --direct=1 --ioengine=io_uring --iodepth=32 --rw=randwrite \
		--verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
done
tap_done
