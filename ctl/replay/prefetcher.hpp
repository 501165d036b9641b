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

// What a prefetcher asks for: [start, start + length) in the units of the accesses it sees.
struct Range {
	u64 start;
	u64 length;

	bool operator==(const Range &) const = default;
};

// A prefetcher as the simulator sees it: one access in, what to prefetch out. Each
// instance keeps the history of one replay.
class Prefetcher {
public:
	virtual ~Prefetcher() = default;
	// Sees an access of [addr, addr + len) and appends what to prefetch to @out.
	virtual void access(u64 addr, u32 len, std::vector<Range> &out) = 0;
};

} // namespace aether::ctl
