#!/bin/bash
# A prefetch the core decides for the very pages a miss is reading is not issued: the kernel reads them now, and a prefetch from the kworker would only race it.
# timeout: 300
. "$(dirname "$0")/lib.sh"
tracing=/sys/kernel/tracing
event=$tracing/events/aether/aether_decision
cleanup() {
	[ -w "$event/enable" ] && echo 0 >"$event/enable"
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
# decides to prefetch page 0.
echo observe >/sys/kernel/aether/mode
for _ in $(seq 6); do first_page; done
echo adaptive >/sys/kernel/aether/mode
echo >"$tracing/trace"
echo 1 >"$event/enable"
i0=$(stat_of prefetch_issued)
for _ in $(seq 3); do first_page; done
issued=$(($(stat_of prefetch_issued) - i0))
echo 0 >"$event/enable"
decided=$(grep -c "index=0 req=1 pattern=[a-z]* action=prefetch start=0 length=1 " "$tracing/trace")
echo "# decisions to prefetch page 0 at its own miss: $decided; prefetches issued: $issued"
check "the core decided to prefetch page 0 at a miss of page 0 ($decided times)" test "$decided" -ge 1
check "no prefetch was issued for it ($issued)" test "$issued" = 0
check "the reads still get the file's first page" \
	test "$(dd if="$f" bs=4k count=1 status=none | sha256sum)" = "$(head -c 4096 "$f" | sha256sum)"
tap_done
