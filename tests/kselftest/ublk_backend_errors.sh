#!/bin/bash
# With the backing store failing a range (device-mapper error target), aether-ublk gives EIO to a demand read, to reads behind prefetch fills that failed, and to a write there; once the range heals, those blocks read back the store's data, nothing stale.
# timeout: 300
# vm: cost 7
. "$(dirname "$0")/lib.sh"
loopdev=
cleanup() {
	ublk_down
	dmsetup remove aether-err 2>/dev/null
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	rm -rf "$ublk_work"
}
trap cleanup EXIT
plan 15
modprobe dm-mod
modprobe loop
mkdir -p "$ublk_work"
store=$ublk_work/store
dd if=/dev/urandom of="$store" bs=1M count=64 status=none
loopdev=$(losetup --find --show "$store")
sectors=$((64 << 11))
bad=$((32 << 11)) # the failing MiB: [32 MiB, 33 MiB)
badlen=2048
table_bad="0 $bad linear $loopdev 0
$bad $badlen error
$((bad + badlen)) $((sectors - bad - badlen)) linear $loopdev $((bad + badlen))"
check "a device-mapper disk over the store whose 33rd MiB fails every I/O" \
	sh -c "echo '$table_bad' | dmsetup create aether-err && dmsetup mknodes aether-err"
dm=/dev/mapper/aether-err
# Backend reads take 300 ms, so that the fills the stream below starts into the
# failing MiB are still in flight when the next read comes for their blocks.
check "aether-ublk serves it, with a cache, prefetch and 300 ms reads" \
	ublk_up "$dm" --cache-mb 16 --policy adaptive --latency-us 300000

first_bad=$((32 * 256))
expect 1 "a demand read inside the failing MiB fails" dd if="$ublk_dev" of=/dev/null bs=4k skip=$((first_bad + 100)) count=1 iflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err
# A sequential stream up to the failing MiB makes the prefetcher fill into it; the
# stream, going on into it, parks on such fills in flight, which fail.
check "a sequential read of the 4 MiB before it succeeds" \
	dd if="$ublk_dev" of=/dev/null bs=4k skip=$((first_bad - 1024)) count=1024 iflag=direct status=none
issued=$(ublk_stat "$ublk_dev" prefetch_issued)
check "the prefetcher read ahead ($issued blocks)" test "$issued" -gt 0
expect 1 "a sequential read across into the failing MiB fails there" \
	dd if="$ublk_dev" of=/dev/null bs=4k skip=$((first_bad - 256)) count=512 iflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err
check "reads had parked on prefetch fills that failed ($(ublk_stat "$ublk_dev" fill_error_waits) woken)" \
	test "$(ublk_stat "$ublk_dev" fill_error_waits)" -gt 0
expect 1 "a write inside the failing MiB fails" \
	dd if=/dev/zero of="$ublk_dev" bs=4k seek=$((first_bad + 200)) count=1 oflag=direct status=none
check "with EIO" grep -q "Input/output error" /tmp/ctl.err

check "the range heals (the table maps it to the store again)" \
	sh -c "echo '0 $sectors linear $loopdev 0' | dmsetup load aether-err && dmsetup resume aether-err"
# What the store holds: its bytes, read beside the device-mapper disk.
check "the blocks that failed (demand, prefetched, written) now read the store's data" \
	ublk_blocks_match "$ublk_dev" "$store" $first_bad $((first_bad + 1)) $((first_bad + 8)) $((first_bad + 100)) \
	$((first_bad + 200)) $((first_bad + 255))
check "and the whole device reads back as the store" \
	sh -c "dd if=$ublk_dev bs=1M iflag=direct status=none | cmp -s - $store"
check "the server is still alive" kill -0 "$ublk_pid"
tap_done
