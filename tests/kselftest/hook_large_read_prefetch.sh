#!/bin/bash
# A prefetch the core decides inside a read larger than the readahead window, past the pages the kernel reads at the miss, is issued: the kernel reads the rest only as the reader meets its marks.
# timeout: 600
. "$(dirname "$0")/lib.sh"
cleanup() {
	aether_trace_off
	hook_disk_down
}
trap cleanup EXIT
plan 7
hook_disk_up 64
check "adaptive, max_window_kb 128" sh -c "echo adaptive >/sys/kernel/aether/mode &&
	echo 16 >/sys/kernel/aether/min_window_kb && echo 128 >/sys/kernel/aether/max_window_kb"

# At a miss of a 1 MiB read the kernel reads one window now: read_ahead_kb, or
# up to max_sectors_kb for a read larger than that (ractl_max_pages()).
q=/sys/block/nullb0/queue
req=256 ra=$(($(cat $q/read_ahead_kb) / 4)) io=$(($(cat $q/max_sectors_kb) / 4))
now=$ra
if [ $req -gt $ra ] && [ $io -gt $ra ]; then now=$((io < req ? io : req)); fi
echo "# a 1 MiB read's miss reads $now pages now (read_ahead $ra, io $io pages)"
check "the window is smaller than the read" test "$now" -lt "$req"

aether_trace_on aether_decision aether_prefetch_issue
drop_cache
taskset -c 0 pattern-read "$f" stride:4 1024 >/dev/null
aether_trace_off

# This file's decisions at the miss that starts each 1 MiB read (req=256),
# for pages inside that read but past what the kernel reads now.
file="dev=$(cat /sys/block/nullb0/dev) ino=$(stat -c %i "$f")"
grep -o "aether_decision: $file index=[0-9]* req=$req pattern=[a-z]* action=prefetch start=[0-9]*" \
	"$tracing/trace" | sed 's/.* index=\([0-9]*\) .* start=\([0-9]*\)$/\1 \2/' |
	awk -v now="$now" -v req="$req" '$2 >= $1 + now && $2 < $1 + req { print $2 }' | sort -u >/tmp/ahead
grep -o "aether_prefetch_issue: $file index=[0-9]*" "$tracing/trace" | sed 's/.*index=//' | sort -u >/tmp/issued
decided=$(wc -l </tmp/ahead) issued=$(comm -12 /tmp/ahead /tmp/issued | wc -l)
echo "# decisions inside a read, past the kernel's window: $decided; issued: $issued"
check "the core decided prefetches inside the large reads ($decided)" test "$decided" -ge 1
check "every one of them was issued ($issued of $decided)" test "$issued" = "$decided"
rm -f /tmp/ahead /tmp/issued
tap_done
