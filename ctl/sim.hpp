// Cache simulators and baseline prefetch policies for `aether-ctl replay`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "trace.hpp"

namespace aether::ctl {

using u32 = std::uint32_t;

inline constexpr u64 kPageBytes = 4096;
inline constexpr u64 kSectorBytes = 512;

enum class SimMode {
	kBlock,  // 4 KiB pages in a page cache; policies see reads, in pages
	kObject, // libCacheSim's objects (id = start LBN); policies see every request, in sectors
};

const char *mode_name(SimMode mode);

// What a policy asks for: [start, start + length) in the units of the accesses it sees.
struct Range {
	u64 start;
	u64 length;

	bool operator==(const Range &) const = default;
};

// A prefetcher as the simulator sees it: one access in, what to prefetch out.
class Policy {
public:
	virtual ~Policy() = default;
	// Sees an access of [addr, addr + len) and appends what to prefetch to @out.
	virtual void access(u64 addr, u32 len, std::vector<Range> &out) = 0;
};

enum class PolicyKind {
	kNone,
	kLinux,
	kObl,
	kStride,
	kLeap,
	kHft,
	kGaming,
	kAdaptive,
};

// Every policy, in the order replay runs and prints them by default.
inline constexpr PolicyKind kAllPolicies[] = {
	PolicyKind::kNone,  PolicyKind::kLinux, PolicyKind::kObl,    PolicyKind::kStride,
	PolicyKind::kLeap,  PolicyKind::kHft,   PolicyKind::kGaming, PolicyKind::kAdaptive,
};

const char *policy_name(PolicyKind kind);
std::optional<PolicyKind> parse_policy(std::string_view name);
// A fresh policy with empty history, for accesses in @mode's units.
std::unique_ptr<Policy> make_policy(PolicyKind kind, SimMode mode);

// An LRU cache of keys with byte sizes, evicting from the least recently used end until
// what is inserted fits. Entries inserted by prefetch carry a "not yet used" flag so the
// simulator can tell useful prefetches from wasted ones.
class LruCache {
public:
	enum class Origin { kDemand, kPrefetch };
	enum class Lookup { kMiss, kHit, kPrefetchHit };

	explicit LruCache(u64 capacity_bytes);

	// A demand access. A hit moves the key to the MRU end; a hit on a prefetched,
	// not-yet-used entry is a kPrefetchHit and clears its flag. A miss inserts nothing.
	Lookup get(u64 key);

	// Inserts @key as MRU if absent and it fits in the cache at all; returns whether
	// it did. If present: a prefetch leaves it alone, a demand put (a write) moves it
	// to MRU and, as it overwrites the data, retires an unused prefetch as wasted.
	bool put(u64 key, u64 bytes, Origin origin);

	bool contains(u64 key) const { return index_.find(key) != kNil; }
	size_t entries() const { return index_.size(); }
	u64 used_bytes() const { return used_; }
	u64 capacity_bytes() const { return capacity_; }
	// Prefetched entries evicted or overwritten before any demand access used them.
	u64 wasted() const { return wasted_; }
	u64 evictions() const { return evictions_; }
	// The keys from most to least recently used (for tests and debugging).
	std::vector<u64> keys_by_recency() const;

private:
	static constexpr u32 kNil = UINT32_MAX;

	// Open addressing with linear probing from key to node: no allocation per entry,
	// which matters when a replay touches millions of pages.
	class Index {
	public:
		u32 find(u64 key) const;
		void insert(u64 key, u32 node); // @key must be absent
		void erase(u64 key);            // @key must be present
		size_t size() const { return size_; }

	private:
		struct Slot {
			u64 key = 0;
			u32 node = kNil; // kNil: empty
		};
		size_t home(u64 key) const;
		void grow();

		std::vector<Slot> slots_;
		size_t size_ = 0;
	};

	struct Node {
		u64 key;
		u64 bytes;
		u32 prev; // towards MRU
		u32 next; // towards LRU
		bool prefetched; // inserted by prefetch, not yet used by a demand access
	};

	void unlink(u32 n);
	void push_front(u32 n);
	void evict_lru();

	u64 capacity_;
	u64 used_ = 0;
	u64 wasted_ = 0;
	u64 evictions_ = 0;
	std::vector<Node> nodes_;
	std::vector<u32> free_;
	u32 head_ = kNil; // MRU
	u32 tail_ = kNil; // LRU
	Index index_;
};

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

// Replays @requests through an LRU cache of @cache_bytes with @policy prefetching.
Metrics simulate(const std::vector<Request> &requests, SimMode mode, u64 cache_bytes,
		 Policy &policy);

} // namespace aether::ctl
