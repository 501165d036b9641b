#!/bin/bash
# aether-ublk over NBD survives the server's restart: nbdkit killed during fio verify and restarted within --io-timeout, fio finishes and verifies; killed for longer, reads get EIO, and once it is back the device reads again.
# timeout: 900
# vm: cost 6
. "$(dirname "$0")/lib.sh"
work=$ublk_work
sock=$work/nbd.sock
nbdkit_pid=
# nbdkit_up: nbdkit serving $work/disk.img (the file plugin: what it acknowledged
# outlives it) on $sock.
nbdkit_up() {
	rm -f "$sock"
	nbdkit --unix "$sock" --pidfile "$work/nbdkit.pid" file "$work/disk.img" || return 1
	nbdkit_pid=$(cat "$work/nbdkit.pid")
}
# nbdkit_crash: kill -9, as a crash or a lost network would end it.
nbdkit_crash() {
	[ -n "$nbdkit_pid" ] || return 0
	kill -KILL "$nbdkit_pid" 2>/dev/null
	while kill -0 "$nbdkit_pid" 2>/dev/null; do sleep 0.1; done
	nbdkit_pid=
}
cleanup() {
	ublk_cleanup
	nbdkit_crash
	rm -rf "$work"
}
trap cleanup EXIT

plan 13
mkdir -p "$work"
truncate -s 256M "$work/disk.img"
uri="nbd+unix:///?socket=$sock"
check "nbdkit serves a 256 MiB file" nbdkit_up
check "aether-ublk serves it with 2 queues, a 32 MiB cache and adaptive prefetch" \
	ublk_start --nbd "$uri" --queues 2 --depth 64 --cache-mb 32 --policy adaptive --io-timeout 60

where=(--filename="$ublk_dev" --allow_file_create=0 --size=64M --bs=4k)
fio --name=w "${where[@]}" --direct=1 --ioengine=io_uring --iodepth=32 --rw=randwrite \
	--verify=crc32c --verify_fatal=1 --do_verify=1 --output="$work/fio.out" &
fio_pid=$!
sleep 3
check "nbdkit is killed while fio writes" nbdkit_crash
sleep 3
check "and started again 3 s later" nbdkit_up
wait "$fio_pid"
rc=$?
grep -E "err=|IOPS" "$work/fio.out" | sed 's/^/# /'
check "fio finishes with no error and every block verifies (exit $rc)" test "$rc" = 0
echo 3 >/proc/sys/vm/drop_caches
check "a buffered verify-only pass after drop_caches" \
	fio --name=w "${where[@]}" --direct=0 --ioengine=psync --rw=randwrite \
	--verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

# Down for longer than the timeout: the application gets EIO, and the device lives on.
check "aether-ublk serves it again, with a 3 s I/O timeout and no cache" \
	ublk_start --nbd "$uri" --io-timeout 3
nbdkit_crash
ublk_read_fails_eio "$ublk_dev" 1000 "with nbdkit gone for longer, a read fails with an I/O error"
check "nbdkit is started again" nbdkit_up
# Past the timeout, reads fail at once until the next attempt to connect, at most the
# 2 s backoff later, succeeds.
reads_again() {
	local i
	for i in $(seq 30); do
		dd if="$ublk_dev" of=/dev/null bs=4k count=1 skip=2000 iflag=direct status=none 2>/dev/null && return 0
		sleep 1
	done
	return 1
}
check "and the device reads again within 30 s" reads_again
check "what fio wrote reads back through it" \
	fio --name=w "${where[@]}" --direct=1 --ioengine=psync --rw=randwrite \
	--verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
