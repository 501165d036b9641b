#!/bin/bash
# On XFS, whose large folios move the kernel's readahead mark to the folio's start, the hook still knows the kernel's own marks: a policy that calls a sequential stream random leaves the kernel's readahead alone, and adaptive still halves the waits of strided and reverse reads; every read gets the same bytes.
# timeout: 600
# vm: cost 5
. "$(dirname "$0")/lib.sh"
trap hook_disk_down EXIT
plan 11
hook_disk_up 64 xfs

# read_as LABEL PATTERN: a cold read of $f in PATTERN; records its digest, the
# waits (sync_misses) and the prefetches queued (prefetch_issued) under LABEL.
declare -A sha misses issued
read_as() {
	local m0 i0
	m0=$(stat_of sync_misses) i0=$(stat_of prefetch_issued)
	sha[$1,$2]=$(cold_read "$f" "$2")
	misses[$1,$2]=$(($(stat_of sync_misses) - m0)) issued[$1,$2]=$(($(stat_of prefetch_issued) - i0))
	echo "# $1 $2: sync_misses ${misses[$1,$2]}, prefetch_issued ${issued[$1,$2]}"
}

echo observe >/sys/kernel/aether/mode
for p in stride:4 stride:16 reverse; do read_as observe "$p"; done

echo adaptive >/sys/kernel/aether/mode
expect 0 "bpf load policy_stride" aether-ctl bpf load policy_stride
# XFS reads stride:4 as the kernel reads a sequential file: whole windows, each
# folio's mark met in turn. Taken for marks of its own, they looked like a stride.
read_as policy stride:4
check "stride:4 under it: the kernel's readahead as in observe (sync_misses ${misses[policy,stride:4]}, observe ${misses[observe,stride:4]})" \
	test "${misses[policy,stride:4]}" -le $((misses[observe,stride:4] * 2))
# Whether the kernel reads stride:4 as sequential is its own doing: 6.12 does (its
# sync readahead brings large folios, whose marks a stride of 4 meets), 7.2 does not
# (a sync miss reads order-0 folios, and the reader steps over the page its mark is
# on), so there every read waits and the reader's misses are a stride for real.
reads=$((64 * 256 / 4))
if [ "${misses[observe,stride:4]}" -lt $((reads / 2)) ]; then
	check "and the policy saw no stride to prefetch (prefetch_issued ${issued[policy,stride:4]})" \
		test "${issued[policy,stride:4]}" = 0
else
	skip "Linux $(uname -r) does not read stride:4 as sequential (observe: ${misses[observe,stride:4]} waits of $reads reads), so its misses are the reader's own stride"
fi
expect 0 "bpf unload policy_stride" aether-ctl bpf unload policy_stride

for p in stride:16 reverse; do
	read_as adaptive "$p"
	check "$p, adaptive: sync_misses ${misses[adaptive,$p]} <= observe ${misses[observe,$p]} / 2" \
		test $((2 * misses[adaptive,$p])) -le "${misses[observe,$p]}"
done
check "every read got the same bytes as in observe" test "${sha[policy,stride:4]}" = "${sha[observe,stride:4]}" \
	-a "${sha[adaptive,stride:16]}" = "${sha[observe,stride:16]}" -a "${sha[adaptive,reverse]}" = "${sha[observe,reverse]}"
# A vacuous pass would have nothing to halve.
check "observe counted the waits (reverse ${misses[observe,reverse]} >= 1/2 of 16384 reads)" \
	test "${misses[observe,reverse]}" -ge 8192
tap_done
