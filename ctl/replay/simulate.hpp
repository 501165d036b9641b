// The replay's simulators: replay a trace through an LRU cache with a prefetcher, in
// block (page cache) or object (libCacheSim) mode, and count how well it did.
#pragma once

#include <vector>

#include "replay/prefetcher.hpp"
#include "replay/trace.hpp"

namespace aether::ctl {

// Counts of one simulation; "units" are pages in block mode and objects in object mode.
struct Metrics {
	u64 demand_units = 0;     // pages read (block) or requests (object)
	u64 hits = 0;             // of those, found in the cache
	u64 demand_misses = 0;    // of those, not found
	u64 prefetch_hits = 0;    // hits on prefetched units not used before
	u64 prefetched_units = 0; // units inserted by prefetch
	u64 prefetch_wasted = 0;  // prefetched units evicted or overwritten unused
	u64 prefetched_bytes = 0;
	u64 demand_bytes = 0;

	double hit_ratio() const;
	double accuracy() const; // prefetch_hits / prefetched_units
	double coverage() const; // prefetch_hits / (prefetch_hits + demand_misses)
};

// Replays @requests through an LRU cache of @cache_bytes, starting empty, with
// @prefetcher prefetching. Block mode: every request in pages; reads demand theirs and
// go to the prefetcher, writes only bring theirs into the cache. Object mode: every
// request is a get of object id = start LBN sized by the request, and goes to the
// prefetcher in sectors; a Fetch::kRange range longer than the request is one entry
// that serves the requests inside it, and any other range is one object. Before each
// access() the prefetcher is told the access's outcome (demanded()) and every
// prefetched unit evicted unused since the last (evicted_unused()). Throws
// std::length_error past 2^32 - 1 cached entries.
Metrics simulate(const std::vector<Request> &requests, SimMode mode, u64 cache_bytes,
		 Prefetcher &prefetcher);

} // namespace aether::ctl
