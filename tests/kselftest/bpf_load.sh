#!/bin/bash
# aether-ctl bpf load, list and unload attach a struct_ops program to aether.ko, pin it, hold the module, and detach it again.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	bpf_unload_all
	unload_aether_wait
}
trap cleanup EXIT
plan 18

expect 1 "bpf load without aether.ko fails" aether-ctl bpf load xrp_btree
check "it says aether.ko is not loaded" grep -q "aether.ko is not loaded" /tmp/ctl.err
check "insmod aether.ko" insmod "$AETHER_KO"
check "nothing is attached: xrp/ops is empty" test -z "$(cat /sys/kernel/aether/xrp/ops)"
expect 0 "bpf load xrp_btree" aether-ctl bpf load xrp_btree
check "xrp/ops names it" test "$(cat /sys/kernel/aether/xrp/ops)" = xrp_btree
check "its link is pinned at /sys/fs/bpf/aether/xrp_btree" test -e /sys/fs/bpf/aether/xrp_btree
expect 0 "bpf list --json" aether-ctl bpf list --json
check "it lists xrp_btree, attached, and the module's xrp_ops" \
	sh -c 'grep -q "\"name\": \"xrp_btree\"" /tmp/ctl.out && grep -q "\"attached\": true" /tmp/ctl.out &&
		grep -q "\"xrp_ops\": \"xrp_btree\"" /tmp/ctl.out'
expect 1 "loading it again is refused" aether-ctl bpf load xrp_btree
check "it says it is already loaded" grep -q "already loaded" /tmp/ctl.err
check "rmmod aether is refused while a program is attached" sh -c '! rmmod aether 2>/dev/null && [ -d /sys/module/aether ]'
expect 0 "bpf unload xrp_btree" aether-ctl bpf unload xrp_btree
check "xrp/ops is empty again at once" test -z "$(cat /sys/kernel/aether/xrp/ops)"
expect 0 "bpf list" aether-ctl bpf list
check "it lists no program and says none is attached" \
	sh -c 'grep -q "is empty" /tmp/ctl.out && grep -q "attached: none" /tmp/ctl.out'
expect 1 "unloading it again says it is not loaded" aether-ctl bpf unload xrp_btree
check "rmmod aether succeeds once the program is freed" unload_aether_wait
tap_done
