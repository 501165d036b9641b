#!/bin/bash
# A prefetch is read in the readahead's own mapping: for ext4's readdir that is the block device's, not the directory's.
# timeout: 600
# vm: cost 3
. "$(dirname "$0")/lib.sh"
cleanup() {
	aether_trace_off
	hook_disk_down
}
trap cleanup EXIT
plan 9

# ext4 reads a directory's blocks ahead in the block device's mapping only when it
# walks them in order, which it does for a directory without an htree index.
check "a slow ext4 disk (null_blk, 100 us per request)" slow_disk_up 100
linear_dirs() {
	umount "$slow_mnt" && mkfs.ext4 -q -F -O ^dir_index /dev/nullb0 && mount /dev/nullb0 "$slow_mnt"
}
check "made again without directory indexes (mkfs.ext4 -O ^dir_index)" linear_dirs
dir=$slow_mnt/dir
mkdir "$dir"
long=$(printf 'n%.0s' $(seq 200))
(cd "$dir" && for i in $(seq 3000); do : >"$long$i"; done)
blocks=$(($(stat -c %s "$dir") / 4096))
check "a directory of 3000 entries in $blocks blocks" test "$blocks" -ge 100
check "insmod aether.ko" insmod "$AETHER_KO"
# After every access, the next 4 pages of the readahead's mapping.
expect 0 "bpf load policy_next --set pages=4" aether-ctl bpf load policy_next --set pages=4

aether_trace_on aether_prefetch_issue
issued=$(stat_of prefetch_issued)
drop_cache
entries=$(ls -f "$dir" | wc -l)
issued=$(($(stat_of prefetch_issued) - issued))
aether_trace_off
check "ls lists all 3000 entries ($entries with . and ..)" test "$entries" = 3002
check "the policy asked for prefetches during the readdir ($issued)" test "$issued" -gt 0

# Each prefetch read names the inode whose mapping it read: the block device's inode
# is numbered by its dev_t (MKDEV: major << 20 | minor). The old module read the
# directory's own mapping at the device's block numbers, past its end: nothing.
ino=$(stat -c %i "$dir")
IFS=: read -r major minor </sys/block/nullb0/dev
bdev_ino=$(((major << 20) | minor))
reads=$(grep -c "aether_prefetch_issue:.* ino=$bdev_ino " "$tracing/trace")
mine=$(grep -c "aether_prefetch_issue:.* ino=$ino " "$tracing/trace")
check "prefetches were read in nullb0's mapping ($reads reads traced)" test "$reads" -gt 0
check "none in the directory's own mapping ($mine)" test "$mine" = 0
tap_done
