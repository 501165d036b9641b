// aether-ublk's per-device stats file, /run/aether/ublk<N>.stats: a fixed layout the
// server maps shared and updates in place, and aether-ctl maps read-only. Readers
// never take a lock and the server never waits for one. New counters go at the end
// of Stat; since that moves the latency histogram after them, each such change
// bumps kStatsVersion, and a reader refuses a version it does not know.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <time.h>

namespace aether::ublk {

enum class Stat : uint32_t {
	kReads = 0,        // read requests
	kWrites,           // write requests
	kReadBytes,
	kWriteBytes,
	kFlushes,
	kDiscards,         // discard and write-zeroes requests
	kErrors,           // requests completed with an error
	kCacheHits,        // read requests served whole from the cache
	kCacheWaits,       // read requests that waited for a prefetch in flight
	kHitBlocks,        // 4 KiB blocks served from the cache
	kPrefetchIssued,   // blocks the prefetcher read ahead
	kPrefetchUsed,     // of those, blocks a read then hit
	kPrefetchWasted,   // of those, blocks evicted, overwritten or stale before use
	kPrefetchStale,    // of the wasted, blocks a racing write made stale
	kPrefetchDropped,  // decided blocks not fetched: the in-flight bound was reached
	kBackendReadBytes, // bytes read from the backing store (demand and prefetch)
	kBackendWriteBytes,
	kDecisions,        // decisions the core returned
	kFillErrors,       // prefetch fills the backend failed
	kFillErrorWaits,   // reads parked on a fill that failed, woken to read the backend themselves
	kCount
};

// Stat's names, as aether-ctl shows them.
inline constexpr const char *kStatNames[] = {
	"reads", "writes", "read_bytes", "write_bytes", "flushes", "discards", "errors",
	"cache_hits", "cache_waits", "hit_blocks", "prefetch_issued", "prefetch_used",
	"prefetch_wasted", "prefetch_stale", "prefetch_dropped", "backend_read_bytes",
	"backend_write_bytes", "decisions", "fill_errors", "fill_error_waits",
};
static_assert(sizeof(kStatNames) / sizeof(kStatNames[0]) == static_cast<size_t>(Stat::kCount));

// Latency histograms: bucket 0 is under 1 us, bucket k is [2^(k-1), 2^k) us, and the
// last bucket takes everything longer.
inline constexpr unsigned kLatencyBuckets = 24;

// The clock latencies are measured on, in ns.
inline uint64_t now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

// The bucket of a latency of @ns.
inline unsigned latency_bucket(uint64_t ns)
{
	const uint64_t us = ns / 1000;
	const unsigned b = us ? 64 - static_cast<unsigned>(__builtin_clzll(us)) : 0;
	return b < kLatencyBuckets ? b : kLatencyBuckets - 1;
}

struct Counters {
	std::atomic<uint64_t> v[static_cast<size_t>(Stat::kCount)];
	// Read requests, from their arrival to their completion.
	std::atomic<uint64_t> read_latency[kLatencyBuckets];
	// Round trips to a remote backend (the nbd target): from a command's submission
	// to its reply, for each command answered without error. A local file has none.
	std::atomic<uint64_t> backend_latency[kLatencyBuckets];

	void add(Stat s, uint64_t n = 1) { v[static_cast<size_t>(s)].fetch_add(n, std::memory_order_relaxed); }
	uint64_t get(Stat s) const { return v[static_cast<size_t>(s)].load(std::memory_order_relaxed); }
	void add_read_latency(uint64_t ns) { read_latency[latency_bucket(ns)].fetch_add(1, std::memory_order_relaxed); }
	void add_backend_latency(uint64_t ns)
	{
		backend_latency[latency_bucket(ns)].fetch_add(1, std::memory_order_relaxed);
	}
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "counters are shared with other processes");

inline constexpr char kStatsMagic[8] = {'A', 'E', 'T', 'H', 'U', 'B', 'L', 'K'};
// 2: fill_errors and fill_error_waits, which moved the latency histogram.
// 3: backend_latency, after read_latency.
inline constexpr uint32_t kStatsVersion = 3;

// Who the device is. Written once, before the magic.
struct StatsHeader {
	char magic[8];
	uint32_t version;
	uint32_t bytes;          // sizeof(StatsFile) of the writer
	int32_t pid;             // the server
	uint32_t dev_id;         // /dev/ublkb<dev_id>
	uint64_t dev_bytes;
	uint64_t cache_bytes;    // 0: no cache
	uint32_t latency_us;     // injected backend read latency
	uint16_t queues;
	uint16_t depth;
	char policy[16];         // off, hft, gaming or adaptive
	char file[4096];         // the backing file, NUL-terminated
};

struct StatsFile {
	StatsHeader h;
	Counters c;
};

// Where stats files live: $AETHER_RUN_DIR, or /run/aether.
inline std::string run_dir()
{
	const char *d = std::getenv("AETHER_RUN_DIR");
	return d && *d ? d : "/run/aether";
}

inline std::string stats_path(uint32_t dev_id)
{
	return run_dir() + "/ublk" + std::to_string(dev_id) + ".stats";
}

} // namespace aether::ublk
