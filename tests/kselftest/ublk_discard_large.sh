#!/bin/bash
# blkdiscard and blkdiscard -z of whole 1 GiB and 3 GiB aether-ublk devices (one request each) succeed and read back zeroes, and mkfs.xfs on a 1 GiB device finishes.
# timeout: 600
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 18
modprobe xfs

# zeroes_at DEV MiB...: whether the first MiB at each of those MiB offsets of DEV reads as zeroes.
zeroes_at() {
	local dev=$1 m
	shift
	for m in "$@"; do
		dd if="$dev" bs=1M skip="$m" count=1 iflag=direct status=none | cmp -s -n 1048576 - /dev/zero || return 1
	done
}
# data_at DEV MiB...: writes a MiB of random bytes at each of those MiB offsets of DEV.
data_at() {
	local dev=$1 m
	shift
	for m in "$@"; do
		head -c 1M /dev/urandom | dd of="$dev" bs=1M seek="$m" oflag=direct status=none || return 1
	done
}

mkdir -p "$ublk_work"
for gib in 1 3; do
	last=$((gib * 1024 - 1))
	truncate -s "${gib}G" "$ublk_work/backing"
	check "aether-ublk serves a sparse ${gib} GiB file, with a cache" \
		ublk_up "$ublk_work/backing" --cache-mb 16 --policy adaptive
	check "data written at its start, middle and end" data_at "$ublk_dev" 0 $((last / 2)) "$last"
	# A hung discard blocks in the kernel, where timeout cannot kill it; the harness's
	# timeout is what fails the test then.
	check "blkdiscard of the whole ${gib} GiB device succeeds" timeout 120 blkdiscard "$ublk_dev"
	check "and it reads back zeroes there" zeroes_at "$ublk_dev" 0 $((last / 2)) "$last"
	check "data written again" data_at "$ublk_dev" 0 $((last / 2)) "$last"
	check "blkdiscard -z (write zeroes) of the whole ${gib} GiB device succeeds" timeout 120 blkdiscard -z "$ublk_dev"
	check "and it reads back zeroes there" zeroes_at "$ublk_dev" 0 $((last / 2)) "$last"
	ublk_down
	rm -f "$ublk_work/backing"
done
truncate -s 1G "$ublk_work/backing"
check "a 1 GiB device again" ublk_up "$ublk_work/backing" --cache-mb 16 --policy adaptive
check "mkfs.xfs on it finishes (it discards the whole device first)" timeout 300 mkfs.xfs -q -f "$ublk_dev"
check "xfs_repair -n finds it clean" xfs_repair -n "$ublk_dev"
check "its server is still alive" kill -0 "$ublk_pid"
tap_done
