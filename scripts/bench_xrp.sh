#!/usr/bin/env bash
# `make bench`, inside the VM: XRP-style lookups. Numbers only: nothing here passes
# or fails. Usage: bench_xrp.sh [LOOKUPS [ROUNDS]].
#
# B+trees of depth 3 to 6 (100000 keys at fanouts 64, 24, 10 and 7) on two null_blk
# disks: one RAM-backed with no added latency, and one whose every request completes
# $AETHER_BENCH_XRP_LATENCY_US later (default 20, an NVMe-like read). For each,
# $AETHER_BENCH_XRP_LOOKUPS lookups (default 2000; half the tree's keys, half absent,
# all walking every level) run twice, interleaved, $AETHER_BENCH_ROUNDS times (default
# 3): in the kernel (one AETHER_IOC_XRP_LOOKUP each, xrp_btree attached) and from user
# space (one O_DIRECT pread per level). Each figure is the median lookups/s that
# `aether-ctl xrp get --timing` measures over its lookups alone.
#
# Under TCG a syscall and a request each cost far more CPU than on hardware, so the
# figures compare the two chains with each other; they are not what hardware would do.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"

# Arguments beat the environment (which tests/vm/run passes on for AETHER_BENCH_*).
lookups=${1:-${AETHER_BENCH_XRP_LOOKUPS:-2000}}
rounds=${2:-${AETHER_BENCH_ROUNDS:-3}}
lat_us=${AETHER_BENCH_XRP_LATENCY_US:-20}
cleanup() {
	bpf_unload_all
	unload_aether_wait
	rmmod null_blk 2>/dev/null || true
}
trap cleanup EXIT
insmod "$AETHER_KO"
aether-ctl bpf load xrp_btree >/dev/null
# nullb0: RAM, no added latency; nullb1: every request $lat_us later.
modprobe null_blk nr_devices=0
for i in 0 1; do
	d=/sys/kernel/config/nullb/nullb$i
	mkdir -p /sys/kernel/config 2>/dev/null
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	mkdir "$d"
	echo 256 >"$d/size" # MiB: the depth-6 tree takes 66
	echo 1 >"$d/memory_backed"
	echo 4096 >"$d/blocksize"
	if [ $i = 1 ]; then
		echo 2 >"$d/irqmode"
		echo $((lat_us * 1000)) >"$d/completion_nsec"
	fi
	echo 1 >"$d/power"
done

# rate DEV [--user]: lookups per second of one `aether-ctl xrp get --sample` run.
rate() {
	{ aether-ctl xrp get "$@" --sample "$lookups" --timing >/dev/null || [ $? = 1 ]; } 2>&1 |
		sed -n 's/.* \([0-9]*\) lookups\/s$/\1/p'
}

echo "== XRP: $lookups lookups per figure, median of $rounds rounds, ${AETHER_VM_CLOCK:-real} clock"
printf '%-26s %6s %12s %12s %7s\n' device depth kernel/s user/s ratio
bench_data xrp device depth kernel user
for dev in /dev/nullb0 /dev/nullb1; do
	[ $dev = /dev/nullb0 ] && name="RAM (null_blk)" || name="null_blk +${lat_us} us"
	for fanout in 64 24 10 7; do
		depth=$(aether-ctl xrp mkbtree "$dev" --keys 100000 --fanout "$fanout" --force --json |
			sed -n 's/.*"depth": \([0-9]*\).*/\1/p')
		k=() u=()
		for _ in $(seq "$rounds"); do
			k+=("$(rate "$dev")")
			u+=("$(rate "$dev" --user)")
		done
		km=$(median "${k[@]}")
		um=$(median "${u[@]}")
		printf '%-26s %6s %12s %12s %6s×\n' "$name" "$depth" "$km" "$um" \
			"$(awk -v a="$km" -v b="$um" 'BEGIN { printf "%.2f", a / b }')"
		bench_data xrp "$name" "$depth" "$km" "$um"
	done
done
for i in 0 1; do
	echo 0 >/sys/kernel/config/nullb/nullb$i/power
	rmdir /sys/kernel/config/nullb/nullb$i
done
