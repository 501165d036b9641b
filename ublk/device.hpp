// What every queue of one device shares: the target, the cache tier, the prefetcher
// that fills it from the core's decisions, and the stats counters.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "aether/predictor.hpp"
#include "cache.hpp"
#include "fault.hpp"
#include "stats.hpp"
#include "target.hpp"

namespace aether::ublk {

// The core, fed with the device's demand reads in 4 KiB blocks: one stream for the
// whole device, as aether.ko's block telemetry does; its trackers separate
// interleaved readers.
class Prefetcher {
public:
	explicit Prefetcher(Preset preset) : predictor_(preset_params(preset, kCacheBlock), corr_) {}

	// The core's decisions for a demand read of [block, block + count), in blocks;
	// writes up to kMaxDecisions to @out and returns how many.
	size_t decide(uint64_t block, uint32_t count, Decision *out)
	{
		std::lock_guard lock(mu_);
		return predictor_.access(stream_, block, count, out, kMaxDecisions);
	}

private:
	std::mutex mu_;
	CorrelationTableN<4096> corr_;
	Predictor predictor_;
	StreamState stream_{};
};

// Fills in flight from one queue at most: they bound the queue's ring as well as the
// backend load the prefetcher adds.
inline constexpr unsigned kFillsPerQueue = 32;

struct Device {
	Target *target = nullptr;
	Cache cache;                           // !cache.enabled(): no cache tier
	std::unique_ptr<Prefetcher> prefetch;  // null: --policy off; set only with a cache
	Counters *stats = nullptr;
	// Each queue's ring fd, so a fill landing on one queue can wake a read parked by
	// another (IORING_OP_MSG_RING). -1 until the queue is set up.
	std::vector<std::atomic<int>> ring_fd;
	Faults faults; // none unless a test arms them
};

} // namespace aether::ublk
