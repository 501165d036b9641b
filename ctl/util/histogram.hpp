// Percentiles of bucketed histograms, the one rule aether-ctl and aether-ublk use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aether::util {

// The index of the first of @n buckets @counts at which the running count reaches
// @pct percent of the total, or -1 if the buckets count nothing. Buckets are in
// ascending order of what they measure; @pct is 0..100.
inline int percentile_index(const std::uint64_t *counts, std::size_t n, unsigned pct)
{
	std::uint64_t total = 0, seen = 0;
	for (std::size_t k = 0; k < n; k++)
		total += counts[k];
	for (std::size_t k = 0; total && k < n; k++) {
		seen += counts[k];
		if (seen * 100 >= total * pct)
			return static_cast<int>(k);
	}
	return -1;
}

} // namespace aether::util
