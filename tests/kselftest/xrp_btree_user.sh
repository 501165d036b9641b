#!/bin/bash
# aether-ctl xrp builds its B+tree on a real block device and walks it with O_DIRECT preads, and refuses devices that are in use, too small, or hold data.
# timeout: 300
. "$(dirname "$0")/lib.sh"
work=/tmp/xrp-user
loops=()
cleanup() {
	umount "$work/mnt" 2>/dev/null
	for l in "${loops[@]}"; do losetup -d "$l"; done
	rm -rf "$work"
}
trap cleanup EXIT
plan 11
modprobe loop
modprobe ext4
mkdir -p "$work/mnt"
# loop_on SIZE: a loop device over a new sparse file of SIZE, in $loop.
loop_on() {
	truncate -s "$1" "$work/f${#loops[@]}"
	loop=$(losetup --find --show --direct-io=on "$work/f${#loops[@]}")
	loops+=("$loop")
}

loop_on 64M
dev=$loop
expect 0 "mkbtree --keys 10000 --fanout 8 on $dev" aether-ctl xrp mkbtree "$dev" --keys 10000 --seed 3 --fanout 8 --json
check "the tree is 5 levels of 1431 nodes, as 10000 keys at fanout 8 make" \
	sh -c 'grep -q "\"depth\": 5" /tmp/ctl.out && grep -q "\"nodes\": 1431" /tmp/ctl.out'
expect 1 "get --user of a key that is not there exits 1" aether-ctl xrp get --user --json "$dev" 9223372036854775807
check "it reports not found after walking all 5 levels with O_DIRECT reads" \
	sh -c 'grep -q "\"found\": false" /tmp/ctl.out && grep -q "\"hops\": 5" /tmp/ctl.out'
expect 0 "mkbtree rebuilds over its own tree without --force" aether-ctl xrp mkbtree "$dev" --keys 500

loop_on 1M
sum=$(sha256sum <"$loop")
expect 1 "mkbtree refuses a device too small for the tree" aether-ctl xrp mkbtree "$loop" --keys 100000
check "it says how much it needs, and wrote nothing" \
	sh -c "grep -q 'need 1626112' /tmp/ctl.err && [ \"\$(sha256sum <$loop)\" = '$sum' ]"

loop_on 64M
mkfs.ext4 -q "$loop"
sum=$(sha256sum <"$loop")
expect 1 "mkbtree refuses a device holding a filesystem" aether-ctl xrp mkbtree "$loop" --keys 100
check "it names --force, and the filesystem is untouched" \
	sh -c "grep -q -- '--force overwrites it' /tmp/ctl.err && [ \"\$(sha256sum <$loop)\" = '$sum' ]"
mount "$loop" "$work/mnt"
expect 1 "mkbtree --force refuses a mounted device" aether-ctl xrp mkbtree "$loop" --keys 100 --force
check "it says the device is in use, and the filesystem still checks clean" \
	sh -c "grep -q 'in use' /tmp/ctl.err && umount '$work/mnt' && e2fsck -fn '$loop' >/dev/null 2>&1"
tap_done
