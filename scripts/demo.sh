#!/usr/bin/env bash
# `make run`, inside the VM: load aether.ko, then read one file on a slow ext4 disk in
# five patterns with the module observing and then acting, and show the difference.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"
trap 'unload_aether; slow_disk_down' EXIT

lat_us=${AETHER_DEMO_LATENCY_US:-2000}
size_mb=${AETHER_DEMO_SIZE_MB:-32}

echo "== $(uname -sr) in QEMU; source tree $AETHER_ROOT"
echo "== before: aether-ctl status (module not loaded yet)"
aether-ctl status || echo "(exit status $?, as expected)"
echo
echo "== insmod $AETHER_KO"
insmod "$AETHER_KO"
dmesg | grep -E 'aether: ' | tail -n 2
aether-ctl status
echo
echo "== a slow disk: null_blk in RAM, ${lat_us} us per request, ext4, a ${size_mb} MiB file"
slow_disk_up "$lat_us"
dd if=/dev/urandom of="$slow_mnt/data" bs=1M count="$size_mb" status=none
echo
echo "== each pattern read cold, 4 KiB at a time (stride N: one block in every N)"
printf '%-10s | %-20s | %-20s\n' "" "observe" "adaptive"
printf '%-10s | %8s %11s | %8s %11s\n' pattern "MiB/s" sync_misses "MiB/s" sync_misses
for p in seq stride:2 stride:4 stride:16 reverse random:7; do
	row=$(printf '%-10s' "$p")
	for mode in observe adaptive; do
		aether-ctl set mode "$mode"
		m0=$(stat_of sync_misses)
		read -r bytes ns <<<"$(timed_cold_read "$slow_mnt/data" "$p")"
		m=$(($(stat_of sync_misses) - m0))
		row+=$(printf ' | %8s %11s' "$(awk -v b="$bytes" -v ns="$ns" 'BEGIN { printf "%.1f", b / 1048576 / (ns / 1e9) }')" "$m")
	done
	echo "$row"
done
echo "(QEMU TCG: throughput is the emulator's, sync_misses are the kernel's)"
echo
echo "== aether-ctl stats"
aether-ctl stats
echo
echo "== rmmod aether"
rmmod aether
aether-ctl status >/dev/null 2>&1 || echo "unloaded cleanly"
