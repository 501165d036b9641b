#!/bin/bash
# aether-ctl ublk add, list, stats and del drive aether-ublk servers, and bad requests fail clearly without leaving a device.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	aether-ctl ublk del --all
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 22
modprobe ublk_drv
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
devices() { ls /dev/ublkb* 2>/dev/null | wc -l; }

expect 0 "ublk add starts a cached device" aether-ctl ublk add --file "$ublk_work/backing" --cache-mb 8 --latency-us 50
dev=$(cat /tmp/ctl.out)
id=${dev#/dev/ublkb}
check "it printed only the device path ($dev), a block device" \
	sh -c "[ \$(wc -l </tmp/ctl.out) = 1 ] && grep -Eqx '/dev/ublkb[0-9]+' /tmp/ctl.out && [ -b '$dev' ]"
pid=$(ublk_server_pid "$dev")
check "its server runs in the background (pid $pid)" test "$(cat /proc/"$pid"/comm 2>/dev/null)" = aether-ublk
expect 0 "ublk list" aether-ctl ublk list
check "list shows it live, with its 8 MiB cache and policy" grep -Eq "^$dev +$pid +live +64M +8M +50 +adaptive " /tmp/ctl.out
# The kernel's partition scan reads the device too: count from here.
udevadm settle 2>/dev/null
reads0=$(ublk_stat "$dev" reads)
hits0=$(ublk_stat "$dev" cache_hits)
dd if="$dev" of=/dev/null bs=64k count=64 iflag=direct status=none
dd if="$dev" of=/dev/null bs=64k count=64 iflag=direct status=none
expect 0 "ublk stats N" aether-ctl ublk stats "$id"
reads=$(($(awk '$1 == "reads" { print $2 }' /tmp/ctl.out) - reads0))
hits=$(($(awk '$1 == "cache_hits" { print $2 }' /tmp/ctl.out) - hits0))
check "stats counted the 128 reads ($reads), the second pass's 64 from the cache ($hits hits)" \
	sh -c "[ $reads = 128 ] && [ $hits -ge 64 ]"
expect 0 "ublk stats --json" aether-ctl ublk stats --json
check "the JSON has the device's counters and latency histogram" \
	sh -c "grep -q '\"device\": \"$dev\"' /tmp/ctl.out && grep -Eq '\"reads\": [0-9]+' /tmp/ctl.out && grep -q '\"read_latency\": {' /tmp/ctl.out"

# --size takes the spellings every size option takes: 64M of a 128 MiB file.
truncate -s 128M "$ublk_work/big"
expect 0 "ublk add --size 64M" aether-ctl ublk add --file "$ublk_work/big" --size 64M
sized=$(cat /tmp/ctl.out)
check "its device ($sized) has 67108864 bytes" test "$(blockdev --getsize64 "$sized")" = 67108864
aether-ctl ublk del "${sized#/dev/ublkb}"

before=$(devices)
expect 1 "ublk add with a missing backing file fails" aether-ctl ublk add --file "$ublk_work/missing"
check "it says why, and no device was left ($(devices) devices, $before before)" \
	sh -c "grep -q 'missing: No such file or directory' /tmp/ctl.err && [ $(devices) = $before ]"
expect 2 "ublk add with an unknown --policy fails" aether-ctl ublk add --file "$ublk_work/backing" --policy fastest
expect 1 "ublk stats of a device that does not exist fails" aether-ctl ublk stats 999
expect 2 "ublk del with neither ids nor --all fails" aether-ctl ublk del
expect 0 "ublk del N stops it" aether-ctl ublk del "$id"
check "the device, its server and its stats file are gone" \
	sh -c "[ ! -e '$dev' ] && [ ! -e /proc/$pid ] && [ ! -e /run/aether/ublk$id.stats ]"

# A server that cannot stop (here: held by SIGSTOP) is given up on rather than
# waited for forever, and not killed: only it knows which writes are not yet durable.
expect 0 "ublk add a second device" aether-ctl ublk add --file "$ublk_work/backing"
dev=$(cat /tmp/ctl.out)
id=${dev#/dev/ublkb}
pid=$(aether-ctl ublk list | awk -v d="$dev" '$1 == d { print $2 }')
kill -STOP "$pid"
expect 1 "ublk del --timeout 1 gives up on a server that does not stop" aether-ctl ublk del --timeout 1 "$id"
check "it says so, and leaves the device and its server be" \
	sh -c "grep -q 'has not stopped $dev after 1 s' /tmp/ctl.err && [ -b '$dev' ] && [ -e /proc/$pid ]"
kill -CONT "$pid"
for _ in $(seq 300); do
	[ -e "/proc/$pid" ] || [ -e "$dev" ] || break
	sleep 0.1
done
check "running again, the server acts on the SIGTERM del sent: device and server gone" \
	sh -c "[ ! -e '$dev' ] && [ ! -e /proc/$pid ]"
tap_done
