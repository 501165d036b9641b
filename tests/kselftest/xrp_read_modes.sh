#!/bin/bash
# Polled (--poll) and page-cache (--cached) lookups answer what plain ones answer, on a null_blk disk with poll queues; --cached reads cached nodes in place and no others, and --poll is refused on a device without poll queues.
# timeout: 600
# vm: cost 5
. "$(dirname "$0")/lib.sh"
cleanup() {
	exec 9<&-
	bpf_unload_all
	unload_aether_wait
	rmmod null_blk 2>/dev/null
	xrp_loop_down
}
trap cleanup EXIT
plan 20

cached_hops() { cat /sys/kernel/aether/xrp/cached_hops; }
# get NAME ARGS...: 2000 sampled lookups, their answers kept as $xrp_work/NAME (exit 1: half are absent).
get() {
	local name=$1
	shift
	expect 1 "2000 lookups, $name" aether-ctl xrp get --json "$dev" --sample 2000 --sample-seed 3 "$@" &&
		mv /tmp/ctl.out "$xrp_work/$name"
}

check "insmod aether.ko" insmod "$AETHER_KO"
expect 0 "aether-ctl bpf load xrp_btree" aether-ctl bpf load xrp_btree
check "a RAM-backed null_blk disk with one poll queue" \
	modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 bs=4096 poll_queues=1
dev=/dev/nullb0
check "its queue takes polled I/O (queue/io_poll is 1)" test "$(cat /sys/block/nullb0/queue/io_poll)" = 1
mkdir -p "$xrp_work"
expect 0 "a 4-level tree of 100000 keys on it" aether-ctl xrp mkbtree "$dev" --keys 100000 --fanout 24 --force

get plain
get polled --poll
check "polled hops in the kernel answer what plain ones answer" cmp "$xrp_work/plain" "$xrp_work/polled"
get user-polled --user --poll
check "an IOPOLL io_uring walk from user space answers the same" cmp "$xrp_work/plain" "$xrp_work/user-polled"

# The device's page cache lives while someone holds it open: hold it for the rest.
exec 9<"$dev"
echo 3 >/proc/sys/vm/drop_caches
c0=$(cached_hops)
get cold --cached
hops=$(grep -o '"hops": [0-9]*' "$xrp_work/cold" | awk '{ s += $2 } END { print s }')
# Only what the reader's own buffered superblock read brought in (and read ahead) is cached.
check "with nothing cached, --cached reads the nodes from the device (cached hops $(($(cached_hops) - c0)) of $hops)" \
	test "$(($(cached_hops) - c0))" -lt $((hops / 10))
check "and answers the same" cmp "$xrp_work/plain" "$xrp_work/cold"
check "read the whole device into its page cache" dd if="$dev" of=/dev/null bs=1M status=none
c0=$(cached_hops)
get warm --cached
hops=$(grep -o '"hops": [0-9]*' "$xrp_work/warm" | awk '{ s += $2 } END { print s }')
check "with the tree cached, every hop is read in place (cached hops $(($(cached_hops) - c0)), hops $hops)" \
	test "$(($(cached_hops) - c0))" = "$hops"
check "and answers the same" cmp "$xrp_work/plain" "$xrp_work/warm"

check "a loop device without poll queues holds a small tree" xrp_loop_up 16M 5000 24
expect 1 "--poll on it is refused" aether-ctl xrp get --poll "$xrp_dev" 1
check "saying the device has no poll queues" grep -q "has no poll queues" /tmp/ctl.err
tap_done
