#!/bin/bash
# kill -9 of a cached aether-ublk server added with --no-recovery during fio: the kernel stays clean, I/O fails, the device goes away, and data written and flushed before the kill is intact.
# timeout: 300
. "$(dirname "$0")/lib.sh"
trap ublk_cleanup EXIT
plan 7
mkdir -p "$ublk_work"
truncate -s 128M "$ublk_work/backing"
check "aether-ublk --no-recovery serves a 128 MiB file with a 16 MiB cache" \
	ublk_up "$ublk_work/backing" --queues 2 --depth 64 --cache-mb 16 --policy gaming --no-recovery
id=${ublk_dev#/dev/ublkb}
head -c 16M /dev/urandom >"$ublk_work/pattern"
check "16 MiB written direct and flushed (fsync) before the kill" \
	dd if="$ublk_work/pattern" of="$ublk_dev" bs=1M oflag=direct conv=fsync status=none
# allow_file_create=0: if the device went away first, fio must fail, not make a
# regular file at its path and pass.
writes0=$(ublk_stat "$ublk_dev" writes)
fio --name=w --filename="$ublk_dev" --allow_file_create=0 --offset=32M --size=96M --bs=16k --direct=1 \
	--ioengine=io_uring --iodepth=32 --rw=randrw --time_based --runtime=60 --output=/dev/null 2>/dev/null &
fio_pid=$!
# Kill only once fio's I/O reaches the server, however slowly the emulator starts fio.
ublk_await_writes "$ublk_dev" $((writes0 + 64))
kill -9 "$ublk_pid"
wait "$ublk_pid" 2>/dev/null
ublk_pid=
wait "$fio_pid"
rc=$?
check "fio's I/O failed once the server died (fio exit $rc)" test "$rc" != 0
for _ in $(seq 100); do [ -e "$ublk_dev" ] || break; sleep 0.1; done
check "the device went away" test ! -e "$ublk_dev"
check "aether-ctl ublk list reports the server dead" sh -c "aether-ctl ublk list | grep -Eq '^$ublk_dev +[0-9]+ +dead '"
check "aether-ctl ublk del $id removes what is left" \
	sh -c "aether-ctl ublk del $id && [ ! -e /dev/ublkc$id ] && [ ! -e /run/aether/ublk$id.stats ]"
check "the flushed 16 MiB are intact in the backing file" cmp -n 16777216 "$ublk_work/pattern" "$ublk_work/backing"
tap_done
