#!/bin/bash
# aether-ublk's prefetch fills reach the backing device at the lowest best-effort I/O priority (be,0,7 in block_rq_complete), while the reads a reader waits for keep theirs.
# timeout: 300
. "$(dirname "$0")/lib.sh"
ev=/sys/kernel/tracing/events/block/block_rq_complete
cleanup() {
	echo 0 >"$ev/enable" 2>/dev/null
	echo 0 >"$ev/filter" 2>/dev/null
	ublk_down
	rmmod null_blk 2>/dev/null
}
trap cleanup EXIT
plan 6
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
check "a RAM-backed null_blk disk" modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 bs=4096
check "aether-ublk serves it with a cache and adaptive prefetch" \
	ublk_up /dev/nullb0 --size $((64 << 20)) --cache-mb 32 --policy adaptive
devno=$(stat -c '%t %T' /dev/nullb0 | awk '{ printf "%d", (strtonum("0x" $1) * 1048576) + strtonum("0x" $2) }')
echo "dev == $devno" >"$ev/filter"
echo >/sys/kernel/tracing/trace
echo 1 >"$ev/enable"
# From the middle of the device: the kernel's partition scan already read (and
# cached) its start, so that the first reads here miss and wait.
check "a sequential read of 16 MiB through it" \
	dd if="$ublk_dev" of=/dev/null bs=4k skip=8192 count=4096 iflag=direct status=none
echo 0 >"$ev/enable"
issued=$(ublk_stat "$ublk_dev" prefetch_issued)
grep -o ' R .* be,0,7 ' /sys/kernel/tracing/trace >/tmp/low || true
grep -c ' R ' /sys/kernel/tracing/trace >/tmp/all || true
low=$(wc -l </tmp/low)
check "the prefetcher read ahead ($issued blocks)" test "$issued" -gt 0
check "its fills reached null_blk at be,0,7 ($low of $(cat /tmp/all) reads)" test "$low" -gt 0
# The first reads miss before the prefetcher has seen a stream: those are demand.
check "the reads the reader waited for did not ($(grep ' R ' /sys/kernel/tracing/trace | grep -v 'be,0,7' | grep -o '[a-z]*,[0-9]*,[0-9]* ' | sort | uniq -c | tr -s ' \n' ' '))" \
	sh -c "grep ' R ' /sys/kernel/tracing/trace | grep -vq 'be,0,7'"
tap_done
