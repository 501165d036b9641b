// The replay's simulators: a trace through an LRU cache with a prefetcher, in
// block (page cache) or object (libCacheSim) mode, and the metrics they count.
#include "replay/simulate.hpp"

#include <algorithm>
#include <map>

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

// Object mode keys a prefetched range by its start with this bit set, which no page
// or object id (a 512-byte sector of a 64-bit byte offset) can have.
constexpr u64 kRangeTag = u64{1} << 63;

// Tells @prefetcher which of its prefetches the cache evicted unused since last time;
// a range is told as its start.
void report_waste(LruCache &cache, Prefetcher &prefetcher)
{
	for (const u64 key : cache.evicted_unused())
		prefetcher.evicted_unused(key & ~kRangeTag);
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

// A prefetched range in object mode is at most this many of its request's size long.
constexpr u64 kMaxRangeRequests = 64;

// Object mode's prefetched ranges. A range longer than the request that triggered it
// (a readahead window) is read as one piece, so it is one cache entry, and together
// with the ranges next to it it serves every request that lies wholly inside them,
// whatever that request's size: the data is in memory, as it would be in a real cache.
// So a stream that changes its request size (64, 68, 60 KiB ...), or whose requests
// straddle two windows, does not miss for it. An entry's key is the range's start with
// kRangeTag set. The index from start to end may name ranges the cache has since
// evicted; lookups drop those.
class PrefetchedRanges {
public:
	// Inserts [start, start + length) into @cache as a prefetch; returns whether it was
	// not there yet.
	bool put(LruCache &cache, u64 start, u64 length)
	{
		if (!cache.put(start | kRangeTag, length * kSectorBytes, LruCache::Origin::kPrefetch))
			return false;
		ends_[start] = start + length;
		longest_ = std::max(longest_, length);
		return true;
	}

	// Sets @keys to the keys of cached ranges that together hold all of [id, end), in
	// address order; returns false, with @keys meaningless, if they do not.
	bool cover(const LruCache &cache, u64 id, u64 end, std::vector<u64> &keys)
	{
		keys.clear();
		for (u64 at = id; at < end;) {
			const auto r = holding(cache, at);
			if (r == ends_.end())
				return false;
			keys.push_back(r->first | kRangeTag);
			at = r->second;
		}
		return true;
	}

private:
	// A cached range holding @at, or end().
	std::map<u64, u64>::iterator holding(const LruCache &cache, u64 at)
	{
		auto it = ends_.upper_bound(at);
		while (it != ends_.begin()) {
			--it;
			if (it->first + longest_ <= at)
				break; // every range is shorter than that
			if (!cache.contains(it->first | kRangeTag)) {
				it = ends_.erase(it);
				continue;
			}
			if (it->second > at)
				return it;
		}
		return ends_.end();
	}

	std::map<u64, u64> ends_;
	u64 longest_ = 0;
};

// Object mode, as libCacheSim: every request is a get of object id = start LBN, sized
// by the request, and goes to the prefetcher in sectors. A request that misses its
// object but lies inside cached prefetched ranges (PrefetchedRanges) hits them.
Metrics simulate_object(const std::vector<Request> &requests, u64 cache_bytes, Prefetcher &prefetcher)
{
	LruCache cache(cache_bytes);
	PrefetchedRanges ranges;
	Metrics m;
	std::vector<Range> out;
	std::vector<u64> keys;
	for (const Request &r : requests) {
		const u64 id = r.offset / kSectorBytes;
		const u64 sectors = std::max<u64>(1, r.length / kSectorBytes + (r.length % kSectorBytes != 0));
		m.demand_units++;
		m.demand_bytes += r.length;
		Outcome outcome = Outcome::kHit;
		if (cache.contains(id) || !ranges.cover(cache, id, sat_add(id, sectors), keys)) {
			outcome = demand(cache, m, id, r.length);
		} else {
			// One hit, and a prefetch hit if any of the ranges was not used before.
			bool first_use = false;
			for (const u64 k : keys)
				first_use |= cache.get(k) == LruCache::Lookup::kPrefetchHit;
			m.hits++;
			m.prefetch_hits += first_use;
		}
		report_waste(cache, prefetcher);

		out.clear();
		prefetcher.demanded(outcome);
		prefetcher.access(id, clamp_u32(sectors), out);
		for (const Range &pf : out) {
			// A length beyond what fits in 64 bits of bytes cannot fit in any cache.
			if (pf.length == 0 || pf.length > kU64Max / kSectorBytes)
				continue;
			// A range no longer than the request (OBL, stride, Leap, correlation) is
			// one object, as is one that names its object (Fetch::kOneObject); a
			// longer one is a window.
			const bool window = pf.fetch == Fetch::kRange && pf.length > sectors;
			const u64 length = window ? std::min(pf.length, kMaxRangeRequests * sectors) : pf.length;
			if (window ? ranges.put(cache, pf.start, length)
				   : cache.put(pf.start, length * kSectorBytes, LruCache::Origin::kPrefetch)) {
				m.prefetched_units++;
				m.prefetched_bytes += length * kSectorBytes;
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
