#!/bin/bash
# A pattern the core learns in one file ("page 0, then page 100") is prefetched at that file's next open, and never in another file read at the same pages.
# timeout: 300
. "$(dirname "$0")/lib.sh"
cleanup() {
	aether_trace_off
	hook_disk_down
}
trap cleanup EXIT
plan 8
hook_disk_up 4
g=$slow_mnt/other
check "a second 4 MiB file" dd if=/dev/urandom of="$g" bs=1M count=4 status=none

# hop FILE: one open of FILE on CPU 0 (one core sees it all) reads page 0 and
# then page 100, cold. The tools are read once first, so that their own misses
# teach CPU 0's core nothing in between.
hop() {
	drop_cache
	taskset -c 0 dd if=/dev/zero of=/dev/null count=1 status=none
	taskset -c 0 sh -c 'dd bs=4k count=1 status=none of=/dev/null; dd bs=4k skip=99 count=1 status=none of=/dev/null' <"$1"
}

echo observe >/sys/kernel/aether/mode
for _ in 1 2 3; do hop "$f"; done
check "adaptive" sh -c "echo adaptive >/sys/kernel/aether/mode"
aether_trace_on aether_decision
hop "$g"
hop "$f"
aether_trace_off

dev="dev=$(cat /sys/block/nullb0/dev)"
decided() {
	grep -c "aether_decision: $dev ino=$(stat -c %i "$1") index=0 req=[0-9]* pattern=[a-z]* action=prefetch start=100 " \
		"$tracing/trace"
}
in_f=$(decided "$f") in_g=$(decided "$g")
echo "# decisions at page 0 to prefetch page 100: $in_f in the file that taught it, $in_g in the other"
check "the file that taught it: page 100 prefetched at page 0 ($in_f)" test "$in_f" -ge 1
check "the other file: page 100 not prefetched at page 0 ($in_g)" test "$in_g" = 0
check "the reads still get the files' bytes" \
	test "$(cat "$f" "$g" | sha256sum)" = "$(drop_cache; cat "$f" "$g" | sha256sum)"
tap_done
