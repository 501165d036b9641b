#!/bin/bash
# ublk recover refuses what it cannot do, with a clear error and nothing changed: no such device, a live device, geometry options, a device added with --no-recovery; ublk del refuses a quiesced device that is still mounted, and with --force deletes it at once.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 23
modprobe ublk_drv && modprobe ext4
mkdir -p "$ublk_work" "$ublk_mnt"
truncate -s 64M "$ublk_work/a" "$ublk_work/b"

expect 1 "recover of a device that does not exist" aether-ctl ublk recover 77
check "says there is no such device" grep -q "no aether-ublk device 77" /tmp/ctl.err

expect 0 "a device with recovery (the default)" aether-ctl ublk add --file "$ublk_work/a" --cache-mb 8
ublk_dev=$(cat /tmp/ctl.out)
id=${ublk_dev#/dev/ublkb}
pid=$(ublk_server_pid "$ublk_dev")
expect 1 "recover of the live device" aether-ctl ublk recover "$id"
check "says it is live, with nothing to recover" grep -q "is live (server pid $pid): there is nothing to recover" /tmp/ctl.err
expect 1 "aether-ublk --recover of the live device" aether-ublk --recover "$id" --file "$ublk_work/a"
check "says who serves it" grep -q "is still served by aether-ublk pid $pid" /tmp/ctl.err
check "aether-ublk --recover with a geometry option (--size) fails" \
	sh -c "! aether-ublk --recover $id --file $ublk_work/a --size 1M 2>/tmp/ctl.err"
check "saying the two exclude each other" grep -q -- "--size excludes --recover" /tmp/ctl.err
check "the device is still live under its server" sh -c "aether-ctl ublk list | grep -Eq '^$ublk_dev +$pid +live '"

check "ext4 on it, mounted" sh -c "mkfs.ext4 -q -F $ublk_dev && mount $ublk_dev $ublk_mnt && echo hello >$ublk_mnt/f && sync"
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
expect 1 "ublk del of the quiesced, mounted device" aether-ctl ublk del "$id"
check "says it is in use" grep -q "is in use (mounted at $ublk_mnt)" /tmp/ctl.err
check "the device is still there, quiesced" sh -c "aether-ctl ublk list | grep -Eq '^$ublk_dev +$pid +quiesced '"
expect 0 "ublk recover brings it back" aether-ctl ublk recover "$id"
check "and the file on it reads back" grep -qx hello "$ublk_mnt/f"
pid=$(ublk_server_pid "$ublk_dev")
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
expect 0 "killed again, ublk del --force of it, still mounted, returns at once" \
	timeout 60 aether-ctl ublk del --force "$id"
check "the device is gone, and so is its stats file" \
	sh -c "[ ! -e $ublk_dev ] && [ ! -e /run/aether/ublk$id.stats ]"
check "the filesystem unmounts" umount "$ublk_mnt"

expect 0 "a device added with --no-recovery" aether-ctl ublk add --file "$ublk_work/b" --no-recovery
ublk_dev=$(cat /tmp/ctl.out)
id=${ublk_dev#/dev/ublkb}
pid=$(ublk_server_pid "$ublk_dev")
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
expect 1 "recover of it after kill -9" aether-ctl ublk recover "$id"
check "says the kernel did not hold its I/O" grep -q "the kernel did not hold its I/O: it was added with --no-recovery" /tmp/ctl.err
expect 0 "ublk del removes what is left" aether-ctl ublk del "$id"
tap_done
