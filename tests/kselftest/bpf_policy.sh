#!/bin/bash
# While an eBPF aether_policy_ops program is attached, the readahead hook's decisions and prefetches are the program's; unloading it gives them back to the built-in core at once.
# timeout: 600
# vm: cost 4
. "$(dirname "$0")/lib.sh"
cleanup() {
	bpf_unload_all
	unload_aether_wait
	slow_disk_down
}
trap cleanup EXIT
plan 24

check "a slow ext4 disk (null_blk, 100 us per request)" slow_disk_up 100
f=$slow_mnt/data
check "a 32 MiB file of random bytes" dd if=/dev/urandom of="$f" bs=1M count=32 status=none
check "insmod aether.ko" insmod "$AETHER_KO"
echo adaptive >/sys/kernel/aether/mode

names=(sync_misses decisions policy_decisions prefetch_issued prefetch_pages queue_drops windows_grown)
declare -A before delta
# pass PATTERN: reads the file cold in PATTERN; sets $sum and ${delta[NAME]} for each counter.
pass() {
	local n
	for n in "${names[@]}"; do before[$n]=$(stat_of "$n"); done
	sum=$(cold_read "$f" "$1")
	for n in "${names[@]}"; do delta[$n]=$(($(stat_of "$n") - ${before[$n]})); done
	echo "  $1: $(for n in "${names[@]}"; do printf '%s +%s ' "$n" "${delta[$n]}"; done)"
}

pass seq
seq_sum=$sum
check "built in: a sequential read grows windows (+${delta[windows_grown]}) and no policy decides" \
	test "${delta[windows_grown]}" -gt 0 -a "${delta[policy_decisions]}" = 0

expect 0 "bpf load policy_next --set pages=4" aether-ctl bpf load policy_next --set pages=4
check "policy/ops names it" test "$(cat /sys/kernel/aether/policy/ops)" = policy_next
expect 0 "bpf list --json" aether-ctl bpf list --json
check "it shows policy_next as the policy" grep -q '"policy_ops": "policy_next"' /tmp/ctl.out

pass random:7:25
check "every decision is the policy's (${delta[policy_decisions]} of ${delta[decisions]}), and there are some" \
	test "${delta[policy_decisions]}" = "${delta[decisions]}" -a "${delta[decisions]}" -gt 0
check "each is one prefetch, queued or dropped (issued ${delta[prefetch_issued]} + dropped ${delta[queue_drops]})" \
	test $((${delta[prefetch_issued]} + ${delta[queue_drops]})) = "${delta[decisions]}"
check "each prefetch is the 4 pages the tunable set (${delta[prefetch_pages]} pages)" \
	test "${delta[prefetch_pages]}" = $((4 * ${delta[prefetch_issued]}))
decision=$(cat "/sys/kernel/aether/devices/$(cat /sys/block/nullb0/dev)/decision")
check "the disk's telemetry shows the policy's decision too ($decision)" \
	sh -c "echo '$decision' | grep -Eq '^prefetch [0-9]+ 4 50\$'"
pass seq
check "a sequential read grows no window: the policy calls every stream random" \
	test "${delta[windows_grown]}" = 0 -a "${delta[policy_decisions]}" -gt 0
check "and reads the same bytes as with the built-in core" test "$sum" = "$seq_sum"
check "policy/errors is 0" test "$(cat /sys/kernel/aether/policy/errors)" = 0

expect 1 "a second policy cannot attach beside it" aether-ctl bpf load policy_stride
check "it says another program of the type is attached" grep -q "another program of this struct_ops type" /tmp/ctl.err
check "and leaves no pin of its own" test ! -e /sys/fs/bpf/aether/policy_stride

expect 0 "bpf unload policy_next" aether-ctl bpf unload policy_next
pass seq
check "the built-in core decides again at once: windows grow (+${delta[windows_grown]}), no policy decision" \
	test "${delta[windows_grown]}" -gt 0 -a "${delta[policy_decisions]}" = 0 -a "${delta[decisions]}" -gt 0

expect 0 "bpf load policy_stride" aether-ctl bpf load policy_stride
pass stride:4
stride_sum=$sum
check "a strided read gets the stride policy's prefetches (${delta[prefetch_issued]} of ${delta[policy_decisions]} decisions)" \
	test "${delta[prefetch_issued]}" -gt 0 -a "${delta[policy_decisions]}" -gt 0
expect 0 "bpf unload policy_stride" aether-ctl bpf unload policy_stride
pass stride:4
check "the same strided read without it reads the same bytes" test "$sum" = "$stride_sum"
tap_done
