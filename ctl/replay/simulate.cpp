// The replay's simulators: a trace through an LRU cache with a prefetcher, in
// block (page cache) or object (libCacheSim) mode, and the metrics they count.
#include "replay/simulate.hpp"

#include <algorithm>

#include "replay/arith.hpp"
#include "replay/cache.hpp"

namespace aether::ctl {

namespace {

using arith::clamp_u32;
using arith::kU64Max;
using arith::sat_add;

// One demand access of @key: counts it as a hit, a prefetch hit or a miss (which
// brings @bytes in), as both simulation modes do, and returns whether it missed.
Outcome demand(LruCache &cache, Metrics &m, u64 key, u64 bytes)
{
	switch (cache.get(key)) {
	case LruCache::Lookup::kMiss:
		m.demand_misses++;
		cache.put(key, bytes, LruCache::Origin::kDemand);
		return Outcome::kMiss;
	case LruCache::Lookup::kPrefetchHit:
		m.prefetch_hits++;
		m.hits++;
		break;
	case LruCache::Lookup::kHit:
		m.hits++;
		break;
	}
	return Outcome::kHit;
}

// Tells @prefetcher which of its prefetches the cache evicted unused since last time.
void report_waste(LruCache &cache, Prefetcher &prefetcher)
{
	for (const u64 key : cache.evicted_unused())
		prefetcher.evicted_unused(key);
	cache.clear_evicted_unused();
}

double ratio(u64 num, u64 den)
{
	return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

// Block mode: every request in pages; reads demand theirs and drive the prefetcher,
// writes only bring theirs into the cache.
Metrics simulate_block(const std::vector<Request> &requests, u64 cache_bytes, Prefetcher &prefetcher)
{
	LruCache cache(cache_bytes);
	// A prefetch larger than the cache would only evict itself.
	const u64 max_prefetch = std::max<u64>(1, cache_bytes / kPageBytes);
	Metrics m;
	std::vector<Range> out;
	for (const Request &r : requests) {
		const u64 first = r.offset / kPageBytes;
		const u64 end_byte = r.offset + r.length; // the reader checked it fits
		const u64 last = end_byte / kPageBytes + (end_byte % kPageBytes != 0);
		if (r.op == Op::kWrite) {
			for (u64 p = first; p < last; p++)
				cache.put(p, kPageBytes, LruCache::Origin::kDemand);
			report_waste(cache, prefetcher);
			continue;
		}
		Outcome outcome = Outcome::kHit;
		for (u64 p = first; p < last; p++)
			if (demand(cache, m, p, kPageBytes) == Outcome::kMiss)
				outcome = Outcome::kMiss;
		m.demand_units += last - first;
		report_waste(cache, prefetcher);

		out.clear();
		prefetcher.demanded(outcome);
		prefetcher.access(first, clamp_u32(last - first), out);
		for (const Range &pf : out) {
			const u64 end = sat_add(pf.start, std::min(pf.length, max_prefetch));
			for (u64 p = pf.start; p < end; p++)
				m.prefetched_units += cache.put(p, kPageBytes, LruCache::Origin::kPrefetch);
		}
	}
	m.demand_bytes = m.demand_units * kPageBytes;
	m.prefetched_bytes = m.prefetched_units * kPageBytes;
	m.prefetch_wasted = cache.wasted();
	return m;
}

// At most this many objects are made from one prefetch range in object mode.
constexpr u64 kMaxTiles = 64;

// Where object mode puts the objects of a prefetched range: every @step sectors,
// from offset @first into the range.
struct Tiles {
	u64 first;
	u64 step;
};

// The objects of a Fetch::kTiled range are the requests that would read it: requests
// the size of the one at @id (@sectors long), laid end to end from it. So a window
// ahead of the request is tiled from the request's end, and one behind it is tiled
// down from its start. A window that began elsewhere, at a frontier left by earlier
// requests of another size, would otherwise be cut at ids no request starts at. A
// range that overlaps the request, a range no longer than one request, and a
// Fetch::kOneObject range are tiled from their own start.
Tiles tile(const Range &pf, u64 id, u64 sectors)
{
	if (pf.fetch == Fetch::kOneObject || pf.length <= sectors)
		return {0, pf.length};
	const u64 end = sat_add(id, sectors);
	if (pf.start >= end) {
		const u64 gap = (pf.start - end) % sectors;
		return {gap ? sectors - gap : 0, sectors};
	}
	if (pf.start + pf.length <= id)
		return {(id - pf.start) % sectors, sectors};
	return {0, sectors};
}

// Object mode, as libCacheSim: every request is a get of object id = start LBN, sized
// by the request, and goes to the prefetcher in sectors.
Metrics simulate_object(const std::vector<Request> &requests, u64 cache_bytes, Prefetcher &prefetcher)
{
	LruCache cache(cache_bytes);
	Metrics m;
	std::vector<Range> out;
	for (const Request &r : requests) {
		const u64 id = r.offset / kSectorBytes;
		m.demand_units++;
		m.demand_bytes += r.length;
		const Outcome outcome = demand(cache, m, id, r.length);
		report_waste(cache, prefetcher);

		out.clear();
		prefetcher.demanded(outcome);
		prefetcher.access(id, clamp_u32(r.length / kSectorBytes + (r.length % kSectorBytes != 0)), out);
		// A range is fetched as objects the size of the request that triggered it,
		// tiling the range: in object semantics a readahead window of four
		// requests is the next four requests, not one object four times as large.
		// Ranges no longer than the request (OBL, stride, Leap, correlation) are one
		// object, as before, and so is a range that names its object (Fetch::kOneObject).
		const u64 sectors = std::max<u64>(1, r.length / kSectorBytes);
		for (const Range &pf : out) {
			// A length beyond what fits in 64 bits of bytes cannot fit in any cache.
			if (pf.length == 0 || pf.length > kU64Max / kSectorBytes)
				continue;
			const Tiles t = tile(pf, id, sectors);
			for (u64 off = t.first, n = 0; off < pf.length && n < kMaxTiles; off += t.step, n++) {
				const u64 bytes = std::min(t.step, pf.length - off) * kSectorBytes;
				if (cache.put(pf.start + off, bytes, LruCache::Origin::kPrefetch)) {
					m.prefetched_units++;
					m.prefetched_bytes += bytes;
				}
			}
		}
	}
	m.prefetch_wasted = cache.wasted();
	return m;
}

} // namespace

const char *mode_name(SimMode mode)
{
	return mode == SimMode::kBlock ? "block" : "object";
}

double Metrics::hit_ratio() const
{
	return ratio(hits, demand_units);
}

double Metrics::accuracy() const
{
	return ratio(prefetch_hits, prefetched_units);
}

double Metrics::coverage() const
{
	return ratio(prefetch_hits, prefetch_hits + demand_misses);
}

Metrics simulate(const std::vector<Request> &requests, SimMode mode, u64 cache_bytes, Prefetcher &prefetcher)
{
	return mode == SimMode::kBlock ? simulate_block(requests, cache_bytes, prefetcher)
				       : simulate_object(requests, cache_bytes, prefetcher);
}

} // namespace aether::ctl
