// The replay's simulated cache: LruCache and its open-addressing index.
#include "replay/cache.hpp"

#include <stdexcept>

#include "aether/types.hpp"

namespace aether::ctl {

using u32 = LruCache::u32;
using u64 = LruCache::u64;

// ---- LruCache::Index ----

size_t LruCache::Index::home(u64 key) const
{
	return static_cast<size_t>(aether::hash64(key)) & (slots_.size() - 1);
}

u32 LruCache::Index::find(u64 key) const
{
	if (slots_.empty())
		return kNil;
	for (size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
		const Slot &s = slots_[i];
		if (s.node == kNil)
			return kNil;
		if (s.key == key)
			return s.node;
	}
}

void LruCache::Index::insert(u64 key, u32 node)
{
	// At most half full, so probes stay short and there is always an empty slot.
	if ((size_ + 1) * 2 > slots_.size())
		grow();
	size_t i = home(key);
	while (slots_[i].node != kNil)
		i = (i + 1) & (slots_.size() - 1);
	slots_[i] = Slot{key, node};
	size_++;
}

void LruCache::Index::erase(u64 key)
{
	const size_t mask = slots_.size() - 1;
	size_t i = home(key);
	while (slots_[i].key != key || slots_[i].node == kNil)
		i = (i + 1) & mask;
	slots_[i].node = kNil;
	size_--;
	// Backward-shift deletion: move later entries of the probe run into the hole when
	// their home is not between the hole and where they are now.
	for (size_t j = (i + 1) & mask; slots_[j].node != kNil; j = (j + 1) & mask) {
		const size_t k = home(slots_[j].key);
		const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (stays)
			continue;
		slots_[i] = slots_[j];
		slots_[j].node = kNil;
		i = j;
	}
}

void LruCache::Index::grow()
{
	std::vector<Slot> old = std::move(slots_);
	slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
	size_ = 0;
	for (const Slot &s : old)
		if (s.node != kNil)
			insert(s.key, s.node);
}

// ---- LruCache ----

LruCache::LruCache(u64 capacity_bytes) : capacity_(capacity_bytes) {}

void LruCache::unlink(u32 n)
{
	Node &node = nodes_[n];
	if (node.prev != kNil)
		nodes_[node.prev].next = node.next;
	else
		head_ = node.next;
	if (node.next != kNil)
		nodes_[node.next].prev = node.prev;
	else
		tail_ = node.prev;
	node.prev = node.next = kNil;
}

void LruCache::push_front(u32 n)
{
	Node &node = nodes_[n];
	node.prev = kNil;
	node.next = head_;
	if (head_ != kNil)
		nodes_[head_].prev = n;
	head_ = n;
	if (tail_ == kNil)
		tail_ = n;
}

void LruCache::evict_lru()
{
	const u32 n = tail_;
	const Node &node = nodes_[n];
	wasted_ += node.prefetched;
	if (node.prefetched)
		evicted_unused_.push_back(node.key);
	evictions_++;
	used_ -= node.bytes;
	index_.erase(node.key);
	unlink(n);
	free_.push_back(n);
}

LruCache::Lookup LruCache::get(u64 key)
{
	const u32 n = index_.find(key);
	if (n == kNil)
		return Lookup::kMiss;
	unlink(n);
	push_front(n);
	if (nodes_[n].prefetched) {
		nodes_[n].prefetched = false;
		return Lookup::kPrefetchHit;
	}
	return Lookup::kHit;
}

bool LruCache::put(u64 key, u64 bytes, Origin origin)
{
	const u32 found = index_.find(key);
	if (found != kNil) {
		if (origin == Origin::kDemand) {
			unlink(found);
			push_front(found);
			wasted_ += nodes_[found].prefetched;
			nodes_[found].prefetched = false;
		}
		return false;
	}
	if (bytes > capacity_)
		return false;
	while (bytes > capacity_ - used_)
		evict_lru();

	u32 n;
	if (!free_.empty()) {
		n = free_.back();
		free_.pop_back();
	} else {
		if (nodes_.size() >= kNil)
			throw std::length_error("cache simulator: more than 2^32 - 1 entries");
		n = static_cast<u32>(nodes_.size());
		nodes_.push_back({});
	}
	nodes_[n] = Node{key, bytes, kNil, kNil, origin == Origin::kPrefetch};
	push_front(n);
	index_.insert(key, n);
	used_ += bytes;
	return true;
}

std::vector<u64> LruCache::keys_by_recency() const
{
	std::vector<u64> keys;
	keys.reserve(index_.size());
	for (u32 n = head_; n != kNil; n = nodes_[n].next)
		keys.push_back(nodes_[n].key);
	return keys;
}

} // namespace aether::ctl
