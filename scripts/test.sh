#!/usr/bin/env bash
# `make test`: builds everything, the Debian packages too, then runs, in order, the
# unit tests (GoogleTest under ASan/UBSan), the core header check, 30 s of each fuzzer, the VM harness
# self-check and the VM tests, in one VM per CPU (AETHER_VM_SHARDS overrides), once on
# each kernel series of KERNELS (default "6.12 7.2"). Every
# step runs even if an earlier one failed. Ends with the wall time and one
# "N passed, N failed" line summing all steps; exits non-zero on any failure.
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
	local name=$1 t0=$SECONDS out rc summary p f
	shift
	echo "==> $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
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
	times+=("$name $((SECONDS - t0))s")
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
make -s vm-ready harness-module deb || built=0
for k in $kernels; do
	[ "$k" = 6.12 ] && continue
	[ $built = 1 ] && { make -s KERNEL="$k" vm-ready harness-module || built=0; }
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
step fuzz scripts/fuzz.sh 30
step harness-check env AETHER_VM_NOBUILD=1 tests/harness/check
# One VM per CPU, as memory allows (2 GiB each, and as much again for the host): a
# VM is one host thread, and the build that needed every CPU is done.
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
