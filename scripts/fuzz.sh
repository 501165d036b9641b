#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS] [NAME...]
#
# Builds the libFuzzer targets in tests/fuzz/ with clang (ASan and UBSan on) into
# build/fuzz/, and runs them side by side, each for SECONDS of wall time (default
# 600, `make fuzz`; `make test` runs 30) on its corpus in build/fuzz/corpus/NAME, which grows from run to run.
# A crash leaves its input in build/fuzz/crash-NAME-*. Prints, per target, the
# executions, the coverage (edges) and the features libFuzzer reports, then one
# "P passed, F failed" line; exits non-zero if any target crashed or did not build.
#
# Targets: core (the prediction core on random streams and tunables), trace (the
# replay's trace parser) and knobs (aether-ctl's sysfs parsers).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	exit 0
fi
seconds=${1:-600}
shift || true
case $seconds in
''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$seconds' (see --help)" >&2; exit 2 ;;
esac
names=("$@")
[ ${#names[@]} = 0 ] && names=(core trace knobs)
out=build/fuzz
mkdir -p "$out"

# The sources each target links besides its own file.
declare -A sources=(
	[core]=""
	[trace]="ctl/replay/trace.cpp"
	[knobs]="ctl/sysfs/knobs.cpp ctl/sysfs/sysfs.cpp"
)
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Iinclude -Ictl)

# Seeds, so that each run starts from inputs that parse.
seed() {
	local dir=$out/corpus/$1
	mkdir -p "$dir"
	[ -n "$(ls -A "$dir")" ] && return
	case $1 in
	trace)
		printf '\001version,time,op,size,lbn\n1,5633898,28,512,42932745\n1,5633899,2a,4096,6160447\n' >"$dir/cloudphysics"
		printf '\0020,4096,R\n4096,8192,W\n# comment\n' >"$dir/generic" ;;
	knobs)
		printf '512\n' >"$dir/number"
		printf 'adaptive\n' >"$dir/mode" ;;
	core)
		head -c 4096 /dev/zero | tr '\0' '\1' >"$dir/sequential" ;;
	esac
}

# fuzz_one NAME: builds and runs target NAME, and prints its one-line verdict (and,
# after a crash, the end of its log). Exits non-zero if it crashed or did not build.
fuzz_one() {
	local n=$1 log rc execs cov ft
	# shellcheck disable=SC2086 # the sources are a list
	if ! clang++ "${flags[@]}" "tests/fuzz/${n}_fuzz.cpp" ${sources[$n]} -o "$out/$n-fuzz"; then
		echo "fuzz $n: did not build"
		return 1
	fi
	seed "$n"
	log=$out/$n.log
	"$out/$n-fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/crash-$n-" \
		"$out/corpus/$n" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
	if [ $rc = 0 ]; then
		echo "fuzz $n: ${execs:-?} executions in ${seconds}s, coverage ${cov:-?} edges, ${ft:-?} features, no crash"
		return 0
	fi
	echo "fuzz $n: FAILED (exit $rc) after ${execs:-?} executions; the end of $log:"
	tail -n 30 "$log" | sed 's/^/  /'
	return 1
}

# The targets run at once, each into its own file, so that `make test` waits
# SECONDS once rather than once per target; their verdicts print in order.
pass=0 fail=0
pids=()
for n in "${names[@]}"; do
	if [ -z "${sources[$n]+set}" ]; then
		echo "fuzz: no target '$n' (targets: ${!sources[*]})"
		fail=$((fail + 1))
		continue
	fi
	fuzz_one "$n" >"$out/$n.verdict" 2>&1 &
	pids+=("$n:$!")
done
for p in "${pids[@]}"; do
	if wait "${p#*:}"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	cat "$out/${p%%:*}.verdict"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
