#!/usr/bin/env bash
# Draws make bench's plots (gnuplot SVG, in `make deps`) from the tables its VM
# benchmarks left in build/bench (or DIR): readahead.tsv, ublk.tsv, prefetch.tsv,
# nbd.tsv and xrp.tsv, each written by scripts/bench.sh from the benchmarks' bench_data rows
# (tests/kselftest/lib.sh): tab-separated, the first row naming the columns. A table
# that is missing is skipped with a note; the replay's plots come from
# scripts/bench_replay.sh. Usage: bench_plot.sh [DIR].
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/bench}
command -v gnuplot >/dev/null || { echo "bench_plot: gnuplot is not installed: run make deps" >&2; exit 1; }

# draw TABLE TITLE YLABEL COMMANDS: one SVG, build/bench/TABLE.svg, from TABLE.tsv, with
# COMMANDS (gnuplot, the plot itself) after the common set-up; in them $data is the table.
draw() {
	local table=$1 title=$2 ylabel=$3 cmds=$4 data=$dir/$1.tsv
	if [ ! -s "$data" ]; then
		echo "bench_plot: no $data: skipped $table.svg" >&2
		return 0
	fi
	{
		echo "set terminal svg size 900,520 dynamic noenhanced font 'sans,12' background '#ffffff'"
		echo "set output '$dir/$table.svg'"
		echo 'set datafile separator tab'
		echo "set datafile missing 'NaN'"
		echo "set title '$title'"
		echo "set ylabel '$ylabel'"
		echo "set grid ytics"
		echo "set key outside right top"
		echo "data = '$data'"
		echo "$cmds"
	} | gnuplot
	echo "bench_plot: $dir/$table.svg"
}

# Bars grouped by the first column, one bar per further column.
bars='set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -20'

draw readahead "aether.ko: cold read throughput by pattern, times stock readahead (mode off)" \
	"x stock (log scale)" "$bars
set logscale y
set yrange [0.5:*]
plot for [i=2:*] data using (column(i) / column(2)):xtic(1) title columnhead(i)"

draw ublk "aether-ublk: 4 KiB random-read IOPS by queue depth, four ways to one null_blk disk" \
	"IOPS" "$bars
set yrange [0:*]
plot for [i=2:4] data using i:xtic(1) title columnhead(i)"

draw prefetch "aether-ublk: prefetch gain over no cache, by pattern and backend read latency" \
	"x no cache (log scale)" "$bars
set logscale y
set yrange [0.5:*]
plot for [i=2:*] data using i:xtic(1) title columnhead(i)"

draw nbd "aether-ublk over NBD: cold reads and the all-hits ceiling, times the kernel NBD client" \
	"x kernel NBD client (log scale)" "$bars
set logscale y
set yrange [0.1:*]
plot for [i=2:*] data using i:xtic(1) title columnhead(i)"

# One line per way a hop reads and device: the ratio of kernel to user lookups/s,
# the device being the first column's text. The io_uring walk needs a newer series
# than the base (io_uring_bpf_ops, Linux 7.x): its lines come from the newest
# series' table that has it, and are left out when none has.
uring_lines=
for t in $(ls "$dir"/xrp-*.tsv 2>/dev/null | sort -rV); do
	s=${t##*/xrp-}
	s=${s%.tsv}
	awk -F'\t' 'NR > 1 && $6 != "NaN" && $6 != "" { found = 1 } END { exit !found }' "$t" || continue
	uring_lines=", \\
     '$t' using (strcol(1) eq ram ? \$2 : NaN):6 every ::1 with linespoints lw 2 title 'io_uring BPF loop / O_DIRECT pread (RAM, Linux $s)', \\
     '$t' using (strcol(1) ne ram ? \$2 : NaN):6 every ::1 with linespoints lw 2 dt 2 title 'io_uring BPF loop / O_DIRECT pread (+20 us, Linux $s)'"
	break
done
draw xrp "XRP: lookups/s in the kernel (and in an io_uring BPF loop) over the same walk from user space, by tree depth" \
	"kernel / user" "set xlabel 'tree depth'
set xtics 1
set yrange [0:*]
ram = 'RAM (null_blk)'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 3
plot data using (strcol(1) eq ram ? \$2 : NaN):5 every ::1 with linespoints lw 2 title 'cached: in place / buffered pread', \\
     data using (strcol(1) eq ram ? \$2 : NaN):4 every ::1 with linespoints lw 2 title 'polled: bio_poll / IOPOLL io_uring', \\
     data using (strcol(1) eq ram ? \$2 : NaN):3 every ::1 with linespoints lw 2 title 'direct: bio / O_DIRECT pread (RAM)', \\
     data using (strcol(1) ne ram ? \$2 : NaN):3 every ::1 with linespoints lw 2 dt 2 title 'direct: bio / O_DIRECT pread (+20 us)'$uring_lines"
