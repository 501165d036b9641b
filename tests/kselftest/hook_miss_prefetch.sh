#!/bin/bash
# A prefetch the core decides for the very pages a miss is reading is not issued: the kernel reads them now, and a prefetch from the kworker would only race it.
# timeout: 300
# vm: cost 3
. "$(dirname "$0")/lib.sh"
cleanup() {
	aether_trace_off
	hook_disk_down
}
trap cleanup EXIT
plan 6
hook_disk_up 4 xfs

# first_page: a cold read of $f's first page on CPU 0, so that one CPU's core
# sees every read.
first_page() {
	drop_cache
	taskset -c 0 dd if="$f" of=/dev/null bs=4k count=1 status=none
}

# On XFS the first page comes in a large folio that carries the readahead mark,
# so each read misses page 0 and then meets the mark on it: page 0 follows page
# 0. The core on CPU 0 learns that correlation, and at the next miss of page 0
# decides to prefetch from page 0.
echo observe >/sys/kernel/aether/mode
# Kernels with readahead tracepoints (7.x) show whether the first page's mark is met
# at all: 7.2 reads a sync miss in order-0 folios, so page 0 carries no mark, never
# follows itself, and this case cannot be set up by reading it.
ra_async=$tracing/events/readahead/page_cache_async_ra
mountpoint -q "$tracing" || mount -t tracefs none "$tracing"
[ -d "$ra_async" ] && { echo >"$tracing/trace"; echo 1 >"$ra_async/enable"; }
for _ in $(seq 6); do first_page; done
if [ -d "$ra_async" ]; then
	echo 0 >"$ra_async/enable"
	ino=$(printf '%x' "$(stat -c %i "$f")")
	marks=$(grep -c "page_cache_async_ra: .* ino=$ino index=0 " "$tracing/trace")
	if [ "$marks" = 0 ]; then
		skip "Linux $(uname -r): 6 cold reads of page 0 met no mark on it (page_cache_async_ra), so page 0 never follows page 0 here"
		skip "(as above)"
		check "the reads still get the file's first page" \
			test "$(dd if="$f" bs=4k count=1 status=none | sha256sum)" = "$(head -c 4096 "$f" | sha256sum)"
		tap_done
		exit
	fi
fi
echo adaptive >/sys/kernel/aether/mode
aether_trace_on aether_decision aether_prefetch_issue
for _ in $(seq 3); do first_page; done
aether_trace_off
# This file's events only: the tools, loaded again after each drop, miss their
# own first pages too, and what they decide is not this test's to count.
file="dev=$(cat /sys/block/nullb0/dev) ino=$(stat -c %i "$f")"
decided=$(grep -c "aether_decision: $file index=0 req=[0-9]* pattern=[a-z]* action=prefetch start=0 " "$tracing/trace")
issued=$(grep -c "aether_prefetch_issue: $file index=0 " "$tracing/trace")
echo "# $file: decisions to prefetch from page 0 at its own miss: $decided; prefetches of page 0 issued: $issued"
check "the core decided to prefetch from page 0 at a miss of page 0 ($decided times)" test "$decided" -ge 1
check "no prefetch of page 0 was issued ($issued)" test "$issued" = 0
check "the reads still get the file's first page" \
	test "$(dd if="$f" bs=4k count=1 status=none | sha256sum)" = "$(head -c 4096 "$f" | sha256sum)"
tap_done
