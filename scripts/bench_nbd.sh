#!/usr/bin/env bash
# `make bench`, inside the VM: aether-ublk in front of an NBD export against the
# kernel's own NBD client (nbd.ko, set up by nbd-client) on the same export. Numbers
# only: nothing here passes or fails.
#
# The export is nbdkit's memory plugin on the guest's loopback (TCP 127.0.0.1), read
# cold, direct, by fio:
# - 4 KiB and 128 KiB sequential reads, and 4 KiB reads at a 32 KiB stride, at QD1
#   and QD16, $AETHER_BENCH_NBD_MB MiB each (default 16);
# - 4 KiB random reads at QD16, a quarter of that, over 256 MiB.
# Three ways to the export: the kernel's client, aether-ublk without a cache (what
# its NBD client costs), and aether-ublk with a 64 MiB cache and adaptive prefetch.
# Every run starts a fresh device, so each is cold. A fourth row is the ceiling:
# the cached device read a second time, so that every read is a cache hit and the
# network costs nothing; no prefetcher can do better than that. Two network delays:
# - 1 ms on every read: nbdkit's delay filter (delay-read=1ms);
# - 200 us round trip: netem on the loopback, 100 us each way. nbdkit 1.32's delay
#   filter counts in whole milliseconds, and a network delays both ways anyway.
# A last table is the bound of the cold path itself: the cached device read cold from
# the same export with no delay at all, against the kernel's client at 1 ms. Under the
# virtual clock every byte's way through nbdkit, loopback TCP, libnbd and the cache
# costs guest instructions, and a delay only adds to them: no prefetcher gets a cold
# read past that ratio.
# Each figure is the median of $AETHER_BENCH_ROUNDS (default 3) rounds, with their
# min-max in a second table; a round runs every way once. make bench runs this on the virtual clock (tests/vm/run --help),
# where the delays are guest time and the emulator's own cost is counted in
# instructions.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"

io_mb=${AETHER_BENCH_NBD_MB:-16}
rounds=${AETHER_BENCH_ROUNDS:-3}
port=10809
uri=nbd://127.0.0.1:$port
kdev=/dev/nbd0
cleanup() {
	ublk_down
	nbd-client -d "$kdev" >/dev/null 2>&1 || true
	nbdkit_down KILL
	tc qdisc del dev lo root 2>/dev/null || true
}
trap cleanup EXIT
ip link set lo up
modprobe nbd nbds_max=1
modprobe sch_netem

# serve ARGS...: nbdkit's 256 MiB memory plugin on 127.0.0.1:$port, with ARGS before
# the plugin (filters) and after it (their settings) as given.
serve() {
	nbdkit_pid=
	nbdkit -i 127.0.0.1 -p "$port" --pidfile /tmp/aether-nbdkit.pid "$@" || return 1
	nbdkit_pid=$(cat /tmp/aether-nbdkit.pid)
}

# spread FIGURE...: the smallest and largest of the rounds' figures, as "MIN-MAX".
spread() {
	printf '%s\n' "$@" | sort -g | sed -n '1p;$p' | paste -sd-
}

# fio_num DEV RW BS QD SIZE IO: IOPS (randread) or MiB/s (otherwise), one figure.
fio_num() {
	fio --name=b --filename="$1" --allow_file_create=0 --rw="$2" --bs="$3" --iodepth="$4" --size="$5" \
		--io_size="$6" --direct=1 --ioengine=io_uring --output-format=terse --terse-version=3 2>/dev/null |
		awk -F';' -v rw="$2" '{ if (rw ~ /rand/) printf "%d", $8; else printf "%.2f", $7 / 1024 }'
}

# The ways to the export, as "name|setup[|warm]": setup points $target at a fresh,
# cold device, and teardown undoes it; "warm" runs the job once before the measured
# run, on the same device.
ways=("kernel NBD client (nbd.ko)|via_kernel" "aether-ublk, no cache|via_ublk --policy off"
	"aether-ublk, 64 MiB cache, adaptive|via_ublk --cache-mb 64 --policy adaptive"
	"ceiling: the same, warm (all hits)|via_ublk --cache-mb 64 --policy adaptive|warm")
via_kernel() {
	nbd-client 127.0.0.1 "$port" "$kdev" -b 4096 >/dev/null
	target=$kdev
}
via_ublk() {
	ublk_start --nbd "$uri" --queues 1 --depth 128 "$@"
	target=$ublk_dev
}
teardown() {
	ublk_down
	nbd-client -d "$kdev" >/dev/null 2>&1 || true
}

io=${io_mb}M
declare -a kernel_1ms=()
jobs=("read 4k 1 $io" "read 4k 16 $io" "read 128k 1 $io" "read 128k 16 $io" "read:28k 4k 1 $io"
	"read:28k 4k 16 $io" "randread 4k 16 $((io_mb / 4))M")
names=("seq 4k QD1" "seq 4k QD16" "seq 128k QD1" "seq 128k QD16" "stride 4k/32k QD1" "stride 4k/32k QD16"
	"rand 4k QD16")
bench_data nbd case "${ways[@]%%|*}"
for delay in 1ms 200us; do
	if [ "$delay" = 1ms ]; then
		serve --filter=delay memory 256M delay-read=1ms
	else
		tc qdisc add dev lo root netem delay 100us
		serve memory 256M
	fi
	declare -A fig=()
	for r in $(seq "$rounds"); do
		echo "   round $r of $rounds ($delay)" >&2
		for w in "${!ways[@]}"; do
			for j in "${!jobs[@]}"; do
				IFS='|' read -r _ setup warm <<<"${ways[w]}"
				read -ra how <<<"$setup"
				"${how[@]}"
				read -r rw bs qd io_size <<<"${jobs[j]}"
				[ -n "$warm" ] && fio_num "$target" "$rw" "$bs" "$qd" 256M "$io_size" >/dev/null
				fig[$w,$j]+="$(fio_num "$target" "$rw" "$bs" "$qd" 256M "$io_size") "
				teardown
			done
		done
	done
	nbdkit_down KILL
	tc qdisc del dev lo root 2>/dev/null || true

	if [ "$delay" = 1ms ]; then
		echo "== NBD: nbdkit memory export, 1 ms on every read (delay filter), cold, fio direct; median of $rounds rounds"
	else
		echo "== NBD: nbdkit memory export, 200 us round trip (netem on lo), cold, fio direct; median of $rounds rounds"
	fi
	echo "   MiB/s (rand: IOPS), and the ratio to the kernel's client"
	printf '%-38s' ""
	printf ' %18s' "${names[@]}"
	echo
	declare -A med=()
	for w in "${!ways[@]}"; do
		printf '%-38s' "${ways[w]%%|*}"
		for j in "${!jobs[@]}"; do
			# shellcheck disable=SC2086 # one word per round
			med[$w,$j]=$(median ${fig[$w,$j]})
			[ "$delay" = 1ms ] && [ "$w" = 0 ] && kernel_1ms[j]=${med[$w,$j]}
			printf ' %18s' "${med[$w,$j]} $(awk -v a="${med[$w,$j]}" -v b="${med[0,$j]}" \
				'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')"
		done
		echo
	done
	echo "   min-max of the $rounds rounds"
	for w in "${!ways[@]}"; do
		printf '%-38s' "${ways[w]%%|*}"
		for j in "${!jobs[@]}"; do
			# shellcheck disable=SC2086 # one word per round
			printf ' %18s' "$(spread ${fig[$w,$j]})"
		done
		echo
	done
	echo
	for j in "${!jobs[@]}"; do
		row=()
		for w in "${!ways[@]}"; do
			row+=("$(awk -v a="${med[$w,$j]}" -v b="${med[0,$j]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')")
		done
		bench_data nbd "${names[j]}, $delay" "${row[@]}"
	done
done

# The cold path's bound: no delay anywhere, against the kernel's client at 1 ms.
serve memory 256M
declare -A bound=()
for r in $(seq "$rounds"); do
	echo "   round $r of $rounds (no delay)" >&2
	for j in "${!jobs[@]}"; do
		via_ublk --cache-mb 64 --policy adaptive
		read -r rw bs qd io_size <<<"${jobs[j]}"
		bound[$j]+="$(fio_num "$target" "$rw" "$bs" "$qd" 256M "$io_size") "
		teardown
	done
done
nbdkit_down KILL
echo "== NBD: the cold path's bound: the 64 MiB cache, adaptive, cold, with no delay at all; median of $rounds rounds"
echo "   MiB/s (rand: IOPS), its min-max, and the ratio to the kernel's client at 1 ms: what no prefetcher exceeds at 1 ms"
for j in "${!jobs[@]}"; do
	# shellcheck disable=SC2086 # one word per round
	m=$(median ${bound[$j]})
	# shellcheck disable=SC2086 # one word per round
	printf '%-20s %10s  %-20s %s\n' "${names[j]}" "$m" "$(spread ${bound[$j]})" \
		"$(awk -v a="$m" -v b="${kernel_1ms[j]}" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')"
done
