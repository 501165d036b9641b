#!/bin/bash
# `aether-ctl devices` lists the module's per-disk telemetry as a table and as JSON that matches sysfs.
. "$(dirname "$0")/lib.sh"
cleanup() {
	unload_aether
	slow_disk_down
}
trap cleanup EXIT
plan 8

expect 1 "devices without the module" aether-ctl devices
check "a slow ext4 disk (null_blk, 50 us per request)" slow_disk_up 50
check "insmod aether.ko" insmod "$AETHER_KO"
devt=$(cat /sys/block/nullb0/dev)
dd if=/dev/urandom of="$slow_mnt/data" bs=1M count=4 oflag=direct status=none
for _ in $(seq 50); do [ -d "/sys/kernel/aether/devices/$devt" ] && break; sleep 0.1; done
expect 0 "devices" aether-ctl devices
check "the table has a nullb0 row" grep -q "^$devt *nullb0 " /tmp/ctl.out
sed 's/^/  /' /tmp/ctl.out
expect 0 "devices --json" aether-ctl devices --json
check "devices --json parses and matches sysfs for nullb0" python3 -c '
import json, sys
devt = sys.argv[1]
j = json.load(open("/tmp/ctl.out"))
d = [x for x in j["devices"] if x["device"] == devt][0]
sysfs = "/sys/kernel/aether/devices/" + devt + "/"
assert d["name"] == "nullb0", d["name"]
# ext4 may write its journal in between, so sysfs can only have moved on.
assert 4 << 20 <= d["write_bytes"] <= int(open(sysfs + "write_bytes").read()), d["write_bytes"]
assert len(d["latency_ns"]) == 32
assert isinstance(j["untracked_requests"], int)' "$devt"
expect 2 "devices with an unknown option" aether-ctl devices --bogus
tap_done
