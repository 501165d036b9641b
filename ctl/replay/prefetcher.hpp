// What the replay simulators compare: the Prefetcher interface (one access in, ranges
// to prefetch out), and the two simulation modes whose units it works in.
#pragma once

#include <cstdint>
#include <vector>

#include "replay/trace.hpp"

namespace aether::ctl {

using u32 = std::uint32_t;

// A page of the simulated page cache (block mode).
inline constexpr u64 kPageBytes = 4096;

enum class SimMode {
	kBlock,  // 4 KiB pages in a page cache; prefetchers see reads, in pages
	kObject, // libCacheSim's objects (id = start LBN); prefetchers see every request, in sectors
};

// "block" or "object", as the replay's output names @mode.
const char *mode_name(SimMode mode);

// How object mode caches a prefetched range; block mode fetches the range's pages
// either way.
enum class Fetch {
	// The range as read: longer than the request that triggered it (a readahead
	// window), it is one cache entry that serves every request lying inside it and the
	// ranges next to it; no longer, it is one object named by its start.
	kRange,
	// One object: start is its id and length its size, for prefetchers that name the
	// objects they fetch (Mithril, PG) and remember how large each was.
	kOneObject,
};

// What a prefetcher asks for: [start, start + length) in the units of the accesses it sees.
struct Range {
	u64 start;
	u64 length;
	Fetch fetch = Fetch::kRange;

	bool operator==(const Range &) const = default;
};

// Whether the cache held all of a demand access (kHit) or missed some of it (kMiss).
enum class Outcome { kHit, kMiss };

// A prefetcher as the simulator sees it: one access in, what to prefetch out. Each
// instance keeps the history of one replay.
class Prefetcher {
public:
	virtual ~Prefetcher() = default;
	// Sees an access of [addr, addr + len) and appends what to prefetch to @out.
	virtual void access(u64 addr, u32 len, std::vector<Range> &out) = 0;

	// Optional feedback from the simulated cache, for the prefetchers whose algorithms
	// learn from it (Mithril records misses; AMP shrinks its degree on waste). The
	// defaults ignore it, so the others behave exactly as without it.

	// Called just before access() for the same demand access with what the cache
	// found for it.
	virtual void demanded(Outcome) {}

	// Called when the unit @key (a page in block mode, an object id in object mode)
	// that was prefetched is evicted before any demand access used it. A simulation
	// runs one prefetcher, so every such unit is one this prefetcher asked for.
	virtual void evicted_unused(u64) {}
};

} // namespace aether::ctl
