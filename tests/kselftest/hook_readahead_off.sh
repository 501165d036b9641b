#!/bin/bash
# With the disk's readahead off (blockdev --setra 0), adaptive mode prefetches nothing for strided or reverse reads, and the disk reads only the bytes asked for; with readahead back on, the same strided read is prefetched.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
trap hook_disk_down EXIT
plan 9
hook_disk_up 64
echo adaptive >/sys/kernel/aether/mode
ra_default=$(blockdev --getra /dev/nullb0)

# strided_read PATTERN: a cold read of $f in PATTERN; sets $disk (bytes the disk
# read) and $issued (prefetch_issued's rise).
strided_read() {
	drop_cache
	local d0 i0
	d0=$(slow_disk_read_bytes) i0=$(stat_of prefetch_issued)
	pattern-read "$f" "$1" >/dev/null
	disk=$(($(slow_disk_read_bytes) - d0)) issued=$(($(stat_of prefetch_issued) - i0))
}

check "blockdev --setra 0" blockdev --setra 0 /dev/nullb0
# stride:4 reads one 4 KiB block in four: 16 MiB of the 64.
asked=$((16 << 20))
strided_read stride:4
echo "# readahead off, stride:4: disk read $disk bytes for $asked asked; prefetch_issued +$issued"
check "stride:4: no prefetch queued (prefetch_issued +$issued)" test "$issued" = 0
# ext4 reads its extent tree and inode table again after drop_caches: allow 1 %.
check "stride:4: the disk read what was asked and no more ($disk <= $asked + 1 %)" \
	test "$disk" -le $((asked + asked / 100))
strided_read reverse
echo "# readahead off, reverse: disk read $disk bytes for $((64 << 20)) asked; prefetch_issued +$issued"
check "reverse: no prefetch queued (prefetch_issued +$issued)" test "$issued" = 0

check "blockdev --setra $ra_default (the default again)" blockdev --setra "$ra_default" /dev/nullb0
strided_read stride:4
echo "# readahead on, stride:4: disk read $disk bytes; prefetch_issued +$issued"
check "with readahead on, the same read is prefetched (prefetch_issued +$issued)" test "$issued" -gt 0
tap_done
