#!/bin/bash
# In-kernel B+tree lookups (AETHER_IOC_XRP_LOOKUP with xrp_btree attached) answer exactly what user-space pread lookups answer, for 10,000 keys.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
trap xrp_cleanup EXIT
plan 10

check "insmod aether.ko" insmod "$AETHER_KO"
check "a loop device holds a 4-level tree of 100000 keys" xrp_loop_up 64M 100000 24
expect 1 "xrp get without a program attached fails" aether-ctl xrp get "$xrp_dev" 1
check "it names 'aether-ctl bpf load xrp_btree'" grep -q "bpf load xrp_btree" /tmp/ctl.err
expect 0 "aether-ctl bpf load xrp_btree" aether-ctl bpf load xrp_btree

lookups0=$(cat /sys/kernel/aether/xrp/lookups)
hops0=$(cat /sys/kernel/aether/xrp/hops)
# Exit 1: half the sample is absent, and a missing key is not success.
expect 1 "10000 lookups in the kernel" aether-ctl xrp get --json "$xrp_dev" --sample 10000 --sample-seed 5
mv /tmp/ctl.out "$xrp_work/kernel"
expect 1 "the same 10000 lookups from user space" aether-ctl xrp get --user --json "$xrp_dev" --sample 10000 --sample-seed 5
mv /tmp/ctl.out "$xrp_work/user"
check "the kernel's keys, values and hop counts are user space's, line for line" \
	cmp "$xrp_work/kernel" "$xrp_work/user"
found=$(grep -c '"found": true' "$xrp_work/kernel")
missing=$(grep -c '"found": false' "$xrp_work/kernel")
check "5000 keys found and 5000 reported not-found (got $found and $missing)" \
	test "$found" = 5000 -a "$missing" = 5000
lookups=$(($(cat /sys/kernel/aether/xrp/lookups) - lookups0))
hops=$(($(cat /sys/kernel/aether/xrp/hops) - hops0))
want_hops=$(grep -o '"hops": [0-9]*' "$xrp_work/user" | awk '{ s += $2 } END { print s }')
check "xrp/lookups and xrp/hops counted them (lookups $lookups, hops $hops, want 10000 and $want_hops)" \
	test "$lookups" = 10000 -a "$hops" = "$want_hops"
tap_done
