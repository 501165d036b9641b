#!/bin/bash
# On ext4 and on XFS, in adaptive mode strided and reverse reads wait on the disk at most half as often as in observe (or, where observe waits no more than a sequential read, at most twice as often as one), a random quarter of the blocks reads ahead no more from the disk, and every pattern reads the same bytes as with the module off.
# timeout: 900
# vm: cost 24
. "$(dirname "$0")/lib.sh"
cleanup() {
	unload_aether
	slow_disk_down
}
trap cleanup EXIT

filesystems=(ext4 xfs)
mib=64
patterns=(stride:4 stride:16 reverse seq random:7:25)
effect=(stride:4 stride:16 reverse)
plan $((${#filesystems[@]} * (4 + ${#patterns[@]} + ${#effect[@]} + 2)))

# effect_on FS: the scenarios on a fresh slow disk formatted FS, as TAP points.
effect_on() {
	local fs=$1 f mode p m0 r0 ra_bytes
	local -A sha misses ra

	check "$fs: a slow disk (null_blk, 100 us per request)" slow_disk_up 100 "$fs"
	f=$slow_mnt/data
	check "$fs: a $mib MiB file of random bytes" dd if=/dev/urandom of="$f" bs=1M count=$mib status=none
	check "$fs: insmod aether.ko" insmod "$AETHER_KO"
	# Bytes the disk read for readahead (block telemetry); the directory appeared
	# with the disk's first request, long before the file was written.
	ra_bytes=/sys/kernel/aether/devices/$(cat /sys/block/nullb0/dev)/readahead_bytes
	for mode in off observe adaptive; do
		echo "$mode" >/sys/kernel/aether/mode
		for p in "${patterns[@]}"; do
			m0=$(stat_of sync_misses) r0=$(cat "$ra_bytes")
			sha[$mode,$p]=$(cold_read "$f" "$p")
			misses[$mode,$p]=$(($(stat_of sync_misses) - m0))
			ra[$mode,$p]=$(($(cat "$ra_bytes") - r0))
		done
	done

	printf '# %s:\n#   %-10s %12s %12s %14s %14s\n' "$fs" pattern "misses obs" "misses adapt" "ra KiB obs" "ra KiB adapt"
	for p in "${patterns[@]}"; do
		printf '#   %-10s %12s %12s %14s %14s\n' "$p" "${misses[observe,$p]}" "${misses[adaptive,$p]}" \
			$((${ra[observe,$p]} >> 10)) $((${ra[adaptive,$p]} >> 10))
	done
	for p in "${patterns[@]}"; do
		check "$fs, $p: adaptive reads the same bytes as off" \
			test "${sha[adaptive,$p]}" = "${sha[off,$p]}" -a "${sha[observe,$p]}" = "${sha[off,$p]}"
	done
	# XFS's large folios make the kernel read all of stride:4's file, as it reads
	# seq: with waits as few as a sequential read's there is nothing to halve, and
	# adaptive must stay near seq's few (twice them, where observe has thousands).
	for p in "${effect[@]}"; do
		if [ "${misses[observe,$p]}" -le "${misses[observe,seq]}" ]; then
			check "$fs, $p: sync_misses adaptive ${misses[adaptive,$p]} <= 2 x seq's ${misses[adaptive,seq]} (observe ${misses[observe,$p]}, as few as seq's)" \
				test "${misses[adaptive,$p]}" -le $((2 * ${misses[adaptive,seq]}))
		else
			check "$fs, $p: sync_misses adaptive ${misses[adaptive,$p]} <= observe ${misses[observe,$p]} / 2" \
				test $((2 * ${misses[adaptive,$p]})) -le "${misses[observe,$p]}"
		fi
	done
	check "$fs, random:7:25: readahead from the disk adaptive $((${ra[adaptive,random:7:25]} >> 10)) KiB <= observe $((${ra[observe,random:7:25]} >> 10)) KiB" \
		test "${ra[adaptive,random:7:25]}" -le "${ra[observe,random:7:25]}" -a "${ra[observe,random:7:25]}" -gt 0
	# A vacuous pass would have nothing to halve.
	check "$fs: observe counted the reverse misses (${misses[observe,reverse]} >= 1/2 of $((mib << 8)) reads)" \
		test "${misses[observe,reverse]}" -ge $((mib << 7))
	check "$fs: rmmod aether and the disk" cleanup
}

for fs in "${filesystems[@]}"; do
	effect_on "$fs"
done
tap_done
