#!/usr/bin/env bash
# `make bench`, inside the VM: cold reads of one file on ext4 over a slow disk
# (null_blk in RAM, AETHER_BENCH_LATENCY_US per request, default 2000) in six
# patterns, with stock readahead (mode off) and with each preset acting. Prints
# throughput and, from the block telemetry, readahead pages the disk read that the
# pattern never asked for. Numbers only: nothing here passes or fails.
#
# Throughput is pattern-read's own clock over its reads (not the process start,
# which under TCG costs as much as a fast pattern), and each figure is the median
# of AETHER_BENCH_RUNS (default 3) runs, interleaved so that a slow spell of the
# emulator hits every mode alike.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"
trap 'unload_aether; slow_disk_down' EXIT

lat_us=${AETHER_BENCH_LATENCY_US:-2000}
size_mb=${AETHER_BENCH_SIZE_MB:-32}
runs=${AETHER_BENCH_RUNS:-3}
modes=(off hft gaming adaptive)
patterns=(seq stride:2 stride:4 stride:16 reverse random:7:25)

insmod "$AETHER_KO"
slow_disk_up "$lat_us"
f=$slow_mnt/data
dd if=/dev/urandom of="$f" bs=1M count="$size_mb" status=none
ra_bytes=/sys/kernel/aether/devices/$(cat /sys/block/nullb0/dev)/readahead_bytes
echo "== $(uname -r), ext4 on null_blk with ${lat_us} us per request, a ${size_mb} MiB file read cold 4 KiB at a time"
echo "   (stride:N reads one block in N; random:7:25 reads a seeded quarter of the blocks once each)"
echo "   median of $runs runs per figure, ${AETHER_VM_CLOCK:-real} clock"

declare -A kib_s wasted
for ((r = 1; r <= runs; r++)); do
	echo "   run $r of $runs" >&2
	for p in "${patterns[@]}"; do
		for m in "${modes[@]}"; do
			aether-ctl set mode "$m"
			r0=$(cat "$ra_bytes")
			read -r bytes ns <<<"$(timed_cold_read "$f" "$p")"
			ra=$(($(cat "$ra_bytes") - r0))
			kib_s[$p,$m]+=" $((bytes * 1000000000 / 1024 / ns))"
			# Every page a buffered ext4 read fetches goes through readahead, so
			# what the disk read ahead beyond the bytes asked for was never used.
			w=$(((ra - bytes) / 4096))
			wasted[$p,$m]+=" $((w < 0 ? 0 : w))"
		done
	done
done
for k in "${!kib_s[@]}"; do
	# shellcheck disable=SC2086 # the runs are a word list
	kib_s[$k]=$(median ${kib_s[$k]})
	# shellcheck disable=SC2086
	wasted[$k]=$(median ${wasted[$k]})
done

# table TITLE WIDTH CELL: a row per pattern and a column per mode, each cell
# printed by `CELL PATTERN MODE` in WIDTH columns.
table() {
	local p m
	echo
	echo "== $1"
	printf '%-12s' pattern
	for m in "${modes[@]}"; do printf " %${2}s" "$m"; done
	echo
	for p in "${patterns[@]}"; do
		printf '%-12s' "$p"
		for m in "${modes[@]}"; do printf " %${2}s" "$("$3" "$p" "$m")"; done
		echo
	done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
speed() { echo "${kib_s[$1,$2]} ($(ratio "${kib_s[$1,$2]}" "${kib_s[$1,off]}"))"; }
waste() { echo "${wasted[$1,$2]}"; }
table "throughput, KiB/s (and x stock)" 18 speed
table "readahead pages read from the disk but never asked for" 10 waste
bench_data readahead pattern "${modes[@]}"
for p in "${patterns[@]}"; do
	row=()
	for m in "${modes[@]}"; do row+=("${kib_s[$p,$m]}"); done
	bench_data readahead "$p" "${row[@]}"
done
echo "(QEMU TCG, ${AETHER_VM_CLOCK:-real} clock: throughput is guest time's; page counts are the kernel's)"
