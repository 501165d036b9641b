#!/bin/bash
# With --user-copy (UBLK_F_USER_COPY) aether-ublk copies every request's data itself, a cache hit straight from the cache into the request: verified writes and reads come back right at 4 KiB and 128 KiB, hits are served so, and --user-copy without a cache is refused.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 11
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
head -c 16M /dev/urandom | dd of="$ublk_work/backing" bs=1M seek=48 conv=notrunc status=none

# field NAME: what aether-ctl ublk list --json says of the device's NAME.
field() {
	aether-ctl ublk list --json | jq -r --arg d "$ublk_dev" --arg f "$1" '.[] | select(.device == $d) | .[$f]'
}

check "aether-ublk serves the file with a 16 MiB cache and --user-copy (2 queues)" \
	ublk_up "$ublk_work/backing" --queues 2 --depth 32 --cache-mb 16 --user-copy
got=$(field user_copy)
check "ublk list --json: user_copy $got" test "$got" = true
ublk_fio_verify "$ublk_dev" 0 32M 4k 32
ublk_fio_verify "$ublk_dev" 0 32M 128k 8
# The file's last 16 MiB, read twice: the second pass is all hits, written from the
# cache into each request.
dd if="$ublk_dev" of=/dev/null bs=128k skip=384 count=64 iflag=direct status=none
h0=$(ublk_stat "$ublk_dev" cache_hits)
check "8 MiB read again through the cache equal the file's" \
	cmp -s <(dd if="$ublk_dev" bs=128k skip=384 count=64 iflag=direct status=none) \
	<(dd if="$ublk_work/backing" bs=128k skip=384 count=64 status=none)
h1=$(ublk_stat "$ublk_dev" cache_hits)
check "and were cache hits ($h0 -> $h1)" test "$((h1 - h0))" -ge 64
check "4 KiB reads of them equal the file's too" \
	cmp -s <(dd if="$ublk_dev" bs=4k skip=12288 count=512 iflag=direct status=none) \
	<(dd if="$ublk_work/backing" bs=4k skip=12288 count=512 status=none)
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

out=$(aether-ublk --file "$ublk_work/backing" --user-copy 2>&1)
rc=$?
check "--user-copy without --cache-mb is refused (exit $rc): $out" \
	bash -c '[ "$0" != 0 ] && grep -q -- "--cache-mb" <<<"$1"' "$rc" "$out"
tap_done
