#!/usr/bin/env bash
# `make bench`: numbers, never assertions. Prints the core's per-access cost (Google
# Benchmark, median of 5: synthetic streams, and the reads of each real trace in
# ../shared/traces replayed through the core alone); aether.ko's effect on reads from a
# slow disk in the VM (scripts/bench_readahead.sh); aether-ublk's scorecard
# (scripts/bench_ublk.sh); aether-ublk over NBD against the kernel's NBD client
# (scripts/bench_nbd.sh); XRP lookups in the kernel against user space
# (scripts/bench_xrp.sh); and the replay of every real trace, written as
# build/bench/replay.md and one plot per trace, build/bench/replay-TRACE.svg
# (scripts/bench_replay.sh, which also runs on its own without the VM).
#
# The VM benchmarks run on each kernel series of KERNELS (default "6.12 7.2"), all
# series at once, and the scorecard ends with their figures side by side
# (scripts/bench_kernels.sh); the plots draw the first series'.
#
# The VM benchmarks run on the virtual clock (AETHER_VM_CLOCK=virtual, see
# tests/vm/run --help) unless AETHER_VM_CLOCK says otherwise: under TCG's real clock
# guest CPU is 50-100x slower than hardware while device delays are real, and host
# load moves single runs by a third.
#
# Everything printed is also kept in build/bench/scorecard.md: each benchmark's table
# under the command that made it, with the date, the commit and the clock. The VM
# benchmarks' tables also arrive as data rows (bench_data in tests/kselftest/lib.sh),
# which become build/bench/TABLE.tsv and the plots beside the scorecard
# (scripts/bench_plot.sh): readahead.svg, ublk.svg, prefetch.svg, nbd.svg and xrp.svg.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
out=$top/build/bench
card=$out/scorecard.md
export AETHER_VM_CLOCK=${AETHER_VM_CLOCK:-virtual}
export AETHER_VM_NOBUILD=1
export AETHER_BENCH_DATA=1
mkdir -p "$out"
rm -f "$out"/*.tsv

commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo "unknown (not a git checkout)")
{
	echo "# Aether scorecard"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $commit"
	echo "- clock: $AETHER_VM_CLOCK for the VM benchmarks (tests/vm/run --help says what it means)"
	echo "- host: $(nproc) CPUs, $(uname -sr)"
	echo
	echo "Numbers only: nothing here passes or fails. Each section shows the command that made it."
} >"$card"

# The kernel series the VM benchmarks run on; the first is the base that the
# side-by-side table compares the others with, and whose tables the plots draw.
read -ra kernels <<<"${KERNELS:-6.12 7.2}"
steps=$((2 + 4 * ${#kernels[@]} + (${#kernels[@]} > 1)))
step=0
# collect LOG TSVSUFFIX: reads a benchmark's output. Its data rows ("@data
# TABLE<tab>...") go to build/bench/TABLE$TSVSUFFIX.tsv; its progress ("run K of N",
# "round K of N": in the VM stderr shares the console with stdout) is shown only;
# the rest is shown and kept in LOG.
collect() {
	local log=$1 suffix=$2 line rest
	while IFS= read -r line; do
		case $line in
		"@data "*)
			rest=${line#@data }
			printf '%s\n' "${rest#*$'\t'}" >>"$out/${rest%%$'\t'*}$suffix.tsv"
			;;
		*" run "[0-9]*" of "[0-9]* | *" round "[0-9]*" of "[0-9]*) printf '%s\n' "$line" ;;
		*) printf '%s\n' "$line" | tee -a "$log" ;;
		esac
	done
}

# card TITLE SHOWN LOG: adds LOG to the scorecard under TITLE, with SHOWN as the
# command that reproduces it.
card() {
	{
		echo
		echo "## $1"
		echo
		echo "\`$2\`"
		echo
		echo '```'
		cat "$3"
		echo '```'
	} >>"$card"
}

# section TITLE SHOWN COMMAND...: runs one benchmark, shows its output as it comes, and
# adds it to the scorecard under TITLE.
section() {
	local title=$1 shown=$2 log
	shift 2
	step=$((step + 1))
	echo "== [$step/$steps] $title"
	log=$(mktemp)
	"$@" | collect "$log" ""
	card "$title" "$shown" "$log"
	rm -f "$log"
	echo
}

# vm_section TITLE SCRIPT: runs a VM benchmark once on each kernel series, all at
# once: on the virtual clock a guest's figures do not depend on what else the host
# runs, so this costs one run's wall time, not one per series. Each series' output is
# shown when its run is done, and gets its own scorecard section.
vm_section() {
	local title=$1 script=$2 k dir suffix
	local -a pids=()
	dir=$(mktemp -d)
	for k in "${kernels[@]}"; do
		suffix=-$k
		[ "$k" = "${kernels[0]}" ] && suffix=
		echo "== [$((step + 1))/$steps] $title, Linux $k (running with every series at once)"
		step=$((step + 1))
		KERNEL=$k "$top/tests/vm/run" "$top/scripts/$script" 2>&1 |
			collect "$dir/$k.log" "$suffix" >"$dir/$k.shown" &
		pids+=($!)
	done
	wait "${pids[@]}" || true
	for k in "${kernels[@]}"; do
		echo "== $title, Linux $k"
		cat "$dir/$k.shown"
		card "$title, Linux $k" "KERNEL=$k AETHER_VM_CLOCK=$AETHER_VM_CLOCK tests/vm/run scripts/$script" "$dir/$k.log"
		echo
	done
	rm -rf "$dir"
}

core() {
	"$bin/aether-bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
		--benchmark_filter=. 2>&1 | grep -E '^(Benchmark|BM_.*_median|Run on|CPU|aether-bench:)' || true
}

section "core: ns per access (median of 5 runs; items_per_second is accesses/s)" \
	"build/bin/aether-bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true" core
vm_section "aether.ko in the VM: stock readahead (off) against each preset" bench_readahead.sh
vm_section "aether-ublk in the VM: scorecard against null_blk and loop, then prefetch with slow reads" bench_ublk.sh
vm_section "aether-ublk over NBD in the VM: against the kernel's NBD client, 1 ms and 200 us from the server" bench_nbd.sh
vm_section "XRP in the VM: B+tree lookups in the kernel against one pread per hop, depth 3 to 6" bench_xrp.sh
# The traces are not part of the tree: without them the replay is skipped, not failed.
traces=${AETHER_TRACES:-$top/../shared/traces}
no_traces() { echo "no traces directory $traces: the replay was skipped (set AETHER_TRACES to one)"; }
if [ -d "$traces" ]; then
	section "replay of every real trace: markdown matrix and plots (build/bench/replay*.{md,svg})" \
		"scripts/bench_replay.sh" "$top/scripts/bench_replay.sh"
else
	section "replay of every real trace: skipped" "scripts/bench_replay.sh" no_traces
fi
if [ ${#kernels[@]} -gt 1 ]; then
	step=$((step + 1))
	echo "== [$step/$steps] the VM benchmarks on each kernel series, side by side"
	log=$(mktemp)
	"$top/scripts/bench_kernels.sh" "$out" "${kernels[@]}" | tee "$log"
	{
		echo
		echo "## Kernels side by side: Linux ${kernels[*]}"
		echo
		echo "Each figure from the sections above, on each series; the last column of each is the ratio to Linux ${kernels[0]}."
		cat "$log"
	} >>"$card"
	rm -f "$log"
fi
"$top/scripts/bench_plot.sh" "$out"
{
	echo
	echo "## Plots"
	echo
	for svg in "$out"/*.svg; do
		[ -e "$svg" ] || continue
		svg=${svg##*/}
		echo "![${svg%.svg}]($svg)"
	done
} >>"$card"
echo "scorecard: $card"
