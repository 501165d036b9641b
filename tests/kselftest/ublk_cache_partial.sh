#!/bin/bash
# aether-ublk's cache serves direct reads that are not aligned to its 4 KiB blocks, and a read it holds half of reads only the other half from the backend, bit for bit.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap 'ublk_cleanup; rm -f /tmp/partial.src /tmp/partial.got' EXIT
work=$ublk_work
plan 9
mkdir -p "$work"
truncate -s 64M "$work/backing"
# Prefetch off: what the cache holds is exactly what was written through it.
check "aether-ublk serves a 64 MiB sparse file with a 16 MiB cache, prefetch off" \
	ublk_up "$work/backing" --cache-mb 16 --policy off
head -c 1M /dev/urandom >/tmp/partial.src
check "1 MiB written with O_DIRECT, through the cache" \
	dd if=/tmp/partial.src of="$ublk_dev" bs=64K oflag=direct status=none

# read_at OFFSET BYTES: an O_DIRECT read of the device, compared with what was
# written there (zeroes past 1 MiB); prints the backend bytes it cost.
read_at() {
	local off=$1 bytes=$2 before
	before=$(ublk_stat "$ublk_dev" backend_read_bytes)
	dd if="$ublk_dev" of=/tmp/partial.got bs="$bytes" count=1 skip="$off" iflag=direct,skip_bytes status=none || return 1
	{ cat /tmp/partial.src; head -c $((off + bytes)) /dev/zero; } | tail -c +$((off + 1)) | head -c "$bytes" |
		cmp -s - /tmp/partial.got || { echo "  data differs at $off+$bytes" >&2; return 1; }
	echo $(($(ublk_stat "$ublk_dev" backend_read_bytes) - before))
}

hits0=$(ublk_stat "$ublk_dev" cache_hits)
cost=$(read_at 512 65536) && check "64 KiB at 512 bytes in: right data, from the cache (backend bytes: $cost)" test "$cost" = 0 ||
	not_ok "64 KiB at 512 bytes in"
cost=$(read_at 5120 4096) && check "4 KiB at 5 KiB: right data, from the cache (backend bytes: $cost)" test "$cost" = 0 ||
	not_ok "4 KiB at 5 KiB"
cost=$(read_at 1047552 1024) && check "the last KiB written: right data, from the cache (backend bytes: $cost)" test "$cost" = 0 ||
	not_ok "the last KiB written"
hits=$(($(ublk_stat "$ublk_dev" cache_hits) - hits0))
check "all three counted as cache hits (got $hits)" test "$hits" = 3
# 2 KiB on each side of the end of what was written: the first half is cached.
cost=$(read_at $((1048576 - 2048)) 4096) &&
	check "a read half in the cache: right data, 2048 backend bytes for the other half (got $cost)" test "$cost" = 2048 ||
	not_ok "a read half in the cache"
cost=$(read_at $((1048576 + 8192)) 8192) && check "a read of nothing cached goes whole to the backend (got $cost)" test "$cost" = 8192 ||
	not_ok "a read of nothing cached"
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
