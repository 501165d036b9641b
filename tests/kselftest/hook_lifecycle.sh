#!/bin/bash
# aether.ko loads and unloads 20 times while fio reads through its hooks, half the times with an eBPF policy attached and detached, and every read completes.
# timeout: 300
# vm: first
# vm: cost 14
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2>/dev/null
	wait 2>/dev/null
	[ -d /sys/module/aether ] && bpf_unload_all
	unload_aether_wait
	slow_disk_down
}
trap cleanup EXIT
cycles=20
plan 7

check "a slow ext4 disk (null_blk, 50 us per request)" slow_disk_up 50
# Sequential, strided and random readers, so every hook and the prefetch queue are busy.
fio --name=seq --rw=read --bs=4k --filename="$slow_mnt/a" --size=32M \
	--name=stride --rw=read:12k --bs=4k --filename="$slow_mnt/b" --size=32M \
	--name=rand --rw=randread --bs=4k --filename="$slow_mnt/c" --size=32M \
	--time_based --runtime=600 --invalidate=1 --fadvise_hint=0 \
	--output-format=json --output=/tmp/fio.json >/dev/null &
fio_pid=$!
# Let fio lay out its files first, so the cycles below overlap reads.
for _ in $(seq 600); do [ -s "$slow_mnt/c" ] && [ "$(stat -c %s "$slow_mnt/c")" = 33554432 ] && break; sleep 0.1; done
check "fio is reading" kill -0 "$fio_pid"

fails=0 decided=0
for i in $(seq $cycles); do
	insmod "$AETHER_KO" || { fails=$((fails + 1)); continue; }
	echo 3 >/proc/sys/vm/drop_caches
	# Every other cycle an eBPF policy decides for a while, then is detached while
	# the readers go on; the module goes once the kernel has freed the program.
	if [ $((i % 2)) = 0 ]; then
		aether-ctl bpf load policy_next >/dev/null || fails=$((fails + 1))
		sleep 0.2
		decided=$((decided + $(stat_of policy_decisions)))
		aether-ctl bpf unload policy_next >/dev/null || fails=$((fails + 1))
	else
		sleep 0.2
	fi
	unload_aether_wait || fails=$((fails + 1))
done
check "$cycles insmod/rmmod cycles under load ($fails failed)" test $fails = 0
check "the policy program decided in its cycles ($decided decisions)" test "$decided" -gt 0
check "no aether state is left" test ! -e /sys/kernel/aether
check "fio is still reading" kill -0 "$fio_pid"
# Stopped early, fio exits non-zero by design; its report says whether any read failed.
kill -INT "$fio_pid"
wait "$fio_pid"
fio_pid=
jobs=$(grep -c '"error" :' /tmp/fio.json)
clean=$(grep -c '"error" : 0,' /tmp/fio.json)
check "all 3 fio jobs report no I/O error ($clean of $jobs clean)" test "$jobs" = 3 -a "$clean" = 3
tap_done
