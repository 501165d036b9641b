// What the queues of one device share: the target, the cache tier, the stats counters,
// and each queue's prefetcher, which fills the cache from the core's decisions.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "aether/predictor.hpp"
#include "cache.hpp"
#include "fault.hpp"
#include "stats.hpp"
#include "target.hpp"

namespace aether::ublk {

// The core, fed with one queue's demand reads in 4 KiB blocks. Each queue has its
// own, as aether.ko has one per CPU: blk-mq sends a reader's requests to the queue of
// the CPU it runs on, so a reader's stream stays on one queue, and a queue never
// waits for another's predictions. Its trackers separate the readers interleaved
// on its queue, and readers on other queues do not take their place.
class Prefetcher {
public:
	explicit Prefetcher(Preset preset) : predictor_(preset_params(preset, kCacheBlock), corr_) {}

	// The core's decisions for a demand read of [block, block + count), in blocks,
	// which waited for a fill in flight if @timing is kLate; writes up to
	// kMaxDecisions to @out and returns how many. Only the thread of the queue that
	// owns this prefetcher calls it.
	size_t decide(uint64_t block, uint32_t count, Timing timing, Decision *out)
	{
		return predictor_.access(stream_, block, count, out, kMaxDecisions, timing);
	}

private:
	CorrelationTableN<4096> corr_;
	Predictor predictor_;
	StreamState stream_{};
};

// One prefetcher per queue for @preset, or none for @queues 0.
inline std::vector<std::unique_ptr<Prefetcher>> make_prefetchers(Preset preset, unsigned queues)
{
	std::vector<std::unique_ptr<Prefetcher>> v;
	for (unsigned q = 0; q < queues; q++)
		v.push_back(std::make_unique<Prefetcher>(preset));
	return v;
}

// Fills in flight from one queue at most: they bound the queue's ring as well as the
// backend load the prefetcher adds.
inline constexpr unsigned kFillsPerQueue = 32;

// Whether, and how, the server gives its device up.
enum class GiveUp : uint8_t {
	kNo, // serve
	// Fail what arrives and go on until STOP_DEV aborts the queue's commands. Used
	// while every queue's ring still submits: no ring may close before STOP_DEV,
	// since Linux 6.12 can hand a request it started before the close to the closing
	// ring as the close cancels the ring's commands, and then waits for that request
	// for ever.
	kKeepRings,
	// Answer what is held, fail what arrives, and end once holding none, so that
	// /dev/ublkcN is released and the kernel fails what a queue that ended before
	// held. Since Linux 7.0 nothing else does: STOP_DEV waits for those requests
	// while the server keeps the char device open (abandon_queues()).
	kEndRings,
};

struct Device {
	Target *target = nullptr;
	Cache cache;                           // !cache.enabled(): no cache tier
	// One per queue, indexed by queue id; empty: --policy off. Set only with a cache.
	std::vector<std::unique_ptr<Prefetcher>> prefetch;
	Counters *stats = nullptr;
	// Each queue's ring fd, so a fill landing on one queue can wake a read parked by
	// another (IORING_OP_MSG_RING). -1 until the queue is set up.
	std::vector<std::atomic<int>> ring_fd;
	Faults faults; // none unless a test arms them
	// The kernel registers each request's pages as its tag's fixed buffer
	// (UBLK_F_AUTO_BUF_REG): the target's reads and writes land in them, with no copy
	// through the queue's own buffers, which then do not exist. Never with a cache.
	bool zero_copy = false;
	// The kernel hands requests over and takes answers in batches (UBLK_F_BATCH_IO):
	// one FETCH_IO_CMDS per queue delivers the tags of many requests per completion,
	// and one COMMIT_IO_CMDS per pass of the queue's loop answers what it finished.
	bool batch = false;
	// The kernel copies no request's data (UBLK_F_USER_COPY): the queue reads a write's
	// bytes from /dev/ublkcN into the tag's buffer and writes a read's back there,
	// and a cache hit goes from the cache's blocks into the request with one copy.
	bool user_copy = false;
	// How the queues treat requests once the server gives the device up (a queue's
	// ring failed, or a queue ended): serving stops, and what arrives fails with -EIO.
	std::atomic<GiveUp> give_up{GiveUp::kNo};
};

} // namespace aether::ublk
