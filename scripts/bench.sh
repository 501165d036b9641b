#!/usr/bin/env bash
# `make bench`: numbers, never assertions. Prints the core's per-access cost (Google
# Benchmark, median of 5: synthetic streams, and the reads of each real trace in
# ../shared/traces replayed through the core alone); aether.ko's effect on reads from a
# slow disk in the VM (scripts/bench_readahead.sh); aether-ublk's scorecard
# (scripts/bench_ublk.sh); XRP lookups in the kernel against user space
# (scripts/bench_xrp.sh); and the replay of every real trace, written as
# build/bench/replay.md and one plot per trace, build/bench/replay-TRACE.svg
# (scripts/bench_replay.sh, which also runs on its own without the VM).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin

echo "== core: ns per access (median of 5 runs; items_per_second is accesses/s)"
"$bin/aether-bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
	--benchmark_filter=. 2>&1 | grep -E '^(Benchmark|BM_.*_median|Run on|CPU|aether-bench:)' || true
echo

echo "== aether.ko in the VM: stock readahead (off) against each preset (about 4 minutes)"
AETHER_VM_NOBUILD=1 "$top/tests/vm/run" "$top/scripts/bench_readahead.sh"
echo

echo "== aether-ublk in the VM: scorecard against null_blk and loop, then prefetch with slow reads (about 4 minutes)"
AETHER_VM_NOBUILD=1 "$top/tests/vm/run" "$top/scripts/bench_ublk.sh"
echo

echo "== XRP in the VM: B+tree lookups in the kernel against one pread per hop, depth 3 to 6 (about 4 minutes)"
AETHER_VM_NOBUILD=1 "$top/tests/vm/run" "$top/scripts/bench_xrp.sh"
echo

echo "== replay of every real trace: markdown matrix and plots (about a minute)"
"$top/scripts/bench_replay.sh"
