// Mithril (Yang et al., "Mithril: Mining Sporadic Associations for Cache Prefetching",
// SoCC '17) as a replay baseline: it mines which missed units keep missing close together
// and prefetches a unit's associates when it is accessed.
#pragma once

#include <memory>

#include "replay/prefetcher.hpp"

namespace aether::ctl {

// Mithril's knobs. The defaults are libCacheSim's (cache/prefetch/Mithril.c): lookahead
// range 20, min support 2, max support 8, confidence 1, pf_list_size 2, recording on
// misses, mining when the mining table holds mining_threshold / min_support = 2560
// entries. The table sizes are ours: libCacheSim sizes them from the cache size, which a
// prefetcher here does not know; these are larger than any replay here fills.
struct MithrilParams {
	u32 lookahead = 20;   // accesses apart two associated units may be
	u32 min_support = 2;  // misses before a unit is mined (at least 1)
	u32 max_support = 8;  // misses after which a unit is too frequent to be sporadic
	u32 confidence = 1;   // tolerated support difference and timestamp mismatches
	u32 pf_list_size = 2; // associates kept per unit (at most 4)
	u32 mining_threshold = 5120;
	u32 recording_rows = 1 << 17; // units waiting for min_support misses (FIFO)
	u32 prefetch_rows = 1 << 16;  // units with associates (FIFO)
};

// A fresh Mithril with @params (clamped to what the tables hold: max_support <= 8,
// pf_list_size <= 4). It records an access when demanded() last said kMiss, and every
// access when nothing says otherwise; it prefetches each associate as Fetch::kOneObject
// of the length that unit had when it was last recorded.
std::unique_ptr<Prefetcher> make_mithril(const MithrilParams &params = {});

} // namespace aether::ctl
