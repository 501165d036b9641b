#!/bin/bash
# Without a cache, aether-ublk hands each request's pages to the backing file's reads and writes (zero copy) exactly where the running kernel's ublk offers it, and copies where not or when told to; verified writes and reads come back right both ways.
# timeout: 600
# vm: cost 6
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 13
mkdir -p "$ublk_work"
truncate -s 64M "$ublk_work/backing"
head -c 8M /dev/urandom | dd of="$ublk_work/backing" bs=1M seek=48 conv=notrunc status=none

# The running kernel's own uapi says whether its ublk has auto buffer registration.
ublk_offers UBLK_F_AUTO_BUF_REG || exit 1
want=$offers

# zero_copy: what aether-ctl ublk list --json says of the device.
zero_copy() {
	aether-ctl ublk list --json | jq -r --arg d "$ublk_dev" '.[] | select(.device == $d) | .zero_copy'
}
# served_right: the device's last 16 MiB read back (direct) equal the file's.
served_right() {
	cmp -s <(dd if="$ublk_dev" bs=1M skip=48 count=16 iflag=direct status=none) \
		<(dd if="$ublk_work/backing" bs=1M skip=48 count=16 status=none)
}

check "aether-ublk serves the file with no cache (2 queues)" ublk_up "$ublk_work/backing" --queues 2 --depth 32
got=$(zero_copy)
check "ublk list --json: zero_copy $got, as the kernel offers it ($want)" test "$got" = "$want"
check "128 KiB reads return the file's bytes" served_right
ublk_fio_verify "$ublk_dev" 0 32M 4k 32
ublk_fio_verify "$ublk_dev" 0 32M 128k 8
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0

check "with --no-zero-copy it serves the same file" ublk_up "$ublk_work/backing" --queues 2 --depth 32 --no-zero-copy
got=$(zero_copy)
check "ublk list --json: zero_copy $got" test "$got" = false
check "and reads back what the zero-copy device wrote (fio verify-only)" \
	fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=0 --size=32M --bs=128k --direct=1 \
	--rw=randwrite --verify=crc32c --verify_fatal=1 --verify_only --output=/dev/null
check "and the file's bytes" served_right
ublk_down
rc=$?
check "the server stops with status 0 (got $rc)" test "$rc" = 0
tap_done
