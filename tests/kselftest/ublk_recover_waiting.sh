#!/bin/bash
# While a recovery waits (here for the backing file, which another process holds locked), ublk list shows the device recovering under the new server and a second recovery is refused; once the lock goes, the device is live again with its data.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${holder:-}" ] && pkill -P "$holder" sleep && wait "$holder"
	[ -n "${rec:-}" ] && wait "$rec"
	ublk_cleanup
}
trap cleanup EXIT
plan 14
modprobe ublk_drv
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
head -c 1M /dev/urandom >"$ublk_work/pattern"

# list_state DEV: "PID STATE" of DEV in ublk list.
list_state() {
	aether-ctl ublk list | awk -v d="$1" '$1 == d { print $2, $3 }'
}
# await_state DEV STATE: waits up to 30 s until ublk list shows DEV in STATE.
await_state() {
	for _ in $(seq 300); do
		[ "$(list_state "$1" | cut -d' ' -f2)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

expect 0 "aether-ctl ublk add: recovery (the default) and a cache" \
	aether-ctl ublk add --file "$ublk_work/backing" --cache-mb 8
ublk_dev=$(cat /tmp/ctl.out)
id=${ublk_dev#/dev/ublkb}
check "1 MiB written through it" \
	dd if="$ublk_work/pattern" of="$ublk_dev" bs=64k oflag=direct conv=fsync status=none
pid=$(ublk_server_pid "$ublk_dev")
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
check "quiesced once its server (pid $pid) is killed" await_state "$ublk_dev" quiesced

# The lock the new server needs, held as a second server of the file would hold it:
# by flock itself (-o), not by the sleep, which ends it.
flock -x -o "$ublk_work/backing" sleep 600 &
holder=$!
for _ in $(seq 100); do flock -n -x "$ublk_work/backing" true || break; sleep 0.1; done
aether-ctl ublk recover "$id" >"$ublk_work/rec.out" 2>"$ublk_work/rec.err" &
rec=$!
check "ublk list shows it recovering while the new server waits for the backing file" \
	await_state "$ublk_dev" recovering
newpid=$(list_state "$ublk_dev" | cut -d' ' -f1)
check "under the new server (pid $newpid, was $pid)" \
	sh -c "[ '$newpid' != '$pid' ] && [ \"\$(cat /proc/$newpid/comm)\" = aether-ublk ]"
check "ublk list --json says so too" \
	sh -c "aether-ctl ublk list --json | grep -q '\"state\": \"recovering\"'"
expect 1 "a second ublk recover meanwhile" aether-ctl ublk recover "$id"
check "is refused, naming the recovery under way" \
	grep -q "is being recovered already, by aether-ublk pid $newpid" /tmp/ctl.err
check "and left that recovery waiting" test "$(list_state "$ublk_dev")" = "$newpid recovering"

pkill -P "$holder" sleep
wait "$holder"
holder=
wait "$rec"
rc=$?
rec=
sed 's/^/# recover: /' "$ublk_work/rec.err"
check "once the lock goes, ublk recover succeeds (exit $rc)" test "$rc" = 0
check "ublk list shows it live under pid $newpid" \
	test "$(list_state "$ublk_dev")" = "$newpid live"
check "no claim is left behind" test ! -e "/run/aether/ublk$id.recovery"
# A device no recovery took over holds its reads for good.
[ "$rc" = 0 ] && timeout 60 dd if="$ublk_dev" of="$ublk_work/back" bs=64k count=16 iflag=direct status=none
check "the data written before the kill reads back" cmp "$ublk_work/pattern" "$ublk_work/back"
expect 0 "ublk del removes it" aether-ctl ublk del "$id"
tap_done
