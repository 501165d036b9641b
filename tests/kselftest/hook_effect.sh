#!/bin/bash
# In adaptive mode strided and reverse reads wait on the disk at most half as often as in observe, and every pattern reads the same bytes as with the module off.
# timeout: 600
. "$(dirname "$0")/lib.sh"
cleanup() {
	unload_aether
	slow_disk_down
}
trap cleanup EXIT

patterns=(stride:4 stride:16 reverse seq random:7)
effect=(stride:4 stride:16 reverse)
plan $((3 + ${#patterns[@]} + ${#effect[@]} + 1))

check "a slow ext4 disk (null_blk, 100 us per request)" slow_disk_up 100
f=$slow_mnt/data
check "a 128 MiB file of random bytes" dd if=/dev/urandom of="$f" bs=1M count=128 status=none
check "insmod aether.ko" insmod "$AETHER_KO"

declare -A sha misses
for mode in off observe adaptive; do
	echo "$mode" >/sys/kernel/aether/mode
	for p in "${patterns[@]}"; do
		m0=$(stat_of sync_misses)
		sha[$mode,$p]=$(cold_read "$f" "$p")
		misses[$mode,$p]=$(($(stat_of sync_misses) - m0))
	done
done

printf '  %-10s %12s %12s\n' pattern observe adaptive
for p in "${patterns[@]}"; do
	printf '  %-10s %12s %12s\n' "$p" "${misses[observe,$p]}" "${misses[adaptive,$p]}"
done
for p in "${patterns[@]}"; do
	check "$p: adaptive reads the same bytes as off" \
		test "${sha[adaptive,$p]}" = "${sha[off,$p]}" -a "${sha[observe,$p]}" = "${sha[off,$p]}"
done
for p in "${effect[@]}"; do
	check "$p: sync_misses adaptive ${misses[adaptive,$p]} <= observe ${misses[observe,$p]} / 2" \
		test $((2 * ${misses[adaptive,$p]})) -le "${misses[observe,$p]}"
done
# A vacuous pass would have nothing to halve.
check "observe counted the strided misses (${misses[observe,stride:4]} >= 1/2 of 8192 reads)" \
	test "${misses[observe,stride:4]}" -ge 4096
tap_done
