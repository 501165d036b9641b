#!/bin/bash
# A power cut under ext4 on aether-ublk (dm-flakey drop_writes on the backing store): every file written and synced before the cut is intact after it, the journal recovers, and e2fsck finds the filesystem clean.
# timeout: 600
. "$(dirname "$0")/lib.sh"
loopdev=
cleanup() {
	umount "$ublk_mnt" 2>/dev/null
	aether-ctl ublk del --all --force
	dmsetup remove aether-cut 2>/dev/null
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 14
modprobe ublk_drv
modprobe dm-mod
modprobe dm-flakey
modprobe loop
modprobe ext4
mkdir -p "$ublk_work" "$ublk_mnt"
truncate -s 256M "$ublk_work/store"
loopdev=$(losetup --find --show "$ublk_work/store")
sectors=$((256 << 11))
# live TABLE: the device-mapper disk's table, swapped in.
table() { echo "$1" | dmsetup load aether-cut && dmsetup resume aether-cut; }
check "a device-mapper disk over the store, passing everything through" \
	sh -c "echo '0 $sectors linear $loopdev 0' | dmsetup create aether-cut && dmsetup mknodes aether-cut"
expect 0 "aether-ublk serves it, with a cache and prefetch" \
	aether-ctl ublk add --file /dev/mapper/aether-cut --cache-mb 16 --policy adaptive
dev=$(cat /tmp/ctl.out)
check "ext4 on it, mounted" sh -c "mkfs.ext4 -q $dev && mount $dev $ublk_mnt"
# Before the cut: files written by several writers, each fsynced, then sync.
for w in $(seq 0 3); do
	(for i in $(seq 0 15); do
		head -c 131072 /dev/urandom >"$ublk_mnt/kept-$w-$i"
		sync "$ublk_mnt/kept-$w-$i"
	done) &
done
wait
sync
(cd "$ublk_mnt" && sha256sum kept-* >"$ublk_work/sums")
check "64 files written and synced" test "$(wc -l <"$ublk_work/sums")" = 64
check "the power is cut: from now on the store drops every write" \
	table "0 $sectors flakey $loopdev 0 0 1 1 drop_writes"
for i in $(seq 0 15); do head -c 131072 /dev/urandom >"$ublk_mnt/lost-$i"; done
rm -f "$ublk_mnt/kept-0-0" # a change the cut must undo
sync
check "umount (its writes are lost)" umount "$ublk_mnt"
expect 0 "the server stops" aether-ctl ublk del "${dev#/dev/ublkb}"
check "the power is back" table "0 $sectors linear $loopdev 0"
# The server's cache held what the cut dropped: a new server starts cold, as after a reboot.
expect 0 "a new server of the store" aether-ctl ublk add --file /dev/mapper/aether-cut --cache-mb 16 --policy adaptive
dev=$(cat /tmp/ctl.out)
check "mount (which replays the journal)" mount "$dev" "$ublk_mnt"
check "every file synced before the cut is intact" sh -c "cd $ublk_mnt && sha256sum --quiet -c $ublk_work/sums"
check "and what came after the cut is not there: it was cut" sh -c "! ls $ublk_mnt/lost-* >/dev/null 2>&1"
check "umount" umount "$ublk_mnt"
check "e2fsck -fn finds the filesystem clean" e2fsck -fn "$dev"
tap_done
