#!/usr/bin/env bash
# `make bench`: numbers, never assertions. Prints the core's per-access cost (Google
# Benchmark, median of 5); aether.ko's effect on reads from a slow disk in the VM
# (scripts/bench_readahead.sh); aether-ublk's scorecard (scripts/bench_ublk.sh); XRP lookups in the kernel against
# user space (scripts/bench_xrp.sh); and the replay tables on the real CloudPhysics
# trace: object mode (comparable with libCacheSim's published LRU/Mithril/OBL/PG
# table in ../shared/traces/README.md) at 128M..1G, and block mode for every policy.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
trace=${AETHER_TRACE:-$top/../shared/traces/cloudphysics.csv}
bin=$top/build/bin

echo "== core: ns per access (median of 5 runs; items_per_second is accesses/s)"
"$bin/aether-bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
	--benchmark_filter=. 2>&1 | grep -E '^(Benchmark|BM_.*_median|Run on|CPU)' || true
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

if [ ! -r "$trace" ]; then
	echo "make bench: no trace at $trace (set AETHER_TRACE); skipping the replay tables" >&2
	exit 0
fi
echo "== replay, object mode (libCacheSim semantics), $(basename "$trace")"
"$bin/aether-ctl" replay "$trace" --object --sweep 128M,256M,384M,512M,640M,768M,896M,1G
echo
echo "== replay, block mode (4 KiB pages), $(basename "$trace")"
"$bin/aether-ctl" replay "$trace" --sweep 128M,256M,512M,1G
