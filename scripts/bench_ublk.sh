#!/usr/bin/env bash
# `make bench`, inside the VM: aether-ublk's scorecard. Numbers only: nothing here
# passes or fails.
#
# 1. Overhead: fio 4 KiB randread at QD 1/16/128 and 128 KiB seqread (QD 1), direct,
#    on one RAM-backed null_blk disk reached six ways: directly, through a loop
#    device with direct I/O, through aether-ublk without a cache (zero copy and
#    batches where the kernel's ublk offers them, e.g. 7.2), through aether-ublk with
#    a cache and adaptive prefetch, and through aether-ublk without a cache, first
#    copying each request through its own buffers (--no-zero-copy), then taking and
#    answering each request with a command of its own (--no-batch): those two against
#    the third are what zero copy and batches gain. Each run moves a fixed
#    $AETHER_BENCH_IO_MB MiB (default 64), not a fixed time: under the virtual clock
#    (make bench's) guest seconds cost many host seconds. Each figure is the median of
#    $AETHER_BENCH_ROUNDS (default 3) rounds; a round runs every way once, so a slow
#    spell of the host does not land on one way only.
# 2. Prefetch: with --latency-us (default 200, then 2000) on every backend read, cold
#    reads of a fresh device, sequential and strided, without and with the cache tier.
#    Each figure is fio's MiB/s, its ratio to no cache, then the server's median read
#    latency (from `aether-ctl ublk stats`), which shows what the cache hid even
#    where the emulator's own cost per request (several hundred us under TCG) caps fio.
#    The "warm" row reads everything once and measures the second pass: all hits,
#    no prefetch. No prefetcher can beat it, so its ratio to "no cache" is the most
#    prefetch can gain on this machine.
#
# On TCG's real clock every copy costs CPU the emulator has little of and host load
# moves the figures; make bench runs this on the virtual clock (tests/vm/run --help),
# where they compare designs on instruction cost and latency. Either way they compare
# configurations with each other; they are not what the hardware would do.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"

io_mb=${AETHER_BENCH_IO_MB:-64}
rounds=${AETHER_BENCH_ROUNDS:-3}
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

# fio_num DEV RW BS QD [SIZE [IO]]: IOPS (randread) or MiB/s (otherwise), one figure,
# for IO bytes moved within the first SIZE of DEV.
fio_num() {
	local what=$1 rw=$2 bs=$3 qd=$4 size=${5:-256M} io=${6:-${io_mb}M}
	fio --name=b --filename="$what" --allow_file_create=0 --rw="$rw" --bs="$bs" --iodepth="$qd" --size="$size" --direct=1 \
		--io_size="$io" --ioengine=io_uring --output-format=terse --terse-version=3 2>/dev/null |
		awk -F';' -v rw="$rw" '{ if (rw ~ /rand/) printf "%d", $8; else printf "%.1f", $7 / 1024 }'
}


# The five ways to the disk, as "name|setup": setup points $target at the way in,
# and teardown undoes it.
ways=("null_blk directly|via_disk" "loop, direct-io|via_loop" "aether-ublk, no cache|via_ublk"
	"aether-ublk, 64 MiB cache, adaptive|via_ublk --cache-mb 64 --policy adaptive"
	"aether-ublk, no cache, --no-zero-copy|via_ublk --no-zero-copy"
	"aether-ublk, no cache, --no-batch|via_ublk --no-batch")
via_disk() { target=$disk; }
via_loop() {
	loopdev=$(losetup --find --show --direct-io=on "$disk")
	target=$loopdev
}
via_ublk() {
	up "$@"
	target=$ublk_dev
	# What the kernel granted the no-cache way: zero copy or copying, batches or not.
	[ $# -gt 0 ] || granted=$(aether-ctl ublk list --json |
		jq -r --arg d "$ublk_dev" '.[] | select(.device == $d) | "zero copy \(.zero_copy), batch \(.batch)"')
}
granted=unknown
teardown() {
	ublk_down
	if [ -n "$loopdev" ]; then
		losetup -d "$loopdev"
		loopdev=
	fi
}

jobs=("randread 4k 1" "randread 4k 16" "randread 4k 128" "read 128k 1")
title="== aether-ublk scorecard: $(uname -r), null_blk in RAM (256 MiB used), fio io_uring direct, ${io_mb} MiB each, median of ${rounds} rounds, ${AETHER_VM_CLOCK:-real} clock"
declare -A fig
for r in $(seq "$rounds"); do
	echo "   round $r of $rounds" >&2
	for w in "${!ways[@]}"; do
		read -ra how <<<"${ways[w]#*|}"
		"${how[@]}"
		for j in "${!jobs[@]}"; do
			read -r rw bs qd <<<"${jobs[j]}"
			fig[$w,$j]+="$(fio_num "$target" "$rw" "$bs" "$qd") "
		done
		teardown
	done
done
echo "$title"
printf '%-38s %10s %10s %10s %12s\n' "" "4k QD1" "4k QD16" "4k QD128" "128k seq"
printf '%-38s %10s %10s %10s %12s\n' "" "IOPS" "IOPS" "IOPS" "MiB/s"
declare -A med
for w in "${!ways[@]}"; do
	cells=()
	for j in "${!jobs[@]}"; do
		# shellcheck disable=SC2086 # one word per round
		med[$w,$j]=$(median ${fig[$w,$j]})
		cells+=("${med[$w,$j]}")
	done
	printf '%-38s %10s %10s %10s %12s\n' "${ways[w]%%|*}" "${cells[@]}"
done
# share_of_loop WAY LABEL: the way's medians as a share of the loop device's.
share_of_loop() {
	local j cells=()
	for j in "${!jobs[@]}"; do
		cells+=("$(awk -v a="${med[$1,$j]}" -v b="${med[1,$j]}" 'BEGIN { printf "%d%%", (b > 0 ? 100 * a / b : 0) }')")
	done
	printf '%-38s %10s %10s %10s %12s\n' "$2" "${cells[@]}"
}
share_of_loop 2 "aether-ublk, no cache, share of loop"
share_of_loop 4 "--no-zero-copy, share of loop"
share_of_loop 5 "--no-batch, share of loop"
echo "(aether-ublk, no cache: $granted on $(uname -r))"
echo
bench_data ublk way "4k QD1" "4k QD16" "4k QD128" "128k seq MiB/s"
for w in "${!ways[@]}"; do
	bench_data ublk "${ways[w]%%|*}" "${med[$w,0]}" "${med[$w,1]}" "${med[$w,2]}" "${med[$w,3]}"
done

# 3. Hits under load: the cache's own cost and what serialises it. A 32 MiB working
#    set is read once into a 64 MiB cache, then two fio jobs read it at random, 4 KiB
#    at QD128 each, all hits, through 1 and then 2 queues; then one job reads it
#    sequentially, 128 KiB at QD1, through 1 queue. Each twice: with the kernel
#    copying between the server's buffers and the requests, and with --user-copy
#    (UBLK_F_USER_COPY), where a hit goes from the cache into the request with one
#    copy but every request costs a system call. Under the virtual clock the vCPUs
#    share one instruction clock, so this weighs instructions per hit, not
#    parallelism; the real clock shows how the queues scale.
echo "== cache hits: 32 MiB warm in a 64 MiB cache, 4k randread QD128 x 2 jobs and 128k seq QD1, ${io_mb} MiB each, median of ${rounds} rounds"
printf '%-38s %10s %10s %14s\n' "" "4k, 1 queue" "2 queues" "128k seq MiB/s"
declare -A hitfig
# ublk gives a device one queue per CPU at most.
hitqs=(1)
[ "$(nproc)" -ge 2 ] && hitqs+=(2)
for r in $(seq "$rounds"); do
	for copy in kernel user; do
		how=()
		[ $copy = user ] && how=(--user-copy)
		for q in "${hitqs[@]}"; do
			ublk_up "$disk" --size $((256 << 20)) --queues "$q" --depth 128 --cache-mb 64 --policy off "${how[@]}" >/dev/null
			dd if="$ublk_dev" of=/dev/null bs=1M count=32 iflag=direct status=none
			hitfig[$copy,$q]+="$(fio --name=b --filename="$ublk_dev" --allow_file_create=0 --rw=randread --bs=4k --iodepth=128 \
				--size=32M --io_size="${io_mb}M" --direct=1 --ioengine=io_uring --numjobs=2 --group_reporting \
				--output-format=terse --terse-version=3 2>/dev/null | awk -F';' '{ printf "%d", $8 }') "
			[ "$q" = 1 ] && hitfig[$copy,seq]+="$(fio_num "$ublk_dev" read 128k 1 32M) "
			ublk_down
		done
	done
done
# shellcheck disable=SC2086 # one word per round
for copy in kernel user; do
	two="n/a: 1 CPU"
	[ -n "${hitfig[$copy,2]:-}" ] && two=$(median ${hitfig[$copy,2]})
	printf '%-38s %10s %10s %14s\n' "aether-ublk, all hits, $copy copy" "$(median ${hitfig[$copy,1]})" \
		"$two" "$(median ${hitfig[$copy,seq]})"
done
echo

# median_lat ID: the bucket of the device's median read latency, as the server saw it.
median_lat() {
	aether-ctl ublk stats "$1" | awk '$1 == "read_latency_p50" { print $2 }'
}

pjobs=("read 4k" "read 128k" "read:28k 4k")
pnames=("seq 4k" "seq 128k" "stride 4k/32k")
# The plot's bars, one per cached configuration; a latency that runs fewer leaves NaN.
pbars=("64 MiB cache, adaptive" "64 MiB cache, hft" "64 MiB cache, gaming" "64 MiB cache, warm: the ceiling")
bench_data prefetch case adaptive hft gaming "warm: all hits"
base=()
for lat in "$lat_us" 2000; do
	echo "== prefetch: ${lat} us on every backend read; 32 MiB read cold from a fresh device, QD1"
	echo "   fio MiB/s, its ratio to no cache (server median read latency)"
	printf '%-46s %24s %24s %24s\n' "" "seq 4k" "seq 128k" "stride 4k/32k"
	# "name|passes|options": the figure is the last pass's.
	configs=("no cache|1|--policy off" "64 MiB cache, adaptive|1|--cache-mb 64 --policy adaptive")
	[ "$lat" = "$lat_us" ] && configs+=("64 MiB cache, hft|1|--cache-mb 64 --policy hft" "64 MiB cache, gaming|1|--cache-mb 64 --policy gaming")
	configs+=("64 MiB cache, warm: the ceiling|2|--cache-mb 64 --policy off")
	declare -A gain=()
	for cfg in "${configs[@]}"; do
		IFS='|' read -r name passes opts <<<"$cfg"
		read -ra args <<<"$opts"
		figures=()
		for j in 0 1 2; do
			read -r rw bs <<<"${pjobs[j]}"
			up --latency-us "$lat" "${args[@]}"
			for _ in $(seq "$passes"); do
				mibs=$(fio_num "$ublk_dev" "$rw" "$bs" 1 32M 32M)
			done
			# A warm pass's median would mix in the first pass's misses.
			lat_bucket=$([ "$passes" = 1 ] && median_lat "${ublk_dev#/dev/ublkb}" || echo "all hits")
			ublk_down
			[ "$name" = "no cache" ] && base[j]=$mibs
			gain[$j,$name]=$(awk -v a="$mibs" -v b="${base[j]}" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
			figures+=("$mibs ${gain[$j,$name]}x ($lat_bucket)")
		done
		printf '%-46s %24s %24s %24s\n' "aether-ublk, $name" "${figures[@]}"
	done
	echo
	for j in 0 1 2; do
		row=()
		for b in "${pbars[@]}"; do row+=("${gain[$j,$b]:-NaN}"); done
		bench_data prefetch "${pnames[j]}, ${lat} us" "${row[@]}"
	done
done
