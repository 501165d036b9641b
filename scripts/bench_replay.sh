#!/usr/bin/env bash
# The replay's results for people, from build/bin/aether-ctl alone (no VM), so it runs
# standalone as well as from `make bench`:
# - build/bench/replay.md: the markdown matrix (`replay --markdown`) of every policy on
#   every trace in ../shared/traces, in block mode at 16M, 64M and 256M, and in object
#   mode on cloudphysics at 128M..1G (comparable with libCacheSim's published table);
# - build/bench/replay-TRACE.svg: hit % by cache size on TRACE in block mode, one line
#   per policy, from a denser sweep (4M..1G) than the table's; and
#   replay-cloudphysics-object.svg for the object sweep.
# The plots are drawn by gnuplot from `replay --json`, reshaped by jq (both in `make deps`).
# AETHER_TRACES overrides the traces directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
traces=${AETHER_TRACES:-$top/../shared/traces}
ctl=$top/build/bin/aether-ctl
out=$top/build/bench
block_table=16M,64M,256M
block_plot=4M,8M,16M,32M,64M,128M,256M,512M,1G
object_sweep=128M,256M,384M,512M,640M,768M,896M,1G
object_trace=cloudphysics.csv

die() { echo "bench_replay: $*" >&2; exit 1; }
[ -x "$ctl" ] || die "no $ctl: build it first (make user)"
[ -d "$traces" ] || die "no traces directory $traces (set AETHER_TRACES)"
for tool in gnuplot jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed: run make deps"
done
mapfile -t files < <(cd "$traces" && ls -- *.csv)
[ ${#files[@]} -gt 0 ] || die "no *.csv in $traces"
mkdir -p "$out"

# The replay runs in the traces directory, so the reports name the file, not its path.
replay() { (cd "$traces" && "$ctl" replay "$@"); }

# plot JSON SVG TITLE: draws hit % against cache size (MiB, log scale) for every policy
# in the `replay --json` output JSON. Aether's own policies (the core presets and
# linux+PRESET) are solid, the baselines they are measured against dashed.
plot() {
	local json=$1 svg=$2 title=$3 data
	data=$(mktemp)
	# The policies in the order they ran: jq's unique would sort them.
	local policies='def policies: [.results[].policy] | reduce .[] as $p ([]; if any(.[]; . == $p) then . else . + [$p] end);'
	# One gnuplot data block per policy, "MiB hit%" a line, blocks apart by two blank lines.
	jq -r "$policies"'. as $j | policies[] as $p
		| ($j.results[] | select(.policy == $p) | "\(.cache_bytes / 1048576) \(.hit_ratio * 100)"), "", ""' \
		"$json" >"$data"
	{
		echo "set terminal svg size 900,560 dynamic noenhanced font 'sans,12' background '#ffffff'"
		echo "set output '$svg'"
		echo "set title '$title'"
		echo "set xlabel 'cache size'"
		echo "set ylabel 'hit %'"
		echo "set logscale x 2"
		echo "set grid"
		echo "set key outside right top"
		# Tick labels the way the replay spells sizes (16M, 1G).
		jq -r '[.results[].cache_bytes] | unique
			| map((. / 1048576) as $m | if $m >= 1024 and $m % 1024 == 0
				then "\"\($m / 1024)G\" \($m)" else "\"\($m)M\" \($m)" end)
			| "set xtics (" + join(", ") + ")"' "$json"
		jq -r --arg data "$data" "$policies"'policies | to_entries
			| map("\"\($data)\" index \(.key) using 1:2 with linespoints title \"\(.value)\" "
				+ (if (.value | test("^(hft|gaming|adaptive|linux[+].*)$"))
					then "lw 2.5 dt 1" else "lw 1.5 dt 2" end))
			| "plot " + join(", ")' "$json"
	} | gnuplot
	rm -f "$data"
}

md=$out/replay.md
{
	echo "# Replay: hit ratio by cache size on the real traces"
	echo
	echo "Written by scripts/bench_replay.sh at $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "from the traces in ../shared/traces. Bold: the best policy that is not Aether's own"
	echo "(Aether's are the core presets hft, gaming, adaptive, and linux+PRESET)."
	for f in "${files[@]}"; do
		echo
		echo "## ${f%.csv}, block mode"
		echo
		replay "$f" --sweep "$block_table" --markdown
	done
	if [ -r "$traces/$object_trace" ]; then
		echo
		echo "## ${object_trace%.csv}, object mode (libCacheSim's semantics)"
		echo
		replay "$object_trace" --object --sweep "$object_sweep" --markdown
	fi
} >"$md.tmp"
mv "$md.tmp" "$md"
echo "bench_replay: $md"

json=$(mktemp)
trap 'rm -f "$json"' EXIT
for f in "${files[@]}"; do
	name=${f%.csv}
	replay "$f" --sweep "$block_plot" --json >"$json"
	plot "$json" "$out/replay-$name.svg" "$name: hit % by cache size (block mode, 4 KiB pages)"
	echo "bench_replay: $out/replay-$name.svg"
done
if [ -r "$traces/$object_trace" ]; then
	name=${object_trace%.csv}
	replay "$object_trace" --object --sweep "$object_sweep" --json >"$json"
	plot "$json" "$out/replay-$name-object.svg" "$name: hit % by cache size (object mode)"
	echo "bench_replay: $out/replay-$name-object.svg"
fi
