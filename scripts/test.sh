#!/usr/bin/env bash
# `make test`: builds everything, the Debian packages too, then runs, in order, the
# unit tests (GoogleTest under ASan/UBSan), the core header check, 30 s of each
# fuzzer with the VM harness self-check beside them, and the VM tests: the whole
# suite on each kernel series of KERNELS (default "6.12 7.2") in turn, each in one
# VM per CPU (AETHER_VM_SHARDS overrides). Every step runs even if
# an earlier one failed. Ends with the wall time and one "N passed, N failed" line
# summing all steps; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
start=$SECONDS
total_pass=0
total_fail=0
times=()

# step NAME COMMAND...: runs COMMAND, streams its output, and adds the counts from
# its last "P passed, F failed" line. A step that prints no such line but fails
# counts as one failure; one that prints none and succeeds ran nothing, which is a
# failure too.
step() {
	local name=$1 t0=$SECONDS out
	shift
	echo "==> $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	tally "$name" "$t0" "${PIPESTATUS[0]}" "$out"
}

# step_bg NAME COMMAND...: starts a step in the background, its output held back;
# step_join waits for every such step, prints its output and counts it as step
# does. For a step that leaves a CPU idle much of its time beside one that runs for
# a fixed time whatever the load: the harness check, which boots one VM at a time
# and waits out a hanging test, beside the fuzzers.
bg_names=() bg_t0s=() bg_outs=() bg_pids=()
step_bg() {
	local name=$1 out
	shift
	out=$(mktemp)
	bg_names+=("$name") bg_t0s+=("$SECONDS") bg_outs+=("$out")
	"$@" >"$out" 2>&1 &
	bg_pids+=($!)
}
step_join() {
	local i t1 rc
	for i in "${!bg_pids[@]}"; do
		wait "${bg_pids[$i]}"
		rc=$?
		t1=$SECONDS
		echo "==> ${bg_names[$i]} (ran beside the step before)"
		cat "${bg_outs[$i]}"
		tally "${bg_names[$i]}" "${bg_t0s[$i]}" "$rc" "${bg_outs[$i]}" "$t1"
	done
	bg_names=() bg_t0s=() bg_outs=() bg_pids=()
}

# tally NAME T0 STATUS OUTFILE [T1]: counts a finished step from its output (then
# removed), and records its time from T0 to T1 (default now).
tally() {
	local name=$1 t0=$2 rc=$3 out=$4 t1=${5:-$SECONDS} summary p f
	summary=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n1)
	rm -f "$out"
	if [ -n "$summary" ]; then
		p=$(sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$summary")
		f=$(sed -E 's/.*(^|: )([0-9]+) passed, ([0-9]+) failed$/\3/' <<<"$summary")
		[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	else
		echo "$name: no test summary (exit status $rc)"
		p=0
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	times+=("$name $((t1 - t0))s")
}

# The unit tests, with ctest's "N% tests passed, F tests failed out of T" turned
# into the common summary line.
unit() {
	local out rc t f
	out=$(mktemp)
	ctest --test-dir build/cmake --output-on-failure -j"$(nproc)" | tee "$out"
	rc=${PIPESTATUS[0]}
	t=$(sed -n 's/.* tests failed out of \([0-9]\+\)$/\1/p' "$out" | tail -n1)
	f=$(sed -n 's/.*, \([0-9]\+\) tests failed out of [0-9]\+$/\1/p' "$out" | tail -n1)
	rm -f "$out"
	[ -n "$t" ] && echo "unit: $((t - f)) passed, $f failed"
	return $rc
}

# The kernel series the VM tests run on: each gets its module, its harness module
# and its own run of the whole VM suite (and 6.12, the base, the harness check).
kernels=${KERNELS:-6.12 7.2}

echo "==> build"
built=1
# Each series' modules build beside user space, their output held back until it is
# done: Kbuild's link steps run on one CPU, and so do user space's last links.
# User space and the packages are one build for every series. 6.12's module is
# built whatever KERNELS says: the harness check boots 6.12.
bpids=() blogs=()
for k in $(printf '%s\n' 6.12 $kernels | awk '!seen[$0]++'); do
	blogs+=("$(mktemp)")
	make -s KERNEL="$k" module harness-module >"${blogs[-1]}" 2>&1 &
	bpids+=($!)
done
make -s user || built=0
for i in "${!bpids[@]}"; do
	wait "${bpids[$i]}" || built=0
	cat "${blogs[$i]}"
	rm -f "${blogs[$i]}"
done
[ $built = 1 ] && { make -s vm-ready deb || built=0; }
for k in $kernels; do
	[ "$k" = 6.12 ] && continue
	[ $built = 1 ] && { make -s KERNEL="$k" vm-ready || built=0; }
done
if [ $built = 0 ]; then
	echo "make test: the build failed"
	echo "make test: wall time $((SECONDS - start))s"
	echo "0 passed, 1 failed"
	exit 1
fi
times+=("build $((SECONDS - start))s")

step unit unit
step headers make -s check-headers
step_bg harness-check env AETHER_VM_NOBUILD=1 tests/harness/check
step fuzz scripts/fuzz.sh 30
step_join
# One VM per CPU, as memory allows (2 GiB each, and as much again for the host): a
# VM is one host thread, and the build that needed every CPU is done. The series
# run one after the other: 6.12's suite took 688 s in two VMs and 737 s in three,
# as TCG threads that share a CPU slow each other down.
vms=$(nproc)
mem_vms=$(($(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo) / (4 << 20)))
[ "$mem_vms" -lt "$vms" ] && vms=$mem_vms
[ "$vms" -ge 1 ] || vms=1
for k in $kernels; do
	step "vm $k" env KERNEL="$k" AETHER_VM_NOBUILD=1 AETHER_VM_SHARDS="${AETHER_VM_SHARDS:-$vms}" tests/vm/harness
done

wall=$((SECONDS - start))
echo "make test: wall time $((wall / 60))m$((wall % 60))s (${times[*]})"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
