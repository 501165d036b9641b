#!/bin/bash
# With nbdkit's error filter failing every read and write of an NBD export, aether-ublk gives EIO to demand reads, to reads past prefetch fills that failed, and to writes, over cached blocks too; once the filter stops, every block reads back the export's data, nothing stale.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	ublk_cleanup
	nbdkit_down KILL
}
trap cleanup EXIT
plan 15
mkdir -p "$ublk_work"
store=$ublk_work/store
fail=$ublk_work/fail # the error filter fails every request while this file exists
dd if=/dev/urandom of="$store" bs=1M count=64 status=none
check "nbdkit serves a 64 MiB file through its error filter" \
	nbdkit_up --filter=error file "$store" error=EIO error-rate=100% error-file="$fail"
check "aether-ublk serves it with a cache and adaptive prefetch" \
	ublk_start --nbd "$nbd_uri" --cache-mb 16 --policy adaptive

check "a sequential read of the first 4 MiB" \
	dd if="$ublk_dev" of=/dev/null bs=4k count=1024 iflag=direct status=none
issued=$(ublk_stat "$ublk_dev" prefetch_issued)
check "the prefetcher read ahead ($issued blocks)" test "$issued" -gt 0

check "the export starts failing" touch "$fail"
expect 1 "a demand read far from the stream fails" \
	dd if="$ublk_dev" of=/dev/null bs=4k skip=$((40 * 256)) count=1 iflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err
# The stream goes on: its next blocks were prefetched, and the fills it starts now
# fail, so it reads on until a block that no fill brought.
expect 1 "the stream, read on, fails where the prefetched blocks end" \
	dd if="$ublk_dev" of=/dev/null bs=4k skip=1024 count=1024 iflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err
echo "# fill_errors $(ublk_stat "$ublk_dev" fill_errors) fill_error_waits $(ublk_stat "$ublk_dev" fill_error_waits)"
# Block 10 is in the cache: a write over it must fail, and leave the old data.
expect 1 "a write over a cached block fails" \
	dd if=/dev/zero of="$ublk_dev" bs=4k seek=10 count=1 oflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err
check "the export stops failing" rm "$fail"

check "the blocks that failed (written over, demanded, prefetched) read the export's data" \
	ublk_blocks_match "$ublk_dev" "$store" 10 1024 1100 2047 $((40 * 256))
check "and the whole device reads back as the export" \
	sh -c "dd if=$ublk_dev bs=1M iflag=direct status=none | cmp -s - $store"
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
