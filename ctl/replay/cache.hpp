// The replay's simulated cache: an LRU cache of keys with byte sizes, with its own
// allocation-free index, that tells useful prefetches from wasted ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aether::ctl {

// An LRU cache of keys with byte sizes, evicting from the least recently used end until
// what is inserted fits. Entries inserted by prefetch carry a "not yet used" flag so the
// simulator can tell useful prefetches from wasted ones.
class LruCache {
public:
	using u32 = std::uint32_t;
	using u64 = std::uint64_t;

	enum class Origin { kDemand, kPrefetch };
	enum class Lookup { kMiss, kHit, kPrefetchHit };

	explicit LruCache(u64 capacity_bytes);

	// A demand access. A hit moves the key to the MRU end; a hit on a prefetched,
	// not-yet-used entry is a kPrefetchHit and clears its flag. A miss inserts nothing.
	Lookup get(u64 key);

	// Inserts @key as MRU if absent and it fits in the cache at all; returns whether
	// it did. If present: a prefetch leaves it alone, a demand put (a write) moves it
	// to MRU and, as it overwrites the data, retires an unused prefetch as wasted.
	// Throws std::length_error past 2^32 - 1 entries.
	bool put(u64 key, u64 bytes, Origin origin);

	bool contains(u64 key) const { return index_.find(key) != kNil; }
	size_t entries() const { return index_.size(); }
	u64 used_bytes() const { return used_; }
	u64 capacity_bytes() const { return capacity_; }
	// Prefetched entries evicted or overwritten before any demand access used them.
	u64 wasted() const { return wasted_; }
	u64 evictions() const { return evictions_; }
	// The keys of prefetched entries evicted unused since the last clear_evicted_unused(),
	// oldest first, so the simulator can tell the prefetcher. Overwrites are not in it.
	const std::vector<u64> &evicted_unused() const { return evicted_unused_; }
	void clear_evicted_unused() { evicted_unused_.clear(); }
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
	std::vector<u64> evicted_unused_;
	std::vector<Node> nodes_;
	std::vector<u32> free_;
	u32 head_ = kNil; // MRU
	u32 tail_ = kNil; // LRU
	Index index_;
};

} // namespace aether::ctl
