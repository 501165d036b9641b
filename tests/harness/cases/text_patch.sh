#!/bin/bash
# Control case: the VM survives the kernel's live text patching under load, which every ftrace hook relies on.
# Stock ftrace only, no aether: QEMU 7.2's multi-threaded TCG oopses on this (see tests/vm/lib.sh).
# timeout: 300
. "$AETHER_ROOT/tests/kselftest/lib.sh"
tracing=/sys/kernel/tracing
cleanup() {
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2>/dev/null
	wait 2>/dev/null
	[ -w "$tracing/current_tracer" ] && echo nop >"$tracing/current_tracer"
	[ -w "$tracing/set_ftrace_filter" ] && echo >"$tracing/set_ftrace_filter"
	slow_disk_down
}
trap cleanup EXIT
cycles=60
plan 4

check "a slow ext4 disk (null_blk, 50 us per request)" slow_disk_up 50
fio --name=seq --rw=read --bs=4k --filename="$slow_mnt/a" --size=16M \
	--name=rand --rw=randread --bs=4k --filename="$slow_mnt/b" --size=16M \
	--time_based --runtime=600 --invalidate=1 --output-format=terse >/dev/null &
fio_pid=$!
mountpoint -q "$tracing" || mount -t tracefs none "$tracing"
check "the function tracer can watch the readahead entry points" \
	sh -c "echo 'page_cache_sync_ra page_cache_async_ra' >$tracing/set_ftrace_filter"
fails=0
for _ in $(seq $cycles); do
	echo function >"$tracing/current_tracer" || fails=$((fails + 1))
	echo 3 >/proc/sys/vm/drop_caches
	sleep 0.1
	echo nop >"$tracing/current_tracer" || fails=$((fails + 1))
done
check "$cycles tracer on/off cycles ($fails writes failed)" test $fails = 0
check "fio is still reading" kill -0 "$fio_pid"
tap_done
