#!/bin/bash
# `aether-ctl get/set/stats` drive the loaded module's sysfs, with the right exit codes and parseable --json.
. "$(dirname "$0")/lib.sh"
trap 'echo adaptive >/sys/kernel/aether/mode 2>/dev/null; unload_aether' EXIT
plan 14

expect 1 "stats without the module" aether-ctl stats
check "insmod aether.ko" insmod "$AETHER_KO"
expect 0 "get mode" aether-ctl get mode
check "get mode prints the sysfs value" test "$(cat /tmp/ctl.out)" = "$(cat /sys/kernel/aether/mode)"
expect 0 "set mode observe" aether-ctl set mode observe
check "the module now reads observe" test "$(cat /sys/kernel/aether/mode)" = observe
expect 2 "set mode to a name the module has not" aether-ctl set mode turbo
expect 2 "set an unknown knob" aether-ctl set readahead_kb 128
expect 1 "set min_window_kb above max_window_kb (the module's refusal)" \
	aether-ctl set min_window_kb 65536
check "min_window_kb is unchanged" test "$(cat /sys/kernel/aether/min_window_kb)" = 16
expect 0 "get --json" aether-ctl get --json
check "get --json parses and has mode" python3 -c \
	'import json,sys; assert json.load(open("/tmp/ctl.out"))["mode"] == "observe"'
expect 0 "stats --json" aether-ctl stats --json
check "stats --json parses and has every counter" python3 -c '
import json
j = json.load(open("/tmp/ctl.out"))
for k in ("decisions", "windows_grown", "windows_shrunk", "prefetch_issued", "prefetch_pages",
          "prefetch_hits", "prefetch_wasted", "queue_drops", "sync_misses"):
    assert isinstance(j[k], int), k
assert len(j["decision_latency_ns"]) == 32'
tap_done
