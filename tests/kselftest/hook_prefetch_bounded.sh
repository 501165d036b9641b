#!/bin/bash
# A prefetch is never longer than max_window_kb, however large the reads it follows: a strided reader of 1 MiB blocks gets its stride prefetched in pieces of at most the window, and still reads the same bytes.
# timeout: 600
# vm: cost 6
. "$(dirname "$0")/lib.sh"
trap hook_disk_down EXIT
plan 7
hook_disk_up 256
echo off >/sys/kernel/aether/mode
want=$(cold_read "$f" stride:4 1024)
check "adaptive, max_window_kb 128" sh -c "echo adaptive >/sys/kernel/aether/mode &&
	echo 16 >/sys/kernel/aether/min_window_kb && echo 128 >/sys/kernel/aether/max_window_kb"

i0=$(stat_of prefetch_issued) p0=$(stat_of prefetch_pages)
got=$(cold_read "$f" stride:4 1024)
issued=$(($(stat_of prefetch_issued) - i0)) pages=$(($(stat_of prefetch_pages) - p0))
echo "# stride:4 of 1 MiB reads: $issued prefetches, $pages pages"
check "the strided 1 MiB reads were prefetched ($issued prefetches)" test "$issued" -gt 0
check "none longer than 128 KiB: $pages pages in $issued prefetches, at most 32 each" \
	test "$pages" -le $((issued * 32))
check "the reads got the same bytes as with the module off" test "$got" = "$want"
tap_done
