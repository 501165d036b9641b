#!/bin/bash
# The module's prefetches are the reader's: a strided reader in a cgroup v2 group has the disk bytes its prefetches read counted in the group's io.stat and their pages charged to the group's memory, and the group's io.max throttles them.
# timeout: 600
# vm: cost 3
. "$(dirname "$0")/lib.sh"
cg=/sys/fs/cgroup/aether-test
cleanup() {
	[ -d "$cg" ] && rmdir "$cg"
	hook_disk_down
}
trap cleanup EXIT
plan 12
hook_disk_up 64
echo adaptive >/sys/kernel/aether/mode
devno=$(cat /sys/block/nullb0/dev)
check "a cgroup v2 group with the io and memory controllers, io.max and memory.max" sh -c "
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
	echo '+io +memory' >/sys/fs/cgroup/cgroup.subtree_control && mkdir -p $cg &&
	echo '$devno rbps=1073741824' >$cg/io.max && echo 512M >$cg/memory.max"

# read_in_group: reads $f in stride:4 from a process in the group.
read_in_group() {
	sh -c "echo \$\$ >$cg/cgroup.procs && exec pattern-read $f stride:4 >/dev/null"
}

# group_rbytes: what the group's io.stat counts as read from the disk.
group_rbytes() {
	awk -v d="$devno" '$1 == d { for (i = 2; i <= NF; i++) if ($i ~ /^rbytes=/) { sub("rbytes=", "", $i); print $i } }' "$cg/io.stat"
}

drop_cache
d0=$(slow_disk_read_bytes) g0=$(group_rbytes) i0=$(stat_of prefetch_issued)
read_in_group
disk=$(($(slow_disk_read_bytes) - d0)) group=$(($(group_rbytes) - ${g0:-0})) issued=$(($(stat_of prefetch_issued) - i0))
file=$(awk '$1 == "file" { print $2 }' "$cg/memory.stat")
echo "# stride:4 in the group: disk read $disk bytes, the group's io.stat $group, its memory.stat file $file; $issued prefetches"
check "the reader's stride was prefetched ($issued prefetches)" test "$issued" -gt 1000
check "the group's io.stat counts what the disk read, within 5 % ($group of $disk bytes)" \
	test $((group * 100)) -ge $((disk * 95)) -a $((group * 100)) -le $((disk * 105))
check "the group's memory holds the pages read, within 5 % ($file of $disk bytes)" \
	test $((file * 100)) -ge $((disk * 95))
check "the group's memory stayed within memory.max" test "$(cat $cg/memory.max)" -ge "$file"

# The throttle holds: with rbps at 4 MiB/s the disk reads no faster while the
# reader runs, prefetches included. Prefetches that escaped the group would fill
# the cache at the disk's own speed. An upper bound on a rate cannot fail for a
# slow machine, which only makes the run longer.
limit=$((4 << 20))
check "io.max rbps=$limit" sh -c "echo '$devno rbps=$limit' >$cg/io.max"
drop_cache
d0=$(slow_disk_read_bytes) i0=$(stat_of prefetch_issued) t0=$(date +%s%N)
read_in_group
t1=$(date +%s%N)
disk=$(($(slow_disk_read_bytes) - d0)) issued=$(($(stat_of prefetch_issued) - i0)) ns=$((t1 - t0))
rate=$((disk * 1000000000 / ns))
echo "# stride:4 under rbps=$limit: disk read $disk bytes in $((ns / 1000000)) ms, $rate bytes/s; $issued prefetches"
check "the reader's stride was prefetched under the throttle ($issued prefetches)" test "$issued" -gt 1000
check "the disk read the file's strided quarter ($disk bytes >= 15 MiB)" test "$disk" -ge $((15 << 20))
check "the disk read at most the limit + 10 % ($rate <= $((limit * 11 / 10)) bytes/s)" \
	test "$rate" -le $((limit * 11 / 10))
tap_done
