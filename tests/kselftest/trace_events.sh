#!/bin/bash
# aether.ko's tracepoints (events/aether/) report its decisions, the prefetches it issues and the prefetched pages a reader uses.
# timeout: 300
. "$(dirname "$0")/lib.sh"
tracing=/sys/kernel/tracing
events=(aether_decision aether_prefetch_issue aether_prefetch_hit)
cleanup() {
	for e in "${events[@]}"; do
		[ -w "$tracing/events/aether/$e/enable" ] && echo 0 >"$tracing/events/aether/$e/enable"
	done
	unload_aether
	slow_disk_down
}
trap cleanup EXIT
plan $((2 + ${#events[@]} + 4))

check "a slow ext4 disk (null_blk, 50 us per request)" slow_disk_up 50
f=$slow_mnt/data
dd if=/dev/urandom of="$f" bs=1M count=16 status=none
check "insmod aether.ko" insmod "$AETHER_KO"
mountpoint -q "$tracing" || mount -t tracefs none "$tracing"
for e in "${events[@]}"; do
	check "events/aether/$e exists and can be enabled" sh -c "echo 1 >$tracing/events/aether/$e/enable"
done
echo >"$tracing/trace"
ino=$(stat -c %i "$f")
hits0=$(stat_of prefetch_hits)
cold_read "$f" stride:4 >/dev/null
hits=$(($(stat_of prefetch_hits) - hits0))
for e in "${events[@]}"; do echo 0 >"$tracing/events/aether/$e/enable"; done
trace=$(cat "$tracing/trace")
# count EVENT: lines of EVENT about the test's file.
count() { printf '%s\n' "$trace" | grep -c " $1: dev=[0-9]*:[0-9]* ino=$ino "; }
check "a strided read traced decisions ($(count aether_decision))" test "$(count aether_decision)" -gt 0
strided=$(printf '%s\n' "$trace" | grep -c "ino=$ino .*pattern=stride action=prefetch")
check "decisions name the stride and prefetch it ($strided)" test "$strided" -gt 0
check "prefetches were traced as issued ($(count aether_prefetch_issue))" test "$(count aether_prefetch_issue)" -gt 0
check "stats counted $hits prefetch hits and the trace shows them ($(count aether_prefetch_hit) events)" \
	test "$hits" -gt 0 -a "$(count aether_prefetch_hit)" -gt 0
tap_done
