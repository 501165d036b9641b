#!/usr/bin/env bash
# `make bench`, inside the VM: aether-ublk's scorecard. Numbers only: nothing here
# passes or fails.
#
# 1. Overhead: fio 4 KiB randread at QD 1/16/128 and 128 KiB seqread (QD 1), direct,
#    on one RAM-backed null_blk disk reached four ways: directly, through a loop
#    device with direct I/O, through aether-ublk without a cache, and through
#    aether-ublk with a cache and adaptive prefetch.
# 2. Prefetch: with --latency-us (default 200, then 2000) on every backend read, cold
#    reads of a fresh device, sequential and strided, without and with the cache tier.
#    Each figure is fio's MiB/s, then the server's median read latency (from
#    `aether-ctl ublk stats`), which shows what the cache hid even where the
#    emulator's own cost per request (several hundred us under TCG) caps fio.
#
# Under TCG every copy costs CPU the emulator has little of, so these figures compare
# configurations with each other; they are not what the hardware would do.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"

runtime=${AETHER_BENCH_RUNTIME:-5}
lat_us=${AETHER_BENCH_UBLK_LATENCY_US:-200}
loopdev=
cleanup() {
	ublk_down
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	rmmod null_blk 2>/dev/null || true
}
trap cleanup EXIT
modprobe loop
modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 bs=4096
disk=/dev/nullb0
dd if=/dev/urandom of="$disk" bs=1M count=256 oflag=direct status=none

# up ARGS...: aether-ublk over the disk's first 256 MiB (lib.sh's ublk_up sets
# $ublk_dev and $ublk_pid); ublk_down stops it.
up() { ublk_up "$disk" --size $((256 << 20)) --queues 1 --depth 128 "$@"; }

# fio_num DEV RW BS QD [SIZE]: IOPS (randread) or MiB/s (otherwise), one figure.
fio_num() {
	local what=$1 rw=$2 bs=$3 qd=$4 size=${5:-256M} extra=()
	[ "${FIO_TIMED:-1}" = 1 ] && extra=(--time_based --runtime="$runtime")
	fio --name=b --filename="$what" --rw="$rw" --bs="$bs" --iodepth="$qd" --size="$size" --direct=1 \
		--ioengine=io_uring --output-format=terse --terse-version=3 "${extra[@]}" 2>/dev/null |
		awk -F';' -v rw="$rw" '{ if (rw ~ /rand/) printf "%d", $8; else printf "%.1f", $7 / 1024 }'
}

row() {
	local name=$1 what=$2
	printf '%-34s %10s %10s %10s %12s\n' "$name" "$(fio_num "$what" randread 4k 1)" \
		"$(fio_num "$what" randread 4k 16)" "$(fio_num "$what" randread 4k 128)" "$(fio_num "$what" read 128k 1)"
}

echo "== aether-ublk scorecard: $(uname -r), null_blk in RAM (256 MiB used), fio io_uring direct, ${runtime} s each"
printf '%-34s %10s %10s %10s %12s\n' "" "4k QD1" "4k QD16" "4k QD128" "128k seq"
printf '%-34s %10s %10s %10s %12s\n' "" "IOPS" "IOPS" "IOPS" "MiB/s"
row "null_blk directly" "$disk"
loopdev=$(losetup --find --show --direct-io=on "$disk")
row "loop, direct-io" "$loopdev"
losetup -d "$loopdev"
loopdev=
up
row "aether-ublk, no cache" "$ublk_dev"
ublk_down
up --cache-mb 64 --policy adaptive
row "aether-ublk, 64 MiB cache, adaptive" "$ublk_dev"
ublk_down
echo

# median_lat ID: the bucket of the device's median read latency, as the server saw it.
median_lat() {
	aether-ctl ublk stats "$1" | awk '$1 == "read_latency_p50" { print $2 }'
}

for lat in "$lat_us" 2000; do
	echo "== prefetch: ${lat} us on every backend read; 32 MiB read cold from a fresh device, QD1"
	echo "   fio MiB/s (server median read latency)"
	printf '%-34s %20s %20s %20s\n' "" "seq 4k" "seq 128k" "stride 4k/32k"
	configs=("no cache|--policy off" "64 MiB cache, adaptive|--cache-mb 64 --policy adaptive")
	[ "$lat" = "$lat_us" ] && configs+=("64 MiB cache, hft|--cache-mb 64 --policy hft" "64 MiB cache, gaming|--cache-mb 64 --policy gaming")
	for cfg in "${configs[@]}"; do
		name=${cfg%%|*}
		read -ra args <<<"${cfg#*|}"
		figures=()
		for job in "read 4k" "read 128k" "read:28k 4k"; do
			read -r rw bs <<<"$job"
			up --latency-us "$lat" "${args[@]}"
			mibs=$(FIO_TIMED=0 fio_num "$ublk_dev" "$rw" "$bs" 1 32M)
			figures+=("$mibs ($(median_lat "${ublk_dev#/dev/ublkb}"))")
			ublk_down
		done
		printf '%-34s %20s %20s %20s\n' "aether-ublk, $name" "${figures[@]}"
	done
	echo
done
