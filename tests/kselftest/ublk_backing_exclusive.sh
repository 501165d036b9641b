#!/bin/bash
# Two aether-ublk servers never share a backing store: a second server of the same file, or of a block device in use or mounted, is refused with a clear message and no device, and the first keeps serving.
# timeout: 300
. "$(dirname "$0")/lib.sh"
loopdev=
cleanup() {
	aether-ctl ublk del --all
	umount /mnt/aether-excl 2>/dev/null
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 18
modprobe ublk_drv
modprobe loop
modprobe ext4
mkdir -p "$ublk_work" /mnt/aether-excl
truncate -s 64M "$ublk_work/backing"
devices() { ls /dev/ublkb* 2>/dev/null | wc -l; }

expect 0 "a server of the file" aether-ctl ublk add --file "$ublk_work/backing" --cache-mb 8
first=$(cat /tmp/ctl.out)
check "it writes a block" sh -c "head -c 4096 /dev/urandom | tee $ublk_work/block | dd of=$first bs=4k oflag=direct status=none"
n=$(devices)
expect 1 "a second server of the same file is refused" aether-ctl ublk add --file "$ublk_work/backing"
check "saying the file is in use by another aether-ublk" grep -q "is in use by another aether-ublk" /tmp/ctl.err
check "and no device was added" test "$(devices)" = "$n"
expect 1 "so is a read-only one" aether-ctl ublk add --file "$ublk_work/backing" --read-only
check "with the same words" grep -q "is in use by another aether-ublk" /tmp/ctl.err
check "the first server still serves its block" \
	sh -c "dd if=$first bs=4k count=1 iflag=direct status=none | cmp -s - $ublk_work/block"
expect 0 "stop it" aether-ctl ublk del "${first#/dev/ublkb}"
expect 0 "then the file can be served again" aether-ctl ublk add --file "$ublk_work/backing" --read-only
expect 0 "by two read-only servers at once" aether-ctl ublk add --file "$ublk_work/backing" --read-only
expect 0 "stop both" aether-ctl ublk del --all

loopdev=$(losetup --find --show "$ublk_work/backing")
expect 0 "a server of a block device ($loopdev)" aether-ctl ublk add --file "$loopdev"
expect 1 "a second server of it is refused" aether-ctl ublk add --file "$loopdev"
check "saying the device is in use" grep -q "$loopdev is in use" /tmp/ctl.err
expect 0 "stop the first" aether-ctl ublk del --all
mkfs.ext4 -q -F "$loopdev" && mount "$loopdev" /mnt/aether-excl
expect 1 "a server of a mounted block device is refused" aether-ctl ublk add --file "$loopdev"
check "saying the device is in use" grep -q "$loopdev is in use" /tmp/ctl.err
tap_done
