#!/bin/bash
# An in-kernel lookup chain over a slow device stops between hops when its caller is killed, instead of reading on to its hop limit, and one whose program is detached between hops returns ENOENT with the hops it did.
# timeout: 600
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${chain:-}" ] && kill -9 "$chain" 2>/dev/null && wait "$chain"
	xrp_slow_down
	xrp_cleanup
}
trap cleanup EXIT
plan 9

check "insmod aether.ko" insmod "$AETHER_KO"
check "a loop device holds a 3-level tree" xrp_loop_up 16M 5000 24
check "make the root of the tree its own child: a chain runs to its hop limit" \
	xrp-ioctl point-root "$xrp_dev" cycle
# Every read 200 ms late: a chain of 256 hops takes 51 s.
check "dm-delay over it, 200 ms a read" xrp_slow_up 200
slow=$xrp_slow
expect 0 "aether-ctl bpf load xrp_btree" aether-ctl bpf load xrp_btree

hops0=$(cat /sys/kernel/aether/xrp/hops)
xrp-ioctl chain "$slow" 256 >/dev/null &
chain=$!
sleep 2
kill -9 "$chain"
wait "$chain"
chain=
hops=$(($(cat /sys/kernel/aether/xrp/hops) - hops0))
check "killed after 2 s, the chain stopped short of its 256 hops (it did $hops)" test "$hops" -lt 256

xrp-ioctl chain "$slow" 256 >"$xrp_work/chain.out" &
chain=$!
sleep 2
expect 0 "bpf unload xrp_btree while a chain runs" aether-ctl bpf unload xrp_btree
wait "$chain"
chain=
sed 's/^/# /' "$xrp_work/chain.out"
check "the chain ended with ENOENT" grep -q "^errno ENOENT " "$xrp_work/chain.out"
check "and gave back the hops it did (0 < hops < 256) and where it was" \
	awk '$1 == "errno" && $4 > 0 && $4 < 256 && $6 != "" { ok = 1 } END { exit !ok }' "$xrp_work/chain.out"
tap_done
