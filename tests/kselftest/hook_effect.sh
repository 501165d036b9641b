#!/bin/bash
# In adaptive mode strided and reverse reads wait on the disk at most half as often as in observe, a random quarter of the blocks reads ahead no more from the disk, and every pattern reads the same bytes as with the module off.
# timeout: 600
. "$(dirname "$0")/lib.sh"
cleanup() {
	unload_aether
	slow_disk_down
}
trap cleanup EXIT

patterns=(stride:4 stride:16 reverse seq random:7:25)
effect=(stride:4 stride:16 reverse)
plan $((3 + ${#patterns[@]} + ${#effect[@]} + 2))

check "a slow ext4 disk (null_blk, 100 us per request)" slow_disk_up 100
f=$slow_mnt/data
check "a 128 MiB file of random bytes" dd if=/dev/urandom of="$f" bs=1M count=128 status=none
check "insmod aether.ko" insmod "$AETHER_KO"

# Bytes the disk read for readahead (block telemetry); the directory appeared with
# the disk's first request, long before the file was written.
ra_bytes=/sys/kernel/aether/devices/$(cat /sys/block/nullb0/dev)/readahead_bytes
declare -A sha misses ra
for mode in off observe adaptive; do
	echo "$mode" >/sys/kernel/aether/mode
	for p in "${patterns[@]}"; do
		m0=$(stat_of sync_misses) r0=$(cat "$ra_bytes")
		sha[$mode,$p]=$(cold_read "$f" "$p")
		misses[$mode,$p]=$(($(stat_of sync_misses) - m0))
		ra[$mode,$p]=$(($(cat "$ra_bytes") - r0))
	done
done

printf '  %-10s %12s %12s %14s %14s\n' pattern "misses obs" "misses adapt" "ra KiB obs" "ra KiB adapt"
for p in "${patterns[@]}"; do
	printf '  %-10s %12s %12s %14s %14s\n' "$p" "${misses[observe,$p]}" "${misses[adaptive,$p]}" \
		$((${ra[observe,$p]} >> 10)) $((${ra[adaptive,$p]} >> 10))
done
for p in "${patterns[@]}"; do
	check "$p: adaptive reads the same bytes as off" \
		test "${sha[adaptive,$p]}" = "${sha[off,$p]}" -a "${sha[observe,$p]}" = "${sha[off,$p]}"
done
for p in "${effect[@]}"; do
	check "$p: sync_misses adaptive ${misses[adaptive,$p]} <= observe ${misses[observe,$p]} / 2" \
		test $((2 * ${misses[adaptive,$p]})) -le "${misses[observe,$p]}"
done
check "random:7:25: readahead from the disk adaptive $((${ra[adaptive,random:7:25]} >> 10)) KiB <= observe $((${ra[observe,random:7:25]} >> 10)) KiB" \
	test "${ra[adaptive,random:7:25]}" -le "${ra[observe,random:7:25]}" -a "${ra[observe,random:7:25]}" -gt 0
# A vacuous pass would have nothing to halve.
check "observe counted the strided misses (${misses[observe,stride:4]} >= 1/2 of 8192 reads)" \
	test "${misses[observe,stride:4]}" -ge 4096
tap_done
