#!/bin/bash
# ublk del touches only aether-ublk's own devices and servers: a stale stats file whose id another server took, or whose pid is now another aether-ublk's, neither deletes that device nor signals that server.
# timeout: 300
. "$(dirname "$0")/lib.sh"
other=
cleanup() {
	[ -n "$other" ] && kill "$other" 2>/dev/null && wait "$other"
	aether-ctl ublk del --all
	rm -rf "$ublk_work" /tmp/aether-other-run
}
trap cleanup EXIT
plan 14
modprobe ublk_drv
mkdir -p "$ublk_work"
for f in a b c; do truncate -s 64M "$ublk_work/$f"; done
run=/run/aether

# 1. The id of a killed server's device, deleted, then taken by a server aether-ctl
# does not know (its stats live elsewhere), while the killed server's stats return.
expect 0 "a device" aether-ctl ublk add --file "$ublk_work/a"
id=$(sed 's|/dev/ublkb||' /tmp/ctl.out)
pid=$(ublk_server_pid "/dev/ublkb$id")
cp "$run/ublk$id.stats" "$ublk_work/stale.stats"
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
expect 0 "ublk del of the device its killed server left" aether-ctl ublk del "$id"
check "the device is gone" test ! -e "/dev/ublkb$id"
AETHER_RUN_DIR=/tmp/aether-other-run aether-ublk --file "$ublk_work/b" --id "$id" >"$ublk_work/other.out" 2>&1 &
other=$!
for _ in $(seq 100); do [ -b "/dev/ublkb$id" ] && break; sleep 0.1; done
check "another server took its id" test -b "/dev/ublkb$id"
cp "$ublk_work/stale.stats" "$run/ublk$id.stats"
expect 1 "ublk del of the stale id is refused" aether-ctl ublk del "$id"
check "saying the id belongs to another server now" grep -q "now belongs to another server (pid $other)" /tmp/ctl.err
check "the other server's device is still there" test -b "/dev/ublkb$id"
check "and still serves reads" dd if="/dev/ublkb$id" of=/dev/null bs=4k count=16 iflag=direct status=none
check "the stale stats file is gone" test ! -e "$run/ublk$id.stats"
kill "$other"
wait "$other"
other=

# 2. A stale stats file whose pid is a live aether-ublk serving another device.
expect 0 "a device whose server stays" aether-ctl ublk add --file "$ublk_work/c"
live=$(sed 's|/dev/ublkb||' /tmp/ctl.out)
livepid=$(ublk_server_pid "/dev/ublkb$live")
stale=$((live + 7))
cp "$run/ublk$live.stats" "$run/ublk$stale.stats"
expect 1 "ublk list shows the stale id as not live" sh -c "aether-ctl ublk list | grep -E '^/dev/ublkb$stale +$livepid +live '"
expect 0 "ublk del of the stale id" aether-ctl ublk del "$stale"
check "did not signal the live server (pid $livepid)" kill -0 "$livepid"
check "whose device is still there" test -b "/dev/ublkb$live"
tap_done
