#!/bin/bash
# AETHER_IOC_XRP_LOOKUP gives each bad input its documented errno, survives 10,000 random argument structs, and stops a chain that leaves the device (ERANGE) or cycles (ELOOP).
# timeout: 600
. "$(dirname "$0")/lib.sh"
trap xrp_cleanup EXIT
plan 42

check "insmod aether.ko" insmod "$AETHER_KO"
check "a loop device holds a 3-level tree" xrp_loop_up 16M 5000 24
check "with no program attached: ENOENT" xrp-ioctl case no-program "$xrp_dev"
check "2000 random structs with no program: every errno as documented" xrp-ioctl fuzz "$xrp_dev" 2000 7
check "aether-ctl bpf load xrp_btree" aether-ctl bpf load xrp_btree
check "a good lookup succeeds" xrp-ioctl case good "$xrp_dev"
for c in bad-arg bad-fd negative-fd write-only-fd regular-file offset-past-end offset-huge \
	offset-misaligned len-zero len-too-long hops-zero hops-too-many flags-unknown polled-no-poll-queues cached reserved-set \
	scratch-too-long scratch-unmapped scratch-kernel scratch-readonly scratch-too-short \
	hops-too-few not-a-node; do
	check "case $c" xrp-ioctl case "$c" "$xrp_dev"
done
errors0=$(cat /sys/kernel/aether/xrp/errors)
check "10000 random structs: every errno as documented" xrp-ioctl fuzz "$xrp_dev" 10000 1
check "xrp/errors counted the failed chains" test "$(cat /sys/kernel/aether/xrp/errors)" -gt "$errors0"
check "a good lookup still succeeds after the fuzz" xrp-ioctl case good "$xrp_dev"

check "point the root's children past the end of the device" xrp-ioctl point-root "$xrp_dev" outside
check "the chain stops with ERANGE at the root" xrp-ioctl case next-outside "$xrp_dev"
expect 1 "aether-ctl xrp get reports the bad pointer" aether-ctl xrp get "$xrp_dev" 18446744073709551615
check "it says the root points outside the device" grep -q "points outside the device" /tmp/ctl.err

check "make the root of the tree its own child" xrp-ioctl point-root "$xrp_dev" cycle
check "the hop limit stops the cycle with ELOOP after 256 reads" xrp-ioctl case cycle-max-hops "$xrp_dev"
# The largest key follows the root's last child, which is now the root.
expect 1 "aether-ctl xrp get on the cyclic tree fails" aether-ctl xrp get "$xrp_dev" 18446744073709551615
check "it says the tree has a cycle" grep -q "the tree has a cycle" /tmp/ctl.err
expect 1 "so does the user-space walk" aether-ctl xrp get --user "$xrp_dev" 18446744073709551615
check "with the same words" grep -q "the tree has a cycle" /tmp/ctl.err
tap_done
