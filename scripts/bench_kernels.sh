#!/usr/bin/env bash
# Puts make bench's VM tables side by side, one kernel series beside the other:
# for each table (readahead, ublk, prefetch, nbd, xrp) that scripts/bench.sh left for
# the base series as TABLE.tsv and for another series S as TABLE-S.tsv, a markdown
# table whose rows are the benchmark's rows and whose columns are each figure on
# every series, then the other series' figure as a ratio to the base's.
# Usage: bench_kernels.sh DIR BASE SERIES...   (e.g. build/bench 6.12 7.2)
# Rows are matched by their label columns (the first, and xrp's depth too), so a row
# one series lacks shows as "-" there, not as another row's figure.
set -euo pipefail
dir=${1:?usage: bench_kernels.sh DIR BASE SERIES...}
base=${2:?usage: bench_kernels.sh DIR BASE SERIES...}
shift 2
[ $# -gt 0 ] || { echo "bench_kernels: name at least one series besides $base" >&2; exit 2; }
for t in readahead ublk prefetch nbd xrp; do
	[ -s "$dir/$t.tsv" ] || continue
	files=("$dir/$t.tsv")
	for s in "$@"; do files+=("$dir/$t-$s.tsv"); done
	echo
	echo "### $t"
	echo
	# How many leading columns label a row, not figures.
	case $t in xrp) nl=2 ;; *) nl=1 ;; esac
	awk -F'\t' -v series="$base $*" -v nl="$nl" '
	function isnum(x) { return x ~ /^-?[0-9.]+$/ }
	FNR == 1 { f++; if (f == 1) { ncol = NF; for (i = 1; i <= NF; i++) head[i] = $i }; next }
	{
		key = $1; for (i = 2; i <= nl; i++) key = key " / " $i
		if (f == 1) order[++nrow] = key
		for (i = nl + 1; i <= NF; i++) val[f, key, i] = $i
	}
	END {
		ns = split(series, s, " ")
		line = "| "; sep = "|"
		for (i = 1; i <= nl; i++) { line = line head[i] " | "; sep = sep "---|" }
		for (i = nl + 1; i <= ncol; i++)
			for (k = 1; k <= ns; k++) {
				line = line head[i] " (" s[k] ") | "; sep = sep "---:|"
				if (k > 1) { line = line s[k] "/" s[1] " | "; sep = sep "---:|" }
			}
		print line; print sep
		for (r = 1; r <= nrow; r++) {
			key = order[r]; n = split(key, lab, " / ")
			line = "| "
			for (i = 1; i <= n; i++) line = line lab[i] " | "
			for (i = n + 1; i <= ncol; i++)
				for (k = 1; k <= ns; k++) {
					v = ((k, key, i) in val) ? val[k, key, i] : "-"
					line = line v " | "
					if (k > 1) {
						b = ((1, key, i) in val) ? val[1, key, i] : ""
						line = line ((isnum(v) && isnum(b) && b + 0 != 0) ? sprintf("%.2f", v / b) : "-") " | "
					}
				}
			print line
		}
	}' "${files[@]}"
done
