#!/bin/bash
# Garbage written to any aether.ko tunable is refused with EINVAL, keeps the old value, and logs nothing.
# vm: cost 6
. "$(dirname "$0")/lib.sh"
trap unload_aether EXIT

sys=/sys/kernel/aether
knobs=(enabled mode min_window_kb max_window_kb prefetch_queue_depth target_accuracy)
# Wrong for every knob: not a number or a mode name, signs, spaces, overflow, blank
# lines. (An empty write never reaches the kernel, so it is not among them.)
garbage=(" " "x" "-1" "+-3" "1 2" " 1" "0x10" "1e3" "4294967296" "99999999999999999999"
	 "adaptive2" "ADAPTIVE" "off " "3.5" $'\n\n' $'1\n2' "nan")
# Well-formed but out of range, per knob.
declare -A range=(
	[enabled]="2 10"
	[mode]="on observing 0"
	[min_window_kb]="0 2 5 65540 1000000"
	[max_window_kb]="0 3 6 65540"
	[prefetch_queue_depth]="4097 100000"
	[target_accuracy]="101 1000"
)
rounds=40
plan $((3 + ${#knobs[@]} * 3 + 3))

check "insmod aether.ko" insmod "$AETHER_KO"
dmesg_before=$(dmesg | wc -l)

# put FILE: standard input in one write(2), as a program would write it; printf
# alone may split a value at a newline into two writes, each judged on its own.
put() {
	dd of="$1" bs=4096 count=1 iflag=fullblock status=none 2>/dev/null
}

declare -A before
for k in "${knobs[@]}"; do before[$k]=$(cat "$sys/$k"); done
for k in "${knobs[@]}"; do
	accepted=()
	for v in "${garbage[@]}" ${range[$k]}; do
		if printf '%s' "$v" | put "$sys/$k"; then accepted+=("'$v'"); fi
	done
	if [ ${#accepted[@]} = 0 ]; then ok "$k refuses every malformed or out-of-range value"
	else not_ok "$k accepted ${accepted[*]}"; fi

	# Random bytes, NULs and newlines included. None can be valid: the first is
	# never a digit or a mode's first letter.
	n=0
	for i in $(seq $rounds); do
		{ printf "\\$(printf '%03o' $((RANDOM % 32)))"; head -c $((RANDOM % 24)) /dev/urandom; } >/tmp/garbage
		if put "$sys/$k" </tmp/garbage; then n=$((n + 1)); fi
	done
	check "$k refuses $rounds random byte strings ($n accepted)" test $n = 0
	check "$k still reads ${before[$k]}" test "$(cat "$sys/$k")" = "${before[$k]}"
done

# The errno is EINVAL, as the ABI promises, not some other failure.
err=$( (printf 'bogus' >"$sys/mode") 2>&1)
check "a bad write fails with EINVAL ($err)" grep -q 'Invalid argument' <<<"$err"
# min > max is refused even though each value alone is in range.
echo 64 >"$sys/max_window_kb"
check "min_window_kb above max_window_kb is refused" \
	bash -c "! echo 128 >$sys/min_window_kb 2>/dev/null && test \$(cat $sys/min_window_kb) = ${before[min_window_kb]}"
echo "${before[max_window_kb]}" >"$sys/max_window_kb"

new=$(dmesg | tail -n +$((dmesg_before + 1)))
[ -n "$new" ] && echo "$new" | sed 's/^/  dmesg: /'
check "nothing was logged" test -z "$new"
perms=$(stat -c '%a' "${knobs[@]/#/$sys/}" | sort -u)
check "every tunable is root's alone (mode $perms)" test "$perms" = 600
check "rmmod aether" rmmod aether
tap_done
