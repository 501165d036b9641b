#!/bin/bash
# A sparse backing file on a filesystem that fills up: writes past the space fail with ENOSPC in the application, the server lives on, and every block reads back what the store holds (written data or zeroes), nothing the failed writes left in the cache.
# timeout: 300
. "$(dirname "$0")/lib.sh"
small=/mnt/aether-small
cleanup() {
	ublk_down
	umount "$small" 2>/dev/null
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 7
mkdir -p "$ublk_work" "$small"
mount -t tmpfs -o size=16m tmpfs "$small"
truncate -s 64M "$small/backing"
check "aether-ublk serves a 64 MiB sparse file on a 16 MiB filesystem, with a cache" \
	ublk_up "$small/backing" --cache-mb 16 --policy adaptive
head -c 32M /dev/urandom >"$ublk_work/data"
expect 1 "writing 32 MiB to it fails" dd if="$ublk_work/data" of="$ublk_dev" bs=64k oflag=direct status=none
check "with ENOSPC" grep -q "No space left on device" /tmp/ctl.err
check "the server lives on" kill -0 "$ublk_pid"
# What the store holds is the truth: the blocks it took, zeroes where the writes failed.
dd if="$small/backing" of="$ublk_work/store" bs=1M count=32 status=none
check "the device reads back exactly what the backing file holds" \
	sh -c "dd if=$ublk_dev bs=1M count=32 iflag=direct status=none | cmp -s - $ublk_work/store"
# The file filled from its start: its allocated bytes, less the last write's, are the data.
used=$(($(stat -c %b "$small/backing") * 512))
check "which is the data up to where the filesystem filled ($used bytes), zeroes after" \
	sh -c "[ $used -ge $((8 << 20)) ] && cmp -s -n $((used - (1 << 20))) $ublk_work/store $ublk_work/data &&
	       tail -c +$((used + 1)) $ublk_work/store | cmp -s -n $(((32 << 20) - used)) - /dev/zero"
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
