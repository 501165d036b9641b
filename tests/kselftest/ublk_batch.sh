#!/bin/bash
# aether-ublk takes requests and answers them in batches (UBLK_F_BATCH_IO) exactly where the running kernel's ublk offers it, with zero copy and with a cache tier's copying alike, and one command per request where not or when told to; verified writes and reads come back right every way.
# timeout: 600
# vm: cost 7
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 20
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"

# The running kernel's own uapi says whether its ublk batches.
ublk_offers UBLK_F_BATCH_IO || exit 1
want=$offers

# field NAME: what aether-ctl ublk list --json says of the device's NAME.
field() {
	aether-ctl ublk list --json | jq -r --arg d "$ublk_dev" --arg f "$1" '.[] | select(.device == $d) | .[$f]'
}
# reads_back: a verify-only pass over what the first way wrote, through this way.
reads_back() {
	fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=0 --size=32M --bs=64k --direct=1 \
		--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
}

# 1. No cache: zero copy where the kernel has it, and batches. Two queues of 128, so
# that one fetch completion carries up to the kernel's 128 tags.
check "aether-ublk serves the file with no cache (2 queues of 128)" ublk_up "$ublk_work/backing" --queues 2 --depth 128
got=$(field batch)
check "ublk list --json: batch $got, as the kernel offers it ($want)" test "$got" = "$want"
ublk_fio_verify "$ublk_dev" 0 32M 4k 128
check "bs=64k: direct randwrite, QD 32, verified" \
	fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=0 --size=32M --bs=64k --direct=1 \
	--ioengine=io_uring --iodepth=32 --rw=randwrite --verify=crc32c --verify_fatal=1 --do_verify=1 --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

# 2. A cache tier: the server's own buffers, whose addresses each batched answer carries.
check "with --cache-mb 16 it serves the same file" ublk_up "$ublk_work/backing" --queues 1 --depth 64 --cache-mb 16
got=$(field batch)
check "ublk list --json: batch $got ($want), zero_copy $(field zero_copy)" test "$got" = "$want"
check "and reads back what the first way wrote" reads_back
ublk_fio_verify "$ublk_dev" 32M 16M 4k 64
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

# 3. Told not to: one command per request.
check "with --no-batch it serves the same file" ublk_up "$ublk_work/backing" --queues 1 --depth 64 --no-batch
got=$(field batch)
check "ublk list --json: batch $got" test "$got" = false
check "and reads back what the first way wrote" reads_back
check "and what the cache way wrote" \
	fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=32M --size=16M --bs=4k --direct=1 \
	--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

# 4. A stop while a batch is with the server: every request is answered or failed,
# and the server ends.
check "aether-ublk serves the file again (1 queue of 128)" ublk_up "$ublk_work/backing" --queues 1 --depth 128 --latency-us 2000
fio --name=r --filename="$ublk_dev" --allow_file_create=0 --size=32M --bs=4k --direct=1 --ioengine=io_uring \
	--iodepth=128 --rw=randread --time_based --runtime=30 --output=/dev/null >/dev/null 2>&1 &
fio_pid=$!
sleep 2
ublk_down
rc=$?
check "SIGTERM with 128 reads in flight: the server stops with status 0 (got $rc)" test "$rc" = 0
check "and fio ends within 60 s (its reads answered or failed)" timeout 60 tail --pid="$fio_pid" -f /dev/null
wait "$fio_pid" 2>/dev/null
tap_done
