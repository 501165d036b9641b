#!/usr/bin/env bash
# `make run`, inside the VM: load aether.ko, then read one file on a slow ext4 disk in
# five patterns with the module observing and then acting, and show the difference.
# Then ext4 on an aether-ublk device with slow backend reads, with its cache tier off
# and on, and `aether-ctl ublk stats` for each. Last, XRP: a B+tree looked up in the kernel
# through the xrp_btree eBPF step, and with a pread per hop.
set -euo pipefail
. "$AETHER_ROOT/tests/kselftest/lib.sh"
trap 'unload_aether; slow_disk_down; umount /mnt/ublk-demo 2>/dev/null || true; aether-ctl ublk del --all; rm -f /tmp/ublk-demo.img' EXIT

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
if [ "${AETHER_VM_CLOCK:-real}" = virtual ]; then
	echo "(virtual clock: guest instructions at 1 ns each plus the disk's delays; sync_misses are the kernel's)"
else
	echo "(QEMU TCG, real clock: throughput is the emulator's, sync_misses are the kernel's)"
fi
echo
echo "== aether-ctl stats"
aether-ctl stats
echo
echo "== rmmod aether"
rmmod aether
aether-ctl status >/dev/null 2>&1 || echo "unloaded cleanly"
echo
ublk_lat=${AETHER_DEMO_UBLK_LATENCY_US:-200}
echo "== aether-ublk: ext4 on a 256 MiB sparse file whose every read takes ${ublk_lat} us more"
echo "   (mixed: 8 writers of 4 MiB, then after drop_caches a sequential read-back and"
echo "   a 4 KiB read of every 8th block of another file); the cache off, then on"
modprobe ublk_drv
mkdir -p /mnt/ublk-demo
for cfg in "off|--policy off" "on: 64 MiB, adaptive prefetch|--cache-mb 64 --policy adaptive"; do
	read -ra args <<<"${cfg#*|}"
	rm -f /tmp/ublk-demo.img
	truncate -s 256M /tmp/ublk-demo.img
	dev=$(aether-ctl ublk add --file /tmp/ublk-demo.img --latency-us "$ublk_lat" "${args[@]}")
	# Inode tables and journal written now, not by ext4lazyinit during the timed
	# reads, whose backend it would share.
	mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "$dev"
	mount "$dev" /mnt/ublk-demo
	for w in $(seq 8); do head -c 4M /dev/urandom >/mnt/ublk-demo/f$w & done
	wait
	# Timed over the reads alone (pattern-read --time): dropping the page cache
	# drops the tools too, and loading them again over 9p takes the host's time.
	seq_ns=0
	for w in 1 2 3; do
		read -r _ ns <<<"$(timed_cold_read /mnt/ublk-demo/f$w seq)"
		seq_ns=$((seq_ns + ns))
	done
	read -r _ stride_ns <<<"$(timed_cold_read /mnt/ublk-demo/f4 stride:8)"
	echo "-- cache ${cfg%%|*}: 12 MiB read back in $((seq_ns / 1000000)) ms; every 8th block of 4 MiB in $((stride_ns / 1000000)) ms"
	umount /mnt/ublk-demo
	aether-ctl ublk stats "${dev#/dev/ublkb}"
	aether-ctl ublk del "${dev#/dev/ublkb}"
done
echo
echo "== XRP: a B+tree of 100000 keys (depth 4) on a loop device, looked up in the kernel"
echo "   (AETHER_IOC_XRP_LOOKUP with the eBPF step xrp_btree) and with a pread per hop"
insmod "$AETHER_KO"
xrp_loop_up 64M 100000 24
aether-ctl bpf load xrp_btree
aether-ctl bpf list
for how in "" --user; do
	aether-ctl xrp get $how "$xrp_dev" --sample 2000 --timing >/dev/null || true
done
echo "-- /sys/kernel/aether/xrp: lookups $(cat /sys/kernel/aether/xrp/lookups), hops $(cat /sys/kernel/aether/xrp/hops)"
xrp_cleanup
