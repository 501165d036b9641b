#!/bin/bash
# A mounted aether-ublk device is not stopped by ublk del or SIGTERM, which say why and leave it serving; ublk del --force (SIGINT) stops it, and once unmounted ublk del does.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	umount /mnt/aether-del 2>/dev/null
	aether-ctl ublk del --all --force
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 14
modprobe ublk_drv
modprobe ext4
mkdir -p "$ublk_work" /mnt/aether-del
truncate -s 128M "$ublk_work/backing"

expect 0 "a device" aether-ctl ublk add --file "$ublk_work/backing" --cache-mb 8
dev=$(cat /tmp/ctl.out)
id=${dev#/dev/ublkb}
pid=$(ublk_server_pid "$dev")
check "ext4 on it, mounted" sh -c "mkfs.ext4 -q $dev && mount $dev /mnt/aether-del"
expect 1 "ublk del of the mounted device is refused" aether-ctl ublk del "$id"
check "saying where it is mounted" grep -q "in use (mounted at /mnt/aether-del)" /tmp/ctl.err
kill -TERM "$pid"
sleep 2
check "SIGTERM does not stop its server either" kill -0 "$pid"
check "which says why in its log" grep -q "not stopping $dev, which is in use (mounted at /mnt/aether-del)" \
	"/run/aether/ublk$id.log"
check "the filesystem still takes writes" sh -c "head -c 1M /dev/urandom >/mnt/aether-del/f && sync"
check "umount" umount /mnt/aether-del
expect 0 "then ublk del stops it" aether-ctl ublk del "$id"
check "the device is gone" test ! -e "$dev"

expect 0 "a device again" aether-ctl ublk add --file "$ublk_work/backing"
dev=$(cat /tmp/ctl.out)
id=${dev#/dev/ublkb}
# Read-only, so the filesystem has nothing to lose when its disk goes.
check "mounted read-only" mount -o ro "$dev" /mnt/aether-del
expect 0 "ublk del --force stops it while mounted" aether-ctl ublk del --force "$id"
check "the device is gone" test ! -e "$dev"
umount /mnt/aether-del
tap_done
