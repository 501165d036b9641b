#!/bin/bash
# aether-ublk --config, as aether-ublk@N.service runs it, serves the device its file describes, and a misspelt name starts no device.
# timeout: 300
. "$(dirname "$0")/lib.sh"
work=/tmp/ublk-config
cleanup() {
	ublk_down
	rm -rf "$work"
}
trap cleanup EXIT
plan 6
mkdir -p "$work"
truncate -s 64M "$work/backing"
# The example shipped beside the unit, pointed at this test's file.
sed "s|^file = .*|file = \"$work/backing\"|" "$(dirname "$0")/../../ublk/systemd/ublk.conf.example" >"$work/0.conf"

check "aether-ublk --config serves a device" ublk_start --config "$work/0.conf"
id=${ublk_dev#/dev/ublkb}
list=$(aether-ctl ublk list --json)
want="$id $work/backing $((256 << 20)) adaptive 2"
got=$(jq -r ".[] | select(.id == $id) | \"\(.id) \(.file) \(.cache_bytes) \(.policy) \(.queues)\"" <<<"$list")
check "ublk list shows the file's file, cache-mb, policy and queues: '$got'" test "$got" = "$want"
check "its data reads back" sh -c "echo hello | dd of=$ublk_dev conv=fsync status=none && \
	test \"\$(dd if=$ublk_dev bs=6 count=1 status=none)\" = hello"
check "it stops cleanly" ublk_down

sed 's/^cache-mb/cahce-mb/' "$work/0.conf" >"$work/1.conf"
before=$(ls /dev/ublkb* 2>/dev/null | wc -l)
err=$(aether-ublk --config "$work/1.conf" 2>&1)
check "a misspelt name is refused, naming it: $err" grep -q "'cahce-mb' is not an option" <<<"$err"
check "and no device was made" test "$(ls /dev/ublkb* 2>/dev/null | wc -l)" = "$before"
tap_done
