#!/bin/bash
# Block telemetry under devices/<maj:min>/ counts a disk's writes, reads, bytes, readahead, sequential reads and completion latency, and names its sequential stream.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	unload_aether
	slow_disk_down
}
trap cleanup EXIT
plan 16

check "a slow ext4 disk (null_blk, 50 us per request)" slow_disk_up 50
check "insmod aether.ko" insmod "$AETHER_KO"
devt=$(cat /sys/block/nullb0/dev)
dir=/sys/kernel/aether/devices/$devt
f=$slow_mnt/data
# dev NAME: one file of the disk's directory.
dev() { cat "$dir/$1"; }

dd if=/dev/urandom of="$f" bs=1M count=16 oflag=direct status=none
# The directory is made by a work item after the disk's first request.
for _ in $(seq 50); do [ -d "$dir" ] && break; sleep 0.1; done
check "devices/$devt/ appeared for the disk" test -d "$dir"
check "it is named nullb0 ($(dev name))" test "$(dev name)" = nullb0
check "16 MiB of direct writes counted ($(dev write_bytes) bytes in $(dev writes) writes)" \
	test "$(dev write_bytes)" -ge $((16 << 20)) -a "$(dev writes)" -ge 16

sync
r0=$(dev reads) b0=$(dev read_bytes) ra0=$(dev readahead_bytes) s0=$(dev sequential_reads)
echo 3 >/proc/sys/vm/drop_caches
dd if="$f" of=/dev/null bs=1M status=none
reads=$(($(dev reads) - r0)) bytes=$(($(dev read_bytes) - b0))
ra=$(($(dev readahead_bytes) - ra0)) seq=$(($(dev sequential_reads) - s0))
check "a cold 16 MiB read counted ($bytes bytes in $reads reads)" test $bytes -ge $((16 << 20)) -a $reads -ge 16
check "it came through readahead ($ra of $bytes bytes)" test $ra -ge $((16 << 20))
check "most of its reads were sequential ($seq of $reads)" test $((2 * seq)) -ge $reads
check "the core calls the disk's stream forward ($(dev pattern))" test "$(dev pattern)" = forward
check "its last decision is a readahead ($(dev decision))" grep -q '^readahead [0-9]\+ [0-9]\+ [0-9]\+$' "$dir/decision"
check "it made decisions ($(dev decisions))" test "$(dev decisions)" -gt 0

# Every sample is at least null_blk's completion delay: none in buckets below 2^15 ns.
hist=$(awk '{ t += $2; if ($1 < 32768) f += $2 } END { print t + 0, f + 0 }' "$dir/latency_ns")
timed=${hist% *} fast=${hist#* }
check "latency histogram holds the requests ($timed timed)" test "$timed" -ge $((reads / 2))
check "no request beat the disk's 50 us delay ($fast under 32 us)" test "$fast" = 0

refused=0 rbefore=$(dev reads)
for a in "$dir"/*; do echo 0 >"$a" 2>/dev/null || refused=$((refused + 1)); done
check "every file of devices/$devt/ refuses writes ($refused of $(ls "$dir" | wc -l))" \
	test "$refused" = "$(ls "$dir" | wc -l)" -a "$(dev reads)" = "$rbefore"

echo 0 >/sys/kernel/aether/enabled
r1=$(dev reads)
echo 3 >/proc/sys/vm/drop_caches
dd if="$f" of=/dev/null bs=1M status=none
check "enabled=0 stops the counting ($(($(dev reads) - r1)) new reads)" test "$(dev reads)" = "$r1"
check "devices/ is gone after rmmod" rmmod aether
tap_done
