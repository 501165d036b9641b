#!/bin/bash
# aether-ctl xrp get --uring walks the B+tree in an io_uring BPF loop_step with the pread walk's answers and hop counts, stops at a cycle or a child outside the device, dies cleanly mid-walk, and is refused with the reason where the kernel has no io_uring_bpf_ops.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${walk:-}" ] && kill -9 "$walk" 2>/dev/null && wait "$walk"
	xrp_slow_down
	xrp_loop_down
}
trap cleanup EXIT

# The kfunc the loop submits with is the feature's own probe, as aether-ctl's is its BTF.
if ! grep -qw bpf_io_uring_submit_sqes /proc/kallsyms; then
	plan 2
	echo "# Linux $(uname -r) has no io_uring_bpf_ops: only the refusal applies here"
	xrp_loop_up 16M 1000 16
	expect 1 "get --uring is refused" aether-ctl xrp get --uring "$xrp_dev" 18446744073709551615
	check "it says the kernel lacks io_uring_bpf_ops and names the other walks" \
		grep -q "no io_uring BPF struct_ops.*--user" /tmp/ctl.err
	tap_done
	exit
fi

plan 13
[ ! -d /sys/module/aether ] || rmmod aether
check "a loop device holds a 5-level tree (10000 keys, fanout 8)" xrp_loop_up 64M 10000 8
expect 1 "get --uring --sample 400 (half the keys absent) exits 1" \
	aether-ctl xrp get --uring --json --sample 400 "$xrp_dev"
cp /tmp/ctl.out "$xrp_work/uring.json"
check "it walked without aether.ko" test ! -d /sys/module/aether
aether-ctl xrp get --user --json --sample 400 "$xrp_dev" >"$xrp_work/user.json"
check "its keys, answers and hops are the pread walk's" cmp "$xrp_work/uring.json" "$xrp_work/user.json"
check "200 keys found, every lookup 5 hops" sh -c "[ \$(grep -c '\"found\": true' $xrp_work/uring.json) = 200 ] &&
	[ \$(grep -c '\"hops\": 5' $xrp_work/uring.json) = 400 ]"
expect 0 "--timing names the walk" aether-ctl xrp get --uring --timing --sample 1 --sample-seed 2 "$xrp_dev"
check "on stderr, as 'io_uring, a BPF loop_step per hop'" grep -q "lookups (io_uring, a BPF loop_step per hop)" /tmp/ctl.err

# A slow copy of the device: a walk is mid-read when it is killed.
xrp_slow_up 50
aether-ctl xrp get --uring --sample 100000 "$xrp_slow" >/dev/null 2>&1 &
walk=$!
sleep 2
kill -TERM "$walk"
wait "$walk"
rc=$?
walk=
check "SIGTERM ends a walk whose read is in flight (exit $rc)" test "$rc" = 143
# The kernel tears a ring down in a work item, so the device is let go soon after, not at once.
check "and the device is let go within 5 s" xrp_slow_down

xrp-ioctl point-root "$xrp_dev" cycle >/dev/null
expect 1 "a cyclic tree" aether-ctl xrp get --uring "$xrp_dev" 18446744073709551615
check "fails after 5 hops, naming the cycle" grep -q "still no leaf after 5 hops in a tree of depth 5: the tree has a cycle" /tmp/ctl.err
xrp-ioctl point-root "$xrp_dev" outside >/dev/null
expect 1 "a child outside the device" aether-ctl xrp get --uring "$xrp_dev" 18446744073709551615
check "fails naming the offset" grep -q "a node points at offset 67108864, outside the tree" /tmp/ctl.err
tap_done
