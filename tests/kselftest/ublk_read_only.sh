#!/bin/bash
# A --read-only aether-ublk device reads the backing file through its cache, refuses every write, discard and remount for writing, and leaves the file unchanged.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 9
modprobe ext4
mkdir -p "$ublk_work" "$ublk_mnt"
truncate -s 64M "$ublk_work/backing"
mkfs.ext4 -q "$ublk_work/backing"
head -c 1M /dev/urandom | dd of="$ublk_work/backing" bs=1M seek=40 conv=notrunc status=none
sha256sum <"$ublk_work/backing" >"$ublk_work/sum"
check "aether-ublk serves it read-only, with a cache and prefetch" \
	ublk_up "$ublk_work/backing" --read-only --cache-mb 8 --policy adaptive
check "the kernel sees a read-only disk" test "$(blockdev --getro "$ublk_dev")" = 1
check "it reads back the file" sh -c "dd if=$ublk_dev bs=1M iflag=direct status=none | cmp -s - $ublk_work/backing"
expect 1 "a write is refused" dd if=/dev/zero of="$ublk_dev" bs=4k count=1 oflag=direct status=none
expect 1 "a discard is refused" blkdiscard "$ublk_dev"
check "ext4 mounts from it read-only" mount -o ro "$ublk_dev" "$ublk_mnt"
expect 32 "and refuses to be remounted for writing" mount -o remount,rw "$ublk_mnt"
check "umount" umount "$ublk_mnt"
ublk_down
check "the file is unchanged" sh -c "sha256sum <$ublk_work/backing | cmp -s - $ublk_work/sum"
tap_done
